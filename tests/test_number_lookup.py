"""An import's look-up of the spot numbers other batches hold (SqlSpotsMixin._numbered): numbers
that differ only by leading zeros, full-width digits or invisible characters are one number, in
both directions, on the GeoPackage and the shared ledger, with the look-up's indexes and without
them; and the look-up reads only the spots it may match, not every number of the ledger (an
import over the county VPN moved all 24,000 of them)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg2.extensions
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_hostile_values import _pre_rule_spelling
from tests.test_ledger import _spot
from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, LedgerError
from zc_enforcement_plugin.core.ledger_delivery import number_compared

NUMBER_INDEXES = {"ledger_spots_number_unzeroed", "ledger_spots_number_spelled_otherwise"}
# The server's: the spelled-otherwise test its index's key (ls.number_lookup_indexes keyed).
SERVER_NUMBER_INDEXES = {
    "ledger_spots_number_unzeroed",
    "ledger_spots_number_spelled_otherwise_keyed",
}

# Recorded numbers where ltrim and number_compared could part: zeros alone, zeros before a
# letter, spaces and tabs around or inside, full-width digits and zeros, invisible characters,
# a no-break and an ideographic space, compatibility forms NFKC rewrites (①, ｱ, ﬁ, Ⅻ), a
# decomposed accent, DEL, and the edges of printable ASCII ('!' and '~').
AWKWARD = [
    "0",
    "000",
    "00A1",
    "0012",
    "12",
    "0 1",
    " 0012",
    "0012 ",
    "\t0012",
    "00\u00a012",
    "0\u300012",
    "０１２",
    "0０12",
    "0012\u200b",
    "\u200b0012",
    "\u202d0012",
    "00\u00ad12",
    "①2",
    "0ｱ1",
    "ﬁ01",
    "Ⅻ",
    "e\u0301",
    "0\x7f1",
    "0\U000200001",
    "!0",
    "0~",
    "~",
    "370302202600014",
]


def _spelled_otherwise(text: str) -> bool:
    return any(not "!" <= c <= "~" for c in text)


@contextlib.contextmanager
def _gpkg(tmp_path) -> Iterator[GeoPackageLedger]:
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    """A new, empty ledger of each kind."""
    if request.param == "gpkg":
        with _gpkg(tmp_path) as ledger:
            yield ledger
        return
    pg_database = request.getfixturevalue("pg_database")
    schema = request.getfixturevalue("schema")
    with open_store(pg_database, schema) as ledger:
        yield ledger


def test_ltrim_reads_a_plain_number_as_number_compared_does(store):
    """The claim the look-up rests on, checked by each database over awkward numbers: a number
    in printable ASCII ('!'..'~') is, to ltrim(…, '0'), what number_compared reads; every other
    one is one the dialect's test of another spelling finds, so number_compared reads it."""
    column = ls.number_unzeroed(store._MARK)
    spelled = store._SPELLED_OTHERWISE.format(store._MARK)
    for recorded in AWKWARD:
        unzeroed, otherwise = store._row(f"SELECT {column}, {spelled}", (recorded, recorded))
        assert bool(otherwise) == _spelled_otherwise(recorded), recorded
        if not otherwise:
            assert unzeroed == number_compared(recorded), recorded
    # Not vacuous: some of them ltrim alone would misread, and those are spelled otherwise.
    misread = [r for r in AWKWARD if r.lstrip("0") != number_compared(r)]
    assert misread and all(_spelled_otherwise(r) for r in misread), misread


