"""The campaign algorithms through processing.run on the demo district: every planted case by
its known answer (areas against independent shapely computations), bad input and cancelling."""

from __future__ import annotations

import codecs
import re

import numpy as np
import pytest
import rasterio
import shapely
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant
from rasterio.transform import from_origin
from shapely.geometry import shape

from tests.holiday_notices import complete_year
from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core import demo_district as dd
from zc_enforcement_plugin.core import domain

X0, Y0 = 39_580_000.0, 4_050_000.0
PLANAR = 1  # AREA_METHOD option
HIGHWAY_KIND = domain.THREE_ZONES_KIND_HIGHWAY
JCBH_PATTERN = re.compile(r"^370302(\d{4})(\d{4})$")


class Recorder(QgsProcessingFeedback):
    """Keeps every message; cancels itself after `cancel_after` progress reports when asked."""

    def __init__(self, cancel_after: int | None = None):
        super().__init__()
        self.texts: list[str] = []
        self.cancel_after = cancel_after
        self.progress_calls = 0
        self.progressChanged.connect(self._progressed)

    def _progressed(self, _value):
        self.progress_calls += 1
        if self.cancel_after is not None and self.progress_calls >= self.cancel_after:
            self.cancel()

    def pushWarning(self, text):  # noqa: N802 - QGIS API
        self.texts.append(text)

    def setProgressText(self, text):  # noqa: N802 - QGIS API
        self.texts.append(text)

    def pushInfo(self, text):  # noqa: N802 - QGIS API
        self.texts.append(text)

    def reportError(self, text, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.texts.append(text)


def run(algorithm: str, parameters: dict, feedback=None) -> dict:
    import processing

    return processing.run(f"zcenforcement:{algorithm}", parameters, feedback=feedback)


def src(demo, layer: str) -> str:
    return f"{demo.gpkg}|layername={layer}"


def rows(layer) -> list[dict]:
    """Attributes (and shapely geometry under 'geometry') of every feature of a layer."""
    out = []
    for feature in layer.getFeatures():
        row = dict(zip(feature.fields().names(), feature.attributes()))
        geometry = feature.geometry()
        row["geometry"] = None if geometry.isNull() else shapely.from_wkb(bytes(geometry.asWkb()))
        out.append(row)
    return out


def read(demo, layer: str) -> tuple[list, list[dict]]:
    import fiona

    with fiona.open(demo.gpkg, layer=layer) as source:
        feats = list(source)
    return [shape(f.geometry) if f.geometry else None for f in feats], [
        dict(f.properties) for f in feats
    ]


def output(result: dict, name: str):
    value = result[name]
    return value if isinstance(value, QgsVectorLayer) else QgsVectorLayer(value, name, "ogr")


def memory_layer(geometry: str, fields: str, features, name: str, crs="EPSG:4527"):
    layer = QgsVectorLayer(f"{geometry}?crs={crs}&{fields}", name, "memory")
    out = []
    for wkt, attributes in features:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(attributes))
        out.append(feature)
    layer.dataProvider().addFeatures(out)
    return layer


def box_wkt(x1, y1, x2, y2) -> str:
    return shapely.box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2).wkt


def check_ledger_ready(violations: list[dict], campaign: str, first: int) -> None:
    numbers = [v[domain.SPOT_NUMBER] for v in violations]
    assert len(set(numbers)) == len(numbers)
    sequences = sorted(int(JCBH_PATTERN.match(n).group(2)) for n in numbers)
    assert sequences == list(range(first, first + len(numbers)))
    for v in violations:
        assert JCBH_PATTERN.match(v[domain.SPOT_NUMBER]).group(1) == "2026"
        assert v[domain.SPOT_COUNTY_CODE] == domain.ZICHUAN_COUNTY_CODE
        assert v[domain.SPOT_TYPE] == campaign
        assert v[domain.SPOT_AREA] == v[cs.VIOLATION_AREA]
        # TBMJ is the area of the spot's own polygon (planar runs), never an excess.
        if v["geometry"] is not None:
            assert v[domain.SPOT_AREA] == pytest.approx(v["geometry"].area, abs=0.01)
        assert v[domain.SUGGESTED_VERDICT] == domain.SUGGEST_ILLEGAL
        for kind in v[cs.VIOLATION_KIND].split("、"):
            assert kind in v[domain.VERDICT_REASON]


# --- 三区两线 ---------------------------------------------------------------------------------
DISTANCES = [
    domain.THREE_ZONES_KIND_RAILWAY,
    dd.VIEW_DISTANCE_RAILWAY_M,
    domain.THREE_ZONES_KIND_HIGHWAY,
    dd.VIEW_DISTANCE_HIGHWAY_M,
    domain.THREE_ZONES_KIND_RIVER,
    dd.VIEW_DISTANCE_RIVER_M,
    domain.THREE_ZONES_KIND_NATURE_RESERVE,
    dd.VIEW_DISTANCE_ZONE_M,
    domain.THREE_ZONES_KIND_SCENIC_AREA,
    dd.VIEW_DISTANCE_ZONE_M,
    domain.THREE_ZONES_KIND_TOWN,
    dd.VIEW_DISTANCE_ZONE_M,
]


def three_zones_parameters(demo, distances=DISTANCES) -> dict:
    return {
        "LINES": src(demo, domain.DEMO_LAYER_THREE_ZONES_LINES),
        "ZONES": src(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES),
        "DISTANCES": distances,
        "CLIP": src(demo, domain.DEMO_LAYER_DISTRICT),
        "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS),
        "MINES": src(demo, domain.DEMO_LAYER_MINING_LICENCES),
        "AREA_METHOD": PLANAR,
        "OUTPUT": "memory:",
        "OUTPUT_SUMMARY": "memory:",
        "OUTPUT_DETAIL": "memory:",
    }


@pytest.fixture(scope="module")
def three_zones_result(provider, demo):
    return run("threezonestwolines", three_zones_parameters(demo))


def expected_view_areas(demo) -> dict[str, shapely.Geometry]:
    """Each line's and zone's view area, built independently: buffer by kind, clip, union."""
    distance = dict(zip(DISTANCES[::2], DISTANCES[1::2]))
    (district,), _ = read(demo, domain.DEMO_LAYER_DISTRICT)
    out: dict[str, list] = {}
    for layer in (domain.DEMO_LAYER_THREE_ZONES_LINES, domain.DEMO_LAYER_THREE_ZONES_ZONES):
        geoms, props = read(demo, layer)
        for g, p in zip(geoms, props):
            # Arcs 0.3 mm off at 1 km: the true view area (the plugin's may lie 1 cm inside).
            buffered = shapely.buffer(g, distance[p[domain.THREE_ZONES_KIND]], quad_segs=1024)
            out.setdefault(p[domain.THREE_ZONES_SOURCE_NAME], []).append(buffered)
    return {n: shapely.intersection(shapely.union_all(b), district) for n, b in out.items()}


def test_three_zones_pieces_say_what_they_are_in_view_of(three_zones_result, demo):
    pieces = rows(output(three_zones_result, "OUTPUT"))
    views = expected_view_areas(demo)
    geoms = np.array([p["geometry"] for p in pieces])
    union = shapely.union_all(list(views.values()))
    # Disjoint pieces covering exactly the union of all view areas.
    assert shapely.area(geoms).sum() == pytest.approx(union.area, rel=1e-4)
    assert shapely.union_all(geoms).symmetric_difference(union).area < 1e-4 * union.area
    names_seen = set()
    for piece in pieces:
        names = piece[cs.VIEW_NAMES].split(cs.LIST_SEPARATOR)
        names_seen.update(names)
        assert piece[cs.VIEW_COUNT] == len(names) == len(piece[cs.VIEW_KINDS].split(";"))
        assert piece[cs.VIEW_AREA] == pytest.approx(piece["geometry"].area, abs=0.01)
        inner = shapely.buffer(piece["geometry"], -0.5)
        if inner.is_empty:
            continue
        probe = inner.point_on_surface()
        inside = {n for n, v in views.items() if v.contains(probe)}
        assert inside == set(names)
    assert names_seen == set(views)
    assert any(p[cs.VIEW_COUNT] >= 2 for p in pieces)


def test_three_zones_outputs_load_translucent_by_count_with_chinese_headers(
    provider, demo, tmp_path
):
    """Loaded unstyled, the pieces were one opaque fill over the spots, under bare field codes
    (a planner's review): styled on loading, by how many lines and zones each is in view of."""
    import processing
    from qgis.core import (
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
    )

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    paths = {
        name: str(tmp_path / f"{name}.gpkg")
        for name in ("OUTPUT", "OUTPUT_SUMMARY", "OUTPUT_DETAIL")
    }
    parameters = three_zones_parameters(demo)
    for name, path in paths.items():  # as the dialog's "open output file" asks
        parameters[name] = QgsProcessingOutputLayerDefinition(path, QgsProject.instance())
    feedback = QgsProcessingFeedback()
    processing.run("zcenforcement:threezonestwolines", parameters, context=context)
    labels = {**cs.VIEW_FIELD_LABELS_ZH, **cs.SUMMARY_FIELD_LABELS_ZH, **cs.DETAIL_FIELD_LABELS_ZH}
    for name, path in paths.items():
        assert context.willLoadLayerOnCompletion(path), name
        layer = QgsVectorLayer(path, name, "ogr")
        context.layerToLoadOnCompletionDetails(path).postProcessor().postProcessLayer(
            layer, context, feedback
        )
        aliases = {f.name(): f.alias() for f in layer.fields() if f.alias()}
        assert aliases and all(labels[field] == alias for field, alias in aliases.items())
        if name == "OUTPUT":
            renderer = layer.renderer()
            assert renderer.classAttribute() == f'min("{cs.VIEW_COUNT}", 3)'
            fills = [c.symbol().color().alpha() for c in renderer.categories()]
            assert len(fills) == 3 and max(fills) < 255 and fills == sorted(fills)


def test_three_zones_noded_in_tiles_gives_the_figures_noded_whole(provider, demo, monkeypatch):
    """The demo district's view areas noded tile by tile (as a large run is, so that Cancel is
    heard) give every piece, count, area and spot or mine in view as noding them whole."""
    from zc_enforcement_plugin.core import three_zones

    noded_tile = three_zones._noded_tile
    tiles = []

    def counting(*args, **kwargs):
        tiles.append(args[1])
        return noded_tile(*args, **kwargs)

    monkeypatch.setattr(three_zones, "_noded_tile", counting)
    monkeypatch.setattr(three_zones, "NODING_VERTICES_PER_TILE", 10**9)
    whole = run("threezonestwolines", three_zones_parameters(demo))
    assert not tiles
    monkeypatch.setattr(three_zones, "NODING_VERTICES_PER_TILE", 2000)
    tiled = run("threezonestwolines", three_zones_parameters(demo))
    assert len(tiles) >= 9
    for name in ("OUTPUT", "OUTPUT_SUMMARY", "OUTPUT_DETAIL"):
        got, want = rows(output(tiled, name)), rows(output(whole, name))
        assert len(got) == len(want) > 0, name
        for a, b in zip(got, want):
            ga, gb = a.pop("geometry"), b.pop("geometry")
            assert a == b, name
            assert (ga is None and gb is None) or shapely.equals(ga, gb), name


def test_three_zones_detail_loads_with_a_chinese_header_on_every_field(provider, demo):
    """Loaded from the Processing dialog, the detail (one row per line or zone and spot or
    mine) showed bare codes (MC, DXLB, BH, MJ) where the summary beside it read in Chinese."""
    import processing
    from qgis.core import QgsProject

    parameters = three_zones_parameters(demo)
    for name in ("OUTPUT", "OUTPUT_SUMMARY", "OUTPUT_DETAIL"):
        parameters[name] = "TEMPORARY_OUTPUT"
    results = processing.runAndLoadResults("zcenforcement:threezonestwolines", parameters)
    project = QgsProject.instance()
    try:
        detail = project.mapLayer(results["OUTPUT_DETAIL"])
        assert detail is not None and detail.featureCount() > 0
        names = detail.fields().names()
        assert set(cs.DETAIL_FIELD_LABELS_ZH) <= set(names)
        aliases = {name: detail.attributeAlias(i) for i, name in enumerate(names)}
        bare = [name for name in cs.DETAIL_FIELD_LABELS_ZH if not aliases[name]]
        assert not bare, bare
        for name, label in cs.DETAIL_FIELD_LABELS_ZH.items():
            assert aliases[name] == label
            assert re.search(r"[\u4e00-\u9fff]", label), name  # Chinese, not a code
        # The line or zone reads as it does in the summary, one label for one field.
        summary = project.mapLayer(results["OUTPUT_SUMMARY"])
        for field in (cs.SOURCE_NAME, cs.SOURCE_KIND):
            assert summary.attributeAlias(summary.fields().indexOf(field)) == aliases[field]
    finally:
        project.removeAllMapLayers()


