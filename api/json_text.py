"""JSON text of values decoded from JSON, byte for byte what `json.dumps` writes, written faster: compact
(the payloads and content hashes) and with json.dumps's defaults (the text of JSON columns, where a NaN
or an infinity is written `null`: see `column_json`).

Interviews are kept as JSON text and hashed over canonical JSON text (`service.canonical_hash`), and
the hashes of interviews stored years ago must still match a resend: the text may never change. The
standard library's encoder takes about 12 µs for a victimization interview; msgspec writes it and the
scan below checks it in about 4 µs. Its text differs in two places only, both found by the scan of its
output (`json.dumps` then writes the text):

- a float whose shortest form has an exponent: Python writes `1e+16` and `1e-05`, msgspec `1e16` and
  `0.00001` (and msgspec switches to exponents at other magnitudes);
- a float that is NaN or infinite (the JSON parser accepts `NaN`, `Infinity`, `1e999`): Python writes
  `NaN` and `Infinity`, msgspec `null`; so any `null` sends the value to `json.dumps`.

Strings (every code point, escapes included), integers of any size, booleans, nesting and key order
(`sort_keys`) are written alike; tests/api/test_submission_json_text.py checks all of it. Only values
made of dict, list, str, int, float, bool and None: msgspec writes dates, UUIDs and sets its own way.
"""

import json
import math
import re
from typing import Any

import msgspec

_ENCODERS = {False: msgspec.json.Encoder(), True: msgspec.json.Encoder(order="sorted")}
_E_THEN_DIGIT = re.compile(rb"e[-0-9]")
_DIGITS = frozenset(b"0123456789.")
_BEFORE_NUMBER = frozenset(b":,[")  # compact JSON: a number starts the text or follows one of these


def compact_json(value: Any, *, sort_keys: bool = False, finite: bool = False) -> bytes:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)` in UTF-8.

    `finite`: the caller knows that no float in `value` is NaN or infinite, so that a `null` in msgspec's
    text is a None and need not send the value to `json.dumps`."""
    try:
        text = _ENCODERS[sort_keys].encode(value)
    except Exception:  # whatever json.dumps makes of it (an error too) is the answer
        text, finite = b"null", False
    if not _may_differ(text, nulls=not finite):
        return text
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys).encode("utf-8")


def column_json(value: Any) -> str:
    """The text of a JSON column (the engine's serializer, see `api.db.create_db_engine`): `json.dumps(value)`
    with its defaults (", " and ": ", non-ASCII escaped), except that a NaN or an infinity is written `null`,
    as JSON has neither: PostgreSQL's json refuses `NaN` (an XPath calculation's NaN, a device's), which
    SQLite kept. In about 3 us instead of 13 for a victimization interview's answers: msgspec's compact text
    (its NaN and infinities are `null`), checked as `compact_json` checks it, spaced by
    `msgspec.json.format`; text with characters json.dumps escapes and msgspec does not (non-ASCII, DEL)
    is left to json.dumps."""
    try:
        text = _ENCODERS[False].encode(value)
    except Exception:  # json.dumps's own answer, an error included
        return json.dumps(value)
    if not text.isascii() or b"\x7f" in text or _may_differ(text, nulls=False):
        written = json.dumps(value)
        # Text may hold these words; only a float's may not (JSON has no such numbers).
        return json.dumps(_finite(value)) if "NaN" in written or "Infinity" in written else written
    return msgspec.json.format(text, indent=0).decode("ascii")


_DECODER = msgspec.json.Decoder()


def column_value(text: str | bytes) -> Any:
    """The value of a JSON column's text (the engines' deserializer), as `json.loads` reads it, read faster:
    msgspec's parser, 3 µs instead of 8 for an interview's answers (a wave's quality flags and
    analysis frames read every one), and `json.loads` for what msgspec refuses and Python reads (a lone
    surrogate's escape, a number beyond a float's range)."""
    try:
        return _DECODER.decode(text)
    except msgspec.DecodeError:
        return json.loads(text)


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinite float replaced by None."""
    if value.__class__ is float:
        return value if math.isfinite(value) else None
    if value.__class__ is dict:
        return {key: _finite(item) for key, item in value.items()}
    if value.__class__ is list:
        return [_finite(item) for item in value]
    return value


def _may_differ(text: bytes, *, nulls: bool = True) -> bool:
    """Whether msgspec's text may hold a NaN or infinity (`null`, unless `nulls` is False), a small float
    without exponent (`0.0000…`) or a float with one. Text inside strings may look alike: that costs only
    the fallback."""
    if (nulls and b"null" in text) or b"0.0000" in text:
        return True
    return any(_number_before(text, found.start()) for found in _E_THEN_DIGIT.finditer(text))


def _number_before(text: bytes, end: int) -> bool:
    """Whether the bytes before `end` are a number token: digits (and a point), maybe a sign."""
    start = end
    while start > 0 and text[start - 1] in _DIGITS:
        start -= 1
    if start == end:
        return False
    if start > 0 and text[start - 1] == ord("-"):
        start -= 1
    return start == 0 or text[start - 1] in _BEFORE_NUMBER
