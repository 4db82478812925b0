"""三区两线 view areas: line and zone buffers overlaid into pieces that know what they see."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import domain
from .areas import (
    AreaMethod,
    areas,
    from_local,
    local_origin,
    round_area,
    shown_mu,
    to_local,
)
from .audit_base import feature_texts
from .geometry_repair import make_valid

Cancelled = cs.CampaignCancelled
ELLIPSOIDAL = AreaMethod.ELLIPSOIDAL
PLANAR = AreaMethod.PLANAR


@dataclass
class SourceFeatures:
    """Lines (railway, highway, river) or zones (nature reserve, scenic area, town) as arrays."""

    geoms: Sequence | np.ndarray
    kinds: Sequence[str | None]  # e.g. domain.THREE_ZONES_KIND_RAILWAY; picks the distance
    names: Sequence[str | None]
    ids: Sequence | None = None  # feature ids for messages (1-based numbers when None)
    layer: str = ""  # layer name for messages
    kind_field: str = domain.THREE_ZONES_KIND
    name_field: str = domain.THREE_ZONES_SOURCE_NAME


@dataclass(frozen=True)
class ViewSource:
    """One line or zone after features of the same role, kind and name were merged."""

    name: str
    kind: str
    role: str  # cs.ROLE_LINE or cs.ROLE_ZONE
    distance: float  # m


@dataclass
class ViewPieces:
    """The arrangement of all view areas: disjoint pieces, each with the sources it is in view of.

    Pieces with the same set of sources are one (multi)polygon; their union is the union of all
    buffers. Geometries are in the input CRS; `area` is m² rounded to 2 decimals.
    """

    geoms: np.ndarray
    members: list[tuple[int, ...]]  # indices into `sources`, per piece
    sources: list[ViewSource]
    area: np.ndarray
    crs: int | str
    area_method: AreaMethod
    origin: tuple[float, float]
    messages: list[str] = field(default_factory=list)

    def names(self, i: int) -> list[str]:
        return [self.sources[s].name for s in self.members[i]]

    def kinds(self, i: int) -> list[str]:
        return [self.sources[s].kind for s in self.members[i]]

    def records(self) -> list[dict]:
        """One record per piece: SQLXMC, SQLXLX (';'-joined, same order), SQLXSL, SQLXMJ and
        SQLXMJ_MU (亩 of the m² shown, as every area of the plugin)."""
        sep = cs.LIST_SEPARATOR
        return [
            {
                cs.VIEW_NAMES: sep.join(self.names(i)),
                cs.VIEW_KINDS: sep.join(self.kinds(i)),
                cs.VIEW_COUNT: len(self.members[i]),
                cs.VIEW_AREA: float(self.area[i]),
                cs.VIEW_AREA_MU: float(shown_mu(float(self.area[i]))),
            }
            for i in range(len(self.members))
        ]


@dataclass
class ViewSummary:
    """Spots and mines in view, one record per source plus a total row (each counted once)."""

    records: list[dict]
    messages: list[str] = field(default_factory=list)
    # One record per source and spot or mine in view: MC, LX, DXLB, BH, MJ (m² in view).
    details: list[dict] = field(default_factory=list)


NAME_SEPARATOR_STAND_IN = "；"  # a full-width semicolon for one inside a source's name
VIEW_EDGE_TOLERANCE_M = 0.01  # how far inside its distance a view area's edge may fall


def arc_segments(distance: float, tolerance: float = VIEW_EDGE_TOLERANCE_M) -> int:
    """Segments per quarter circle for a buffer whose edge lies at most `tolerance` inside
    `distance`. GEOS draws an arc's chords a quarter-circle/segments apart, but rounds each
    corner's count to the nearest whole number, so a chord may span 1.5 steps: with 16
    segments, a 1000 m view area's edge fell 2.6 m short and spots at its edge lost area."""
    if distance <= tolerance:
        return 1
    half_chord_angle = math.acos(1.0 - tolerance / distance)  # chord sagitta = tolerance
    return max(1, math.ceil(1.5 * math.pi / (4.0 * half_chord_angle)))


