"""Make a synthetic Zichuan-like district: GeoPackage layers, spot batch, before/after images."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import fiona
import fiona.crs
import numpy as np
import rasterio
import rasterio.crs
import shapely
import shapely.ops
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.transform import from_origin
from shapely.geometry import MultiLineString, MultiPolygon, mapping

from . import campaigns_schema as cs
from .domain import (
    APPROVAL_AREA,
    APPROVAL_DATE,
    APPROVAL_END,
    APPROVAL_KIND,
    APPROVAL_NUMBER,
    APPROVAL_START,
    APPROVED_USE,
    BASIC_FARMLAND_NUMBER,
    CRIMINAL_BASIC_FARMLAND_MU,
    CRIMINAL_CULTIVATED_MU,
    CULTIVATED_CODES,
    DEMO_LAYER_APPROVALS,
    DEMO_LAYER_BASIC_FARMLAND,
    DEMO_LAYER_DISTRICT,
    DEMO_LAYER_FACILITY_LAND,
    DEMO_LAYER_GROUND,
    DEMO_LAYER_LAND_USE,
    DEMO_LAYER_MINING_LICENCES,
    DEMO_LAYER_NO_MINING,
    DEMO_LAYER_RED_LINE,
    DEMO_LAYER_SPOTS,
    DEMO_LAYER_TEMPORARY_LAND,
    DEMO_LAYER_THREE_ZONES,
    DEMO_LAYER_THREE_ZONES_LINES,
    DEMO_LAYER_THREE_ZONES_ZONES,
    DEMO_LAYER_TOWNS,
    DISTRICT_NAME,
    EPSG_CGCS2000_GEOGRAPHIC,
    EPSG_GK3_ZONE39_PREFIXED,
    GROUND_FEATURE_ID,
    GROUND_USE,
    LAND_CLASS_CODE,
    LAND_CLASS_NAME,
    MINE_NAME,
    NO_MINING_NAME,
    OFFICE_NAME,
    PARCEL_ID,
    RED_LINE_CODE,
    RED_LINE_NAME,
    RIDGE_COEFFICIENT,
    SPOT_COUNTY_CODE,
    SPOT_EARLIER_DATE,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_TYPE,
    SQM_PER_MU,
    THREE_ZONES_KIND,
    THREE_ZONES_KIND_HIGHWAY,
    THREE_ZONES_KIND_NATURE_RESERVE,
    THREE_ZONES_KIND_RAILWAY,
    THREE_ZONES_KIND_RIVER,
    THREE_ZONES_KIND_SCENIC_AREA,
    THREE_ZONES_KIND_TOWN,
    THREE_ZONES_NAME,
    THREE_ZONES_SOURCE_NAME,
    TOWN_CODE,
    TOWN_NAME,
    VILLAGE_CODE,
    ZICHUAN_COUNTY_CODE,
)
from .three_zones import view_buffer


@dataclass(frozen=True)
class DemoSize:
    """How big a district to make."""

    parcels: int  # approximate number of DLTB parcels
    spots: int  # number of spots in JCTB
    # A vertex every this many metres along parcel boundaries, as digitised survey parcels
    # have (tens of vertices each), so a benchmark pays what real data costs; None: corners only.
    vertex_spacing: float | None = None
    # The planted campaign cases (mining licences, temporary and facility land) need parcels
    # larger than a benchmark district's: benchmarks leave them out.
    campaigns: bool = True


DEMO = DemoSize(parcels=6_000, spots=300)
BENCH_SIZES = {
    "S": DemoSize(20_000, 1_000, campaigns=False),
    "M": DemoSize(150_000, 4_000, campaigns=False),
    "L": DemoSize(600_000, 20_000, campaigns=False),
    # M as digitised survey data is: a vertex every 5 m along each boundary (about 64 per
    # parcel), which is what reading and overlaying real third-survey parcels costs.
    "M-dense": DemoSize(150_000, 4_000, vertex_spacing=5.0, campaigns=False),
}

# The demo's choice of 三区两线 view distances (m); a real bureau sets its province's values.
VIEW_DISTANCE_RAILWAY_M = 1000.0
VIEW_DISTANCE_HIGHWAY_M = 1000.0
VIEW_DISTANCE_RIVER_M = 500.0
VIEW_DISTANCE_ZONE_M = 1000.0

GPKG_NAME = "demo_district.gpkg"
BEFORE_IMAGE_NAME = "before.tif"
AFTER_IMAGE_NAME = "after.tif"
BATCH_YEAR = 2026
# GeoPackage stamps gpkg_contents.last_change with "now"; a fixed date keeps the bytes stable.
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"

DISTRICT_NAME_ZH = "淄川区"
DISTRICT_AREA_SQM = 960e6
DISTRICT_CENTRE_LONLAT = (117.985, 36.585)
DISTRICT_SEMI_AXES_M = (12_500.0, 24_500.0)  # Zichuan is about twice as long (N-S) as wide
DISTRICT_TILT_RAD = math.radians(-8.0)
MIN_SPOTS = 30  # room for the broken spots, the criminal-sized ones and ordinary ones

IMAGE_SIZE_M = 4000.0
IMAGE_PIXEL_M = 2.0
SPOTS_IN_IMAGE_MAX = 48

# Towns north to south: (name, 9-digit code, office responsible). One office covers 1-2 towns.
TOWNS = (
    ("般阳路街道", "370302001", "城区自然资源所"),
    ("松龄路街道", "370302002", "城区自然资源所"),
    ("双杨镇", "370302101", "双杨自然资源所"),
    ("罗村镇", "370302102", "罗村自然资源所"),
    ("洪山镇", "370302103", "罗村自然资源所"),
    ("寨里镇", "370302104", "寨里自然资源所"),
    ("城南镇", "370302105", "城南自然资源所"),
    ("龙泉镇", "370302106", "龙泉自然资源所"),
    ("岭子镇", "370302107", "龙泉自然资源所"),
    ("太河镇", "370302108", "太河自然资源所"),
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

APPROVAL_CONVERSION = "农转用"
APPROVAL_LINKED_QUOTA = "增减挂钩"
APPROVAL_TEMPORARY = "临时用地"
APPROVAL_FACILITY = "设施农用地"
APPROVAL_USES = {
    APPROVAL_CONVERSION: ("工业用地", "城镇住宅用地", "公路用地", "公用设施用地"),
    APPROVAL_LINKED_QUOTA: ("城镇住宅用地", "工业用地"),
    APPROVAL_TEMPORARY: ("临时施工用地", "取土场", "临时堆场"),
    APPROVAL_FACILITY: ("生产设施用地", "附属设施用地", "配套设施用地"),
}
APPROVAL_NUMBER_FORMATS = {
    APPROVAL_CONVERSION: "鲁政土字〔{year}〕{n}号",
    APPROVAL_LINKED_QUOTA: "淄政土字〔{year}〕{n}号",
    APPROVAL_TEMPORARY: "淄川自然资临用字〔{year}〕{n}号",
    APPROVAL_FACILITY: "淄川设农备〔{year}〕{n}号",
}
TEMPORARY_YEARS = 2  # DOMAIN.md §5: temporary land for at most 2 years
FACILITY_YEARS = 10

# Random streams: each part of the district draws from its own, so a bigger DemoSize keeps the
# same district outline, towns, lines and zones and only the parcels and spots change.
_STREAM_DISTRICT, _STREAM_TOWNS, _STREAM_FIELDS, _STREAM_FEATURES = 1, 2, 3, 4
_STREAM_PARCELS, _STREAM_CLASSES, _STREAM_SPOTS, _STREAM_APPROVALS, _STREAM_IMAGES = 5, 6, 7, 8, 9

_FIELD_CELL_M = 50.0  # resolution of the smooth fields that drive the land-use classes
_MM = 0.001  # coordinates are stored to the millimetre, as survey data are


class DemoCancelled(Exception):  # noqa: N818 - the name the processing algorithm uses
    """The caller's is_cancelled() said stop; the partly written files were removed."""


