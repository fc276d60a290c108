"""Folding the quoted history and the signature of HTML emails, as each mail client writes them.

The emails below were written by hand in the shape each client produces (people and domains are
fictitious); each goes through desk.html.sanitize_html first, as every email does before it is
stored, so these tests also show that the marks the folding needs survive sanitizing.
"""

from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from loyaldesk.channels.html_quoting import fold_html
from loyaldesk.channels.mime import parse_email
from loyaldesk.channels.models import Mailbox
from loyaldesk.channels.quoting import Folded
from loyaldesk.channels.receiving import keep_email, read_email
from loyaldesk.channels.templatetags.folding import folded_html
from loyaldesk.desk.html import sanitize_html
from loyaldesk.desk.models import Message
from loyaldesk.desk.services import reply_to_customer
from tests.conftest import T0

CORPUS = Path(__file__).parent / "corpus"

GMAIL_EN_SIGNATURE_AND_QUOTE = (
    '<div dir="ltr">Hi,<div><br></div><div>The replacement cable works, thank you!</div>'
    '<div><br></div><div>Best,</div><div>Tom</div><div><br clear="all"></div><div><br></div>'
    '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" '
    'data-smartmail="gmail_signature"><div dir="ltr">Tom Baker<div>+44 7700 900123</div></div>'
    '</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
    'class="gmail_attr">On Mon, 2 Nov 2026 at 10:14, Novalux Support &lt;<a href="mailto:'
    'support@desk.example">support@desk.example</a>&gt; wrote:<br></div><blockquote '
    'class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);'
    'padding-left:1ex"><div dir="ltr">Hello Tom,<div>Please try the new cable we sent.</div>'
    "</div></blockquote></div>\r\n"
)

OUTLOOK_WEB_EN = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style '
    'type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>'
    '<body dir="ltr"><div class="elementToProof" style="font-family: Aptos, Arial, Helvetica, '
    'sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">Hello,</div><div class="elementToProof" '
    'style="font-size: 12pt;">The order number is 44821.</div><div class="elementToProof" '
    'style="font-size: 12pt;">Kind regards,<br>Grace</div><div id="appendonsend"></div><hr '
    'style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font '
    'face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> Novalux '
    "Support &lt;support@desk.example&gt;<br><b>Sent:</b> Monday, November 2, 2026 10:14<br>"
    "<b>To:</b> Grace Hall &lt;grace.hall@outlook.example&gt;<br><b>Subject:</b> Your order "
    '[#2201]</font><div>&nbsp;</div></div><div><div dir="ltr">Hello Grace, could you send us '
    "your order number?</div></div></body></html>"
)

OUTLOOK_DESKTOP_FR = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name=Generator '
    'content="Microsoft Word 15 (filtered medium)"><style><!-- p.MsoNormal {margin:0cm;} '
    '--></style></head><body lang=FR link="#0563C1"><div class=WordSection1><p class=MsoNormal>'
    "Bonjour,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Le "
    "lave-linge fuit toujours après l\u2019intervention.<o:p></o:p></p><p class=MsoNormal>"
    "Cordialement,<o:p></o:p></p><p class=MsoNormal>Luc Martin<o:p></o:p></p><p class=MsoNormal>"
    "<o:p>&nbsp;</o:p></p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:"
    "3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b><span lang=FR>De&nbsp;:</span></b><span lang=FR> "
    "Service client Novalux &lt;sav@desk.example&gt; <br><b>Envoyé&nbsp;:</b> lundi 2 novembre "
    "2026 10:14<br><b>À&nbsp;:</b> Luc Martin &lt;luc.martin@orange.example&gt;<br><b>Objet"
    "&nbsp;:</b> Votre lave-linge [#3310]<o:p></o:p></span></p></div></div><p class=MsoNormal>"
    "<o:p>&nbsp;</o:p></p><p class=MsoNormal>Bonjour Monsieur Martin, le technicien passera "
    "jeudi.<o:p></o:p></p></div></body></html>"
)

