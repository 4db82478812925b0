"""China's official working-day calendar: the chinesecalendar library plus a bureau-edited file.

The State Council publishes next year's holiday schedule (with its swapped working weekend days,
调休) late in the previous year, so a released library may not know it yet. The bureau then adds
the year to a local JSON file, which wins over the library for every year it lists:

    {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...],
              "source": "国务院办公厅关于2027年部分节假日安排的通知", "published": "2026-..."}}

``holidays`` are the rest days of the notice, ``workdays`` the weekend days worked in exchange;
any other day of that year is a working day Monday to Friday. A year must list the fixed-date
public holidays (fixed_public_holidays: 1 January, 1-2 May, 1-3 October), which every notice
gives: a year without them is half-typed and refused. Top-level keys starting with "_"
are comments. A date in a year neither source knows raises :class:`UnknownScheduleError`
(``strict=True``) or falls back to Monday-Friday weeks less the fixed-date public holidays, with
a recorded warning (``strict=False``).
"""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_left
from calendar import isleap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from . import clock
from .bilingual import Bilingual
from .dates import as_typed
from .domain import first_of

PathLike = Union[str, Path]

# Shipped with the plugin; holds only a labelled format description until the bureau adds a year.
DEFAULT_HOLIDAY_FILE = Path(__file__).resolve().parents[1] / "resources" / "holidays.json"
# Conventional name of the bureau's own file, kept beside the ledger so it survives plugin updates.
BUREAU_HOLIDAY_FILE_NAME = "holidays.json"

# Where a shared ledger's holiday schedule is, as messages name it: (Chinese, English), each
# for its own half of a message (a whole pair inside the Chinese half showed its English).
# Named by what the 台帐设置 dialog shows (it said "ledgersettings 的 HOLIDAY_FILE", names a
# Chinese QGIS never shows), the parameter's code after it for scripts.
SHARED_HOLIDAYS_LABEL = (
    "共享台帐的节假日设置（执法监察大队在“台帐设置”中以“要存入的节假日文件”（HOLIDAY_FILE）存入）",
    "the shared ledger's holiday setting (the brigade stores it with Ledger settings, "
    "Holiday file to store, HOLIDAY_FILE)",
)

# Where a missing year goes when no ledger's file is known (an audit run without a ledger, the
# default calendar): never the plugin's own resources/holidays.json, which an update overwrites.
BUREAU_HOLIDAYS_LABEL = (
    "台帐旁的本局节假日文件 holidays.json（给出台帐时读取）",
    "the bureau's holidays.json beside the ledger (read when the ledger is given)",
)

_YEAR_KEY = re.compile(r"^\d{4}$")
# ASCII digits only: \d would also match full-width ones, which date.fromisoformat refuses
# ("no such date" for a date that exists); _parse_dates reads those as typed first.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_YEAR_FIELDS = {"holidays", "workdays", "source", "published"}


# Public holidays on fixed solar dates (国务院《全国年节及纪念日放假办法》, as revised in 2024:
# 元旦 1 January, 劳动节 1-2 May, 国庆节 1-3 October). A year without a published schedule still
# has them; the lunar ones (春节, 清明, 端午, 中秋) and the swapped days cannot be guessed.
FIXED_PUBLIC_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
# The revision took effect in 2025; from 2008 to 2024 劳动节 was 1 May alone (before 2008 it was
# 1-3 May, of which 1 May is still required).
FIXED_PUBLIC_HOLIDAYS_SINCE = 2025
_FIXED_PUBLIC_HOLIDAYS_BEFORE = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))


