"""Interviews accepted over real HTTP: single JSON submissions from concurrent clients, and batch sync.

Starts `uvicorn api.app:create_app` in a subprocess on 127.0.0.1 over a fresh, migrated SQLite
database (and a throwaway PostgreSQL database when SINMIEDO_TEST_POSTGRES_URL is set), publishes
the bundled victimization instrument, creates enumerators with tokens, then measures:

(a) single submissions: `--clients` concurrent clients (bench/http_load.py, loopback only) posting
    `--requests` distinct victimization interviews to POST /api/v1/submissions: accepted/s and
    p50/p99 latency;
(b) batch sync: `--batches` batches of 500 interviews to POST /api/v1/submissions/batch, sent
    by `--batch-clients` devices at a time (16: a team syncing at the end of the day), each batch on a
    new connection: validated interviews/s. With few devices the kernel's placement of their connections
    on the workers' sockets decides more than the server: with 4, a worker had none to serve about a fifth
    of the time (the machine ~20% idle, 8,000/s against 9,300/s with 16 and ~5% idle, SQLite).

Issue targets: >= 1,000 accepted/s single with p99 < 100 ms, >= 20,000 validated/s batch.
ODK Central's published figure is about 41 submissions/s on a small server.
Beside wall figures, the server's own CPU time (all its processes, read from /proc on Linux) per
accepted interview: comparable between runs on a machine shared with other work.
`--profile` runs the server under cProfile for the single-submission load and prints where the time goes.
"""

import argparse
import asyncio
import contextlib
import copy
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api import migrate
from bench import http_load
from api.db import create_db_engine
from api.db_types import utcnow
from api.instruments import service as instruments
from api.security import new_token, token_digest
from api.users import service as users_service
from api.users.models import AccessToken, Role
from api.users.schemas import UserCreate
from survey_defs.instruments import bundled_instrument_path
from tests.reliability.live_server import free_port, wait_until_answering
from tests.survey_defs.test_instruments import VICTIMIZATION_ANSWERS  # run from the repository root

ODK_CENTRAL_PER_SECOND = 41.0
TARGET_SINGLE_PER_SECOND = 1_000.0
TARGET_P99_MS = 100.0
TARGET_BATCH_PER_SECOND = 20_000.0
BATCH_SIZE = 500
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
POSTGRES_ENV = "SINMIEDO_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parent.parent

# A household with three incidents: the answer set the instrument's own tests validate.
ANSWERS = VICTIMIZATION_ANSWERS


def interview(version: str) -> dict:
    return {
        "instance_id": str(uuid.uuid4()),
        "instrument": {"form_id": "sinmiedo_victimization", "version": version},
        "answers": copy.deepcopy(ANSWERS),
        "paradata": {"started_at": "2026-11-21T11:00:00-05:00", "ended_at": "2026-11-21T11:31:00-05:00",
                     "device_id": "bench", "gps": {"latitude": -12.0464, "longitude": -77.0428, "accuracy": 5.0}},
    }


# --- databases ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.db'}"


def _conninfo(url: str) -> str:
    parsed = make_url(url)
    parts = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432, "user": parsed.username or "postgres",
             "dbname": parsed.database or "postgres"}
    if parsed.password:
        parts["password"] = parsed.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


@contextlib.contextmanager
def postgres_database(server: str) -> Iterator[str]:
    name = f"sinmiedo_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo(server), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_conninfo(server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, enumerators: int) -> tuple[str, list[str]]:
    """Migrate, publish the victimization instrument, create enumerators; returns (version, tokens)."""
    migrate.upgrade(url)
    engine = create_db_engine(url)
    tokens = []
    with Session(engine) as session:
        path = bundled_instrument_path("victimization")
        _, row = instruments.upload(session, None, path.read_bytes(), path.name)
        instruments.publish(session, None, "sinmiedo_victimization", row.version)
        for index in range(enumerators):
            user = users_service.create_user(
                session, UserCreate(username=f"enumerator-{index}", role=Role.enumerator,
                                    password="bench password 123"), actor=None)
            token = new_token()
            session.add(AccessToken(user_id=user.id, token_hash=token_digest(token, SECRET),
                                    expires_at=utcnow() + timedelta(hours=2)))
            tokens.append(token)
        session.commit()
        version = row.version
    engine.dispose()
    return version, tokens


