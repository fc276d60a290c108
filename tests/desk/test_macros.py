"""Macros: canned replies in the customer's language that also set the case's fields."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from loyaldesk.accounts.models import User
from loyaldesk.channels.models import Delivery
from loyaldesk.desk import services
from loyaldesk.desk.forms import ReplyForm
from loyaldesk.desk.lifecycle import Status, TransitionNotAllowed
from loyaldesk.desk.models import AfterReply, Macro, MacroText, MessageKind
from loyaldesk.desk.placeholders import PLACEHOLDERS
from loyaldesk.desk.selectors import macros_for_case, usable_macros
from tests.conftest import T0

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


# Which macros are offered


def test_queue_and_team_restrictions(front_team, queue, case, repairs_queue):
    everywhere = make_macro("Everywhere")
    on_general = make_macro("General only", queue=queue)
    for_front = make_macro("Front line team", team=front_team)
    make_macro("Repairs only", queue=repairs_queue)
    make_macro("Repairs team", team=repairs_queue.team)
    make_macro("Switched off", is_active=False)
    make_macro("No text yet", texts={})
    assert list(macros_for_case(case)) == [everywhere, for_front, on_general]
    assert [m.is_usable_on(queue) for m in Macro.objects.order_by("name")] == [
        True,
        True,
        True,
        True,  # "No text yet": never listed, and refused when rendered
        False,
        False,
        False,
    ]


def test_a_queue_without_a_team_gets_only_its_own_and_unrestricted_macros(queue, case):
    everywhere = make_macro("Everywhere")
    teamless = make_macro("Teamless queue", queue=queue)
    from loyaldesk.accounts.models import Team

    make_macro("Some team", team=Team.objects.create(name="Elsewhere"))
    assert list(macros_for_case(case)) == [everywhere, teamless]


def test_usable_macros_follow_the_queues_the_user_works(
    agent, manager, front_team, queue, repairs_queue
):
    make_macro("Everywhere")
    make_macro("General only", queue=queue)
    make_macro("Repairs team", team=repairs_queue.team)
    make_macro("Switched off", is_active=False)
    assert [m.name for m in usable_macros(agent)] == ["Everywhere", "General only"]
    assert [m.name for m in usable_macros(manager)] == [
        "Everywhere",
        "General only",
        "Repairs team",
    ]
    assert [m.name for m in usable_macros(manager, repairs_queue)] == ["Everywhere", "Repairs team"]
    nobody = User.objects.create_user("nobody", password="x")
    assert list(usable_macros(nobody)) == []


# Rendering: the customer's language, then English, then any


@pytest.mark.parametrize(
    ("case_language", "texts", "expected"),
    [
        ("it", ("en", "fr", "it"), "it"),
        ("fr", ("en", "fr", "it"), "fr"),
        ("it", ("en", "fr"), "en"),
        ("it", ("fr",), "fr"),
        ("", ("en", "it"), "it"),
    ],
)
def test_the_reply_is_in_the_customers_language_or_falls_back(
    agent, front_team, case, case_language, texts, expected
):
    case.language = case_language
    case.save()
    macro = make_macro(texts={language: WARRANTY[language] for language in texts})
    reply = services.macro_reply(case, macro, agent)
    assert reply.language == expected
    assert reply.text.startswith({"it": "Buongiorno", "fr": "Bonjour", "en": "Hello"}[expected])


def test_the_case_language_wins_over_the_customers_preference(agent, front_team, case, customer):
    customer.preferred_language = "fr"
    customer.save()
    assert services.macro_reply(case, make_macro(), agent).language == "it"


def test_placeholders_are_filled_from_the_case_and_the_agent(agent, front_team, case, warranty):
    reply = services.macro_reply(case, warranty, agent)
    assert reply.text == (
        f"Buongiorno Chiara, la riparazione del caso {case.reference} è in garanzia.\nPaul"
    )
    assert reply.unknown == ()
    assert reply.changes == {"then": "resolved", "priority": "high", "category": "warranty"}
    assert set(services.placeholder_values(case, agent)) == set(PLACEHOLDERS)


def test_a_customers_name_is_never_rendered_as_a_template(agent, front_team, case, customer):
    customer.first_name = "{{ agent.full_name }}{% debug %}"
    customer.save()
    case.refresh_from_db()
    reply = services.macro_reply(case, make_macro(), agent)
    assert reply.text.startswith("Buongiorno {{ agent.full_name }}{% debug %},")


def test_a_macro_not_offered_on_the_case_is_refused(agent, front_team, case, repairs_queue):
    elsewhere = make_macro("Repairs only", queue=repairs_queue)
    with pytest.raises(services.MacroNotUsable):
        services.macro_reply(case, elsewhere, agent)
    with pytest.raises(services.MacroNotUsable):
        services.macro_reply(case, make_macro("Off", is_active=False), agent)


# Sending: the reply and the changes, in one transaction


def test_reply_with_macro_sends_and_makes_the_changes_with_their_events(
    agent, front_team, case, warranty
):
    warranty.assign_to_me = True
    warranty.save()
    message = services.reply_with_macro(case, agent=agent, macro=warranty, at=T0)
    case.refresh_from_db()
    assert (case.status, case.priority, case.category, case.assignee) == (
        "resolved",
        "high",
        "warranty",
        agent,
    )
    assert message.text.startswith("Buongiorno Chiara,")
    assert Delivery.objects.get(message=message).state == "queued"
    assert case.first_response_at == T0
    kinds = list(case.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "case.opened",
        "message.added",
        "message.added",
        "case.status_changed",
        "case.assigned",
        "case.updated",
        "case.status_changed",
        "case.macro_applied",
    ]
    applied = case.events.get(kind="case.macro_applied")
    assert applied.actor == agent
    assert applied.after == {
        "macro": warranty.pk,
        "name": "Warranty repair",
        "language": "it",
        "message": message.pk,
        "changes": {
            "then": "resolved",
            "priority": "high",
            "category": "warranty",
            "assign_to_me": True,
        },
    }


def test_the_agents_edit_and_status_choice_are_sent(agent, front_team, case, warranty):
    message = services.reply_with_macro(
        case, agent=agent, macro=warranty, text="Testo mio", then=Status.OPEN
    )
    case.refresh_from_db()
    assert message.text == "Testo mio"
    assert (case.status, case.priority) == ("open", "high")
    assert case.events.get(kind="case.macro_applied").after["changes"]["then"] == "open"


def test_a_refused_move_leaves_nothing_behind(agent, front_team, case, warranty):
    services.change_status(case, Status.RESOLVED, actor=agent)
    warranty.then = AfterReply.PENDING_CUSTOMER
    warranty.assign_to_me = True
    warranty.save()
    case.refresh_from_db()
    before = (case.status, case.priority, case.category, case.assignee_id, case.updated_at)
    events = case.events.count()
    with pytest.raises(TransitionNotAllowed):
        services.reply_with_macro(case, agent=agent, macro=warranty)
    case.refresh_from_db()
    assert (case.status, case.priority, case.category, case.assignee_id, case.updated_at) == before
    assert case.events.count() == events
    assert not outbound(case).exists()
    assert not Delivery.objects.exists()


def test_a_refused_move_sends_no_email_after_all(
    agent, front_team, case, warranty, django_capture_on_commit_callbacks
):
    services.change_status(case, Status.RESOLVED, actor=agent)
    warranty.then = AfterReply.PENDING_CUSTOMER
    warranty.save()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionNotAllowed):
        services.reply_with_macro(case, agent=agent, macro=warranty)
    assert callbacks == []


def test_only_someone_who_works_the_case_may_reply_with_a_macro(
    front_team, repairs_queue, case, warranty
):
    outsider = User.objects.get(username="agent2")
    with pytest.raises(PermissionDenied):
        services.reply_with_macro(case, agent=outsider, macro=warranty)
    assert not outbound(case).exists()


def test_unknown_placeholders_are_not_sent_unedited(agent, front_team, case):
    typo = make_macro(texts={"it": "Ciao {{ customer.frist_name }}"})
    with pytest.raises(ValidationError):
        services.reply_with_macro(case, agent=agent, macro=typo)
    assert not outbound(case).exists()
    services.reply_with_macro(case, agent=agent, macro=typo, text="Ciao Chiara")
    assert outbound(case).get().text == "Ciao Chiara"


# The case page


def case_url(case, name="case-detail"):
    return reverse(f"desk:{name}", args=[case.number])


def test_the_case_page_offers_the_macros_of_its_queue(
    client, agent, front_team, case, warranty, repairs_queue
):
    make_macro("Repairs only", queue=repairs_queue)
    client.force_login(agent)
    page = client.get(case_url(case)).content.decode()
    assert '<label for="id_macro_pick">Insert a macro</label>' in page
    assert "Warranty repair" in page
    assert "Repairs only" not in page


def test_no_picker_without_macros(client, agent, front_team, case):
    client.force_login(agent)
    assert "Insert a macro" not in client.get(case_url(case)).content.decode()


def test_insert_without_javascript_fills_the_reply_form(client, agent, front_team, case, warranty):
    client.force_login(agent)
    response = client.get(case_url(case, "case-macro"), {"macro": warranty.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert ">Buongiorno Chiara, la riparazione del caso" in page
    assert '<option value="resolved" selected>' in page
    assert f'<input type="hidden" name="macro" value="{warranty.pk}" form="reply-form">' in page
    assert f'<option value="{warranty.pk}" selected' in page
    assert "is in the reply box, in Italian" in page
    assert "sets the priority to High" in page
    assert "sets the category to Warranty" in page


def test_insert_with_htmx_returns_the_fragment_to_swap(client, agent, front_team, case, warranty):
    client.force_login(agent)
    response = client.get(
        case_url(case, "case-macro"), {"macro": warranty.pk}, headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="id_reply_text" rows="6" required maxlength="50000" hx-swap-oob="true"' in fragment
    assert '<select name="then" id="id_then" hx-swap-oob="true">' in fragment
    assert '<option value="resolved" selected>' in fragment
    assert f'name="macro" value="{warranty.pk}" form="reply-form"' in fragment


def test_choosing_no_macro_clears_the_choice(client, agent, front_team, case):
    client.force_login(agent)
    url = case_url(case, "case-macro")
    cleared = client.get(url, {"macro": ""}, headers={"HX-Request": "true"})
    assert cleared.status_code == 200
    assert "macro" not in cleared.content.decode()
    assert "textarea" not in cleared.content.decode()
    assert client.get(url, {"macro": ""}).url == case_url(case)
    assert client.get(url, {"macro": "²"}).url == case_url(case)
    assert client.get(url, {"macro": str(2**70)}).url == case_url(case)


def test_inserted_text_is_escaped_in_the_page(client, agent, front_team, case, customer):
    customer.first_name = "</textarea><script>alert(1)</script>"
    customer.save()
    client.force_login(agent)
    url = case_url(case, "case-macro")
    macro = make_macro()
    for headers in ({}, {"HX-Request": "true"}):
        page = client.get(url, {"macro": macro.pk}, headers=headers).content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("macro_id", ["other-queue", "inactive", "999"])
def test_macros_not_offered_on_the_case_are_not_found(
    client, agent, front_team, case, repairs_queue, macro_id
):
    ids = {
        "other-queue": make_macro("Repairs", queue=repairs_queue).pk,
        "inactive": make_macro("Off", is_active=False).pk,
    }
    client.force_login(agent)
    response = client.get(case_url(case, "case-macro"), {"macro": ids.get(macro_id, macro_id)})
    assert response.status_code == 404


def test_agents_of_another_team_cannot_insert_or_send(
    client, front_team, repairs_queue, case, warranty
):
    client.force_login(User.objects.get(username="agent2"))
    assert client.get(case_url(case, "case-macro"), {"macro": warranty.pk}).status_code == 404
    sent = client.post(
        case_url(case, "case-reply"),
        {"text": "x", "then": "resolved", "macro": warranty.pk},
    )
    assert sent.status_code == 404
    assert not outbound(case).exists()


def test_sending_the_reply_applies_the_macro(client, agent, front_team, case, warranty):
    client.force_login(agent)
    response = client.post(
        case_url(case, "case-reply"),
        {"text": "Buongiorno Chiara, fatto.", "then": "resolved", "macro": warranty.pk},
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert (case.status, case.priority, case.category) == ("resolved", "high", "warranty")
    assert outbound(case).get().text == "Buongiorno Chiara, fatto."
    assert case.events.get(kind="case.macro_applied").actor == agent
    page = client.get(response.url).content.decode()
    assert "Reply queued for sending." in page
    assert "Macro “Warranty repair” used" in page


def test_a_macro_withdrawn_before_sending_keeps_the_text(client, agent, front_team, case, warranty):
    client.force_login(agent)
    warranty.is_active = False
    warranty.save()
    response = client.post(
        case_url(case, "case-reply"),
        {"text": "Il mio testo", "then": "resolved", "macro": warranty.pk},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The macro is no longer offered on this case" in page
    assert ">Il mio testo</textarea>" in page
    assert 'name="macro" value=' not in page
    assert not outbound(case).exists()


def test_a_refused_move_from_the_page_changes_nothing(client, agent, front_team, case, warranty):
    services.change_status(case, Status.RESOLVED, actor=agent)
    client.force_login(agent)
    response = client.post(
        case_url(case, "case-reply"),
        {"text": "x", "then": "pending_customer", "macro": warranty.pk},
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert (case.status, case.priority, case.category) == ("resolved", "normal", "")
    assert not outbound(case).exists()
    page = client.get(response.url).content.decode()
    assert "The case cannot move to that status from where it is." in page


def test_the_shortcuts_dialog_and_script_are_on_every_signed_in_page(
    client, agent, front_team, case
):
    client.force_login(agent)
    for url in (reverse("desk:case-list"), case_url(case)):
        page = client.get(url).content.decode()
        assert 'src="/static/loyaldesk/shortcuts.js" defer' in page
        assert '<dialog id="shortcuts-help"' in page
    client.logout()
    assert "shortcuts-help" not in client.get(reverse("login")).content.decode()


# The API


JSON = {"content_type": "application/json"}


def test_api_lists_the_macros_the_user_may_use(
    api_as, agent, front_team, queue, repairs_queue, warranty
):
    make_macro("Repairs only", queue=repairs_queue)
    api = api_as(agent)
    listed = api.get("/api/macros")
    assert listed.status_code == 200
    assert [m["name"] for m in listed.json()] == ["Warranty repair"]
    macro = listed.json()[0]
    assert (macro["then"], macro["priority"], macro["category"]) == ("resolved", "high", "warranty")
    assert {t["language"] for t in macro["texts"]} == {"en", "fr", "it"}
    assert [m["name"] for m in api.get("/api/macros", {"queue": queue.pk}).json()] == [
        "Warranty repair"
    ]
    assert api.get("/api/macros", {"queue": repairs_queue.pk}).status_code == 404
    assert api.get("/api/macros", {"queue": "0"}).status_code == 422
    assert api.get("/api/macros", {"queue": "x"}).status_code == 422


def test_api_macros_need_a_user_who_works_cases(api_as, warranty):
    nobody = User.objects.create_user("nobody", password="x")
    assert api_as(nobody).get("/api/macros").status_code == 403


def test_api_renders_a_macro_for_a_case(api_as, agent, front_team, case, warranty):
    rendered = api_as(agent).get(f"/api/cases/{case.number}/macros/{warranty.pk}")
    assert rendered.status_code == 200
    assert rendered.json() == {
        "macro_id": warranty.pk,
        "text": f"Buongiorno Chiara, la riparazione del caso {case.reference} è in garanzia.\nPaul",
        "language": "it",
        "changes": {"then": "resolved", "priority": "high", "category": "warranty"},
        "unknown_placeholders": [],
    }
    assert not outbound(case).exists()


def test_api_replies_with_a_macro(api_as, agent, front_team, case, warranty):
    api = api_as(agent)
    sent = api.post(f"/api/cases/{case.number}/macros/{warranty.pk}/reply", {}, **JSON)
    assert sent.status_code == 201
    assert sent.json()["text"].startswith("Buongiorno Chiara,")
    assert sent.json()["delivery_state"] == "queued"
    after = api.get(f"/api/cases/{case.number}").json()
    assert (after["status"], after["priority"], after["category"]) == (
        "resolved",
        "high",
        "warranty",
    )
    events = [e["kind"] for e in api.get(f"/api/cases/{case.number}/events").json()]
    assert events[-1] == "case.macro_applied"


def test_api_reply_with_the_agents_text_and_status(api_as, agent, front_team, case, warranty):
    sent = api_as(agent).post(
        f"/api/cases/{case.number}/macros/{warranty.pk}/reply",
        {"text": "Testo mio", "then": "open"},
        **JSON,
    )
    assert sent.status_code == 201
    case.refresh_from_db()
    assert (case.status, outbound(case).get().text) == ("open", "Testo mio")


def test_api_refused_move_is_409_and_changes_nothing(api_as, agent, front_team, case, warranty):
    services.change_status(case, Status.RESOLVED, actor=agent)
    events = case.events.count()
    refused = api_as(agent).post(
        f"/api/cases/{case.number}/macros/{warranty.pk}/reply",
        {"then": "pending_customer"},
        **JSON,
    )
    assert refused.status_code == 409
    assert "cannot go from resolved to pending_customer" in refused.json()["detail"]
    assert case.events.count() == events
    assert not outbound(case).exists()


def test_api_unknown_placeholders_are_422_unless_the_text_is_given(api_as, agent, front_team, case):
    typo = make_macro(texts={"it": "Ciao {{ customer.frist_name }}"})
    api = api_as(agent)
    preview = api.get(f"/api/cases/{case.number}/macros/{typo.pk}").json()
    assert preview["unknown_placeholders"] == ["{{ customer.frist_name }}"]
    refused = api.post(f"/api/cases/{case.number}/macros/{typo.pk}/reply", {}, **JSON)
    assert refused.status_code == 422
    assert "frist_name" in str(refused.json()["errors"])
    assert not outbound(case).exists()


@pytest.mark.parametrize(
    "body", [{"text": ""}, {"text": "x" * 50_001}, {"then": "closed"}, {"text": "x\u0000"}]
)
def test_api_bad_macro_replies_are_422(api_as, agent, front_team, case, warranty, body):
    response = api_as(agent).post(
        f"/api/cases/{case.number}/macros/{warranty.pk}/reply", body, **JSON
    )
    assert response.status_code == 422
    assert not outbound(case).exists()


def test_api_macros_not_offered_or_cases_not_visible_are_404(
    api_as, agent, front_team, case, repairs_case, repairs_queue, warranty
):
    api = api_as(agent)
    elsewhere = make_macro("Repairs only", queue=repairs_queue)
    for path in (
        f"/api/cases/{case.number}/macros/{elsewhere.pk}",
        f"/api/cases/{case.number}/macros/999",
        f"/api/cases/{repairs_case.number}/macros/{warranty.pk}",
    ):
        assert api.get(path).status_code == 404
        assert api.post(f"{path}/reply", {}, **JSON).status_code == 404
    assert not outbound(case).exists()
    assert not outbound(repairs_case).exists()


def test_api_a_user_who_sees_but_may_not_work_the_case_gets_403(api_as, case, warranty):
    from django.contrib.auth.models import Permission

    reader = User.objects.create_user("reader", password="x")
    reader.user_permissions.add(
        Permission.objects.get(codename="view_case"),
        Permission.objects.get(codename="view_all_queues"),
    )
    api = api_as(reader)
    assert api.get(f"/api/cases/{case.number}").status_code == 200
    assert api.get(f"/api/cases/{case.number}/macros/{warranty.pk}").status_code == 403
    sent = api.post(f"/api/cases/{case.number}/macros/{warranty.pk}/reply", {}, **JSON)
    assert sent.status_code == 403
    assert not outbound(case).exists()


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ["agent", "lead", "manager", "admin"])
def test_macro_permission_matrix_ui_and_api(client, api_as, matrix_cell, role, side):
    user, target, _ = matrix_cell(role, side)
    macro = make_macro()
    allowed = role in ("manager", "admin") or side == "own"
    client.force_login(user)
    page = client.get(case_url(target, "case-macro"), {"macro": macro.pk})
    assert page.status_code == (200 if allowed else 404)
    api = api_as(user)
    sent = api.post(f"/api/cases/{target.number}/macros/{macro.pk}/reply", {}, **JSON)
    assert sent.status_code == (201 if allowed else 404)
    assert target.events.filter(kind="case.macro_applied").exists() is allowed
