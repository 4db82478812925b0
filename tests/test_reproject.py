"""core.reproject: layers in another CRS keep the shape of their polygon edges (no QGIS)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

import zc_enforcement_plugin
from zc_enforcement_plugin.core import reproject

LON_LAT, ZONE_39, ZONE_39_UNPREFIXED = CRS(4490), CRS(4527), CRS(4548)


def test_rings_are_densified_as_lines_keeping_bow_ties_holes_and_types():
    geoms = np.array(
        [
            shapely.from_wkt("POLYGON((0 0,10 10,10 0,0 10,0 0))"),  # a bow-tie
            shapely.from_wkt(
                "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1)),((5 5,6 5,6 6,5 5)))"
            ),
            shapely.from_wkt("LINESTRING Z (0 0 1, 10 0 1)"),
            shapely.from_wkt("POINT (1 2)"),
            shapely.from_wkt("POLYGON EMPTY"),
            None,
        ],
        dtype=object,
    )
    out = reproject.densify_polygon_rings(geoms, 1.0)
    assert shapely.get_type_id(out).tolist() == shapely.get_type_id(geoms).tolist()
    # GEOS's own densify of a polygon goes through buffer(0) and keeps one triangle.
    repaired = shapely.make_valid(out[0])
    assert repaired.area == pytest.approx(shapely.make_valid(geoms[0]).area) == pytest.approx(50)
    assert shapely.get_num_coordinates(out[0]) > 40
    assert out[1].area == pytest.approx(16.0) and len(out[1].geoms[0].interiors) == 1
    assert out[2].equals(geoms[2]) and out[3].equals(geoms[3])
    assert out[4].is_empty and out[5] is None
    ring = shapely.get_coordinates(out[1].geoms[0].exterior)
    assert np.hypot(*np.diff(ring, axis=0).T).max() <= 1.0 + 1e-9


@pytest.mark.parametrize(
    ("source", "target", "affine"),
    [
        (4548, 4527, True),  # the zone prefix added
        (4549, 4528, True),
        (4527, 4527, True),
        (4490, 4527, False),  # longitude/latitude
        (32650, 4527, False),  # UTM on WGS 84: another scale and ellipsoid, not a shift
        (3857, 4527, False),
    ],
)
def test_only_a_shift_or_scale_of_one_projection_counts_as_affine(source, target, affine):
    transformer = Transformer.from_crs(CRS(source), CRS(target), always_xy=True)
    assert reproject.is_affine(transformer) is affine


def test_a_small_lon_lat_polygon_is_densified_too():
    # Found by review: judged affine from its small extent, a 60 m triangle was left as it was
    # and its area moved by 0.004 m², depending on which other spots were in the batch.
    triangle = shapely.Polygon([(117.9, 36.6), (117.9006, 36.6), (117.9, 36.60065)])
    (moved,), _, _ = reproject.to_crs(np.array([triangle]), LON_LAT, ZONE_39)
    assert shapely.get_num_coordinates(moved) > 20


def test_degenerate_rings_and_polygons_in_collections():
    # Found by review: a ring of one repeated point made GEOS stop the whole run, and a
    # polygon inside a collection (a layer of type GEOMETRY) was not densified.
    collapsed = shapely.from_wkt("POLYGON((5 5,5 5,5 5,5 5))")
    holed = shapely.from_wkt("POLYGON((0 0,20 0,20 20,0 20,0 0),(3 3,3 3,3 3,3 3))")
    collection = shapely.from_wkt("GEOMETRYCOLLECTION(POLYGON((0 0,20 0,20 20,0 0)),POINT(1 1))")
    out = reproject.densify_polygon_rings(np.array([collapsed, holed, collection]), 1.0)
    assert shapely.get_num_coordinates(out[0]) == 4
    assert out[1].area == pytest.approx(400.0) and shapely.get_num_coordinates(out[1]) > 80
    assert out[2].geom_type == "GeometryCollection" and len(out[2].geoms) == 2
    assert shapely.get_num_coordinates(out[2].geoms[0]) > 60


def test_a_lon_lat_polygon_gets_the_area_of_its_lon_lat_edges():
    square = shapely.box(117.9, 36.6, 117.96, 36.66)  # edges of 5-7 km
    (moved,), failed, kept = reproject.to_crs(np.array([square]), LON_LAT, ZONE_39)
    assert len(failed) == 0 and kept.tolist() == [0]
    to_lon_lat = Transformer.from_crs(ZONE_39, LON_LAT, always_xy=True)
    back = shapely.transform(
        shapely.segmentize(moved, 0.5), lambda c: np.column_stack(to_lon_lat.transform(*c.T))
    )
    geod = Geod(ellps="GRS80")
    fine = shapely.segmentize(square, 1e-6)
    # The moved outline, taken back, encloses what the lon/lat square does, to 0.05 m²
    # in 36 km² (vertices alone would be 3.5 m² short here).
    assert abs(geod.geometry_area_perimeter(back)[0]) == pytest.approx(
        abs(geod.geometry_area_perimeter(fine)[0]), abs=0.05
    )


def test_only_geometries_near_the_boxes_are_moved_and_a_bad_one_is_named():
    to_gk = Transformer.from_crs(LON_LAT, ZONE_39, always_xy=True)
    near_spot = shapely.box(117.9, 36.6, 117.901, 36.601)
    far_away = shapely.box(118.4, 36.9, 118.401, 36.901)
    x, y = to_gk.transform(117.9005, 36.6005)
    boxes = np.array([[x - 10, y - 10, x + 10, y + 10]])
    moved, failed, kept = reproject.to_crs(
        np.array([far_away, near_spot, None], dtype=object),
        LON_LAT,
        ZONE_39,
        reproject.boxes_in_source(boxes, LON_LAT, ZONE_39),
    )
    assert kept.tolist() == [1] and len(failed) == 0
    assert moved[0].contains(shapely.Point(x, y))
    out_of_range = shapely.Point(-1609.0, 50.97)  # no longitude
    _, failed, _ = reproject.to_crs(np.array([out_of_range, near_spot]), LON_LAT, ZONE_39)
    assert failed.tolist() == [0]


X0, Y0 = 39_580_000.0, 4_050_000.0  # EPSG:4527, in Zichuan


@pytest.mark.parametrize(
    "point, crs, fits",
    [
        ((117.9, 36.6), 4490, True),
        ((117.9, 36.6), 4527, False),  # degrees declared as zone 39 metres
        ((X0, Y0), 4527, True),
        ((X0, Y0), 4490, False),  # zone 39 metres declared as degrees
        ((X0 - 39_000_000, Y0), 4548, True),
        ((X0 - 39_000_000, Y0), 4527, False),  # the zone prefix missing
        ((X0 + 1_000_000, Y0), 4527, False),  # zone 40's prefix: 11° east of 117°
        ((587_000.0, 4_053_000.0), 32650, True),  # UTM 50N, in Zichuan
        ((117.9, 36.6), 32650, False),
    ],
)
def test_geometries_whose_coordinates_do_not_fit_their_crs_are_found(point, crs, fits):
    """The rule screening holds spots to, for any layer: a 10 m square at the point."""
    x, y = point
    square = shapely.box(x, y, x + (1e-4 if crs == 4490 else 10), y + 1e-4)
    geoms = np.array([square, None, shapely.Polygon()], dtype=object)
    assert reproject.misfits(geoms, CRS(crs)).tolist() == ([] if fits else [0])


RUN_TO_CRS_IN_4_GB = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
sys.path.insert(0, sys.argv[1])
import numpy as np, shapely
from pyproj import CRS
from zc_enforcement_plugin.core import reproject
square = shapely.box(39_580_000.0, 4_050_000.0, 39_581_000.0, 4_051_000.0)
moved, failed, kept = reproject.to_crs(np.array([square], dtype=object), CRS(4490), CRS(4527))
print("POINTS", shapely.get_num_coordinates(moved[0]), "FAILED", failed.tolist())
"""