def test_three_zones_summary_counts_spots_and_mines(three_zones_result, demo):
    summary = {r[cs.SOURCE_NAME]: r for r in rows(output(three_zones_result, "OUTPUT_SUMMARY"))}
    views = expected_view_areas(demo)
    spots, sprops = read(demo, domain.DEMO_LAYER_SPOTS)
    mines, mprops = read(demo, domain.DEMO_LAYER_MINING_LICENCES)
    assert set(summary) == set(views) | {cs.SUMMARY_TOTAL_NAME}
    any_spot: set[str] = set()
    for name, view in views.items():
        row = summary[name]
        expected = set()
        for g, p in zip(spots, sprops):
            if g is None or g.is_empty or not g.is_valid or not g.intersects(view):
                continue
            if shapely.intersection(g, view).area > domain.TOUCH_TOLERANCE_SQM:
                expected.add(p[domain.SPOT_NUMBER])
        got = set(row[cs.SUMMARY_SPOT_IDS].split(";")) - {""}
        # Spots only grazing a buffer's curved edge may differ with its segmentation.
        assert len(got ^ expected) <= 1, name
        assert row[cs.SUMMARY_SPOT_COUNT] == len(got)
        any_spot |= got
        mines_in = {
            p[cs.LICENCE_NUMBER]
            for g, p in zip(mines, mprops)
            if g.intersects(view)
            and shapely.intersection(g, view).area > domain.TOUCH_TOLERANCE_SQM
        }
        assert set(row[cs.SUMMARY_MINE_IDS].split(";")) - {""} == mines_in, name
        assert row[cs.SOURCE_DISTANCE] > 0 and row[cs.SOURCE_ROLE] in (cs.ROLE_LINE, cs.ROLE_ZONE)
    total = summary[cs.SUMMARY_TOTAL_NAME]
    assert total[cs.SUMMARY_SPOT_COUNT] == len(any_spot) > 10


def test_three_zones_detail_lists_every_spot_and_mine_of_each_summary_row(three_zones_result):
    summary = {r[cs.SOURCE_NAME]: r for r in rows(output(three_zones_result, "OUTPUT_SUMMARY"))}
    detail = rows(output(three_zones_result, "OUTPUT_DETAIL"))
    assert detail
    for name, row in summary.items():
        if name == cs.SUMMARY_TOTAL_NAME:
            continue
        for obj, ids, area in (
            (cs.DETAIL_OBJECT_SPOT, cs.SUMMARY_SPOT_IDS, cs.SUMMARY_SPOT_AREA),
            (cs.DETAIL_OBJECT_MINE, cs.SUMMARY_MINE_IDS, cs.SUMMARY_MINE_AREA),
        ):
            mine = [d for d in detail if d[cs.SOURCE_NAME] == name and d[cs.DETAIL_OBJECT] == obj]
            assert ";".join(d[cs.DETAIL_ID] for d in mine) == (row[ids] or ""), name
            # Each detail area is rounded to cents: their sum within a cent a row of the total.
            assert sum(d[cs.DETAIL_AREA] for d in mine) == pytest.approx(
                row[area], abs=0.005 * (len(mine) + 1)
            )


def test_three_zones_unnamed_segments_without_a_name_field_are_one_highway(provider):
    """Review: a highway of 20 unnamed segments was 20 lines, 79.7 % of its view area said to
    be in view of 2-3 lines, a warning a segment, each "字段 MC：名称为空" with no MC chosen."""
    rows_in = [
        (
            f"LINESTRING({X0 + 100 * i} {Y0},{X0 + 100 * (i + 1)} {Y0})",
            [domain.THREE_ZONES_KIND_HIGHWAY],
        )
        for i in range(20)
    ]
    lines = memory_layer("LineString", f"field={domain.THREE_ZONES_KIND}:string", rows_in, "路")
    feedback = Recorder()
    result = run(
        "threezonestwolines",
        {
            "LINES": lines,
            "DISTANCES": [domain.THREE_ZONES_KIND_HIGHWAY, "100"],
            "AREA_METHOD": PLANAR,
            "OUTPUT": "memory:",
        },
        feedback,
    )
    pieces = rows(output(result, "OUTPUT"))
    assert [p[cs.VIEW_COUNT] for p in pieces] == [1]
    assert pieces[0][cs.VIEW_NAMES].startswith(domain.THREE_ZONES_KIND_HIGHWAY + "（未命名")
    said = [t for t in feedback.texts if "未选名称字段" in t]
    assert len(said) == 1 and "20 个" in said[0]
    assert not [t for t in feedback.texts if "名称为空" in t]


def test_three_zones_output_feeds_screening(three_zones_result, demo):
    screened = run(
        "screenspots",
        {
            "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS),
            "THREE_ZONES": three_zones_result["OUTPUT"],
            "OUTPUT": "memory:",
        },
    )
    flagged = [r for r in rows(output(screened, "OUTPUT")) if r["SFSQLX"]]
    assert flagged and all(r[domain.THREE_ZONES_NAME] for r in flagged)


def test_three_zones_missing_distance_names_layer_feature_and_field(provider, demo):
    without_river = [
        v for i, v in enumerate(DISTANCES) if DISTANCES[i - i % 2] != domain.THREE_ZONES_KIND_RIVER
    ]
    with pytest.raises(QgsProcessingException) as error:
        run("threezonestwolines", three_zones_parameters(demo, without_river))
    message = str(error.value)
    assert domain.DEMO_LAYER_THREE_ZONES_LINES in message
    assert "fid" in message and domain.THREE_ZONES_KIND in message
    assert domain.THREE_ZONES_KIND_RIVER in message


def test_three_zones_messages_name_the_spots_file(provider, demo):
    """Found by the bad-input review: the demo's invalid spots were said to be in "图层 图斑",
    with no file; they are named by their layer and file, as the lines and zones are."""
    feedback = Recorder()
    run("threezonestwolines", three_zones_parameters(demo), feedback)
    repaired = [t for t in feedback.texts if "make_valid" in t]
    assert repaired
    assert all(f"{domain.DEMO_LAYER_SPOTS}（{demo.gpkg}）" in t for t in repaired), repaired


def test_three_zones_bad_distance_is_refused(provider, demo):
    """Named as the dialog shows the parameter (its label, the code after it), the value in
    quotation marks: it said "Parameter DISTANCES" and Python's 'far'."""
    bad = list(DISTANCES)
    bad[1] = "far"
    with pytest.raises(QgsProcessingException) as refused:
        run("threezonestwolines", three_zones_parameters(demo, bad))
    message = str(refused.value)
    label = QgsApplication.processingRegistry().algorithmById("zcenforcement:threezonestwolines")
    label = label.parameterDefinition("DISTANCES").description()
    assert message.startswith(f"{label} (parameter DISTANCES), kind "), message
    assert "“far”" in message and "'far'" not in message, message


def test_three_zones_refuses_one_kind_given_two_distances(provider, demo):
    """A row added in the dialog's table for a kind already there kept the last distance
    without a word (the review of 2026-11-29): both named, nothing drawn."""
    twice = [*DISTANCES, DISTANCES[0], str(float(DISTANCES[1]) + 100)]
    with pytest.raises(QgsProcessingException, match=f"{DISTANCES[0]}.*two distances"):
        run("threezonestwolines", three_zones_parameters(demo, twice))
    same = [*DISTANCES, DISTANCES[0], DISTANCES[1]]  # the same distance twice: no conflict
    run("threezonestwolines", three_zones_parameters(demo, same))


# --- change raster -----------------------------------------------------------------------------
def change_parameters(demo, **extra) -> dict:
    return {
        "RASTER": str(demo.change_raster),
        "MIN_AREA": dd.CAMPAIGN_MIN_MAPPING_SQM,
        "SIMPLIFY": 0,
        "YEAR": 2026,
        "AREA_METHOD": PLANAR,
        "OUTPUT": "memory:",
        **extra,
    }


def test_change_spots_are_numbered_in_a_block_of_their_own_apart_from_the_batch(provider, demo):
    """Numbered from 0001 like the quarterly batch, change spots took its spots' numbers, and
    with them their evidence folders, once imported (found by a review)."""
    found = rows(output(run("polygonizechange", change_parameters(demo)), "OUTPUT"))
    numbers = sorted(f[domain.SPOT_NUMBER] for f in found)
    expected = [f"{domain.ZICHUAN_COUNTY_CODE}2026{5001 + i:04d}" for i in range(len(numbers))]
    assert numbers == expected
    _, batch = read(demo, domain.DEMO_LAYER_SPOTS)
    assert not set(numbers) & {spot[domain.SPOT_NUMBER] for spot in batch}


def test_numbers_that_would_reach_another_campaigns_block_are_refused():
    from zc_enforcement_plugin.processing.campaign_base import refuse_numbers_past_block

    for start, count in ((5001, 1000), (1, 5000), (6500, 10), (8001, 1999), (5001, 0)):
        refuse_numbers_past_block(start, count)  # inside their block: no error
    for start, count, block in ((5001, 1001, 6001), (1, 5001, 5001), (7990, 12, 8001)):
        with pytest.raises(QgsProcessingException, match=f"would reach {block}"):
            refuse_numbers_past_block(start, count)


def test_change_spots_numbered_into_the_temporary_land_block_are_refused(provider, demo):
    """39 change spots from 5990 would take 6001-6028, the temporary-land audit's numbers."""
    with pytest.raises(QgsProcessingException, match="39 spots numbered from 5990 would reach"):
        run("polygonizechange", change_parameters(demo, START_SEQUENCE=5990))


def test_change_raster_gives_one_spot_per_demo_spot(provider, demo):
    result = run("polygonizechange", change_parameters(demo))
    found = rows(output(result, "OUTPUT"))
    window = shapely.box(*demo.image_bounds)
    spots, _ = read(demo, domain.DEMO_LAYER_SPOTS)
    inside = [g for g in spots if g is not None and g.is_valid and window.contains(g)]
    assert len(inside) >= 20
    geoms = np.array([f["geometry"] for f in found])
    tree = shapely.STRtree(geoms)
    for spot in inside:
        hits = tree.query(spot, predicate="intersects")
        (hit,) = [h for h in hits if shapely.intersection(geoms[h], spot).area > 1.0]
        # Rasterised at 2 m: the area differs by about the boundary's length times a pixel.
        assert abs(geoms[hit].area - spot.area) < 1.5 * spot.length
    # The specks planted in the raster are below the mapping unit: none comes out.
    assert all(f[domain.SPOT_MONITORED_AREA] >= dd.CAMPAIGN_MIN_MAPPING_SQM for f in found)
    numbers = [f[domain.SPOT_NUMBER] for f in found]
    assert numbers == [f"3703022026{i:04d}" for i in range(5001, 5001 + len(found))]
    assert {f[domain.SPOT_TYPE] for f in found} == {cs.CHANGE_SPOT_TYPE}
    for f in found:
        assert f[domain.SPOT_MONITORED_AREA] == pytest.approx(f["geometry"].area, abs=0.01)
    # The specks exist: without the mapping unit they come out as tiny spots.
    everything = rows(
        output(run("polygonizechange", change_parameters(demo, MIN_AREA=0)), "OUTPUT")
    )
    assert len(everything) >= len(found) + 20


def test_change_raster_small_windows_and_simplification(provider, demo):
    whole = rows(output(run("polygonizechange", change_parameters(demo)), "OUTPUT"))
    windowed = rows(
        output(run("polygonizechange", change_parameters(demo, WINDOW_SIZE=100)), "OUTPUT")
    )
    assert [f[domain.SPOT_MONITORED_AREA] for f in windowed] == [
        f[domain.SPOT_MONITORED_AREA] for f in whole
    ]
    simple = rows(output(run("polygonizechange", change_parameters(demo, SIMPLIFY=1.0)), "OUTPUT"))
    assert len(simple) == len(whole)
    vertices = sum(shapely.get_num_coordinates(f["geometry"]) for f in simple)
    assert vertices < sum(shapely.get_num_coordinates(f["geometry"]) for f in whole)
    for a, b in zip(whole, simple):
        assert shapely.hausdorff_distance(a["geometry"].boundary, b["geometry"].boundary) <= 1.0001


def test_geographic_raster_is_refused_by_name(provider, tmp_path):
    path = tmp_path / "geographic_change.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=10,
        height=10,
        count=1,
        dtype="uint8",
        crs="EPSG:4490",
        transform=from_origin(118.0, 36.6, 0.0001, 0.0001),
    ) as dst:
        dst.write(np.ones((1, 10, 10), np.uint8))
    with pytest.raises(QgsProcessingException) as error:
        run("polygonizechange", {"RASTER": str(path), "OUTPUT": "memory:"})
    assert "geographic_change" in str(error.value) and "EPSG:4490" in str(error.value)


def _change_raster_profile(driver: str, size: int = 32) -> dict:
    return dict(
        driver=driver,
        width=size,
        height=size,
        count=1,
        dtype="uint8",
        crs="EPSG:4527",
        transform=from_origin(X0, Y0, 2.0, 2.0),
    )


def _spot_areas(parameters: dict, source: str) -> list[float]:
    """Areas of the spots polygonizechange finds in the raster QGIS opens as `source`."""
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(source, "change")
    assert layer.isValid(), source  # QGIS itself opens it
    found = rows(output(run("polygonizechange", {**parameters, "RASTER": layer}), "OUTPUT"))
    return sorted(f[domain.SPOT_MONITORED_AREA] for f in found)