@dataclass
class DemoDistrict:
    """What create_demo_district wrote."""

    gpkg: Path
    before_image: Path | None
    after_image: Path | None
    layers: dict[str, int] = field(default_factory=dict)  # layer name -> feature count
    # {"invalid": [JCBH...], "invalid_reason": {JCBH: words of is_valid_reason},
    #  "duplicate": JCBH, "outside": JCBH, "empty": JCBH}
    broken_spots: dict = field(default_factory=dict)
    # {"basic_farmland": [JCBH...], "cultivated": [JCBH...]}: spots over the criminal thresholds
    criminal_spots: dict = field(default_factory=dict)
    image_bounds: tuple[float, float, float, float] | None = None
    change_raster: Path | None = None  # change.tif, a 0/1 change mask over the image window
    # Planted campaign cases and their answers: {"temporary": {case: {"number", "codes",
    # "ground"}}, "facility": {...}, "mining": {case: {"spot", "licence"}, "no_licence": [JCBH],
    # "no_go_spots": [JCBH]}}
    campaign_cases: dict = field(default_factory=dict)


# --- small helpers ------------------------------------------------------------------------------


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _round_mm(a: np.ndarray) -> np.ndarray:
    return np.round(a, 3)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)


def _value_noise(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """Smooth noise (mean 0, sd about 1) on a grid; features are about `scale` cells wide."""
    ny, nx = shape
    lattice = rng.standard_normal((int(ny / scale) + 3, int(nx / scale) + 3))
    fy, fx = np.arange(ny) / scale, np.arange(nx) / scale
    iy, ix = fy.astype(int), fx.astype(int)
    ty, tx = _smoothstep(fy - iy)[:, None], _smoothstep(fx - ix)[None, :]
    a = lattice[iy][:, ix]
    b = lattice[iy][:, ix + 1]
    c = lattice[iy + 1][:, ix]
    d = lattice[iy + 1][:, ix + 1]
    out = (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty
    return (out - out.mean()) / (out.std() + 1e-12)


def _rank01(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1): lets shares be met exactly whatever the values' distribution."""
    out = np.empty(len(values))
    out[np.argsort(values, kind="stable")] = (np.arange(len(values)) + 0.5) / max(len(values), 1)
    return out


def _pick(mix: tuple[tuple[str, float], ...], score: np.ndarray) -> np.ndarray:
    """Class index per item: ranks of `score` cut into the mix's shares (low score = first code)."""
    codes = np.array([_CLASS_INDEX[c] for c, _ in mix])
    cuts = np.cumsum([s for _, s in mix])
    cuts /= cuts[-1]
    return codes[np.minimum(np.searchsorted(cuts, _rank01(score)), len(codes) - 1)]


def _blob(
    rng: np.random.Generator,
    x: float,
    y: float,
    radius: float,
    elong: float = 1.0,
    rough: float = 0.22,
    n: int = 96,
) -> shapely.Polygon:
    """An irregular but always simple polygon: a star shape with a few smooth harmonics."""
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 7):
        r += rough / k * rng.uniform(0.3, 1.0) * np.cos(k * t + rng.uniform(0, 2 * np.pi))
    phi = rng.uniform(0, np.pi)
    px, py = r * np.cos(t) * elong, r * np.sin(t) / elong
    xs = x + radius * (px * np.cos(phi) - py * np.sin(phi))
    ys = y + radius * (px * np.sin(phi) + py * np.cos(phi))
    return shapely.Polygon(_round_mm(np.column_stack([xs, ys])))


def _polygons_only(geoms: np.ndarray) -> np.ndarray:
    """Polygon parts of geometries (intersections also return lines and points where they touch)."""
    parts = shapely.get_parts(geoms)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    return parts[keep]


def _as_multi(g: shapely.Geometry) -> MultiPolygon:
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return MultiPolygon(polys)


class _Progress:
    """Reports progress in [0, 1] and raises DemoCancelled when the caller asks to stop."""

    def __init__(
        self, progress: Callable[[float], None] | None, is_cancelled: Callable[[], bool] | None
    ) -> None:
        self._progress = progress
        self._is_cancelled = is_cancelled

    def __call__(self, fraction: float) -> None:
        self.check()
        if self._progress is not None:
            self._progress(min(max(fraction, 0.0), 1.0))

    def check(self) -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise DemoCancelled("demo district creation was cancelled")


# --- the district and its towns ------------------------------------------------------------------


@dataclass
class _Frame:
    """The district's outline plus the smooth fields that decide what the land is used for."""

    outline: shapely.Polygon
    cx: float
    cy: float
    x0: float  # origin (south-west corner) and shape of the field grid
    y0: float
    nx: int
    ny: int
    hill: np.ndarray | None = None  # 0 plain .. 1 mountain
    urban: np.ndarray | None = None  # town and village intensity
    town_urban: np.ndarray | None = None  # town part of it
    mix: np.ndarray | None = None  # clustering noise for sub-classes
    farmland: np.ndarray | None = None  # basic farmland designation noise

    def sample(self, grid: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        fx = np.clip((x - self.x0) / _FIELD_CELL_M, 0, self.nx - 1.001)
        fy = np.clip((y - self.y0) / _FIELD_CELL_M, 0, self.ny - 1.001)
        ix, iy = fx.astype(int), fy.astype(int)
        tx, ty = fx - ix, fy - iy
        return (grid[iy, ix] * (1 - tx) + grid[iy, ix + 1] * tx) * (1 - ty) + (
            grid[iy + 1, ix] * (1 - tx) + grid[iy + 1, ix + 1] * tx
        ) * ty

    def rel(self, u: float, v: float) -> tuple[float, float]:
        """Map coordinates of a point given as fractions of the semi-axes (u east, v north)."""
        ax, ay = DISTRICT_SEMI_AXES_M
        px, py = u * ax, v * ay
        c, s = math.cos(DISTRICT_TILT_RAD), math.sin(DISTRICT_TILT_RAD)
        return self.cx + px * c - py * s, self.cy + px * s + py * c


def _district_outline(seed: int) -> tuple[shapely.Polygon, float, float]:
    rng = _rng(seed, _STREAM_DISTRICT)
    to_gk = Transformer.from_crs(EPSG_CGCS2000_GEOGRAPHIC, EPSG_GK3_ZONE39_PREFIXED, always_xy=True)
    cx, cy = to_gk.transform(*DISTRICT_CENTRE_LONLAT)
    cx, cy = round(cx, 3), round(cy, 3)
    n = 720
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    # Low harmonics give the lobes of a real county, high ones the ragged edge along ridges.
    for k in range(2, 40):
        amp = (0.16 if k < 9 else 0.035) / k**0.8
        r += amp * rng.uniform(0.4, 1.0) * np.cos(k * t + rng.uniform(0, 2 * np.pi))
    ax, ay = DISTRICT_SEMI_AXES_M
    px, py = ax * r * np.cos(t), ay * r * np.sin(t)
    c, s = math.cos(DISTRICT_TILT_RAD), math.sin(DISTRICT_TILT_RAD)
    x, y = px * c - py * s, px * s + py * c
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    k = math.sqrt(DISTRICT_AREA_SQM / area)
    outline = shapely.Polygon(_round_mm(np.column_stack([cx + k * x, cy + k * y])))
    return outline, cx, cy


def _town_seeds(seed: int, frame: _Frame) -> np.ndarray:
    """Town seats at least 6.5 km apart, ordered north to south."""
    rng = _rng(seed, _STREAM_TOWNS)
    minx, miny, maxx, maxy = frame.outline.bounds
    inner = shapely.buffer(frame.outline, -1500.0)
    shapely.prepare(inner)
    seeds: list[tuple[float, float]] = []
    # The two urban sub-districts sit side by side in the northern plain.
    seeds.append(frame.rel(-0.12, 0.52))
    seeds.append(frame.rel(0.22, 0.62))
    while len(seeds) < len(TOWNS):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(inner, x, y):
            continue
        if all((x - a) ** 2 + (y - b) ** 2 > 6500.0**2 for a, b in seeds):
            seeds.append((x, y))
    rest = sorted(seeds[2:], key=lambda p: -p[1])
    return _round_mm(np.array(seeds[:2] + rest))


def _towns(frame: _Frame, seeds: np.ndarray) -> list[shapely.Geometry]:
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=shapely.buffer(frame.outline, 5000.0)
        )
    )
    # Put cell i with seed i. (ordered=True would do it, but needs GEOS 3.12; QGIS 3.22's
    # Debian has 3.11.)
    seed_idx, cell_idx = shapely.STRtree(cells).query(shapely.points(seeds), predicate="within")
    polys = np.empty(len(seeds), dtype=object)
    polys[seed_idx] = cells[cell_idx]
    out = shapely.intersection(polys, frame.outline, grid_size=_MM)
    return list(out)


# --- lines and zones ---------------------------------------------------------------------------


@dataclass
class _Features:
    lines: list[tuple[str, str, shapely.Geometry]]  # (LX, MC, geometry), clipped to the district
    zones: list[tuple[str, str, shapely.Geometry]]
    reservoir: shapely.Polygon
    red_line: list[tuple[str, str, shapely.Geometry]]  # (HXMC, HXBH, geometry)
    no_mining: list[tuple[str, shapely.Geometry]]


def _meander(
    frame: _Frame,
    rng: np.random.Generator,
    u0: float,
    amp: float,
    waves: float,
    along_v: bool = True,
) -> shapely.LineString:
    s = np.linspace(-1.15, 1.15, 240)
    wiggle = amp * np.sin(waves * np.pi * s + rng.uniform(0, 2 * np.pi))
    wiggle += 0.3 * amp * np.sin(3.1 * waves * np.pi * s + rng.uniform(0, 2 * np.pi))
    pts = [frame.rel(u0 + w, v) if along_v else frame.rel(v, u0 + w) for v, w in zip(s, wiggle)]
    return shapely.LineString(_round_mm(np.array(pts)))


def _lines_and_zones(seed: int, frame: _Frame, seeds: np.ndarray) -> _Features:
    rng = _rng(seed, _STREAM_FEATURES)
    clip = frame.outline
    raw_lines = [
        (THREE_ZONES_KIND_RIVER, "孝妇河", _meander(frame, rng, -0.28, 0.07, 3.0)),
        (THREE_ZONES_KIND_RIVER, "淄河", _meander(frame, rng, 0.52, 0.08, 2.5)),
        (THREE_ZONES_KIND_RAILWAY, "辛泰铁路", _meander(frame, rng, -0.50, 0.03, 1.0)),
        (THREE_ZONES_KIND_HIGHWAY, "滨莱高速", _meander(frame, rng, 0.08, 0.05, 1.2)),
        (THREE_ZONES_KIND_HIGHWAY, "青兰高速", _meander(frame, rng, 0.12, 0.03, 1.0, False)),
    ]
    lines = [(k, n, shapely.intersection(g, clip, grid_size=_MM)) for k, n, g in raw_lines]
    zichuan_river = raw_lines[1][2]
    reservoir_centre = shapely.line_interpolate_point(zichuan_river, 0.28, normalized=True)
    reservoir = _blob(rng, reservoir_centre.x, reservoir_centre.y, 900.0, elong=1.6, rough=0.35)
    reservoir = shapely.intersection(reservoir, clip, grid_size=_MM)
    zones = [
        (THREE_ZONES_KIND_TOWN, "淄川城区", _blob(rng, *np.mean(seeds[:2], axis=0), 2600.0, 1.3)),
        (THREE_ZONES_KIND_TOWN, "罗村镇驻地", _blob(rng, *seeds[3], 900.0)),
        (THREE_ZONES_KIND_TOWN, "寨里镇驻地", _blob(rng, *seeds[5], 800.0)),
        (
            THREE_ZONES_KIND_NATURE_RESERVE,
            "峨庄自然保护区",
            _blob(rng, *frame.rel(0.45, -0.45), 3200.0, 1.3),
        ),
        (
            THREE_ZONES_KIND_SCENIC_AREA,
            "潭溪山风景名胜区",
            _blob(rng, *frame.rel(0.05, -0.78), 2000.0),
        ),
        (
            THREE_ZONES_KIND_SCENIC_AREA,
            "梓橦山风景名胜区",
            _blob(rng, *frame.rel(-0.55, 0.30), 1200.0),
        ),
    ]
    zones = [(k, n, shapely.intersection(g, clip, grid_size=_MM)) for k, n, g in zones]
    red_specs = (
        ("鲁中山区水源涵养生态保护红线", "SD-02-A1-07", frame.rel(0.35, -0.62), 4200.0),
        ("淄河上游水土保持生态保护红线", "SD-02-A2-11", frame.rel(0.62, -0.05), 3000.0),
        (
            "太河水库饮用水水源保护红线",
            "SD-02-B1-03",
            (reservoir_centre.x, reservoir_centre.y),
            2000.0,
        ),
        ("岭子山地生物多样性维护红线", "SD-02-A3-05", frame.rel(-0.55, -0.35), 2400.0),
    )
    red_line: list[tuple[str, str, shapely.Geometry]] = []
    taken = shapely.Polygon()
    # Red-line areas do not overlap each other: each is cut by those before it.
    for name, code, (x, y), radius in red_specs:
        g = shapely.intersection(_blob(rng, x, y, radius, 1.4, 0.3), clip, grid_size=_MM)
        g = shapely.difference(g, taken, grid_size=_MM)
        taken = shapely.union(taken, g, grid_size=_MM)
        red_line.append((name, code, g))
    urban_zone = zones[0][2]
    highway = lines[3][2]
    no_mining = [
        (
            "淄川城区禁止开采区",
            shapely.intersection(shapely.buffer(urban_zone, 500.0), clip, grid_size=_MM),
        ),
        (
            "太河水库禁止开采区",
            shapely.intersection(shapely.buffer(reservoir, 1500.0), clip, grid_size=_MM),
        ),
        (
            "滨莱高速沿线禁止开采区",
            shapely.intersection(shapely.buffer(highway, 800.0), clip, grid_size=_MM),
        ),
    ]
    return _Features(lines, zones, reservoir, red_line, no_mining)


