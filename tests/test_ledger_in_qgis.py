"""The ledger's file reader inside QGIS, where the OGR provider changes GDAL's process settings."""

from __future__ import annotations

import datetime as dt

import fiona
import pytest
from qgis.core import QgsProcessingFeedback, QgsVectorLayer
from shapely.geometry import box, mapping

from zc_enforcement_plugin.core import spot_files

X0, Y0 = 39_580_000.0, 4_050_000.0


class WarningLog(QgsProcessingFeedback):
    """The warnings a run pushes."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        self.warnings.append(warning)


def spots_in(path) -> dict:
    """A ledger's spots by number, each read whole."""
    from zc_enforcement_plugin.core import ledger

    with ledger.GeoPackageLedger(path, create=False) as store:
        return {s.number: store.spot(s.id) for s in store.spots()}


@pytest.mark.parametrize("cpg, codec", [("936", "gbk"), ("UTF-8", "utf-8")])
def test_cpg_is_honoured_after_qgis_opened_a_shapefile(qgis_app, tmp_path, cpg, codec):
    path = tmp_path / f"spots_{codec}.shp"
    schema = {"geometry": "Polygon", "properties": {"JCBH": "str:20", "TBLX": "str:40"}}
    with fiona.open(
        path, "w", driver="ESRI Shapefile", schema=schema, crs="EPSG:4527", encoding=codec
    ) as sink:
        sink.write(
            {
                "geometry": mapping(box(X0, Y0, X0 + 9, Y0 + 9)),
                "properties": {"JCBH": "S1", "TBLX": "新增建设用地"},
            }
        )
    path.with_suffix(".cpg").write_text(cpg)
    # QGIS's OGR provider switches GDAL's own .cpg handling off for the whole process.
    assert QgsVectorLayer(str(path), "opened by QGIS", "ogr").isValid()
    records, report = spot_files.read_spot_file(path)
    assert records[0].attributes["TBLX"] == "新增建设用地"
    assert not report.encoding_guessed and report.encoding == codec


def test_reimporting_a_batch_keeps_towns_and_outlines_the_delivery_lacks(provider, demo, tmp_path):
    """importspots three times into one batch: the demo's spots with the towns layer; a memory
    copy (dates read as QDate) with one spot's geometry gone, with the towns; the spots again
    without the towns layer. Every spot keeps its town and office, the broken one its
    outline; the later image date read as a QDate is stored as a date, not as Qt's text."""
    import processing
    from qgis.core import QgsFeatureRequest, QgsGeometry

    from zc_enforcement_plugin.core import domain

    spots = f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}"
    towns = f"{demo.gpkg}|layername={domain.DEMO_LAYER_TOWNS}"
    path = tmp_path / "ledger.gpkg"
    common = {"LEDGER": str(path), "BATCH": "2026Q1"}

    def recorded():
        return spots_in(path)

    processing.run("zcenforcement:importspots", {"SPOTS": spots, "TOWNS": towns, **common})
    before = recorded()
    assert sum(1 for spot in before.values() if spot.town) > 0.9 * len(before)  # one is outside

    copy = QgsVectorLayer(spots, "jctb", "ogr").materialize(QgsFeatureRequest())
    broken = next(f for f in copy.getFeatures() if before.get(f[domain.SPOT_NUMBER], None))
    number = broken[domain.SPOT_NUMBER]
    assert before[number].town and not before[number].geometry.is_empty
    copy.dataProvider().changeGeometryValues({broken.id(): QgsGeometry()})
    result = processing.run(
        "zcenforcement:importspots", {"SPOTS": copy, "TOWNS": towns, **common}
    )  # no outline: no town is found for it, and none is taken from it
    assert result["REFRESHED"] == len(before)
    assert f"JCBH={number} geometry" in result["REPORT"]
    middle = recorded()
    assert middle[number].geometry.equals(before[number].geometry)
    assert (middle[number].town, middle[number].office) == (
        before[number].town,
        before[number].office,
    )
    later = [s.attributes.get(domain.SPOT_LATER_DATE) for s in middle.values()]
    assert any(later) and all(dt.date.fromisoformat(value) for value in later if value is not None)

    again = processing.run("zcenforcement:importspots", {"SPOTS": spots, **common})
    assert again["REFRESHED"] == len(before)
    after = recorded()
    for key, spot in before.items():
        assert (after[key].town, after[key].office) == (spot.town, spot.office), key


