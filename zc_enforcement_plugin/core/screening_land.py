"""The land-class split of each spot: GDMJ, FGNYDMJ, JSYDMJ, WLYDMJ and WDCMJ adding up to TBMJ in
cents, field ridges deducted on request, new construction land."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely

from . import domain
from .areas import (
    AreaMethod,
    areas,
    round_area,
    split_rounding_rows,
)
from .screening_overlay import (
    TOL,
    LayerInput,
    Overlay,
    feature_names,
    group_unions,
    polygonal,
    shows,
)

UNKNOWN_GROUP = len(domain.LAND_GROUPS)  # column of parcels whose class code has no group


def land_use_split(
    ov: Overlay,
    layer: LayerInput,
    spot_area: np.ndarray,
    spots_local: np.ndarray,
    keys: list[str],
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
    deduct_ridges: bool,
    fields: dict[str, np.ndarray],
    unrounded: dict[str, np.ndarray],
    messages: list[str],
) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """GDMJ/FGNYDMJ/JSYDMJ/WLYDMJ/WDCMJ (adding up to TBMJ).

    Returns the gross cultivated area per spot and a function giving the union of cultivated
    pieces for chosen spots (for the unapproved and criminal figures, needed by few spots).
    """
    n = len(spot_area)
    n_groups = len(domain.LAND_GROUPS) + 1
    codes = (
        np.array(domain.class_code_texts(layer.class_codes), dtype=object)
        if layer.class_codes is not None
        else np.full(len(layer.geoms), "", dtype=object)
    )
    # Classify each distinct code once, not each parcel.
    group_of = {g: i for i, g in enumerate(domain.LAND_GROUPS)}
    code_text = codes[ov.feat]
    distinct, inverse = np.unique(code_text.astype(str), return_inverse=True)
    gidx = np.array([group_of.get(domain.land_group(c), UNKNOWN_GROUP) for c in distinct])
    group = gidx[inverse] if len(ov.spot) else np.zeros(0, dtype=int)

    by_group = np.bincount(ov.spot * n_groups + group, weights=ov.area, minlength=n * n_groups)
    by_group = by_group.reshape(n, n_groups)
    count = np.bincount(ov.spot, minlength=n)
    planar_sum = np.bincount(ov.spot, weights=ov.planar, minlength=n)
    spot_planar = shapely.area(spots_local)
    spot_planar = np.nan_to_num(spot_planar, nan=0.0)

    # Overlapping parcels (bad data). Σ pieces > spot is proof; Σ pieces < spot with ≥ 2 pieces
    # may hide an overlap behind a gap, so those few spots are checked with a union.
    over = np.flatnonzero(planar_sum > spot_planar + TOL)
    gap = np.flatnonzero((planar_sum < spot_planar - TOL) & (count >= 2))
    if len(gap):
        u = group_unions(ov.spot, ov.geom, n, gap)
        hidden = gap[shapely.area(u[gap]) < planar_sum[gap] - TOL]
        over = np.union1d(over, hidden)

    ridge = np.zeros(n)
    cult = group == group_of[domain.LAND_GROUP_CULTIVATED]
    if deduct_ridges and layer.ridge_coefficients is None:
        land_use = domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]
        messages.append(
            f"{land_use}图层没有扣除系数 {domain.RIDGE_COEFFICIENT}，耕地面积未扣除田坎 / the "
            f"land-use layer has no ridge coefficient {domain.RIDGE_COEFFICIENT}: cultivated "
            "areas are not net of ridges"
        )
    elif deduct_ridges:
        k = _ridge_coefficients(layer, ov, cult, keys, messages)
        ridge = np.bincount(ov.spot[cult], weights=ov.area[cult] * k, minlength=n)

    cult_spot, cult_geom = ov.spot[cult], ov.geom[cult]

    unions: dict[int, object] = {}  # asked for twice for spots near a referral threshold

    def cult_union(rows: np.ndarray) -> np.ndarray:
        todo = np.array([r for r in rows.tolist() if r not in unions], dtype=np.int64)
        if len(todo):
            made = group_unions(cult_spot, cult_geom, n, todo)
            unions.update(zip(todo.tolist(), made[todo].tolist()))
        out = np.empty(n, dtype=object)
        for r in rows.tolist():
            out[r] = unions[r]
        return out

    # Named by layer (and file) and parcel, so the data can be corrected where it is stored.
    layer_name = f"{domain.LAYER_LABELS_ZH[domain.LAYER_LAND_USE]}图层 {layer.name}".strip()
    layer_name_en = f"land-use layer {layer.name}".strip()
    for i in over.tolist():
        mine = ov.spot == i
        resolved, covered = [], None
        for g in range(n_groups):
            sel = mine & (group == g)
            if not sel.any():
                resolved.append(0.0)
                continue
            ug = shapely.union_all(ov.geom[sel])
            part = ug if covered is None else shapely.difference(ug, covered)
            resolved.append(float(areas(np.array([part]), method, crs, origin)[0]))
            covered = ug if covered is None else shapely.union(covered, ug)
        if by_group[i, 0] > 0:
            ridge[i] *= resolved[0] / by_group[i, 0]  # mean coefficient × resolved area
        by_group[i] = resolved
        twice, overlapping = _overlap_in_spot(ov.geom[mine], ov.feat[mine])
        overlap = f"{float(areas(np.array([twice]), method, crs, origin)[0]):,.2f}"
        names = [_parcel_name(layer, f) for f in overlapping]
        parcels, parcels_en = domain.first_of(names, 5, "、"), domain.first_of(names, 5, ", ")
        messages.append(
            f"图斑 {keys[i]}：{layer_name} 要素 {parcels} 相互重叠（图斑内重叠 {overlap} m²），"
            "重叠部分按 耕地>其他农用地>建设用地>未利用地 归类 / spot "
            f"{keys[i]}: the parcels {parcels_en} of the {layer_name_en} overlap ({overlap} m² "
            "of the spot lies in more than one); the overlap is classed as cultivated > other "
            "agricultural > construction > unused land"
        )

    unknown = np.flatnonzero(by_group[:, UNKNOWN_GROUP] > TOL)
    for i in unknown.tolist():
        rows = [j for j in np.flatnonzero(ov.spot == i).tolist() if group[j] == UNKNOWN_GROUP]
        bad_codes = sorted({code_text[j] or "空" for j in rows})
        parcels = [_parcel_name(layer, f) for f in sorted({int(ov.feat[j]) for j in rows})]
        named_parcels = domain.first_of(parcels, 10, "、")
        codes, unknown_area = ",".join(bad_codes), f"{by_group[i, UNKNOWN_GROUP]:.2f}"
        messages.append(
            f"图斑 {keys[i]}：{layer_name} 中地类编码 {codes} 无法归类"
            f"（要素 {named_parcels}），"
            f"{unknown_area} m² 计入{domain.UNSURVEYED_LABEL_ZH}面积 "
            f"{domain.UNSURVEYED_AREA} / spot {keys[i]}: land class codes {codes} of "
            f"{layer_name_en} cannot be classed (features {named_parcels}): {unknown_area} m² "
            f"counted in the unsurveyed or unclassed area {domain.UNSURVEYED_AREA}"
        )

    known = by_group[:, : len(domain.LAND_GROUPS)].copy()
    gross_cult = known[:, 0].copy()
    known = np.minimum(known, spot_area[:, None])
    if deduct_ridges:
        # Net cultivated = Σ piece × (1 − KCXS); the ridges (1203) are other agricultural land.
        ridge = np.minimum(ridge, known[:, 0])
        known[:, 0] -= ridge
        known[:, 1] += ridge
    unsurveyed = np.clip(spot_area - known.sum(axis=1), 0.0, None)
    parts = np.column_stack([known, unsurveyed])
    rounded = split_rounding_rows(spot_area, parts)
    for j, name in enumerate((*domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA)):
        fields[name] = rounded[:, j]
        unrounded[name] = parts[:, j]
    new_construction(fields, unrounded)
    # The flag reads as the figure beside it: GDMJ as written, its cents shared out so that
    # the split adds up, not the cultivated area rounded alone (a 0.006 m² sliver set SFGD
    # beside GDMJ 0.00, and 0.0049 m² given the spare cent left it unset beside 0.01). Net of
    # ridges GDMJ is less than the land the test counts: the flag then stays with the gross.
    fields[domain.CULTIVATED_FLAG] = (
        shows(gross_cult) if deduct_ridges else fields[domain.CULTIVATED_AREA] > 0
    )
    return np.minimum(gross_cult, spot_area), cult_union


def _overlap_in_spot(pieces: np.ndarray, feats: np.ndarray) -> tuple[object, list[int]]:
    """The land of one spot lying in two parcels or more (its pieces are inside the spot, so
    this is too), and the parcels that share some of it, in layer order."""
    left, right = shapely.STRtree(pieces).query(pieces, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    shared = shapely.intersection(pieces[left], pieces[right])
    real = shapely.area(shared) > 0.0  # parcels that only touch share no land
    twice = shapely.union_all(shared[real]) if real.any() else shapely.Polygon()
    twice = polygonal(np.array([twice], dtype=object))[0]  # lines where three parcels meet
    parcels = sorted({int(f) for f in feats[np.concatenate([left[real], right[real]])]})
    return twice, parcels


def _parcel_name(layer: LayerInput, feature: int) -> str:
    """A parcel as a message names it: its feature id in its layer (its label is its class
    code, which many parcels share), else its label."""
    if layer.feature_ids is not None:
        return f"fid {layer.feature_ids[feature]}"
    return str(layer.labels[feature])


def new_construction(fields: dict[str, np.ndarray], unrounded: dict[str, np.ndarray]) -> None:
    """XZJSYDMJ from the split's rounded parts, so that it is exactly their sum in cents."""
    names = [domain.LAND_GROUP_FIELDS[group] for group in domain.NEW_CONSTRUCTION_GROUPS]
    fields[domain.NEW_CONSTRUCTION_AREA] = round_area(sum(fields[name] for name in names))
    unrounded[domain.NEW_CONSTRUCTION_AREA] = sum(unrounded[name] for name in names)


