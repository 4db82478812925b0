"""The demo district's land use: the smooth fields (hills, towns, villages) that decide it, the
land-use parcels (DLTB) that tile the district, and the permanent basic farmland (YJJBNT)
designated from the cultivated parcels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from .demo_base import (
    _MM,
    _STREAM_CLASSES,
    _STREAM_FIELDS,
    _STREAM_PARCELS,
    _polygons_only,
    _rank01,
    _rng,
    _round_mm,
    _value_noise,
)
from .demo_frame import (
    _FIELD_CELL_M,
    DISTRICT_AREA_SQM,
    DISTRICT_SEMI_AXES_M,
    DISTRICT_TILT_RAD,
    TOWNS,
    _Frame,
)
from .demo_protection import _Features
from .domain import (
    CULTIVATED_CODES,
    THREE_ZONES_KIND_RAILWAY,
    THREE_ZONES_KIND_RIVER,
)

# Classes the demo paints: DLBM -> (DLMC, RGB in the images, texture strength).
LAND_CLASSES: dict[str, tuple[str, tuple[int, int, int], float]] = {
    "0101": ("水田", (86, 128, 84), 6.0),
    "0102": ("水浇地", (128, 150, 86), 8.0),
    "0103": ("旱地", (168, 152, 108), 8.0),
    "0201": ("果园", (88, 120, 66), 14.0),
    "0204": ("其他园地", (104, 128, 78), 12.0),
    "0301": ("乔木林地", (46, 82, 48), 16.0),
    "0305": ("灌木林地", (78, 100, 60), 14.0),
    "0307": ("其他林地", (92, 112, 70), 12.0),
    "0404": ("其他草地", (138, 142, 96), 10.0),
    "0601": ("工业用地", (150, 156, 166), 10.0),
    "0602": ("采矿用地", (186, 176, 158), 12.0),
    "0701": ("城镇住宅用地", (156, 150, 146), 14.0),
    "0702": ("农村宅基地", (150, 124, 108), 14.0),
    "0810": ("公园与绿地", (84, 122, 76), 10.0),
    "1001": ("铁路用地", (112, 104, 98), 6.0),
    "1003": ("公路用地", (124, 124, 124), 4.0),
    "1004": ("城镇村道路用地", (136, 132, 128), 5.0),
    "1006": ("农村道路", (172, 162, 140), 5.0),
    "1101": ("河流水面", (58, 82, 96), 4.0),
    "1103": ("水库水面", (46, 70, 98), 3.0),
    "1104": ("坑塘水面", (62, 88, 90), 4.0),
    "1107": ("沟渠", (80, 102, 92), 5.0),
    "1202": ("设施农用地", (206, 210, 214), 8.0),
    "1203": ("田坎", (140, 134, 100), 8.0),
    "1206": ("裸土地", (176, 156, 122), 10.0),
    "1207": ("裸岩石砾地", (164, 158, 148), 12.0),
}
CLASS_CODES = tuple(LAND_CLASSES)
_CLASS_INDEX = {code: i for i, code in enumerate(CLASS_CODES)}

# Class mixes (code, share) of each landscape zone, shares in the order the zone's score ranks.
URBAN_MIX = (("0701", 0.42), ("1004", 0.16), ("0810", 0.06), ("0702", 0.08), ("0601", 0.28))
RURAL_MIX = (("0702", 0.72), ("1006", 0.10), ("1004", 0.08), ("0601", 0.10))
PLAIN_MIX = (("0101", 0.015), ("0102", 0.40), ("0103", 0.585))
SLOPE_MIX = (
    ("0103", 0.25),
    ("0201", 0.30),
    ("0204", 0.08),
    ("1203", 0.07),
    ("0404", 0.15),
    ("0307", 0.10),
    ("1206", 0.05),
)
HILL_MIX = (
    ("0307", 0.10),
    ("0305", 0.24),
    ("0301", 0.38),
    ("0404", 0.16),
    ("1206", 0.04),
    ("1207", 0.05),
    ("0602", 0.03),
)
CONSTRUCTION_SHARE = 0.17
PLAIN_SHARE = 0.34  # of all parcels: makes about 35 % cultivated once slopes and overrides count
SLOPE_SHARE = 0.20
KCXS_STEPS = (0.0, 0.016, 0.046, 0.089, 0.127)  # ridge coefficients by slope grade
BASIC_FARMLAND_SHARE = 0.75  # share of cultivated parcels designated permanent basic farmland


def _cultivated(cls: np.ndarray) -> np.ndarray:
    """Which of these class indices are cultivated land (耕地)."""
    return np.isin(cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])


def _pick(mix: tuple[tuple[str, float], ...], score: np.ndarray) -> np.ndarray:
    """Class index per item: ranks of `score` cut into the mix's shares (low score = first code)."""
    codes = np.array([_CLASS_INDEX[c] for c, _ in mix])
    cuts = np.cumsum([s for _, s in mix])
    cuts /= cuts[-1]
    return codes[np.minimum(np.searchsorted(cuts, _rank01(score)), len(codes) - 1)]


