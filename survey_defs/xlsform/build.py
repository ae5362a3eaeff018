"""Stage 3: build the typed tree from normalised rows; parse every expression once.

Problems found here: unknown_type, unsupported_feature, unmatched_group, unmatched_repeat,
expression_syntax, invalid_value, invalid_parameter, invalid_name (a missing name),
missing_calculation, missing_settings, unknown_language. Cross-references are checked in ``validate``.

Decisions:
- The XLSForm types sinmiedo refuses by name are ``UNSUPPORTED_TYPES`` (media, barcode, geotrace,
  geoshape, rank, selects from files or external data, loops, audit and device metadata beyond
  start/end/today/deviceid/username); a ``search()`` appearance is refused too.
- ``select_one list or_other`` is refused: add an ``other`` choice and a text question whose relevant
  is ``selected(${q}, 'other')``, so the extra question is visible in the form.
- ``calculation`` on a question that is not a ``calculate`` and a ``default`` holding ``${...}``
  (dynamic defaults) are refused; ``parameters`` are accepted for ``range`` only.
"""

import difflib
import re
from dataclasses import dataclass, field

from survey_defs.errors import Problem
from survey_defs.expressions import Expression, ExpressionError, parse
from survey_defs.model import (
    METADATA_TYPES,
    SAFEGUARDS,
    Choice,
    ChoiceList,
    Group,
    IndicatorVariable,
    Question,
    RangeParameters,
    Repeat,
    Settings,
)
from survey_defs.xlsform.normalise import NormalisedForm, NormalRow

SIMPLE_TYPES = (
    "integer", "decimal", "text", "date", "datetime", "time", "geopoint", "note", "calculate",
    "acknowledge", "range", *METADATA_TYPES,
)
SELECT_TYPES = {
    "select_one": "select_one",
    "select1": "select_one",
    "select_multiple": "select_multiple",
    "select_all_that_apply": "select_multiple",
}
# XLSForm types that sinmiedo refuses by name (never silently dropped).
UNSUPPORTED_TYPES = {
    **{kind: f"{kind} questions (media) are not supported" for kind in (
        "audio", "image", "photo", "video", "file", "background-audio", "background-video")},
    "barcode": "barcode questions are not supported",
    "geotrace": "geotrace questions are not supported",
    "geoshape": "geoshape questions are not supported",
    "rank": "rank questions are not supported",
    "hidden": "hidden questions are not supported",
    "xml-external": "external instances (xml-external) are not supported",
    "csv-external": "external instances (csv-external) are not supported",
    "select_one_from_file": "selects from a file (select_one_from_file) are not supported",
    "select_multiple_from_file": "selects from a file (select_multiple_from_file) are not supported",
    "select_one_external": "external selects (select_one_external) are not supported",
    "begin_loop": "loops (begin_loop) are not supported; use begin_repeat",
    "end_loop": "loops (end_loop) are not supported; use end_repeat",
    "audit": "audit logs are not supported",
    "background-geopoint": "background-geopoint is not supported",
    "start-geopoint": "start-geopoint is not supported",
    "phonenumber": "the phonenumber metadata is not supported",
    "email": "the email metadata is not supported",
    "simserial": "the simserial metadata is not supported",
    "subscriberid": "the subscriberid metadata is not supported",
}
YES = ("yes", "true", "true()", "1")
NO = ("no", "false", "false()", "0")
_STRUCTURE = {"begin_group", "end_group", "begin_repeat", "end_repeat"}
_PARAMETER = re.compile(r"\s*([a-zA-Z_-]+)\s*=\s*([^\s;,]+)\s*")


@dataclass(frozen=True)
class Draft:
    """The built tree before validation; settings is None when the settings sheet is unusable."""

    settings: Settings | None
    languages: tuple[str, ...]
    survey: tuple[Question | Group | Repeat, ...]
    choice_lists: dict[str, ChoiceList]
    indicator_variables: tuple[tuple[IndicatorVariable, int], ...]
    sheet_names: dict[str, str]