# The festivals every State Council notice gives a rest day, each as (name, first month-day,
# last month-day, days needed in that window). The lunar ones move with the moon, so each is a
# window around every date it falls on, with a day or more to spare for a break around it:
# 春节 from the eve to the seventh day (Chinese New Year falls 21 January - 20 February: window
# 20 January - 27 February), 清明 on 4 or 5 April (its break 2-7 April), 端午 (27 May - 25 June
# to 2060: window 26 May - 27 June), 中秋 (7 September - 5 October to 2060: window 6 September
# - 8 October); tests/test_workdays.py checks every year to 2060 against an independent lunar
# table. A year listing only the fixed-date days (what a
# bureau types while the notice is pending) would pass as official with 春节 a working week:
# each festival missing is named. 中秋 may merge with 国庆 (2025: 1-8 October), so its day is
# one outside 国庆's own 1-7 October, or the 8th.
OFFICIAL_FESTIVALS = (
    ("春节 Spring Festival", (1, 20), (2, 27), 3),
    ("清明 Qingming", (4, 2), (4, 7), 1),
    ("端午 Dragon Boat", (5, 26), (6, 27), 1),
    ("中秋 Mid-Autumn", (9, 6), (10, 8), 1),
)
# 清明, 端午 and 中秋 became public holidays in 2008; before that only 春节 of these.
LUNAR_FESTIVALS_SINCE = 2008
_NATIONAL_DAY_WEEK = {(10, d) for d in range(1, 8)}


def missing_festivals(year: int, holidays: Iterable[date]) -> list[str]:
    """The festivals of OFFICIAL_FESTIVALS without their rest days among ``holidays``."""
    days = set(holidays)
    missing = []
    for name, first, last, needed in OFFICIAL_FESTIVALS:
        if year < LUNAR_FESTIVALS_SINCE and not name.startswith("春节"):
            continue
        start, end = date(year, *first), date(year, *last)
        found = [
            d
            for d in days
            if start <= d <= end
            and not (name.startswith("中秋") and (d.month, d.day) in _NATIONAL_DAY_WEEK)
        ]
        if len(found) < needed:
            missing.append(name)
    return missing


def fixed_public_holidays(year: int) -> list[date]:
    """The fixed-date public holidays every official schedule of `year` rests on."""
    fixed = (
        FIXED_PUBLIC_HOLIDAYS
        if year >= FIXED_PUBLIC_HOLIDAYS_SINCE
        else _FIXED_PUBLIC_HOLIDAYS_BEFORE
    )
    return [date(year, month, day) for month, day in fixed]


class UnknownScheduleError(LookupError):
    """A date falls in a year for which no official holiday schedule is loaded."""

    def __init__(self, year: int, where: tuple[str, str] = BUREAU_HOLIDAYS_LABEL) -> None:
        """``where``: the place to add the year to (WorkCalendar.add_to_halves), in Chinese and
        in English; the bureau's file beside the ledger, which a plugin update does not
        overwrite as it does the shipped one, when no ledger's is known."""
        self.year = year
        where_zh, where_en = where
        # Its halves apart, for a deadline that carries it as its warning (Deadline.warning):
        # a report's workbook takes the Chinese.
        self.message = Bilingual(
            f"没有{year}年的官方节假日安排，无法计算工作日。请在国务院办公厅发布{year}年"
            f"部分节假日安排的通知后，把放假日期和调休上班日期加入本地节假日文件（{where_zh}）"
            f'的 "{year}" 条目，或升级 chinesecalendar。',
            f"No official holiday schedule for {year}: working days cannot be computed. "
            f"Once the State Council publishes the {year} holiday notice, add its rest days "
            f'("holidays") and swapped working days ("workdays") under the key "{year}" '
            f"in the local holiday file ({where_en}), or upgrade chinesecalendar.",
        )
        super().__init__(self.message)


class HolidayFileError(ValueError):
    """The local holiday file cannot be read or has a bad entry; the message names both.

    Each half says it whole, "节假日文件错误：<file>：<entry>：<问题> / error in the holiday
    file <file>: <entry>: <problem>", so a Chinese QGIS shows the Chinese half alone: a problem
    given as one "English / 中文" text put its English inside the Chinese half. `english`
    and `entry_in_chinese` default to `problem` and `entry` (a date or a key, the same in
    both)."""

    def __init__(
        self,
        path: PathLike,
        entry: str,
        problem: str,
        english: str | None = None,
        entry_in_chinese: str | None = None,
    ) -> None:
        path_zh, path_en = where_halves(path)
        self.path = path_zh
        self.entry = entry
        self.problem = problem if english is None else f"{problem} / {english}"
        # No English label before the file ("holiday file error: <file>"): a Chinese QGIS
        # would take the file and all after it for a value its Chinese half lacks.
        super().__init__(
            f"节假日文件错误：{path_zh}：{entry_in_chinese or entry}：{problem} / "
            f"error in the holiday file {path_en}: {entry}: {english or problem}"
        )


