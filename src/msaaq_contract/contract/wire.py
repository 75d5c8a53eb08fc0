"""How a request travels: query strings (``filters[...]`` deepObject, ``ids[]``), JSON / multipart /
urlencoded bodies, and form text coerced to the types a schema names.

Shared by the reference server (reading what it is sent) and the request checks (judging what was recorded):
this is HTTP plumbing, not the meaning of the contract. Bad input never raises out of here except as
``BodyError``. Multipart (RFC 7578) is split on its boundary here, not with ``email``'s generic MIME parser (ten
times slower, and it ran on every recorded form), fields named Laravel-style
(``products[]``, ``meta[key]``) become lists and objects, and form strings are coerced by the request schema
(``"1"`` -> 1 for integers, ``"0"``/``"1"`` -> booleans) before validation. ``laravel_reading`` is the other
reading Laravel gives any value, JSON included: the loose types of its validator and its input middleware.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from .flatten import types_of

Flatten = Callable[[Any], Mapping[str, Any]]
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
INT_TEXT = re.compile(r"^-?\d+$")
NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
# What PHP's ``filter_var(FILTER_VALIDATE_INT)`` (Laravel's ``integer``) and ``is_numeric`` (``numeric``) take:
# surrounding blanks, a sign, no leading zero for integers; exponents and bare fractions for numbers.
PHP_INT_TEXT = re.compile(r"^\s*[+-]?(?:0|[1-9]\d*)\s*$")
PHP_NUMERIC_TEXT = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$")
PHP_INT_MAX = 2**63 - 1


class BodyError(Exception):
    """A body that cannot be read (``bad_json``, ``bad_encoding``, ``bad_content_type``): Laravel reads it as
    empty input; ``checks.request`` says why in its own words."""

    def __init__(self, key: str, **fields: str) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


def parse_query(raw: str) -> dict[str, Any]:
    """``a=1&filters[status]=x&ids[]=1&ids[]=2`` -> ``{"a": "1", "filters": {"status": "x"}, "ids[]": [...]}``."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if key.startswith("filters[") and key.endswith("]"):
            inner = key[len("filters[") : -1]
            filters = out.setdefault("filters", {})
            if isinstance(filters, dict):
                filters[inner] = value
        elif key.endswith("[]"):
            bucket = out.setdefault(key, [])
            if isinstance(bucket, list):
                bucket.append(value)
        else:
            out[key] = value
    return out


NO_BODY: Any = object()  # an empty request body, as opposed to a JSON ``null``


def parse_body(content_type: str, raw: bytes) -> Any:
    """The body as JSON-like data; ``NO_BODY`` when empty. Raises ``BodyError``."""
    if not raw.strip():
        return NO_BODY
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyError("bad_encoding") from None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise BodyError("bad_json") from None
    if ctype == "multipart/form-data":
        return _multipart(content_type, raw)
    if ctype == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyError("bad_encoding") from None
        return _nest(parse_qsl(text, keep_blank_values=True))
    raise BodyError("bad_content_type", ctype=ctype or "none")