def _view_areas(
    features: _Features, clip: shapely.Polygon
) -> list[tuple[str, str, shapely.Geometry]]:
    """三区两线 view areas, one per line or zone, not dissolved (they overlap in real data too)."""
    distance = {
        THREE_ZONES_KIND_RAILWAY: VIEW_DISTANCE_RAILWAY_M,
        THREE_ZONES_KIND_HIGHWAY: VIEW_DISTANCE_HIGHWAY_M,
        THREE_ZONES_KIND_RIVER: VIEW_DISTANCE_RIVER_M,
    }
    out = []
    for kind, name, g in features.lines:
        out.append(
            (
                kind,
                name,
                shapely.intersection(view_buffer(g, distance[kind]), clip, grid_size=_MM),
            )
        )
    for kind, name, g in features.zones:
        out.append(
            (
                kind,
                name,
                shapely.intersection(view_buffer(g, VIEW_DISTANCE_ZONE_M), clip, grid_size=_MM),
            )
        )
    return out


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
    cultivated = np.isin(cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
    draw = rng.random(n)
    cls[cultivated & (draw < 0.012)] = _CLASS_INDEX["1104"]
    cls[cultivated & (draw >= 0.012) & (draw < 0.022)] = _CLASS_INDEX["1107"]
    cls[cultivated & (draw >= 0.022) & (draw < 0.03)] = _CLASS_INDEX["1202"]

    kcxs = np.zeros(n)
    cultivated = np.isin(cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
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
    cultivated = np.isin(parcels.cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
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


def _image_window(frame: _Frame, seeds: np.ndarray) -> shapely.Polygon:
    """A 4 km square at a town's fringe (houses, fields and slopes), inside the district."""
    half = IMAGE_SIZE_M / 2
    for sx, sy in seeds[[3, 2, 4, 5, 6, 7]]:
        for ox, oy in ((1500, -1500), (-1500, -1500), (1500, 1500), (-1500, 1500), (0, 0)):
            x, y = round(sx + ox), round(sy + oy)
            win = shapely.box(x - half, y - half, x + half, y + half)
            if frame.outline.contains(win):
                return win
    x, y = round(frame.cx), round(frame.cy)
    return shapely.box(x - half, y - half, x + half, y + half)


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
    cultivated = np.isin(parcels.cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
    codes = np.array(CLASS_CODES)[parcels.cls]
    construction = (codes >= "05") & (codes < "11")  # 05xx-10xx
    weight = np.where(cultivated, 3.0, np.where(construction, 2.5, 0.8))
    n_special = 6  # 4 invalid, 1 outside, 1 empty
    n_ordinary = size.spots - n_special
    n_criminal = max(2, n_ordinary // 100)

    def log_area(n: int) -> np.ndarray:
        mu = np.exp(rng.normal(math.log(3.0), 0.9, n))
        return np.clip(mu, 0.5, 40.0) * SQM_PER_MU

    def at_parcels(n: int, pool: np.ndarray, w: np.ndarray) -> np.ndarray:
        if n <= 0 or len(pool) == 0:
            return np.zeros((0, 2))
        pick = rng.choice(pool, size=n, replace=True, p=w / w.sum())
        jitter = rng.uniform(-0.25, 0.25, (n, 2)) * parcels.cell
        pts = np.column_stack([parcels.cx[pick], parcels.cy[pick]]) + jitter
        return pts

    groups: list[tuple[str, np.ndarray, np.ndarray]] = []  # (kind, centres, areas), by priority
    # Criminal-sized spots: checked against the layers below, so generate spares.
    fl_geoms = np.array([g for _, g in farmland])
    fl_tree = shapely.STRtree(fl_geoms)
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
            at_parcels(n_try, cult_pool, np.ones(len(cult_pool))),
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
    n_win = min(SPOTS_IN_IMAGE_MAX, max(12, n_ordinary // 8))
    groups.append(("window", at_parcels(2 * n_win, in_win, weight[in_win]), log_area(2 * n_win)))
    protected = [g for _, _, g in features.red_line] + [g for _, g in features.no_mining]
    n_prot = max(3, n_ordinary // 12)
    prot_pts = np.concatenate([_points_in(rng, g, n_prot // len(protected) + 1) for g in protected])
    groups.append(("protected", prot_pts, log_area(len(prot_pts))))
    n_view = max(3, n_ordinary // 12)
    view_pts = np.concatenate(
        [_points_in(rng, g, n_view // len(view_areas) + 1) for _, _, g in view_areas]
    )
    groups.append(("view", view_pts, log_area(len(view_pts))))
    n_rest = int(1.6 * n_ordinary) + 20
    all_pool = np.arange(len(parcels.cls))
    groups.append(("rest", at_parcels(n_rest, all_pool, weight), log_area(n_rest)))

    kinds = np.concatenate([[k] * len(p) for k, p, _ in groups])
    centres = np.concatenate([p for _, p, _ in groups])
    areas = np.concatenate([a for _, _, a in groups])
    geoms = _star_polygons(rng, centres[:, 0], centres[:, 1], areas)
    ok = shapely.contains(outline, geoms)

    # Criminal candidates must really reach the thresholds on this district's layers.
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
    win_idx = np.flatnonzero((kinds == "window") & ok & shapely.contains(window, geoms))
    ok[np.flatnonzero(kinds == "window")] = False
    ok[win_idx[:n_win]] = True
    cand = np.flatnonzero(ok)
    kept = cand[_keep_apart(geoms[cand], 10.0)]
    # Fill up with ordinary spots in priority order, then shuffle the sequence numbers.
    chosen = kept[:n_ordinary]
    if len(chosen) < n_ordinary:
        raise RuntimeError(f"could only place {len(chosen)} of {n_ordinary} spots")

    # Broken spots, each at a parcel away from the chosen ones.
    shapely.prepare(outline)
    broken_pts = at_parcels(40, cult_pool, np.ones(len(cult_pool)))
    chosen_tree = shapely.STRtree(geoms[chosen])
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

    n_total = size.spots
    slots = rng.permutation(n_total)  # slot -> spot; spot i gets sequence number slot_of[i] + 1
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
        a = 0.0 if g is None or g.is_empty else float(shapely.area(shapely.make_valid(g)))
        area.append(round(a, 2))
    approvable = np.array([i for i in ordinary if i not in (dup_from, dup_to)])
    return _Spots(geom_list, numbers, types, earlier, later, area, broken, criminal, approvable)


def _offset(ring: list[tuple[float, float]], x: float, y: float) -> list[tuple[float, float]]:
    return [(round(x + a, 3), round(y + b, 3)) for a, b in ring]


# --- approvals -----------------------------------------------------------------------------------


def _make_approvals(seed: int, parcels: _Parcels, spots: _Spots) -> list[dict]:
    """Approvals covering some spots fully, some partly, plus others on built land elsewhere."""
    rng = _rng(seed, _STREAM_APPROVALS)
    pool = rng.permutation(spots.approvable)
    n_full = int(0.22 * len(pool))
    n_part = int(0.10 * len(pool))
    full, part = pool[:n_full], pool[n_full : n_full + n_part]
    records: list[dict] = []
    counters: dict[tuple[str, int], int] = {}
    base = dt.date(2015, 1, 1)

    def add(geom: shapely.Geometry, kind: str) -> None:
        if kind in (APPROVAL_TEMPORARY, APPROVAL_FACILITY):
            days = int(rng.integers(365 * 6, 365 * 10 + 300))  # 2021..2025
        else:
            days = int(rng.integers(0, 365 * 10 + 300))
        approved = base + dt.timedelta(days=days)
        key = (kind, approved.year)
        counters[key] = counters.get(key, 0) + 1
        number = APPROVAL_NUMBER_FORMATS[kind].format(year=approved.year, n=counters[key])
        start = end = None
        if kind in (APPROVAL_TEMPORARY, APPROVAL_FACILITY):
            begin = approved + dt.timedelta(days=int(rng.integers(5, 40)))
            years = TEMPORARY_YEARS if kind == APPROVAL_TEMPORARY else FACILITY_YEARS
            # 29 February has no anniversary in most years: such a term ends on 28 February.
            day = 28 if (begin.month, begin.day) == (2, 29) else begin.day
            start = begin.isoformat()
            end = begin.replace(year=begin.year + years, day=day).isoformat()
        uses = APPROVAL_USES[kind]
        records.append(
            {
                "geometry": geom,
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: kind,
                APPROVAL_DATE: approved.isoformat(),
                APPROVAL_AREA: round(float(shapely.area(geom)), 2),
                APPROVED_USE: uses[int(rng.integers(len(uses)))],
                APPROVAL_START: start,
                APPROVAL_END: end,
            }
        )

    def kind_for(spot: int) -> str:
        if spots.types[spot] == SPOT_TYPE_FACILITY:
            return APPROVAL_FACILITY
        return (
            APPROVAL_CONVERSION,
            APPROVAL_CONVERSION,
            APPROVAL_LINKED_QUOTA,
            APPROVAL_TEMPORARY,
        )[int(rng.integers(4))]

    for i in full:
        hull = shapely.convex_hull(spots.geoms[i])
        g = shapely.buffer(hull, float(rng.uniform(5.0, 25.0)), join_style="mitre", mitre_limit=3.0)
        add(shapely.set_precision(g, _MM), kind_for(int(i)))
    for i in part:
        g = spots.geoms[i]
        minx, miny, maxx, maxy = g.bounds
        cut = minx + float(rng.uniform(0.3, 0.7)) * (maxx - minx)
        box = shapely.box(minx - 30.0, miny - 30.0, cut, maxy + 30.0)
        a = shapely.intersection(
            shapely.buffer(shapely.convex_hull(g), 8.0, join_style="mitre"), box
        )
        add(shapely.set_precision(a, _MM), kind_for(int(i)))
    # Approvals on built land that no spot touches.
    spot_geoms = np.array([g for g in spots.geoms if g is not None and not g.is_empty])
    spot_tree = shapely.STRtree(spot_geoms)
    built = np.flatnonzero(
        np.isin(parcels.cls, [_CLASS_INDEX[c] for c in ("0601", "0701", "0702")])
    )
    n_other = min(len(built), len(pool) // 3 + 10)
    for p in rng.choice(built, n_other, replace=False):
        g = shapely.buffer(parcels.geoms[p], -2.0, join_style="mitre")
        if g.is_empty or len(spot_tree.query(g, predicate="intersects")):
            continue
        add(
            shapely.set_precision(g, _MM),
            (APPROVAL_CONVERSION, APPROVAL_LINKED_QUOTA)[int(rng.integers(2))],
        )
    return records


# --- writing -------------------------------------------------------------------------------------


def _polygon_records(
    geoms: np.ndarray, props: Iterable[dict], prog: _Progress, lo: float, hi: float
) -> Iterator[dict]:
    """GeoJSON-like records of simple polygons (no holes), from one vectorised coordinate dump."""
    coords = shapely.get_coordinates(geoms).tolist()
    ends = np.cumsum(shapely.get_num_coordinates(geoms)).tolist()
    n = len(ends)
    start = 0
    for i, (end, p) in enumerate(zip(ends, props)):
        if i % 20000 == 0:
            prog(lo + (hi - lo) * i / max(n, 1))
        yield {"geometry": {"type": "Polygon", "coordinates": [coords[start:end]]}, "properties": p}
        start = end


def _write(
    path: Path, layer: str, geometry: str, fields: dict[str, str], records: Iterable[dict]
) -> int:
    schema = {"geometry": geometry, "properties": fields}
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for r in records:
            count += 1
            yield r

    crs = fiona.crs.CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED)
    with fiona.open(path, "w", driver="GPKG", layer=layer, schema=schema, crs=crs) as dst:
        dst.writerecords(counted())
    return count


def _multi_records(items: Iterable[tuple[shapely.Geometry, dict]]) -> Iterator[dict]:
    for g, props in items:
        yield {"geometry": mapping(_as_multi(g)), "properties": props}


def _line_records(items: Iterable[tuple[shapely.Geometry, dict]]) -> Iterator[dict]:
    for g, props in items:
        parts = [p for p in shapely.get_parts(g) if p.geom_type == "LineString" and not p.is_empty]
        yield {"geometry": mapping(MultiLineString(parts)), "properties": props}


def _spot_geometry(g: shapely.Geometry | None) -> dict | None:
    if g is None:
        return None
    if g.is_empty:
        return {"type": "Polygon", "coordinates": []}
    return mapping(g)


# --- images --------------------------------------------------------------------------------------


def _write_images(
    seed: int,
    window: shapely.Polygon,
    parcels: _Parcels,
    spots: _Spots,
    before_path: Path,
    after_path: Path,
) -> None:
    """Paint the window from the land-use classes; in the after image the spots show the change."""
    rng = _rng(seed, _STREAM_IMAGES)
    x0, y0, x1, y1 = window.bounds
    n = int(round(IMAGE_SIZE_M / IMAGE_PIXEL_M))
    transform = from_origin(x0, y1, IMAGE_PIXEL_M, IMAGE_PIXEL_M)
    tree = shapely.STRtree(parcels.geoms)
    idx = np.sort(tree.query(window, predicate="intersects"))
    shapes = parcels.geoms[idx]
    pid = rasterize(
        zip(shapes, range(1, len(idx) + 1)),
        out_shape=(n, n),
        transform=transform,
        fill=0,
        dtype="int32",
    )
    cls_of = np.concatenate([[_CLASS_INDEX["0404"]], parcels.cls[idx]])
    cls = cls_of[pid]
    palette = np.array([LAND_CLASSES[c][1] for c in CLASS_CODES], dtype=np.float32)
    texture = np.array([LAND_CLASSES[c][2] for c in CLASS_CODES], dtype=np.float32)
    img = palette[cls]  # (n, n, 3)
    tone = rng.normal(0.0, 7.0, len(idx) + 1).astype(np.float32)[pid]
    fine = rng.standard_normal((n, n)).astype(np.float32)
    mid = _value_noise(rng, (n, n), 6.0).astype(np.float32)
    coarse = _value_noise(rng, (n, n), 60.0).astype(np.float32)
    tex = texture[cls] * (0.45 * fine + 0.55 * mid) + tone + 5.0 * coarse
    # Crop rows on cultivated land, each parcel ploughed along or across the grid.
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    along = (rng.random(len(idx) + 1) < 0.5)[pid]
    rows = np.sin(2 * np.pi * np.where(along, xx, yy) / 5.0)
    cultivated = np.isin(cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
    tex = tex + np.where(cultivated, 6.0 * rows, 0.0)
    before = np.clip(img + tex[..., None], 0, 255)

    # After: a slightly different season everywhere, and the changes inside the spots.
    drift = 2.0 * _value_noise(rng, (n, n), 100.0).astype(np.float32)
    after = np.clip(
        before + drift[..., None] + rng.normal(0, 1.5, (n, n, 1)).astype(np.float32), 0, 255
    )
    shapes_spots = [
        (shapely.make_valid(g), i + 1)
        for i, g in enumerate(spots.geoms)
        if g is not None and not g.is_empty and g.intersects(window)
    ]
    if shapes_spots:
        sid = rasterize(shapes_spots, out_shape=(n, n), transform=transform, fill=0, dtype="int32")
        change = {
            SPOT_TYPE_NEW_CONSTRUCTION: (206, 204, 198),
            SPOT_TYPE_FACILITY: (228, 231, 236),
            SPOT_TYPE_MINING: (194, 182, 160),
            SPOT_TYPE_FILL: (152, 120, 86),
            SPOT_TYPE_OTHER: (176, 168, 150),
        }
        colour = np.zeros((len(spots.geoms) + 1, 3), np.float32)
        pattern = np.zeros(len(spots.geoms) + 1, np.int8)
        for i, t in enumerate(spots.types):
            colour[i + 1] = change[t]
            pattern[i + 1] = SPOT_TYPES.index(t)
        inside = sid > 0
        pat = pattern[sid]
        blocks = ((xx // 7 + yy // 5) % 2) * 18.0 - 9.0  # roofs of buildings
        stripes = np.where((xx % 6) < 1, -40.0, 0.0)  # greenhouse frames
        detail = np.where(pat == 0, blocks, np.where(pat == 1, stripes, 0.0))
        detail = detail + 6.0 * fine
        new = np.clip(colour[sid] + detail[..., None], 0, 255)
        after = np.where(inside[..., None], new, after)

    profile = {
        "driver": "GTiff",
        "width": n,
        "height": n,
        "count": 3,
        "dtype": "uint8",
        "crs": rasterio.crs.CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED),
        "transform": transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 2,
        "photometric": "RGB",
        "interleave": "pixel",
    }
    for path, data in ((before_path, before), (after_path, after)):
        if path.exists():
            path.unlink()
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.moveaxis(np.round(data).astype(np.uint8), -1, 0))
            dst.build_overviews([2, 4, 8], Resampling.average)


# --- campaign layers: mining licences, temporary and facility land, the ground, change raster -----

CHANGE_IMAGE_NAME = "change.tif"
# The day the demo's campaigns audit on: licences and approvals are valid or expired against it.
CAMPAIGN_CHECK_DATE = dt.date(2026, 3, 31)
# The demo's choices for the audit limits (a real bureau sets its province's rules).
CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL = 3  # province
CAMPAIGN_CULTIVATED_MIN_LEVEL = 2  # city
CAMPAIGN_CULTIVATED_MAX_SQM = 3000.0
CAMPAIGN_AUXILIARY_MAX_SHARE = 0.10
CAMPAIGN_AUXILIARY_MAX_SQM = 10 * SQM_PER_MU
CAMPAIGN_AUXILIARY_USES = ("附属设施用地",)
CAMPAIGN_MIN_MAPPING_SQM = 50.0  # the change raster's specks are smaller than this
_STREAM_CAMPAIGNS = 10

TEMPORARY_USE = "临时施工用地"
FACILITY_USE = "生产设施用地"
AUXILIARY_USE = "附属设施用地"

# Temporary-land cases: (case, approval box, approved area, start, end, level, place,
# [(ground box, use)], violation codes). Boxes are metres around the case's centre.
_TEMPORARY_CASES = (
    (
        "ok",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        (),
    ),
    (
        "over_area",
        (-30, -30, 30, 30),
        2400.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-28, -28, 28, 28), TEMPORARY_USE)],
        ("CMJ",),
    ),
    (
        "outside",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((0, -25, 50, 25), TEMPORARY_USE)],
        ("CFW",),
    ),
    (
        "changed_use",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), "厂房")],
        ("GBYT",),
    ),
    (
        "expired",
        (-30, -30, 30, 30),
        3600.0,
        "2022-03-01",
        "2024-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("DQWFK",),
    ),
    (
        "basic_farmland_level",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        1,
        "basic_farmland",
        [((-20, -20, 20, 20), TEMPORARY_USE)],
        ("JBNTQX",),
    ),
    (
        "cultivated_level",
        (-45, -45, 45, 45),
        8100.0,
        "2025-03-01",
        "2027-02-28",
        1,
        "cultivated",
        [((-40, -40, 40, 40), TEMPORARY_USE)],
        ("GDQX",),
    ),
    (
        "term_too_long",  # three years for a site that is no large infrastructure
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2028-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("QXCG",),
    ),
    (
        "used_before_start",  # in use on the check date, approved from June
        (-30, -30, 30, 30),
        3600.0,
        "2026-06-01",
        "2028-05-31",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("WPXY",),
    ),
)
_FACILITY_CASES = (
    (
        "ok",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-35, -35, 25, 35), FACILITY_USE), ((28, -10, 38, 10), AUXILIARY_USE)],
        (),
    ),
    (
        "auxiliary_over_limit",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-35, -35, 35, 5), FACILITY_USE), ((-35, 10, 35, 30), AUXILIARY_USE)],
        ("FZCB",),
    ),
    (
        "non_agricultural",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-30, -30, 10, 10), "农家乐")],
        ("GBYT",),
    ),
    (
        "outside_and_over_area",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-40, -40, 50, 40), FACILITY_USE)],
        ("CFW", "CMJ"),
    ),
    (
        "basic_farmland",
        (-30, -30, 30, 30),
        3600.0,
        "basic_farmland",
        [((-20, -20, 20, 20), FACILITY_USE)],
        ("ZYJBNT",),
    ),
)


