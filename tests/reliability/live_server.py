"""The service as a real process: `sinmiedo serve` in a subprocess on a free loopback port, which can be
killed with SIGKILL (the whole process group, workers included) and started again on the same port."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(process: subprocess.Popen, base: str, log_tail: Callable[[], str]) -> None:
    """Poll /health until the server answers; raise with the end of its log if it exits or hangs."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {log_tail()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s: {log_tail()}")
        time.sleep(0.1)


class LiveServer:
    def __init__(self, database_url: str, secret_key: str, *, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SINMIEDO_DATABASE_URL": database_url, "SINMIEDO_SECRET_KEY": secret_key,
                    "SINMIEDO_ENVIRONMENT": "development", "SINMIEDO_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        # As in production: `sinmiedo serve` (one worker runs uvicorn itself; several run under its supervisor).
        self.command = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "127.0.0.1",
                        "--port", str(self.port), "--workers", str(workers)]
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self._log = tempfile.TemporaryFile()

    def start(self) -> None:
        # A session of its own, so that SIGKILL reaches the workers too and nothing outlives the test.
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=self._log, start_new_session=True)
        wait_until_answering(self.process, self.base, self.log_tail)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, in-flight requests die wherever they are."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, size: int = 3000) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-size:]

    def __enter__(self) -> "LiveServer":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        self._log.close()
