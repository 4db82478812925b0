"""A connection lost while it is being set up: the server accepted it, and the network dropped
it at the store's first question (the login's rights, then search_path and lock_timeout).
Found by review behind a slow VPN: psycopg2's own "server closed the connection unexpectedly"
came out raw on opening the ledger and on a read, and a verdict save let it escape the form
(a Python error dialog in QGIS). Now it is the failed connection's LedgerError, naming the
server; nothing is saved, and the next action connects again."""

from __future__ import annotations

import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_postgis_ledger import TAIHE, TAIHE_TOWN, illegal, spot, terminate
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core.ledger import LedgerError


def _cut_at_login_check(monkeypatch) -> list[int]:
    """The next connection the store makes loses its backend at the login check, as the
    VPN dropping it there. The list fills with the connection cut (one only)."""
    check = lp.PostGISLedger._rows_problem
    cut: list[int] = []

    def dropped(self, cursor, login):
        if not cut:
            cut.append(cursor.connection.get_backend_pid())
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return check(self, cursor, login)

    monkeypatch.setattr(lp.PostGISLedger, "_rows_problem", dropped)
    return cut


def _said_as_unreachable(error: LedgerError, pg_database: str) -> None:
    message = str(error)
    assert f"127.0.0.1:{srv.PORT}/{pg_database}" in message, message
    assert "无法连接数据库服务器" in message and "cannot connect" in message, message
    assert "请检查网络" in message and "check the network" in message, message


def _ledger(pg_database, schema, tmp_path):
    store = open_store(pg_database, schema, tmp_path=tmp_path)
    store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
    return store, store.spots()[0].id


def test_opening_the_ledger_over_a_connection_cut_while_set_up(pg_database, schema, monkeypatch):
    cut = _cut_at_login_check(monkeypatch)
    with pytest.raises(LedgerError) as lost:
        lp.PostGISLedger(srv.params(BRIGADE, pg_database), schema=schema)
    assert cut, "the connection was not cut where it should have been"
    _said_as_unreachable(lost.value, pg_database)
    with lp.PostGISLedger(srv.params(BRIGADE, pg_database), schema=schema) as store:
        assert store.spots() == []  # opened the next time


def test_a_read_reconnecting_over_a_connection_cut_while_set_up(
    pg_database, schema, tmp_path, monkeypatch
):
    store, spot_id = _ledger(pg_database, schema, tmp_path)
    terminate(pg_database, store._conn.get_backend_pid())  # the server restarted meanwhile
    cut = _cut_at_login_check(monkeypatch)
    with pytest.raises(LedgerError) as lost:
        store.spot_page(spot_id)
    assert cut
    _said_as_unreachable(lost.value, pg_database)
    assert store.spot_page(spot_id).spot.id == spot_id  # the next read connects again
    store.close()


def test_a_save_reconnecting_over_a_connection_cut_while_set_up_saves_nothing(
    pg_database, schema, tmp_path, monkeypatch
):
    store, spot_id = _ledger(pg_database, schema, tmp_path)
    terminate(pg_database, store._conn.get_backend_pid())
    cut = _cut_at_login_check(monkeypatch)
    with pytest.raises(LedgerError) as lost:
        store.record_verdict(spot_id, illegal(), expected_version=0)
    assert cut
    _said_as_unreachable(lost.value, pg_database)
    assert store.verdict_history(spot_id) == [] and store.spot(spot_id).version == 0
    store.record_verdict(spot_id, illegal(), expected_version=0)  # saved the next time
    assert len(store.verdict_history(spot_id)) == 1
    store.close()
