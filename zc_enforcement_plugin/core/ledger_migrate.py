"""Copy a ledger between stores (GeoPackage ⇄ PostGIS) row for row, and prove the copy whole.

The copy works on whole tables, not through the save methods: ids, recorded_at times and the
exact JSON text are kept, so every row of the copy equals its original and references between
rows (a verdict's corrects, a case's spot, an event's case) stay valid. compare_ledgers checks
that: every row of every ledger table, every evidence file's SHA-256 in both folders, and the
bureau's holiday schedule each counts working days by.

The holiday schedule is the one fact the two stores keep in different places: a GeoPackage reads
the holidays.json beside its file, a shared ledger its `holidays` setting (see each store's
work_calendar). The copy carries it to where the target reads it, never as a settings row a
GeoPackage would ignore.

Rows travel in one neutral form: geometry as little-endian WKB (2D), dates as ISO text, flags
as 0/1, everything else as stored. Saves refused as conflicts exist only on a server
(ledger_verdict_conflicts, ledger_case_conflicts); copying a server ledger to a GeoPackage says
how many stay behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import shapely

from . import ledger_schema as ls
from . import workdays
from .disk import write_cause
from .evidence import (
    EvidencePathError,
    evidence_file,
    evidence_sha256,
    file_sha256,
    open_evidence_file,
    stored_path_problem,
)
from .ledger import (
    EvidenceRecord,
    GeoPackageLedger,
    LedgerError,
    LedgerStore,
    SavedWithoutReply,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
)
from .ledger_gpkg import _meta_set
from .ledger_postgis_server import (
    INDEX_CASES,
    T_CASE_CONFLICTS,
    T_CONFLICTS,
    UNINDEX_CASES,
    _meta_upsert,
)
from .ledger_records import CopyCancelled, saved_result
from .progress import Reporter

# Parents before children, so references resolve as rows arrive.
COPY_ORDER = (
    ls.T_BATCHES,
    ls.T_SPOTS,
    ls.T_VERDICTS,
    ls.T_EVIDENCE,
    ls.T_PATROLS,
    ls.T_PATROL_WITHDRAWALS,
    ls.T_CASES,
    ls.T_CASE_EVENTS,
    ls.T_SETTINGS,
)
# Meta keys that describe the ledger (copied and compared); others describe one store.
COPIED_META = (ls.META_SCHEMA_VERSION, ls.META_CREATED_AT, ls.META_OFFICE)
# What a copy stopped before its rows did, as a refusal says it (zh, en): the files it made are
# taken away again (remove_made).
NOT_COPIED = ("未复制任何内容", "nothing was copied")
# compare_ledgers: rows compared between two asks whether the user cancelled, and the part of
# its progress the tables take (the evidence files, read whole to be hashed, the rest).
COMPARED_ROWS_PER_ASK = 500
TABLES_SHARE = 50.0


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)
    files_copied: int = 0
    files_present: int = 0
    problems: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)
    holiday_years: list[str] = field(default_factory=list)
    holidays_to: str = ""  # where the target reads the schedule copied
    # Files and folders the copy made on the target's side, in the order made (see _Made).
    made: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        lines = [
            f"已复制 / copied: {counts}; evidence files copied {self.files_copied}, "
            f"already there {self.files_present}"
        ]
        if self.holiday_years:
            lines.append(
                f"节假日安排 / holiday schedule {', '.join(self.holiday_years)} → "
                f"{self.holidays_to}"
            )
        lines += [f"未复制 / left behind: {item}" for item in self.left_behind]
        lines += [f"问题 / problem: {item}" for item in self.problems]
        return "\n".join(lines)


# --- reading and writing whole tables ---------------------------------------------------------
def _normal_wkb(value: Any) -> bytes | None:
    if value is None:
        return None
    return shapely.to_wkb(shapely.force_2d(shapely.from_wkb(bytes(value))), byte_order=1)


def table_rows(store: LedgerStore, table: str) -> tuple[list[str], list[tuple]]:
    """(columns, rows ordered by key) of one ledger table, in the neutral form."""
    if isinstance(store, GeoPackageLedger):
        conn = store._conn
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        if not columns:
            raise LedgerError(f"{store.path}: 没有表 / no table {table}")
        key = ls.C_FID if ls.C_FID in columns else columns[0]
        rows = conn.execute(f'SELECT * FROM {table} ORDER BY "{key}"').fetchall()
        if ls.C_GEOM in columns:
            at = columns.index(ls.C_GEOM)
            rows = [(*row[:at], _gpkg_to_wkb(row[at]), *row[at + 1 :]) for row in rows]
        flags = [i for i, c in enumerate(columns) if c in ls.SPOT_FLAG_COLUMNS]
        if flags and table == ls.T_SPOTS:
            rows = [
                tuple(int(v) if i in flags and v is not None else v for i, v in enumerate(row))
                for row in rows
            ]
        return columns, [tuple(row) for row in rows]
    if hasattr(store, "table_rows"):
        columns, rows = store.table_rows(table)
        if ls.C_GEOM in columns:
            at = columns.index(ls.C_GEOM)
            rows = [(*row[:at], _normal_wkb(row[at]), *row[at + 1 :]) for row in rows]
        return columns, rows
    raise LedgerError(f"不支持的台帐类型 / cannot copy a {type(store).__name__}")


def ledger_rows(store: LedgerStore, table: str) -> tuple[list[str], list[tuple]]:
    """table_rows without the `holidays` setting: the holiday schedule is copied and compared
    as what each store reads (holiday_schedule), not as a row a GeoPackage ignores."""
    columns, rows = table_rows(store, table)
    if table == ls.T_SETTINGS:
        key = columns.index(ls.C_KEY)
        rows = [row for row in rows if row[key] != ls.SETTING_HOLIDAYS]
    return columns, rows


def _gpkg_to_wkb(blob: Any) -> bytes | None:
    geometry = decode_gpkg_geometry(None if blob is None else bytes(blob))
    return None if geometry is None else shapely.to_wkb(shapely.force_2d(geometry), byte_order=1)


def _load(store: LedgerStore, table: str, columns: list[str], rows: list[tuple]) -> None:
    if isinstance(store, GeoPackageLedger):
        if ls.C_GEOM in columns:
            at = columns.index(ls.C_GEOM)
            rows = [
                (
                    *row[:at],
                    None if row[at] is None else encode_gpkg_geometry(shapely.from_wkb(row[at])),
                    *row[at + 1 :],
                )
                for row in rows
            ]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        # The one-case-per-spot trigger would refuse a spot's second case the source holds:
        # dropped for the load and created again, both inside the copy's transaction, so a
        # failed copy rolls back to the trigger and open_case is refused after the copy.
        unguarded = (
            table == ls.T_CASES
            and store._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                (ls.CASE_PER_SPOT,),
            ).fetchone()
        )
        if unguarded:
            store._conn.execute(f"DROP TRIGGER {ls.CASE_PER_SPOT}")
        store._conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        if unguarded:
            store._conn.execute(ls.CASE_PER_SPOT_TRIGGER)
        return
    store.load_rows(table, columns, rows)


def _target_columns(store: LedgerStore, table: str) -> list[str]:
    return table_rows(store, table)[0]


def _meta(store: LedgerStore) -> dict[str, str]:
    columns, rows = table_rows(store, ls.T_META)
    key, value = columns.index("key"), columns.index("value")
    return {row[key]: row[value] for row in rows}


def _set_meta(store: LedgerStore, values: dict[str, str]) -> None:
    for key, value in values.items():
        if isinstance(store, GeoPackageLedger):
            _meta_set(store._conn, key, value)
        else:
            _meta_upsert(store._conn.cursor(), key, value)


def _gpkg_extents(store: GeoPackageLedger) -> None:
    """gpkg_contents' extent of every table with geometry (those gpkg_geometry_columns lists),
    as the ledger's own saves keep it."""
    tables = store._conn.execute("SELECT table_name FROM gpkg_geometry_columns").fetchall()
    for (table,) in tables:
        store._update_extent(table)


