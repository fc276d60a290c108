"""Macros: canned replies in the customer's language that also set the case's fields."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from loyaldesk.desk.forms import ReplyForm
from loyaldesk.desk.models import AfterReply, Macro, MacroText, MessageKind

WARRANTY = {
    "it": "Buongiorno {{ customer.first_name }}, la riparazione del caso {{ case.reference }} "
    "è in garanzia.\n{{ agent.first_name }}",
    "fr": "Bonjour {{ customer.first_name }}, la réparation est sous garantie.",
    "en": "Hello {{ customer.first_name }}, the repair is under warranty.",
}


def make_macro(name="Warranty repair", texts=None, **fields) -> Macro:
    macro = Macro.objects.create(name=name, **fields)
    for language, text in (WARRANTY if texts is None else texts).items():
        MacroText.objects.create(macro=macro, language=language, text=text)
    return macro


@pytest.fixture
def warranty(db):
    return make_macro(then=AfterReply.RESOLVED, priority="high", category="warranty")


def outbound(case):
    return case.messages.filter(kind=MessageKind.OUTBOUND)


# The model and its admin


def test_the_reply_forms_then_choices_are_the_macros():
    assert [(value, str(label)) for value, label in ReplyForm.THEN_CHOICES] == [
        (value, str(label)) for value, label in AfterReply.choices
    ]


def test_a_text_with_an_unknown_placeholder_is_refused(warranty):
    text = MacroText(macro=warranty, language="it", text="Ciao {{ customer.nome }}")
    with pytest.raises(ValidationError) as refused:
        text.clean()
    assert "{{ customer.nome }}" in str(refused.value.message_dict["text"])


def test_a_macro_is_for_a_queue_or_a_team_not_both(front_team, queue):
    macro = Macro(name="Both", queue=queue, team=front_team)
    with pytest.raises(ValidationError, match="a queue or to a team, not both"):
        macro.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        macro.save()


def test_one_text_per_language(warranty):
    with pytest.raises(IntegrityError), transaction.atomic():
        MacroText.objects.create(macro=warranty, language="it", text="again")


def test_managers_manage_macros_agents_and_leads_do_not(agent, lead, manager):
    for codename in ("add_macro", "change_macro", "delete_macro"):
        assert manager.has_perm(f"desk.{codename}")
        assert not lead.has_perm(f"desk.{codename}")
        assert not agent.has_perm(f"desk.{codename}")


def test_a_manager_adds_a_macro_with_its_texts_in_the_admin(client, manager, queue):
    client.force_login(manager)
    add = reverse("admin:desk_macro_add")
    assert client.get(add).status_code == 200
    form = {
        "name": "Thanks",
        "description": "Closing thanks",
        "is_active": "on",
        "queue": queue.pk,
        "then": "resolved",
        "priority": "",
        "category": "",
        "texts-TOTAL_FORMS": "2",
        "texts-INITIAL_FORMS": "0",
        "texts-MIN_NUM_FORMS": "1",
        "texts-MAX_NUM_FORMS": "3",
        "texts-0-language": "it",
        "texts-0-text": "Grazie {{ customer.first_name }}",
        "texts-1-language": "en",
        "texts-1-text": "Thanks {{ customer.frist_name }}",
    }
    refused = client.post(add, form)
    assert refused.status_code == 200
    assert "Unknown placeholders: {{ customer.frist_name }}" in refused.content.decode()
    assert not Macro.objects.exists()

    form["texts-1-text"] = "Thanks {{ customer.first_name }}"
    assert client.post(add, form).status_code == 302
    macro = Macro.objects.get(name="Thanks")
    assert sorted(macro.texts.values_list("language", flat=True)) == ["en", "it"]
    assert macro.queue == queue


def test_macro_admin_lists_searches_filters_and_opens_a_macro(client, manager, warranty):
    client.force_login(manager)
    changelist = reverse("admin:desk_macro_changelist")
    page = client.get(changelist).content.decode()
    assert "Warranty repair" in page
    assert "en, fr, it" in page
    assert "Warranty repair" in client.get(changelist, {"q": "garanzia"}).content.decode()
    assert "Warranty repair" not in client.get(changelist, {"q": "nothing"}).content.decode()
    assert client.get(changelist, {"is_active__exact": "1", "then": "resolved"}).status_code == 200
    change = client.get(reverse("admin:desk_macro_change", args=[warranty.pk]))
    assert change.status_code == 200
    assert "la riparazione del caso" in change.content.decode()


def test_agents_cannot_manage_macros(client, agent, warranty):
    client.force_login(agent)
    response = client.get(reverse("admin:desk_macro_change", args=[warranty.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
