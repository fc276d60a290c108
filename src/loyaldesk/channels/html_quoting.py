"""Folding away what a customer's HTML email repeats: the quoted history and the signature.

The HTML is kept whole; `fold_html` finds where the new part ends and returns the new part and
the rest as two HTML fragments of whole elements: an element that holds both the end of the new
part and the start of the rest is written in each, around its own side.

Mail clients mark the history in their HTML: Gmail's `div.gmail_quote` and `gmail_signature`,
Apple Mail's and Thunderbird's `blockquote type="cite"`, Thunderbird's `moz-cite-prefix` and
`moz-signature`, Outlook's `#divRplyFwdMsg` and `#appendonsend`, Yahoo's `yahoo_quoted`, Proton's
`protonmail_quote` and signature block, Zimbra's `data-marker`. Where there is no mark, the
words are read from the lines of text as quoting.py reads plain text: "On … wrote:",
"Le … a écrit :", "Il giorno … ha scritto:", Outlook's "From: … Sent: …" block (with the `<hr>`
before it), "-----Original Message-----", "-- ", "Sent from my iPhone".

A forwarded message is what the customer sends us: it stays in view, and so does everything
after it. The input is expected as desk.html.sanitize_html writes it (well-formed, the marks
above kept); other HTML is read tolerantly. No Django import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Literal

from loyaldesk.channels.quoting import (
    ATTRIBUTION,
    FORWARDS,
    FROM_PHONE,
    ORIGINAL,
    OUTLOOK_FROM,
    OUTLOOK_NEXT,
    Folded,
)

# The marks, by element: the sanitizer keeps exactly these class names and attribute values.
QUOTE_CLASSES = frozenset({"gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote"})
SIGNATURE_CLASSES = frozenset(
    {"gmail_signature", "gmail_signature_prefix", "moz-signature", "protonmail_signature_block"}
)
FORWARD_CLASSES = frozenset({"moz-forward-container"})
MARK_CLASSES: dict[str, frozenset[str]] = {
    "div": QUOTE_CLASSES | SIGNATURE_CLASSES | FORWARD_CLASSES,
    "blockquote": frozenset({"gmail_quote", "protonmail_quote"}),
    "pre": frozenset({"moz-signature"}),
    "span": frozenset({"gmail_signature_prefix"}),
}
QUOTE_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "blockquote": {"type": frozenset({"cite"})},
    "div": {
        "id": frozenset({"divRplyFwdMsg", "appendonsend"}),
        "data-marker": frozenset({"__HEADERS__", "__QUOTED_TEXT__"}),
    },
    "hr": {"data-marker": frozenset({"__DIVIDER__"})},
}

FORWARD_LINE = re.compile(
    r"^-*\s*(forwarded message|message transféré|mail transféré|messaggio inoltrato)\b"
    r"|^(begin forwarded message|début du message réexpédié|inizio messaggio inoltrato)\s*:",
    re.IGNORECASE,
)
# Webmail and phone apps sign for the customer.
SENT_FROM_APP = re.compile(
    r"^(sent from (yahoo mail|outlook|mail for)|get outlook for|envoyé (de|depuis) (yahoo|outlook)"
    r"|sent with proton mail)\b",
    re.IGNORECASE,
)
SIGNATURE_LINE_LENGTH = 45
# "-- " as in plain text: the space after the dashes (or a line end) tells it from a dash rule.
SIGNATURE_DELIMITER = re.compile(r"\s*--\s+")
BLOCKS = frozenset(
    {"address", "article", "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5",
     "h6", "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
     "thead", "tr", "ul"}
)  # fmt: skip
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
SKIPPED = frozenset({"script", "style", "title"})

Kind = Literal["quote", "signature", "forward"]


@dataclass(eq=False)
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: _Element | None = None
    children: list[_Element | _Text] = field(default_factory=list)

    def attr(self, name: str) -> str:
        return next((value or "" for key, value in self.attrs if key == name), "")


@dataclass(eq=False)
class _Text:
    data: str
    parent: _Element | None = None


_Node = _Element | _Text


@dataclass(frozen=True)
class _Line:
    start: _Node
    raw: str
    text: str


def fold_html(html: str) -> Folded:
    """Split an email's HTML where its quoted history or signature begins.

    Returns the HTML unchanged with an empty rest when nothing is folded: no mark, a forward
    before any quote, or nothing but the quote (the new part would be empty)."""
    root = _parse(html)
    order = _preorder(root)
    lines = _lines(root)
    start = _where_the_rest_starts(order, lines)
    if start is None:
        return Folded(html, "")
    new, rest = _split(_with_separator(_hoisted(start)))
    if not _has_content(new) or not _has_content(rest):
        return Folded(html, "")
    return Folded(_serialize(new), _serialize(rest))


class _TreeBuilder(HTMLParser):
    """A tree of the fragment; end tags that close nothing open are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", [])
        self._open = [self.root]
        self._skipping: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping = tag
            return
        element = _Element(tag, attrs, parent=self._open[-1])
        self._open[-1].children.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skipping:
            self._skipping = None
            return
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self._skipping is None:
            self._open[-1].children.append(_Text(data, parent=self._open[-1]))


