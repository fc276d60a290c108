import pytest
from django.urls import reverse

from loyaldesk.webhooks.models import WebhookEndpoint
from loyaldesk.webhooks.services import attempt_delivery

ENDPOINTS = reverse("admin:webhooks_webhookendpoint_changelist")
DELIVERIES = reverse("admin:webhooks_webhookdelivery_changelist")


def endpoint_form(**changes):
    form = {
        "url": "https://crm.example.com/hooks",
        "description": "CRM",
        "events": ["case.created", "case.resolved"],
        "is_active": "on",
    }
    return {**form, **changes}


def test_an_admin_adds_an_endpoint_and_is_shown_its_secret(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:webhooks_webhookendpoint_add"), endpoint_form())
    endpoint = WebhookEndpoint.objects.get()
    change = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    assert response.status_code == 302
    assert response["Location"] == change
    assert endpoint.events == ["case.created", "case.resolved"]
    assert endpoint.secret.startswith("whsec_")
    page = client.get(change).content.decode()
    assert endpoint.secret in page
    assert "Copy the signing secret" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://crm.example.com/hooks"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["case.deleted"]}, "events"),
    ],
)
def test_endpoints_need_an_http_url_and_known_events(client, admin_user, changes, field):
    client.force_login(admin_user)
    response = client.post(reverse("admin:webhooks_webhookendpoint_add"), endpoint_form(**changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()


def test_the_secret_cannot_be_set_through_the_form(client, admin_user, endpoint):
    client.force_login(admin_user)
    secret = endpoint.secret
    change = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    form = endpoint_form(url=endpoint.url, secret="whsec_chosen-by-hand")
    assert client.post(change, form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == secret
    assert endpoint.url == form["url"]


def test_rotate_secret_action(client, admin_user, endpoint):
    client.force_login(admin_user)
    old = endpoint.secret
    response = client.post(
        ENDPOINTS, {"action": "rotate_secrets", "_selected_action": [endpoint.pk]}, follow=True
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert "1 endpoint has a new secret" in response.content.decode()


def test_the_delivery_log_filters_searches_and_shows_a_delivery(client, admin_user, delivery):
    client.force_login(admin_user)
    case_number = delivery.payload["case"]["number"]
    queries = [
        {},
        {"state__exact": "queued"},
        {"endpoint__id__exact": delivery.endpoint_id},
        {"kind__exact": "case.created"},
        {"q": str(case_number)},
        {"q": str(delivery.uuid)},
    ]
    for query in queries:
        response = client.get(DELIVERIES, query)
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [delivery], query
    assert list(client.get(DELIVERIES, {"state__exact": "failed"}).context["cl"].result_list) == []
    page = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    assert str(delivery.uuid) in page.content.decode()


def test_deliveries_are_read_only(client, admin_user, delivery):
    client.force_login(admin_user)
    change = reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])
    assert client.post(change, {"state": "delivered"}).status_code == 403
    delete = reverse("admin:webhooks_webhookdelivery_delete", args=[delivery.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == "queued"


def test_send_again_action_requeues_failed_deliveries(
    client, admin_user, receiver, delivery, jobs_run_now, django_capture_on_commit_callbacks
):
    receiver.answers = [410]
    attempt_delivery(delivery.pk)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELIVERIES,
            {"action": "send_failed_again", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "1 delivery is queued again" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert len(receiver.requests) == 2


@pytest.mark.parametrize("url", [ENDPOINTS, DELIVERIES])
def test_agents_and_managers_are_refused(client, agent, manager, delivery, url):
    client.force_login(agent)
    assert client.get(url).status_code == 302  # to the admin's login: not staff
    client.force_login(manager)
    assert client.get(url).status_code == 403  # staff, without the webhook permissions
