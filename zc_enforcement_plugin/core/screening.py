"""Screening engine: overlay spots on protection layers, split areas, suggest a verdict."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import domain
from .areas import (
    AreaMethod,
    areas,
    from_local,
    local_origin,
    round_area,
    shown_mu,
    split_rounding_rows,
    to_local,
)

ELLIPSOIDAL = AreaMethod.ELLIPSOIDAL
PLANAR = AreaMethod.PLANAR

# Pairs handled per intersection batch: between batches progress is reported and cancel checked.
_CHUNK = 20000
_TOL = domain.TOUCH_TOLERANCE_SQM
_UNKNOWN_GROUP = len(domain.LAND_GROUPS)  # column of parcels whose class code has no group
_OVERLAYS = domain.OVERLAYS_BY_KEY
_POLYGON, _MULTIPOLYGON = 3, 6


class ScreeningCancelled(Exception):  # noqa: N818 (the name other modules catch)
    """The user cancelled the screening."""


@dataclass
class LayerInput:
    """One protection layer as plain arrays, already in the measuring CRS."""

    geoms: np.ndarray  # shapely geometries (may include None/empty/invalid)
    labels: np.ndarray  # str id/code/name per feature (for hits fields and pieces)
    class_codes: np.ndarray | None = None  # DLBM for land use
    ridge_coefficients: np.ndarray | None = None  # KCXS for land use
    feature_ids: np.ndarray | None = None  # ids naming repaired features in notes
    # Approvals: the date each was granted and the date it ends (datetime.date or None), and
    # its kind (农转用, 临时用地, ...), when the layer has them.
    granted: np.ndarray | None = None
    ends: np.ndarray | None = None
    kinds: np.ndarray | None = None


@dataclass
class Pieces:
    """Spot ∩ feature pieces (one row per piece with area > 0), in measuring CRS coordinates."""

    spot_index: np.ndarray
    layer: np.ndarray  # layer key (domain.LAYER_*)
    label: np.ndarray  # feature label
    feature_id: np.ndarray  # the feature's id in its layer (-1 where the layer gave none)
    geometry: np.ndarray
    area: np.ndarray  # m², by the screening's area method, unrounded


@dataclass
class ScreeningResult:
    """Per-spot output fields (domain field names; None = NULL), pieces, warnings, notes."""

    fields: dict[str, np.ndarray]
    pieces: Pieces | None
    messages: list[str]
    geometry_notes: np.ndarray  # same as fields[GEOMETRY_NOTE]
    origin: tuple[float, float] = (0.0, 0.0)
    # The spots repaired (rows) and their repaired outlines in measuring CRS coordinates, the
    # shapes their figures were computed on: the output shows these, not the delivered rings
    # (a bow-tie's lobes cancel to 0 m² beside a TBMJ of the two triangles).
    repaired_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    repaired_geoms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))


@dataclass
class _Overlay:
    """Pieces of one layer, sorted by spot."""

    spot: np.ndarray
    feat: np.ndarray
    geom: np.ndarray  # local frame
    area: np.ndarray  # by method
    planar: np.ndarray  # planar local-frame area, for overlap detection
    sums: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per spot Σ area


# --- geometry repair ------------------------------------------------------------------------------
def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Polygonal part of each geometry (Polygon/MultiPolygon kept as is, others reduced)."""
    out = np.array(geoms, dtype=object)
    types = shapely.get_type_id(out)
    other = np.flatnonzero((types != _POLYGON) & (types != _MULTIPOLYGON) & (types >= 0))
    if len(other) == 0:
        return out
    parts, idx = shapely.get_parts(out[other], return_index=True)
    # A collection may hold a MultiPolygon: flatten once more.
    parts, sub = shapely.get_parts(parts, return_index=True)
    idx = idx[sub]
    keep = shapely.get_type_id(parts) == _POLYGON
    parts, idx = parts[keep], idx[keep]
    result = np.array([shapely.Polygon()] * len(other), dtype=object)
    if len(parts):
        used, dense = np.unique(idx, return_inverse=True)
        result[used] = shapely.multipolygons(parts, indices=dense)
    out[other] = result
    return out


