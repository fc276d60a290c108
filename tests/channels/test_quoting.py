"""Folding the quoted history and the signature out of view, in the words of each client."""

import pytest

from loyaldesk.channels.quoting import fold


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
