"""The PostGIS ledger against a real PostgreSQL 15 + PostGIS server (scripts/postgis_server.py).

The server is started by the session fixture (installed from Debian first if missing), so
`make test` runs these for real everywhere. Without a server they fail and say why; set
ZC_SKIP_POSTGIS=1 to skip them knowingly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2  # noqa: E402 - Debian's python3-psycopg2, seen through the venv
import pytest
import shapely
from shapely.geometry import box

from scripts import postgis_server as srv
from tests.geodesy import geodesic_area
from tests.holiday_notices import complete_year
from tests.postgis_fixtures import BRIGADE, open_store, server_side_of_version
from zc_enforcement_plugin.core import (
    domain,
    evidence,
    ledger,
    ledger_migrate,
    ledger_rows,
    workdays,
)
from zc_enforcement_plugin.core import ledger_postgis as lp  # noqa: E402
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_postgis_session as pg_session
from zc_enforcement_plugin.core import ledger_reference as lr
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import (
    CaseFilter,
    ConflictError,
    GeoPackageLedger,
    LedgerError,
    LedgerStore,
    SpotRecord,
    Verdict,
)
from zc_enforcement_plugin.core.patrols import PatrolRecord

X0, Y0 = 39_520_000.0, 4_070_000.0
# Two offices of the demo district (scripts/postgis_server.demo_offices).
LUOCUN_ROLE, LUOCUN, LUOCUN_TOWNS = "zc_office_370302102", "罗村自然资源所", ("罗村镇", "洪山镇")
TAIHE_ROLE, TAIHE, TAIHE_TOWN = "zc_office_370302108", "太河自然资源所", "太河镇"


def raw(pg_database, schema, user):
    conn = psycopg2.connect(**srv.params(user, pg_database))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}", public')
    return conn


@contextlib.contextmanager
def saved_connection(pg_database, user: str, name: str) -> Iterator[None]:
    """A PostgreSQL connection saved in QGIS as `name`, its password in the auth manager."""
    from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProviderRegistry

    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("test-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName(name)
    config.setConfig("username", user)
    config.setConfig("password", srv.password_for(user))
    assert manager.storeAuthenticationConfig(config)[0]
    uri = QgsDataSourceUri()
    uri.setConnection(srv.HOST, str(srv.PORT), pg_database, "", "", authConfigId=config.id())
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(uri.uri(False), {}), name)
    try:
        yield
    finally:
        metadata.deleteConnection(name)
        manager.removeAuthenticationConfig(config.id())


def spot(number: str, i: int, town: str, office: str) -> SpotRecord:
    return SpotRecord(
        {
            domain.SPOT_NUMBER: number,
            domain.SPOT_AREA: 400.0,
            domain.CULTIVATED_AREA: 150.5,
            domain.BASIC_FARMLAND_AREA: 20.25,
            domain.TOWN_NAME: town,
            domain.OFFICE_NAME: office,
            domain.REVIEW_PRIORITY: 1 + i % 4,
            domain.CULTIVATED_FLAG: i % 2 == 0,
            "QSX": "2025-01-01",
        },
        box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20),
        i,
    )


def illegal(verifier="张三", day="2026-03-05", **changes) -> Verdict:
    values = dict(
        category=ls.VERDICT_ILLEGAL,
        kind="未报即用",
        verifier=verifier,
        verified_on=day,
        areas={domain.CULTIVATED_AREA: 120.0},
        details={ls.DETAIL_PARTY: "某公司", ls.DETAIL_STOP_ORDER: True},
    )
    values.update(changes)
    return Verdict(**values)


def fill(store: LedgerStore, tmp_path) -> None:
    """Two offices' spots with verdicts (one corrected), evidence, cases, events, patrols."""
    records = [spot(f"37030220260{i:03d}", i, LUOCUN_TOWNS[i % 2], LUOCUN) for i in range(4)]
    records += [spot(f"37030220261{i:03d}", 10 + i, TAIHE_TOWN, TAIHE) for i in range(3)]
    store.import_batch("2026年第1季度", records, source="jctb.shp")
    ids = {s.number: s.id for s in store.spots()}
    first = ids["37030220260000"]
    wrong = store.record_verdict(first, illegal(kind="边报边用"))
    store.record_verdict(first, illegal(corrects=wrong, note="更正"))
    taihe_spot = ids["37030220261000"]
    store.record_verdict(taihe_spot, illegal(verifier="李四"))
    store.record_verdict(
        ids["37030220260001"],
        Verdict(ls.VERDICT_OTHER, "设施农用地", "王五", "2026-03-06", note="大棚"),
    )
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9 not much of a photo " + os.urandom(64))
    for spot_id in (first, taihe_spot):
        record = evidence.store_evidence_in(store.evidence_dir, str(spot_id), photo, "photo")
        store.add_evidence(spot_id, record)
    case_id = store.open_case(ORIGIN_SPOT, spot_id=first)
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, dt.date(2026, 3, 6), "张三"))
    store.open_case(ORIGIN_SPOT, spot_id=taihe_spot)
    store.add_patrol(
        PatrolRecord(
            "XC-2026-0001",
            LUOCUN,
            dt.date(2026, 3, 2),
            ["张三", "赵六"],
            route=((X0, Y0), (X0 + 500, Y0 + 30), (X0 + 900, Y0 + 400)),
            findings="发现新建厂房",
            spot_numbers=["37030220260000"],
        )
    )
    store.add_patrol(PatrolRecord("XC-2026-0002", TAIHE, dt.date(2026, 3, 3), ["李四"]))
    store.open_case(ORIGIN_PATROL, patrol_id="XC-2026-0001", note="巡查发现")
    store.set_setting(ls.SETTING_DEADLINE_RULES, {})


# --- roles and row-level security ----------------------------------------------------------------
def test_offices_see_and_edit_only_their_own_towns(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        everything = brigade.spots()
        assert len(everything) == 7 and len(brigade.cases()) == 3 and len(brigade.patrols()) == 2
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        mine = luocun.spots()
        assert {s.town for s in mine} == set(LUOCUN_TOWNS) and len(mine) == 4
        assert {r.office for r in luocun.cases()} == {LUOCUN} and len(luocun.cases()) == 2
        assert [p.office for p in luocun.patrols()] == [LUOCUN]
        assert all(luocun.spot(e.spot_id).office == LUOCUN for e in luocun.evidence())
        taihe_id = next(s.id for s in everything if s.number == "37030220261000")
        with pytest.raises(LedgerError, match="no spot"):
            luocun.spot(taihe_id)
        with pytest.raises(LedgerError):
            luocun.record_verdict(taihe_id, illegal())
        with pytest.raises(LedgerError):
            luocun.import_batch("x", [spot("370302209990001", 30, TAIHE_TOWN, TAIHE)])
        # its own spot: allowed
        assert luocun.record_verdict(mine[-1].id, illegal(verifier="罗村所"))
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert {s.town for s in taihe.spots()} == {TAIHE_TOWN}
        assert len(taihe.verdict_history(taihe_id)) == 1
        assert [r.office for r in taihe.cases()] == [TAIHE]


def test_hand_written_sql_cannot_reach_another_offices_rows(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        taihe_spot = next(s.id for s in brigade.spots() if s.town == TAIHE_TOWN)
        taihe_case = next(r.case_id for r in brigade.cases() if r.office == TAIHE)
        luocun_spot = next(s.id for s in brigade.spots() if s.town == LUOCUN_TOWNS[0])
    conn = raw(pg_database, schema, LUOCUN_ROLE)
    cur = conn.cursor()
    others = "\"XZMC\" NOT IN ('罗村镇', '洪山镇')"
    for table, condition in (
        ("ledger_spots", others),
        ("ledger_verdicts", f"spot_id = {taihe_spot}"),
        ("ledger_evidence", f"spot_id = {taihe_spot}"),
        ("ledger_cases", f"office = '{TAIHE}'"),
        ("ledger_case_events", f"case_id = {taihe_case}"),
        ("ledger_patrols", f"office = '{TAIHE}'"),
    ):
        cur.execute(f"SELECT count(*) FROM {table} WHERE {condition}")
        assert cur.fetchone()[0] == 0, table
    refused = [
        f"UPDATE ledger_spots SET \"JYPD\" = 'hacked' WHERE {others}",
        f"INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
        f"recorded_at) VALUES ({taihe_spot}, '违法', '未报即用', 'x', '2026-03-01', 'now')",
        f"INSERT INTO ledger_evidence (spot_id, kind, path, sha256, size, recorded_at) VALUES "
        f"({taihe_spot}, 'photo', 'a.jpg', '{'0' * 64}', 1, 'now')",
        f"INSERT INTO ledger_case_events (case_id, stage, date, person, recorded_at) VALUES "
        f"({taihe_case}, 'verify', '2026-03-02', 'x', 'now')",
        "INSERT INTO ledger_patrols (patrol_number, office, date, recorded_at) VALUES "
        f"('XC-FAKE', '{TAIHE}', '2026-03-02', 'now')",
        # a case in its own name and town on another office's spot, or patrol
        "INSERT INTO ledger_cases (origin, spot_id, office, town, opened_at, recorded_at) "
        f"VALUES ('spot', {taihe_spot}, '{LUOCUN}', '罗村镇', '2026-03-02', 'now')",
        "INSERT INTO ledger_cases (origin, patrol_id, office, town, opened_at, recorded_at) "
        f"VALUES ('patrol', 'XC-2026-0002', '{LUOCUN}', NULL, '2026-03-02', 'now')",
        'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", attributes, imported_at, '
        "updated_at) VALUES (1, 'fake', '太河镇', '{}', 'now', 'now')",
        # moving its own spot into another office's town, or to another office
        f"UPDATE ledger_spots SET \"XZMC\" = '太河镇' WHERE fid = {luocun_spot}",
        f"UPDATE ledger_spots SET \"SMC\" = '{TAIHE}' WHERE fid = {luocun_spot}",
        # changing a delivered figure of its own spot
        f'UPDATE ledger_spots SET "TBMJ" = 1 WHERE fid = {luocun_spot}',
        'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", attributes, imported_at, '
        "updated_at) VALUES (1, 'fake', '罗村镇', '{}', 'now', 'now')",
        f"DELETE FROM ledger_spots WHERE fid = {taihe_spot}",
        "DELETE FROM ledger_verdicts",
        "UPDATE ledger_verdicts SET category = '合法'",
        "SELECT * FROM ledger_office_towns",
        f"INSERT INTO ledger_office_towns VALUES ('{LUOCUN_ROLE}', '{LUOCUN}', '太河镇')",
        "SET ROLE zc_brigade",
        "SET ROLE zc_owner",
        "ALTER TABLE ledger_spots DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE ledger_spots NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY office_own ON ledger_spots",
        "SET row_security = off",  # would make the next query fail rather than see all
    ]
    for statement in refused:
        with pytest.raises(psycopg2.Error):
            cur.execute(statement)
            if statement.startswith("SET row_security"):
                cur.execute("SELECT count(*) FROM ledger_spots")
    conn.close()
    # the brigade still sees everything unchanged
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        assert len(brigade.spots()) == 7
        assert brigade.spot(taihe_spot).suggested is None
        assert len(brigade.patrols()) == 2
        assert brigade.spot(luocun_spot).town == LUOCUN_TOWNS[0]
        assert brigade.spot(luocun_spot).office == LUOCUN
        assert brigade.spot(luocun_spot).spot_area == 400.0


def test_history_is_append_only_even_for_the_brigade_and_the_superuser(
    pg_database, schema, tmp_path
):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    for user in (BRIGADE, srv.SUPERUSER):
        conn = raw(pg_database, schema, user)
        for table in ("ledger_verdicts", "ledger_case_events", "ledger_patrols"):
            with pytest.raises(psycopg2.Error, match="append-only|permission denied"):
                conn.cursor().execute(f"DELETE FROM {table}")
        conn.close()


# --- concurrency ---------------------------------------------------------------------------------
def waiting_on_a_lock(pg_database) -> bool:
    """Whether some session of the database waits on a lock now."""
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock')",
                (pg_database,),
            )
            return cursor.fetchone()[0]
    finally:
        admin.close()


def wait_for(condition, what: str) -> None:
    """Return once condition() holds; fail naming `what` if it never does."""
    for _ in range(600):
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"never happened: {what}")


class Racer:
    """`call` run in a thread of its own once started: its result, or the LedgerError it
    raised, in `outcome`. start_and_wait starts it and returns once it waits on a lock on the
    server (or is over, as it is where the code under test takes no turn)."""

    def __init__(self, pg_database, call):
        self.pg_database, self.call, self.outcome = pg_database, call, []
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        try:
            self.outcome.append(self.call())
        except LedgerError as error:
            self.outcome.append(error)

    def start_and_wait(self, what: str) -> None:
        self.thread.start()
        wait_for(
            lambda: waiting_on_a_lock(self.pg_database) or not self.thread.is_alive(),
            f"{what} waiting or done",
        )

    def result(self):
        self.thread.join(60)
        [found] = self.outcome
        return found


