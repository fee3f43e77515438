"""Ship the national defaults of the QĐ 766 scoring (thresholds from the national portal's formula
description "Mô tả công thức tính chỉ số 766"; point weights are not available to us, so each
indicator gets 10 points until an administrator sets the province's own).
"""

from django.db import migrations

INDICATORS = [
    ("2.1", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", 100, "QĐ 766 §2.1 (không có ngưỡng: 100%)"),
    ("2.2", "Thời gian giải quyết TTHC trung bình", 100, "QĐ 766 §2.2 (chỉ thống kê)"),
    ("3.1", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", 80, "QĐ 766 §3.1: từ 80%"),
    ("3.3", "Tỷ lệ hồ sơ nộp trực tuyến", 50, "QĐ 766 §3.3: từ 50%"),
    ("3.6", "Tỷ lệ hồ sơ thanh toán trực tuyến", 80, "QĐ 766 §3.6 (ngưỡng như §3.5: 80%)"),
    ("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", 80, "QĐ 766 §4.1 (ngưỡng như §4.2: 80%)"),
    ("4.2", "Tỷ lệ hồ sơ được số hóa", 80, "QĐ 766 §4.2: từ 80%"),
    ("5.4", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", 90, "QĐ 766 §5.4: từ 90%"),
]
BANDS = [(90, "Tốt"), (80, "Khá"), (50, "Trung bình"), (0, "Yếu")]


def forwards(apps, schema_editor):
    setting = apps.get_model("reports", "IndicatorSetting")
    band = apps.get_model("reports", "ScoreBand")
    for code, name, target, source in INDICATORS:
        points = 0 if code == "2.2" else 10
        setting.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "target_percent": target,
                "max_points": points,
                "source": source,
            },
        )
    if not band.objects.exists():
        band.objects.bulk_create(band(min_percent=m, label=label) for m, label in BANDS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_h14_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
