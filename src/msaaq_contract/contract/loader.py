"""Load the split contract into one resolved OpenAPI document.

The contract is a root ``openapi.yaml`` whose path items and component schemas are ``$ref``s into files
under ``paths/`` and ``components/``. Those files refer back to shared definitions through the root
(``../../openapi.yaml#/components/...``). Bundling inlines every external reference and turns references
to the root into internal ones (``#/components/...``), so schemathesis, jsonschema and our checks all see a
single document. Every problem becomes a ``ContractError`` naming the file and the JSON pointer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContractError

try:  # libyaml is ~10x faster on a contract this size; fall back quietly when absent.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

# Relative to the current directory (the CLI's convention); the pytest plugin resolves from its rootdir instead.
DEFAULT_CONTRACT = Path("contracts") / "openapi.yaml"


def default_contract() -> Path:
    """``contracts/openapi.yaml`` of the current directory when there is one, else the contract the package ships
    (a project laid out by ``msaaq-contract init`` overrides it by putting its own there)."""
    from ..shipped import shipped_contract

    return DEFAULT_CONTRACT if DEFAULT_CONTRACT.is_file() else shipped_contract()


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(doc: Any, pointer: str) -> Any:
    """Follow a JSON pointer (``/a/b``); KeyError names the first missing token."""
    node = doc
    if pointer in ("", "/"):
        return node
    for raw in pointer.lstrip("/").split("/"):
        token = unescape(raw)
        if isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError):
                raise KeyError(token) from None
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(token)
    return node


@dataclass
class Bundle:
    """A resolved contract plus where each part came from (for error messages)."""

    document: dict[str, Any]
    root: Path
    files: list[Path]
    origins: dict[str, tuple[Path, str]] = field(default_factory=dict)
    digest: str = ""

    def source(self, pointer: str) -> tuple[Path, str]:
        """Map a pointer of the bundled document to (file, pointer in that file)."""
        best = ""
        for prefix in self.origins:
            if (pointer == prefix or pointer.startswith(prefix + "/")) and len(prefix) > len(best):
                best = prefix
        if not best:
            return self.root, pointer
        file, inner = self.origins[best]
        return file, inner + pointer[len(best) :]

    def locate(self, pointer: str) -> tuple[str, str]:
        """``source`` with the file shown relative to the working directory (for messages)."""
        file, inner = self.source(pointer)
        return self.display(file), inner

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)


class _Bundler:
    def __init__(self, root: Path, texts: Mapping[Path, str] | None = None) -> None:
        self.root = root.resolve()
        self.texts = {p.resolve(): t for p, t in (texts or {}).items()}
        self.cache: dict[Path, Any] = {}
        self.origins: dict[str, tuple[Path, str]] = {}

    def read(self, path: Path, *, referrer: tuple[Path, str] | None = None) -> Any:
        path = path.resolve()
        if path in self.cache:
            return self.cache[path]
        try:
            text = self.texts[path] if path in self.texts else path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if referrer:
                raise ContractError(
                    f"$ref points to a missing file {path.name}", file=str(referrer[0]), pointer=referrer[1]
                ) from None
            raise ContractError("contract file not found", file=str(path), hint="pass --contract PATH") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractError(f"cannot read the file ({exc.__class__.__name__})", file=str(path)) from None
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "not valid YAML"
            raise ContractError(f"invalid YAML{where}: {problem}", file=str(path)) from None
        if not isinstance(data, dict):
            raise ContractError("expected a YAML mapping at the top level", file=str(path), pointer="")
        self.cache[path] = data
        return data

    def bundle(self) -> dict[str, Any]:
        doc = self.read(self.root)
        return self._walk(doc, self.root, "", "")  # type: ignore[no-any-return]

    def _walk(self, node: Any, file: Path, file_ptr: str, out_ptr: str) -> Any:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and (len(node) == 1 or not target.startswith("#")):
                resolved = self._ref(target, file, file_ptr, out_ptr)
                # OpenAPI 3.1 allows siblings next to $ref (x- extensions, descriptions): keep them.
                siblings = {
                    k: self._walk(v, file, f"{file_ptr}/{escape(k)}", f"{out_ptr}/{escape(k)}")
                    for k, v in node.items()
                    if k != "$ref"
                }
                return {**resolved, **siblings} if siblings and isinstance(resolved, dict) else resolved
            return {
                k: self._walk(v, file, f"{file_ptr}/{escape(k)}", f"{out_ptr}/{escape(k)}") for k, v in node.items()
            }
        if isinstance(node, list):
            return [self._walk(v, file, f"{file_ptr}/{i}", f"{out_ptr}/{i}") for i, v in enumerate(node)]
        return node

    def _ref(self, target: str, file: Path, file_ptr: str, out_ptr: str) -> Any:
        location, _, pointer = target.partition("#")
        ref_file = (file.parent / location).resolve() if location else file
        if ref_file == self.root:
            return {"$ref": f"#{pointer}"}
        doc = self.read(ref_file, referrer=(file, file_ptr))
        try:
            value = resolve_pointer(doc, pointer)
        except KeyError as exc:
            raise ContractError(
                f"$ref {target!r} does not resolve (no {exc.args[0]!r} in {ref_file.name})",
                file=str(file),
                pointer=file_ptr,
            ) from None
        self.origins[out_ptr] = (ref_file, pointer)
        return self._walk(value, ref_file, pointer, out_ptr)


def _iter_refs(node: Any, ptr: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ptr, ref
        for k, v in node.items():
            yield from _iter_refs(v, f"{ptr}/{escape(k)}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _iter_refs(v, f"{ptr}/{i}")


def bundle(path: Path | str | None = None, texts: Mapping[Path, str] | None = None) -> Bundle:
    """Read and bundle the contract; raises ContractError on the first structural problem.

    ``texts`` stands in for the content of some files (a contract about to be written, checked first).
    """
    root = Path(path) if path else default_contract()
    if root.is_dir():
        root = root / "openapi.yaml"
    bundler = _Bundler(root, texts)
    document = bundler.bundle()
    result = Bundle(document, bundler.root, sorted(bundler.cache), bundler.origins)
    for ptr, ref in _iter_refs(document):
        try:
            resolve_pointer(document, ref[1:])
        except KeyError as exc:
            file, inner = result.locate(ptr)
            raise ContractError(
                f"$ref {ref!r} does not resolve (no {exc.args[0]!r})", file=file, pointer=inner
            ) from None
    digest = hashlib.sha256()
    for f in result.files:
        digest.update(f.name.encode())
        digest.update(bundler.texts[f].encode() if f in bundler.texts else f.read_bytes())
    result.digest = digest.hexdigest()[:16]
    return result


def _schema_nodes(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every Schema Object of the document: components and the inline ones of parameters and bodies."""
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        yield f"/components/schemas/{escape(name)}", schema
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            base = f"/paths/{escape(path)}/{method}"
            for i, param in enumerate(op.get("parameters", [])):
                if "schema" in param:
                    yield f"{base}/parameters/{i}/schema", param["schema"]
            for mt, media in op.get("requestBody", {}).get("content", {}).items():
                yield f"{base}/requestBody/content/{escape(mt)}/schema", media.get("schema", {})
            for status, resp in op.get("responses", {}).items():
                for mt, media in resp.get("content", {}).items():
                    yield f"{base}/responses/{status}/content/{escape(mt)}/schema", media.get("schema", {})