def test_second_save_of_the_same_spot_is_refused_and_both_are_kept(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        spot_id = next(s.id for s in brigade.spots() if s.number == "37030220260003")
    one = open_store(pg_database, schema, LUOCUN_ROLE, tmp_path)
    two = open_store(pg_database, schema, BRIGADE, tmp_path)
    seen_one, seen_two = one.spot(spot_id).version, two.spot(spot_id).version
    assert seen_one == seen_two
    one.record_verdict(spot_id, illegal(verifier="张三"), expected_version=seen_one)
    with pytest.raises(ConflictError) as refused:
        two.record_verdict(
            spot_id,
            Verdict(ls.VERDICT_OTHER, "临时用地", "李四", "2026-03-07"),
            expected_version=seen_two,
        )
    message = str(refused.value)
    assert "张三" in message and "李四" in message and "违法" in message and "临时用地" in message
    assert f"version {seen_two}" in message and f"version {seen_two + 1}" in message
    assert [v.verifier for v in two.verdict_history(spot_id)] == ["张三"]
    kept = two.conflicts(spot_id)
    assert [(c["verifier"], c["kind"], c["expected_version"]) for c in kept] == [
        ("李四", "临时用地", seen_two)
    ]
    # after reading the new version the save goes through
    fresh = two.spot(spot_id).version
    two.record_verdict(spot_id, illegal(verifier="李四"), expected_version=fresh)
    assert [v.verifier for v in one.verdict_history(spot_id)] == ["张三", "李四"]
    one.close()
    two.close()


def test_a_refused_save_shows_the_other_saves_time_in_beijing_time(pg_database, schema, tmp_path):
    """The other verdict's time was shown as the stored UTC text (2026-03-05T14:07:31.123Z,
    eight hours off the clock on the wall): it is Beijing time, to the minute."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        spot_id = next(s.id for s in brigade.spots() if s.number == "37030220260003")
        seen = brigade.spot(spot_id).version
        brigade.record_verdict(spot_id, illegal(verifier="张三"), expected_version=seen)
        stored = brigade.verdict_history(spot_id)[-1].recorded_at
        with pytest.raises(ConflictError) as refused:
            brigade.record_verdict(spot_id, illegal(verifier="李四"), expected_version=seen)
    beijing = ledger_rows.parse_utc(stored).astimezone(dt.timezone(dt.timedelta(hours=8)))
    message = str(refused.value)
    assert stored not in message
    assert f"北京时间 {beijing:%Y-%m-%d %H:%M}" in message.split(" / ")[0]
    assert f"{beijing:%Y-%m-%d %H:%M} Beijing time" in message.split(" / ")[1]


def test_simultaneous_saves_one_wins_one_is_refused(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        spot_id = next(s.id for s in brigade.spots() if s.number == "37030220260003")
    stores = [open_store(pg_database, schema, BRIGADE, tmp_path) for _ in range(2)]
    for round_number in range(5):
        seen = stores[0].spot(spot_id).version
        barrier = threading.Barrier(2)
        outcome: list = [None, None]

        def save(index: int, seen=seen, barrier=barrier, outcome=outcome) -> None:
            barrier.wait()
            try:
                outcome[index] = stores[index].record_verdict(
                    spot_id, illegal(verifier=f"人{index}"), expected_version=seen
                )
            except ConflictError as exc:
                outcome[index] = exc

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        kinds = sorted(type(x).__name__ for x in outcome)
        assert kinds == ["ConflictError", "int"], (round_number, outcome)
        assert stores[0].spot(spot_id).version == seen + 1
    assert len(stores[0].conflicts(spot_id)) == 5
    for store in stores:
        store.close()


def test_two_imports_of_the_same_new_batch_at_once_say_what_happened(pg_database, schema):
    """Neither import saw the other's new batch; the second waited for the first, then met its
    name: a raw duplicate key "ledger_batches_name_key". It says the batch was imported
    meanwhile and to run again to refresh; the first import is whole."""
    delivery = [spot(f"3703022026400{i}", i, TAIHE_TOWN, TAIHE) for i in range(3)]
    outcome: list = []
    first = open_store(pg_database, schema)
    second = open_store(pg_database, schema)

    def second_import() -> None:
        try:
            outcome.append(second.import_batch("2026年第4季度", delivery))
        except LedgerError as error:
            outcome.append(error)

    racing = threading.Thread(target=second_import)

    def after_row(count: int) -> None:
        if count == 0:  # the first has written its batch: the second starts and waits on it
            racing.start()
            wait_for(lambda: waiting_on_a_lock(pg_database), "the second import waiting")

    first._after_row_hook = after_row
    try:
        assert first.import_batch("2026年第4季度", delivery).added == 3
        racing.join(60)
    finally:
        first.close()
        second.close()
    [error] = outcome
    assert isinstance(error, LedgerError), error
    message = str(error)
    assert "imported meanwhile by another session" in message and "run the import again" in message
    assert "另一会话" in message and "2026年第4季度" in message
    assert "ledger_batches_name_key" not in message
    with open_store(pg_database, schema) as brigade:
        assert brigade.counts("2026年第4季度") == (0, 3)


def test_one_delivery_imported_under_two_names_at_once_is_refused_once(pg_database, schema):
    """Each import asks which of its numbers other batches hold before writing; two imports of
    one delivery under two names at once saw none of the other's uncommitted spots, and the
    ledger held all 20 spots twice (the review of 2026-11-29). The second now waits for the
    first, sees its spots and is refused as a new batch of spots another batch holds."""
    delivery = [spot(f"3703022026500{i:02d}", i, TAIHE_TOWN, TAIHE) for i in range(20)]
    first = open_store(pg_database, schema)
    second = open_store(pg_database, schema)
    racer = Racer(pg_database, lambda: second.import_batch("2026Q1", delivery))

    def after_row(count: int) -> None:
        if count == 0:  # the first is writing: the second starts and runs as far as it can
            racer.start_and_wait("the second import")

    first._after_row_hook = after_row
    try:
        assert first.import_batch("2026年第1季度", delivery).added == 20
        error = racer.result()
    finally:
        first.close()
        second.close()
    assert isinstance(error, LedgerError), error
    assert "2026年第1季度" in str(error)
    with open_store(pg_database, schema) as brigade:
        assert len(brigade.spots()) == 20
        assert [b.name for b in brigade.batches()] == ["2026年第1季度"]


def test_a_withdrawal_waits_for_a_patrol_being_saved_and_keeps_the_spot_it_names(
    pg_database, schema
):
    """A withdrawal checks that no patrol names its spots; a patrol being saved meanwhile was
    not seen, and the withdrawal removed the spot it named (the review of 2026-11-29). The
    withdrawal now waits for the patrol, sees it and is refused: the spot is kept."""
    number = "37030220267001"
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("误导入批次", [spot(number, 0, LUOCUN_TOWNS[0], LUOCUN)])
    office = open_store(pg_database, schema, user=LUOCUN_ROLE)
    withdrawing = open_store(pg_database, schema)
    racer = Racer(pg_database, lambda: withdrawing.withdraw_batch("误导入批次"))
    insert = office._insert

    def insert_then_let_the_withdrawal_run(*args, **kwargs):
        fid = insert(*args, **kwargs)
        # the patrol written, not committed: the withdrawal runs now
        racer.start_and_wait("the withdrawal")
        return fid

    office._insert = insert_then_let_the_withdrawal_run
    try:
        office.add_patrol(
            PatrolRecord(
                "XC-2026-0701", LUOCUN, dt.date(2026, 3, 2), ["张三"], spot_numbers=[number]
            )
        )
        error = racer.result()
    finally:
        office.close()
        withdrawing.close()
    assert isinstance(error, LedgerError), error
    assert number in str(error)
    with open_store(pg_database, schema) as brigade:
        assert [s.number for s in brigade.spots()] == [number]


def test_an_export_reads_one_moment_of_the_ledger_while_an_office_saves(pg_database, schema):
    """The export reads the spots, then their verdicts: a verdict saved between the two gave a
    row 未核查 with a verdict beside it (the review of 2026-11-29). Its reads are of one
    moment: the verdict saved meanwhile is in none of them, and the row agrees with itself."""
    from zc_enforcement_plugin.core import export

    number = "37030220267201"
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("b", [spot(number, 0, LUOCUN_TOWNS[0], LUOCUN)])
    exporting = open_store(pg_database, schema)
    office = open_store(pg_database, schema, user=LUOCUN_ROLE)
    read_whole = exporting.spots_by_id

    def whole_then_a_save_meanwhile(ids):
        spots = read_whole(ids)
        office.record_verdict(ids[0], illegal(), expected_version=0)  # committed now
        return spots

    exporting.spots_by_id = whole_then_a_save_meanwhile
    try:
        [row] = export.verification_rows(exporting, "b")
        [spot_id] = [s.id for s in office.spots()]
        assert len(office.verdict_history(spot_id)) == 1  # saved meanwhile, after the spots
    finally:
        exporting.close()
        office.close()
    assert row.values[export.VERDICT_CATEGORY] is None, row.values
    assert row.values[export.STATUS] == "未核查", row.values


def test_a_spot_page_is_shown_before_the_evidence_folder_is_set(pg_database, schema):
    """A ledger installed without its shared evidence folder: every spot page refused with
    "未设置共享证据文件夹", so no spot could be shown or judged (the review of 2026-11-29).
    The page is shown; attaching evidence still says the folder is missing."""
    with open_store(pg_database, schema) as store:
        assert store.stored_evidence_dir() is None
        store.import_batch("b", [spot("37030220267101", 0, LUOCUN_TOWNS[0], LUOCUN)])
        [listed] = store.spots()
        page = store.spot_page(listed.id)
        assert page.spot.number == "37030220267101" and page.evidence_dir is None
        with pytest.raises(LedgerError, match="未设置共享证据文件夹"):
            store.writable_evidence_dir()


def test_a_read_only_login_is_told_so_and_nothing_is_saved(pg_database, schema, tmp_path):
    """A login or database set to default_transaction_read_only answered a save with the raw
    "cannot execute INSERT in a read-only transaction": it says the login or the database is
    read-only and that nothing was saved."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        spot_id = next(s.id for s in brigade.spots() if s.number == "37030220260003")
    read_only = {
        **srv.params(BRIGADE, pg_database),
        "options": "-c default_transaction_read_only=on",
    }
    with lp.PostGISLedger(read_only, schema=schema) as store:
        seen = store.spot(spot_id).version
        with pytest.raises(LedgerError, match="is read-only") as refused:
            store.record_verdict(spot_id, illegal(), expected_version=seen)
        message = str(refused.value)
        assert "nothing was saved" in message and "只读" in message and BRIGADE in message
        assert "cannot execute" not in message
        assert store.spot(spot_id).version == seen


def test_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused_on_the_shared_ledger(
    pg_database, schema
):
    from tests.test_ledger import (
        check_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused,
    )

    with open_store(pg_database, schema) as store:
        check_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused(store)


def test_verdicts_saved_while_the_brigade_refreshes_the_batch(pg_database, schema):
    """An office saves verdicts while the brigade's refresh of their batch runs. A verdict on
    a spot the import has not reached yet goes in at once, and the import's report says that
    spot is already judged (it was read when the import started, and missed). A verdict on a
    spot the import has already changed, based on the spot as it was, waits for the import
    and is refused naming the change (it was accepted silently), and kept as a conflict."""
    records = [spot(f"3703022026000{i}", i, LUOCUN_TOWNS[0], LUOCUN) for i in range(3)]
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("2026年第1季度", records)
    office = open_store(pg_database, schema, LUOCUN_ROLE)
    reviewer = open_store(pg_database, schema, LUOCUN_ROLE)
    watcher = raw(pg_database, schema, srv.SUPERUSER)
    numbers = [record.attributes[domain.SPOT_NUMBER] for record in records]
    ids = {s.number: s.id for s in office.spots()}
    first, last = ids[numbers[0]], ids[numbers[-1]]
    seen_first, seen_last = office.spot(first).version, office.spot(last).version
    outcome: list = []
    waited: list = []  # the reviewer's save was seen waiting for the import

    def save_on_what_was_seen() -> None:
        try:
            outcome.append(
                reviewer.record_verdict(first, illegal("李四"), expected_version=seen_first)
            )
        except ConflictError as exc:
            outcome.append(exc)

    saver = threading.Thread(target=save_on_what_was_seen)

    def waiting_for_a_lock() -> bool:
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            return cursor.fetchone()[0] > 0

    def meanwhile(row: int) -> None:
        if row == 0:  # the first spot refreshed, the last not yet
            office.record_verdict(last, illegal("张三"), expected_version=seen_last)
            saver.start()
        elif row == len(records) - 1:
            # The import commits once the reviewer's save waits for it (or is over).
            for _ in range(300):
                if not saver.is_alive():
                    break
                if waiting_for_a_lock():
                    waited.append(row)
                    break
                threading.Event().wait(0.1)

    refreshed = [
        SpotRecord({**r.attributes, domain.SPOT_AREA: 900.0}, r.geometry, r.source_index)
        for r in records
    ]
    with open_store(pg_database, schema) as brigade:
        brigade._after_row_hook = meanwhile
        report = brigade.import_batch("2026年第1季度", refreshed)
    saver.join()
    said = {w.number: w.message for w in report.warnings}
    assert "already judged" in said[numbers[-1]], said
    assert "already judged" not in said[numbers[0]], said
    [refused] = outcome
    assert waited, "the save on the refreshed spot did not wait for the import"
    assert isinstance(refused, ConflictError), refused
    assert "re-delivered" in str(refused) and "TBMJ 400.00 → 900.00" in str(refused)
    assert [v.verifier for v in office.verdict_history(first)] == []
    kept = reviewer.conflicts(first)
    assert [(c["verifier"], c["expected_version"], c["current_version"]) for c in kept] == [
        ("李四", seen_first, seen_first + 1)
    ]
    for connection in (office, reviewer, watcher):
        connection.close()


def test_a_save_caught_behind_an_import_that_moves_its_spot_away_says_so(pg_database, schema):
    """The brigade's refresh moves a spot from 罗村镇 to 太河镇 while 罗村所 saves a verdict on
    it: the save waited for the import, then row security refused it in the database's words
    ("new row violates row-level security policy"), naming no spot (the review of
    2026-11-29). It says the spot left the office's towns and nothing was saved."""
    record = spot("37030220267301", 0, LUOCUN_TOWNS[0], LUOCUN)
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("2026年第1季度", [record])
    office = open_store(pg_database, schema, LUOCUN_ROLE)
    [listed] = office.spots()
    seen = office.spot(listed.id).version
    racer = Racer(
        pg_database, lambda: office.record_verdict(listed.id, illegal(), expected_version=seen)
    )

    def meanwhile(row: int) -> None:
        racer.start_and_wait("the save")  # the spot moved, not committed: the save waits

    moved = SpotRecord(
        {**record.attributes, domain.TOWN_NAME: TAIHE_TOWN, domain.OFFICE_NAME: TAIHE},
        record.geometry,
        record.source_index,
    )
    try:
        with open_store(pg_database, schema) as brigade:
            brigade._after_row_hook = meanwhile
            brigade.import_batch("2026年第1季度", [moved])
        error = racer.result()
    finally:
        office.close()
    assert isinstance(error, LedgerError), error
    message = str(error)
    assert "不在本所的乡镇内" in message and "nothing was saved" in message, message
    assert "row-level security" not in message, message
    with open_store(pg_database, schema) as brigade:
        assert brigade.verdict_history(listed.id) == []


def test_a_verdict_saved_during_a_withdrawal_keeps_the_batch_and_says_so(pg_database, schema):
    """A verdict saved on a spot after the withdrawal checked the batch's history: the server's
    trigger kept the spot, and the withdrawal said only "spot has verdicts, evidence or a
    case" (the review of 2026-11-29). It says nothing was withdrawn and the batch stays."""
    records = [spot(f"3703022026740{i}", i, LUOCUN_TOWNS[0], LUOCUN) for i in range(2)]
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("误导入批次", records)
    office = open_store(pg_database, schema, LUOCUN_ROLE)
    first = office.spots()[0].id
    saved: list = []

    def meanwhile(_done: float) -> None:
        if not saved:  # after the check, before the spots are removed
            saved.append(office.record_verdict(first, illegal(), expected_version=0))

    try:
        with open_store(pg_database, schema) as brigade:
            with pytest.raises(LedgerError) as refused:
                brigade.withdraw_batch("误导入批次", progress=meanwhile)
            assert len(brigade.spots()) == 2
    finally:
        office.close()
    message = str(refused.value)
    assert "未撤回任何图斑" in message and "误导入批次" in message, message
    assert saved


def test_a_save_refused_during_a_withdrawal_keeps_the_batch_and_says_so(pg_database, schema):
    """A save refused as a conflict during a withdrawal is kept, holding its spot by its key:
    the withdrawal was told the spot was gone, to refresh (the review of the day's changes).
    It says nothing was withdrawn and the batch stays."""
    records = [spot(f"3703022026750{i}", i, LUOCUN_TOWNS[0], LUOCUN) for i in range(2)]
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("误导入批次二", records)
    office = open_store(pg_database, schema, LUOCUN_ROLE)
    first = office.spots()[0].id
    refused: list = []

    def meanwhile(_done: float) -> None:
        if not refused:  # after the check: a save on a version never seen, kept as a conflict
            try:
                office.record_verdict(first, illegal(), expected_version=5)
            except ConflictError as error:
                refused.append(error)

    try:
        with open_store(pg_database, schema) as brigade:
            with pytest.raises(LedgerError) as withdrawn:
                brigade.withdraw_batch("误导入批次二", progress=meanwhile)
            assert len(brigade.spots()) == 2
    finally:
        office.close()
    assert refused, "the save was not refused as a conflict"
    message = str(withdrawn.value)
    assert "未撤回任何图斑" in message and "已不在台帐中" not in message, message


def test_a_statement_timeout_and_a_spot_gone_are_said_in_words(pg_database, schema):
    """The server's statement_timeout and a spot withdrawn under a save came out as "数据库错误
    … canceling statement due to statement timeout" and "violates foreign key constraint
    ledger_verdicts_spot_id_fkey" (the review of 2026-11-29): said in words, with what was
    not done. The errors are the server's own, met on a connection of the test."""
    conn = raw(pg_database, schema, BRIGADE)
    store = open_store(pg_database, schema)
    try:
        with conn.cursor() as cursor:
            try:
                cursor.execute("SET statement_timeout = '50ms'; SELECT pg_sleep(2)")
            except psycopg2.errors.QueryCanceled as exc:
                timeout = exc
            conn.rollback()
            try:
                cursor.execute(
                    f"INSERT INTO {ls.T_CASES} ({ls.C_ORIGIN}, {ls.C_SPOT_ID}, "
                    f"{ls.C_OPENED_AT}, {ls.C_RECORDED_AT}) "
                    "VALUES ('spot', 987654321, '2026-03-02', '2026-03-02T00:00:00Z')"
                )
            except psycopg2.errors.ForeignKeyViolation as exc:
                gone = exc
            except psycopg2.Error as exc:  # a column not null before the key: not this test's
                pytest.fail(f"no foreign-key refusal to read: {exc}")
            conn.rollback()
        said = str(store._translate(timeout))
        assert "statement_timeout" in said and "nothing was saved" in said, said
        assert "canceling statement" not in said, said
        assert "nothing was read" in str(store._translate(timeout, reading=True))
        said = str(store._translate(gone))
        assert "已不在台帐中" in said and "withdrawn" in said, said
        assert "fkey" not in said, said
    finally:
        conn.close()
        store.close()


# --- round trip ----------------------------------------------------------------------------------
def test_geopackage_to_postgis_and_back_loses_nothing(pg_database, schema, tmp_path):
    original_dir = tmp_path / "original"
    original_dir.mkdir()
    original = GeoPackageLedger(original_dir / "ledger.gpkg", office="区执法监察大队")
    fill(original, original_dir)
    with open_store(pg_database, schema, tmp_path=tmp_path) as server:
        report = ledger_migrate.copy_ledger(original, server)
        assert report.rows[ls.T_SPOTS] == 7 and report.files_copied == 2
        assert ledger_migrate.compare_ledgers(original, server) == []
        (tmp_path / "back").mkdir()
        back = GeoPackageLedger(tmp_path / "back" / "ledger.gpkg")
        ledger_migrate.copy_ledger(server, back)
        assert ledger_migrate.compare_ledgers(server, back) == []
    assert ledger_migrate.compare_ledgers(original, back) == []
    assert ledger_migrate.rows_digest(original) == ledger_migrate.rows_digest(back)
    # and the stores answer alike through the interface
    assert original.spots() == back.spots()
    assert [r.case for r in original.cases()] == [r.case for r in back.cases()]
    assert original.patrols() == back.patrols()
    assert evidence.check_evidence_integrity(back) == []
    # a difference is found: alter one evidence file of the copy
    changed = back.evidence_dir / back.evidence()[0].path
    changed.write_bytes(changed.read_bytes() + b"x")
    assert any("sha256" in d for d in ledger_migrate.compare_ledgers(original, back))
    original.close()
    back.close()


def test_the_interface_behaves_like_the_geopackage(pg_database, schema, tmp_path):
    (tmp_path / "g").mkdir()
    gpkg = GeoPackageLedger(tmp_path / "g" / "ledger.gpkg")
    with open_store(pg_database, schema, tmp_path=tmp_path) as server:
        for store in (gpkg, server):
            fill(store, tmp_path)
        assert isinstance(server, LedgerStore)
        strip = lambda spots: [(s.number, s.status, s.category, s.priority) for s in spots]  # noqa: E731
        assert strip(server.spots()) == strip(gpkg.spots())
        for wanted in (
            ledger.SpotFilter(status=ls.STATUS_VERIFIED),
            ledger.SpotFilter(flag=domain.CULTIVATED_FLAG),
            ledger.SpotFilter(town=TAIHE_TOWN),
        ):
            assert strip(server.spots(wanted)) == strip(gpkg.spots(wanted))
        assert server.counts() == gpkg.counts()
        assert [(r.office, r.case.stage) for r in server.cases(CaseFilter(closed=False))] == [
            (r.office, r.case.stage) for r in gpkg.cases(CaseFilter(closed=False))
        ]
        assert server.settings() == gpkg.settings()
        with pytest.raises(ledger.CaseError, match="already has case"):
            cased = next(s.id for s in server.spots() if s.number == "37030220260000")
            server.open_case(ORIGIN_SPOT, spot_id=cased)
    gpkg.close()


# --- the server going away -----------------------------------------------------------------------
def terminate(pg_database, pid: int) -> None:
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    admin.close()


def test_connection_lost_in_the_middle_of_a_save_writes_nothing(pg_database, schema, tmp_path):
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    records = [spot(f"3703022026{i:05d}", i, TAIHE_TOWN, TAIHE) for i in range(20)]
    # Four spots a statement, so that rows have been sent when the server goes (found by
    # review: at 500 a statement, all 20 went after the kill and the test showed nothing).
    store._rows_per_statement = lambda width: 4
    plain = store._execute
    sent_before_kill: list[str] = []

    def counted(sql, params=None):
        if sql.lstrip().upper().startswith("INSERT INTO LEDGER_SPOTS"):
            sent_before_kill.append(sql)
        return plain(sql, params)

    def kill_at_row(row: int) -> None:
        if row == 10:
            terminate(pg_database, store._conn.get_backend_pid())
            store._execute = plain  # what came after the kill is not counted

    store._execute = counted
    store._after_row_hook = kill_at_row
    with pytest.raises(LedgerError) as lost:
        store.import_batch("中断的批次", records)
    assert len(sent_before_kill) >= 2  # spot rows had been written when the server went
    del store._rows_per_statement
    message = str(lost.value)
    assert f"127.0.0.1:{srv.PORT}/{pg_database}" in message
    assert "nothing of it was written" in message and "未写入" in message
    assert "password" not in message.lower() and srv.password_for(BRIGADE) not in message
    store._after_row_hook = None
    # the next call reconnects; nothing of the interrupted import is there
    assert store.batches() == [] and store.counts() == (0, 0)
    store.import_batch("完整的批次", records)
    spot_id = store.spots()[0].id
    # killed while idle (a server restart): the connection is found dead before the save
    # sends anything, made again, and the first save goes through, once
    terminate(pg_database, store._conn.get_backend_pid())
    patrol = PatrolRecord("XC-2026-0001", TAIHE, dt.date(2026, 3, 2), ["李四"])
    store.add_patrol(patrol)
    assert len(store.patrols()) == 1 and store.verdict_history(spot_id) == []
    store.record_verdict(spot_id, illegal(), expected_version=0)
    terminate(pg_database, store._conn.get_backend_pid())
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
    assert [record.case_id for record in store.cases()] == [case_id]
    store.close()


def test_a_save_does_not_reconnect_once_it_has_begun(pg_database, schema):
    """The check before a save is the only retry: a connection lost after the save's first
    statement (here: its BEGIN) is refused as before, nothing written, never sent again."""
    store = open_store(pg_database, schema)
    executed: list[str] = []
    plain = store._execute

    def begins(sql) -> bool:  # sent with the transaction's id asked in its round trip
        return sql.startswith("BEGIN")

    def kill_on_begin(sql, params=None):
        executed.append(sql)
        if begins(sql):
            terminate(pg_database, store._conn.get_backend_pid())
        return plain(sql, params)

    store._execute = kill_on_begin
    patrol = PatrolRecord("XC-2026-0001", TAIHE, dt.date(2026, 3, 2), ["李四"])
    with pytest.raises(LedgerError, match="nothing of it was written"):
        store.add_patrol(patrol)
    assert len([sql for sql in executed if begins(sql)]) == 1
    store._execute = plain
    assert store.patrols() == []
    store.close()


def test_an_unreachable_server_is_named_without_the_password(pg_database, schema):
    params = {**srv.params(BRIGADE, pg_database), "port": "1"}
    with pytest.raises(LedgerError, match=r"127\.0\.0\.1:1/") as refused:
        lp.PostGISLedger(params, schema=schema)
    assert srv.password_for(BRIGADE) not in str(refused.value)


def test_geometry_survives_exactly(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        odd = shapely.Polygon(
            [(X0 + 0.1, Y0 + 0.7), (X0 + 33.333333333, Y0 + 1e-9), (X0 + 17.25, Y0 + 40.125)]
        )
        record = SpotRecord({domain.SPOT_NUMBER: "1", domain.TOWN_NAME: TAIHE_TOWN}, odd, 0)
        store.import_batch("b", [record])
        stored = store.spot(store.spots()[0].id).geometry
        assert shapely.to_wkb(stored) == shapely.to_wkb(shapely.MultiPolygon([odd]))


# --- screening pushed down into PostGIS -----------------------------------------------------------
def test_pushed_down_screening_matches_the_local_engine_on_the_benchmark_district(
    pg_database, schema, tmp_path
):
    import fiona
    import numpy as np

    from zc_enforcement_plugin.core import demo_district, screening
    from zc_enforcement_plugin.core import screening_postgis as sp

    district = demo_district.create_demo_district(
        tmp_path / "S", demo_district.BENCH_SIZES["S"], with_images=False
    )

    def read(layer: str, label: str):
        with fiona.open(district.gpkg, layer=layer) as source:
            rows = list(source)
        geoms = [shapely.geometry.shape(r.geometry) if r.geometry else None for r in rows]
        labels = ["" if r.properties[label] is None else str(r.properties[label]) for r in rows]
        return np.array(geoms, dtype=object), np.array(labels, dtype=object), rows

    spots, keys, spot_rows = read(domain.DEMO_LAYER_SPOTS, domain.SPOT_NUMBER)
    sources = {
        domain.LAYER_LAND_USE: (domain.DEMO_LAYER_LAND_USE, domain.LAND_CLASS_CODE),
        domain.LAYER_BASIC_FARMLAND: (domain.DEMO_LAYER_BASIC_FARMLAND, "JBNTTBBH"),
        domain.LAYER_RED_LINE: (domain.DEMO_LAYER_RED_LINE, domain.RED_LINE_CODE),
        domain.LAYER_NO_MINING: (domain.DEMO_LAYER_NO_MINING, "JCQMC"),
        domain.LAYER_THREE_ZONES: (domain.DEMO_LAYER_THREE_ZONES, "SQLXMC"),
        domain.LAYER_APPROVALS: (domain.DEMO_LAYER_APPROVALS, domain.APPROVAL_NUMBER),
    }
    inputs, tables = {}, {}
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    for key, (layer, label) in sources.items():
        geoms, labels, _ = read(layer, label)
        codes = labels if key == domain.LAYER_LAND_USE else None
        inputs[key] = screening.LayerInput(geoms, labels, codes)
        table = f'"{schema}".layer_{key}'
        sp.load_layer(admin, table, geoms, domain.EPSG_GK3_ZONE39_PREFIXED, labels, codes)
        admin.cursor().execute(f"GRANT SELECT ON {table} TO {lp.ROLE_BRIGADE}")
        tables[key] = sp.LayerTable(table, label="label", class_code="code")
    admin.close()
    local = screening.screen_spots(spots, list(keys), inputs, domain.EPSG_GK3_ZONE39_PREFIXED)

    # the spots go into the ledger as delivered; the brigade screens them on the server
    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        records = [
            SpotRecord(dict(row.properties), geom, i)
            for i, (row, geom) in enumerate(zip(spot_rows, spots))
        ]
        report = store.import_batch("S", records)
        assert report.added > 900
        number_of = {s.id: s.number for s in store.spots()}
        result = sp.screen_in_database(
            store._conn, f'"{schema}".ledger_spots', tables, functions=f'"{schema}"'
        )
    assert result.statements == len(sources)  # one statement per layer
    row_of = {str(key): i for i, key in enumerate(keys)}
    rows = np.array([row_of[number_of[fid]] for fid in result.fids.tolist()])
    compared = [domain.SPOT_AREA, *domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA]
    compared.append(domain.NEW_CONSTRUCTION_AREA)
    compared += [layer.area_field for layer in domain.OVERLAY_LAYERS]
    worst = {}
    for name in compared:
        ours = result.fields[name].astype(float)
        theirs = local.fields[name][rows].astype(float)
        worst[name] = float(np.max(np.abs(ours - theirs)))
        # a sum of three parts, each within a cent
        allowed = 0.03 if name == domain.NEW_CONSTRUCTION_AREA else 0.01
        assert worst[name] <= allowed + 1e-9, (name, worst[name])
    # the figures are real: most spots lie on some cultivated land, some on basic farmland
    assert np.count_nonzero(result.fields[domain.CULTIVATED_AREA]) > 100
    assert np.count_nonzero(result.fields[domain.BASIC_FARMLAND_AREA]) > 10


def test_algorithms_work_unchanged_on_the_shared_ledger(provider, pg_database, schema, tmp_path):
    """Import, export and a report through Processing with a postgis:// reference, exactly as
    with a GeoPackage path: the store behind the ledger parameter does not matter to them."""
    import fiona
    import openpyxl
    import processing

    with open_store(pg_database, schema, tmp_path=tmp_path) as store:
        store.set_evidence_dir(tmp_path / "shared_evidence")
    with saved_connection(pg_database, BRIGADE, "cross-store"):
        reference = lr.reference("cross-store", schema)
        spots_file = tmp_path / "screened.gpkg"
        schema_def = {
            "geometry": "Polygon",
            "properties": {"JCBH": "str", "XZMC": "str", "SMC": "str", "TBMJ": "float"},
        }
        office, towns = next(iter(srv.demo_offices().values()))
        town = towns[0]
        with fiona.open(spots_file, "w", driver="GPKG", schema=schema_def, crs="EPSG:4527") as out:
            for i in range(3):
                x = X0 + 100 * i
                out.write(
                    {
                        "geometry": shapely.geometry.mapping(box(x, Y0, x + 20, Y0 + 20)),
                        "properties": {"JCBH": f"P{i}", "XZMC": town, "SMC": office, "TBMJ": 400.0},
                    }
                )
        imported = processing.run(
            "zcenforcement:importspots",
            {"SPOTS": str(spots_file), "LEDGER": reference, "BATCH": "pg"},
        )
        assert imported["ADDED"] == 3
        exported = processing.run(
            "zcenforcement:exportverification",
            {"LEDGER": reference, "OUTPUT_FOLDER": str(tmp_path / "out"), "WITH_PDF": False},
        )
        sheet = openpyxl.load_workbook(exported["XLSX"]).active
        numbers = {row[1] for row in sheet.iter_rows(values_only=True)}
        assert {"P0", "P1", "P2"} <= numbers
        report = processing.run(
            "zcenforcement:monthlyranking",
            {"LEDGER": reference, "MONTH": "2025-05", "OUTPUT_FOLDER": str(tmp_path / "rep")},
        )
        assert Path(report["XLSX"]).exists() and Path(report["PDF"]).exists()


def test_pushed_down_screening_reads_class_codes_stored_as_numbers(pg_database, schema):
    """A land-use table whose DLBM column is an integer (0101 stored as 101) is classed as the
    local engine classes it: cultivated, not construction."""
    from zc_enforcement_plugin.core import screening_postgis as sp

    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        spots_table, land_table = f'"{schema}".numeric_spots', f'"{schema}".numeric_dltb'
        spot = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
        sp.load_layer(admin, spots_table, [spot], domain.EPSG_GK3_ZONE39_PREFIXED)
        sp.load_layer(
            admin,
            land_table,
            [
                shapely.box(X0 - 10, Y0 - 10, X0 + 50, Y0 + 110),
                shapely.box(X0 + 50, Y0, X0 + 110, Y0 + 110),
            ],
            domain.EPSG_GK3_ZONE39_PREFIXED,
            class_codes=["101", "201"],
        )
        with admin.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {land_table} ALTER COLUMN code TYPE integer USING code::integer"
            )
        result = sp.screen_in_database(
            admin,
            spots_table,
            {domain.LAYER_LAND_USE: sp.LayerTable(land_table, class_code="code")},
            functions=f'"{schema}"',
        )
    finally:
        admin.close()
    # each half of the spot, measured on the ellipsoid independently: to the cent
    west = geodesic_area(shapely.box(X0, Y0, X0 + 50, Y0 + 100))
    east = geodesic_area(shapely.box(X0 + 50, Y0, X0 + 100, Y0 + 100))
    assert result.fields[domain.CULTIVATED_AREA][0] == pytest.approx(west, abs=0.01)
    assert result.fields[domain.AGRICULTURAL_AREA][0] == pytest.approx(east, abs=0.01)
    assert result.fields[domain.CONSTRUCTION_AREA][0] == 0.0


def test_pushed_down_screening_repairs_overlapping_parts_as_the_local_engine(pg_database, schema):
    """A spot whose parts overlap, as a MultiPolygon (invalid) and as a GeometryCollection
    (valid to GEOS, however its parts lie): its land counted once, as the local engine counts
    it. PostGIS's default repair dropped the overlap of the MultiPolygon's parts (it keeps land
    covered an odd number of times), and the collection's polygons were measured twice."""
    import numpy as np

    from zc_enforcement_plugin.core import screening
    from zc_enforcement_plugin.core import screening_postgis as sp

    west, east = shapely.box(X0, Y0, X0 + 100, Y0 + 60), shapely.box(X0 + 50, Y0, X0 + 150, Y0 + 60)
    spots = [shapely.MultiPolygon([west, east]), shapely.GeometryCollection([west, east])]
    parcels = [shapely.box(X0 - 10, Y0 - 10, X0 + 200, Y0 + 100)]
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        spots_table, land_table = f'"{schema}".overlapping_spots', f'"{schema}".overlapping_dltb'
        sp.load_layer(admin, spots_table, spots, domain.EPSG_GK3_ZONE39_PREFIXED)
        sp.load_layer(
            admin, land_table, parcels, domain.EPSG_GK3_ZONE39_PREFIXED, class_codes=["0101"]
        )
        result = sp.screen_in_database(
            admin,
            spots_table,
            {domain.LAYER_LAND_USE: sp.LayerTable(land_table, class_code="code")},
            functions=f'"{schema}"',
        )
    finally:
        admin.close()
    once = geodesic_area(shapely.union(west, east))  # 9,000 m² on the plane
    assert result.fields[domain.SPOT_AREA].tolist() == pytest.approx([once, once], abs=0.01)
    assert result.fields[domain.CULTIVATED_AREA].tolist() == pytest.approx([once, once], abs=0.01)
    local = screening.screen_spots(
        np.array(spots, dtype=object),
        ["M", "GC"],
        {
            domain.LAYER_LAND_USE: screening.LayerInput(
                np.array(parcels, dtype=object),
                np.array(["P"], dtype=object),
                np.array(["0101"], dtype=object),
            )
        },
        domain.EPSG_GK3_ZONE39_PREFIXED,
    )
    assert local.fields[domain.SPOT_AREA].tolist() == pytest.approx([once, once], abs=0.01)


def test_a_refresh_never_blanks_what_the_delivery_lacks(pg_database, schema):
    """The same refresh rules as the GeoPackage ledger (SQL of its own: COALESCE on the
    geometry, the recorded spots read back from PostgreSQL)."""
    from tests.test_ledger import check_a_refresh_never_blanks_what_the_delivery_lacks

    store = open_store(pg_database, schema)
    try:
        check_a_refresh_never_blanks_what_the_delivery_lacks(store)
    finally:
        store.close()


def test_a_new_batch_of_another_batchs_spots_is_refused_on_the_shared_ledger(pg_database, schema):
    """The same refusal as the GeoPackage ledger's, in the shared ledger's transaction."""
    from tests.test_ledger import check_a_new_batch_of_another_batchs_spots_is_refused

    with open_store(pg_database, schema) as store:
        check_a_new_batch_of_another_batchs_spots_is_refused(store)


def test_a_delivery_under_the_wrong_batch_name_is_refused_on_the_shared_ledger(pg_database, schema):
    """The same refusal as the GeoPackage ledger's, before the shared ledger is written."""
    from tests.test_ledger import check_a_delivery_under_the_wrong_batch_name_is_refused

    with open_store(pg_database, schema) as store:
        check_a_delivery_under_the_wrong_batch_name_is_refused(store)


def test_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused_on_the_shared_ledger(
    pg_database, schema
):
    """The same look-up, leading zeros aside, in PostgreSQL's SQL (LTRIM … = ANY)."""
    from tests.test_ledger import (
        check_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused,
    )

    with open_store(pg_database, schema) as store:
        check_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused(store)


def test_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch_on_the_shared_ledger(
    pg_database, schema
):
    from tests.test_hostile_values import (
        check_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch,
    )

    with open_store(pg_database, schema) as store:
        check_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch(store)


def test_an_identical_refresh_says_no_change_on_the_shared_ledger(pg_database, schema):
    """Its flag columns read back as booleans (True where the delivery says 1): every spot
    of an identical re-delivery was said to have changed."""
    from tests.test_ledger import check_an_identical_refresh_says_no_change

    with open_store(pg_database, schema) as store:
        check_an_identical_refresh_says_no_change(store)


def test_a_refresh_without_pieces_keeps_those_of_unchanged_outlines_on_the_shared_ledger(
    pg_database, schema
):
    """The same pieces rule as the GeoPackage ledger: the outline read back from PostGIS is
    compared with the delivered one by the same millimetre, the pieces from its JSON."""
    from tests.test_ledger import check_a_refresh_without_pieces_keeps_those_of_unchanged_outlines

    with open_store(pg_database, schema) as store:
        check_a_refresh_without_pieces_keeps_those_of_unchanged_outlines(store)


def test_offices_set_up_on_the_server_are_known_before_they_have_spots(pg_database, schema):
    """A patrol may be the first thing an office records: the shared ledger knows the offices
    set up on the server (the brigade all of them, an office its own), spots or not."""
    brigade = open_store(pg_database, schema)
    try:
        brigade.import_batch("b", [spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN)])
        assert {LUOCUN, TAIHE} <= brigade.known_offices()
    finally:
        brigade.close()
    taihe = open_store(pg_database, schema, user=TAIHE_ROLE)
    try:
        assert taihe.spots() == [] and TAIHE in taihe.known_offices()
    finally:
        taihe.close()


