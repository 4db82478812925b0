"""A case row fits its origin, whoever writes it (server schema version 10): the brigade's
login and the superuser are refused a case away from its origin spot's office and town, or its
patrol's office, as an office login is by its policy (version 9); the upgrade from version 9
keeps every row (and from then on keeps refused case steps), and names, keeping them, the cases
already stored away from their origin: history, append-only, which a refused upgrade would have
left every office on the old plugin until a database administrator rewrote."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store, server_side_of_version
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_TOWN,
    fill,
    illegal,
    raw,
    spot,
)
from tests.test_postgis_security import _case_row
from zc_enforcement_plugin.core import ledger_migrate
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import (
    CaseConflictError,
    GeoPackageLedger,
    LedgerError,
    SpotRecord,
)
from zc_enforcement_plugin.core.ledger_rows import utc_now

TAIHE_SPOT = "37030220261001"  # fill's: a spot of 太河镇 with no case
TAIHE_PATROL = "XC-2026-0002"  # fill's: a patrol of 太河自然资源所


def _as(conn, statement: str):
    with conn.cursor() as cur:
        cur.execute(statement)
        return cur.fetchone()[0] if cur.description else None


def _superuser(pg_database, schema):
    conn = srv.connect(dbname=pg_database)
    conn.autocommit = True
    _as(conn, f'SET search_path TO "{schema}", public')
    return conn


def test_no_login_can_record_a_case_away_from_its_origin(pg_database, schema, tmp_path):
    """From psql the brigade's login, or the superuser, recorded a case on 太河's spot or patrol
    in 罗村's name (or at another town, or with no office): the offices' policy (version 9) did
    not reach them. Refused now, saying what differs; the case at its origin still goes in."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        spot_id = next(s.id for s in brigade.spots() if s.number == TAIHE_SPOT)
        brigade.record_verdict(spot_id, illegal(verifier="李四"))
        cases_before = len(brigade.cases())
    spot_is = f"its origin spot {TAIHE_SPOT} (fid {spot_id}) has SMC '{TAIHE}', XZMC '{TAIHE_TOWN}'"
    spot_is_zh = f"而其来源图斑 {TAIHE_SPOT}（fid {spot_id}）为 SMC {TAIHE}、XZMC {TAIHE_TOWN}"
    refused = {
        _case_row("spot", str(spot_id), LUOCUN, TAIHE_TOWN): (
            f"recorded at office '{LUOCUN}', town '{TAIHE_TOWN}', but {spot_is}",
            f"记为自然资源所 {LUOCUN}、乡镇 {TAIHE_TOWN}，{spot_is_zh}",
        ),
        _case_row("spot", str(spot_id), TAIHE, LUOCUN_TOWNS[0]): (
            f"recorded at office '{TAIHE}', town '{LUOCUN_TOWNS[0]}', but {spot_is}",
            f"记为自然资源所 {TAIHE}、乡镇 {LUOCUN_TOWNS[0]}，{spot_is_zh}",
        ),
        _case_row("spot", str(spot_id), None, TAIHE_TOWN): (
            f"recorded at office NULL, town '{TAIHE_TOWN}', but {spot_is}",
            f"记为自然资源所 （空）、乡镇 {TAIHE_TOWN}，{spot_is_zh}",
        ),
        _case_row("patrol", TAIHE_PATROL, LUOCUN, TAIHE_TOWN): (
            f"recorded at office '{LUOCUN}', but its origin patrol {TAIHE_PATROL} is {TAIHE}'s",
            f"记为自然资源所 {LUOCUN}，而其来源巡查 {TAIHE_PATROL} 属 {TAIHE}",
        ),
    }
    brigade_login = raw(pg_database, schema, BRIGADE)
    superuser = _superuser(pg_database, schema)
    try:
        for conn in (brigade_login, superuser):
            for statement, (said_en, said_zh) in refused.items():
                with pytest.raises(psycopg2.Error) as error:
                    _as(conn, statement)
                said = error.value.diag.message_primary
                assert error.value.pgcode == "ZC001", said
                assert said_en in said and said_zh in said, said
                assert "a case must be recorded at its origin spot's office and town" in said
                assert "未保存" in said and "nothing was saved" in said
        # At its origin, by hand, the brigade's cases go in as before.
        _as(brigade_login, _case_row("spot", str(spot_id), TAIHE, TAIHE_TOWN))
        _as(brigade_login, _case_row("patrol", TAIHE_PATROL, TAIHE, None))
    finally:
        brigade_login.close()
        superuser.close()
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        # The store says the server's refusal in its words, not as a bare database error.
        refused_in_words = pytest.raises(LedgerError, match="a case must be recorded at its origin")
        with refused_in_words, brigade.transaction():
            brigade._execute(_case_row("patrol", TAIHE_PATROL, LUOCUN, None))
        stored = brigade._execute(
            "SELECT count(*), count(*) FILTER (WHERE office = %s AND (spot_id = %s "
            "OR patrol_id = %s)) FROM ledger_cases",
            (LUOCUN, spot_id, TAIHE_PATROL),
        ).fetchone()
    assert stored == (cases_before + 2, 0)


