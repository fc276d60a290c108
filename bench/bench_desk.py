"""Server time of the agent desk on the 1,000,000-case data set, on SQLite and PostgreSQL.

Run: make bench-desk   (or: .venv/bin/python bench/bench_desk.py [--build] [--db sqlite])

The data sets live outside the repository, under $LOYALDESK_BENCH_DATA (default: bench-data
beside the checkout): sqlite/ is the SQLite data directory, pg-files/ the data directory of the
PostgreSQL data set, whose database is --pg-url (see bench/pg_cluster.sh to run a cluster).
Each is generated once (--build; `loyaldesk demo --customers 435000 --end 2026-11-01`, about
1,000,000 cases) and reused while it holds the finished generation.

Each database is measured in its own process. A manager is signed in on Django's test client;
every scenario makes warm-up requests, then N requests over varying targets, each timed with
perf_counter around client.get: middleware, view, queries and template, no network. After every
request the connections are closed as the server's request_finished would (SQLite: every request
opens its connection; PostgreSQL keeps it 60 s). Median and p95 (nearest rank) per scenario, the
150 ms target, and two baselines measured in the same run: the deep page as OFFSET/LIMIT against
the keyset query, and a plain icontains scan of message texts against the desk's search.
Results: a Markdown table on stdout and JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from random import Random
from urllib.parse import urlencode, urljoin

REPO = Path(__file__).resolve().parent.parent
DATA_ROOT = Path(os.environ.get("LOYALDESK_BENCH_DATA", REPO.parent / "bench-data"))
PG_URL = "postgres://loyaldesk:loyaldesk@127.0.0.1:55432/loyaldesk_bench"
CUSTOMERS = 435_000
TARGET_MS = 150.0
PAGE_SIZE = 50
SEED = 7
DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')
CASE_LIST = "/cases/"
GROUPS = ("list", "case", "customer", "search", "baselines")


class BenchError(RuntimeError):
    """A request the benchmark needs did not answer as expected."""


@dataclass
class Scenario:
    """Requests to time: one kind of page, over varying targets."""

    key: str
    label: str
    urls: list[str]
    unavailable: str = ""
    requests: int | None = None
    expect: str = ""


@dataclass
class Timing:
    """What one scenario measured."""

    key: str
    label: str
    status: str
    note: str = ""
    times_ms: list[float] = field(default_factory=list)
    queries: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The JSON form: statistics instead of the raw times."""
        data = asdict(self)
        data.pop("times_ms")
        data.update(stats(self.times_ms))
        if self.times_ms:
            data["meets_target"] = data["p95_ms"] < TARGET_MS
        return data


def stats(times: list[float]) -> dict:
    """Median, nearest-rank p95, min and max, in milliseconds."""
    if not times:
        return {"n": 0}
    ordered = sorted(times)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed_ms(work: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    began = time.perf_counter()
    work()
    return (time.perf_counter() - began) * 1000


# --- In the measuring process (Django set up for one data set) -------------------------------


def timed_get(client, url: str) -> float:
    """Server time of one GET in milliseconds: middleware, view, queries, template."""
    from django.db import close_old_connections

    began = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - began) * 1000
    close_old_connections()  # what the server's request_finished does after each request
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}")
    return elapsed


def query_profile(client, url: str) -> dict:
    """The queries of one (untimed) request: how many, their time, the three slowest."""
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    close_old_connections()
    queries = sorted(captured, key=lambda query: float(query["time"]), reverse=True)
    return {
        "url": url,
        "count": len(queries),
        "sql_ms": round(sum(float(query["time"]) for query in queries) * 1000, 1),
        "slowest": [
            {"ms": round(float(query["time"]) * 1000, 1), "sql": query["sql"][:800]}
            for query in queries[:3]
        ],
    }


def run_scenario(client, scenario: Scenario, args: argparse.Namespace) -> Timing:
    """Warm up, then time N requests cycling over the targets (within the time budget)."""
    if scenario.unavailable:
        return Timing(scenario.key, scenario.label, "not available", scenario.unavailable)
    log(f"  {scenario.label}: {len(scenario.urls)} targets")
    verify(client, scenario)
    targets = itertools.cycle(scenario.urls)
    for _ in range(args.warmup):
        timed_get(client, next(targets))
    wanted = scenario.requests or args.requests
    deadline = time.perf_counter() + args.budget
    times = []
    while len(times) < wanted and time.perf_counter() < deadline:
        times.append(timed_get(client, next(targets)))
    note = "" if len(times) == wanted else f"time budget of {args.budget} s reached"
    profile = query_profile(client, scenario.urls[0])
    return Timing(scenario.key, scenario.label, "measured", note, times, profile)


