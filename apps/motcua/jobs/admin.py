from django.contrib import admin
from unfold.admin import ModelAdmin

from motcua.jobs.models import AppliedPatch, SweepRun


@admin.register(AppliedPatch)
class AppliedPatchAdmin(ModelAdmin):
    list_display = ("name", "applied_at", "duration_ms")
    search_fields = ("name", "output")
    list_filter = ("applied_at",)
    readonly_fields = ("name", "applied_at", "duration_ms", "output")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SweepRun)
class SweepRunAdmin(ModelAdmin):
    list_display = ("started_at", "finished_at", "outcome", "batches", "changed", "fired")
    list_filter = ("outcome", "started_at")
    readonly_fields = (
        "started_at",
        "finished_at",
        "outcome",
        "batches",
        "changed",
        "fired",
        "errors",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
