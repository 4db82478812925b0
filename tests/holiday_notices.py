"""The official holiday notices the tests count by, copied by hand from the State Council's
text (国务院办公厅关于YYYY年部分节假日安排的通知), never from chinesecalendar: a test whose
expected dates come from the library it checks proves nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path


def span(first: str, last: str) -> list[date]:
    """Every date from first to last inclusive."""
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def days(*iso: str) -> list[date]:
    return [date.fromisoformat(s) for s in iso]


# 国务院办公厅关于2026年部分节假日安排的通知: 元旦 1-3 January (Sunday 4 January worked);
# 春节 15-23 February (Saturdays 14 and 28 February worked); 清明 4-6 April; 劳动节 1-5 May
# (Saturday 9 May worked); 端午 19-21 June; 中秋 25-27 September; 国庆 1-7 October (Sunday
# 20 September and Saturday 10 October worked).
NOTICE_2026 = {
    "holidays": span("2026-01-01", "2026-01-03")  # New Year
    + span("2026-02-15", "2026-02-23")  # Spring Festival
    + span("2026-04-04", "2026-04-06")  # Qingming
    + span("2026-05-01", "2026-05-05")  # Labour Day
    + span("2026-06-19", "2026-06-21")  # Dragon Boat
    + span("2026-09-25", "2026-09-27")  # Mid-Autumn
    + span("2026-10-01", "2026-10-07"),  # National Day
    "workdays": days(
        "2026-01-04",  # Sun
        "2026-02-14",  # Sat
        "2026-02-28",  # Sat
        "2026-05-09",  # Sat
        "2026-09-20",  # Sun
        "2026-10-10",  # Sat
    ),
}


def write_notice_2026(path: Path) -> Path:
    """The 2026 notice as the bureau types it into its holidays.json."""
    entry = {field: [d.isoformat() for d in NOTICE_2026[field]] for field in NOTICE_2026}
    entry["source"] = "国务院办公厅关于2026年部分节假日安排的通知"
    path.write_text(json.dumps({"2026": entry}, ensure_ascii=False), encoding="utf-8")
    return path


# Where complete_year puts a festival's rest day when the test gives none: inside the window
# workdays.OFFICIAL_FESTIVALS checks, away from the dates the tests count across.
_PLACEHOLDER_FESTIVALS = {
    "春节": ("02-17", "02-18", "02-19"),
    "清明": ("04-05",),
    "端午": ("06-10",),
    "中秋": ("09-20",),
}


def complete_year(year: int, *more: str) -> list[str]:
    """A made-up year's holidays the calendar accepts: the fixed-date ones, ``more``, and a
    rest day for each festival a notice always gives (春节, 清明, 端午, 中秋) that ``more``
    leaves out, so a test names only the days it counts across."""
    from zc_enforcement_plugin.core import workdays

    listed = [d.isoformat() for d in workdays.fixed_public_holidays(year)] + list(more)
    listed = list(dict.fromkeys(listed))
    for name in workdays.missing_festivals(year, [date.fromisoformat(d) for d in listed]):
        listed += [f"{year}-{md}" for md in _PLACEHOLDER_FESTIVALS[name.split()[0]]]
    return listed
