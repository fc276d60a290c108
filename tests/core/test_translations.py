from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import gettext

import loyaldesk

LOCALE = Path(loyaldesk.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["fr", "it"])
def test_every_ui_string_is_translated(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            not all(message.string)
            if isinstance(message.string, tuple)
            else not message.string or message.fuzzy
        )
    ]
    assert untranslated == []
    assert len(catalog) > 100


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Pending customer"), ("fr", "En attente du client"), ("it", "In attesa del cliente")],
)
def test_compiled_catalogs_are_used(language, expected):
    with translation.override(language):
        assert gettext("Pending customer") == expected
