"""Official areas checked against independent computations (Simpson integration, pyproj.Geod)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from tests import paper
from zc_enforcement_plugin.core import areas, domain

X0, Y0 = 39_580_000.0, 4_050_000.0
GEOD = Geod(ellps="GRS80")  # same a and f as CGCS2000 to far below a mm²
TO_LL = Transformer.from_crs(4527, 4490, always_xy=True)
TO_GK = Transformer.from_crs(4490, 4527, always_xy=True)


def _geod_area(geom_gk: shapely.Geometry) -> float:
    """Geodesic area of a projected polygon (its vertices moved to lon/lat)."""
    ll = shapely.transform(geom_gk, lambda c: np.column_stack(TO_LL.transform(c[:, 0], c[:, 1])))
    return abs(GEOD.geometry_area_perimeter(ll)[0])


def _zone_area_simpson(lat1: float, lat2: float, dlon: float, steps: int = 2000) -> float:
    """ΔL·∫ M·N·cosB dB by Simpson's rule, from the ellipsoid's radii of curvature."""
    a = 6378137.0
    f = 1 / 298.257222101
    e2 = f * (2 - f)
    b = np.linspace(math.radians(lat1), math.radians(lat2), steps + 1)
    w = 1 - e2 * np.sin(b) ** 2
    integrand = (a * (1 - e2) / w**1.5) * (a / np.sqrt(w)) * np.cos(b)
    h = (b[-1] - b[0]) / steps
    odd, even = integrand[1:-1:2].sum(), integrand[2:-1:2].sum()
    simpson = h / 3 * (integrand[0] + integrand[-1] + 4 * odd + 2 * even)
    return math.radians(dlon) * simpson


@pytest.mark.parametrize(
    ("lon1", "lat1", "lon2", "lat2"),
    [(117.90, 36.50, 117.92, 36.52), (117.5, 36.0, 117.6, 36.1), (117.95, 36.60, 117.951, 36.601)],
)
def test_latlon_rectangle_matches_closed_zone_area(lon1, lat1, lon2, lat2):
    rect = shapely.segmentize(shapely.box(lon1, lat1, lon2, lat2), 2e-5)
    gk = shapely.transform(rect, lambda c: np.column_stack(TO_GK.transform(c[:, 0], c[:, 1])))
    got = areas.ellipsoidal_areas(np.array([gk]), 4527)[0]
    expected = _zone_area_simpson(lat1, lat2, lon2 - lon1)
    assert got == pytest.approx(expected, abs=0.01)


def _random_parcel(rng: np.random.Generator, size: float) -> shapely.Polygon:
    """An irregular star-shaped parcel around a random point of the test area."""
    cx, cy = X0 + rng.uniform(-5000, 5000), Y0 + rng.uniform(-5000, 5000)
    angles = (np.arange(9) + rng.uniform(0, 1, 9)) * 2 * np.pi / 9  # gaps < π: simple
    radii = rng.uniform(0.4, 1.0, 9) * size
    return shapely.Polygon(
        np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
    )


def test_parcels_match_geodesic_area():
    rng = np.random.default_rng(7)
    polys = [shapely.segmentize(_random_parcel(rng, s), 1.0) for s in rng.uniform(10, 300, 25)]
    got = areas.ellipsoidal_areas(np.array(polys, dtype=object), 4527)
    for g, a in zip(polys, got):
        assert a == pytest.approx(_geod_area(g), abs=0.01)
        # The ellipsoidal figure differs from the planar one (scale factor of zone 39).
        assert abs(a - g.area) > 0.0


def test_holes_multiparts_and_empties():
    outer = shapely.segmentize(shapely.box(X0, Y0, X0 + 200, Y0 + 150), 1.0)
    hole = shapely.segmentize(shapely.box(X0 + 50, Y0 + 50, X0 + 80, Y0 + 90), 1.0)
    holed = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    other = shapely.segmentize(shapely.box(X0 + 500, Y0, X0 + 560, Y0 + 70), 1.0)
    multi = shapely.MultiPolygon([holed, other])
    arr = np.array([holed, multi, None, shapely.Polygon(), shapely.LineString([(0, 0), (1, 1)])])
    got = areas.ellipsoidal_areas(arr, 4527)
    assert got[0] == pytest.approx(_geod_area(outer) - _geod_area(hole), abs=0.01)
    assert got[1] == pytest.approx(got[0] + _geod_area(other), abs=0.01)
    assert list(got[2:]) == [0.0, 0.0, 0.0]


def test_offset_local_frame_gives_same_area():
    g = shapely.segmentize(shapely.box(X0 + 12.3, Y0 + 45.6, X0 + 412.3, Y0 + 345.6), 5.0)
    origin = areas.local_origin(g.bounds)
    local = areas.to_local(np.array([g]), origin)
    assert areas.ellipsoidal_areas(local, 4527, origin)[0] == pytest.approx(
        areas.ellipsoidal_areas(np.array([g]), 4527)[0], abs=1e-6
    )
    back = areas.from_local(local, origin)[0]
    assert shapely.equals_exact(back, g, tolerance=1e-6)


def test_plain_zone_crs_gives_same_ellipsoidal_area():
    g = shapely.segmentize(shapely.box(X0, Y0, X0 + 100, Y0 + 100), 1.0)
    plain = shapely.transform(g, lambda c: c - [39_000_000.0, 0.0])
    a = areas.ellipsoidal_areas(np.array([g]), 4527)[0]
    b = areas.ellipsoidal_areas(np.array([plain]), "EPSG:4548")[0]
    assert a == pytest.approx(b, abs=1e-6)


def test_planar_area_precision_in_local_frame():
    x, y = 39_583_456.123, 4_051_234.567
    square = shapely.box(x, y, x + 10.0, y + 10.0)
    origin = areas.local_origin(square.bounds)
    assert origin == (39_583_000.0, 4_051_000.0)
    local = areas.to_local(np.array([square]), origin)
    assert float(areas.round_area(areas.planar_areas(local))[0]) == 100.00
    assert abs(areas.planar_areas(local)[0] - 100.0) < 1e-6


def test_split_rounding_always_adds_up():
    rng = np.random.default_rng(3)
    for _ in range(3000):
        k = int(rng.integers(1, 7))
        parts = rng.uniform(0, 5000, k) * (rng.random(k) < 0.8)
        parts[rng.random(k) < 0.2] = rng.integers(0, 100) / 100  # exact cents too
        total = float(parts.sum())
        got = areas.split_rounding(total, parts.tolist())
        cents = [round(v * 100) for v in got]
        assert sum(cents) == round(total * 100)
        assert all(c >= 0 for c in cents)
        assert all(abs(v - p) < 0.01 + 1e-9 for v, p in zip(got, parts))


def test_split_rounding_examples():
    assert areas.split_rounding(100.0, [33.333, 33.333, 33.334]) == [33.33, 33.33, 33.34]
    assert areas.split_rounding(0.01, [0.005, 0.005]) == [0.01, 0.0]
    assert areas.split_rounding(1.0, [0.0, 0.994, 0.006]) == [0.0, 0.99, 0.01]
    assert areas.split_rounding(12.34, [12.34, 0.0]) == [12.34, 0.0]


def test_mu_conversion():
    assert areas.shown_mu(666.67) == 1.0
    assert areas.shown_mu(10000.0) == 15.0
    assert abs(domain.SQM_PER_MU - 666.6667) < 1e-4


@pytest.mark.parametrize(
    ("sqm", "mu"),
    [
        (410.0, 0.62),  # 0.615 亩: floats (410 / 666.67, then round) give 0.61
        (290.0, 0.44),  # 0.435
        (1070.0, 1.61),  # 1.605: half up, not half to even (1.60)
        (3329.997, 5.0),  # shown as 3,330.00 m², which is 4.995 亩
        (3329.994, 4.99),  # shown as 3,329.99 m²
        (0.0, 0.0),
        (3.33, 0.0),  # 0.004995 亩
        (3.34, 0.01),
    ],
)
def test_shown_mu_of_the_figure_shown(sqm, mu):
    assert areas.shown_mu(sqm) == mu == paper.mu(sqm)
    assert isinstance(areas.shown_mu(sqm), float)


def test_shown_mu_against_decimal_arithmetic():
    """Every multiple of 10 m² (where the 亩 falls on half cents) and random figures in cents,
    scalar and array alike, against decimal arithmetic."""
    rng = np.random.default_rng(7)
    sqm = np.concatenate(
        [np.arange(0, 200_000, 10, dtype=float), np.round(rng.uniform(0, 2e6, 20_000), 2)]
    )
    got = areas.shown_mu(sqm)
    expected = np.array([paper.mu(v) for v in sqm.tolist()])
    assert np.array_equal(got, expected)
    assert [areas.shown_mu(v) for v in sqm[:500].tolist()] == expected[:500].tolist()


def test_round_area_half_up_as_written():
    values = [0.125, 410.005, 2.675, 1.005, 12.344999, -0.001, 0.0]
    assert areas.round_area(np.array(values)).tolist() == [float(paper.cents(v)) for v in values]
    assert str(float(areas.round_area(-0.001))) == "0.0"  # no "-0.00" in a report
    assert np.isnan(areas.round_area(np.nan))


def test_measuring_epsg_zone_choice():
    assert areas.measuring_epsg(4490, (117.9, 36.6)) == 4527  # zone 39, prefixed
    assert areas.measuring_epsg(4490, (117.9, 36.6), prefixed=False) == 4548
    assert areas.measuring_epsg("EPSG:4326", (120.1, 36.0)) == 4528  # zone 40
    assert areas.measuring_epsg(4527, None) == 4527
    assert areas.measuring_epsg(4548, None) == 4548
    assert areas.measuring_epsg(32650, (116.6, 36.0)) == 4527  # UTM is transformed into GK
    assert areas.gk3_zone_epsg(25) == 4513 and areas.gk3_zone_epsg(45, prefixed=False) == 4554


def test_a_longitude_on_the_line_between_two_zones_is_measured_in_the_eastern_one():
    """n = int((L + 1.5) / 3), by hand: 115.5° (38.5 × 3) is zone 39, as 118.5° is zone 40;
    rounding half to even put the first in zone 38."""
    assert areas.measuring_epsg(4490, (115.5, 36.0)) == 4527  # zone 39
    assert areas.measuring_epsg(4490, (118.5, 36.0)) == 4528  # zone 40
    assert areas.measuring_epsg(4490, (115.4999, 36.0)) == 4526  # zone 38
    assert areas.gk3_zones([115.5, 116.9, 118.4999, np.nan]).tolist()[:3] == [39, 39, 39]


def test_gk3_zone_is_the_inverse_of_gk3_zone_epsg():
    for zone in range(25, 46):
        for prefixed in (True, False):
            assert areas.gk3_zone(areas.gk3_zone_epsg(zone, prefixed)) == (zone, prefixed)
    with pytest.raises(ValueError, match="EPSG:4490"):
        areas.gk3_zone(4490)


def test_patrol_routes_are_checked_against_the_ledgers_zone():
    """core/patrols derives its plausible ranges from the ledger's CRS (zone 39 with prefix)."""
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core import patrols

    zone, prefixed = areas.gk3_zone(ls.LEDGER_SRS_ID)
    assert (zone, prefixed) == (39, True)
    assert patrols._X_RANGE_LEDGER == (39_000_000.0, 40_000_000.0)
    assert patrols._LON_RANGE_LEDGER == (114.5, 119.5)


