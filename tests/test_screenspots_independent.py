"""screenspots through processing.run, each figure checked against a computation that shares no
code with the plugin: QGIS's native dissolve and intersection on coordinates shifted to the
origin, pyproj in the Gauss-Krüger zone the spot lies in, and hand-made layers with known answers
for every protection layer and for the pieces output. (Found missing by a review of the tests:
these were the requirements a deliberately broken plugin still passed.)"""

from __future__ import annotations

import struct

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from qgis.core import NULL, QgsFeature, QgsGeometry, QgsProcessingException

from tests.screening_layers import X0, Y0, by_key, memory_layer, rectangle, square, write_gpkg
from zc_enforcement_plugin.core import domain

SPOT_FIELDS = f"field={domain.SPOT_NUMBER}:string"
ROUNDING = 0.005 + 1e-9  # figures are written to the cent
# The land-class split is rounded so that its parts add up to TBMJ in cents (largest remainder):
# a part may then be its value rounded up or down.
SPLIT_ROUNDING = 0.01 + 1e-9
# Where each class code of the test parcels goes (DOMAIN.md: 01xx cultivated, 02xx-04xx other
# agricultural, 05xx-10xx construction, 12xx unused).
SPLIT = {
    "0101": domain.CULTIVATED_AREA,
    "0103": domain.CULTIVATED_AREA,
    "0201": domain.AGRICULTURAL_AREA,
    "0702": domain.CONSTRUCTION_AREA,
    "1001": domain.CONSTRUCTION_AREA,
    "1206": domain.UNUSED_AREA,
}


def run(parameters: dict) -> dict:
    import processing

    return processing.run("zcenforcement:screenspots", {"OUTPUT": "memory:", **parameters})


def shifted(geoms, by) -> list:
    return [shapely.transform(g, lambda xy: xy - np.asarray(by)) for g in geoms]


def layer_of(geoms, labels, fields, crs="EPSG:4527"):
    return memory_layer([(g.wkt, row) for g, row in zip(geoms, labels)], fields, crs=crs)


def irregular(rng, cx, cy, radius, corners=9):
    """A star-shaped polygon around (cx, cy) in EPSG:4527 (valid by construction)."""
    angles = (np.arange(corners) + rng.uniform(0, 1, corners)) * 2 * np.pi / corners
    radii = rng.uniform(0.4, 1.0, corners) * radius
    return shapely.Polygon(
        np.column_stack([X0 + cx + radii * np.cos(angles), Y0 + cy + radii * np.sin(angles)])
    )


# --- QGIS's native tools on shifted coordinates ------------------------------------------------
def native_areas(spots, spot_keys, overlay, key_field) -> dict[str, dict]:
    """Per spot, the area of each overlay label inside it: native:intersection of the two
    layers moved to the origin (where doubles lose nothing), measured planar."""
    import processing

    moved = layer_of(shifted(spots, (X0, Y0)), [[k] for k in spot_keys], SPOT_FIELDS)
    result = processing.run(
        "native:intersection", {"INPUT": moved, "OVERLAY": overlay, "OUTPUT": "memory:"}
    )["OUTPUT"]
    out: dict[str, dict] = {key: {} for key in spot_keys}
    for feature in result.getFeatures():
        by_label = out[feature[domain.SPOT_NUMBER]]
        label = feature[key_field]
        by_label[label] = by_label.get(label, 0.0) + feature.geometry().area()
    return out


