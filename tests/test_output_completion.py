"""A run whose output file could not be completed fails and leaves no file, not an empty one.

GDAL commits a GeoPackage when QGIS destroys its writer, after the last feature was accepted;
on a full disk that COMMIT fails, said only on GDAL's stderr, and the file holds no layer. A
full disk is made here without a mount, as root and not: the run goes in a process of its own
whose files may grow to FILE_LIMIT bytes (RLIMIT_FSIZE; a write past it fails as on a full
disk rather than killing the process, SIGXFSZ being ignored).
"""

from __future__ import annotations

import json

from osgeo import ogr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsProcessingContext,
    QgsProject,
)

from tests.processing_child import run_in_child
from zc_enforcement_plugin.compat import FIELD_STRING, WKB_MULTIPOLYGON, WKB_NO_GEOMETRY
from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.processing.base import add_features, open_sink, run_outputs
from zc_enforcement_plugin.processing.screen_spots import ScreenSpots

# Above the GeoPackage QGIS makes before the first feature (96 KB), below what the run writes.
FILE_LIMIT = 160 * 1024

FULL_DISK = f"""
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({FILE_LIMIT}, {FILE_LIMIT}))
"""

# 1,500 spots over one land-use parcel, each with a 100-character note: some 600 KB written.
SCREEN_CASE = """
from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
out, pieces = args

def layer(fields, rows, name):
    made = QgsVectorLayer("MultiPolygon?crs=EPSG:4527&" + fields, name, "memory")
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(made.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(attributes)
        features.append(feature)
    made.dataProvider().addFeatures(features)
    return made

def square(x, y, size):
    x, y = 39580000 + x, 4050000 + y
    return f"POLYGON(({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"

spots = layer(
    "field=JCBH:string(20)&field=BZ:string(200)",
    [(square(30 * (i % 40), 30 * (i // 40), 20), [f"S{i:05d}", "备注" * 50]) for i in range(1500)],
    "spots",
)
land_use = layer(
    "field=DLBM:string(10)&field=DLMC:string(20)",
    [(square(-100, -100, 2000), ["0101", "水田"])],
    "land_use",
)
outcome = {"error": None, "results": None}
try:
    results = processing.run(
        "zcenforcement:screenspots",
        {"SPOTS": spots, "LAND_USE": land_use, "OUTPUT": out, "OUTPUT_PIECES": pieces},
    )
    outcome["results"] = {k: str(v) for k, v in results.items()}
except Exception as error:
    outcome["error"] = str(error)
print("OUTCOME " + json.dumps(outcome))
"""


def layer_count(path) -> dict[str, int] | str:
    """Features by layer of a file, or why there are none."""
    source = ogr.Open(str(path))
    if source is None:
        return f"{path} cannot be opened"
    return {
        source.GetLayer(i).GetName(): source.GetLayer(i).GetFeatureCount()
        for i in range(source.GetLayerCount())
    }


def test_screening_into_a_geopackage_the_disk_cannot_hold_fails_and_leaves_no_file(
    qgis_app, tmp_path
):
    out, pieces = tmp_path / "out.gpkg", tmp_path / "pieces.gpkg"
    outcome = run_in_child(tmp_path, SCREEN_CASE, str(out), str(pieces), before=FULL_DISK)
    # The old run said it succeeded and left out.gpkg with no layer "out" in it.
    assert outcome["results"] is None, (outcome, out.exists() and layer_count(out))
    error = outcome["error"]
    assert str(out) in error, error
    assert "disk may be full" in error, error
    assert "Traceback" not in error, error
    assert not out.exists() and not pieces.exists(), json.dumps(outcome)