APPLE_MAIL_IT = (
    '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
    '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-'
    'space;">Buongiorno,<div>il frigorifero ora funziona, grazie.</div><div>Giulia</div><div>'
    '<br><blockquote type="cite"><div>Il giorno 2 nov 2026, alle ore 10:14, Assistenza Novalux '
    '&lt;assistenza@desk.example&gt; ha scritto:</div><br class="Apple-interchange-newline">'
    "<div><div>Gentile Giulia, provi a staccare la spina per dieci minuti.</div></div>"
    "</blockquote></div><br></body></html>"
)

IPHONE_FR = (
    '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
    '<body dir="auto">Merci beaucoup, c\u2019est bien reçu.<div>'
    '<br id="lineBreakAtBeginningOfSignature">'
    '<div dir="ltr">Envoyé de mon iPhone</div><div dir="ltr"><br><blockquote type="cite">Le 2 nov.'
    " 2026 à 10:14, Service client Novalux &lt;sav@desk.example&gt; a écrit&nbsp;:<br><br>"
    '</blockquote></div><blockquote type="cite"><div dir="ltr">Bonjour, votre colis est parti ce '
    "matin.</div></blockquote></div></body></html>"
)

THUNDERBIRD_FR_SIGNATURE_AND_QUOTE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>'
    "<p>Bonjour,</p><p>Je vous envoie la facture en pièce jointe.</p>"
    '<pre class="moz-signature" cols="72">-- \nSophie Lambert\nLambert Électricité</pre>'
    '<div class="moz-cite-prefix">Le 02/11/2026 à 10:14, Service client Novalux a écrit&nbsp;:'
    '<br></div><blockquote type="cite" cite="mid:case-3312.1@desk.example">Bonjour, pouvez-vous '
    "nous envoyer la facture ?</blockquote><br></body></html>"
)

YAHOO_ANDROID_EN = (
    '<html><head></head><body><div class="ydp2f0a yahoo-style-wrap" style="font-family:Helvetica '
    'Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div dir="ltr" data-setdir="false">Yes, '
    'Thursday morning is fine.</div><div dir="ltr" data-setdir="false"><br></div></div><div '
    'id="ymail_android_signature"><a id="ymail_android_signature_link" href="https://mail.yahoo.'
    'example/android">Sent from Yahoo Mail on Android</a></div><br><br><div id="yahoo_quoted_'
    '8174627465" class="yahoo_quoted"><div style="font-family:Helvetica Neue, Helvetica, Arial, '
    'sans-serif;font-size:13px;color:#26282a;"><div>On Monday, November 2, 2026, 10:14 AM, Novalux '
    "Support &lt;support@desk.example&gt; wrote:</div><div><br></div><div><br></div><div><div "
    'dir="ltr">Hello, would Thursday morning suit you for the visit?</div></div></div></div>'
    "</body></html>"
)

PROTON_EN = (
    '<div style="font-family: Arial, sans-serif; font-size: 14px;">The serial number is '
    'NX-55-0192.</div><div style="font-family: Arial, sans-serif; font-size: 14px;"><br></div>'
    '<div class="protonmail_signature_block" style="font-family: Arial, sans-serif; font-size: '
    '14px;"><div class="protonmail_signature_block-user protonmail_signature_block-empty"></div>'
    '<div class="protonmail_signature_block-proton">Sent with <a target="_blank" href="https://'
    'proton.me/mail/home">Proton Mail</a> secure email.</div></div><div style="font-family: '
    'Arial, sans-serif; font-size: 14px;"><br></div><div class="protonmail_quote">On Monday, '
    "November 2nd, 2026 at 10:14, Novalux Support &lt;support@desk.example&gt; wrote:<br>"
    '<blockquote class="protonmail_quote" type="cite"><div>Hello, could you send us the serial '
    "number?</div></blockquote><br></div>"
)

LIBERO_IT = (
    "<div>Buonasera, confermo l'indirizzo: via Roma 12, Torino.</div><div>&nbsp;</div><div>Il "
    "02/11/2026 10:14, Assistenza Novalux &lt;assistenza@desk.example&gt; ha scritto:</div>"
    '<blockquote style="border-left: 2px solid #1010FF; margin-left: 5px; padding-left: 5px">'
    "<div>Buongiorno, ci conferma l'indirizzo di ritiro?</div></blockquote>"
)

