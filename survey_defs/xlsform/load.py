"""load_instrument: read -> normalise -> build -> validate, collecting the problems of every stage."""

from pathlib import Path

from survey_defs.errors import InstrumentInvalid, Problem
from survey_defs.model import Instrument
from survey_defs.xlsform.build import build
from survey_defs.xlsform.normalise import normalise
from survey_defs.xlsform.reader import MAX_FILE_BYTES, read_workbook
from survey_defs.xlsform.validate import validate


def load_instrument(source: str | Path | bytes, filename: str | None = None) -> Instrument:
    """Load an XLSForm (.xlsx, .csv or .md) from a path or from bytes named by ``filename``.

    Raises InstrumentInvalid listing every problem found (a file that cannot be read stops at the first).
    """
    if isinstance(source, bytes):
        if filename is None:
            raise TypeError("load_instrument needs the filename when given bytes (its extension picks the reader)")
        data = source
    else:
        path = Path(source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InstrumentInvalid(
                [Problem(code="file_too_large", message=f"{path.name} is larger than {MAX_FILE_BYTES} bytes")]
            )
        data = path.read_bytes()
        filename = filename or path.name
    form, problems = normalise(read_workbook(data, filename))
    draft, build_problems = build(form)
    problems += build_problems
    problems += validate(draft)
    if problems or draft.settings is None:
        raise InstrumentInvalid(problems)
    return Instrument(
        settings=draft.settings,
        languages=draft.languages,
        survey=draft.survey,
        choice_lists=draft.choice_lists,
        indicator_variables=tuple(variable for variable, _ in draft.indicator_variables),
    )
