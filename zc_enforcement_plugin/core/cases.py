"""The enforcement case (案件) procedure as a state machine rebuilt from an append-only event list.

Stages, in order (DOMAIN.md §1): 发现 discover → 核查 verify → 制止 stop → 立案 file
→ 调查 investigate → 告知 notify → 处罚 penalise → 催告 demand → 移交 transfer, plus 结案 close.
:data:`TRANSITIONS` is the one place saying which step may follow which (and why); everything
else, including the refusal messages, is derived from it. Skips and repeats it allows:

- stop may be skipped (verify → file) when the act has already ceased: there is nothing to stop;
- stop and investigate may repeat: construction that resumes gets another stop order, and an
  investigation is many interviews, surveys and supervisions on different days;
- demand only after penalise (a demand enforces a decision);
- transfer (移交): to public security as soon as a filed case looks criminal (after file,
  investigate, notify or penalise: the referral rules oblige the bureau to refer whenever it finds
  a suspected crime, and a penalty already given does not prevent it), or to the court for
  enforcement after a demand that was not complied with; after a court application, once more
  to public security should the case prove criminal (DOC_POLICE_REFERRAL and
  DOC_COURT_APPLICATION tell the two apart);
- close (结案): after verify or stop when the act was rectified before filing (整改到位), after
  penalise or demand once the decision was carried out, or after a transfer once public security or
  the court reports back. A closed case takes no further event.

Conditions outside the table: a case at the criminal scale (DOMAIN.md §5) cannot be closed
without a referral to public security, because closing it with a fine alone would be 以罚代刑;
and the transfer documents stand only where their act can (_check_transfer_documents).

Storage-agnostic: a ledger stores :class:`CaseEvent` rows; :meth:`Case.from_events` replays them in
the stored (append) order, so a case is never saved in a form that could disagree with its events.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, NamedTuple

from zc_enforcement_plugin.core import clock
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core.areas import at_referral_scale
from zc_enforcement_plugin.core.bilingual import Bilingual
from zc_enforcement_plugin.core.domain import (
    CRIMINAL_BASIC_FARMLAND_MU,
    CRIMINAL_CULTIVATED_MU,
)
from zc_enforcement_plugin.core.ledger_schema import EVIDENCE_KIND_LABELS_ZH, EVIDENCE_KINDS
from zc_enforcement_plugin.core.workdays import UnknownScheduleError, WorkCalendar, default_calendar


class Stage(str, Enum):
    """A step of the procedure; the value is what a ledger stores."""

    DISCOVER = "discover"
    VERIFY = "verify"
    STOP = "stop"
    FILE = "file"
    INVESTIGATE = "investigate"
    NOTIFY = "notify"
    PENALISE = "penalise"
    DEMAND = "demand"
    TRANSFER = "transfer"
    CLOSE = "close"

    @property
    def label_zh(self) -> str:
        return STAGE_LABELS_ZH[self]


STAGES: tuple[Stage, ...] = tuple(Stage)  # procedure order (close last)
STAGE_LABELS_ZH = {
    Stage.DISCOVER: "发现",
    Stage.VERIFY: "核查",
    Stage.STOP: "制止",
    Stage.FILE: "立案",
    Stage.INVESTIGATE: "调查",
    Stage.NOTIFY: "告知",
    Stage.PENALISE: "处罚",
    Stage.DEMAND: "催告",
    Stage.TRANSFER: "移交",
    Stage.CLOSE: "结案",
}
# English for messages: "cannot <verb>" and "before the case is <past>".
_VERB_EN = {
    Stage.DISCOVER: "discover",
    Stage.VERIFY: "verify",
    Stage.STOP: "stop the act",
    Stage.FILE: "file",
    Stage.INVESTIGATE: "investigate",
    Stage.NOTIFY: "notify the party",
    Stage.PENALISE: "penalise",
    Stage.DEMAND: "demand compliance",
    Stage.TRANSFER: "transfer",
    Stage.CLOSE: "close",
}
_PAST_EN = {
    Stage.DISCOVER: "discovered",
    Stage.VERIFY: "verified on site",
    Stage.STOP: "stopped",
    Stage.FILE: "filed",
    Stage.INVESTIGATE: "investigated",
    Stage.NOTIFY: "notified to the party",
    Stage.PENALISE: "penalised",
    Stage.DEMAND: "demanded",
    Stage.TRANSFER: "transferred",
    Stage.CLOSE: "closed",
}

# The allowed transitions: (current stage, next stage) -> when. None is "no case yet".
TRANSITIONS: dict[tuple[Stage | None, Stage], str] = {
    (None, Stage.DISCOVER): "a spot judged illegal or a patrol finding opens the case",
    (Stage.DISCOVER, Stage.VERIFY): "every lead is verified on site",
    (Stage.VERIFY, Stage.STOP): "the act is going on: stop order",
    (Stage.VERIFY, Stage.FILE): "the act has already ceased: nothing to stop, file",
    (Stage.VERIFY, Stage.CLOSE): "already rectified when verified (整改到位)",
    (Stage.STOP, Stage.STOP): "construction resumed: another stop order",
    (Stage.STOP, Stage.FILE): "not rectified after 3 working days: file",
    (Stage.STOP, Stage.CLOSE): "rectified before filing (整改到位)",
    (Stage.FILE, Stage.INVESTIGATE): "filed cases are investigated",
    (Stage.FILE, Stage.TRANSFER): "criminal scale: refer to public security",
    (Stage.INVESTIGATE, Stage.INVESTIGATE): "further interviews, surveys, supervisions",
    (Stage.INVESTIGATE, Stage.NOTIFY): "facts established: notify the intended penalty",
    (Stage.INVESTIGATE, Stage.TRANSFER): "investigation shows a suspected crime: refer",
    (Stage.NOTIFY, Stage.PENALISE): "statement/hearing period over: decide",
    (Stage.NOTIFY, Stage.TRANSFER): "statement or hearing shows a suspected crime: refer",
    (Stage.PENALISE, Stage.DEMAND): "decision not carried out: demand compliance (催告)",
    (Stage.PENALISE, Stage.TRANSFER): "suspected crime found after the decision: refer",
    (Stage.PENALISE, Stage.CLOSE): "decision carried out",
    (Stage.DEMAND, Stage.TRANSFER): "demand not complied with: apply to the court",
    (Stage.DEMAND, Stage.CLOSE): "complied after the demand",
    (Stage.TRANSFER, Stage.TRANSFER): "applied to the court, then found criminal: refer",
    (Stage.TRANSFER, Stage.CLOSE): "public security or the court reports the case done",
}


def allowed_next(stage: Stage | None) -> tuple[Stage, ...]:
    """The stages that may follow ``stage`` (None: a new case), in procedure order."""
    return tuple(s for s in STAGES if (stage, s) in TRANSITIONS)


def _predecessors(stage: Stage) -> set[Stage | None]:
    return {a for (a, b) in TRANSITIONS if b == stage and a != stage}


def _required_before() -> dict[Stage, tuple[Stage, ...]]:
    """Stages on EVERY path from a new case to each stage (its dominators), in procedure order.

    Derived from TRANSITIONS so that a refusal can say what is missing without a second table.
    """
    everything: set[Stage | None] = {None, *STAGES}
    dom: dict[Stage | None, set[Stage | None]] = {s: set(everything) for s in STAGES}
    dom[None] = {None}
    changed = True
    while changed:
        changed = False
        for s in STAGES:
            preds = _predecessors(s)
            common = set.intersection(*(dom[p] for p in preds)) if preds else set()
            new = common | {s}
            if new != dom[s]:
                dom[s], changed = new, True
    return {s: tuple(x for x in STAGES if x in dom[s] and x != s) for s in STAGES}


REQUIRED_BEFORE = _required_before()


def _and_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class ProcedureError(ValueError):
    """A step the procedure does not allow; the message says why, in Chinese then English."""

    def __init__(self, case_id: str, reason_zh: str, reason_en: str) -> None:
        self.case_id = case_id
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        prefix = f"案件 {case_id}：" if case_id else ""
        super().__init__(f"{prefix}{reason_zh} / {reason_en}")


# --- origin and events -------------------------------------------------------------------------
ORIGIN_SPOT = "spot"
ORIGIN_PATROL = "patrol"


@dataclass(frozen=True)
class CaseOrigin:
    """Where a case came from: a spot judged illegal (its JCBH) or a patrol finding (patrol id)."""

    kind: str
    ref: str

    def __post_init__(self) -> None:
        if self.kind not in (ORIGIN_SPOT, ORIGIN_PATROL):
            raise ValueError(
                f"origin kind must be {ORIGIN_SPOT!r} or {ORIGIN_PATROL!r}, got {self.kind!r}"
            )
        if not isinstance(self.ref, str) or not self.ref.strip():
            raise ValueError("origin needs a spot number or patrol id / 来源须有图斑编号或巡查编号")

    @classmethod
    def spot(cls, spot_number: str) -> CaseOrigin:
        return cls(ORIGIN_SPOT, spot_number)

    @classmethod
    def patrol(cls, patrol_id: str) -> CaseOrigin:
        return cls(ORIGIN_PATROL, patrol_id)


def _utc_now() -> datetime:
    return clock.now_utc()


def _area(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of m², got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0 m², got {value!r}")
    return float(value)


@dataclass(frozen=True)
class CaseEvent:
    """One recorded step of a case; never edited, a correction is a later event.

    ``origin`` is given on the discover event only. ``cultivated_sqm`` (all cultivated land
    occupied, basic farmland included, as in the spot's GDMJ) and ``basic_farmland_sqm`` may be
    given on any event and replace the case's figures (site measurements refine screening ones);
    None keeps the previous figure. Lists are stored as tuples so an event stays immutable.
    """

    case_id: str
    stage: Stage
    date: date
    person: str
    documents: Sequence[str] = ()
    evidence_ids: Sequence[str] = ()
    note: str = ""
    recorded_at: datetime = field(default_factory=_utc_now)
    origin: CaseOrigin | None = None
    cultivated_sqm: float | None = None
    basic_farmland_sqm: float | None = None
    # The day the figures were found on site, when the event is dated later (a verdict
    # corrected after the case moved on); None: on the event's date.
    measured_on: date | None = None
    # The ledger's row id (None until stored): what a correction refers to.
    event_id: int | None = None
    # A correction (更正): the row id of the event it corrects. It is no step: the case is
    # replayed with the corrected event's date and documents taken from it (see
    # Case.from_events), its note is the reason, and both rows stay in the history.
    corrects: int | None = None
    # A correction's: the corrected event's remarks as they should read (a decision number
    # mistyped in them, say); None leaves them as they stand. Its own note stays the reason.
    corrected_note: str | None = None

    @property
    def is_correction(self) -> bool:
        return self.corrects is not None

    @property
    def measured_day(self) -> date:
        """The day the event's figures stand from: measured_on, else its date."""
        return self.measured_on or self.date

    def __post_init__(self) -> None:
        if not isinstance(self.case_id, str) or not self.case_id.strip():
            raise ValueError("case_id must be non-empty text / 案件编号不能为空")
        try:
            object.__setattr__(self, "stage", Stage(self.stage))
        except ValueError:
            raise ValueError(
                f"unknown stage {self.stage!r}; known: {', '.join(s.value for s in STAGES)}"
            ) from None
        # datetime is a date subclass: a time of day would make "earlier than" comparisons lie.
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise TypeError(f"event date must be a datetime.date, got {type(self.date).__name__}")
        if not isinstance(self.person, str) or not self.person.strip():
            raise ValueError("须填写经办人 / an event needs the person who did it")
        for name in ("documents", "evidence_ids"):
            values = getattr(self, name)
            if isinstance(values, str):  # a bare string would become a tuple of characters
                raise TypeError(f"{name} must be a list of text, not one string")
            object.__setattr__(self, name, tuple(str(v) for v in values))
        if not isinstance(self.recorded_at, datetime):
            raise TypeError("recorded_at must be a datetime")
        if self.measured_on is not None:
            if isinstance(self.measured_on, datetime) or not isinstance(self.measured_on, date):
                raise TypeError("measured_on must be a datetime.date")
            if self.measured_on > self.date:
                raise ValueError(
                    f"measured on {self.measured_on}, after the event's date {self.date} / "
                    "测量日期晚于事件日期"
                )
        if self.origin is not None and not isinstance(self.origin, CaseOrigin):
            raise TypeError("origin must be a CaseOrigin")
        if self.corrected_note is not None:
            if not isinstance(self.corrected_note, str):
                raise TypeError("corrected_note must be text")
            if self.corrects is None:
                raise ValueError("only a correction corrects remarks / 只有更正记录才能更正备注")
        object.__setattr__(self, "cultivated_sqm", _area(self.cultivated_sqm, "cultivated_sqm"))
        object.__setattr__(
            self, "basic_farmland_sqm", _area(self.basic_farmland_sqm, "basic_farmland_sqm")
        )


# --- thresholds ---------------------------------------------------------------------------------
def criminal_scale(cultivated_sqm: float, basic_farmland_sqm: float) -> bool:
    """DOMAIN §5: ≥ 5 亩 permanent basic farmland or ≥ 10 亩 cultivated land outside it.

    The cultivated figure includes basic farmland (as GDMJ does), so the "other" cultivated land
    is the difference; this assumes basic farmland lies on cultivated land, which the screening
    engine checks geometrically but a figure typed into a case cannot.
    """
    other = max(cultivated_sqm - basic_farmland_sqm, 0.0)
    return bool(at_referral_scale(basic_farmland_sqm, other))


def is_criminal_scale(case: Case) -> bool:
    """Whether ``case`` reaches the criminal-referral threshold on its latest area figures."""
    return criminal_scale(case.cultivated_sqm, case.basic_farmland_sqm)


# --- deadlines ----------------------------------------------------------------------------------
# How much later than a guess a party's period may end: the holidays a guessed calendar lacks
# (the Spring Festival's week and its swapped days, Qingming, Dragon Boat, Mid-Autumn) move a
# 5- or 10-working-day period by about a week at most; past this, it has run out whatever the
# year's schedule says.
GUESS_MAY_RUN_LATER = timedelta(days=14)


@dataclass(frozen=True)
class Deadline:
    """One deadline of a case.

    Open: ``status`` (deadlines.OK / DUE_SOON / OVERDUE) is measured at ``today``. Done: it is
    measured at ``done_on``, so OVERDUE means met late (:attr:`late`). ``waiting`` deadlines are
    the party's periods (statement/hearing, demand): the office acts after them, so once done
    their status is OK, once run out they are ``period_over`` (OK and open: the office may act
    now), and ``premature`` says the office acted before the period ran out (a
    defect that can void a decision; the party may have waived the period, so it is flagged, not
    refused). ``due`` and ``status`` are None, and ``warning`` says why, when the calendar has no
    schedule for the year; ``warning`` also notes a due date guessed by a lenient calendar
    (``estimated``).
    """

    name: str
    label_zh: str
    start: date
    due: date | None
    status: str | None
    done: bool
    done_on: date | None = None
    # In both languages, its halves apart: a report's workbook takes the Chinese.
    warning: Bilingual | None = None
    # The due date counts working days in a year without a holiday schedule (a lenient
    # calendar's guess); `warning` says which file to add the year to.
    estimated: bool = False
    waiting: bool = False
    premature: bool = False
    document: str | None = None  # the report document that discharges it, if one does
    # The day a correction took the case below the criminal scale while this serious-case
    # report was still unmade: the report is owed no more, but one already overdue stays on
    # record as missed (status is measured on that day).
    lapsed_on: date | None = None
    # A party's (waiting) period that has run out with the office's next step not yet taken:
    # nothing is late, the office may now act (decide, or apply to the court). Still open.
    # When `estimated` too, it has run out only by the guess: the guess counts the fixed-date
    # holidays alone (no Spring Festival), so the true end may be days later.
    period_over: bool = False
    # The office acted after the guessed end of the party's period (`estimated`) but within
    # GUESS_MAY_RUN_LATER of it: within the true period, maybe. Not `premature` (that is
    # certain): said until the year is added.
    possibly_premature: bool = False
    # A party's period run out by the guess (`period_over`) that may still run: today within
    # GUESS_MAY_RUN_LATER of the guessed end.
    may_still_run: bool = False
    # Ended by closing the case after its due day, its act never done (a report never made, a
    # case never filed): nothing is owed any more, but it was missed, not done late.
    closed_unmet: bool = False
    # The day a withdrawal (撤销案件) ended it, its act never done: there was no act to report,
    # file or decide on, so it is neither done (late or not) nor missed. ``status`` is still
    # measured on that day: a deadline already overdue then stays on record as such, as the
    # reports counted it overdue until the withdrawal.
    withdrawn_on: date | None = None

    @property
    def label_en(self) -> str:
        """The deadline's name in English (label_zh's)."""
        return dl.RULE_LABELS_EN[self.name]

    @property
    def missed_zh(self) -> str:
        """What a deadline ``closed_unmet`` left undone, in the bureau's words (逾期未报)."""
        return MISSED_LABELS_ZH.get(self.name, "逾期未办")

    @property
    def late(self) -> bool:
        """Past due: done after the due day, or still open after it."""
        return self.status == dl.OVERDUE

    @property
    def open(self) -> bool:
        """Still to be met or acted on: not done, and not lapsed."""
        return not self.done and self.lapsed_on is None

    @property
    def overdue(self) -> bool:
        """Still open and past due: what makes a case overdue, for the dock's overdue filter
        and the reports' counts alike."""
        return self.open and self.late


@dataclass(frozen=True)
class _DeadlineSpec:
    name: str  # the rule name in deadlines.DeadlineRules
    # First event of this stage; None: the day the case became serious (or, with
    # `started_by`, the first event carrying that document).
    starts_at: Stage | None
    done_by: frozenset[Stage]
    document: str | None = None  # a report document on any event also discharges it
    premature_if: frozenset[Stage] = frozenset()  # non-empty: the party's (waiting) period
    started_by: str | None = None  # a document whose first event starts the period


# A deadline a late close ended without its act (Deadline.closed_unmet): what was missed.
MISSED_LABELS_ZH = {
    "public_exposure_report": "逾期未报",
    "report_to_brigade": "逾期未报",
    "file_case": "逾期未立案",
    "serious_case_report": "逾期未报",
}

# Documents whose presence on any event marks a report made (reports are not procedure stages),
# or, for the public exposure, the fact that starts one.
DOC_BRIGADE_REPORT = "违法线索书面报告"
DOC_SERIOUS_CASE_REPORT = "重大案件报告"
DOC_PUBLIC_EXPOSURE = "网络曝光或群体信访"
DOC_BUREAU_HEAD_REPORT = "报告局长"
REPORT_DOCUMENTS = (
    DOC_BRIGADE_REPORT,
    DOC_SERIOUS_CASE_REPORT,
    DOC_PUBLIC_EXPOSURE,
    DOC_BUREAU_HEAD_REPORT,
)
# 移交 is one stage for two acts: referring a suspected crime to public security, and applying
# to the court after a demand. Their documents tell them apart; without either (and in ledgers
# recorded before they did), a transfer after 催告 of a case below the criminal scale is the
# court application and any other one the referral.
DOC_POLICE_REFERRAL = "涉嫌犯罪案件移送书"
DOC_COURT_APPLICATION = "强制执行申请书"
# What the case panel offers for its documents field: the names the procedure looks for.
PICKED_DOCUMENTS = (*REPORT_DOCUMENTS, DOC_POLICE_REFERRAL, DOC_COURT_APPLICATION)
# A withdrawal (撤销案件): a close carrying this document, with the reason as its note. The case
# was opened in error (the wrong spot) or the act proved lawful (the verdict turned 合法):
# there was no act to rectify, so it counts neither as rectified nor as opened in the rates.
DOC_WITHDRAWAL = "撤销案件审批表"
# The stages a case may be withdrawn from: any before a penalty decision. Once 处罚 is decided
# the decision stands until a review or a court revokes it, which the ledger records as the
# case goes on; once transferred, public security or the court has the case.
WITHDRAW_FROM = frozenset(
    {Stage.DISCOVER, Stage.VERIFY, Stage.STOP, Stage.FILE, Stage.INVESTIGATE, Stage.NOTIFY}
)


def is_withdrawal(event: CaseEvent) -> bool:
    return event.stage is Stage.CLOSE and DOC_WITHDRAWAL in event.documents


_CLOSE = frozenset({Stage.CLOSE})  # closing ends every deadline: nothing is left to do
# Steps done in the field or by delivering a document to the party: site survey (核查), stop
# order and site supervision (制止), interviews and surveys (调查), and the deliveries of the
# notice, the decision and the demand (告知, 处罚, 催告).
EVIDENCE_STAGES = frozenset(
    {Stage.VERIFY, Stage.STOP, Stage.INVESTIGATE, Stage.NOTIFY, Stage.PENALISE, Stage.DEMAND}
)


class EvidenceTaken(NamedTuple):
    """A photo, video or recording of the case's spot as the evidence check reads it: its
    ledger id (what a step's evidence_ids name), its kind (ledger_schema.EVIDENCE_KINDS) and
    the day it was made (None when unknown)."""

    evidence_id: str
    kind: str
    day: date | None


@dataclass(frozen=True)
class EvidenceGap:
    """A step of EVIDENCE_STAGES and the kinds of evidence it lacks (in EVIDENCE_KINDS order)."""

    event: CaseEvent
    missing: tuple[str, ...]

    def text_zh(self) -> str:
        """'2025-03-03 告知 缺视频、录音': the step as the history names it, then its lack."""
        kinds = "、".join(EVIDENCE_KIND_LABELS_ZH[kind] for kind in self.missing)
        return f"{self.event.date.isoformat()} {self.event.stage.label_zh} 缺{kinds}"


# Which deadlines a case has, when each starts and which step discharges it.
DEADLINE_SPECS: tuple[_DeadlineSpec, ...] = (
    # 2022 work plan: an act exposed online or causing mass petitions is reported to the bureau
    # head at once; the event recording the exposure starts it, the report discharges it.
    _DeadlineSpec(
        "public_exposure_report",
        None,
        _CLOSE,
        DOC_BUREAU_HEAD_REPORT,
        started_by=DOC_PUBLIC_EXPOSURE,
    ),
    # The written report; filing or transferring implies the brigade was told.
    _DeadlineSpec(
        "report_to_brigade",
        Stage.DISCOVER,
        frozenset({Stage.FILE, Stage.TRANSFER}) | _CLOSE,
        DOC_BRIGADE_REPORT,
    ),
    # Not rectified after 3 working days: file (closing = rectified, nothing to file).
    _DeadlineSpec("file_case", Stage.DISCOVER, frozenset({Stage.FILE, Stage.TRANSFER}) | _CLOSE),
    # One per spell at the criminal scale; discharged in Case._serious_reports_made by the report,
    # a referral to public security (not a court application) or the close: not by stages.
    _DeadlineSpec(
        "serious_case_report",
        None,
        frozenset(),
        DOC_SERIOUS_CASE_REPORT,
    ),
    _DeadlineSpec(
        "statement_hearing_request",
        Stage.NOTIFY,
        frozenset({Stage.PENALISE, Stage.TRANSFER}) | _CLOSE,
        premature_if=frozenset({Stage.PENALISE}),
    ),
    # Court enforcement is applied for after the demand period; complying (close) ends it.
    _DeadlineSpec(
        "demand_to_comply",
        Stage.DEMAND,
        frozenset({Stage.TRANSFER}) | _CLOSE,
        premature_if=frozenset({Stage.TRANSFER}),
    ),
    _DeadlineSpec(
        "penalty_decision", Stage.FILE, frozenset({Stage.PENALISE, Stage.TRANSFER}) | _CLOSE
    ),
)


# The case_id of Case.unopened: no case was opened, and no stored case has it (a ledger numbers
# its cases).
UNOPENED_CASE_ID = "未立案"


def _corrected_steps(records: Sequence[CaseEvent]) -> list[CaseEvent]:
    """The steps of ``records`` (corrections left out), each with the date and documents of its
    latest correction, and the remarks of its latest correction that corrected them (one
    putting a date right leaves remarks put right before as they are). ProcedureError when a
    correction refers to no step of the case."""
    steps = {e.event_id: e for e in records if e.event_id is not None and not e.is_correction}
    latest: dict[int, CaseEvent] = {}
    remarks: dict[int, str] = {}
    for record in records:
        if not record.is_correction:
            continue
        target = steps.get(record.corrects)
        if target is None or target.stage is not record.stage:
            raise ProcedureError(
                record.case_id,
                f"更正记录所更正的事件 {record.corrects} 不是本案的一步",
                f"the correction refers to event {record.corrects}, which is no step of this case",
            )
        latest[record.corrects] = record
        if record.corrected_note is not None:
            remarks[record.corrects] = record.corrected_note
    result = []
    for record in records:
        if record.is_correction:
            continue
        correction = latest.get(record.event_id)
        if correction is not None:
            try:
                record = replace(
                    record,
                    date=correction.date,
                    documents=correction.documents,
                    note=remarks.get(record.event_id, record.note),
                )
            except ValueError as error:  # measured after the corrected date, say
                raise ProcedureError(
                    record.case_id,
                    f"“{record.stage.label_zh}”更正后的日期 {correction.date} 不成立：{error}",
                    f"the {record.stage.value} date corrected to {correction.date} cannot "
                    f"stand: {error}",
                ) from None
        result.append(record)
    return result


# --- the case -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A case as its events make it; build with :meth:`from_events`, advance with :meth:`apply`."""

    case_id: str
    origin: CaseOrigin
    events: tuple[CaseEvent, ...]
    cultivated_sqm: float = 0.0
    basic_farmland_sqm: float = 0.0
    # Spells at the criminal scale: (index of the event that brought the case to it, index of
    # the event that took it below or None while it lasts, the day it was found on site).
    # Indices, not dates, for the order: several events of one day are still in order.
    criminal_spells: tuple[tuple[int, int | None, date], ...] = ()
    # Every stored row as recorded, corrections and the events they correct included: the
    # history. ``events`` are the steps as corrected, which everything else counts from.
    records: tuple[CaseEvent, ...] = ()

    @classmethod
    def from_events(cls, events: Iterable[CaseEvent]) -> Case:
        """Replay ``events`` in their stored (append) order; ProcedureError on the first bad one.

        Corrections (CaseEvent.corrects) are no steps: each corrected event is replayed, in its
        own place, with the date and documents of its latest correction (and its remarks as
        last corrected, CaseEvent.corrected_note), so the deadlines, the
        stage dates and the reports all count from the corrected date; ``records`` keeps both.

        The procedure's order and dates are checked again; the rule that a criminal-scale case
        is referred before it is closed is not: it is checked when a close is recorded, and a
        close recorded under an earlier reading of it (before 移交's documents told a court
        application from a referral) must not make the case, and the ledger's case list,
        unreadable."""
        events = list(events)
        if not events:
            raise ProcedureError("", "没有任何事件，无法建立案件", "no events: there is no case")
        steps = _corrected_steps(events)
        case = cls._open(steps[0])
        for event in steps[1:]:
            case._check(event, recorded=True)
            case = case._with(event)
        return replace(case, records=tuple(events))

    @classmethod
    def standings(cls, steps: Sequence[CaseEvent]) -> list[Case]:
        """The case after each of ``steps`` in turn, from one replay: ``[i]`` is
        ``Case.from_events(steps[:i + 1])``, the same checks made on the same events, so a
        report judging a case at twelve month ends replays it once, not twelve times.
        ``steps``: a case's steps as corrected (Case.events); a correction record would have to
        be applied to the step before it, which only from_events does."""
        if not steps:
            raise ProcedureError("", "没有任何事件，无法建立案件", "no events: there is no case")
        if any(step.is_correction for step in steps):
            raise ValueError("Case.standings takes corrected steps, not correction records")
        case = cls._open(steps[0])
        result = [case]
        for event in steps[1:]:
            case._check(event, recorded=True)
            case = case._with(event)
            result.append(case)
        return result

    @classmethod
    def unopened(
        cls,
        spot_number: str,
        found_on: date,
        found_by: str,
        cultivated_sqm: float | None = None,
        basic_farmland_sqm: float | None = None,
    ) -> Case:
        """The case a spot judged 违法 stands as while nobody has opened one: its discover
        event only, on the day it was judged illegal, with its figures. Never stored.

        An act found and not rectified runs its deadlines whether or not a case is opened
        (DOMAIN §1: written report to the brigade within 2 working days, a case filed after 3),
        so the reports judge such a spot by this case's deadlines: the same DEADLINE_SPECS and
        rules as an opened case, and not a copy of them. Its case_id is UNOPENED_CASE_ID."""
        event = CaseEvent(
            UNOPENED_CASE_ID,
            Stage.DISCOVER,
            found_on,
            (found_by or "").strip() or "—",  # CaseEvent needs a person: the verifier
            origin=CaseOrigin.spot(spot_number),
            cultivated_sqm=cultivated_sqm,
            basic_farmland_sqm=basic_farmland_sqm,
        )
        return cls.from_events([event])

    @property
    def opened(self) -> bool:
        """False for Case.unopened: a spot's deadlines while no case exists."""
        return self.case_id != UNOPENED_CASE_ID

    @classmethod
    def _open(cls, event: CaseEvent) -> Case:
        if event.stage is not Stage.DISCOVER:
            raise ProcedureError(
                event.case_id,
                f"案件第一步必须是“发现”，不能从“{event.stage.label_zh}”开始",
                f"a case starts with discover, not {event.stage.value}",
            )
        if event.origin is None:
            raise ProcedureError(
                event.case_id,
                "“发现”须注明来源：违法图斑编号或巡查记录编号",
                "discover must give the origin: an illegal spot number or a patrol id",
            )
        case = cls(event.case_id, event.origin, ())
        return case._with(event)

    # -- state --
    @property
    def stage(self) -> Stage:
        return self.events[-1].stage

    @property
    def closed(self) -> bool:
        return self.stage is Stage.CLOSE

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(e.stage for e in self.events)

    @property
    def last_date(self) -> date:
        return self.events[-1].date

    def has(self, stage: Stage) -> bool:
        return stage in self.stages

    @property
    def last_record_id(self) -> int | None:
        """The id of the case's latest stored row, a step or a correction (None before any is
        stored): the case's version as a user saw it. A save given it is refused once the
        case has a later row (ledger add_case_event, correct_case_event)."""
        ids = [r.event_id for r in self.records if r.event_id is not None]
        return max(ids) if ids else None

    def as_recorded(self, event: CaseEvent) -> CaseEvent:
        """The stored row of one of ``events`` as first recorded (before any correction)."""
        if event.event_id is None:
            return event
        return next(
            (r for r in self.records if r.event_id == event.event_id and not r.is_correction),
            event,
        )

    def remarks_corrected(self, event: CaseEvent) -> bool:
        """Whether a correction put right the remarks of one of ``events``: they then read as
        corrected, and as_recorded(event).note keeps the original."""
        return any(c.corrected_note is not None for c in self.corrections_of(event))

    def corrections_of(self, event: CaseEvent) -> tuple[CaseEvent, ...]:
        """The corrections of one of ``events``, oldest first (the last one is in force)."""
        if event.event_id is None:
            return ()
        return tuple(r for r in self.records if r.corrects == event.event_id)

    @property
    def withdrawn(self) -> bool:
        """Closed by a withdrawal (DOC_WITHDRAWAL): opened in error, or the act proved lawful."""
        return self.closed and is_withdrawal(self.events[-1])

    def date_of(self, stage: Stage) -> date | None:
        """Date of the first event of ``stage`` (periods run from the first), None if none."""
        return next((e.date for e in self.events if e.stage is stage), None)

    def allowed_next(self) -> tuple[Stage, ...]:
        return allowed_next(self.stage)

    @property
    def criminal_scale(self) -> bool:
        return is_criminal_scale(self)

    @property
    def marked_for_transfer(self) -> bool:
        """Open, at the criminal scale and not yet referred to public security: flagged."""
        return self.criminal_scale and not self.referred_to_police and not self.closed

    @property
    def referred_to_police(self) -> bool:
        return any(self._is_police_referral(index) for index in range(len(self.events)))

    def _is_police_referral(self, index: int) -> bool:
        """Whether events[index] refers the case to public security (see DOC_POLICE_REFERRAL)."""
        event = self.events[index]
        if event.stage is not Stage.TRANSFER:
            return False
        if DOC_POLICE_REFERRAL in event.documents:
            return True
        if DOC_COURT_APPLICATION in event.documents:
            return False
        before = self.events[index - 1].stage if index else None
        if before is Stage.TRANSFER:
            return False  # a report or figures recorded after the transfer: no transfer itself
        return before is not Stage.DEMAND or self._criminal_at(index)

    def _criminal_at(self, index: int) -> bool:
        """Whether the case was at the criminal scale once events[index] was applied."""
        return any(
            start <= index and (end is None or index < end)
            for start, end, _day in self.criminal_spells
        )

    @property
    def measurement_indices(self) -> frozenset[int]:
        """The events that recorded figures without a step (see is_measurement)."""
        return self._stepless()[1]

    def _stepless(self) -> tuple[frozenset[int], frozenset[int]]:
        """(reports alone, measurements): the events that took no step, each judged against
        the case as it stood before it."""
        reports, measurements = set(), set()
        before: Case | None = None
        for index, event in enumerate(self.events):
            if before is not None and before.is_report_only(event):
                reports.add(index)
            elif before is not None and before.is_measurement(event):
                measurements.add(index)
            before = Case.from_events([event]) if before is None else before._with(event)
        return frozenset(reports), frozenset(measurements)

    def evidence_gaps(self, evidence: Iterable[EvidenceTaken] = ()) -> tuple[EvidenceGap, ...]:
        """Steps lacking any of audio, video and photo evidence, each with the kinds it lacks:
        every document delivery, interview record, site survey and site supervision must carry
        all three (the 2022 work plan, DOMAIN §1): the stages of EVIDENCE_STAGES. Internal
        documents (立案审批表, 结案审批表) and what goes to public security or the court are no
        delivery to the party. A step has a kind when it names evidence of that kind
        (evidence_ids, looked up in `evidence`: the spot's photos, videos and recordings) or
        when evidence of that kind was made on its day; an id `evidence` does not hold shows
        no kind, and evidence of another day does not count."""
        evidence = tuple(evidence)
        reports, measurements = self._stepless()  # a report made, or figures corrected
        gaps = []
        for index, event in enumerate(self.events):
            if index in reports or index in measurements or event.stage not in EVIDENCE_STAGES:
                continue
            named = {str(i) for i in event.evidence_ids}
            kinds = {e.kind for e in evidence if str(e.evidence_id) in named or e.day == event.date}
            missing = tuple(kind for kind in EVIDENCE_KINDS if kind not in kinds)
            if missing:
                gaps.append(EvidenceGap(event, missing))
        return tuple(gaps)

    # -- advancing --
    def apply(self, event: CaseEvent) -> Case:
        """The case after ``event``; ProcedureError saying why when the step is impossible."""
        self._check(event)
        return self._with(event)

    def _figures(self, event: CaseEvent) -> tuple[float, float]:
        """Cultivated and basic-farmland m² once ``event`` is applied (None keeps the old one)."""
        cult = self.cultivated_sqm if event.cultivated_sqm is None else event.cultivated_sqm
        bf = self.basic_farmland_sqm
        if event.basic_farmland_sqm is not None:
            bf = event.basic_farmland_sqm
        return cult, bf

    def _with(self, event: CaseEvent) -> Case:
        cult, bf = self._figures(event)
        criminal = criminal_scale(cult, bf)
        index, spells = len(self.events), self.criminal_spells
        lasting = bool(spells) and spells[-1][1] is None
        if criminal and not lasting:
            spells = (*spells, (index, None, event.measured_day))
        elif lasting and not criminal:
            spells = (*spells[:-1], (spells[-1][0], index, spells[-1][2]))
        elif lasting and event.measured_day < spells[-1][2]:
            # The day the scale was found, corrected to an earlier one: the spell starts then
            # (the events it spans stay as they were: a referral in it stays a referral).
            spells = (*spells[:-1], (spells[-1][0], None, event.measured_day))
        return replace(
            self,
            events=(*self.events, event),
            records=(*self.records, event),
            cultivated_sqm=cult,
            basic_farmland_sqm=bf,
            criminal_spells=spells,
        )

    @property
    def criminal_since(self) -> date | None:
        """The day the case came to the criminal scale it is still at; None below it."""
        if self.criminal_spells and self.criminal_spells[-1][1] is None:
            return self.criminal_spells[-1][2]
        return None

    def is_report_only(self, event: CaseEvent) -> bool:
        """A report recorded at the current stage, no step taken: the reports the deadlines
        wait for (REPORT_DOCUMENTS) are documents, not stages, and may fall at any stage of an
        open case (an act exposed online after the notice, say)."""
        return (
            event.stage is self.stage
            and self.stage is not Stage.CLOSE
            and bool(event.documents)
            and all(document in REPORT_DOCUMENTS for document in event.documents)
        )

    def is_measurement(self, event: CaseEvent) -> bool:
        """New figures recorded at the current stage, no step taken and no document: a field
        correction of the spot's verdict (the ledger records one when such a verdict is saved
        while the case is open), so the case's scale follows the land as last measured."""
        return (
            event.stage is self.stage
            and self.stage is not Stage.CLOSE
            and not event.documents
            and (event.cultivated_sqm is not None or event.basic_farmland_sqm is not None)
        )

    def _refuse(self, zh: str, en: str) -> ProcedureError:
        return ProcedureError(self.case_id, zh, en)

    def _check(self, event: CaseEvent, recorded: bool = False) -> None:
        """Refuse ``event`` with the reason; ``recorded``: it is already in the ledger (see
        from_events)."""
        if event.case_id != self.case_id:
            raise self._refuse(
                f"事件属于案件 {event.case_id}，不属于本案",
                f"the event belongs to case {event.case_id}, not this one",
            )
        cur, nxt = self.stage, event.stage
        if event.is_correction:
            raise self._refuse(
                "更正不是一步，须作为更正记录", "a correction is no step: record it as a correction"
            )
        withdrawal = is_withdrawal(event)
        if withdrawal:
            self._check_withdrawal(event)
        elif DOC_WITHDRAWAL in event.documents:
            raise self._refuse(
                f"{DOC_WITHDRAWAL}只能随“结案”记录", "a withdrawal is recorded as the close"
            )
        elif (cur, nxt) not in TRANSITIONS and not (
            self.is_report_only(event) or self.is_measurement(event)
        ):
            raise self._refuse(*self._why_not(nxt))
        if event.date < self.last_date:
            raise self._refuse(
                f"“{nxt.label_zh}”的日期 {event.date} 早于上一步“{cur.label_zh}”的日期 "
                f"{self.last_date}",
                f"the {nxt.value} date {event.date} is earlier than the previous step "
                f"({cur.value}, {self.last_date})",
            )
        if event.origin is not None:
            raise self._refuse(
                "来源只能在“发现”时记录", "the origin is recorded by the discover event only"
            )
        if not recorded:
            self._check_transfer_documents(event)
        # Figures given on the closing event count: a re-measurement may lift the threshold.
        # A court application (移交 after 催告) is no referral to public security.
        # A withdrawal closes no act with a fine (there was none to punish): no 以罚代刑.
        if (
            not recorded
            and nxt is Stage.CLOSE
            and not withdrawal
            and not self.referred_to_police
            and criminal_scale(*self._figures(event))
        ):
            raise self._refuse(
                f"已达刑事移送标准（基本农田≥{CRIMINAL_BASIC_FARMLAND_MU:g}亩或其他耕地≥"
                f"{CRIMINAL_CULTIVATED_MU:g}亩），须先移交公安机关（{DOC_POLICE_REFERRAL}）才能"
                "结案，不得以罚代刑",
                f"the case reaches the criminal threshold (>= {CRIMINAL_BASIC_FARMLAND_MU:g} mu "
                f"basic farmland or >= {CRIMINAL_CULTIVATED_MU:g} mu other cultivated land): it "
                "must be referred to public security before it can be closed",
            )

    def _check_withdrawal(self, event: CaseEvent) -> None:
        """A withdrawal stands before a penalty decision (WITHDRAW_FROM) and says why."""
        if self.stage not in WITHDRAW_FROM:
            raise self._refuse(
                f"案件已“{self.stage.label_zh}”，不能撤销：只有处罚决定之前（"
                + "、".join(s.label_zh for s in STAGES if s in WITHDRAW_FROM)
                + "）的案件可以撤销",
                f"a case at {self.stage.value} cannot be withdrawn: only before a penalty decision",
            )
        if not event.note.strip():
            raise self._refuse(
                "撤销案件须在备注中写明理由（如：图斑位置错误、已判定为合法）",
                "a withdrawal needs its reason in the remarks (the wrong spot, judged lawful)",
            )

    def correct(self, correction: CaseEvent) -> Case:
        """The case with ``correction`` (CaseEvent.corrects) recorded; ProcedureError saying
        why when the corrected case could not stand (a step before the one it follows, say).
        The reason (its note) is required: a correction changes what the case counts from."""
        if not correction.is_correction:
            raise self._refuse("这不是更正记录", "this is no correction")
        if correction.case_id != self.case_id:
            raise self._refuse(
                f"更正属于案件 {correction.case_id}，不属于本案",
                f"the correction belongs to case {correction.case_id}, not this one",
            )
        if not correction.note.strip():
            raise self._refuse(
                "更正须写明理由（如：录入错误）", "a correction needs its reason (a typing error)"
            )
        return Case.from_events((*self.records, correction))

    def _check_transfer_documents(self, event: CaseEvent) -> None:
        """The documents that tell 移交's two acts apart, where each can stand."""
        police = DOC_POLICE_REFERRAL in event.documents
        court = DOC_COURT_APPLICATION in event.documents
        if police and court:
            raise self._refuse(
                f"一次移交只能是移送公安（{DOC_POLICE_REFERRAL}）或申请法院强制执行"
                f"（{DOC_COURT_APPLICATION}）之一，请分别记录",
                "one transfer is either the referral to public security or the court "
                "application: record them one after the other",
            )
        if (police or court) and event.stage is not Stage.TRANSFER:
            raise self._refuse(
                f"{DOC_POLICE_REFERRAL if police else DOC_COURT_APPLICATION}只能随“移交”记录",
                "a referral or court application is recorded with the transfer step",
            )
        if court and self.stage is not Stage.DEMAND:
            raise self._refuse(
                "申请法院强制执行须在催告之后", "the court is applied to after the demand"
            )
        if (
            self.stage is Stage.TRANSFER
            and event.stage is Stage.TRANSFER
            and not (self.is_report_only(event) or self.is_measurement(event))
            and (not police or self.referred_to_police)
        ):
            raise self._refuse(
                f"移交之后只能再移送公安（{DOC_POLICE_REFERRAL}），且仅一次",
                "after a transfer, only the referral to public security may follow, once",
            )

    def _why_not(self, nxt: Stage) -> tuple[str, str]:
        """Why ``nxt`` cannot follow the current stage, from the table's own shape."""
        cur = self.stage
        if cur is Stage.CLOSE:
            return (
                f"案件已于 {self.last_date} 结案，不能再“{nxt.label_zh}”",
                f"the case was closed on {self.last_date}: cannot {_VERB_EN[nxt]}",
            )
        if nxt is Stage.DISCOVER:
            return (
                "案件已有“发现”记录，新的违法行为应另立案件",
                "the case is already discovered; a new act is a new case",
            )
        if cur is Stage.TRANSFER:
            return (
                f"案件已移交，本机关程序只剩结案（或申请法院后移送公安），不能再“{nxt.label_zh}”",
                f"the case has been transferred: only closing (or, after a court application, "
                f"the referral to public security) remains, cannot {_VERB_EN[nxt]}",
            )
        if nxt is cur:
            reports = "、".join(REPORT_DOCUMENTS)
            return (
                f"已经“{cur.label_zh}”，不能重复（只记录报告时，文书须为：{reports}）",
                f"{cur.value} is already recorded and cannot be repeated (a report alone is "
                "recorded at the current stage with one of the report documents)",
            )
        if STAGES.index(nxt) < STAGES.index(cur):
            return (
                f"不能从“{cur.label_zh}”回到“{nxt.label_zh}”：程序不能倒退",
                f"cannot go back from {cur.value} to {nxt.value}",
            )
        missing = [s for s in REQUIRED_BEFORE[nxt] if not self.has(s)]
        if missing:
            return (
                f"不能从“{cur.label_zh}”直接“{nxt.label_zh}”：须先"
                + "、".join(s.label_zh for s in missing),
                f"cannot {_VERB_EN[nxt]} before the case is "
                + _and_list([_PAST_EN[s] for s in missing]),
            )
        after = [s for s in STAGES if (s, nxt) in TRANSITIONS and s is not nxt]
        return (
            f"“{nxt.label_zh}”只能在"
            + "、".join(f"“{s.label_zh}”" for s in after)
            + f"之后，不能在“{cur.label_zh}”之后",
            f"{nxt.value} can only follow {', '.join(s.value for s in after)}, not {cur.value}",
        )

    # -- deadlines --
    def _done_by(self, spec: _DeadlineSpec, start: date) -> int | None:
        """The index of the first event from ``start`` on that discharges ``spec`` (one of its
        ``done_by`` stages, or its document); None while open. An event before the period
        started does not discharge it."""
        for index, e in enumerate(self.events):
            if e.date >= start and (
                e.stage in spec.done_by
                or (spec.document is not None and spec.document in e.documents)
            ):
                return index
        return None

    def deadlines(
        self,
        rules: dl.DeadlineRules = dl.DEFAULT_RULES,
        calendar: WorkCalendar | None = None,
        today: date | None = None,
        warn_days: int = 1,
    ) -> list[Deadline]:
        """The deadlines that apply to this case so far, in the order of :data:`DEADLINE_SPECS`
        (a serious-case report of an earlier spell at the criminal scale before the current one).

        ``calendar`` defaults to the strict official calendar, ``today`` to the Beijing day
        (clock.today(): the computer's own zone may still be on yesterday).
        A year without a schedule gives a deadline with a warning, never an exception.
        """
        cal = calendar or default_calendar()
        today = today or clock.today()
        result = []
        for spec in DEADLINE_SPECS:
            if spec.starts_at is None and spec.started_by is None:
                result.extend(self._serious_reports(spec, rules, cal, today, warn_days))
                continue
            if spec.started_by is not None:
                start = next((e.date for e in self.events if spec.started_by in e.documents), None)
            else:
                start = self.date_of(spec.starts_at)
            if start is None:
                continue
            by = self._done_by(spec, start)
            result.append(self._deadline(spec, start, by, rules, cal, today, warn_days))
        return result

    def _serious_reports(
        self,
        spec: _DeadlineSpec,
        rules: dl.DeadlineRules,
        cal: WorkCalendar,
        today: date,
        warn_days: int,
    ) -> list[Deadline]:
        """One serious-case report per spell at the criminal scale. A report (or a transfer)
        counts for the spell it follows, up to the next spell's start, so one report never
        serves two spells. A spell that a correction ended keeps its report on record: made
        (on time or late), or missed when its due day passed within the spell (lapsed: owed no
        more). A spell corrected away by its due day owed nothing and leaves no deadline.

        A spell starts and ends on the day the figures that began or ended it were found on
        site (CaseEvent.measured_day), even when they were recorded in the case later."""
        kept = []
        reported = self._serious_reports_made(spec)
        for number, (_first, end, start) in enumerate(self.criminal_spells):
            by = reported.get(number)
            if end is None:  # the spell the case is in
                kept.append(self._deadline(spec, start, by, rules, cal, today, warn_days))
                continue
            ended = self.events[end].measured_day
            deadline = self._deadline(spec, start, by, rules, cal, ended, warn_days)
            if deadline.done:
                kept.append(deadline)
            elif deadline.due is None or deadline.due < ended:
                # Missed, or unknown for want of a holiday schedule: kept, with its warning.
                status = dl.OVERDUE if deadline.due is not None else None
                kept.append(replace(deadline, status=status, lapsed_on=ended))
        return kept

    def _serious_reports_made(self, spec: _DeadlineSpec) -> dict[int, int]:
        """Spell number -> index of the event that made its report (the document, or the
        transfer; the close, for the spell the case is in). Each such event counts for one
        spell: the latest that had started by its date (a spell starts on the day measured,
        which may come before events recorded ahead of its figures) and not ended before it
        in the case's order. A report is not made twice: the first one counts."""
        spells = self.criminal_spells
        made: dict[int, int] = {}
        for index, event in enumerate(self.events):
            number = None
            for k, (_first, _end, start) in enumerate(spells):
                earliest = spells[k - 1][1] + 1 if k else 0  # after the spell before ended
                if index >= earliest and event.date >= start:
                    number = k
            if number is None or number in made:
                continue
            end = spells[number][1]
            if (
                (spec.document and spec.document in event.documents)
                # A referral to public security reports the case, while the case is serious;
                # a court application, or a referral after a correction, does not.
                or (self._is_police_referral(index) and (end is None or index < end))
                or (end is None and event.stage is Stage.CLOSE)  # closing ends what is owed
            ):
                made[number] = index
        return made

    def _deadline(
        self,
        spec: _DeadlineSpec,
        start: date,
        by_index: int | None,
        rules: dl.DeadlineRules,
        cal: WorkCalendar,
        today: date,
        warn_days: int,
    ) -> Deadline:
        """``spec``'s deadline from ``start``, discharged by events[by_index] (None: not yet),
        its state measured at ``today`` while open."""
        by = None if by_index is None else self.events[by_index]
        done_on = by.date if by else None
        waiting = bool(spec.premature_if)

        def made(due: date | None, status: str | None, **outcome: Any) -> Deadline:
            # Built once, not copied with replace(): thousands are made at each refresh of
            # the dock's overdue filter, and replace() works out the fields at every call.
            return Deadline(
                spec.name,
                dl.RULE_LABELS_ZH[spec.name],
                start,
                due,
                status,
                by is not None,
                done_on,
                waiting=waiting,
                document=spec.document,
                **outcome,
            )

        try:
            due = dl.due_date(spec.name, start, rules, cal)
        except UnknownScheduleError as exc:
            return made(None, None, warning=exc.message)
        warning = None
        estimated = dl.is_estimate(spec.name, start, due, rules, cal)
        if estimated:
            # A lenient calendar guessed the working days: say so on the deadline itself, the
            # calendar only warns once per year. A count of calendar days needs no schedule.
            # Where the year goes is said here too: the dock shows this line, not the
            # calendar's own once-a-year message.
            year = due.year if not cal.covers(due) else start.year
            add_to_zh, add_to_en = cal.add_to_halves
            warning = Bilingual(
                f"{year}年没有官方节假日安排，期限为估算（周一至周五、扣除元旦/劳动节/国庆节），"
                f"请在 {add_to_zh} 中加入{year}年",
                f"no official holiday schedule for {year}: the due date is an estimate "
                f"(Monday-Friday less the fixed-date holidays); add {year} to {add_to_en}",
            )
        if by is not None and waiting:
            # The party's period: acting after it is normal, acting within it is the defect;
            # but a referral to public security waits for no party's time.
            state = dl.OK
            cuts_short = by.stage in spec.premature_if and not self._is_police_referral(by_index)
            premature = cuts_short and by.date <= due
            # After a guessed end is maybe within the period: the holidays the guess lacks
            # (Spring Festival, Qingming…) move the true end later, by days, not months.
            possibly_premature = (
                cuts_short and estimated and due < by.date <= due + GUESS_MAY_RUN_LATER
            )
        elif waiting and today > due:
            # Run out: the party's time, not the office's, so nothing is overdue; the office
            # may act now (decide, or apply to the court), and the case shows it as next.
            return made(
                due,
                dl.OK,
                warning=warning,
                estimated=estimated,
                period_over=True,
                may_still_run=estimated and today <= due + GUESS_MAY_RUN_LATER,
            )
        else:
            premature = possibly_premature = False
            at = done_on or today
            try:
                state = dl.status(due, at, warn_days, cal)
            except UnknownScheduleError:
                # The warning window crosses an unknown year: count calendar days instead.
                state = dl.status(due, at, warn_days)
        # Closing ends what is owed; after the due day it is no late report or filing, but one
        # never made (unless the closing event carries the report itself). A withdrawal ends
        # it too, and says so: the case was opened in error or the act proved lawful.
        unmet = (
            by is not None
            and by.stage is Stage.CLOSE
            and not (spec.document is not None and spec.document in by.documents)
        )
        withdrawn = unmet and is_withdrawal(by)
        return made(
            due,
            state,
            warning=warning,
            estimated=estimated,
            premature=premature,
            possibly_premature=possibly_premature,
            closed_unmet=unmet and not withdrawn and state == dl.OVERDUE,
            withdrawn_on=by.date if withdrawn else None,
        )

    def next_deadline(
        self,
        today: date | None = None,
        rules: dl.DeadlineRules = dl.DEFAULT_RULES,
        calendar: WorkCalendar | None = None,
    ) -> Deadline | None:
        """The open deadline falling first (overdue ones included); None when nothing is open.
        A party's period that has run out comes after every running deadline: it is shown
        (the office may act) only when nothing else falls due.

        Deadlines without a due date (unknown calendar year) are skipped here; they stay in
        :meth:`deadlines` with their warning.
        """
        open_ = [d for d in self.deadlines(rules, calendar, today) if d.open and d.due is not None]
        return min(open_, key=lambda d: (d.period_over, d.due), default=None)


def has_open_overdue(
    case: Case,
    rules: dl.DeadlineRules = dl.DEFAULT_RULES,
    calendar: WorkCalendar | None = None,
    today: date | None = None,
) -> bool:
    """Whether ``case`` has an open deadline past its due date on ``today``: an overdue case."""
    return any(d.overdue for d in case.deadlines(rules, calendar, today))


def overdue_cases(
    cases: Iterable[Case],
    today: date | None = None,
    rules: dl.DeadlineRules = dl.DEFAULT_RULES,
    calendar: WorkCalendar | None = None,
) -> list[Case]:
    """The overdue ones of ``cases`` (has_open_overdue), in the given order."""
    return [c for c in cases if has_open_overdue(c, rules, calendar, today)]
