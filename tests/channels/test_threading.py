import pytest

from loyaldesk.channels.threading import MAX_REFERENCES, domain_of, references_header, reply_subject


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Broken vacuum", "Re: Broken vacuum [#42]"),
        ("RE: Re: Broken vacuum", "Re: Broken vacuum [#42]"),
        ("Re: Broken vacuum [#42]", "Re: Broken vacuum [#42]"),
        ("R: Rif: aspirapolvere", "Re: aspirapolvere [#42]"),
        ("TR: aspirateur", "Re: aspirateur [#42]"),
        ("", "Re: [#42]"),
    ],
)
def test_reply_subject_carries_the_reference_once(subject, expected):
    assert reply_subject(subject, "#42") == expected


def test_references_keep_first_and_latest_when_long():
    ids = [f"<{n}@x>" for n in range(30)]
    header = references_header(ids).split()
    assert len(header) == MAX_REFERENCES
    assert header[0] == "<0@x>"
    assert header[-1] == "<29@x>"
    assert references_header(["<a@x>", "<a@x>", ""]) == "<a@x>"


def test_domain_of():
    assert domain_of("support@shop.example") == "shop.example"
    assert domain_of("Support <help@shop.example>") == "shop.example"
