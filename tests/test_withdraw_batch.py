"""Withdrawing a batch imported by mistake (zcenforcement:withdrawbatch, withdraw_batch): its
spots and record go when none of its spots has history, nothing goes when any has, and a
cancelled or failed withdrawal removes nothing; on the GeoPackage and on the shared ledger."""

from __future__ import annotations

import datetime as dt
import os

import psycopg2
import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback
from shapely.geometry import box

from scripts import postgis_server as srv
from tests.postgis_fixtures import open_store
from tests.test_import_spots import ledger_rows, run, spot_file
from zc_enforcement_plugin.core import domain, evidence
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import (
    GeoPackageLedger,
    LedgerError,
    SpotRecord,
    Verdict,
    WithdrawCancelled,
)
from zc_enforcement_plugin.core.patrols import PatrolRecord

X0, Y0 = 39_540_000.0, 4_060_000.0
# An office of the demo district (scripts/postgis_server.demo_offices), and one of its towns.
OFFICE_ROLE, OFFICE, TOWN = "zc_office_370302102", "罗村自然资源所", "罗村镇"


def spots(prefix: str, count: int, start: int = 0) -> list[SpotRecord]:
    return [
        SpotRecord(
            {
                domain.SPOT_NUMBER: f"{prefix}{i:04d}",
                domain.SPOT_AREA: 400.0,
                domain.TOWN_NAME: TOWN,
                domain.OFFICE_NAME: OFFICE,
            },
            box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20),
            i,
        )
        for i in range(start, start + count)
    ]


def illegal() -> Verdict:
    return Verdict(
        ls.VERDICT_ILLEGAL,
        "未报即用",
        "张三",
        "2026-03-05",
        areas={domain.CULTIVATED_AREA: 120.0},
        details={ls.DETAIL_PARTY: "某公司", ls.DETAIL_STOP_ORDER: True},
    )


def batch_counts(store) -> dict[str, int]:
    return {batch.name: batch.spot_count for batch in store.batches()}


def check_a_batch_imported_by_mistake_is_withdrawn(store) -> None:
    """JCTB_2026Q4 imported as a new batch under the wrong name: withdrawn, its spots and
    record go, the other batch stays whole, and the file can be imported under its own name.
    (Shared with the shared ledger's test.)"""
    store.import_batch("JCTB_2026Q3", spots("3703022026", 5), source="JCTB_2026Q3.gpkg")
    store.import_batch("第四季度误导入", spots("3703022027", 12, 10), source="JCTB_2026Q4.gpkg")
    kept = {s.number: s.id for s in store.spots() if s.batch == "JCTB_2026Q3"}
    gone = next(s.id for s in store.spots() if s.batch == "第四季度误导入")
    said: list[float] = []
    assert store.withdraw_batch("第四季度误导入", progress=said.append) == 12
    assert said and said[-1] == 100.0  # progress reported as the import reports it
    assert batch_counts(store) == {"JCTB_2026Q3": 5}
    assert {s.number: s.id for s in store.spots()} == kept
    # A verdict form still open on a withdrawn spot (another dock) is refused in words.
    with pytest.raises(LedgerError):
        store.record_verdict(gone, illegal())
    assert store.import_batch("JCTB_2026Q4", spots("3703022027", 12, 10)).added == 12

    with pytest.raises(LedgerError, match="no batch 第四季度误导入") as missing:
        store.withdraw_batch("第四季度误导入")
    assert "JCTB_2026Q3" in str(missing.value)  # the batches it might have meant


def check_a_batch_with_history_is_refused_naming_its_spots(store, tmp_path) -> None:
    """Any spot of the batch with a verdict, evidence, a case or a patrol naming it keeps
    the whole batch: the refusal names those spots and counts each kind, and removes
    nothing. (Shared with the shared ledger's test.)"""
    store.import_batch("误导入", spots("3703022027", 8), source="JCTB_2026Q4.gpkg")
    ids = {s.number: s.id for s in store.spots()}
    store.record_verdict(ids["37030220270000"], illegal())
    store.open_case(ORIGIN_SPOT, spot_id=ids["37030220270000"])
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9 not much of a photo " + os.urandom(64))
    record = evidence.store_evidence_in(store.evidence_dir, "37030220270001", photo, "photo")
    store.add_evidence(ids["37030220270001"], record)
    # A patrol names a spot by its number, as the field team wrote it (its zeros lost).
    store.add_patrol(
        PatrolRecord("XC-2026-0101", OFFICE, dt.date(2026, 3, 2), ["张三"], spot_numbers=["3"])
    )
    store.import_batch("另一批", spots("3", 1, 3))  # number 30003: no patrol of it
    before = [(b.name, b.spot_count) for b in store.batches()]
    with pytest.raises(LedgerError) as refused:
        store.withdraw_batch("误导入")
    said = str(refused.value)
    assert "37030220270000、37030220270001" in said, said
    assert "37030220270003" not in said  # patrols name "3", which is 30003's number no more
    assert "2 spots of the batch 误导入" in said and "Nothing was removed" in said, said
    assert "verdicts 1" in said and "evidence 1" in said and "cases 1" in said, said
    assert [(b.name, b.spot_count) for b in store.batches()] == before

    store.add_patrol(
        PatrolRecord(
            "XC-2026-0102", OFFICE, dt.date(2026, 3, 3), ["李四"], spot_numbers=["037030220270005"]
        )
    )
    with pytest.raises(LedgerError) as refused:
        store.withdraw_batch("误导入")
    said = str(refused.value)
    assert "3 spots" in said and "37030220270005" in said and "patrols 1" in said, said
    assert [(b.name, b.spot_count) for b in store.batches()] == before