def test_an_office_that_recorded_nothing_is_still_ranked(pg_database, schema):
    """The brigade ranks every office set up on the server: 太河 and the others recorded no
    spot, case or patrol in March, so they rank last with a score of 0 (no patrol week met),
    not absent."""
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    brigade = open_store(pg_database, schema)
    try:
        brigade.import_batch("b", [spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN)])
        for day in (2, 3, 4):
            brigade.add_patrol(PatrolRecord(f"XC-{day}", LUOCUN, dt.date(2026, 3, day), ["赵六"]))
        ranking = reports.monthly_ranking(
            brigade, reports.Period.month(2026, 3), WorkCalendar(), dt.date(2026, 4, 3)
        )
        set_up = brigade.configured_offices()
    finally:
        brigade.close()
    assert {LUOCUN, TAIHE} <= set_up
    assert [row.office for row in ranking.offices][0] == LUOCUN and ranking.offices[0].score > 0
    idle = {row.office: row.score for row in ranking.offices[1:]}
    assert set(idle) == set_up - {LUOCUN} and set(idle.values()) == {0.0}


def test_a_corrected_verdict_is_carried_to_the_open_case(pg_database, schema):
    """The same measurement event on the shared ledger (its own locks and transactions)."""
    from tests.test_ledger_cases import check_a_corrected_verdict_is_carried_to_the_open_case

    store = open_store(pg_database, schema)
    try:
        check_a_corrected_verdict_is_carried_to_the_open_case(store)
    finally:
        store.close()


