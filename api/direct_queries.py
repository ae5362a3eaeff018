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

Values are bound as SQLAlchemy binds them, JSON included: its text is the engine's serializer's,
`api.json_text.column_json`. `execute_many` runs one statement for many alike rows (a batch's), binding
a value the rows share once.

Use it only where a statement runs on every interview: everywhere else the ORM is simpler.
"""

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Connection, TextClause
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from api.json_text import column_json


@dataclass(frozen=True)
class _Plan:
    sql: str
    compiled: Any
    positions: tuple[str, ...] | None  # parameter order for positional drivers (SQLite's '?')
    bind_processors: dict[str, Callable[[Any], Any]]
    names: tuple[str, ...]  # every parameter, in `positions` order when there is one
    result_processors: tuple[Callable[[Any], Any] | None, ...] | None  # None: values kept as read
    row_type: type  # a named tuple of the result's column keys
    returns_rows: bool | None  # None: known once run (a textual statement)

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        bound = self.compiled.construct_params(values)  # every parameter, literal ones too; a missing one fails
        for name, process in self.bind_processors.items():
            if name in bound:
                bound[name] = process(bound[name])
        return bound if self.positions is None else tuple(bound[name] for name in self.positions)

    def rows_of_parameters(self, rows: list[dict[str, Any]]) -> list[Any]:
        """Each row's parameters (every one given, no literal ones), a value shared with the row before
        (the same object) processed once."""
        pairs = tuple((name, once_per_value(self.bind_processors.get(name))) for name in self.names)
        if self.positions is not None:
            return [tuple([row[name] if process is None else process(row[name]) for name, process in pairs])
                    for row in rows]
        return [{name: row[name] if process is None else process(row[name]) for name, process in pairs}
                for row in rows]

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

    def execute_many(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Run a statement that returns nothing once per row, in one executemany (each row gives every
        parameter)."""
        connection = session.connection()
        plan = self._plan(connection.dialect, None)
        parameters = plan.rows_of_parameters(rows)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(plan.sql, parameters)
        except Exception as error:
            hand_to_sqlalchemy(connection, error, plan.sql, parameters, cursor)
        finally:
            cursor.close()

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
    result_processors = tuple(entry.type._cached_result_processor(dialect, None) for entry in result_columns)
    textual = isinstance(statement, TextClause)
    positions = tuple(compiled.positiontup) if compiled.positional else None
    processors = {name: bind_processor(bind.type, dialect) for name, bind in compiled.binds.items()}
    return _Plan(
        sql=compiled.string,
        compiled=compiled,
        positions=positions,
        bind_processors={name: process for name, process in processors.items() if process is not None},
        names=positions if positions is not None else tuple(compiled.binds),
        result_processors=result_processors if any(result_processors) else None,
        # A textual statement's columns are read by position (its first is `value`).
        row_type=namedtuple("Row", [entry.keyname for entry in result_columns] or ["value"], rename=True),
        returns_rows=None if textual else bool(result_columns),
    )


def bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy makes of a value of this type for the dialect; for JSON, the engine's serializer
    (`column_json`) without SQLAlchemy's processor around it (a driver casts text to json)."""
    if isinstance(type_, JSON):
        return column_json
    return type_._cached_bind_processor(dialect)


def once_per_value(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """`process` for the rows of one statement: a value that is the same object as the previous row's
    (a batch's rows share the time they were received) is processed once."""
    if process is None:
        return None
    last: list[Any] = [once_per_value, None]  # the last value (none yet) and what it became

    def processed(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return processed


def hand_to_sqlalchemy(connection: Connection, error: Exception, sql: str, parameters: Any, cursor: Any) -> None:
    """Raise what SQLAlchemy would have raised for this error of the driver's (and invalidate a lost
    connection): for any statement run on the driver's cursor, these and a batch's COPY alike."""
    connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
