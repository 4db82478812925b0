"""Official areas: CGCS2000 ellipsoidal and precise planar areas, measuring CRS, 亩 rounding."""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from . import domain

# Bounding-box coordinates are rounded to this step to pick the local origin (metres).
_ORIGIN_STEP = 1000.0


class AreaMethod(str, Enum):
    """Which area is reported: the official ellipsoidal one or the planar projected one."""

    ELLIPSOIDAL = domain.AREA_METHOD_ELLIPSOIDAL
    PLANAR = domain.AREA_METHOD_PLANAR


# --- ellipsoid ------------------------------------------------------------------------------------
_F = 1.0 / domain.CGCS2000_INV_F
_E2 = _F * (2.0 - _F)  # first eccentricity squared
_E = math.sqrt(_E2)
_B = domain.CGCS2000_A * (1.0 - _F)  # semi-minor axis


def zone_area_function(lat_rad: np.ndarray | float) -> np.ndarray:
    """F(B): ellipsoid area per radian of longitude between the equator and latitude B (m²/rad).

    F(B) = b²·[sinB / (2(1 − e² sin²B)) + (1/(4e))·ln((1 + e sinB)/(1 − e sinB))].
    """
    s = np.sin(np.asarray(lat_rad, dtype=float))
    es = _E * s
    return _B * _B * (s / (2.0 * (1.0 - es * es)) + np.arctanh(es) / (2.0 * _E))


@lru_cache(maxsize=32)
def _to_geographic(crs_key: int | str) -> Transformer:
    return Transformer.from_crs(
        CRS.from_user_input(crs_key), domain.EPSG_CGCS2000_GEOGRAPHIC, always_xy=True
    )


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygonal parts of each geometry and the index of the geometry each part came from."""
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    # Polygons with a boundary: lines, points and empty polygons have no area.
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    return parts[keep], part_geom[keep]


# Edges longer than this are split before the ellipsoidal sum (see ellipsoidal_areas).
MAX_EDGE_M = 100.0


def _rings_and_vertices(parts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(part of each ring, every vertex, ring of each vertex) of polygons; get_rings lists a
    polygon's exterior first."""
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    return ring_part, coords, vertex_ring


