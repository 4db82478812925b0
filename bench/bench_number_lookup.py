"""An import's look-up of the spot numbers other batches hold (SqlSpotsMixin._numbered), on a
ledger of 24,000 spots, on the GeoPackage and on the shared PostGIS ledger: before (every
number of the other batches read and compared in Python) and after (only the candidates read,
by the numbers leading zeros aside and the few spelled otherwise, through the indexes), for a
new batch of 50 spots two of which other batches hold.

Not part of `make bench`: it needs the local PostgreSQL server (scripts/postgis_server.py, which
honours ZC_PG_PORT and ZC_PGDATA); about ten seconds, most of it filling the ledgers. Over the
county VPN the rows read back and the round trips are what counts; this machine's loopback
shows only their cost to the server and to Python, so all three are printed.

Usage: bench_number_lookup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPOTS = 24_000
BATCHES = 12
SPELLED_OTHERWISE = 100  # recorded in full width by an earlier version
NEW = 50
HELD = 2  # of the new spots, numbers other batches hold
BRIGADE = "zc_brigade_user"


def _numbered_by_scan(self, numbers, columns, batch_is, batch):
    """_numbered as it was before the indexes (commit e5ac120): one read of every number of the
    other batches, compared in Python, then the matches' columns by fid."""
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.ledger_delivery import number_compared

    given: dict[str, list[str]] = {}
    for number in numbers:
        given.setdefault(number_compared(number), []).append(number)
    if not given:
        return
    spots = f"FROM {ls.T_SPOTS} s JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}"
    matched: dict[Any, str] = {}
    for fid, recorded in self._rows(
        f'SELECT s.{ls.C_FID}, s."{ls.C_SPOT_NUMBER}" {spots} '
        f"WHERE b.{ls.C_BATCH_NAME} {batch_is} {self._MARK}",
        [batch],
    ):
        if recorded is not None and number_compared(recorded) in given:
            matched[fid] = str(recorded)
    for condition, params in self._in_chunks(f"s.{ls.C_FID}", list(matched)):
        for fid, *values in self._rows(
            f"SELECT s.{ls.C_FID}, {columns} {spots} WHERE {condition}", params
        ):
            recorded = matched[fid]
            for number in given[number_compared(recorded)]:
                yield (number, recorded, *values)


def fill(store) -> list[str]:
    """SPOTS spots in BATCHES batches, the last SPELLED_OTHERWISE numbers in full width; the
    numbers of a new batch of NEW spots, HELD of them held (one with the zeros lost)."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core import domain
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.ledger import SpotRecord

    per_batch = SPOTS // BATCHES
    for batch in range(BATCHES):
        records = []
        for i in range(per_batch):
            x = 39_520_000.0 + 50 * (batch * per_batch + i)
            attributes = {
                domain.SPOT_NUMBER: f"00{batch:02d}{i:05d}",
                domain.SPOT_AREA: 400.0,
                domain.TOWN_NAME: "南郊镇",
                domain.OFFICE_NAME: "南郊自然资源所",
            }
            records.append(SpotRecord(attributes, box(x, 4_070_000.0, x + 20, 4_070_020.0), i))
        store.import_batch(f"批次{batch:02d}", records)
    column = f'"{ls.C_SPOT_NUMBER}"'
    last = store._rows(
        f"SELECT {ls.C_FID}, {column} FROM {ls.T_SPOTS} ORDER BY {ls.C_FID} DESC "
        f"LIMIT {SPELLED_OTHERWISE}"
    )
    mark = store._MARK
    with store.transaction():
        for fid, number in last:
            full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
            store._run(
                f"UPDATE {ls.T_SPOTS} SET {column} = {mark} WHERE {ls.C_FID} = {mark}",
                (full_width, fid),
            )
    held = ["0100007", last[0][1]]  # 000100007 with its zeros lost; one recorded in full width
    return [f"9{i:08d}" for i in range(NEW - HELD)] + held


@contextlib.contextmanager
def rows_received(store) -> Iterator[list[int]]:
    """The rows each statement sent to a PostGIS store returned, while the block runs."""
    import psycopg2.extensions

    received: list[int] = []

    class CountingCursor(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own name
            result = super().execute(query, vars)
            if self.description is not None:
                received.append(self.rowcount)
            return result

    connection = store._conn
    before = connection.cursor_factory
    connection.cursor_factory = CountingCursor
    try:
        yield received
    finally:
        connection.cursor_factory = before


def look_up(store, numbers: list[str], runs: int, count_rows: bool) -> dict[str, tuple]:
    """{way: (median ms, (rows read back, statements) or None, numbers found held)} of the
    look-up before and after, run by turns ``runs`` times each."""
    ways = {"before": types.MethodType(_numbered_by_scan, store), "after": None}
    times: dict[str, list[float]] = {way: [] for way in ways}
    rows: dict[str, tuple[int, int] | None] = {}
    held: dict[str, int] = {}
    for _ in range(runs):
        for way, numbered in ways.items():
            if numbered is not None:
                store._numbered = numbered
            counting = rows_received(store) if count_rows else contextlib.nullcontext([])
            with counting as received:
                started = time.perf_counter()
                found, _ = store._held_elsewhere("新批次", numbers)
                times[way].append((time.perf_counter() - started) * 1000)
            if numbered is not None:
                del store._numbered
            rows[way] = (sum(received), len(received)) if count_rows else None
            held[way] = len(found)
    return {way: (statistics.median(times[way]), rows[way], held[way]) for way in ways}


def report(name: str, results: dict[str, tuple]) -> None:
    for way, (ms, rows, held) in results.items():
        read = "" if rows is None else f", {rows[0]} rows read back in {rows[1]} statements"
        print(f"{name}: {way:6s} {ms:8.1f} ms median{read}, {held} of {NEW} numbers held")


def _as_owner(database: str, statements: list[str]) -> None:
    from scripts import postgis_server as srv

    admin = srv.connect(dbname=database)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args(argv).runs

    from scripts import postgis_server as srv
    from zc_enforcement_plugin.core import ledger_postgis as lp
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.ledger import GeoPackageLedger

    with (
        tempfile.TemporaryDirectory(prefix="zc_bench_numbers_") as folder,
        GeoPackageLedger(Path(folder) / "ledger.gpkg") as store,
    ):
        numbers = fill(store)  # its imports made the indexes
        report(f"GeoPackage, {SPOTS} spots", look_up(store, numbers, runs, False))

    started = srv.start()
    database = f"zc_bench_{uuid.uuid4().hex[:8]}"
    try:
        srv.setup_database(database, brigade_user=BRIGADE)
        schema = lp.DEFAULT_SCHEMA
        with lp.PostGISLedger(srv.params(BRIGADE, database), schema=schema) as store:
            numbers = fill(store)
            # The statistics autovacuum gathers within a minute of such an import, at once:
            # without them the planner takes the spelled-otherwise numbers for most of the table.
            _as_owner(database, [f'ANALYZE "{schema}".{ls.T_SPOTS}'])
            report(f"PostGIS, {SPOTS} spots", look_up(store, numbers, runs, True))
        indexes = (ls.SPOTS_NUMBER_UNZEROED, ls.SPOTS_NUMBER_SPELLED_OTHERWISE_KEYED)
        _as_owner(database, [f'DROP INDEX "{schema}".{name}' for name in indexes])
        with lp.PostGISLedger(srv.params(BRIGADE, database), schema=schema) as store:
            results = look_up(store, numbers, runs, True)
            report(f"PostGIS, {SPOTS} spots, no indexes", {"after": results["after"]})
    finally:
        srv.drop_database(database)
        if started:
            srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
