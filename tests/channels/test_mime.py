"""Reading inbound email: headers, charsets, bodies, attachments, automatic mail and bounces;
and whatever the bytes, a result that keeps them."""

from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyaldesk.channels.mime import case_reference_in, html_to_text, parse_email

CRLF = b"\r\n"


def raw(*lines: str | bytes, body: bytes = b"") -> bytes:
    head = CRLF.join(line if isinstance(line, bytes) else line.encode() for line in lines)
    return head + CRLF + CRLF + body


def test_encoded_words_in_subject_and_name_are_decoded():
    parsed = parse_email(
        raw(
            "From: =?ISO-8859-1?Q?Fran=E7oise_L=E9vy?= <Francoise.Levy@Example.FR>",
            "To: support@desk.example, Ventes <ventes@desk.example>",
            "Cc: =?utf-8?B?TWFyY28gUm9zc2k=?= <marco@example.it>",
            "Subject: =?UTF-8?Q?Re=C3=A7u_endommag=C3=A9?=",
            " =?UTF-8?Q?_[#1234]?=",
            "Message-ID:  <abc.123@example.fr> ",
            "In-Reply-To: <case-1234.5@desk.example> <other@x.example>",
            "References: <case-1234.1@desk.example>\r\n <case-1234.5@desk.example>",
            "Date: Mon, 2 Nov 2026 10:14:00 +0100",
            "Content-Type: text/plain; charset=utf-8",
            body="Le colis est arrivé abîmé.".encode(),
        )
    )
    assert parsed.from_name == "Françoise Lévy"
    assert parsed.from_address == "francoise.levy@example.fr"
    assert parsed.to == ("support@desk.example", "ventes@desk.example")
    assert parsed.cc == ("marco@example.it",)
    assert parsed.subject == "Reçu endommagé [#1234]"
    assert parsed.case_reference() == 1234
    assert parsed.message_id == "<abc.123@example.fr>"
    assert parsed.in_reply_to == "<case-1234.5@desk.example>"
    assert parsed.references == ("<case-1234.1@desk.example>", "<case-1234.5@desk.example>")
    assert parsed.date.isoformat() == "2026-11-02T10:14:00+01:00"
    assert parsed.text == "Le colis est arrivé abîmé."


def test_latin1_quoted_printable_and_a_mislabelled_charset():
    latin = parse_email(
        raw(
            "From: a@example.it",
            "Content-Type: text/plain; charset=iso-8859-15",
            "Content-Transfer-Encoding: quoted-printable",
            body=b"Perch=E9 il rimborso di 49 =A4 non =E8 arrivato?",
        )
    )
    assert latin.text == "Perché il rimborso di 49 € non è arrivato?"
    wrong = parse_email(
        raw("From: a@example.fr", "Content-Type: text/plain; charset=utf-8", body=b"Pr\xeat \x80")
    )
    assert wrong.text == "Prêt €"
    assert any("charset utf-8" in problem for problem in wrong.problems)
    unknown = parse_email(
        raw("From: a@example.fr", "Content-Type: text/plain; charset=x-martian", body=b"d\xe9j\xe0")
    )
    assert unknown.text == "déjà"


def test_html_only_mail_is_read_without_its_scripts():
    html = (
        "<html><head><style>p {color: red}</style></head><body><p>Buongiorno,</p>"
        "<div>la lavatrice &egrave; rotta<br>da luned&igrave;.</div>"
        "<script>alert('x')</script><img src=x onerror=alert(1)></body></html>"
    )
    parsed = parse_email(
        raw("From: a@example.it", "Content-Type: text/html; charset=utf-8", body=html.encode())
    )
    assert parsed.text == "Buongiorno,\nla lavatrice è rotta\nda lunedì."
    assert "alert" not in parsed.text
    assert "<script>" in parsed.html  # kept as received; sanitised when shown
    assert html_to_text("a<br/>b") == "a\nb"


def test_alternative_bodies_and_attachments_with_french_filenames():
    message = EmailMessage()
    message["From"] = "Luc Martin <luc@example.fr>"
    message["Subject"] = "Facture"
    message.set_content("Voici la facture.")
    message.add_alternative("<p>Voici la <b>facture</b>.</p>", subtype="html")
    message.add_attachment(
        b"%PDF-1.4 facture", maintype="application", subtype="pdf", filename="Facture été.pdf"
    )
    data = message.as_bytes()
    outlook_style = data.replace(
        b"filename*=utf-8''Facture%20%C3%A9t%C3%A9.pdf",
        b'filename="=?utf-8?B?RmFjdHVyZSDDqXTDqS5wZGY=?="',
    )
    for source in (data, outlook_style):
        parsed = parse_email(source)
        assert parsed.text == "Voici la facture."
        assert "<b>facture</b>" in parsed.html
        [attachment] = parsed.attachments
        assert attachment.filename == "Facture été.pdf"
        assert attachment.content_type == "application/pdf"
        assert attachment.content == b"%PDF-1.4 facture"
        assert not attachment.inline


