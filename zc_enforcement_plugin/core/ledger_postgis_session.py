"""The shared ledger's session (PostGISSession): its connection to the server, its transactions
and their recovery, which the store (ledger_postgis.PostGISLedger) extends.

Apart from the store because it is what a shared server adds to every read and save, whatever
they read or save, and it is read on its own when a connection fails: connecting (keepalives,
the login's rights on the schema), a psycopg2 error put in words a user can act on
(_translate), every public read and save guarded (_guarded, _guarded_read: a connection the
server dropped is made again), one transaction per save with its id (_outer_transaction), a
COMMIT whose reply was lost asked about over a new connection (_commit_outcome) or before the
next save or page (_settle_unconfirmed, settle_unconfirmed), and Cancel heard while a
statement waits (cancellable, _watch_cancel). The store holds the ledger's reads and saves.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import getpass
import inspect
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import ledger_postgis_encoding as server_text
from . import ledger_postgis_locks as locks
from . import ledger_schema as ls
from .ledger_postgis_server import ROLE_BRIGADE, ROLE_OFFICE, T_OFFICE_TOWNS
from .ledger_records import LedgerError, SavedWithoutReply
from .ledger_sql import SqlLedger
from .patrols import PatrolRecord

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

# Cancel pressed during long work (PostGISSession.cancellable): how often the watcher asks, and
# how long the server is given to end the statement in flight before the store stops waiting
# for it (the network holding the cancel request as it holds the statement's reply).
CANCEL_POLL_SECONDS = 0.1
CANCEL_GRACE_SECONDS = 0.5


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


# What a connection that failed or was dropped while being set up advises.
# In halves: each goes into its own language's half of the refusal it ends.
_CHECK_THE_NETWORK = (
    "；请检查网络或服务器后重试",
    "; check the network or the server and try again",
)


class _TablesBusyError(LedgerError):
    """PostGISSession._tables_busy's refusal: a lock wait on a ledger table ran out."""


def _guarded(method):
    """Turn psycopg2's errors into LedgerError with a message a user can act on."""

    @functools.wraps(method)
    def wrapper(self: PostGISSession, *args, **kwargs):
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
        except UnicodeEncodeError as exc:  # its transaction, if begun, was rolled back
            raise self._unencodable(exc, _arguments(method, self, args, kwargs)) from exc
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
    def wrapper(self: PostGISSession, *args, **kwargs):
        if self._depth:
            return method(self, *args, **kwargs)
        self._refuse_when_cancelled()
        self._ensure_connected()
        try:
            return method(self, *args, **kwargs)
        except UnicodeEncodeError as exc:  # a filter's text no row of this ledger can hold
            arguments = _arguments(method, self, args, kwargs)
            raise self._unencodable(exc, arguments, reading=True) from exc
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


