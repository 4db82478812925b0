"""Approval audits: temporary land, facility agricultural land and mining against the ground."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import deadlines as dl
from . import domain
from .areas import AreaMethod, areas, from_local, local_origin, round_area, split_rounding, to_local
from .campaigns_schema import ViolationKind
from .dates import parse_date
from .workdays import WorkCalendar

Cancelled = cs.CampaignCancelled
ELLIPSOIDAL = AreaMethod.ELLIPSOIDAL
PLANAR = AreaMethod.PLANAR


# --- inputs and output ----------------------------------------------------------------------------
@dataclass
class Approvals:
    """Approvals (temporary land) or filings (facility agricultural land) as arrays.

    `areas` is the approved / filed area in m²; `levels` the approval level as a rank (higher
    = higher authority, e.g. 1 county, 2 city, 3 province); dates are date, datetime or text;
    `infrastructure` says (是/否, 1/0, true/false) whether a temporary approval serves large
    energy, transport or water works, which may run longer (DOMAIN.md §5).
    """

    geoms: Sequence | np.ndarray
    numbers: Sequence[str | None]
    areas: Sequence | None = None
    uses: Sequence[str | None] | None = None
    start: Sequence | None = None
    end: Sequence | None = None
    levels: Sequence | None = None
    infrastructure: Sequence | None = None
    layer: str = ""
    fids: Sequence | None = None  # the source's feature ids, for messages
    number_field: str = domain.APPROVAL_NUMBER
    area_field: str = domain.APPROVAL_AREA
    use_field: str = domain.APPROVED_USE
    start_field: str = domain.APPROVAL_START
    end_field: str = domain.APPROVAL_END
    level_field: str = cs.APPROVAL_LEVEL
    infrastructure_field: str = cs.INFRASTRUCTURE


@dataclass
class Ground:
    """What is on the ground: spots or a surveyed layer, with a use/type word per feature."""

    geoms: Sequence | np.ndarray
    ids: Sequence | None = None
    uses: Sequence[str | None] | None = None
    layer: str = ""
    use_field: str = domain.LAND_CLASS_NAME
    fids: Sequence | None = None  # the source's feature ids, for messages
    id_field: str = domain.SPOT_NUMBER  # the field `ids` were read from, for messages


@dataclass
class Licences:
    """Mining licences: boundary, number and validity."""

    geoms: Sequence | np.ndarray
    numbers: Sequence[str | None]
    valid_from: Sequence | None = None
    valid_to: Sequence | None = None
    layer: str = ""
    fids: Sequence | None = None  # the source's feature ids, for messages
    number_field: str = cs.LICENCE_NUMBER
    from_field: str = cs.LICENCE_VALID_FROM
    to_field: str = cs.LICENCE_VALID_TO


@dataclass
class AuditResult:
    """One record per approval / filing / activity (input order) and one per violation piece.

    Violation records: PZWH (or XKZH/KCBH for mining), WFDM, WFLX, WFMJ (m², 2 decimals), SDBH,
    WFSM; their geometries (input CRS) are in `violation_geoms`, same order.
    Spots: the ledger's view of the same violations, one per piece of land of an owner (the
    violations of one owner whose land overlaps are one spot), with the same fields: WFDM and
    WFLX list every kind, WFMJ is the area of the spot's geometry (in `spot_geoms`), WFSM gives
    each kind with its note (an over-area kind's excess is in its note).
    """

    records: list[dict]
    violation_geoms: np.ndarray
    violations: list[dict]
    messages: list[str] = field(default_factory=list)
    spots: list[dict] = field(default_factory=list)
    spot_geoms: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))


# --- shared machinery -----------------------------------------------------------------------------
class _Audit:
    """Local frame, area method, noise tolerance, messages and the violation list of one run."""

    def __init__(
        self,
        crs: int | str,
        method: AreaMethod | str,
        min_piece_sqm: float,
        progress: Callable[[float], None] | None,
        is_cancelled: Callable[[], bool] | None,
    ) -> None:
        self.crs = crs
        self.method = AreaMethod(method)
        self.tol = float(min_piece_sqm)
        self.report = cs.Reporter(progress, is_cancelled)
        self.messages: list[str] = []
        self.origin = (0.0, 0.0)
        self.v_geoms: list[shapely.Geometry | None] = []
        self.v_records: list[dict] = []
        self.v_owners: list[tuple[str, str]] = []
        # The owning feature's index: numbers may repeat in a layer (a typo, a copied row),
        # and each feature is judged by itself, never by another that shares its number.
        self.v_features: list[int] = []

    def set_origin(self, *arrays: np.ndarray) -> None:
        present = [a[~shapely.is_missing(a)] for a in arrays if len(a)]
        present = [a for a in present if len(a)]
        if present:
            self.origin = local_origin(shapely.total_bounds(np.concatenate(present)))

    def local(self, geoms: np.ndarray) -> np.ndarray:
        return to_local(geoms, self.origin)

    def area(self, geoms: np.ndarray) -> np.ndarray:
        """Area (m², unrounded) of local-frame geometries by the run's method."""
        geoms = cs.as_geometry_array(geoms)
        if len(geoms) == 0:
            return np.zeros(0)
        return areas(geoms, self.method, self.crs, self.origin)

    def violation(
        self,
        owner_field: str,
        owner: str,
        feature: int,
        kind: ViolationKind,
        geom_local: shapely.Geometry | None,
        area_sqm: float,
        ground_ids: Sequence[str],
        note: str,
    ) -> None:
        """A violation of the `feature`-th approval / filing / activity, whose number is `owner`."""
        self.v_geoms.append(geom_local)
        self.v_owners.append((owner_field, owner))
        self.v_features.append(feature)
        self.v_records.append(
            {
                owner_field: owner,
                cs.VIOLATION_CODE: kind.code,
                cs.VIOLATION_KIND: kind.label_zh,
                cs.VIOLATION_AREA: float(round_area(area_sqm)),
                cs.GROUND_IDS: cs.LIST_SEPARATOR.join(_unique(ground_ids)),
                cs.VIOLATION_NOTE: note,
            }
        )

    def result(self, records: list[dict]) -> AuditResult:
        local = cs.as_geometry_array(self.v_geoms)
        spots, spot_geoms = self.spots(local)
        return AuditResult(
            records,
            from_local(local, self.origin),
            self.v_records,
            self.messages,
            spots,
            from_local(spot_geoms, self.origin),
        )

    def kind_counts(self, n: int) -> list[dict[str, int]]:
        """Per owning feature 0..n-1: its violations per kind code."""
        counts: list[dict[str, int]] = [{} for _ in range(n)]
        for rec, feature in zip(self.v_records, self.v_features):
            per = counts[feature]
            per[rec[cs.VIOLATION_CODE]] = per.get(rec[cs.VIOLATION_CODE], 0) + 1
        return counts

    def spots(self, geoms: np.ndarray) -> tuple[list[dict], np.ndarray]:
        """The violations as ledger spots: one per owner and piece of land, so that land two
        kinds find (the whole used area of an over-area approval and its part outside the
        boundary, an unlicensed mine inside a no-mining zone) is counted once. Violations of
        one owner are one spot where their polygons overlap by more than the noise tolerance
        (points and lines: where they touch); one without geometry is a spot of its own."""
        n = len(geoms)
        group = list(range(n))

        def root(k: int) -> int:
            while group[k] != k:
                group[k] = group[group[k]]
                k = group[k]
            return k

        present = np.flatnonzero(~shapely.is_missing(geoms))
        if len(present):
            i, j = shapely.STRtree(geoms[present]).query(geoms[present], predicate="intersects")
            i, j = present[i], present[j]
            pairs = [(a, b) for a, b in zip(i.tolist(), j.tolist()) if a < b]
            for a, b in pairs:
                if self.v_features[a] != self.v_features[b]:
                    continue
                both_polygons = shapely.get_dimensions(geoms[[a, b]]).min() == 2
                if both_polygons and shapely.area(shapely.intersection(geoms[a], geoms[b])) <= (
                    self.tol
                ):
                    continue  # neighbours sharing an edge are two pieces of land
                group[root(b)] = root(a)
        members: dict[int, list[int]] = {}
        for k in range(n):
            members.setdefault(root(k), []).append(k)
        spots, spot_geoms = [], []
        for ks in members.values():  # in the order of each spot's first violation
            parts = [geoms[k] for k in ks if geoms[k] is not None]
            geom = shapely.union_all(parts) if len(parts) > 1 else (parts[0] if parts else None)
            area = 0.0
            if geom is not None and shapely.get_dimensions(geom) == 2:
                geom = cs.polygonal(cs.as_geometry_array([geom]))[0]
                area = float(self.area(cs.as_geometry_array([geom]))[0])
            recs = [self.v_records[k] for k in ks]
            owner_field, owner = self.v_owners[ks[0]]
            spots.append(
                {
                    owner_field: owner,
                    cs.VIOLATION_CODE: _join([r[cs.VIOLATION_CODE] for r in recs]),
                    cs.VIOLATION_KIND: "、".join(_unique([r[cs.VIOLATION_KIND] for r in recs])),
                    cs.VIOLATION_AREA: float(round_area(area)),
                    cs.GROUND_IDS: _join(
                        [i for r in recs for i in r[cs.GROUND_IDS].split(cs.LIST_SEPARATOR)]
                    ),
                    cs.VIOLATION_NOTE: "；".join(
                        f"{r[cs.VIOLATION_KIND]}：{r[cs.VIOLATION_NOTE]}" for r in recs
                    ),
                }
            )
            spot_geoms.append(geom)
        return spots, cs.as_geometry_array(spot_geoms)


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _texts(values: Sequence | None, n: int, what: str) -> list[str]:
    if values is None:
        return [""] * n
    out = ["" if v is None else str(v).strip() for v in values]
    if len(out) != n:
        raise ValueError(f"{n} geometries but {len(out)} {what}")
    return out


def _numbers(
    values: Sequence | None, n: int, layer: str, ids: list[str], fld: str, messages: list[str]
) -> list[float | None]:
    if values is None:
        return [None] * n
    vals = list(values)
    if len(vals) != n:
        raise ValueError(f"{n} geometries but {len(vals)} values of {fld}")
    out: list[float | None] = []
    for i, v in enumerate(vals):
        if v is None or (isinstance(v, str) and not v.strip()):
            out.append(None)
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        if not math.isfinite(x) or x < 0:
            cs.say(messages, layer, ids[i], fld, f"不是有效的非负数值 ({v!r})，按缺失处理")
            out.append(None)
        else:
            out.append(x)
    return out


def _levels(
    values: Sequence | None, n: int, layer: str, ids: list[str], fld: str, messages: list[str]
) -> list[int | None]:
    """Approval levels: whole ranks (1 county, 2 city, 3 province); anything else is said and
    taken as missing."""
    out: list[int | None] = []
    for i, level in enumerate(_numbers(values, n, layer, ids, fld, messages)):
        if level is not None and not level.is_integer():
            cs.say(messages, layer, ids[i], fld, f"审批层级应为整数 ({level:g})，按缺失处理")
            level = None
        out.append(None if level is None else int(level))
    return out


def _dates(
    values: Sequence | None, n: int, layer: str, ids: list[str], fld: str, messages: list[str]
) -> list[_dt.date | None]:
    if values is None:
        return [None] * n
    vals = list(values)
    if len(vals) != n:
        raise ValueError(f"{n} geometries but {len(vals)} values of {fld}")
    out: list[_dt.date | None] = []
    for i, v in enumerate(vals):
        try:
            out.append(parse_date(v))
        except ValueError:
            cs.say(messages, layer, ids[i], fld, f"不是有效日期 ({v!r})，按缺失处理")
            out.append(None)
    return out


_YES = {"是", "1", "true", "t", "y", "yes"}
_NO = {"否", "0", "false", "f", "n", "no"}


def _flags(
    values: Sequence | None, n: int, layer: str, ids: list[str], fld: str, messages: list[str]
) -> list[bool | None]:
    """Yes/no values (是/否, 1/0, true/false); None where empty or not given, said if unreadable."""
    if values is None:
        return [None] * n
    vals = list(values)
    if len(vals) != n:
        raise ValueError(f"{n} geometries but {len(vals)} values of {fld}")
    out: list[bool | None] = []
    for i, v in enumerate(vals):
        word = domain.plain_code(v).lower()
        if word in _YES or v is True:
            out.append(True)
        elif word in _NO or v is False:
            out.append(False)
        else:
            if word:
                cs.say(messages, layer, ids[i], fld, f"不是“是/否”({v!r})，按未标明处理")
            out.append(None)
    return out


def _date_problems(raw: Sequence | None, parsed: list[_dt.date | None]) -> list[tuple[str, str]]:
    """Per feature: ('', '') when its date was read (or no date field was given), else its
    (status, result) pair: missing, or there but not a date."""
    if raw is None:
        return [("", "")] * len(parsed)
    out = []
    for value, day in zip(raw, parsed):
        if day is not None:
            out.append(("", ""))
        elif value is None or not str(value).strip():
            out.append((cs.EXPIRY_UNKNOWN, cs.STATUS_DATE_MISSING))
        else:
            out.append((cs.EXPIRY_INVALID, cs.STATUS_DATE_INVALID))
    return out


def _group_union(geoms: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Union of the geometries of each group 0..n-1 (None for an empty group)."""
    out = np.full(n, None, dtype=object)
    if len(geoms) == 0:
        return out
    counts = np.bincount(groups, minlength=n)
    single = counts[groups] == 1
    out[groups[single]] = geoms[single]
    multi = ~single
    if multi.any():
        idx = np.flatnonzero(multi)
        idx = idx[np.argsort(groups[idx], kind="stable")]
        cut = np.flatnonzero(np.diff(groups[idx])) + 1
        for chunk in np.split(idx, cut):
            out[groups[chunk[0]]] = shapely.union_all(geoms[chunk])
    return cs.polygonal(out)


def _pairs(
    a: np.ndarray, b: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, a[i] ∩ b[j], planar area) for overlaps of polygonal a and b above tol m²."""
    ok_b = np.flatnonzero(~shapely.is_missing(b))
    empty = (np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.empty(0, dtype=object), np.zeros(0))
    if len(ok_b) == 0 or len(a) == 0:
        return empty
    tree = shapely.STRtree(b[ok_b])
    i, jj = tree.query(a, predicate="intersects")
    j = ok_b[jj]
    if len(i) == 0:
        return empty
    cut = cs.polygonal(shapely.intersection(a[i], b[j]))
    planar = np.nan_to_num(shapely.area(cut))
    keep = planar > tol
    return i[keep], j[keep], cut[keep], planar[keep]


def _clip(geoms: np.ndarray, layer_local: np.ndarray, tol: float) -> np.ndarray:
    """Each geometry cut to the union of the layer features it overlaps (None where none)."""
    i, _j, cut, _ = _pairs(geoms, layer_local, tol)
    return _group_union(cut, i, len(geoms))


def _subtract_owned(
    geoms: np.ndarray, pair_geom: np.ndarray, pair_other: np.ndarray, others: np.ndarray
) -> np.ndarray:
    """geoms[k] minus the union of others touched by it (pair_geom[k] -> pair_other[k])."""
    n = len(geoms)
    out = np.full(n, None, dtype=object)
    if len(pair_geom) == 0:
        return out
    cover = _group_union(others[pair_other], pair_geom, n)
    has = np.flatnonzero(~shapely.is_missing(cover))
    out[has] = cs.polygonal(shapely.difference(geoms[has], cover[has]))
    return out


def _mapped(word: str, categories: Mapping[str, str] | None) -> str:
    """A use word in the caller's categories (unmapped words stand for themselves)."""
    if not word:
        return ""
    if categories is None:
        return word
    return str(categories.get(word, word)).strip()


# Heads of the survey's agricultural classes a temporary site is restored to: 01 cultivated,
# 02 garden, 03 forest, 04 grassland (not rural roads, ponds or ditches, which are
# agricultural in the survey's table but not farming).
_RESTORED_CLASS_HEADS = ("01", "02", "03", "04")


def _restored_use_test(
    restored_uses: Collection[str],
    categories: Mapping[str, str] | None,
    field_uses: Sequence | None = None,
) -> Callable[[str], bool]:
    """Whether a ground use word means the land was put back to farming (复垦): the word, or
    its category, is in `restored_uses`, its category is cs.RESTORED_USE, or it is a DLBM code
    of cultivated land, garden, forest or grassland (0101-0103, 02xx-04xx).
    field_uses: every use of the ground layer, by which a code that lost its leading zero (101
    stored as a number) is known, as screening knows it (domain.class_code_texts)."""
    words = {str(u).strip() for u in restored_uses} - {""}
    uses = [u for u in (field_uses or ()) if u is not None]
    codes = dict(zip(uses, domain.class_code_texts(uses)))

    def restored(word: str) -> bool:
        if not word:
            return False
        category = _mapped(word, categories)
        if word in words or category in words or category == cs.RESTORED_USE:
            return True
        code = codes.get(word, domain.plain_code(word)).upper()
        return code[:2] in _RESTORED_CLASS_HEADS and domain.land_group(code) in (
            domain.LAND_GROUP_CULTIVATED,
            domain.LAND_GROUP_AGRICULTURAL,
        )

    return restored


def _join(values: Sequence[str]) -> str:
    return cs.LIST_SEPARATOR.join(_unique(values))


# --- the part shared by the two approval audits ------------------------------------------------
@dataclass
class _ApprovalOverlay:
    ids: list[str]  # approval numbers (feature number where missing)
    geoms: np.ndarray  # local frame
    approved_area: list[float | None]
    uses: list[str]
    ground_ids: list[str]
    ground_uses: list[str]
    ground: np.ndarray  # local frame
    pair_g: np.ndarray  # ground index of each ground ∩ approval piece
    pair_a: np.ndarray  # approval index of the piece
    pair_geom: np.ndarray
    pair_area: np.ndarray  # m² by method
    owner: np.ndarray  # approval each ground feature is attributed to (-1: none)
    outside: np.ndarray  # per ground: part outside every approval it overlaps
    outside_area: np.ndarray
    inside: np.ndarray  # per approval: union of ground inside it
    inside_area: np.ndarray
    owned_outside_area: np.ndarray  # per approval: Σ outside area of the ground it owns
    # per approval: ground not in use (e.g. restored farmland) lies inside it
    idle_inside: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def _feature_ids(numbers, layer: str, field: str, what: str, msgs, fids=None) -> list[str]:
    """Each feature's number, or '#n' (said, naming layer and field) where it has none; a
    number on several features is said (_say_repeated)."""
    ids = []
    for i, number in enumerate(numbers):
        if not number:
            number = f"#{i + 1}"
            cs.say(msgs, layer, number, field, f"{what}为空，记为 {number}")
        ids.append(number)
    _say_repeated(ids, _feature_names(len(ids), fids), layer, field, what, msgs)
    return ids


def _feature_names(n: int, fids: Sequence | None) -> list[str]:
    """How messages name features 0..n-1: by the source's feature ids, else 1-based numbers."""
    if fids is None:
        return [f"#{i + 1}" for i in range(n)]
    names = [f"fid {f}" for f in fids]
    if len(names) != n:
        raise ValueError(f"{n} geometries but {len(names)} feature ids")
    return names


def _say_repeated(
    numbers: Sequence[str], names: Sequence[str], layer: str, field: str, what: str, msgs
) -> None:
    """A number on several features is said once, naming them (`names`, as _feature_names
    gives them) and the field. Each is still judged by itself and keeps its number as
    recorded, but the bureau must know its records and findings share a number (a typo or a
    copied row). Numbers are compared without surrounding spaces, as importspots compares them."""
    features: dict[str, list[str]] = {}
    for number, name in zip(numbers, names):
        features.setdefault(str(number).strip(), []).append(name)
    for number, holders in features.items():
        if len(holders) > 1:
            cs.say(
                msgs,
                layer,
                "、".join(holders),
                field,
                f"{what} {number} 重复（{len(holders)} 个要素），已逐个要素分别核查，请核对{what}",
            )


def _overlay_approvals(
    run: _Audit,
    approvals: Approvals,
    ground: Ground,
    default_layer: str,
    in_use: Callable[[str], bool] | None = None,
) -> _ApprovalOverlay:
    """Approvals against the ground. With `in_use` (a ground use word -> whether it is a use
    of the land), ground not in use is left out of every figure and piece: it is only noted,
    per approval, as lying inside it (idle_inside)."""
    msgs = run.messages
    a_layer = approvals.layer or default_layer
    g_layer = ground.layer or cs.LAYER_GROUND
    a_geoms = cs.as_geometry_array(approvals.geoms)
    na = len(a_geoms)
    ids = _feature_ids(
        _texts(approvals.numbers, na, approvals.number_field),
        a_layer,
        approvals.number_field,
        "批准文号",
        msgs,
        approvals.fids,
    )
    a_geoms = cs.repair(a_geoms, ids, a_layer, msgs, keep_polygonal=True)
    approved_area = _numbers(approvals.areas, na, a_layer, ids, approvals.area_field, msgs)
    if approvals.areas is not None:
        for i, value in enumerate(approvals.areas):
            if value is None or (isinstance(value, str) and not value.strip()):
                # said, like a missing date or use: the over-area check cannot be made
                cs.say(msgs, a_layer, ids[i], approvals.area_field, "为空，未核查是否超批准面积")
    uses = _texts(approvals.uses, na, approvals.use_field)

    g_geoms = cs.as_geometry_array(ground.geoms)
    ng = len(g_geoms)
    g_ids = cs.feature_ids(ground.ids, ng)
    g_geoms = cs.repair(g_geoms, g_ids, g_layer, msgs, keep_polygonal=True)
    g_uses = _texts(ground.uses, ng, ground.use_field)

    run.set_origin(a_geoms, g_geoms)
    a_local = run.local(a_geoms)
    g_local = run.local(g_geoms)
    idle_inside = np.zeros(na, dtype=bool)
    if in_use is not None:
        idle = np.array([not in_use(u) for u in g_uses], dtype=bool)
        if idle.any():
            _i, idle_a, _cut, _planar = _pairs(g_local[idle], a_local, run.tol)
            idle_inside[idle_a] = True
            g_local = g_local.copy()
            g_local[idle] = None
    run.report(10.0)

    pg, pa, pgeom, pplanar = _pairs(g_local, a_local, run.tol)
    parea = run.area(pgeom)
    # Each ground feature belongs to the approval it overlaps most: its outside part is that
    # approval's over-use (a feature spanning two approvals is rare and usually one project).
    owner = np.full(ng, -1)
    if len(pg):
        order = np.lexsort((-pplanar, pg))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pg[order][1:] != pg[order][:-1]
        owner[pg[order][first]] = pa[order][first]
    outside = _subtract_owned(g_local, pg, pa, a_local)
    outside_planar = np.nan_to_num(shapely.area(outside))
    outside[outside_planar <= run.tol] = None
    outside_area = np.where(shapely.is_missing(outside), 0.0, run.area(outside))
    run.report(40.0)
    inside = _group_union(pgeom, pa, na)
    inside_area = run.area(inside)
    owned = owner >= 0
    owned_outside = np.bincount(owner[owned], weights=outside_area[owned], minlength=na)
    return _ApprovalOverlay(
        ids,
        a_local,
        approved_area,
        uses,
        g_ids,
        g_uses,
        g_local,
        pg,
        pa,
        pgeom,
        parea,
        owner,
        outside,
        outside_area,
        inside,
        inside_area,
        owned_outside,
        idle_inside,
    )


def _boundary_checks(
    run: _Audit, ov: _ApprovalOverlay, owner_field: str, approved_word: str
) -> None:
    """Outside-boundary pieces (one per ground feature) and over-area per approval."""
    for g in np.flatnonzero(~shapely.is_missing(ov.outside) & (ov.owner >= 0)).tolist():
        a = int(ov.owner[g])
        run.violation(
            owner_field,
            ov.ids[a],
            a,
            cs.OUTSIDE_BOUNDARY,
            ov.outside[g],
            ov.outside_area[g],
            [ov.ground_ids[g]],
            f"实地要素 {ov.ground_ids[g]} 超出{approved_word}范围",
        )
    for a in range(len(ov.ids)):
        allowed = ov.approved_area[a]
        used = ov.inside_area[a] + ov.owned_outside_area[a]
        if allowed is None or used - allowed <= run.tol:
            continue
        owned = np.flatnonzero(ov.owner == a)
        parts = [ov.inside[a], *ov.outside[owned].tolist()]
        parts = [p for p in parts if p is not None]
        geom = cs.polygonal(cs.as_geometry_array([shapely.union_all(parts)]))[0]
        ground_ids = [ov.ground_ids[g] for g in ov.pair_g[ov.pair_a == a].tolist()]
        run.violation(
            owner_field,
            ov.ids[a],
            a,
            cs.OVER_AREA,
            geom,
            used - allowed,
            ground_ids,
            f"实际使用 {used:.2f} m²，{approved_word}面积 {allowed:.2f} m²，"
            f"超出 {used - allowed:.2f} m²（图形为全部使用范围）",
        )


def _layer_local(run: _Audit, geoms: Sequence | np.ndarray | None, layer: str) -> np.ndarray | None:
    if geoms is None:
        return None
    arr = cs.as_geometry_array(geoms)
    ids = cs.feature_ids(None, len(arr))
    return run.local(cs.repair(arr, ids, layer, run.messages, keep_polygonal=True))


def _records(
    run: _Audit,
    ov: _ApprovalOverlay,
    kinds: Sequence[ViolationKind],
    extra: list[dict],
    unchecked: Sequence[str] | None = None,
) -> list[dict]:
    """Per-approval records: figures, counts per kind and the status in words; `unchecked`
    (per approval, '' when all was checked) replaces a status that would say all is well."""
    counts = run.kind_counts(len(ov.ids))
    records = []
    for a, num in enumerate(ov.ids):
        in_pairs = ov.pair_a == a
        ground_here = ov.pair_g[in_pairs].tolist()
        used = float(round_area(ov.inside_area[a] + ov.owned_outside_area[a]))
        # Inside and outside are shares of the used area: rounded apart they can miss it by a
        # cent (1499.72 + 999.82 beside a SYMJ of 2499.53); the largest-remainder split makes
        # the record add up, as a legal figure's parts must.
        inside, outside = split_rounding(used, [ov.inside_area[a], ov.owned_outside_area[a]])
        per = counts[a]
        found = [k.label_zh for k in kinds if per.get(k.code)]
        if found:
            status = "、".join(found)
        elif shapely.is_missing(ov.geoms[a]):
            status = cs.STATUS_NO_GEOMETRY
        elif not ground_here:
            status = cs.STATUS_NOT_USED
        else:
            status = cs.STATUS_OK
        if unchecked and unchecked[a] and status in (cs.STATUS_OK, cs.STATUS_NOT_USED):
            status = unchecked[a]
        rec = {
            domain.APPROVAL_NUMBER: num,
            domain.APPROVED_USE: ov.uses[a],
            domain.APPROVAL_AREA: (
                None if ov.approved_area[a] is None else float(round_area(ov.approved_area[a]))
            ),
            cs.INSIDE_AREA: inside,
            cs.OUTSIDE_AREA: outside,
            cs.USED_AREA: used,
            cs.GROUND_IDS: _join([ov.ground_ids[g] for g in ground_here]),
            cs.GROUND_USES: _join([ov.ground_uses[g] for g in ground_here]),
        }
        rec.update(extra[a])
        for k in kinds:
            rec[cs.COUNT_PREFIX + k.code] = per.get(k.code, 0)
        rec[cs.VIOLATION_COUNT] = sum(per.values())
        rec[cs.STATUS] = status
        records.append(rec)
    return records


# --- temporary land -------------------------------------------------------------------------------
def _period_end(
    rule: str, start: _dt.date, rules: dl.DeadlineRules, calendar: WorkCalendar
) -> tuple[_dt.date, str]:
    """The last day of `rule` from `start` on the lenient `calendar`, and "（估算）" when it
    counts working days in a year without a schedule (the calendar says which file to add the
    year to in its warnings), as a case's deadline is marked."""
    due = dl.due_date(rule, start, rules, calendar)
    return due, "（估算）" if dl.is_estimate(rule, start, due, rules, calendar) else ""


def _term_checks(
    run: _Audit,
    ov: _ApprovalOverlay,
    owner_field: str,
    start: list[_dt.date | None],
    end: list[_dt.date | None],
    infrastructure: list[bool | None],
    rules: dl.DeadlineRules,
    calendar: WorkCalendar,
) -> None:
    """批准期限超过规定 where an approval's end lies after the longest term its start allows."""
    for a in range(len(ov.ids)):
        if start[a] is None or end[a] is None:
            continue
        rule = "temporary_land_max_infrastructure" if infrastructure[a] else "temporary_land_max"
        latest, estimate = _period_end(rule, start[a], rules, calendar)
        if end[a] <= latest:
            continue
        kind = "重大基础设施" if infrastructure[a] else "一般项目"
        if infrastructure[a] is None:
            kind += "（未标明是否为重大基础设施）"
        used = not shapely.is_missing(ov.inside[a])
        run.violation(
            owner_field,
            ov.ids[a],
            a,
            cs.TERM_TOO_LONG,
            ov.inside[a] if used else None,
            ov.inside_area[a] if used else 0.0,
            [ov.ground_ids[g] for g in ov.pair_g[ov.pair_a == a].tolist()],
            f"批准期限 {start[a].isoformat()} 至 {end[a].isoformat()}，{kind}临时用地期限不超过 "
            f"{rules.length_zh(rule)}（最迟 {latest.isoformat()}{estimate}）",
        )


def audit_temporary_land(
    approvals: Approvals,
    ground: Ground,
    today: _dt.date,
    rules: dl.DeadlineRules = dl.DEFAULT_RULES,
    *,
    crs: int | str,
    use_categories: Mapping[str, str] | None = None,
    restored_uses: Collection[str] = cs.TEMPORARY_RESTORED_USES,
    cultivated: Sequence | np.ndarray | None = None,
    basic_farmland: Sequence | np.ndarray | None = None,
    basic_farmland_min_level: int | None = None,
    cultivated_min_level: int | None = None,
    cultivated_max_sqm: float | None = None,
    area_method: AreaMethod | str = ELLIPSOIDAL,
    min_piece_sqm: float = domain.TOUCH_TOLERANCE_SQM,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    calendar: WorkCalendar | None = None,
) -> AuditResult:
    """Audit temporary-land approvals against the ground (all geometries in `crs`).

    Ground whose use is a restored one (复垦: a word in `restored_uses`, default
    cs.TEMPORARY_RESTORED_USES — cultivated land, gardens, forest, grassland —, a use
    `use_categories` maps to cs.RESTORED_USE, or a DLBM code 0101-0103 / 02xx-04xx) is not in
    use: it is left out of every check and figure below. Inside an expired approval it makes
    DQZT 已到期，已复垦; inside a running one the approval is simply not (yet) used.

    The periods are `rules`' (deadlines.py, a ledger's settings may change them): the term
    at most temporary_land_max (2 years), temporary_land_max_infrastructure (4 years) where
    `approvals.infrastructure` says so; restored within temporary_land_restoration (1 year).
    A period that ends on a working day (roll_forward) or counts them is counted on `calendar`
    (a ledger's work calendar, lenient; default: the official one, with no ledger's file): in
    a year without a schedule its end is an estimate, marked （估算） in the violation, and the
    messages say which file to add the year to.

    Violations (one record and geometry each):
    - 批准期限超过规定 QXCG: the end date lies after the longest term allowed from the start
      date; the geometry is the ground used inside the approval (none if nothing is used);
    - 超出批准范围 CFW: per ground feature overlapping an approval, its part outside every
      approval it overlaps, charged to the approval it overlaps most;
    - 超批准面积 CMJ: used area (inside + charged outside) above the approved area PZMJ_PF;
      WFMJ is the excess, the geometry all land used;
    - 擅自改变用途 GBYT: per ground ∩ approval piece whose use differs from the approved use,
      both mapped through `use_categories` (word -> category; unmapped words stand for
      themselves; an empty use is not judged);
    - 未批先用 WPXY: today < start and ground is already used inside the approval; the
      geometry is that ground;
    - 到期未复垦 DQWFK: today > end + the restoration period and ground is still
      used inside the approval; the geometry is that ground;
    - 占用永久基本农田审批权限不足 JBNTQX: level < `basic_farmland_min_level` and ground inside
      the approval lies on `basic_farmland`;
    - 占用耕地超审批权限 GDQX: level < `cultivated_min_level` and the ground inside the approval
      covers more than `cultivated_max_sqm` of `cultivated` land; WFMJ is the excess.
    A level check needs its layer and parameters; a missing level skips it with a message.
    Pieces under `min_piece_sqm` (planar m²) are boundary noise.
    """
    run = _Audit(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    # Lenient: a restoration period running into a year without a schedule is an estimate,
    # said, never a failure of the whole audit.
    calendar = calendar or WorkCalendar(strict=False)
    if (cultivated_min_level is None) != (cultivated_max_sqm is None):
        raise ValueError(
            "cultivated_min_level and cultivated_max_sqm go together: give both or neither"
        )
    layer = approvals.layer or cs.LAYER_APPROVALS
    ground_uses = _texts(ground.uses, len(ground.geoms), ground.use_field)
    restored = _restored_use_test(restored_uses, use_categories, ground_uses)
    ov = _overlay_approvals(
        run, approvals, ground, cs.LAYER_APPROVALS, lambda use: not restored(use)
    )
    na = len(ov.ids)
    msgs = run.messages
    start = _dates(approvals.start, na, layer, ov.ids, approvals.start_field, msgs)
    end = _dates(approvals.end, na, layer, ov.ids, approvals.end_field, msgs)
    levels = _levels(approvals.levels, na, layer, ov.ids, approvals.level_field, msgs)
    infrastructure = _flags(
        approvals.infrastructure, na, layer, ov.ids, approvals.infrastructure_field, msgs
    )
    owner_field = domain.APPROVAL_NUMBER
    _term_checks(run, ov, owner_field, start, end, infrastructure, rules, calendar)
    _boundary_checks(run, ov, owner_field, "批准")
    run.report(55.0)

    # Changed use, per piece of a ground feature inside an approval.
    # Words are mapped once per feature; the comparison runs over all pieces at once.
    seen_cat = np.array([_mapped(u, use_categories) for u in ov.ground_uses], dtype=object)
    approved_cat = np.array([_mapped(u, use_categories) for u in ov.uses], dtype=object)
    seen_k, approved_k = seen_cat[ov.pair_g], approved_cat[ov.pair_a]
    changed = (seen_k != "") & (approved_k != "") & (seen_k != approved_k)
    for k in np.flatnonzero(changed).tolist():
        g, a = int(ov.pair_g[k]), int(ov.pair_a[k])
        run.violation(
            owner_field,
            ov.ids[a],
            a,
            cs.CHANGED_USE,
            ov.pair_geom[k],
            ov.pair_area[k],
            [ov.ground_ids[g]],
            f"实地用途 {ov.ground_uses[g]}，批准用途 {ov.uses[a]}",
        )
    for a in np.flatnonzero([not u for u in ov.uses]).tolist():
        if (ov.pair_a == a).any():
            cs.say(msgs, layer, ov.ids[a], approvals.use_field, "批准用途为空，未检查改变用途")

    # Expiry: used inside the approval before its start, or after the end date plus the
    # restoration period.
    end_problems = _date_problems(approvals.end, end)
    start_problems = _date_problems(approvals.start, start)
    expiry = []
    for a in range(na):
        used = ov.inside_area[a] > 0 and not shapely.is_missing(ov.inside[a])
        ground_ids = [ov.ground_ids[g] for g in ov.pair_g[ov.pair_a == a].tolist()]
        if end[a] is None and (approvals.end is not None or used):
            cs.say(msgs, layer, ov.ids[a], approvals.end_field, "截止日期缺失，未检查到期复垦")
        if start[a] is not None and today < start[a]:
            expiry.append(cs.EXPIRY_NOT_STARTED)
            if used:
                run.violation(
                    owner_field,
                    ov.ids[a],
                    a,
                    cs.USED_BEFORE_START,
                    ov.inside[a],
                    ov.inside_area[a],
                    ground_ids,
                    f"起始日期 {start[a].isoformat()}，检查日 {today.isoformat()} 已在使用",
                )
            continue
        if end[a] is None:
            expiry.append(end_problems[a][0] or cs.EXPIRY_UNKNOWN)
            continue
        deadline, estimate = _period_end("temporary_land_restoration", end[a], rules, calendar)
        if today <= end[a]:
            expiry.append(cs.EXPIRY_VALID)
        elif today <= deadline:
            expiry.append(cs.EXPIRY_IN_RESTORATION)
        elif used:
            expiry.append(cs.EXPIRY_NOT_RESTORED)
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.EXPIRED_NOT_RESTORED,
                ov.inside[a],
                ov.inside_area[a],
                ground_ids,
                f"截止 {end[a].isoformat()}，复垦期限 {deadline.isoformat()}{estimate}，仍在使用",
            )
        elif ov.idle_inside[a]:
            expiry.append(cs.EXPIRY_RESTORED_SEEN)
        else:
            expiry.append(cs.EXPIRY_RESTORED)
    run.messages.extend(calendar.warnings)  # each year estimated, and where it goes
    run.report(70.0)

    # Cultivated land and basic farmland against the approval level.
    cult_local = _layer_local(run, cultivated, cs.LAYER_CULTIVATED)
    bf_local = _layer_local(run, basic_farmland, cs.LAYER_BASIC_FARMLAND)
    cult_geom = np.full(na, None, dtype=object)
    bf_geom = np.full(na, None, dtype=object)
    if cult_local is not None:
        cult_geom = _clip(ov.inside, cult_local, run.tol)
    if bf_local is not None:
        bf_geom = _clip(ov.inside, bf_local, run.tol)
    cult_area = run.area(cult_geom)
    bf_area = run.area(bf_geom)
    if basic_farmland_min_level is not None and bf_local is None:
        msgs.append("未提供永久基本农田图层，未检查审批权限")
    if cultivated_min_level is not None and cult_local is None:
        msgs.append("未提供耕地图层，未检查审批权限")
    for given, words in (
        (basic_farmland_min_level, "占用永久基本农田所需的最低审批层级"),
        (cultivated_min_level, "占用耕地所需的最低审批层级及其面积上限"),
    ):
        if given is None:
            msgs.append(f"未给出{words}，未核查该项审批权限 / not given: {words}, not checked")
    # Per approval, the level checks that could not be made (said in JCJG, never 未发现问题).
    level_unchecked: list[list[str]] = [[] for _ in range(na)]
    for a in range(na):
        if not np.any(ov.pair_a == a):
            continue  # nothing used inside: no land taken whose approval level could matter
        if (basic_farmland_min_level is None or bf_local is None) and (
            bf_local is None or bf_area[a] > 0
        ):
            level_unchecked[a].append("永久基本农田审批权限")
        if (cultivated_min_level is None or cult_local is None) and (
            cult_local is None or cult_area[a] > 0
        ):
            level_unchecked[a].append("耕地审批权限")
    for a in range(na):
        checks_bf = basic_farmland_min_level is not None and bf_area[a] > 0
        checks_cult = cultivated_min_level is not None and cult_area[a] > 0
        if not (checks_bf or checks_cult):
            continue
        level = levels[a]
        if level is None:
            cs.say(
                msgs,
                layer,
                ov.ids[a],
                approvals.level_field,
                "审批层级缺失，未检查占用耕地/永久基本农田的审批权限",
            )
            level_unchecked[a].append("审批层级缺失")
            continue
        ground_ids = [ov.ground_ids[g] for g in ov.pair_g[ov.pair_a == a].tolist()]
        if checks_bf and level < basic_farmland_min_level:
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.BASIC_FARMLAND_LEVEL,
                bf_geom[a],
                bf_area[a],
                ground_ids,
                f"审批层级 {level} 低于占用永久基本农田所需层级 {basic_farmland_min_level}",
            )
        if (
            checks_cult
            and level < cultivated_min_level
            and cult_area[a] - cultivated_max_sqm > run.tol
        ):
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.CULTIVATED_LEVEL,
                cult_geom[a],
                cult_area[a] - cultivated_max_sqm,
                ground_ids,
                f"审批层级 {level} 低于 {cultivated_min_level}，占用耕地 {cult_area[a]:.2f} m²，"
                f"超过允许的 {cultivated_max_sqm:.2f} m²，超出 "
                f"{cult_area[a] - cultivated_max_sqm:.2f} m²",
            )
    run.report(90.0)

    extra = [
        {
            domain.APPROVAL_START: None if start[a] is None else start[a].isoformat(),
            domain.APPROVAL_END: None if end[a] is None else end[a].isoformat(),
            cs.EXPIRY_STATUS: expiry[a],
            cs.APPROVAL_LEVEL: levels[a],
            domain.CULTIVATED_AREA: None if cult_local is None else float(round_area(cult_area[a])),
            domain.BASIC_FARMLAND_AREA: None if bf_local is None else float(round_area(bf_area[a])),
        }
        for a in range(na)
    ]
    # An invalid date is said before a missing one (the bureau can correct a typo).
    unchecked = []
    for a in range(na):
        problems = [p for p in (end_problems[a], start_problems[a]) if p[1]]
        problems.sort(key=lambda p: p[0] != cs.EXPIRY_INVALID)
        unchecked.append(
            problems[0][1]
            if problems
            else cs.not_checked(level_unchecked[a])
            if level_unchecked[a]
            else ""
        )
    records = _records(run, ov, cs.TEMPORARY_KINDS, extra, unchecked)
    run.report(100.0)
    return run.result(records)