def test_figures_count_from_the_day_they_were_found_on_the_shared_ledger(pg_database, schema):
    from tests.test_ledger_cases import check_figures_count_from_the_day_they_were_found

    store = open_store(pg_database, schema)
    try:
        check_figures_count_from_the_day_they_were_found(store)
    finally:
        store.close()


def test_a_server_of_the_previous_version_is_migrated_and_keeps_its_cases(pg_database):
    """A server installed by the previous plugin (server schema 1, ledger schema 4, no
    measured_on column) is brought to the current version by install, its events kept."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(1):
            lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name)
        with admin.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{name}".ledger_meta SET value = %s WHERE key = %s',
                ("4", ls.META_SCHEMA_VERSION),
            )
        admin.commit()
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name)
    finally:
        admin.close()
    store = open_store(pg_database, name)
    try:
        assert store.schema_version == ls.SCHEMA_VERSION == 9
        from tests.test_ledger_cases import check_figures_count_from_the_day_they_were_found

        check_figures_count_from_the_day_they_were_found(store)
    finally:
        store.close()


def test_the_same_file_is_recorded_once_per_spot_on_the_shared_ledger(
    pg_database, schema, tmp_path
):
    """Under the spot's lock, so two sessions adding it at once still make one row; another
    spot may have the same file."""
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    try:
        store.import_batch(
            "b",
            [
                spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN),
                spot("37030220260002", 1, LUOCUN_TOWNS[0], LUOCUN),
            ],
        )
        first, second = (s.id for s in store.spots())
        photo = tmp_path / "IMG_0002.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xd9 " + os.urandom(64))
        record = evidence.store_evidence_in(store.evidence_dir, "S", photo, "photo")
        store.add_evidence(first, record)
        with pytest.raises(ledger.LedgerError, match="already recorded"):
            store.add_evidence(first, record)
        held: list[str] = []  # what the panel says on attaching it to the second
        store.add_evidence(second, record, held_elsewhere=held)
        assert [len(store.evidence(i)) for i in (first, second)] == [1, 1]
        assert held == ["37030220260001"]
    finally:
        store.close()


def test_an_office_is_told_only_of_its_own_spots_holding_the_same_file(
    pg_database, schema, tmp_path
):
    """Another office's spot with the same photo is not named to an office login (row
    security): the look-up reads the spots it sees."""
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    try:
        store.import_batch(
            "b",
            [
                spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN),
                spot("37030220260002", 1, TAIHE_TOWN, TAIHE),
                spot("37030220260003", 2, LUOCUN_TOWNS[0], LUOCUN),
            ],
        )
        ids = {s.number: s.id for s in store.spots()}
        photo = tmp_path / "IMG_0003.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xd9 " + os.urandom(64))
        record = evidence.store_evidence_in(store.evidence_dir, "S", photo, "photo")
        for number in ("37030220260001", "37030220260002"):
            store.add_evidence(ids[number], record)
    finally:
        store.close()
    held: list[str] = []
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        luocun.add_evidence(ids["37030220260003"], record, held_elsewhere=held)
    assert held == ["37030220260001"]


# --- the shared evidence folder ----------------------------------------------------------------
def test_the_evidence_folder_set_at_install_is_the_one_every_login_opens_with(
    pg_database, tmp_path
):
    """Set by the administrator at install, stored on the server: a ledger opened with no
    folder of its own (as open_ledger_store opens it) finds it; the brigade may move it, an
    office may not."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    share = tmp_path / "share"
    admin = srv.connect(dbname=pg_database)
    try:
        offices = srv.demo_offices()
        lp.install(
            admin, offices=offices, brigade_logins=[BRIGADE], schema=name, evidence_dir=share
        )
        # run again without it (to add an office): the folder stays
        lp.install(admin, offices=offices, brigade_logins=[BRIGADE], schema=name)
    finally:
        admin.close()
    with (
        open_store(pg_database, name) as brigade,
        open_store(pg_database, name, TAIHE_ROLE) as taihe,
    ):
        assert brigade.evidence_dir == taihe.evidence_dir == share
        with pytest.raises(LedgerError, match="only the brigade"):
            taihe.set_evidence_dir(tmp_path / "elsewhere")
        brigade.set_evidence_dir(tmp_path / "moved")
        assert taihe.evidence_dir == tmp_path / "moved"


