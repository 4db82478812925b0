"""Daily patrol records (巡查台帐), GPX tracks as routes, and the "≥ 3 patrol days a week" check.

Routes are kept in the ledger's CRS (ledger_schema.LEDGER_SRS_ID: EPSG:4527, CGCS2000 3-degree
GK zone 39 with the zone prefix in x), the CRS the bureau measures in (DOMAIN.md §4). GPX files
are WGS 84 longitude/latitude; WGS 84 and CGCS2000 differ by centimetres to decimetres, far below
a hand-held GPS's error, so the transform treats them as the same datum.

The weekly rule (DOMAIN.md §1, 2022 work plan: each office patrols on at least 3 days a week):
weeks are ISO weeks, Monday to Sunday (the work week the brigade plans and audits in); what
counts is the number of DISTINCT dates an office patrolled, so two records on one day count once.
A week cut by the start or end of the checked range is "partial": it is reported when it has
fewer patrol days than required, flagged ``partial=True``, and is not a shortfall, because the
missing days may lie outside the range. Holidays do not shorten the requirement (the plan says
nothing about them: verify); a caller can drop holiday weeks from the result.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Union

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString

from zc_enforcement_plugin.core.areas import gk3_zone
from zc_enforcement_plugin.core.clock import CHINA_TIME
from zc_enforcement_plugin.core.ledger_schema import LEDGER_SRS_ID

# The work plan's weekly rule (DOMAIN.md §1, 2022 plan): the one place the 3 is written; the
# compliance check, the ranking's columns and the algorithms' help all take it from here.
PATROL_DAYS_PER_WEEK = 3

PathLike = Union[str, Path]
Coordinate = tuple[float, float]
TrackPoint = tuple[float, float, Union[datetime, None]]

EPSG_WGS84 = 4326

# Routes are stored in the ledger's CRS, a Gauss-Krüger zone (zone 39 with its prefix, EPSG:4527,
# for Zichuan): the ranges below follow from it.
_ZONE, _PREFIXED = gk3_zone(LEDGER_SRS_ID)
# Plausible ledger coordinates: x carries the zone prefix (zone 39: 39,000,000-39,999,999) and y
# is a northing inside China (about 18°N-54°N). Catches longitude/latitude or unprefixed (EPSG:4548)
# coordinates typed into a ledger, which would otherwise be stored silently in the wrong place.
_X_BASE = _ZONE * 1_000_000.0 if _PREFIXED else 0.0
_X_RANGE_LEDGER = (_X_BASE, _X_BASE + 1_000_000.0)
_Y_RANGE_LEDGER = (1_900_000.0, 6_100_000.0)
_X_PREFIX_NOTE = (
    (f"x 应带 {_ZONE} 带号", f"x must carry the zone prefix {_ZONE}: {_ZONE},xxx,xxx")
    if _PREFIXED
    else ("x 不带带号", "x without a zone prefix: xxx,xxx")
)

# The zone spans 1.5° either side of its meridian (zone 39: 115.5°E-118.5°E); allow 1° more
# (GK stays accurate to well under a metre per kilometre there), and refuse beyond it: a point
# far away is a bad GPS fix such as (0, 0), not a patrol, and would draw a route across the map.
_LON_RANGE_LEDGER = (3.0 * _ZONE - 2.5, 3.0 * _ZONE + 2.5)


# --- records -------------------------------------------------------------------------------------
def _text_tuple(values: Iterable[str], name: str) -> tuple[str, ...]:
    if isinstance(values, str):  # a bare string would become a tuple of characters
        raise TypeError(f"{name} must be a list of text, not one string")
    return tuple(str(v) for v in values)


def _check_route_points(
    coords: Sequence[Sequence[float]], record_id: str
) -> tuple[Coordinate, ...]:
    points = []
    for i, pair in enumerate(coords):
        if len(pair) != 2:
            raise ValueError(f"patrol {record_id}: route point {i} is not an (x, y) pair: {pair!r}")
        x, y = float(pair[0]), float(pair[1])
        if not (
            _X_RANGE_LEDGER[0] <= x < _X_RANGE_LEDGER[1]
            and _Y_RANGE_LEDGER[0] <= y <= _Y_RANGE_LEDGER[1]
        ):
            raise ValueError(
                f"巡查 {record_id} 的路线点 {i} ({x}, {y}) 不是 EPSG:{LEDGER_SRS_ID} 坐标"
                f"（{_X_PREFIX_NOTE[0]}）/ patrol {record_id}: route point {i} ({x}, {y}) is "
                f"not in EPSG:{LEDGER_SRS_ID} ({_X_PREFIX_NOTE[1]}); transform it first"
            )
        points.append((x, y))
    return tuple(points)


@dataclass(frozen=True)
class PatrolRecord:
    """One patrol of the ledger.

    ``route`` is WKT (LINESTRING or MULTILINESTRING) or a sequence of (x, y) pairs, both in
    the ledger's CRS, or None when no route was recorded; pairs are stored as a tuple of tuples.
    """

    id: str
    office: str
    date: date
    staff: Sequence[str]
    route: str | Sequence[Coordinate] | None = None
    findings: str = ""
    spot_numbers: Sequence[str] = ()
    case_ids: Sequence[str] = ()
    evidence_ids: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError("巡查记录须有编号 / a patrol record needs an id")
        if not isinstance(self.office, str) or not self.office.strip():
            raise ValueError(
                f"巡查 {self.id}：未填写自然资源所 / patrol {self.id}: office is empty"
            )
        # datetime is a date subclass; a time of day would split one day into several "days".
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise TypeError(f"patrol {self.id}: date must be a datetime.date")
        staff = _text_tuple(self.staff, "staff")
        if not any(s.strip() for s in staff):
            raise ValueError(f"巡查 {self.id}：未填写巡查人员 / patrol {self.id}: no staff named")
        object.__setattr__(self, "staff", staff)
        for name in ("spot_numbers", "case_ids", "evidence_ids"):
            object.__setattr__(self, name, _text_tuple(getattr(self, name), name))
        object.__setattr__(self, "route", self._checked_route())

    def _checked_route(self) -> str | tuple[Coordinate, ...] | None:
        route = self.route
        if route is None:
            return None
        if isinstance(route, str):
            try:
                geom = shapely.from_wkt(route)
            except shapely.errors.GEOSException as exc:
                raise ValueError(f"patrol {self.id}: route is not valid WKT: {exc}") from None
            if not isinstance(geom, (LineString, MultiLineString)) or geom.is_empty:
                raise ValueError(
                    f"patrol {self.id}: route must be a non-empty LINESTRING or MULTILINESTRING, "
                    f"got {geom.geom_type}"
                )
            lines = geom.geoms if isinstance(geom, MultiLineString) else [geom]
            for line in lines:
                _check_route_points([c[:2] for c in line.coords], self.id)
            return route
        points = _check_route_points(list(route), self.id)
        if len(points) < 2:
            raise ValueError(f"patrol {self.id}: a route needs at least 2 points")
        return points

    def route_geometry(self) -> LineString | MultiLineString | None:
        """The route as a shapely geometry in the ledger's CRS, None when none was recorded."""
        if self.route is None:
            return None
        if isinstance(self.route, str):
            return shapely.from_wkt(self.route)
        return LineString(self.route)


