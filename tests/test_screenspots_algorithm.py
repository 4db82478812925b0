"""screenspots end to end through processing.run: on the demo district and on hand-made layers
checked against QGIS's own ellipsoidal measure (QgsDistanceArea). The comparisons with QGIS's
native overlay tools are in test_screenspots_independent.py."""

from __future__ import annotations

import codecs

import numpy as np
import pytest
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from tests.screening_layers import (
    X0,
    Y0,
    by_key,
    memory_layer,
    rectangle,
    shapefile_without_cpg,
    square,
    write_gpkg,
)
from zc_enforcement_plugin.core import domain


def run(parameters: dict) -> dict:
    import processing

    return processing.run("zcenforcement:screenspots", {"OUTPUT": "memory:", **parameters})


def test_demo_district_end_to_end(provider, demo):
    gpkg = demo.gpkg
    source = QgsVectorLayer(f"{gpkg}|layername={domain.DEMO_LAYER_SPOTS}", "spots", "ogr")
    overlays = {k: f"{gpkg}|layername={v}" for k, v in domain.DEMO_SCREENING_OVERLAYS.items()}
    result = run({"SPOTS": source, **overlays, "OUTPUT_PIECES": "memory:"})
    out = result["OUTPUT"]
    # Every spot is kept, broken ones included, with its input fields unchanged.
    assert out.featureCount() == source.featureCount()
    input_rows = sorted(tuple(f.attributes()) for f in source.getFeatures())
    width = len(source.fields())
    output_rows = sorted(tuple(f.attributes()[:width]) for f in out.getFeatures())
    assert input_rows == output_rows

    split = [
        domain.CULTIVATED_AREA,
        domain.AGRICULTURAL_AREA,
        domain.CONSTRUCTION_AREA,
        domain.UNUSED_AREA,
        domain.UNSURVEYED_AREA,
    ]
    for feature in out.getFeatures():
        total = feature[domain.SPOT_AREA]
        assert abs(sum(feature[name] for name in split) - total) < 0.005, feature[
            domain.SPOT_NUMBER
        ]

    notes = {f[domain.SPOT_NUMBER]: f[domain.GEOMETRY_NOTE] for f in out.getFeatures()}
    for key in demo.broken_spots["invalid"]:
        assert notes[key], f"invalid spot {key} not noted"
    empty = [f for f in out.getFeatures() if f[domain.SPOT_NUMBER] == demo.broken_spots["empty"]]
    assert empty and empty[0][domain.SPOT_AREA] == 0 and empty[0][domain.GEOMETRY_NOTE]

    verdicts = {f[domain.SUGGESTED_VERDICT] for f in out.getFeatures()}
    assert domain.SUGGEST_ILLEGAL in verdicts and domain.SUGGEST_APPROVED in verdicts
    assert any(f[domain.CRIMINAL_FLAG] for f in out.getFeatures())
    assert result["OUTPUT_PIECES"].featureCount() > out.featureCount()


