"""SqlSpotsMixin, the spot half of SqlLedger: importing a delivered batch (refreshing it on a
re-delivery) and reading spots, batches and counts back.

A mixin rather than a store of its own: its queries run through SqlLedger's primitives and
dialect hooks (ledger_sql), so one copy serves the GeoPackage and the PostGIS ledger alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from . import clock
from . import ledger_schema as ls
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
    first_of,
)
from .ledger_delivery import (
    FIGURE_COLUMNS,
    Recorded,
    Vetted,
    keep_recorded,
    match_recorded_spellings,
    number_compared,
    refresh_changes,
    refuse_lost_zeros,
    refuse_new_batch_of_held_spots,
    refuse_other_delivery,
    refuse_rescreened,
    refuse_utf8_read_as_gbk,
    results_in_full,
    say_changes,
    vet_spots,
    warn_held_elsewhere,
    warn_kept_spots,
    warn_numeric_numbers,
    warn_spots_of_other_counties,
    warn_unmapped_town,
)
from .ledger_records import (
    BatchSummary,
    ImportCancelled,
    ImportReport,
    LedgerError,
    SavedWithoutReply,
    Spot,
    SpotFilter,
    SpotRecord,
    SpotSummary,
    WithdrawCancelled,
    saved_result,
)
from .ledger_rows import (
    spot_refreshes,
    spot_version,
    utc_now,
)
from .progress import Reporter


class SqlSpotsMixin:
    # Relies on SqlLedger: transaction, _run, _row, _rows, _insert, _in, _MARK,
    # _GEOMETRY_MARK, _TRUE, _COLLATE, _FOR_UPDATE, _UNSEEN_ZH/_EN, path, _after_row_hook,
    # _geometry_column, _to_geometry, _from_geometry, _figure, _touch, _update_extent,
    # _lock_spot, _mapped_towns, _rows_per_statement, _write_rows, _refuses_row, _row_refused.

    # --- import --------------------------------------------------------------------------------
    def import_batch(
        self,
        batch_name: str,
        spots: Sequence[SpotRecord],
        source: str | None = None,
        repeat_spots: bool = False,
        progress: Callable[[float], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
        add_to_batch: bool = False,
    ) -> ImportReport:
        """Add a batch, or refresh it when it is already in the ledger.

        Refreshing rewrites geometry, delivered fields and screening figures of the spots the
        delivery carries; verdicts and evidence are never touched, and spots the delivery no
        longer carries stay (with a warning). What the delivery does not carry never blanks
        what the ledger holds: a field it does not have (a raw delivery's missing figures, the
        town and office when no towns layer was given) and a spot without geometry keep the
        recorded value, with a warning naming the spot and the fields (see keep_recorded).
        Refused spots are reported and not imported. A new batch most of whose spots another
        batch already holds is refused as a whole (a re-delivery under another name), unless
        repeat_spots says it is meant (see refuse_new_batch_of_held_spots); so is a refresh
        none of whose spots the batch holds (another delivery under its name), unless
        add_to_batch says it is a further part of the batch (see refuse_other_delivery).

        ``progress`` is told the share written (0..100, as QgsFeedback.setProgress takes it)
        and ``is_cancelled`` asked before each spot is written: cancelled, the whole import
        is rolled back and ImportCancelled raised, the ledger exactly as before it. Half a
        delivery would be a batch that looks imported and lacks spots no one then checks.
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
        spots = results_in_full(spots)
        refuse_rescreened(spots, source or name)
        refuse_utf8_read_as_gbk(spots, source or name)
        report = ImportReport(batch=name)
        warn_numeric_numbers(spots, source or name, report)
        written = Reporter(progress, is_cancelled, ImportCancelled)
        rows = vet_spots(spots, report)
        warn_spots_of_other_counties(rows, source or name, report)
        now = utc_now()
        mark = self._MARK
        # A commit whose reply was lost keeps the report: only this import knows what it
        # refused and warned of.
        with saved_result(report), self.transaction():
            with self._awaiting_batch():
                row = self._row(
                    f"SELECT {ls.C_ID}, {ls.C_BATCH_SOURCE} FROM {ls.T_BATCHES} "
                    f"WHERE {ls.C_BATCH_NAME} = {mark}" + self._FOR_UPDATE,
                    (name,),
                )
            existing = self._recorded_spots(row[0]) if row is not None else {}
            rows = match_recorded_spellings(rows, existing, report)
            if row is not None and not add_to_batch:  # before anything is written
                refuse_other_delivery(name, spots, existing, source or name, row[1])
            rows = refuse_lost_zeros(rows, existing, report)
            if not rows:  # every spot refused: no empty batch left, the recorded one untouched
                return report
            self._index_spot_numbers()  # undone with the import, if it is refused
            if row is None:
                self._hold_new_batches()  # another new batch's spots are seen, not missed
            # Said once, when a number comes into the batch, not again at each refresh.
            held, held_sources = self._held_elsewhere(
                name, [r.key for r in rows if r.key not in existing]
            )
            if row is None and not repeat_spots:  # before anything is written
                refuse_new_batch_of_held_spots(
                    name, rows, held, held_sources, source or name, self._outlines_in
                )
            if row is None:
                with self._awaiting_batch():  # the same new batch's insert, by another import
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
            warn_held_elsewhere(held, report)
            data_columns = [ls.C_GEOM, *FIGURE_COLUMNS, ls.C_ATTRIBUTES, ls.C_UPDATED_AT]
            insert_columns = [ls.C_BATCH_ID, ls.C_SPOT_NUMBER, *data_columns, ls.C_IMPORTED_AT]
            insert = (
                f"INSERT INTO {ls.T_SPOTS} ("
                + ", ".join(f'"{column}"' for column in insert_columns)
                + ")",
                "",
            )
            insert_marks = ", ".join(
                self._GEOMETRY_MARK if column == ls.C_GEOM else mark for column in insert_columns
            )
            # New and refreshed spots are written a statement per many rows, each kind as soon
            # as a statement's worth is taken in (see _after_row_hook).
            new: list[list] = []
            changed: list[list] = []
            changed_numbers: list[str] = []
            mapped_towns = self._mapped_towns()
            for count, vetted in enumerate(rows):
                written(count / len(rows))
                recorded = existing.get(vetted.key)
                if recorded is not None:
                    vetted = self._refreshed(vetted, recorded, report, source or name)
                if mapped_towns is not None:
                    warn_unmapped_town(report, vetted, mapped_towns)
                values = [
                    self._from_geometry(vetted.geometry),
                    *(self._figure(c, v) for c, v in zip(FIGURE_COLUMNS, vetted.figures)),
                    json.dumps(vetted.attributes, ensure_ascii=False, sort_keys=True),
                    now,
                ]
                if recorded is None:
                    new.append([batch_id, vetted.key, *values, now])
                    report.added += 1
                else:
                    changed.append([recorded.fid, *values])
                    changed_numbers.append(vetted.key)
                    report.refreshed += 1
                last = count == len(rows) - 1
                if new and (last or len(new) == self._rows_per_statement(len(insert_columns))):
                    self._write_rows(insert, insert_marks, new, [row[1] for row in new])
                    new = []
                if changed and (last or len(changed) == self._rows_per_statement(len(values))):
                    self._update_spots(data_columns, changed, changed_numbers)
                    changed, changed_numbers = [], []
                if self._after_row_hook is not None:
                    self._after_row_hook(count)
            written(1.0)  # a cancel after the last row still undoes the import, before COMMIT
            warn_kept_spots(report, rows, existing)
            self._update_extent(ls.T_SPOTS)
            self._touch(ls.T_BATCHES)
        return report

    def _update_spots(
        self, columns: Sequence[str], rows: Sequence[Sequence], numbers: Sequence[str]
    ) -> None:
        """Rewrite recorded spots: each row is the spot's fid and its values of ``columns``
        (the geometry first: a NULL one keeps the recorded, see keep_recorded); ``numbers``
        their spot numbers, for messages. A statement per
        spot here, which costs a GeoPackage no round trip (and an UPDATE … FROM a VALUES list
        needs SQLite 3.33); the shared ledger writes many at once (PostGISLedger)."""
        mark = self._MARK
        sql = (
            f"UPDATE {ls.T_SPOTS} SET "
            + f'"{ls.C_GEOM}" = COALESCE({self._GEOMETRY_MARK}, "{ls.C_GEOM}"), '
            + ", ".join(f'"{column}" = {mark}' for column in columns[1:])
            + f" WHERE {ls.C_FID} = {mark}"
        )
        for (fid, *values), number in zip(rows, numbers):
            try:
                self._run(sql, [*values, fid])
            except Exception as error:
                if not self._refuses_row(error):
                    raise
                raise self._row_refused(number, error) from error

    def _held_elsewhere(
        self, batch: str, numbers: Sequence[str]
    ) -> tuple[dict[str, dict[str, str]], dict[str, str | None]]:
        """({number: {another batch holding it: the number as that batch records it}}, {such
        a batch: its recorded source}), of the spot numbers given, leading zeros aside: the
        same spot delivered again under a new batch name would be two records judged apart
        (and counted twice), and 1 is the spot 0001 whose zeros a spreadsheet lost."""
        found: dict[str, dict[str, str]] = {}
        sources: dict[str, str | None] = {}
        columns = f"b.{ls.C_BATCH_NAME}, b.{ls.C_BATCH_SOURCE}"
        for number, recorded, other, source in self._numbered(numbers, columns, "<>", batch):
            found.setdefault(number, {}).setdefault(other, recorded)
            sources[other] = source
        return found, sources

    def _outlines_in(self, batch: str, numbers: Sequence[str]) -> dict[str, BaseGeometry | None]:
        """{number: its recorded outline} of the spots of batch ``batch`` numbered so, leading
        zeros aside."""
        geometry = self._geometry_column(f"s.{ls.C_GEOM}")
        outlines: dict[str, BaseGeometry | None] = {}
        for number, _, value in self._numbered(numbers, geometry, "=", batch):
            outlines.setdefault(number, self._to_geometry(value))
        return outlines

    def _numbered(self, numbers: Sequence[str], columns: str, batch_is: str, batch: str):
        """(number given, the number as recorded, *columns) of the spots numbered one of
        ``numbers`` as number_compared reads them (1 and 0001 are one spot, and so are a number
        and its full-width spelling an earlier version stored), in the batch named ``batch``
        (``batch_is`` "=") or in any other ("<>"), in the order of their fids.

        Neither SQLite nor PostgreSQL has NFKC or drops format characters, so the database
        only finds the candidates, and number_compared judges each: a number in printable
        ASCII is to ltrim(…, '0') what it is to number_compared (tests/test_number_lookup), so
        those are found by their numbers leading zeros aside; one spelled otherwise (full
        width, an invisible character, a space) is read whatever it is, few as they are.
        Both in one statement (per 500 numbers), through an index where the ledger has it
        (ledger_schema.number_lookup_indexes; PostgreSQL's keyed by the spelled-otherwise test,
        as row security keeps its planner from the statistics of ~), and only the candidates cross
        the network: an import into a shared ledger of 24,000 spots read every one of their
        numbers. Then ``columns`` of the matching spots by fid, a statement per chunk."""
        given: dict[str, list[str]] = {}
        for number in numbers:
            given.setdefault(number_compared(number), []).append(number)
        if not given:
            return
        spots = f"FROM {ls.T_SPOTS} s JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}"
        in_batch = f"b.{ls.C_BATCH_NAME} {batch_is} {self._MARK}"
        number = f's."{ls.C_SPOT_NUMBER}"'
        select = f"SELECT s.{ls.C_FID}, {number} {spots} WHERE "
        statements = [
            (f"{select}{condition} AND {in_batch}", [*params, batch])
            for condition, params in self._in_chunks(ls.number_unzeroed(number), list(given))
        ]
        # The numbers spelled otherwise in the last chunk's statement: a round trip fewer.
        last, params = statements.pop()
        spelled_otherwise = self._SPELLED_OTHERWISE.format(number)
        statements.append(
            (f"{last} UNION ALL {select}{spelled_otherwise} AND {in_batch}", [*params, batch])
        )
        candidates: dict[Any, str] = {}
        for sql, params in statements:
            candidates.update(self._rows(sql, params))
        matched = {
            fid: str(recorded)
            for fid, recorded in candidates.items()
            if recorded is not None and number_compared(recorded) in given
        }
        found: dict[Any, list] = {}
        for condition, params in self._in_chunks(f"s.{ls.C_FID}", list(matched)):
            for fid, *values in self._rows(
                f"SELECT s.{ls.C_FID}, {columns} {spots} WHERE {condition}", params
            ):
                found[fid] = values
        for fid in sorted(found):
            recorded = matched[fid]
            for number in given[number_compared(recorded)]:
                yield (number, recorded, *found[fid])

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
                json.loads(attributes or "{}"),
                list(rest),
                self._to_geometry(geometry),
            )
            for geometry, number, fid, attributes, *rest in rows
        }

    def _refreshed(
        self, vetted: Vetted, recorded: Recorded, report: ImportReport, where: str
    ) -> Vetted:
        """The refreshed spot (see keep_recorded; `where` names the file delivering it), what
        the refresh changes in it said and kept with it, which gives the spot a new version.

        A spot the refresh changes is locked as a verdict save locks it, and whether it has
        been judged is read under that lock, in the import's own transaction: a verdict saved
        meanwhile either came first and the report says the spot is judged, or waits for the
        import and is refused as based on the spot before the refresh (ConflictError). A spot
        the refresh leaves as it was is neither locked nor given a new version."""
        vetted = keep_recorded(vetted, recorded, report, where)
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
            "on": clock.today().isoformat(),
            "at": utc_now(),
            "changes": changes,
            "version": spot_version(int(verdicts), refreshes) + 1,
        }
        earlier = list(recorded.attributes.get(SPOT_REFRESHES) or [])
        attributes = {**vetted.attributes, SPOT_REFRESHES: [*earlier, entry]}
        return Vetted(vetted.key, vetted.geometry, attributes, vetted.figures)

    # --- withdrawing a batch imported by mistake ------------------------------------------------
    # What a spot's history is kept in, by its id: (table, in Chinese, in English). A spot named
    # in any of them is work done on it, which no withdrawal removes (the ledger's own triggers
    # refuse to delete such a spot too). The shared ledger adds its refused saves.
    _SPOT_HISTORY: tuple[tuple[str, str, str], ...] = (
        (ls.T_VERDICTS, "判定", "verdicts"),
        (ls.T_EVIDENCE, "举证材料", "evidence"),
        (ls.T_CASES, "案件", "cases"),
    )

    def withdraw_batch(
        self,
        batch_name: str,
        progress: Callable[[float], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Remove the batch ``batch_name`` imported by mistake: its spots, then the batch
        record, left empty; returns how many spots were removed.

        Refused before anything is removed when any spot of the batch has history: a verdict,
        evidence, a case (or, on the shared ledger, a refused save), or a patrol naming its
        number. The message names those spots, which stay with the whole batch. One
        transaction: ``is_cancelled`` is asked before each chunk of spots is removed, and a
        cancel (WithdrawCancelled) or a failure rolls it back, every spot still there."""
        name = (batch_name or "").strip()
        if not name:
            raise LedgerError("批次名称不能为空 / the batch name is empty")
        removed = Reporter(progress, is_cancelled, WithdrawCancelled)
        spots: dict[Any, str] = {}
        try:
            self._withdraw(name, spots, removed)
        except SavedWithoutReply as saved:
            saved.result = len(spots)  # removed: only the reply was lost
            raise
        return len(spots)

    def _withdraw(self, name: str, spots: dict[Any, str], removed: Reporter) -> None:
        """withdraw_batch's transaction; ``spots`` is filled with the batch's {id: number}."""
        mark = self._MARK
        with self.transaction():
            self._refuse_withdrawal_by_login()
            self._hold_patrolled_spots(shared=False)  # a patrol saved meanwhile is seen
            with self._awaiting_batch():  # an import of the batch finishes first, or waits
                row = self._row(
                    f"SELECT {ls.C_ID} FROM {ls.T_BATCHES} WHERE {ls.C_BATCH_NAME} = {mark}"
                    + self._FOR_UPDATE,
                    (name,),
                )
            if row is None:
                raise self._no_batch(name)
            batch_id = row[0]
            spots.update(
                self._rows(
                    f'SELECT {ls.C_FID}, "{ls.C_SPOT_NUMBER}" FROM {ls.T_SPOTS} '
                    f"WHERE {ls.C_BATCH_ID} = {mark}",
                    (batch_id,),
                )
            )
            self._refuse_withdrawing_history(name, spots)
            done = 0
            for chunk in self._chunks(list(spots)):
                removed(done / len(spots))
                condition, params = self._in(ls.C_FID, chunk)
                self._run(f"DELETE FROM {ls.T_SPOTS} WHERE {condition}", params)
                done += len(chunk)
            removed(1.0)  # a cancel after the last chunk still keeps every spot, before COMMIT
            self._run(
                f"DELETE FROM {ls.T_BATCHES} WHERE {ls.C_ID} = {mark} AND NOT EXISTS "
                f"(SELECT 1 FROM {ls.T_SPOTS} WHERE {ls.C_BATCH_ID} = {mark})",
                (batch_id, batch_id),
            )
            self._update_extent(ls.T_SPOTS)
            self._touch(ls.T_SPOTS)
            self._touch(ls.T_BATCHES)

    def _refuse_withdrawal_by_login(self) -> None:
        """Refuse a withdrawal this login may not make, before anything is read: on a file
        ledger, anyone who may write the file may."""

    def _no_batch(self, name: str) -> LedgerError:
        names = [batch.name for batch in self.batches()]
        known = first_of(names, 10, "、") if names else "—"
        return LedgerError(
            f"台帐 {self.path} 中没有批次 {name}，未删除任何内容（台帐中的批次：{known}） / "
            f"there is no batch {name} in the ledger {self.path}: nothing was removed (the "
            f"ledger's batches: {known})"
        )

    def _refuse_withdrawing_history(self, batch: str, spots: dict[Any, str]) -> None:
        """LedgerError naming the spots of ``spots`` ({id: number}) that have history, and how
        many have each kind; nothing when none has."""
        kept: dict[Any, list[int]] = {}  # spot id: the kinds of history it has, by index
        kinds = [*self._SPOT_HISTORY, (ls.T_PATROLS, "巡查记录", "patrols")]
        for index, (table, _, _) in enumerate(self._SPOT_HISTORY):
            for condition, params in self._in_chunks(ls.C_SPOT_ID, list(spots)):
                for (spot_id,) in self._rows(
                    f"SELECT DISTINCT {ls.C_SPOT_ID} FROM {table} WHERE {condition}", params
                ):
                    kept.setdefault(spot_id, []).append(index)
        # Patrols name spots by number (a JSON list), not by id: compared as imports compare
        # numbers, leading zeros aside. A number another batch holds too counts: which of the
        # two spots the patrol saw cannot be told.
        by_number: dict[str, list[Any]] = {}
        for spot_id, number in spots.items():
            by_number.setdefault(number_compared(number), []).append(spot_id)
        patrolled: set[Any] = set()
        for (text,) in self._rows(f"SELECT {ls.C_SPOT_NUMBERS} FROM {ls.T_PATROLS}"):
            for number in json.loads(text or "[]"):
                if number_compared(number):  # "" and "000" name no spot
                    patrolled.update(by_number.get(number_compared(number), ()))
        for spot_id in patrolled:
            kept.setdefault(spot_id, []).append(len(kinds) - 1)
        if not kept:
            return
        numbers = first_of(sorted(str(spots[spot_id]) for spot_id in kept), 10, "、")
        counts = [sum(index in found for found in kept.values()) for index in range(len(kinds))]
        zh = "、".join(f"{kind[1]} {n} 个" for kind, n in zip(kinds, counts) if n)
        en = ", ".join(f"{kind[2]} {n}" for kind, n in zip(kinds, counts) if n)
        raise LedgerError(
            f"批次 {batch} 中有 {len(kept)} 个图斑已有工作记录（有{zh}），不能撤回：{numbers}。"
            "未删除任何内容，整个批次保持原样。已有判定、举证材料、案件或巡查记录的图斑永久保留；"
            "如这些记录本应记在别的图斑上，请与记录人核实并更正（如录入更正判定），批次不撤回 / "
            f"{len(kept)} spots of the batch {batch} have work recorded on them (spots with "
            f"{en}) and the batch cannot be withdrawn: {numbers}. Nothing was removed; the "
            "whole batch is as it was. A spot with a verdict, evidence, a case or a patrol is "
            "kept for good: if that work belongs to other spots, check with whoever recorded "
            "it and correct it (a correcting verdict), and keep the batch"
        )

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

    # The spot columns a filter list offers, by SpotFilter's field (batch is the batches' names).
    _CHOICE_COLUMNS = {"office": OFFICE_NAME, "town": TOWN_NAME, "suggested": SUGGESTED_VERDICT}

    def filter_choices(self) -> dict[str, list[str]]:
        """The values SpotFilter's batch, office, town and suggested can take, in one statement:
        the batches' names in their order (as batches() lists them), and the distinct offices,
        towns and suggested verdicts the spots name (NULL and "" left out), sorted. Of the spots
        this login sees (row security), as spots() reads them."""
        branches = [
            f"SELECT 'batch', {ls.C_BATCH_NAME}, {ls.C_IMPORTED_AT}, {ls.C_ID} FROM {ls.T_BATCHES}"
        ]
        for name, column in self._CHOICE_COLUMNS.items():
            # Joined to the batches as spots() is: a value is offered only where it selects. The
            # NULLs typed as the batches' columns: PostgreSQL takes a bare one in a DISTINCT as
            # text, and a union of bigint and text is refused.
            branches.append(
                f"""SELECT DISTINCT '{name}', s."{column}", CAST(NULL AS text),
                CAST(NULL AS bigint) FROM {ls.T_SPOTS} s
                JOIN {ls.T_BATCHES} b ON b.{ls.C_ID} = s.{ls.C_BATCH_ID}
                WHERE s."{column}" <> ''"""
            )
        sql = " UNION ALL ".join(branches) + " ORDER BY 1, 3, 4"
        found: dict[str, list[str]] = {"batch": [], **{name: [] for name in self._CHOICE_COLUMNS}}
        for name, value, *_order in self._rows(sql):
            found[name].append(value)
        # Sorted here, not by the server: Python's order of the text, whatever its collation.
        for name in self._CHOICE_COLUMNS:
            found[name].sort()
        return found

    def spot(self, spot_id: int) -> Spot:
        # An id int() cannot read is refused, as no spot's, before int() here.
        return self.spots_by_id([spot_id])[int(spot_id)]

    def spots_by_id(self, spot_ids: Sequence[int]) -> dict[int, Spot]:
        """The spots of ``spot_ids`` whole (geometry, every field, version), by id: a statement
        per chunk of ids, so an export of thousands of spots is not a round trip to the shared
        ledger per spot. LedgerError naming an id the ledger does not hold (or, on the shared
        ledger, this login may not see)."""
        spot_ids = self._spot_ids(spot_ids)
        found: dict[int, Spot] = {}
        for condition, params in self._in_chunks(f"s.{ls.C_FID}", spot_ids):
            for row in self._rows(
                self._spot_sql() + self._SUMMARY_FROM + f" WHERE {condition}", params
            ):
                spot = self._spot_from_row(row)
                found[spot.id] = spot
        self._refuse_unseen(spot_ids, found)
        return found

    # The columns of _spot_sql: a whole spot's row is this many, what a statement selects after
    # them (PostGISLedger.spot_page) follows.
    _SPOT_WIDTH = 17

    def _spot_sql(self) -> str:
        """The select list of a whole spot (_SUMMARY_SQL and the rest, _SPOT_WIDTH columns), to
        be followed by _SUMMARY_FROM; _spot_from_row reads its rows."""
        geometry = self._geometry_column(f"s.{ls.C_GEOM}")
        verdicts = f"(SELECT COUNT(*) FROM {ls.T_VERDICTS} n WHERE n.{ls.C_SPOT_ID} = s.{ls.C_FID})"
        return (
            self._SUMMARY_SQL
            + f", {geometry}, s.{ls.C_ATTRIBUTES}, s.{ls.C_IMPORTED_AT}, s.{ls.C_UPDATED_AT}"
            + f", {verdicts}"
        )

    def _spot_from_row(self, row: Sequence) -> Spot:
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

    def spot_attributes(
        self, spot_ids: Sequence[int], names: Sequence[str] | None = None
    ) -> dict[int, dict[str, Any]]:
        """The fields of the spots of ``spot_ids`` as delivered and screened (Spot.attributes),
        by id; with ``names``, only those of them a spot has. Read a chunk of ids per
        statement, without the geometry, for a report that needs a few fields of many spots.
        LedgerError naming an id the ledger does not hold, as spots_by_id."""
        spot_ids = self._spot_ids(spot_ids)
        wanted = None if names is None else set(names)
        found: dict[int, dict[str, Any]] = {}
        for condition, params in self._in_chunks(ls.C_FID, spot_ids):
            rows = self._rows(
                f"SELECT {ls.C_FID}, {ls.C_ATTRIBUTES} FROM {ls.T_SPOTS} WHERE {condition}",
                params,
            )
            for spot_id, text in rows:
                attributes = json.loads(text)
                if wanted is not None:
                    attributes = {k: v for k, v in attributes.items() if k in wanted}
                found[spot_id] = attributes
        self._refuse_unseen(spot_ids, found)
        return found

    def _refuse_unseen(self, spot_ids: list[int], found: dict[int, Any]) -> None:
        """LedgerError naming the ids of ``spot_ids`` a read did not find."""
        missing = [spot_id for spot_id in spot_ids if spot_id not in found]
        if not missing:
            return
        named = first_of([str(spot_id) for spot_id in missing], 20, ", ")
        raise LedgerError(
            f"台帐中没有图斑{self._UNSEEN_ZH}/ no spot with id {named} in {self.path}"
            + self._UNSEEN_EN
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
