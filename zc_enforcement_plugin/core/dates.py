"""Dates as the ledger, the approval tables and QGIS give them: one parser for all of core/."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .clock import in_china_time

# A time of day after a date: 08:00, 08:00:00, 08:00:00.000.
_TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?")
# Besides ISO: what approval tables typed by hand use.
_TEXT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def as_typed(text: str) -> str:
    """``text`` with full-width digits and signs read as the ASCII ones they show (NFKC): what
    a Chinese input method types (２０３０-１２-３１) is the date it shows."""
    return unicodedata.normalize("NFKC", text)


def parse_date(value: object, *, strict: bool = True) -> dt.date | None:
    """A date from a date, datetime or text (2024-01-31, 2024/01/31, 2024.01.31, 20240131,
    2024年1月31日, or an ISO datetime as QGIS writes it; full-width digits too); None for None
    or blank text.

    A date-time that says its zone is the Beijing day of that moment: an HSX exported as
    2026-03-04T16:00:00.000Z (midnight Beijing time in UTC) is 2026-03-05, the day the bureau
    dates it; one without a zone is the day it shows.

    Other text raises ValueError, or gives None when not `strict` (for figures that skip what
    is not a date rather than stop on it).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return in_china_time(value).date()
    if isinstance(value, dt.date):
        return value
    # A date typed with a Chinese input method has full-width digits and signs
    # (２０３０-１２-３１, ２０３０／１２／３１): NFKC reads them as the date they show.
    text = as_typed(str(value)).strip()
    if not text:
        return None
    if len(text) == 10:  # 2024-01-31: the common case, parsed in C (strptime is ~20x slower)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _TEXT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        # Python 3.9 (QGIS on Windows) reads no "Z": it is +00:00.
        moment = dt.datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", text))
    except ValueError as exc:
        # A date with a time, as a Shapefile keeps a datetime; nothing else may follow it
        # ("2024-01-31 至 2026-12-31" is a term, not a date).
        day, _, time = text.partition(" ")
        if _TIME.fullmatch(time.strip()):
            return parse_date(day, strict=strict)
        if not strict:
            return None
        raise ValueError(f"not a date: {text!r}") from exc
    return in_china_time(moment).date()