def test_overlapping_farmland_matches_native_dissolve_then_intersection(provider):
    import processing

    rng = np.random.default_rng(7)
    spots = [irregular(rng, x, y, 60) for x, y in rng.uniform(0, 400, (20, 2))]
    farmland = [irregular(rng, x, y, 90) for x, y in rng.uniform(0, 400, (25, 2))]
    keys = [f"S{i}" for i in range(len(spots))]
    names = [[f"B{i}"] for i in range(len(farmland))]
    fields = f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    assert shapely.union_all(farmland).area < sum(f.area for f in farmland) - 1000  # overlaps
    out = by_key(
        run(
            {
                "SPOTS": layer_of(spots, [[k] for k in keys], SPOT_FIELDS),
                "BASIC_FARMLAND": layer_of(farmland, names, fields),
                "AREA_METHOD": 1,
            }
        )["OUTPUT"]
    )
    moved = layer_of(shifted(farmland, (X0, Y0)), names, fields)
    dissolved = processing.run("native:dissolve", {"INPUT": moved, "OUTPUT": "memory:"})["OUTPUT"]
    expected = native_areas(spots, keys, dissolved, domain.BASIC_FARMLAND_NUMBER)
    hit = 0
    for key in keys:
        want = sum(expected[key].values())
        assert out[key][domain.BASIC_FARMLAND_AREA] == pytest.approx(want, abs=ROUNDING), key
        hit += want > 0
    assert hit >= 10  # most spots meet farmland: the comparison is not of zeros


def test_land_class_split_matches_native_intersection_on_voronoi_parcels(provider):
    rng = np.random.default_rng(11)
    seeds = shapely.multipoints(rng.uniform(-100, 500, (120, 2)) + (X0, Y0))
    extent = shapely.box(X0 - 100, Y0 - 100, X0 + 500, Y0 + 500)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=extent))
    parcels = [shapely.intersection(cell, extent) for cell in cells]
    codes = [list(SPLIT)[i % len(SPLIT)] for i in range(len(parcels))]
    spots = [irregular(rng, x, y, 50) for x, y in rng.uniform(0, 400, (15, 2))]
    spots.append(shapely.box(X0 + 450, Y0 + 450, X0 + 560, Y0 + 520))  # partly off the parcels
    keys = [f"S{i}" for i in range(len(spots))]
    fields = f"field={domain.LAND_CLASS_CODE}:string"
    out = by_key(
        run(
            {
                "SPOTS": layer_of(spots, [[k] for k in keys], SPOT_FIELDS),
                "LAND_USE": layer_of(parcels, [[c] for c in codes], fields),
                "AREA_METHOD": 1,
            }
        )["OUTPUT"]
    )
    moved = layer_of(shifted(parcels, (X0, Y0)), [[c] for c in codes], fields)
    expected = native_areas(spots, keys, moved, domain.LAND_CLASS_CODE)
    for key, spot in zip(keys, spots):
        by_field = dict.fromkeys(SPLIT.values(), 0.0)
        for code, area in expected[key].items():
            by_field[SPLIT[code]] += area
        for name, want in by_field.items():
            assert out[key][name] == pytest.approx(want, abs=SPLIT_ROUNDING), (key, name)
        spot_area = shifted([spot], (X0, Y0))[0].area
        off_parcels = spot_area - sum(by_field.values())
        assert out[key][domain.UNSURVEYED_AREA] == pytest.approx(off_parcels, abs=SPLIT_ROUNDING)
        assert out[key][domain.SPOT_AREA] == pytest.approx(spot_area, abs=ROUNDING)
        cents = [round(out[key][name] * 100) for name in {*SPLIT.values(), domain.UNSURVEYED_AREA}]
        assert sum(cents) == round(out[key][domain.SPOT_AREA] * 100)
    assert out[keys[-1]][domain.UNSURVEYED_AREA] > 3000  # the spot partly off the parcels


# --- geographic spots, measured in their own zone ------------------------------------------------
def geographic_square(lon, lat, degrees):
    """A square in EPSG:4490 with a vertex every ~3 m, so it is the same polygon whether its
    edges are taken straight in longitude/latitude or in Gauss-Krüger."""
    return shapely.segmentize(shapely.box(lon, lat, lon + degrees, lat + degrees), degrees / 200)


