"""The overlay of one protection layer on the spots: repair, bulk index queries, pieces and
their areas, split over the cores; the layers as the engine takes them (LayerInput)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import domain
from .areas import (
    AreaMethod,
    areas,
    round_area,
    to_local,
)
from .geometry_repair import invalid_reasons, make_valid, needs_repair, polygons_of

# Pairs handled per intersection batch: between batches progress is reported and cancel checked.
_CHUNK = 20000
TOL = domain.TOUCH_TOLERANCE_SQM
_POLYGON, _MULTIPOLYGON = 3, 6


def shows(area: np.ndarray | float) -> np.ndarray | bool:
    """Whether an overlap of `area` m² shows in the figures: 0.01 m² or more once rounded to
    cents half up (round_area), so from 0.005 m². The one rule for a layer's SF… flag and the
    features it names, so a flag is set exactly when the area beside it reads more than 0.00."""
    return round_area(area) > 0


@dataclass
class LayerInput:
    """One protection layer as plain arrays, already in the measuring CRS."""

    geoms: np.ndarray  # shapely geometries (may include None/empty/invalid)
    labels: np.ndarray  # str id/code/name per feature (for hits fields and pieces)
    class_codes: np.ndarray | None = None  # DLBM for land use
    ridge_coefficients: np.ndarray | None = None  # KCXS for land use
    feature_ids: np.ndarray | None = None  # ids naming repaired features in notes
    # How messages name the layer: its name and the file it was read from. A district's
    # GeoPackages each hold a DLTB, and a message must say which.
    name: str = ""
    # Approvals: the date each was granted and the date it ends (datetime.date or None), and
    # its kind (农转用, 临时用地, ...), when the layer has them.
    granted: np.ndarray | None = None
    ends: np.ndarray | None = None
    kinds: np.ndarray | None = None
    # Approvals whose dates cannot both be right (ending before granted): counted whatever
    # their term, and their spots checked rather than cleared on their strength.
    term_unknown: np.ndarray | None = None


@dataclass
class Overlay:
    """Pieces of one layer, sorted by spot."""

    spot: np.ndarray
    feat: np.ndarray
    geom: np.ndarray  # local frame
    area: np.ndarray  # by method
    planar: np.ndarray  # planar local-frame area, for overlap detection
    sums: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per spot Σ area


@dataclass
class Repairs:
    """A layer's features repaired (those near a spot: only they are repaired), each with
    GEOS's reason and its planar area in the local frame as delivered (rings as they stand:
    overlapping parts counted twice, a bow-tie's lobes cancelling) and once repaired."""

    feat: np.ndarray
    reasons: np.ndarray
    before: np.ndarray
    after: np.ndarray


# --- geometry repair ------------------------------------------------------------------------------
def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Polygonal part of each geometry (Polygon/MultiPolygon kept as is, others reduced)."""
    out = np.array(geoms, dtype=object)
    types = shapely.get_type_id(out)
    other = np.flatnonzero((types != _POLYGON) & (types != _MULTIPOLYGON) & (types >= 0))
    if len(other) == 0:
        return out
    # Collections opened at any depth: opened two levels, a valid GC(GC(MultiPolygon)) lost
    # all its land without a word, a red line over a whole spot measured 0 m².
    found = polygons_of(out[other])
    found[shapely.is_empty(found)] = shapely.Polygon()
    out[other] = found
    return out


def repair(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid polygonal geometries; returns (geoms, index of repaired ones, their reasons as
    GEOS gives them: a note wants them in Chinese, a message in both languages)."""
    geoms = np.asarray(geoms, dtype=object)
    bad = np.flatnonzero(needs_repair(geoms))
    reasons = invalid_reasons(geoms[bad]) if len(bad) else np.array([], dtype=object)
    out = geoms.copy()
    if len(bad):
        out[bad] = make_valid(geoms[bad])
    types = shapely.get_type_id(out)
    if np.any((types != _POLYGON) & (types != _MULTIPOLYGON) & (types >= 0)):
        out = polygonal(out)
    return out, bad, reasons


