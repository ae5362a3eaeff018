"""Police-recorded crime for the demo: a small synthetic country, written as the files an observatory
would publish and imported through the same service as uploads, so the demo exercises the real path.

Country "00" > 3 regions > 12 municipalities; one population table (2024 and 2025, by sex and 5-year
age group); a national offence code -> ICCS mapping; police victim records of homicide (with the
relationship and context the femicide rule reads); police counts by month, municipality, sex and
offence (homicide counts are the tally of those records, so both bases agree); forensic counts of
homicide, assault and sexual violence, which diverge from the police as they do in real data.
Everything comes from a seeded generator: the files are byte-identical on every run, so loading the
demo twice finds every file already imported.
"""

import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from sqlmodel import Session

from api.crime import service
from crime_data import Source, Unit

SEED = 20251121
POPULATION_VERSION = "demo-2025"
MAPPING_VERSION = "demo-v1"
YEAR = 2025

REGIONS = {"01": "Norte", "02": "Centro", "03": "Sur"}
# code -> (name, region, population in 2024)
MUNICIPALITIES = {
    "01001": ("Puerto Alto", "01", 612_000), "01002": ("San Isidro", "01", 184_500),
    "01003": ("Las Vegas del Norte", "01", 96_300), "01004": ("Río Claro", "01", 41_800),
    "02001": ("Ciudad Capital", "02", 2_310_000), "02002": ("Villa Nueva", "02", 455_200),
    "02003": ("Santa Rosa", "02", 238_700), "02004": ("El Carmen", "02", 73_900),
    "03001": ("Puerto Sur", "03", 528_400), "03002": ("La Esperanza", "03", 201_600),
    "03003": ("San Miguel", "03", 118_200), "03004": ("Cerro Verde", "03", 37_400),
}
AGE_GROUPS = [f"{lower}-{lower + 4}" for lower in range(0, 80, 5)] + ["80+"]
AGE_SHARES = np.array([8.0, 8.0, 8.2, 8.4, 8.3, 7.8, 7.3, 6.9, 6.5, 6.0, 5.5, 4.9, 4.2, 3.4, 2.6, 1.8, 2.4])
ANNUAL_GROWTH = 1.011

# national code -> (ICCS code, description, police victims per 100,000 a year, share of female victims)
OFFENCES = {
    "HOM-DOL": ("0101", "Homicidio doloso", 18.0, 0.11),
    "ROB-PER": ("0401", "Robo con violencia a personas", 310.0, 0.41),
    "HUR-RES": ("0501", "Robo en vivienda", 140.0, 0.52),
    "HUR-VEH": ("050211", "Hurto de vehículos", 95.0, 0.27),
    "LES-PER": ("02011", "Lesiones personales", 240.0, 0.43),
    "DEL-SEX": ("0301", "Delitos sexuales", 48.0, 0.86),
    "EXT": ("02051", "Extorsión", 14.0, 0.36),
    "EST": ("0701", "Estafa", 125.0, 0.49),
}
# Forensic institutes examine victims of violence only, and see more of some than the police record.
FORENSIC_FACTOR = {"HOM-DOL": 1.06, "LES-PER": 1.35, "DEL-SEX": 1.45}
# Relationship of the perpetrator to homicide victims, by victim sex (shares sum to 1).
RELATIONSHIPS = ("intimate_partner", "family_member", "other_known", "stranger", "unknown")
RELATIONSHIP_SHARES = {"female": [0.34, 0.12, 0.22, 0.20, 0.12], "male": [0.03, 0.07, 0.40, 0.35, 0.15]}
CONTEXTS = ("sexual_violence", "body_disposed_in_public_space", "prior_violence_by_perpetrator")


def _csv(rows: list[list[object]]) -> str:
    return "".join(",".join(str(value) for value in row) + "\n" for row in rows)


def _territories() -> str:
    rows: list[list[object]] = [["code", "name", "level", "parent_code"], ["00", "República Demo", "country", ""]]
    rows += [[code, name, "region", "00"] for code, name in REGIONS.items()]
    rows += [[code, name, "municipality", region] for code, (name, region, _) in MUNICIPALITIES.items()]
    return _csv(rows)


def _female_share(age_group: str) -> float:
    lower = int(age_group.rstrip("+").split("-")[0])
    return 0.49 if lower < 40 else 0.52 if lower < 65 else 0.57


def _population(rng: np.random.Generator) -> tuple[str, dict[str, dict[str, int]]]:
    """The population file, and each municipality's 2025 population by sex (for drawing counts)."""
    rows: list[list[object]] = [["territory", "year", "sex", "age_group", "population"]]
    by_sex_2025: dict[str, dict[str, int]] = {}
    shares = AGE_SHARES / AGE_SHARES.sum()
    for code, (_, _, total) in MUNICIPALITIES.items():
        noise = rng.normal(1.0, 0.03, size=len(AGE_GROUPS))
        for year, size in ((2024, total), (2025, total * ANNUAL_GROWTH)):
            by_sex = {"female": 0, "male": 0}
            for age_group, share, wobble in zip(AGE_GROUPS, shares, noise):
                people = size * share * wobble
                female = round(people * _female_share(age_group))
                for sex, count in (("female", female), ("male", round(people) - female)):
                    rows.append([code, year, sex, age_group, count])
                    by_sex[sex] += count
            if year == YEAR:
                by_sex_2025[code] = by_sex
    return _csv(rows), by_sex_2025


