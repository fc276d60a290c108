"""What SLA tracking adds to each change of a case: time and queries, with and without policies.

Run: .venv/bin/python bench/bench_sla_overhead.py [--cases 300]
     (DATABASE_URL=postgres://... to run it on PostgreSQL; SQLite in a temporary directory
     otherwise)

Each case goes through the desk's services as an agent works it: opened from an email,
assigned, answered, the customer writes back, answered again, resolved. The baseline is the
same work with no active policy (the desk then only checks that no policy matches); the
measured run has the demo's twelve policies (three markets, escalation rules) on office
calendars, so every change re-derives the case's timers from its events and stores them.
Times are medians over the cases, per operation, in one process on one database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OPERATIONS = ("open", "assign", "reply", "customer writes", "reply again", "resolve")


def setup(data_dir: str) -> None:
    os.environ.setdefault("LOYALDESK_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaldesk.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def work_cases(count: int, start: datetime) -> dict[str, list[tuple[float, int]]]:
    """(milliseconds, queries) of each operation on each case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from loyaldesk.accounts.models import User
    from loyaldesk.customers.services import create_customer
    from loyaldesk.desk.lifecycle import Status
    from loyaldesk.desk.models import Queue
    from loyaldesk.desk.services import (
        add_customer_message,
        assign_case,
        change_status,
        open_case,
        reply_to_customer,
    )

    queue = Queue.objects.get_or_create(name="Bench", slug="bench")[0]
    agent = User.objects.get_or_create(username="bench-agent")[0]
    customers = [
        create_customer(first_name="Anna", last_name=f"Bench{i}", preferred_language=lang)
        for i, lang in enumerate(("fr", "it", "en") * 3)
    ]
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in OPERATIONS}

    def timed(name: str, work, *args, **kwargs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            value = work(*args, **kwargs)
            elapsed = (time.perf_counter() - began) * 1000
        results[name].append((elapsed, len(queries)))
        return value

    hours = timedelta(hours=1)
    for number in range(count):
        at = start + timedelta(minutes=17 * number)
        customer = customers[number % len(customers)]
        case = timed(
            "open",
            open_case,
            customer=customer,
            subject="Bench",
            text="Il mio ordine non è arrivato.",
            channel="email",
            queue=queue,
            at=at,
        )
        timed("assign", assign_case, case, agent, at=at + hours / 12)
        timed("reply", reply_to_customer, case, agent=agent, text="Controlliamo.", at=at + hours)
        timed(
            "customer writes",
            add_customer_message,
            case,
            text="Grazie.",
            channel="email",
            at=at + 3 * hours,
        )
        timed(
            "reply again",
            reply_to_customer,
            case,
            agent=agent,
            text="Spedito oggi.",
            at=at + 4 * hours,
        )
        timed("resolve", change_status, case, Status.RESOLVED, actor=agent, at=at + 5 * hours)
    return results


def summary(results: dict[str, list[tuple[float, int]]]) -> dict[str, dict]:
    return {
        name: {
            "median_ms": round(statistics.median(ms for ms, _ in rows), 2),
            "queries": round(statistics.median(q for _, q in rows), 1),
        }
        for name, rows in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    setup(tempfile.mkdtemp(prefix="bench-sla-"))
    from django.db import connection

    from loyaldesk.demo.service_levels import install_demo_policies

    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    baseline = summary(work_cases(args.cases, start))
    install_demo_policies()
    measured = summary(work_cases(args.cases, start + timedelta(days=30)))
    result = {
        "database": connection.vendor,
        "cases": args.cases,
        "without_policies": baseline,
        "with_policies": measured,
    }
    print(f"{'operation':<16} {'no policy ms':>12} {'q':>5} {'policies ms':>12} {'q':>5} ratio")
    for name in OPERATIONS:
        base, with_sla = baseline[name], measured[name]
        ratio = with_sla["median_ms"] / base["median_ms"]
        print(
            f"{name:<16} {base['median_ms']:>12} {base['queries']:>5} "
            f"{with_sla['median_ms']:>12} {with_sla['queries']:>5} {ratio:.2f}x"
        )
    if args.output:
        args.output.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
