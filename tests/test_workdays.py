"""Working-day calendar and deadlines, checked against official schedules written out by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.holiday_notices import NOTICE_2026, complete_year, days, span
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core import workdays as wd
from zc_enforcement_plugin.core.workdays import (
    HolidayFileError,
    UnknownScheduleError,
    WorkCalendar,
)

# 国务院办公厅关于2024年 / 2025年部分节假日安排的通知, copied by hand (not from the library).
OFFICIAL = {
    2024: {
        "holidays": days("2024-01-01")
        + span("2024-02-10", "2024-02-17")  # Spring Festival
        + span("2024-04-04", "2024-04-06")  # Qingming
        + span("2024-05-01", "2024-05-05")  # Labour Day
        + days("2024-06-10")  # Dragon Boat
        + span("2024-09-15", "2024-09-17")  # Mid-Autumn
        + span("2024-10-01", "2024-10-07"),  # National Day
        "workdays": days(
            "2024-02-04",  # Sun
            "2024-02-18",  # Sun
            "2024-04-07",  # Sun
            "2024-04-28",  # Sun
            "2024-05-11",  # Sat
            "2024-09-14",  # Sat
            "2024-09-29",  # Sun
            "2024-10-12",  # Sat
        ),
    },
    2025: {
        "holidays": days("2025-01-01")
        + span("2025-01-28", "2025-02-04")  # Spring Festival
        + span("2025-04-04", "2025-04-06")  # Qingming
        + span("2025-05-01", "2025-05-05")  # Labour Day
        + span("2025-05-31", "2025-06-02")  # Dragon Boat
        + span("2025-10-01", "2025-10-08"),  # National Day + Mid-Autumn
        "workdays": days(
            "2025-01-26",  # Sun
            "2025-02-08",  # Sat
            "2025-04-27",  # Sun
            "2025-09-28",  # Sun
            "2025-10-11",  # Sat
        ),
    },
    2026: NOTICE_2026,
}


def official_working(d: date) -> bool:
    sched = OFFICIAL[d.year]
    return d in sched["workdays"] or (d.weekday() < 5 and d not in sched["holidays"])


def fixed(year: int, *more: str) -> list[str]:
    """The holidays every schedule of `year` lists (the fixed-date ones and a day for each
    festival `more` leaves out), and `more` days off."""
    return complete_year(year, *more)


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def library_cal() -> WorkCalendar:
    """Library plus an empty local file, so the test does not depend on the shipped file."""
    return WorkCalendar(local_file=None)


@pytest.fixture
def year_2099(tmp_path) -> Path:
    """A made-up schedule for 2099 (not an official one)."""
    return write_json(
        tmp_path / "holidays.json",
        {
            "2099": {
                "holidays": fixed(2099, "2099-01-02", "2099-01-03"),
                "workdays": ["2099-01-04"],
                "source": "test schedule 2099",
                "published": "2098-11-01",
            }
        },
    )


def first_unknown_year() -> int:
    return max(wd.library_years()) + 1


# --- the library range ---------------------------------------------------------------------------


def test_library_years_detected_and_contiguous():
    import chinese_calendar

    years = sorted(wd.library_years())
    assert {2024, 2025, 2026} <= set(years)
    assert years == list(range(years[0], years[-1] + 1))
    # The detected edges are exactly where the library stops answering.
    for outside in (years[0] - 1, years[-1] + 1):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(date(outside, 6, 1))


# --- official schedules ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_library_calendar_matches_official_schedule_every_day(library_cal, year):
    wrong = [
        d
        for d in span(f"{year}-01-01", f"{year}-12-31")
        if library_cal.is_working_day(d) != official_working(d)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_local_file_alone_reproduces_official_schedule(tmp_path, year):
    sched = OFFICIAL[year]
    path = write_json(
        tmp_path / "h.json",
        {
            str(year): {
                "holidays": [d.isoformat() for d in sched["holidays"]],
                "workdays": [d.isoformat() for d in sched["workdays"]],
            }
        },
    )
    cal = WorkCalendar(path, local_file=None, use_library=False)
    wrong = [
        d
        for d in span(f"{year}-01-01", f"{year}-12-31")
        if cal.is_working_day(d) != official_working(d)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("iso", "working"),
    [
        ("2024-02-04", True),  # Sunday worked before Spring Festival
        ("2024-02-09", True),  # New Year's Eve (Fri): officially a working day
        ("2024-02-10", False),
        ("2024-02-18", True),  # Sunday worked after
        ("2024-09-29", True),
        ("2024-10-07", False),
        ("2024-10-12", True),  # Saturday worked
        ("2024-10-13", False),  # ordinary Sunday
        ("2025-01-26", True),
        ("2025-02-04", False),
        ("2025-02-08", True),
        ("2025-04-27", True),
        ("2025-05-05", False),
        ("2025-10-08", False),  # Wednesday off (National Day + Mid-Autumn)
        ("2025-10-09", True),
        ("2025-10-11", True),
        # 国务院办公厅关于2026年部分节假日安排的通知: only dates certain from the notice.
        ("2026-01-01", False),
        ("2026-01-02", False),  # Friday off
        ("2026-01-03", False),
        ("2026-01-04", True),  # Sunday worked
        ("2026-02-14", True),  # Saturday worked before Spring Festival
        ("2026-02-16", False),
        ("2026-02-23", False),  # Monday, last day of the 9-day break
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday worked after
    ],
)
def test_official_days_and_swapped_weekends(iso, working):
    assert wd.is_working_day(date.fromisoformat(iso)) is working


def test_datetime_accepted_and_strings_rejected():
    assert wd.is_working_day(datetime(2025, 10, 11, 9, 30)) is True
    with pytest.raises(TypeError):
        wd.is_working_day("2025-10-11")  # type: ignore[arg-type]


# --- adding and counting working days -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 2, "2025-10-10"),  # 10-01..08 off, 10-09 Thu, 10-10 Fri
        ("2025-09-30", 3, "2025-10-11"),  # swapped Saturday counts
        ("2025-09-26", 1, "2025-09-28"),  # swapped Sunday counts
        ("2025-01-27", 1, "2025-02-05"),  # across Spring Festival
        ("2024-12-31", 1, "2025-01-02"),  # across New Year and the year boundary
        ("2025-10-03", 0, "2025-10-03"),  # n = 0 returns start, even on a holiday
        ("2025-10-09", -1, "2025-09-30"),
        ("2025-10-09", -3, "2025-09-28"),  # backwards onto the swapped Sunday
        ("2025-10-09", -4, "2025-09-26"),
        ("2025-10-05", -1, "2025-09-30"),  # from inside the holiday
    ],
)
def test_add_working_days(start, n, expected):
    assert wd.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected)


def test_add_working_days_rejects_non_integer_n():
    with pytest.raises(TypeError):
        wd.add_working_days(date(2025, 1, 2), 1.5)  # type: ignore[arg-type]


def test_working_days_between():
    assert wd.working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert wd.working_days_between(date(2025, 10, 10), date(2025, 9, 30)) == -2
    assert wd.working_days_between(date(2025, 10, 10), date(2025, 10, 10)) == 0
    # September 2025: 22 weekdays + the swapped Sunday 09-28.
    assert wd.working_days_between(date(2025, 8, 31), date(2025, 9, 30)) == 23


@pytest.mark.parametrize("n", [-15, -1, 1, 7, 30])
def test_between_inverts_add(n):
    start = date(2025, 9, 20)
    assert wd.working_days_between(start, wd.add_working_days(start, n)) == n


# --- unknown years --------------------------------------------------------------------------------


def test_unknown_year_raises_clear_error(library_cal):
    year = first_unknown_year()
    with pytest.raises(UnknownScheduleError) as info:
        library_cal.is_working_day(date(year, 3, 2))
    assert info.value.year == year
    message = str(info.value)
    assert f"没有{year}年的官方节假日安排" in message
    assert f"No official holiday schedule for {year}" in message
    assert "holidays.json" in message  # says which file to edit


def test_unknown_year_reached_by_counting_raises():
    last = max(wd.library_years())
    with pytest.raises(UnknownScheduleError):
        wd.add_working_days(date(last, 12, 31), 1)
    with pytest.raises(UnknownScheduleError):
        wd.is_working_day(date(min(wd.library_years()) - 1, 6, 1))


def test_known_years_and_covers(library_cal):
    assert {2024, 2025, 2026} <= set(library_cal.known_years())
    assert 2099 not in library_cal.known_years()
    assert library_cal.covers(date(2025, 5, 1))
    assert not library_cal.covers(date(2099, 5, 1))
    assert library_cal.schedule_source(2025).chinese.startswith("节假日库 chinesecalendar")
    assert library_cal.schedule_source(2099) is None


def test_schedule_sources_are_listed_by_runs_of_years_and_a_shared_ledgers_in_words():
    """台帐设置 lists where each year's schedule comes from: the library's years as one run, not
    23 lines; a shared ledger's stored years by the setting's name in each language (a
    Python pair, brackets and quotes, was printed for each, and in its error messages)."""
    stored = {"2031": {"holidays": complete_year(2031), "source": "国办发明电〔2030〕7号"}}
    calendar = WorkCalendar.for_shared_ledger(stored, strict=False)
    library = sorted(wd.library_years())
    first, last = library[0], library[-1]
    assert library == list(range(first, last + 1))  # the run below is one, with no gap
    runs = calendar.schedule_sources()
    assert [run.chinese.split(" 年：")[0] for run in runs] == [f"{first}–{last}", "2031"]
    assert (
        runs[0].chinese
        == f"{first}–{last} 年：节假日库 chinesecalendar {chinese_calendar_version()}"
    )
    shared_zh, shared_en = wd.SHARED_HOLIDAYS_LABEL
    assert runs[1].chinese == f"2031 年：{shared_zh}（国办发明电〔2030〕7号）"
    assert runs[1].english == f"2031: {shared_en} (国办发明电〔2030〕7号)"
    for run in runs:
        assert "('" not in run and "ledgersettings" not in run.chinese
    # A stored year the calendar refuses names the setting the same way.
    with pytest.raises(HolidayFileError) as refused:
        WorkCalendar.for_shared_ledger({"2031": {"holidays": ["2031-01-01"]}})
    assert f"节假日文件错误：{shared_zh}：" in str(refused.value)
    assert f"error in the holiday file {shared_en}:" in str(refused.value)
    assert "('" not in str(refused.value)


def chinese_calendar_version() -> str:
    import chinese_calendar

    return chinese_calendar.__version__


def test_lenient_mode_uses_weekends_less_fixed_holidays_and_records_a_warning():
    """A year without a schedule: Monday to Friday, less the public holidays on fixed dates
    (New Year's Day, 1-2 May, 1-3 October), which every year has. The lunar ones (2099's Spring
    Festival) and the swapped days cannot be known, and the warning says so."""
    cal = WorkCalendar(local_file=None, strict=False)
    assert cal.is_working_day(date(2025, 10, 8)) is False
    assert cal.warnings == []  # known years never warn
    # 2099-01-01 is a Thursday, New Year's Day: not a working day even unannounced.
    assert cal.is_working_day(date(2099, 1, 1)) is False
    assert cal.is_working_day(date(2099, 1, 2)) is True  # Friday
    assert cal.is_working_day(date(2099, 1, 3)) is False  # Saturday
    assert [cal.is_working_day(date(2099, 5, d)) for d in (1, 4)] == [False, True]  # Fri, Mon
    assert [cal.is_working_day(date(2099, 10, d)) for d in (1, 2, 5)] == [False, False, True]
    assert len(cal.warnings) == 1  # one warning per year, not per day
    assert "2099" in cal.warnings[0] and "No official holiday schedule" in cal.warnings[0]
    assert "lunar" in cal.warnings[0]
    assert cal.add_working_days(date(2098, 12, 31), 1) == date(2099, 1, 2)


def test_a_missing_year_names_the_file_beside_the_ledger_to_add_it_to(tmp_path):
    """The file a plugin update does not overwrite: the bureau's, beside the ledger, even
    before it exists; not the shipped one."""
    ledger = tmp_path / "ledger.gpkg"
    cal = WorkCalendar.for_ledger(ledger)
    with pytest.raises(UnknownScheduleError) as error:
        cal.is_working_day(date(2099, 6, 1))
    assert str(tmp_path / "holidays.json") in str(error.value)
    assert str(wd.DEFAULT_HOLIDAY_FILE) not in str(error.value)
    lenient = WorkCalendar.for_ledger(ledger, strict=False)
    lenient.is_working_day(date(2099, 6, 1))
    assert str(tmp_path / "holidays.json") in lenient.warnings[0]


# --- local holiday files --------------------------------------------------------------------------


def test_local_file_adds_a_year(year_2099):
    cal = WorkCalendar(year_2099, local_file=None)
    assert cal.covers(date(2099, 6, 1))
    assert 2099 in cal.known_years()
    assert cal.is_working_day(date(2099, 1, 1)) is False  # Thursday, listed holiday
    assert cal.is_working_day(date(2099, 1, 4)) is True  # Sunday, listed workday
    assert cal.is_working_day(date(2099, 1, 10)) is False  # ordinary Sunday
    assert cal.add_working_days(date(2099, 1, 1), 1) == date(2099, 1, 4)
    assert "test schedule 2099" in cal.schedule_source(2099)
    assert cal.warnings == []


def test_local_file_wins_over_library(tmp_path):
    # A deliberately different 2025 (only the fixed-date holidays off) must replace the
    # library's whole year.
    path = write_json(tmp_path / "h.json", {"2025": {"holidays": fixed(2025)}})
    assert WorkCalendar(local_file=None).is_working_day(date(2025, 10, 8)) is False
    cal = WorkCalendar(path, local_file=None)
    assert cal.is_working_day(date(2025, 10, 8)) is True
    assert cal.is_working_day(date(2025, 10, 11)) is False  # swapped Saturday not listed
    assert cal.is_working_day(date(2024, 10, 7)) is False  # other years still from the library


def test_a_year_that_differs_from_the_library_is_warned(tmp_path):
    """2026 with only the fixed-date holidays off (the lunar ones and the swaps left out)
    replaces the library's year: used, but said, naming the year and the first days that
    differ (2026-01-02, a Friday off in the notice; Sunday 2026-01-04, worked in exchange)."""
    path = write_json(tmp_path / "h.json", {"2026": {"holidays": fixed(2026)}})
    cal = WorkCalendar(path, local_file=None)
    assert cal.is_working_day(date(2026, 1, 2)) is True
    [warning] = cal.override_warnings
    assert str(path) in warning and "2026" in warning
    assert "2026-01-02、2026-01-03" not in warning  # Saturday 3 January is off either way
    assert warning.split("（")[1].startswith("2026-01-02、2026-01-04")
    # the library's own schedule, copied into the file, is no override
    library = WorkCalendar(local_file=None)
    same = [d for d in _days_of(2026) if not library.is_working_day(d) and d.weekday() < 5]
    same = sorted({*same, *wd.fixed_public_holidays(2026)})  # a Saturday 2 May is listed too
    worked = [d for d in _days_of(2026) if library.is_working_day(d) and d.weekday() >= 5]
    path = write_json(
        tmp_path / "same.json",
        {
            "2026": {
                "holidays": [d.isoformat() for d in same],
                "workdays": [d.isoformat() for d in worked],
            }
        },
    )
    assert WorkCalendar(path, local_file=None).override_warnings == []


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def test_a_file_saved_as_gbk_asks_for_utf8_naming_the_file(tmp_path):
    path = tmp_path / "holidays.json"
    path.write_bytes(
        json.dumps({"_说明": "中文", "2099": {"holidays": fixed(2099)}}, ensure_ascii=False).encode(
            "gbk"
        )
    )
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar(path, local_file=None)
    message = str(error.value)
    assert str(path) in message and "UTF-8" in message and "GBK" in message
    assert "codec" not in message


def test_bureau_file_wins_over_shipped_file(tmp_path, year_2099):
    bureau = write_json(tmp_path / "bureau.json", {"2099": {"holidays": fixed(2099, "2099-01-05")}})
    cal = WorkCalendar(bureau, local_file=year_2099)
    assert cal.is_working_day(date(2099, 1, 2)) is True
    assert cal.is_working_day(date(2099, 1, 5)) is False


def test_for_ledger_reads_file_beside_ledger(tmp_path, year_2099):
    ledger = year_2099.parent / "ledger.gpkg"
    assert WorkCalendar.for_ledger(ledger).covers(date(2099, 1, 1))
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert not WorkCalendar.for_ledger(other / "ledger.gpkg").covers(date(2099, 1, 1))


def test_shipped_file_is_valid_and_lists_no_invented_year():
    text = wd.DEFAULT_HOLIDAY_FILE.read_text(encoding="utf-8")
    assert "_readme" in json.loads(text)
    # Only the format description ships; a real year must come from an official notice.
    assert wd.load_holiday_file(wd.DEFAULT_HOLIDAY_FILE) == {}


@pytest.mark.parametrize(
    ("content", "entry", "problem"),
    [
        ({"2099": {"holidays": ["2099/01/01"]}}, "2099/01/01", "YYYY-MM-DD"),
        ({"2099": {"holidays": ["2099-02-30"]}}, "2099-02-30", "no such date"),
        ({"2099": {"holidays": ["2098-12-31"]}}, "2098-12-31", "outside its year 2099"),
        (
            {"2099": {"holidays": ["2099-01-03"], "workdays": ["2099-01-03"]}},
            "2099-01-03",
            "both holidays and workdays",
        ),
        ({"2099": {"holidays": ["2099-01-01", "2099-01-01"]}}, "2099-01-01", "listed twice"),
        (
            {"2099": {"holidays": fixed(2099), "workdays": ["2099-01-05"]}},
            "2099-01-05",
            "Saturday or Sunday",
        ),
        ({"20X9": {"holidays": ["2099-01-01"]}}, "20X9", "four-digit year"),
        ({"2099": {"holiday": ["2099-01-01"]}}, '"2099"', "unknown field"),
        # the year's days typed as a bare list (or a number), not under "holidays"
        ({"2099": ["2099-01-01"]}, '"2099"', "must be an object"),
        ({"2099": 2099}, '"2099"', "must be an object"),
        ({"2099": {"holidays": "2099-01-01"}}, "holidays", "list of dates"),
        ({"2099": {"holidays": []}}, "holidays", "no holidays listed"),
        ({"2099": {"holidays": fixed(2099), "source": 5}}, "source", "must be text"),
        (
            {"2099": {"holidays": ["2099-01-01", "2099-05-01", "2099-10-01", "2099-10-02"]}},
            "2099-05-02, 2099-10-03",
            "fixed statutory holidays",
        ),
        (["2099-01-01"], "top level", "keyed by year"),
        (
            {"_format_example_not_a_real_schedule": {"2099": {"holidays": fixed(2099)}}},
            '"_format_example_not_a_real_schedule"."2099"',
            "inside a comment",
        ),
    ],
)
def test_holiday_file_validation_names_file_and_entry(tmp_path, content, entry, problem):
    path = write_json(tmp_path / "bad_holidays.json", content)
    with pytest.raises(HolidayFileError) as info:
        WorkCalendar(path, local_file=None)
    message = str(info.value)
    assert "bad_holidays.json" in message
    assert entry in message
    assert problem in message


def test_holiday_file_duplicate_year_and_bad_json(tmp_path):
    dup = tmp_path / "dup.json"
    dup.write_text(
        '{"2099": {"holidays": ["2099-01-01"]}, "2099": {"holidays": ["2099-01-02"]}}',
        encoding="utf-8",
    )
    with pytest.raises(HolidayFileError, match=r'dup\.json.*"2099".*twice'):
        wd.load_holiday_file(dup)
    # Once in full-width digits (a Chinese input method's): read as 2099 too, the later entry
    # silently replaced the first (the review of 2026-11-29).
    wide = tmp_path / "wide.json"
    wide.write_text(
        '{"2099": {"holidays": ["2099-01-01"]}, "２０９９": {"holidays": ["2099-01-02"]}}',
        encoding="utf-8",
    )
    with pytest.raises(
        HolidayFileError, match=r'wide\.json.*"2099" and "２０９９".*same key twice'
    ):
        wd.load_holiday_file(wide)
    broken = tmp_path / "broken.json"
    broken.write_text('{"2099": {"holidays": ["2099-01-01",]}}', encoding="utf-8")
    with pytest.raises(HolidayFileError, match=r"broken\.json.*line 1.*invalid JSON"):
        wd.load_holiday_file(broken)
    with pytest.raises(HolidayFileError, match="file not found"):
        WorkCalendar(tmp_path / "missing.json", local_file=None)


def test_a_folder_named_holidays_json_beside_the_ledger_is_said_not_passed_over(tmp_path):
    """It was skipped without a word, while every estimated deadline asked for the year to
    be added to it."""
    (tmp_path / wd.BUREAU_HOLIDAY_FILE_NAME).mkdir()
    with pytest.raises(HolidayFileError, match=r"holidays\.json.*is a folder, not a file"):
        WorkCalendar.for_ledger(tmp_path / "ledger.gpkg")


# --- deadlines ------------------------------------------------------------------------------------


def test_default_rules_amounts_and_units():
    expected = {
        "public_exposure_report": (0, dl.CALENDAR_DAYS),  # at once: the same day
        "report_to_brigade": (2, dl.WORKING_DAYS),
        "file_case": (3, dl.WORKING_DAYS),
        "serious_case_report": (3, dl.WORKING_DAYS),
        "statement_hearing_request": (5, dl.WORKING_DAYS),
        "demand_to_comply": (10, dl.WORKING_DAYS),
        "penalty_decision": (90, dl.CALENDAR_DAYS),
        "limitation": (2, dl.YEARS),
        "temporary_land_max": (2, dl.YEARS),
        "temporary_land_max_infrastructure": (4, dl.YEARS),
        "temporary_land_restoration": (1, dl.YEARS),
    }
    rules = dl.DeadlineRules()
    assert {n: (rules.rule(n).amount, rules.rule(n).unit) for n in rules.names()} == expected
    assert all(rules.rule(n).basis for n in rules.names())


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("report_to_brigade", "2025-09-30", "2025-10-10"),
        ("file_case", "2025-09-30", "2025-10-11"),  # lands on the swapped Saturday
        ("serious_case_report", "2024-02-08", "2024-02-19"),  # 02-09, 02-18 (Sun), 02-19
        ("statement_hearing_request", "2025-04-30", "2025-05-12"),
        ("demand_to_comply", "2024-09-27", "2024-10-16"),
        ("penalty_decision", "2025-01-10", "2025-04-10"),
        ("limitation", "2025-03-05", "2027-03-05"),  # years need no holiday schedule
        ("limitation", "2024-02-29", "2026-02-28"),  # no 29 Feb: the month's last day
        ("temporary_land_max", "2024-06-01", "2026-06-01"),
        ("temporary_land_max_infrastructure", "2024-06-01", "2028-06-01"),
        ("temporary_land_restoration", "2026-06-30", "2027-06-30"),
    ],
)
def test_due_dates(rule, start, expected):
    assert dl.due_date(rule, date.fromisoformat(start)) == date.fromisoformat(expected)


def test_due_date_unknown_rule():
    with pytest.raises(KeyError, match="report_to_brigade"):
        dl.due_date("report_to_brigad", date(2025, 1, 2))


def test_working_day_deadline_into_unknown_year():
    last = max(wd.library_years())
    with pytest.raises(UnknownScheduleError):
        dl.due_date("demand_to_comply", date(last, 12, 28))
    lenient = WorkCalendar(local_file=None, strict=False)
    assert dl.due_date("demand_to_comply", date(last, 12, 28), calendar=lenient).year == last + 1
    assert lenient.warnings


def test_overrides_from_dict():
    rules = dl.rules_from_dict(
        {"penalty_decision": {"amount": 60}, "report_to_brigade": 3}, source="ledger settings"
    )
    assert rules.penalty_decision.amount == 60
    assert rules.penalty_decision.unit == dl.CALENDAR_DAYS
    # The override changes the period, not what it rests on (the work plan).
    assert rules.report_to_brigade == replace(dl.DEFAULT_RULES.report_to_brigade, amount=3)
    assert rules.report_to_brigade.kind == dl.WORK_PLAN
    assert dl.DEFAULT_RULES.penalty_decision.amount == 90  # defaults untouched
    assert dl.due_date("report_to_brigade", date(2025, 9, 30), rules) == date(2025, 10, 11)
    assert dl.rules_from_dict(None) == dl.DEFAULT_RULES
    # Every rule written out whole, as a bureau's settings may: read back as it was.
    whole = {
        name: {
            "amount": rule.amount,
            "unit": rule.unit,
            "roll_forward": rule.roll_forward,
            "basis": rule.basis,
        }
        for name in dl.DEFAULT_RULES.names()
        for rule in [dl.DEFAULT_RULES.rule(name)]
    }
    assert dl.DEFAULT_RULES.with_overrides(whole) == dl.DEFAULT_RULES
    # A basis of the bureau's own is its, in both languages (it wrote one).
    own = dl.rules_from_dict({"file_case": {"basis": "2025 年工作方案第 3 条"}}).file_case
    assert own.basis == own.basis_zh == "2025 年工作方案第 3 条"


def test_a_period_longer_than_ten_years_is_refused_before_it_is_stored():
    """3000000 years typed for 3 was stored, and then every report and case page failed on a
    due date past the year 9999 ("year 10000 is out of range"): refused, naming the rule, the
    length and the longest, in each unit (working days counted to the longest still end in a
    date)."""
    for unit, longest in dl.LONGEST.items():
        rules = dl.rules_from_dict({"penalty_decision": {"amount": longest, "unit": unit}})
        assert (
            dl.due_date(
                "penalty_decision",
                date(2025, 1, 2),
                rules,
                WorkCalendar(local_file=None, strict=False),
            ).year
            < 2037
        )
        with pytest.raises(dl.DeadlineConfigError) as refused:
            dl.rules_from_dict({"penalty_decision": {"amount": longest + 1, "unit": unit}}, "X")
        message = str(refused.value)
        assert "penalty_decision" in message and f"{longest + 1} " in message, message
        assert f"最多 {longest} {dl.UNIT_WORDS_ZH[unit]}" in message, message
    with pytest.raises(dl.DeadlineConfigError):
        dl.rules_from_dict({"limitation": 3000000})  # years: its own unit counts


def test_override_unit_to_calendar_days():
    rules = dl.rules_from_dict({"demand_to_comply": {"unit": "calendar_days"}})
    assert dl.due_date("demand_to_comply", date(2024, 9, 27), rules) == date(2024, 10, 7)


def test_roll_forward_moves_a_calendar_period_off_a_holiday():
    start = date(2025, 7, 3)  # + 90 days = 2025-10-01, National Day
    assert dl.due_date("penalty_decision", start) == date(2025, 10, 1)
    rolled = dl.rules_from_dict({"penalty_decision": {"roll_forward": True}})
    assert dl.due_date("penalty_decision", start, rolled) == date(2025, 10, 9)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"penalty_decisions": 60}, "no such deadline rule"),
        ({"penalty_decision": -1}, "whole number, 0 or more"),
        ({"penalty_decision": "60"}, "whole number, 0 or more"),
        ({"penalty_decision": True}, "whole number, 0 or more"),
        ({"penalty_decision": 2.5}, "whole number, 0 or more"),
        ({"penalty_decision": {"unit": "weeks"}}, "unit must be working_days"),
        ({"penalty_decision": {"days": 60}}, "no field"),
        ({"penalty_decision": {"roll_forward": "yes"}}, "roll_forward must be true or false"),
        (["penalty_decision"], "keyed by rule name"),
    ],
)
def test_override_validation_messages(overrides, fragment):
    with pytest.raises(dl.DeadlineConfigError) as info:
        dl.rules_from_dict(overrides, source="settings.json")
    message = str(info.value)
    assert "settings.json" in message
    assert fragment in message
    if isinstance(overrides, dict):
        assert "penalty_decision" in message


@pytest.mark.parametrize(
    ("today", "warn_days", "expected"),
    [
        ("2025-10-11", 1, dl.OVERDUE),
        ("2025-10-10", 1, dl.DUE_SOON),  # the due day itself is still in time
        ("2025-10-09", 1, dl.DUE_SOON),
        ("2025-10-08", 1, dl.OK),
        ("2025-10-08", 2, dl.DUE_SOON),
        ("2025-10-10", 0, dl.DUE_SOON),
        ("2025-10-09", 0, dl.OK),
    ],
)
def test_status_calendar_days(today, warn_days, expected):
    assert dl.status(date(2025, 10, 10), date.fromisoformat(today), warn_days) == expected


def test_status_counts_working_days_with_a_calendar(library_cal):
    due, today = date(2025, 10, 10), date(2025, 9, 30)
    assert dl.status(due, today, warn_days=2) == dl.OK  # 10 calendar days away
    assert dl.status(due, today, warn_days=2, calendar=library_cal) == dl.DUE_SOON  # 2 working
    with pytest.raises(ValueError):
        dl.status(due, today, warn_days=-1)


def test_dates_as_tables_and_shapefiles_write_them():
    import datetime as dt

    from zc_enforcement_plugin.core.dates import parse_date

    expected = dt.date(2024, 6, 1)
    for text in (
        "2024-06-01",
        "2024/06/01",
        "2024.06.01",
        "20240601",
        "2024年6月1日",
        "2024-06-01T08:00:00",
        "2024/06/01 08:00:00.000",  # a Shapefile's datetime, as text
        "2024年6月1日 08:00",
    ):
        assert parse_date(text) == expected, text
    assert parse_date("长期", strict=False) is None
    # Only a time may follow the date: a term or a remark is not a date.
    for text in ("2024-01-31 至 2026-12-31", "2023-03-01 (已撤销)", "2024-01-31 25:99"):
        assert parse_date(text, strict=False) is None, text
    with pytest.raises(ValueError):
        parse_date("2024/13/01 08:00")


def test_a_half_typed_year_without_its_fixed_holidays_is_refused(tmp_path):
    """The bureau typed 2027's Spring Festival only: 1 January would be a working day and every
    deadline across it a day early, so the year is refused, naming the file, the year and the
    fixed-date holidays missing (from 2025 劳动节 has two days; before, one)."""
    spring = [f"2027-02-{d:02d}" for d in range(6, 15)]
    path = write_json(tmp_path / "holidays.json", {"2027": {"holidays": spring}})
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar.for_ledger(tmp_path / "ledger.gpkg", strict=False)
    message = str(error.value)
    assert str(path) in message and '"2027"' in message
    assert "2027-01-01, 2027-05-01, 2027-05-02, 2027-10-01, 2027-10-02, 2027-10-03" in message
    # The same fixed days as a whole year are enough; 2024's Labour Day was 1 May alone.
    write_json(path, {"2027": {"holidays": fixed(2027, *spring)}})
    assert not WorkCalendar.for_ledger(tmp_path / "ledger.gpkg").is_working_day(date(2027, 1, 1))
    assert wd.fixed_public_holidays(2024) == days(
        "2024-01-01", "2024-05-01", "2024-10-01", "2024-10-02", "2024-10-03"
    )


def test_a_missing_year_never_asks_to_edit_the_plugins_own_file():
    """With no ledger's file (an audit run without a ledger), a missing year is to be added to
    the bureau's holidays.json beside the ledger: a plugin update overwrites the shipped one."""
    year = first_unknown_year()
    with pytest.raises(UnknownScheduleError) as error:
        WorkCalendar().is_working_day(date(year, 6, 1))
    assert str(wd.DEFAULT_HOLIDAY_FILE) not in str(error.value)
    assert "beside the ledger" in str(error.value)
    lenient = WorkCalendar(strict=False)
    lenient.is_working_day(date(year, 6, 1))
    [warning] = lenient.warnings
    assert str(wd.DEFAULT_HOLIDAY_FILE) not in warning and "beside the ledger" in warning


