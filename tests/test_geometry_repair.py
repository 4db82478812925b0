"""Invalid polygons are repaired without losing land, checked against areas computed another way.

Found by review on bureau data: a red line delivered as a MultiPolygon of two overlapping discs
was "repaired" by GEOS's default make_valid (linework), which keeps only land covered an odd
number of times: a spot inside the overlap got STHXMJ 0.0 and no word in the log. A spot
delivered as two overlapping parts lost the overlapped land from TBMJ the same way."""

from __future__ import annotations

import numpy as np
import shapely
import shapely.affinity

from tests.core_geometries import EPSG, X0, Y0, arr, box
from tests.geodesy import geodesic_area
from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core import domain, ledger_delivery, towns
from zc_enforcement_plugin.core.screening import ELLIPSOIDAL, PLANAR, LayerInput, screen_spots


def at(*xy: tuple[float, float]) -> list[tuple[float, float]]:
    """Points in metres from the test origin."""
    return [(X0 + x, Y0 + y) for x, y in xy]


def disc(x: float, y: float, radius: float) -> shapely.Polygon:
    return shapely.Point(X0 + x, Y0 + y).buffer(radius, quad_segs=64)


def two_discs() -> tuple[shapely.MultiPolygon, shapely.Polygon, shapely.Polygon]:
    """The reviewer's red line: two 200 m discs whose centres are 150 m apart, as one feature."""
    west, east = disc(0, 0, 200), disc(150, 0, 200)
    return shapely.MultiPolygon([west, east]), west, east


def test_a_spot_inside_the_overlap_of_a_red_line_s_parts_lies_on_the_red_line():
    red, west, east = two_discs()
    assert not red.is_valid
    spot = box(55, -40, 95, 40)  # wholly inside both discs
    assert west.contains(spot) and east.contains(spot)
    layer = LayerInput(
        arr(red), np.array(["HX-1"], dtype=object), feature_ids=np.array([7]), name="STHX（o.gpkg）"
    )
    r = screen_spots(arr(spot), ["S"], {domain.LAYER_RED_LINE: layer}, EPSG, ELLIPSOIDAL)
    f = r.fields
    assert abs(f[domain.RED_LINE_AREA][0] - geodesic_area(spot)) < 0.01
    assert f[domain.RED_LINE_AREA][0] == f[domain.SPOT_AREA][0]
    assert bool(f["SFSTHX"][0]) is True
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_ILLEGAL
    # The repair is said in the log, naming the layer with its file and the feature, with the
    # area of the rings as delivered (both discs whole) and of their union.
    said = [m for m in r.messages if "HX-1（fid 7）" in m]
    assert len(said) == 1
    assert "生态保护红线图层 STHX（o.gpkg）" in said[0]
    assert f"{west.area + east.area:,.2f} m²" in said[0]
    assert f"{shapely.union(west, east).area:,.2f} m²" in said[0]


def test_a_spot_delivered_as_two_overlapping_parts_measures_their_union():
    _, west, east = two_discs()
    spot = shapely.MultiPolygon([west, east])
    land = LayerInput(
        arr(box(-300, -300, 400, 300)),
        np.array(["0101"], dtype=object),
        np.array(["0101"], dtype=object),
    )
    r = screen_spots(arr(spot), ["S"], {domain.LAYER_LAND_USE: land}, EPSG, ELLIPSOIDAL)
    union = shapely.union(west, east)
    assert abs(r.fields[domain.SPOT_AREA][0] - geodesic_area(union)) < 0.01
    assert r.fields[domain.CULTIVATED_AREA][0] == r.fields[domain.SPOT_AREA][0]
    # The written outline is the union, so QGIS's $area agrees with TBMJ.
    assert abs(shapely.area(r.repaired_geoms[0]) - union.area) < 1e-6


def test_a_ring_looping_over_itself_keeps_the_land_it_encloses_twice():
    """A 150 m square drawn as one ring that crosses itself: the 50 m square in the middle is
    enclosed twice. The land is the square less its 50 m south-east corner: 20,000 m²."""
    loop = shapely.Polygon(
        at((0, 0), (100, 0), (100, 100), (50, 100), (50, 50), (150, 50), (150, 150), (0, 150))
    )
    assert not loop.is_valid
    r = screen_spots(arr(loop), ["S"], {}, EPSG, PLANAR)
    assert r.fields[domain.SPOT_AREA][0] == 20000.0
    land = shapely.difference(box(0, 0, 150, 150), box(100, 0, 150, 50))
    e = screen_spots(arr(loop), ["S"], {}, EPSG, ELLIPSOIDAL)
    assert abs(e.fields[domain.SPOT_AREA][0] - geodesic_area(land)) < 0.01


