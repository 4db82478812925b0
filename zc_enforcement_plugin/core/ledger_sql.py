"""SqlLedger: what every SQL store of the ledger does alike (GeoPackage and PostGIS differ only
in connection, placeholders, geometry and locking, which their subclasses give)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from . import deadlines as dl
from . import ledger_schema as ls
from . import workdays
from .cases import (
    Case,
    CaseEvent,
    ProcedureError,
    Stage,
)
from .domain import (
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    OFFICE_NAME,
    REVIEW_PRIORITY,
    SPOT_AREA,
    SPOT_NUMBER,
    SPOT_REFRESHES,
    SUGGESTED_VERDICT,
    TOWN_NAME,
)
from .ledger_delivery import (
    FIGURE_COLUMNS,
    Recorded,
    Vetted,
    keep_recorded,
    patrol_route,
    refresh_changes,
    say_changes,
    vet_spots,
    warn_kept_spots,
    warn_other_delivery,
    warn_unmapped_town,
)
from .ledger_records import (
    BatchSummary,
    CaseError,
    CaseFilter,
    CaseRecord,
    EvidenceRecord,
    ImportIssue,
    ImportReport,
    LedgerError,
    Spot,
    SpotFilter,
    SpotRecord,
    SpotSummary,
    Verdict,
    VerdictError,
)
from .ledger_rows import (
    as_date,
    case_record_from_rows,
    conflict_error,
    resolve_case_opening,
    setting_text,
    spot_refreshes,
    spot_version,
    utc_now,
    verdict_from_row,
    vetted_evidence,
)
from .ledger_verdicts import validate_verdict
from .patrols import PatrolRecord


class SqlLedger:
    """The LedgerStore methods over ledger_schema's tables that do not depend on the database.

    A subclass supplies the dialect through the hooks below (parameter marks, geometry in and
    out, text ordering, locks) and its own connection, transactions and the few saves that
    differ; the queries' logic, the rows' meaning and the checks live here once.
    """

    path: Any
    # What the last cases() left out, one message per case that could not be read.
    unreadable_cases: Sequence[str] = ()
    # Whether this ledger shows the rows of every office: a file holds all it holds, while a
    # shared ledger's office login sees only its own offices' rows (row security), and a report
    # comparing offices or totalling the district must not be read through it.
    sees_every_office: bool = True
    # Test hook: called with the row number after each spot row an import writes.
    _after_row_hook: Callable[[int], None] | None = None

    _MARK = "?"  # a bound parameter
    _GEOMETRY_MARK = "?"  # a bound geometry parameter
    _TRUE = "= 1"  # a flag column is set
    _COLLATE = ""  # after a text sort key: the byte order SQLite sorts by
    _FOR_UPDATE = ""  # after the select of a batch being refreshed
    # What a row not found may also mean in this store (row security), in messages.
    _UNSEEN_ZH = " "
    _UNSEEN_EN = ""

    _depth = 0  # how many transactions are open, the outermost and its savepoints

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic save. Nested use becomes a savepoint inside the outer transaction."""
        if not self._depth:
            with self._outer_transaction():
                yield
            return
        name = f"ledger_sp{self._depth}"
        self._run(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
            self._run(f"RELEASE SAVEPOINT {name}")
        except BaseException:
            self._roll_back(f"ROLLBACK TO SAVEPOINT {name}", f"RELEASE SAVEPOINT {name}")
            raise
        finally:
            self._depth -= 1

    # --- the dialect -----------------------------------------------------------------------------
    def _outer_transaction(self) -> contextlib.AbstractContextManager[None]:
        """BEGIN ... COMMIT, or ROLLBACK on an exception; _depth is 1 inside."""
        raise NotImplementedError

    def _roll_back(self, *statements: str) -> None:
        """Undo a savepoint after an exception (the exception is what the caller sees)."""
        for statement in statements:
            self._run(statement)

    def _run(self, sql: str, params: Sequence = ()) -> Any:
        """Execute one statement; returns its cursor."""
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence = ()) -> list[Sequence]:
        return self._run(sql, params).fetchall()

    def _row(self, sql: str, params: Sequence = ()) -> Sequence | None:
        return self._run(sql, params).fetchone()

    def _insert(self, table: str, columns: Sequence[str], values: Sequence, key: str) -> int:
        """Insert one row; returns its new key."""
        raise NotImplementedError

    def _in(self, column: str, values: Sequence) -> tuple[str, list]:
        """(condition, parameters): column is one of values."""
        return f"{column} IN ({', '.join(self._MARK for _ in values)})", list(values)

    def _geometry_column(self, column: str) -> str:
        """The select expression of a geometry column."""
        return column

    def _date_column(self, column: str) -> str:
        """The select expression of a date column: ISO text."""
        return column

    def _to_geometry(self, value: Any) -> BaseGeometry | None:
        """A geometry as read from a geometry column (see _geometry_column)."""
        raise NotImplementedError

    def _from_geometry(self, geometry: BaseGeometry | None) -> Any:
        """A geometry as bound to _GEOMETRY_MARK."""
        raise NotImplementedError

    def _figure(self, column: str, value: Any) -> Any:
        """A vetted screening figure as the column stores it."""
        return value

    def _touch(self, table: str) -> None:
        """Note that a table changed."""

    def _update_extent(self, table: str) -> None:
        """Note that a table's features changed: its extent is theirs again."""

    def _widen_extent(self, table: str, bounds: tuple[float, float, float, float]) -> None:
        """Note that a table gained a feature within bounds."""

    def _lock_spot(self, spot_id: int) -> None:
        """Serialise the saves of one spot, inside a transaction."""

    def _lock_case(self, case_id: int) -> None:
        """Serialise the events of one case, inside a transaction."""

    def _keep_conflict(
        self,
        spot_id: int,
        expected_version: int,
        version: int,
        history: list[Verdict],
        values: tuple,
    ) -> None:
        """Keep a verdict refused as a conflict (values as the verdicts table takes them), the
        spot being at `version` with verdicts `history`."""

    def _put_setting(self, key: str, text: str) -> None:
        raise NotImplementedError

    def _mapped_towns(self) -> set[str] | None:
        """The towns some office is set up for, where a store gives offices their towns (a
        spot in no such town is seen by no office); None where it does not."""
        return None

    # --- import --------------------------------------------------------------------------------
    def import_batch(
        self, batch_name: str, spots: Sequence[SpotRecord], source: str | None = None
    ) -> ImportReport:
        """Add a batch, or refresh it when it is already in the ledger.

        Refreshing rewrites geometry, delivered fields and screening figures of the spots the
        delivery carries; verdicts and evidence are never touched, and spots the delivery no
        longer carries stay (with a warning). What the delivery does not carry never blanks
        what the ledger holds: a field it does not have (a raw delivery's missing figures, the
        town and office when no towns layer was given) and a spot without geometry keep the
        recorded value, with a warning naming the spot and the fields (see keep_recorded).
        Refused spots are reported and not imported.
        """
        name = (batch_name or "").strip()
        if not name:
            raise LedgerError("批次名称不能为空 / the batch name is empty")
        if spots and all(SPOT_NUMBER not in spot.attributes for spot in spots):
            # Said once for the file, not once for every spot as an empty number.
            where = source or name
            raise LedgerError(
                f"{where}：没有图斑编号字段 {SPOT_NUMBER}，未导入任何图斑（是图斑图层吗？）/ "
                f"{where}: has no spot number field {SPOT_NUMBER}: nothing imported (is it the "
                "spot layer?)"
            )
        report = ImportReport(batch=name)
        rows = vet_spots(spots, report)
        now = utc_now()
        mark = self._MARK
        with self.transaction():
            row = self._row(
                f"SELECT {ls.C_ID} FROM {ls.T_BATCHES} WHERE {ls.C_BATCH_NAME} = {mark}"
                + self._FOR_UPDATE,
                (name,),
            )
            if not rows:  # every spot refused: no empty batch left, the recorded one untouched
                return report
            if row is None:
                batch_id = self._insert(
                    ls.T_BATCHES,
                    (ls.C_BATCH_NAME, ls.C_BATCH_SOURCE, ls.C_IMPORTED_AT, ls.C_UPDATED_AT),
                    (name, source, now, now),
                    ls.C_ID,
                )
            else:
                batch_id = row[0]
                self._run(
                    f"UPDATE {ls.T_BATCHES} SET {ls.C_BATCH_SOURCE} = COALESCE({mark}, "
                    f"{ls.C_BATCH_SOURCE}), {ls.C_UPDATED_AT} = {mark} WHERE {ls.C_ID} = {mark}",
                    (source, now, batch_id),
                )
            existing = self._recorded_spots(batch_id)
            warn_other_delivery(name, rows, existing, report)
            # Said once, when a number comes into the batch, not again at each refresh.
            self._warn_numbers_in_other_batches(
                name, [r for r in rows if r.key not in existing], report
            )
            data_columns = [ls.C_GEOM, *FIGURE_COLUMNS, ls.C_ATTRIBUTES, ls.C_UPDATED_AT]
            marks = [self._GEOMETRY_MARK, *[mark] * (len(data_columns) - 1)]
            # A NULL geometry bound on refresh keeps the recorded one (see keep_recorded).
            update_sql = (
                f"UPDATE {ls.T_SPOTS} SET "
                + f'"{ls.C_GEOM}" = COALESCE({self._GEOMETRY_MARK}, "{ls.C_GEOM}"), '
                + ", ".join(f'"{column}" = {m}' for column, m in zip(data_columns[1:], marks[1:]))
                + f" WHERE {ls.C_FID} = {mark}"
            )
            insert_columns = [ls.C_BATCH_ID, ls.C_SPOT_NUMBER, *data_columns, ls.C_IMPORTED_AT]
            insert_sql = (
                f"INSERT INTO {ls.T_SPOTS} ("
                + ", ".join(f'"{column}"' for column in insert_columns)
                + ") VALUES ("
                + ", ".join([mark, mark, *marks, mark])
                + ")"
            )
            mapped_towns = self._mapped_towns()
            for count, vetted in enumerate(rows):
                recorded = existing.get(vetted.key)
                if recorded is not None:
                    vetted = self._refreshed(vetted, recorded, report)
                if mapped_towns is not None:
                    warn_unmapped_town(report, vetted, mapped_towns)
                values = [
                    self._from_geometry(vetted.geometry),
                    *(self._figure(c, v) for c, v in zip(FIGURE_COLUMNS, vetted.figures)),
                    json.dumps(vetted.attributes, ensure_ascii=False, sort_keys=True),
                    now,
                ]
                if recorded is None:
                    self._run(insert_sql, [batch_id, vetted.key, *values, now])
                    report.added += 1
                else:
                    self._run(update_sql, [*values, recorded.fid])
                    report.refreshed += 1
                if self._after_row_hook is not None:
                    self._after_row_hook(count)
            warn_kept_spots(report, rows, existing)
            self._update_extent(ls.T_SPOTS)
            self._touch(ls.T_BATCHES)
        return report

    def _warn_numbers_in_other_batches(
        self, batch: str, rows: Sequence[Vetted], report: ImportReport
    ) -> None:
        """A spot number another batch already holds: the same spot delivered again under a
        new batch name would be two records judged apart (and counted twice)."""
        numbers = [row.key for row in rows]
        found: dict[str, list[str]] = {}
        for start in range(0, len(numbers), 500):  # SQLite's bound parameters are limited
            condition, params = self._in(f's."{ls.C_SPOT_NUMBER}"', numbers[start : start + 500])
            for number, other in self._rows(
                f'SELECT s."{ls.C_SPOT_NUMBER}", b.{ls.C_BATCH_NAME} FROM {ls.T_SPOTS} s '
                f"JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID} "
                f"WHERE {condition} AND b.{ls.C_BATCH_NAME} <> {self._MARK}",
                [*params, batch],
            ):
                found.setdefault(number, []).append(other)
        for number, others in found.items():
            report.warnings.append(
                ImportIssue(
                    None,
                    number,
                    SPOT_NUMBER,
                    f"图斑编号已在批次 {'、'.join(sorted(others))} 中，此处另记一条；如为同一图斑的"
                    f"重新交付，请导入到原批次 / the number is already in batch "
                    f"{', '.join(sorted(others))}: recorded again here; a re-delivery of the same "
                    "spot belongs in its batch",
                )
            )

    def _recorded_spots(self, batch_id: int) -> dict[str, Recorded]:
        """The batch's spots as the ledger holds them, by spot number. (Only imports change
        these, and imports of a batch take turns: see _FOR_UPDATE. Whether a spot has been
        judged is read later, see _refreshed.)"""
        figures = ", ".join(f's."{column}"' for column in FIGURE_COLUMNS)
        rows = self._rows(
            f"SELECT {self._geometry_column(f's.{ls.C_GEOM}')}, "
            f's."{ls.C_SPOT_NUMBER}", s.{ls.C_FID}, s.{ls.C_ATTRIBUTES}, '
            f"{figures} FROM {ls.T_SPOTS} s WHERE s.{ls.C_BATCH_ID} = {self._MARK}",
            (batch_id,),
        )
        return {
            number: Recorded(
                fid,
                geometry is not None,
                json.loads(attributes or "{}"),
                list(rest),
                self._to_geometry(geometry),
            )
            for geometry, number, fid, attributes, *rest in rows
        }

    def _refreshed(self, vetted: Vetted, recorded: Recorded, report: ImportReport) -> Vetted:
        """The refreshed spot (see keep_recorded), what the refresh changes in it said and
        kept with it, which gives the spot a new version.

        A spot the refresh changes is locked as a verdict save locks it, and whether it has
        been judged is read under that lock, in the import's own transaction: a verdict saved
        meanwhile either came first and the report says the spot is judged, or waits for the
        import and is refused as based on the spot before the refresh (ConflictError). A spot
        the refresh leaves as it was is neither locked nor given a new version."""
        vetted = keep_recorded(vetted, recorded, report)
        changes = refresh_changes(recorded, vetted)
        if not changes:
            return vetted
        self._lock_spot(recorded.fid)
        mark = self._MARK
        verdicts, case_id = self._row(
            f"SELECT (SELECT COUNT(*) FROM {ls.T_VERDICTS} WHERE {ls.C_SPOT_ID} = {mark}), "
            f"(SELECT MIN({ls.C_ID}) FROM {ls.T_CASES} WHERE {ls.C_SPOT_ID} = {mark})",
            (recorded.fid, recorded.fid),
        )
        say_changes(vetted.key, changes, bool(verdicts), case_id, report)
        refreshes = spot_refreshes(recorded.attributes)
        # Kept with the spot: the dock shows it when the spot is looked at again, and a save
        # refused for it names what changed since the version the verifier saw.
        entry = {
            "on": dt.date.today().isoformat(),
            "at": utc_now(),
            "changes": changes,
            "version": spot_version(int(verdicts), refreshes) + 1,
        }
        earlier = list(recorded.attributes.get(SPOT_REFRESHES) or [])
        attributes = {**vetted.attributes, SPOT_REFRESHES: [*earlier, entry]}
        return Vetted(vetted.key, vetted.geometry, attributes, vetted.figures)

    # --- reading spots ---------------------------------------------------------------------------
    _SUMMARY_SQL = f"""
        SELECT s.{ls.C_FID}, b.{ls.C_BATCH_NAME}, s."{SPOT_NUMBER}", s."{TOWN_NAME}",
               s."{OFFICE_NAME}", s."{SPOT_AREA}", s."{CULTIVATED_AREA}",
               s."{BASIC_FARMLAND_AREA}", s."{SUGGESTED_VERDICT}", s."{REVIEW_PRIORITY}",
               v.{ls.C_CATEGORY}, v.{ls.C_KIND}"""
    # Joins each spot to its latest verdict (alias v); a store may say it its own way.
    _SUMMARY_FROM = f"""
        FROM {ls.T_SPOTS} s
        JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}
        LEFT JOIN {ls.T_VERDICTS} v ON v.{ls.C_ID} = (
            SELECT MAX(x.{ls.C_ID}) FROM {ls.T_VERDICTS} x WHERE x.{ls.C_SPOT_ID} = s.{ls.C_FID})"""

    @staticmethod
    def _summary(row: Sequence) -> SpotSummary:
        status = ls.STATUS_UNVERIFIED if row[10] is None else ls.STATUS_VERIFIED
        return SpotSummary(*row[:10], status, row[10], row[11])

    def spots(self, filter: SpotFilter | None = None) -> list[SpotSummary]:
        """Spots matching the filter, highest priority (YXJ 1) first, then by spot number."""
        where: list[str] = []
        params: list[Any] = []
        wanted = filter or SpotFilter()
        for value, column in (
            (wanted.batch, f"b.{ls.C_BATCH_NAME}"),
            (wanted.town, f's."{TOWN_NAME}"'),
            (wanted.office, f's."{OFFICE_NAME}"'),
            (wanted.suggested, f's."{SUGGESTED_VERDICT}"'),
        ):
            if value is not None:
                where.append(f"{column} = {self._MARK}")
                params.append(value)
        if wanted.status is not None:
            if wanted.status not in ls.SPOT_STATUSES:
                raise ValueError(f"unknown spot status {wanted.status!r}: {ls.SPOT_STATUSES}")
            where.append(
                f"v.{ls.C_ID} IS {'NOT ' if wanted.status == ls.STATUS_VERIFIED else ''}NULL"
            )
        if wanted.flag is not None:
            # Column names cannot be bound parameters: only the known flag columns are allowed.
            if wanted.flag not in ls.SPOT_FLAG_COLUMNS:
                raise ValueError(f"unknown flag field {wanted.flag!r}: {ls.SPOT_FLAG_COLUMNS}")
            where.append(f's."{wanted.flag}" {self._TRUE}')
        sql = self._SUMMARY_SQL + self._SUMMARY_FROM
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += (
            f' ORDER BY s."{REVIEW_PRIORITY}" IS NULL, s."{REVIEW_PRIORITY}", '
            f's."{SPOT_NUMBER}"{self._COLLATE}, b.{ls.C_BATCH_NAME}{self._COLLATE}'
        )
        return [self._summary(row) for row in self._rows(sql, params)]

    def spot(self, spot_id: int) -> Spot:
        row = self._row(
            self._SUMMARY_SQL
            + f", {self._geometry_column(f's.{ls.C_GEOM}')}, s.{ls.C_ATTRIBUTES}, "
            + f"s.{ls.C_IMPORTED_AT}, s.{ls.C_UPDATED_AT}"
            + f", (SELECT COUNT(*) FROM {ls.T_VERDICTS} n WHERE n.{ls.C_SPOT_ID} = s.{ls.C_FID})"
            + self._SUMMARY_FROM
            + f" WHERE s.{ls.C_FID} = {self._MARK}",
            (spot_id,),
        )
        if row is None:
            raise LedgerError(
                f"台帐中没有图斑{self._UNSEEN_ZH}/ no spot with id {spot_id} in {self.path}"
                + self._UNSEEN_EN
            )
        summary = self._summary(row)
        attributes = json.loads(row[13])
        return Spot(
            **summary.__dict__,
            geometry=self._to_geometry(row[12]),
            attributes=attributes,
            imported_at=row[14],
            updated_at=row[15],
            version=spot_version(int(row[16]), spot_refreshes(attributes)),
        )

    def batches(self) -> list[BatchSummary]:
        sql = f"""
            SELECT b.{ls.C_ID}, b.{ls.C_BATCH_NAME}, b.{ls.C_BATCH_SOURCE}, b.{ls.C_IMPORTED_AT},
                   b.{ls.C_UPDATED_AT},
                   (SELECT COUNT(*) FROM {ls.T_SPOTS} s WHERE s.{ls.C_BATCH_ID} = b.{ls.C_ID}),
                   (SELECT COUNT(*) FROM {ls.T_SPOTS} s WHERE s.{ls.C_BATCH_ID} = b.{ls.C_ID}
                      AND EXISTS (SELECT 1 FROM {ls.T_VERDICTS} v
                                  WHERE v.{ls.C_SPOT_ID} = s.{ls.C_FID}))
            FROM {ls.T_BATCHES} b ORDER BY b.{ls.C_IMPORTED_AT}{self._COLLATE}, b.{ls.C_ID}"""
        return [BatchSummary(*row) for row in self._rows(sql)]

    def counts(self, batch: str | None = None) -> tuple[int, int]:
        """(verified spots, all spots), of one batch or of the whole ledger."""
        sql = (
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM {ls.T_VERDICTS} v "
            f"WHERE v.{ls.C_SPOT_ID} = s.{ls.C_FID}) THEN 1 ELSE 0 END), 0) FROM {ls.T_SPOTS} s "
            f"JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}"
        )
        params: tuple = ()
        if batch is not None:
            sql += f" WHERE b.{ls.C_BATCH_NAME} = {self._MARK}"
            params = (batch,)
        total, verified = self._row(sql, params)
        return int(verified), int(total)

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

    def record_verdict(
        self, spot_id: int, verdict: Verdict, expected_version: int | None = None
    ) -> int:
        """Append a verdict (a correction is a new record); refused with VerdictError if invalid.

        With expected_version (Spot.version as read), a spot saved by someone else or changed
        by a re-delivery since then refuses the save with ConflictError.
        """
        spot = self.spot(spot_id)
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
        with self.transaction():
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
        columns = (
            self._date_column(c) if c == ls.C_VERIFIED_ON else c for c in self._VERDICT_COLUMNS
        )
        rows = self._rows(
            f"SELECT {', '.join(columns)} FROM {ls.T_VERDICTS} "
            f"WHERE {ls.C_SPOT_ID} = {self._MARK} ORDER BY {ls.C_ID}",
            (spot_id,),
        )
        return [verdict_from_row(row) for row in rows]

    def current_verdict(self, spot_id: int) -> Verdict | None:
        history = self.verdict_history(spot_id)
        return history[-1] if history else None

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

    def add_evidence(self, spot_id: int, record: EvidenceRecord) -> int:
        """Record a file already stored in the evidence folder (evidence.store_evidence_file)."""
        self.spot(spot_id)  # raises for an unknown spot
        relative, digest = vetted_evidence(record)
        with self.transaction():
            self._lock_spot(spot_id)  # two sessions adding the same file: one row
            mark = self._MARK
            twin = self._row(
                f"SELECT {ls.C_PATH} FROM {ls.T_EVIDENCE} "
                f"WHERE {ls.C_SPOT_ID} = {mark} AND {ls.C_SHA256} = {mark}",
                (spot_id, digest),
            )
            if twin is not None:
                # The same file again (dropped twice, say): a second row could never be taken
                # back from the append-only table, and would count twice.
                raise LedgerError(
                    f"该文件已作为此图斑的证据登记：{twin[0]} / this file is already recorded "
                    f"as evidence of the spot: {twin[0]}"
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
        sql = f"SELECT {', '.join(self._EVIDENCE_COLUMNS)} FROM {ls.T_EVIDENCE}"
        params: tuple = ()
        if spot_id is not None:
            sql += f" WHERE {ls.C_SPOT_ID} = {self._MARK}"
            params = (spot_id,)
        return [
            EvidenceRecord(
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
            for row in self._rows(sql + f" ORDER BY {ls.C_ID}", params)
        ]

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
            self._insert_event(case_id, event)
            self._touch(ls.T_CASES)
        return str(case_id)

    def _insert_event(self, case_id: int, event: CaseEvent) -> int:
        return int(
            self._insert(
                ls.T_CASE_EVENTS,
                self._EVENT_COLUMNS[1:],
                (
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
                ),
                ls.C_ID,
            )
        )

    def add_case_event(self, case_id: str | int, event: CaseEvent) -> int:
        """Append ``event`` to a case; cases.ProcedureError (nothing written) if impossible.

        The case is replayed from its stored events and the new one applied through Case.apply
        inside the same write transaction (under a lock of the case), so two sessions cannot both
        append a step that is only valid without the other's.
        """
        if event.date > dt.date.today():
            # A step dated ahead would stand before every real one: later steps could no
            # longer be recorded, as events cannot go back in time.
            raise CaseError(
                f"“{event.stage.label_zh}”的日期 {event.date} 晚于今天 / the {event.stage.value} "
                f"date {event.date} is in the future"
            )
        with self.transaction():
            number = self._case_number(case_id)
            self._lock_case(number)
            self._case_records([number])[0].case.apply(event)
            event_id = self._insert_event(number, event)
            self._touch(ls.T_CASE_EVENTS)
        return event_id

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
        sql = f"SELECT {ls.C_ID} FROM {ls.T_CASES}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        ids = [row[0] for row in self._rows(sql + f" ORDER BY {ls.C_ID}", params)]
        unreadable: list[str] = []
        records = self._case_records(ids, unreadable)
        self.unreadable_cases = unreadable
        if wanted.stage is not None:
            stage = Stage(wanted.stage)
            records = [r for r in records if r.case.stage is stage]
        if wanted.closed is not None:
            records = [r for r in records if r.case.closed == wanted.closed]
        return records

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
        case_columns = (
            self._date_column(f"c.{c}") if c == ls.C_OPENED_AT else f"c.{c}"
            for c in self._CASE_COLUMNS
        )
        in_cases, params = self._in(f"c.{ls.C_ID}", ids)
        rows = self._rows(
            f'SELECT {", ".join(case_columns)}, s."{SPOT_NUMBER}" '
            f"FROM {ls.T_CASES} c LEFT JOIN {ls.T_SPOTS} s ON s.{ls.C_FID} = c.{ls.C_SPOT_ID} "
            f"WHERE {in_cases} ORDER BY c.{ls.C_ID}",
            params,
        )
        event_columns = (self._date_column(c) if c == ls.C_DATE else c for c in self._EVENT_COLUMNS)
        in_cases, params = self._in(ls.C_CASE_ID, ids)
        events: dict[int, list[Sequence]] = {}
        for row in self._rows(
            f"SELECT {', '.join(event_columns)} FROM {ls.T_CASE_EVENTS} "
            f"WHERE {in_cases} ORDER BY {ls.C_ID}",
            params,
        ):
            events.setdefault(row[1], []).append(row)
        records = []
        for row in rows:
            try:
                records.append(self._case_record(row, events.get(row[0], [])))
            except LedgerError as error:
                if unreadable is None:
                    raise
                unreadable.append(str(error))
        return records

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
            f"案件 {row[0]} 的记录无法读取（{zh}），请执法监察大队核查 / case {row[0]} in "
            f"{self.path} cannot be read ({en}): ask the brigade to check its records"
        )

    # --- patrols (schema version 3) ------------------------------------------------------------
    _PATROL_COLUMNS = (
        ls.C_FID,
        ls.C_GEOM,
        ls.C_PATROL_NUMBER,
        ls.C_OFFICE,
        ls.C_DATE,
        ls.C_STAFF,
        ls.C_FINDINGS,
        ls.C_SPOT_NUMBERS,
        ls.C_CASE_IDS,
        ls.C_EVIDENCE_IDS,
        ls.C_RECORDED_AT,
    )

    def add_patrol(self, record: PatrolRecord) -> int:
        """Append a patrol record with its route (EPSG:4527); returns its feature id."""
        if not isinstance(record, PatrolRecord):
            raise TypeError("add_patrol takes a patrols.PatrolRecord")
        if record.date > dt.date.today():
            # Patrols are append-only: a typo ahead would count towards weeks not yet come.
            raise LedgerError(
                f"巡查日期 {record.date} 晚于今天 / the patrol date {record.date} is in the future"
            )
        route = record.route_geometry()
        if isinstance(route, LineString):
            route = MultiLineString([route])
        with self.transaction():
            if self._row(
                f"SELECT 1 FROM {ls.T_PATROLS} WHERE {ls.C_PATROL_NUMBER} = {self._MARK}",
                (record.id,),
            ):
                raise self._patrol_exists(record.id)
            fid = self._insert(
                ls.T_PATROLS,
                self._PATROL_COLUMNS[1:],
                (
                    self._from_geometry(route),
                    record.id,
                    record.office,
                    record.date.isoformat(),
                    json.dumps(list(record.staff), ensure_ascii=False),
                    record.findings or "",
                    json.dumps(list(record.spot_numbers), ensure_ascii=False),
                    json.dumps(list(record.case_ids), ensure_ascii=False),
                    json.dumps(list(record.evidence_ids), ensure_ascii=False),
                    utc_now(),
                ),
                ls.C_FID,
            )
            if route is not None and not route.is_empty:
                self._widen_extent(ls.T_PATROLS, route.bounds)
            self._touch(ls.T_PATROLS)
        return int(fid)

    def _patrol_exists(self, number: str) -> LedgerError:
        return LedgerError(
            f"巡查编号 {number} 已存在{self._UNSEEN_ZH}/ patrol {number} is already in the "
            f"ledger{self._UNSEEN_EN} (records are never changed: give a correction its own id)"
        )

    def known_offices(self) -> set[str]:
        """The offices the ledger knows: those of its spots and its patrols, and any set up
        in it with no records yet (:meth:`configured_offices`)."""
        spots = {spot.office for spot in self.spots() if spot.office}
        return spots | {record.office for record in self.patrols()} | self.configured_offices()

    def configured_offices(self) -> set[str]:
        """Offices set up in the ledger itself, records or not; a GeoPackage sets up none:
        its offices are those its spots and patrols name."""
        return set()

    def patrols(
        self,
        office: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        patrol_ids: Sequence[str] | None = None,
    ) -> list[PatrolRecord]:
        """Patrols of one office (or all), dated within [start, end], by date then id."""
        mark = self._MARK
        where: list[str] = []
        params: list[Any] = []
        if office is not None:
            where.append(f"{ls.C_OFFICE} = {mark}")
            params.append(office)
        if start is not None:
            where.append(f"{ls.C_DATE} >= {mark}")
            params.append(start.isoformat())
        if end is not None:
            where.append(f"{ls.C_DATE} <= {mark}")
            params.append(end.isoformat())
        if patrol_ids is not None:
            condition, ids = self._in(ls.C_PATROL_NUMBER, list(patrol_ids))
            where.append(condition)
            params.extend(ids)
        columns = (
            self._geometry_column(c)
            if c == ls.C_GEOM
            else self._date_column(c)
            if c == ls.C_DATE
            else c
            for c in self._PATROL_COLUMNS
        )
        sql = f"SELECT {', '.join(columns)} FROM {ls.T_PATROLS}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {ls.C_DATE}, {ls.C_PATROL_NUMBER}{self._COLLATE}"
        return [
            PatrolRecord(
                id=row[2],
                office=row[3],
                date=dt.date.fromisoformat(row[4]),
                staff=json.loads(row[5]),
                route=patrol_route(self._to_geometry(row[1])),
                findings=row[6],
                spot_numbers=json.loads(row[7]),
                case_ids=json.loads(row[8]),
                evidence_ids=json.loads(row[9]),
            )
            for row in self._rows(sql, params)
        ]

    # --- settings (schema version 3) -------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """Every setting, key -> value (decoded JSON)."""
        return {
            key: json.loads(value)
            for key, value in self._rows(
                f"SELECT {ls.C_KEY}, {ls.C_VALUE} FROM {ls.T_SETTINGS} "
                f"ORDER BY {ls.C_KEY}{self._COLLATE}"
            )
        }

    def work_calendar(self, *, strict: bool = True) -> workdays.WorkCalendar:
        """The working days this ledger counts deadlines in: the bureau's holiday file beside
        a GeoPackage (see workdays.WorkCalendar.for_ledger)."""
        return workdays.WorkCalendar.for_ledger(self.path, strict=strict)

    def deadline_rules(self) -> dl.DeadlineRules:
        """The legal deadlines with the bureau's overrides stored in this ledger, if any."""
        return dl.rules_from_dict(
            self.settings().get(ls.SETTING_DEADLINE_RULES), f"{self.path}: {ls.T_SETTINGS}"
        )

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (JSON); the known ones are checked first, None removes a setting."""
        text = setting_text(key, value, f"{self.path}: {ls.T_SETTINGS}")
        with self.transaction():
            if text is None:
                self._run(f"DELETE FROM {ls.T_SETTINGS} WHERE {ls.C_KEY} = {self._MARK}", (key,))
            else:
                self._put_setting(key, text)
            self._touch(ls.T_SETTINGS)
