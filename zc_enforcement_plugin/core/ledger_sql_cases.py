"""SqlCasesMixin: opening a case, appending its events under a lock, and replaying cases from
their stored rows.

Part of SqlLedger (ledger_sql) as a mixin: it needs the base's transactions, locks and date
hook, and the spot, verdict and patrol an opening is resolved from (resolve_case_opening)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from . import clock
from . import ledger_schema as ls
from .bilingual import Bilingual
from .cases import (
    Case,
    CaseEvent,
    ProcedureError,
    Stage,
)
from .domain import SPOT_NUMBER
from .ledger_records import (
    CaseConflictError,
    CaseError,
    CaseFilter,
    CaseRecord,
    LedgerError,
    message_of,
)
from .ledger_rows import (
    Select,
    case_conflict_error,
    case_record_from_rows,
    resolve_case_opening,
    utc_now,
)


class SqlCasesMixin:
    # Relies on SqlLedger: transaction, _row, _rows, _insert, _in, _MARK, _date_column,
    # _touch, _lock_spot, _lock_case, _keep_case_conflict, _UNSEEN_ZH, path, unreadable_cases;
    # and, through resolve_case_opening, on spot (SqlSpotsMixin), current_verdict
    # (SqlVerdictsMixin) and patrols (SqlPatrolsMixin).

    # --- cases (schema version 3) ----------------------------------------------------------------
    _CASE_COLUMNS = (
        ls.C_ID,
        ls.C_ORIGIN,
        ls.C_SPOT_ID,
        ls.C_PATROL_ID,
        ls.C_OFFICE,
        ls.C_TOWN,
        ls.C_OPENED_AT,
        ls.C_CULTIVATED_SQM,
        ls.C_BASIC_FARMLAND_SQM,
        ls.C_RECORDED_AT,
    )
    _EVENT_COLUMNS = (
        ls.C_ID,
        ls.C_CASE_ID,
        ls.C_STAGE,
        ls.C_DATE,
        ls.C_PERSON,
        ls.C_DOCUMENTS,
        ls.C_EVIDENCE_IDS,
        ls.C_NOTE,
        ls.C_CULTIVATED_SQM,
        ls.C_BASIC_FARMLAND_SQM,
        ls.C_RECORDED_AT,
        ls.C_MEASURED_ON,
        ls.C_CORRECTS,
        ls.C_CORRECTED_NOTE,
    )

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
    ) -> str:
        """Open a case with its discover event; returns the case id.

        ``origin`` is cases.ORIGIN_SPOT (``spot_id``: a spot whose current verdict is 违法; one
        case per spot) or cases.ORIGIN_PATROL (``patrol_id``: a patrol already in the ledger).
        What is not given comes from the origin: the date and person from the verdict
        (verified_on, verifier) or the patrol (date, first staff member), office and town from
        the spot (SMC, XZMC) or the patrol's office, the areas from the verdict's GDMJ / YJJBNTMJ
        or else the spot's screening figures.
        """
        with self.transaction():
            if spot_id is not None:
                # One case per spot: two people opening it at once queue here.
                self._lock_spot(spot_id)
            opening = resolve_case_opening(
                self,
                origin,
                spot_id=spot_id,
                patrol_id=patrol_id,
                date=date,
                person=person,
                office=office,
                town=town,
                cultivated_sqm=cultivated_sqm,
                basic_farmland_sqm=basic_farmland_sqm,
            )
            case_id = self._insert(
                ls.T_CASES, self._CASE_COLUMNS[1:], (*opening.row(), utc_now()), ls.C_ID
            )
            # An impossible discover event raises here and rolls the case row back.
            event = opening.discover_event(case_id, documents, evidence_ids, note)
            # The rule of every later step (add_case_event), and rolled back likewise: an
            # opening dated ahead would stand before every real step (核查 today refused).
            _refuse_future(event.stage, event.date)
            self._insert_event(case_id, event)
            self._touch(ls.T_CASES)
        return str(case_id)

    def _insert_event(self, case_id: int, event: CaseEvent) -> int:
        return int(
            self._insert(
                ls.T_CASE_EVENTS, self._EVENT_COLUMNS[1:], event_row(case_id, event), ls.C_ID
            )
        )

    def add_case_event(
        self, case_id: str | int, event: CaseEvent, *, seen: int | None = None
    ) -> int:
        """Append ``event`` to a case; cases.ProcedureError (nothing written) if impossible.

        The case is replayed from its stored events and the new one applied through Case.apply
        inside the same write transaction (under a lock of the case), so two sessions cannot both
        append a step that is only valid without the other's.

        ``seen`` is the case's last_record_id as the user saw it: when another session has
        recorded a row of the case since, the step is refused (CaseConflictError, nothing
        written), so two people recording the same 制止 at once do not both go in unseen.
        None (scripts, imports) appends as before, unchecked.
        """
        _refuse_future(event.stage, event.date)
        conflict = None
        with self._keeping_refusal(lambda: conflict), self.transaction():
            number = self._case_number(case_id)
            self._lock_case(number)
            case = self._case_records([number])[0].case
            conflict = self._moved_on(
                number,
                case,
                seen,
                f"“{event.stage.label_zh}” {event.date}",
                f"{event.stage.value} {event.date}",
            )
            if conflict is not None:
                # Raised once the transaction is over, so a store can keep the refused step.
                self._keep_case_conflict(number, seen, case.last_record_id, event)
            else:
                case.apply(event)
                event_id = self._insert_event(number, event)
                self._touch(ls.T_CASE_EVENTS)
        if conflict is not None:
            raise conflict
        return event_id

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
    ) -> int:
        """Record a correction (更正) of the case's event ``event_id``: its right date and,
        given, its documents and its remarks (``note``; None keeps either as it stands), with
        the reason. Nothing is changed: the correction is a new row referring to the event, the
        case is replayed with it (so the deadlines and reports count from the corrected date,
        and the step reads with its corrected remarks) and the history keeps both.

        cases.ProcedureError (nothing written) when the case would not stand corrected, a
        step then dated before the one it follows, say; CaseError for a date ahead.
        ``seen``: as add_case_event's; a correction made on a view of the case older than its
        latest row (another correction of the step, say) is refused, not put silently over."""
        conflict = None
        with self._keeping_refusal(lambda: conflict), self.transaction():
            number = self._case_number(case_id)
            self._lock_case(number)
            case = self._case_records([number])[0].case
            target = next(
                (e for e in case.events if e.event_id is not None and e.event_id == event_id),
                None,
            )
            if target is None:
                raise CaseError(
                    f"案件 {case_id} 中没有可更正的事件 {event_id} / case {case_id} has no "
                    f"step {event_id} to correct"
                )
            conflict = self._moved_on(
                number,
                case,
                seen,
                f"更正“{target.stage.label_zh}”为 {date}",
                f"correction of {target.stage.value} to {date}",
            )
            if conflict is None:
                _refuse_future(target.stage, date)
            try:
                correction = CaseEvent(
                    str(number),
                    target.stage,
                    date,
                    person,
                    target.documents if documents is None else documents,
                    note=reason.strip(),
                    corrects=int(event_id),
                    corrected_note=None if note is None else note.strip(),
                )
            except (ValueError, TypeError):
                if conflict is None:
                    raise
                correction = None  # no row a ledger could hold: the refusal is said alone
            if conflict is not None:
                # Raised once the transaction is over, as add_case_event's.
                if correction is not None:
                    self._keep_case_conflict(number, seen, case.last_record_id, correction)
            else:
                case.correct(correction)
                correction_id = self._insert_event(number, correction)
                self._touch(ls.T_CASE_EVENTS)
        if conflict is not None:
            raise conflict
        return correction_id

    def _moved_on(
        self, number: int, case: Case, seen: int | None, refused_zh: str, refused_en: str
    ) -> CaseConflictError | None:
        """The CaseConflictError to raise when the case has rows later than ``seen`` (run under
        the case's lock, so no row can come in between this check and the save), else None."""
        if seen is None:
            return None
        since = [r for r in case.records if r.event_id is not None and r.event_id > int(seen)]
        if not since:
            return None
        in_since, params = self._in(ls.C_ID, [r.event_id for r in since])
        logins = dict(
            self._rows(
                f"SELECT {ls.C_ID}, {ls.C_DB_USER} FROM {ls.T_CASE_EVENTS} WHERE {in_since}",
                params,
            )
        )
        return case_conflict_error(
            number, [(r, logins.get(r.event_id)) for r in since], refused_zh, refused_en
        )

    def case(self, case_id: str | int) -> Case:
        return self.case_record(case_id).case

    def case_record(self, case_id: str | int) -> CaseRecord:
        """One case with its row: origin, spot, office, areas as opened."""
        return self._case_records([self._case_number(case_id)])[0]

    def cases(self, filter: CaseFilter | None = None) -> list[CaseRecord]:
        """Cases matching the filter, oldest first. A case whose stored rows cannot be replayed
        (written by hand) is left out and its message put in `unreadable_cases`: one bad row
        must not hide every other case from the dock and the reports."""
        wanted = filter or CaseFilter()
        where: list[str] = []
        params: list[Any] = []
        for value, column in (
            (wanted.office, ls.C_OFFICE),
            (wanted.town, ls.C_TOWN),
            (wanted.origin, ls.C_ORIGIN),
            (wanted.spot_id, ls.C_SPOT_ID),
        ):
            if value is not None:
                where.append(f"{column} = {self._MARK}")
                params.append(value)
        sql = f"SELECT {ls.C_ID}, {ls.C_SPOT_ID} FROM {ls.T_CASES}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Spots picked here rather than by an IN list: thousands of spot ids would pass
        # SQLite's cap on a statement's parameters, and the case rows are few and narrow.
        among = None if wanted.spot_ids is None else {int(i) for i in wanted.spot_ids}
        ids = [
            row[0]
            for row in self._rows(sql + f" ORDER BY {ls.C_ID}", params)
            if among is None or row[1] in among
        ]
        unreadable: list[str] = []
        records = self._case_records(ids, unreadable)
        self.unreadable_cases = unreadable
        if wanted.stage is not None:
            stage = Stage(wanted.stage)
            records = [r for r in records if r.case.stage is stage]
        if wanted.closed is not None:
            records = [r for r in records if r.case.closed == wanted.closed]
        return records

    def spots_with_case(self) -> set[int]:
        """The ids of the spots a case was opened for, read without replaying any case: what
        the dock's overdue filter needs to tell a spot with no case opened."""
        return {
            row[0]
            for row in self._rows(
                f"SELECT DISTINCT {ls.C_SPOT_ID} FROM {ls.T_CASES} WHERE {ls.C_SPOT_ID} IS NOT NULL"
            )
        }

    def _case_number(self, case_id: str | int) -> int:
        try:
            number = int(str(case_id).strip())
        except ValueError:
            number = None
        if number is None or not self._row(
            f"SELECT 1 FROM {ls.T_CASES} WHERE {ls.C_ID} = {self._MARK}", (number,)
        ):
            raise LedgerError(
                f"台帐中没有案件{self._UNSEEN_ZH}/ no case {case_id!r} in {self.path}"
            )
        return number

    def _case_records(
        self, ids: Sequence[int], unreadable: list[str] | None = None
    ) -> list[CaseRecord]:
        """The cases of `ids`; with `unreadable`, a case that cannot be replayed is left out and
        its message added there, else it raises (LedgerError naming it)."""
        if not ids:
            return []
        rows: list[Sequence] = []
        events: dict[int, list[Sequence]] = {}
        # A chunk of cases at a time, their events with them: a ledger of many thousand cases
        # must not put every id into one statement (SQLite caps its parameters). Sorted, so the
        # chunks read back in case order as one ORDER BY would.
        for chunk in self._chunks(sorted({int(i) for i in ids})):
            self._read_case_rows(chunk, rows, events)
        records = []
        for row in rows:
            try:
                records.append(self._case_record(row, events.get(row[0], [])))
            except LedgerError as error:
                if unreadable is None:
                    raise
                unreadable.append(message_of(error))
        return records

    def _read_case_rows(
        self, ids: Sequence[int], rows: list[Sequence], events: dict[int, list[Sequence]]
    ) -> None:
        """The stored rows of cases `ids` appended to `rows`, their events to `events` by case."""
        in_cases, params = self._in(f"c.{ls.C_ID}", ids)
        rows += self._rows(self._case_select(in_cases).sql(), params)
        in_cases, params = self._in(ls.C_CASE_ID, ids)
        for row in self._rows(self._event_select(in_cases).sql(), params):
            events.setdefault(row[1], []).append(row)

    def _case_select(self, condition: str) -> Select:
        """The case rows ``condition`` (on c, the cases) picks, each with its spot's number."""
        case_columns = tuple(
            self._date_column(f"c.{c}") if c == ls.C_OPENED_AT else f"c.{c}"
            for c in self._CASE_COLUMNS
        )
        return Select(
            (*case_columns, f's."{SPOT_NUMBER}"'),
            f"FROM {ls.T_CASES} c LEFT JOIN {ls.T_SPOTS} s ON s.{ls.C_FID} = c.{ls.C_SPOT_ID} "
            f"WHERE {condition}",
            f"c.{ls.C_ID}",
        )

    def _event_select(self, condition: str) -> Select:
        """The case events ``condition`` picks, in recorded order."""
        columns = tuple(self._date_column(c) if c == ls.C_DATE else c for c in self._EVENT_COLUMNS)
        return Select(columns, f"FROM {ls.T_CASE_EVENTS} WHERE {condition}", ls.C_ID)

    def _case_record(self, row: Sequence, events: Sequence[Sequence]) -> CaseRecord:
        """One case replayed; a case whose stored rows cannot be replayed (no events, a date
        or a list typed by hand: 2024/3/2, plain text where JSON is kept) is named, not left
        as a bare ProcedureError or ValueError."""
        try:
            return case_record_from_rows(row, events)
        except ProcedureError as error:
            zh, en = error.reason_zh, error.reason_en
        except (ValueError, TypeError, KeyError) as error:  # json.JSONDecodeError is a ValueError
            zh = en = f"{type(error).__name__}: {error}"
        raise LedgerError(
            Bilingual(
                f"案件 {row[0]} 的记录无法读取（{zh}），请执法监察大队核查",
                f"case {row[0]} in {self.path} cannot be read ({en}): ask the brigade to "
                f"check its records",
            )
        )


def event_row(case_id: int, event: CaseEvent) -> tuple:
    """A case event as ledger_case_events stores it, in the order of its columns after the id
    (SqlCasesMixin._EVENT_COLUMNS); a refused step is kept as the same row (ledger_postgis)."""
    return (
        case_id,
        event.stage.value,
        event.date.isoformat(),
        event.person.strip(),
        json.dumps(list(event.documents), ensure_ascii=False),
        json.dumps(list(event.evidence_ids), ensure_ascii=False),
        event.note or "",
        event.cultivated_sqm,
        event.basic_farmland_sqm,
        utc_now(),
        None if event.measured_on is None else event.measured_on.isoformat(),
        event.corrects,
        event.corrected_note,
    )


def _refuse_future(stage: Stage, day: dt.date) -> None:
    """A step dated ahead would stand before every real one: later steps could no longer be
    recorded, as events cannot go back in time."""
    if day > clock.today():
        raise CaseError(
            f"“{stage.label_zh}”的日期 {day} 晚于今天 / the {stage.value} date {day} is in the "
            "future"
        )