def test_the_demo_s_broken_spots_measure_every_lobe():
    """Shapes of the demo district's invalid spots: a bow-tie (two 400 m² triangles), a ring
    touching itself at a point (two 400 m² triangles), a hole drawn outside its shell (1,600 +
    400 m²: the hole's land is the spot's, as delivered rings cover it) and a spike."""
    bow = shapely.Polygon(at((0, 0), (40, 40), (40, 0), (0, 40)))
    touching = shapely.Polygon(at((0, 0), (40, 0), (20, 20), (40, 40), (0, 40), (20, 20)))
    hole_out = shapely.Polygon(
        box(0, 0, 40, 40).exterior.coords, [box(60, 60, 80, 80).exterior.coords]
    )
    spike = shapely.Polygon(at((0, 0), (40, 0), (40, 20), (70, 20), (40, 20), (40, 40), (0, 40)))
    spots = [
        shapely.affinity.translate(g, 1000 * k)
        for k, g in enumerate([bow, touching, hole_out, spike])
    ]
    assert not any(shapely.is_valid(spots))
    r = screen_spots(arr(*spots), ["B", "T", "H", "S"], {}, EPSG, PLANAR)
    assert r.fields[domain.SPOT_AREA].tolist() == [800.0, 800.0, 2000.0, 1600.0]
    e = screen_spots(arr(*spots), ["B", "T", "H", "S"], {}, EPSG, ELLIPSOIDAL)
    lobes = [
        shapely.MultiPolygon(
            [
                shapely.Polygon(at((0, 0), (40, 0), (20, 20))),
                shapely.Polygon(at((0, 40), (40, 40), (20, 20))),
            ]
        ),
        shapely.MultiPolygon([box(0, 0, 40, 40), box(60, 60, 80, 80)]),
        box(0, 0, 40, 40),
    ]
    bow_lobes = shapely.MultiPolygon(
        [
            shapely.Polygon(at((0, 0), (0, 40), (20, 20))),
            shapely.Polygon(at((40, 0), (40, 40), (20, 20))),
        ]
    )
    expected = [bow_lobes, *lobes]
    for k, shape in enumerate(expected):
        shifted = shapely.affinity.translate(shape, 1000 * k)
        assert abs(e.fields[domain.SPOT_AREA][k] - geodesic_area(shifted)) < 0.01


def test_a_feature_whose_repair_keeps_its_area_is_not_warned_about():
    spike = shapely.Polygon(at((0, 0), (40, 0), (40, 20), (70, 20), (40, 20), (40, 40), (0, 40)))
    layer = LayerInput(arr(spike), np.array(["HX-2"], dtype=object), feature_ids=np.array([3]))
    r = screen_spots(arr(box(10, 10, 20, 20)), ["S"], {domain.LAYER_RED_LINE: layer}, EPSG, PLANAR)
    assert r.fields[domain.RED_LINE_AREA][0] == 100.0
    assert "HX-2" in r.fields[domain.GEOMETRY_NOTE][0]  # the note on the spot stays
    assert not [m for m in r.messages if "HX-2" in m]


def test_a_repaired_parcel_far_from_the_pieces_it_lost_is_still_warned_about():
    """A land-use parcel whose two parts overlap, near the spot but not hitting it where the
    parts overlap: warned about by layer, file and fid though no spot's note names it."""
    parcel = shapely.MultiPolygon([box(0, 0, 100, 100), box(50, 50, 150, 150)])
    land = LayerInput(
        arr(parcel),
        np.array(["0103"], dtype=object),
        np.array(["0103"], dtype=object),
        feature_ids=np.array([12]),
        name="DLTB（land.gpkg）",
    )
    spot = box(140, 0, 149, 9)  # in the parcels' bounding box, on no part of them
    r = screen_spots(arr(spot), ["S"], {domain.LAYER_LAND_USE: land}, EPSG, PLANAR)
    assert r.fields[domain.CULTIVATED_AREA][0] == 0.0
    assert r.fields[domain.GEOMETRY_NOTE][0] is None
    said = [m for m in r.messages if "fid 12" in m]
    assert len(said) == 1 and "地类图斑图层 DLTB（land.gpkg）" in said[0]
    assert "20,000.00 m²" in said[0] and "17,500.00 m²" in said[0]


def test_every_repair_keeps_the_land_overlapping_parts_cover():
    """One repair everywhere: campaign layers, the outline importspots stores, town assignment
    and screening agree on the land of a feature whose parts overlap."""
    parts = shapely.MultiPolygon([box(0, 0, 100, 100), box(50, 50, 150, 150)])
    union = 17_500.0  # two 100 m squares sharing a 50 m square
    messages: list[str] = []
    fixed = cs.repair(arr(parts), ["A"], "SPOTS", messages, keep_polygonal=True)
    assert shapely.area(fixed[0]) == union
    assert shapely.area(ledger_delivery.repair_outline(parts)) == union
    screened = screen_spots(arr(parts), ["A"], {}, EPSG, PLANAR)
    assert screened.fields[domain.SPOT_AREA][0] == union
    # A spot on the overlap belongs to the town whose invalid outline overlaps itself there.
    name, _ = towns.assign_towns(
        arr(box(60, 60, 90, 90)),
        arr(parts, box(60, 60, 90, 90).buffer(-10)),  # a second town inside, smaller share
        np.array(["北", "南"], dtype=object),
        np.array(["所一", "所二"], dtype=object),
    )
    assert name[0] == "北"