def check_look_alike_numbers_are_held_both_ways(store) -> None:
    """Spots recorded by batch 甲 as 0012 and 13 (zeros), in full width, with a zero-width
    space and with a space before them (as earlier versions stored some), and 17 plain; two
    supplements deliver them otherwise: 12 and 0013 (zeros lost, zeros added), plain, full
    width. Each is said held by 甲 as 甲 records it, and a number that only looks near one
    (120, A12, 012A) is not. Then a new batch of twelve spots a batch records in full width,
    delivered plain, is refused as that batch delivered again, nothing written. (Shared by
    both ledgers.)"""
    stem = "3703022026000"
    # (as a supplement delivers it, as 甲 records it)
    alike = [
        ("12", "0012"),
        ("0013", "13"),
        (f"{stem}14", _pre_rule_spelling(f"{stem}14", 0)),  # full width
        (_pre_rule_spelling(f"{stem}15", 0), _pre_rule_spelling(f"{stem}15", 1)),  # U+200B
        (f"{stem}16", f" {stem}16"),
        (_pre_rule_spelling(f"{stem}17", 0), f"{stem}17"),
    ]
    plain = [number_compared(spelled).rjust(4, "0") for _, spelled in alike]
    first = [_spot(number, i) for i, number in enumerate(plain)]
    store.import_batch("甲", first, source="甲.gpkg")
    column = f'"{ls.C_SPOT_NUMBER}"'
    with store.transaction():  # as an earlier version stored them
        for number, (_, spelled) in zip(plain, alike):
            store._run(
                f"UPDATE {ls.T_SPOTS} SET {column} = {store._MARK} WHERE {column} = {store._MARK}",
                (spelled, number),
            )
    assert sorted(s.number for s in store.spots()) == sorted(spelled for _, spelled in alike)

    near = ["120", "A12", "012A"]
    for name, part in (("乙", alike[:3]), ("丁", alike[3:])):
        numbers = [delivered for delivered, _ in part] + (near if name == "丁" else [])
        report = store.import_batch(name, [_spot(n, i) for i, n in enumerate(numbers)])
        assert report.added == len(numbers) and not report.errors, report.errors
        held = {w.number: w.message for w in report.warnings if "already in batch" in w.message}
        assert len(held) == len(part), report.warnings
        for delivered, spelled in part:
            key = domain.spot_number_key(delivered)  # as the import records it
            said = f"甲 (as {spelled})" if key != spelled else "already in batch 甲:"
            assert said in held[key], (key, held)

    twelve = [f"{i:04d}" for i in range(20, 32)]
    store.import_batch("丙", [_spot(n, i) for i, n in enumerate(twelve)], source="丙.gpkg")
    with store.transaction():  # 丙 as an earlier version stored it: in full width
        store._run(
            f"UPDATE {ls.T_SPOTS} SET {column} = replace({column}, '0', '０') "
            f"WHERE {ls.C_BATCH_ID} = (SELECT {ls.C_ID} FROM {ls.T_BATCHES} "
            f"WHERE {ls.C_BATCH_NAME} = '丙')"
        )
    before = [(b.name, b.spot_count) for b in store.batches()]
    again = [_spot(str(int(n)), i) for i, n in enumerate(twelve)]
    with pytest.raises(LedgerError) as refused:
        store.import_batch("丙-again", again, source="again.gpkg")
    said = str(refused.value)
    assert "12 of the 12 spots" in said and "batch 丙 (" in said, said
    assert [(b.name, b.spot_count) for b in store.batches()] == before


def test_look_alike_numbers_are_held_both_ways(store):
    check_look_alike_numbers_are_held_both_ways(store)


def _table_indexes(store, table: str) -> set[str]:
    """The names of the indexes the ledger holds on ``table``."""
    if isinstance(store, lp.PostGISLedger):
        rows = store._rows(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
            (store.schema, table),
        )
    else:
        rows = store._rows(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)
        )
    return {name for (name,) in rows}


def _indexes(store) -> set[str]:
    """The look-up's indexes the ledger holds."""
    return _table_indexes(store, ls.T_SPOTS) & (NUMBER_INDEXES | SERVER_NUMBER_INDEXES)


def test_a_geopackage_gets_the_indexes_at_its_first_import_not_when_opened(tmp_path):
    """Opening a ledger of an earlier version leaves the file as it was; the first import makes
    the indexes in its own transaction (a refused one leaves none), and they are what the
    look-up's statements search by (SQLite's plan names them)."""
    with _gpkg(tmp_path) as store:
        store.import_batch("甲", [_spot(f"{i:04d}", i) for i in range(12)], source="甲.gpkg")
        with store.transaction():  # as a ledger an earlier version wrote
            for name in NUMBER_INDEXES:
                store._run(f"DROP INDEX {name}")
    before = (tmp_path / "ledger.gpkg").read_bytes()
    with _gpkg(tmp_path) as store:
        assert _indexes(store) == set()
        with pytest.raises(LedgerError):  # 甲 delivered again: refused, the indexes undone too
            store.import_batch("乙", [_spot(str(i), i) for i in range(12)], source="乙.gpkg")
        assert _indexes(store) == set()
    assert (tmp_path / "ledger.gpkg").read_bytes() == before

    with _gpkg(tmp_path) as store:
        sent: list[tuple[str, list]] = []
        rows = store._rows
        store._rows = lambda sql, params=(): sent.append((sql, list(params))) or rows(sql, params)
        report = store.import_batch("补充", [_spot("3", 3), _spot("X1", 13)])
        del store._rows
        assert report.added == 2 and _indexes(store) == NUMBER_INDEXES
        assert [w.number for w in report.warnings if "甲 (as 0003)" in w.message] == ["3"]
        looked_up = {
            index: [(sql, params) for sql, params in sent if needle in sql]
            for index, needle in (
                (ls.SPOTS_NUMBER_UNZEROED, "ltrim("),
                (ls.SPOTS_NUMBER_SPELLED_OTHERWISE, "GLOB"),
            )
        }
        for index, statements in looked_up.items():
            assert statements, (index, sent)
            for sql, params in statements:
                plan = [str(row[-1]) for row in store._rows(f"EXPLAIN QUERY PLAN {sql}", params)]
                assert any(index in step for step in plan), (sql, plan)


