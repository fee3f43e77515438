"""Officers read a dossier's form data with the labels of the form it was submitted under."""

from motcua.portal.snapshot import form_rows

SNAPSHOT = {
    "documents": [],
    "form": {
        "fields": [
            {"key": "dien_tich_san", "label": "Diện tích sàn (m²)", "kind": "number"},
            {"key": "ngay_khoi_cong", "label": "Ngày khởi công dự kiến", "kind": "date"},
            {"key": "ban_ve", "label": "Bản vẽ", "kind": "file"},
            {"key": "co_tang_ham", "label": "Có tầng hầm", "kind": "checkbox"},
        ],
        "documents": [],
    },
}


def test_labels_order_and_formats_come_from_the_frozen_form():
    data = {
        "ghi_chu_quay": "nhận tại quầy",
        "co_tang_ham": False,
        "ngay_khoi_cong": "2025-09-15",
        "dien_tich_san": "126.5",
        "ban_ve": "portal/2025/09/abc",
    }

    rows = form_rows(SNAPSHOT, data)

    assert rows == [
        ("Diện tích sàn (m²)", "126,5"),  # numbers the Vietnamese way
        ("Ngày khởi công dự kiến", "15/09/2025"),
        ("Có tầng hầm", "Không"),
        ("ghi_chu_quay", "nhận tại quầy"),  # not in the form: shown under its key
    ]


def test_a_version_without_a_form_shows_keys():
    assert form_rows({"documents": []}, {"a": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}) == [
        ("a", "1, 2; 3, 4")
    ]
