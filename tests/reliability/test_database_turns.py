"""A burst of requests larger than the worker-thread pool is served, not deadlocked until the
connection pool's timeout: requests beyond the database's turns wait without holding a thread."""

import asyncio
from collections import Counter

import httpx2 as httpx

BURST = 150  # the thread pool has 40 threads, the connection pool 30 connections


async def burst(app, headers: dict[str, str]) -> Counter:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sinmiedo.test") as client:
        responses = await asyncio.gather(*(client.get("/api/v1/submissions", headers=headers) for _ in range(BURST)))
    return Counter(response.status_code for response in responses)


def test_a_burst_larger_than_the_thread_pool_is_served(app, make_account):
    assert app.state.database_turns.turns is not None
    assert asyncio.run(burst(app, make_account("admin").headers)) == {200: BURST}