# --- facility agricultural land -------------------------------------------------------------------
def audit_facility_land(
    filings: Approvals,
    ground: Ground,
    *,
    crs: int | str,
    auxiliary_uses: Collection[str],
    auxiliary_max_share: float | None,
    auxiliary_max_sqm: float | None,
    non_agricultural_uses: Collection[str] = cs.FACILITY_NON_AGRICULTURAL_USES,
    use_categories: Mapping[str, str] | None = None,
    basic_farmland: Sequence | np.ndarray | None = None,
    basic_farmland_allowed_uses: Collection[str] = (),
    area_method: AreaMethod | str = ELLIPSOIDAL,
    min_piece_sqm: float = domain.TOUCH_TOLERANCE_SQM,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> AuditResult:
    """Audit facility agricultural land filings (设施农用地备案) against the ground.

    Ground uses are mapped through `use_categories` first. Violations:
    - 超出批准范围 CFW and 超批准面积 CMJ as for temporary land (filed area = PZMJ_PF);
    - 擅自改变用途 GBYT: ground inside a filing whose use is in `non_agricultural_uses`
      (documented default cs.FACILITY_NON_AGRICULTURAL_USES: housing, villas, …);
    - 辅助设施超标 FZCB: ground inside a filing whose use is in `auxiliary_uses` adds up to
      more than `auxiliary_max_share` × filed area or more than `auxiliary_max_sqm`, the
      smaller limit binding (both are required arguments, None skips that limit: provincial
      rules differ); WFMJ is the excess, the geometry all auxiliary facilities;
    - 违规占用永久基本农田 ZYJBNT: ground inside a filing on `basic_farmland` whose use is not
      in `basic_farmland_allowed_uses` (default none: list e.g. planting sheds that keep the
      plough layer when the province allows them).
    Where the filed area is missing, the share limit uses the filing boundary's area.
    """
    run = _Audit(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    if auxiliary_max_share is not None and not 0 <= auxiliary_max_share <= 1:
        raise ValueError(f"auxiliary_max_share is a fraction 0..1: {auxiliary_max_share}")
    layer = filings.layer or cs.LAYER_FILINGS
    ov = _overlay_approvals(run, filings, ground, cs.LAYER_FILINGS)
    na = len(ov.ids)
    owner_field = domain.APPROVAL_NUMBER
    _boundary_checks(run, ov, owner_field, "备案")
    run.report(55.0)

    mapped = [_mapped(u, use_categories) for u in ov.ground_uses]
    non_agri = {_mapped(str(u).strip(), use_categories) for u in non_agricultural_uses}
    auxiliary = {_mapped(str(u).strip(), use_categories) for u in auxiliary_uses}
    allowed_bf = {_mapped(str(u).strip(), use_categories) for u in basic_farmland_allowed_uses}
    pair_use = [mapped[g] for g in ov.pair_g.tolist()]
    for k, use in enumerate(pair_use):
        if use and use in non_agri:
            g, a = int(ov.pair_g[k]), int(ov.pair_a[k])
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.CHANGED_USE,
                ov.pair_geom[k],
                ov.pair_area[k],
                [ov.ground_ids[g]],
                f"实地用途 {ov.ground_uses[g]} 属非农业用途，备案用途 {ov.uses[a]}",
            )

    # Auxiliary facilities per filing.
    is_aux = np.array([bool(u) and u in auxiliary for u in pair_use], dtype=bool)
    aux_area = np.bincount(ov.pair_a[is_aux], weights=ov.pair_area[is_aux], minlength=na)
    aux_geom = _group_union(ov.pair_geom[is_aux], ov.pair_a[is_aux], na)
    boundary_area = run.area(ov.geoms)
    for a in range(na):
        if aux_area[a] <= run.tol:
            continue
        limits = []
        if auxiliary_max_share is not None:
            base = ov.approved_area[a]
            if base is None:
                base = float(boundary_area[a])
                cs.say(
                    run.messages,
                    layer,
                    ov.ids[a],
                    filings.area_field,
                    "备案面积缺失，辅助设施比例按备案范围面积计算",
                )
            limits.append((auxiliary_max_share * base, f"备案面积的 {auxiliary_max_share:.0%}"))
        if auxiliary_max_sqm is not None:
            limits.append((float(auxiliary_max_sqm), f"{auxiliary_max_sqm:.2f} m²"))
        if not limits:
            continue
        limit, words = min(limits, key=lambda t: t[0])
        if aux_area[a] - limit > run.tol:
            ground_ids = [ov.ground_ids[g] for g in ov.pair_g[(ov.pair_a == a) & is_aux].tolist()]
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.AUXILIARY_OVER_LIMIT,
                aux_geom[a],
                aux_area[a] - limit,
                ground_ids,
                f"辅助设施 {aux_area[a]:.2f} m²，上限 {limit:.2f} m²（{words}），"
                f"超出 {aux_area[a] - limit:.2f} m²",
            )
    run.report(75.0)

    bf_local = _layer_local(run, basic_farmland, cs.LAYER_BASIC_FARMLAND)
    bf_area_per = np.zeros(na)
    if bf_local is not None:
        on_bf = _clip(ov.pair_geom, bf_local, run.tol)
        on_bf_area = run.area(on_bf)
        bf_area_per = np.bincount(ov.pair_a, weights=on_bf_area, minlength=na)
        for k in np.flatnonzero(~shapely.is_missing(on_bf)).tolist():
            if pair_use[k] in allowed_bf and pair_use[k]:
                continue
            g, a = int(ov.pair_g[k]), int(ov.pair_a[k])
            run.violation(
                owner_field,
                ov.ids[a],
                a,
                cs.BASIC_FARMLAND_FACILITY,
                on_bf[k],
                on_bf_area[k],
                [ov.ground_ids[g]],
                f"实地用途 {ov.ground_uses[g] or '（空）'} 不允许占用永久基本农田",
            )
    run.report(90.0)
    # A check not made is said, not passed over as 未发现问题: the office reads JCJG alone.
    unchecked = [""] * na
    if auxiliary_max_share is None and auxiliary_max_sqm is None:
        run.messages.append(
            "未给出辅助设施上限（比例或面积），未核查辅助设施是否超标 / no limit for auxiliary "
            "facilities was given: they were not checked"
        )
        unchecked = [
            cs.not_checked(["辅助设施上限"]) if aux_area[a] > run.tol else "" for a in range(na)
        ]
    extra = [
        {
            cs.AUXILIARY_AREA: float(round_area(aux_area[a])),
            domain.BASIC_FARMLAND_AREA: (
                None if bf_local is None else float(round_area(bf_area_per[a]))
            ),
        }
        for a in range(na)
    ]
    records = _records(run, ov, cs.FACILITY_KINDS, extra, unchecked)
    run.report(100.0)
    return run.result(records)


