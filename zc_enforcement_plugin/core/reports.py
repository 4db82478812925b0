"""The brigade's reports from a ledger: monthly office ranking, weekly dispatch, assessments,
accountability ratio; each a plain data structure with its warnings, and an XLSX writer.

Definitions (each report prints the ones it uses in its notes):

- A spot's *verdict date* is the verified_on of the first verdict of its current category: the
  earliest record of the unbroken run of verdicts with the category the spot has now (a correction
  that keeps the category does not move it; one that changes the category does). A spot is a *new
  illegal spot* of a period when its current verdict is 违法 and its verdict date lies in it.
  Verdicts verified after the report date are ignored, and so are case events dated after it.
- Areas of a spot are the verdict's own figures (GDMJ, YJJBNTMJ) where the verifier stated them,
  else the screening figures of the spot; the spot area is TBMJ.
- Illegal acts of a period: its new illegal spots plus the cases opened from a patrol finding in
  it (a finding has no spot). Stop-order rate = acts stopped by the report date ÷ acts, an act
  being stopped when its case has a 制止 event or its spot's verdict says a stop order was
  issued (act_stopped). Rectification rate = cases opened in the period that were closed
  straight after 核查 or 制止 (整改到位, before filing) by the report date ÷ cases opened in the
  period.
- The offices are those named by the ledger's spots, cases and patrols, and on the shared ledger
  every office set up on the server, so an office that recorded nothing is still ranked. Spots
  and cases without an office are listed under NO_OFFICE, their figures counted in the
  district's; it is no office: it has no patrol weeks, no score and no rank.
- Patrol compliance = ISO weeks of the period with ≥ 3 distinct patrol days (patrols.
  weekly_compliance) ÷ ISO weeks of the period; a week belongs to the period holding its Thursday
  (the ISO rule, so every week belongs to exactly one month), and weeks not over by the report
  date are left out.
- Timeliness = 1 − cases with an open deadline past due ÷ cases open, both at the end of the
  period (or at the report date when it comes first): a case opened after the period, or a
  deadline falling after its end, does not count in it. A spot judged 违法 then, with no case
  opened by then, counts as an open case discovered on its verdict date (Case.unopened). An
  assessment's months are each judged at their own end.
- Score (0-100) = 100 × Σ wₖ·sₖ / Σ wₖ over the components sₖ above that apply (a rate with a
  zero denominator does not apply and its weight drops out); weights: DEFAULT_WEIGHTS, or the
  ledger setting ``report_weights``. Offices are ranked by score, ties (to 0.01) share a rank.
- Accountability ratio (问责比例) = GDMJ of the period's spots judged 违法 ÷ GDMJ of the period's
  spots on new construction land, where a spot of the period is one whose verdict date lies in
  the period and "new construction" is a 合法 or 违法 verdict (construction judged legal or
  illegal, see CONSTRUCTION_VERDICTS). A 其他 verdict never counts, whatever TBLX says: facility
  agricultural land, temporary land and rural roads are not construction land, and 实地未变化 /
  伪变化 means nothing was built.
  Flagged at ≥ domain.ACCOUNTABILITY_RATIO (15 %), per town (XZMC) and for the district, the
  exact ratio compared; shown in % cut (not rounded) to 0.01, so 14.996 % reads 14.99.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import deadlines as dl
from . import ledger_schema as ls
from . import xlsx
from .areas import shown_mu
from .cases import ORIGIN_PATROL, Case, Stage
from .dates import parse_date
from .domain import (
    ACCOUNTABILITY_RATIO,
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
)
from .ledger import CaseRecord, LedgerStore, SpotSummary, Verdict
from .patrols import weekly_compliance
from .workdays import UnknownScheduleError, WorkCalendar

# Verdicts saying construction took place: the denominator of the accountability ratio (DOMAIN.md
# §5, cultivated land occupied by new construction). Every legal basis (农转用, 增减挂钩, other
# approval) approves construction, and every illegal kind is an illegal occupation of land, so
# the illegal spots of the numerator are always in the denominator. A 其他 verdict is never
# construction, whatever the delivered TBLX (新增建设用地 included) said: 设施农用地, 临时用地 and
# 农村道路 are not construction land by law (a town's ratio would fall under 15 % on them), and
# 实地未变化 / 伪变化 means nothing was built.
CONSTRUCTION_VERDICTS = (ls.VERDICT_LEGAL, ls.VERDICT_ILLEGAL)
PATROL_DAYS_PER_WEEK = 3  # 2022 work plan: patrols on at least 3 days a week
REPORT_DUE_DAY = 5  # the monthly ranking is issued before the 5th of the next month
NO_OFFICE = "（未填写所）"
NO_CASE = "未立案 / no case opened"  # marks an illegal spot nobody opened a case for
NO_TOWN = "（未填写乡镇）"

# --- the score: its components and default weights, in one place ------------------------------
STOP_RATE = "stop_rate"
RECTIFICATION_RATE = "rectification_rate"
PATROL_COMPLIANCE = "patrol_compliance"
TIMELINESS = "timeliness"
SCORE_COMPONENTS = (STOP_RATE, RECTIFICATION_RATE, PATROL_COMPLIANCE, TIMELINESS)
DEFAULT_WEIGHTS: dict[str, float] = {
    STOP_RATE: 30.0,
    RECTIFICATION_RATE: 30.0,
    PATROL_COMPLIANCE: 25.0,
    TIMELINESS: 15.0,
}
COMPONENT_LABELS = {
    STOP_RATE: "制止率 / stop-order rate",
    RECTIFICATION_RATE: "整改率 / rectification rate",
    PATROL_COMPLIANCE: "巡查达标率 / patrol compliance",
    TIMELINESS: "按期办理率 / timeliness",
}
SCORE_FORMULA = (
    "得分 = 100 × Σ(权重 × 分项) ÷ Σ(适用分项的权重)；分母为零的分项不适用，其权重不计。 / "
    "score = 100 × Σ(weight × component) ÷ Σ(weights of the components that apply); a component "
    "with a zero denominator does not apply and its weight drops out."
)


def score_weights(overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
    """DEFAULT_WEIGHTS with ``overrides`` applied; ValueError naming a bad entry."""
    weights = dict(DEFAULT_WEIGHTS)
    if overrides is None:
        return weights
    if not isinstance(overrides, Mapping):
        raise ValueError("得分权重须为对象 / report_weights must be an object: component -> weight")
    for name, value in overrides.items():
        if name not in SCORE_COMPONENTS:
            raise ValueError(
                f"未知得分分项 / unknown score component {name!r}; known: "
                f"{', '.join(SCORE_COMPONENTS)}"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(
                f"权重 {name} 须为非负数 / weight {name} must be a number >= 0, got {value!r}"
            )
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise ValueError("权重之和须大于零 / the weights must not all be zero")
    return weights


def score(components: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """SCORE_FORMULA rounded to 2 decimals; None when no weighted component applies."""
    applying = [(weights[k], v) for k, v in components.items() if v is not None and weights[k] > 0]
    total = sum(w for w, _ in applying)
    if total <= 0:
        return None
    return round(100.0 * sum(w * v for w, v in applying) / total, 2)


# --- periods ---------------------------------------------------------------------------------
WEEK, MONTH, HALF_YEAR, YEAR = "week", "month", "half_year", "year"


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = _calendar.monthrange(year, month)[1]
        return cls(
            MONTH, dt.date(year, month, 1), dt.date(year, month, last), f"{year}-{month:02d}"
        )

    @classmethod
    def week(cls, day: dt.date) -> Period:
        """The ISO week (Monday to Sunday) holding ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        return cls(WEEK, monday, monday + dt.timedelta(days=6), f"{year}-W{week:02d}")

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, got {half!r}")
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        return cls(HALF_YEAR, start, end, f"{year}-H{half}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2024-03' month, '2024-W10' ISO week, '2024-H1' half-year, '2024' year."""
        value = (text or "").strip().upper()
        try:
            if re.fullmatch(r"\d{4}-\d{1,2}", value):
                year, month = value.split("-")
                return cls.month(int(year), int(month))
            if re.fullmatch(r"\d{4}-W\d{1,2}", value):
                year, week = value.split("-W")
                return cls.week(dt.date.fromisocalendar(int(year), int(week), 1))
            if re.fullmatch(r"\d{4}-H[12]", value):
                year, half = value.split("-H")
                return cls.half_year(int(year), int(half))
            if re.fullmatch(r"\d{4}", value):
                return cls.year(int(value))
        except ValueError:
            pass
        raise ValueError(
            f"无法识别的时段 {text!r}：应为 YYYY-MM、YYYY-Www、YYYY-H1/H2 或 YYYY / unknown "
            f"period {text!r}: use YYYY-MM, YYYY-Www, YYYY-H1/H2 or YYYY"
        )

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[Period]:
        result, year, month = [], self.start.year, self.start.month
        while dt.date(year, month, 1) <= self.end:
            result.append(Period.month(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def last_month(today: dt.date | None = None) -> Period:
    first = (today or dt.date.today()).replace(day=1)
    previous = first - dt.timedelta(days=1)
    return Period.month(previous.year, previous.month)


def monthly_due_date(period: Period) -> dt.date:
    """The 5th of the month after the period: the monthly ranking is issued before it."""
    after = period.end + dt.timedelta(days=1)
    return after.replace(day=REPORT_DUE_DAY)


# --- what the ledger says, read once -----------------------------------------------------------
def _verified_on(verdict: Verdict) -> dt.date | None:
    return parse_date(verdict.verified_on, strict=False)  # a verdict without a date is left out


def _standing(
    history: list[Verdict], day: dt.date
) -> tuple[Verdict | None, dt.date | None, dt.date | None]:
    """The verdict standing at the end of ``day`` (the last recorded of those verified by then),
    the first day of its category's unbroken run (its verdict date) and the first verification
    of all; ``history``: the spot's dated verdicts in recorded order."""
    known = [v for v in history if _verified_on(v) <= day]
    if not known:
        return None, None, None
    current = known[-1]
    run = []
    for verdict in reversed(known):
        if verdict.category != current.category:
            break
        run.append(_verified_on(verdict))
    return current, min(run), min(_verified_on(v) for v in known)


@dataclass
class _SpotFacts:
    summary: SpotSummary
    office: str
    town: str
    category: str | None  # current verdict at the report date
    kind: str | None
    verdict_date: dt.date | None  # first verdict of the current category run
    first_verified: dt.date | None  # first verdict of all
    spot_area: float
    cultivated: float
    basic_farmland: float
    stop_order: bool  # the current verdict says a stop order was issued (DETAIL_STOP_ORDER)
    history: list[Verdict]  # dated verdicts up to the report date, in recorded order


@dataclass
class _Context:
    """The ledger read once for one report date."""

    as_of: dt.date
    calendar: WorkCalendar
    rules: dl.DeadlineRules
    spots: list[_SpotFacts]
    cases: list[tuple[CaseRecord, Case]]  # the case as its events up to as_of make it
    patrols: list
    offices: list[str]
    warnings: list[str]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _figure(verdict: Verdict | None, name: str, fallback: float | None) -> tuple[float, bool]:
    areas = (verdict.areas or {}) if verdict else {}
    if name in areas and areas[name] is not None:
        return float(areas[name]), True
    if fallback is not None:
        return float(fallback), True
    return 0.0, False


def _read(
    ledger: LedgerStore,
    as_of: dt.date,
    calendar: WorkCalendar,
) -> _Context:
    warnings: list[str] = []
    rules = ledger.deadline_rules()
    spots: list[_SpotFacts] = []
    for summary in ledger.spots():
        history = [v for v in ledger.verdict_history(summary.id) if _verified_on(v)]
        history = [v for v in history if _verified_on(v) <= as_of]
        current, verdict_date, first = _standing(history, as_of)
        cultivated, known = _figure(current, CULTIVATED_AREA, summary.cultivated_area)
        if current is not None and current.category == ls.VERDICT_ILLEGAL and not known:
            warnings.append(
                f"违法图斑 {summary.number} 没有耕地面积（GDMJ），按 0 计 / illegal spot "
                f"{summary.number} has no cultivated area (GDMJ): counted as 0"
            )
        basic, _ = _figure(current, BASIC_FARMLAND_AREA, summary.basic_farmland_area)
        if current is not None and current.category == ls.VERDICT_ILLEGAL and not summary.office:
            warnings.append(
                f"违法图斑 {summary.number} 未填写自然资源所（SMC），列入“{NO_OFFICE}” / illegal "
                f"spot {summary.number} has no office (SMC): listed under {NO_OFFICE}"
            )
        spots.append(
            _SpotFacts(
                summary,
                summary.office or NO_OFFICE,
                summary.town or NO_TOWN,
                current.category if current else None,
                current.kind if current else None,
                verdict_date,
                first,
                float(summary.spot_area or 0.0),
                cultivated,
                basic,
                bool(current is not None and (current.details or {}).get(ls.DETAIL_STOP_ORDER)),
                history,
            )
        )
    cases: list[tuple[CaseRecord, Case]] = []
    for record in ledger.cases():
        case = record.case_as_of(as_of)
        if case is not None:
            cases.append((record, case))
    warnings += ledger.unreadable_cases  # left out of every figure, and said
    patrols = ledger.patrols(end=as_of)
    # An office set up on the shared ledger is ranked even in a month it recorded nothing:
    # leaving it out would hide exactly the office that did no work.
    offices = sorted(
        {s.office for s in spots if s.summary.office}
        | {r.office for r, _ in cases if r.office}
        | {p.office for p in patrols}
        | ledger.configured_offices()
    )
    if any(s.office == NO_OFFICE for s in spots if s.category == ls.VERDICT_ILLEGAL):
        offices.append(NO_OFFICE)
    return _Context(as_of, calendar, rules, spots, cases, patrols, offices, warnings)


def _calendar_warnings(context: _Context, days: Iterable[dt.date]) -> None:
    for warning in context.calendar.override_warnings:
        context.warn(warning)
    _missing_years(context, days)


def _missing_years(context: _Context, days: Iterable[dt.date]) -> None:
    """A line per year of `days` without a holiday schedule, naming the file to add it to."""
    for year in sorted({d.year for d in days}):
        if not context.calendar.covers(dt.date(year, 1, 1)):
            context.warn(
                f"{year}年没有官方节假日安排：涉及该年的工作日期限为估算（标“估算”），请在 "
                f"{context.calendar.add_to} 中加入{year}年 / no official holiday schedule for "
                f"{year}: working-day deadlines in that year are estimates (marked so); add "
                f"{year} to {context.calendar.add_to}"
            )


def _case_deadlines(context: _Context, case: Case, day: dt.date | None = None) -> list:
    """The case's deadlines judged on ``day`` (default: the report date); due_soon is within
    the weekly dispatch's window, the one report listing deadlines to come."""
    at = day or context.as_of
    deadlines = case.deadlines(context.rules, context.calendar, at, DISPATCH_WORKING_DAYS)
    for deadline in deadlines:
        if deadline.warning:
            context.warn(f"{_subject(case)} {deadline.label_zh}: {deadline.warning}")
    # A deadline may run into a year beyond the period's (a December report's 2027 due dates):
    # its year is said with the file to fill in, as the period's own years are.
    _missing_years(context, [d.due for d in deadlines if d.warning and d.due is not None])
    return deadlines


def _subject(case: Case) -> str:
    """What a line about ``case``'s deadlines names: the case, or the spot nobody opened one
    for."""
    if case.opened:
        return f"案件 {case.case_id}"
    return f"违法图斑 {case.origin.ref}（{NO_CASE}）"


def _is_overdue(context: _Context, case: Case, day: dt.date) -> bool:
    return any(d.open and d.status == dl.OVERDUE for d in _case_deadlines(context, case, day))


def _unopened_cases(context: _Context, day: dt.date) -> list[tuple[_SpotFacts, Case]]:
    """The spots judged 违法 at the end of ``day`` that nobody had opened a case for by then,
    each as the case it stands as (Case.unopened: discovered on its verdict date, with the
    standing verdict's figures). An act found and not rectified is late whether or not a case
    is opened (DOMAIN §1), so the reports count these as open cases; a spot judged 合法 or 其他
    since, or with a case opened, is not one."""
    cased = {
        record.spot_id
        for record, _ in context.cases
        if record.spot_id is not None and record.case_as_of(day) is not None
    }
    result = []
    for spot in context.spots:
        if spot.summary.id in cased:
            continue
        verdict, since, _ = _standing(spot.history, day)
        if verdict is None or verdict.category != ls.VERDICT_ILLEGAL:
            continue
        cultivated, _ = _figure(verdict, CULTIVATED_AREA, spot.summary.cultivated_area)
        basic, _ = _figure(verdict, BASIC_FARMLAND_AREA, spot.summary.basic_farmland_area)
        case = Case.unopened(spot.summary.number, since, verdict.verifier, cultivated, basic)
        result.append((spot, case))
    return result


def _judged_on(context: _Context, period: Period) -> dt.date:
    """The day a period's open and overdue cases are judged: its end, or the report date when
    that comes first (a later case or a deadline passed since belongs to a later period)."""
    return min(period.end, context.as_of)


def _count_open_cases(context: _Context, figures: dict[str, OfficeFigures], day: dt.date) -> None:
    """Set each office's open and overdue cases as the cases stood at the end of ``day``."""
    for f in figures.values():
        f.open_cases = f.overdue_cases = 0
    for record, _ in context.cases:
        case = record.case_as_of(day)  # None: opened after ``day``
        if case is None or case.closed:
            continue
        office = record.office or NO_OFFICE
        f = figures.setdefault(office, OfficeFigures(office))
        f.open_cases += 1
        f.overdue_cases += _is_overdue(context, case, day)
    # Said by office, so the open and overdue counts can be checked against the ledger.
    unopened: dict[str, list[str]] = {}
    for spot, case in _unopened_cases(context, day):
        f = figures.setdefault(spot.office, OfficeFigures(spot.office))
        f.open_cases += 1
        overdue = _is_overdue(context, case, day)
        f.overdue_cases += overdue
        unopened.setdefault(spot.office, []).append(
            spot.summary.number + ("（逾期 / overdue）" if overdue else "")
        )
    for office, numbers in sorted(unopened.items()):
        context.warn(
            f"{office} 截至 {day} 未立案的违法图斑计入未结案件：{'、'.join(numbers)} / "
            f"{office}: illegal spots with no case opened by {day}, counted as open cases"
        )


def act_stopped(case: Case | None, stop_order_issued: bool = False) -> bool:
    """Whether an illegal act counts as stopped (制止) in the ranking's stop-order rate: its case
    has a 制止 event, or its spot's verdict says a stop order (责令停止违法行为通知书) was issued
    (ledger_schema.DETAIL_STOP_ORDER, the tick the exports show as 已下达责令停止通知书): an order
    served on site before any case is opened stops the act all the same."""
    return stop_order_issued or (case is not None and case.has(Stage.STOP))


def _rectified(case: Case) -> bool:
    """Closed straight after verify or stop: rectified before filing (整改到位)."""
    stages = case.stages
    return case.closed and len(stages) >= 2 and stages[-2] in (Stage.VERIFY, Stage.STOP)


# --- the office ranking (monthly, half-year, year) --------------------------------------------
@dataclass
class OfficeFigures:
    """One office's figures over a period; rates are 0..1 or None when they do not apply."""

    office: str
    new_illegal: int = 0
    illegal_area_sqm: float = 0.0
    illegal_cultivated_sqm: float = 0.0
    illegal_basic_farmland_sqm: float = 0.0
    illegal_acts: int = 0  # new illegal spots + patrol cases opened (stop-rate denominator)
    stopped: int = 0
    cases_opened: int = 0
    cases_rectified: int = 0
    weeks: int = 0
    weeks_compliant: int = 0
    open_cases: int = 0  # at the period's end (the report date if earlier)
    overdue_cases: int = 0
    score: float | None = None
    rank: int | None = None

    @staticmethod
    def _rate(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    @property
    def stop_rate(self) -> float | None:
        return self._rate(self.stopped, self.illegal_acts)

    @property
    def rectification_rate(self) -> float | None:
        return self._rate(self.cases_rectified, self.cases_opened)

    @property
    def patrol_compliance(self) -> float | None:
        return self._rate(self.weeks_compliant, self.weeks)

    @property
    def timeliness(self) -> float | None:
        return None if not self.open_cases else 1.0 - self.overdue_cases / self.open_cases

    def components(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in SCORE_COMPONENTS}

    def add(self, other: OfficeFigures) -> None:
        """Sum the period figures of ``other`` into this one (not the report-date ones)."""
        for name in (
            "new_illegal",
            "illegal_area_sqm",
            "illegal_cultivated_sqm",
            "illegal_basic_farmland_sqm",
            "illegal_acts",
            "stopped",
            "cases_opened",
            "cases_rectified",
            "weeks",
            "weeks_compliant",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Sheet:
    """A table for the writers: name, header row, rows."""

    name: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[float | None]
    threshold: float | None = None  # drawn as a line, e.g. the 15 % accountability ratio
    unit: str = ""
    maximum: float | None = None  # top of the axis (100 for scores); None: from the values
    decimals: int = 2


@dataclass
class RankingReport:
    """每月通报 or 半年/年度考核: the offices ranked by score."""

    period: Period
    as_of: dt.date
    weights: dict[str, float]
    weights_source: str
    offices: list[OfficeFigures]  # ranked
    total: OfficeFigures
    due_date: dt.date | None  # monthly: issue before this day
    monthly: list[RankingReport] = field(default_factory=list)  # assessments: the months
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.period.kind == MONTH:
            return f"{self.period.label} 各自然资源所卫片执法工作通报 / monthly ranking of offices"
        if self.period.kind == HALF_YEAR:
            return f"{self.period.label} 半年考核 / half-year assessment of offices"
        return f"{self.period.label} 年度考核 / year assessment of offices"

    def info_lines(self) -> list[str]:
        lines = [
            f"统计时段 / period: {self.period.start} – {self.period.end}",
            f"报告日期 / report date: {self.as_of}",
        ]
        if self.due_date is not None:
            lines.append(f"报送期限 / due: {self.due_date} 前 (before the 5th of the next month)")
        return lines

    def notes(self) -> list[str]:
        lines = [f"权重来源 / weights from: {self.weights_source}"]
        lines += [f"  {COMPONENT_LABELS[k]}: {self.weights[k]:g}" for k in SCORE_COMPONENTS]
        lines.append(SCORE_FORMULA)
        lines += [f"  {line}" for line in _DEFINITIONS]
        return lines

    def chart(self) -> Chart:
        return Chart(
            "得分 / score",
            [o.office for o in self.offices],
            [o.score for o in self.offices],
            maximum=100.0,
        )

    def sheets(self) -> list[Sheet]:
        headers = [
            "排名 / rank",
            "自然资源所 / office",
            "新增违法图斑 / new illegal spots",
            "违法面积 (m²) / illegal area",
            "违法面积 (亩) / illegal area (mu)",
            "占用耕地 (m²) / cultivated",
            "占用耕地 (亩) / cultivated (mu)",
            "占用永久基本农田 (m²) / basic farmland",
            "占用永久基本农田 (亩) / basic farmland (mu)",
            "制止率 (%) / stop-order rate",
            "整改率 (%) / rectification rate",
            "巡查达标率 (%) / patrol compliance",
            "按期办理率 (%) / timeliness",
            "得分 / score",
        ]
        sheets = [
            Sheet("排名 Ranking", headers, self._rows(_ranking_row)),
            Sheet("得分分项 Score components", _COMPONENT_HEADERS, self._rows(_component_row)),
        ]
        if self.monthly:
            months = [m.period.label for m in self.monthly]
            scores = []
            for office in self.offices:
                row: list[Any] = [office.office]
                for month in self.monthly:
                    found = next((o for o in month.offices if o.office == office.office), None)
                    row.append(None if found is None else found.score)
                scores.append(row)
            sheets.append(Sheet("月度得分 Monthly", ["自然资源所 / office", *months], scores))
        sheets.append(_notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings))
        return sheets

    def _rows(self, make) -> list[list[Any]]:
        """A row per office by ``make`` (rank and office first), then the district's."""
        rows = [make(o) for o in self.offices]
        total = make(self.total)
        total[1] = "合计 / district"
        return [*rows, total]


# Each scored rate beside the counts it is computed from, so a score can be checked by hand.
_COMPONENT_HEADERS = [
    "排名 / rank",
    "自然资源所 / office",
    "违法行为 / illegal acts",
    "已制止 / stopped",
    "制止率 (%) / stop-order rate",
    "开启案件 / cases opened",
    "整改到位 / rectified",
    "整改率 (%) / rectification rate",
    "统计周数 / weeks",
    "达标周数 / weeks ≥ 3 days",
    "巡查达标率 (%) / patrol compliance",
    "未结案件 / open cases",
    "逾期案件 / overdue cases",
    "按期办理率 (%) / timeliness",
    "得分 / score",
]


_DEFINITIONS = [
    line.strip()
    for line in (
        "新增违法图斑：当前判定为违法、且该判定的核查日期在统计时段内 / new illegal spot: "
        "current verdict 违法, first given in the period",
        "制止率 = 已制止的违法行为 ÷ 违法行为（新增违法图斑 + 巡查发现立案）；已制止：案件有"
        "“制止”记录，或图斑判定注明已下达责令停止违法行为通知书 / stop-order rate = illegal "
        "acts stopped ÷ illegal acts; stopped: its case has a stop event or its verdict says a "
        "stop order was issued",
        "整改率 = 时段内开启、在核查或制止后直接结案（整改到位）的案件 ÷ 时段内开启的案件 / "
        "rectification rate = cases closed right after verify or stop ÷ cases opened",
        "巡查达标率 = 巡查不少于3天的周数 ÷ 周数（ISO周，以周四所在月份归属） / patrol "
        "compliance = ISO weeks with ≥ 3 patrol days ÷ weeks (a week belongs to its Thursday)",
        f"“{NO_OFFICE}”：未填写所的图斑和案件，计入全区合计，不计巡查、不计分、不排名 / "
        f"{NO_OFFICE}: spots and cases without an office, counted in the district's figures; "
        "no patrol weeks, no score, no rank",
        "按期办理率 = 1 − 逾期案件 ÷ 未结案件，均按时段末（报告日期更早时按报告日期）计，时段后"
        "开启的案件不计 / timeliness = 1 − overdue ÷ open cases, both as at the period's end (or "
        "the report date if earlier); cases opened later do not count",
        "判定为违法而未开启案件的图斑计入未结案件，按判定违法之日发现计期限（书面报告、立案等，"
        "与案件同一规则） / a spot judged illegal with no case opened counts as an open case "
        "discovered on its verdict date (written report, filing: the cases' own deadline rules)",
    )
]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, 2)


def _ranking_row(o: OfficeFigures) -> list[Any]:
    return [
        o.rank,
        o.office,
        o.new_illegal,
        round(o.illegal_area_sqm, AREA_DECIMALS),
        shown_mu(o.illegal_area_sqm),
        round(o.illegal_cultivated_sqm, AREA_DECIMALS),
        shown_mu(o.illegal_cultivated_sqm),
        round(o.illegal_basic_farmland_sqm, AREA_DECIMALS),
        shown_mu(o.illegal_basic_farmland_sqm),
        _pct(o.stop_rate),
        _pct(o.rectification_rate),
        _pct(o.patrol_compliance),
        _pct(o.timeliness),
        o.score,
    ]


def _component_row(o: OfficeFigures) -> list[Any]:
    return [
        o.rank,
        o.office,
        o.illegal_acts,
        o.stopped,
        _pct(o.stop_rate),
        o.cases_opened,
        o.cases_rectified,
        _pct(o.rectification_rate),
        o.weeks,
        o.weeks_compliant,
        _pct(o.patrol_compliance),
        o.open_cases,
        o.overdue_cases,
        _pct(o.timeliness),
        o.score,
    ]


def _notes_sheet(title: str, lines: list[str], warnings: list[str]) -> Sheet:
    rows = [[line] for line in lines]
    rows.append(["提示 / warnings:" if warnings else "提示 / warnings: 无 / none"])
    rows += [[w] for w in warnings]
    return Sheet("说明 Notes", [title], rows)


def _weeks_of(period: Period, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first Monday, last Sunday) of the ISO weeks whose Thursday is in the period and which
    are over by ``as_of``; None when there is none."""
    thursday = period.start + dt.timedelta(days=(3 - period.start.weekday()) % 7)
    first = thursday - dt.timedelta(days=3)
    last_thursday = period.end - dt.timedelta(days=(period.end.weekday() - 3) % 7)
    last = last_thursday + dt.timedelta(days=3)
    while last > as_of:
        last -= dt.timedelta(days=7)
    return (first, last) if last > first else None


def _office_figures(context: _Context, period: Period) -> dict[str, OfficeFigures]:
    """Every office's figures over ``period``, open and overdue cases as at its end."""
    figures = {office: OfficeFigures(office) for office in context.offices}
    spot_cases = {record.spot_id: case for record, case in context.cases if record.spot_id}
    for spot in context.spots:
        if spot.category != ls.VERDICT_ILLEGAL or not period.contains(spot.verdict_date):
            continue
        f = figures[spot.office]
        f.new_illegal += 1
        f.illegal_area_sqm += spot.spot_area
        f.illegal_cultivated_sqm += spot.cultivated
        f.illegal_basic_farmland_sqm += spot.basic_farmland
        f.illegal_acts += 1
        f.stopped += act_stopped(spot_cases.get(spot.summary.id), spot.stop_order)
    for record, case in context.cases:
        office = figures.get(record.office or NO_OFFICE)
        if office is None:
            office = figures[record.office or NO_OFFICE] = OfficeFigures(record.office or NO_OFFICE)
        opened = case.events[0].date
        if period.contains(opened):
            office.cases_opened += 1
            office.cases_rectified += _rectified(case)
            if record.origin == ORIGIN_PATROL:
                office.illegal_acts += 1
                office.stopped += act_stopped(case)
    _count_open_cases(context, figures, _judged_on(context, period))
    weeks = _weeks_of(period, context.as_of)
    if weeks is not None:
        count = ((weeks[1] - weeks[0]).days + 1) // 7
        # The spots without an office are no office that patrols: no weeks to score them on,
        # and none in the district's patrol figures.
        offices = [office for office in context.offices if office != NO_OFFICE]
        shortfalls = weekly_compliance(
            context.patrols, offices, weeks[0], weeks[1], PATROL_DAYS_PER_WEEK
        )
        short = {}
        for shortfall in shortfalls:
            short[shortfall.office] = short.get(shortfall.office, 0) + 1
        for office, f in figures.items():
            if office == NO_OFFICE:
                continue
            f.weeks = count
            f.weeks_compliant = count - short.get(office, 0)
    return figures


def _rank(figures: Iterable[OfficeFigures], weights: Mapping[str, float]) -> list[OfficeFigures]:
    ranked = list(figures)
    for f in ranked:
        # The spots without an office are listed for their figures, which count in the
        # district's, but are no office to score or rank.
        f.score = None if f.office == NO_OFFICE else score(f.components(), weights)
    ranked.sort(key=lambda f: (f.score is None, -(f.score or 0.0), f.office))
    previous, rank = None, 0
    for position, f in enumerate(ranked, start=1):
        if f.score is None:
            f.rank = None
            continue
        if f.score != previous:
            rank, previous = position, f.score
        f.rank = rank
    return ranked


def _total(figures: Iterable[OfficeFigures]) -> OfficeFigures:
    total = OfficeFigures("合计")
    for f in figures:
        total.add(f)
        total.open_cases += f.open_cases
        total.overdue_cases += f.overdue_cases
    return total


def _weights(ledger: LedgerStore) -> tuple[dict[str, float], str]:
    stored = ledger.settings().get(ls.SETTING_REPORT_WEIGHTS)
    if stored is None:
        return score_weights(), "默认权重 / default weights (reports.DEFAULT_WEIGHTS)"
    return score_weights(stored), f"台帐设置 / ledger setting {ls.SETTING_REPORT_WEIGHTS}"


def _common_warnings(context: _Context, period: Period, extra_days: Iterable[dt.date] = ()) -> None:
    _calendar_warnings(context, [period.start, period.end, context.as_of, *extra_days])
    if context.as_of < period.end:
        context.warn(
            f"报告日期 {context.as_of} 早于时段结束 {period.end}：数字只计到报告日期 / the report "
            f"date {context.as_of} is before the end of the period {period.end}: figures count "
            "up to the report date only"
        )


def monthly_ranking(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
) -> RankingReport:
    """每月通报: offices ranked by score over one month (see the module docstring)."""
    if period.kind != MONTH:
        raise ValueError(f"monthly_ranking needs a month, got {period.kind}")
    as_of = as_of or dt.date.today()
    context = _read(ledger, as_of, calendar)
    weights, source = _weights(ledger)
    due = monthly_due_date(period)
    _common_warnings(context, period)
    figures = _office_figures(context, period)
    ranked = _rank(figures.values(), weights)
    total = _total(ranked)
    total.score = score(total.components(), weights)
    return RankingReport(
        period, as_of, weights, source, ranked, total, due, warnings=context.warnings
    )


def assessment(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
) -> RankingReport:
    """半年/年度考核: the monthly figures of the period summed per office, scored and ranked.

    Counts and areas are summed over the months and the rates recomputed from the summed
    numerators and denominators (not averaged). Each month is scored with its open and overdue
    cases as they stood at the month's end, the period with those at the period's end.
    """
    if period.kind not in (HALF_YEAR, YEAR):
        raise ValueError(f"assessment needs a half-year or a year, got {period.kind}")
    as_of = as_of or dt.date.today()
    context = _read(ledger, as_of, calendar)
    weights, source = _weights(ledger)
    _common_warnings(context, period)
    months = []
    summed: dict[str, OfficeFigures] = {}
    for month in period.months():
        if month.start > as_of:
            continue
        figures = _office_figures(context, month)
        for office, f in figures.items():
            summed.setdefault(office, OfficeFigures(office)).add(f)
        ranked = _rank([_copy(f) for f in figures.values()], weights)
        months.append(RankingReport(month, as_of, weights, source, ranked, _total(ranked), None))
    _count_open_cases(context, summed, _judged_on(context, period))
    ranked = _rank(summed.values(), weights)
    total = _total(ranked)
    total.score = score(total.components(), weights)
    return RankingReport(
        period, as_of, weights, source, ranked, total, None, months, context.warnings
    )


def _copy(f: OfficeFigures) -> OfficeFigures:
    return OfficeFigures(**{k: v for k, v in f.__dict__.items()})


# --- the weekly dispatch ----------------------------------------------------------------------
@dataclass
class DeadlineItem:
    case_id: str
    office: str
    origin: str  # spot number or patrol id
    stage: str  # current stage, Chinese
    deadline: str  # Chinese label
    due: dt.date
    estimated: bool = False  # counted in a year without a holiday schedule (see workdays)


@dataclass
class DispatchRow:
    office: str
    verified: int = 0
    new_illegal: int = 0
    cases_by_stage: dict[str, int] = field(default_factory=dict)  # Stage value -> count


@dataclass
class WeeklyDispatch:
    """每周调度: the week's verification and cases, and the deadlines to chase."""

    period: Period
    as_of: dt.date
    rows: list[DispatchRow]
    total: DispatchRow
    due_next_week: list[DeadlineItem]
    overdue: list[DeadlineItem]
    horizon: dt.date  # the last day due_next_week reaches (see dispatch_horizon)
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.period.label} 每周调度 / weekly dispatch"

    def info_lines(self) -> list[str]:
        return [
            f"统计时段 / period: {self.period.start} – {self.period.end}",
            f"报告日期 / report date: {self.as_of}",
            f"未来{DISPATCH_WORKING_DAYS}个工作日内到期 / due within {DISPATCH_WORKING_DAYS} "
            f"working days: {self.as_of} – {self.horizon}",
        ]

    def notes(self) -> list[str]:
        return [
            "新核查图斑：首次判定的核查日期在本周 / verified: first verdict dated in the week",
            "新增违法：当前判定为违法且首次判定违法在本周 / new illegal: judged 违法 in the week",
            "案件阶段为报告日期的当前阶段 / case stages as at the report date",
            f"案件栏为“{NO_CASE}”的：判定为违法而未开启案件的图斑，按判定违法之日发现计期限"
            f" / case “{NO_CASE}”: a spot judged illegal with no case opened, its deadlines "
            "counted as a case discovered on its verdict date",
        ]

    def chart(self) -> Chart:
        return Chart(
            "新增违法图斑 / new illegal spots",
            [r.office for r in self.rows],
            [float(r.new_illegal) for r in self.rows],
            decimals=0,
        )

    def sheets(self) -> list[Sheet]:
        stage_headers = [f"{s.label_zh} / {s.value}" for s in Stage]
        headers = [
            "自然资源所 / office",
            "新核查图斑 / verified",
            "新增违法 / new illegal",
            *stage_headers,
        ]

        def row(r: DispatchRow, name: str) -> list[Any]:
            return [
                name,
                r.verified,
                r.new_illegal,
                *(r.cases_by_stage.get(s.value, 0) for s in Stage),
            ]

        rows = [row(r, r.office) for r in self.rows] + [row(self.total, "合计 / district")]
        item_headers = [
            "案件 / case",
            "自然资源所 / office",
            "来源 / origin",
            "当前阶段 / stage",
            "期限 / deadline",
            "到期日 / due",
            "估算 / estimate",
        ]

        def items(values: list[DeadlineItem]) -> list[list[Any]]:
            # The day as a date (sortable, filterable), its being an estimate beside it.
            return [
                [
                    i.case_id,
                    i.office,
                    i.origin,
                    i.stage,
                    i.deadline,
                    i.due,
                    "估算 / estimate" if i.estimated else None,
                ]
                for i in values
            ]

        return [
            Sheet("调度 Dispatch", headers, rows),
            Sheet(
                f"{DISPATCH_WORKING_DAYS}个工作日内到期 Due",
                item_headers,
                items(self.due_next_week),
            ),
            Sheet("逾期 Overdue", item_headers, items(self.overdue)),
            _notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings),
        ]


# The weekly dispatch lists the deadlines due within this many working days of the report date:
# a working week, everything falling before the next weekly meeting. Working days, counted as
# the dock counts its due-soon warning (deadlines.status on the ledger's calendar): in calendar
# days, a meeting on 30 September missed a report due on 8 October, the first working day after
# the National Day week, and no meeting listed it before it was due.
DISPATCH_WORKING_DAYS = 5
# ... and estimated ones up to this many days further: the swapped working days of one holiday
# notice (up to 4 in 20 days, 2004-2026) can bring a real day that much sooner.
ESTIMATE_MARGIN_DAYS = 7


def dispatch_horizon(as_of: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day the weekly dispatch of ``as_of`` lists deadlines to: the
    DISPATCH_WORKING_DAYS-th working day and the rest days after it, as deadlines.status
    counts (a deadline on them is still within that many working days)."""
    try:
        return calendar.add_working_days(as_of, DISPATCH_WORKING_DAYS + 1) - dt.timedelta(days=1)
    except UnknownScheduleError:
        # A strict calendar without the year: status counts calendar days then, and so do we.
        return as_of + dt.timedelta(days=DISPATCH_WORKING_DAYS)


def weekly_dispatch(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
) -> WeeklyDispatch:
    """每周调度 of one ISO week, with the open deadlines due from the report date to
    DISPATCH_WORKING_DAYS working days after it (the day itself included) and those already
    overdue."""
    if period.kind != WEEK:
        raise ValueError(f"weekly_dispatch needs a week, got {period.kind}")
    as_of = as_of or dt.date.today()
    context = _read(ledger, as_of, calendar)
    horizon = dispatch_horizon(as_of, calendar)
    # An estimate counts no swapped working day (a Sunday worked before a holiday): the real
    # day may come sooner, so an estimated deadline just past the horizon is listed too,
    # rather than missed by the meeting whose week it falls in.
    estimate_horizon = horizon + dt.timedelta(days=ESTIMATE_MARGIN_DAYS)
    _common_warnings(context, period, [horizon])
    rows = {office: DispatchRow(office) for office in context.offices}
    for spot in context.spots:
        if period.contains(spot.first_verified):
            rows.setdefault(spot.office, DispatchRow(spot.office)).verified += 1
        if spot.category == ls.VERDICT_ILLEGAL and period.contains(spot.verdict_date):
            rows.setdefault(spot.office, DispatchRow(spot.office)).new_illegal += 1
    due_next: list[DeadlineItem] = []
    overdue: list[DeadlineItem] = []
    early = 0  # estimates listed from beyond the horizon
    cases = []
    for record, case in context.cases:
        office = record.office or NO_OFFICE
        row = rows.setdefault(office, DispatchRow(office))
        row.cases_by_stage[case.stage.value] = row.cases_by_stage.get(case.stage.value, 0) + 1
        cases.append((office, case))
    # An illegal spot nobody opened a case for runs the deadlines of a case just discovered
    # (Case.unopened): listed with them, marked NO_CASE, as the brigade must chase it most.
    cases += [(spot.office, case) for spot, case in _unopened_cases(context, as_of)]
    for office, case in cases:
        for deadline in _case_deadlines(context, case):
            # A party's period run out is nobody's lateness: the office's next step is due by
            # a deadline of its own, if the law sets one.
            if not deadline.open or deadline.due is None or deadline.period_over:
                continue
            item = DeadlineItem(
                case.case_id if case.opened else NO_CASE,
                office,
                case.origin.ref,
                case.stage.label_zh,
                deadline.label_zh,
                deadline.due,
                estimated=deadline.warning is not None,
            )
            if deadline.due < as_of:
                overdue.append(item)
            elif deadline.status == dl.DUE_SOON:  # due today included: still in time
                due_next.append(item)
            elif item.estimated and deadline.due <= estimate_horizon:
                due_next.append(item)
                early += 1
    total = DispatchRow("合计")
    for row in rows.values():
        total.verified += row.verified
        total.new_illegal += row.new_illegal
        for stage, count in row.cases_by_stage.items():
            total.cases_by_stage[stage] = total.cases_by_stage.get(stage, 0) + count
    if early:
        context.warn(
            f"{early} 个估算的期限在 {DISPATCH_WORKING_DAYS} 个工作日之后、{estimate_horizon} "
            f"及以前，也已列出：估算不计调休上班日，实际到期日可能更早 / {early} estimated "
            f"deadlines falling after {DISPATCH_WORKING_DAYS} working days and by "
            f"{estimate_horizon} are listed too: an estimate counts no swapped working day, so "
            "the real day may be sooner"
        )
    order = sorted(rows.values(), key=lambda r: r.office)
    due_next.sort(key=lambda i: (i.due, i.case_id, i.origin))
    overdue.sort(key=lambda i: (i.due, i.case_id, i.origin))
    return WeeklyDispatch(period, as_of, order, total, due_next, overdue, horizon, context.warnings)


# --- the accountability ratio -----------------------------------------------------------------
@dataclass
class AccountabilityRow:
    area: str  # town name, or the district
    illegal_cultivated_sqm: float = 0.0
    construction_cultivated_sqm: float = 0.0
    illegal_spots: int = 0
    construction_spots: int = 0

    @property
    def exact_ratio(self) -> Fraction | None:
        """The ratio of the two areas in whole cents of m², as the legal figures are: a float
        quotient of sums is off in its last digit (10.86 / 72.4 = 0.14999999999999997), which
        would leave a town at exactly 15 % unflagged."""
        construction = round(self.construction_cultivated_sqm * 100)
        if construction <= 0:
            return None
        return Fraction(round(self.illegal_cultivated_sqm * 100), construction)

    @property
    def ratio(self) -> float | None:
        exact = self.exact_ratio
        return None if exact is None else float(exact)

    @property
    def flagged(self) -> bool:
        # 15 % triggers, 14.996 % does not (it is shown as 14.99, see ratio_percent, so the
        # figure never reads as reaching the line when it did not).
        exact = self.exact_ratio
        return exact is not None and exact >= Fraction(str(ACCOUNTABILITY_RATIO))

    @property
    def ratio_percent(self) -> float | None:
        """The ratio in % cut (not rounded) to 0.01: 14.996 % shows as 14.99."""
        exact = self.exact_ratio
        return None if exact is None else math.floor(exact * 10000) / 100


@dataclass
class AccountabilityReport:
    """问责比例 per town and for the district (see the module docstring)."""

    period: Period
    as_of: dt.date
    towns: list[AccountabilityRow]
    district: AccountabilityRow
    threshold: float = ACCOUNTABILITY_RATIO
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.period.label} 违法占用耕地问责比例 / accountability ratio"

    def info_lines(self) -> list[str]:
        return [
            f"统计时段 / period: {self.period.start} – {self.period.end}",
            f"报告日期 / report date: {self.as_of}",
            f"问责线 / threshold: {100 * self.threshold:.0f}%",
        ]

    def notes(self) -> list[str]:
        return [
            "问责比例 = 违法图斑耕地面积 ÷ 新增建设用地图斑耕地面积 / ratio = GDMJ of illegal "
            "spots ÷ GDMJ of new-construction spots",
            "新增建设：判定为合法或违法的图斑；判定为其他的（设施农用地、临时用地、农村道路、"
            "实地未变化、伪变化）不计，无论 TBLX 是否为新增建设用地 / new construction: spots "
            "judged legal or illegal; a spot judged other (facility land, temporary land, rural "
            "road, no change) never counts, whatever its TBLX",
            "时段内图斑：当前判定类别的首次核查日期在时段内 / spots of the period: current "
            "verdict category first given in the period",
            "问责比例截取（不四舍五入）至 0.01%，按未截取的比例与问责线比较：14.996% 显示为 "
            "14.99%，未达问责线 / the ratio is shown cut (not rounded) to 0.01 % and compared "
            "with the line unrounded: 14.996 % shows as 14.99 %, not flagged",
        ]

    def chart(self) -> Chart:
        return Chart(
            "问责比例 (%) / accountability ratio",
            [r.area for r in self.towns],
            [r.ratio_percent for r in self.towns],
            threshold=100 * self.threshold,
            unit="%",
        )

    def sheets(self) -> list[Sheet]:
        headers = [
            "乡镇 / town",
            "违法图斑 / illegal spots",
            "违法占用耕地 (m²) / illegal cultivated",
            "违法占用耕地 (亩) / (mu)",
            "新增建设图斑 / construction spots",
            "新增建设占用耕地 (m²) / construction cultivated",
            "新增建设占用耕地 (亩) / (mu)",
            "问责比例 (%) / ratio",
            "达到问责线 / flagged",
        ]

        def row(r: AccountabilityRow, name: str) -> list[Any]:
            return [
                name,
                r.illegal_spots,
                round(r.illegal_cultivated_sqm, AREA_DECIMALS),
                shown_mu(r.illegal_cultivated_sqm),
                r.construction_spots,
                round(r.construction_cultivated_sqm, AREA_DECIMALS),
                shown_mu(r.construction_cultivated_sqm),
                r.ratio_percent,
                "是 / yes" if r.flagged else "否 / no",
            ]

        rows = [row(r, r.area) for r in self.towns] + [row(self.district, "全区 / district")]
        return [
            Sheet("问责比例 Ratio", headers, rows),
            _notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings),
        ]


def accountability_ratio(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
) -> AccountabilityReport:
    as_of = as_of or dt.date.today()
    context = _read(ledger, as_of, calendar)
    _common_warnings(context, period)
    towns: dict[str, AccountabilityRow] = {}
    district = AccountabilityRow("全区")
    for spot in context.spots:
        if spot.category is None or not period.contains(spot.verdict_date):
            continue
        if spot.category not in CONSTRUCTION_VERDICTS:
            continue
        row = towns.setdefault(spot.town, AccountabilityRow(spot.town))
        for target in (row, district):
            target.construction_spots += 1
            target.construction_cultivated_sqm += spot.cultivated
            if spot.category == ls.VERDICT_ILLEGAL:
                target.illegal_spots += 1
                target.illegal_cultivated_sqm += spot.cultivated
    ordered = sorted(towns.values(), key=lambda r: r.area)
    return AccountabilityReport(period, as_of, ordered, district, warnings=context.warnings)


# --- XLSX ---------------------------------------------------------------------------------------
def write_report_xlsx(report: Any, path: str | Path) -> Path:
    """Write any report of this module (it has sheets()) as XLSX, one sheet per table."""
    sheets = [
        xlsx.Sheet(sheet.name, [xlsx.Column(header) for header in sheet.headers], sheet.rows)
        for sheet in report.sheets()
    ]
    return xlsx.write_workbook(path, sheets, report.title)
