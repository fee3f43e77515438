"""Plausible Vietnamese applicants (people and firms) for generated dossiers; no real person."""

from __future__ import annotations

FAMILY = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Phan", 4),
    ("Đinh", 1),
    ("Trịnh", 1),
)
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Quốc", "Đức", "Thanh", "Ngọc", "Hữu", "Xuân", "Hoài", "Gia")
GIVEN = (
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm",
    "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến",
)  # fmt: skip
FIRM_KIND = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
FIRM_NAME = (
    "Cơ khí Bạch Đằng", "Thương mại Cát Bi", "Xây dựng Lạch Tray", "Vận tải Đình Vũ",
    "Thủy sản Đồ Sơn", "Dịch vụ Tam Bạc", "Điện máy An Dương", "Nông sản Tiên Lãng",
)  # fmt: skip
STREETS = ("Lạch Tray", "Trần Phú", "Lê Lợi", "Hoàng Văn Thụ", "Điện Biên Phủ", "Tô Hiệu")

_FAMILY_NAMES = tuple(name for name, _weight in FAMILY)
_FAMILY_WEIGHTS = tuple(weight for _name, weight in FAMILY)


def applicant(rng, *, organisation: bool) -> dict:
    """Return the applicant fields of one dossier (name, numbers, address)."""
    street = f"{rng.randrange(1, 400)} {rng.choice(STREETS)}"
    phone = f"09{rng.randrange(10**8):08d}"
    if organisation:
        return {
            "applicant_kind": "organisation",
            "applicant_name": f"{rng.choice(FIRM_KIND)} {rng.choice(FIRM_NAME)} {rng.randrange(1, 999)}",
            "applicant_id_number": "",
            "applicant_tax_code": f"02{rng.randrange(10**8):08d}",
            "applicant_phone": phone,
            "applicant_address": street,
        }
    family = rng.choices(_FAMILY_NAMES, _FAMILY_WEIGHTS)[0]
    return {
        "applicant_kind": "individual",
        "applicant_name": f"{family} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "applicant_id_number": f"031{rng.randrange(10**9):09d}",
        "applicant_tax_code": "",
        "applicant_phone": phone,
        "applicant_address": street,
    }
