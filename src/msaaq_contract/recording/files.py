"""Cassette files: VCR.py cassettes in VCR.py's own serializations, JSON where it can, YAML where it must.

``cassettes/<doc-id>/<family>.json`` holds a recording whose bodies are all text: VCR.py's JSON serializer reads it,
and it parses an order of magnitude faster than YAML (the offline suite reads 3,500 of them). A recording with a
body that is not UTF-8 (a fuzzed request of random bytes) cannot be JSON, so it is written as
``<family>.yaml``, VCR.py's YAML with ``!!binary`` for such bodies. Both hold the same structure
(``{"version": 1, "interactions": [...]}``); a pytest-recording user opens either with the matching serializer.

``Persister`` is the VCR.py persister that chooses the file when recording; ``load`` reads either, and
``read_cassette`` gives its interactions as the checks' ``Exchange`` (for replay and calibration).
"""

from __future__ import annotations

import base64
import json
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from ..errors import CassetteError
from ..exchange import Exchange, RecordedRequest

SUFFIXES = (".json", ".yaml")
SPOOFABLE = ("PUT", "PATCH", "DELETE")

try:  # libyaml parses the YAML cassettes several times faster; the pure parser reads the same documents.
    _Loader: Any = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.BaseLoader
_PLAIN = {"null": None, "Null": None, "NULL": None, "~": None, "": None, "true": True, "false": False}


def find(stem: Path) -> Path:
    """The cassette file of ``stem`` (``<root>/<doc id>/<family>``): the one that exists, else the JSON name."""
    for suffix in SUFFIXES:
        path = stem.with_name(stem.name + suffix)
        if path.is_file():
            return path
    return stem.with_name(stem.name + SUFFIXES[0])


def load(path: Path) -> Any:
    """The cassette's data. Raises ``OSError`` (incl. ``FileNotFoundError``) or ``ValueError`` when unreadable."""
    with path.open("rb") as handle:
        if path.suffix == ".json":
            return json.loads(handle.read())
        try:
            node = yaml.compose(handle, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from None
    return _value(node) if node is not None else None


def _value(node: yaml.Node) -> Any:
    """A composed node as data. VCR.py's cassettes use plain YAML only (maps, lists, strings, integers, null,
    ``!!binary``), so one small recursive pass replaces PyYAML's generic (and, per cassette, slow) constructor."""
    if isinstance(node, yaml.MappingNode):
        return {_value(k): _value(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_value(v) for v in node.value]
    assert isinstance(node, yaml.ScalarNode)  # noqa: S101 - the three node kinds of YAML
    text = str(node.value)
    if node.tag == "tag:yaml.org,2002:binary":
        return base64.decodebytes(text.encode("ascii"))
    if not node.style:  # plain, unquoted (libyaml says "", the pure parser None): null, booleans, integers
        if text in _PLAIN:
            return _PLAIN[text]
        if text.lstrip("-").isdigit():
            return int(text)
    return text


def _json_serialize(data: Any) -> str:
    # VCR.py's JSON serializer with Arabic kept readable (ensure_ascii=False); VCR.py's deserializer reads it.
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


JSON = types.SimpleNamespace(serialize=_json_serialize, deserialize=json.loads)


class Persister:
    """VCR.py persister: cassette paths are stems; the file is ``<stem>.json`` unless a body is not text."""

    @staticmethod
    def load_cassette(cassette_path: str | Path, serializer: Any) -> Any:
        from vcr.persisters.filesystem import CassetteDecodeError, CassetteNotFoundError
        from vcr.serialize import deserialize
        from vcr.serializers import yamlserializer

        path = find(Path(cassette_path))
        if not path.is_file():
            raise CassetteNotFoundError()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise CassetteDecodeError("Can't read Cassette, Encoding is broken") from err
        if not text.strip():
            raise CassetteNotFoundError()  # an empty file is recorded again, as VCR.py's own persister does
        return deserialize(text, JSON if path.suffix == ".json" else yamlserializer)

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: Any, serializer: Any) -> None:
        from vcr.serialize import serialize
        from vcr.serializers import yamlserializer

        stem = Path(cassette_path)
        try:
            text, suffix = serialize(cassette_dict, JSON), ".json"
        except TypeError:  # a body that is not UTF-8 text: only YAML's !!binary can hold it
            text, suffix = serialize(cassette_dict, yamlserializer), ".yaml"
        stem.parent.mkdir(parents=True, exist_ok=True)
        target = stem.with_name(stem.name + suffix)
        target.write_text(text, encoding="utf-8")
        for other in SUFFIXES:
            if other != suffix:
                stem.with_name(stem.name + other).unlink(missing_ok=True)


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def to_exchange(interaction: Mapping[str, Any]) -> Exchange:
    """One VCR.py interaction as the checks see an exchange (response header names lower-cased)."""
    request, response = interaction["request"], interaction["response"]
    body = response.get("body") or {}
    return Exchange(
        request=RecordedRequest(
            method=str(request["method"]).upper(),
            url=str(request["uri"]),
            headers={str(k): _first(v) for k, v in (request.get("headers") or {}).items()},
            body=_bytes(request.get("body")),
        ),
        status=int(response["status"]["code"]),
        headers={str(k).lower(): _first(v) for k, v in (response.get("headers") or {}).items()},
        body=_bytes(body.get("string") if isinstance(body, Mapping) else body),
    )


def read_cassette(path: Path, hint: str, label: str = "") -> list[Exchange]:
    """Every interaction of the cassette at ``path``; a missing or unreadable file is a ``CassetteError``."""
    where = f"{label}: " if label else ""
    try:
        data = load(path)
    except FileNotFoundError:
        raise CassetteError(f"{where}no cassette at {path}", hint=hint) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise CassetteError(f"{where}{path}: corrupt cassette ({exc.__class__.__name__})", hint=hint) from None
    try:
        return [to_exchange(i) for i in data["interactions"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise CassetteError(f"{where}{path}: corrupt cassette ({exc.__class__.__name__})", hint=hint) from None


def wire_method(request: RecordedRequest) -> str:
    """The method the API routes on: Laravel's ``_method`` spoofing turns a POST into a PUT/PATCH/DELETE."""
    if request.method == "POST":
        spoof = dict(parse_qsl(urlsplit(request.url).query)).get("_method", "").upper()
        if spoof in SPOOFABLE:
            return spoof
    return request.method
