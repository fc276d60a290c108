"""Building a demo data set: the world, then customers' lives, then their cases, in one transaction.

Cases are numbered in the order they were opened, as a real desk numbers them, so every case is
simulated first (plans) and written afterwards in chronological order. Each case's messages and
events are the ones the desk's services would have recorded for the same steps.
"""

from __future__ import annotations

import json
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from random import Random

from django.db import connection, transaction
from tqdm import tqdm

from loyaldesk.core.services import reserve_numbers
from loyaldesk.customers.models import (
    Customer,
    Identity,
    Membership,
    Organisation,
    OwnedProduct,
    Purchase,
    PurchaseItem,
)
from loyaldesk.demo.case_history import CaseHistoryWriter
from loyaldesk.demo.catalogue import COUNTRY
from loyaldesk.demo.parameters import DAY, YEAR, GeneratorParameters
from loyaldesk.demo.people import ascii_slug, email_address, name_pools, phone_number
from loyaldesk.demo.repairs import write_demo_repairs
from loyaldesk.demo.service_levels import (
    give_key_account_an_expectation,
    install_demo_policies,
    measure_demo_cases,
)
from loyaldesk.demo.simulation import CasePlan, CustomerLife, Simulation
from loyaldesk.demo.stamps import day, stamp
from loyaldesk.demo.survey_history import SurveyHistoryWriter, install_surveys
from loyaldesk.demo.texts import TextComposer
from loyaldesk.demo.world import build_world, serial_number
from loyaldesk.demo.writer import (
    WRITE_ORDER,
    BackgroundWriter,
    InvitationAgent,
    check_columns,
    defer_fulltext,
    drop_secondary_indexes,
    foreign_keys_added_after_load,
    is_fresh_sqlite_load,
    load_journal,
    next_ids,
    reset_sequences,
)
from loyaldesk.desk.models import Case, Event, Message
from loyaldesk.desk.services import CASE_SEQUENCE
from loyaldesk.surveys import tallies
from loyaldesk.surveys.models import Answer, Invitation, RecoveryTask
from loyaldesk.surveys.service_received import fill_bands

CHUNK = 5_000
SQLITE_CACHE_KIB = 512 * 1024
CUSTOMER_TABLES = (
    Organisation, Customer, Membership, Identity, Purchase, PurchaseItem, OwnedProduct,
)  # fmt: skip
CASE_TABLES = (Case, Message, Event)
SURVEY_TABLES = (Invitation, InvitationAgent, Answer, RecoveryTask)


class Rows:
    """Rows waiting to be written, per model, in COLUMNS order."""

    def __init__(self, writer: BackgroundWriter) -> None:
        self.writer = writer
        self.tables: dict[type, list[tuple]] = {model: [] for model in WRITE_ORDER}
        self.written: Counter[type] = Counter()

    def add(self, model: type, row: tuple) -> None:
        self.tables[model].append(row)

    def flush(self) -> None:
        """Hand the waiting rows to the writer and start a new batch."""
        batch = {model: rows for model, rows in self.tables.items() if rows}
        self.written.update({model: len(rows) for model, rows in batch.items()})
        self.writer.submit(batch)
        self.tables = {model: [] for model in WRITE_ORDER}


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
        first_ids = next_ids()
        self.customer_base = first_ids[Customer]
        self.next_id = {model: count(first).__next__ for model, first in first_ids.items()}
        self.names: list[tuple[str, str, str, str]] = []
        self.organisations: dict[str, list[int]] = {}
        self.cases = CaseHistoryWriter(
            self.world, self.texts, self.names, self.customer_base, self.next_id, end
        )
        self.surveys = SurveyHistoryWriter(
            parameters,
            self.world,
            install_surveys(parameters, start, end),
            self.names,
            self.customer_base,
            self.next_id,
            start=start,
            end=end,
        )

    def _next(self, model: type) -> int:
        return self.next_id[model]()

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
        city = rng.choice(pool.cities)
        consents = rng.random() < 0.97, rng.random() < 0.85, rng.random() < 0.35
        rows.add(
            Customer,
            (
                customer_id, first, last, life.language, life.segment, city,
                COUNTRY[life.language], *consents, since, since, None,
            ),
        )  # fmt: skip
        self.surveys.note_customer(life, consent=consents[1])
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


def generate(
    parameters: GeneratorParameters, *, start: float, end: float, progress: bool = False
) -> GenerationReport:
    """Generate a whole data set into the default database, atomically."""
    check_columns()
    fresh = is_fresh_sqlite_load()
    with load_journal() if fresh else nullcontext():
        generator, rows, truth = _load(parameters, start, end, progress, fresh)
    counts = {
        "customers": parameters.customers,
        "purchases": rows.written[Purchase],
        "cases": rows.written[Case],
        "messages": rows.written[Message] + generator.cases.counts["repair_messages"],
        "events": rows.written[Event]
        + generator.cases.counts["sla_events"]
        + generator.cases.counts["repair_events"],
        "invitations": rows.written[Invitation],
        "answers": rows.written[Answer],
        "recovery_tasks": rows.written[RecoveryTask],
        "agents": sum(len(agents) for agents in generator.world.agents_by_queue.values()),
        **dict(sorted(generator.cases.counts.items())),
    }
    realised = _realised(truth, parameters)
    realised["surveys"] = generator.surveys.stats.realised()
    return GenerationReport(parameters, start, end, counts, truth, realised)


