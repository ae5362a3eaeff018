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

On SQLite, single interviews are committed in groups. Each commit waits for the disk to sync (an
interview answered 201 must survive a power cut): one sync per interview took about 40% of a single
interview's time (1,100/s on 2 cores against 1,830/s without syncs). So an interview arriving while the
desk is busy joins a group: the desk first authenticates, parses and validates every interview of the
group (reads only), then takes the write turn and stores them in one transaction, each in a savepoint of
its own, so that an interview the database refuses takes nothing of the others with it; one commit, one
sync, and then each request gets its answer. Nobody is answered before the commit: if it fails, every
interview of the group gets the error and the devices resend. The write turn is held only for the
stores and the commit, not across the validations, so the other workers' interviews keep flowing.
Under light load a group is one interview. Batches are a transaction of their own already.

The desk authenticates too (the token's user, who must hold the permission), so that no dependency
sends the request through the threadpool first. Each call gets its own session, committed before the
response leaves, as `SessionDep` does.

On PostgreSQL the desk keeps one connection of the pool for good, instead of taking one for each
interview: a checkout costs a round trip of its own (the pool's liveness check) besides the pool's
bookkeeping, and the desk never uses two at once. A connection found dead (the server restarted, an
idle connection was cut) fails the interview's first statement; the interview is then served once
more on a new connection. Running it again is harmless: nothing of it was committed, or, if the
connection died during the commit, the second run finds the interview stored and answers with it.
Its statements run without a transaction until the first write (`api.db.begin_at_first_write`): a new
interview, one atomic INSERT, then costs no BEGIN and COMMIT round trips. No statement on it runs or
waits for a lock longer than `intake_wait_seconds` (and TCP keepalives notice a server gone silent): the
desk holds its worker's event loop while it waits, so a table locked by a migration or a long
transaction, or a server too busy to answer, gets a 503 the device resends later instead of a worker
that answers no one. On SQLite the busy timeout bounds the same wait.
"""

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from api.config import Settings
from api.db import begin_at_first_write, begin_writes, bound_waits, claim_writes_without_waiting
from api.fieldwork import collection as fieldwork
from api.security import Permission, permitted_user
from api.users.models import User

T = TypeVar("T")
P = TypeVar("P")
MAX_GROUP = 64  # interviews committed together at most (each waits for the group's commit)


@dataclass
class _Waiting:
    """An interview waiting for its group: its request's context (its id reaches the logs), what it needs."""

    context: contextvars.Context
    authorization: str | None
    permission: Permission
    prepare: Callable[[Session, User], Any]
    store: Callable[[Session, User, Any], Any]
    answer: asyncio.Future


class Intake:
    """Where a worker process authenticates, validates and stores interviews, one at a time."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake")
        weakref.finalize(self, self._executor.shutdown, False)  # an app dropped unclosed (tests) frees its thread
        self._keeps_connection = engine.dialect.name == "postgresql"
        self._connection: list[Connection] = []  # the kept connection, once opened (a list: see close)
        weakref.finalize(self, _close_all, self._connection)  # an app dropped unclosed returns it to the pool
        self._waiting: list[_Waiting] = []  # the next group (SQLite)
        self._groups: set[asyncio.Task] = set()  # groups being served (kept referenced until done)

    async def run(self, request: Request, permission: Permission, work: Callable[[Session, User], T]) -> T:
        """`work(session, user)` for the request's authenticated user; committed when it returns, rolled
        back when it raises (the error then reaches the error handlers)."""
        authorization = request.headers.get("authorization")
        if self._keeps_connection:
            return self._serve_on_kept_connection(authorization, permission, work)
        with Session(self.engine, expire_on_commit=False) as session:
            if claim_writes_without_waiting(session):
                return self._serve(session, authorization, permission, work)
            context = contextvars.copy_context()  # the request id reaches the logs written on the desk's thread
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, context.run, self._serve, session, authorization, permission, work
            )

    async def run_grouped(self, request: Request, permission: Permission, prepare: Callable[[Session, User], P],
                          store: Callable[[Session, User, P], T]) -> T:
        """`store(session, user, prepare(session, user))` for the request's authenticated user, as `run`; on
        SQLite in a group of interviews committed together. `prepare` only reads (and validates), `store`
        writes; a store that raises leaves nothing of its own and takes nothing of the others."""
        if self._keeps_connection:
            return await self.run(request, permission,
                                  lambda session, user: store(session, user, prepare(session, user)))
        loop = asyncio.get_running_loop()
        waiting = _Waiting(contextvars.copy_context(), request.headers.get("authorization"), permission, prepare, store,
                           loop.create_future())
        self._waiting.append(waiting)
        if len(self._waiting) == 1:  # the first of a group: served once the requests ready meanwhile have joined
            self._start_group(loop)
        return await waiting.answer

    def _start_group(self, loop: asyncio.AbstractEventLoop) -> None:
        group = loop.create_task(self._serve_group())
        self._groups.add(group)  # kept referenced until done
        group.add_done_callback(self._groups.discard)

    async def _serve_group(self) -> None:
        group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
        if self._waiting:  # the rest make the next group
            self._start_group(asyncio.get_running_loop())
        outcomes: list[tuple[_Waiting, Any, BaseException | None]] = []
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                if claim_writes_without_waiting(session):
                    outcomes = self._serve_all(session, group)
                else:  # a request in the threadpool holds the write turn: wait for it off the event loop
                    outcomes = await asyncio.get_running_loop().run_in_executor(
                        self._executor, self._serve_all, session, group)
        except BaseException as exc:  # whatever happened, no request is left waiting
            outcomes = [(waiting, None, exc) for waiting in group]
            raise
        finally:
            for waiting, result, error in outcomes:
                if waiting.answer.done():  # its request was cancelled (the client left)
                    continue
                if error is None:
                    waiting.answer.set_result(result)
                elif isinstance(error, asyncio.CancelledError):  # the worker is stopping
                    waiting.answer.cancel()
                else:
                    waiting.answer.set_exception(error)
            for waiting in group:
                if not waiting.answer.done():  # never: every interview has an outcome; but none may wait forever
                    waiting.answer.set_exception(RuntimeError("an interview of a group was left without an outcome"))

    def _serve_all(self, session: Session, group: list[_Waiting]) -> list[tuple[_Waiting, Any, BaseException | None]]:
        """Prepare every interview of the group, then store them in one transaction, a savepoint each."""
        refused: list[tuple[_Waiting, Any, BaseException | None]] = []
        ready = []
        for waiting in group:
            try:
                user = waiting.context.run(self._user, session, waiting.authorization, waiting.permission)
                ready.append((waiting, user, waiting.context.run(waiting.prepare, session, user)))
            except Exception as exc:
                refused.append((waiting, None, exc))
        stored: list[tuple[_Waiting, Any, BaseException | None]] = []
        try:
            if ready:
                begin_writes(session)
            for waiting, user, prepared in ready:
                try:
                    with session.begin_nested():
                        stored.append((waiting, waiting.context.run(waiting.store, session, user, prepared), None))
                except Exception as exc:
                    refused.append((waiting, None, exc))
            session.commit()
        except Exception as exc:  # nothing of the group was stored: each interview not refused already is told
            session.rollback()
            told = {id(waiting) for waiting, _, _ in refused}
            return refused + [(waiting, None, exc) for waiting, _, _ in ready if id(waiting) not in told]
        return refused + stored

    def _user(self, session: Session, authorization: str | None, permission: Permission) -> User:
        # The user's waves come in the same statement: each interview is checked against them.
        return permitted_user(session, authorization, self.settings, permission,
                              lookup=fieldwork.token_holder_with_waves)

    def _serve(self, session: Session, authorization: str | None, permission: Permission,
               work: Callable[[Session, User], T]) -> T:
        try:
            user = self._user(session, authorization, permission)
            result = work(session, user)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    def _serve_on_kept_connection(self, authorization: str | None, permission: Permission,
                                  work: Callable[[Session, User], T]) -> T:
        try:
            return self._serve_on(self._kept_connection(), authorization, permission, work)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            _close_all(self._connection)  # lost: the next connection comes from the pool, checked alive
            return self._serve_on(self._kept_connection(), authorization, permission, work)

    def _serve_on(self, connection: Connection, authorization: str | None, permission: Permission,
                  work: Callable[[Session, User], T]) -> T:
        with Session(connection, expire_on_commit=False) as session:
            begin_at_first_write(session)
            return self._serve(session, authorization, permission, work)

    def _kept_connection(self) -> Connection:
        if not self._connection:
            connection = self.engine.connect()
            try:
                bound_waits(connection, self.settings.intake_wait_seconds)
            except BaseException:
                connection.close()
                raise
            self._connection.append(connection)
        return self._connection[0]

    def close(self) -> None:
        _close_all(self._connection)
        self._executor.shutdown(wait=True)


def _close_all(connections: list[Connection]) -> None:
    while connections:
        connections.pop().close()


def intake_of(request: Request) -> Intake:
    return request.app.state.intake
