"""Screening engine checked on hand-made cases and against brute-force per-spot overlays."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from tests import paper
from tests.core_geometries import EPSG, X0, Y0, arr, box
from zc_enforcement_plugin.core import cases, domain
from zc_enforcement_plugin.core.screening import (
    ELLIPSOIDAL,
    PLANAR,
    LayerInput,
    ScreeningCancelled,
    screen_spots,
)

MU = 10000.0 / 15.0
SPLIT = (
    domain.CULTIVATED_AREA,
    domain.AGRICULTURAL_AREA,
    domain.CONSTRUCTION_AREA,
    domain.UNUSED_AREA,
    domain.UNSURVEYED_AREA,
)
TO_LL = Transformer.from_crs(EPSG, 4490, always_xy=True)
GEOD = Geod(ellps="GRS80")


def land_use(parcels, codes, kcxs=None) -> LayerInput:
    labels = np.array([f"P{i}" for i in range(len(parcels))], dtype=object)
    kc = None if kcxs is None else np.array(kcxs, dtype=object)
    return LayerInput(arr(*parcels), labels, np.array(codes, dtype=object), kc)


def plain(geoms, labels=None) -> LayerInput:
    labels = labels or [f"F{i}" for i in range(len(geoms))]
    return LayerInput(arr(*geoms), np.array(labels, dtype=object))


def run(spots, layers, method=PLANAR, keys=None, **kw):
    keys = keys or [f"S{i}" for i in range(len(spots))]
    return screen_spots(arr(*spots), keys, layers, EPSG, method, **kw)


def split_sum_cents(fields, i) -> int:
    return sum(round(float(fields[name][i]) * 100) for name in SPLIT)


def geod_area(g) -> float:
    if g is None or g.is_empty:
        return 0.0
    ll = shapely.transform(g, lambda c: np.column_stack(TO_LL.transform(c[:, 0], c[:, 1])))
    return abs(GEOD.geometry_area_perimeter(ll)[0])


# The third national land survey's codes and the three classes of the Land Administration Law
# (农用地 / 建设用地 / 未利用地, cultivated land split out of 农用地), typed from the survey's
# classification and its three-class table, not taken from domain: GDMJ cultivated, FGNYDMJ
# other agricultural, JSYDMJ construction, WLYDMJ unused (DOMAIN.md §2).
THIRD_SURVEY_FIELD = {
    # 01 耕地
    "0101": "GDMJ",  # 水田
    "0102": "GDMJ",  # 水浇地
    "0103": "GDMJ",  # 旱地
    # 02 园地, 03 林地, 04 草地 (其他草地 aside): 农用地
    "0201": "FGNYDMJ",  # 果园
    "0201K": "FGNYDMJ",  # 可调整果园
    "0202": "FGNYDMJ",  # 茶园
    "0203": "FGNYDMJ",  # 橡胶园
    "0204": "FGNYDMJ",  # 其他园地
    "0301": "FGNYDMJ",  # 乔木林地
    "0301K": "FGNYDMJ",  # 可调整乔木林地
    "0302": "FGNYDMJ",  # 竹林地
    "0303": "FGNYDMJ",  # 红树林地 (湿地)
    "0304": "FGNYDMJ",  # 森林沼泽 (湿地)
    "0305": "FGNYDMJ",  # 灌木林地
    "0306": "FGNYDMJ",  # 灌丛沼泽 (湿地)
    "0307": "FGNYDMJ",  # 其他林地
    "0401": "FGNYDMJ",  # 天然牧草地
    "0402": "FGNYDMJ",  # 沼泽草地 (湿地)
    "0403": "FGNYDMJ",  # 人工牧草地
    "0404": "WLYDMJ",  # 其他草地: 未利用地
    # 05-09: 建设用地
    "05H1": "JSYDMJ",  # 商业服务业设施用地
    "0508": "JSYDMJ",  # 物流仓储用地
    "0601": "JSYDMJ",  # 工业用地
    "0602": "JSYDMJ",  # 采矿用地
    "0603": "JSYDMJ",  # 盐田 (湿地)
    "0701": "JSYDMJ",  # 城镇住宅用地
    "0702": "JSYDMJ",  # 农村宅基地
    "08H1": "JSYDMJ",  # 机关团体新闻出版用地
    "08H2": "JSYDMJ",  # 科教文卫用地
    "0809": "JSYDMJ",  # 公用设施用地
    "0810": "JSYDMJ",  # 公园与绿地
    "0810A": "JSYDMJ",  # 广场用地
    "09": "JSYDMJ",  # 特殊用地
    # 10 交通运输用地: 建设用地, but 农村道路 is 农用地
    "1001": "JSYDMJ",  # 铁路用地
    "1002": "JSYDMJ",  # 轨道交通用地
    "1003": "JSYDMJ",  # 公路用地
    "1004": "JSYDMJ",  # 城镇村道路用地
    "1005": "JSYDMJ",  # 交通服务场站用地
    "1006": "FGNYDMJ",  # 农村道路
    "1007": "JSYDMJ",  # 机场用地
    "1008": "JSYDMJ",  # 港口码头用地
    "1009": "JSYDMJ",  # 管道运输用地
    # 11 水域及水利设施用地: split three ways
    "1101": "WLYDMJ",  # 河流水面
    "1102": "WLYDMJ",  # 湖泊水面
    "1103": "JSYDMJ",  # 水库水面
    "1104": "FGNYDMJ",  # 坑塘水面
    "1104A": "FGNYDMJ",  # 养殖坑塘
    "1104K": "FGNYDMJ",  # 可调整养殖坑塘
    "1105": "WLYDMJ",  # 沿海滩涂 (湿地)
    "1106": "WLYDMJ",  # 内陆滩涂 (湿地)
    "1107": "FGNYDMJ",  # 沟渠
    "1107A": "FGNYDMJ",  # 干渠
    "1108": "WLYDMJ",  # 沼泽地 (湿地)
    "1109": "JSYDMJ",  # 水工建筑用地
    "1110": "WLYDMJ",  # 冰川及永久积雪
    # 12 其他土地: split three ways
    "1201": "JSYDMJ",  # 空闲地
    "1202": "FGNYDMJ",  # 设施农用地
    "1203": "FGNYDMJ",  # 田坎
    "1204": "WLYDMJ",  # 盐碱地
    "1205": "WLYDMJ",  # 沙地
    "1206": "WLYDMJ",  # 裸土地
    "1207": "WLYDMJ",  # 裸岩石砾地
    # 20 城镇村及工矿用地: 建设用地
    "201": "JSYDMJ",  # 城市
    "202": "JSYDMJ",  # 建制镇
    "203": "JSYDMJ",  # 村庄
    "204": "JSYDMJ",  # 盐田及采矿用地
    "205": "JSYDMJ",  # 风景名胜及特殊用地
}


# --- hand-made cases ------------------------------------------------------------------------------
def test_half_cultivated_half_construction():
    lu = land_use([box(-100, -100, 50, 200), box(50, -100, 300, 200)], ["0101", "0702"])
    r = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu})
    f = r.fields
    assert f[domain.SPOT_AREA][0] == 10000.0
    assert f[domain.CULTIVATED_AREA][0] == 5000.0
    assert f[domain.CONSTRUCTION_AREA][0] == 5000.0
    assert f[domain.AGRICULTURAL_AREA][0] == 0.0 and f[domain.UNSURVEYED_AREA][0] == 0.0
    assert f[domain.CULTIVATED_FLAG][0]
    assert f[domain.CULTIVATED_AREA + domain.MU_SUFFIX][0] == 7.5
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_ILLEGAL
    assert "占用耕地 7.50 亩" in f[domain.VERDICT_REASON][0]
    assert f[domain.REVIEW_PRIORITY][0] == 3
    assert not f[domain.CRIMINAL_FLAG][0]
    assert f[domain.GEOMETRY_NOTE][0] is None


def test_half_split_ellipsoidal_matches_geodesic_and_adds_up():
    lu = land_use([box(-100, -100, 50, 200), box(50, -100, 300, 200)], ["0101", "0702"])
    spot = shapely.segmentize(box(0, 0, 100, 100), 1.0)
    r = run([spot], {domain.LAYER_LAND_USE: lu}, method=ELLIPSOIDAL)
    f = r.fields
    assert f[domain.SPOT_AREA][0] == pytest.approx(geod_area(spot), abs=0.011)
    half = shapely.segmentize(box(0, 0, 50, 100), 1.0)
    assert f[domain.CULTIVATED_AREA][0] == pytest.approx(geod_area(half), abs=0.011)
    assert split_sum_cents(f, 0) == round(f[domain.SPOT_AREA][0] * 100)
    assert f[domain.SPOT_AREA][0] != 10000.0  # the ellipsoidal figure is not the planar one


def test_spot_with_hole_inside_one_parcel():
    spot = shapely.Polygon(
        box(0, 0, 100, 100).exterior.coords, [box(40, 40, 60, 60).exterior.coords]
    )
    lu = land_use([box(-500, -500, 500, 500)], ["0103"])
    r = run([spot], {domain.LAYER_LAND_USE: lu}, want_pieces=True)
    assert r.fields[domain.SPOT_AREA][0] == 9600.0
    assert r.fields[domain.CULTIVATED_AREA][0] == 9600.0
    assert r.pieces.geometry[0].equals(spot)  # the shortcut hands back the spot itself


def test_multipart_spot():
    spot = shapely.MultiPolygon([box(0, 0, 50, 50), box(200, 0, 250, 40)])
    lu = land_use([box(-100, -100, 100, 100), box(150, -100, 400, 100)], ["0301", "1101"])
    f = run([spot], {domain.LAYER_LAND_USE: lu}).fields
    assert f[domain.SPOT_AREA][0] == 4500.0
    assert f[domain.AGRICULTURAL_AREA][0] == 2500.0
    assert f[domain.UNUSED_AREA][0] == 2000.0
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK


def test_overlapping_basic_farmland_counted_once():
    # Inside the spot, so counting the overlap twice would not be hidden by the spot's area.
    bf = plain([box(10, 10, 60, 90), box(40, 10, 90, 90), box(500, 500, 600, 600)])
    f = run([box(0, 0, 100, 100)], {domain.LAYER_BASIC_FARMLAND: bf}).fields
    assert f[domain.BASIC_FARMLAND_AREA][0] == 6400.0  # 80 x 80, not 2 x 50 x 80
    assert f[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX][0] == 9.6
    assert f["SFYJJBNT"][0]
    assert f[domain.CRIMINAL_FLAG][0]
    assert f[domain.REVIEW_PRIORITY][0] == 1
    assert "占用永久基本农田 9.60 亩" in f[domain.VERDICT_REASON][0]
    assert "未提供批准用地图层" in f[domain.VERDICT_REASON][0]


def test_spot_on_zone_boundary_and_straddling():
    red = plain([box(100, 0, 300, 100)], ["HX-1"])
    spots = [box(0, 0, 100, 100), box(50, 0, 150, 100)]
    f = run(spots, {domain.LAYER_RED_LINE: red}).fields
    assert f[domain.RED_LINE_AREA][0] == 0.0
    assert not f["SFSTHX"][0] and f["STHXBH"][0] is None
    assert f[domain.RED_LINE_AREA][1] == 5000.0
    assert f["SFSTHX"][1] and f["STHXBH"][1] == "HX-1"
    # The first spot touches nothing, but other layers could have ranked it: not ranked.
    assert f[domain.REVIEW_PRIORITY].tolist() == [None, 1]


def test_spot_wholly_inside_feature_shortcut():
    spot = box(10.25, 10.5, 77.75, 60.125)
    bf = plain([box(0, 0, 100, 100)])
    r = run([spot], {domain.LAYER_BASIC_FARMLAND: bf}, want_pieces=True)
    assert r.fields[domain.BASIC_FARMLAND_AREA][0] == round(spot.area, 2)
    assert len(r.pieces.geometry) == 1
    assert shapely.equals_exact(r.pieces.geometry[0], spot, tolerance=1e-9)
    assert r.pieces.layer[0] == domain.LAYER_BASIC_FARMLAND and r.pieces.spot_index[0] == 0


def test_overlapping_parcels_still_add_up_by_precedence():
    spots = [box(0, 0, 100, 100), box(1000, 0, 1100, 100)]
    parcels = [
        box(0, 0, 60, 100),  # cultivated
        box(40, 0, 100, 100),  # construction, overlaps the cultivated strip 40..60
        box(1000, 0, 1050, 100),  # cultivated
        box(1030, 0, 1070, 100),  # other agricultural, overlaps; gap 1070..1100 hides it
    ]
    lu = land_use(parcels, ["0101", "0702", "0102", "0201"])
    r = run(spots, {domain.LAYER_LAND_USE: lu})
    f = r.fields
    assert f[domain.CULTIVATED_AREA][0] == 6000.0
    assert f[domain.CONSTRUCTION_AREA][0] == 4000.0
    assert f[domain.CULTIVATED_AREA][1] == 5000.0
    assert f[domain.AGRICULTURAL_AREA][1] == 2000.0
    assert f[domain.UNSURVEYED_AREA][1] == 3000.0
    for i in range(2):
        assert split_sum_cents(f, i) == 1_000_000
    # New construction land: all but what is construction already, or unsurveyed.
    assert f[domain.NEW_CONSTRUCTION_AREA].tolist() == [6000.0, 7000.0]
    assert any("S0" in m and "重叠" in m for m in r.messages)
    assert any("S1" in m and "重叠" in m for m in r.messages)


def test_bow_tie_spot_repaired_and_noted():
    bow = shapely.Polygon(
        [(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]
    )
    lu = land_use([box(-100, -100, 200, 200)], ["0101"])
    r = run([bow], {domain.LAYER_LAND_USE: lu})
    assert r.fields[domain.SPOT_AREA][0] == 5000.0
    assert r.fields[domain.CULTIVATED_AREA][0] == 5000.0
    assert "自相交" in r.fields[domain.GEOMETRY_NOTE][0]
    assert any("S0" in m for m in r.messages)


def test_invalid_layer_feature_repaired_and_noted_on_spot():
    bow = shapely.Polygon(
        [(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]
    )
    bf = plain([bow], ["JB-7"])
    f = run([box(0, 0, 100, 100), box(500, 500, 600, 600)], {domain.LAYER_BASIC_FARMLAND: bf})
    f = f.fields
    assert f[domain.BASIC_FARMLAND_AREA][0] == 5000.0
    assert "JB-7" in f[domain.GEOMETRY_NOTE][0]
    assert f[domain.GEOMETRY_NOTE][1] is None


def test_a_geometry_collection_of_overlapping_polygons_is_repaired_and_counted_once():
    """GEOS holds a GeometryCollection valid whatever its parts do, and a GeoPackage's GEOMETRY
    column holds one: a spot of one polygon stored twice measured 12 亩 for 6 and was sent for
    criminal referral, a farmland feature so counted its land twice, and a parcel cutting such
    a spot stopped the run on GEOS's TopologyException; nothing said a repair. Each is taken
    as its polygons' union, the repair said; the figures are those of the union, planar here
    (the boxes' own areas) and ellipsoidal against pyproj.Geod."""
    once = box(0, 0, 100, 60)  # 6,000 m², 9 亩: twice would be 18 亩, at referral scale
    spot_twice = shapely.GeometryCollection([once, once])
    spot_overlapping = shapely.GeometryCollection([box(1000, 0, 1100, 60), box(1050, 0, 1150, 60)])
    farmland = shapely.GeometryCollection([box(0, 0, 50, 60), box(0, 0, 50, 60)])
    parcels = [box(-100, -100, 40, 200), box(40, -100, 2000, 200)]
    layers = {
        domain.LAYER_LAND_USE: land_use(parcels, ["0101", "0702"]),
        domain.LAYER_BASIC_FARMLAND: plain([farmland], ["JB-GC"]),
    }
    r = run([spot_twice, spot_overlapping], layers)
    f = r.fields
    assert f[domain.SPOT_AREA].tolist() == [6000.0, 9000.0]
    assert f[domain.CULTIVATED_AREA].tolist() == [2400.0, 0.0]
    assert f[domain.CONSTRUCTION_AREA].tolist() == [3600.0, 9000.0]
    assert f[domain.BASIC_FARMLAND_AREA].tolist() == [3000.0, 0.0]
    assert split_sum_cents(f, 0) == 600_000 and split_sum_cents(f, 1) == 900_000
    assert not f[domain.CRIMINAL_FLAG][0]
    for note in f[domain.GEOMETRY_NOTE]:
        assert "自相交" in note, note
    assert "JB-GC" in f[domain.GEOMETRY_NOTE][0]
    ellipsoidal = run([spot_twice, spot_overlapping], layers, method=ELLIPSOIDAL).fields
    union = shapely.union(box(1000, 0, 1100, 60), box(1050, 0, 1150, 60))
    assert ellipsoidal[domain.SPOT_AREA][0] == pytest.approx(geod_area(once), abs=0.01)
    assert ellipsoidal[domain.SPOT_AREA][1] == pytest.approx(geod_area(union), abs=0.01)


def test_collections_nested_at_any_depth_keep_their_land_in_any_order():
    """Collections inside collections (a GeoJSON or GeoPackage may hold them): a valid
    GC(GC(MultiPolygon)) was opened two levels only and lost all its land without a word (a
    red line over a whole spot measured 0 m², a spot 0 m² "with no polygonal part left"), and
    a collection holding a MultiPolygon followed by another collection stopped the run on
    shapely's "The indices should be sorted" (found by a differential fuzzer)."""
    whole = box(0, 0, 100, 100)
    far = box(2000, 0, 2010, 10)
    deep = shapely.GeometryCollection(
        [shapely.GeometryCollection([shapely.MultiPolygon([whole, far])])]
    )
    deeper = shapely.GeometryCollection(
        [shapely.GeometryCollection([shapely.GeometryCollection([whole])])]
    )
    layers = {
        domain.LAYER_LAND_USE: land_use([deep], ["0101"]),
        domain.LAYER_BASIC_FARMLAND: plain([deeper]),
        domain.LAYER_RED_LINE: plain([deep]),
    }
    opened_first = shapely.GeometryCollection(
        [box(300, 0, 310, 10), shapely.MultiPolygon([box(320, 0, 330, 10)])]
    )
    after_it = shapely.GeometryCollection([box(400, 0, 410, 10)])
    f = run([deeper, deep, opened_first, after_it], layers).fields
    assert f[domain.SPOT_AREA].tolist() == [10000.0, 10100.0, 200.0, 100.0]
    for name in (domain.CULTIVATED_AREA, domain.RED_LINE_AREA):  # the deep layers
        assert f[name].tolist()[:2] == [10000.0, 10100.0], name
    assert f[domain.BASIC_FARMLAND_AREA].tolist()[:2] == [10000.0, 10000.0]
    assert f[domain.GEOMETRY_NOTE].tolist()[:2] == [None, None]
    assert f[domain.CRIMINAL_FLAG].tolist()[:2] == [True, True]


def test_the_cultivated_flag_reads_as_the_cultivated_area_beside_it():
    """SFGD was set from the cultivated area rounded alone, GDMJ by the split's largest
    remainder: a 0.006 m² sliver of cultivated land set SFGD beside GDMJ 0.00, and 0.0049 m²
    given the spare cent (GDMJ 0.01) left it unset (found by a differential fuzzer)."""
    sliver_up = [box(0, 0, 100, 0.00006), box(0, 0.00006, 100, 1.00004)]  # 0.006 m², the rest
    f = run(
        [box(0, 0, 100, 1.00004)], {domain.LAYER_LAND_USE: land_use(sliver_up, ["0101", "0501"])}
    )
    assert f.fields[domain.CULTIVATED_AREA][0] == 0.0 and not f.fields[domain.CULTIVATED_FLAG][0]
    given_the_cent = [
        box(0, 0, 100, 0.000049),  # 0.0049 m² cultivated
        box(0, 0.000049, 100, 0.499979),  # 49.993 m² other agricultural
        box(0, 0.499979, 100, 1),  # 50.0021 m² construction
    ]
    layers = {domain.LAYER_LAND_USE: land_use(given_the_cent, ["0101", "0301", "0501"])}
    f = run([box(0, 0, 100, 1)], layers)
    assert f.fields[domain.CULTIVATED_AREA][0] == 0.01 and f.fields[domain.CULTIVATED_FLAG][0]
    assert split_sum_cents(f.fields, 0) == 10_000


def test_a_collection_geos_holds_invalid_is_said_with_geos_reason():
    """A collection with valid polygons and a line of two equal points (WKB carries one):
    GEOS holds it invalid for the line, and the reason asked of its polygons alone was "Valid
    Geometry", said in the spot's note and the log as why it was repaired (a regression of
    this session's collection repair, found by a re-run of the fuzzer)."""
    whole = box(0, 0, 100, 100)
    x0, y0 = whole.bounds[:2]
    odd = shapely.GeometryCollection([whole, shapely.LineString([(x0, y0), (x0, y0)])])
    odd = shapely.from_wkb(shapely.to_wkb(odd), on_invalid="fix")  # as a layer is read
    r = run([odd], {domain.LAYER_RED_LINE: plain([odd], ["HX-1"])})
    assert r.fields[domain.SPOT_AREA][0] == 10000.0 and r.fields[domain.RED_LINE_AREA][0] == 10000.0
    note = r.fields[domain.GEOMETRY_NOTE][0]
    assert "Valid Geometry" not in note and "点数过少" in note, note
    assert not [m for m in r.messages if "Valid Geometry" in m], r.messages


def test_none_and_empty_spots_kept_with_zeros():
    lu = land_use([box(-100, -100, 200, 200)], ["0101"])
    bf = plain([box(-100, -100, 200, 200)])
    spots = [None, box(0, 0, 10, 10), shapely.Polygon()]
    layers = {domain.LAYER_LAND_USE: lu, domain.LAYER_BASIC_FARMLAND: bf}
    r = run(spots, layers, keys=["K-none", "K-ok", "K-empty"])
    f = r.fields
    for name, values in f.items():
        assert len(values) == 3, name
    assert f[domain.SPOT_AREA].tolist() == [0.0, 100.0, 0.0]
    assert f[domain.CULTIVATED_AREA].tolist() == [0.0, 100.0, 0.0]
    assert f[domain.BASIC_FARMLAND_AREA].tolist() == [0.0, 100.0, 0.0]
    assert f[domain.GEOMETRY_NOTE][0] and f[domain.GEOMETRY_NOTE][2]
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK
    assert not f[domain.CRIMINAL_FLAG][0]
    assert any("K-none" in m for m in r.messages) and any("K-empty" in m for m in r.messages)


def test_duplicate_keys_reported_not_dropped():
    r = run([box(0, 0, 1, 1), box(5, 5, 6, 6)], {}, keys=["A", "A"])
    assert len(r.fields[domain.SPOT_AREA]) == 2
    assert any("A" in m and "重复" in m and "台帐" in m for m in r.messages)  # and why it matters


def test_keys_differing_only_by_spaces_are_duplicates_as_importspots_finds_them():
    r = run([box(0, 0, 1, 1), box(5, 5, 6, 6)], {}, keys=["370302202401", "370302202401 "])
    assert len(r.fields[domain.SPOT_AREA]) == 2
    assert any("370302202401" in m and "重复（2 个）" in m for m in r.messages), r.messages


def test_absent_layers_give_null_fields_and_only_domain_names():
    r = run([box(0, 0, 10, 10)], {domain.LAYER_RED_LINE: plain([box(0, 0, 5, 10)])})
    f = r.fields
    assert f[domain.CULTIVATED_AREA][0] is None
    assert f[domain.BASIC_FARMLAND_AREA][0] is None and f["SFYJJBNT"][0] is None
    assert f[domain.RED_LINE_AREA][0] == 50.0
    names = {v for k, v in vars(domain).items() if k.isupper() and isinstance(v, str)}
    for layer in domain.OVERLAY_LAYERS:
        names |= {x for x in (layer.area_field, layer.flag_field, layer.hits_field) if x}
    names |= {m + domain.MU_SUFFIX for m in domain.MU_FIELDS}
    assert set(f) <= names


def test_unknown_class_code_goes_to_unsurveyed_with_message():
    lu = land_use([box(0, 0, 50, 100), box(50, 0, 100, 100)], ["0101", "99XX"])
    r = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu})
    assert r.fields[domain.UNSURVEYED_AREA][0] == 5000.0
    assert any("99XX" in m and "S0" in m for m in r.messages)