def _drop_indexes(pg_database, schema) -> None:
    """The server as one installed before the indexes (or whose owner dropped them)."""
    admin = srv.connect(dbname=pg_database)
    try:
        with admin, admin.cursor() as cursor:
            for name in SERVER_NUMBER_INDEXES:
                cursor.execute(f'DROP INDEX "{schema}".{name}')
    finally:
        admin.close()


def _row_versions(store) -> list:
    """Every row of the ledger's spots, batches and meta with the transaction that wrote it."""
    return [
        store._rows(f"SELECT xmin::text, * FROM {table} ORDER BY 2")
        for table in (ls.T_SPOTS, ls.T_BATCHES, ls.T_META)
    ]


def test_install_makes_the_indexes_changing_no_row_nor_the_schema_version(pg_database, schema):
    """A server installed before the indexes gets them at the next install, which writes no row
    (not even the schema version's: other versions of the plugin read the server as it was)."""
    with open_store(pg_database, schema) as store:
        assert _indexes(store) == SERVER_NUMBER_INDEXES
        store.import_batch("甲", [_spot(f"{i:04d}", i) for i in range(12)], source="甲.gpkg")
    _drop_indexes(pg_database, schema)
    with open_store(pg_database, schema) as store:
        assert _indexes(store) == set()
        before = _row_versions(store)
    admin = srv.connect(dbname=pg_database)
    try:
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=schema)
    finally:
        admin.close()
    with open_store(pg_database, schema) as store:
        assert _indexes(store) == SERVER_NUMBER_INDEXES
        assert _row_versions(store) == before


def test_look_alike_numbers_are_held_both_ways_without_the_indexes(pg_database, schema):
    """A server not installed again since: the same look-up, by a scan; the brigade's login,
    which may not create an index, makes none."""
    _drop_indexes(pg_database, schema)
    with open_store(pg_database, schema) as store:
        check_look_alike_numbers_are_held_both_ways(store)
        assert _indexes(store) == set()


