import pytest


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
