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

import json
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
# The longest period a rule may be given, about ten years in each unit: no period here is
# longer, and a length typed with zeros too many (3000000 years) was stored, and then every
# report and case page failed on a due date past the year 9999 Python can count to.
LONGEST = {WORKING_DAYS: 2500, CALENDAR_DAYS: 3660, YEARS: 10}

# Each rule's name, as the case page, the reports and 台帐设置's list name it.
RULE_LABELS_ZH = {
    "public_exposure_report": "网络曝光、群体信访即报局长",
    "report_to_brigade": "书面报告执法监察大队",
    "file_case": "逾期未整改立案",
    "serious_case_report": "重大案件报告",
    "statement_hearing_request": "陈述申辩、听证申请期",
    "demand_to_comply": "催告履行期",
    "penalty_decision": "处罚决定期限",
    "limitation": "追责时效",
    "temporary_land_max": "临时用地最长期限",
    "temporary_land_max_infrastructure": "基础设施临时用地最长期限",
    "temporary_land_restoration": "临时用地复垦期限",
}
# The same in English, for the English half of a line naming a deadline (README's rules).
RULE_LABELS_EN = {
    "public_exposure_report": "report of an online exposure or mass petitions to the bureau head",
    "report_to_brigade": "written report to the brigade",
    "file_case": "case filed when still unrectified",
    "serious_case_report": "serious case report",
    "statement_hearing_request": "statement and hearing request period",
    "demand_to_comply": "demand to comply period",
    "penalty_decision": "penalty decision time limit",
    "limitation": "limitation period",
    "temporary_land_max": "longest temporary land use",
    "temporary_land_max_infrastructure": "longest temporary land use for infrastructure",
    "temporary_land_restoration": "restoration after temporary land use",
}

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
    """A deadline override is invalid; the message names the setting source and the rule.

    Each half says it whole, the values in both (a Chinese QGIS shows the Chinese half alone
    only when it keeps every value the line names: "须为非负整数" beside "must be >= 0, got -3"
    had the whole pair shown)."""

    def __init__(
        self, source: str, rule: str, problem: str, problem_en: str, rule_zh: str | None = None
    ) -> None:
        self.source = source
        self.rule = rule
        self.problem = f"{problem} / {problem_en}"
        zh_where, en_where = (f"{source}：", f"{source}: ") if source else ("", "")
        super().__init__(
            f"期限设置错误：{zh_where}{rule_zh or rule}：{problem} / deadline setting error: "
            f"{en_where}{rule}: {problem_en}"
        )


def _shown(value: Any) -> str:
    """A settings value as its JSON spells it (“weeks”, -3, true), alike in both halves."""
    return json.dumps(value, ensure_ascii=False)


