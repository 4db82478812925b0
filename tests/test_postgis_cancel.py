"""Cancel heard while a statement of the shared ledger is in flight. Found by review (a proxy
pausing the network 10 s): an import cancelled at once stopped only when the network came back,
13.8 s after the click, as the cancel was asked only between statements. Now a watcher asks the
server to cancel the statement, and cuts the connection when the server cannot be told; the
run ends at once, "cancelled, nothing imported", nothing written.

The statement is held here by another session keeping the batch (an import waits its turn
without bound) or the spots table locked; the run must end while that session still holds it."""

from __future__ import annotations

import threading

import pytest
import shapely.geometry
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

from scripts import postgis_server as srv
from tests.postgis_fixtures import new_schema, open_store
from tests.test_postgis_ledger import TAIHE, TAIHE_TOWN, spot
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_schema as ls

# How long the other session holds what the run waits for, should the run not end sooner.
HELD_SECONDS = 20


@pytest.fixture
def shared(pg_database, schema, tmp_path, monkeypatch):
    """The shared ledger with a batch "b" of two spots, opened by the brigade, and handed to
    every algorithm that opens postgis://test/<schema>."""
    from zc_enforcement_plugin import postgis_connection

    store = open_store(pg_database, schema, tmp_path=tmp_path)
    store.import_batch(
        "b",
        [
            spot("37030220260001", 0, TAIHE_TOWN, TAIHE),
            spot("37030220260002", 1, TAIHE_TOWN, TAIHE),
        ],
    )
    monkeypatch.setattr(postgis_connection, "open_ledger_store", lambda *_a, **_k: store)
    monkeypatch.setattr(store, "close", lambda: None)  # closed here, after the run
    yield store
    lp.PostGISLedger.close(store)


class _Held:
    """Another session holding ``statement`` (a row or table lock) in a transaction, until
    let go or HELD_SECONDS have passed; ``let_go`` says whether it has."""

    def __init__(self, pg_database, schema, statement):
        self.admin = srv.connect(dbname=pg_database)
        self.admin.autocommit = False
        with self.admin.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{schema}", public')
            cursor.execute(statement)
        self.let_go = threading.Event()
        self._timer = threading.Timer(HELD_SECONDS, self.release)
        self._timer.start()

    def release(self) -> None:
        if not self.let_go.is_set():
            self.let_go.set()
            self.admin.rollback()
            self.admin.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        self.release()


def _run_cancelled(algorithm: str, parameters: dict, schema: str | None):
    """Run ``algorithm`` on the shared ledger (its LEDGER, unless ``schema`` is None: the
    parameters name the ledgers), Cancel pressed half a second in: its results, or the
    QgsProcessingException it stopped with."""
    from qgis import processing

    if schema is not None:
        parameters = {"LEDGER": f"postgis://test/{schema}", **parameters}
    feedback = QgsProcessingFeedback()
    threading.Timer(0.5, feedback.cancel).start()
    try:
        return processing.run(
            f"zcenforcement:{algorithm}",
            parameters,
            context=QgsProcessingContext(),
            feedback=feedback,
        )
    except QgsProcessingException as stopped:
        return stopped


@pytest.fixture(params=["server told", "server unreachable"])
def cancel_path(request, monkeypatch):
    """The cancel as the server hears it, or as it is when the network holds the request too
    (the store then cuts the connection)."""
    if request.param == "server unreachable":
        monkeypatch.setattr(lp.PostGISLedger, "_ask_server_to_cancel", lambda self, pid: None)
    return request.param


def _delivery(tmp_path) -> str:
    import fiona

    path = tmp_path / "delivery.gpkg"
    properties = {"JCBH": "str", "XZMC": "str", "SMC": "str", "TBMJ": "float"}
    with fiona.open(
        path,
        "w",
        driver="GPKG",
        schema={"geometry": "Polygon", "properties": properties},
        crs="EPSG:4527",
    ) as out:
        for i, number in enumerate(["37030220260001", "37030220260003"]):
            outline = spot(number, i, TAIHE_TOWN, TAIHE).geometry
            row = {"JCBH": number, "XZMC": TAIHE_TOWN, "SMC": TAIHE, "TBMJ": 400.0}
            out.write({"geometry": shapely.geometry.mapping(outline), "properties": row})
    return str(path)


def test_an_import_waiting_for_its_batch_stops_when_cancelled(
    provider, shared, pg_database, tmp_path, cancel_path
):
    delivery = _delivery(tmp_path)
    holder = f"SELECT * FROM {ls.T_BATCHES} WHERE {ls.C_BATCH_NAME} = 'b' FOR UPDATE"
    with _Held(pg_database, shared.schema, holder) as held:
        stopped = _run_cancelled(
            "importspots", {"SPOTS": delivery, "BATCH": "b", "ADD_TO_BATCH": True}, shared.schema
        )
        assert not held.let_go.is_set(), "the import waited until the batch was let go"
    assert isinstance(stopped, QgsProcessingException), stopped
    assert "nothing imported" in str(stopped) or "未导入" in str(stopped), stopped
    # Nothing written: the batch as it was, and the store goes on working.
    assert sorted(s.number for s in shared.spots()) == ["37030220260001", "37030220260002"]
    assert [b.name for b in shared.batches()] == ["b"]


