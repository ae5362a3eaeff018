"""Interviews shaped like what enumerators send, for the bundled instruments."""

import copy
import uuid
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from api.instruments import service as instruments
from survey_defs.instruments import bundled_instrument_path
from tests.survey_defs.test_instruments import PERCEPTION_ANSWERS, VAWG_COMPLETED, VICTIMIZATION_ANSWERS

FORMS = {
    "perception": ("sinmiedo_perception", PERCEPTION_ANSWERS),
    "victimization": ("sinmiedo_victimization", VICTIMIZATION_ANSWERS),
    "vawg": ("sinmiedo_womens_health", VAWG_COMPLETED),
}


def publish_bundled(engine: Engine, *names: str) -> dict[str, str]:
    """Publish bundled instruments; returns name -> version."""
    versions = {}
    with Session(engine) as session:
        for name in names:
            path = bundled_instrument_path(name)
            _, row = instruments.upload(session, None, path.read_bytes(), path.name)
            form_id = FORMS[name][0]
            instruments.publish(session, None, form_id, row.version)
            versions[name] = row.version
        session.commit()
    return versions


def interview(name: str, version: str, *, instance_id: str | None = None, **answer_changes: Any) -> dict[str, Any]:
    form_id, answers = FORMS[name]
    return {
        "instance_id": instance_id or str(uuid.uuid4()),
        "instrument": {"form_id": form_id, "version": version},
        "answers": copy.deepcopy({**answers, **answer_changes}),
        "paradata": {
            "started_at": "2026-11-21T10:02:00-05:00",
            "ended_at": "2026-11-21T10:31:00-05:00",
            "device_id": "collect:tablet-07",
            "gps": {"latitude": -12.0464, "longitude": -77.0428, "accuracy": 6.5},
        },
    }
