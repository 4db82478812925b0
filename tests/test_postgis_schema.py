"""The shared ledger's server schema against hand-written SQL and several logins at once: rows
the plugin could not read are refused, one case per spot, the login saving each row, install's
own checks and limits (ledger_postgis_server, server schema versions 4 and 5)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store, server_side_of_version
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_ROLE,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_ROLE,
    TAIHE_TOWN,
    fill,
    illegal,
    raw,
    spot,
)
from zc_enforcement_plugin.core import export, ledger_migrate, report_ranking
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.bidi import isolated
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import (
    ConflictError,
    GeoPackageLedger,
    LedgerError,
    SpotRecord,
)
from zc_enforcement_plugin.core.ledger_migrate import copy_ledger
from zc_enforcement_plugin.core.report_basis import Period
from zc_enforcement_plugin.core.workdays import WorkCalendar

OLD_VERSION = 3  # the server schema before the checks, the index and db_user


def _spot_of(store, number: str) -> int:
    return next(s.id for s in store.spots() if s.number == number)


def _install(pg_database, name: str, upto: int | None = None) -> list[str]:
    """install, as the plugin of server schema `upto` would have run it (None: this one)."""
    admin = srv.connect(dbname=pg_database)
    version = lps.PG_SCHEMA_VERSION if upto is None else upto
    try:
        with server_side_of_version(version):
            return lp.install(
                admin, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name
            )
    finally:
        admin.close()


def test_an_office_cannot_write_by_hand_a_row_the_plugin_could_not_read(
    pg_database, schema, tmp_path
):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        mine = _spot_of(brigade, "37030220260003")
        case = next(r.case_id for r in brigade.cases() if r.office == LUOCUN and r.spot_id)
    conn = raw(pg_database, schema, LUOCUN_ROLE)
    cur = conn.cursor()
    verdict = (
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, areas, "
        f"details, recorded_at) VALUES ({mine}, '违法', '未报即用', 'x', '2026-03-01', %s, %s, "
        "'2026-03-01T00:00:00.000Z')"
    )
    event = (
        "INSERT INTO ledger_case_events (case_id, stage, date, person, documents, evidence_ids, "
        f"measured_on, recorded_at) VALUES ({case}, %s, '2026-03-02', 'x', %s, %s, %s, %s)"
    )
    good_event = ("verify", "[]", "[]", None, "2026-03-02T00:00:00.000Z")
    refused = [
        (verdict, ("oops", "{}")),
        (verdict, ('{"GDMJ": "很多"}', "{}")),  # areas are m², numbers
        (verdict, ("[]", "{}")),
        (verdict, ("{}", "oops")),
        (verdict, ("{}", "[1]")),
        (event, ("verify", "oops", "[]", None, good_event[4])),
        (event, ("verify", '{"a": 1}', "[]", None, good_event[4])),
        (event, ("verify", "[1]", "[]", None, good_event[4])),  # documents are names
        (event, ("verify", "[]", "oops", None, good_event[4])),
        (event, ("verify", "[]", "[]", "2026/3/2", good_event[4])),
        (event, ("verify", "[]", "[]", None, "now")),
        (event, ("verified", "[]", "[]", None, good_event[4])),  # no such stage
        (
            "INSERT INTO ledger_patrols (patrol_number, office, date, staff, recorded_at) "
            f"VALUES ('XC-HAND', '{LUOCUN}', '2026-03-02', 'oops', 'now')",
            (),
        ),
    ]
    for statement, values in refused:
        with pytest.raises(psycopg2.errors.CheckViolation):
            cur.execute(statement, values)
    # What the plugin writes is still taken by hand: the checks are not refusing everything.
    cur.execute(verdict, ('{"GDMJ": 120.0}', '{"party": "某公司"}'))
    cur.execute(
        event, ("stop", '["责令停止违法行为通知书"]', '["3", 4]', "2026-03-02", good_event[4])
    )
    conn.close()
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert luocun.verdict_history(mine)[-1].areas == {"GDMJ": 120.0}


def _row_from_before(pg_database, schema, table: str, constraint: str, insert: str) -> int:
    """A row written by hand before the check: the superuser lifts it, inserts, puts it back
    NOT VALID, as migration 4 left it on a server that held such a row. Its id."""
    condition = next(c for t, n, c in lps._row_checks() if n == constraint)
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}", public')
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
            cur.execute(insert + " RETURNING id")
            row = cur.fetchone()[0]
            cur.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {constraint} CHECK ({condition}) NOT VALID"
            )
        admin.commit()
    finally:
        admin.close()
    return row


def test_an_unreadable_verdict_from_before_is_named_and_left_out_of_reports(
    pg_database, schema, tmp_path
):
    """A row an office wrote by hand before the checks: install names it (the row kept), the
    spot's history is a LedgerError naming the spot and the row, and the ranking and the
    export leave that verdict out with a warning."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        mine = _spot_of(brigade, "37030220260003")
        case = next(r.case_id for r in brigade.cases() if r.office == LUOCUN and r.spot_id)
    bad = _row_from_before(
        pg_database,
        schema,
        ls.T_VERDICTS,
        "ledger_verdicts_areas_json",
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, areas, "
        f"recorded_at) VALUES ({mine}, '违法', '未报即用', 'x', '2026-03-01', 'oops', "
        "'2026-03-01T00:00:00.000Z')",
    )
    bad_event = _row_from_before(
        pg_database,
        schema,
        ls.T_CASE_EVENTS,
        "ledger_case_events_documents_json",
        "INSERT INTO ledger_case_events (case_id, stage, date, person, documents, "
        f"recorded_at) VALUES ({case}, 'stop', '2026-03-07', 'x', 'oops', "
        "'2026-03-07T00:00:00.000Z')",
    )
    said = "\n".join(_install(pg_database, schema))
    assert f"rows {bad} of ledger_verdicts break ledger_verdicts_areas_json" in said
    assert f"rows {bad_event} of ledger_case_events break ledger_case_events_documents_json" in said
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        # kept as it was
        assert brigade._scalar(f"SELECT areas FROM ledger_verdicts WHERE id = {bad}") == "oops"
        with pytest.raises(LedgerError, match="spot 37030220260003 in .* cannot be read") as e:
            brigade.verdict_history(mine)
        assert f"(id {bad})" in str(e.value) and "areas" in str(e.value)
        histories = brigade.verdict_histories([s.id for s in brigade.spots()])
        assert histories[mine] == [] and len([h for h in histories.values() if h]) == 3
        [left_out] = brigade.unreadable_verdicts
        assert f"(id {bad})" in left_out
        report = report_ranking.monthly_ranking(
            brigade, Period.month(2026, 3), WorkCalendar(), as_of=dt.date(2026, 4, 3)
        )
        assert left_out in report.warnings
        assert any(f"case {case} in " in w for w in report.warnings)
        rows = export.verification_rows(brigade)
        assert len(rows) == 7 and brigade.unreadable_verdicts == [left_out]