def test_ridge_deduction_moves_ridges_to_other_agricultural():
    lu = land_use([box(-100, -100, 200, 200)], ["0101"], kcxs=[0.1])
    f = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}, deduct_ridges=True).fields
    assert f[domain.CULTIVATED_AREA][0] == 9000.0
    assert f[domain.AGRICULTURAL_AREA][0] == 1000.0
    assert split_sum_cents(f, 0) == 1_000_000


def test_ridge_coefficients_outside_0_to_1_count_as_0_naming_each_parcel_and_value():
    lu = land_use(
        [box(-100, -100, 50, 200), box(50, -100, 200, 200)], ["0101", "0102"], kcxs=[1.5, -0.1]
    )
    r = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}, deduct_ridges=True)
    assert r.fields[domain.CULTIVATED_AREA][0] == 10000.0  # nothing deducted
    assert r.fields[domain.AGRICULTURAL_AREA][0] == 0.0
    (message,) = [m for m in r.messages if domain.RIDGE_COEFFICIENT in m]
    assert "S0" in message and "不在 0..1 之间" in message
    assert "P0 为“1.5”" in message and "P1 为“-0.1”" in message


def test_a_ridge_coefficient_above_a_half_is_deducted_and_said_as_a_likely_percentage():
    """KCXS 1 (1 % typed as a number?) takes the whole parcel off the cultivated land: done
    as the layer says, and said, naming the parcel; 0.5 and under is usual and said by none."""
    lu = land_use(
        [box(-100, -100, 50, 200), box(50, -100, 200, 200)], ["0101", "0103"], kcxs=[1, 0.5]
    )
    r = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}, deduct_ridges=True)
    # 5,000 m² on each parcel: all of the first deducted, half of the second.
    assert r.fields[domain.CULTIVATED_AREA][0] == 2500.0
    assert r.fields[domain.AGRICULTURAL_AREA][0] == 7500.0
    (message,) = [m for m in r.messages if domain.RIDGE_COEFFICIENT in m]
    assert "S0" in message and "大于 0.5" in message and "百分数" in message
    assert "P0 为“1”" in message and "P1" not in message


