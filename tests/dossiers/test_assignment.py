"""Who may be assigned a step: the desk's dropdown and the forward's check agree (one selector)."""

import pytest

from motcua.core.roles import Role
from motcua.desk.forms import ForwardForm
from motcua.dossiers import services
from motcua.dossiers.services import DossierError
from motcua.units.models import MembershipScope
from tests.dossiers.conftest import at
from tests.dossiers.test_lifecycle import act, receive
from tests.units.factories import make_membership, make_user


@pytest.fixture
def city_specialist(world):
    """A specialist of the city with a subtree membership: may act below, is on no district roster."""
    user = make_user("chuyenvien.tp")
    make_membership(user, world.units.p, Role.SPECIALIST, scope=MembershipScope.SUBTREE)
    return user


def test_the_dropdown_offers_exactly_whom_the_forward_accepts(
    world, applicant, documents, city_specialist
):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    form = ForwardForm(dossier=dossier, user=dossier.current_step.assignee)
    offered = set(form.fields["assignee"].queryset)
    # step 2 "Lấy ý kiến các sở" is taken by specialists of Hồng Bàng itself
    assert offered == {u.spec1, u.spec2}
    for officer in (u.other_spec, u.leader, city_specialist):
        with pytest.raises(DossierError, match="không có vai trò xử lý bước"):
            act(
                at(2025, 3, 4, 9, 0),
                services.dossier_forward,
                dossier=dossier,
                user=dossier.current_step.assignee,
                assignee=officer,
            )
    dossier.refresh_from_db()
    assert (dossier.current_step.index, dossier.version) == (0, 1)  # refused: nothing changed
    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_forward,
        dossier=dossier,
        user=dossier.current_step.assignee,
        assignee=u.spec2,
    )
    assert (dossier.current_step.index, dossier.current_step.assignee) == (1, u.spec2)