@contextlib.contextmanager
def rows_received(store) -> Iterator[list[tuple[str, int]]]:
    """(statement, rows it returned) of each statement ``store`` sends its server while the
    block runs: what crossed the network back, as round_trips (test_spot_page_reads) counts the
    statements."""
    received: list[tuple[str, int]] = []

    class CountingCursor(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own name
            result = super().execute(query, vars)
            if self.description is not None:
                text = query if isinstance(query, str) else query.decode()
                received.append((text, self.rowcount))
            return result

    connection = store._conn
    before = connection.cursor_factory
    connection.cursor_factory = CountingCursor
    try:
        yield received
    finally:
        connection.cursor_factory = before
    assert store._conn is connection, "the store connected again: rows went uncounted"


OTHERS = 5_000
NEW = 50


def test_an_import_of_50_spots_reads_only_the_numbers_it_may_match(pg_database, schema):
    """A shared ledger holding 5,000 spots of other batches, 40 of them recorded in full width
    by an earlier version: an import of 50 new spots, two of which those batches hold (one
    recorded with the zeros the delivery lost, one in full width), reads back the 40 spelled
    otherwise and the two it matches, not the 5,000 numbers; both are said held, as before."""
    with open_store(pg_database, schema) as store:
        half = OTHERS // 2
        for batch, stem in (("2025Q1", "0025"), ("2025Q2", "3703022025")):
            spots = [_spot(f"{stem}{i:05d}", i) for i in range(half)]
            assert store.import_batch(batch, spots).added == half
        column = f'"{ls.C_SPOT_NUMBER}"'
        with store.transaction():  # 40 numbers of 2025Q2 as an earlier version stored them
            store._run(
                f"UPDATE {ls.T_SPOTS} SET {column} = translate({column}, '0123456789', "
                f"'０１２３４５６７８９') WHERE {ls.C_FID} IN "
                f"(SELECT {ls.C_FID} FROM {ls.T_SPOTS} ORDER BY {ls.C_FID} DESC LIMIT 40)"
            )
        zeros_lost, plain = "2500007", f"3703022025{half - 1:05d}"
        new = [_spot(f"3703022026{i:05d}", OTHERS + i) for i in range(NEW - 2)]
        new += [_spot(zeros_lost, OTHERS + NEW), _spot(plain, OTHERS + NEW + 1)]
        with rows_received(store) as received:
            report = store.import_batch("2026Q1", new, source="2026Q1.gpkg")
        assert report.added == NEW, report.errors
        said = {w.number: w.message for w in report.warnings if "already in batch" in w.message}
        assert said.keys() == {zeros_lost, plain}, report.warnings
        assert "2025Q1 (as 002500007)" in said[zeros_lost], said
        assert f"2025Q2 (as {_pre_rule_spelling(plain, 0)})" in said[plain], said
        total = sum(rows for _, rows in received)
        assert total < OTHERS // 10, received


def test_the_server_reads_the_numbers_spelled_otherwise_by_their_index_under_row_security(
    pg_database, schema
):
    """The brigade's login (row security on, as for every login) looking up the few numbers an
    earlier version stored in full width: by the index, not by reading every spot. The partial
    index installs made before was costed by the planner's guess that the test (~, not
    leakproof: row security keeps it from the column's statistics) holds for nearly every
    spot, and never used; an install drops it."""
    others = 2_000
    with open_store(pg_database, schema) as store:
        spots = [_spot(f"3703022025{i:05d}", i) for i in range(others)]
        assert store.import_batch("2025Q1", spots).added == others
        column = f'"{ls.C_SPOT_NUMBER}"'
        with store.transaction():
            store._run(
                f"UPDATE {ls.T_SPOTS} SET {column} = translate({column}, '0123456789', "
                f"'０１２３４５６７８９') WHERE {ls.C_FID} IN "
                f"(SELECT {ls.C_FID} FROM {ls.T_SPOTS} ORDER BY {ls.C_FID} DESC LIMIT 20)"
            )
    admin = srv.connect(dbname=pg_database)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            # As before the keyed index: the partial one, which install now replaces.
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {ls.SPOTS_NUMBER_SPELLED_OTHERWISE} "
                f'ON "{schema}".{ls.T_SPOTS} '
                f"({ls.C_BATCH_ID}, {column}) WHERE {lp.SPELLED_OTHERWISE.format(column)}"
            )
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=schema)
        admin.autocommit = True  # install turned it off
        with admin.cursor() as cursor:  # the statistics autovacuum gathers after an import
            cursor.execute(f'ANALYZE "{schema}".{ls.T_SPOTS}')
    finally:
        admin.close()
    with open_store(pg_database, schema) as store:
        held = _indexes(store)
        sent: list[tuple[str, list]] = []
        rows = store._rows
        store._rows = lambda sql, params=(): sent.append((sql, list(params))) or rows(sql, params)
        found, _ = store._held_elsewhere("2026Q1", [f"3703022025{others - 1:05d}"])
        del store._rows
        assert list(found) == [f"3703022025{others - 1:05d}"]
        [(sql, params)] = [(sql, params) for sql, params in sent if " ~ " in sql]
        spelled_otherwise = sql[sql.index("UNION ALL") + len("UNION ALL") :]
        plan = "\n".join(row[0] for row in store._rows(f"EXPLAIN {spelled_otherwise}", params[-1:]))
    assert f"Seq Scan on {ls.T_SPOTS}" not in plan, plan
    assert "Index Scan using ledger_spots_number_spelled_otherwise_keyed" in plan, plan
    assert held == SERVER_NUMBER_INDEXES


# --- the evidence look-up by hash ---------------------------------------------------------------


def _evidence_index(store) -> bool:
    return ls.EVIDENCE_SHA256_INDEX in _table_indexes(store, ls.T_EVIDENCE)


def test_an_attach_looks_its_file_up_by_an_index_of_the_hashes(tmp_path):
    """An attach asks which spots hold its file by the file's hash: with no index it read every
    evidence row of the ledger, under the spot's lock, for each file attached (the day's code
    review). A GeoPackage gets the index at its first attach (opening it never writes), and
    the look-up searches by it (SQLite's plan names it)."""
    from zc_enforcement_plugin.core import evidence

    with _gpkg(tmp_path) as store:
        store.import_batch("甲", [_spot("0001", 1), _spot("0002", 2)])
        assert not _evidence_index(store)
        photo = tmp_path / "site.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0" + b"1" * 100 + b"\xff\xd9")
        record = evidence.store_evidence_in(store.writable_evidence_dir(), "0001", photo, "photo")
        sent: list[tuple[str, list]] = []
        rows = store._rows
        store._rows = lambda sql, params=(): sent.append((sql, list(params))) or rows(sql, params)
        first, second = (s.id for s in store.spots())
        store.add_evidence(first, record)
        held: list[str] = []
        store.add_evidence(second, record, held_elsewhere=held)
        del store._rows
        assert held == ["0001"] and _evidence_index(store)
        [(sql, params)] = [(q, p) for q, p in sent if f"WHERE e.{ls.C_SHA256}" in q][-1:]
        plan = [str(row[-1]) for row in store._rows(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert any(ls.EVIDENCE_SHA256_INDEX in step for step in plan), plan


def test_install_makes_the_evidence_hash_index(pg_database, schema):
    """The shared ledger gets the index at install, as the owner (an office login may not make
    one at its attach)."""
    with open_store(pg_database, schema) as store:
        assert _evidence_index(store)