def where_halves(where: PathLike | tuple[str, str]) -> tuple[str, str]:
    """Where a schedule is, as each half of a message names it: a file alike in both, a place
    with no path (SHARED_HOLIDAYS_LABEL) in its own words in each (as one text it showed a
    Python pair, brackets and quotes, in the log)."""
    return where if isinstance(where, tuple) else (str(where), str(where))


# The entries a refusal of the whole file names, in each language.
_WHOLE_FILE = ("(file)", "文件")
_TOP_LEVEL = ("(top level)", "最外层")


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule as read from a local holiday file."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""
    published: str = ""
    where: tuple[str, str] = ("", "")  # the file or setting it is read from (where_halves)


@lru_cache(maxsize=1)
def library_years() -> frozenset[int]:
    """Years the installed chinesecalendar has a schedule for (empty when it is not installed).

    Detected by probing the public API, which raises NotImplementedError outside its range, so
    a library upgrade extends the range without a code change.
    """
    try:
        import chinese_calendar
    except ImportError:
        return frozenset()

    def knows(year: int) -> bool:
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    # Seed from the library's own table when it exposes one, else try recent years.
    table = getattr(chinese_calendar, "holidays", None) or {}
    seeds = sorted({d.year for d in table}) or list(range(clock.today().year, 1999, -1))
    seed = next((y for y in seeds if knows(y)), None)
    if seed is None:
        return frozenset()
    low = high = seed
    while low > 1 and knows(low - 1):
        low -= 1
    while high < 9999 and knows(high + 1):
        high += 1
    return frozenset(range(low, high + 1))


def _library_is_workday(d: date) -> bool:
    import chinese_calendar

    return bool(chinese_calendar.is_workday(d))


def _days_of(year: int) -> list[date]:
    """Every day of ``year``, from 1 January."""
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range(366 if isleap(year) else 365)]


class _YearTable:
    """One year's working days as flags by day of the year (from 1 January, 0-based) and their
    running count: ``counts[i]`` working days among days 0 .. i-1. A period is then counted a
    year at a time, not a day at a time: a report or the dock's overdue filter counts thousands
    of deadlines, each a walk of up to 90 days (the penalty decision's status)."""

    __slots__ = ("first", "flags", "counts")

    def __init__(self, year: int, flags: bytes) -> None:
        self.first = date(year, 1, 1).toordinal()
        self.flags = flags
        counts = [0]
        for flag in flags:
            counts.append(counts[-1] + flag)
        self.counts = counts


def _library_label() -> str:
    try:
        import chinese_calendar
    except ImportError:
        return "chinesecalendar (not installed)"
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}"


def _reject_duplicate_keys(path: PathLike):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        typed: dict[str, str] = {}
        for key, value in pairs:
            # json would silently keep the last one: a year pasted twice must be noticed, also
            # once in full-width digits (２０２７, a Chinese input method's), which read as 2027.
            same = as_typed(key).strip()
            if same in typed:
                first = typed[same]
                if first == key:
                    raise HolidayFileError(path, f'"{key}"', "键重复出现", "key appears twice")
                raise HolidayFileError(
                    path,
                    f'"{first}" and "{key}"',
                    "键重复出现（全角数字与半角数字是同一年）",
                    "the same key twice (full-width digits are the same year)",
                    f'"{first}" 与 "{key}"',
                )
            typed[same] = key
            result[key] = value
        return result

    return hook


