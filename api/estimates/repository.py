"""All SQL touching datasets, analyses and cached estimates."""

from sqlmodel import Session, col, select

from api.estimates.models import Analysis, Dataset, EstimateResult


def add(session: Session, row: Dataset | Analysis | EstimateResult) -> None:
    session.add(row)
    session.flush()


def get_dataset(session: Session, dataset_id: int) -> Dataset | None:
    return session.get(Dataset, dataset_id)


def get_analysis(session: Session, analysis_id: int) -> Analysis | None:
    return session.get(Analysis, analysis_id)


def datasets(session: Session, *, offset: int, limit: int) -> list[Dataset]:
    return list(session.exec(select(Dataset).order_by(col(Dataset.id)).offset(offset).limit(limit)).all())


def analyses(session: Session, *, offset: int, limit: int) -> list[Analysis]:
    return list(session.exec(select(Analysis).order_by(col(Analysis.id)).offset(offset).limit(limit)).all())


def cached(session: Session, analysis_id: int, request_hash: str) -> EstimateResult | None:
    return session.exec(
        select(EstimateResult).where(
            EstimateResult.analysis_id == analysis_id, EstimateResult.request_hash == request_hash
        )
    ).first()
