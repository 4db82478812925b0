"""The brigade's reports at their edges: the last day of a period, a deadline met late, a
withdrawn case, areas whose float sum is off in its last digit, a case overdue on one firm and
one estimated deadline. Each test was written for a mutant that survived the suite (named in
its docstring) and every expected figure was worked out by hand from DOMAIN.md and the README.

The ledgers are those of tests/test_reports.py (``_spots_ledger``: spots of TBMJ 500 and GDMJ
300, each verdict correcting the one before), imported rather than copied."""

from __future__ import annotations

import datetime as dt
import json

from tests.holiday_notices import complete_year
from tests.test_reports import AS_OF, MARCH, A, _illegal, _legal, _spots_ledger, _steps, by_office
from zc_enforcement_plugin.core import domain, reports
from zc_enforcement_plugin.core.cases import DOC_WITHDRAWAL, ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import Verdict
from zc_enforcement_plugin.core.workdays import WorkCalendar


def _official_calendar() -> WorkCalendar:
    calendar = WorkCalendar()
    assert calendar.covers(dt.date(2024, 1, 1)), "needs chinesecalendar with 2024"
    return calendar


def _legal_with_cultivated(day: str, cultivated: float) -> Verdict:
    verdict = _legal(day)
    verdict.areas = {domain.CULTIVATED_AREA: cultivated}
    return verdict


def test_a_spot_judged_illegal_on_the_last_day_of_the_month_counts_in_that_month(tmp_path):
    """L1 is judged 违法 on Sunday 31 March 2024, the month's last day: a period holds its end
    day, so March's ranking counts it as a new illegal spot of 城东所 (TBMJ 500, GDMJ 300) and
    March's accountability ratio as the district's one illegal spot, 300 m² of 300 m² of new
    construction. (Killed: B05, a period that left out its last day.)"""
    calendar = _official_calendar()
    store, _ = _spots_ledger(tmp_path / "ledger.gpkg", {"L1": (A, [_illegal("2024-03-31")])})
    try:
        ranking = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
        ratio = reports.accountability_ratio(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(ranking)[A]
    assert (a.new_illegal, a.illegal_area_sqm, a.illegal_cultivated_sqm) == (1, 500.0, 300.0)
    district = ratio.district
    assert (district.illegal_spots, district.illegal_cultivated_sqm) == (1, 300.0)
    assert (district.construction_spots, district.construction_cultivated_sqm) == (1, 300.0)


def test_a_deadline_met_late_does_not_keep_the_case_overdue(tmp_path):
    """M1 is judged 违法 and its case opened on Monday 4 March 2024 (no holiday in March 2024):
    the written report is due 2 working days on, Wednesday 03-06, the filing 3 working days on,
    Thursday 03-07 (DOMAIN §1). Verified 03-05, the case is filed on Tuesday 03-12: both late,
    but both made (filing tells the brigade too). At the end of March the case is open (filed,
    not closed) and nothing it owes is past due: one open case, none overdue, timeliness 100 %.
    (Killed: B22, a deadline made late still counted as overdue.)"""
    calendar = _official_calendar()
    store, ids = _spots_ledger(tmp_path / "ledger.gpkg", {"M1": (A, [_illegal("2024-03-04")])})
    try:
        case = store.open_case(ORIGIN_SPOT, spot_id=ids["M1"], date=dt.date(2024, 3, 4))
        _steps(store, case, (Stage.VERIFY, "2024-03-05"), (Stage.FILE, "2024-03-12"))
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.open_cases, a.overdue_cases, a.timeliness) == (1, 0, 1.0)


def test_a_withdrawn_case_is_neither_opened_nor_rectified_in_the_rates(tmp_path):
    """城东所 opens two cases in March 2024. W1: verified 03-05, closed 03-06 (rectified: a close
    straight after 核查). W2: verified 03-05, withdrawn 03-07 (结案 with 撤销案件审批表: opened in
    error). A withdrawn case was no case of an act, so the rate is 1 rectified of 1 opened,
    100 %, not 1 of 2. (Killed: R12, a withdrawn case counted as opened.)"""
    calendar = _official_calendar()
    store, ids = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {"W1": (A, [_illegal("2024-03-04")]), "W2": (A, [_illegal("2024-03-04")])},
    )
    try:
        w1 = store.open_case(ORIGIN_SPOT, spot_id=ids["W1"], date=dt.date(2024, 3, 4))
        _steps(store, w1, (Stage.VERIFY, "2024-03-05"), (Stage.CLOSE, "2024-03-06"))
        w2 = store.open_case(ORIGIN_SPOT, spot_id=ids["W2"], date=dt.date(2024, 3, 4))
        _steps(store, w2, (Stage.VERIFY, "2024-03-05"))
        store.add_case_event(
            w2,
            CaseEvent(
                w2, Stage.CLOSE, dt.date(2024, 3, 7), "李四", [DOC_WITHDRAWAL], note="图斑位置错误"
            ),
        )
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.cases_opened, a.cases_rectified, a.rectification_rate) == (1, 1, 1.0)