def verify(client, scenario: Scenario) -> None:
    """Check that the first target shows what it must (a searched case number finds its case)."""
    from django.db import close_old_connections

    if scenario.expect:
        page = client.get(scenario.urls[0]).content.decode()
        close_old_connections()
        if scenario.expect not in page:
            raise BenchError(f"{scenario.urls[0]} does not show {scenario.expect}")


def next_page(client, url: str) -> str:
    """The URL of the case list's Next link on this page."""
    from django.db import close_old_connections

    response = client.get(url)
    close_old_connections()
    found = NEXT_LINK.search(response.content.decode())
    if found is None:
        raise BenchError(f"no Next link on {url}")
    return urljoin(CASE_LIST, unescape(found.group(1)))


def deep_page_urls(client, first: str, deep: int, spread: int) -> list[str]:
    """Pages deep .. deep+spread-1 of a case list, reached by following its Next links."""
    urls, url = [], first
    for page in range(1, deep + spread):
        if page >= deep:
            urls.append(url)
        url = next_page(client, url)
    return urls


def list_scenarios(client, args: argparse.Namespace) -> list[Scenario]:
    """The case list: landing page, every built-in view, status + queue filters, a deep page."""
    from loyaldesk.desk.models import CaseStatus, Queue
    from loyaldesk.desk.selectors import CaseView

    views = [f"{CASE_LIST}?view={view.value}" for view in CaseView]
    filters = [
        f"{CASE_LIST}?{urlencode({'view': 'all', 'status': status, 'queue': queue})}"
        for status in CaseStatus.values
        for queue in Queue.objects.order_by("pk").values_list("pk", flat=True)
    ]
    log(f"  following Next links to page {args.deep_page}")
    deep = deep_page_urls(client, f"{CASE_LIST}?view=all", args.deep_page, args.deep_spread)
    return [
        Scenario("list_default", "case list, landing page (open cases)", [CASE_LIST]),
        Scenario("list_views", "case list, each built-in view", views),
        Scenario("list_filtered", "case list, status + queue filter", filters),
        Scenario("list_deep", f"case list, page {args.deep_page} by keyset cursor", deep),
    ]


def case_scenarios(threads: list[int], rng: Random) -> list[Scenario]:
    """The case page: the benchmark's 50-message cases, and random generated ones."""
    from desk_data import random_case_numbers

    randoms = random_case_numbers(100, rng)
    return [
        Scenario("case_50", "case page, 50 messages", [f"{CASE_LIST}{n}/" for n in threads]),
        Scenario("case_random", "case page, random case", [f"{CASE_LIST}{n}/" for n in randoms]),
    ]


def customer_scenarios(rng: Random) -> list[Scenario]:
    """The customer page, once its URL exists: the heaviest customers, and random ones."""
    from django.urls import NoReverseMatch, reverse

    from desk_data import biggest_buyers, busiest_customers, sample_ids
    from loyaldesk.customers.models import Customer

    labels = ("customer page, most cases or purchases", "customer page, random customer")
    try:
        reverse("customers:customer-detail", args=[1])
    except NoReverseMatch:
        why = "URL customers:customer-detail does not exist yet"
        return [Scenario(f"customer_{i}", label, [], why) for i, label in enumerate(labels)]
    heavy = list(dict.fromkeys(busiest_customers(10) + biggest_buyers(10)))
    groups = (heavy, sample_ids(Customer, 100, rng))
    urls = [[reverse("customers:customer-detail", args=[pk]) for pk in ids] for ids in groups]
    return [
        Scenario(f"customer_{i}", label, targets)
        for i, (label, targets) in enumerate(zip(labels, urls, strict=True))
    ]


def search_url(term: str) -> str:
    """The case list searched for a term across all cases. The form's field is q; search= is
    sent too, for a search form that would name it so."""
    return f"{CASE_LIST}?{urlencode({'view': 'all', 'q': term, 'search': term})}"


def search_scenarios(terms: dict[str, list[str]], args: argparse.Namespace) -> list[Scenario]:
    """Search, one scenario per kind of term; together they make N requests."""
    share = math.ceil(args.requests / len(terms))
    scenarios = [
        Scenario(f"search_{i}", f"search: {kind}", [search_url(t) for t in found], requests=share)
        for i, (kind, found) in enumerate(terms.items())
    ]
    scenarios[0].expect = f"{CASE_LIST}{terms['case number'][0]}/"
    return scenarios