def _split_long_edges(
    coords: np.ndarray, vertex_ring: np.ndarray, longest: float
) -> tuple[np.ndarray, np.ndarray]:
    """The rings' vertices with each edge longer than ``longest`` cut into equal edges no
    longer, by points on it: the figure is the same, only the sum is finer. Done on the
    coordinates, not by shapely.segmentize: GEOS 3.11 densifies a polygon and then cleans it
    (buffer 0), which gave a valid piece nearly touching itself back as a MultiPolygon, whose
    rings the sum did not find: the run stopped on a cast error, or measured it as 0 m²."""
    same = vertex_ring[1:] == vertex_ring[:-1]  # an edge from each vertex but a ring's last
    lengths = np.zeros(len(coords))
    lengths[:-1][same] = np.hypot(*(coords[1:] - coords[:-1]).T)[same]
    pieces = np.maximum(np.ceil(lengths / longest), 1).astype(np.int64)
    if not np.any(pieces > 1):
        return coords, vertex_ring
    # Each vertex, then the points cutting the edge after it, at k/pieces of its length.
    start = np.repeat(np.arange(len(coords)), pieces)
    step = np.arange(len(start)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    fraction = (step / pieces[start])[:, None]
    following = coords[np.minimum(start + 1, len(coords) - 1)]
    points = coords[start] + fraction * (following - coords[start])
    return points, vertex_ring[start]


def edge_zone_integral(
    f0: np.ndarray,
    fm: np.ndarray,
    f1: np.ndarray,
    lon0: np.ndarray,
    lonm: np.ndarray,
    lon1: np.ndarray,
) -> np.ndarray:
    """∫ F(B) dL along each edge, from F and L at its start, middle and end.

    The edge is straight in the projection, so on the ellipsoid it bends: L and B are taken as
    quadratic in the edge's parameter t through the three points, and F(B(t))·L'(t) is
    integrated by Simpson's rule. The weights of L add up to L1 − L0 exactly, so a constant
    subtracted from F (see ellipsoidal_areas) still cancels around a closed ring.
    """
    return (
        f0 * (4.0 * lonm - 3.0 * lon0 - lon1)
        + 4.0 * fm * (lon1 - lon0)
        + f1 * (lon0 - 4.0 * lonm + 3.0 * lon1)
    ) / 6.0


def ellipsoidal_areas(
    geoms: np.ndarray | Sequence,
    crs: int | str,
    offset: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Ellipsoidal (CGCS2000) area in m² of each geometry given in projected coordinates.

    The area on the ellipsoid of the region the polygon bounds in the projection, as the land
    survey rules define it: every vertex is inverse-projected to (B, L) and each ring edge adds
    the ellipsoidal trapezoid between it and the equator, ∫ F(B) dL, F the area per radian of
    longitude between the equator and latitude B. The edge's middle is inverse-projected too:
    an edge straight in Gauss-Krüger is curved in (B, L), and the one-point rule (L2 − L1)·F(Bm)
    is off by up to 0.006 m² on a district's spots, enough to change the cents (see
    edge_zone_integral). Holes are subtracted, multipart areas summed; None, empty and
    non-polygonal geometries give 0. `offset` is the local origin the coordinates were shifted
    by; it is added back first.
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    out = np.zeros(len(geoms))
    if len(geoms) == 0:
        return out
    parts, part_geom = _polygon_parts(geoms)
    if len(parts) == 0:
        return out
    ring_part, coords, vertex_ring = _rings_and_vertices(parts)
    # Over kilometres a straight Gauss-Krüger edge bends too far for one quadratic: long edges
    # (view-area and red-line boundaries) are split first.
    coords, vertex_ring = _split_long_edges(coords, vertex_ring, MAX_EDGE_M)
    n_rings = len(ring_part)
    # The first ring of each part is its shell.
    is_shell = np.ones(n_rings, dtype=bool)
    is_shell[1:] = ring_part[1:] != ring_part[:-1]
    # Edges join consecutive vertices of one ring (rings are closed: last vertex = first).
    same = vertex_ring[1:] == vertex_ring[:-1]
    edge_ring = vertex_ring[1:][same]
    middles = ((coords[1:] + coords[:-1]) * 0.5)[same]
    points = np.concatenate([coords, middles]) + np.asarray(offset, dtype=float)
    lon, lat = _to_geographic(crs).transform(points[:, 0], points[:, 1])
    lon = np.radians(lon)
    zone = zone_area_function(np.radians(lat))
    n = len(coords)
    lon_v, zone_v = lon[:n], zone[:n]
    # Subtracting F at a reference latitude of the ring leaves the closed sum unchanged
    # (Σ ΔL = 0) but keeps the terms small, so rounding in ΔL does not scale with F(B) ≈ 1e13.
    first_vertex = np.searchsorted(vertex_ring, np.arange(n_rings))
    ref = zone_v[np.minimum(first_vertex, n - 1)][edge_ring]
    terms = edge_zone_integral(
        zone_v[:-1][same] - ref,
        zone[n:] - ref,
        zone_v[1:][same] - ref,
        lon_v[:-1][same],
        lon[n:],
        lon_v[1:][same],
    )
    ring_area = np.abs(np.bincount(edge_ring, weights=terms, minlength=n_rings))
    ring_area[~is_shell] *= -1.0
    part_area = np.bincount(ring_part, weights=ring_area, minlength=len(parts))
    out += np.bincount(part_geom, weights=part_area, minlength=len(geoms))
    return out


# --- planar areas in a local frame ----------------------------------------------------------------
def local_origin(bounds: Sequence[float]) -> tuple[float, float]:
    """Origin near the data (bounds centre rounded to km) for a precise local frame.

    Gauss-Krüger x with a zone prefix has 8 integer digits; shifting by an exact round origin
    leaves small coordinates whose products lose nothing in area and overlay arithmetic.
    """
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        return (0.0, 0.0)
    return (
        round((xmin + xmax) / 2.0 / _ORIGIN_STEP) * _ORIGIN_STEP,
        round((ymin + ymax) / 2.0 / _ORIGIN_STEP) * _ORIGIN_STEP,
    )


def to_local(geoms: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """Geometries shifted by −origin (None stays None); vectorised over the array."""
    shift = np.array(origin, dtype=float)
    if not shift.any():
        return np.asarray(geoms, dtype=object)
    return shapely.transform(np.asarray(geoms, dtype=object), lambda c: c - shift)


def from_local(geoms: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """Geometries shifted back by +origin into the measuring CRS coordinates."""
    shift = np.array(origin, dtype=float)
    if not shift.any():
        return np.asarray(geoms, dtype=object)
    return shapely.transform(np.asarray(geoms, dtype=object), lambda c: c + shift)


def planar_areas(geoms: np.ndarray) -> np.ndarray:
    """Planar area (m²) of geometries, which should be held in a local frame; None gives 0."""
    return np.nan_to_num(shapely.area(np.asarray(geoms, dtype=object)), nan=0.0)


def areas(
    geoms: np.ndarray,
    method: AreaMethod | str,
    crs: int | str,
    origin: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Area (m²) of local-frame geometries by the given method."""
    if AreaMethod(method) is AreaMethod.ELLIPSOIDAL:
        return ellipsoidal_areas(geoms, crs, origin)
    return planar_areas(geoms)


# --- measuring CRS --------------------------------------------------------------------------------
def gk3_zones(lon: np.ndarray | float) -> np.ndarray:
    """The CGCS2000 3-degree Gauss-Krüger zone of each longitude (degrees east), as floats
    (NaN stays NaN): zone n spans 3n − 1.5° to 3n + 1.5°, a longitude on the line between two
    in the eastern one, the survey's rule n = int((L + 1.5) / 3). Python's round(L / 3),
    rounding half to even, sent 118.5° east to zone 40 but 115.5° west to zone 38."""
    return np.floor((np.asarray(lon, dtype=float) + 1.5) / 3.0)


def gk3_zone_epsg(zone: int, prefixed: bool = True) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (zone-prefixed x or not)."""
    if not domain.GK3_FIRST_ZONE <= zone <= domain.GK3_LAST_ZONE:
        raise ValueError(f"no CGCS2000 3-degree Gauss-Krüger zone {zone} (China covers 25..45)")
    base = domain.GK3_PREFIXED_EPSG_BASE if prefixed else domain.GK3_PLAIN_EPSG_BASE
    return base + zone - domain.GK3_FIRST_ZONE


def gk3_zone(epsg: int) -> tuple[int, bool]:
    """(zone number, whether x carries it in front) of a CGCS2000 3-degree GK code; the zone's
    central meridian is 3 × its number, and its x runs over zone × 1,000,000 onwards when
    prefixed."""
    if not is_cgcs2000_gk3(epsg):
        raise ValueError(f"EPSG:{epsg} is no CGCS2000 3-degree Gauss-Krüger zone")
    prefixed = epsg < domain.GK3_PLAIN_EPSG_BASE
    base = domain.GK3_PREFIXED_EPSG_BASE if prefixed else domain.GK3_PLAIN_EPSG_BASE
    return epsg - base + domain.GK3_FIRST_ZONE, prefixed


def is_cgcs2000_gk3(epsg: int) -> bool:
    """True for the CGCS2000 3-degree GK codes, prefixed (4513–4533) or not (4534–4554)."""
    n_zones = domain.GK3_LAST_ZONE - domain.GK3_FIRST_ZONE + 1
    return (
        domain.GK3_PREFIXED_EPSG_BASE <= epsg < domain.GK3_PREFIXED_EPSG_BASE + n_zones
        or domain.GK3_PLAIN_EPSG_BASE <= epsg < domain.GK3_PLAIN_EPSG_BASE + n_zones
    )


def cgcs2000_gk3_code(crs: CRS) -> int | None:
    """The EPSG code of the CGCS2000 3-degree Gauss-Krüger zone `crs` is, also when it comes
    without one (an ESRI .prj, a PROJ string): a transverse Mercator on the CGCS2000 ellipsoid,
    scale 1 on a central meridian of a 3-degree zone, false easting 500 km with or without the
    zone number in front. None for anything else (a 6-degree zone, UTM, Web Mercator)."""
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is not None:
        return epsg if is_cgcs2000_gk3(epsg) else None
    operation, ellipsoid = crs.coordinate_operation, crs.ellipsoid
    if operation is None or ellipsoid is None or "Transverse Mercator" not in operation.method_name:
        return None
    if (
        abs(ellipsoid.semi_major_metre - domain.CGCS2000_A) > 0.001
        or abs(ellipsoid.inverse_flattening - domain.CGCS2000_INV_F) > 1e-6
    ):
        return None
    values = {param.name: param.value for param in operation.params}
    meridian = values.get("Longitude of natural origin")
    if meridian is None or meridian % 3 or values.get("Scale factor at natural origin") != 1:
        return None
    zone = int(meridian // 3)
    if not domain.GK3_FIRST_ZONE <= zone <= domain.GK3_LAST_ZONE:
        return None
    if values.get("Latitude of natural origin") or values.get("False northing"):
        return None
    easting = values.get("False easting")
    if easting == zone * 1_000_000 + 500_000:
        return gk3_zone_epsg(zone, prefixed=True)
    if easting == 500_000:
        return gk3_zone_epsg(zone, prefixed=False)
    return None


def _epsg_of(crs: int | str | None) -> int | None:
    if crs is None or crs == "":
        return None
    if isinstance(crs, (int, np.integer)):
        return int(crs)
    text = str(crs).strip()
    if text.upper().startswith("EPSG:") and text[5:].isdigit():
        return int(text[5:])
    if text.isdigit():
        return int(text)
    return CRS.from_user_input(text).to_epsg()


def is_zone_crs(crs: int | str | None) -> bool:
    """True when `crs` is a CGCS2000 3-degree GK zone, measured as it is wherever data lie."""
    epsg = _epsg_of(crs)
    return epsg is not None and is_cgcs2000_gk3(epsg)


def measuring_epsg(
    crs: int | str | None,
    lon_lat_centroid: tuple[float, float] | None,
    layer_name: str = "",
    prefixed: bool = True,
) -> int:
    """EPSG code of the CRS areas are measured in for a layer in `crs`.

    A CGCS2000 3-degree GK CRS is used as is. Anything else (geographic 4490/4326, 6-degree
    zones, other projections) is measured in the 3-degree zone containing the layer's centroid,
    zone gk3_zones gives; the zone-prefixed code is the default because the district's survey
    data come in it (EPSG:4527). A missing CRS is refused: data are never assumed to be in one.
    """
    # The layer's label in each half (a whole pair inside the Chinese half showed its English).
    name_zh, name_en = (f"图层 {layer_name}：", f"layer {layer_name}: ") if layer_name else ("", "")
    if crs is None or crs == "":
        raise ValueError(
            f"{name_zh}没有坐标系，请先设置 / {name_en}no coordinate reference system; set it "
            "before screening"
        )
    if is_zone_crs(crs):
        return _epsg_of(crs)
    if lon_lat_centroid is None:
        # "lon/lat" would read as a value (a path) the Chinese half lacks, and show it whole.
        raise ValueError(
            f"{name_zh}需要经纬度中心点来确定投影带 / {name_en}a centre in longitude and "
            "latitude is needed to choose the zone"
        )
    lon = float(lon_lat_centroid[0])
    if not math.isfinite(lon):
        # The features' coordinates do not transform from the CRS the layer says it is in:
        # most often numbers of another CRS (3° zone-prefixed metres under a 6° zone's CRS).
        raise ValueError(
            f"{name_zh}要素坐标不能按图层坐标系 {crs} 换算为经纬度，无法确定投影带：坐标与该坐标系"
            f"不符（如带带号的 3 度带坐标配了 6 度带坐标系），请检查图层坐标系 / {name_en}the "
            f"features' coordinates do not transform from the layer's CRS {crs} to longitude "
            "and latitude, so no zone can be chosen: they do not fit that CRS (3-degree "
            "zone-prefixed coordinates under a 6-degree zone's CRS, say); check the layer's CRS"
        )
    zone = int(gk3_zones(lon))
    try:
        return gk3_zone_epsg(zone, prefixed)
    except ValueError as exc:
        raise ValueError(
            f"{name_zh}图斑所在经度 {lon:.3f}° 不在中国 CGCS2000 3 度带（第 25–45 带）范围内，"
            f"无法确定量算坐标系，请检查图层坐标系和图斑坐标 / {name_en}longitude {lon:.3f} is "
            "outside China's Gauss-Krüger zones"
        ) from exc


def to_lon_lat(points: np.ndarray, crs: int | str) -> np.ndarray:
    """(x, y) rows of a projected CRS as CGCS2000 (longitude, latitude) rows in degrees."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    lon, lat = _to_geographic(crs).transform(points[:, 0], points[:, 1])
    return np.column_stack([lon, lat])


def zone_misfits(points: np.ndarray, crs: int | str, max_offset: float | None = 3.0) -> np.ndarray:
    """Which (x, y) points of a Gauss-Krüger zone CRS do not belong there: nowhere on the
    ellipsoid, outside China, or (max_offset) more than that many degrees of longitude from
    the zone's central meridian. 3° is the zone's own 1.5° and as much again for a district
    that straddles a zone boundary; further off, the coordinates carry no prefix or another
    zone's. None: spots taken from another CRS, measured in the zone that holds most of them,
    may lie a zone or two away and are still measured right."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    zone, _prefixed = gk3_zone(_epsg_of(crs))
    meridian = 3.0 * zone
    with np.errstate(invalid="ignore"):
        lon, lat = to_lon_lat(points, crs).T
        fits = _in_china(lon, lat)
        if max_offset is not None:
            fits &= np.abs(lon - meridian) <= max_offset
        return ~fits


def crs_misfits(
    points: np.ndarray, crs: CRS | int | str, zone_offset: float | None = 3.0
) -> np.ndarray:
    """Which (x, y) points do not fit the CRS they are given in, by the rule the screening
    holds spots to: in a CGCS2000 Gauss-Krüger zone, what zone_misfits finds (max_offset
    zone_offset); in any other CRS, points nowhere on the ellipsoid or outside China. So
    Gauss-Krüger metres declared as longitude/latitude (x ≈ 39,580,000 "degrees"), or
    longitude/latitude declared as a zone (x ≈ 118 "metres"), do not fit."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    crs = CRS.from_user_input(crs)
    zone = cgcs2000_gk3_code(crs)
    if zone is not None:
        return zone_misfits(points, zone, zone_offset)
    with np.errstate(invalid="ignore"):
        if crs.is_geographic:  # the numbers are the degrees; PROJ may not take far-off ones
            lon, lat = points.T
        else:
            lon, lat = to_lon_lat(points, crs.to_wkt()).T
        return ~_in_china(lon, lat)


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Which longitude/latitude points lie in China's bounds (finite ones only)."""
    west, south, east, north = domain.CHINA_LON_LAT_BOUNDS
    fits = np.isfinite(lon) & np.isfinite(lat)
    return fits & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


# --- units and rounding ---------------------------------------------------------------------------
# Every figure is rounded to cents half up, as on paper (0.125 → 0.13), not half to even nor as
# binary floats fall (410.005 is held as 410.00499…): a millionth of a cent lets such a typed
# half cent go up. No measured area lies that close to a half cent by more than noise.
_CENTS = 10**domain.AREA_DECIMALS
_HALF_UP_GUARD = 1e-6


def _cents(values: np.ndarray | float) -> np.ndarray:
    """Whole cents (as floats, NaN kept) of m² or 亩 figures, half away from zero."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.sign(v) * np.floor(np.abs(v) * _CENTS + 0.5 + _HALF_UP_GUARD)


def round_area(values: np.ndarray | float) -> np.ndarray:
    """Round to the reports' 2 decimals (m² or 亩), half up."""
    return _cents(values) / _CENTS + 0.0  # + 0.0: no "-0.00"


def exceeds(area: float, limit: float) -> bool:
    """Whether an area (m²) is over a limit as the figures beside it show them: each rounded to
    cents half up (round_area). A test on the unrounded values put SYMJ 1599.71 beside PZMJ
    1599.70 with no excess found (over by 0.008 m²), or found one the figures did not show."""
    return bool(round_area(area) > round_area(limit))


# How a total in 亩 is made, said beside every total of 亩 (the export's, the reports'): from
# the total in m², so a column of 亩 rounded row by row may add up to a cent more or less.
MU_TOTAL_RULE = (
    f"亩合计 = 平方米合计 × {domain.MU_PER_HECTARE} ÷ {domain.SQM_PER_HECTARE}（非各行亩数之和）"
)
MU_TOTAL_RULE_EN = (
    f"a total in mu = the total in m² × {domain.MU_PER_HECTARE} ÷ {domain.SQM_PER_HECTARE} "
    "(not the sum of the rows' mu)"
)


def shown_mu(sqm: np.ndarray | float) -> np.ndarray | float:
    """亩 as every figure of the plugin shows them: the area as shown in m² (to cents), × 15 ÷
    10000, to cents half up; in whole numbers, so 410.00 m² = 0.615 亩 shows 0.62 (floats give
    0.61). Screening, the ledger's pages, exports, reports and cases all convert here, so a spot
    has one 亩 figure and one answer to the criminal-referral test (made on the figure shown)
    wherever it appears, and a reader can check the 亩 from the m² beside it. A float for a
    float, an array for an array."""
    if isinstance(sqm, (float, int)) and not isinstance(sqm, bool) and math.isfinite(sqm):
        return _shown_mu_of_one(float(sqm))
    cents = _cents(sqm)
    with np.errstate(invalid="ignore"):
        mu_cents = np.sign(cents) * np.floor(
            (np.abs(cents) * domain.MU_PER_HECTARE + domain.SQM_PER_HECTARE // 2)
            / domain.SQM_PER_HECTARE
        )
    mu = mu_cents / _CENTS + 0.0
    return float(mu) if np.ndim(sqm) == 0 else mu


def _shown_mu_of_one(sqm: float) -> float:
    """shown_mu of one finite number, the same float operations in the same order without
    numpy, which costs ~27 µs a call on a scalar (a report converts every case's figures)."""
    cents = float(math.floor(abs(sqm) * _CENTS + 0.5 + _HALF_UP_GUARD))
    mu_cents = math.floor(
        (cents * domain.MU_PER_HECTARE + domain.SQM_PER_HECTARE // 2) / domain.SQM_PER_HECTARE
    )
    return (mu_cents if sqm >= 0 else -mu_cents) / _CENTS + 0.0


def at_referral_scale(
    basic_farmland_sqm: np.ndarray | float, other_cultivated_sqm: np.ndarray | float
) -> np.ndarray | bool:
    """DOMAIN §5's criminal-referral test, the one copy screening and cases share: ≥ 5 亩 of
    permanent basic farmland, or ≥ 10 亩 of cultivated land outside it (m² in), each compared
    as the report shows it in 亩 (shown_mu), so the answer never disagrees with the printed
    figure about 5.00 亩. A bool for floats, an array for arrays."""
    return (shown_mu(basic_farmland_sqm) >= domain.CRIMINAL_BASIC_FARMLAND_MU) | (
        shown_mu(other_cultivated_sqm) >= domain.CRIMINAL_CULTIVATED_MU
    )


def shown_mu_formula(sqm_cell: str) -> str:
    """shown_mu as a spreadsheet formula of the m² in `sqm_cell` (ROUND is half up in Excel
    and LibreOffice, and the product × 15 ÷ 10000 of a figure in cents is exact to 15 digits)."""
    return (
        f"ROUND(ROUND({sqm_cell},{domain.AREA_DECIMALS})*{domain.MU_PER_HECTARE}"
        f"/{domain.SQM_PER_HECTARE},{domain.AREA_DECIMALS})"
    )


def split_rounding_rows(totals: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Row-wise largest-remainder rounding to cents of non-negative parts (n × k).

    Every row of the result sums exactly (in cents) to its rounded total. Cents are added to
    the parts with the largest remainders; when the floors overshoot, cents are taken from
    positive parts with the smallest remainders; ties go to the earlier column.
    """
    scale = 10**domain.AREA_DECIMALS
    parts = np.atleast_2d(np.clip(np.asarray(parts, dtype=float), 0.0, None))
    n, k = parts.shape
    target = _cents(np.asarray(totals, dtype=float).reshape(n)).astype(np.int64)
    cents = parts * scale
    # A guard of 1e-6 cent: 12.34 × 100 = 1233.9999999998 must floor to 1234, not 1233.
    floors = np.floor(cents + 1e-6)
    remainder = cents - floors
    floors = floors.astype(np.int64)
    deficit = target - floors.sum(axis=1)
    if np.any(np.abs(deficit) > k):
        raise ValueError("parts do not add up to their total; cannot split the rounding")
    cols = np.arange(k)
    # Rank of each part by remainder, descending (stable, so earlier columns win ties).
    order_up = np.argsort(-remainder, axis=1, kind="stable")
    rank_up = np.empty_like(order_up)
    np.put_along_axis(rank_up, order_up, np.broadcast_to(cols, (n, k)), axis=1)
    key_down = np.where(floors > 0, remainder, np.inf)
    order_down = np.argsort(key_down, axis=1, kind="stable")
    rank_down = np.empty_like(order_down)
    np.put_along_axis(rank_down, order_down, np.broadcast_to(cols, (n, k)), axis=1)
    add = (deficit[:, None] > 0) & (rank_up < deficit[:, None])
    sub = (deficit[:, None] < 0) & (rank_down < -deficit[:, None])
    floors = floors + add.astype(np.int64) - sub.astype(np.int64)
    return floors / scale


def split_rounding(total: float, parts: Sequence[float]) -> list[float]:
    """Round parts to cents so that they add up exactly to the rounded total."""
    if len(parts) == 0:
        return []
    return split_rounding_rows(np.array([total]), np.array([parts], dtype=float))[0].tolist()
