"""What every approval audit shares: its inputs and result, the run (local frame, area method,
noise tolerance, messages, violations) and the readers of attribute columns."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
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
    split_rounding,
    to_local,
)
from .campaigns_schema import ViolationKind
from .dates import as_typed, parse_date

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
class AuditRun:
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
        # The violations of each (owning feature, kind code), in the order made: share_figure
        # is asked once an owner, and scanned every violation each time.
        self.v_made: dict[tuple[int, str], list[int]] = {}

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
        self.v_made.setdefault((feature, kind.code), []).append(len(self.v_records))
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

    def share_figure(
        self, feature: int, kind: ViolationKind, total: float, areas_sqm: Sequence[float]
    ) -> None:
        """Give the ``feature``-th owner's violations of ``kind`` (``areas_sqm`` their areas
        unrounded, in the order they were made) the shares of ``total``, the owner's record's
        figure of that land, by largest remainder: rounded one by one, two pieces of 0.005 m²
        each showed 0.01 beside a record's 0.01 for both, not adding up. Pieces that overlap
        (two ground features over one site) cannot add up to the land they cover together,
        and keep their own figures."""
        made = self.v_made.get((feature, kind.code), [])
        if not made or len(made) != len(areas_sqm):
            return
        if abs(float(np.sum(areas_sqm)) - total) > 0.01 * len(made):  # beyond their rounding
            return
        for k, share in zip(made, split_rounding(total, list(areas_sqm))):
            self.v_records[k][cs.VIOLATION_AREA] = float(share)

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
                    cs.VIOLATION_CODE: join_unique([r[cs.VIOLATION_CODE] for r in recs]),
                    cs.VIOLATION_KIND: "、".join(_unique([r[cs.VIOLATION_KIND] for r in recs])),
                    cs.VIOLATION_AREA: float(round_area(area)),
                    cs.GROUND_IDS: join_unique(
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


def feature_texts(values: Sequence | None, n: int, what: str) -> list[str]:
    """A text attribute of `n` features, one string each (stripped; "" for NULL, or for all
    when the layer has no such field); ValueError naming `what` when the count differs."""
    if values is None:
        return [""] * n
    out = ["" if v is None else str(v).strip() for v in values]
    if len(out) != n:
        raise ValueError(f"{n} geometries but {len(out)} {what}")
    return out


# Units an approved area is typed with, and m² in each: m² as such, and the two the bureau's
# papers use. A converted value is said in the log, as the figure checked is then not the one
# typed.
_SQM_UNITS = ("平方米", "平米", "m²", "m2", "㎡")
_AREA_UNITS = (
    *((unit, 1.0, "") for unit in _SQM_UNITS),
    ("公顷", float(domain.SQM_PER_HECTARE), "公顷"),
    ("亩", domain.SQM_PER_HECTARE / domain.MU_PER_HECTARE, "亩"),
)
# A thousands separator between digits: 2,500 or 1,234,567.5.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def _area_typed(text: str) -> tuple[float, str]:
    """(m², the unit converted from or "") of an area typed as a text: thousands separators
    and full-width digits read, a unit of _AREA_UNITS after the number; ValueError if not."""
    typed = _THOUSANDS.sub("", as_typed(text).strip())
    for unit, sqm, said in _AREA_UNITS:
        if typed.lower().endswith(unit.lower()):
            return float(typed[: -len(unit)].strip()) * sqm, said
    return float(typed), ""


def number_column(
    values: Sequence | None,
    n: int,
    layer: str,
    ids: list[str],
    fld: str,
    messages: list[str],
    area: bool = False,
) -> list[float | None]:
    """The numbers of a field; with `area`, texts such as 2,500 and 2500平方米 read too, and
    亩 or 公顷 converted to m² (said). Anything else is said and taken as missing."""
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
            if area and isinstance(v, str):
                x, converted = _area_typed(v)
                if converted and math.isfinite(x):
                    cs.say(
                        messages,
                        layer,
                        ids[i],
                        fld,
                        f"{v!r} 按{converted}换算为 {x:.2f} 平方米核查",
                        f"{v!r} converted from {converted} to {x:.2f} m² for the checks",
                    )
            else:
                x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        if not math.isfinite(x) or x < 0:
            cs.say(
                messages,
                layer,
                ids[i],
                fld,
                f"不是有效的非负数值 ({v!r})，按缺失处理",
                f"not a valid non-negative number ({v!r}): taken as missing",
            )
            out.append(None)
        else:
            out.append(x)
    return out


def level_column(
    values: Sequence | None, n: int, layer: str, ids: list[str], fld: str, messages: list[str]
) -> list[int | None]:
    """Approval levels: whole ranks (1 county, 2 city, 3 province); anything else is said and
    taken as missing."""
    out: list[int | None] = []
    for i, level in enumerate(number_column(values, n, layer, ids, fld, messages)):
        if level is not None and not level.is_integer():
            cs.say(
                messages,
                layer,
                ids[i],
                fld,
                f"审批层级应为整数 ({level:g})，按缺失处理",
                f"an approval level is a whole number ({level:g}): taken as missing",
            )
            level = None
        out.append(None if level is None else int(level))
    return out


def date_column(
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
            serial = _excel_serial_day(v)
            hint_zh = hint_en = ""
            if serial is not None:  # not read as that day: the column may hold other numbers
                hint_zh = f"（若为 Excel 日期序号，即 {serial}，请改为日期格式）"
                hint_en = f" (an Excel date number? it would be {serial}: write it as a date)"
            cs.say(
                messages,
                layer,
                ids[i],
                fld,
                f"不是有效日期 ({v!r})，按缺失处理{hint_zh}",
                f"not a valid date ({v!r}): taken as missing{hint_en}",
            )
            out.append(None)
    return out


# Excel's day 0 (its 1900 leap-year bug included): a date copied out of a sheet as a number.
_EXCEL_DAY_ZERO = _dt.date(1899, 12, 30)


def _excel_serial_day(value) -> _dt.date | None:
    """The day an Excel date number stands for, when `value` reads as one of 1950-2099."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if not number.is_integer() or not 18264 <= number <= 73050:
        return None
    return _EXCEL_DAY_ZERO + _dt.timedelta(days=int(number))