def _repair(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid polygonal geometries; returns (geoms, index of repaired ones, their reasons)."""
    geoms = np.asarray(geoms, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    bad = np.flatnonzero(present & ~shapely.is_valid(geoms))
    found = shapely.is_valid_reason(geoms[bad]) if len(bad) else []
    reasons = np.array([domain.invalid_reason_zh(r) for r in found], dtype=object)
    out = geoms.copy()
    if len(bad):
        out[bad] = shapely.make_valid(geoms[bad])
    types = shapely.get_type_id(out)
    if np.any((types != _POLYGON) & (types != _MULTIPOLYGON) & (types >= 0)):
        out = _polygonal(out)
    return out, bad, reasons


def _say_repair_area_change(
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
    low = np.full((len(geoms), 2), np.inf)
    high = np.full((len(geoms), 2), -np.inf)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    np.minimum.at(low, owner, coords)
    np.maximum.at(high, owner, coords)
    boxes = np.hstack([low, high])
    boxes[~np.isfinite(boxes).all(axis=1)] = np.nan
    return boxes


# --- the overlay of one layer ---------------------------------------------------------------------
def _on_all_cores(
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


def _overlay(
    spots_global: np.ndarray,
    spots_local: np.ndarray,
    spot_bounds: np.ndarray,
    spot_area: np.ndarray,
    layer: LayerInput,
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
    tick: Callable[[float], None],
) -> tuple[_Overlay, np.ndarray, np.ndarray]:
    """Spot ∩ feature pieces of one layer; also (repaired feature index, reason) for notes."""
    geoms = np.asarray(layer.geoms, dtype=object)
    unusable = np.flatnonzero(unusable_coordinates(geoms))
    if len(unusable):  # a feature GEOS cannot take: said, not a traceback
        names = _feature_names(layer)
        raise ValueError(
            f"{len(unusable)} 个要素（{names[unusable[0]]} 等）的坐标含非数值（NaN 或无穷大）"
            f" / {len(unusable)} features have coordinates that are not numbers"
        )
    # One bulk bounding-box query in the original coordinates: only features near a spot are
    # repaired and shifted, not the whole layer.
    s, f = shapely.STRtree(geoms).query(spots_global)
    cand = np.unique(f)
    fixed, bad, reasons = _repair(geoms[cand])
    feat_local = np.empty(len(geoms), dtype=object)
    feat_local[cand] = to_local(fixed, origin)
    repaired = cand[bad]
    tick(0.2)

    fb = np.full((len(geoms), 4), np.nan)
    fb[cand] = shapely.bounds(feat_local[cand])
    sp, fp = spots_local[s], feat_local[f]
    # The exact filter tests the prepared features, grouped so each is used by one thread (see
    # _on_all_cores): a view area of thousands of vertices is then searched through its index
    # rather than scanned again for every spot near it (a tenth of the time on such layers).
    shapely.prepare(feat_local[cand])
    by_feat = np.argsort(f, kind="stable")
    hit = np.empty(len(s), dtype=bool)
    hit[by_feat] = _on_all_cores(shapely.intersects, fp[by_feat], sp[by_feat], groups=f[by_feat])
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
        piece[sl] = _on_all_cores(shapely.intersection, sp[sl], fp[sl])
        tick(0.35 + 0.5 * min(1.0, (start + _CHUNK) / max(len(cut), 1)))
    todo = ~spot_in
    if np.any(todo):
        piece[todo] = _polygonal(piece[todo])
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
            _on_all_cores(lambda g: areas(g, method, crs, origin), piece[todo])
            if method is ELLIPSOIDAL
            else planar[todo]
        )
    order = np.argsort(s, kind="stable")
    ov = _Overlay(s[order], f[order], piece[order], area[order], planar[order])
    ov.sums = np.bincount(ov.spot, weights=ov.area, minlength=len(spots_local))
    tick(1.0)
    return ov, repaired, reasons


def _group_unions(
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
        out[multi] = _on_all_cores(lambda block: shapely.union_all(block, axis=1), grid)
    return out


def _feature_names(layer: LayerInput) -> list[str]:
    """How notes name a layer's features: label and feature id (a land-use label is its class
    code, which many parcels share)."""
    labels = [str(label) for label in np.asarray(layer.labels, dtype=object)]
    if layer.feature_ids is None:
        return labels
    return [
        label if label == f"fid {fid}" else f"{label}（fid {fid}）"
        for label, fid in zip(labels, layer.feature_ids.tolist())
    ]


def _label_lists(spot: np.ndarray, labels: np.ndarray, n: int) -> list[list[str]]:
    """Sorted unique labels per spot (an empty list where none)."""
    out: list[list[str]] = [[] for _ in range(n)]
    for i, lab in sorted(set(zip(spot.tolist(), (str(x) for x in labels)))):
        out[i].append(lab)
    return out


# --- the engine -----------------------------------------------------------------------------------
def screen_spots(
    spot_geoms: np.ndarray,
    spot_keys: Sequence[str],
    layers: dict[str, LayerInput],
    measuring_crs: int | str,
    area_method: AreaMethod | str = ELLIPSOIDAL,
    deduct_ridges: bool = False,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    want_pieces: bool = False,
    text_measure: Callable[[str], int] = len,
    approval_share: float = domain.APPROVAL_COVER_SHARE,
    spot_dates: Sequence | None = None,
) -> ScreeningResult:
    """Screen spots against the protection layers (all in the measuring CRS).

    Returns per-spot figures (m² and 亩 to 2 decimals), flags, hit labels, a suggested verdict,
    its reason, a review priority and the criminal-threshold flag; never drops a spot. Fields of
    an absent layer are object arrays of None (NULL). Decisions:

    - Split: GDMJ + FGNYDMJ + JSYDMJ + WLYDMJ + WDCMJ = TBMJ exactly in cents (largest
      remainder). Parcels whose DLBM has no group count in WDCMJ, with a message. Overlapping
      parcels inside a spot (bad data) are resolved in the order of domain.LAND_GROUPS, with a
      message; found when Σ pieces > spot, or by a union when Σ pieces < spot (a gap may hide
      an overlap).
    - deduct_ridges: GDMJ = Σ piece × (1 − KCXS); the ridges go to FGNYDMJ (field ridges 1203
      are other agricultural land). Flags and the criminal test use gross cultivated area.
    - Other layers: area of spot ∩ union of the layer's features (overlaps counted once).
    - Text fields (hit lists, reason, notes) fit TEXT_FIELD_LENGTH as `text_measure` counts
      (characters; a Shapefile writer passes UTF-8 bytes).
    - Verdict: approvals cover ≥ APPROVAL_COVER_SHARE, and the unapproved rest does not reach
      a criminal threshold → SUGGEST_APPROVED; else unapproved basic
      farmland or cultivated land, or any red line / no-mining / three-zone overlap →
      SUGGEST_ILLEGAL; else SUGGEST_NO_CONCERN when the spot lies on construction land only,
      SUGGEST_FIELD_CHECK otherwise (other agricultural, unused or unsurveyed land, no land-use
      layer, or no geometry). Priority 1 criminal or red line, 2 basic farmland or no-mining,
      3 cultivated or three zones, 4 the rest, None (unranked) instead of 4 when a layer that
      could have ranked the spot was not given. The criminal flag is None where the layers
      given cannot decide it (_referral_test).
    """
    method = AreaMethod(area_method)
    spots_in = np.asarray(spot_geoms, dtype=object).ravel()
    keys = [str(k) for k in spot_keys]
    n = len(spots_in)
    if len(keys) != n:
        raise ValueError(f"{n} spot geometries but {len(keys)} spot keys")
    messages: list[str] = []
    notes: list[list[str]] = [[] for _ in range(n)]
    # The parts of each growing text field per spot, joined and fitted to the field at the end
    # (_fit_texts): kept apart because a part may itself hold the separator.
    text_parts: dict[str, list[list[str]]] = {domain.GEOMETRY_NOTE: notes}

    def report(value: float) -> None:
        if is_cancelled is not None and is_cancelled():
            raise ScreeningCancelled()
        if progress is not None:
            progress(float(min(100.0, max(0.0, value))))

    report(0.0)
    # --- spots: keys, repair, local frame ------------------------------------------------------
    spots_in, spots_global, no_geom, bad, repair_notes = _vetted_spots(
        spots_in, keys, notes, messages
    )

    good = ~no_geom
    origin = local_origin(shapely.total_bounds(spots_global[good])) if good.any() else (0.0, 0.0)
    spots_local = to_local(spots_global, origin)
    spot_bounds = shapely.bounds(spots_local)
    spot_area = np.zeros(n)
    if good.any():
        spot_area[good] = areas(spots_local[good], method, measuring_crs, origin)
    unmeasurable = np.flatnonzero(~np.isfinite(spot_area))
    if len(unmeasurable):  # coordinates the measuring CRS cannot take back to the ellipsoid
        names = "，".join(keys[i] for i in unmeasurable[:5].tolist())
        raise ValueError(
            f"有 {len(unmeasurable)} 个图斑（{names}）的坐标超出 {measuring_crs} 的适用范围，"
            f"无法量算面积（坐标缺少带号或带号有误？） / {len(unmeasurable)} spots cannot be "
            f"measured in {measuring_crs}: their coordinates do not fit it"
        )
    _say_repair_area_change(repair_notes, spots_in, spots_local, origin, notes)
    report(5.0)

    # --- overlays ------------------------------------------------------------------------------
    present = [k for k in [domain.LAYER_LAND_USE, *_OVERLAYS] if k in layers]
    done = dict.fromkeys(present, 0.0)  # each layer's progress, 0..1
    lock = threading.Lock()

    def overlay(key: str) -> tuple[_Overlay, np.ndarray, np.ndarray]:
        def tick(frac: float) -> None:
            with lock:  # reported under the lock too, so progress never goes back
                done[key] = frac
                report(5.0 + 85.0 * sum(done.values()) / len(present))

        return _overlay(
            spots_global,
            spots_local,  # not prepared: the layers' threads share them (see _on_all_cores)
            spot_bounds,
            spot_area,
            layers[key],
            origin,
            measuring_crs,
            method,
            tick,
        )

    # Two layers are overlaid side by side: GEOS releases the GIL, so one layer's
    # single-threaded steps (index, repair, covers) run while the other's run. Each layer's
    # heavy steps are split over the cores again (_on_all_cores); two keeps that bounded.
    with ThreadPoolExecutor(min(len(present), 2) or 1) as pool:
        results = dict(zip(present, pool.map(overlay, present)))
    overlays: dict[str, _Overlay] = {}
    for key in present:
        ov, repaired, reasons = results[key]
        overlays[key] = ov
        if len(repaired):
            why = dict(zip(repaired.tolist(), reasons.tolist()))
            names = _feature_names(layers[key])
            hit = np.isin(ov.feat, repaired)
            for i, fi in sorted(set(zip(ov.spot[hit].tolist(), ov.feat[hit].tolist()))):
                notes[i].append(
                    f"{domain.LAYER_LABELS_ZH[key]}要素 {names[fi]} 几何无效已修复：{why[fi]}"
                )

    # --- figures -------------------------------------------------------------------------------
    fields: dict[str, np.ndarray] = {domain.SPOT_AREA: round_area(spot_area)}
    unrounded: dict[str, np.ndarray] = {domain.SPOT_AREA: spot_area}  # m² before rounding
    gross_cult = None
    cult_union = None
    if domain.LAYER_LAND_USE in overlays:
        gross_cult, cult_union = _land_use_split(
            overlays[domain.LAYER_LAND_USE],
            layers[domain.LAYER_LAND_USE],
            spot_area,
            spots_local,
            keys,
            origin,
            measuring_crs,
            method,
            deduct_ridges,
            fields,
            unrounded,
            messages,
        )
    else:
        for name in (
            *domain.LAND_GROUP_FIELDS.values(),
            domain.UNSURVEYED_AREA,
            domain.NEW_CONSTRUCTION_AREA,
        ):
            fields[name] = np.full(n, None, dtype=object)
        fields[domain.CULTIVATED_FLAG] = np.full(n, None, dtype=object)
    report(92.0)

    # Figures count only the approvals in force when the later image was taken; the pieces
    # output still shows every approval a spot meets.
    figures = dict(overlays)
    approval_notes: list[list[str]] = [[] for _ in range(n)]
    if domain.LAYER_APPROVALS in overlays and spot_dates is not None:
        figures[domain.LAYER_APPROVALS] = _approvals_in_force(
            overlays[domain.LAYER_APPROVALS],
            layers[domain.LAYER_APPROVALS],
            list(spot_dates),
            approval_notes,
        )
    unions, gross = _protection_figures(
        figures, layers, spot_area, origin, measuring_crs, method, fields, unrounded, text_parts
    )

    # 亩 from the m² as written (the split's cents), as everything that reads the ledger later
    # converts them (areas.shown_mu).
    for name in domain.MU_FIELDS:
        if fields[name].dtype == object:
            fields[name + domain.MU_SUFFIX] = np.full(n, None, dtype=object)
        else:
            fields[name + domain.MU_SUFFIX] = shown_mu(fields[name])

    text_parts[domain.VERDICT_REASON] = _verdicts(
        fields,
        spot_area,
        no_geom,
        gross,
        unions,
        gross_cult,
        cult_union,
        set(layers),
        approval_share,
        deduct_ridges,
        approval_notes,
        _approval_kinds(figures.get(domain.LAYER_APPROVALS), layers, n),
        origin,
        measuring_crs,
        method,
    )
    _fit_texts(fields, text_parts, keys, messages, text_measure)

    pieces = None
    if want_pieces:
        pieces = _collect_pieces(overlays, layers, origin)
    report(100.0)
    # A repair that left nothing polygonal (a ring folded onto a line) has no outline to show.
    repaired_rows = bad[~no_geom[bad]]
    return ScreeningResult(
        fields,
        pieces,
        messages,
        fields[domain.GEOMETRY_NOTE],
        origin,
        repaired_rows,
        spots_global[repaired_rows],
    )


def _vetted_spots(
    spots_in: np.ndarray, keys: list[str], notes: list[list[str]], messages: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, int]]:
    """The spots as delivered (unusable coordinates taken out) and as measured (repaired; None
    where nothing polygonal is left), with which have no geometry, which were repaired and
    where each repair's note is (completed once the spot is measured). Every spot is kept:
    what was wrong with it goes to its notes (JHWT) and the messages, by key."""
    # Compared as importspots compares them: "370302202401 " is the spot 370302202401.
    stripped = np.array([k.strip() for k in keys], dtype=object).astype(str)
    uniq, counts = np.unique(stripped, return_counts=True)
    for key in uniq[counts > 1]:
        messages.append(
            f"图斑 {key}：编号重复（{counts[uniq == key][0]} 个），均保留；"
            "导入台帐时将全部被拒绝，请先改正编号"
        )
    unusable = unusable_coordinates(spots_in)
    for i in np.flatnonzero(unusable).tolist():
        notes[i].append("坐标含非数值（NaN 或无穷大）")
        messages.append(f"图斑 {keys[i]}：坐标含非数值（NaN 或无穷大），无法量算，面积记为 0")
    spots_in = np.where(unusable, None, spots_in)
    missing = shapely.is_missing(spots_in) & ~unusable
    empty_in = ~missing & ~unusable & shapely.is_empty(spots_in)
    spots_global, bad, reasons = _repair(spots_in)
    for i, reason in zip(bad.tolist(), reasons.tolist()):
        notes[i].append(f"已修复无效几何：{reason}")
        messages.append(f"图斑 {keys[i]}：几何无效（{reason}），已自动修复")
    repair_notes = {i: len(notes[i]) - 1 for i in bad.tolist()}  # completed once measured
    for i in np.flatnonzero(missing).tolist():
        notes[i].append("无几何")
        messages.append(f"图斑 {keys[i]}：无几何，面积记为 0")
    for i in np.flatnonzero(empty_in).tolist():
        notes[i].append("几何为空")
        messages.append(f"图斑 {keys[i]}：几何为空，面积记为 0")
    lost = np.flatnonzero(~missing & ~empty_in & shapely.is_empty(spots_global))
    for i in lost.tolist():
        notes[i].append("修复后无面状部分")
        messages.append(f"图斑 {keys[i]}：几何无面状部分，面积记为 0")
    no_geom = shapely.is_missing(spots_global) | shapely.is_empty(spots_global)
    spots_global = np.where(no_geom, None, spots_global)
    return spots_in, spots_global, no_geom, bad, repair_notes


def _protection_figures(
    figures: dict[str, _Overlay],
    layers: dict[str, LayerInput],
    spot_area: np.ndarray,
    origin: tuple[float, float],
    measuring_crs: int | str,
    method: AreaMethod,
    fields: dict[str, np.ndarray],
    unrounded: dict[str, np.ndarray],
    text_parts: dict[str, list[list[str]]],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each protection layer's area, flag and hits per spot, into `fields`: the area of the
    spot inside the union of the layer's features, so overlapping features count once; NULL
    for a layer not given. Returns each layer's unions and unrounded areas, which the verdict
    rules measure the unapproved parts from."""
    n = len(spot_area)
    unions: dict[str, np.ndarray] = {}
    gross: dict[str, np.ndarray] = {}
    for layer in domain.OVERLAY_LAYERS:
        if layer.key not in figures:
            fields[layer.area_field] = np.full(n, None, dtype=object)
            fields[layer.flag_field] = np.full(n, None, dtype=object)
            if layer.hits_field:
                fields[layer.hits_field] = np.full(n, None, dtype=object)
            continue
        ov = figures[layer.key]
        u = _group_unions(ov.spot, ov.geom, n)
        total = ov.sums.copy()
        multi = np.flatnonzero(np.bincount(ov.spot, minlength=n) >= 2)
        if len(multi):
            # Overlapping features of one layer are counted once: area of the union.
            total[multi] = _on_all_cores(
                lambda g: areas(g, method, measuring_crs, origin), u[multi]
            )
        total = np.minimum(total, spot_area)
        unions[layer.key], gross[layer.key] = u, total
        fields[layer.area_field] = round_area(total)
        unrounded[layer.area_field] = total
        fields[layer.flag_field] = total > _TOL
        if layer.hits_field:
            labels = np.asarray(layers[layer.key].labels, dtype=object)
            real = ov.area > _TOL
            text_parts[layer.hits_field] = _label_lists(ov.spot[real], labels[ov.feat[real]], n)
    return unions, gross


