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


def today() -> dt.date:
    """The day it is in Beijing time: the ledger's, the forms' and the reports' today."""
    return now().date()


def in_china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` read in Beijing time when it says its zone (2026-03-04T16:00:00Z is 00:00 on
    the 5th here); a naive one as it is: it is already a reading of some local clock, whose
    zone it does not say."""
    return moment if moment.tzinfo is None else moment.astimezone(CHINA_TIME)
