"""Patrol records, GPX tracks and the weekly "patrol on at least 3 days" rule."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from shapely.geometry import LineString, MultiLineString

from zc_enforcement_plugin.core import patrols as pt
from zc_enforcement_plugin.core.patrols import GpxError, PatrolRecord


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# --- records ------------------------------------------------------------------------------------

ROUTE = [(39_566_100.0, 4_062_300.0), (39_566_400.0, 4_062_700.0)]


def test_record_normalises_lists_and_route():
    r = PatrolRecord(
        "XC-001",
        "城关所",
        d("2025-03-03"),
        ["张三", "李四"],
        route=ROUTE,
        findings="发现一处新建房屋",
        spot_numbers=["3703022025000123"],
        case_ids=["ZC-2025-001"],
        evidence_ids=["E1"],
    )
    assert r.staff == ("张三", "李四")
    assert r.route == tuple(ROUTE)
    assert r.spot_numbers == ("3703022025000123",)
    assert r.route_geometry().equals(LineString(ROUTE))
    assert hash(r)  # frozen and hashable: everything was turned into tuples


def test_record_wkt_route():
    wkt = (
        "MULTILINESTRING ((39566100 4062300, 39566400 4062700),"
        " (39567000 4063000, 39567100 4063100))"
    )
    r = PatrolRecord("XC-002", "城关所", d("2025-03-03"), ["张三"], route=wkt)
    assert isinstance(r.route_geometry(), MultiLineString)
    assert PatrolRecord("XC-003", "城关所", d("2025-03-03"), ["张三"]).route_geometry() is None


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"route": [(117.9, 36.6), (117.91, 36.61)]}, ValueError, "EPSG:4527"),  # lon/lat
        ({"route": [(566_100.0, 4_062_300.0), (566_400.0, 4_062_700.0)]}, ValueError, "prefix 39"),
        ({"route": [(39_566_100.0, 4_062_300.0)]}, ValueError, "at least 2 points"),
        ({"route": "LINESTRING (39566100 4062300, "}, ValueError, "not valid WKT"),
        ({"route": "POINT (39566100 4062300)"}, ValueError, "LINESTRING"),
        # Found by mutation testing: the bounds of a zone-39 coordinate, and empty lines.
        # x = 40,000,000 is zone 40's prefix, outside zone 39 (39,000,000 - 39,999,999.x).
        (
            {"route": [(40_000_000.0, 4_062_300.0), (39_566_400.0, 4_062_700.0)]},
            ValueError,
            "point 0",
        ),
        # a northing with a digit missing (406 km: 3.7°N, south of China)
        (
            {"route": [(39_566_100.0, 406_230.0), (39_566_400.0, 4_062_700.0)]},
            ValueError,
            "point 0",
        ),
        ({"route": "LINESTRING EMPTY"}, ValueError, "non-empty"),
        # a point with a height is no (x, y) pair: refused, not cut to one
        ({"route": [(39_566_100.0, 4_062_300.0, 120.0), ROUTE[1]]}, ValueError, "not an"),
        ({"route": "MULTILINESTRING EMPTY"}, ValueError, "non-empty"),
        ({"staff": "张三"}, TypeError, "not one string"),
        ({"staff": []}, ValueError, "no staff"),
        ({"office": ""}, ValueError, "office"),
        ({"date": datetime(2025, 3, 3, 9)}, TypeError, "datetime.date"),
    ],
)
def test_record_validation(kwargs, error, fragment):
    args = {"id": "XC-9", "office": "城关所", "date": d("2025-03-03"), "staff": ["张三"]}
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        PatrolRecord(**args)


# --- GPX ----------------------------------------------------------------------------------------

GPX11 = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="36.8" lon="118.0"><name>ignored waypoint</name></wpt>
  <trk><name>巡查</name>
    <trkseg>
      <trkpt lat="36.70" lon="117.00"><ele>120</ele><time>2025-03-04T00:15:00Z</time></trkpt>
      <trkpt lat="36.705" lon="117.00"><time>2025-03-04T00:20:30.5Z</time></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="36.71" lon="117.00"><time>2025-03-04T08:25:00+08:00</time></trkpt>
    </trkseg>
  </trk>
  <rte><rtept lat="30.0" lon="100.0"/></rte>
</gpx>
"""

