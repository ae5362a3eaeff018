"""Enumerators uploading interviews through a faulty network to a live server, and the proof
afterwards that nothing acknowledged was lost and nothing was stored twice.

Each simulated enumerator has an account, a token and an assignment per household, and uploads
their interviews one by one or in batches. Faults, drawn from the enumerator's own seeded random
stream: a client timeout far shorter than the request (the server may still store it), a request
sent whole and the connection dropped before the response is read, a batch cut halfway through its
body, and resends of interviews already acknowledged. Every unit is sent again until the server
answers it (bounded in time). A `chaos` callback (server SIGKILL, PostgreSQL restart) runs while
batches are in flight. Only loopback addresses are ever contacted.
"""

import asyncio
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import httpx2 as httpx
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from api.db_types import utcnow
from api.security import hash_password, new_token, token_digest
from api.submissions.models import Submission, SubmissionRevision
from api.users.models import AccessToken, Role, User
from tests.api.submission_data import interview

SECRET = "faults-secret-key-that-is-long-enough-0123456789"
SUBMISSIONS = "/api/v1/submissions"
BATCH = f"{SUBMISSIONS}/batch"
FIELDWORK = "/api/v1/fieldwork"
SURVEY = "faults"
ACCEPTED = ("created", "duplicate")


# --- the field: accounts, a wave, a sample and one assignment per household ---------------------------

@dataclass
class Enumerator:
    username: str
    token: str
    assignment_ids: list[int] = field(default_factory=list)


def create_accounts(engine: Engine, enumerators: int) -> tuple[str, list[Enumerator]]:
    """An admin and enumerators with bearer tokens, written directly (logins are slow on purpose)."""
    password_hash = hash_password("fault injection password")
    people = [("faults-admin", Role.admin)] + [(f"enumerator-{i:04d}", Role.enumerator) for i in range(enumerators)]
    tokens = []
    with Session(engine) as session:
        for username, role in people:
            user = User(username=username, role=role, password_hash=password_hash)
            session.add(user)
            session.flush()
            token = new_token()
            session.add(AccessToken(user_id=user.id, token_hash=token_digest(token, SECRET),
                                    expires_at=utcnow() + timedelta(hours=4)))
            tokens.append(token)
        session.commit()
    return tokens[0], [Enumerator(username, token) for (username, _), token in zip(people[1:], tokens[1:], strict=True)]


def organise_fieldwork(base: str, admin_token: str, enumerators: list[Enumerator], households: int) -> None:
    """Over the API: a wave using the victimization instrument, a PSU of `households` households
    per enumerator, each PSU assigned to its enumerator."""
    psus = [f"P{i:04d}" for i in range(len(enumerators))]
    files = {
        "strata": "stratum\nURB\n",
        "psus": "stratum,psu,selection_probability\n" + "".join(f"URB,{p},0.1\n" for p in psus),
        "households": "psu,household,selection_probability\n"
                      + "".join(f"{p},{h:03d},0.2\n" for p in psus for h in range(households)),
    }
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin_token}"}, timeout=120) as client:
        wave = {"code": SURVEY, "name": "Fault injection wave", "form_ids": ["sinmiedo_victimization"]}
        client.post(f"{FIELDWORK}/surveys", json=wave).raise_for_status()
        parts = {name: (f"{name}.csv", text.encode(), "text/csv") for name, text in files.items()}
        client.post(f"{FIELDWORK}/surveys/{SURVEY}/sample", files=parts).raise_for_status()
        for enumerator, psu in zip(enumerators, psus, strict=True):
            response = client.post(f"{FIELDWORK}/surveys/{SURVEY}/assignments",
                                   json={"enumerator": enumerator.username, "psu": psu})
            response.raise_for_status()
            enumerator.assignment_ids = sorted(row["id"] for row in response.json())


def interviews_for(enumerator: Enumerator, version: str) -> list[dict]:
    """One victimization interview per assigned household."""
    bodies = []
    for assignment_id in enumerator.assignment_ids:
        body = interview("victimization", version)
        body["assignment_id"] = assignment_id
        bodies.append(body)
    return bodies


# --- what the clients saw ----------------------------------------------------------------------------