def test_change_rasters_in_a_geopackage_table_or_a_zip_are_read_as_qgis_opens_them(
    provider, tmp_path
):
    """Review: a GeoPackage with two raster tables (GPKG:r2.gpkg:change_b) was read as the
    bare file ("没有坐标系"), a zipped raster (/vsizip/mz.zip/m01.tif) as the zip ("not
    recognized as a supported file format"): QGIS opens both."""
    import zipfile

    first = np.zeros((32, 32), np.uint8)
    first[2:12, 2:12] = 1  # 100 cells: 400 m²
    second = np.zeros((32, 32), np.uint8)
    second[10:30, 10:30] = 1  # 400 cells: 1600 m²
    gpkg = tmp_path / "r2.gpkg"
    for table, mask, more in (("change_a", first, "NO"), ("change_b", second, "YES")):
        options = dict(RASTER_TABLE=table, APPEND_SUBDATASET=more)
        with rasterio.open(gpkg, "w", **_change_raster_profile("GPKG"), **options) as dst:
            dst.write(mask, 1)
    parameters = dict(MIN_AREA=0, SIMPLIFY=0, AREA_METHOD=PLANAR, OUTPUT="memory:")
    assert _spot_areas(parameters, f"GPKG:{gpkg}:change_b") == [1600.0]
    assert _spot_areas(parameters, f"GPKG:{gpkg}:change_a") == [400.0]

    tif = tmp_path / "m01.tif"
    with rasterio.open(tif, "w", **_change_raster_profile("GTiff")) as dst:
        dst.write(second, 1)
    archive = tmp_path / "mz.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(tif, "m01.tif")
    tif.unlink()
    assert _spot_areas(parameters, f"/vsizip/{archive}/m01.tif") == [1600.0]


def _two_table_geopackage(path) -> None:
    """change_a holds one 100-cell patch (400 m²), change_b one of 400 cells (1600 m²)."""
    first = np.zeros((32, 32), np.uint8)
    first[2:12, 2:12] = 1
    second = np.zeros((32, 32), np.uint8)
    second[10:30, 10:30] = 1
    for table, mask, more in (("change_a", first, "NO"), ("change_b", second, "YES")):
        options = dict(RASTER_TABLE=table, APPEND_SUBDATASET=more)
        with rasterio.open(path, "w", **_change_raster_profile("GPKG"), **options) as dst:
            dst.write(mask, 1)


def test_a_change_raster_is_read_with_the_gdal_open_options_of_its_layer(provider, tmp_path):
    """Review: a layer's `|option:KEY=VALUE` (QGIS's way to give GDAL open options) was
    dropped, so rasterio read another table of a GeoPackage (or none: the bare file of two
    tables has no bands) and the file's own georeference where the layer asked for its world
    file."""
    gpkg = tmp_path / "r2.gpkg"
    _two_table_geopackage(gpkg)
    parameters = dict(MIN_AREA=0, SIMPLIFY=0, AREA_METHOD=PLANAR, OUTPUT="memory:")
    assert _spot_areas(parameters, f"{gpkg}|option:TABLE=change_b") == [1600.0]
    assert _spot_areas(parameters, f"{gpkg}|option:TABLE=change_a") == [400.0]
    # GDAL (and so QGIS) takes the first of a key given twice, whatever its case.
    assert _spot_areas(parameters, f"{gpkg}|option:table=change_b|option:TABLE=change_a") == [
        1600.0
    ]

    tif = tmp_path / "worldfile.tif"
    mask = np.zeros((32, 32), np.uint8)
    mask[2:12, 2:12] = 1  # 100 cells: 400 m² at the file's own 2 m
    with rasterio.open(tif, "w", **_change_raster_profile("GTiff")) as dst:
        dst.write(mask, 1)
    (tmp_path / "worldfile.tfw").write_text(f"4\n0\n0\n-4\n{X0 + 2}\n{Y0 - 2}\n")
    source = f"{tif}|option:GEOREF_SOURCES=WORLDFILE,INTERNAL"
    from qgis.core import QgsRasterLayer

    assert QgsRasterLayer(source, "change").rasterUnitsPerPixelX() == 4.0  # QGIS reads 4 m cells
    assert _spot_areas(parameters, source) == [1600.0]
    assert _spot_areas(parameters, str(tif)) == [400.0]


@pytest.mark.parametrize("option", ["GEOREF_SOURCES=WORLDFILE", "NO_VALUE"])
def test_a_gdal_open_option_the_raster_cannot_honour_is_refused_by_name(provider, tmp_path, option):
    """An option GDAL ignores (a GeoPackage has no GEOREF_SOURCES) or one that is no
    KEY=VALUE would read the raster other than the layer asks: refused, naming the layer and
    the option, never ignored."""
    from qgis.core import QgsRasterLayer

    gpkg = tmp_path / "r2.gpkg"
    _two_table_geopackage(gpkg)
    source = f"{gpkg}|option:TABLE=change_b|option:{option}"
    assert QgsRasterLayer(source, "变化栅格").isValid()  # QGIS opens it, the option ignored
    project = QgsProject.instance()
    layer = project.addMapLayer(QgsRasterLayer(source, "变化栅格"))
    try:
        with pytest.raises(QgsProcessingException) as error:
            run("polygonizechange", {"RASTER": layer.id(), "OUTPUT": "memory:"})
        message = str(error.value)
    finally:
        # Not left for the interpreter's exit, where a raster layer outliving QGIS crashed it
        # (the failed run's traceback held the layer passed to it as an object).
        project.removeMapLayer(layer.id())
        del error
    assert "变化栅格" in message and option.split("=")[0] in message, message


def test_a_change_raster_that_does_not_fit_its_crs_is_refused_by_name(provider, tmp_path):
    """Review: a zone-39 mask labelled EPSG:4548 gave "0 change spots" and exit 0."""
    path = tmp_path / "zone39_as_4548.tif"
    mask = np.ones((8, 8), np.uint8)
    with rasterio.open(
        path, "w", **{**_change_raster_profile("GTiff", 8), "crs": "EPSG:4548"}
    ) as d:
        d.write(mask, 1)
    with pytest.raises(QgsProcessingException) as error:
        run("polygonizechange", {"RASTER": str(path), "MIN_AREA": 0, "OUTPUT": "memory:"})
    assert "zone39_as_4548.tif" in str(error.value) and "EPSG:4548" in str(error.value)


# --- temporary land ---------------------------------------------------------------------------
def temporary_parameters(demo, **extra) -> dict:
    return {
        "APPROVALS": src(demo, domain.DEMO_LAYER_TEMPORARY_LAND),
        "GROUND": src(demo, domain.DEMO_LAYER_GROUND),
        "CHECK_DATE": dd.CAMPAIGN_CHECK_DATE.isoformat(),
        "BASIC_FARMLAND": src(demo, domain.DEMO_LAYER_BASIC_FARMLAND),
        "BASIC_FARMLAND_MIN_LEVEL": dd.CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL,
        "LAND_USE": src(demo, domain.DEMO_LAYER_LAND_USE),
        "CULTIVATED_MIN_LEVEL": dd.CAMPAIGN_CULTIVATED_MIN_LEVEL,
        "CULTIVATED_MAX_AREA": dd.CAMPAIGN_CULTIVATED_MAX_SQM,
        "AREA_METHOD": PLANAR,
        "YEAR": 2026,
        "OUTPUT": "memory:",
        "OUTPUT_VIOLATIONS": "memory:",
        **extra,
    }


def by_number(demo, layer: str) -> dict[str, shapely.Geometry]:
    geoms, props = read(demo, layer)
    return {p[domain.APPROVAL_NUMBER]: (g, p) for g, p in zip(geoms, props)}


def ground_of(demo) -> dict[str, tuple]:
    geoms, props = read(demo, domain.DEMO_LAYER_GROUND)
    return {p[domain.GROUND_FEATURE_ID]: (g, p) for g, p in zip(geoms, props)}


def test_temporary_land_finds_each_planted_case(provider, demo):
    result = run("audittemporaryland", temporary_parameters(demo))
    records = {r[domain.APPROVAL_NUMBER]: r for r in rows(output(result, "OUTPUT"))}
    violations = rows(output(result, "OUTPUT_VIOLATIONS"))
    approvals = by_number(demo, domain.DEMO_LAYER_TEMPORARY_LAND)
    ground = ground_of(demo)
    basic = shapely.union_all(read(demo, domain.DEMO_LAYER_BASIC_FARMLAND)[0])
    parcels, pprops = read(demo, domain.DEMO_LAYER_LAND_USE)
    cases = demo.campaign_cases["temporary"]
    assert set(cases) == {
        "ok",
        "over_area",
        "outside",
        "changed_use",
        "expired",
        "basic_farmland_level",
        "cultivated_level",
        "term_too_long",
        "used_before_start",
    }
    for case, answer in cases.items():
        number = answer["number"]
        approval, props = approvals[number]
        (g,) = [ground[i][0] for i in answer["ground"]]
        mine = [v for v in violations if v[domain.APPROVAL_NUMBER] == number]
        assert sorted(v[cs.VIOLATION_CODE] for v in mine) == sorted(answer["codes"]), case
        assert records[number][cs.VIOLATION_COUNT] == len(answer["codes"])
        for v in mine:
            code = v[cs.VIOLATION_CODE]
            assert v[cs.GROUND_IDS] == answer["ground"][0]
            if code == cs.OUTSIDE_BOUNDARY.code:
                expected = g.difference(approval).area
            elif code == cs.OVER_AREA.code:  # the spot is all land used; the excess is said
                expected = g.area
                excess = g.area - props[domain.APPROVAL_AREA]
                assert f"超出 {excess:.2f} m²" in v[domain.VERDICT_REASON]
            elif code in (
                cs.CHANGED_USE.code,
                cs.EXPIRED_NOT_RESTORED.code,
                cs.USED_BEFORE_START.code,
                cs.TERM_TOO_LONG.code,  # the land used under the term too long
            ):
                expected = g.intersection(approval).area
            elif code == cs.BASIC_FARMLAND_LEVEL.code:
                expected = g.intersection(basic).area
            else:
                cultivated = sum(
                    g.intersection(p).area
                    for p, pp in zip(parcels, pprops)
                    if pp[domain.LAND_CLASS_CODE] in domain.CULTIVATED_CODES and p.intersects(g)
                )
                expected = cultivated  # the cultivated land used; the excess is said
                excess = cultivated - dd.CAMPAIGN_CULTIVATED_MAX_SQM
                assert f"超出 {excess:.2f} m²" in v[domain.VERDICT_REASON]
            assert v[cs.VIOLATION_AREA] == pytest.approx(expected, abs=0.02), (case, code)
            assert v[cs.VIOLATION_AREA] > 100.0
    too_long = records[cases["term_too_long"]["number"]]
    assert too_long[cs.STATUS] == cs.TERM_TOO_LONG.label_zh  # every check made
    ok = records[cases["ok"]["number"]]
    assert ok[cs.STATUS] == cs.STATUS_OK and ok[cs.EXPIRY_STATUS] == cs.EXPIRY_VALID
    # The level is a rank, written as the whole number it is.
    assert [type(r[cs.APPROVAL_LEVEL]) for r in records.values()] == [int] * len(records)
    assert ok[cs.APPROVAL_LEVEL] == 3
    assert records[cases["expired"]["number"]][cs.EXPIRY_STATUS] == cs.EXPIRY_NOT_RESTORED
    outside = records[cases["outside"]["number"]]
    assert outside[cs.OUTSIDE_AREA] == pytest.approx(1000.0, abs=0.02)
    assert outside[cs.INSIDE_AREA] == pytest.approx(1500.0, abs=0.02)
    check_ledger_ready(violations, "临时用地专项核查", 6001)


def test_temporary_land_missing_date_field_names_layer_and_field(provider, demo):
    with pytest.raises(QgsProcessingException) as error:
        run("audittemporaryland", temporary_parameters(demo, END_FIELD="PZJSRQ"))
    assert domain.DEMO_LAYER_TEMPORARY_LAND in str(error.value)
    assert "PZJSRQ" in str(error.value)


def test_a_project_layer_is_named_as_the_layers_panel_names_it(provider, demo):
    """Given by its id, a project layer read from a GeoPackage is named by its name in the
    Layers panel, with its file: not by the table inside the file (the project may hold two
    layers of that table, from two districts' files)."""
    from qgis.core import QgsProject, QgsVectorLayer

    layer = QgsVectorLayer(src(demo, domain.DEMO_LAYER_TEMPORARY_LAND), "洪山镇临时用地审批", "ogr")
    QgsProject.instance().addMapLayer(layer)  # the project owns it
    try:
        with pytest.raises(QgsProcessingException) as error:
            run(
                "audittemporaryland",
                temporary_parameters(demo, APPROVALS=layer.id(), END_FIELD="PZJSRQ"),
            )
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert f"洪山镇临时用地审批（{demo.gpkg}）" in str(error.value), str(error.value)