# --- overlapping land-use parcels -----------------------------------------------------------
def overlapping_parcels() -> LayerInput:
    """The reviewer's case: a parcel coded 0102 and a copy of it shifted 30 m east coded 0601."""
    return LayerInput(
        arr(box(0, 0, 100, 100), box(30, 0, 130, 100), box(130, 0, 230, 100)),
        np.array(["0102", "0601", "0103"], dtype=object),
        np.array(["0102", "0601", "0103"], dtype=object),
        feature_ids=np.array([4, 9, 11]),
        name="DLTB（land.gpkg）",
    )


def test_overlapping_parcels_are_named_with_their_layer_and_the_overlap_inside_the_spot():
    inside = box(40, 10, 90, 60)  # wholly in the overlap: all of it lies in two parcels
    across = box(-50, 0, 200, 50)  # the overlap inside it is 70 × 50 m
    r = screen_spots(
        arr(inside, across),
        ["IN", "ACROSS"],
        {domain.LAYER_LAND_USE: overlapping_parcels()},
        EPSG,
        ELLIPSOIDAL,
    )
    said = {
        key: [m for m in r.messages if m.startswith(f"图斑 {key}：") and "重叠" in m]
        for key in ("IN", "ACROSS")
    }
    assert len(said["IN"]) == len(said["ACROSS"]) == 1
    assert "地类图斑图层 DLTB（land.gpkg） 要素 fid 4、fid 9 相互重叠" in said["IN"][0]
    assert "fid 11" not in said["ACROSS"][0]  # it only touches the copy
    # No more overlap than the spot: the spot's own figure, measured another way.
    assert f"图斑内重叠 {r.fields[domain.SPOT_AREA][0]:,.2f} m²" in said["IN"][0]
    assert abs(r.fields[domain.SPOT_AREA][0] - geodesic_area(inside)) < 0.01
    overlap = geodesic_area(box(30, 0, 100, 50))
    assert f"图斑内重叠 {overlap:,.2f} m²" in said["ACROSS"][0]
    # Still classed by precedence, the overlap counted once.
    assert r.fields[domain.CULTIVATED_AREA][0] == r.fields[domain.SPOT_AREA][0]


def test_a_message_names_the_first_five_overlapping_parcels_then_an_ellipsis():
    copies = [box(0, 0, 100, 100)] * 7
    land = LayerInput(
        arr(*copies),
        np.array(["0103"] * 7, dtype=object),
        np.array(["0103"] * 7, dtype=object),
        feature_ids=np.arange(1, 8),
        name="DLTB（land.gpkg）",
    )
    r = screen_spots(arr(box(10, 10, 20, 20)), ["S"], {domain.LAYER_LAND_USE: land}, EPSG, PLANAR)
    said = [m for m in r.messages if "相互重叠" in m]
    assert len(said) == 1
    assert "要素 fid 1、fid 2、fid 3、fid 4、fid 5… 相互重叠（图斑内重叠 100.00 m²）" in said[0]


# --- pieces --------------------------------------------------------------------------------------
def test_no_piece_reads_0_00_square_metres():
    """Neighbours touching the spot along its edge, or overlapping it by float noise, are not
    hits: the pieces output holds only pieces whose area reads 0.01 m² or more (from 0.005 m²,
    the flags' rule); the land of a sliver still counts in the figures."""
    spot = box(0, 0, 100, 100)
    parcels = [
        box(0, 0, 100, 100),  # the spot's own parcel: 10,000 m²
        box(100, 0, 200, 100),  # touches along the east edge: no area
        box(-100, 99.99998, 100, 200),  # overlaps by 0.002 m²: reads 0.00
        box(-100, -100, 100, 0.0001),  # overlaps by 0.01 m²: reads 0.01
    ]
    land = LayerInput(
        arr(*parcels),
        np.array(["0103", "0601", "0601", "1003"], dtype=object),
        np.array(["0103", "0601", "0601", "1003"], dtype=object),
        feature_ids=np.array([1, 2, 3, 4]),
    )
    r = screen_spots(
        arr(spot), ["S"], {domain.LAYER_LAND_USE: land}, EPSG, PLANAR, want_pieces=True
    )
    assert sorted(r.pieces.feature_id.tolist()) == [1, 4]
    assert all(round(a, 2) >= 0.01 for a in r.pieces.area.tolist())
    assert r.fields[domain.SPOT_AREA][0] == 10000.0
