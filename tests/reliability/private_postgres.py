"""A throwaway PostgreSQL cluster of our own (initdb in a temporary directory, a free loopback port)
that may be restarted under load. The system PostgreSQL is shared and is never touched.

Run as root, the cluster's commands run as the `postgres` user (initdb refuses root).
"""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.reliability.live_server import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def unavailable_reason() -> str | None:
    """Why no private cluster can be made here, or None."""
    if _bin_dir() is None:
        return "initdb is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to run initdb as postgres"
    return None


class PrivateCluster:
    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("initdb is not installed")
        self.bin = bin_dir
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="sinmiedo-pg-"))
        self.data = self.tmp / "data"
        self.log = self.tmp / "server.log"
        self.restarts = 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-instructions",
                  "--encoding=UTF8", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.tmp}"
        self._pg_ctl("start", "-o", options)

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)

    def restart(self, mode: str = "fast") -> None:
        """pg_ctl restart: 'fast' rolls back open transactions, 'immediate' is a crash and recovery."""
        self._pg_ctl("restart", "-m", mode)
        self.restarts += 1

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def create_database(self, name: str) -> str:
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> "PrivateCluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
