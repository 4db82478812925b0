"""The facility agricultural land audit: each filing's extent, area, use, auxiliary facilities
and basic farmland against the ground."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import domain
from .areas import AreaMethod, exceeds, round_area
from .audit_approvals import (
    ApprovalOverlay,
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
    present_areas,
    union_areas,
)

# A filing's violations are charged to its number, as every approval's are.
_OWNER_FIELD = domain.APPROVAL_NUMBER


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
    ov = overlay_approvals(run, filings, ground, cs.LAYER_FILINGS)
    boundary_checks(run, ov, _OWNER_FIELD, "备案")
    run.report(55.0)

    pair_use = _pair_uses(ov, use_categories)
    _changed_uses(run, ov, pair_use, _mapped_uses(non_agricultural_uses, use_categories))
    auxiliary = _mapped_uses(auxiliary_uses, use_categories)
    is_aux = np.array([bool(u) and u in auxiliary for u in pair_use], dtype=bool)
    limits = _AuxiliaryLimits(auxiliary_max_share, auxiliary_max_sqm)
    aux_area = _auxiliary_over_limit(run, ov, filings, is_aux, limits)
    run.report(75.0)

    allowed_bf = _mapped_uses(basic_farmland_allowed_uses, use_categories)
    bf_area = _basic_farmland_used(run, ov, basic_farmland, pair_use, allowed_bf)
    run.report(90.0)
    unchecked = _unchecked_auxiliary(run, aux_area, limits)
    na = len(ov.ids)
    extra = [
        {
            cs.AUXILIARY_AREA: float(round_area(aux_area[a])),
            domain.BASIC_FARMLAND_AREA: None if bf_area is None else float(round_area(bf_area[a])),
        }
        for a in range(na)
    ]
    records = violation_records(run, ov, cs.FACILITY_KINDS, extra, unchecked)
    run.report(100.0)
    return run.result(records)


@dataclass(frozen=True)
class _AuxiliaryLimits:
    """The province's caps on auxiliary facilities: a share of the filed area and square
    metres, either None (not set: provincial rules differ)."""

    share: float | None
    sqm: float | None

    @property
    def given(self) -> bool:
        return self.share is not None or self.sqm is not None


def _mapped_uses(uses: Collection[str], use_categories: Mapping[str, str] | None) -> set[str]:
    """A parameter's use words in the ground's categories, so both compare alike."""
    return {mapped_use(str(u).strip(), use_categories) for u in uses}


def _pair_uses(ov: ApprovalOverlay, use_categories: Mapping[str, str] | None) -> list[str]:
    """The ground use of each ground ∩ filing piece, in the ground's categories."""
    mapped = [mapped_use(u, use_categories) for u in ov.ground_uses]
    return [mapped[g] for g in ov.pair_g.tolist()]


def _changed_uses(
    run: AuditRun, ov: ApprovalOverlay, pair_use: list[str], non_agricultural: set[str]
) -> None:
    """擅自改变用途 GBYT: each piece of ground inside a filing put to a non-agricultural use."""
    for k, use in enumerate(pair_use):
        if use and use in non_agricultural:
            g, a = int(ov.pair_g[k]), int(ov.pair_a[k])
            run.violation(
                _OWNER_FIELD,
                ov.ids[a],
                a,
                cs.CHANGED_USE,
                ov.pair_geom[k],
                ov.pair_area[k],
                [ov.ground_ids[g]],
                f"实地用途 {ov.ground_uses[g]} 属非农业用途，备案用途 {ov.uses[a]}",
            )


