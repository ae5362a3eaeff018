"""`sinmiedo serve --workers N`: a listening socket per worker (SO_REUSEPORT), so that kept-open
connections spread over the workers; a dead worker is replaced; SIGINT stops them all."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import click
import pytest

from api import migrate
from tests.reliability.live_server import ROOT, LiveServer

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads listening sockets from /proc")


def listening_inodes(port: int) -> set[str]:
    """Inodes of the sockets listening on 127.0.0.1:port (state 0A in /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            found.add(fields[9])
    return found


def owner_of(inode: str) -> int | None:
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(fd_dir.parent.name)
        except OSError:
            continue
    return None


def wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def _when(value, test):
    return value if test(value) else None


def get_health(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return sock.recv(4096)


SECRET = "serve-test-secret-long-enough-0123456789"


def served(tmp_path: Path) -> LiveServer:
    """`sinmiedo serve --workers 2` over a fresh SQLite database, in a session of its own."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrate.upgrade(url)
    return LiveServer(url, SECRET, workers=2)


def test_workers_listen_apart_are_replaced_when_killed_and_stop_on_sigint(tmp_path):
    with served(tmp_path) as server:
        port, process, tail = server.port, server.process, server.log_tail
        sockets = wait_for(lambda: _when(listening_inodes(port), lambda found: len(found) == 2))
        workers = {owner_of(inode) for inode in sockets}
        assert len(workers) == 2 and process.pid not in workers, (workers, process.pid)

        victim = next(iter(workers))
        os.kill(victim, signal.SIGKILL)
        replaced = wait_for(lambda: _when(listening_inodes(port), lambda found: len(found) == 2 and found != sockets))
        assert victim not in {owner_of(inode) for inode in replaced}
        assert all(b" 200 " in get_health(port) for _ in range(20))

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, tail()
        assert listening_inodes(port) == set()


def test_workers_leave_when_the_supervisor_is_killed(tmp_path):
    with served(tmp_path) as server:
        workers = {owner_of(inode) for inode in wait_for(
            lambda: _when(listening_inodes(server.port), lambda found: len(found) == 2))}
        server.process.kill()  # SIGKILL to the supervisor alone: no handler runs
        server.process.wait()
        wait_for(lambda: not listening_inodes(server.port))
        wait_for(lambda: all(not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid) for pid in workers))


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_a_port_already_taken_fails_at_once(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = LiveServer(f"sqlite:///{tmp_path / 'x.db'}", SECRET, workers=2)
        command = [str(port) if part == str(server.port) else part for part in server.command]
        result = subprocess.run(command, env=server.env, cwd=ROOT, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert b"Address already in use" in result.stderr


def test_the_number_of_workers_can_come_from_the_environment(monkeypatch):
    """The Docker image is configured by SINMIEDO_* variables: SINMIEDO_WORKERS sets --workers."""
    from api.cli.server import serve

    monkeypatch.setenv("SINMIEDO_WORKERS", "3")
    assert serve.make_context("serve", []).params["workers"] == 3
    assert serve.make_context("serve", ["--workers", "2"]).params["workers"] == 2  # the option wins
    monkeypatch.setenv("SINMIEDO_WORKERS", "0")
    with pytest.raises(click.BadParameter):
        serve.make_context("serve", [])
