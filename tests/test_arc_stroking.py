"""Curved spots straightened as they are read, by the ledger's import (core.spot_files) and by
screening (processing.layer_reader), in a layer in metres (EPSG:4527) and one in degrees
(EPSG:4490): the area to the cent of the circle segment drawn, counted independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingFeatureSource,
    QgsVectorLayer,
)

from zc_enforcement_plugin.core import spot_files
from zc_enforcement_plugin.core.spot_files import read_spot_file
from zc_enforcement_plugin.processing.layer_reader import read_source

LEDGER_CRS = "EPSG:4527"
# (CRS, centre, radius) of a 120° arc closed by its chord, some 400 m across, in Zichuan.
SEGMENTS = {
    "metres": ("EPSG:4527", (39_580_000.0, 4_050_000.0), 400.0),
    "degrees": ("EPSG:4490", (117.95, 36.60), 0.004),
}
ARC_FROM, ARC_TO = 30.0, 150.0  # degrees round the centre
TOLERANCE_M2 = 0.01  # a cent of a square metre, as TBMJ is given
# The gap an arc may leave from its straight segments, in the layer's units (0.01 mm).
SAG = {"metres": spot_files.ARC_SAG_M, "degrees": spot_files.ARC_SAG_DEGREES}


def _point(centre, radius, angle):
    return (
        centre[0] + radius * math.cos(math.radians(angle)),
        centre[1] + radius * math.sin(math.radians(angle)),
    )


def curved_segment_file(path, crs: str, centre, radius, declared=None) -> str:
    """A GeoPackage of one CurvePolygon: the circular arc ARC_FROM..ARC_TO closed by its chord,
    in a layer declared CurvePolygon (or `declared`, an OGR geometry type)."""
    from osgeo import ogr, osr

    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(int(crs.split(":")[1]))
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # x is the longitude
    layer = source.CreateLayer("curved", srs, ogr.wkbCurvePolygon if declared is None else declared)
    layer.CreateField(ogr.FieldDefn("JCBH", ogr.OFTString))
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetField("JCBH", "C1")
    feature.SetGeometry(ogr.CreateGeometryFromWkt(f"CURVEPOLYGON{segment_rings(centre, radius)}"))
    layer.CreateFeature(feature)
    source = None  # written
    return str(path)


def segment_rings(centre, radius) -> str:
    """The WKT rings of a CurvePolygon: the arc ARC_FROM..ARC_TO closed by its chord."""
    start, middle, end = (
        _point(centre, radius, a) for a in (ARC_FROM, (ARC_FROM + ARC_TO) / 2, ARC_TO)
    )
    arc = ",".join(f"{x!r} {y!r}" for x, y in (start, middle, end))
    chord = ",".join(f"{x!r} {y!r}" for x, y in (end, start))
    return f"(COMPOUNDCURVE(CIRCULARSTRING({arc}),({chord})))"


def true_segment(crs: str, centre, radius) -> shapely.Polygon:
    """The circle segment as drawn, in the ledger's CRS, from its own geometry rather than the
    plugin's: in metres exactly (its area is r²/2 (θ − sin θ)); in degrees a ring of 200,000
    points on the arc and the chord, each brought over by PROJ, whose straight pieces stray
    from the true shape by far less than a cent."""
    count = 100_000
    angles = np.radians(np.linspace(ARC_FROM, ARC_TO, count))
    arc = np.column_stack(
        [centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)]
    )
    chord = np.linspace(arc[-1], arc[0], count)[1:-1]
    ring = np.vstack([arc, chord])
    if crs != LEDGER_CRS:
        to_ledger = Transformer.from_crs(crs, LEDGER_CRS, always_xy=True)
        ring = np.column_stack(to_ledger.transform(ring[:, 0], ring[:, 1]))
    return shapely.Polygon(ring)


def exact_area(crs: str, centre, radius) -> float:
    """The segment's area in m² of the ledger's CRS: by formula in metres, else from the ring."""
    if crs == LEDGER_CRS:
        angle = math.radians(ARC_TO - ARC_FROM)
        return radius**2 / 2 * (angle - math.sin(angle))
    return true_segment(crs, centre, radius).area


def most_vertices(units: str) -> float:
    """Twice the vertices the arc needs to stay within SAG of it (steps of angle
    2·acos(1 − sag/r)), the chord's few aside: an outline finer than that measures nothing
    more and weighs on every overlay and in the ledger."""
    _crs, _centre, radius = SEGMENTS[units]
    step = 2 * math.acos(1 - SAG[units] / radius)
    return 2 * math.radians(ARC_TO - ARC_FROM) / step + 1000


def check_straightened(geometry, units: str) -> None:
    """Within a cent of the segment's area, with no more vertices than most_vertices."""
    crs, centre, radius = SEGMENTS[units]
    exact = exact_area(crs, centre, radius)
    assert abs(geometry.area - exact) <= TOLERANCE_M2, (geometry.area, exact)
    vertices = shapely.get_num_coordinates(geometry)
    assert vertices <= most_vertices(units), (vertices, most_vertices(units))