# --- what a copy makes on disk ----------------------------------------------------------------
class _Made:
    """The files and folders a copy makes (holiday file, evidence files and their folders), in
    the order made, so that a copy that fails can take them away: its rows roll back with the
    transaction, and files no committed row refers to would be left for a second run to trip
    over (a holiday file it did not choose, an evidence folder in the way)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths

    def folder(self, path: Path) -> Path:
        """`path` made with its missing parents, each noted before what goes into it."""
        missing = [p for p in (path, *path.parents) if not p.exists()]
        path.mkdir(parents=True, exist_ok=True)
        self.paths += reversed(missing)
        return path

    def file(self, path: Path) -> None:
        self.paths.append(path)


def remove_made(paths: list[Path]) -> list[str]:
    """Remove what a copy made (CopyReport.made), newest first; a folder only when it is empty
    again, so nothing someone else put there goes. What could not be removed, as messages."""
    left = []
    for path in reversed(paths):
        try:
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            else:
                path.unlink(missing_ok=True)
        except OSError as error:
            left.append(f"未能删除 / could not remove {path}: {error}")
    return left


# --- the holiday schedule -------------------------------------------------------------------------
def holiday_place(store: LedgerStore) -> str:
    """Where `store` reads the bureau's holiday schedule from, as messages name it."""
    if isinstance(store, GeoPackageLedger):
        return str(workdays.bureau_holiday_file(store.path))
    return f"{store.path}: {ls.T_SETTINGS} {ls.SETTING_HOLIDAYS}"