def combined(timings: list[Timing], key: str, label: str) -> Timing:
    """One row over several scenarios' requests."""
    times = [t for timing in timings for t in timing.times_ms]
    return Timing(key, label, "measured" if times else "not available", times_ms=times)


def deep_page_baseline(args: argparse.Namespace) -> dict:
    """The deep page as OFFSET/LIMIT (the obvious query) against the keyset query, ORM only."""
    from django.db.models import Q

    from loyaldesk.desk.models import Case

    order = ("-updated_at", "-pk")
    rows = Case.objects.select_related("customer", "queue", "assignee").order_by(*order)
    offsets = [(args.deep_page - 1 + i) * PAGE_SIZE for i in range(args.deep_spread)]
    ids = Case.objects.order_by(*order).values_list("updated_at", "pk")
    bounds = [ids[offset - 1] for offset in offsets]
    keyset_ms, offset_ms = [], []
    for i in range(args.requests):
        offset, (value, pk) = offsets[i % len(offsets)], bounds[i % len(offsets)]
        keyset = rows.filter(Q(updated_at__lt=value) | Q(updated_at=value, pk__lt=pk))
        keyset_ms.append(timed_ms(lambda keyset=keyset: list(keyset[:PAGE_SIZE])))
        offset_ms.append(timed_ms(lambda o=offset: list(rows[o : o + PAGE_SIZE])))
    same = [c.pk for c in keyset[:PAGE_SIZE]] == [c.pk for c in rows[offset : offset + PAGE_SIZE]]
    result = {"page": args.deep_page, "keyset": stats(keyset_ms), "offset": stats(offset_ms)}
    result["same_rows"] = same
    result["ratio_offset_to_keyset"] = round(
        result["offset"]["median_ms"] / result["keyset"]["median_ms"], 1
    )
    return result


def scan_cases(term: str) -> list[int]:
    """The obvious message search: every message whose text contains the term."""
    from loyaldesk.desk.models import Message

    return list(Message.objects.filter(text__icontains=term).values_list("case_id", flat=True))


def search_baseline(client, terms: dict[str, list[str]], reps: int) -> list[dict]:
    """For a few terms: the desk's search page against a plain icontains scan of messages."""
    picked = [
        *terms["word from a message"][:2],
        *terms["two-word phrase"][:2],
        *terms["last name"][:1],
    ]
    rows = []
    for term in picked:
        log(f"  baseline scan for {term!r}")
        matches = len(scan_cases(term))  # also the warm-up
        timed_get(client, search_url(term))
        desk = [timed_get(client, search_url(term)) for _ in range(reps)]
        scan = [timed_ms(lambda term=term: scan_cases(term)) for _ in range(reps)]
        ratio = statistics.median(scan) / statistics.median(desk)
        rows.append({"term": term, "messages_matching": matches, "desk": stats(desk),
                     "scan": stats(scan), "ratio_scan_to_desk": round(ratio, 1)})  # fmt: skip
    return rows


def database_facts() -> dict:
    """Which database and version the process talks to."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT sqlite_version()")
            return {"vendor": connection.vendor, "version": cursor.fetchone()[0]}
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers')"
        )
        version, shared_buffers = cursor.fetchone()
    return {"vendor": connection.vendor, "version": version, "shared_buffers": shared_buffers}


# The tables the desk's pages read, with all their indexes; the events (3.6 GiB) are read a
# case at a time, and stay on disk.
PREWARMED_TABLES = ["desk_message", "desk_case", "customers_customer", "customers_identity"]


def prewarm_buffers() -> float | None:
    """Load the desk's tables into PostgreSQL's shared buffers, as on a server that has been up a
    while; the GiB loaded, or None without the pg_prewarm extension."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'")
        if cursor.fetchone() is None:
            return None
        cursor.execute(
            "SELECT sum(pg_prewarm(relation)) * current_setting('block_size')::bigint "
            "FROM (SELECT oid AS relation FROM pg_class WHERE relname = ANY(%s) UNION ALL "
            "SELECT indexrelid FROM pg_index JOIN pg_class ON pg_class.oid = indrelid "
            "WHERE relname = ANY(%s)) AS relations",
            [PREWARMED_TABLES, PREWARMED_TABLES],
        )
        return round(float(cursor.fetchone()[0] or 0) / 2**30, 1)


def setup_django() -> None:
    """Django for the data set the environment names; bench/ on the path for desk_data."""
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    django.setup()
    import loyaldesk.wsgi  # noqa: F401 -- this process prepares itself as the server's does