# Text fields that can grow with the data, and what their parts are joined with.
_TEXT_SEPARATORS = {
    **{
        layer.hits_field: domain.HITS_SEPARATOR
        for layer in domain.OVERLAY_LAYERS
        if layer.hits_field
    },
    domain.VERDICT_REASON: "；",  # prose in zh_CN: the full-width semicolon
    domain.GEOMETRY_NOTE: "；",
}


def _fit_texts(
    fields: dict[str, np.ndarray],
    text_parts: dict[str, list[list[str]]],
    keys: list[str],
    messages: list[str],
    measure: Callable[[str], int],
) -> None:
    """Each text field from its parts (NULL where none): joined, or cut to whole parts and the
    total count when longer than the field; every text cut goes to the log whole."""
    for name, per_spot in text_parts.items():
        separator = _TEXT_SEPARATORS[name]
        column = np.full(len(per_spot), None, dtype=object)
        for i, parts in enumerate(per_spot):
            if not parts:
                continue
            text = separator.join(parts)
            if measure(text) > domain.TEXT_FIELD_LENGTH:
                messages.append(f"图斑 {keys[i]}：{name} 超过字段长度，输出中已截断，全文：{text}")
                text = domain.fit_text(parts, separator, measure=measure)
            column[i] = text
        fields[name] = column


