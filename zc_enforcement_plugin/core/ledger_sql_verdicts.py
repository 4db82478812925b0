"""SqlVerdictsMixin: a spot's verdicts (a re-measurement carried to its open case) and its
evidence, appended and read back.

Composed into SqlLedger (ledger_sql), whose primitives it writes through and which gives it the
spot it judges and the case it carries figures to; every SQL store inherits it unchanged."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from . import ledger_schema as ls
from .cases import (
    CaseEvent,
    ProcedureError,
)
from .domain import (
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    SPOT_NUMBER,
    document_number,
)
from .ledger_records import (
    CaseError,
    CaseFilter,
    CaseRecord,
    EvidenceRecord,
    LedgerError,
    PhotoPoints,
    Verdict,
    VerdictError,
    case_left_open_of,
    message_of,
)
from .ledger_rows import (
    Select,
    as_date,
    conflict_error,
    spot_refreshes,
    spot_version,
    utc_now,
    verdict_from_row,
    vetted_evidence,
)
from .ledger_verdicts import validate_verdict


class SqlVerdictsMixin:
    # Relies on SqlLedger: transaction, _row, _rows, _insert, _MARK, _date_column, _touch,
    # _lock_spot, _index_evidence, _keep_conflict, _keeping_refusal; and on its mixins: spot
    # (SqlSpotsMixin), cases and add_case_event (SqlCasesMixin).

    # --- verdicts ------------------------------------------------------------------------------
    _VERDICT_COLUMNS = (
        ls.C_ID,
        ls.C_SPOT_ID,
        ls.C_CATEGORY,
        ls.C_KIND,
        ls.C_APPROVAL_NUMBER,
        ls.C_VERIFIER,
        ls.C_VERIFIED_ON,
        ls.C_AREAS,
        ls.C_NOTE,
        ls.C_CORRECTS,
        ls.C_RECORDED_AT,
        ls.C_DETAILS,
    )
    # What a verdict is read with: the columns saved, then the login the store recorded.
    _VERDICT_READ = (*_VERDICT_COLUMNS, ls.C_DB_USER)

    def record_verdict(
        self, spot_id: int, verdict: Verdict, expected_version: int | None = None
    ) -> int:
        """Append a verdict (a correction is a new record); refused with VerdictError if invalid.

        With expected_version (Spot.version as read), a spot saved by someone else or changed
        by a re-delivery since then refuses the save with ConflictError.
        """
        spot = self.spot(spot_id)
        if verdict.approval_number:
            number = document_number(verdict.approval_number)
            verdict = dataclasses.replace(verdict, approval_number=number or None)
        # A spot changed since the version the verdict is based on (a re-delivery's new TBMJ,
        # say) is no measure of it: the save is refused below as a conflict, which says what
        # changed, not as areas that no longer add up to figures the verifier never saw.
        changed = expected_version is not None and spot.version != expected_version
        messages = validate_verdict(verdict, None if changed else spot)
        if verdict.corrects is not None:
            owner = self._row(
                f"SELECT {ls.C_SPOT_ID} FROM {ls.T_VERDICTS} WHERE {ls.C_ID} = {self._MARK}",
                (verdict.corrects,),
            )
            if owner is None or owner[0] != spot_id:
                messages.append(
                    f"被更正的判定 {verdict.corrects} 不属于该图斑 / verdict {verdict.corrects} "
                    "being corrected does not belong to this spot"
                )
        if messages:
            raise VerdictError(messages)
        values = (
            verdict.category,
            (verdict.kind or "").strip() or None,
            (verdict.approval_number or "").strip() or None,
            verdict.verifier.strip(),
            as_date(verdict.verified_on).isoformat(),
            json.dumps({k: float(v) for k, v in verdict.areas.items()}, sort_keys=True),
            verdict.note or "",
            verdict.corrects,
            utc_now(),
            json.dumps(verdict.details, ensure_ascii=False, sort_keys=True),
        )
        conflict = None
        with self._keeping_refusal(lambda: conflict), self.transaction():
            self._lock_spot(spot_id)
            history, refreshes = [], []
            if expected_version is not None:  # read under the lock an import takes too
                history, refreshes = self.verdict_history(spot_id), self._refreshes_of(spot_id)
            version = spot_version(len(history), refreshes)
            if expected_version is not None and version != expected_version:
                # Raised once the transaction is over, so a store can keep the refused save.
                conflict = conflict_error(spot, expected_version, history, refreshes, verdict)
                self._keep_conflict(spot_id, expected_version, version, history, values)
            else:
                verdict_id = self._insert(
                    ls.T_VERDICTS, self._VERDICT_COLUMNS[1:], (spot_id, *values), ls.C_ID
                )
                self._touch(ls.T_VERDICTS)
                self._carry_to_case(spot_id, verdict)
        if conflict is not None:
            raise conflict
        return int(verdict_id)

    def _refreshes_of(self, spot_id: int) -> list[dict[str, Any]]:
        row = self._row(
            f"SELECT {ls.C_ATTRIBUTES} FROM {ls.T_SPOTS} WHERE {ls.C_FID} = {self._MARK}",
            (spot_id,),
        )
        return spot_refreshes(json.loads(row[0] or "{}")) if row else []

    def _carry_to_case(self, spot_id: int, verdict: Verdict) -> None:
        """A verdict that measures the land again while the spot's case is open: its figures
        go to the case as a measurement event (no step), dated as verified or, if the case has
        moved on since, on its last day. The case's scale (the serious-case report, the
        criminal-close rule) then follows the land as last measured, in the case's own events."""
        if verdict.category != ls.VERDICT_ILLEGAL or not verdict.areas:
            return
        found = self.cases(CaseFilter(spot_id=spot_id))
        if not found or found[0].case.closed:
            return
        record, case = found[0], found[0].case
        cultivated = verdict.areas.get(CULTIVATED_AREA)
        basic = verdict.areas.get(BASIC_FARMLAND_AREA)
        # Not before the case began: a deadline cannot fall before its case existed.
        verified = max(as_date(verdict.verified_on), case.events[0].date)
        same_figures = all(
            new is None or abs(float(new) - old) < 0.005
            for new, old in ((cultivated, case.cultivated_sqm), (basic, case.basic_farmland_sqm))
        )
        # The same figures found earlier than the case has them from (a mistyped day put
        # right): carried too, as the referral scale and its report count from that day.
        earlier = case.criminal_since is not None and verified < case.criminal_since
        if same_figures and not earlier:
            return
        event = CaseEvent(
            record.case_id,
            case.stage,
            max(verified, case.last_date),  # events stay in date order
            verdict.verifier,
            note="核查面积更正 / figures corrected by a later verdict",
            cultivated_sqm=None if cultivated is None else float(cultivated),
            basic_farmland_sqm=None if basic is None else float(basic),
            # Found on site before the case's last step: the scale counts from that day.
            measured_on=verified if verified < case.last_date else None,
        )
        try:
            self.add_case_event(record.case_id, event)
        except ProcedureError as error:  # the verdict form shows a ledger error, not a traceback
            raise CaseError(
                f"案件 {record.case_id} 不能记录更正后的面积，判定未保存 / case {record.case_id} "
                f"cannot take the corrected figures, the verdict is not saved: {error}"
            ) from error

    def verdict_history(self, spot_id: int) -> list[Verdict]:
        """The spot's verdicts in recorded order; LedgerError naming the row if one of them
        cannot be read (written by hand), as the spot's current verdict is then unknown."""
        # An id int() cannot read is refused, as no spot's, before int() here.
        histories, unreadable = self._verdict_histories([spot_id])
        if unreadable:
            raise LedgerError(unreadable[0])
        return histories[int(spot_id)]

    def verdict_histories(self, spot_ids: Sequence[int]) -> dict[int, list[Verdict]]:
        """Each spot's verdicts in recorded order, by id ([] for a spot not judged): a statement
        per chunk of ids, so a report or an export over thousands of spots is not a round trip
        to the shared ledger per spot.

        A spot with a verdict row that cannot be read is given none, and its message put in
        `unreadable_verdicts`: as with unreadable_cases, one bad row must not stop a report or
        an export of every other spot, and the caller says what was left out."""
        histories, self.unreadable_verdicts = self._verdict_histories(spot_ids)
        return histories

    def _verdict_histories(
        self, spot_ids: Sequence[int]
    ) -> tuple[dict[int, list[Verdict]], list[str]]:
        histories: dict[int, list[Verdict]] = {i: [] for i in self._spot_ids(spot_ids)}
        unreadable: dict[int, str] = {}
        for condition, params in self._in_chunks(f"v.{ls.C_SPOT_ID}", list(histories)):
            # A spot's verdicts all fall in its own chunk, so ordering each chunk by id keeps
            # every spot's history in recorded order.
            rows = self._rows(self._verdict_select(condition).sql(), params)
            self._add_verdict_rows(rows, histories, unreadable)
        return histories, list(unreadable.values())

    def _verdict_select(self, condition: str) -> Select:
        """The verdicts ``condition`` (on v, the verdicts) picks, in recorded order, each with
        its spot's number: rows for _add_verdict_rows."""
        columns = tuple(
            self._date_column(f"v.{c}") if c == ls.C_VERIFIED_ON else f"v.{c}"
            for c in self._VERDICT_READ
        )
        return Select(
            (*columns, f's."{SPOT_NUMBER}"'),
            f"FROM {ls.T_VERDICTS} v LEFT JOIN {ls.T_SPOTS} s ON s.{ls.C_FID} = v.{ls.C_SPOT_ID} "
            f"WHERE {condition}",
            f"v.{ls.C_ID}",
        )

    def _add_verdict_rows(
        self,
        rows: Sequence[Sequence],
        histories: dict[int, list[Verdict]],
        unreadable: dict[int, str],
    ) -> None:
        """The verdicts of ``rows`` (of _verdict_select) added to their spots' ``histories``; a
        spot with a row that cannot be read is given none, and its message put in
        ``unreadable`` by spot."""
        for row in rows:
            if row[1] in unreadable:
                continue
            try:
                verdict = verdict_from_row(row, row[-1], self.path)
            except LedgerError as error:
                unreadable[row[1]] = message_of(error)
                histories[row[1]] = []
                continue
            histories[verdict.spot_id].append(verdict)

    def current_verdict(self, spot_id: int) -> Verdict | None:
        history = self.verdict_history(spot_id)
        return history[-1] if history else None

    def case_left_open(self, spot_id: int) -> tuple[CaseRecord, Verdict] | None:
        """The spot's open case and its current verdict, when that verdict is no longer 违法
        (ledger_records.case_left_open_of says when, and why the case stays open)."""
        history = self.verdict_history(spot_id)
        found = self.cases(CaseFilter(spot_id=spot_id))
        return case_left_open_of(found[0] if found else None, history)

    # --- evidence ------------------------------------------------------------------------------
    _EVIDENCE_COLUMNS = (
        ls.C_ID,
        ls.C_SPOT_ID,
        ls.C_EVIDENCE_KIND,
        ls.C_PATH,
        ls.C_SHA256,
        ls.C_SIZE,
        ls.C_ORIGINAL_NAME,
        ls.C_FILE_MODIFIED,
        ls.C_TAKEN_AT,
        ls.C_GPS_LON,
        ls.C_GPS_LAT,
        ls.C_NOTE,
        ls.C_RECORDED_AT,
    )

    def add_evidence(
        self, spot_id: int, record: EvidenceRecord, held_elsewhere: list[str] | None = None
    ) -> int:
        """Record a file already stored in the evidence folder (evidence.store_evidence_file).
        ``held_elsewhere``, given, is filled with the numbers of the other spots (those this
        login sees) the same file is recorded for, first recorded first: found by the same
        statement that finds the file recorded for this spot already, not another round trip
        to the shared ledger."""
        number = self.spot(spot_id).number  # raises for an unknown spot
        relative, digest = vetted_evidence(record)
        with self.transaction():
            self._lock_spot(spot_id)  # two sessions adding the same file: one row
            self._index_evidence()
            mark = self._MARK
            holders = self._rows(
                f'SELECT e.{ls.C_SPOT_ID}, e.{ls.C_PATH}, s."{SPOT_NUMBER}" '
                f"FROM {ls.T_EVIDENCE} e LEFT JOIN {ls.T_SPOTS} s "
                f"ON s.{ls.C_FID} = e.{ls.C_SPOT_ID} "
                f"WHERE e.{ls.C_SHA256} = {mark} ORDER BY e.{ls.C_ID}",
                (digest,),
            )
            twin = next((row[1:2] for row in holders if row[0] == spot_id), None)
            if held_elsewhere is not None:
                others = (str(row[2]) for row in holders if row[0] != spot_id and row[2])
                held_elsewhere.extend(n for n in dict.fromkeys(others) if n not in held_elsewhere)
            if twin is not None:
                # The same file again (dropped twice, or a copy under another name): a second
                # row could never be taken back from the append-only table, and would count
                # twice. Named as dropped, beside the file it repeats: that one alone is stored.
                dropped = record.original_name or relative
                raise LedgerError(
                    f"{dropped} 与图斑 {number} 已登记的证据 {twin[0]} 是同一文件，未再登记 / "
                    f"{dropped} is the same file as {twin[0]}, already recorded as evidence of "
                    f"spot {number}: not recorded again"
                )
            evidence_id = self._insert(
                ls.T_EVIDENCE,
                self._EVIDENCE_COLUMNS[1:],
                (
                    spot_id,
                    record.kind,
                    relative,
                    digest,
                    int(record.size),
                    record.original_name or "",
                    record.file_modified,
                    record.taken_at,
                    record.gps_lon,
                    record.gps_lat,
                    record.note or "",
                    utc_now(),
                ),
                ls.C_ID,
            )
            self._touch(ls.T_EVIDENCE)
        return int(evidence_id)

    def evidence(self, spot_id: int | None = None) -> list[EvidenceRecord]:
        """Evidence of one spot, or of the whole ledger when spot_id is None, oldest first."""
        if spot_id is None:
            return [
                self._evidence_from_row(row) for row in self._rows(self._evidence_select().sql())
            ]
        select = self._evidence_select(f"{ls.C_SPOT_ID} = {self._MARK}")
        return [self._evidence_from_row(row) for row in self._rows(select.sql(), (spot_id,))]

    def photo_points(self) -> PhotoPoints:
        """The evidence with a position, each with its spot's number (None for a spot this
        login does not see), and the evidence folder: what the photo layer needs, and no more."""
        rows = self._rows(self._photo_select().sql())
        return PhotoPoints([self._photo_from_row(row) for row in rows], self.evidence_dir)

    def _photo_select(self) -> Select:
        """The evidence rows with a position, oldest first, each followed by its spot's number."""
        columns = (*(f"e.{c}" for c in self._EVIDENCE_COLUMNS), f's."{SPOT_NUMBER}"')
        source = (
            f"FROM {ls.T_EVIDENCE} e LEFT JOIN {ls.T_SPOTS} s ON s.{ls.C_FID} = e.{ls.C_SPOT_ID} "
            f"WHERE e.{ls.C_GPS_LON} IS NOT NULL AND e.{ls.C_GPS_LAT} IS NOT NULL"
        )
        return Select(columns, source, f"e.{ls.C_ID}")

    def _photo_from_row(self, row: Sequence) -> tuple[str | None, EvidenceRecord]:
        return row[-1], self._evidence_from_row(row[:-1])

    def _evidence_select(self, condition: str | None = None) -> Select:
        """The evidence rows ``condition`` picks (all without one), oldest first."""
        source = f"FROM {ls.T_EVIDENCE}" + (f" WHERE {condition}" if condition else "")
        return Select(self._EVIDENCE_COLUMNS, source, ls.C_ID)

    @staticmethod
    def _evidence_from_row(row: Sequence) -> EvidenceRecord:
        return EvidenceRecord(
            kind=row[2],
            path=row[3],
            sha256=row[4],
            size=row[5],
            original_name=row[6],
            file_modified=row[7],
            taken_at=row[8],
            gps_lon=row[9],
            gps_lat=row[10],
            note=row[11],
            id=row[0],
            spot_id=row[1],
            recorded_at=row[12],
        )
