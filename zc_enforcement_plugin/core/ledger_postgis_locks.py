"""Who holds the shared ledger's tables: for the message of a wait that ran out.

PostgreSQL queues lock requests on a table first come, first served. An administrator's install
(its migrations create triggers and alter tables) waits for every session that has touched a
ledger table in a transaction still open, and every save that comes after queues behind the
install: one office session left inside a save (a laptop asleep mid-save) froze everyone. So
install and the store bound their waits with lock_timeout, and when one runs out the message
names the sessions holding ledger tables, from pg_locks and pg_stat_activity, so that someone
can ask them to finish (or end them) and try again.
"""

from __future__ import annotations

import datetime as dt

from .clock import CHINA_TIME

# How long install waits for a lock on a ledger table before it gives up, rolls back and says who
# holds it. Short: while install waits, every save queues behind it, frozen.
INSTALL_LOCK_WAIT_SECONDS = 10.0

# The application_name install gives its session while it runs (ASCII: the server shows other
# characters as "?"), so that a save it holds up can say the administrator is upgrading the
# ledger. Every login sees another session's application_name; its query only a superuser or
# pg_read_all_stats does.
INSTALL_APPLICATION = "zc_enforcement ledger install"


def lock_timeout_ms(seconds: float) -> str:
    """lock_timeout's value for a wait of `seconds` (at least 1 ms: 0 would wait forever)."""
    return f"{max(1, round(seconds * 1000))}ms"


def ledger_lock_holders(cursor, schema: str, since: dt.datetime | None = None) -> list[tuple]:
    """The other sessions holding a lock on a table of `schema` (granted, not waiting: those
    are the ones a wait was for): (pid, login, application, transaction start, state,
    upgrading), oldest transaction first. `since`: only transactions begun before it (install's
    own start: a save that queued behind install and went through after install let go held
    nothing it waited for). A login without pg_read_all_stats sees another login's transaction
    start and state as NULL: the message then leaves them out. `upgrading`: the session is
    changing the ledger's tables, not saving in them: it is install (INSTALL_APPLICATION), or
    holds an ACCESS EXCLUSIVE lock on a ledger table, which ALTER TABLE, DROP and the like take
    and no save of the plugin does (pg_locks shows every login the mode)."""
    cursor.execute(
        "SELECT a.pid, a.usename, a.application_name, a.xact_start, a.state, "
        "  a.application_name = %s OR bool_or(h.mode = 'AccessExclusiveLock') "
        "FROM pg_stat_activity a JOIN ("
        "  SELECT l.pid, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "  JOIN pg_namespace n ON n.oid = c.relnamespace "
        "  WHERE l.locktype = 'relation' AND l.granted AND n.nspname = %s "
        "  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ") h ON h.pid = a.pid WHERE a.pid <> pg_backend_pid() "
        "AND (%s::timestamptz IS NULL OR a.xact_start IS NULL OR a.xact_start < %s::timestamptz) "
        "GROUP BY a.pid, a.usename, a.application_name, a.xact_start, a.state "
        "ORDER BY a.xact_start NULLS LAST, a.pid",
        (INSTALL_APPLICATION, schema, since, since),
    )
    return cursor.fetchall()


def upgrading(holders: list[tuple]) -> bool:
    """Whether one of ledger_lock_holders' sessions is upgrading (changing) the ledger."""
    return any(holder[5] for holder in holders)


def describe_holders(holders: list[tuple]) -> tuple[str, str]:
    """The sessions of ledger_lock_holders in words, (Chinese, English); ("", "") for none."""
    zh, en = [], []
    for pid, login, application, started, state, _ in holders:
        zh_parts = [f"登录 {login or '?'}"]
        en_parts = [f"login {login or '?'!r}"]
        if application:
            zh_parts.append(f"应用 {application}")
            en_parts.append(f"application {application!r}")
        if started is not None:
            at = started.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
            zh_parts.append(f"事务始于 {at}（北京时间）")
            en_parts.append(f"transaction open since {at} Beijing time")
        if state:
            zh_parts.append(f"状态 {state}")
            en_parts.append(f"state {state!r}")
        zh_parts.append(f"进程 {pid}")
        en_parts.append(f"pid {pid}")
        zh.append("，".join(zh_parts))
        en.append(", ".join(en_parts))
    return "；".join(zh), "; ".join(en)