def say_repair_area_change(
    repair_notes: dict[int, int],
    spots_in: np.ndarray,
    spots_local: np.ndarray,
    origin: tuple[float, float],
    notes: list[list[str]],
) -> None:
    """Complete each repaired spot's note with what the repair did to its area: the reviewer
    signs figures of the repaired shape, and the area computed from the delivered rings as they
    stand (a bow-tie's halves cancel, a hole outside its shell is subtracted) shows whether the
    repair gained or lost land. Planar areas in the local frame: a comparison, not a figure."""
    if not repair_notes:
        return
    rows = np.fromiter(repair_notes, dtype=int)
    before = round_area(shapely.area(to_local(spots_in[rows], origin)))
    after = round_area(np.nan_to_num(shapely.area(spots_local[rows])))  # nothing left: 0
    for i, was, now in zip(rows.tolist(), before.tolist(), after.tolist()):
        change = (
            "面积未变"
            if was == now
            else f"平面面积按原坐标直接计算为 {was:,.2f} 平方米，修复后为 {now:,.2f} 平方米"
        )
        notes[i][repair_notes[i]] += f"（{change}）"


def unusable_coordinates(geoms: np.ndarray) -> np.ndarray:
    """Whether each geometry holds a coordinate that is not a finite number (NaN, ±inf): GEOS
    cannot repair or overlay it, and its area would be NaN. The area tells, at GEOS speed."""
    geoms = np.asarray(geoms, dtype=object)
    with np.errstate(invalid="ignore", over="ignore"):
        area = shapely.area(geoms)
    return ~shapely.is_missing(geoms) & ~np.isfinite(area)


def search_boxes(geoms: np.ndarray) -> np.ndarray:
    """(minx, miny, maxx, maxy) of every coordinate of each geometry, NaN where it has none:
    where to look for a spot's protection features. Not the GEOS envelope, which is the
    shell's: a spot whose hole lies outside its shell is repaired into two polygons, and the
    features under the second would never be read."""
    geoms = np.asarray(geoms, dtype=object)
    boxes = np.full((len(geoms), 4), np.nan)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    if len(owner):
        # Reduced by runs of one owner (coordinates come in their geometries' order):
        # np.minimum.at took a tenth of a second on a district's parcels.
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        boxes[owner[starts]] = np.hstack(
            [np.minimum.reduceat(coords, starts), np.maximum.reduceat(coords, starts)]
        )
    boxes[~np.isfinite(boxes).all(axis=1)] = np.nan
    return boxes


def boxes_beyond_shells(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, boxes) of the features whose coordinates reach beyond GEOS's envelope (their
    shells'), with the box of all their coordinates (search_boxes): a hole drawn outside its
    shell is land once repaired, and a spot there must find the feature. Only features with
    holes or parts are looked at: a district's parcels are mostly simple polygons."""
    odd = np.flatnonzero(
        (shapely.get_type_id(geoms) != shapely.GeometryType.POLYGON)
        | (shapely.get_num_interior_rings(geoms) > 0)
    )
    boxes = search_boxes(geoms[odd])
    wider = np.isfinite(boxes).all(axis=1) & np.any(boxes != shapely.bounds(geoms[odd]), axis=1)
    return odd[wider], boxes[wider]


def searchable(geoms: np.ndarray) -> np.ndarray:
    """What a layer's search index holds for each feature: the feature, or the box of all its
    coordinates where that reaches beyond its shells (boxes_beyond_shells); the index is
    queried by boxes alone."""
    rows, boxes = boxes_beyond_shells(geoms)
    if len(rows) == 0:
        return geoms
    index = geoms.copy()
    index[rows] = shapely.box(*boxes.T)
    return index