def _parse(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _preorder(root: _Element) -> list[_Node]:
    """Every node in document order; iterative, as an email may nest thousands deep."""
    order: list[_Node] = []
    stack: list[_Node] = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        if isinstance(node, _Element):
            stack.extend(reversed(node.children))
    return order


def _lines(root: _Element) -> list[_Line]:
    """The non-blank lines of text as a reader sees them: broken at <br> and around blocks."""
    lines: list[_Line] = []
    pieces: list[str] = []
    start: list[_Node] = []

    def end_line() -> None:
        raw = "".join(pieces)
        text = " ".join(raw.split())
        if start and text:
            lines.append(_Line(start[0], raw, text))
        pieces.clear()
        start.clear()

    stack: list[tuple[_Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            end_line()
        elif isinstance(node, _Text):
            if not start and node.data.strip():
                start.append(node)
            pieces.append(node.data)
        elif node.tag == "br":
            end_line()
        elif node.tag == "img" and not start:
            start.append(node)
        else:
            if node.tag in BLOCKS:
                end_line()
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    end_line()
    return lines


def _where_the_rest_starts(order: list[_Node], lines: list[_Line]) -> _Node | None:
    """The node where the first quote begins, or the signature before it; None after a forward."""
    line_at = {id(line.start): index for index, line in enumerate(lines)}
    next_lines = _next_lines(order, line_at, len(lines))
    signature: _Node | None = None
    for node, next_line in zip(order, next_lines, strict=True):
        if id(node) in line_at:
            kind = _line_kind(lines, next_line)
        elif isinstance(node, _Element):
            kind = _mark_kind(node, lines, next_line)
        else:
            continue
        if kind == "forward":
            return None
        if kind == "quote":
            return signature or node
        if kind == "signature" and signature is None:
            signature = node
    return signature


def _next_lines(order: list[_Node], line_at: dict[int, int], count: int) -> list[int]:
    """For each node, the index of the first line that starts at or after it."""
    found = [count] * len(order)
    following = count
    for position in range(len(order) - 1, -1, -1):
        following = line_at.get(id(order[position]), following)
        found[position] = following
    return found


def _mark_kind(element: _Element, lines: list[_Line], next_line: int) -> Kind | None:
    """What a client's mark on an element says; `next_line` is the first line at or after it."""
    classes = set(element.attr("class").split()) & MARK_CLASSES.get(element.tag, frozenset())
    if classes & FORWARD_CLASSES:
        return "forward"
    if classes & SIGNATURE_CLASSES:
        return "signature"
    marked = any(
        element.attr(name) in values for name, values in QUOTE_VALUES.get(element.tag, {}).items()
    )
    if classes & QUOTE_CLASSES or marked:
        return "forward" if _is_forward(lines, next_line) else "quote"
    return None


def _line_kind(lines: list[_Line], index: int) -> Kind | None:
    """What the words of a line say, as quoting.py reads plain text."""
    if SIGNATURE_DELIMITER.fullmatch(lines[index].raw):
        return "signature"
    if _is_forward(lines, index):
        return "forward"
    if _starts_quote(lines, index):
        return "quote"
    line = lines[index].text
    # "Inviato da …" may also begin the customer's own sentence: only a short line that ends
    # the email or comes just before the history is the phone's signature.
    if (
        len(line) <= SIGNATURE_LINE_LENGTH
        and (FROM_PHONE.match(line) or SENT_FROM_APP.match(line))
        and (index + 1 == len(lines) or _starts_quote(lines, index + 1))
    ):
        return "signature"
    return None


def _starts_quote(lines: list[_Line], index: int) -> bool:
    line = lines[index].text
    following = [later.text for later in lines[index + 1 : index + 4]]
    two_lines = f"{line} {following[0]}" if following else line
    return bool(
        (ORIGINAL.match(line) and not FORWARDS.search(line))
        or ATTRIBUTION.match(line)
        or ATTRIBUTION.match(two_lines)
        or (OUTLOOK_FROM.match(line) and any(OUTLOOK_NEXT.match(text) for text in following))
    )


def _is_forward(lines: list[_Line], index: int) -> bool:
    """A forward's separator line starts here ("---------- Forwarded message ---------",
    "Begin forwarded message:", …)."""
    if index >= len(lines):
        return False
    first = lines[index].text
    return bool(FORWARD_LINE.match(first) or (ORIGINAL.match(first) and FORWARDS.search(first)))


def _blank(node: _Node) -> bool:
    if isinstance(node, _Text):
        return not node.data.strip()
    return node.tag == "br"


def _hoisted(node: _Node) -> _Node:
    """The outermost element that the rest begins with, so the new part keeps no empty shell."""
    while node.parent is not None and node.parent.parent is not None:
        siblings = node.parent.children
        if not all(_blank(before) for before in siblings[: siblings.index(node)]):
            break
        node = node.parent
    return node


def _with_separator(node: _Node) -> _Node:
    """An <hr> (and Outlook's empty #appendonsend) just before the history goes with it."""
    while node.parent is not None:
        siblings = node.parent.children
        before = [sibling for sibling in siblings[: siblings.index(node)] if not _blank(sibling)]
        if not before or not isinstance(before[-1], _Element):
            break
        previous = before[-1]
        if previous.tag != "hr" and previous.attr("id") != "appendonsend":
            break
        node = previous
    return node


def _split(node: _Node) -> tuple[list[_Node], list[_Node]]:
    """The fragment's top-level nodes before `node`, and from `node` on; the elements around
    `node` are written on both sides."""
    new: list[_Node] = []
    rest: list[_Node] = [node]
    child = node
    while child.parent is not None:
        parent = child.parent
        index = parent.children.index(child)
        new = parent.children[:index] + new
        rest = rest + parent.children[index + 1 :]
        if parent.parent is None:
            break
        new = [_Element(parent.tag, parent.attrs, children=new)]
        rest = [_Element(parent.tag, parent.attrs, children=rest)]
        child = parent
    return new, rest


def _has_content(nodes: list[_Node]) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, _Text):
            if node.data.strip():
                return True
        elif node.tag == "img":
            return True
        else:
            stack.extend(node.children)
    return False


def _serialize(nodes: list[_Node]) -> str:
    written: list[str] = []
    stack: list[_Node | str] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            written.append(node)
        elif isinstance(node, _Text):
            written.append(escape(node.data, quote=False))
        else:
            attrs = "".join(
                f" {name}" if value is None else f' {name}="{escape(value)}"'
                for name, value in node.attrs
            )
            written.append(f"<{node.tag}{attrs}>")
            if node.tag not in VOID:
                stack.append(f"</{node.tag}>")
                stack.extend(reversed(node.children))
    return "".join(written)