def _load(parameters, start: float, end: float, progress: bool, fresh: bool):
    # Foreign keys are checked once for the whole load rather than row by row, as loaddata does.
    with connection.constraint_checks_disabled(), transaction.atomic():
        _widen_cache()
        generator = Generator(parameters, start=start, end=end)
        customer_indexes, case_indexes, survey_indexes = [], [], []
        if fresh:
            customer_indexes = drop_secondary_indexes(CUSTOMER_TABLES)
            customer_indexes += defer_fulltext(["customers_customer"])
            case_indexes = drop_secondary_indexes(CASE_TABLES)
            case_indexes += defer_fulltext(["desk_case", "desk_message"])
            survey_indexes = drop_secondary_indexes(SURVEY_TABLES)
        with foreign_keys_added_after_load(WRITE_ORDER), BackgroundWriter() as writer:
            rows = Rows(writer)
            generator.make_organisations(rows)
            truth, plans = _write_customers(generator, rows, progress)
            writer.drain()
            plans.sort(key=lambda plan: plan.opened)
            numbers = reserve_numbers(CASE_SEQUENCE, len(plans)) if plans else range(0)
            # The customer tables are complete: index them while the cases are being made.
            writer.execute(customer_indexes)
            _write_cases(generator, plans, numbers, rows, progress)
            if case_indexes:
                # Making the surveys while SQLite writes the case rows slows both down (they
                # need Python's lock), but SQLite builds indexes without it: the surveys are
                # made meanwhile, their events few enough to go into the indexed events table.
                writer.drain()
                writer.execute(case_indexes)
            _write_surveys(generator, plans, rows, progress)
            writer.execute(survey_indexes)
            writer.drain()
        connection.check_constraints(table_names=[model._meta.db_table for model in WRITE_ORDER])
        reset_sequences()
        install_demo_policies()
        give_key_account_an_expectation()
        repairs = write_demo_repairs(parameters, generator.world, generator.names, plans, end)
        generator.cases.counts.update(repairs.counts)
        generator.cases.counts.update(measure_demo_cases(datetime.fromtimestamp(end, UTC)))
        repairs.update_cases()
        fill_bands()
        tallies.rebuild()
    return generator, rows, truth


def _write_customers(generator: Generator, rows: Rows, progress: bool):
    """Live every customer's life; write customers and purchases, return truth rows and plans."""
    simulation, customers = generator.simulation, generator.p.customers
    plans: list[CasePlan] = []
    truth = []
    bar = tqdm(range(customers), desc="customers", unit=" customers", disable=not progress,
               mininterval=0.5)  # fmt: skip
    for index in bar:
        life = simulation.new_customer(index)
        plans.extend(simulation.live(life))
        generator.add_customer(life, rows)
        truth.append(_truth_row(generator.customer_base + index, life))
        if index % CHUNK == CHUNK - 1:
            rows.flush()
    rows.flush()
    return truth, plans


def _write_cases(generator: Generator, plans: list[CasePlan], numbers, rows: Rows, progress: bool):
    """Write the cases in the order they were opened, numbered as the desk numbers them."""
    bar = tqdm(total=len(plans), desc="cases", unit=" cases", disable=not progress, mininterval=0.5)
    history, next_case = generator.cases, generator.next_id[Case]
    history.use_batch(rows.tables[Event], rows.tables[Message], rows.tables[Case])
    for position, (plan, number) in enumerate(zip(plans, numbers, strict=True)):
        history.write(plan, next_case(), number)
        if position % CHUNK == CHUNK - 1:
            rows.flush()
            history.use_batch(rows.tables[Event], rows.tables[Message], rows.tables[Case])
            bar.update(CHUNK)
    rows.flush()
    bar.update(len(plans) % CHUNK)
    bar.close()


def _write_surveys(generator: Generator, plans: list[CasePlan], rows: Rows, progress: bool):
    """Write the surveys' invitations, answers and recovery tasks, in the order they were made."""
    surveys = generator.surveys
    bar = tqdm(desc="surveys", unit=" invitations", disable=not progress, mininterval=0.5)
    surveys.use_batch(rows.tables)
    for position, _ in enumerate(surveys.write(plans)):
        if position % CHUNK == CHUNK - 1:
            rows.flush()
            surveys.use_batch(rows.tables)
            bar.update(CHUNK)
    rows.flush()
    bar.close()


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