def _fields(seed: int, frame: _Frame, seeds: np.ndarray, features: _Features) -> None:
    """Smooth fields on a 50 m grid: hilliness, town/village intensity and clustering noise."""
    rng = _rng(seed, _STREAM_FIELDS)
    shape = (frame.ny, frame.nx)
    gx = frame.x0 + _FIELD_CELL_M * np.arange(frame.nx)
    gy = frame.y0 + _FIELD_CELL_M * np.arange(frame.ny)
    ax, ay = DISTRICT_SEMI_AXES_M
    c, s = math.cos(DISTRICT_TILT_RAD), math.sin(DISTRICT_TILT_RAD)
    dx, dy = gx[None, :] - frame.cx, gy[:, None] - frame.cy
    u = (dx * c + dy * s) / ax  # east fraction
    v = (-dx * s + dy * c) / ay  # north fraction
    cell = _FIELD_CELL_M
    # Zichuan: plains in the north around the town, mountains to the south and east.
    hill = 0.55 * (0.5 - 0.5 * v) + 0.2 * np.clip(u, -1, 1)
    hill = (
        hill
        + 0.16 * _value_noise(rng, shape, 8000 / cell)
        + 0.09 * _value_noise(rng, shape, 2500 / cell)
    )
    hill = hill + 0.04 * _value_noise(rng, shape, 700 / cell)
    # River valleys are low: subtract a term decaying with the distance to the rivers.
    coarse = 8
    cgx, cgy = np.meshgrid(gx[::coarse], gy[::coarse])
    pts = shapely.points(cgx.ravel(), cgy.ravel())
    for kind, _name, g in features.lines:
        if kind == THREE_ZONES_KIND_RIVER and not g.is_empty:
            dist = shapely.distance(pts, g).reshape(cgx.shape)
            dist = np.repeat(np.repeat(dist, coarse, axis=0), coarse, axis=1)[
                : frame.ny, : frame.nx
            ]
            hill = hill - 0.18 * np.exp(-dist / 1800.0)
    frame.hill = hill

    town = np.zeros(shape)
    for i, (x, y) in enumerate(seeds):
        sigma, amp = (2200.0, 1.0) if i < 2 else (900.0, 0.75)
        town += amp * np.exp(-((gx[None, :] - x) ** 2 + (gy[:, None] - y) ** 2) / (2 * sigma**2))
    # Villages: small settlements, denser in the plains; each adds a bump to the grid locally.
    village = np.zeros(shape)
    minx, miny, maxx, maxy = frame.outline.bounds
    n_villages = int(DISTRICT_AREA_SQM / 2.0e6)
    vx = rng.uniform(minx, maxx, n_villages * 3)
    vy = rng.uniform(miny, maxy, n_villages * 3)
    vh = frame.sample(hill, vx, vy)
    keep = rng.random(len(vx)) < np.clip(1.1 - vh, 0.15, 1.0)
    vx, vy = vx[keep][:n_villages], vy[keep][:n_villages]
    sig = rng.uniform(140.0, 260.0, len(vx))
    for x, y, sg in zip(vx, vy, sig):
        r = int(3 * sg / cell) + 1
        ix, iy = int((x - frame.x0) / cell), int((y - frame.y0) / cell)
        i0, i1 = max(ix - r, 0), min(ix + r + 1, frame.nx)
        j0, j1 = max(iy - r, 0), min(iy + r + 1, frame.ny)
        if i0 >= i1 or j0 >= j1:
            continue
        bump = np.exp(-((gx[None, i0:i1] - x) ** 2 + (gy[j0:j1, None] - y) ** 2) / (2 * sg**2))
        village[j0:j1, i0:i1] = np.maximum(village[j0:j1, i0:i1], 0.7 * bump)
    frame.town_urban = town
    frame.urban = town + village + 0.05 * _value_noise(rng, shape, 300 / cell)
    frame.mix = _value_noise(rng, shape, 1200 / cell)
    frame.farmland = _value_noise(rng, shape, 2500 / cell)


