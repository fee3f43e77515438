"""What the postal-delivery plugin contributes to motcua (docs/plugins.md of motcua)."""

from motcua.jobs.schedule import ScheduledJob as _Job

name = "postal"
label = "Trả kết quả qua bưu chính (kết nối đơn vị chuyển phát)"
requires_motcua = ">=0.1,<0.2"
app = "motcua_postal"
scheduled_jobs = [
    # Tracking updates of the open shipments into the dossiers' timelines.
    _Job("postal_tracking_poll", "motcua_postal.jobs.postal_tracking_poll", "*/15 * * * *"),
]
form_field_kinds = {
    "postal_code": {
        "label": "Mã bưu chính",
        "builder": "motcua_postal.fields.postal_code_field",
    },
}
urls = "motcua_postal.urls"
desk_menu = [
    {"title": "Gửi kết quả qua bưu chính", "icon": "local_shipping", "url_name": "postal:pending"},
]
fixtures = ["fixtures/postal_carriers.json"]
patches = ["motcua_postal.patches.tracking_upper_case"]