@pytest.mark.parametrize(("mu", "flag"), [(4.99, False), (5.01, True), (5.0, True)])
def test_criminal_flag_at_basic_farmland_threshold(mu, flag):
    height = mu * MU / 100.0
    bf = plain([box(0, 0, 100, height)])
    f = run([box(0, 0, 100, 200)], {domain.LAYER_BASIC_FARMLAND: bf}).fields
    assert f[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX][0] == mu
    assert bool(f[domain.CRIMINAL_FLAG][0]) is flag
    assert f[domain.REVIEW_PRIORITY][0] == (1 if flag else 2)


@pytest.mark.parametrize(("mu", "flag"), [(4.99, False), (5.0, True)])
def test_criminal_flag_at_basic_farmland_threshold_with_the_land_use_given(mu, flag):
    """The production path, both referral layers given: basic farmland shown 5.00 亩 on
    construction land is at referral scale (≥ 5 亩, not > 5), 4.99 亩 is not."""
    layers = {
        domain.LAYER_BASIC_FARMLAND: plain([strip(mu)]),
        domain.LAYER_LAND_USE: land_use([box(-100, -100, 300, 300)], ["0702"]),
    }
    f = run([box(0, 0, 100, 100)], layers).fields
    assert f[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX][0] == mu
    assert f[domain.CRIMINAL_FLAG].tolist() == [flag]


def test_a_5_mu_spot_without_the_farmland_layer_could_hold_5_mu_of_it():
    """Land use alone: a spot of 3,333.33 m² (5.00 亩), 3 亩 of it cultivated, could be all
    basic farmland (5 亩 reached) or not: SFXS is open (NULL), not 0."""
    parcels = [strip(3), box(0, 3 * MU / 100.0, 100, 1000)]
    layers = {domain.LAYER_LAND_USE: land_use(parcels, ["0101", "0702"])}
    f = run([strip(5)], layers).fields
    assert f[domain.SPOT_AREA + domain.MU_SUFFIX][0] == 5.0
    assert f[domain.CRIMINAL_FLAG].tolist() == [None]


@pytest.mark.parametrize(("sqm", "mu", "flag"), [(3329.997, 5.0, True), (3329.994, 4.99, False)])
def test_one_mu_figure_and_one_referral_answer_in_screening_and_cases(sqm, mu, flag):
    """Basic farmland of 3,329.997 m² is shown as 3,330.00 m², which is 4.995 亩, shown 5.00:
    screening flags the spot, as a case holding the figure shown does (cases.criminal_scale);
    3,329.994 m² is shown 3,329.99 m², 4.99 亩, under the threshold for both."""
    bf = plain([box(0, 0, 100, sqm / 100)])
    f = run([box(0, 0, 100, 200)], {domain.LAYER_BASIC_FARMLAND: bf}).fields
    shown = f[domain.BASIC_FARMLAND_AREA][0]
    assert shown == float(paper.cents(sqm))
    assert f[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX][0] == mu == paper.mu(shown)
    assert bool(f[domain.CRIMINAL_FLAG][0]) is flag
    assert cases.criminal_scale(shown, shown) is flag
    assert f"{mu:.2f} 亩" in f[domain.VERDICT_REASON][0]


def test_criminal_flag_uses_unapproved_area():
    bf = plain([box(0, 0, 100, 100)])  # 15 亩
    ap = plain([box(0, 0, 100, 70)], ["批-1"])  # approves 10.5 亩 of it, 4.5 亩 left
    layers = {domain.LAYER_BASIC_FARMLAND: bf, domain.LAYER_APPROVALS: ap}
    f = run([box(0, 0, 100, 100)], layers).fields
    assert not f[domain.CRIMINAL_FLAG][0]
    assert f["PZWH"][0] == "批-1"
    assert "其中未批 4.50 亩" in f[domain.VERDICT_REASON][0]
    assert "批准用地仅覆盖 70.0%" in f[domain.VERDICT_REASON][0]


def test_cultivated_threshold_counts_only_outside_basic_farmland():
    lu = {domain.LAYER_LAND_USE: land_use([box(-100, -100, 300, 300)], ["0101"])}
    spot = box(0, 0, 100, 160)  # 24 亩 cultivated
    # No BF layer: 24 亩 is referral scale however much of it is basic farmland.
    assert run([spot], lu).fields[domain.CRIMINAL_FLAG][0]
    # 15 亩 BF of which 11 亩 approved: 4 亩 unapproved BF, 9 亩 cultivated outside BF.
    layers = dict(lu)
    layers[domain.LAYER_BASIC_FARMLAND] = plain([box(0, 0, 100, 100)])
    layers[domain.LAYER_APPROVALS] = plain([box(0, 0, 100, 11 * MU / 100)])
    f = run([spot], layers).fields
    assert not f[domain.CRIMINAL_FLAG][0]
    assert f[domain.REVIEW_PRIORITY][0] == 2
    # 13.5 亩 BF, 10.5 approved: 3 亩 unapproved BF, 10.5 亩 cultivated outside BF.
    layers[domain.LAYER_BASIC_FARMLAND] = plain([box(0, 0, 100, 90)])
    layers[domain.LAYER_APPROVALS] = plain([box(0, 0, 100, 70)])
    f = run([spot], layers).fields
    assert f[domain.CRIMINAL_FLAG][0]
    assert f[domain.REVIEW_PRIORITY][0] == 1


def strip(mu: float) -> shapely.Polygon:
    """A box 100 m wide of the given area in 亩, from the origin."""
    return box(0, 0, 100, mu * MU / 100.0)


