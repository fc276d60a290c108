"""The repair pages: who sees what, and each action through the page."""

from datetime import timedelta

import pytest
from django.urls import reverse

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
