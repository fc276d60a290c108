import pytest

from loyaldesk.accounts.models import Team
from loyaldesk.accounts.roles import Role
from loyaldesk.accounts.services import create_staff_user
from loyaldesk.desk.models import Queue
from loyaldesk.desk.services import open_case

PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def front_team(queue, agent, lead):
    """The General queue belongs to the front-line team: agent1 works in it, lead1 leads it."""
    team = Team.objects.create(name="Front line", lead=lead)
    team.members.add(agent, lead)
    queue.team = team
    queue.save()
    return team


@pytest.fixture
def teammate(front_team):
    user = create_staff_user("agent3", PASSWORD, Role.AGENT, first_name="Lucie")
    front_team.members.add(user)
    return user


@pytest.fixture
def repairs_queue(db):
    """Another team's queue, with its own lead and agent."""
    lead = create_staff_user("lead2", PASSWORD, Role.TEAM_LEAD, first_name="Bruno")
    agent = create_staff_user("agent2", PASSWORD, Role.AGENT, first_name="Marco")
    team = Team.objects.create(name="Repairs", lead=lead)
    team.members.add(lead, agent)
    return Queue.objects.create(name="Repairs", slug="repairs", team=team)


@pytest.fixture
def repairs_case(customer, repairs_queue):
    return open_case(
        customer=customer, subject="Riparazione", text="...", channel="phone", queue=repairs_queue
    )
