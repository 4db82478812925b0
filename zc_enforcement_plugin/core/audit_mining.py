"""The mining audit: mining seen on the ground against the licences, their terms and the no-go
areas."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import domain
from .areas import AreaMethod, round_area
from .audit_base import (
    ELLIPSOIDAL,
    AuditResult,
    AuditRun,
    Ground,
    Licences,
    date_column,
    date_problems,
    feature_ids,
    feature_names,
    feature_texts,
    group_union,
    join_unique,
    refuse_reversed_terms,
    say_repeated,
    subtract_owned,
)


def _activity_numbers(
    activity: Ground, names: list[str], layer: str, msgs: list[str]
) -> tuple[list[str], list[bool]]:
    """(KCBH of each activity, whether its number was recorded). A blank number, or one of
    spaces only (a full-width one too), is no number: the feature stands for it, by its fid
    (its position without one), and each such is said naming the layer, feature and field. A
    stand-in is never said to repeat an activity really numbered so (3, or fid 3)."""
    count = len(names)
    if activity.ids is None:
        return cs.feature_ids(None, count), [False] * count
    given = [v is not None and str(v).strip() != "" for v in activity.ids]
    numbers = cs.feature_ids([v if g else None for v, g in zip(activity.ids, given)], count)
    if activity.fids is not None:
        numbers = [n if g else name for n, g, name in zip(numbers, given, names)]
    for number, recorded, name in zip(numbers, given, names):
        if not recorded:
            cs.say(
                msgs,
                layer,
                name,
                activity.id_field,
                f"开采活动编号为空，记为 {number}",
                f"the activity number is empty, recorded as {number}",
            )
    return numbers, given


def audited_activities(activity: Ground, mining_kinds: Collection[str] | None) -> np.ndarray:
    """Which activities the audit looks at (a boolean per activity): those whose type is one
    of `mining_kinds`, or all when none are given."""
    count = len(activity.geoms)
    if mining_kinds is None:
        return np.ones(count, dtype=bool)
    wanted = {str(k).strip() for k in mining_kinds}
    kinds = feature_texts(activity.uses, count, activity.use_field)
    return np.array([k in wanted for k in kinds], dtype=bool)


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
      of the activity inside it and inside no valid licence. A licence with a missing or
      unreadable date is not taken as valid: the part under it and no valid licence is not
      checked, said, and the activity's JCJG says so (日期缺失 / 日期无效，无法核查);
    - 禁区开采 JQKC: per no-go layer, the part inside it, with the features' labels.
    Records per activity: KCBH, KCMJ, XKZH (licences overlapped), CFWMJ, JQMC, JQMJ, counts.
    """
    run = AuditRun(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    msgs = run.messages
    act_layer = activity.layer or cs.LAYER_ACTIVITY
    lic_layer = licences.layer or cs.LAYER_LICENCES
    act = cs.as_geometry_array(activity.geoms)
    act_names = feature_names(len(act), activity.fids)
    act_ids, act_given = _activity_numbers(activity, act_names, act_layer, msgs)
    if mining_kinds is not None:
        keep = audited_activities(activity, mining_kinds)
        act = act[keep]
        act_ids = [i for i, k in zip(act_ids, keep.tolist()) if k]
        act_names = [i for i, k in zip(act_names, keep.tolist()) if k]
        act_given = [g for g, k in zip(act_given, keep.tolist()) if k]
    # Only the activities audited: a record per activity shares its KCBH with another's.
    say_repeated(
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
    lic_ids = feature_ids(
        feature_texts(licences.numbers, nl, licences.number_field),
        lic_layer,
        licences.number_field,
        cs.LICENCE_NUMBER_WORDS,
        msgs,
        licences.fids,
    )
    lic = cs.repair(lic, lic_ids, lic_layer, msgs, keep_polygonal=True)
    valid, unknown, unread, v_from, v_to = _licence_terms(
        licences, lic, lic_ids, lic_layer, today, msgs
    )

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
    outside = subtract_owned(act_l, li, lj, lic_l)
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
            f"超出采矿许可范围（许可证 {join_unique(nums)}）",
        )
    run.report(55.0)

    # Expired licences: the part covered by no valid licence. A licence whose term cannot be
    # read is neither: land under it and under no valid licence is not checked (its JCJG says
    # why, as an approval's does), and it shields an expired licence's land from a charge the
    # run cannot make.
    ok_link = valid[lj]
    maybe_link = ok_link | unknown[lj]
    valid_cover = group_union(lic_l[lj[ok_link]], li[ok_link], n)
    maybe_cover = group_union(lic_l[lj[maybe_link]], li[maybe_link], n)
    unchecked = [cs.ALL_CHECKED] * n
    for k in np.flatnonzero(~ok_link).tolist():
        i, j = int(li[k]), int(lj[k])
        cover = valid_cover[i] if unknown[j] else maybe_cover[i]
        if is_poly[i]:
            piece = lcut[k]
            if not shapely.is_missing(cover):
                piece = cs.polygonal(cs.as_geometry_array([shapely.difference(piece, cover)]))[0]
            if piece is None or shapely.area(piece) <= run.tol:
                continue
            area = float(run.area(cs.as_geometry_array([piece]))[0])
        else:
            if not shapely.is_missing(cover) and shapely.intersects(act_l[i], cover):
                continue
            piece, area = act_l[i], 0.0
        if unknown[j]:
            # An unreadable date is said before a missing one (the bureau can correct a typo).
            if unchecked[i].reason != cs.EXPIRY_INVALID:
                unchecked[i] = cs.Unchecked((cs.EXPIRED_LICENCE.label_zh,), unread[j])
            continue
        window = f"{v_from[j] or '…'} 至 {v_to[j] or '…'}"
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

    hit_names, hit_geoms = _no_go_checks(run, no_go, act_l, is_poly, act_ids)
    run.report(90.0)

    records = _mining_records(
        run, act_l, act_ids, act_area, lic_ids, li, lj, out_area, hit_names, hit_geoms, unchecked
    )
    run.report(100.0)
    return run.result(records)


def _licence_terms(
    licences: Licences,
    lic: np.ndarray,
    lic_ids: list[str],
    lic_layer: str,
    today: _dt.date,
    msgs: list[str],
) -> tuple[np.ndarray, np.ndarray, list[str], list[_dt.date | None], list[_dt.date | None]]:
    """Each licence's standing on `today`: (valid, unknown, why unknown, from, to). A licence
    is not valid when a date that was read puts `today` outside its term; its standing is
    unknown when it is not known to be out of term and a date could not be read (missing, or
    there but not a date): the mining under it cannot be checked for expiry, which is said
    and recorded with the approval audits' words (audit_base.date_problems), never taken as
    valid."""
    nl = len(lic)
    v_from = date_column(licences.valid_from, nl, lic_layer, lic_ids, licences.from_field, msgs)
    v_to = date_column(licences.valid_to, nl, lic_layer, lic_ids, licences.to_field, msgs)
    fields = (licences.from_field, licences.to_field)
    refuse_reversed_terms(v_from, v_to, lic_layer, lic_ids, fields, msgs)
    # Without an end-date field no licence's expiry can be read: as if each end were blank.
    raw_to = licences.valid_to if licences.valid_to is not None else [None] * nl
    to_problems = date_problems(raw_to, v_to)
    from_problems = date_problems(licences.valid_from, v_from)
    valid = np.zeros(nl, dtype=bool)
    unknown = np.zeros(nl, dtype=bool)
    unread = [""] * nl
    for i in range(nl):
        if shapely.is_missing(lic[i]):
            continue
        if (v_from[i] is not None and today < v_from[i]) or (
            v_to[i] is not None and today > v_to[i]
        ):
            continue  # out of term by a date that was read, whatever the other says
        problems = [p for p in (to_problems[i], from_problems[i]) if p[1]]
        if not problems:
            valid[i] = True
            continue
        problems.sort(key=lambda p: p[0] != cs.EXPIRY_INVALID)
        unknown[i], unread[i] = True, problems[0][0]
        for (word, _status), fld, side, side_en in (
            (to_problems[i], licences.to_field, "截止", "end"),
            (from_problems[i], licences.from_field, "起始", "start"),
        ):
            if word:
                cs.say(
                    msgs,
                    lic_layer,
                    lic_ids[i],
                    fld,
                    f"有效期{side}{word}，未核查超期开采",
                    f"the term's {side_en} date: {word}; mining after expiry not checked",
                )
    return valid, unknown, unread, v_from, v_to


def _no_go_checks(
    run: AuditRun,
    no_go: list[tuple[str, np.ndarray, list[str]]],
    act_l: np.ndarray,
    is_poly: np.ndarray,
    act_ids: list[str],
) -> tuple[list[list[str]], list[list[shapely.Geometry]]]:
    """禁区开采 per no-go layer: the activity's part inside the union of the layer's features,
    with their labels. Returns per activity the layers and labels hit and the parts inside."""
    n = len(act_l)
    owner_field = cs.ACTIVITY_ID
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
        per_act = group_union(cut[is_poly[i_all]], i_all[is_poly[i_all]], n)
        for i in np.unique(i_all).tolist():
            labels = join_unique([labs[j] for j in j_all[i_all == i].tolist()])
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
    return hit_names, hit_geoms


def _mining_records(
    run: AuditRun,
    act_l: np.ndarray,
    act_ids: list[str],
    act_area: np.ndarray,
    lic_ids: list[str],
    li: np.ndarray,
    lj: np.ndarray,
    out_area: np.ndarray,
    hit_names: list[list[str]],
    hit_geoms: list[list[shapely.Geometry]],
    unchecked: list[cs.Unchecked],
) -> list[dict]:
    """One record per activity: its area, the licences it overlaps, the area outside them, the
    no-go areas it lies in and the count of each kind of violation found; `unchecked` (per
    activity, the checks not made) is said in the status whatever was found."""
    n = len(act_l)
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
            cs.LICENCE_NUMBER: join_unique([lic_ids[j] for j in lj[li == i].tolist()]),
            cs.OUTSIDE_AREA: float(round_area(out_area[i])),
            cs.NO_GO_NAMES: cs.LIST_SEPARATOR.join(hit_names[i]),
            cs.NO_GO_AREA: float(round_area(no_go_area)),
        }
        for k in cs.MINING_KINDS:
            rec[cs.COUNT_PREFIX + k.code] = per.get(k.code, 0)
        rec[cs.VIOLATION_COUNT] = sum(per.values())
        if not found and shapely.is_missing(act_l[i]):
            rec[cs.STATUS] = cs.STATUS_NO_GEOMETRY
        else:
            rec[cs.STATUS] = cs.judged(found, unchecked[i])
        records.append(rec)
    return records


def _links(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with a[i] intersecting b[j], both may hold None."""
    ok_b = np.flatnonzero(~shapely.is_missing(b))
    if len(ok_b) == 0 or len(a) == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    i, jj = shapely.STRtree(b[ok_b]).query(a, predicate="intersects")
    return i, ok_b[jj]
