"""Validation rules the contract does not state: the server refuses requests the contract calls valid.

A real Laravel API validates each create and update with rules the front-end types never show. ``requires_field``
answers what Laravel answers to a create or update (POST, PUT, PATCH) whose body lacks ``field`` (absent,
null, empty text or an empty list): 422 ``{"message": "The X field is required.", "errors": {"X": [...]}}``,
after the contract's own validation, as Laravel runs its rules. ``msaaq-contract calibrate`` learns the rule
from that answer; once the contract requires the field, the suite sends it and the fault is silent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..contract import Operation
from ..contract.wire import PHP_INT_MAX, PHP_INT_TEXT, PHP_NUMERIC_TEXT
from ..errors import ConfigError
from .envelopes import Reply, field_error, validation
from .fault_kinds import Catalogue, FaultKind

WRITES = ("post", "put", "patch")
EMPTY: tuple[Any, ...] = (None, "", [])


class RequiresField(FaultKind):
    """Creates and updates whose body lacks ``field`` get Laravel's 422 "The ``field`` field is required."."""

    name = "requires_field"
    defaults: ClassVar[dict[str, Any]] = {"field": ""}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if not self.params["field"]:
            raise ConfigError(f"fault {self.name!r} needs 'field' (the body member the server requires)")

    def refuse(self, op: Operation, body: Any, lang: str, catalogue: Catalogue) -> Reply | None:
        name = str(self.params["field"])
        if op.method not in WRITES:
            return None
        sent = body.get(name) if isinstance(body, dict) else None
        if any(sent is e or sent == e for e in EMPTY):
            return field_error(name, "required", lang)
        return None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.method in WRITES


# Laravel's English messages (resources/lang/en/validation.php) and their Arabic translations; ``{a}`` is the
# attribute, its underscores read as spaces.
RULE_TEXT = {
    "required": ("The {a} field is required.", "حقل {a} مطلوب."),
    "string": ("The {a} must be a string.", "يجب أن يكون حقل {a} نصًا."),
    "integer": ("The {a} must be an integer.", "يجب أن يكون حقل {a} عددًا صحيحًا."),
    "numeric": ("The {a} must be a number.", "يجب على حقل {a} أن يكون رقمًا."),
    "boolean": ("The {a} field must be true or false.", "يجب أن تكون قيمة حقل {a} إما true أو false."),
    "in": ("The selected {a} is invalid.", "قيمة {a} المختارة غير صالحة."),
}
RULES = (*RULE_TEXT, "nullable")


def php_string(value: Any) -> str:
    """PHP's ``(string)`` of a decoded JSON scalar: true is "1", false "", 1.0 "1"."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _php_integer(value: Any) -> bool:
    """``filter_var($value, FILTER_VALIDATE_INT) !== false``."""
    if value is True:
        return True
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return False
    text = php_string(value)
    return bool(PHP_INT_TEXT.match(text)) and abs(int(text)) <= PHP_INT_MAX


def passes(rule: str, value: Any) -> bool:
    """Whether Laravel's ``rule`` (``string``, ``integer``, ``in:a,b``...) passes a value that is present."""
    name, _, argument = rule.partition(":")
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return _php_integer(value)
    if name == "numeric":  # is_numeric: numbers and numeric text, never booleans
        if isinstance(value, bool):
            return False
        return isinstance(value, (int, float)) or (isinstance(value, str) and bool(PHP_NUMERIC_TEXT.match(value)))
    if name == "boolean":  # in_array($value, [true, false, 0, 1, '0', '1'], true)
        return value is True or value is False or (type(value) is int and value in (0, 1)) or value in ("0", "1")
    if name == "in":
        return not isinstance(value, (list, dict)) and php_string(value) in argument.split(",")
    return True


def failures(spec: str, present: bool, value: Any) -> list[str]:
    """The rules of ``spec`` (``nullable|string``) a member fails, in order: Laravel's message keys."""
    rules = [r for r in spec.split("|") if r]
    names = [r.partition(":")[0] for r in rules]
    if isinstance(value, str) and not value.strip():
        value = None  # TrimStrings, then ConvertEmptyStringsToNull
    if not present or value is None:
        if "required" in names:
            return ["required"]  # an implicit rule that failed stops the member's other rules
        if not present or "nullable" in names:
            return []
    return [r.partition(":")[0] for r in rules if r.partition(":")[0] in RULE_TEXT and not passes(r, value)]


class LaravelRules(FaultKind):
    """Creates and updates validated by Laravel's ``rules`` for some members, answered in Laravel's words."""

    name = "laravel_rules"
    defaults: ClassVar[dict[str, Any]] = {"rules": {}}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        rules = self.params["rules"]
        if not isinstance(rules, dict) or not rules:
            raise ConfigError(f"fault {self.name!r} needs 'rules' (member: 'nullable|string', ...)")
        for member, spec in rules.items():
            unknown = [r for r in str(spec).split("|") if r.partition(":")[0] not in RULES]
            if unknown:
                raise ConfigError(f"fault {self.name!r}: {member}: no rule {unknown[0]!r}", hint=", ".join(RULES))

    @property
    def members(self) -> frozenset[str]:
        """The members whose validation these rules replace."""
        return frozenset(str(m) for m in self.params["rules"])

    def refuse(self, op: Operation, body: Any, lang: str, catalogue: Catalogue) -> Reply | None:
        if op.method not in WRITES:
            return None
        data = body if isinstance(body, dict) else {}
        errors: dict[str, list[str]] = {}
        for member, spec in self.params["rules"].items():
            failed = failures(str(spec), member in data, data.get(member))
            if failed:
                words = str(member).replace("_", " ")
                errors[str(member)] = [RULE_TEXT[k][lang == "ar"].format(a=words) for k in failed]
        return validation(errors, lang) if errors else None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.method in WRITES
