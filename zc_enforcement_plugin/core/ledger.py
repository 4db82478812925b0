"""The verification ledger (台帐): the SQL store every backend shares, the GeoPackage store, case
opening, vetting a delivery and validating verdicts.

Its records, errors and interface are in ledger_records (and used as ledger.X), reading
delivered spot files is in spot_files, evidence files and photo EXIF are in evidence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from . import campaigns_schema as cs
from . import deadlines as dl
from . import gpkg_geometry, workdays
from . import ledger_schema as ls
from .cases import (
    ORIGIN_PATROL,
    ORIGIN_SPOT,
    Case,
    CaseEvent,
    CaseOrigin,
    ProcedureError,
    Stage,
)
from .domain import (
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CULTIVATED_AREA,
    OFFICE_NAME,
    REVIEW_PRIORITY,
    SPOT_AREA,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_PIECES,
    SPOT_REFRESHES,
    SUGGESTED_VERDICT,
    TOWN_NAME,
    first_of,
    invalid_reason_zh,
)
from .evidence import evidence_dir_for

# The records and errors are part of the ledger's interface: callers use them as ledger.X.
from .ledger_records import (
    BatchSummary as BatchSummary,
)
from .ledger_records import (
    CaseError as CaseError,
)
from .ledger_records import (
    CaseFilter as CaseFilter,
)
from .ledger_records import (
    CaseRecord as CaseRecord,
)
from .ledger_records import (
    ConflictError as ConflictError,
)
from .ledger_records import (
    EvidenceProblem as EvidenceProblem,
)
from .ledger_records import (
    EvidenceRecord as EvidenceRecord,
)
from .ledger_records import (
    ImportIssue as ImportIssue,
)
from .ledger_records import (
    ImportReport as ImportReport,
)
from .ledger_records import (
    LedgerError as LedgerError,
)
from .ledger_records import (
    LedgerStore as LedgerStore,
)
from .ledger_records import (
    ReadReport as ReadReport,
)
from .ledger_records import (
    Spot as Spot,
)
from .ledger_records import (
    SpotFileError as SpotFileError,
)
from .ledger_records import (
    SpotFilter as SpotFilter,
)
from .ledger_records import (
    SpotRecord as SpotRecord,
)
from .ledger_records import (
    SpotSummary as SpotSummary,
)
from .ledger_records import (
    Verdict as Verdict,
)
from .ledger_records import (
    VerdictError as VerdictError,
)
from .patrols import CHINA_TIME, PatrolRecord
from .spot_files import misdecoding_reason, require_sqlite

# =================================================================================================
# GeoPackage geometry encoding
# =================================================================================================

# The blob format itself lives in gpkg_geometry; here a bad blob is a LedgerError like any other
# fault of a ledger file.


def encode_gpkg_geometry(geom: BaseGeometry | None, srs_id: int = ls.LEDGER_SRS_ID) -> bytes | None:
    return gpkg_geometry.encode(geom, srs_id)


def decode_gpkg_geometry(blob: bytes | None) -> BaseGeometry | None:
    try:
        return gpkg_geometry.decode(blob)
    except gpkg_geometry.GeometryBlobError as error:
        raise LedgerError(str(error)) from error


def _gpkg_envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) from the blob header, without parsing the WKB."""
    try:
        return gpkg_geometry.envelope(blob)
    except gpkg_geometry.GeometryBlobError as error:
        raise LedgerError(str(error)) from error


# =================================================================================================
# the GeoPackage container
# =================================================================================================


def _parse_utc(text: str) -> dt.datetime:
    """A recorded_at written by _utc_now back to an aware datetime (fromisoformat of Python 3.9
    reads no 'Z')."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def _beijing_time(text: str, zh: bool) -> str:
    """A recorded_at as people read times here, in Beijing time to the minute; text that is
    not one (copied from elsewhere) as it is."""
    try:
        moment = _parse_utc(text).astimezone(CHINA_TIME)
    except ValueError:
        return text
    return f"北京时间 {moment:%Y-%m-%d %H:%M}" if zh else f"{moment:%Y-%m-%d %H:%M} Beijing time"


def _utc_now() -> str:
    # The GeoPackage DATETIME format; UTC so records from different machines sort together.
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _srs_rows() -> list[tuple]:
    # GPKG 1.2 expects WKT1 in `definition` (WKT2 needs the crs_wkt extension); OGR and QGIS
    # match the EPSG organisation code first anyway.
    def wkt(code: int) -> str:
        return CRS.from_epsg(code).to_wkt("WKT1_GDAL")

    ledger_crs = CRS.from_epsg(ls.LEDGER_SRS_ID)
    return [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate"),
        ("WGS 84 geodetic", 4326, "EPSG", 4326, wkt(4326), "longitude/latitude WGS 84"),
        (ledger_crs.name, ls.LEDGER_SRS_ID, "EPSG", ls.LEDGER_SRS_ID, wkt(ls.LEDGER_SRS_ID), ""),
    ]


_GPKG_CORE = [
    """CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL PRIMARY KEY,
        organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL,
        definition TEXT NOT NULL,
        description TEXT)""",
    """CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY,
        data_type TEXT NOT NULL,
        identifier TEXT UNIQUE,
        description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL,
        column_name TEXT NOT NULL,
        geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL,
        m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
]


def _blob_bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    blob = bytes(blob)
    envelope = _gpkg_envelope(blob)
    if envelope is not None:
        return envelope
    geometry = decode_gpkg_geometry(blob)
    return None if geometry is None or geometry.is_empty else geometry.bounds


def union_bounds(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float, float]:
    """The (min x, min y, max x, max y) bounds that hold both."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _st_is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    blob = bytes(blob)
    _gpkg_envelope(blob)  # checks the header
    return 1 if gpkg_geometry.is_flagged_empty(blob) else int(decode_gpkg_geometry(blob).is_empty)


def _st_bound(index: int) -> Callable[[bytes | None], float | None]:
    def bound(blob: bytes | None) -> float | None:
        bounds = _blob_bounds(blob)
        return None if bounds is None else bounds[index]

    return bound


WRITE_LOCK_WAIT_SECONDS = 5.0


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: the module never opens transactions behind our back, so every
    # BEGIN IMMEDIATE ... COMMIT below is exactly one transaction.
    # A save waits this long for another session's write lock, then is refused with a message:
    # QGIS stays frozen while it waits, and saves take milliseconds.
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=WRITE_LOCK_WAIT_SECONDS)
    conn.execute("PRAGMA foreign_keys = ON")
    # When QGIS or GDAL adds a spatial index to the spots, its triggers call these functions,
    # which only GDAL defines: without them every later import would fail.
    conn.create_function("ST_IsEmpty", 1, _st_is_empty, deterministic=True)
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        conn.create_function(name, 1, _st_bound(index), deterministic=True)
    return conn


def _meta_get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute(f"SELECT value FROM {ls.T_META} WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _meta_set(conn: sqlite3.Connection, key: str, value: str) -> None:
    if conn.execute(f"UPDATE {ls.T_META} SET value = ? WHERE key = ?", (value, key)).rowcount == 0:
        conn.execute(f"INSERT INTO {ls.T_META} (key, value) VALUES (?, ?)", (key, value))


def _migrate(conn: sqlite3.Connection, from_version: int, to_version: int) -> None:
    """Run MIGRATIONS[from_version:to_version] inside the caller's transaction."""
    for version in range(from_version, to_version):
        for statement in ls.MIGRATIONS[version]:
            conn.execute(statement)
        _meta_set(conn, ls.META_SCHEMA_VERSION, str(version + 1))  # ledger_meta exists from v1