def _multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    boundary = _param(content_type, "boundary")
    if not boundary:
        raise BodyError("bad_content_type", ctype="multipart/form-data")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = raw.split(delimiter)
    if len(chunks) < 2:
        raise BodyError("bad_content_type", ctype="multipart/form-data")
    pairs: list[tuple[str, Any]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the close delimiter; what follows is the epilogue
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, data = chunk.partition(b"\n\n")
        data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
        headers = _part_headers(head)
        disposition = headers.get("content-disposition", "")
        name = _param(disposition, "name")
        if name is None:
            continue
        filename = _param(disposition, "filename")
        if filename is not None:
            ctype = headers.get("content-type", "text/plain").split(";")[0].strip().lower() or "text/plain"
            pairs.append((name, {"filename": filename, "size": len(data), "content_type": ctype}))
            continue
        try:
            pairs.append((name, data.decode("utf-8")))
        except UnicodeDecodeError:
            raise BodyError("bad_encoding") from None
    return _nest(pairs)


def _part_headers(head: bytes) -> dict[str, str]:
    """A part's header lines by lower-cased name (folded lines joined). Bytes outside UTF-8 are kept as latin-1,
    as HTTP header values are."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    out: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and last:
            out[last] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if colon:
            last = key.strip().lower()
            out[last] = value.strip()
    return out


_PARAM = re.compile(r';\s*([!#$%&\'*+.^`|~\w-]+\*?)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _param(header: str, wanted: str) -> str | None:
    """A parameter of a header value (``name="a b"``, ``boundary=x``, RFC 2231's ``filename*=utf-8''a%20b``)."""
    found: str | None = None
    for key, value in _PARAM.findall(";" + header.partition(";")[2]):
        key = key.lower()
        if key == wanted + "*":  # the extended form wins over the plain one
            charset, _, rest = value.strip().strip('"').partition("'")
            return unquote(rest.partition("'")[2], encoding=charset or "utf-8", errors="replace")
        if key == wanted and found is None:
            value = value.strip()
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            found = value
    return found


def _nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Laravel field names (forms and query strings): ``a[]`` appends, ``a[k]`` / ``a[0]`` nest."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        head, _, rest = name.partition("[")
        keys = [head, *_BRACKETS.findall("[" + rest)] if head and rest else [name]
        node: Any = out
        for i, key in enumerate(keys[:-1]):
            fresh: Any = [] if keys[i + 1] == "" or keys[i + 1].isdigit() else {}
            node = _child(node, key, fresh)
        _put(node, keys[-1], value)
    return out


def _slot(node: list[Any], key: str) -> int | None:
    """The list index ``key`` names, or None to append (bounded: a huge index appends)."""
    if key.isdigit() and int(key) <= len(node):
        return int(key)
    return None


def _child(node: Any, key: str, fresh: Any) -> Any:
    if isinstance(node, list):
        idx = _slot(node, key)
        if idx is None or idx == len(node):
            node.append(fresh)
            return node[-1]
        if not isinstance(node[idx], (list, dict)):
            node[idx] = fresh
        return node[idx]
    if not isinstance(node.get(key), (list, dict)):
        node[key] = fresh
    return node[key]


def _put(node: Any, key: str, value: Any) -> None:
    if isinstance(node, list):
        idx = _slot(node, key)
        if idx is None or idx == len(node):
            node.append(value)
        else:
            node[idx] = value
    else:
        node[key] = value


def coerce(flatten: Flatten, schema: Any, value: Any) -> Any:
    """Form strings -> the schema's types (multipart/urlencoded only); files -> their filename."""
    if isinstance(value, dict) and set(value) == {"filename", "size", "content_type"}:
        return value["filename"]
    flat = flatten(schema) if schema is not None else {}
    types = types_of(flat)
    if isinstance(value, str) and value[:1] in ("[", "{") and ({"array", "object"} & set(types) or not types):
        try:  # a form field carrying JSON (how clients send arrays and objects in multipart)
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            decoded = None
        if isinstance(decoded, (list, dict)):
            return coerce(flatten, schema, decoded)
    if isinstance(value, str):
        if ("integer" in types) and INT_TEXT.match(value):
            return int(value)
        if "number" in types and NUMBER_TEXT.match(value):
            return float(value) if "." in value else int(value)
        if "boolean" in types and value.lower() in ("0", "1", "true", "false"):
            return value.lower() in ("1", "true")
        if "array" in types and "string" not in types:
            return [coerce(flatten, flat.get("items"), value)]
        if "null" in types and value == "":
            return None
        return value
    if isinstance(value, list):
        return [coerce(flatten, flat.get("items"), v) for v in value]
    if isinstance(value, dict):
        props = flat.get("properties") or {}
        extra = flat.get("additionalProperties")
        return {
            k: coerce(flatten, props.get(k, extra if isinstance(extra, dict) else None), v) for k, v in value.items()
        }
    return value


def _json_types(value: Any) -> set[str]:
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, float):
        return {"number", "integer"} if value.is_integer() else {"number"}
    if isinstance(value, str):
        return {"string"}
    return {"array"} if isinstance(value, list) else {"object"} if isinstance(value, dict) else set()


def _loose_scalar(value: Any, types: list[str]) -> Any:
    """The value Laravel's rules of ``types`` see in ``value``, a scalar of none of those types."""
    if isinstance(value, str) and not value.strip() and "null" in types:
        return None  # TrimStrings, then ConvertEmptyStringsToNull: a nullable member takes "" as null
    if "integer" in types:
        # ``filter_var(true, FILTER_VALIDATE_INT)`` is 1 (PHP reads true as "1"); false is "" and refused.
        if value is True:
            return 1
        if isinstance(value, str) and PHP_INT_TEXT.match(value) and abs(int(value)) <= PHP_INT_MAX:
            return int(value)
    if "number" in types and isinstance(value, str) and PHP_NUMERIC_TEXT.match(value):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) <= PHP_INT_MAX else number
    if "boolean" in types and not isinstance(value, (bool, float)) and value in (0, 1, "0", "1"):
        return value in (1, "1")  # Laravel's ``boolean``: true, false, 0, 1, "0", "1" (compared strictly)
    return value


def laravel_reading(flatten: Flatten, schema: Any, value: Any) -> Any:
    """``value`` as Laravel's validator judges it against rules of the schema's types: ``integer`` takes
    integer text and ``true``, ``numeric`` takes numeric text (``"6.36e+234"``), ``boolean`` takes 0, 1, "0"
    and "1", and ``ConvertEmptyStringsToNull`` makes a blank string null. A value already of one of the
    schema's types is kept as it is; so is every value no rule of Laravel's would take."""
    flat = flatten(schema) if schema is not None else {}
    if isinstance(value, dict):
        props = flat.get("properties") or {}
        extra = flat.get("additionalProperties")
        return {
            k: laravel_reading(flatten, props.get(k, extra if isinstance(extra, dict) else None), v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [laravel_reading(flatten, flat.get("items"), v) for v in value]
    types = types_of(flat)
    if not types:
        return value
    if _json_types(value) & set(types):
        if isinstance(value, str) and not value.strip() and "null" in types:
            return None  # "" is a string, but Laravel validates null (a minLength cannot refuse it)
        return value
    return _loose_scalar(value, types)
