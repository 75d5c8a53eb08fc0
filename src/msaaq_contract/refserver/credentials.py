"""The demo credentials of the reference server, in one place.

Defaults are public test values; each can be overridden by a ``serve`` flag or an environment variable
(``MSAAQ_REFSERVER_CLIENT_ID``, ``..._CLIENT_SECRET``, ``..._PASSWORD``). Precedence, resolved in
``DemoCredentials.resolve``: explicit argument > environment > default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..settings import Credentials

ACADEMIES = ("academy-a.msaaq.test", "academy-b.msaaq.test")
DEFAULT_CLIENT_ID = "demo-client"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 - a public demo value
DEFAULT_PASSWORD = "demo-password"  # noqa: S105 - a public demo value
ENV_PREFIX = "MSAAQ_REFSERVER_"


def admin_email(academy: str) -> str:
    return f"admin@{academy}"


def student_email(academy: str) -> str:
    return f"student@{academy}"


def second_student_email(academy: str) -> str:
    """A second student of the academy (its second seeded member): the ownership checks' other user."""
    return f"member2@{academy}"


@dataclass(frozen=True)
class DemoCredentials:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    password: str = DEFAULT_PASSWORD

    @classmethod
    def resolve(
        cls,
        client_id: str | None = None,
        client_secret: str | None = None,
        password: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> DemoCredentials:
        env = os.environ if environ is None else environ
        return cls(
            client_id=client_id or env.get(ENV_PREFIX + "CLIENT_ID") or DEFAULT_CLIENT_ID,
            client_secret=client_secret or env.get(ENV_PREFIX + "CLIENT_SECRET") or DEFAULT_CLIENT_SECRET,
            password=password or env.get(ENV_PREFIX + "PASSWORD") or DEFAULT_PASSWORD,
        )

    def as_dict(self, academy: str = ACADEMIES[0], *, second: bool = False) -> dict[str, str]:
        """The fields of ``settings.Credentials`` for ``academy``: ``Credentials(**creds.as_dict())``; ``second``:
        the academy's second student (no second dashboard user is seeded)."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "admin_email": "" if second else admin_email(academy),
            "admin_password": "" if second else self.password,
            "student_email": second_student_email(academy) if second else student_email(academy),
            "student_password": self.password,
        }

    def lines(self) -> list[str]:
        """Human-readable lines for the ``serve`` banner."""
        out = [f"  OAuth client : {self.client_id} / {self.client_secret}"]
        for academy in ACADEMIES:
            out.append(
                f"  {academy}: admin {admin_email(academy)}, student {student_email(academy)} "
                f"(a second student: {second_student_email(academy)})"
            )
        out.append(f"  password     : {self.password}")
        return out


def academy_domain(academy: str) -> str:
    """``academy-a`` or ``academy-a.msaaq.test`` -> ``academy-a.msaaq.test``."""
    return academy if "." in academy else f"{academy}.msaaq.test"


def demo_credentials(
    academy: str = "academy-a", base: DemoCredentials | None = None, *, second: bool = False
) -> Credentials:
    """The suite's ``Credentials`` for one demo academy (flags/env overrides through ``base``); ``second``: its
    second student."""
    from ..settings import Credentials

    return Credentials(**(base or DemoCredentials.resolve()).as_dict(academy_domain(academy), second=second))
