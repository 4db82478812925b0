"""Reads only the features of a GeoPackage layer that lie near some boxes, through its R-tree.

Screening needs a protection feature only where a spot is: on a district's 150,000 parcels the
spots touch a small share, so reading the whole layer (then throwing most of it away) would cost
more than the overlay itself. A GeoPackage carries an R-tree of its features' bounding boxes
(the gpkg_rtree_index extension); one SQL join of the spots' boxes against it gives the features
to read. Returns None whenever the file is not a plain GeoPackage layer with that index, so the
caller falls back to reading every feature.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import shapely

from . import gpkg_geometry


@dataclass
class GpkgRows:
    geoms: np.ndarray  # shapely geometries as stored (not repaired), never None: the R-tree
    # holds no feature without geometry
    attributes: dict[str, list]
    feature_ids: np.ndarray


# SQLite virtual-machine steps between two calls of the cancel check: about a millisecond.
_CANCEL_CHECK_STEPS = 100_000


def read_near(
    path: str | Path,
    table: str,
    fields: list[str],
    boxes: np.ndarray,
    is_cancelled: Callable[[], bool] | None = None,
    say_skipped: Callable[[str], None] | None = None,
) -> GpkgRows | None:
    """Features of `table` whose bounding box meets one of `boxes` (rows minx, miny, maxx, maxy,
    in the layer's own CRS), ordered by feature id; None when the R-tree path does not apply.

    The R-tree stores boxes rounded outwards to 32-bit floats, so this returns every feature
    that can meet a box and possibly a few more; the caller's exact tests drop those.
    is_cancelled is asked while the query runs (a district's parcels take a second or more);
    once it says yes the read stops and returns no rows, like a cancelled feature loop.
    say_skipped is told, in both languages, why the R-tree path does not apply when it does
    not: the fallback is right but slow (minutes on a district's parcels), and unsaid it
    looks like the plugin is slow on that file.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    boxes = boxes[np.all(np.isfinite(boxes), axis=1)]

    def skipped(chinese: str, english: str) -> None:
        if say_skipped is not None:
            say_skipped(
                f"GeoPackage {path} 图层 {table}：未能经 R 树索引快速读取（{chinese}），改为读取"
                f"全部要素 / GeoPackage {path}, layer {table}: not read through its R-tree "
                f"index ({english}); every feature is read instead, which takes longer"
            )

    try:
        conn = sqlite3.connect(sqlite_uri(Path(path).absolute()) + "?mode=ro", uri=True)
    except (sqlite3.Error, ValueError, OSError) as error:
        skipped(f"SQLite 无法打开该文件：{error}", f"SQLite cannot open the file: {error}")
        return None
    cancelled = False

    def stop_when_cancelled() -> int:
        nonlocal cancelled
        cancelled = cancelled or bool(is_cancelled())
        return int(cancelled)  # non-zero makes SQLite abandon the statement

    if is_cancelled is not None:
        conn.set_progress_handler(stop_when_cancelled, _CANCEL_CHECK_STEPS)
    try:
        layout = _layout(conn, table)
        if layout is None:
            skipped("不是带 R 树索引的要素表", "not a feature table with an R-tree index")
            return None
        fid, geometry, rtree, columns = layout
        if any(name not in columns for name in fields):
            return None  # the caller reports missing fields; its fallback path does that
        if not _index_complete(conn, table, geometry, rtree):
            # A feature the R-tree does not know would be missed: read them all.
            skipped("R 树索引不完整", "the R-tree index is incomplete")
            return None
        conn.execute("CREATE TEMP TABLE near_boxes (minx REAL, miny REAL, maxx REAL, maxy REAL)")
        conn.executemany("INSERT INTO near_boxes VALUES (?, ?, ?, ?)", boxes.tolist())
        # CROSS JOIN keeps the boxes as the outer loop, so each box is one R-tree lookup.
        sql = (
            f"SELECT t.{_quote(fid)}, t.{_quote(geometry)}{', ' if fields else ''}"
            + ", ".join(f"t.{_quote(name)}" for name in fields)
            + f" FROM {_quote(table)} t WHERE t.{_quote(fid)} IN ("
            f"SELECT r.id FROM temp.near_boxes b CROSS JOIN {_quote(rtree)} r "
            "WHERE r.maxx >= b.minx AND r.minx <= b.maxx "
            "AND r.maxy >= b.miny AND r.miny <= b.maxy) "
            f"ORDER BY t.{_quote(fid)}"
        )
        rows = conn.execute(sql).fetchall()
    except sqlite3.Error as error:
        if cancelled:  # interrupted on purpose, not a file this path cannot read
            return _no_rows(fields)
        skipped(f"SQLite 读取出错：{error}", f"SQLite failed to read it: {error}")
        return None
    finally:
        conn.close()
    if is_cancelled is not None and is_cancelled():  # before decoding, the longer part
        return _no_rows(fields)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    # The R-tree's triggers index only non-NULL, non-empty geometries, so every row has one.
    wkbs = np.empty(len(rows), dtype=object)
    try:
        wkbs[:] = [gpkg_geometry.wkb(row[1]) for row in rows]
        geoms = shapely.from_wkb(wkbs, on_invalid="fix")
    except (gpkg_geometry.GeometryBlobError, TypeError, shapely.errors.GEOSException):
        # Not a plain GeoPackage blob: let GDAL or QGIS read the file.
        skipped("几何不是标准 GeoPackage 格式", "a geometry is not a plain GeoPackage blob")
        return None
    if np.any(shapely.is_missing(geoms)):
        # Curves or other WKB this GEOS cannot read: the caller reads through QGIS.
        skipped(
            "含曲线等无法直接读取的几何", "it holds curves or other geometries read only by QGIS"
        )
        return None
    attributes = {name: [row[2 + j] for row in rows] for j, name in enumerate(fields)}
    return GpkgRows(geoms=geoms, attributes=attributes, feature_ids=ids)


def sqlite_uri(path: PurePath) -> str:
    """The SQLite URI of the absolute file `path` (a PureWindowsPath too, for the tests).

    The authority is left empty (file:///…): SQLite refuses any other (`file://server/…`, what
    Path.as_uri() makes of a share \\\\server\\share, is "invalid uri authority: server"), so a
    share keeps its two slashes in the path, file:////server/share/…, which Windows opens as
    that share. A drive letter goes after a slash, file:///Z:/…, which SQLite's Windows layer
    reads as the drive. Built from the path as given, never Path.resolve(), which on Windows
    turns a mapped drive Z: into the share behind it. Everything but / and the drive's colon is
    percent-encoded (UTF-8): '?' and '#' would end the path, '%' would start an escape."""
    posix = path.as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # Z:/dir/x.gpkg
    return "file://" + urllib.parse.quote(posix, safe="/:")


def _no_rows(fields: list[str]) -> GpkgRows:
    return GpkgRows(np.empty(0, dtype=object), {name: [] for name in fields}, np.empty(0, np.int64))


def _layout(conn: sqlite3.Connection, table: str) -> tuple[str, str, str, set[str]] | None:
    """(feature id column, geometry column, R-tree table, all columns) of a feature table, or
    None when it is not an R-tree-indexed feature table with an integer key."""
    row = conn.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
    ).fetchone()
    if row is None:
        return None
    geometry = row[0]
    indexed = conn.execute(
        "SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND column_name = ? "
        "AND extension_name = 'gpkg_rtree_index'",
        (table, geometry),
    ).fetchone()
    rtree = f"rtree_{table}_{geometry}"
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (rtree,)
    ).fetchone()
    if indexed is None or exists is None:
        return None
    info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    keys = [name for _, name, kind, _, _, pk in info if pk and kind.upper() == "INTEGER"]
    if len(keys) != 1:
        return None
    return keys[0], geometry, rtree, {row[1] for row in info}


def _index_complete(conn: sqlite3.Connection, table: str, geometry: str, rtree: str) -> bool:
    """Whether the R-tree holds a box for every feature with a geometry. A tool that writes
    the table without the GeoPackage triggers leaves rows out of it; such rows would silently
    never meet a spot. (A row it moved without the triggers cannot be told from here.)

    The quick answer reads counts and largest ids, not the table: the R-tree's own id table,
    and GDAL's feature count where the file has one (counting a district's dense parcels row by
    row costs as much as reading those near the spots)."""
    rowids = _quote(rtree + "_rowid")
    indexed, last_indexed = conn.execute(f"SELECT count(*), max(rowid) FROM {rowids}").fetchone()
    last_row = conn.execute(f"SELECT max(rowid) FROM {_quote(table)}").fetchone()[0]
    rows = _ogr_feature_count(conn, table)
    if rows is None:
        rows = conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
    if indexed >= rows and (last_row is None or (last_indexed or 0) >= last_row):
        return True
    # Fewer boxes than rows: fine when the others are NULL or empty geometries (the R-tree
    # holds none of those); the empty flag is bit 4 of the blob's flags byte, its 4th.
    column = _quote(geometry)
    with_shape = conn.execute(
        f"SELECT count(*), max(rowid) FROM {_quote(table)} WHERE {column} IS NOT NULL "
        f"AND substr(hex(substr({column}, 4, 1)), 1, 1) "
        "NOT IN ('1', '3', '5', '7', '9', 'B', 'D', 'F')"
    ).fetchone()
    return indexed >= with_shape[0] and (last_indexed or 0) >= (with_shape[1] or 0)


def _ogr_feature_count(conn: sqlite3.Connection, table: str) -> int | None:
    """The feature count GDAL keeps for a table (gpkg_ogr_contents), None when there is none."""
    try:
        row = conn.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)",
            (table,),
        ).fetchone()
    except sqlite3.Error:
        return None  # not written by GDAL: no such table
    return None if row is None else row[0]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