def _rule_said(name: str) -> tuple[str, str]:
    """A rule as each half of a refusal names it: 规则 file_case（逾期未整改立案）, and
    rule file_case."""
    return f"规则 {name}（{RULE_LABELS_ZH[name]}）", f"rule {name}"


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
    # ``basis`` in Chinese, for a Chinese interface (the case page's tooltip, 台帐设置's list);
    # a basis the bureau gives replaces both, in its own words.
    basis_zh: str = ""

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
        basis_zh="2022 年工作方案：被网络曝光或引发群体性信访的违法行为，当日报告局长",
    )
    report_to_brigade: Rule = Rule(
        2,
        WORKING_DAYS,
        "2022 work plan: unrectified new act found, written report to the brigade",
        kind=WORK_PLAN,
        basis_zh="2022 年工作方案：发现新增违法行为未整改的，书面报告执法监察大队",
    )
    file_case: Rule = Rule(
        3,
        WORKING_DAYS,
        "2022 work plan: still unrectified 3 working days after it was found, report to the "
        "bureau leader and file a case (立案)",
        kind=WORK_PLAN,
        basis_zh="2022 年工作方案：发现后 3 个工作日仍未整改的，报告局领导并立案",
    )
    # DOMAIN §5 names no source for the 3 days: an internal report, counted as the work plan's,
    # and to verify.
    serious_case_report: Rule = Rule(
        3,
        WORKING_DAYS,
        "the bureau's domain brief: a case at the criminal threshold is reported within 3 "
        "working days (no source named)",
        kind=WORK_PLAN,
        to_verify=True,
        basis_zh="本局业务要求：达到刑事追诉标准的案件 3 个工作日内报告（未载明出处）",
    )
    statement_hearing_request: Rule = Rule(
        5,
        WORKING_DAYS,
        "行政处罚法 art. 64: hearing requested within 5 days of the notice; art. 85: working days",
        basis_zh="《行政处罚法》第六十四条：当事人在告知后五日内提出听证；第八十五条：期间的"
        "“五日”指工作日",
    )
    demand_to_comply: Rule = Rule(
        10,
        WORKING_DAYS,
        "行政强制法 art. 54: court enforcement 10 days after the demand (催告) is served; "
        "art. 69: periods up to 10 days are working days",
        basis_zh="《行政强制法》第五十四条：催告书送达十日后当事人仍未履行的，可申请人民法院"
        "强制执行；第六十九条：十日以内的期限指工作日",
    )
    penalty_decision: Rule = Rule(
        90,
        CALENDAR_DAYS,
        "行政处罚法 art. 60: decision within 90 days of filing unless other rules say otherwise",
        to_verify=True,
        basis_zh="《行政处罚法》第六十条：自立案之日起九十日内作出处罚决定，法律、法规、规章"
        "另有规定的除外",
    )
    limitation: Rule = Rule(
        2,
        YEARS,
        "行政处罚法 art. 36: no penalty if not found within 2 years of the act (of its end, for a "
        "continuing act); for reference only: the ledger records no day an act ended, so no "
        "deadline applies it",
        basis_zh="《行政处罚法》第三十六条：违法行为在二年内未被发现的，不再给予行政处罚（有"
        "连续或者继续状态的，从行为终了之日起计算）；仅供参考：台帐不记录行为终了日，"
        "不据此计算期限",
    )
    temporary_land_max: Rule = Rule(
        2,
        YEARS,
        "土地管理法实施条例 art. 20: temporary land use at most 2 years",
        basis_zh="《土地管理法实施条例》第二十条：临时使用土地期限一般不超过二年",
    )
    temporary_land_max_infrastructure: Rule = Rule(
        4,
        YEARS,
        "土地管理法实施条例 art. 20: at most 4 years for long energy, transport, water works",
        basis_zh="《土地管理法实施条例》第二十条：建设周期较长的能源、交通、水利等基础设施"
        "建设使用的临时用地，期限不超过四年",
    )
    temporary_land_restoration: Rule = Rule(
        1,
        YEARS,
        "土地管理法实施条例 art. 20: land restored within 1 year after the use expires",
        basis_zh="《土地管理法实施条例》第二十条：临时用地期满之日起一年内完成土地复垦",
    )

    def length_zh(self, name: str) -> str:
        """The length of rule ``name`` in the bureau's words: 2 年, 5 个工作日, 当日."""
        rule = self.rule(name)
        if rule.amount == 0 and rule.unit == CALENDAR_DAYS:
            return "当日"
        return f"{rule.amount} {UNIT_WORDS_ZH[rule.unit]}"

    def length_en(self, name: str) -> str:
        """The same in English: 2 years, 5 working days, the same day."""
        rule = self.rule(name)
        if rule.amount == 0 and rule.unit == CALENDAR_DAYS:
            return "the same day"
        return f"{rule.amount} {rule.unit.replace('_', ' ')}"

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
                source,
                "all rules",
                '须为以规则名为键的 JSON 对象，如 {"penalty_decision": 60}',
                'must be a JSON object keyed by rule name, such as {"penalty_decision": 60}',
                rule_zh="全部规则",
            )
        changes: dict[str, Rule] = {}
        for name, value in overrides.items():
            if name not in self.names():
                raise DeadlineConfigError(
                    source,
                    f"rule {_shown(name)}",
                    f"没有这条期限规则；可用的规则：{'、'.join(self.names())}",
                    f"no such deadline rule; the rules: {', '.join(self.names())}",
                    rule_zh=f"规则 {_shown(name)}",
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
    said_zh, said_en = _rule_said(name)

    def refused(problem: str, problem_en: str) -> DeadlineConfigError:
        return DeadlineConfigError(source, said_en, problem, problem_en, rule_zh=said_zh)

    if not isinstance(value, Mapping):
        value = {"amount": value}
    unknown = sorted(set(value) - set(_RULE_FIELDS))
    if unknown:
        fields_given = "、".join(_shown(field) for field in unknown)
        raise refused(
            f"没有字段 {fields_given}；可用的字段：{'、'.join(_RULE_FIELDS)}",
            f"no field {', '.join(_shown(field) for field in unknown)}; the fields: "
            f"{', '.join(_RULE_FIELDS)}",
        )
    unit = value.get("unit", rule.unit)
    if unit not in UNITS:
        raise refused(
            f"单位（unit）须为 working_days（工作日）、calendar_days（日）或 years（年），"
            f"现为 {_shown(unit)}",
            f"unit must be working_days, calendar_days or years, not {_shown(unit)}",
        )
    amount = value.get("amount", rule.amount)
    if not _whole_number(amount) or amount < 0:
        raise refused(
            f"期限（amount）须为不小于 0 的整数，现为 {_shown(amount)}",
            f"amount must be a whole number, 0 or more, not {_shown(amount)}",
        )
    if amount > LONGEST[unit]:
        raise refused(
            f"期限（amount）{amount} {UNIT_WORDS_ZH[unit]}过长：最多 {LONGEST[unit]} "
            f"{UNIT_WORDS_ZH[unit]}（约十年）",
            f"amount {amount} is too long: at most {LONGEST[unit]} {unit.replace('_', ' ')} "
            "(about ten years)",
        )
    roll_forward = value.get("roll_forward", rule.roll_forward)
    if not isinstance(roll_forward, bool):
        raise refused(
            f"roll_forward 须为 true 或 false，现为 {_shown(roll_forward)}",
            f"roll_forward must be true or false, not {_shown(roll_forward)}",
        )
    basis = value.get("basis", rule.basis)
    if not isinstance(basis, str):
        raise refused(
            f"依据（basis）须为文本，现为 {_shown(basis)}",
            f"basis must be text, not {_shown(basis)}",
        )
    # Another basis given is the bureau's, in its words, for either interface; the rule's own
    # (a bureau's settings may write every rule out whole) keeps its Chinese.
    basis_zh = rule.basis_zh if basis == rule.basis else basis
    return replace(
        rule, amount=amount, unit=unit, basis=basis, basis_zh=basis_zh, roll_forward=roll_forward
    )


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
