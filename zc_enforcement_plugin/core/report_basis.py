"""What every report of the brigade counts from: the score and its weights, the periods, and
what the ledger says, read once (spots, verdicts, cases, patrols, the calendar). The
definitions are in reports.py."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import clock, xlsx
from . import deadlines as dl
from . import ledger_schema as ls
from .areas import MU_TOTAL_RULE, MU_TOTAL_RULE_EN
from .bilingual import Bilingual
from .cases import Case, Stage
from .dates import parse_date
from .domain import (
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    REFERRAL_BASIC_FARMLAND_AREA,
    REFERRAL_CULTIVATED_AREA,
    TOWN_NAME,
    first_of,
)
from .ledger import CaseRecord, LedgerError, LedgerStore, SpotSummary, Verdict
from .ledger_records import office_aliases_in, under_current_names
from .ledger_rows import spot_case_figures
from .progress import Reporter
from .workdays import WorkCalendar

# Verdicts saying construction took place: the denominator of the accountability ratio (DOMAIN.md
# §5, cultivated land occupied by new construction). Every legal basis (农转用, 增减挂钩, other
# approval) approves construction, and every illegal kind is an illegal occupation of land, so
# the illegal spots of the numerator are always in the denominator. A 其他 verdict is never
# construction, whatever the delivered TBLX (新增建设用地 included) said: 设施农用地, 临时用地 and
# 农村道路 are not construction land by law (a town's ratio would fall under 15 % on them), and
# 实地未变化 / 伪变化 means nothing was built.
CONSTRUCTION_VERDICTS = (ls.VERDICT_LEGAL, ls.VERDICT_ILLEGAL)
REPORT_DUE_DAY = 5  # the monthly ranking is issued before the 5th of the next month
NO_OFFICE = "（未填写所）"
# Marks an illegal spot nobody opened a case for: the halves for a message's own halves (a
# whole pair inside the Chinese half showed English), the pair for a sheet's case cell.
NO_CASE_ZH, NO_CASE_EN = "未立案", "no case opened"
NO_CASE = Bilingual(NO_CASE_ZH, NO_CASE_EN)
NO_TOWN = "（未填写乡镇）"
PERCENT_DECIMALS = 2  # rates, the accountability ratio (in %) and scores (0-100)


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
    STOP_RATE: Bilingual("制止率", "stop-order rate"),
    RECTIFICATION_RATE: Bilingual("整改率", "rectification rate"),
    PATROL_COMPLIANCE: Bilingual("巡查达标率", "patrol compliance"),
    TIMELINESS: Bilingual("按期办理率", "timeliness"),
}
SCORE_FORMULA = Bilingual(
    "得分 = 100 × Σ(权重 × 分项) ÷ Σ(适用分项的权重)；分母为零的分项不适用，其权重不计。",
    "score = 100 × Σ(weight × component) ÷ Σ(weights of the components that apply); a component "
    "with a zero denominator does not apply and its weight drops out.",
)


def score_weights(overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
    """DEFAULT_WEIGHTS with ``overrides`` applied; ValueError naming a bad entry."""
    weights = dict(DEFAULT_WEIGHTS)
    if overrides is None:
        return weights
    # Each half whole, the values in both: a Chinese QGIS shows the Chinese half alone only
    # when it keeps them ("未知得分分项" beside "'speed'" had the whole pair shown).
    if not isinstance(overrides, Mapping):
        raise ValueError(
            '排名权重（report_weights）须为以分项为键的 JSON 对象，如 {"stop_rate": 40} / the '
            "ranking weights (report_weights) must be a JSON object keyed by component, such "
            'as {"stop_rate": 40}'
        )
    known_zh = "、".join(f"{c}（{COMPONENT_LABELS[c].chinese}）" for c in SCORE_COMPONENTS)
    for name, value in overrides.items():
        shown = json.dumps(name, ensure_ascii=False)
        if name not in SCORE_COMPONENTS:
            raise ValueError(
                f"排名权重：没有得分分项 {shown}；可用的分项：{known_zh} / ranking weights: no "
                f"score component {shown}; the components: {', '.join(SCORE_COMPONENTS)}"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            given = json.dumps(value, ensure_ascii=False)
            raise ValueError(
                f"排名权重：{name}（{COMPONENT_LABELS[name].chinese}）须为不小于 0 的数，现为 "
                f"{given} / ranking weights: {name} must be a number, 0 or more, not {given}"
            )
        weights[name] = float(value)
    if sum(weights.values()) <= 0:
        raise ValueError("排名权重不能全为 0 / the ranking weights must not all be 0")
    return weights


def score(components: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """SCORE_FORMULA rounded to 2 decimals; None when no weighted component applies."""
    applying = [(weights[k], v) for k, v in components.items() if v is not None and weights[k] > 0]
    total = sum(w for w, _ in applying)
    if total <= 0:
        return None
    return round(100.0 * sum(w * v for w, v in applying) / total, PERCENT_DECIMALS)


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
        """The ISO week (Monday to Sunday) holding ``day``; ValueError for the last days of
        the year 9999, whose week ends past the last date there is (a week typed 9999-12-31
        showed the user Python's OverflowError and its traceback)."""
        monday = day - dt.timedelta(days=day.weekday())
        year, week, _ = monday.isocalendar()
        try:
            sunday = monday + dt.timedelta(days=6)
        except OverflowError:
            raise ValueError(f"week {year}-W{week:02d} ends after 9999-12-31") from None
        return cls(WEEK, monday, sunday, f"{year}-W{week:02d}")

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
    first = (today or clock.today()).replace(day=1)
    previous = first - dt.timedelta(days=1)
    return Period.month(previous.year, previous.month)


def last_half_year(today: dt.date | None = None) -> Period:
    """The half-year ended last, the assessment's default: on 1 January last year's second
    half (it defaulted to the first half of the year just begun, with nothing in it)."""
    day = today or clock.today()
    return Period.half_year(day.year, 1) if day.month > 6 else Period.half_year(day.year - 1, 2)


def monthly_due_date(period: Period) -> dt.date:
    """The 5th of the month after the period: the monthly ranking is issued before it."""
    after = period.end + dt.timedelta(days=1)
    return after.replace(day=REPORT_DUE_DAY)


def first_working_day_from(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """``day``, or the first working day after it when it is a day off, as a period's end is
    put off past a holiday (the 5th of October falls in the National Day break); ``day`` as
    it is, weekend or not, where the calendar has no schedule for its year."""
    while calendar.covers(day) and not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


# --- progress and cancelling -----------------------------------------------------------------
class ReportCancelled(Exception):  # noqa: N818 - named as ExportCancelled and the others
    """The caller asked a report being built to stop: nothing of it is returned."""


# How far a report's work has gone, 0..1; raises ReportCancelled when the caller said stop.
Step = Callable[[float], None]


def report_steps(
    progress: Callable[[float], None] | None, is_cancelled: Callable[[], bool] | None
) -> Step:
    """The Step of a report asked with ``progress`` (percent, 0..100, as QgsFeedback takes it)
    and ``is_cancelled``, either None."""
    return Reporter(progress, is_cancelled, ReportCancelled)


def part_of(step: Step, start: float, end: float) -> Step:
    """``step`` for the part of the work from ``start`` to ``end`` (fractions of it)."""
    return lambda fraction: step(start + (end - start) * min(1.0, max(0.0, fraction)))


def no_steps(fraction: float) -> None:
    """The Step of a report nobody watches."""


# Reading the ledger's share of a report's progress; the counting after it takes the rest.
READ_SHARE = 0.4
# Progress is said, and a cancel heard, every so many spots or cases of a loop over them.
STEP_EVERY = 500


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
    # The spot's screening fields a case from it would count its scale on (REFERRAL_*), read
    # for spots ever judged illegal (those unopened_cases may list), else empty.
    referral: dict[str, Any] = field(default_factory=dict)
    ever_illegal: bool = False  # a verdict of ``history`` is 违法


@dataclass
class ReportContext:
    """The ledger read once for one report date."""

    as_of: dt.date
    calendar: WorkCalendar
    rules: dl.DeadlineRules
    spots: list[_SpotFacts]
    cases: list[tuple[CaseRecord, Case]]  # the case as its events up to as_of make it
    patrols: list
    offices: list[str]
    warnings: list[str]
    standings: CaseStandings = field(default_factory=lambda: CaseStandings())
    # Patrols withdrawn (recorded by mistake): in no figure, named in the notes of a report
    # whose weeks they fall in, so its figures can be traced to the ledger's rows.
    withdrawn_patrols: list = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def case_as_of(self, record: CaseRecord, day: dt.date) -> Case | None:
        """``record.case_as_of(day)``, from the one replay of the case (see CaseStandings)."""
        return self.standings.case_as_of(record, day)


class CaseStandings:
    """Every case as it stood at the end of any day a report asks for, each case replayed once.

    An assessment judges each case at twelve month ends and the year's end: replaying its
    events for each (CaseRecord.case_as_of) made 43,000 replays of 2,500 cases. The steps dated
    by a day are nearly always the first ones (a step is dated on or after the one before it),
    and the case after those is one of the states of a single replay (Case.standings), the
    same object from_events would build. A case whose corrected dates leave a gap (a later
    step dated before an earlier one) is replayed for that day as before."""

    def __init__(self) -> None:
        # id(record) -> (record, its standings; None when the replay fails and each day is
        # replayed on its own, raising as before). The record is kept so its id stays its own.
        self._replays: dict[int, tuple[CaseRecord, list[Case] | None]] = {}

    def case_as_of(self, record: CaseRecord, day: dt.date) -> Case | None:
        steps = record.case.events
        dated = [step.date <= day for step in steps]
        count = sum(dated)
        if count == 0:
            return None
        if not all(dated[:count]):
            return record.case_as_of(day)
        found = self._replays.get(id(record))
        if found is None:
            try:
                replay: list[Case] | None = Case.standings(steps)
            except ValueError:
                replay = None
            found = self._replays[id(record)] = (record, replay)
        replay = found[1]
        return record.case_as_of(day) if replay is None else replay[count - 1]


def _figure(verdict: Verdict | None, name: str, fallback: float | None) -> tuple[float, bool]:
    areas = (verdict.areas or {}) if verdict else {}
    if name in areas and areas[name] is not None:
        return float(areas[name]), True
    if fallback is not None:
        return float(fallback), True
    return 0.0, False


class OfficeLoginError(LedgerError):
    """A report that compares every office or totals the district, asked of a login that sees
    only its own offices' rows (an office login on the shared ledger): read through it, the
    report would rank that office alone, first, and present its own figures as the district's.
    ``report`` names the report (Chinese, English), ``login`` and ``offices`` what it sees."""

    def __init__(self, report: tuple[str, str], login: str, offices: list[str]):
        self.report, self.login, self.offices = report, login, offices
        names = "、".join(offices)
        super().__init__(
            f"{report[0]}需要全区各所的记录，而登录 {login} 只能看到本所（{names}）的记录（共享台帐"
            "的行级安全），请用执法监察大队的登录运行；未生成报表 / "
            f"{report[1]} needs every office "
            f"of the district, but the login {login!r} sees only the rows of its own offices "
            f"({names}) on the shared ledger (row-level security): run it with a brigade login. "
            "No report was written"
        )


def offices_seen(ledger: LedgerStore) -> list[str] | None:
    """The offices of a login that sees only its own offices' rows, in order; None when the
    ledger shows every office (a GeoPackage, the brigade)."""
    if ledger.sees_every_office:
        return None
    return sorted(ledger.configured_offices())


def refuse_office_login(ledger: LedgerStore, report: tuple[str, str]) -> None:
    """Refuse a report comparing every office, or totalling the district, before it reads a
    ledger that shows only some offices (see OfficeLoginError)."""
    offices = offices_seen(ledger)
    if offices is not None:
        # Only a shared ledger's login sees part of it, and it has a login to name.
        raise OfficeLoginError(report, str(getattr(ledger, "login", "")), offices)


def read_ledger(
    ledger: LedgerStore,
    as_of: dt.date,
    calendar: WorkCalendar,
    step: Step = no_steps,
    by_town: bool = False,
) -> ReportContext:
    """The ledger as it stood at the end of ``as_of``; ``step`` told how far the reading went
    (the ledger's reads themselves are not split: a cancel is heard between them). Its reads
    are of one moment of the ledger (one_moment): a verdict or a case step saved meanwhile
    is counted everywhere or nowhere. ``by_town``: the report lists by town (the
    accountability ratio), so an illegal spot without one is said, not one without an office."""
    with ledger.one_moment():
        return _read_ledger(ledger, as_of, calendar, step, by_town)


def _read_ledger(
    ledger: LedgerStore, as_of: dt.date, calendar: WorkCalendar, step: Step, by_town: bool
) -> ReportContext:
    step(0.0)
    warnings: list[str] = []
    rules = ledger.deadline_rules()
    # An office renamed keeps its old name on what was recorded under it (append-only): each
    # report counts it under the name it bears now.
    aliases = office_aliases_in(ledger.settings())
    named: set[str] = set()  # the offices as recorded, to say which old names were counted
    spots: list[_SpotFacts] = []
    summaries = ledger.spots()
    step(0.05)
    # Read in bulk, not spot by spot: on the shared ledger each read is a round trip to the
    # server, and a report reads every spot of the district.
    histories = ledger.verdict_histories([summary.id for summary in summaries])
    step(0.15)
    # A spot whose verdicts cannot be read is counted as not judged, and said.
    warnings += ledger.unreadable_verdicts
    for number, summary in enumerate(summaries):
        if number % STEP_EVERY == 0:
            step(0.15 + 0.2 * number / len(summaries))
        history = [v for v in histories[summary.id] if _verified_on(v)]
        history = [v for v in history if _verified_on(v) <= as_of]
        current, verdict_date, first = _standing(history, as_of)
        cultivated, known = _figure(current, CULTIVATED_AREA, summary.cultivated_area)
        if current is not None and current.category == ls.VERDICT_ILLEGAL and not known:
            warnings.append(
                Bilingual(
                    f"违法图斑 {summary.number} 没有耕地面积（GDMJ），按 0 计",
                    f"illegal spot {summary.number} has no cultivated area (GDMJ): counted as 0",
                )
            )
        basic, _ = _figure(current, BASIC_FARMLAND_AREA, summary.basic_farmland_area)
        illegal = current is not None and current.category == ls.VERDICT_ILLEGAL
        if illegal and by_town and not summary.town:
            warnings.append(
                Bilingual(
                    f"违法图斑 {summary.number} 未填写乡镇（{TOWN_NAME}），列入“{NO_TOWN}”",
                    f"illegal spot {summary.number} has no town ({TOWN_NAME}): listed under "
                    f"{NO_TOWN}",
                )
            )
        elif illegal and not by_town and not summary.office:
            warnings.append(
                Bilingual(
                    f"违法图斑 {summary.number} 未填写自然资源所（SMC），列入“{NO_OFFICE}”",
                    f"illegal spot {summary.number} has no office (SMC): listed under {NO_OFFICE}",
                )
            )
        named.add(summary.office)
        spots.append(
            _SpotFacts(
                summary,
                aliases.get(summary.office, summary.office) or NO_OFFICE,
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
    _read_referral_fields(ledger, spots)
    step(0.4)
    standings = CaseStandings()
    cases: list[tuple[CaseRecord, Case]] = []
    records = ledger.cases()
    named |= {record.office for record in records}
    records = under_current_names(records, aliases)
    step(0.85)
    for record in records:
        case = standings.case_as_of(record, as_of)
        if case is not None:
            cases.append((record, case))
    warnings += ledger.unreadable_cases  # left out of every figure, and said
    withdrawn_ids = {withdrawal.patrol_id for withdrawal in ledger.patrol_withdrawals()}
    every_patrol = ledger.patrols(end=as_of, include_withdrawn=True)
    withdrawn = under_current_names([p for p in every_patrol if p.id in withdrawn_ids], aliases)
    patrols = [p for p in every_patrol if p.id not in withdrawn_ids]
    configured = ledger.configured_offices()
    named |= {record.office for record in patrols} | configured
    patrols = under_current_names(patrols, aliases)
    step(1.0)
    # An office set up on the shared ledger is ranked even in a month it recorded nothing:
    # leaving it out would hide exactly the office that did no work.
    offices = sorted(
        {s.office for s in spots if s.summary.office}
        | {r.office for r, _ in cases if r.office}
        | {p.office for p in patrols}
        | {aliases.get(office, office) for office in configured}
    )
    warnings += renamed_offices_counted(aliases, named)
    if any(s.office == NO_OFFICE for s in spots if s.category == ls.VERDICT_ILLEGAL):
        offices.append(NO_OFFICE)
    return ReportContext(
        as_of, calendar, rules, spots, cases, patrols, offices, warnings, standings, withdrawn
    )


def withdrawn_patrols_note(patrols: list) -> Bilingual:
    """The note naming the patrols withdrawn that a report's weeks would otherwise count."""
    listed = first_of([f"{p.id}（{p.office} {p.date}）" for p in patrols], 10, "、")
    return Bilingual(
        f"已撤销的巡查 {len(patrols)} 条不计入：{listed}",
        f"{len(patrols)} patrols withdrawn, not counted: {listed}",
    )


def renamed_offices_counted(
    aliases: Mapping[str, str], named: Iterable[str | None]
) -> list[Bilingual]:
    """A line per old office name among ``named`` (the offices as recorded) that a report
    counts under the current one, so the figures can be traced back to the ledger's rows."""
    return [
        Bilingual(
            f"{old} 的图斑、案件和巡查计入 {aliases[old]}（台帐设置 {ls.SETTING_OFFICE_ALIASES}）",
            f"the spots, cases and patrols of {old} are counted under {aliases[old]} (ledger "
            f"setting {ls.SETTING_OFFICE_ALIASES})",
        )
        for old in sorted(set(named) & set(aliases))
    ]


# The screening fields a spot's referral figures are read from (spot_case_figures), beside the
# GDMJ and YJJBNTMJ the spot list carries.
REFERRAL_FIELDS = (REFERRAL_CULTIVATED_AREA, REFERRAL_BASIC_FARMLAND_AREA)


def _read_referral_fields(ledger: LedgerStore, spots: list[_SpotFacts]) -> None:
    """Give each spot a verdict ever judged illegal its REFERRAL_* screening fields (the spot
    list carries the GDMJ and YJJBNTMJ columns only), read for all of them at once."""
    judged_illegal = [
        facts for facts in spots if any(v.category == ls.VERDICT_ILLEGAL for v in facts.history)
    ]
    for facts in judged_illegal:
        facts.ever_illegal = True
    if not judged_illegal:
        return
    fields = ledger.spot_attributes([facts.summary.id for facts in judged_illegal], REFERRAL_FIELDS)
    for facts in judged_illegal:
        found = fields[facts.summary.id]
        facts.referral = {name: found[name] for name in REFERRAL_FIELDS if name in found}


def _calendar_warnings(context: ReportContext, days: Iterable[dt.date]) -> None:
    for warning in context.calendar.override_warnings:
        context.warn(warning)
    _missing_years(context, days)


def _missing_years(context: ReportContext, days: Iterable[dt.date]) -> None:
    """A line per year of `days` without a holiday schedule, naming the file to add it to."""
    for year in sorted({d.year for d in days}):
        if not context.calendar.covers(dt.date(year, 1, 1)):
            add_to_zh, add_to_en = context.calendar.add_to_halves
            context.warn(
                Bilingual(
                    f"{year}年没有官方节假日安排：涉及该年的工作日期限为估算（标“估算”），请在 "
                    f"{add_to_zh} 中加入{year}年",
                    f"no official holiday schedule for {year}: working-day deadlines in that "
                    f"year are estimates (marked so); add {year} to {add_to_en}",
                )
            )


def case_deadlines(context: ReportContext, case: Case, day: dt.date | None = None) -> list:
    """The case's deadlines judged on ``day`` (default: the report date); due_soon is within
    the weekly dispatch's window, the one report listing deadlines to come."""
    at = day or context.as_of
    deadlines = case.deadlines(context.rules, context.calendar, at, DISPATCH_WORKING_DAYS)
    for deadline in deadlines:
        # An estimate is said once per year missing (below) and marked 估算 where a figure
        # rests on it: a line for each such deadline filled the notes of a December ranking
        # with one per case. A deadline left without a due day is named, case by case.
        if deadline.warning and deadline.due is None:
            # The subject as a label of each half of the warning: the workbook's notes and a
            # Chinese QGIS read "<subject> <deadline>：<warning>" in Chinese alone.
            subject_zh, subject_en = _subject(case)
            context.warn(
                Bilingual(
                    f"{subject_zh} {deadline.label_zh}：{deadline.warning.chinese}",
                    f"{subject_en} {deadline.label_en}: {deadline.warning.english}",
                )
            )
    return deadlines


def say_estimated_years(context: ReportContext, used: Iterable) -> None:
    """Say the years without a holiday schedule that the deadlines a report ``used`` (counted
    or listed) were guessed in, with the file to fill in, as the period's own years are: a
    December report's 2027 due dates. Only those used: a December ranking counts no deadline
    due in 2027 (none is overdue yet) and said the year all the same."""
    _missing_years(context, [d.due for d in used if rests_on_estimate(d) and d.due is not None])


def _subject(case: Case) -> tuple[str, str]:
    """What a line about ``case``'s deadlines names, in Chinese and in English: the case, or
    the spot nobody opened one for."""
    if case.opened:
        return f"案件 {case.case_id}", f"case {case.case_id}"
    return f"违法图斑 {case.origin.ref}（{NO_CASE_ZH}）", f"spot {case.origin.ref} ({NO_CASE_EN})"


def rests_on_estimate(deadline) -> bool:
    """Whether a deadline's due day is a guess (counted in a year without a holiday schedule,
    see workdays): the one rule by which every report marks a figure 估算."""
    return deadline.warning is not None


def overdue_standing(context: ReportContext, case: Case, day: dt.date) -> tuple[bool, bool]:
    """(overdue, on an estimate only) for ``case`` on ``day``: overdue when an open deadline is
    past due; on an estimate when every such deadline rests on one, so the case may turn out
    not to be overdue once the year's schedule is added (one firm overdue deadline is enough
    to make it firmly overdue)."""
    late = [d for d in case_deadlines(context, case, day) if d.overdue]
    say_estimated_years(context, late)
    return bool(late), bool(late) and all(rests_on_estimate(d) for d in late)


def unopened_cases(context: ReportContext, day: dt.date) -> list[tuple[_SpotFacts, Case]]:
    """The spots judged 违法 at the end of ``day`` that nobody had opened a case for by then,
    each as the case it stands as (Case.unopened: discovered on its verdict date, with the
    standing verdict's figures). An act found and not rectified is late whether or not a case
    is opened (DOMAIN §1), so the reports count these as open cases; a spot judged 合法 or 其他
    since, or with a case opened, is not one."""
    cased = {
        record.spot_id
        for record, _ in context.cases
        if record.spot_id is not None and context.case_as_of(record, day) is not None
    }
    result = []
    for spot in context.spots:
        # Only a spot ever judged 违法 can stand as one (asked of 24,000 spots each month end).
        if spot.summary.id in cased or not spot.ever_illegal:
            continue
        case = spot_as_unopened_case(spot.summary, spot.history, spot.referral, day)
        if case is not None:
            result.append((spot, case))
    return result


def spot_as_unopened_case(
    summary: SpotSummary,
    history: list[Verdict],
    attributes: Mapping[str, Any],
    day: dt.date,
) -> Case | None:
    """The case (Case.unopened) a spot with no case opened stands as at the end of ``day``
    when its standing verdict is 违法, else None: the one rule the reports and the dock judge
    such a spot's deadlines by. ``history``: its verdicts in recorded order; ``attributes``:
    its fields (the REFERRAL_* ones are read)."""
    dated = [v for v in history if _verified_on(v)]
    verdict, since, _ = _standing(dated, day)
    if verdict is None or verdict.category != ls.VERDICT_ILLEGAL:
        return None
    # The figures a case opened from the spot would take (ledger_rows.resolve_case_opening).
    cultivated, basic = spot_case_figures(
        verdict.areas or {},
        attributes,
        summary.cultivated_area,
        summary.basic_farmland_area,
    )
    return Case.unopened(
        summary.number,
        since,
        verdict.verifier,
        float(cultivated or 0.0),
        float(basic or 0.0),
    )


def judged_on(context: ReportContext, period: Period) -> dt.date:
    """The day a period's open and overdue cases are judged: its end, or the report date when
    that comes first (a later case or a deadline passed since belongs to a later period)."""
    return min(period.end, context.as_of)


def act_stopped(case: Case | None, stop_order_issued: bool = False) -> bool:
    """Whether an illegal act counts as stopped (制止) in the ranking's stop-order rate: its case
    has a 制止 event, or its spot's verdict says a stop order (责令停止违法行为通知书) was issued
    (ledger_schema.DETAIL_STOP_ORDER, the tick the exports show as 已下达责令停止通知书): an order
    served on site before any case is opened stops the act all the same."""
    return stop_order_issued or (case is not None and case.has(Stage.STOP))


def stop_order_by(spot: _SpotFacts, day: dt.date) -> bool:
    """Whether the verdict standing at the end of ``day`` says a stop order was issued
    (ls.DETAIL_STOP_ORDER): one ticked on a verdict verified later was not issued by then."""
    if day >= max((_verified_on(v) for v in spot.history), default=day):
        return spot.stop_order  # the report date's verdict, as read
    verdict = _standing(spot.history, day)[0]
    return bool(verdict is not None and (verdict.details or {}).get(ls.DETAIL_STOP_ORDER))


def case_rectified(case: Case) -> bool:
    """Closed straight after verify or stop: rectified before filing (整改到位). A withdrawn
    case (opened in error, or the act proved lawful) had no act to rectify."""
    stages = case.stages
    return (
        case.closed
        and not case.withdrawn
        and len(stages) >= 2
        and stages[-2] in (Stage.VERIFY, Stage.STOP)
    )


# The weekly dispatch lists the deadlines due within this many working days of the report date:
# a working week, everything falling before the next weekly meeting. Working days, counted as
# the dock counts its due-soon warning (deadlines.status on the ledger's calendar): in calendar
# days, a meeting on 30 September missed a report due on 8 October, the first working day after
# the National Day week, and no meeting listed it before it was due.
DISPATCH_WORKING_DAYS = 5


# --- what the reports are made of: sheets, charts, their notes ---------------------------------


# The kinds of a report's columns, which say how a workbook shows their cells: without a number
# format Excel and WPS show 8230.7 m² and 100 %, where the reports show 8230.70 and 100.00.
def text_column(header: str, code: str = "") -> xlsx.Column:
    return xlsx.Column(header, xlsx.TEXT, code=code)


def count_column(header: str, code: str = "") -> xlsx.Column:
    """Counts, ranks and case numbers: whole numbers."""
    return xlsx.Column(header, xlsx.INTEGER, code=code)


def area_column(header: str, code: str = "") -> xlsx.Column:
    """m² or 亩, to AREA_DECIMALS (DOMAIN.md §4)."""
    return xlsx.Column(header, xlsx.NUMBER, decimals=AREA_DECIMALS, code=code)


def percent_column(header: str, code: str = "") -> xlsx.Column:
    """A rate or ratio in %, or a score out of 100."""
    return xlsx.Column(header, xlsx.NUMBER, decimals=PERCENT_DECIMALS, code=code)


def date_column(header: str, code: str = "") -> xlsx.Column:
    return xlsx.Column(header, xlsx.DATE, code=code)


@dataclass
class Sheet:
    """A table for the writers: name, columns (header and kind), rows."""

    # The workbook's tab in Chinese alone, as its cells are; the PDF heads the table with both.
    name: Bilingual
    columns: list[xlsx.Column]
    rows: list[list[Any]]

    @property
    def headers(self) -> list[str]:
        """Both languages, as the PDF prints them (an 通报 may go to either reader); the
        workbook heads its columns in Chinese, the English in a note on each header."""
        return [
            f"{column.header} / {column.code}" if column.code else column.header
            for column in self.columns
        ]


@dataclass
class Chart:
    title: str
    labels: list[str]
    values: list[float | None]
    threshold: float | None = None  # drawn as a line, e.g. the 15 % accountability ratio
    unit: str = ""
    maximum: float | None = None  # top of the axis (100 for scores); None: from the values
    decimals: int = 2


def period_lines(period: Period, as_of: dt.date) -> list[Bilingual]:
    """The first lines of every report's notes: its period and its report date."""
    return [
        Bilingual(
            f"统计时段：{period.start} – {period.end}", f"period: {period.start} – {period.end}"
        ),
        Bilingual(f"报告日期：{as_of}", f"report date: {as_of}"),
    ]


# The last sheet of every report: its tab 说明, its heading in the PDF 说明 / Notes.
NOTES_SHEET = Bilingual("说明", "Notes")


# Beside a report's totals in 亩: a reader adding the rows' 亩 may find a cent more or less.
MU_TOTAL_NOTE = Bilingual(MU_TOTAL_RULE, MU_TOTAL_RULE_EN)


def notes_sheet(title: str, lines: list[str], warnings: list[str]) -> Sheet:
    rows = [[line] for line in lines]
    rows.append(
        [Bilingual("提示：", "warnings:") if warnings else Bilingual("提示：无", "warnings: none")]
    )
    rows += [[w] for w in warnings]
    return Sheet(NOTES_SHEET, [text_column(title)], rows)


def common_warnings(
    context: ReportContext,
    period: Period,
    extra_days: Iterable[dt.date] = (),
    working_days: bool = True,
) -> None:
    """The warnings every report gives: the holiday schedules its working-day deadlines lack
    (not for a report that counts none: `working_days` False), a report date before the end
    of its period."""
    if working_days:
        _calendar_warnings(context, [period.start, period.end, context.as_of, *extra_days])
    if context.as_of < period.end:
        context.warn(
            Bilingual(
                f"报告日期 {context.as_of} 早于时段结束 {period.end}：数字只计到报告日期",
                f"the report date {context.as_of} is before the end of the period {period.end}: "
                "figures count up to the report date only",
            )
        )
