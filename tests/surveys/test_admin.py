"""Managers define surveys in the admin: questions in three languages, categories picked."""

from django.utils import translation

from loyaldesk.surveys.models import Survey
from tests.conftest import PASSWORD


def test_a_manager_defines_a_survey_with_its_questions(client, manager):
    client.login(username=manager.username, password=PASSWORD)
    assert client.get("/admin/surveys/survey/add/").status_code == 200
    response = client.post(
        "/admin/surveys/survey/add/",
        {
            "name": "Billing follow-up",
            "trigger": "case_resolved",
            "is_active": "on",
            "categories": ["billing"],
            "delay_hours": "4",
            "every_days": "90",
            "sample_size": "200",
            "active_within_days": "365",
            "quiet_days": "30",
            "link_valid_days": "7",
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-position": "0",
            "questions-0-kind": "csat",
            "questions-0-is_required": "on",
            "questions-1-position": "1",
            "questions-1-kind": "text",
            "questions-1-prompt_en": "What did we get wrong on your bill?",
            "questions-1-prompt_fr": "Qu'avons-nous mal fait sur votre facture ?",
            "questions-1-prompt_it": "Che cosa abbiamo sbagliato nella sua fattura?",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get(name="Billing follow-up")
    assert survey.categories == ["billing"]
    text = survey.questions.get(kind="text")
    assert text.prompt("fr") == "Qu'avons-nous mal fait sur votre facture ?"
    # Left empty, a standard question takes its standard wording in the customer's language.
    with translation.override("it"):
        assert survey.questions.get(kind="csat").prompt("it") == (
            "Quanto è soddisfatto dell'aiuto ricevuto?"
        )


def test_team_leads_cannot_define_surveys(client, lead):
    client.login(username=lead.username, password=PASSWORD)
    assert client.get("/admin/surveys/survey/add/").status_code in (302, 403)