def check_a_cancelled_withdrawal_removes_nothing(store) -> None:
    """Cancelled after its spots were deleted, before it commits: rolled back whole."""
    store.import_batch("误导入", spots("3703022027", 6))
    before = sorted(s.id for s in store.spots())
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 1  # after the first chunk was deleted

    with pytest.raises(WithdrawCancelled, match="nothing withdrawn"):
        store.withdraw_batch("误导入", is_cancelled=cancelled)
    assert len(asked) == 2
    assert sorted(s.id for s in store.spots()) == before
    assert batch_counts(store) == {"误导入": 6}


@pytest.fixture
def gpkg(tmp_path):
    (tmp_path / "office").mkdir()
    store = GeoPackageLedger(tmp_path / "office" / "ledger.gpkg")
    yield store
    store.close()


def test_a_batch_imported_by_mistake_is_withdrawn(gpkg):
    check_a_batch_imported_by_mistake_is_withdrawn(gpkg)


def test_a_batch_with_history_is_refused_naming_its_spots(gpkg, tmp_path):
    check_a_batch_with_history_is_refused_naming_its_spots(gpkg, tmp_path)


def test_a_cancelled_withdrawal_removes_nothing(gpkg):
    check_a_cancelled_withdrawal_removes_nothing(gpkg)


# --- the shared ledger ---------------------------------------------------------------------------
def revoke_withdrawal(pg_database, schema) -> None:
    """Take from the brigade DELETE on the spots and batches, as a server whose grants were
    made before withdrawing came (install gives it: ledger_postgis_server._GRANTS)."""
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        admin.cursor().execute(
            f'REVOKE DELETE ON "{schema}".{ls.T_SPOTS}, "{schema}".{ls.T_BATCHES} '
            f"FROM {lp.ROLE_BRIGADE}"
        )
    finally:
        admin.close()


