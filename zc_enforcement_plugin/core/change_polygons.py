"""Change spots from a change raster, read window by window: polygonize, merge seams, number."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from os import PathLike

import numpy as np
import rasterio
import rasterio.features
import shapely
from affine import Affine
from pyproj import CRS
from rasterio.windows import Window

from . import campaigns_schema as cs
from . import domain
from .areas import (
    AreaMethod,
    areas,
    cgcs2000_gk3_code,
    from_local,
    local_origin,
    round_area,
    to_local,
)
from .reproject import guessed_datum, misfits

Cancelled = cs.CampaignCancelled
ELLIPSOIDAL = AreaMethod.ELLIPSOIDAL
PLANAR = AreaMethod.PLANAR


def _check_measurable(path: str, crs: CRS, method: AreaMethod) -> None:
    """Refuses a raster whose spots could not be measured as the law wants: on a datum that
    needs the bureau's own shift parameters (Beijing 1954, Xian 1980), or, for planar areas, in
    anything but a CGCS2000 Gauss-Krüger zone (Web Mercator's "metres" overstate Zichuan's
    areas by half). Ellipsoidal areas are right from any other projection on a GRS80 or
    WGS 84 datum: the vertices are taken back to the ellipsoid."""
    target = CRS.from_epsg(domain.EPSG_CGCS2000_GEOGRAPHIC)
    datum = guessed_datum(crs, target)
    if datum:
        raise ValueError(
            f"栅格 {path} 的坐标系基于 {datum}，须先用本局参数转换到 CGCS2000 "
            f"(raster {path} is on {datum}: convert it to CGCS2000 with the bureau's parameters)"
        )
    if method is AreaMethod.PLANAR and cgcs2000_gk3_code(crs) is None:
        raise ValueError(
            f"栅格 {path} 不在 CGCS2000 三度带高斯-克吕格投影中 ({crs.name})，不能计算平面面积；"
            "请改用椭球面积或先重投影到 EPSG:4527 (planar areas need a CGCS2000 3-degree "
            f"Gauss-Krüger raster, not {crs.name}: use ellipsoidal areas or warp it to "
            "EPSG:4527 first)"
        )


def _windows(height: int, width: int, block: tuple[int, int], size: int) -> list[Window]:
    """Windows of about `size` pixels a side, aligned to the raster's blocks.

    The side is rounded up to whole blocks, so each block is decoded once; a striped raster
    (blocks one row high and the full width) gets full-width windows of `size` rows.
    """
    bh, bw = (max(1, int(b)) for b in block)
    wh = bh * max(1, math.ceil(size / bh))
    ww = bw * max(1, math.ceil(size / bw))
    return [
        Window(col, row, min(ww, width - col), min(wh, height - row))
        for row in range(0, height, wh)
        for col in range(0, width, ww)
    ]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label (smallest member index) of n nodes joined by edges a-b."""
    labels = np.arange(n)
    if len(a) == 0:
        return labels
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]  # pointer jumping: follow labels to their root
        if np.array_equal(new, labels):
            return labels
        labels = new


def _check_codes(county_code: str, year: int, start_sequence: int) -> tuple[str, str]:
    county = str(county_code).strip()
    if len(county) != 6 or not county.isdigit():
        raise ValueError(f"县级行政区代码须为 6 位数字 (county code must be 6 digits): {county!r}")
    year_text = str(year).strip()
    if len(year_text) != 4 or not year_text.isdigit():
        raise ValueError(f"年度须为 4 位数字 (year must be 4 digits): {year!r}")
    if int(start_sequence) < 1:
        raise ValueError(f"起始顺序号须 ≥ 1 (start sequence must be ≥ 1): {start_sequence}")
    return county, year_text