def prepare(args: argparse.Namespace) -> tuple[dict, object, list[int], Random]:
    """The data set (reused or built), the 50-message cases and a signed-in manager."""
    from django.test import Client

    from desk_data import ensure_data_set, ensure_threads
    from loyaldesk.accounts.models import User

    built = ensure_data_set(args.customers, args.build)
    manager = User.objects.get(username="manager")
    rng = Random(SEED)
    threads = ensure_threads(args.threads, manager, rng)
    client = Client()
    client.force_login(manager)
    return {"build": built}, client, threads, rng


def measure_here(args: argparse.Namespace) -> dict:
    """Every scenario and baseline on the data set this process is set up for."""
    from desk_data import data_set_facts, search_terms

    result, client, threads, rng = prepare(args)
    result.update(database=database_facts(), data_set=data_set_facts())
    if result["database"]["vendor"] == "postgresql" and not args.cold:
        result["prewarmed_gib"] = prewarm_buffers()
    result["load_before"] = os.getloadavg()
    log(f"{result['database']['vendor']}: {result['data_set']}")
    wanted = set(args.only.split(",")) if args.only else set(GROUPS)
    scenarios = list_scenarios(client, args) if "list" in wanted else []
    scenarios += case_scenarios(threads, rng) if "case" in wanted else []
    scenarios += customer_scenarios(rng) if "customer" in wanted else []
    terms = search_terms(math.ceil(args.requests / 5), rng)
    timings = [run_scenario(client, scenario, args) for scenario in scenarios]
    if "search" in wanted:
        searches = [run_scenario(client, s, args) for s in search_scenarios(terms, args)]
        timings += [combined(searches, "search_all", "search, all kinds of term"), *searches]
    result["scenarios"] = [timing.summary() for timing in timings]
    if "baselines" in wanted:
        log("  baselines")
        result["baselines"] = {
            "deep_page": deep_page_baseline(args),
            "search": search_baseline(client, terms, args.baseline_reps),
        }
    result["load_after"] = os.getloadavg()
    return result


# --- In the parent process --------------------------------------------------------------------


def log(text: str) -> None:
    """Progress, on stderr (stdout carries the result)."""
    print(text, file=sys.stderr, flush=True)


def environment_for(database: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment that points loyaldesk at one of the data sets."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="loyaldesk.settings", LOYALDESK_HTTPS="0",
               ALLOWED_HOSTS="testserver", LOYALDESK_LOG_LEVEL="WARNING")  # fmt: skip
    env.pop("LOYALDESK_DEBUG", None)
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
        env["LOYALDESK_DATA_DIR"] = str(args.data_root / "sqlite")
    else:
        env["DATABASE_URL"] = args.pg_url
        env["LOYALDESK_DATA_DIR"] = str(args.data_root / "pg-files")
    return env


def database_files(database: str, args: argparse.Namespace) -> list[Path]:
    """The files that hold a data set: SQLite's database, or the PostgreSQL cluster's tables."""
    if database == "sqlite":
        return sorted((args.data_root / "sqlite").glob("loyaldesk.sqlite3*"))
    return sorted(
        path for path in (args.data_root / "pg" / "data" / "base").rglob("*") if path.is_file()
    )


def read_into_page_cache(paths: list[Path]) -> float:
    """Read files once so the system keeps them in memory, as on a server that has been up a
    while; the GiB read."""
    total = 0
    for path in paths:
        with path.open("rb", buffering=0) as file:
            while chunk := file.read(1 << 24):
                total += len(chunk)
    return total / 2**30


def measure(database: str, args: argparse.Namespace) -> dict:
    """Run the measuring process for one database; its result, or the error it stopped with."""
    log(f"=== {DATABASES[database]}")
    warmed = 0.0 if args.cold else read_into_page_cache(database_files(database, args))
    command = [sys.executable, __file__, *sys.argv[1:], "--child", "--db", database]
    began = time.perf_counter()
    finished = subprocess.run(
        command, env=environment_for(database, args), stdout=subprocess.PIPE, text=True
    )
    if finished.returncode:
        return {"error": f"measuring process failed (exit {finished.returncode}), see stderr"}
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - began, 1)
    result["files_read_first_gib"] = round(warmed, 1)
    return result


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def git_commit() -> str:
    """The commit measured, marked when the work tree has changes."""

    def git(*words: str) -> str:
        return subprocess.run(["git", *words], cwd=REPO, capture_output=True, text=True).stdout

    dirty = "+changes" if git("status", "--porcelain", "--untracked-files=no").strip() else ""
    return git("rev-parse", "--short", "HEAD").strip() + dirty


def run_facts(args: argparse.Namespace) -> dict:
    """When, what and where."""
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "commit": git_commit(),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "python": platform.python_version(),
        "requests": args.requests,
        "warmup": args.warmup,
        "target_p95_ms": TARGET_MS,
    }


