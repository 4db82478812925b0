"""The ledger as one GeoPackage file: its geometry blobs, the container (tables, SRS rows, the
SQL functions GeoPackage readers expect) and GeoPackageLedger, the SQL store on SQLite."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from . import gpkg_geometry
from . import ledger_schema as ls
from .evidence import evidence_dir_for
from .ledger_records import (
    LedgerError,
    SpotFileError,
)
from .ledger_rows import utc_now
from .ledger_sql import SqlLedger
from .spot_files import require_sqlite

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

# What became of a ledger's file since it was opened (GeoPackageLedger.file_changed).
FILE_GONE = "gone"  # nothing at its path: moved away or deleted
FILE_REPLACED = "replaced"  # another file at its path: a colleague's copy, a sync tool's


def file_identity(path: str | os.PathLike) -> tuple[int, int] | None:
    """The (device, inode) of the file at `path`, None when there is none. A file system that
    gives no inode (0) gives None too: it cannot tell a replaced file apart."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if stat.st_ino else None


def file_changed_message(
    path: str | os.PathLike, change: str, zh_then: str = "", en_then: str = ""
) -> str:
    """What a ledger whose file went (FILE_GONE) or was replaced (FILE_REPLACED) says, with
    what followed from it (`zh_then`, `en_then`), naming the file in both languages."""
    if change == FILE_GONE:
        zh, en = "台帐文件已被移走或删除", "the ledger file was moved or deleted"
    else:
        zh, en = "台帐文件已被另一个文件替换", "the ledger file was replaced by another file"
    return f"{zh}：{path}{zh_then} / {en}: {path}{en_then}"


# A ledger's side files SQLite applies to it when it is next opened: the write-ahead log (WAL
# mode, which QGIS's OGR provider turns on while a layer is edited) and a hot rollback
# journal; a QGIS or plugin killed mid-write leaves them behind. The -shm is the WAL's index.
APPLIED_SIDE_SUFFIXES = ("-wal", "-journal")
SIDE_SUFFIXES = (*APPLIED_SIDE_SUFFIXES, "-shm")
RECOVERY_BACKUP_TAG = ".before-recovery"
# The backup's side files are named so SQLite does not apply them: opening the backup reads
# the ledger file as it was, and renaming them back (…gpkg-wal) recreates what was found.
RECOVERY_BACKUP_SIDE_END = ".saved"

# The ledger files (path, identity) whose side files were copied aside and applied in this
# session: QGIS editing the ledger keeps a WAL of its own beside it, copied once, not at every
# open. A file found without side files is looked at again next time: a QGIS elsewhere may
# have been killed with a WAL of it since.
_side_files_seen: set[tuple[str, tuple[int, int] | None]] = set()


def leftover_side_files(path: Path) -> list[Path]:
    """The -wal and -journal beside `path` that SQLite would apply to it: the non-empty ones."""
    found = []
    for suffix in APPLIED_SIDE_SUFFIXES:
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            if side.stat().st_size > 0:
                found.append(side)
    return found


def recovery_backup_path(path: Path) -> Path:
    """Where the ledger file at `path` is copied before SQLite applies its side files."""
    return path.with_name(f"{path.stem}{RECOVERY_BACKUP_TAG}{path.suffix}")


def _recovery_backup_files(path: Path) -> dict[Path, Path]:
    """{ledger file or side file: its copy in the backup}."""
    backup = recovery_backup_path(path)
    files = {path: backup}
    for suffix in SIDE_SUFFIXES:
        files[Path(f"{path}{suffix}")] = Path(f"{backup}{suffix}{RECOVERY_BACKUP_SIDE_END}")
    return files


def _back_up_before_recovery(path: Path, sides: list[Path]) -> Path:
    """Copy the ledger file and its side files aside (only the latest copy is kept).

    A side file is not tied to the file it belongs to: a -wal left by a QGIS killed while
    editing one ledger is applied just the same to another ledger restored at its path, and
    SQLite writes the mix into the file when the connection closes. The copy, made before
    SQLite reads anything, is the only place the file as it was survives that."""
    files = _recovery_backup_files(path)
    try:
        for copy in files.values():
            copy.unlink(missing_ok=True)
        for original, copy in files.items():
            if original.exists():
                shutil.copyfile(original, copy)
    except OSError as exc:
        names = "、".join(str(side) for side in sides)
        raise LedgerError(
            f"台帐 {path} 旁有上次未写完的 {names}，打开时 SQLite 会将其写入台帐；无法先备份为 "
            f"{files[path]}（{exc}），未打开 / ledger {path}: SQLite would apply the leftover "
            f"{', '.join(str(side) for side in sides)} to it when opened, and it could not be "
            f"backed up to {files[path]} first ({exc}); it was not opened"
        ) from exc
    return files[path]