@dataclass
class _Campaigns:
    licences: list[dict]  # geometry + CKQ fields
    temporary: list[dict]  # geometry + LSYD fields
    facility: list[dict]
    ground: list[dict]  # geometry + SDXZ fields
    cases: dict


def _case_centres(
    rng: np.random.Generator,
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    spots: _Spots,
    needs: list[str],
) -> list[tuple[float, float]]:
    """A whole-metre centre per need ('plain', 'cultivated', 'basic_farmland'), 300 m apart,
    with a 70 m (plain, cultivated) or 45 m (basic farmland) disc inside the place's polygon."""
    basic = shapely.union_all([g for _, g in farmland])
    shapely.prepare(basic)
    taken = [g for g in spots.geoms if g is not None and not g.is_empty]
    busy = shapely.buffer(shapely.union_all([shapely.make_valid(g) for g in taken]), 30.0)
    shapely.prepare(busy)
    cultivated = np.isin(parcels.cls, [_CLASS_INDEX[c] for c in CULTIVATED_CODES])
    plain_codes = [_CLASS_INDEX[c] for c in ("0404", "0201", "0204", "0307", "1206")]
    pools = {
        "plain": np.flatnonzero(np.isin(parcels.cls, plain_codes)),
        "cultivated": np.flatnonzero(cultivated),
    }
    farm = [g for _, g in farmland]
    centres: list[tuple[float, float]] = []

    def free(x: float, y: float) -> bool:
        return all((x - a) ** 2 + (y - b) ** 2 > 300.0**2 for a, b in centres)

    for need in needs:
        found = None
        if need == "basic_farmland":
            for i in rng.permutation(len(farm)):
                g = farm[int(i)]
                p = shapely.ops.polylabel(g, 1.0) if g.geom_type == "Polygon" else None
                if p is None:
                    continue
                x, y = round(p.x), round(p.y)
                disc = shapely.Point(x, y).buffer(45.0)
                if g.contains(disc) and not busy.intersects(disc) and free(x, y):
                    found = (float(x), float(y))
                    break
        else:
            for i in rng.permutation(pools[need]):
                g = parcels.geoms[int(i)]
                p = shapely.ops.polylabel(g, 1.0)
                x, y = round(p.x), round(p.y)
                disc = shapely.Point(x, y).buffer(70.0)
                if (
                    g.contains(disc)
                    and not basic.intersects(disc)
                    and not busy.intersects(disc)
                    and free(x, y)
                ):
                    found = (float(x), float(y))
                    break
        if found is None:
            raise RuntimeError(f"no room for a campaign case on {need} land")
        centres.append(found)
    return centres


