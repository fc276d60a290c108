"""The demo's present: fresh cases from existing customers, written since the desk last opened.

The history ends as a desk of that size really is at any moment, with a dozen open cases,
most of them someone else's. A visitor signing in as the demo agent should find work
waiting: a few cases of their own, more unassigned in their team's queue, and the others'
queues full enough to look like a working day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from django.db import transaction

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import OwnedProduct
from loyaldesk.demo.catalogue import COMPANY, TOPIC_QUEUE, products
from loyaldesk.demo.formatting import long_date, money
from loyaldesk.demo.texts import TextComposer
from loyaldesk.desk.models import Case, Queue
from loyaldesk.desk.services import assign_case, open_case

# Topics of the demo agent's team (the General queue) come first: the agent's own cases, then
# the unassigned ones in their queue; the rest go to every queue.
AGENT_CASES = 4
TEAM_UNASSIGNED = 6
OTHER_QUEUES = 14
TEAM_TOPICS = ("how_to", "account")
OTHER_TOPICS = ("delivery", "defect", "warranty", "return_refund", "billing", "repair")
MOODS = ("friendly", "hesitant", "insistent", "angry")
SINCE_HOURS = 14
CANDIDATE_OWNERS = 2000


@transaction.atomic
def fill_inbox(seed: int, now: datetime) -> int:
    """Open the demo's fresh cases, give the agent theirs; how many were opened."""
    rng = Random(seed + 17)
    owners = list(
        OwnedProduct.objects.select_related("customer", "product", "purchase")
        .filter(customer__merged_into__isnull=True, purchase__isnull=False)
        .order_by("-pk")[:CANDIDATE_OWNERS]
    )
    wanted = AGENT_CASES + TEAM_UNASSIGNED + OTHER_QUEUES
    if not owners:
        return 0
    units = rng.sample(owners, min(wanted, len(owners)))
    agent = User.objects.get(username="agent")
    lead = User.objects.get(username="lead")
    queues = {queue.slug: queue for queue in Queue.objects.all()}
    writer = _CaseWriter(rng, agent.first_name, now)
    for position, unit in enumerate(units):
        in_team = position < AGENT_CASES + TEAM_UNASSIGNED
        topic = rng.choice(TEAM_TOPICS if in_team else OTHER_TOPICS)
        case, opened = writer.open(unit, topic, queues[TOPIC_QUEUE[topic]])
        if position < AGENT_CASES:
            assign_case(case, agent, actor=lead, at=opened + timedelta(minutes=rng.uniform(2, 30)))
    return len(units)


class _CaseWriter:
    """Writes one customer's first email about a product they own, in their language."""

    def __init__(self, rng: Random, agent_name: str, now: datetime) -> None:
        self.rng, self.agent_name, self.now = rng, agent_name, now
        self.texts = TextComposer(rng)
        self.catalogue = {product.sku: product for product in products()}

    def open(self, unit: OwnedProduct, topic: str, queue: Queue) -> tuple[Case, datetime]:
        """The case, and when it came in (within the last hours)."""
        customer = unit.customer
        language = customer.preferred_language
        product = self.catalogue.get(unit.product.sku)
        bought = unit.purchase.purchased_at
        values = {
            "customer_name": f"{customer.first_name} {customer.last_name}".strip(),
            "first_name": customer.first_name,
            "agent_name": self.agent_name,
            "product": product.noun(language) if product else unit.product.name,
            "order": unit.purchase.order_number,
            "serial": unit.serial_number,
            "days": max(1, (self.now - bought).days),
            "date": long_date(bought.timestamp(), language),
            "amount": money(float(unit.purchase.amount), language),
            "case_ref": "",
            "company": COMPANY,
        }
        subject = self.texts.subject(language, topic, values)[:255]
        values["subject"] = subject
        text = self.texts.first_message(language, topic, self.rng.choice(MOODS), values)
        opened = self.now - timedelta(hours=self.rng.uniform(0.1, SINCE_HOURS))
        case = open_case(
            customer=customer, subject=subject, text=text, channel="email", queue=queue, at=opened
        )
        return case, opened