def _land_use_split(
    ov: _Overlay,
    layer: LayerInput,
    spot_area: np.ndarray,
    spots_local: np.ndarray,
    keys: list[str],
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
    deduct_ridges: bool,
    fields: dict[str, np.ndarray],
    unrounded: dict[str, np.ndarray],
    messages: list[str],
) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """GDMJ/FGNYDMJ/JSYDMJ/WLYDMJ/WDCMJ (adding up to TBMJ).

    Returns the gross cultivated area per spot and a function giving the union of cultivated
    pieces for chosen spots (for the unapproved and criminal figures, needed by few spots).
    """
    n = len(spot_area)
    n_groups = len(domain.LAND_GROUPS) + 1
    codes = (
        np.array(domain.class_code_texts(layer.class_codes), dtype=object)
        if layer.class_codes is not None
        else np.full(len(layer.geoms), "", dtype=object)
    )
    # Classify each distinct code once, not each parcel.
    group_of = {g: i for i, g in enumerate(domain.LAND_GROUPS)}
    code_text = codes[ov.feat]
    distinct, inverse = np.unique(code_text.astype(str), return_inverse=True)
    gidx = np.array([group_of.get(domain.land_group(c), _UNKNOWN_GROUP) for c in distinct])
    group = gidx[inverse] if len(ov.spot) else np.zeros(0, dtype=int)

    by_group = np.bincount(ov.spot * n_groups + group, weights=ov.area, minlength=n * n_groups)
    by_group = by_group.reshape(n, n_groups)
    count = np.bincount(ov.spot, minlength=n)
    planar_sum = np.bincount(ov.spot, weights=ov.planar, minlength=n)
    spot_planar = shapely.area(spots_local)
    spot_planar = np.nan_to_num(spot_planar, nan=0.0)

    # Overlapping parcels (bad data). Σ pieces > spot is proof; Σ pieces < spot with ≥ 2 pieces
    # may hide an overlap behind a gap, so those few spots are checked with a union.
    over = np.flatnonzero(planar_sum > spot_planar + _TOL)
    gap = np.flatnonzero((planar_sum < spot_planar - _TOL) & (count >= 2))
    if len(gap):
        u = _group_unions(ov.spot, ov.geom, n, gap)
        hidden = gap[shapely.area(u[gap]) < planar_sum[gap] - _TOL]
        over = np.union1d(over, hidden)

    ridge = np.zeros(n)
    cult = group == group_of[domain.LAND_GROUP_CULTIVATED]
    if deduct_ridges and layer.ridge_coefficients is None:
        land_use = domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]
        messages.append(
            f"{land_use}图层没有扣除系数 {domain.RIDGE_COEFFICIENT}，耕地面积未扣除田坎"
        )
    elif deduct_ridges:
        k = _ridge_coefficients(layer, ov, cult, keys, messages)
        ridge = np.bincount(ov.spot[cult], weights=ov.area[cult] * k, minlength=n)

    cult_spot, cult_geom = ov.spot[cult], ov.geom[cult]

    unions: dict[int, object] = {}  # asked for twice for spots near a referral threshold

    def cult_union(rows: np.ndarray) -> np.ndarray:
        todo = np.array([r for r in rows.tolist() if r not in unions], dtype=np.int64)
        if len(todo):
            made = _group_unions(cult_spot, cult_geom, n, todo)
            unions.update(zip(todo.tolist(), made[todo].tolist()))
        out = np.empty(n, dtype=object)
        for r in rows.tolist():
            out[r] = unions[r]
        return out

    for i in over.tolist():
        mine = ov.spot == i
        resolved, covered = [], None
        for g in range(n_groups):
            sel = mine & (group == g)
            if not sel.any():
                resolved.append(0.0)
                continue
            ug = shapely.union_all(ov.geom[sel])
            part = ug if covered is None else shapely.difference(ug, covered)
            resolved.append(float(areas(np.array([part]), method, crs, origin)[0]))
            covered = ug if covered is None else shapely.union(covered, ug)
        if by_group[i, 0] > 0:
            ridge[i] *= resolved[0] / by_group[i, 0]  # mean coefficient × resolved area
        by_group[i] = resolved
        messages.append(
            f"图斑 {keys[i]}：{domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]}相互重叠（重叠约 "
            f"{max(0.0, planar_sum[i] - float(shapely.area(covered))):.2f} m²），"
            "重叠部分按 耕地>其他农用地>建设用地>未利用地 归类"
        )

    unknown = np.flatnonzero(by_group[:, _UNKNOWN_GROUP] > _TOL)
    for i in unknown.tolist():
        bad_codes = sorted(
            {
                code_text[j] or "空"
                for j in np.flatnonzero(ov.spot == i)
                if group[j] == _UNKNOWN_GROUP
            }
        )
        messages.append(
            f"图斑 {keys[i]}：地类编码 {','.join(bad_codes)} 无法归类，"
            f"{by_group[i, _UNKNOWN_GROUP]:.2f} m² 计入{domain.UNSURVEYED_LABEL_ZH}面积 "
            f"{domain.UNSURVEYED_AREA}"
        )

    known = by_group[:, : len(domain.LAND_GROUPS)].copy()
    gross_cult = known[:, 0].copy()
    known = np.minimum(known, spot_area[:, None])
    if deduct_ridges:
        # Net cultivated = Σ piece × (1 − KCXS); the ridges (1203) are other agricultural land.
        ridge = np.minimum(ridge, known[:, 0])
        known[:, 0] -= ridge
        known[:, 1] += ridge
    unsurveyed = np.clip(spot_area - known.sum(axis=1), 0.0, None)
    parts = np.column_stack([known, unsurveyed])
    rounded = split_rounding_rows(spot_area, parts)
    for j, name in enumerate((*domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA)):
        fields[name] = rounded[:, j]
        unrounded[name] = parts[:, j]
    new_construction(fields, unrounded)
    fields[domain.CULTIVATED_FLAG] = gross_cult > _TOL
    return np.minimum(gross_cult, spot_area), cult_union


