"""What fieldwork decides about collection: which interviews an enumerator may send, which forms
they are offered, and whose interviews a supervisor may read.

The submission and OpenRosa services call these rules; they hold no rule of their own about
assignments. An enumerator with no current assignment works outside any organised wave (a pilot,
a training): only the instrument-level rules apply to them.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.db_types import is_storable_text
from api.errors import Conflict, Forbidden, Unprocessable
from api.fieldwork import repository
from api.fieldwork.models import Assignment, Survey, VawgInterview
from api.instruments import service as instruments
from api.instruments.models import InstrumentVersion
from api.users.models import Role, User


def visible_enumerators(session: Session, actor: User) -> set[int] | None:
    """Enumerators whose interviews the actor may read; None means everyone's.

    A supervisor reads their teams' interviews. Until the first team exists (no fieldwork has
    been organised yet) supervisors read every interview, as before teams were introduced.
    """
    if actor.role == Role.admin:
        return None
    if actor.role == Role.enumerator:
        return {actor.id}
    if actor.role == Role.supervisor:
        return repository.team_enumerator_ids(session, actor.id) if repository.any_team(session) else None
    return set()


def _assigned_surveys(session: Session, user: User) -> list[Survey]:
    """The user's waves, read once per session: a batch of 500 interviews asks 500 times."""
    key = _waves_key(user)
    if key not in session.info:
        session.info[key] = repository.surveys_assigned_to(session, user.id)
    return session.info[key]


def token_holder_with_waves(session: Session, token_hash: str) -> tuple[Any, User] | None:
    """`users_repository.token_with_read_only_user` for a request that submits interviews: the user's
    waves, which every interview is checked against, are read in the same statement and kept for the
    session as `_assigned_surveys` keeps them."""
    found = repository.token_with_read_only_user_and_waves(session, token_hash)
    if found is None:
        return None
    state, user, waves = found
    session.info[_waves_key(user)] = waves
    return state, user


def _waves_key(user: User) -> tuple[str, int | None]:
    return ("fieldwork.assigned_surveys", user.id)


def _female_required(user: User, surveys: list[Survey]) -> bool:
    return user.sex != "female" and any(s.vawg_requires_female_enumerator for s in surveys)


@dataclass(frozen=True)
class FormScope:
    """The forms an enumerator is offered: those of their waves, when they have assignments."""

    surveys: list[Survey]

    def offers(self, user: User, form_id: str, sensitive: bool) -> bool:
        """Whether the form is on the user's list: their waves' forms, the VAWG one only if certified."""
        return not (sensitive and not user.vawg_certified) and self.permits(user, form_id, sensitive)

    def permits(self, user: User, form_id: str, sensitive: bool) -> bool:
        if not self.surveys:
            return True
        using = [s for s in self.surveys if form_id in s.form_ids]
        return bool(using) and not (sensitive and _female_required(user, using))


def form_scope(session: Session, user: User) -> FormScope:
    return FormScope(_assigned_surveys(session, user))


def enumerator_scope(session: Session, user: User) -> FormScope | None:
    """The forms an enumerator is shown anywhere (form list, instrument API); None for other roles,
    who read every published instrument."""
    return form_scope(session, user) if user.role == Role.enumerator else None


def _refuse_female_rule(user: User, surveys: list[Survey]) -> None:
    if _female_required(user, surveys):
        raise Forbidden(
            "This wave requires a female enumerator for the VAWG instrument", code="vawg_female_enumerator_required"
        )


def _check_assignment(session: Session, actor: User, assignment_id: int, form_id: str) -> tuple[Assignment, Survey]:
    assignment = repository.assignment(session, assignment_id)
    if assignment is None:
        raise Unprocessable(
            f"No assignment {assignment_id}", code="assignment_not_found",
            errors=[{"loc": ["assignment_id"], "msg": "no such assignment", "type": "assignment_not_found"}],
        )
    if assignment.enumerator_id != actor.id or assignment.ended_at is not None:
        raise Forbidden(f"Assignment {assignment_id} is not one of yours", code="assignment_not_yours")
    survey = session.get(Survey, assignment.survey_id)
    if form_id not in survey.form_ids:
        raise Unprocessable(
            f"Instrument '{form_id}' is not used in survey '{survey.code}'", code="instrument_not_in_survey",
            errors=[{"loc": ["instrument", "form_id"], "msg": f"not an instrument of survey '{survey.code}'",
                     "type": "instrument_not_in_survey"}],
        )
    return assignment, survey


