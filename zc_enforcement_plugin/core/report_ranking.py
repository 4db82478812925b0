"""The office ranking: monthly, half-year and year assessments (definitions in reports.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import clock
from . import ledger_schema as ls
from .areas import shown_mu
from .bilingual import Bilingual
from .cases import ORIGIN_PATROL
from .dates import parse_date
from .domain import (
    AREA_DECIMALS,
)
from .ledger import (
    LedgerStore,
)
from .patrols import (
    PATROL_DAYS_PER_WEEK,
    weekly_compliance,
)
from .report_basis import (
    COMPONENT_LABELS,
    HALF_YEAR,
    MONTH,
    MU_TOTAL_NOTE,
    NO_OFFICE,
    PERCENT_DECIMALS,
    READ_SHARE,
    SCORE_COMPONENTS,
    SCORE_FORMULA,
    STEP_EVERY,
    YEAR,
    Chart,
    Period,
    ReportContext,
    Sheet,
    Step,
    act_stopped,
    area_column,
    case_rectified,
    common_warnings,
    count_column,
    first_working_day_from,
    judged_on,
    monthly_due_date,
    no_steps,
    notes_sheet,
    overdue_standing,
    part_of,
    percent_column,
    period_lines,
    read_ledger,
    refuse_office_login,
    report_steps,
    score,
    score_weights,
    stop_order_by,
    text_column,
    unopened_cases,
    withdrawn_patrols_note,
)
from .workdays import (
    WorkCalendar,
)


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
    # Of overdue_cases, those overdue only on a deadline estimated for want of the year's
    # holiday schedule: counted (the score is computed as for any), and shown beside it, as
    # the figure may change once the schedule is added.
    overdue_estimated: int = 0
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
class RankingReport:
    """每月通报 or 半年/年度考核: the offices ranked by score."""

    period: Period
    as_of: dt.date
    weights: dict[str, float]
    weights_source: Bilingual
    offices: list[OfficeFigures]  # ranked
    total: OfficeFigures
    due_date: dt.date | None  # monthly: issue before this day
    monthly: list[RankingReport] = field(default_factory=list)  # assessments: the months
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        label = self.period.label
        if self.period.kind == MONTH:
            return Bilingual(f"{label} 各自然资源所卫片执法工作通报", "monthly ranking of offices")
        if self.period.kind == HALF_YEAR:
            return Bilingual(f"{label} 半年考核", "half-year assessment of offices")
        return Bilingual(f"{label} 年度考核", "year assessment of offices")

    def info_lines(self) -> list[str]:
        lines = period_lines(self.period, self.as_of)
        # The 5th of the next month, when the due date was put off past it (a day off).
        fifth = monthly_due_date(self.period) if self.due_date is not None else None
        if self.due_date is not None and self.due_date != fifth:
            lines.append(
                Bilingual(
                    f"报送期限：{self.due_date} 前（{fifth} 为休息日，顺延至其后第一个工作日）",
                    f"due: before {self.due_date} ({fifth}, the 5th of the next month, is a day "
                    "off: put off to the first working day after it)",
                )
            )
        elif self.due_date is not None:
            lines.append(
                Bilingual(
                    f"报送期限：{self.due_date} 前",
                    f"due: before {self.due_date} (the 5th of the next month)",
                )
            )
        return lines

    def notes(self) -> list[str]:
        source = self.weights_source
        lines = [Bilingual(f"权重来源：{source.chinese}", f"weights from: {source.english}")]
        for k in SCORE_COMPONENTS:
            label, weight = COMPONENT_LABELS[k], f"{self.weights[k]:g}"
            lines.append(
                Bilingual(f"{label.chinese}：{weight}", f"{label.english}: {weight}").indented()
            )
        lines.append(SCORE_FORMULA)
        lines += [line.indented() for line in _DEFINITIONS]
        lines.append(MU_TOTAL_NOTE)
        return lines

    def chart(self) -> Chart:
        return Chart(
            "得分 / score",
            [o.office for o in self.offices],
            [o.score for o in self.offices],
            maximum=100.0,
        )

    def sheets(self) -> list[Sheet]:
        sheets = [
            Sheet(Bilingual("排名", "Ranking"), _RANKING_COLUMNS, self._rows(_ranking_row)),
            Sheet(
                Bilingual("得分分项", "Score components"),
                _COMPONENT_COLUMNS,
                self._rows(_component_row),
            ),
        ]
        if self.monthly:
            # Headed in Chinese as every column is, the month's label (2024-01) in the note.
            months = [
                percent_column(
                    f"{m.period.start.year}年{m.period.start.month}月得分",
                    f"score {m.period.label}",
                )
                for m in self.monthly
            ]
            scores = []
            for office in self.offices:
                row: list[Any] = [office.office]
                for month in self.monthly:
                    found = next((o for o in month.offices if o.office == office.office), None)
                    row.append(None if found is None else found.score)
                scores.append(row)
            columns = [text_column("自然资源所", "office"), *months]
            sheets.append(Sheet(Bilingual("月度得分", "Monthly"), columns, scores))
        sheets.append(notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings))
        return sheets

    def _rows(self, make) -> list[list[Any]]:
        """A row per office by ``make`` (rank and office first), then the district's."""
        rows = [make(o) for o in self.offices]
        total = make(self.total)
        total[1] = Bilingual("合计", "district")
        return [*rows, total]