def test_a_copy_that_could_not_copy_its_evidence_writes_nothing(pg_database, schema, tmp_path):
    """The shared ledger's history is append-only: a copy refused for its evidence folder must
    be refused before its first row, so that it can be run again once the folder is right."""
    (tmp_path / "original").mkdir()
    original = GeoPackageLedger(tmp_path / "original" / "ledger.gpkg")
    fill(original, tmp_path / "original")
    not_a_folder = tmp_path / "a_file"
    not_a_folder.write_text("")
    with open_store(pg_database, schema) as server:
        with pytest.raises(LedgerError, match="no shared evidence folder"):
            ledger_migrate.copy_ledger(original, server)
        assert ledger_migrate.rows_digest(server) == ledger_migrate.rows_digest(
            GeoPackageLedger(tmp_path / "empty.gpkg")
        )
        server.set_evidence_dir(not_a_folder / "evidence")
        with pytest.raises(LedgerError, match="cannot be reached"):
            ledger_migrate.copy_ledger(original, server)
        assert server.counts() == (0, 0) and server.cases() == [] and server.evidence() == []
        (tmp_path / "shared").mkdir()
        server.set_evidence_dir(tmp_path / "shared")
        report = ledger_migrate.copy_ledger(original, server)
        assert report.files_copied == 2
        assert ledger_migrate.compare_ledgers(original, server) == []
    original.close()


