"""Recording cassettes: one small VCR.py file per documented endpoint id and check family.

``cassettes/<doc-id>/<family>.json`` (``.yaml`` when a body is not text, see ``files``) - named by the contract,
never by the test function, so renaming a test
orphans nothing and ``-k admin.courses`` finds its recordings. Recorded URLs are rewritten to a canonical base
(``settings.CANONICAL_BASE``) so the host, port and base path of the target are irrelevant; every interaction
is redacted before it is written. Record modes that reuse earlier interactions (``once``, ``new_episodes``)
match on method, path, query and a normalised, redacted body. Offline runs read the same files with
``replay.py``: they judge the recorded exchanges, they do not match requests against them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from ..errors import CassetteError
from ..redaction import Redactor, normalise_body
from ..settings import CANONICAL_BASE
from . import files
from .replay import rerecord_hint

FORMAT_VERSION = 2
META_FILE = "_meta.json"


def _body_matcher(r1: Any, r2: Any) -> None:
    a = normalise_body(r1.body, r1.headers.get("Content-Type", ""))
    b = normalise_body(r2.body, r2.headers.get("Content-Type", ""))
    if a != b:
        raise AssertionError(f"bodies differ: {a[:200]!r} != {b[:200]!r}")


def _path_matcher(r1: Any, r2: Any) -> None:
    # Recorded paths are redacted (a generated id can look like a phone number): compare redacted forms.
    redact = Redactor(matching=True)
    p1, p2 = redact.text(unquote(r1.path)), redact.text(unquote(r2.path))
    if p1 != p2:
        raise AssertionError(f"paths differ: {p1} != {p2}")


def _query_matcher(r1: Any, r2: Any) -> None:
    redact = Redactor(matching=True)
    q1 = sorted((k, redact.text(v)) for k, v in r1.query)
    q2 = sorted((k, redact.text(v)) for k, v in r2.query)
    if q1 != q2:
        raise AssertionError(f"queries differ: {q1} != {q2}")


class CassetteLibrary:
    """Opens the cassette of (doc id, family) for recording, in the run's record mode."""

    def __init__(self, root: Path, record_mode: str, redactor: Redactor, actual_base: str | None = None) -> None:
        self.root = root
        self.record_mode = record_mode
        self.redactor = redactor
        self.actual_base = (actual_base or CANONICAL_BASE).rstrip("/")
        self.actual_root = _root(self.actual_base)
        self.canonical_root = _root(CANONICAL_BASE)
        self._rewritten: set[Path] = set()
        self.recorded: set[str] = set()  # doc ids recorded by this run (the meta keeps the others' entries)
        self._current: Any = None  # the cassette being recorded (``discard`` takes an answer back out of it)
        import vcr  # only recording runs need VCR.py: imported here, offline runs start 0.2 s sooner

        # pytest-recording's "rewrite" = start each cassette afresh; VCR.py itself knows it as "all" on an
        # empty file.
        self.vcr = vcr.VCR(
            serializer="json",  # the persister picks JSON or YAML per cassette (``files.Persister``)
            record_mode="all" if record_mode == "rewrite" else record_mode,
            match_on=("method", "msaaq_path", "msaaq_query", "msaaq_body"),
            before_record_request=self._before_record_request,
            before_record_response=self._before_record_response,
            decode_compressed_response=True,
            record_on_exception=False,
            drop_unused_requests=True,
        )
        self.vcr.register_persister(files.Persister)
        self.vcr.register_matcher("msaaq_path", _path_matcher)
        self.vcr.register_matcher("msaaq_query", _query_matcher)
        self.vcr.register_matcher("msaaq_body", _body_matcher)

    def path(self, doc_id: str, family: str) -> Path:
        return files.find(self.root / doc_id / family)

    @contextlib.contextmanager
    def use(self, doc_id: str, family: str) -> Iterator[Any]:
        stem = self.root / doc_id / family
        self._check_writable(stem)
        if self.record_mode == "rewrite" and stem not in self._rewritten:
            for suffix in files.SUFFIXES:
                stem.with_name(stem.name + suffix).unlink(missing_ok=True)
        self._rewritten.add(stem)
        self.recorded.add(doc_id)
        hint = rerecord_hint(doc_id)
        from vcr.errors import CannotOverwriteExistingCassetteException, UnhandledHTTPRequestError

        with contextlib.ExitStack() as stack:
            # Only loading the file can reveal a corrupt cassette; errors of the test body are the test's own.
            try:
                cassette = stack.enter_context(self.vcr.use_cassette(str(stem), allow_playback_repeats=False))
            except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
                found = files.find(stem)
                raise CassetteError(f"{found}: corrupt cassette ({exc.__class__.__name__})", hint=hint) from None
            self._current = cassette
            try:
                yield cassette
            except (CannotOverwriteExistingCassetteException, UnhandledHTTPRequestError) as exc:
                first = str(exc).splitlines()[0][:160]
                raise CassetteError(
                    f"{doc_id}/{family}: a request is not in the cassette ({first})", hint=hint
                ) from None
            finally:
                self._current = None

    def discard(self, request: Any, status: int) -> None:
        """The client sent ``request`` again after an outage (a maintenance 503, a gateway's 502): the answer it
        did not keep is no answer of the API and leaves the recording (the one it kept is recorded after it)."""
        cassette = self._current
        if cassette is None:
            return  # sent outside a cassette (discovery, tokens): nothing was recorded
        # Probes are never recorded (``_before_record_request``), so the attempt is the last interaction.
        if cassette.data:
            recorded, answer = cassette.data[-1]
            if recorded.method == request.method and int((answer.get("status") or {}).get("code", 0)) == status:
                cassette.data.pop()

    def _check_writable(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            probe = path.parent / ".write-probe"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise CassetteError(
                f"cannot write cassettes under {path.parent} ({exc.strerror})",
                hint="make the cassette folder writable or choose another --msaaq-cassette-dir",
            ) from None

    # -- redaction hooks ------------------------------------------------------------------------------------
    def _before_record_request(self, request: Any) -> Any:
        if request.headers.get("X-Msaaq-Contract-Token-Fetch") or request.headers.get("X-Msaaq-Contract-Probe"):
            return None  # token fetches and outage probes belong to no endpoint's recording
        uri = str(request.uri)
        if uri.startswith(self.actual_base + "/"):
            uri = CANONICAL_BASE + uri[len(self.actual_base) :]
        elif uri.startswith(self.actual_root):  # served at the host root (the OAuth token endpoint, signed URLs)
            uri = self.canonical_root + uri[len(self.actual_root) :]
        request.uri = self.redactor.url(uri)
        ctype = request.headers.get("Content-Type", "")
        request.headers = self.redactor.headers(dict(request.headers))
        if request.body:
            request.body = self.redactor.body(request.body, ctype)
        return request

    def _before_record_response(self, response: dict[str, Any]) -> dict[str, Any] | None:
        if int((response.get("status") or {}).get("code", 0)) == 429:
            return None  # a throttled attempt is retried, never judged: the retry's answer is the recording
        headers = response.get("headers", {})
        ctype = ""
        for name, value in headers.items():
            if name.lower() == "content-type":
                ctype = value[0] if isinstance(value, list) else str(value)
        for name in list(headers):
            if name.lower() in ("date", "server", "content-length") or name.lower().startswith("x-ratelimit-"):
                headers.pop(name)  # volatile or recomputed: keeps cassettes identical across recordings
        response["headers"] = self.redactor.headers(headers)
        body = response.get("body", {}).get("string")
        if body:
            redacted = self.redactor.body(body, ctype)
            response["body"]["string"] = redacted
        return response


def _root(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def write_meta(root: Path, data: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT_VERSION, **data}
    tmp = root / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(root / META_FILE)


def read_meta(root: Path) -> dict[str, Any]:
    path = root / META_FILE
    if not path.is_file():
        raise CassetteError(
            f"no {META_FILE} in {root}",
            hint="record the cassettes: pytest tests/conformance --msaaq-sim --msaaq-record-mode=rewrite -p no:xdist",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise CassetteError(f"{path} is not valid JSON", hint="re-record the cassettes") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise CassetteError(f"{path} has an unknown format", hint="re-record the cassettes")
    return data
