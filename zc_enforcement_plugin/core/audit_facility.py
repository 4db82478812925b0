"""The facility agricultural land audit: each filing's extent, area, use, auxiliary facilities
and basic farmland against the ground."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import domain
from .areas import AreaMethod, round_area
from .audit_approvals import (
    boundary_checks,
    overlay_approvals,
    to_layer_local,
    violation_records,
)
from .audit_base import (
    ELLIPSOIDAL,
    Approvals,
    AuditResult,
    AuditRun,
    Ground,
    clip_local,
    group_union,
    mapped_use,
)


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
    run = AuditRun(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    if auxiliary_max_share is not None and not 0 <= auxiliary_max_share <= 1:
        raise ValueError(f"auxiliary_max_share is a fraction 0..1: {auxiliary_max_share}")
    layer = filings.layer or cs.LAYER_FILINGS
    ov = overlay_approvals(run, filings, ground, cs.LAYER_FILINGS)
    na = len(ov.ids)
    owner_field = domain.APPROVAL_NUMBER
    boundary_checks(run, ov, owner_field, "备案")
    run.report(55.0)

    mapped = [mapped_use(u, use_categories) for u in ov.ground_uses]
    non_agri = {mapped_use(str(u).strip(), use_categories) for u in non_agricultural_uses}
    auxiliary = {mapped_use(str(u).strip(), use_categories) for u in auxiliary_uses}
    allowed_bf = {mapped_use(str(u).strip(), use_categories) for u in basic_farmland_allowed_uses}
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
    aux_geom = group_union(ov.pair_geom[is_aux], ov.pair_a[is_aux], na)
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

    bf_local = to_layer_local(run, basic_farmland, cs.LAYER_BASIC_FARMLAND)
    bf_area_per = np.zeros(na)
    if bf_local is not None:
        on_bf = clip_local(ov.pair_geom, bf_local, run.tol)
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
    records = violation_records(run, ov, cs.FACILITY_KINDS, extra, unchecked)
    run.report(100.0)
    return run.result(records)