def test_the_ratio_counts_whole_cents_of_a_float_sum_off_in_its_last_digit(tmp_path):
    """March 2024: X1 judged 违法 with GDMJ 19.22 m², X2 judged 合法 with GDMJ 108.92 m². New
    construction took 19.22 + 108.92 = 128.14 m² of cultivated land, a float sum that is
    12813.999999999998 in hundredths: 12814 cents. 1922 ÷ 12814 = 14.9992 %: shown cut to
    14.99 % and not flagged (12813 cents would make it 15.0004 %, flagged). The sheet shows the
    illegal area in 亩 beside its m²: 19.22 × 15 ÷ 10000 = 0.028830 → 0.03 亩, and the
    construction's 128.14 × 15 ÷ 10000 = 0.19221 → 0.19 亩. (Killed: A09, cents truncated; A07,
    the construction area in the illegal 亩 column.)"""
    calendar = _official_calendar()
    store, _ = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {
            "X1": (A, [_illegal("2024-03-05", {domain.CULTIVATED_AREA: 19.22})]),
            "X2": (A, [_legal_with_cultivated("2024-03-06", 108.92)]),
        },
    )
    try:
        report = reports.accountability_ratio(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    district = report.district
    assert (district.illegal_spots, district.construction_spots) == (1, 2)
    assert (district.ratio_percent, district.flagged) == (14.99, False)
    [sheet] = report.sheets()[:1]
    last = sheet.rows[-1]
    assert sheet.headers[3].startswith("违法占用耕地 (亩)")
    assert sheet.headers[6].startswith("新增建设占用耕地 (亩)")
    assert last[1:9] == [1, 19.22, 0.03, 2, 128.14, 0.19, 14.99, "否 / no"]


def test_a_case_overdue_on_one_firm_deadline_is_not_marked_an_estimate(tmp_path):
    """The bureau's file gives 2024 (its fixed-date holidays and a rest day per festival, none
    in late December, as in the real 2024) and nothing gives 2025, whose working days are
    guessed: Monday to Friday less 1 January. E1 is judged 违法 on Friday 27 December 2024 and
    no case is opened: its written report is due 2 working days on, Tuesday 31 December (firm:
    both days in 2024); its filing 3 working days on, past New Year's Day, Thursday 2 January
    2025 (an estimate). January 2025, reported on Friday 3 January, is judged on the 3rd: both
    are overdue, one of them on a firm day, so the case is overdue for certain and not marked
    估算. (Killed: B18, marked an estimate when any overdue deadline was one.)"""
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps({"2024": {"holidays": complete_year(2024), "workdays": []}}))
    calendar = WorkCalendar(path, local_file=None, use_library=False, strict=False)
    assert calendar.covers(dt.date(2024, 12, 31)) and not calendar.covers(dt.date(2025, 1, 2))
    store, _ = _spots_ledger(tmp_path / "ledger.gpkg", {"E1": (A, [_illegal("2024-12-27")])})
    try:
        report = reports.monthly_ranking(
            store, reports.Period.month(2025, 1), calendar, dt.date(2025, 1, 3)
        )
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.open_cases, a.overdue_cases, a.overdue_estimated) == (1, 1, 0)
    line = next(w for w in report.warnings if "未立案的违法图斑" in w)
    assert "E1（逾期）" in line and "E1 (overdue)" in line and "estimated" not in line


def test_the_dispatch_total_counts_new_illegal_spots_not_verified_ones(tmp_path):
    """Week 11 of 2024 (Monday 11 - Sunday 17 March), dispatch of Friday 15 March, 城东所: V1 is
    verified 合法 on 03-11, V2 verified 违法 on 03-12. Two spots verified, one new illegal, in
    the office's row and in the total, which the first sheet's last row shows. (Killed: D07,
    the total's new illegal summing the verified.)"""
    calendar = _official_calendar()
    store, _ = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {"V1": (A, [_legal("2024-03-11")]), "V2": (A, [_illegal("2024-03-12")])},
    )
    try:
        week = reports.Period.parse("2024-W11")
        report = reports.weekly_dispatch(store, week, calendar, dt.date(2024, 3, 15))
    finally:
        store.close()
    [row] = report.rows
    assert (row.office, row.verified, row.new_illegal) == (A, 2, 1)
    assert (report.total.verified, report.total.new_illegal) == (2, 1)
    sheet = report.sheets()[0]
    assert sheet.headers[1:3] == ["新核查图斑 / verified", "新增违法 / new illegal"]
    assert sheet.rows[-1][:3] == [report.total_label, 2, 1]
