from django.urls import path

from motcua.security import views

app_name = "security"

urlpatterns = [path("xac-thuc-hai-buoc/", views.otp_view, name="otp")]
