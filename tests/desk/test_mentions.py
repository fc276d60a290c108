"""@username in an internal note tells that colleague, if they can see the case."""

from django.urls import reverse

from loyaldesk.desk.mentions import mentioned_usernames
from loyaldesk.desk.models import Mention
from loyaldesk.desk.selectors import CaseFilter, CaseView, filtered_cases, view_counts
from loyaldesk.desk.services import add_internal_note


def test_usernames_are_read_from_the_text_but_not_from_addresses():
    text = "@Ada can you check? cc @lead1, @lead1 again; mail paul@example.com (@x.y.)"
    assert mentioned_usernames(text) == ["ada", "lead1", "x.y"]


def test_a_note_mentions_colleagues_who_can_see_the_case(
    agent, lead, teammate, front_team, case, repairs_queue, django_user_model
):
    outsider = django_user_model.objects.get(username="agent2")
    note = add_internal_note(
        case, agent=agent, text="@LEAD1 e @agent3, guardate. Anche @agent2 e @agent1"
    )
    assert sorted(note.mentions.values_list("user__username", flat=True)) == ["agent3", "lead1"]
    event = case.events.get(kind="case.mentioned")
    assert sorted(event.after["users"]) == sorted([lead.pk, teammate.pk])
    assert not Mention.objects.filter(user=outsider).exists()


def test_mentions_view_lists_unread_mentions_until_the_case_is_opened(
    client, agent, teammate, front_team, case, repairs_queue
):
    add_internal_note(case, agent=agent, text="@agent3 puoi chiamare la cliente?")
    mentions = CaseFilter(view=CaseView.MENTIONS)
    assert list(filtered_cases(teammate, mentions)) == [case]
    assert view_counts(teammate)[CaseView.MENTIONS] == 1
    assert view_counts(agent)[CaseView.MENTIONS] == 0
    client.force_login(teammate)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    assert "Mentioned:" in page
    assert not filtered_cases(teammate, mentions).exists()


def test_the_author_is_warned_about_colleagues_who_cannot_see_the_case(
    client, agent, front_team, case, repairs_queue
):
    client.force_login(agent)
    response = client.post(
        reverse("desk:case-note", args=[case.number]), {"text": "@agent2 ci aiuti?"}, follow=True
    )
    assert "Not told, as they cannot see this case" in response.content.decode()
    assert not Mention.objects.exists()
