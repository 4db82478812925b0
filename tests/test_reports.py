"""The brigade's reports on a hand-made ledger whose every figure was worked out by hand.

The ledger (March 2024; report date Wednesday 3 April 2024; 2024 holidays from chinesecalendar:
Qingming 4-6 April off, Sunday 7 April worked):

office 城东所 (town 甲镇)
  A1 illegal 03-04, TBMJ 1000, verdict GDMJ 600 (screening 700), YJJBNTMJ 100; case 1:
     discover 03-04, verify 03-05, stop 03-06, close 03-11 (rectified)
  A2 illegal 03-10, TBMJ 500, GDMJ 300 (screening); case 2: discover 03-10, verify 03-11: open,
     report due 03-12 and filing due 03-13 are overdue
  A3 legal 03-12, TBMJ 2000, GDMJ 1400
  patrols: 3 days in each of the 4 March weeks (two records on 03-04 count once), and 03-01,
     03-02 (the week of Thursday 29 February: a February week)
office 城西所 (town 乙镇)
  B1 illegal 02-20 (a February spot), TBMJ 800, GDMJ 400; no case: as a case discovered on
     02-20, report due 02-22 and filing due 02-23, overdue
  B2 伪变化 02-25, corrected to illegal 03-15: a March spot; TBMJ 900, verdict GDMJ 450,
     YJJBNTMJ 200; case 3: discover 03-15, verify 03-15, stop 03-18, file 03-19 (not overdue)
  B3 illegal 03-20, corrected 04-01 still illegal with GDMJ 110: a March spot, 110 m²; TBMJ 300;
     no case: report due 03-22, filing due 03-25
  B4 伪变化 03-05, TBLX 新增建设用地, GDMJ 1000 (no change: not construction)
  B5 legal 03-26, GDMJ 3500
  patrol case 4 from patrol PB-03-21: discover 03-21, verify 03-22: open, report due 03-25 overdue
  patrols: 3 days in weeks 1, 2, 4 of March, 2 days in week 3
office 城北所 (town 丙镇)
  C1 other 设施农用地 03-08, TBLX 新增设施农用地, GDMJ 300 (not construction)
  C2 unverified; C3 illegal 04-02 (April), TBMJ 600, GDMJ 200; case 5: discover 04-02, open,
     report due 04-07 (the worked Sunday), filing due 04-08
  C4 legal 03-09, GDMJ 2000; C5 other 临时用地 03-10, TBLX 新增建设用地, GDMJ 1000 (not
     construction: a 其他 verdict never is, whatever TBLX says)
  patrols: 3 days in weeks 1 and 2 of March
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from shapely.geometry import box

from tests.holiday_notices import complete_year
from tests.workbooks import check_workbook
from tests.write_errors import CAUSES, assert_said, write_error
from zc_enforcement_plugin.core import clock, domain, reports, workdays
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.bilingual import BILINGUAL_SEPARATOR
from zc_enforcement_plugin.core.cases import (
    DOC_WITHDRAWAL,
    ORIGIN_PATROL,
    ORIGIN_SPOT,
    Case,
    CaseEvent,
    Stage,
)
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, SpotRecord, Verdict
from zc_enforcement_plugin.core.patrols import PatrolRecord
from zc_enforcement_plugin.core.workdays import WorkCalendar

X0, Y0 = 39_520_000.0, 4_070_000.0
A, B, C = "城东所", "城西所", "城北所"
TOWNS = {A: "甲镇", B: "乙镇", C: "丙镇"}
AS_OF = dt.date(2024, 4, 3)
MARCH = reports.Period.month(2024, 3)
NEW_CONSTRUCTION = "新增建设用地"  # a delivered TBLX value

# number: (office, TBMJ, GDMJ, YJJBNTMJ, TBLX)
SPOTS = {
    "A1": (A, 1000.0, 700.0, 100.0, NEW_CONSTRUCTION),
    "A2": (A, 500.0, 300.0, 0.0, NEW_CONSTRUCTION),
    "A3": (A, 2000.0, 1400.0, 0.0, NEW_CONSTRUCTION),
    "B1": (B, 800.0, 400.0, 0.0, NEW_CONSTRUCTION),
    "B2": (B, 900.0, 500.0, 0.0, NEW_CONSTRUCTION),
    "B3": (B, 300.0, 250.0, 0.0, NEW_CONSTRUCTION),
    "B4": (B, 1200.0, 1000.0, 0.0, NEW_CONSTRUCTION),
    "B5": (B, 4000.0, 3500.0, 0.0, NEW_CONSTRUCTION),
    "C1": (C, 400.0, 300.0, 0.0, "新增设施农用地"),
    "C2": (C, 100.0, 50.0, 0.0, NEW_CONSTRUCTION),
    "C3": (C, 600.0, 200.0, 0.0, NEW_CONSTRUCTION),
    "C4": (C, 2500.0, 2000.0, 0.0, NEW_CONSTRUCTION),
    "C5": (C, 1200.0, 1000.0, 0.0, NEW_CONSTRUCTION),
}


def _illegal(day: str, areas=None, corrects=None) -> Verdict:
    return Verdict(
        ls.VERDICT_ILLEGAL, "未报即用", "张三", day, areas=areas or {}, corrects=corrects
    )


def _legal(day: str) -> Verdict:
    return Verdict(ls.VERDICT_LEGAL, "农转用", "张三", day, approval_number="鲁政土字〔2024〕1号")


def _other(kind: str, day: str) -> Verdict:
    return Verdict(ls.VERDICT_OTHER, kind, "张三", day)


def _days(*days: str) -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in days]


PATROL_DAYS = {
    A: _days(
        "2024-03-01",
        "2024-03-02",
        "2024-03-04",
        "2024-03-04",
        "2024-03-05",
        "2024-03-06",
        "2024-03-11",
        "2024-03-13",
        "2024-03-15",
        "2024-03-18",
        "2024-03-19",
        "2024-03-20",
        "2024-03-25",
        "2024-03-27",
        "2024-03-29",
    ),
    B: _days(
        "2024-03-04",
        "2024-03-06",
        "2024-03-08",
        "2024-03-11",
        "2024-03-12",
        "2024-03-13",
        "2024-03-18",
        "2024-03-21",
        "2024-03-25",
        "2024-03-26",
        "2024-03-31",
    ),
    C: _days("2024-03-04", "2024-03-05", "2024-03-07", "2024-03-12", "2024-03-13", "2024-03-14"),
}


def build_ledger(path: Path) -> GeoPackageLedger:
    ledger = GeoPackageLedger(path)
    records = []
    for i, (number, (office, area, cultivated, basic, kind)) in enumerate(SPOTS.items()):
        attributes = {
            domain.SPOT_NUMBER: number,
            domain.SPOT_AREA: area,
            domain.CULTIVATED_AREA: cultivated,
            domain.BASIC_FARMLAND_AREA: basic,
            domain.SPOT_TYPE: kind,
            domain.OFFICE_NAME: office,
            domain.TOWN_NAME: TOWNS[office],
        }
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    assert ledger.import_batch("2024年第一季度", records).ok
    ids = {s.number: s.id for s in ledger.spots()}
    verdicts = {
        "A1": [_illegal("2024-03-04", {domain.CULTIVATED_AREA: 600.0})],
        "A2": [_illegal("2024-03-10")],
        "A3": [_legal("2024-03-12")],
        "B1": [_illegal("2024-02-20")],
        "B2": [
            _other("伪变化", "2024-02-25"),
            _illegal(
                "2024-03-15", {domain.CULTIVATED_AREA: 450.0, domain.BASIC_FARMLAND_AREA: 200.0}
            ),
        ],
        "B3": [_illegal("2024-03-20"), _illegal("2024-04-01", {domain.CULTIVATED_AREA: 110.0})],
        "B4": [_other("伪变化", "2024-03-05")],
        "B5": [_legal("2024-03-26")],
        "C1": [_other("设施农用地", "2024-03-08")],
        "C3": [_illegal("2024-04-02")],
        "C4": [_legal("2024-03-09")],
        "C5": [_other("临时用地", "2024-03-10")],
    }
    for number, history in verdicts.items():
        previous = None
        for verdict in history:
            verdict.corrects = previous
            previous = ledger.record_verdict(ids[number], verdict)
    for office, days in PATROL_DAYS.items():
        for n, day in enumerate(days):
            ledger.add_patrol(PatrolRecord(f"P{office}{n}", office, day, ["巡查员"]))
    ledger.add_patrol(PatrolRecord("PB-03-21", B, dt.date(2024, 3, 21), ["巡查员"]))

    def steps(case_id: str, *stages: tuple[Stage, str]) -> None:
        for stage, day in stages:
            event = CaseEvent(case_id, stage, dt.date.fromisoformat(day), "李四")
            ledger.add_case_event(case_id, event)

    case1 = ledger.open_case(ORIGIN_SPOT, spot_id=ids["A1"])
    steps(
        case1,
        (Stage.VERIFY, "2024-03-05"),
        (Stage.STOP, "2024-03-06"),
        (Stage.CLOSE, "2024-03-11"),
    )
    case2 = ledger.open_case(ORIGIN_SPOT, spot_id=ids["A2"])
    steps(case2, (Stage.VERIFY, "2024-03-11"))
    case3 = ledger.open_case(ORIGIN_SPOT, spot_id=ids["B2"])
    steps(
        case3,
        (Stage.VERIFY, "2024-03-15"),
        (Stage.STOP, "2024-03-18"),
        (Stage.FILE, "2024-03-19"),
    )
    case4 = ledger.open_case(ORIGIN_PATROL, patrol_id="PB-03-21", date=dt.date(2024, 3, 21))
    steps(case4, (Stage.VERIFY, "2024-03-22"))
    ledger.open_case(ORIGIN_SPOT, spot_id=ids["C3"])
    assert [case1, case2, case3, case4] == ["1", "2", "3", "4"]
    return ledger


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "ledger.gpkg"
    build_ledger(path).close()
    return path


@pytest.fixture
def ledger(ledger_path):
    store = GeoPackageLedger(ledger_path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    cal = WorkCalendar()
    assert cal.covers(dt.date(2024, 1, 1)), "needs chinesecalendar with 2024"
    assert not cal.is_working_day(dt.date(2024, 4, 5)) and cal.is_working_day(dt.date(2024, 4, 7))
    return cal


def by_office(report) -> dict[str, reports.OfficeFigures]:
    return {f.office: f for f in report.offices}


# --- the monthly ranking ---------------------------------------------------------------------


def test_monthly_ranking_figures_worked_out_by_hand(ledger, calendar):
    report = reports.monthly_ranking(ledger, MARCH, calendar, AS_OF)
    # The 5th of April 2024 is Qingming, in the break of the 4th to the 6th: the report is due
    # on the first working day after it, Sunday the 7th, a working day swapped for the break
    # (it said 2024-04-05, a holiday).
    assert report.due_date == dt.date(2024, 4, 7) and report.as_of == AS_OF
    (due,) = [line for line in report.info_lines() if "报送期限" in line]
    assert due.startswith("报送期限：2024-04-07 前（2024-04-05 为休息日，顺延至其后第一个工作日）")
    february = reports.monthly_ranking(ledger, reports.Period.month(2024, 2), calendar, AS_OF)
    assert february.due_date == dt.date(2024, 3, 5)
    (due,) = [line for line in february.info_lines() if "报送期限" in line]
    assert due.startswith("报送期限：2024-03-05 前 / "), due
    assert report.weights == reports.DEFAULT_WEIGHTS and "default" in report.weights_source
    # B1 and B3, judged illegal with no case opened, count as open cases: said
    assert report.warnings == [
        f"{B} 截至 2024-03-31 未立案的违法图斑计入未结案件：B1（逾期）、B3（逾期） / {B}: illegal "
        "spots with no case opened by 2024-03-31, counted as open cases: B1 (overdue), B3 (overdue)"
    ]
    f = by_office(report)
    assert set(f) == {A, B, C}
    a, b, c = f[A], f[B], f[C]
    # new illegal spots: A1, A2 / B2, B3 / none
    assert (a.new_illegal, b.new_illegal, c.new_illegal) == (2, 2, 0)
    assert (a.illegal_area_sqm, a.illegal_cultivated_sqm, a.illegal_basic_farmland_sqm) == (
        1500.0,
        900.0,
        100.0,
    )
    assert (b.illegal_area_sqm, b.illegal_cultivated_sqm, b.illegal_basic_farmland_sqm) == (
        1200.0,
        560.0,
        200.0,
    )
    assert (c.illegal_area_sqm, c.illegal_cultivated_sqm) == (0.0, 0.0)
    # stop-order rate: A 1 of 2; B 1 of 3 (B2 stopped; B3 has no case; patrol case 4 not stopped)
    assert (a.stopped, a.illegal_acts, b.stopped, b.illegal_acts) == (1, 2, 1, 3)
    assert a.stop_rate == 0.5 and b.stop_rate == pytest.approx(1 / 3) and c.stop_rate is None
    # rectification: A case 1 of cases 1, 2; B none of cases 3, 4; C no case opened in March
    assert (a.cases_rectified, a.cases_opened, b.cases_rectified, b.cases_opened) == (1, 2, 0, 2)
    assert c.rectification_rate is None
    # patrols: 4 March weeks; A 4, B 3, C 2 with >= 3 days
    assert [(x.weeks, x.weeks_compliant) for x in (a, b, c)] == [(4, 4), (4, 3), (4, 2)]
    # open / overdue at the end of March: A case 2 overdue; B case 4 overdue, case 3 not, and
    # the spots without a case B1 and B3 overdue; C none (case 5 opens on 04-02, after the
    # month, though before the report date)
    assert [(x.open_cases, x.overdue_cases) for x in (a, b, c)] == [(1, 1), (4, 3), (0, 0)]
    # scores: A (30·.5 + 30·.5 + 25·1 + 15·0) / 100; B (30/3 + 0 + 25·.75 + 15·.25) / 100;
    # C 25·.5 / 25 (stop, rectification and timeliness do not apply)
    assert (a.score, b.score, c.score) == (55.0, 32.5, 50.0)
    assert [(x.office, x.rank) for x in report.offices] == [(A, 1), (C, 2), (B, 3)]
    total = report.total
    assert (total.new_illegal, total.illegal_area_sqm, total.illegal_cultivated_sqm) == (
        4,
        2700.0,
        1460.0,
    )
    assert (total.stopped, total.illegal_acts, total.cases_rectified, total.cases_opened) == (
        2,
        5,
        1,
        4,
    )
    assert (total.weeks, total.weeks_compliant, total.open_cases, total.overdue_cases) == (
        12,
        9,
        5,
        4,
    )
    # 30·.4 + 30·.25 + 25·.75 + 15·.2
    assert total.score == 41.25
    [ranking, components, notes] = report.sheets()
    assert ranking.rows[0][:9] == [1, A, 2, 1500.0, 2.25, 900.0, 1.35, 100.0, 0.15]
    # every scored rate, timeliness too, with the counts it is computed from
    assert ranking.headers[12] == "按期办理率 (%) / timeliness"
    # ... and beside it the overdue cases resting on an estimate: none on the 2024 schedule
    assert ranking.headers[13] == "估算逾期 / est. overdue"
    assert ranking.rows[2][9:] == [33.33, 0.0, 75.0, 25.0, 0, 32.5]
    assert ranking.rows[1][9:] == [None, None, 50.0, None, 0, 50.0]
    assert [row[2:] for row in components.rows] == [
        # acts, stopped, %, opened, rectified, %, weeks, compliant, %, open, overdue, of which
        # on an estimate, %, score
        [2, 1, 50.0, 2, 1, 50.0, 4, 4, 100.0, 1, 1, 0, 0.0, 55.0],
        [0, 0, None, 0, 0, None, 4, 2, 50.0, 0, 0, 0, None, 50.0],
        [3, 1, 33.33, 2, 0, 0.0, 4, 3, 75.0, 4, 3, 0, 25.0, 32.5],
        [5, 2, 40.0, 4, 1, 25.0, 12, 9, 75.0, 5, 4, 0, 20.0, 41.25],
    ]
    assert [row[:2] for row in components.rows] == [
        [1, A],
        [2, C],
        [3, B],
        [None, "合计 / district"],
    ]
    assert "  制止率：30 / stop-order rate: 30" in [row[0] for row in notes.rows]


def test_weights_from_the_ledger_setting_override_the_defaults(ledger_path, calendar, tmp_path):
    copy = tmp_path / "ledger.gpkg"
    copy.write_bytes(ledger_path.read_bytes())
    store = GeoPackageLedger(copy)
    store.set_setting(ls.SETTING_REPORT_WEIGHTS, {"patrol_compliance": 0, "timeliness": 0})
    report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    store.close()
    assert report.weights == {
        "stop_rate": 30.0,
        "rectification_rate": 30.0,
        "patrol_compliance": 0.0,
        "timeliness": 0.0,
    }
    assert "report_weights" in report.weights_source
    # A (15 + 15) / 60; B (10 + 0) / 60; C has no weighted component that applies: unranked
    assert [(f.office, f.score, f.rank) for f in report.offices] == [
        (A, 50.0, 1),
        (B, 16.67, 2),
        (C, None, None),
    ]
    notes = [row[0] for row in report.sheets()[-1].rows]
    assert any("patrol compliance: 0" in line for line in notes)


def test_score_weights_are_checked():
    assert reports.score_weights({"stop_rate": 10}) == {**reports.DEFAULT_WEIGHTS, "stop_rate": 10}
    for bad in ({"speed": 1}, {"stop_rate": -1}, {"stop_rate": True}, [1, 2]):
        with pytest.raises(ValueError):
            reports.score_weights(bad)
    with pytest.raises(ValueError, match="must not all be 0"):
        reports.score_weights({k: 0 for k in reports.SCORE_COMPONENTS})
    # equal scores share a rank
    ranked = reports.rank_offices(
        [reports.OfficeFigures("x", weeks=2, weeks_compliant=1), reports.OfficeFigures("y")],
        reports.DEFAULT_WEIGHTS,
    )
    twin = reports.OfficeFigures("w", weeks=4, weeks_compliant=2)
    ranked = reports.rank_offices([*ranked, twin], reports.DEFAULT_WEIGHTS)
    assert [(f.office, f.rank) for f in ranked] == [("w", 1), ("x", 1), ("y", None)]


def test_a_year_without_holiday_schedule_is_warned_not_guessed(ledger, calendar):
    report = reports.monthly_ranking(ledger, reports.Period.month(2031, 3), calendar, AS_OF)
    assert any("2031" in w and "no official holiday schedule" in w for w in report.warnings)
    assert report.due_date == dt.date(2031, 4, 5)
    assert any("before the end of the period" in w for w in report.warnings)
    blind = WorkCalendar(local_file=None, use_library=False)
    report = reports.monthly_ranking(ledger, MARCH, blind, AS_OF)
    # deadlines cannot be computed without a 2024 schedule: said, and no case counted overdue
    assert any("2024" in w and "no official holiday schedule" in w for w in report.warnings)
    assert any("案件 2" in w for w in report.warnings)
    assert report.total.overdue_cases == 0


# --- the assessment ---------------------------------------------------------------------------


def test_an_assessment_names_the_months_the_ledger_records_nothing_in(ledger, calendar):
    """July to October scored 0.0 for every office without a word (a review): the months with
    no verdict, case step or patrol recorded are named, as the monthly ranking names its own."""
    days = [
        str(verdict.verified_on)[:7]
        for spot in ledger.spots()
        for verdict in ledger.verdict_history(spot.id)
    ]
    days += [
        event.date.isoformat()[:7] for record in ledger.cases() for event in record.case.events
    ]
    days += [patrol.date.isoformat()[:7] for patrol in ledger.patrols()]
    year = reports.assessment(ledger, reports.Period.year(2024), calendar, dt.date(2024, 12, 31))
    empty = [f"2024-{m:02d}" for m in range(1, 13) if f"2024-{m:02d}" not in set(days)]
    assert empty and len(empty) < 12
    [said] = [str(w) for w in year.warnings if "no verdict, case step or patrol" in str(w)]
    assert all(month in said for month in empty), (empty, said)
    assert not [m for m in set(days) if m.startswith("2024") and m in said], said


def test_half_year_assessment_sums_the_months(ledger, calendar):
    report = reports.assessment(ledger, reports.Period.half_year(2024, 1), calendar, AS_OF)
    assert [m.period.label for m in report.monthly] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    f = by_office(report)
    a, b, c = f[A], f[B], f[C]
    # B adds February's B1 (800 m², 400 m² cultivated); C adds April's C3 and its case 5
    assert (a.new_illegal, b.new_illegal, c.new_illegal) == (2, 3, 1)
    assert (b.illegal_area_sqm, b.illegal_cultivated_sqm, b.illegal_basic_farmland_sqm) == (
        2000.0,
        960.0,
        200.0,
    )
    assert (c.illegal_area_sqm, c.illegal_cultivated_sqm) == (600.0, 200.0)
    assert [(x.stopped, x.illegal_acts) for x in (a, b, c)] == [(1, 2), (1, 4), (0, 1)]
    assert [(x.cases_rectified, x.cases_opened) for x in (a, b, c)] == [(1, 2), (0, 2), (0, 1)]
    # weeks by Thursday: January 4, February 5, March 4, April 0 (1-7 April not over on the 3rd)
    assert [(x.weeks, x.weeks_compliant) for x in (a, b, c)] == [(13, 4), (13, 3), (13, 2)]
    # B: cases 3 and 4, and B1 and B3 without a case; case 4, B1 and B3 overdue
    assert [(x.open_cases, x.overdue_cases) for x in (a, b, c)] == [(1, 1), (4, 3), (1, 0)]
    # A: 15 + 15 + 25·4/13 + 0; B: 30·.25 + 0 + 25·3/13 + 15·.25; C: 0 + 0 + 25·2/13 + 15
    assert (a.score, b.score, c.score) == (37.69, 17.02, 18.85)
    assert [x.office for x in report.offices] == [A, C, B]
    march = report.monthly[2]
    assert {o.office: o.score for o in march.offices} == {A: 55.0, B: 32.5, C: 50.0}
    assert any("before the end of the period" in w for w in report.warnings)
    # Each month is judged at its own end: no case is open in January or February (the first
    # opens on 03-04), so timeliness does not apply there and only the missed patrols count
    # (C had scored 37.5 from case 5, opened in April), and B1, without a case, is overdue at
    # the end of February; in April (to the 3rd) C's case 5 is open and not overdue, its
    # illegal act not stopped nor rectified: 15 / 75; B has cases 3 and 4 and B1, B3 open, all
    # but case 3 overdue: 15·.25 / 15.
    monthly = {row[0]: row[1:] for row in report.sheets()[2].rows}
    assert monthly == {
        A: [0.0, 0.0, 55.0, 0.0],
        B: [0.0, 0.0, 32.5, 25.0],
        C: [0.0, 0.0, 50.0, 20.0],
    }


def test_a_period_is_judged_at_its_end_not_at_the_report_date(ledger_path, calendar, tmp_path):
    """A case found on patrol on Thursday 28 March: its written report is due Monday 1 April
    and its filing Tuesday 2 April, both after March. On the report date (3 April) both are
    past, but March's ranking judges its open cases as they stood on 31 March: not overdue."""
    copy = tmp_path / "ledger.gpkg"
    copy.write_bytes(ledger_path.read_bytes())
    store = GeoPackageLedger(copy)
    store.add_patrol(PatrolRecord("PC-03-28", C, dt.date(2024, 3, 28), ["巡查员"]))
    store.open_case(ORIGIN_PATROL, patrol_id="PC-03-28", date=dt.date(2024, 3, 28))
    try:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
        half = reports.assessment(store, reports.Period.half_year(2024, 1), calendar, AS_OF)
    finally:
        store.close()
    c = by_office(report)[C]
    # the new case only (case 5 opens in April): open, not overdue on 31 March
    assert (c.open_cases, c.overdue_cases, c.illegal_acts, c.cases_opened) == (1, 0, 1, 1)
    # (30·0 + 30·0 + 25·.5 + 15·1) / 100
    assert c.score == 27.5
    assert {o.office: o.score for o in half.monthly[2].offices}[C] == 27.5
    # the half-year is not over on the report date: judged on 3 April, both cases open and
    # the new one overdue
    assert (by_office(half)[C].open_cases, by_office(half)[C].overdue_cases) == (2, 1)


