"""screenspots on messy input (found by an adversarial review): numeric class codes, text ridge
coefficients, coordinates that do not fit their CRS, long hit lists, line layers, a stale
GeoPackage R-tree, unreadable layer objects, stray geographic spots, spots without numbers,
Shapefile output names, repaired parcels and CRSs without an EPSG code."""

from __future__ import annotations

import json
import sqlite3
import struct

import numpy as np
import pyproj
import pytest
import shapely
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from tests import paper
from tests.processing_child import run_in_child
from tests.screening_layers import (
    X0,
    Y0,
    by_key,
    memory_layer,
    rectangle,
    square,
    write_gpkg,
)
from zc_enforcement_plugin.core import areas, domain

SPOT_FIELDS = f"field={domain.SPOT_NUMBER}:string(20)"


class Log(QgsProcessingFeedback):
    """Every message a run gives: errors and warnings (reportError) and information."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []  # all, in order
        self.errors, self.warnings, self.infos = [], [], []  # by level

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.messages.append(error)
        self.errors.append(error)

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        self.messages.append(warning)
        self.warnings.append(warning)

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        self.messages.append(info)
        self.infos.append(info)


def run(parameters: dict, log: Log | None = None) -> dict:
    import processing

    return processing.run(
        "zcenforcement:screenspots", {"OUTPUT": "memory:", **parameters}, feedback=log or Log()
    )


def bowtie(x, y, size):
    """A self-intersecting square (its diagonals drawn as edges)."""
    x, y = x + X0, y + Y0
    return f"POLYGON(({x} {y},{x + size} {y + size},{x + size} {y},{x} {y + size},{x} {y}))"


def lon_lat_square(lon, lat, size=0.001):
    return (
        f"POLYGON(({lon} {lat},{lon + size} {lat},{lon + size} {lat + size},"
        f"{lon} {lat + size},{lon} {lat}))"
    )


def gpkg_blob(wkt: str, srs_id: int) -> bytes:
    """A GeoPackage geometry blob without envelope: 'GP', version 0, flags (little-endian),
    srs_id, then WKB."""
    wkb = shapely.to_wkb(shapely.from_wkt(wkt), byte_order=1)
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + wkb


# --- 1. numeric DLBM ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["integer", "double", "string"])
def test_class_codes_stored_as_numbers_are_read_as_four_digit_codes_with_a_warning(provider, kind):
    spots = memory_layer(
        [(square(0, 0, 100), ["PADDY"]), (square(200, 0, 100), ["ORCHARD"])], SPOT_FIELDS
    )
    # 0101 (paddy) stored as 101 and 0201 (orchard) as 201: the leading zero is lost.
    parcels = memory_layer(
        [(rectangle(-10, -10, 110, 110), [101]), (rectangle(190, -10, 310, 110), [201])],
        f"field={domain.LAND_CLASS_CODE}:{kind}",
        name="dltb_numbers",
    )
    log = Log()
    out = by_key(run({"SPOTS": spots, "LAND_USE": parcels, "AREA_METHOD": 1}, log)["OUTPUT"])

    paddy, orchard = out["PADDY"], out["ORCHARD"]
    assert paddy[domain.SPOT_AREA] == 10000
    assert paddy[domain.CULTIVATED_AREA] == paddy[domain.SPOT_AREA]
    assert paddy[domain.CONSTRUCTION_AREA] == 0 and paddy[domain.AGRICULTURAL_AREA] == 0
    assert orchard[domain.AGRICULTURAL_AREA] == orchard[domain.SPOT_AREA] == 10000
    assert orchard[domain.CULTIVATED_AREA] == 0 and orchard[domain.CONSTRUCTION_AREA] == 0
    warnings = [m for m in log.messages if "dltb_numbers" in m and domain.LAND_CLASS_CODE in m]
    assert len(warnings) == 2, log.messages
    assert "0101" in warnings[0]
    assert warnings[0] in log.warnings  # read right: a warning; the 20x doubt stays an error
    assert warnings[1] in log.errors
    assert "0201" in warnings[1] and "20x" in warnings[1]  # 201 might have been the 20x code


def test_deducting_ridges_without_a_kcxs_field_stops_naming_the_layer_and_field(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(square(-10, -10, 200), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string", name="dltb"
    )
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "LAND_USE": parcels, "DEDUCT_RIDGES": True})
    message = str(error.value)
    assert "dltb" in message and domain.RIDGE_COEFFICIENT in message, message


# --- 2. text KCXS --------------------------------------------------------------------------------
def test_text_ridge_coefficients_are_used_or_reported_by_spot_never_a_traceback(provider):
    spots = memory_layer(
        [
            (square(0, 0, 100), ["POINT_ONE"]),
            (square(200, 0, 100), ["COMMA"]),
            (square(400, 0, 100), ["NULL_K"]),
        ],
        SPOT_FIELDS,
    )
    parcels = memory_layer(
        [
            (rectangle(-10, -10, 110, 110), ["0101", "0.1"]),
            (rectangle(190, -10, 310, 110), ["0103", "0,05"]),
            (rectangle(390, -10, 510, 110), ["0102", None]),
        ],
        f"field={domain.LAND_CLASS_CODE}:string&field={domain.RIDGE_COEFFICIENT}:string",
        name="dltb_kcxs",
    )
    fid = {f[domain.LAND_CLASS_CODE]: f.id() for f in parcels.getFeatures()}
    log = Log()
    out = by_key(
        run({"SPOTS": spots, "LAND_USE": parcels, "DEDUCT_RIDGES": True, "AREA_METHOD": 1}, log)[
            "OUTPUT"
        ]
    )
    # "0.1": a tenth of the cultivated land is ridges, which count as other agricultural land.
    assert out["POINT_ONE"][domain.CULTIVATED_AREA] == 9000
    assert out["POINT_ONE"][domain.AGRICULTURAL_AREA] == 1000
    # "0,05" and NULL count as 0: nothing deducted, each spot named in a message.
    for key in ("COMMA", "NULL_K"):
        assert out[key][domain.CULTIVATED_AREA] == out[key][domain.SPOT_AREA] == 10000
        assert out[key][domain.AGRICULTURAL_AREA] == 0
        named = [m for m in log.messages if key in m and domain.RIDGE_COEFFICIENT in m]
        assert len(named) == 1, log.messages
        assert "为空或不是数字" in named[0] and "按 0 处理" in named[0]
    # Each message names the parcel to correct and the value found there.
    assert [m for m in log.messages if "COMMA" in m and f"0103（fid {fid['0103']}） 为“0,05”" in m]
    assert [m for m in log.messages if "NULL_K" in m and f"0102（fid {fid['0102']}） 为空" in m]
    assert not [m for m in log.messages if "POINT_ONE" in m]
    assert not [m for m in log.messages if "Traceback" in m]


# --- 3. zone prefix -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dx", [X0 - 39_000_000, X0 + 1_000_000], ids=["no zone prefix", "zone 40 prefix"]
)
def test_spots_whose_x_does_not_fit_epsg_4527_stop_the_run_naming_the_spot(provider, dx):
    spots = memory_layer(
        [(square(0, 0, 100), ["FITS"]), (square(300, 0, 100, dx=dx), ["MISFIT"])],
        SPOT_FIELDS,
        name="spots_4527",
    )
    for method in (0, 1):
        with pytest.raises(QgsProcessingException) as error:
            run({"SPOTS": spots, "AREA_METHOD": method})
        message = str(error.value)
        assert "spots_4527" in message and "MISFIT" in message, message
        assert "FITS" not in message.replace("MISFIT", "")
        assert "Traceback" not in message


def test_zone_prefixed_coordinates_under_a_six_degree_crs_stop_saying_they_do_not_fit(provider):
    """Zone-39 coordinates (x ≈ 39,580,000) in a layer saying EPSG:4498, the 6° zone 20: no
    longitude comes of them, and the run stopped with "no valid centre to choose the zone"
    (the review of 2026-11-29). It says the coordinates do not fit the layer's CRS, naming
    the layer and the CRS."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS, crs="EPSG:4498", name="gk6")
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots})
    message = str(error.value)
    assert "gk6" in message and "EPSG:4498" in message, message
    assert "do not fit that CRS" in message and "坐标与该坐标系不符" in message


# --- 4. long hit lists and notes ---------------------------------------------------------------
def approvals_side_by_side(numbers: list[str]):
    """One 10 m x 50 m approval per number, in a row from the origin, in layer "pzyd"."""
    return memory_layer(
        [(rectangle(i * 10, 0, i * 10 + 10, 50), [number]) for i, number in enumerate(numbers)],
        f"field={domain.APPROVAL_NUMBER}:string",
        name="pzyd",
    )


def test_a_spot_hit_by_forty_approvals_gets_a_list_cut_with_the_count(provider):
    numbers = [f"淄自然资批字〔2024〕第{i:03d}号" for i in range(40)]
    spots = memory_layer([(square(0, 0, 400), ["S1"]), (square(1000, 0, 10), ["S2"])], SPOT_FIELDS)
    approvals = approvals_side_by_side(numbers)
    out = by_key(run({"SPOTS": spots, "APPROVALS": approvals, "AREA_METHOD": 1})["OUTPUT"])
    hits = out["S1"]["PZWH"]
    assert len(";".join(numbers)) > 254  # the whole list would not fit
    assert len(hits) <= domain.TEXT_FIELD_LENGTH
    assert hits.endswith(";…等 40 项"), hits
    kept = hits.split(";")[:-1]
    assert kept and kept == sorted(numbers)[: len(kept)]  # whole numbers, none cut in the middle
    assert out["S1"][domain.APPROVED_AREA] == 40 * 500
    assert not out["S2"]["PZWH"]


def test_a_cut_list_of_labels_holding_the_separator_keeps_whole_labels_and_their_count(provider):
    # Found by review: the cut split the joined text again at ';', so a number holding ';'
    # counted twice and could be cut in its middle.
    numbers = [f"淄自然资批字〔2024〕第{i:03d};{i + 100:03d}号" for i in range(40)]
    spots = memory_layer([(square(0, 0, 400), ["S1"])], SPOT_FIELDS)
    approvals = approvals_side_by_side(numbers)
    out = by_key(run({"SPOTS": spots, "APPROVALS": approvals, "AREA_METHOD": 1})["OUTPUT"])
    hits = out["S1"]["PZWH"]
    assert len(hits) <= domain.TEXT_FIELD_LENGTH
    assert hits.endswith(";…等 40 项"), hits
    shown = hits.removesuffix(";…等 40 项")
    whole = sorted(numbers)
    kept = [k for k in range(1, 41) if ";".join(whole[:k]) == shown]
    assert kept, hits  # a run of whole numbers, none cut in the middle


def test_in_a_shapefile_the_cut_list_fits_254_bytes_and_keeps_its_count(provider, tmp_path):
    from qgis.core import QgsVectorLayer

    numbers = [f"淄自然资批字〔2024〕第{i:03d}号" for i in range(40)]
    spots = memory_layer([(square(0, 0, 400), ["S1"])], SPOT_FIELDS)
    approvals = approvals_side_by_side(numbers)
    path = str(tmp_path / "screened.shp")
    log = Log()
    run({"SPOTS": spots, "APPROVALS": approvals, "AREA_METHOD": 1, "OUTPUT": path}, log)
    assert any(";".join(sorted(numbers)) in message for message in log.messages)  # all of it
    (feature,) = QgsVectorLayer(path, "out", "ogr").getFeatures()
    hits = feature["PZWH"]
    assert len(hits.encode("utf-8")) <= 254  # what a DBF field holds
    assert hits.endswith(";…等 40 项"), hits  # not cut again by GDAL in the middle
    kept = hits.split(";")[:-1]
    assert kept and kept == sorted(numbers)[: len(kept)]


def test_a_spot_over_ten_invalid_parcels_gets_a_cut_note_and_the_whole_note_in_the_log(provider):
    spots = memory_layer([(square(0, 0, 220), ["S1"]), (square(1000, 0, 10), ["S2"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(bowtie(i * 20, 0, 20), ["0101"]) for i in range(10)],
        f"field={domain.LAND_CLASS_CODE}:string",
        name="dltb",
    )
    fids = sorted(f.id() for f in parcels.getFeatures())
    log = Log()
    out = by_key(run({"SPOTS": spots, "LAND_USE": parcels}, log)["OUTPUT"])
    note = out["S1"][domain.GEOMETRY_NOTE]
    assert note and len(note) <= domain.TEXT_FIELD_LENGTH
    assert note.endswith("；…等 10 项"), note  # notes are prose: full-width semicolons
    whole = [m for m in log.messages if "S1" in m and all(f"（fid {fid}）" in m for fid in fids)]
    assert len(whole) == 1, log.messages
    assert whole[0].split(" / ")[0].count("几何无效已修复") == 10  # each half has it whole
    assert not out["S2"][domain.GEOMETRY_NOTE]


# --- 5. line layers -----------------------------------------------------------------------------
def test_a_red_line_layer_of_lines_is_refused_by_name(provider, tmp_path):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    ring = (
        f"LINESTRING({X0 - 10} {Y0 - 10},{X0 + 110} {Y0 - 10},{X0 + 110} {Y0 + 110},"
        f"{X0 - 10} {Y0 + 110},{X0 - 10} {Y0 - 10})"
    )
    lines = memory_layer(
        [(ring, ["HX-1"])],
        f"field={domain.RED_LINE_CODE}:string",
        name="sthx_lines",
        kind="LineString",
    )
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "RED_LINE": lines})
    message = str(error.value)
    assert "sthx_lines" in message, message
    assert "polygons" in message or "面要素" in message, message


# --- 6. stale R-tree ----------------------------------------------------------------------------
def test_a_row_missing_from_the_geopackage_rtree_is_still_screened(provider, tmp_path):
    farmland = memory_layer(
        [(square(0, 0, 50), ["B1"]), (square(5000, 5000, 50), ["B2"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
        name="yjjbnt",
    )
    path = write_gpkg(farmland, tmp_path / "yjjbnt.gpkg")
    with sqlite3.connect(path) as conn:
        table, column, srs_id = conn.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns"
        ).fetchone()
        triggers = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'rtree%insert%'"
            )
        ]
        assert triggers
        for trigger in triggers:  # a tool that writes the table without the GeoPackage triggers
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.execute(
            f'INSERT INTO "{table}" ("{column}", "{domain.BASIC_FARMLAND_NUMBER}") VALUES (?, ?)',
            (gpkg_blob(square(200, 0, 50), srs_id), "B3"),
        )
        rtree_rows = conn.execute(f'SELECT count(*) FROM "rtree_{table}_{column}"').fetchone()[0]
    conn.close()
    assert rtree_rows == 2  # B3 is in the table but not in its R-tree

    uri = f"{path}|layername={table}"
    in_memory = QgsVectorLayer(uri, "yjjbnt", "ogr").materialize(QgsFeatureRequest())
    assert sorted(f[domain.BASIC_FARMLAND_NUMBER] for f in in_memory.getFeatures()) == [
        "B1",
        "B2",
        "B3",
    ]
    spots = memory_layer([(square(0, 0, 100), ["S1"]), (square(200, 0, 100), ["S2"])], SPOT_FIELDS)
    from_file = by_key(run({"SPOTS": spots, "BASIC_FARMLAND": uri, "AREA_METHOD": 1})["OUTPUT"])
    from_memory = by_key(
        run({"SPOTS": spots, "BASIC_FARMLAND": in_memory, "AREA_METHOD": 1})["OUTPUT"]
    )
    assert from_memory["S2"][domain.BASIC_FARMLAND_AREA] == 2500  # B3 lies on S2
    for key in ("S1", "S2"):
        assert from_file[key].attributes() == from_memory[key].attributes(), key


