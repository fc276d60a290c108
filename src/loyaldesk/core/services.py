"""Operations on shared building blocks."""

from django.db import transaction
from django.db.models import F

from loyaldesk.core.models import Sequence


@transaction.atomic
def reserve_numbers(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive values of a sequence; safe under concurrent writers."""
    if count < 1:
        raise ValueError("count must be at least 1")
    Sequence.objects.get_or_create(name=name)
    # The UPDATE takes the row lock first, so concurrent callers queue instead of colliding.
    Sequence.objects.filter(name=name).update(value=F("value") + count)
    last = Sequence.objects.get(name=name).value
    return range(last - count + 1, last + 1)