def _listing(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder`, with each file's bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def test_a_file_already_in_the_shared_evidence_folder_is_never_overwritten_nor_removed(
    pg_database, schema, tmp_path, monkeypatch
):
    """The shared evidence folder may hold files no row of this (empty) ledger names: another
    ledger's, or an earlier one's. A copy that would write one of their names with other
    contents is refused before anything is written, naming the file, both ledgers and what
    the brigade can do; one with the same contents is used as it is, and a copy that fails
    leaves it."""
    (tmp_path / "original").mkdir()
    with GeoPackageLedger(tmp_path / "original" / "ledger.gpkg") as original:
        fill(original, tmp_path / "original")
        first = original.evidence()[0]
        photo = (original.evidence_dir / first.path).read_bytes()
    with open_store(pg_database, schema, tmp_path=tmp_path) as server:
        empty = ledger_migrate.rows_digest(server)
        shared = tmp_path / "shared_evidence"
        stored = shared / first.path
        stored.parent.mkdir()
        stored.write_bytes(b"\xff\xd8 an earlier ledger's photo \xff\xd9")
        before = _listing(shared)
        with (
            GeoPackageLedger(tmp_path / "original" / "ledger.gpkg", create=False) as original,
            pytest.raises(LedgerError) as error,
        ):
            ledger_migrate.copy_ledger(original, server)
        message = str(error.value)
        assert str(stored) in message and "nothing was copied" in message
        assert f"copying {original.path} into {server.path}" in message
        assert "sets another shared evidence folder with ledgersettings" in message
        assert _listing(shared) == before and ledger_migrate.rows_digest(server) == empty

        stored.write_bytes(photo)  # the same photo: used as it is, and kept when the copy fails
        before = _listing(shared)

        def fail_on_cases(store, table, columns, rows):
            if table == ls.T_CASES:
                raise LedgerError("connection lost (forced by the test)")
            return load(store, table, columns, rows)

        load = ledger_migrate._load
        monkeypatch.setattr(ledger_migrate, "_load", fail_on_cases)
        with GeoPackageLedger(tmp_path / "original" / "ledger.gpkg", create=False) as original:
            with pytest.raises(LedgerError, match="forced by the test"):
                ledger_migrate.copy_ledger(original, server)
            assert _listing(shared) == before and ledger_migrate.rows_digest(server) == empty
            monkeypatch.undo()
            report = ledger_migrate.copy_ledger(original, server)
            assert (report.files_copied, report.files_present) == (1, 1)
            assert ledger_migrate.compare_ledgers(original, server) == []
        assert stored.read_bytes() == photo


def test_an_office_login_copying_into_the_shared_ledger_is_refused_before_any_file(
    pg_database, schema, tmp_path
):
    """Only the brigade copies into a shared ledger: an office login (which may record its own
    verdicts but not import batches) is refused before the first evidence file is copied into
    the shared folder, with words saying so, not "permission denied for table ledger_batches"
    after every file was already there."""
    (tmp_path / "original").mkdir()
    with GeoPackageLedger(tmp_path / "original" / "ledger.gpkg") as original:
        fill(original, tmp_path / "original")
        with (
            open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as office,
            pytest.raises(LedgerError, match="only the brigade copies into a shared ledger"),
        ):
            ledger_migrate.copy_ledger(original, office)
    assert list((tmp_path / "shared_evidence").iterdir()) == []
    with open_store(pg_database, schema) as brigade:
        assert brigade.counts() == (0, 0) and brigade.batches() == []


def test_the_brigade_sets_the_evidence_folder_through_ledgersettings_and_copies_into_it(
    provider, pg_database, schema, tmp_path
):
    """As the README tells the bureau: copyledger into a shared ledger with no folder is
    refused with nothing written; ledgersettings sets it; the copy then goes through."""
    import processing
    from qgis.core import QgsProcessingException

    (tmp_path / "original").mkdir()
    source = tmp_path / "original" / "ledger.gpkg"
    with GeoPackageLedger(source) as original:
        fill(original, tmp_path / "original")
    with saved_connection(pg_database, BRIGADE, "evidence-folder"):
        shared = lr.reference("evidence-folder", schema)
        copy = {"SOURCE": str(source), "TARGET": shared}
        with pytest.raises(QgsProcessingException, match="no shared evidence folder"):
            processing.run("zcenforcement:copyledger", copy)
        (tmp_path / "share").mkdir()
        result = processing.run(
            "zcenforcement:ledgersettings",
            {"LEDGER": shared, "EVIDENCE_FOLDER": str(tmp_path / "share")},
        )
        assert str(tmp_path / "share") in result["IN_FORCE"]
        assert processing.run("zcenforcement:copyledger", copy)["DIFFERENCES"] == 0
    with open_store(pg_database, schema) as server:
        assert server.evidence_dir == tmp_path / "share" and server.counts()[1] == 7
    with pytest.raises(QgsProcessingException, match="GeoPackage"):
        processing.run(
            "zcenforcement:ledgersettings",
            {"LEDGER": str(source), "EVIDENCE_FOLDER": str(tmp_path / "x")},
        )


# --- opening: what is wrong and who can put it right ------------------------------------------
def test_a_login_without_rights_or_a_schema_that_is_no_ledger_is_explained(pg_database, schema):
    """Each says what is wrong and what to do, as a LedgerError: no psycopg2 traceback about a
    relation ledger_meta that "does not exist" (it did, the login could not see it)."""
    stranger = f"zc_stranger_{uuid.uuid4().hex[:6]}"
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                f"CREATE ROLE {stranger} LOGIN PASSWORD %s", (srv.password_for(stranger),)
            )
        with pytest.raises(LedgerError, match="has no rights on the ledger schema") as refused:
            lp.PostGISLedger(srv.params(stranger, pg_database), schema=schema)
        assert "ledger_postgis.install" in str(refused.value) and stranger in str(refused.value)
        with pytest.raises(LedgerError, match="not a ledger schema"):
            lp.PostGISLedger(srv.params(BRIGADE, pg_database), schema="public")
        with pytest.raises(LedgerError, match="check the reference") as refused:
            lp.PostGISLedger(srv.params(BRIGADE, pg_database), schema="zc_ledgr")
        assert "ledger_postgis.install" in str(refused.value)
        wrong = {**srv.params(BRIGADE, pg_database), "password": "not-the-password"}
        del wrong["passfile"]
        with pytest.raises(LedgerError, match="authentication configuration") as refused:
            lp.PostGISLedger(wrong, schema=schema)
        assert "not-the-password" not in str(refused.value)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP ROLE {stranger}")
        admin.close()


def test_a_login_that_would_see_no_row_is_refused_naming_it(pg_database, schema):
    """Row security shows a login only what its group's policy gives: an auditor granted
    USAGE and SELECT but in neither group, or an office login with no towns in the office
    map, opened the ledger, saw it empty and ranked every office at zero, "WARNINGS: 0".
    Each is refused, naming the login and why; the brigade and a set-up office still open."""
    auditor = f"zc_auditor_{uuid.uuid4().hex[:6]}"
    townless = f"zc_office_new_{uuid.uuid4().hex[:6]}"
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for login in (auditor, townless):
                cursor.execute(f"CREATE ROLE {login} LOGIN PASSWORD %s", (srv.password_for(login),))
            cursor.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {auditor}')
            cursor.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {auditor}')
            cursor.execute(f"GRANT {lp.ROLE_OFFICE} TO {townless}")
        with open_store(pg_database, schema) as brigade:
            brigade.import_batch("b", [spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN)])
        with pytest.raises(LedgerError, match="in neither ledger group") as refused:
            open_store(pg_database, schema, auditor)
        assert auditor in str(refused.value) and "看不到台帐中的任何记录" in str(refused.value)
        with pytest.raises(LedgerError, match="has no towns in ledger_office_towns") as refused:
            open_store(pg_database, schema, townless)
        assert townless in str(refused.value) and "所辖乡镇" in str(refused.value)
        with open_store(pg_database, schema) as brigade:
            assert brigade.counts() == (0, 1)
        with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
            assert [s.number for s in luocun.spots()] == ["37030220260001"]
    finally:
        with admin.cursor() as cursor:
            for login in (auditor, townless):
                cursor.execute(f"DROP OWNED BY {login}")
                cursor.execute(f"DROP ROLE {login}")
        admin.close()


def test_install_takes_back_the_rights_an_earlier_version_granted(pg_database, tmp_path):
    """The previous version let an office UPDATE (and INSERT) spots: through psql it could
    change a delivered area or hand a spot to another office, unrecorded. Running install
    again on such a server leaves the office only reading them; its own work still saves."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        current = lps._GRANTS
        lps._GRANTS = (
            *current,
            f"GRANT SELECT, INSERT, UPDATE ON ledger_spots TO {lp.ROLE_BRIGADE}, {lp.ROLE_OFFICE}",
        )
        try:
            lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name)
        finally:
            lps._GRANTS = current
        with open_store(pg_database, name) as brigade:
            brigade.import_batch("b", [spot("37030220260001", 0, LUOCUN_TOWNS[0], LUOCUN)])
            fid = brigade.spots()[0].id
        conn = raw(pg_database, name, LUOCUN_ROLE)
        conn.cursor().execute(f'UPDATE ledger_spots SET "TBMJ" = 402 WHERE fid = {fid}')
        conn.close()  # the old server let it through
        lp.install(admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name)
    finally:
        admin.close()
    conn = raw(pg_database, name, LUOCUN_ROLE)
    for statement in (
        f'UPDATE ledger_spots SET "SMC" = \'{TAIHE}\', "TBMJ" = 1 WHERE fid = {fid}',
        'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", attributes, imported_at, '
        "updated_at) VALUES (1, 'fake', '罗村镇', '{}', 'now', 'now')",
    ):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            conn.cursor().execute(statement)
    conn.close()
    with open_store(pg_database, name, LUOCUN_ROLE, tmp_path) as luocun:
        assert luocun.spot(fid).office == LUOCUN and luocun.spot(fid).spot_area == 402
        luocun.record_verdict(fid, illegal(), expected_version=0)
        assert luocun.open_case(ORIGIN_SPOT, spot_id=fid)


def test_a_case_without_events_is_named_not_a_bare_procedure_error(pg_database, schema, tmp_path):
    """A case row written by hand, with no events, cannot be replayed: reading the case list
    says which case and what to do, as a LedgerError."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        luocun_spot = next(s.id for s in brigade.spots() if s.number == "37030220260003")
    conn = raw(pg_database, schema, LUOCUN_ROLE)
    with conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_cases (origin, spot_id, office, town, opened_at, recorded_at) "
            f"VALUES ('spot', {luocun_spot}, '{LUOCUN}', '{LUOCUN_TOWNS[1]}', '2026-03-02', "
            "'now') RETURNING id"
        )
        bare = cursor.fetchone()[0]
    conn.close()
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert bare not in {int(r.case_id) for r in luocun.cases()} and luocun.cases()
        [said] = luocun.unreadable_cases
        assert f"case {bare} in " in said and "no events" in said
        with pytest.raises(LedgerError, match=f"case {bare} in .* cannot be read"):
            luocun.case(str(bare))


def test_a_spot_in_a_town_no_office_has_is_imported_with_a_warning(pg_database, schema):
    """No office would see it: the import names each such spot and its town. A town delivered
    with stray spaces is stored without them, so it reaches its office."""
    delivered = [
        ("U1", "罗村"),  # without 镇
        ("U2", None),
        ("U3", " 罗村镇 "),
        ("U4", "罗村镇"),
    ]
    with open_store(pg_database, schema) as brigade:
        report = brigade.import_batch(
            "b", [spot(number, i, town, LUOCUN) for i, (number, town) in enumerate(delivered)]
        )
        assert report.added == 4
        warned = {w.number: w.message for w in report.warnings if w.field == domain.TOWN_NAME}
        assert set(warned) == {"U1", "U2"}
        assert "“罗村”" in warned["U1"] and "no office will see this spot" in warned["U1"]
        assert "(empty)" in warned["U2"]
        stored = {s.number: s.town for s in brigade.spots()}
        assert stored["U3"] == "罗村镇"
        assert (
            brigade.spot(next(s.id for s in brigade.spots() if s.number == "U3")).attributes[
                domain.TOWN_NAME
            ]
            == "罗村镇"
        )
    with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
        assert sorted(s.number for s in luocun.spots()) == ["U3", "U4"]


def test_a_read_after_the_connection_was_dropped_reconnects(pg_database, schema):
    """The server restarted while the session sat idle: the next read reconnects and answers
    (it had failed saying a save was rolled back, though nothing was being saved), and so does
    a save that starts by reading (a verdict reads its spot first): nothing of it had been
    sent. A save whose first statement meets the lost connection still says nothing of it
    was written (test_connection_lost_in_the_middle_of_a_save_writes_nothing)."""
    store = open_store(pg_database, schema)
    try:
        store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
        terminate(pg_database, store._conn.get_backend_pid())
        assert [s.number for s in store.spots()] == ["37030220260001"]
        terminate(pg_database, store._conn.get_backend_pid())
        assert store.cases() == [] and store.counts() == (0, 1)
        spot_id = store.spots()[0].id
        terminate(pg_database, store._conn.get_backend_pid())
        store.record_verdict(spot_id, illegal(), expected_version=0)
        assert len(store.verdict_history(spot_id)) == 1
    finally:
        store.close()


def test_a_patrol_number_taken_by_another_office_is_refused_in_words(pg_database, schema):
    """The office cannot see the other's patrol, so only the unique key catches it: the
    message is add_patrol's own, not the constraint's."""
    with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
        luocun.add_patrol(PatrolRecord("XC-2026-0001", LUOCUN, dt.date(2026, 3, 2), ["张三"]))
    with open_store(pg_database, schema, TAIHE_ROLE) as taihe:
        with pytest.raises(LedgerError, match="巡查编号 XC-2026-0001 已存在") as refused:
            taihe.add_patrol(PatrolRecord("XC-2026-0001", TAIHE, dt.date(2026, 3, 3), ["李四"]))
        assert "unique constraint" not in str(refused.value)
        assert taihe.patrols() == []


def test_a_copy_read_by_an_office_says_it_holds_only_that_offices_rows(
    pg_database, schema, tmp_path
):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        whole = ledger_migrate.copy_ledger(brigade, GeoPackageLedger(tmp_path / "whole.gpkg"))
    assert not any("sees only" in line for line in whole.left_behind)
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        part = ledger_migrate.copy_ledger(luocun, GeoPackageLedger(tmp_path / "luocun.gpkg"))
    assert part.rows[ls.T_SPOTS] == 4
    assert any("sees only its own offices' rows" in line for line in part.left_behind)
    assert "sees only" in part.summary()


def test_the_brigade_stores_the_next_years_holidays_on_the_shared_ledger(
    provider, pg_database, schema, tmp_path
):
    """No file lies beside a shared ledger: the brigade stores the year's schedule on the server
    with ledgersettings HOLIDAY_FILE, and every login's calendar counts by it (a made-up 2031
    schedule: 2031-01-02, a Thursday, off; Sunday 2031-01-05 worked). A year no one stored is
    said to belong there; a GeoPackage ledger is told to use the file beside it; a broken
    file is refused naming its entry, nothing stored."""
    import datetime as dt
    import json

    import processing
    from qgis.core import QgsProcessingException

    from zc_enforcement_plugin.core import workdays

    holidays = tmp_path / "holidays.json"
    holidays.write_text(
        json.dumps(
            {"2031": {"holidays": complete_year(2031, "2031-01-02"), "workdays": ["2031-01-05"]}}
        ),
        encoding="utf-8",
    )
    with open_store(pg_database, schema) as server:
        calendar = server.work_calendar(strict=True)
        with pytest.raises(workdays.UnknownScheduleError, match="HOLIDAY_FILE"):
            calendar.is_working_day(dt.date(2031, 1, 2))
    with saved_connection(pg_database, BRIGADE, "holidays"):
        shared = lr.reference("holidays", schema)
        result = processing.run(
            "zcenforcement:ledgersettings", {"LEDGER": shared, "HOLIDAY_FILE": str(holidays)}
        )
        assert "2031" in result["IN_FORCE"]
        broken = tmp_path / "broken.json"
        broken.write_text(
            json.dumps({"2032": {"holidays": complete_year(2032), "workdays": ["2032-01-07"]}})
        )
        with pytest.raises(QgsProcessingException, match="2032-01-07"):
            processing.run(
                "zcenforcement:ledgersettings", {"LEDGER": shared, "HOLIDAY_FILE": str(broken)}
            )
    with open_store(pg_database, schema, LUOCUN_ROLE) as office:
        calendar = office.work_calendar(strict=True)
        assert not calendar.is_working_day(dt.date(2031, 1, 2))
        assert calendar.is_working_day(dt.date(2031, 1, 5))
        assert calendar.is_working_day(dt.date(2031, 1, 3))
        assert 2032 not in calendar.known_years()
    gpkg = tmp_path / "ledger.gpkg"
    GeoPackageLedger(gpkg).close()
    with pytest.raises(QgsProcessingException, match="holidays.json"):
        processing.run(
            "zcenforcement:ledgersettings", {"LEDGER": str(gpkg), "HOLIDAY_FILE": str(holidays)}
        )


def test_two_brigade_members_changing_the_settings_at_once_keep_both_changes(
    provider, pg_database, schema, monkeypatch
):
    """ledgersettings reads the stored settings, merges what it was given into them and
    writes the result. Two brigade members running it at once each merged into the same
    reading, and the second write lost the first's rule. The second now waits for the first
    and merges on top of it: both rules are stored."""
    import processing

    from zc_enforcement_plugin.processing import ledger_settings

    merge = ledger_settings._stored
    second_merging, first_done = threading.Event(), threading.Event()
    outcome: list = []

    def run(rules: dict) -> dict:
        return processing.run(
            "zcenforcement:ledgersettings",
            {"LEDGER": lr.reference("settings", schema), "DEADLINE_RULES": json.dumps(rules)},
        )

    def second_member() -> None:
        try:
            outcome.append(run({"statement_hearing_request": {"amount": 3}}))
        except Exception as error:  # noqa: BLE001 - shown by the assertion below
            outcome.append(error)

    second = threading.Thread(target=second_member)

    def stored(key, stored_value, given):
        if threading.current_thread() is threading.main_thread():
            # The first member has read the settings: the second starts now, and either
            # merges into the same reading (and is held until the first has written) or
            # waits for the first on the server.
            second.start()
            wait_for(
                lambda: second_merging.is_set() or waiting_on_a_lock(pg_database),
                "the second run merging or waiting",
            )
        else:
            second_merging.set()
            first_done.wait(30)
        return merge(key, stored_value, given)

    monkeypatch.setattr(ledger_settings, "_stored", stored)
    with saved_connection(pg_database, BRIGADE, "settings"):
        try:
            run({"penalty_decision": {"amount": 60}})
        finally:
            first_done.set()
            if second.ident is not None:
                second.join(60)
    assert outcome and isinstance(outcome[0], dict), outcome
    with open_store(pg_database, schema) as server:
        rules = server.settings()[ls.SETTING_DEADLINE_RULES]
        assert rules == {
            "penalty_decision": {"amount": 60},
            "statement_hearing_request": {"amount": 3},
        }


def test_a_holiday_year_stored_again_replaces_the_one_stored_whole(
    provider, pg_database, schema, tmp_path
):
    """The State Council corrects 2031 (a made-up schedule): Sunday 5 January is no longer
    worked, and Sunday 27 April becomes a day off instead of a swapped working day. The
    corrected file, stored with ledgersettings HOLIDAY_FILE, replaces the year stored: no
    swapped day of the first file is kept, and the day moved to the holidays is not refused
    as "in both"; a year the new file does not list stays."""
    import datetime as dt
    import json

    import processing

    first, corrected = tmp_path / "first.json", tmp_path / "corrected.json"
    first.write_text(
        json.dumps(
            {
                "2031": {"holidays": complete_year(2031), "workdays": ["2031-01-05", "2031-04-27"]},
                "2032": {"holidays": complete_year(2032)},
            }
        ),
        encoding="utf-8",
    )
    corrected.write_text(
        json.dumps({"2031": {"holidays": complete_year(2031, "2031-04-27"), "source": "更正"}}),
        encoding="utf-8",
    )
    with saved_connection(pg_database, BRIGADE, "holidays"):
        shared = lr.reference("holidays", schema)
        for holidays in (first, corrected):
            processing.run(
                "zcenforcement:ledgersettings", {"LEDGER": shared, "HOLIDAY_FILE": str(holidays)}
            )
    with open_store(pg_database, schema, LUOCUN_ROLE) as office:
        calendar = office.work_calendar(strict=True)
        assert not calendar.is_working_day(dt.date(2031, 1, 5))
        assert not calendar.is_working_day(dt.date(2031, 4, 27))
        assert "更正" in calendar.schedule_source(2031)
        assert 2032 in calendar.known_years()


def test_a_holiday_year_stored_half_typed_is_removed_by_storing_it_as_null(
    provider, pg_database, schema, tmp_path, monkeypatch
):
    """A shared ledger holds 2031 with the fixed-date holidays alone (stored before such a year
    was refused; now the calendar refuses it, naming the way out). ledgersettings with
    {"2031": null} removes it, and only it: 2031 is estimated again, 2032 stays."""
    import datetime as dt
    import json

    import processing

    fixed_only = [d.isoformat() for d in workdays.fixed_public_holidays(2031)]
    stored = {"2031": {"holidays": fixed_only}, "2032": {"holidays": complete_year(2032)}}
    with open_store(pg_database, schema) as brigade:
        with monkeypatch.context() as before_the_rule:
            before_the_rule.setattr(workdays, "missing_festivals", lambda year, days: [])
            brigade.set_setting(ls.SETTING_HOLIDAYS, stored)
        with pytest.raises(workdays.HolidayFileError, match=r'store \{"2031": null\}'):
            brigade.work_calendar(strict=True)
    removal = tmp_path / "remove_2031.json"
    removal.write_text(json.dumps({"2031": None}), encoding="utf-8")
    with saved_connection(pg_database, BRIGADE, "holidays"):
        processing.run(
            "zcenforcement:ledgersettings",
            {"LEDGER": lr.reference("holidays", schema), "HOLIDAY_FILE": str(removal)},
        )
    with open_store(pg_database, schema, LUOCUN_ROLE) as office:
        assert set(office.settings()[ls.SETTING_HOLIDAYS]) == {"2032"}
        calendar = office.work_calendar(strict=True)
        assert 2032 in calendar.known_years() and 2031 not in calendar.known_years()
        assert not calendar.covers(dt.date(2031, 1, 1))


def test_a_copy_carries_the_holiday_schedule_to_where_the_target_reads_it(
    pg_database, schema, tmp_path
):
    """A GeoPackage reads its bureau holidays from the holidays.json beside it, a shared ledger
    from its `holidays` setting: copyledger carries the schedule from one to the other, both
    ways, so a deadline computed on the copy is the original's (a made-up 2027 schedule: two
    working days after Thursday 4 February is Sunday the 14th, a swapped working day, not
    Monday the 8th). A schedule that differs is a difference; a GeoPackage target beside a
    holidays.json giving another schedule is refused, nothing copied."""
    import json

    start, due = dt.date(2027, 2, 4), dt.date(2027, 2, 14)
    off = ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]
    schedule = {
        "2027": {
            "holidays": complete_year(2027, *off),
            "workdays": ["2027-02-14"],
            "source": "国办发明电〔2026〕X号",
        }
    }
    folders = {name: tmp_path / name for name in ("original", "back", "other")}
    for folder in folders.values():
        folder.mkdir()
    (folders["original"] / "holidays.json").write_text(
        json.dumps(schedule, ensure_ascii=False), encoding="utf-8"
    )
    with (
        GeoPackageLedger(folders["original"] / "ledger.gpkg") as original,
        open_store(pg_database, schema, tmp_path=tmp_path) as server,
    ):
        fill(original, folders["original"])
        assert original.work_calendar().add_working_days(start, 2) == due
        ledger_migrate.copy_ledger(original, server)
        assert server.work_calendar(strict=False).add_working_days(start, 2) == due
        assert ledger_migrate.compare_ledgers(original, server) == []

        with GeoPackageLedger(folders["back"] / "ledger.gpkg") as back:
            ledger_migrate.copy_ledger(server, back)
            assert back.work_calendar(strict=False).add_working_days(start, 2) == due
            assert ls.SETTING_HOLIDAYS not in back.settings()  # one place: the file
            assert ledger_migrate.compare_ledgers(server, back) == []
            assert ledger_migrate.rows_digest(original) == ledger_migrate.rows_digest(back)

            edited = {"2027": {**schedule["2027"], "workdays": []}}
            (folders["back"] / "holidays.json").write_text(json.dumps(edited), encoding="utf-8")
            differences = ledger_migrate.compare_ledgers(server, back)
            assert len(differences) == 1 and "2027" in differences[0], differences
            assert "2027-02-14" in differences[0] and "holiday" in differences[0]

        (folders["other"] / "holidays.json").write_text(json.dumps(edited), encoding="utf-8")
        with GeoPackageLedger(folders["other"] / "ledger.gpkg") as other:
            with pytest.raises(LedgerError, match="holidays.json"):
                ledger_migrate.copy_ledger(server, other)
            assert other.counts() == (0, 0)
        assert sorted(p.name for p in folders["other"].iterdir()) == [
            "holidays.json",
            "ledger.gpkg",
        ]


def test_an_evidence_folder_this_machine_cannot_reach_is_refused_not_made_here(
    pg_database, schema, tmp_path, monkeypatch
):
    """The brigade stores a share (here a mount point not mounted on this machine): a photo
    attached in the dock, and a copy into the ledger, are refused naming the folder, nothing
    recorded; the share is not made as a local folder that no other machine would see."""
    from zc_enforcement_plugin.ui.review_session import ReviewSession

    (tmp_path / "original").mkdir()
    with GeoPackageLedger(tmp_path / "original" / "ledger.gpkg") as original:
        fill(original, tmp_path / "original")
        unmounted = tmp_path / "mnt" / "zc_evidence"
        with open_store(pg_database, schema) as server:
            server.set_evidence_dir(unmounted)
            with pytest.raises(LedgerError, match="cannot be reached"):
                ledger_migrate.copy_ledger(original, server)
            assert server.counts() == (0, 0)
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        brigade.import_batch("无法访问", [spot("37030220269001", 1, "罗村镇", LUOCUN)])
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not much of a photo")
    monkeypatch.chdir(tmp_path)  # where a relative share name would be made
    with saved_connection(pg_database, LUOCUN_ROLE, "unreachable"):
        session = ReviewSession()
        try:
            session.open(lr.reference("unreachable", schema))
            with pytest.raises(LedgerError, match=str(unmounted)):
                session.attach_evidence(photo)
            assert session.store.evidence() == []
        finally:
            session.close()
    assert not unmounted.exists() and not (tmp_path / "mnt").exists()


# --- an office login: what it may not see, said as such --------------------------------------
def _listing_of(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_reports_comparing_every_office_are_refused_to_an_office_login(
    provider, pg_database, schema, tmp_path
):
    """Row security shows 罗村's login only 罗村's rows: its monthly ranking would rank 罗村 1st
    of one and call its figures the district's, its accountability ratio's 全区 row would be
    罗村's towns. The ranking, the assessment and the ratio are refused, naming the login and
    its office and asking for a brigade login, and no report is written; the brigade's run of
    the same reports goes through."""
    import processing
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.i18n import install_translator

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    runs = {
        "monthlyranking": {"MONTH": "2026-03"},
        "assessment": {"KIND": 0, "YEAR": 2026, "HALF": 0},
        "accountabilityratio": {"PERIOD": "2026"},
    }
    with saved_connection(pg_database, LUOCUN_ROLE, "office-reports"):
        office = lr.reference("office-reports", schema)
        for algorithm, period in runs.items():
            out = tmp_path / f"office_{algorithm}"
            with pytest.raises(QgsProcessingException) as refused:
                processing.run(
                    f"zcenforcement:{algorithm}",
                    {"LEDGER": office, "REPORT_DATE": "2026-04-03", "OUTPUT_FOLDER": str(out)}
                    | period,
                )
            message = str(refused.value)
            assert f"the login {LUOCUN_ROLE} sees only the rows of its own offices ({LUOCUN})" in (
                message
            ), message
            assert "Run it with a brigade login. No report was written." in message
            assert _listing_of(out) == [], algorithm
        # In a Chinese QGIS the refusal is Chinese, the report by its Chinese name.
        translator = install_translator("zh_CN")
        try:
            with pytest.raises(QgsProcessingException) as chinese:
                processing.run(
                    "zcenforcement:monthlyranking",
                    {"LEDGER": office, "MONTH": "2026-03", "OUTPUT_FOLDER": str(tmp_path / "zh")},
                )
        finally:
            QCoreApplication.removeTranslator(translator)
        assert str(chinese.value).startswith(
            f"各所月度通报排名要比较全区各所，而登录 {LUOCUN_ROLE} 在共享台帐上只能看到本所"
            f"（{LUOCUN}）"
        )
        assert "请用执法监察大队的登录运行。未生成报表。" in str(chinese.value)
    with saved_connection(pg_database, BRIGADE, "brigade-reports"):
        whole = lr.reference("brigade-reports", schema)
        for algorithm, period in runs.items():
            out = tmp_path / f"brigade_{algorithm}"
            result = processing.run(
                f"zcenforcement:{algorithm}",
                {"LEDGER": whole, "REPORT_DATE": "2026-04-03", "OUTPUT_FOLDER": str(out)} | period,
            )
            assert Path(result["XLSX"]).exists() and Path(result["PDF"]).exists()
    # The core functions refuse too, for a script on the QGIS Python console: Chinese first.
    with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
        assert not luocun.sees_every_office and luocun.login == LUOCUN_ROLE
        calendar, as_of = WorkCalendar(), dt.date(2026, 4, 3)
        for build, period in (
            (reports.monthly_ranking, reports.Period.month(2026, 3)),
            (reports.assessment, reports.Period.year(2026)),
            (reports.accountability_ratio, reports.Period.year(2026)),
        ):
            with pytest.raises(reports.OfficeLoginError) as refused:
                build(luocun, period, calendar, as_of)
            assert str(refused.value).startswith(
                f"{refused.value.report[0]}需要全区各所的记录，而登录 {LUOCUN_ROLE} "
                f"只能看到本所（{LUOCUN}）的记录"
            )
            assert refused.value.offices == [LUOCUN]


def test_an_office_logins_weekly_dispatch_says_it_holds_only_its_offices(
    provider, pg_database, schema, tmp_path
):
    """The dispatch of its own deadlines is the office's to chase, so it is made, but its title,
    its first page, its notes and the log say it holds 罗村 alone, and its total row is 罗村's,
    never 合计 / district; the brigade's keeps the district's title and total."""
    import openpyxl
    import processing

    from tests.test_ledger_in_qgis import WarningLog as Log
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        whole = reports.weekly_dispatch(
            brigade, reports.Period.week(dt.date(2026, 3, 2)), WorkCalendar(), dt.date(2026, 3, 9)
        )
    assert whole.offices_only is None and whole.title == "2026-W10 每周调度 / weekly dispatch"
    assert whole.sheets()[0].rows[-1][0] == "合计 / district"
    with saved_connection(pg_database, LUOCUN_ROLE, "office-dispatch"):
        log = Log()
        result = processing.run(
            "zcenforcement:weeklydispatch",
            {
                "LEDGER": lr.reference("office-dispatch", schema),
                "WEEK": "2026-03-02",
                "REPORT_DATE": "2026-03-09",
                "OUTPUT_FOLDER": str(tmp_path / "dispatch"),
            },
            feedback=log,
        )
    assert f"this report holds {LUOCUN} only, not the district, and its total is theirs." in (
        " ".join(log.warnings)
    )
    book = openpyxl.load_workbook(result["XLSX"])
    dispatch = [row for row in book.worksheets[0].iter_rows(values_only=True) if any(row)]
    offices = [row[0] for row in dispatch[1:-1]]
    assert (
        offices == [LUOCUN]
        and dispatch[-1][0] == f"合计（仅{LUOCUN}）"  # a workbook's cells in Chinese alone
    )
    assert not any("district" in str(cell) for row in dispatch for cell in row if cell)
    notes = [row[0] for row in book.worksheets[-1].iter_rows(values_only=True) if row[0]]
    assert notes[0] == f"2026-W10 每周调度（仅{LUOCUN}）"
    assert any(line.startswith(f"本表只含本登录所辖所（{LUOCUN}）的记录") for line in notes)


def test_an_office_login_recording_another_offices_patrol_is_told_it_is_not_its_own(
    provider, pg_database, schema, tmp_path
):
    """太河's office and spots exist, hidden from 罗村's login by row security: a patrol naming
    them is refused as not this login's (with whom records it), never as "not in the ledger",
    and nothing is recorded; the brigade records the same patrol."""
    import processing
    from qgis.core import QgsProcessingException

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        before = {p.id for p in brigade.patrols()}
    patrol = {"DATE": "2026-03-10", "STAFF": "张三", "FINDINGS": "无"}
    with saved_connection(pg_database, LUOCUN_ROLE, "office-patrol"):
        office = lr.reference("office-patrol", schema)
        with pytest.raises(QgsProcessingException) as other_office:
            processing.run(
                "zcenforcement:recordpatrol", {"LEDGER": office, "OFFICE": TAIHE} | patrol
            )
        with pytest.raises(QgsProcessingException) as other_spot:
            processing.run(
                "zcenforcement:recordpatrol",
                {"LEDGER": office, "OFFICE": LUOCUN, "SPOTS": "37030220261000"} | patrol,
            )
    assert str(other_office.value) == (
        f"Office {TAIHE} is not one of this login's offices: on the shared ledger the login "
        f"{LUOCUN_ROLE} sees only {LUOCUN} (row-level security). A patrol of another office is "
        "recorded with that office's login or the brigade's. Nothing was recorded."
    )
    message = str(other_spot.value)
    assert message.startswith("Spots 37030220261000 are not among this login's spots")
    assert f"the login {LUOCUN_ROLE} sees only the spots of the towns of {LUOCUN}" in message
    assert "not in the ledger" not in message + str(other_office.value)
    with open_store(pg_database, schema) as brigade:
        assert {p.id for p in brigade.patrols()} == before
    with saved_connection(pg_database, BRIGADE, "brigade-patrol"):
        processing.run(
            "zcenforcement:recordpatrol",
            {"LEDGER": lr.reference("brigade-patrol", schema), "OFFICE": TAIHE}
            | patrol
            | {"SPOTS": "37030220261000"},
        )
    with open_store(pg_database, schema) as brigade:
        assert len(brigade.patrols()) == len(before) + 1


def test_an_office_login_importing_spots_or_storing_holidays_is_told_it_is_the_brigades(
    provider, pg_database, schema, tmp_path
):
    """Not "permission denied for table ledger_batches": the login is told, Chinese first, that
    importing spots, or storing the bureau's settings and holidays, is the brigade's work, and
    nothing is stored."""
    import fiona
    import processing
    from qgis.core import QgsProcessingException

    spots_file = tmp_path / "delivered.gpkg"
    properties = {"JCBH": "str", "XZMC": "str", "SMC": "str", "TBMJ": "float"}
    with fiona.open(
        spots_file,
        "w",
        driver="GPKG",
        schema={"geometry": "Polygon", "properties": properties},
        crs="EPSG:4527",
    ) as out:
        out.write(
            {
                "geometry": shapely.geometry.mapping(box(X0, Y0, X0 + 20, Y0 + 20)),
                "properties": {
                    "JCBH": "P1",
                    "XZMC": LUOCUN_TOWNS[0],
                    "SMC": LUOCUN,
                    "TBMJ": 400.0,
                },
            }
        )
    holidays = tmp_path / "holidays.json"
    holidays.write_text(
        json.dumps(
            {
                "2031": {
                    "holidays": complete_year(2031),
                    "workdays": [],
                }
            }
        ),
        encoding="utf-8",
    )
    with saved_connection(pg_database, LUOCUN_ROLE, "office-brigade-work"):
        office = lr.reference("office-brigade-work", schema)
        with pytest.raises(QgsProcessingException) as importing:
            processing.run(
                "zcenforcement:importspots",
                {"SPOTS": str(spots_file), "LEDGER": office, "BATCH": "office"},
            )
        with pytest.raises(QgsProcessingException) as storing:
            processing.run(
                "zcenforcement:ledgersettings", {"LEDGER": office, "HOLIDAY_FILE": str(holidays)}
            )
    assert str(importing.value).startswith(
        f"登录 {LUOCUN_ROLE} 无权导入图斑（ledger_batches）：在共享台帐上这是执法监察大队的工作"
    )
    assert "importing spots (ledger_batches) is the brigade's work" in str(importing.value)
    assert str(storing.value).startswith(
        f"登录 {LUOCUN_ROLE} 无权保存台帐设置（期限规则、排名权重、节假日安排）（ledger_settings）"
    )
    assert "holidays) (ledger_settings) is the brigade's work" in str(storing.value)
    for refused in (importing.value, storing.value):
        assert "permission denied" not in str(refused) and "Nothing was saved" in str(refused)
    with open_store(pg_database, schema) as brigade:
        assert brigade.batches() == [] and brigade.counts() == (0, 0)
        assert ls.SETTING_HOLIDAYS not in brigade.settings()


def test_an_export_without_a_shared_evidence_folder_stops_before_writing(
    provider, pg_database, schema, tmp_path
):
    """Found by the office-login fix: on a shared ledger whose brigade set no evidence folder,
    exportverification ended in a Python traceback (the ledger's LedgerError, uncaught) after
    writing the GeoPackage, Shapefile and XLSX. It stops with the ledger's own message, which
    says who sets the folder and how, before any file is written."""
    import processing
    from qgis.core import QgsProcessingException

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        assert brigade.stored_evidence_dir() is None
    out = tmp_path / "export"
    with (
        saved_connection(pg_database, BRIGADE, "export-no-folder"),
        pytest.raises(QgsProcessingException) as stop,
    ):
        processing.run(
            "zcenforcement:exportverification",
            {
                "LEDGER": lr.reference("export-no-folder", schema),
                "OUTPUT_FOLDER": str(out),
                "WITH_PDF": False,
            },
        )
    message = str(stop.value)
    assert "未设置共享证据文件夹" in message and "ledgersettings" in message, message
    assert "Traceback" not in message
    assert not out.exists() or not any(out.iterdir())


def test_an_export_with_the_shared_evidence_folder_unreachable_stops_naming_it(
    provider, pg_database, schema, tmp_path
):
    """Found in the field-evidence review: with the share not mounted on this machine, the
    export succeeded and wrote a package saying every evidence file was missing (manifest all
    缺失, the sheets' “照片文件缺失” in red), which tells the province evidence is lost when only
    a share was not connected. The export and the evidence check now stop, naming the folder in
    the words attaching uses, before any file is written."""
    import processing
    from qgis.core import QgsProcessingException

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        share = tmp_path / "shared_evidence"
        brigade.set_evidence_dir(share)
        assert evidence.check_evidence_integrity(brigade) == []
        share.rename(tmp_path / "not_mounted")  # what this machine sees of an unmounted share
        with pytest.raises(LedgerError, match="cannot be reached") as checked:
            evidence.check_evidence_integrity(brigade)
        assert str(share) in str(checked.value) and "no file was checked" in str(checked.value)
        with pytest.raises(LedgerError) as attached:
            brigade.writable_evidence_dir()
    # One wording for the share, whatever was refused: only what was not done differs.
    reason = str(checked.value).split("，")[0]
    assert reason in str(attached.value) and "未检查任何文件" in str(checked.value)
    out = tmp_path / "export"
    with (
        saved_connection(pg_database, BRIGADE, "export-unmounted"),
        pytest.raises(QgsProcessingException) as stop,
    ):
        processing.run(
            "zcenforcement:exportverification",
            {
                "LEDGER": lr.reference("export-unmounted", schema),
                "OUTPUT_FOLDER": str(out),
                "WITH_PDF": True,
            },
        )
    message = str(stop.value)
    assert f"共享证据文件夹 {share} 在本机无法访问" in message, message
    assert "nothing was written" in message, message
    assert not out.exists() or not any(out.iterdir())


def test_an_office_logins_verification_export_says_whose_spots_it_holds(
    provider, pg_database, schema, tmp_path
):
    """The export's totals row sums the rows above it and names no district, so it needs no
    note of its own; but the package is what is uploaded: read with 罗村's login it holds 罗村's
    spots, and its title and the log say so."""
    import openpyxl
    import processing

    from tests.test_ledger_in_qgis import WarningLog as Log

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        brigade.set_evidence_dir(tmp_path / "shared_evidence")
    titles = {}
    for login in (LUOCUN_ROLE, BRIGADE):
        log = Log()
        with saved_connection(pg_database, login, f"export-{login}"):
            result = processing.run(
                "zcenforcement:exportverification",
                {
                    "LEDGER": lr.reference(f"export-{login}", schema),
                    "OUTPUT_FOLDER": str(tmp_path / login),
                    "WITH_PDF": False,
                },
                feedback=log,
            )
        sheet = openpyxl.load_workbook(result["XLSX"]).active
        titles[login] = (sheet.cell(1, 1).value, log.warnings)
    title, warnings = titles[LUOCUN_ROLE]
    assert title == f"卫片图斑核查台帐（仅{LUOCUN}）"
    assert any(f"this export holds the spots of {LUOCUN} only" in w for w in warnings)
    title, warnings = titles[BRIGADE]
    assert title == "卫片图斑核查台帐" and not any("office login" in w for w in warnings)


def test_a_server_schema_missing_a_table_is_refused_on_opening(pg_database, schema):
    """A ledger schema lacking one of its tables (dropped by hand) is refused when opened,
    naming the schema and the table, rather than failing later on some read as a database
    error; nothing is changed on the server."""
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP TABLE "{schema}".{ls.T_SETTINGS} CASCADE')
        admin.commit()
    finally:
        admin.close()
    with pytest.raises(LedgerError) as caught:
        open_store(pg_database, schema)
    message = str(caught.value)
    assert schema in message and "table ledger_settings is missing" in message, message
    assert "incomplete or damaged" in message and "缺少表 ledger_settings" in message
    assert "ledger_postgis.install" in message


# --- cancelling an import ---------------------------------------------------------------------
def whole_ledger(store) -> dict[str, list[tuple]]:
    """Every row of every ledger table, as ledger_migrate copies them: equal only when the
    ledger is exactly as it was."""
    return {table: ledger_migrate.table_rows(store, table)[1] for table in ls.LEDGER_TABLES}


@pytest.mark.parametrize("kind", ["gpkg", "postgis"])
def test_an_import_cancelled_while_writing_leaves_the_ledger_exactly_as_before(
    kind, pg_database, schema, tmp_path
):
    """Cancelled after some rows of a re-delivery (refreshes and new spots alike) were written:
    the whole transaction is undone on either store, and the caller is told nothing was
    imported; progress was reported while writing."""
    if kind == "gpkg":
        store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    else:
        store = open_store(pg_database, schema, tmp_path=tmp_path)
    try:
        store.import_batch(
            "b", [spot(f"3703022026{i:05d}", i, TAIHE_TOWN, TAIHE) for i in range(5)]
        )
        before = whole_ledger(store)
        moved = [spot(f"3703022026{i:05d}", i, TAIHE_TOWN, TAIHE) for i in range(40)]
        for record in moved[:5]:  # the recorded spots come back with another outline
            record.geometry = shapely.affinity.translate(record.geometry, xoff=3.0)
        shown: list[float] = []
        with pytest.raises(ledger.ImportCancelled, match="已取消，未导入任何图斑") as stopped:
            store.import_batch(
                "b", moved, progress=shown.append, is_cancelled=lambda: len(shown) >= 30
            )
        assert "nothing imported" in str(stopped.value)
        assert len(shown) == 30 and shown == sorted(shown) and 0 <= shown[0] < shown[-1] < 100
        assert whole_ledger(store) == before
        assert store.counts() == (0, 5)
        # the store is usable afterwards: the same import, not cancelled, goes through whole
        report = store.import_batch("b", moved, progress=shown.append)
        assert (report.added, report.refreshed, shown[-1]) == (35, 5, 100)
    finally:
        store.close()


# --- a session that holds a spot and never lets go ----------------------------------------------
def test_a_save_waits_for_a_stalled_session_then_is_refused_naming_it(
    pg_database, schema, monkeypatch
):
    """An importer frozen inside its transaction holds a spot's lock ('idle in transaction'):
    a save of that spot waits LOCK_WAIT_SECONDS (made short here), then is refused naming the
    spot and the other session's login and application, with nothing saved; once the lock is
    let go the same save goes through. (The old code waited for the lock without end: the
    holder lets go after 20 s here, so it would have saved instead of refusing.)"""
    monkeypatch.setattr(pg_session, "LOCK_WAIT_SECONDS", 0.5)
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
        spot_id = brigade.spots()[0].id
    holder = psycopg2.connect(
        **{**srv.params(BRIGADE, pg_database), "application_name": "QGIS importspots"}
    )
    release = threading.Timer(20.0, holder.rollback)
    try:
        with holder.cursor() as cursor:  # psycopg2 opens the transaction and keeps it open
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (lp._LOCK_SPOT, spot_id))
        release.start()
        with open_store(pg_database, schema, TAIHE_ROLE) as taihe:
            with pytest.raises(LedgerError) as busy:
                taihe.record_verdict(spot_id, illegal(), expected_version=0)
            message = str(busy.value)
            assert "图斑 37030220260001（id" in message and "正被另一会话修改" in message
            assert "is being changed by another session" in message and "try again later" in message
            assert BRIGADE in message and "QGIS importspots" in message
            assert taihe.verdict_history(spot_id) == []
            release.cancel()
            holder.rollback()
            taihe.record_verdict(spot_id, illegal(), expected_version=0)
            assert len(taihe.verdict_history(spot_id)) == 1
    finally:
        release.cancel()
        holder.close()


def test_a_patrol_kept_waiting_by_a_withdrawal_is_refused_saying_so(
    pg_database, schema, monkeypatch
):
    """A patrol waits for a batch withdrawal being made; kept past the wait it was refused as
    "巡查记录或批次撤回 正被另一会话修改（如导入）" (the review of 2026-11-29): what is going on
    said in the words of an import. It says that another session is withdrawing a batch, and
    a withdrawal kept waiting that another is saving a patrol or withdrawing one."""
    monkeypatch.setattr(pg_session, "LOCK_WAIT_SECONDS", 0.5)
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch("b", [spot("37030220267101", 0, LUOCUN_TOWNS[0], LUOCUN)])
    holder = psycopg2.connect(
        **{**srv.params(BRIGADE, pg_database), "application_name": "QGIS withdrawbatch"}
    )
    try:
        with holder.cursor() as cursor:  # a withdrawal's hold, kept open
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", (lp._LOCK_PATROLLED,))
        with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
            patrol = PatrolRecord("XC-2026-0711", LUOCUN, dt.date(2026, 3, 2), ["张三"])
            with pytest.raises(LedgerError) as busy:
                luocun.add_patrol(patrol)
            message = str(busy.value)
            assert "巡查记录未能保存：另一会话正在撤回批次" in message, message
            assert "another session is withdrawing a batch" in message
            assert "如导入" not in message and "QGIS withdrawbatch" in message
            assert luocun.patrols() == []
        holder.rollback()
        with holder.cursor() as cursor:  # now patrols being saved
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", (lp._LOCK_PATROLLED,))
        with open_store(pg_database, schema) as brigade:
            with pytest.raises(LedgerError) as busy:
                brigade.withdraw_batch("b")
            message = str(busy.value)
            assert "批次未能撤回：另一会话正在保存巡查记录或撤回批次" in message, message
            assert len(brigade.spots()) == 1
    finally:
        holder.rollback()
        holder.close()


def test_connections_detect_a_vanished_peer_within_about_a_minute(pg_database, schema):
    """libpq's keepalives are on, from the plugin's defaults when the saved connection sets
    none, its own values when it does."""
    with open_store(pg_database, schema) as store:
        used = store._conn.get_dsn_parameters()
        assert {k: used.get(k) for k in pg_session.KEEPALIVES} == pg_session.KEEPALIVES
    given = {**srv.params(BRIGADE, pg_database), "keepalives_idle": "5"}
    with lp.PostGISLedger(given, schema=schema) as store:
        assert store._conn.get_dsn_parameters()["keepalives_idle"] == "5"
    dsn = " ".join(f"{k}={v}" for k, v in srv.params(BRIGADE, pg_database).items())
    with lp.PostGISLedger(dsn, schema=schema) as store:
        assert store._conn.get_dsn_parameters()["keepalives"] == "1"


# --- every read after a lost connection ---------------------------------------------------------
# Public members of the store that never reach the database, or only inside a transaction a
# guarded save (or ledger_migrate's copy) has opened: everything else must be guarded.
NOT_GUARDED = {
    "close",
    "path",
    "server",
    "login",  # the open connection's own record, or the parameters
    "unreadable_cases",  # what the last cases() left out
    "unreadable_verdicts",  # what the last verdict_histories() left out
    "transaction",  # its BEGIN is checked and translated itself (_outer_transaction)
    "load_rows",  # ledger_migrate's copy, inside its transaction
    "lock_settings",  # inside the settings' transaction only (it refuses outside one)
    "file_changed",  # a server's ledger has no file: always None, nothing asked of the server
    "opening_notices",  # what opening found (a clock set wrong), kept: nothing asked again
    "cancellable",  # sends nothing itself: around work whose reads and saves are guarded
    "one_moment",  # its BEGIN reconnects as a read does, its reads translated in it
}


def guard_of(name: str) -> str | None:
    member = inspect.getattr_static(lp.PostGISLedger, name)
    function = member.fget if isinstance(member, property) else member
    return getattr(function, "_ledger_guard", None)


def test_every_public_member_of_the_store_goes_through_a_guard():
    """A read or a save not guarded lets psycopg2's own error out (OperationalError "server
    closed the connection unexpectedly") where a LedgerError naming the server is expected,
    and a read does not reconnect: configured_offices and schema_version were such."""
    public = {name for name in dir(lp.PostGISLedger) if not name.startswith("_")}
    unguarded = sorted(n for n in public - NOT_GUARDED if guard_of(n) is None)
    assert unguarded == []
    assert public >= NOT_GUARDED  # the list names no member that has gone


def test_each_read_after_the_connection_was_dropped_reconnects(pg_database, schema, tmp_path):
    """The server dropped the idle connection before each read (as a restart does): every
    guarded read answers as before, over a new connection, never with a psycopg2 error."""
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
    spot_id = store.spots()[0].id
    store.record_verdict(spot_id, illegal(), expected_version=0)
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
    reads = {
        "batches": lambda: store.batches(),
        "case": lambda: store.case(case_id),
        "case_record": lambda: store.case_record(case_id),
        "cases": lambda: store.cases(),
        "configured_offices": lambda: store.configured_offices(),
        "conflicts": lambda: store.conflicts(),
        "case_conflicts": lambda: store.case_conflicts(),
        "counts": lambda: store.counts(),
        "current_verdict": lambda: store.current_verdict(spot_id),
        "case_left_open": lambda: store.case_left_open(spot_id),
        "deadline_rules": lambda: store.deadline_rules(),
        "evidence": lambda: store.evidence(),
        "evidence_dir": lambda: store.evidence_dir,
        "filter_choices": lambda: store.filter_choices(),
        "known_offices": lambda: store.known_offices(),
        "patrols": lambda: store.patrols(),
        "patrol_withdrawals": lambda: store.patrol_withdrawals(),
        "photo_points": lambda: store.photo_points(),
        "schema_version": lambda: store.schema_version,
        "sees_every_office": lambda: store.sees_every_office,
        "settings": lambda: store.settings(),
        "settle_unconfirmed": lambda: store.settle_unconfirmed(),
        "spot": lambda: store.spot(spot_id),
        "spot_attributes": lambda: store.spot_attributes([spot_id]),
        "spots": lambda: store.spots(),
        "spots_by_id": lambda: store.spots_by_id([spot_id]),
        "spots_with_case": lambda: store.spots_with_case(),
        "spot_page": lambda: store.spot_page(spot_id),
        "stored_evidence_dir": lambda: store.stored_evidence_dir(),
        "table_rows": lambda: store.table_rows(ls.T_SPOTS),
        "verdict_histories": lambda: store.verdict_histories([spot_id]),
        "verdict_history": lambda: store.verdict_history(spot_id),
        "work_calendar": lambda: store.work_calendar().known_years(),
        "writable_evidence_dir": lambda: store.writable_evidence_dir(),
    }
    public = {name for name in dir(lp.PostGISLedger) if not name.startswith("_")}
    assert set(reads) == {name for name in public if guard_of(name) == "read"}
    try:
        for name, read in reads.items():
            answer = read()
            terminate(pg_database, store._conn.get_backend_pid())
            assert read() == answer, name
        assert store.schema_version == ls.SCHEMA_VERSION
        assert TAIHE in store.configured_offices()
    finally:
        store.close()


@pytest.mark.parametrize(
    "check",
    [
        "check_a_step_entered_with_the_wrong_date_is_corrected",
        "check_a_correction_puts_right_the_remarks",
        "check_a_case_opened_in_error_is_withdrawn",
        "check_a_spot_judged_lawful_names_the_case_left_open",
        "check_a_case_cannot_be_opened_ahead_of_today",
    ],
)
def test_case_corrections_and_withdrawals_on_the_shared_ledger(pg_database, schema, check):
    """The same as in a GeoPackage (test_case_corrections), through the server's checks."""
    from tests import test_case_corrections

    with open_store(pg_database, schema) as store:
        getattr(test_case_corrections, check)(store)


def test_a_server_of_schema_5_is_upgraded_to_case_corrections(pg_database):
    """A server installed before corrections (server schema 5, ledger schema 6, no corrects
    column) is upgraded by install; a correction is then recorded, and one without its reason
    is refused by the row check even from psql."""
    from tests.test_case_corrections import _case_on_s3
    from tests.test_postgis_schema import _install

    name = f"t_{uuid.uuid4().hex[:10]}"
    _install(pg_database, name, upto=5)
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND column_name = %s",
                (name, ls.T_CASE_EVENTS, ls.C_CORRECTS),
            )
            assert cursor.fetchone()[0] == 0
    finally:
        admin.close()
    _install(pg_database, name)

    with open_store(pg_database, name) as store:
        assert store.schema_version == ls.SCHEMA_VERSION == 9
        case_id = _case_on_s3(store)
        filed = store.case(case_id).events[-1]
        store.correct_case_event(
            case_id, filed.event_id, date=dt.date(2025, 10, 13), person="王五", reason="录入错误"
        )
        assert store.case(case_id).date_of(Stage.FILE) == dt.date(2025, 10, 13)
    conn = raw(pg_database, name, BRIGADE)
    try:
        with pytest.raises(psycopg2.errors.CheckViolation):
            conn.cursor().execute(
                f"INSERT INTO {ls.T_CASE_EVENTS} (case_id, stage, date, person, note, "
                f"recorded_at, {ls.C_CORRECTS}) VALUES (%s, 'file', '2025-10-14', 'x', '', "
                "'2025-12-01T00:00:00.000Z', %s)",
                (int(case_id), filed.event_id),
            )
    finally:
        conn.close()
