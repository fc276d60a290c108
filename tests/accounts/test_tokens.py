from django.core.management import call_command

from loyaldesk.accounts.models import ApiToken
from loyaldesk.accounts.tokens import issue_token, revoke_token, user_for_token


def test_token_is_stored_hashed_and_finds_its_user(agent):
    token, clear = issue_token(agent, "shop")
    assert clear.startswith("ld_")
    assert clear.split(".", 1)[1] not in token.digest
    assert user_for_token(clear) == agent
    assert user_for_token(clear[:-1] + ("x" if clear[-1] != "x" else "y")) is None
    assert user_for_token("ld_nothing") is None
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_and_inactive_user_are_refused(agent):
    token, clear = issue_token(agent, "shop")
    revoke_token(token)
    assert user_for_token(clear) is None
    _, other = issue_token(agent, "crm")
    agent.is_active = False
    agent.save()
    assert user_for_token(other) is None


def test_api_refuses_missing_or_revoked_tokens(client, agent):
    assert client.get("/api/users/me").status_code == 401
    token, clear = issue_token(agent, "shop")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert client.get("/api/users/me", **auth).json()["username"] == "agent1"
    revoke_token(token)
    assert client.get("/api/users/me", **auth).status_code == 401


def test_issue_token_command_prints_the_token_once(agent, capsys):
    call_command("issue_api_token", "agent1", "integration")
    printed = capsys.readouterr().out.strip()
    assert user_for_token(printed) == agent
    assert ApiToken.objects.get().name == "integration"