# --- the server --------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its live descendants (None where /proc is missing)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            if current == pid:
                return None
    return total / ticks


@contextlib.contextmanager
def server(url: str, workers: int, profile_to: Path | None) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "SINMIEDO_DATABASE_URL": url, "SINMIEDO_SECRET_KEY": SECRET,
           "SINMIEDO_ENVIRONMENT": "development", "SINMIEDO_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    if profile_to is None:  # served as in production: `sinmiedo serve`, a listening socket per worker
        command = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", str(workers)]
    else:  # one worker under cProfile
        command = [sys.executable, "-m", "cProfile", "-o", str(profile_to), "-m", "uvicorn", "api.app:create_app",
                   "--factory", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    # The server's errors go to a file: a pipe nobody reads would stall the server once full.
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, base, lambda: _tail(errors))
        if profile_to is None:
            wait_until_listening(port, workers)
        yield base, process.pid
    except BaseException:
        print(f"the server said: {_tail(errors)}", file=sys.stderr)
        raise
    finally:
        process.send_signal(2)  # SIGINT: uvicorn shuts down cleanly and cProfile writes its file
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.close()


def wait_until_listening(port: int, workers: int, timeout: float = 30.0) -> None:
    """Wait until every worker listens on the port (Linux: /proc/net/tcp; elsewhere no wait).

    The first worker to start answers /health while the others may not listen yet, and the kernel can
    only hand a new connection to a socket that listens: the 50 keep-alive clients, connecting at once,
    then all stayed on one worker (measured on PostgreSQL: 502/s against 968/s when spread 28/22)."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return
    deadline = time.monotonic() + timeout
    while _listening_sockets(tables, port) < workers and time.monotonic() < deadline:
        time.sleep(0.05)


def _listening_sockets(tables: list[Path], port: int) -> int:
    count = 0
    for table in tables:
        for line in table.read_text().splitlines()[1:] if table.exists() else []:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # state 0A: LISTEN
                count += 1
    return count


def _tail(file, size: int = 3000) -> str:
    file.seek(0)
    return file.read().decode(errors="replace")[-size:]


# --- the loads ---------------------------------------------------------------------------------------

def single_load(base: str, tokens: list[str], bodies: list[bytes]) -> http_load.Outcome:
    """Each client posts its share of interviews one after the other on one keep-alive connection."""
    host, port = _host_port(base)
    shares = [[http_load.post("/api/v1/submissions", f"{host}:{port}", {"Authorization": f"Bearer {token}"}, body)
               for body in bodies[index::len(tokens)]] for index, token in enumerate(tokens)]
    return asyncio.run(http_load.run(host, port, shares))


def batch_load(base: str, tokens: list[str], batches: list[bytes], clients: int) -> tuple[http_load.Outcome, int]:
    """The batches, sent by `clients` devices syncing at once, each batch on a connection of its own (a
    device syncs once and leaves); returns the outcome and how many were created.

    Not one keep-alive connection per client for all its batches: each worker listens on a socket of its
    own and the kernel hands a connection to one of them by a hash of its addresses, so 4 connections
    fell 2/2 on the 2 workers only 3 times in 8, and a run with 3/1 or 4/0 measured one worker busy while
    the other idled (the machine half idle: 5,000-9,900/s from run to run at the same CPU per interview)."""
    host, port = _host_port(base)
    shares = [[http_load.post("/api/v1/submissions/batch", f"{host}:{port}",
                              {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}, body)
               for body in batches[index::clients]] for index in range(clients)]
    created = 0

    def count(status: int, body: bytes) -> None:
        nonlocal created
        if status != 200:
            raise RuntimeError(f"a batch was answered {status}: {body[:300]!r}")
        created += json.loads(body)["created"]

    return asyncio.run(http_load.run(host, port, shares, check=count, connection_per_request=True)), created


def _host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def _server_cpu(before: float | None, after: float | None, count: int, what: str) -> str:
    if before is None or after is None or not count:
        return ""
    return f"; server CPU {(after - before) * 1000 / count:.2f} ms per {what}"


def run_backend(label: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    version, tokens = prepare(url, args.clients)
    singles = [json.dumps(interview(version)).encode() for _ in range(args.requests)]
    batches = [json.dumps({"submissions": [interview(version) for _ in range(BATCH_SIZE)]}).encode()
               for _ in range(args.batches)]
    profile_to = workdir / f"{label}.prof" if args.profile else None
    with server(url, args.workers, profile_to) as (base, pid):
        cpu_before, client_before = cpu_seconds(pid), time.process_time()
        outcome = single_load(base, tokens, singles)
        cpu_after, client_cpu = cpu_seconds(pid), time.process_time() - client_before
        accepted = outcome.count(201)
        per_second = accepted / outcome.seconds
        p50, p99 = percentile(outcome.latencies, 50) * 1000, percentile(outcome.latencies, 99) * 1000
        print(f"{label}: single  {accepted}/{len(singles)} accepted in {outcome.seconds:.2f} s = {per_second:,.0f}/s "
              f"(target {TARGET_SINGLE_PER_SECOND:,.0f}); p50 {p50:.1f} ms, p99 {p99:.1f} ms "
              f"(target < {TARGET_P99_MS:.0f}); {per_second / ODK_CENTRAL_PER_SECOND:.1f}x ODK Central's "
              f"{ODK_CENTRAL_PER_SECOND:.0f}/s{_server_cpu(cpu_before, cpu_after, accepted, 'accepted interview')}"
              f"; client CPU {client_cpu * 1000 / max(1, len(singles)):.2f} ms per request", flush=True)
        if accepted != len(singles):
            print(f"{label}: statuses {outcome.statuses}", flush=True)
        if not args.profile:
            cpu_before = cpu_seconds(pid)
            outcome, created = batch_load(base, tokens, batches, args.batch_clients)
            cpu_after = cpu_seconds(pid)
            print(f"{label}: batch   {created} validated and stored in {outcome.seconds:.2f} s = "
                  f"{created / outcome.seconds:,.0f}/s (target {TARGET_BATCH_PER_SECOND:,.0f}); {len(batches)} batches "
                  f"of {BATCH_SIZE} from {args.batch_clients} clients"
                  f"{_server_cpu(cpu_before, cpu_after, created, 'stored interview')}", flush=True)
    if profile_to is not None and profile_to.exists():
        print(f"{label}: where the server's time goes (cumulative, top 25):")
        pstats.Stats(str(profile_to)).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3_000, help="single submissions in (a)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in (a)")
    parser.add_argument("--batches", type=int, default=10, help="batches of 500 in (b)")
    parser.add_argument("--batch-clients", type=int, default=16, help="devices syncing batches at once in (b)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn worker processes")
    parser.add_argument("--profile", action="store_true", help="profile one worker under the single-submission load")
    parser.add_argument("--databases", default="sqlite,postgres", help="which of sqlite,postgres to measure")
    args = parser.parse_args()
    if args.profile:
        args.workers = 1
    print(f"{os.cpu_count()} CPU(s); {args.workers} uvicorn worker(s); {args.clients} clients; "
          f"{args.requests} single interviews; {args.batches} x {BATCH_SIZE} batch interviews", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        databases = set(args.databases.split(","))
        if "sqlite" in databases:
            with sqlite_database(workdir) as url:
                run_backend("sqlite", url, args, workdir)
        server_url = os.environ.get(POSTGRES_ENV)
        if "postgres" not in databases:
            pass
        elif server_url:
            with postgres_database(server_url) as url:
                run_backend("postgres", url, args, workdir)
        else:
            print(f"postgres: skipped ({POSTGRES_ENV} is not set)")
