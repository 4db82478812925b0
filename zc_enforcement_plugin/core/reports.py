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
  it (a finding has no spot). Stop-order rate = acts stopped by the end of the period (or the
  report date when it comes first) ÷ acts, an act being stopped when its case had a 制止 event
  by then or the spot's verdict standing then says a stop order was issued (act_stopped).
  Rectification rate = cases opened in the period that were closed straight after 核查 or 制止
  (整改到位, before filing) by its end ÷ cases opened in the period, a case withdrawn by then
  counting in neither. Each case is taken as it stood at that day (the day its open and overdue
  cases are judged, judged_on), so a past period's report made again later says the same.
- The offices are those named by the ledger's spots, cases and patrols, and on the shared ledger
  every office set up on the server, so an office that recorded nothing is still ranked. A
  login that sees only its own offices' rows (an office login on the shared ledger) is refused
  the ranking, the assessment and the accountability ratio (OfficeLoginError), which compare
  every office or total the district; its weekly dispatch says whose it is. Spots
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

from pathlib import Path
from typing import Any

from . import xlsx
from .report_accountability import AccountabilityReport, AccountabilityRow, accountability_ratio
from .report_basis import (
    CONSTRUCTION_VERDICTS,
    DEFAULT_WEIGHTS,
    MONTH,
    NO_CASE,
    NO_CASE_EN,
    NO_CASE_ZH,
    NO_OFFICE,
    NO_TOWN,
    NOTES_SHEET,
    SCORE_COMPONENTS,
    WEEK,
    Chart,
    OfficeLoginError,
    Period,
    ReportCancelled,
    Sheet,
    act_stopped,
    last_half_year,
    last_month,
    monthly_due_date,
    score,
    score_weights,
)
from .report_dispatch import WeeklyDispatch, dispatch_horizon, weekly_dispatch
from .report_ranking import OfficeFigures, RankingReport, assessment, monthly_ranking, rank_offices

# --- XLSX ---------------------------------------------------------------------------------------

# The reports' interface (the parts are in report_basis, report_ranking, report_dispatch and
# report_accountability).
__all__ = [
    "accountability_ratio",
    "AccountabilityReport",
    "AccountabilityRow",
    "act_stopped",
    "assessment",
    "Chart",
    "CONSTRUCTION_VERDICTS",
    "DEFAULT_WEIGHTS",
    "dispatch_horizon",
    "last_half_year",
    "last_month",
    "MONTH",
    "monthly_due_date",
    "monthly_ranking",
    "NO_CASE",
    "NO_CASE_EN",
    "NO_CASE_ZH",
    "NO_OFFICE",
    "NO_TOWN",
    "NOTES_SHEET",
    "OfficeFigures",
    "OfficeLoginError",
    "Period",
    "rank_offices",
    "RankingReport",
    "ReportCancelled",
    "score",
    "SCORE_COMPONENTS",
    "score_weights",
    "Sheet",
    "WEEK",
    "weekly_dispatch",
    "WeeklyDispatch",
    "write_report_xlsx",
]


def write_report_xlsx(report: Any, path: str | Path) -> Path:
    """Write any report of this module (it has sheets()) as XLSX, one sheet per table."""
    sheets = [xlsx.Sheet(sheet.name, sheet.columns, sheet.rows) for sheet in report.sheets()]
    return xlsx.write_workbook(path, sheets, report.title)