# --- mining ---------------------------------------------------------------------------------------
def audit_mining(
    activity: Ground,
    licences: Licences,
    today: _dt.date,
    no_go_layers: Mapping[str, Sequence | np.ndarray | tuple] | None = None,
    *,
    crs: int | str,
    mining_kinds: Collection[str] | None = None,
    area_method: AreaMethod | str = ELLIPSOIDAL,
    min_piece_sqm: float = domain.TOUCH_TOLERANCE_SQM,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> AuditResult:
    """Audit mining activity (points or polygons) against licences and no-go areas.

    `activity.uses` holds the spot type; with `mining_kinds` only those activities are
    audited. `no_go_layers` maps a name (禁采区, 生态保护红线, 三区两线 …) to geometries or
    to (geometries, labels). Violations, one per activity unless said:
    - 无证开采 WZKC: overlaps no licence (a polygon by more than `min_piece_sqm`);
    - 越界开采 YJKC: the part outside every licence it overlaps;
    - 超期开采 CQKC: per licence not valid today (before its start or after its end), the part
      of the activity inside it and inside no valid licence; a licence with a missing date is
      taken as valid on that side, with a message;
    - 禁区开采 JQKC: per no-go layer, the part inside it, with the features' labels.
    Records per activity: KCBH, KCMJ, XKZH (licences overlapped), CFWMJ, JQMC, JQMJ, counts.
    """
    run = _Audit(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    msgs = run.messages
    act_layer = activity.layer or cs.LAYER_ACTIVITY
    lic_layer = licences.layer or cs.LAYER_LICENCES
    act = cs.as_geometry_array(activity.geoms)
    act_ids = cs.feature_ids(activity.ids, len(act))
    # Which numbers were recorded: a blank one is given the feature's position ("3"), which
    # must not be said to repeat an activity really numbered 3.
    act_given = [
        activity.ids is not None and v is not None and str(v).strip() != ""
        for v in (activity.ids if activity.ids is not None else act_ids)
    ]
    act_names = _feature_names(len(act), activity.fids)
    act_kinds = _texts(activity.uses, len(act), activity.use_field)
    if mining_kinds is not None:
        wanted = {str(k).strip() for k in mining_kinds}
        keep = np.array([k in wanted for k in act_kinds], dtype=bool)
        act = act[keep]
        act_ids = [i for i, k in zip(act_ids, keep.tolist()) if k]
        act_names = [i for i, k in zip(act_names, keep.tolist()) if k]
        act_given = [g for g, k in zip(act_given, keep.tolist()) if k]
    # Only the activities audited: a record per activity shares its KCBH with another's.
    _say_repeated(
        [i for i, g in zip(act_ids, act_given) if g],
        [n for n, g in zip(act_names, act_given) if g],
        act_layer,
        activity.id_field,
        "开采活动编号",
        msgs,
    )
    act = cs.repair(act, act_ids, act_layer, msgs, keep_polygonal=False)
    n = len(act)

    lic = cs.as_geometry_array(licences.geoms)
    nl = len(lic)
    lic_ids = _feature_ids(
        _texts(licences.numbers, nl, licences.number_field),
        lic_layer,
        licences.number_field,
        "许可证号",
        msgs,
        licences.fids,
    )
    lic = cs.repair(lic, lic_ids, lic_layer, msgs, keep_polygonal=True)
    v_from = _dates(licences.valid_from, nl, lic_layer, lic_ids, licences.from_field, msgs)
    v_to = _dates(licences.valid_to, nl, lic_layer, lic_ids, licences.to_field, msgs)
    valid = np.ones(nl, dtype=bool)
    for i in range(nl):
        if shapely.is_missing(lic[i]):
            continue
        if v_from[i] is None and licences.valid_from is not None:
            cs.say(
                msgs, lic_layer, lic_ids[i], licences.from_field, "有效期起始日期缺失，按有效处理"
            )
        if v_to[i] is None:
            cs.say(msgs, lic_layer, lic_ids[i], licences.to_field, "有效期截止日期缺失，按有效处理")
        if (v_from[i] is not None and today < v_from[i]) or (
            v_to[i] is not None and today > v_to[i]
        ):
            valid[i] = False

    no_go: list[tuple[str, np.ndarray, list[str]]] = []
    for name, value in (no_go_layers or {}).items():
        if isinstance(value, tuple):
            geoms, labels = value
        else:
            geoms, labels = value, None
        arr = cs.as_geometry_array(geoms)
        labs = cs.feature_ids(labels, len(arr))
        arr = cs.repair(arr, labs, str(name), msgs, keep_polygonal=True)
        no_go.append((str(name), arr, labs))

    run.set_origin(act, lic, *[g for _n, g, _l in no_go])
    act_l = run.local(act)
    lic_l = run.local(lic)
    run.report(15.0)

    is_poly = (shapely.get_dimensions(act_l) == 2) & ~shapely.is_missing(act_l)
    act_area = np.where(is_poly, run.area(act_l), 0.0)
    # Activity x licence links: polygons by overlap area, points and lines by intersection.
    i_all, j_all = _links(act_l, lic_l)
    poly_link = is_poly[i_all]
    cut = np.full(len(i_all), None, dtype=object)
    if poly_link.any():
        cut[poly_link] = cs.polygonal(
            shapely.intersection(act_l[i_all[poly_link]], lic_l[j_all[poly_link]])
        )
    keep = ~poly_link | (np.nan_to_num(shapely.area(cut)) > run.tol)
    li, lj, lcut = i_all[keep], j_all[keep], cut[keep]
    run.report(35.0)

    owner_field = cs.ACTIVITY_ID
    linked = np.zeros(n, dtype=bool)
    linked[li] = True
    for i in np.flatnonzero(~linked & ~shapely.is_missing(act_l)).tolist():
        run.violation(
            owner_field,
            act_ids[i],
            i,
            cs.NO_LICENCE,
            act_l[i],
            act_area[i],
            [act_ids[i]],
            "未与任何采矿许可范围重叠",
        )

    # Out of bounds: a polygon minus every licence it overlaps.
    outside = _subtract_owned(act_l, li, lj, lic_l)
    outside[~is_poly] = None
    out_area = np.where(np.nan_to_num(shapely.area(outside)) > run.tol, run.area(outside), 0.0)
    for i in np.flatnonzero(out_area > 0).tolist():
        nums = [lic_ids[j] for j in lj[li == i].tolist()]
        run.violation(
            owner_field,
            act_ids[i],
            i,
            cs.OUT_OF_BOUNDS,
            outside[i],
            out_area[i],
            [act_ids[i]],
            f"超出采矿许可范围（许可证 {_join(nums)}）",
        )
    run.report(55.0)

    # Expired licences: the part covered by no valid licence.
    ok_link = valid[lj]
    valid_cover = _group_union(lic_l[lj[ok_link]], li[ok_link], n)
    for k in np.flatnonzero(~ok_link).tolist():
        i, j = int(li[k]), int(lj[k])
        window = f"{v_from[j] or '…'} 至 {v_to[j] or '…'}"
        if is_poly[i]:
            piece = lcut[k]
            if not shapely.is_missing(valid_cover[i]):
                piece = cs.polygonal(
                    cs.as_geometry_array([shapely.difference(piece, valid_cover[i])])
                )[0]
            if piece is None or shapely.area(piece) <= run.tol:
                continue
            area = float(run.area(cs.as_geometry_array([piece]))[0])
        else:
            if not shapely.is_missing(valid_cover[i]) and shapely.intersects(
                act_l[i], valid_cover[i]
            ):
                continue
            piece, area = act_l[i], 0.0
        run.violation(
            owner_field,
            act_ids[i],
            i,
            cs.EXPIRED_LICENCE,
            piece,
            area,
            [act_ids[i]],
            f"许可证 {lic_ids[j]} 有效期 {window}，检查日 {today.isoformat()}",
        )
    run.report(70.0)

    # No-go areas: per layer, the activity's part inside the union of the layer's features.
    hit_names: list[list[str]] = [[] for _ in range(n)]
    hit_geoms: list[list[shapely.Geometry]] = [[] for _ in range(n)]
    for name, arr, labs in no_go:
        layer_l = run.local(arr)
        i_all, j_all = _links(act_l, layer_l)
        poly = is_poly[i_all]
        cut = np.full(len(i_all), None, dtype=object)
        if poly.any():
            cut[poly] = cs.polygonal(shapely.intersection(act_l[i_all[poly]], layer_l[j_all[poly]]))
        ok = ~poly | (np.nan_to_num(shapely.area(cut)) > run.tol)
        i_all, j_all, cut = i_all[ok], j_all[ok], cut[ok]
        per_act = _group_union(cut[is_poly[i_all]], i_all[is_poly[i_all]], n)
        for i in np.unique(i_all).tolist():
            labels = _join([labs[j] for j in j_all[i_all == i].tolist()])
            if is_poly[i]:
                piece = per_act[i]
                area = float(run.area(cs.as_geometry_array([piece]))[0])
                hit_geoms[i].append(piece)
            else:
                piece, area = act_l[i], 0.0
            hit_names[i].append(f"{name}:{labels}")
            run.violation(
                owner_field,
                act_ids[i],
                i,
                cs.IN_NO_GO,
                piece,
                area,
                [act_ids[i]],
                f"位于{name}（{labels}）",
            )
    run.report(90.0)

    counts = run.kind_counts(n)
    records = []
    for i in range(n):
        per = counts[i]
        found = [k.label_zh for k in cs.MINING_KINDS if per.get(k.code)]
        geoms = hit_geoms[i]
        no_go_area = (
            float(run.area(cs.as_geometry_array([shapely.union_all(geoms)]))[0]) if geoms else 0.0
        )
        rec = {
            cs.ACTIVITY_ID: act_ids[i],
            cs.ACTIVITY_AREA: float(round_area(act_area[i])),
            cs.LICENCE_NUMBER: _join([lic_ids[j] for j in lj[li == i].tolist()]),
            cs.OUTSIDE_AREA: float(round_area(out_area[i])),
            cs.NO_GO_NAMES: cs.LIST_SEPARATOR.join(hit_names[i]),
            cs.NO_GO_AREA: float(round_area(no_go_area)),
        }
        for k in cs.MINING_KINDS:
            rec[cs.COUNT_PREFIX + k.code] = per.get(k.code, 0)
        rec[cs.VIOLATION_COUNT] = sum(per.values())
        if found:
            rec[cs.STATUS] = "、".join(found)
        else:
            no_geom = shapely.is_missing(act_l[i])
            rec[cs.STATUS] = cs.STATUS_NO_GEOMETRY if no_geom else cs.STATUS_OK
        records.append(rec)
    run.report(100.0)
    return run.result(records)


def _links(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with a[i] intersecting b[j], both may hold None."""
    ok_b = np.flatnonzero(~shapely.is_missing(b))
    if len(ok_b) == 0 or len(a) == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    i, jj = shapely.STRtree(b[ok_b]).query(a, predicate="intersects")
    return i, ok_b[jj]
