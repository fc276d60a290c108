"""Preparing the demo: database, generated history, and logins to try it with."""

from __future__ import annotations

import csv
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from loyaldesk.accounts.models import User
from loyaldesk.accounts.roles import Role
from loyaldesk.accounts.services import assign_role
from loyaldesk.demo.build import TRUTH_COLUMNS, generate
from loyaldesk.demo.followups import add_lead_follow_ups
from loyaldesk.demo.inbox import fill_inbox
from loyaldesk.demo.parameters import YEAR, GeneratorParameters
from loyaldesk.desk.models import Case
from loyaldesk.service_levels.escalation import forecast_breaches, run_escalations
from loyaldesk.service_levels.services import record_due_breaches

MANIFEST = "demo-manifest.json"
TRUTH = "demo-truth.csv"
CREDENTIALS = "demo-credentials.json"
DEMO_ROLES = {
    "admin": Role.ADMIN,
    "manager": Role.MANAGER,
    "lead": Role.TEAM_LEAD,
    "agent": Role.AGENT,
}


class DemoDataConflict(RuntimeError):
    """The database holds cases the demo did not make; the demo will not mix with them."""


@dataclass
class DemoSummary:
    data_dir: Path
    generated: bool
    seconds: float
    counts: dict[str, int]
    logins: dict[str, str]

    def describe(self) -> str:
        verb = "Generated" if self.generated else "Reused"
        lines = [
            f"{verb} the demo data in {self.data_dir} ({self.seconds:.1f} s):",
            "  "
            + ", ".join(
                f"{self.counts[k]:,} {k}" for k in ("customers", "cases", "messages", "events")
            ),
            f"  and {self.counts.get('fresh_cases', 0)} more cases that came in today, unanswered",
            "  and recovery tasks from today's unhappy survey answers, waiting for lead: "
            f"{self.counts.get('fresh_recovery_tasks', 0)}",
            "Demo logins (also in " + str(self.data_dir / CREDENTIALS) + "):",
        ]
        lines += [f"  {username:<8} {password}" for username, password in self.logins.items()]
        return "\n".join(lines)


def prepare_demo(
    *,
    customers: int = 2000,
    years: float = 2.0,
    seed: int = 7,
    language: str = "en",
    end: datetime | None = None,
    progress: bool = False,
) -> DemoSummary:
    """Migrate, generate the demo history once, and make sure the demo logins exist."""
    began = time.perf_counter()
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    manifest_path = data_dir / MANIFEST
    generated = False
    if manifest_path.exists() and Case.objects.exists():
        counts = json.loads(manifest_path.read_text(encoding="utf-8"))["counts"]
    elif Case.objects.exists():
        raise DemoDataConflict(
            f"the database in {data_dir} already has cases the demo did not make; "
            "point LOYALDESK_DATA_DIR at an empty directory for the demo"
        )
    else:
        parameters = GeneratorParameters(
            customers=customers, years=years, seed=seed, language=language
        )
        counts = _generate(data_dir, parameters, end, progress)
        generated = True
    logins = ensure_demo_logins(data_dir)
    return DemoSummary(data_dir, generated, time.perf_counter() - began, counts, logins)


def _generate(data_dir: Path, parameters: GeneratorParameters, end, progress) -> dict:
    if parameters.customers < 1 or parameters.years <= 0:
        raise ValueError("the demo needs at least one customer and some history")
    now = end or timezone.now()
    end_moment = now.timestamp()
    start = end_moment - parameters.years * YEAR
    report = generate(parameters, start=start, end=end_moment, progress=progress)
    with (data_dir / TRUTH).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows(report.truth)
    manifest = report.manifest()
    manifest["counts"]["fresh_cases"] = fill_inbox(parameters.seed, now)
    manifest["counts"]["fresh_recovery_tasks"] = add_lead_follow_ups(parameters.seed, now)
    # What the minute job would find on the first tick: breaches, escalations, the forecast.
    manifest["counts"]["breaches_due"] = record_due_breaches(now)
    manifest["counts"]["escalations"] = run_escalations(now)
    manifest["counts"]["at_risk"] = forecast_breaches(now)
    # The manifest is written last: its presence says the generation finished.
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest["counts"]


@transaction.atomic
def ensure_demo_logins(data_dir: Path) -> dict[str, str]:
    """Demo users with random passwords, kept (owner-only) in the data directory."""
    path = data_dir / CREDENTIALS
    logins = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for username, role in DEMO_ROLES.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": username.title()}
        )
        if created or username not in logins:
            logins[username] = secrets.token_urlsafe(9)
            user.set_password(logins[username])
            user.save(update_fields=["password"])
        assign_role(user, role)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(logins, handle, indent=2)
    return logins
