"""The repair pages: who sees what, and each action through the page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from loyaldesk.desk.models import Priority
from loyaldesk.repairs import services
from loyaldesk.repairs.models import RepairOrder
from loyaldesk.repairs.stages import Stage
from tests.conftest import T0

HOUR = timedelta(hours=1)


@pytest.fixture
def repair(case, unit, agent, front_team):
    return services.open_repair(
        case, unit, fault="Non aspira più", may_erase_data=True, actor=agent, at=T0 + HOUR
    )


def test_an_agent_works_a_repair_from_its_page(client, agent, repair):
    client.force_login(agent)
    page = client.get(reverse("repairs:detail", args=[repair.number]))
    assert page.status_code == 200
    assert b"Move to Diagnosing" in page.content
    url = reverse("repairs:stage", args=[repair.number])
    assert client.post(url, {"stage": "diagnosing"}).status_code == 303
    response = client.post(url, {"stage": "repairing"}, follow=True)
    assert "acknowledged the warning" in response.content.decode()
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.DIAGNOSING
    client.post(reverse("repairs:acknowledge", args=[repair.number]), {"via": "phone"})
    client.post(url, {"stage": "repairing"})
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.REPAIRING


def test_anonymous_visitors_are_sent_to_sign_in(client, repair):
    for url in (reverse("repairs:list"), reverse("repairs:detail", args=[repair.number])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(reverse("repairs:stage", args=[repair.number]), {"stage": "diagnosing"})
    assert response.status_code == 302
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.RECEIVED


def test_an_agent_of_another_team_does_not_see_the_repair(client, repair, repairs_queue):
    from loyaldesk.accounts.models import User

    client.force_login(User.objects.get(username="agent2"))
    assert client.get(reverse("repairs:detail", args=[repair.number])).status_code == 404
    moved = client.post(reverse("repairs:stage", args=[repair.number]), {"stage": "diagnosing"})
    assert moved.status_code == 404
    listed = client.get(reverse("repairs:list"), {"show": "all"})
    assert listed.status_code == 200
    # Its link, not its bare reference: "R1" may well occur inside the page's random CSRF token.
    assert reverse("repairs:detail", args=[repair.number]) not in listed.content.decode()
    case_number = repair.case.number
    assert client.get(reverse("repairs:open", args=[case_number])).status_code == 404
    assert RepairOrder.objects.get(pk=repair.pk).stage == Stage.RECEIVED


def test_a_user_without_a_role_is_refused(client, repair, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="a-long-pass-phrase")
    client.force_login(nobody)
    assert client.get(reverse("repairs:list")).status_code == 403
    assert client.get(reverse("repairs:detail", args=[repair.number])).status_code == 403


def test_changes_are_posts_only(client, agent, repair):
    client.force_login(agent)
    assert client.get(reverse("repairs:stage", args=[repair.number])).status_code == 405
    assert client.get(reverse("repairs:loaner", args=[repair.number])).status_code == 405


def test_opening_a_repair_from_the_case_page(client, agent, front_team, case, unit, old_unit):
    client.force_login(agent)
    case_page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    open_url = reverse("repairs:open", args=[case.number])
    assert open_url in case_page
    form = client.get(open_url).content.decode()
    assert "VT-0001" in form
    assert "VT-0002" in form
    response = client.post(
        open_url, {"unit": unit.pk, "fault": "Fa rumore", "may_erase_data": "on"}
    )
    repair = RepairOrder.objects.get(owned_product=unit)
    assert response.status_code == 303
    assert response["Location"] == reverse("repairs:detail", args=[repair.number])
    assert repair.may_erase_data
    assert repair.fault == "Fa rumore"
    # The unit in repair is not offered again; the case page links to its repair.
    assert "VT-0001" not in client.get(open_url).content.decode()
    case_page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert reverse("repairs:detail", args=[repair.number]) in case_page


def test_a_unit_of_another_customer_cannot_be_picked(client, agent, front_team, case, vacuum):
    from loyaldesk.customers.models import OwnedProduct
    from loyaldesk.customers.services import create_customer

    stranger = create_customer(first_name="Otto", last_name="Weber", emails=["otto@example.de"])
    theirs = OwnedProduct.objects.create(
        customer=stranger, product=vacuum, purchased_on=T0.date(), warranty_ends_on=T0.date()
    )
    client.force_login(agent)
    response = client.post(
        reverse("repairs:open", args=[case.number]), {"unit": theirs.pk, "fault": "?"}
    )
    assert response.status_code == 400
    assert not RepairOrder.objects.exists()


def test_estimate_answer_and_loaner_through_the_page(client, agent, front_team, case, old_unit):
    repair = services.open_repair(
        case, old_unit, fault="Non parte", may_erase_data=False, actor=agent, at=T0 + HOUR
    )
    client.force_login(agent)
    number = repair.number
    client.post(reverse("repairs:stage", args=[number]), {"stage": "diagnosing"})
    blocked = client.post(
        reverse("repairs:stage", args=[number]), {"stage": "repairing"}, follow=True
    )
    assert "has not approved an estimate" in blocked.content.decode()
    refused = client.post(reverse("repairs:estimate", args=[number]), {"amount": "-1"})
    assert refused.status_code == 400
    client.post(reverse("repairs:estimate", args=[number]), {"amount": "89.50", "currency": "eur"})
    client.post(
        reverse("repairs:estimate-answer", args=[number]), {"answer": "approved", "via": "phone"}
    )
    client.post(reverse("repairs:loaner", args=[number]), {"loaner": "Loaner L-7"})
    client.post(reverse("repairs:stage", args=[number]), {"stage": "repairing"})
    repair.refresh_from_db()
    assert repair.stage == Stage.REPAIRING
    assert repair.estimate_amount == 89.5
    assert repair.estimate_currency == "EUR"
    assert repair.estimate_answered_via == "phone"
    assert repair.loaner_out
    client.post(reverse("repairs:loaner", args=[number]), {"returned": "1"})
    repair.refresh_from_db()
    assert not repair.loaner_out
    page = client.get(reverse("repairs:detail", args=[number])).content.decode()
    assert "Loaner L-7" in page
    assert "Out of warranty" in page


def make_repeat(case, unit, agent):
    first = services.open_repair(
        case, unit, fault="Rotto", may_erase_data=False, actor=agent, at=T0 + HOUR
    )
    for step, stage in enumerate(["diagnosing", "repairing", "quality_check", "ready", "returned"]):
        services.move_to_stage(first, stage, actor=agent, at=T0 + (2 + step) * HOUR)
    again = services.open_repair(
        case, unit, fault="Di nuovo rotto", may_erase_data=False, actor=agent, at=T0 + 30 * HOUR
    )
    return first, again


def test_team_leads_see_the_repeat_repairs(client, agent, lead, front_team, case, unit, old_unit):
    first, again = make_repeat(case, unit, agent)
    other = services.open_repair(
        case, old_unit, fault="Altro", may_erase_data=False, actor=agent, at=T0 + 31 * HOUR
    )
    client.force_login(lead)
    repeats = client.get(reverse("repairs:list"), {"show": "all", "repeat": "on"}).content.decode()
    assert again.reference in repeats
    assert 'href="?show=all&amp;repeat=on"' in repeats
    assert f">{other.reference}<" not in repeats
    assert f">{first.reference}<" not in repeats
    page = client.get(reverse("repairs:detail", args=[again.number])).content.decode()
    assert "Repeat repair" in page
    assert reverse("repairs:detail", args=[first.number]) in page
    case.refresh_from_db()
    assert case.priority == Priority.HIGH

    # Agents have no repeat filter: the parameter is ignored, not obeyed.
    client.force_login(agent)
    listed = client.get(reverse("repairs:list"), {"show": "all", "repeat": "on"}).content.decode()
    assert 'name="repeat"' not in listed
    assert 'href="?show=all&amp;repeat=on"' not in listed
    assert f">{other.reference}<" in listed


def test_list_filters_by_stage_and_over_target(client, agent, front_team, case, unit, old_unit):
    from loyaldesk.repairs.models import RepairTarget

    RepairTarget.objects.create(product_family="vacuum", total_days=1)
    late = services.open_repair(
        case, unit, fault="Vecchio", may_erase_data=False, actor=agent, at=T0 + HOUR
    )
    services.move_to_stage(late, "diagnosing", actor=agent, at=T0 + 2 * HOUR)
    fresh = services.open_repair(case, old_unit, fault="Nuovo", may_erase_data=False, actor=agent)
    client.force_login(agent)
    over = client.get(reverse("repairs:list"), {"show": "open", "overdue": "on"}).content.decode()
    assert f">{late.reference}<" in over
    assert f">{fresh.reference}<" not in over
    received = client.get(reverse("repairs:list"), {"stage": "received"}).content.decode()
    assert f">{fresh.reference}<" in received
    assert f">{late.reference}<" not in received


def test_managers_edit_repair_targets_in_the_admin_agents_do_not(client, agent, manager, vacuum):
    add_url = reverse("admin:repairs_repairtarget_add")
    client.force_login(manager)
    response = client.post(
        add_url,
        {
            "product_family": "vacuum",
            "total_days": "7",
            "stages-TOTAL_FORMS": "1",
            "stages-INITIAL_FORMS": "0",
            "stages-0-stage": "diagnosing",
            "stages-0-days": "1.5",
        },
    )
    assert response.status_code == 302
    from loyaldesk.repairs.models import RepairTarget

    target = RepairTarget.objects.get(product_family="vacuum")
    assert target.stages.get().days == 1.5
    client.force_login(agent)
    assert client.get(add_url).status_code == 302  # not staff: the admin's sign-in


def test_roles_grant_the_repair_permissions(agent, lead, manager):
    assert agent.has_perm("repairs.add_repairorder")
    assert agent.has_perm("repairs.change_repairorder")
    assert not agent.has_perm("repairs.view_repeat_repairs")
    assert lead.has_perm("repairs.view_repeat_repairs")
    assert not lead.has_perm("repairs.change_repairtarget")
    assert manager.has_perm("repairs.change_repairtarget")
    assert not agent.has_perm("repairs.delete_repairorder")


def test_the_customer_page_lists_the_repairs_its_reader_may_see(
    client, agent, repair, repairs_queue
):
    from loyaldesk.accounts.models import User

    url = reverse("customers:customer-detail", args=[repair.case.customer_id])
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert reverse("repairs:detail", args=[repair.number]) in page
    client.force_login(User.objects.get(username="agent2"))  # not in the case's team
    page = client.get(url)
    assert page.status_code == 200
    assert repair.reference not in page.content.decode()
