"""The bureau's clock: today and now in Beijing time, whatever zone this computer is set to.

The legal day here is the Beijing day: a step, verdict or patrol is dated in it, its deadlines
run in it, and GPX times and recorded_at stamps are shown in it. A laptop set to UTC or
another zone reads the day before until 08:00 Beijing time; nothing in the plugin asks it
for the day (date.today(), QDate.currentDate(), datetime.now()): everything asks here.
"""

from __future__ import annotations

import datetime as dt

# Beijing time, UTC+8 all year (China keeps no summer time).
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))


def now() -> dt.datetime:
    """Now in Beijing time (aware). The one place the plugin reads the clock, and so the one
    place tests set it."""
    return dt.datetime.now(dt.timezone.utc).astimezone(CHINA_TIME)


def now_utc() -> dt.datetime:
    """Now in UTC (aware), for stamps that must sort alike from every machine (recorded_at, a
    workbook's creation time) and for ages of files. Read through now(): the clock tests set."""
    return now().astimezone(dt.timezone.utc)


def today() -> dt.date:
    """The day it is in Beijing time: the ledger's, the forms' and the reports' today."""
    return now().date()


def in_china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` read in Beijing time when it says its zone (2026-03-04T16:00:00Z is 00:00 on
    the 5th here); a naive one as it is: it is already a reading of some local clock, whose
    zone it does not say."""
    return moment if moment.tzinfo is None else moment.astimezone(CHINA_TIME)


# How far this computer's clock may stand from the shared ledger server's before the user is
# told: minutes of drift are harmless to dates, a wrong day or year is not.
CLOCK_DISAGREEMENT = dt.timedelta(minutes=10)


def disagreement_with(server_now: dt.datetime, server: str) -> str | None:
    """What to tell the user when this computer's clock stands more than CLOCK_DISAGREEMENT
    from ``server_now`` (the shared ledger server's now()), else None. Every date the plugin
    records or judges by is this computer's (forms' today, "not in the future", overdue): a
    clock set a year wrong let verdicts and cases dated 2031 into the shared ledger."""
    here = now()
    if abs(here - server_now) <= CLOCK_DISAGREEMENT:
        return None
    shown = "%Y-%m-%d %H:%M"
    there = server_now.astimezone(CHINA_TIME)
    return (
        f"本机时钟（北京时间 {here:{shown}}）与数据库服务器 {server} 的时钟（北京时间 "
        f"{there:{shown}}）不一致：插件按本机日期填写、核对核查日期与案件步骤日期，"
        "并判断是否逾期，可能记错或算错日期。请先校正本机的日期、时间与时区（或请管理员校正"
        "服务器时钟）再保存 / this "
        f"computer's clock ({here:{shown}} Beijing time) disagrees with the clock of the "
        f"database server {server} ({there:{shown}} Beijing time): the plugin dates and checks "
        "verdicts and case steps and judges what is overdue by this computer's day, so dates "
        "may be recorded or counted wrong. Set this computer's date, time and time zone right "
        "(or ask the administrator to set the server's) before saving"
    )
