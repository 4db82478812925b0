"""An import's writes of many spots: a statement per chunk of spots to the shared ledger, not
a round trip per spot (ledger_sql.SqlLedger._write_rows, PostGISLedger._update_spots), the rows
stored exactly as written one by one, and a row the database refuses refusing the import whole,
named by its spot number. On the GeoPackage and on the shared PostGIS ledger alike."""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import box

from scripts import postgis_server as srv
from tests.test_bulk_reads import OFFICES, X0, Y0, statements
from tests.test_bulk_reads import make_store as make_store  # noqa: F401 - the fixture
from zc_enforcement_plugin.core import domain, ledger_migrate, ledger_sql
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, LedgerError, SpotRecord
from zc_enforcement_plugin.core.ledger_delivery import FIGURE_COLUMNS

BATCH = "2024年第一季度"
# The values of one new spot row: batch, number, geometry, the figures, attributes, updated
# and imported at.
SPOT_ROW_WIDTH = 2 + 1 + len(FIGURE_COLUMNS) + 3


def delivery(count: int, start: int = 0, area: float = 400.0) -> list[SpotRecord]:
    """``count`` spots numbered from ``start``: two offices, every fourth unranked (its YXJ
    NULL, which a VALUES list must still write as an integer), the flag on every other."""
    records = []
    for i in range(start, start + count):
        office, town = OFFICES[i % 2]
        attributes = {
            domain.SPOT_NUMBER: f"3703022024{i:04d}",
            domain.SPOT_AREA: area + i,
            domain.CULTIVATED_AREA: 150.5,
            domain.BASIC_FARMLAND_AREA: 20.25,
            domain.TOWN_NAME: town,
            domain.OFFICE_NAME: office,
            domain.REVIEW_PRIORITY: None if i % 4 == 3 else 1 + i % 4,
            domain.CULTIVATED_FLAG: i % 2 == 0,
            "QSX": "2025-01-01",
        }
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    return records


def spot_writes(sent: list[str]) -> dict[str, int]:
    """How many INSERT and UPDATE statements of ledger_spots were sent."""
    found = {"INSERT": 0, "UPDATE": 0}
    for sql in sent:
        words = sql.split()
        if words[:3] == ["INSERT", "INTO", ls.T_SPOTS]:
            found["INSERT"] += 1
        elif words[:2] == ["UPDATE", ls.T_SPOTS]:
            found["UPDATE"] += 1
    return found


def stored_spots(store) -> list[tuple]:
    """ledger_spots as the copy between ledgers reads it back (geometry WKB, flags 0/1), by
    spot number, without the times of writing (each run writes its own), the refreshes' own
    times included."""
    columns, rows = ledger_migrate.table_rows(store, ls.T_SPOTS)
    dropped = {ls.C_FID, ls.C_IMPORTED_AT, ls.C_UPDATED_AT}
    kept = []
    for row in rows:
        values = dict(zip(columns, row))
        attributes = json.loads(values[ls.C_ATTRIBUTES])
        for entry in attributes.get(domain.SPOT_REFRESHES, []):
            entry.pop("at")
        values[ls.C_ATTRIBUTES] = attributes
        kept.append(tuple((c, values[c]) for c in columns if c not in dropped))
    return sorted(kept, key=lambda row: dict(row)[ls.C_SPOT_NUMBER])


def test_an_import_writes_a_statement_per_chunk_of_spots(make_store, monkeypatch):
    """150 spots, then the same with new figures: the shared ledger writes them in three
    statements each (60 a statement here), where it sent one per spot. The GeoPackage binds
    at most VALUES_PER_STATEMENT parameters a statement (SQLite's cap), so 2 spots here, and
    rewrites its refreshed spots one by one, which costs a local file no round trip."""
    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 60)
    store = make_store()
    shared = not isinstance(store, GeoPackageLedger)
    with statements(store) as sent:
        assert store.import_batch(BATCH, delivery(150)).added == 150
    per_statement = 60 if shared else 60 // SPOT_ROW_WIDTH
    assert spot_writes(sent) == {"INSERT": math.ceil(150 / per_statement), "UPDATE": 0}
    with statements(store) as sent:
        assert store.import_batch(BATCH, delivery(150, area=900.0)).refreshed == 150
    assert spot_writes(sent) == {"INSERT": 0, "UPDATE": 3 if shared else 150}
    assert [s.spot_area for s in store.spots()] != []
    assert sorted(s.spot_area for s in store.spots()) == [900.0 + i for i in range(150)]


