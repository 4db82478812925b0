"""Copy a ledger between stores (GeoPackage ⇄ PostGIS) row for row, and prove the copy whole.

The copy works on whole tables, not through the save methods: ids, recorded_at times and the
exact JSON text are kept, so every row of the copy equals its original and references between
rows (a verdict's corrects, a case's spot, an event's case) stay valid. compare_ledgers checks
that: every row of every ledger table, and every evidence file's SHA-256 in both folders.

Rows travel in one neutral form: geometry as little-endian WKB (2D), dates as ISO text, flags
as 0/1, everything else as stored. Saves refused as conflicts exist only on a server
(ledger_verdict_conflicts); copying a server ledger to a GeoPackage says how many stay behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely

from . import ledger_schema as ls
from .evidence import file_sha256
from .ledger import (
    GeoPackageLedger,
    LedgerError,
    LedgerStore,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
    union_bounds,
)

# Parents before children, so references resolve as rows arrive.
COPY_ORDER = (
    ls.T_BATCHES,
    ls.T_SPOTS,
    ls.T_VERDICTS,
    ls.T_EVIDENCE,
    ls.T_PATROLS,
    ls.T_CASES,
    ls.T_CASE_EVENTS,
    ls.T_SETTINGS,
)
GEOMETRY_COLUMN_TABLES = (ls.T_SPOTS, ls.T_PATROLS)
# Meta keys that describe the ledger (copied and compared); others describe one store.
COPIED_META = (ls.META_SCHEMA_VERSION, ls.META_CREATED_AT, ls.META_OFFICE)
CONFLICTS_TABLE = "ledger_verdict_conflicts"


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)
    files_copied: int = 0
    files_present: int = 0
    problems: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        lines = [
            f"已复制 / copied: {counts}; evidence files copied {self.files_copied}, "
            f"already there {self.files_present}"
        ]
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
        store._conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
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
            conn = store._conn
            if (
                conn.execute(
                    f"UPDATE {ls.T_META} SET value = ? WHERE key = ?", (value, key)
                ).rowcount
                == 0
            ):
                conn.execute(f"INSERT INTO {ls.T_META} (key, value) VALUES (?, ?)", (key, value))
        else:
            store._execute(
                f"INSERT INTO {ls.T_META} (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )


def _gpkg_extents(store: GeoPackageLedger) -> None:
    """gpkg_contents' extent of the spots and patrols, as the ledger's own saves keep it."""
    for table in GEOMETRY_COLUMN_TABLES:
        bounds = None
        for (blob,) in store._conn.execute(
            f"SELECT {ls.C_GEOM} FROM {table} WHERE {ls.C_GEOM} IS NOT NULL"
        ):
            geometry = decode_gpkg_geometry(bytes(blob))
            if geometry is None or geometry.is_empty:
                continue
            box = geometry.bounds
            bounds = box if bounds is None else union_bounds(bounds, box)
        store._conn.execute(
            "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? "
            "WHERE table_name = ?",
            (*(bounds or (None,) * 4), table),
        )


# --- the copy -----------------------------------------------------------------------------------
def copy_ledger(
    source: LedgerStore, target: LedgerStore, copy_evidence_files: bool = True
) -> CopyReport:
    """Copy every row of `source` into the empty ledger `target` in one transaction, with the
    evidence files copied into target's evidence folder (each checked against its SHA-256).

    Everything the copy needs is checked before anything is written (_check_copy): a shared
    ledger's history tables are append-only, so rows committed by a copy that then fails could
    only be removed by dropping the schema. The files go first, for the same reason: a copy
    stopped by a file leaves the target ledger empty, and a second run finds the files there."""
    report = CopyReport()
    _check_copy(source, target, copy_evidence_files)
    if copy_evidence_files:
        _copy_files(source, target, report)
    with target.transaction():
        for table in COPY_ORDER:
            columns, rows = table_rows(source, table)
            _load(target, table, columns, rows)
            report.rows[table] = len(rows)
        source_meta = _meta(source)
        _set_meta(target, {k: v for k, v in source_meta.items() if k in COPIED_META})
        if isinstance(target, GeoPackageLedger):
            _gpkg_extents(target)
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
                f"conflicts ({CONFLICTS_TABLE}) exist only on the server"
            )
    return report


def _check_copy(source: LedgerStore, target: LedgerStore, copy_evidence_files: bool) -> None:
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
    if copy_evidence_files and source.evidence():
        _check_writable(Path(target.writable_evidence_dir()))


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
    if refused:
        raise LedgerError(
            f"{target.path}: 此登录无权写入台帐（{', '.join(refused)}），只有执法监察大队可以"
            f"把台帐复制到共享台帐，未复制任何内容 / this login may not write the ledger "
            f"({', '.join(refused)}): only the brigade copies into a shared ledger; nothing "
            "was copied"
        )


def _check_writable(folder: Path) -> None:
    """A file can be written into `folder` (made if missing), as the copy will."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zc_write_check_"):
            pass
    except OSError as error:
        raise LedgerError(
            f"目标台帐的证据文件夹 {folder} 无法写入，未复制任何内容 / the target's evidence "
            f"folder {folder} cannot be written from this machine, nothing was copied: {error}"
        ) from None


