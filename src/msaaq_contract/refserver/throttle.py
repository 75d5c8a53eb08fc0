"""Throttling as a Laravel deployment does it, for the reference server and the varying proxy (off by default).

Laravel's default ``api`` limiter is ``Limit::perMinute(60)->by($request->user()?->id ?: $request->ip())``:
one bucket per authenticated user, one per client IP for everyone else. Login routes usually carry a second,
harder named limiter as well (Fortify: 5/min by e-mail and IP). ``Throttle`` holds the three rates; ``Throttler``
applies them in Laravel's order (the route group's ``api`` limiter, then the route's login limiter) and says
which headers the answer carries. The caller decides who is calling (``Who``): the server from its tokens, the
proxy from the Authorization header alone. README.md beside this file lists the choices and their sources.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..contract import Operation
from .auth import Authenticator, bearer
from .clock import Clock
from .limiter import FixedWindow, Hit, Rate, shown


@dataclass(frozen=True)
class Throttle:
    """Rates for authenticated users, for guests (by IP) and, in addition, for login routes (by IP)."""

    user: Rate | None = None
    guest: Rate | None = None
    login: Rate | None = None

    @classmethod
    def parse(cls, rate: str | None = None, *, guest: str | None = None, login: str | None = None) -> Throttle:
        """``Throttle.parse("600/m", login="30/m")``: guests get ``rate`` too unless ``guest`` is given."""
        user = Rate.parse(rate) if rate else None
        return cls(user, Rate.parse(guest) if guest else user, Rate.parse(login) if login else None)

    @classmethod
    def of(cls, value: Throttle | str | None) -> Throttle | None:
        """A ``Throttle`` from an option that may be a rate text; None (no throttling) when nothing is set."""
        throttle = cls.parse(value) if isinstance(value, str) else value
        return throttle if throttle and (throttle.user or throttle.guest or throttle.login) else None

    def describe(self) -> str:
        rates = {"users": self.user, "guests": self.guest, "logins": self.login}
        return ", ".join(f"{name} {rate}" for name, rate in rates.items() if rate)


@dataclass(frozen=True)
class Who:
    """The caller as the limiter keys it: ``user`` with a stable user key, or ``guest`` keyed by ``ip``."""

    kind: Literal["user", "guest"]
    key: str
    ip: str

    @classmethod
    def guest(cls, ip: str) -> Who:
        return cls("guest", ip, ip)


@dataclass(frozen=True)
class Admission:
    """The limiter's answer for one request: ``refusal`` set means answer 429 instead of serving it."""

    hits: tuple[Hit, ...] = ()

    @property
    def refusal(self) -> Hit | None:
        return next((h for h in self.hits if h.refused), None)

    @property
    def retry_after(self) -> int | None:
        """Seconds until the refusing bucket's window ends; None when the request is admitted."""
        refusal = self.refusal
        return refusal.retry_after if refusal else None

    def headers(self) -> dict[str, str]:
        hit = shown(list(self.hits))
        return hit.headers() if hit else {}


class Throttler:
    def __init__(self, throttle: Throttle | None, clock: Clock) -> None:
        self.throttle = throttle
        self.limiter = FixedWindow(clock)

    def admit(self, who: Who, *, login: bool) -> Admission:
        """Each limit in turn; the first that refuses stops the rest (the earlier ones have counted the hit)."""
        hits: list[Hit] = []
        for key, rate in self._buckets(who, login):
            hits.append(self.limiter.attempt(key, rate))
            if hits[-1].refused:
                break
        return Admission(tuple(hits))

    def _buckets(self, who: Who, login: bool) -> Iterable[tuple[str, Rate]]:
        t = self.throttle
        if t is None:
            return
        rate = t.user if who.kind == "user" else t.guest
        if rate is not None:
            yield f"api:{who.kind}:{who.key}", rate
        if login and t.login is not None:
            yield f"login:{who.ip}", t.login


class Tally:
    """Thread-safe named counters: the server's loop adds, a benchmark or test thread reads."""

    def __init__(self, names: Iterable[str]) -> None:
        self._counts = dict.fromkeys(names, 0)
        self._lock = threading.Lock()

    def add(self, *names: str) -> None:
        with self._lock:
            for name in names:
                self._counts[name] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


@dataclass(frozen=True)
class ServerCounts:
    """Requests the server received: ``user``/``guest`` by the api bucket kind they were keyed in (counted with
    or without throttling), ``login`` those on login routes, ``unrouted`` those no route matched (404/405/413:
    Laravel throttles per route), ``throttled`` those answered 429 by the limiter."""

    received: int
    user: int
    guest: int
    login: int
    unrouted: int
    throttled: int


class ServerThrottle:
    """The reference server's limiter: the caller is the user its token stands for, else its IP."""

    def __init__(self, throttle: Throttle | None, clock: Clock, auth: Authenticator, logins: frozenset[str]) -> None:
        self.throttler = Throttler(throttle, clock)
        self.auth = auth
        self.logins = logins
        self.tally = Tally(("received", "user", "guest", "login", "unrouted", "throttled"))

    def unrouted(self) -> None:
        self.tally.add("received", "unrouted")

    def admit(self, op: Operation, authorization: str | None, ip: str) -> Admission:
        who = self.who(authorization, ip)
        login = op.operation_id in self.logins
        admission = self.throttler.admit(who, login=login)
        kinds = ("received", who.kind) + (("login",) if login else ())
        self.tally.add(*kinds, *(("throttled",) if admission.refusal else ()))
        return admission

    def who(self, authorization: str | None, ip: str) -> Who:
        """``$request->user()?->id ?: $request->ip()``: a valid token with a user behind it, else the IP (a
        missing, refused or expired token, and an OAuth client token, which has no user)."""
        token = bearer(authorization)
        caller = self.auth.caller(token) if token else None
        if caller is None or caller.user_id is None:
            return Who.guest(ip)
        return Who("user", f"{caller.kind}:{caller.user_id}", ip)

    def counts(self) -> ServerCounts:
        return ServerCounts(**self.tally.snapshot())