def _rect(centre: tuple[float, float], box: tuple[float, float, float, float]) -> shapely.Polygon:
    x, y = centre
    return shapely.box(x + box[0], y + box[1], x + box[2], y + box[3])


def _make_campaigns(
    seed: int,
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    spots: _Spots,
    features: _Features,
) -> _Campaigns:
    """Cases of every audit violation, with the answers the tests check them by."""
    rng = _rng(seed, _STREAM_CAMPAIGNS)
    needs = [c[6] for c in _TEMPORARY_CASES] + [c[3] for c in _FACILITY_CASES]
    centres = _case_centres(rng, parcels, farmland, spots, needs)
    ground: list[dict] = []
    cases: dict = {"temporary": {}, "facility": {}, "mining": {}}

    def add_ground(centre, items) -> list[str]:
        ids = []
        for box, use in items:
            gid = f"SD{len(ground) + 1:03d}"
            ground.append({"geometry": _rect(centre, box), GROUND_FEATURE_ID: gid, GROUND_USE: use})
            ids.append(gid)
        return ids

    temporary = []
    for n, (case, box, area, start, end, level, _place, items, codes) in enumerate(
        _TEMPORARY_CASES
    ):
        centre = centres[n]
        number = f"淄川自然资临用字〔{start[:4]}〕{101 + n}号"
        approved = dt.date.fromisoformat(start) - dt.timedelta(days=20)
        temporary.append(
            {
                "geometry": _rect(centre, box),
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: APPROVAL_TEMPORARY,
                APPROVAL_DATE: approved.isoformat(),
                APPROVAL_AREA: area,
                APPROVED_USE: TEMPORARY_USE,
                APPROVAL_START: start,
                APPROVAL_END: end,
                cs.APPROVAL_LEVEL: level,
            }
        )
        cases["temporary"][case] = {
            "number": number,
            "codes": list(codes),
            "ground": add_ground(centre, items),
        }
    facility = []
    offset = len(_TEMPORARY_CASES)
    for n, (case, box, area, _place, items, codes) in enumerate(_FACILITY_CASES):
        centre = centres[offset + n]
        number = f"淄川设农备〔2023〕{101 + n}号"
        facility.append(
            {
                "geometry": _rect(centre, box),
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: APPROVAL_FACILITY,
                APPROVAL_DATE: "2023-03-10",
                APPROVAL_AREA: area,
                APPROVED_USE: FACILITY_USE,
                APPROVAL_START: "2023-04-01",
                APPROVAL_END: "2033-03-31",
                cs.APPROVAL_LEVEL: 1,
            }
        )
        cases["facility"][case] = {
            "number": number,
            "codes": list(codes),
            "ground": add_ground(centre, items),
        }

    # Mining: licences drawn around the batch's own 采矿用地 spots, so the audit finds each kind.
    dup = spots.broken.get("duplicate")
    mining = [
        i
        for i in np.argsort(spots.numbers, kind="stable").tolist()
        if spots.types[i] == SPOT_TYPE_MINING
        and spots.numbers[i] != dup
        and spots.geoms[i] is not None
        and spots.geoms[i].is_valid
        and not spots.geoms[i].is_empty
    ]
    no_go = shapely.union_all([g for _, g in features.no_mining])
    in_no_go = [i for i in mining if spots.geoms[i].intersects(no_go)]
    clear = [i for i in mining if i not in in_no_go]
    plan = [
        ("valid", clear[:1], "2021-01-01", "2030-12-31", "full"),
        ("out_of_bounds", clear[1:2], "2022-05-01", "2031-04-30", "west"),
        ("expired", clear[2:3], "2015-07-01", "2025-06-30", "full"),
        ("in_no_go", in_no_go[:1], "2020-09-01", "2029-08-31", "full"),
    ]
    licences = []
    licensed: set[int] = set()
    for n, (case, picked, start, end, cover) in enumerate(plan):
        for i in picked:
            g = spots.geoms[i]
            area = shapely.buffer(shapely.convex_hull(g), 8.0, join_style="mitre")
            if cover == "west":
                minx, miny, maxx, maxy = g.bounds
                area = shapely.intersection(
                    area, shapely.box(minx - 20.0, miny - 20.0, (minx + maxx) / 2, maxy + 20.0)
                )
            number = f"C3703022{start[:4]}0171300{n + 1:05d}"
            licences.append(
                {
                    "geometry": shapely.set_precision(area, _MM),
                    cs.LICENCE_NUMBER: number,
                    MINE_NAME: f"淄川区{TOWNS[n % len(TOWNS)][0]}第{n + 1}采石场",
                    cs.LICENCE_VALID_FROM: start,
                    cs.LICENCE_VALID_TO: end,
                }
            )
            cases["mining"][case] = {"spot": spots.numbers[i], "licence": number}
            licensed.add(i)
    cases["mining"]["no_licence"] = [spots.numbers[i] for i in mining if i not in licensed]
    cases["mining"]["no_go_spots"] = [spots.numbers[i] for i in in_no_go]
    return _Campaigns(licences, temporary, facility, ground, cases)