# --- the weekly dispatch ----------------------------------------------------------------------


def test_weekly_dispatch(ledger, calendar):
    week = reports.Period.parse("2024-W12")
    assert (week.start, week.end) == (dt.date(2024, 3, 18), dt.date(2024, 3, 24))
    report = reports.weekly_dispatch(ledger, week, calendar, dt.date(2024, 3, 25))
    rows = {r.office: r for r in report.rows}
    # B3 verified and judged illegal on 03-20; its 04-01 correction is after the report date
    assert [(rows[o].verified, rows[o].new_illegal) for o in (A, B, C)] == [(0, 0), (1, 1), (0, 0)]
    assert rows[A].cases_by_stage == {"close": 1, "verify": 1}
    assert rows[B].cases_by_stage == {"file": 1, "verify": 1}
    assert rows[C].cases_by_stage == {}  # case 5 opens on 04-02
    assert (report.total.verified, report.total.new_illegal) == (1, 1)
    # case 4 (discovered Thursday 03-21): report due Monday 03-25 (today), filing due 03-26;
    # B3, judged illegal on Wednesday 03-20 with no case opened: filing due today
    assert [(i.case_id, i.deadline, i.due) for i in report.due_next_week] == [
        ("4", "书面报告执法监察大队", dt.date(2024, 3, 25)),
        (reports.NO_CASE, "逾期未整改立案", dt.date(2024, 3, 25)),
        ("4", "逾期未整改立案", dt.date(2024, 3, 26)),
    ]
    # B1 (illegal 02-20, no case) and B3's report (due Friday 03-22) are overdue with case 2's
    assert [(i.case_id, i.due, i.origin) for i in report.overdue] == [
        (reports.NO_CASE, dt.date(2024, 2, 22), "B1"),
        (reports.NO_CASE, dt.date(2024, 2, 23), "B1"),
        ("2", dt.date(2024, 3, 12), "A2"),
        ("2", dt.date(2024, 3, 13), "A2"),
        (reports.NO_CASE, dt.date(2024, 3, 22), "B3"),
    ]
    # on 3 April, case 5 (discovered 04-02) is due on the worked Sunday 04-07 and on 04-08
    later = reports.weekly_dispatch(ledger, reports.Period.week(AS_OF), calendar, AS_OF)
    assert [(i.case_id, i.due) for i in later.due_next_week] == [
        ("5", dt.date(2024, 4, 7)),
        ("5", dt.date(2024, 4, 8)),
    ]


def test_deadlines_in_a_year_without_a_schedule_are_listed_as_estimates(ledger):
    """With the lenient calendar the reports use, a working-day deadline in a year without a
    holiday schedule is listed, marked as an estimate, and counted overdue when it is; before,
    the dispatch left it out and only the notes said why."""
    blind = WorkCalendar(local_file=None, use_library=False, strict=False)
    report = reports.weekly_dispatch(ledger, reports.Period.week(AS_OF), blind, AS_OF)
    items = report.due_next_week + report.overdue
    assert items and all(i.estimated for i in items)
    assert {"2"} <= {i.case_id for i in report.overdue}
    overdue_sheet = report.sheets()[2]
    # the due day a date, its being an estimate in a column of its own
    assert overdue_sheet.headers[-2:] == ["到期日 / due", "估算 / estimate"]
    assert all(isinstance(row[-2], dt.date) for row in overdue_sheet.rows)
    assert all(row[-1] == "估算 / estimate" for row in overdue_sheet.rows)
    notes = [row[0] for row in report.sheets()[-1].rows]
    assert any("2024" in line and "estimates" in line for line in notes)
    ranking = reports.monthly_ranking(ledger, MARCH, blind, AS_OF)
    assert ranking.total.overdue_cases > 0


def test_a_ranking_marks_every_overdue_case_that_rests_on_an_estimate(ledger, calendar):
    """Counted on a calendar without the year's schedule, B's overdue cases (case 4, and B1 and
    B3 with no case opened) rest on estimated deadlines: they still count, the score computed
    as on the official schedule, but the notes mark B1 and B3 “逾期，估算” and both tables show
    how many of each office's overdue cases are estimates, so no such figure goes unmarked."""
    blind = WorkCalendar(local_file=None, use_library=False, strict=False)
    firm = reports.monthly_ranking(ledger, MARCH, calendar, AS_OF)
    guessed = reports.monthly_ranking(ledger, MARCH, blind, AS_OF)
    b = by_office(guessed)[B]
    assert (b.open_cases, b.overdue_cases, b.overdue_estimated) == (4, 3, 3)
    assert guessed.total.overdue_estimated == guessed.total.overdue_cases == 4
    assert by_office(firm)[B].overdue_estimated == 0 and firm.total.overdue_estimated == 0
    assert [o.score for o in guessed.offices] == [o.score for o in firm.offices]
    line = next(w for w in guessed.warnings if "未立案的违法图斑" in w)
    assert "B1（逾期，估算）、B3（逾期，估算）" in line
    assert "B1 (overdue, estimated), B3 (overdue, estimated)" in line
    [ranking, components, notes] = guessed.sheets()
    column = ranking.headers.index("估算逾期 / est. overdue")
    assert {row[1]: row[column] for row in ranking.rows} == {
        A: 1,
        B: 3,
        C: 0,
        "合计 / district": 4,
    }
    column = components.headers.index("估算逾期 / est. overdue")
    assert components.headers[column - 1] == "逾期案件 / overdue cases"
    assert [row[column - 1 : column + 1] for row in components.rows][-1] == [4, 4]
    assert any("counts as overdue and in the score until" in row[0] for row in notes.rows)


def test_an_estimated_deadline_just_past_the_dispatch_week_is_listed(tmp_path):
    """A demand served on Monday 2024-01-22: 10 working days. Estimated (no schedule, Monday to
    Friday) it is due on 2024-02-05, 14 days on; the official schedule had Sunday 4 February
    worked, so the real day is the 4th. A dispatch on 28 January (horizon 4 February) lists it,
    marked an estimate, and says why."""
    store = _demand_served_on_2024_01_22(tmp_path / "ledger.gpkg")
    blind = WorkCalendar(local_file=None, use_library=False, strict=False)
    as_of = dt.date(2024, 1, 28)
    report = reports.weekly_dispatch(store, reports.Period.week(as_of), blind, as_of)
    listed = [(i.deadline, i.due, i.estimated) for i in report.due_next_week]
    assert (report.due_next_week[0].deadline, dt.date(2024, 2, 5), True) in listed
    assert any("实际到期日可能更早" in line for line in report.warnings)
    store.close()


