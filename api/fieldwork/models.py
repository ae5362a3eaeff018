"""Fieldwork: the survey wave, its sample (strata, PSUs, households), teams, assignments and
dispositions.

Selection probabilities live on the sample rows because weighting derives design weights from
them. Household addresses and phones are personal identifiers: they sit in their own table and
never join the frame the analysis reads. Dispositions are appended, never overwritten: the
latest row for a household (or a person in it) is its current outcome.
"""

from datetime import date, datetime

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Survey(SQLModel, table=True):
    """One wave of a survey: its instruments, dates and the rules its fieldwork follows."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=300)
    reference_period_start: date | None = None
    reference_period_end: date | None = None
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    form_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    only_approved_feed_estimates: bool = True
    vawg_requires_female_enumerator: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class Stratum(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=64)
    name: str = Field(default="", max_length=300)
    # n_h: PSUs selected in the stratum; with the stratum's total measure of size M_h it gives
    # each PSU's probability n_h * M_hi / M_h when the sample file carries sizes, not probabilities.
    psus_selected: int | None = None
    measure_of_size_total: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    psus_in_frame: int | None = None  # N_h, for a finite population correction


class PSU(SQLModel, table=True):
    """A primary sampling unit (enumeration area)."""

    __tablename__ = "psu"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    stratum_id: int = Field(foreign_key="stratum.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=64)
    selection_probability: float = Field(sa_column=Column(Float, nullable=False))
    measure_of_size: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    # The centroid is public geography (the area, not a dwelling): used for the GPS distance check.
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    # The code of the territory (e.g. municipality) the area lies in, as the crime data's territory
    # table spells it: survey estimates by territory sit beside police figures for the same codes.
    territory: str | None = Field(default=None, max_length=64)


class Household(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("psu_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    psu_id: int = Field(foreign_key="psu.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=64)
    selection_probability: float = Field(sa_column=Column(Float, nullable=False))  # within the PSU


class HouseholdContact(SQLModel, table=True):
    """Where to find a household: personal identifiers, kept apart from the sample frame."""

    __tablename__ = "household_contact"

    household_id: int = Field(foreign_key="household.id", primary_key=True, ondelete="CASCADE")
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    phone: str | None = Field(default=None, max_length=64)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    supervisor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class TeamMember(SQLModel, table=True):
    """An enumerator belongs to one team at a time."""

    __tablename__ = "team_member"

    enumerator_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    added_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Assignment(SQLModel, table=True):
    """One household given to one enumerator. Assigning a PSU assigns each of its households;
    a reassignment ends the earlier row (ended_at) rather than changing it."""

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    psu_id: int = Field(foreign_key="psu.id", index=True, ondelete="CASCADE")
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    enumerator_id: int = Field(foreign_key="user.id", index=True)
    assigned_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Disposition(SQLModel, table=True):
    """An AAPOR outcome code recorded for a household (person is None) or one of its members."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    person: int | None = None  # roster position of the member, for person-level outcomes
    code: str = Field(sa_type=String(8))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    instance_id: str | None = Field(default=None, max_length=64)  # the interview this outcome belongs to
    recorded_by: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class VawgInterview(SQLModel, table=True):
    """The one VAWG interview a household may give: the unique household id refuses a second."""

    __tablename__ = "vawg_interview"

    household_id: int = Field(foreign_key="household.id", primary_key=True, ondelete="CASCADE")
    instance_id: str = Field(max_length=64, unique=True)
    claimed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class InterviewFacts(SQLModel, table=True):
    """What the quality flags need of one revision's answers, worked out once (`api.fieldwork.facts`).

    A revision's answers and its version never change, so neither do its facts: a wave's flags read
    these few columns instead of parsing every interview's answers at every read. `discloses` is as
    sensitive as the answers it summarises: only the per-enumerator rates of the flags read it, and
    nothing exports it."""

    __tablename__ = "interview_facts"

    revision_id: int = Field(foreign_key="submission_revision.id", primary_key=True, ondelete="CASCADE")
    answered: int  # questions answered: non-empty leaves, repeat instances included
    privacy_check: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # VAWG versions only
    reached_sensitive: bool = False  # a VAWG interview that holds any sensitive answer
    discloses: bool = False  # ... of which one is 'yes'
