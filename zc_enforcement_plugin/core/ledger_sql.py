"""SqlLedger: what every SQL store of the ledger does alike (GeoPackage and PostGIS differ only
in connection, placeholders, geometry and locking, which their subclasses give).

This module holds the base: the SQL primitives (transaction, _run, _rows, _insert, the dialect's
geometry, date and lock hooks) and the ledger's settings. The work by domain is in the mixins
SqlLedger is composed of, each a module to read on its own: ledger_sql_spots (import and spots),
ledger_sql_verdicts (verdicts and evidence), ledger_sql_cases and ledger_sql_patrols."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from . import deadlines as dl
from . import ledger_schema as ls
from . import workdays
from .cases import CaseEvent
from .ledger_records import (
    CaseFilter,
    LedgerError,
    SavedWithoutReply,
    SpotPage,
    Verdict,
    deadline_rules_in,
)
from .ledger_rows import Select, setting_text
from .ledger_sql_cases import SqlCasesMixin
from .ledger_sql_patrols import SqlPatrolsMixin
from .ledger_sql_spots import SqlSpotsMixin
from .ledger_sql_verdicts import SqlVerdictsMixin

# Values bound in one statement at most, when a read takes many spots (or spot numbers) at
# once or a write many rows (an import's spots): SQLite refuses more than its limit of bound
# parameters (999 before SQLite 3.32), and a 30,000-spot list would otherwise be one statement
# the server must take in, parse and plan whole. See SqlLedger._rows_per_statement for writes.
VALUES_PER_STATEMENT = 500


class SqlLedger(SqlSpotsMixin, SqlVerdictsMixin, SqlCasesMixin, SqlPatrolsMixin):
    """The LedgerStore methods over ledger_schema's tables that do not depend on the database.

    A subclass supplies the dialect through the hooks below (parameter marks, geometry in and
    out, text ordering, locks) and its own connection, transactions and the few saves that
    differ; the queries' logic, the rows' meaning and the checks live here once.
    """

    path: Any
    # What the last cases() left out, one message per case that could not be read.
    unreadable_cases: Sequence[str] = ()
    # What the last verdict_histories() left out, one message per spot whose verdicts could not
    # be read (its verdict is left out; the spot is not).
    unreadable_verdicts: Sequence[str] = ()
    # Whether this ledger shows the rows of every office: a file holds all it holds, while a
    # shared ledger's office login sees only its own offices' rows (row security), and a report
    # comparing offices or totalling the district must not be read through it.
    sees_every_office: bool = True
    # What opening the ledger did that its user must hear of (GeoPackageLedger has some).
    opening_notices: Sequence[str] = ()
    # Test hook: called with the row number after each spot row an import has taken in (its
    # lock taken and its judged state read, if refreshed). Rows are written a statement per
    # _rows_per_statement rows, as soon as that many are taken: row n's own write may follow.
    _after_row_hook: Callable[[int], None] | None = None

    def file_changed(self) -> str | None:
        return None  # a ledger on a server has no file to be moved (GeoPackageLedger has)

    _MARK = "?"  # a bound parameter
    _GEOMETRY_MARK = "?"  # a bound geometry parameter
    _TRUE = "= 1"  # a flag column is set
    _COLLATE = ""  # after a text sort key: the byte order SQLite sorts by
    _FOR_UPDATE = ""  # after the select of a batch being refreshed
    # A spot number ({} the column) holds a character outside printable ASCII ('!'..'~'): one
    # only number_compared reads as spots are told apart (see SqlSpotsMixin._numbered).
    _SPELLED_OTHERWISE = "{} GLOB '*[^!-~]*'"
    # What a row not found may also mean in this store (row security), in messages.
    _UNSEEN_ZH = " "
    _UNSEEN_EN = ""

    _depth = 0  # how many transactions are open, the outermost and its savepoints

    def _awaiting_batch(self) -> contextlib.AbstractContextManager[None]:
        """Around an import's statements that wait for another import of the same batch (the
        select of its row FOR UPDATE, the insert of a new batch's name): imports of a batch
        take turns, however long the one before runs. Nothing to do in a GeoPackage, whose
        BEGIN IMMEDIATE already made the import wait its turn."""
        return contextlib.nullcontext()

    def one_moment(self) -> contextlib.AbstractContextManager[None]:
        """Around reads that must agree with each other: one moment of the ledger
        (PostGISLedger: one snapshot). Nothing in a GeoPackage: a write there holds the file
        for as long as it runs, and a transaction held over an export's reads would stop the
        dock's saves meanwhile."""
        return contextlib.nullcontext()

    def _hold_new_batches(self) -> None:
        """Before an import of a new batch asks which of its numbers other batches hold: one
        such import at a time (PostGISLedger). Nothing in a GeoPackage, whose BEGIN IMMEDIATE
        already made the import wait its turn."""

    def _hold_patrolled_spots(self, shared: bool) -> None:
        """Before a patrol is recorded (``shared``) or a withdrawal checks for patrols naming
        its spots: the two take turns (PostGISLedger). Nothing in a GeoPackage (BEGIN
        IMMEDIATE)."""

    def cancellable(
        self, is_cancelled: Callable[[], bool] | None, cancelled: type[Exception]
    ) -> contextlib.AbstractContextManager[None]:
        """Around long work (an import, a withdrawal, a report's reads) that asks
        ``is_cancelled`` between its steps: a store whose statements may wait long (on the
        network, on another session's lock) also ends the statement in flight once it says
        yes, the work then raising ``cancelled()``. Nothing more in a GeoPackage, whose
        statements run on this machine."""
        return contextlib.nullcontext()

    def settle_unconfirmed(self) -> tuple[str, bool] | None:
        """What became of a save left in doubt, once the server can be asked (PostGISLedger):
        a save into a file is never left in doubt."""
        return None

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

    def _in_chunks(self, column: str, values: Sequence) -> Iterator[tuple[str, list]]:
        """(condition, parameters) of _in for VALUES_PER_STATEMENT of ``values`` at a time, each
        value once: a read of many spots takes a statement per chunk, not one per spot."""
        for chunk in self._chunks(values):
            yield self._in(column, chunk)

    @staticmethod
    def _chunks(values: Sequence) -> Iterator[list]:
        """``values``, each once, VALUES_PER_STATEMENT at a time."""
        distinct = list(dict.fromkeys(values))
        for start in range(0, len(distinct), VALUES_PER_STATEMENT):
            yield distinct[start : start + VALUES_PER_STATEMENT]

    def _rows_per_statement(self, width: int) -> int:
        """How many rows of ``width`` values one multi-row write (_write_rows) sends: as many as
        keep its bound parameters within VALUES_PER_STATEMENT, SQLite's cap (at least one)."""
        return max(1, VALUES_PER_STATEMENT // width)

    def _refuses_row(self, error: BaseException) -> bool:
        """Whether ``error`` is the database refusing a row's values (a CHECK, NOT NULL, a
        unique key, a value of the wrong type), which one row of a multi-row write caused; not
        a lost connection or a lock, which no row did."""
        return False

    def _write_rows(
        self,
        statement: tuple[str, str],
        row_marks: str,
        rows: Sequence[Sequence],
        names: Sequence[str],
    ) -> None:
        """Write ``rows`` with ``statement`` (what comes before and after its VALUES list),
        the list holding ``row_marks`` per row: a statement per _rows_per_statement rows, not a
        round trip to the server per row. Each statement is all or nothing, as the rows one by
        one were in the caller's transaction: a row the database refuses refuses the write,
        with a LedgerError naming it by ``names`` (a spot's number; found by _refused_row).
        Run inside transaction(): the caller's transaction is what is undone."""
        if not rows:
            return
        width = len(rows[0])
        size = self._rows_per_statement(width)
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            error = self._refusal(statement, row_marks, chunk)
            if error is None:
                continue
            at = self._refused_row(statement, row_marks, chunk)
            name = names[start + (0 if at is None else at[0])]
            if at is None:  # no row alone refused: said of the statement's rows
                name = f"{name} … {names[start + len(chunk) - 1]}"
            raise self._row_refused(name, error if at is None else at[1]) from error

    def _refusal(
        self, statement: tuple[str, str], row_marks: str, rows: Sequence[Sequence]
    ) -> BaseException | None:
        """Write ``rows`` in a savepoint of their own: None when they go in (kept), else the
        database's refusal of a row's values, the savepoint undone, so the transaction goes on
        and the refused row can be looked for. Any other error (a lost connection) is raised."""
        try:
            with self.transaction():
                self._write_chunk(statement, row_marks, rows)
        except Exception as error:
            if not self._refuses_row(error):
                raise
            return error
        return None

    def _row_refused(self, name: str, error: BaseException) -> LedgerError:
        """The refusal of a spot's row (``name`` its number) by the database, in words: the
        database's own first line (a CHECK's name, the column), without PostgreSQL's DETAIL
        that follows, the whole row attributes and all."""
        lines = str(error).strip().splitlines()
        said = lines[0] if lines else type(error).__name__
        return LedgerError(
            f"图斑 {name} 被数据库拒绝（{said}），本次导入未写入任何内容 / spot {name} was "
            f"refused by the database ({said}): nothing of this import was saved ({self.path})"
        )

    def _write_chunk(
        self, statement: tuple[str, str], row_marks: str, rows: Sequence[Sequence]
    ) -> None:
        head, tail = statement
        values = ", ".join([f"({row_marks})"] * len(rows))
        self._run(f"{head} VALUES {values}{tail}", [v for row in rows for v in row])

    def _refused_row(
        self, statement: tuple[str, str], row_marks: str, rows: Sequence[Sequence]
    ) -> tuple[int, BaseException] | None:
        """(index, error) of the first of ``rows`` the database refuses, after a statement of
        them all was refused: halves written in savepoints, each half that goes in kept (a row
        may be refused for one before it, a duplicate), about 2·log2(rows) statements rather
        than one per row. None when no row is refused alone (the statement was, whole)."""
        low, high = 0, len(rows)
        while high - low > 1:
            middle = (low + high) // 2
            if self._refusal(statement, row_marks, rows[low:middle]) is None:
                low = middle
            else:
                high = middle
        error = self._refusal(statement, row_marks, rows[low:high])
        return None if error is None else (low, error)

    def _spot_ids(self, spot_ids: Sequence) -> list[int]:
        """``spot_ids`` as the integers the ledger keys spots by, each once: a result keyed by
        the ids read back must find an id given as text ("5") or a numpy integer too."""
        try:
            return list(dict.fromkeys(int(spot_id) for spot_id in spot_ids))
        except (TypeError, ValueError):
            raise LedgerError(
                f"图斑编号（id）须为整数 / spot ids must be integers, got {list(spot_ids)[:20]!r}"
            ) from None

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

    def _index_spot_numbers(self) -> None:
        """Make the indexes of an import's look-up of spot numbers where they are missing
        (ledger_schema.number_lookup_indexes), inside the import's transaction: a file gets them
        at its first import by this version, since opening it never writes."""
        for statement in ls.number_lookup_indexes(self._SPELLED_OTHERWISE):
            self._run(statement)

    def _index_evidence(self) -> None:
        """Make the index of an attach's look-up by hash where it is missing
        (ledger_schema.EVIDENCE_SHA256_INDEX_SQL), inside the attach's transaction."""
        self._run(ls.EVIDENCE_SHA256_INDEX_SQL)

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

    def _keep_case_conflict(
        self, case_id: int, seen: int, last_record: int | None, refused: CaseEvent
    ) -> None:
        """Keep a case step or correction refused as a conflict (CaseConflictError): made on
        the case as of its row `seen`, the case's last row being `last_record`."""

    @contextlib.contextmanager
    def _keeping_refusal(self, refusal: Callable[[], LedgerError | None]) -> Iterator[None]:
        """Around a save's transaction that may only keep a refused save (a verdict or case
        step refused as a conflict; refusal() says which, once it is over): its commit's reply
        lost, the server found it committed (SavedWithoutReply) — what it committed is the
        refusal's record, not the save, so the refusal is raised, never "saved"."""
        try:
            yield
        except SavedWithoutReply:
            refused = refusal()
            if refused is None:
                raise
            raise refused from None

    def _put_setting(self, key: str, text: str) -> None:
        raise NotImplementedError

    def _mapped_towns(self) -> set[str] | None:
        """The towns some office is set up for, where a store gives offices their towns (a
        spot in no such town is seen by no office); None where it does not."""
        return None

    # --- settings (schema version 3) -------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """Every setting, key -> value (decoded JSON)."""
        return self._settings_from(self._rows(self._settings_select().sql()))

    def _settings_select(self) -> Select:
        return Select((ls.C_KEY, ls.C_VALUE), f"FROM {ls.T_SETTINGS}", f"{ls.C_KEY}{self._COLLATE}")

    @staticmethod
    def _settings_from(rows: Sequence[Sequence]) -> dict[str, Any]:
        return {key: json.loads(value) for key, value in rows}

    def work_calendar(self, *, strict: bool = True) -> workdays.WorkCalendar:
        """The working days this ledger counts deadlines in: the bureau's holiday file beside
        a GeoPackage (see workdays.WorkCalendar.for_ledger)."""
        return workdays.WorkCalendar.for_ledger(self.path, strict=strict)

    def deadline_rules(self) -> dl.DeadlineRules:
        """The legal deadlines with the bureau's overrides stored in this ledger, if any."""
        return deadline_rules_in(self.settings(), self.path)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (JSON); the known ones are checked first, None removes a setting."""
        text = setting_text(key, value, f"{self.path}: {ls.T_SETTINGS}")
        with self.transaction():
            if text is None:
                self._run(f"DELETE FROM {ls.T_SETTINGS} WHERE {ls.C_KEY} = {self._MARK}", (key,))
            else:
                self._put_setting(key, text)
            self._touch(ls.T_SETTINGS)

    # --- the dock's page of a spot ---------------------------------------------------------------
    def spot_page(self, spot_id: int) -> SpotPage:
        """What the verification dock shows of a spot: the spot, its verdicts, its case, its
        evidence and the settings its deadlines come from. Read here a query at a time, which
        costs a file nothing; the shared ledger reads it in one statement (PostGISLedger), and
        must read the same. LedgerError for a spot the ledger does not hold, or one of its
        verdicts that cannot be read (as verdict_history)."""
        spot_id = self._spot_ids([spot_id])[0]
        spot = self.spot(spot_id)
        history = self.verdict_history(spot_id)
        found = self.cases(CaseFilter(spot_id=spot_id))
        return SpotPage(
            spot=spot,
            history=history,
            case=found[0] if found else None,
            unreadable_cases=list(self.unreadable_cases),
            evidence=self.evidence(spot_id),
            evidence_dir=self.evidence_dir,
            settings=self.settings(),
            where=str(self.path),
        )
