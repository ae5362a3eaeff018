"""The facts of an interview's answers that its wave's quality flags need, worked out once per revision.

A revision's answers and its instrument version never change, so neither do its facts: the first flags
read that meets a revision without them reads its answers (a chunk of revisions at a time, so that a
wave's answers are never all in memory at once), works them out and keeps them (`InterviewFacts`); every
later read takes the few columns kept. An edit is a new revision, which gets facts of its own.
"""

from typing import Any

from sqlmodel import Session

from api.fieldwork import repository
from api.fieldwork.repository import Facts, WaveInterview
from api.instruments import service as instruments
from api.instruments.models import InstrumentVersion
from api.submissions.service import question_classes, split_answers

ANSWERS_CHUNK = 2_000  # revisions whose answers are read at once (~8 KB each as objects)


def answered_count(answers: Any) -> int:
    """How many questions an interview answered: non-empty leaves, repeat instances included."""
    if isinstance(answers, dict):
        return sum(answered_count(value) for value in answers.values())
    if isinstance(answers, list) and answers and all(isinstance(entry, dict) for entry in answers):
        return sum(answered_count(entry) for entry in answers)
    return 0 if answers is None or answers == "" or answers == [] else 1


def facts_of(version: InstrumentVersion, answers: dict[str, Any]) -> Facts:
    """The answers' count, and for a VAWG version its privacy check answer and whether the interview reached
    the sensitive module (holds any sensitive answer) and disclosed violence (one of them is 'yes')."""
    answered = answered_count(answers)
    if not version.sensitive:
        return Facts(answered, None, False, False)
    privacy = answers.get("privacy_check")
    _, sensitive = split_answers(answers, question_classes(instruments.compiled(version)).sensitive)
    return Facts(answered, None if privacy is None else str(privacy), bool(sensitive),
                 any(value == "yes" for value in sensitive.values()))


def with_facts(session: Session, items: list[WaveInterview]) -> list[WaveInterview]:
    """The interviews (read `for_flags`), each with its current revision's facts: those not kept yet are
    worked out from the answers and kept."""
    missing = [item for item in items if item.facts is None]
    found: dict[int, Facts] = {}
    for start in range(0, len(missing), ANSWERS_CHUNK):
        chunk = missing[start:start + ANSWERS_CHUNK]
        answers = repository.revision_answers(session, [item.revision_id for item in chunk])
        worked_out = {item.revision_id: facts_of(item.version, answers[item.revision_id]) for item in chunk}
        repository.keep_facts(session, worked_out)
        found.update(worked_out)
    if not found:
        return items
    return [item if item.facts is not None else item._replace(facts=found[item.revision_id]) for item in items]
