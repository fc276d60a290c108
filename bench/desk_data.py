"""The agent-desk benchmark's data: the 1,000,000-case data set, 50-message threads, targets.

Imported by bench_desk.py inside a process whose Django settings point at one data set.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from random import Random

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max, Min, Model
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.customers.models import Customer, Identity, Purchase
from loyaldesk.desk import services
from loyaldesk.desk.lifecycle import Status
from loyaldesk.desk.models import Case, Event, Message, MessageKind

END = "2026-11-01"
SEED = 7
MANIFEST = "demo-manifest.json"
THREAD_SUBJECT = "Benchmark thread: 50 messages"
THREAD_MESSAGES = 50
THREAD_SPACING = timedelta(hours=3)
WORD = re.compile(r"[^\W\d_]{6,}")
PHRASE = re.compile(r"\b([^\W\d_]{4,} [^\W\d_]{4,})\b")


class DataSetMissing(RuntimeError):
    """The database does not hold the data set the benchmark asks for."""


def manifest() -> dict | None:
    """The generator's manifest in the data directory, written last by a finished generation."""
    path = Path(settings.DATA_DIR, MANIFEST)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def case_count() -> int:
    """Cases in the database; 0 when it is not even migrated."""
    try:
        return Case.objects.count()
    except DatabaseError:
        return 0


def matching_data_set(customers: int) -> bool:
    """Whether the database holds a finished generation of this size (manifest and cases)."""
    made = manifest()
    if made is None or made["parameters"]["customers"] != customers:
        return False
    return case_count() >= made["counts"]["cases"]


def build_data_set(customers: int) -> dict[str, float]:
    """Generate the data set with `loyaldesk demo` in a child process; its wall time and memory."""
    connection.close()
    command = [sys.executable, "-m", "loyaldesk", "demo", "--no-serve", "--quiet",
               "--customers", str(customers), "--end", END, "--seed", str(SEED)]  # fmt: skip
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=sys.stderr)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_memory_mib": round(peak)}


def ensure_data_set(customers: int, build: bool) -> dict[str, float] | None:
    """Reuse the data set if it is there, else build it when allowed; the build's figures."""
    if matching_data_set(customers):
        return None
    found = case_count()
    where = settings.DATABASES["default"]["NAME"]
    if found:
        raise DataSetMissing(
            f"{where} holds {found:,} cases but no finished {customers:,}-customer generation; "
            "point the benchmark at an empty data directory or database"
        )
    if not build:
        raise DataSetMissing(
            f"no {customers:,}-customer data set in {where}; run again with --build "
            "(about 10 minutes per database on 2 cores)"
        )
    return build_data_set(customers)


def data_set_facts() -> dict[str, int]:
    """Row counts and database size as they are now."""
    counts = {
        "customers": Customer.objects.count(),
        "purchases": Purchase.objects.count(),
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "events": Event.objects.count(),
    }
    counts["database_bytes"] = database_bytes()
    return counts


def database_bytes() -> int:
    """The size of the database on disk (SQLite file and its WAL, or pg_database_size)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    name = Path(settings.DATABASES["default"]["NAME"])
    files = [name, name.with_name(name.name + "-wal")]
    return sum(path.stat().st_size for path in files if path.exists())


def sample_ids(model: type[Model], k: int, rng: Random, **conditions) -> list[int]:
    """Up to k random primary keys of existing rows, without scanning the table."""
    bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    span = range(bounds["low"], bounds["high"] + 1)
    candidates = rng.sample(span, min(len(span), k * 4))
    found = set(model.objects.filter(pk__in=candidates, **conditions).values_list("pk", flat=True))
    return [pk for pk in candidates if pk in found][:k]


def busiest_customers(k: int) -> list[int]:
    """The customers with the most cases."""
    rows = Case.objects.values("customer").annotate(n=Count("id")).order_by("-n", "customer")[:k]
    return [row["customer"] for row in rows]


def biggest_buyers(k: int) -> list[int]:
    """The customers with the most purchases."""
    rows = (
        Purchase.objects.values("customer").annotate(n=Count("id")).order_by("-n", "customer")[:k]
    )
    return [row["customer"] for row in rows]


@dataclass
class ThreadTexts:
    """Real generated texts to fill benchmark threads with, by who writes them."""

    inbound: list[str]
    outbound: list[str]

    @classmethod
    def sample(cls, rng: Random) -> ThreadTexts:
        ids = sample_ids(Message, 400, rng)
        rows = Message.objects.filter(pk__in=ids).values_list("kind", "text")
        inbound = [text for kind, text in rows if kind == MessageKind.INBOUND]
        outbound = [text for kind, text in rows if kind != MessageKind.INBOUND]
        return cls(inbound or ["Hello"], outbound or ["Thank you"])


def thread_numbers() -> list[int]:
    """Numbers of the benchmark's 50-message cases made so far."""
    return list(
        Case.objects.filter(subject=THREAD_SUBJECT)
        .annotate(n=Count("messages"))
        .filter(n=THREAD_MESSAGES)
        .order_by("number")
        .values_list("number", flat=True)
    )


