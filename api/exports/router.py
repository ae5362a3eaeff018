"""Microdata exports over HTTP: an analysis' rows as a zip (data file + codebook), and its codebook."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.db import SessionDep
from api.exports import service
from api.exports.schemas import Codebook, Format, Language
from api.params import RecordId
from api.security import Permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1", tags=["exports"])

Exporter = Annotated[User, require(Permission.export_microdata)]
LanguageQuery = Annotated[Language, Query(description="Language of the labels")]
FreeTextQuery = Annotated[bool, Query(description="Include free-text answers (left out unless asked for)")]


@router.get(
    "/analyses/{analysis_id}/microdata",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}},
                     "description": "A zip with the data file, codebook.csv and codebook.json"}},
)
def export_microdata(
    session: SessionDep,
    exporter: Exporter,
    analysis_id: RecordId,
    file_format: Annotated[Format, Query(alias="format", description="csv, parquet, dta (Stata) or sav (SPSS)")],
    language: LanguageQuery = "es",
    free_text: FreeTextQuery = False,
) -> Response:
    """The analysis' rows with design variables, final and replicate weights, labelled from the instrument;
    personal identifiers never, sensitive answers only with sensitive access; audited."""
    export = service.export_analysis(session, exporter, analysis_id, file_format, language, free_text)
    return Response(export.content, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})


@router.get("/analyses/{analysis_id}/codebook", response_model=Codebook)
def get_codebook(session: SessionDep, exporter: Exporter, analysis_id: RecordId, language: LanguageQuery = "es",
                 free_text: FreeTextQuery = False) -> Codebook:
    """What an export of the analysis would hold, column by column, with the frame's names."""
    return service.codebook(session, exporter, analysis_id, language, free_text)
