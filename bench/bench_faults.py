"""Interviews uploaded through faults at full size: throughput, p50/p99 latency and the counts proving no loss.

`--enumerators` simulated enumerators (default 200), each with an account and one assignment per
household, upload `--interviews` victimization interviews each (default 50) to a live uvicorn
server on a free loopback port, singly and in batches, through client timeouts, connections
dropped before the response, batches cut halfway and resends (tests/reliability/fleet.py). Runs:

  retries          the faulty network only, on SQLite and on PostgreSQL (SINMIEDO_TEST_POSTGRES_URL);
  sigkill          the same, and the server process group SIGKILLed twice while batches are in flight;
  pg-restart       the same, against a private throwaway PostgreSQL cluster (initdb in a temporary
                   directory) restarted mid-load, once with -m fast and once with -m immediate.

Afterwards every run counts: sent, acknowledged (201/200 or a created/duplicate verdict), stored
(rows in the database), duplicates and lost (acknowledged but not stored) must be 0, and every
acknowledged interview is read back through the API by its enumerator. The system PostgreSQL is
never restarted. Throughput counts acknowledged interviews per second of the whole run, faults
included; latency is of the requests sent without an injected fault.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from tests.databases import POSTGRES_ENV, fresh_database, postgres_url  # run from the repository root
from tests.reliability import scenarios
from tests.reliability.fleet import Outcome
from tests.reliability.private_postgres import unavailable_reason

RUNS = ("retries", "sigkill", "pg-restart")


def report(outcome: Outcome, failures: list[str]) -> None:
    print(outcome.summary(), flush=True)
    failures += [f"{outcome.label}: {problem}" for problem in outcome.problems()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enumerators", type=int, default=200)
    parser.add_argument("--interviews", type=int, default=50, help="interviews per enumerator")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    args = parser.parse_args()
    size = {"enumerators": args.enumerators, "interviews": args.interviews, "workers": args.workers}
    print(f"{os.cpu_count()} CPU(s); {args.workers} uvicorn worker(s); {args.enumerators} enumerators x "
          f"{args.interviews} interviews", flush=True)
    failures: list[str] = []
    backends = ["sqlite", "postgres"] if postgres_url() else ["sqlite"]
    if not postgres_url():
        print(f"postgres: skipped ({POSTGRES_ENV} is not set)")
    with tempfile.TemporaryDirectory() as tmp:
        for run, backend in [(r, b) for r in ("retries", "sigkill") if r in args.runs for b in backends]:
            with fresh_database(backend, Path(tmp)) as url:
                scenario = scenarios.retries if run == "retries" else scenarios.server_killed
                report(scenario(f"{run} {backend}", url, **size), failures)
    if "pg-restart" in args.runs:
        reason = unavailable_reason()
        if reason is None:
            report(scenarios.postgres_restarted("pg-restart private-postgres", **size), failures)
        else:
            print(f"pg-restart: skipped ({reason})")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        raise SystemExit(1)