def _parse_dates(path: PathLike, year: int, field: str, values: Any) -> frozenset[date]:
    if values is None:
        return frozenset()
    if not isinstance(values, list):
        raise HolidayFileError(
            path, f'"{year}"."{field}"', "应为日期列表", "must be a list of dates"
        )
    parsed = set()
    for value in values:
        entry = f'"{year}"."{field}": {value!r}'
        if isinstance(value, str):
            value = as_typed(value).strip()  # ２０２７-０２-０６ from a Chinese input method
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise HolidayFileError(
                path, entry, "不是 YYYY-MM-DD 格式的日期", "not a date in YYYY-MM-DD form"
            )
        try:
            d = date.fromisoformat(value)
        except ValueError:
            raise HolidayFileError(path, entry, "日期不存在", "no such date") from None
        if d.year != year:
            raise HolidayFileError(
                path, entry, f"日期不在 {year} 年内", f"date is outside its year {year}"
            )
        if d in parsed:
            raise HolidayFileError(path, entry, "重复列出", "listed twice")
        parsed.add(d)
    return frozenset(parsed)


def load_holiday_file(path: PathLike) -> dict[int, YearSchedule]:
    """Read and validate one local holiday file; raise HolidayFileError naming the bad entry."""
    return holiday_schedules(read_holiday_json(path), path)


def read_holiday_json(path: PathLike) -> Any:
    """A holiday file's JSON, not yet checked (see holiday_schedules); HolidayFileError names
    the file when it cannot be read or is not JSON."""
    path = Path(path)
    whole, whole_zh = _WHOLE_FILE
    if path.is_dir():
        # Picked in a file dialog by mistake, or a folder named holidays.json: said as such,
        # not as the system's "[Errno 21] Is a directory".
        raise HolidayFileError(
            path, whole, "是文件夹，不是文件", "is a folder, not a file", whole_zh
        )
    try:
        raw = path.read_bytes()
        # Notepad's "Unicode" is UTF-16 with a BOM: read as it is (UTF-8 below may have one too).
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = raw.decode("utf-16" if utf16 else "utf-8-sig")
    except FileNotFoundError:
        raise HolidayFileError(path, whole, "文件不存在", "file not found", whole_zh) from None
    except UnicodeDecodeError:
        # Notepad's "ANSI" on a Chinese Windows is GBK: the usual way a hand-edited file breaks.
        raise HolidayFileError(
            path,
            whole,
            "文件不是 UTF-8 编码（可能以 GBK/ANSI 保存）：请用记事本打开，“另存为”时编码选 UTF-8",
            "the file is not UTF-8 (perhaps saved as GBK/ANSI): open it in Notepad and Save As "
            "with "
            "encoding UTF-8",
            whole_zh,
        ) from None
    except OSError as exc:
        # The system's own words: the same in both halves.
        raise HolidayFileError(
            path, whole, f"无法读取（{exc}）", f"cannot read ({exc})", whole_zh
        ) from None
    if not text.strip():
        # json's "Expecting value" at line 1 column 1 said nothing of a file saved empty.
        raise HolidayFileError(
            path,
            whole,
            "文件是空的：请按 resources/holidays.json 的格式写入年份，或不使用此文件",
            "the file is empty: write its years in the format of resources/holidays.json, "
            "or give no file",
            whole_zh,
        )
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys(path))
    except json.JSONDecodeError as exc:
        raise HolidayFileError(
            path,
            f"line {exc.lineno} column {exc.colno}",
            # json's own words (Expecting value, …) are for the English reader.
            "JSON 格式错误（多余或缺少的逗号、引号、括号）",
            f"invalid JSON: {exc.msg}",
            f"第 {exc.lineno} 行第 {exc.colno} 列",
        ) from None
    return data