def test_an_unreadable_verdict_in_a_geopackage_is_named_not_a_json_traceback(tmp_path):
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        store.import_batch("b", [spot("S1", 0, LUOCUN_TOWNS[0], LUOCUN)])
        store.record_verdict(1, illegal())
    conn = sqlite3.connect(str(path))
    conn.execute("DROP TRIGGER ledger_verdicts_no_update")
    conn.execute("UPDATE ledger_verdicts SET details = 'oops'")
    conn.commit()
    conn.close()
    with GeoPackageLedger(path) as store:
        with pytest.raises(LedgerError, match="verdict \\(id 1\\) of spot S1 .* details"):
            store.verdict_history(1)
        assert store.verdict_histories([1]) == {1: []} and store.unreadable_verdicts


def test_a_spot_delivered_again_to_another_office_keeps_its_one_case(pg_database, schema):
    """罗村 opened a case; the spot is delivered again in 太河's town. 太河 does not see 罗村's
    case (row security) and would open a second one: refused, without 罗村's data."""
    batch = "2026年第1季度"
    number = "370302202600000"
    with open_store(pg_database, schema) as brigade:
        brigade.import_batch(batch, [spot(number, 0, LUOCUN_TOWNS[0], LUOCUN)])
        spot_id = _spot_of(brigade, number)
    with open_store(pg_database, schema, LUOCUN_ROLE) as luocun:
        luocun.record_verdict(spot_id, illegal(verifier="罗村李四"))
        first = luocun.open_case(ORIGIN_SPOT, spot_id=spot_id)
    with open_store(pg_database, schema) as brigade:
        moved = brigade.spot(spot_id)
        attributes = dict(moved.attributes)
        attributes.update({"XZMC": TAIHE_TOWN, "SMC": TAIHE})
        brigade.import_batch(batch, [SpotRecord(attributes, moved.geometry)])
    with open_store(pg_database, schema, TAIHE_ROLE) as taihe:
        assert taihe.spot(spot_id).town == TAIHE_TOWN and taihe.cases() == []
        with pytest.raises(LedgerError) as refused:
            taihe.open_case(ORIGIN_SPOT, spot_id=spot_id)
        message = str(refused.value)
        assert f"spot {number} already has a case (held by another office)" in message
        assert f"图斑 {number} 已有案件（由其他所办理）" in message
        assert LUOCUN not in message and f"case {first}" not in message
    with open_store(pg_database, schema) as brigade:
        assert [r.case_id for r in brigade.cases()] == [first]


