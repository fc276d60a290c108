"""`loyaldesk demo` end to end, as a user runs it: in a fresh data directory, on SQLite."""

import hashlib
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.ports import free_port

DEMO = [sys.executable, "-m", "loyaldesk", "demo", "--quiet", "--end", "2026-11-01"]
GENERATED_TABLES = {
    "customers_customer": "id, first_name, last_name, preferred_language, segment, city",
    "customers_identity": "channel, address",
    "customers_purchase": "order_number, purchased_at, amount",
    "desk_case": "number, subject, status, priority, category, opened_at, first_response_at",
    "desk_message": "case_id, kind, channel, text, created_at",
    "desk_event": "case_id, customer_id, actor_id, kind, at, before, after",
    "accounts_user": "username, first_name, last_name",
    "surveys_invitation": "survey_id, customer_id, case_id, skipped, token_digest, created_at, "
    "opened_at, completed_at",
    "surveys_answer": "invitation_id, question_id, score, text, answered_at",
    "surveys_recoverytask": "invitation_id, owner_id, state, note, created_at, closed_at",
}


def demo_env(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALDESK_", "DATABASE"))}
    env["LOYALDESK_DATA_DIR"] = str(data_dir)
    return env


def run_demo(data_dir, *args):
    return subprocess.run(
        [*DEMO, "--no-serve", *args],
        env=demo_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


def digest(database):
    connection = sqlite3.connect(database)
    result = hashlib.sha256()
    for table, columns in GENERATED_TABLES.items():
        for row in connection.execute(f"SELECT {columns} FROM {table} ORDER BY id"):
            result.update(repr(row).encode())
    return result.hexdigest()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    first = run_demo(data_dir, "--customers", "300", "--seed", "4")
    assert "Generated the demo data" in first.stdout
    return data_dir


def test_demo_prepares_a_data_directory(demo_dir):
    assert (demo_dir / "loyaldesk.sqlite3").exists()
    assert (demo_dir / "secret_key").exists()
    manifest = json.loads((demo_dir / "demo-manifest.json").read_text())
    assert manifest["parameters"]["customers"] == 300
    assert manifest["parameters"]["loyalty"]["churn_multiplier_unresolved"] == 2.5
    truth = (demo_dir / "demo-truth.csv").read_text().splitlines()
    assert truth[0].startswith("customer_id,")
    assert len(truth) == 301
    credentials = demo_dir / "demo-credentials.json"
    assert credentials.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(credentials.read_text())) == {"admin", "manager", "lead", "agent"}
    database = sqlite3.connect(demo_dir / "loyaldesk.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cases = database.execute("SELECT count(*) FROM desk_case").fetchone()[0]
    assert cases == manifest["counts"]["cases"] + manifest["counts"]["fresh_cases"]
    assert manifest["counts"]["cases"] > 200
    languages = {row[0] for row in database.execute("SELECT language FROM desk_case")}
    assert languages == {"en", "fr", "it"}


def test_the_demo_agent_finds_work_waiting(demo_dir):
    """Fresh cases came in today: some the agent's own, more unassigned in their team's queue."""
    database = sqlite3.connect(demo_dir / "loyaldesk.sqlite3")
    agent = "SELECT id FROM accounts_user WHERE username = 'agent'"
    agent_id = database.execute(agent).fetchone()[0]
    end = database.execute("SELECT max(opened_at) FROM desk_case").fetchone()[0]
    own = database.execute(
        "SELECT count(*) FROM desk_case WHERE assignee_id = ? AND status = 'open'", [agent_id]
    ).fetchone()[0]
    waiting = database.execute(
        "SELECT count(*) FROM desk_case JOIN desk_queue ON desk_queue.id = queue_id "
        "WHERE slug = 'general' AND assignee_id IS NULL AND status = 'new'"
    ).fetchone()[0]
    today = database.execute(
        "SELECT count(*) FROM desk_case WHERE opened_at > datetime(?, '-1 day')", [end]
    ).fetchone()[0]
    assert own >= 4
    assert waiting >= 6
    assert today >= 24
    manifest = json.loads((demo_dir / "demo-manifest.json").read_text())
    assert manifest["counts"]["fresh_cases"] == 24


def test_the_demo_lead_finds_unhappy_customers_to_call_back(demo_dir):
    """Recovery tasks of the lead's own team, just opened by unhappy ratings, wait for them."""
    database = sqlite3.connect(demo_dir / "loyaldesk.sqlite3")
    lead = database.execute("SELECT id FROM accounts_user WHERE username = 'lead'").fetchone()[0]
    end = database.execute("SELECT max(opened_at) FROM desk_case").fetchone()[0]
    waiting = database.execute(
        "SELECT count(*) FROM surveys_recoverytask t JOIN surveys_invitation i "
        "ON i.id = t.invitation_id JOIN accounts_team team ON team.id = i.team_id "
        "WHERE t.owner_id = ? AND team.lead_id = ? AND t.state = 'open' AND t.due_at > ?",
        [lead, lead, end],
    ).fetchone()[0]
    manifest = json.loads((demo_dir / "demo-manifest.json").read_text())
    # Up to three, as many as the lead's team has unanswered invitations for (few at 300 customers).
    assert waiting >= manifest["counts"]["fresh_recovery_tasks"] >= 1
    assert manifest["counts"]["invitations"] > manifest["counts"]["answers"] / 3 > 100
    assert manifest["realised"]["surveys"]["response_rate"] > 0.2


def test_the_company_names_its_queues_teams_and_products_in_its_language(tmp_path):
    run_demo(tmp_path, "--customers", "40", "--language", "fr")
    database = sqlite3.connect(tmp_path / "loyaldesk.sqlite3")
    queues = {row[0] for row in database.execute("SELECT name FROM desk_queue")}
    assert queues == {
        "Général",
        "Commandes et livraisons",
        "Réparations et garantie",
        "Facturation",
    }
    teams = {row[0] for row in database.execute("SELECT name FROM accounts_team")}
    assert "Équipe Général" in teams
    products = {row[0] for row in database.execute("SELECT name FROM customers_product")}
    assert "aspirateur Aria X1" in products


def test_the_fast_load_leaves_every_index_and_constraint_in_place(demo_dir, tmp_path):
    migrated_only = tmp_path / "empty"
    subprocess.run(
        [sys.executable, "-m", "loyaldesk", "manage", "migrate", "--verbosity", "0"],
        env=demo_env(migrated_only),
        check=True,
        timeout=120,
    )

    def schema(path):
        database = sqlite3.connect(path / "loyaldesk.sqlite3")
        query = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        return set(database.execute(query))

    assert schema(demo_dir) == schema(migrated_only)
    database = sqlite3.connect(demo_dir / "loyaldesk.sqlite3")
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []


def test_rerunning_reuses_the_data(demo_dir):
    before = digest(demo_dir / "loyaldesk.sqlite3")
    logins = json.loads((demo_dir / "demo-credentials.json").read_text())
    again = run_demo(demo_dir, "--customers", "300", "--seed", "4")
    assert "Reused the demo data" in again.stdout
    assert digest(demo_dir / "loyaldesk.sqlite3") == before
    assert json.loads((demo_dir / "demo-credentials.json").read_text()) == logins
    for username, password in logins.items():
        assert f"{username:<8} {password}" in again.stdout


def test_same_seed_gives_the_same_data(demo_dir, tmp_path):
    run_demo(tmp_path / "same", "--customers", "300", "--seed", "4")
    run_demo(tmp_path / "other", "--customers", "300", "--seed", "5")
    reference = digest(demo_dir / "loyaldesk.sqlite3")
    assert digest(tmp_path / "same" / "loyaldesk.sqlite3") == reference
    assert digest(tmp_path / "other" / "loyaldesk.sqlite3") != reference


def test_bad_arguments_are_refused_clearly(tmp_path):
    result = subprocess.run(
        [*DEMO[:-2], "--no-serve", "--end", "yesterday"],
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "not a date" in result.stderr


def wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the demo server did not start")


def test_demo_serves_the_desk_and_runs_the_worker(demo_dir):
    port = free_port()
    process = subprocess.Popen(
        [*DEMO, "--port", str(port)],
        env=demo_env(demo_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, process)
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = browser.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        password = json.loads((demo_dir / "demo-credentials.json").read_text())["lead"]
        form = {"csrfmiddlewaretoken": token, "username": "lead", "password": password}
        request = urllib.request.Request(
            f"{base}/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/login/"},
        )
        landing = browser.open(request)
        assert landing.url == f"{base}/cases/"
        page = browser.open(f"{base}/cases/?view=all").read().decode()
        assert re.search(r'href="/cases/\d+/"', page)
        number = re.search(r'href="/cases/(\d+)/"', page).group(1)
        detail = browser.open(f"{base}/cases/{number}/").read().decode()
        assert "Case opened (" in detail
        static = browser.open(f"{base}/static/loyaldesk/vendor/htmx.min.js")
        assert static.status == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Huey consumer started" in output
    assert "close_resolved_cases_task" in output


def test_fresh_demo_data_is_searchable(demo_dir):
    """A first load builds the full-text indexes after the rows; they must hold every row and
    keep following changes."""
    database = sqlite3.connect(demo_dir / "loyaldesk.sqlite3")
    for table in ("desk_message", "desk_case", "customers_customer"):
        database.execute(
            f"INSERT INTO {table}_fts({table}_fts, rank) VALUES ('integrity-check', 1)"
        )
    name = database.execute("SELECT last_name FROM customers_customer LIMIT 1").fetchone()[0]
    by_index = database.execute(
        "SELECT count(*) FROM customers_customer_fts WHERE customers_customer_fts MATCH ?",
        [f'"{name}"'],
    ).fetchone()[0]
    by_scan = database.execute(
        "SELECT count(*) FROM customers_customer WHERE last_name = ? OR first_name = ?",
        [name, name],
    ).fetchone()[0]
    assert by_index == by_scan > 0
    triggers = {
        row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert {
        "desk_message_fts_insert",
        "desk_case_fts_update",
        "customers_customer_fts_delete",
    } <= triggers