# How many of an office's overdue cases rest on an estimated deadline (OfficeFigures).
OVERDUE_ESTIMATED_HEADER = ("估算逾期", "est. overdue")  # header and its English

# The columns of _ranking_row's and _component_row's values, in their order.
_RANKING_COLUMNS = [
    count_column("排名", "rank"),
    text_column("自然资源所", "office"),
    count_column("新增违法图斑", "new illegal spots"),
    area_column("违法面积 (m²)", "illegal area"),
    area_column("违法面积 (亩)", "illegal area (mu)"),
    area_column("占用耕地 (m²)", "cultivated"),
    area_column("占用耕地 (亩)", "cultivated (mu)"),
    area_column("占用永久基本农田 (m²)", "basic farmland"),
    area_column("占用永久基本农田 (亩)", "basic farmland (mu)"),
    percent_column("制止率 (%)", "stop-order rate"),
    percent_column("整改率 (%)", "rectification rate"),
    percent_column("巡查达标率 (%)", "patrol compliance"),
    percent_column("按期办理率 (%)", "timeliness"),
    count_column(*OVERDUE_ESTIMATED_HEADER),
    percent_column("得分", "score"),
]

# Each scored rate beside the counts it is computed from, so a score can be checked by hand.
_COMPONENT_COLUMNS = [
    count_column("排名", "rank"),
    text_column("自然资源所", "office"),
    count_column("违法行为", "illegal acts"),
    count_column("已制止", "stopped"),
    percent_column("制止率 (%)", "stop-order rate"),
    count_column("开启案件", "cases opened"),
    count_column("整改到位", "rectified"),
    percent_column("整改率 (%)", "rectification rate"),
    count_column("统计周数", "weeks"),
    count_column("达标周数", f"weeks ≥ {PATROL_DAYS_PER_WEEK} days"),
    percent_column("巡查达标率 (%)", "patrol compliance"),
    count_column("未结案件", "open cases"),
    count_column("逾期案件", "overdue cases"),
    count_column(*OVERDUE_ESTIMATED_HEADER),
    percent_column("按期办理率 (%)", "timeliness"),
    percent_column("得分", "score"),
]