@dataclass
class Ledger:
    interviews: int = 0
    sent: set[str] = field(default_factory=set)          # transmitted at least once, whole or cut
    acknowledged: set[str] = field(default_factory=set)  # 201/200, or a created/duplicate verdict
    created: Counter = field(default_factory=Counter)    # instance id -> "created" answers seen
    verdicts: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)  # anything a correct service never answers
    latencies: list[float] = field(default_factory=list)
    in_flight_batches: int = 0
    chaos_events: list["ChaosEvent"] = field(default_factory=list)

    def accept(self, instance_id: str, verdict: str, *, already_acknowledged: bool) -> None:
        self.verdicts[verdict] += 1
        if verdict == "created":
            self.created[instance_id] += 1
            if already_acknowledged:  # the earlier acknowledgement was not kept
                self.unexpected["created again after an acknowledgement"] += 1
        self.acknowledged.add(instance_id)


@dataclass(frozen=True)
class Plan:
    """How hostile the network is (probabilities per attempt, for the first `faulty_attempts`)."""

    p_timeout: float = 0.08
    p_drop: float = 0.06
    p_cut: float = 0.04
    p_resend: float = 0.15       # resend a unit already acknowledged
    p_single: float = 0.4        # a unit is one interview, otherwise a batch
    max_batch: int = 25
    faulty_attempts: int = 3
    request_timeout: float = 60.0
    unit_deadline: float = 240.0
    max_backoff: float = 1.0


@dataclass
class Unit:
    instance_ids: list[str]
    path: str
    body: bytes


def units_of(bodies: list[dict], rng: random.Random, plan: Plan) -> list[Unit]:
    units, index = [], 0
    while index < len(bodies):
        size = 1 if rng.random() < plan.p_single else rng.randint(2, plan.max_batch)
        chunk = bodies[index : index + size]
        index += size
        if len(chunk) == 1 and size == 1:
            units.append(Unit([chunk[0]["instance_id"]], SUBMISSIONS, json.dumps(chunk[0]).encode()))
        else:
            units.append(Unit([b["instance_id"] for b in chunk], BATCH, json.dumps({"submissions": chunk}).encode()))
    return units