def test_measuring_epsg_refuses_missing_crs_naming_layer():
    with pytest.raises(ValueError, match="DLTB"):
        areas.measuring_epsg(None, (117.9, 36.6), layer_name="DLTB")
    with pytest.raises(ValueError, match="spots"):
        areas.measuring_epsg(4490, (10.0, 50.0), layer_name="spots")


def test_long_straight_edges_are_measured_as_straight_in_the_projection():
    """A 4 km x 3 km rectangle: the independent figure is pyproj.Geod's area of its edges
    densified to 1 m in the projection. The trapezoid sum over the four corners alone is off by
    0.2 m² here (and by hundreds of m² on a long view-area boundary further from the meridian)."""
    import pyproj

    from zc_enforcement_plugin.core.areas import ellipsoidal_areas

    x0, y0 = 39_560_000.0, 4_040_000.0
    rectangle = shapely.box(x0, y0, x0 + 4000.0, y0 + 3000.0)
    dense = shapely.segmentize(rectangle, 1.0)
    lon, lat = pyproj.Transformer.from_crs(4527, 4490, always_xy=True).transform(
        *np.asarray(dense.exterior.coords).T
    )
    expected = abs(pyproj.Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)[0])
    assert ellipsoidal_areas(np.array([rectangle]), 4527)[0] == pytest.approx(expected, abs=0.01)


