"""The ledger's records, errors and storage interface (LedgerStore), shared by every store."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shapely.geometry.base import BaseGeometry

from . import deadlines as dl
from . import ledger_schema as ls
from .cases import Case, CaseEvent, Stage
from .domain import (
    SPOT_NUMBER,
)
from .patrols import PatrolRecord, PatrolWithdrawal
from .workdays import WorkCalendar


class LedgerError(Exception):
    """The ledger or a file cannot be opened, read or written as asked; the message names it."""


def message_of(error: LedgerError) -> str:
    """What ``error`` says, as it was raised: a Bilingual keeps its halves, which str() of the
    error drops (a report workbook's notes then showed both languages of the line)."""
    message = error.args[0] if error.args else None
    return message if isinstance(message, str) else str(error)


class SavedWithoutReply(LedgerError):  # noqa: N818 - it says what happened, as ImportCancelled
    """The save was recorded, but the connection to the shared ledger's server was lost as it
    was being committed, so its reply never came (checked after reconnecting: the server had
    committed it). Not a failure: the caller treats it as saved (closes its form, reads the
    record back) and shows the message as information, never asks to save again, which would
    record it twice or meet a conflict with itself. The return value of the save is lost with
    the reply: the caller reads what it needs from the ledger, except where the save alone
    knows it (an import's report: which spots it refused, and why), which the save puts in
    ``result`` (saved_result) as it was when the server committed it."""

    result: Any = None


@contextlib.contextmanager
def saved_result(result: Any) -> Iterator[None]:
    """Around a save's outermost transaction: a SavedWithoutReply leaving it carries
    ``result`` (the object the save fills in and returns), complete by then, as the
    transaction commits only once the save's body has finished."""
    try:
        yield
    except SavedWithoutReply as saved:
        saved.result = result
        raise


class SpotFileError(LedgerError):
    """A spot file is missing, unreadable or not what its name claims."""


class ImportCancelled(LedgerError):  # noqa: N818 - named as ExportCancelled and the others
    """The caller's is_cancelled() said stop while an import was writing: its transaction was
    rolled back, so the ledger is exactly as before the import."""

    def __init__(self) -> None:
        super().__init__("已取消，未导入任何图斑 / cancelled, nothing imported")


class WithdrawCancelled(LedgerError):  # noqa: N818 - named as ImportCancelled
    """The caller's is_cancelled() said stop while a batch was being withdrawn: its transaction
    was rolled back, so every spot of the batch is still there."""

    def __init__(self) -> None:
        super().__init__("已取消，未撤回任何图斑 / cancelled, nothing withdrawn")


class CopyCancelled(LedgerError):  # noqa: N818 - named as ImportCancelled
    """The caller's is_cancelled() said stop while a ledger was being copied (ledger_migrate):
    its transaction was rolled back and the files it had copied taken away again, so the
    target is as it was before the copy."""

    def __init__(self) -> None:
        super().__init__("已取消，未复制任何内容 / cancelled, nothing copied")


class CaseError(LedgerError):
    """A case cannot be opened as asked (e.g. its spot is not judged illegal); the message says why.

    Impossible procedure steps raise cases.ProcedureError instead, as Case.apply does.
    """


class VerdictError(LedgerError):
    """A verdict was refused; `messages` says why (Chinese first, then English)."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class ConflictError(LedgerError):
    """A save was refused because someone else saved the same spot since it was read, or a
    re-delivery of its batch changed it (its figures or outline).

    The message shows both versions and what the re-delivery changed; `current` is the verdict
    now in the ledger (None if none), `refused` the one that was not saved. A shared (PostGIS)
    ledger keeps the refused one in its conflict history.
    """

    def __init__(self, message: str, current: Verdict | None, refused: Verdict):
        super().__init__(message)
        self.current = current
        self.refused = refused


class CaseConflictError(LedgerError):
    """A step or correction was refused because someone else recorded a row of the same case
    since the user's view of it (Case.last_record_id). Nothing of it was written; the message
    names the case, who recorded what since, and asks to check it and save again."""


@dataclass
class ImportIssue:
    """One thing wrong (or worth knowing) about one spot of a delivery, or about the whole file."""

    index: int | None  # feature index in the source file; None for the file as a whole
    number: str | None  # JCBH as read
    field: str | None  # attribute concerned
    message: str

    def __str__(self) -> str:
        where = []
        if self.index is not None:
            where.append(f"#{self.index}")
        if self.number:
            where.append(f"{SPOT_NUMBER}={self.number}")
        if self.field:
            where.append(self.field)
        return (" ".join(where) + ": " if where else "") + self.message


# How ImportReport.lines() marks a refused spot and a warning: the log shows each by its kind.
ERROR_PREFIX = "错误 / error: "
WARNING_PREFIX = "提示 / warning: "


@dataclass
class ImportReport:
    """What an import did: counts, and every spot refused (errors) or worth a look (warnings)."""

    batch: str
    added: int = 0
    refreshed: int = 0
    skipped: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    # Spots imported whose XZQDM or JCBH is not the district's (warned of each; DOMAIN §2).
    other_county: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        zh = f"批次 {self.batch}: 新增 {self.added}, 更新 {self.refreshed}, 未导入 {self.skipped}"
        en = (
            f"batch {self.batch}: {self.added} added, {self.refreshed} refreshed, "
            f"{self.skipped} not imported"
        )
        if self.other_county:
            zh += f", 行政区代码或编号非本区 {self.other_county}（已导入，见提示）"
            en += (
                f", {self.other_county} with a county code or number not the district's "
                "(imported, see the warnings)"
            )
        head = f"{zh} / {en}"
        return (
            [head]
            + [f"{ERROR_PREFIX}{issue}" for issue in self.errors]
            + [f"{WARNING_PREFIX}{issue}" for issue in _grouped(self.warnings)]
        )


def _grouped(issues: list[ImportIssue]) -> list[ImportIssue]:
    """The issues, those said alike of several spots (the same fields, the same words, no
    feature index) said once naming the spots: a batch delivered again without its towns
    layer keeps SMC and XZMC for each of its 300 spots, and 300 lines of it buried the rest."""
    alike: dict[object, list[ImportIssue]] = {}
    for issue in issues:
        key = (issue.field, issue.message) if issue.index is None and issue.number else id(issue)
        alike.setdefault(key, []).append(issue)
    grouped = []
    for same in alike.values():
        if len(same) == 1:
            grouped.append(same[0])
            continue
        numbers = [str(issue.number) for issue in same]
        shown = "，".join(numbers[:10]) + (
            f"…（共 {len(numbers)} 个 / {len(numbers)} spots）" if len(numbers) > 10 else ""
        )
        grouped.append(ImportIssue(None, shown, same[0].field, same[0].message))
    return grouped


@dataclass
class ReadReport:
    """How a spot file was read: layer, encoding (and whether it was guessed), CRS, issues."""

    path: str
    layer: str | None = None
    encoding: str | None = None
    encoding_guessed: bool = False
    source_crs: str | None = None
    transformed: bool = False
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)


@dataclass
class SpotRecord:
    """One spot as delivered and screened, ready to import. Geometry is in EPSG:4527."""

    attributes: dict[str, Any]  # every delivered and screening field, by field name
    geometry: BaseGeometry | None
    source_index: int | None = None  # feature index in the source file, for reports

    @property
    def number(self) -> Any:
        return self.attributes.get(SPOT_NUMBER)


@dataclass
class SpotFilter:
    """Which spots the list shows; None means any."""

    batch: str | None = None
    town: str | None = None  # XZMC
    office: str | None = None  # SMC
    status: str | None = None  # ledger_schema.STATUS_*
    flag: str | None = None  # one of ledger_schema.SPOT_FLAG_COLUMNS, shows spots where it is set
    suggested: str | None = None  # JYPD


@dataclass
class SpotSummary:
    """A row of the spot list."""

    id: int
    batch: str
    number: str
    town: str | None
    office: str | None
    spot_area: float | None  # TBMJ, m²
    cultivated_area: float | None  # GDMJ
    basic_farmland_area: float | None  # YJJBNTMJ
    suggested: str | None  # JYPD
    priority: int | None  # YXJ
    status: str
    category: str | None  # current verdict, if any
    kind: str | None


@dataclass
class Spot(SpotSummary):
    """A spot with its geometry and all its fields."""

    geometry: BaseGeometry | None
    attributes: dict[str, Any]
    imported_at: str
    updated_at: str
    # Verdicts recorded for the spot plus re-deliveries that changed it (ledger.spot_version):
    # what a save passes back as expected_version.
    version: int = 0


@dataclass
class BatchSummary:
    id: int
    name: str
    source: str | None
    imported_at: str
    updated_at: str
    spot_count: int
    verified_count: int


@dataclass
class Verdict:
    """A verdict record. The store fills id, spot_id and recorded_at; a correction sets corrects."""

    category: str  # ledger_schema.VERDICT_CATEGORIES
    kind: str | None  # basis (legal) or kind (illegal, other)
    verifier: str
    verified_on: dt.date | str | None
    approval_number: str | None = None
    areas: dict[str, float] = field(default_factory=dict)  # ledger_schema.VERDICT_AREA_FIELDS
    note: str = ""
    corrects: int | None = None
    details: dict[str, Any] = field(default_factory=dict)  # ledger_schema.DETAIL_KEYS
    id: int | None = None
    spot_id: int | None = None
    recorded_at: str | None = None
    # The database login that saved it (shared ledger, server schema 4 on); None in a file and
    # for rows saved before: unknown, not guessed.
    db_user: str | None = None


@dataclass
class EvidenceRecord:
    """An evidence file: where it lies under the evidence folder, its hash, and photo metadata."""

    kind: str  # ledger_schema.EVIDENCE_KINDS
    path: str  # relative to the evidence folder, '/'-separated
    sha256: str
    size: int
    original_name: str = ""
    file_modified: str | None = None  # UTC
    taken_at: str | None = None  # ISO, as the file says it was made (ls.C_TAKEN_AT)
    gps_lon: float | None = None
    gps_lat: float | None = None
    note: str = ""
    id: int | None = None
    spot_id: int | None = None
    recorded_at: str | None = None


@dataclass
class EvidenceProblem:
    evidence_id: int
    spot_id: int
    path: str
    problem: str  # "missing", "altered" or "refused" (evidence.FILE_*)
    message: str


@dataclass
class CaseFilter:
    """Which cases cases() returns; None means any."""

    office: str | None = None
    town: str | None = None
    origin: str | None = None  # cases.ORIGIN_SPOT or cases.ORIGIN_PATROL
    spot_id: int | None = None
    # The cases of any of these spots: the dock's overdue filter replays only the cases of the
    # spots it lists, not every case of a ledger kept for years.
    spot_ids: Collection[int] | None = None
    stage: Stage | str | None = None  # current stage
    closed: bool | None = None


@dataclass
class CaseRecord:
    """A case row of the ledger with the Case its events make."""

    case_id: str
    origin: str  # cases.ORIGIN_SPOT or cases.ORIGIN_PATROL
    spot_id: int | None
    patrol_id: str | None  # PatrolRecord.id
    office: str | None
    town: str | None
    opened_at: dt.date
    cultivated_sqm: float | None  # figures when opened; case.cultivated_sqm is the latest
    basic_farmland_sqm: float | None
    recorded_at: str
    case: Case

    def case_as_of(self, day: dt.date) -> Case | None:
        """The case as it stood at the end of `day` (None before it was opened)."""
        events = [e for e in self.case.events if e.date <= day]
        return Case.from_events(events) if events else None


@dataclass
class SpotPage:
    """What the verification dock shows of one spot, read together (LedgerStore.spot_page):
    the spot, its verdicts, its case, its evidence and the ledger's settings. On the shared
    ledger it is one statement, so a move to the next spot is one round trip to the server
    (20-50 ms on a bureau's network), and what it holds is one moment of the ledger."""

    spot: Spot
    history: list[Verdict]  # in recorded order, the current verdict last
    case: CaseRecord | None  # the spot's case; None when none was opened or it cannot be read
    unreadable_cases: list[str]  # one message per case of the spot that cannot be read
    evidence: list[EvidenceRecord]  # oldest first
    # The folder the evidence paths are under, as read with the page; None where a shared
    # ledger has none set yet (no file can have been attached there).
    evidence_dir: Path | None
    settings: dict[str, Any]  # every setting of the ledger, key -> value (as settings())
    where: str  # the ledger, as messages name it

    def deadline_rules(self) -> dl.DeadlineRules:
        """The ledger's deadlines (as LedgerStore.deadline_rules), from the page's settings:
        worked out only when shown, so a setting edited by hand into something unreadable
        stops only the pages that show a deadline, as before the page was read at once."""
        return deadline_rules_in(self.settings, self.where)

    def case_left_open(self) -> tuple[CaseRecord, Verdict] | None:
        """As LedgerStore.case_left_open, from what the page holds."""
        return case_left_open_of(self.case, self.history)


@dataclass
class PhotoPoints:
    """What the map's photo layer shows, read together (LedgerStore.photo_points): every
    evidence file with a position, with its spot's number, and the folder the files lie in. The
    layer is rebuilt at every attach and evidence check: on the shared ledger this is one
    statement, not a round trip per photo (a spot list and the folder asked per photo froze the
    panel for minutes on a ledger of 1,000 photos)."""

    photos: list[tuple[str | None, EvidenceRecord]]  # (spot number, evidence), oldest first
    # None where the shared ledger has no folder set: no file of them can have been looked at.
    evidence_dir: Path | None


def deadline_rules_in(settings: dict[str, Any], where: Any) -> dl.DeadlineRules:
    """The legal deadlines with the bureau's overrides among a ledger's ``settings`` (as
    settings() reads them), if any; ``where`` names the ledger in a message about them."""
    return dl.rules_from_dict(settings.get(ls.SETTING_DEADLINE_RULES), f"{where}: {ls.T_SETTINGS}")


def office_aliases_in(settings: dict[str, Any]) -> dict[str, str]:
    """The offices renamed among a ledger's ``settings`` (SETTING_OFFICE_ALIASES), each old
    name with the name it bears now; {} when none is set."""
    return office_aliases_from(settings.get(ls.SETTING_OFFICE_ALIASES))


def office_aliases_from(value: Any) -> dict[str, str]:
    """``value`` (old office name -> new name) checked, each old name taken to the last name
    it became: renamed twice (罗村所 → 罗村自然资源所 → 罗村自然资源和规划所), both old names
    count under the last. LedgerError naming an entry that is no name, or names renamed in a
    circle, which would leave an office without a current name."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LedgerError(
            f"{ls.SETTING_OFFICE_ALIASES} 须为对象：旧所名 → 现所名 / "
            f"{ls.SETTING_OFFICE_ALIASES} must be an object: old office name -> current name"
        )
    for old, new in value.items():
        if not isinstance(new, str):
            raise LedgerError(
                f"所名 {old} 的新名须为文字，而非 {new!r} / the new name of office {old} must "
                f"be a name, not {new!r}"
            )
        if not old.strip() or not new.strip():
            raise LedgerError(
                f"所名不能为空：{old!r} → {new!r} / an office name is empty: {old!r} -> {new!r}"
            )
        if old == new:
            raise LedgerError(
                f"所名 {old} 不能改为其自身 / office {old} cannot be renamed to itself"
            )
    current = {}
    for old in value:
        seen = [old]
        while seen[-1] in value:
            seen.append(value[seen[-1]])
            if seen[-1] in seen[:-1]:
                circle = " → ".join(seen)
                raise LedgerError(
                    f"所名改名成环：{circle}，无现名 / offices renamed in a circle: {circle}, "
                    "none of them has a current name"
                )
        current[old] = seen[-1]
    return current


def under_current_names(records: Sequence[Any], aliases: dict[str, str]) -> list[Any]:
    """``records`` (cases, patrols: dataclasses with an ``office``) with the office of each
    renamed office read as its current name (office_aliases_from). The ledger keeps what it
    recorded (append-only): only what is counted from it changes."""
    return [
        dataclasses.replace(record, office=aliases[record.office])
        if record.office in aliases
        else record
        for record in records
    ]


def case_left_open_of(
    case: CaseRecord | None, history: Sequence[Verdict]
) -> tuple[CaseRecord, Verdict] | None:
    """The spot's open ``case`` and its current verdict (the last of ``history``), when that
    verdict is no longer 违法 (judged 合法 after the case was opened). The verdict is the field
    team's fact and is recorded as given; the case is not closed for it: the office withdraws
    it (a close with cases.DOC_WITHDRAWAL and the reason), and until then it runs and is
    counted as any open case, overdue included, so that the reports show it waits for the
    office."""
    verdict = history[-1] if history else None
    if verdict is None or verdict.category == ls.VERDICT_ILLEGAL:
        return None
    if case is None or case.case.closed:
        return None
    return case, verdict


# =================================================================================================
# the interface
# =================================================================================================


@runtime_checkable
class LedgerStore(Protocol):
    """Everything the plugin does with a ledger; GeoPackage now, PostGIS later."""

    # What the last cases() left out: one message per case whose rows cannot be read.
    unreadable_cases: Sequence[str]
    # What the last verdict_histories() left out: one message per spot whose verdicts cannot be
    # read; the spot is given no verdict.
    unreadable_verdicts: Sequence[str]
    # False for a shared ledger's office login, which sees only its own offices' rows.
    sees_every_office: bool
    # What opening the ledger did that its user must hear of, one message each: side files
    # SQLite applied to a GeoPackage, an upgrade of its schema and where the copy before it is.
    opening_notices: Sequence[str]

    @property
    def evidence_dir(self) -> Path: ...

    def writable_evidence_dir(self) -> Path: ...

    def transaction(self) -> contextlib.AbstractContextManager[None]: ...

    def import_batch(
        self,
        batch_name: str,
        spots: Sequence[SpotRecord],
        source: str | None = None,
        repeat_spots: bool = False,
        progress: Callable[[float], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
        add_to_batch: bool = False,
    ) -> ImportReport: ...

    # Remove a batch imported by mistake: its spots, none of which may have any history, and
    # then the batch; returns how many spots were removed.
    def withdraw_batch(
        self,
        batch_name: str,
        progress: Callable[[float], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> int: ...

    def batches(self) -> list[BatchSummary]: ...

    def spots(self, filter: SpotFilter | None = None) -> list[SpotSummary]: ...

    # What SpotFilter's batch, office, town and suggested can take, read at once: the dock's
    # filter lists, without the whole spot list (a round trip of every spot on the shared ledger).
    def filter_choices(self) -> dict[str, list[str]]: ...

    def spot(self, spot_id: int) -> Spot: ...

    # Many spots at once, a statement per chunk of ids rather than a round trip per spot: what
    # an export or a report over thousands of spots of the shared ledger reads.
    def spots_by_id(self, spot_ids: Sequence[int]) -> dict[int, Spot]: ...

    def spot_attributes(
        self, spot_ids: Sequence[int], names: Sequence[str] | None = None
    ) -> dict[int, dict[str, Any]]: ...

    def record_verdict(
        self, spot_id: int, verdict: Verdict, expected_version: int | None = None
    ) -> int: ...

    def verdict_history(self, spot_id: int) -> list[Verdict]: ...

    def verdict_histories(self, spot_ids: Sequence[int]) -> dict[int, list[Verdict]]: ...

    def current_verdict(self, spot_id: int) -> Verdict | None: ...

    def case_left_open(self, spot_id: int) -> tuple[CaseRecord, Verdict] | None: ...

    def spot_page(self, spot_id: int) -> SpotPage: ...

    # A save left in doubt (its reply lost, the server not reached since), settled before a
    # page is read: (what became of it, said once; whether it was recorded), or None.
    def settle_unconfirmed(self) -> tuple[str, bool] | None: ...

    # Around reads that must agree with each other (an export's, a report's): one moment of
    # the ledger, so a save made meanwhile is in all of them or in none.
    def one_moment(self) -> contextlib.AbstractContextManager[None]: ...

    # held_elsewhere, given, is filled with the other spots' numbers the file is recorded for.
    def add_evidence(
        self, spot_id: int, record: EvidenceRecord, held_elsewhere: list[str] | None = None
    ) -> int: ...

    def evidence(self, spot_id: int | None = None) -> list[EvidenceRecord]: ...

    def photo_points(self) -> PhotoPoints: ...

    def counts(self, batch: str | None = None) -> tuple[int, int]: ...

    def open_case(
        self,
        origin: str,
        *,
        spot_id: int | None = None,
        patrol_id: str | None = None,
        date: dt.date | None = None,
        person: str | None = None,
        office: str | None = None,
        town: str | None = None,
        cultivated_sqm: float | None = None,
        basic_farmland_sqm: float | None = None,
        documents: Sequence[str] = (),
        evidence_ids: Sequence[str] = (),
        note: str = "",
    ) -> str: ...

    def add_case_event(
        self, case_id: str | int, event: CaseEvent, *, seen: int | None = None
    ) -> int: ...

    def correct_case_event(
        self,
        case_id: str | int,
        event_id: int,
        *,
        date: dt.date,
        person: str,
        reason: str,
        documents: Sequence[str] | None = None,
        note: str | None = None,
        seen: int | None = None,
    ) -> int: ...

    def case(self, case_id: str | int) -> Case: ...

    def cases(self, filter: CaseFilter | None = None) -> list[CaseRecord]: ...

    def spots_with_case(self) -> set[int]: ...

    def add_patrol(self, record: PatrolRecord) -> int: ...

    def patrols(
        self,
        office: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        patrol_ids: Sequence[str] | None = None,
        include_withdrawn: bool = False,
    ) -> list[PatrolRecord]: ...

    def withdraw_patrol(self, patrol_id: str, reason: str) -> int: ...

    def patrol_withdrawals(self) -> list[PatrolWithdrawal]: ...

    def known_offices(self) -> set[str]: ...

    def configured_offices(self) -> set[str]: ...

    def settings(self) -> dict[str, Any]: ...

    def deadline_rules(self) -> dl.DeadlineRules: ...

    def work_calendar(self, *, strict: bool = True) -> WorkCalendar: ...

    def set_setting(self, key: str, value: Any) -> None: ...

    def file_changed(self) -> str | None:
        """What became of the ledger's file since it was opened (ledger_gpkg.FILE_GONE or
        FILE_REPLACED), None while it is the one opened, and for a ledger on a server."""
        ...

    def close(self) -> None: ...
