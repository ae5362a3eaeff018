"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from api.audit.models import AuditEvent
from api.crime.models import (
    CrimeCount,
    CrimeImportBatch,
    CrimeOffenceCode,
    CrimeOffenceMapping,
    CrimePopulationRow,
    CrimePopulationTable,
    CrimeTerritory,
    CrimeVictimRecord,
)
from api.instruments.models import Instrument, InstrumentVersion
from api.users.models import AccessToken, LoginThrottle, User

__all__ = [
    "AccessToken", "AuditEvent", "CrimeCount", "CrimeImportBatch", "CrimeOffenceCode", "CrimeOffenceMapping",
    "CrimePopulationRow", "CrimePopulationTable", "CrimeTerritory", "CrimeVictimRecord", "Instrument",
    "InstrumentVersion", "LoginThrottle", "User",
]