@pytest.mark.parametrize(
    ("given", "spot_mu", "farmland_mu", "cultivated_mu", "flag", "priority"),
    [
        # Neither layer: only a spot too small to hold 5 亩 of anything is known not to be.
        ((), 15, 0, 0, None, None),
        ((), 4.99, 0, 0, False, None),
        # Basic farmland alone: 5 亩 of it is referral scale whatever the land use; under it,
        # open while the rest of the spot could hold 10 亩 of cultivated land.
        (("bf",), 15, 6, 0, True, 1),
        (("bf",), 15, 3, 0, None, 2),
        (("bf",), 12.99, 3, 0, False, 2),
        # Land use alone: basic farmland may lie anywhere in the spot, on any land class.
        (("lu",), 24, 0, 24, True, 1),  # under 5 亩 of it farmland leaves over 10 outside
        (("lu",), 12, 0, 12, None, 3),
        (("lu",), 9, 0, 3, None, 3),
        (("lu",), 4.99, 0, 3, False, 3),
        (("lu",), 9, 0, 0, None, None),  # nothing found, and not ranked: layers missing
        # Both: the test is made.
        (("bf", "lu"), 15, 3, 15, True, 1),  # 12 亩 of cultivated land outside the farmland
        (("bf", "lu"), 15, 3, 12, False, 2),
    ],
)
def test_the_referral_flag_is_null_where_it_cannot_be_told(
    given, spot_mu, farmland_mu, cultivated_mu, flag, priority
):
    """SFXS needs both the basic-farmland and land-use layers (DOMAIN §5): without one it is
    1 or 0 only when the figures measured decide it, else NULL; YXJ is NULL, not 4 ("the
    rest"), for a spot nothing ranks when layers that could have were not given."""
    layers = {}
    if "bf" in given:
        layers[domain.LAYER_BASIC_FARMLAND] = plain([strip(farmland_mu)] if farmland_mu else [])
    if "lu" in given:
        # Cultivated land from the spot's foot, construction land above it.
        parcels = [strip(cultivated_mu), box(0, cultivated_mu * MU / 100.0, 100, 1000)]
        layers[domain.LAYER_LAND_USE] = land_use(parcels, ["0101", "0702"])
    f = run([strip(spot_mu)], layers).fields
    assert f[domain.CRIMINAL_FLAG][0] is flag or f[domain.CRIMINAL_FLAG][0] == flag
    assert (f[domain.CRIMINAL_FLAG][0] is None) is (flag is None)
    assert (f[domain.REVIEW_PRIORITY][0] is None) is (priority is None)
    if priority is not None:
        assert f[domain.REVIEW_PRIORITY][0] == priority
    reason = f[domain.VERDICT_REASON][0]
    if flag is None and (farmland_mu or cultivated_mu):
        assert "无法判断是否达到刑事移送标准" in reason, reason
    assert ("达到刑事移送标准" in reason and "无法判断" not in reason) is bool(flag), reason


def test_basic_farmland_and_an_approval_elsewhere_bound_the_cultivated_land_outside_both():
    """Without land use: a 20 亩 spot, 3 亩 of it basic farmland and another 8 亩 approved. At
    most 20 − 3 − 8 = 9 亩 can be cultivated land outside both (under 10 亩), and 3 亩 of
    farmland is under 5 亩: the referral test is decided, not open."""
    layers = {
        domain.LAYER_BASIC_FARMLAND: plain([strip(3)]),
        domain.LAYER_APPROVALS: plain([box(0, 12 * MU / 100, 100, 20 * MU / 100)]),
    }
    f = run([strip(20)], layers).fields
    assert f[domain.CRIMINAL_FLAG].tolist() == [False]
    # with the approval over the farmland instead, 17 亩 could lie outside both: open
    layers[domain.LAYER_APPROVALS] = plain([box(0, 0, 100, 3 * MU / 100)])
    assert run([strip(20)], layers).fields[domain.CRIMINAL_FLAG].tolist() == [None]


def test_an_approved_spot_without_the_referral_layers_is_not_at_referral_scale():
    """Wholly covered by an approval: nothing is taken unapproved, whatever the land."""
    f = run([strip(15)], {domain.LAYER_APPROVALS: plain([box(-1, -1, 101, 300)])}).fields
    assert f[domain.CRIMINAL_FLAG].tolist() == [False]


def test_every_layer_given_and_nothing_found_ranks_a_spot_4():
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    f = run([box(0, 0, 100, 100)], every_protection_layer(**{domain.LAYER_LAND_USE: lu})).fields
    assert f[domain.REVIEW_PRIORITY].tolist() == [4]
    assert f[domain.CRIMINAL_FLAG].tolist() == [False]


def nothing() -> LayerInput:
    """A protection layer that was given but holds no feature."""
    return plain([])


def every_protection_layer(**layers) -> dict[str, LayerInput]:
    return {key: nothing() for key in domain.PROTECTION_LAYERS} | layers


def test_verdicts_approved_construction_and_other():
    lu = land_use([box(0, -100, 1000, 100), box(0, 100, 1000, 300)], ["0702", "0301"])
    ap = plain([box(0, -50, 96, 50)], ["批-9"])
    spots = [box(0, -50, 100, 50), box(200, -50, 300, 50), box(400, 150, 500, 250)]
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run(spots, layers).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [
        domain.SUGGEST_APPROVED,
        domain.SUGGEST_NO_CONCERN,
        domain.SUGGEST_FIELD_CHECK,
    ]
    assert "96.0%" in f[domain.VERDICT_REASON][0]
    assert f["SFPZ"].tolist() == [True, False, False]
    assert f[domain.APPROVED_AREA + domain.MU_SUFFIX][0] == round(9600 / MU, 2)

    # Without the red line and no-mining layers, construction land is not "of no concern":
    # nothing was looked at that could have made it one.
    del layers[domain.LAYER_RED_LINE], layers[domain.LAYER_NO_MINING]
    f = run(spots, layers).fields
    assert f[domain.SUGGESTED_VERDICT][1] == domain.SUGGEST_FIELD_CHECK
    assert "未提供生态保护红线、禁采区图层" in f[domain.VERDICT_REASON][1]
    assert "未涉及保护图层" not in f[domain.VERDICT_REASON][2]


def test_a_field_check_reason_gives_unsurveyed_land_in_mu_and_not_the_other_verdicts_name():
    """Every clause of a reason gives 亩 (the unsurveyed part gave m² alone), and a field
    check's reason does not read 未涉及保护图层, the name of a verdict it did not get."""
    lu = plain([box(0, -50, 60, 50)], ["0301"])  # forest on 60 %, nothing surveyed on the rest
    spots = [box(0, -50, 100, 50)]
    f = run(spots, every_protection_layer(**{domain.LAYER_LAND_USE: lu})).fields
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK
    reason = f[domain.VERDICT_REASON][0]
    unsurveyed = f[domain.UNSURVEYED_AREA][0]
    assert f"未调查或无法归类 {unsurveyed / MU:.2f} 亩（{unsurveyed:.2f} 平方米）" in reason, reason
    assert "未涉及保护图层" not in reason and "m²" not in reason, reason


def test_a_mostly_approved_spot_is_approved_only_when_the_rest_is_clean():
    """96 % approved: the 4 % outside the approval decides. Unapproved basic farmland or
    cultivated land there, or any red line, asks for a field check (超占用地?); the share that
    counts as "covered" is a setting."""
    lu = land_use([box(-500, -500, 2000, 500)], ["0702"])
    ap = plain([box(0, 0, 96, 100)], ["批-1"])
    spot = box(0, 0, 100, 100)
    rest = box(96, 0, 100, 100)  # 400 m² = 0.60 亩 outside the approval
    cases = {
        "clean": {},
        "farmland": {domain.LAYER_BASIC_FARMLAND: plain([rest])},
        "red line": {domain.LAYER_RED_LINE: plain([box(0, 0, 10, 10)])},  # inside the approval
        "cultivated": {domain.LAYER_LAND_USE: land_use([box(-500, -500, 2000, 500)], ["0101"])},
    }
    got = {}
    for name, extra in cases.items():
        layers = every_protection_layer(
            **{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap, **extra}
        )
        got[name] = run([spot], layers).fields
    assert got["clean"][domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_APPROVED
    for name in ("farmland", "red line", "cultivated"):
        f = got[name]
        assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK, name
        assert "96.0%" in f[domain.VERDICT_REASON][0] and "核实" in f[domain.VERDICT_REASON][0]
    assert "占用永久基本农田 0.60 亩" in got["farmland"][domain.VERDICT_REASON][0]
    assert got["red line"][domain.REVIEW_PRIORITY][0] == 1
    assert "红线内允许的活动" in got["red line"][domain.VERDICT_REASON][0]
    assert "超出批准范围" not in got["red line"][domain.VERDICT_REASON][0]  # the rest is clean
    assert "超出批准范围" in got["farmland"][domain.VERDICT_REASON][0]
    assert "占用耕地 0.60 亩（未批部分）" in got["cultivated"][domain.VERDICT_REASON][0]

    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    strict = run([spot], layers, approval_share=0.99).fields
    assert strict[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_NO_CONCERN  # construction land
    assert "仅覆盖 96.0%" in strict[domain.VERDICT_REASON][0]


def test_overlaps_that_a_report_shows_as_0_00_mu_do_not_make_a_spot_suspected():
    """A boundary sliver of cultivated land or red line (under 0.005 亩 = 3.33 m²) is shown
    and flagged, but is no occupation: the verdict counts what the report shows in 亩."""
    lu = land_use([box(0, 0, 100, 100), box(100, 0, 200, 100)], ["0702", "0101"])
    spots = [box(0, 0, 100.03, 100), box(0, 0, 100.04, 100)]  # 3.0 m² and 4.0 m² of 0101
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu})
    f = run(spots, layers).fields
    assert f[domain.CULTIVATED_AREA].tolist() == [3.0, 4.0]
    assert f[domain.CULTIVATED_FLAG].tolist() == [True, True]
    assert f[domain.SUGGESTED_VERDICT].tolist() == [
        domain.SUGGEST_NO_CONCERN,
        domain.SUGGEST_ILLEGAL,
    ]
    assert "占用耕地 0.01 亩" in f[domain.VERDICT_REASON][1]
    assert "边界碎片" in f[domain.VERDICT_REASON][0]  # flagged SFGD, and said why not counted
    assert f[domain.REVIEW_PRIORITY].tolist() == [4, 3]


def test_the_reason_gives_the_cultivated_figure_the_referral_test_counts():
    """14.5 亩 of cultivated land, 5 of them basic farmland: the 10 亩 test sees 9.5 亩, and
    the reason says so, so a reader is not left wondering why no referral is flagged."""
    width = 14.5 * MU / 100.0
    lu = land_use([box(0, 0, width, 100)], ["0101"])
    bf = plain([box(0, 0, 5 * MU / 100.0 - 0.1, 100)])  # just under 5 亩
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_BASIC_FARMLAND: bf})
    f = run([box(0, 0, width, 100)], layers).fields
    assert not f[domain.CRIMINAL_FLAG][0]
    assert "占用耕地 14.50 亩，其中永久基本农田以外 9.51 亩" in f[domain.VERDICT_REASON][0]