def test_a_batch_is_withdrawn_from_the_shared_ledger(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        check_a_batch_imported_by_mistake_is_withdrawn(store)


def test_a_batch_with_history_is_not_withdrawn_from_the_shared_ledger(
    pg_database, schema, tmp_path
):
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        check_a_batch_with_history_is_refused_naming_its_spots(store, tmp_path)


def test_a_cancelled_withdrawal_removes_nothing_from_the_shared_ledger(pg_database, schema):
    with open_store(pg_database, schema) as store:
        check_a_cancelled_withdrawal_removes_nothing(store)


def test_only_the_brigade_withdraws_a_batch_from_the_shared_ledger(pg_database, schema):
    """An office's login sees only its towns' spots and would withdraw part of a batch: it is
    refused by its role, before anything is read or removed. A brigade login on a server that
    does not grant it DELETE on the spots (its grants made before withdrawing came) is refused
    in words too, naming the right missing."""
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("误导入", spots("3703022027", 4))
    with open_store(pg_database, schema, OFFICE_ROLE) as office:
        assert len(office.spots()) == 4  # its own town's spots: all of them
        with pytest.raises(LedgerError, match="brigade's work") as refused:
            office.withdraw_batch("误导入")
        assert OFFICE_ROLE in str(refused.value) and "Nothing was removed" in str(refused.value)
    revoke_withdrawal(pg_database, schema)
    with open_store(pg_database, schema) as brigade:
        with pytest.raises(LedgerError, match="DELETE on ledger_spots") as refused:
            brigade.withdraw_batch("误导入")
        assert "nothing was removed" in str(refused.value)
        assert batch_counts(brigade) == {"误导入": 4}
    # The server's own guard stands whatever the plugin asks: a spot with history is not
    # deleted even by a brigade login given DELETE (as install gives it).
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        admin.cursor().execute(
            f'GRANT DELETE ON "{schema}".{ls.T_SPOTS}, "{schema}".{ls.T_BATCHES} '
            f"TO {lp.ROLE_BRIGADE}"
        )
    finally:
        admin.close()
    with open_store(pg_database, schema) as brigade:
        spot_id = brigade.spots()[0].id
        brigade.record_verdict(spot_id, illegal())
    conn = psycopg2.connect(**srv.params("zc_brigade_user", pg_database))
    try:
        with pytest.raises(psycopg2.Error, match="cannot be deleted"):
            conn.cursor().execute(
                f'DELETE FROM "{schema}".{ls.T_SPOTS} WHERE {ls.C_FID} = %s', (spot_id,)
            )
    finally:
        conn.close()


def test_the_withdrawing_logins_role_and_rights_are_asked_in_one_statement(pg_database, schema):
    """Each statement is a round trip on a bureau's VPN: the brigade role and the DELETE rights
    on the spots and on the batches were asked in three. Refused or let through as before (the
    test above)."""
    from tests.test_spot_page_reads import round_trips

    with open_store(pg_database, schema) as brigade:
        with round_trips(brigade) as sent:
            brigade._refuse_withdrawal_by_login()  # a brigade login given DELETE: let through
        assert len(sent) == 1, sent


# --- the algorithm -------------------------------------------------------------------------------
class CancelOnProgress(QgsProcessingFeedback):
    """Cancels the run once progress is first reported, as a user pressing Cancel meanwhile."""

    def setProgress(self, progress):  # noqa: N802 - QGIS API
        super().setProgress(progress)
        self.cancel()


def withdraw(parameters, feedback=None):
    import processing

    return processing.run("zcenforcement:withdrawbatch", parameters, feedback=feedback)


def test_the_algorithm_withdraws_a_batch_imported_by_mistake(provider, tmp_path):
    """The reviewer's case: the Q4 file imported under a wrong new name. Withdrawn, the batch
    is gone with its spots and the file imports under its own name; a batch a verifier has
    begun is refused naming the spot, and a cancelled run removes nothing."""
    store = tmp_path / "ledger.gpkg"
    q3 = spot_file(tmp_path / "JCTB_2026Q3.gpkg", [f"3703022026{i:04d}" for i in range(12)])
    q4 = spot_file(
        tmp_path / "JCTB_2026Q4.gpkg", [f"3703022027{i:04d}" for i in range(12)], shift=7.0
    )
    run({"SPOTS": q3, "LEDGER": str(store), "BATCH": "JCTB_2026Q3"})
    before = ledger_rows(str(store))
    assert run({"SPOTS": q4, "LEDGER": str(store), "BATCH": "JCTB_2026Q3补"})["ADDED"] == 12

    with pytest.raises(QgsProcessingException, match="nothing withdrawn"):
        withdraw({"LEDGER": str(store), "BATCH": "JCTB_2026Q3补"}, CancelOnProgress())
    with GeoPackageLedger(store, create=False) as ledger:
        assert batch_counts(ledger) == {"JCTB_2026Q3": 12, "JCTB_2026Q3补": 12}

    result = withdraw({"LEDGER": str(store), "BATCH": "JCTB_2026Q3补"})
    assert result["REMOVED"] == 12
    after = ledger_rows(str(store))
    assert after["ledger_spots"] == before["ledger_spots"]
    assert after["ledger_batches"] == before["ledger_batches"]
    assert run({"SPOTS": q4, "LEDGER": str(store), "BATCH": "JCTB_2026Q4"})["ADDED"] == 12

    with GeoPackageLedger(store, create=False) as ledger:
        judged = next(s for s in ledger.spots() if s.number == "37030220270004")
        ledger.record_verdict(judged.id, illegal())
    before = ledger_rows(str(store))
    with pytest.raises(QgsProcessingException) as refused:
        withdraw({"LEDGER": str(store), "BATCH": "JCTB_2026Q4"})
    said = str(refused.value)
    assert "37030220270004" in said and "JCTB_2026Q4" in said, said
    assert ledger_rows(str(store)) == before


def test_a_folder_given_as_the_ledger_is_said_to_be_a_folder(provider, tmp_path):
    """A folder named like a ledger (ledger.gpkg, made by a copy gone wrong) given as LEDGER:
    said to be a folder, not a ledger, as copyledger and importspots say it, not that the
    ledger 'does not exist' when something of that name is right there."""
    folder = tmp_path / "ledger.gpkg"
    folder.mkdir()
    with pytest.raises(QgsProcessingException) as refused:
        withdraw({"LEDGER": str(folder), "BATCH": "JCTB_2026Q3"})
    said = str(refused.value)
    assert str(folder) in said and "is a folder, not a ledger" in said, said
    assert "does not exist" not in said, said
    assert folder.is_dir() and not any(folder.iterdir())