def _redelivered_case_in_a_geopackage(path) -> str:
    """A GeoPackage where 罗村 opened a case on its spot, which a re-delivery then put in 太河镇
    (its town and office changed): the case stays 罗村's, as it was opened. Its number."""
    with GeoPackageLedger(path) as store:
        store.import_batch("b", [spot("S1", 0, LUOCUN_TOWNS[0], LUOCUN)])
        store.record_verdict(1, illegal())
        case_id = store.open_case(ORIGIN_SPOT, spot_id=1)
        moved = store.spot(1)
        attributes = {**moved.attributes, "XZMC": TAIHE_TOWN, "SMC": TAIHE}
        store.import_batch("b", [SpotRecord(attributes, moved.geometry)])
        assert (store.spot(1).town, store.case_record(case_id).office) == (TAIHE_TOWN, LUOCUN)
    return case_id


def test_a_case_opened_before_its_spot_moved_to_another_office_is_copied_in(
    pg_database, schema, tmp_path
):
    """The case fits its spot as it was when opened: a copy brings it into the shared ledger
    whole; a case recorded now at the spot's old office is still refused."""
    case_id = _redelivered_case_in_a_geopackage(tmp_path / "moved.gpkg")
    with (
        GeoPackageLedger(tmp_path / "moved.gpkg") as source,
        open_store(pg_database, schema, tmp_path=tmp_path) as server,
    ):
        report = ledger_migrate.copy_ledger(source, server)
        assert report.rows[ls.T_CASES] == 1
        assert ledger_migrate.compare_ledgers(source, server, check_files=False) == []
        assert server.case_record(case_id).office == LUOCUN
    # A case recorded now at the spot's old office is not one opened before it moved. (The
    # one-case index, which would refuse it first, is dropped for the test and rolled back.)
    conn = srv.connect(dbname=pg_database)
    try:
        _as(conn, f'SET search_path TO "{schema}", public')
        _as(conn, f"DROP INDEX {ls.CASE_PER_SPOT}")
        now = _case_row("spot", "1", LUOCUN, LUOCUN_TOWNS[0]).replace("'now'", f"'{utc_now()}'")
        with pytest.raises(psycopg2.Error, match=r"but its origin spot S1 \(fid 1\) has SMC"):
            _as(conn, now)
    finally:
        conn.rollback()
        conn.close()