def test_cancellation_raises():
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    lu = land_use([box(0, 0, 100, 100)], ["0101"])
    with pytest.raises(ScreeningCancelled):
        run([box(0, 0, 10, 10)], {domain.LAYER_LAND_USE: lu}, is_cancelled=cancelled)


def test_progress_reaches_100():
    seen: list[float] = []
    lu = land_use([box(0, 0, 100, 100)], ["0101"])
    run([box(0, 0, 10, 10)], {domain.LAYER_LAND_USE: lu}, progress=seen.append)
    assert seen[-1] == 100.0 and seen == sorted(seen)


# --- random spots over a jittered-grid partition vs brute force --------------------------------
def _jittered_grid(rng, n=24, cell=40.0):
    gx, gy = np.meshgrid(np.arange(n + 1) * cell, np.arange(n + 1) * cell, indexing="ij")
    inner = (slice(1, -1), slice(1, -1))
    gx[inner] += rng.uniform(-12, 12, gx[inner].shape)
    gy[inner] += rng.uniform(-12, 12, gy[inner].shape)
    polys = []
    for i in range(n):
        for j in range(n):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            ring = [(gx[c], gy[c]) for c in corners]
            polys.append(shapely.Polygon([(X0 + x, Y0 + y) for x, y in ring]))
    return polys


def _random_spots(rng, count, extent):
    spots = []
    for _ in range(count):
        cx, cy = rng.uniform(-50, extent + 50, 2)
        ang = (np.arange(7) + rng.uniform(0, 1, 7)) * 2 * np.pi / 7  # gaps < π: simple
        rad = rng.uniform(10, 70, 7)
        pts = [(X0 + cx + r * np.cos(a), Y0 + cy + r * np.sin(a)) for a, r in zip(ang, rad)]
        spots.append(shapely.Polygon(pts))
    return spots


@pytest.fixture(scope="module")
def random_case():
    rng = np.random.default_rng(11)
    parcels = _jittered_grid(rng)
    kinds = ["0101", "0102", "0201", "0301", "0702", "1001", "1203", "1101", "1201"]
    codes = rng.choice(kinds, len(parcels)).tolist()
    spots = _random_spots(rng, 60, 24 * 40.0)
    return parcels, codes, spots


def _brute_force(parcels, codes, spots, measure):
    """Per spot: union of (spot ∩ parcels) per land group, measured by `measure`; groups from
    the hand-typed THIRD_SURVEY_FIELD table, not the plugin's own classification."""
    everything = shapely.union_all(parcels)
    out = []
    for spot in spots:
        row = {}
        near = [(p, c) for p, c in zip(parcels, codes) if p.intersects(spot)]
        for name in domain.LAND_GROUP_FIELDS.values():
            pieces = [spot.intersection(p) for p, c in near if THIRD_SURVEY_FIELD[c] == name]
            row[name] = measure(shapely.union_all(pieces)) if pieces else 0.0
        row[domain.SPOT_AREA] = measure(spot)
        row[domain.UNSURVEYED_AREA] = measure(spot.difference(everything))
        out.append(row)
    return out


def test_random_split_matches_brute_force_planar(random_case):
    parcels, codes, spots = random_case
    f = run(spots, {domain.LAYER_LAND_USE: land_use(parcels, codes)}).fields
    expected = _brute_force(parcels, codes, spots, lambda g: g.area)
    for i, row in enumerate(expected):
        assert split_sum_cents(f, i) == round(f[domain.SPOT_AREA][i] * 100)
        for name, value in row.items():
            assert f[name][i] == pytest.approx(value, abs=0.0101), (i, name)


def test_random_split_matches_geodesic_areas(random_case):
    parcels, codes, spots = random_case
    # Densified so that projected straight edges and geodesic edges coincide.
    dens = [shapely.segmentize(s, 2.0) for s in spots]
    f = run(dens, {domain.LAYER_LAND_USE: land_use(parcels, codes)}, method=ELLIPSOIDAL).fields
    expected = _brute_force([shapely.segmentize(p, 2.0) for p in parcels], codes, dens, geod_area)
    for i, row in enumerate(expected):
        assert split_sum_cents(f, i) == round(f[domain.SPOT_AREA][i] * 100)
        for name, value in row.items():
            assert f[name][i] == pytest.approx(value, abs=0.02), (i, name)


def test_random_union_layer_matches_brute_force(random_case):
    parcels, codes, spots = random_case
    rng = np.random.default_rng(5)
    # Overlapping features: every third parcel grown by 8 m.
    feats = [shapely.buffer(p, 8.0, join_style="mitre") for p in parcels[::3]]
    labels = [f"B{k}" for k in range(len(feats))]
    rng.shuffle(feats)
    r = run(spots, {domain.LAYER_BASIC_FARMLAND: plain(feats, labels)})
    union = shapely.union_all(feats)
    for i, spot in enumerate(spots):
        expected = shapely.intersection(spot, union).area
        assert r.fields[domain.BASIC_FARMLAND_AREA][i] == pytest.approx(expected, abs=0.0051)


def test_threads_never_share_a_spot():
    """A prepared spot's lazy GEOS indexes must be built by one thread: every run of equal
    group keys goes to a single chunk, and the chunks together give func over everything."""
    import threading

    from zc_enforcement_plugin.core import screening_overlay as engine

    rng = np.random.default_rng(3)
    chunks: list[np.ndarray] = []
    lock = threading.Lock()

    def func(x, y):
        with lock:
            chunks.append(x)
        return x + y

    for groups in (np.sort(rng.integers(0, 500, 9000)), np.zeros(9000, dtype=int)):
        chunks.clear()
        a = np.arange(len(groups))
        assert np.array_equal(engine.on_all_cores(func, a, a, groups=groups), 2 * a)
        owners = [set(groups[chunk].tolist()) for chunk in chunks]
        for g in set(groups.tolist()):
            assert sum(g in owner for owner in owners) == 1, g


def test_coordinates_that_are_not_numbers():
    """A spot is kept with zero areas and a note; a protection feature stops the run, named."""
    nan_spot = shapely.from_wkt(f"POLYGON(({X0} {Y0},{X0 + 10} {Y0},{X0} NaN,{X0} {Y0}))")
    lu = land_use([box(-10, -10, 200, 200)], ["0101"])
    f = run([box(0, 0, 100, 100), nan_spot], {domain.LAYER_LAND_USE: lu}).fields
    assert f[domain.SPOT_AREA].tolist() == [10000.0, 0.0]
    assert "NaN" in f[domain.GEOMETRY_NOTE][1]

    inf_parcel = shapely.from_wkt(f"POLYGON(({X0} {Y0},{X0 + 10} {Y0},{X0} Infinity,{X0} {Y0}))")
    with pytest.raises(ValueError, match="P1"):
        run(
            [box(0, 0, 100, 100)],
            {domain.LAYER_LAND_USE: land_use([box(0, 0, 9, 9), inf_parcel], ["0101", "0101"])},
        )


def test_overlapping_approvals_covering_a_spot_whole_meet_a_100_percent_rule():
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    ap = plain([box(0, 0, 60, 100), box(30, 0, 100, 100)], ["批-1", "批-2"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 100, 100)], layers, method=ELLIPSOIDAL, approval_share=1.0).fields
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_APPROVED
    assert "覆盖 100.0%" in f[domain.VERDICT_REASON][0]


def test_an_approval_out_of_force_on_construction_land_asks_for_a_field_check():
    """Expired before the image: not restored? Granted after it: used before approval?"""
    import datetime as dt

    lu = land_use([box(-100, -100, 500, 300)], ["0702"])
    ap = LayerInput(
        arr(box(0, 0, 100, 100), box(200, 0, 300, 100)),
        np.array(["临-1", "批-2"], dtype=object),
        ends=np.array([dt.date(2025, 6, 1), None], dtype=object),
        granted=np.array([dt.date(2023, 6, 1), dt.date(2026, 3, 1)], dtype=object),
    )
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    seen = [dt.date(2026, 1, 15)] * 2
    f = run([box(0, 0, 100, 100), box(200, 0, 300, 100)], layers, spot_dates=seen).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK] * 2
    assert f[domain.REVIEW_PRIORITY].tolist() == [3, 3]
    assert "已于 2025-06-01 到期" in f[domain.VERDICT_REASON][0]
    assert "边报边用" in f[domain.VERDICT_REASON][1]


def test_a_tiny_spot_without_an_approval_is_not_approved():
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    ap = plain([box(200, 200, 250, 250)], ["批-1"])  # elsewhere
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 0.04, 0.04)], layers).fields  # 0.0016 m²
    assert f[domain.SUGGESTED_VERDICT][0] != domain.SUGGEST_APPROVED
    assert "覆盖 100.0%" not in f[domain.VERDICT_REASON][0]


def test_basic_farmland_inside_an_approval_is_not_called_no_concern():
    """Half a construction spot lies on basic farmland, all of it approved: it is not
    suspected, but neither does it touch 'no protection layer'."""
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    ap = plain([box(0, 0, 50, 100)], ["批-1"])
    bf = plain([box(0, 0, 50, 100)], ["B1"])
    layers = every_protection_layer(
        **{
            domain.LAYER_LAND_USE: lu,
            domain.LAYER_APPROVALS: ap,
            domain.LAYER_BASIC_FARMLAND: bf,
        }
    )
    f = run([box(0, 0, 100, 100)], layers).fields
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK
    assert "均在批准范围内" in f[domain.VERDICT_REASON][0]
    assert "仅覆盖 50.0%" in f[domain.VERDICT_REASON][0]
    assert f[domain.REVIEW_PRIORITY][0] == 3


