"""The HTTP protocol that sends a response's head and body in one write: over real sockets."""

import asyncio
import http.client
import socket
import threading

import pytest
import uvicorn

from api.cli.http_protocol import LARGE_WRITE_BYTES, CoalescingHttpToolsProtocol, CoalescingTransport


class CountingTransport:
    """A real transport, with the writes that reached it counted."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))
        self.transport.write(data)

    def __getattr__(self, name: str):
        return getattr(self.transport, name)


async def _connected_pair() -> tuple[CountingTransport, asyncio.StreamReader, asyncio.AbstractServer]:
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future = loop.create_future()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set_result(reader)

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    return CountingTransport(transport), await accepted, server


def _run(coroutine):
    return asyncio.run(coroutine)


def test_writes_of_one_turn_leave_in_one_send_in_order():
    async def scenario():
        counting, peer, server = await _connected_pair()
        transport = CoalescingTransport(counting, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(memoryview(b"{}"))
        assert counting.writes == []  # nothing sent before the turn ends
        assert transport.get_write_buffer_size() == len(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
        received = await asyncio.wait_for(peer.readexactly(40), 5)
        assert counting.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        assert received == b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"
        transport.close()
        server.close()

    _run(scenario())


def test_a_large_write_goes_straight_through_after_what_waits():
    async def scenario():
        counting, peer, server = await _connected_pair()
        transport = CoalescingTransport(counting, asyncio.get_running_loop())
        large = b"x" * LARGE_WRITE_BYTES
        transport.write(b"head")
        transport.write(large)
        assert counting.writes == [b"head", large]  # in order, without waiting for the turn's end
        assert await asyncio.wait_for(peer.readexactly(4 + len(large)), 5) == b"head" + large
        transport.close()
        server.close()

    _run(scenario())


def test_close_sends_what_waits_and_abort_drops_it():
    async def scenario():
        counting, peer, server = await _connected_pair()
        transport = CoalescingTransport(counting, asyncio.get_running_loop())
        transport.write(b"last words")
        transport.close()
        assert await asyncio.wait_for(peer.read(), 5) == b"last words"  # then end of stream

        counting, peer, _ = await _connected_pair()
        transport = CoalescingTransport(counting, asyncio.get_running_loop())
        transport.write(b"never sent")
        transport.abort()
        await asyncio.sleep(0)  # the turn ends: nothing left to flush
        assert counting.writes == []
        with pytest.raises((ConnectionResetError, asyncio.IncompleteReadError)):
            await asyncio.wait_for(peer.readexactly(1), 5)
        server.close()

    _run(scenario())


async def _app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            event = (await receive())["type"]  # lifespan.startup, then lifespan.shutdown
            await send({"type": f"{event}.complete"})
            if event == "lifespan.shutdown":
                return
    await receive()
    if scope["path"] == "/stream":  # chunked: one write per turn, each chunk still arrives
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    body = b'{"ok":true}'
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def test_uvicorn_serves_keep_alive_and_streamed_responses_with_it():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app, http=CoalescingHttpToolsProtocol, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            threading.Event().wait(0.01)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        for _ in range(3):  # the same kept-open connection each time
            client.request("POST", "/", body=b"{}")
            response = client.getresponse()
            assert (response.status, response.read()) == (201, b'{"ok":true}')
        client.request("GET", "/stream")
        response = client.getresponse()
        assert response.getheader("transfer-encoding") == "chunked"
        assert response.read() == b"one,two,three"
        client.close()
    finally:
        server.should_exit = True
        thread.join(10)
