"""A lean HTTP/1.1 load generator: keep-alive connections on asyncio streams, requests built ahead.

The load runs on the machine it measures: a client that spends a millisecond of CPU per request
(a full HTTP library) takes a core from a two-core server and shows up as the server's slowness.
Here a request costs the client a write and a read of its response head and body (Content-Length
only: the service never sends chunked replies to these requests).
"""

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What a load gave: per-request latencies (s) and status counts, and its wall time."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> int:
        return self.statuses.get(status, 0)


def post(path: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
    """The bytes of one POST request with a JSON body."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run(host: str, port: int, shares: list[list[bytes]], check=None, *, connection_per_request: bool = False,
              ) -> Outcome:
    """Each share is one client's requests, sent one after the other on its own keep-alive connection,
    or each on a new one (`connection_per_request`: its time includes connecting); `check(status, body)`
    may look at each response (it runs on the clock, keep it cheap)."""
    outcome = Outcome()

    async def client(requests: list[bytes]) -> None:
        connection = None
        try:
            for request in requests:
                started = time.perf_counter()
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                status, body = await _exchange(*connection, request)
                if connection_per_request:
                    connection[1].close()
                    connection = None
                outcome.latencies.append(time.perf_counter() - started)
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                if check is not None:
                    check(status, body)
        finally:
            if connection is not None:
                connection[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(client(share) for share in shares))
    outcome.seconds = time.perf_counter() - started
    return outcome