def new_construction(fields: dict[str, np.ndarray], unrounded: dict[str, np.ndarray]) -> None:
    """XZJSYDMJ from the split's rounded parts, so that it is exactly their sum in cents."""
    names = [domain.LAND_GROUP_FIELDS[group] for group in domain.NEW_CONSTRUCTION_GROUPS]
    fields[domain.NEW_CONSTRUCTION_AREA] = round_area(sum(fields[name] for name in names))
    unrounded[domain.NEW_CONSTRUCTION_AREA] = sum(unrounded[name] for name in names)


def _ridge_coefficients(
    layer: LayerInput, ov: _Overlay, cult: np.ndarray, keys: list[str], messages: list[str]
) -> np.ndarray:
    """KCXS of the cultivated pieces' parcels; missing, unreadable or outside 0..1 counts as 0,
    reported for each spot it touches, naming the parcels and their values to correct."""
    raw = np.asarray(layer.ridge_coefficients, dtype=object)[ov.feat[cult]]
    k = np.array([_number(v) for v in raw], dtype=float)
    missing = np.isnan(k)
    wrong = ~missing & ((k < 0.0) | (k > 1.0))
    spots, feats = ov.spot[cult], ov.feat[cult]
    names = _feature_names(layer) if (missing | wrong).any() else []
    order = np.lexsort((feats, spots))  # by spot, then parcel
    for bad, what in ((missing, "为空或不是数字"), (wrong, "不在 0..1 之间")):
        by_spot: dict[int, list[str]] = {}
        for at in order[bad[order]].tolist():
            shown = "空" if raw[at] is None else f"“{raw[at]}”"
            by_spot.setdefault(int(spots[at]), []).append(f"{names[feats[at]]} 为{shown}")
        for i, parcels in by_spot.items():
            messages.append(
                f"图斑 {keys[i]}：耕地图斑扣除系数 {domain.RIDGE_COEFFICIENT} {what}，按 0 处理："
                + "，".join(parcels)
            )
    return np.where(missing | wrong, 0.0, k)


def _number(value) -> float:
    """A field value as a number; NaN when it is empty or not a number ("0,05", "无")."""
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _approvals_in_force(
    ov: _Overlay, layer: LayerInput, spot_dates: list, notes: list[list[str]]
) -> _Overlay:
    """The approval pieces of approvals in force at each spot's later image date (HSX): one
    that ended before it no longer covers the land, and one granted after it came after the
    use began (边报边用). Each one left out is noted for the spot's reason."""
    keep = np.ones(len(ov.spot), dtype=bool)
    said: set[tuple[int, int]] = set()
    for j, (i, f) in enumerate(zip(ov.spot.tolist(), ov.feat.tolist())):
        seen = spot_dates[i]
        if seen is None:
            continue
        granted = layer.granted[f] if layer.granted is not None else None
        ends = layer.ends[f] if layer.ends is not None else None
        if ends is not None and ends < seen:
            why = f"已于 {ends:%Y-%m-%d} 到期，早于后时相 {seen:%Y-%m-%d}，不计入批准覆盖"
        elif granted is not None and granted > seen:
            why = (
                f"批准于 {granted:%Y-%m-%d}，晚于后时相 {seen:%Y-%m-%d}（边报边用？），"
                "不计入批准覆盖"
            )
        else:
            continue
        keep[j] = False
        if (i, f) not in said:
            said.add((i, f))
            notes[i].append(f"批准用地 {layer.labels[f]} {why}")
    n = len(spot_dates)
    kept = _Overlay(ov.spot[keep], ov.feat[keep], ov.geom[keep], ov.area[keep], ov.planar[keep])
    kept.sums = np.bincount(kept.spot, weights=kept.area, minlength=n)
    return kept