_DEFINITIONS = [
    Bilingual(
        "新增违法图斑：当前判定为违法、且该判定的核查日期在统计时段内",
        "new illegal spot: current verdict 违法, first given in the period",
    ),
    Bilingual(
        "制止率 = 已制止的违法行为 ÷ 违法行为（新增违法图斑 + 巡查发现立案）；已制止：截至时段末"
        "（报告日期更早时按报告日期），案件有“制止”记录，或图斑判定注明已下达责令停止违法行为"
        "通知书",
        "stop-order rate = illegal acts stopped ÷ illegal acts; stopped by the period's end (or "
        "the report date if earlier): its case has a stop event or its verdict says a stop order "
        "was issued",
    ),
    Bilingual(
        "整改率 = 时段内开启、截至时段末在核查或制止后直接结案（整改到位）的案件 ÷ 时段内开启"
        "的案件",
        "rectification rate = cases closed right after verify or stop by the period's end ÷ "
        "cases opened",
    ),
    Bilingual(
        f"巡查达标率 = 巡查不少于{PATROL_DAYS_PER_WEEK}天的周数 ÷ 周数"
        "（ISO周，以周四所在月份归属）",
        f"patrol compliance = ISO weeks with ≥ {PATROL_DAYS_PER_WEEK} patrol days ÷ weeks (a "
        "week belongs to its Thursday)",
    ),
    Bilingual(
        f"“{NO_OFFICE}”：未填写所的图斑和案件，计入全区合计，不计巡查、不计分、不排名",
        f"{NO_OFFICE}: spots and cases without an office, counted in the district's figures; "
        "no patrol weeks, no score, no rank",
    ),
    Bilingual(
        "按期办理率 = 1 − 逾期案件 ÷ 未结案件，均按时段末（报告日期更早时按报告日期）计，时段后"
        "开启的案件不计",
        "timeliness = 1 − overdue ÷ open cases, both as at the period's end (or the report date "
        "if earlier); cases opened later do not count",
    ),
    Bilingual(
        "判定为违法而未开启案件的图斑计入未结案件，按判定违法之日发现计期限（书面报告、立案等，"
        "与案件同一规则）",
        "a spot judged illegal with no case opened counts as an open case discovered on its "
        "verdict date (written report, filing: the cases' own deadline rules)",
    ),
    Bilingual(
        "逾期案件中，期限落在尚无官方节假日安排的年份、按估算计的（“估算逾期”栏，说明中标"
        "“逾期，估算”），照常计入逾期和得分，直到补入该年的节假日安排：补入后重新生成本表，数字"
        "可能变化",
        "an overdue case whose deadline is estimated (a year without an official holiday "
        "schedule; the column “est. overdue”, “overdue, estimated” in the notes) counts as "
        "overdue and in the score until that year's schedule is added: the figures may change "
        "when the report is made again then",
    ),
]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, PERCENT_DECIMALS)


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
        o.overdue_estimated,
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
        o.overdue_estimated,
        _pct(o.timeliness),
        o.score,
    ]


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


def _office_figures(
    context: ReportContext, period: Period, step: Step = no_steps
) -> dict[str, OfficeFigures]:
    """Every office's figures over ``period``, its acts and cases as they stood at its end."""
    figures = {office: OfficeFigures(office) for office in context.offices}
    # Acts stopped and cases rectified or withdrawn by the period's end (the report date if
    # earlier), not since: a 制止 dated in November does not stop an October act, and a past
    # month's report made again later says what it said then.
    day = judged_on(context, period)
    standing = [(record, context.case_as_of(record, day)) for record, _ in context.cases]
    spot_cases = {record.spot_id: case for record, case in standing if record.spot_id and case}
    for spot in context.spots:
        if spot.category != ls.VERDICT_ILLEGAL or not period.contains(spot.verdict_date):
            continue
        f = figures[spot.office]
        f.new_illegal += 1
        f.illegal_area_sqm += spot.spot_area
        f.illegal_cultivated_sqm += spot.cultivated
        f.illegal_basic_farmland_sqm += spot.basic_farmland
        f.illegal_acts += 1
        f.stopped += act_stopped(spot_cases.get(spot.summary.id), stop_order_by(spot, day))
    for record, case in standing:
        office = figures.get(record.office or NO_OFFICE)
        if office is None:
            office = figures[record.office or NO_OFFICE] = OfficeFigures(record.office or NO_OFFICE)
        if case is None:  # opened after the period
            continue
        opened = case.events[0].date
        # A withdrawn case was no case of an illegal act: the rates are of acts, so it counts
        # neither as opened nor as rectified (its history stays in the ledger and the sheets).
        if period.contains(opened) and not case.withdrawn:
            office.cases_opened += 1
            office.cases_rectified += case_rectified(case)
            if record.origin == ORIGIN_PATROL:
                office.illegal_acts += 1
                office.stopped += act_stopped(case)
    step(0.1)
    _count_open_cases(context, figures, day, part_of(step, 0.1, 0.95))
    weeks = _weeks_of(period, context.as_of)
    if weeks is not None:
        count = ((weeks[1] - weeks[0]).days + 1) // 7
        # The spots without an office are no office that patrols: no weeks to score them on,
        # and none in the district's patrol figures.
        offices = [office for office in context.offices if office != NO_OFFICE]
        shortfalls = weekly_compliance(
            context.patrols, offices, weeks[0], weeks[1], PATROL_DAYS_PER_WEEK
        )
        withdrawn = [p for p in context.withdrawn_patrols if weeks[0] <= p.date <= weeks[1]]
        if withdrawn:
            context.warn(withdrawn_patrols_note(withdrawn))
        short = {}
        for shortfall in shortfalls:
            short[shortfall.office] = short.get(shortfall.office, 0) + 1
        for office, f in figures.items():
            if office == NO_OFFICE:
                continue
            f.weeks = count
            f.weeks_compliant = count - short.get(office, 0)
    step(1.0)
    return figures


