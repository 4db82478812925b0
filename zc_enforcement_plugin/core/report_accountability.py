"""The accountability ratio (问责比例): illegally occupied cultivated land over cultivated land
occupied by new construction, per town and district (definitions in reports.py)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import clock, domain
from . import ledger_schema as ls
from .areas import shown_mu
from .bilingual import Bilingual
from .domain import AREA_DECIMALS
from .ledger import (
    LedgerStore,
)
from .report_basis import (
    CONSTRUCTION_VERDICTS,
    MU_TOTAL_NOTE,
    Chart,
    Period,
    Sheet,
    area_column,
    common_warnings,
    count_column,
    notes_sheet,
    percent_column,
    period_lines,
    read_ledger,
    refuse_office_login,
    report_steps,
    text_column,
)
from .workdays import (
    WorkCalendar,
)


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
        # figure never reads as reaching the line when it did not). The line is the domain's,
        # read here as the report's 问责线 line, chart and help texts read it: one figure.
        exact = self.exact_ratio
        return exact is not None and exact >= Fraction(str(domain.ACCOUNTABILITY_RATIO))

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
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return Bilingual(f"{self.period.label} 违法占用耕地问责比例", "accountability ratio")

    def info_lines(self) -> list[str]:
        return [
            *period_lines(self.period, self.as_of),
            Bilingual(
                f"问责线：{100 * domain.ACCOUNTABILITY_RATIO:.0f}%",
                f"threshold: {100 * domain.ACCOUNTABILITY_RATIO:.0f}%",
            ),
        ]

    def notes(self) -> list[str]:
        return [
            Bilingual(
                "问责比例 = 违法图斑耕地面积 ÷ 新增建设用地图斑耕地面积",
                "ratio = GDMJ of illegal spots ÷ GDMJ of new-construction spots",
            ),
            Bilingual(
                "新增建设：判定为合法或违法的图斑；判定为其他的（设施农用地、临时用地、农村道路、"
                "实地未变化、伪变化）不计，无论 TBLX 是否为新增建设用地",
                "new construction: spots judged legal or illegal; a spot judged other (facility "
                "land, temporary land, rural road, no change) never counts, whatever its TBLX",
            ),
            Bilingual(
                "时段内图斑：当前判定类别的首次核查日期在时段内",
                "spots of the period: current verdict category first given in the period",
            ),
            Bilingual(
                "问责比例截取（不四舍五入）至 0.01%，按未截取的比例与问责线比较：14.996% 显示为 "
                "14.99%，未达问责线",
                "the ratio is shown cut (not rounded) to 0.01 % and compared with the line "
                "unrounded: 14.996 % shows as 14.99 %, not flagged",
            ),
            MU_TOTAL_NOTE,
        ]

    def chart(self) -> Chart:
        return Chart(
            "问责比例 (%) / accountability ratio",
            [r.area for r in self.towns],
            [r.ratio_percent for r in self.towns],
            threshold=100 * domain.ACCOUNTABILITY_RATIO,
            unit="%",
        )

    def sheets(self) -> list[Sheet]:
        columns = [
            text_column("乡镇", "town"),
            count_column("违法图斑", "illegal spots"),
            area_column("违法占用耕地 (m²)", "illegal cultivated"),
            area_column("违法占用耕地 (亩)", "illegal cultivated (mu)"),
            count_column("新增建设图斑", "construction spots"),
            area_column("新增建设占用耕地 (m²)", "construction cultivated"),
            area_column("新增建设占用耕地 (亩)", "construction cultivated (mu)"),
            percent_column("问责比例 (%)", "ratio"),
            text_column("达到问责线", "flagged"),
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
                Bilingual("是", "yes") if r.flagged else Bilingual("否", "no"),
            ]

        rows = [row(r, r.area) for r in self.towns] + [
            row(self.district, Bilingual("全区", "district"))
        ]
        return [
            Sheet(Bilingual("问责比例", "Ratio"), columns, rows),
            notes_sheet(self.title, self.info_lines() + self.notes(), self.warnings),
        ]


def accountability_ratio(
    ledger: LedgerStore,
    period: Period,
    calendar: WorkCalendar,
    as_of: dt.date | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> AccountabilityReport:
    # Its district row is the district's figure of accountability: one office's towns are not it.
    refuse_office_login(ledger, ("问责比例", "the accountability ratio"))
    as_of = as_of or clock.today()
    step = report_steps(progress, is_cancelled)  # its counting is quick: the reading is it
    context = read_ledger(ledger, as_of, calendar, step, by_town=True)
    # It counts verdicts in a period: no working-day deadline, so no holiday schedule needed.
    common_warnings(context, period, working_days=False)
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
    if not district.construction_spots:
        # Its 0 / 0.00 / 否 read as a district not flagged: a wrong year typed, or the wrong
        # ledger, went unnoticed (found by a review).
        context.warn(
            Bilingual(
                f"台帐中没有 {period.label} 内判定的建设用地类图斑：问责比例无从计算，"
                "请检查时段和台帐",
                f"the ledger holds no construction-land spot judged in {period.label}: there is "
                "no ratio to count; check the period and the ledger",
            )
        )
    ordered = sorted(towns.values(), key=lambda r: r.area)
    return AccountabilityReport(period, as_of, ordered, district, warnings=context.warnings)