def test_a_towns_layer_that_covers_part_of_the_district_blanks_no_recorded_town(
    provider, demo, tmp_path
):
    """A refresh with a towns layer holding two of the ten towns: the spots in the other towns
    keep the town and office the ledger holds (they were cleared as if the delivery had said
    so), and the log names the spots that lie in no town of the layer."""
    import processing
    from qgis.core import QgsFeatureRequest

    from zc_enforcement_plugin.core import domain

    spots = f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}"
    towns = f"{demo.gpkg}|layername={domain.DEMO_LAYER_TOWNS}"
    path = tmp_path / "ledger.gpkg"
    common = {"LEDGER": str(path), "BATCH": "2026Q1"}

    def recorded():
        return {number: (s.town, s.office) for number, s in spots_in(path).items()}

    processing.run("zcenforcement:importspots", {"SPOTS": spots, "TOWNS": towns, **common})
    before = recorded()
    part = QgsVectorLayer(towns, "towns", "ogr").materialize(QgsFeatureRequest().setLimit(2))
    kept_towns = {f[domain.TOWN_NAME] for f in part.getFeatures()}

    log = WarningLog()
    processing.run(
        "zcenforcement:importspots", {"SPOTS": spots, "TOWNS": part, **common}, feedback=log
    )
    after = recorded()
    assert after == before
    outside = [n for n, (town, _) in before.items() if town and town not in kept_towns]
    assert len(outside) > 50
    [said] = [w for w in log.warnings if "no town of the towns layer" in w]
    assert any(number in said for number in outside), said

    # The same, from a delivery whose town and office columns are there but empty (a
    # template's): empty is not what these spots' towns are, and nothing is cleared.
    from qgis.core import QgsField
    from qgis.PyQt.QtCore import QVariant

    blank = QgsVectorLayer(spots, "jctb", "ogr").materialize(QgsFeatureRequest())
    blank.startEditing()
    for name in (domain.TOWN_NAME, domain.OFFICE_NAME):
        if name not in blank.fields().names():
            blank.addAttribute(QgsField(name, QVariant.String))
    blank.updateFields()
    for feature in blank.getFeatures():
        for name in (domain.TOWN_NAME, domain.OFFICE_NAME):
            blank.changeAttributeValue(feature.id(), blank.fields().indexOf(name), None)
    assert blank.commitChanges()
    processing.run("zcenforcement:importspots", {"SPOTS": blank, "TOWNS": part, **common})
    assert recorded() == before


def test_pieces_from_another_run_are_not_attached_to_a_moved_spot(provider, tmp_path):
    """A re-delivered spot moved 50 m, imported with the first run's pieces: they would be
    drawn beside it in the dock. They are left off and the log names the spot; the pieces of
    a spot that did not move are attached."""
    import processing
    from qgis.core import QgsFeature, QgsGeometry

    from zc_enforcement_plugin.core import domain, ledger

    x, y = 39_580_000.0, 4_050_000.0
    spots = QgsVectorLayer(
        f"Polygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string", "s", "memory"
    )
    pieces = QgsVectorLayer(
        f"MultiPolygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string"
        f"&field={domain.PIECE_LAYER}:string&field={domain.PIECE_FEATURE}:string"
        f"&field={domain.PIECE_AREA}:double",
        "p",
        "memory",
    )
    for number, dx in (("A", 0.0), ("B", 50.0)):  # B is delivered 50 m east of its pieces
        spot = QgsFeature(spots.fields())
        spot.setAttributes([number])
        left = x + 200 * (number == "B") + dx
        spot.setGeometry(
            QgsGeometry.fromWkt(
                f"POLYGON(({left} {y},{left + 20} {y},"
                f"{left + 20} {y + 20},{left} {y + 20},{left} {y}))"
            )
        )
        spots.dataProvider().addFeatures([spot])
        piece = QgsFeature(pieces.fields())
        start = x + 200 * (number == "B")
        piece.setAttributes([number, "land_use", "0101", 100.0])
        piece.setGeometry(
            QgsGeometry.fromWkt(
                f"MULTIPOLYGON((({start} {y},{start + 10} {y},"
                f"{start + 10} {y + 10},{start} {y + 10},"
                f"{start} {y})))"
            )
        )
        pieces.dataProvider().addFeatures([piece])

    log = WarningLog()
    path = tmp_path / "ledger.gpkg"
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": spots, "PIECES": pieces, "LEDGER": str(path), "BATCH": "b"},
        feedback=log,
    )
    [said] = [w for w in log.warnings if "do not lie on their spots" in w]
    assert "B" in said and "A" not in said.split(":")[1]
    with ledger.GeoPackageLedger(path, create=False) as store:
        attached = {
            s.number: store.spot(s.id).attributes.get(domain.SPOT_PIECES) for s in store.spots()
        }
    assert len(attached["A"]) == 1 and not attached["B"]