def _approval_kinds(ov: _Overlay | None, layers: dict[str, LayerInput], n: int) -> list[str]:
    """The kinds of the approvals in force over each spot (临时用地、农转用), '' where none."""
    layer = layers.get(domain.LAYER_APPROVALS)
    if ov is None or layer is None or layer.kinds is None:
        return [""] * n
    kinds: list[dict[str, None]] = [{} for _ in range(n)]
    for i, f in zip(ov.spot.tolist(), ov.feat.tolist()):
        kind = layer.kinds[f]
        if kind:
            kinds[i][str(kind)] = None
    return ["、".join(k) for k in kinds]


def _verdicts(
    fields: dict[str, np.ndarray],
    spot_area: np.ndarray,
    no_geom: np.ndarray,
    gross: dict[str, np.ndarray],
    unions: dict[str, np.ndarray],
    gross_cult: np.ndarray | None,
    cult_union: Callable[[np.ndarray], np.ndarray] | None,
    given: set[str],
    approval_share: float,
    deduct_ridges: bool,
    approval_notes: list[list[str]],
    approval_kinds: list[str],
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
) -> list[list[str]]:
    """Suggested verdict, review priority and criminal flag per spot; returns the parts of
    each spot's reason (joined into its field by _fit_texts).

    Basic farmland and cultivated land count as occupied only outside approvals:
    unapproved = area(layer ∩ spot − approvals), computed exactly for the few spots that have
    both; red line, no-mining and three-zone overlaps count whatever the approvals (an approval
    does not lift them). Criminal: unapproved basic farmland ≥ 5 亩, or unapproved cultivated
    land outside basic farmland ≥ 10 亩 (gross of ridges), each rounded to 亩 with 2 decimals,
    the figure a report shows. An overlap counts for the verdict only when it shows in the
    report (≥ 0.01 亩): a sliver of 0.00 亩 along a boundary is digitising, not occupation.
    """
    n = len(spot_area)
    zero = np.zeros(n)
    ap_u = unions.get(domain.LAYER_APPROVALS)
    ap = gross.get(domain.LAYER_APPROVALS, zero)
    bf = gross.get(domain.LAYER_BASIC_FARMLAND, zero)
    cult = gross_cult if gross_cult is not None else zero
    mu = shown_mu
    bf_unapp, cult_unapp, cult_other = _unapproved_areas(
        gross, unions, cult, cult_union, origin, crs, method
    )
    criminal, referral_open = _referral_test(
        spot_area, ap, bf_unapp, cult_unapp, cult_other, given, no_geom
    )

    red_area = gross.get(domain.LAYER_RED_LINE, zero)
    mining_area = gross.get(domain.LAYER_NO_MINING, zero)
    zones_area = gross.get(domain.LAYER_THREE_ZONES, zero)
    # What the verdict counts: an overlap the report shows, at least 0.01 亩.
    red, mining, zones = mu(red_area) > 0, mu(mining_area) > 0, mu(zones_area) > 0
    bf_hit, cult_hit = mu(bf_unapp) > 0, mu(cult_unapp) > 0
    touched = [bf_unapp, red_area, mining_area, zones_area, cult_unapp]
    slivers = np.any([(a > _TOL) & (mu(a) == 0) for a in touched], axis=0)
    priority = np.full(n, 4, dtype=np.int64)
    priority[cult_hit | zones] = 3
    priority[bf_hit | mining] = 2
    priority[criminal | red] = 1
    share = np.divide(ap, spot_area, out=np.zeros(n), where=spot_area > 0)
    # Covered but for float noise is covered whole: a union of overlapping approvals comes out
    # a hair under the spot, which must not fail a 100 % rule or read as 99.9 %.
    share[(spot_area > 0) & (ap >= spot_area * (1.0 - 1e-7))] = 1.0
    covered = (ap_u is not None) & (share >= approval_share) & ~no_geom
    # "Approved" only when what lies outside the approvals is clean: unapproved farmland or
    # cultivated land there is land taken beyond the approval (超占用地), and an approval does
    # not lift the red line. Such spots are checked in the field, or suspected when referable.
    approved = covered & ~criminal & ~red & ~bf_hit & ~cult_hit
    # Shares are shown cut, not rounded, to 0.1 %: 94.96 % must not read as the 95 % rule.
    share_text = [f"{math.floor(v * 1000.0) / 10.0:.1f}%" for v in share.tolist()]

    def mu_text(values: np.ndarray) -> list[str]:
        """Each area in m² as the 亩 text of the reason, all spots in one pass."""
        return [f"{v:.2f} 亩" for v in mu(values).tolist()]

    bf_mu_text, bf_unapp_mu_text = mu_text(bf), mu_text(bf_unapp)
    cult_mu_text, cult_unapp_mu_text = mu_text(cult), mu_text(cult_unapp)
    cult_other_mu_text = mu_text(cult_other)
    red_mu_text, mining_mu_text, zones_mu_text = (
        mu_text(red_area),
        mu_text(mining_area),
        mu_text(zones_area),
    )

    label = domain.LAYER_LABELS_ZH
    approvals = label[domain.LAYER_APPROVALS]
    zh = domain.LAND_GROUP_LABELS_ZH
    ridges = "（含田坎）" if deduct_ridges else ""  # the test takes the gross figure
    # A spot is "of no concern" only against every layer that could have made it one.
    not_given = [label[key] for key in domain.PROTECTION_LAYERS if key not in given]
    unknown = f"未提供{'、'.join(not_given)}图层，无法排除" if not_given else ""
    # The referral test's layers that were not given, for the spots it leaves open.
    referral_layers = {
        domain.LAYER_LAND_USE: label[domain.LAYER_LAND_USE],
        domain.LAYER_BASIC_FARMLAND: label[domain.LAYER_BASIC_FARMLAND],
    }
    referral_unknown = "未提供{}图层".format(
        "、".join(name for key, name in referral_layers.items() if key not in given)
    )
    verdict = np.full(n, domain.SUGGEST_FIELD_CHECK, dtype=object)
    reason: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        if no_geom[i]:
            reason[i] = ["图斑几何为空，无法筛查"]
            continue
        taken = []  # occupation that makes a spot suspected on its own
        if bf_hit[i]:
            extra = f"（其中未批 {bf_unapp_mu_text[i]}）" if bf_unapp[i] < bf[i] - _TOL else ""
            taken.append(f"占用{label[domain.LAYER_BASIC_FARMLAND]} {bf_mu_text[i]}{extra}")
        if red[i]:
            taken.append(f"涉及{label[domain.LAYER_RED_LINE]} {red_mu_text[i]}")
        if cult_hit[i]:
            cultivated = f"占用{zh[domain.LAND_GROUP_CULTIVATED]}"
            clause = (
                f"{cultivated} {cult_unapp_mu_text[i]}{ridges}（未批部分）"
                if cult_unapp[i] < cult[i] - _TOL
                else f"{cultivated} {cult_mu_text[i]}{ridges}"
            )
            if cult_other[i] < cult_unapp[i] - _TOL and mu(cult_other[i]) > 0:
                # the part the 10 亩 test counts, when basic farmland is not all of it
                clause += f"，其中永久基本农田以外 {cult_other_mu_text[i]}"
            taken.append(clause)
        if criminal[i]:
            taken.append("达到刑事移送标准")
        elif (bf_hit[i] or cult_hit[i]) and referral_open[i]:  # land taken, scale unknown
            taken.append(f"{referral_unknown}，无法判断是否达到刑事移送标准")
        mining_use = []  # land in these zones is not taken by law; what it is used for matters
        if mining[i]:
            mining_use.append(f"涉及{label[domain.LAYER_NO_MINING]} {mining_mu_text[i]}")
        if zones[i]:
            mining_use.append(f"涉及{label[domain.LAYER_THREE_ZONES]} {zones_mu_text[i]}")
        kind = f"（{approval_kinds[i]}）" if approval_kinds[i] else ""
        if approved[i]:
            verdict[i] = domain.SUGGEST_APPROVED
            reason[i] = [f"{approvals}覆盖 {share_text[i]}{kind}", *mining_use]
            continue
        if ap_u is None:
            cover = f"未提供{approvals}图层"
        elif covered[i] and (bf_hit[i] or cult_hit[i]):
            cover = f"{approvals}覆盖 {share_text[i]}{kind}，未批部分见上"
        elif covered[i]:
            cover = f"{approvals}覆盖 {share_text[i]}{kind}"
        elif ap[i] > _TOL:
            cover = f"{approvals}仅覆盖 {share_text[i]}{kind}"
        else:
            cover = f"未被{approvals}覆盖"
        if taken and (criminal[i] or not covered[i]):
            verdict[i] = domain.SUGGEST_ILLEGAL
            reason[i] = [*taken, *mining_use, cover]
            continue
        if taken:  # mostly approved: is the rest taken beyond the approval, or allowed?
            check = [
                *(["核实是否超出批准范围占地"] if bf_hit[i] or cult_hit[i] else []),
                *(["核实是否属生态保护红线内允许的活动"] if red[i] else []),
            ]
            reason[i] = [*taken, *mining_use, cover, *check]
            continue
        if mining_use:
            reason[i] = [*mining_use, "核实是否采矿或有其他违法用途", cover]
            continue
        if domain.CULTIVATED_AREA not in fields or fields[domain.CULTIVATED_AREA].dtype == object:
            land_use = label[domain.LAYER_LAND_USE]
            reason[i] = [f"未提供{land_use}图层，无法排除占用耕地", cover]
            continue
        other = [
            f"占用{zh[g]} {shown_mu(float(fields[name][i])):.2f} 亩"
            for g, name in domain.LAND_GROUP_FIELDS.items()
            if g in (domain.LAND_GROUP_AGRICULTURAL, domain.LAND_GROUP_UNUSED)
            and fields[name][i] > _TOL
        ]
        if fields[domain.UNSURVEYED_AREA][i] > _TOL:
            sqm = float(fields[domain.UNSURVEYED_AREA][i])
            other.append(f"{domain.UNSURVEYED_LABEL_ZH} {shown_mu(sqm):.2f} 亩（{sqm:.2f} 平方米）")
        # Slivers under 0.01 亩 are flagged (SF...) but do not count: said, lest the flag and
        # the words disagree.
        sliver = "；压占不足 0.01 亩的边界碎片不计" if slivers[i] else ""
        cover_part = [cover] if ap[i] > _TOL or ap_u is None else []
        here = f"位于{zh[domain.LAND_GROUP_CONSTRUCTION]}"
        if other:
            # Not the words of the verdict 未涉及保护图层, which this spot does not get.
            reason[i] = [*other, unknown or f"不涉及各保护图层{sliver}", cover]
        elif unknown:
            reason[i] = [here, f"{unknown}{sliver}", *cover_part]
        elif approval_notes[i]:
            # An approval that ended before the image, or came after it, is what the spot is
            # about: not restored after its term (到期未复垦), or used before approval (边报边用).
            reason[i] = [here, "核实是否到期未复垦或边报边用", *cover_part]
            priority[i] = min(priority[i], 3)
        elif mu(bf[i]) > 0:
            # Basic farmland inside approvals: taken, if lawfully; not "no protection layer".
            reason[i] = [
                here,
                f"涉及{label[domain.LAYER_BASIC_FARMLAND]} {bf_mu_text[i]}，均在批准范围内",
                "核实批准是否包含占用永久基本农田",
                *cover_part,
            ]
            priority[i] = min(priority[i], 3)
        else:
            verdict[i] = domain.SUGGEST_NO_CONCERN
            reason[i] = [f"{here}，未涉及保护图层{sliver}", *cover_part]
    for i, notes in enumerate(approval_notes):
        reason[i].extend(notes)
    fields[domain.SUGGESTED_VERDICT] = verdict
    # "4 the rest" says nothing was found that ranks the spot higher: claimed only when every
    # layer that could have was given. Otherwise it is not ranked (NULL; the dock's queue puts
    # it after the ranked spots, with spots imported unscreened). A spot ranked by what was
    # found keeps that rank: a basic-farmland spot must not sort after the clean ones because
    # the land-use layer was missing.
    checked = {domain.LAYER_LAND_USE, *domain.PROTECTION_LAYERS} <= given
    unranked = (priority == 4) & (not checked)
    fields[domain.REVIEW_PRIORITY] = _with_nulls(priority, unranked)
    fields[domain.CRIMINAL_FLAG] = _with_nulls(criminal, referral_open)
    return reason