def _arguments(method, store: PostGISSession, args: tuple, kwargs: dict) -> dict[str, Any]:
    """A call's arguments by the names of ``method``'s parameters (its refusal names a field
    by them: batch_name, verdict's verifier), without the store itself."""
    try:
        signature = inspect.signature(method)
        bound = dict(signature.bind_partial(store, *args, **kwargs).arguments)
    except (TypeError, ValueError):
        return {f"#{i + 1}": value for i, value in enumerate(args)} | kwargs
    for name, parameter in signature.parameters.items():  # open_case(origin, **kwargs)
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            bound |= bound.pop(name, {})
    return {name: value for name, value in bound.items() if value is not store}


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
    """Whether two saves, as PostGISSession._saving holds them, are the same save with the
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


class PostGISSession(SqlLedger):
    """A connection to one ledger schema on a PostgreSQL server, the transactions of its saves
    and their recovery. `connection` is a dict of psycopg2.connect keywords or a libpq
    connection string, `connection_name` the saved QGIS connection's name (see PostGISLedger).
    Connects on creation: a server that cannot be reached, or a login that cannot use the
    schema as a ledger, raises LedgerError in words."""

    def __init__(
        self,
        connection: dict[str, Any] | str,
        schema: str,
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
        self._connect()

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

    def _default_login_note(self) -> tuple[str, str]:
        """Who the login is when the connection names none (libpq then takes PGUSER or the
        operating-system user; a pg_service may name one), in Chinese and in English, each to
        end its own half of a message (a whole pair glued on after one put its Chinese in the
        English half); ("", "") when it names one."""
        params = self._param_dict()
        if params.get("user") or params.get("service"):
            return "", ""
        if os.environ.get("PGUSER"):
            user = os.environ["PGUSER"]
            return (
                f"；连接未保存用户名，以环境变量 PGUSER 的用户 {user} 登录",
                f"; the connection saves no user name, so it logs in as {user!r}, the user of "
                "PGUSER",
            )
        try:
            user = getpass.getuser()
        except Exception:  # no name for this process's user id: libpq would fail as well
            user = "?"
        return (
            f"；连接未保存用户名，以本机操作系统用户 {user} 登录",
            f"; the connection saves no user name, so it logs in as the operating-system user "
            f"{user!r}",
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
                    "；请检查 QGIS 中保存的连接或其认证配置中的用户名和密码",
                    "; check the user name and password of the saved QGIS connection or its "
                    "authentication configuration",
                )
            else:
                hint = _CHECK_THE_NETWORK
            raise self._cannot_connect(detail, hint) from None
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
            hint = _CHECK_THE_NETWORK if conn.closed else ("", "")  # lost, not refused
            conn.close()
            raise self._cannot_connect(str(exc).strip(), hint) from exc
        if problem is not None:
            conn.close()
            raise LedgerError(f"{self.path}: {problem}")
        self._conn = conn

    def _cannot_connect(self, detail: str, hint: tuple[str, str] = ("", "")) -> LedgerError:
        """The refusal, "中文 / English" with the hint and the login note in their halves, then
        libpq's own words (``detail``, English and of several lines) below it, once."""
        note_zh, note_en = self._default_login_note()
        return LedgerError(
            f"无法连接数据库服务器 {self._server_zh}{hint[0]}{note_zh}；详情如下 / cannot connect "
            f"to the database server {self._server_en}{hint[1]}{note_en}; details below:\n"
            f"{detail}"
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
        note_zh, note_en = self._default_login_note()
        if not exists:
            return (
                f"数据库中没有台帐模式 {self.schema}，请检查台帐引用（postgis://连接名/模式）或请管理员"
                f"运行 ledger_postgis.install 创建 / no ledger schema {self.schema!r} in this "
                "database: check the reference (postgis://<connection>/<schema>) or ask the "
                "administrator to run ledger_postgis.install"
            )
        if not usable:
            return (
                # What to ask for, in each half: a "中文 / English" pair put in the Chinese
                # half left its English in what a Chinese QGIS shows.
                f"登录 {login} 无权使用台帐模式 {self.schema}（不属于 {ROLE_OFFICE} 或 "
                f"{ROLE_BRIGADE}），请管理员为登录 {login} 运行 ledger_postgis.install{note_zh} / "
                f"the login {login!r} has no rights on the ledger schema {self.schema!r} (not a "
                f"member of {ROLE_OFFICE} or {ROLE_BRIGADE}): ask the administrator to run "
                f"ledger_postgis.install for the login {login!r}{note_en}"
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
        note = self._default_login_note()
        if bypasses or brigade:
            return None
        if not office:
            return (
                f"登录 {login} 不属于 {ROLE_BRIGADE} 或 {ROLE_OFFICE}，行级安全下看不到台帐中的任何"
                f"记录，报表将全部为零；请管理员在 ledger_postgis.install 中将其列为执法监察大队"
                f"登录或自然资源所登录{note[0]} / the login {login!r} is in neither ledger group "
                f"({ROLE_BRIGADE} nor {ROLE_OFFICE}): row-level security shows it no row of "
                "the ledger, and every report would count zeros. Ask the administrator to add "
                f"it to ledger_postgis.install as a brigade login or an office login{note[1]}"
            )
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{self.schema}".zc_towns_of(current_user))')
        if not cursor.fetchone()[0]:
            return (
                f"自然资源所登录 {login} 在 {T_OFFICE_TOWNS} 中没有所辖乡镇，行级安全下看不到任何"
                f"图斑、案件或巡查，报表将全部为零；请管理员在 ledger_postgis.install 的 offices"
                f" 中为其设置所名和乡镇{note[0]} / the office login {login!r} has no towns in "
                f"{T_OFFICE_TOWNS}: row-level security shows it no spot, case or patrol, and "
                "every report would count zeros. Ask the administrator to give it its office "
                f"and towns in the offices of ledger_postgis.install{note[1]}"
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
        nothing_zh, nothing_en = (
            ("未读取", "nothing was read") if reading else ("未保存任何内容", "nothing was saved")
        )
        if isinstance(exc, errors.ForeignKeyViolation) and str(
            exc.diag.constraint_name or ""
        ).endswith(f"_{ls.C_SPOT_ID}_fkey"):
            # The spot went between the form's reading and its save: its batch withdrawn.
            return LedgerError(
                f"该图斑已不在台帐中（其批次可能刚被撤回），{nothing_zh}；请刷新 / the spot is no "
                f"longer in the ledger (its batch withdrawn just now?): {nothing_en}; refresh"
            )
        if isinstance(exc, errors.QueryCanceled):
            # Not a cancel of the user's (cancellable says that as the work's own stop): the
            # server's statement_timeout, or an administrator's pg_cancel_backend.
            return LedgerError(
                f"{self._server_zh} 取消了本次操作（超过服务器的语句时限 statement_timeout，或被"
                f"管理员取消），{nothing_zh}；请稍后再试，如常发生请管理员放宽该时限 / "
                f"{self._server_en} cancelled the statement (the server's statement_timeout, or "
                f"an administrator): {nothing_en}; try again later, and if it keeps happening "
                "ask the administrator to raise the limit"
            )
        if isinstance(exc, errors.UniqueViolation):
            return LedgerError(f"记录已存在 / the record already exists: {str(exc).strip()}")
        return LedgerError(
            f"{self._server_zh} 数据库错误 / database error on {self._server_en}: "
            f"{str(exc).strip()}"
        )

    def _unencodable(
        self, exc: UnicodeEncodeError, arguments: dict[str, Any], reading: bool = False
    ) -> LedgerError:
        """A text the server's encoding cannot hold, which psycopg2 refused to send (a ledger
        an earlier plugin installed in EUC_CN: see ledger_postgis_encoding), in words: the
        character, the field of ``arguments`` (the call's) holding it and the spot, case or
        patrol the save was of. Called once the save's transaction is rolled back."""
        if isinstance(arguments.get("key"), str) and "value" in arguments:  # set_setting's
            arguments = {arguments["key"]: arguments["value"]}  # the setting is the field
        place = server_text.place_of(exc.encoding, arguments)
        if place is None:  # not a text given to the call: the one psycopg2 met, as it is
            text = exc.object if isinstance(exc.object, str) else ""
            shown = text if len(text) <= 80 else text[:80] + "…"
            character = text[exc.start] if text else None
            where = (f"文字“{shown}”", f"the text {shown!r}")
        else:
            character = place.character
            where = server_text.place_words(place, None if place.spot else self._subject(arguments))
        server_encoding = self._conn.info.parameter_status("server_encoding") or exc.encoding
        return server_text.unencodable_error(
            self._login()[1], server_encoding, character, where, reading
        )

    def _subject(self, arguments: dict[str, Any]) -> tuple[str, str] | None:
        """What a save with ``arguments`` was of, read from the ledger for its refusal: the
        spot by its number (JCBH), a case by its number and origin, a patrol;
        None when it cannot be said (the read fails too, say)."""
        record = arguments.get("record")
        patrol = arguments.get("patrol_id") or (
            record.id if isinstance(record, PatrolRecord) else None
        )
        with contextlib.suppress(LedgerError, self._pg.Error, TypeError, ValueError):
            if arguments.get("spot_id") is not None:
                number = self.spot(arguments["spot_id"]).number
                return f"图斑 {number} ", f" of spot {number}"
            if arguments.get("case_id") is not None:
                case = self.case_record(arguments["case_id"])
                if case.spot_id is None:
                    origin = (f"巡查 {case.patrol_id}", f"patrol {case.patrol_id}")
                else:
                    number = self.spot(case.spot_id).number
                    origin = (f"图斑 {number}", f"spot {number}")
                return (
                    f"案件 {case.case_id}（{origin[0]}）",
                    f" of case {case.case_id} ({origin[1]})",
                )
            if patrol is not None:  # a patrol's own record, or the patrol a case is opened on
                return f"巡查 {patrol} ", f" of patrol {patrol}"
        return None

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

    # --- statements and transactions -------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence | None = None):
        cursor = self._conn.cursor()
        cursor.execute(sql, params)
        return cursor

    def _scalar(self, sql: str, params: Sequence | None = None) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def one_moment(self) -> Iterator[None]:
        """Reads that must agree with each other (an export's spots, verdicts, cases and
        evidence; a report's) in one REPEATABLE READ, READ ONLY transaction: a save committed
        between two of them is in all or in none. Read one after the other, a verdict saved
        meanwhile gave a row 未核查 with a verdict beside it, and a batch withdrawn meanwhile
        stopped an export on "no spot with id 8". Inside a transaction, that one's."""
        if self._depth:
            yield
            return
        self._refuse_when_cancelled()
        self._ensure_connected()
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        try:
            self._execute(begin)
        except self._pg.Error as exc:
            if not self._lost(exc):
                raise self._translate(exc, reading=True) from exc
            self._connect()  # lost while idle: reconnected, as a read is
            self._execute(begin)
        self._depth = 1
        try:
            yield
            self._execute("COMMIT")
        except BaseException as exc:
            self._roll_back("ROLLBACK")
            self._depth = 0
            if isinstance(exc, self._pg.Error):
                raise self._translate(exc, reading=True) from exc
            if isinstance(exc, UnicodeEncodeError):  # as a read outside it says it
                raise self._unencodable(exc, {}, reading=True) from exc
            raise
        finally:
            self._depth = 0

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

    def _unconfirmed_status(self) -> tuple[str | None, tuple | None]:
        """What the server says became of the save left in doubt (_unconfirmed, which must be
        set): its _transaction_status, and the save as _saving held it. Settled (anything but
        "in progress", None included: too old for the server to tell), it is no longer in
        doubt; still in progress, it is kept to be asked again. The one place both settlings
        (_settle_unconfirmed before a save, settle_unconfirmed before a page) ask it."""
        transaction, call = self._unconfirmed
        status = self._transaction_status(transaction)
        if status != "in progress":
            self._unconfirmed = None
        return status, call

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
        status, call = self._unconfirmed_status()
        if status == "in progress":
            raise LedgerError(
                f"您先前的保存在数据库服务器 {self._server_zh} 上尚未结束，本次保存未进行，未写入"
                f"任何内容，请稍后再试 / your earlier save has not yet ended on the database "
                f"server {self._server_en}: this save was not made, nothing of it was written; try "
                "again in a moment"
            )
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
        status, call = self._unconfirmed_status()
        if status in ("in progress", None):  # asked again later; or too old for the server
            return None
        checked_zh, checked_en = self._checked_after_reconnecting()
        if status == "committed":
            self._recorded_unconfirmed = call
            return (
                f"您先前的保存已记录{checked_zh}，无需重新保存 / your earlier save was recorded"
                f"{checked_en}: do not save it again",
                True,
            )
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
