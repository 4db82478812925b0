"""Bringing a layer's geometries from its own CRS to the measuring (or ledger) CRS, in bulk.

Only the vertices can be transformed, and an edge straight in the layer's own CRS (a red line
digitised in longitude/latitude, say) is a curve in Gauss-Krüger: joining its transformed ends
straight moved a 6.7 km edge's area by 147 m², and a 1 km spot in longitude/latitude lost
2.3 m². Polygon rings are therefore split every SOURCE_DENSIFY_M in the layer's own CRS first,
unless the transform only shifts and scales (EPSG:4548 to 4527 only adds the zone prefix), where
straight stays straight. Lines and points are only transformed.

Densifying trusts the coordinates to be in the layer's CRS: Gauss-Krüger metres declared as
longitude/latitude (EPSG:4490) make a 1 km edge 1,000 "degrees", 22 million 5 m pieces, and
a layer of them took all of a machine's memory. Geometries whose coordinates do not fit their
CRS (core.areas.crs_misfits) are therefore only transformed vertex by vertex, for the caller
to refuse (layer_reader and spot_files refuse them by the same rule before transforming;
screening names such spots by number), and no geometry is cut into more than
MAX_DENSIFIED_VERTICES points whatever it holds.

The transform is pyproj's, on whole arrays: QGIS's own, feature by feature from Python, took ten
times as long on a district's parcels.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer

from . import areas

SOURCE_DENSIFY_M = 5.0  # the curve is then kept to well under a cent (0.0004 m² on a 7 km edge)
METRES_PER_DEGREE = 111_320.0  # of latitude, near enough: longitude degrees are shorter
# Most points densifying may give one geometry: at 5 m, a boundary of 10,000 km, more than a
# province's. A longer one is cut into longer pieces, so memory stays bounded (~100 MB).
MAX_DENSIFIED_VERTICES = 2_000_000
_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7


def densify_step(crs: CRS) -> float:
    """SOURCE_DENSIFY_M in the units of the CRS's first axis."""
    if crs.is_geographic:
        return SOURCE_DENSIFY_M / METRES_PER_DEGREE
    axes = crs.axis_info
    metres_per_unit = axes[0].unit_conversion_factor if axes else 1.0
    return SOURCE_DENSIFY_M / (metres_per_unit or 1.0)


def is_affine(transformer: Transformer) -> bool:
    """Whether the transform only shifts and scales: no operation at all, or one projection
    undone and done again with nothing but its false easting, false northing or scale changed
    (EPSG:4548 to 4527 adds the zone prefix). Straight edges then stay straight. Judged from the
    operation, not from sample points: near-affine transforms over a small extent would pass
    a numeric test and still bow an edge by more than a cent."""
    definition = transformer.definition.split()
    if definition[:1] == ["proj=noop"]:
        return True
    steps = " ".join(definition).split(" step ")
    if steps[0] != "proj=pipeline" or len(steps) != 3:
        return False
    undone, done = steps[1].split(), steps[2].split()
    if undone[0] != "inv" or done[0] == "inv":
        return False
    scale_and_shift = ("x_0=", "y_0=", "k=", "k_0=")

    def rest(parameters: list[str]) -> set[str]:
        return {p for p in parameters if not p.startswith(scale_and_shift)}

    return rest(undone[1:]) == rest(done)


