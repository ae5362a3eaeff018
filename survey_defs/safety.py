"""The safety validator: an instrument with sensitive questions must carry the WHO safeguards.

An instrument none of whose elements is ``sensitive`` has nothing to check. Otherwise every problem
below is reported (``safety_problems`` returns them all; an empty list means the instrument is safe):

- ``missing_respondent_selection``: no element tagged ``respondent_selection`` draws at random
  (``random()``, directly or through the calculates it reads), or no tagged calculate is declared as
  the ``selection_probability`` indicator variable (weighting needs the stored probability).
- ``missing_consent``: no question tagged ``consent`` that the respondent answers.
- ``privacy_check_missing`` / ``privacy_check_after_sensitive``: no question tagged ``privacy_check``,
  or every one comes after the first sensitive element.
- ``sensitive_not_gated``: a sensitive element whose relevance (its own or a group's around it) does
  not depend on the privacy check, or on consent.
- ``missing_safe_exit``: no element tagged ``safe_exit``, or no non-sensitive element whose relevance
  depends on one (the innocuous block the exit leads to).
- ``missing_referral`` / ``referral_gated``: no ``referral`` note after the last sensitive element, or
  one whose relevance depends on consent, privacy, the safe exit or a sensitive answer: the referral
  card is shown at the end of every interview, so showing it reveals nothing.
- ``title_not_neutral``: the title or form id names the topic (the form may be seen by others).

"Depends on" is read from the expressions' references, followed through the calculations of the
calculates they read: the gate must be a condition of the form, not an enumerator's habit.
"""

import re
from collections.abc import Iterable

from survey_defs.errors import Problem
from survey_defs.model import Group, Instrument, Located, Question, Repeat

Element = Question | Group | Repeat

SURVEY_SHEET = "survey"
ANSWERED_CONSENT_TYPES = ("select_one", "acknowledge")
SELECTION_PROBABILITY = "selection_probability"
NON_NEUTRAL_WORDS = re.compile(r"violen|abus|maltrat|agresi|vawg|ipv|femicid|feminicid", re.IGNORECASE)


def safety_problems(instrument: Instrument) -> list[Problem]:
    """Every missing or misplaced safeguard; [] when the instrument is safe or has nothing sensitive."""
    return _SafetyCheck(instrument).run()


