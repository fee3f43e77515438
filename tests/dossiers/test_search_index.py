"""Search at scale: exact codes through the unique index, words through MariaDB's FULLTEXT index.

The FULLTEXT tests commit their data (InnoDB applies FULLTEXT changes at commit), and check that
the index path keeps the unit scope of ``dossiers_visible``.
"""

import pytest
from django.db import connection

from motcua.core.paginators import CappedCountPaginator
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_search, dossiers_visible
from tests.units.factories import make_membership, make_user


def _receive(world, documents, applicant, name, phone, unit=None, user=None):
    return services.dossier_receive(
        user=user or world.users.reception,
        procedure=world.procedure,
        unit=unit or world.units.d,
        documents=documents,
        applicant={**applicant, "applicant_name": name, "applicant_phone": phone},
    )


@pytest.fixture
def three(world, applicant, documents):
    from motcua.core.roles import Role

    lechan = make_user("motcua.lechan")
    make_membership(lechan, world.units.d2, Role.RECEPTION_OFFICER)
    return (
        _receive(world, documents, applicant, "Trần Văn Đức", "0912345678"),
        _receive(world, documents, applicant, "Nguyễn Thị An", "0987654321"),
        _receive(world, documents, applicant, "Lê Văn Đức", "0911111111", world.units.d2, lechan),
    )


@pytest.mark.django_db
def test_an_exact_code_is_found_by_the_unique_index(world, three):
    b = three[0]
    found = dossier_search(user=world.users.reception, query=f"  {b.code.lower()} ")
    assert list(found) == [b]
    sql = str(found.query)
    assert "LIKE" not in sql.upper() and ".`code` =" in sql.replace('"', "`")
    assert list(dossier_search(user=world.users.other_spec, query=b.code)) == []  # other unit


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_words_go_through_the_fulltext_index_within_the_scope(world, three):
    b, a, c = three
    reception = world.users.reception
    found = dossier_search(user=reception, query="van duc")
    assert "MATCH" in str(found.query)
    assert set(found) == {b}  # C ("Lê Văn Đức") is at Lê Chân, outside the scope
    assert set(dossier_search(user=world.users.city_leader, query="Văn Đức")) == {b, c}
    assert set(dossier_search(user=reception, query="09123")) == {b}  # a phone prefix
    # "an" is shorter than the indexed token size: checked on the rows found by "nguyen".
    assert set(dossier_search(user=reception, query="nguyen an")) == {a}
    with connection.cursor() as cursor:
        cursor.execute("SHOW INDEX FROM dossiers_dossier WHERE Index_type = 'FULLTEXT'")
        assert cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_name_finds_the_person_and_so_does_the_start_of_its_last_word(world, three):
    """Words before the last are whole words, the last a prefix, as typed in a search box; the
    common name syllables (MariaDB: checked on the rows the other words found) too."""
    b, a, c = three
    leader = world.users.city_leader
    for query in ("Trần Văn Đức", "tran van duc", "tran van du", "tran va", "van du"):
        found = dossier_search(user=leader, query=query)
        assert "MATCH" in str(found.query)
        assert set(found) == ({b, c} if query == "van du" else {b}), query
    assert set(dossier_search(user=leader, query="Nguyễn Thị An")) == {a}
    assert set(dossier_search(user=leader, query="nguyen th")) == {a}
    assert set(dossier_search(user=leader, query="le van duc")) == {c}
    # a word before the last is whole: "tra" begins "tran" but is not it
    assert set(dossier_search(user=leader, query="tra van duc")) == set()
    assert set(dossier_search(user=leader, query="nguyen duc")) == set()
    assert set(dossier_search(user=world.users.reception, query="le van duc")) == set()  # scope
    if connection.vendor == "mysql":
        # the index reads "duc" alone; "tran" and "van" are checked on its rows
        sql = str(dossier_search(user=leader, query="tran van duc").query)
        assert "AGAINST (+duc* IN" in sql and "REGEXP" in sql
        # all common: the index reads them ("an" is below its token size, a LIKE)
        sql = str(dossier_search(user=leader, query="nguyen thi an").query)
        assert "AGAINST (+nguyen +thi IN" in sql and "REGEXP" not in sql


@pytest.mark.django_db
def test_the_admin_paginator_counts_no_further_than_its_cap(world, three, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    rows = dossiers_visible(user=world.users.city_leader).order_by("pk")
    paginator = CappedCountPaginator(rows, 1)
    assert paginator.count == 2 and paginator.capped and paginator.num_pages == 2
    assert CappedCountPaginator(Dossier.objects.filter(pk=three[0].pk), 1).count == 1


# --------------------------------------------------------------------------- SQLite: FTS5

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 index is the embedded default's (SQLite)"
)


def _fts_consistent():
    """FTS5 compares its index with the dossier rows; raises when they differ."""
    from motcua.dossiers.search_index import search_index_check

    search_index_check()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_words_go_through_the_fts_index_within_the_scope(world, three):
    b, a, c = three
    reception = world.users.reception
    found = dossier_search(user=reception, query="van du")  # partial words
    assert "MATCH" in str(found.query) and "LIKE" not in str(found.query).upper()
    assert set(found) == {b}  # C ("Lê Văn Đức") is at Lê Chân, outside the scope
    assert set(dossier_search(user=world.users.city_leader, query="Văn Đức")) == {b, c}
    assert set(dossier_search(user=reception, query="09123")) == {b}  # a phone prefix
    assert set(dossier_search(user=reception, query="nguyen an")) == {a}  # short words too
    assert set(dossier_search(user=reception, query="345678")) == set()  # prefixes, not infixes
    assert set(dossier_search(user=world.users.other_spec, query="duc")) == {c}
    _fts_consistent()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fts_follows_updates_and_deletes(world, three):
    b, a, _c = three
    reception = world.users.reception
    b.applicant_name = "Phạm Minh Khoa"
    b.applicant_phone = "0355000111"
    b.refresh_search_text()
    b.save()
    assert set(dossier_search(user=reception, query="khoa")) == {b}
    assert set(dossier_search(user=reception, query="tran duc")) == set()
    assert set(dossier_search(user=reception, query="03550")) == {b}
    assert set(dossier_search(user=reception, query="0912")) == set()
    # a raw UPDATE (as a patch or the import would write) is indexed too
    Dossier.objects.filter(pk=a.pk).update(search_text="hoang thi lan 0977000222")
    assert set(dossier_search(user=reception, query="hoang lan")) == {a}
    _fts_consistent()
    # Steps and events protect a real dossier from deletion: delete a copy without them.
    copy = Dossier.objects.get(pk=b.pk)
    copy.pk, copy.code, copy.current_step = None, f"{b.code}-X", None
    copy.applicant_name = "Đinh Thu Hà"
    copy.refresh_search_text()
    copy.save()
    assert set(dossier_search(user=reception, query="dinh ha")) == {copy}
    copy.delete()
    assert set(dossier_search(user=reception, query="dinh ha")) == set()
    _fts_consistent()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_a_table_rebuild_loses_no_search(world, three):
    """A migration rebuilding the dossier table drops the triggers: migrate puts them back."""
    from motcua.dossiers.search_index import TRIGGERS, search_index_ensure

    b = three[0]
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Dossier.objects.filter(pk=b.pk).update(search_text="vu quang huy 0900000000")
    assert search_index_ensure() is True
    assert search_index_ensure() is False  # nothing more to repair
    assert set(dossier_search(user=world.users.reception, query="quang huy")) == {b}
    _fts_consistent()