GPX_ROUTE_ONLY = """<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <rte><rtept lat="36.60" lon="117.90"/><rtept lat="36.61" lon="117.91"/></rte>
</gpx>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_track_points_in_order_with_utc_times(tmp_path):
    points = pt.read_gpx_track(write(tmp_path, "track.gpx", GPX11))
    utc = timezone.utc
    assert points == [
        (117.0, 36.70, datetime(2025, 3, 4, 0, 15, tzinfo=utc)),
        (117.0, 36.705, datetime(2025, 3, 4, 0, 20, 30, 500000, tzinfo=utc)),
        (117.0, 36.71, datetime(2025, 3, 4, 0, 25, tzinfo=utc)),  # +08:00 to UTC
    ]


def test_read_route_points_when_no_track(tmp_path):
    points = pt.read_gpx_track(write(tmp_path, "route.gpx", GPX_ROUTE_ONLY))
    assert points == [(117.90, 36.60, None), (117.91, 36.61, None)]


def test_time_without_offset_is_utc_and_gpx10_accepted(tmp_path):
    text = (
        '<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>'
        '<trkpt lat="36.6" lon="117.9"><time>2025-03-04T01:02:03</time></trkpt>'
        "</trkseg></trk></gpx>"
    )
    [(lon, lat, when)] = pt.read_gpx_track(write(tmp_path, "old.gpx", text))
    assert (lon, lat, when) == (117.9, 36.6, datetime(2025, 3, 4, 1, 2, 3, tzinfo=timezone.utc))


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("broken.gpx", GPX11[: len(GPX11) // 2], "not well-formed XML"),
        (
            "places.kml",
            '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark/></kml>',
            "not a GPX file: the root element is <kml>",
        ),
        ("notes.gpx", "这不是 XML", "not well-formed XML"),
        ("empty.gpx", '<gpx xmlns="http://www.topografix.com/GPX/1/1"></gpx>', "no track points"),
        (
            "nolat.gpx",
            '<gpx><trk><trkseg><trkpt lon="117"/></trkseg></trk></gpx>',
            "trk 0 trkseg 0 trkpt 0 has no lat",
        ),
        (
            "badlat.gpx",
            '<gpx><trk><trkseg><trkpt lat="north" lon="117"/></trkseg></trk></gpx>',
            "non-numeric",
        ),
        (
            "range.gpx",
            '<gpx><trk><trkseg><trkpt lat="96" lon="117"/></trkseg></trk></gpx>',
            "out of range",
        ),
        (
            "badtime.gpx",
            '<gpx><trk><trkseg><trkpt lat="36" lon="117"><time>yesterday</time></trkpt>'
            "</trkseg></trk></gpx>",
            "bad time 'yesterday'",
        ),
    ],
)
def test_bad_files_named_in_errors(tmp_path, name, text, fragment):
    path = write(tmp_path, name, text)
    with pytest.raises(GpxError) as info:
        pt.read_gpx_track(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
    # Its Chinese half says the problem too, in Chinese (a Chinese QGIS showed a pair whose
    # problem was in English alone, after the file's name).
    chinese = str(info.value).split(" / ")[0]
    assert chinese.startswith(f"GPX 文件 {path} 无法使用：") and fragment not in chinese, chinese


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.gpx"
    with pytest.raises(GpxError, match="file not found") as info:
        pt.read_gpx_track(path)
    assert str(path) in str(info.value)


def test_route_from_gpx_in_epsg4527(tmp_path):
    route = pt.route_from_gpx(write(tmp_path, "track.gpx", GPX11))
    assert isinstance(route, LineString)
    xs = [x for x, _ in route.coords]
    # On the central meridian 117°E the false easting alone remains: 39 zone prefix + 500 km.
    assert all(abs(x - 39_500_000.0) < 0.001 for x in xs)
    # 0.01° of latitude at 36.7°N is about 1109.6 m along the meridian (segments joined).
    assert route.length == pytest.approx(1109.6, abs=1.0)
    # The northing of 36.7°N is the meridian arc from the equator, about 4,062 km.
    assert 4_060_000 < route.coords[0][1] < 4_065_000


def test_route_from_gpx_refuses_points_outside_zone_39(tmp_path):
    text = (
        '<gpx><trk><trkseg><trkpt lat="36.6" lon="117.9"/><trkpt lat="0" lon="0"/>'
        "</trkseg></trk></gpx>"
    )
    path = write(tmp_path, "zerofix.gpx", text)
    with pytest.raises(GpxError, match="outside GK zone 39") as info:
        pt.route_from_gpx(path)
    assert str(path) in str(info.value)


def test_route_from_gpx_needs_two_distinct_points(tmp_path):
    text = (
        '<gpx><trk><trkseg><trkpt lat="36.6" lon="117.9"/><trkpt lat="36.6" lon="117.9"/>'
        "</trkseg></trk></gpx>"
    )
    with pytest.raises(GpxError, match="fewer than 2 distinct points"):
        pt.route_from_gpx(write(tmp_path, "still.gpx", text))


# --- the weekly rule ----------------------------------------------------------------------------

OFFICES = ["城关所", "西河所", "龙泉所"]


def patrols(office: str, *days: str) -> list[PatrolRecord]:
    return [PatrolRecord(f"{office}-{i}", office, d(day), ["张三"]) for i, day in enumerate(days)]


# March 2025: ISO weeks 10 (03-03..03-09), 11 (03-10..03-16), 12 (03-17..03-23).
RECORDS = [
    # 城关所: W10 3 days; W11 Mon twice + Tue = 2 distinct days (short); W12 4 days.
    *patrols("城关所", "2025-03-03", "2025-03-04", "2025-03-05"),
    *patrols("城关所", "2025-03-10", "2025-03-10", "2025-03-11"),
    *patrols("城关所", "2025-03-17", "2025-03-19", "2025-03-21", "2025-03-23"),
    # 西河所: W10 2 days (short), W11 3 days incl. a Sunday, W12 none (short).
    *patrols("西河所", "2025-03-06", "2025-03-07"),
    *patrols("西河所", "2025-03-12", "2025-03-14", "2025-03-16"),
    # 龙泉所: 3 days every week; the days just outside the range must not count.
    *patrols("龙泉所", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"),
    *patrols("龙泉所", "2025-03-10", "2025-03-12", "2025-03-13"),
    *patrols("龙泉所", "2025-03-18", "2025-03-19", "2025-03-20", "2025-03-24"),
    # An office not asked about is ignored.
    *patrols("外所", "2025-03-03"),
]


def summary(result: list[pt.Shortfall]) -> list[tuple[str, int, int, bool]]:
    return [(s.office, s.iso_week, s.days, s.partial) for s in result]


def test_weekly_shortfalls_full_weeks():
    result = pt.weekly_compliance(RECORDS, OFFICES, d("2025-03-03"), d("2025-03-23"))
    assert summary(result) == [
        ("城关所", 11, 2, False),
        ("西河所", 10, 2, False),
        ("西河所", 12, 0, False),
    ]
    first = result[0]
    assert first.patrol_days == (d("2025-03-10"), d("2025-03-11"))  # the same day counted once
    assert (first.week_start, first.week_end) == (d("2025-03-10"), d("2025-03-16"))
    assert first.iso_year == 2025 and first.required == 3 and first.missing == 1
    assert all(s.is_shortfall for s in result)
    assert result[2].missing == 3


def test_min_days_configurable():
    result = pt.weekly_compliance(RECORDS, OFFICES, d("2025-03-03"), d("2025-03-23"), min_days=2)
    assert summary(result) == [("西河所", 12, 0, False)]
    result = pt.weekly_compliance(RECORDS, OFFICES, d("2025-03-03"), d("2025-03-23"), min_days=4)
    assert [(s.office, s.iso_week) for s in result] == [
        ("城关所", 10),
        ("城关所", 11),
        ("西河所", 10),
        ("西河所", 11),
        ("西河所", 12),
        ("龙泉所", 10),
        ("龙泉所", 11),
        ("龙泉所", 12),
    ]


def test_partial_weeks_at_the_edges_are_flagged_not_shortfalls():
    # Wednesday 03-05 to Wednesday 03-19: W10 and W12 are cut, W11 is whole.
    result = pt.weekly_compliance(RECORDS, OFFICES, d("2025-03-05"), d("2025-03-19"))
    assert summary(result) == [
        ("城关所", 10, 1, True),  # only 03-05 falls in the range
        ("城关所", 11, 2, False),
        ("城关所", 12, 2, True),  # 03-17 and 03-19
        ("西河所", 10, 2, True),
        ("西河所", 12, 0, True),
        ("龙泉所", 10, 1, True),
        ("龙泉所", 12, 2, True),
    ]
    w10 = result[0]
    assert (w10.counted_from, w10.counted_to) == (d("2025-03-05"), d("2025-03-09"))
    assert not w10.is_shortfall
    assert [s for s in result if s.is_shortfall] == [result[1]]


def test_iso_week_across_the_new_year():
    records = patrols("城关所", "2024-12-30", "2025-01-02")
    [short] = pt.weekly_compliance(records, ["城关所"], d("2024-12-30"), d("2025-01-05"))
    assert (short.iso_year, short.iso_week, short.days, short.partial) == (2025, 1, 2, False)


def test_office_with_no_records_is_short_every_week():
    result = pt.weekly_compliance([], ["城关所"], d("2025-03-03"), d("2025-03-16"))
    assert summary(result) == [("城关所", 10, 0, False), ("城关所", 11, 0, False)]


@pytest.mark.parametrize(
    ("start", "end", "min_days", "fragment"),
    [
        ("2025-03-10", "2025-03-03", 3, "before start"),
        ("2025-03-03", "2025-03-10", 0, "from 1 to 7"),
        ("2025-03-03", "2025-03-10", 8, "from 1 to 7"),
    ],
)
def test_weekly_compliance_validation(start, end, min_days, fragment):
    with pytest.raises(ValueError, match=fragment):
        pt.weekly_compliance([], OFFICES, d(start), d(end), min_days)


def test_route_points_at_the_edges_of_zone_39_are_kept():
    """The last x of zone 39 and the southern edge of the accepted northings (1,900 km, about
    17°N) stand; one step past either is refused (test_record_validation)."""
    route = [(39_999_999.9, 1_900_000.0), (39_000_000.0, 6_100_000.0)]
    r = PatrolRecord("XC-10", "城关所", d("2025-03-03"), ["张三"], route=route)
    assert r.route == tuple(route)


def test_route_from_gpx_keeps_points_within_one_degree_outside_the_zone(tmp_path):
    """Zone 39 spans 115.5°E-118.5°E; points up to 1° beyond (114.5°E-119.5°E) are kept, as
    the module says, and a point at 114.4°E (2.6° west of 117°E) is refused. (Killed: a wider
    margin.)"""

    def gpx(lon: float) -> str:
        return (
            f'<gpx><trk><trkseg><trkpt lat="36.6" lon="117.0"/><trkpt lat="36.6" lon="{lon}"/>'
            "</trkseg></trk></gpx>"
        )

    assert pt.route_from_gpx(write(tmp_path, "west.gpx", gpx(114.6))).length > 200_000
    with pytest.raises(GpxError, match="outside GK zone 39"):
        pt.route_from_gpx(write(tmp_path, "far.gpx", gpx(114.4)))


def test_track_days_are_beijing_days():
    """GPX times are UTC: 23:30 UTC on 4 March is 07:30 on 5 March in Zichuan, 15:59 UTC is
    23:59 on 4 March there; a point without a time dates nothing. (Killed: days taken in
    UTC.)"""
    utc = timezone.utc
    points = [
        (117.0, 36.6, datetime(2025, 3, 4, 15, 59, tzinfo=utc)),
        (117.0, 36.6, None),
        (117.0, 36.6, datetime(2025, 3, 4, 23, 30, tzinfo=utc)),
    ]
    assert pt.track_days(points) == {d("2025-03-04"), d("2025-03-05")}


def test_a_range_ending_on_a_monday_reports_that_monday_as_a_partial_week():
    """Checked from Monday 2025-03-03 to Monday 03-10: the week of 03-10 is cut to its Monday,
    a partial week shown (no patrol that day) but no shortfall. (Killed: the last week left out
    when the range ends on its Monday.)"""
    result = pt.weekly_compliance(
        patrols("城关所", "2025-03-03", "2025-03-05", "2025-03-07"),
        ["城关所"],
        d("2025-03-03"),
        d("2025-03-10"),
    )
    assert [
        (s.iso_week, s.counted_from, s.counted_to, s.partial, s.is_shortfall) for s in result
    ] == [(11, d("2025-03-10"), d("2025-03-10"), True, False)]


def test_an_office_named_twice_is_checked_once():
    """The offices list may repeat a name (a ledger's offices gathered from several tables):
    one row per office and week still. (Killed: repeats kept.)"""
    result = pt.weekly_compliance(
        [], ["城关所", "西河所", "城关所"], d("2025-03-03"), d("2025-03-09")
    )
    assert [(s.office, s.iso_week) for s in result] == [("城关所", 10), ("西河所", 10)]


def test_gpx_times_keep_their_microseconds(tmp_path):
    """A phone writes 6 fraction digits (and some loggers 9): read to the microsecond, the
    rest cut. (Killed: fractions cut to milliseconds.)"""
    text = (
        '<gpx><trk><trkseg><trkpt lat="36.6" lon="117.9"><time>2025-03-04T01:02:03.123456789Z'
        "</time></trkpt></trkseg></trk></gpx>"
    )
    [(_, _, when)] = pt.read_gpx_track(write(tmp_path, "fine.gpx", text))
    assert when == datetime(2025, 3, 4, 1, 2, 3, 123456, tzinfo=timezone.utc)


def test_a_holiday_week_still_needs_three_patrol_days():
    """The work plan says nothing of holidays (module docstring: verify), so the week of the
    2025 National Day holiday (Monday 29 September - Sunday 5 October; 1-8 October off) needs
    3 patrol days like any other: patrols on its two working days, 29 and 30 September, fall
    one short; a third, on the holiday of 2 October, meets the rule."""
    from datetime import timedelta

    from zc_enforcement_plugin.core.workdays import WorkCalendar

    cal = WorkCalendar(local_file=None)
    week = [d("2025-09-29") + timedelta(days=n) for n in range(7)]
    assert [day for day in week if cal.is_working_day(day)] == [d("2025-09-29"), d("2025-09-30")]
    two = patrols("城关所", "2025-09-29", "2025-09-30")
    result = pt.weekly_compliance(two, ["城关所"], d("2025-09-29"), d("2025-10-05"))
    assert [(s.iso_week, s.days, s.missing, s.is_shortfall) for s in result] == [(40, 2, 1, True)]
    three = patrols("城关所", "2025-09-29", "2025-09-30", "2025-10-02")
    assert pt.weekly_compliance(three, ["城关所"], d("2025-09-29"), d("2025-10-05")) == []