def test_the_dispatch_window_reaching_a_year_without_a_schedule_is_marked_an_estimate(
    ledger, tmp_path
):
    """On 31 December 2026 the dispatch's 5 working days run into 2027, which chinesecalendar
    does not know: the window's last day is counted Monday to Friday, so its line says
    （估算）/(estimate), in the report's first lines (XLSX notes and PDF alike). A window within
    known years, or 2027 given by the bureau's file, is not marked."""
    import json

    lenient = WorkCalendar(local_file=None, strict=False)
    assert not lenient.covers(dt.date(2027, 1, 1)), "the test needs 2027 unknown to the library"

    def window_line(calendar, as_of):
        report = reports.weekly_dispatch(ledger, reports.Period.week(as_of), calendar, as_of)
        [line] = [x for x in report.info_lines() if x.startswith("未来")]
        notes = [row[0] for row in report.sheets()[-1].rows]
        assert line in notes
        return line

    line = window_line(lenient, dt.date(2026, 12, 31))
    assert line.startswith("未来5个工作日内到期（估算）：")
    assert line.english.startswith("due within 5 working days (estimate): ")
    assert line.endswith("2026-12-31 – 2027-01-10"), line
    assert "估算" not in window_line(lenient, dt.date(2026, 12, 1))
    holidays = tmp_path / "holidays.json"
    holidays.write_text(json.dumps({"2027": {"holidays": complete_year(2027)}}), "utf-8")
    known = WorkCalendar(holidays, local_file=None, strict=False)
    line = window_line(known, dt.date(2026, 12, 31))
    assert "估算" not in line and "estimate" not in line


def test_a_deadline_just_after_a_long_holiday_is_on_the_last_dispatch_before_it(tmp_path):
    """A spot judged illegal on Tuesday 29 September 2026: its written report is due 2 working
    days later, on Thursday 8 October, the first working day after the National Day week (1-7
    October off). The dispatch of 30 September is the last meeting before it: it lists the
    report and the filing (due 9 October) as the dock warns of the report, in working days;
    counted in calendar days its window ended on 7 October and the report was missed."""
    calendar = WorkCalendar()
    assert calendar.covers(dt.date(2026, 10, 1)), "needs the 2026 holiday schedule"
    assert not calendar.is_working_day(dt.date(2026, 10, 7))
    assert calendar.is_working_day(dt.date(2026, 10, 8))
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    attributes = {domain.SPOT_NUMBER: "N1", domain.SPOT_AREA: 900.0, domain.OFFICE_NAME: A}
    assert store.import_batch("2026年第三季度", [SpotRecord(attributes, box(0, 0, 30, 30))]).ok
    spot = store.spots()[0]
    store.record_verdict(spot.id, _illegal("2026-09-29"))
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot.id)
    as_of = dt.date(2026, 9, 30)
    try:
        dock = {d.name: d for d in store.case(case_id).deadlines(calendar=calendar, today=as_of)}
        report = reports.weekly_dispatch(store, reports.Period.parse("2026-W40"), calendar, as_of)
    finally:
        store.close()
    assert dock["report_to_brigade"].due == dt.date(2026, 10, 8)
    assert dock["report_to_brigade"].status == dl.DUE_SOON  # the dock's warning
    assert [(i.deadline, i.due, i.estimated) for i in report.due_next_week] == [
        ("书面报告执法监察大队", dt.date(2026, 10, 8), False),
        ("逾期未整改立案", dt.date(2026, 10, 9), False),
    ]
    # 5 working days: 8, 9, 10 (a Saturday worked), 12 and 13 October
    assert report.horizon == dt.date(2026, 10, 13) and report.overdue == []
    assert "2026-09-30 – 2026-10-13" in report.info_lines()[-1]


# --- the accountability ratio ----------------------------------------------------------------


def test_accountability_ratio_per_town_and_district(ledger, calendar):
    report = reports.accountability_ratio(ledger, MARCH, calendar, AS_OF)
    towns = {r.area: r for r in report.towns}
    # 甲镇: illegal A1 600 + A2 300 of construction A1 + A2 + A3 (1400)
    assert (towns["甲镇"].illegal_cultivated_sqm, towns["甲镇"].construction_cultivated_sqm) == (
        900.0,
        2300.0,
    )
    assert towns["甲镇"].ratio == pytest.approx(900 / 2300) and towns["甲镇"].flagged
    # 乙镇: B2 450 + B3 110 of B2, B3, B5 (3500); B4 is 伪变化, B1 is February
    assert (towns["乙镇"].illegal_cultivated_sqm, towns["乙镇"].construction_cultivated_sqm) == (
        560.0,
        4060.0,
    )
    assert towns["乙镇"].ratio == pytest.approx(560 / 4060) and not towns["乙镇"].flagged
    # 丙镇: C4 legal 2000; C1 facility land is not, nor is C5 临时用地 on TBLX 新增建设用地
    assert (towns["丙镇"].illegal_cultivated_sqm, towns["丙镇"].construction_cultivated_sqm) == (
        0.0,
        2000.0,
    )
    assert towns["丙镇"].construction_spots == 1
    assert towns["丙镇"].ratio == 0.0 and not towns["丙镇"].flagged
    district = report.district
    assert (district.illegal_cultivated_sqm, district.construction_cultivated_sqm) == (
        1460.0,
        8360.0,
    )
    assert district.flagged and round(100 * district.ratio, 2) == 17.46
    rows = report.sheets()[0].rows
    # 1460 / 8360 = 17.4641 %: shown cut to 17.46
    assert rows[-1][7:] == [17.46, "是 / yes"] and rows[0][0] == "丙镇"


def test_the_accountability_ratio_names_a_missing_town_not_a_missing_office(tmp_path, calendar):
    """N1, judged illegal, has an office and no town: the accountability ratio, listed by
    town, lists it under （未填写乡镇） and said nothing; without an office too it said it was
    listed under （未填写所）, a heading the ratio has not (the review of 2026-11-29). It names
    the missing town and the row it is in; the ranking, by office, still the missing office."""
    store, _spot = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25", office=None)
    try:
        ratio = reports.accountability_ratio(
            store, reports.Period.month(2026, 11), calendar, dt.date(2026, 11, 30)
        )
        ranking = reports.monthly_ranking(store, NOV_2026, calendar, dt.date(2026, 11, 30))
    finally:
        store.close()
    assert [t.area for t in ratio.towns] == [reports.NO_TOWN]
    said = [w for w in ratio.warnings if "N1" in w]
    assert len(said) == 1 and "未填写乡镇（XZMC）" in said[0] and reports.NO_TOWN in said[0], said
    assert any("N1" in w and "未填写自然资源所" in w for w in ranking.warnings)


def test_the_reports_say_how_their_totals_in_mu_are_made(ledger, calendar):
    """A reader adding a report's rows of 亩 found 17.78 beside a 合计 of 17.77 with nothing to
    say why (the review of 2026-11-29): the total is the m² total converted. The notes of the
    ranking, the assessment and the accountability ratio say so, as the export's totals row
    does; and the district's 亩 is its m² converted, whatever its rows add up to."""
    from zc_enforcement_plugin.core.areas import MU_TOTAL_RULE, shown_mu

    made = (
        reports.monthly_ranking(ledger, MARCH, calendar, AS_OF),
        reports.assessment(ledger, reports.Period.half_year(2024, 1), calendar, AS_OF),
        reports.accountability_ratio(ledger, MARCH, calendar, AS_OF),
    )
    for report in made:
        notes = [str(row[0]) for row in report.sheets()[-1].rows]
        assert any(MU_TOTAL_RULE in line and "not the sum" in line for line in notes), notes
    district = made[2].district
    assert made[2].sheets()[0].rows[-1][3] == shown_mu(district.illegal_cultivated_sqm)


def test_the_accountability_ratio_warns_of_an_empty_period_not_of_holidays(ledger, calendar):
    """A year without a verdict read 全区 0 / 0.00 / 否 and "提示：无", as a district not
    flagged; and a year without a holiday schedule was warned of though the ratio counts no
    working day (both found by a review)."""
    said = "\n".join(
        str(w) for w in reports.accountability_ratio(ledger, MARCH, calendar, AS_OF).warnings
    )
    assert "no construction-land spot" not in said
    empty = reports.accountability_ratio(ledger, reports.Period.month(2024, 5), calendar, AS_OF)
    said = "\n".join(str(w) for w in empty.warnings)
    assert "no construction-land spot judged in 2024-05" in said and "没有" in said
    far = reports.Period.year(2099)
    said = "\n".join(
        str(w)
        for w in reports.accountability_ratio(ledger, far, calendar, dt.date(2099, 12, 31)).warnings
    )
    assert "2099" in said and "holiday" not in said.lower() and "节假日" not in said


@pytest.mark.parametrize("kind", ["设施农用地", "临时用地", "农村道路"])
def test_a_spot_judged_other_on_new_construction_land_leaves_the_ratio_as_it_was(
    ledger_path, calendar, tmp_path, kind
):
    """C2 (丙镇, TBLX 新增建设用地, GDMJ 50) is judged 其他 in March: facility land, temporary
    land and rural roads are not construction land, so neither its town's figures nor the
    district's move (it was counted as new construction, lowering the ratio)."""
    copy = tmp_path / "ledger.gpkg"
    copy.write_bytes(ledger_path.read_bytes())
    store = GeoPackageLedger(copy)
    try:
        before = reports.accountability_ratio(store, MARCH, calendar, AS_OF)
        c2 = next(s for s in store.spots() if s.number == "C2")
        store.record_verdict(c2.id, _other(kind, "2024-03-20"))
        after = reports.accountability_ratio(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    assert after.towns == before.towns and after.district == before.district
    assert after.sheets()[0].rows == before.sheets()[0].rows


def test_the_line_printed_is_the_line_flagged_by(ledger, calendar, monkeypatch):
    """The report's 问责线 line, its chart's line and its 达到问责线 column are one figure, the
    domain's: at another line (13 %), 乙镇's 13.79 % is flagged where the report says so."""
    monkeypatch.setattr(domain, "ACCOUNTABILITY_RATIO", 0.13)
    report = reports.accountability_ratio(ledger, MARCH, calendar, AS_OF)
    towns = {r.area: r for r in report.towns}
    assert towns["乙镇"].ratio_percent == 13.79 and towns["乙镇"].flagged
    assert not towns["丙镇"].flagged
    assert "问责线：13% / threshold: 13%" in report.info_lines()
    assert report.chart().threshold == pytest.approx(13.0)
    shown = {row[0]: row[8] for row in report.sheets()[0].rows}
    assert shown["乙镇"] == "是 / yes" and shown["丙镇"] == "否 / no"


def test_the_15_percent_threshold():
    assert reports.AccountabilityRow("x", 15.0, 100.0).flagged
    assert not reports.AccountabilityRow("x", 14.99, 100.0).flagged
    # 14.996 % has not reached 15 %: not flagged, and not shown as 15.00 either
    near = reports.AccountabilityRow("x", 1499.6, 10000.0)
    assert not near.flagged and near.ratio_percent == 14.99
    # Exactly 15 % of figures in cents, whose float quotient is 0.14999999999999997, and a
    # sum of such figures (0.1 + 0.2 is not 0.3 in floats): flagged, shown 15.00.
    for illegal, construction in ((10.86, 72.4), (32.91, 219.4), (0.1 + 0.2 + 14.7, 100.0)):
        row = reports.AccountabilityRow("x", illegal, construction)
        assert row.flagged and row.ratio_percent == 15.0, (illegal, construction)
    assert reports.AccountabilityRow("x", 15.0, 100.0).ratio_percent == 15.0
    assert reports.AccountabilityRow("x", 14.57, 100.0).ratio_percent == 14.57
    assert reports.AccountabilityRow("x", 0.0, 0.0).ratio_percent is None
    assert reports.AccountabilityRow("x", 0.0, 0.0).ratio is None
    assert not reports.AccountabilityRow("x", 0.0, 0.0).flagged


def test_periods():
    assert reports.Period.parse("2024-3") == MARCH
    assert reports.Period.parse("2024-H2").start == dt.date(2024, 7, 1)
    first_half = reports.Period.parse("2024-H1")
    assert (first_half.start, first_half.end) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert reports.Period.parse("2024").end == dt.date(2024, 12, 31)
    assert reports.last_month(dt.date(2024, 1, 15)).label == "2023-12"
    assert reports.last_half_year(dt.date(2024, 1, 1)).label == "2023-H2"
    assert reports.last_half_year(dt.date(2024, 6, 30)).label == "2023-H2"
    assert reports.last_half_year(dt.date(2024, 7, 1)).label == "2024-H1"
    assert reports.last_half_year(dt.date(2024, 12, 31)).label == "2024-H1"
    assert reports.monthly_due_date(reports.Period.month(2024, 12)) == dt.date(2025, 1, 5)
    for bad in ("2024-13", "March", "2024-W60", ""):
        with pytest.raises(ValueError):
            reports.Period.parse(bad)


def test_the_dispatch_due_days_are_dates_in_the_xlsx(ledger, calendar, tmp_path):
    week = reports.Period.parse("2024-W12")
    report = reports.weekly_dispatch(ledger, week, calendar, dt.date(2024, 3, 25))
    path = reports.write_report_xlsx(report, tmp_path / "d.xlsx")
    sheet = openpyxl.load_workbook(path)["5个工作日内到期"]
    rows = list(sheet.iter_rows(min_row=2))
    # case 4: report due Monday 25 March, filing due 26 March; B3's filing due 25 March; all
    # from the 2024 schedule
    assert [(r[5].value, r[5].number_format, r[6].value) for r in rows] == [
        (dt.datetime(2024, 3, 25), "yyyy-mm-dd", None),
        (dt.datetime(2024, 3, 25), "yyyy-mm-dd", None),
        (dt.datetime(2024, 3, 26), "yyyy-mm-dd", None),
    ]


def test_xlsx_is_written_with_the_standard_library_and_read_by_openpyxl(ledger, calendar, tmp_path):
    report = reports.monthly_ranking(ledger, MARCH, calendar, AS_OF)
    path = reports.write_report_xlsx(report, tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert "xl/worksheets/sheet2.xml" in archive.namelist()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["排名", "得分分项", "说明"]
    rows = list(book["排名"].iter_rows(values_only=True))
    # Chinese as the bureau reads it; the English in the header's note, as the PDF prints both.
    assert rows[0][:2] == ("排名", "自然资源所")
    assert book["排名"]["A1"].comment.text == "rank"
    assert report.sheets()[0].headers[:2] == ["排名 / rank", "自然资源所 / office"]
    # Each cell the Chinese of what the PDF prints in both languages (合计 / district).
    shown = [[getattr(v, "chinese", v) for v in row] for row in report.sheets()[0].rows]
    assert [list(r) for r in rows[1:]] == shown


# A cell holding both languages, "中文 / English": Latin words on one side of the separator.
_PAIR = re.compile(r"[A-Za-z]{2,}[^/]* / |\s/\s[^/]*[A-Za-z]{2,}")


def _pairs_in(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and _PAIR.search(cell.value)
    ]


def _every_report(ledger, calendar) -> dict:
    """The four workbooks the brigade writes, on the test ledger."""
    return {
        "ranking": reports.monthly_ranking(ledger, MARCH, calendar, AS_OF),
        "assessment": reports.assessment(
            ledger, reports.Period.half_year(2024, 1), calendar, AS_OF
        ),
        "dispatch": reports.weekly_dispatch(
            ledger, reports.Period.parse("2024-W12"), calendar, dt.date(2024, 3, 25)
        ),
        "accountability": reports.accountability_ratio(ledger, MARCH, calendar, AS_OF),
    }


def test_every_cell_of_a_report_workbook_is_in_chinese_alone(ledger, calendar, tmp_path):
    """Found by review: the workbooks, read in Chinese, showed pairs in their cells: 合计 /
    district, 未立案 / no case opened, 是 / yes, and every line of the notes. A cell now holds
    the Chinese alone (the English of a header is its note), while the PDF, which may go to
    either reader, still prints both."""
    made = _every_report(ledger, calendar)
    for name, report in made.items():
        path = reports.write_report_xlsx(report, tmp_path / f"{name}.xlsx")
        assert not _pairs_in(path), _pairs_in(path)
        # What a cell shows is the Chinese of what the PDF prints in both languages.
        printed = [v for sheet in report.sheets() for row in sheet.rows for v in row]
        assert any(BILINGUAL_SEPARATOR in str(v) for v in printed), name
    dispatch = reports.write_report_xlsx(made["dispatch"], tmp_path / "dispatch.xlsx")
    cells = [c.value for row in _sheet(dispatch, "逾期").iter_rows() for c in row]
    assert reports.NO_CASE_ZH in cells and reports.NO_CASE not in cells
    ratio = _sheet(tmp_path / "accountability.xlsx", "问责比例")
    assert [c.value for c in ratio["A"]][-1] == "全区" and {"是", "否"} >= {
        c.value for c in ratio["I"][1:]
    }


def test_the_sheets_of_a_report_workbook_are_named_in_chinese_alone(ledger, calendar, tmp_path):
    """The sheets' tabs read "排名 Ranking", "说明 Notes": half English in a workbook whose every
    cell is in Chinese alone. A tab is named in Chinese (排名, 说明); the PDF, which heads each
    table with its sheet's name, still prints both (排名 / ranking)."""
    made = _every_report(ledger, calendar)
    for name, report in made.items():
        path = reports.write_report_xlsx(report, tmp_path / f"{name}.xlsx")
        tabs = openpyxl.load_workbook(path).sheetnames
        assert all(re.search("[\u4e00-\u9fff]", t) for t in tabs), tabs
        assert not [t for t in tabs if re.search("[A-Za-z]", t)], tabs
        # The PDF's headings: both languages, the Chinese the tab's.
        printed = [str(sheet.name) for sheet in report.sheets()]
        assert [p.split(BILINGUAL_SEPARATOR)[0] for p in printed] == tabs, printed
        assert all(re.search("[A-Za-z]", p) for p in printed), printed
    assert openpyxl.load_workbook(tmp_path / "ranking.xlsx").sheetnames == [
        "排名",
        "得分分项",
        "说明",
    ]


def test_warnings_made_outside_the_reports_are_in_chinese_alone_in_the_notes(tmp_path, monkeypatch):
    """Left by the fix above: warnings the reports take whole from elsewhere still showed both
    halves in a workbook's notes: a deadline's own (its due day an estimate, or not computable
    for want of the year's schedule: cases.py, workdays.UnknownScheduleError), a holiday
    file's year that differs from the official one, and the notes' lines on an illegal spot
    without GDMJ or office and on an office renamed. Each is now in Chinese alone there, and
    in both languages in the PDF and the log."""
    import json

    from zc_enforcement_plugin.core import clock

    # Verdicts of 2031, a year no schedule knows, recorded in 2031 (a future day is refused).
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2031, 4, 3, 9, tzinfo=clock.CHINA_TIME))
    holidays = tmp_path / "holidays.json"
    # 2024 with its fixed-date holidays alone: differs from the official schedule.
    holidays.write_text(json.dumps({"2024": {"holidays": complete_year(2024)}}), "utf-8")
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        store.set_setting(ls.SETTING_OFFICE_ALIASES, {"旧城东所": A})
        spots = [
            {domain.SPOT_NUMBER: "N1", domain.SPOT_AREA: 900.0, domain.OFFICE_NAME: "旧城东所"},
            {domain.SPOT_NUMBER: "N2", domain.SPOT_AREA: 500.0, domain.CULTIVATED_AREA: 100.0},
        ]
        assert store.import_batch(
            "2031年第一季度",
            [
                SpotRecord(attributes, box(X0 + 50 * i, Y0, X0 + 50 * i + 30, Y0 + 30))
                for i, attributes in enumerate(spots)
            ],
        ).ok
        for spot in store.spots():
            store.record_verdict(spot.id, _illegal("2031-03-10"))
        store.open_case(ORIGIN_SPOT, spot_id=store.spots()[0].id)
        made = {
            strict: reports.monthly_ranking(
                store,
                reports.Period.month(2031, 3),
                WorkCalendar(holidays, local_file=None, strict=strict),
                dt.date(2031, 4, 3),
            )
            for strict in (True, False)
        }
    for strict, report in made.items():
        said = "\n".join(report.warnings)
        # What is at stake: each kind of line the notes take from elsewhere is there.
        assert "differs from" in said and "has no cultivated area" in said, said
        assert "has no office" in said and "are counted under" in said, said
        cannot = "working days cannot be computed" if strict else "deadlines in that year are"
        assert cannot in said, said
        written = reports.write_report_xlsx(report, tmp_path / f"ranking_{strict}.xlsx")
        assert not _pairs_in(written), _pairs_in(written)
        notes_sheet = openpyxl.load_workbook(written).worksheets[-1]
        notes = [c.value for c in notes_sheet["A"] if c.value]
        assert any(f"节假日文件 {holidays} 的 2024 年安排" in n for n in notes), notes
        # No due day: said case by case; an estimate: once for its year.
        first = "案件 " if strict else "2031年没有官方节假日安排"
        assert any(n.startswith(first) and "2031年" in n for n in notes), notes


