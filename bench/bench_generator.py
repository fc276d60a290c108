"""How fast the demo generator fills SQLite, against the ORM's bulk_create on the same data.

Run: make bench   (or: .venv/bin/python bench/bench_generator.py --customers 100000)

Each run generates into a fresh SQLite database in a temporary data directory and reports the
case rate (cases, with their messages and events, per second of the case phase) and the overall
rate (cases per second of the whole generation, customers and purchases included). The baseline
is the same generator writing through Django's bulk_create, the obvious implementation, on a
smaller size, since its rate does not depend on size as much as on per-row overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

END = datetime(2026, 11, 1, tzinfo=UTC).timestamp()


def setup(data_dir: str) -> None:
    os.environ["LOYALDESK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyaldesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(customers: int, years: float, *, orm: bool) -> dict[str, float]:
    from loyaldesk.demo import build
    from loyaldesk.demo.parameters import YEAR, GeneratorParameters

    if orm:
        # Rows carry timestamps as UTC text; the model fields take them as naive times.
        warnings.filterwarnings("ignore", "DateTimeField .* received a naive datetime")
        # The obvious implementation: model instances, bulk_create, indexes kept up to date.
        build.BackgroundWriter = OrmWriter
        build.is_fresh_sqlite_load = lambda: False
    case_phase: dict[str, float] = {}
    write_cases = build._write_cases

    def timed_write_cases(*args, **kwargs):
        case_phase["start"] = time.perf_counter()
        return write_cases(*args, **kwargs)

    build._write_cases = timed_write_cases
    parameters = GeneratorParameters(customers=customers, years=years, seed=7)
    began = time.perf_counter()
    report = build.generate(parameters, start=END - years * YEAR, end=END)
    finished = time.perf_counter()
    cases = report.counts["cases"]
    return {
        "customers": customers,
        "cases": cases,
        "messages": report.counts["messages"],
        "events": report.counts["events"],
        "seconds": finished - began,
        "case_seconds": finished - case_phase["start"],
        "overall_rate": cases / (finished - began),
        "case_rate": cases / (finished - case_phase["start"]),
    }


class OrmWriter:
    """The baseline: each batch written on the main thread as model instances by bulk_create."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def submit(self, tables) -> None:
        from loyaldesk.demo.writer import COLUMNS, WRITE_ORDER

        for model in WRITE_ORDER:
            rows = tables.get(model, ())
            names = [model._meta.get_field(column).attname for column in COLUMNS[model]]
            objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=1000)

    def execute(self, statements) -> None:
        if statements:
            raise AssertionError("the baseline keeps its indexes")

    def drain(self) -> None:
        return None


def child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="ld-bench-") as data_dir:
        setup(data_dir)
        result = run(args.customers, args.years, orm=args.orm)
        size = Path(data_dir, "loyaldesk.sqlite3").stat().st_size
        result["database_mib"] = size / 2**20
        result["peak_memory_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))


def measure(customers: int, years: float, orm: bool) -> dict[str, float]:
    import subprocess

    command = [sys.executable, __file__, "--child", "--customers", str(customers),
               "--years", str(years)]  # fmt: skip
    if orm:
        command.append("--orm")
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.stderr}")
    output = finished.stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--baseline-customers", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--orm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    ours = measure(args.customers, args.years, orm=False)
    ours_small = measure(args.baseline_customers, args.years, orm=False)
    baseline = measure(args.baseline_customers, args.years, orm=True)
    for label, result in (
        (f"generator, {args.customers:,} customers", ours),
        (f"generator, {args.baseline_customers:,} customers", ours_small),
        (f"bulk_create baseline, {args.baseline_customers:,} customers", baseline),
    ):
        print(
            f"{label}: {result['cases']:,} cases, {result['messages']:,} messages, "
            f"{result['events']:,} events in {result['seconds']:.1f} s "
            f"(case phase {result['case_seconds']:.1f} s); "
            f"{result['case_rate']:,.0f} cases/s in the case phase, "
            f"{result['overall_rate']:,.0f} cases/s overall; {result['database_mib']:.0f} MiB "
            f"database, {result.get('peak_memory_mib', 0):,.0f} MiB peak memory"
        )
    ratio = ours_small["case_rate"] / baseline["case_rate"]
    print(f"case-phase rate vs bulk_create at {args.baseline_customers:,} customers: {ratio:.1f}x")


if __name__ == "__main__":
    main()