def test_metres_declared_as_degrees_are_not_densified(tmp_path):
    """A 1 km square of zone 39 metres declared EPSG:4490 is 1,000 "degrees" a side: cut every
    5 m, 89 million points, which took all the machine's memory. Run with 4 GB of address
    space, in a process of its own: were the guard gone, that process dies, not the tests."""
    script = tmp_path / "to_crs.py"
    script.write_text(RUN_TO_CRS_IN_4_GB, encoding="utf-8")
    plugin_root = str(Path(zc_enforcement_plugin.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, str(script), plugin_root], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "POINTS 5 FAILED [0]" in done.stdout, done.stdout


def test_no_geometry_is_densified_into_more_points_than_the_cap(monkeypatch):
    """Whatever a layer holds, densifying stays within bounds: a boundary too long for
    MAX_DENSIFIED_VERTICES pieces of 5 m is cut into that many longer ones. Others keep 5 m."""
    monkeypatch.setattr(reproject, "MAX_DENSIFIED_VERTICES", 1000)
    step = reproject.densify_step(LON_LAT)
    large = shapely.box(117.9, 36.6, 118.0, 36.7)  # 0.4° of boundary: 8,900 pieces of 5 m
    small = shapely.box(117.9, 36.6, 117.901, 36.601)
    out = reproject.densify_polygon_rings(np.array([large, small], dtype=object), step)
    assert 900 <= shapely.get_num_coordinates(out[0]) <= 1000 + 5
    assert out[0].area == pytest.approx(large.area, rel=1e-12)
    ring = shapely.get_coordinates(out[1].exterior)
    assert np.hypot(*np.diff(ring, axis=0).T).max() <= step * (1 + 1e-9)