def test_a_second_case_on_a_spot_is_refused_in_a_geopackage_too(tmp_path):
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        store.import_batch("b", [spot("S1", 0, LUOCUN_TOWNS[0], LUOCUN)])
        store.record_verdict(1, illegal())
        store.open_case(ORIGIN_SPOT, spot_id=1)
    conn = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.IntegrityError, match="spot already has a case"):
        conn.execute(
            "INSERT INTO ledger_cases (origin, spot_id, office, opened_at, recorded_at) "
            "VALUES ('spot', 1, 'x', '2026-03-02', 'now')"
        )
    conn.close()


def _old_server_with_a_spot(pg_database) -> tuple[str, int]:
    """A server schema as the previous plugin installed it (version 3), holding one spot of
    罗村镇 written as the brigade's import would (by hand: this plugin reads only version 4)."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    assert _install(pg_database, name, upto=OLD_VERSION) == []
    conn = raw(pg_database, name, BRIGADE)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_batches (name, imported_at, updated_at) "
            "VALUES ('b', 'now', 'now') RETURNING id"
        )
        batch = cur.fetchone()[0]
        cur.execute(
            'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", "SMC", attributes, imported_at, '
            f"updated_at) VALUES ({batch}, 'S1', '{LUOCUN_TOWNS[0]}', '{LUOCUN}', '{{}}', 'now', "
            "'now') RETURNING fid"
        )
        spot_id = cur.fetchone()[0]
    conn.close()
    return name, spot_id


def _by_hand(pg_database, schema, login: str, statement: str):
    conn = raw(pg_database, schema, login)
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
            return cur.fetchone()[0] if cur.description else None
    finally:
        conn.close()


def _case_by_hand(spot_id: int, recorded_at: str) -> str:
    """The INSERT of a 罗村 case on a spot, as an office could type it before the server's
    one-case index (the row-security bug let a second one in); it returns the new id."""
    return (
        "INSERT INTO ledger_cases (origin, spot_id, office, town, opened_at, recorded_at) "
        f"VALUES ('spot', {spot_id}, '{LUOCUN}', '{LUOCUN_TOWNS[0]}', '2026-03-02', "
        f"'{recorded_at}') RETURNING id"
    )


def test_upgrading_a_server_holding_bad_rows_and_two_cases_on_a_spot_names_them(pg_database):
    name, spot_id = _old_server_with_a_spot(pg_database)
    case = _case_by_hand(spot_id, "now")
    first = _by_hand(pg_database, name, LUOCUN_ROLE, case)
    second = _by_hand(pg_database, name, LUOCUN_ROLE, case)
    bad = _by_hand(
        pg_database,
        name,
        LUOCUN_ROLE,
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, areas, "
        f"recorded_at) VALUES ({spot_id}, '违法', '未报即用', 'x', '2026-03-01', 'oops', 'now') "
        "RETURNING id",
    )
    problems = _install(pg_database, name)
    said = "\n".join(problems)
    assert f"spot S1 (fid {spot_id}) holds cases {first}, {second}" in said
    assert f"rows {bad} of ledger_verdicts break ledger_verdicts_areas_json" in said
    with open_store(pg_database, name) as brigade:  # the upgrade went through
        assert brigade._scalar(
            "SELECT value FROM ledger_meta WHERE key = %s", (lps.META_POSTGIS_VERSION,)
        ) == str(lps.PG_SCHEMA_VERSION)
        with pytest.raises(LedgerError, match=f"verdict \\(id {bad}\\) of spot S1"):
            brigade.verdict_history(spot_id)
    # the index holds from now on: a third case on the spot is refused, a bad row too
    with pytest.raises(psycopg2.errors.UniqueViolation):
        _by_hand(pg_database, name, BRIGADE, case)
    with pytest.raises(psycopg2.errors.CheckViolation):
        _by_hand(
            pg_database,
            name,
            LUOCUN_ROLE,
            "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
            f"areas, recorded_at) VALUES ({spot_id}, '违法', '未报即用', 'x', '2026-03-01', "
            "'oops', 'now')",
        )


def test_each_history_row_records_the_login_that_saved_it(pg_database):
    """Rows from before the column say unknown (NULL); new rows get their login, which an
    office cannot type over; a refused save names the login of the verdict it met."""
    name, spot_id = _old_server_with_a_spot(pg_database)
    old = _by_hand(
        pg_database,
        name,
        BRIGADE,
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
        f"recorded_at) VALUES ({spot_id}, '违法', '未报即用', '张三', '2026-03-01', "
        "'2026-03-01T00:00:00.000Z') RETURNING id",
    )
    assert _install(pg_database, name) == []
    with open_store(pg_database, name, LUOCUN_ROLE) as luocun:
        seen = luocun.spot(spot_id).version
        assert luocun.verdict_history(spot_id)[-1].db_user is None
        luocun.record_verdict(spot_id, illegal(verifier="王五"), expected_version=seen)
    typed_over = _by_hand(
        pg_database,
        name,
        LUOCUN_ROLE,
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
        f"recorded_at, db_user) VALUES ({spot_id}, '违法', '未报即用', '大队', '2026-03-01', "
        f"'now', '{BRIGADE}') RETURNING db_user",
    )
    assert typed_over == LUOCUN_ROLE
    with open_store(pg_database, name) as brigade:
        history = brigade.verdict_history(spot_id)
        assert [(v.id == old, v.db_user) for v in history] == [
            (True, None),
            (False, LUOCUN_ROLE),
            (False, LUOCUN_ROLE),
        ]
        with pytest.raises(ConflictError) as refused:
            brigade.record_verdict(spot_id, illegal(verifier="李四"), expected_version=seen)
        assert f"saved by login {isolated(LUOCUN_ROLE)}" in str(refused.value)
        assert f"由登录 {isolated(LUOCUN_ROLE)} 保存" in str(refused.value)
        [kept] = brigade.conflicts(spot_id)
        assert kept["db_user"] == BRIGADE
        for table in lps.HISTORY_WITH_LOGIN:
            assert brigade._scalar(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND column_name = 'db_user'",
                (name, table),
            ), table


def test_install_by_a_role_without_the_rights_says_who_must_run_it(pg_database):
    weak = f"zc_weak_{uuid.uuid4().hex[:6]}"
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {weak} NOLOGIN")
            cursor.execute(f"SET ROLE {weak}")
        with pytest.raises(LedgerError) as refused:
            lp.install(admin, offices={"zc_office_t1": ("罗村自然资源所", ["罗村镇"])})
        message = str(refused.value)
        assert weak in message and "CREATEROLE" in message and "superuser" in message
        assert f"owner of database {pg_database}" in message and "nothing was changed" in message
    finally:
        admin.rollback()
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP ROLE {weak}")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'zc_office_t1'")
            assert cursor.fetchone() is None
        admin.close()


def test_a_ledger_login_idle_inside_a_transaction_is_cut_off(pg_database, schema):
    """A frozen client must not hold a spot's lock for hours: the server ends its session."""
    for login in (BRIGADE, LUOCUN_ROLE, TAIHE_ROLE):
        conn = raw(pg_database, schema, login)
        with conn.cursor() as cur:
            cur.execute("SHOW idle_in_transaction_session_timeout")
            assert cur.fetchone()[0] == lps.IDLE_IN_TRANSACTION_TIMEOUT, login
        conn.close()


