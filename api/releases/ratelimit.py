"""A token bucket per client address for the public endpoints, kept in the process.

Each address may burst `per_minute` requests and then gets one more every 60/per_minute seconds.
Several workers each keep their own buckets, so the effective limit is per worker; that is enough
to stop one client from scraping in a loop. The address is the connection's peer: behind a proxy,
configure the server (uvicorn --forwarded-allow-ips) so that it is the client's.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from api.errors import TooManyRequests

MAX_TRACKED_CLIENTS = 10_000


class TokenBucket:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.refill_per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.refill_per_second
            self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._buckets.popitem(last=False)  # the least recently seen client starts afresh
            return wait


def _bucket(request: Request) -> TokenBucket | None:
    state = request.app.state
    if not hasattr(state, "public_rate_limiter"):
        per_minute = state.settings.public_rate_limit
        state.public_rate_limiter = TokenBucket(per_minute) if per_minute else None
    return state.public_rate_limiter


def public_rate_limit(request: Request) -> None:
    bucket = _bucket(request)
    if bucket is None:
        return
    wait = bucket.take(request.client.host if request.client else "unknown")
    if wait:
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(f"Too many requests from this address; retry in {seconds} s",
                              code="rate_limited", headers={"Retry-After": str(seconds)})


RateLimited = Annotated[None, Depends(public_rate_limit)]