def test_a_2000_spot_import_is_a_few_statements_on_the_shared_ledger(pg_database, tmp_path):
    """As shipped (500 a statement): the import of 2,000 spots sends four INSERTs and about
    twenty statements in all, where it sent 2,000 and more."""
    from tests.postgis_fixtures import new_schema, open_store

    with open_store(pg_database, new_schema(pg_database), tmp_path=tmp_path) as store:
        with statements(store) as sent:
            assert store.import_batch(BATCH, delivery(2000)).added == 2000
        assert spot_writes(sent) == {"INSERT": 4, "UPDATE": 0}
        assert len(sent) < 40, sent
        assert store.counts(BATCH) == (0, 2000)


def test_the_rows_stored_are_those_written_one_by_one(make_store, monkeypatch):
    """An import and a refresh (new figures, a spot delivered without its outline, which
    keeps the recorded one, new spots) written a few rows a statement store the same rows,
    read back, as written a row a statement: every figure, flag, NULL, outline and field."""

    def run(store) -> list[tuple]:
        store.import_batch(BATCH, delivery(23))
        again = delivery(20, start=10, area=650.0)  # 13 recorded, 7 new
        again[0] = SpotRecord(again[0].attributes, None, 0)  # no outline this time
        report = store.import_batch(BATCH, again)
        assert (report.added, report.refreshed) == (7, 13)
        return stored_spots(store)

    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 4 * SPOT_ROW_WIDTH)
    chunked = make_store()
    by_chunk = run(chunked)
    one_by_one = make_store()
    monkeypatch.setattr(type(one_by_one), "_rows_per_statement", lambda self, width: 1)
    by_row = run(one_by_one)
    assert by_chunk == by_row
    assert len(by_chunk) == 30
    # and what was delivered is what is read back through the store
    spots = {s.number: s for s in chunked.spots()}
    kept = chunked.spot(spots["37030220240010"].id)
    assert kept.geometry.equals(box(X0 + 1000, Y0, X0 + 1030, Y0 + 30))  # the recorded outline
    # the recorded figures go with the recorded outline (a delivery without one cannot
    # have measured the spot): 400 + 10 of the first delivery, not 650 + 10; nothing else it
    # carries changed, so its row is left as it was
    assert kept.spot_area == 410.0 and kept.version == 0
    first = chunked.spot(spots["37030220240000"].id)
    assert (first.spot_area, first.priority, first.attributes[domain.CULTIVATED_FLAG]) == (
        400.0,
        1,
        1,
    )
    unranked = chunked.spot(spots["37030220240003"].id)
    assert unranked.priority is None and unranked.attributes[domain.CULTIVATED_FLAG] == 0
    new = chunked.spot(spots["37030220240029"].id)
    assert new.spot_area == 679.0 and new.imported_at == new.updated_at != first.imported_at
    assert kept.imported_at == first.imported_at != kept.updated_at


def _refuse_large_spots(store, pg_database=None) -> None:
    """A rule the database holds on every spot row, whoever writes it: TBMJ under 1,000 m²
    (a CHECK on the server; a trigger in the GeoPackage, where SQLite cannot add a CHECK)."""
    if isinstance(store, GeoPackageLedger):
        for when in ("INSERT", "UPDATE"):
            store._conn.execute(
                f"CREATE TRIGGER spots_small_{when.lower()} BEFORE {when} ON {ls.T_SPOTS} "
                f'WHEN NEW."{domain.SPOT_AREA}" >= 1000 '
                "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: spots_small'); END"
            )
        return
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                f'ALTER TABLE "{store.schema}".{ls.T_SPOTS} ADD CONSTRAINT spots_small '
                f'CHECK ("{domain.SPOT_AREA}" < 1000)'
            )
        admin.commit()
    finally:
        admin.close()


def test_a_spot_the_database_refuses_refuses_the_import_whole_naming_it(
    make_store, monkeypatch, request
):
    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 8 * SPOT_ROW_WIDTH)
    store = make_store()
    shared = not isinstance(store, GeoPackageLedger)
    _refuse_large_spots(store, request.getfixturevalue("pg_database") if shared else None)
    records = delivery(20)
    records[13].attributes[domain.SPOT_AREA] = 5000.0  # in the second statement of eight
    with pytest.raises(LedgerError) as refused:
        store.import_batch(BATCH, records)
    message = str(refused.value)
    assert "spot 37030220240013 was refused by the database" in message, message
    assert "图斑 37030220240013 被数据库拒绝" in message and "spots_small" in message
    assert "Failing row" not in message  # the server's DETAIL, the whole row, is left out
    assert store.batches() == [] and store.counts() == (0, 0)  # nothing written
    # A refresh refused likewise: the recorded figures stay as they were.
    assert store.import_batch(BATCH, delivery(20)).added == 20
    again = delivery(20, area=500.0)
    again[19].attributes[domain.SPOT_AREA] = 5000.0
    with pytest.raises(LedgerError, match="spot 37030220240019 was refused by the database"):
        store.import_batch(BATCH, again)
    assert sorted(s.spot_area for s in store.spots()) == [400.0 + i for i in range(20)]
