"""A readable rendering of an instrument: its questions, their logic and its languages.

``preview`` gives a structured dict (for the web UI and JSON); ``preview_markdown`` the same as text.
"""

from typing import Any

from survey_defs.model import Group, Instrument, Question, Repeat


def preview(instrument: Instrument, language: str | None = None) -> dict[str, Any]:
    """The instrument with texts in ``language`` (else its default language, else any)."""
    chosen = language or instrument.settings.default_language or next(iter(instrument.languages), "default")
    settings = instrument.settings
    return {
        "form_id": settings.form_id,
        "title": settings.title,
        "version": settings.version,
        "content_hash": instrument.content_hash,
        "language": chosen,
        "languages": list(instrument.languages),
        "default_language": settings.default_language,
        "elements": [_element(element, instrument, chosen) for element in instrument.survey],
        "indicator_variables": [variable.model_dump() for variable in instrument.indicator_variables],
    }


def preview_markdown(instrument: Instrument, language: str | None = None) -> str:
    rendered = preview(instrument, language)
    lines = [
        f"# {rendered['title']}",
        "",
        f"Form `{rendered['form_id']}`, version `{rendered['version']}`; "
        f"languages: {', '.join(rendered['languages']) or 'none'} (shown: {rendered['language']}).",
        "",
    ]
    for element in rendered["elements"]:
        _markdown_lines(element, 0, lines)
    if rendered["indicator_variables"]:
        lines += ["", "## Indicator variables", ""]
        lines += [f"- `{item['variable']}` from `{item['question']}`" for item in rendered["indicator_variables"]]
    return "\n".join(lines) + "\n"


def _element(element: Question | Group | Repeat, instrument: Instrument, language: str) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "kind": element.kind,
        "name": element.name,
        "label": _text(element.label, language),
        "hint": _text(element.hint, language),
        "logic": {column: expression.text for column, expression in element.expressions.items()},
        "sensitive": element.sensitive,
        "personal": getattr(element, "personal", False),
        "safeguard": element.safeguard,
    }
    if isinstance(element, Question):
        rendered["type"] = element.type
        rendered["constraint_message"] = _text(element.constraint_message, language)
        if element.list_name is not None and element.list_name in instrument.choice_lists:
            rendered["choices"] = [
                {"name": choice.name, "label": _text(choice.label, language)}
                for choice in instrument.choice_lists[element.list_name].choices
            ]
        if element.range is not None:
            rendered["range"] = element.range.model_dump()
    else:
        rendered["children"] = [_element(child, instrument, language) for child in element.children]
    return rendered


def _text(texts: dict[str, str], language: str) -> str | None:
    return texts.get(language) or texts.get("default") or next(iter(texts.values()), None)


def _markdown_lines(element: dict[str, Any], depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    kind = element.get("type") or element["kind"]
    flags = "".join(
        [" **sensitive**" if element["sensitive"] else "", f" safeguard: {element['safeguard']}" if element["safeguard"] else ""]
    )
    label = f" — {element['label']}" if element["label"] else ""
    lines.append(f"{indent}- `{element['name']}` ({kind}){label}{flags}")
    for column, text in element["logic"].items():
        message = f' ("{element["constraint_message"]}")' if column == "constraint" and element.get("constraint_message") else ""
        lines.append(f"{indent}  - {column}: `{text}`{message}")
    if element.get("choices"):
        lines.append(f"{indent}  - choices: " + ", ".join(f"`{c['name']}` {c['label'] or ''}".strip() for c in element["choices"]))
    for child in element.get("children", []):
        _markdown_lines(child, depth + 1, lines)
