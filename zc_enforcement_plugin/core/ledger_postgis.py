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
- Failure. Every save is one transaction. A lost connection rolls it back on the server and
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
import dataclasses
import functools
import getpass
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import shapely

from . import clock, ledger_sql, workdays
from . import ledger_postgis_locks as locks
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
from .ledger_records import (
    ImportCancelled,
    LedgerError,
    PhotoPoints,
    SavedWithoutReply,
    SpotPage,
    Verdict,
    WithdrawCancelled,
)
from .ledger_rows import Select
from .ledger_sql import SqlLedger
from .ledger_sql_cases import event_row

# Advisory lock classes: saves of one spot, events of one case, a change of the settings.
_LOCK_SPOT = 74001
_LOCK_CASE = 74002
_LOCK_SETTINGS = 74003

# How long a save waits for a spot, case or the settings another session holds before it is
# refused. A colleague's save holds a spot for milliseconds and an import's refresh for the
# import's length, mostly seconds; a session that never lets go (an importer frozen inside its
# transaction, a laptop asleep mid-import) would otherwise freeze QGIS inside the Save click
# for as long. Half a minute outlasts any ordinary wait and is still a wait a user sits out.
LOCK_WAIT_SECONDS = 30.0

# libpq's TCP keepalives and timeout (a saved connection's own values win): a server or
# network gone without closing the connection (a power cut, a dropped VPN) is noticed in about
# a minute — 30 s idle, then 3 probes 10 s apart; data unanswered for 60 s — not after the
# operating system's two hours, while a save or a read hangs.
KEEPALIVES = {
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}
TCP_USER_TIMEOUT_MS = "60000"  # libpq 12 and later know tcp_user_timeout

# Cancel pressed during long work (PostGISLedger.cancellable): how often the watcher asks, and
# how long the server is given to end the statement in flight before the store stops waiting
# for it (the network holding the cancel request as it holds the statement's reply).
CANCEL_POLL_SECONDS = 0.1
CANCEL_GRACE_SECONDS = 0.5

# =================================================================================================
# the store
# =================================================================================================

# What only the brigade may write, by table (ledger_postgis_server._GRANTS): the server refuses an
# office login's write there with a bare "permission denied for table ledger_batches", which a
# user reads as a fault of the server rather than as work that is not the office's.
_BRIGADE_WORK = {
    ls.T_BATCHES: ("导入图斑", "importing spots"),
    ls.T_SPOTS: ("导入图斑或修改下发的图斑", "importing spots or changing a spot as delivered"),
    ls.T_SETTINGS: (
        "保存台帐设置（期限规则、排名权重、节假日安排）",
        "storing the ledger's settings (deadline rules, ranking weights, holidays)",
    ),
    ls.T_META: (
        "修改台帐信息（如共享证据文件夹）",
        "changing the ledger's own details (such as the shared evidence folder)",
    ),
}


# Whether the login sees the whole ledger (PostGISLedger.sees_every_office), given ROLE_BRIGADE.
_SEES_EVERY_OFFICE = "pg_has_role(%s, 'MEMBER')"

# What a connection that failed or was dropped while being set up advises.
_CHECK_THE_NETWORK = "；请检查网络或服务器后重试 / check the network or the server and try again"


class _TablesBusyError(LedgerError):
    """PostGISLedger._tables_busy's refusal: a lock wait on a ledger table ran out."""


def _guarded(method):
    """Turn psycopg2's errors into LedgerError with a message a user can act on."""

    @functools.wraps(method)
    def wrapper(self: PostGISLedger, *args, **kwargs):
        if self._depth:
            try:
                return method(self, *args, **kwargs)
            except self._pg.Error as exc:
                raise self._translate(exc) from exc
        self._refuse_when_cancelled()
        # Before anything of the save is sent: a connection the server dropped while the
        # session sat idle (a restart) is made again here, so the first save after it goes
        # through. Once the save has begun it is never tried again: it might be recorded twice.
        self._verify_connection()
        self._verified = True
        self._saving = (method.__name__, args, kwargs)
        try:
            self._settle_unconfirmed()
            return method(self, *args, **kwargs)
        except self._pg.Error as exc:
            raise self._translate(exc) from exc
        finally:
            self._verified = False
            self._saving = None

    wrapper._ledger_guard = "write"
    return wrapper