def densify_polygon_rings(geoms: np.ndarray, step: float) -> np.ndarray:
    """Polygons and multipolygons with no ring edge longer than step; other geometries as they
    are. Each ring is densified as a line: GEOS densifies a polygon through buffer(0), which
    would drop half of a bow-tie before the screening can repair and report it. Empty parts are
    dropped (they hold no area). A polygon whose boundary would take more than
    MAX_DENSIFIED_VERTICES points at step is cut into longer pieces, that many in all."""
    out = np.array(geoms, dtype=object)
    types = shapely.get_type_id(out)
    collections = np.flatnonzero((types == _COLLECTION) & ~shapely.is_empty(out))
    if len(collections):  # their polygons too (a layer of type GEOMETRY may hold them)
        members, owner = shapely.get_parts(out[collections], return_index=True)
        members = densify_polygon_rings(members, step)
        out[collections] = shapely.geometrycollections(members, indices=owner)
    rows = np.flatnonzero(((types == _POLYGON) | (types == _MULTIPOLYGON)) & ~shapely.is_empty(out))
    if len(rows) == 0:
        return out
    parts, part_row = shapely.get_parts(out[rows], return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, part_row = parts[keep], part_row[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    with np.errstate(invalid="ignore"):  # fmax: a NaN perimeter keeps step
        row_step = np.fmax(step, shapely.length(out[rows]) / MAX_DENSIFIED_VERTICES)
    ring_step = row_step[part_row][ring_part]
    try:
        dense = shapely.segmentize(rings, ring_step)
    except shapely.errors.GEOSException:  # a ring of one repeated point: kept as it is
        dense = np.array([_segmentized(r, s) for r, s in zip(rings, ring_step)], dtype=object)
    # With indices, the first ring of each polygon is its shell, the others its holes.
    polygons = shapely.polygons(dense, indices=ring_part)
    multi = shapely.multipolygons(polygons, indices=part_row)
    single = types[rows] == _POLYGON
    out[rows[single]] = shapely.get_geometry(multi[single], 0)
    out[rows[~single]] = multi[~single]
    return out


def boxes_in_source(boxes: np.ndarray, source: CRS, target: CRS) -> np.ndarray | None:
    """Boxes given in target, as boxes in source that hold them: each box's edges (5 points
    each) moved back, then widened by a hundredth of their size and twice the densify step,
    far more than an edge straight in either CRS bows in the other. None when a box cannot be
    moved back (the caller then reads everything)."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    boxes = boxes[np.all(np.isfinite(boxes), axis=1)]
    if len(boxes) == 0:
        return boxes
    back = Transformer.from_crs(target, source, always_xy=True)
    t = np.linspace(0.0, 1.0, 5)
    minx, miny, maxx, maxy = (boxes[:, i : i + 1] for i in range(4))
    xs = np.hstack([minx + (maxx - minx) * t, maxx + 0 * t, maxx - (maxx - minx) * t, minx + 0 * t])
    ys = np.hstack([miny + 0 * t, miny + (maxy - miny) * t, maxy + 0 * t, maxy - (maxy - miny) * t])
    x, y = back.transform(xs.ravel(), ys.ravel())
    x, y = np.asarray(x).reshape(xs.shape), np.asarray(y).reshape(ys.shape)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return None
    out = np.column_stack([x.min(axis=1), y.min(axis=1), x.max(axis=1), y.max(axis=1)])
    margin = 0.01 * np.hypot(out[:, 2] - out[:, 0], out[:, 3] - out[:, 1])
    margin += 2.0 * densify_step(source)
    return out + np.column_stack([-margin, -margin, margin, margin])


def names_no_crs(name: str) -> bool:
    """Whether a CRS's name says there is none: a GeoPackage written without a CRS declares
    "Undefined geographic SRS" (srs_id 0) or "Undefined Cartesian SRS" (-1), which QGIS and
    PROJ read as longitude/latitude on WGS 84 and as a CRS no transformation reaches."""
    return name.strip().lower().startswith("undefined")


def guessed_datum(source: CRS, target: CRS) -> str | None:
    """The datum PROJ can only move to the target's by a guess ("ballpark": no shift at all)
    although it lies on another ellipsoid, e.g. Beijing 1954 (Krassowsky) or Xian 1980 (IAG
    1975), whose offsets from CGCS2000 are metres to tens of metres and need the bureau's own
    parameters; None when the move is known. A ballpark between datums on the same ellipsoid
    is no guess that matters: WGS 84 stays within about a metre of CGCS2000 (the accepted
    practice for GPS), and a hand-made CRS on GRS80 ("unknown" datum) is CGCS2000 in effect."""
    description = Transformer.from_crs(source, target, always_xy=True).description or ""
    ballpark = "Ballpark geographic offset from "
    steps = [step for step in description.split(" + ") if step.startswith(ballpark)]
    if not steps or _same_ellipsoid(source, target):
        return None
    datum = steps[0].removeprefix(ballpark).split(" to ")[0]
    return datum if datum and datum != "unknown" else source.ellipsoid.name


def _same_ellipsoid(first: CRS, second: CRS) -> bool:
    """Within 1 m in the semi-major axis and 0.01 in the inverse flattening (GRS80 and the
    CGCS2000 and WGS 84 ellipsoids differ by far less; Krassowsky by 108 m)."""
    a, b = first.ellipsoid, second.ellipsoid
    if a is None or b is None:
        return False
    return (
        abs(a.semi_major_metre - b.semi_major_metre) < 1.0
        and abs(a.inverse_flattening - b.inverse_flattening) < 0.01
    )


def to_crs(
    geoms: np.ndarray, source: CRS, target: CRS, source_boxes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(geometries in target, 2D; index of those whose coordinates could not be transformed;
    index of the input geometries returned).

    Polygon rings are densified first (see the module's note) unless the transform is affine
    (see is_affine). Geometries whose coordinates cannot be in the source CRS (outside China
    once read in it: crs_misfits without the zone rule, since spots measured in the zone of
    most of them may lie a zone or two away) are not densified: their vertices alone are
    moved, for the caller to refuse. source_boxes (minx, miny, maxx, maxy rows in source, as
    boxes_in_source gives them): only geometries whose bounds meet one of them are transformed
    and returned, a district's parcels near its spots, not all of them."""
    geoms = np.asarray(geoms, dtype=object)
    kept = np.arange(len(geoms))
    if source_boxes is not None:
        kept = near(geoms, source_boxes)
        geoms = geoms[kept]
    transformer = Transformer.from_crs(source, target, always_xy=True)
    if not is_affine(transformer):
        misfit = misfits(geoms, source, zone_offset=None)
        geoms = geoms.copy()
        fit = np.setdiff1d(np.arange(len(geoms)), misfit)
        geoms[fit] = densify_polygon_rings(geoms[fit], densify_step(source))

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    moved = shapely.transform(geoms, project)
    coords, owner = shapely.get_coordinates(moved, return_index=True)
    failed = np.unique(owner[~np.all(np.isfinite(coords), axis=1)])
    return moved, kept[failed], kept


def misfits(geoms: np.ndarray, crs: CRS, zone_offset: float | None = 3.0) -> np.ndarray:
    """Index of the geometries whose coordinates do not fit crs (core.areas.crs_misfits,
    zone_offset as there), judged by the corners of their bounding boxes: a feature is one
    place, and two points of it are enough to tell metres from degrees. Geometries without
    coordinates, or with some that are not numbers (said elsewhere), are left out."""
    with np.errstate(invalid="ignore"):  # an empty part gives NaN bounds: left out below
        bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    rows = np.flatnonzero(np.all(np.isfinite(bounds), axis=1))
    if len(rows) == 0:
        return rows
    corners = np.vstack([bounds[rows, :2], bounds[rows, 2:]])
    wrong = areas.crs_misfits(corners, crs, zone_offset).reshape(2, -1).any(axis=0)
    return rows[wrong]


def _segmentized(ring, step: float):
    try:
        return shapely.segmentize(ring, step)
    except shapely.errors.GEOSException:
        return ring


def near(geoms: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Index of the geometries whose bounds meet one of the boxes."""
    bounds = shapely.bounds(geoms)
    valid = np.flatnonzero(np.all(np.isfinite(bounds), axis=1))
    if len(valid) == 0 or len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    tree = shapely.STRtree(shapely.box(*np.asarray(boxes).T))
    hit = tree.query(shapely.box(*bounds[valid].T), predicate="intersects")[0]
    return valid[np.unique(hit)]