def test_temporary_land_missing_date_value_names_layer_feature_and_field(provider):
    fields = "field=PZWH:string&field=PZMJ_PF:double&field=PZYT:string&field=QSRQ:string" + (
        "&field=JZRQ:string"
    )
    approvals = memory_layer(
        "MultiPolygon",
        fields,
        [
            (box_wkt(0, 0, 50, 50), ["临字1号", 2500.0, "取土场", "2024-01-01", None]),
            (box_wkt(100, 0, 150, 50), ["临字2号", 2500.0, "取土场", "2024-01-01", "2025-13-01"]),
        ],
        "临时用地样例",
    )
    ground = memory_layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [(box_wkt(10, 10, 40, 40), ["A", "取土场"]), (box_wkt(110, 10, 140, 40), ["B", "取土场"])],
        "实地",
    )
    feedback = Recorder()
    result = run(
        "audittemporaryland",
        {
            "APPROVALS": approvals,
            "GROUND": ground,
            "LEVEL_FIELD": "",
            "CHECK_DATE": "2026-03-31",
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    text = "\n".join(feedback.texts)
    assert "图层 临时用地样例，要素 临字1号，字段 JZRQ" in text
    assert "图层 临时用地样例，要素 临字2号，字段 JZRQ" in text  # not a date: 13th month
    records = {r[domain.APPROVAL_NUMBER]: r for r in rows(output(result, "OUTPUT"))}
    # Ground in use and nothing found, but the expiry could not be checked: not 未发现问题.
    assert records["临字1号"][cs.EXPIRY_STATUS] == cs.EXPIRY_UNKNOWN
    assert records["临字1号"][cs.STATUS] == cs.STATUS_DATE_MISSING
    assert records["临字2号"][cs.EXPIRY_STATUS] == cs.EXPIRY_INVALID
    assert records["临字2号"][cs.STATUS] == cs.STATUS_DATE_INVALID
    assert (
        records["临字2号"][domain.APPROVAL_END] is None
        or not records["临字2号"][domain.APPROVAL_END]
    )


def test_temporary_land_follows_the_ledger_deadlines_and_the_infrastructure_field(
    provider, tmp_path
):
    """A 4-year approval is allowed where JCSS says 是 and reported where it says 否; a bureau
    that set the restoration period to 0 years in its ledger sees the expired approval as not
    restored the day after its end, unless years are typed for this run."""
    from zc_enforcement_plugin.core.ledger import GeoPackageLedger
    from zc_enforcement_plugin.core.ledger_schema import SETTING_DEADLINE_RULES

    approvals = memory_layer(
        "MultiPolygon",
        "field=PZWH:string&field=PZYT:string&field=QSRQ:string&field=JZRQ:string&field=JCSS:string",
        [
            (box_wkt(0, 0, 50, 50), ["临基1", "临时施工用地", "2022-06-01", "2026-05-31", "是"]),
            (box_wkt(100, 0, 150, 50), ["临普2", "临时施工用地", "2022-06-01", "2026-05-31", "否"]),
            (box_wkt(200, 0, 250, 50), ["临期3", "临时施工用地", "2024-03-01", "2026-02-28", ""]),
        ],
        "临时用地样例",
    )
    ground = memory_layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [(box_wkt(x + 10, 10, x + 40, 40), [f"G{x}", "临时施工用地"]) for x in (0, 100, 200)],
        "实地",
    )
    ledger_path = tmp_path / "ledger.gpkg"
    store = GeoPackageLedger(ledger_path)
    store.set_setting(SETTING_DEADLINE_RULES, {"temporary_land_restoration": 0})
    store.close()

    def found(**extra):
        result = run(
            "audittemporaryland",
            {
                "APPROVALS": approvals,
                "GROUND": ground,
                "AREA_FIELD": "",
                "LEVEL_FIELD": "",
                "INFRASTRUCTURE_FIELD": "JCSS",
                "CHECK_DATE": "2026-03-01",
                "AREA_METHOD": PLANAR,
                "OUTPUT": "memory:",
                "OUTPUT_VIOLATIONS": "memory:",
                **extra,
            },
        )
        return {r[domain.APPROVAL_NUMBER]: r[cs.STATUS] for r in rows(output(result, "OUTPUT"))}

    # The level checks are not asked for here: said in the status.
    ok = cs.not_checked(["永久基本农田审批权限", "耕地审批权限"])
    too_long = f"{cs.TERM_TOO_LONG.label_zh}（未核查：永久基本农田审批权限、耕地审批权限）"
    expired = f"{cs.EXPIRED_NOT_RESTORED.label_zh}（未核查：永久基本农田审批权限、耕地审批权限）"
    assert found() == {"临基1": ok, "临普2": too_long, "临期3": ok}  # in its restoration year
    assert found(LEDGER=str(ledger_path)) == {"临基1": ok, "临普2": too_long, "临期3": expired}
    assert found(LEDGER=str(ledger_path), RESTORATION_YEARS=1)["临期3"] == ok


# --- facility land ----------------------------------------------------------------------------
def facility_parameters(demo) -> dict:
    return {
        "APPROVALS": src(demo, domain.DEMO_LAYER_FACILITY_LAND),
        "GROUND": src(demo, domain.DEMO_LAYER_GROUND),
        "AUXILIARY_USES": ";".join(dd.CAMPAIGN_AUXILIARY_USES),
        "AUXILIARY_MAX_PERCENT": 100 * dd.CAMPAIGN_AUXILIARY_MAX_SHARE,
        "AUXILIARY_MAX_AREA": dd.CAMPAIGN_AUXILIARY_MAX_SQM,
        "BASIC_FARMLAND": src(demo, domain.DEMO_LAYER_BASIC_FARMLAND),
        "AREA_METHOD": PLANAR,
        "YEAR": 2026,
        "OUTPUT": "memory:",
        "OUTPUT_VIOLATIONS": "memory:",
    }


def test_facility_land_finds_each_planted_case(provider, demo):
    result = run("auditfacilityland", facility_parameters(demo))
    records = {r[domain.APPROVAL_NUMBER]: r for r in rows(output(result, "OUTPUT"))}
    violations = rows(output(result, "OUTPUT_VIOLATIONS"))
    filings = by_number(demo, domain.DEMO_LAYER_FACILITY_LAND)
    ground = ground_of(demo)
    basic = shapely.union_all(read(demo, domain.DEMO_LAYER_BASIC_FARMLAND)[0])
    cases = demo.campaign_cases["facility"]
    assert set(cases) == {
        "ok",
        "auxiliary_over_limit",
        "non_agricultural",
        "outside_and_over_area",
        "basic_farmland",
    }
    for case, answer in cases.items():
        number = answer["number"]
        filing, props = filings[number]
        parts = [ground[i] for i in answer["ground"]]
        used = shapely.union_all([g for g, _ in parts])
        mine = [v for v in violations if v[domain.APPROVAL_NUMBER] == number]
        codes = [c for v in mine for c in v[cs.VIOLATION_CODE].split(";")]
        assert sorted(codes) == sorted(answer["codes"]), case
        for v in mine:
            code = v[cs.VIOLATION_CODE]
            if code == "CFW;CMJ":  # all land used, outside part included: one spot
                expected = used.area
            elif code == cs.OUTSIDE_BOUNDARY.code:
                expected = used.difference(filing).area
            elif code == cs.OVER_AREA.code:
                expected = used.area
            elif code == cs.CHANGED_USE.code:
                expected = used.intersection(filing).area
            elif code == cs.AUXILIARY_OVER_LIMIT.code:
                aux = [g for g, p in parts if p[domain.GROUND_USE] in dd.CAMPAIGN_AUXILIARY_USES]
                limit = dd.CAMPAIGN_AUXILIARY_MAX_SHARE * props[domain.APPROVAL_AREA]
                expected = sum(g.area for g in aux)
                excess = expected - limit
                assert f"超出 {excess:.2f} m²" in v[domain.VERDICT_REASON]
            else:
                expected = used.intersection(basic).area
            assert v[cs.VIOLATION_AREA] == pytest.approx(expected, abs=0.02), (case, code)
            assert v[cs.VIOLATION_AREA] > 100.0
    ok = records[cases["ok"]["number"]]
    assert ok[cs.STATUS] == cs.STATUS_OK and ok[cs.AUXILIARY_AREA] == pytest.approx(200.0)
    check_ledger_ready(violations, "设施农用地专项核查", 7001)


# --- mining ---------------------------------------------------------------------------------------
def mining_parameters(demo, **extra) -> dict:
    return {
        "ACTIVITY": src(demo, domain.DEMO_LAYER_SPOTS),
        "LICENCES": src(demo, domain.DEMO_LAYER_MINING_LICENCES),
        "CHECK_DATE": dd.CAMPAIGN_CHECK_DATE.isoformat(),
        "NO_MINING": src(demo, domain.DEMO_LAYER_NO_MINING),
        "AREA_METHOD": PLANAR,
        "YEAR": 2026,
        "OUTPUT": "memory:",
        "OUTPUT_VIOLATIONS": "memory:",
        **extra,
    }


@pytest.mark.parametrize(
    ("algorithm", "parameters", "layer_param", "dropped"),
    [
        ("audittemporaryland", temporary_parameters, "APPROVALS", cs.APPROVAL_LEVEL),
        ("auditmining", mining_parameters, "LICENCES", cs.LICENCE_VALID_FROM),
    ],
)
def test_an_optional_field_left_at_its_default_is_not_needed(
    provider, demo, algorithm, parameters, layer_param, dropped
):
    """A layer without PZJB (no level check asked) or YXQQ was refused for lacking a field
    not needed (the review of 2026-11-29): the run goes on without it, and says so. A field
    the user names that the layer lacks is still refused (above)."""
    import processing as qgis_processing

    given = parameters(demo)
    without = qgis_processing.run(
        "native:deletecolumn",
        {"INPUT": given[layer_param], "COLUMN": [dropped], "OUTPUT": "memory:"},
    )["OUTPUT"]
    feedback = Recorder()
    result = run(algorithm, {**given, layer_param: without}, feedback=feedback)
    assert output(result, "OUTPUT").featureCount() > 0
    assert any(dropped in said and "not read" in said for said in feedback.texts), feedback.texts


@pytest.fixture(scope="module")
def mining_result(provider, demo):
    return run("auditmining", mining_parameters(demo))


def test_mining_finds_each_planted_case(mining_result, demo):
    records = {r[cs.ACTIVITY_ID]: r for r in rows(output(mining_result, "OUTPUT"))}
    violations = rows(output(mining_result, "OUTPUT_VIOLATIONS"))
    spots, sprops = read(demo, domain.DEMO_LAYER_SPOTS)
    spot = {p[domain.SPOT_NUMBER]: g for g, p in zip(spots, sprops)}
    licences = {
        p[cs.LICENCE_NUMBER]: g for g, p in zip(*read(demo, domain.DEMO_LAYER_MINING_LICENCES))
    }
    no_go = shapely.union_all(read(demo, domain.DEMO_LAYER_NO_MINING)[0])
    cases = demo.campaign_cases["mining"]
    mining_spots = {p[domain.SPOT_NUMBER] for p in sprops if p[domain.SPOT_TYPE] == "采矿用地"}
    assert set(records) == mining_spots  # only the mining type is audited

    def found(number):
        """Kind -> the spot that has it; one spot per activity (its kinds share its land)."""
        spots = [v for v in violations if v[cs.ACTIVITY_ID] == number]
        assert len(spots) <= 1, spots
        return {code: v for v in spots for code in v[cs.VIOLATION_CODE].split(";")}

    valid = cases["valid"]
    assert found(valid["spot"]) == {}
    assert records[valid["spot"]][cs.STATUS] == cs.STATUS_OK
    assert records[valid["spot"]][cs.LICENCE_NUMBER] == valid["licence"]

    case = cases["out_of_bounds"]
    (v,) = found(case["spot"]).values()
    assert v[cs.VIOLATION_CODE] == cs.OUT_OF_BOUNDS.code
    expected = spot[case["spot"]].difference(licences[case["licence"]]).area
    assert v[cs.VIOLATION_AREA] == pytest.approx(expected, abs=0.02) and expected > 100

    case = cases["expired"]
    (v,) = found(case["spot"]).values()
    assert (
        v[cs.VIOLATION_CODE] == cs.EXPIRED_LICENCE.code and case["licence"] in v[cs.VIOLATION_NOTE]
    )
    expected = spot[case["spot"]].intersection(licences[case["licence"]]).area
    assert v[cs.VIOLATION_AREA] == pytest.approx(expected, abs=0.02)

    case = cases["in_no_go"]
    assert set(found(case["spot"])) == {cs.IN_NO_GO.code}  # licensed, but in a no-mining zone

    assert len(cases["no_licence"]) >= 5
    for number in cases["no_licence"]:
        v = found(number)[cs.NO_LICENCE.code]
        assert v[cs.VIOLATION_AREA] == pytest.approx(spot[number].area, abs=0.02)
    assert len(cases["no_go_spots"]) >= 3
    for number in mining_spots:
        inside = spot[number].intersection(no_go).area
        if number in cases["no_go_spots"]:
            v = found(number)[cs.IN_NO_GO.code]
            if cs.NO_LICENCE.code in v[cs.VIOLATION_CODE]:  # the whole unlicensed activity
                assert v[cs.VIOLATION_AREA] == pytest.approx(spot[number].area, abs=0.02)
                assert v[cs.VIOLATION_KIND] == "无证开采、禁区开采"
            else:
                assert v[cs.VIOLATION_AREA] == pytest.approx(inside, abs=0.02)
            assert "禁采区" in v[cs.VIOLATION_NOTE]
        else:
            assert cs.IN_NO_GO.code not in found(number) and inside < 0.01
    # Unlicensed mining inside a no-mining zone is one spot, not two on the same land.
    both = [v for v in violations if v[cs.VIOLATION_CODE] == "WZKC;JQKC"]
    assert both and len(violations) == len({v[cs.ACTIVITY_ID] for v in violations})
    check_ledger_ready(violations, "矿产卫片专项核查", 8001)


@pytest.mark.parametrize(
    ("algorithm", "parameters", "dated", "owner"),
    [
        ("audittemporaryland", temporary_parameters, "APPROVALS", domain.APPROVAL_NUMBER),
        ("auditmining", mining_parameters, "LICENCES", cs.ACTIVITY_ID),
    ],
)
def test_dates_read_through_qgis_count_as_dates(
    provider, demo, algorithm, parameters, dated, owner
):
    """A Shapefile's, a memory or a PostGIS layer's date fields reach the plugin as QDate, not
    as the text a GeoPackage read in bulk gives: the audit of a memory copy of the layer finds
    the same violations (an expired approval or licence among them), and no date is refused."""

    on_file = parameters(demo)
    gpkg_layer = QgsVectorLayer(on_file[dated], dated, "ogr")
    copy = gpkg_layer.materialize(QgsFeatureRequest())
    date_fields = [f.name() for f in copy.fields() if f.type() == QVariant.Date]
    assert date_fields  # the copy keeps them as date fields, read as QDate

    def found(params, feedback=None):
        result = run(algorithm, params, feedback)
        return sorted(
            (v[owner], v[cs.VIOLATION_CODE]) for v in rows(output(result, "OUTPUT_VIOLATIONS"))
        )

    expected = found(on_file)
    feedback = Recorder()
    assert found({**on_file, dated: copy}, feedback) == expected
    assert {cs.EXPIRED_NOT_RESTORED.code, cs.EXPIRED_LICENCE.code} & {c for _, c in expected}
    assert not [t for t in feedback.texts if "QDate" in t or "不是有效日期" in t]


def test_mining_missing_validity_date_names_layer_feature_and_field(provider):
    licences = memory_layer(
        "MultiPolygon",
        "field=XKZH:string&field=YXQQ:date&field=YXQZ:date",
        [(box_wkt(0, 0, 100, 100), ["C001", "2020-01-01", None])],
        "采矿权样例",
    )
    activity = memory_layer(
        "MultiPolygon",
        "field=JCBH:string&field=TBLX:string",
        [(box_wkt(10, 10, 60, 60), ["370302202699", "采矿用地"])],
        "开采",
    )
    feedback = Recorder()
    run(
        "auditmining",
        {
            "ACTIVITY": activity,
            "LICENCES": licences,
            "CHECK_DATE": "2026-03-31",
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    assert "图层 采矿权样例，要素 C001，字段 YXQZ" in "\n".join(feedback.texts)


def test_mining_repeated_activity_and_licence_numbers_are_said(provider):
    """Activity 370302202601 on features 1 and 3 and licence C001 on features 1 and 2: the log
    says each repeated number once, naming the layer, the features by fid and the field, and
    both activities keep their number and their own finding."""
    licences = memory_layer(
        "MultiPolygon",
        "field=XKZH:string&field=YXQQ:date&field=YXQZ:date",
        [
            (box_wkt(0, 0, 100, 100), ["C001", "2020-01-01", "2030-12-31"]),
            (box_wkt(200, 0, 300, 100), ["C001", "2020-01-01", "2030-12-31"]),
        ],
        "采矿权样例",
    )
    activity = memory_layer(
        "MultiPolygon",
        "field=JCBH:string&field=TBLX:string",
        [
            (box_wkt(10, 10, 60, 60), ["370302202601", "采矿用地"]),
            (box_wkt(210, 10, 260, 60), ["370302202602", "采矿用地"]),
            (box_wkt(500, 500, 560, 560), ["370302202601", "采矿用地"]),
        ],
        "开采",
    )
    feedback = Recorder()
    result = run(
        "auditmining",
        {
            "ACTIVITY": activity,
            "LICENCES": licences,
            "CHECK_DATE": "2026-03-31",
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    said = [t for t in feedback.texts if "重复" in t]
    assert len(said) == 2, feedback.texts
    assert any(
        t.startswith("图层 开采，要素 fid 1、fid 3，字段 JCBH：") and "370302202601" in t
        for t in said
    )
    assert any(
        t.startswith("图层 采矿权样例，要素 fid 1、fid 2，字段 XKZH：") and "C001" in t
        for t in said
    )
    records = rows(output(result, "OUTPUT"))
    assert [(r[cs.ACTIVITY_ID], r[cs.STATUS]) for r in records] == [
        ("370302202601", cs.STATUS_OK),
        ("370302202602", cs.STATUS_OK),
        ("370302202601", cs.NO_LICENCE.label_zh),
    ]


def test_mining_blank_licence_numbers_are_said_naming_layer_feature_and_field(provider):
    """A licence without a number (NULL, or a full-width space as an input method types it)
    is a row the bureau must fill in: each is said naming the licence layer, the feature by
    its fid and the number field, as a blank licence number, and stands in by that fid in the
    findings. Before, the fid took the number's place without a word."""
    licences = memory_layer(
        "MultiPolygon",
        "field=XKZH:string&field=YXQQ:date&field=YXQZ:date",
        [
            (box_wkt(0, 0, 100, 100), ["C001", "2020-01-01", "2030-12-31"]),
            (box_wkt(200, 0, 300, 100), [None, "2020-01-01", "2030-12-31"]),
            (box_wkt(400, 0, 500, 100), ["\u3000", "2020-01-01", "2030-12-31"]),
        ],
        "采矿权样例",
    )
    activity = memory_layer(
        "MultiPolygon",
        "field=JCBH:string&field=TBLX:string",
        [
            (box_wkt(10, 10, 60, 60), ["370302202601", "采矿用地"]),
            (box_wkt(210, 10, 260, 60), ["370302202602", "采矿用地"]),
            (box_wkt(410, 10, 460, 60), ["370302202603", "采矿用地"]),
        ],
        "开采",
    )
    feedback = Recorder()
    result = run(
        "auditmining",
        {
            "ACTIVITY": activity,
            "LICENCES": licences,
            "CHECK_DATE": "2026-03-31",
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    said = [t for t in feedback.texts if "为空" in t]
    assert said == [
        f"图层 采矿权样例，要素 fid {fid}，字段 XKZH：许可证号为空，记为 fid {fid}，请补填 / "
        f"layer 采矿权样例, feature fid {fid}, field XKZH: the licence number is blank, "
        f"recorded as fid {fid}: fill it in"
        for fid in (2, 3)
    ], feedback.texts
    records = rows(output(result, "OUTPUT"))
    assert [(r[cs.ACTIVITY_ID], r[cs.LICENCE_NUMBER], r[cs.STATUS]) for r in records] == [
        ("370302202601", "C001", cs.STATUS_OK),
        ("370302202602", "fid 2", cs.STATUS_OK),
        ("370302202603", "fid 3", cs.STATUS_OK),
    ]


def test_temporary_land_blank_approval_number_is_said_naming_layer_feature_and_field(provider):
    """An approval without its 批准文号 is said naming the approvals layer, the feature by its
    fid and the number field; it stands in by that fid in the per-approval table."""
    approvals = memory_layer(
        "MultiPolygon",
        "field=PZWH:string&field=PZMJ_PF:double&field=PZYT:string&field=QSRQ:string"
        "&field=JZRQ:string",
        [
            (box_wkt(0, 0, 50, 50), ["临字1号", 2500.0, "取土场", "2024-01-01", "2027-01-01"]),
            (box_wkt(100, 0, 150, 50), ["  ", 2500.0, "取土场", "2024-01-01", "2027-01-01"]),
        ],
        "临时用地样例",
    )
    ground = memory_layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [(box_wkt(10, 10, 40, 40), ["A", "取土场"]), (box_wkt(110, 10, 140, 40), ["B", "取土场"])],
        "实地",
    )
    feedback = Recorder()
    result = run(
        "audittemporaryland",
        {
            "APPROVALS": approvals,
            "GROUND": ground,
            "LEVEL_FIELD": "",
            "CHECK_DATE": "2026-03-31",
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    said = [t for t in feedback.texts if "为空" in t]
    assert said == [
        "图层 临时用地样例，要素 fid 2，字段 PZWH：批准文号为空，记为 fid 2，请补填 / "
        "layer 临时用地样例, feature fid 2, field PZWH: the approval number is blank, "
        "recorded as fid 2: fill it in"
    ], feedback.texts
    records = rows(output(result, "OUTPUT"))
    assert [r[domain.APPROVAL_NUMBER] for r in records] == ["临字1号", "fid 2"]


def test_mining_violations_import_into_the_ledger_as_a_batch(mining_result, tmp_path):
    ledger_path = tmp_path / "ledger.gpkg"
    imported = run(
        "importspots",
        {
            "SPOTS": mining_result["OUTPUT_VIOLATIONS"],
            "LEDGER": str(ledger_path),
            "BATCH": "2026年矿产卫片专项",
        },
    )
    count = output(mining_result, "OUTPUT_VIOLATIONS").featureCount()
    assert imported["ADDED"] == count > 0 and imported["REFUSED"] == 0


# --- cancelling -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "algorithm",
    [
        "threezonestwolines",
        "polygonizechange",
        "audittemporaryland",
        "auditfacilityland",
        "auditmining",
    ],
)
def test_cancel_stops_the_run(provider, demo, algorithm):
    parameters = {
        "threezonestwolines": three_zones_parameters(demo),
        "polygonizechange": change_parameters(demo),
        "audittemporaryland": temporary_parameters(demo),
        "auditfacilityland": facility_parameters(demo),
        "auditmining": mining_parameters(demo),
    }[algorithm]
    feedback = Recorder(cancel_after=1)
    result = run(algorithm, parameters, feedback)
    assert feedback.isCanceled()
    assert "OUTPUT" not in result


# --- found by a review of bad input to the campaigns ----------------------------------------------
APPROVAL_FIELDS = (
    "field=PZWH:string&field=PZMJ_PF:double&field=PZYT:string&field=QSRQ:date&field=JZRQ:date"
    "&field=PZJB:integer"
)


def test_mining_says_how_many_activities_it_audits(provider, demo):
    """Found by the README walk-through: the log said "Auditing 300 activities" of the demo's
    spots while the records held the 38 of a mining type, the only ones audited."""
    _, sprops = read(demo, domain.DEMO_LAYER_SPOTS)
    mining = [p for p in sprops if p[domain.SPOT_TYPE] == "采矿用地"]
    assert 0 < len(mining) < len(sprops)
    feedback = Recorder()
    result = run("auditmining", mining_parameters(demo), feedback)
    assert len(rows(output(result, "OUTPUT"))) == len(mining)
    said = [t for t in feedback.texts if t.startswith("Auditing")]
    assert said == [f"Auditing {len(mining)} activities"], feedback.texts


def test_mining_types_matching_no_activity_are_said_naming_layer_field_and_values(provider, demo):
    """Found by review: with MINING_TYPES 采矿 (the spots' TBLX holds 采矿用地) the run succeeded
    silently with both outputs empty. It still runs (the outputs are what was asked), but the
    log says no activity matched, naming the layer, the type field and the values it holds."""
    feedback = Recorder()
    result = run("auditmining", mining_parameters(demo, MINING_TYPES="采矿"), feedback)
    assert rows(output(result, "OUTPUT")) == []
    said = [t for t in feedback.texts if "采矿用地" in t]
    assert len(said) == 1, feedback.texts
    assert domain.DEMO_LAYER_SPOTS in said[0] and domain.SPOT_TYPE in said[0], said
    assert "(采矿)" in said[0] and "none of" in said[0].lower(), said
    # Matching types say nothing of the kind.
    feedback = Recorder()
    run("auditmining", mining_parameters(demo), feedback)
    assert not [t for t in feedback.texts if "none of" in t.lower()], feedback.texts


def test_auxiliary_uses_matching_no_ground_use_are_said(provider, demo):
    """The facility audit's auxiliary uses matched against the ground: a list that matches no
    ground use (管理用房 typed, the survey says 附属设施用地) would find no auxiliary facility
    and check none against the limit, silently; the log says so, naming the ground layer, its
    use field and the uses it holds."""
    feedback = Recorder()
    run("auditfacilityland", {**facility_parameters(demo), "AUXILIARY_USES": "管理用房"}, feedback)
    said = [t for t in feedback.texts if "管理用房" in t]
    assert len(said) == 1, feedback.texts
    assert domain.DEMO_LAYER_GROUND in said[0] and domain.GROUND_USE in said[0], said
    assert dd.CAMPAIGN_AUXILIARY_USES[0] in said[0] and "none of" in said[0].lower(), said
    feedback = Recorder()
    run("auditfacilityland", facility_parameters(demo), feedback)
    assert not [t for t in feedback.texts if "none of" in t.lower()], feedback.texts


def test_an_empty_layer_is_said_and_the_others_still_count(provider, demo):
    """A layer with no feature (or none with a geometry) is no traceback: the audit says so and
    goes on with the others. Without licences every mining spot is unlicensed; without lines
    the view areas come from the zones."""
    feedback = Recorder()
    empty_licences = memory_layer(
        "MultiPolygon", "field=XKZH:string&field=YXQQ:date&field=YXQZ:date", [], "空采矿权"
    )
    result = run("auditmining", mining_parameters(demo, LICENCES=empty_licences), feedback)
    assert any("空采矿权" in text for text in feedback.texts)
    codes = {v[cs.VIOLATION_CODE] for v in rows(output(result, "OUTPUT_VIOLATIONS"))}
    _, sprops = read(demo, domain.DEMO_LAYER_SPOTS)
    mining = [p for p in sprops if p[domain.SPOT_TYPE] == "采矿用地"]
    assert cs.NO_LICENCE.code in codes and cs.EXPIRED_LICENCE.code not in codes
    records = rows(output(result, "OUTPUT"))
    assert len(records) == len(mining)

    no_lines = memory_layer("MultiLineString", "field=LX:string&field=MC:string", [], "空线")
    feedback = Recorder()
    result = run(
        "threezonestwolines",
        {
            "LINES": no_lines,
            "ZONES": src(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES),
            "DISTANCES": ["自然保护区", 1000, "风景名胜区", 1000, "城镇", 1000],
            "OUTPUT": "memory:",
        },
        feedback,
    )
    assert output(result, "OUTPUT").featureCount() > 0
    assert any("空线" in text for text in feedback.texts)


def test_nothing_to_audit_is_said_by_layer(provider, demo):
    """Approvals and ground both without a geometry: the run stops, naming both layers."""
    approvals = memory_layer("MultiPolygon", APPROVAL_FIELDS, [], "空审批")
    ground = memory_layer("MultiPolygon", "field=XZBH:string&field=XZYT:string", [], "空现状")
    with pytest.raises(QgsProcessingException) as error:
        run(
            "audittemporaryland",
            temporary_parameters(demo, APPROVALS=approvals, GROUND=ground),
        )
    assert "空审批" in str(error.value) and "空现状" in str(error.value)


def test_ground_text_in_gbk_is_read_as_gbk_and_a_wrong_cpg_stops_the_audit(
    provider, demo, tmp_path
):
    """A GBK Shapefile without .cpg is read in GBK, as delivered: the audit finds what it finds
    on the GeoPackage. With a .cpg naming the wrong encoding its uses (XZYT) would no longer
    match the approved ones, and the audit would find other violations: it stops, naming the
    file and the field, and says how to read it right."""
    from tests.screening_layers import shapefile_without_cpg

    ground = QgsVectorLayer(src(demo, domain.DEMO_LAYER_GROUND), "SDXZ", "ogr")
    shapefile = tmp_path / "sdxz.shp"
    shapefile_without_cpg(ground, shapefile, "GBK")

    def findings(result) -> list:
        return sorted(str(sorted((k, str(v)) for k, v in row.items())) for row in rows(result))

    expected = run("audittemporaryland", temporary_parameters(demo))["OUTPUT"]
    # Given by its path, as a user picks a file: Processing owns the layer it opens. (A layer
    # object of the test's own, freed while a failed run's traceback still holds its source,
    # crashed the interpreter at exit.)
    read = run("audittemporaryland", temporary_parameters(demo, GROUND=str(shapefile)))["OUTPUT"]
    assert findings(read) == findings(expected)

    shapefile.with_suffix(".cpg").write_text("UTF-8")
    with pytest.raises(QgsProcessingException) as error:
        run("audittemporaryland", temporary_parameters(demo, GROUND=str(shapefile)))
    message = str(error.value)
    assert str(shapefile) in message and domain.GROUND_USE in message and "GBK" in message


def test_a_cancel_during_the_reads_says_nothing_about_empty_layers(provider, demo):
    """A read cut short by the cancel button returns nothing read: that is no empty layer, and
    the log must not say it is."""
    feedback = Recorder()
    feedback.cancel()
    result = run("audittemporaryland", temporary_parameters(demo), feedback)
    assert not result.get("OUTPUT")
    assert not [t for t in feedback.texts if "no feature with a geometry" in t]


def test_the_cancel_button_reaches_the_reads(provider, demo, monkeypatch, tmp_path):
    """A large layer read feature by feature is read with the run's cancel button (campaigns
    and importspots alike): every read is handed a feedback that reports the cancel."""
    from zc_enforcement_plugin.processing import campaign_base, import_spots, layer_reader

    seen = []

    def spy(*args, feedback=None, **kwargs):
        seen.append(feedback is not None and feedback.isCanceled())
        return layer_reader.read_source(*args, feedback=feedback, **kwargs)

    monkeypatch.setattr(campaign_base, "read_source", spy)
    monkeypatch.setattr(import_spots, "read_source", spy)
    feedback = Recorder()
    feedback.cancel()
    run("audittemporaryland", temporary_parameters(demo), feedback)
    spots = QgsVectorLayer(src(demo, domain.DEMO_LAYER_SPOTS), "jctb", "ogr")
    copy = spots.materialize(QgsFeatureRequest())  # not a file: read through read_source
    # A cancelled import fails (never an empty success a model would go on from).
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing imported"):
        run(
            "importspots",
            {
                "SPOTS": copy,
                "TOWNS": src(demo, domain.DEMO_LAYER_TOWNS),
                "LEDGER": str(tmp_path / "ledger.gpkg"),
            },
            feedback,
        )
    assert len(seen) >= 3 and all(seen)


def test_a_three_zones_run_cancelled_while_counting_leaves_no_view_areas(provider, demo, tmp_path):
    """Cancelled while counting the spots and mines in view, the run returns nothing and no
    view-area file is left that looks like a finished result."""

    class CancelWhileCounting(Recorder):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            if "spots and mines" in text:
                self.cancel()

    output = tmp_path / "view.gpkg"
    parameters = three_zones_parameters(demo)
    parameters.update(OUTPUT=str(output), OUTPUT_SUMMARY=str(tmp_path / "summary.csv"))
    feedback = CancelWhileCounting()
    result = run("threezonestwolines", parameters, feedback)
    assert feedback.isCanceled()
    assert not result.get("OUTPUT") and not output.exists()


def test_a_cancel_while_the_view_areas_are_noded_stops_after_one_tile(
    provider, tmp_path, monkeypatch
):
    """Review: 600 separate nameless segments were noded in one GEOS call of 10.7 s, the bar
    frozen and Cancel dead. Now a cancel at the noding's first progress report is heard
    before its second tile, and nothing is written."""
    import sys

    from zc_enforcement_plugin.core import three_zones

    tiles = []
    noded_tile = three_zones._noded_tile
    monkeypatch.setattr(
        three_zones, "_noded_tile", lambda *a, **k: tiles.append(a[1]) or noded_tile(*a, **k)
    )

    class CancelWhileNoding(Recorder):
        def setProgress(self, value):  # noqa: N802 - QGIS API
            super().setProgress(value)
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name != "_noded":
                frame = frame.f_back
            if frame is not None:
                self.noding_reports.append(value)
                self.cancel()

    segments = [
        (f"LINESTRING({X0 + 150 * i} {Y0}, {X0 + 150 * i + 100} {Y0 + 5})", [HIGHWAY_KIND])
        for i in range(600)
    ]
    lines = memory_layer("LineString", "field=LX:string", segments, "segments")
    output = tmp_path / "view.gpkg"
    feedback = CancelWhileNoding()
    feedback.noding_reports = []
    result = run(
        "threezonestwolines",
        {
            "LINES": lines,
            "LINE_NAME_FIELD": None,
            "DISTANCES": [HIGHWAY_KIND, "1000"],
            "OUTPUT": str(output),
        },
        feedback,
    )
    assert feedback.isCanceled() and len(feedback.noding_reports) == 1
    assert len(tiles) == 1
    # ... of 16: the 640,000 boundary vertices of a row 91.95 km long (with its view areas)
    # make tiles a quarter of it wide.
    ((x0, _y0, x1, _y1),) = tiles
    assert x1 - x0 == pytest.approx((150 * 599 + 100 + 2 * 1000) / 4, abs=1.0)
    assert not result.get("OUTPUT") and not output.exists()


@pytest.mark.parametrize("algorithm", ["polygonizechange", "auditmining", "audittemporaryland"])
def test_a_cancel_at_the_end_of_the_work_writes_nothing(provider, demo, tmp_path, algorithm):
    """A cancel pressed once the engine has looked for the last time (as it reports 100 %)
    still stops the run before it writes: nothing is returned, no file is left."""
    parameters = {
        "polygonizechange": lambda: change_parameters(demo),
        "auditmining": lambda: mining_parameters(demo),
        "audittemporaryland": lambda: temporary_parameters(demo),
    }[algorithm]()
    for name in [k for k in parameters if k.startswith("OUTPUT")]:
        parameters[name] = str(tmp_path / f"{name}.gpkg")

    class CancelAtTheEnd(Recorder):
        def setProgress(self, value):  # noqa: N802 - QGIS API
            super().setProgress(value)
            if value >= 99.9:  # after the engine's last look
                self.cancel()

    feedback = CancelAtTheEnd()
    result = run(algorithm, parameters, feedback)
    assert feedback.isCanceled()
    assert not any(result.get(k) for k in result if k.startswith("OUTPUT")), result
    assert not list(tmp_path.glob("*.gpkg"))


def test_use_synonyms_keep_a_wording_difference_from_reading_as_a_changed_use(provider, demo):
    """The demo's changed-use case: ground 厂房 inside an approval for 临时施工用地 is 擅自改变用途;
    told that 厂房 there means the approved use, it is not. A synonym that is not word=use is
    refused, naming the parameter."""
    case = demo.campaign_cases["temporary"]["changed_use"]

    def changed_use(parameters) -> list:
        violations = rows(output(run("audittemporaryland", parameters), "OUTPUT_VIOLATIONS"))
        return [
            v
            for v in violations
            if v[domain.APPROVAL_NUMBER] == case["number"]
            and cs.CHANGED_USE.code in v[cs.VIOLATION_CODE]
        ]

    assert len(changed_use(temporary_parameters(demo))) == 1
    told = temporary_parameters(demo, USE_SYNONYMS="施工便道=临时施工用地；厂房 ＝ 临时施工用地")
    assert changed_use(told) == []
    with pytest.raises(QgsProcessingException) as error:
        run("audittemporaryland", temporary_parameters(demo, USE_SYNONYMS="厂房"))
    assert "USE_SYNONYMS" in str(error.value) and "厂房" in str(error.value)


def test_checks_left_off_are_said_not_passed_as_no_problem(provider, demo):
    """Left at the dialog's defaults, the approval-level and auxiliary-facility checks are
    off: an approval that takes basic farmland under a county-level approval, or a filing with
    auxiliary facilities, must not read 未发现问题 as if they had been checked; the log says
    which checks were not made."""
    parameters = temporary_parameters(demo)
    for name in ("BASIC_FARMLAND_MIN_LEVEL", "CULTIVATED_MIN_LEVEL", "CULTIVATED_MAX_AREA"):
        parameters.pop(name)
    feedback = Recorder()
    result = run("audittemporaryland", parameters, feedback)
    status = {r[domain.APPROVAL_NUMBER]: r[cs.STATUS] for r in rows(output(result, "OUTPUT"))}
    cases = demo.campaign_cases["temporary"]
    level_case = status[cases["basic_farmland_level"]["number"]]
    assert level_case.startswith(cs.STATUS_OK + "（未核查") and "永久基本农田审批权限" in level_case
    assert any("未核查" in t and "永久基本农田" in t for t in feedback.texts), feedback.texts

    parameters = facility_parameters(demo)
    parameters.pop("AUXILIARY_MAX_PERCENT")
    parameters.pop("AUXILIARY_MAX_AREA")
    feedback = Recorder()
    result = run("auditfacilityland", parameters, feedback)
    status = {r[domain.APPROVAL_NUMBER]: r[cs.STATUS] for r in rows(output(result, "OUTPUT"))}
    over = status[demo.campaign_cases["facility"]["auxiliary_over_limit"]["number"]]
    assert over == cs.not_checked(["辅助设施上限"]), over
    assert any("辅助设施" in t and "未核查" in t for t in feedback.texts), feedback.texts


def test_facility_filings_are_asked_for_as_filings(provider):
    """Facility land is filed (备案), not approved: its dialog asks for filing fields."""

    registry = QgsApplication.processingRegistry()
    facility = registry.createAlgorithmById("zcenforcement:auditfacilityland")
    temporary = registry.createAlgorithmById("zcenforcement:audittemporaryland")
    assert facility.parameterDefinition("NUMBER_FIELD").description().startswith("Filing")
    assert facility.parameterDefinition("AREA_FIELD").description().startswith("Filed")
    assert temporary.parameterDefinition("NUMBER_FIELD").description().startswith("Approval")


def test_three_zones_names_every_kind_without_a_distance_at_once(provider, demo):
    """The dialog lists the six usual kinds with their distances blank; run with two given,
    every other kind the layers hold is named in one refusal, each with a feature."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "zcenforcement:threezonestwolines"
    )
    listed = algorithm.parameterDefinition("DISTANCES").defaultValue()
    assert listed[0::2] == list(domain.THREE_ZONES_KINDS) and not any(listed[1::2])
    two = [domain.THREE_ZONES_KIND_RAILWAY, "500", domain.THREE_ZONES_KIND_TOWN, "300"]
    with pytest.raises(QgsProcessingException) as error:
        run("threezonestwolines", three_zones_parameters(demo, two))
    message = str(error.value)
    for kind in (domain.THREE_ZONES_KIND_HIGHWAY, domain.THREE_ZONES_KIND_RIVER):
        assert kind in message, message
    assert domain.THREE_ZONES_KIND_RAILWAY not in message and "fid" in message


def test_three_zones_names_every_feature_without_a_kind_with_the_kinds_without_a_distance(
    provider,
):
    """Kinds missing and kinds empty came one per run (a review needed three runs to learn
    all): one refusal now names the kind without a distance and both features without one."""
    fields = f"field={domain.THREE_ZONES_KIND}:string&field={domain.THREE_ZONES_SOURCE_NAME}:string"
    rows = [
        (f"LINESTRING({X0} {Y0 + y},{X0 + 1000} {Y0 + y})", [kind, f"线{y}"])
        for y, kind in ((0, None), (100, ""), (200, domain.THREE_ZONES_KIND_RAILWAY), (300, "高速"))
    ]
    lines = memory_layer("LineString", fields, rows, "线状要素")
    parameters = {
        "LINES": lines,
        "DISTANCES": [domain.THREE_ZONES_KIND_RAILWAY, "500"],
        "OUTPUT": "memory:",
        "OUTPUT_SUMMARY": "memory:",
    }
    with pytest.raises(QgsProcessingException) as error:
        run("threezonestwolines", parameters)
    message = str(error.value)
    assert "高速（" in message and "fid 1、fid 2" in message, message
    assert "without a kind" in message and domain.THREE_ZONES_KIND in message


@pytest.mark.parametrize("with_file", [False, True])
def test_a_restoration_period_rolled_into_a_year_without_a_schedule_is_an_estimate(
    provider, tmp_path, with_file
):
    """The ledger moves a restoration deadline off rest days (roll_forward) and it falls in 2027:
    counted on the ledger's calendar, the bureau's 2027 file beside it (made-up: Spring
    Festival 6-14 February) when there is one; without it an estimate marked as such, the
    messages naming the bureau's file, never the plugin's own; never a traceback. End
    2026-02-07 + 1 year = Sunday 2027-02-07: first working day 15 February with the file (in
    restoration on 10 February), Monday 8 February estimated (then not restored)."""
    import json

    from zc_enforcement_plugin.core.ledger import GeoPackageLedger
    from zc_enforcement_plugin.core.ledger_schema import SETTING_DEADLINE_RULES

    approvals = memory_layer(
        "MultiPolygon",
        "field=PZWH:string&field=PZYT:string&field=QSRQ:string&field=JZRQ:string",
        [(box_wkt(0, 0, 50, 50), ["临1", "临时施工用地", "2025-02-08", "2026-02-07"])],
        "临时用地样例",
    )
    ground = memory_layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [(box_wkt(10, 10, 40, 40), ["G1", "临时施工用地"])],
        "实地",
    )
    ledger_path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(ledger_path) as store:
        store.set_setting(
            SETTING_DEADLINE_RULES, {"temporary_land_restoration": {"roll_forward": True}}
        )
    bureau_file = tmp_path / "holidays.json"
    if with_file:
        spring = [f"2027-02-{d:02d}" for d in range(6, 15)]
        holidays = complete_year(2027, *spring)
        bureau_file.write_text(json.dumps({"2027": {"holidays": holidays}}), encoding="utf-8")
    feedback = Recorder()
    result = run(
        "audittemporaryland",
        {
            "APPROVALS": approvals,
            "GROUND": ground,
            "AREA_FIELD": "",
            "LEVEL_FIELD": "",
            "CHECK_DATE": "2027-02-10",
            "AREA_METHOD": PLANAR,
            "LEDGER": str(ledger_path),
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
        feedback,
    )
    [record] = rows(output(result, "OUTPUT"))
    violations = rows(output(result, "OUTPUT_VIOLATIONS"))
    text = "\n".join(feedback.texts)
    assert "resources" not in text
    if with_file:
        assert record[cs.EXPIRY_STATUS] == cs.EXPIRY_IN_RESTORATION
        assert "2027年没有官方节假日安排" not in text
    else:
        assert record[cs.EXPIRY_STATUS] == cs.EXPIRY_NOT_RESTORED
        [expired] = [v for v in violations if v[cs.VIOLATION_CODE] == cs.EXPIRED_NOT_RESTORED.code]
        assert "复垦期限 2027-02-08（估算）" in expired[cs.VIOLATION_NOTE]
        assert "2027年没有官方节假日安排" in text and str(bureau_file) in text


@pytest.mark.parametrize(
    "algorithm, parameters, output, text_field",
    [
        ("threezonestwolines", three_zones_parameters, "OUTPUT", "SQLXMC"),
        ("polygonizechange", change_parameters, "OUTPUT", domain.SPOT_TYPE),
        ("auditmining", mining_parameters, "OUTPUT_VIOLATIONS", domain.SPOT_TYPE),
    ],
)
def test_every_shapefile_output_says_its_text_is_utf8(
    provider, demo, tmp_path, algorithm, parameters, output, text_field
):
    """Found by review: threezonestwolines and polygonizechange wrote Shapefiles without a
    .cpg (screenspots writes one), so a reader that takes GBK by default garbled SQLXMC and
    TBLX. Every Shapefile sink now names its UTF-8, and its Chinese reads back as written."""
    path = tmp_path / f"{algorithm}.shp"
    result = run(algorithm, {**parameters(demo), output: str(path)})
    assert path.with_suffix(".cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    words = {f[text_field] for f in QgsVectorLayer(result[output], "out", "ogr").getFeatures()}
    assert any(w and not str(w).isascii() for w in words), words


def test_audit_records_as_csv_open_in_a_chinese_excel(provider, demo, tmp_path):
    """Excel reads a CSV without a byte-order mark in the system's code page, GBK on a Chinese
    Windows, which garbles UTF-8 Chinese: the CSV starts with one, its spot numbers text."""
    records, violations = tmp_path / "records.csv", tmp_path / "violations.csv"
    run(
        "audittemporaryland",
        temporary_parameters(demo, OUTPUT=str(records), OUTPUT_VIOLATIONS=str(violations)),
    )
    for path, chinese in ((records, cs.STATUS_OK), (violations, domain.SUGGEST_ILLEGAL)):
        data = path.read_bytes()
        assert data.startswith(codecs.BOM_UTF8), path.name
        assert chinese in data[len(codecs.BOM_UTF8) :].decode("utf-8"), path.name
    # The spot number a text field, so quoted: a reader that types by quoting keeps its digits.
    number = violations.read_bytes().decode("utf-8-sig").splitlines()[1].split(",")[0]
    assert number.startswith('"') and JCBH_PATTERN.match(number.strip('"'))


def test_mining_names_the_no_go_zones_of_a_layer_with_lower_case_fields(provider, demo):
    """A no-mining layer exported with jcqmc (a PostGIS export writes names lower case) is
    read by its field, as screenspots reads it: the violation's note names the zone, not its
    feature id."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    geoms, props = read(demo, domain.DEMO_LAYER_NO_MINING)
    field = domain.NO_MINING_NAME.lower()
    zones = QgsVectorLayer(f"MultiPolygon?crs=EPSG:4527&field={field}:string", "jqq", "memory")
    features = []
    for geom, properties in zip(geoms, props):
        feature = QgsFeature(zones.fields())
        feature.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        feature.setAttribute(field, properties[domain.NO_MINING_NAME])
        features.append(feature)
    assert zones.dataProvider().addFeatures(features)
    names = {p[domain.NO_MINING_NAME] for p in props}
    assert all(names)

    result = run("auditmining", mining_parameters(demo, NO_MINING=zones))
    notes = [
        v[cs.VIOLATION_NOTE]
        for v in rows(output(result, "OUTPUT_VIOLATIONS"))
        if cs.IN_NO_GO.code in v[cs.VIOLATION_CODE]
    ]
    assert len(notes) >= 3
    for note in notes:
        assert any(name in note for name in names) and "fid " not in note, note


# --- optional parameters left empty, fields whatever their case ---------------------------------
def renamed_copy(demo, layers, folder, rename=str.lower) -> dict[str, str]:
    """The demo layers `layers` copied into one GeoPackage in `folder` with every field renamed
    (lower case by default, as PostGIS exports write them): layer -> its source string."""
    import fiona

    path = folder / "renamed.gpkg"
    for layer in layers:
        with fiona.open(demo.gpkg, layer=layer) as source:
            schema = dict(source.schema)
            schema["properties"] = {rename(k): v for k, v in source.schema["properties"].items()}
            with fiona.open(
                path, "w", driver="GPKG", layer=layer, schema=schema, crs=source.crs
            ) as sink:
                for feature in source:
                    properties = {rename(k): v for k, v in feature.properties.items()}
                    sink.write(fiona.Feature(geometry=feature.geometry, properties=properties))
    return {layer: f"{path}|layername={layer}" for layer in layers}


def findings(result) -> tuple[list, list]:
    """What an audit found, independent of the layers' names: its records' values by field and
    its violations' codes and areas."""
    records = sorted(
        tuple(str(v) for k, v in sorted(r.items()) if k != "geometry")
        for r in rows(output(result, "OUTPUT"))
    )
    violations = sorted(
        (v[cs.VIOLATION_CODE], round(v[cs.VIOLATION_AREA], 2))
        for v in rows(output(result, "OUTPUT_VIOLATIONS"))
    )
    return records, violations


@pytest.mark.parametrize("empty", ["", "  ", None, "NULL"])
def test_an_optional_parameter_left_empty_is_not_given(provider, demo, empty):
    """The Processing dialog's empty ledger box and qgis_process LEDGER= pass a NULL QVariant
    (or ''): the audit runs on the plugin's defaults, as without the parameter, and an empty
    number is no level 0 either."""
    from qgis.core import NULL, QgsApplication

    value = NULL if empty == "NULL" else empty
    for algorithm, parameters in (
        ("audittemporaryland", temporary_parameters(demo)),
        ("auditfacilityland", facility_parameters(demo)),
        ("auditmining", mining_parameters(demo)),
    ):
        definitions = QgsApplication.processingRegistry().algorithmById(
            f"zcenforcement:{algorithm}"
        )
        optional = [
            d.name()
            for d in definitions.parameterDefinitions()
            if d.type() in ("file", "number", "datetime")
            and d.flags() & d.FlagOptional
            and d.name() not in parameters
        ]
        if algorithm == "audittemporaryland":
            assert {"LEDGER", "RESTORATION_YEARS"} <= set(optional), optional
        expected = findings(run(algorithm, parameters))
        emptied = findings(run(algorithm, {**parameters, **dict.fromkeys(optional, value)}))
        assert emptied == expected, (algorithm, optional)


def test_audits_read_the_default_fields_whatever_their_case(provider, demo, tmp_path):
    """LSYD, SSNYD, SDXZ, DLTB, CKQ and JCTB with pzwh, jzrq, xzbh… (as PostGIS exports them)
    are audited with the default field parameters as their capitalised originals are, and the
    log says, once a layer, which fields were read so."""
    lower = renamed_copy(
        demo,
        [
            domain.DEMO_LAYER_TEMPORARY_LAND,
            domain.DEMO_LAYER_FACILITY_LAND,
            domain.DEMO_LAYER_GROUND,
            domain.DEMO_LAYER_LAND_USE,
            domain.DEMO_LAYER_SPOTS,
            domain.DEMO_LAYER_MINING_LICENCES,
        ],
        tmp_path,
    )
    layer_parameters = {
        "audittemporaryland": (
            temporary_parameters(demo),
            {
                "APPROVALS": domain.DEMO_LAYER_TEMPORARY_LAND,
                "GROUND": domain.DEMO_LAYER_GROUND,
                "LAND_USE": domain.DEMO_LAYER_LAND_USE,
            },
        ),
        "auditfacilityland": (
            facility_parameters(demo),
            {"APPROVALS": domain.DEMO_LAYER_FACILITY_LAND, "GROUND": domain.DEMO_LAYER_GROUND},
        ),
        "auditmining": (
            mining_parameters(demo),
            {"ACTIVITY": domain.DEMO_LAYER_SPOTS, "LICENCES": domain.DEMO_LAYER_MINING_LICENCES},
        ),
    }
    for algorithm, (parameters, layers) in layer_parameters.items():
        feedback = Recorder()
        copied = {name: lower[layer] for name, layer in layers.items()}
        result = run(algorithm, {**parameters, **copied}, feedback)
        assert findings(result) == findings(run(algorithm, parameters)), algorithm
        said = [t for t in feedback.texts if "→" in t]
        assert len(said) == len(layers), (algorithm, said)
        if algorithm == "audittemporaryland":
            assert any("pzwh → PZWH" in t and "jzrq → JZRQ" in t for t in said), said
            assert any("dlbm → DLBM" in t for t in said), said


def test_three_zones_reads_the_default_fields_whatever_their_case(provider, demo, tmp_path):
    lower = renamed_copy(
        demo,
        [
            domain.DEMO_LAYER_THREE_ZONES_LINES,
            domain.DEMO_LAYER_THREE_ZONES_ZONES,
            domain.DEMO_LAYER_SPOTS,
            domain.DEMO_LAYER_MINING_LICENCES,
        ],
        tmp_path,
    )
    parameters = three_zones_parameters(demo)
    copied = {
        "LINES": lower[domain.DEMO_LAYER_THREE_ZONES_LINES],
        "ZONES": lower[domain.DEMO_LAYER_THREE_ZONES_ZONES],
        "SPOTS": lower[domain.DEMO_LAYER_SPOTS],
        "MINES": lower[domain.DEMO_LAYER_MINING_LICENCES],
    }
    feedback = Recorder()
    result = run("threezonestwolines", {**parameters, **copied}, feedback)
    expected = run("threezonestwolines", parameters)

    def summary(result):
        return sorted(
            tuple(str(v) for k, v in sorted(r.items()) if k != "geometry")
            for r in rows(output(result, "OUTPUT_SUMMARY"))
        )

    assert summary(result) == summary(expected)
    assert len([t for t in feedback.texts if "→" in t]) == 4, feedback.texts


def test_a_layer_missing_several_fields_names_them_all_at_once(provider, demo, tmp_path):
    """Fields named otherwise (文号 for PZWH…) are missing together: one message names every
    one, with the layer, its file and the fields it has, not one a run."""
    renamed = renamed_copy(
        demo,
        [domain.DEMO_LAYER_TEMPORARY_LAND],
        tmp_path,
        rename=lambda name: f"{name}_X" if name in ("PZWH", "PZYT", "JZRQ") else name,
    )
    with pytest.raises(QgsProcessingException) as error:
        run(
            "audittemporaryland",
            temporary_parameters(demo, APPROVALS=renamed[domain.DEMO_LAYER_TEMPORARY_LAND]),
        )
    message = str(error.value)
    missing, _, fields = message.partition(" (")  # what is missing, then what the layer has
    for field in ("PZWH", "PZYT", "JZRQ"):
        assert field in missing and f"{field}_X" in fields, message
    assert f"{domain.DEMO_LAYER_TEMPORARY_LAND}（{tmp_path / 'renamed.gpkg'}）" in missing, message


# --- Shapefile outputs: texts cut to 254 bytes, lists after a whole item --------------------------
def shapefile_rows(path) -> list[dict]:
    """The rows of a written Shapefile as QGIS reads them back (with its .cpg)."""
    layer = QgsVectorLayer(str(path), "written", "ogr")
    assert layer.isValid(), path
    return rows(layer)


def check_cut_list(text: str, whole: list[str], tail: str) -> None:
    """A list cut for a Shapefile: within 254 bytes, whole items from the front, then `tail`."""
    assert len(text.encode("utf-8")) <= domain.SHAPEFILE_TEXT_BYTES, text
    assert text.endswith(tail), text
    kept = text.removesuffix(tail).rstrip(cs.LIST_SEPARATOR).split(cs.LIST_SEPARATOR)
    assert len(kept) >= 3 and kept == whole[: len(kept)], text  # no number cut in two


def test_three_zones_summary_lists_in_a_shapefile_keep_whole_numbers_and_the_count(
    provider, demo, tmp_path
):
    """Review: GDAL cut 辛泰铁路's 49 numbers at 254 bytes, 17 left, one split, no mark, and
    only GDAL said so; the totals row too. A GeoPackage keeps every number."""
    geopackage = run(
        "threezonestwolines",
        {**three_zones_parameters(demo), "OUTPUT_SUMMARY": str(tmp_path / "tzs.gpkg")},
    )
    whole = {r[cs.SOURCE_NAME]: r for r in rows(output(geopackage, "OUTPUT_SUMMARY"))}
    feedback = Recorder()
    parameters = {
        **three_zones_parameters(demo),
        "OUTPUT": str(tmp_path / "tz.shp"),
        "OUTPUT_SUMMARY": str(tmp_path / "tzs.shp"),
    }
    run("threezonestwolines", parameters, feedback)
    # A table without geometry is written as the Shapefile's .dbf alone.
    written = {r[cs.SOURCE_NAME]: r for r in shapefile_rows(tmp_path / "tzs.dbf")}
    long_rows = [
        name
        for name, row in whole.items()
        if len(row[cs.SUMMARY_SPOT_IDS].encode("utf-8")) > domain.SHAPEFILE_TEXT_BYTES
    ]
    assert cs.SUMMARY_TOTAL_NAME in long_rows and len(long_rows) >= 2
    for name in long_rows:
        numbers = whole[name][cs.SUMMARY_SPOT_IDS].split(cs.LIST_SEPARATOR)
        assert len(numbers) == whole[name][cs.SUMMARY_SPOT_COUNT]  # the GeoPackage: all
        tail = f"…等 {len(numbers)} 个（全部见“{cs.DETAIL_TITLE_ZH}”输出）"
        check_cut_list(written[name][cs.SUMMARY_SPOT_IDS], numbers, tail)
        assert written[name][cs.SUMMARY_SPOT_COUNT] == len(numbers)
    (warning,) = [t for t in feedback.texts if "OUTPUT_SUMMARY" in t and "254 bytes" in t]
    for name in long_rows:
        assert f"field {cs.SUMMARY_SPOT_IDS} of {cs.SOURCE_NAME} {name}" in warning


def test_a_table_output_given_as_a_shapefile_names_the_dbf_written_and_loads_it(
    provider, demo, tmp_path
):
    """Review: a table without geometry saved as .shp is written as the .dbf alone, while the
    result named the .shp, which does not exist: QGIS could not load it after the run and a
    script could not open it. The result and the layer QGIS loads are the .dbf."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingOutputLayerDefinition, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    parameters = {
        **three_zones_parameters(demo),
        "OUTPUT": str(tmp_path / "tz.shp"),
        "OUTPUT_SUMMARY": QgsProcessingOutputLayerDefinition(
            str(tmp_path / "tzs.shp"), QgsProject.instance()
        ),
        "OUTPUT_DETAIL": str(tmp_path / "tzd.shp"),
    }
    result = processing.run("zcenforcement:threezonestwolines", parameters, context=context)
    for name, stem in (("OUTPUT_SUMMARY", "tzs"), ("OUTPUT_DETAIL", "tzd")):
        assert result[name] == str(tmp_path / f"{stem}.dbf")
        assert not (tmp_path / f"{stem}.shp").exists()
        assert len(shapefile_rows(result[name])) > 1
    # The pieces have shapes: a Shapefile proper, named as given.
    assert result["OUTPUT"] == str(tmp_path / "tz.shp") and (tmp_path / "tz.shp").exists()
    # QGIS loads the summary from the .dbf when the run completes, not from a missing .shp.
    assert context.willLoadLayerOnCompletion(str(tmp_path / "tzs.dbf"))
    assert not context.willLoadLayerOnCompletion(str(tmp_path / "tzs.shp"))


def test_audit_lists_in_a_shapefile_keep_whole_numbers_and_the_count(provider, tmp_path):
    """Review: the audits' records and violations (SDBH, PDYY lists) went to a Shapefile as
    GDAL cut them. An approval long expired with 30 ground features on it: the violation's
    SDBH lists 30 numbers, 600 bytes; the GeoPackage keeps them all."""
    approvals = memory_layer(
        "MultiPolygon",
        "field=PZWH:string&field=PZYT:string&field=QSRQ:string&field=JZRQ:string",
        [(box_wkt(0, 0, 60, 50), ["临字1号", "取土场", "2022-01-01", "2023-12-31"])],
        "临时用地样例",
    )
    numbers = [f"SD3703022026{i:04d}" for i in range(30)]  # 16 characters each
    ground = memory_layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [
            (
                box_wkt(x * 10 + 1, y * 10 + 1, x * 10 + 9, y * 10 + 9),
                [numbers[5 * x + y], "取土场"],
            )
            for x in range(6)
            for y in range(5)
        ],
        "实地",
    )
    parameters = {
        "APPROVALS": approvals,
        "GROUND": ground,
        "AREA_FIELD": "",
        "LEVEL_FIELD": "",
        "CHECK_DATE": "2026-03-31",
        "AREA_METHOD": PLANAR,
        "YEAR": 2026,
    }
    kept = run(
        "audittemporaryland",
        {
            **parameters,
            "OUTPUT": str(tmp_path / "records.gpkg"),
            "OUTPUT_VIOLATIONS": str(tmp_path / "violations.gpkg"),
        },
    )
    feedback = Recorder()
    run(
        "audittemporaryland",
        {
            **parameters,
            "OUTPUT": str(tmp_path / "records.shp"),
            "OUTPUT_VIOLATIONS": str(tmp_path / "violations.shp"),
        },
        feedback,
    )
    (whole,) = rows(output(kept, "OUTPUT_VIOLATIONS"))
    (record,) = rows(output(kept, "OUTPUT"))
    assert sorted(whole[cs.GROUND_IDS].split(cs.LIST_SEPARATOR)) == numbers  # not cut
    assert sorted(record[cs.GROUND_IDS].split(cs.LIST_SEPARATOR)) == numbers
    (violation,) = shapefile_rows(tmp_path / "violations.shp")
    (written,) = shapefile_rows(tmp_path / "records.dbf")
    for row, full in ((violation, whole), (written, record)):
        listed = full[cs.GROUND_IDS].split(cs.LIST_SEPARATOR)
        check_cut_list(row[cs.GROUND_IDS], listed, f"{cs.LIST_SEPARATOR}…等 30 项")
    # The violation's number names it in the warning, the approval's the record's.
    (said,) = [t for t in feedback.texts if "OUTPUT_VIOLATIONS" in t and "254 bytes" in t]
    assert f"field {cs.GROUND_IDS} of {domain.SPOT_NUMBER} {violation[domain.SPOT_NUMBER]}" in said
    (said,) = [t for t in feedback.texts if "Output OUTPUT " in t and "254 bytes" in t]
    assert f"field {cs.GROUND_IDS} of {domain.APPROVAL_NUMBER} 临字1号" in said


def test_three_zones_without_spots_or_mines_leaves_their_columns_null_not_zero(
    provider, demo, tmp_path
):
    """Review: with no SPOTS or MINES every line said 0 spots and 0 mines in view, which a model
    filtering TBSL > 0 reads as none in view. Not given is NULL (in a CSV an empty cell, not
    "0"), the totals row too."""
    parameters = {
        **three_zones_parameters(demo),
        "OUTPUT_SUMMARY": str(tmp_path / "summary.csv"),
        "OUTPUT_DETAIL": "memory:",
    }
    del parameters["SPOTS"], parameters["MINES"]
    result = run("threezonestwolines", parameters)
    summary = rows(output(result, "OUTPUT_SUMMARY"))
    assert {r[cs.SOURCE_NAME] for r in summary} >= {cs.SUMMARY_TOTAL_NAME, "辛泰铁路"}
    spot_fields = (cs.SUMMARY_SPOT_COUNT, cs.SUMMARY_SPOT_IDS, cs.SUMMARY_SPOT_AREA)
    mine_fields = (cs.SUMMARY_MINE_COUNT, cs.SUMMARY_MINE_IDS, cs.SUMMARY_MINE_AREA)
    for row in summary:
        for name in (*spot_fields, *mine_fields, cs.SUMMARY_SPOT_AREA_MU):
            assert is_null(row[name]) or row[name] == "", (row[cs.SOURCE_NAME], name, row[name])
    assert not rows(output(result, "OUTPUT_DETAIL"))
    # The spots given, the mines not: spots counted, mines still not.
    result = run(
        "threezonestwolines",
        {**parameters, "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS), "OUTPUT_SUMMARY": "memory:"},
    )
    total = next(r for r in rows(output(result, "OUTPUT_SUMMARY")) if r[cs.SOURCE_NAME] == "合计")
    assert total[cs.SUMMARY_SPOT_COUNT] > 10 and total[cs.SUMMARY_SPOT_AREA] > 0
    assert all(is_null(total[name]) for name in mine_fields)


def is_null(value) -> bool:
    return value is None or (isinstance(value, QVariant) and value.isNull())


def test_change_spots_in_a_shapefile_cut_a_long_type_at_a_characters_end_and_say_it(
    provider, demo, tmp_path
):
    """polygonizechange writes through the same fitting: a spot type (TBLX) typed longer than
    a DBF text holds is cut at a character's end, marked …, rather than inside a character."""
    spot_type = "二〇二六年第一季度卫片执法变化图斑" * 6  # 102 characters, 306 bytes in UTF-8
    feedback = Recorder()
    parameters = change_parameters(demo, SPOT_TYPE=spot_type, OUTPUT=str(tmp_path / "change.shp"))
    run("polygonizechange", parameters, feedback)
    found = shapefile_rows(tmp_path / "change.shp")
    assert found
    for row in found:
        written = row[domain.SPOT_TYPE]
        assert written.endswith("…") and spot_type.startswith(written.removesuffix("…"))
        assert 240 <= len(written.encode("utf-8")) <= domain.SHAPEFILE_TEXT_BYTES
    (said,) = [t for t in feedback.texts if "254 bytes" in t]
    assert f"{len(found)} longer texts" in said and f"field {domain.SPOT_TYPE} of JCBH" in said


def test_view_areas_read_spot_numbers_as_importspots_does_and_name_those_held_twice(provider, demo):
    """A spot number typed in full width was listed as typed, and one held by two features
    listed twice without a word (found by a review): read as importspots reads them, and the
    numbers held by several features said, each still counted where it is in view."""
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingFeedback

    zones, _ = read(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES)
    inside = zones[0].representative_point()
    layer = QgsVectorLayer(
        f"Polygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string", "spots", "memory"
    )
    for dx, number in (
        (0, "３７０３０２２０２６９９９１"),
        (5, "37030220269992"),
        (10, "37030220269992"),
    ):
        feature = QgsFeature(layer.fields())
        x, y = inside.x + dx, inside.y
        feature.setGeometry(
            QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + 2} {y},{x + 2} {y + 2},{x} {y}))")
        )
        feature.setAttributes([number])
        layer.dataProvider().addFeature(feature)

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.said = []

        def pushWarning(self, warning):  # noqa: N802 - QGIS API
            self.said.append(warning)

    feedback = Warnings()
    parameters = {**three_zones_parameters(demo), "SPOTS": layer, "MINES": None}
    result = run("threezonestwolines", parameters, feedback)
    listed = {row[cs.DETAIL_ID] for row in rows(output(result, "OUTPUT_DETAIL"))}
    assert "37030220269991" in listed and "３７０３０２２０２６９９９１" not in listed
    [twice] = [w for w in feedback.said if "more than one feature" in w]
    assert "37030220269992（2）" in twice and "37030220269991" not in twice


def test_view_areas_name_mine_numbers_held_twice(provider, demo):
    """A licence number held by two features was listed twice in a line's 涉及矿山编号 without a
    word, where a spot number so held was said (the review of 2026-11-29)."""
    from qgis.core import QgsFeature, QgsGeometry

    zones, _ = read(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES)
    inside = zones[0].representative_point()
    layer = QgsVectorLayer(
        f"Polygon?crs=EPSG:4527&field={cs.LICENCE_NUMBER}:string", "mines", "memory"
    )
    for dx, number in ((0, "C9"), (5, "C9"), (10, "C8")):
        feature = QgsFeature(layer.fields())
        x, y = inside.x + dx, inside.y
        feature.setGeometry(
            QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + 2} {y},{x + 2} {y + 2},{x} {y}))")
        )
        feature.setAttributes([number])
        layer.dataProvider().addFeature(feature)

    feedback = Recorder()
    parameters = {**three_zones_parameters(demo), "SPOTS": None, "MINES": layer}
    run("threezonestwolines", parameters, feedback)
    [twice] = [w for w in feedback.texts if "mine numbers are held" in w]
    assert "C9（2）" in twice and "C8" not in twice
