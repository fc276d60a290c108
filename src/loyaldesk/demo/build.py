"""Building a demo data set: the world, then customers' lives, then their cases, in one transaction.

Cases are numbered in the order they were opened, as a real desk numbers them, so every case is
simulated first (plans) and written afterwards in chronological order. Each case's messages and
events are the ones the desk's services would have recorded for the same steps.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from random import Random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from tqdm import tqdm

from loyaldesk.accounts.models import Team, User
from loyaldesk.accounts.roles import Role
from loyaldesk.core.services import reserve_numbers
from loyaldesk.customers.models import (
    Customer,
    Identity,
    Membership,
    Organisation,
    OwnedProduct,
    Product,
    Purchase,
    PurchaseItem,
)
from loyaldesk.demo.catalogue import COMPANY, COUNTRY, QUEUES, DemoProduct, products
from loyaldesk.demo.formatting import long_date, money
from loyaldesk.demo.parameters import DAY, YEAR, GeneratorParameters
from loyaldesk.demo.people import NamePool, ascii_slug, email_address, name_pools, phone_number
from loyaldesk.demo.simulation import CasePlan, CustomerLife, Simulation, Step
from loyaldesk.demo.stamps import day, stamp
from loyaldesk.demo.texts import TextComposer
from loyaldesk.demo.writer import WRITE_ORDER, check_columns, next_ids, reset_sequences, write_rows
from loyaldesk.desk.lifecycle import Status, check_transition, is_reopen
from loyaldesk.desk.models import Case, Event, Message, Queue
from loyaldesk.desk.services import CASE_SEQUENCE

CHUNK = 5_000
SQLITE_CACHE_KIB = 512 * 1024
# The demo's team lead and agent logins are real members of the General team, with cases.
DEMO_USERNAMES = {("general", 0): "lead", ("general", 1): "agent"}
QUEUE_STAFF_SHARE = {"general": 0.25, "orders": 0.3, "repairs": 0.3, "billing": 0.15}
CUSTOMERS_PER_AGENT = 120
MIN_AGENTS, MAX_AGENTS = 8, 300
OUTBOUND = frozenset({Step.ASK, Step.ANSWER, Step.ANSWER_AND_RESOLVE})
INBOUND_LATER = frozenset({Step.CHASER, Step.CUSTOMER_REPLY, Step.THANKS, Step.REOPEN})


@dataclass
class World:
    """The fixed part of the demo company: products, queues, teams and agents."""

    products: tuple[DemoProduct, ...]
    product_ids: list[int]
    queue_ids: dict[str, int]
    agents_by_queue: dict[str, list[int]]
    agent_first_names: dict[int, str]
    leads: dict[str, int]


@dataclass
class Rows:
    """Rows waiting to be written, per model, in COLUMNS order."""

    tables: dict[type, list[tuple]] = field(default_factory=dict)

    def add(self, model: type, row: tuple) -> None:
        self.tables.setdefault(model, []).append(row)

    def flush(self) -> int:
        written = 0
        for model in WRITE_ORDER:
            rows = self.tables.pop(model, [])
            write_rows(model, rows)
            written += len(rows)
        return written


@dataclass
class GenerationReport:
    """What a generation produced, and the planted truth to check analytics against."""

    parameters: GeneratorParameters
    start: float
    end: float
    counts: dict[str, int]
    truth: list[tuple]
    realised: dict[str, object]

    def manifest(self) -> dict:
        return {
            "parameters": self.parameters.as_dict(),
            "history": {"start": stamp(self.start), "end": stamp(self.end)},
            "counts": self.counts,
            "realised": self.realised,
            "truth_columns": list(TRUTH_COLUMNS),
        }


TRUTH_COLUMNS = (
    "customer_id",
    "segment",
    "churned_at",
    "final_churn_per_year",
    "final_purchases_per_year",
    "case_outcomes",
)


def build_world(parameters: GeneratorParameters, pools: dict[str, NamePool]) -> World:
    """Create products, queues, one team per queue and enough agents for the customer base."""
    rng = Random(parameters.seed + 3)
    catalogue = products()
    product_ids = []
    for item in catalogue:
        product, _ = Product.objects.get_or_create(
            sku=item.sku,
            defaults={
                "name": item.name,
                "category": item.kind.key,
                "warranty_months": item.kind.warranty_months,
                "list_price": f"{item.price:.2f}",
            },
        )
        product_ids.append(product.pk)
    total_agents = min(max(parameters.customers // CUSTOMERS_PER_AGENT, MIN_AGENTS), MAX_AGENTS)
    agent_group = Group.objects.get(name=Role.AGENT.value)
    lead_group = Group.objects.get(name=Role.TEAM_LEAD.value)
    unusable = make_password(None)
    world = World(catalogue, product_ids, {}, {}, {}, {})
    for key, (name, description) in QUEUES.items():
        team, _ = Team.objects.get_or_create(name=f"{name} team")
        queue, _ = Queue.objects.get_or_create(
            slug=key,
            defaults={
                "name": name,
                "description": description,
                "team": team,
                "is_default": key == "general",
            },
        )
        world.queue_ids[key] = queue.pk
        staff = []
        for number in range(max(2, round(total_agents * QUEUE_STAFF_SHARE[key]))):
            language = rng.choice(("fr", "it", "en"))
            pool = pools[language]
            first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
            username = DEMO_USERNAMES.get((key, number), f"{key}.{ascii_slug(first)}{number}")
            staff.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@{ascii_slug(COMPANY)}.example",
                    preferred_language=language,
                    password=unusable,
                )
            )
        staff = User.objects.bulk_create(staff)
        lead, agents = staff[0], staff[1:]
        agent_group.user_set.add(*agents)
        lead_group.user_set.add(lead)
        team.lead = lead
        team.save(update_fields=["lead"])
        team.members.add(*staff)
        world.leads[key] = lead.pk
        world.agents_by_queue[key] = [agent.pk for agent in agents]
        world.agent_first_names.update({user.pk: user.first_name for user in staff})
    return world


def serial_number(product: DemoProduct, moment: float, position: int) -> str:
    return f"{product.sku.replace('-', '')}{int(moment) % 100_000_000:08d}{position}"


class Generator:
    """Turns simulated lives into rows; keeps the id counters and the customers' contact data."""

    def __init__(self, parameters: GeneratorParameters, *, start: float, end: float) -> None:
        self.p = parameters
        self.start, self.end = start, end
        self.pools = name_pools(parameters.seed)
        self.world = build_world(parameters, self.pools)
        self.simulation = Simulation(
            parameters,
            start=start,
            end=end,
            products=self.world.products,
            agents_by_queue=self.world.agents_by_queue,
        )
        self.rng = Random(parameters.seed + 2)
        self.texts = TextComposer(Random(parameters.seed + 4))
        self.ids = next_ids()
        self.customer_base = self.ids[Customer]
        self.names: list[tuple[str, str, str, str]] = []
        self.organisations: dict[str, list[int]] = {}
        self.counts: Counter[str] = Counter()

    def _next(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # -- customers -----------------------------------------------------------------------

    def make_organisations(self, rows: Rows) -> None:
        expected = self.p.customers * self.p.population.segment_shares.get("business", 0)
        per_language = max(1, int(expected / 3 / 3))
        for language, pool in sorted(self.pools.items()):
            ids = []
            for index in range(min(per_language, len(pool.companies))):
                name = pool.companies[index]
                organisation_id = self._next(Organisation)
                domain = f"{ascii_slug(name)[:30] or 'company'}{organisation_id}.example"
                rows.add(
                    Organisation, (organisation_id, name, domain, "business", stamp(self.start))
                )
                ids.append(organisation_id)
            self.organisations[language] = ids

    def add_customer(self, life: CustomerLife, rows: Rows) -> None:
        rng, pool = self.rng, self.pools[life.language]
        customer_id = self.customer_base + life.index
        first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
        email = email_address(first, last, life.language, life.index, rng)
        since = stamp(life.since)
        self.names.append((first, last, email, life.language))
        rows.add(
            Customer,
            (
                customer_id, first, last, life.language, life.segment, rng.choice(pool.cities),
                COUNTRY[life.language], rng.random() < 0.97, rng.random() < 0.85,
                rng.random() < 0.35, since, since,
            ),
        )  # fmt: skip
        created = json.dumps({"name": f"{first} {last}", "language": life.language})
        rows.add(Event, (self._next(Event), None, customer_id, None, "system",
                         "customer.created", since, "{}", created))  # fmt: skip
        identities = [("email", email)]
        if rng.random() < 0.7:
            identities.append(("phone", phone_number(life.language, life.index)))
        for channel, address in identities:
            rows.add(Identity, (self._next(Identity), customer_id, channel, address,
                                channel == "email", since))  # fmt: skip
            added = json.dumps({"channel": channel, "address": address})
            rows.add(Event, (self._next(Event), None, customer_id, None, "system",
                             "customer.identity_added", since, "{}", added))  # fmt: skip
        if life.segment == "business" and self.organisations.get(life.language):
            organisation = rng.choice(self.organisations[life.language])
            rows.add(Membership, (self._next(Membership), customer_id, organisation, True))
        for moment, basket, order in life.purchases:
            self._add_purchase(customer_id, moment, basket, order, rows)

    def _add_purchase(self, customer_id, moment, basket, order, rows: Rows) -> None:
        purchase_id = self._next(Purchase)
        catalogue, product_ids = self.world.products, self.world.product_ids
        total = sum(catalogue[index].price for index in basket)
        rows.add(Purchase, (purchase_id, customer_id, order, stamp(moment), f"{total:.2f}", "EUR"))
        bought_on = day(moment)
        for position, index in enumerate(basket):
            product = catalogue[index]
            rows.add(PurchaseItem, (self._next(PurchaseItem), purchase_id, product_ids[index], 1,
                                    f"{product.price:.2f}"))  # fmt: skip
            warranty_end = day(moment + product.kind.warranty_months * 30.44 * DAY)
            rows.add(OwnedProduct, (self._next(OwnedProduct), customer_id, product_ids[index],
                                    purchase_id, serial_number(product, moment, position),
                                    bought_on, warranty_end))  # fmt: skip

    # -- cases ---------------------------------------------------------------------------

    def add_case(self, plan: CasePlan, case_id: int, number: int, rows: Rows) -> None:
        """Write one case as the desk's services would have recorded its steps up to the end."""
        first, last, email, language = self.names[plan.customer]
        customer_id = self.customer_base + plan.customer
        product = self.world.products[plan.product]
        agent = plan.agent
        reference = f"#{number}"
        values = {
            "customer_name": f"{first} {last}",
            "first_name": first,
            "agent_name": self.world.agent_first_names[agent],
            "product": product.noun(language),
            "order": plan.order,
            "serial": serial_number(product, plan.purchased, 0),
            "days": max(1, int((plan.opened - plan.purchased) / DAY)),
            "date": long_date(plan.purchased, language),
            "amount": money(product.price, language),
            "case_ref": reference,
            "company": COMPANY,
        }
        texts = self.texts
        subject = texts.subject(language, plan.topic, values)[:255]
        queue_id = self.world.queue_ids[plan.queue]
        status = Status.NEW
        first_response = resolved = closed = None
        reopen_count = 0
        updated = plan.opened
        sent_first = False
        event_id = self._next
        address = email if plan.channel != "phone" else phone_number(language, plan.customer)

        def message(kind, channel, text, moment, author_user=None, by_customer=False, ext=""):
            message_id = self._next(Message)
            rows.add(Message, (message_id, case_id, kind, channel, author_user,
                               customer_id if by_customer else None,
                               address if by_customer else "", text, "", language, ext, "",
                               stamp(moment)))  # fmt: skip
            after = f'{{"message": {message_id}, "kind": "{kind}", "channel": "{channel}"}}'
            actor_kind = "staff" if author_user else "customer" if by_customer else "system"
            rows.add(Event, (event_id(Event), case_id, customer_id, author_user, actor_kind,
                             "message.added", stamp(moment), "{}", after))  # fmt: skip

        def move(target, moment, actor=None, by_customer=False):
            nonlocal status, resolved, closed, reopen_count
            check_transition(status, target)
            reopened = is_reopen(status, target)
            if target is Status.RESOLVED:
                resolved = moment
            elif target is Status.CLOSED:
                closed = moment
            elif reopened:
                reopen_count += 1
                resolved = None
            actor_kind = "staff" if actor else "customer" if by_customer else "system"
            kind = "case.reopened" if reopened else "case.status_changed"
            rows.add(Event, (event_id(Event), case_id, customer_id, actor, actor_kind, kind,
                             stamp(moment), f'{{"status": "{status}"}}',
                             f'{{"status": "{target}"}}'))  # fmt: skip
            status = target

        for moment, code in plan.steps:
            if moment > self.end:
                break
            updated = moment
            if code == Step.OPEN:
                logged_by = agent if plan.channel == "phone" else None
                opened = json.dumps({
                    "number": number, "subject": subject, "status": "new",
                    "priority": plan.priority, "category": plan.topic, "queue": queue_id,
                    "channel": plan.channel,
                })  # fmt: skip
                rows.add(Event, (event_id(Event), case_id, customer_id, logged_by,
                                 "staff" if logged_by else "customer", "case.opened",
                                 stamp(moment), "{}", opened))  # fmt: skip
                if plan.channel == "phone":
                    text = texts.call_summary(language, plan.topic, values)
                elif plan.channel == "chat":
                    text = texts.chat_message(language, plan.topic, values)
                else:
                    text = texts.first_message(
                        language, plan.topic, plan.mood, values, repeat=plan.repeat_of is not None
                    )
                external = (
                    f"<{number}.{case_id}@{email.split('@')[1]}>" if plan.channel == "email" else ""
                )
                message("inbound", plan.channel, text, moment, by_customer=True, ext=external)
                self.counts["messages.inbound"] += 1
            elif code == Step.ASSIGN:
                if status is Status.NEW:
                    move(Status.OPEN, moment, actor=agent)
                rows.add(Event, (event_id(Event), case_id, customer_id, agent, "staff",
                                 "case.assigned", stamp(moment), '{"assignee": null}',
                                 f'{{"assignee": {agent}}}'))  # fmt: skip
            elif code in OUTBOUND:
                text = texts.agent_reply(
                    language, plan.topic, plan.mood, values,
                    asks=code == Step.ASK, first=not sent_first,
                )  # fmt: skip
                channel = "email" if plan.channel in ("fax", "portal", "web_form") else plan.channel
                message("outbound", channel, text, moment, author_user=agent)
                if first_response is None:
                    first_response = moment
                sent_first = True
                target = (
                    Status.RESOLVED if code == Step.ANSWER_AND_RESOLVE else Status.PENDING_CUSTOMER
                )
                if status is not target:
                    move(target, moment, actor=agent)
            elif code in INBOUND_LATER:
                if code == Step.CHASER:
                    values["days"] = max(2, math.ceil((moment - plan.opened) / DAY))
                    text = texts.chaser(language, plan.mood, values)
                elif code == Step.THANKS:
                    text = texts.thanks(language, plan.mood, values)
                elif code == Step.REOPEN:
                    text = texts.still_broken(language, values)
                else:
                    text = texts.customer_detail(language, plan.topic, values)
                channel = "email" if plan.channel in ("phone", "fax") else plan.channel
                message("inbound", channel, text, moment, by_customer=True)
                if status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
                    move(Status.OPEN, moment, by_customer=True)
            elif code == Step.NOTE:
                message("note", "api", texts.internal_note(language, plan.topic, values), moment,
                        author_user=agent)  # fmt: skip
            elif code == Step.RESOLVE:
                move(Status.RESOLVED, moment, actor=agent)
            elif code == Step.CLOSE:
                move(Status.CLOSED, moment)
        rows.add(Case, (
            case_id, number, subject, status, plan.priority, plan.topic, plan.channel, language,
            customer_id, queue_id, agent if status is not Status.NEW else None,
            getattr(plan.repeat_of, "case_id", None), stamp(plan.opened),
            stamp(first_response) if first_response else None,
            stamp(resolved) if resolved else None, stamp(closed) if closed else None,
            stamp(updated), reopen_count,
        ))  # fmt: skip
        plan.case_id = case_id
        self.counts[f"cases.{status}"] += 1


def generate(
    parameters: GeneratorParameters, *, start: float, end: float, progress: bool = False
) -> GenerationReport:
    """Generate a whole data set into the default database, atomically."""
    check_columns()
    # Foreign keys are checked once for the whole load rather than row by row, as loaddata does.
    with connection.constraint_checks_disabled(), transaction.atomic():
        _widen_cache()
        generator = Generator(parameters, start=start, end=end)
        simulation = generator.simulation
        rows = Rows()
        generator.make_organisations(rows)
        plans: list[CasePlan] = []
        truth = []
        customers = tqdm(
            range(parameters.customers), desc="customers", unit=" customers",
            disable=not progress, mininterval=0.5,
        )  # fmt: skip
        for index in customers:
            life = simulation.new_customer(index)
            plans.extend(simulation.live(life))
            generator.add_customer(life, rows)
            truth.append(_truth_row(generator.customer_base + index, life))
            if index % CHUNK == CHUNK - 1:
                rows.flush()
        rows.flush()
        plans.sort(key=lambda plan: plan.opened)
        numbers = reserve_numbers(CASE_SEQUENCE, len(plans)) if plans else range(0)
        bar = tqdm(
            total=len(plans), desc="cases", unit=" cases", disable=not progress, mininterval=0.5
        )
        for position, (plan, number) in enumerate(zip(plans, numbers, strict=True)):
            generator.add_case(plan, generator._next(Case), number, rows)
            if position % CHUNK == CHUNK - 1:
                rows.flush()
                bar.update(CHUNK)
        rows.flush()
        bar.update(len(plans) % CHUNK)
        bar.close()
        connection.check_constraints(table_names=[model._meta.db_table for model in WRITE_ORDER])
        reset_sequences()
    counts = {
        "customers": parameters.customers,
        "purchases": Purchase.objects.count(),
        "cases": len(plans),
        "messages": Message.objects.count(),
        "events": Event.objects.count(),
        "agents": sum(len(agents) for agents in generator.world.agents_by_queue.values()),
        **dict(sorted(generator.counts.items())),
    }
    return GenerationReport(parameters, start, end, counts, truth, _realised(truth, parameters))


def _widen_cache() -> None:
    """Give SQLite a page cache big enough to keep the growing indexes in memory."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


def _truth_row(customer_id: int, life: CustomerLife) -> tuple:
    return (
        customer_id,
        life.segment,
        stamp(life.churned_at) if life.churned_at else "",
        round(life.churn_hazard * YEAR, 4),
        round(life.purchase_rate * YEAR, 4),
        "|".join(life.case_outcomes),
    )


def _realised(truth: list[tuple], parameters: GeneratorParameters) -> dict[str, object]:
    """Churn shares by service experience, as simulated: the signal analytics should find."""
    groups: dict[str, list[bool]] = {"no_case": [], "any_unresolved": [], "any_slow": [],
                                     "only_recovered": []}  # fmt: skip
    for _, _, churned_at, _, _, outcomes in truth:
        churned = bool(churned_at)
        kinds = set(outcomes.split("|")) if outcomes else set()
        if not kinds:
            groups["no_case"].append(churned)
        if "unresolved" in kinds:
            groups["any_unresolved"].append(churned)
        if "slow" in kinds:
            groups["any_slow"].append(churned)
        if kinds == {"recovered"}:
            groups["only_recovered"].append(churned)
    return {
        f"churned_share.{name}": {
            "customers": len(values),
            "share": round(sum(values) / len(values), 4) if values else None,
        }
        for name, values in groups.items()
    }
