"""The demo sample as the three CSV files fieldwork imports (strata, PSUs, households), so the demo
goes through the same import, checks and probability derivation as a statistics office's files."""

import csv
import io
from collections.abc import Iterable

from api.demo_survey.survey import DemoSurvey


def sample_files(survey: DemoSurvey, *, vawg: bool) -> dict[str, bytes]:
    """strata.csv, psus.csv and households.csv of the main sample, or of its VAWG half.

    PSUs carry their measure of size, so the import derives n_h * M_hi / M_h itself. The VAWG half
    is a PPS sample of n_h / 2 PSUs in its own right (a simple random half of a PPS sample), so it
    is described by the same sizes and half the PSUs taken.
    """
    psus = [psu for psu in survey.psus if psu.vawg or not vawg]
    taken = {code: sum(psu.stratum == code for psu in psus) for code in survey.frames}
    strata = [
        {
            "stratum": code,
            "name": f"{frame.stratum.region.capitalize()} {'urbano' if frame.stratum.area == 'urban' else 'rural'}",
            "psus_selected": taken[code],
            "measure_of_size_total": frame.households,
            "psus_in_frame": len(frame.area_households),
        }
        for code, frame in survey.frames.items()
    ]
    psu_rows = [
        {"stratum": psu.stratum, "psu": psu.code, "measure_of_size": psu.area_households,
         "latitude": psu.latitude, "longitude": psu.longitude, "territory": psu.territory}
        for psu in psus
    ]
    codes = {psu.code for psu in psus}
    households = [
        {"psu": household.psu, "household": household.code, "selection_probability": repr(household.probability),
         "address": f"Vivienda {household.listing_number} del listado, sector {household.psu}"}
        for household in survey.households if household.psu in codes
    ]
    return {"strata": _csv(strata), "psus": _csv(psu_rows), "households": _csv(households)}


def _csv(rows: Iterable[dict[str, object]]) -> bytes:
    rows = list(rows)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
