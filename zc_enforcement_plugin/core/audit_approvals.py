"""The overlay the two approval audits share: each approval against the ground it covers, its
feature ids, repeated numbers, boundary checks and the records of its violations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import domain
from .areas import exceeds, round_area, split_rounding
from .audit_base import (
    Approvals,
    AuditRun,
    Ground,
    feature_ids,
    feature_texts,
    group_union,
    join_unique,
    number_column,
    overlapping_pairs,
    subtract_owned,
    union_areas,
)
from .campaigns_schema import ViolationKind


@dataclass
class ApprovalOverlay:
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
    # whether the layer has an approved-area field: then an approval whose area is empty or
    # unreadable had its over-area check not made, which its JCJG says
    areas_given: bool = False


def overlay_approvals(
    run: AuditRun,
    approvals: Approvals,
    ground: Ground,
    default_layer: str,
    in_use: Callable[[str], bool] | None = None,
) -> ApprovalOverlay:
    """Approvals against the ground. With `in_use` (a ground use word -> whether it is a use
    of the land), ground not in use is left out of every figure and piece: it is only noted,
    per approval, as lying inside it (idle_inside)."""
    msgs = run.messages
    a_layer = approvals.layer or default_layer
    g_layer = ground.layer or cs.LAYER_GROUND
    a_geoms = cs.as_geometry_array(approvals.geoms)
    na = len(a_geoms)
    ids = feature_ids(
        feature_texts(approvals.numbers, na, approvals.number_field),
        a_layer,
        approvals.number_field,
        cs.APPROVAL_NUMBER_WORDS,
        msgs,
        approvals.fids,
    )
    a_geoms = cs.repair(a_geoms, ids, a_layer, msgs, keep_polygonal=True)
    approved_area = number_column(
        approvals.areas, na, a_layer, ids, approvals.area_field, msgs, area=True
    )
    if approvals.areas is not None:
        for i, value in enumerate(approvals.areas):
            if value is None or (isinstance(value, str) and not value.strip()):
                # said, like a missing date or use: the over-area check cannot be made
                cs.say(
                    msgs,
                    a_layer,
                    ids[i],
                    approvals.area_field,
                    "为空，未核查是否超批准面积",
                    "empty: not checked for use over the approved area",
                )
    uses = feature_texts(approvals.uses, na, approvals.use_field)

    g_geoms = cs.as_geometry_array(ground.geoms)
    ng = len(g_geoms)
    g_ids = cs.feature_ids(ground.ids, ng)
    g_geoms = cs.repair(g_geoms, g_ids, g_layer, msgs, keep_polygonal=True)
    g_uses = feature_texts(ground.uses, ng, ground.use_field)

    run.set_origin(a_geoms, g_geoms)
    a_local = run.local(a_geoms)
    g_local = run.local(g_geoms)
    idle_inside = np.zeros(na, dtype=bool)
    if in_use is not None:
        idle = np.array([not in_use(u) for u in g_uses], dtype=bool)
        if idle.any():
            _i, idle_a, _cut, _planar = overlapping_pairs(g_local[idle], a_local, run.tol)
            idle_inside[idle_a] = True
            g_local = g_local.copy()
            g_local[idle] = None
    run.report(10.0)

    pg, pa, pgeom, pplanar = overlapping_pairs(g_local, a_local, run.tol)
    parea = run.area(pgeom)
    # Each ground feature belongs to the approval it overlaps most: its outside part is that
    # approval's over-use (a feature spanning two approvals is rare and usually one project).
    owner = np.full(ng, -1)
    if len(pg):
        order = np.lexsort((-pplanar, pg))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pg[order][1:] != pg[order][:-1]
        owner[pg[order][first]] = pa[order][first]
    outside = subtract_owned(g_local, pg, pa, a_local)
    outside_planar = np.nan_to_num(shapely.area(outside))
    outside[outside_planar <= run.tol] = None
    outside_area = np.where(shapely.is_missing(outside), 0.0, run.area(outside))
    run.report(40.0)
    inside = group_union(pgeom, pa, na)
    inside_area = run.area(inside)
    # The area of the union, not the sum: ground features overlap (two quarters' spots over
    # one site), and summed, the land they share outside was counted twice (false 超批准面积).
    owned = (owner >= 0) & ~shapely.is_missing(outside)
    owned_outside = union_areas(run, outside[owned], owner[owned], na)
    return ApprovalOverlay(
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
        approvals.areas is not None,
    )


def boundary_checks(
    run: AuditRun, ov: ApprovalOverlay, owner_field: str, approved_word: str
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
        if allowed is None or not exceeds(used, allowed):
            continue
        # The figures the record shows (SYMJ, PZMJ_PF), and their difference: the excess
        # computed unrounded could differ from SYMJ − PZMJ_PF beside it by a cent.
        used, allowed = float(round_area(used)), float(round_area(allowed))
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
            float(round_area(used - allowed)),
            ground_ids,
            f"实际使用 {used:.2f} m²，{approved_word}面积 {allowed:.2f} m²，"
            f"超出 {used - allowed:.2f} m²（图形为全部使用范围）",
        )


def to_layer_local(
    run: AuditRun, geoms: Sequence | np.ndarray | None, layer: str
) -> np.ndarray | None:
    if geoms is None:
        return None
    arr = cs.as_geometry_array(geoms)
    ids = cs.feature_ids(None, len(arr))
    return run.local(cs.repair(arr, ids, layer, run.messages, keep_polygonal=True))


def violation_records(
    run: AuditRun,
    ov: ApprovalOverlay,
    kinds: Sequence[ViolationKind],
    extra: list[dict],
    unchecked: Sequence[cs.Unchecked] | None = None,
) -> list[dict]:
    """Per-approval records: figures, counts per kind and the status in words; `unchecked`
    (per approval, the checks not made) is said in the status whatever was found."""
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
        # Its pieces outside the boundary (one violation each) add up to CFWMJ as shown.
        owned = np.flatnonzero(~shapely.is_missing(ov.outside) & (ov.owner == a))
        run.share_figure(a, cs.OUTSIDE_BOUNDARY, outside, ov.outside_area[owned])
        per = counts[a]
        found = [k.label_zh for k in kinds if per.get(k.code)]
        not_made = unchecked[a] if unchecked else cs.ALL_CHECKED
        if ov.areas_given and ground_here and ov.approved_area[a] is None and cs.OVER_AREA in kinds:
            # Its area empty or unreadable (said in the log): the over-area check was not
            # made, and JCJG read 未发现问题 as if it had been.
            not_made = cs.Unchecked((*not_made.checks, cs.OVER_AREA.label_zh), not_made.reason)
        if not found and shapely.is_missing(ov.geoms[a]):
            status = cs.STATUS_NO_GEOMETRY
        else:
            clean = cs.STATUS_NOT_USED if not ground_here else cs.STATUS_OK
            status = cs.judged(found, not_made, clean)
        rec = {
            domain.APPROVAL_NUMBER: num,
            domain.APPROVED_USE: ov.uses[a],
            domain.APPROVAL_AREA: (
                None if ov.approved_area[a] is None else float(round_area(ov.approved_area[a]))
            ),
            cs.INSIDE_AREA: inside,
            cs.OUTSIDE_AREA: outside,
            cs.USED_AREA: used,
            cs.GROUND_IDS: join_unique([ov.ground_ids[g] for g in ground_here]),
            cs.GROUND_USES: join_unique([ov.ground_uses[g] for g in ground_here]),
        }
        rec.update(extra[a])
        for k in kinds:
            rec[cs.COUNT_PREFIX + k.code] = per.get(k.code, 0)
        rec[cs.VIOLATION_COUNT] = sum(per.values())
        rec[cs.STATUS] = status
        records.append(rec)
    return records