ZIMBRA_FREE_FR = (
    '<html><body><div style="font-family: arial, helvetica, sans-serif; font-size: 12pt; color: '
    '#000000"><div>Bonjour,</div><div>le numéro de série est 4471-B.</div><div><br></div><hr '
    'id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>De: </b>"Service '
    'client Novalux" &lt;sav@desk.example&gt;<br><b>À: </b>"camille durand" &lt;camille.durand@'
    "free.example&gt;<br><b>Envoyé: </b>Lundi 2 Novembre 2026 10:14:00<br><b>Objet: </b>Votre "
    'demande [#3320]<br></div><div><br></div><div data-marker="__QUOTED_TEXT__">Bonjour, '
    "pouvez-vous nous donner le numéro de série ?</div></div></body></html>"
)

OUTLOOK_ORIGINAL_MESSAGE_IT = (
    "<div>Ecco la foto della targhetta.</div><div><br></div><div>-----Messaggio originale-----"
    "<br>Da: Assistenza Novalux &lt;assistenza@desk.example&gt;<br>Inviato: lunedì 2 novembre "
    "2026 10:14<br>A: Marco Conti<br>Oggetto: Targhetta</div><div>Ci manda una foto della "
    "targhetta?</div>"
)

FOLDED = [
    ("gmail-en", GMAIL_EN_SIGNATURE_AND_QUOTE, "The replacement cable works", "Tom Baker"),
    ("gmail-en-quote", GMAIL_EN_SIGNATURE_AND_QUOTE, "Best,", "Please try the new cable"),
    ("outlook-web-en", OUTLOOK_WEB_EN, "The order number is 44821.", "could you send us"),
    ("outlook-desktop-fr", OUTLOOK_DESKTOP_FR, "fuit toujours", "le technicien passera"),
    ("apple-mail-it", APPLE_MAIL_IT, "ora funziona", "staccare la spina"),
    ("iphone-fr", IPHONE_FR, "bien reçu", "Envoyé de mon iPhone"),
    ("iphone-fr-quote", IPHONE_FR, "bien reçu", "votre colis est parti"),
    ("thunderbird-fr", THUNDERBIRD_FR_SIGNATURE_AND_QUOTE, "la facture en", "Sophie Lambert"),
    ("thunderbird-fr-quote", THUNDERBIRD_FR_SIGNATURE_AND_QUOTE, "Je vous envoie", "pouvez-vous"),
    ("yahoo-en", YAHOO_ANDROID_EN, "Thursday morning is fine", "Sent from Yahoo Mail"),
    ("yahoo-en-quote", YAHOO_ANDROID_EN, "Thursday morning is fine", "suit you for the visit"),
    ("proton-en", PROTON_EN, "NX-55-0192", "Sent with Proton Mail"),
    ("proton-en-quote", PROTON_EN, "NX-55-0192", "could you send us the serial"),
    ("libero-it", LIBERO_IT, "via Roma 12", "ci conferma"),
    ("zimbra-fr", ZIMBRA_FREE_FR, "4471-B", "pouvez-vous nous donner"),
    ("original-message-it", OUTLOOK_ORIGINAL_MESSAGE_IT, "targhetta.", "Ci manda una foto"),
]