def create_ledger_file(
    path: str | os.PathLike, schema_version: int = ls.SCHEMA_VERSION, office: str | None = None
) -> None:
    """Write a new, empty ledger GeoPackage at `path` with the schema at `schema_version`.

    Older versions are for tests of the migrations; the plugin always creates the current one.
    """
    path = Path(path)
    if path.exists():
        raise LedgerError(f"台帐文件已存在 / ledger file already exists: {path}")
    conn = _connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA application_id = {ls.GPKG_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {ls.GPKG_USER_VERSION}")
        for statement in _GPKG_CORE:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
            "organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)",
            _srs_rows(),
        )
        _migrate(conn, 0, schema_version)
        if schema_version >= 1:
            _meta_set(conn, ls.META_CREATED_AT, _utc_now())
            if office:
                _meta_set(conn, ls.META_OFFICE, office)
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        path.unlink(missing_ok=True)
        raise
    conn.close()


# =================================================================================================
# what every SQL store does alike
# =================================================================================================

_DUPLICATE_NOTE = "neither copy imported"


class SqlLedger:
    """The LedgerStore methods over ledger_schema's tables that do not depend on the database.

    A subclass supplies the dialect through the hooks below (parameter marks, geometry in and
    out, text ordering, locks) and its own connection, transactions and the few saves that
    differ; the queries' logic, the rows' meaning and the checks live here once.
    """

    path: Any
    # What the last cases() left out, one message per case that could not be read.
    unreadable_cases: Sequence[str] = ()
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

    def _update_extent(self) -> None:
        """Note that the spots changed."""

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
        recorded value, with a warning naming the spot and the fields (see _keep_recorded).
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
        rows = _vet_spots(spots, report)
        now = _utc_now()
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
            _warn_other_delivery(name, rows, existing, report)
            # Said once, when a number comes into the batch, not again at each refresh.
            self._warn_numbers_in_other_batches(
                name, [r for r in rows if r.key not in existing], report
            )
            data_columns = [ls.C_GEOM, *_FIGURE_COLUMNS, ls.C_ATTRIBUTES, ls.C_UPDATED_AT]
            marks = [self._GEOMETRY_MARK, *[mark] * (len(data_columns) - 1)]
            # A NULL geometry bound on refresh keeps the recorded one (see _keep_recorded).
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
                    *(self._figure(c, v) for c, v in zip(_FIGURE_COLUMNS, vetted.figures)),
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
            self._update_extent()
            self._touch(ls.T_BATCHES)
        return report

    def _warn_numbers_in_other_batches(
        self, batch: str, rows: Sequence[_Vetted], report: ImportReport
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

    def _recorded_spots(self, batch_id: int) -> dict[str, _Recorded]:
        """The batch's spots as the ledger holds them, by spot number. (Only imports change
        these, and imports of a batch take turns: see _FOR_UPDATE. Whether a spot has been
        judged is read later, see _refreshed.)"""
        figures = ", ".join(f's."{column}"' for column in _FIGURE_COLUMNS)
        rows = self._rows(
            f"SELECT {self._geometry_column(f's.{ls.C_GEOM}')}, "
            f's."{ls.C_SPOT_NUMBER}", s.{ls.C_FID}, s.{ls.C_ATTRIBUTES}, '
            f"{figures} FROM {ls.T_SPOTS} s WHERE s.{ls.C_BATCH_ID} = {self._MARK}",
            (batch_id,),
        )
        return {
            number: _Recorded(
                fid,
                geometry is not None,
                json.loads(attributes or "{}"),
                list(rest),
                self._to_geometry(geometry),
            )
            for geometry, number, fid, attributes, *rest in rows
        }

    def _refreshed(self, vetted: _Vetted, recorded: _Recorded, report: ImportReport) -> _Vetted:
        """The refreshed spot (see _keep_recorded), what the refresh changes in it said and
        kept with it, which gives the spot a new version.

        A spot the refresh changes is locked as a verdict save locks it, and whether it has
        been judged is read under that lock, in the import's own transaction: a verdict saved
        meanwhile either came first and the report says the spot is judged, or waits for the
        import and is refused as based on the spot before the refresh (ConflictError). A spot
        the refresh leaves as it was is neither locked nor given a new version."""
        vetted = _keep_recorded(vetted, recorded, report)
        changes = _refresh_changes(recorded, vetted)
        if not changes:
            return vetted
        self._lock_spot(recorded.fid)
        mark = self._MARK
        verdicts, case_id = self._row(
            f"SELECT (SELECT COUNT(*) FROM {ls.T_VERDICTS} WHERE {ls.C_SPOT_ID} = {mark}), "
            f"(SELECT MIN({ls.C_ID}) FROM {ls.T_CASES} WHERE {ls.C_SPOT_ID} = {mark})",
            (recorded.fid, recorded.fid),
        )
        _say_changes(vetted.key, changes, bool(verdicts), case_id, report)
        refreshes = spot_refreshes(recorded.attributes)
        # Kept with the spot: the dock shows it when the spot is looked at again, and a save
        # refused for it names what changed since the version the verifier saw.
        entry = {
            "on": dt.date.today().isoformat(),
            "at": _utc_now(),
            "changes": changes,
            "version": spot_version(int(verdicts), refreshes) + 1,
        }
        earlier = list(recorded.attributes.get(SPOT_REFRESHES) or [])
        attributes = {**vetted.attributes, SPOT_REFRESHES: [*earlier, entry]}
        return _Vetted(vetted.key, vetted.geometry, attributes, vetted.figures)

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
            _as_date(verdict.verified_on).isoformat(),
            json.dumps({k: float(v) for k, v in verdict.areas.items()}, sort_keys=True),
            verdict.note or "",
            verdict.corrects,
            _utc_now(),
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
        verified = max(_as_date(verdict.verified_on), case.events[0].date)
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
                    _utc_now(),
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
                ls.T_CASES, self._CASE_COLUMNS[1:], (*opening.row(), _utc_now()), ls.C_ID
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
                    _utc_now(),
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
                    _utc_now(),
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


# =================================================================================================
# the GeoPackage ledger
# =================================================================================================


class GeoPackageLedger(SqlLedger):
    """The ledger as one GeoPackage file that QGIS and OGR open like any other.

    Each save runs in one BEGIN IMMEDIATE ... COMMIT transaction (rollback journal), so a crash
    or kill in the middle leaves the file as it was before the save; the write lock it takes
    is what serialises saves of one spot or case.
    """

    def __init__(self, path: str | os.PathLike, create: bool = True, office: str | None = None):
        self.path = Path(path)
        self._depth = 0
        if not self.path.exists():
            if not create:
                raise LedgerError(f"台帐文件不存在 / ledger file does not exist: {self.path}")
            create_ledger_file(self.path, office=office)
        elif self.path.is_dir():
            raise LedgerError(f"{self.path} 是文件夹，不是台帐 / is a folder, not a ledger")
        else:
            try:
                require_sqlite(self.path, "GeoPackage 台帐")
            except SpotFileError as exc:
                raise LedgerError(str(exc)) from None
        self._conn = _connect(self.path)
        try:
            self._open_existing()
        except BaseException:
            self._conn.close()
            raise

    # --- opening and migrating -----------------------------------------------------------------
    def _open_existing(self) -> None:
        conn = self._conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ls.T_META,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                f"台帐文件已损坏 / ledger file is damaged: {self.path}: {exc}"
            ) from exc
        if app_id != ls.GPKG_APPLICATION_ID:
            raise LedgerError(
                f"{self.path} 不是 GeoPackage / is not a GeoPackage (application_id {app_id:#x})"
            )
        if not has_meta:
            raise LedgerError(
                f"{self.path} 是 GeoPackage 但不是核查台帐 / is a GeoPackage but not a "
                "verification ledger (no ledger_meta table)"
            )
        version_text = _meta_get(conn, ls.META_SCHEMA_VERSION)
        try:
            version = int(version_text or "")
        except ValueError:
            raise LedgerError(
                f"{self.path}: 台帐版本无法识别 / unreadable schema version {version_text!r}"
            ) from None
        if version > ls.SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: 台帐版本 {version} 高于本插件支持的版本 {ls.SCHEMA_VERSION}，"
                f"请升级插件 / ledger schema version {version} is newer than this plugin "
                f"knows ({ls.SCHEMA_VERSION}): update the plugin before opening it"
            )
        if version < ls.SCHEMA_VERSION:
            try:
                with self.transaction():
                    _migrate(conn, version, ls.SCHEMA_VERSION)
            except LedgerError as exc:
                raise LedgerError(
                    f"{self.path}: 台帐版本 {version} 须升级到 {ls.SCHEMA_VERSION} 才能打开，"
                    f"升级需要写入该文件 / ledger schema {version} must be upgraded to "
                    f"{ls.SCHEMA_VERSION} to be opened, which writes to the file: {exc}"
                ) from exc
        self.migrated_from = version if version < ls.SCHEMA_VERSION else None

    @property
    def schema_version(self) -> int:
        return int(_meta_get(self._conn, ls.META_SCHEMA_VERSION) or 0)

    @property
    def evidence_dir(self) -> Path:
        return evidence_dir_for(self.path)

    def writable_evidence_dir(self) -> Path:
        """The evidence folder, to record files in (made beside the ledger when missing)."""
        return self.evidence_dir

    # --- transactions -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _outer_transaction(self) -> Iterator[None]:
        conn = self._conn
        # IMMEDIATE takes the write lock now, so two QGIS sessions cannot interleave a save.
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._refused(exc) from exc
        self._depth = 1
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            # The file locked by another session past the wait, read-only, or gone: a
            # LedgerError naming it, which every form shows; nothing of the save is kept.
            self._roll_back_quietly()
            raise self._refused(exc) from exc
        except BaseException:
            self._roll_back_quietly()
            raise
        finally:
            self._depth = 0

    def _roll_back_quietly(self) -> None:
        """ROLLBACK after a failure; one that itself fails must not hide the first error."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _refused(self, exc: sqlite3.Error) -> LedgerError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            why_zh, why_en = (
                "文件正被其他会话写入，请稍后重试",
                "another session is writing to it: retry",
            )
        elif "readonly" in text or "read-only" in text:
            why_zh, why_en = "文件为只读，无法保存", "the file is read-only"
        else:
            why_zh, why_en = "无法读写", "it cannot be read or written"
        return LedgerError(
            f"台帐 {self.path} {why_zh}，未保存（{text}） / ledger {self.path}: {why_en}; "
            f"nothing was saved ({text})"
        )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> GeoPackageLedger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _touch(self, table: str) -> None:
        self._conn.execute(
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (_utc_now(), table)
        )

    # --- the dialect ----------------------------------------------------------------------------
    def _run(self, sql: str, params: Sequence = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.OperationalError as exc:  # locked past the wait, read-only, gone
            raise self._refused(exc) from exc

    def _insert(self, table: str, columns: Sequence[str], values: Sequence, key: str) -> int:
        return int(
            self._conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                values,
            ).lastrowid
        )

    def _to_geometry(self, value: Any) -> BaseGeometry | None:
        return decode_gpkg_geometry(value)

    def _from_geometry(self, geometry: BaseGeometry | None) -> Any:
        return encode_gpkg_geometry(geometry)

    def _put_setting(self, key: str, text: str) -> None:
        if (
            self._conn.execute(
                f"UPDATE {ls.T_SETTINGS} SET {ls.C_VALUE} = ? WHERE {ls.C_KEY} = ?", (text, key)
            ).rowcount
            == 0
        ):
            self._conn.execute(
                f"INSERT INTO {ls.T_SETTINGS} ({ls.C_KEY}, {ls.C_VALUE}) VALUES (?, ?)",
                (key, text),
            )

    def _update_extent(self) -> None:
        bounds = None
        for (blob,) in self._conn.execute(
            f"SELECT {ls.C_GEOM} FROM {ls.T_SPOTS} WHERE {ls.C_GEOM} IS NOT NULL"
        ):
            envelope = _gpkg_envelope(bytes(blob))
            if envelope is None:
                continue
            bounds = envelope if bounds is None else union_bounds(bounds, envelope)
        self._conn.execute(
            "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? "
            "WHERE table_name = ?",
            (*(bounds or [None] * 4), _utc_now(), ls.T_SPOTS),
        )

    def _widen_extent(self, table: str, bounds: tuple[float, float, float, float]) -> None:
        row = self._conn.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (table,)
        ).fetchone()
        if row is not None and None not in row:
            bounds = union_bounds(row, bounds)
        self._conn.execute(
            "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? "
            "WHERE table_name = ?",
            (*bounds, table),
        )


# =================================================================================================
# opening a case and replaying one: shared by every store
# =================================================================================================


@dataclass
class CaseOpening:
    """What a new case row holds, with what was not given taken from its origin."""

    origin: str
    spot_id: int | None
    patrol_id: str | None
    office: str | None
    town: str | None
    date: Any
    person: str | None
    cultivated_sqm: float | None
    basic_farmland_sqm: float | None
    case_origin: CaseOrigin

    def row(self) -> tuple:
        """The case columns after the id, recorded_at excluded (ledger_schema order)."""
        opened = self.date.isoformat() if isinstance(self.date, dt.date) else self.date
        return (
            self.origin,
            self.spot_id,
            self.patrol_id,
            self.office,
            self.town,
            opened,
            self.cultivated_sqm,
            self.basic_farmland_sqm,
        )

    def discover_event(
        self, case_id: Any, documents: Sequence[str], evidence_ids: Sequence[str], note: str
    ) -> CaseEvent:
        """The case's first event; CaseEvent and Case check the figures, date and person."""
        event = CaseEvent(
            str(case_id),
            Stage.DISCOVER,
            self.date,
            self.person or "",
            documents,
            evidence_ids,
            note,
            origin=self.case_origin,
            cultivated_sqm=self.cultivated_sqm,
            basic_farmland_sqm=self.basic_farmland_sqm,
        )
        Case.from_events([event])
        return event


