"""The protection layers the demo draws on its district: the three-zones-two-lines (三区两线)
lines and zones with their view areas, the ecological red line (生态保护红线) and the no-mining
zones (禁止开采区). Permanent basic farmland is designated from the parcels, in demo_land_use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .demo_base import _MM, _STREAM_FEATURES, _rng, _round_mm
from .demo_frame import _Frame
from .domain import (
    THREE_ZONES_KIND_HIGHWAY,
    THREE_ZONES_KIND_NATURE_RESERVE,
    THREE_ZONES_KIND_RAILWAY,
    THREE_ZONES_KIND_RIVER,
    THREE_ZONES_KIND_SCENIC_AREA,
    THREE_ZONES_KIND_TOWN,
)
from .three_zones import view_buffer

# The demo's choice of 三区两线 view distances (m); a real bureau sets its province's values.
VIEW_DISTANCE_RAILWAY_M = 1000.0
VIEW_DISTANCE_HIGHWAY_M = 1000.0
VIEW_DISTANCE_RIVER_M = 500.0
VIEW_DISTANCE_ZONE_M = 1000.0


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