def _write_campaign_layers(gpkg: Path, campaigns: _Campaigns, counts: dict[str, int]) -> None:
    def records(items: list[dict]) -> Iterator[dict]:
        return _multi_records(
            (r["geometry"], {k: v for k, v in r.items() if k != "geometry"}) for r in items
        )

    counts[DEMO_LAYER_MINING_LICENCES] = _write(
        gpkg,
        DEMO_LAYER_MINING_LICENCES,
        "MultiPolygon",
        {
            cs.LICENCE_NUMBER: "str:30",
            MINE_NAME: "str:50",
            cs.LICENCE_VALID_FROM: "date",
            cs.LICENCE_VALID_TO: "date",
        },
        records(campaigns.licences),
    )
    approval_fields = {
        APPROVAL_NUMBER: "str:40",
        APPROVAL_KIND: "str:10",
        APPROVAL_DATE: "date",
        APPROVAL_AREA: "float",
        APPROVED_USE: "str:20",
        APPROVAL_START: "date",
        APPROVAL_END: "date",
        cs.APPROVAL_LEVEL: "int",
    }
    for layer, items in (
        (DEMO_LAYER_TEMPORARY_LAND, campaigns.temporary),
        (DEMO_LAYER_FACILITY_LAND, campaigns.facility),
    ):
        counts[layer] = _write(gpkg, layer, "MultiPolygon", approval_fields, records(items))
    counts[DEMO_LAYER_GROUND] = _write(
        gpkg,
        DEMO_LAYER_GROUND,
        "MultiPolygon",
        {GROUND_FEATURE_ID: "str:10", GROUND_USE: "str:20"},
        records(campaigns.ground),
    )


def _write_change_raster(seed: int, window: shapely.Polygon, spots: _Spots, path: Path) -> None:
    """A 0/1 change mask over the image window: the spots, plus specks below the demo's MMU."""
    rng = _rng(seed, _STREAM_CAMPAIGNS + 1)
    x0, y0, x1, y1 = window.bounds
    n = int(round(IMAGE_SIZE_M / IMAGE_PIXEL_M))
    transform = from_origin(x0, y1, IMAGE_PIXEL_M, IMAGE_PIXEL_M)
    shapes = [
        (shapely.make_valid(g), 1)
        for g in spots.geoms
        if g is not None and not g.is_empty and g.intersects(window)
    ]
    mask = np.zeros((n, n), np.uint8)
    if shapes:
        mask = rasterize(shapes, out_shape=(n, n), transform=transform, fill=0, dtype="uint8")
    # Isolated specks of one or two pixels (4-8 m²): noise the minimum mapping unit drops.
    near = np.zeros((n, n), bool)
    if shapes:
        grown = [(shapely.buffer(g, 12.0), 1) for g, _ in shapes]
        near = rasterize(grown, out_shape=(n, n), transform=transform, fill=0, dtype="uint8") > 0
    placed = 0
    for r, c in rng.integers(2, n - 3, (200, 2)).tolist():
        if placed == 24:
            break
        if near[r - 2 : r + 4, c - 2 : c + 4].any() or mask[r - 2 : r + 4, c - 2 : c + 4].any():
            continue
        mask[r, c : c + 1 + placed % 2] = 1
        placed += 1
    profile = {
        "driver": "GTiff",
        "width": n,
        "height": n,
        "count": 1,
        "dtype": "uint8",
        "crs": rasterio.crs.CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED),
        "transform": transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }
    if path.exists():
        path.unlink()
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(mask, 1)


# --- the entry point -----------------------------------------------------------------------------