def test_a_repaired_spot_s_note_says_what_the_repair_did_to_its_area():
    """The delivered rings' own area, against the repaired shape's: a bow-tie's lobes cancel
    (0 m², 5,000 m² once repaired); a hole drawn outside its shell was subtracted (10,000 −
    400 m²) and is land of the spot once repaired (10,400 m²); a ring that runs back over
    itself along one edge (a spike) loses nothing."""
    bow = shapely.Polygon(
        [(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]
    )
    shell = box(1000, 0, 1100, 100).exterior.coords
    hole_outside = shapely.Polygon(shell, [box(1200, 0, 1220, 20).exterior.coords])
    spike = shapely.Polygon(
        [
            (X0 + 2000, Y0),
            (X0 + 2100, Y0),
            (X0 + 2100, Y0 + 100),
            (X0 + 2100, Y0 + 150),
            (X0 + 2100, Y0 + 100),
            (X0 + 2000, Y0 + 100),
            (X0 + 2000, Y0),
        ]
    )
    assert not any(shapely.is_valid([bow, hole_outside, spike]))
    r = run([bow, hole_outside, spike], {}, keys=["BOW", "HOLE", "SPIKE"])
    notes = r.fields[domain.GEOMETRY_NOTE]
    assert "平面面积按原坐标直接计算为 0.00 平方米，修复后为 5,000.00 平方米" in notes[0]
    assert "平面面积按原坐标直接计算为 9,600.00 平方米，修复后为 10,400.00 平方米" in notes[1]
    assert "面积未变" in notes[2]
    assert r.fields[domain.SPOT_AREA].tolist()[:2] == [5000.0, 10400.0]


def test_a_spot_in_a_hole_drawn_outside_its_red_line_s_shell_is_found_inside_the_repaired_line():
    """Repaired, such a hole is red line too (as a spot's is land of the spot, above); the
    search index once held the feature by GEOS's envelope, its shell's, and a spot in the hole
    alone met nothing: STHXMJ 0 inside the repaired red line."""
    shell = box(1000, 0, 1100, 100).exterior.coords
    red = shapely.Polygon(shell, [box(1200, 0, 1220, 20).exterior.coords])
    layers = {domain.LAYER_RED_LINE: plain([red], ["红线-1"])}
    f = run([box(1205, 5, 1215, 15)], layers).fields
    assert f[domain.RED_LINE_AREA].tolist() == [100.0]
    assert "红线-1" in f[domain.GEOMETRY_NOTE][0]  # the repaired feature it hits, named


def test_where_a_spot_is_invalid_is_said_in_the_working_crs_named_and_without_float_noise():
    """A spot layer in degrees is read into the working CRS and repaired there: its bow-tie's
    crossing was said as 39580050.1234567 4050050.1234567, unnamed, noise to the last digit,
    and the technician's own layer shows degrees."""
    d = 0.1234567
    bow = shapely.Polygon(
        [
            (X0 + d, Y0 + d),
            (X0 + 100 + d, Y0 + 100 + d),
            (X0 + 100 + d, Y0 + d),
            (X0 + d, Y0 + 100 + d),
            (X0 + d, Y0 + d),
        ]
    )
    r = run([bow], {})
    said = "自相交（39580050.12 4050050.123，EPSG:4527）"
    assert said in r.fields[domain.GEOMETRY_NOTE][0], r.fields[domain.GEOMETRY_NOTE][0]
    (message,) = [m for m in r.messages if "S0" in m and "自相交" in m]
    assert said in message and "at 39580050.12 4050050.123, EPSG:4527" in message, message


def test_one_outline_delivered_as_a_polygon_and_as_a_collection_is_one_outline():
    """The same square as a Polygon, a one-part MultiPolygon and a collection: the type kept
    them apart, and the spot delivered three times was not said (found by a fuzzer)."""
    square = box(0, 0, 100, 100)
    spots = [square, shapely.MultiPolygon([square]), shapely.GeometryCollection([square])]
    r = run(spots, {}, keys=["A1", "A2", "A3"])
    said = [m for m in r.messages if "图形相同" in m]
    assert len(said) == 1 and "A1、A2、A3" in said[0], r.messages


def test_spots_of_one_outline_under_two_numbers_are_said_and_noted():
    """Delivered twice under different numbers, a spot's land counted twice in a batch's
    totals, nothing said; its vertices in another order or from another start are the same
    outline. One number twice is said as a duplicate number alone."""
    square = box(0, 0, 100, 100)
    ring = list(shapely.reverse(square).exterior.coords)[:-1]
    turned = shapely.Polygon(ring[1:] + ring[:1])  # the other way round, from another corner
    assert turned.equals(square) and turned.exterior.coords[0] != square.exterior.coords[0]
    r = run(
        [square, turned, box(200, 0, 300, 100), box(200, 0, 300, 100), box(400, 0, 500, 100)]
        + [box(400, 0, 500, 100)],
        {},
        keys=["A1", "A2", "B", "B", "370302202401", "３７０３０２２０２４０１"],
    )
    said = [m for m in r.messages if "图形相同" in m]
    assert len(said) == 1 and "A1、A2" in said[0], r.messages
    assert "与图斑 A2 图形相同" in r.fields[domain.GEOMETRY_NOTE][0]
    assert "与图斑 A1 图形相同" in r.fields[domain.GEOMETRY_NOTE][1]
    assert not r.fields[domain.GEOMETRY_NOTE][2]
    assert r.fields[domain.SPOT_AREA].tolist()[:2] == [10000.0, 10000.0]  # each screened


# --- edges a mutation review found untested ----------------------------------------------------
@pytest.mark.parametrize("code", sorted(THIRD_SURVEY_FIELD))
def test_each_survey_code_lands_in_the_field_of_its_three_class_table(code):
    """One spot on one parcel of each code: its whole area in the field the hand-typed table
    gives, nothing in the others (rural roads, ponds, ditches, facility land and ridges are
    agricultural; reservoirs, hydraulic works and vacant land construction; other grassland,
    rivers, lakes, shoals and bare land unused)."""
    f = run(
        [box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: land_use([box(-10, -10, 110, 110)], [code])}
    ).fields
    got = {name: f[name][0] for name in ("GDMJ", "FGNYDMJ", "JSYDMJ", "WLYDMJ", "WDCMJ")}
    expected = dict.fromkeys(got, 0.0) | {THIRD_SURVEY_FIELD[code]: 10000.0}
    assert got == expected, code


@pytest.mark.parametrize(
    ("cultivated_sqm", "farmland_sqm", "shown_mu", "flag", "priority"),
    [
        # 6,666.67 m² × 15 / 10000 = 10.000005 亩, shown 10.00: the threshold reached (≥ 10).
        (6666.67, 0.0, 10.0, True, 1),
        # 6,660.00 m² = 9.99 亩 exactly: under it.
        (6660.0, 0.0, 9.99, False, 3),
        # 10.00 亩 of cultivated land, 1 亩 (666.67 m²) of it basic farmland: 6,000.00 m² = 9.00
        # 亩 outside it, under 10; and 1 亩 of farmland is under 5.
        (6666.67, 666.67, 10.0, False, 2),
    ],
)
def test_criminal_flag_at_the_cultivated_threshold(
    cultivated_sqm, farmland_sqm, shown_mu, flag, priority
):
    """DOMAIN §5: ≥ 10 亩 of cultivated land outside basic farmland is referral scale; the
    basic-farmland layer is given (a feature elsewhere), so the test is made, not left open."""
    spot = box(0, 0, 100, cultivated_sqm / 100.0)
    bf = [box(0, 0, 100, farmland_sqm / 100.0)] if farmland_sqm else []
    layers = {
        domain.LAYER_LAND_USE: land_use([box(-10, -10, 110, 300)], ["0101"]),
        domain.LAYER_BASIC_FARMLAND: plain([*bf, box(1000, 1000, 1100, 1100)]),
    }
    f = run([spot], layers).fields
    assert f[domain.CULTIVATED_AREA][0] == cultivated_sqm
    assert f[domain.CULTIVATED_AREA + domain.MU_SUFFIX][0] == shown_mu == paper.mu(cultivated_sqm)
    assert f[domain.CRIMINAL_FLAG][0] is flag or f[domain.CRIMINAL_FLAG][0] == flag
    assert f[domain.CRIMINAL_FLAG][0] is not None
    assert f[domain.REVIEW_PRIORITY][0] == priority
    assert ("达到刑事移送标准" in f[domain.VERDICT_REASON][0]) is flag


def test_new_construction_land_counts_unused_land():
    """XZJSYDMJ = GDMJ + FGNYDMJ + WLYDMJ (DOMAIN §2): a spot 40 % on a river (1101, unused)
    and 60 % on vacant land (1201, construction already) adds 4,000 m² of construction land."""
    lu = land_use([box(-10, -10, 40, 110), box(40, -10, 110, 110)], ["1101", "1201"])
    f = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}).fields
    assert f[domain.UNUSED_AREA][0] == 4000.0
    assert f[domain.CONSTRUCTION_AREA][0] == 6000.0
    assert f[domain.NEW_CONSTRUCTION_AREA][0] == 4000.0


def test_an_approval_ending_or_granted_on_the_later_image_date_covers_the_spot():
    """The rule the code applies, for the bureau to confirm: an approval is in force on the
    later image date (HSX) when it ends on that day (JZRQ = HSX) or was granted that day
    (PZRQ = HSX); only one that ended before, or was granted after, is left out."""
    import datetime as dt

    hsx = dt.date(2026, 1, 15)
    lu = land_use([box(-100, -100, 500, 300)], ["0702"])
    ap = LayerInput(
        arr(box(0, 0, 100, 100), box(200, 0, 300, 100)),
        np.array(["临-1", "批-2"], dtype=object),
        ends=np.array([hsx, None], dtype=object),
        granted=np.array([dt.date(2024, 1, 15), hsx], dtype=object),
    )
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 100, 100), box(200, 0, 300, 100)], layers, spot_dates=[hsx] * 2).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_APPROVED] * 2
    assert f[domain.APPROVED_AREA].tolist() == [10000.0, 10000.0]
    assert f["PZWH"].tolist() == ["临-1", "批-2"]
    for reason in f[domain.VERDICT_REASON]:
        assert "不计入批准覆盖" not in reason, reason


def test_the_referral_test_takes_cultivated_land_gross_of_ridges():
    """11 亩 of paddy (7,333.33 m²) with KCXS 0.1, ridges deducted: GDMJ is 7,333.33 × 0.9 =
    6,600.00 m² = 9.90 亩, but the 10 亩 test counts the 11 亩 gross (DOMAIN §4, §5)."""
    spot = box(0, 0, 100, 7333.33 / 100.0)
    layers = {
        domain.LAYER_LAND_USE: land_use([box(-10, -10, 110, 300)], ["0101"], kcxs=[0.1]),
        domain.LAYER_BASIC_FARMLAND: plain([box(1000, 1000, 1100, 1100)]),
    }
    f = run([spot], layers, deduct_ridges=True).fields
    assert f[domain.SPOT_AREA + domain.MU_SUFFIX][0] == 11.0
    assert f[domain.CULTIVATED_AREA][0] == 6600.0
    assert f[domain.AGRICULTURAL_AREA][0] == 733.33
    assert f[domain.CULTIVATED_AREA + domain.MU_SUFFIX][0] == 9.9
    assert f[domain.CRIMINAL_FLAG][0] is True or f[domain.CRIMINAL_FLAG][0] == 1
    assert "占用耕地 11.00 亩（含田坎）" in f[domain.VERDICT_REASON][0]


