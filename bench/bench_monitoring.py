"""A wave's progress and quality flags at full size: seconds and memory of each read.

Loads the demo survey (its waves' 4,185 interviews through the submission service, the VAWG module's
disclosures and a rushing enumerator included) into a fresh migrated database, SQLite and PostgreSQL
(when SINMIEDO_TEST_POSTGRES_URL is set), then copies its interviews `--copies` times in SQL (new instance
ids, same answers, assignments and GPS): 24 copies is about ENVIPE's 100,000. Then, as the admin:

  progress        GET .../progress's work (no answers read);
  flags, first    the first quality flags read: every revision's answers parsed, their facts kept;
  flags, again    the next read, from the kept facts: the figure a supervisor meets every day, since a
                  day's new interviews are a small share of a wave.

Each read's wall time, and the peak of Python's allocations during it (tracemalloc, in a second run of the
three reads, the facts forgotten first).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import migrate
from api.db import create_db_engine
from api.demo_survey.load import SURVEY_CODE, VAWG_SURVEY_CODE, load_demo_survey
from api.fieldwork import monitoring
from api.fieldwork.models import InterviewFacts
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from api.users import service as users_service
from api.users.models import Role, User
from api.users.schemas import UserCreate
from tests.api.submission_data import publish_bundled  # run from the repository root
from tests.databases import POSTGRES_ENV, fresh_database, postgres_url


def copy_interviews(engine: Engine, copies: int) -> int:
    """Each interview copied `copies` times (instance id + '-c<k>'), with its revisions and personal rows."""
    submission, revision, personal = (Submission.__table__, SubmissionRevision.__table__,
                                      SubmissionPersonal.__table__)
    originals = select(submission).where(submission.c.instance_id.not_like("%-c%")).subquery()
    with Session(engine) as session:
        for k in range(1, copies + 1):
            suffix = f"-c{k}"
            columns = [c.name for c in submission.columns if c.name != "id"]
            session.execute(insert(submission).from_select(columns, select(
                *[(originals.c[name] + suffix) if name == "instance_id" else originals.c[name] for name in columns])))
            old, new = aliased(submission), aliased(submission)
            pairs = (select(old.c.id.label("old_id"), new.c.id.label("new_id"))
                     .join(new, new.c.instance_id == old.c.instance_id + suffix).subquery())
            kept = [c.name for c in revision.columns if c.name not in ("id", "submission_id", "instance_id")]
            session.execute(insert(revision).from_select(["submission_id", *kept], select(
                pairs.c.new_id, *[revision.c[name] for name in kept])
                .join(pairs, pairs.c.old_id == revision.c.submission_id)))
            old_revision, new_revision = aliased(revision), aliased(revision)
            revision_pairs = (select(old_revision.c.id.label("old_id"), new_revision.c.id.label("new_id"))
                              .join(pairs, pairs.c.old_id == old_revision.c.submission_id)
                              .join(new_revision, (new_revision.c.submission_id == pairs.c.new_id)
                                    & (new_revision.c.revision == old_revision.c.revision)).subquery())
            rest = [c.name for c in personal.columns if c.name != "revision_id"]
            session.execute(insert(personal).from_select(["revision_id", *rest], select(
                revision_pairs.c.new_id, *[personal.c[name] for name in rest])
                .join(revision_pairs, revision_pairs.c.old_id == personal.c.revision_id)))
        session.commit()
        if engine.dialect.name == "postgresql":
            # The statistics autovacuum gathers after a while: without them the planner joins blind.
            session.execute(text("ANALYZE"))
            session.commit()
        return session.execute(select(func.count()).select_from(submission)).scalar_one()


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def traced_peak(work: Callable[[], Any]) -> float:
    """The peak of Python's allocations during work(), in MB, above what was allocated before it (a
    separate run: tracing slows it down). Not the resident set, which memory freed earlier hides."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        work()
        return (tracemalloc.get_traced_memory()[1] - base) / 2**20
    finally:
        tracemalloc.stop()


def run_backend(backend: str, copies: int, workdir: Path) -> None:
    with fresh_database(backend, workdir) as url:
        migrate.upgrade(url)
        engine = create_db_engine(url)
        publish_bundled(engine, "perception", "victimization", "vawg")
        started = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            admin = users_service.create_user(
                session, UserCreate(username="admin-1", role=Role.admin, password="bench password 123"), actor=None)
            load_demo_survey(session, admin)
            session.commit()
        interviews = copy_interviews(engine, copies)
        print(f"{backend}: {interviews:,} interviews loaded in {time.perf_counter() - started:.1f} s", flush=True)

        def read(what: Callable[[Session, User], Any]) -> Callable[[], Any]:
            def work() -> Any:
                with Session(engine) as session:
                    result = what(session, session.get(User, admin.id))
                    session.commit()
                    return result
            return work

        reads = [
            ("progress", lambda s, a: [monitoring.progress(s, code) for code in (SURVEY_CODE, VAWG_SURVEY_CODE)]),
            ("flags, first", lambda s, a: [monitoring.quality_flags(s, a, code, monitoring.FlagSettings())
                                           for code in (SURVEY_CODE, VAWG_SURVEY_CODE)]),
            ("flags, again", lambda s, a: [monitoring.quality_flags(s, a, code, monitoring.FlagSettings())
                                           for code in (SURVEY_CODE, VAWG_SURVEY_CODE)]),
        ]
        results, seconds = {}, {}
        for label, what in reads:
            results[label], seconds[label] = timed(read(what))
        forget_facts(engine)
        for label, what in reads:
            print(f"{backend}: {label:<13} {seconds[label]:6.2f} s, peak memory +{traced_peak(read(what)):,.0f} MB "
                  "(traced, in a second run)", flush=True)
        flags = results["flags, again"]
        if flags != results["flags, first"]:
            raise SystemExit(f"{backend}: the second flags read differs from the first")
        print(f"{backend}: {sum(len(f) for f in flags):,} flags, the same at both reads; from kept facts "
              f"{seconds['flags, first'] / seconds['flags, again']:.1f}x faster than parsing every answer set",
              flush=True)
        engine.dispose()


def forget_facts(engine: Engine) -> None:
    with Session(engine) as session:
        session.execute(delete(InterviewFacts))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=5, help="copies of the demo survey's interviews (24: ~100,000)")
    parser.add_argument("--databases", default="sqlite,postgres", help="which of sqlite,postgres to measure")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPU(s); the demo survey's interviews x {args.copies + 1}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.databases.split(","):
            if backend == "postgres" and not postgres_url():
                print(f"postgres: skipped ({POSTGRES_ENV} is not set)")
                continue
            run_backend(backend, args.copies, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
