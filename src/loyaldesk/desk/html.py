"""Sanitising message HTML before it is stored or shown (no Django import)."""

from __future__ import annotations

import nh3

from loyaldesk.channels.html_quoting import MARK_CLASSES, QUOTE_VALUES

ALLOWED_TAGS = frozenset(
    {"a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li",
     "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
     "tr", "u", "ul", "img"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Remote images would let a sender track who opened the case; only inline cid: images stay.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid"})


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith("cid:"):
        return None
    if attribute == "class":
        # Only a mail client's mark is kept, and no empty class="" where there was none.
        kept = [name for name in value.split() if name in MARK_CLASSES.get(element, ())]
        return " ".join(dict.fromkeys(kept)) or None
    return value


def sanitize_html(html: str) -> str:
    """HTML safe to render inside a page: no scripts, styles, handlers or remote images; of
    classes and ids, only the fixed marks mail clients put on the quoted history."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_filter_attribute,
        # Mail clients' marks on the quoted history and the signature, so the page can fold them:
        # only these fixed class names and attribute values, nothing else an email says.
        allowed_classes={tag: set(names) for tag, names in MARK_CLASSES.items()},
        tag_attribute_values={
            tag: {name: set(values) for name, values in attributes.items()}
            for tag, attributes in QUOTE_VALUES.items()
        },
        link_rel="noopener noreferrer nofollow",
    )