def test_figures_match_qgis_on_hand_made_layers(provider):
    """A spot over two parcels and two overlapping farmland features, measured independently."""
    spot = square(0, 0, 100)
    spots = memory_layer([(spot, ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    parcels = memory_layer(
        [(rectangle(-50, -50, 60, 150), ["0103"]), (rectangle(60, -50, 160, 150), ["0702"])],
        f"field={domain.LAND_CLASS_CODE}:string",
    )
    # Inside the spot the dry-land parcel covers x < 60 and the construction parcel x >= 60.
    farmland = memory_layer(
        [(square(0, 0, 30), ["B1"]), (square(20, 0, 30), ["B2"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
    )
    for method in (0, 1):
        out = run(
            {"SPOTS": spots, "LAND_USE": parcels, "BASIC_FARMLAND": farmland, "AREA_METHOD": method}
        )["OUTPUT"]
        feature = next(out.getFeatures())
        cultivated = QgsGeometry.fromWkt(spot).intersection(
            QgsGeometry.fromWkt(rectangle(-50, -50, 60, 150))
        )
        construction = QgsGeometry.fromWkt(spot).intersection(
            QgsGeometry.fromWkt(rectangle(60, -50, 160, 150))
        )
        farm = QgsGeometry.unaryUnion(
            [QgsGeometry.fromWkt(square(0, 0, 30)), QgsGeometry.fromWkt(square(20, 0, 30))]
        ).intersection(QgsGeometry.fromWkt(spot))
        measure = ellipsoidal_area if method == 0 else shifted_planar_area
        assert feature[domain.SPOT_AREA] == pytest.approx(
            measure(QgsGeometry.fromWkt(spot)), abs=0.01
        )
        assert feature[domain.CULTIVATED_AREA] == pytest.approx(measure(cultivated), abs=0.01)
        assert feature[domain.CONSTRUCTION_AREA] == pytest.approx(measure(construction), abs=0.01)
        # Two overlapping farmland features: the overlap counts once (50 m x 30 m, not 60 x 30).
        assert feature[domain.BASIC_FARMLAND_AREA] == pytest.approx(measure(farm), abs=0.01)
        assert feature[domain.UNSURVEYED_AREA] == 0


def ellipsoidal_area(geometry: QgsGeometry) -> float:
    """QGIS's own ellipsoidal measure on the CGCS2000 ellipsoid (an independent implementation)."""
    calculator = QgsDistanceArea()
    calculator.setSourceCrs(
        QgsCoordinateReferenceSystem("EPSG:4527"), QgsProject.instance().transformContext()
    )
    calculator.setEllipsoid("EPSG:1024")  # CGCS2000
    return calculator.measureArea(geometry)


def shifted_planar_area(geometry: QgsGeometry) -> float:
    """Planar area after moving the geometry to the origin, where doubles lose nothing."""
    moved = QgsGeometry(geometry)
    moved.translate(-X0, -Y0)
    return moved.area()


def test_overlay_in_another_crs_is_transformed(provider):
    spots = memory_layer([(square(0, 0, 200), ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    farmland_4527 = QgsGeometry.fromWkt(square(50, 50, 300))
    to_4490 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4527"),
        QgsCoordinateReferenceSystem("EPSG:4490"),
        QgsProject.instance(),
    )
    farmland_4490 = QgsGeometry(farmland_4527)
    farmland_4490.transform(to_4490)
    farmland = memory_layer(
        [(farmland_4490.asWkt(12), ["B1"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
        crs="EPSG:4490",
    )
    feature = next(
        run({"SPOTS": spots, "BASIC_FARMLAND": farmland, "AREA_METHOD": 1})["OUTPUT"].getFeatures()
    )
    # About 150 m x 150 m: the edges straight in longitude/latitude bow a little in the
    # projection. The independent figure follows them densely (every ~0.1 m) with pyproj and
    # shapely, in coordinates shifted to the origin, to the cent.
    from pyproj import Transformer

    ring = shapely.segmentize(shapely.from_wkt(farmland_4490.asWkt(12)), 1e-6)
    to_gk = Transformer.from_crs(4490, 4527, always_xy=True)
    bowed = shapely.transform(ring, lambda c: np.column_stack(to_gk.transform(c[:, 0], c[:, 1])))
    spot = shapely.from_wkt(square(0, 0, 200))
    shift = np.array([X0, Y0])
    expected = shapely.transform(spot, lambda c: c - shift).intersection(
        shapely.transform(bowed, lambda c: c - shift)
    )
    assert abs(expected.area - 22500) > 0.001  # the bow is real, and counted
    assert feature[domain.BASIC_FARMLAND_AREA] == pytest.approx(expected.area, abs=0.01)


def test_missing_class_field_names_layer_and_field(provider):
    from qgis.core import QgsProcessingException

    spots = memory_layer([(square(0, 0, 10), ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    parcels = memory_layer([(square(0, 0, 10), ["x"])], "field=CODE:string", name="my_parcels")
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "LAND_USE": parcels})
    assert "my_parcels" in str(error.value) and domain.LAND_CLASS_CODE in str(error.value)


def test_layer_without_crs_is_refused(provider):
    from qgis.core import QgsProcessingException

    spots = memory_layer([(square(0, 0, 10), ["S1"])], f"field={domain.SPOT_NUMBER}:string", crs="")
    spots.setCrs(QgsCoordinateReferenceSystem())
    with pytest.raises(QgsProcessingException, match="coordinate reference system"):
        run({"SPOTS": spots})


def test_geographic_spots_are_measured_in_their_gauss_kruger_zone(provider):
    projected = QgsGeometry.fromWkt(square(0, 0, 100))
    geographic = QgsGeometry(projected)
    geographic.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem("EPSG:4527"),
            QgsCoordinateReferenceSystem("EPSG:4490"),
            QgsProject.instance(),
        )
    )
    spots = memory_layer(
        [(geographic.asWkt(12), ["S1"])], f"field={domain.SPOT_NUMBER}:string", crs="EPSG:4490"
    )
    feature = next(run({"SPOTS": spots})["OUTPUT"].getFeatures())
    assert feature[domain.SPOT_AREA] == pytest.approx(ellipsoidal_area(projected), abs=0.01)


def test_invalid_and_empty_spots_are_kept_and_flagged(provider):
    bowtie = f"POLYGON(({X0} {Y0},{X0 + 10} {Y0 + 10},{X0 + 10} {Y0},{X0} {Y0 + 10},{X0} {Y0}))"
    spots = memory_layer(
        [(bowtie, ["BAD"]), (None, ["EMPTY"]), (square(0, 0, 10), ["OK"])],
        f"field={domain.SPOT_NUMBER}:string",
    )
    rows = by_key(run({"SPOTS": spots, "AREA_METHOD": 1})["OUTPUT"])
    assert set(rows) == {"BAD", "EMPTY", "OK"}
    assert rows["BAD"][domain.GEOMETRY_NOTE] and rows["BAD"][domain.SPOT_AREA] == pytest.approx(50)
    assert rows["EMPTY"][domain.GEOMETRY_NOTE] and rows["EMPTY"][domain.SPOT_AREA] == 0
    assert not rows["OK"][domain.GEOMETRY_NOTE] and rows["OK"][domain.SPOT_AREA] == 100


DEMO_OVERLAYS = domain.DEMO_SCREENING_OVERLAYS


def test_geopackage_index_read_gives_what_reading_every_feature_gives(provider, demo):
    """GeoPackage layers are read only near the spots (through their R-tree); the same layers
    copied into memory are read whole, feature by feature. Every output value must agree."""
    from qgis.core import QgsFeatureRequest

    def uri(layer):
        return f"{demo.gpkg}|layername={layer}"

    spots = uri(domain.DEMO_LAYER_SPOTS)
    from_files = run({"SPOTS": spots, **{k: uri(v) for k, v in DEMO_OVERLAYS.items()}})
    in_memory = {
        k: QgsVectorLayer(uri(v), k, "ogr").materialize(QgsFeatureRequest())
        for k, v in DEMO_OVERLAYS.items()
    }
    from_memory = run({"SPOTS": spots, **in_memory})

    def rows(layer):
        return {f[domain.SPOT_NUMBER]: f.attributes() for f in layer.getFeatures()}

    files, memory = rows(from_files["OUTPUT"]), rows(from_memory["OUTPUT"])
    assert len(files) > 100 and files.keys() == memory.keys()
    assert any(row[-1] for row in files.values())  # the broken spots' notes are compared too
    for key in files:
        assert files[key] == memory[key], key


def test_gbk_shapefile_names_reach_the_hits_field(provider, tmp_path):
    """A red-line Shapefile in GBK with its .cpg: QGIS recodes it, so the bulk GDAL reader (which
    QGIS leaves unable to) must not be used for its text."""
    from qgis.core import QgsVectorFileWriter

    name = "淄川区鲁山生态保护红线"
    red = memory_layer([(square(0, 0, 50), [name])], f"field={domain.RED_LINE_NAME}:string")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    options.fileEncoding = "GBK"
    path = str(tmp_path / "sthx.shp")
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        red, path, QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError
    assert name.encode("gbk") in (tmp_path / "sthx.dbf").read_bytes()
    spots = memory_layer([(square(0, 0, 100), ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    feature = next(run({"SPOTS": spots, "RED_LINE": path})["OUTPUT"].getFeatures())
    red_line = next(layer for layer in domain.OVERLAY_LAYERS if layer.key == domain.LAYER_RED_LINE)
    assert feature[red_line.hits_field] == name


def test_unsaved_edits_of_the_spots_are_screened(provider, tmp_path):
    """A GeoPackage spot layer being edited: the run sees what QGIS shows, not the file."""
    saved = memory_layer(
        [(square(0, 0, 10), ["S1"]), (square(50, 0, 10), ["S2"])],
        f"field={domain.SPOT_NUMBER}:string",
    )
    spots = QgsVectorLayer(write_gpkg(saved, tmp_path / "spots.gpkg"), "spots", "ogr")
    assert spots.startEditing()
    first = next(f for f in spots.getFeatures() if f[domain.SPOT_NUMBER] == "S1")
    assert spots.changeGeometry(first.id(), QgsGeometry.fromWkt(square(0, 0, 100)))
    added = QgsFeature(spots.fields())
    added.setAttribute(domain.SPOT_NUMBER, "S3")
    added.setGeometry(QgsGeometry.fromWkt(square(200, 0, 20)))
    assert spots.addFeature(added)

    out = by_key(run({"SPOTS": spots})["OUTPUT"])
    spots.rollBack()

    assert set(out) == {"S1", "S2", "S3"}
    for key, wkt in (("S1", square(0, 0, 100)), ("S3", square(200, 0, 20))):
        expected = ellipsoidal_area(QgsGeometry.fromWkt(wkt))
        assert out[key][domain.SPOT_AREA] == pytest.approx(expected, abs=0.01)


def test_curved_protection_features_are_measured_not_dropped(provider, tmp_path):
    """A red-line polygon with an arc boundary, in memory and in a GeoPackage: GEOS reads no
    arcs, so the feature must be straightened, never lost."""
    cx, cy, r = X0 + 500, Y0 + 500, 300
    circle = (
        f"CURVEPOLYGON(CIRCULARSTRING({cx - r} {cy},{cx} {cy + r},{cx + r} {cy},"
        f"{cx} {cy - r},{cx - r} {cy}))"
    )
    red = QgsVectorLayer(
        f"CurvePolygon?crs=EPSG:4527&field={domain.RED_LINE_CODE}:string", "red", "memory"
    )
    feature = QgsFeature(red.fields())
    feature.setGeometry(QgsGeometry.fromWkt(circle))
    feature.setAttributes(["HX-ARC"])
    red.dataProvider().addFeatures([feature])
    gpkg = write_gpkg(red, tmp_path / "red.gpkg")
    spots = memory_layer(
        [(square(450, 450, 100), ["inside"]), (square(450, 820, 20), ["outside"])],
        f"field={domain.SPOT_NUMBER}:string",
    )
    red_line = next(layer for layer in domain.OVERLAY_LAYERS if layer.key == domain.LAYER_RED_LINE)
    for source in (red, gpkg):
        out = by_key(run({"SPOTS": spots, "RED_LINE": source})["OUTPUT"])
        inside = out["inside"]
        assert inside[domain.RED_LINE_AREA] == pytest.approx(inside[domain.SPOT_AREA], abs=0.01)
        assert inside[red_line.hits_field] == "HX-ARC"
        assert out["outside"][domain.RED_LINE_AREA] == 0


class ErrorLog(QgsProcessingFeedback):
    """The errors and warnings a run reports."""

    def __init__(self):
        super().__init__()
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.errors.append(error)

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        self.warnings.append(warning)


def test_gbk_spots_without_cpg_are_read_as_gbk(provider, tmp_path):
    """QGIS reads a GBK Shapefile without .cpg as UTF-8, which turns its Chinese into U+FFFD
    for good: the run reads it in GBK instead, as importspots does, says so, and the output
    holds the spot numbers and towns as delivered, given as a layer or by path."""
    import processing

    spots = memory_layer(
        [(square(0, 0, 10), ["淄川001", "般阳路街道"]), (square(50, 0, 10), ["淄川002", "岭子镇"])],
        f"field={domain.SPOT_NUMBER}:string&field=XZMC:string",
    )
    layer = shapefile_without_cpg(spots, tmp_path / "gbk_spots.shp", "GBK")
    assert "\ufffd" in next(layer.getFeatures())[domain.SPOT_NUMBER]  # as QGIS reads it

    for given in (layer, str(tmp_path / "gbk_spots.shp")):
        log = ErrorLog()
        output = str(tmp_path / "out.shp")
        out = processing.run(
            "zcenforcement:screenspots", {"SPOTS": given, "OUTPUT": output}, feedback=log
        )["OUTPUT"]
        written = {f[domain.SPOT_NUMBER]: f["XZMC"] for f in QgsVectorLayer(out).getFeatures()}
        assert written == {"淄川001": "般阳路街道", "淄川002": "岭子镇"}
        assert not log.errors
        said = [w for w in log.warnings if ".cpg" in w]
        assert len(said) == 1 and "gbk_spots.dbf" in said[0] and "GBK" in said[0], log.warnings
    # A layer read right, or with its .cpg, is not opened again.
    log = ErrorLog()
    processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": "memory:"}, feedback=log)
    assert not [w for w in log.warnings if ".cpg" in w]


def test_a_gbk_layer_read_again_keeps_what_the_user_set_on_it(provider, tmp_path):
    """The layer read in GBK keeps what the user set on the project layer: a CRS assigned to a
    delivery without .prj, and an expression field chosen as the spot key. (Opened afresh from
    its file, it had neither: the run stopped for want of a CRS, or dropped the field.)"""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsField
    from qgis.PyQt.QtCore import QVariant

    spots = memory_layer(
        [(square(0, 0, 10), ["001", "般阳路街道"]), (square(50, 0, 10), ["002", "岭子镇"])],
        "field=XH:string&field=XZMC:string",
    )
    path = tmp_path / "spots.shp"
    layer = shapefile_without_cpg(spots, path, "GBK")
    path.with_suffix(".prj").unlink()
    layer = QgsVectorLayer(str(path), "spots", "ogr")
    assert not layer.crs().isValid()
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:4527"))
    layer.addExpressionField("'370302' || \"XH\"", QgsField("JCBH2", QVariant.String))
    QgsProject.instance().addMapLayer(layer)
    try:
        out = processing.run(
            "zcenforcement:screenspots",
            {"SPOTS": layer.id(), "SPOT_KEY_FIELD": "JCBH2", "OUTPUT": "memory:"},
        )["OUTPUT"]
        rows = {f["JCBH2"]: (f["XZMC"], f[domain.SPOT_AREA]) for f in out.getFeatures()}
        assert set(rows) == {"370302001", "370302002"}
        assert rows["370302001"][0] == "般阳路街道"
        expected = ellipsoidal_area(QgsGeometry.fromWkt(square(0, 0, 10)))
        assert rows["370302001"][1] == pytest.approx(expected, abs=0.01)
        assert out.crs().authid() == "EPSG:4527"
        assert "\ufffd" in next(layer.getFeatures())["XZMC"]  # the user's layer is untouched
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_spots_read_in_the_wrong_encoding_stop_the_run(provider, tmp_path):
    """A .cpg that names the wrong encoding (GBK text with one saying UTF-8), or only the
    selected spots of a GBK layer without .cpg (the layer given is read as it is): the run
    stops, naming the file, the field and a feature, and leaves no output behind. Garbled
    text written out would be lost for good, and importspots would refuse every spot."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeatureSourceDefinition

    spots = memory_layer(
        [(square(0, 0, 10), ["淄川001"]), (square(50, 0, 10), ["淄川002"])],
        f"field={domain.SPOT_NUMBER}:string",
    )
    path = tmp_path / "gbk_spots.shp"
    layer = shapefile_without_cpg(spots, path, "GBK")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectAll()
        selected = QgsProcessingFeatureSourceDefinition(layer.id(), True)
        path.with_suffix(".cpg").write_text("UTF-8")
        for given in (selected, str(path)):
            output = tmp_path / "out.gpkg"
            with pytest.raises(QgsProcessingException) as stop:
                processing.run("zcenforcement:screenspots", {"SPOTS": given, "OUTPUT": str(output)})
            message = str(stop.value)
            assert str(path) in message and domain.SPOT_NUMBER in message, message
            assert "GBK" in message
            assert not output.exists()
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


@pytest.mark.parametrize("written, cpg", [("GBK", "UTF-8"), ("UTF-8", "936")])
def test_mis_decoded_chinese_outside_the_key_field_stops_the_run(provider, tmp_path, written, cpg):
    """Digits-only spot numbers, Chinese in other fields: a GBK Shapefile with a .cpg saying
    UTF-8, or a UTF-8 one with a .cpg saying 936 (GBK), garbles those fields. The run stops
    naming the field and a feature, though screening read only the key field, and the output
    already written is removed."""
    import processing
    from qgis.core import QgsProcessingException

    spots = memory_layer(
        [
            (square(0, 0, 10), ["370302001", "般阳路街道"]),  # odd UTF-8 byte counts
            (square(50, 0, 10), ["370302002", "岭子镇"]),
            (square(100, 0, 10), ["370302003", "太河镇"]),
            (square(150, 0, 10), ["370302004", "淄博市自然资源和规划局"]),
        ],
        f"field={domain.SPOT_NUMBER}:string&field=XZMC:string",
    )
    path = tmp_path / "spots_town.shp"
    shapefile_without_cpg(spots, path, written)
    path.with_suffix(".cpg").write_text(cpg)
    layer = QgsVectorLayer(str(path), path.stem, "ogr")
    assert next(layer.getFeatures())["XZMC"] != "般阳路街道"  # garbled, as a user gets it

    output = tmp_path / "out.shp"
    # Given by its path: a layer object of the test's own, freed while the failed run's
    # traceback still holds its source, crashes the interpreter at exit.
    del layer
    with pytest.raises(QgsProcessingException) as stop:
        processing.run("zcenforcement:screenspots", {"SPOTS": str(path), "OUTPUT": str(output)})
    said = str(stop.value)
    assert "spots_town" in said and "XZMC" in said, said
    if written == "UTF-8":  # it says so, and what the text would read as UTF-8
        assert "UTF-8 read as GBK" in said, said
        assert any(name in said for name in ("般阳路", "岭子", "太河", "淄博市自然资源")), said
    else:
        assert "GBK" in said, said
    assert not list(tmp_path.glob("out.*"))
    # Read right, it runs.
    processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": str(output)})
    assert output.exists()


def run_as_task(parameters: dict, feedback) -> tuple[bool, dict]:
    """Run screenspots as the Processing dialog does: a QgsTask on a background QThread, while
    this (main) thread keeps processing events."""
    import time

    from qgis.core import QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext
    from qgis.PyQt.QtCore import QCoreApplication

    algorithm = QgsApplication.processingRegistry().algorithmById("zcenforcement:screenspots")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    task = QgsProcessingAlgRunnerTask(algorithm, parameters, context, feedback)
    outcome = {}
    task.executed.connect(lambda ok, results: outcome.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 120
    while "ok" not in outcome and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert "ok" in outcome, "the task did not finish"
    return outcome["ok"], outcome["results"]


def test_runs_and_cancels_as_a_background_task(provider, demo, tmp_path):
    """The engine's own threads inside QGIS's task thread: progress only goes forward, and a
    cancel in the middle of the overlay ends the run cleanly (no output, no crash)."""
    from qgis.core import QgsProcessingFeedback

    overlays = {k: f"{demo.gpkg}|layername={v}" for k, v in domain.DEMO_SCREENING_OVERLAYS.items()}
    spots = f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}"
    seen: list[float] = []
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(seen.append)
    out = str(tmp_path / "screened.gpkg")
    ok, results = run_as_task({"SPOTS": spots, **overlays, "OUTPUT": out}, feedback)
    assert (
        ok
        and QgsVectorLayer(results["OUTPUT"], "o", "ogr").featureCount()
        == QgsVectorLayer(spots, "s", "ogr").featureCount()
    )
    assert seen and seen == sorted(seen) and seen[-1] == 100.0

    cancelling = QgsProcessingFeedback()
    reached: list[float] = []

    def cancel_midway(progress: float) -> None:
        reached.append(progress)
        if progress > 30.0:  # inside the overlay, while the layers' threads run
            cancelling.cancel()

    cancelling.progressChanged.connect(cancel_midway)
    ok, _ = run_as_task(
        {"SPOTS": spots, **overlays, "OUTPUT": str(tmp_path / "cancelled.gpkg")}, cancelling
    )
    assert not ok
    assert max(reached) < 100.0


def test_cancel_while_reading_stops_before_the_overlay(provider, demo, tmp_path):
    """Reading a source feature by feature reports progress and stops on cancel: the run ends
    there, before the overlay starts."""
    from qgis.core import QgsProcessingFeedback

    def in_memory(layer: str):  # read feature by feature, reporting progress
        source = QgsVectorLayer(f"{demo.gpkg}|layername={layer}", layer, "ogr")
        return source.materialize(QgsFeatureRequest())

    class Steps(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.texts = []

        def setProgressText(self, text):  # noqa: N802 - QGIS API
            self.texts.append(text)

    feedback = Steps()
    reached: list[float] = []

    def cancel_at_once(progress: float) -> None:
        reached.append(progress)
        feedback.cancel()

    feedback.progressChanged.connect(cancel_at_once)
    spots, parcels = in_memory(domain.DEMO_LAYER_SPOTS), in_memory(domain.DEMO_LAYER_LAND_USE)
    ok, _ = run_as_task(
        {"SPOTS": spots, "LAND_USE": parcels, "OUTPUT": str(tmp_path / "o.gpkg")}, feedback
    )
    assert not ok and reached and max(reached) < 20.0  # the overlay's share was never reached
    assert feedback.texts and all("Overlaying" not in t for t in feedback.texts), feedback.texts


def test_outputs_load_styled_by_verdict_and_layer(provider, demo):
    """Loaded into the project (as from the Processing dialog), the spots are coloured by
    suggested verdict and the pieces by the protection layer they lie in."""
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer

    overlays = {k: f"{demo.gpkg}|layername={v}" for k, v in domain.DEMO_SCREENING_OVERLAYS.items()}
    results = processing.runAndLoadResults(
        "zcenforcement:screenspots",
        {
            "SPOTS": f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}",
            **overlays,
            "OUTPUT": "TEMPORARY_OUTPUT",
            "OUTPUT_PIECES": "TEMPORARY_OUTPUT",
        },
    )
    project = QgsProject.instance()
    try:
        for output, field in (
            ("OUTPUT", domain.SUGGESTED_VERDICT),
            ("OUTPUT_PIECES", domain.PIECE_LAYER),
        ):
            layer = project.mapLayer(results[output])
            assert layer is not None, output
            renderer = layer.renderer()
            assert isinstance(renderer, QgsCategorizedSymbolRenderer), output
            assert renderer.classAttribute() == field
            values = {category.value() for category in renderer.categories()}
            present = {f[field] for f in layer.getFeatures()}
            assert present <= values, present - values  # every value found has its colour
            # Chinese aliases, not bare codes, head the attribute table.
            assert layer.attributeAlias(layer.fields().indexOf(field))
        spots = project.mapLayer(results["OUTPUT"])
        fields = spots.fields()
        assert spots.attributeAlias(fields.indexOf(domain.SPOT_AREA)) == "图斑面积（平方米）"
        assert spots.attributeAlias(fields.indexOf("YJJBNTMJ_MU")) == "永久基本农田面积（亩）"
        shown = [c.name for c in spots.attributeTableConfig().columns() if not c.hidden]
        assert shown[:4] == [
            domain.SPOT_NUMBER,
            domain.SUGGESTED_VERDICT,
            domain.REVIEW_PRIORITY,
            domain.CRIMINAL_FLAG,
        ]
        assert set(shown) >= set(fields.names())  # reordered, none dropped
        pieces = project.mapLayer(results["OUTPUT_PIECES"])
        # The layers in words in the file itself, not keys a map of values would have to show.
        assert "地类图斑" in {f[domain.PIECE_LAYER] for f in pieces.getFeatures()}
    finally:
        project.removeAllMapLayers()


def test_misdecoding_check_and_progress_span_edges():
    import numpy as np

    from zc_enforcement_plugin.processing.base import ProgressSpan
    from zc_enforcement_plugin.processing.layer_reader import SourceArrays, misdecoded_text

    def arrays(values):
        return SourceArrays(np.empty(len(values), dtype=object), {"MC": values}, np.arange(5))

    garbled = "淄川".encode("gbk").decode("latin-1")
    warning = misdecoded_text(arrays(["0101", None, 3, garbled, "x"]), "L")  # GBK as Latin-1
    assert warning and "MC" in warning and "淄川" in warning  # the field and the real text
    assert "3" in warning.replace("MC", "")  # the feature: id 3 holds the garbled value
    # A field that holds real Chinese was decoded right, whatever else it holds.
    assert misdecoded_text(arrays(["Größe", "30°E", "淄川", None, "m²"]), "L") is None
    assert misdecoded_text(arrays(["0101", "JCBH1", None, 2.5, "Zürich"]), "L") is None

    class Bar:
        value = 0.0

        def setProgress(self, value):  # noqa: N802
            self.value = value

        def isCanceled(self):  # noqa: N802
            return False

    bar = Bar()
    span = ProgressSpan(bar, 10.0, 20.0)
    for figure, expected in ((-50000.0, 10.0), (50.0, 15.0), (50000.0, 20.0)):
        span.setProgress(figure)
        assert bar.value == expected


def test_a_refused_write_stops_the_run_naming_the_output():
    from qgis.core import QgsFeature, QgsFeatureSink, QgsProcessingException

    from zc_enforcement_plugin.processing.base import add_features

    class FullDisk(QgsFeatureSink):
        def __init__(self):
            super().__init__()
            self.written = []

        def addFeature(self, feature, flags=0):  # noqa: N802 - QGIS API
            return False

        def addFeatures(self, features, flags=0):  # noqa: N802 - QGIS API
            return False

        def lastError(self):  # noqa: N802 - QGIS API
            return "disk full"

    with pytest.raises(QgsProcessingException) as refused:
        add_features(FullDisk(), [QgsFeature()], "OUTPUT_PIECES")
    assert "OUTPUT_PIECES" in str(refused.value) and "disk full" in str(refused.value)


@pytest.mark.parametrize("near_spots", [True, False], ids=["R-tree read", "whole-file read"])
def test_a_cancelled_bulk_read_stops_with_nothing_read(demo, near_spots):
    """The bulk reads of a file check the cancel button too, not only the feature loop: on a
    district's parcels they take a second or more."""
    import numpy as np
    from qgis.core import QgsProcessingContext, QgsProcessingFeatureSource, QgsVectorLayer

    from zc_enforcement_plugin.processing.layer_reader import read_source

    layer = QgsVectorLayer(f"{demo.gpkg}|layername={domain.DEMO_LAYER_LAND_USE}", "DLTB", "ogr")
    source = QgsProcessingFeatureSource(layer, QgsProcessingContext())
    extent = layer.extent()
    boxes = np.array([[extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]])

    class CancelButton:
        pressed = False

        def setProgress(self, value):  # noqa: N802 - QGIS API
            pass

        def isCanceled(self):  # noqa: N802 - QGIS API
            return self.pressed

    def read(button):
        return read_source(
            source,
            "DLTB",
            [domain.LAND_CLASS_CODE],
            layer.crs(),
            feedback=button,
            whole_file_layer=layer,
            near_boxes=boxes if near_spots else None,
        )

    assert len(read(CancelButton()).geoms) == layer.featureCount()  # the path reads them all
    pressed = CancelButton()
    pressed.pressed = True
    cancelled = read(pressed)
    assert len(cancelled.geoms) == len(cancelled.feature_ids) == 0
    assert cancelled.attributes[domain.LAND_CLASS_CODE] == []


def test_every_demo_spot_is_written_with_the_outline_its_area_was_measured_on(provider, demo):
    """The demo's invalid spots too (a hole drawn outside its shell, a bow-tie): the output
    geometry's ellipsoidal area, computed independently, is TBMJ, as QGIS's $area would
    show it; the delivered rings gave 1,200 m² and 0 m² beside TBMJ 1,999.57 and 799.84."""
    from tests.geodesy import geodesic_area

    source = QgsVectorLayer(f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}", "spots", "ogr")
    out = run({"SPOTS": source})["OUTPUT"]
    assert out.featureCount() == source.featureCount()
    for feature in out.getFeatures():
        geometry = feature.geometry()
        measured = (
            0.0
            if geometry.isNull() or geometry.isEmpty()
            else geodesic_area(shapely.from_wkb(bytes(geometry.asWkb())))
        )
        assert measured == pytest.approx(feature[domain.SPOT_AREA], abs=0.01), feature[
            domain.SPOT_NUMBER
        ]


def test_long_digit_codes_stay_exact_in_a_csv_and_text_in_an_xlsx_output(provider, tmp_path):
    """A 14-digit spot number and a 12-digit county code: the CSV (for QGIS and scripts) holds
    them exactly as delivered, plain, no ="…" around them; Excel would show 3.70302E+13 when it
    opens that CSV, so README sends the bureau to an .xlsx output, where they are text cells."""
    import csv

    import openpyxl
    import processing
    from qgis.core import QgsProcessingFeedback

    number, county = "37030220250001", "370302000000"
    spots = memory_layer(
        [(square(0, 0, 100), [number, county])],
        f"field={domain.SPOT_NUMBER}:string&field={domain.SPOT_COUNTY_CODE}:string",
    )

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushWarning(self, text):  # noqa: N802 - QGIS API
            self.lines.append(text)

    path = tmp_path / "screened.csv"
    feedback = Warnings()
    processing.run(
        "zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": str(path)}, feedback=feedback
    )
    # The log names each column Excel would turn into a number, with an example.
    said = [line for line in feedback.lines if "Excel" in line]
    assert [(domain.SPOT_NUMBER in w and number in w) for w in said] == [True, False], said
    assert domain.SPOT_COUNTY_CODE in said[1] and "screened.csv" in said[1]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert (row[domain.SPOT_NUMBER], row[domain.SPOT_COUNTY_CODE]) == (number, county)
    assert '="' not in path.read_text("utf-8-sig")
    workbook = tmp_path / "screened.xlsx"
    run({"SPOTS": spots, "OUTPUT": str(workbook)})
    sheet = openpyxl.load_workbook(workbook).active
    header = [cell.value for cell in sheet[1]]
    cells = [
        sheet.cell(2, header.index(name) + 1)
        for name in (domain.SPOT_NUMBER, domain.SPOT_COUNTY_CODE)
    ]
    assert [(cell.value, cell.data_type) for cell in cells] == [(number, "s"), (county, "s")]


def test_screened_spots_as_csv_open_in_a_chinese_excel(provider, tmp_path):
    """Excel reads a CSV without a byte-order mark in the system's code page, GBK on a Chinese
    Windows, which garbles UTF-8 Chinese: the CSV starts with one."""
    spots = memory_layer([(square(0, 0, 100), ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    path = tmp_path / "screened.csv"
    run({"SPOTS": spots, "OUTPUT": str(path)})
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    # a spot screened without land-use parcels is to be checked in the field
    assert domain.SUGGEST_FIELD_CHECK in data[len(codecs.BOM_UTF8) :].decode("utf-8")
