"""The whole demo survey, generated from one seed without a database: frame, sample, dispositions,
rosters and the interviews of every completed household (victimization and perception everywhere,
the VAWG module in half of the PSUs)."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np

from api.demo_survey.frame import STRATA, STRATA_BY_CODE, StratumFrame, build_frame
from api.demo_survey.interviews import Interview, at, completed_answers, instance_id, with_metadata
from api.demo_survey.perception import perception_answers
from api.demo_survey.respondents import Respondent
from api.demo_survey.rosters import Member, draw_keys, draw_roster, is_adult, is_woman_15_plus, roster_answers, selected_member
from api.demo_survey.sample import COMPLETED, SampledHousehold, SampledPSU, draw_households, draw_psus
from api.demo_survey.teams import TEAMS
from api.demo_survey.vawg import vawg_answers
from api.demo_survey.victimization import victimization_answers

DEFAULT_SEED = 2026
AnswerModel = Callable[[Respondent, np.random.Generator], dict[str, Any]]
# instrument -> (who is eligible, the answer model, minutes the interview takes before its reports)
INSTRUMENTS: dict[str, tuple[Callable[[Member], bool], AnswerModel, tuple[float, float]]] = {
    "victimization": (is_adult, victimization_answers, (12, 22)),
    "perception": (is_adult, perception_answers, (7, 13)),
    "vawg": (is_woman_15_plus, vawg_answers, (25, 45)),
}


@dataclass(frozen=True)
class DemoSurvey:
    seed: int
    frames: dict[str, StratumFrame]
    psus: tuple[SampledPSU, ...]
    households: tuple[SampledHousehold, ...]
    rosters: dict[str, tuple[Member, ...]]  # household code -> members, for completed households
    enumerators: dict[str, str]  # PSU code -> the username of the enumerator who works it
    interviews: tuple[Interview, ...]


def generate_demo_survey(seed: int = DEFAULT_SEED, *, psu_share: float = 1.0) -> DemoSurvey:
    """The demo survey for ``seed``; ``psu_share`` < 1 takes fewer PSUs per stratum (at least 2, even)."""
    frame_rng, sample_rng, household_rng, answer_rng = np.random.default_rng(seed).spawn(4)
    strata = tuple(
        replace(stratum, sampled_psus=max(2, 2 * round(stratum.sampled_psus * psu_share / 2))) for stratum in STRATA
    )
    frames = build_frame(frame_rng, strata)
    psus = draw_psus(frames, sample_rng)
    enumerators = assign_enumerators(psus)
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
                seed, psu, household, order, rosters[household.code], enumerators[psu.code], answer_rng
            ))
    return DemoSurvey(seed, frames, tuple(psus), tuple(households), rosters, enumerators, tuple(interviews))


def assign_enumerators(psus: list[SampledPSU]) -> dict[str, str]:
    """Each PSU to one enumerator of its region's team, in turn: PSUs carrying the VAWG module to the
    certified women, the others to the rest of the team."""
    turns: dict[tuple[str, bool], int] = {}
    assigned = {}
    for psu in psus:
        team = TEAMS[STRATA_BY_CODE[psu.stratum].region]
        candidates = team.vawg_enumerators if psu.vawg else tuple(
            worker for worker in team.enumerators if worker not in team.vawg_enumerators
        )
        turn = turns.get((team.code, psu.vawg), 0)
        turns[(team.code, psu.vawg)] = turn + 1
        assigned[psu.code] = candidates[turn % len(candidates)].username
    return assigned


def _household_interviews(
    seed: int, psu: SampledPSU, household: SampledHousehold, order: int, members: tuple[Member, ...],
    enumerator: str, rng: np.random.Generator,
) -> list[Interview]:
    """Victimization, perception and, where carried, the VAWG module in one visit; an enumerator
    visits four households a day."""
    instruments = ["victimization", "perception", *(["vawg"] if psu.vawg else [])]
    interviews = []
    day = psu.visit_date + timedelta(days=order // 4)
    clock = 60 + (order % 4) * 120 + float(rng.uniform(0, 20))
    for instrument in instruments:
        eligible, answer_model, (shortest, longest) = INSTRUMENTS[instrument]
        keys = draw_keys(len(members), rng)
        answers = roster_answers(members, keys)
        selection = selected_member(members, keys, eligible)
        if selection is not None:
            chosen = members[selection[0]]
            answers |= answer_model(Respondent(STRATA_BY_CODE[psu.stratum], chosen.sex, chosen.age), rng)
        minutes = float(rng.uniform(shortest, longest)) + 4 * len(answers.get("incidents", ()))
        started_at, ended_at = at(day, clock), at(day, clock + minutes)
        clock += minutes + 2
        interviews.append(
            Interview(
                instance_id=instance_id(seed, household.code, instrument),
                instrument=instrument,
                household=household.code,
                psu=psu.code,
                enumerator=enumerator,
                started_at=started_at,
                ended_at=ended_at,
                latitude=round(psu.latitude + float(rng.normal(0, 0.002)), 6),
                longitude=round(psu.longitude + float(rng.normal(0, 0.002)), 6),
                gps_accuracy=round(float(rng.uniform(3, 15)), 1),
                answers=completed_answers(instrument, with_metadata(answers, started_at, ended_at)),
            )
        )
    return interviews