class _Reader(HTMLParser):
    """The text of a fragment, and whether every element opened in it is closed in it."""

    VOID = {"br", "hr", "img"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.balanced = False

    def handle_data(self, data):
        self.text.append(data)


def read(fragment: str) -> _Reader:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    return reader


def words(fragment: str) -> str:
    return " ".join("".join(read(fragment).text).split())


def squeezed(fragment: str) -> str:
    return "".join(words(fragment).split())


@pytest.mark.parametrize(
    ("client", "html", "in_new", "in_rest"), FOLDED, ids=[f[0] for f in FOLDED]
)
def test_the_history_and_signature_of_each_client_are_folded(client, html, in_new, in_rest):
    stored = sanitize_html(html)
    parts = fold_html(stored)
    assert in_new in words(parts.new)
    assert in_new not in words(parts.rest)
    assert in_rest in words(parts.rest)
    assert in_rest not in words(parts.new)
    # Whole elements on each side, and together they read as the whole email: nothing lost.
    for part in (parts.new, parts.rest):
        assert read(part).balanced
        assert not read(part).open
    assert squeezed(parts.new) + squeezed(parts.rest) == squeezed(stored)


def test_the_attribution_and_outlooks_separator_go_with_the_history():
    outlook = fold_html(sanitize_html(OUTLOOK_WEB_EN))
    assert "<hr" not in outlook.new
    assert outlook.rest.startswith('<div id="appendonsend"></div><hr>')
    libero = fold_html(sanitize_html(LIBERO_IT))
    assert words(libero.rest).startswith("Il 02/11/2026 10:14, Assistenza Novalux")
    zimbra = fold_html(sanitize_html(ZIMBRA_FREE_FR))
    assert "<hr" not in zimbra.new
    assert words(zimbra.rest).startswith('De: "Service client Novalux"')


def test_an_element_holding_both_sides_is_written_around_each():
    parts = fold_html("<div><p>Grazie!</p><p>-- </p><p>Marco Conti</p></div>")
    assert parts == Folded("<div><p>Grazie!</p></div>", "<div><p>-- </p><p>Marco Conti</p></div>")


def test_a_phone_signature_is_one_only_at_the_end_or_before_the_history():
    at_the_end = fold_html(
        "<div>Perfetto, grazie.</div><div><br></div><div>Inviato da iPhone</div>"
    )
    assert words(at_the_end.rest) == "Inviato da iPhone"
    outlook_mobile = fold_html(
        '<div dir="ltr">OK for Thursday.</div><div dir="ltr"><br></div><div id="ms-outlook-mobile-'
        'signature" dir="ltr">Get Outlook for iOS</div><hr style="display:inline-block;width:98%">'
        '<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Novalux Support<br><b>Sent:</b> Monday, '
        "November 2, 2026 10:14:00 AM<br><b>Subject:</b> Visit</div><div>Would Thursday suit?</div>"
    )
    assert words(outlook_mobile.new) == "OK for Thursday."
    assert words(outlook_mobile.rest).startswith("Get Outlook for iOS")
    assert words(outlook_mobile.rest).endswith("Would Thursday suit?")
    own_words = "<p>Buongiorno,</p><p>Inviato da voi ieri:</p><p>un frigorifero rotto.</p>"
    assert fold_html(own_words) == Folded(own_words, "")
    dash_rule = "<p>Step one -- unplug it</p><p>--</p><p>Step two</p>"
    assert fold_html(dash_rule) == Folded(dash_rule, "")


@pytest.mark.parametrize(
    ("name", "in_new", "in_rest"),
    [
        ("24-gmail-fr-reply-threaded.eml", "l'écran clignote toujours", "Pouvez-vous faire"),
        ("19-outlook-it-mixed-related-alternative.eml", "Procedete pure.", "in allegato il"),
    ],
)
def test_the_corpus_replies_are_folded(name, in_new, in_rest):
    parts = fold_html(sanitize_html(parse_email((CORPUS / name).read_bytes()).html))
    assert in_new in words(parts.new)
    assert in_rest in words(parts.rest)
    assert in_rest not in words(parts.new)


GMAIL_FORWARD_AFTER_SIGNATURE = (
    '<div dir="ltr">Please see below.<br clear="all"><div><div dir="ltr" class="gmail_signature">'
    'Tom Baker</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" '
    'class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_'
    'sendername" dir="auto">Courier</strong> &lt;noreply@courier.example&gt;<br>Date: Fri, 30 Oct '
    "2026 at 16:00<br>Subject: Delivery failed<br>To: &lt;tom.baker@gmail.example&gt;<br></div>"
    "<br><br>We could not deliver your parcel.<br></div></div>"
)
THUNDERBIRD_FORWARD_FR = (
    '<p>Voici le mail du transporteur.</p><div class="moz-forward-container"><br><br>-------- '
    'Message transféré --------<table class="moz-email-headers-table" border="0" cellpadding="0" '
    'cellspacing="0"><tbody><tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">Sujet&nbsp;: '
    "</th><td>Livraison</td></tr><tr><th>Date&nbsp;: </th><td>Fri, 30 Oct 2026 16:00:00 +0100</td>"
    "</tr><tr><th>De&nbsp;: </th><td>Transporteur &lt;noreply@transport.example&gt;</td></tr>"
    '</tbody></table><br>Votre colis est en retard.<div class="moz-cite-prefix">Le 29/10/2026, '
    'Boutique a écrit&nbsp;:<br></div><blockquote type="cite">Colis remis.</blockquote></div>'
)
APPLE_MAIL_FORWARD_IT = (
    '<html><body style="overflow-wrap: break-word;">Vi inoltro la conferma.<br><div><br>'
    '<blockquote type="cite"><div>Inizio messaggio inoltrato:</div><br class="Apple-interchange-'
    'newline"><div style="margin: 0px;"><span><b>Da: </b></span><span>Negozio &lt;ordini@negozio.'
    "example&gt;</span></div><div><span><b>Oggetto: </b></span><span>Ordine 5521</span></div>"
    "<br><div><div>Il suo ordine è stato spedito.</div></div></blockquote></div></body></html>"
)
PROTON_FORWARD_EN = (
    '<div>FYI, the shop\'s answer.</div><div class="protonmail_quote">------- Forwarded Message '
    "-------<br>From: Shop &lt;help@shop.example&gt;<br>Date: On Friday, October 30th, 2026 at "
    '16:00<br>Subject: Refund<br><br><blockquote class="protonmail_quote" type="cite">The '
    "refund is on its way.</blockquote></div>"
)


@pytest.mark.parametrize(
    "html",
    [
        GMAIL_FORWARD_AFTER_SIGNATURE,
        THUNDERBIRD_FORWARD_FR,
        APPLE_MAIL_FORWARD_IT,
        PROTON_FORWARD_EN,
        parse_email((CORPUS / "22-gmail-it-forward-inline.eml").read_bytes()).html,
    ],
    ids=["gmail-en", "thunderbird-fr", "apple-mail-it", "proton-en", "corpus-gmail-it"],
)
def test_a_forwarded_message_stays_in_view(html):
    stored = sanitize_html(html)
    assert fold_html(stored) == Folded(stored, "")


@pytest.mark.parametrize(
    "html",
    [
        parse_email((CORPUS / "01-gmail-fr-alternative-utf8.eml").read_bytes()).html,
        "<p>Hello,</p><p>the manual says:</p><blockquote>Press the button for five seconds."
        "</blockquote><p>I did, and nothing happens. Mr. Greenwood wrote: see attached</p>",
        # Only the quote: a reply written under it (bottom-posting) is not split off.
        '<div class="moz-cite-prefix">On 02/11/2026 10:14, Support wrote:<br></div><blockquote '
        'type="cite">Could you reset it?</blockquote><p>Done, it works now.</p>',
        "",
    ],
    ids=["gmail-fr", "plain-blockquote", "bottom-posted", "empty"],
)
def test_an_email_without_a_quote_is_unchanged(html):
    stored = sanitize_html(html)
    assert fold_html(stored) == Folded(stored, "")


def test_a_history_nested_thousands_deep_is_folded_without_a_crash():
    depth = 5000
    thread = sanitize_html(
        "<p>Still broken.</p>"
        + '<blockquote type="cite"><div>On Mon, Support wrote:</div>' * depth
        + "first message"
        + "</blockquote>" * depth
    )
    parts = fold_html(thread)
    assert words(parts.new) == "Still broken."
    assert parts.rest.count("<blockquote") == depth


def test_the_sanitizer_keeps_only_the_fixed_marks():
    crafted = (
        '<div class="gmail_quote btn btn-danger" id="case-actions" data-marker="__DIVIDER__" '
        'data-hx-post="/desk/" style="position:fixed" onclick="steal()">a</div>'
        '<div id="divRplyFwdMsg" class="moz-signature moz-signature">b</div>'
        '<blockquote type="text/javascript" class="gmail_quote" cite="javascript:x()">c'
        "</blockquote>"
        '<hr data-marker="__HEADERS__" class="gmail_quote"><p class="gmail_quote">d</p>'
        '<span class="gmail_signature_prefix hidden">e</span><a href="https://x.example/" '
        'class="protonmail_quote" id="appendonsend">f</a>'
    )
    assert sanitize_html(crafted) == (
        '<div class="gmail_quote">a</div><div id="divRplyFwdMsg" class="moz-signature">b</div>'
        '<blockquote class="gmail_quote">c</blockquote><hr><p>d</p>'
        '<span class="gmail_signature_prefix">e</span><a href="https://x.example/" '
        'rel="noopener noreferrer nofollow">f</a>'
    )


def test_a_crafted_email_cannot_smuggle_markup_through_the_folding():
    crafted = (
        "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;bye&quot;</p>"
        '<a href="https://x.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;">link</a>'
        '<div class="gmail_quote" onmouseover="x()">On Mon, 2 Nov 2026, Support wrote:'
        '<script>alert(2)</script><img src="https://tracker.example/p.gif" onerror="x()">'
        '<style>body{display:none}</style><iframe src="https://x.example/"></iframe>'
        "<blockquote>&lt;img src=x onerror=alert(3)&gt;</blockquote></div>"
    )
    stored = sanitize_html(crafted)
    # The folding writes the HTML anew; the page then sanitizes each part again.
    for parts in (fold_html(stored), folded_html(stored)):
        page = parts.new + parts.rest
        for smuggled in ("<script", "onmouseover", 'onerror="', '<img src="h', "<style", "<iframe"):
            assert smuggled not in page
        assert 'Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; "bye"' in parts.new
        assert 'href="https://x.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;"' in parts.new
        assert "&lt;img src=x onerror=alert(3)&gt;" in parts.rest


def html_email(html: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Giulia Bianchi <giulia.bianchi@example.it>"
    message["To"] = "support@desk.example"
    message["Subject"] = "Re: Frigorifero"
    message["Message-ID"] = "<frigo.2@example.it>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def test_the_case_page_folds_the_history_of_a_customers_html_email(
    client, queue, agent, front_team
):
    mailbox = Mailbox.objects.create(name="Support", address="support@desk.example", queue=queue)
    raw = html_email(APPLE_MAIL_IT, "Buongiorno,\nil frigorifero ora funziona, grazie.\nGiulia")
    read_email(keep_email(raw, mailbox=mailbox, at=T0))
    message = Message.objects.get()
    assert "staccare la spina" in message.html  # the stored HTML keeps the history
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[message.case.number])).content.decode()
    body = page.split(f'id="message-{message.pk}"')[1].split("</article>")[0]
    new, folded = body.split('<details class="quoted"><summary>Quoted text and signature</summary>')
    assert "il frigorifero ora funziona, grazie." in new
    assert "staccare la spina" not in new
    assert "Il giorno 2 nov 2026, alle ore 10:14, Assistenza Novalux" in folded
    assert "staccare la spina" in folded.split("</details>")[0]


def test_an_agents_html_reply_is_shown_whole(client, case, agent, front_team, smtp_inbox):
    reply_to_customer(
        case,
        agent=agent,
        text="Buongiorno",
        html='<p>Buongiorno</p><div class="gmail_quote">Il giorno lun, Chiara ha scritto:'
        "<blockquote>La lavatrice perde.</blockquote></div>",
    )
    client.force_login(agent)
    page = client.get(reverse("desk:case-detail", args=[case.number])).content.decode()
    reply = page.split("<p>Buongiorno</p>")[1].split("</article>")[0]
    assert "La lavatrice perde." in reply
    assert "<details" not in reply
