"""The whole demo survey, generated from one seed without a database: frame, sample, dispositions,
rosters and the interviews of every completed household (victimization and perception everywhere,
the VAWG module in half of the PSUs)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from api.demo_survey.frame import STRATA, STRATA_BY_CODE, StratumFrame, build_frame
from api.demo_survey.interviews import Interview, at, completed_answers, instance_id, with_metadata
from api.demo_survey.perception import perception_answers
from api.demo_survey.respondents import Respondent
from api.demo_survey.rosters import (
    Member,
    draw_keys,
    draw_roster,
    is_adult,
    is_woman_15_plus,
    roster_answers,
    selected_member,
)
from api.demo_survey.sample import COMPLETED, SampledHousehold, SampledPSU, draw_households, draw_psus
from api.demo_survey.teams import TEAMS
from api.demo_survey.vawg import vawg_answers
from api.demo_survey.victimization import victimization_answers

DEFAULT_SEED = 2026
FIELDWORK_START = date(2026, 8, 3)
HOUSEHOLDS_PER_DAY = 4
DAYS_PER_PSU = 3  # twelve households, four a day
AnswerModel = Callable[[Respondent, np.random.Generator], dict[str, Any]]
# instrument -> (who is eligible, the answer model)
INSTRUMENTS: dict[str, tuple[Callable[[Member], bool], AnswerModel]] = {
    "victimization": (is_adult, victimization_answers),
    "perception": (is_adult, perception_answers),
    "vawg": (is_woman_15_plus, vawg_answers),
}
# Minutes a full interview takes (victimization: before its incident reports, four minutes each).
DURATION = {"victimization": (12, 22), "perception": (7, 13), "vawg": (25, 45)}
VAWG_SHORT_OUTCOMES = {"not_interviewed": (2, 5), "rescheduled_no_privacy": (3, 6), "refused": (3, 7),
                       "interrupted": (10, 18)}
# One enumerator rushes a third of their interviews: the supervisor's "too short" flag has something to find.
RUSHING_ENUMERATOR, RUSHED_SHARE, RUSHED_PACE = "enum-nor-4", 0.3, 0.35


@dataclass(frozen=True)
class DemoSurvey:
    seed: int
    frames: dict[str, StratumFrame]
    psus: tuple[SampledPSU, ...]
    households: tuple[SampledHousehold, ...]
    rosters: dict[str, tuple[Member, ...]]  # household code -> members, for completed households
    plan: dict[str, "PsuVisit"]  # PSU code -> who works it and when
    interviews: tuple[Interview, ...]


def generate_demo_survey(seed: int = DEFAULT_SEED, *, psu_share: float = 1.0) -> DemoSurvey:
    """The demo survey for ``seed``; ``psu_share`` < 1 takes fewer PSUs per stratum (at least 2, even)."""
    frame_rng, sample_rng, household_rng, answer_rng = np.random.default_rng(seed).spawn(4)
    strata = tuple(
        replace(stratum, sampled_psus=max(2, 2 * round(stratum.sampled_psus * psu_share / 2))) for stratum in STRATA
    )
    frames = build_frame(frame_rng, strata)
    psus = draw_psus(frames, sample_rng)
    plan = plan_fieldwork(psus)
    households: list[SampledHousehold] = []
    rosters: dict[str, tuple[Member, ...]] = {}
    interviews: list[Interview] = []
    for psu in psus:
        stratum = frames[psu.stratum].stratum
        psu_households = draw_households(psu, stratum.area, household_rng)
        households.extend(psu_households)
        completed = [household for household in psu_households if household.disposition == COMPLETED]
        for order, household in enumerate(completed):
            rosters[household.code] = draw_roster(stratum.area, household_rng)
            interviews.extend(_household_interviews(
                seed, psu, household, order, rosters[household.code], plan[psu.code], answer_rng
            ))
    return DemoSurvey(seed, frames, tuple(psus), tuple(households), rosters, plan, tuple(interviews))


@dataclass(frozen=True)
class PsuVisit:
    enumerator: str  # username
    first_day: int  # working day of fieldwork (Monday to Saturday from FIELDWORK_START) the PSU starts


def plan_fieldwork(psus: list[SampledPSU]) -> dict[str, PsuVisit]:
    """Each PSU to one enumerator of its region's team, in turn (PSUs carrying the VAWG module to the
    certified women, the others to the rest of the team); an enumerator works one PSU after another,
    three working days each."""
    taken: dict[str, int] = defaultdict(int)
    turns: dict[tuple[str, bool], int] = defaultdict(int)
    plan = {}
    for psu in psus:
        team = TEAMS[STRATA_BY_CODE[psu.stratum].region]
        candidates = team.vawg_enumerators if psu.vawg else tuple(
            worker for worker in team.enumerators if worker not in team.vawg_enumerators
        )
        enumerator = candidates[turns[(team.code, psu.vawg)] % len(candidates)].username
        turns[(team.code, psu.vawg)] += 1
        plan[psu.code] = PsuVisit(enumerator, DAYS_PER_PSU * taken[enumerator])
        taken[enumerator] += 1
    return plan


def _minutes(instrument: str, answers: dict[str, Any], enumerator: str, rng: np.random.Generator) -> float:
    """How long the interview took, from its completed answers (a VAWG visit that ends early is short)."""
    shortest, longest = VAWG_SHORT_OUTCOMES.get(answers.get("interview_outcome", ""), DURATION[instrument])
    minutes = float(rng.uniform(shortest, longest)) + 4 * len(answers.get("incidents", ()))
    if enumerator == RUSHING_ENUMERATOR and rng.random() < RUSHED_SHARE:
        minutes *= RUSHED_PACE
    return minutes


def fieldwork_day(offset: int) -> date:
    """The offset-th working day (Monday to Saturday) of fieldwork."""
    weeks, day = divmod(offset, 6)
    return FIELDWORK_START + timedelta(weeks=weeks, days=day)


def _household_interviews(
    seed: int, psu: SampledPSU, household: SampledHousehold, order: int, members: tuple[Member, ...],
    visit: PsuVisit, rng: np.random.Generator,
) -> list[Interview]:
    """Victimization, perception and, where carried, the VAWG module in one visit; an enumerator
    visits four households a day."""
    instruments = ["victimization", "perception", *(["vawg"] if psu.vawg else [])]
    interviews = []
    day = fieldwork_day(visit.first_day + order // HOUSEHOLDS_PER_DAY)
    clock = 60 + (order % HOUSEHOLDS_PER_DAY) * 120 + float(rng.uniform(0, 20))
    for instrument in instruments:
        eligible, answer_model = INSTRUMENTS[instrument]
        keys = draw_keys(len(members), rng)
        answers = roster_answers(members, keys)
        selection = selected_member(members, keys, eligible)
        if selection is not None:
            chosen = members[selection[0]]
            answers |= answer_model(Respondent(STRATA_BY_CODE[psu.stratum], chosen.sex, chosen.age), rng)
        answers = completed_answers(instrument, answers)
        minutes = _minutes(instrument, answers, visit.enumerator, rng)
        started_at, ended_at = at(day, clock), at(day, clock + minutes)
        clock += minutes + 2
        interviews.append(
            Interview(
                instance_id=instance_id(seed, household.code, instrument),
                instrument=instrument,
                household=household.code,
                psu=psu.code,
                enumerator=visit.enumerator,
                started_at=started_at,
                ended_at=ended_at,
                latitude=round(psu.latitude + float(rng.normal(0, 0.002)), 6),
                longitude=round(psu.longitude + float(rng.normal(0, 0.002)), 6),
                gps_accuracy=round(float(rng.uniform(3, 15)), 1),
                answers=with_metadata(answers, started_at, ended_at),
            )
        )
    return interviews