def test_the_same_screening_with_room_on_the_disk_holds_every_spot(qgis_app, tmp_path):
    """The check counts what the files hold: a run with room passes it, every spot written."""
    out, pieces = tmp_path / "out.gpkg", tmp_path / "pieces.gpkg"
    outcome = run_in_child(tmp_path, SCREEN_CASE, str(out), str(pieces))
    assert outcome["error"] is None, outcome
    assert layer_count(out) == {"out": 1500}
    assert layer_count(pieces)["pieces"] >= 1500
    assert out.stat().st_size > FILE_LIMIT  # else the limit above would not stop the write


def opened_and_written(algorithm, destination: str, geometry_type, count: int = 3) -> str:
    """Output OUTPUT of `algorithm` opened at `destination` and given `count` features, as an
    algorithm writes one; its sink is then closed with the run's others."""
    fields = QgsFields()
    fields.append(QgsField(domain.SPOT_NUMBER, FIELD_STRING, "string", 20))
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    sink, dest = open_sink(
        algorithm,
        {"OUTPUT": destination},
        "OUTPUT",
        context,
        fields,
        geometry_type,
        QgsCoordinateReferenceSystem("EPSG:4527"),
    )
    features = []
    for i in range(count):
        feature = QgsFeature(fields)
        feature.setAttributes([f"S{i}"])
        features.append(feature)
    add_features(sink, features, "OUTPUT")
    return dest


def test_each_written_file_is_found_whole_and_memory_layers_are_not_asked(qgis_app, tmp_path):
    algorithm = ScreenSpots()
    algorithm.initAlgorithm({})
    dests = [
        opened_and_written(algorithm, str(tmp_path / "spots.gpkg"), WKB_MULTIPOLYGON),
        opened_and_written(algorithm, str(tmp_path / "spots.shp"), WKB_MULTIPOLYGON),
        opened_and_written(algorithm, str(tmp_path / "table.shp"), WKB_NO_GEOMETRY),  # a .dbf
        opened_and_written(algorithm, str(tmp_path / "spots.csv"), WKB_NO_GEOMETRY),
        # All text, a spreadsheet's row of field names would be read as one feature more.
        opened_and_written(algorithm, str(tmp_path / "table.xlsx"), WKB_NO_GEOMETRY),
        opened_and_written(algorithm, str(tmp_path / "table.ods"), WKB_NO_GEOMETRY),
        opened_and_written(algorithm, "TEMPORARY_OUTPUT", WKB_MULTIPOLYGON),  # a bare layer id
    ]
    assert run_outputs(algorithm).unfinished(dests) == []
    assert dests[2].endswith("table.dbf")


def test_a_file_holding_fewer_features_than_written_is_named_with_both_counts(qgis_app, tmp_path):
    """A file left short (as a full disk may leave a Shapefile's last records) is found by its
    count, in any format, not by GeoPackage's missing table alone."""
    algorithm = ScreenSpots()
    algorithm.initAlgorithm({})
    dest = opened_and_written(algorithm, str(tmp_path / "spots.shp"), WKB_MULTIPOLYGON)
    run_outputs(algorithm).close()  # the file complete, as after the run
    source = ogr.Open(dest, 1)
    source.GetLayer(0).DeleteFeature(2)
    source.ExecuteSQL("REPACK spots")
    source = None
    assert run_outputs(algorithm).unfinished([dest]) == [
        f"{dest}: it holds 2 of the 3 features written"
    ]
    # Only the results the run reports are asked: an output it gave up is not.
    assert run_outputs(algorithm).unfinished([]) == []


def test_a_flatgeobuf_that_dropped_features_without_geometry_is_found_short(qgis_app, tmp_path):
    """FlatGeobuf leaves out a feature without geometry without a word (QGIS 3.22, GDAL 3.6):
    a loss the count finds in whichever algorithm wrote it."""
    algorithm = ScreenSpots()
    algorithm.initAlgorithm({})
    dest = opened_and_written(algorithm, str(tmp_path / "spots.fgb"), WKB_MULTIPOLYGON)
    assert run_outputs(algorithm).unfinished([dest]) == [
        f"{dest}: it holds 0 of the 3 features written"
    ]