def _guarded_read(method):
    """_guarded for a read: a connection found lost (the server restarted while the session
    sat idle) is made again and the read tried once more, as it changes nothing. Not inside
    a transaction, whose earlier statements went with the connection."""

    @functools.wraps(method)
    def wrapper(self: PostGISLedger, *args, **kwargs):
        if self._depth:
            return method(self, *args, **kwargs)
        self._refuse_when_cancelled()
        self._ensure_connected()
        try:
            return method(self, *args, **kwargs)
        except self._pg.Error as exc:
            if not self._lost(exc):
                raise self._translate(exc, reading=True) from exc
        self._refuse_when_cancelled()  # lost as the cancel ended it: not read again
        self._connect()
        try:
            return method(self, *args, **kwargs)
        except self._pg.Error as exc:
            raise self._translate(exc, reading=True) from exc

    wrapper._ledger_guard = "read"
    return wrapper


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


def _cut(conn) -> None:
    """End the psycopg2 connection ``conn`` here, from any thread, while a statement of
    another thread waits on it: its socket is shut down (not closed: libpq owns it), so that
    wait ends at once as a lost connection, whatever the network holds."""
    with contextlib.suppress(OSError, ValueError):
        cut = socket.socket(fileno=conn.fileno())
        try:
            cut.shutdown(socket.SHUT_RDWR)
        finally:
            cut.detach()


def _same_call(earlier: tuple | None, now: tuple | None) -> bool:
    """Whether two saves, as PostGISLedger._saving holds them, are the same save with the
    same values, whenever each was pressed (a record's recorded_at is the moment of the
    click); arguments that cannot say (arrays, say) are not."""
    if earlier is None or now is None:
        return False
    try:
        return all(_as_entered(a) == _as_entered(b) for a, b in zip(earlier, now, strict=True))
    except (TypeError, ValueError):
        return False