def polygonize_change(
    raster_path: str | PathLike,
    change_values: Collection[float] | None = None,
    *,
    min_area_sqm: float,
    simplify_tolerance_m: float | None = None,
    county_code: str,
    year: int | str,
    start_sequence: int = 1,
    window_size: int = 2048,
    spot_type: str = cs.CHANGE_SPOT_TYPE,
    band: int = 1,
    connectivity: int = 4,
    area_method: AreaMethod | str = ELLIPSOIDAL,
    open_options: Mapping[str, str] | None = None,
    messages: list[str] | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, list[dict]]:
    """Spots (polygons in the raster's CRS) and their records JCBH, XZQDM, TBLX, JCMJ (m²).

    A cell is change when its value is in `change_values` (default: any nonzero value), so a
    0/1 mask and a class raster both work; nodata and masked cells are never change. Adjacent
    change cells form one spot whatever their class (`connectivity` 4 or 8). The raster is
    read in block-aligned windows of about `window_size` pixels; pieces are polygonized in
    pixel coordinates, which are integers, so pieces meeting on a window seam join exactly.
    Spots under `min_area_sqm` (area by `area_method`, before simplification) are dropped.
    With `simplify_tolerance_m`, each spot is simplified (topology preserved) and the
    simplification is kept only if the Hausdorff distance between old and new boundary is
    ≤ the tolerance and the result is valid, else the spot stays as polygonized. Spots are
    numbered north to south, then west to east (top edge, then left edge):
    JCBH = county code (6) + year (4) + sequence (4 digits from `start_sequence`). GDAL open
    options (`open_options`, e.g. a GeoPackage's TABLE) are given to GDAL, and one it does not
    honour is refused (see _opened). Notes go to `messages` when given.
    """
    report = cs.Reporter(progress, is_cancelled)
    report(0.0)
    notes: list[str] = messages if messages is not None else []
    method = AreaMethod(area_method)
    county, year_text = _check_codes(county_code, year, start_sequence)
    _check_settings(connectivity, min_area_sqm, simplify_tolerance_m)
    values = None if change_values is None else np.array(sorted(change_values), dtype=float)

    path = str(raster_path)
    with _opened(path, open_options or {}) as src:
        crs_key = _measurable_crs(src, path, band, method)
        transform = src.transform
        windows = _windows(src.height, src.width, src.block_shapes[band - 1], window_size)
        pieces, piece_window = _change_pieces(src, band, windows, values, connectivity, report)
        report(70.0)

    geoms = _valid_polygons(cs.as_geometry_array(pieces))
    geoms = _merge_seams(geoms, np.asarray(piece_window, dtype=int), windows, connectivity)
    report(80.0)
    empty_result: tuple[np.ndarray, list[dict]] = (np.empty(0, dtype=object), [])
    if len(geoms) == 0:
        notes.append(f"栅格 {path}: 未发现变化像元 / raster {path}: no changed pixels found")
        return empty_result

    # Pixel -> raster CRS, then a local frame for precise areas and simplification.
    world = _pixels_to_world(geoms, transform)
    origin = local_origin(shapely.total_bounds(world))
    local = to_local(world, origin)
    area = areas(local, method, crs_key, origin)
    _refuse_unmeasured(path, world, area)
    keep = area >= min_area_sqm
    if (~keep).any():
        notes.append(
            f"栅格 {path}: {int((~keep).sum())} 个变化斑块小于最小上图面积"
            f" {min_area_sqm} m²，已舍去 / raster {path}: {int((~keep).sum())} change patches "
            f"smaller than the minimum mapping unit {min_area_sqm} m² were left out"
        )
    world, local, area = world[keep], local[keep], area[keep]
    if len(world) == 0:
        return empty_result

    if simplify_tolerance_m is not None:
        world, area = _simplified(
            local, area, float(simplify_tolerance_m), origin, method, crs_key, path, notes
        )
    report(90.0)

    world, area = _north_to_south(world, area)
    records = _spot_records(area, county, year_text, start_sequence, spot_type)
    report(100.0)
    return world, records


# GDAL says so, as a warning, when it leaves an open option out: "driver GPKG does not support
# open option X", "'v' is an unexpected value for X open option ...", "X open option ignored
# in read-only mode". rasterio logs GDAL's warnings here.
_GDAL_LOG = logging.getLogger("rasterio._env")
_OPEN_OPTION_NOTE = re.compile(r"open option", re.IGNORECASE)


