"""The demo's batch of spots (监测图斑, JCTB): ordinary spots, criminal-sized ones over the
thresholds, spots in the protection layers and in the image window, and the broken ones a real
batch has (invalid geometries, a duplicated JCBH, one outside the district, one empty)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from .demo_base import _STREAM_SPOTS, DemoSize, _rng, _round_mm
from .demo_frame import _Frame
from .demo_land_use import CLASS_CODES, _cultivated, _Parcels
from .demo_protection import _Features
from .domain import (
    CRIMINAL_BASIC_FARMLAND_MU,
    CRIMINAL_CULTIVATED_MU,
    SQM_PER_MU,
    ZICHUAN_COUNTY_CODE,
)
from .geometry_repair import make_valid_one

SPOT_TYPE_NEW_CONSTRUCTION = "新增建设用地"
SPOT_TYPE_FACILITY = "新增设施农用地"
SPOT_TYPE_MINING = "采矿用地"
SPOT_TYPE_FILL = "推填土"
SPOT_TYPE_OTHER = "其他"
SPOT_TYPES = (
    SPOT_TYPE_NEW_CONSTRUCTION,
    SPOT_TYPE_FACILITY,
    SPOT_TYPE_MINING,
    SPOT_TYPE_FILL,
    SPOT_TYPE_OTHER,
)
SPOT_TYPE_SHARES = (0.55, 0.12, 0.08, 0.13, 0.12)
SPOT_TYPE_SHARES_PROTECTED = (0.15, 0.0, 0.50, 0.25, 0.10)  # spots in red line / no-mining zones
EARLIER_DATES = ("2025-09-18", "2025-10-02", "2025-10-21")
LATER_DATES = ("2026-01-06", "2026-01-15", "2026-01-28")
BATCH_YEAR = 2026
SPOTS_IN_IMAGE_MAX = 48


# --- spots ---------------------------------------------------------------------------------------


def _star_polygons(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, area: np.ndarray
) -> np.ndarray:
    """Compact irregular polygons of the given areas (m²), built all at once with numpy."""
    n, k = len(x), 11
    step = 2 * np.pi / k
    t = (
        np.arange(k) * step
        + rng.uniform(-0.35, 0.35, (n, k)) * step
        + rng.uniform(0, 2 * np.pi, (n, 1))
    )
    r = 1.0 + 0.25 * rng.uniform(-1.0, 1.0, (n, k))
    elong = rng.uniform(1.0, 1.7, (n, 1))
    phi = rng.uniform(0, np.pi, (n, 1))
    px, py = r * np.cos(t) * elong, r * np.sin(t) / elong
    qx = px * np.cos(phi) - py * np.sin(phi)
    qy = px * np.sin(phi) + py * np.cos(phi)
    unit = 0.5 * np.abs(np.sum(qx * np.roll(qy, -1, 1) - qy * np.roll(qx, -1, 1), axis=1))
    scale = np.sqrt(area / unit)[:, None]
    cx = _round_mm(x[:, None] + scale * qx)
    cy = _round_mm(y[:, None] + scale * qy)
    ring = np.stack([np.concatenate([cx, cx[:, :1]], 1), np.concatenate([cy, cy[:, :1]], 1)], -1)
    return shapely.polygons(ring)


def _points_in(rng: np.random.Generator, geom: shapely.Geometry, n: int) -> np.ndarray:
    if n <= 0 or geom.is_empty:
        return np.zeros((0, 2))
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out = np.zeros((0, 2))
    for _ in range(50):
        cand = np.column_stack(
            [rng.uniform(minx, maxx, 4 * n + 8), rng.uniform(miny, maxy, 4 * n + 8)]
        )
        cand = cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]
        out = np.concatenate([out, cand])
        if len(out) >= n:
            break
    return out[:n]


def _overlay_area(
    spots: np.ndarray,
    tree: shapely.STRtree,
    geoms: np.ndarray,
    mask: np.ndarray | None = None,
    per_feature_max: bool = False,
) -> np.ndarray:
    """Area of each spot covered by the (masked) features: total, or the largest single one."""
    s, g = tree.query(spots, predicate="intersects")
    if mask is not None:
        keep = mask[g]
        s, g = s[keep], g[keep]
    area = shapely.area(shapely.intersection(spots[s], geoms[g]))
    out = np.zeros(len(spots))
    if per_feature_max:
        np.maximum.at(out, s, area)
    else:
        np.add.at(out, s, area)
    return out


def _keep_apart(geoms: np.ndarray, gap: float) -> np.ndarray:
    """Greedy: keep each spot unless an earlier kept one lies within `gap` metres of it."""
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=gap)
    later = a < b
    a, b = a[later], b[later]
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    starts = np.searchsorted(a, np.arange(len(geoms)))
    ends = np.searchsorted(a, np.arange(len(geoms)), side="right")
    keep = np.ones(len(geoms), bool)
    for i in range(len(geoms)):
        if keep[i] and starts[i] < ends[i]:
            keep[b[starts[i] : ends[i]]] = False
    return keep


@dataclass
class _Spots:
    geoms: list[shapely.Geometry | None]
    numbers: list[str]
    types: list[str]
    earlier: list[str]
    later: list[str]
    area: list[float]
    broken: dict
    criminal: dict
    approvable: np.ndarray  # indices of ordinary spots approvals may cover


def _make_spots(
    seed: int,
    size: DemoSize,
    frame: _Frame,
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    features: _Features,
    view_areas: list,
    window: shapely.Polygon,
) -> _Spots:
    rng = _rng(seed, _STREAM_SPOTS)
    outline = frame.outline
    shapely.prepare(outline)
    cultivated = _cultivated(parcels.cls)
    n_special = 6  # 4 invalid, 1 outside, 1 empty
    n_ordinary = size.spots - n_special
    n_criminal = max(2, n_ordinary // 100)
    n_win = min(SPOTS_IN_IMAGE_MAX, max(12, n_ordinary // 8))
    fl_geoms = np.array([g for _, g in farmland])
    groups = _candidate_groups(
        rng,
        parcels,
        cultivated,
        fl_geoms,
        features,
        view_areas,
        window,
        n_ordinary,
        n_criminal,
        n_win,
    )
    kinds = np.concatenate([[k] * len(p) for k, p, _ in groups])
    centres = np.concatenate([p for _, p, _ in groups])
    areas = np.concatenate([a for _, _, a in groups])
    geoms = _star_polygons(rng, centres[:, 0], centres[:, 1], areas)
    ok = shapely.contains(outline, geoms)
    _keep_criminal_that_reach(ok, kinds, geoms, parcels, cultivated, fl_geoms, n_criminal)
    win_idx = np.flatnonzero((kinds == "window") & ok & shapely.contains(window, geoms))
    ok[np.flatnonzero(kinds == "window")] = False
    ok[win_idx[:n_win]] = True
    cand = np.flatnonzero(ok)
    kept = cand[_keep_apart(geoms[cand], 10.0)]
    # Fill up with ordinary spots in priority order, then shuffle the sequence numbers.
    chosen = kept[:n_ordinary]
    if len(chosen) < n_ordinary:
        raise RuntimeError(f"could only place {len(chosen)} of {n_ordinary} spots")
    cult_pool = np.flatnonzero(cultivated)
    invalid, outside = _broken_geometries(rng, parcels, outline, cult_pool, geoms[chosen])
    dealt = _shuffle(rng, size.spots, chosen, kinds, geoms, invalid, outside)
    return _number_spots(rng, *dealt)


def _at_parcels(
    rng: np.random.Generator, parcels: _Parcels, n: int, pool: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """n points near the middle of parcels drawn from `pool` with weights `w`."""
    if n <= 0 or len(pool) == 0:
        return np.zeros((0, 2))
    pick = rng.choice(pool, size=n, replace=True, p=w / w.sum())
    jitter = rng.uniform(-0.25, 0.25, (n, 2)) * parcels.cell
    pts = np.column_stack([parcels.cx[pick], parcels.cy[pick]]) + jitter
    return pts


def _log_areas(rng: np.random.Generator, n: int) -> np.ndarray:
    """Spot areas (m²): log-normal about 3 mu, kept between 0.5 and 40 mu."""
    mu = np.exp(rng.normal(math.log(3.0), 0.9, n))
    return np.clip(mu, 0.5, 40.0) * SQM_PER_MU


def _candidate_groups(
    rng: np.random.Generator,
    parcels: _Parcels,
    cultivated: np.ndarray,
    fl_geoms: np.ndarray,
    features: _Features,
    view_areas: list,
    window: shapely.Polygon,
    n_ordinary: int,
    n_criminal: int,
    n_win: int,
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(kind, centres, areas) of the candidate spots, by priority, more than the batch takes."""
    codes = np.array(CLASS_CODES)[parcels.cls]
    construction = (codes >= "05") & (codes < "11")  # 05xx-10xx
    weight = np.where(cultivated, 3.0, np.where(construction, 2.5, 0.8))
    groups: list[tuple[str, np.ndarray, np.ndarray]] = []  # (kind, centres, areas), by priority
    # Criminal-sized spots: checked against the layers later, so generate spares.
    fl_pts = np.concatenate(
        [_points_in(rng, g, 2) for g in fl_geoms[np.argsort(-shapely.area(fl_geoms))[:200]]]
    )
    groups.append(
        (
            "criminal_bf",
            fl_pts[: 12 * n_criminal],
            rng.uniform(7.0, 14.0, min(len(fl_pts), 12 * n_criminal)) * SQM_PER_MU,
        )
    )
    cult_pool = np.flatnonzero(cultivated)
    n_try = 20 * n_criminal
    groups.append(
        (
            "criminal_cult",
            _at_parcels(rng, parcels, n_try, cult_pool, np.ones(len(cult_pool))),
            rng.uniform(13.0, 28.0, n_try) * SQM_PER_MU,
        )
    )
    wx0, wy0, wx1, wy1 = window.bounds
    in_win = np.flatnonzero(
        (parcels.cx > wx0 + 100)
        & (parcels.cx < wx1 - 100)
        & (parcels.cy > wy0 + 100)
        & (parcels.cy < wy1 - 100)
    )
    groups.append(
        (
            "window",
            _at_parcels(rng, parcels, 2 * n_win, in_win, weight[in_win]),
            _log_areas(rng, 2 * n_win),
        )
    )
    protected = [g for _, _, g in features.red_line] + [g for _, g in features.no_mining]
    n_prot = max(3, n_ordinary // 12)
    prot_pts = np.concatenate([_points_in(rng, g, n_prot // len(protected) + 1) for g in protected])
    groups.append(("protected", prot_pts, _log_areas(rng, len(prot_pts))))
    n_view = max(3, n_ordinary // 12)
    view_pts = np.concatenate(
        [_points_in(rng, g, n_view // len(view_areas) + 1) for _, _, g in view_areas]
    )
    groups.append(("view", view_pts, _log_areas(rng, len(view_pts))))
    n_rest = int(1.6 * n_ordinary) + 20
    all_pool = np.arange(len(parcels.cls))
    groups.append(
        ("rest", _at_parcels(rng, parcels, n_rest, all_pool, weight), _log_areas(rng, n_rest))
    )
    return groups


def _keep_criminal_that_reach(
    ok: np.ndarray,
    kinds: np.ndarray,
    geoms: np.ndarray,
    parcels: _Parcels,
    cultivated: np.ndarray,
    fl_geoms: np.ndarray,
    n_criminal: int,
) -> None:
    """Clear `ok` for criminal candidates that do not really reach the thresholds on this
    district's layers, and for those beyond the first n_criminal of each criminal kind."""
    fl_tree = shapely.STRtree(fl_geoms)
    tree = shapely.STRtree(parcels.geoms)
    crim = np.flatnonzero(np.char.startswith(kinds.astype(str), "criminal") & ok)
    cult_area = _overlay_area(geoms[crim], tree, parcels.geoms, cultivated)
    fl_area = _overlay_area(geoms[crim], fl_tree, fl_geoms, per_feature_max=True)
    is_bf = kinds[crim] == "criminal_bf"
    reaches = np.where(
        is_bf,
        (fl_area >= 1.1 * CRIMINAL_BASIC_FARMLAND_MU * SQM_PER_MU)
        & (cult_area >= 1.1 * CRIMINAL_BASIC_FARMLAND_MU * SQM_PER_MU),
        cult_area >= 1.1 * CRIMINAL_CULTIVATED_MU * SQM_PER_MU,
    )
    ok[crim[~reaches]] = False
    # Keep at most n_criminal of each criminal kind.
    for kind in ("criminal_bf", "criminal_cult"):
        idx = np.flatnonzero((kinds == kind) & ok)
        ok[idx[n_criminal:]] = False


def _broken_geometries(
    rng: np.random.Generator,
    parcels: _Parcels,
    outline: shapely.Polygon,
    cult_pool: np.ndarray,
    chosen_geoms: np.ndarray,
) -> tuple[list[tuple[str, shapely.Polygon]], shapely.Polygon]:
    """Four invalid polygons, each with the words is_valid_reason gives for it, at parcels away
    from the chosen spots; and a spot outside the district."""
    shapely.prepare(outline)
    broken_pts = _at_parcels(rng, parcels, 40, cult_pool, np.ones(len(cult_pool)))
    chosen_tree = shapely.STRtree(chosen_geoms)
    far = [
        p
        for p in broken_pts
        if len(chosen_tree.query(shapely.buffer(shapely.Point(p), 200.0))) == 0
        and shapely.contains_xy(shapely.buffer(outline, -300.0), p[0], p[1])
    ]
    if len(far) < 5:
        far = list(broken_pts)
    px, py = _round_mm(np.array(far[:5])).T
    invalid = [
        (
            "Self-intersection",
            shapely.Polygon(_offset([(0, 0), (40, 40), (40, 0), (0, 40), (0, 0)], px[0], py[0])),
        ),
        (
            "Ring Self-intersection",
            shapely.Polygon(
                _offset(
                    [(0, 0), (40, 0), (20, 20), (40, 40), (0, 40), (20, 20), (0, 0)], px[1], py[1]
                )
            ),
        ),
        (
            "Self-intersection",
            shapely.Polygon(
                _offset(
                    [(0, 0), (40, 0), (40, 20), (70, 20), (40, 20), (40, 40), (0, 40), (0, 0)],
                    px[2],
                    py[2],
                )
            ),
        ),
        (
            "Hole lies outside shell",
            shapely.Polygon(
                _offset([(0, 0), (40, 0), (40, 40), (0, 40), (0, 0)], px[3], py[3]),
                [_offset([(60, 60), (80, 60), (80, 80), (60, 80), (60, 60)], px[3], py[3])],
            ),
        ),
    ]
    minx, miny, maxx, maxy = outline.bounds
    outside = _star_polygons(
        rng, np.array([maxx + 2500.0]), np.array([(miny + maxy) / 2]), np.array([4.0 * SQM_PER_MU])
    )[0]
    return invalid, outside


def _shuffle(
    rng: np.random.Generator,
    n_total: int,
    chosen: np.ndarray,
    kinds: np.ndarray,
    geoms: np.ndarray,
    invalid: list[tuple[str, shapely.Polygon]],
    outside: shapely.Polygon,
) -> tuple[list[shapely.Geometry | None], list[str], dict[int, str]]:
    """Geometry and kind of each spot by sequence number, the chosen spots and then the broken
    ones dealt to random numbers; and the is_valid_reason words of each invalid spot."""
    # The pos-th item dealt (chosen spots, then broken ones) becomes spot slots[pos], whose
    # sequence number is slots[pos] + 1.
    slots = rng.permutation(n_total)
    geom_list: list[shapely.Geometry | None] = [None] * n_total
    kind_list = [""] * n_total
    reason_of: dict[int, str] = {}  # spot -> words is_valid_reason gives for it
    specials = [("invalid", g) for _, g in invalid] + [
        ("outside", outside),
        ("empty", shapely.Polygon()),
    ]
    order = list(chosen) + [None] * len(specials)
    for pos, item in enumerate(order):
        spot = slots[pos]
        if item is None:
            kind, g = specials[pos - len(chosen)]
            if kind == "invalid":
                reason_of[spot] = invalid[pos - len(chosen)][0]
        else:
            kind, g = str(kinds[item]), geoms[item]
        geom_list[spot] = g
        kind_list[spot] = kind
    return geom_list, kind_list, reason_of


def _number_spots(
    rng: np.random.Generator,
    geom_list: list[shapely.Geometry | None],
    kind_list: list[str],
    reason_of: dict[int, str],
) -> _Spots:
    """The batch from what _shuffle dealt: sequence numbers (one JCBH duplicated), and each
    spot's type, dates and the supplier's area."""
    n_total = len(geom_list)
    width = max(4, len(str(n_total)))
    numbers = [f"{ZICHUAN_COUNTY_CODE}{BATCH_YEAR}{i + 1:0{width}d}" for i in range(n_total)]
    ordinary = [i for i, k in enumerate(kind_list) if k in ("window", "protected", "view", "rest")]
    dup_from, dup_to = (int(v) for v in rng.choice(ordinary, 2, replace=False))
    numbers[dup_to] = numbers[dup_from]
    invalid_spots = [i for i, k in enumerate(kind_list) if k == "invalid"]
    broken = {
        "invalid": [numbers[i] for i in invalid_spots],
        "invalid_reason": {numbers[i]: reason_of[i] for i in invalid_spots},
        "duplicate": numbers[dup_to],
        "outside": numbers[kind_list.index("outside")],
        "empty": numbers[kind_list.index("empty")],
    }
    criminal = {
        "basic_farmland": [numbers[i] for i, k in enumerate(kind_list) if k == "criminal_bf"],
        "cultivated": [numbers[i] for i, k in enumerate(kind_list) if k == "criminal_cult"],
    }
    types = []
    for k in kind_list:
        if k.startswith("criminal"):
            types.append(SPOT_TYPE_NEW_CONSTRUCTION)
        else:
            shares = SPOT_TYPE_SHARES_PROTECTED if k == "protected" else SPOT_TYPE_SHARES
            types.append(SPOT_TYPES[int(rng.choice(len(SPOT_TYPES), p=shares))])
    earlier = [EARLIER_DATES[int(i)] for i in rng.integers(0, len(EARLIER_DATES), n_total)]
    later = [LATER_DATES[int(i)] for i in rng.integers(0, len(LATER_DATES), n_total)]
    area = []
    for g in geom_list:
        # The supplier's figure: planar area of the polygon as it was meant to be.
        a = 0.0 if g is None or g.is_empty else float(shapely.area(make_valid_one(g)))
        area.append(round(a, 2))
    approvable = np.array([i for i in ordinary if i not in (dup_from, dup_to)])
    return _Spots(geom_list, numbers, types, earlier, later, area, broken, criminal, approvable)


def _offset(ring: list[tuple[float, float]], x: float, y: float) -> list[tuple[float, float]]:
    return [(round(x + a, 3), round(y + b, 3)) for a, b in ring]
