"""Waits for a lock on the shared ledger's tables are bounded, and when one runs out the message
names who holds the tables: an administrator's upgrade while an office is mid-save (found by
review: install waited for the office's open transaction, up to the 5-minute idle cut-off, and
every other user's save queued frozen behind it), and a save queued behind an upgrade."""

from __future__ import annotations

import threading
import uuid

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_postgis_ledger import LUOCUN_ROLE, TAIHE, TAIHE_TOWN, illegal, raw, spot
from tests.test_postgis_schema import _install
from zc_enforcement_plugin.core import ledger_postgis_locks as locks
from zc_enforcement_plugin.core import ledger_postgis_server as lps
from zc_enforcement_plugin.core import ledger_postgis_session as pg_session
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
    monkeypatch.setattr(pg_session, "LOCK_WAIT_SECONDS", 1.0)  # read when the store connects
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
        assert "may be upgrading" in message, message  # ALTER TABLE's ACCESS EXCLUSIVE lock
    finally:
        upgrade.rollback()
        upgrade.close()
    assert store.verdict_history(spot_id) == []
    store.record_verdict(spot_id, illegal(), expected_version=0)
    assert len(store.verdict_history(spot_id)) == 1
    store.close()


# --- imports take turns; a refused save names who holds the tables ----------------------------
BOUND = 60.0  # the longest any wait below may take before the test gives up on it


def _spots(area: float = 400.0):
    spots = [spot(f"3703022026{n:04d}", n, TAIHE_TOWN, TAIHE) for n in (1, 2, 3)]
    for record in spots:
        record.attributes["TBMJ"] = area
    return spots


class _Held:
    """An import held inside its transaction at its first is_cancelled (as a slow import of
    thousands of spots is), until let go."""

    def __init__(self):
        self.inside, self.go = threading.Event(), threading.Event()

    def __call__(self) -> bool:
        self.inside.set()
        assert self.go.wait(BOUND), "the held import was never let go"
        return False


def _run(target) -> tuple[threading.Thread, dict]:
    """target() in a thread; the dict gets its "result" or its "error"."""
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as exc:  # noqa: BLE001 - handed to the test to assert on
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _await_waiting(pg_database, store) -> None:
    """Until the store's session waits for a lock (pg_locks), within BOUND."""
    pid = store._conn.get_backend_pid()
    watcher = srv.connect(dbname=pg_database)
    watcher.autocommit = True
    try:
        with watcher.cursor() as cursor:
            for _ in range(int(BOUND * 10)):
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", (pid,)
                )
                if cursor.fetchone()[0]:
                    return
                threading.Event().wait(0.1)
    finally:
        watcher.close()
    raise AssertionError(f"session {pid} never waited for a lock")


def _two_imports(pg_database, schema, monkeypatch, second_spots):
    """Store A's import of Q1 held inside its transaction while store B imports Q1, past B's
    lock wait (1 s here); then A let go. (A's outcome, B's outcome)."""
    monkeypatch.setattr(pg_session, "LOCK_WAIT_SECONDS", 1.0)  # read when the store connects
    first, second = open_store(pg_database, schema), open_store(pg_database, schema)
    second.batches()  # connected, so that its session can be watched
    held = _Held()
    try:
        a, a_outcome = _run(lambda: first.import_batch("Q1", _spots(), is_cancelled=held))
        assert held.inside.wait(BOUND), a_outcome
        b, b_outcome = _run(lambda: second.import_batch("Q1", second_spots))
        _await_waiting(pg_database, second)
        b.join(3.0)  # past B's 1 s lock wait: B is refused by now if the wait is bounded
        held.go.set()
        a.join(BOUND)
        b.join(BOUND)
        assert not a.is_alive() and not b.is_alive(), "an import never ended"
        return a_outcome, b_outcome
    finally:
        held.go.set()
        first.close()
        second.close()


def test_two_imports_of_one_new_batch_the_second_says_it_was_just_imported(
    pg_database, schema, monkeypatch
):
    """The second waits for the first however long it runs (not the session's 30 s), then
    meets its batch: the message of before, not one about tables held by an upgrade."""
    a, b = _two_imports(pg_database, schema, monkeypatch, _spots())
    assert a["result"].added == 3, a
    message = str(b.get("error"))
    assert "刚由另一会话导入" in message and "imported meanwhile" in message, b
    assert "台帐表" not in message and "upgrading" not in message, message
    store = open_store(pg_database, schema)
    assert [batch.name for batch in store.batches()] == ["Q1"]
    assert len(store.spots()) == 3
    store.close()


def test_two_refreshes_of_one_batch_take_turns(pg_database, schema, monkeypatch):
    store = open_store(pg_database, schema)
    store.import_batch("Q1", _spots())
    store.close()
    a, b = _two_imports(pg_database, schema, monkeypatch, _spots(area=512.0))
    assert a["result"].refreshed == 3, a
    assert b["result"].refreshed == 3, b  # after A's: B's delivery is what the ledger keeps
    store = open_store(pg_database, schema)
    assert {s.spot_area for s in store.spots()} == {512.0}
    store.close()


def _blocked_verdict(
    pg_database, schema, monkeypatch, application: str, mode: str, nested: bool = False
) -> str:
    """The message of a verdict save whose INSERT (inside its transaction: reads still pass)
    waits past its 1 s bound for ledger_verdicts, which a session named `application` holds
    in `mode` (EXCLUSIVE lets reads through); `nested`: the save inside a transaction of its
    caller's (as a script's). Nothing is saved, and the save goes through once the session
    lets go."""
    monkeypatch.setattr(pg_session, "LOCK_WAIT_SECONDS", 1.0)
    store = open_store(pg_database, schema)
    store.import_batch("b", [spot("37030220260001", 0, TAIHE_TOWN, TAIHE)])
    spot_id = store.spots()[0].id
    holder = srv.connect(dbname=pg_database, application_name=application)
    with holder.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{schema}".ledger_verdicts IN {mode} MODE')
    try:
        with pytest.raises(LedgerError) as refused:
            if nested:
                with store.transaction():
                    store.record_verdict(spot_id, illegal(), expected_version=0)
            else:
                store.record_verdict(spot_id, illegal(), expected_version=0)
    finally:
        holder.rollback()
        holder.close()
    assert store.verdict_history(spot_id) == []
    store.record_verdict(spot_id, illegal(), expected_version=0)
    assert len(store.verdict_history(spot_id)) == 1
    store.close()
    return str(refused.value)


@pytest.mark.parametrize("nested", [False, True], ids=["save", "save-in-a-transaction"])
def test_a_save_refused_inside_its_transaction_names_the_holder_and_no_upgrade(
    pg_database, schema, monkeypatch, nested
):
    message = _blocked_verdict(
        pg_database, schema, monkeypatch, "nightly-report", "EXCLUSIVE", nested
    )
    assert "login 'postgres'" in message and "nightly-report" in message, message
    assert "nothing was saved" in message and "未保存任何内容" in message, message
    assert "upgrading" not in message and "升级" not in message, message


def test_a_save_held_up_by_install_says_the_administrator_may_be_upgrading(
    pg_database, schema, monkeypatch
):
    """install names its session (INSTALL_APPLICATION) for as long as it runs."""
    message = _blocked_verdict(
        pg_database, schema, monkeypatch, locks.INSTALL_APPLICATION, "EXCLUSIVE"
    )
    assert "may be upgrading" in message and "可能是管理员正在升级台帐" in message, message
    assert locks.INSTALL_APPLICATION in message, message