def _unapproved_areas(
    gross: dict[str, np.ndarray],
    unions: dict[str, np.ndarray],
    cult: np.ndarray,
    cult_union: Callable[[np.ndarray], np.ndarray] | None,
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(basic farmland, cultivated land, cultivated land outside basic farmland), each outside
    the approvals, per spot: area(layer ∩ spot − approvals) computed exactly, but only for the
    few spots where the difference can matter; the others keep their gross figure."""
    n = len(cult)
    zero = np.zeros(n)
    ap_u = unions.get(domain.LAYER_APPROVALS)
    ap = gross.get(domain.LAYER_APPROVALS, zero)
    bf_u = unions.get(domain.LAYER_BASIC_FARMLAND)
    bf = gross.get(domain.LAYER_BASIC_FARMLAND, zero)

    def minus(
        base: np.ndarray,
        base_u: Callable[[np.ndarray], np.ndarray],
        cutters: list[np.ndarray | None],
        rows: np.ndarray,
    ) -> np.ndarray:
        """area(base_u − each cutter) on rows, vectorised; other rows keep `base`."""
        out = base.copy()
        if len(rows) == 0:
            return out
        geom = base_u(rows)[rows]
        for cu in cutters:
            if cu is not None:
                c = cu[rows]
                has = ~shapely.is_missing(c)
                geom[has] = _on_all_cores(shapely.difference, geom[has], c[has])
        out[rows] = _on_all_cores(lambda g: areas(g, method, crs, origin), geom)
        return out

    both = np.flatnonzero((bf > _TOL) & (ap > _TOL)) if ap_u is not None else np.zeros(0, int)
    bf_unapp = minus(bf, lambda rows: bf_u, [ap_u], both) if bf_u is not None else zero
    if cult_union is not None and ap_u is not None:
        cult_unapp = minus(cult, cult_union, [ap_u], np.flatnonzero((cult > _TOL) & (ap > _TOL)))
    else:
        cult_unapp = cult
    # Only spots that could reach 10 亩 need the exact cultivated-outside-basic-farmland area.
    near = np.flatnonzero(shown_mu(cult_unapp) >= domain.CRIMINAL_CULTIVATED_MU)
    cult_other = (
        minus(cult_unapp, cult_union, [bf_u, ap_u], near) if cult_union is not None else zero
    )
    return bf_unapp, cult_unapp, cult_other


def _referral_test(
    spot_area: np.ndarray,
    approved: np.ndarray,
    bf_unapp: np.ndarray,
    cult_unapp: np.ndarray,
    cult_other: np.ndarray,
    given: set[str],
    no_geom: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each spot reaches the criminal-referral scale (DOMAIN §5: ≥ 5 亩 unapproved
    basic farmland, or ≥ 10 亩 unapproved cultivated land outside it), and where that cannot
    be told (m² in, compared in 亩 as the report shows them).

    The test needs the basic-farmland and the land-use layers. Without one, a spot is at
    referral scale when what was measured reaches it whatever the missing layer holds (5 亩
    of basic farmland; or, without the basic-farmland layer, 15 亩 of cultivated land: under
    5 亩 of it basic farmland leaves over 10 亩 outside), and not at it when the missing
    figure could not reach its threshold either (the spot's unapproved part, or what lies
    outside the basic farmland, is too small); else it is open. Basic farmland may lie on land
    not classed cultivated, so the spot's unapproved area bounds it, not its cultivated land.
    """
    farmland = domain.LAYER_BASIC_FARMLAND in given
    land_use = domain.LAYER_LAND_USE in given
    unapproved = np.maximum(spot_area - approved, 0.0)
    if farmland and land_use:
        criminal = (shown_mu(bf_unapp) >= domain.CRIMINAL_BASIC_FARMLAND_MU) | (
            shown_mu(cult_other) >= domain.CRIMINAL_CULTIVATED_MU
        )
        return criminal & ~no_geom, np.zeros(len(spot_area), dtype=bool)
    if farmland:  # cultivated land outside it: at most what lies outside farmland and approvals
        farmland_at_most = bf_unapp
        # area(spot − (farmland ∪ approvals)) = unapproved − unapproved farmland, exactly.
        other_at_most = np.maximum(unapproved - bf_unapp, 0.0)
        certain = shown_mu(bf_unapp) >= domain.CRIMINAL_BASIC_FARMLAND_MU
    elif land_use:  # any of the cultivated land may lie outside basic farmland, or inside it
        farmland_at_most = unapproved
        other_at_most = cult_unapp
        either = domain.CRIMINAL_BASIC_FARMLAND_MU + domain.CRIMINAL_CULTIVATED_MU
        certain = shown_mu(cult_unapp) >= either
    else:
        farmland_at_most = other_at_most = unapproved
        certain = np.zeros(len(spot_area), dtype=bool)
    possible = (shown_mu(farmland_at_most) >= domain.CRIMINAL_BASIC_FARMLAND_MU) | (
        shown_mu(other_at_most) >= domain.CRIMINAL_CULTIVATED_MU
    )
    criminal = certain & ~no_geom
    return criminal, possible & ~criminal & ~no_geom


def _with_nulls(values: np.ndarray, null: np.ndarray) -> np.ndarray:
    """values, None (NULL) where null is set; as they are when it is nowhere set."""
    if not null.any():
        return values
    return np.array(
        [None if empty else value for value, empty in zip(values.tolist(), null.tolist())],
        dtype=object,
    )


def _collect_pieces(
    overlays: dict[str, _Overlay], layers: dict[str, LayerInput], origin: tuple[float, float]
) -> Pieces:
    """All pieces of all layers, shifted back to measuring CRS coordinates."""
    spot, layer, label, fid, geom, area = [], [], [], [], [], []
    for key, ov in overlays.items():
        spot.append(ov.spot)
        layer.append(np.full(len(ov.spot), key, dtype=object))
        label.append(np.asarray(layers[key].labels, dtype=object)[ov.feat])
        ids = layers[key].feature_ids
        fid.append(np.full(len(ov.feat), -1, dtype=np.int64) if ids is None else ids[ov.feat])
        geom.append(ov.geom)
        area.append(ov.area)
    if not spot:
        empty = np.zeros(0, dtype=object)
        none = np.zeros(0, dtype=np.int64)
        return Pieces(none, empty, empty, none, empty, np.zeros(0))
    return Pieces(
        np.concatenate(spot),
        np.concatenate(layer),
        np.concatenate(label),
        np.concatenate(fid),
        from_local(np.concatenate(geom), origin),
        np.concatenate(area),
    )