def test_a_new_server_validates_every_check(pg_database, schema):
    """On a new server every check holds for every row (none is left NOT VALID)."""
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cur:
            names = [check[1] for check in lps._row_checks()]
            cur.execute(
                "SELECT conname, convalidated FROM pg_constraint c JOIN pg_namespace n "
                "ON n.oid = c.connamespace WHERE n.nspname = %s AND conname = ANY(%s)",
                (schema, names),
            )
            assert dict(cur.fetchall()) == {n: True for n in names}
    finally:
        admin.close()


def test_a_createrole_owner_of_the_database_may_install(pg_database):
    """Not only a superuser: a role with CREATEROLE that owns the database installs a ledger
    (it grants itself zc_owner to create the schema in that role's name)."""
    dba = f"zc_dba_{uuid.uuid4().hex[:6]}"
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute(f"CREATE ROLE {dba} LOGIN CREATEROLE PASSWORD %s", (srv.password_for(dba),))
        cursor.execute(f'ALTER DATABASE "{pg_database}" OWNER TO {dba}')
    try:
        conn = srv.connect(dba, dbname=pg_database)
        try:
            problems = lp.install(
                conn, offices=srv.demo_offices(), brigade_logins=[BRIGADE], schema=name
            )
        finally:
            conn.close()
        assert problems == []
        with open_store(pg_database, name) as brigade:
            assert brigade.spots() == [] and brigade.sees_every_office
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{pg_database}" OWNER TO "{superuser}"')
            cursor.execute(f"DROP OWNED BY {dba}")
            cursor.execute(f"DROP ROLE {dba}")
        admin.close()