# --- the overlay of one layer ---------------------------------------------------------------------
def on_all_cores(
    func: Callable, *arrays: np.ndarray, groups: np.ndarray | None = None
) -> np.ndarray:
    """func(*arrays) element-wise, split over the machine's cores: shapely releases the GIL
    while GEOS works (and numpy and PROJ on large arrays), so threads give a real speed-up on
    the heaviest steps of the overlay.

    groups (sorted, one per element): where the same prepared geometry recurs in the first
    array, its elements stay in one thread. GEOS builds a prepared geometry's indexes lazily,
    on first use, without a lock: two threads using it at once can crash the process.
    """
    n = len(arrays[0])
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or n < 2000:
        return func(*arrays)
    bounds = np.linspace(0, n, workers + 1).astype(int)
    if groups is not None:
        starts = np.flatnonzero(np.diff(groups)) + 1  # where a new group begins
        at = np.searchsorted(starts, bounds[1:-1])  # the first group start at or after each cut
        padded = np.append(starts, n)
        bounds[1:-1] = padded[at]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(
            lambda i: func(*(x[bounds[i] : bounds[i + 1]] for x in arrays)), range(workers)
        )
        return np.concatenate(list(parts))


def overlay_layer(
    spots_global: np.ndarray,
    spots_local: np.ndarray,
    spot_bounds: np.ndarray,
    spot_area: np.ndarray,
    layer: LayerInput,
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
    tick: Callable[[float], None],
) -> tuple[Overlay, Repairs]:
    """Spot ∩ feature pieces of one layer; also the features repaired, for notes and warnings."""
    geoms = np.asarray(layer.geoms, dtype=object)
    unusable = np.flatnonzero(unusable_coordinates(geoms))
    if len(unusable):  # a feature GEOS cannot take: said, not a traceback
        names = feature_names(layer)
        raise ValueError(
            f"{len(unusable)} 个要素（{names[unusable[0]]} 等）的坐标含非数值（NaN 或无穷大）"
            f" / {len(unusable)} features have coordinates that are not numbers"
        )
    # One bulk bounding-box query in the original coordinates: only features near a spot are
    # repaired and shifted, not the whole layer.
    s, f = shapely.STRtree(searchable(geoms)).query(spots_global)
    cand = np.unique(f)
    fixed, bad, reasons = repair(geoms[cand])
    feat_local = np.empty(len(geoms), dtype=object)
    feat_local[cand] = to_local(fixed, origin)
    repaired = cand[bad]
    repairs = Repairs(
        repaired,
        reasons,
        shapely.area(to_local(geoms[repaired], origin)),
        np.nan_to_num(shapely.area(feat_local[repaired])),  # nothing polygonal left: 0
    )
    tick(0.2)

    fb = np.full((len(geoms), 4), np.nan)
    fb[cand] = shapely.bounds(feat_local[cand])
    sp, fp = spots_local[s], feat_local[f]
    # The exact filter tests the prepared features, grouped so each is used by one thread (see
    # on_all_cores): a view area of thousands of vertices is then searched through its index
    # rather than scanned again for every spot near it (a tenth of the time on such layers).
    shapely.prepare(feat_local[cand])
    by_feat = np.argsort(f, kind="stable")
    hit = np.empty(len(s), dtype=bool)
    hit[by_feat] = on_all_cores(shapely.intersects, fp[by_feat], sp[by_feat], groups=f[by_feat])
    s, f, sp, fp = s[hit], f[hit], sp[hit], fp[hit]
    sb, fbb = spot_bounds[s], fb[f]
    # Containment needs bounding-box containment, a free test that limits the exact ones.
    maybe_in_feat = np.all(fbb[:, :2] <= sb[:, :2], axis=1) & np.all(
        fbb[:, 2:] >= sb[:, 2:], axis=1
    )
    maybe_in_spot = np.all(sb[:, :2] <= fbb[:, :2], axis=1) & np.all(
        sb[:, 2:] >= fbb[:, 2:], axis=1
    )
    spot_in = np.zeros(len(s), dtype=bool)
    spot_in[maybe_in_feat] = shapely.covers(fp[maybe_in_feat], sp[maybe_in_feat])
    feat_in = np.zeros(len(s), dtype=bool)
    rest = maybe_in_spot & ~spot_in
    feat_in[rest] = shapely.covers(sp[rest], fp[rest])
    tick(0.35)

    piece = np.empty(len(s), dtype=object)
    area = np.zeros(len(s))
    planar = np.zeros(len(s))
    # Spot wholly inside the feature: the piece is the spot, no overlay needed.
    piece[spot_in] = sp[spot_in]
    area[spot_in] = spot_area[s[spot_in]]
    planar[spot_in] = shapely.area(sp[spot_in])
    # Feature wholly inside the spot: the piece is the feature.
    piece[feat_in] = fp[feat_in]
    cut = np.flatnonzero(~spot_in & ~feat_in)
    for start in range(0, len(cut), _CHUNK):
        sl = cut[start : start + _CHUNK]
        piece[sl] = on_all_cores(shapely.intersection, sp[sl], fp[sl])
        tick(0.35 + 0.5 * min(1.0, (start + _CHUNK) / max(len(cut), 1)))
    todo = ~spot_in
    if np.any(todo):
        piece[todo] = polygonal(piece[todo])
        planar[todo] = shapely.area(piece[todo])
    keep = planar > 0.0  # pieces touching only along a line or at a point carry no area
    s, f, piece, area, planar, todo = (
        s[keep],
        f[keep],
        piece[keep],
        area[keep],
        planar[keep],
        todo[keep],
    )
    if np.any(todo):
        area[todo] = (
            on_all_cores(lambda g: areas(g, method, crs, origin), piece[todo])
            if method is AreaMethod.ELLIPSOIDAL
            else planar[todo]
        )
    order = np.argsort(s, kind="stable")
    ov = Overlay(s[order], f[order], piece[order], area[order], planar[order])
    ov.sums = np.bincount(ov.spot, weights=ov.area, minlength=len(spots_local))
    tick(1.0)
    return ov, repairs


