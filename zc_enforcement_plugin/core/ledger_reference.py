"""The text that names a shared ledger: `postgis://<connection>[/<schema>]`, never a password.

Plain text, so the review session, the dock, the algorithms and scripts all read and write it
alike, with no QGIS needed; opening what it names is postgis_connection's job (it reads the
saved QGIS connection).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from .ledger_postgis_server import DEFAULT_SCHEMA
from .ledger_records import LedgerError

SCHEME = "postgis://"


def is_postgis_reference(reference: str | Path | None) -> bool:
    return isinstance(reference, str) and reference.startswith(SCHEME)


def reference(connection_name: str, schema: str = DEFAULT_SCHEMA) -> str:
    """The reference a project stores for a ledger on a saved connection."""
    return f"{SCHEME}{connection_name}/{schema}"


def parse_reference(text: str) -> tuple[str, str]:
    """(connection name, schema) of `postgis://<connection>[/<schema>]`."""
    if not is_postgis_reference(text):
        raise LedgerError(f"不是 PostGIS 台帐引用 / not a PostGIS ledger reference: {text}")
    rest = text[len(SCHEME) :]
    name, _, schema = rest.rpartition("/") if "/" in rest else (rest, "", "")
    return unquote(name), unquote(schema) or DEFAULT_SCHEMA