def cell(row: dict | None) -> tuple[str, str, str]:
    """Median, p95 and verdict of a scenario row, as table cells."""
    if row is None or row["status"] != "measured":
        return "not available", "", "n/a"
    verdict = "pass" if row["meets_target"] else "**fail**"
    return f"{row['median_ms']:.1f}", f"{row['p95_ms']:.1f}", verdict


def scenario_table(results: dict) -> list[str]:
    """Median and p95 per scenario and database, and the target."""
    names = [name for name in DATABASES if "scenarios" in results["databases"].get(name, {})]
    header = "| scenario | n |" + "".join(
        f" {DATABASES[n]} median ms | {DATABASES[n]} p95 ms | < {TARGET_MS:.0f} ms |" for n in names
    )
    lines = [header, "|---|---:|" + "---:|---:|:---:|" * len(names)]
    rows = {n: {r["key"]: r for r in results["databases"][n]["scenarios"]} for n in names}
    for key, row in rows[names[0]].items() if names else ():
        counts = {str(rows[n].get(key, {}).get("n", "")) for n in names} - {"0", ""}
        cells = "".join(" {} | {} | {} |".format(*cell(rows[n].get(key))) for n in names)
        lines.append(f"| {row['label']} | {'/'.join(sorted(counts)) or '-'} |{cells}")
    return lines


def baseline_lines(name: str, baselines: dict) -> Iterable[str]:
    """The baselines of one database, as Markdown."""
    deep = baselines["deep_page"]
    yield (f"{DATABASES[name]}, page {deep['page']}: keyset query median "
           f"{deep['keyset']['median_ms']:.1f} ms, OFFSET/LIMIT {deep['offset']['median_ms']:.1f}"
           f" ms: OFFSET is {deep['ratio_offset_to_keyset']}x the keyset query "
           f"(same rows: {deep['same_rows']}).")  # fmt: skip
    yield ""
    yield "| term | messages matching | desk search median ms | icontains scan median ms | ratio |"
    yield "|---|---:|---:|---:|---:|"
    for row in baselines["search"]:
        yield (f"| {row['term']} | {row['messages_matching']:,} | {row['desk']['median_ms']:.1f} "
               f"| {row['scan']['median_ms']:.1f} | {row['ratio_scan_to_desk']}x |")  # fmt: skip


def _buffers(result: dict) -> str:
    shared = result["database"].get("shared_buffers")
    if shared is None:
        return ""
    loaded = result.get("prewarmed_gib")
    return f"; shared_buffers {shared}" + (f", {loaded} GiB loaded first" if loaded else "")


def markdown(results: dict) -> str:
    """The whole report."""
    lines = scenario_table(results)
    for name, result in results["databases"].items():
        lines.append("")
        if "error" in result:
            lines.append(f"{DATABASES[name]}: {result['error']}")
            continue
        facts = result["data_set"]
        lines.append(f"{DATABASES[name]} {result['database']['version']}: " + ", ".join(
            f"{facts[k]:,} {k}" for k in ("customers", "cases", "messages", "events")
        ) + f", {facts['database_bytes'] / 2**30:.1f} GiB" + _buffers(result))  # fmt: skip
        if "baselines" in result:
            lines += ["", *baseline_lines(name, result["baselines"])]
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--build", action="store_true", help="generate a missing data set")
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="data set size")
    parser.add_argument("--data-root", type=Path, default=DATA_ROOT)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per scenario")
    parser.add_argument("--budget", type=float, default=300, help="max seconds per scenario")
    parser.add_argument("--deep-page", type=int, default=500)
    parser.add_argument("--deep-spread", type=int, default=20, help="deep pages to vary over")
    parser.add_argument("--threads", type=int, default=5, help="50-message cases to time")
    parser.add_argument("--baseline-reps", type=int, default=3)
    parser.add_argument(
        "--cold", action="store_true", help="skip reading the database files into memory first"
    )
    parser.add_argument("--only", help=f"comma-separated groups among {', '.join(GROUPS)}")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/desk-DATE)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    """Measure each database in its own process, then report."""
    args = parse_args()
    if args.child:
        setup_django()
        print(json.dumps(measure_here(args)))
        return
    results = {"run": run_facts(args), "databases": {}}
    for name in DATABASES if args.db == "both" else [args.db]:
        results["databases"][name] = measure(name, args)
    print(markdown(results))
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    output = args.output or REPO / "bench" / "results" / f"desk-{day}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"results written to {output}")
    if any("error" in result for result in results["databases"].values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
