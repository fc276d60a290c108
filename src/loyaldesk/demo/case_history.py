"""One simulated case written as rows: the case, its messages and its events.

The rows are the ones the desk's services (`loyaldesk.desk.services`) record for the same steps:
the same event kinds with the same before/after, the same status moves checked against the
lifecycle's table. This runs a few hundred thousand times per demo, so it works on plain tuples.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from loyaldesk.demo.catalogue import COMPANY
from loyaldesk.demo.formatting import long_date, money
from loyaldesk.demo.parameters import DAY
from loyaldesk.demo.people import phone_number
from loyaldesk.demo.simulation import CasePlan, Step
from loyaldesk.demo.stamps import stamp
from loyaldesk.demo.texts import TextComposer
from loyaldesk.demo.world import World, serial_number
from loyaldesk.desk.lifecycle import Status, apply_move
from loyaldesk.desk.models import Event, Message

# Replies to fax, portal and web-form contacts go out by email; the customer's later messages
# on a phone or fax case come in by email too.
REPLY_CHANNEL = {"fax": "email", "portal": "email", "web_form": "email"}
FOLLOW_UP_CHANNEL = {"phone": "email", "fax": "email"}


@dataclass(slots=True)
class CaseState:
    """What changes while one case's steps are written."""

    plan: CasePlan
    case_id: int
    customer_id: int
    language: str
    address: str
    values: dict[str, object]
    status: Status = Status.NEW
    first_response: float | None = None
    resolved_at: float | None = None
    closed_at: float | None = None
    reopen_count: int = 0
    updated: float = 0.0
    turns: list[float] | None = None