# --- land-use parcels ----------------------------------------------------------------------------


@dataclass
class _Parcels:
    geoms: np.ndarray  # shapely polygons
    cls: np.ndarray  # index into CLASS_CODES
    kcxs: np.ndarray
    village: np.ndarray  # 12-digit codes
    cx: np.ndarray  # a point inside (or near the middle of) each parcel
    cy: np.ndarray
    cell: float  # typical parcel size (m)


def _parcel_grid(seed: int, frame: _Frame, target: int) -> tuple[np.ndarray, float]:
    """A jittered, slightly rotated grid of quadrilaterals covering the district.

    Neighbouring cells share their vertices exactly, so the cells form a clean coverage.
    """
    rng = _rng(seed, _STREAM_PARCELS)
    size = math.sqrt(DISTRICT_AREA_SQM / target)
    angle = math.radians(rng.uniform(12.0, 24.0))
    c, s = math.cos(angle), math.sin(angle)
    coords = shapely.get_coordinates(frame.outline)
    rx = (coords[:, 0] - frame.cx) * c + (coords[:, 1] - frame.cy) * s
    ry = -(coords[:, 0] - frame.cx) * s + (coords[:, 1] - frame.cy) * c
    # Fields are longer one way than the other; column widths and row heights vary.
    mean_w, mean_h = 1.25 * size, 0.8 * size
    nxc = int((rx.max() - rx.min()) / mean_w / 0.6) + 3
    nyc = int((ry.max() - ry.min()) / mean_h / 0.6) + 3
    widths = mean_w * rng.uniform(0.6, 1.4, nxc)
    heights = mean_h * rng.uniform(0.6, 1.4, nyc)
    ex = rx.min() - mean_w + np.concatenate([[0.0], np.cumsum(widths)])
    ey = ry.min() - mean_h + np.concatenate([[0.0], np.cumsum(heights)])
    ex = ex[: np.searchsorted(ex, rx.max() + mean_w) + 1]
    ey = ey[: np.searchsorted(ey, ry.max() + mean_h) + 1]
    vx, vy = np.meshgrid(ex, ey)
    # Jitter below a quarter of the narrowest spacing keeps every quadrilateral simple.
    jit = 0.2 * 0.6 * min(mean_w, mean_h)
    vx = vx + rng.uniform(-jit, jit, vx.shape)
    vy = vy + rng.uniform(-jit, jit, vy.shape)
    wx = _round_mm(frame.cx + vx * c - vy * s)
    wy = _round_mm(frame.cy + vx * s + vy * c)
    quad = np.stack(
        [
            np.stack([wx[:-1, :-1], wx[:-1, 1:], wx[1:, 1:], wx[1:, :-1], wx[:-1, :-1]], -1),
            np.stack([wy[:-1, :-1], wy[:-1, 1:], wy[1:, 1:], wy[1:, :-1], wy[:-1, :-1]], -1),
        ],
        -1,
    ).reshape(-1, 5, 2)
    return quad, size


