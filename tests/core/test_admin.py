import pytest
from django.contrib import admin
from django.urls import reverse


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield pytest.param(model, model_admin, info, id=".".join(info))


@pytest.mark.parametrize(("model", "model_admin", "info"), list(admin_urls()))
def test_admin_pages_load(client, admin_user, case, agent, model, model_admin, info):
    client.force_login(admin_user)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "rossi"}).status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
        assert client.get(change).status_code == 200
    add_status = client.get(reverse("admin:{}_{}_add".format(*info))).status_code
    assert add_status == (200 if model_admin.has_add_permission(_request(admin_user)) else 403)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_event_log_is_read_only_in_admin(client, admin_user, case):
    client.force_login(admin_user)
    event = case.events.first()
    url = reverse("admin:desk_event_change", args=[event.pk])
    response = client.post(url, {"kind": "tampered"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.kind == "case.opened"


def test_agents_cannot_open_the_admin(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.parametrize("model_name", ["case", "message", "event"])
def test_case_records_cannot_be_deleted_in_admin(client, admin_user, case, model_name):
    client.force_login(admin_user)
    record = {"case": case, "message": case.messages.first(), "event": case.events.first()}
    instance = record[model_name]
    url = reverse(f"admin:desk_{model_name}_delete", args=[instance.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(instance).objects.filter(pk=instance.pk).exists()
