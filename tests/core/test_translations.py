import shutil
from contextlib import chdir
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


def test_no_ui_string_of_the_code_is_missing_from_the_catalogs(tmp_path):
    """The strings the code marks today, extracted as `make messages` does, are all in the
    committed catalogs: a string marked but never extracted would show in English."""
    from django.core.management import call_command

    source = tmp_path / "loyaldesk"
    shutil.copytree(
        LOCALE.parent, source, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static")
    )
    committed = _msgids(source / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    with chdir(source):
        call_command(
            "makemessages",
            locale=["fr"],
            no_location=True,
            ignore_patterns=["demo/phrasebook/*"],
            verbosity=0,
        )
    extracted = _msgids(source / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert extracted - committed == set()


def _msgids(path: Path) -> set:
    with path.open("rb") as handle:
        return {
            message.id if isinstance(message.id, str) else tuple(message.id)
            for message in read_po(handle)
            if message.id
        }