def resolve_case_opening(
    store: Any,
    origin: str,
    *,
    spot_id: int | None,
    patrol_id: str | None,
    date: dt.date | None,
    person: str | None,
    office: str | None,
    town: str | None,
    cultivated_sqm: float | None,
    basic_farmland_sqm: float | None,
) -> CaseOpening:
    """Check a case may be opened from its origin and fill in what was not given (see
    GeoPackageLedger.open_case); reads the store through its public methods only."""
    if origin == ORIGIN_SPOT:
        if spot_id is None or patrol_id is not None:
            raise CaseError("图斑来源的案件须给出图斑 / a spot case needs spot_id only")
        spot = store.spot(spot_id)
        verdict = store.current_verdict(spot_id)
        if verdict is None or verdict.category != ls.VERDICT_ILLEGAL:
            now = (
                "尚未判定 / it has no verdict yet"
                if verdict is None
                else f"当前判定为“{verdict.category}”（{verdict.kind or ''}）/ its current "
                f"verdict is {ls.CATEGORY_LABELS_EN[verdict.category]}"
            )
            raise CaseError(
                f"图斑 {spot.number} 未判定为违法，不能立案：{now}；只有当前判定为"
                f"“{ls.VERDICT_ILLEGAL}”的图斑才能开启案件 / spot {spot.number} is not "
                "judged illegal: only a spot whose current verdict is illegal opens a case"
            )
        existing = store.cases(CaseFilter(spot_id=spot_id))
        if existing:
            raise CaseError(
                f"图斑 {spot.number} 已有案件 {existing[0].case_id} / spot {spot.number} "
                f"already has case {existing[0].case_id}: record further steps there"
            )
        if store.unreadable_cases:  # one case per spot, even one that cannot be read
            raise CaseError(
                f"图斑 {spot.number} 已有无法读取的案件，请执法监察大队先核查 / spot "
                f"{spot.number} already has a case that cannot be read: "
                + "; ".join(store.unreadable_cases)
            )
        areas = verdict.areas or {}
        date = date or _as_date(verdict.verified_on)
        person = person or verdict.verifier
        office = office if office is not None else spot.office
        town = town if town is not None else spot.town
        if cultivated_sqm is None:
            cultivated_sqm = areas.get(CULTIVATED_AREA, spot.cultivated_area)
        if basic_farmland_sqm is None:
            basic_farmland_sqm = areas.get(BASIC_FARMLAND_AREA, spot.basic_farmland_area)
        case_origin = CaseOrigin.spot(spot.number)
    elif origin == ORIGIN_PATROL:
        if not patrol_id or spot_id is not None:
            raise CaseError("巡查来源的案件须给出巡查编号 / a patrol case needs patrol_id only")
        found = store.patrols(patrol_ids=[patrol_id])
        if not found:
            raise CaseError(
                f"台帐中没有巡查记录 {patrol_id}，请先登记巡查 / no patrol {patrol_id} in "
                "the ledger: record the patrol first"
            )
        patrol = found[0]
        date = date or patrol.date
        person = person or patrol.staff[0]
        office = office if office is not None else patrol.office
        case_origin = CaseOrigin.patrol(patrol_id)
    else:
        raise CaseError(
            f"案件来源须为 {ORIGIN_SPOT} 或 {ORIGIN_PATROL} / origin must be "
            f"{ORIGIN_SPOT!r} or {ORIGIN_PATROL!r}, not {origin!r}"
        )
    return CaseOpening(
        origin,
        spot_id,
        patrol_id,
        office,
        town,
        date,
        person,
        cultivated_sqm,
        basic_farmland_sqm,
        case_origin,
    )