def _refuse_year_in_comment(key: str, entry: Any, path: PathLike | str) -> None:
    """A comment is not read: a year typed into one (the format example's "YYYY" filled in, the
    natural way to use it) would be skipped unsaid while every deadline of it stays an
    estimate, and the message would ask for the year the bureau believes it gave."""
    years = sorted(k for k in entry if _YEAR_KEY.match(k)) if isinstance(entry, dict) else []
    if years:
        raise HolidayFileError(
            path,
            f'"{key}"."{years[0]}"',
            f"说明（以下划线开头的键）中的年份不会被读取：请把 {years[0]} 移到最外层，与其他"
            f"年份并列",
            "a year inside a comment (a key starting with _) is not read: move it to the top "
            "level, beside the other years",
        )


def holiday_schedules(data: Any, path: PathLike | tuple[str, str]) -> dict[int, YearSchedule]:
    """The years of a holiday file's JSON object, checked; HolidayFileError names `path` (a
    file, or where a shared ledger stores the same object) and the bad entry."""
    if not isinstance(data, dict):
        raise HolidayFileError(
            path,
            _TOP_LEVEL[0],
            "应为以年份为键的 JSON 对象",
            "must be a JSON object keyed by year",
            _TOP_LEVEL[1],
        )

    schedules: dict[int, YearSchedule] = {}
    for key, entry in data.items():
        if key.startswith("_"):
            _refuse_year_in_comment(key, entry, path)
            continue  # comments and the format example
        if not _YEAR_KEY.match(key):
            raise HolidayFileError(
                path, f'"{key}"', "键应为四位年份", "key must be a four-digit year"
            )
        year = int(key)
        if not isinstance(entry, dict):
            raise HolidayFileError(path, f'"{key}"', "应为对象", "must be an object")
        unknown = sorted(set(entry) - _YEAR_FIELDS)
        if unknown:
            raise HolidayFileError(
                path,
                f'"{key}"',
                f"未知字段 {unknown}；可用字段：{sorted(_YEAR_FIELDS)}",
                f"unknown field(s) {unknown}; allowed: {sorted(_YEAR_FIELDS)}",
            )
        holidays = _parse_dates(path, year, "holidays", entry.get("holidays"))
        workdays = _parse_dates(path, year, "workdays", entry.get("workdays"))
        both = sorted(holidays & workdays)
        if both:
            raise HolidayFileError(
                path,
                f'"{key}": {both[0].isoformat()}',
                "同一日期既是放假又是上班",
                "date is in both holidays and workdays",
            )
        if not holidays:
            # Every official notice has at least New Year's Day: an empty year is an unfinished
            # edit and would otherwise pass as "known" with plain weekends.
            raise HolidayFileError(
                path, f'"{key}"."holidays"', "未列出任何放假日期", "no holidays listed"
            )
        missing = [d for d in fixed_public_holidays(year) if d not in holidays]
        if missing:
            # A half-typed year (the Spring Festival only) would make 1 January a working day
            # and move every deadline across it: refused, as no notice leaves these out.
            shown = ", ".join(d.isoformat() for d in missing)
            raise HolidayFileError(
                path,
                f'"{key}"."holidays"',
                f"缺少法定节假日 {shown}（国务院通知必含这些日期）",
                f"the fixed statutory holidays {shown} are missing (a notice always gives them)",
            )
        festivals = missing_festivals(year, holidays)
        if festivals:
            # Only 元旦, 劳动节 and 国庆 typed while the notice is pending: as an official year
            # every deadline across 春节 would look firm and be days early.
            zh = "、".join(name.split(" ", 1)[0] for name in festivals)
            en = ", ".join(name.split(" ", 1)[1] for name in festivals)
            raise HolidayFileError(
                path,
                f'"{key}"."holidays"',
                f"{year}年缺少{zh}的放假日期（国务院通知每年都有）：请按通知补全，或删去 "
                f'{year} 年（共享台帐：用 ledgersettings 存入 {{"{year}": null}}），其期限将'
                f"按估算（标“估算”）计",
                f"{year} lacks the rest days of {en} (every State Council notice gives them): "
                f"complete the year from the notice, or remove {year} (a shared ledger: store "
                f'{{"{year}": null}} with ledgersettings) to have its deadlines estimated '
                f"(marked 估算)",
            )
        for d in sorted(workdays):
            if d.weekday() < 5:
                # A swapped working day is always a Saturday or Sunday; a weekday here is a typo.
                raise HolidayFileError(
                    path,
                    f'"{key}"."workdays": {d.isoformat()}',
                    "调休上班日应为周六或周日",
                    "a swapped working day must be a Saturday or Sunday",
                )
        for field in ("source", "published"):
            if not isinstance(entry.get(field, ""), str):
                raise HolidayFileError(path, f'"{key}"."{field}"', "应为文本", "must be text")
        schedules[year] = YearSchedule(
            year=year,
            holidays=holidays,
            workdays=workdays,
            source=entry.get("source", ""),
            published=entry.get("published", ""),
            where=where_halves(path),
        )
    return schedules