# --- copying a ledger that already holds two cases on one spot ---------------------------------
def _two_cases_in_a_geopackage(path) -> int:
    """A GeoPackage holding two cases on spot 1, each with its events, as an older release or a
    copy of such a server left it (written past the trigger, which refuses it since version 6);
    the spot's fid."""
    with GeoPackageLedger(path) as store:
        store.import_batch("b", [spot("S1", 0, LUOCUN_TOWNS[0], LUOCUN)])
        store.record_verdict(1, illegal())
        store.open_case(ORIGIN_SPOT, spot_id=1)
    conn = sqlite3.connect(str(path))
    conn.execute(f"DROP TRIGGER {ls.CASE_PER_SPOT}")
    _repeat(conn, ls.T_CASES, "id = 1", {"id": "2"})
    _repeat(conn, ls.T_CASE_EVENTS, "case_id = 1", {"id": "NULL", "case_id": "2"})
    conn.execute(ls.CASE_PER_SPOT_TRIGGER)
    conn.commit()
    conn.close()
    return 1


NOW = "2026-03-02T08:00:00.000Z"


def _repeat(conn, table: str, where: str, changed: dict[str, str]) -> None:
    """Insert again the rows of `table` matching `where`, the `changed` columns set anew."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    values = ", ".join(changed.get(c, f'"{c}"') for c in columns)
    conn.execute(f"INSERT INTO {table} SELECT {values} FROM {table} WHERE {where}")


def _copied_whole(source, target) -> None:
    """Every case and event of `source` is in `target` unchanged; the copy warned of the spot
    and refuses a new case on it, as the source does."""
    report = copy_ledger(source, target)
    assert [p for p in report.problems if "spot fid 1 holds cases 1, 2" in p]
    for table in (ls.T_CASES, ls.T_CASE_EVENTS):
        columns, rows = ledger_migrate.ledger_rows(source, table)
        copied = ledger_migrate.ledger_rows(target, table)
        assert (sorted(copied[0]), len(rows)) == (sorted(columns), report.rows[table])
        assert copied == (columns, rows)
    assert len({r[columns.index("case_id")] for r in rows}) == 2  # events of both cases
    assert ledger_migrate.compare_ledgers(source, target, check_files=False) == []
    with pytest.raises((LedgerError, psycopg2.Error, sqlite3.IntegrityError)):
        target.open_case(ORIGIN_SPOT, spot_id=1)
    assert len(target.cases()) == 2


def test_a_geopackage_holding_two_cases_on_a_spot_copies_to_a_geopackage(tmp_path):
    _two_cases_in_a_geopackage(tmp_path / "two.gpkg")
    (tmp_path / "copy").mkdir()
    with (
        GeoPackageLedger(tmp_path / "two.gpkg") as source,
        GeoPackageLedger(tmp_path / "copy" / "ledger.gpkg") as target,
    ):
        _copied_whole(source, target)
    conn = sqlite3.connect(str(tmp_path / "copy" / "ledger.gpkg"))  # the trigger is back
    with pytest.raises(sqlite3.IntegrityError, match="spot already has a case"):
        conn.execute(
            f"INSERT INTO {ls.T_CASES} (origin, spot_id, office, opened_at, recorded_at) "
            "VALUES ('spot', 1, 'x', '2026-03-02', 'now')"
        )
    conn.close()


def test_a_geopackage_holding_two_cases_on_a_spot_copies_to_a_new_server(
    pg_database, schema, tmp_path
):
    _two_cases_in_a_geopackage(tmp_path / "two.gpkg")
    with (
        GeoPackageLedger(tmp_path / "two.gpkg") as source,
        open_store(pg_database, schema, tmp_path=tmp_path) as server,
    ):
        _copied_whole(source, server)
    # the index is back, with the copied pair left out as the upgrade leaves it
    with pytest.raises(psycopg2.errors.UniqueViolation, match=ls.CASE_PER_SPOT):
        _by_hand(pg_database, schema, BRIGADE, _case_by_hand(1, "now"))
    # the drop a copy makes is refused once a case is stored, and an office may not call it
    with pytest.raises(psycopg2.errors.RaiseException, match="its index stays"):
        _by_hand(pg_database, schema, BRIGADE, f"SELECT {lps.UNINDEX_CASES}()")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _by_hand(pg_database, schema, LUOCUN_ROLE, f"SELECT {lps.UNINDEX_CASES}()")


def test_a_server_holding_two_cases_on_a_spot_copies_to_a_geopackage(pg_database, tmp_path):
    name, spot_id = _old_server_with_a_spot(pg_database)
    case = _case_by_hand(spot_id, NOW)
    first = _by_hand(pg_database, name, LUOCUN_ROLE, case)
    second = _by_hand(pg_database, name, LUOCUN_ROLE, case)
    for case_id in (first, second):  # each with its history, which is copied too
        _by_hand(
            pg_database,
            name,
            LUOCUN_ROLE,
            "INSERT INTO ledger_case_events (case_id, stage, date, person, recorded_at) "
            f"VALUES ({case_id}, 'discover', '2026-03-02', '李四', '{NOW}')",
        )
    assert (spot_id, first, second) == (1, 1, 2)  # what _copied_whole looks for
    said = "\n".join(_install(pg_database, name))
    assert "The extra case stays in the ledger" in said and "close the extra" not in said
    with (
        open_store(pg_database, name) as server,
        GeoPackageLedger(tmp_path / "copy.gpkg") as target,
    ):
        _copied_whole(server, target)


def test_a_copy_into_a_server_installed_before_the_index_functions_is_refused_in_words(
    pg_database, schema, tmp_path
):
    _two_cases_in_a_geopackage(tmp_path / "two.gpkg")
    admin = srv.connect(dbname=pg_database)
    with admin.cursor() as cur:  # as an install of the plugin before them left the server
        cur.execute(f'DROP FUNCTION "{schema}".{lps.UNINDEX_CASES}()')
    admin.commit()
    admin.close()
    with (
        GeoPackageLedger(tmp_path / "two.gpkg") as source,
        open_store(pg_database, schema, tmp_path=tmp_path) as server,
    ):
        with pytest.raises(LedgerError, match="run ledger_postgis.install again"):
            copy_ledger(source, server)
        assert server.cases() == []


def _verdict_by_hand(spot_id: int, category: str, kind: str | None) -> str:
    """The INSERT of a verdict as an office could type it in psql; it returns the new id."""
    kind_sql = "NULL" if kind is None else f"'{kind}'"
    return (
        "INSERT INTO ledger_verdicts (spot_id, category, kind, approval_number, verifier, "
        f"verified_on, recorded_at) VALUES ({spot_id}, '{category}', {kind_sql}, 'x', 'x', "
        "'2026-03-01', '2026-03-01T00:00:00.000Z') RETURNING id"
    )


def test_a_verdicts_kind_must_be_one_its_category_knows(pg_database, schema, tmp_path):
    """Version 5: `kind` was free text on the server while the category was checked. A kind
    no category lists, one of another category's, or none, is refused by hand as by the
    plugin, on the verdicts and on the saves kept as conflicts; every listed one is taken."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        mine = _spot_of(brigade, "37030220260003")
    for category, kind in (
        ("违法", "乱写"),
        ("违法", "农转用"),
        ("合法", "伪变化"),
        ("其他", None),
    ):
        with pytest.raises(psycopg2.errors.CheckViolation, match="ledger_verdicts_kind_known"):
            _by_hand(pg_database, schema, LUOCUN_ROLE, _verdict_by_hand(mine, category, kind))
    with pytest.raises(psycopg2.errors.CheckViolation, match="verdict_conflicts_kind_known"):
        _by_hand(
            pg_database,
            schema,
            LUOCUN_ROLE,
            "INSERT INTO ledger_verdict_conflicts (spot_id, expected_version, current_version, "
            f"category, kind, verifier, recorded_at) VALUES ({mine}, 0, 1, '违法', '乱写', 'x', "
            "'2026-03-01T00:00:00.000Z') RETURNING id",
        )
    for category, kinds in ls.VERDICT_KINDS.items():
        for kind in kinds:
            _by_hand(pg_database, schema, LUOCUN_ROLE, _verdict_by_hand(mine, category, kind))