# --- 7. unreadable layer objects ----------------------------------------------------------------
BROKEN_LAYER_CASE = """
from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
text_file, parameter = args
spots = QgsVectorLayer("MultiPolygon?crs=EPSG:4527&field=JCBH:string", "spots", "memory")
feature = QgsFeature(spots.fields())
feature.setGeometry(QgsGeometry.fromWkt(
    "POLYGON((39580000 4050000,39580100 4050000,39580100 4050100,39580000 4050000))"))
feature.setAttributes(["S1"])
spots.dataProvider().addFeatures([feature])
broken = QgsVectorLayer(text_file, "broken_layer", "ogr")
parameters = {"SPOTS": spots, "OUTPUT": "memory:"}
parameters[parameter] = broken
outcome = {"valid": broken.isValid(), "error": None, "kind": None}
try:
    processing.run("zcenforcement:screenspots", parameters)
except Exception as error:
    outcome["error"], outcome["kind"] = str(error), type(error).__name__
print("OUTCOME " + json.dumps(outcome))
"""


@pytest.mark.parametrize("parameter", ["SPOTS", "LAND_USE"])
def test_a_layer_object_on_a_text_file_named_gpkg_is_refused_by_name_and_path(
    qgis_app, tmp_path, parameter
):
    """Run in a process of its own: asking QGIS 3.22 why such a layer failed can crash it
    (QgsError.summary() of an empty error), which would take the whole session down rather than
    fail one test."""
    text_file = tmp_path / "notes.gpkg"
    text_file.write_text("this is a text file, not a GeoPackage\n", encoding="utf-8")
    outcome = run_in_child(tmp_path, BROKEN_LAYER_CASE, str(text_file), parameter)
    assert outcome["valid"] is False
    assert outcome["kind"] == "QgsProcessingException", outcome
    assert "broken_layer" in outcome["error"] and str(text_file) in outcome["error"], outcome
    assert "Traceback" not in outcome["error"]


# --- 8. geographic spots ------------------------------------------------------------------------
def test_a_stray_geographic_spot_at_zero_zero_stops_the_run_naming_it(provider):
    district = [(lon_lat_square(117.9 + 0.01 * i, 36.6), [f"D{i}"]) for i in range(4)]
    spots = memory_layer(
        [*district, (lon_lat_square(0.0, 0.0), ["STRAY"])],
        SPOT_FIELDS,
        crs="EPSG:4490",
        name="geo_spots",
    )
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots})
    message = str(error.value)
    assert "geo_spots" in message and "STRAY" in message, message
    assert "Traceback" not in message


def test_geographic_spots_all_without_geometry_are_screened_with_zero_areas(provider):
    spots = memory_layer(
        [(None, ["NO_GEOM"]), ("POLYGON EMPTY", ["EMPTY_GEOM"])],
        SPOT_FIELDS,
        crs="EPSG:4490",
        name="geo_empty",
    )
    log = Log()
    out = by_key(run({"SPOTS": spots}, log)["OUTPUT"])
    assert set(out) == {"NO_GEOM", "EMPTY_GEOM"}
    for key in out:
        assert out[key][domain.SPOT_AREA] == 0 and out[key][domain.GEOMETRY_NOTE], key
        assert [m for m in log.messages if key in m and "面积记为 0" in m], (key, log.messages)


@pytest.mark.parametrize("suffix", [".fgb", ".tab"])
def test_a_format_that_would_lose_spots_without_geometry_is_refused_naming_them(
    provider, tmp_path, suffix
):
    """Found by review: FlatGeobuf left a spot without geometry out without a word, MapInfo
    stopped at it with files left behind. A GeoPackage keeps it (with zero areas)."""
    spots = memory_layer(
        [(square(0, 0, 10), ["S1"]), ("POLYGON EMPTY", ["EMPTY_GEOM"])], SPOT_FIELDS
    )
    path = tmp_path / f"out{suffix}"
    with pytest.raises(QgsProcessingException) as raised:
        run({"SPOTS": spots, "OUTPUT": str(path)})
    assert "EMPTY_GEOM" in str(raised.value) and ".gpkg" in str(raised.value)
    assert not list(tmp_path.iterdir())  # nothing begun

    # Said once the spots are read, not after the overlay: the run did not overlay for nothing.
    class Steps(Log):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            self.messages.append(text)

    log = Steps()
    with pytest.raises(QgsProcessingException):
        run({"SPOTS": spots, "OUTPUT": str(path)}, log)
    assert any(m.startswith("Reading") for m in log.messages), log.messages
    assert not [m for m in log.messages if "Overlay" in m], log.messages
    kept = tmp_path / "out.gpkg"
    run({"SPOTS": spots, "OUTPUT": str(kept)})
    assert set(by_key(QgsVectorLayer(str(kept), "kept", "ogr"))) == {"S1", "EMPTY_GEOM"}


def _mixed_spots(path, stray: dict | None):
    """A GeoJSON of spots in longitude/latitude: a polygon, a collection holding a polygon and
    a point, and, when given, a stray geometry among them (QGIS types the layer by the first)."""

    def square_ll(lon, lat, d=0.001):
        return [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]

    lon, lat = 117.9, 36.6
    features = [
        {"JCBH": "P1", "geometry": {"type": "Polygon", "coordinates": square_ll(lon, lat)}},
        {
            "JCBH": "C1",
            "geometry": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "coordinates": square_ll(lon + 0.02, lat)},
                    {"type": "Point", "coordinates": [lon + 0.03, lat]},
                ],
            },
        },
    ]
    if stray:
        features.append({"JCBH": "STRAY", "geometry": stray})
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"JCBH": f["JCBH"]}, "geometry": f["geometry"]}
            for f in features
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("suffix", [".fgb", ".tab"])
@pytest.mark.parametrize(
    "stray",
    [
        {"type": "Point", "coordinates": [117.91, 36.6]},
        {"type": "LineString", "coordinates": [[117.9, 36.6], [117.91, 36.61]]},
    ],
    ids=["Point", "LineString"],
)
def test_a_format_that_would_lose_a_stray_point_or_line_among_the_spots_is_refused(
    provider, tmp_path, suffix, stray
):
    """Found by review: a stray point or line among the polygons is written without geometry,
    as a spot without one is, and FlatGeobuf left it out without a word (301 demo spots in,
    299 out) while the log said it was kept. Refused before anything is written, naming the
    layer's file, the spot and what it is; a collection holding a polygon is written."""
    spots = _mixed_spots(tmp_path / "mixed.geojson", stray)
    out = tmp_path / "out" / f"out{suffix}"
    out.parent.mkdir()
    with pytest.raises(QgsProcessingException) as raised:
        run({"SPOTS": spots, "OUTPUT": str(out)})
    message = str(raised.value)
    assert f"STRAY（{stray['type']}）" in message and "mixed.geojson" in message, message
    assert "C1" not in message and ".gpkg" in message, message
    assert not list(out.parent.iterdir())  # nothing begun

    # Without the stray spot the same format is written, the collection's polygon with it.
    spots = _mixed_spots(tmp_path / "clean.geojson", None)
    result = run({"SPOTS": spots, "OUTPUT": str(out)})
    written = by_key(QgsVectorLayer(result["OUTPUT"], "out", "ogr"))
    assert set(written) == {"P1", "C1"}
    assert written["C1"].geometry().area() > 0


@pytest.mark.parametrize("check", ["GeometrySkipInvalid", "GeometryAbortOnInvalid"])
def test_an_inputs_own_invalid_geometry_filtering_is_said_not_to_apply(provider, tmp_path, check):
    """The Processing dialog lets an input skip or stop at invalid features: screening repairs
    and keeps them instead (a spot skipped would vanish), and now says so."""
    from qgis.core import QgsFeatureRequest, QgsProcessingFeatureSourceDefinition

    spots = memory_layer([(bowtie(0, 0, 10), ["BOW"]), (square(50, 0, 10), ["S2"])], SPOT_FIELDS)
    path = write_gpkg(spots, tmp_path / "spots.gpkg")
    definition = QgsProcessingFeatureSourceDefinition(
        path,
        False,
        -1,
        QgsProcessingFeatureSourceDefinition.Flag.FlagOverrideDefaultGeometryCheck,
        getattr(QgsFeatureRequest.InvalidGeometryCheck, check),
    )
    log = Log()
    out = by_key(run({"SPOTS": definition}, log)["OUTPUT"])
    assert set(out) == {"BOW", "S2"} and out["BOW"][domain.SPOT_AREA] > 0
    assert [m for m in log.infos if m.startswith("SPOTS:") and "repaired" in m], log.messages


# --- 9. spots without a number ------------------------------------------------------------------
def test_spots_without_a_number_are_named_by_fid_and_not_as_duplicates(provider):
    spots = memory_layer(
        [(None, [None]), (None, [""]), (square(0, 0, 10), ["S3"])], SPOT_FIELDS, name="spots"
    )
    without_number = sorted(f.id() for f in spots.getFeatures() if f[domain.SPOT_NUMBER] != "S3")
    log = Log()
    out = run({"SPOTS": spots}, log)["OUTPUT"]
    assert out.featureCount() == 3
    assert len(without_number) == 2
    for fid in without_number:
        named = [m for m in log.messages if f"fid {fid}：" in m and "无几何" in m]
        assert len(named) == 1, (fid, log.messages)
    assert not [m for m in log.messages if "重复" in m or "duplicate" in m.lower()], log.messages
    # said once, as a warning, before importspots refuses them (found unsaid by a review)
    [said] = [m for m in log.warnings if "importspots" in m and "no number" in m]
    assert "2 spots" in said and all(f"fid {fid}" in said for fid in without_number), said


def test_spots_without_the_number_field_are_named_by_fid_in_a_warning_not_an_error(provider):
    """A spot layer without JCBH screens all the same, its spots named by feature id: a run
    that succeeds says so as a warning. As an error, qgis_process logged 'ERROR:' and wrappers
    scanning for it took the run as failed."""
    spots = memory_layer([(square(0, 0, 10), ["S1"])], "field=BH:string", name="nojcbh")
    log = Log()
    out = run({"SPOTS": spots}, log)["OUTPUT"]
    assert out.featureCount() == 1
    [said] = [m for m in log.messages if "named by feature id" in m]
    assert "nojcbh" in said and domain.SPOT_NUMBER in said, said
    assert said in log.warnings and said not in log.errors, log.errors


# --- 10. Shapefile output -----------------------------------------------------------------------
def test_shapefile_output_names_the_basic_farmland_mu_field_yjjbnt_mu(provider, tmp_path):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(rectangle(0, 0, 50, 100), ["B1"])], f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    )
    path = tmp_path / "screened.shp"
    result = run(
        {"SPOTS": spots, "BASIC_FARMLAND": farmland, "AREA_METHOD": 1, "OUTPUT": str(path)}
    )
    out = QgsVectorLayer(result["OUTPUT"], "screened", "ogr")
    assert out.isValid()
    names = out.fields().names()
    assert "YJJBNT_MU" in names and "YJJBNTMJ_M" not in names, names
    assert all(len(name.encode("utf-8")) <= 10 for name in names), names
    feature = next(out.getFeatures())
    assert feature[domain.BASIC_FARMLAND_AREA] == 5000
    expected = round(feature[domain.BASIC_FARMLAND_AREA] / (10000 / 15), 2)
    assert feature["YJJBNT_MU"] == pytest.approx(expected, abs=1e-9) == pytest.approx(7.5)


