"""The temporary-land audit: use, term and restoration of each approval against the ground."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import shapely

from . import campaigns_schema as cs
from . import deadlines as dl
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
    date_column,
    date_problems,
    feature_texts,
    flag_column,
    level_column,
    mapped_use,
    refuse_reversed_terms,
    restored_use_test,
)
from .workdays import WorkCalendar


def _period_end(
    rule: str, start: _dt.date, rules: dl.DeadlineRules, calendar: WorkCalendar
) -> tuple[_dt.date, str]:
    """The last day of `rule` from `start` on the lenient `calendar`, and "（估算）" when it
    counts working days in a year without a schedule (the calendar says which file to add the
    year to in its warnings), as a case's deadline is marked."""
    due = dl.due_date(rule, start, rules, calendar)
    return due, dl.ESTIMATE_MARK if dl.is_estimate(rule, start, due, rules, calendar) else ""


def _term_checks(
    run: AuditRun,
    ov: ApprovalOverlay,
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
    run = AuditRun(crs, area_method, min_piece_sqm, progress, is_cancelled)
    run.report(0.0)
    # Lenient: a restoration period running into a year without a schedule is an estimate,
    # said, never a failure of the whole audit.
    calendar = calendar or WorkCalendar(strict=False)
    if (cultivated_min_level is None) != (cultivated_max_sqm is None):
        raise ValueError(
            "cultivated_min_level and cultivated_max_sqm go together: give both or neither"
        )
    layer = approvals.layer or cs.LAYER_APPROVALS
    ground_uses = feature_texts(ground.uses, len(ground.geoms), ground.use_field)
    restored = restored_use_test(restored_uses, use_categories, ground_uses)
    ov = overlay_approvals(
        run, approvals, ground, cs.LAYER_APPROVALS, lambda use: not restored(use)
    )
    na = len(ov.ids)
    msgs = run.messages
    start = date_column(approvals.start, na, layer, ov.ids, approvals.start_field, msgs)
    end = date_column(approvals.end, na, layer, ov.ids, approvals.end_field, msgs)
    refuse_reversed_terms(
        start, end, layer, ov.ids, (approvals.start_field, approvals.end_field), msgs
    )
    for a, value in enumerate(approvals.start if approvals.start is not None else []):
        if value is None or not str(value).strip():  # said as an empty end date is
            cs.say(
                msgs,
                layer,
                ov.ids[a],
                approvals.start_field,
                "起始日期为空，未核查批准期限和未批先用",
                "the start date is empty: the term and use before the start not checked",
            )
    levels = level_column(approvals.levels, na, layer, ov.ids, approvals.level_field, msgs)
    infrastructure = flag_column(
        approvals.infrastructure, na, layer, ov.ids, approvals.infrastructure_field, msgs
    )
    owner_field = domain.APPROVAL_NUMBER
    _term_checks(run, ov, owner_field, start, end, infrastructure, rules, calendar)
    boundary_checks(run, ov, owner_field, "批准")
    run.report(55.0)

    _changed_use_checks(run, ov, approvals, owner_field, use_categories)

    end_problems = date_problems(approvals.end, end)
    start_problems = date_problems(approvals.start, start)
    expiry = _expiry_checks(
        run, ov, approvals, owner_field, start, end, end_problems, today, rules, calendar
    )
    run.messages.extend(calendar.warnings)  # each year estimated, and where it goes
    run.report(70.0)

    cult_area, bf_area, level_unchecked = _level_checks(
        run,
        ov,
        approvals,
        owner_field,
        levels,
        cultivated,
        basic_farmland,
        basic_farmland_min_level,
        cultivated_min_level,
        cultivated_max_sqm,
    )
    run.report(90.0)

    extra = [
        {
            domain.APPROVAL_START: None if start[a] is None else start[a].isoformat(),
            domain.APPROVAL_END: None if end[a] is None else end[a].isoformat(),
            cs.EXPIRY_STATUS: expiry[a],
            cs.APPROVAL_LEVEL: levels[a],
            domain.CULTIVATED_AREA: None if cult_area is None else float(round_area(cult_area[a])),
            domain.BASIC_FARMLAND_AREA: None if bf_area is None else float(round_area(bf_area[a])),
        }
        for a in range(na)
    ]
    unchecked = [
        _unchecked(end_problems[a], start_problems[a], level_unchecked[a]) for a in range(na)
    ]
    records = violation_records(run, ov, cs.TEMPORARY_KINDS, extra, unchecked)
    run.report(100.0)
    return run.result(records)


def _unchecked(
    end_problem: tuple[str, str], start_problem: tuple[str, str], level_unchecked: list[str]
) -> cs.Unchecked:
    """The checks not made on an approval: those its unread dates stop (the term needs both,
    use before the start the start, restoration the end), then the level checks left off.
    An invalid date is said before a missing one (the bureau can correct a typo)."""
    words = [w for w in (end_problem[0], start_problem[0]) if w]
    checks = []
    if words:
        checks.append(cs.TERM_TOO_LONG.label_zh)
    if start_problem[0]:
        checks.append(cs.USED_BEFORE_START.label_zh)
    if end_problem[0]:
        checks.append(cs.EXPIRED_NOT_RESTORED.label_zh)
    reason = cs.EXPIRY_INVALID if cs.EXPIRY_INVALID in words else (words[0] if words else "")
    return cs.Unchecked(tuple(checks + level_unchecked), reason)


def _changed_use_checks(
    run: AuditRun,
    ov: ApprovalOverlay,
    approvals: Approvals,
    owner_field: str,
    use_categories: Mapping[str, str] | None,
) -> None:
    """擅自改变用途 per piece of a ground feature inside an approval whose use differs."""
    layer = approvals.layer or cs.LAYER_APPROVALS
    # Words are mapped once per feature; the comparison runs over all pieces at once.
    seen_cat = np.array([mapped_use(u, use_categories) for u in ov.ground_uses], dtype=object)
    approved_cat = np.array([mapped_use(u, use_categories) for u in ov.uses], dtype=object)
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
            cs.say(
                run.messages,
                layer,
                ov.ids[a],
                approvals.use_field,
                "批准用途为空，未检查改变用途",
                "the approved use is empty: a changed use not checked",
            )


def _expiry_checks(
    run: AuditRun,
    ov: ApprovalOverlay,
    approvals: Approvals,
    owner_field: str,
    start: list[_dt.date | None],
    end: list[_dt.date | None],
    end_problems: list[tuple[str, str]],
    today: _dt.date,
    rules: dl.DeadlineRules,
    calendar: WorkCalendar,
) -> list[str]:
    """Each approval's expiry status (DQZT); 未批先用 and 到期未复垦 where the ground is used
    before the start, or after the end plus the restoration period."""
    layer = approvals.layer or cs.LAYER_APPROVALS
    msgs = run.messages
    na = len(ov.ids)
    held = _held_today(ov, start, end, today, rules, calendar)
    tree = shapely.STRtree(ov.geoms)
    # Expiry: used inside the approval before its start, or after the end date plus the
    # restoration period, on land no other approval holds today.
    expiry = []
    for a in range(na):
        used = ov.inside_area[a] > 0 and not shapely.is_missing(ov.inside[a])
        ground_ids = [ov.ground_ids[g] for g in ov.pair_g[ov.pair_a == a].tolist()]
        if used and ((start[a] is not None and today < start[a]) or end[a] is not None):
            charged, charged_area = _not_held_elsewhere(run, ov, a, held, tree)
            used = charged is not None
        if end[a] is None and (approvals.end is not None or used):
            cs.say(
                msgs,
                layer,
                ov.ids[a],
                approvals.end_field,
                "截止日期缺失，未检查到期复垦",
                "the end date is missing: restoration after expiry not checked",
            )
        if start[a] is not None and today < start[a]:
            expiry.append(cs.EXPIRY_NOT_STARTED)
            if used:
                run.violation(
                    owner_field,
                    ov.ids[a],
                    a,
                    cs.USED_BEFORE_START,
                    charged,
                    charged_area,
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
                charged,
                charged_area,
                ground_ids,
                f"截止 {end[a].isoformat()}，复垦期限 {deadline.isoformat()}{estimate}，仍在使用",
            )
        elif ov.inside_area[a] > 0 and not shapely.is_missing(ov.inside[a]):
            expiry.append(cs.EXPIRY_HELD_ELSEWHERE)  # used, all of it under another approval
        elif ov.idle_inside[a]:
            expiry.append(cs.EXPIRY_RESTORED_SEEN)
        else:
            expiry.append(cs.EXPIRY_RESTORED)
    return expiry


def _held_today(
    ov: ApprovalOverlay,
    start: list[_dt.date | None],
    end: list[_dt.date | None],
    today: _dt.date,
    rules: dl.DeadlineRules,
    calendar: WorkCalendar,
) -> np.ndarray:
    """Per approval: whether it may hold its land today: started (or its start unknown), and
    not past its end and restoration year, or its end unknown. Land under one of these is not
    charged to another approval's expiry: a renewal covers the same land as the approval it
    follows (R-2022 was charged 到期未复垦 on land R-2026续 holds until 2028). An approval of
    unknown term is counted as holding its land: charged, the land may be lawfully held."""
    held = np.zeros(len(ov.ids), dtype=bool)
    for b in range(len(ov.ids)):
        if shapely.is_missing(ov.geoms[b]) or (start[b] is not None and today < start[b]):
            continue
        if end[b] is None:
            held[b] = True
            continue
        deadline, _ = _period_end("temporary_land_restoration", end[b], rules, calendar)
        held[b] = today <= deadline
    return held


def _not_held_elsewhere(
    run: AuditRun, ov: ApprovalOverlay, a: int, held: np.ndarray, tree: shapely.STRtree
) -> tuple[object | None, float]:
    """The land used inside approval `a` that no other approval holding land today covers,
    and its area (m²); (None, 0) when none is left above the tolerance."""
    others = [b for b in tree.query(ov.inside[a]).tolist() if b != a and held[b]]
    piece = ov.inside[a]
    if others:
        piece = shapely.difference(piece, shapely.union_all(ov.geoms[others]))
        piece = cs.polygonal(cs.as_geometry_array([piece]))[0]
    if piece is None or shapely.is_empty(piece) or shapely.area(piece) <= run.tol:
        return None, 0.0
    return piece, float(run.area(cs.as_geometry_array([piece]))[0])


def _level_checks(
    run: AuditRun,
    ov: ApprovalOverlay,
    approvals: Approvals,
    owner_field: str,
    levels: list[int | None],
    cultivated: Sequence | np.ndarray | None,
    basic_farmland: Sequence | np.ndarray | None,
    basic_farmland_min_level: int | None,
    cultivated_min_level: int | None,
    cultivated_max_sqm: float | None,
) -> tuple[np.ndarray | None, np.ndarray | None, list[list[str]]]:
    """Cultivated land and basic farmland taken inside each approval against its approval
    level. Returns their areas per approval (None for a layer not given) and, per approval,
    the level checks that could not be made (said in JCJG, never 未发现问题)."""
    layer = approvals.layer or cs.LAYER_APPROVALS
    msgs = run.messages
    na = len(ov.ids)
    # Cultivated land and basic farmland against the approval level.
    cult_local = to_layer_local(run, cultivated, cs.LAYER_CULTIVATED)
    bf_local = to_layer_local(run, basic_farmland, cs.LAYER_BASIC_FARMLAND)
    cult_geom = np.full(na, None, dtype=object)
    bf_geom = np.full(na, None, dtype=object)
    if cult_local is not None:
        cult_geom = clip_local(ov.inside, cult_local, run.tol)
    if bf_local is not None:
        bf_geom = clip_local(ov.inside, bf_local, run.tol)
    cult_area = run.area(cult_geom)
    bf_area = run.area(bf_geom)
    if basic_farmland_min_level is not None and bf_local is None:
        msgs.append(
            "未提供永久基本农田图层，未检查审批权限 / no permanent basic farmland layer given: "
            "approval authority not checked"
        )
    if cultivated_min_level is not None and cult_local is None:
        msgs.append(
            "未提供耕地图层，未检查审批权限 / no cultivated land layer given: approval authority "
            "not checked"
        )
    for given, words, english in (
        (
            basic_farmland_min_level,
            "占用永久基本农田所需的最低审批层级",
            "the lowest approval level for occupying permanent basic farmland",
        ),
        (
            cultivated_min_level,
            "占用耕地所需的最低审批层级及其面积上限",
            "the lowest approval levels for occupying cultivated land and their area limits",
        ),
    ):
        if given is None:
            msgs.append(
                f"未给出{words}，未核查该项审批权限 / {english} not given: that approval "
                "authority not checked"
            )
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
                "the approval level is missing: the authority to approve taking cultivated "
                "land or permanent basic farmland not checked",
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
            and exceeds(cult_area[a], cultivated_max_sqm)
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
    return (
        None if cult_local is None else cult_area,
        None if bf_local is None else bf_area,
        level_unchecked,
    )