def test_upgrading_from_version_4_keeps_a_verdict_of_unknown_kind_and_names_it(pg_database):
    """A server at version 4 holding a verdict typed by hand with a kind no category lists:
    the upgrade to 5 keeps the row (history is append-only) and names table, row and check;
    the check holds for every new row. A table with no such row has its check validated."""
    name, spot_id = _old_server_with_a_spot(pg_database)  # version 3: no checks at all
    assert _install(pg_database, name, upto=4) == []
    bad = _by_hand(pg_database, name, LUOCUN_ROLE, _verdict_by_hand(spot_id, "违法", "乱写"))
    good = _by_hand(pg_database, name, LUOCUN_ROLE, _verdict_by_hand(spot_id, "违法", "未报即用"))
    said = "\n".join(_install(pg_database, name))
    assert f"rows {bad} of ledger_verdicts break ledger_verdicts_kind_known" in said, said
    assert f"ledger_verdicts 中第 {bad} 行不符合 ledger_verdicts_kind_known" in said
    assert f"rows {bad}, {good} " not in said  # only the row breaking it
    assert "the plugin reads them" in said and "every new row is checked" in said
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cur:
            cur.execute(
                "SELECT conname, convalidated FROM pg_constraint c JOIN pg_namespace n "
                "ON n.oid = c.connamespace WHERE n.nspname = %s AND conname LIKE '%%kind_known'",
                (name,),
            )
            assert dict(cur.fetchall()) == {
                "ledger_verdicts_kind_known": False,  # the kept row breaks it
                "ledger_verdict_conflicts_kind_known": True,
            }
    finally:
        admin.close()
    with open_store(pg_database, name) as brigade:  # the upgrade went through, the row kept
        assert brigade._scalar(
            "SELECT value FROM ledger_meta WHERE key = %s", (lps.META_POSTGIS_VERSION,)
        ) == str(lps.PG_SCHEMA_VERSION)
        assert [v.kind for v in brigade.verdict_history(spot_id)] == ["乱写", "未报即用"]
    with pytest.raises(psycopg2.errors.CheckViolation, match="ledger_verdicts_kind_known"):
        _by_hand(pg_database, name, LUOCUN_ROLE, _verdict_by_hand(spot_id, "违法", "乱写"))