def bureau_holiday_file(ledger_path: PathLike) -> Path:
    """The bureau's holiday file beside a ledger (it may not exist yet)."""
    return Path(ledger_path).resolve().parent / BUREAU_HOLIDAY_FILE_NAME


def _as_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


class WorkCalendar:
    """Working days from local holiday files (which win) and chinesecalendar.

    ``files`` are read in order, a later file replacing an earlier one's year (the shipped file
    first, the bureau's file last). ``strict=False`` treats unknown years as Monday-to-Friday
    weeks less FIXED_PUBLIC_HOLIDAYS and appends one warning per such year to :attr:`warnings`.
    """

    def __init__(
        self,
        bureau_file: PathLike | None = None,
        *,
        local_file: PathLike | None = DEFAULT_HOLIDAY_FILE,
        strict: bool = True,
        use_library: bool = True,
        add_to: PathLike | tuple[str, str] | None = None,
        bureau_schedules: dict[int, YearSchedule] | None = None,
    ) -> None:
        self.strict = strict
        self.files = [Path(f) for f in (local_file, bureau_file) if f is not None]
        self.local: dict[int, YearSchedule] = {}
        for path in self.files:
            self.local.update(load_holiday_file(path))
        self.local.update(bureau_schedules or {})  # a shared ledger's, stored on its server
        self._library_years = library_years() if use_library else frozenset()
        # The file a missing year's message asks the bureau to add it to (see for_ledger): never
        # the shipped one, which a plugin update overwrites. In Chinese and in English, for
        # each half of a message: a file is named alike in both.
        where = add_to or (bureau_file if bureau_file is not None else BUREAU_HOLIDAYS_LABEL)
        # A file's path, SHARED_HOLIDAYS_LABEL or BUREAU_HOLIDAYS_LABEL.
        self.add_to_halves = where_halves(where)
        self.warnings: list[str] = []
        self._warned_years: set[int] = set()
        # Each year's working days, read once (_year): chinesecalendar checks its range on every
        # call (~40 µs), and a report counts the same days for thousands of deadlines. A year
        # without a schedule is kept only by a lenient calendar, once its warning is given; a
        # strict one raises at every day of it, as ever.
        self._years: dict[int, _YearTable] = {}
        # A file's year that replaces one the library knows, on other days: said, not refused
        # (the file wins, and may be right), as a typo here moves every deadline of the year.
        self.override_warnings = [
            warning
            for year in sorted(set(self.local) & self._library_years)
            if (warning := self._override_warning(self.local[year]))
        ]

    @staticmethod
    def _override_warning(sched: YearSchedule) -> Bilingual | None:
        day, differ = date(sched.year, 1, 1), []
        while day.year == sched.year:
            working = day in sched.workdays or (day.weekday() < 5 and day not in sched.holidays)
            if working != _library_is_workday(day):
                differ.append(day)
            day += timedelta(days=1)
        if not differ:
            return None
        shown = first_of([d.isoformat() for d in differ], 8, "、")
        file_zh, file_en = sched.where
        return Bilingual(
            f"节假日文件 {file_zh} 的 {sched.year} 年安排与 {_library_label()} 有 "
            f"{len(differ)} 天不同（{shown}），以文件为准：请与国务院通知核对",
            f"the holiday file {file_en} gives {sched.year} a schedule that differs from "
            f"{_library_label()} on {len(differ)} days ({shown}); the file's is used: check it "
            "against the State Council notice",
        )

    @classmethod
    def for_ledger(cls, ledger_path: PathLike, *, strict: bool = True) -> WorkCalendar:
        """The shipped file plus the bureau file beside the ledger, if there is one; a missing
        year's message names that file either way, as the one to add it to."""
        bureau = bureau_holiday_file(ledger_path)
        # exists(), not is_file(): a folder named holidays.json is said as one (read_holiday_json),
        # not passed over while every deadline asked for the year to be added to it.
        return cls(bureau if bureau.exists() else None, strict=strict, add_to=bureau)

    @classmethod
    def for_shared_ledger(cls, holidays: Any, *, strict: bool = True) -> WorkCalendar:
        """The shipped file plus the schedule a shared ledger stores (its `holidays` setting,
        the same JSON object as a holiday file): every machine then counts the same working
        days, with no file to copy to each. A missing year's message says where it goes."""
        schedules = holiday_schedules(holidays, SHARED_HOLIDAYS_LABEL) if holidays else None
        return cls(None, strict=strict, bureau_schedules=schedules, add_to=SHARED_HOLIDAYS_LABEL)

    def known_years(self) -> list[int]:
        """Years with an official schedule from either source, ascending."""
        return sorted(set(self.local) | set(self._library_years))

    def covers(self, d: date) -> bool:
        """Whether ``d`` falls in a year with an official schedule (a UI can warn if not)."""
        year = _as_date(d).year
        return year in self.local or year in self._library_years

    def schedule_source(self, year: int) -> Bilingual | None:
        """Where the schedule of ``year`` comes from, for display; None when unknown."""
        if year in self.local:
            sched = self.local[year]
            notice = f"（{sched.source}）" if sched.source else ""
            notice_en = f" ({sched.source})" if sched.source else ""
            return Bilingual(f"{sched.where[0]}{notice}", f"{sched.where[1]}{notice_en}")
        if year in self._library_years:
            library = _library_label()
            return Bilingual(f"节假日库 {library}", f"the holiday library {library}")
        return None

    def schedule_sources(self) -> list[Bilingual]:
        """Each run of years with a schedule from one source, as a line: "2004–2026 年：节假日库
        chinesecalendar 1.11.0 / 2004–2026: the holiday library …" (a line a year listed the
        library's 23 years one by one). The years alike in both halves, as values are."""
        runs: list[tuple[int, int, Bilingual]] = []
        for year in self.known_years():
            source = self.schedule_source(year)
            if runs and runs[-1][1] == year - 1 and runs[-1][2] == source:
                runs[-1] = (runs[-1][0], year, source)
            else:
                runs.append((year, year, source))
        return [
            Bilingual(
                f"{first}{'' if last == first else f'–{last}'} 年：{source.chinese}",
                f"{first}{'' if last == first else f'–{last}'}: {source.english}",
            )
            for first, last, source in runs
        ]

    def _year(self, year: int) -> _YearTable:
        """The working days of ``year``: from the local files, else the library, else (lenient)
        the estimate, warned of once; UnknownScheduleError when strict. Every count asks this
        for each year it enters, in the order it enters them, so a warning or refusal comes
        from the same year, in the same order, as a day-by-day count's would."""
        table = self._years.get(year)
        if table is not None:
            return table
        sched = self.local.get(year)
        if sched is not None:
            flags = bytes(
                d in sched.workdays or (d not in sched.holidays and d.weekday() < 5)
                for d in _days_of(year)
            )
        elif year in self._library_years:
            flags = bytes(_library_is_workday(d) for d in _days_of(year))
        elif self.strict:
            raise UnknownScheduleError(year, self.add_to_halves)
        else:
            self._warn_estimated(year)
            fixed = set(fixed_public_holidays(year))
            flags = bytes(d.weekday() < 5 and d not in fixed for d in _days_of(year))
        table = self._years[year] = _YearTable(year, flags)
        return table

    def _warn_estimated(self, year: int) -> None:
        if year in self._warned_years:
            return
        self._warned_years.add(year)
        add_to_zh, add_to_en = self.add_to_halves
        self.warnings.append(
            Bilingual(
                f"{year}年没有官方节假日安排，已按周一至周五上班、元旦/劳动节/国庆节放假估算，"
                f"春节等农历节日和调休未计入（请在 {add_to_zh} 中加入{year}年）。",
                # After the colon in words (i18n takes "Assumed Monday…" for a value to keep).
                f"No official holiday schedule for {year}: working days are assumed Monday-Friday"
                # The holidays by name, as the Chinese half: dates it lacks would be values
                # that make a Chinese QGIS show the line whole (and Labour Day's days changed
                # in 2025); no apostrophe, which with the bureau's would quote a 'name' the
                # Chinese lacks.
                f" less the fixed-date holidays (New Year, Labour Day, National Day); the lunar "
                f"holidays and swapped days are NOT taken into account (add {year} to "
                f"{add_to_en}).",
            )
        )

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day of China's official calendar."""
        d = _as_date(d)
        table = self._year(d.year)
        return bool(table.flags[d.toordinal() - table.first])

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start not counted); n < 0 counts backwards."""
        day = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        remaining = abs(n)
        if not remaining:
            return day
        # From the first day counted, one year at a time: each year either holds the rest of
        # the count (found by bisecting its running count) or is passed whole.
        ordinal = day.toordinal() + (1 if n > 0 else -1)
        while True:
            year = date.fromordinal(ordinal).year
            table = self._year(year)
            index = ordinal - table.first
            counts = table.counts
            if n > 0:
                here = counts[-1] - counts[index]  # working days from this day to 31 December
                if here >= remaining:
                    found = bisect_left(counts, counts[index] + remaining) - 1
                    return date.fromordinal(table.first + found)
                ordinal = table.first + len(table.flags)  # 1 January of the next year
            else:
                here = counts[index + 1]  # working days from 1 January to this day
                if here >= remaining:
                    found = bisect_left(counts, here - remaining + 1) - 1
                    return date.fromordinal(table.first + found)
                ordinal = table.first - 1  # 31 December of the year before
            remaining -= here

    def working_days_between(self, a: date, b: date) -> int:
        """Working days passed going from a to b (a not counted, b counted); negative backwards.

        The inverse of add_working_days: ``working_days_between(a, add_working_days(a, n)) == n``.
        """
        a, b = _as_date(a), _as_date(b)
        if a == b:
            return 0
        sign = 1 if b > a else -1
        # The days passed, both ends counted: a+1 .. b forwards, b .. a-1 backwards, taken a
        # year at a time in the order the walk goes (the order of any warning or refusal).
        low, high = (
            (a.toordinal() + 1, b.toordinal()) if sign > 0 else (b.toordinal(), a.toordinal() - 1)
        )
        years = range(date.fromordinal(low).year, date.fromordinal(high).year + 1)
        count = 0
        for year in years if sign > 0 else reversed(years):
            table = self._year(year)
            first = max(low, table.first) - table.first
            last = min(high, table.first + len(table.flags) - 1) - table.first
            count += table.counts[last + 1] - table.counts[first]
        return sign * count


_default_calendar: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    """The strict calendar of the shipped file and the library, built once."""
    global _default_calendar
    if _default_calendar is None:
        _default_calendar = WorkCalendar()
    return _default_calendar


def is_working_day(d: date, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``d`` is a working day (default calendar unless one is given)."""
    return (calendar or default_calendar()).is_working_day(d)


def add_working_days(start: date, n: int, calendar: WorkCalendar | None = None) -> date:
    """The n-th working day after ``start``; n = 0 returns start, n < 0 counts backwards."""
    return (calendar or default_calendar()).add_working_days(start, n)


def working_days_between(a: date, b: date, calendar: WorkCalendar | None = None) -> int:
    """Working days passed going from a to b (a not counted, b counted); negative backwards."""
    return (calendar or default_calendar()).working_days_between(a, b)