def test_a_friday_declared_a_swapped_working_day_is_refused(tmp_path):
    """调休上班 days are always a Saturday or Sunday: Friday 2 January 2099 listed as one is a
    typo, refused naming the file and the entry; Saturday 3 January is accepted."""
    path = write_json(
        tmp_path / "holidays.json",
        {"2099": {"holidays": fixed(2099), "workdays": ["2099-01-02"]}},
    )
    assert date(2099, 1, 2).weekday() == 4  # Friday
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar(path, local_file=None)
    message = str(error.value)
    assert str(path) in message and '"2099"."workdays": 2099-01-02' in message
    assert "Saturday or Sunday" in message
    write_json(path, {"2099": {"holidays": fixed(2099), "workdays": ["2099-01-03"]}})
    assert WorkCalendar(path, local_file=None).is_working_day(date(2099, 1, 3))


def test_a_2025_schedule_without_2_may_is_refused(tmp_path):
    """The 2024 revision of the holiday rules made 劳动节 1-2 May from 2025 on: a 2025 entry
    listing 1 May alone (the 2008-2024 rule) is refused, naming 2025-05-02."""
    holidays = ["2025-01-01", "2025-05-01", "2025-10-01", "2025-10-02", "2025-10-03"]
    path = write_json(tmp_path / "holidays.json", {"2025": {"holidays": holidays}})
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar(path, local_file=None, use_library=False)
    assert "2025-05-02" in str(error.value) and "fixed statutory holidays" in str(error.value)


