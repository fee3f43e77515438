"""The unit tree: materialized paths, moves, and the rules that keep it a tree."""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from motcua.units.models import Unit
from motcua.units.selectors import unit_ancestors, unit_descendants
from motcua.units.services import unit_create, unit_move, unit_rebuild_paths, unit_update

pytestmark = pytest.mark.django_db


def _paths(*units):
    return {
        u.agency_code: (u.path, u.depth) for u in Unit.objects.filter(pk__in=[x.pk for x in units])
    }


def test_paths_and_depths_follow_the_parents(tree):
    assert tree.p.path == f"/{tree.p.pk}/" and tree.p.depth == 0
    assert tree.d1.path == f"/{tree.p.pk}/{tree.d1.pk}/" and tree.d1.depth == 1
    stored = Unit.objects.get(pk=tree.c1.pk)
    assert stored.path == f"/{tree.p.pk}/{tree.d1.pk}/{tree.c1.pk}/"
    assert stored.depth == 2


def test_search_text_is_folded_code_and_name(tree):
    assert (
        Unit.objects.get(pk=tree.c3.pk).search_text
        == "000.33.32.h27 uy ban nhan dan phuong dong hai"
    )


def test_descendants_with_and_without_self(tree):
    assert set(unit_descendants(unit=tree.d1)) == {tree.d1, tree.c1, tree.c2}
    assert set(unit_descendants(unit=tree.d1, include_self=False)) == {tree.c1, tree.c2}
    assert set(unit_descendants(unit=tree.c3, include_self=False)) == set()
    assert unit_descendants(unit=tree.p).count() == 7


def test_descendants_do_not_match_a_sibling_sharing_a_pk_prefix(levels):
    # /1/ must not match /10/: paths end with a slash so prefixes are whole segments.
    roots = [
        unit_create(agency_code=f"000.00.{i:02d}.H99", name=f"Tỉnh {i}", level=levels["province"])
        for i in range(12)
    ]
    for root in roots:
        assert list(unit_descendants(unit=root)) == [root]


def test_ancestors_root_first(tree):
    assert unit_ancestors(unit=tree.c1) == [tree.p, tree.d1]
    assert unit_ancestors(unit=tree.p) == []


def test_moving_a_unit_rewrites_its_subtree(tree, levels):
    # given a second province
    p2 = unit_create(agency_code="000.00.00.H26", name="Tỉnh Hải Dương", level=levels["province"])
    # when D1 (with C1, C2) moves under it
    unit_move(unit=tree.d1, new_parent=p2)
    # then the whole subtree follows, depths unchanged
    c1 = Unit.objects.get(pk=tree.c1.pk)
    assert c1.path == f"/{p2.pk}/{tree.d1.pk}/{tree.c1.pk}/" and c1.depth == 2
    assert set(unit_descendants(unit=p2)) == {p2, tree.d1, tree.c1, tree.c2}
    assert set(unit_descendants(unit=tree.p)) == {tree.p, tree.d2, tree.s1, tree.c3}
    assert unit_ancestors(unit=tree.c2) == [p2, Unit.objects.get(pk=tree.d1.pk)]


def test_moving_a_commune_between_districts(tree):
    unit_move(unit=tree.c3, new_parent=tree.d1)
    assert set(unit_descendants(unit=tree.d1, include_self=False)) == {tree.c1, tree.c2, tree.c3}
    assert set(unit_descendants(unit=tree.d2, include_self=False)) == set()


def test_moving_to_the_root_changes_depths(tree):
    unit_move(unit=tree.d1, new_parent=None)
    paths = _paths(tree.d1, tree.c1)
    assert paths["000.00.31.H27"] == (f"/{tree.d1.pk}/", 0)
    assert paths["000.31.31.H27"] == (f"/{tree.d1.pk}/{tree.c1.pk}/", 1)


def test_selectors_read_the_stored_path_not_a_stale_instance(tree, levels):
    stale_c1 = Unit.objects.get(pk=tree.c1.pk)
    p2 = unit_create(agency_code="000.00.00.H26", name="Tỉnh Hải Dương", level=levels["province"])
    unit_move(unit=tree.d1, new_parent=p2)
    assert unit_ancestors(unit=stale_c1)[0] == p2


def test_a_unit_cannot_become_its_own_ancestor(tree):
    before = _paths(tree.p, tree.d1, tree.c1, tree.c2)
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree.d1, new_parent=tree.c1)
    assert "không thể là cấp trên của chính nó" in str(excinfo.value.message_dict["parent"])
    with pytest.raises(ValidationError):
        unit_move(unit=tree.d1, new_parent=tree.d1)
    assert _paths(tree.p, tree.d1, tree.c1, tree.c2) == before


def test_save_refuses_a_cycle_even_without_clean(tree):
    d1 = Unit.objects.get(pk=tree.d1.pk)
    d1.parent = tree.c2
    with pytest.raises(ValidationError):
        d1.save()
    assert Unit.objects.get(pk=tree.d1.pk).parent_id == tree.p.pk


def test_a_unit_must_sit_below_its_parents_level(tree, levels):
    with pytest.raises(ValidationError) as excinfo:
        unit_create(
            agency_code="000.00.33.H27",
            name="Quận Kiến An",
            level=levels["district"],
            parent=tree.d1,
        )
    assert "phải thấp hơn cấp của đơn vị cấp trên" in str(excinfo.value.message_dict["level"])
    with pytest.raises(ValidationError):
        unit_update(unit=tree.d1, level=levels["commune"])  # its communes would be above it


@pytest.mark.parametrize("code", ["000.00.01.h27", "00.00.01.H27", "000.00.01.H2", "000-00-01-H27"])
def test_agency_code_must_follow_qcvn_102(levels, code):
    with pytest.raises(ValidationError) as excinfo:
        unit_create(agency_code=code, name="Sai mã", level=levels["province"])
    assert "QCVN 102:2016" in str(excinfo.value.message_dict["agency_code"])


def test_duplicate_agency_code_is_a_vietnamese_form_error(tree, levels):
    form_class = modelform_factory(Unit, fields=["agency_code", "name", "level", "parent"])
    form = form_class(
        data={
            "agency_code": tree.d1.agency_code,
            "name": "Trùng mã",
            "level": levels["district"].pk,
            "parent": tree.p.pk,
        }
    )
    assert not form.is_valid()
    assert form.errors["agency_code"] == ["Mã định danh này đã được dùng cho một đơn vị khác."]


def test_rebuild_paths_repairs_a_raw_load(tree):
    Unit.objects.update(path="", depth=0)  # what loaddata of a foreign fixture leaves behind
    assert unit_rebuild_paths() == 7
    assert set(unit_descendants(unit=tree.d1)) == {tree.d1, tree.c1, tree.c2}
    assert Unit.objects.get(pk=tree.c1.pk).depth == 2
    assert unit_rebuild_paths() == 0


def test_history_records_changes_but_not_derived_columns(tree):
    unit_update(unit=tree.c1, name="Ủy ban nhân dân phường Hồng Bàng")
    records = tree.c1.history.all()
    assert records.count() == 2
    assert records.first().name == "Ủy ban nhân dân phường Hồng Bàng"
    assert not hasattr(records.first(), "path")