def test_the_ledgers_unreadable_rows_are_said_in_chinese_alone_in_the_notes(tmp_path):
    """Left by the fixes above: a verdict or a case whose stored rows cannot be read (written by
    hand) is left out of the figures and said in the notes, and those lines, made by the ledger
    as one "中文 / English" text, showed both languages in the workbook. The ledger now keeps
    them as Bilingual: Chinese alone in the workbook, both in the PDF and the log."""
    import sqlite3

    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        assert store.import_batch(
            "b",
            [
                SpotRecord(
                    {domain.SPOT_NUMBER: number, domain.OFFICE_NAME: A, domain.SPOT_AREA: 900.0},
                    box(X0 + 50 * i, Y0, X0 + 50 * i + 30, Y0 + 30),
                )
                for i, number in enumerate(("S1", "S2"))
            ],
        ).ok
        s1, s2 = sorted(store.spots(), key=lambda spot: spot.number)
        store.record_verdict(s1.id, _illegal("2024-03-05"))
    conn = sqlite3.connect(str(path))
    with conn:  # a verdict on S2 typed in by hand, its areas no JSON object
        conn.execute(
            f"INSERT INTO {ls.T_VERDICTS} (spot_id, category, verifier, verified_on, areas, "
            f"recorded_at) VALUES ({s2.id}, '{ls.VERDICT_ILLEGAL}', '张三', '2024-03-06', "
            f"'oops', '2024-03-06T00:00:00Z')"
        )
        bare = conn.execute(
            f"INSERT INTO {ls.T_CASES} (origin, spot_id, office, town, opened_at, recorded_at) "
            f"VALUES ('spot', {s1.id}, '{A}', '南郊镇', '2024-03-07', '2024-03-07T00:00:00Z')"
        ).lastrowid
    conn.close()
    calendar = WorkCalendar(local_file=None)
    with GeoPackageLedger(path, create=False) as store:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    said = "\n".join(report.warnings)
    # What is at stake: both unreadable lines are among the notes, in both languages here.
    assert f"spot S2 in {path} cannot be read" in said and "图斑 S2 的判定记录" in said, said
    assert f"case {bare} in {path} cannot be read" in said and f"案件 {bare} 的记录" in said, said
    written = reports.write_report_xlsx(report, tmp_path / "ranking.xlsx")
    assert not _pairs_in(written), _pairs_in(written)
    notes = [c.value for c in openpyxl.load_workbook(written).worksheets[-1]["A"] if c.value]
    assert any(n.startswith("图斑 S2 的判定记录") for n in notes), notes
    assert any(n.startswith(f"案件 {bare} 的记录无法读取") for n in notes), notes


def _sheet(path: Path, name: str):
    return openpyxl.load_workbook(path)[name]


# --- through Processing ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider(qgis_processing):
    from qgis.core import QgsApplication

    from zc_enforcement_plugin.processing.provider import EnforcementProvider

    registry = QgsApplication.processingRegistry()
    provider = EnforcementProvider()
    registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_algorithms_are_registered_in_the_reports_group(provider):
    names = {a.name(): a for a in provider.algorithms()}
    for name in ("monthlyranking", "weeklydispatch", "assessment", "accountabilityratio"):
        assert names[name].groupId() == "reports" and names[name].group() == "Reports"
        assert names[name].shortHelpString()