def refuse_reversed_terms(
    start: list[_dt.date | None],
    end: list[_dt.date | None],
    layer: str,
    ids: list[str],
    fields: tuple[str, str],
    messages: list[str],
) -> None:
    """Take a term whose end comes before its start (a year mistyped: 2025-03-01 to
    2025-02-28) as unreadable, both dates, and say so naming both fields: read as typed, an
    approval was charged 到期未复垦 and a licence 超期开采 on a date nobody meant."""
    for i, (first, last) in enumerate(zip(start, end)):
        if first is not None and last is not None and last < first:
            cs.say(
                messages,
                layer,
                ids[i],
                "、".join(fields),
                f"截止日期 {last} 早于起始日期 {first}，两者均按无效处理",
                f"the end {last} comes before the start {first}: both taken as not dates",
            )
            start[i] = end[i] = None


_YES = {"是", "1", "true", "t", "y", "yes"}
_NO = {"否", "0", "false", "f", "n", "no"}


def flag_column(
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
                cs.say(
                    messages,
                    layer,
                    ids[i],
                    fld,
                    f"不是“是/否”({v!r})，按未标明处理",
                    f"not 是 or 否 ({v!r}): taken as not stated",
                )
            out.append(None)
    return out


def date_problems(raw: Sequence | None, parsed: list[_dt.date | None]) -> list[tuple[str, str]]:
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


def group_union(geoms: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
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


def present_areas(run: AuditRun, geoms: np.ndarray) -> np.ndarray:
    """The area (m², by the run's method) of each geometry, 0 where there is none."""
    out = np.zeros(len(geoms))
    present = ~shapely.is_missing(geoms)
    if present.any():
        out[present] = run.area(geoms[present])
    return out


def union_areas(run: AuditRun, geoms: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """The area of the union of each group's geometries, 0 for an empty group: land two
    overlapping features share counts once."""
    return present_areas(run, group_union(geoms, groups, n))


def overlapping_pairs(
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


def clip_local(geoms: np.ndarray, layer_local: np.ndarray, tol: float) -> np.ndarray:
    """Each geometry cut to the union of the layer features it overlaps (None where none)."""
    i, _j, cut, _ = overlapping_pairs(geoms, layer_local, tol)
    return group_union(cut, i, len(geoms))


def subtract_owned(
    geoms: np.ndarray, pair_geom: np.ndarray, pair_other: np.ndarray, others: np.ndarray
) -> np.ndarray:
    """geoms[k] minus the union of others touched by it (pair_geom[k] -> pair_other[k])."""
    n = len(geoms)
    out = np.full(n, None, dtype=object)
    if len(pair_geom) == 0:
        return out
    cover = group_union(others[pair_other], pair_geom, n)
    has = np.flatnonzero(~shapely.is_missing(cover))
    out[has] = cs.polygonal(shapely.difference(geoms[has], cover[has]))
    return out


def mapped_use(word: str, categories: Mapping[str, str] | None) -> str:
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


def restored_use_test(
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
        category = mapped_use(word, categories)
        if word in words or category in words or category == cs.RESTORED_USE:
            return True
        code = codes.get(word, domain.plain_code(word)).upper()
        # Any known code of those heads: 0404 other grassland is grassland back, though the
        # three-class table counts it unused land; an unknown one (0199) is not a use.
        return code[:2] in _RESTORED_CLASS_HEADS and domain.land_group(code) is not None

    return restored


def join_unique(values: Sequence[str]) -> str:
    return cs.LIST_SEPARATOR.join(_unique(values))


def feature_ids(
    numbers, layer: str, field: str, what: tuple[str, str], msgs, fids=None
) -> list[str]:
    """Each feature's number (`what` names it, zh and en). A blank number is a row the bureau
    must fill in: the feature stands in by its name (fid N; its position without fids), and
    each is said as a blank `what` naming the layer, that feature and the field, so the user
    can find the row. A number on several features is said (say_repeated); a stand-in is
    never said to repeat a number really recorded so."""
    names = feature_names(len(numbers), fids)
    ids, recorded = [], []
    for number, name in zip(numbers, names):
        if not number:
            cs.say(
                msgs,
                layer,
                name,
                field,
                f"{what[0]}为空，记为 {name}，请补填",
                f"the {what[1]} is blank, recorded as {name}: fill it in",
            )
        ids.append(number or name)
        recorded.append(bool(number))
    say_repeated(
        [i for i, r in zip(ids, recorded) if r],
        [n for n, r in zip(names, recorded) if r],
        layer,
        field,
        what[0],
        msgs,
    )
    return ids


def feature_names(n: int, fids: Sequence | None) -> list[str]:
    """How messages name features 0..n-1: by the source's feature ids, else 1-based numbers."""
    if fids is None:
        return [f"#{i + 1}" for i in range(n)]
    names = [f"fid {f}" for f in fids]
    if len(names) != n:
        raise ValueError(f"{n} geometries but {len(names)} feature ids")
    return names


def say_repeated(
    numbers: Sequence[str], names: Sequence[str], layer: str, field: str, what: str, msgs
) -> None:
    """A number on several features is said once, naming them (`names`, as feature_names
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
                f"{number} is repeated ({len(holders)} features): each feature was checked by "
                "itself; check the numbers",
            )
