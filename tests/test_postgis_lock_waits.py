"""Waits for a lock on the shared ledger's tables are bounded, and when one runs out the message
names who holds the tables: an administrator's upgrade while an office is mid-save (found by
review: install waited for the office's open transaction, up to the 5-minute idle cut-off, and
every other user's save queued frozen behind it), and a save queued behind an upgrade."""

from __future__ import annotations

import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_postgis_ledger import LUOCUN_ROLE, TAIHE, TAIHE_TOWN, illegal, raw, spot
from tests.test_postgis_schema import _install
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_postgis_locks as locks
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core.ledger import LedgerError

OLD = 7  # a server schema the current one migrates from by creating triggers on history tables


def _schema_state(pg_database, name: str) -> tuple[str, int]:
    """(the server schema version stored, the triggers on the schema's tables)."""
    admin = srv.connect(dbname=pg_database)
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                f'SELECT value FROM "{name}".ledger_meta WHERE key = %s',
                (lps.META_POSTGIS_VERSION,),
            )
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
                (name,),
            )
            return version, cursor.fetchone()[0]
    finally:
        admin.close()


def test_an_upgrade_while_an_office_is_mid_save_is_refused_naming_the_session(
    pg_database, monkeypatch
):
    name = f"t_{uuid.uuid4().hex[:10]}"
    _install(pg_database, name, upto=OLD)
    brigade = raw(pg_database, name, BRIGADE)
    with brigade.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_batches (name, imported_at, updated_at) "
            "VALUES ('b', 'now', 'now') RETURNING id"
        )
        batch = cursor.fetchone()[0]
        cursor.execute(
            'INSERT INTO ledger_spots (batch_id, "JCBH", "XZMC", "SMC", attributes, '
            "imported_at, updated_at) VALUES (%s, 'S1', '罗村镇', '罗村自然资源所', '{}', "
            "'now', 'now') RETURNING fid",
            (batch,),
        )
        spot_id = cursor.fetchone()[0]
    before = _schema_state(pg_database, name)
    # The office, inside a save: its verdict sent, the COMMIT not yet. (application_name
    # is ASCII on the server: other characters arrive as "?")
    office = psycopg2.connect(
        **{**srv.params(LUOCUN_ROLE, pg_database), "application_name": "luocun-qgis"},
        options=f"-csearch_path={name},public",
    )
    with office.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, "
            "recorded_at) VALUES (%s, '违法', '未报即用', '张三', '2026-11-20', "
            "'2026-11-27T10:00:00.000Z')",
            (spot_id,),
        )
    monkeypatch.setattr(locks, "INSTALL_LOCK_WAIT_SECONDS", 1.0)
    with pytest.raises(LedgerError) as refused:
        _install(pg_database, name)
    message = str(refused.value)
    assert LUOCUN_ROLE in message and "luocun-qgis" in message, message
    assert "idle in transaction" in message and "北京时间" in message, message
    assert f"仍为 {OLD}" in message and f"still at version {OLD}" in message, message
    assert "nobody is saving" in message and "ledger_postgis.install" in message, message
    assert _schema_state(pg_database, name) == before  # nothing half-migrated
    # The office's save was never disturbed; once it is in, the upgrade goes through.
    office.commit()
    office.close()
    assert _install(pg_database, name) == []
    assert _schema_state(pg_database, name)[0] == str(lps.PG_SCHEMA_VERSION)
    with brigade.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_verdicts WHERE spot_id = %s", (spot_id,))
        assert cursor.fetchone()[0] == 1
    brigade.close()


def test_a_save_queued_behind_an_upgrade_ends_with_a_message_naming_it(
    pg_database, schema, monkeypatch
):
    """The plugin's own saves (and reads) wait LOCK_WAIT_SECONDS for any lock, not only a
    spot's: one blocked by an upgrade holding a history table is refused in words, nothing
    saved, and goes through once the upgrade is over."""
    monkeypatch.setattr(lp, "LOCK_WAIT_SECONDS", 1.0)  # read when the store connects
    store = open_store(pg_database, schema)
    store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
    spot_id = store.spots()[0].id
    upgrade = srv.connect(dbname=pg_database, application_name="ledger upgrade")
    with upgrade.cursor() as cursor:  # as a migration altering the table holds it
        cursor.execute(f'ALTER TABLE "{schema}".ledger_verdicts ADD COLUMN probe integer')
    try:
        with pytest.raises(LedgerError) as refused:
            store.record_verdict(spot_id, illegal(), expected_version=0)
        message = str(refused.value)
        assert "login 'postgres'" in message and "ledger upgrade" in message, message
        assert "nothing was saved" in message and "未保存任何内容" in message, message
        assert "waiting 1 s" in message, message
    finally:
        upgrade.rollback()
        upgrade.close()
    assert store.verdict_history(spot_id) == []
    store.record_verdict(spot_id, illegal(), expected_version=0)
    assert len(store.verdict_history(spot_id)) == 1
    store.close()