def _claim_household(session: Session, household_id: int, instance_id: str) -> None:
    """Record the household's VAWG interview; a second, different interview is refused."""
    claim = repository.vawg_claim(session, household_id)
    if claim is not None and claim.instance_id != instance_id:
        earlier = repository.submission_by_instance(session, claim.instance_id)
        # No stored interview yet means an earlier one in the same batch holds the claim.
        if earlier is None or earlier.deleted_at is None:
            raise Conflict("This household has already given its VAWG interview",
                           code="vawg_household_already_interviewed")
        claim.instance_id = instance_id  # the earlier interview was deleted
        repository.add(session, claim)
        return
    if claim is None:
        try:
            with session.begin_nested():
                repository.add(session, VawgInterview(household_id=household_id, instance_id=instance_id))
        except IntegrityError as exc:  # a concurrent interview of the same household won
            raise Conflict("This household has already given its VAWG interview",
                           code="vawg_household_already_interviewed") from exc


def household_assignment_id(session: Session, actor: User, form_id: str, code: Any) -> int | None:
    """The assignment an interview from ODK Collect belongs to, from its `household_code` answer
    (PSU/household, as on the enumerator's assignment list); None when the form has no code."""
    if code is None or code == "":
        return None
    psu, _, household = str(code).partition("/")
    # A code the database cannot hold is no household's: not looked for (PostgreSQL refuses the query).
    found = [] if not is_storable_text(psu + household) else [
        a for a in repository.current_assignments_of_household(session, actor.id, psu, household)
        if form_id in (session.get(Survey, a.survey_id).form_ids or [])]
    if not found:
        raise Unprocessable(
            f"Household '{code}' is not one of your current assignments for this form", code="household_not_assigned",
            errors=[{"loc": ["household_code"], "msg": f"no current assignment of yours is household '{code}'",
                     "type": "household_not_assigned"}],
        )
    return found[0].id


def admit_interview(session: Session, actor: User, version: InstrumentVersion, *, assignment_id: int | None,
                    instance_id: str, household_code: Any = None) -> int | None:
    """Refuse an interview the actor's assignments do not allow (called once answers are valid); the
    assignment it belongs to: the one it names, else the one its `household_code` answer finds.

    An interview naming an assignment must be the actor's current assignment and use an instrument
    of its wave; without one, an enumerator who has assignments may still only use their waves'
    instruments. A resend of an interview already stored for the actor passes, so that retries stay
    harmless after a reassignment: the submission service then returns the stored record.
    """
    try:
        if assignment_id is None:
            form_id = instruments.compiled(version).settings.form_id
            assignment_id = household_assignment_id(session, actor, form_id, household_code)
        _admit(session, actor, version, assignment_id, instance_id)
        return assignment_id
    except (Forbidden, Unprocessable):
        stored = repository.submission_by_instance(session, instance_id)
        if stored is None or stored.enumerator_id != actor.id:
            raise
        return stored.assignment_id


def _admit(session: Session, actor: User, version: InstrumentVersion, assignment_id: int | None,
           instance_id: str) -> None:
    if assignment_id is None:
        surveys = _assigned_surveys(session, actor)
        if not surveys:
            return
        form_id = instruments.compiled(version).settings.form_id
        using = [s for s in surveys if form_id in s.form_ids]
        if not using:
            raise Forbidden(f"Instrument '{form_id}' is not used in any survey you are assigned to",
                            code="instrument_not_assigned")
        if version.sensitive:
            _refuse_female_rule(actor, using)
        return
    assignment, survey = _check_assignment(session, actor, assignment_id, instruments.compiled(version).settings.form_id)
    if version.sensitive:
        _refuse_female_rule(actor, [survey])
        if repository.submission_by_instance(session, instance_id) is None:
            _claim_household(session, assignment.household_id, instance_id)
