"""The demo release: a small but real release computed from a stored analysis over the demo
microdata, through the same service calls an analyst makes over HTTP. Loading it twice is a no-op."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from api.estimates.schemas import EstimateIn
from api.releases import repository, service
from api.releases.schemas import Bilingual, Comparison, ReleaseCreate, ReleaseMetadata, TableFromAnalysis, TableFromRows
from api.users.models import User


@dataclass(frozen=True)
class DemoTable:
    """One indicator table: a proportion of ``variable`` by ``by``, with its SDG series if any."""

    indicator_id: str
    title: Bilingual
    variable: str
    by: tuple[str, ...] = ()
    statistic: str = "proportion"
    unit: str = "proportion"
    sdmx_series: str | None = None
    sdmx_level: str | None = None
    sensitive: bool = False
    counting_rule: str | None = None
    domain: dict[str, str] = field(default_factory=dict)
    column_labels: dict[str, Bilingual] = field(default_factory=dict)
    value_labels: dict[str, dict[str, Bilingual]] = field(default_factory=dict)


def publish_demo_release(
    session: Session,
    actor: User,
    analysis_id: int,
    tables: Sequence[DemoTable],
    *,
    title: Bilingual,
    wave: str,
    reference_period: str,
    metadata: dict[str, Any],
    quality_profile: str = "min_base",
    comparisons: Sequence[dict[str, Any]] = (),
    row_tables: Sequence[TableFromRows] = (),
) -> dict[str, Any]:
    """Publish the demo release, or return the published one with the same title and wave;
    ``row_tables`` (administrative rates, ...) follow the tables computed from the analysis."""
    for release in repository.published_page(session, offset=0, limit=500):
        if (release.title_en, release.wave) == (title.en, wave):
            return release.document
    draft = service.create(session, actor, ReleaseCreate(
        title=title, wave=wave, reference_period=reference_period, quality_profile=quality_profile,
        metadata=ReleaseMetadata.model_validate(metadata),
        comparisons=[Comparison.model_validate(c) for c in comparisons],
    ))
    for table in tables:
        levels = [table.sdmx_level] if table.statistic == "proportion" and table.sdmx_level else []
        request = EstimateIn(statistic=table.statistic, variable=table.variable, by=list(table.by),
                             domain=table.domain, levels=levels)
        service.add_analysis_table(session, actor, draft.id, TableFromAnalysis(
            indicator_id=table.indicator_id, title=table.title, unit=table.unit, sdmx_series=table.sdmx_series,
            sdmx_level=table.sdmx_level, sensitive=table.sensitive, counting_rule=table.counting_rule,
            column_labels=table.column_labels, value_labels=table.value_labels, analysis_id=analysis_id, request=request,
        ))
    for rows_table in row_tables:
        service.add_rows_table(session, actor, draft.id, rows_table)
    return service.publish(session, actor, draft.id)