def _series_zone_area(lat1: np.ndarray, lat2: np.ndarray, dlon: np.ndarray) -> np.ndarray:
    """Area between two parallels over dlon by the series of the 2008 national rules for
    ellipsoidal trapezoids (国土调查办发〔2008〕32号), written here from that text."""
    a, f = 6378137.0, 1 / 298.257222101
    b = a * (1 - f)
    e2 = f * (2 - f)
    k_a = 1 + e2 / 2 + 3 * e2**2 / 8 + 5 * e2**3 / 16 + 35 * e2**4 / 128
    k_b = e2 / 6 + 3 * e2**2 / 16 + 3 * e2**3 / 16 + 35 * e2**4 / 192
    k_c = 3 * e2**2 / 80 + e2**3 / 16 + 5 * e2**4 / 64
    k_d = e2**3 / 112 + 5 * e2**4 / 256
    k_e = 5 * e2**4 / 2304
    d, m = lat2 - lat1, (lat1 + lat2) / 2
    return (
        2
        * b**2
        * dlon
        * (
            k_a * np.sin(d / 2) * np.cos(m)
            - k_b * np.sin(3 * d / 2) * np.cos(3 * m)
            + k_c * np.sin(5 * d / 2) * np.cos(5 * m)
            - k_d * np.sin(7 * d / 2) * np.cos(7 * m)
            + k_e * np.sin(9 * d / 2) * np.cos(9 * m)
        )
    )