def test_a_shapefile_output_says_utf_8_in_a_cpg_and_fits_chinese_and_repeated_names(
    provider, tmp_path
):
    # Found by review: with QGIS's "System" encoding the DBF held UTF-8 with no .cpg, GDAL cut
    # 图斑编号说明 inside a character, and a screened Shapefile screened again got names of 11
    # characters that GDAL shortened silently.
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingOutputLayerDefinition

    spots = memory_layer(
        [(square(0, 0, 100), ["S1", "淄川区", 1])],
        f"{SPOT_FIELDS}&field=图斑编号说明:string&field=图斑编号备注:integer",
    )
    paths = [tmp_path / "once.shp", tmp_path / "twice.shp"]
    context = QgsProcessingContext()
    context.setDefaultEncoding("system")  # QGIS's default is "System"; an edited one may not be
    log = Log()
    source = spots
    for path in paths:
        # A script passes a path; the Processing dialog a definition naming its encoding.
        output = str(path)
        if path == paths[1]:
            output = QgsProcessingOutputLayerDefinition(str(path))
            output.createOptions = {"fileEncoding": "System"}
        processing.run(
            "zcenforcement:screenspots",
            {"SPOTS": source, "AREA_METHOD": 1, "OUTPUT": output},
            context=context,
            feedback=log,
        )
        source = QgsVectorLayer(str(path), path.stem, "ogr")
        assert path.with_suffix(".cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    assert context.defaultEncoding() == "system"  # the caller's context is left as it was
    twice = QgsVectorLayer(str(paths[1]), "twice", "ogr")
    names = twice.fields().names()
    assert all(len(name.encode("utf-8")) <= 10 for name in names), names
    assert len({name.upper() for name in names}) == len(names), names
    assert names[:3] == [domain.SPOT_NUMBER, "图斑编", "图斑编1"]
    assert "YJJBNT_MU" in names and "YJJBNT_MU_" in names  # screened once, then again
    (feature,) = twice.getFeatures()
    assert feature["图斑编"] == "淄川区" and feature["图斑编1"] == 1
    assert feature[domain.SPOT_AREA] == 10000.0
    said = [m for m in log.messages if "图斑编号说明 → 图斑编" in m]
    assert said and "图斑编号备注 → 图斑编1" in said[0]


def test_parcels_under_a_hole_outside_its_spots_shell_are_read_from_a_geopackage(
    provider, tmp_path
):
    # Found by comparing runs on the M district: the spot was looked for in the GeoPackage's
    # R-tree by its GEOS envelope, the shell's, so the parcel under the repaired "hole" (a
    # second polygon) was never read and 338 m² of farmland counted as unsurveyed.
    x, y = X0, Y0
    shell = f"({x} {y},{x + 40} {y},{x + 40} {y + 40},{x} {y + 40},{x} {y})"
    hole = f"({x + 100} {y},{x + 120} {y},{x + 120} {y + 20},{x + 100} {y + 20},{x + 100} {y})"
    spots = memory_layer([(f"POLYGON({shell},{hole})", ["HOLE_OUT"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(rectangle(-10, -10, 50, 50), ["0101"]), (rectangle(90, -10, 130, 30), ["0103"])],
        f"field={domain.LAND_CLASS_CODE}:string",
    )
    land_use = write_gpkg(parcels, tmp_path / "dltb.gpkg") + "|layername=dltb"  # R-tree read
    out = by_key(run({"SPOTS": spots, "LAND_USE": land_use, "AREA_METHOD": 1})["OUTPUT"])
    spot = out["HOLE_OUT"]
    assert spot[domain.SPOT_AREA] == 1600 + 400  # make_valid: the shell and the "hole"
    assert spot[domain.CULTIVATED_AREA] == 2000 and spot[domain.UNSURVEYED_AREA] == 0
    assert "内环位于外环之外" in spot[domain.GEOMETRY_NOTE]


# --- 11. repaired parcels -----------------------------------------------------------------------
def test_a_repaired_land_use_parcel_is_named_with_its_fid(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(square(0, 0, 40), ["0101"]), (bowtie(50, 0, 40), ["0101"])],
        f"field={domain.LAND_CLASS_CODE}:string",
        name="dltb",
    )
    bad_fid = next(f.id() for f in parcels.getFeatures() if not f.geometry().isGeosValid())
    good_fid = next(f.id() for f in parcels.getFeatures() if f.id() != bad_fid)
    note = next(run({"SPOTS": spots, "LAND_USE": parcels})["OUTPUT"].getFeatures())[
        domain.GEOMETRY_NOTE
    ]
    land_use = domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]
    assert f"{land_use}要素 0101（fid {bad_fid}） 几何无效已修复" in note, note
    assert f"fid {good_fid}" not in note


# --- 12. CRS without an EPSG code ---------------------------------------------------------------
def test_spots_in_a_custom_crs_without_epsg_code_are_refused_clearly(provider):
    crs = QgsCoordinateReferenceSystem.fromProj(
        "+proj=tmerc +lat_0=0 +lon_0=117.25 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    )
    assert crs.isValid() and not crs.authid().upper().startswith("EPSG:")
    spots = memory_layer(
        [(square(0, 0, 100, dx=500_000), ["S1"])], SPOT_FIELDS, name="custom_spots"
    )
    spots.setCrs(crs)
    log = Log()
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots}, log)
    message = str(error.value)
    assert "custom_spots" in message, message
    assert "no EPSG code" in message or "没有可用于量算面积的 EPSG 代码" in message, message
    assert "Traceback" not in message and not [m for m in log.messages if "Traceback" in m]


# --- pure functions -----------------------------------------------------------------------------
def test_class_code_texts_restore_the_leading_zero_of_a_field_that_lost_it():
    texts = domain.class_code_texts
    assert texts([101, 101.0, " 0102 ", None, "1104", "01"]) == [
        "0101",
        "0101",
        "0102",
        "",
        "1104",
        "01",
    ]
    assert texts(["101", "0102"]) == ["0101", "0102"]  # text that went through a spreadsheet
    # 201-205 are the 20x codes of towns, villages and mines (construction), unless the field
    # shows it lost its zeros: then 203 is 0203 like 101 is 0101.
    assert texts(["203", "0101", 205]) == ["203", "0101", "205"]
    assert texts([203, 101]) == ["0203", "0101"]
    assert texts([203], field_values=[101, 203, None]) == ["0203"]  # the whole field decides
    assert texts(["101.0", "0102.00", "1.5"]) == ["0101", "0102", "1.5"]  # CSV or spreadsheet text
    # 01 holds only the three cultivated codes: anything else there is unknown (and reported),
    # not other agricultural land.
    for code in ("0104", "01", "0101A", "0102A"):
        assert domain.land_group(code) is None, code
    assert domain.land_group("203") == domain.LAND_GROUP_CONSTRUCTION
    assert domain.land_group("0203") == domain.LAND_GROUP_AGRICULTURAL


def test_town_and_village_codes_are_construction_land(provider):
    spots = memory_layer(
        [(square(0, 0, 100), ["VILLAGE"]), (square(200, 0, 100), ["FAR"])], SPOT_FIELDS
    )
    text = f"field={domain.LAND_CLASS_CODE}:string"
    parcels = memory_layer(
        [(rectangle(-10, -10, 110, 110), ["203"]), (rectangle(190, -10, 310, 110), ["0702"])],
        text,
    )
    log = Log()
    village = by_key(run({"SPOTS": spots, "LAND_USE": parcels, "AREA_METHOD": 1}, log)["OUTPUT"])
    assert village["VILLAGE"][domain.CONSTRUCTION_AREA] == 10000
    assert village["VILLAGE"][domain.AGRICULTURAL_AREA] == 0
    assert not [m for m in log.messages if "0203" in m], log.messages

    # A numeric field that lost its zeros (101 for 0101, 5 km away from the spot): 203 there
    # is 0203, whatever parcels lie near the spots screened, and the log says how it was read.
    parcels = memory_layer(
        [(rectangle(-10, -10, 110, 110), [203]), (rectangle(5000, 0, 5100, 100), [101])],
        f"field={domain.LAND_CLASS_CODE}:integer",
        name="dltb_numbers",
    )
    log = Log()
    lost = by_key(run({"SPOTS": spots, "LAND_USE": parcels, "AREA_METHOD": 1}, log)["OUTPUT"])
    assert lost["VILLAGE"][domain.AGRICULTURAL_AREA] == 10000
    assert lost["VILLAGE"][domain.CONSTRUCTION_AREA] == 0
    said = [m for m in log.messages if "dltb_numbers" in m and "0203" in m]
    assert len(said) == 2, log.messages  # read with four digits; not as the 20x code


def test_lettered_pond_and_ditch_codes_are_agricultural():
    assert domain.land_group("1104A") == domain.LAND_GROUP_AGRICULTURAL
    assert domain.land_group("1107A") == domain.LAND_GROUP_AGRICULTURAL


def test_fit_text_keeps_whole_parts_and_counts_them():
    assert domain.fit_text(["ab", "cd"], ";", 10) == "ab;cd"
    assert domain.fit_text(["ab", "cd", "ef", "gh", "ij"], ";", 12) == "ab;cd;…等 5 项"
    assert domain.fit_text(["ab", "cd", "ef", "gh"], ";", 10) == "ab;…等 4 项"
    parts = [f"淄自然资批字〔2024〕第{i:03d}号" for i in range(40)]
    cut = domain.fit_text(parts)
    assert len(cut) <= 254 and cut.endswith(";…等 40 项")


def test_shapefile_field_name_drops_mj_before_mu():
    assert domain.shapefile_field_name("YJJBNTMJ_MU") == "YJJBNT_MU"


def test_shapefile_field_names_are_whole_characters_and_distinct_without_case():
    names = [
        "JCBH",
        "图斑编号说明",
        "图斑编号备注",
        "jcbh",
        "YJJBNTMJ_MU",
        "YJJBNT_MU_2",
        "ABCDEFGHIJK",
    ]
    assert domain.shapefile_field_names(names) == [
        "JCBH",
        "图斑编",  # 9 bytes: a fourth character would need 12
        "图斑编1",
        "jcbh1",  # a DBF does not tell JCBH from jcbh
        "YJJBNT_MU",
        "YJJBNT_MU_",
        "ABCDEFGHIJ",
    ]
    assert domain.shapefile_field_name("TBMJ_MU") == "TBMJ_MU"


def test_zone_misfits_flags_unprefixed_and_other_zone_points_only():
    points = np.array(
        [
            [580_050.0, 4_050_050.0],  # zone prefix missing
            [40_580_050.0, 4_050_050.0],  # zone 40's prefix
            [39_580_050.0, 4_050_050.0],  # in the district
        ]
    )
    assert areas.zone_misfits(points, "EPSG:4527").tolist() == [True, True, False]