class Uploader:
    """One enumerator's device."""

    def __init__(self, base: str, enumerator: Enumerator, bodies: list[dict], seed: int, plan: Plan,
                 ledger: Ledger) -> None:
        self.base, self.enumerator, self.plan, self.ledger = base, enumerator, plan, ledger
        self.rng = random.Random(seed)
        # Streams of their own: which faults are drawn does not depend on how often a retry waited.
        self.faults, self.jitter = random.Random(seed + 1), random.Random(seed + 2)
        self.units = units_of(bodies, self.rng, plan)
        address = urlsplit(base)
        self.host, self.port = address.hostname, address.port

    async def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.enumerator.token}", "Content-Type": "application/json"}
        async with httpx.AsyncClient(base_url=self.base, headers=headers, timeout=self.plan.request_timeout) as client:
            delivered: list[Unit] = []
            for unit in self.units:
                await self.deliver(client, unit)
                delivered.append(unit)
                if self.rng.random() < self.plan.p_resend:
                    self.ledger.faults["resend of an acknowledged unit"] += 1
                    await self.deliver(client, self.rng.choice(delivered))

    def _fault(self, attempt: int) -> str | None:
        if attempt > self.plan.faulty_attempts:
            return None
        draw = self.faults.random()
        for name, p in (("client timeout", self.plan.p_timeout), ("dropped before the response", self.plan.p_drop),
                        ("cut halfway", self.plan.p_cut)):
            if draw < p:
                return name
            draw -= p
        return None

    async def _pause(self, attempt: int, retry_after: float | None = None) -> None:
        wait = retry_after if retry_after is not None else 0.05 * 2 ** min(attempt, 5)
        await asyncio.sleep(min(wait, self.plan.max_backoff) * self.jitter.uniform(0.5, 1.0))

    async def deliver(self, client: httpx.AsyncClient, unit: Unit) -> None:
        """Send until the server answers; faults are injected on the first attempts."""
        deadline = time.monotonic() + self.plan.unit_deadline
        is_batch = unit.path == BATCH
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            self.ledger.sent.update(unit.instance_ids)
            fault = self._fault(attempt)
            if fault in ("dropped before the response", "cut halfway"):
                await self._raw_send(unit, cut=fault == "cut halfway")
                self.ledger.faults[fault] += 1
                continue
            timeout = self.faults.uniform(0.001, 0.03) if fault == "client timeout" else self.plan.request_timeout
            self.ledger.in_flight_batches += is_batch
            started = time.perf_counter()
            try:
                response = await client.post(unit.path, content=unit.body, timeout=timeout)
            except httpx.TimeoutException:
                self.ledger.faults[fault or "timeout without injection"] += 1
                await self._pause(attempt)
                continue
            except httpx.TransportError as exc:
                self.ledger.faults[f"connection error ({type(exc).__name__})"] += 1
                await self._pause(attempt)
                continue
            finally:
                self.ledger.in_flight_batches -= is_batch
            if fault is None:
                self.ledger.latencies.append(time.perf_counter() - started)
            if response.status_code == 503:
                self.ledger.faults["503 from the server"] += 1
                await self._pause(attempt, float(response.headers.get("retry-after", "1")))
                continue
            if response.status_code >= 500:
                self.ledger.unexpected[f"{response.status_code} from {unit.path}"] += 1
                await self._pause(attempt)
                continue
            self._record(unit, response)
            return
        self.ledger.unexpected["gave up after the deadline"] += len(unit.instance_ids)

    def _record(self, unit: Unit, response: httpx.Response) -> None:
        if unit.path == SUBMISSIONS:
            verdict = {201: "created", 200: "duplicate"}.get(response.status_code)
            results = [(unit.instance_ids[0], verdict or f"HTTP {response.status_code}")]
        elif response.status_code == 200:
            results = [(r["instance_id"], r["status"]) for r in response.json()["results"]]
        else:
            results = [(i, f"batch HTTP {response.status_code}") for i in unit.instance_ids]
        for instance_id, verdict in results:
            if verdict in ACCEPTED:
                known = instance_id in self.ledger.acknowledged
                self.ledger.accept(instance_id, verdict, already_acknowledged=known)
            else:
                self.ledger.unexpected[f"{verdict} for {unit.path}"] += 1

    async def _raw_send(self, unit: Unit, *, cut: bool) -> None:
        """Write the request on a bare connection and abort it without reading anything back."""
        body = unit.body[: len(unit.body) // 2] if cut else unit.body
        head = (f"POST {unit.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Authorization: Bearer {self.enumerator.token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(unit.body)}\r\n\r\n").encode()
        try:
            _reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(head + body)
            await writer.drain()
            await asyncio.sleep(self.faults.uniform(0, 0.02))
            writer.transport.abort()
        except OSError:
            self.ledger.faults["connection error (raw)"] += 1
            await self._pause(1)


# --- running a fleet ---------------------------------------------------------------------------------

Chaos = Callable[[], None]


@dataclass(frozen=True)
class ChaosEvent:
    label: str
    acknowledged: int
    batches_in_flight: int
    seconds: float  # until the action returned (the server or database answering again)

    def __str__(self) -> str:
        return (f"{self.label} at {self.acknowledged} acknowledged, {self.batches_in_flight} batch(es) in flight, "
                f"back in {self.seconds:.1f} s")


async def _chaos(ledger: Ledger, at_fractions: list[float], action: Chaos, label: str, done: asyncio.Event) -> None:
    """At each fraction of acknowledged interviews, wait for a batch in flight and run `action`."""
    for fraction in at_fractions:
        while len(ledger.acknowledged) < fraction * ledger.interviews and not done.is_set():
            await asyncio.sleep(0.01)
        waited = time.monotonic()
        while ledger.in_flight_batches == 0 and time.monotonic() - waited < 10 and not done.is_set():
            await asyncio.sleep(0.001)
        if done.is_set():
            return
        in_flight = ledger.in_flight_batches
        started = time.monotonic()
        await asyncio.to_thread(action)
        ledger.chaos_events.append(ChaosEvent(label, len(ledger.acknowledged), in_flight, time.monotonic() - started))


async def _run(base: str, field_: list[tuple[Enumerator, list[dict]]], plan: Plan, seed: int, ledger: Ledger,
               chaos: tuple[list[float], Chaos, str] | None) -> None:
    done = asyncio.Event()
    chaos_task = asyncio.create_task(_chaos(ledger, *chaos, done)) if chaos else None
    uploaders = [Uploader(base, e, bodies, seed * 100_003 + 3 * i, plan, ledger) for i, (e, bodies) in enumerate(field_)]
    try:
        await asyncio.gather(*(u.run() for u in uploaders))
    finally:
        done.set()
        if chaos_task is not None:
            await chaos_task


@dataclass
class Outcome:
    label: str
    ledger: Ledger
    seconds: float
    stored: int = 0
    duplicates: int = 0
    extra_revisions: int = 0
    lost: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)      # stored but never sent
    unreadable: list[str] = field(default_factory=list)

    @property
    def unacknowledged(self) -> int:
        return self.ledger.interviews - len(self.ledger.acknowledged)

    def problems(self) -> list[str]:
        """Every broken invariant, in words; empty when the run proves no loss."""
        found = [f"{n} x {what}" for what, n in self.ledger.unexpected.items()]
        for name, value in (("lost", len(self.lost)), ("duplicated", self.duplicates),
                            ("extra revisions", self.extra_revisions), ("stored but never sent", len(self.strays)),
                            ("unreadable through the API", len(self.unreadable)),
                            ("never acknowledged", self.unacknowledged)):
            if value:
                found.append(f"{value} {name}")
        twice = sum(1 for n in self.ledger.created.values() if n > 1)
        if twice:
            found.append(f"{twice} interviews answered 'created' more than once")
        return found

    def summary(self) -> str:
        ledger = self.ledger
        latencies = sorted(ledger.latencies)
        p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000 if latencies else float("nan")
        lines = [
            f"{self.label}: {len(ledger.acknowledged)} interviews acknowledged in {self.seconds:.1f} s = "
            f"{len(ledger.acknowledged) / self.seconds:,.0f}/s; {len(latencies)} clean requests p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms",
            f"{self.label}: interviews {ledger.interviews}, sent {len(ledger.sent)}, acknowledged "
            f"{len(ledger.acknowledged)}, stored {self.stored}, duplicates={self.duplicates}, lost={len(self.lost)}, "
            f"extra revisions={self.extra_revisions}, stray={len(self.strays)}, unreadable={len(self.unreadable)}, "
            f"unacknowledged={self.unacknowledged}",
            f"{self.label}: verdicts {dict(ledger.verdicts)}",
            f"{self.label}: faults {dict(sorted(ledger.faults.items()))}",
        ]
        lines += [f"{self.label}: {event}" for event in ledger.chaos_events]
        problems = self.problems()
        lines.append(f"{self.label}: " + ("PROBLEMS: " + "; ".join(problems) if problems else "no loss, no duplicate"))
        return "\n".join(lines)


