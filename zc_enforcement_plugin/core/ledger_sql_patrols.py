"""SqlPatrolsMixin: patrol records with their routes, appended and read back, and the offices
a ledger knows.

Mixed into SqlLedger (ledger_sql) for the base's inserts and geometry hooks, so that the file
and the shared ledger keep patrols by one piece of code."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from shapely.geometry import LineString, MultiLineString

from . import clock
from . import ledger_schema as ls
from .ledger_delivery import patrol_route
from .ledger_records import LedgerError, office_aliases_in
from .ledger_rows import beijing_time, utc_now
from .patrols import PatrolRecord, PatrolWithdrawal


class SqlPatrolsMixin:
    # Relies on SqlLedger: transaction, _row, _rows, _insert, _in, _MARK, _COLLATE,
    # _UNSEEN_ZH/_EN, _geometry_column, _date_column, _to_geometry, _from_geometry, _touch,
    # _widen_extent; and on spots (SqlSpotsMixin).

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
        if record.date > clock.today():
            # Patrols are append-only: a typo ahead would count towards weeks not yet come.
            raise LedgerError(
                f"巡查日期 {record.date} 晚于今天 / the patrol date {record.date} is in the future"
            )
        route = record.route_geometry()
        if isinstance(route, LineString):
            route = MultiLineString([route])
        with self.transaction():
            self._hold_patrolled_spots(shared=True)  # not while a withdrawal checks for it
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
        in it with no records yet (:meth:`configured_offices`), each renamed one by its
        current name (the setting office_aliases): its old name stays on the patrols and
        cases recorded under it for good, and was listed, and ranked, beside the new."""
        spots = {spot.office for spot in self.spots() if spot.office}
        names = spots | {record.office for record in self.patrols()} | self.configured_offices()
        aliases = office_aliases_in(self.settings())
        return {aliases.get(name, name) for name in names}

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
        include_withdrawn: bool = False,
    ) -> list[PatrolRecord]:
        """Patrols of one office (or all), dated within [start, end], by date then id; those
        withdrawn (withdraw_patrol) only with ``include_withdrawn``: nothing is to count them."""
        mark = self._MARK
        where: list[str] = []
        params: list[Any] = []
        if not include_withdrawn:
            where.append(
                f"{ls.C_PATROL_NUMBER} NOT IN (SELECT {ls.C_PATROL_NUMBER} "
                f"FROM {ls.T_PATROL_WITHDRAWALS})"
            )
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

    def withdraw_patrol(self, patrol_id: str, reason: str) -> int:
        """Withdraw a patrol recorded by mistake, saying why; returns the withdrawal's id. The
        patrol stays as recorded (append-only), and patrols() leaves it out from then on: the
        weekly check, the ranking and the assessment no longer count it, and no case is opened
        from it. A corrected patrol is recorded anew, under a number of its own.

        Refused, nothing written: no reason; a patrol the ledger does not hold (or this login
        may not see); one withdrawn already; one a case was opened from (the case rests on
        it: the ledger's own trigger refuses it too, whatever tool writes)."""
        number = (patrol_id or "").strip()
        reason = (reason or "").strip()
        if not reason:
            raise LedgerError(
                f"撤销巡查记录 {number} 须写明原因，未撤销 / withdrawing patrol {number} needs "
                "a reason: nothing was withdrawn"
            )
        mark = self._MARK
        with self.transaction():
            if not self._row(
                f"SELECT 1 FROM {ls.T_PATROLS} WHERE {ls.C_PATROL_NUMBER} = {mark}", (number,)
            ):
                unseen = self._UNSEEN_ZH.strip()  # the file's is a space, before a "/"
                raise LedgerError(
                    f"台帐中没有巡查记录 {number}{unseen}，未撤销 / no patrol {number} in the "
                    f"ledger{self._UNSEEN_EN}: nothing was withdrawn"
                )
            earlier = self._row(
                f"SELECT {ls.C_REASON}, {ls.C_RECORDED_AT} FROM {ls.T_PATROL_WITHDRAWALS} "
                f"WHERE {ls.C_PATROL_NUMBER} = {mark}",
                (number,),
            )
            if earlier:
                raise self._patrol_withdrawn_already(number, earlier[0], earlier[1])
            case = self._row(
                f"SELECT {ls.C_ID} FROM {ls.T_CASES} WHERE {ls.C_PATROL_ID} = {mark}", (number,)
            )
            if case:
                raise LedgerError(
                    f"巡查 {number} 已据以立案（案件 {case[0]}），不能撤销，未撤销 / patrol "
                    f"{number} opened case {case[0]}, which rests on it: it cannot be withdrawn, "
                    "nothing was withdrawn"
                )
            withdrawal = self._insert(
                ls.T_PATROL_WITHDRAWALS,
                (ls.C_PATROL_NUMBER, ls.C_REASON, ls.C_RECORDED_AT),
                (number, reason, utc_now()),
                ls.C_ID,
            )
            self._touch(ls.T_PATROL_WITHDRAWALS)
        return int(withdrawal)

    @staticmethod
    def _patrol_withdrawn_already(number: str, reason: str, recorded_at: str) -> LedgerError:
        return LedgerError(
            f"巡查 {number} 已于{beijing_time(recorded_at, True)} 撤销（{reason}），未再撤销 / "
            f"patrol {number} was withdrawn already, {beijing_time(recorded_at, False)} "
            f"({reason}): nothing was withdrawn"
        )

    def patrol_withdrawals(self) -> list[PatrolWithdrawal]:
        """The patrols withdrawn, in the order they were, each with its reason."""
        rows = self._rows(
            f"SELECT {ls.C_PATROL_NUMBER}, {ls.C_REASON}, {ls.C_RECORDED_AT}, {ls.C_DB_USER} "
            f"FROM {ls.T_PATROL_WITHDRAWALS} ORDER BY {ls.C_ID}"
        )
        return [PatrolWithdrawal(*row) for row in rows]