def test_ridges_of_overlapping_cultivated_parcels_are_counted_once():
    """Paddy P0 (x 0..60, KCXS 0.1) and P1 (x 40..100, KCXS 0.2) overlap on x 40..60. Ridges:
    0..40 at 0.1 = 400 m², 60..100 at 0.2 = 800 m², the 2,000 m² overlap at the two parcels'
    mean 0.15 = 300 m²: 1,500 m², not the 1,800 m² of counting the overlap in both."""
    lu = land_use([box(0, 0, 60, 100), box(40, 0, 100, 100)], ["0101", "0101"], kcxs=[0.1, 0.2])
    r = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}, deduct_ridges=True)
    assert r.fields[domain.CULTIVATED_AREA][0] == 8500.0
    assert r.fields[domain.AGRICULTURAL_AREA][0] == 1500.0
    assert split_sum_cents(r.fields, 0) == 1_000_000
    assert any("S0" in m and "重叠" in m for m in r.messages)


def test_a_red_line_sliver_of_1_5_sqm_is_flagged_but_not_counted():
    """1.5 m² of red line (0.00225 亩, shown 0.00) on a construction spot, every layer given:
    SFSTHX and the feature's name are set, but the verdict is 未涉及保护图层, ranked 4, and
    the reason says the sliver is not counted."""
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    red = plain([box(99.985, 0, 200, 100)], ["HX-9"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_RED_LINE: red})
    f = run([box(0, 0, 100, 100)], layers).fields
    assert f[domain.RED_LINE_AREA][0] == 1.5
    assert f["SFSTHX"][0] and f["STHXBH"][0] == "HX-9"
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_NO_CONCERN
    assert f[domain.REVIEW_PRIORITY][0] == 4
    assert "边界碎片不计" in f[domain.VERDICT_REASON][0]


def test_an_overlap_of_half_a_square_metre_is_flagged_and_named():
    """0.5 m² of red line is more than boundary noise (0.01 m²): SFSTHX set, STHXMJ 0.50 and
    the red-line feature named."""
    red = plain([box(99.995, 0, 200, 100)], ["HX-5"])
    f = run([box(0, 0, 100, 100)], {domain.LAYER_RED_LINE: red}).fields
    assert f[domain.RED_LINE_AREA][0] == 0.5
    assert f["SFSTHX"][0]
    assert f["STHXBH"][0] == "HX-5"


@pytest.mark.parametrize("layer", domain.OVERLAY_LAYERS, ids=lambda layer: layer.key)
@pytest.mark.parametrize(("west", "sqm", "touched"), [(99.96, 0.0, False), (99.94, 0.01, True)])
def test_a_layer_s_flag_is_set_exactly_when_its_area_shows(layer, west, sqm, touched):
    """A feature overlapping the spot by 0.04 m × 0.1 m = 0.004 m² shows 0.00 m²: not flagged,
    not named; by 0.06 m × 0.1 m = 0.006 m² it shows 0.01 m² (half up): flagged and named,
    so a flag never disagrees with the area beside it."""
    f = run([box(0, 0, 100, 100)], {layer.key: plain([box(west, 0, 200, 0.1)], ["F-1"])}).fields
    assert f[layer.area_field].tolist() == [sqm]
    assert f[layer.flag_field].tolist() == [touched]
    if layer.hits_field:
        assert f[layer.hits_field].tolist() == (["F-1"] if touched else [None])


@pytest.mark.parametrize(("west", "sqm", "touched"), [(99.96, 0.0, False), (99.94, 0.01, True)])
def test_the_cultivated_flag_is_set_exactly_when_cultivated_land_shows(west, sqm, touched):
    """Paddy overlapping the spot by 0.004 m² leaves GDMJ 0.00 and SFGD unset; by 0.006 m²,
    GDMJ 0.01 (the split's largest remainder gives it the cent) and SFGD set."""
    lu = land_use(
        [box(west, -100, 300, 0.1), box(-100, -100, west, 300), box(west, 0.1, 300, 300)],
        ["0101", "0702", "0702"],
    )
    f = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}).fields
    assert f[domain.CULTIVATED_AREA].tolist() == [sqm]
    assert f[domain.CULTIVATED_FLAG].tolist() == [touched]


def test_full_width_class_codes_are_the_survey_codes():
    """A Chinese input method types ０１０１ (full-width digits): it is paddy, cultivated land.
    A 120 m spot on it: GDMJ 14400.00 m², 21.60 亩, at referral scale with the (empty)
    basic-farmland layer given; nothing is left unclassed."""
    for typed in ("０１０１", "１０１", "　０１０１　"):
        lu = land_use([box(-10, -10, 130, 130)], [typed])
        layers = {domain.LAYER_LAND_USE: lu, domain.LAYER_BASIC_FARMLAND: nothing()}
        r = run([box(0, 0, 120, 120)], layers)
        assert r.fields[domain.CULTIVATED_AREA][0] == 14400.0, typed
        assert r.fields[domain.UNSURVEYED_AREA][0] == 0.0, typed
        assert r.fields[domain.CULTIVATED_AREA + domain.MU_SUFFIX][0] == 21.6
        assert r.fields[domain.CRIMINAL_FLAG][0] == 1, typed
        assert not [m for m in r.messages if "无法归类" in m], r.messages
    assert domain.class_code_texts(["１１０４Ａ", "２０３"]) == ["1104A", "203"]


def test_full_width_dates_are_dates():
    from datetime import date

    from zc_enforcement_plugin.core.dates import parse_date

    assert parse_date("２０３０-１２-３１") == date(2030, 12, 31)
    assert parse_date("２０３０年１２月３１日") == date(2030, 12, 31)
    assert parse_date("２０３０／１２／３１") == date(2030, 12, 31)


def land_of_unknown_class(cultivated_mu: float, unknown_mu: float) -> LayerInput:
    """Parcels from the foot of a strip() spot: cultivated land (0101), then land of a code
    the survey does not have (0104, counted in WDCMJ), then construction land (0702)."""
    top = (cultivated_mu + unknown_mu) * MU / 100.0
    return land_use(
        [strip(cultivated_mu), box(0, cultivated_mu * MU / 100.0, 100, top), box(0, top, 100, 1e4)],
        ["0101", "0104", "0702"],
    )


@pytest.mark.parametrize(
    ("spot_mu", "cultivated_mu", "unknown_mu", "flag"),
    [
        (15, 5, 4.99, False),  # 5 + 4.99 = 9.99 亩 < 10: cannot reach it
        (15, 5, 5, None),  # 5 + 5 = 10 亩 could: unknown
        (15, 0, 14.99, None),  # the reviewer's spot: 14.99 亩 of unknown class
        (15, 0, 9.99, False),
        (15, 10, 5, True),  # the known cultivated land reaches it
    ],
)
def test_land_of_unknown_class_may_be_cultivated_for_the_referral_test(
    spot_mu, cultivated_mu, unknown_mu, flag
):
    """Both referral layers given (no basic farmland in the spot): WDCMJ may be cultivated
    land, so SFXS is 1 when the known cultivated land reaches 10 亩, 0 only when it could not
    with all the unknown land added, NULL in between (DOMAIN §5, README SFXS)."""
    layers = {
        domain.LAYER_LAND_USE: land_of_unknown_class(cultivated_mu, unknown_mu),
        domain.LAYER_BASIC_FARMLAND: nothing(),
    }
    f = run([strip(spot_mu)], layers).fields
    assert f[domain.UNSURVEYED_AREA][0] == pytest.approx(unknown_mu * MU, abs=0.01)
    assert f[domain.CRIMINAL_FLAG][0] is flag or f[domain.CRIMINAL_FLAG][0] == flag
    assert (f[domain.CRIMINAL_FLAG][0] is None) is (flag is None)
    reason = f[domain.VERDICT_REASON][0]
    if flag is None:  # scale unknown: said, with why, whether or not known land is taken
        # every layer the test needs was given: the unknown land alone is why; said among
        # the land taken, or, with none taken, where the land of unknown class is said
        label, sqm = domain.UNSURVEYED_LABEL_ZH, f[domain.UNSURVEYED_AREA][0]
        among_taken = f"{label} {unknown_mu:.2f} 亩可能为耕地，无法判断是否达到刑事移送标准"
        with_the_land = (
            f"{label} {unknown_mu:.2f} 亩（{sqm:.2f} 平方米），可能为耕地；"
            "无法判断是否达到刑事移送标准"
        )
        if cultivated_mu > 0:
            assert among_taken in reason.split("；"), reason
        else:
            assert with_the_land in reason, reason


def test_a_land_use_layer_reaching_no_spot_leaves_the_referral_test_open():
    """The parcels lie elsewhere: the whole spot is of unknown class (WDCMJ = TBMJ). A 15 亩
    spot could hold 10 亩 of cultivated land: NULL; a 9.99 亩 one could not: 0."""
    layers = {
        domain.LAYER_LAND_USE: land_use([box(5000, 5000, 5100, 5100)], ["0101"]),
        domain.LAYER_BASIC_FARMLAND: nothing(),
    }
    f = run([strip(15), box(200, 0, 300, 9.99 * MU / 100.0)], layers).fields
    assert f[domain.UNSURVEYED_AREA].tolist() == f[domain.SPOT_AREA].tolist()
    assert f[domain.CRIMINAL_FLAG].tolist() == [None, False]


def test_land_of_unknown_class_inside_approvals_is_not_counted_for_the_referral_test():
    """A 15 亩 spot all of unknown class, 6 亩 of it approved: at most 9 亩 unapproved land
    could be cultivated, under 10 亩: 0, not NULL."""
    layers = {
        domain.LAYER_LAND_USE: land_of_unknown_class(0, 15),
        domain.LAYER_BASIC_FARMLAND: nothing(),
        domain.LAYER_APPROVALS: plain([strip(6)]),
    }
    f = run([strip(15)], layers).fields
    assert f[domain.CRIMINAL_FLAG].tolist() == [False]


def _cultivated_spot_under_one_approval(kind: str, ends, seen):
    """Screening of a 100 × 100 m spot of dry land (0103, 15 亩), every layer given, wholly
    under one approval of `kind` that ended on `ends`, the later image taken on `seen`."""
    lu = land_use([box(-100, -100, 300, 300)], ["0103"])
    ap = LayerInput(
        arr(box(-10, -10, 110, 110)),
        np.array(["临-7"], dtype=object),
        ends=np.array([ends], dtype=object),
        kinds=np.array([kind], dtype=object),
    )
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    return run([box(0, 0, 100, 100)], layers, spot_dates=[seen]).fields


