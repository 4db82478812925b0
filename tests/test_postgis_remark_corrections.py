"""Server schema 11 on the shared ledger: a correction puts right a step's remarks too
(ledger_schema.C_CORRECTED_NOTE). The upgrade from 10 keeps every row as it was; the server
then refuses corrected remarks on a row that corrects nothing, from psql as from the plugin,
and keeps a refused correction's remarks with it."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import (
    BRIGADE,
    history_of_version,
    open_store,
    server_side_of_version,
)
from tests.test_case_corrections import RIGHT, TYPED, _case_on_s3
from tests.test_postgis_ledger import fill, raw
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import CaseConflictError

D = dt.date

# Every spot and history row of a schema 10 ledger, as one text; the new column left out, the
# rest as stored.
_EVERYTHING = " || ".join(
    f"coalesce((SELECT json_agg(to_jsonb(t) - '{ls.C_CORRECTED_NOTE}' ORDER BY t.{key}) "
    f"FROM {table} t)::text, '[]')"
    for table, key in (
        (ls.T_SPOTS, ls.C_FID),
        *((table, lps._history_key(table)) for table in history_of_version(10)),
    )
)


def _scalar(conn, statement: str, params=()):
    with conn.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def _schema_10_ledger(pg_database, tmp_path) -> tuple[str, str, int]:
    """A server installed and filled by the plugin of server schema 10, with S3's case, its
    调查 (remarks typed wrong) corrected in its date, and a correction refused as made on an
    older view of the case: (schema, case id, the 调查's row id)."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(10):
            assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
            with open_store(pg_database, name, tmp_path=tmp_path) as brigade:
                fill(brigade, tmp_path)
                case_id = _case_on_s3(brigade)
                step = CaseEvent(case_id, Stage.INVESTIGATE, D(2025, 11, 12), "李四", note=TYPED)
                step_id = brigade.add_case_event(case_id, step)
                seen = brigade.case(case_id).last_record_id
                brigade.correct_case_event(
                    case_id, step_id, date=D(2025, 11, 11), person="王五", reason="核对卷宗"
                )
                with contextlib.suppress(CaseConflictError):
                    brigade.correct_case_event(
                        case_id, step_id, date=D(2025, 11, 10), person="赵六", reason="x", seen=seen
                    )
    finally:
        admin.close()
    return name, case_id, step_id


def test_upgrading_a_schema_10_ledger_to_remark_corrections_keeps_every_row(pg_database, tmp_path):
    name, case_id, step_id = _schema_10_ledger(pg_database, tmp_path)
    conn = raw(pg_database, name, BRIGADE)
    try:
        before = _scalar(conn, "SELECT " + _EVERYTHING)
        admin = srv.connect(dbname=pg_database)
        try:
            assert lp.install(admin, schema=name) == []
        finally:
            admin.close()
        assert _scalar(conn, "SELECT " + _EVERYTHING) == before
        for table in (ls.T_CASE_EVENTS, lps.T_CASE_CONFLICTS):  # nothing corrected remarks
            assert (
                _scalar(
                    conn, f"SELECT count(*) FROM {table} WHERE {ls.C_CORRECTED_NOTE} IS NOT NULL"
                )
                == 0
            )
        assert (
            _scalar(
                conn, f"SELECT value FROM {ls.T_META} WHERE key = %s", (lps.META_POSTGIS_VERSION,)
            )
            == str(lps.PG_SCHEMA_VERSION)
            == "15"
        )
    finally:
        conn.close()
    with open_store(pg_database, name, tmp_path=tmp_path) as brigade:
        assert brigade.schema_version == ls.SCHEMA_VERSION == 9
        case = brigade.case(case_id)
        step = next(e for e in case.events if e.event_id == step_id)
        assert (step.note, step.date) == (TYPED, D(2025, 11, 11))  # read as before
        # From now on a correction puts the remarks right, and a refused one keeps them.
        seen = case.last_record_id
        brigade.correct_case_event(
            case_id, step_id, date=step.date, person="王五", reason="文号录入错误", note=RIGHT
        )
        with pytest.raises(CaseConflictError):
            brigade.correct_case_event(
                case_id,
                step_id,
                date=step.date,
                person="赵六",
                reason="文号",
                note="赵六的",
                seen=seen,
            )
        case = brigade.case(case_id)
        step = next(e for e in case.events if e.event_id == step_id)
        assert (step.note, case.as_recorded(step).note) == (RIGHT, TYPED)
        refused = brigade.case_conflicts(int(case_id))
        assert [r[ls.C_CORRECTED_NOTE] for r in refused] == [None, "赵六的"]


def test_the_server_refuses_corrected_remarks_on_a_row_correcting_nothing(pg_database, schema):
    with open_store(pg_database, schema) as store:
        case_id = _case_on_s3(store)
        filed = store.case(case_id).events[-1].event_id
    conn = raw(pg_database, schema, BRIGADE)
    insert = (
        f"INSERT INTO {ls.T_CASE_EVENTS} (case_id, stage, date, person, note, recorded_at, "
        f"{ls.C_CORRECTS}, {ls.C_CORRECTED_NOTE}) VALUES (%s, 'investigate', '2025-11-12', "
        "'x', 'why', '2025-12-01T00:00:00.000Z', %s, %s)"
    )
    try:
        with pytest.raises(psycopg2.errors.CheckViolation, match="corrected_note_of_correction"):
            conn.cursor().execute(insert, (int(case_id), None, RIGHT))
        conn.cursor().execute(insert.replace("investigate", "file"), (int(case_id), filed, RIGHT))
    finally:
        conn.close()
    with open_store(pg_database, schema) as store:
        assert store.case(case_id).events[-1].note == RIGHT