def _as_entered(value: Any) -> Any:
    """``value`` (a save's name, arguments or keywords) without the recorded_at of a record
    in it."""
    if isinstance(value, dict):
        return {key: _as_entered(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_as_entered(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value),) + tuple(
            _as_entered(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "recorded_at"
        )
    return value


class PostGISLedger(SqlLedger):
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
        try:
            import psycopg2
            import psycopg2.errors  # noqa: F401 - the error classes _translate names
            import psycopg2.extensions  # noqa: F401 - libpq_version, parse_dsn
        except ImportError:
            raise LedgerError(
                "缺少 psycopg2，无法连接 PostGIS 台帐 / psycopg2 is missing: install "
                "python3-psycopg2 (Debian) or use the QGIS Python that ships it"
            ) from None
        self._pg = psycopg2
        self._params = connection
        self.connection_name = connection_name
        self.schema = schema
        self.office = office
        self._evidence_dir = Path(evidence_dir) if evidence_dir else None
        self._depth = 0
        self._verified = False  # within a guarded save whose connection was just checked
        self._committing = False
        # Cancel pressed (cancellable): set by its watcher thread; the commit and the watcher's
        # cutting of the connection take turns on the lock, so that a COMMIT sent is never cut.
        self._cancel: tuple[threading.Event, type[Exception]] | None = None
        self._commit_turn = threading.Lock()
        self._saving: tuple | None = None  # the guarded save under way: its name and arguments
        # A save whose COMMIT lost its reply while the server could not be asked about it:
        # (its transaction id, the save as _saving held it), settled before the next save,
        # or before a page is read (settle_unconfirmed).
        self._unconfirmed: tuple[int, tuple | None] | None = None
        # A save in doubt that a read found recorded, as _saving held it: the same save
        # pressed again is still not made twice.
        self._recorded_unconfirmed: tuple | None = None
        self._conn = None
        self.migrated_from = None
        self._connect()
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

    # --- the connection --------------------------------------------------------------------------
    def _param_dict(self) -> dict[str, str]:
        params = self._params
        if isinstance(params, str):
            return dict(part.split("=", 1) for part in params.split() if "=" in part)
        return dict(params)

    @property
    def server(self) -> str:
        """host:port/database, for messages (never the password); a pg_service's name when
        the service file holds the host (the parameters name none: not localhost:5432)."""
        params = self._param_dict()
        database = params.get("dbname") or params.get("database") or ""
        if params.get("service") and not params.get("host"):
            return f"pg_service {params['service']}" + (f"/{database}" if database else "")
        host = params.get("host") or "localhost"
        port = params.get("port") or "5432"
        return f"{host}:{port}/{database}"

    @property
    def _server_zh(self) -> str:
        """The server with the saved QGIS connection it was reached through, in Chinese."""
        named = f"（连接 {self.connection_name}）" if self.connection_name else ""
        return self.server + named

    @property
    def _server_en(self) -> str:
        named = f" (connection {self.connection_name})" if self.connection_name else ""
        return self.server + named

    @property
    def path(self) -> str:
        """A name for the ledger in messages and settings (no password): the reference
        postgis://<saved connection>/<schema> when opened through one."""
        return f"postgis://{self.connection_name or self.server}/{self.schema}"

    def _default_login_note(self) -> str:
        """Who the login is when the connection names none (libpq then takes PGUSER or the
        operating-system user; a pg_service may name one): "" when it names one."""
        params = self._param_dict()
        if params.get("user") or params.get("service"):
            return ""
        if os.environ.get("PGUSER"):
            user = os.environ["PGUSER"]
            return (
                f"；连接未保存用户名，以环境变量 PGUSER 的用户 {user} 登录 / the connection "
                f"saves no user name, so it logs in as {user!r}, the user of PGUSER"
            )
        try:
            user = getpass.getuser()
        except Exception:  # no name for this process's user id: libpq would fail as well
            user = "?"
        return (
            f"；连接未保存用户名，以本机操作系统用户 {user} 登录 / the connection saves no user "
            f"name, so it logs in as the operating-system user {user!r}"
        )

    def _liveness(self) -> dict[str, str]:
        """KEEPALIVES (and the TCP timeout where libpq knows it) that the connection's own
        parameters do not set."""
        wanted = dict(KEEPALIVES)
        if self._pg.extensions.libpq_version() >= 120000:
            wanted["tcp_user_timeout"] = TCP_USER_TIMEOUT_MS
        if isinstance(self._params, str):
            given = self._pg.extensions.parse_dsn(self._params)
        else:
            given = self._params
        return {key: value for key, value in wanted.items() if key not in given}

    def _connect(self) -> None:
        try:
            if isinstance(self._params, str):
                conn = self._pg.connect(self._params, **self._liveness())
            else:
                conn = self._pg.connect(**{**self._liveness(), **self._params})
        except self._pg.OperationalError as exc:
            detail = str(exc).strip()
            if "password" in detail:  # refused or missing: the login, not the server
                hint = (
                    "；请检查 QGIS 中保存的连接或其认证配置中的用户名和密码 / check the user name "
                    "and password of the saved QGIS connection or its authentication "
                    "configuration"
                )
            else:
                hint = _CHECK_THE_NETWORK
            raise self._cannot_connect(detail + hint) from None
        conn.autocommit = True  # reads are single statements; saves BEGIN ... COMMIT themselves
        try:
            with conn.cursor() as cursor:
                problem = self._schema_problem(cursor)
                if problem is None:
                    cursor.execute(f'SET search_path TO "{self.schema}", public')
                    # Every wait for a lock, not only a spot's: a table an administrator's
                    # upgrade holds (or waits for, the saves queueing behind it) would
                    # otherwise freeze QGIS inside Save, or a read, with no word.
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, false)",
                        (locks.lock_timeout_ms(LOCK_WAIT_SECONDS),),
                    )
        except self._pg.Error as exc:
            # Dropped between the server's accepting it and these first questions (a VPN
            # dropping, the server restarting): as a connection that failed, not psycopg2's
            # own words, which a save's form does not catch.
            hint = _CHECK_THE_NETWORK if conn.closed else ""  # lost, not a question refused
            conn.close()
            raise self._cannot_connect(str(exc).strip() + hint) from exc
        if problem is not None:
            conn.close()
            raise LedgerError(f"{self.path}: {problem}")
        self._conn = conn

    def _cannot_connect(self, detail: str) -> LedgerError:
        return LedgerError(
            f"无法连接数据库服务器 {self._server_zh} / cannot connect to the database server "
            f"{self._server_en}: {detail}{self._default_login_note()}"
        )

    def _schema_problem(self, cursor) -> str | None:
        """Why this login cannot use the schema as a ledger, or None. Asked before any ledger
        table is read: a schema seen without the right to use it, or one that is no ledger,
        would otherwise fail with "relation ledger_meta does not exist"."""
        cursor.execute(
            "SELECT current_user, n.oid IS NOT NULL, u.usable, CASE WHEN u.usable THEN "
            "to_regclass(quote_ident(%s) || '.' || %s) IS NOT NULL END "
            "FROM (SELECT to_regnamespace(quote_ident(%s)) AS oid) n, "
            "LATERAL (SELECT has_schema_privilege(n.oid, 'USAGE') AS usable) u",
            (self.schema, ls.T_META, self.schema),
        )
        login, exists, usable, has_meta = cursor.fetchone()
        ask = (
            f"请管理员为登录 {login} 运行 ledger_postgis.install / ask the administrator to run "
            f"ledger_postgis.install for the login {login!r}"
        )
        if not exists:
            return (
                f"数据库中没有台帐模式 {self.schema}，请检查台帐引用（postgis://连接名/模式）或请管理员"
                f"运行 ledger_postgis.install 创建 / no ledger schema {self.schema!r} in this "
                "database: check the reference (postgis://<connection>/<schema>) or ask the "
                "administrator to run ledger_postgis.install"
            )
        if not usable:
            return (
                f"登录 {login} 无权使用台帐模式 {self.schema}（不属于 {ROLE_OFFICE} 或 "
                f"{ROLE_BRIGADE}）/ the login {login!r} has no rights on the ledger schema "
                f"{self.schema!r} (not a member of {ROLE_OFFICE} or {ROLE_BRIGADE}): {ask}"
                + self._default_login_note()
            )
        if not has_meta:
            return (
                f"模式 {self.schema} 不是台帐模式，请检查台帐引用 / the schema {self.schema!r} is "
                "not a ledger schema (it has no ledger_meta): check the reference "
                "(postgis://<connection>/<schema>)"
            )
        return self._rows_problem(cursor, login)

    def _rows_problem(self, cursor, login: str) -> str | None:
        """Why this login would see no row of the ledger, or None. Row security shows a login
        only what a policy of its group gives it: one in neither group, or an office login the
        office map gives no town, would open the ledger and find it empty, and every report
        would count zeros for every office as though nothing had been found."""
        # USAGE, not MEMBER: a policy applies to a login that has its role's privileges.
        cursor.execute(
            "SELECT r.rolsuper OR r.rolbypassrls, pg_has_role(%s, 'USAGE'), "
            "pg_has_role(%s, 'USAGE') FROM pg_roles r WHERE r.rolname = current_user",
            (ROLE_BRIGADE, ROLE_OFFICE),
        )
        bypasses, brigade, office = cursor.fetchone()
        if bypasses or brigade:
            return None
        if not office:
            return (
                f"登录 {login} 不属于 {ROLE_BRIGADE} 或 {ROLE_OFFICE}，行级安全下看不到台帐中的任何"
                f"记录，报表将全部为零；请管理员在 ledger_postgis.install 中将其列为执法监察大队"
                f"登录或自然资源所登录 / the login {login!r} is in neither ledger group "
                f"({ROLE_BRIGADE} nor {ROLE_OFFICE}): row-level security shows it no row of "
                "the ledger, and every report would count zeros. Ask the administrator to add "
                "it to ledger_postgis.install as a brigade login or an office login"
                + self._default_login_note()
            )
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{self.schema}".zc_towns_of(current_user))')
        if not cursor.fetchone()[0]:
            return (
                f"自然资源所登录 {login} 在 {T_OFFICE_TOWNS} 中没有所辖乡镇，行级安全下看不到任何"
                f"图斑、案件或巡查，报表将全部为零；请管理员在 ledger_postgis.install 的 offices"
                f" 中为其设置所名和乡镇 / the office login {login!r} has no towns in "
                f"{T_OFFICE_TOWNS}: row-level security shows it no spot, case or patrol, and "
                "every report would count zeros. Ask the administrator to give it its office "
                "and towns in the offices of ledger_postgis.install" + self._default_login_note()
            )
        return None

    def _ensure_connected(self) -> None:
        if self._conn is None or self._conn.closed:
            self._connect()

    def _verify_connection(self) -> None:
        """Connected, and the connection answers: psycopg2 learns that the server dropped an
        idle connection only when a statement fails on it, so a save would otherwise meet
        the loss in its first statement and be refused. One round trip, before a write only
        (a read that meets the loss simply reads again)."""
        self._ensure_connected()
        try:
            self._execute("SELECT 1")
        except self._pg.Error as exc:
            if not self._lost(exc):
                raise self._translate(exc) from exc
            self._connect()

    def _lost(self, exc: Exception) -> bool:
        """The error is the connection's loss, not the statement's fault."""
        return isinstance(exc, (self._pg.OperationalError, self._pg.InterfaceError)) and (
            self._conn is None or bool(self._conn.closed)
        )

    def _translate(self, exc: Exception, reading: bool = False) -> LedgerError:
        errors = self._pg.errors
        if self._lost(exc) and reading:
            return LedgerError(
                f"与数据库服务器 {self._server_zh} 的连接中断，请检查网络或服务器后重试 / the "
                f"connection to the database server {self._server_en} was lost; check the network "
                f"or the server and try again ({str(exc).strip()})"
            )
        if self._lost(exc):
            if getattr(self, "_committing", False):
                return self._in_doubt()
            return LedgerError(
                f"与数据库服务器 {self._server_zh} 的连接中断，本次保存已撤销，未写入任何内容；请"
                f"检查网络或服务器后重试 / the connection to the database server {self._server_en} "
                "was lost: this save was rolled back and nothing of it was written; check the "
                f"network or the server and try again ({str(exc).strip()})"
            )
        if isinstance(exc, errors.LockNotAvailable):
            return self._tables_busy(reading)
        if isinstance(exc, errors.ReadOnlySqlTransaction):
            login, database = self._login()
            return LedgerError(
                f"登录 {login} 或数据库 {database} 为只读（{self._server_zh}，"
                "default_transaction_read_only），未保存任何内容；如需记录，请管理员取消只读 / the "
                f"login {login!r} or the database {database!r} is read-only on {self._server_en} "
                "(default_transaction_read_only): nothing was saved; to record, ask the "
                "administrator to make it writable"
            )
        if isinstance(exc, errors.InsufficientPrivilege):
            refused = self._brigade_work(exc)
            if refused is not None:
                return refused
            return LedgerError(
                f"在 {self._server_zh} 上无权执行此操作（角色权限或行级安全限制）/ not permitted "
                f"on {self._server_en}: your role may not see or change these rows "
                f"({str(exc).strip()})"
            )
        if getattr(exc, "pgcode", None) == "ZC001":
            return LedgerError(str(getattr(exc.diag, "message_primary", exc)))
        if isinstance(exc, errors.UniqueViolation):
            return LedgerError(f"记录已存在 / the record already exists: {str(exc).strip()}")
        return LedgerError(
            f"{self._server_zh} 数据库错误 / database error on {self._server_en}: "
            f"{str(exc).strip()}"
        )

    def _in_doubt(self) -> LedgerError:
        """A save whose connection was lost at COMMIT, and the server could not be asked
        since whether it recorded it (_commit_outcome)."""
        return LedgerError(
            f"保存时与数据库服务器 {self._server_zh} 的连接中断，服务器未确认保存，请重新"
            f"打开台帐核对 / the connection to the database server {self._server_en} was "
            "lost while the save was being committed: the server did not confirm it; "
            "reopen the ledger and check whether it was recorded"
        )

    def _tables_busy(self, reading: bool) -> LedgerError:
        """A ledger table another session kept locked past LOCK_WAIT_SECONDS (an upgrade
        running, or a session left inside a transaction), naming the sessions holding ledger
        tables, and the administrator only when one of them is upgrading the ledger. Asked
        outside a transaction only: inside one, aborted by the wait, the question fails, so a
        save's transaction makes this again after its ROLLBACK (_outer_transaction)."""
        holders: list[tuple] = []
        if not self._depth:
            with contextlib.suppress(self._pg.Error):
                holders = locks.ledger_lock_holders(self._conn.cursor(), self.schema)
        zh, en = locks.describe_holders(holders)
        done_zh, done_en = (
            ("未能读取", "nothing was read")
            if reading
            and not self._verified  # a save's own reads (before its BEGIN) are the save's
            else ("未保存任何内容", "nothing was saved")
        )
        why_zh, why_en = (
            ("（可能是管理员正在升级台帐）", " (the administrator may be upgrading the ledger)")
            if locks.upgrading(holders)
            else ("", "")
        )
        return _TablesBusyError(
            f"台帐表正被其他会话占用{why_zh}"
            + (f"：{zh}" if zh else "")
            + f"；等待 {LOCK_WAIT_SECONDS:g} 秒后放弃，{done_zh}，请稍后再试 / the ledger's "
            f"tables are held by another session{why_en}"
            + (f": {en}" if en else "")
            + f"; gave up after waiting {LOCK_WAIT_SECONDS:g} s, {done_en}; try again later"
        )

    def _brigade_work(self, exc: Exception) -> LedgerError | None:
        """The refusal of a write only the brigade may make, in words, or None for another
        privilege error. The table is found by name in the server's message, which is in the
        server's language (lc_messages): "permission denied for table ledger_batches" or
        "对表 ledger_batches 权限不够"."""
        named = set(re.findall(r"\b(ledger_[a-z_]+)\b", str(exc)))
        table = next((t for t in _BRIGADE_WORK if t in named), None)
        if table is None:
            return None
        zh, en = _BRIGADE_WORK[table]
        login = self._login()[0]
        return LedgerError(
            f"登录 {login} 无权{zh}（{table}）：在共享台帐上这是执法监察大队的工作，请用大队登录"
            f"运行；未保存任何内容 / the login {login!r} may not do this: {en} ({table}) is the "
            "brigade's work on the shared ledger; run it with a brigade login. Nothing was saved"
        )

    @property
    def login(self) -> str:
        """The database login this ledger is read with, as messages name it."""
        return self._login()[0]

    def _login(self) -> tuple[str, str]:
        """(login, database) of the open connection, else as the parameters give them."""
        if self._conn is not None and not self._conn.closed:
            return self._conn.info.user, self._conn.info.dbname
        params = self._param_dict()
        return params.get("user", "?"), params.get("dbname") or params.get("database") or "?"

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

    def _execute(self, sql: str, params: Sequence | None = None):
        cursor = self._conn.cursor()
        cursor.execute(sql, params)
        return cursor

    def _scalar(self, sql: str, params: Sequence | None = None) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        if self._verified:  # by the save this transaction is part of, a moment ago
            self._ensure_connected()
        else:
            self._verify_connection()
        try:
            # The transaction's id, so that a connection lost at COMMIT can be asked about
            # afterwards (_commit_outcome): taken with the BEGIN, in its round trip, not by a
            # statement of its own before the COMMIT.
            transaction = self._scalar("BEGIN; SELECT txid_current()")
        except self._pg.Error as exc:
            self._roll_back("ROLLBACK")  # begun, should the id be what failed
            raise self._translate(exc) from exc
        self._depth = 1
        try:
            yield
            with self._commit_turn:
                self._refuse_when_cancelled()  # cancelled at the last moment: rolled back
                self._committing = True
            self._commit()
        except BaseException as exc:
            if not self._conn.closed:
                with contextlib.suppress(self._pg.Error):
                    self._execute("ROLLBACK")
            # Out of the transaction before the error is put in words: a lock wait that ran
            # out asks the server who holds the tables, which the aborted transaction refused.
            self._depth = 0
            if isinstance(exc, self._pg.Error):
                if self._committing and self._lost(exc):
                    raise self._commit_outcome(transaction, exc) from exc
                raise self._translate(exc) from exc
            if isinstance(exc, _TablesBusyError):  # put in words inside it, by a nested save
                raise self._tables_busy(reading=False) from exc.__cause__
            raise
        finally:
            self._committing = False
            self._depth = 0

    def _commit(self) -> None:
        self._execute("COMMIT")

    # How long a transaction whose COMMIT was cut off may still show as in progress on the
    # server (its backend still going down) before the save is called in doubt.
    _SETTLE_SECONDS = 5.0

    def _commit_outcome(self, transaction: int, exc: Exception) -> LedgerError:
        """What became of a save whose connection was lost at COMMIT: the server committed it
        or not, and the reply is what was lost. Asked over a new connection by the
        transaction's id (txid_status, made for this; any login may ask): "saved", "not saved,
        save again", and "in doubt" only when the server cannot be asked (still unreachable)
        or has not settled it yet."""
        status = None
        with contextlib.suppress(LedgerError, self._pg.Error):
            self._connect()
            status = self._transaction_status(transaction)
        if status == "committed":
            return SavedWithoutReply(
                f"保存时与数据库服务器 {self._server_zh} 的连接中断；已重新连接核实：已保存，"
                f"无需重新保存 / the connection to the database server {self._server_en} was "
                "lost while the save was being committed; checked after reconnecting: the save "
                "was recorded, do not save it again"
            )
        if status == "aborted":
            return LedgerError(
                f"保存时与数据库服务器 {self._server_zh} 的连接中断；已重新连接核实：未保存，请重新"
                f"保存 / the connection to the database server {self._server_en} was lost "
                "while the save was being committed; checked after reconnecting: nothing of it "
                f"was recorded, save it again ({str(exc).strip()})"
            )
        # Kept to be asked again before the next save: told "in doubt", the user saves again,
        # and that save would otherwise meet their own as someone else's (a conflict).
        self._unconfirmed = (transaction, self._saving)
        return self._in_doubt()

    def _transaction_status(self, transaction: int) -> str | None:
        """txid_status of ``transaction``, waiting up to _SETTLE_SECONDS while it is still in
        progress (its backend going down): "committed", "aborted", "in progress", or None
        when the server no longer knows it."""
        status = None
        for _ in range(max(1, round(self._SETTLE_SECONDS * 10))):
            status = self._scalar("SELECT txid_status(%s)", (transaction,))
            if status != "in progress":
                break
            self._execute("SELECT pg_sleep(0.1)")
        return status

    def _settle_unconfirmed(self) -> None:
        """Before a save, on a connection that answers: what became of an earlier save left in
        doubt (_commit_outcome could not reach the server), said once. The same save again
        (what 服务器未确认保存 leads a user to) is not made twice: recorded, it is told as saved
        (SavedWithoutReply, the form reads it back); not recorded, it goes ahead. Another save
        is refused once, nothing of it written, with what became of the earlier one. Settled
        already by a read (settle_unconfirmed), which said it, no save is refused for it; the
        same save again, found recorded there, is still told as saved."""
        if self._unconfirmed is None:
            recorded, self._recorded_unconfirmed = self._recorded_unconfirmed, None
            if _same_call(recorded, self._saving):
                raise SavedWithoutReply(self._earlier_save_not_made_again())
            return
        transaction, call = self._unconfirmed
        status = self._transaction_status(transaction)
        if status == "in progress":
            raise LedgerError(
                f"您先前的保存在数据库服务器 {self._server_zh} 上尚未结束，本次保存未进行，未写入"
                f"任何内容，请稍后再试 / your earlier save has not yet ended on the database "
                f"server {self._server_en}: this save was not made, nothing of it was written; try "
                "again in a moment"
            )
        self._unconfirmed = None
        if status is None:  # too old for the server to tell: as before it was kept
            return
        recorded = status == "committed"
        if _same_call(call, self._saving):
            if recorded:
                raise SavedWithoutReply(self._earlier_save_not_made_again())
            return  # not recorded: this save is the one to make
        earlier_zh, earlier_en = (
            ("已记录", "was recorded") if recorded else ("未记录，请重新录入", "was not recorded")
        )
        checked_zh, checked_en = self._checked_after_reconnecting()
        raise LedgerError(
            f"您先前的保存{earlier_zh}{checked_zh}；本次保存未进行，未写入任何内容，请核对后再"
            f"保存 / your earlier save {earlier_en}{checked_en}"
            + ("" if recorded else ": enter it again")
            + "; this save was not made, nothing of it was written: check, then save it again"
        )

    @_guarded_read
    def settle_unconfirmed(self) -> tuple[str, bool] | None:
        """LedgerStore.settle_unconfirmed. Asked before the dock reads a page: the page then
        shows what became of a save left in doubt, and the user is told it beside it, once,
        instead of having their next save (another spot's verdict, a file attached) refused
        for it after they have looked (_settle_unconfirmed). Nothing in doubt, or the save
        still going on: None, and the next save asks again."""
        if self._unconfirmed is None:
            return None
        transaction, call = self._unconfirmed
        status = self._transaction_status(transaction)
        if status == "in progress":
            return None
        self._unconfirmed = None
        if status is None:  # too old for the server to tell: as _settle_unconfirmed
            return None
        if status == "committed":
            self._recorded_unconfirmed = call
            checked_zh, checked_en = self._checked_after_reconnecting()
            return (
                f"您先前的保存已记录{checked_zh}，无需重新保存 / your earlier save was recorded"
                f"{checked_en}: do not save it again",
                True,
            )
        checked_zh, checked_en = self._checked_after_reconnecting()
        return (
            f"您先前的保存未记录{checked_zh}，请重新录入 / your earlier save was not recorded"
            f"{checked_en}: enter it again",
            False,
        )

    def _checked_after_reconnecting(self) -> tuple[str, str]:
        """How what became of a save left in doubt was found, in Chinese and in English."""
        return (
            f"（与数据库服务器 {self._server_zh} 的连接中断时未获确认，已重新连接核实）",
            f" (unconfirmed when the connection to the database server {self._server_en} was "
            "lost; checked after reconnecting)",
        )

    def _earlier_save_not_made_again(self) -> str:
        """The same save again, after the one left in doubt was found recorded."""
        checked_zh, checked_en = self._checked_after_reconnecting()
        return (
            f"您先前的保存已记录{checked_zh}，本次未重复保存 / your earlier save was "
            f"recorded{checked_en}: it was not saved again"
        )

    # --- cancel --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def cancellable(
        self, is_cancelled: Callable[[], bool] | None, cancelled: type[Exception]
    ) -> Iterator[None]:
        """SqlLedger.cancellable. The work asks ``is_cancelled`` between statements only, and a
        statement may wait minutes (for another import of the batch) or as long as the network
        holds its reply: found by review, a cancel during a 10 s network pause was heard 13.8 s
        later. A watcher thread asks too (a Processing thread has no event loop for a timer):
        said yes, the server is asked to cancel the statement, and if it has not ended within
        CANCEL_GRACE_SECONDS the connection is cut (never once the COMMIT is sent). Either way
        the transaction is rolled back on the server: nothing of it is written."""
        if is_cancelled is None or self._cancel is not None or self._depth:
            yield  # inside cancellable work already, or nothing to ask
            return
        said = threading.Event()
        over = threading.Event()
        self._cancel = (said, cancelled)
        watcher = threading.Thread(
            target=self._watch_cancel, args=(is_cancelled, said, over), daemon=True
        )
        watcher.start()
        try:
            yield
        except (SavedWithoutReply, cancelled):
            raise  # recorded after all (the cancel came too late), or the work's own stop
        except (LedgerError, self._pg.Error) as error:
            if said.is_set():  # the statement ended or the connection cut by the cancel
                raise cancelled() from error
            raise
        finally:
            over.set()
            watcher.join()
            self._cancel = None

    def _watch_cancel(
        self, is_cancelled: Callable[[], bool], said: threading.Event, over: threading.Event
    ) -> None:
        while not over.wait(CANCEL_POLL_SECONDS):
            if is_cancelled():
                break
        else:
            return
        conn = self._conn
        if conn is None or conn.closed:
            said.set()
            return
        with self._commit_turn:
            if self._committing:
                return  # too late: the COMMIT is the server's to finish, and is told
            said.set()
        # Not conn.cancel(): libpq's cancel request holds Python's lock (every thread of
        # QGIS) for as long as the network holds the request. A connection of its own asks
        # the server, in a thread of its own, waited for by no one.
        threading.Thread(
            target=self._ask_server_to_cancel, args=(conn.get_backend_pid(),), daemon=True
        ).start()
        if over.wait(CANCEL_GRACE_SECONDS):
            return
        with self._commit_turn:
            if not self._committing:
                _cut(conn)

    def _ask_server_to_cancel(self, backend: int) -> None:
        """Ask the server to cancel the statement session ``backend`` runs (any login may
        cancel its own sessions); an unreachable server is no matter: the connection is cut."""
        with contextlib.suppress(self._pg.Error):
            if isinstance(self._params, str):
                conn = self._pg.connect(self._params, connect_timeout="5")
            else:
                conn = self._pg.connect(**{"connect_timeout": "5", **self._params})
            try:
                conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_cancel_backend(%s)", (backend,))
            finally:
                conn.close()

    def _refuse_when_cancelled(self) -> None:
        """Raise the cancelled work's error once its cancel was said: no statement is sent,
        nor a connection made again (through a network that holds it), after that."""
        if self._cancel is not None and self._cancel[0].is_set():
            raise self._cancel[1]()

    def _roll_back(self, *statements: str) -> None:
        if not self._conn.closed:
            with contextlib.suppress(self._pg.Error):
                for statement in statements:
                    self._execute(statement)

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()

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

    def _take_lock(self, kind: int, key: int) -> bool:
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
                    "PERFORM pg_advisory_xact_lock(%s, %s); "
                    "PERFORM set_config('lock_timeout', outer_timeout, true); END$$; "
                    f"RELEASE SAVEPOINT {savepoint}",
                    (locks.lock_timeout_ms(LOCK_WAIT_SECONDS), kind, key),
                )
            except BaseException:
                # As transaction() undoes a savepoint: the timeout set inside it goes with it.
                self._roll_back(f"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}")
                raise
        except self._pg.errors.LockNotAvailable:
            return False
        return True

    def _refuse_busy(self, kind: int, key: int, what_zh: str, what_en: str) -> None:
        """Raise the LedgerError of a lock (kind, key) another session kept past the wait,
        naming that session's login and application where the server tells them (every
        login sees who another session is, not what it runs)."""
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
        raise LedgerError(
            f"{what_zh} 正被另一会话修改（如导入）{who_zh}，请稍后再试；未保存任何内容 / "
            f"{what_en} is being changed by another session (e.g. an import){who_en}; try "
            f"again later. Nothing was saved (waited {LOCK_WAIT_SECONDS:g} s)"
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
        with self.cancellable(is_cancelled, WithdrawCancelled):
            return SqlLedger.withdraw_batch(self, batch_name, progress, is_cancelled)

    counts = _guarded_read(SqlLedger.counts)
    record_verdict = _guarded(SqlLedger.record_verdict)
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
            f"{ls.SETTING_OFFICE_ALIASES}，ledgersettings 的 OFFICE_ALIASES）后再立案，或按新所名"
            f"重新交付该图斑，或由大队立案 / spot {spot.number} has office (SMC) {spot.office}, "
            f"not this login's {names} (an office renamed whose spot was not yet delivered "
            "again under the new name?): a case is recorded at its spot's office, so none was "
            f"opened. If {spot.office} is this office's old name, ask the brigade to store it "
            f"as an alias of the current name (the ledger setting {ls.SETTING_OFFICE_ALIASES}, "
            "ledgersettings OFFICE_ALIASES) and open the case again, or to deliver the spot "
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
                unreadable_cases.append(str(error))
        return SpotPage(
            spot=self._spot_from_row(row),
            history=histories[spot_id],
            case=records[0] if records else None,
            unreadable_cases=unreadable_cases,
            evidence=[self._evidence_from_row(r) for r in evidence],
            evidence_dir=self._evidence_folder(row[-1]),
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
            execute_values(
                cursor,
                f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
                "VALUES %s",
                [
                    tuple(
                        self._pg.Binary(v) if isinstance(v, (bytes, memoryview)) else v for v in row
                    )
                    for row in rows
                ],
                template="(" + ", ".join(template) + ")",
                page_size=ledger_sql.VALUES_PER_STATEMENT,
            )
        if table == ls.T_CASES:
            cursor.execute(f"SELECT {INDEX_CASES}()")
        key = ls.C_FID if ls.C_FID in types else ls.C_ID
        if key in types:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'GREATEST((SELECT MAX("{key}") FROM {table}), 0) + 1, false)',
                (f'"{self.schema}".{table}', key),
            )
