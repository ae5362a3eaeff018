"""The demo's police-recorded crime: a plausible country imported through the real service, once."""

from dataclasses import replace

from sqlmodel import Session, select

from api.crime import rates, repository
from api.crime.demo import MUNICIPALITIES, POPULATION_VERSION, demo_files, load_crime_demo
from api.crime.models import CrimeImportBatch
from crime_data import Source


def test_demo_files_are_the_same_on_every_call():
    assert demo_files() == demo_files()


def test_demo_loads_once_and_its_police_counts_agree_with_its_victim_records(engine):
    with Session(engine) as session:
        first = load_crime_demo(session)
        again = load_crime_demo(session)
        session.commit()
        assert "6 file(s) imported" in first
        assert "already there" in again
        assert len(session.exec(select(CrimeImportBatch)).all()) == 6
        _, municipalities = repository.page_territories(
            session, offset=0, limit=50, level="municipality", parent_code=None
        )
        assert municipalities == len(MUNICIPALITIES)
        police = rates.RateQuery(year=2025, source=Source.POLICE, iccs="0101", population_version=POPULATION_VERSION)
        [from_counts] = rates.crime_rates(session, police).rates
        [from_records] = rates.crime_rates(session, replace(police, basis=rates.RateBasis.records)).rates
        [forensic] = rates.crime_rates(session, replace(police, source=Source.FORENSIC)).rates
        [femicide] = rates.femicide_rates(session, year=2025, source=Source.POLICE).rates
    assert from_counts.count == from_records.count > 0
    assert forensic.count != from_counts.count
    assert 5 < from_counts.value < 40  # a plausible homicide rate per 100,000
    assert 0 < femicide.count < from_counts.count
