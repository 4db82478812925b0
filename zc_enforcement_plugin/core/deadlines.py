"""The legal and work-plan deadlines of an enforcement case, in one place (DOMAIN.md §1 and §5).

Each rule says how long and in what unit: working days of China's official calendar (with its
swapped days, see workdays.py), calendar days, or years. The start day is never counted (Civil
Code art. 201); a year period ends on the same month and day, or the month's last day when there
is none (art. 202). Defaults and the choice of unit can be overridden from a settings dict.

Why the defaults count as they do:
- the work-plan rules (2 and 3 days) are working days, as the plan says;
- the 5-day statement/hearing request is a period of the Administrative Penalty Law, whose
  art. 85 says its "five days" are working days;
- the 10-day demand to comply (催告) is a period of the Administrative Compulsion Law, whose
  art. 69 says its periods of up to ten days are working days;
- the 90-day penalty decision (Administrative Penalty Law art. 60, "unless laws or rules say
  otherwise": verify) and the year periods are calendar periods.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from zc_enforcement_plugin.core.workdays import WorkCalendar, add_working_days, default_calendar

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
YEARS = "years"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, YEARS)
UNIT_WORDS_ZH = {WORKING_DAYS: "个工作日", CALENDAR_DAYS: "日", YEARS: "年"}

# What a rule rests on: a law or regulation (法定), or the bureau's own work plan (工作方案),
# which the bureau may change and a party cannot invoke. Shown beside each deadline.
LEGAL = "legal"
WORK_PLAN = "work_plan"

OK = "ok"
DUE_SOON = "due_soon"
OVERDUE = "overdue"

_RULE_FIELDS = ("amount", "unit", "roll_forward", "basis")
# Written after a due date counted in working days of a year without a holiday schedule.
ESTIMATE_MARK = "（估算）"


class DeadlineConfigError(ValueError):
    """A deadline override is invalid; the message names the setting source and the rule."""

    def __init__(self, source: str, rule: str, problem: str) -> None:
        self.source = source
        self.rule = rule
        self.problem = problem
        where = f"{source}: " if source else ""
        super().__init__(f"期限设置错误 / deadline setting error: {where}{rule}: {problem}")


@dataclass(frozen=True)
class Rule:
    """One period: ``amount`` units after the start day.

    ``roll_forward`` moves a calendar-day or year period that ends on a rest day to the next
    working day (Civil Code art. 203). Off by default: for the bureau's own deadlines the
    earlier date is the safe warning, and it would need holiday schedules years ahead.
    """

    amount: int
    unit: str
    basis: str = ""
    roll_forward: bool = False
    # Whether the period is set by law (LEGAL) or by the work plan; a ledger's override changes
    # the period, never what it rests on, so neither this nor ``to_verify`` can be overridden.
    kind: str = LEGAL
    # DOMAIN.md marks it "(verify)": not confirmed from a primary source, shown as such.
    to_verify: bool = False

    @property
    def needs_schedule(self) -> bool:
        """Whether its end depends on the holiday schedule: it counts working days, or is
        moved off rest days."""
        return self.unit == WORKING_DAYS or self.roll_forward


@dataclass(frozen=True)
class DeadlineRules:
    """All deadlines with their defaults; override with :meth:`with_overrides`."""

    public_exposure_report: Rule = Rule(
        0,
        CALENDAR_DAYS,
        "2022 work plan: an act exposed online or causing mass petitions is reported to the "
        "bureau head at once (the same day)",
        kind=WORK_PLAN,
    )
    report_to_brigade: Rule = Rule(
        2,
        WORKING_DAYS,
        "2022 work plan: unrectified new act found, written report to the brigade",
        kind=WORK_PLAN,
    )
    file_case: Rule = Rule(
        3,
        WORKING_DAYS,
        "2022 work plan: still unrectified 3 working days after it was found, report to the "
        "bureau leader and file a case (立案)",
        kind=WORK_PLAN,
    )
    # DOMAIN §5 names no source for the 3 days: an internal report, counted as the work plan's,
    # and to verify.
    serious_case_report: Rule = Rule(
        3,
        WORKING_DAYS,
        "DOMAIN §5: case at the criminal threshold reported within 3 working days (source not "
        "named)",
        kind=WORK_PLAN,
        to_verify=True,
    )
    statement_hearing_request: Rule = Rule(
        5,
        WORKING_DAYS,
        "行政处罚法 art. 64: hearing requested within 5 days of the notice; art. 85: working days",
    )
    demand_to_comply: Rule = Rule(
        10,
        WORKING_DAYS,
        "行政强制法 art. 54: court enforcement 10 days after the demand (催告) is served; "
        "art. 69: periods up to 10 days are working days",
    )
    penalty_decision: Rule = Rule(
        90,
        CALENDAR_DAYS,
        "行政处罚法 art. 60: decision within 90 days of filing unless other rules say otherwise",
        to_verify=True,
    )
    limitation: Rule = Rule(
        2,
        YEARS,
        "行政处罚法 art. 36: no penalty if not found within 2 years of the act (of its end, for a "
        "continuing act); for reference only: the ledger records no day an act ended, so no "
        "deadline applies it",
    )
    temporary_land_max: Rule = Rule(
        2, YEARS, "土地管理法实施条例 art. 20: temporary land use at most 2 years"
    )
    temporary_land_max_infrastructure: Rule = Rule(
        4,
        YEARS,
        "土地管理法实施条例 art. 20: at most 4 years for long energy, transport, water works",
    )
    temporary_land_restoration: Rule = Rule(
        1, YEARS, "土地管理法实施条例 art. 20: land restored within 1 year after the use expires"
    )

    def length_zh(self, name: str) -> str:
        """The length of rule ``name`` in the bureau's words: 2 年, 5 个工作日."""
        rule = self.rule(name)
        return f"{rule.amount} {UNIT_WORDS_ZH[rule.unit]}"

    @classmethod
    def names(cls) -> list[str]:
        """The rule names, in declaration order."""
        return list(_rule_names(cls))

    def rule(self, name: str) -> Rule:
        """The rule called ``name``; KeyError listing the valid names otherwise."""
        if name not in _rule_names(type(self)):
            raise KeyError(f"unknown deadline rule {name!r}; known: {', '.join(self.names())}")
        return getattr(self, name)

    def with_overrides(self, overrides: Mapping[str, Any], source: str = "") -> DeadlineRules:
        """A copy with rules replaced from a settings dict, validated.

        Each value is either a whole number (the new amount) or an object with any of
        ``amount``, ``unit`` (working_days / calendar_days / years), ``roll_forward``, ``basis``:
        ``{"penalty_decision": {"amount": 60}, "report_to_brigade": 3}``.
        ``source`` (e.g. the settings file name) is put in error messages.
        """
        if not isinstance(overrides, Mapping):
            raise DeadlineConfigError(
                source, "(all)", "须为以规则名为键的对象 / must be an object keyed by rule name"
            )
        changes: dict[str, Rule] = {}
        for name, value in overrides.items():
            if name not in self.names():
                raise DeadlineConfigError(
                    source,
                    repr(name),
                    f"未知的期限规则；可用的规则：{'、'.join(self.names())} / unknown rule; "
                    f"known: {', '.join(self.names())}",
                )
            changes[name] = _override_rule(getattr(self, name), name, value, source)
        return replace(self, **changes)