def verdict_from_row(row: Sequence) -> Verdict:
    """A Verdict from a row of the verdicts table, columns in SqlLedger._VERDICT_COLUMNS order."""
    return Verdict(
        category=row[2],
        kind=row[3],
        approval_number=row[4],
        verifier=row[5],
        verified_on=row[6],
        areas=json.loads(row[7] or "{}"),
        note=row[8],
        corrects=row[9],
        details=json.loads(row[11] or "{}"),
        id=row[0],
        spot_id=row[1],
        recorded_at=row[10],
    )


def case_record_from_rows(row: Sequence, events: Sequence[Sequence]) -> CaseRecord:
    """A CaseRecord replayed from its row (case columns, then the spot number) and its event
    rows (event columns, oldest first); dates and times as the ledger's ISO text."""
    number, origin, spot_id, patrol_id = row[0], row[1], row[2], row[3]
    case_origin = CaseOrigin(origin, str(row[10] if origin == ORIGIN_SPOT else patrol_id))
    replay = [
        CaseEvent(
            str(number),
            Stage(event[2]),
            dt.date.fromisoformat(event[3]),
            event[4],
            json.loads(event[5] or "[]"),
            json.loads(event[6] or "[]"),
            event[7] or "",
            _parse_utc(event[10]),
            origin=case_origin if position == 0 else None,
            cultivated_sqm=event[8],
            basic_farmland_sqm=event[9],
            measured_on=dt.date.fromisoformat(event[11]) if event[11] else None,
        )
        for position, event in enumerate(events)
    ]
    return CaseRecord(
        case_id=str(number),
        origin=origin,
        spot_id=spot_id,
        patrol_id=patrol_id,
        office=row[4],
        town=row[5],
        opened_at=dt.date.fromisoformat(row[6]),
        cultivated_sqm=row[7],
        basic_farmland_sqm=row[8],
        recorded_at=row[9],
        case=Case.from_events(replay),
    )