def _copy_files(source: LedgerStore, target: LedgerStore, report: CopyReport) -> None:
    records = source.evidence()
    if not records:
        return
    source_root, target_root = Path(source.evidence_dir), Path(target.writable_evidence_dir())
    for record in records:
        origin, copy = source_root / record.path, target_root / record.path
        if copy.is_file() and file_sha256(copy) == record.sha256:
            report.files_present += 1
            continue
        if not origin.is_file():
            report.problems.append(f"证据文件缺失 / evidence file missing: {origin}")
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f".{copy.name}.part")
        shutil.copy2(origin, partial)
        if file_sha256(partial) != record.sha256:
            partial.unlink()
            report.problems.append(
                f"证据文件与记录的哈希不符，未复制 / evidence file does not match its recorded "
                f"hash, not copied: {origin}"
            )
            continue
        partial.replace(copy)
        report.files_copied += 1


# --- the proof ----------------------------------------------------------------------------------
def _digest(path: Path) -> str | None:
    return file_sha256(path) if path.is_file() else None


def compare_ledgers(a: LedgerStore, b: LedgerStore, check_files: bool = True) -> list[str]:
    """Every difference between two ledgers: rows of every table, ledger meta, and evidence
    files whose SHA-256 differs from the record (in either folder). Empty when they are equal."""
    differences: list[str] = []
    for table in COPY_ORDER:
        columns_a, rows_a = table_rows(a, table)
        columns_b, rows_b = table_rows(b, table)
        if sorted(columns_a) != sorted(columns_b):
            differences.append(
                f"{table}: columns differ: {sorted(set(columns_a) ^ set(columns_b))}"
            )
        shared = [c for c in columns_a if c in columns_b]
        key = ls.C_FID if ls.C_FID in shared else shared[0]

        def keyed(columns, rows, shared=shared, key=key):
            at = [columns.index(c) for c in shared]
            return {row[columns.index(key)]: tuple(row[i] for i in at) for row in rows}

        left, right = keyed(columns_a, rows_a), keyed(columns_b, rows_b)
        for row_key in sorted(set(left) | set(right)):
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
    meta_a = {k: v for k, v in _meta(a).items() if k in COPIED_META}
    meta_b = {k: v for k, v in _meta(b).items() if k in COPIED_META}
    if meta_a != meta_b:
        differences.append(f"{ls.T_META}: {meta_a} != {meta_b}")
    if check_files:
        for label, store in (("first", a), ("second", b)):
            root = Path(store.evidence_dir)
            for record in store.evidence():
                found = _digest(root / record.path)
                if found != record.sha256:
                    what = "missing" if found is None else f"sha256 {found}"
                    differences.append(
                        f"evidence {record.id} in the {label} ledger: {record.path} is {what}, "
                        f"recorded {record.sha256}"
                    )
    return differences


def rows_digest(store: LedgerStore) -> str:
    """One SHA-256 over every row of every ledger table: equal ledgers, equal digests."""
    digest = hashlib.sha256()
    for table in COPY_ORDER:
        columns, rows = table_rows(store, table)
        order = sorted(range(len(columns)), key=lambda i: columns[i])
        for row in rows:
            digest.update(repr(tuple(row[i] for i in order)).encode())
    return digest.hexdigest()
