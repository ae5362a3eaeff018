"""Interview bodies read as their declared models read them: a batch's interviews, each with its JSON text
(fast), and a single interview; an interview refused for a lone surrogate is told where it holds one."""

import json
import re
from collections.abc import Iterator
from typing import Any

import msgspec
import pydantic_core
from fastapi.exceptions import RequestValidationError

from api.json_text import compact_json
from api.openapi_bodies import parse_body
from api.submissions.schemas import MAX_BATCH, BatchIn, SubmissionCreate, UnreadableItem


class _BatchBody(msgspec.Struct):
    submissions: list[msgspec.Raw]


_BATCH_BODY = msgspec.json.Decoder(_BatchBody)
_ITEM = msgspec.json.Decoder()
# Fewer brackets than this in an interview, so fewer levels of nesting than pydantic's JSON parser
# refuses (about 200, counting the two of the body around it).
_BRACKETS_BELOW_PARSER_LIMIT = 128


def batch_items(payload: bytes) -> list[tuple[Any, str]]:
    """The interviews of a batch body as `parse_body(BatchIn, …)` reads them, each with its JSON text.

    An interview's text is kept as it came, a slice of the body (as a single interview's body is kept);
    msgspec cuts the body into interviews and reads each, to the values pydantic's parser reads. A body
    it refuses or may read otherwise goes the declared way: values from pydantic's parser (NaN, infinity
    and nesting limits), each interview's text then written compact; and a body that is not
    `{"submissions": [at most 500 values]}` gets `parse_body`'s 422. A value that is no interview (not an
    object), or one whose text is no Unicode (`_with_lone_surrogates`), is read too: it is refused on its
    own, as any invalid interview is."""
    try:
        texts = [bytes(text) for text in _BATCH_BODY.decode(payload).submissions]
        items = [_ITEM.decode(text) for text in texts]
    except (msgspec.MsgspecError, ValueError):  # invalid UTF-8 is a UnicodeDecodeError
        items = texts = None
    if items is not None and len(items) <= MAX_BATCH:
        brackets = [_brackets(text) for text in texts]
        around = _brackets(payload) - sum(brackets)  # the rest of the body, which msgspec read past
        if max(brackets, default=0) < _BRACKETS_BELOW_PARSER_LIMIT and around < _BRACKETS_BELOW_PARSER_LIMIT:
            return [(item, text.decode("utf-8")) for item, text in zip(items, texts, strict=True)]
    return _declared_batch_items(payload)


def _brackets(text: bytes) -> int:
    return text.count(b"[") + text.count(b"{")


def _declared_batch_items(payload: bytes) -> list[tuple[Any, str]]:
    try:
        document = pydantic_core.from_json(payload)
    except ValueError:
        document = _with_lone_surrogates(payload)
    items = document.get("submissions") if isinstance(document, dict) else None
    if isinstance(items, list) and len(items) <= MAX_BATCH:
        return [(item, "") if isinstance(item, UnreadableItem) else (item, compact_json(item).decode("utf-8"))
                for item in items]
    parse_body(BatchIn, payload)  # raises the declared body's 422
    raise AssertionError("a batch body refused by pydantic's parser was read by its model")


_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, only a lone one: JSON's pairs are read as one character
_MAX_DEPTH = _BRACKETS_BELOW_PARSER_LIMIT


def interview_body(payload: bytes) -> SubmissionCreate:
    """A single interview's body, or the 422 of its declared body; for a body refused because a text holds a
    lone surrogate (see `_with_lone_surrogates`), the errors name each place, as a batch's interview's do,
    instead of the parser's position in the body: which answer the enumerator must type again."""
    try:
        return parse_body(SubmissionCreate, payload)
    except RequestValidationError as refused:
        document = _read_by_python(payload)
        readable = isinstance(document, dict) and _depth(document) < _MAX_DEPTH
        places = list(_lone_surrogates(document, [])) if readable else []
        if not places:
            raise
        raise RequestValidationError([{**place, "loc": ["body", *place["loc"]]} for place in places]) from refused


def _read_by_python(payload: bytes) -> Any:
    """The body as Python's JSON parser reads it (None if it cannot)."""
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        return None


def _with_lone_surrogates(payload: bytes) -> dict[str, Any] | None:
    """A body that JSON's grammar allows but pydantic's parser (and msgspec) refuse because a text holds a lone
    UTF-16 surrogate, `\\ud83d` without its pair: a device cut a text inside a character (an emoji typed in
    a comment, say). Read by Python's parser, each interview that holds one becomes an UnreadableItem
    naming where, so that it is refused alone and the others are stored: a whole batch refused for it would
    be refused at every resend, and the device would never sync. None for any other body (or one nested
    beyond the parser's limit): the declared 422."""
    document = _read_by_python(payload)
    items = document.get("submissions") if isinstance(document, dict) else None
    if not isinstance(items, list) or any(_depth(item) >= _MAX_DEPTH for item in items):
        return None
    broken = [list(_lone_surrogates(item, [])) for item in items]
    if not any(broken):
        return None
    return {"submissions": [UnreadableItem(errors, instance_hint(item)) if errors else item
                            for item, errors in zip(items, broken, strict=True)]}


def _lone_surrogates(value: Any, path: list[str | int]) -> Iterator[dict[str, Any]]:
    if isinstance(value, str) and _SURROGATE.search(value):
        yield {"loc": path, "msg": "holds a lone UTF-16 surrogate (half of a character, e.g. of an emoji cut in "
                                  "two): it is no text and cannot be stored", "type": "lone_surrogate"}
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):
                key = key.encode("utf-8", "backslashreplace").decode("utf-8")  # shown escaped: a reply holds text
                yield {"loc": path, "msg": f"a name in it holds a lone UTF-16 surrogate: {key}",
                       "type": "lone_surrogate"}
            yield from _lone_surrogates(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, [*path, index])


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def instance_hint(item: Any) -> str | None:
    """The instance id a batch item names, as text, for its verdict (if it names one that a reply can hold)."""
    hint = item.get("instance_id") if isinstance(item, dict) else None
    return str(hint) if hint and not _SURROGATE.search(str(hint)) else None