def _schema_9_ledger(pg_database, tmp_path) -> str:
    """A server installed by the plugin of server schema 9 and filled through its store; the
    schema's name."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(9):
            assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
            with open_store(pg_database, name, tmp_path=tmp_path) as brigade:
                fill(brigade, tmp_path)
    finally:
        admin.close()
    return name


# Every spot and history row of a schema-9 ledger, as one text; a column a later version adds
# (NULL in every row it finds) left out.
_EVERYTHING = " || ".join(
    f"coalesce((SELECT json_agg(to_jsonb(t) - '{ls.C_CORRECTED_NOTE}' ORDER BY t.{key}) "
    f"FROM {table} t)::text, '[]')"
    for table, key in (
        (ls.T_SPOTS, ls.C_FID),
        *((table, lps._history_key(table)) for table in lps.APPEND_ONLY),
    )
)


def _version(pg_database, name) -> str:
    conn = raw(pg_database, name, BRIGADE)
    try:
        return _as(conn, f"SELECT value FROM ledger_meta WHERE key = '{lps.META_POSTGIS_VERSION}'")
    finally:
        conn.close()


def test_upgrading_a_schema_9_ledger_to_10_keeps_every_row(pg_database, tmp_path):
    name = _schema_9_ledger(pg_database, tmp_path)
    conn = raw(pg_database, name, BRIGADE)
    try:
        before = _as(conn, "SELECT " + _EVERYTHING)
        admin = srv.connect(dbname=pg_database)
        try:
            assert lp.install(admin, schema=name) == []
        finally:
            admin.close()
        assert _as(conn, "SELECT " + _EVERYTHING) == before
    finally:
        conn.close()
    assert _version(pg_database, name) == str(lps.PG_SCHEMA_VERSION)
    with open_store(pg_database, name, tmp_path=tmp_path) as brigade:  # opens, and reads it all
        assert brigade.cases() and brigade.case_conflicts() == []
        # and keeps, from now on, a case step refused as made on an older view of its case
        case_id = brigade.cases()[0].case_id
        seen = brigade.case(case_id).last_record_id
        for person in ("王五", "赵六"):
            step = CaseEvent(case_id, Stage.STOP, dt.date(2026, 3, 10), person)
            with contextlib.suppress(CaseConflictError):
                brigade.add_case_event(case_id, step, seen=seen)
        assert [r["person"] for r in brigade.case_conflicts()] == ["赵六"]


def test_upgrading_to_10_keeps_and_names_cases_stored_away_from_their_origin(pg_database, tmp_path):
    """Version 9 let the brigade's login record them. The upgrade keeps them as they are (the
    history is append-only) and names each for the brigade, the other cases not; from then on
    no login records another such case."""
    name = _schema_9_ledger(pg_database, tmp_path)
    conn = raw(pg_database, name, BRIGADE)
    try:
        spot_id = _as(conn, f"SELECT fid FROM ledger_spots WHERE \"JCBH\" = '{TAIHE_SPOT}'")
        misnamed = _as(conn, _case_row("spot", str(spot_id), LUOCUN, TAIHE_TOWN))
        patrol = _as(conn, _case_row("patrol", TAIHE_PATROL, LUOCUN, None))
        before = _as(conn, "SELECT " + _EVERYTHING)
        admin = srv.connect(dbname=pg_database)
        try:
            named = lp.install(admin, schema=name)
        finally:
            admin.close()
        said = "\n".join(named)
        # Each once, in the words of whichever check met it first (the office map's, 9's).
        assert len(named) == 2
        for case in (misnamed, patrol):
            assert said.count(f"case {case} is recorded") == 1
        assert "kept as it is (append-only)" in said
        with conn.cursor() as cur:
            cur.execute(f"SELECT id FROM ledger_cases WHERE id NOT IN ({misnamed}, {patrol})")
            others = [row[0] for row in cur.fetchall()]
        assert others and not [case for case in others if f"case {case} is" in said]
        assert _as(conn, "SELECT " + _EVERYTHING) == before
        assert _as(conn, f"SELECT to_regclass('{lps.T_CASE_CONFLICTS}')") is not None
        # the rule holds new rows (test_no_login_can_record_a_case_away_from_its_origin)
        assert _as(conn, "SELECT count(*) FROM pg_trigger WHERE tgname = 'ledger_cases_of_origin'")
    finally:
        conn.close()
    assert _version(pg_database, name) == str(lps.PG_SCHEMA_VERSION)