def test_upgrading_to_version_9_keeps_every_case_and_refuses_one_in_another_offices_name(
    pg_database, tmp_path
):
    """A server of version 8 holding 太河's own cases and one it recorded in 罗村's name: the
    upgrade keeps every case and event row as it was; from then on such a case is refused and
    太河's own, from a spot and from a patrol, still go in (by hand and through the plugin).
    The upgrade to version 10 then keeps it too, named again (test_postgis_case_origin)."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    assert _install(pg_database, name, upto=8) == []
    brigade = raw(pg_database, name, BRIGADE)
    with brigade.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_batches (name, imported_at, updated_at) "
            "VALUES ('b', 'now', 'now') RETURNING id"
        )
        batch = cur.fetchone()[0]
        spots = []
        for number in ("S1", "S2"):
            cur.execute(
                'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", "SMC", attributes, '
                f"imported_at, updated_at) VALUES ({batch}, '{number}', '{TAIHE_TOWN}', "
                f"'{TAIHE}', '{{}}', 'now', 'now') RETURNING fid"
            )
            spots.append(cur.fetchone()[0])
            cur.execute(
                "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
                f"recorded_at) VALUES ({spots[-1]}, '违法', '未报即用', '李四', '2026-03-05', "
                "'2026-03-05T00:00:00.000Z')"
            )
        cur.execute(
            "INSERT INTO ledger_patrols (patrol_number, office, date, staff, recorded_at) "
            f"VALUES ('XC-1', '{TAIHE}', '2026-03-05', '[\"李四\"]', 'now')"
        )
    cases = {
        "own spot": ("spot", spots[0], TAIHE),
        "own patrol": ("patrol", "'XC-1'", TAIHE),
        "罗村's name": ("patrol", "'XC-1'", LUOCUN),  # what version 8 let through
    }
    for origin, of, office in cases.values():
        column = "spot_id" if origin == "spot" else "patrol_id"
        case = _by_hand(
            pg_database,
            name,
            TAIHE_ROLE,
            f"INSERT INTO ledger_cases (origin, {column}, office, town, opened_at, recorded_at) "
            f"VALUES ('{origin}', {of}, '{office}', '{TAIHE_TOWN}', '2026-03-05', 'now') "
            "RETURNING id",
        )
        _by_hand(
            pg_database,
            name,
            TAIHE_ROLE,
            "INSERT INTO ledger_case_events (case_id, stage, date, person, recorded_at) VALUES "
            f"({case}, 'discover', '2026-03-05', '李四', '2026-03-05T00:00:00.000Z') RETURNING id",
        )
    everything = (
        "SELECT (SELECT json_agg(c ORDER BY id) FROM ledger_cases c)::text || "
        # The corrected remarks of version 11 left out: NULL in every row it finds.
        f"(SELECT json_agg(to_jsonb(e) - '{ls.C_CORRECTED_NOTE}' ORDER BY id) "
        "FROM ledger_case_events e)::text"
    )
    before = _by_hand(pg_database, name, BRIGADE, everything)
    misnamed = _by_hand(
        pg_database, name, BRIGADE, f"SELECT id FROM ledger_cases WHERE office = '{LUOCUN}'"
    )
    # Named to the brigade (it counts in 罗村's ranking), not mended: the history is kept.
    assert _install(pg_database, name, upto=9) == [
        f"案件 {misnamed} 记在 {LUOCUN} 名下，但其乡镇 {TAIHE_TOWN} 或巡查（{TAIHE}）不属于该所："
        "已保留原样（只增不删），月度排名仍计入该所，请执法监察大队核查 / case "
        f"{misnamed} is recorded in the name of {LUOCUN}, but its town {TAIHE_TOWN} or its "
        f"patrol's office ({TAIHE}) is not that office's: it is kept as it is (append-only) "
        "and counted in that office's monthly ranking; the brigade should check it"
    ]
    assert _by_hand(pg_database, name, BRIGADE, everything) == before
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _by_hand(
            pg_database,
            name,
            TAIHE_ROLE,
            "INSERT INTO ledger_cases (origin, patrol_id, office, town, opened_at, recorded_at) "
            f"VALUES ('patrol', 'XC-1', '{LUOCUN}', '{TAIHE_TOWN}', '2026-03-05', 'now')",
        )
    with server_side_of_version(9), open_store(pg_database, name, TAIHE_ROLE, tmp_path) as taihe:
        assert len(taihe.cases()) == 3  # the one in 罗村's name too: its town is 太河镇
        taihe.open_case(ORIGIN_SPOT, spot_id=spots[1])
        taihe.open_case(ORIGIN_PATROL, patrol_id="XC-1")
        assert [(r.origin, r.office) for r in taihe.cases()][3:] == [
            (ORIGIN_SPOT, TAIHE),
            (ORIGIN_PATROL, TAIHE),
        ]
    # Version 10 holds every login's new case to its origin; the case stored before is kept,
    # and named at the upgrade as at every install since 9 (once: not a second time by 10's rule).
    at_9 = _by_hand(pg_database, name, BRIGADE, everything)
    named = _install(pg_database, name)
    assert len(named) == 1 and f"case {misnamed} is recorded in the name of {LUOCUN}" in named[0]
    assert _by_hand(pg_database, name, BRIGADE, everything) == at_9
    brigade.close()
