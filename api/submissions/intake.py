"""The intake desk: interviews are accepted one request at a time per process, on the event loop's thread.

Why not the threadpool every other endpoint runs in. An accepted interview is written under SQLite's
single write lock, and Python threads take turns holding the interpreter in slices of up to 5 ms:
forty threads each validating an interview and then writing it made every writer wait for the
interpreter while holding the write lock, a convoy in which 50 clients got about 100 interviews/s with
a p99 over a second. Handing each request to one dedicated thread ended the convoy but still cost
about 1.3 ms of CPU per request in passing the interpreter between that thread and the event loop:
more than the interview's own work once its validation and storage were lean.

So the desk works where the request already is: authenticating, validating and storing an interview
is a few hundred microseconds of CPU and short database calls, done start to finish on the event
loop's thread, one request at a time per worker process, like a synchronous worker. Requests queue in
arrival order, which keeps the slowest close to the typical one. The one exception: on SQLite, when a
request in the threadpool holds this process's write turn (`api.db`), the interview goes to the desk's
own thread instead, since waiting on the event loop for a request that itself needs the event loop
to commit would stall both.

The desk authenticates too (the token's user, who must hold the permission), so that no dependency
sends the request through the threadpool first. Each call gets its own session, committed before the
response leaves, as `SessionDep` does.
"""

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from fastapi import Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import Settings
from api.db import claim_writes_without_waiting
from api.security import Permission, permitted_user
from api.users.models import User

T = TypeVar("T")


class Intake:
    """Where a worker process authenticates, validates and stores interviews, one at a time."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake")
        weakref.finalize(self, self._executor.shutdown, False)  # an app dropped unclosed (tests) frees its thread

    async def run(self, request: Request, permission: Permission, work: Callable[[Session, User], T]) -> T:
        """`work(session, user)` for the request's authenticated user; committed when it returns, rolled
        back when it raises (the error then reaches the error handlers)."""
        authorization = request.headers.get("authorization")
        with Session(self.engine, expire_on_commit=False) as session:
            if claim_writes_without_waiting(session):
                return self._serve(session, authorization, permission, work)
            context = contextvars.copy_context()  # the request id reaches the logs written on the desk's thread
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, context.run, self._serve, session, authorization, permission, work
            )

    def _serve(self, session: Session, authorization: str | None, permission: Permission,
               work: Callable[[Session, User], T]) -> T:
        try:
            user = permitted_user(session, authorization, self.settings, permission)
            result = work(session, user)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=True)


def intake_of(request: Request) -> Intake:
    return request.app.state.intake
