"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from api.audit.models import AuditEvent
from api.fieldwork.models import (
    PSU,
    Assignment,
    Disposition,
    Household,
    HouseholdContact,
    Stratum,
    Survey,
    Team,
    TeamMember,
    VawgInterview,
)
from api.instruments.models import Instrument, InstrumentVersion
from api.submissions.models import Submission, SubmissionAttachment, SubmissionPersonal, SubmissionRevision
from api.users.models import AccessToken, LoginThrottle, User

__all__ = [
    "PSU",
    "AccessToken",
    "Assignment",
    "AuditEvent",
    "Disposition",
    "Household",
    "HouseholdContact",
    "Instrument",
    "InstrumentVersion",
    "LoginThrottle",
    "Stratum",
    "Submission",
    "SubmissionAttachment",
    "SubmissionPersonal",
    "SubmissionRevision",
    "Survey",
    "Team",
    "TeamMember",
    "User",
    "VawgInterview",
]
