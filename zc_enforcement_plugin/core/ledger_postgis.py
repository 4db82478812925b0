"""The bureau-wide ledger on PostgreSQL/PostGIS: the LedgerStore interface, roles, row security.

The tables, columns and rules are those of the GeoPackage ledger (ledger_schema.py), so one copies
into the other without loss (ledger_migrate.py). What a shared server adds:

- Roles. `zc_owner` (no login) owns the schema; `zc_brigade` sees and edits every row; each
  office logs in as its own role, a member of `zc_office`, and sees only the spots, cases and
  patrols of its own towns (ledger_office_towns), with their verdicts, evidence and case events;
  it adds verdicts, evidence, cases and patrols, but spots are the brigade's to import.
  PostgreSQL row-level security (FORCE, so even the owner obeys) and grants enforce it:
  hand-written SQL in psql gets no further than the dock. A login row security would show no
  row (in neither group, or an office without towns) is refused on opening, not handed an
  empty ledger. History is append-only: no role has
  UPDATE or DELETE on verdicts, evidence, cases, case events or patrols, and triggers refuse
  them for the superuser too.
- Concurrency. A spot's version counts its verdicts and the re-deliveries that changed it
  (Spot.version, ledger.spot_version). A save passes the version it was based on; saves of one
  spot, and an import's refresh of a spot it changes, are serialised by a transaction-scoped
  advisory lock, and a save based on an older version is refused with ConflictError showing
  both verdicts or what the re-delivery changed. The refused verdict is kept in
  ledger_verdict_conflicts, so the history keeps both; a case step or correction refused as
  made on an older view of its case (CaseConflictError) in ledger_case_conflicts.
- Failure (the session's work: PostGISSession in ledger_postgis_session.py, which the store
  extends). Every save is one transaction. A lost connection rolls it back on the server and
  raises LedgerError naming the server; the next call reconnects. A save first checks the
  connection and makes it again if the server dropped it while idle; a read that meets a
  dropped connection reads again over a new one (_guarded, _guarded_read: every public read
  and save goes through one). A lock another session keeps is waited for LOCK_WAIT_SECONDS
  (any lock: the session's lock_timeout), except by an import waiting for another import of
  its batch, which takes its turn (_awaiting_batch). A connection lost at COMMIT is followed
  by asking the server, over a new one, whether the save's transaction committed
  (_commit_outcome); when it cannot be asked, it is asked before the next save
  (_settle_unconfirmed), so that saving again does not meet the user's own save as a conflict.
- Evidence files stay in a shared folder (a UNC path or NFS mount, `evidence_dir`), not in the
  database: photos and above all videos run to hundreds of MB each, which would bloat every
  backup, every copy for an audit and every QGIS connection, while the folder is what field
  tools and viewers open anyway. The database keeps each file's path, size and SHA-256, so
  evidence.check_evidence_integrity finds a file missing or altered exactly as for a GeoPackage.

psycopg2 is imported when a ledger is opened, so the rest of the plugin works without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import shapely

from . import clock, ledger_sql, workdays
from . import ledger_postgis_encoding as server_text
from . import ledger_postgis_locks as locks
from . import ledger_postgis_session as session
from . import ledger_schema as ls
from .cases import CaseEvent
from .evidence import NOTHING_RECORDED, unreachable_share_error
from .ledger_postgis_server import (  # noqa: F401 - the server's names the store uses, and
    # install and the roles, which callers know as ledger_postgis.X
    C_CURRENT_VERDICT,
    C_CURRENT_VERSION,
    C_EXPECTED_VERSION,
    C_LAST_RECORD,
    C_SEEN_RECORD,
    DEFAULT_SCHEMA,
    INDEX_CASES,
    LEDGER_TABLES,
    META_EVIDENCE_DIR,
    META_POSTGIS_VERSION,
    PG_SCHEMA_VERSION,
    ROLE_BRIGADE,
    ROLE_OFFICE,
    SPELLED_OTHERWISE,
    SRID,
    T_CASE_CONFLICTS,
    T_CONFLICTS,
    T_OFFICE_TOWNS,
    UNINDEX_CASES,
    _meta_upsert,
    install,
)
from .ledger_postgis_session import PostGISSession, _guarded, _guarded_read
from .ledger_records import (
    ImportCancelled,
    LedgerError,
    PhotoPoints,
    SpotPage,
    SpotRecord,
    Verdict,
    WithdrawCancelled,
    message_of,
)
from .ledger_rows import Select
from .ledger_sql import SqlLedger
from .ledger_sql_cases import event_row

# Advisory lock classes: saves of one spot, events of one case, a change of the settings,
# imports of new batches (one at a time), patrols (shared) against batch withdrawals.
_LOCK_SPOT = 74001
_LOCK_CASE = 74002
_LOCK_SETTINGS = 74003
_LOCK_NEW_BATCH = 74004
_LOCK_PATROLLED = 74005

# =================================================================================================
# the store
# =================================================================================================

# Whether the login sees the whole ledger (PostGISLedger.sees_every_office), given ROLE_BRIGADE.
_SEES_EVERY_OFFICE = "pg_has_role(%s, 'MEMBER')"

# The double precision columns of the rows a page reads (PostGISLedger.spot_page): JSON writes
# 118.0 as 118, which reads back as an int where psycopg2 gives the column's float.
_REAL_COLUMNS = frozenset(
    (ls.C_GPS_LON, ls.C_GPS_LAT, ls.C_CULTIVATED_SQM, ls.C_BASIC_FARMLAND_SQM)
)


def _json_rows(select: Select) -> str:
    """``select`` as one value: a JSON array of its rows in its order, each an array of its
    columns (NULL for no row), for a statement reading several at once."""
    columns = ", ".join(select.columns)
    return f"(SELECT json_agg(json_build_array({columns}) ORDER BY {select.order}) {select.source})"


def _from_json(select: Select, rows: list[list] | None) -> list[list]:
    """The rows of ``select`` as _json_rows gave them (psycopg2 decodes the JSON), each as its
    own statement's rows read: a double precision column a float, not an int."""
    reals = [
        i for i, column in enumerate(select.columns) if column.rsplit(".", 1)[-1] in _REAL_COLUMNS
    ]
    for row in rows or []:
        for i in reals:
            if row[i] is not None:
                row[i] = float(row[i])  # "NaN" and "Infinity", as JSON gives them, too
    return rows or []


