"""Tests of the synthetic demo district: layers, fields, clean coverage, broken spots, images."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import fiona
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.features import rasterize
from shapely.geometry import shape

from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core import demo_district as dd
from zc_enforcement_plugin.core.domain import (
    APPROVAL_AREA,
    APPROVAL_DATE,
    APPROVAL_END,
    APPROVAL_KIND,
    APPROVAL_NUMBER,
    APPROVAL_START,
    APPROVED_USE,
    BASIC_FARMLAND_NUMBER,
    CRIMINAL_BASIC_FARMLAND_MU,
    CRIMINAL_CULTIVATED_MU,
    CULTIVATED_CODES,
    DEMO_LAYER_APPROVALS,
    DEMO_LAYER_BASIC_FARMLAND,
    DEMO_LAYER_DISTRICT,
    DEMO_LAYER_FACILITY_LAND,
    DEMO_LAYER_GROUND,
    DEMO_LAYER_LAND_USE,
    DEMO_LAYER_MINING_LICENCES,
    DEMO_LAYER_NO_MINING,
    DEMO_LAYER_RED_LINE,
    DEMO_LAYER_SPOTS,
    DEMO_LAYER_TEMPORARY_LAND,
    DEMO_LAYER_THREE_ZONES,
    DEMO_LAYER_THREE_ZONES_LINES,
    DEMO_LAYER_THREE_ZONES_ZONES,
    DEMO_LAYER_TOWNS,
    DISTRICT_NAME,
    EPSG_GK3_ZONE39_PREFIXED,
    GROUND_FEATURE_ID,
    GROUND_USE,
    LAND_CLASS_CODE,
    LAND_CLASS_NAME,
    MINE_NAME,
    NO_MINING_NAME,
    OFFICE_NAME,
    PARCEL_ID,
    RED_LINE_CODE,
    RED_LINE_NAME,
    RIDGE_COEFFICIENT,
    SPOT_COUNTY_CODE,
    SPOT_EARLIER_DATE,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_TYPE,
    SQM_PER_MU,
    THREE_ZONES_KIND,
    THREE_ZONES_NAME,
    THREE_ZONES_SOURCE_NAME,
    TOWN_CODE,
    TOWN_NAME,
    VILLAGE_CODE,
    ZICHUAN_COUNTY_CODE,
)

SMALL = dd.DemoSize(parcels=1500, spots=60)

PROMISED_FIELDS = {
    DEMO_LAYER_DISTRICT: {SPOT_COUNTY_CODE, DISTRICT_NAME},
    DEMO_LAYER_TOWNS: {TOWN_CODE, TOWN_NAME, OFFICE_NAME},
    DEMO_LAYER_LAND_USE: {
        PARCEL_ID,
        LAND_CLASS_CODE,
        LAND_CLASS_NAME,
        RIDGE_COEFFICIENT,
        VILLAGE_CODE,
    },
    DEMO_LAYER_BASIC_FARMLAND: {BASIC_FARMLAND_NUMBER},
    DEMO_LAYER_RED_LINE: {RED_LINE_NAME, RED_LINE_CODE},
    DEMO_LAYER_NO_MINING: {NO_MINING_NAME},
    DEMO_LAYER_THREE_ZONES_LINES: {THREE_ZONES_KIND, THREE_ZONES_SOURCE_NAME},
    DEMO_LAYER_THREE_ZONES_ZONES: {THREE_ZONES_KIND, THREE_ZONES_SOURCE_NAME},
    DEMO_LAYER_THREE_ZONES: {THREE_ZONES_NAME},
    DEMO_LAYER_APPROVALS: {
        APPROVAL_NUMBER,
        APPROVAL_KIND,
        APPROVAL_DATE,
        APPROVAL_AREA,
        APPROVED_USE,
        APPROVAL_START,
        APPROVAL_END,
    },
    DEMO_LAYER_SPOTS: {
        SPOT_NUMBER,
        SPOT_COUNTY_CODE,
        SPOT_TYPE,
        SPOT_EARLIER_DATE,
        SPOT_LATER_DATE,
        SPOT_MONITORED_AREA,
    },
    DEMO_LAYER_MINING_LICENCES: {
        cs.LICENCE_NUMBER,
        MINE_NAME,
        cs.LICENCE_VALID_FROM,
        cs.LICENCE_VALID_TO,
    },
    DEMO_LAYER_TEMPORARY_LAND: {
        APPROVAL_NUMBER,
        APPROVAL_AREA,
        APPROVED_USE,
        APPROVAL_START,
        APPROVAL_END,
        cs.APPROVAL_LEVEL,
    },
    DEMO_LAYER_FACILITY_LAND: {APPROVAL_NUMBER, APPROVAL_AREA, APPROVED_USE, cs.APPROVAL_LEVEL},
    DEMO_LAYER_GROUND: {GROUND_FEATURE_ID, GROUND_USE},
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _read(gpkg: Path, layer: str) -> tuple[list, list[dict]]:
    """(shapely geometries or None, properties) of a layer."""
    with fiona.open(gpkg, layer=layer) as src:
        feats = list(src)
    geoms = [shape(f.geometry) if f.geometry is not None else None for f in feats]
    return geoms, [dict(f.properties) for f in feats]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dd.DemoDistrict:
    return dd.create_demo_district(tmp_path_factory.mktemp("demo"), dd.DEMO)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dd.DemoDistrict:
    return dd.create_demo_district(tmp_path_factory.mktemp("small_a"), SMALL)


@pytest.fixture(scope="module")
def spots(demo) -> dict[str, list]:
    geoms, props = _read(demo.gpkg, DEMO_LAYER_SPOTS)
    return {"geoms": geoms, "props": props, "numbers": [p[SPOT_NUMBER] for p in props]}


def test_same_seed_gives_identical_bytes(small, tmp_path):
    # A stale file in the way must be replaced, not appended to.
    (tmp_path / dd.GPKG_NAME).write_bytes(b"stale")
    again = dd.create_demo_district(tmp_path, SMALL)
    for a, b in (
        (small.gpkg, again.gpkg),
        (small.before_image, again.before_image),
        (small.after_image, again.after_image),
        (small.change_raster, again.change_raster),
    ):
        assert a != b
        assert _sha256(a) == _sha256(b), f"{a.name} differs between two runs"
    assert again.broken_spots == small.broken_spots
    assert again.campaign_cases == small.campaign_cases


def test_other_seed_gives_other_district(small, tmp_path):
    other = dd.create_demo_district(tmp_path, SMALL, seed=1, with_images=False)
    assert _sha256(other.gpkg) != _sha256(small.gpkg)
    assert other.before_image is None and other.after_image is None
    assert other.change_raster is None and not (tmp_path / dd.CHANGE_IMAGE_NAME).exists()
    assert not (tmp_path / dd.BEFORE_IMAGE_NAME).exists()


def test_layers_fields_and_crs(demo):
    assert set(fiona.listlayers(demo.gpkg)) == set(PROMISED_FIELDS)
    for layer, fields in PROMISED_FIELDS.items():
        with fiona.open(demo.gpkg, layer=layer) as src:
            assert src.crs.to_epsg() == EPSG_GK3_ZONE39_PREFIXED, layer
            assert fields <= set(src.schema["properties"]), layer
            assert len(src) == demo.layers[layer] > 0, layer
            if layer != DEMO_LAYER_SPOTS:  # one spot lies outside on purpose
                minx, miny, maxx, maxy = src.bounds
                assert 39_500_000 < minx < maxx < 39_700_000, layer
                assert 4_020_000 < miny < maxy < 4_080_000, layer


def test_district_and_towns(demo):
    (district,), (props,) = _read(demo.gpkg, DEMO_LAYER_DISTRICT)
    assert district.is_valid
    assert props[SPOT_COUNTY_CODE] == ZICHUAN_COUNTY_CODE
    assert 900e6 < district.area < 1020e6
    minx, miny, maxx, maxy = district.bounds
    assert maxy - miny > 1.4 * (maxx - minx)  # elongated north-south
    towns, tprops = _read(demo.gpkg, DEMO_LAYER_TOWNS)
    assert 8 <= len(towns) <= 12
    assert all(g.is_valid for g in towns)
    assert sum(g.area for g in towns) == pytest.approx(district.area, rel=1e-6)
    assert shapely.union_all(towns).symmetric_difference(district).area < 1e-6 * district.area
    codes = [p[TOWN_CODE] for p in tprops]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 9 and c.startswith(ZICHUAN_COUNTY_CODE) for c in codes)
    offices = Counter(p[OFFICE_NAME] for p in tprops)
    assert max(offices.values()) <= 2 and all(o.endswith("自然资源所") for o in offices)
    assert any(p[TOWN_NAME].endswith("街道") for p in tprops)


def test_land_use_is_a_clean_partition_of_the_district(demo):
    parcels, props = _read(demo.gpkg, DEMO_LAYER_LAND_USE)
    (district,), _ = _read(demo.gpkg, DEMO_LAYER_DISTRICT)
    geoms = np.array(parcels)
    assert shapely.is_valid(geoms).all()
    total = shapely.area(geoms).sum()
    union = shapely.union_all(geoms)
    assert total == pytest.approx(union.area, rel=1e-6)  # no overlaps
    assert union.area == pytest.approx(district.area, rel=1e-6)  # no gaps
    assert union.symmetric_difference(district).area < 1e-6 * district.area
    assert 0.8 * dd.DEMO.parcels < len(parcels) < 1.25 * dd.DEMO.parcels
    ids = [p[PARCEL_ID] for p in props]
    assert len(set(ids)) == len(ids)


def test_land_use_attributes_are_plausible(demo):
    parcels, props = _read(demo.gpkg, DEMO_LAYER_LAND_USE)
    _, tprops = _read(demo.gpkg, DEMO_LAYER_TOWNS)
    town_codes = {p[TOWN_CODE] for p in tprops}
    area = Counter()
    for g, p in zip(parcels, props):
        code = p[LAND_CLASS_CODE]
        assert p[LAND_CLASS_NAME] == dd.LAND_CLASSES[code][0]
        if code in CULTIVATED_CODES:
            assert 0.0 <= p[RIDGE_COEFFICIENT] <= 0.15
        else:
            assert p[RIDGE_COEFFICIENT] == 0.0
        assert len(p[VILLAGE_CODE]) == 12 and p[VILLAGE_CODE][:9] in town_codes
        area[code] += g.area
    total = sum(area.values())
    share = {c: a / total for c, a in area.items()}
    cultivated = sum(share.get(c, 0.0) for c in CULTIVATED_CODES)
    assert 0.28 < cultivated < 0.42
    assert share["0103"] > share["0102"] > share.get("0101", 0.0)
    construction = sum(v for c, v in share.items() if "05" <= c < "11")
    assert 0.10 < construction < 0.30
    woodland = sum(v for c, v in share.items() if c.startswith("03"))
    assert woodland > 0.1


def test_construction_clusters(demo):
    # Spatial autocorrelation: a construction parcel's neighbours are construction far more
    # often than the overall share would give by chance.
    parcels, props = _read(demo.gpkg, DEMO_LAYER_LAND_USE)
    geoms = np.array(parcels)
    built = np.array(["05" <= p[LAND_CLASS_CODE] < "11" for p in props])
    a, b = shapely.STRtree(geoms).query(geoms, predicate="touches")
    same = built[b][built[a]].mean()
    assert same > 2 * built.mean()


def test_protection_layers(demo):
    farmland, fprops = _read(demo.gpkg, DEMO_LAYER_BASIC_FARMLAND)
    geoms = np.array(farmland)
    assert shapely.is_valid(geoms).all()
    a, b = shapely.STRtree(geoms).query(geoms, predicate="overlaps")
    pairs = {(min(i, j), max(i, j)) for i, j in zip(a, b) if i != j}
    overlap = [shapely.intersection(geoms[i], geoms[j]).area for i, j in pairs]
    assert len(pairs) >= 1 and max(overlap) > 100.0
    numbers = [p[BASIC_FARMLAND_NUMBER] for p in fprops]
    assert len(set(numbers)) == len(numbers)
    for layer in (DEMO_LAYER_RED_LINE, DEMO_LAYER_NO_MINING, DEMO_LAYER_THREE_ZONES):
        g, _ = _read(demo.gpkg, layer)
        assert g and all(x.is_valid and x.area > 1e5 for x in g), layer
    red, _ = _read(demo.gpkg, DEMO_LAYER_RED_LINE)
    (district,), _ = _read(demo.gpkg, DEMO_LAYER_DISTRICT)
    cy = district.centroid.y
    assert sum(g.area for g in red if g.centroid.y < cy) > 0.5 * sum(g.area for g in red)
    _, lprops = _read(demo.gpkg, DEMO_LAYER_THREE_ZONES_LINES)
    assert {"铁路", "高速公路", "河流"} <= {p[THREE_ZONES_KIND] for p in lprops}
    _, zprops = _read(demo.gpkg, DEMO_LAYER_THREE_ZONES_ZONES)
    assert {"自然保护区", "风景名胜区", "城镇"} <= {p[THREE_ZONES_KIND] for p in zprops}


def test_view_areas_use_the_module_distances(demo):
    lines, lprops = _read(demo.gpkg, DEMO_LAYER_THREE_ZONES_LINES)
    views, vprops = _read(demo.gpkg, DEMO_LAYER_THREE_ZONES)
    by_name = dict(zip((p[THREE_ZONES_NAME] for p in vprops), views))
    distance = {
        "铁路": dd.VIEW_DISTANCE_RAILWAY_M,
        "高速公路": dd.VIEW_DISTANCE_HIGHWAY_M,
        "河流": dd.VIEW_DISTANCE_RIVER_M,
    }
    for g, p in zip(lines, lprops):
        view = by_name[p[THREE_ZONES_SOURCE_NAME]]
        d = distance[p[THREE_ZONES_KIND]]
        # Points at 0.9 d from the line are in the view area, at 1.1 d they are not.
        probe = g.interpolate(0.5, normalized=True)
        assert view.contains(
            probe.buffer(0.9 * d).intersection(view.buffer(-1)).representative_point()
        )
        far = shapely.Point(probe.x + 1.1 * d, probe.y)
        if g.distance(far) > 1.05 * d:
            assert not view.contains(far)


def test_broken_spots_are_broken_as_promised(demo, spots):
    broken = demo.broken_spots
    by_number: dict[str, list[int]] = {}
    for i, n in enumerate(spots["numbers"]):
        by_number.setdefault(n, []).append(i)
    assert 3 <= len(broken["invalid"]) <= 5
    for number in broken["invalid"]:
        (i,) = by_number[number]
        g = spots["geoms"][i]
        assert not g.is_valid
        assert broken["invalid_reason"][number] in shapely.is_valid_reason(g)
    reasons = {shapely.is_valid_reason(spots["geoms"][by_number[n][0]]) for n in broken["invalid"]}
    assert any("Self-intersection" in r for r in reasons)
    assert any("Ring Self-intersection" in r for r in reasons)
    assert any("Hole lies outside shell" in r for r in reasons)
    counts = Counter(spots["numbers"])
    assert counts[broken["duplicate"]] == 2
    assert [n for n, c in counts.items() if c > 1] == [broken["duplicate"]]
    i, j = by_number[broken["duplicate"]]
    assert not spots["geoms"][i].equals(spots["geoms"][j])
    (district,), _ = _read(demo.gpkg, DEMO_LAYER_DISTRICT)
    (i,) = by_number[broken["outside"]]
    assert spots["geoms"][i].is_valid and not spots["geoms"][i].intersects(district)
    (i,) = by_number[broken["empty"]]
    assert spots["geoms"][i] is None or spots["geoms"][i].is_empty
    special = set(broken["invalid"]) | {broken["outside"], broken["empty"]}
    others = [g for g, n in zip(spots["geoms"], spots["numbers"]) if n not in special]
    assert all(g is not None and g.is_valid and not g.is_empty for g in others)
    assert all(district.contains(g) for g in others)


def test_spot_attributes(demo, spots):
    assert len(spots["props"]) == dd.DEMO.spots
    for g, p in zip(spots["geoms"], spots["props"]):
        assert p[SPOT_NUMBER].startswith(ZICHUAN_COUNTY_CODE + "2026") and len(p[SPOT_NUMBER]) == 14
        assert p[SPOT_COUNTY_CODE] == ZICHUAN_COUNTY_CODE
        assert p[SPOT_TYPE] in dd.SPOT_TYPES
        assert p[SPOT_EARLIER_DATE] < p[SPOT_LATER_DATE]
        if g is not None and g.is_valid and not g.is_empty:
            assert p[SPOT_MONITORED_AREA] == round(g.area, 2)
    ok = [g for g in spots["geoms"] if g is not None and g.is_valid and not g.is_empty]
    mu = np.array([g.area for g in ok]) / SQM_PER_MU
    assert np.mean((mu >= 0.5) & (mu <= 40.0)) > 0.9
    tree = shapely.STRtree(ok)
    a, b = tree.query(ok, predicate="intersects")
    assert (a == b).all()  # spots of one batch do not overlap


def test_criminal_sized_spots_exist(demo, spots):
    parcels, props = _read(demo.gpkg, DEMO_LAYER_LAND_USE)
    farmland, _ = _read(demo.gpkg, DEMO_LAYER_BASIC_FARMLAND)
    cultivated = shapely.union_all(
        [g for g, p in zip(parcels, props) if p[LAND_CLASS_CODE] in CULTIVATED_CODES]
    )
    basic = shapely.union_all(farmland)
    ok = [g for g in spots["geoms"] if g is not None and g.is_valid and not g.is_empty]
    cult_mu = np.array([g.intersection(cultivated).area for g in ok]) / SQM_PER_MU
    basic_mu = np.array([g.intersection(basic).area for g in ok]) / SQM_PER_MU
    assert (cult_mu >= CRIMINAL_CULTIVATED_MU).sum() >= 1
    assert (basic_mu >= CRIMINAL_BASIC_FARMLAND_MU).sum() >= 1
    listed = demo.criminal_spots["basic_farmland"] + demo.criminal_spots["cultivated"]
    assert listed and set(listed) <= set(spots["numbers"])


def test_approvals_cover_some_spots_fully_and_some_partly(demo, spots):
    approvals, aprops = _read(demo.gpkg, DEMO_LAYER_APPROVALS)
    assert all(g.is_valid for g in approvals)
    kinds = {p[APPROVAL_KIND] for p in aprops}
    assert {"农转用", "临时用地"} <= kinds
    for p in aprops:
        assert "〔" in p[APPROVAL_NUMBER] and p[APPROVAL_NUMBER].endswith("号")
        if p[APPROVAL_KIND] in ("临时用地", "设施农用地"):
            assert p[APPROVAL_START] < p[APPROVAL_END]
    union = shapely.union_all(approvals)
    ok = [g for g in spots["geoms"] if g is not None and g.is_valid and not g.is_empty]
    share = np.array([g.intersection(union).area / g.area for g in ok])
    assert (share > 0.999).sum() >= 5
    assert ((share > 0.1) & (share < 0.9)).sum() >= 3
    assert (share == 0).sum() > len(ok) / 2


def test_images(demo, spots):
    with rasterio.open(demo.before_image) as b, rasterio.open(demo.after_image) as a:
        assert b.count == a.count == 3
        assert b.crs.to_epsg() == a.crs.to_epsg() == EPSG_GK3_ZONE39_PREFIXED
        assert b.transform == a.transform and b.shape == a.shape
        assert b.res == (2.0, 2.0) and b.width * b.res[0] == 4000.0
        assert b.profile["tiled"] and b.profile["compress"] == "deflate"
        before = b.read().astype(float)
        after = a.read().astype(float)
        transform, shape_ = b.transform, b.shape
    window = shapely.box(*demo.image_bounds)
    inside = [g for g in spots["geoms"] if g is not None and g.is_valid and window.contains(g)]
    assert len(inside) >= 24
    mask = rasterize(inside, out_shape=shape_, transform=transform, fill=0, default_value=1) > 0
    diff = np.abs(after - before).mean(axis=0)
    assert diff[mask].mean() > 5 * diff[~mask].mean()
    assert diff[mask].mean() > 20.0
    assert before.std() > 10.0  # a landscape, not a flat colour


def test_progress_and_cancel(tmp_path):
    seen: list[float] = []
    dd.create_demo_district(tmp_path / "ok", SMALL, with_images=False, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    calls = {"n": 0}

    def cancel_later() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(dd.DemoCancelled):
        dd.create_demo_district(tmp_path / "stop", SMALL, is_cancelled=cancel_later)
    assert not (tmp_path / "stop" / dd.GPKG_NAME).exists()


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError):
        dd.create_demo_district(tmp_path, dd.DemoSize(parcels=1000, spots=5))


def test_campaign_cases_are_planted(demo, spots):
    cases = demo.campaign_cases
    licences, lprops = _read(demo.gpkg, DEMO_LAYER_MINING_LICENCES)
    assert all(g.is_valid for g in licences)
    valid_to = {p[cs.LICENCE_NUMBER]: p[cs.LICENCE_VALID_TO] for p in lprops}
    check = dd.CAMPAIGN_CHECK_DATE.isoformat()
    assert valid_to[cases["mining"]["expired"]["licence"]] < check
    assert valid_to[cases["mining"]["valid"]["licence"]] > check
    types = dict(zip(spots["numbers"], (p[SPOT_TYPE] for p in spots["props"])))
    mining = cases["mining"]
    for case in ("valid", "out_of_bounds", "expired", "in_no_go"):
        assert types[mining[case]["spot"]] == dd.SPOT_TYPE_MINING
    assert mining["no_licence"] and mining["in_no_go"]["spot"] in mining["no_go_spots"]
    # Approvals and their ground: every violation kind of both audits appears once at least.
    temporary = {c for case in cases["temporary"].values() for c in case["codes"]}
    assert temporary == {k.code for k in cs.TEMPORARY_KINDS}
    facility = {c for case in cases["facility"].values() for c in case["codes"]}
    assert facility == {k.code for k in cs.FACILITY_KINDS}
    ground, gprops = _read(demo.gpkg, DEMO_LAYER_GROUND)
    ids = [p[GROUND_FEATURE_ID] for p in gprops]
    assert len(set(ids)) == len(ids)
    planted = [g for case in cases["temporary"].values() for g in case["ground"]]
    planted += [g for case in cases["facility"].values() for g in case["ground"]]
    assert sorted(planted) == sorted(ids)
    farmland, _ = _read(demo.gpkg, DEMO_LAYER_BASIC_FARMLAND)
    basic = shapely.union_all(farmland)
    on_basic = {"basic_farmland_level", "basic_farmland"}
    for kind, layer in (
        ("temporary", DEMO_LAYER_TEMPORARY_LAND),
        ("facility", DEMO_LAYER_FACILITY_LAND),
    ):
        geoms, props = _read(demo.gpkg, layer)
        by_number = dict(zip((p[APPROVAL_NUMBER] for p in props), geoms))
        for name, case in cases[kind].items():
            approval = by_number[case["number"]]
            assert approval.is_valid
            assert (approval.intersection(basic).area > 100.0) == (name in on_basic), name


def test_change_raster(demo, spots):
    with rasterio.open(demo.change_raster) as src, rasterio.open(demo.after_image) as after:
        assert src.count == 1 and src.dtypes[0] == "uint8"
        assert src.crs.to_epsg() == EPSG_GK3_ZONE39_PREFIXED
        assert src.transform == after.transform and src.shape == after.shape
        mask = src.read(1)
        transform, shape_ = src.transform, src.shape
    assert set(np.unique(mask).tolist()) == {0, 1}
    window = shapely.box(*demo.image_bounds)
    inside = [g for g in spots["geoms"] if g is not None and g.is_valid and g.intersects(window)]
    painted = rasterize(inside, out_shape=shape_, transform=transform, fill=0, default_value=1)
    # The spots, plus a few isolated specks of noise away from them.
    assert (mask[painted > 0] == 1).all()
    specks = int(((mask == 1) & (painted == 0)).sum())
    assert 20 <= specks <= 60


def test_dense_boundaries_still_tile_the_district(tmp_path):
    """With a vertex every 5 m (as digitised parcels have), neighbours still share their edges
    exactly: the parcels' areas add up to the area of their union."""
    size = dd.DemoSize(parcels=800, spots=40, vertex_spacing=5.0, campaigns=False)
    district = dd.create_demo_district(tmp_path, size, with_images=False)
    with fiona.open(district.gpkg, layer=dd.DEMO_LAYER_LAND_USE) as layer:
        parcels = np.array([shapely.geometry.shape(f.geometry) for f in layer], dtype=object)
    assert shapely.get_num_coordinates(parcels).mean() > 50
    assert shapely.is_valid(parcels).all()
    total = shapely.area(parcels).sum()
    assert total == pytest.approx(shapely.union_all(parcels).area, rel=1e-8)
    assert dd.DEMO_LAYER_MINING_LICENCES not in fiona.listlayers(district.gpkg)