@functools.lru_cache(maxsize=1)
def _oas31_validator() -> Any:
    import jsonschema_rs
    import openapi_spec_validator

    meta = Path(openapi_spec_validator.__file__).parent / "resources" / "schemas" / "v3.1" / "schema.json"
    return jsonschema_rs.validator_for(json.loads(meta.read_text()))


def validate(result: Bundle) -> None:
    """Validate the bundled document as OpenAPI 3.1 and each schema as JSON Schema 2020-12.

    A compiled validator keeps this well under a second; the self-tests also run openapi-spec-validator's
    full (slower) validation. The first error names the file and the pointer inside it.
    """
    import jsonschema_rs

    def fail(pointer: str, message: str) -> None:
        file, inner = result.locate(pointer)
        raise ContractError(f"not valid OpenAPI 3.1: {message.splitlines()[0]}", file=file, pointer=inner)

    for error in _oas31_validator().iter_errors(result.document):
        fail("".join(f"/{escape(str(p))}" for p in error.instance_path), error.message)
    for pointer, schema in _schema_nodes(result.document):
        try:
            jsonschema_rs.meta.validate(schema)
        except jsonschema_rs.ValidationError as exc:
            fail(pointer + "".join(f"/{escape(str(p))}" for p in exc.instance_path), exc.message)
    seen: dict[str, str] = {}
    for path, item in result.document.get("paths", {}).items():
        templated = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            base = f"/paths/{escape(path)}/{method}"
            declared = {p.get("name") for p in op.get("parameters", []) if p.get("in") == "path"}
            if templated != declared:
                fail(f"{base}/parameters", f"path parameters {sorted(declared)} do not match the template {path}")
            op_id = op.get("operationId")
            if not op_id:
                fail(base, "operation has no operationId")
            if op_id in seen:
                fail(f"{base}/operationId", f"operationId {op_id!r} is also used by {seen[op_id]}")
            seen[op_id] = f"{method.upper()} {path}"