class PostGISLedger(PostGISSession):
    """The ledger in a PostgreSQL/PostGIS schema, shared by the brigade and the offices.

    `connection` is a dict of psycopg2.connect keywords or a libpq connection string; build it
    from a QGIS connection with the plugin's postgis_connection (the password never leaves the
    authentication manager or libpq's password file), and give `connection_name`, the saved
    connection's name, which messages and the ledger's path then name. `evidence_dir` is the
    shared evidence folder as this machine sees it; None takes the folder stored in the
    ledger's meta table.
    """

    @_guarded_read
    def work_calendar(self, *, strict: bool = True) -> workdays.WorkCalendar:
        """The working days of everyone on this ledger: the holiday schedule stored in its
        settings (no file lies beside a shared ledger, and one per machine would differ)."""
        return workdays.WorkCalendar.for_shared_ledger(
            self.settings().get(ls.SETTING_HOLIDAYS), strict=strict
        )

    def __init__(
        self,
        connection: dict[str, Any] | str,
        schema: str = DEFAULT_SCHEMA,
        office: str | None = None,
        evidence_dir: str | Path | None = None,
        connection_name: str | None = None,
    ):
        self.office = office
        self._evidence_dir = Path(evidence_dir) if evidence_dir else None
        self.migrated_from = None
        super().__init__(connection, schema, connection_name)  # connected, or LedgerError
        try:
            # The server's clock with the version, in the same round trip: dates are this
            # computer's, and a clock set wrong must be said before anything is saved.
            version, server_now = self._row(
                f"SELECT (SELECT value FROM {ls.T_META} WHERE key = %s), now()",
                (META_POSTGIS_VERSION,),
            )
        except self._pg.Error as exc:
            self.close()
            raise self._translate(exc) from exc
        disagreement = clock.disagreement_with(server_now, self._server_zh)
        self.opening_notices = [disagreement] if disagreement else []
        # A ledger an earlier plugin installed in EUC_CN or LATIN1: kept open, what it holds
        # read as before, and said once here, as a save of a character it lacks is refused.
        encoding = self._conn.info.parameter_status("server_encoding")
        if encoding != server_text.LEDGER_ENCODING:
            self.opening_notices.append(server_text.not_utf8_notice(self._login()[1], encoding))
        if version is None or int(version) < PG_SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: 服务器上的台帐需由管理员升级 / the ledger schema on the server "
                f"is at version {version}, this plugin needs {PG_SCHEMA_VERSION}: ask the "
                "administrator to run the set-up (ledger_postgis.install)"
            )
        if int(version) > PG_SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: 服务器台帐版本较新，请升级插件 / the ledger schema on the server "
                f"({version}) is newer than this plugin knows ({PG_SCHEMA_VERSION})"
            )
        missing = self._missing_tables()
        if missing:
            self.close()
            many = len(missing) > 1
            raise LedgerError(
                f"{self.path}: 服务器上的台帐不完整或已损坏：缺少表 {'、'.join(missing)}，请管理员"
                f"检查并运行 ledger_postgis.install / the ledger on the server is incomplete or "
                f"damaged: table{'s' if many else ''} {', '.join(missing)} "
                f"{'are' if many else 'is'} missing; ask the administrator to check it and run "
                "ledger_postgis.install"
            )

    def _missing_tables(self) -> list[str]:
        """The ledger tables (the server's list, which install grants on) the schema lacks:
        asked once on opening, so a damaged schema is named, not met later as a database
        error on some read. to_regclass needs no rights on the table, so any login may ask."""
        try:
            return [
                table
                for table, found in self._execute(
                    "SELECT t, to_regclass(quote_ident(%s) || '.' || quote_ident(t)) IS NOT NULL "
                    "FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
                    (self.schema, list(LEDGER_TABLES)),
                ).fetchall()
                if not found
            ]
        except self._pg.Error as exc:
            self.close()
            raise self._translate(exc) from exc

    @property
    @_guarded_read
    def sees_every_office(self) -> bool:
        """Whether this login sees the whole ledger (the brigade) or only its offices' rows."""
        return bool(self._scalar(f"SELECT {_SEES_EVERY_OFFICE}", (ROLE_BRIGADE,)))

    @_guarded_read
    def configured_offices(self) -> set[str]:
        """The offices set up on the server (ledger_office_towns), spots or not: the brigade
        reads the table, an office its own through zc_offices_of."""
        if self._row(f"SELECT has_table_privilege('{T_OFFICE_TOWNS}', 'SELECT')")[0]:
            rows = self._rows(f"SELECT DISTINCT {ls.C_OFFICE} FROM {T_OFFICE_TOWNS}")
        else:
            rows = self._rows("SELECT zc_offices_of(current_user)")
        return {row[0] for row in rows if row[0]}

    def __enter__(self) -> PostGISLedger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    @_guarded_read
    def schema_version(self) -> int:
        return int(
            self._scalar(f"SELECT value FROM {ls.T_META} WHERE key = %s", (ls.META_SCHEMA_VERSION,))
            or 0
        )

    @property
    @_guarded_read
    def evidence_dir(self) -> Path:
        """The folder given when opening, else the one stored on the server (read each time:
        the brigade may have moved it since this session opened)."""
        if self._evidence_dir is not None:
            return self._evidence_dir
        return self._evidence_folder(self.stored_evidence_dir())

    def _evidence_folder(self, stored: str | None) -> Path:
        """The evidence folder, the one given when opening or else ``stored`` (as read from the
        server); LedgerError saying who sets it when neither is."""
        if self._evidence_dir is not None:
            return self._evidence_dir
        if not stored:
            raise LedgerError(
                f"{self.path}: 未设置共享证据文件夹，请执法监察大队在“台帐设置”（ledgersettings）"
                "中设置，或由管理员运行 ledger_postgis.install(evidence_dir=…) / no shared "
                "evidence folder is set: the brigade sets it with the ledgersettings algorithm, "
                "or the administrator with ledger_postgis.install(evidence_dir=…)"
            )
        return Path(stored)

    @_guarded_read
    def writable_evidence_dir(self) -> Path:
        """The evidence folder, to record files in: it must be there already. A share this
        machine does not reach (a \\\\server share on Linux, an unmounted /mnt/…) would otherwise be
        made as a local folder, and evidence recorded there that no one else ever sees."""
        folder = self.evidence_dir
        if not folder.is_dir():
            raise unreachable_share_error(self.path, folder, NOTHING_RECORDED)
        return folder

    @_guarded_read
    def stored_evidence_dir(self) -> str | None:
        """The evidence folder stored on the server, as the machines should see it (None when
        none is set), whether or not this machine reaches it."""
        return self._scalar(f"SELECT value FROM {ls.T_META} WHERE key = %s", (META_EVIDENCE_DIR,))

    @_guarded
    def set_evidence_dir(self, folder: str | Path) -> None:
        """Store the shared evidence folder (as the machines see it) in the ledger: the brigade
        only, as it moves every office's evidence."""
        if not self._scalar("SELECT has_table_privilege(%s, 'UPDATE')", (ls.T_META,)):
            raise LedgerError(
                f"{self.path}: 只有执法监察大队可以设置共享证据文件夹 / only the brigade sets the "
                "shared evidence folder"
            )
        with self.transaction():
            _meta_upsert(self._conn.cursor(), META_EVIDENCE_DIR, str(folder))
        self._evidence_dir = Path(folder)

    # --- the dialect ----------------------------------------------------------------------------
    _MARK = "%s"
    _GEOMETRY_MARK = f"ST_GeomFromWKB(%s, {SRID})"
    _TRUE = "IS TRUE"
    # The byte order SQLite sorts by, whatever the server's locale.
    _COLLATE = ' COLLATE "C"'
    _FOR_UPDATE = " FOR UPDATE"
    _SPELLED_OTHERWISE = SPELLED_OTHERWISE
    _UNSEEN_ZH = "（或无权查看）"
    _UNSEEN_EN = " (or not one your role may see)"
    _SUMMARY_FROM = f"""
        FROM {ls.T_SPOTS} s
        JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}
        LEFT JOIN LATERAL (
            SELECT x.{ls.C_ID}, x.{ls.C_CATEGORY}, x.{ls.C_KIND} FROM {ls.T_VERDICTS} x
            WHERE x.{ls.C_SPOT_ID} = s.{ls.C_FID} ORDER BY x.{ls.C_ID} DESC LIMIT 1) v ON true"""

    def _run(self, sql: str, params: Sequence = ()):
        return self._execute(sql, params or None)

    def _insert(self, table: str, columns: Sequence[str], values: Sequence, key: str) -> int:
        marks = (self._GEOMETRY_MARK if c == ls.C_GEOM else "%s" for c in columns)
        return int(
            self._scalar(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(marks)}) "
                f"RETURNING {key}",
                values,
            )
        )

    def _in(self, column: str, values: Sequence) -> tuple[str, list]:
        return f"{column} = ANY(%s)", [list(values)]

    def _rows_per_statement(self, width: int) -> int:
        # psycopg2 writes the values into the statement's text (no bound parameters, so no
        # cap on them): a statement per VALUES_PER_STATEMENT rows, as a read takes that many
        # spots. A 2,000-spot import is then four round trips to the server, not 2,000.
        return ledger_sql.VALUES_PER_STATEMENT

    def _refuses_row(self, error: BaseException) -> bool:
        return isinstance(error, (self._pg.IntegrityError, self._pg.DataError))

    _spot_types: dict[str, str] | None = None  # ledger_spots' column -> its SQL type

    def _update_spots(
        self, columns: Sequence[str], rows: Sequence[Sequence], numbers: Sequence[str]
    ) -> None:
        # An UPDATE … FROM a VALUES list, a statement per VALUES_PER_STATEMENT spots, not a
        # round trip per spot. The list's values are cast to the columns' types, which a
        # VALUES list does not take from the table it updates: a chunk of spots none of which
        # has a priority would give that column the type text, and the UPDATE fail.
        if self._spot_types is None:
            self._spot_types = dict(
                self._rows(
                    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    (ls.T_SPOTS,),
                )
            )
        types = self._spot_types
        marks = [f"%s::{types[ls.C_FID]}"] + [
            self._GEOMETRY_MARK if column == ls.C_GEOM else f"%s::{types[column]}"
            for column in columns
        ]
        sets = ", ".join(
            f'"{column}" = COALESCE(v."{column}", s."{column}")'
            if column == ls.C_GEOM
            else f'"{column}" = v."{column}"'
            for column in columns
        )
        named = ", ".join(f'"{column}"' for column in (ls.C_FID, *columns))
        statement = (
            f"UPDATE {ls.T_SPOTS} AS s SET {sets} FROM (",
            f") AS v({named}) WHERE s.{ls.C_FID} = v.{ls.C_FID}",
        )
        self._write_rows(statement, ", ".join(marks), rows, numbers)

    def _geometry_column(self, column: str) -> str:
        return f"ST_AsBinary({column})"

    def _date_column(self, column: str) -> str:
        return f"{column}::text"

    def _to_geometry(self, value: Any) -> Any:
        return None if value is None else shapely.from_wkb(bytes(value))

    def _from_geometry(self, geometry: Any) -> Any:
        if geometry is None:
            return None
        return self._pg.Binary(shapely.to_wkb(shapely.force_2d(geometry), byte_order=1))

    def _figure(self, column: str, value: Any) -> Any:
        if value is not None and column in ls.SPOT_FLAG_COLUMNS:
            return bool(value)
        return value

    @contextlib.contextmanager
    def _awaiting_batch(self) -> Iterator[None]:
        # The session's lock_timeout (LOCK_WAIT_SECONDS) is for a save queued behind an
        # upgrade or a session left inside a transaction. Another import of the batch is
        # neither: it holds the batch for as long as it runs (minutes for thousands of spots)
        # and then lets go, and the wait ends with a turn (a refresh) or the message that the
        # batch was just imported. So no bound here (0), as before the session had one; an
        # importer frozen inside its transaction is ended by the server's
        # idle_in_transaction_session_timeout (install), which ends this wait too.
        before = self._scalar("SELECT current_setting('lock_timeout')")
        self._execute("SELECT set_config('lock_timeout', '0', true)")
        yield
        self._execute("SELECT set_config('lock_timeout', %s, true)", (before,))

    def _index_evidence(self) -> None:
        """Nothing: install made the index, as the owner (an office login may not)."""

    def _index_spot_numbers(self) -> None:
        """Nothing: install made the look-up's indexes, as the owner; the brigade's login that
        imports may not create an index, and the look-up is the same without them."""

    def _lock_spot(self, spot_id: int) -> None:
        if self._take_lock(_LOCK_SPOT, int(spot_id)):
            return
        number = self._scalar(
            f'SELECT "{ls.C_SPOT_NUMBER}" FROM {ls.T_SPOTS} WHERE {ls.C_FID} = %s', (spot_id,)
        )
        zh, en = (
            (f"{number}（id {spot_id}）", f"{number} (id {spot_id})") if number else (spot_id,) * 2
        )
        self._refuse_busy(_LOCK_SPOT, int(spot_id), f"图斑 {zh}", f"spot {en}")

    def _lock_case(self, case_id: int) -> None:
        if not self._take_lock(_LOCK_CASE, int(case_id)):
            self._refuse_busy(_LOCK_CASE, int(case_id), f"案件 {case_id}", f"case {case_id}")

    def _hold_new_batches(self) -> None:
        """One new batch imported at a time. Each import asks which of its numbers other
        batches hold before it writes; two imports of one delivery under two names at once
        saw none of the other's uncommitted spots, and the ledger held every spot twice. The
        second now waits here, then sees the first's spots (each statement reads what was
        committed before it) and is refused as a new batch of held spots. No bound on the
        wait, as for another import of the same batch (_awaiting_batch)."""
        with self._awaiting_batch():
            self._execute("SELECT pg_advisory_xact_lock(%s, 0)", (_LOCK_NEW_BATCH,))

    def _hold_patrolled_spots(self, shared: bool) -> None:
        """A patrol (shared: patrols do not wait for each other) against a batch withdrawal
        (not shared). A withdrawal checked that no patrol names its spots, then a patrol saved
        meanwhile named one, and the withdrawal removed it. Now whichever comes second waits
        for the first to commit, then reads what it recorded."""
        if not self._take_lock(_LOCK_PATROLLED, 0, shared=shared):
            # Said as what the other session does: only a withdrawal keeps a patrol waiting,
            # a withdrawal or a patrol being saved a withdrawal (not "changed, e.g. imported").
            if shared:
                what = ("巡查记录未能保存", "the patrol could not be saved")
                doing = ("另一会话正在撤回批次", "another session is withdrawing a batch")
            else:
                what = ("批次未能撤回", "the batch could not be withdrawn")
                doing = (
                    "另一会话正在保存巡查记录或撤回批次",
                    "another session is saving a patrol or withdrawing a batch",
                )
            self._refuse_busy(_LOCK_PATROLLED, 0, *what, doing=doing)

    def _take_lock(self, kind: int, key: int, shared: bool = False) -> bool:
        """Take the transaction's advisory lock (kind, key), waiting up to LOCK_WAIT_SECONDS
        for a session holding it; False when it was not let go by then. Waited for in the
        server's queue (first come, first served, and pg_locks shows the save waiting), in a
        savepoint: the lock timeout aborts only that, and the refusal can still ask who holds
        the lock. The transaction's own lock_timeout is put back for what follows.

        One round trip: the savepoint, the wait and its release sent as one string, the
        timeout kept meanwhile in a variable of a DO block. As six statements they cost every
        save 0.35 s more on a bureau's VPN (35 ms each way)."""
        savepoint = f"ledger_sp{self._depth}"
        try:
            try:
                self._execute(
                    f"SAVEPOINT {savepoint}; "
                    "DO $$DECLARE outer_timeout text := current_setting('lock_timeout'); BEGIN "
                    "PERFORM set_config('lock_timeout', %s, true); "
                    f"PERFORM pg_advisory_xact_lock{'_shared' if shared else ''}(%s, %s); "
                    "PERFORM set_config('lock_timeout', outer_timeout, true); END$$; "
                    f"RELEASE SAVEPOINT {savepoint}",
                    (locks.lock_timeout_ms(session.LOCK_WAIT_SECONDS), kind, key),
                )
            except BaseException:
                # As transaction() undoes a savepoint: the timeout set inside it goes with it.
                self._roll_back(f"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}")
                raise
        except self._pg.errors.LockNotAvailable:
            return False
        return True

    def _refuse_busy(
        self,
        kind: int,
        key: int,
        what_zh: str,
        what_en: str,
        doing: tuple[str, str] | None = None,
    ) -> None:
        """Raise the LedgerError of a lock (kind, key) another session kept past the wait,
        naming that session's login and application where the server tells them (every
        login sees who another session is, not what it runs). ``doing`` (zh, en): what the
        other session is doing, where the lock tells; else ``what`` is said being changed."""
        holder = self._row(
            "SELECT a.usename, a.application_name FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid() "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = %s::oid AND l.objid = %s::oid AND l.objsubid = 2 LIMIT 1",
            (kind, key),
        )
        who_zh = who_en = ""
        if holder is not None and holder[0]:
            application = holder[1] or ""
            who_zh = f"（登录 {holder[0]}" + (f"，应用 {application}" if application else "") + "）"
            who_en = f" (login {holder[0]!r}" + (
                f", application {application!r})" if application else ")"
            )
        waited = f"(waited {session.LOCK_WAIT_SECONDS:g} s)"
        if doing is not None:
            raise LedgerError(
                f"{what_zh}：{doing[0]}{who_zh}，请稍后再试；未保存任何内容 / {what_en}: "
                f"{doing[1]}{who_en}; try again later. Nothing was saved {waited}"
            )
        raise LedgerError(
            f"{what_zh} 正被另一会话修改（如导入）{who_zh}，请稍后再试；未保存任何内容 / "
            f"{what_en} is being changed by another session (e.g. an import){who_en}; try "
            f"again later. Nothing was saved {waited}"
        )

    def lock_settings(self) -> None:
        """Hold the settings until this transaction ends. ledgersettings reads them, merges
        what it was given and writes the result: two brigade members doing so at once each
        merged into the same reading, and the second write lost the first's change. Now the
        second waits here and reads the first's. (A GeoPackage's BEGIN IMMEDIATE does this.)
        An advisory lock, not SELECT … FOR UPDATE: a setting not stored yet has no row."""
        if not self._depth:
            raise RuntimeError("lock_settings() outside a transaction would hold nothing")
        if not self._take_lock(_LOCK_SETTINGS, 0):
            self._refuse_busy(_LOCK_SETTINGS, 0, "台帐设置", "the ledger's settings")

    def _keep_conflict(
        self,
        spot_id: int,
        expected_version: int,
        version: int,
        history: list[Verdict],
        values: tuple,
    ) -> None:
        self._execute(
            f"INSERT INTO {T_CONFLICTS} ({ls.C_SPOT_ID}, {C_EXPECTED_VERSION}, "
            f"{C_CURRENT_VERSION}, {C_CURRENT_VERDICT}, {ls.C_CATEGORY}, {ls.C_KIND}, "
            f"{ls.C_APPROVAL_NUMBER}, {ls.C_VERIFIER}, {ls.C_VERIFIED_ON}, {ls.C_AREAS}, "
            f"{ls.C_NOTE}, {ls.C_CORRECTS}, {ls.C_RECORDED_AT}, {ls.C_DETAILS}) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                spot_id,
                expected_version,
                version,
                history[-1].id if history else None,
                *values,
            ),
        )

    def _keep_case_conflict(
        self, case_id: int, seen: int, last_record: int | None, refused: CaseEvent
    ) -> None:
        columns = (C_SEEN_RECORD, C_LAST_RECORD, *self._EVENT_COLUMNS[1:])
        self._execute(
            f"INSERT INTO {T_CASE_CONFLICTS} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            (seen, last_record, *event_row(case_id, refused)),
        )

    # A refused save names its spot too: the spot someone tried to judge is not withdrawn.
    _SPOT_HISTORY = (*SqlLedger._SPOT_HISTORY, (T_CONFLICTS, "被拒绝的保存", "refused saves"))

    def _refuse_withdrawal_by_login(self) -> None:
        # Spots are the brigade's to import, and so to withdraw; an office's login sees only
        # its own towns' spots, and would withdraw part of a batch. Asked first, by role: the
        # server's refusal of the DELETE would come only after the history was read.
        # The role and both rights in one statement: each is a round trip on a bureau's VPN.
        login = self._login()[0]
        brigade, *deletable = self._row(
            f"SELECT {_SEES_EVERY_OFFICE}, has_table_privilege(%s, 'DELETE'), "
            "has_table_privilege(%s, 'DELETE')",
            (ROLE_BRIGADE, ls.T_SPOTS, ls.T_BATCHES),
        )
        if not brigade:
            raise LedgerError(
                f"登录 {login} 不能撤回批次：在共享台帐上撤回批次是执法监察大队的工作，请用大队"
                f"登录运行；未删除任何内容 / the login {login!r} may not withdraw a batch: on "
                "the shared ledger that is the brigade's work; run it with a brigade login. "
                "Nothing was removed"
            )
        lacking = [
            table
            for table, may in zip((ls.T_SPOTS, ls.T_BATCHES), deletable, strict=True)
            if not may
        ]
        if lacking:
            tables = "、".join(lacking)
            raise LedgerError(
                f"{self._server_zh} 上的共享台帐未授予执法监察大队删除图斑和批次的权限（{tables} "
                "的 DELETE），未删除任何内容；请管理员授予该权限后再撤回 / the shared ledger on "
                f"{self._server_en} does not grant the brigade the right to remove spots and "
                f"batches (DELETE on {tables}): nothing was removed; ask the administrator to "
                "grant it, then withdraw the batch"
            )

    def _mapped_towns(self) -> set[str] | None:
        # Only the brigade imports, and the brigade reads the office map.
        return {row[0] for row in self._rows(f"SELECT DISTINCT {ls.C_TOWN} FROM {T_OFFICE_TOWNS}")}

    def _put_setting(self, key: str, text: str) -> None:
        self._execute(
            f"INSERT INTO {ls.T_SETTINGS} ({ls.C_KEY}, {ls.C_VALUE}) VALUES (%s, %s) "
            f"ON CONFLICT ({ls.C_KEY}) DO UPDATE SET {ls.C_VALUE} = EXCLUDED.{ls.C_VALUE}",
            (key, text),
        )

    # --- the shared store, each call turning psycopg2's errors into LedgerError ------------------
    @_guarded
    def import_batch(
        self,
        batch_name: str,
        spots,
        source: str | None = None,
        repeat_spots: bool = False,
        progress=None,
        is_cancelled=None,
        add_to_batch: bool = False,
    ):
        # Two imports of the same new batch at once: neither saw the other's batch, and the
        # second's insert waited for the first to commit, then met its name.
        try:
            with self.cancellable(is_cancelled, ImportCancelled):
                return SqlLedger.import_batch(
                    self,
                    batch_name,
                    spots,
                    source,
                    repeat_spots,
                    progress,
                    is_cancelled,
                    add_to_batch,
                )
        except LedgerError as error:  # the transaction has translated the server's error
            cause = error.__cause__
            if isinstance(cause, self._pg.errors.UniqueViolation) and (
                cause.diag.constraint_name == f"{ls.T_BATCHES}_{ls.C_BATCH_NAME}_key"
            ):
                name = (batch_name or "").strip()
                raise LedgerError(
                    f"批次“{name}”刚由另一会话导入，本次导入未写入任何内容；请重新运行导入，以"
                    f"刷新该批次 / the batch {name!r} was imported meanwhile by another "
                    "session: nothing of this import was written; run the import again to "
                    "refresh the batch"
                ) from None
            raise

    spots = _guarded_read(SqlLedger.spots)
    filter_choices = _guarded_read(SqlLedger.filter_choices)
    spot = _guarded_read(SqlLedger.spot)
    spots_by_id = _guarded_read(SqlLedger.spots_by_id)
    spot_attributes = _guarded_read(SqlLedger.spot_attributes)
    batches = _guarded_read(SqlLedger.batches)

    @_guarded
    def withdraw_batch(self, batch_name: str, progress=None, is_cancelled=None) -> int:
        try:
            with self.cancellable(is_cancelled, WithdrawCancelled):
                return SqlLedger.withdraw_batch(self, batch_name, progress, is_cancelled)
        except LedgerError as error:
            # A verdict, evidence or case saved on a spot of the batch after the withdrawal's
            # check: the server's trigger kept the spot, in its own words; a refused save kept
            # as a conflict meanwhile holds it by its key.
            cause = error.__cause__
            if getattr(cause, "pgcode", None) == "ZC001" or isinstance(
                cause, self._pg.errors.ForeignKeyViolation
            ):
                name = (batch_name or "").strip()
                raise LedgerError(
                    f"撤回批次“{name}”时，另一会话刚为其中的图斑记录了判定、证据或案件：未撤回"
                    "任何图斑，整批保留；再次运行撤回会列出这些图斑 / while the batch "
                    f"{name!r} was being withdrawn, another session recorded a verdict, evidence "
                    "or a case on one of its spots: nothing was withdrawn, the whole batch "
                    "stays; run the withdrawal again to have those spots named"
                ) from error
            raise

    counts = _guarded_read(SqlLedger.counts)

    @_guarded
    def record_verdict(
        self, spot_id: int, verdict: Verdict, expected_version: int | None = None
    ) -> int:
        # An import by the brigade moved the spot to another office's town while the form was
        # open: row security refused the save in the database's words, naming no spot.
        try:
            return SqlLedger.record_verdict(self, spot_id, verdict, expected_version)
        except LedgerError as error:
            if isinstance(
                error.__cause__, self._pg.errors.InsufficientPrivilege
            ) and not self._sees_spot(spot_id):
                raise LedgerError(
                    f"图斑（id {spot_id}）已不在本所的乡镇内（刚被重新交付到其他乡镇？），未保存"
                    f"任何内容；请刷新 / the spot (id {spot_id}) is no longer in this office's "
                    "towns (delivered again to another town just now?): nothing was saved; "
                    "refresh"
                ) from None
            raise

    verdict_history = _guarded_read(SqlLedger.verdict_history)
    case_left_open = _guarded_read(SqlLedger.case_left_open)
    verdict_histories = _guarded_read(SqlLedger.verdict_histories)
    add_evidence = _guarded(SqlLedger.add_evidence)
    evidence = _guarded_read(SqlLedger.evidence)
    spots_with_case = _guarded_read(SqlLedger.spots_with_case)

    @_guarded
    def open_case(self, origin: str, **kwargs) -> str:
        # Row security hides a case another office holds on the spot (it was delivered again,
        # to this office's town), so open_case's own check saw none: the server's one case per
        # spot refuses it. Said without the other office's case, which this login may not see.
        try:
            return SqlLedger.open_case(self, origin, **kwargs)
        except (LedgerError, self._pg.errors.UniqueViolation) as error:
            # Translated by the transaction (its cause), or not yet.
            cause = error if isinstance(error, self._pg.Error) else error.__cause__
            if isinstance(cause, self._pg.errors.InsufficientPrivilege) and kwargs.get("spot_id"):
                raise self._spot_of_another_office_name(kwargs["spot_id"]) or error from None
            if not (
                isinstance(cause, self._pg.errors.UniqueViolation)
                and cause.diag.constraint_name == ls.CASE_PER_SPOT
            ):
                raise
            number = self.spot(kwargs["spot_id"]).number
            raise LedgerError(
                f"图斑 {number} 已有案件（由其他所办理），未开启新案件；请与执法监察大队联系"
                f" / spot {number} already has a case (held by another office): no new case "
                "was opened; ask the brigade"
            ) from None

    def _sees_spot(self, spot_id: int) -> bool:
        """Whether this login sees the spot now (row security: an office, its towns' spots)."""
        with contextlib.suppress(LedgerError, self._pg.Error):
            return (
                self._scalar(f"SELECT 1 FROM {ls.T_SPOTS} WHERE {ls.C_FID} = %s", (spot_id,))
                is not None
            )
        return True  # not known: the refusal is said as the server gave it

    def _spot_of_another_office_name(self, spot_id: int) -> LedgerError | None:
        """Why this office login may not open a case on a spot it sees, when it is that the
        spot's SMC is not this login's office name: an office renamed (its login set up with
        the new name) whose spots were delivered under the old name keeps them by town, but a
        case takes its spot's office (server schema 9 and 10), which the login answers for
        once the ledger's office aliases map the old name to its own (server schema 12).
        None when that is not why."""
        spot = self.spot(spot_id)
        own = self.configured_offices()
        if not spot.office or spot.office in own:
            return None
        names = "、".join(sorted(own))
        return LedgerError(
            f"图斑 {spot.number} 的自然资源所（SMC）为 {spot.office}，不是本登录的 {names}"
            "（所名更改后该图斑尚未按新名重新交付？）：案件须记在图斑的自然资源所下，未开启案件；"
            f"若 {spot.office} 是本所旧名，请执法监察大队将其设为现名的别名（台帐设置 "
            f"{ls.SETTING_OFFICE_ALIASES}，“台帐设置”的“改名的自然资源所”）后再立案，或按新所名"
            f"重新交付该图斑，或由大队立案 / spot {spot.number} has office (SMC) {spot.office}, "
            f"not this login's {names} (an office renamed whose spot was not yet delivered "
            "again under the new name?): a case is recorded at its spot's office, so none was "
            f"opened. If {spot.office} is this office's old name, ask the brigade to store it "
            f"as an alias of the current name (the ledger setting {ls.SETTING_OFFICE_ALIASES}, "
            "Ledger settings, Offices renamed) and open the case again, or to deliver the spot "
            "again under the new name, or to open the case"
        )

    @_guarded_read
    def photo_points(self) -> PhotoPoints:
        """SqlLedger.photo_points in one statement, the folder stored on the server beside the
        photos: read once for the layer, not once a photo (the layer read it per photo, 1,000
        round trips on a ledger of 1,000 photos)."""
        select = self._photo_select()
        photos, stored = self._row(
            f"SELECT {_json_rows(select)}, (SELECT value FROM {ls.T_META} WHERE key = %s)",
            (META_EVIDENCE_DIR,),
        )
        folder = (
            None if self._evidence_dir is None and not stored else self._evidence_folder(stored)
        )
        return PhotoPoints([self._photo_from_row(r) for r in _from_json(select, photos)], folder)

    @_guarded_read
    def spot_page(self, spot_id: int) -> SpotPage:
        """SqlLedger.spot_page in one statement: the spot's row, and beside it as JSON arrays
        the rows its verdicts, case, case events, evidence and the settings are read as alone
        (the same Select of each), with the evidence folder stored on the server. The dock reads
        it at every move to a spot: 8 to 11 round trips before, each 20-50 ms on a bureau's
        network. Nothing is kept from one page to the next, so another user's verdict
        or setting saved meanwhile is shown; and the page is one moment of the ledger."""
        spot_id = self._spot_ids([spot_id])[0]
        spot_is = f"s.{ls.C_FID} = %s"
        parts = (
            self._verdict_select(f"v.{ls.C_SPOT_ID} = %s"),
            self._case_select(f"c.{ls.C_SPOT_ID} = %s"),
            self._event_select(
                f"{ls.C_CASE_ID} IN (SELECT {ls.C_ID} FROM {ls.T_CASES} WHERE {ls.C_SPOT_ID} = %s)"
            ),
            self._evidence_select(f"{ls.C_SPOT_ID} = %s"),
            self._settings_select(),
        )
        folder = f"(SELECT value FROM {ls.T_META} WHERE key = %s)"
        row = self._row(
            self._spot_sql()
            + "".join(f", {_json_rows(part)}" for part in parts)
            + f", {folder}"
            + self._SUMMARY_FROM
            + f" WHERE {spot_is}",
            [spot_id, spot_id, spot_id, spot_id, META_EVIDENCE_DIR, spot_id],
        )
        if row is None:
            self._refuse_unseen([spot_id], {})
        verdicts, cases, events, evidence, settings = (
            _from_json(part, rows) for part, rows in zip(parts, row[self._SPOT_WIDTH : -1])
        )
        histories: dict[int, list[Verdict]] = {spot_id: []}
        unreadable: dict[int, str] = {}
        self._add_verdict_rows(verdicts, histories, unreadable)
        if unreadable:  # as verdict_history says it
            raise LedgerError(unreadable[spot_id])
        by_case: dict[int, list[list]] = {}
        for event in events:
            by_case.setdefault(event[1], []).append(event)
        unreadable_cases: list[str] = []
        records = []
        for case in cases:  # as cases() replays them
            try:
                records.append(self._case_record(case, by_case.get(case[0], [])))
            except LedgerError as error:
                unreadable_cases.append(message_of(error))
        return SpotPage(
            spot=self._spot_from_row(row),
            history=histories[spot_id],
            case=records[0] if records else None,
            unreadable_cases=unreadable_cases,
            evidence=[self._evidence_from_row(r) for r in evidence],
            # No folder set yet (install without one): the page is shown all the same, as
            # the photo layer is; only attaching needs the folder, and says so.
            evidence_dir=(
                None
                if self._evidence_dir is None and not row[-1]
                else self._evidence_folder(row[-1])
            ),
            settings=self._settings_from(settings),
            where=self.path,
        )

    add_case_event = _guarded(SqlLedger.add_case_event)
    correct_case_event = _guarded(SqlLedger.correct_case_event)
    case = _guarded_read(SqlLedger.case)
    case_record = _guarded_read(SqlLedger.case_record)
    cases = _guarded_read(SqlLedger.cases)
    current_verdict = _guarded_read(SqlLedger.current_verdict)
    deadline_rules = _guarded_read(SqlLedger.deadline_rules)
    known_offices = _guarded_read(SqlLedger.known_offices)

    @_guarded
    def add_patrol(self, record) -> int:
        # Another office's patrol of the same number is not seen by the check before the
        # insert, and one saved meanwhile is not either: the unique key says it.
        try:
            return SqlLedger.add_patrol(self, record)
        except LedgerError as error:  # the transaction has translated the server's error
            cause = error.__cause__
            if isinstance(cause, self._pg.errors.UniqueViolation) and (
                cause.diag.constraint_name == f"{ls.T_PATROLS}_{ls.C_PATROL_NUMBER}_key"
            ):
                raise self._patrol_exists(record.id) from None
            raise

    patrols = _guarded_read(SqlLedger.patrols)
    patrol_withdrawals = _guarded_read(SqlLedger.patrol_withdrawals)

    @_guarded
    def withdraw_patrol(self, patrol_id: str, reason: str) -> int:
        # Two withdrawals of one patrol at once both found none before their insert: the
        # unique key says which came second, as what it is.
        try:
            return SqlLedger.withdraw_patrol(self, patrol_id, reason)
        except LedgerError as error:  # the transaction has translated the server's error
            cause = error.__cause__
            if isinstance(cause, self._pg.errors.UniqueViolation) and (
                cause.diag.constraint_name == f"{ls.T_PATROL_WITHDRAWALS}_{ls.C_PATROL_NUMBER}_key"
            ):
                number = patrol_id.strip()
                earlier = [w for w in self.patrol_withdrawals() if w.patrol_id == number]
                if earlier:
                    w = earlier[0]
                    raise self._patrol_withdrawn_already(number, w.reason, w.recorded_at) from None
            raise

    settings = _guarded_read(SqlLedger.settings)
    set_setting = _guarded(SqlLedger.set_setting)

    # --- refused saves ---------------------------------------------------------------------------
    @_guarded_read
    def conflicts(self, spot_id: int | None = None) -> list[dict[str, Any]]:
        """Saves refused as conflicts (the history's other half), oldest first."""
        return self._refused_rows(T_CONFLICTS, ls.C_SPOT_ID, spot_id)

    @_guarded_read
    def case_conflicts(self, case_id: int | None = None) -> list[dict[str, Any]]:
        """Case steps and corrections refused as conflicts (CaseConflictError), oldest first:
        each as it was entered, with the case's last row the user had seen and the one it had
        when refused (server schema 10)."""
        return self._refused_rows(T_CASE_CONFLICTS, ls.C_CASE_ID, case_id)

    def _refused_rows(self, table: str, key: str, value: int | None) -> list[dict[str, Any]]:
        """The rows of a table of refused saves, each as {column: value}, oldest first; those
        whose ``key`` is ``value`` when it is given."""
        where, params = ("", ()) if value is None else (f" WHERE {key} = %s", (int(value),))
        cursor = self._execute(f"SELECT * FROM {table}{where} ORDER BY {ls.C_ID}", params)
        names = [d.name for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    # --- whole tables, for ledger_migrate ------------------------------------------------------
    @_guarded_read
    def table_rows(self, table: str) -> tuple[list[str], list[tuple]]:
        """(columns, rows ordered by key) of a ledger table in the ledger_migrate form:
        geometry as WKB, dates as ISO text, flags as 0/1."""
        cursor = self._execute(
            "SELECT column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (self.schema, table),
        )
        described = cursor.fetchall()
        if not described:
            raise LedgerError(f"{self.path}: 没有表 / no table {table}")
        names = [name for name, _ in described]
        select = []
        for name, udt in described:
            if udt == "geometry":
                select.append(f'ST_AsBinary("{name}")')
            elif udt == "date":
                select.append(f'"{name}"::text')
            elif udt == "bool":
                select.append(f'"{name}"::int')
            else:
                select.append(f'"{name}"')
        key = ls.C_FID if ls.C_FID in names else names[0]
        rows = self._execute(f'SELECT {", ".join(select)} FROM {table} ORDER BY "{key}"').fetchall()
        geometry = {i for i, (_, udt) in enumerate(described) if udt == "geometry"}
        return names, [
            tuple(bytes(v) if i in geometry and v is not None else v for i, v in enumerate(row))
            for row in rows
        ]

    @staticmethod
    def _row_of(codec: str, table: str, columns: Sequence[str], rows: Sequence[Sequence]):
        """The first of a copy's ``rows`` holding a text ``codec`` cannot encode, as the
        arguments its refusal names it by: each field as table.column, with its spot (a spot's
        row as the delivered spot it is, by its JCBH; another table's by its spot_id)."""
        for row in rows:
            values = dict(zip(columns, row))
            if server_text.place_of(codec, values) is None:
                continue
            fields = {f"{table}.{column}": value for column, value in values.items()}
            if table == ls.T_SPOTS:
                number = values.get(ls.C_SPOT_NUMBER)
                return {"spot": SpotRecord({ls.C_SPOT_NUMBER: number, **fields}, None)}
            return {"spot_id": values.get(ls.C_SPOT_ID), **fields}
        return {}

    def load_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
        """Insert rows in the ledger_migrate form, ids kept; run inside transaction()."""
        from psycopg2.extras import execute_values

        cursor = self._conn.cursor()
        cursor.execute(
            "SELECT column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            (self.schema, table),
        )
        types = dict(cursor.fetchall())
        template = []
        for name in columns:
            if types.get(name) == "geometry":
                template.append(f"ST_GeomFromWKB(%s, {SRID})")
            elif types.get(name) == "bool":
                template.append("%s::int::boolean")
            else:
                template.append("%s")
        if table == ls.T_CASES:
            # The one-case-per-spot index would refuse a spot's second case the source holds
            # (kept, as the upgrade keeps it): dropped for the load, then built again with the
            # same exceptions the upgrade makes (ledger_postgis_server.case_index_sql).
            cursor.execute(f"SELECT {UNINDEX_CASES}()")
        if rows:
            try:
                execute_values(
                    cursor,
                    f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)})"
                    " VALUES %s",
                    [
                        tuple(
                            self._pg.Binary(v) if isinstance(v, (bytes, memoryview)) else v
                            for v in row
                        )
                        for row in rows
                    ],
                    template="(" + ", ".join(template) + ")",
                    page_size=ledger_sql.VALUES_PER_STATEMENT,
                )
            except UnicodeEncodeError as exc:  # a ledger in EUC_CN, say: the copy is undone
                arguments = self._row_of(exc.encoding, table, columns, rows)
                raise self._unencodable(exc, arguments) from exc
        if table == ls.T_CASES:
            cursor.execute(f"SELECT {INDEX_CASES}()")
        key = ls.C_FID if ls.C_FID in types else ls.C_ID
        if key in types:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'GREATEST((SELECT MAX("{key}") FROM {table}), 0) + 1, false)',
                (f'"{self.schema}".{table}', key),
            )