def holiday_schedule(store: LedgerStore) -> dict[str, Any]:
    """The bureau's holiday schedule `store` counts working days by, as a holiday file's years
    (comments left out; empty when it has none): a GeoPackage's holidays.json beside it, a
    shared ledger's `holidays` setting. Checked as the calendar reads it."""
    if isinstance(store, GeoPackageLedger):
        file = workdays.bureau_holiday_file(store.path)
        data = workdays.read_holiday_json(file) if file.exists() else {}  # a folder: said
    else:
        data = store.settings().get(ls.SETTING_HOLIDAYS) or {}
    try:
        workdays.holiday_schedules(data, holiday_place(store))
    except workdays.HolidayFileError as error:
        raise LedgerError(str(error)) from None
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _schedule_days(schedule: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Year → what decides its working days and names its notice, comparable as it stands."""
    return {
        year: {
            "holidays": sorted(d.isoformat() for d in sched.holidays),
            "workdays": sorted(d.isoformat() for d in sched.workdays),
            "source": sched.source,
            "published": sched.published,
        }
        for year, sched in workdays.holiday_schedules(schedule, "").items()
    }


def _holiday_differences(a: LedgerStore, b: LedgerStore) -> list[str]:
    left, right = (_schedule_days(holiday_schedule(store)) for store in (a, b))
    differences = []
    for year in sorted(set(left) | set(right)):
        # Each half says it whole (a label pair inside the Chinese half showed its English);
        # the two ledgers' places are joined by 与 / and: " / " is the halves' separator.
        if year not in right:
            place = holiday_place(a)
            differences.append(
                f"节假日安排 {year} 仅在第一个台帐中（{place}） / holiday schedule {year}: only "
                f"in the first ledger ({place})"
            )
        elif year not in left:
            place = holiday_place(b)
            differences.append(
                f"节假日安排 {year} 仅在第二个台帐中（{place}） / holiday schedule {year}: only "
                f"in the second ledger ({place})"
            )
        elif left[year] != right[year]:
            changed = "; ".join(
                f"{name}: {x!r} != {y!r}"
                for name, x, y in ((n, left[year][n], right[year][n]) for n in left[year])
                if x != y
            )
            places = (holiday_place(a), holiday_place(b))
            differences.append(
                f"节假日安排 {year} 不同（{places[0]} 与 {places[1]}）：{changed} / holiday "
                f"schedule {year} differs ({places[0]} and {places[1]}): {changed}"
            )
    return differences


def _check_holidays(source: LedgerStore, target: LedgerStore) -> None:
    """The source's schedule can be read, and a GeoPackage target's place for it is free or
    holds the same: a holidays.json already beside it (another ledger's in that folder) is
    never replaced, and a copy counting other working days would not be the same ledger."""
    schedule = holiday_schedule(source)
    if not isinstance(target, GeoPackageLedger):
        return  # an empty shared ledger has no setting yet (checked with its other rows)
    file = workdays.bureau_holiday_file(target.path)
    if file.exists() and _schedule_days(holiday_schedule(target)) != _schedule_days(schedule):
        raise LedgerError(
            f"目标台帐旁已有节假日文件 {file}，其安排与 {holiday_place(source)} 不同，未复制任何"
            f"内容：请复制到另一个文件夹，或先使该文件与之一致 / a holiday file {file} already "
            f"lies beside the target and gives another schedule than {holiday_place(source)}; "
            "nothing was copied: copy into a folder of its own, or make the file agree first"
        )


def _write_holiday_file(schedule: dict[str, Any], source: LedgerStore, file: Path) -> None:
    """The schedule as the holiday file a GeoPackage reads, written whole or not at all."""
    note = (
        f"由 zcenforcement:copyledger 从 {holiday_place(source)} 复制；此文件即本文件夹中台帐的"
        f"节假日安排 / copied by zcenforcement:copyledger from {holiday_place(source)}; this "
        "file is the holiday schedule of the ledgers in this folder"
    )
    partial = file.with_name(f".{file.name}.{os.getpid()}.part")
    try:
        partial.write_text(
            json.dumps({"_说明 / note": note, **schedule}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        os.replace(partial, file)
    finally:
        partial.unlink(missing_ok=True)


def _carry_holidays(
    source: LedgerStore, target: LedgerStore, report: CopyReport, made: _Made
) -> None:
    """Give `target` the source's holiday schedule where it reads it (see _check_holidays): the
    file beside a GeoPackage, written before the rows as the evidence files are; the setting of
    a shared ledger, inside the copy's transaction."""
    schedule = holiday_schedule(source)
    if not schedule:
        return
    report.holiday_years = sorted(schedule)
    report.holidays_to = holiday_place(target)
    if not isinstance(target, GeoPackageLedger):
        target.set_setting(ls.SETTING_HOLIDAYS, schedule)
        return
    file = workdays.bureau_holiday_file(target.path)
    if not file.exists():  # one with the same schedule is left as it is
        _write_holiday_file(schedule, source, file)
        made.file(file)


# --- the copy -----------------------------------------------------------------------------------
def copy_ledger(
    source: LedgerStore,
    target: LedgerStore,
    copy_evidence_files: bool = True,
    is_cancelled: Callable[[], bool] | None = None,
) -> CopyReport:
    """Copy every row of `source` into the empty ledger `target` in one transaction, with the
    evidence files copied into target's evidence folder (each checked against its SHA-256).

    Everything the copy needs is checked before anything is written (_check_copy): a shared
    ledger's history tables are append-only, so rows committed by a copy that then fails could
    only be removed by dropping the schema. The files go first, for the same reason: a copy
    stopped by a file leaves the target ledger empty. The bureau's holiday schedule goes to
    where the target reads it (_carry_holidays). A copy that fails takes away the files and
    folders it made (report.made, see _Made) as its rows roll back: the target's side is left
    as it was, and a second run starts from there. A copy the shared ledger committed whose
    reply was lost is no failure: its files stay with its rows, and the SavedWithoutReply
    raised carries the report as its result.

    ``is_cancelled`` is asked before each evidence file and each table, and once more before
    the COMMIT: said yes, the copy stops with CopyCancelled, the target as it was. (A statement
    waiting on a shared ledger's network is ended by the store's cancellable, around this.)"""
    report = CopyReport()
    made = _Made(report.made)

    def stop_if_cancelled() -> None:
        if is_cancelled is not None and is_cancelled():
            raise CopyCancelled()

    try:
        _check_copy(source, target, copy_evidence_files, made)
        _note_left_behind(source, target, report)
        if copy_evidence_files:
            _copy_files(source, target, report, made, stop_if_cancelled)
        if isinstance(target, GeoPackageLedger):
            _carry_holidays(source, target, report, made)
        report.problems += shared_spots(source)
        # A commit whose reply was lost: the copy is in the target, the report goes with the
        # error, complete (_note_left_behind went first so that it is).
        with saved_result(report), target.transaction():
            for table in COPY_ORDER:
                stop_if_cancelled()
                columns, rows = ledger_rows(source, table)
                _load(target, table, columns, rows)
                report.rows[table] = len(rows)
            source_meta = _meta(source)
            _set_meta(target, {k: v for k, v in source_meta.items() if k in COPIED_META})
            if isinstance(target, GeoPackageLedger):
                _gpkg_extents(target)
            else:
                _carry_holidays(source, target, report, made)
            stop_if_cancelled()  # the last moment the copy can still leave nothing behind
    except SavedWithoutReply:
        raise  # committed: the files it made are the copy's evidence, kept
    except BaseException:
        remove_made(report.made)
        raise
    return report


def _note_left_behind(source: LedgerStore, target: LedgerStore, report: CopyReport) -> None:
    """What of `source` a copy into `target` does not carry, in report.left_behind."""
    if isinstance(source, GeoPackageLedger) and ls.SETTING_HOLIDAYS in source.settings():
        report.left_behind.append(
            f"{source.path} 的 {ls.T_SETTINGS} 中的 {ls.SETTING_HOLIDAYS} 设置（GeoPackage 台帐"
            f"从不读取它，而读取 {holiday_place(source)}）/ the {ls.SETTING_HOLIDAYS} setting "
            f"in {ls.T_SETTINGS} of {source.path}, which a GeoPackage never reads (it reads "
            f"{holiday_place(source)})"
        )
    if not getattr(source, "sees_every_office", True):
        report.left_behind.append(
            "复制所用的登录只能看到本所的记录，副本只含这些记录 / the login the copy was read "
            "with sees only its own offices' rows: the copy holds only those, not the whole "
            "shared ledger"
        )
    if hasattr(source, "conflicts"):
        refused = len(source.conflicts())
        if refused and not hasattr(target, "conflicts"):
            report.left_behind.append(
                f"{refused} 条被拒绝的冲突保存仅保存在服务器上 / {refused} saves refused as "
                f"conflicts ({T_CONFLICTS}) exist only on the server"
            )
    if hasattr(source, "case_conflicts"):
        refused = len(source.case_conflicts())
        if refused and not hasattr(target, "case_conflicts"):
            report.left_behind.append(
                f"{refused} 条被拒绝的案件步骤或更正仅保存在服务器上 / {refused} case steps or "
                f"corrections refused as conflicts ({T_CASE_CONFLICTS}) exist only on the server"
            )


def shared_spots(store: LedgerStore) -> list[str]:
    """A warning for each spot of `store` holding more than one case: the copy keeps them all
    (the history is append-only; a copy keeps what its source holds), and the brigade should
    know that the copy, like the source, refuses a new case on that spot."""
    columns, rows = table_rows(store, ls.T_CASES)
    spot, case = columns.index(ls.C_SPOT_ID), columns.index(ls.C_ID)
    cases: dict[Any, list[Any]] = {}
    for row in rows:
        if row[spot] is not None:
            cases.setdefault(row[spot], []).append(row[case])
    return [
        f"图斑 fid {spot_id} 有多个案件 {', '.join(map(str, ids))}，已全部复制；多余的案件保留，"
        f"该图斑不能再立新案 / spot fid {spot_id} holds cases {', '.join(map(str, ids))}, "
        "where one is allowed: all are copied; the extra case stays, and no new case can be "
        "opened on that spot"
        for spot_id, ids in sorted(cases.items())
        if len(ids) > 1
    ]


def _check_copy(
    source: LedgerStore, target: LedgerStore, copy_evidence_files: bool, made: _Made
) -> None:
    """Refuse, before anything is written, a copy that could not finish: a target that is not
    empty or of another version, a table of the source with columns the target lacks, a login
    that may not write the target, and evidence with no writable evidence folder on the
    target's side."""
    for table in COPY_ORDER:
        if table_rows(target, table)[1]:
            raise LedgerError(
                f"目标台帐不是空的（{table} 已有记录）/ the target ledger is not empty "
                f"({table} has rows): copy into a new ledger"
            )
    if source.schema_version != target.schema_version:
        raise LedgerError(
            f"台帐版本不同 / schema versions differ: {source.schema_version} → "
            f"{target.schema_version}"
        )
    for table in COPY_ORDER:
        wanted = _target_columns(target, table)
        missing = [c for c in _target_columns(source, table) if c not in wanted]
        if missing:
            raise LedgerError(
                f"目标台帐缺少列 / the target has no column {', '.join(missing)} in {table}"
            )
    _check_may_write(target)
    _check_holidays(source, target)
    _check_stored_paths(source)
    if copy_evidence_files and source.evidence():
        _check_writable(Path(target.writable_evidence_dir()), made)
        _check_no_other_files(source, target)


def _check_may_write(target: LedgerStore) -> None:
    """The login may write every table the copy writes: on a shared ledger only the brigade's
    may (an office's records its own verdicts, not batches), and a refusal found at the first
    INSERT would come after every evidence file was copied into the shared folder."""
    if isinstance(target, GeoPackageLedger):
        return
    # One right per question: has_table_privilege answers for "any of" a list.
    wanted = [(table, "INSERT") for table in (*COPY_ORDER, ls.T_META)] + [(ls.T_META, "UPDATE")]
    refused = list(
        dict.fromkeys(
            table
            for table, right in wanted
            if not target._scalar(
                "SELECT has_table_privilege(%s, %s)", (f'"{target.schema}".{table}', right)
            )
        )
    )
    # A server installed before the copy's index functions (case_index_sql) existed lacks
    # them until install runs again: said here, before any evidence file is copied.
    if not all(
        target._scalar("SELECT to_regproc(%s) IS NOT NULL", (f'"{target.schema}".{name}',))
        for name in (INDEX_CASES, UNINDEX_CASES)
    ):
        raise LedgerError(
            f"{target.path}: 共享台帐缺少复制案件所需的函数，请管理员再次运行 "
            f"ledger_postgis.install，未复制任何内容 / the shared ledger lacks the functions a "
            f"copy of the cases needs ({INDEX_CASES}): ask the administrator to run "
            "ledger_postgis.install again; nothing was copied"
        )
    if refused:
        raise LedgerError(
            f"{target.path}: 此登录无权写入台帐（{', '.join(refused)}），只有执法监察大队可以"
            f"把台帐复制到共享台帐，未复制任何内容 / this login may not write the ledger "
            f"({', '.join(refused)}): only the brigade copies into a shared ledger; nothing "
            "was copied"
        )


def _check_stored_paths(source: LedgerStore) -> None:
    """Refuse a source whose evidence rows name files outside its evidence folder (written by
    hand: psql, a crafted GeoPackage). A shared ledger's check refuses such a row, and a copy
    could never prove itself equal to its source with a file it may not read; so the copy is
    refused before anything is written, naming the rows to the brigade."""
    bad = [
        (record, reason)
        for record in source.evidence()
        if (reason := stored_path_problem(record.path)) is not None
    ]
    if not bad:
        return
    named = "; ".join(
        f"evidence {record.id} (spot fid {record.spot_id}) {record.path!r}: {reason}"
        for record, reason in bad[:5]
    )
    if len(bad) > 5:
        named += f" … (+{len(bad) - 5})"
    raise LedgerError(
        f"{source.path} 有 {len(bad)} 条证据记录的路径不在证据文件夹内（手工写入？），未复制任何"
        f"内容，请执法监察大队核查这些记录 / {source.path} holds {len(bad)} evidence rows whose "
        f"path leads outside the evidence folder (written by hand?); nothing was copied: the "
        f"brigade should check them. {named}"
    )


def _check_writable(folder: Path, made: _Made) -> None:
    """A file can be written into `folder` (made if missing), as the copy will."""
    try:
        made.folder(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zc_write_check_"):
            pass
    except OSError as error:
        raise LedgerError(
            f"目标台帐的证据文件夹 {folder} 无法写入，未复制任何内容 / the target's evidence "
            f"folder {folder} cannot be written from this machine, nothing was copied: {error}"
        ) from None


def _others_in_the_way(source: LedgerStore, target: LedgerStore) -> list[Path]:
    """Files already in the target's evidence folder under a name the copy would write, with
    other contents. Every ledger in a folder shares `evidence/`: another ledger's photo of a
    spot with the same number may be there, and its ledger names it by that hash."""
    root = Path(target.writable_evidence_dir())
    found = []
    for record in source.evidence():
        try:
            place = evidence_file(root, record.path)
        except EvidencePathError:  # a link in the target's folder: written over, it would lead
            found.append(root / record.path)  # the copy elsewhere
            continue
        if place.exists() and not (place.is_file() and file_sha256(place) == record.sha256):
            found.append(place)
    return found


def _check_no_other_files(source: LedgerStore, target: LedgerStore) -> None:
    """Refuse a copy that would have to write over a file already in the target's evidence
    folder: it may be another ledger's, recorded there by its hash (see _others_in_the_way)."""
    in_the_way = _others_in_the_way(source, target)
    if not in_the_way:
        return
    named = "、".join(str(path) for path in in_the_way[:5])
    if len(in_the_way) > 5:
        named += f" … (+{len(in_the_way) - 5})"
    if isinstance(target, GeoPackageLedger):
        remedy_zh = "请复制到一个单独的新文件夹"
        remedy_en = "copy into a new folder of its own"
    else:  # the shared ledger's folder is set on the server, not chosen by the target's path
        remedy_zh = (
            "请执法监察大队用“台帐设置”（ledgersettings）另设一个共享证据文件夹，或先移走这些文件"
        )
        remedy_en = (
            "the brigade sets another shared evidence folder with ledgersettings, or moves "
            "these files away first"
        )
    raise LedgerError(
        f"把 {source.path} 复制到 {target.path} 会覆盖证据文件夹中已有的 {len(in_the_way)} "
        f"个同名而内容不同的文件（可能属于同一文件夹中的另一台帐），未复制任何内容，{remedy_zh}："
        f"{named} / copying {source.path} into {target.path} would write over "
        f"{len(in_the_way)} files already in its evidence folder under the same names with "
        f"other contents (another ledger's in the same folder?); nothing was copied: "
        f"{remedy_en}. {named}"
    )


def _copy_files(
    source: LedgerStore,
    target: LedgerStore,
    report: CopyReport,
    made: _Made,
    stop_if_cancelled: Callable[[], None],
) -> None:
    records = source.evidence()
    if not records:
        return
    source_root, target_root = Path(source.evidence_dir), Path(target.writable_evidence_dir())
    for record in records:
        stop_if_cancelled()  # a video may take minutes to copy to a share
        try:
            origin = evidence_file(source_root, record.path)
        except EvidencePathError as refused:  # a link in the source's folder: not followed
            report.problems.append(refused.said(f"fid {record.spot_id}", ("未复制", "not copied")))
            continue
        try:
            copy = evidence_file(target_root, record.path)
        except EvidencePathError as refused:  # a link put in the target's folder meanwhile
            raise LedgerError(refused.said(f"fid {record.spot_id}", NOT_COPIED)) from None
        if copy.is_file() and file_sha256(copy) == record.sha256:
            report.files_present += 1
            continue
        try:
            # Opened before anything is made: a link put in its place since the look above is
            # refused here, at the opening, not copied as the ledger's file.
            handle = open_evidence_file(source_root, record.path)
        except EvidencePathError as refused:
            report.problems.append(refused.said(f"fid {record.spot_id}", ("未复制", "not copied")))
            continue
        except FileNotFoundError:
            report.problems.append(f"证据文件缺失 / evidence file missing: {origin}")
            continue
        with handle:
            _copy_opened(handle, origin, copy, target_root, record, report, made)


def _copy_opened(
    handle: BinaryIO,
    origin: Path,
    copy: Path,
    target_root: Path,
    record: EvidenceRecord,
    report: CopyReport,
    made: _Made,
) -> None:
    """Copy the source's evidence file, open as ``handle`` (its path ``origin``), to ``copy``
    under the target's evidence folder: _copy_files' work once the file is open, whose bytes,
    not whatever the path names by now, are what is copied."""
    made.folder(copy.parent)
    try:
        evidence_file(target_root, record.path)  # its folder, just made, is no link
    except EvidencePathError as refused:
        raise LedgerError(refused.said(f"fid {record.spot_id}", NOT_COPIED)) from None
    partial = copy.with_name(f".{copy.name}.part")
    try:
        _copy_evidence_bytes(handle, partial)
    except BaseException as error:
        partial.unlink(missing_ok=True)  # half a file under no name the ledger knows
        if isinstance(error, OSError):
            # A full disk said so, naming the evidence file, not its hidden .part.
            chinese, english = write_cause(error)
            raise LedgerError(
                f"{chinese}，无法把图斑 fid {record.spot_id} 的证据文件 {origin} 复制为 "
                f"{copy}，未复制任何内容 / {english}: cannot copy the evidence file "
                f"{origin} of spot fid {record.spot_id} to {copy}; nothing was copied"
            ) from None
        raise
    if file_sha256(partial) != record.sha256:
        partial.unlink()
        report.problems.append(
            f"证据文件与记录的哈希不符，未复制 / evidence file does not match its recorded "
            f"hash, not copied: {origin}"
        )
        return
    if not _place_new(partial, copy):  # put there since the check: never replaced
        report.problems.append(
            f"目标已有同名而内容不同的证据文件，未复制 / the target already holds another "
            f"file of this name, not copied: {copy}"
        )
        return
    made.file(copy)  # only a file this copy put there: cleanup may remove it
    report.files_copied += 1


def _copy_evidence_bytes(handle: BinaryIO, partial: Path) -> None:
    """Write the open file ``handle`` to ``partial``, keeping its time as shutil.copy2 would."""
    with open(partial, "wb") as written:
        shutil.copyfileobj(handle, written, 1 << 20)
    status = os.fstat(handle.fileno())
    os.utime(partial, ns=(status.st_atime_ns, status.st_mtime_ns))


def _place_new(partial: Path, copy: Path) -> bool:
    """Give the whole file `partial` the name `copy` only if nothing has that name; False
    (partial removed) when something does. A hard link claims the name atomically, so a file
    put there by another ledger after _check_copy is neither replaced nor counted as made (and
    so removed by a failed copy's cleanup). Where links are not supported (some shares), the
    name is checked just before the rename."""
    try:
        try:
            os.link(partial, copy)
            return True
        except FileExistsError:
            return False
        except OSError:
            pass
        if copy.exists() or copy.is_symlink():
            return False
        partial.replace(copy)
        return True
    finally:
        partial.unlink(missing_ok=True)


# --- the proof ----------------------------------------------------------------------------------
def _digest(root: Path, stored_path: str) -> str | None:
    try:
        return evidence_sha256(root, stored_path)
    except (EvidencePathError, FileNotFoundError):
        return None  # no file, or names no file of the evidence folder: missing


def compare_ledgers(
    a: LedgerStore,
    b: LedgerStore,
    check_files: bool = True,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[str]:
    """Every difference between two ledgers: rows of every table, ledger meta, the holiday
    schedule each reads, and evidence files whose SHA-256 differs from the record (in either
    folder). Empty when they are equal.

    ``is_cancelled`` is asked before each table, every COMPARED_ROWS_PER_ASK rows and before
    each evidence file is hashed (a video may take a minute): said yes, the comparison stops
    with CopyCancelled. It only reads, so both ledgers are as they were. ``progress`` gets the
    percentage done, the tables first (TABLES_SHARE), then the files."""
    differences: list[str] = []
    tables = Reporter(
        progress, is_cancelled, CopyCancelled, 0, TABLES_SHARE if check_files else 100
    )
    for number, table in enumerate(COPY_ORDER):
        tables(number / len(COPY_ORDER))

        def in_table(share: float, number: int = number) -> None:
            tables((number + share) / len(COPY_ORDER))

        differences += _table_differences(a, b, table, in_table)
    meta_a = {k: v for k, v in _meta(a).items() if k in COPIED_META}
    meta_b = {k: v for k, v in _meta(b).items() if k in COPIED_META}
    if meta_a != meta_b:
        differences.append(f"{ls.T_META}: {meta_a} != {meta_b}")
    differences += _holiday_differences(a, b)
    if check_files:
        files = Reporter(progress, is_cancelled, CopyCancelled, TABLES_SHARE, 100)
        differences += _evidence_differences(a, b, files)
    return differences


def _table_differences(
    a: LedgerStore, b: LedgerStore, table: str, report: Callable[[float], None]
) -> list[str]:
    """compare_ledgers on one table, row by row by its fid; ``report`` gets the share of the
    rows compared (and may raise CopyCancelled)."""
    differences: list[str] = []
    columns_a, rows_a = ledger_rows(a, table)
    columns_b, rows_b = ledger_rows(b, table)
    if sorted(columns_a) != sorted(columns_b):
        differences.append(f"{table}: columns differ: {sorted(set(columns_a) ^ set(columns_b))}")
    shared = [c for c in columns_a if c in columns_b]
    key = ls.C_FID if ls.C_FID in shared else shared[0]

    def keyed(columns, rows):
        at = [columns.index(c) for c in shared]
        return {row[columns.index(key)]: tuple(row[i] for i in at) for row in rows}

    left, right = keyed(columns_a, rows_a), keyed(columns_b, rows_b)
    row_keys = sorted(set(left) | set(right))
    for done, row_key in enumerate(row_keys):
        if done % COMPARED_ROWS_PER_ASK == 0:
            report(done / len(row_keys))
        if row_key not in right:
            differences.append(f"{table} {key}={row_key}: only in the first ledger")
        elif row_key not in left:
            differences.append(f"{table} {key}={row_key}: only in the second ledger")
        elif left[row_key] != right[row_key]:
            changed = [
                f"{column}: {x!r} != {y!r}"
                for column, x, y in zip(shared, left[row_key], right[row_key])
                if x != y
            ]
            differences.append(f"{table} {key}={row_key}: " + "; ".join(changed))
    return differences


def _evidence_differences(
    a: LedgerStore, b: LedgerStore, report: Callable[[float], None]
) -> list[str]:
    """compare_ledgers on the evidence files of both folders, each hashed against its record;
    ``report`` is called before each file (and may raise CopyCancelled)."""
    files = [
        (label, Path(store.evidence_dir), record)
        for label, store in (("first", a), ("second", b))
        for record in store.evidence()
    ]
    differences: list[str] = []
    for done, (label, root, record) in enumerate(files):
        report(done / len(files))
        found = _digest(root, record.path)
        if found != record.sha256:
            what = "missing" if found is None else f"sha256 {found}"
            differences.append(
                f"evidence {record.id} in the {label} ledger: {record.path} is {what}, "
                f"recorded {record.sha256}"
            )
    return differences


def rows_digest(store: LedgerStore) -> str:
    """(tests) One SHA-256 over every row of every ledger table and the holiday schedule the
    ledger reads: equal ledgers, equal digests. A check of a copy apart from compare_ledgers,
    which the copy itself runs."""
    digest = hashlib.sha256()
    for table in COPY_ORDER:
        columns, rows = ledger_rows(store, table)
        order = sorted(range(len(columns)), key=lambda i: columns[i])
        for row in rows:
            digest.update(repr(tuple(row[i] for i in order)).encode())
    digest.update(repr(sorted(_schedule_days(holiday_schedule(store)).items())).encode())
    return digest.hexdigest()
