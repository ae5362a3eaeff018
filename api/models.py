"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from api.audit.models import AuditEvent
from api.estimates.models import Analysis, Dataset, EstimateResult
from api.instruments.models import Instrument, InstrumentVersion
from api.releases.models import Release, ReleaseTable
from api.submissions.models import Submission, SubmissionAttachment, SubmissionPersonal, SubmissionRevision
from api.users.models import AccessToken, LoginThrottle, User

__all__ = [
    "AccessToken",
    "Analysis",
    "AuditEvent",
    "Dataset",
    "EstimateResult",
    "Instrument",
    "InstrumentVersion",
    "LoginThrottle",
    "Release",
    "ReleaseTable",
    "Submission",
    "SubmissionAttachment",
    "SubmissionPersonal",
    "SubmissionRevision",
    "User",
]