class _SafetyCheck:
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.order = list(instrument.walk())
        self.by_name = {located.element.name: located for located in self.order}
        self.index = {located.element.name: position for position, located in enumerate(self.order)}
        self.sensitive = [located for located in self.order if located.element.sensitive]
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        if not self.sensitive:
            return []
        self.respondent_selection()
        consent = self.consent()
        privacy = self.privacy_check()
        self.gating(consent, privacy)
        self.safe_exit()
        self.referral()
        self.neutral_title()
        return self.problems

    def problem(self, code: str, message: str, element: Element | None = None, column: str | None = None) -> None:
        row = element.source_row if element is not None else None
        self.problems.append(Problem(code=code, message=message, sheet=SURVEY_SHEET, row=row, column=column))

    def tagged(self, safeguard: str) -> list[Located]:
        return [located for located in self.order if located.element.safeguard == safeguard]

    def row_of(self, located: Located) -> str:
        row = located.element.source_row
        return f"{located.element.name!r} (row {row})" if row is not None else repr(located.element.name)

    # --- dependencies --------------------------------------------------------------------------

    def closure(self, names: Iterable[str]) -> set[str]:
        """The names given plus every field read by the calculations of the calculates among them."""
        seen: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            located = self.by_name.get(name)
            if located is not None and isinstance(located.element, Question) and located.element.calculation:
                pending.extend(located.element.calculation.references)
        return seen

    def relevance_references(self, located: Located) -> set[str]:
        """What the element's relevance reads: its own and its groups', followed through calculates."""
        direct: set[str] = set()
        for element in (*located.ancestors, located.element):
            if element.relevant is not None:
                direct |= element.relevant.references
        return self.closure(direct)

    def uses_random(self, located: Located) -> bool:
        """Whether the element's value is drawn at random, directly or through the calculates it reads."""
        calculations = (
            self.by_name[name].element.calculation
            for name in self.closure([located.element.name])
            if name in self.by_name and isinstance(self.by_name[name].element, Question)
        )
        return any(calculation is not None and "random" in calculation.functions for calculation in calculations)

    # --- the safeguards ------------------------------------------------------------------------

    def respondent_selection(self) -> None:
        tagged = self.tagged("respondent_selection")
        if not any(self.uses_random(located) for located in tagged):
            self.problem(
                "missing_respondent_selection",
                "a sensitive module needs one respondent drawn at random per household: tag the calculate that "
                "draws her (with random()) with the safeguard 'respondent_selection'",
                column="safeguard",
            )
        declared = {variable.variable: variable.question for variable in self.instrument.indicator_variables}
        probability = self.by_name.get(declared.get(SELECTION_PROBABILITY, ""))
        if (
            probability is None
            or probability.element.safeguard != "respondent_selection"
            or not isinstance(probability.element, Question)
            or probability.element.type != "calculate"
        ):
            self.problem(
                "missing_respondent_selection",
                "the selection probability must be stored: declare the indicator variable "
                f"{SELECTION_PROBABILITY!r} on a calculate tagged 'respondent_selection' (e.g. 1 div the number "
                "of eligible women)",
                column="safeguard",
            )

    def consent(self) -> list[Located]:
        consent = [
            located
            for located in self.tagged("consent")
            if isinstance(located.element, Question) and located.element.type in ANSWERED_CONSENT_TYPES
        ]
        if not consent:
            self.problem(
                "missing_consent",
                "a sensitive module needs the respondent's own oral consent: a select_one or acknowledge "
                "question tagged with the safeguard 'consent' (never a signature)",
                column="safeguard",
            )
        return consent

    def privacy_check(self) -> list[Located]:
        privacy = [located for located in self.tagged("privacy_check") if isinstance(located.element, Question)]
        if not privacy:
            self.problem(
                "privacy_check_missing",
                "a sensitive module needs a privacy check (nobody over age 2 present) tagged 'privacy_check' "
                "before it, gating it",
                column="safeguard",
            )
            return []
        first_sensitive = self.sensitive[0]
        before = [located for located in privacy if self.index[located.element.name] < self.index[first_sensitive.element.name]]
        if not before:
            self.problem(
                "privacy_check_after_sensitive",
                f"the privacy check {self.row_of(privacy[0])} comes after the first sensitive element "
                f"{self.row_of(first_sensitive)}; it must come before and gate it",
                privacy[0].element,
                "safeguard",
            )
        return before

    def gating(self, consent: list[Located], privacy: list[Located]) -> None:
        gates = [
            (safeguard, {located.element.name for located in tagged})
            for safeguard, tagged in (("privacy check", privacy), ("consent", consent))
            if tagged
        ]
        reported: set[str] = set()
        for located in self.sensitive:
            if any(ancestor.name in reported for ancestor in located.ancestors):
                continue
            references = self.relevance_references(located)
            missing = [safeguard for safeguard, names in gates if not references & names]
            if missing:
                reported.add(located.element.name)
                self.problem(
                    "sensitive_not_gated",
                    f"sensitive {self.row_of(located)} is shown whatever the {' and the '.join(missing)} "
                    "answer(s): its relevance (or its group's) must depend on them",
                    located.element,
                    "relevant",
                )

    def safe_exit(self) -> None:
        exits = {located.element.name for located in self.tagged("safe_exit")}
        leads_somewhere = any(
            not located.element.sensitive and self.relevance_references(located) & exits
            for located in self.order
            if located.element.name not in exits
        )
        if not exits or not leads_somewhere:
            self.problem(
                "missing_safe_exit",
                "a sensitive module needs a safe exit: a question tagged 'safe_exit' (e.g. 'someone arrived') "
                "whose answer makes an innocuous, non-sensitive block relevant",
                column="safeguard",
            )

    def referral(self) -> None:
        last_sensitive = self.index[self.sensitive[-1].element.name]
        referrals = [located for located in self.tagged("referral") if isinstance(located.element, Question)]
        at_end = [located for located in referrals if self.index[located.element.name] > last_sensitive]
        if not at_end:
            self.problem(
                "missing_referral",
                "a sensitive module needs a referral note tagged 'referral' after it, shown at the end of every "
                f"interview (the last sensitive element is {self.row_of(self.sensitive[-1])})",
                referrals[0].element if referrals else None,
                "safeguard",
            )
            return
        revealing = {
            located.element.name
            for located in self.order
            if located.element.sensitive or located.element.safeguard in ("consent", "privacy_check", "safe_exit")
        }
        for located in at_end:
            gated_by = sorted(self.relevance_references(located) & revealing)
            if gated_by:
                self.problem(
                    "referral_gated",
                    f"the referral note {self.row_of(located)} depends on {', '.join(gated_by)}; it must be shown "
                    "at the end of every interview, including refusals, interruptions and reschedules",
                    located.element,
                    "relevant",
                )

    def neutral_title(self) -> None:
        settings = self.instrument.settings
        for column, value in (("title", settings.title), ("form_id", settings.form_id)):
            if NON_NEUTRAL_WORDS.search(value):
                self.problems.append(
                    Problem(
                        code="title_not_neutral",
                        message=f"the {column} {value!r} names the topic; use a neutral name such as "
                        "'Women's health and life experiences'",
                        sheet="settings",
                        column=column,
                    )
                )
