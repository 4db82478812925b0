"""Where scripts and tests found the ledger's connections before they moved out of
processing/ (the dock needs them as much as the algorithms do): the same names, from
zc_enforcement_plugin.postgis_connection and core.ledger_reference."""

from __future__ import annotations

from ..core.ledger_reference import SCHEME, is_postgis_reference, parse_reference, reference
from ..postgis_connection import connection_names, connection_params, open_ledger_store

__all__ = [
    "SCHEME",
    "connection_names",
    "connection_params",
    "is_postgis_reference",
    "open_ledger_store",
    "parse_reference",
    "reference",
]