# --- GPX -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatrolWithdrawal:
    """A patrol withdrawn (recorded by mistake): the patrol stays in the ledger as recorded,
    and is no longer counted (SqlPatrolsMixin.withdraw_patrol)."""

    patrol_id: str
    reason: str
    recorded_at: str  # UTC, as every row's recorded_at
    db_user: str | None = None  # the shared ledger's login that withdrew it


class GpxError(ValueError):
    """A GPX file cannot be used; the message names the file and the problem, in Chinese then
    in English (it gave its problem in English alone, after a pair a Chinese QGIS cut)."""

    def __init__(self, path: PathLike, problem: str, problem_en: str) -> None:
        self.path = str(path)
        self.problem = problem_en
        super().__init__(
            f"GPX 文件 {path} 无法使用：{problem} / cannot use GPX file {path}: {problem_en}"
        )


def _local(tag: str) -> str:
    # GPX 1.1 and 1.0 differ only in namespace for the elements read here.
    return tag.rsplit("}", 1)[-1]


_FRACTION = re.compile(r"\.(\d+)")


def _parse_time(text: str) -> datetime:
    """ISO 8601 as GPX writes it ("2025-03-04T08:15:00Z", any fraction digits), to aware UTC.

    datetime.fromisoformat of Python 3.9 (QGIS on Windows) accepts neither "Z" nor fractions
    other than 3 or 6 digits, so both are normalised first.
    """
    s = text.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    s = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], s, count=1)
    t = datetime.fromisoformat(s)
    # GPX times are UTC by the schema; a time without offset is read as UTC.
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def _point(path: PathLike, elem: ET.Element, where: str) -> TrackPoint:
    try:
        lat = float(elem.attrib["lat"])
        lon = float(elem.attrib["lon"])
    except KeyError as exc:
        name = exc.args[0]
        raise GpxError(
            path, f"{where} 缺少 {name} 属性", f"{where} has no {name} attribute"
        ) from None
    except ValueError:
        raise GpxError(
            path,
            f"{where} 的经纬度不是数字：{dict(elem.attrib)}",
            f"{where} has a non-numeric lat/lon: {dict(elem.attrib)}",
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise GpxError(
            path,
            f"{where} 的经纬度超出范围：{lat}, {lon}",
            f"{where} has lat/lon out of range: {lat}, {lon}",
        )
    when = None
    for child in elem:
        if _local(child.tag) == "time" and child.text and child.text.strip():
            try:
                when = _parse_time(child.text)
            except ValueError:
                bad = child.text.strip()
                raise GpxError(
                    path, f"{where} 的时间 {bad!r} 无法识别", f"{where} has a bad time {bad!r}"
                ) from None
    return (lon, lat, when)


def read_gpx_track(path: PathLike) -> list[TrackPoint]:
    """The points of a GPX file as (lon, lat, time) in file order; time is UTC or None.

    Track points (trk/trkseg/trkpt) are read when there are any, as they record where the staff
    actually went; otherwise route points (rte/rtept), a planned path. Segments and several
    tracks are joined in file order. Waypoints are ignored.
    """
    try:
        root = ET.parse(str(path)).getroot()
    except FileNotFoundError:
        raise GpxError(path, "文件不存在", "file not found") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise GpxError(
            path,
            f"XML 格式错误（文件损坏或不完整？），第 {line} 行第 {column} 列",
            f"not well-formed XML (broken or truncated?): {exc}",
        ) from None
    except OSError as exc:
        raise GpxError(path, f"无法读取：{exc}", f"cannot read: {exc}") from None
    if _local(root.tag) != "gpx":
        tag = _local(root.tag)
        raise GpxError(
            path,
            f"不是 GPX 文件：根元素为 <{tag}>",
            f"not a GPX file: the root element is <{tag}>",
        )

    def children(elem: ET.Element, name: str) -> list[ET.Element]:
        return [c for c in elem if _local(c.tag) == name]

    points: list[TrackPoint] = []
    for t, trk in enumerate(children(root, "trk")):
        for s, seg in enumerate(children(trk, "trkseg")):
            for p, pt in enumerate(children(seg, "trkpt")):
                points.append(_point(path, pt, f"trk {t} trkseg {s} trkpt {p}"))
    if not points:
        for r, rte in enumerate(children(root, "rte")):
            for p, pt in enumerate(children(rte, "rtept")):
                points.append(_point(path, pt, f"rte {r} rtept {p}"))
    if not points:
        raise GpxError(
            path,
            "没有航迹点（trkpt）或路线点（rtept）",
            "no track points (trkpt) or route points (rtept)",
        )
    return points


def track_days(points: list[TrackPoint]) -> set[date]:
    """The days (Beijing time) on which a track's timed points were recorded (GPX times are
    UTC: 07:30 on a morning in Zichuan is 23:30 the day before in UTC)."""
    return {t.astimezone(CHINA_TIME).date() for _, _, t in points if t is not None}


def route_from_gpx(path: PathLike) -> LineString:
    """The GPX track (or route) as one LineString in the ledger's CRS.

    Segments are joined, so a gap in GPS reception becomes a straight line: fine for showing
    where a patrol went, not for measuring it to the metre.
    """
    points = read_gpx_track(path)
    for i, (lon, lat, _) in enumerate(points):
        if not _LON_RANGE_LEDGER[0] <= lon <= _LON_RANGE_LEDGER[1]:
            west, east = _LON_RANGE_LEDGER
            raise GpxError(
                path,
                f"第 {i} 点（东经 {lon:.5f}°，北纬 {lat:.5f}°）不在高斯-克吕格 {_ZONE} 带"
                f"（东经 {west}-{east}°）内：GPS 定位有误或属其他区县",
                f"point {i} at {lon:.5f}E, {lat:.5f}N is outside GK zone {_ZONE} "
                f"({west}-{east}°E): a bad GPS fix or another district",
            )
    distinct = {(lon, lat) for lon, lat, _ in points}
    if len(distinct) < 2:
        raise GpxError(
            path,
            "不同的点少于 2 个，无法绘出路线",
            "fewer than 2 distinct points: no route to draw",
        )
    transformer = _to_ledger_crs()
    xs, ys = transformer.transform([p[0] for p in points], [p[1] for p in points])
    return LineString(list(zip(xs, ys)))


def _to_ledger_crs() -> Transformer:
    return Transformer.from_crs(EPSG_WGS84, LEDGER_SRS_ID, always_xy=True)


# --- the weekly rule -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Shortfall:
    """An office's ISO week with fewer distinct patrol days than required.

    ``partial`` weeks are cut by the checked range (``counted_from``/``counted_to`` give the part
    inside it) and are information, not shortfalls; see :attr:`is_shortfall`.
    """

    office: str
    iso_year: int
    iso_week: int
    week_start: date  # Monday
    week_end: date  # Sunday
    counted_from: date
    counted_to: date
    patrol_days: tuple[date, ...]
    required: int
    partial: bool

    @property
    def days(self) -> int:
        return len(self.patrol_days)

    @property
    def missing(self) -> int:
        return max(self.required - self.days, 0)

    @property
    def is_shortfall(self) -> bool:
        return not self.partial


def weekly_compliance(
    records: Iterable[PatrolRecord],
    offices: Iterable[str],
    start: date,
    end: date,
    min_days: int = PATROL_DAYS_PER_WEEK,
) -> list[Shortfall]:
    """Each office's ISO weeks in [start, end] with fewer than ``min_days`` distinct patrol days.

    Sorted by office (in the given order) then week. Records outside the range or of offices not
    listed are ignored, so a subset of offices can be checked. Edge weeks cut by the range are
    returned with ``partial=True`` (see the module docstring).
    """
    for name, d in (("start", start), ("end", end)):
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"{name} must be a datetime.date")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if isinstance(min_days, bool) or not isinstance(min_days, int) or not 1 <= min_days <= 7:
        raise ValueError(f"min_days must be a whole number from 1 to 7, got {min_days!r}")
    office_list = list(dict.fromkeys(offices))  # keep order, drop repeats
    days_by_office: dict[str, set[date]] = {o: set() for o in office_list}
    for record in records:
        if record.office in days_by_office and start <= record.date <= end:
            days_by_office[record.office].add(record.date)

    result = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        sunday = monday + timedelta(days=6)
        lo, hi = max(monday, start), min(sunday, end)
        partial = (lo, hi) != (monday, sunday)
        iso_year, iso_week, _ = monday.isocalendar()
        for office in office_list:
            patrolled = tuple(sorted(d for d in days_by_office[office] if lo <= d <= hi))
            if len(patrolled) < min_days:
                result.append(
                    Shortfall(
                        office,
                        iso_year,
                        iso_week,
                        monday,
                        sunday,
                        lo,
                        hi,
                        patrolled,
                        min_days,
                        partial,
                    )
                )
        monday += timedelta(days=7)
    order = {o: i for i, o in enumerate(office_list)}
    result.sort(key=lambda s: (order[s.office], s.week_start))
    return result