@contextmanager
def _opened(path: str, open_options: Mapping[str, str]) -> Iterator:
    """The raster opened with its GDAL open options, refusing one GDAL does not honour.

    GDAL only warns and opens the raster without such an option, so the cells or the
    georeference read would not be those the option asked for (QGIS shows the raster the
    same way, but the user wrote the option for a reason): refused, naming it.
    """
    unheard: list[str] = []

    class _Listener(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            # Only this thread's open: another algorithm may be reading a raster meanwhile.
            if record.thread == threading.get_ident():
                unheard.append(record.getMessage())

    listener = _Listener(logging.WARNING)
    level = _GDAL_LOG.level
    _GDAL_LOG.addHandler(listener)
    if not _GDAL_LOG.isEnabledFor(logging.WARNING):
        _GDAL_LOG.setLevel(logging.WARNING)  # a quieter root would hide GDAL's warning
    try:
        # Upper case, as GDAL names its options: a key is never taken for one of
        # rasterio.open's own arguments (driver, mode, …).
        src = rasterio.open(path, **{key.upper(): value for key, value in open_options.items()})
    finally:
        _GDAL_LOG.removeHandler(listener)
        _GDAL_LOG.setLevel(level)
    with src:
        _refuse_unheard_options(path, open_options, unheard)
        yield src


def _refuse_unheard_options(path: str, open_options: Mapping[str, str], notes: list[str]) -> None:
    """ValueError naming the first option one of GDAL's `notes` says it left out."""
    for key, value in open_options.items():
        word = re.compile(rf"\b{re.escape(key)}\b", re.IGNORECASE)
        for note in notes:
            if _OPEN_OPTION_NOTE.search(note) and word.search(note):
                raise ValueError(
                    f"栅格 {path} 的 GDAL 打开选项 {key}={value} 未被采用（{note}），读出的"
                    f"栅格将与所给的不同：请从数据源中去掉或改正该选项 / raster {path}: GDAL "
                    f"does not honour the open option {key}={value} ({note}), so the raster "
                    "read would not be the one asked for: remove or correct the option in the "
                    "source"
                )


def _check_settings(
    connectivity: int, min_area_sqm: float, simplify_tolerance_m: float | None
) -> None:
    """Refuses settings no run could honour, before the raster is read."""
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, not {connectivity}")
    if not (min_area_sqm >= 0):  # written so, a NaN is refused too
        raise ValueError(f"最小上图面积须 ≥ 0 (minimum mapping unit must be ≥ 0): {min_area_sqm}")
    if simplify_tolerance_m is not None and not simplify_tolerance_m > 0:
        raise ValueError(
            f"简化容差须 > 0 (simplification tolerance must be > 0): {simplify_tolerance_m}"
        )


def _measurable_crs(src, path: str, band: int, method: AreaMethod) -> int | str:
    """The raster's CRS as areas() takes it (an EPSG code, else its WKT), once the raster is
    known to be projected, to have the band asked for and to be measurable as the law wants."""
    if src.crs is None:
        raise ValueError(f"栅格 {path} 没有坐标系 (raster has no CRS); 须为投影坐标系")
    if not src.crs.is_projected:
        raise ValueError(
            f"栅格 {path} 不是投影坐标系 ({src.crs.to_string()}): 变化图斑面积须在投影坐标系"
            " (e.g. CGCS2000 3-degree GK, EPSG:4527) 中计算 (raster is not projected)"
        )
    if not 1 <= band <= src.count:
        raise ValueError(
            f"栅格 {path} 没有第 {band} 波段（共 {src.count} 个波段） / raster {path} has no "
            f"band {band} (it has {src.count} bands)"
        )
    epsg = src.crs.to_epsg()
    crs_key: int | str = epsg if epsg is not None else src.crs.to_wkt()
    crs = CRS.from_user_input(crs_key)
    _check_measurable(path, crs, method)
    _refuse_misfit(src, path, crs)
    return crs_key


def _refuse_misfit(src, path: str, crs: CRS) -> None:
    """Refuses a raster whose cells lie where its CRS puts nothing in China (a zone-prefixed
    mask labelled with another zone or with no prefix, metres labelled degrees): its spots
    would be measured and placed meaninglessly. Judged as the vector readers judge a feature
    (reproject.misfits), on the raster's footprint."""
    footprint = _pixels_to_world(
        cs.as_geometry_array([shapely.box(0, 0, src.width, src.height)]), src.transform
    )
    if not len(misfits(footprint, crs)):
        return
    x1, y1, x2, y2 = shapely.bounds(footprint[0])
    named = crs.to_string()
    named = crs.name if named == crs.name else f"{named} ({crs.name})"
    where = f"x={x1:.4f}, y={y1:.4f} – x={x2:.4f}, y={y2:.4f}"
    raise ValueError(
        f"栅格 {path} 的坐标不符合其坐标系 {named}：像元位于 {where}，该坐标系在中国境内"
        "没有这样的位置（经纬度标成了投影坐标系，或带号缺失、错误？），请设置栅格正确的坐标系"
        f" / raster {path} does not fit its CRS {named}: its cells lie at {where}, where that"
        " CRS puts nothing in China (longitude/latitude under a projected CRS, or a missing or"
        " wrong zone prefix?): set the raster's right CRS"
    )


def _refuse_unmeasured(path: str, world: np.ndarray, area: np.ndarray) -> None:
    """Refuses spots whose area could not be computed (NaN, inf): such a spot is neither
    above nor below the mapping unit, and dropping it as small would lose it unsaid."""
    bad = np.flatnonzero(~np.isfinite(area))
    if not len(bad):
        return
    x, y = shapely.bounds(world[bad[0]])[:2]
    raise ValueError(
        f"栅格 {path}：{len(bad)} 个变化斑块无法计算面积，如位于 x={x:.4f}, y={y:.4f} 的斑块；"
        f"请检查栅格的坐标系 / raster {path}: the area of {len(bad)} change spots cannot be "
        f"computed, e.g. the spot at x={x:.4f}, y={y:.4f}: check the raster's CRS"
    )


def _valid_polygons(pieces: np.ndarray) -> np.ndarray:
    """The pieces, each made valid. GDAL's 8-connected polygonize traces cells that meet only
    at a corner as one ring touching itself there, which is invalid: unions and simplification
    of such a ring go wrong and screening would flag the spot as repaired. make_valid splits
    it where it touches (a MultiPolygon, or a polygon with its hole), the area unchanged;
    only the polygonal parts are kept (it can add the touching point as a stray part)."""
    bad = np.flatnonzero(~shapely.is_valid(pieces))
    if not len(bad):
        return pieces
    fixed = shapely.make_valid(pieces[bad])
    # Two levels: make_valid may give a collection holding a MultiPolygon.
    parts, owner = shapely.get_parts(fixed, return_index=True)
    parts, deeper = shapely.get_parts(parts, return_index=True)
    owner = owner[deeper]
    polygonal = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[polygonal], owner[polygonal]
    out = pieces.copy()
    counts = np.bincount(owner, minlength=len(bad))
    single = counts[owner] == 1
    out[bad[owner[single]]] = parts[single]
    several = np.flatnonzero(counts > 1)
    if len(several):
        many = ~single
        out[bad[several]] = shapely.multipolygons(parts[many], indices=owner[many])[several]
    return out


def _change_pieces(
    src,
    band: int,
    windows: list[Window],
    values: np.ndarray | None,
    connectivity: int,
    report: cs.Reporter,
) -> tuple[list[shapely.Geometry], list[int]]:
    """The change pieces of each window, in pixel coordinates of the whole raster (exact
    integers, so pieces meeting on a seam join exactly), with the window each came from."""
    pieces: list[shapely.Geometry] = []
    piece_window: list[int] = []
    for wi, win in enumerate(windows):
        report(70.0 * wi / len(windows))
        change = _change_cells(src, band, win, values)
        if not change.any():
            continue
        shift = Affine.translation(win.col_off, win.row_off)
        for geojson, _value in rasterio.features.shapes(
            change.view(np.uint8), mask=change, connectivity=connectivity, transform=shift
        ):
            pieces.append(shapely.geometry.shape(geojson))
            piece_window.append(wi)
    return pieces, piece_window


def _change_cells(src, band: int, win: Window, values: np.ndarray | None) -> np.ndarray:
    """Which cells of a window are change: a value in `values` (any nonzero value when None);
    nodata and masked cells never are."""
    data = src.read(band, window=win)
    valid = src.read_masks(band, window=win) > 0
    if data.dtype.kind == "f":  # NaN is no value, declared as nodata or not
        valid &= np.isfinite(data)
    return (np.isin(data, values) if values is not None else data != 0) & valid


def _pixels_to_world(geoms: np.ndarray, transform: Affine) -> np.ndarray:
    """Pixel (column, row) geometries in the raster's CRS."""
    a, b, c, d, e, f = transform.a, transform.b, transform.c, transform.d, transform.e, transform.f
    return shapely.transform(
        geoms,
        lambda xy: np.column_stack(
            [a * xy[:, 0] + b * xy[:, 1] + c, d * xy[:, 0] + e * xy[:, 1] + f]
        ),
    )


def _simplified(
    local: np.ndarray,
    area: np.ndarray,
    tol: float,
    origin: tuple[float, float],
    method: AreaMethod,
    crs_key: int | str,
    path: str,
    notes: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """(world geometries, areas) with each spot simplified where its boundary moves at most
    `tol` and it stays valid; any other spot keeps its polygonized shape and area."""
    simple = shapely.simplify(local, tol, preserve_topology=True)
    moved = shapely.hausdorff_distance(shapely.boundary(local), shapely.boundary(simple))
    ok = shapely.is_valid(simple) & ~shapely.is_empty(simple) & (moved <= tol * (1.0 + 1e-9))
    if (~ok).any():
        notes.append(
            f"栅格 {path}: {int((~ok).sum())} 个图斑简化后边界移动超过 {tol} m 或无效，保留原形"
            f" / raster {path}: {int((~ok).sum())} spots would move by more than {tol} m or be "
            "invalid when simplified: kept as they were"
        )
    local = np.where(ok, simple, local)
    return from_local(local, origin), np.where(ok, areas(local, method, crs_key, origin), area)


def _north_to_south(world: np.ndarray, area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The spots in numbering order: north to south by the top edge, then west to east by
    the left edge; mm rounding keeps the order stable against floating noise, the centroid
    breaks the rare remaining ties."""
    bounds = np.round(shapely.bounds(world), 3)
    cent = shapely.get_coordinates(shapely.centroid(world))
    order = np.lexsort((cent[:, 0], -cent[:, 1], bounds[:, 0], -bounds[:, 3]))
    return world[order], area[order]


def _spot_records(
    area: np.ndarray, county: str, year_text: str, start_sequence: int | str, spot_type: str
) -> list[dict]:
    """One record per spot, in order: JCBH = county + year + a sequence from
    `start_sequence`, refused when the sequence would outgrow its digits."""
    digits = cs.JCBH_SEQUENCE_DIGITS
    first = int(start_sequence)
    last = first + len(area) - 1
    if last >= 10**digits:
        raise ValueError(
            f"图斑顺序号超过 {digits} 位: {len(area)} 个图斑从 {start_sequence} 起编到 {last}"
            f" / spot sequence numbers longer than {digits} digits: {len(area)} spots numbered "
            f"from {start_sequence} to {last}"
        )
    rounded = round_area(area)
    return [
        {
            domain.SPOT_NUMBER: f"{county}{year_text}{first + i:0{digits}d}",
            domain.SPOT_COUNTY_CODE: county,
            domain.SPOT_TYPE: spot_type,
            domain.SPOT_MONITORED_AREA: float(rounded[i]),
        }
        for i in range(len(area))
    ]


def _merge_seams(
    geoms: np.ndarray, window_of: np.ndarray, windows: list[Window], connectivity: int
) -> np.ndarray:
    """Union the pieces that meet across window seams; others pass through untouched."""
    if len(geoms) == 0:
        return geoms
    bounds = shapely.bounds(geoms)  # pixel coordinates: (col0, row0, col1, row1)
    col0 = np.array([w.col_off for w in windows])[window_of]
    row0 = np.array([w.row_off for w in windows])[window_of]
    col1 = col0 + np.array([w.width for w in windows])[window_of]
    row1 = row0 + np.array([w.height for w in windows])[window_of]
    # Only a piece reaching its window's edge can continue in the next window; the raster's
    # outer edge has no neighbour, but testing it too only adds a few harmless candidates.
    on_seam = (
        (bounds[:, 0] <= col0)
        | (bounds[:, 2] >= col1)
        | (bounds[:, 1] <= row0)
        | (bounds[:, 3] >= row1)
    )
    seam = np.flatnonzero(on_seam)
    if len(seam) < 2:
        return geoms
    tree = shapely.STRtree(geoms[seam])
    a, b = tree.query(geoms[seam], predicate="intersects")
    pair = (a < b) & (window_of[seam][a] != window_of[seam][b])
    a, b = a[pair], b[pair]
    if connectivity == 4 and len(a):
        # 4-connected: pieces meeting only at a corner point stay apart.
        shared = shapely.length(shapely.intersection(geoms[seam][a], geoms[seam][b]))
        a, b = a[shared > 0], b[shared > 0]
    labels = _components(len(seam), a, b)
    sizes = np.bincount(labels, minlength=len(seam))
    out = [g for g in geoms[~on_seam]]
    out.extend(geoms[seam][sizes[labels] == 1])
    for root in np.flatnonzero(sizes > 1).tolist():
        # The union keeps the seam's now-collinear vertices; a zero-tolerance simplify drops
        # exactly those (pixel coordinates are integers, so nothing else moves).
        merged = shapely.union_all(geoms[seam][labels == root])
        out.append(shapely.simplify(merged, 0.0, preserve_topology=True))
    return cs.as_geometry_array(out)
