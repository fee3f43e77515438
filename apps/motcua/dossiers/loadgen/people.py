"""Plausible Vietnamese applicants (people and firms) for generated dossiers; no real person.

Every name part is folded (:func:`motcua.core.text.fold`) once at import, so the search column of
a generated dossier is joined from folded parts instead of folding each name character by
character (fold works word by word, so the join of folded parts equals the fold of the join).
"""

from __future__ import annotations

from motcua.core.text import fold

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


def _folded(names) -> tuple[tuple[str, str], ...]:
    return tuple((name, fold(name)) for name in names)


_FAMILY = _folded(name for name, _weight in FAMILY)
_FAMILY_CUM = tuple(sum(weight for _name, weight in FAMILY[: k + 1]) for k in range(len(FAMILY)))
_MIDDLE, _GIVEN = _folded(MIDDLE), _folded(GIVEN)
_FIRM_KIND, _FIRM_NAME = _folded(FIRM_KIND), _folded(FIRM_NAME)


def applicant(rng, *, organisation: bool) -> tuple[dict, str]:
    """Return the applicant fields of one dossier (name, numbers, address) and the folded name."""
    street = f"{rng.randrange(1, 400)} {rng.choice(STREETS)}"
    phone = f"09{rng.randrange(10**8):08d}"
    if organisation:
        kind, firm, number = rng.choice(_FIRM_KIND), rng.choice(_FIRM_NAME), rng.randrange(1, 999)
        return {
            "applicant_kind": "organisation",
            "applicant_name": f"{kind[0]} {firm[0]} {number}",
            "applicant_id_number": "",
            "applicant_tax_code": f"02{rng.randrange(10**8):08d}",
            "applicant_phone": phone,
            "applicant_address": street,
        }, f"{kind[1]} {firm[1]} {number}"
    family = rng.choices(_FAMILY, cum_weights=_FAMILY_CUM)[0]
    middle, given = rng.choice(_MIDDLE), rng.choice(_GIVEN)
    return {
        "applicant_kind": "individual",
        "applicant_name": f"{family[0]} {middle[0]} {given[0]}",
        "applicant_id_number": f"031{rng.randrange(10**9):09d}",
        "applicant_tax_code": "",
        "applicant_phone": phone,
        "applicant_address": street,
    }, f"{family[1]} {middle[1]} {given[1]}"
