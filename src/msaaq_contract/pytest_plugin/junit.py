"""``reports/junit.xml``: the run's JUnit XML, written once at the end in pytest's own layout (xunit2).

pytest's writer (``--junitxml``) builds its XML as each report arrives; on an xdist controller receiving 13,600
reports that was a fifth of the controller's work, competing with the workers for the CPU. Here a report costs
one dictionary update, and the file is written in one pass with the other reports (also when a run is
interrupted or stops at preflight). The layout is pytest's: one ``testsuite`` with its counts, one ``testcase``
per test (``classname``/``name``/``time``, time summed over setup, call and teardown), ``failure`` for a failed
check, ``error`` for a test that could not run, ``skipped`` with its reason, and the test's documented id and
check family as properties. An explicit ``--junitxml PATH`` still gets pytest's own writer.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..redaction import Redactor
from ..reporting.atomic import atomic_write_text
from . import properties

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids are shown as ``#xNN``, as pytest does."""
    return _ILLEGAL_XML.sub(lambda m: f"#x{ord(m.group()):02X}", text)


def _short(text: str) -> str:
    return text if len(text) <= 2000 else text[:1000] + "\n...\n" + text[-1000:]


def classname_and_name(nodeid: str) -> tuple[str, str]:
    """``tests/conformance/test_auth.py::test_missing_token[x.y]`` -> (``tests.conformance.test_auth``,
    ``test_missing_token[x.y]``)."""
    path, _, rest = nodeid.partition("::")
    names = [re.sub(r"\.py$", "", path.replace("/", ".")), *rest.split("::")] if rest else [path]
    return ".".join(names[:-1]), names[-1]


@dataclass
class Case:
    nodeid: str
    time: float = 0.0
    kind: str | None = None  # "failure", "error" or "skipped"; None: passed
    type: str = ""
    message: str = ""
    text: str = ""
    properties: list[tuple[str, str]] = field(default_factory=list)


def _crash(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return str(crash.message) if crash is not None else str(report.longrepr)


class JUnitLog:
    """Registered as a plugin: records each test's outcome, then ``write`` renders them all."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.started = time.time()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        case = self.cases.get(report.nodeid)
        if case is None:
            case = self.cases[report.nodeid] = Case(report.nodeid)
            case.properties = [
                (name.removeprefix("msaaq_"), str(value))
                for name, value in report.user_properties
                if name in (properties.ID, properties.FAMILY)
            ]
        case.time += report.duration
        if case.kind is not None and case.kind != "skipped":
            return  # the first failure or error of a test is the one it is reported with
        wasxfail = getattr(report, "wasxfail", None)
        if report.failed and report.when == "call":
            if wasxfail is not None:
                self._set(case, "skipped", "", "xfail-marked test passes unexpectedly", "")
            else:
                self._set(case, "failure", "", _crash(report), str(report.longrepr))
        elif report.failed:
            self._set(case, "error", "", f'failed on {report.when} with "{_crash(report)}"', str(report.longrepr))
        elif report.skipped and wasxfail is not None:
            self._set(case, "skipped", "pytest.xfail", str(wasxfail).removeprefix("reason: "), "")
        elif report.skipped and isinstance(report.longrepr, tuple):
            filename, lineno, reason = report.longrepr
            reason = str(reason).removeprefix("Skipped: ")
            self._set(case, "skipped", "pytest.skip", reason, f"{filename}:{lineno}: {reason}")

    @staticmethod
    def _set(case: Case, kind: str, type_: str, message: str, text: str) -> None:
        case.kind, case.type, case.message, case.text = kind, type_, message, text

    def render(self, redactor: Redactor | None = None) -> str:
        """The XML; every message and text through ``redactor`` (the run's; a plain one otherwise)."""
        redact = (redactor or Redactor()).text
        counts = {"failure": 0, "error": 0, "skipped": 0}
        suite = ET.Element("testsuite", name="pytest")
        for case in self.cases.values():
            classname, name = classname_and_name(case.nodeid)
            element = ET.SubElement(suite, "testcase", classname=classname, name=_clean(name), time=f"{case.time:.3f}")
            if case.properties:
                props = ET.SubElement(element, "properties")
                for key, value in case.properties:
                    ET.SubElement(props, "property", name=key, value=_clean(value))
            if case.kind is not None:
                counts[case.kind] += 1
                attrs: dict[str, Any] = {"message": _clean(_short(redact(case.message)))}
                if case.type:
                    attrs = {"type": case.type, **attrs}
                child = ET.SubElement(element, case.kind, attrs)
                child.text = _clean(redact(case.text)) or None
        suite.attrib.update(
            errors=str(counts["error"]),
            failures=str(counts["failure"]),
            skipped=str(counts["skipped"]),
            tests=str(len(self.cases)),
            time=f"{time.time() - self.started:.3f}",
            timestamp=dt.datetime.fromtimestamp(self.started).astimezone().isoformat(),
            hostname=socket.gethostname(),
        )
        root = ET.Element("testsuites", name="pytest tests")
        root.append(suite)
        return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode")

    def write(self, path: Path, redactor: Redactor | None = None) -> Path:
        return atomic_write_text(path, self.render(redactor))
