"""Worker processes that each listen on a socket of their own (SO_REUSEPORT), kept alive by a supervisor.

Why not uvicorn's `--workers`: its workers share one listening socket, and whichever worker wakes
first accepts every connection waiting. Tablets and sync clients keep their connections open, so a
burst of them landed nearly all on one worker (measured: one worker 5.2 s of CPU, the other 0.3 s,
under 50 clients): the service ran on one core of two. With a socket per worker in the same
SO_REUSEPORT group the kernel spreads new connections across the workers.

The supervisor binds the port first (a socket in the same group that never listens, so that a port
already taken fails at once, not in every worker), starts the workers, replaces a worker that dies,
and on SIGINT or SIGTERM asks every worker to finish its requests and waits for them.
"""

import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess

import uvicorn

from api.cli.http_protocol import CoalescingHttpToolsProtocol

BACKLOG = 2048
RESTART_PAUSE_SECONDS = 0.5
PARENT_CHECK_SECONDS = 1.0


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int) -> None:
    _leave_with(os.getppid())
    sock = listening_socket(host, port)
    sock.listen(BACKLOG)
    # The app logs every request itself (api.middleware), with its request id: no second access log.
    config = uvicorn.Config("api.app:create_app", factory=True, log_config=None, access_log=False, backlog=BACKLOG,
                            http=CoalescingHttpToolsProtocol)
    uvicorn.Server(config).run(sockets=[sock])


def _leave_with(supervisor: int) -> None:
    """Stop (gracefully, as on SIGTERM) once the supervisor is gone, even SIGKILLed: a worker left behind
    would go on serving the port, with the code it started with, beside the next supervisor's workers."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


class Supervisor:
    def __init__(self, host: str, port: int, workers: int) -> None:
        self.host, self.port, self.count = host, port, workers
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []
        self.stopping = False

    def _start_one(self) -> BaseProcess:
        process = self.context.Process(target=_worker, args=(self.host, self.port), name="sinmiedo-worker")
        process.start()
        return process

    def _stop(self, *_args: object) -> None:
        self.stopping = True

    def run(self) -> None:
        holder = listening_socket(self.host, self.port)  # fails now if the port is taken
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        try:
            self.workers = [self._start_one() for _ in range(self.count)]
            while not self.stopping:
                time.sleep(RESTART_PAUSE_SECONDS)
                for index, process in enumerate(self.workers):
                    if not process.is_alive() and not self.stopping:
                        self.workers[index] = self._start_one()
        finally:
            for process in self.workers:
                if process.is_alive():
                    process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
            for process in self.workers:
                process.join()
            holder.close()