def test_a_withdrawal_waiting_for_its_batch_stops_when_cancelled(
    provider, shared, pg_database, cancel_path
):
    holder = f"SELECT * FROM {ls.T_BATCHES} WHERE {ls.C_BATCH_NAME} = 'b' FOR UPDATE"
    with _Held(pg_database, shared.schema, holder) as held:
        stopped = _run_cancelled("withdrawbatch", {"BATCH": "b"}, shared.schema)
        assert not held.let_go.is_set(), "the withdrawal waited until the batch was let go"
    assert isinstance(stopped, QgsProcessingException), stopped
    assert "nothing withdrawn" in str(stopped) or "未撤回" in str(stopped), stopped
    assert len(shared.spots()) == 2


def test_a_report_whose_reads_wait_stops_when_cancelled(
    provider, shared, pg_database, tmp_path, cancel_path
):
    folder = tmp_path / "report"
    holder = f"LOCK TABLE {ls.T_SPOTS} IN ACCESS EXCLUSIVE MODE"
    with _Held(pg_database, shared.schema, holder) as held:
        results = _run_cancelled("weeklydispatch", {"OUTPUT_FOLDER": str(folder)}, shared.schema)
        assert not held.let_go.is_set(), "the report waited until the table was let go"
    assert results == {}, results  # cancelled: no report, no failure
    assert not folder.exists() or not any(folder.iterdir())
    assert len(shared.spots()) == 2  # the store reads again once the cancel is over


def test_an_export_whose_reads_wait_stops_when_cancelled(
    provider, shared, pg_database, tmp_path, cancel_path
):
    """Found by review: exportverification asked Cancel only between its reads, so a read
    waiting on the network (here on a table another session holds) ran to its end first."""
    folder = tmp_path / "export"
    holder = f"LOCK TABLE {ls.T_SPOTS} IN ACCESS EXCLUSIVE MODE"
    with _Held(pg_database, shared.schema, holder) as held:
        results = _run_cancelled(
            "exportverification",
            {"OUTPUT_FOLDER": str(folder), "WITH_PDF": False},
            shared.schema,
        )
        assert not held.let_go.is_set(), "the export waited until the table was let go"
    assert results == {}, results  # cancelled: "nothing was written", no failure
    assert not folder.exists() or not any(folder.iterdir())  # no file, no staging folder
    assert len(shared.spots()) == 2  # the store reads again once the cancel is over


def _copy_algorithm_opens(monkeypatch, reference: str, store) -> None:
    """copyledger opens ``store`` for ``reference``, any other ledger as it would."""
    from zc_enforcement_plugin.processing import copy_ledger

    real_open = copy_ledger.open_ledger_store
    monkeypatch.setattr(
        copy_ledger,
        "open_ledger_store",
        lambda ref, **kw: store if ref == reference else real_open(ref, **kw),
    )


def test_a_copy_from_the_shared_ledger_whose_reads_wait_stops_when_cancelled(
    provider, shared, pg_database, tmp_path, monkeypatch, cancel_path
):
    """The source's read waits (its spots held by another session): the copy stops at once,
    "nothing copied", and the GeoPackage it began is taken away with its side files."""
    from zc_enforcement_plugin.processing.copy_ledger import SQLITE_SIDECARS

    reference = f"postgis://test/{shared.schema}"
    _copy_algorithm_opens(monkeypatch, reference, shared)
    target = tmp_path / "copy.gpkg"
    holder = f"LOCK TABLE {ls.T_SPOTS} IN ACCESS EXCLUSIVE MODE"
    with _Held(pg_database, shared.schema, holder) as held:
        stopped = _run_cancelled(
            "copyledger", {"SOURCE": reference, "TARGET": str(target)}, schema=None
        )
        assert not held.let_go.is_set(), "the copy waited until the table was let go"
    assert isinstance(stopped, QgsProcessingException), stopped
    assert "nothing copied" in str(stopped) or "未复制" in str(stopped), stopped
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []
    assert not any(target.with_name(target.name + end).exists() for end in SQLITE_SIDECARS)
    assert len(shared.spots()) == 2


def test_a_copy_into_the_shared_ledger_whose_writes_wait_stops_when_cancelled(
    provider, pg_database, tmp_path, monkeypatch, cancel_path
):
    """The copy's insert waits (the target's spots held by another session): the copy stops
    at once, "nothing copied", no row in the shared ledger and no evidence file it had copied
    left in the shared folder."""
    from zc_enforcement_plugin.core import evidence, ledger
    from zc_enforcement_plugin.core.ledger_migrate import COPY_ORDER, table_rows

    source = tmp_path / "office.gpkg"
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
        spot_id = store.spots()[0].id
        store.add_evidence(
            spot_id, evidence.store_evidence_file(source, "37030220260001", photo, "photo")
        )
    target = open_store(pg_database, new_schema(pg_database), tmp_path=tmp_path)
    reference = f"postgis://test/{target.schema}"
    _copy_algorithm_opens(monkeypatch, reference, target)
    monkeypatch.setattr(target, "close", lambda: None)  # closed here, after the run
    # SHARE: the copy's checks read the table, its INSERT waits.
    holder = f"LOCK TABLE {ls.T_SPOTS} IN SHARE MODE"
    try:
        with _Held(pg_database, target.schema, holder) as held:
            stopped = _run_cancelled(
                "copyledger", {"SOURCE": str(source), "TARGET": reference}, schema=None
            )
            assert not held.let_go.is_set(), "the copy waited until the table was let go"
        assert isinstance(stopped, QgsProcessingException), stopped
        assert "nothing copied" in str(stopped) or "未复制" in str(stopped), stopped
        assert {table: table_rows(target, table)[1] for table in COPY_ORDER} == {
            table: [] for table in COPY_ORDER
        }
        assert [p for p in target.evidence_dir.rglob("*") if p.is_file()] == []
    finally:
        lp.PostGISLedger.close(target)