# --- semantics found by a second review ----------------------------------------------------------
def test_a_mostly_approved_spot_whose_unapproved_basic_farmland_reaches_5_mu_is_not_approved(
    provider,
):
    """400 m × 400 m of basic farmland (240 亩), an approval over all but a 15 m strip: 96.25 %
    approved, 6,000 m² = 9 亩 not. The unapproved rest alone is a criminal-scale case."""
    spots = memory_layer([(square(0, 0, 400), ["S1"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(square(0, 0, 400), ["BF1"])], f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    )
    approvals = memory_layer(
        [(rectangle(0, 0, 385, 400), ["PZ1"])], f"field={domain.APPROVAL_NUMBER}:string"
    )
    parameters = {"SPOTS": spots, "BASIC_FARMLAND": farmland, "APPROVALS": approvals}
    out = by_key(run({**parameters, "AREA_METHOD": 1})["OUTPUT"])["S1"]
    assert out[domain.CRIMINAL_FLAG] == 1
    assert out[domain.SUGGESTED_VERDICT] == domain.SUGGEST_ILLEGAL
    assert "96.2%" in out[domain.VERDICT_REASON] and "9.00 亩" in out[domain.VERDICT_REASON]


def test_mu_fields_come_from_the_m2_shown_as_the_reason_and_the_referral_test_do(provider):
    """A basic-farmland spot of 3329.996 m² is shown as 3330.00 m², which is 4.995 亩, shown
    5.00: the 亩 field, the reason and the referral test alike, as the ledger's pages, exports
    and cases work them out from the m² written (areas.shown_mu)."""
    side = 3329.996**0.5
    spots = memory_layer([(square(0, 0, side), ["S1"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(square(-10, -10, 100), ["BF1"])], f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    )
    out = by_key(run({"SPOTS": spots, "BASIC_FARMLAND": farmland, "AREA_METHOD": 1})["OUTPUT"])
    row = out["S1"]
    assert row[domain.BASIC_FARMLAND_AREA] == pytest.approx(3330.00)
    assert row[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX] == paper.mu(3330.00) == 5.0
    assert row[domain.SPOT_AREA + domain.MU_SUFFIX] == 5.0
    assert "5.00 亩" in row[domain.VERDICT_REASON]
    assert row[domain.CRIMINAL_FLAG] == 1


def test_a_feature_limit_on_a_protection_layer_takes_the_layers_first_features(provider):
    from qgis.core import QgsProcessingFeatureSourceDefinition

    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(square(5000, 0, 100), ["far"]), (square(0, 0, 100), ["near"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
        name="yjjbnt",
    )
    limited = QgsProcessingFeatureSourceDefinition(farmland.id(), False, 1)
    QgsProject.instance().addMapLayer(farmland)
    try:
        log = Log()
        out = by_key(run({"SPOTS": spots, "BASIC_FARMLAND": limited}, log)["OUTPUT"])
    finally:
        QgsProject.instance().removeMapLayer(farmland.id())
    assert out["S1"][domain.BASIC_FARMLAND_AREA] == 0.0  # only 'far' may be used
    assert any("yjjbnt" in message for message in log.messages)  # named, not a repr


def test_a_hit_feature_without_a_code_is_listed_by_its_name_else_its_fid(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    red_line = memory_layer(
        [(square(0, 0, 50), [None, "红线B"]), (square(50, 0, 50), [None, None])],
        f"field={domain.RED_LINE_CODE}:string&field={domain.RED_LINE_NAME}:string",
    )
    out = by_key(run({"SPOTS": spots, "RED_LINE": red_line})["OUTPUT"])["S1"]
    second = sorted(f.id() for f in red_line.getFeatures())[1]
    hits = next(
        layer.hits_field for layer in domain.OVERLAY_LAYERS if layer.key == domain.LAYER_RED_LINE
    )
    assert out[hits].split(";") == sorted(["红线B", f"fid {second}"])


def test_a_share_just_under_the_approval_rule_is_not_shown_as_reaching_it(provider):
    """94.996 % approved: 'not approved', and the reason must not say 95.0 %."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    approvals = memory_layer(
        [(rectangle(0, 0, 94.996, 100), ["PZ1"])], f"field={domain.APPROVAL_NUMBER}:string"
    )
    out = by_key(run({"SPOTS": spots, "APPROVALS": approvals, "AREA_METHOD": 1})["OUTPUT"])
    row = out["S1"]
    assert row[domain.SUGGESTED_VERDICT] != domain.SUGGEST_APPROVED
    assert "94.9%" in row[domain.VERDICT_REASON] and "95.0%" not in row[domain.VERDICT_REASON]


# --- found by a third review ---------------------------------------------------------------------
@pytest.mark.parametrize("method", [0, 1])
def test_a_class_wholly_inside_a_higher_one_and_a_wholly_approved_spot_do_not_stop_the_run(
    provider, method
):
    """Nothing of the 0201 parcel is left once the 0101 parcel over it takes precedence, and
    nothing of the cultivated land once the approval is cut away: empty areas, measured 0."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(square(0, 0, 100), ["0101"]), (square(40, 40, 20), ["0201"])],
        f"field={domain.LAND_CLASS_CODE}:string",
    )
    approvals = memory_layer(
        [(square(-10, -10, 120), ["PZ1"])], f"field={domain.APPROVAL_NUMBER}:string"
    )
    parameters = {"SPOTS": spots, "LAND_USE": parcels, "APPROVALS": approvals}
    row = by_key(run({**parameters, "AREA_METHOD": method})["OUTPUT"])["S1"]
    assert row[domain.CULTIVATED_AREA] == row[domain.SPOT_AREA] > 9990.0
    assert row[domain.AGRICULTURAL_AREA] == 0.0
    assert row[domain.SUGGESTED_VERDICT] == domain.SUGGEST_APPROVED


def test_a_long_input_text_is_cut_at_a_characters_end_in_a_shapefile_and_said(provider, tmp_path):
    from qgis.core import QgsVectorLayer

    text = "淄川区某某镇某某村某某项目用地" * 6  # 90 characters, 270 bytes in UTF-8
    spots = memory_layer([(square(0, 0, 100), ["S1", text])], f"{SPOT_FIELDS}&field=XMMC:string")
    path = str(tmp_path / "screened.shp")
    log = Log()
    run({"SPOTS": spots, "OUTPUT": path}, log)
    (feature,) = QgsVectorLayer(path, "out", "ogr").getFeatures()
    kept = feature["XMMC"]
    assert kept.endswith("…") and text.startswith(kept.removesuffix("…"))
    assert 240 <= len(kept.encode("utf-8")) <= 254
    assert any("field XMMC of S1" in message and "254" in message for message in log.warnings)
    # Found by review: said as an error, so qgis_process logged "ERROR:" on a run that had
    # succeeded, and wrappers scanning for it took the run as failed. A warning: cut is said.
    assert not log.errors, log.errors


# 20 characters, its field's width, but 60 bytes in UTF-8: a Shapefile's width counts bytes.
FULL_WIDTH_20 = "新增建设用地" * 3 + "用地"


def _gpkg_text_over_its_width(tmp_path, text: str) -> str:
    """A GeoPackage whose TBLX is declared TEXT(20) and holds `text` for spot S2 (S1 holds
    FULL_WIDTH_20): GeoPackage does not enforce a text's width, and deliveries written by
    other tools overrun it."""
    import fiona

    path = str(tmp_path / "long20.gpkg")
    schema = {
        "geometry": "Polygon",
        "properties": {domain.SPOT_NUMBER: "str:20", "TBLX": "str:20"},
    }
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as out:
        for i, (number, value) in enumerate((("S1", FULL_WIDTH_20), ("S2", text))):
            outline = shapely.box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 100)
            out.write(
                {
                    "geometry": shapely.geometry.mapping(outline),
                    "properties": {domain.SPOT_NUMBER: number, "TBLX": value},
                }
            )
    with sqlite3.connect(path) as db:
        assert db.execute(  # declared 20 wide, holding more
            "SELECT sql LIKE '%TEXT(20)%' FROM sqlite_master WHERE name = 'long20'"
        ).fetchone() == (1,)
    return path


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_text_longer_than_its_declared_width_is_written_whole(provider, tmp_path, suffix):
    """A delivered text of 28 characters (84 bytes in UTF-8) in a field declared 20 wide: the
    output holds it whole, in either format, rather than stop after the whole overlay with
    QGIS's 'String of length 28 exceeds maximum field length (20)'."""
    text = "新增建设用地（含临时用地到期未复垦后又被再次占用的情形）"
    assert len(text) == 28
    spots = QgsVectorLayer(_gpkg_text_over_its_width(tmp_path, text), "long20", "ogr")
    path = str(tmp_path / f"screened{suffix}")
    log = Log()
    run({"SPOTS": spots, "OUTPUT": path}, log)
    out = {f[domain.SPOT_NUMBER]: f["TBLX"] for f in QgsVectorLayer(path, "o", "ogr").getFeatures()}
    assert out == {"S1": FULL_WIDTH_20, "S2": text}
    assert not log.errors, log.errors


def test_a_text_a_shapefile_cannot_hold_is_said_before_the_overlay(provider, tmp_path):
    """Over 254 bytes a Shapefile cannot widen a field: said before the overlay, naming the
    file, the field and the spot, so a GeoPackage output can be chosen before the long run;
    the text is cut as any long text is, and said again."""

    class Steps(Log):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            self.messages.append(text)

    text = "淄川区某某镇某某村某某项目用地" * 6  # 90 characters, 270 bytes in UTF-8
    spots = QgsVectorLayer(_gpkg_text_over_its_width(tmp_path, text), "long20", "ogr")
    log = Steps()
    run({"SPOTS": spots, "OUTPUT": str(tmp_path / "screened.shp")}, log)
    [said] = [m for m in log.warnings if "TBLX" in m and "long20.gpkg" in m and "S2" in m]
    overlay = next(i for i, m in enumerate(log.messages) if "Overlaying" in m)
    assert log.messages.index(said) < overlay, log.messages
    assert "GeoPackage" in said and "254" in said, said
    (_, feature) = sorted(
        QgsVectorLayer(str(tmp_path / "screened.shp"), "o", "ogr").getFeatures(),
        key=lambda f: f[domain.SPOT_NUMBER],
    )
    assert feature["TBLX"].endswith("…") and len(feature["TBLX"].encode("utf-8")) <= 254
    assert not log.errors, log.errors


@pytest.mark.parametrize("size", [100, 254, 255])
def test_a_text_of_no_declared_width_fits_a_shapefile_to_254_bytes_and_255_is_said(
    provider, tmp_path, size
):
    """A GeoPackage TEXT of no declared width (0) holding up to 254 bytes is written whole to
    a Shapefile, its field as wide as that text; 255 bytes is one more than a DBF field holds:
    said before the overlay, cut, and the field 254 wide."""
    import fiona

    path = str(tmp_path / "nowidth.gpkg")
    schema = {"geometry": "Polygon", "properties": {domain.SPOT_NUMBER: "str:20", "TBLX": "str"}}
    text = "x" * size
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as out:
        outline = shapely.geometry.mapping(shapely.box(X0, Y0, X0 + 100, Y0 + 100))
        out.write({"geometry": outline, "properties": {domain.SPOT_NUMBER: "S1", "TBLX": text}})
    spots = QgsVectorLayer(path, "nowidth", "ogr")
    assert spots.fields().field("TBLX").length() == 0  # no width declared
    log = Log()
    run({"SPOTS": spots, "OUTPUT": str(tmp_path / "screened.shp")}, log)
    written = QgsVectorLayer(str(tmp_path / "screened.shp"), "o", "ogr")
    assert written.fields().field("TBLX").length() == min(size, domain.SHAPEFILE_TEXT_BYTES)
    (feature,) = written.getFeatures()
    said = [m for m in log.warnings if "TBLX of S1" in m and "longer than a Shapefile" in m]
    if size <= domain.SHAPEFILE_TEXT_BYTES:
        assert feature["TBLX"] == text and not said, (len(feature["TBLX"]), log.warnings)
    else:
        assert said and feature["TBLX"].endswith("…"), log.warnings
        assert len(feature["TBLX"].encode("utf-8")) <= domain.SHAPEFILE_TEXT_BYTES
    assert not log.errors, log.errors


def test_a_long_input_list_is_cut_after_a_whole_number_in_a_shapefile(provider, tmp_path):
    """An input field holding a list of numbers (a delivery's earlier spot numbers) is cut as
    the campaigns' lists are: whole numbers from the front, then the total count; GDAL cut
    inside a number."""
    from qgis.core import QgsVectorLayer

    numbers = [f"37030220250{i:03d}" for i in range(40)]  # 14 characters each
    listed = ";".join(numbers)
    fields = f"{SPOT_FIELDS}&field=YTBBH:string(1000)"  # a memory field holds 255 by default
    spots = memory_layer([(square(0, 0, 100), ["S1", listed])], fields)
    log = Log()
    run({"SPOTS": spots, "OUTPUT": str(tmp_path / "screened.shp")}, log)
    (feature,) = QgsVectorLayer(str(tmp_path / "screened.shp"), "out", "ogr").getFeatures()
    kept = feature["YTBBH"]
    assert kept.endswith(";…等 40 项") and len(kept.encode("utf-8")) <= 254
    shown = kept.removesuffix(";…等 40 项").split(";")
    assert len(shown) >= 10 and shown == numbers[: len(shown)]
    run({"SPOTS": spots, "OUTPUT": str(tmp_path / "screened.gpkg")})
    (feature,) = QgsVectorLayer(str(tmp_path / "screened.gpkg"), "out", "ogr").getFeatures()
    assert feature["YTBBH"] == listed  # a GeoPackage keeps it whole


# --- found by a review of the changes ------------------------------------------------------------
def test_geographic_spots_two_zones_apart_are_measured_not_refused(provider):
    """Spots in EPSG:4490 near 117.9°E and one at 121.2°E: measured in zone 39, where most
    are; the far one is 4° from its meridian yet right (the CRS is correct)."""
    from pyproj import Geod

    rows = [(lon_lat_square(117.9 + i * 0.01, 36.6), [f"S{i}"]) for i in range(3)]
    rows.append((lon_lat_square(121.2, 36.6), ["FAR"]))
    spots = memory_layer(rows, SPOT_FIELDS, crs="EPSG:4490")
    out = by_key(run({"SPOTS": spots})["OUTPUT"])
    # Its edges are straight in longitude/latitude: followed densely, Geod measures the same
    # region on the ellipsoid, to the cent.
    square_ll = shapely.segmentize(shapely.box(121.2, 36.6, 121.201, 36.601), 1e-6)
    lon, lat = np.asarray(square_ll.exterior.coords).T
    expected = abs(Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)[0])
    assert out["FAR"][domain.SPOT_AREA] == pytest.approx(expected, abs=0.01)


def test_a_repaired_feature_without_a_label_is_named_by_its_fid_once(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    red_line = memory_layer([(bowtie(0, 0, 100), [None])], f"field={domain.RED_LINE_CODE}:string")
    (fid,) = [f.id() for f in red_line.getFeatures()]
    note = by_key(run({"SPOTS": spots, "RED_LINE": red_line})["OUTPUT"])["S1"][domain.GEOMETRY_NOTE]
    assert note.count(f"fid {fid}") == 1, note


def test_fit_text_takes_the_front_of_a_very_long_list():
    parts = [f"PZ{i:05d}" for i in range(20000)]
    text = domain.fit_text(parts, ";")
    assert len(text) <= domain.TEXT_FIELD_LENGTH and text.endswith(";…等 20000 项")
    assert text.startswith("PZ00000;PZ00001;")


def _cancel_while_writing(parameters: dict, at: float = 0.0) -> tuple[dict, object]:
    """screenspots on 1200 small squares, cancelled once the results are being written and the
    progress bar has reached `at` %; returns (result, feedback)."""
    import processing
    from qgis.core import QgsProcessingFeedback

    from zc_enforcement_plugin.i18n import tr

    class CancelWhenWriting(QgsProcessingFeedback):
        writing = False

        def setProgressText(self, text):  # noqa: N802 - QGIS API
            self.writing = text == tr("Writing the results")
            super().setProgressText(text)

    layer = memory_layer(
        [(square(i * 20, 0, 10), [f"S{i}"]) for i in range(1200)], SPOT_FIELDS, name="many"
    )
    feedback = CancelWhenWriting()
    feedback.progressChanged.connect(
        lambda progress: feedback.writing and progress >= at and feedback.cancel()
    )
    try:
        result = processing.run(
            "zcenforcement:screenspots", {"SPOTS": layer, **parameters}, feedback=feedback
        )
    except QgsProcessingException:
        result = {}
    assert feedback.writing and feedback.isCanceled()  # the cancel came while writing
    return result, feedback


@pytest.mark.parametrize("name", ["cancelled.gpkg", "cancelled.shp"])
def test_a_cancel_while_the_results_are_written_leaves_no_half_written_file(
    provider, tmp_path, name
):
    """Writing takes the last tenth of the bar and looks at the cancel button as it goes: a
    cancel once the overlay is done still ends the run, with no result reported, and the file
    it had begun to write is removed (a Shapefile with all its side files): a half-written
    result must not be taken for one."""
    out = tmp_path / name
    result, _ = _cancel_while_writing(
        {"OUTPUT": str(out)},
    )
    assert not result.get("OUTPUT")
    assert list(tmp_path.iterdir()) == []


def test_a_cancel_as_the_run_ends_returns_no_result_naming_files_removed(provider, tmp_path):
    """A cancel once everything is written (the bar at 100 %): the outputs are removed, as
    the log says, and the run returns nothing; it gave back their paths, for a model or a
    script to open files that were no longer there."""
    result, _ = _cancel_while_writing({"OUTPUT": str(tmp_path / "spots.gpkg")}, at=100.0)
    assert result == {}
    assert list(tmp_path.iterdir()) == []


def test_a_cancel_while_writing_pieces_removes_both_outputs(provider, tmp_path):
    """The run is cancelled as a whole: the spots output, already whole, goes with the pieces
    begun, lest one be used without the other."""
    from zc_enforcement_plugin.processing import screen_spots

    pieces_begin = (screen_spots._OVERLAY_END + 100.0) / 2.0  # the bar's second half of writing
    land_use = memory_layer(  # one parcel under every spot: a piece each
        [(square(-10, -10, 30000), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    result, feedback = _cancel_while_writing(
        {
            "LAND_USE": land_use,
            "OUTPUT": str(tmp_path / "spots.gpkg"),
            "OUTPUT_PIECES": str(tmp_path / "pieces.gpkg"),
        },
        at=pieces_begin,
    )
    assert not result.get("OUTPUT") and not result.get("OUTPUT_PIECES")
    assert list(tmp_path.iterdir()) == []


def test_a_cancel_while_writing_the_spots_leaves_a_pieces_file_never_opened(provider, tmp_path):
    """Only what the run began to write goes: a pieces file already there, whose writer was not
    yet opened when the cancel came, is the user's and stays as it was."""
    pieces = tmp_path / "my_pieces.gpkg"
    pieces.write_bytes(b"SQLite format 3\x00 the user's own file")
    before = pieces.read_bytes()
    result, _ = _cancel_while_writing(
        {"OUTPUT": str(tmp_path / "spots.gpkg"), "OUTPUT_PIECES": str(pieces)}
    )
    assert not result.get("OUTPUT")
    assert [p.name for p in tmp_path.iterdir()] == ["my_pieces.gpkg"]
    assert pieces.read_bytes() == before


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_write_that_fails_leaves_no_half_written_file(provider, tmp_path, monkeypatch, relative):
    """A writer that fails (a full disk, say) stops the run with its error, and the file begun
    is removed like a cancelled one; also when given relative to the working directory, as
    `qgis_process run ... OUTPUT=out.gpkg` gives it (found left whole by a review)."""
    import processing

    from zc_enforcement_plugin.processing import screen_outputs

    def full_disk(sink, features, output):
        next(iter(features))  # the output exists and writing has begun
        raise QgsProcessingException("disk full")

    monkeypatch.setattr(screen_outputs, "add_features", full_disk)
    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    with pytest.raises(QgsProcessingException, match="disk full"):
        monkeypatch.chdir(tmp_path)
        output = "out.gpkg" if relative else str(tmp_path / "out.gpkg")
        processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": output})
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_layer_in_an_existing_geopackage_leaves_its_other_layers(provider, tmp_path):
    """An output written as a new layer of a GeoPackage that holds other data: a cancel removes
    that layer only; the file and its other layers stay as they were."""
    from osgeo import ogr

    gpkg = tmp_path / "bureau.gpkg"
    kept = memory_layer([(square(0, 0, 10), ["K1"])], SPOT_FIELDS, name="kept")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.layerName = "earlier_results"
    QgsVectorFileWriter.writeAsVectorFormatV3(
        kept, str(gpkg), QgsCoordinateTransformContext(), options
    )
    result, feedback = _cancel_while_writing(
        {"OUTPUT": f"ogr:dbname='{gpkg}' table=\"new\" (geom)"}
    )
    assert not result.get("OUTPUT")
    source = ogr.Open(str(gpkg))
    names = [source.GetLayer(i).GetName() for i in range(source.GetLayerCount())]
    assert names == ["earlier_results"]
    assert source.GetLayerByName("earlier_results").GetFeatureCount() == 1


# --- found by a review of unusual inputs ---------------------------------------------------------
def test_a_spot_number_field_called_fid_is_an_attribute_not_the_feature_id(provider, tmp_path):
    """A GeoPackage saved as a Shapefile keeps its ids in an ordinary field named fid; used as
    the spot number field it must not decide which feature gets which results."""
    from qgis.core import QgsVectorFileWriter, QgsVectorLayer

    sizes = [10, 20, 30, 40]
    spots = memory_layer(
        [(square(i * 100, 0, size), [len(sizes) - 1 - i]) for i, size in enumerate(sizes)],
        "field=fid:integer",
        name="spots",
    )
    path = str(tmp_path / "spots.shp")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        spots, path, QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    layer = QgsVectorLayer(path, "spots", "ogr")
    out = run({"SPOTS": layer, "SPOT_KEY_FIELD": "fid", "AREA_METHOD": 1})["OUTPUT"]
    for feature in out.getFeatures():
        assert feature[domain.SPOT_AREA] == pytest.approx(feature.geometry().area(), abs=0.01)


def test_unions_of_spots_with_very_different_numbers_of_pieces_are_right():
    from zc_enforcement_plugin.core import screening_overlay

    rng = np.random.default_rng(3)
    counts = [1, 2, 3, 5, 40, 300]
    spot = np.repeat(np.arange(len(counts)), counts)
    geoms = np.array(
        [shapely.box(x, y, x + 2, y + 2) for x, y in rng.uniform(0, 50, (len(spot), 2))],
        dtype=object,
    )
    got = screening_overlay.group_unions(spot, geoms, len(counts) + 1)
    assert got[len(counts)] is None  # a spot without pieces
    for i in range(len(counts)):
        expected = shapely.union_all(geoms[spot == i])
        assert shapely.equals(got[i], expected), i


# --- coordinates that are not numbers ------------------------------------------------------------
def _with_a_bad_vertex(layer, key_field, key, value):
    """Set one vertex of the feature `key` to NaN or infinity (no WKT reader takes them)."""
    from qgis.core import QgsGeometry, QgsLineString, QgsPoint, QgsPolygon

    ring = QgsLineString(
        [
            QgsPoint(X0 + 200, Y0),
            QgsPoint(X0 + 300, Y0),
            QgsPoint(value, Y0 + 100),
            QgsPoint(X0 + 200, Y0 + 100),
            QgsPoint(X0 + 200, Y0),
        ]
    )
    polygon = QgsPolygon()
    polygon.setExteriorRing(ring)
    fid = next(f.id() for f in layer.getFeatures() if f[key_field] == key)
    assert layer.dataProvider().changeGeometryValues({fid: QgsGeometry(polygon)})
    return fid


@pytest.mark.parametrize("output", ["memory:", "spots.shp", "spots.gpkg"])
def test_a_spot_with_a_nan_coordinate_is_kept_flagged_and_named(provider, tmp_path, output):
    spots = memory_layer([(square(0, 0, 100), ["OK1"]), (None, ["NAN1"])], SPOT_FIELDS)
    _with_a_bad_vertex(spots, domain.SPOT_NUMBER, "NAN1", float("nan"))
    parcels = memory_layer(
        [(rectangle(-10, -10, 400, 110), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    log = Log()
    target = output if output == "memory:" else str(tmp_path / output)
    parameters = {"SPOTS": spots, "LAND_USE": parcels, "AREA_METHOD": 1, "OUTPUT": target}
    result = run(parameters, log)["OUTPUT"]
    out = by_key(result if output == "memory:" else QgsVectorLayer(result, "out", "ogr"))

    assert out["OK1"][domain.SPOT_AREA] == 10000.0
    bad = out["NAN1"]
    assert bad[domain.SPOT_AREA] == 0 and bad[domain.CULTIVATED_AREA] == 0
    assert "NaN" in bad[domain.GEOMETRY_NOTE]
    assert any("NAN1" in m and "NaN" in m for m in log.messages), log.messages


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_protection_feature_with_a_coordinate_not_a_number_stops_naming_it(provider, value):
    spots = memory_layer([(rectangle(0, 0, 400, 100), ["S1"])], SPOT_FIELDS)  # meets both
    red = memory_layer(
        [(square(0, 0, 50), ["甲"]), (square(0, 0, 50), ["乙"])],
        f"field={domain.RED_LINE_NAME}:string",
        name="红线_坏坐标",
    )
    fid = _with_a_bad_vertex(red, domain.RED_LINE_NAME, "乙", value)
    log = Log()
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "RED_LINE": red}, log)
    message = str(error.value)
    assert "红线_坏坐标" in message and str(fid) in message and "NaN" in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_stray_point_or_line_among_the_spots_does_not_lose_the_run(provider, tmp_path, suffix):
    """GeoJSON takes any geometry per feature; QGIS types the layer by its first one."""

    def square_ll(lon, lat, d=0.001):
        return [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]

    lon, lat = 117.9, 36.6
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"JCBH": "G1"},
                "geometry": {"type": "Polygon", "coordinates": square_ll(lon, lat)},
            },
            {
                "type": "Feature",
                "properties": {"JCBH": "G2"},
                "geometry": {"type": "Point", "coordinates": [lon + 0.01, lat]},
            },
            {
                "type": "Feature",
                "properties": {"JCBH": "G3"},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[lon, lat], [lon + 0.01, lat + 0.01]],
                },
            },
            {"type": "Feature", "properties": {"JCBH": "G4"}, "geometry": None},
            {
                "type": "Feature",
                "properties": {"JCBH": "G5"},
                "geometry": {
                    "type": "GeometryCollection",
                    "geometries": [
                        {"type": "Polygon", "coordinates": square_ll(lon + 0.02, lat)},
                        {"type": "Point", "coordinates": [lon + 0.03, lat]},
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {"JCBH": "G6"},
                "geometry": {
                    "type": "GeometryCollection",
                    "geometries": [
                        {
                            "type": "GeometryCollection",
                            "geometries": [
                                {"type": "Polygon", "coordinates": square_ll(lon + 0.04, lat)}
                            ],
                        }
                    ],
                },
            },
        ],
    }
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    log = Log()
    result = run({"SPOTS": str(path), "OUTPUT": str(tmp_path / f"out{suffix}")}, log)
    out = by_key(QgsVectorLayer(result["OUTPUT"], "out", "ogr"))
    assert sorted(out) == ["G1", "G2", "G3", "G4", "G5", "G6"]  # every spot kept
    # A collection's polygon (nested too) was measured, so it is what the output shows.
    for key in ("G5", "G6"):
        assert out[key][domain.SPOT_AREA] == pytest.approx(out["G1"][domain.SPOT_AREA], rel=0.01)
        assert out[key].geometry().area() > 0, key
    assert out["G1"][domain.SPOT_AREA] > 9000 and not out["G1"].geometry().isNull()
    for key in ("G2", "G3"):
        assert out[key][domain.SPOT_AREA] == 0 and out[key].geometry().isEmpty()
    said = [m for m in log.messages if "G2" in m and "G3" in m]
    assert said and "Point" in said[0] and "LineString" in said[0], log.messages


def test_a_file_of_several_layers_given_without_a_layer_name_stops_naming_them(provider, tmp_path):
    """QGIS opens such a file's first layer: a district outline (XZQ) given as basic farmland
    made every spot on it taken farmland, at referral scale, with nothing said."""
    path = tmp_path / "district.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    for name, rows, fields in (
        ("XZQ", [(square(-1000, -1000, 5000), ["淄川区"])], "field=XZQMC:string"),
        ("YJJBNT", [(square(0, 0, 10), ["B1"])], "field=JBNTTBBH:string"),
    ):
        options.layerName = name
        options.actionOnExistingFile = (
            QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
            if path.exists()
            else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
        )
        layer = memory_layer(rows, fields)
        error = QgsVectorFileWriter.writeAsVectorFormatV3(
            layer, str(path), QgsProject.instance().transformContext(), options
        )
        assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "BASIC_FARMLAND": str(path)})
    message = str(error.value)
    assert "BASIC_FARMLAND" in message and str(path) in message, message
    assert "XZQ" in message and "YJJBNT" in message and "layername=YJJBNT" in message, message
    assert "Browse for Layer" in message, message
    # With a selection or feature limit set on it (the dialog's options), the same.
    from qgis.core import QgsProcessingFeatureSourceDefinition

    limited = QgsProcessingFeatureSourceDefinition(str(path), False, 10)
    with pytest.raises(QgsProcessingException, match="layername=YJJBNT"):
        run({"SPOTS": spots, "BASIC_FARMLAND": limited})
    # Named, the layer is read: 100 m² of the spot (planar; 99.98 on the ellipsoid) is basic
    # farmland, not all of it.
    out = by_key(run({"SPOTS": spots, "BASIC_FARMLAND": f"{path}|layername=YJJBNT"})["OUTPUT"])
    assert out["S1"][domain.BASIC_FARMLAND_AREA] == pytest.approx(100.0, rel=1e-3)


FILTERED_LAYERS_CASE = """
from qgis.core import QgsCoordinateReferenceSystem, QgsVectorFileWriter, QgsVectorLayer
from qgis.core import QgsFeature, QgsGeometry, QgsProject
path = args[0]
options = QgsVectorFileWriter.SaveVectorOptions()
options.driverName = "GPKG"
for name, field, wkt, value in (
    ("JCTB", "JCBH", "POLYGON((39580000 4050000,39580100 4050000,39580100 4050100,"
     "39580000 4050100,39580000 4050000))", "S1"),
    ("DLTB", "DLBM", "POLYGON((39579990 4049990,39580110 4049990,39580110 4050110,"
     "39579990 4050110,39579990 4049990))", "0101"),
    ("YJJBNT", "JBNTTBBH", "POLYGON((39580000 4050000,39580050 4050000,39580050 4050100,"
     "39580000 4050100,39580000 4050000))", "B1"),
):
    memory = QgsVectorLayer(f"Polygon?crs=EPSG:4527&field={field}:string", name, "memory")
    feature = QgsFeature(memory.fields())
    feature.setGeometry(QgsGeometry.fromWkt(wkt))
    feature.setAttributes([value])
    memory.dataProvider().addFeatures([feature])
    options.layerName = name
    options.actionOnExistingFile = (
        QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer if os.path.exists(path)
        else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile)
    QgsVectorFileWriter.writeAsVectorFormatV3(
        memory, path, QgsProject.instance().transformContext(), options)
layers = []
for name in ("JCTB", "DLTB", "YJJBNT"):  # as the Query Builder filters layers of a project
    layer = QgsVectorLayer(f"{path}|layername={name}", name.lower(), "ogr")
    layer.setSubsetString('"fid" > 0')
    QgsProject.instance().addMapLayer(layer)
    layers.append(layer)
spots, land_use, farmland = layers
outcome = {"lost": [l.name() for l in layers if not l.crs().isValid()], "error": None}
parameters = {"SPOTS": spots, "LAND_USE": land_use, "BASIC_FARMLAND": farmland,
              "AREA_METHOD": 1, "OUTPUT": "memory:"}
try:
    processing.run("zcenforcement:screenspots", parameters)
except Exception as error:
    outcome["error"] = str(error)
for layer in layers:  # the remedy the message gives
    if not layer.crs().isValid():
        layer.setCrs(QgsCoordinateReferenceSystem("EPSG:4527"))
(spot,) = processing.run("zcenforcement:screenspots", parameters)["OUTPUT"].getFeatures()
outcome["farmland"] = spot["YJJBNTMJ"]
print("OUTCOME " + json.dumps(outcome))
"""


def test_a_filtered_layer_qgis_lost_the_crs_of_is_named_with_the_crs_its_file_declares(
    qgis_app, tmp_path
):
    """QGIS 3.22 loses the CRS of the third of three filtered layers of one GeoPackage: the run
    said "no coordinate reference system: set it first" of a file that has one. Run in a
    process of its own: the file also fails to open for a moment in that process."""
    path = tmp_path / "district.gpkg"
    outcome = run_in_child(tmp_path, FILTERED_LAYERS_CASE, str(path))
    assert outcome["lost"] == ["yjjbnt"], outcome  # QGIS's own doing, before any run
    message = outcome["error"]
    assert message and "BASIC_FARMLAND" in message and "yjjbnt" in message, outcome
    assert str(path) in message and "declares EPSG:4527" in message, outcome
    assert "Layer CRS" in message, outcome
    assert outcome["farmland"] == pytest.approx(5000.0), outcome  # with the CRS set again


def test_a_layer_without_a_crs_in_qgis_whose_file_has_none_either_is_refused_as_before(
    provider, tmp_path
):
    """Only a CRS QGIS lost is said to be in the file: a file without one is refused as such."""
    path = tmp_path / "no_crs.shp"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    QgsVectorFileWriter.writeAsVectorFormatV3(
        spots, str(path), QgsProject.instance().transformContext(), options
    )
    path.with_suffix(".prj").unlink()  # a Shapefile handed over without its .prj
    layer = QgsVectorLayer(str(path), "无坐标系图斑", "ogr")
    assert layer.isValid() and not layer.crs().isValid()
    QgsProject.instance().addMapLayer(layer)
    try:
        with pytest.raises(QgsProcessingException) as error:
            run({"SPOTS": layer})
    finally:
        QgsProject.instance().removeMapLayer(layer)
    message = str(error.value)
    assert "无坐标系图斑" in message and "has no coordinate reference system" in message, message
    assert "declares" not in message, message


@pytest.mark.parametrize(
    ("srs_id", "name"), [(0, "Undefined geographic SRS"), (-1, "Undefined Cartesian SRS")]
)
def test_a_geopackage_declaring_an_undefined_crs_is_refused_as_having_none(
    provider, tmp_path, srs_id, name
):
    """A GeoPackage written without a CRS declares srs_id 0 or -1. QGIS reads 0 as longitude/
    latitude on WGS 84: a red line so saved (Xian 1980 degrees, say) was screened as WGS 84
    without a word; -1 stopped the run with PROJ's traceback. Either is a layer without a CRS,
    as importspots already said, for a protection layer and for the spots."""
    import fiona

    transform = pyproj.Transformer.from_crs("EPSG:4527", "EPSG:4490", always_xy=True)
    corners = [transform.transform(X0 + x, Y0 + y) for x, y in ((-10, -10), (50, 50))]
    (lon0, lat0), (lon1, lat1) = corners
    path = tmp_path / "red_line_no_crs.gpkg"
    schema = {"geometry": "Polygon", "properties": {domain.RED_LINE_CODE: "str"}}
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4490", layer="STHX") as out:
        out.write(
            {
                "geometry": shapely.geometry.mapping(shapely.box(lon0, lat0, lon1, lat1)),
                "properties": {domain.RED_LINE_CODE: "HX-1"},
            }
        )
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gpkg_geometry_columns SET srs_id = ?", (srs_id,))
        db.execute("UPDATE gpkg_contents SET srs_id = ?", (srs_id,))
    assert QgsVectorLayer(str(path), "STHX", "ogr").crs().description() == name
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    for parameters in ({"SPOTS": spots, "RED_LINE": str(path)}, {"SPOTS": str(path)}):
        with pytest.raises(QgsProcessingException) as error:
            run(parameters)
        message = str(error.value)
        assert str(path) in message and "has no coordinate reference system" in message, message
        assert "Traceback" not in message, message


def test_a_3d_collection_spot_is_written_with_the_outline_it_was_measured_on(provider, tmp_path):
    """A spot stored as a GeometryCollection Z (3D data in a GeoPackage GEOMETRY layer): read
    in bulk through GDAL it was measured (TBMJ 10,000 m²), but QGIS 3.22 reads such a feature
    back as no geometry and the output, copied through QGIS, held MULTIPOLYGON EMPTY beside
    its figures (found by a fuzzer through Processing). A collection's outline is written as
    the polygons it was measured on."""
    import processing
    from osgeo import ogr, osr

    path = str(tmp_path / "spots_3d.gpkg")
    data = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    layer = data.CreateLayer("JCTB", srs, ogr.wkbUnknown)
    layer.CreateField(ogr.FieldDefn(domain.SPOT_NUMBER, ogr.OFTString))
    square = shapely.box(X0 + 300, Y0, X0 + 400, Y0 + 100)
    collection = shapely.force_3d(shapely.GeometryCollection([square]), 7.0)
    for number, geometry in (("S1", shapely.box(X0, Y0, X0 + 10, Y0 + 10)), ("S2", collection)):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField(domain.SPOT_NUMBER, number)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(geometry.wkt))
        layer.CreateFeature(feature)
    data = None
    out = str(tmp_path / "screened.gpkg")
    processing.run("zcenforcement:screenspots", {"SPOTS": path, "AREA_METHOD": 1, "OUTPUT": out})
    written = {row.properties[domain.SPOT_NUMBER]: row for row in _rows(out)}
    assert written["S2"].properties[domain.SPOT_AREA] == 10000.0
    outline = shapely.geometry.shape(written["S2"].geometry)
    assert not outline.is_empty and outline.area == pytest.approx(10000.0), outline.wkt