def _clip_to_district(quad: np.ndarray, outline: shapely.Polygon) -> tuple[np.ndarray, np.ndarray]:
    """Whole cells inside the district, and cells cut by its boundary clipped to it."""
    cells = shapely.polygons(quad)
    tree = shapely.STRtree(cells)
    ring = shapely.get_coordinates(outline.exterior)
    segments = shapely.linestrings(np.stack([ring[:-1], ring[1:]], axis=1))
    _seg, hit = tree.query(segments, predicate="intersects")
    on_edge = np.zeros(len(cells), bool)
    on_edge[hit] = True
    centre = quad[:, :4].mean(axis=1)
    shapely.prepare(outline)
    inside = ~on_edge & shapely.contains_xy(outline, centre[:, 0], centre[:, 1])
    cut = _polygons_only(shapely.intersection(cells[on_edge], outline))
    # Both neighbours compute the point where the boundary crosses their shared edge; snapping to
    # the millimetre makes the two copies identical, so the coverage stays clean.
    cut = _polygons_only(shapely.set_precision(cut, _MM))
    geoms = np.concatenate([cells[inside], cut])
    pts = np.concatenate([centre[inside], shapely.get_coordinates(shapely.point_on_surface(cut))])
    return geoms, pts


def _classify(
    seed: int, frame: _Frame, features: _Features, x: np.ndarray, y: np.ndarray, size: float
) -> tuple[np.ndarray, np.ndarray]:
    """Class index and ridge coefficient per parcel from the smooth fields (spatially clustered)."""
    rng = _rng(seed, _STREAM_CLASSES)
    n = len(x)
    hill = frame.sample(frame.hill, x, y)
    urban = frame.sample(frame.urban, x, y)
    town = frame.sample(frame.town_urban, x, y)
    mix = frame.sample(frame.mix, x, y)
    cls = np.full(n, _CLASS_INDEX["0103"])
    urban_score = urban + 0.08 * rng.standard_normal(n)
    construction = _rank01(urban_score) >= 1.0 - CONSTRUCTION_SHARE
    in_town = construction & (town > urban - town)
    cls[in_town] = _pick(URBAN_MIX, mix[in_town] + 0.4 * rng.standard_normal(in_town.sum()))
    rural = construction & ~in_town
    cls[rural] = _pick(RURAL_MIX, mix[rural] + 0.6 * rng.standard_normal(rural.sum()))
    rest = ~construction
    hill_rank = _rank01(hill[rest] + 0.03 * rng.standard_normal(rest.sum()))
    plain_cut = PLAIN_SHARE / (1.0 - CONSTRUCTION_SHARE)
    slope_cut = (PLAIN_SHARE + SLOPE_SHARE) / (1.0 - CONSTRUCTION_SHARE)
    idx = np.flatnonzero(rest)
    for sel, mix_table, noise in (
        (idx[hill_rank < plain_cut], PLAIN_MIX, 0.5),
        (idx[(hill_rank >= plain_cut) & (hill_rank < slope_cut)], SLOPE_MIX, 0.5),
        (idx[hill_rank >= slope_cut], HILL_MIX, 0.4),
    ):
        score = (hill[sel] if mix_table is PLAIN_MIX else mix[sel]) + noise * rng.standard_normal(
            len(sel)
        )
        cls[sel] = _pick(mix_table, score)

    # Linear features and water override the zones along their course.
    pts = shapely.points(x, y)
    for kind, _name, g in features.lines:
        if g.is_empty:
            continue
        width = {THREE_ZONES_KIND_RIVER: 0.45, THREE_ZONES_KIND_RAILWAY: 0.3}.get(kind, 0.35)
        near = shapely.dwithin(g, pts, max(25.0, width * size))
        code = {THREE_ZONES_KIND_RIVER: "1101", THREE_ZONES_KIND_RAILWAY: "1001"}.get(kind, "1003")
        cls[near] = _CLASS_INDEX[code]
    shapely.prepare(features.reservoir)
    cls[shapely.contains_xy(features.reservoir, x, y)] = _CLASS_INDEX["1103"]
    cultivated = _cultivated(cls)
    draw = rng.random(n)
    cls[cultivated & (draw < 0.012)] = _CLASS_INDEX["1104"]
    cls[cultivated & (draw >= 0.012) & (draw < 0.022)] = _CLASS_INDEX["1107"]
    cls[cultivated & (draw >= 0.022) & (draw < 0.03)] = _CLASS_INDEX["1202"]

    kcxs = np.zeros(n)
    cultivated = _cultivated(cls)
    grade = np.minimum(
        (_rank01(hill[cultivated]) * len(KCXS_STEPS)).astype(int), len(KCXS_STEPS) - 1
    )
    kcxs[cultivated] = np.array(KCXS_STEPS)[grade]
    return cls, kcxs


