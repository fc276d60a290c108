"""Sanitising message HTML before it is stored or shown (no Django import)."""

from __future__ import annotations

import nh3

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


def _drop_remote_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith("cid:"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """HTML safe to render inside a page: no scripts, styles, handlers or remote images."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_drop_remote_images,
        link_rel="noopener noreferrer nofollow",
    )
