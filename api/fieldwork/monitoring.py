"""Fieldwork progress and the quality flags a supervisor acts on.

Progress counts households (assigned, completed = latest disposition 1.1, RR1 over those with a
disposition) and interviews naming an assignment of the wave (count, median duration).

Flags, each computed over the wave's interviews (deleted ones excluded):
- too_short: pace (seconds per answered question) below `short_fraction` x the median pace of the same
  instrument in the wave. Pace, not duration: a legitimately short visit (a household that refuses, a
  VAWG interview stopped at a failed privacy check) answers few questions and is not suspect, while a
  rushed full interview is. `reference` is the duration the interview would have needed at that pace;
- privacy_check_failed: a VAWG interview whose `privacy_check` answer is not 'private';
- disclosure_rate_low / _high: an enumerator's share of VAWG interviews with any 'yes' among the
  sensitive answers, against the rest of their team (all other enumerators when they have no team):
  two-sided exact binomial test of k of n against the team's rate, flagged below `disclosure_alpha`,
  for enumerators with at least `disclosure_min_interviews` interviews that reached the module;
- gps_far_from_psu: great-circle (haversine) distance between the interview's GPS and its PSU's
  centroid above `gps_radius_m`. GPS is read here and never returned; only the distance is.

What the flags need of each interview's answers is worked out once per revision and kept (`facts`).
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api.audit import service as audit
from api.fieldwork import facts, repository
from api.fieldwork.collection import visible_enumerators
from api.fieldwork.repository import WaveInterview
from api.fieldwork.outcomes import outcome_rates
from api.fieldwork.schemas import EnumeratorProgress, Progress, PsuProgress, QualityFlag
from api.fieldwork.service import get_survey
from api.users.models import User

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


@dataclass(frozen=True)
class FlagSettings:
    short_fraction: float = 0.5
    gps_radius_m: float = 1000.0
    disclosure_alpha: float = 0.05
    disclosure_min_interviews: int = 5


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _household_counts(codes: list[str | None]) -> dict[str, Any]:
    worked = [code for code in codes if code is not None]
    return {"completed": sum(1 for code in worked if code == "1.1"), "response_rate": outcome_rates(worked).rr1}


def progress(session: Session, code: str) -> Progress:
    survey = get_survey(session, code)
    households = repository.progress_households(session, survey.id)
    interviews = repository.survey_interviews(session, survey.id, for_flags=False)
    by_psu: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    by_enumerator: dict[str, list[str | None]] = defaultdict(list)
    for psu, enumerator, disposition in households:
        by_psu[psu].append((enumerator, disposition))
        if enumerator is not None:
            by_enumerator[enumerator].append(disposition)
    durations_psu: dict[str, list[float]] = defaultdict(list)
    durations_enumerator: dict[str, list[float]] = defaultdict(list)
    counts_psu: dict[str, int] = defaultdict(int)
    counts_enumerator: dict[str, int] = defaultdict(int)
    for item in interviews:
        counts_psu[item.psu] += 1
        counts_enumerator[item.enumerator] += 1
        if item.duration_seconds is not None:
            durations_psu[item.psu].append(item.duration_seconds)
            durations_enumerator[item.enumerator].append(item.duration_seconds)
    psu_rows = [
        PsuProgress(psu=psu, households=len(rows), assigned=sum(1 for e, _ in rows if e is not None),
                    interviews=counts_psu[psu], median_duration_seconds=_median(durations_psu[psu]),
                    **_household_counts([d for e, d in rows if e is not None]))
        for psu, rows in sorted(by_psu.items())
    ]
    enumerator_rows = [
        EnumeratorProgress(enumerator=name, assigned=len(rows), interviews=counts_enumerator[name],
                           median_duration_seconds=_median(durations_enumerator[name]), **_household_counts(rows))
        for name, rows in sorted(by_enumerator.items())
    ]
    return Progress(by_psu=psu_rows, by_enumerator=enumerator_rows)


def _disclosures(items: list[WaveInterview]) -> dict[int, tuple[int, int]]:
    """Per enumerator id: (VAWG interviews that reached the sensitive module, those disclosing)."""
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        if item.facts.reached_sensitive:
            counts = result[item.enumerator_id]
            counts[0] += 1
            counts[1] += item.facts.discloses
    return {enumerator: (n, k) for enumerator, (n, k) in result.items()}


def _disclosure_flags(session: Session, items: list[WaveInterview], visible: set[int] | None,
                      settings: FlagSettings) -> list[QualityFlag]:
    from scipy.stats import binomtest  # importing scipy.stats takes seconds: only flag reads pay for it

    counts = _disclosures(items)
    names = {item.enumerator_id: item.enumerator for item in items}
    teams = repository.teams_of(session, set(counts))
    flags = []
    for enumerator, (n, k) in sorted(counts.items()):
        if (visible is not None and enumerator not in visible) or n < settings.disclosure_min_interviews:
            continue
        peers = [other for other in counts if other != enumerator and teams.get(other) == teams.get(enumerator)]
        peer_n = sum(counts[p][0] for p in peers)
        if peer_n == 0:
            continue
        peer_rate = sum(counts[p][1] for p in peers) / peer_n
        p_value = binomtest(k, n, peer_rate).pvalue
        if p_value < settings.disclosure_alpha:
            low = k / n < peer_rate
            flags.append(QualityFlag(
                flag="disclosure_rate_low" if low else "disclosure_rate_high", enumerator=names[enumerator],
                instance_id=None, value=k / n, reference=peer_rate,
                detail=f"{k} of {n} VAWG interviews disclose violence against {peer_rate:.1%} for the rest of the "
                       f"team (exact binomial p = {p_value:.3g})",
            ))
    return flags


def quality_flags(session: Session, actor: User, code: str, settings: FlagSettings) -> list[QualityFlag]:
    survey = get_survey(session, code)
    visible = visible_enumerators(session, actor)
    items = facts.with_facts(session, repository.survey_interviews(session, survey.id, for_flags=True))
    answered = [item.facts.answered for item in items]
    paces: dict[int, list[float]] = defaultdict(list)
    for item, count in zip(items, answered, strict=True):
        if item.duration_seconds is not None and count:
            paces[item.version.instrument_id].append(item.duration_seconds / count)
    medians = {instrument: statistics.median(values) for instrument, values in paces.items()}
    flags: list[QualityFlag] = []
    for item, count in zip(items, answered, strict=True):
        if visible is not None and item.enumerator_id not in visible:
            continue
        base = {"enumerator": item.enumerator, "instance_id": item.instance_id}
        duration = item.duration_seconds
        threshold = settings.short_fraction * medians.get(item.version.instrument_id, 0.0) * count
        if duration is not None and duration < threshold:
            flags.append(QualityFlag(flag="too_short", value=duration, reference=threshold,
                                     detail=f"{duration:.0f} s for {count} answers, "
                                            f"under {settings.short_fraction:g} x the instrument's median pace",
                                     **base))
        privacy = item.facts.privacy_check
        if item.version.sensitive and privacy is not None and privacy != "private":
            flags.append(QualityFlag(flag="privacy_check_failed", value=None, reference=None,
                                     detail=f"privacy check answered '{privacy}'", **base))
        if None not in item.gps and None not in item.psu_centroid:
            distance = haversine_m(item.gps, item.psu_centroid)
            if distance > settings.gps_radius_m:
                flags.append(QualityFlag(flag="gps_far_from_psu", value=round(distance), reference=settings.gps_radius_m,
                                         detail=f"{distance / 1000:.1f} km from the centroid of PSU {item.psu}",
                                         **base))
    flags += _disclosure_flags(session, items, visible, settings)
    audit.record(session, actor, "fieldwork.quality_flags", "survey", survey.code,
                 {"flags": len(flags), "instance_ids": sorted({f.instance_id for f in flags if f.instance_id})})
    return flags