def _strip_area(polygon: shapely.Polygon, step: float = 0.25) -> float:
    """The area as the rules define it, converged: the boundary cut into `step` pieces in the
    projection, each piece with the parallel through the first vertex bounding a narrow
    trapezoid, summed."""
    ring = np.asarray(shapely.segmentize(polygon.exterior, step).coords)
    lon, lat = (np.radians(v) for v in TO_LL.transform(ring[:, 0], ring[:, 1]))
    mid = (lat[1:] + lat[:-1]) / 2
    return abs(float(np.sum(_series_zone_area(np.full_like(mid, lat[0]), mid, np.diff(lon)))))


def test_spots_with_long_slanted_edges_are_right_to_the_cent():
    """Spot-sized polygons with slanted edges of 30-150 m, as drawn (not densified), against
    the rules' trapezoids over the boundary cut into 0.25 m pieces (converged to 1e-7 m²). The
    one-point trapezoid per edge, ΔL·F(Bm), was off by up to 0.006 m² on such spots, enough to
    change the cents of a legal figure. (pyproj.Geod is no judge at this level: its rounding
    grows with the number of vertices, to about 0.001 m² for these.)"""
    rng = np.random.default_rng(11)
    polys = [_random_parcel(rng, s) for s in rng.uniform(40, 150, 40)]
    got = areas.ellipsoidal_areas(np.array(polys, dtype=object), 4527)
    expected = np.array([_strip_area(p) for p in polys])
    assert np.max(np.abs(got - expected)) < 1e-5


