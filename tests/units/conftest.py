"""Fixtures for the unit tree tests: a 3-level tree of Hải Phòng-like units."""

from types import SimpleNamespace

import pytest

from tests.units.factories import make_levels, make_unit


@pytest.fixture
def levels(db):
    return make_levels()


@pytest.fixture
def tree(levels):
    """P (province) → D1, D2 (districts), S1 (department); D1 → C1, C2; D2 → C3 (communes)."""
    p = make_unit("000.00.00.H27", "Ủy ban nhân dân thành phố Hải Phòng", levels["province"])
    d1 = make_unit("000.00.31.H27", "Ủy ban nhân dân quận Hồng Bàng", levels["district"], p)
    d2 = make_unit("000.00.32.H27", "Ủy ban nhân dân quận Lê Chân", levels["district"], p)
    s1 = make_unit("000.00.01.H27", "Sở Xây dựng", levels["department"], p)
    c1 = make_unit("000.31.31.H27", "Ủy ban nhân dân phường Hoàng Văn Thụ", levels["commune"], d1)
    c2 = make_unit("000.32.31.H27", "Ủy ban nhân dân phường Minh Khai", levels["commune"], d1)
    c3 = make_unit("000.33.32.H27", "Ủy ban nhân dân phường Đông Hải", levels["commune"], d2)
    return SimpleNamespace(p=p, d1=d1, d2=d2, s1=s1, c1=c1, c2=c2, c3=c3)
