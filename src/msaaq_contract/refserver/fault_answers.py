"""Faults in what an answer is as a whole, beyond its body: a refusal status the operation does not document, a
JSON-like media type that is not the documented JSON, a file without its ``Content-Type``. Each answer keeps a
body that fits its envelope, so only the documented-answer judgement (``checks.documented``) catches them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..contract import Operation
from .envelopes import JSON, Reply, failed
from .fault_kinds import Catalogue, FaultKind


class JsonLikeMediaType(FaultKind):
    """JSON bodies are served as ``media_type`` (``application/problem+json``): JSON, but not the documented type."""

    name = "json_like_media_type"
    defaults: ClassVar[dict[str, Any]] = {"media_type": "application/problem+json"}

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if reply.is_json:
            reply.raw = reply.encode()
            reply.body = None
            reply.media_type = str(self.params["media_type"])
        return reply


class FileWithoutContentType(FaultKind):
    """A documented file (a PDF, a download) is served without a ``Content-Type``."""

    name = "file_without_content_type"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if not reply.is_error and reply.status < 300 and reply.media_type != JSON:
            reply.media_type = ""
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return any(op.responses[s].media_type not in (None, JSON) for s in op.success_statuses)


class UndocumentedRefusal(FaultKind):
    """A 404 becomes a 403 in the error envelope where the operation documents no 403 (a cross-tenant read, a
    read after a delete)."""

    name = "undocumented_refusal"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if reply.status == 404 and "403" not in op.responses:
            return failed(403, "FORBIDDEN", "This action is unauthorized.")
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return "404" in op.responses and "403" not in op.responses
