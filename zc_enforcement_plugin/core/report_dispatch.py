"""The weekly dispatch: every open case's and unopened illegal spot's deadlines in the coming
working week, what is overdue, by office (definitions in reports.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import clock
from . import deadlines as dl
from . import ledger_schema as ls
from .bilingual import Bilingual
from .cases import Stage
from .ledger import (
    LedgerStore,
)
from .report_basis import (
    DISPATCH_WORKING_DAYS,
    NO_CASE,
    NO_CASE_EN,
    NO_CASE_ZH,
    NO_OFFICE,
    READ_SHARE,
    STEP_EVERY,
    WEEK,
    Chart,
    Period,
    Sheet,
    case_deadlines,
    common_warnings,
    count_column,
    date_column,
    notes_sheet,
    offices_seen,
    part_of,
    period_lines,
    read_ledger,
    report_steps,
    rests_on_estimate,
    say_estimated_years,
    text_column,
    unopened_cases,
)
from .workdays import (
    UnknownScheduleError,
    WorkCalendar,
)


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
    # The offices of a login that sees only its own (offices_seen), else None: the report is
    # then that login's, and nothing in it may read as the district's.
    offices_only: list[str] | None = None
    # The window reaches a year without a holiday schedule: its working days, and so its last
    # day, are counted on an estimate (see horizon_is_estimate).
    horizon_estimated: bool = False

    @property
    def title(self) -> str:
        if self.offices_only is not None:
            names = "、".join(self.offices_only)
            return Bilingual(
                f"{self.period.label} 每周调度（仅{names}）", f"weekly dispatch ({names} only)"
            )
        return Bilingual(f"{self.period.label} 每周调度", "weekly dispatch")

    @property
    def total_label(self) -> str:
        if self.offices_only is not None:
            names = "、".join(self.offices_only)
            return Bilingual(f"合计（仅{names}）", "total of these offices only")
        return Bilingual("合计", "district")

    def scope_line(self) -> str | None:
        """What the report holds when it is not the district: said on its first page, in its
        notes and (by the algorithm) in the log."""
        if self.offices_only is None:
            return None
        names = "、".join(self.offices_only)
        return Bilingual(
            f"本表只含本登录所辖所（{names}）的记录（共享台帐的行级安全），不是全区的调度",
            f"this report holds only the rows of this login's offices ({names}) on the shared "
            "ledger (row-level security), not the district's",
        )

    def info_lines(self) -> list[str]:
        scope = self.scope_line()
        mark_zh, mark_en = (dl.ESTIMATE_MARK, " (estimate)") if self.horizon_estimated else ("", "")
        return [
            *([scope] if scope else []),
            *period_lines(self.period, self.as_of),
            Bilingual(
                f"未来{DISPATCH_WORKING_DAYS}个工作日内到期{mark_zh}："
                f"{self.as_of} – {self.horizon}",
                f"due within {DISPATCH_WORKING_DAYS} working days{mark_en}: {self.as_of} – "
                f"{self.horizon}",
            ),
        ]

    def notes(self) -> list[str]:
        return [
            Bilingual(
                "新核查图斑：首次判定的核查日期在本周", "verified: first verdict dated in the week"
            ),
            Bilingual(
                "新增违法：当前判定为违法且首次判定违法在本周",
                "new illegal: judged 违法 in the week",
            ),
            Bilingual("案件阶段为报告日期的当前阶段", "case stages as at the report date"),
            Bilingual(
                f"案件栏为“{NO_CASE_ZH}”的：判定为违法而未开启案件的图斑，按判定违法之日发现计期限",
                f"case “{NO_CASE_EN}”: a spot judged illegal with no case opened, its deadlines "
                "counted as a case discovered on its verdict date",
            ),
        ]

    def chart(self) -> Chart:
        return Chart(
            "新增违法图斑 / new illegal spots",
            [r.office for r in self.rows],
            [float(r.new_illegal) for r in self.rows],
            decimals=0,
        )

    def sheets(self) -> list[Sheet]:
        columns = [
            text_column("自然资源所", "office"),
            count_column("新核查图斑", "verified"),
            count_column("新增违法", "new illegal"),
            *(count_column(s.label_zh, s.value) for s in Stage),
        ]

        def row(r: DispatchRow, name: str) -> list[Any]:
            return [
                name,
                r.verified,
                r.new_illegal,
                *(r.cases_by_stage.get(s.value, 0) for s in Stage),
            ]

        rows = [row(r, r.office) for r in self.rows] + [row(self.total, self.total_label)]
        item_columns = [
            count_column("案件", "case"),
            text_column("自然资源所", "office"),
            text_column("来源", "origin"),
            text_column("当前阶段", "stage"),
            text_column("期限", "deadline"),
            date_column("到期日", "due"),
            text_column("估算", "estimate"),
        ]

        def items(values: list[DeadlineItem]) -> list[list[Any]]:
            # The day as a date (sortable, filterable), its being an estimate beside it.
            return [
                [
                    # The ledger numbers its cases: a number sorts 10 after 9, and NO_CASE
                    # stays the text it is.
                    int(i.case_id) if i.case_id.isdigit() else i.case_id,
                    i.office,
                    i.origin,
                    i.stage,
                    i.deadline,
                    i.due,
                    Bilingual("估算", "estimate") if i.estimated else None,
                ]
                for i in values
            ]

        return [
            Sheet(Bilingual("调度", "Dispatch"), columns, rows),
            Sheet(
                Bilingual(f"{DISPATCH_WORKING_DAYS}个工作日内到期", "Due"),
                item_columns,
                items(self.due_next_week),
            ),
            Sheet(Bilingual("逾期", "Overdue"), item_columns, items(self.overdue)),
            notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings),
        ]


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


def horizon_is_estimate(as_of: dt.date, horizon: dt.date, calendar: WorkCalendar) -> bool:
    """Whether the dispatch window from ``as_of`` to ``horizon`` runs through a year without a
    holiday schedule, its working days then counted Monday to Friday (an estimate)."""
    years = range(as_of.year, horizon.year + 1)
    return any(not calendar.covers(dt.date(year, 1, 1)) for year in years)


def weekly_dispatch(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> WeeklyDispatch:
    """每周调度 of one ISO week, with the open deadlines due from the report date to
    DISPATCH_WORKING_DAYS working days after it (the day itself included) and those already
    overdue."""
    if period.kind != WEEK:
        raise ValueError(f"weekly_dispatch needs a week, got {period.kind}")
    as_of = as_of or clock.today()
    step = report_steps(progress, is_cancelled)
    context = read_ledger(ledger, as_of, calendar, part_of(step, 0.0, READ_SHARE))
    counting = part_of(step, READ_SHARE, 1.0)
    horizon = dispatch_horizon(as_of, calendar)
    # An estimate counts no swapped working day (a Sunday worked before a holiday): the real
    # day may come sooner, so an estimated deadline just past the horizon is listed too,
    # rather than missed by the meeting whose week it falls in.
    estimate_horizon = horizon + dt.timedelta(days=ESTIMATE_MARGIN_DAYS)
    common_warnings(context, period, [horizon])
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
    cases += [(spot.office, case) for spot, case in unopened_cases(context, as_of)]
    for number, (office, case) in enumerate(cases):
        if number % STEP_EVERY == 0:
            counting(number / len(cases))
        for deadline in case_deadlines(context, case):
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
                estimated=rests_on_estimate(deadline),
            )
            if deadline.due < as_of:
                overdue.append(item)
            elif deadline.status == dl.DUE_SOON:  # due today included: still in time
                due_next.append(item)
            elif item.estimated and deadline.due <= estimate_horizon:
                due_next.append(item)
                early += 1
            else:
                continue
            say_estimated_years(context, [deadline])
    counting(1.0)
    total = DispatchRow("合计")
    for row in rows.values():
        total.verified += row.verified
        total.new_illegal += row.new_illegal
        for stage, count in row.cases_by_stage.items():
            total.cases_by_stage[stage] = total.cases_by_stage.get(stage, 0) + count
    if early:
        context.warn(
            Bilingual(
                f"{early} 个估算的期限在 {DISPATCH_WORKING_DAYS} 个工作日之后、{estimate_horizon} "
                "及以前，也已列出：估算不计调休上班日，实际到期日可能更早",
                f"{early} estimated deadlines falling after {DISPATCH_WORKING_DAYS} working days "
                f"and by {estimate_horizon} are listed too: an estimate counts no swapped working "
                "day, so the real day may be sooner",
            )
        )
    order = sorted(rows.values(), key=lambda r: r.office)
    due_next.sort(key=lambda i: (i.due, i.case_id, i.origin))
    overdue.sort(key=lambda i: (i.due, i.case_id, i.origin))
    return WeeklyDispatch(
        period,
        as_of,
        order,
        total,
        due_next,
        overdue,
        horizon,
        context.warnings,
        offices_seen(ledger),
        horizon_is_estimate(as_of, horizon, calendar),
    )
