"""Case categories: free text, with labels in the desk's languages for the standard ones."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STANDARD_CATEGORIES = {
    "account": _("Account"),
    "billing": _("Billing"),
    "data_loss": _("Data loss"),
    "defect": _("Defect"),
    "delivery": _("Delivery"),
    "how_to": _("How-to question"),
    "praise": _("Praise"),
    "repair": _("Repair"),
    "return_refund": _("Return or refund"),
    "warranty": _("Warranty"),
}


def category_label(category: str) -> str:
    """What to show for a category: its label when it is a standard one, else the text itself."""
    label = STANDARD_CATEGORIES.get(category)
    return str(label) if label is not None else category


def category_choices(current: str = "") -> list[tuple[str, str]]:
    """The standard categories by label, and `current` when it is not among them."""
    labelled = [(slug, str(label)) for slug, label in STANDARD_CATEGORIES.items()]
    if current and current not in STANDARD_CATEGORIES:
        labelled.append((current, current))
    return sorted(labelled, key=lambda choice: choice[1].casefold())