def _mapping() -> str:
    rows: list[list[object]] = [["national_code", "iccs_code", "description"]]
    rows += [[code, iccs, description] for code, (iccs, description, _, _) in OFFENCES.items()]
    return _csv(rows)


def _homicide_records(rng: np.random.Generator, population: dict[str, dict[str, int]]) -> list[list[object]]:
    rate, female_share = OFFENCES["HOM-DOL"][2], OFFENCES["HOM-DOL"][3]
    records = []
    for code, by_sex in population.items():
        expected = rate * (by_sex["female"] + by_sex["male"]) / 100_000 / 12
        for month in range(1, 13):
            for _ in range(rng.poisson(expected)):
                sex = "female" if rng.random() < female_share else "male"
                relationship = RELATIONSHIPS[rng.choice(len(RELATIONSHIPS), p=RELATIONSHIP_SHARES[sex])]
                context = ""
                if sex == "female" and relationship in ("other_known", "stranger", "unknown") and rng.random() < 0.3:
                    context = CONTEXTS[rng.integers(len(CONTEXTS))]
                day = date(YEAR, month, int(rng.integers(1, 29)))
                age = int(np.clip(rng.normal(31 if sex == "male" else 34, 11), 0, 95))
                records.append([day.isoformat(), code, "HOM-DOL", sex, age, relationship, context])
    records.sort()
    header = ["date", "territory", "offence", "victim_sex", "victim_age", "relationship", "gender_related_context",
              "record_id"]
    return [header] + [record + [f"DEMO-H-{number:05d}"] for number, record in enumerate(records, start=1)]


def _counts(
    rng: np.random.Generator, population: dict[str, dict[str, int]], records: list[list[object]]
) -> tuple[str, str]:
    """Police and forensic counts by month, municipality, sex and offence (long layout)."""
    police: dict[tuple[str, str, str, str], int] = {}
    for day, code, offence, sex, *_ in records[1:]:
        key = (day[:7], code, offence, sex)
        police[key] = police.get(key, 0) + 1
    for code, by_sex in population.items():
        for offence, (_, _, rate, female_share) in OFFENCES.items():
            for month in range(1, 13):
                period = f"{YEAR}-{month:02d}"
                if offence == "HOM-DOL":
                    for sex in ("female", "male"):
                        police.setdefault((period, code, offence, sex), 0)
                    continue
                victims = rng.poisson(rate * (by_sex["female"] + by_sex["male"]) / 100_000 / 12)
                female = int(rng.binomial(victims, female_share))
                police[(period, code, offence, "female")] = female
                police[(period, code, offence, "male")] = int(victims) - female
    forensic = {
        key: int(rng.poisson(count * FORENSIC_FACTOR[key[2]])) if count else int(rng.poisson(0.2))
        for key, count in police.items()
        if key[2] in FORENSIC_FACTOR
    }
    return _counts_csv(police), _counts_csv(forensic)


def _counts_csv(figures: dict[tuple[str, str, str, str], int]) -> str:
    header = ["period", "territory", "offence", "sex", "count"]
    return _csv([header] + [[*key, count] for key, count in sorted(figures.items())])


def demo_files() -> dict[str, str]:
    """The demo's files by name, generated from the seed (identical on every call)."""
    rng = np.random.default_rng(SEED)
    population_file, population = _population(rng)
    records = _homicide_records(rng, population)
    police, forensic = _counts(rng, population, records)
    return {
        "territorios.csv": _territories(),
        "poblacion.csv": population_file,
        "delitos-iccs.csv": _mapping(),
        "victimas-homicidio-policia.csv": _csv(records),
        "conteos-policia-2025.csv": police,
        "conteos-medicina-legal-2025.csv": forensic,
    }


def load_crime_demo(session: Session) -> str:
    """Import the demo files (a no-op for files already imported); one line for the demo report."""
    files = demo_files()
    with tempfile.TemporaryDirectory(prefix="sinmiedo-demo-crime-") as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")

        def file(name: str) -> service.ImportedFile:
            return service.ImportedFile.of((Path(folder) / name).read_bytes(), name)

        results = [
            service.import_territories(session, None, file("territorios.csv")),
            service.import_population(
                session, None, file("poblacion.csv"), version=POPULATION_VERSION,
                description="Synthetic mid-year population, 2024-2025", source="Demo statistics office",
            ),
            service.import_mapping(
                session, None, file("delitos-iccs.csv"), version=MAPPING_VERSION, source="Demo national police"
            ),
            service.import_incidents(
                session, None, file("victimas-homicidio-policia.csv"),
                service.IncidentOptions(source=Source.POLICE, population_version=POPULATION_VERSION),
            ),
            service.import_counts(
                session, None, file("conteos-policia-2025.csv"),
                service.CountOptions(source=Source.POLICE, unit=Unit.VICTIMS, population_version=POPULATION_VERSION),
            ),
            service.import_counts(
                session, None, file("conteos-medicina-legal-2025.csv"),
                service.CountOptions(source=Source.FORENSIC, unit=Unit.VICTIMS, population_version=POPULATION_VERSION),
            ),
        ]
    created = [result for result in results if result.created]
    if not created:
        return "crime: territories, population, offence mapping, police and forensic data already there"
    figures = ", ".join(f"{result.batch.file_name} ({result.batch.figures_imported})" for result in created)
    return f"crime: {len(created)} file(s) imported through the crime service: {figures}"
