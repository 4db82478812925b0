"""Withdrawing a patrol recorded by mistake on the shared ledger: an office its own patrols,
the brigade any; kept, stamped with the login, append-only; never a patrol a case rests on,
even when the case is being opened at that moment (server schema 15)."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store, server_side_of_version
from tests.test_postgis_ledger import LUOCUN, LUOCUN_ROLE, TAIHE, TAIHE_ROLE, Racer, raw
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL
from zc_enforcement_plugin.core.ledger import LedgerError
from zc_enforcement_plugin.core.patrols import PatrolRecord

DAY = dt.date(2026, 3, 2)


def _patrols(store) -> None:
    store.add_patrol(PatrolRecord("XC-罗村-1", LUOCUN, DAY, ["张三"]))
    store.add_patrol(PatrolRecord("XC-罗村-2", LUOCUN, DAY, ["张三"], findings="重复登记"))
    store.add_patrol(PatrolRecord("XC-太河-1", TAIHE, DAY, ["李四"]))


def test_an_office_withdraws_its_own_patrol_and_no_other(pg_database, schema):
    with open_store(pg_database, schema) as brigade:
        _patrols(brigade)
    with open_store(pg_database, schema, user=LUOCUN_ROLE) as luocun:
        luocun.withdraw_patrol("XC-罗村-2", "与 XC-罗村-1 重复")
        assert [p.id for p in luocun.patrols()] == ["XC-罗村-1"]
        # 太河's patrol is not one 罗村 sees: said as not there, nothing withdrawn.
        with pytest.raises(LedgerError, match="not one your role may see"):
            luocun.withdraw_patrol("XC-太河-1", "误登记")
    # Nor from psql: the row security refuses it.
    conn = raw(pg_database, schema, LUOCUN_ROLE)
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ls.T_PATROL_WITHDRAWALS} ({ls.C_PATROL_NUMBER}, {ls.C_REASON}, "
                f"{ls.C_RECORDED_AT}) VALUES ('XC-太河-1', 'x', '2026-03-03T00:00:00.000Z')"
            )
    finally:
        conn.close()
    with open_store(pg_database, schema) as brigade:
        (withdrawal,) = brigade.patrol_withdrawals()
        assert (withdrawal.patrol_id, withdrawal.db_user) == ("XC-罗村-2", LUOCUN_ROLE)
        assert [p.id for p in brigade.patrols()] == ["XC-太河-1", "XC-罗村-1"]
        brigade.withdraw_patrol("XC-太河-1", "误登记")  # the brigade withdraws any
        assert [p.id for p in brigade.patrols()] == ["XC-罗村-1"]
        with pytest.raises(LedgerError, match="withdrawn already"):
            brigade.withdraw_patrol("XC-罗村-2", "again")
    with open_store(pg_database, schema, user=TAIHE_ROLE) as taihe:
        assert taihe.patrols() == [] and len(taihe.patrols(include_withdrawn=True)) == 1
    # Append-only: no login takes a withdrawal back (no right to, and the trigger besides);
    # and a reason blank as the plugin finds it is refused from psql too.
    conn = raw(pg_database, schema, BRIGADE)
    try:
        for blank in (" ", "\u3000", "\u00a0\t"):
            with pytest.raises(psycopg2.errors.CheckViolation), conn.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {ls.T_PATROL_WITHDRAWALS} ({ls.C_PATROL_NUMBER}, "
                    f"{ls.C_REASON}, {ls.C_RECORDED_AT}) VALUES ('XC-罗村-1', %s, "
                    "'2026-03-03T00:00:00.000Z')",
                    (blank,),
                )
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ls.T_PATROL_WITHDRAWALS}")
    finally:
        conn.close()
    with open_store(pg_database, schema) as brigade:
        assert len(brigade.patrol_withdrawals()) == 2


def test_a_case_and_a_withdrawal_of_one_patrol_at_once_do_not_both_pass(pg_database, schema):
    """A case being opened from the patrol, not committed yet, is not seen by the withdrawal's
    own check: the server's triggers make the withdrawal wait for it, then refuse."""
    with open_store(pg_database, schema) as brigade:
        _patrols(brigade)
    office = open_store(pg_database, schema, user=LUOCUN_ROLE)
    withdrawing = open_store(pg_database, schema)
    racer = Racer(pg_database, lambda: withdrawing.withdraw_patrol("XC-罗村-1", "误登记"))
    insert = office._insert
    started = []

    def insert_then_let_the_withdrawal_run(table, *args, **kwargs):
        row = insert(table, *args, **kwargs)
        if table == ls.T_CASES and not started:  # the case written, not committed
            started.append(True)
            racer.start_and_wait("the withdrawal")
        return row

    office._insert = insert_then_let_the_withdrawal_run
    try:
        case_id = office.open_case(ORIGIN_PATROL, patrol_id="XC-罗村-1")
        error = racer.result()
    finally:
        office.close()
        withdrawing.close()
    assert isinstance(error, LedgerError), error
    assert "cannot be withdrawn" in str(error), error
    with open_store(pg_database, schema) as brigade:
        assert brigade.patrol_withdrawals() == []
        assert [r.case_id for r in brigade.cases()] == [case_id]
        with pytest.raises(LedgerError, match=f"opened case {case_id}"):
            brigade.withdraw_patrol("XC-罗村-1", "误登记")
        brigade.withdraw_patrol("XC-罗村-2", "重复")
        with pytest.raises(LedgerError, match="XC-罗村-2 was withdrawn"):
            brigade.open_case(ORIGIN_PATROL, patrol_id="XC-罗村-2")


def test_a_server_of_schema_14_is_upgraded_with_its_patrols(pg_database):
    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = srv.connect(dbname=pg_database)
    try:
        with server_side_of_version(14):
            assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
            with open_store(pg_database, name) as brigade:
                _patrols(brigade)
        assert lp.install(admin, srv.demo_offices(), [BRIGADE], schema=name) == []
    finally:
        admin.close()
    with open_store(pg_database, name, user=LUOCUN_ROLE) as luocun:
        luocun.withdraw_patrol("XC-罗村-2", "重复")
        assert [p.id for p in luocun.patrols()] == ["XC-罗村-1"]
