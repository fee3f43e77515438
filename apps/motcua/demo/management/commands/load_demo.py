"""``manage.py load_demo``: load the demo site once, then print the URLs and demo logins."""

from django.core.management.base import BaseCommand

from motcua.demo.loader import demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Hải Phòng) nếu chưa có và in địa chỉ, tài khoản dùng thử."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        counts, logins = demo_load()
        added = ", ".join(f"{n} {k}" for k, n in counts.items())
        self.stdout.write(f"Dữ liệu mẫu: thêm mới {added}.")
        self.stdout.write(f"\n  Cổng dịch vụ công (công dân):  {base_url}/")
        self.stdout.write(f"  Một cửa (cán bộ):              {base_url}/desk/")
        self.stdout.write(f"  Quản trị (cấu hình):           {base_url}/admin/")
        self.stdout.write("\n  Tài khoản dùng thử (chỉ cho bản demo):")
        for login in logins:
            self.stdout.write(
                f"    {login.username:<24} {login.password:<16} {login.role} {login.unit}"
            )
        self.stdout.write("")
