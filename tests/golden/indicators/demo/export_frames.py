"""Write the demo survey's analysis frames (the small test load) for make_demo_reference.R.

Regenerate: cd <repo> && python -m tests.golden.indicators.demo.export_frames && \
            cd tests/golden/indicators/demo && Rscript make_demo_reference.R
The demo is loaded into a throwaway SQLite database through the same services the tests use, and the
frames are built by the same wave-frame loader an analyst's from-wave request runs.
"""

import tempfile
from pathlib import Path

from sqlmodel import Session

from api import migrate
from api.crime.demo import load_crime_demo
from api.db import create_db_engine
from api.demo_survey.load import load_demo_survey
from api.estimates.frames import wave_frame
from api.users import service as users_service
from api.users.models import Role
from api.users.schemas import UserCreate
from tests.api.demo_wave import SEED, SHARE
from tests.api.submission_data import publish_bundled
from tests.indicators.demo_frames import FRAMES, standard_frame, write_fixture


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        migrate.upgrade(url)
        engine = create_db_engine(url)
        publish_bundled(engine, "perception", "victimization", "vawg")
        with Session(engine) as session:
            admin = users_service.create_user(session, UserCreate(
                username="export-admin", role=Role.admin, password="export frames only", sensitive_access=True,
            ), actor=None)
            load_crime_demo(session)
            load_demo_survey(session, admin, seed=SEED, psu_share=SHARE)
            session.commit()
            for name, (wave, form_id, level, repeat, _) in FRAMES.items():
                frame = wave_frame(session, admin, wave, form_id, level, repeat).data
                write_fixture(standard_frame(frame, name), name)
        engine.dispose()


if __name__ == "__main__":
    main()
