"""The review loop behind the dock: which ledger, which spots, which one is current. No widgets.

Kept apart from the widgets so navigation can be tested and benchmarked without a screen, and
so the dock holds no state that is not here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..core import cases, clock, domain, evidence, ledger
from ..core import ledger_schema as ls
from ..core.report_basis import REFERRAL_FIELDS, spot_as_unopened_case
from ..core.workdays import HolidayFileError, WorkCalendar, bureau_holiday_file

# A status filter of the dock's own: spots whose case is overdue, or that are judged 违法 with no
# case opened and a deadline of the case they stand as (unopened_case_of) past due.
STATUS_OVERDUE = "overdue"

# A row of the list, as a saved spot's is read again (ledger.Spot holds these and more).
_SUMMARY_FIELDS = [f.name for f in fields(ledger.SpotSummary)]


@dataclass
class ReviewFilter:
    """What the queue shows; empty strings mean any. Saved in the QGIS project as a dict."""

    batch: str = ""
    office: str = ""
    town: str = ""
    status: str = ""  # ls.STATUS_* or ""
    flag: str = ""  # one of ls.SPOT_FLAG_COLUMNS or ""
    suggested: str = ""  # a suggested verdict (JYPD) or ""

    def to_store(self) -> ledger.SpotFilter:
        """The ledger's filter (the dock's own overdue status is applied by the session)."""
        return ledger.SpotFilter(
            batch=self.batch or None,
            office=self.office or None,
            town=self.town or None,
            status=self.status or None,
            flag=self.flag or None,
            suggested=self.suggested or None,
        )

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def narrows(self) -> bool:
        """Whether any filter is set: the list is then part of the ledger, not all of it."""
        return any(self.as_dict().values())

    @classmethod
    def from_dict(cls, values: dict) -> ReviewFilter:
        fields = cls.__dataclass_fields__
        known = {k: str(v or "") for k, v in (values or {}).items() if k in fields}
        return cls(**known)


class ReviewSession:
    """An open ledger, the filtered queue of its spots and the current position in it."""

    def __init__(self) -> None:
        self.store: ledger.LedgerStore | None = None  # a GeoPackage or the bureau's PostGIS
        # Where it was opened from: a GeoPackage file's Path, or a "postgis://…" reference.
        self.path: Path | str | None = None
        self.filter = ReviewFilter()
        self.queue: list[ledger.SpotSummary] = []
        self.position = -1
        self._progress = (0, 0)  # counts(): read with the queue, not at every move
        self._calendar: WorkCalendar | None = None
        self._calendar_stamp: tuple[int, int] | None = None  # the holiday file it was read from
        # A holiday file found broken when the calendar was next used, for the dock to say
        # (take_calendar_problem): the schedule read before stays in use meanwhile.
        self._calendar_problem = ""
        # What attaching files recorded but the user must look at (a photo taken far from its
        # spot), for the dock to say once the files are attached.
        self.attach_notes: list[str] = []
        self._seen_versions: dict[int, int] = {}
        self._read_back: ledger.SpotPage | None = None  # see read_back

    # --- the ledger ----------------------------------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Open (or create) a ledger; the previous one is closed only once this one opened.

        `path` is a GeoPackage or a shared ledger `postgis://<QGIS connection>[/<schema>]`.
        """
        from ..core.ledger_reference import is_postgis_reference
        from ..postgis_connection import open_ledger_store

        where = str(path) if is_postgis_reference(path) else Path(path)
        store = open_ledger_store(where)
        # The ledger's own calendar (store.work_calendar). Lenient: a date in a year without a
        # holiday schedule gives a deadline with a warning (shown in the dock), never a failure
        # to show the spot. Read before anything changes: a broken holiday file
        # (HolidayFileError) leaves the session as it was, its ledger and calendar together.
        stamp = _holiday_file_stamp(where)  # before the read: an edit during it is seen next
        try:
            calendar = store.work_calendar(strict=False)
        except Exception:
            store.close()
            raise
        self.close()
        self.store, self.path = store, where
        self._calendar, self._calendar_stamp = calendar, stamp
        self.refresh()

    @property
    def calendar(self) -> WorkCalendar | None:
        """The ledger's work calendar, read again once the bureau's holiday file beside a
        GeoPackage ledger changed (the year ahead added late in the year, with QGIS open):
        every deadline computed after that counts by the new schedule."""
        if self.store is not None and _holiday_file_stamp(self.path) != self._calendar_stamp:
            # Never raised from here: the calendar is read in the middle of other work (the
            # queue refreshed after a verdict was committed), which a broken file must not undo
            # or seem to undo.
            try:
                self.reread_calendar()
            except HolidayFileError as error:
                self._calendar_problem = str(error)
        return self._calendar

    def reread_calendar(self) -> None:
        """Read the ledger's holiday schedule again (the dock does when the ledger is picked
        again: a shared ledger's is on its server, with no file to watch). A broken file
        raises HolidayFileError, once: the schedule read before stays in use."""
        if self.store is None:
            return
        self._calendar_stamp = _holiday_file_stamp(self.path)
        self._calendar = self.store.work_calendar(strict=False)

    def take_calendar_problem(self) -> str:
        """The broken holiday file met since last asked ("" if none), to be said once."""
        problem, self._calendar_problem = self._calendar_problem, ""
        return problem

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store, self.path, self.queue, self.position = None, None, [], -1
        self._progress = (0, 0)
        self._read_back = None

    def file_changed(self) -> str | None:
        """What became of the open ledger's file since it was opened (ledger_gpkg.FILE_GONE,
        FILE_REPLACED); None while it is the one opened, when none is open, and for a shared
        ledger."""
        return None if self.store is None else self.store.file_changed()

    def reopen_file(self) -> None:
        """Read the file that replaced the open GeoPackage ledger's (FILE_REPLACED): the same
        store, so forms opened on it save into that file."""
        self.store.reopen()

    @property
    def is_open(self) -> bool:
        return self.store is not None

    # --- the queue -----------------------------------------------------------------------------
    def set_filter(self, review_filter: ReviewFilter) -> None:
        self.filter = review_filter
        self.refresh()

    def refresh(self, keep_spot: int | None = None, row_if_gone: int | None = None) -> None:
        """Re-read the queue (after an import or a verdict); stay on keep_spot if still listed,
        else on row ``row_if_gone`` (the spot that moved up into its place), else the first."""
        self._read_back = None  # everything is read again
        if self.store is None:
            self.queue, self.position, self._progress = [], -1, (0, 0)
            return
        current = keep_spot if keep_spot is not None else self.current_id
        # Read without the status: the spots the other filters select are what the progress
        # counts (in the unverified list, its verified count was always 0); the status is one
        # of each summary's own fields, so the list is taken from them.
        store_filter = self.filter.to_store()
        store_filter.status = None
        selected = self.store.spots(store_filter)
        if self.filter.status == STATUS_OVERDUE:
            overdue = self.overdue_among(selected)
            self.queue = [s for s in selected if s.id in overdue]
        elif self.filter.status:
            self.queue = [s for s in selected if s.status == self.filter.status]
        else:
            self.queue = selected
        self._progress = (
            sum(1 for s in selected if s.status == ls.STATUS_VERIFIED),
            len(selected),
        )
        ids = [s.id for s in self.queue]
        if current in ids:
            self.position = ids.index(current)
        elif self.queue:
            self.position = min(row_if_gone or 0, len(self.queue) - 1)
        else:
            self.position = -1

    def listed_evidence(self) -> list[ledger.EvidenceRecord]:
        """The evidence the list's work covers: every file of the ledger (patrols' too) when
        no filter is set, else the files of the spots listed — the batch just delivered, one
        office's spots — so a check after a batch does not hash three years of photos."""
        records = self.store.evidence() if self.store is not None else []
        if not self.filter.narrows:
            return records
        listed = {summary.id for summary in self.queue}
        return [record for record in records if record.spot_id in listed]

    def counts(self) -> tuple[int, int]:
        """(verified, total) of the spots the filters other than the status select: the
        progress of the batch, office or town under review, the same in every status list."""
        return self._progress

    def place(self) -> tuple[int, int] | None:
        """(1-based place of the current spot, spots listed); None when the list is empty."""
        if self.current_id is None:
            return None
        return self.position + 1, len(self.queue)

    def choices(self) -> dict[str, list[str]]:
        """Values the filters can take, from the whole ledger (not only the filtered queue):
        one read of the store's, not the whole spot list."""
        if self.store is None:
            return {"batch": [], "office": [], "town": [], "suggested": []}
        return self.store.filter_choices()

    # --- position ------------------------------------------------------------------------------
    @property
    def current_id(self) -> int | None:
        if 0 <= self.position < len(self.queue):
            return self.queue[self.position].id
        return None

    def current(self) -> ledger.Spot | None:
        spot_id = self.current_id
        if spot_id is None or self.store is None:
            return None
        spot = self.store.spot(spot_id)
        self._seen_versions[spot_id] = spot.version  # what a save of this spot is based on
        return spot

    def current_page(self) -> ledger.SpotPage | None:
        """What the dock shows of the current spot, read at once (one round trip to the shared
        ledger): read again at every move and refresh, never kept, so what another user saved
        meanwhile is shown. Only the show right after a save takes the page the save read back
        (read_back) a moment before: the same rows are not read twice."""
        spot_id = self.current_id
        if spot_id is None or self.store is None:
            return None
        page, self._read_back = self._read_back, None
        if page is None or page.spot.id != spot_id:
            page = self.store.spot_page(spot_id)
        self._seen_versions[spot_id] = page.spot.version  # what a save of this spot is based on
        return page

    def settle_unconfirmed(self) -> tuple[str, bool] | None:
        """What became of a save left in doubt (its reply lost, the shared ledger's server not
        reached since), asked before a page is read: (what to say, once; whether it was
        recorded), or None. The page read then shows it, and the save after it is not refused
        for it."""
        return None if self.store is None else self.store.settle_unconfirmed()

    def read_back(self, page: ledger.SpotPage) -> None:
        """``page`` read from the ledger right after a save (a verdict, a case step): the show
        that follows the save takes it (current_page) rather than reading the same rows again,
        a round trip to the shared ledger. Taken once, and only for its own spot."""
        self._read_back = page

    def go_to(self, spot_id: int) -> bool:
        for index, summary in enumerate(self.queue):
            if summary.id == spot_id:
                self.position = index
                return True
        return False

    def find_number(self, text: str, exact: bool = False) -> tuple[int | None, int]:
        """(the id of the listed spot numbered ``text``, how many listed spots it could be):
        the number as numbers are compared (full width, leading zeros aside), else, unless
        ``exact``, the one number ending with it (the last digits, as a colleague says them);
        None with the count of those ending with it when none is, or several are."""
        tail = domain.spot_number_key(text)
        if not tail:
            return None, 0
        wanted = domain.spot_number_compared(text)  # "" for zeros alone: only ends with them
        for summary in self.queue:
            if wanted and domain.spot_number_compared(summary.number) == wanted:
                return summary.id, 1
        if exact:
            return None, 0
        ending = [s.id for s in self.queue if domain.spot_number_key(s.number).endswith(tail)]
        return (ending[0] if len(ending) == 1 else None), len(ending)

    def go_to_row(self, row: int) -> bool:
        if 0 <= row < len(self.queue):
            self.position = row
            return True
        return False

    def next(self) -> bool:
        return self.go_to_row(self.position + 1)

    def previous(self) -> bool:
        return self.go_to_row(self.position - 1)

    def next_unverified(self) -> bool:
        """The next unverified spot after the current one, wrapping round; False if none."""
        count = len(self.queue)
        for step in range(1, count + 1):
            row = (self.position + step) % count
            if self.queue[row].status != ls.STATUS_VERIFIED:
                self.position = row
                return True
        return False

    # --- cases -----------------------------------------------------------------------------------
    def case_of(self, spot_id: int) -> ledger.CaseRecord | None:
        if self.store is None:
            return None
        found = self.store.cases(ledger.CaseFilter(spot_id=spot_id))
        return found[0] if found else None

    def overdue_among(
        self, spots: list[ledger.SpotSummary], today: dt.date | None = None
    ) -> set[int]:
        """The ids of ``spots`` the overdue filter lists: an open case of theirs has a deadline
        past due, or they are judged 违法 with no case opened and one past due (as the reports
        count them). Only the cases of ``spots`` are replayed: a ledger kept for years holds
        thousands, and the filter is applied on the UI thread at every change and save."""
        if self.store is None or not spots:
            return set()
        cased = self.store.spots_with_case()
        listed = {s.id for s in spots}
        overdue = {r.spot_id for r in self.overdue_cases(today, spot_ids=listed & cased)}
        return overdue | self.overdue_unopened_spots(spots, today, cased)

    def _overdue_on_page(self, page: ledger.SpotPage) -> bool:
        """Whether the overdue filter lists the spot of ``page`` (as overdue_among would),
        judged from what the page read: its case was replayed with it, not read again."""
        if page.unreadable_cases:
            return False  # as overdue_among: a case it cannot read is listed by none
        if page.case is not None:
            case = None if page.case.case.closed else page.case.case  # closed owe nothing
        else:
            case = unopened_case_of(page.spot, page.history, None)
        return case is not None and cases.has_open_overdue(
            case, page.deadline_rules(), self.calendar
        )

    def overdue_cases(
        self, today: dt.date | None = None, spot_ids: Collection[int] | None = None
    ) -> list[ledger.CaseRecord]:
        """Cases with a deadline past due today (open ones; closed cases owe nothing); with
        ``spot_ids``, only those of these spots."""
        if self.store is None or (spot_ids is not None and not spot_ids):
            return []
        rules = self.store.deadline_rules()
        calendar = self.calendar  # once: its holiday file is looked at, not once per case
        return [
            record
            for record in self.store.cases(ledger.CaseFilter(spot_ids=spot_ids, closed=False))
            if cases.has_open_overdue(record.case, rules, calendar, today)
        ]

    def overdue_unopened_spots(
        self,
        spots: list[ledger.SpotSummary],
        today: dt.date | None = None,
        cased: set[int] | None = None,
    ) -> set[int]:
        """The ids of ``spots`` judged 违法 with no case opened and a deadline past due: as
        late as an overdue case (the reports count them so), so the overdue filter lists them.
        ``cased``: the spots with a case (spots_with_case), when the caller read them already."""
        if self.store is None:
            return set()
        if cased is None:
            cased = self.store.spots_with_case()
        unopened = [s for s in spots if s.category == ls.VERDICT_ILLEGAL and s.id not in cased]
        if not unopened:
            return set()
        rules = self.store.deadline_rules()
        calendar = self.calendar
        # Read for all of them at once, as the reports do: on the shared ledger a read per spot
        # is a round trip each, made on the UI thread whenever the queue refreshes.
        ids = [s.id for s in unopened]
        histories = self.store.verdict_histories(ids)
        fields = self.store.spot_attributes(ids, REFERRAL_FIELDS)
        day = today or clock.today()
        late = set()
        for summary in unopened:
            case = spot_as_unopened_case(summary, histories[summary.id], fields[summary.id], day)
            if case is not None and cases.has_open_overdue(case, rules, calendar, today):
                late.add(summary.id)
        return late

    def open_case_for_current(self) -> str:
        """Open a case for the current spot (its verdict must be illegal; the ledger checks)."""
        spot_id = self.current_id
        if self.store is None or spot_id is None:
            raise ledger.LedgerError("没有当前图斑 / no current spot")
        return self.store.open_case(cases.ORIGIN_SPOT, spot_id=spot_id)

    # --- recording -----------------------------------------------------------------------------
    def record_verdict(
        self,
        verdict: ledger.Verdict,
        spot_id: int | None = None,
        expected_version: int | None = None,
        store: ledger.LedgerStore | None = None,
    ) -> int:
        """Store a verdict (raises ledger.VerdictError with messages) for ``spot_id`` of
        ``store``, as a form opened on them passes them, else for the current spot. A form
        whose ledger is no longer the open one is refused rather than saved elsewhere."""
        if store is not None and store is not self.store:
            raise ledger.LedgerError(
                "打开判定表后已切换台帐，未保存：请重新打开判定表 / the ledger changed since the "
                "verdict form was opened: nothing was saved, open the form again"
            )
        spot_id = self.current_id if spot_id is None else spot_id
        if self.store is None or spot_id is None:
            raise ledger.LedgerError("没有当前图斑 / no current spot")
        if expected_version is None:
            expected_version = self._seen_versions.get(spot_id)
        # Based on the version shown: a save by someone else since is refused (ConflictError).
        try:
            record_id = self.store.record_verdict(
                spot_id, verdict, expected_version=expected_version
            )
        except ledger.SavedWithoutReply:
            # Recorded, only the reply lost: the list follows the ledger as after any save, and
            # the caller is told (it shows the message, and does not ask to save again).
            self._seen_versions.pop(spot_id, None)
            self._judge_again(spot_id)
            raise
        self._seen_versions.pop(spot_id, None)
        try:
            self._judge_again(spot_id)
        except ledger.LedgerError as error:
            # Recorded: only reading it back failed (the server gone after the commit). Said
            # as a failure, the form stayed open and its save again was refused as a conflict
            # with itself; said as saved, the form closes and the page is read again.
            # The error on a line of its own: each line is shown in the interface's language.
            raise ledger.SavedWithoutReply(
                "判定已保存，但读回图斑时出错，请勿再次保存 / the verdict was saved, but reading "
                f"the spot back failed: do not save it again\n{error}"
            ) from error
        return record_id

    def _judge_again(self, spot_id: int) -> None:
        """After a verdict of ``spot_id`` was saved: that spot alone is read and judged again by
        the status filter; the rest of the list keeps its order, and the place in it is kept.
        A verdict changes no other spot, and reading the whole list again replayed every case
        under the overdue filter: seconds per save on a ledger kept for years.

        Judged, the spot may leave an "unverified" or the overdue list: the next one takes its
        row. Saved from a form whose spot the list no longer shows (the filters changed since
        the form opened), it may join it, in its order: the list is read again then."""
        row = next((i for i, s in enumerate(self.queue) if s.id == spot_id), None)
        if row is None:
            self.refresh(keep_spot=spot_id, row_if_gone=self.position)
            return
        before = self.queue[row]
        # The spot's page, not the spot alone: the page beneath shows it next (read_back).
        page = self.store.spot_page(spot_id)
        self.read_back(page)
        spot = page.spot
        summary = ledger.SpotSummary(**{name: getattr(spot, name) for name in _SUMMARY_FIELDS})
        verified, total = self._progress
        verified += (summary.status == ls.STATUS_VERIFIED) - (before.status == ls.STATUS_VERIFIED)
        self._progress = (verified, total)
        if self.filter.status == STATUS_OVERDUE:
            listed = self._overdue_on_page(page)
        else:
            listed = not self.filter.status or summary.status == self.filter.status
        # Where refresh(keep_spot=spot_id, row_if_gone=self.position) would stand.
        if listed:
            self.queue[row] = summary
            self.position = row
        else:
            del self.queue[row]
            self.position = min(self.position, len(self.queue) - 1)

    def attach_evidence(self, file: str | Path, kind: str | None = None) -> ledger.EvidenceRecord:
        """Copy a file into the evidence folder and record it for the current spot."""
        # The spot's page: the spot with the files recorded for it, in one read (a round trip
        # to the shared ledger per file attached), not the spot and then its evidence.
        page = self.current_page()
        if self.store is None or page is None:
            raise ledger.LedgerError("没有当前图斑 / no current spot")
        spot = page.spot
        kind = kind or evidence.evidence_kind(file)
        if kind is None:
            raise ledger.LedgerError(
                f"不是照片、视频或录音文件，未登记到图斑 {spot.number}：{file} / not a photo, "
                f"video or audio file, not recorded for spot {spot.number}: {file}"
            )
        # Into the folder the spot's files already lie in (evidence/CON of an older ledger),
        # not a second one (evidence/_CON): one spot's evidence in one folder.
        recorded = [known.path for known in page.evidence]
        # Read once for the file: on the shared ledger each read of it is a round trip.
        root = self.store.writable_evidence_dir()
        folder = evidence.spot_folder(root, spot.number, recorded)
        folder_was_there = folder.is_dir()
        before = set(folder.iterdir()) if folder_was_there else set()
        record = evidence.store_evidence_in(root, spot.number, Path(file), kind, recorded)
        others: list[str] = []  # the spots the same file is recorded for already
        try:
            self.store.add_evidence(spot.id, record, held_elsewhere=others)
        except ledger.SavedWithoutReply:
            raise  # recorded, only the reply lost: the copy is its file and stays
        except Exception as error:
            copied = root / record.path
            if copied in before:
                raise
            if isinstance(error, ledger.LedgerError) and any(
                known.path == record.path for known in self.store.evidence(spot.id)
            ):
                # Recorded already: the copy just made is that record's file, so it stays.
                number, path = spot.number, record.path
                if path in recorded:  # before this page was read: its file had gone
                    raise ledger.LedgerError(
                        f"图斑 {number} 已登记该文件（{path}），其文件曾缺失，现已恢复 / the file "
                        f"was recorded for spot {number} already ({path}); its missing file "
                        "was restored"
                    ) from error
                # Since: a colleague attached the same file a moment ago.
                raise ledger.LedgerError(
                    f"该文件刚由另一会话登记为图斑 {number} 的证据（{path}），未重复登记 / "
                    f"another session recorded this file for spot {number} a moment ago "
                    f"({path}): not recorded twice"
                ) from error
            # Not recorded: a file copied for it would lie in the evidence folder unlisted,
            # and "check evidence" would never see it; nor is a spot's folder made for it
            # left behind empty (a read-only ledger refused the attach, found by a review).
            copied.unlink(missing_ok=True)
            if not folder_was_there:
                with contextlib.suppress(OSError):
                    copied.parent.rmdir()  # only if empty
            raise
        far = evidence.metres_from_spot(record, spot.geometry)
        if far is not None and far > evidence.FAR_FROM_SPOT_METRES:
            # Recorded (a site may be shot from afar), but said: another spot's photo counted
            # as this spot's evidence of its steps without a word.
            self.attach_notes.append(
                f"{Path(file).name}：拍摄位置距图斑 {spot.number} {far:,.0f} 米，请确认是该图斑的"
                f"证据 / {Path(file).name}: taken {far:,.0f} m from spot {spot.number}: check "
                "that it is this spot's evidence"
            )
        if others:
            # Recorded (one photo may show two neighbouring spots), but said: most often the
            # same photo dropped on the wrong spot, counted as evidence of both.
            numbers = "、".join(others)
            self.attach_notes.append(
                f"{Path(file).name}：该文件也已登记为图斑 {numbers} 的证据，请确认是图斑 "
                f"{spot.number} 的证据 / {Path(file).name}: the same file is recorded as "
                f"evidence of spot {', '.join(others)} too: check that it is spot "
                f"{spot.number}'s evidence"
            )
        return record


def unopened_case_of(
    spot: ledger.Spot,
    history: list[ledger.Verdict],
    case: ledger.CaseRecord | None,
    today: dt.date | None = None,
) -> cases.Case | None:
    """The case ``spot`` judged 违法 (``history`` its verdicts) with no ``case`` opened stands as:
    its written report and filing run from its verdict date, as the reports count them; None
    for a spot with a case or not judged 违法."""
    if case is not None or spot.category != ls.VERDICT_ILLEGAL:
        return None
    return spot_as_unopened_case(spot, history, spot.attributes, today or clock.today())


def _holiday_file_stamp(where: Path | str | None) -> tuple[int, int] | None:
    """When and how big the bureau's holiday file beside a GeoPackage ledger last was (None
    while there is none, and for a shared ledger): a change says the file was edited."""
    if not isinstance(where, Path):
        return None
    try:
        status = bureau_holiday_file(where).stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size
