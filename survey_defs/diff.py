"""What changed between two versions of an instrument: questions, groups, choices, settings, languages.

Elements are matched by name (names are unique in a form). An element is changed when any of its
own properties differ (children are compared on their own) or when it moved to another group.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from survey_defs.model import Instrument, Located


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ElementChange(_Frozen):
    name: str
    properties: tuple[str, ...]
    """The changed properties (``label``, ``relevant``, ``type`` ...; ``parent`` when it moved)."""


class ChoiceListChange(_Frozen):
    name: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    """Choices whose label or extra columns changed."""
    reordered: bool = False


class InstrumentDiff(_Frozen):
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ElementChange, ...] = ()
    choice_lists_added: tuple[str, ...] = ()
    choice_lists_removed: tuple[str, ...] = ()
    choice_lists_changed: tuple[ChoiceListChange, ...] = ()
    settings_changed: tuple[str, ...] = ()
    languages_added: tuple[str, ...] = ()
    languages_removed: tuple[str, ...] = ()
    indicator_variables_changed: bool = False

    @property
    def is_empty(self) -> bool:
        return self == InstrumentDiff()


def diff_instruments(old: Instrument, new: Instrument) -> InstrumentDiff:
    old_elements, new_elements = old.elements(), new.elements()
    old_lists, new_lists = old.choice_lists, new.choice_lists
    return InstrumentDiff(
        added=tuple(name for name in new_elements if name not in old_elements),
        removed=tuple(name for name in old_elements if name not in new_elements),
        changed=tuple(
            ElementChange(name=name, properties=properties)
            for name in new_elements
            if name in old_elements and (properties := _changed_properties(old_elements[name], new_elements[name]))
        ),
        choice_lists_added=tuple(name for name in new_lists if name not in old_lists),
        choice_lists_removed=tuple(name for name in old_lists if name not in new_lists),
        choice_lists_changed=tuple(
            change
            for name in new_lists
            if name in old_lists and (change := _choice_list_change(old, new, name)) is not None
        ),
        settings_changed=_changed_keys(old.settings.model_dump(mode="json"), new.settings.model_dump(mode="json")),
        languages_added=tuple(language for language in new.languages if language not in old.languages),
        languages_removed=tuple(language for language in old.languages if language not in new.languages),
        indicator_variables_changed=old.indicator_variables != new.indicator_variables,
    )


def _changed_properties(old: Located, new: Located) -> tuple[str, ...]:
    properties = _changed_keys(_own(old), _own(new))
    if [section.name for section in old.ancestors] != [section.name for section in new.ancestors]:
        properties += ("parent",)
    return properties


def _own(located: Located) -> dict[str, Any]:
    dumped = located.element.model_dump(mode="json")
    dumped.pop("children", None)
    return dumped


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    return tuple(key for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key))


def _choice_list_change(old: Instrument, new: Instrument, name: str) -> ChoiceListChange | None:
    old_choices = {choice.name: choice for choice in old.choice_lists[name].choices}
    new_choices = {choice.name: choice for choice in new.choice_lists[name].choices}
    common_old = [choice for choice in old_choices if choice in new_choices]
    common_new = [choice for choice in new_choices if choice in old_choices]
    change = ChoiceListChange(
        name=name,
        added=tuple(choice for choice in new_choices if choice not in old_choices),
        removed=tuple(choice for choice in old_choices if choice not in new_choices),
        changed=tuple(
            choice
            for choice in common_new
            if old_choices[choice].model_dump(mode="json") != new_choices[choice].model_dump(mode="json")
        ),
        reordered=common_old != common_new,
    )
    return change if change != ChoiceListChange(name=name) else None