def test_a_refresh_without_pieces_keeps_the_pieces_of_spots_that_did_not_move(provider, tmp_path):
    """importspots with PIECES, then the batch again without: A (its outline as recorded) keeps
    its pieces, the same count and outlines; B, delivered 3 m east, loses them, and the
    report and the spot's refresh changes say so; C, not re-delivered, keeps them. Screened
    again, with PIECES, B's new pieces replace none and A's new ones replace the old."""
    import processing
    from qgis.core import QgsFeature, QgsGeometry

    from zc_enforcement_plugin.core import domain

    x, y = 39_580_000.0, 4_050_000.0
    left = {"A": x, "B": x + 200, "C": x + 400}

    def square(x0, y0, size):
        return QgsGeometry.fromWkt(
            f"POLYGON(({x0} {y0},{x0 + size} {y0},{x0 + size} {y0 + size},"
            f"{x0} {y0 + size},{x0} {y0}))"
        )

    def spots_layer(numbers, moved=0.0):
        layer = QgsVectorLayer(
            f"Polygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string", "s", "memory"
        )
        for number in numbers:
            feature = QgsFeature(layer.fields())
            feature.setAttributes([number])
            shift = moved if number == "B" else 0.0
            feature.setGeometry(square(left[number] + shift, y, 20))
            layer.dataProvider().addFeatures([feature])
        return layer

    def pieces_layer(cells):
        layer = QgsVectorLayer(
            f"MultiPolygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string"
            f"&field={domain.PIECE_LAYER}:string&field={domain.PIECE_FEATURE}:string"
            f"&field={domain.PIECE_AREA}:double",
            "p",
            "memory",
        )
        for number, dx, dy in cells:
            piece = QgsFeature(layer.fields())
            piece.setAttributes([number, "land_use", f"{number}{dx}{dy}", 25.0])
            geometry = square(left[number] + dx, y + dy, 5)
            geometry.convertToMultiType()
            piece.setGeometry(geometry)
            layer.dataProvider().addFeatures([piece])
        return layer

    path = tmp_path / "ledger.gpkg"
    common = {"LEDGER": str(path), "BATCH": "2026Q1"}
    first = pieces_layer([("A", 0, 0), ("A", 10, 10), ("B", 5, 5), ("C", 0, 10)])
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": spots_layer("ABC"), "PIECES": first, **common},
    )
    before = spots_in(path)
    assert [len(before[n].attributes[domain.SPOT_PIECES]) for n in "ABC"] == [2, 1, 1]

    again = processing.run(
        "zcenforcement:importspots", {"SPOTS": spots_layer("AB", moved=3.0), **common}
    )
    after = spots_in(path)
    for number in "AC":
        old, new = (s.attributes[domain.SPOT_PIECES] for s in (before[number], after[number]))
        assert len(new) == len(old) and [
            QgsGeometry.fromWkt(p["wkt"]).equals(QgsGeometry.fromWkt(q["wkt"]))
            for p, q in zip(new, old)
        ] == [True] * len(old), number
        assert after[number].attributes == before[number].attributes
    assert domain.SPOT_PIECES not in after["B"].attributes
    # Said once, by spot, among the changes the delivery makes to it (as the dock lists them).
    [said] = [line for line in again["REPORT"].splitlines() if "pieces removed" in line]
    assert "the outline moved" in said and "re-import with PIECES" in said
    assert f"{domain.SPOT_NUMBER}=B: " in said and "this delivery changes" in said
    [refresh] = after["B"].attributes[domain.SPOT_REFRESHES]
    assert any("pieces removed" in change for change in refresh["changes"]), refresh

    second = pieces_layer([("A", 15, 15), ("B", 3, 0), ("B", 13, 0)])
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": spots_layer("AB", moved=3.0), "PIECES": second, **common},
    )
    screened = spots_in(path)
    assert [p[domain.PIECE_FEATURE] for p in screened["A"].attributes[domain.SPOT_PIECES]] == [
        "A1515"
    ]
    assert len(screened["B"].attributes[domain.SPOT_PIECES]) == 2
    assert (
        screened["C"].attributes[domain.SPOT_PIECES] == before["C"].attributes[domain.SPOT_PIECES]
    )


def test_a_gbk_towns_file_read_as_another_encoding_is_refused_not_recorded_garbled(
    provider, demo, tmp_path
):
    """The towns layer names towns and offices in Chinese: a GBK Shapefile of it handed over
    without its .cpg is read garbled, and every spot's town and office (which the monthly
    ranking counts offices by) would be overwritten with mojibake. The import stops, naming
    the file and field, and the ledger keeps what it held."""
    import processing
    from qgis.core import QgsProcessingException

    from tests.screening_layers import shapefile_without_cpg
    from zc_enforcement_plugin.core import domain

    spots = f"{demo.gpkg}|layername={domain.DEMO_LAYER_SPOTS}"
    towns = f"{demo.gpkg}|layername={domain.DEMO_LAYER_TOWNS}"
    path = tmp_path / "ledger.gpkg"
    common = {"LEDGER": str(path), "BATCH": "2026Q1"}
    processing.run("zcenforcement:importspots", {"SPOTS": spots, "TOWNS": towns, **common})
    before = {n: (s.town, s.office) for n, s in spots_in(path).items()}
    assert any(town for town, _office in before.values())

    gbk = shapefile_without_cpg(
        QgsVectorLayer(towns, "towns", "ogr"), tmp_path / "xzq_towns.shp", "GBK"
    )
    with pytest.raises(QgsProcessingException) as refused:
        processing.run("zcenforcement:importspots", {"SPOTS": spots, "TOWNS": gbk, **common})
    said = str(refused.value)
    assert "xzq_towns" in said and "GBK" in said, said
    assert domain.TOWN_NAME in said or domain.OFFICE_NAME in said, said
    assert {n: (s.town, s.office) for n, s in spots_in(path).items()} == before
