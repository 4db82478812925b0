"""The demo district's frame: its outline (shaped and sized like Zichuan), its towns, and the
grid the smooth fields that decide the land use live on (demo_land_use fills them)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

from .demo_base import _MM, _STREAM_DISTRICT, _STREAM_TOWNS, _rng, _round_mm
from .domain import EPSG_CGCS2000_GEOGRAPHIC, EPSG_GK3_ZONE39_PREFIXED

DISTRICT_NAME_ZH = "淄川区"
DISTRICT_AREA_SQM = 960e6
DISTRICT_CENTRE_LONLAT = (117.985, 36.585)
DISTRICT_SEMI_AXES_M = (12_500.0, 24_500.0)  # Zichuan is about twice as long (N-S) as wide
DISTRICT_TILT_RAD = math.radians(-8.0)

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

_FIELD_CELL_M = 50.0  # resolution of the smooth fields that drive the land-use classes


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


def _make_frame(seed: int) -> _Frame:
    """The district's outline and the field grid over it, a kilometre wider on every side."""
    outline, cx, cy = _district_outline(seed)
    minx, miny, maxx, maxy = outline.bounds
    x0, y0 = math.floor(minx - 1000.0), math.floor(miny - 1000.0)
    nx = int((maxx + 1000.0 - x0) / _FIELD_CELL_M) + 2
    ny = int((maxy + 1000.0 - y0) / _FIELD_CELL_M) + 2
    return _Frame(outline, cx, cy, x0, y0, nx, ny)


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