def test_temporary_land_in_its_restoration_year_is_checked_not_suspected():
    """DOMAIN §5: temporary land is restored within 1 year after its term. A 临时用地 approval
    that ended 2024-01-01, seen 2024-03-01, is in its restoration year (to 2025-01-01): its
    15 亩 of dry land are not illegally occupied (SFXS 0), the approval still counts (PZMJ
    10,000 m², SFPZ, PZWH), and the spot is checked in the field for restoration, ranked 3."""
    import datetime as dt

    f = _cultivated_spot_under_one_approval("临时用地", dt.date(2024, 1, 1), dt.date(2024, 3, 1))
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK]
    assert f[domain.REVIEW_PRIORITY].tolist() == [3]
    assert f[domain.CRIMINAL_FLAG].tolist() == [False]
    assert f[domain.APPROVED_AREA].tolist() == [10000.0]
    assert f["SFPZ"].tolist() == [True] and f["PZWH"].tolist() == ["临-7"]
    reason = f[domain.VERDICT_REASON][0]
    assert "批准用地 临-7 已于 2024-01-01 到期，临时用地复垦期内，至 2025-01-01" in reason
    assert "核实临时用地是否按期复垦" in reason
    assert "占用耕地" not in reason and "达到刑事移送标准" not in reason, reason


@pytest.mark.parametrize(
    ("seen", "verdict", "flag"),
    [
        ("2025-01-01", domain.SUGGEST_FIELD_CHECK, False),  # the restoration year's last day
        ("2025-01-02", domain.SUGGEST_ILLEGAL, True),  # the day after: occupied, 15 亩
    ],
)
def test_temporary_land_after_its_restoration_year_is_occupied_land(seen, verdict, flag):
    """The restoration year of an approval that ended 2024-01-01 ends 2025-01-01, that day
    included (as the temporary-land audit counts it); from the next day the approval no
    longer covers the land, and 15 亩 of cultivated land are at referral scale."""
    import datetime as dt

    day = dt.date.fromisoformat(seen)
    f = _cultivated_spot_under_one_approval("临时用地", dt.date(2024, 1, 1), day)
    assert f[domain.SUGGESTED_VERDICT].tolist() == [verdict]
    assert f[domain.CRIMINAL_FLAG].tolist() == [flag]
    if flag:
        assert f[domain.APPROVED_AREA].tolist() == [0.0]
        assert "复垦期限 2025-01-01 已过" in f[domain.VERDICT_REASON][0]


def test_an_ended_approval_of_another_kind_has_no_restoration_year():
    """A 农转用 approval that ended before the image is left out at once: the 15 亩 of dry
    land under it are occupied and at referral scale."""
    import datetime as dt

    f = _cultivated_spot_under_one_approval("农转用", dt.date(2024, 1, 1), dt.date(2024, 3, 1))
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_ILLEGAL]
    assert f[domain.CRIMINAL_FLAG].tolist() == [True]
    assert f[domain.REVIEW_PRIORITY].tolist() == [1]
    assert "复垦" not in f[domain.VERDICT_REASON][0]


def test_a_kind_naming_temporary_land_is_temporary_land():
    assert domain.is_temporary_land("临时用地")
    assert domain.is_temporary_land(" 临时用地（重大基础设施） ")
    assert domain.is_temporary_land("临时 用地")
    assert not domain.is_temporary_land("农转用")
    assert not domain.is_temporary_land(None)


# --- the verdict's edges a second mutation review found untested -------------------------------
def test_without_the_three_zones_layer_a_clean_construction_spot_is_not_of_no_concern():
    """Three zones two lines is one of the four layers a spot must be screened against before
    it is 未涉及保护图层: without it, a construction-land spot is checked and not ranked."""
    layers = {key: nothing() for key in domain.PROTECTION_LAYERS}
    del layers[domain.LAYER_THREE_ZONES]
    layers[domain.LAYER_LAND_USE] = land_use([box(-100, -100, 300, 300)], ["0702"])
    f = run([box(0, 0, 100, 100)], layers).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK]
    assert "未提供三区两线图层" in f[domain.VERDICT_REASON][0]
    assert f[domain.REVIEW_PRIORITY].tolist() == [None]


def test_every_protection_layer_but_no_land_use_leaves_a_spot_unranked():
    """Nothing found in the four protection layers, but without the land use cultivated land
    cannot be ruled out: a field check, not ranked 4."""
    f = run([box(0, 0, 100, 100)], every_protection_layer()).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK]
    assert f[domain.REVIEW_PRIORITY].tolist() == [None]


@pytest.mark.parametrize("nothing", [None, shapely.Polygon()], ids=["null", "empty"])
def test_a_spot_without_geometry_is_neither_ranked_nor_judged_below_referral_scale(nothing):
    """Every layer given, a spot on construction land beside one with no geometry (NULL, or
    an empty polygon): the one checked is ranked 4 and below referral scale; the other was
    checked against nothing, so YXJ and SFXS are NULL (README: 'where it cannot be told'),
    not 4 ('nothing ranks it higher') and 0 ('not criminal')."""
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu})
    f = run([box(0, 0, 100, 100), nothing], layers).fields
    assert f[domain.REVIEW_PRIORITY].tolist() == [4, None]
    assert f[domain.CRIMINAL_FLAG].tolist() == [0, None]
    assert f[domain.SUGGESTED_VERDICT].tolist() == [
        domain.SUGGEST_NO_CONCERN,
        domain.SUGGEST_FIELD_CHECK,
    ]


def test_a_spot_on_unused_land_asks_for_a_field_check():
    """Bare land (1206, unused) of 10,000 m² = 15.00 亩: not 未涉及保护图层, and said."""
    lu = land_use([box(-100, -100, 300, 300)], ["1206"])
    f = run([box(0, 0, 100, 100)], every_protection_layer(**{domain.LAYER_LAND_USE: lu})).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK]
    assert "占用未利用地 15.00 亩" in f[domain.VERDICT_REASON][0]


@pytest.mark.parametrize(
    "layer",
    [domain.LAYER_BASIC_FARMLAND, domain.LAYER_NO_MINING, domain.LAYER_THREE_ZONES],
)
def test_a_2_sqm_sliver_of_farmland_no_mining_zone_or_view_area_does_not_rank_a_spot(layer):
    """2 m² (1 m × 2 m, 0.003 亩, shown 0.00) of the layer on a construction-land spot, every
    layer given: flagged, but 未涉及保护图层 and ranked 4, as a red-line sliver is."""
    lu = land_use([box(-100, -100, 300, 300)], ["0702"])
    layers = every_protection_layer(
        **{domain.LAYER_LAND_USE: lu, layer: plain([box(99, 0, 200, 2)])}
    )
    f = run([box(0, 0, 100, 100)], layers).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_NO_CONCERN]
    assert f[domain.REVIEW_PRIORITY].tolist() == [4]
    assert "边界碎片不计" in f[domain.VERDICT_REASON][0]


def test_a_mostly_approved_spot_with_unapproved_cultivated_land_points_to_it():
    """96 % approved, the 400 m² (0.60 亩) outside on cultivated land: the approval clause
    says the unapproved part is the one given above."""
    lu = land_use([box(-500, -500, 2000, 500)], ["0101"])
    ap = plain([box(0, 0, 96, 100)], ["批-1"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    reason = run([box(0, 0, 100, 100)], layers).fields[domain.VERDICT_REASON][0]
    assert "占用耕地 0.60 亩（未批部分）" in reason
    assert "批准用地覆盖 96.0%，未批部分见上" in reason


def test_the_cultivated_flag_is_gross_of_ridges():
    """Paddy with KCXS 1.0 (all ridges): GDMJ net is 0.00 and the 10,000 m² go to FGNYDMJ,
    but SFGD, like the referral test, counts the cultivated land gross."""
    lu = land_use([box(-100, -100, 200, 200)], ["0103"], kcxs=[1.0])
    f = run([box(0, 0, 100, 100)], {domain.LAYER_LAND_USE: lu}, deduct_ridges=True).fields
    assert f[domain.CULTIVATED_AREA].tolist() == [0.0]
    assert f[domain.AGRICULTURAL_AREA].tolist() == [10000.0]
    assert f[domain.CULTIVATED_FLAG].tolist() == [True]


def test_the_engine_measures_ellipsoidal_areas_by_default():
    """DOMAIN §4: official areas are ellipsoidal. A 100 m square 80 km east of 117°E is
    10,000.00 m² in the plane; screen_spots without an area method gives its ellipsoidal
    area (9,998.42 m², the scale factor there), not the planar one."""
    from zc_enforcement_plugin.core.areas import ellipsoidal_areas

    spot = arr(box(0, 0, 100, 100))
    f = screen_spots(spot, ["S"], {}, EPSG).fields
    expected = round(float(ellipsoidal_areas(spot, EPSG)[0]), 2)
    assert expected == 9998.42
    assert f[domain.SPOT_AREA].tolist() == [expected]


def test_a_flag_made_by_slivers_none_of_which_shows_names_the_layer_and_features():
    """Two slivers of 0.004 m² from one red line each show 0.00 m² and are not listed in
    STHXBH, but together make STHXMJ 0.01 and set SFSTHX: the log names the layer and both
    features, so the flag does not stand with no feature named anywhere; a message naming
    many lists a few and "…"."""
    red = plain([box(99.96, 0, 200, 0.1), box(-100, 50, 0.04, 50.1)], ["HX-1", "HX-2"])
    red.name = "STHX（red.gpkg）"
    red.feature_ids = np.array([3, 7])
    result = run([box(0, 0, 100, 100)], {domain.LAYER_RED_LINE: red})
    f = result.fields
    assert f[domain.RED_LINE_AREA].tolist() == [0.01] and f["SFSTHX"].tolist() == [True]
    assert f["STHXBH"].tolist() == [None]
    said = [m for m in result.messages if "SFSTHX" in m]
    assert len(said) == 1, result.messages
    assert said[0].startswith("图斑 S0：生态保护红线图层 STHX（red.gpkg）")
    assert "HX-1（fid 3）、HX-2（fid 7）" in said[0] and "合计 0.01 m²" in said[0]

    # Eight slivers along the east side (0.002 m² each) make basic farmland 0.02 m²: five
    # named, then "…"; a layer without a hits field is named the same way.
    slivers = [box(99.98, 10 * k, 200, 10 * k + 0.1) for k in range(8)]
    farmland = plain(slivers, [f"JB-{k}" for k in range(8)])
    farmland.feature_ids = np.arange(8)
    result = run([box(0, 0, 100, 100)], {domain.LAYER_BASIC_FARMLAND: farmland})
    assert result.fields["SFYJJBNT"].tolist() == [True]
    said = [m for m in result.messages if "SFYJJBNT" in m]
    assert len(said) == 1, result.messages
    assert "JB-0（fid 0）、" in said[0] and "JB-4（fid 4）…" in said[0]
    assert "JB-5" not in said[0]

    # A sliver beside a piece that shows: the hits field names the feature; no message.
    red = plain([box(99.96, 0, 200, 0.1), box(-100, 50, 1, 60)], ["HX-1", "HX-2"])
    result = run([box(0, 0, 100, 100)], {domain.LAYER_RED_LINE: red})
    assert result.fields["STHXBH"].tolist() == ["HX-2"]
    assert not [m for m in result.messages if "SFSTHX" in m]