def test_a_piece_nearly_touching_itself_is_measured_alone_or_among_others():
    """A valid piece a 100 m edge of which nearly touches another vertex (an overlay of
    overlapping parcels made it). Its long edges were split by shapely.segmentize, which in
    GEOS 3.11 cleans a polygon after densifying it and gave this one back as a MultiPolygon:
    measured alone the run stopped on a numpy cast error, among others it was 0 m². Against
    the rules' trapezoids over its ring cut into 0.25 m pieces (the ring, a line, is cut as
    drawn)."""
    x0, y0 = 39_580_000.0, 4_050_000.0
    local = shapely.from_wkt(
        "POLYGON ((304.18355805317395 239.54136660742384, 297.1279834128292 219.32350231868864, "
        "281.8930939704957 215.95946247517804, 278.5887222477827 236.38382539609864, "
        "255.3855074056829 233.52132970922537, 244.87745987376073 232.22499034667243, "
        "219.49741542706292 229.09394715909187, 249.24330519129927 189.11659041257982, "
        "249.27984725230363 186.52808969626304, 199.08642160531028 212.56114255852552, "
        "198.00900000333786 226.4429999999702, 304.18355805317395 239.54136660742384))"
    )
    assert local.is_valid
    piece = shapely.transform(local, lambda c: c + [x0, y0])
    square = shapely.box(x0, y0, x0 + 100.0, y0 + 100.0)
    ring = np.asarray(shapely.segmentize(piece.exterior, 0.25).coords)
    lon, lat = (np.radians(v) for v in TO_LL.transform(ring[:, 0], ring[:, 1]))
    mid = (lat[1:] + lat[:-1]) / 2
    expected = abs(float(np.sum(_series_zone_area(np.full_like(mid, lat[0]), mid, np.diff(lon)))))
    assert expected == pytest.approx(local.area, rel=1e-3)  # about 1,277 m²
    alone = areas.ellipsoidal_areas(np.array([piece], dtype=object), 4527)
    among = areas.ellipsoidal_areas(np.array([square, piece], dtype=object), 4527)
    assert abs(alone[0] - expected) < 1e-5 and abs(among[1] - expected) < 1e-5
    assert among[0] == pytest.approx(_strip_area(square), abs=1e-5)


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        ("EPSG:4527", 4527),
        ("EPSG:4548", 4548),
        # a zone written out, as a PROJ string or a GeoTIFF's own keys give it: no EPSG code
        ("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=39500000 +y_0=0 +ellps=GRS80 +units=m", 4527),
        ("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m", 4548),
        ("+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=40500000 +y_0=0 +ellps=GRS80 +units=m", 4528),
        ("EPSG:4509", None),  # a 6-degree zone
        ("+proj=tmerc +lat_0=0 +lon_0=117 +k=0.9996 +x_0=500000 +y_0=0 +ellps=GRS80", None),
        ("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=krass", None),
        ("EPSG:32650", None),
        ("EPSG:3857", None),
    ],
)
def test_a_cgcs2000_gk3_zone_is_known_by_its_parameters(definition, code):
    from pyproj import CRS

    assert areas.cgcs2000_gk3_code(CRS.from_user_input(definition)) == code


def test_the_referral_test_compares_each_figure_as_shown_in_mu():
    """One copy of DOMAIN §5's test for screening and cases: 3,333.33 m² is 4.999995 亩,
    shown 5.00, so at scale; 3,326.67 m² is 4.99 亩; 6,666.67 m² outside basic farmland is
    10.00 亩, at scale; 6,660.00 m² is 9.99 亩."""
    from zc_enforcement_plugin.core.areas import at_referral_scale

    farmland = np.array([3333.33, 3326.67, 0.0, 0.0])
    other = np.array([0.0, 0.0, 6666.67, 6660.0])
    assert at_referral_scale(farmland, other).tolist() == [True, False, True, False]
    assert bool(at_referral_scale(3333.33, 0.0)) and not at_referral_scale(0.0, 6660.0)