def test_inline_images_are_attachments_marked_inline():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("see image")
    message.add_alternative('<p><img src="cid:photo1"></p>', subtype="html")
    message.get_payload()[1].add_related(
        b"\x89PNG\r\n", maintype="image", subtype="png", cid="<photo1>"
    )
    [image] = parse_email(message.as_bytes()).attachments
    assert image.inline
    assert image.content_id == "photo1"
    assert image.content_type == "image/png"


def test_automatic_mail_is_told_by_its_headers():
    def automatic(*headers: str) -> bool:
        return parse_email(raw("From: a@example.com", *headers, body=b"x")).auto_reply

    assert automatic("Auto-Submitted: auto-replied")
    assert automatic("X-Autoreply: yes")
    assert automatic("X-Autorespond: Out of office")
    assert automatic("Precedence: bulk")
    assert automatic("Precedence: auto_reply")
    assert not automatic("Auto-Submitted: no")
    assert not automatic("X-Auto-Response-Suppress: All")  # Outlook, on people's own mail
    assert not automatic("Precedence: first-class")


def test_a_delivery_report_names_the_message_it_returns():
    report = raw(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.fr>",
        "To: support@desk.example",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <bounce.1@mx.example.fr>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        body=CRLF.join(
            [
                b"--B",
                b"Content-Type: text/plain",
                b"",
                b"I'm sorry to have to inform you that your message could not be delivered.",
                b"--B",
                b"Content-Type: message/delivery-status",
                b"",
                b"Reporting-MTA: dns; mx.example.fr",
                b"",
                b"Final-Recipient: rfc822; nobody@example.fr",
                b"Action: failed",
                b"Status: 5.1.1",
                b"--B",
                b"Content-Type: text/rfc822-headers",
                b"",
                b"From: support@desk.example",
                b"Message-ID: <case-1234.7@desk.example>",
                b"Subject: Re: Votre commande [#1234]",
                b"--B--",
            ]
        ),
    )
    parsed = parse_email(report)
    assert parsed.bounce
    assert parsed.bounced_message_id == "<case-1234.7@desk.example>"
    plain = parse_email(raw("From: luc@example.fr", "Message-ID: <a@b>", body=b"hi"))
    assert not plain.bounce
    assert plain.bounced_message_id is None


def test_missing_and_broken_headers_give_empty_values():
    parsed = parse_email(raw("Subject: sans tout", "Date: hier vers midi", body=b"x"))
    assert parsed.message_id is None
    assert parsed.in_reply_to is None
    assert parsed.references == ()
    assert parsed.from_address == ""
    assert parsed.date is None
    assert parsed.subject == "sans tout"


def test_case_references_in_subjects():
    assert case_reference_in("Re: Ordine [#12] e [#345]") == 345
    assert case_reference_in("Re: Ordine [ #12 ]") == 12
    assert case_reference_in("Ordine #12") is None
    assert case_reference_in("Re: [CASE-77] x", prefix="CASE-") == 77


MIME_PIECES = [
    b"From: ", b"To: ", b"Subject: =?utf-8?B?", b"=?iso-8859-1?Q?caf=E9?=", b"?=",
    b"Content-Type: multipart/mixed; boundary=\"b\"", b"Content-Type: text/plain; charset=",
    b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Disposition: attachment; filename*=utf-8''%C3%A9", b"--b", b"--b--", b"\r\n",
    b"\n", b": ", b"=\r\n", b"=E9", b"\xe9", b"\xff\xfe", b"<a@b>", b"message/rfc822",
    b"multipart/report; report-type=delivery-status", b"MAILER-DAEMON@x",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_result_that_keeps_them(data):
    parsed = parse_email(data)
    assert parsed.raw == data
    assert isinstance(parsed.text, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MIME_PIECES) | st.binary(max_size=20), max_size=60))
def test_broken_mime_gives_a_result_that_keeps_it(pieces):
    data = b"".join(pieces)
    parsed = parse_email(data)
    assert parsed.raw == data
    assert all(isinstance(attachment.content, bytes) for attachment in parsed.attachments)