def test_the_file_to_add_a_missing_year_to_is_named_in_both_languages(tmp_path):
    """The strict error and the lenient warning each name the bureau's file in the Chinese
    half and in the English half: a reader of either finds where to add the year."""
    ledger = tmp_path / "ledger.gpkg"
    where = str(tmp_path / "holidays.json")
    with pytest.raises(UnknownScheduleError) as error:
        WorkCalendar.for_ledger(ledger).is_working_day(date(2099, 6, 1))
    chinese, english = str(error.value).split(" / ", 1)
    assert where in chinese and where in english
    assert str(error.value).count(where) == 2
    lenient = WorkCalendar.for_ledger(ledger, strict=False)
    lenient.is_working_day(date(2099, 6, 1))
    [warning] = lenient.warnings
    chinese, english = warning.split(" / ", 1)
    assert where in chinese and where in english
    assert warning.count(where) == 2


# --- found by mutation testing: each test below failed on a changed line the others missed ------


def _official_file(path: Path, year: int, leave_out: tuple[str, ...] = ()) -> Path:
    """OFFICIAL[year] as a holiday file, less the dates in ``leave_out``."""
    sched = OFFICIAL[year]
    return write_json(
        path,
        {
            str(year): {
                field: [d.isoformat() for d in sched[field] if d.isoformat() not in leave_out]
                for field in ("holidays", "workdays")
            }
        },
    )


def test_a_single_day_typed_wrong_in_a_known_year_is_warned(tmp_path):
    """The bureau copies the 2026 notice into its file and forgets Saturday 10 October, the
    last swapped working day: one day only, yet every working-day deadline across it moves a
    day. The file still wins, and the warning names that one day."""
    path = _official_file(tmp_path / "h.json", 2026, leave_out=("2026-10-10",))
    cal = WorkCalendar(path, local_file=None)
    assert cal.is_working_day(date(2026, 10, 10)) is False  # the file's, as typed
    [warning] = cal.override_warnings
    assert "1 days (2026-10-10)" in warning and str(path) in warning
    # copied whole, nothing is said
    assert WorkCalendar(_official_file(tmp_path / "ok.json", 2026), local_file=None)
    assert WorkCalendar(tmp_path / "ok.json", local_file=None).override_warnings == []


def test_a_datetime_counts_by_the_local_files_year_as_a_date_does(tmp_path):
    """A time of day (a QDateTime from a form) on a year the file gives: Saturday 10 October
    2026 is a swapped working day, Thursday 1 October 2026 National Day, as for the date."""
    cal = WorkCalendar(
        _official_file(tmp_path / "h.json", 2026), local_file=None, use_library=False
    )
    assert cal.is_working_day(datetime(2026, 10, 10, 9, 30)) is True
    assert cal.is_working_day(datetime(2026, 10, 1, 9, 30)) is False
    # 2 working days after Wednesday 30 September 2026: 1-7 October off, Thursday 8, Friday 9.
    assert cal.add_working_days(datetime(2026, 9, 30, 17, 0), 2) == date(2026, 10, 9)


def test_a_holiday_file_saved_by_notepad_with_a_bom_is_read(tmp_path):
    """Notepad's "UTF-8" puts a byte-order mark before the text; json alone refuses it."""
    path = tmp_path / "holidays.json"
    text = json.dumps({"2099": {"holidays": fixed(2099, "2099-01-02")}})
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    cal = WorkCalendar(path, local_file=None)
    assert cal.is_working_day(date(2099, 1, 2)) is False  # Friday, listed


def test_the_default_warning_window_is_one_day():
    """status() without warn_days: due_soon from the day before (calendar days), ok before."""
    due = date(2026, 12, 4)  # a Friday
    assert dl.status(due, date(2026, 12, 3)) == dl.DUE_SOON
    assert dl.status(due, date(2026, 12, 2)) == dl.OK


def test_a_rolled_period_moves_off_the_days_the_given_calendar_rests(year_2099):
    """The 90 days of a penalty decision from Saturday 3 October 2098 end on Thursday
    1 January 2099 (October 28 days left + November 30 + December 31 + 1). Rolled forward, the
    bureau's 2099 (1-3 January off, Sunday 4 January worked) moves it to the 4th: the calendar
    given is the one used, not the default one (which has no 2099 at all)."""
    rolled = dl.rules_from_dict({"penalty_decision": {"roll_forward": True}})
    cal = WorkCalendar(year_2099, local_file=None)
    start = date(2098, 10, 3)
    assert dl.due_date("penalty_decision", start) == date(2099, 1, 1)
    assert dl.due_date("penalty_decision", start, rolled, cal) == date(2099, 1, 4)


def test_a_rolled_calendar_period_into_a_year_without_a_schedule_is_an_estimate():
    """Counted in calendar days a period needs no holiday schedule, but moved off rest days
    (roll_forward) it does: a penalty decision due in 2099 is then an estimate."""
    lenient = WorkCalendar(local_file=None, strict=False)
    rolled = dl.rules_from_dict({"penalty_decision": {"roll_forward": True}})
    start = date(2098, 10, 3)
    due = dl.due_date("penalty_decision", start, rolled, lenient)
    # 2099-01-01 is a fixed holiday, Friday the 2nd a weekday: the estimate rolls one day.
    assert due == date(2099, 1, 2)
    assert dl.is_estimate("penalty_decision", start, due, rolled, lenient)
    assert not dl.is_estimate(
        "penalty_decision", start, date(2099, 1, 1), dl.DEFAULT_RULES, lenient
    )


def test_a_period_from_a_year_without_a_schedule_into_one_with_is_an_estimate(year_2099):
    """A demand served on Wednesday 24 December 2098, a year nobody gave: its 10 working days
    are guessed for 2098 (25, 26, 29, 30, 31 December: 5) and counted by the file for 2099
    (1-3 January off, Sunday 4 January worked: 4, 5, 6, 7, 8 January), due Thursday 8 January
    2099. The due year is known, the start's is not: still an estimate."""
    cal = WorkCalendar(year_2099, local_file=None, strict=False)
    start = date(2098, 12, 24)
    due = dl.due_date("demand_to_comply", start, calendar=cal)
    assert due == date(2099, 1, 8)
    assert dl.is_estimate("demand_to_comply", start, due, dl.DEFAULT_RULES, cal)


# --- the festivals every notice gives -------------------------------------------------------------

FIXED_ONLY_2027 = [
    "2027-01-01",
    "2027-05-01",
    "2027-05-02",
    "2027-10-01",
    "2027-10-02",
    "2027-10-03",
]


def test_a_year_of_the_fixed_date_holidays_alone_is_refused_naming_the_festivals(tmp_path):
    """What a bureau types while the State Council notice is pending (元旦, 劳动节, 国庆 only)
    would pass as official with 春节 a working week: B's 催告履行期 from 2027-01-28 read firm
    2027-02-11 when the notice makes it 2027-02-17. Refused, naming the file, the year, every
    festival missing and the two ways out."""
    path = write_json(tmp_path / "holidays.json", {"2027": {"holidays": FIXED_ONLY_2027}})
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar.for_ledger(tmp_path / "ledger.gpkg", strict=False)
    message = str(error.value)
    assert str(path) in message and '"2027"."holidays"' in message
    assert "2027年缺少春节、清明、端午、中秋的放假日期" in message
    assert "Spring Festival, Qingming, Dragon Boat, Mid-Autumn" in message
    assert "complete the year from the notice" in message and "请按通知补全" in message
    assert "remove 2027" in message and "估算" in message
    # Completed from the notice (春节 6-12 February, Sunday 31 January worked), the deadline
    # moves to its true day.
    spring = [d.isoformat() for d in span("2027-02-06", "2027-02-12")]
    full = spring + ["2027-04-05", "2027-06-09", "2027-09-15"]
    swapped = ["2027-01-31", "2027-02-21"]
    write_json(path, {"2027": {"holidays": FIXED_ONLY_2027 + full, "workdays": swapped}})
    calendar = WorkCalendar.for_ledger(tmp_path / "ledger.gpkg")
    assert dl.due_date("demand_to_comply", date(2027, 1, 28), calendar=calendar) == date(
        2027, 2, 17
    )


@pytest.mark.parametrize(
    "left_out, named",
    [
        (("2026-02-15", "2026-02-23"), "春节"),
        (("2026-04-04", "2026-04-06"), "清明"),
        (("2026-06-19", "2026-06-21"), "端午"),
        (("2026-09-25", "2026-09-27"), "中秋"),
    ],
)
def test_each_festival_left_out_of_a_notice_is_named(tmp_path, left_out, named):
    """The 2026 notice with one festival's break deleted is refused naming that festival alone."""
    holidays = [d for d in NOTICE_2026["holidays"] if d not in span(*left_out)]
    path = write_json(
        tmp_path / "holidays.json",
        {"2026": {"holidays": [d.isoformat() for d in holidays]}},
    )
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar(path, local_file=None)
    problem = error.value.problem
    assert named in problem
    others = {"春节", "清明", "端午", "中秋"} - {named}
    assert not any(other in problem for other in others), problem


def test_every_official_schedule_has_its_festivals():
    """The rule holds for every year chinesecalendar knows (2025 with 中秋 merged into 国庆,
    1-8 October, and 2026 among them) and for the notices copied by hand: a real year is never
    refused."""
    import chinese_calendar

    years = sorted(wd.library_years())
    assert {2025, 2026} <= set(years)
    for year in years:
        holidays = [d for d in chinese_calendar.holidays if d.year == year]
        assert wd.missing_festivals(year, holidays) == [], year
    for year, notice in OFFICIAL.items():
        assert wd.missing_festivals(year, notice["holidays"]) == [], year
        # ...and a file holding it is read.
    assert wd.holiday_schedules(
        {str(y): {"holidays": [d.isoformat() for d in n["holidays"]]} for y, n in OFFICIAL.items()},
        "official",
    ).keys() == set(OFFICIAL)


# The solar dates of 春节 (1/1), 端午 (5/5) and 中秋 (8/15) of the lunar calendar, 2027-2060, from
# the lunardate package (an independent table, not the plugin's windows): the years a bureau will
# type schedules for. 端午 2039 falls on 27 May and 中秋 2052 on 7 September.
LUNAR_DATES = {
    2027: ("02-06", "06-09", "09-15"),
    2028: ("01-26", "05-28", "10-03"),
    2029: ("02-13", "06-16", "09-22"),
    2030: ("02-03", "06-05", "09-12"),
    2031: ("01-23", "06-24", "10-01"),
    2032: ("02-11", "06-12", "09-19"),
    2033: ("01-31", "06-01", "09-08"),
    2034: ("02-19", "06-20", "09-27"),
    2035: ("02-08", "06-10", "09-16"),
    2036: ("01-28", "05-30", "10-04"),
    2037: ("02-15", "06-18", "09-24"),
    2038: ("02-04", "06-07", "09-13"),
    2039: ("01-24", "05-27", "10-02"),
    2040: ("02-12", "06-14", "09-20"),
    2041: ("02-01", "06-03", "09-10"),
    2042: ("01-22", "06-22", "09-28"),
    2043: ("02-10", "06-11", "09-17"),
    2044: ("01-30", "05-31", "10-05"),
    2045: ("02-17", "06-19", "09-25"),
    2046: ("02-06", "06-08", "09-15"),
    2047: ("01-26", "05-29", "10-04"),
    2048: ("02-14", "06-15", "09-22"),
    2049: ("02-02", "06-04", "09-11"),
    2050: ("01-23", "06-23", "09-30"),
    2051: ("02-11", "06-13", "09-19"),
    2052: ("02-01", "06-01", "09-07"),
    2053: ("02-19", "06-20", "09-26"),
    2054: ("02-08", "06-10", "09-16"),
    2055: ("01-28", "05-30", "10-05"),
    2056: ("02-15", "06-17", "09-24"),
    2057: ("02-04", "06-06", "09-13"),
    2058: ("01-24", "06-25", "10-02"),
    2059: ("02-12", "06-14", "09-21"),
    2060: ("02-02", "06-03", "09-09"),
}


def test_a_schedule_resting_on_each_festivals_own_day_is_never_refused_to_2060():
    """A notice gives each festival its day off (and 春节 three): whatever year the moon puts it
    in, that day must fall in the festival's window."""
    for year, (spring, dragon_boat, mid_autumn) in LUNAR_DATES.items():
        first = date.fromisoformat(f"{year}-{spring}")
        holidays = list(wd.fixed_public_holidays(year)) + [
            first + timedelta(days=i)
            for i in (-1, 0, 1)  # the eve, the first and second day
        ]
        holidays += [date.fromisoformat(f"{year}-{day}") for day in (dragon_boat, mid_autumn)]
        if mid_autumn.startswith("10-0") and mid_autumn != "10-08":
            holidays.append(date(year, 10, 8))  # merged with 国庆, the break runs 1-8 October
        holidays.append(date(year, 4, 5))  # 清明, a solar term: 4 or 5 April
        assert wd.missing_festivals(year, holidays) == [], year


def test_a_schedule_before_2008_needs_only_the_spring_festival():
    """清明, 端午 and 中秋 became public holidays in 2008: 2007's schedule is complete without."""
    holidays = fixed(2007, "2007-02-18", "2007-02-19", "2007-02-20")
    assert wd.missing_festivals(2007, [date.fromisoformat(d) for d in holidays]) == []
    assert wd.missing_festivals(2008, wd.fixed_public_holidays(2008)) == [
        "春节 Spring Festival",
        "清明 Qingming",
        "端午 Dragon Boat",
        "中秋 Mid-Autumn",
    ]


def test_a_date_typed_with_full_width_digits_is_read_as_the_date_it_shows(tmp_path):
    """A Chinese input method types ２０２７-０２-０６: it is that date (not “no such date”), read
    as dates.parse_date reads one; a full-width date in another form is still refused as not
    YYYY-MM-DD, naming it as typed."""
    typed = {"2027-02-06": "２０２７-０２-０６"}
    holidays = [
        typed.get(d, d) for d in complete_year(2027, "2027-02-06", "2027-02-07", "2027-02-08")
    ]
    path = write_json(tmp_path / "holidays.json", {"2027": {"holidays": holidays}})
    calendar = WorkCalendar(path, local_file=None, use_library=False)
    assert not calendar.is_working_day(date(2027, 2, 6))
    assert date(2027, 2, 6) in calendar.local[2027].holidays
    write_json(path, {"2027": {"holidays": [*complete_year(2027), "２０２７／０２／０６"]}})
    with pytest.raises(HolidayFileError) as error:
        WorkCalendar(path, local_file=None, use_library=False)
    assert "２０２７／０２／０６" in str(error.value) and "YYYY-MM-DD" in str(error.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_holiday_file_saved_as_notepads_unicode_is_read(tmp_path, encoding):
    """Notepad's “Unicode” is UTF-16 with a BOM: read as it is, not called GBK/ANSI; a GBK file
    is still asked to be saved as UTF-8."""
    data = {"_说明": "本局2027年节假日", "2027": {"holidays": complete_year(2027)}}
    text = json.dumps(data, ensure_ascii=False)
    path = tmp_path / "holidays.json"
    bom = "\ufeff" if encoding == "utf-16-be" else ""  # Python's utf-16 writes its own BOM
    path.write_bytes((bom + text).encode(encoding))
    assert sorted(wd.load_holiday_file(path)) == [2027]
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(HolidayFileError, match="GBK"):
        wd.load_holiday_file(path)


def test_each_day_is_asked_of_the_library_once_and_answers_stay_the_same(monkeypatch, year_2099):
    """A report counts the same days for thousands of deadlines: each day of a scheduled year is
    worked out once (the library's range check costs ~40 µs a call) and then remembered, with
    the same answer; a day of a year without a schedule is never remembered, so a strict
    calendar still refuses it every time, naming the file to add it to."""
    asked: list[date] = []
    real = wd._library_is_workday

    def counting(d: date) -> bool:
        asked.append(d)
        return real(d)

    monkeypatch.setattr(wd, "_library_is_workday", counting)
    cal = WorkCalendar(year_2099, local_file=None)
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    first = [cal.is_working_day(d) for d in days]
    again = [cal.is_working_day(d) for d in days]
    assert first == again == [real(d) for d in days]
    assert sorted(asked) == days  # once a day, not twice
    # The file's year is remembered too, with the file's answers (2099-01-04 is a swapped Sunday).
    assert [cal.is_working_day(date(2099, 1, d)) for d in (2, 3, 4)] == [False, False, True]
    assert [cal.is_working_day(date(2099, 1, d)) for d in (2, 3, 4)] == [False, False, True]
    unknown = first_unknown_year()
    if unknown == 2099:
        unknown = 2100
    for _ in range(2):
        with pytest.raises(UnknownScheduleError) as error:
            cal.is_working_day(date(unknown, 6, 1))
        assert f"No official holiday schedule for {unknown}" in str(error.value)
        assert str(year_2099) in str(error.value)
    lenient = WorkCalendar(local_file=None, strict=False)
    assert [lenient.is_working_day(date(unknown, 1, 1)) for _ in range(2)] == [False, False]
    assert len(lenient.warnings) == 1 and str(unknown) in lenient.warnings[0]