@pytest.mark.parametrize(("lon", "zone"), [(117.9, 39), (120.3, 40)])
def test_geographic_spots_are_measured_planar_in_the_zone_they_lie_in(provider, lon, zone):
    ring = geographic_square(lon, 36.6, 0.005)
    spots = memory_layer([(ring.wkt, ["S"])], SPOT_FIELDS, crs="EPSG:4490")
    to_zone = Transformer.from_crs(4490, domain.GK3_PREFIXED_EPSG_BASE + zone - 25, always_xy=True)
    projected = shapely.transform(ring, lambda c: np.column_stack(to_zone.transform(*c.T)))
    centre = np.round(np.asarray(projected.centroid.coords[0]), -3)
    expected = shifted([projected], centre)[0].area
    got = by_key(run({"SPOTS": spots, "AREA_METHOD": 1})["OUTPUT"])["S"][domain.SPOT_AREA]
    assert got == pytest.approx(expected, abs=ROUNDING)


def test_a_geographic_spot_across_a_zone_boundary_has_its_ellipsoidal_area(provider):
    ring = geographic_square(118.497, 36.6, 0.006)  # across 118.5°E, between zones 39 and 40
    spots = memory_layer([(ring.wkt, ["S"])], SPOT_FIELDS, crs="EPSG:4490")
    # pyproj's geodesic area is good to ~1e-3 m² on a ring of 800 vertices.
    expected = abs(Geod(ellps="GRS80").geometry_area_perimeter(ring)[0])
    got = by_key(run({"SPOTS": spots})["OUTPUT"])["S"][domain.SPOT_AREA]
    assert got == pytest.approx(expected, abs=0.01)


