"""SQLite persistence: academies, identities, tokens and resource rows as JSON documents.

One table holds every stateful resource (``rows``: resource key, id, academy, parent id, document,
translations), so the CRUD layer stays generic. One connection guarded by a lock: the server answers on a
single event-loop thread, the lock only matters for the seeding and test threads. Ids of new rows come from
a per-resource sequence that starts above every seeded id, so academies never share an id.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIRST_NEW_ID = 100001

SCHEMA = """
CREATE TABLE IF NOT EXISTS academies (idx INTEGER PRIMARY KEY, domain TEXT UNIQUE NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identities (
    kind TEXT NOT NULL, academy TEXT NOT NULL, email TEXT NOT NULL, user_id INTEGER NOT NULL,
    password TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (kind, academy, email));
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id INTEGER, academy TEXT,
    expires_at REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS rows (
    resource TEXT NOT NULL, id TEXT NOT NULL, academy TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL, doc TEXT NOT NULL, i18n TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (resource, id));
CREATE INDEX IF NOT EXISTS rows_by_parent ON rows (resource, academy, parent, seq);
CREATE TABLE IF NOT EXISTS sequences (resource TEXT PRIMARY KEY, next INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Identity:
    kind: str  # "admin" | "student"
    academy: str
    email: str
    user_id: int
    name: str


@dataclass(frozen=True)
class TokenRecord:
    token: str
    kind: str  # "admin" | "student" | "client"
    user_id: int | None
    academy: str | None
    expires_at: float
    revoked: bool


@dataclass
class Row:
    resource: str
    id: str
    academy: str
    parent: str
    doc: dict[str, Any]
    i18n: dict[str, dict[str, Any]]

    def localized(self, lang: str) -> dict[str, Any]:
        """The document with the ``lang`` translations laid over it."""
        overlay = self.i18n.get(lang)
        return {**self.doc, **overlay} if overlay else dict(self.doc)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    """The reference server's database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        # Durability does not matter for a test server; speed and no lock waits do.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(SCHEMA)
        self._academies: dict[str, dict[str, Any]] = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- academies -------------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        with self._lock:
            return bool(self._db.execute("SELECT COUNT(*) FROM academies").fetchone()[0] == 0)

    def add_academy(self, idx: int, domain: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO academies VALUES (?, ?, ?)", (idx, domain, _dump(doc)))
            self._academies.clear()

    def academy(self, domain: str) -> dict[str, Any] | None:
        if not self._academies:
            with self._lock:
                for _, dom, doc in self._db.execute("SELECT idx, domain, doc FROM academies"):
                    self._academies[dom.lower()] = json.loads(doc)
        return self._academies.get(domain.strip().lower())

    def academies(self) -> list[str]:
        self.academy("")
        return sorted(self._academies)

    # -- identities ------------------------------------------------------------------------------------
    def add_identity(self, identity: Identity, password: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO identities VALUES (?, ?, ?, ?, ?, ?)",
                (identity.kind, identity.academy, identity.email.lower(), identity.user_id, password, identity.name),
            )

    def find_identity(self, kind: str, academy: str | None, email: str) -> tuple[Identity, str] | None:
        sql = "SELECT kind, academy, email, user_id, name, password FROM identities WHERE kind = ? AND email = ?"
        args: list[Any] = [kind, email.strip().lower()]
        if academy is not None:
            sql += " AND academy = ?"
            args.append(academy)
        with self._lock:
            found = self._db.execute(sql, args).fetchone()
        if found is None:
            return None
        return Identity(found[0], found[1], found[2], found[3], found[4]), found[5]

    def identity_by_id(self, kind: str, academy: str, user_id: int) -> Identity | None:
        with self._lock:
            found = self._db.execute(
                "SELECT kind, academy, email, user_id, name FROM identities"
                " WHERE kind = ? AND academy = ? AND user_id = ?",
                (kind, academy, user_id),
            ).fetchone()
        return Identity(*found) if found else None

    def set_password(self, identity: Identity, password: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE identities SET password = ? WHERE kind = ? AND academy = ? AND email = ?",
                (password, identity.kind, identity.academy, identity.email),
            )

    # -- tokens ----------------------------------------------------------------------------------------
    def issue_token(self, kind: str, user_id: int | None, academy: str | None, expires_at: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens (token, kind, user_id, academy, expires_at) VALUES (?, ?, ?, ?, ?)",
                (token, kind, user_id, academy, expires_at),
            )
        return token

    def token(self, token: str) -> TokenRecord | None:
        with self._lock:
            found = self._db.execute(
                "SELECT token, kind, user_id, academy, expires_at, revoked FROM tokens WHERE token = ?", (token,)
            ).fetchone()
        return TokenRecord(found[0], found[1], found[2], found[3], found[4], bool(found[5])) if found else None

    def revoke(self, token: str) -> None:
        with self._lock:
            self._db.execute("UPDATE tokens SET revoked = 1 WHERE token = ?", (token,))

    # -- rows ------------------------------------------------------------------------------------------
    def next_id(self, resource: str) -> int:
        with self.transaction() as db:
            found = db.execute("SELECT next FROM sequences WHERE resource = ?", (resource,)).fetchone()
            value = found[0] if found else FIRST_NEW_ID
            db.execute("INSERT OR REPLACE INTO sequences VALUES (?, ?)", (resource, value + 1))
        return int(value)

    def insert(self, row: Row) -> Row:
        with self.transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM rows WHERE resource = ?", (row.resource,))
            db.execute(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.resource, row.id, row.academy, row.parent, seq.fetchone()[0], _dump(row.doc), _dump(row.i18n)),
            )
        return row

    def insert_many(self, rows: list[Row]) -> None:
        """Bulk insert (seeding): one transaction, ``seq`` in the given order."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r.resource, r.id, r.academy, r.parent, i, _dump(r.doc), _dump(r.i18n)) for i, r in enumerate(rows)],
            )

    def get(self, resource: str, row_id: str) -> Row | None:
        with self._lock:
            found = self._db.execute(
                "SELECT resource, id, academy, parent, doc, i18n FROM rows WHERE resource = ? AND id = ?",
                (resource, row_id),
            ).fetchone()
        return _row(found) if found else None

    def find(self, resource: str, value: str, fields: tuple[str, ...] = ("slug", "code")) -> list[Row]:
        """Rows whose id, or one of ``fields``, equals ``value`` (tenant paths accept slugs)."""
        row = self.get(resource, value)
        if row is not None:
            return [row]
        clauses = " OR ".join(f"json_extract(doc, '$.{f}') = ?" for f in fields)
        with self._lock:
            found = self._db.execute(
                f"SELECT resource, id, academy, parent, doc, i18n FROM rows WHERE resource = ? AND ({clauses})",
                (resource, *[value] * len(fields)),
            ).fetchall()
        return [_row(r) for r in found]

    def list(self, resource: str, academy: str | None, parent: str | None) -> list[Row]:
        sql = "SELECT resource, id, academy, parent, doc, i18n FROM rows WHERE resource = ?"
        args: list[Any] = [resource]
        if academy is not None:
            sql += " AND academy = ?"
            args.append(academy)
        if parent is not None:
            sql += " AND parent = ?"
            args.append(parent)
        with self._lock:
            return [_row(r) for r in self._db.execute(sql + " ORDER BY seq", args).fetchall()]

    def update(self, row: Row) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE rows SET doc = ?, i18n = ? WHERE resource = ? AND id = ?",
                (_dump(row.doc), _dump(row.i18n), row.resource, row.id),
            )

    def delete(self, resource: str, row_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM rows WHERE resource = ? AND id = ?", (resource, row_id))

    def count(self, resource: str, academy: str | None = None) -> int:
        return len(self.list(resource, academy, None))


def _row(found: tuple[Any, ...]) -> Row:
    return Row(found[0], found[1], found[2], found[3], json.loads(found[4]), json.loads(found[5]))