DEFAULT_RULES = DeadlineRules()


@cache
def _rule_names(rules_class: type) -> tuple[str, ...]:
    # Read once: every deadline of every case asks for its rule by name, and a dataclass's
    # fields() are worked out anew at each call.
    return tuple(f.name for f in fields(rules_class))


def _whole_number(value: Any) -> bool:
    # bool is an int in Python; "true" as a period length is a settings mistake.
    return isinstance(value, int) and not isinstance(value, bool)


def _override_rule(rule: Rule, name: str, value: Any, source: str) -> Rule:
    if not isinstance(value, Mapping):
        value = {"amount": value}
    unknown = sorted(set(value) - set(_RULE_FIELDS))
    if unknown:
        raise DeadlineConfigError(
            source,
            name,
            f"未知的字段 {unknown}；可用：{list(_RULE_FIELDS)} / unknown field(s) {unknown}; "
            f"allowed: {list(_RULE_FIELDS)}",
        )
    amount = value.get("amount", rule.amount)
    if not _whole_number(amount) or amount < 0:
        raise DeadlineConfigError(
            source,
            name,
            f"期限（amount）须为非负整数，现为 {amount!r} / amount must be a whole number >= 0, "
            f"got {amount!r}",
        )
    unit = value.get("unit", rule.unit)
    if unit not in UNITS:
        raise DeadlineConfigError(
            source,
            name,
            f"单位（unit）须为 {list(UNITS)} 之一，现为 {unit!r} / unit must be one of "
            f"{list(UNITS)}, got {unit!r}",
        )
    roll_forward = value.get("roll_forward", rule.roll_forward)
    if not isinstance(roll_forward, bool):
        raise DeadlineConfigError(
            source,
            name,
            f"roll_forward 须为 true 或 false，现为 {roll_forward!r} / roll_forward must be "
            f"true or false, got {roll_forward!r}",
        )
    basis = value.get("basis", rule.basis)
    if not isinstance(basis, str):
        raise DeadlineConfigError(
            source,
            name,
            f"依据（basis）须为文本，现为 {basis!r} / basis must be text, got {basis!r}",
        )
    return replace(rule, amount=amount, unit=unit, basis=basis, roll_forward=roll_forward)