def side_files_applied_message(path: Path, sides: list[Path], backup: Path) -> str:
    """What a ledger opened with leftover side files applied says, even when it passed the
    check: the side file may be a QGIS's live WAL of the ledger as it was before a backup was
    copied over it, and the changes made after the backup are then back in it without a sign.
    Names the files to delete (the -shm too) should that be what happened."""
    applied = [str(side) for side in sides]
    present = [f"{path}{suffix}" for suffix in SIDE_SUFFIXES if Path(f"{path}{suffix}").exists()]
    to_delete = [*applied, *(name for name in present if name not in applied)]
    return (
        f"打开台帐 {path} 时，SQLite 应用了台帐旁的 {'、'.join(applied)}（正在编辑台帐或异常"
        f"退出的 QGIS 留下的写入日志）；应用前的台帐已备份为 {backup}。若刚才是把备份复制到此处"
        "来恢复台帐，恢复并未生效，台帐仍含备份之后的修改：请关闭 QGIS，删除仍在的 "
        f"{'、'.join(to_delete)}，再复制一次备份；或用 copyledger（复制台帐）把备份复制为新"
        f"台帐后打开新台帐 / SQLite applied {', '.join(applied)} beside the ledger {path} "
        "when opening it (the write-ahead log of a QGIS that is editing the ledger or ended "
        f"abruptly); the ledger as it was before is kept in {backup}. If a backup was just "
        "copied over this ledger to restore it, the restore did not take and the ledger still "
        f"holds the changes made after the backup: close QGIS, delete {', '.join(to_delete)} "
        "if still there and copy the backup again; or copy the backup into a new ledger with "
        "copyledger and open that one"
    )


def _put_back_from_recovery(path: Path, sides: list[Path]) -> None:
    """Put the ledger file and its side files back as the backup holds them, when SQLite
    applied the side files `sides` to the file during an open that was then refused."""
    files = _recovery_backup_files(path)
    if any(side.exists() and side.stat().st_size > 0 for side in sides):
        # SQLite removes a side file once it has applied it for good (a WAL when its last
        # connection closes): one still there is another session's, live, left as it is.
        return
    if path.read_bytes() == files[path].read_bytes():
        return
    for original, copy in files.items():
        if copy.exists():
            shutil.copyfile(copy, original)
        else:
            original.unlink(missing_ok=True)


def _another_session_writes(text: str) -> bool:
    """Whether SQLite's error says another connection holds the file's lock."""
    return "locked" in text or "busy" in text


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
    """Why the ledger at `path` could not be read on opening: locked by another program's
    write (DB Browser's uncommitted edit, another QGIS's long save), which was said to be a
    damaged file, or damaged."""
    text = str(exc)
    if _another_session_writes(text):
        return LedgerError(
            f"台帐 {path} 正被其他程序写入（数据库被锁定），暂时无法打开，文件本身无损："
            f"请在对方保存或关闭后重试 / ledger {path} is being written by another program "
            f"(the database is locked) and cannot be opened now; the file is not damaged: "
            f"retry once that program has saved or closed it ({text})"
        )
    return LedgerError(f"台帐文件已损坏 / ledger file is damaged: {path}: {text}")


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


class _MigrationMismatchError(Exception):
    """A migration statement that failed on what the ledger already holds."""

    def __init__(self, version: int, statement: str, error: sqlite3.Error):
        # The statement's head names the table, and the column an ALTER adds.
        what = statement.strip().splitlines()[0].split("(")[0].strip()
        super().__init__(f"upgrading to {version + 1}: {error}, in {what}")


def _migrate(conn: sqlite3.Connection, from_version: int, to_version: int) -> None:
    """Run MIGRATIONS[from_version:to_version] inside the caller's transaction."""
    for version in range(from_version, to_version):
        for statement in ls.MIGRATIONS[version]:
            try:
                conn.execute(statement)
            except sqlite3.OperationalError as error:
                # "table ... already exists", "duplicate column name": the file holds what its
                # recorded version does not; a locked or read-only file fails on BEGIN instead.
                if not ("already exists" in str(error) or "duplicate" in str(error)):
                    raise
                raise _MigrationMismatchError(version, statement, error) from error
        _meta_set(conn, ls.META_SCHEMA_VERSION, str(version + 1))  # ledger_meta exists from v1


def upgrade_backup_path(path: Path, version: int, number: int = 1) -> Path:
    """Where the ledger at `path`, at schema `version`, is copied before it is upgraded:
    ledger.v6-backup.gpkg, then ledger.v6-backup-2.gpkg and on when that name is taken."""
    tail = "" if number == 1 else f"-{number}"
    return path.with_name(f"{path.stem}.v{version}-backup{tail}{path.suffix}")


def _back_up_before_upgrade(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the ledger as `conn` reads it (its WAL included) to a new upgrade_backup_path.

    An upgraded ledger cannot be opened by the plugin a colleague still runs: the copy is what
    such a plugin, or a user going back to it, can open. A copy already there is never
    overwritten: it may be the only one of an earlier state of the ledger."""
    for number in itertools.count(1):
        copy = upgrade_backup_path(path, version, number)
        try:
            with open(copy, "xb"):  # the name taken at once: no other copy is written over
                break
        except FileExistsError:
            continue
    target = sqlite3.connect(str(copy))
    try:
        conn.backup(target)
        # One plain file, to be kept or handed on alone (a WAL ledger's copy would be in WAL mode).
        target.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        target.close()
        copy.unlink(missing_ok=True)
        raise
    target.close()
    return copy


def upgraded_message(path: Path, from_version: int, to_version: int, backup: Path) -> str:
    """What a ledger upgraded on opening says: the plugin a colleague runs on it may be older."""
    return (
        f"台帐 {path} 已从版本 {from_version} 升级到版本 {to_version}：比本插件旧的插件（只认识"
        f"到版本 {to_version - 1} 或更低的台帐）再也无法打开它，共用此台帐的同事须同样升级插件；"
        f"升级前的台帐已备份为 {backup} / the ledger {path} was upgraded from schema version "
        f"{from_version} to {to_version}: plugins older than this one (which know schema "
        f"version {to_version - 1} at most) can no longer open it, so colleagues sharing it "
        f"must update the plugin too; the ledger as it was before is kept in {backup}"
    )


@functools.cache
def schema_at(version: int) -> dict[str, tuple[str, ...]]:
    """{table: its columns}, in the order the migrations make them, of a ledger at schema
    `version`: the migrations run on an empty in-memory container, so the schema is defined
    once, by them."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in _GPKG_CORE:
            conn.execute(statement)
        _migrate(conn, 0, version)
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        return {
            table: tuple(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))
            for table in tables
        }
    finally:
        conn.close()


def missing_from_schema(conn: sqlite3.Connection, version: int) -> tuple[list[str], list[str]]:
    """(tables, "table.column"s) a ledger at schema `version` has and the database behind
    `conn` lacks, in the migrations' order."""
    present = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    tables, columns = [], []
    for table, expected in schema_at(version).items():
        if table not in present:
            tables.append(table)
            continue
        held = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        columns.extend(f"{table}.{column}" for column in expected if column not in held)
    return tables, columns


def _said_missing(path: Path, version: int, tables: list[str], columns: list[str]) -> str:
    """The refusal of a ledger lacking tables or columns of its schema version."""
    zh = [f"表 {'、'.join(tables)}"] if tables else []
    zh += [f"字段 {'、'.join(columns)}"] if columns else []
    en = []
    for names, noun in ((tables, "table"), (columns, "column")):
        if names:
            many = len(names) > 1
            en.append(f"{noun}{'s' if many else ''} {', '.join(names)} {'are' if many else 'is'}")
    return (
        f"{path}: 台帐不完整或已损坏：缺少{'，'.join(zh)}（版本 {version} 应有），文件未改动 / "
        f"ledger {path}: the ledger is incomplete or damaged: {'; '.join(en)} missing (schema "
        f"version {version} has {'them' if len(tables) + len(columns) > 1 else 'it'}); it was "
        "left unchanged"
    )


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
            _meta_set(conn, ls.META_CREATED_AT, utc_now())
            if office:
                _meta_set(conn, ls.META_OFFICE, office)
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        path.unlink(missing_ok=True)
        raise
    conn.close()