def test_an_overlay_in_lon_lat_keeps_its_lon_lat_edges_planar_and_ellipsoidal(provider):
    spots = memory_layer([(square(0, 0, 200), ["S1"])], SPOT_FIELDS)
    to_lon_lat = Transformer.from_crs(4527, 4490, always_xy=True)
    to_gk = Transformer.from_crs(4490, 4527, always_xy=True)
    corners_gk = shapely.from_wkt(square(50, 50, 300))
    farmland_ll = shapely.transform(
        corners_gk, lambda c: np.column_stack(to_lon_lat.transform(*c.T))
    )
    farmland = memory_layer(
        [(shapely.to_wkt(farmland_ll, rounding_precision=12), ["B1"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
        crs="EPSG:4490",
    )
    # Its edges are straight in longitude/latitude: slightly bowed in Gauss-Krüger.
    farmland_gk = shapely.transform(
        shapely.segmentize(farmland_ll, 1e-7), lambda c: np.column_stack(to_gk.transform(*c.T))
    )
    piece = shapely.intersection(shapely.from_wkt(square(0, 0, 200)), farmland_gk)
    planar = run({"SPOTS": spots, "BASIC_FARMLAND": farmland, "AREA_METHOD": 1})["OUTPUT"]
    assert next(planar.getFeatures())[domain.BASIC_FARMLAND_AREA] == pytest.approx(
        shifted([piece], (X0, Y0))[0].area, abs=ROUNDING
    )
    piece_ll = shapely.transform(
        shapely.segmentize(piece, 0.5), lambda c: np.column_stack(to_lon_lat.transform(*c.T))
    )
    expected = abs(Geod(ellps="GRS80").geometry_area_perimeter(piece_ll)[0])
    ellipsoidal = run({"SPOTS": spots, "BASIC_FARMLAND": farmland})["OUTPUT"]
    assert next(ellipsoidal.getFeatures())[domain.BASIC_FARMLAND_AREA] == pytest.approx(
        expected, abs=0.01
    )


# --- hand-made layers with known answers ---------------------------------------------------------
def test_pieces_carry_their_spot_layer_feature_area_and_place(provider):
    # The layer in the bureau's words, as a planner reads the file (not the engine's key).
    farmland_zh = domain.LAYER_LABELS_ZH[domain.LAYER_BASIC_FARMLAND]
    land_use_zh = domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]
    spots = memory_layer([(square(0, 0, 100), ["S1"]), (square(500, 0, 50), ["S2"])], SPOT_FIELDS)
    farmland = memory_layer(
        [(square(0, 0, 30), ["B1"]), (square(20, 0, 30), ["B2"])],
        f"field={domain.BASIC_FARMLAND_NUMBER}:string",
    )
    parcels = memory_layer(
        [(rectangle(-50, -50, 60, 150), ["0103"]), (rectangle(60, -50, 600, 150), ["0702"])],
        f"field={domain.LAND_CLASS_CODE}:string",
    )
    result = run(
        {
            "SPOTS": spots,
            "BASIC_FARMLAND": farmland,
            "LAND_USE": parcels,
            "AREA_METHOD": 1,
            "OUTPUT_PIECES": "memory:",
        }
    )
    pieces = result["OUTPUT_PIECES"]
    assert pieces.crs().authid() == "EPSG:4527"
    # Each piece names its spot and its feature by feature id too: a parcel's code is shared.
    spot_fid = {f[domain.SPOT_NUMBER]: f.id() for f in spots.getFeatures()}
    feature_fid = {
        (layer, f[field]): f.id()
        for layer, source, field in (
            (farmland_zh, farmland, domain.BASIC_FARMLAND_NUMBER),
            (land_use_zh, parcels, domain.LAND_CLASS_CODE),
        )
        for f in source.getFeatures()
    }
    for f in pieces.getFeatures():
        assert f[domain.PIECE_SPOT_FID] == spot_fid[f[domain.SPOT_NUMBER]]
        key = (f[domain.PIECE_LAYER], f[domain.PIECE_FEATURE])
        assert f[domain.PIECE_FEATURE_FID] == feature_fid[key]
    rows = sorted(
        (
            f[domain.SPOT_NUMBER],
            f[domain.PIECE_LAYER],
            f[domain.PIECE_FEATURE],
            f[domain.PIECE_AREA],
            round(f.geometry().boundingBox().xMinimum() - X0, 6),
            round(f.geometry().boundingBox().xMaximum() - X0, 6),
        )
        for f in pieces.getFeatures()
    )
    # Overlapping farmland features each give their own piece; the spot's figure counts the
    # overlap once (50 m x 30 m, not 60 m x 30 m).
    assert rows == sorted(
        [
            ("S1", farmland_zh, "B1", 900.0, 0.0, 30.0),
            ("S1", farmland_zh, "B2", 900.0, 20.0, 50.0),
            ("S1", land_use_zh, "0103", 6000.0, 0.0, 60.0),
            ("S1", land_use_zh, "0702", 4000.0, 60.0, 100.0),
            ("S2", land_use_zh, "0702", 2500.0, 500.0, 550.0),
        ]
    )
    assert by_key(result["OUTPUT"])["S1"][domain.BASIC_FARMLAND_AREA] == 1500.0


def test_no_mining_and_three_zone_overlaps_give_figures_flags_names_and_priorities(provider):
    spots = memory_layer(
        [
            (square(0, 0, 100), ["MINE"]),
            (square(200, 0, 100), ["ZONE"]),
            (square(400, 0, 100), ["NONE"]),
        ],
        SPOT_FIELDS,
    )
    no_mining = memory_layer(
        [
            (rectangle(-10, -10, 30, 110), ["淄川禁采区甲"]),
            (rectangle(-10, 50, 50, 110), ["禁采区乙"]),
        ],
        f"field={domain.NO_MINING_NAME}:string",
    )
    zones = memory_layer(
        [(rectangle(260, -10, 320, 110), ["S102省道两侧"])],
        f"field={domain.THREE_ZONES_NAME}:string",
    )
    parcels = memory_layer(
        [(rectangle(-10, -10, 510, 110), ["0702"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    out = by_key(
        run(
            {
                "SPOTS": spots,
                "NO_MINING": no_mining,
                "THREE_ZONES": zones,
                "LAND_USE": parcels,
                "AREA_METHOD": 1,
            }
        )["OUTPUT"]
    )
    mine, zone, none = out["MINE"], out["ZONE"], out["NONE"]
    # x < 30 everywhere, plus 30 <= x < 50 above y = 50: 3000 + 1000 m², the overlap once.
    assert mine[domain.NO_MINING_AREA] == 4000.0
    assert mine["SFJCQ"] and mine["JCQMC"] == "淄川禁采区甲;禁采区乙"
    assert mine[domain.REVIEW_PRIORITY] == 2
    # Land in a no-mining zone or in view is not taken by law: what it is used for is checked.
    assert mine[domain.SUGGESTED_VERDICT] == domain.SUGGEST_FIELD_CHECK
    assert "核实是否采矿" in mine[domain.VERDICT_REASON]
    assert "涉及禁采区 6.00 亩" in mine[domain.VERDICT_REASON]
    assert zone[domain.THREE_ZONES_AREA] == 4000.0 and zone["SFSQLX"]
    assert zone["SQLXMC"] == "S102省道两侧"
    assert zone[domain.REVIEW_PRIORITY] == 3
    assert zone[domain.SUGGESTED_VERDICT] == domain.SUGGEST_FIELD_CHECK
    assert not mine["SFSQLX"] and not zone["SFJCQ"]
    assert mine[domain.THREE_ZONES_AREA] == zone[domain.NO_MINING_AREA] == 0.0
    assert not none["JCQMC"] and not none["SQLXMC"]
    # No basic-farmland or red-line layer was given: nothing says the spot is of no concern,
    # nor ranks it last ("4 the rest"): it is not ranked.
    assert none[domain.REVIEW_PRIORITY] == NULL
    assert none[domain.SUGGESTED_VERDICT] == domain.SUGGEST_FIELD_CHECK
    assert "未提供永久基本农田、生态保护红线图层" in none[domain.VERDICT_REASON]


def test_input_fields_are_kept_whatever_the_key_is_called_and_whatever_they_clash_with(provider):
    spots = memory_layer(
        [(square(0, 0, 100), ["A-1", 1.5, "x", 7]), (None, ["A-2", None, "y", 8])],
        "field=TBBH:string&field=TBMJ:double&field=JCBH:string&field=BSM:integer",
    )
    out = run({"SPOTS": spots, "SPOT_KEY_FIELD": "TBBH", "AREA_METHOD": 1})["OUTPUT"]
    names = out.fields().names()
    assert names[:4] == ["TBBH", "TBMJ", "JCBH", "BSM"]
    rows = {f["TBBH"]: f.attributes()[:4] for f in out.getFeatures()}
    assert rows == {"A-1": ["A-1", 1.5, "x", 7], "A-2": ["A-2", None, "y", 8]}
    # The screening's own TBMJ goes to a field of its own after the input's, with a suffix.
    assert names[4] == domain.SPOT_AREA + "_2"
    assert by_key(out, "TBBH")["A-1"][names[4]] == 10000.0


def test_the_class_field_can_have_another_name_and_a_missing_one_is_named(provider):
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    parcels = memory_layer(
        [(square(-10, -10, 200), ["0101"])], "field=DLBM2023:string", name="dltb2023"
    )
    out = run(
        {"SPOTS": spots, "LAND_USE": parcels, "LAND_USE_CLASS_FIELD": "DLBM2023", "AREA_METHOD": 1}
    )["OUTPUT"]
    assert by_key(out)["S1"][domain.CULTIVATED_AREA] == 10000.0
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": spots, "LAND_USE": parcels, "LAND_USE_CLASS_FIELD": "DLBM"})
    assert "dltb2023" in str(error.value) and "DLBM" in str(error.value)


# --- edges straight in another CRS ---------------------------------------------------------------
@pytest.mark.parametrize("in_file", [False, True])
def test_a_long_red_line_edge_in_lon_lat_keeps_its_shape_in_gauss_kruger(
    provider, tmp_path, in_file
):
    # A red line digitised in EPSG:4490 whose slanted south edge is 6.7 km long; a spot lies on
    # the middle of that edge. The edge is straight in longitude/latitude, a curve in EPSG:4527:
    # joining its ends straight there moved the figure by 147 m² (found by review).
    to_gk = Transformer.from_crs(4490, 4527, always_xy=True)
    corners = [(117.85, 36.62), (117.92, 36.641), (117.92, 36.65), (117.85, 36.65)]
    red_ll = shapely.Polygon(corners)
    mid = to_gk.transform(117.885, 36.6305)
    spot = shapely.box(mid[0] - 100, mid[1] - 100, mid[0] + 100, mid[1] + 100)
    red_gk = shapely.transform(
        shapely.segmentize(red_ll, 1e-6), lambda c: np.column_stack(to_gk.transform(*c.T))
    )
    origin = np.round(mid, -3)
    expected = shapely.intersection(*shifted([spot, red_gk], origin)).area
    assert 100 < expected < 39_900  # the edge crosses the spot
    red_line = memory_layer(
        [(red_ll.wkt, ["HX-1"])], f"field={domain.RED_LINE_CODE}:string", crs="EPSG:4490"
    )
    if in_file:  # read through its R-tree, the spots' boxes taken back to longitude/latitude
        red_line = write_gpkg(red_line, tmp_path / "sthx.gpkg") + "|layername=sthx"
    out = run(
        {"SPOTS": layer_of([spot], [["S"]], SPOT_FIELDS), "RED_LINE": red_line, "AREA_METHOD": 1}
    )["OUTPUT"]
    assert next(out.getFeatures())[domain.RED_LINE_AREA] == pytest.approx(expected, abs=ROUNDING)


def test_a_kilometre_spot_in_lon_lat_has_the_area_of_its_lon_lat_edges(provider):
    # Delivered in EPSG:4490 with four corners 1 km apart: found 2.3 m² short by review.
    ring = shapely.Polygon([(117.9, 36.6), (117.911, 36.601), (117.912, 36.61), (117.899, 36.609)])
    spots = memory_layer([(ring.wkt, ["S"])], SPOT_FIELDS, crs="EPSG:4490")
    fine = shapely.segmentize(ring, 5e-7)
    expected = abs(Geod(ellps="GRS80").geometry_area_perimeter(fine)[0])
    got = by_key(run({"SPOTS": spots})["OUTPUT"])["S"][domain.SPOT_AREA]
    assert got == pytest.approx(expected, abs=0.01)


def test_a_bow_tie_in_lon_lat_is_repaired_whole_and_an_empty_part_does_no_harm(provider):
    # Densifying a polygon through GEOS would drop half of the bow-tie before the repair, and
    # QGIS 3.22's own densify crashes the process on a multipolygon with an empty part.
    to_gk = Transformer.from_crs(4490, 4527, always_xy=True)
    bow_tie = shapely.from_wkt(
        "POLYGON((117.9 36.6, 117.91 36.61, 117.91 36.6, 117.9 36.61, 117.9 36.6))"
    )
    x, y = to_gk.transform(117.905, 36.605)
    spot = shapely.box(x - 1000, y - 1000, x + 1000, y + 1000)
    red_line = memory_layer(
        [(bow_tie.wkt, ["HX-X"])], f"field={domain.RED_LINE_CODE}:string", crs="EPSG:4490"
    )
    # A multipolygon whose second part is empty (WKT cannot say it; WKB can), in the spot.
    triangle = shapely.from_wkt(
        "POLYGON((117.9105 36.6, 117.911 36.6, 117.911 36.6005, 117.9105 36.6))"
    )
    wkb = struct.pack("<BII", 1, 6, 2) + shapely.to_wkb(triangle, byte_order=1)
    wkb += struct.pack("<BII", 1, 3, 0)
    with_empty_part = QgsGeometry()
    with_empty_part.fromWkb(wkb)
    assert with_empty_part.constGet().numGeometries() == 2
    feature = QgsFeature(red_line.fields())
    feature.setGeometry(with_empty_part)
    feature.setAttributes(["HX-E"])
    assert red_line.dataProvider().addFeatures([feature])
    out = by_key(
        run(
            {
                "SPOTS": layer_of([spot], [["S"]], SPOT_FIELDS),
                "RED_LINE": red_line,
                "AREA_METHOD": 1,
            }
        )["OUTPUT"]
    )["S"]
    ring_gk = shapely.transform(
        shapely.segmentize(bow_tie.exterior, 1e-6), lambda c: np.column_stack(to_gk.transform(*c.T))
    )
    whole = shapely.make_valid(shapely.Polygon(ring_gk))  # both triangles
    triangle_gk = shapely.transform(
        shapely.segmentize(triangle, 1e-6), lambda c: np.column_stack(to_gk.transform(*c.T))
    )
    assert not shapely.intersects(whole, triangle_gk)
    expected = shifted([whole], np.round((x, y), -3))[0].area
    expected += shifted([triangle_gk], np.round((x, y), -3))[0].area
    assert out[domain.RED_LINE_AREA] == pytest.approx(expected, abs=ROUNDING)
    assert out["STHXBH"] == "HX-E;HX-X"
    assert "HX-X" in out[domain.GEOMETRY_NOTE]


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_long_spot_numbers_and_feature_names_fit_the_pieces_fields(provider, tmp_path, suffix):
    # Found by review: a name longer than the pieces' field stopped the whole run, and in a
    # Shapefile GDAL cut it inside a character.
    from qgis.core import QgsVectorLayer

    key = "卫片图斑" + "-说明" * 30  # a descriptive field chosen as the key: 94 characters
    name = "鲁中山区水源涵养生态保护红线" * 21 + "（淄川段）"  # 299 characters
    spots = memory_layer([(square(0, 0, 100), [key])], SPOT_FIELDS)
    red_line = memory_layer(
        [(square(-10, -10, 200), [name])], f"field={domain.RED_LINE_CODE}:string(400)"
    )
    pieces_path = str(tmp_path / f"pieces{suffix}")
    result = run(
        {
            "SPOTS": spots,
            "RED_LINE": red_line,
            "AREA_METHOD": 1,
            "OUTPUT": str(tmp_path / f"out{suffix}"),
            "OUTPUT_PIECES": pieces_path,
        }
    )
    (piece,) = QgsVectorLayer(result["OUTPUT_PIECES"], "pieces", "ogr").getFeatures()
    measure = (lambda text: len(text.encode("utf-8"))) if suffix == ".shp" else len
    shown = piece[domain.PIECE_FEATURE]
    assert measure(shown) <= 254 and shown.endswith("…"), shown
    assert name.startswith(shown[:-1]) and len(shown) > 50  # whole characters, none garbled
    shown_key = piece[domain.SPOT_NUMBER]
    if suffix == ".gpkg":
        assert shown_key == key  # 94 characters: over the old 64, within 254
    else:  # 278 bytes
        assert measure(shown_key) <= 254 and key.startswith(shown_key.removesuffix("…"))
    assert piece[domain.PIECE_AREA] == 10000.0
    fids = (piece[domain.PIECE_SPOT_FID], piece[domain.PIECE_FEATURE_FID])
    assert fids == (1, 1) and all(type(fid) is int for fid in fids)  # not 1.0 from a DBF real


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_feature_id_beyond_32_bits_reaches_the_pieces_whole(provider, tmp_path, suffix):
    # A table keyed by a long number (BSM) stopped the run when the ids were 32-bit fields.
    from osgeo import ogr, osr
    from qgis.core import QgsVectorLayer

    path = str(tmp_path / "red.gpkg")
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    layer = dataset.CreateLayer("red", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn(domain.RED_LINE_CODE, ogr.OFTString))
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetFID(3_000_000_001)
    feature.SetField(domain.RED_LINE_CODE, "HX-1")
    feature.SetGeometry(ogr.CreateGeometryFromWkt(rectangle(0, 0, 50, 100)))
    layer.CreateFeature(feature)
    dataset = None  # written and closed
    spots = memory_layer([(square(0, 0, 100), ["S1"])], SPOT_FIELDS)
    result = run(
        {
            "SPOTS": spots,
            "RED_LINE": f"{path}|layername=red",
            "AREA_METHOD": 1,
            "OUTPUT_PIECES": str(tmp_path / f"pieces{suffix}"),
        }
    )
    (piece,) = QgsVectorLayer(result["OUTPUT_PIECES"], "pieces", "ogr").getFeatures()
    assert piece[domain.PIECE_FEATURE_FID] == 3_000_000_001
    assert type(piece[domain.PIECE_FEATURE_FID]) is int and piece[domain.PIECE_AREA] == 5000.0
