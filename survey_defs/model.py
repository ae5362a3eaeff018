"""The typed instrument: settings, a tree of questions, groups and repeats, choice lists, languages.

Every model is frozen. ``Instrument.model_dump_json()`` is the stored definition and
``Instrument.model_validate_json()`` reads it back (expressions are re-parsed); ``content_hash`` is the
sha256 of its canonical JSON and identifies a version. Source rows are kept for messages but are not
part of the content, so compare versions by ``content_hash``, not with ``==``.

Decisions:
- Names are unique across the whole form (groups and repeats included), so ``${name}`` is never ambiguous
  and answers can use flat names (see survey_defs.answers).
- ``required`` is an expression: ``yes``/``true`` become ``true()``, ``no``/``false`` become no requirement.
- ``sensitive`` is the effective value: a question inside a sensitive group is sensitive.
- Labels, hints and messages map a language (``Español (es)``, or ``default`` for an untranslated
  column) to text.
"""

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, PrivateAttr, WithJsonSchema

from survey_defs.expressions import Expression, parse

ANSWERED_TYPES = (
    "integer", "decimal", "text", "select_one", "select_multiple", "date", "datetime", "time",
    "geopoint", "acknowledge", "range",
)
METADATA_TYPES = ("start", "end", "today", "deviceid", "username")
QuestionType = Literal[
    "integer", "decimal", "text", "select_one", "select_multiple", "date", "datetime", "time",
    "geopoint", "acknowledge", "range", "note", "calculate", "start", "end", "today", "deviceid", "username",
]
Safeguard = Literal["respondent_selection", "consent", "privacy_check", "safe_exit", "referral"]
SAFEGUARDS: tuple[str, ...] = Safeguard.__args__  # type: ignore[attr-defined]
Translations = dict[str, str]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _to_expression(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    if isinstance(value, str):
        return parse(value)
    raise ValueError(f"an expression is text, not {type(value).__name__}")


# An XLSForm expression, parsed once; stored and serialised as its text.
Logic = Annotated[
    Expression,
    PlainValidator(_to_expression),
    PlainSerializer(lambda expression: expression.text, return_type=str),
    WithJsonSchema({"type": "string"}),
]


class RangeParameters(_Frozen):
    start: float = 1
    end: float = 10
    step: float = 1


class _Element(_Frozen):
    """What questions, groups and repeats share."""

    expression_columns: ClassVar[tuple[str, ...]] = ("relevant",)

    name: str
    label: Translations = {}
    hint: Translations = {}
    relevant: Logic | None = None
    appearance: str | None = None
    sensitive: bool = False
    # A personal identifier (a name, phone, address): stored apart from the answers and never
    # part of analysis frames, exports or releases. Exact GPS (geopoint) is always treated so.
    personal: bool = False
    safeguard: Safeguard | None = None
    source_row: int | None = Field(default=None, exclude=True, repr=False)

    @property
    def expressions(self) -> dict[str, Expression]:
        """The element's expressions by column name."""
        found = {column: getattr(self, column) for column in self.expression_columns}
        return {column: expression for column, expression in found.items() if expression is not None}


class Question(_Element):
    expression_columns: ClassVar[tuple[str, ...]] = (
        "relevant", "constraint", "required", "calculation", "choice_filter",
    )

    kind: Literal["question"] = "question"
    type: QuestionType
    list_name: str | None = None
    constraint: Logic | None = None
    constraint_message: Translations = {}
    required: Logic | None = None
    required_message: Translations = {}
    calculation: Logic | None = None
    choice_filter: Logic | None = None
    default: str | None = None
    read_only: bool = False
    range: RangeParameters | None = None


class Group(_Element):
    kind: Literal["group"] = "group"
    children: tuple["Element", ...] = ()


class Repeat(_Element):
    expression_columns: ClassVar[tuple[str, ...]] = ("relevant", "repeat_count")

    kind: Literal["repeat"] = "repeat"
    repeat_count: Logic | None = None
    children: tuple["Element", ...] = ()


Element = Annotated[Question | Group | Repeat, Field(discriminator="kind")]
Section = Group | Repeat


class Choice(_Frozen):
    name: str
    label: Translations = {}
    extra: dict[str, str] = {}
    """Columns of the choices sheet beyond list_name/name/label, read by ``choice_filter``."""
    source_row: int | None = Field(default=None, exclude=True, repr=False)


class ChoiceList(_Frozen):
    name: str
    choices: tuple[Choice, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(choice.name for choice in self.choices)


class IndicatorVariable(_Frozen):
    """A standard indicator variable the instrument yields, and the question that yields it."""

    variable: str
    question: str
    description: str | None = None


class Settings(_Frozen):
    form_id: str
    title: str
    version: str
    default_language: str | None = None
    instance_name: Logic | None = None
    style: str | None = None


@dataclass(frozen=True)
class Located:
    """An element with its enclosing groups and repeats (outermost first)."""

    element: Question | Group | Repeat
    ancestors: tuple[Section, ...]

    @property
    def repeat(self) -> Repeat | None:
        """The innermost repeat holding the element, if any."""
        return next((section for section in reversed(self.ancestors) if isinstance(section, Repeat)), None)


class Instrument(_Frozen):
    settings: Settings
    languages: tuple[str, ...]
    survey: tuple[Element, ...]
    choice_lists: dict[str, ChoiceList] = {}
    indicator_variables: tuple[IndicatorVariable, ...] = ()

    _content_hash: str | None = PrivateAttr(default=None)

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON definition: the identity of a version (computed once)."""
        if self._content_hash is None:
            canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            self._content_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return self._content_hash

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        copied._content_hash = None  # the copy may differ: never reuse the hash
        return copied

    def walk(self) -> Iterator[Located]:
        """Every element in document order (a group before its children)."""
        yield from _walk(self.survey, ())

    def elements(self) -> dict[str, Located]:
        """Every element by name."""
        return {located.element.name: located for located in self.walk()}

    def questions(self) -> Iterator[Located]:
        return (located for located in self.walk() if isinstance(located.element, Question))


def _walk(elements: tuple[Element, ...], ancestors: tuple[Section, ...]) -> Iterator[Located]:
    for element in elements:
        yield Located(element=element, ancestors=ancestors)
        if isinstance(element, Group | Repeat):
            yield from _walk(element.children, (*ancestors, element))


Group.model_rebuild()
Repeat.model_rebuild()
