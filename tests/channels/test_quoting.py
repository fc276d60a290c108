"""Folding the quoted history and the signature out of view, in the words of each client."""

import pytest
from django.urls import reverse

from loyaldesk.channels.quoting import fold
from loyaldesk.desk.services import open_case


@pytest.mark.parametrize(
    ("text", "new"),
    [
        (
            "Merci, c'est réglé.\n\nLe lun. 2 nov. 2026 à 10:14, Support <support@desk.example> a"
            " écrit :\n> Bonjour,\n> pouvez-vous essayer ?",
            "Merci, c'est réglé.",
        ),
        (
            "Grazie mille.\n\nIl giorno lun 2 nov 2026 alle ore 10:14 Support\n"
            "<support@desk.example> ha scritto:\n> Buongiorno",
            "Grazie mille.",
        ),
        (
            "Thanks, that worked.\n\nOn Mon, 2 Nov 2026 at 10:14, Support <support@desk.example>"
            " wrote:\n> Hello",
            "Thanks, that worked.",
        ),
        (
            "Voici la photo.\n\nDe : Support <support@desk.example>\nEnvoyé : lundi 2 novembre"
            " 2026 10:14\nÀ : Luc\nObjet : Votre commande",
            "Voici la photo.",
        ),
        (
            "Ecco la foto.\n\n-----Messaggio originale-----\nDa: Support\nInviato: lunedì",
            "Ecco la foto.",
        ),
        ("Ça marche.\n\n-- \nLuc Martin\n06 12 34 56 78", "Ça marche."),
        ("Perfetto, grazie\n\nInviato da iPhone", "Perfetto, grazie"),
        ("OK for me.\n> earlier line\n>\n> another", "OK for me."),
    ],
)
def test_the_history_and_signature_are_folded(text, new):
    folded = fold(text)
    assert folded.new == new
    assert folded.rest
    assert folded.new in text


def test_what_is_not_history_stays_in_view():
    forwarded = "Regardez ceci.\n\n---------- Message transféré ---------\nDe : Transporteur"
    assert fold(forwarded).rest == ""
    interleaved = "> Vous écrivez ceci\nEt je réponds cela.\n> puis ceci\nEt cela."
    assert fold(interleaved).rest == ""
    only_quote = "Le lun. 2 nov. 2026, Support a écrit :\n> Bonjour"
    assert fold(only_quote).new == only_quote
    assert fold("Bonjour, from: my phone number changed") == fold(
        "Bonjour, from: my phone number changed"
    )
    assert fold("").rest == ""


def test_the_case_page_folds_the_history_of_a_customers_email(
    client, customer, queue, agent, front_team
):
    case = open_case(
        customer=customer,
        subject="Re: Lavatrice",
        text="Funziona, grazie!\n\nIl giorno lun 2 nov 2026 alle ore 10:14 Support ha scritto:\n"
        "> Provi a riavviarla.",
        channel="email",
        queue=queue,
    )
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    new, folded = page.split('<details class="quoted">')
    assert "Funziona, grazie!" in new
    assert "Provi a riavviarla." in folded
    assert "Provi a riavviarla." not in new