@dataclass
class _Frame:
    kind: str  # "group" or "repeat"
    row: NormalRow
    fields: dict[str, object]
    children: list[Question | Group | Repeat] = field(default_factory=list)


def build(form: NormalisedForm) -> tuple[Draft, list[Problem]]:
    problems: list[Problem] = []
    builder = _Builder(form, problems)
    survey = builder.survey()
    draft = Draft(
        settings=builder.settings(),
        languages=form.languages,
        survey=survey,
        choice_lists=builder.choice_lists(),
        indicator_variables=builder.indicator_variables(),
        sheet_names=form.sheet_names,
    )
    return draft, problems


class _Builder:
    def __init__(self, form: NormalisedForm, problems: list[Problem]) -> None:
        self.form = form
        self.problems = problems

    def problem(self, code: str, message: str, row: NormalRow | None = None, column: str | None = None,
                sheet: str | None = None) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                sheet=row.sheet if row is not None else sheet,
                row=row.number if row is not None else None,
                column=column,
            )
        )

    # --- survey -----------------------------------------------------------------------------------

    def survey(self) -> tuple[Question | Group | Repeat, ...]:
        top: list[Question | Group | Repeat] = []
        stack: list[_Frame] = []
        for row in self.form.survey:
            inherited_sensitive = bool(stack) and bool(stack[-1].fields["sensitive"])
            written_type = row.values.get("type")
            if written_type is None:
                self.problem("unknown_type", "the row has no type", row, "type")
                continue
            words = written_type.split()
            keyword = "_".join(words).lower()
            if keyword in _STRUCTURE:
                self._structure(keyword, row, stack, top, inherited_sensitive)
                continue
            question = self._question(row, words, inherited_sensitive)
            if question is not None:
                (stack[-1].children if stack else top).append(question)
        while stack:
            frame = stack.pop()
            self.problem(
                f"unmatched_{frame.kind}",
                f"begin_{frame.kind} {frame.fields['name']!r} has no end_{frame.kind}",
                frame.row,
                "type",
            )
            (stack[-1].children if stack else top).append(self._close(frame))
        return tuple(top)

    def _structure(self, keyword: str, row: NormalRow, stack: list[_Frame],
                   top: list[Question | Group | Repeat], inherited_sensitive: bool) -> None:
        action, kind = keyword.split("_")
        if action == "begin":
            fields: dict[str, object] = {
                "name": self._name(row),
                "label": row.translations.get("label", {}),
                "hint": row.translations.get("hint", {}),
                "relevant": self._expression(row, "relevant"),
                "appearance": self._appearance(row),
                "sensitive": inherited_sensitive or self._yes_no(row, "sensitive"),
                "safeguard": self._safeguard(row),
                "source_row": row.number,
            }
            if kind == "repeat":
                fields["repeat_count"] = self._expression(row, "repeat_count")
            elif "repeat_count" in row.values:
                self.problem("invalid_value", "repeat_count belongs on a begin_repeat row", row, "repeat_count")
            self._refuse_question_columns(row, kind)
            stack.append(_Frame(kind=kind, row=row, fields=fields))
            return
        if not stack or stack[-1].kind != kind:
            open_kind = stack[-1].kind if stack else None
            detail = f"the open section is a {open_kind}" if open_kind else "no section is open"
            self.problem(f"unmatched_{kind}", f"end_{kind} without a matching begin_{kind} ({detail})", row, "type")
            return
        frame = stack.pop()
        (stack[-1].children if stack else top).append(self._close(frame))

    @staticmethod
    def _close(frame: _Frame) -> Group | Repeat:
        section_type = Repeat if frame.kind == "repeat" else Group
        return section_type(children=tuple(frame.children), **frame.fields)  # type: ignore[arg-type]

    def _question(self, row: NormalRow, words: list[str], inherited_sensitive: bool) -> Question | None:
        kind, list_name = self._question_type(row, words)
        if kind is None:
            return None
        calculation = self._expression(row, "calculation")
        if kind == "calculate" and calculation is None and "calculation" not in row.values:
            self.problem("missing_calculation", "a calculate needs a calculation", row, "calculation")
        if kind != "calculate" and "calculation" in row.values:
            self.problem("unsupported_feature", f"a calculation on a {kind} question is not supported", row, "calculation")
        default = row.values.get("default")
        if default is not None and "${" in default:
            self.problem("unsupported_feature", "dynamic defaults (a default with ${...}) are not supported", row, "default")
        required_text = row.values.get("required")
        required: Expression | None = None
        if required_text is not None and required_text.lower() not in NO:
            required = self._expression(row, "required", "true()" if required_text.lower() in YES else required_text)
        return Question(
            type=kind,  # type: ignore[arg-type]
            name=self._name(row),
            label=row.translations.get("label", {}),
            hint=row.translations.get("hint", {}),
            list_name=list_name,
            relevant=self._expression(row, "relevant"),
            constraint=self._expression(row, "constraint"),
            constraint_message=row.translations.get("constraint_message", {}),
            required=required,
            required_message=row.translations.get("required_message", {}),
            calculation=calculation,
            choice_filter=self._expression(row, "choice_filter"),
            default=default,
            read_only=self._yes_no(row, "read_only"),
            appearance=self._appearance(row),
            range=self._range(row) if kind == "range" else self._no_parameters(row, kind),
            sensitive=inherited_sensitive or self._yes_no(row, "sensitive"),
            personal=self._yes_no(row, "personal"),
            safeguard=self._safeguard(row),
            source_row=row.number,
        )

    def _question_type(self, row: NormalRow, words: list[str]) -> tuple[str | None, str | None]:
        written = " ".join(words)
        if "or_other" in words[2:]:
            self.problem(
                "unsupported_feature",
                "'or_other' is not supported: add an 'other' choice and a text question "
                "with relevant selected(${question}, 'other')",
                row,
                "type",
            )
            return None, None
        for size in (4, 3, 2, 1):
            keyword = "_".join(words[:size]).lower()
            if keyword in UNSUPPORTED_TYPES:
                self.problem("unsupported_feature", UNSUPPORTED_TYPES[keyword], row, "type")
                return None, None
            if keyword in SELECT_TYPES:
                rest = words[size:]
                if len(rest) != 1:
                    self.problem(
                        "missing_choice_list" if not rest else "unknown_type",
                        f"{written!r}: a select names exactly one choice list, e.g. 'select_one yes_no'",
                        row,
                        "type",
                    )
                    return None, None
                return SELECT_TYPES[keyword], rest[0]
        keyword = "_".join(words).lower()
        if keyword in SIMPLE_TYPES:
            return keyword, None
        known = (*SIMPLE_TYPES, *SELECT_TYPES, *_STRUCTURE)
        guess = difflib.get_close_matches(keyword, known, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        self.problem("unknown_type", f"{written!r} is not an XLSForm type sinmiedo knows{hint}", row, "type")
        return None, None

    def _refuse_question_columns(self, row: NormalRow, kind: str) -> None:
        for column in ("constraint", "calculation", "choice_filter", "required", "default", "parameters"):
            if column in row.values:
                self.problem("invalid_value", f"{column} does not apply to a {kind}", row, column)

    # --- cells --------------------------------------------------------------------------------------

    def _name(self, row: NormalRow) -> str:
        name = row.values.get("name", "")
        if not name:
            self.problem("invalid_name", "the row has no name", row, "name")
        return name

    def _expression(self, row: NormalRow, column: str, text: str | None = None) -> Expression | None:
        text = row.values.get(column) if text is None else text
        if text is None:
            return None
        try:
            return parse(text)
        except ExpressionError as error:
            where = f" at character {error.position}" if error.position is not None else ""
            self.problem("expression_syntax", f"{error.message}{where} in {text!r} ({error.code})", row, column)
            return None

    def _yes_no(self, row: NormalRow, column: str) -> bool:
        text = row.values.get(column)
        if text is None or text.lower() in NO:
            return False
        if text.lower() in YES:
            return True
        self.problem("invalid_value", f"{text!r} is not yes or no", row, column)
        return False

    def _safeguard(self, row: NormalRow) -> str | None:
        text = row.values.get("safeguard")
        if text is None:
            return None
        if text not in SAFEGUARDS:
            self.problem("invalid_value", f"{text!r} is not one of {', '.join(SAFEGUARDS)}", row, "safeguard")
            return None
        return text

    def _appearance(self, row: NormalRow) -> str | None:
        appearance = row.values.get("appearance")
        if appearance is not None and "search(" in appearance:
            self.problem("unsupported_feature", "search() appearances (external data) are not supported", row, "appearance")
        return appearance

    def _range(self, row: NormalRow) -> RangeParameters:
        values: dict[str, float] = {}
        for part in re.split(r"[;,]|\s+(?=[a-zA-Z_-]+\s*=)", row.values.get("parameters", "")):
            if not part.strip():
                continue
            match = _PARAMETER.fullmatch(part)
            key = match.group(1) if match else part.strip()
            if match is None or key not in ("start", "end", "step"):
                self.problem("invalid_parameter", f"{part.strip()!r}: range takes start=, end= and step=", row, "parameters")
                continue
            try:
                values[key] = float(match.group(2))
            except ValueError:
                self.problem("invalid_parameter", f"{key} must be a number, not {match.group(2)!r}", row, "parameters")
        parameters = RangeParameters(**values)
        if parameters.step <= 0 or parameters.start == parameters.end:
            self.problem("invalid_parameter", "range needs step > 0 and start different from end", row, "parameters")
        return parameters

    def _no_parameters(self, row: NormalRow, kind: str) -> None:
        if "parameters" in row.values:
            self.problem("unsupported_feature", f"parameters on a {kind} question are not supported", row, "parameters")
        return None

    # --- other sheets -------------------------------------------------------------------------------

    def choice_lists(self) -> dict[str, ChoiceList]:
        choices: dict[str, list[Choice]] = {}
        for row in self.form.choices:
            list_name = row.values.get("list_name")
            if not list_name:
                self.problem("invalid_value", "the choice has no list_name", row, "list_name")
                continue
            extra = {column: text for column, text in row.values.items() if column not in ("list_name", "name")}
            listed = choices.setdefault(list_name, [])
            name = row.values.get("name")
            if not name:
                self.problem("invalid_name", f"a choice of list {list_name!r} has no name", row, "name")
                continue
            listed.append(Choice(name=name, label=row.translations.get("label", {}), extra=extra, source_row=row.number))
        return {name: ChoiceList(name=name, choices=tuple(listed)) for name, listed in choices.items()}

    def settings(self) -> Settings | None:
        rows = self.form.settings
        sheet = self.form.sheet_names.get("settings")
        if sheet is None:
            return None  # normalise reported the missing sheet
        row = rows[0] if rows else NormalRow(sheet=sheet, number=2, values={})
        missing = [column for column in ("form_id", "title", "version") if not row.values.get(column)]
        for column in missing:
            self.problem("missing_settings", f"the settings sheet needs a {column}", row, column)
        default_language = row.values.get("default_language")
        if default_language is not None and default_language not in self.form.languages:
            self.problem(
                "unknown_language",
                f"default_language {default_language!r} has no label column "
                f"(languages: {', '.join(self.form.languages) or 'none'})",
                row,
                "default_language",
            )
        instance_name = self._expression(row, "instance_name")
        if missing:
            return None
        return Settings(
            form_id=row.values["form_id"],
            title=row.values["title"],
            version=row.values["version"],
            default_language=default_language,
            instance_name=instance_name,
            style=row.values.get("style"),
        )

    def indicator_variables(self) -> tuple[tuple[IndicatorVariable, int], ...]:
        found: list[tuple[IndicatorVariable, int]] = []
        for row in self.form.indicator_variables:
            missing = [column for column in ("variable", "question") if not row.values.get(column)]
            for column in missing:
                self.problem("invalid_value", f"an indicator variable needs a {column}", row, column)
            if not missing:
                variable = IndicatorVariable(
                    variable=row.values["variable"], question=row.values["question"], description=row.values.get("description")
                )
                found.append((variable, row.number))
        return tuple(found)
