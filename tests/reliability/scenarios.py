"""The three fault runs, at any size: used by tests/reliability (small) and `python -m bench faults` (full).

1. `retries`: a faulty network only (timeouts, dropped connections, batches cut halfway, resends);
2. `server_killed`: the same, and the server SIGKILLed while batches are in flight, then restarted;
3. `postgres_restarted`: the same network, and a private PostgreSQL cluster restarted under load.
"""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from api import migrate
from api.db import create_db_engine
from tests.api.submission_data import publish_bundled
from tests.reliability.fleet import (
    SECRET,
    Enumerator,
    Outcome,
    Plan,
    create_accounts,
    interviews_for,
    organise_fieldwork,
    run_fleet,
)
from tests.reliability.live_server import LiveServer
from tests.reliability.private_postgres import PrivateCluster


@contextmanager
def live_field(url: str, enumerators: int, interviews: int, workers: int
               ) -> Iterator[tuple[LiveServer, Engine, list[tuple[Enumerator, list[dict]]]]]:
    """A migrated database with the instrument published, accounts, a wave and its assignments,
    and a live server over it."""
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        version = publish_bundled(engine, "victimization")["victimization"]
        admin_token, people = create_accounts(engine, enumerators)
        with LiveServer(url, SECRET, workers=workers) as server:
            organise_fieldwork(server.base, admin_token, people, interviews)
            yield server, engine, [(person, interviews_for(person, version)) for person in people]
    finally:
        engine.dispose()


def retries(label: str, url: str, *, enumerators: int, interviews: int, workers: int = 2, plan: Plan = Plan(),
            seed: int = 1) -> Outcome:
    with live_field(url, enumerators, interviews, workers) as (server, engine, field_):
        return run_fleet(label, server.base, engine, field_, plan=plan, seed=seed)


def server_killed(label: str, url: str, *, enumerators: int, interviews: int, workers: int = 2, plan: Plan = Plan(),
                  seed: int = 2, at: tuple[float, ...] = (0.3, 0.6)) -> Outcome:
    with live_field(url, enumerators, interviews, workers) as (server, engine, field_):
        def kill_and_restart() -> None:
            server.kill()
            server.start()

        return run_fleet(label, server.base, engine, field_, plan=plan, seed=seed,
                         chaos=(list(at), kill_and_restart, "server SIGKILLed and restarted"))


def postgres_restarted(label: str, *, enumerators: int, interviews: int, workers: int = 2, plan: Plan = Plan(),
                       seed: int = 3, at: tuple[float, ...] = (0.3, 0.6),
                       modes: tuple[str, ...] = ("fast", "immediate")) -> Outcome:
    with PrivateCluster() as cluster:
        url = cluster.create_database("sinmiedo_faults")
        with live_field(url, enumerators, interviews, workers) as (server, engine, field_):
            mode = itertools.cycle(modes)

            def restart() -> None:
                cluster.restart(next(mode))

            return run_fleet(label, server.base, engine, field_, plan=plan, seed=seed,
                             chaos=(list(at), restart, f"PostgreSQL restarted ({'/'.join(modes)})"))