@pytest.mark.parametrize("units", SEGMENTS)
def test_the_ledger_import_straightens_an_arc_to_the_cent(tmp_path, units):
    """importspots reads a curved spot through core.spot_files. Found by this test: GDAL's
    OGR_ARC_MAX_GAP, which bounded the sag of a large arc, strokes no GeoPackage curve, so a
    120° arc of 400 m radius was stored 0.11 m² short (2.8 m² at 2 km). Kills the mutants that
    give a layer in degrees the tolerance in metres (1e-5°, a metre: the area off by m²) and
    a layer in metres the one in degrees (1e-10 m: GDAL's finest steps, 0.01°, 12,000 vertices
    where 4,700 keep the sag)."""
    crs, centre, radius = SEGMENTS[units]
    path = curved_segment_file(tmp_path / f"{units}.gpkg", crs, centre, radius)
    [record], report = read_spot_file(path)
    assert report.source_crs.upper().endswith(crs.split(":")[1]), report.source_crs
    check_straightened(record.geometry, units)


@pytest.mark.parametrize("units", SEGMENTS)
def test_screening_straightens_an_arc_to_the_cent(qgis_app, tmp_path, units):
    """screenspots reads a curved spot through QGIS (layer_reader: segmentize with the maximum
    difference ARC_SAG_M, ARC_SAG_DEGREES in a geographic layer). Kills the mutants that swap
    the two tolerances: in degrees the area off by m², in metres 1.5 million vertices."""
    crs, centre, radius = SEGMENTS[units]
    path = curved_segment_file(tmp_path / f"{units}.gpkg", crs, centre, radius)
    layer = QgsVectorLayer(f"{path}|layername=curved", "curved", "ogr")
    assert layer.isValid() and layer.crs().authid() == crs
    context = QgsProcessingContext()
    source = QgsProcessingFeatureSource(layer, context)
    arrays = read_source(
        source,
        "curved",
        ["JCBH"],
        QgsCoordinateReferenceSystem(LEDGER_CRS),
        whole_file_layer=layer,
    )
    [geometry] = arrays.geoms
    check_straightened(geometry, units)


def test_a_curve_in_a_layer_declared_generic_geometry_is_straightened_to_the_cent(tmp_path):
    """A GeoPackage layer declared plain GEOMETRY (ogr.wkbUnknown) may hold a CurvePolygon:
    its declared type says nothing of arcs, so its features are looked at one by one. Kills
    the mutant that skips every layer whose declared type is not a curve (127 m² short)."""
    from osgeo import ogr

    crs, centre, radius = SEGMENTS["metres"]
    path = curved_segment_file(tmp_path / "generic.gpkg", crs, centre, radius, ogr.wkbUnknown)
    [record], _report = read_spot_file(path)
    check_straightened(record.geometry, "metres")


# A MultiSurface spot: a small segment (5 m radius) first, then the 400 m one, 1 km east.
SMALL_RADIUS = 5.0


def test_a_multisurface_spot_is_straightened_for_its_largest_arc_in_any_part(tmp_path):
    """The step is chosen for the largest arc of the whole feature, not of its first part: a
    step fit for a 5 m arc leaves the 400 m arc of the second part 0.44 m² short."""
    from osgeo import ogr, osr

    crs, centre, radius = SEGMENTS["metres"]
    small_centre = (centre[0] - 1000.0, centre[1])
    path = tmp_path / "multi.gpkg"
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(int(crs.split(":")[1]))
    layer = source.CreateLayer("curved", srs, ogr.wkbMultiSurface)
    layer.CreateField(ogr.FieldDefn("JCBH", ogr.OFTString))
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetField("JCBH", "M1")
    parts = ",".join(
        f"CURVEPOLYGON{segment_rings(c, r)}"
        for c, r in ((small_centre, SMALL_RADIUS), (centre, radius))
    )
    feature.SetGeometry(ogr.CreateGeometryFromWkt(f"MULTISURFACE({parts})"))
    layer.CreateFeature(feature)
    source = None  # written
    [record], _report = read_spot_file(str(path))
    exact = exact_area(crs, small_centre, SMALL_RADIUS) + exact_area(crs, centre, radius)
    assert abs(record.geometry.area - exact) <= TOLERANCE_M2, (record.geometry.area, exact)


def test_the_largest_arc_of_a_circular_string_is_found_past_its_first():
    """A circular string of two arcs, a 5 m one then a 400 m one sharing its end: the radius
    asked for is the larger, read from every arc (points 0-1-2, then 2-3-4)."""
    from osgeo import ogr

    small = [_point((0.0, 0.0), SMALL_RADIUS, a) for a in (0.0, 45.0, 90.0)]
    # The large circle passes through the small arc's end, its centre straight below it.
    large_centre = (small[-1][0], small[-1][1] - 400.0)
    large = [_point(large_centre, 400.0, a) for a in (90.0, 100.0, 110.0)]
    points = ",".join(f"{x!r} {y!r}" for x, y in small + large[1:])
    string = ogr.CreateGeometryFromWkt(f"CIRCULARSTRING({points})")
    assert spot_files._largest_arc_radius(string) == pytest.approx(400.0, rel=1e-9)