def create_demo_district(
    out_dir: str | Path,
    size: DemoSize = DEMO,
    seed: int = 370302,
    with_images: bool = True,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> DemoDistrict:
    """Write demo_district.gpkg (and before.tif / after.tif / change.tif) into out_dir; same seed,
    same bytes. The campaign layers (CKQ, LSYD, SSNYD, SDXZ) come after the others, which they
    leave untouched; DemoDistrict.campaign_cases lists the cases they plant.

    Raises DemoCancelled when is_cancelled() returns True (files being written are removed).
    """
    if size.spots < MIN_SPOTS or size.parcels < 500:
        raise ValueError(f"a demo district needs at least {MIN_SPOTS} spots and 500 parcels")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gpkg = out / GPKG_NAME
    before = out / BEFORE_IMAGE_NAME if with_images else None
    after = out / AFTER_IMAGE_NAME if with_images else None
    change = out / CHANGE_IMAGE_NAME if with_images else None
    written = [p for p in (gpkg, before, after, change) if p is not None]
    prog = _Progress(progress, is_cancelled)
    try:
        return _create(out, gpkg, before, after, size, seed, prog)
    except DemoCancelled:
        for p in written:
            p.unlink(missing_ok=True)
        raise


def _create(
    out: Path,
    gpkg: Path,
    before: Path | None,
    after: Path | None,
    size: DemoSize,
    seed: int,
    prog: _Progress,
) -> DemoDistrict:
    prog(0.0)
    outline, cx, cy = _district_outline(seed)
    minx, miny, maxx, maxy = outline.bounds
    x0, y0 = math.floor(minx - 1000.0), math.floor(miny - 1000.0)
    nx = int((maxx + 1000.0 - x0) / _FIELD_CELL_M) + 2
    ny = int((maxy + 1000.0 - y0) / _FIELD_CELL_M) + 2
    frame = _Frame(outline, cx, cy, x0, y0, nx, ny)
    seeds = _town_seeds(seed, frame)
    towns = _towns(frame, seeds)
    features = _lines_and_zones(seed, frame, seeds)
    view_areas = _view_areas(features, outline)
    _fields(seed, frame, seeds, features)
    prog(0.08)
    parcels = _make_parcels(seed, frame, seeds, features, size.parcels)
    if size.vertex_spacing:
        # Neighbours split a shared edge at the same points; rounding to the millimetre makes
        # those points identical, so the parcels still tile the district exactly.
        dense = shapely.segmentize(parcels.geoms, size.vertex_spacing)
        parcels = replace(parcels, geoms=shapely.set_precision(dense, _MM, mode="pointwise"))
    prog(0.25)
    farmland = _basic_farmland(parcels, frame)
    prog(0.32)
    window = _image_window(frame, seeds)
    spots = _make_spots(seed, size, frame, parcels, farmland, features, view_areas, window)
    approvals = _make_approvals(seed, parcels, spots)
    campaigns = (
        _make_campaigns(seed, parcels, farmland, spots, features) if size.campaigns else None
    )
    prog(0.40)

    if gpkg.exists():
        gpkg.unlink()
    counts: dict[str, int] = {}
    with fiona.Env(OGR_CURRENT_DATE=FIXED_TIMESTAMP):
        counts[DEMO_LAYER_DISTRICT] = _write(
            gpkg,
            DEMO_LAYER_DISTRICT,
            "Polygon",
            {SPOT_COUNTY_CODE: "str:6", DISTRICT_NAME: "str:20"},
            [
                {
                    "geometry": mapping(outline),
                    "properties": {
                        SPOT_COUNTY_CODE: ZICHUAN_COUNTY_CODE,
                        DISTRICT_NAME: DISTRICT_NAME_ZH,
                    },
                }
            ],
        )
        counts[DEMO_LAYER_TOWNS] = _write(
            gpkg,
            DEMO_LAYER_TOWNS,
            "MultiPolygon",
            {TOWN_CODE: "str:9", TOWN_NAME: "str:20", OFFICE_NAME: "str:30"},
            _multi_records(
                (g, {TOWN_CODE: code, TOWN_NAME: name, OFFICE_NAME: office})
                for g, (name, code, office) in zip(towns, TOWNS)
            ),
        )
        names = {c: LAND_CLASSES[c][0] for c in CLASS_CODES}
        code_list = [CLASS_CODES[i] for i in parcels.cls.tolist()]
        dltb_props = (
            {
                PARCEL_ID: i + 1,
                LAND_CLASS_CODE: code,
                LAND_CLASS_NAME: names[code],
                RIDGE_COEFFICIENT: k,
                VILLAGE_CODE: v,
            }
            for i, (code, k, v) in enumerate(
                zip(code_list, parcels.kcxs.tolist(), parcels.village.tolist())
            )
        )
        counts[DEMO_LAYER_LAND_USE] = _write(
            gpkg,
            DEMO_LAYER_LAND_USE,
            "Polygon",
            {
                PARCEL_ID: "int",
                LAND_CLASS_CODE: "str:5",
                LAND_CLASS_NAME: "str:30",
                RIDGE_COEFFICIENT: "float",
                VILLAGE_CODE: "str:12",
            },
            _polygon_records(parcels.geoms, dltb_props, prog, 0.40, 0.75),
        )
        prog(0.75)
        counts[DEMO_LAYER_BASIC_FARMLAND] = _write(
            gpkg,
            DEMO_LAYER_BASIC_FARMLAND,
            "MultiPolygon",
            {BASIC_FARMLAND_NUMBER: "str:20"},
            _multi_records((g, {BASIC_FARMLAND_NUMBER: code}) for code, g in farmland),
        )
        counts[DEMO_LAYER_RED_LINE] = _write(
            gpkg,
            DEMO_LAYER_RED_LINE,
            "MultiPolygon",
            {RED_LINE_NAME: "str:50", RED_LINE_CODE: "str:20"},
            _multi_records(
                (g, {RED_LINE_NAME: n, RED_LINE_CODE: c}) for n, c, g in features.red_line
            ),
        )
        counts[DEMO_LAYER_NO_MINING] = _write(
            gpkg,
            DEMO_LAYER_NO_MINING,
            "MultiPolygon",
            {NO_MINING_NAME: "str:50"},
            _multi_records((g, {NO_MINING_NAME: n}) for n, g in features.no_mining),
        )
        kind_fields = {THREE_ZONES_KIND: "str:10", THREE_ZONES_SOURCE_NAME: "str:50"}
        counts[DEMO_LAYER_THREE_ZONES_LINES] = _write(
            gpkg,
            DEMO_LAYER_THREE_ZONES_LINES,
            "MultiLineString",
            kind_fields,
            _line_records(
                (g, {THREE_ZONES_KIND: k, THREE_ZONES_SOURCE_NAME: n}) for k, n, g in features.lines
            ),
        )
        counts[DEMO_LAYER_THREE_ZONES_ZONES] = _write(
            gpkg,
            DEMO_LAYER_THREE_ZONES_ZONES,
            "MultiPolygon",
            kind_fields,
            _multi_records(
                (g, {THREE_ZONES_KIND: k, THREE_ZONES_SOURCE_NAME: n}) for k, n, g in features.zones
            ),
        )
        counts[DEMO_LAYER_THREE_ZONES] = _write(
            gpkg,
            DEMO_LAYER_THREE_ZONES,
            "MultiPolygon",
            {THREE_ZONES_NAME: "str:50", THREE_ZONES_KIND: "str:10"},
            _multi_records(
                (g, {THREE_ZONES_NAME: n, THREE_ZONES_KIND: k}) for k, n, g in view_areas
            ),
        )
        counts[DEMO_LAYER_APPROVALS] = _write(
            gpkg,
            DEMO_LAYER_APPROVALS,
            "MultiPolygon",
            {
                APPROVAL_NUMBER: "str:40",
                APPROVAL_KIND: "str:10",
                APPROVAL_DATE: "date",
                APPROVAL_AREA: "float",
                APPROVED_USE: "str:20",
                APPROVAL_START: "date",
                APPROVAL_END: "date",
            },
            _multi_records(
                (r["geometry"], {k: v for k, v in r.items() if k != "geometry"}) for r in approvals
            ),
        )
        counts[DEMO_LAYER_SPOTS] = _write(
            gpkg,
            DEMO_LAYER_SPOTS,
            "Polygon",
            {
                SPOT_NUMBER: "str:20",
                SPOT_COUNTY_CODE: "str:6",
                SPOT_TYPE: "str:20",
                SPOT_EARLIER_DATE: "str:10",
                SPOT_LATER_DATE: "str:10",
                SPOT_MONITORED_AREA: "float",
            },
            (
                {
                    "geometry": _spot_geometry(g),
                    "properties": {
                        SPOT_NUMBER: num,
                        SPOT_COUNTY_CODE: ZICHUAN_COUNTY_CODE,
                        SPOT_TYPE: t,
                        SPOT_EARLIER_DATE: e,
                        SPOT_LATER_DATE: lt,
                        SPOT_MONITORED_AREA: a,
                    },
                }
                for g, num, t, e, lt, a in zip(
                    spots.geoms, spots.numbers, spots.types, spots.earlier, spots.later, spots.area
                )
            ),
        )
        if campaigns is not None:
            _write_campaign_layers(gpkg, campaigns, counts)
    prog(0.85)
    if before is not None and after is not None:
        _write_images(seed, window, parcels, spots, before, after)
        _write_change_raster(seed, window, spots, out / CHANGE_IMAGE_NAME)
    prog(1.0)
    return DemoDistrict(
        gpkg=gpkg,
        before_image=before,
        after_image=after,
        layers=counts,
        broken_spots=spots.broken,
        criminal_spots=spots.criminal,
        image_bounds=window.bounds,
        change_raster=out / CHANGE_IMAGE_NAME if before is not None else None,
        campaign_cases=campaigns.cases if campaigns is not None else {},
    )