def rank_offices(
    figures: Iterable[OfficeFigures], weights: Mapping[str, float]
) -> list[OfficeFigures]:
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
        total.overdue_estimated += f.overdue_estimated
    return total


def _weights(ledger: LedgerStore) -> tuple[dict[str, float], Bilingual]:
    stored = ledger.settings().get(ls.SETTING_REPORT_WEIGHTS)
    if stored is None:
        return score_weights(), Bilingual("默认权重", "default weights (reports.DEFAULT_WEIGHTS)")
    return score_weights(stored), Bilingual(
        f"台帐设置 {ls.SETTING_REPORT_WEIGHTS}", f"ledger setting {ls.SETTING_REPORT_WEIGHTS}"
    )


def monthly_ranking(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> RankingReport:
    """每月通报: offices ranked by score over one month (see the module docstring)."""
    if period.kind != MONTH:
        raise ValueError(f"monthly_ranking needs a month, got {period.kind}")
    refuse_office_login(ledger, ("每月通报", "the monthly ranking"))
    as_of = as_of or clock.today()
    step = report_steps(progress, is_cancelled)
    context = read_ledger(ledger, as_of, calendar, part_of(step, 0.0, READ_SHARE))
    weights, source = _weights(ledger)
    common_warnings(context, period)
    if not _work_recorded_in(context, period):
        # Every office then ranks alike (each 0.00 for its patrols, 1st), which reads as a
        # month's result: a wrong month typed, or the wrong ledger, went unnoticed.
        context.warn(
            Bilingual(
                f"台帐中没有日期在 {period.label} 的图斑判定、案件步骤或巡查记录，各所的得分和"
                "排名不反映该月的工作：请检查月份和台帐",
                f"the ledger records no verdict, case step or patrol dated in {period.label}: "
                "the scores and ranks say nothing of that month's work; check the month and "
                "the ledger",
            )
        )
    figures = _office_figures(context, period, part_of(step, READ_SHARE, 1.0))
    ranked = rank_offices(figures.values(), weights)
    total = _total(ranked)
    total.score = score(total.components(), weights)
    return RankingReport(
        period,
        as_of,
        weights,
        source,
        ranked,
        total,
        first_working_day_from(monthly_due_date(period), context.calendar),
        warnings=context.warnings,
    )


def _work_recorded_in(context: ReportContext, period: Period) -> bool:
    """Whether the ledger records a verdict, a case step or a patrol dated in ``period``."""
    return (
        any(
            period.contains(parse_date(verdict.verified_on, strict=False))
            for spot in context.spots
            for verdict in spot.history
        )
        or any(
            period.contains(step.date) for record, _ in context.cases for step in record.case.events
        )
        or any(period.contains(patrol.date) for patrol in context.patrols)
    )


def assessment(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> RankingReport:
    """半年/年度考核: the monthly figures of the period summed per office, scored and ranked.

    Counts and areas are summed over the months and the rates recomputed from the summed
    numerators and denominators (not averaged). Each month is scored with its open and overdue
    cases as they stood at the month's end, the period with those at the period's end.
    """
    if period.kind not in (HALF_YEAR, YEAR):
        raise ValueError(f"assessment needs a half-year or a year, got {period.kind}")
    refuse_office_login(ledger, ("考核", "the assessment"))
    as_of = as_of or clock.today()
    step = report_steps(progress, is_cancelled)
    context = read_ledger(ledger, as_of, calendar, part_of(step, 0.0, READ_SHARE))
    weights, source = _weights(ledger)
    common_warnings(context, period)
    months = []
    summed: dict[str, OfficeFigures] = {}
    # Each month is counted as a monthly ranking is, and the period's open cases once more:
    # progress moves, and a cancel is heard, month by month and within each.
    counted = [month for month in period.months() if month.start <= as_of]
    share = (1.0 - READ_SHARE) / (len(counted) + 1)
    for number, month in enumerate(counted):
        start = READ_SHARE + number * share
        figures = _office_figures(context, month, part_of(step, start, start + share))
        for office, f in figures.items():
            summed.setdefault(office, OfficeFigures(office)).add(f)
        ranked = rank_offices([_copy(f) for f in figures.values()], weights)
        months.append(RankingReport(month, as_of, weights, source, ranked, _total(ranked), None))
    idle = [month.label for month in counted if not _work_recorded_in(context, month)]
    if idle:
        # As the monthly ranking says of its month: their 0.0 scores are no month's work (a
        # half year whose July to October were never recorded read as idle offices).
        context.warn(
            Bilingual(
                f"台帐中没有日期在这些月份的图斑判定、案件步骤或巡查记录：{'、'.join(idle)}，"
                "各所这些月份的得分不反映其工作：请检查台帐是否完整",
                f"the ledger records no verdict, case step or patrol dated in these months: "
                f"{', '.join(idle)}; the offices' scores for them say nothing of their work: "
                "check that the ledger is complete",
            )
        )
    _count_open_cases(context, summed, judged_on(context, period), part_of(step, 1.0 - share, 1.0))
    ranked = rank_offices(summed.values(), weights)
    total = _total(ranked)
    total.score = score(total.components(), weights)
    return RankingReport(
        period, as_of, weights, source, ranked, total, None, months, context.warnings
    )


def _copy(f: OfficeFigures) -> OfficeFigures:
    return OfficeFigures(**{k: v for k, v in f.__dict__.items()})


def _count_open_cases(
    context: ReportContext,
    figures: dict[str, OfficeFigures],
    day: dt.date,
    step: Step = no_steps,
) -> None:
    """Set each office's open and overdue cases as the cases stood at the end of ``day``."""
    for f in figures.values():
        f.open_cases = f.overdue_cases = f.overdue_estimated = 0
    for number, (record, _) in enumerate(context.cases):
        if number % STEP_EVERY == 0:
            step(0.8 * number / len(context.cases))
        case = context.case_as_of(record, day)  # None: opened after ``day``
        if case is None or case.closed:
            continue
        office = record.office or NO_OFFICE
        f = figures.setdefault(office, OfficeFigures(office))
        f.open_cases += 1
        overdue, estimated = overdue_standing(context, case, day)
        f.overdue_cases += overdue
        f.overdue_estimated += estimated
    # Said by office, so the open and overdue counts can be checked against the ledger: each
    # spot's mark in each half's language (a pair inside the Chinese half showed its English).
    unopened: dict[str, list[tuple[str, str]]] = {}
    step(0.8)
    for spot, case in unopened_cases(context, day):
        f = figures.setdefault(spot.office, OfficeFigures(spot.office))
        f.open_cases += 1
        overdue, estimated = overdue_standing(context, case, day)
        f.overdue_cases += overdue
        f.overdue_estimated += estimated
        mark_zh, mark_en = (
            ("（逾期，估算）", " (overdue, estimated)")
            if estimated
            else ("（逾期）", " (overdue)")
            if overdue
            else ("", "")
        )
        number = spot.summary.number
        unopened.setdefault(spot.office, []).append((number + mark_zh, number + mark_en))
    step(1.0)
    for office, numbers in sorted(unopened.items()):
        numbers_zh, numbers_en = (
            "、".join(zh for zh, _ in numbers),
            ", ".join(en for _, en in numbers),
        )
        context.warn(
            Bilingual(
                f"{office} 截至 {day} 未立案的违法图斑计入未结案件：{numbers_zh}",
                f"{office}: illegal spots with no case opened by {day}, counted as open cases: "
                f"{numbers_en}",
            )
        )
