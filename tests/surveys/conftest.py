from datetime import timedelta

import pytest

from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.services import assign_case, reply_to_customer
from loyaldesk.surveys.standard import install_standard_surveys
from tests.conftest import T0

RESOLVED_AT = T0 + timedelta(hours=3)


@pytest.fixture
def standard_surveys(db):
    """The three standard surveys, by English name."""
    return {survey.name: survey for survey in install_standard_surveys()}


@pytest.fixture
def resolved_case(case, agent, lead, front_team):
    """Chiara's case, worked by agent1 in lead1's team, resolved by a reply at RESOLVED_AT."""
    assign_case(case, agent, actor=lead, at=T0 + timedelta(minutes=5))
    reply_to_customer(case, agent=agent, text="Risolto.", then=Status.RESOLVED, at=RESOLVED_AT)
    case.refresh_from_db()
    return case