def setting_text(key: str, value: Any, where: str) -> str | None:
    """A setting checked and encoded as stored (JSON text); None removes the setting."""
    if not isinstance(key, str) or not key.strip():
        raise LedgerError("设置名不能为空 / the setting key is empty")
    if value is None:
        return None
    if key == ls.SETTING_DEADLINE_RULES:
        try:
            dl.rules_from_dict(value, where)
        except dl.DeadlineConfigError as exc:
            raise LedgerError(str(exc)) from None
    elif key == ls.SETTING_HOLIDAYS:
        try:
            workdays.holiday_schedules(value, workdays.SHARED_HOLIDAYS_LABEL)
        except workdays.HolidayFileError as exc:
            raise LedgerError(str(exc)) from None
    elif key == ls.SETTING_REPORT_WEIGHTS:
        from .reports import score_weights  # reports reads the ledger: import late

        try:
            score_weights(value)
        except ValueError as exc:
            raise LedgerError(str(exc)) from None
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"设置值须为 JSON / setting {key} is not JSON: {exc}") from None


def vetted_evidence(record: EvidenceRecord) -> tuple[str, str]:
    """(relative '/'-path, lower-case digest) of an evidence record; LedgerError if invalid."""
    if record.kind not in ls.EVIDENCE_KINDS:
        raise LedgerError(f"证据类型无效 / unknown evidence kind {record.kind!r}")
    relative = Path(record.path)
    if relative.is_absolute() or ".." in relative.parts or not record.path:
        raise LedgerError(
            f"证据路径须相对于证据文件夹 / evidence path must lie inside the evidence "
            f"folder: {record.path!r}"
        )
    digest = record.sha256.lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise LedgerError(f"SHA-256 无效 / not a SHA-256 digest: {record.sha256!r}")
    return relative.as_posix(), digest


def conflict_error(
    spot: SpotSummary,
    expected_version: int,
    history: Sequence[Verdict],
    refreshes: Sequence[dict[str, Any]],
    refused: Verdict,
) -> ConflictError:
    """The refusal of a save made on an out-of-date spot, showing both versions: what a
    re-delivery changed since the version the verifier saw, and the verdict saved since."""

    def show(verdict: Verdict | None, zh: bool) -> str:
        if verdict is None:
            return "无判定" if zh else "no verdict"
        when = f", {_beijing_time(verdict.recorded_at, zh)}" if verdict.recorded_at else ""
        return (
            f"{verdict.category}/{verdict.kind or ''} ({verdict.verifier}, "
            f"{verdict.verified_on}{when})"
        )

    current = history[-1] if history else None
    version = spot_version(len(history), refreshes)
    since = [
        entry for entry in refreshes if (_as_number(entry.get("version")) or 0) > expected_version
    ]
    changed = [str(change) for entry in since for change in entry.get("changes") or []]
    what_zh, what_en = [], []
    if since:
        what_zh.append(f"已重新交付，变化为：{first_of(changed, 8, '；')}")
        what_en.append(f"was re-delivered ({first_of(changed, 8, '; ')})")
    if version - expected_version != len(since):  # verdicts too, or a version not from here
        what_zh.append(f"已被他人保存（当前判定：{show(current, True)}）")
        what_en.append(f"was saved by someone else (theirs: {show(current, False)})")
    message = (
        f"图斑 {spot.number} 在您打开后{'，并且'.join(what_zh)}。您打开时为第 "
        f"{expected_version} 版，现为第 {version} 版。您的判定：{show(refused, True)}，未保存。"
        "请查看后重新判定。 / "
        f"spot {spot.number} {' and '.join(what_en)} since you opened it: you opened version "
        f"{expected_version}, the ledger now holds version {version}. Yours: "
        f"{show(refused, False)}, not saved. Review the spot and record your verdict again."
    )
    return ConflictError(message, current, refused)


# =================================================================================================
# vetting a delivery
# =================================================================================================

_FIGURE_COLUMNS = (
    *ls.SPOT_AREA_COLUMNS,
    *ls.SPOT_TEXT_COLUMNS,
    ls.C_PRIORITY,
    *ls.SPOT_FLAG_COLUMNS,
)
_TRUE_WORDS = {"1", "true", "t", "y", "yes", "是"}
_FALSE_WORDS = {"0", "false", "f", "n", "no", "否", ""}


@dataclass
class _Vetted:
    key: str
    geometry: BaseGeometry | None
    attributes: dict[str, Any]
    figures: list[Any]  # values of _FIGURE_COLUMNS


@dataclass
class _Recorded:
    """A spot as the ledger holds it, before a refresh."""

    fid: int
    has_geometry: bool
    attributes: dict[str, Any]
    figures: list[Any]  # values of _FIGURE_COLUMNS
    geometry: BaseGeometry | None = None


