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
from .ledger_records import LedgerError, Verdict
from .ledger_rows import setting_text
from .ledger_sql_cases import SqlCasesMixin
from .ledger_sql_patrols import SqlPatrolsMixin
from .ledger_sql_spots import SqlSpotsMixin
from .ledger_sql_verdicts import SqlVerdictsMixin

# Values bound in one statement at most, when a read takes many spots (or spot numbers) at
# once: SQLite refuses more than its limit of bound parameters, and a 30,000-spot list would
# otherwise be one statement the server must take in, parse and plan whole.
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