# =================================================================================================
# the GeoPackage ledger
# =================================================================================================


class GeoPackageLedger(SqlLedger):
    """The ledger as one GeoPackage file that QGIS and OGR open like any other.

    Each save runs in one BEGIN IMMEDIATE ... COMMIT transaction (in a rollback journal, or in
    the write-ahead log while QGIS edits a layer of the file, then checkpointed into the file),
    so a crash or kill in the middle leaves the file as it was before the save; the write lock
    it takes is what serialises saves of one spot or case.
    """

    # What opening the file did that its user must hear of, one "中文 / English" message each
    # (side files applied, an upgrade); the dock and the algorithms say them.
    opening_notices: list[str]

    def __init__(self, path: str | os.PathLike, create: bool = True, office: str | None = None):
        self.path = Path(path)
        self._depth = 0
        if not self.path.exists():
            if not create:
                raise LedgerError(f"台帐文件不存在 / ledger file does not exist: {self.path}")
            create_ledger_file(self.path, office=office)
        self._connect_to_file()

    def _connect_to_file(self) -> None:
        """Connect to the ledger file at self.path and check (and migrate) it; on failure
        nothing is left open and LedgerError says why."""
        if not self.path.exists():
            raise LedgerError(f"台帐文件不存在 / ledger file does not exist: {self.path}")
        if self.path.is_dir():
            raise LedgerError(f"{self.path} 是文件夹，不是台帐 / is a folder, not a ledger")
        try:
            require_sqlite(self.path, "GeoPackage 台帐", "GeoPackage ledger")
        except SpotFileError as exc:
            raise LedgerError(str(exc)) from None
        # Before connecting: a file put in its place from then on is not the one read here.
        self._identity = file_identity(self.path)
        seen = (str(self.path.resolve()), self._identity)
        sides = [] if seen in _side_files_seen else leftover_side_files(self.path)
        backup = _back_up_before_recovery(self.path, sides) if sides else None
        self.opening_notices = []
        if backup is not None:  # said first, while the side files it names are still there
            self.opening_notices.append(side_files_applied_message(self.path, sides, backup))
        self._conn = _connect(self.path)
        try:
            self._open_existing()
            if sides:
                self._check_after_recovery()
        except BaseException as exc:
            self._conn.close()
            if backup is None:
                raise
            try:
                _put_back_from_recovery(self.path, sides)
                kept_zh, kept_en = "台帐文件未改动", "the ledger file was left as it was"
            except OSError as put_back_error:
                kept_zh = f"台帐文件未能还原（{put_back_error}）"
                kept_en = f"the ledger file could not be put back ({put_back_error})"
            if isinstance(exc, sqlite3.DatabaseError):  # a read past the opening checks
                exc = _unreadable(self.path, exc)
            elif not isinstance(exc, LedgerError):
                raise
            applied = "、".join(str(side) for side in sides)
            raise LedgerError(
                f"{exc}\n打开时 SQLite 应用了台帐旁遗留的 {applied}（可能来自异常退出的 QGIS，"
                f"或属于另一个台帐）；应用前的台帐已备份为 {backup}，{kept_zh}；若台帐是"
                f"从备份恢复或复制到此处的，请移走 {applied} 后再打开 / SQLite applied the "
                f"leftover {', '.join(str(side) for side in sides)} beside the ledger when "
                "opening it (left by a QGIS that ended abruptly, perhaps while editing another "
                f"ledger); the ledger as it was before is kept in {backup}, and {kept_en}; if "
                "the ledger was restored or copied into place, move that file away and open it "
                "again"
            ) from exc
        if sides:
            _side_files_seen.add(seen)

    def _check_after_recovery(self) -> None:
        """After SQLite applied a leftover side file: is the file still whole? A foreign WAL
        often breaks a table the opening reads never touch."""
        try:
            result = self._conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            result = str(exc)
        if result != "ok":
            raise LedgerError(f"台帐文件已损坏 / ledger file is damaged: {self.path}: {result}")

    def reopen(self) -> None:
        """Read the file now at the ledger's path (another file replaced the one opened): the
        same store, so a form opened on it saves into that file, its spot's version checked
        there. The file opened stays in use when the new one cannot be opened."""
        old_conn, old_identity, old_notices = self._conn, self._identity, self.opening_notices
        try:
            self._connect_to_file()
        except BaseException:
            self._conn, self._identity, self.opening_notices = old_conn, old_identity, old_notices
            raise
        old_conn.close()

    def file_changed(self) -> str | None:
        """None while the ledger's path still names the file opened; FILE_GONE when nothing is
        there any more, FILE_REPLACED when another file is (os.replace by a sync tool, `mv`
        of a colleague's copy). The open connection goes on reading the file opened, deleted
        or not, so only this tells the reader that what it reads is no longer the ledger."""
        now = file_identity(self.path)
        if now is None and not self.path.exists():
            return FILE_GONE
        if now is not None and self._identity is not None and now != self._identity:
            return FILE_REPLACED
        return None

    # --- opening and migrating -----------------------------------------------------------------
    def _open_existing(self) -> None:
        conn = self._conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ls.T_META,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, exc) from exc
        if app_id != ls.GPKG_APPLICATION_ID:
            raise LedgerError(
                f"{self.path} 不是 GeoPackage / is not a GeoPackage (application_id {app_id:#x})"
            )
        if not has_meta:
            raise LedgerError(
                f"{self.path} 是 GeoPackage 但不是核查台帐（没有 ledger_meta 表） / is a "
                "GeoPackage but not a verification ledger (no ledger_meta table)"
            )
        version_text = _meta_get(conn, ls.META_SCHEMA_VERSION)
        try:
            version = int(version_text or "")
        except ValueError:
            version = 0
        if version < 1:  # no release wrote one: migrating it would run over its tables
            raise LedgerError(
                f"{self.path}: 台帐版本未知（{version_text!r}），文件未改动 / unknown schema "
                f"version {version_text!r}; the ledger was left unchanged"
            )
        if version > ls.SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: 台帐版本 {version} 高于本插件支持的版本 {ls.SCHEMA_VERSION}，"
                f"请升级插件 / ledger schema version {version} is newer than this plugin "
                f"knows ({ls.SCHEMA_VERSION}): update the plugin before opening it"
            )
        # Before migrating: a migration would write to a file that then fails on first use,
        # and that failure would read like a locked or read-only file.
        tables, columns = missing_from_schema(conn, version)
        if tables or columns:
            raise LedgerError(_said_missing(self.path, version, tables, columns))
        self.migrated_from = None
        if version < ls.SCHEMA_VERSION:
            self._upgrade(version)
            self.migrated_from = version

    def _upgrade(self, version: int) -> None:
        """Migrate the ledger from schema `version` to the current one, copied aside first;
        the upgrade is said in opening_notices. On failure the file is left as it was, and so
        is its folder (the copy, the same file, removed)."""
        must_zh = f"{self.path}: 台帐版本 {version} 须升级到 {ls.SCHEMA_VERSION} 才能打开，"
        must_en = (
            f"ledger schema {version} must be upgraded to {ls.SCHEMA_VERSION} to be opened, "
            "which writes to the file"
        )
        try:
            backup = _back_up_before_upgrade(self._conn, self.path, version)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(
                f"{must_zh}升级前无法备份到 {upgrade_backup_path(self.path, version)}（{exc}），"
                f"文件未改动 / {must_en}, and it could not be backed up first to "
                f"{upgrade_backup_path(self.path, version)} ({exc}); it was left unchanged"
            ) from exc
        try:
            with self.transaction():
                _migrate(self._conn, version, ls.SCHEMA_VERSION)
        except BaseException as exc:
            backup.unlink(missing_ok=True)
            if isinstance(exc, _MigrationMismatchError):  # rolled back by the transaction
                raise LedgerError(
                    f"{self.path}: 台帐与版本 {version} 的结构不符（{exc}），文件未改动 / "
                    f"the ledger does not match schema version {version} ({exc}); it was left "
                    "unchanged"
                ) from exc
            if isinstance(exc, LedgerError):
                raise LedgerError(
                    f"{must_zh}升级需要写入该文件 / {must_en}, and it could not be: {exc}"
                ) from exc
            raise
        self.opening_notices.append(upgraded_message(self.path, version, ls.SCHEMA_VERSION, backup))

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
        change = self.file_changed()
        if change == FILE_REPLACED:
            # The save would go into the file that is no longer the ledger. Read the one in
            # its place instead, and let the user look again before saving into it.
            self.reopen()
            said = file_changed_message(
                self.path,
                change,
                "，现已读取该文件；未保存，请核对后重新保存",
                "; it is read now, nothing was saved: check and save again",
            )
            raise LedgerError("\n".join([said, *self.opening_notices]))
        if change is not None:
            raise LedgerError(
                file_changed_message(self.path, change, "，未保存", "; nothing was saved")
            )
        # IMMEDIATE takes the write lock now, so two QGIS sessions cannot interleave a save.
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._refused(exc) from exc
        self._depth = 1
        try:
            yield
            conn.execute("COMMIT")
            self._checkpoint_wal()
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

    def _checkpoint_wal(self) -> None:
        """Move a save out of the write-ahead log into the ledger file itself.

        QGIS's OGR provider turns a GeoPackage into WAL mode while a layer of it is edited; a
        save then lands in <ledger>-wal, and a copy of the ledger file alone (a backup, a USB
        stick) would lack it while looking whole. The checkpoint does not wait: a reader in
        the middle of a read (QGIS drawing the layer) keeps the frames it reads in the WAL,
        where the save is as safe as in the file, and the next save moves them in."""
        conn = self._conn
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return
            conn.execute("PRAGMA busy_timeout = 0")  # never freeze QGIS on another's lock
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(WRITE_LOCK_WAIT_SECONDS * 1000)}")
        except sqlite3.Error:
            pass  # the save is committed either way; the next one checkpoints again

    def _roll_back_quietly(self) -> None:
        """ROLLBACK after a failure; one that itself fails must not hide the first error."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _refused(self, exc: sqlite3.Error) -> LedgerError:
        text = str(exc)
        change = self.file_changed()
        # SQLite says a file moved or replaced under it is "readonly": told apart first.
        if change is not None:
            return LedgerError(
                file_changed_message(
                    self.path, change, f"，未保存（{text}）", f"; nothing was saved ({text})"
                )
            )
        code = getattr(exc, "sqlite_errorname", "")
        if code == "SQLITE_FULL" or "disk is full" in text:
            # The cause leads: there is nothing wrong with the ledger, room must be made.
            return LedgerError(
                f"磁盘已满，台帐 {self.path} 未保存（{text}） / the disk is full: ledger "
                f"{self.path}: nothing was saved ({text})"
            )
        folder = self.path.parent
        if _another_session_writes(text):
            why_zh, why_en = (
                "文件正被其他会话写入，请稍后重试",
                "another session is writing to it: retry",
            )
        elif code == "SQLITE_READONLY_DIRECTORY" or (
            "readonly" in text and os.access(self.path, os.W_OK) and not os.access(folder, os.W_OK)
        ):
            # A save first writes its journal (or WAL) beside the file: a writable ledger in a
            # folder that is not writable is refused all the same, and it is the folder to fix.
            why_zh, why_en = (
                f"所在文件夹 {folder} 为只读（SQLite 无法在其中建立日志文件），无法保存",
                f"the folder {folder} is read-only (SQLite cannot create its journal there)",
            )
        elif "readonly" in text or "read-only" in text:
            why_zh, why_en = "文件为只读，无法保存", "the file is read-only"
        elif "no such table" in text or "no such column" in text:  # dropped since opened
            why_zh, why_en = "不完整或已损坏", "the ledger is incomplete or damaged"
        elif isinstance(exc, sqlite3.IntegrityError):
            # One of the ledger's own rules refused the row (a unique number, a check, a
            # trigger keeping history): the file is readable and writable, which "cannot be
            # read or written" said. The plugin's own checks come first, so a row a hand
            # edit left behind is the likely cause.
            why_zh, why_en = (
                "拒绝了这次保存：有数据不符合台帐自身的规则（台帐可能被手工修改过）",
                "refused the save: a value breaks one of the ledger's own rules (was it edited "
                "by hand?)",
            )
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
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (utc_now(), table)
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

    def _refuses_row(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.IntegrityError)

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

    def _update_extent(self, table: str) -> None:
        bounds = None
        for (blob,) in self._conn.execute(
            f"SELECT {ls.C_GEOM} FROM {table} WHERE {ls.C_GEOM} IS NOT NULL"
        ):
            box = _blob_bounds(blob)  # the header's envelope, or the geometry's when it has none
            if box is None:
                continue
            bounds = box if bounds is None else union_bounds(bounds, box)
        self._conn.execute(
            "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? "
            "WHERE table_name = ?",
            (*(bounds or [None] * 4), utc_now(), table),
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