def spot_refreshes(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """The re-deliveries that changed a spot, oldest first, as kept with it (SPOT_REFRESHES):
    {"on": date, "at": UTC time, "changes": [text, …], "version": the spot's version after it}
    (refreshes kept before versions counted them have no "version")."""
    refreshes = attributes.get(SPOT_REFRESHES)
    if not isinstance(refreshes, list):
        return []
    return [entry for entry in refreshes if isinstance(entry, dict)]


def spot_version(verdicts: int, refreshes: Sequence[dict[str, Any]]) -> int:
    """A spot's version (Spot.version): one step per verdict recorded and per re-delivery that
    changed it (spot_refreshes). A save based on an older version was made on a spot that has
    since been judged by someone else or re-delivered: it is refused (ConflictError)."""
    return verdicts + len(refreshes)


def _keep_recorded(vetted: _Vetted, recorded: _Recorded, report: ImportReport) -> _Vetted:
    """The refreshed spot, keeping what the delivery does not carry.

    A field the delivery does not have at all (a raw delivery without the screening figures,
    the town and office of an import without a towns layer) keeps its recorded value; so does
    the geometry of a spot delivered without one (an outline is the legal object: it is not
    lost to a broken feature). A field the delivery has, NULL, is taken as it says: a layer
    no longer hit, say. Both are warned about, naming the spot and the fields.
    """
    attributes = dict(vetted.attributes)
    kept, blanked = [], []
    for name, value in recorded.attributes.items():
        # Pieces belong to the screening run that found them: a delivery without them (a raw
        # one) must not leave the last run's outlines on a spot that may have changed.
        if value is None or name in (SPOT_PIECES, SPOT_REFRESHES):
            continue
        if name not in attributes:
            attributes[name] = value
            kept.append(name)
        elif attributes[name] is None:
            blanked.append(name)  # the delivery says NULL: taken, and said
    figures = list(vetted.figures)
    for i, column in enumerate(_FIGURE_COLUMNS):
        if recorded.figures[i] is None or figures[i] is not None:
            continue
        if column in vetted.attributes:
            if column not in blanked:
                blanked.append(column)
        else:
            figures[i] = recorded.figures[i]
            if column not in kept:
                kept.append(column)
    geometry = vetted.geometry
    outline = recorded.geometry is not None and not recorded.geometry.is_empty
    if outline and (geometry is None or geometry.is_empty):
        geometry = None  # bound as NULL: the UPDATE keeps the recorded outline
        kept.insert(0, "geometry")
    if recorded.attributes.get(SPOT_REFRESHES):  # a refresh adds to them, see _refreshed
        attributes[SPOT_REFRESHES] = recorded.attributes[SPOT_REFRESHES]
    for names, message in (
        (kept, "本次交付没有，保留台帐原值 / not in this delivery: the recorded value is kept"),
        (
            blanked,
            "本次交付为空，原值已清空 / empty in this delivery: the recorded value is cleared",
        ),
    ):
        if names:
            report.warnings.append(ImportIssue(None, vetted.key, ", ".join(names), message))
    return _Vetted(vetted.key, geometry, attributes, figures)


def _refresh_changes(recorded: _Recorded, refreshed: _Vetted) -> list[str]:
    """What a refresh changes in a spot, old → new: its figures, delivered fields and outline
    (refreshed as _keep_recorded made it: a kept outline is None)."""
    geometry, attributes = refreshed.geometry, refreshed.attributes
    changes = []
    # Empty to a value and back count too: a layer screened for the first time (its figures
    # and hits were NULL) is the change most likely to overturn a verdict.
    for column, old, new in zip(_FIGURE_COLUMNS, recorded.figures, refreshed.figures):
        if not _same_value(old, new):
            changes.append(f"{column} {_shown(old)} → {_shown(new)}")
    for name in sorted(set(attributes) | set(recorded.attributes)):
        if name in (*_FIGURE_COLUMNS, SPOT_PIECES, SPOT_REFRESHES) or name not in attributes:
            continue  # a field the delivery does not have is kept, said elsewhere
        old, new = recorded.attributes.get(name), attributes[name]
        if not _same_value(old, new):
            changes.append(f"{name} {_shown(old)} → {_shown(new)}")
    old_geometry = recorded.geometry
    shift = (
        shapely.hausdorff_distance(  # repeated vertices make GEOS's distance NaN
            shapely.remove_repeated_points(old_geometry),
            shapely.remove_repeated_points(geometry),
        )
        if geometry is not None
        and old_geometry is not None
        and not geometry.is_empty
        and not old_geometry.is_empty
        and not old_geometry.equals(geometry)  # the same outline, however its vertices lie
        else 0.0
    )
    if shift > _SAME_OUTLINE_M:
        # Distances only: the areas the ledger shows are the delivery's TBMJ (ellipsoidal),
        # said above when it changed; a planar area here would be a third figure.
        moved = old_geometry.centroid.distance(geometry.centroid)
        changes.append(
            f"图形 / outline（中心移动 centre moved {moved:.2f} m，边界最大偏移 largest shift "
            f"{shift:.2f} m）"
        )
    return changes


def _say_changes(
    key: str, changes: list[str], judged: bool, case_id: int | None, report: ImportReport
) -> None:
    """Warn of what a refresh changes in a spot. A spot already judged, or with a case, is
    said to be so: its verdict and case stay as recorded, and may no longer fit (a case stays
    with its office)."""
    recorded_work = []
    if judged:
        recorded_work.append("已有核查结论 / already judged")
    if case_id is not None:
        recorded_work.append(f"已有案件 {case_id}（仍由原所办理）/ has case {case_id}")
    note = f"；{'，'.join(recorded_work)}，请核对 / check it" if recorded_work else ""
    said = f"本次交付改变了 / this delivery changes: {'; '.join(changes)}{note}"
    report.warnings.append(ImportIssue(None, key, None, said))


# An outline that moved less than this (any vertex) is the same: coordinates are kept to the mm.
_SAME_OUTLINE_M = 0.001


def _same_value(old: Any, new: Any) -> bool:
    """Whether a refreshed value is the one recorded, as a user would read them: numbers to
    the cent (float noise, 1 and True of a boolean column, 12.5 and "12.50" of a field that
    was text in one delivery), texts without surrounding spaces, anything else equal."""
    if _blank(old) or _blank(new):
        return _blank(old) and _blank(new)
    numbers = [_as_number(value) for value in (old, new)]
    if None not in numbers:
        return abs(numbers[0] - numbers[1]) < 0.005
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return old == new


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _shown(value: Any) -> str:
    """A value as a change is shown: figures to 2 decimals, texts cut at 40 characters."""
    if _blank(value):
        return "（空）"
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _warn_other_delivery(
    batch: str, rows: Sequence[_Vetted], existing: dict[str, Any], report: ImportReport
) -> None:
    """A refresh none of whose spots are the batch's: another quarter's delivery given the
    batch's name by mistake merges into it (a refresh keeps the spots it does not carry)."""
    if not existing or not rows:
        return
    # A batch delivered in parts shares some spots: only none at all is asked about.
    if not any(row.key in existing for row in rows):
        report.warnings.append(
            ImportIssue(
                None,
                None,
                None,
                f"本次交付的 {len(rows)} 个图斑均不在批次 {batch} 中，是否选错了批次名称？ / none "
                f"of the {len(rows)} spots delivered is in batch {batch}: was the batch name "
                "meant for another delivery?",
            )
        )


def warn_kept_spots(report: ImportReport, rows: Sequence[_Vetted], existing: Any) -> None:
    """Warn about spots of a refreshed batch the ledger keeps as they were (`existing`: the
    batch's spot numbers already in the ledger)."""
    delivered = {vetted.key for vetted in rows}
    for key in sorted(report_keys(report.errors) & set(existing)):
        report.warnings.append(
            ImportIssue(
                None,
                key,
                SPOT_NUMBER,
                "本次未导入，台帐保留原记录 / not imported this time: the ledger keeps "
                "its earlier record unchanged",
            )
        )
    for key in sorted(set(existing) - delivered - report_keys(report.errors)):
        report.warnings.append(
            ImportIssue(
                None,
                key,
                SPOT_NUMBER,
                "本次交付中没有该图斑，台帐保留原记录 / not in this delivery: the ledger "
                "keeps it with its verdicts and evidence",
            )
        )


def warn_unmapped_town(report: ImportReport, vetted: _Vetted, mapped_towns: set[str]) -> None:
    """A spot in a town no office is set up for: imported, but no office will see it."""
    town = vetted.figures[_FIGURE_COLUMNS.index(TOWN_NAME)]
    if town in mapped_towns:
        return
    shown = "（空）/ (empty)" if town is None else f"“{town}”"
    report.warnings.append(
        ImportIssue(
            None,
            vetted.key,
            TOWN_NAME,
            f"乡镇 {shown} 不属于任何自然资源所（ledger_office_towns），各所均看不到该图斑，请核对"
            f"乡镇名称或请管理员添加 / the town {shown} belongs to no office set up in "
            "ledger_office_towns: no office will see this spot (only the brigade); check the "
            "town's name or ask the administrator to add it",
        )
    )


def patrol_route(route: BaseGeometry | None) -> Any:
    """A stored route as PatrolRecord takes it: None, a tuple of (x, y) for one line, else WKT."""
    if route is None or route.is_empty:
        return None
    if isinstance(route, MultiLineString) and len(route.geoms) == 1:
        return tuple(tuple(c[:2]) for c in route.geoms[0].coords)
    return route.wkt


def report_keys(issues: list[ImportIssue]) -> set[str]:
    """Spot numbers named by a list of issues."""
    return {issue.number for issue in issues if issue.number}


def _normalise_key(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        # A number column read as float: 370302202300001.0 is the spot 370302202300001.
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _json_ready(value.item())
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):  # e.g. a spot's screening pieces
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    return str(value)


def _spot_geometry(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """(MultiPolygon or None, reason it is refused)."""
    if geom is None:
        return None, None
    geom = shapely.force_2d(geom)
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else MultiPolygon(), None
    if isinstance(geom, MultiPolygon):
        return geom, None
    return None, (
        f"图斑几何须为面，而非 {geom.geom_type} / a spot must be a polygon, not a {geom.geom_type}"
    )


def _number(value: Any, integer: bool) -> tuple[Any, bool]:
    """(number or None, whether the value was readable)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, False
    if not math.isfinite(number):
        return None, False
    if integer:
        return (int(number), True) if number.is_integer() else (None, False)
    return number, True


def _flag(value: Any) -> tuple[Any, bool]:
    if value is None:
        return None, True
    if isinstance(value, (bool, int, float)):
        return (int(value), True) if value in (0, 1) else (None, False)
    word = str(value).strip().lower()
    if word in _TRUE_WORDS:
        return 1, True
    if word in _FALSE_WORDS:
        return 0, True
    return None, False


# Larger than any district (淄川 is about 960 km²): a figure beyond it is a typo or a unit slip.
_LARGEST_AREA_SQM = 1e10


def _warn_parts_larger_than_spot(
    index: int, key: str, figures: list[Any], report: ImportReport
) -> None:
    """A part of a spot (cultivated, basic farmland) larger than the spot itself: one of the
    figures is wrong (DOMAIN: the parts add up to the spot), which a report would carry."""
    area = dict(zip(_FIGURE_COLUMNS, figures))
    spot = area.get(SPOT_AREA)
    for column in (CULTIVATED_AREA, BASIC_FARMLAND_AREA):
        part = area.get(column)
        if spot is not None and part is not None and part > spot + 10**-AREA_DECIMALS:
            report.warnings.append(
                ImportIssue(
                    index,
                    key,
                    column,
                    f"{column} {part:.2f} m² 大于图斑面积 {SPOT_AREA} {spot:.2f} m²，请核对 / "
                    f"larger than the spot's area {SPOT_AREA}: check the figures",
                )
            )


def _vet_spots(spots: Sequence[SpotRecord], report: ImportReport) -> list[_Vetted]:
    """Check a delivery before touching the ledger; refused spots go to report.errors."""
    candidates: list[tuple[int, str | None, SpotRecord]] = []
    refused: set[int] = set()
    for position, record in enumerate(spots):
        index = record.source_index if record.source_index is not None else position
        key = _normalise_key(record.number)
        candidates.append((index, key, record))
        shown = key if key is not None else None
        if key is None:
            report.errors.append(
                ImportIssue(
                    index,
                    None,
                    SPOT_NUMBER,
                    "图斑编号为空，未导入 / the spot number is empty: not imported",
                )
            )
            refused.add(position)
        for name, value in record.attributes.items():
            if isinstance(value, (bytes, bytearray)):  # text the file's encoding cannot decode
                report.errors.append(
                    ImportIssue(
                        index,
                        shown,
                        name,
                        "字段值无法按文件编码解码（被截断的多字节文字或编码不符），未导入 / the "
                        "value does not decode in the file's encoding (cut multi-byte text or "
                        "a wrong encoding): not imported",
                    )
                )
                refused.add(position)
                continue
            for label, text in (("name", name), ("value", value)):
                if not isinstance(text, str):
                    continue
                reason = misdecoding_reason(text)
                if reason:
                    what = "字段名 / field name" if label == "name" else "字段值 / value"
                    report.errors.append(
                        ImportIssue(
                            index, shown, name, f"{what} {text!r}: {reason}；未导入 / not imported"
                        )
                    )
                    refused.add(position)
        _, problem = _spot_geometry(record.geometry)
        if problem:
            report.errors.append(
                ImportIssue(index, shown, "geometry", problem + "；未导入 / not imported")
            )
            refused.add(position)
    # Duplicates: which copy is right cannot be known, so neither is imported.
    seen: dict[str, list[int]] = {}
    for position, (_, key, _) in enumerate(candidates):
        if key is not None:
            seen.setdefault(key, []).append(position)
    for key, positions in seen.items():
        if len(positions) < 2:
            continue
        indices = ", ".join(f"#{candidates[p][0]}" for p in positions)
        for position in positions:
            report.errors.append(
                ImportIssue(
                    candidates[position][0],
                    key,
                    SPOT_NUMBER,
                    f"图斑编号重复（要素 {indices}），两份均未导入 / duplicate spot number "
                    f"(features {indices}): {_DUPLICATE_NOTE}",
                )
            )
            refused.add(position)
    vetted: list[_Vetted] = []
    for position, (index, key, record) in enumerate(candidates):
        if position in refused or key is None:
            continue
        geometry, _ = _spot_geometry(record.geometry)
        if geometry is None:
            report.warnings.append(
                ImportIssue(index, key, "geometry", "图斑无几何 / the spot has no geometry")
            )
        elif not geometry.is_empty and not geometry.is_valid:
            # A self-intersecting outline would show, export and measure wrongly (a bow tie
            # has no area): repaired as screening repairs it, and said.
            reason = shapely.is_valid_reason(geometry)
            repaired = cs.polygonal(np.array([shapely.make_valid(geometry)], dtype=object))[0]
            geometry, _ = _spot_geometry(repaired)  # its polygons, as a MultiPolygon
            report.warnings.append(
                ImportIssue(
                    index,
                    key,
                    "geometry",
                    f"几何无效（{invalid_reason_zh(reason)}），已自动修复 / invalid geometry "
                    f"({reason}): repaired",
                )
            )
        attributes = {str(name): _json_ready(value) for name, value in record.attributes.items()}
        figures: list[Any] = []
        for column in _FIGURE_COLUMNS:
            value = attributes.get(column)
            if column in ls.SPOT_AREA_COLUMNS or column == ls.C_PRIORITY:
                converted, readable = _number(value, integer=column == ls.C_PRIORITY)
                if column in ls.SPOT_AREA_COLUMNS and converted is not None:
                    if -0.005 < converted < 0:
                        converted = 0.0  # a difference's float noise, not a negative area
                    elif not 0 <= converted <= _LARGEST_AREA_SQM:
                        report.warnings.append(
                            ImportIssue(
                                index,
                                key,
                                column,
                                f"面积 {converted:g} 平方米为负数或大于任何区县，该列留空 / area "
                                f"{converted:g} m² is negative or larger than any district: the "
                                "column is left empty (the value is kept in the attributes)",
                            )
                        )
                        figures.append(None)
                        continue
            elif column in ls.SPOT_FLAG_COLUMNS:
                converted, readable = _flag(value)
            else:
                # Names are matched (a town to its office, an office to its cases): a stray
                # space from a spreadsheet would make '罗村镇 ' a town no office has.
                converted, readable = (None if value is None else str(value).strip() or None), True
                if isinstance(value, str) and value != value.strip():
                    attributes[column] = converted
            if not readable:
                report.warnings.append(
                    ImportIssue(
                        index,
                        key,
                        column,
                        f"值 {value!r} 无法识别，该列留空 / value {value!r} not understood: "
                        "the column is left empty (the value is kept in the attributes)",
                    )
                )
            figures.append(converted)
        _warn_parts_larger_than_spot(index, key, figures, report)
        vetted.append(_Vetted(key, geometry, attributes, figures))
    report.skipped = len(refused)
    return vetted


# =================================================================================================
# verdict validation
# =================================================================================================


def _as_date(value: dt.date | str | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _spot_area(spot: SpotSummary | None) -> float | None:
    if spot is None:
        return None
    if spot.spot_area is not None:
        return float(spot.spot_area)
    attributes = getattr(spot, "attributes", None) or {}
    value, _ = _number(attributes.get(SPOT_MONITORED_AREA), integer=False)
    if value is not None:
        return value
    geometry = getattr(spot, "geometry", None)
    return float(geometry.area) if geometry is not None and not geometry.is_empty else None


def validate_verdict(verdict: Verdict, spot: SpotSummary | None) -> list[str]:
    """Why a verdict cannot be recorded (Chinese first, then English); empty when it can."""
    messages: list[str] = []
    category = verdict.category
    kind = (verdict.kind or "").strip()
    if category not in ls.VERDICT_CATEGORIES:
        messages.append(
            f"判定类别须为{'、'.join(ls.VERDICT_CATEGORIES)}之一，而非 {category!r} / the verdict "
            f"must be one of {', '.join(ls.VERDICT_CATEGORIES)}, not {category!r}"
        )
    else:
        allowed = ls.VERDICT_KINDS[category]
        english = ls.CATEGORY_LABELS_EN[category]
        if kind not in allowed:
            what = "依据" if category == ls.VERDICT_LEGAL else "类型"
            what_en = "basis" if category == ls.VERDICT_LEGAL else "kind"
            got = f"（填写的是 {kind!r}）" if kind else ""
            messages.append(
                f"{category}判定须注明{what}：{'、'.join(allowed)}{got} / a {english} verdict "
                f"needs its {what_en}, one of: {', '.join(allowed)}"
            )
        if category == ls.VERDICT_LEGAL and not (verdict.approval_number or "").strip():
            messages.append("合法判定须填写批准文号 / a legal verdict needs the approval number")
    if not (verdict.verifier or "").strip():
        messages.append("须填写核查人 / the verifier is required")
    if verdict.verified_on is None or not str(verdict.verified_on).strip():
        messages.append("须填写核查日期 / the verification date is required")
    else:
        try:
            day = _as_date(verdict.verified_on)
        except ValueError:
            messages.append(
                f"核查日期 {verdict.verified_on!r} 无法识别，应为 YYYY-MM-DD / the verification "
                f"date {verdict.verified_on!r} is not a date (YYYY-MM-DD)"
            )
        else:
            if day > dt.date.today():
                messages.append(
                    f"核查日期 {day} 晚于今天 / the verification date {day} is in the future"
                )
    messages.extend(_area_messages(verdict.areas, _spot_area(spot)))
    messages.extend(_detail_messages(verdict))
    return messages


def _detail_messages(verdict: Verdict) -> list[str]:
    """The verdict form's further fields: known keys only, and values of the right kind."""
    messages = []
    details = verdict.details or {}
    for key in details:
        if key not in ls.DETAIL_KEYS:
            messages.append(f"未知判定字段 {key} / unknown verdict field {key}")
    if ls.DETAIL_APPROVAL_DATE in details:
        try:
            day = _as_date(details[ls.DETAIL_APPROVAL_DATE])
        except ValueError:
            day = None
            messages.append(
                f"批准日期 {details[ls.DETAIL_APPROVAL_DATE]!r} 无法识别 / the approval date "
                f"{details[ls.DETAIL_APPROVAL_DATE]!r} is not a date (YYYY-MM-DD)"
            )
        if day is not None and verdict.verified_on and str(verdict.verified_on).strip():
            try:
                if day > _as_date(verdict.verified_on):
                    messages.append(
                        f"批准日期 {day} 晚于核查日期 / the approval date {day} is after the "
                        "verification date"
                    )
            except ValueError:
                pass  # the verification date's own message says what is wrong
    area = details.get(ls.DETAIL_APPROVED_AREA)
    if area is not None and (not isinstance(area, (int, float)) or area < 0):
        messages.append(
            f"批准面积须为非负数：{area!r} / the approved area must be a number ≥ 0: {area!r}"
        )
    if ls.DETAIL_STOP_ORDER in details and not isinstance(details[ls.DETAIL_STOP_ORDER], bool):
        messages.append("是否下达停止通知须为是或否 / 'stop order issued' must be yes or no")
    return messages


def _area_messages(areas: dict[str, float], spot_area: float | None) -> list[str]:
    messages: list[str] = []
    given: dict[str, float] = {}
    for name, value in areas.items():
        if name not in ls.VERDICT_AREA_FIELDS:
            messages.append(
                f"未知面积字段 {name} / unknown area field {name} "
                f"(known: {', '.join(ls.VERDICT_AREA_FIELDS)})"
            )
            continue
        number, readable = _number(value, integer=False)
        if not readable or number is None or number < 0:
            messages.append(
                f"面积 {name}={value!r} 须为非负数 / area {name}={value!r} must be a number ≥ 0"
            )
            continue
        given[name] = number
    if spot_area is None:
        return messages
    tolerance = ls.AREA_TOLERANCE_SQM
    for name, number in given.items():
        if number > spot_area + tolerance:
            messages.append(
                f"面积 {name}={number:.2f} 超过图斑面积 {spot_area:.2f} 平方米 / area "
                f"{name}={number:.2f} m² exceeds the spot area {spot_area:.2f} m²"
            )
    split = [name for name in ls.VERDICT_SPLIT_FIELDS if name in given]
    total = sum(given[name] for name in split)
    joined = "+".join(split)
    if len(split) == len(ls.VERDICT_SPLIT_FIELDS) and abs(total - spot_area) > tolerance:
        messages.append(
            f"{joined} = {total:.2f}，与图斑面积 {spot_area:.2f} 不符 / {joined} adds up to "
            f"{total:.2f} m², not the spot area {spot_area:.2f} m²"
        )
    elif 1 < len(split) < len(ls.VERDICT_SPLIT_FIELDS) and total > spot_area + tolerance:
        messages.append(
            f"{joined} = {total:.2f}，超过图斑面积 {spot_area:.2f} / {joined} adds up to "
            f"{total:.2f} m², more than the spot area {spot_area:.2f} m²"
        )
    return messages
