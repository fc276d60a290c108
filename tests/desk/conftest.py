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


@pytest.fixture
def matrix_cell(request, front_team, case, repairs_case, teammate):
    """For a (role, side) cell of a permission matrix: the acting user, the case on that side
    of the team line, and a colleague of that case's team to assign it to."""

    def cell(role: str, side: str):
        from loyaldesk.accounts.models import User

        user = request.getfixturevalue({"admin": "admin_user"}.get(role, role))
        if side == "own":
            return user, case, teammate
        return user, repairs_case, User.objects.get(username="agent2")

    return cell
