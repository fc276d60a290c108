from loyaldesk.customers.models import Customer


def test_customer_crud_and_search(api_as, lead, customer):
    api = api_as(lead)
    created = api.post(
        "/api/customers",
        {
            "first_name": "Jean",
            "last_name": "Dupont",
            "preferred_language": "fr",
            "emails": ["Jean@Example.fr"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["identities"] == [
        {"channel": "email", "address": "jean@example.fr", "is_verified": False}
    ]
    found = api.get("/api/customers", {"q": "jean@example"}).json()["items"]
    assert [c["id"] for c in found] == [body["id"]]
    patched = api.patch(
        f"/api/customers/{body['id']}", {"city": "Lyon"}, content_type="application/json"
    )
    assert patched.json()["city"] == "Lyon"
    event = Customer.objects.get(pk=body["id"]).events.get(kind="customer.updated")
    assert (event.before, event.after, event.actor) == ({"city": ""}, {"city": "Lyon"}, lead)


def test_taken_or_invalid_address_is_a_clear_error(api_as, lead, customer):
    api = api_as(lead)
    taken = api.post(
        "/api/customers",
        {"last_name": "Other", "emails": ["chiara.rossi@example.it"]},
        content_type="application/json",
    )
    assert taken.status_code == 409
    invalid = api.post(
        "/api/customers",
        {"last_name": "X", "emails": ["not-an-address"]},
        content_type="application/json",
    )
    assert invalid.status_code == 422
    assert Customer.objects.count() == 1


def test_agents_read_customers_but_cannot_edit_them(api_as, agent, customer):
    api = api_as(agent)
    assert api.get(f"/api/customers/{customer.pk}").json()["last_name"] == "Rossi"
    response = api.patch(
        f"/api/customers/{customer.pk}", {"city": "Roma"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_organisations(api_as, manager):
    api = api_as(manager)
    created = api.post(
        "/api/organisations",
        {"name": "Acme", "domain": "acme.example"},
        content_type="application/json",
    )
    assert created.status_code == 201
    oid = created.json()["id"]
    assert (
        api.patch(
            f"/api/organisations/{oid}", {"segment": "premium"}, content_type="application/json"
        ).json()["segment"]
        == "premium"
    )
    assert [o["name"] for o in api.get("/api/organisations", {"q": "acme"}).json()] == ["Acme"]
