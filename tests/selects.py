"""The options of a <select> in rendered HTML, as a browser reads them (entities decoded)."""

from html.parser import HTMLParser

Option = tuple[str, str, bool]


class _Selects(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.selects: list[tuple[dict[str, str | None], list[list]]] = []
        self._option: list | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "select":
            self.selects.append((dict(attrs), []))
        elif tag == "option" and self.selects:
            attributes = dict(attrs)
            self._option = [attributes.get("value", ""), "", "selected" in attributes]
            self.selects[-1][1].append(self._option)

    def handle_data(self, data) -> None:
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag) -> None:
        if tag == "option":
            self._option = None


def selects(html: str) -> list[tuple[dict[str, str | None], list[Option]]]:
    """Every select of the HTML: its attributes and its (value, label, selected) options."""
    parser = _Selects()
    parser.feed(html)
    parser.close()
    return [
        (attrs, [(value, label.strip(), chosen) for value, label, chosen in options])
        for attrs, options in parser.selects
    ]


def select_options(html: str, **wanted: str) -> list[Option]:
    """The options of the first select whose attributes include `wanted` (name=..., id=...)."""
    for attrs, options in selects(html):
        if all(attrs.get(key) == value for key, value in wanted.items()):
            return options
    raise AssertionError(f"no select with {wanted} in the HTML")


def selected_values(options: list[Option]) -> list[str]:
    return [value for value, _, chosen in options if chosen]