def count_stored(engine: Engine) -> tuple[dict[str, int], int]:
    """Rows per instance id, and submissions with more than one revision (a resend must add none)."""
    with Session(engine) as session:
        per_instance = dict(session.exec(
            select(Submission.instance_id, func.count()).group_by(col(Submission.instance_id))).all())
        multi = session.exec(select(func.count()).select_from(
            select(SubmissionRevision.submission_id).group_by(col(SubmissionRevision.submission_id))
            .having(func.count() > 1).subquery())).one()
    return per_instance, multi


def shown_as_sent(shown: object, sent: object) -> bool:
    """The answers read back are those sent, less the personal identifiers kept apart (also in repeats)."""
    if isinstance(shown, dict) and isinstance(sent, dict):
        return all(key in sent and shown_as_sent(value, sent[key]) for key, value in shown.items())
    if isinstance(shown, list) and isinstance(sent, list):
        return len(shown) == len(sent) and all(shown_as_sent(a, b) for a, b in zip(shown, sent, strict=True))
    return shown == sent


async def read_back(base: str, owners: dict[str, tuple[str, dict]], concurrency: int = 16) -> list[str]:
    """Read every acknowledged interview as its enumerator; returns those not readable as sent."""
    failed: list[str] = []
    queue = list(owners.items())

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            while queue:
                instance_id, (token, body) = queue.pop()
                response = await client.get(f"{SUBMISSIONS}/{instance_id}", headers={"Authorization": f"Bearer {token}"})
                stored = response.json() if response.status_code == 200 else {}
                same = (stored.get("instance_id") == instance_id and stored.get("revision") == 1
                        and stored.get("assignment_id") == body["assignment_id"]
                        and bool(stored.get("answers")) and shown_as_sent(stored.get("answers"), body["answers"]))
                if not same:
                    failed.append(instance_id)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failed


def run_fleet(label: str, base: str, engine: Engine, field_: list[tuple[Enumerator, list[dict]]], *,
              plan: Plan = Plan(), seed: int = 1, chaos: tuple[list[float], Chaos, str] | None = None) -> Outcome:
    """Upload everything through the faults, then check the invariants against the database and the API."""
    ledger = Ledger(interviews=sum(len(bodies) for _, bodies in field_))
    started = time.perf_counter()
    asyncio.run(_run(base, field_, plan, seed, ledger, chaos))
    outcome = Outcome(label, ledger, time.perf_counter() - started)
    per_instance, outcome.extra_revisions = count_stored(engine)
    outcome.stored = len(per_instance)
    outcome.duplicates = sum(n - 1 for n in per_instance.values())
    outcome.lost = sorted(ledger.acknowledged - per_instance.keys())
    outcome.strays = sorted(per_instance.keys() - ledger.sent)
    owners = {b["instance_id"]: (e.token, b) for e, bodies in field_ for b in bodies
              if b["instance_id"] in ledger.acknowledged}
    outcome.unreadable = asyncio.run(read_back(base, owners))
    return outcome