class CaseHistoryWriter:
    """Appends each case's rows to the current batch of message, event and case rows."""

    def __init__(
        self,
        world: World,
        texts: TextComposer,
        customers: list[tuple[str, str, str, str]],
        customer_base: int,
        ids: dict[type, Callable[[], int]],
        end: float,
    ) -> None:
        self.world, self.texts, self.customers = world, texts, customers
        self.customer_base, self.end = customer_base, end
        self.next_event, self.next_message = ids[Event], ids[Message]
        self.counts: Counter[str] = Counter()
        self.events: list[tuple] = []
        self.messages: list[tuple] = []
        self.cases: list[tuple] = []

    def use_batch(self, events: list, messages: list, cases: list) -> None:
        """Append to these lists from now on (a new batch after each flush)."""
        self.events, self.messages, self.cases = events, messages, cases

    def write(self, plan: CasePlan, case_id: int, number: int) -> None:
        """Write one case as the desk would have recorded its steps up to the end of history."""
        case = self._start(plan, case_id, number)
        for moment, code in plan.steps:
            if moment > self.end:
                break
            case.updated = moment
            at = stamp(moment)
            if code == Step.OPEN:
                self._open(case, number, moment, at)
            elif code == Step.ASSIGN:
                self._assign(case, moment, at)
            elif code == Step.ASK or code == Step.ANSWER or code == Step.ANSWER_AND_RESOLVE:
                self._answer(case, code, moment, at)
            elif code == Step.NOTE:
                text = self.texts.internal_note(case.language, plan.topic, case.values)
                self._message(case, "note", "api", text, at, author=plan.agent)
            elif code == Step.RESOLVE:
                self._move(case, Status.RESOLVED, moment, at, actor=plan.agent)
            elif code == Step.CLOSE:
                self._move(case, Status.CLOSED, moment, at)
            else:
                self._customer_writes(case, code, moment, at)
        self._case_row(case, number)

    def _start(self, plan: CasePlan, case_id: int, number: int) -> CaseState:
        first, last, email, language = self.customers[plan.customer]
        product = self.world.products[plan.product]
        values = {
            "customer_name": f"{first} {last}",
            "first_name": first,
            "agent_name": self.world.agent_first_names[plan.agent],
            "product": product.noun(language),
            "order": plan.order,
            "serial": serial_number(product, plan.purchased, 0),
            "days": max(1, int((plan.opened - plan.purchased) / DAY)),
            "date": long_date(plan.purchased, language),
            "amount": money(product.price, language),
            "case_ref": f"#{number}",
            "company": COMPANY,
        }
        values["subject"] = self.texts.subject(language, plan.topic, values)[:255]
        address = email if plan.channel != "phone" else phone_number(language, plan.customer)
        customer_id = self.customer_base + plan.customer
        return CaseState(plan, case_id, customer_id, language, address, values)

    def _event(self, case: CaseState, actor, actor_kind: str, kind: str, at: str, before: str,
               after: str) -> None:  # fmt: skip
        self.events.append((self.next_event(), case.case_id, case.customer_id, actor, actor_kind,
                            kind, at, before, after))  # fmt: skip

    def _message(self, case: CaseState, kind: str, channel: str, text: str, at: str, *,
                 author: int | None = None, external_id: str = "") -> None:  # fmt: skip
        message_id = self.next_message()
        by_customer = author is None
        self.messages.append((
            message_id, case.case_id, kind, channel, author,
            case.customer_id if by_customer else None, case.address if by_customer else "",
            text, "", case.language, external_id, "", at,
        ))  # fmt: skip
        after = f'{{"message": {message_id}, "kind": "{kind}", "channel": "{channel}"}}'
        actor_kind = "customer" if by_customer else "staff"
        self._event(case, author, actor_kind, "message.added", at, "{}", after)

    def _move(self, case: CaseState, target: Status, moment: float, at: str, *,
              actor: int | None = None, by_customer: bool = False) -> None:  # fmt: skip
        current, kind = apply_move(case, target, moment)
        # The moments the case stops or starts needing the desk, which survey rules read.
        if target is Status.RESOLVED or (current is Status.RESOLVED and target is Status.OPEN):
            case.turns.append(moment)
        actor_kind = "staff" if actor else "customer" if by_customer else "system"
        before, after = f'{{"status": "{current}"}}', f'{{"status": "{target}"}}'
        self._event(case, actor, actor_kind, kind, at, before, after)

    def _open(self, case: CaseState, number: int, moment: float, at: str) -> None:
        plan, values, language, texts = case.plan, case.values, case.language, self.texts
        logged_by = plan.agent if plan.channel == "phone" else None
        queue_id = self.world.queue_ids[plan.queue]
        opened = (
            f'{{"number": {number}, "subject": {json.dumps(values["subject"])}, '
            f'"status": "new", "priority": "{plan.priority}", "category": "{plan.topic}", '
            f'"queue": {queue_id}, "channel": "{plan.channel}"}}'
        )
        actor_kind = "staff" if logged_by else "customer"
        self._event(case, logged_by, actor_kind, "case.opened", at, "{}", opened)
        if plan.repeat_of is not None:
            self._link_repeat(case, plan.repeat_of, number, logged_by, at)
        case.turns = [moment]
        if plan.channel == "phone":
            text = texts.call_summary(language, plan.topic, values)
        elif plan.channel == "chat":
            text = texts.chat_message(language, plan.topic, values)
        else:
            repeat = plan.repeat_of is not None
            text = texts.first_message(language, plan.topic, plan.mood, values, repeat=repeat)
        external_id = ""
        if plan.channel == "email":
            external_id = f"<{number}.{case.case_id}@{case.address.partition('@')[2]}>"
        self._message(case, "inbound", plan.channel, text, at, external_id=external_id)
        self.counts["messages.inbound"] += 1

    def _link_repeat(self, case: CaseState, earlier, number: int, logged_by, at: str) -> None:
        """The desk links a repeat contact to the earlier case on the topic: both record it."""
        actor_kind = "staff" if logged_by else "system"
        self._event(case, logged_by, actor_kind, "case.repeat_of", at, "{}",
                    f'{{"repeat_of": {earlier.number}}}')  # fmt: skip
        repeated = f'{{"by": {number}}}'
        self.events.append((self.next_event(), earlier.case_id, case.customer_id, logged_by,
                            actor_kind, "case.repeated", at, "{}", repeated))  # fmt: skip

    def _assign(self, case: CaseState, moment: float, at: str) -> None:
        agent = case.plan.agent
        if case.status is Status.NEW:
            self._move(case, Status.OPEN, moment, at, actor=agent)
        self._event(case, agent, "staff", "case.assigned", at, '{"assignee": null}',
                    f'{{"assignee": {agent}}}')  # fmt: skip

    def _answer(self, case: CaseState, code: int, moment: float, at: str) -> None:
        plan = case.plan
        first = case.first_response is None
        text = self.texts.agent_reply(
            case.language, plan.topic, plan.mood, case.values, asks=code == Step.ASK, first=first
        )
        channel = REPLY_CHANNEL.get(plan.channel, plan.channel)
        self._message(case, "outbound", channel, text, at, author=plan.agent)
        if case.first_response is None:
            case.first_response = moment
        target = Status.RESOLVED if code == Step.ANSWER_AND_RESOLVE else Status.PENDING_CUSTOMER
        if case.status is not target:
            self._move(case, target, moment, at, actor=plan.agent)

    def _customer_writes(self, case: CaseState, code: int, moment: float, at: str) -> None:
        plan, values, language, texts = case.plan, case.values, case.language, self.texts
        if code == Step.CHASER:
            values["days"] = max(2, math.ceil((moment - plan.opened) / DAY))
            text = texts.chaser(language, plan.mood, values)
        elif code == Step.THANKS:
            text = texts.thanks(language, plan.mood, values)
        elif code == Step.REOPEN:
            text = texts.still_broken(language, values)
        elif code == Step.CUSTOMER_REPLY:
            text = texts.customer_detail(language, plan.topic, values)
        else:
            raise ValueError(f"unknown case step {code}")
        self._message(case, "inbound", FOLLOW_UP_CHANNEL.get(plan.channel, plan.channel), text, at)
        if case.status is Status.PENDING_CUSTOMER or case.status is Status.RESOLVED:
            self._move(case, Status.OPEN, moment, at, by_customer=True)

    def _case_row(self, case: CaseState, number: int) -> None:
        plan, status = case.plan, case.status
        self.cases.append((
            case.case_id, number, case.values["subject"], status, plan.priority, plan.topic,
            plan.channel, case.language, case.customer_id, self.world.queue_ids[plan.queue],
            plan.agent if status is not Status.NEW else None,
            getattr(plan.repeat_of, "case_id", None), stamp(plan.opened),
            stamp(case.first_response) if case.first_response else None,
            stamp(case.resolved_at) if case.resolved_at else None,
            stamp(case.closed_at) if case.closed_at else None,
            stamp(case.updated), case.reopen_count, None, None, False, False,
        ))  # fmt: skip
        plan.case_id, plan.number, plan.turns = case.case_id, number, case.turns
        self.counts[f"cases.{status}"] += 1
