"""Interviews uploaded through network faults, a SIGKILLed server and a restarted PostgreSQL:
afterwards exactly one record per instance id, none lost, none duplicated, all readable.

A live server process (uvicorn) over the test database, 20 enumerators with 10 interviews each;
`python -m bench faults` runs the same at full size (200 x 50) and prints the figures.
"""

import pytest

from tests.databases import postgres_url
from tests.reliability import scenarios
from tests.reliability.fleet import Outcome, Plan
from tests.reliability.private_postgres import unavailable_reason

ENUMERATORS, INTERVIEWS = 20, 10
# Hostile enough that every kind of fault happens in a run this small.
PLAN = Plan(p_timeout=0.15, p_drop=0.15, p_cut=0.1, p_resend=0.3, max_batch=10)
INJECTED = ("client timeout", "dropped before the response", "cut halfway", "resend of an acknowledged unit")


def assert_nothing_lost(outcome: Outcome) -> None:
    assert outcome.problems() == [], outcome.summary()
    assert len(outcome.ledger.acknowledged) == outcome.stored == ENUMERATORS * INTERVIEWS, outcome.summary()
    assert all(outcome.ledger.faults[kind] > 0 for kind in INJECTED), outcome.summary()
    # Some interviews were stored by a request whose answer never reached the client.
    assert outcome.ledger.verdicts["duplicate"] > 0, outcome.summary()


def test_faulty_network_loses_and_duplicates_nothing(database_url, engine):
    outcome = scenarios.retries(engine.dialect.name, database_url, enumerators=ENUMERATORS, interviews=INTERVIEWS,
                                workers=1, plan=PLAN)
    assert_nothing_lost(outcome)


def test_server_killed_mid_batch_loses_and_duplicates_nothing(database_url, engine):
    outcome = scenarios.server_killed(engine.dialect.name, database_url, enumerators=ENUMERATORS,
                                      interviews=INTERVIEWS, workers=1, plan=PLAN, at=(0.4,))
    assert_nothing_lost(outcome)
    [kill] = outcome.ledger.chaos_events
    assert kill.batches_in_flight > 0, outcome.summary()
    assert kill.acknowledged < ENUMERATORS * INTERVIEWS, outcome.summary()


@pytest.mark.skipif(postgres_url() is None, reason="SINMIEDO_TEST_POSTGRES_URL is not set")
@pytest.mark.skipif(unavailable_reason() is not None, reason=f"no private PostgreSQL cluster: {unavailable_reason()}")
def test_postgres_restarted_under_load_loses_and_duplicates_nothing():
    outcome = scenarios.postgres_restarted("private postgres", enumerators=ENUMERATORS, interviews=INTERVIEWS,
                                           workers=1, plan=PLAN, at=(0.4,), modes=("immediate",))
    assert_nothing_lost(outcome)
    [restart] = outcome.ledger.chaos_events
    assert restart.batches_in_flight > 0, outcome.summary()
    # Requests met the restart and were told to come back, not given a 500.
    assert outcome.ledger.faults["503 from the server"] > 0, outcome.summary()