def test_a_100_km_straight_edge_far_from_the_meridian_is_measured_as_drawn():
    """A 2 km × 100 km strip 100 km east of 117°E drawn with four corners (a red line's or a
    view area's outline): its long edges are split before the ellipsoidal sum, so the area
    matches the rules' trapezoids over the edges cut into 10 m pieces within 0.005 m²
    (summed over the raw corners it is 0.07 m² off)."""
    strip = shapely.box(39_600_000.0, 4_040_000.0, 39_602_000.0, 4_140_000.0)
    got = areas.ellipsoidal_areas(np.array([strip], dtype=object), 4527)[0]
    assert abs(got - _strip_area(strip, step=10.0)) < 0.005


def _near_every_boundary() -> list[float]:
    """m² figures at and a float's width either side of every place shown_mu rounds: each half
    cent of m² (410.005), each m² figure whose 亩 falls on a half cent (3330.00 m² = 4.995 亩),
    the referral thresholds (5 and 10 亩) and their neighbours, across magnitudes and signs."""
    values: list[float] = [0.0, -0.0, 1e-9, -1e-9, 0.004, 0.005, 0.0049999, 1e15, 2.0**53]
    for cents in range(0, 100_000, 7):
        for base in (cents / 100 + 0.005, cents * 10000 / 15 / 100):
            values += [base, math.nextafter(base, 0.0), math.nextafter(base, math.inf)]
    for mu in (4.995, 4.994999, 5.0, 9.995, 10.0, 0.615, 1234.565):
        sqm = mu * 10000 / 15
        values += [sqm, math.nextafter(sqm, 0.0), math.nextafter(sqm, math.inf), round(sqm, 2)]
    rng = np.random.default_rng(4995)
    values += rng.uniform(0, 2e6, 20_000).tolist()
    values += np.round(rng.uniform(0, 2e5, 20_000), 3).tolist()
    values += [-v for v in values[:5000]]
    return values


def test_shown_mu_of_one_number_is_the_arrays_figure_to_the_last_bit():
    """One number takes a path without numpy (27 µs a call on a scalar): it must give exactly
    what the array path gives, on every rounding boundary, for floats, ints and numpy floats,
    and the referral test with it."""
    values = _near_every_boundary()
    by_array = areas.shown_mu(np.array(values)).tolist()
    one_by_one = [areas.shown_mu(v) for v in values]
    differ = [(v, a, b) for v, a, b in zip(values, by_array, one_by_one) if a != b]
    assert differ == []
    # Bit for bit: no -0.0 for 0.0, and a float, not a numpy float.
    assert [np.float64(a).tobytes() for a in by_array] == [
        np.float64(b).tobytes() for b in one_by_one
    ]
    assert {type(b) for b in one_by_one} == {float}
    assert areas.shown_mu(3330.0) == 5.0 and areas.shown_mu(3329.99) == 4.99  # 4.995 亩 up
    assert areas.shown_mu(410) == areas.shown_mu(np.array([410.0]))[0] == 0.62
    assert areas.shown_mu(np.float64(3330.0)) == 5.0
    assert np.isnan(areas.shown_mu(float("nan")))  # not finite: the array path, as before
    assert areas.shown_mu(float("inf")) == np.inf
    pairs = list(zip(values[::2], values[1::2]))
    farmland, other = (np.array(side) for side in zip(*pairs))
    assert [areas.at_referral_scale(f, o) for f, o in pairs] == (
        areas.at_referral_scale(farmland, other).tolist()
    )
    assert areas.at_referral_scale(3330.0, 0.0) is True  # 4.995 亩 shows 5.00
    assert areas.at_referral_scale(3329.99, 6663.33) is False