def _auxiliary_over_limit(
    run: AuditRun,
    ov: ApprovalOverlay,
    filings: Approvals,
    is_aux: np.ndarray,
    limits: _AuxiliaryLimits,
) -> np.ndarray:
    """辅助设施超标 FZCB: each filing whose auxiliary facilities add up to more than the
    binding (smaller) limit; the excess is the violation's area, all its auxiliary
    facilities its geometry. Returns each filing's auxiliary area (m²)."""
    na = len(ov.ids)
    aux_geom = group_union(ov.pair_geom[is_aux], ov.pair_a[is_aux], na)
    # The union's area, as the geometry drawn: overlapping ground features were summed.
    aux_area = present_areas(run, aux_geom)
    boundary_area = run.area(ov.geoms)
    for a in range(na):
        if aux_area[a] <= run.tol:
            continue
        binding = _binding_limit(run, ov, filings, a, boundary_area[a], limits)
        if binding is None:
            continue
        limit, words = binding
        if exceeds(aux_area[a], limit):
            ground_ids = [ov.ground_ids[g] for g in ov.pair_g[(ov.pair_a == a) & is_aux].tolist()]
            run.violation(
                _OWNER_FIELD,
                ov.ids[a],
                a,
                cs.AUXILIARY_OVER_LIMIT,
                aux_geom[a],
                aux_area[a] - limit,
                ground_ids,
                f"辅助设施 {aux_area[a]:.2f} m²，上限 {limit:.2f} m²（{words}），"
                f"超出 {aux_area[a] - limit:.2f} m²",
            )
    return aux_area


def _binding_limit(
    run: AuditRun,
    ov: ApprovalOverlay,
    filings: Approvals,
    a: int,
    boundary_area: float,
    limits: _AuxiliaryLimits,
) -> tuple[float, str] | None:
    """(m², in words) of the smaller limit on filing `a`'s auxiliary facilities, None when no
    limit is given. The share applies to the filed area; where that is missing, to the
    boundary's area, and the filing is named so the office can fill it in."""
    candidates = []
    if limits.share is not None:
        base = ov.approved_area[a]
        if base is None:
            base = float(boundary_area)
            cs.say(
                run.messages,
                filings.layer or cs.LAYER_FILINGS,
                ov.ids[a],
                filings.area_field,
                "备案面积缺失，辅助设施比例按备案范围面积计算",
                "the filed area is missing: the auxiliary facilities' share is taken of the "
                "filed boundary's area",
            )
        candidates.append((limits.share * base, f"备案面积的 {limits.share:.0%}"))
    if limits.sqm is not None:
        candidates.append((float(limits.sqm), f"{limits.sqm:.2f} m²"))
    if not candidates:
        return None
    return min(candidates, key=lambda t: t[0])


def _basic_farmland_used(
    run: AuditRun,
    ov: ApprovalOverlay,
    basic_farmland: Sequence | np.ndarray | None,
    pair_use: list[str],
    allowed: set[str],
) -> np.ndarray | None:
    """违规占用永久基本农田 ZYJBNT: each piece of ground inside a filing on basic farmland
    whose use the province does not allow there. Returns each filing's area on basic
    farmland (m²), None when no basic farmland layer was given (not checked, not zero)."""
    bf_local = to_layer_local(run, basic_farmland, cs.LAYER_BASIC_FARMLAND)
    if bf_local is None:
        return None
    on_bf = clip_local(ov.pair_geom, bf_local, run.tol)
    on_bf_area = run.area(on_bf)
    for k in np.flatnonzero(~shapely.is_missing(on_bf)).tolist():
        if pair_use[k] in allowed and pair_use[k]:
            continue
        g, a = int(ov.pair_g[k]), int(ov.pair_a[k])
        run.violation(
            _OWNER_FIELD,
            ov.ids[a],
            a,
            cs.BASIC_FARMLAND_FACILITY,
            on_bf[k],
            on_bf_area[k],
            [ov.ground_ids[g]],
            f"实地用途 {ov.ground_uses[g] or '（空）'} 不允许占用永久基本农田",
        )
    # Each filing's land on basic farmland once, however many ground features overlap there.
    on = ~shapely.is_missing(on_bf)
    return union_areas(run, on_bf[on], ov.pair_a[on], len(ov.ids))


def _unchecked_auxiliary(
    run: AuditRun, aux_area: np.ndarray, limits: _AuxiliaryLimits
) -> list[cs.Unchecked]:
    """Per filing, the check not made: a check not made is said, not passed over as
    未发现问题 nor behind a violation found, since the office reads JCJG alone."""
    if limits.given:
        return [cs.ALL_CHECKED] * len(aux_area)
    run.messages.append(
        "未给出辅助设施上限（比例或面积），未核查辅助设施是否超标 / no limit for auxiliary "
        "facilities was given: they were not checked"
    )
    not_made = cs.Unchecked(("辅助设施上限",))
    return [not_made if area > run.tol else cs.ALL_CHECKED for area in aux_area]