def _village_codes(seeds: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """12-digit village code: town (nearest seat, i.e. its Voronoi cell) + village number."""
    n = len(x)
    town = np.zeros(n, int)
    best = np.full(n, np.inf)
    for i, (sx, sy) in enumerate(seeds):
        d2 = (x - sx) ** 2 + (y - sy) ** 2
        closer = d2 < best
        town[closer], best[closer] = i, d2[closer]
    # Villages are 1.6 km blocks in a town: the codes only need to be plausible and nested.
    key = town * 10**8 + np.floor(y / 1600.0).astype(np.int64) % 10**4 * 10**4
    key = key + np.floor(x / 1600.0).astype(np.int64) % 10**4
    uniq, inv = np.unique(key, return_inverse=True)
    utown = uniq // 10**8
    first = np.searchsorted(utown, np.arange(len(seeds)))
    number = np.arange(len(uniq)) - first[utown] + 1
    codes = np.array([f"{TOWNS[t][1]}{k:03d}" for t, k in zip(utown, number)])
    return codes[inv]


def _make_parcels(
    seed: int, frame: _Frame, seeds: np.ndarray, features: _Features, target: int
) -> _Parcels:
    quad, size = _parcel_grid(seed, frame, target)
    geoms, pts = _clip_to_district(quad, frame.outline)
    cls, kcxs = _classify(seed, frame, features, pts[:, 0], pts[:, 1], size)
    village = _village_codes(seeds, pts[:, 0], pts[:, 1])
    return _Parcels(geoms, cls, kcxs, village, pts[:, 0], pts[:, 1], size)


def _basic_farmland(parcels: _Parcels, frame: _Frame) -> list[tuple[str, shapely.Geometry]]:
    """Permanent basic farmland: designated cultivated parcels dissolved per village, plus two
    deliberate overlaps between neighbouring features (real data has them)."""
    cultivated = _cultivated(parcels.cls)
    score = frame.sample(frame.farmland, parcels.cx, parcels.cy)
    sel = np.flatnonzero(cultivated)
    designated = sel[_rank01(score[sel]) >= 1.0 - BASIC_FARMLAND_SHARE]
    order = designated[np.argsort(parcels.village[designated], kind="stable")]
    villages, starts = np.unique(parcels.village[order], return_index=True)
    bounds = list(starts[1:]) + [len(order)]
    features: list[tuple[str, shapely.Geometry]] = []
    for vcode, a, b in zip(villages, starts, bounds):
        # union_all, not coverage_union_all: GEOS 3.11 (QGIS 3.22 on Debian) refuses the parcel
        # coverage as "incorrectly noded" after the millimetre snapping.
        merged = shapely.union_all(parcels.geoms[order[a:b]], grid_size=_MM)
        parts = _polygons_only(np.array([merged]))
        parts = parts[np.argsort(-shapely.area(parts), kind="stable")]
        features.extend((f"{vcode}{k + 1:04d}", p) for k, p in enumerate(parts))
    geoms = np.array([g for _, g in features])
    tree = shapely.STRtree(geoms)
    big = np.argsort(-shapely.area(geoms), kind="stable")
    done: set[int] = set()
    for i in big:
        if len(done) >= 4:
            break
        if i in done:
            continue
        for j in tree.query(geoms[i], predicate="touches"):
            if j != i and j not in done and shapely.area(geoms[j]) > 4 * parcels.cell**2:
                # Feature i also claims a strip of its neighbour j: an overlap of two features.
                strip = shapely.intersection(geoms[j], shapely.buffer(geoms[i], 0.8 * parcels.cell))
                grown = shapely.set_precision(shapely.union(geoms[i], strip), _MM)
                features[i] = (features[i][0], grown)
                done.update((i, j))
                break
    return features