def view_buffer(geoms, distances):
    """Each geometry buffered by its distance (metres, in a projected or local frame), the
    edge never more than VIEW_EDGE_TOLERANCE_M inside it: the view area within a distance of
    a line or zone (DOMAIN §3), drawn to the centimetre."""
    one = isinstance(geoms, shapely.Geometry)
    geoms = np.atleast_1d(np.asarray(geoms, dtype=object))
    distances = np.broadcast_to(np.asarray(distances, dtype=float), geoms.shape)
    out = np.empty(geoms.shape, dtype=object)
    for distance in np.unique(distances):  # a few kinds, a few distances
        chosen = distances == distance
        out[chosen] = shapely.buffer(
            geoms[chosen], distance, quad_segs=arc_segments(float(distance))
        )
    return out[0] if one else out


def view_areas(
    lines: SourceFeatures | None,
    zones: SourceFeatures | None,
    distances: Mapping[str, float],
    crs: int | str,
    *,
    area_method: AreaMethod | str = ELLIPSOIDAL,
    clip: shapely.Geometry | None = None,
    grid_size: float = 0.001,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ViewPieces:
    """Buffer lines and zones by the distance of their kind and split the union into pieces.

    `distances` maps each kind present in the data to metres; there are no default distances
    (a provincial choice), so a kind without one is an error naming the kind. Features of the
    same role, kind and name (a highway cut into segments) are one source. Zones are buffered
    from their outline, so a zone's view area includes the zone. The overlay nodes all buffer
    boundaries on a `grid_size` grid (metres, local frame), polygonizes them and gives each
    face the sources containing an interior point of it; faces with equal sets are merged.
    `clip` (e.g. the district outline, input CRS) limits the view areas.
    """
    report = cs.Reporter(progress, is_cancelled)
    report(0.0)
    method = AreaMethod(area_method)
    messages: list[str] = []
    sources, feat_geoms, feat_source = _view_sources(lines, zones, distances, crs, messages)
    empty = ViewPieces(
        np.empty(0, dtype=object),
        [],
        sources,
        np.zeros(0),
        crs,
        method,
        (0.0, 0.0),
        messages,
    )
    if not feat_geoms:
        messages.append(
            "没有可用的线状或区域要素，未生成可视范围 / no usable line or area features: no "
            "view area made"
        )
        return empty
    geoms_global = cs.as_geometry_array(feat_geoms)
    origin = local_origin(shapely.total_bounds(geoms_global))
    local = to_local(geoms_global, origin)
    src_of = np.asarray(feat_source)
    dist = np.array([sources[s].distance for s in src_of])
    buffers = view_buffer(local, dist)
    report(15.0)

    src_buf = _source_view_areas(buffers, src_of, len(sources), clip, origin, grid_size, report)
    for s in np.flatnonzero(shapely.is_missing(src_buf)).tolist():
        messages.append(
            f"{sources[s].kind} {sources[s].name}: 可视范围为空（在裁剪范围外） / "
            f"{sources[s].kind} {sources[s].name}: its view area is empty (outside the clip extent)"
        )
    report(30.0)

    alive = np.flatnonzero(~shapely.is_missing(src_buf))
    if len(alive) == 0:
        return empty
    faces, member = _labelled_faces(src_buf, alive, grid_size, report)
    pieces, members = _pieces_by_sources(faces, member, sources)
    report(85.0)  # the ellipsoidal areas of thousands of pieces take a second or two
    area = round_area(areas(pieces, method, crs, origin))
    report(100.0)
    return ViewPieces(
        from_local(pieces, origin),
        members,
        sources,
        area,
        crs,
        method,
        origin,
        messages,
    )


def _view_sources(
    lines: SourceFeatures | None,
    zones: SourceFeatures | None,
    distances: Mapping[str, float],
    crs: int | str,
    messages: list[str],
) -> tuple[list[ViewSource], list, list[int]]:
    """(sources, feature geometries, each feature's source index): features of the same role,
    kind and name are one source, and so are nameless features of one role and kind that touch
    or overlap (a highway delivered as unnamed segments is one highway, not twenty lines each
    in view of its neighbours). Every feature without a kind and every kind without a distance
    is refused in one error, so one run tells all that must be set right."""
    feat_geoms: list = []
    feat_source: list[int] = []
    sources: list[ViewSource] = []
    source_index: dict[tuple[str, str, str], int] = {}
    missing_kinds: dict[str, str] = {}  # kind -> layer of its first feature
    without_kind: dict[str, tuple[str, list[str]]] = {}  # layer -> (kind field, features)
    for role, feats, default_layer in (
        (cs.ROLE_LINE, lines, cs.LAYER_LINES),
        (cs.ROLE_ZONE, zones, cs.LAYER_ZONES),
    ):
        if feats is None:
            continue
        layer = feats.layer or default_layer
        geoms = cs.as_geometry_array(feats.geoms)
        n = len(geoms)
        ids = cs.feature_ids(feats.ids, n)
        kinds = feature_texts(feats.kinds, n, "kinds")
        names = feature_texts(feats.names, n, "names")
        # Lines and points are legal here (a town may be a point), so nothing polygonal is forced.
        geoms = cs.repair(geoms, ids, layer, messages, keep_polygonal=False, crs=crs)
        nameless: dict[str, list[int]] = {}  # kind -> its nameless features
        for i in np.flatnonzero(~shapely.is_missing(geoms)).tolist():
            kind = kinds[i]
            if not kind:
                without_kind.setdefault(layer, (feats.kind_field, []))[1].append(ids[i])
                continue
            if kind not in distances:
                missing_kinds.setdefault(kind, layer)
                continue
            if not names[i]:
                nameless.setdefault(kind, []).append(i)
                continue
            name = _source_name(names[i], ids[i], layer, feats.name_field, messages)
            key = (role, kind, name)
            if key not in source_index:
                source_index[key] = len(sources)
                sources.append(ViewSource(name, kind, role, _distance(distances, kind)))
            feat_geoms.append(geoms[i])
            feat_source.append(source_index[key])
        n_nameless = 0
        for kind, chosen in nameless.items():
            for part in _connected(geoms[chosen]):
                name = _nameless_name(kind, [ids[chosen[j]] for j in part])
                sources.append(ViewSource(name, kind, role, _distance(distances, kind)))
                feat_geoms.extend(geoms[chosen[j]] for j in part)
                feat_source.extend([len(sources) - 1] * len(part))
                n_nameless += 1
        if nameless:
            # Once a layer, not once a feature: 3000 unnamed segments gave 3000 warnings.
            count = sum(len(chosen) for chosen in nameless.values())
            field_said = (
                f"字段 {feats.name_field}：名称为空" if feats.name_field else "未选名称字段"
            )
            field_said_en = (
                f"an empty name in field {feats.name_field}"
                if feats.name_field
                else "no name field chosen"
            )
            messages.append(
                f"图层 {layer}，{field_said}的要素 {count} 个，按类型合并相连（接触或重叠）"
                f"的要素，记为 {n_nameless} 个未命名的线或区（如 "
                f"{sources[-n_nameless].name}） / layer {layer}: {count} features with "
                f"{field_said_en}; those touching or overlapping, of one kind, are merged into "
                f"{n_nameless} unnamed lines or areas (such as {sources[-n_nameless].name})"
            )
    _refuse_kinds_without_distance(missing_kinds, without_kind)
    return sources, feat_geoms, feat_source


def _connected(geoms: np.ndarray) -> list[list[int]]:
    """The groups of geometries that touch or overlap, directly or through others (a line
    network's components), each in input order, the groups by their first geometry."""
    parent = list(range(len(geoms)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    for i, j in zip(a.tolist(), b.tolist()):
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(len(geoms)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


NAMELESS_IDS_SHOWN = 3  # ids written out in a nameless source's name before "等 N 个要素"


def _nameless_name(kind: str, fids: list[str]) -> str:
    """A nameless source's name: its kind and features (by kind and feature, not by layer:
    the layer's label carries its file's path, which has no place in a name written into
    every spot hit). One feature stays `铁路 fid 3`; connected ones read
    `高速公路（未命名，fid 1–20）` when their numbers run on, else the first few and a count."""
    if len(fids) == 1:
        return f"{kind} {fids[0]}"
    numbers = [_fid_number(f) for f in fids]
    prefixes = {f[: len(f) - len(str(n))] for f, n in zip(fids, numbers) if n is not None}
    if (
        None not in numbers
        and len(prefixes) == 1
        and sorted(numbers) == list(range(min(numbers), max(numbers) + 1))
    ):
        prefix = prefixes.pop()
        listed = f"{prefix}{min(numbers)}–{max(numbers)}"
    elif len(fids) <= NAMELESS_IDS_SHOWN:
        listed = "、".join(fids)
    else:
        listed = f"{'、'.join(fids[:NAMELESS_IDS_SHOWN])} 等 {len(fids)} 个要素"
    return f"{kind}（未命名，{listed}）".replace(cs.LIST_SEPARATOR, NAME_SEPARATOR_STAND_IN)


def _fid_number(fid: str) -> int | None:
    """The number ending a feature id (`fid 12`, `12`), None when it does not end in one."""
    digits = fid[len(fid.rstrip("0123456789")) :]
    return int(digits) if digits and str(int(digits)) == digits else None


def _source_name(name: str, fid: str, layer: str, name_field: str, messages: list[str]) -> str:
    """The name a named feature's source is listed by, each change to it said."""
    if cs.LIST_SEPARATOR in name:
        # Names are listed joined by the separator: one inside a name would read as two.
        kept = name.replace(cs.LIST_SEPARATOR, NAME_SEPARATOR_STAND_IN)
        cs.say(
            messages,
            layer,
            fid,
            name_field,
            f"名称 {name} 含列表分隔符“{cs.LIST_SEPARATOR}”，记为 {kept}",
            f"the name {name} holds the list separator '{cs.LIST_SEPARATOR}': recorded as {kept}",
        )
        name = kept
    return name


def _refuse_kinds_without_distance(
    missing_kinds: dict[str, str], without_kind: dict[str, tuple[str, list[str]]]
) -> None:
    """One error naming every kind without a distance and every feature without a kind."""
    problems = []
    if missing_kinds:
        listed = "、".join(f"{k}（图层 {layer}）" for k, layer in missing_kinds.items())
        problems.append(
            f"未设置可视范围距离的类型: {listed}; no view distance given for kind(s) "
            f"{', '.join(missing_kinds)}: set a distance in metres for every kind in the data"
        )
    for layer, (kind_field, fids) in without_kind.items():
        problems.append(
            f"图层 {layer}，要素 {'、'.join(fids)}，字段 {kind_field}：类型为空，"
            "无法确定可视范围距离 (kind is empty: no view distance can be chosen)"
        )
    if problems:
        raise ValueError("；".join(problems))


def _source_view_areas(
    buffers: np.ndarray,
    src_of: np.ndarray,
    n_src: int,
    clip: shapely.Geometry | None,
    origin: tuple[float, float],
    grid_size: float,
    report: cs.Reporter,
) -> np.ndarray:
    """Each source's whole view area (local frame, polygonal, on the grid), None where the
    clip leaves nothing: one geometry per source, as segments of one named highway are one
    source."""
    counts = np.bincount(src_of, minlength=n_src)
    src_buf = np.full(n_src, None, dtype=object)
    single = counts[src_of] == 1
    src_buf[src_of[single]] = buffers[single]
    merged = np.flatnonzero(counts > 1).tolist()
    for k, s in enumerate(merged):
        report(15.0 + 15.0 * k / len(merged))  # a highway of many segments is a long union
        src_buf[s] = shapely.union_all(buffers[src_of == s])
    if clip is not None:
        clip_local = to_local(make_valid(cs.as_geometry_array([clip])), origin)[0]
        src_buf = shapely.intersection(src_buf, clip_local)
    return cs.polygonal(shapely.set_precision(src_buf, grid_size))


# Boundary vertices noded between two progress reports and cancel checks: 600 separate
# nameless segments' view areas (640,000 vertices) were noded in one GEOS call of 10-30 s with
# Cancel unheard. Fewer vertices than this are noded whole, in one call, as before.
NODING_VERTICES_PER_TILE = 50_000
# How far from a tile the boundary segments noded with it reach, in grid cells. Snap rounding
# bends a segment only at the grid cells (hot pixels) of vertices and crossings it passes
# through, all within a cell's diagonal (0.71 cells) of it: every segment that can bend one of
# the tile's segments is noded with them, so each comes out as the whole noding makes it.
NODING_REACH_CELLS = 3.0


def _noded(
    boundaries: np.ndarray, grid_size: float, progress: Callable[[float], None]
) -> np.ndarray:
    """The boundaries noded on the `grid_size` grid, as lines: what
    union_all(boundaries, grid_size) gives, cut into square tiles of about
    NODING_VERTICES_PER_TILE vertices each, `progress(share done)` called between tiles (and
    so the cancel check: the noding of a hundred thousand vertices and more is no longer one
    call that cannot be stopped).

    Each tile nodes the segments within NODING_REACH_CELLS of it together with every segment
    near enough to bend them, and keeps the noded segments whose midpoint lies in it
    (half-open: a midpoint on the line between two tiles is kept once): the same segments, to
    the last coordinate, as noding everything at once, so no figure changes (test_campaigns
    compares the two)."""
    vertices = int(shapely.get_num_coordinates(boundaries).sum())
    if vertices <= NODING_VERTICES_PER_TILE:
        return shapely.get_parts(shapely.union_all(boundaries, grid_size=grid_size))
    coords, first = _segment_starts(boundaries)
    low = np.minimum(coords[first], coords[first + 1])
    high = np.maximum(coords[first], coords[first + 1])
    reach = NODING_REACH_CELLS * grid_size
    x0, y0 = low.min(axis=0)
    x1, y1 = high.max(axis=0)
    per_side = math.ceil(math.sqrt(vertices / NODING_VERTICES_PER_TILE))
    # One grid cell past every edge: snap rounding moves a vertex up to half a cell, below
    # the lowest coordinate too (off-grid input), and every midpoint must lie in a half-open
    # tile, or its segment would be lost.
    xs = np.linspace(x0 - grid_size, x1 + grid_size, per_side + 1)
    ys = np.linspace(y0 - grid_size, y1 + grid_size, per_side + 1)
    # A segment longer than a tile (the side of a straight railway's view area, kilometres
    # long) would stretch a box round a tile's segments over the whole district, and every
    # tile would node nearly everything (68 s where the whole took 8): the segments near one
    # are looked up along it instead, in an index made once there is such a segment.
    side = min(x1 - x0, y1 - y0) / per_side
    long = ((high - low) > side).any(axis=1)
    near_long = _NearLongSegments(coords, first, reach, side / LONG_SEGMENT_PIECES)
    out = []
    tiles = [(i, j) for j in range(per_side) for i in range(per_side)]
    for done, (i, j) in enumerate(tiles):
        progress(done / len(tiles))
        tile = (xs[i], ys[j], xs[i + 1], ys[j + 1])
        own = _in_box(
            low, high, (tile[0] - reach, tile[1] - reach), (tile[2] + reach, tile[3] + reach)
        )
        if not own.any():
            continue
        # Every segment near enough an own one to bend it (for the short ones a box round
        # them all, at most three tiles wide: more than needed is harmless, each segment is
        # noded as in the whole).
        short = own & ~long
        chosen = np.zeros(len(first), dtype=bool)
        if short.any():
            chosen = _in_box(
                low, high, low[short].min(axis=0) - reach, high[short].max(axis=0) + reach
            )
        crossing = np.flatnonzero(own & long)
        chosen[crossing] = True
        chosen[near_long(crossing)] = True
        out.extend(_noded_tile(_runs(coords, first[chosen]), tile, grid_size))
    progress(1.0)
    return np.asarray(out, dtype=object)


LONG_SEGMENT_PIECES = 16  # a long segment's neighbours are looked up 1/16 of a tile at a time


class _NearLongSegments:
    """The segments within `reach` of long segments (longer than a tile), each long one's
    looked up once, when a tile first needs it, in `piece`-long stretches: asked whole, the
    index offered every segment inside a diagonal railway's box, the district's, each one
    measured (3 s a tile)."""

    def __init__(self, coords: np.ndarray, first: np.ndarray, reach: float, piece: float):
        self._coords, self._first = coords, first
        # Made when a long segment is first asked of: most runs have none.
        self._segments: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None
        self._reach = reach
        self._piece = piece
        self._near: dict[int, np.ndarray] = {}

    def __call__(self, long: np.ndarray) -> np.ndarray:
        new = [s for s in long.tolist() if s not in self._near]
        if new:
            if self._tree is None:
                coords, first = self._coords, self._first
                self._segments = shapely.linestrings(
                    np.stack([coords[first], coords[first + 1]], axis=1)
                )
                self._tree = shapely.STRtree(self._segments)
            stretches = shapely.segmentize(self._segments[new], self._piece)
            coords, first = _segment_starts(stretches)
            _, owner = shapely.get_coordinates(stretches, return_index=True)
            pieces = shapely.linestrings(np.stack([coords[first], coords[first + 1]], axis=1))
            asked, near = self._tree.query(pieces, predicate="dwithin", distance=self._reach)
            of = np.asarray(new)[owner[first][asked]]
            order = np.argsort(of, kind="stable")
            keys, starts = np.unique(of[order], return_index=True)
            self._near.update({s: np.zeros(0, dtype=int) for s in new})  # alone: none near
            for s, near_s in zip(keys.tolist(), np.split(near[order], starts[1:])):
                self._near[s] = np.unique(near_s)
        found = [self._near[s] for s in long.tolist()]
        return np.concatenate(found) if found else np.zeros(0, dtype=int)


def _segment_starts(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates of the lines, the index of each segment's first coordinate among them)."""
    coords, part = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    return coords, np.flatnonzero(part[1:] == part[:-1])


def _in_box(low: np.ndarray, high: np.ndarray, box_low, box_high) -> np.ndarray:
    """Which segments (by their bounding boxes `low`, `high`) meet the box."""
    return (
        (low[:, 0] <= box_high[0])
        & (high[:, 0] >= box_low[0])
        & (low[:, 1] <= box_high[1])
        & (high[:, 1] >= box_low[1])
    )


def _runs(coords: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Lines of the segments starting at coordinates `first` (sorted), each run of segments
    that follow one another along a line as one line: GEOS nodes and polygonizes a few long
    lines some 30 times faster than the same segments one by one, and no vertex moves."""
    starts_run = np.ones(len(first), dtype=bool)
    starts_run[1:] = first[1:] != first[:-1] + 1
    run = np.cumsum(starts_run) - 1
    ends_run = np.append(starts_run[1:], True)
    vertex = np.concatenate([first, first[ends_run] + 1])
    vertex_run = np.concatenate([run, run[ends_run]])
    order = np.lexsort((vertex, vertex_run))
    return shapely.linestrings(coords[vertex[order]], indices=vertex_run[order])


def _noded_tile(lines: np.ndarray, tile: tuple, grid_size: float) -> list:
    """The lines noded, cut to the runs of noded segments whose midpoint lies in the
    half-open tile. A noded line passes through no node (every crossing ends it), and a
    vertex between two kept segments has all its neighbours in this noding, so no run passes
    through a node of the whole either: the runs polygonize as the whole noding does."""
    x0, y0, x1, y1 = tile
    coords, first = _segment_starts(shapely.union_all(lines, grid_size=grid_size))
    middle = (coords[first] + coords[first + 1]) / 2.0
    inside = (middle[:, 0] >= x0) & (middle[:, 0] < x1) & (middle[:, 1] >= y0) & (middle[:, 1] < y1)
    return list(_runs(coords, first[inside])) if inside.any() else []


FACES_PER_STEP = 20_000  # faces labelled between two progress reports and cancel checks


def _labelled_faces(
    src_buf: np.ndarray, alive: np.ndarray, grid_size: float, report: cs.Reporter
) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """The arrangement: every view area's boundary noded once and polygonized into faces,
    each face with the sources (sorted source indices) it lies within. Progress is reported
    and cancel checked between the steps, between the tiles of the noding and every
    FACES_PER_STEP faces: with thousands of sources a run took minutes here with the bar frozen
    and Cancel unheard."""
    boundaries = shapely.boundary(src_buf[alive])
    report(35.0)
    noded = _noded(boundaries, grid_size, lambda share: report(35.0 + 15.0 * share))
    report(50.0)
    faces = shapely.get_parts(shapely.polygonize(noded))
    report(60.0)
    faces = faces[shapely.area(faces) > 0]
    views = src_buf[alive]
    shapely.prepare(views)
    # Membership as (face, source) pairs from the spatial index: a dense faces × sources
    # matrix took gigabytes with thousands of sources.
    sources_of: list[list[int]] = [[] for _ in range(len(faces))]
    for start in range(0, len(faces), FACES_PER_STEP):
        report(60.0 + 15.0 * start / len(faces))
        chunk = faces[start : start + FACES_PER_STEP]
        # A face is never crossed by a buffer boundary, so one interior point decides
        # membership. The points are indexed and the view areas (prepared) ask: points asking
        # whether they lie within the finely drawn arcs took seconds a few hundred sources.
        tree = shapely.STRtree(shapely.point_on_surface(chunk))
        buf_i, face_i = tree.query(views, predicate="contains")
        for f, b in zip((face_i + start).tolist(), alive[buf_i].tolist()):
            sources_of[f].append(b)
    report(75.0)
    # Faces in holes of ring-shaped buffers belong to no source.
    inside = [f for f, m in enumerate(sources_of) if m]
    return faces[inside], [tuple(sorted(sources_of[f])) for f in inside]


def _pieces_by_sources(
    faces: np.ndarray, member: list[tuple[int, ...]], sources: list[ViewSource]
) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """(pieces, their sources): the faces with the same sources as one (multi)polygon, in a
    deterministic order: fewer sources first, then by the sources' names and kinds."""
    key_index: dict[tuple[int, ...], int] = {}
    inverse = np.array([key_index.setdefault(m, len(key_index)) for m in member], dtype=int)
    members = list(key_index)
    # Faces with the same sources never share an edge (crossing an edge enters or leaves a
    # buffer), so grouping them as multipolygon parts needs no union.
    by_key = np.argsort(inverse, kind="stable")
    pieces = shapely.multipolygons(faces[by_key], indices=inverse[by_key])
    bad = np.flatnonzero(~shapely.is_valid(pieces))
    for p in bad.tolist():
        pieces[p] = shapely.union_all(shapely.get_parts(pieces[p]))
    order = sorted(
        range(len(members)),
        key=lambda p: (
            len(members[p]),
            [(sources[s].name, sources[s].kind) for s in members[p]],
        ),
    )
    return pieces[order], [members[p] for p in order]


def _distance(distances: Mapping[str, float], kind: str) -> float:
    try:
        d = float(distances[kind])
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"类型 {kind} 的可视范围距离不是数字: {distances[kind]!r} / the view distance of "
            f"kind {kind} is not a number: {distances[kind]!r}"
        ) from exc
    if not math.isfinite(d) or d <= 0:
        raise ValueError(f"类型 {kind} 的可视范围距离须为正数 (view distance must be > 0): {d}")
    return d


def _in_view(
    view: ViewPieces,
    pieces_local: np.ndarray,
    geoms: np.ndarray,
    layer: str,
    ids: list[str],
    min_overlap_sqm: float,
    messages: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(feature, piece, area m²) pairs of features in a view piece; points and lines area 0."""
    geoms = cs.repair(geoms, ids, layer, messages, keep_polygonal=False, crs=view.crs)
    local = to_local(geoms, view.origin)
    tree = shapely.STRtree(pieces_local)
    feat, piece = tree.query(local, predicate="intersects")
    area = np.zeros(len(feat))
    if len(feat) == 0:
        return feat, piece, area
    polygon = shapely.get_dimensions(local[feat]) == 2
    if polygon.any():
        cut = shapely.intersection(local[feat[polygon]], pieces_local[piece[polygon]])
        planar = shapely.area(cut)
        a = areas(cut, view.area_method, view.crs, view.origin)
        # A polygon only touching a piece along its edge is not in view of it.
        keep = np.ones(len(feat), dtype=bool)
        keep[np.flatnonzero(polygon)[planar <= min_overlap_sqm]] = False
        area[polygon] = a
        feat, piece, area = feat[keep], piece[keep], area[keep]
    return feat, piece, area


def summary(
    view_pieces: ViewPieces,
    spots: Sequence | np.ndarray | None,
    mines: Sequence | np.ndarray | None = None,
    *,
    spot_ids: Sequence | None = None,
    mine_ids: Sequence | None = None,
    spot_layer: str = cs.LAYER_SPOTS,
    mine_layer: str = cs.LAYER_MINES,
    min_overlap_sqm: float = domain.TOUCH_TOLERANCE_SQM,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ViewSummary:
    """Spots and mines (points or polygons) in view, by line or zone name.

    A polygon is in view of a source when it overlaps that source's view area by more than
    `min_overlap_sqm` (planar m²); a point or line when it intersects it. Records: MC, LX, LB,
    JL, TBSL, TBBH (ids ';'-joined), TBMJ (m² of the spots inside the view area), KSSL, KSBH,
    KSMJ; the last record, MC = 合计, counts each spot or mine once. spots or mines None (no
    layer given): their four fields are NULL in every record, not counted rather than 0 in view,
    which an empty layer gives. spot_layer, mine_layer: the layers' names in messages (with
    their files, as the caller knows them).
    """
    report = cs.Reporter(progress, is_cancelled)
    report(0.0)
    messages: list[str] = []
    view = view_pieces
    pieces_local = to_local(view.geoms, view.origin)
    n_src = len(view.sources)
    has = np.zeros((len(view.members), n_src), dtype=bool)
    for p, m in enumerate(view.members):
        has[p, list(m)] = True
    columns = {}
    details = []
    for geoms, ids_in, layer, what in (
        (spots, spot_ids, spot_layer or cs.LAYER_SPOTS, cs.DETAIL_OBJECT_SPOT),
        (mines, mine_ids, mine_layer or cs.LAYER_MINES, cs.DETAIL_OBJECT_MINE),
    ):
        if geoms is None:
            columns[what] = None
            continue
        arr = cs.as_geometry_array(geoms)
        ids = cs.feature_ids(ids_in, len(arr))
        feat, piece, area = _in_view(view, pieces_local, arr, layer, ids, min_overlap_sqm, messages)
        per_pair = has[piece] if len(piece) else np.zeros((0, n_src), dtype=bool)
        cols = []
        for s in range(n_src):
            sel = per_pair[:, s]
            found, at = np.unique(feat[sel], return_inverse=True)
            found_area = np.bincount(np.asarray(at).ravel(), area[sel], minlength=len(found))
            cols.append(([ids[i] for i in found.tolist()], float(area[sel].sum())))
            src = view.sources[s]
            details.extend(
                {
                    cs.SOURCE_NAME: src.name,
                    cs.SOURCE_KIND: src.kind,
                    cs.DETAIL_OBJECT: what,
                    cs.DETAIL_ID: ids[i],
                    cs.DETAIL_AREA: float(round_area(a)),
                    cs.DETAIL_AREA_MU: float(shown_mu(a)),
                }
                for i, a in zip(found.tolist(), found_area.tolist())
            )
        found = np.unique(feat)
        cols.append(([ids[i] for i in found.tolist()], float(area.sum())))
        columns[what] = cols
        report(50.0 if what == cs.DETAIL_OBJECT_SPOT else 90.0)
    records = []
    for s in range(n_src + 1):
        src = view.sources[s] if s < n_src else None
        row = src.name if src else cs.SUMMARY_TOTAL_NAME
        record = {
            cs.SOURCE_NAME: row,
            cs.SOURCE_KIND: src.kind if src else "",
            cs.SOURCE_ROLE: src.role if src else "",
            cs.SOURCE_DISTANCE: src.distance if src else None,
        }
        for what, (count, ids, area, area_mu) in _SUMMARY_COLUMNS.items():
            if columns[what] is None:  # not given: not counted, and so not 0
                record.update(dict.fromkeys((count, ids, area, area_mu)))
                continue
            found, found_area = columns[what][s]
            record[count] = len(found)
            record[ids] = _id_list(found, row, ids, messages)
            record[area] = float(round_area(found_area))
            record[area_mu] = float(shown_mu(found_area))
        records.append(record)
    report(100.0)
    return ViewSummary(records, messages, details)


# Each kind's summary fields: its count, ids, area in view (m²) and the same in 亩.
_SUMMARY_COLUMNS = {
    cs.DETAIL_OBJECT_SPOT: (
        cs.SUMMARY_SPOT_COUNT,
        cs.SUMMARY_SPOT_IDS,
        cs.SUMMARY_SPOT_AREA,
        cs.SUMMARY_SPOT_AREA_MU,
    ),
    cs.DETAIL_OBJECT_MINE: (
        cs.SUMMARY_MINE_COUNT,
        cs.SUMMARY_MINE_IDS,
        cs.SUMMARY_MINE_AREA,
        cs.SUMMARY_MINE_AREA_MU,
    ),
}


def summary_list_tail(total: int) -> str:
    """The end of a summary's list of numbers cut to its cell or field: how many there are, and
    where all of them are."""
    return f"…等 {total} 个（全部见“{cs.DETAIL_TITLE_ZH}”输出）"


def _id_list(ids: list[str], row: str, field_name: str, messages: list[str]) -> str:
    """The numbers joined by the list separator, cut to fit a spreadsheet cell
    (cs.CELL_TEXT_LIMIT) and ending with how many there are and where all of them are; the
    cut said, naming the row. 5,952 spots in view made a 101,000-character cell."""
    tail = summary_list_tail(len(ids))
    text = domain.fit_text(ids, cs.LIST_SEPARATOR, cs.CELL_TEXT_LIMIT, len, tail)
    if not text.endswith(tail):
        return text
    kept = len(text[: -len(tail)].split(cs.LIST_SEPARATOR))
    messages.append(
        f"汇总表 {row} 行，字段 {field_name}：编号共 {len(ids)} 个，超出表格单元格容量"
        f"（{cs.CELL_TEXT_LIMIT} 字符），只列出前 {kept} 个；全部见“{cs.DETAIL_TITLE_ZH}”输出"
        f"（或将可视范围图层与图斑、矿山图层按位置叠加） / summary row {row}, field "
        f"{field_name}: {len(ids)} numbers are more than a cell holds "
        f"({cs.CELL_TEXT_LIMIT} characters), the first {kept} are listed; all are in the "
        f"output “{cs.DETAIL_TITLE_ZH}” (or join the view areas to the spot and mine layers "
        "by location)"
    )
    return text
