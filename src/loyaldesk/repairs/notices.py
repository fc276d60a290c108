"""What a repair tells the customer, written in the customer's language."""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from loyaldesk.desk.models import Case
from loyaldesk.repairs.models import RepairOrder
from loyaldesk.repairs.stages import Stage

EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def notice_language(case: Case) -> str:
    """The language a case is conducted in (it starts as the customer's preferred one), as
    replies and macros use it; the customer's preferred language if the case has none."""
    return case.language or case.customer.preferred_language


def _render(template: str, repair: RepairOrder, **context: object) -> str:
    case = repair.case
    with translation.override(notice_language(case)):
        text = render_to_string(
            template,
            {
                "customer": case.customer,
                "product": repair.owned_product.product.name,
                "reference": repair.reference,
                "company": settings.COMPANY_NAME,
                **context,
            },
        )
    return EXTRA_BLANK_LINES.sub("\n\n", text).strip()


def stage_notice(repair: RepairOrder, stage: Stage, *, warn_data_loss: bool = False) -> str:
    """The message telling the customer their repair entered `stage`, with the data-loss
    warning when asked."""
    return _render(
        "repairs/notices/stage.txt",
        repair,
        stage=stage.value,
        repeat=repair.repeat_of_id is not None,
        warn_data_loss=warn_data_loss,
    )


def data_loss_notice(repair: RepairOrder) -> str:
    """The message warning the customer that the repair may erase their data."""
    return _render("repairs/notices/data_loss.txt", repair)


def estimate_notice(repair: RepairOrder) -> str:
    """The message asking the customer to accept the repair's estimate."""
    return _render(
        "repairs/notices/estimate.txt",
        repair,
        in_warranty=repair.in_warranty,
        amount=repair.estimate_amount,
        currency=repair.estimate_currency,
    )
