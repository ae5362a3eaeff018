"""Core statements run straight on the driver's cursor, for the few that every interview runs.

SQLAlchemy's execution of a statement (its execution context, cursor result and row objects) costs
about 50 µs of CPU on top of the driver's own 20: measured on PostgreSQL with psycopg, and the same
machinery runs for SQLite. An accepted interview runs four to six statements (its token, its version,
the enumerator's waves, the inserts), so that machinery was a fifth of the interview's CPU.

A `DirectQuery` is compiled by SQLAlchemy once per dialect (and set of inserted columns), with
SQLAlchemy's own parameter and result processing for every column type, and then executed on the
session's connection, inside the session's transaction, by the driver alone. Errors are handed to
SQLAlchemy as if it had run the statement: they come out as its exceptions (IntegrityError, …), and a
lost connection is invalidated as usual. Statements whose compilation needs the execution context
(Python-side column defaults, expanding IN lists) are refused when first compiled.

Use it only where a statement runs on every interview: everywhere else the ORM is simpler. (A batch's
many alike rows go by executemany or COPY instead: `api.submissions.repository.insert_many`.)
"""

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, TextClause
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session


@dataclass(frozen=True)
class _Plan:
    sql: str
    compiled: Any
    positions: tuple[str, ...] | None  # parameter order for positional drivers (SQLite's '?')
    bind_processors: dict[str, Callable[[Any], Any]]
    result_processors: tuple[Callable[[Any], Any] | None, ...] | None  # None: values kept as read
    row_type: type  # a named tuple of the result's column keys
    returns_rows: bool | None  # None: known once run (a textual statement)

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        bound = self.compiled.construct_params(values)  # every parameter, literal ones too; a missing one fails
        for name, process in self.bind_processors.items():
            if name in bound:
                bound[name] = process(bound[name])
        return bound if self.positions is None else tuple(bound[name] for name in self.positions)

    def row(self, values: Iterable[Any]) -> tuple[Any, ...]:
        if self.result_processors is not None:
            values = [value if process is None else process(value)
                      for process, value in zip(self.result_processors, values, strict=True)]
        return self.row_type._make(values)  # type: ignore[union-attr]


class DirectQuery:
    """One Core statement, run by the driver (see the module's docstring)."""

    def __init__(self, statement: ClauseElement, *, alone: bool = False) -> None:
        """`alone`: one self-contained statement that may commit by itself when nothing was written
        before it in the transaction (see `api.db.begin_at_first_write`)."""
        self.statement = statement
        self.alone = alone
        self._plans: dict[tuple[str, tuple[str, ...] | None], _Plan] = {}
        self._lock = threading.Lock()

    def first(self, session: Session, values: dict[str, Any]) -> Any | None:
        """The first row (a named tuple of the columns' keys), or None."""
        rows = self._run(session, values, None, many=False)
        return rows[0] if rows else None

    def all(self, session: Session, values: dict[str, Any]) -> list[Any]:
        return self._run(session, values, None, many=True)

    def scalar(self, session: Session, values: dict[str, Any], *, columns: Iterable[str] | None = None) -> Any | None:
        """The first column of the first row, or None. `columns`: for an INSERT, the columns it sets."""
        rows = self._run(session, values, tuple(columns) if columns is not None else None, many=False)
        return rows[0][0] if rows else None

    def execute(self, session: Session, values: dict[str, Any], *, columns: Iterable[str] | None = None) -> None:
        """Run a statement that returns nothing (an INSERT of `columns`)."""
        self._run(session, values, tuple(columns) if columns is not None else None, many=False)

    def _run(self, session: Session, values: dict[str, Any], columns: tuple[str, ...] | None,
             *, many: bool) -> list[Any]:
        connection = session.connection()
        plan = self._plan(connection.dialect, columns)
        parameters = plan.parameters(values)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if self.alone:
            cursor.alone = True
        try:
            cursor.execute(plan.sql, parameters)
            if plan.returns_rows is False or (plan.returns_rows is None and cursor.description is None):
                return []
            found = cursor.fetchall() if many else [cursor.fetchone()]
        except Exception as error:
            hand_to_sqlalchemy(connection, error, plan.sql, parameters, cursor)
        finally:
            cursor.close()
        return [plan.row(values) for values in found if values is not None]

    def _plan(self, dialect: Dialect, columns: tuple[str, ...] | None) -> _Plan:
        key = (dialect.name, columns)
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or _compile(self.statement, dialect, columns)
                self._plans[key] = plan
        return plan


def _compile(statement: ClauseElement, dialect: Dialect, columns: tuple[str, ...] | None) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns is not None else None)
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("a statement with Python-side column defaults needs SQLAlchemy's execution: "
                         "give every column a value")
    if compiled.post_compile_params:
        raise ValueError("a statement with expanding parameters (IN lists) needs SQLAlchemy's execution")
    result_columns = compiled._result_columns  # a SELECT's columns, an INSERT's RETURNING
    processors = tuple(entry.type._cached_result_processor(dialect, None) for entry in result_columns)
    textual = isinstance(statement, TextClause)
    return _Plan(
        sql=compiled.string,
        compiled=compiled,
        positions=tuple(compiled.positiontup) if compiled.positional else None,
        bind_processors=dict(compiled._bind_processors),
        result_processors=processors if any(processors) else None,
        # A textual statement's columns are read by position (its first is `value`).
        row_type=namedtuple("Row", [entry.keyname for entry in result_columns] or ["value"], rename=True),
        returns_rows=None if textual else bool(result_columns),
    )


def hand_to_sqlalchemy(connection: Connection, error: Exception, sql: str, parameters: Any, cursor: Any) -> None:
    """Raise what SQLAlchemy would have raised for this error of the driver's (and invalidate a lost
    connection): for any statement run on the driver's cursor, these and a batch's COPY alike."""
    connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