def rules_from_dict(overrides: Mapping[str, Any] | None, source: str = "") -> DeadlineRules:
    """The default rules with ``overrides`` (e.g. a ledger setting) applied; None = defaults."""
    return DEFAULT_RULES if overrides is None else DEFAULT_RULES.with_overrides(overrides, source)


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a non-leap year: the month's last day
        return start.replace(year=start.year + years, day=28)


def due_date(
    rule_name: str,
    start: date,
    rules: DeadlineRules = DEFAULT_RULES,
    calendar: WorkCalendar | None = None,
) -> date:
    """The last day of the period ``rule_name`` running from ``start`` (start not counted).

    Working-day rules use ``calendar`` (default: the strict official calendar), so a period
    running into a year without a published schedule raises UnknownScheduleError.
    """
    rule = rules.rule(rule_name)
    if rule.unit == WORKING_DAYS:
        return add_working_days(start, rule.amount, calendar)
    if rule.unit == CALENDAR_DAYS:
        due = start + timedelta(days=rule.amount)
    else:
        due = _add_years(start, rule.amount)
    if rule.roll_forward:
        cal = calendar or default_calendar()
        while not cal.is_working_day(due):
            due += timedelta(days=1)
    return due


def is_estimate(
    rule_name: str, start: date, due: date, rules: DeadlineRules, calendar: WorkCalendar
) -> bool:
    """Whether ``due`` (rule_name's end from ``start``, on a lenient ``calendar``) is guessed:
    the rule needs the holiday schedule of a year the calendar has none for."""
    needs = rules.rule(rule_name).needs_schedule
    return needs and not (calendar.covers(start) and calendar.covers(due))


def status(due: date, today: date, warn_days: int = 1, calendar: WorkCalendar | None = None) -> str:
    """Status of a deadline: overdue after ``due``, due_soon within ``warn_days``, else ok.

    The due day itself is due_soon (still in time).

    The warning window counts calendar days, or working days when a ``calendar`` is given, so a
    deadline just after a week-long holiday is flagged before the holiday starts.
    """
    if not _whole_number(warn_days) or warn_days < 0:
        raise ValueError(f"warn_days must be a whole number >= 0, got {warn_days!r}")
    if today > due:
        return OVERDUE
    left = calendar.working_days_between(today, due) if calendar else (due - today).days
    return DUE_SOON if left <= warn_days else OK