def _ridge_coefficients(
    layer: LayerInput, ov: Overlay, cult: np.ndarray, keys: list[str], messages: list[str]
) -> np.ndarray:
    """KCXS of the cultivated pieces' parcels; missing, unreadable or outside 0..1 counts as 0,
    reported for each spot it touches, naming the parcels and their values to correct. One
    above domain.RIDGE_COEFFICIENT_USUAL_MAX is deducted as given and reported too: a percentage
    typed as a number ("1" for 1 %) would take the whole parcel off the cultivated land."""
    raw = np.asarray(layer.ridge_coefficients, dtype=object)[ov.feat[cult]]
    k = np.array([_number(v) for v in raw], dtype=float)
    missing = np.isnan(k)
    wrong = ~missing & ((k < 0.0) | (k > 1.0))
    unusual = ~missing & ~wrong & (k > domain.RIDGE_COEFFICIENT_USUAL_MAX)
    spots, feats = ov.spot[cult], ov.feat[cult]
    names = feature_names(layer) if (missing | wrong | unusual).any() else []
    order = np.lexsort((feats, spots))  # by spot, then parcel
    usual = f"{domain.RIDGE_COEFFICIENT_USUAL_MAX:g}"
    for bad, what, what_en in (
        (missing, "为空或不是数字，按 0 处理", "empty or not a number, taken as 0"),
        (wrong, "不在 0..1 之间，按 0 处理", "not within 0..1, taken as 0"),
        (
            unusual,
            f"大于 {usual}，远超常见田坎系数，已按原值扣除，请核对是否误填百分数",
            f"above {usual}, far above usual ridge coefficients, deducted as given: check it "
            "is not a percentage",
        ),
    ):
        by_spot: dict[int, list[tuple[str, str]]] = {}
        for at in order[bad[order]].tolist():
            shown = "空" if raw[at] is None else f"“{raw[at]}”"
            shown_en = "empty" if raw[at] is None else f"'{raw[at]}'"
            by_spot.setdefault(int(spots[at]), []).append(
                (f"{names[feats[at]]} 为{shown}", f"{names[feats[at]]} is {shown_en}")
            )
        for i, parcels in by_spot.items():
            messages.append(
                f"图斑 {keys[i]}：耕地图斑扣除系数 {domain.RIDGE_COEFFICIENT} {what}："
                + "，".join(zh for zh, _ in parcels)
                + f" / spot {keys[i]}: ridge coefficient {domain.RIDGE_COEFFICIENT} of cultivated "
                f"parcels {what_en}: " + "; ".join(en for _, en in parcels)
            )
    return np.where(missing | wrong, 0.0, k)


def _number(value) -> float:
    """A field value as a number; NaN when it is empty or not a number ("0,05", "无")."""
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan
