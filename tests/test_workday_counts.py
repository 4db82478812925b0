"""The calendar counts working days a year at a time (workdays._YearTable): its answers must be
those of counting day by day. Checked here against a plain day-by-day count written from the
rules themselves (the bureau's file, the library, the estimate of a year without a schedule),
across holidays, swapped working weekends, year ends, a leap day and years without a schedule,
and through the case deadlines and the overdue status the dock's filter lists by."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.holiday_notices import complete_year
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core import workdays as wd
from zc_enforcement_plugin.core.cases import Case, CaseEvent, CaseOrigin, Stage
from zc_enforcement_plugin.core.workdays import UnknownScheduleError, WorkCalendar

# Typed here, not taken from workdays.fixed_public_holidays: the count checked must not share
# its rules with the code it checks. 2 May became a holiday in 2025.
FIXED_BEFORE_2025 = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}
FIXED_SINCE_2025 = FIXED_BEFORE_2025 | {(5, 2)}


class UnknownYearError(Exception):
    def __init__(self, year: int) -> None:
        self.year = year


class DayByDay:
    """The working days as the rules say, one day at a time; ``touched``: the years without a
    schedule met, in the order met (each once), as a lenient calendar warns of them."""

    def __init__(self, files: dict[int, dict[str, list[str]]], strict: bool) -> None:
        self.files = {
            year: ({date.fromisoformat(d) for d in entry["holidays"]}, set(entry["workdays"]))
            for year, entry in files.items()
        }
        self.library = wd.library_years()
        self.strict = strict
        self.touched: list[int] = []
        self.asked: dict[date, bool] = {}

    def working(self, day: date) -> bool:
        if day.year in self.files:
            holidays, workdays = self.files[day.year]
            return day.isoformat() in workdays or (day.weekday() < 5 and day not in holidays)
        if day.year in self.library:
            import chinese_calendar

            # Remembered: the library checks its range at every call, and the counts here
            # walk the same days thousands of times.
            if day not in self.asked:
                self.asked[day] = chinese_calendar.is_workday(day)
            return self.asked[day]
        if self.strict:
            raise UnknownYearError(day.year)
        if day.year not in self.touched:
            self.touched.append(day.year)
        fixed = FIXED_SINCE_2025 if day.year >= 2025 else FIXED_BEFORE_2025
        return day.weekday() < 5 and (day.month, day.day) not in fixed

    def add(self, start: date, n: int) -> date:
        day, step = start, timedelta(days=1 if n > 0 else -1)
        for _ in range(abs(n)):
            day += step
            while not self.working(day):
                day += step
        return day

    def between(self, a: date, b: date) -> int:
        step = timedelta(days=1 if b >= a else -1)
        count, day = 0, a
        while day != b:
            day += step
            count += self.working(day)
        return count if b >= a else -count


def first_unknown_year() -> int:
    return max(wd.library_years()) + 1


@pytest.fixture
def schedule(tmp_path) -> tuple[Path, dict[int, dict[str, list[str]]]]:
    """A bureau file giving the year after the first one without a schedule: that year is
    unknown, the next typed, the one after unknown again. Its 31 December and 1-3 January are
    holidays around the turn, its first weekend and a Sunday in spring are worked."""
    year = first_unknown_year() + 1
    first_weekend = next(date(year, 1, d) for d in range(4, 12) if date(year, 1, d).weekday() >= 5)
    spring_sunday = next(date(year, 3, d) for d in range(1, 8) if date(year, 3, d).weekday() == 6)
    entry = {
        "holidays": complete_year(year, f"{year}-01-02", f"{year}-01-03", f"{year}-12-31"),
        "workdays": [first_weekend.isoformat(), spring_sunday.isoformat()],
    }
    entry["holidays"] = [d for d in entry["holidays"] if d not in entry["workdays"]]
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps({str(year): entry}), encoding="utf-8")
    return path, {year: entry}


def starts() -> list[date]:
    """Days around what makes counting hard, and a spread of others."""
    last = max(wd.library_years())
    around = [
        date(2024, 12, 31),  # into 2025, 元旦
        date(2025, 1, 26),  # before 春节 2025 and its swapped Sunday (26 January)
        date(2025, 9, 28),  # a swapped Sunday before 国庆 2025
        date(2025, 10, 8),
        date(last, 12, 31),  # the last year with a schedule into the first without
        date(last + 1, 12, 30),  # a year without one into the bureau's year
        date(last + 2, 1, 1),
        date(last + 2, 2, 28),
        date(last + 2, 12, 30),  # the bureau's 31 December off, then a year without one
        date(last + 3, 1, 1),
    ]
    days = [d + timedelta(days=k) for d in around for k in range(-3, 4)]
    rng = random.Random(2027)
    span = (date(last + 3, 12, 31) - date(2024, 6, 1)).days
    days += [date(2024, 6, 1) + timedelta(days=rng.randrange(span)) for _ in range(120)]
    return days


AMOUNTS = [-300, -90, -25, -10, -5, -3, -2, -1, 0, 1, 2, 3, 5, 10, 25, 90, 300]


def test_each_day_is_what_the_rules_say(schedule):
    path, typed = schedule
    cal = WorkCalendar(path, local_file=None, strict=False)
    plain = DayByDay(typed, strict=False)
    day, end = date(2024, 1, 1), date(first_unknown_year() + 3, 12, 31)
    while day <= end:
        assert cal.is_working_day(day) == plain.working(day), day
        day += timedelta(days=1)


def test_lenient_counts_are_a_day_by_day_count(schedule):
    path, typed = schedule
    cal = WorkCalendar(path, local_file=None, strict=False)
    plain = DayByDay(typed, strict=False)
    for start in starts():
        for n in AMOUNTS:
            due = cal.add_working_days(start, n)
            assert due == plain.add(start, n), (start, n)
            assert cal.working_days_between(start, due) == n, (start, n)
        for other in (start + timedelta(days=k) for k in (-400, -95, -11, -1, 0, 1, 11, 95, 400)):
            assert cal.working_days_between(start, other) == plain.between(start, other), (
                start,
                other,
            )


@pytest.mark.parametrize(("start", "n"), [(0, 300), (0, 700), (-1, -300), (5, 1), (-5, -400)])
def test_a_lenient_count_warns_of_the_years_it_passes_in_their_order(schedule, start, n):
    """One warning per year without a schedule, in the order a day-by-day count meets them
    (backwards: the later year first), and none of a year the count does not enter."""
    path, typed = schedule
    unknown = first_unknown_year()
    origin = date(unknown, 1, 1) if start >= 0 else date(unknown + 3, 12, 31)
    origin += timedelta(days=start)
    cal = WorkCalendar(path, local_file=None, strict=False)
    plain = DayByDay(typed, strict=False)
    due = plain.add(origin, n)
    assert cal.add_working_days(origin, n) == due
    assert [w[:4] for w in cal.warnings] == [str(y) for y in plain.touched], cal.warnings
    counting = WorkCalendar(path, local_file=None, strict=False)
    assert counting.working_days_between(origin, due) == n
    assert [w[:4] for w in counting.warnings] == [str(y) for y in plain.touched]


def test_strict_counts_refuse_the_first_year_without_a_schedule_they_enter(schedule):
    """A strict calendar refuses exactly where a day-by-day count meets a year without a
    schedule, naming that year; a count that ends before it (or starts on 31 December of the
    year before, not counted) is answered."""
    path, typed = schedule
    cal = WorkCalendar(path, local_file=None, strict=True)
    plain = DayByDay(typed, strict=True)
    answered = refused = 0
    for start in starts():
        for n in AMOUNTS:
            try:
                expected = plain.add(start, n)
            except UnknownYearError as unknown:
                with pytest.raises(UnknownScheduleError) as raised:
                    cal.add_working_days(start, n)
                assert raised.value.year == unknown.year, (start, n)
                refused += 1
            else:
                assert cal.add_working_days(start, n) == expected, (start, n)
                answered += 1
            other = start + timedelta(days=3 * n)
            try:
                expected_count = plain.between(start, other)
            except UnknownYearError as unknown:
                with pytest.raises(UnknownScheduleError) as raised:
                    cal.working_days_between(start, other)
                assert raised.value.year == unknown.year, (start, other)
            else:
                assert cal.working_days_between(start, other) == expected_count, (start, other)
    assert answered > 100 and refused > 100  # both sides were tried


def test_case_deadlines_and_overdue_status_match_a_day_by_day_count(schedule):
    """What the dock's overdue filter lists by: each case's due dates and statuses, as a
    day-by-day count of the rules' periods gives them, on days around holidays and year ends."""
    path, typed = schedule
    cal = WorkCalendar(path, local_file=None, strict=False)
    plain = DayByDay(typed, strict=False)
    rules = dl.DEFAULT_RULES
    checked = overdue = 0
    for number, found in enumerate(starts()[::3]):
        events = [
            CaseEvent(
                f"C{number}", Stage.DISCOVER, found, "张三", origin=CaseOrigin.spot(f"S{number}")
            )
        ]
        filed = None
        if number % 2:
            verified = found + timedelta(days=1)
            filed = verified + timedelta(days=number % 7)
            events += [
                CaseEvent(
                    f"C{number}",
                    Stage.VERIFY,
                    verified,
                    "张三",
                    documents=["现场勘验笔录"],
                    evidence_ids=["E1"],
                ),
                CaseEvent(f"C{number}", Stage.FILE, filed, "张三"),
            ]
        case = Case.from_events(events)
        for today in (found, found + timedelta(days=2), found + timedelta(days=6), filed):
            if today is None:
                continue
            got = {d.name: d for d in case.deadlines(rules, cal, today)}
            want_due = {
                "report_to_brigade": plain.add(found, 2),
                "file_case": plain.add(found, 3),
            }
            if filed is not None:
                want_due["penalty_decision"] = filed + timedelta(days=90)
            assert {name: got[name].due for name in want_due} == want_due, (found, today)
            for name, due in want_due.items():
                deadline = got[name]
                at = deadline.done_on or today
                if at > due:
                    want = dl.OVERDUE
                else:
                    want = dl.DUE_SOON if plain.between(at, due) <= 1 else dl.OK
                assert deadline.status == want, (name, found, today)
                checked += 1
            overdue += any(d.open and d.late for d in got.values())
    assert checked > 150 and overdue > 5