def group_unions(
    spot: np.ndarray, geoms: np.ndarray, n: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """Union of the pieces of each spot (None where a spot has no piece), or only of `rows`.

    Spots with one piece take it as is; the others are unioned in vectorised calls over
    None-padded (spots × pieces) grids, one per band of piece counts (2-3, 4-7, 8-15, …): one
    grid padded to the widest spot would hold spots × 150,000 cells when a spot covers a
    whole district.
    """
    out = np.empty(n, dtype=object)
    if rows is not None:
        sel = np.isin(spot, rows)
        spot, geoms = spot[sel], geoms[sel]
    if len(spot) == 0:
        return out
    order = np.argsort(spot, kind="stable")
    spot, geoms = spot[order], geoms[order]
    counts = np.bincount(spot, minlength=n)
    single = counts[spot] == 1
    out[spot[single]] = geoms[single]
    starts = np.concatenate(([0], np.cumsum(counts)))[:-1]
    band = np.floor(np.log2(np.maximum(counts, 1))).astype(int)
    for level in np.unique(band[counts >= 2]).tolist():
        multi = np.flatnonzero((counts >= 2) & (band == level))
        sel = np.isin(spot, multi)
        grid_rows = np.searchsorted(multi, spot[sel])
        cols = np.arange(len(spot))[sel] - starts[spot[sel]]
        grid = np.empty((len(multi), counts[multi].max()), dtype=object)
        grid[grid_rows, cols] = geoms[sel]
        out[multi] = on_all_cores(lambda block: shapely.union_all(block, axis=1), grid)
    return out


def feature_names(layer: LayerInput) -> list[str]:
    """How notes name a layer's features: label and feature id (a land-use label is its class
    code, which many parcels share)."""
    labels = [str(label) for label in np.asarray(layer.labels, dtype=object)]
    if layer.feature_ids is None:
        return labels
    return [
        label if label == f"fid {fid}" else f"{label}（fid {fid}）"
        for label, fid in zip(labels, layer.feature_ids.tolist())
    ]


def label_lists(spot: np.ndarray, labels: np.ndarray, n: int) -> list[list[str]]:
    """Sorted unique labels per spot (an empty list where none)."""
    out: list[list[str]] = [[] for _ in range(n)]
    for i, lab in sorted(set(zip(spot.tolist(), (str(x) for x in labels)))):
        out[i].append(lab)
    return out