def test_monthly_ranking_algorithm_writes_xlsx_and_pdf(provider, ledger_path, calendar, tmp_path):
    import openpyxl
    import processing

    result = processing.run(
        "zcenforcement:monthlyranking",
        {
            "LEDGER": str(ledger_path),
            "MONTH": "2024-03",
            "REPORT_DATE": "2024-04-03",
            "OUTPUT_FOLDER": str(tmp_path),
        },
    )
    xlsx, pdf = Path(result["XLSX"]), Path(result["PDF"])
    # the one warning: B1 and B3, illegal with no case opened, counted as open cases
    assert xlsx == tmp_path / "monthly_ranking_2024-03.xlsx" and result["WARNINGS"] == 1
    sheet = openpyxl.load_workbook(xlsx)["排名"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[C][0] == 2 and rows[C][14] == 50.0
    assert rows[A][:5] == (1, A, 2, 1500.0, 2.25) and rows[A][14] == 55.0
    assert rows[B][9] == 33.33 and rows[B][11] == 75.0 and rows[B][12] == 25.0
    assert rows["合计"][14] == 41.25  # the workbook's cells in Chinese alone
    assert check_workbook(xlsx) >= 6 * 4  # six area columns, three offices and the district
    components = openpyxl.load_workbook(xlsx)["得分分项"]
    rows = {r[1]: r for r in components.iter_rows(min_row=2, values_only=True)}
    assert rows[B][11:] == (4, 3, 0, 25.0, 32.5)
    assert pdf.stat().st_size > 5000 and pdf_pages(pdf) == 3


@pytest.mark.parametrize(
    "algorithm, parameters, stem, pages",
    [
        ("weeklydispatch", {"WEEK": "2024-03-20"}, "weekly_dispatch_2024-W12", 3),
        ("assessment", {"KIND": 0, "YEAR": 2024, "HALF": 0}, "assessment_2024-H1", 3),
        ("accountabilityratio", {"PERIOD": "2024-03"}, "accountability_ratio_2024-03", 2),
    ],
)
def test_other_report_algorithms(
    provider, ledger_path, tmp_path, algorithm, parameters, stem, pages
):
    import openpyxl
    import processing

    result = processing.run(
        f"zcenforcement:{algorithm}",
        {
            "LEDGER": str(ledger_path),
            "REPORT_DATE": "2024-03-25" if algorithm == "weeklydispatch" else "2024-04-03",
            "OUTPUT_FOLDER": str(tmp_path),
            **parameters,
        },
    )
    assert Path(result["XLSX"]).name == f"{stem}.xlsx"
    book = openpyxl.load_workbook(result["XLSX"])
    first = list(book.worksheets[0].iter_rows(values_only=True))
    if algorithm == "weeklydispatch":
        assert first[-1][:3] == ("合计", 1, 1)
        due = list(book.worksheets[1].iter_rows(values_only=True))
        assert [r[0] for r in due[1:]] == [4, reports.NO_CASE_ZH, 4]  # case numbers as numbers
    elif algorithm == "assessment":
        assert [r[1] for r in first[1:4]] == [A, C, B] and first[1][14] == 37.69
    else:
        assert first[-1][0] == "全区" and first[-1][7] == 17.46
    assert pdf_pages(Path(result["PDF"])) == pages
    # Chinese headers with their English in notes, m² and 亩 as numbers to 2 decimals.
    areas = check_workbook(result["XLSX"])
    assert areas > 0 if algorithm != "weeklydispatch" else areas == 0  # it counts, no areas


def test_a_bad_month_or_week_is_refused_saying_what_is_asked(provider, ledger_path, tmp_path):
    """2024-13 was refused as no YYYY-MM, YYYY-Www, YYYY-H1/H2 or YYYY, formats the monthly
    report then refuses too (a review in QGIS): it says a month is asked, YYYY-MM."""
    import processing
    from qgis.core import QgsProcessingException

    for algorithm, parameter, text, said in (
        ("monthlyranking", "MONTH", "2024-13", "is not a month (YYYY-MM)"),
        ("monthlyranking", "MONTH", "2024-W10", "is not a month (YYYY-MM)"),
        ("weeklydispatch", "WEEK", "2024-W60", "is not a week"),
        # The last days there are: their week ends past 9999-12-31 (Python's OverflowError
        # and its traceback were shown).
        ("weeklydispatch", "WEEK", "9999-12-31", "is not a week"),
        ("weeklydispatch", "WEEK", "9999-W52", "is not a week"),
    ):
        with pytest.raises(QgsProcessingException) as refused:
            processing.run(
                f"zcenforcement:{algorithm}",
                {"LEDGER": str(ledger_path), parameter: text, "OUTPUT_FOLDER": str(tmp_path)},
            )
        message = str(refused.value)
        assert text in message and said in message and "H1/H2" not in message, message


def test_a_refused_report_leaves_no_folder_it_made(provider, ledger_path, tmp_path):
    """A report refused once its output folder was made (no ledger at the path given) took the
    folder, and the parents made for it, to be left empty: they go again. A folder that was
    there is kept, with the earlier report in it as it was."""
    import processing
    from qgis.core import QgsProcessingException

    new = tmp_path / "new" / "reports"
    with pytest.raises(QgsProcessingException, match="does not exist"):
        processing.run(
            "zcenforcement:monthlyranking",
            {"LEDGER": str(tmp_path / "none.gpkg"), "MONTH": "2024-03", "OUTPUT_FOLDER": str(new)},
        )
    assert not (tmp_path / "new").exists()
    folder = tmp_path / "kept"
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    processing.run("zcenforcement:monthlyranking", parameters)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with pytest.raises(QgsProcessingException, match="does not exist"):
        processing.run(
            "zcenforcement:monthlyranking", {**parameters, "LEDGER": str(tmp_path / "none.gpkg")}
        )
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def folder_files(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder` (hidden ones too), a file with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
        for path in folder.rglob("*")
    }


def test_a_pdf_that_cannot_be_drawn_stops_the_report_and_keeps_the_earlier_pair(
    provider, ledger_path, tmp_path, monkeypatch
):
    """Windows review: a PDF QPainter could not open was said written ("Wrote … (3 pages)",
    only "Painter not active" on stderr), and the new workbook stood beside the earlier PDF.
    The PDF writer is pointed at a folder here, which it cannot open as a file: the run stops,
    naming the PDF in both languages, and the earlier workbook and PDF stay, byte for byte."""
    import processing
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtGui import QPdfWriter

    from zc_enforcement_plugin.processing import report_pdf

    folder = tmp_path / "reports"
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-03"})
    before = folder_files(folder)
    assert sorted(before) == ["monthly_ranking_2024-03.pdf", "monthly_ranking_2024-03.xlsx"]
    blocked = tmp_path / "blocked.pdf"
    blocked.mkdir()
    monkeypatch.setattr(report_pdf, "QPdfWriter", lambda _path: QPdfWriter(str(blocked)))
    pdf = folder / "monthly_ranking_2024-03.pdf"
    with pytest.raises(QgsProcessingException, match="cannot be written") as raised:
        processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-10"})
    assert str(pdf) in str(raised.value) and str(folder) in str(raised.value)
    assert folder_files(folder) == before  # no new workbook, no hidden folder left


def test_a_report_dated_before_its_period_is_refused_naming_both(provider, ledger_path, tmp_path):
    """A December ranking dated 20 November was made, every figure a zero that reads as a
    month of no work, with only "the report date is before the end of the period" said (the
    review of 2026-11-29). Refused, naming the date and the period, nothing written; dated
    within the period it is made, with that warning."""
    import processing
    from qgis.core import QgsProcessingException

    folder = tmp_path / "reports"
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-02-20"})
    said = str(refused.value)
    assert "2024-02-20" in said and "2024-03" in said and "2024-03-01" in said, said
    assert not folder.exists() or folder_files(folder) == {}
    processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-03-20"})
    assert "monthly_ranking_2024-03.xlsx" in folder_files(folder)


def test_a_report_dated_after_today_is_refused(provider, ledger_path, tmp_path):
    """A report dated 2027-11-30 (a year typed wrong) was written without a word, counting
    cases overdue by then (a review in QGIS); every other date of the plugin refuses a day
    ahead. Refused, naming it and today; nothing written."""
    import processing
    from qgis.core import QgsProcessingException

    folder = tmp_path / "reports"
    ahead = (clock.today() + dt.timedelta(days=1)).isoformat()
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": ahead})
    said = str(refused.value)
    assert ahead in said and clock.today().isoformat() in said, said
    assert not folder.exists() or folder_files(folder) == {}


def test_a_report_open_in_excel_is_said_and_leaves_the_earlier_pair_as_it_was(
    provider, ledger_path, tmp_path, monkeypatch
):
    """Windows review: an XLSX open in Excel cannot be replaced, and the ranking stopped with a
    PermissionError's traceback, a hidden .monthly_ranking_….xlsx.part left in the folder.
    Windows refusing to move that file is stood in for by os.replace refusing it: the run
    stops with the export's words (close it, or write into another folder), nothing is left
    behind, and once it is closed the report goes through."""
    import os

    import processing
    from qgis.core import QgsProcessingException

    folder = tmp_path / "reports"
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-03"})
    before = folder_files(folder)
    xlsx = folder / "monthly_ranking_2024-03.xlsx"
    plain = os.replace

    def replace(source, target, *args, **kwargs):
        if xlsx in (Path(source), Path(target)):  # open in Excel: neither moved away nor over
            raise PermissionError(13, "Permission denied", str(xlsx))
        return plain(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(QgsProcessingException, match="cannot be replaced") as raised:
        processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-10"})
    message = str(raised.value)
    assert str(xlsx) in message and "close it, or write into another folder" in message
    assert "Traceback" not in message
    assert folder_files(folder) == before
    monkeypatch.setattr(os, "replace", plain)  # closed
    result = processing.run(
        "zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-10"}
    )
    assert result["XLSX"] == str(xlsx) and sorted(folder_files(folder)) == sorted(before)


def test_a_deadline_in_a_year_after_the_period_names_the_file_to_fill_in(tmp_path):
    """A calendar that knows 2024 alone (its official schedule in the file beside the ledger):
    a spot judged illegal on Monday 30 December owes its written report on 2 January 2025, an
    estimate. The dispatch of 31 December lists it: its notes say 2025 has no schedule and name
    the file to add it to, as they do for the period's own years. December's ranking, judged on
    31 December, counts nothing due in 2025 (nothing of it is overdue yet): it says nothing of
    2025 (it did, in every December ranking)."""
    import json

    library = WorkCalendar(local_file=None)
    year_2024 = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)]
    holidays = [d for d in year_2024 if not library.is_working_day(d) and d.weekday() < 5]
    holidays = sorted({*holidays, *[d for d in year_2024 if (d.month, d.day) == (5, 1)]})
    swapped = [d for d in year_2024 if library.is_working_day(d) and d.weekday() >= 5]
    path = tmp_path / "ledger.gpkg"
    (tmp_path / "holidays.json").write_text(
        json.dumps(
            {
                "2024": {
                    "holidays": [d.isoformat() for d in holidays],
                    "workdays": [d.isoformat() for d in swapped],
                }
            }
        ),
        encoding="utf-8",
    )
    with GeoPackageLedger(path) as store:
        attributes = {domain.SPOT_NUMBER: "D1", domain.OFFICE_NAME: A, domain.SPOT_AREA: 900.0}
        store.import_batch(
            "2024年第四季度", [SpotRecord(attributes, box(X0, Y0, X0 + 30, Y0 + 30))]
        )
        [spot] = store.spots()
        store.record_verdict(spot.id, _illegal("2024-12-30"))
        store.open_case(ORIGIN_SPOT, spot_id=spot.id)
        calendar = WorkCalendar(
            tmp_path / "holidays.json", local_file=None, use_library=False, strict=False
        )
        ranking = reports.monthly_ranking(
            store, reports.Period.month(2024, 12), calendar, dt.date(2024, 12, 31)
        )
        as_of = dt.date(2024, 12, 31)
        report = reports.weekly_dispatch(store, reports.Period.week(as_of), calendar, as_of)
    assert not any("2025" in w for w in ranking.warnings), ranking.warnings
    assert [(i.due, i.estimated) for i in report.due_next_week][:1] == [(dt.date(2025, 1, 2), True)]
    assert any(
        "no official holiday schedule for 2025" in w and str(tmp_path / "holidays.json") in w
        for w in report.warnings
    ), report.warnings
    # Besides the deadline's own line, the year's line, as for the period's own years.
    # (Found by mutation testing: the year's line could go unnoticed behind the deadline's.)
    assert any(
        w.startswith("2025年没有官方节假日安排：涉及该年的工作日期限为估算")
        and str(tmp_path / "holidays.json") in w
        for w in report.warnings
    ), report.warnings


# --- an illegal spot nobody opened a case for --------------------------------------------------

NOV_2026 = reports.Period.month(2026, 11)


def _spot_judged_illegal(path: Path, day: str, stop_order: bool = False, office=A):
    """A ledger with one spot N1 (GDMJ 300) judged 违法 on ``day`` and no case."""
    store = GeoPackageLedger(path)
    attributes = {
        domain.SPOT_NUMBER: "N1",
        domain.SPOT_AREA: 900.0,
        domain.CULTIVATED_AREA: 300.0,
        domain.OFFICE_NAME: office,
    }
    assert store.import_batch(
        "2026年第四季度", [SpotRecord(attributes, box(X0, Y0, X0 + 30, Y0 + 30))]
    ).ok
    [spot] = store.spots()
    verdict = _illegal(day)
    verdict.details = {ls.DETAIL_STOP_ORDER: stop_order}
    store.record_verdict(spot.id, verdict)
    return store, spot


def test_an_illegal_spot_without_a_case_runs_the_deadlines_of_one_just_discovered(tmp_path):
    """N1 judged 违法 on Wednesday 25 November 2026 and no case opened: its written report was
    due Friday 27 November and its filing Monday 30 November (2 and 3 working days, DOMAIN §1).
    On 2 December both are overdue: the dispatch lists them, marked as no case opened;
    November's ranking, judged on 30 November, counts N1 open and overdue (the report missed;
    the filing is due that day). Before, neither report showed N1 at all. Judged 合法 on 26
    November instead, it is in neither."""
    calendar = WorkCalendar()
    assert calendar.covers(dt.date(2026, 11, 1)), "needs the 2026 holiday schedule"
    as_of = dt.date(2026, 12, 2)
    store, spot = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25", stop_order=True)
    try:
        week = reports.Period.parse("2026-W49")
        dispatch = reports.weekly_dispatch(store, week, calendar, as_of)
        ranking = reports.monthly_ranking(store, NOV_2026, calendar, as_of)
        legal = _legal("2026-11-26")
        legal.corrects = store.current_verdict(spot.id).id
        store.record_verdict(spot.id, legal)
        cleared = reports.weekly_dispatch(store, week, calendar, as_of)
        cleared_ranking = reports.monthly_ranking(store, NOV_2026, calendar, as_of)
    finally:
        store.close()
    assert [(i.case_id, i.origin, i.deadline, i.due, i.estimated) for i in dispatch.overdue] == [
        (reports.NO_CASE, "N1", "书面报告执法监察大队", dt.date(2026, 11, 27), False),
        (reports.NO_CASE, "N1", "逾期未整改立案", dt.date(2026, 11, 30), False),
    ]
    assert dispatch.due_next_week == []
    overdue_sheet = dispatch.sheets()[2]
    assert [row[0] for row in overdue_sheet.rows] == ["未立案 / no case opened"] * 2
    assert any("未立案" in line for line in dispatch.notes())
    a = by_office(ranking)[A]
    assert (a.open_cases, a.overdue_cases, a.timeliness) == (1, 1, 0.0)
    assert (ranking.total.open_cases, ranking.total.overdue_cases) == (1, 1)
    assert any(
        "N1（逾期）" in w and "N1 (overdue)" in w and "2026-11-30" in w for w in ranking.warnings
    )
    assert cleared.overdue == [] and cleared.due_next_week == []
    assert (cleared_ranking.total.open_cases, cleared_ranking.total.overdue_cases) == (0, 0)


def test_an_illegal_spot_stops_being_chased_as_such_once_a_case_is_opened(tmp_path):
    """N1 judged 违法 on Wednesday 25 November 2026; its case is opened on Thursday 26 November.
    The dispatch of 2 December lists the case's deadlines (report due 30 November, filing 1
    December), not the spot's (27 and 30 November), and the ranking counts one open case."""
    calendar = WorkCalendar()
    as_of = dt.date(2026, 12, 2)
    store, spot = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25")
    try:
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot.id, date=dt.date(2026, 11, 26))
        dispatch = reports.weekly_dispatch(store, reports.Period.week(as_of), calendar, as_of)
        ranking = reports.monthly_ranking(store, NOV_2026, calendar, as_of)
    finally:
        store.close()
    assert [(i.case_id, i.due) for i in dispatch.overdue] == [
        (case_id, dt.date(2026, 11, 30)),
        (case_id, dt.date(2026, 12, 1)),
    ]
    assert dispatch.due_next_week == []
    # judged on 30 November: the case open, its report due that day (not overdue yet)
    assert (ranking.total.open_cases, ranking.total.overdue_cases) == (1, 0)
    assert not any("未立案" in w for w in ranking.warnings)


def test_an_illegal_spot_without_a_case_in_a_year_without_a_schedule_is_an_estimate(tmp_path):
    """As the cases' deadlines: counted on the lenient calendar, marked an estimate, and said."""
    blind = WorkCalendar(local_file=None, use_library=False, strict=False)
    as_of = dt.date(2026, 12, 2)
    store, _ = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25")
    try:
        dispatch = reports.weekly_dispatch(store, reports.Period.week(as_of), blind, as_of)
    finally:
        store.close()
    assert dispatch.overdue and all(i.estimated for i in dispatch.overdue)
    assert {i.case_id for i in dispatch.overdue} == {reports.NO_CASE}
    # Said once for the year, not once more for each of the spot's deadlines (a December
    # ranking's notes held a line for every case: the review of 2026-11-29).
    said = [w for w in dispatch.warnings if "2026" in w and "estimate" in w]
    assert len(said) == 1 and said[0].startswith("2026年没有官方节假日安排"), dispatch.warnings
    assert not any(w.startswith("违法图斑 N1") for w in dispatch.warnings), dispatch.warnings


# --- spots without an office; the stop order on the verdict ------------------------------------


def _march_ledger(path: Path) -> GeoPackageLedger:
    """March 2024: 城东所 patrols 3 days in each of the 4 weeks, 城西所 in 2 of them. Spots: E1
    (城东所) judged 违法 on 03-04 with a stop order served on site, E2 (城东所) judged 违法 on 03-05
    without one, X1 (no office) judged 违法 on 03-06; no case is opened."""
    store = GeoPackageLedger(path)
    offices = {"E1": A, "E2": A, "X1": None}
    records = []
    for i, (number, office) in enumerate(offices.items()):
        attributes = {domain.SPOT_NUMBER: number, domain.SPOT_AREA: 500.0}
        if office:
            attributes[domain.OFFICE_NAME] = office
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    assert store.import_batch("2024年第一季度", records).ok
    ids = {s.number: s.id for s in store.spots()}
    for number, day, stop in (("E1", "2024-03-04", True), ("E2", "2024-03-05", False)):
        verdict = _illegal(day)
        verdict.details = {ls.DETAIL_STOP_ORDER: stop}
        store.record_verdict(ids[number], verdict)
    store.record_verdict(ids["X1"], _illegal("2024-03-06"))
    weeks = [dt.date(2024, 3, 4) + dt.timedelta(weeks=n) for n in range(4)]
    for office, compliant in ((A, weeks), (B, weeks[:2])):
        for monday in compliant:
            for n in range(3):
                day = monday + dt.timedelta(days=n)
                store.add_patrol(PatrolRecord(f"P{office}{day}", office, day, ["巡查员"]))
    return store


def test_spots_without_an_office_are_listed_but_not_scored_on_patrols(tmp_path, calendar):
    """The bucket of spots without an office is no office that patrols: before, it was given
    March's 4 weeks with none compliant, ranked, and took the district's patrol compliance from
    6 of 8 weeks (75 %) to 6 of 12 (50 %)."""
    store = _march_ledger(tmp_path / "ledger.gpkg")
    try:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    f = by_office(report)
    bucket = f[reports.NO_OFFICE]
    assert (bucket.new_illegal, bucket.illegal_acts, bucket.open_cases) == (1, 1, 1)
    assert (bucket.weeks, bucket.weeks_compliant, bucket.patrol_compliance) == (0, 0, None)
    assert (bucket.score, bucket.rank) == (None, None)
    assert [(x.weeks, x.weeks_compliant) for x in (f[A], f[B])] == [(4, 4), (4, 2)]
    assert [(x.office, x.rank) for x in report.offices] == [
        (A, 1),
        (B, 2),
        (reports.NO_OFFICE, None),
    ]
    total = report.total
    assert (total.weeks, total.weeks_compliant, total.patrol_compliance) == (8, 6, 0.75)
    # its act counts in the district: 3 acts, 1 stopped; 3 open, all overdue on 31 March
    assert (total.illegal_acts, total.stopped, total.open_cases, total.overdue_cases) == (
        3,
        1,
        3,
        3,
    )
    # (30/3 + 25·.75 + 15·0) / 70
    assert total.score == 41.07
    ranking = report.sheets()[0]
    assert ranking.rows[2][:2] == [None, reports.NO_OFFICE] and ranking.rows[2][-4:] == [
        None,
        0.0,
        0,
        None,
    ]


def test_a_stop_order_on_the_verdict_counts_as_stopped(tmp_path, calendar):
    """E1's verdict says a stop order was issued (the 是 of 已下达责令停止通知书 in the exports),
    with no case opened: the ranking's stop-order rate counts it stopped, as it counts a case's
    制止. E2, without one, is not. Before, 城东所 had 0 of 2 stopped."""
    store = _march_ledger(tmp_path / "ledger.gpkg")
    try:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.illegal_acts, a.stopped, a.stop_rate) == (2, 1, 0.5)
    assert any("责令停止" in line and "stop order" in line for line in report.notes())


def test_an_act_is_stopped_by_a_stop_event_or_a_stop_order_on_the_verdict():
    case = Case.unopened("E1", dt.date(2024, 3, 4), "张三")
    assert not reports.act_stopped(None) and not reports.act_stopped(case)
    assert reports.act_stopped(None, stop_order_issued=True)
    assert reports.act_stopped(case, stop_order_issued=True)
    for stage in (Stage.VERIFY, Stage.STOP):
        case = case.apply(CaseEvent(case.case_id, stage, dt.date(2024, 3, 5), "李四"))
    assert reports.act_stopped(case)


def test_the_ranking_help_says_when_cases_are_judged(provider):
    """The cases are judged at the month's end (the report date if earlier), as README and
    code say; the help said "overdue cases at the report date"."""
    names = {a.name(): a for a in provider.algorithms()}
    ranking = names["monthlyranking"].shortHelpString()
    assert "overdue cases at the report date" not in ranking
    assert "as they stood at the month's end, or at the report date if that comes first" in (
        ranking
    )
    assert (
        "by the month's end or the report date if that comes first, its case had a stop event "
        "or its verdict said a stop order was issued" in ranking
    )
    assert "no case opened" in names["weeklydispatch"].shortHelpString()


def test_tied_scores_share_a_rank_and_the_next_office_ranks_by_its_place():
    """reports' docstring says only that ties (to 0.01) share a rank; the code ranks as
    sports tables do (1, 1, 3: the office after two tied first is third, behind two offices),
    and this pins it. Patrol compliance is the only rate that applies to these offices, so the
    score is 100 × compliant weeks ÷ weeks: 2/4 = 50, 1/2 = 50, 1/4 = 25."""
    offices = [
        reports.OfficeFigures("w", weeks=4, weeks_compliant=2),
        reports.OfficeFigures("x", weeks=2, weeks_compliant=1),
        reports.OfficeFigures("z", weeks=4, weeks_compliant=1),
    ]
    ranked = reports.rank_offices(offices, reports.DEFAULT_WEIGHTS)
    assert [(f.office, f.score, f.rank) for f in ranked] == [
        ("w", 50.0, 1),
        ("x", 50.0, 1),
        ("z", 25.0, 3),
    ]


def test_a_week_ending_on_the_report_date_is_counted(ledger, calendar):
    """March 2024's ISO weeks are those of Thursdays 7, 14, 21 and 28 March; the last ends on
    Sunday 31 March. A report dated that Sunday counts it (4 weeks, not 3): every patrol day of
    the week is on or before the report date, so the week is over and its count final. This
    pins the current rule (weeks "over by" the report date include the one ending on it)."""
    report = reports.monthly_ranking(ledger, MARCH, calendar, dt.date(2024, 3, 31))
    f = by_office(report)
    assert [(f[o].weeks, f[o].weeks_compliant) for o in (A, B, C)] == [(4, 4), (4, 3), (4, 2)]
    # the day before, the week of 25-31 March is not over: 3 weeks
    report = reports.monthly_ranking(ledger, MARCH, calendar, dt.date(2024, 3, 30))
    assert by_office(report)[A].weeks == 3


# --- gaps found by mutation testing (each test names the mutant it kills) ---------------------


def _spots_ledger(path: Path, spots: dict) -> tuple[GeoPackageLedger, dict[str, int]]:
    """A ledger of spots ``number: (office or None, [verdicts in recorded order])``, each
    TBMJ 500 and GDMJ 300; each verdict corrects the one before it."""
    store = GeoPackageLedger(path)
    records = []
    for i, (number, (office, _)) in enumerate(spots.items()):
        attributes = {
            domain.SPOT_NUMBER: number,
            domain.SPOT_AREA: 500.0,
            domain.CULTIVATED_AREA: 300.0,
        }
        if office:
            attributes[domain.OFFICE_NAME] = office
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    assert store.import_batch("2024年第一季度", records).ok
    ids = {s.number: s.id for s in store.spots()}
    for number, (_, history) in spots.items():
        previous = None
        for verdict in history:
            verdict.corrects = previous
            previous = store.record_verdict(ids[number], verdict)
    return store, ids


def _steps(store: GeoPackageLedger, case_id: str, *steps: tuple[Stage, str]) -> None:
    for stage, day in steps:
        store.add_case_event(case_id, CaseEvent(case_id, stage, dt.date.fromisoformat(day), "李四"))


def test_a_case_closed_right_after_verification_is_rectified(tmp_path, calendar):
    """整改到位 is a close straight after 核查 or 制止. 城东所 opens two cases in March 2024: R1's
    act was rectified by the time it was verified (核查 03-05, 结案 03-06), R2's was filed.
    Rectification rate 1 ÷ 2 = 50 %. (Killed: only a close after 制止 counted.)"""
    store, ids = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {"R1": (A, [_illegal("2024-03-04")]), "R2": (A, [_illegal("2024-03-04")])},
    )
    try:
        r1 = store.open_case(ORIGIN_SPOT, spot_id=ids["R1"])
        _steps(store, r1, (Stage.VERIFY, "2024-03-05"), (Stage.CLOSE, "2024-03-06"))
        r2 = store.open_case(ORIGIN_SPOT, spot_id=ids["R2"])
        _steps(store, r2, (Stage.VERIFY, "2024-03-05"), (Stage.FILE, "2024-03-06"))
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.cases_opened, a.cases_rectified, a.rectification_rate) == (2, 1, 0.5)


def test_a_spot_whose_case_was_opened_after_the_month_counts_as_unopened_in_it(tmp_path, calendar):
    """U1 judged 违法 on Wednesday 27 March 2024; its case is opened on Monday 1 April. March is
    judged on 31 March, when nobody had opened a case: U1 stands as a case discovered on 03-27,
    its written report due Friday 03-29 (missed) and its filing Monday 04-01 (not yet due).
    One open case, one overdue. (Killed: a case opened after the day hiding the spot.)"""
    store, ids = _spots_ledger(tmp_path / "ledger.gpkg", {"U1": (A, [_illegal("2024-03-27")])})
    try:
        store.open_case(ORIGIN_SPOT, spot_id=ids["U1"], date=dt.date(2024, 4, 1))
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.open_cases, a.overdue_cases, a.timeliness) == (1, 1, 0.0)
    assert any(
        "U1（逾期）" in w and "U1 (overdue)" in w and "2024-03-31" in w for w in report.warnings
    )


def test_the_dispatch_dates_an_illegal_spot_from_its_current_verdict_run(tmp_path, calendar):
    """Week 11 of 2024 (Monday 11 - Sunday 17 March), dispatch of Tuesday 12 March, 城东所:
    V1 was first verified 伪变化 on 03-01 and corrected to 违法 on Monday 03-11; W1 was judged
    违法 on 02-20, 伪变化 on 02-26 and 违法 again on Tuesday 03-12, the report date itself.
    Neither was first verified in the week (verified 0); both were judged illegal in it (new
    illegal 2), each from the first verdict of its current run, not its first verification nor
    an earlier run. No case is opened: V1 owes its report on Wed 03-13 and its filing on Thu
    03-14, W1 on 03-14 and Fri 03-15 (2 and 3 working days), all within the dispatch's window,
    none overdue. (Killed: the verified count by verdict date; the unopened case dated from the
    first verification; a run of verdicts not broken by another category; a verdict on the
    report date left out.)"""
    store, _ = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {
            "V1": (A, [_other("伪变化", "2024-03-01"), _illegal("2024-03-11")]),
            "W1": (
                A,
                [_illegal("2024-02-20"), _other("伪变化", "2024-02-26"), _illegal("2024-03-12")],
            ),
        },
    )
    try:
        week = reports.Period.parse("2024-W11")
        report = reports.weekly_dispatch(store, week, calendar, dt.date(2024, 3, 12))
    finally:
        store.close()
    row = {r.office: r for r in report.rows}[A]
    assert (row.verified, row.new_illegal) == (0, 2)
    report_due, filing_due = "书面报告执法监察大队", "逾期未整改立案"
    assert [(i.case_id, i.origin, i.deadline, i.due) for i in report.due_next_week] == [
        (reports.NO_CASE, "V1", report_due, dt.date(2024, 3, 13)),
        (reports.NO_CASE, "V1", filing_due, dt.date(2024, 3, 14)),
        (reports.NO_CASE, "W1", report_due, dt.date(2024, 3, 14)),
        (reports.NO_CASE, "W1", filing_due, dt.date(2024, 3, 15)),
    ]
    assert report.overdue == []


def test_a_partys_statement_period_run_out_is_not_on_the_dispatch(tmp_path, calendar):
    """Filed Monday 4 March 2024, notified Wednesday 03-06: the party's statement period ran to
    Wednesday 03-13 (5 working days). On Monday 18 March it is over and the office may decide:
    nobody is late, so the dispatch lists nothing overdue; the penalty decision is due 06-02,
    far off. (Killed: a run-out party's period listed as overdue.)"""
    store, ids = _spots_ledger(tmp_path / "ledger.gpkg", {"S1": (A, [_illegal("2024-03-01")])})
    try:
        case_id = store.open_case(ORIGIN_SPOT, spot_id=ids["S1"])
        _steps(
            store,
            case_id,
            (Stage.VERIFY, "2024-03-01"),
            (Stage.FILE, "2024-03-04"),
            (Stage.INVESTIGATE, "2024-03-05"),
            (Stage.NOTIFY, "2024-03-06"),
        )
        statement = next(
            x
            for x in store.case(case_id).deadlines(calendar=calendar, today=dt.date(2024, 3, 18))
            if x.name == "statement_hearing_request"
        )
        as_of = dt.date(2024, 3, 18)
        report = reports.weekly_dispatch(store, reports.Period.week(as_of), calendar, as_of)
    finally:
        store.close()
    assert statement.due == dt.date(2024, 3, 13) and statement.period_over
    assert report.overdue == [] and report.due_next_week == []


# The steps of a case up to its 催告, in order, each on a day given with them.
_TO_DEMAND = (
    Stage.VERIFY,
    Stage.STOP,
    Stage.FILE,
    Stage.INVESTIGATE,
    Stage.NOTIFY,
    Stage.PENALISE,
    Stage.DEMAND,
)


def _case_to_demand(path: Path, batch: str, days: list[str]) -> GeoPackageLedger:
    """A ledger of spot D1, judged 违法 on the first of ``days``, its case taken through
    _TO_DEMAND on ``days``."""
    store = GeoPackageLedger(path)
    attributes = {domain.SPOT_NUMBER: "D1", domain.SPOT_AREA: 900.0, domain.OFFICE_NAME: A}
    assert store.import_batch(batch, [SpotRecord(attributes, box(0, 0, 30, 30))]).ok
    spot = store.spots()[0]
    store.record_verdict(spot.id, _illegal(days[0]))
    case = store.open_case(ORIGIN_SPOT, spot_id=spot.id)
    _steps(store, case, *zip(_TO_DEMAND, days, strict=True))
    return store


def _demand_served_on_2024_01_22(path: Path) -> GeoPackageLedger:
    """A case whose 催告 was served on Monday 2024-01-22 (10 working days)."""
    days = ["2024-01-08", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"]
    return _case_to_demand(path, "2024年第一季度", [*days, "2024-01-19", "2024-01-22"])


def test_an_estimated_deadline_on_the_last_day_of_the_margin_is_listed(tmp_path):
    """The demand of Monday 2024-01-22, estimated (Monday to Friday), is due Monday 02-05. The
    dispatch of 01-22 reaches 5 working days, to Monday 01-29 (the 6th working day, Tuesday
    01-30, less one), and estimates 7 days further, to 02-05 itself: listed, an estimate.
    (Killed: the margin's last day left out.)"""
    store = _demand_served_on_2024_01_22(tmp_path / "ledger.gpkg")
    blind = WorkCalendar(local_file=None, use_library=False, strict=False)
    as_of = dt.date(2024, 1, 22)
    try:
        report = reports.weekly_dispatch(store, reports.Period.week(as_of), blind, as_of)
    finally:
        store.close()
    assert report.horizon == dt.date(2024, 1, 29)
    assert [(i.deadline, i.due, i.estimated) for i in report.due_next_week] == [
        ("催告履行期", dt.date(2024, 2, 5), True)
    ]


def test_a_dispatch_listing_an_estimate_beyond_its_window_says_the_year_it_lacks(
    tmp_path, monkeypatch
):
    """The library stopping at 2025, a 催告 served on Friday 19 December 2025 runs 10 working
    days to Monday 5 January 2026, guessed (1 January off). The dispatch of Monday 22 December
    reaches 29 December and lists estimates 7 days further: the demand is listed, an estimate,
    though its week, window and report date are all 2025's. The notes say 2026 has no
    schedule, naming the file: the listed date rests on it."""
    monkeypatch.setattr(workdays, "library_years", lambda: frozenset(range(2004, 2026)))
    days = ["2025-12-01", "2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"]
    store = _case_to_demand(
        tmp_path / "ledger.gpkg", "2025年第四季度", [*days, "2025-12-18", "2025-12-19"]
    )
    as_of = dt.date(2025, 12, 22)
    try:
        calendar = store.work_calendar(strict=False)
        report = reports.weekly_dispatch(store, reports.Period.week(as_of), calendar, as_of)
    finally:
        store.close()
    assert report.horizon == dt.date(2025, 12, 29)
    assert [(i.deadline, i.due, i.estimated) for i in report.due_next_week] == [
        ("催告履行期", dt.date(2026, 1, 5), True)
    ]
    where = str(tmp_path / "holidays.json")
    assert any(w.startswith("2026年没有官方节假日安排") and where in w for w in report.warnings), (
        report.warnings
    )


def test_the_dispatch_window_of_a_friday_takes_in_the_weekend_after_its_fifth_day(calendar):
    """From Friday 8 March 2024 the 5 working days are 11-15 March; the window runs to the day
    before the 6th (Monday 18 March): Sunday 17 March, as deadlines.status counts a due day on
    the weekend as still within 5 working days. (Killed: the window ending on the 5th day.)"""
    assert reports.dispatch_horizon(dt.date(2024, 3, 8), calendar) == dt.date(2024, 3, 17)
    # Thursday 2024-09-26, before the National Day week (1-7 October off, Sunday 29 September
    # worked): 27, 29, 30 September, 8 and 9 October; the 6th is Thursday 10 October.
    assert reports.dispatch_horizon(dt.date(2024, 9, 26), calendar) == dt.date(2024, 10, 9)


def test_a_spot_without_an_office_not_judged_illegal_makes_no_office_row(tmp_path, calendar):
    """The NO_OFFICE bucket holds the illegal spots (and cases) without an office. L1, without
    an office, is judged 合法: there is nothing of it to count, so the March ranking lists only
    城东所. (Killed: any spot without an office opening the bucket.)"""
    store, _ = _spots_ledger(
        tmp_path / "ledger.gpkg",
        {"L1": (None, [_legal("2024-03-04")]), "E1": (A, [_illegal("2024-03-04")])},
    )
    try:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    assert [o.office for o in report.offices] == [A]


def test_a_report_dated_on_the_last_day_of_its_month_is_not_early(ledger, calendar):
    """Dated 31 March, March's ranking counts the whole month: no warning that the report date
    comes before the period's end, which one dated 30 March gets. (Killed: the warning on the
    last day.)"""
    early = "before the end of the period"
    on_time = reports.monthly_ranking(ledger, MARCH, calendar, dt.date(2024, 3, 31))
    assert not any(early in w for w in on_time.warnings)
    before = reports.monthly_ranking(ledger, MARCH, calendar, dt.date(2024, 3, 30))
    assert any(early in w and "2024-03-30" in w for w in before.warnings)


def test_a_patrol_case_opened_late_in_the_month_counts_in_it(tmp_path, calendar):
    """城东所's patrol of Thursday 28 March 2024 finds an illegal act: the case is opened (发现)
    and verified that day and stopped (制止) on Monday 1 April. March's ranking of 3 April
    counts it in March, the month it was opened, as an illegal act and a case opened, not yet
    stopped at the month's end: the stop is April's. Stopped on Friday 29 March, it is
    stopped. (Killed: a case dated by its last event; a patrol case's stop not counted; a
    stop after the month counted in it.)"""
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    try:
        store.add_patrol(PatrolRecord("PX-03-28", A, dt.date(2024, 3, 28), ["巡查员"]))
        case_id = store.open_case(ORIGIN_PATROL, patrol_id="PX-03-28", date=dt.date(2024, 3, 28))
        _steps(store, case_id, (Stage.VERIFY, "2024-03-28"), (Stage.STOP, "2024-04-01"))
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
        store.add_patrol(PatrolRecord("PY-03-28", A, dt.date(2024, 3, 28), ["巡查员"]))
        case_id = store.open_case(ORIGIN_PATROL, patrol_id="PY-03-28", date=dt.date(2024, 3, 28))
        _steps(store, case_id, (Stage.VERIFY, "2024-03-28"), (Stage.STOP, "2024-03-29"))
        both = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.illegal_acts, a.stopped, a.cases_opened, a.stop_rate) == (1, 0, 1, 0.0)
    a = by_office(both)[A]
    assert (a.illegal_acts, a.stopped, a.cases_opened, a.stop_rate) == (2, 1, 2, 0.5)


def test_a_case_of_a_spot_without_an_office_is_counted_in_the_no_office_bucket(tmp_path, calendar):
    """X1 (no office) judged 违法 on Wednesday 6 March 2024 and its case opened that day; nobody
    acts on it: its written report was due Friday 03-08 and its filing Monday 03-11. Judged on
    31 March it is an open, overdue case of the NO_OFFICE bucket, which is not scored. (Killed:
    the case's office left empty instead of the bucket.)"""
    store, ids = _spots_ledger(tmp_path / "ledger.gpkg", {"X1": (None, [_illegal("2024-03-06")])})
    try:
        store.open_case(ORIGIN_SPOT, spot_id=ids["X1"])
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
    finally:
        store.close()
    bucket = by_office(report)[reports.NO_OFFICE]
    assert (bucket.cases_opened, bucket.open_cases, bucket.overdue_cases) == (1, 1, 1)
    assert (bucket.score, bucket.rank) == (None, None)
    assert [o.office for o in report.offices] == [reports.NO_OFFICE]


def test_an_unopened_spot_is_judged_overdue_at_the_months_end_not_at_the_report_date(
    tmp_path, calendar
):
    """U1 judged 违法 on Thursday 28 March 2024, no case: its written report is due Monday 1
    April (2 working days: 29 March, 1 April), its filing Tuesday 2 April. March is judged on
    31 March, when neither was late: open 1, overdue 0, timeliness 100 %, though by the report
    date of 3 April both are. (Killed: the unopened spot judged at the report date.)"""
    store, _ = _spots_ledger(tmp_path / "ledger.gpkg", {"U1": (A, [_illegal("2024-03-28")])})
    try:
        report = reports.monthly_ranking(store, MARCH, calendar, AS_OF)
        dispatch = reports.weekly_dispatch(store, reports.Period.week(AS_OF), calendar, AS_OF)
    finally:
        store.close()
    a = by_office(report)[A]
    assert (a.open_cases, a.overdue_cases, a.timeliness) == (1, 0, 1.0)
    said = [w for w in report.warnings if "未立案的违法图斑" in w]
    assert len(said) == 1 and "：U1 /" in said[0]  # counted, and not marked overdue
    assert [i.due for i in dispatch.overdue] == [dt.date(2024, 4, 1), dt.date(2024, 4, 2)]


# --- the year after the library's last (DOMAIN §5) ----------------------------------------------


def test_a_december_dispatch_says_next_year_has_no_schedule(tmp_path, monkeypatch):
    """Today (27 November 2026) chinesecalendar knows up to 2026 and holidays.json no year.
    The dispatch of Thursday 24 December 2026, of a week and a report date wholly in 2026,
    looks 5 working days ahead (25, 28, 29, 30, 31 December) and over the rest days after
    the fifth: 1 January 2027 (a fixed holiday) to Sunday 3 January, guessed. It must say 2027
    has no schedule, naming the file beside the ledger to add it to. N1's own deadlines
    (judged 25 November: 27 and 30 November) are 2026's, exact and overdue."""
    monkeypatch.setattr(workdays, "library_years", lambda: frozenset(range(2004, 2027)))
    as_of = dt.date(2026, 12, 24)
    store, _spot = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2026-11-25")
    try:
        calendar = store.work_calendar(strict=False)  # as the report algorithms and the dock
        dispatch = reports.weekly_dispatch(store, reports.Period.week(as_of), calendar, as_of)
    finally:
        store.close()
    assert dispatch.period.end == dt.date(2026, 12, 27)
    assert dispatch.horizon == dt.date(2027, 1, 3)
    assert [(i.due, i.estimated) for i in dispatch.overdue] == [
        (dt.date(2026, 11, 27), False),
        (dt.date(2026, 11, 30), False),
    ]
    where = str(tmp_path / "holidays.json")
    assert any(
        w.startswith("2027年没有官方节假日安排") and where in w and "add 2027 to" in w
        for w in dispatch.warnings
    ), dispatch.warnings
    notes = [row[0] for row in dispatch.sheets()[-1].rows]
    assert any("2027年没有官方节假日安排" in line for line in notes)


def test_a_deadline_in_the_year_after_the_librarys_last_is_listed_as_an_estimate(
    tmp_path, monkeypatch
):
    """The same edge a year earlier, so that the deadlines themselves fall in the unknown year
    (the ledger refuses verdicts dated after today): the library stops at 2025. N1 judged
    illegal on Tuesday 30 December 2025: on the dispatch of that day its written report is
    due Friday 2 January 2026 (31 December, 1 January off as a fixed holiday, 2 January) and
    its filing Monday 5 January, both marked estimates, and the notes say 2026 has no
    schedule. With the 2026 notice beside the ledger (1-3 January off, Sunday 4 January
    worked) the report is due Sunday 4 January and the filing Monday 5 January, exact."""
    from tests.holiday_notices import write_notice_2026

    monkeypatch.setattr(workdays, "library_years", lambda: frozenset(range(2004, 2026)))
    as_of = dt.date(2025, 12, 30)
    path = tmp_path / "ledger.gpkg"
    store, _spot = _spot_judged_illegal(path, "2025-12-30")
    try:
        week = reports.Period.week(as_of)
        guessed = reports.weekly_dispatch(store, week, store.work_calendar(strict=False), as_of)
        write_notice_2026(workdays.bureau_holiday_file(path))
        known = reports.weekly_dispatch(store, week, store.work_calendar(strict=False), as_of)
    finally:
        store.close()
    assert [(i.deadline, i.due, i.estimated) for i in guessed.due_next_week] == [
        ("书面报告执法监察大队", dt.date(2026, 1, 2), True),
        ("逾期未整改立案", dt.date(2026, 1, 5), True),
    ]
    where = str(tmp_path / "holidays.json")
    assert any(w.startswith("2026年没有官方节假日安排") and where in w for w in guessed.warnings)
    assert [(i.deadline, i.due, i.estimated) for i in known.due_next_week] == [
        ("书面报告执法监察大队", dt.date(2026, 1, 4), False),
        ("逾期未整改立案", dt.date(2026, 1, 5), False),
    ]
    assert not any("没有官方节假日安排" in w for w in known.warnings)


def test_a_december_ranking_says_nothing_of_next_year_when_no_figure_rests_on_it(
    tmp_path, monkeypatch
):
    """N1 judged illegal on Tuesday 30 December 2025, the library stopping at 2025: its report
    and filing fall due in January 2026, guessed. December's ranking, judged on 31 December,
    counts neither as overdue (nothing due yet), so no figure of it rests on 2026: it said
    "2026年没有官方节假日安排" all the same, the notes of every December ranking (the review
    of 2026-11-29). January's, with both overdue on the guess, says it."""
    monkeypatch.setattr(workdays, "library_years", lambda: frozenset(range(2004, 2026)))
    store, _spot = _spot_judged_illegal(tmp_path / "ledger.gpkg", "2025-12-30")
    try:
        calendar = store.work_calendar(strict=False)
        december = reports.monthly_ranking(
            store, reports.Period.month(2025, 12), calendar, dt.date(2025, 12, 31)
        )
        year = reports.assessment(store, reports.Period.year(2025), calendar, dt.date(2025, 12, 31))
        january = reports.monthly_ranking(
            store, reports.Period.month(2026, 1), calendar, dt.date(2026, 1, 31)
        )
    finally:
        store.close()
    a = by_office(december)[A]
    assert (a.open_cases, a.overdue_cases) == (1, 0)
    assert not any("没有官方节假日安排" in w for w in december.warnings), december.warnings
    assert not any("没有官方节假日安排" in w for w in year.warnings), year.warnings
    assert by_office(january)[A].overdue_cases == 1
    assert any(w.startswith("2026年没有官方节假日安排") for w in january.warnings)


def test_the_dispatch_window_on_a_strict_calendar_without_the_year_counts_calendar_days():
    """A strict calendar that knows no year cannot count working days: the window is then 5
    calendar days, as deadlines.status counts them for such a calendar (Thursday 1 January
    2099 to Tuesday 6 January)."""
    from zc_enforcement_plugin.core.report_dispatch import dispatch_horizon

    strict = WorkCalendar(local_file=None, use_library=False)
    assert dispatch_horizon(dt.date(2099, 1, 1), strict) == dt.date(2099, 1, 6)


# Each report's figures as a reader of the workbook sees them (DOMAIN.md §4: m² and 亩 to 2
# decimals), by header: a unit in brackets or a score is a figure to 2 decimals, any other
# number a count.
_TWO_DECIMALS = re.compile(r"\((m²|亩|%)\)|得分|^\d{4}-\d{2}$")


@pytest.mark.parametrize(
    "make, formats",
    [
        (lambda ledger, cal: reports.monthly_ranking(ledger, MARCH, cal, AS_OF), {"0.00", "0"}),
        (
            lambda ledger, cal: reports.assessment(
                ledger, reports.Period.half_year(2024, 1), cal, AS_OF
            ),
            {"0.00", "0"},
        ),
        (
            lambda ledger, cal: reports.accountability_ratio(ledger, MARCH, cal, AS_OF),
            {"0.00", "0"},
        ),
        # counts and case numbers only
        (
            lambda ledger, cal: reports.weekly_dispatch(
                ledger, reports.Period.parse("2024-W12"), cal, dt.date(2024, 3, 25)
            ),
            {"0"},
        ),
    ],
    ids=["monthly_ranking", "assessment", "accountability_ratio", "weekly_dispatch"],
)
def test_report_workbooks_show_areas_and_rates_to_2_decimals_and_counts_whole(
    ledger, calendar, tmp_path, make, formats
):
    import openpyxl

    path = reports.write_report_xlsx(make(ledger, calendar), tmp_path / "r.xlsx")
    shown = set()
    for sheet in openpyxl.load_workbook(path).worksheets:
        headers = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for header, cell in zip(headers, row):
                if not isinstance(cell.value, (int, float)):
                    continue
                wanted = "0.00" if _TWO_DECIMALS.search(header) else "0"
                assert cell.number_format == wanted, (sheet.title, header, cell.value)
                shown.add(wanted)
    assert shown == formats  # each kind was seen, so no check was vacuous


def _table_drawn(tmp_path: Path, sheet) -> list[tuple]:
    """Draw ``sheet`` as a report PDF's table; each text drawn, in order, as (rectangle, flags,
    text, its width on one line, its box wrapped to the rectangle's width, its point size), in
    the font and on the device it was drawn with."""
    from qgis.PyQt.QtCore import QRectF
    from qgis.PyQt.QtGui import QFontMetricsF

    from zc_enforcement_plugin.processing import report_pdf

    pages = report_pdf._Pages(tmp_path / "table.pdf", "t")
    drawn = []
    draw = pages.painter.drawText

    def record(rect, flags, text):
        font = pages.painter.font()
        metrics = QFontMetricsF(font, pages.writer)
        bounds = metrics.boundingRect(QRectF(0, 0, rect.width(), 10000), flags, text)
        advance = metrics.horizontalAdvance(text)
        drawn.append((QRectF(rect), flags, text, advance, bounds, font.pointSizeF()))
        return draw(rect, flags, text)

    pages.painter.drawText = record
    report_pdf._table(pages, sheet)
    pages.finish()
    return drawn


def _row_drawn(drawn: list[tuple], text: str) -> list[tuple]:
    """The cells of the row holding ``text``: those drawn level with it, in column order."""
    top = next(d[0].top() for d in drawn if d[2] == text)
    return [d[:5] for d in drawn if d[0].top() == top]


@pytest.mark.parametrize(
    "office",
    [
        "淄川区昆仑镇、龙泉镇、岭子镇自然资源所",
        "淄川区昆仑镇、龙泉镇、岭子镇、寨里镇、西河镇自然资源所",
    ],
    ids=["three_towns", "five_towns"],
)
@pytest.mark.parametrize("table", [0, 1], ids=["ranking", "components"])
def test_a_long_office_name_wraps_and_leaves_every_figure_whole(
    qgis_app, ledger, calendar, tmp_path, table, office
):
    """An office may cover several towns and be named after all of them. With 城东所 renamed
    so, the ranking's table (three towns) and the components' (five) no longer fit the page
    with every value on one line. Before, the widths then fell back to character counts, too
    narrow for a figure with the cell's margins: 城东所's score 55.00 was drawn in a rectangle
    that showed '5.00'. Now the figures keep their width, the office name wraps in its cell,
    and the row grows to hold it."""
    from qgis.PyQt.QtCore import Qt

    from zc_enforcement_plugin.processing import report_pdf

    sheet = reports.monthly_ranking(ledger, MARCH, calendar, AS_OF).sheets()[table]
    row = next(r for r in sheet.rows if r[1] == A)
    row[1] = office
    drawn = _table_drawn(tmp_path, sheet)
    cells = _row_drawn(drawn, office)  # 城东所's row
    assert [text for _, _, text, _, _ in cells] == [report_pdf._text(v) for v in row]
    assert "55.00" in [text for _, _, text, _, _ in cells]
    for value, (rect, _, text, advance, _) in zip(row, cells):
        if value is not row[1]:
            assert advance <= rect.width(), f"{text} needs {advance:.1f}, has {rect.width():.1f}"
    rect, flags, _, _, bounds = cells[1]
    assert flags & int(Qt.TextWordWrap)
    assert bounds.width() <= rect.width() and bounds.height() <= rect.height()


def test_a_table_too_wide_for_its_figures_is_drawn_smaller_with_every_figure_whole(
    qgis_app, tmp_path
):
    """Twenty area columns of 123456.78 need more than the page at 8 points: the table is
    drawn at a smaller size, at which each figure has its width, rather than cut."""
    from zc_enforcement_plugin.core.report_basis import Sheet, area_column, text_column

    columns = [text_column("自然资源所 / office")]
    columns += [area_column(f"面积{n} (m²) / area {n}") for n in range(20)]
    sheet = Sheet("面积 Areas", columns, [["城东所", *[123456.78] * 20]])
    drawn = _table_drawn(tmp_path, sheet)
    cells = _row_drawn(drawn, "城东所")
    assert [text for _, _, text, _, _ in cells[1:]] == ["123456.78"] * 20
    for rect, _, text, advance, _ in cells[1:]:
        assert advance <= rect.width(), f"{text} needs {advance:.1f}, has {rect.width():.1f}"
    assert max(d[5] for d in drawn) < 8.0  # smaller than a table that fits


def test_a_table_too_wide_even_at_the_smallest_size_keeps_every_text_at_that_size(
    qgis_app, tmp_path
):
    """Forty area columns do not fit even at the smallest size: the table is drawn at it, and
    no text — the bold header's names included, half a point smaller elsewhere — below it."""
    from zc_enforcement_plugin.core.report_basis import Sheet, area_column, text_column
    from zc_enforcement_plugin.processing import report_pdf

    columns = [text_column("自然资源所 / office")]
    columns += [area_column(f"面积{n} (m²) / area {n}") for n in range(40)]
    sheet = Sheet("面积 Areas", columns, [["城东所", *[123456.78] * 40]])
    drawn = _table_drawn(tmp_path, sheet)
    assert min(d[5] for d in drawn) >= report_pdf.SMALLEST_POINTS
    assert "城东所" in [d[2] for d in drawn]


def test_a_figure_columns_dash_stands_right_aligned_as_its_figures_do(qgis_app, tmp_path):
    """A rate with nothing to count is "—": it was drawn at the left of a column whose
    figures stand at the right. A text column's "—" stays at the left."""
    from qgis.PyQt.QtCore import Qt

    from zc_enforcement_plugin.core.report_basis import Sheet, area_column, text_column

    columns = [text_column("自然资源所 / office"), text_column("备注 / note")]
    columns += [area_column("面积 (m²) / area")]
    sheet = Sheet("面积 Areas", columns, [["城东所", None, 12.5], ["城西所", None, None]])
    drawn = _table_drawn(tmp_path, sheet)
    east, west = _row_drawn(drawn, "城东所"), _row_drawn(drawn, "城西所")
    assert [d[2] for d in west] == ["城西所", "—", "—"]
    assert east[2][1] & int(Qt.AlignRight) and west[2][1] & int(Qt.AlignRight)
    assert west[1][1] & int(Qt.AlignLeft) and not west[1][1] & int(Qt.AlignRight)


def test_a_past_months_acts_and_cases_are_judged_as_they_stood_at_its_end(tmp_path, calendar):
    """March 2024 made again on 30 April says what it said on 31 March. 城东所 judges four spots
    违法 in March and opens their cases then; everything that follows is dated in April: L1's
    制止 (04-02), L2's stop order ticked on a corrected verdict (04-03), L3's close straight
    after 核查 (04-08: 整改到位), L4's withdrawal (04-09). At March's end no act was stopped,
    no case rectified and none withdrawn: 0 of 4 stopped, 0 of 4 rectified. (Killed: the stop
    rate counting 制止 steps and stop orders after the month, as a monthly ranking of 2026-10
    counted 63 acts stopped of 83 where 60 were stopped by 31 October.)"""
    numbers = ("L1", "L2", "L3", "L4")
    store, ids = _spots_ledger(
        tmp_path / "ledger.gpkg", {n: (A, [_illegal("2024-03-11")]) for n in numbers}
    )
    try:
        cases = {}
        for number in numbers:
            cases[number] = store.open_case(
                ORIGIN_SPOT, spot_id=ids[number], date=dt.date(2024, 3, 12)
            )
            _steps(store, cases[number], (Stage.VERIFY, "2024-03-13"))
        on_the_day = reports.monthly_ranking(store, MARCH, calendar, dt.date(2024, 3, 31))
        _steps(store, cases["L1"], (Stage.STOP, "2024-04-02"))
        [first] = store.verdict_history(ids["L2"])
        stop_order = _illegal("2024-04-03")
        stop_order.details = {ls.DETAIL_STOP_ORDER: True}
        stop_order.corrects = first.id
        store.record_verdict(ids["L2"], stop_order)
        _steps(store, cases["L3"], (Stage.CLOSE, "2024-04-08"))
        store.add_case_event(
            cases["L4"],
            CaseEvent(
                cases["L4"],
                Stage.CLOSE,
                dt.date(2024, 4, 9),
                "李四",
                [DOC_WITHDRAWAL],
                note="错开",
            ),
        )
        later = reports.monthly_ranking(store, MARCH, calendar, dt.date(2024, 4, 30))
        april = reports.monthly_ranking(
            store, reports.Period.month(2024, 4), calendar, dt.date(2024, 4, 30)
        )
    finally:
        store.close()
    a = by_office(later)[A]
    assert (a.illegal_acts, a.stopped, a.cases_opened, a.cases_rectified) == (4, 0, 4, 0)
    assert _components(later) == _components(on_the_day)
    # The steps are April's, but its acts and cases are March's: April counts none of them.
    a = by_office(april)[A]
    assert (a.illegal_acts, a.stopped, a.cases_opened, a.cases_rectified) == (0, 0, 0, 0)


def _components(report) -> list:
    """The components sheet of a ranking: every count and rate it scores on, per office."""
    return [sheet.rows for sheet in report.sheets() if sheet.name.startswith("得分分项")]


def test_an_assessments_months_count_the_acts_stopped_by_each_months_end(tmp_path, calendar):
    """The first half of 2024 of 城东所: K1 judged 违法 on 03-11, its case stopped on 04-02. March's
    column counts an act not stopped, April's none; summed, the half-year has one act and none
    stopped by the end of the month it belongs to. (Killed: each month counting the stops
    made up to the report date.)"""
    store, ids = _spots_ledger(tmp_path / "ledger.gpkg", {"K1": (A, [_illegal("2024-03-11")])})
    try:
        case = store.open_case(ORIGIN_SPOT, spot_id=ids["K1"], date=dt.date(2024, 3, 12))
        _steps(store, case, (Stage.VERIFY, "2024-03-13"), (Stage.STOP, "2024-04-02"))
        report = reports.assessment(
            store, reports.Period.half_year(2024, 1), calendar, dt.date(2024, 7, 15)
        )
    finally:
        store.close()
    march = next(m for m in report.monthly if m.period == MARCH)
    assert (by_office(march)[A].illegal_acts, by_office(march)[A].stopped) == (1, 0)
    a = by_office(report)[A]
    assert (a.illegal_acts, a.stopped, a.stop_rate) == (1, 0, 0.0)


# --- progress and cancelling -------------------------------------------------------------------

YEAR_2024 = reports.Period.year(2024)
END_2024 = dt.date(2024, 12, 31)


def test_an_assessment_moves_its_progress_month_by_month(ledger, calendar):
    """Reading the ledger takes the first 40 %, then each of the twelve months and the year's
    open cases a 13th each of the rest: the bar moves in every one of those parts, never back,
    from 0 to 100. (Killed: no progress until the report was built.)"""
    seen: list[float] = []
    reports.assessment(ledger, YEAR_2024, calendar, END_2024, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 100.0
    assert seen == sorted(seen)
    share = 60.0 / 13
    for part in range(13):
        start = 40.0 + part * share
        assert any(start <= value < start + share for value in seen), f"month {part + 1}"
    assert any(0.0 < value < 40.0 for value in seen)  # reading the ledger


def test_a_cancelled_assessment_stops_within_the_month_it_is_in(ledger, calendar, monkeypatch):
    """Cancelled as the first month's counting starts, the assessment stops there and returns
    nothing: it neither counts the other eleven months nor builds a report of part of the
    year. (Killed: cancel heard only once the whole report was built.)"""
    from zc_enforcement_plugin.core import report_ranking

    counted: list[reports.Period] = []
    real = report_ranking._office_figures

    def counting(context, period, step):
        counted.append(period)
        return real(context, period, step)

    monkeypatch.setattr(report_ranking, "_office_figures", counting)
    seen: list[float] = []
    with pytest.raises(reports.ReportCancelled):
        reports.assessment(
            ledger,
            YEAR_2024,
            calendar,
            END_2024,
            progress=seen.append,
            is_cancelled=lambda: bool(seen) and seen[-1] >= 40.0,
        )
    assert [period.label for period in counted] == ["2024-01"]


@pytest.mark.parametrize(
    "make",
    [
        lambda s, c, **k: reports.monthly_ranking(s, MARCH, c, AS_OF, **k),
        lambda s, c, **k: reports.weekly_dispatch(s, reports.Period.week(AS_OF), c, AS_OF, **k),
        lambda s, c, **k: reports.accountability_ratio(s, MARCH, c, AS_OF, **k),
    ],
    ids=["monthly", "weekly", "accountability"],
)
def test_every_report_says_its_progress_and_hears_a_cancel(ledger, calendar, make):
    seen: list[float] = []
    make(ledger, calendar, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 100.0 and seen == sorted(seen) and len(seen) > 3
    with pytest.raises(reports.ReportCancelled):
        make(ledger, calendar, is_cancelled=lambda: True)


def test_a_report_cancelled_while_counting_writes_nothing(provider, ledger_path, tmp_path):
    """The assessment algorithm cancelled as soon as its bar moves past 10 % (the ledger being
    read) returns no outputs and leaves no folder it made, no workbook and no PDF; its bar
    moved before the end of the counting, not only after it."""
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    moves: list[float] = []

    def moved(percent: float) -> None:
        moves.append(percent)
        if percent > 10.0:
            feedback.cancel()

    feedback.progressChanged.connect(moved)
    folder = tmp_path / "new" / "reports"
    result = processing.run(
        "zcenforcement:assessment",
        {
            "LEDGER": str(ledger_path),
            "KIND": 1,
            "YEAR": 2024,
            "REPORT_DATE": "2024-12-31",
            "OUTPUT_FOLDER": str(folder),
        },
        feedback=feedback,
    )
    assert not result.get("XLSX") and not result.get("PDF")
    assert not (tmp_path / "new").exists()
    assert moves and 0.0 < min(value for value in moves if value > 0) < 50.0
    assert max(moves) < 50.0  # stopped while counting, before the files


@pytest.mark.parametrize("cause", CAUSES)
@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_each_cause_of_a_failed_write_is_said_in_the_exports_words(
    provider, ledger_path, tmp_path, monkeypatch, cause, kind
):
    """A report meeting a full disk, a read-only disk, a file open in another program or no
    permission, writing its workbook or its PDF, says so as the export does
    (processing.base.cannot_write_message): the cause in words, the file, the folder, and the
    earlier pair kept as it was (test_export_interrupted checks the export)."""
    import processing
    from qgis.core import QgsProcessingException

    from zc_enforcement_plugin.processing import reports as report_algorithms

    folder = tmp_path / "reports"
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-03"})
    before = folder_files(folder)
    name = f"monthly_ranking_2024-03.{kind}"

    def fails(_report, target, *args, **kwargs):
        part = Path(target).parent / f".{name}.part"
        part.write_bytes(b"half")
        raise write_error(cause, part)

    if kind == "xlsx":
        monkeypatch.setattr(reports, "write_report_xlsx", fails)
    else:
        monkeypatch.setattr(report_algorithms, "write_report_pdf", fails)
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("zcenforcement:monthlyranking", {**parameters, "REPORT_DATE": "2024-04-10"})
    assert_said(str(raised.value), cause, name, folder)
    assert folder_files(folder) == before


def test_a_report_whose_hidden_folder_cannot_be_made_says_why_naming_the_folder(
    provider, ledger_path, tmp_path, monkeypatch
):
    """The hidden folder a report is written in cannot be made (a read-only disk): the export's
    words, naming the output folder, not the hidden one."""
    import processing
    from qgis.core import QgsProcessingException

    from zc_enforcement_plugin.core import staging

    folder = tmp_path / "reports"
    folder.mkdir()

    def refused(place, prefix):
        raise write_error("read-only", Path(place) / f"{prefix}x1")

    monkeypatch.setattr(staging, "make_staging", refused)
    parameters = {"LEDGER": str(ledger_path), "MONTH": "2024-03", "OUTPUT_FOLDER": str(folder)}
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("zcenforcement:monthlyranking", parameters)
    assert_said(str(raised.value), "read-only", None, folder)
    assert folder_files(folder) == {}


def test_a_month_with_nothing_recorded_warns_that_its_ranking_says_nothing(ledger, calendar):
    """A month with no verdict, case step or patrol (a month mistyped, another ledger) ranked
    every office 1st at 0.00 without a word: its log warns; a month with work does not."""
    january = reports.monthly_ranking(ledger, reports.Period.month(2024, 1), calendar, AS_OF)
    empty = [w for w in january.warnings if "2024-01" in w and "check the month" in w]
    assert len(empty) == 1, january.warnings
    assert {f.rank for f in january.offices} == {1}  # what the warning is about
    for month in (2, 3):  # February: two verdicts and a patrol, and no case step
        report = reports.monthly_ranking(ledger, reports.Period.month(2024, month), calendar, AS_OF)
        assert not [w for w in report.warnings if "check the month" in w], report.warnings


def test_the_rankings_overdue_marks_read_in_chinese_alone(ledger, calendar, qgis_app):
    """Each unopened spot's "overdue" mark was a whole pair inside the Chinese half, "B1（逾期 /
    overdue）", which a Chinese QGIS showed so (and cut at its separator)."""
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import in_interface_language, install_translator

    (warning,) = reports.monthly_ranking(ledger, MARCH, calendar, AS_OF).warnings
    translator = install_translator("zh_CN")
    try:
        shown = in_interface_language(warning)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert shown == f"{B} 截至 2024-03-31 未立案的违法图斑计入未结案件：B1（逾期）、B3（逾期）"
    assert warning.endswith("counted as open cases: B1 (overdue), B3 (overdue)"), warning
