"""Interviews as a tablet would send them: answers completed with every calculate the instrument
defines (computed by the instrument's own expressions through the validator), start/end times,
the enumerator who did it and where."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from typing import Any

from survey_defs import Instrument, compile_validator, load_instrument
from survey_defs.instruments import bundled_instrument_path

FIELD_TIMEZONE = timezone(timedelta(hours=-6))
DEMO_NAMESPACE = uuid.UUID("6b0f3c2e-5d1a-4f1e-9c55-3e0c9d2a7b10")


class GeneratedInterviewInvalid(ValueError):
    """A generated interview the instrument refuses: a bug in an answer model, never in the data."""


@dataclass(frozen=True)
class Interview:
    instance_id: str
    instrument: str  # perception | victimization | vawg
    household: str
    psu: str
    enumerator: str
    started_at: datetime
    ended_at: datetime
    latitude: float
    longitude: float
    gps_accuracy: float
    answers: dict[str, Any]


@cache
def bundled_instrument(name: str) -> Instrument:
    return load_instrument(bundled_instrument_path(name))


def instance_id(seed: int, household: str, instrument: str) -> str:
    """A stable id per seed, household and instrument: loading twice resends the same interviews."""
    return str(uuid.uuid5(DEMO_NAMESPACE, f"{seed}:{household}:{instrument}"))


def completed_answers(instrument: str, answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` plus every calculate, as the device computes and sends them; refuses invalid answers."""
    checked = compile_validator(bundled_instrument(instrument)).check(answers)
    if checked.errors:
        problems = "; ".join(f"{error.path}: {error.code} ({error.message})" for error in checked.errors)
        raise GeneratedInterviewInvalid(f"generated {instrument} interview is invalid: {problems}")
    return checked.answers


def with_metadata(answers: dict[str, Any], started_at: datetime, ended_at: datetime) -> dict[str, Any]:
    return {
        "start": started_at.isoformat(timespec="seconds"),
        "end": ended_at.isoformat(timespec="seconds"),
        "today": started_at.date().isoformat(),
        **answers,
    }


def at(day: date, minutes_after_eight: float) -> datetime:
    return datetime.combine(day, time(8), FIELD_TIMEZONE) + timedelta(minutes=round(minutes_after_eight, 2))
