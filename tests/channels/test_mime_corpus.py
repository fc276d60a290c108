"""The parser against the corpus of real-world-shaped emails and their expected outcomes
(tests/channels/corpus/README.md says how the corpus was made and what each key means)."""

import json
from pathlib import Path

import pytest

from loyaldesk.channels.mime import parse_email

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_enough_and_every_file_has_an_outcome():
    files = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(files) >= 40
    assert sorted(EXPECTED) == files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_email_reads_as_expected(name):
    expected = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    parsed = parse_email(raw)
    assert parsed.raw == raw
    assert parsed.message_id == expected["message_id"]
    assert parsed.in_reply_to == expected["in_reply_to"]
    assert list(parsed.references) == expected["references"]
    assert parsed.from_address == expected["from_address"]
    assert parsed.from_name == expected["from_name"]
    assert list(parsed.to) == expected["to"]
    assert list(parsed.cc) == expected["cc"]
    assert parsed.subject == expected["subject"]
    assert parsed.case_reference() == expected["case_reference"]
    for piece in expected["text_contains"]:
        assert piece in parsed.text, f"{piece!r} not in the text"
    for piece in expected["text_excludes"]:
        assert piece not in parsed.text, f"{piece!r} in the text"
    found = [
        {
            "filename": part.filename,
            "content_type": part.content_type,
            "size": len(part.content),
            "inline": part.inline,
        }
        for part in parsed.attachments
    ]
    assert found == expected["attachments"]
    assert parsed.auto_reply == expected["auto_reply"]
    assert parsed.bounce == expected["bounce"]
    assert parsed.bounced_message_id == expected["bounced_message_id"]