def _rows(path: str) -> list:
    import fiona

    with fiona.open(path) as source:
        return list(source)


def test_a_table_without_geometry_stops_naming_it(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    table = QgsVectorLayer(f"None?field={domain.RED_LINE_NAME}:string", "红线属性表", "memory")
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "RED_LINE": table})
    message = str(error.value)
    assert "红线属性表" in message and "without geometry" in message, message


def test_an_empty_protection_layer_is_said_to_be_empty_not_far_away(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    fields = f"field={domain.RED_LINE_NAME}:string"
    empty = memory_layer([], fields, name="空红线")
    no_geometry = memory_layer([(None, ["甲"]), (None, ["乙"])], fields, name="无几何红线")
    log = Log()
    parcels = memory_layer(
        [(square(-10, -10, 200), ["0702"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    parameters = {"SPOTS": spots, "LAND_USE": parcels, "RED_LINE": empty, "NO_MINING": no_geometry}
    out = by_key(run(parameters, log)["OUTPUT"])
    # Screened against nothing, as if not given: NULL, and no "of no concern" on its strength.
    assert out["S1"][domain.RED_LINE_AREA] is None or out["S1"][domain.RED_LINE_AREA] == NULL
    assert "生态保护红线、禁采区" in out["S1"][domain.VERDICT_REASON]
    assert out["S1"][domain.SUGGESTED_VERDICT] == domain.SUGGEST_FIELD_CHECK
    for name, count in (("空红线", 0), ("无几何红线", 2)):
        said = [m for m in log.messages if name in m]
        assert len(said) == 1 and f"({count} features)" in said[0], log.messages
        assert "coordinate reference system" not in said[0]


def test_a_land_use_layer_without_geometry_leaves_its_fields_empty_as_if_not_given(provider):
    """Said to be left empty "as for a layer not given", such a layer once gave GDMJ 0 and
    SFGD 0: "no cultivated land", from a layer that held none of the spot's land."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(None, ["0101"])], f"field={domain.LAND_CLASS_CODE}:string", name="无几何地类"
    )
    log = Log()
    out = by_key(run({"SPOTS": spots, "LAND_USE": parcels}, log)["OUTPUT"])
    for name in (domain.CULTIVATED_AREA, domain.CULTIVATED_FLAG, domain.UNSURVEYED_AREA):
        assert out["S1"][name] is None or out["S1"][name] == NULL, name
    assert out["S1"][domain.SPOT_AREA] > 9000
    assert "未提供地类图斑图层" in out["S1"][domain.VERDICT_REASON]
    said = [m for m in log.messages if "无几何地类" in m]
    assert len(said) == 1 and "(1 features)" in said[0], log.messages


def test_a_red_line_in_degrees_declared_as_zone_39_stops_naming_layer_and_crs(provider):
    """Read only near the spots, such a layer reached none: without this it gave every spot
    STHXMJ 0 and a warning, and a spot inside the red line could pass as clear of it."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    red_line = memory_layer(
        [(lon_lat_square(117.9, 36.6, 0.01), ["淄川红线"])],
        f"field={domain.RED_LINE_NAME}:string",
        name="红线度数",
    )
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "RED_LINE": red_line})
    message = str(error.value)
    assert "红线度数" in message and "EPSG:4527" in message, message
    assert "x=117.9000" in message and "y=36.6000" in message, message


def test_a_red_line_far_from_the_spots_but_fitting_its_crs_is_screened_with_a_warning(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    # 30 km east, still in zone 39: another district's red line, not a wrong CRS.
    red_line = memory_layer(
        [(square(30_000, 0, 100), ["邻区红线"])],
        f"field={domain.RED_LINE_NAME}:string",
        name="邻区红线层",
    )
    log = Log()
    out = by_key(run({"SPOTS": spots, "RED_LINE": red_line}, log)["OUTPUT"])
    assert out["S1"][domain.RED_LINE_AREA] == 0
    said = [m for m in log.messages if "邻区红线层" in m]
    assert len(said) == 1 and "does not reach any spot" in said[0], log.messages


def test_a_spot_field_named_fid_is_written_to_a_geopackage_under_another_name(provider, tmp_path):
    """A layer once saved from a GeoPackage keeps its fid as a plain field; merged, the values
    repeat; GDAL would take them for the GeoPackage's own feature ids and refuse them."""
    spots = memory_layer(
        [(square(0, 0, 100), ["A", 1]), (square(200, 0, 100), ["B", 1]), (None, ["C", None])],
        f"{SPOT_FIELDS}&field=fid:integer&field=fid_1:string",
    )
    log = Log()
    result = run({"SPOTS": spots, "OUTPUT": str(tmp_path / "out.gpkg")}, log)
    out = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    rows = {f[domain.SPOT_NUMBER]: f for f in out.getFeatures()}
    assert sorted(rows) == ["A", "B", "C"]
    assert [rows[k]["fid_2"] for k in "ABC"] == [1, 1, None]  # the values, unchanged
    assert rows["A"][domain.SPOT_AREA] > 9000
    assert any("fid_2" in m for m in log.messages), log.messages


def test_screening_a_screened_layer_says_where_the_new_results_are(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    first = run({"SPOTS": spots})["OUTPUT"]
    red = memory_layer([(square(0, 0, 100), ["甲"])], f"field={domain.RED_LINE_NAME}:string")
    log = Log()
    again = run({"SPOTS": first, "RED_LINE": red, "AREA_METHOD": 1}, log)["OUTPUT"]
    row = next(again.getFeatures())
    assert row[domain.RED_LINE_AREA] is None or row[domain.RED_LINE_AREA] != 10000.0  # kept
    renamed = domain.RED_LINE_AREA + "_2"
    assert renamed in again.fields().names() and row[renamed] == 10000.0
    said = [m for m in log.messages if f"{domain.RED_LINE_AREA} → {renamed}" in m]
    assert said, log.messages


@pytest.mark.parametrize("epsg, datum", [(2415, "Beijing 1954"), (2363, "Xian 1980")])
def test_a_layer_on_an_old_datum_stops_rather_than_move_by_a_guess(provider, epsg, datum):
    """PROJ moves Beijing 1954 and Xian 1980 to CGCS2000 by a 'ballpark' of no shift: the
    basic farmland under a spot then lands tens of metres away (here 72 m) and areas shrink."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(square(0, 0, 100), ["B1"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
        crs=f"EPSG:{epsg}",
        name="基本农田_旧坐标",
    )
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "BASIC_FARMLAND": farmland})
    message = str(error.value)
    assert "基本农田_旧坐标" in message and datum in message and f"EPSG:{epsg}" in message


def test_a_curved_spot_is_measured_to_the_cent(provider):
    """A circle of 100 m radius drawn as an arc: QGIS's default straightening (1° steps) would
    lose 1.4 m² of a legal figure."""
    x, y = X0 + 500, Y0 + 500
    circle = f"CURVEPOLYGON(CIRCULARSTRING({x - 100} {y},{x + 100} {y},{x - 100} {y}))"
    spots = memory_layer([(circle, ["ARC"])], SPOT_FIELDS, kind="CurvePolygon")
    out = by_key(run({"SPOTS": spots, "AREA_METHOD": 1})["OUTPUT"])
    assert out["ARC"][domain.SPOT_AREA] == pytest.approx(np.pi * 100.0**2, abs=0.01)


def test_an_output_folder_that_does_not_exist_stops_before_the_overlay(provider, tmp_path):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    missing = tmp_path / "no" / "such"
    log = Log()
    progress = []
    log.progressChanged.connect(progress.append)
    for name in ("OUTPUT", "OUTPUT_PIECES"):
        with pytest.raises(QgsProcessingException) as error:
            run({"SPOTS": spots, name: str(missing / "out.gpkg")}, log)
        assert name in str(error.value) and str(missing) in str(error.value)
    assert not progress or max(progress) < 5  # said before any overlay work


def test_routine_notes_are_warnings_and_the_log_ends_with_a_summary(provider):
    """A repaired spot is a note, not a failure (red in the dialog); the counts come last."""

    spots = memory_layer(
        [(bowtie(0, 0, 100), ["TIE"]), (square(200, 0, 100), ["OK"]), (None, ["NONE"])],
        SPOT_FIELDS,
    )
    log = Log()
    out = by_key(run({"SPOTS": spots}, log)["OUTPUT"])
    assert not log.errors, log.errors
    assert any("TIE" in w for w in log.warnings) and any("NONE" in w for w in log.warnings)
    verdicts = [f[domain.SUGGESTED_VERDICT] for f in out.values()]
    summary = next(i for i in reversed(log.infos) if i.startswith("Screened"))
    assert (
        "3" in summary
        and f"{domain.SUGGEST_FIELD_CHECK} {verdicts.count(domain.SUGGEST_FIELD_CHECK)}" in summary
    )
    assert "2" in summary.split(";")[-1]  # two spots with geometry notes


def test_approvals_count_only_when_in_force_at_the_later_image(provider):
    """An approval that ended before the later image (HSX) no longer covers the land (临-2,
    temporary land, ended 2024-06-01: its restoration year ran out 2025-06-01, before HSX);
    one granted after it came after the use began (边报边用). Both are left out of PZMJ and
    the verdict, and named in the reason; the kind of an approval in force is named."""
    spots = memory_layer(
        [
            (square(0, 0, 100), ["IN_FORCE", "2026-01-15"]),
            (square(200, 0, 100), ["EXPIRED", "2026-01-15"]),
            (square(400, 0, 100), ["LATE", "2026-01-15"]),
            (square(600, 0, 100), ["UNDATED", None]),
        ],
        f"{SPOT_FIELDS}&field={domain.SPOT_LATER_DATE}:string",
    )
    approvals = memory_layer(
        [
            (square(0, 0, 100), ["批-1", "农转用", "2024-03-01", None]),
            (square(200, 0, 100), ["临-2", "临时用地", "2023-06-01", "2024-06-01"]),
            (square(400, 0, 100), ["批-3", "农转用", "2026-03-01", None]),
            (square(600, 0, 100), ["临-4", "临时用地", "2023-06-01", "2025-06-01"]),
        ],
        f"field={domain.APPROVAL_NUMBER}:string&field={domain.APPROVAL_KIND}:string"
        f"&field={domain.APPROVAL_DATE}:date&field={domain.APPROVAL_END}:date",
    )
    parcels = memory_layer(
        [(rectangle(-10, -10, 800, 110), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    out = by_key(
        run({"SPOTS": spots, "LAND_USE": parcels, "APPROVALS": approvals, "AREA_METHOD": 1})[
            "OUTPUT"
        ]
    )
    assert out["IN_FORCE"][domain.APPROVED_AREA] == 10000.0
    assert out["IN_FORCE"][domain.SUGGESTED_VERDICT] == domain.SUGGEST_APPROVED
    assert "（农转用）" in out["IN_FORCE"][domain.VERDICT_REASON]
    for key, why in (("EXPIRED", "已于 2024-06-01 到期"), ("LATE", "批准于 2026-03-01")):
        spot = out[key]
        assert spot[domain.APPROVED_AREA] == 0 and not spot["SFPZ"], key
        assert spot[domain.SUGGESTED_VERDICT] == domain.SUGGEST_ILLEGAL, key  # 15 亩 of 0101
        assert why in spot[domain.VERDICT_REASON], spot[domain.VERDICT_REASON]
    # Without the image's date nothing can be judged: the approval counts as it stands.
    assert out["UNDATED"][domain.APPROVED_AREA] == 10000.0
    assert "（临时用地）" in out["UNDATED"][domain.VERDICT_REASON]


def test_an_approval_date_that_is_no_date_is_said_and_taken_as_unknown(provider):
    spots = memory_layer(
        [(square(0, 0, 100), ["S1", "2026-01-15"])],
        f"{SPOT_FIELDS}&field={domain.SPOT_LATER_DATE}:string",
    )
    approvals = memory_layer(
        [(square(0, 0, 100), ["批-1", "长期"])],
        f"field={domain.APPROVAL_NUMBER}:string&field={domain.APPROVAL_END}:string",
        name="批准_坏日期",
    )
    log = Log()
    out = by_key(run({"SPOTS": spots, "APPROVALS": approvals, "AREA_METHOD": 1}, log)["OUTPUT"])
    assert out["S1"][domain.APPROVED_AREA] == 10000.0  # an unknown end does not end it
    said = [m for m in log.messages if "批准_坏日期" in m and domain.APPROVAL_END in m]
    assert said and "长期" in said[0], log.messages


def test_an_approval_ending_before_it_was_granted_is_said_and_counted_whatever_its_term(
    provider,
):
    """Dates typed swapped: judged by them the approval had ended before the image, and its
    15 亩 of cultivated land became 疑似违法 at referral scale, with nothing said. Its term is
    taken as unknown: it counts, as an undated approval does, but the spot is checked, not
    cleared on its strength (已批准覆盖 would bury it), and the log and the reason name it."""
    spots = memory_layer(
        [(square(0, 0, 100), ["S1", "2026-01-15"])],
        f"{SPOT_FIELDS}&field={domain.SPOT_LATER_DATE}:string",
    )
    approvals = memory_layer(
        [(square(0, 0, 100), ["鲁政土字〔2024〕2号", "2024-03-01", "2023-03-01"])],
        f"field={domain.APPROVAL_NUMBER}:string&field={domain.APPROVAL_DATE}:date"
        f"&field={domain.APPROVAL_END}:date",
        name="批准_日期颠倒",
    )
    parcels = memory_layer(
        [(rectangle(-10, -10, 200, 110), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    log = Log()
    parameters = {"SPOTS": spots, "LAND_USE": parcels, "APPROVALS": approvals, "AREA_METHOD": 1}
    out = by_key(run(parameters, log)["OUTPUT"])
    assert out["S1"][domain.APPROVED_AREA] == 10000.0
    assert out["S1"][domain.SUGGESTED_VERDICT] == domain.SUGGEST_FIELD_CHECK
    assert out["S1"][domain.REVIEW_PRIORITY] == 3
    reason = out["S1"][domain.VERDICT_REASON]
    assert "鲁政土字〔2024〕2号 截止日期早于批准日期" in reason and "核实批准用地期限" in reason
    assert not out["S1"][domain.CRIMINAL_FLAG]
    said = [m for m in log.warnings if "批准_日期颠倒" in m]
    assert len(said) == 1, log.messages
    assert "鲁政土字〔2024〕2号" in said[0] and "2024-03-01" in said[0] and "2023-03-01" in said[0]


def test_a_layer_given_as_selected_features_only_is_named_by_its_name(provider):
    from qgis.core import QgsProcessingFeatureSourceDefinition

    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS, name="卫片图斑2026Q1")
    parcels = memory_layer(
        [(square(0, 0, 100), ["0101"])],
        f"field={domain.LAND_CLASS_CODE}:string",
        name="地类图斑DLTB",
    )
    project = QgsProject.instance()
    project.addMapLayers([spots, parcels])
    try:
        parcels.selectAll()
        selected = QgsProcessingFeatureSourceDefinition(parcels.id(), True)
        with pytest.raises(QgsProcessingException) as error:
            run({"SPOTS": spots, "LAND_USE": selected, "LAND_USE_CLASS_FIELD": "DLBM_X"})
        message = str(error.value)
        assert "地类图斑DLTB" in message and parcels.id() not in message, message
    finally:
        project.removeMapLayers([spots.id(), parcels.id()])


@pytest.mark.parametrize("ids", [[1, 1, 2], [5, -1, 6], [0, 7, 8]])
def test_a_fid_field_that_cannot_be_ids_is_renamed(provider, tmp_path, ids):
    """Repeated values, and -1 or 0, which GDAL reads as "no id", would fail or be changed."""
    spots = memory_layer(
        [(square(200 * i, 0, 100), [f"S{i}", v]) for i, v in enumerate(ids)],
        f"{SPOT_FIELDS}&field=fid:integer",
    )
    log = Log()
    result = run({"SPOTS": spots, "OUTPUT": str(tmp_path / "out.gpkg")}, log)
    out = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    assert [f["fid_1"] for f in out.getFeatures()] == ids


def test_a_geopackage_spot_layer_keeps_its_feature_ids_in_a_geopackage_output(provider, tmp_path):
    """QGIS shows a GeoPackage's own key as a field named fid: it is no clash, and the
    output keeps the ids the pieces' TBFID refer to."""
    spots = memory_layer([(square(200 * i, 0, 100), [f"S{i}"]) for i in range(4)], SPOT_FIELDS)
    path = write_gpkg(spots, tmp_path / "spots.gpkg")
    layer = QgsVectorLayer(path, "spots", "ogr")
    assert "fid" in layer.fields().names()
    assert layer.dataProvider().deleteFeatures([1, 3])
    log = Log()
    result = run(
        {
            "SPOTS": layer,
            "OUTPUT": str(tmp_path / "out.gpkg"),
            "OUTPUT_PIECES": str(tmp_path / "pieces.gpkg"),
        },
        log,
    )
    out = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    assert "fid_1" not in out.fields().names()
    assert sorted(f.id() for f in out.getFeatures()) == [2, 4]
    assert not [m for m in log.messages if "fid_" in m], log.messages


def test_a_hand_made_crs_on_grs80_is_transformed_not_refused(provider):
    """A PROJ string with GRS80 and no datum name is CGCS2000 in effect: PROJ calls the move
    a ballpark, but on the same ellipsoid there is nothing to guess. Krassowsky is refused."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    fields = f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    ring = rectangle(0, 0, 100, 50, dx=X0 - 39_000_000)  # the same place without the prefix
    for ellipsoid, refused in (("GRS80", False), ("krass", True)):
        farmland = memory_layer([(ring, ["B1"])], fields, name=f"farmland_{ellipsoid}")
        farmland.setCrs(
            QgsCoordinateReferenceSystem.fromProj(
                f"+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps={ellipsoid} "
                "+units=m +no_defs"
            )
        )
        parameters = {"SPOTS": spots, "BASIC_FARMLAND": farmland, "AREA_METHOD": 1}
        if refused:
            with pytest.raises(QgsProcessingException) as error:
                run(parameters)
            assert "farmland_krass" in str(error.value)
        else:
            out = by_key(run(parameters)["OUTPUT"])
            assert out["S1"][domain.BASIC_FARMLAND_AREA] == pytest.approx(5000.0, abs=0.01)


def test_partial_outputs_never_remove_a_layer_that_was_there_before(tmp_path):
    """A run that overwrote a layer of an existing GeoPackage and then stopped: that layer is
    reported incomplete, not removed, and the file's other layers stay; a layer the run added
    is removed."""
    from osgeo import ogr, osr

    from zc_enforcement_plugin.processing.partial_outputs import PartialOutputs

    gpkg = tmp_path / "bureau.gpkg"
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(4527)
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(gpkg))
    for name in ("ledger_copy", "overwritten"):
        source.CreateLayer(name, crs, ogr.wkbPolygon)
    source = None
    begun = PartialOutputs()
    for name in ("overwritten", "added"):
        begun.about_to_open(f"ogr:dbname='{gpkg}' table=\"{name}\" (geom)")
    source = ogr.Open(str(gpkg), 1)
    source.CreateLayer("added", crs, ogr.wkbPolygon)
    source = None
    assert begun.discard() == [f"{gpkg}|layername=overwritten"]
    source = ogr.Open(str(gpkg))
    names = {source.GetLayer(i).GetName() for i in range(source.GetLayerCount())}
    assert names == {"ledger_copy", "overwritten"}


@pytest.mark.parametrize("algorithm", ["screenspots", "audittemporaryland", "importspots"])
def test_a_file_that_is_not_what_its_name_says_is_named_as_such(provider, tmp_path, algorithm):
    """QGIS says "Could not load source layer … not found" of a file that is there: a text file
    named .shp or a zip named .gpkg is said to be there but unreadable, a missing file missing,
    each with its parameter and path."""
    import processing

    text = tmp_path / "spots.shp"
    text.write_text("JCBH,TBMJ\n1,2\n")
    zipped = tmp_path / "district.gpkg"
    zipped.write_bytes(b"PK\x03\x04" + bytes(200))
    parameter = "APPROVALS" if algorithm == "audittemporaryland" else "SPOTS"
    for given, said in (
        (text, "is there, but it is not a layer QGIS can read"),
        (zipped, "is there, but it is not a layer QGIS can read"),
        (tmp_path / "gone.gpkg", "does not exist"),
    ):
        value = str(given) if given.suffix == ".shp" else f"{given}|layername=JCTB"
        parameters = {parameter: value, "GROUND": value, "OUTPUT": "memory:"}
        if algorithm == "importspots":
            parameters.update(LEDGER=str(tmp_path / "ledger.gpkg"), BATCH="b")
        with pytest.raises(QgsProcessingException) as stop:
            processing.run(f"zcenforcement:{algorithm}", parameters)
        message = str(stop.value)
        assert (
            f"(parameter {parameter}): " in message and str(given) in message and said in message
        ), message


@pytest.mark.parametrize(
    "algorithm, parameter",
    [
        ("screenspots", "SPOTS"),
        ("importspots", "SPOTS"),
        ("audittemporaryland", "APPROVALS"),
        ("polygonizechange", "RASTER"),
    ],
)
def test_a_relative_path_is_checked_as_a_file_too(
    provider, tmp_path, monkeypatch, algorithm, parameter
):
    """Found by the README walk-through: the README's qgis_process lines give relative paths
    (`SPOTS=spots.shp`), and a text file named .shp given so was said "fake.shp not found" in
    English (importspots: "cannot be opened", without the file), as the check skipped every
    path not absolute. Read from the working directory, as QGIS reads it."""
    import processing

    monkeypatch.chdir(tmp_path)
    name = "change.tif" if algorithm == "polygonizechange" else "fake.shp"
    (tmp_path / name).write_text("not a layer\n")
    missing = "gone.tif" if algorithm == "polygonizechange" else "gone.gpkg"
    for given, said in ((name, "is there, but it is not a"), (missing, "does not exist")):
        parameters = {
            parameter: given,
            "GROUND": given,
            "OUTPUT": "memory:",
            "LEDGER": str(tmp_path / "ledger.gpkg"),
            "BATCH": "b",
        }
        with pytest.raises(QgsProcessingException) as stop:
            processing.run(f"zcenforcement:{algorithm}", parameters)
        message = str(stop.value)
        assert f"(parameter {parameter}): " in message and str(tmp_path / given) in message, message
        assert said in message, message


@pytest.mark.parametrize(
    "algorithm, parameter",
    [("polygonizechange", "RASTER"), ("exportverification", "AFTER_IMAGE")],
)
def test_a_file_that_is_not_a_raster_is_named_as_such(provider, tmp_path, algorithm, parameter):
    """Found by the bad-input review: a text file, an empty file or a zip named .tif, or a
    GeoPackage of spots given for an image, was said "not found" by QGIS though it is there."""
    import processing

    text = tmp_path / "change.tif"
    text.write_text("not an image\n")
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    zipped = tmp_path / "after.tif"
    zipped.write_bytes(b"PK\x03\x04" + bytes(200))
    vector = tmp_path / "spots.gpkg"
    write_gpkg(memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS), vector)
    unreadable = "is there, but it is not a raster QGIS can read"
    for given, said in (
        (text, unreadable),
        (empty, unreadable),
        (zipped, unreadable),
        (vector, "is there, but it is a vector layer, not a raster"),
        (tmp_path / "gone.tif", "does not exist"),
    ):
        parameters = {
            parameter: str(given),
            "OUTPUT": "memory:",
            "LEDGER": str(tmp_path / "ledger.gpkg"),
            "OUTPUT_FOLDER": str(tmp_path / "out"),
        }
        with pytest.raises(QgsProcessingException) as stop:
            processing.run(f"zcenforcement:{algorithm}", parameters)
        message = str(stop.value)
        assert (
            f"(parameter {parameter}): " in message and str(given) in message and said in message
        ), message


@pytest.mark.parametrize(
    "algorithm, parameter",
    [("polygonizechange", "RASTER"), ("exportverification", "AFTER_IMAGE")],
)
@pytest.mark.parametrize("folder", ["卫片.zip解压", "tmp.gzDE3l"])
def test_an_image_in_a_folder_qgis_takes_for_an_archive_is_said_so(
    provider, tmp_path, algorithm, parameter, folder
):
    """Found by a fresh clone whose temporary folder happened to be /tmp/tmp.gz…: QGIS 3.22
    opens no raster from a path holding .zip or .gz, and the demo's image, whole, was said
    to be damaged."""
    import processing
    from osgeo import gdal

    image = tmp_path / folder / "after.tif"
    image.parent.mkdir()
    written = gdal.GetDriverByName("GTiff").Create(str(image), 8, 8, 1, gdal.GDT_Byte)
    written.SetGeoTransform((39_500_000.0, 1.0, 0.0, 4_030_000.0, 0.0, -1.0))
    written = None  # closed: the file complete
    parameters = {
        parameter: str(image),
        "OUTPUT": "memory:",
        "LEDGER": str(tmp_path / "ledger.gpkg"),
        "OUTPUT_FOLDER": str(tmp_path / "out"),
    }
    with pytest.raises(QgsProcessingException) as stop:
        processing.run(f"zcenforcement:{algorithm}", parameters)
    message = str(stop.value)
    assert f"(parameter {parameter}): " in message and str(image) in message, message
    assert "rename the folder" in message and "damaged" not in message, message


@pytest.mark.parametrize(
    "parameter, said",
    [
        ("TOWNS", f"has no field {domain.TOWN_NAME}, {domain.OFFICE_NAME}"),
        ("PIECES", f"has no field {domain.PIECE_LAYER}"),
    ],
)
def test_import_names_the_file_of_a_towns_or_pieces_layer_missing_fields(
    provider, tmp_path, parameter, said
):
    """Found by the bad-input review: "The towns layer has no field XZMC, SMC." and "Layer
    pieces has no field TCMC" named no file: which of the district's files was given?"""
    import processing

    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    wrong = tmp_path / "district_2024.gpkg"
    write_gpkg(memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS), wrong)
    with pytest.raises(QgsProcessingException) as stop:
        processing.run(
            "zcenforcement:importspots",
            {
                "SPOTS": spots,
                "LEDGER": str(tmp_path / "ledger.gpkg"),
                "BATCH": "b",
                parameter: str(wrong),
            },
        )
    message = str(stop.value)
    assert said in message and str(wrong) in message, message


def test_a_missing_field_names_the_file_of_its_layer(provider, tmp_path):
    """Every district's GeoPackage holds a DLTB: a missing class field names the file too."""
    import processing

    parcels = memory_layer([(square(0, 0, 100), ["x"])], "field=NAME:string")
    gpkg = tmp_path / "district_2024.gpkg"
    write_gpkg(parcels, gpkg)
    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    for layer, said in (("DLTB", "has no layer DLTB"), (gpkg.stem, domain.LAND_CLASS_CODE)):
        with pytest.raises(QgsProcessingException) as stop:
            processing.run(
                "zcenforcement:screenspots",
                {"SPOTS": spots, "LAND_USE": f"{gpkg}|layername={layer}", "OUTPUT": "memory:"},
            )
        message = str(stop.value)
        assert said in message and str(gpkg) in message, message


# --- repaired spots: the output shows the outline its figures were measured on -------------------
def repaired_spot_rows(epsg: int) -> list[tuple[str, list]]:
    """A bow-tie, a hole drawn outside its shell, a ring touching itself and a valid square,
    in EPSG:4527 or, vertex by vertex, in EPSG:4490 (as invalid there as here)."""
    x, y = X0, Y0
    shell = f"({x + 100} {y},{x + 140} {y},{x + 140} {y + 40},{x + 100} {y + 40},{x + 100} {y})"
    hole = f"({x + 200} {y},{x + 220} {y},{x + 220} {y + 20},{x + 200} {y + 20},{x + 200} {y})"
    touching = (
        f"POLYGON(({x + 250} {y},{x + 290} {y},{x + 270} {y + 20},{x + 290} {y + 40},"
        f"{x + 250} {y + 40},{x + 270} {y + 20},{x + 250} {y}))"
    )
    rows = [
        (bowtie(0, 0, 40), ["TIE"]),
        (f"POLYGON({shell},{hole})", ["HOLE_OUT"]),
        (touching, ["TOUCHING"]),
        (square(300, 0, 40), ["OK"]),
    ]
    if epsg == 4527:
        return rows
    from pyproj import Transformer

    to_lon_lat = Transformer.from_crs(4527, epsg, always_xy=True)
    moved = [
        shapely.transform(
            shapely.from_wkt(wkt), lambda xy: np.column_stack(to_lon_lat.transform(*xy.T))
        )
        for wkt, _ in rows
    ]
    return [(shapely.to_wkt(g, rounding_precision=-1), row[1]) for g, row in zip(moved, rows)]


@pytest.mark.parametrize("epsg", [4527, 4490])
def test_a_repaired_spot_is_written_with_the_outline_its_figures_were_measured_on(provider, epsg):
    """Its output geometry is the repaired shape, in the spot layer's CRS (a geographic layer is
    measured in its Gauss-Krüger zone and the outline comes back): its ellipsoidal area,
    measured independently, is TBMJ, and its pieces of land use fill it. The delivered rings
    gave QGIS's $area 0 m² for a bow-tie of TBMJ 800 m²."""
    from tests.geodesy import geodesic_area

    spots = memory_layer(repaired_spot_rows(epsg), SPOT_FIELDS, crs=f"EPSG:{epsg}", kind="Polygon")
    parcels = memory_layer(
        [(rectangle(-10, -10, 400, 50), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    result = run({"SPOTS": spots, "LAND_USE": parcels, "OUTPUT_PIECES": "memory:"})
    out = result["OUTPUT"]
    assert out.crs().authid() == f"EPSG:{epsg}"
    outlines = {}
    for feature in out.getFeatures():
        key = feature[domain.SPOT_NUMBER]
        outline = shapely.from_wkb(bytes(feature.geometry().asWkb()))
        assert outline.is_valid, key
        assert geodesic_area(outline, epsg) == pytest.approx(feature[domain.SPOT_AREA], abs=0.01), (
            key
        )
        outlines[key] = outline
    assert set(outlines) == {"TIE", "HOLE_OUT", "TOUCHING", "OK"}
    assert by_key(out)["TIE"][domain.SPOT_AREA] > 799  # the bow-tie's two triangles
    # The pieces (in the measuring CRS, EPSG:4527) cover each spot's outline exactly.
    from pyproj import Transformer

    to_measuring = Transformer.from_crs(epsg, 4527, always_xy=True)
    pieces: dict[str, list] = {}
    for piece in result["OUTPUT_PIECES"].getFeatures():
        pieces.setdefault(piece[domain.SPOT_NUMBER], []).append(
            shapely.from_wkb(bytes(piece.geometry().asWkb()))
        )
    for key, outline in outlines.items():
        measured = shapely.transform(
            outline, lambda xy: np.column_stack(to_measuring.transform(*xy.T))
        )
        apart = shapely.symmetric_difference(measured, shapely.union_all(pieces[key]))
        assert apart.area < 0.01, key


def test_without_land_use_and_basic_farmland_the_referral_flag_and_priority_are_not_claimed(
    provider,
):
    """No layer given: a 15 亩 spot may be at referral scale (SFXS NULL, said in the log), a
    2.4 亩 one cannot hold 5 亩 of basic farmland nor 10 of cultivated land (SFXS 0); neither
    is ranked "4 the rest" (YXJ NULL), as nothing was checked."""
    spots = memory_layer(
        [(square(0, 0, 100), ["BIG"]), (square(200, 0, 40), ["SMALL"])], SPOT_FIELDS
    )
    log = Log()
    out = by_key(run({"SPOTS": spots}, log)["OUTPUT"])
    assert out["BIG"][domain.CRIMINAL_FLAG] == NULL and out["SMALL"][domain.CRIMINAL_FLAG] == 0
    assert out["BIG"][domain.REVIEW_PRIORITY] == NULL == out["SMALL"][domain.REVIEW_PRIORITY]
    assert any("0 reach" in m and "1 spots could not be tested" in m for m in log.infos), log.infos


def _shapefile_set(layer, path) -> None:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    options.fileEncoding = "UTF-8"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error


@pytest.mark.parametrize(
    "side, said",
    [
        (".shx", "SHAPE_RESTORE_SHX"),
        (".dbf", "attribute table"),
        (".prj", "no coordinate reference system"),
    ],
)
def test_a_shapefile_missing_a_side_file_is_named_by_that_file(provider, tmp_path, side, said):
    """Found by review: a land-use Shapefile without its .shx was said "not a layer QGIS can
    read … damaged", one without its .dbf "has no field DLBM (fields: )": neither named the
    file missing. Now the parameter and the missing file are named, with how GDAL rebuilds an
    index; a missing .prj is the CRS question the reader asks of any layer."""
    parcels = memory_layer(
        [(square(0, 0, 100), ["0101"])], f"field={domain.LAND_CLASS_CODE}:string(4)"
    )
    path = tmp_path / "parcels.shp"
    _shapefile_set(parcels, path)
    path.with_suffix(side).unlink()
    spots = memory_layer([(square(10, 10, 20), ["S1"])], SPOT_FIELDS, name="spots")
    with pytest.raises(QgsProcessingException) as stop:
        run({"SPOTS": spots, "LAND_USE": str(path)})
    message = str(stop.value)
    assert said in message and "parcels" in message, message
    if side != ".prj":
        assert "LAND_USE" in message and str(path.with_suffix(side)) in message, message
    assert "Traceback" not in message


def test_a_mapinfo_output_stopped_while_writing_is_removed_with_its_side_files(provider, tmp_path):
    """Found by review: screenspots to s.tab failed on an empty spot and removed s.tab, but left
    s.dat, s.id and s.map, which look like a table in a file browser. A MapInfo table's side
    files go with it, as a Shapefile's do; a file of another name stays."""
    from zc_enforcement_plugin.processing.partial_outputs import PartialOutputs

    begun = PartialOutputs()
    begun.about_to_open(str(tmp_path / "s.tab"))
    for suffix in (".tab", ".dat", ".id", ".map", ".ind"):
        (tmp_path / f"s{suffix}").write_bytes(b"x")
    (tmp_path / "other.dat").write_bytes(b"x")
    assert begun.discard() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.dat"]


def _summary(log: Log) -> str:
    return next(i for i in reversed(log.infos) if i.startswith("Screened"))


_NOT_GIVEN = "because the {} not given"
_CAUSES = {
    "neither": _NOT_GIVEN.format("land-use and basic-farmland layers were"),
    "land use": _NOT_GIVEN.format("land-use layer was"),
    "farmland": _NOT_GIVEN.format("basic-farmland layer was"),
    "unclassed": "because land of unknown class (WDCMJ) could be cultivated",
    "no geometry": "because the spot has no geometry",
}


@pytest.mark.parametrize(
    "given, said",
    [
        ((), {"neither": 3, "no geometry": 1}),
        (("LAND_USE",), {"farmland": 2, "no geometry": 1}),
        (("BASIC_FARMLAND",), {"land use": 3, "no geometry": 1}),
        (("LAND_USE", "BASIC_FARMLAND"), {"unclassed": 1, "no geometry": 1}),
    ],
)
def test_the_summary_counts_each_cause_of_an_untested_referral_and_no_other(provider, given, said):
    """Found by review: the log's summary of the spots left with SFXS empty gave every cause
    there could be (a layer not given, land of unknown class, no geometry) whatever applied:
    a run with both layers was told a layer was missing. Now each cause that occurred is said
    with its count of spots, and no other.

    BIG is 15 亩 of cultivated land (0101); FARM 12 亩 of it, 1.5 亩 of which basic farmland;
    OPEN 12 亩 under no parcel (land of unknown class); SMALL 2.4 亩, too small to reach
    either threshold; NONE has no geometry."""
    spots = memory_layer(
        [
            (square(0, 0, 100), ["BIG"]),
            (rectangle(200, 0, 300, 80), ["FARM"]),
            (rectangle(400, 0, 500, 80), ["OPEN"]),
            (square(600, 0, 40), ["SMALL"]),
            (None, ["NONE"]),
        ],
        SPOT_FIELDS,
    )
    layers = {
        "LAND_USE": memory_layer(
            [(rectangle(-10, -10, 310, 110), ["0101"])],
            f"field={domain.LAND_CLASS_CODE}:string",
            name="dltb",
        ),
        "BASIC_FARMLAND": memory_layer(
            [(rectangle(200, 0, 300, 10), ["B1"])],
            f"field={domain.BASIC_FARMLAND_NUMBER}:string",
            name="yjjbnt",
        ),
    }
    log = Log()
    run({"SPOTS": spots, "AREA_METHOD": 1, **{name: layers[name] for name in given}}, log)
    summary = _summary(log)
    untested = summary[summary.index("could not be tested") :]
    for cause, words in _CAUSES.items():
        if cause in said:
            assert f"{said[cause]} {words}" in untested, untested
        else:
            assert words not in untested, untested
    assert untested.startswith("could not be tested against the threshold (SFXS left empty)")
    assert f" {sum(said.values())} spots could not be tested" in summary, summary


def test_a_spot_layer_without_features_is_said_not_screened_in_silence(provider):
    """It ran "successfully", 0 spots screened, nothing said: a wrong layer, or "selected
    features only" with none selected, looked like a batch with nothing to report."""
    log = Log()
    out = run({"SPOTS": memory_layer([], SPOT_FIELDS, name="空图斑")}, log)["OUTPUT"]
    assert out.featureCount() == 0
    said = [m for m in log.warnings if "空图斑" in m]
    assert len(said) == 1 and "no features" in said[0], log.messages


def test_in_chinese_the_summary_runs_on_without_a_space_and_parameters_are_named_as_shown(
    provider, tmp_path
):
    """Found in a real QGIS in Chinese: "（JHWT）。 1 个图斑…", a stray space after a full stop;
    "SPOTS：…", a parameter named as only scripts know it."""
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    log = Log()
    try:
        spots = memory_layer([(None, ["NONE"])], SPOT_FIELDS)
        run({"SPOTS": spots}, log)
        gone = tmp_path / "gone.gpkg"
        with pytest.raises(QgsProcessingException) as stop:
            run({"SPOTS": str(gone)})
    finally:
        QCoreApplication.removeTranslator(translator)
    summary = next(i for i in reversed(log.infos) if i.startswith("已筛查"))
    assert "（JHWT）。1 个图斑" in summary, summary
    assert f"卫片图斑（JCTB）（参数 SPOTS）：文件 {gone}" in str(stop.value), str(stop.value)


def test_an_image_date_that_is_no_date_names_the_spot_by_its_number(provider):
    """It named "feature 2", a row the technician cannot search the batch for."""
    spots = memory_layer(
        [(square(0, 0, 100), ["S1", "2026-01-15"]), (square(200, 0, 100), ["S2", "unknown"])],
        f"{SPOT_FIELDS}&field={domain.SPOT_LATER_DATE}:string",
        name="卫片",
    )
    log = Log()
    run({"SPOTS": spots}, log)
    said = [m for m in log.warnings if domain.SPOT_LATER_DATE in m and "not dates" in m]
    assert len(said) == 1 and "(S2: unknown)" in said[0], log.messages


@pytest.mark.parametrize("stored", ["memory", "gpkg"])
def test_a_spot_in_a_hole_drawn_outside_a_red_line_s_shell_is_inside_the_repaired_line(
    provider, tmp_path, stored
):
    """Repaired, such a hole is red line. QGIS's memory provider finds a polygon by its outer
    ring's box, so the feature was never read for a spot lying in the hole alone (STHXMJ 0);
    read from a GeoPackage it was overlaid, but the log said the layer reached no spot."""
    shell = rectangle(1000, 0, 1100, 100)[len("POLYGON(") : -1]
    hole = rectangle(1200, 0, 1220, 20)[len("POLYGON(") : -1]
    red = memory_layer(
        [(f"POLYGON({shell},{hole})", ["红线-1"])],
        f"field={domain.RED_LINE_NAME}:string",
        kind="Polygon",
        name="红线",
    )
    source = red if stored == "memory" else write_gpkg(red, tmp_path / "red.gpkg")
    spots = memory_layer([(rectangle(1205, 5, 1215, 15), ["S1"])], SPOT_FIELDS)
    log = Log()
    out = by_key(run({"SPOTS": spots, "RED_LINE": source, "AREA_METHOD": 1}, log)["OUTPUT"])
    assert out["S1"][domain.RED_LINE_AREA] == 100.0
    assert "红线-1" in out["S1"][domain.GEOMETRY_NOTE]
    assert not [m for m in log.messages if "does not reach any spot" in m], log.messages