@transaction.atomic
def make_thread(customer: Customer, agent: User, texts: ThreadTexts, index: int) -> int:
    """One case with exactly 50 messages written through the desk's services: the customer
    writes, the agent replies (queued in the outbox), every tenth step is an internal note."""
    start = timezone.now() - timedelta(days=30) + timedelta(hours=index)
    case = services.open_case(
        customer=customer, subject=THREAD_SUBJECT, text=texts.inbound[index % len(texts.inbound)],
        channel="email", at=start,
    )  # fmt: skip
    for step in range(1, THREAD_MESSAGES):
        at = start + step * THREAD_SPACING
        if step % 10 == 5:
            services.add_internal_note(case, agent=agent, text=texts.outbound[step - 1], at=at)
        elif step % 2:
            text = texts.outbound[(index + step) % len(texts.outbound)]
            services.reply_to_customer(
                case, agent=agent, text=text, then=Status.PENDING_CUSTOMER, at=at
            )
        else:
            text = texts.inbound[(index + step) % len(texts.inbound)]
            services.add_customer_message(case, text=text, channel="email", at=at)
    return case.number


def ensure_threads(count: int, agent: User, rng: Random) -> list[int]:
    """The numbers of `count` 50-message cases, made now for those missing (idempotent)."""
    numbers = thread_numbers()
    missing = count - len(numbers)
    if missing > 0:
        texts = ThreadTexts.sample(rng)
        for index, customer_id in enumerate(busiest_customers(missing), start=len(numbers)):
            make_thread(Customer.objects.get(pk=customer_id), agent, texts, index)
        numbers = thread_numbers()
    return numbers[:count]


def random_case_numbers(k: int, rng: Random) -> list[int]:
    """Numbers of k random cases."""
    ids = sample_ids(Case, k, rng)
    return list(Case.objects.filter(pk__in=ids).values_list("number", flat=True))


def _random_texts(k: int, rng: Random) -> list[str]:
    ids = sample_ids(Message, k, rng)
    return list(Message.objects.filter(pk__in=ids).values_list("text", flat=True))


def _pick(pattern: re.Pattern, texts: list[str], k: int, rng: Random) -> list[str]:
    found = []
    for text in texts:
        matches = pattern.findall(text)
        if matches:
            found.append(rng.choice(matches))
    return found[:k]


def search_terms(k: int, rng: Random) -> dict[str, list[str]]:
    """k search terms of each kind, drawn from the data."""
    customers = list(
        Case.objects.filter(pk__in=sample_ids(Case, k, rng)).values_list("customer_id", flat=True)
    )
    names = Customer.objects.filter(pk__in=customers).values_list("last_name", flat=True)
    emails = Identity.objects.filter(customer__in=customers, channel="email").values_list(
        "address", flat=True
    )
    texts = _random_texts(k * 3, rng)
    return {
        "case number": [str(number) for number in random_case_numbers(k, rng)],
        "last name": list(dict.fromkeys(names))[:k],
        "email address": list(dict.fromkeys(emails))[:k],
        "word from a message": _pick(WORD, texts, k, rng),
        "two-word phrase": _pick(PHRASE, texts, k, rng),
    }
