"""An open case page learns of new messages and of colleagues on the same case."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from loyaldesk.desk.models import CasePresence
from loyaldesk.desk.presence import note_presence
from loyaldesk.desk.services import add_customer_message


def live(client, case, since, **params):
    url = reverse("desk:case-live", args=[case.number])
    return client.get(url, {"since": since, **params})


def test_new_messages_arrive_after_the_last_one_shown(client, agent, front_team, case):
    client.force_login(agent)
    shown = case.messages.get().pk
    quiet = live(client, case, shown)
    assert quiet.status_code == 200
    assert "#thread-messages" not in quiet.content.decode()
    news = add_customer_message(case, text="Ha chiamato il tecnico?", channel="email")
    body = live(client, case, shown).content.decode()
    assert "Ha chiamato il tecnico?" in body
    assert 'hx-swap-oob="beforeend:#thread-messages"' in body
    assert f"since={news.pk}" in body
    assert "Ha chiamato il tecnico?" not in live(client, case, news.pk).content.decode()


def test_colleagues_viewing_or_replying_are_shown(client, agent, teammate, front_team, case):
    client.force_login(agent)
    assert "is viewing" not in live(client, case, 0).content.decode()
    note_presence(case, teammate, replying=False)
    assert "Lucie is viewing this case." in live(client, case, 0).content.decode()
    note_presence(case, teammate, replying=True)
    assert "Lucie is writing a reply to this case." in live(client, case, 0).content.decode()


def test_the_case_page_reports_presence_and_whether_a_reply_is_drafted(
    client, agent, front_team, case
):
    client.force_login(agent)
    client.get(reverse("desk:case-detail", args=[case.number]))
    assert CasePresence.objects.get(case=case, user=agent).replying is False
    live(client, case, 0, replying="1")
    assert CasePresence.objects.get(case=case, user=agent).replying is True


def test_colleagues_who_left_are_not_shown(client, agent, teammate, front_team, case, settings):
    settings.CASE_POLL_SECONDS = 10
    note_presence(case, teammate, replying=True, now=timezone.now() - timedelta(seconds=31))
    client.force_login(agent)
    assert "Lucie" not in live(client, case, 0).content.decode()


def test_a_colleague_back_on_the_case_is_shown_again_from_one_presence_row(
    client, agent, teammate, front_team, case, settings
):
    settings.CASE_POLL_SECONDS = 10
    note_presence(case, teammate, replying=True, now=timezone.now() - timedelta(seconds=31))
    note_presence(case, teammate, replying=False)
    client.force_login(agent)
    assert "Lucie is viewing this case." in live(client, case, 0).content.decode()
    assert CasePresence.objects.filter(case=case, user=teammate).count() == 1


def test_live_updates_follow_case_permissions(
    client, agent, front_team, django_user_model, repairs_case
):
    client.force_login(django_user_model.objects.get(username="agent2"))
    assert live(client, repairs_case, 0).status_code == 200
    client.force_login(agent)
    assert live(client, repairs_case, 0).status_code == 404
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert live(client, repairs_case, 0).status_code == 403


def test_a_bad_since_is_read_as_the_start(client, agent, front_team, case):
    client.force_login(agent)
    body = live(client, case, "³").content.decode()
    assert "Il mio aspirapolvere" in body


def test_the_live_region_stays_and_only_its_content_is_replaced(client, agent, front_team, case):
    """Screen readers announce changes inside a live region that stays in the page."""
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    region = '<div id="case-presence" class="presence" role="status" aria-live="polite">'
    assert region in page
    polled = live(client, case, 0).content.decode()
    assert f'{region.removesuffix(">")} hx-swap-oob="innerHTML">' in polled
    assert 'hx-swap="outerHTML"></div>' in polled
