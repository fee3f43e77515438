"""Dossier codes per TT 03/2025/TT-VPCP Điều 13 (docs/architecture.md, Codes): the pattern is
versioned site data, the daily sequence has at least 4 digits and grows past 9999."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from motcua.dossiers.models import CodeAgency, CodePattern, Dossier, DossierCodeCounter
from motcua.dossiers.selectors import dossier_search
from motcua.portal.selectors import dossier_lookup
from tests.builders import at, receive_at_counter

pytestmark = pytest.mark.django_db


def test_the_daily_sequence_grows_from_9999_to_10000_on_one_day(world, applicant, documents):
    DossierCodeCounter.objects.create(unit=world.units.d, day=date(2025, 3, 3), last=9998)
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        first = receive_at_counter(world, applicant, documents)
        second = receive_at_counter(world, applicant, documents)
    assert first.code == "000.00.31.H27-250303-9999"
    assert second.code == "000.00.31.H27-250303-10000"
    # the longer code is found like any other: desk search (exact code), portal lookup
    assert list(dossier_search(user=world.users.reception, query=second.code)) == [second]
    assert dossier_lookup(code=second.code.lower(), proof="0912345678")[0] == second
    # the next day starts again at 0001
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        assert receive_at_counter(world, applicant, documents).code == "000.00.31.H27-250304-0001"


def test_a_site_with_the_centralised_pattern_numbers_by_the_deciding_agency(
    world, applicant, documents
):
    CodePattern.objects.create(
        valid_from=date(2026, 1, 25),
        template="{agency}-{yymmdd}-{AA}{seq}",
        agency=CodeAgency.COMPETENT,
        system_digits="27",
        legal_basis="TT 03/2025/TT-VPCP Điều 13 k.3 (TT 04/2025/TT-VPCP Điều 23 k.2)",
    )
    with time_machine.travel(at(2026, 1, 24, 9, 0), tick=False):
        before = receive_at_counter(world, applicant, documents)
    with time_machine.travel(at(2026, 1, 26, 9, 0), tick=False):
        after = [receive_at_counter(world, applicant, documents) for _ in range(2)]
    assert before.code == "000.00.31.H27-260124-0001"  # the old pattern on the day before
    assert [d.code for d in after] == ["000.00.31.H27-260126-270001", "000.00.31.H27-260126-270002"]
    # existing codes never change when a pattern is added
    before.refresh_from_db()
    assert before.code == "000.00.31.H27-260124-0001"


def test_a_new_pattern_changes_no_stored_code_and_keeps_the_counter(world, applicant, documents):
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        old = receive_at_counter(world, applicant, documents)
        CodePattern.objects.create(
            valid_from=date(2025, 3, 3), template="{agency}-{yymmdd}-{AA}{seq}", system_digits="31"
        )
        new = receive_at_counter(world, applicant, documents)
    assert Dossier.objects.get(pk=old.pk).code == "000.00.31.H27-250303-0001"
    assert new.code == "000.00.31.H27-250303-310002"  # same counter: no duplicate, no gap


@pytest.mark.parametrize(
    ("template", "digits", "min_digits", "field"),
    [
        ("{agency}-{seq}", "", 4, "template"),  # no day: not unique
        ("{agency}-{yymmdd}-{seq:06d}", "", 4, "template"),  # formats are data, not code
        ("{agency}-{yymmdd}-{seq}-{unit.name}", "", 4, "template"),  # no attribute access
        ("{agency}-{yymmdd}-{AA}{seq}", "2", 4, "system_digits"),
        ("{agency}-{yymmdd}-{seq}", "", 3, "min_digits"),  # at least 04 characters
    ],
)
def test_a_pattern_that_cannot_make_unique_legal_codes_is_refused(
    template, digits, min_digits, field
):
    pattern = CodePattern(
        valid_from=date(2026, 1, 1), template=template, system_digits=digits, min_digits=min_digits
    )
    with pytest.raises(ValidationError) as error:
        pattern.full_clean()
    assert field in error.value.message_dict
