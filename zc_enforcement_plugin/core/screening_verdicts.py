"""The suggested verdict of each spot, its reason, its review priority and the criminal-referral
test (DOMAIN.md §5), from the figures the overlay gave; approvals as they stood on the later
image's date."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely

from . import deadlines as dl
from . import domain
from .areas import (
    AreaMethod,
    areas,
    at_referral_scale,
    round_area,
    shown_mu,
)
from .screening_overlay import TOL, LayerInput, Overlay, on_all_cores, shows

# Why the referral test left a spot open (SFXS NULL), one cause a spot: a layer the test needs
# not given (the same for every spot of a run), land of unknown class (WDCMJ) that could be
# cultivated, or no geometry to test.
REFERRAL_OPEN_NO_LAND_USE = "no_land_use"
REFERRAL_OPEN_NO_BASIC_FARMLAND = "no_basic_farmland"
REFERRAL_OPEN_NO_LAYERS = "no_land_use_nor_basic_farmland"
REFERRAL_OPEN_UNCLASSED = "unclassed"
REFERRAL_OPEN_NO_GEOMETRY = "no_geometry"
SCALE_UNKNOWN = "无法判断是否达到刑事移送标准"  # a reason's words for SFXS NULL


def too_small_to_show(spot_area: np.ndarray) -> np.ndarray:
    """Spots whose area shows as 0.00 亩 (under 3.33 m²): every overlap of such a spot is a
    sliver the verdict does not count, so nothing can be judged of it."""
    return shown_mu(spot_area) == 0


def approvals_in_force(
    ov: Overlay, layer: LayerInput, spot_dates: list, notes: list[list[str]]
) -> tuple[Overlay, np.ndarray, np.ndarray]:
    """The approval pieces of approvals in force at each spot's later image date (HSX): one
    that ended before it no longer covers the land, and one granted after it came after the
    use began (边报边用). Each one left out is noted for the spot's reason.

    Temporary land (PZLX 临时用地, domain.is_temporary_land) is the exception: after its term
    the law gives a year to restore it (DOMAIN §5; the deadlines rule
    temporary_land_restoration, its last day included, as the temporary-land audit counts
    it), and until then its land is not illegally occupied. Such an approval keeps covering
    the land (PZMJ, SFPZ, PZWH and the occupation figures), is noted with its restoration
    deadline, and its spots are returned (restoring) for a field check: is it being restored?
    After the restoration deadline it is left out like any approval that ended.

    An approval whose term is unknown (LayerInput.term_unknown: its dates contradict each
    other) covers its land whatever its term, is noted, and its spots are returned
    (term_unsure) to be checked, never cleared on its strength."""
    keep = np.ones(len(ov.spot), dtype=bool)
    restoring = np.zeros(len(spot_dates), dtype=bool)
    term_unsure = np.zeros(len(spot_dates), dtype=bool)
    said: set[tuple[int, int]] = set()
    for j, (i, f) in enumerate(zip(ov.spot.tolist(), ov.feat.tolist())):
        if layer.term_unknown is not None and layer.term_unknown[f]:
            term_unsure[i] = True
            why = "截止日期早于批准日期，期限无法判断，仍计入批准覆盖"
        else:
            judged = _term_as_seen(layer, f, spot_dates[i])
            if judged is None:
                continue  # in force then, or nothing to judge it by
            why, keep[j], restoring[i] = judged[0], judged[1], restoring[i] or judged[2]
        if (i, f) not in said:
            said.add((i, f))
            notes[i].append(f"批准用地 {layer.labels[f]} {why}")
    n = len(spot_dates)
    kept = Overlay(ov.spot[keep], ov.feat[keep], ov.geom[keep], ov.area[keep], ov.planar[keep])
    kept.sums = np.bincount(kept.spot, weights=kept.area, minlength=n)
    return kept, restoring, term_unsure


def _term_as_seen(layer: LayerInput, f: int, seen) -> tuple[str, bool, bool] | None:
    """How approval f stood at a spot's later image date `seen`: (why, kept as cover, in its
    restoration year), or None when it was in force then or nothing tells (approvals_in_force)."""
    if seen is None:
        return None
    granted = layer.granted[f] if layer.granted is not None else None
    ends = layer.ends[f] if layer.ends is not None else None
    temporary = layer.kinds is not None and domain.is_temporary_land(layer.kinds[f])
    restore_by = (
        dl.due_date("temporary_land_restoration", ends) if temporary and ends is not None else None
    )
    if restore_by is not None and ends < seen <= restore_by:
        why = (
            f"已于 {ends:%Y-%m-%d} 到期，临时用地复垦期内，至 {restore_by:%Y-%m-%d}，仍计入批准覆盖"
        )
        return why, True, True
    if ends is not None and ends < seen:
        past = f"，复垦期限 {restore_by:%Y-%m-%d} 已过" if restore_by is not None else ""
        return (
            f"已于 {ends:%Y-%m-%d} 到期{past}，早于后时相 {seen:%Y-%m-%d}，不计入批准覆盖",
            False,
            False,
        )
    if granted is not None and granted > seen:
        why = f"批准于 {granted:%Y-%m-%d}，晚于后时相 {seen:%Y-%m-%d}（边报边用？），不计入批准覆盖"
        return why, False, False
    return None


def approval_kinds(ov: Overlay | None, layers: dict[str, LayerInput], n: int) -> list[str]:
    """The kinds of the approvals in force over each spot (临时用地、农转用), '' where none."""
    layer = layers.get(domain.LAYER_APPROVALS)
    if ov is None or layer is None or layer.kinds is None:
        return [""] * n
    kinds: list[dict[str, None]] = [{} for _ in range(n)]
    for i, f in zip(ov.spot.tolist(), ov.feat.tolist()):
        kind = layer.kinds[f]
        if kind:
            kinds[i][str(kind)] = None
    return ["、".join(k) for k in kinds]


def suggest_verdicts(
    fields: dict[str, np.ndarray],
    spot_area: np.ndarray,
    no_geom: np.ndarray,
    gross: dict[str, np.ndarray],
    unions: dict[str, np.ndarray],
    gross_cult: np.ndarray | None,
    cult_union: Callable[[np.ndarray], np.ndarray] | None,
    given: set[str],
    approval_share: float,
    deduct_ridges: bool,
    approval_notes: list[list[str]],
    approval_kinds: list[str],
    restoring: np.ndarray,
    term_unsure: np.ndarray,
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
) -> tuple[list[list[str]], dict[str, int]]:
    """Suggested verdict, review priority and criminal flag per spot; returns the parts of
    each spot's reason (joined into its field by _fit_texts), and how many spots the referral
    test left open for each cause that occurred (referral_open_causes).

    Basic farmland and cultivated land count as occupied only outside approvals:
    unapproved = area(layer ∩ spot − approvals), computed exactly for the few spots that have
    both; red line, no-mining and three-zone overlaps count whatever the approvals (an approval
    does not lift them). Criminal: unapproved basic farmland ≥ 5 亩, or unapproved cultivated
    land outside basic farmland ≥ 10 亩 (gross of ridges), each rounded to 亩 with 2 decimals,
    the figure a report shows. An overlap counts for the verdict only when it shows in the
    report (≥ 0.01 亩): a sliver of 0.00 亩 along a boundary is digitising, not occupation.
    restoring: the spots a temporary-land approval in its restoration year covers
    (approvals_in_force): never 已批准覆盖 (the term is over), checked in the field instead.
    term_unsure: the spots an approval of unknown term covers (its dates contradict each
    other): counted as covered, but never 已批准覆盖 on its strength; its term is checked.
    """
    n = len(spot_area)
    zero = np.zeros(n)
    ap_u = unions.get(domain.LAYER_APPROVALS)
    ap = gross.get(domain.LAYER_APPROVALS, zero)
    bf = gross.get(domain.LAYER_BASIC_FARMLAND, zero)
    cult = gross_cult if gross_cult is not None else zero
    mu = shown_mu
    # Land of unknown class (WDCMJ: under no parcel, or an unknown code) may be cultivated.
    classed = domain.LAYER_LAND_USE in given and fields[domain.UNSURVEYED_AREA].dtype != object
    unclassed = fields[domain.UNSURVEYED_AREA].astype(float) if classed else zero
    bf_unapp, cult_unapp, cult_other, exact = _unapproved_areas(
        gross, unions, cult, cult_union, unclassed, origin, crs, method
    )
    criminal, referral_open = _referral_test(
        spot_area, ap, bf_unapp, cult_unapp, cult_other, unclassed, given, no_geom
    )
    _referral_basis(fields, bf_unapp, cult_unapp, cult_other, exact, given, no_geom)

    red_area = gross.get(domain.LAYER_RED_LINE, zero)
    mining_area = gross.get(domain.LAYER_NO_MINING, zero)
    zones_area = gross.get(domain.LAYER_THREE_ZONES, zero)
    # What the verdict counts: an overlap the report shows, at least 0.01 亩.
    red, mining, zones = mu(red_area) > 0, mu(mining_area) > 0, mu(zones_area) > 0
    bf_hit, cult_hit = mu(bf_unapp) > 0, mu(cult_unapp) > 0
    # Basic farmland all inside approvals: lawful only if the approval may take it (a facility
    # agricultural filing or temporary land mostly may not), so never 已批准覆盖 on the
    # approval's strength alone: the more fully approved spot must not be the less checked.
    bf_in_approvals = (mu(bf) > 0) & ~bf_hit
    touched = [bf_unapp, red_area, mining_area, zones_area, cult_unapp]
    slivers = np.any([shows(a) & (mu(a) == 0) for a in touched], axis=0)
    priority = np.full(n, 4, dtype=np.int64)
    priority[cult_hit | zones] = 3
    priority[bf_hit | mining] = 2
    priority[criminal | red] = 1
    priority[(bf_in_approvals | term_unsure) & (priority > 3)] = 3
    if {domain.LAYER_LAND_USE, domain.LAYER_BASIC_FARMLAND} <= given:
        # Open for land of unknown class alone (with both layers nothing else leaves it open):
        # it may be referral scale, which the field check settles; never 4, "nothing found
        # ranks it higher". (With a layer missing, 4 is not given: such spots are unranked.)
        priority[referral_open & (priority > 3)] = 3
    share = np.divide(ap, spot_area, out=np.zeros(n), where=spot_area > 0)
    # Covered but for float noise is covered whole: a union of overlapping approvals comes out
    # a hair under the spot, which must not fail a 100 % rule or read as 99.9 %.
    share[(spot_area > 0) & (ap >= spot_area * (1.0 - 1e-7))] = 1.0
    covered = (ap_u is not None) & (share >= approval_share) & ~no_geom
    # "Approved" only when what lies outside the approvals is clean: unapproved farmland or
    # cultivated land there is land taken beyond the approval (超占用地), and an approval does
    # not lift the red line. Such spots are checked in the field, or suspected when referable.
    # Judged by none of its overlaps (below), and so ranked by none: not ranked, as a spot
    # without geometry is not.
    tiny = too_small_to_show(spot_area) & ~no_geom
    approved = (
        covered & ~criminal & ~red & ~bf_hit & ~cult_hit & ~bf_in_approvals & ~restoring
    ) & ~term_unsure
    # Shares are shown cut, not rounded, to 0.1 %: 94.96 % must not read as the 95 % rule.
    share_text = [f"{math.floor(v * 1000.0) / 10.0:.1f}%" for v in share.tolist()]

    def mu_text(values: np.ndarray) -> list[str]:
        """Each area in m² as the 亩 text of the reason, all spots in one pass."""
        return [f"{v:.2f} 亩" for v in mu(values).tolist()]

    bf_mu_text, bf_unapp_mu_text = mu_text(bf), mu_text(bf_unapp)
    cult_mu_text, cult_unapp_mu_text = mu_text(cult), mu_text(cult_unapp)
    cult_other_mu_text = mu_text(cult_other)
    red_mu_text, mining_mu_text, zones_mu_text = (
        mu_text(red_area),
        mu_text(mining_area),
        mu_text(zones_area),
    )

    label = domain.LAYER_LABELS_ZH
    approvals = label[domain.LAYER_APPROVALS]
    zh = domain.LAND_GROUP_LABELS_ZH
    ridges = "（含田坎）" if deduct_ridges else ""  # the test takes the gross figure
    # A spot is "of no concern" only against every layer that could have made it one.
    not_given = [label[key] for key in domain.PROTECTION_LAYERS if key not in given]
    unknown = f"未提供{'、'.join(not_given)}图层，无法排除" if not_given else ""
    # The referral test's layers that were not given, for the spots it leaves open.
    referral_layers = {
        domain.LAYER_LAND_USE: label[domain.LAYER_LAND_USE],
        domain.LAYER_BASIC_FARMLAND: label[domain.LAYER_BASIC_FARMLAND],
    }
    missing = [name for key, name in referral_layers.items() if key not in given]
    missing_text = f"未提供{'、'.join(missing)}图层" if missing else ""

    def referral_unknown(i: int) -> str:
        """Why the referral test is open for spot i: a layer missing, land of unknown class."""
        why = [missing_text] if missing_text else []
        unclassed_mu = float(mu(float(unclassed[i])))
        if unclassed_mu > 0:
            why.append(f"{domain.UNSURVEYED_LABEL_ZH} {unclassed_mu:.2f} 亩可能为耕地")
        return "，".join(why)

    farmland = label[domain.LAYER_BASIC_FARMLAND]
    verdict = np.full(n, domain.SUGGEST_FIELD_CHECK, dtype=object)
    reason: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        if no_geom[i]:
            reason[i] = ["图斑几何为空，无法筛查"]
            continue
        if tiny[i]:  # every overlap of it is a sliver: none counts, which clears nothing
            sqm = float(round_area(spot_area[i]))
            reason[i] = [f"图斑面积仅 {sqm:.2f} 平方米，不足 0.01 亩，无法判定", "核实交付的图形"]
            continue
        taken = []  # occupation that makes a spot suspected on its own
        if bf_hit[i]:
            extra = f"（其中未批 {bf_unapp_mu_text[i]}）" if bf_unapp[i] < bf[i] - TOL else ""
            taken.append(f"占用{label[domain.LAYER_BASIC_FARMLAND]} {bf_mu_text[i]}{extra}")
        if red[i]:
            taken.append(f"涉及{label[domain.LAYER_RED_LINE]} {red_mu_text[i]}")
        if cult_hit[i]:
            cultivated = f"占用{zh[domain.LAND_GROUP_CULTIVATED]}"
            clause = (
                f"{cultivated} {cult_unapp_mu_text[i]}{ridges}（未批部分）"
                if cult_unapp[i] < cult[i] - TOL
                else f"{cultivated} {cult_mu_text[i]}{ridges}"
            )
            if cult_other[i] < cult_unapp[i] - TOL and mu(cult_other[i]) > 0:
                # the part the 10 亩 test counts, when basic farmland is not all of it
                clause += f"，其中永久基本农田以外 {cult_other_mu_text[i]}"
            taken.append(clause)
        # SFXS NULL is always said, with why: with land taken, among what is taken; without,
        # (land of unknown class alone that could be 10 亩 of cultivated land) after the land.
        scale_unknown = (
            [f"{referral_unknown(i)}，{SCALE_UNKNOWN}"]
            if referral_open[i] and not criminal[i]
            else []
        )
        if criminal[i]:
            taken.append("达到刑事移送标准")
        elif bf_hit[i] or cult_hit[i]:  # land taken, scale unknown
            taken.extend(scale_unknown)
            scale_unknown = []
        mining_use = []  # land in these zones is not taken by law; what it is used for matters
        if mining[i]:
            mining_use.append(f"涉及{label[domain.LAYER_NO_MINING]} {mining_mu_text[i]}")
        if zones[i]:
            mining_use.append(f"涉及{label[domain.LAYER_THREE_ZONES]} {zones_mu_text[i]}")
        kind = f"（{approval_kinds[i]}）" if approval_kinds[i] else ""
        farmland_approved = (
            [f"涉及{farmland} {bf_mu_text[i]}，均在批准范围内", "核实批准是否包含占用永久基本农田"]
            if bf_in_approvals[i]
            else []
        )
        if approved[i]:
            verdict[i] = domain.SUGGEST_APPROVED
            reason[i] = [f"{approvals}覆盖 {share_text[i]}{kind}", *mining_use]
            continue
        if ap_u is None:
            cover = f"未提供{approvals}图层"
        elif covered[i] and (bf_hit[i] or cult_hit[i]):
            cover = f"{approvals}覆盖 {share_text[i]}{kind}，未批部分见上"
        elif covered[i]:
            cover = f"{approvals}覆盖 {share_text[i]}{kind}"
        elif ap[i] > TOL:
            cover = f"{approvals}仅覆盖 {share_text[i]}{kind}"
        else:
            cover = f"未被{approvals}覆盖"
        term_checks = ["核实临时用地是否按期复垦"] if restoring[i] else []
        if term_unsure[i]:
            term_checks.append("核实批准用地期限")
        if taken and (criminal[i] or not covered[i]):
            verdict[i] = domain.SUGGEST_ILLEGAL
            reason[i] = [*taken, *farmland_approved, *mining_use, cover]
            continue
        if taken:  # mostly approved: is the rest taken beyond the approval, or allowed?
            check = [
                *(["核实是否超出批准范围占地"] if bf_hit[i] or cult_hit[i] else []),
                *(["核实是否属生态保护红线内允许的活动"] if red[i] else []),
            ]
            reason[i] = [*taken, *farmland_approved, *mining_use, cover, *check, *term_checks]
            continue
        if mining_use:
            reason[i] = [
                *mining_use,
                "核实是否采矿或有其他违法用途",
                *farmland_approved,
                *scale_unknown,
                cover,
                *term_checks,
            ]
            continue
        if restoring[i] or term_unsure[i]:
            # Temporary land in its restoration year is lawfully held, whatever the land:
            # what the field check is for is whether it is being restored; an approval of
            # unknown term, whether it was in force.
            reason[i] = [cover, *farmland_approved, *term_checks]
            priority[i] = min(priority[i], 3)
            continue
        if domain.CULTIVATED_AREA not in fields or fields[domain.CULTIVATED_AREA].dtype == object:
            land_use = label[domain.LAYER_LAND_USE]
            reason[i] = [f"未提供{land_use}图层，无法排除占用耕地", *farmland_approved, cover]
            continue
        # Land the report shows (≥ 0.01 亩), the rule of the protection layers above: a parcel's
        # edge never meets a spot's exactly, and a sliver of 0.00 亩 is digitising.
        other = [
            f"占用{zh[g]} {shown_mu(float(fields[name][i])):.2f} 亩"
            for g, name in domain.LAND_GROUP_FIELDS.items()
            if g in (domain.LAND_GROUP_AGRICULTURAL, domain.LAND_GROUP_UNUSED)
            and shown_mu(float(fields[name][i])) > 0
        ]
        sqm = float(fields[domain.UNSURVEYED_AREA][i])
        if shown_mu(sqm) > 0:
            clause = f"{domain.UNSURVEYED_LABEL_ZH} {shown_mu(sqm):.2f} 亩（{sqm:.2f} 平方米）"
            if scale_unknown:  # the land said once: then that it may be cultivated
                clause += "，可能为耕地"
                scale_unknown = ["，".join([*filter(None, [missing_text]), SCALE_UNKNOWN])]
            other.append(clause)
        # Slivers under 0.01 亩 are flagged (SF...) but do not count: said, lest the flag and
        # the words disagree.
        sliver = "；压占不足 0.01 亩的边界碎片不计" if slivers[i] else ""
        cover_part = [cover] if ap[i] > TOL or ap_u is None else []
        construction = zh[domain.LAND_GROUP_CONSTRUCTION]
        if mu(cult[i]) > 0:  # not taken (that was said above): all of it inside approvals
            here = f"{zh[domain.LAND_GROUP_CULTIVATED]} {cult_mu_text[i]}{ridges}均在批准范围内"
            built = fields[domain.LAND_GROUP_FIELDS[domain.LAND_GROUP_CONSTRUCTION]][i]
            if shown_mu(float(built)) > 0:
                here += f"，其余位于{construction}"
        else:
            here = f"位于{construction}"
        if other:
            # Not the words of the verdict 未涉及保护图层, which this spot does not get.
            # Not "of no protection layer" where basic farmland lies inside approvals.
            clear = (
                [unknown] if unknown else [] if farmland_approved else [f"不涉及各保护图层{sliver}"]
            )
            reason[i] = [*other, *farmland_approved, *scale_unknown, *clear, cover]
        elif unknown:
            reason[i] = [
                here,
                *farmland_approved,
                *scale_unknown,
                f"{unknown}{sliver}",
                *cover_part,
            ]
        elif approval_notes[i]:
            # An approval that ended before the image, or came after it, is what the spot is
            # about: not restored after its term (到期未复垦), or used before approval (边报边用).
            reason[i] = [here, "核实是否到期未复垦或边报边用", *farmland_approved, *cover_part]
            priority[i] = min(priority[i], 3)
        elif farmland_approved:
            # Basic farmland inside approvals: taken, if lawfully; not "no protection layer".
            reason[i] = [here, *farmland_approved, *cover_part]
        else:
            verdict[i] = domain.SUGGEST_NO_CONCERN
            reason[i] = [f"{here}，未涉及保护图层{sliver}", *cover_part]
    for i, notes in enumerate(approval_notes):
        reason[i].extend(notes)
    fields[domain.SUGGESTED_VERDICT] = verdict
    # "4 the rest" says nothing was found that ranks the spot higher: claimed only when every
    # layer that could have was given. Otherwise it is not ranked (NULL; the dock's queue puts
    # it after the ranked spots, with spots imported unscreened). A spot ranked by what was
    # found keeps that rank: a basic-farmland spot must not sort after the clean ones because
    # the land-use layer was missing. A spot without geometry was checked against nothing:
    # neither ranked nor below referral scale (SFXS NULL, where it cannot be told).
    checked = {domain.LAYER_LAND_USE, *domain.PROTECTION_LAYERS} <= given
    unranked = ((priority == 4) & (not checked)) | no_geom | tiny
    fields[domain.REVIEW_PRIORITY] = _with_nulls(priority, unranked)
    fields[domain.CRIMINAL_FLAG] = _with_nulls(criminal, referral_open | no_geom)
    return reason, referral_open_causes(referral_open, no_geom, given)


def referral_open_causes(
    referral_open: np.ndarray, no_geom: np.ndarray, given: set[str]
) -> dict[str, int]:
    """How many spots the referral test left open (SFXS NULL) for each cause, the causes that
    occurred only (REFERRAL_OPEN_*): a summary that names every cause there could be tells a
    run with both layers that one was missing."""
    farmland = domain.LAYER_BASIC_FARMLAND in given
    land_use = domain.LAYER_LAND_USE in given
    if farmland and land_use:
        # With both layers only land of unknown class keeps the test open (_referral_test).
        layers_cause = REFERRAL_OPEN_UNCLASSED
    elif farmland:
        layers_cause = REFERRAL_OPEN_NO_LAND_USE
    elif land_use:
        layers_cause = REFERRAL_OPEN_NO_BASIC_FARMLAND
    else:
        layers_cause = REFERRAL_OPEN_NO_LAYERS
    counts = {
        layers_cause: int(np.count_nonzero(referral_open)),
        REFERRAL_OPEN_NO_GEOMETRY: int(np.count_nonzero(no_geom)),
    }
    return {cause: count for cause, count in counts.items() if count}


def _referral_basis(
    fields: dict[str, np.ndarray],
    bf_unapp: np.ndarray,
    cult_unapp: np.ndarray,
    cult_other: np.ndarray,
    exact: np.ndarray,
    given: set[str],
    no_geom: np.ndarray,
) -> None:
    """The figures the referral test judged SFXS on, as the two fields a case opened from the
    spot takes (domain.REFERRAL_*): unapproved basic farmland, and unapproved cultivated land
    gross of ridges including that farmland, as GDMJ includes it, so that
    cases.criminal_scale(cultivated, basic), which counts cultivated − basic as the land
    outside the farmland, answers as SFXS did. Where the screening worked out the cultivated
    land outside farmland and approvals exactly (exact: the spots that could reach 10 亩), the
    cultivated figure is farmland + that, each in cents as written, so the difference is that
    figure to the cent (basic farmland on land not classed cultivated counts once, as in the
    test); elsewhere it is the unapproved cultivated land, which is under 10 亩 there, as is
    its part outside the farmland. A figure whose layer was not given is NULL (the case falls
    back to GDMJ / YJJBNTMJ), as for a spot without geometry.

    Where SFXS is NULL (a layer missing, or land of unknown class WDCMJ that could be
    cultivated) the fields hold what was measured, the unknown land not counted: a case opened
    on them is at the scale only when the land known reaches it, which it does not (else SFXS
    would be 1) until the on-site figures, which win, say so."""
    n = len(bf_unapp)
    farmland = domain.LAYER_BASIC_FARMLAND in given
    land_use = domain.LAYER_LAND_USE in given
    basic = round_area(bf_unapp)
    cultivated = round_area(cult_unapp)
    if land_use:
        both = exact & farmland
        cultivated[both] = round_area(basic[both] + round_area(cult_other[both]))

    def column(values: np.ndarray, known: bool) -> np.ndarray:
        if not known:
            return np.full(n, None, dtype=object)
        if not no_geom.any():
            return values
        return np.array(
            [None if empty else v for v, empty in zip(values.tolist(), no_geom.tolist())],
            dtype=object,
        )

    fields[domain.REFERRAL_BASIC_FARMLAND_AREA] = column(basic, farmland)
    fields[domain.REFERRAL_CULTIVATED_AREA] = column(cultivated, land_use)


def _unapproved_areas(
    gross: dict[str, np.ndarray],
    unions: dict[str, np.ndarray],
    cult: np.ndarray,
    cult_union: Callable[[np.ndarray], np.ndarray] | None,
    unclassed: np.ndarray,
    origin: tuple[float, float],
    crs: int | str,
    method: AreaMethod,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(basic farmland, cultivated land, cultivated land outside basic farmland), each outside
    the approvals, per spot: area(layer ∩ spot − approvals) computed exactly, but only for the
    few spots where the difference can matter; the others keep their gross figure. Fourth, the
    spots whose cultivated land outside basic farmland was worked out (the others keep their
    unapproved cultivated land there, basic farmland included).
    unclassed: each spot's land of unknown class (WDCMJ), which may be cultivated."""
    n = len(cult)
    zero = np.zeros(n)
    ap_u = unions.get(domain.LAYER_APPROVALS)
    ap = gross.get(domain.LAYER_APPROVALS, zero)
    bf_u = unions.get(domain.LAYER_BASIC_FARMLAND)
    bf = gross.get(domain.LAYER_BASIC_FARMLAND, zero)

    def minus(
        base: np.ndarray,
        base_u: Callable[[np.ndarray], np.ndarray],
        cutters: list[np.ndarray | None],
        rows: np.ndarray,
    ) -> np.ndarray:
        """area(base_u − each cutter) on rows, vectorised; other rows keep `base`."""
        out = base.copy()
        if len(rows) == 0:
            return out
        geom = base_u(rows)[rows]
        for cu in cutters:
            if cu is not None:
                c = cu[rows]
                has = ~shapely.is_missing(c)
                geom[has] = on_all_cores(shapely.difference, geom[has], c[has])
        out[rows] = on_all_cores(lambda g: areas(g, method, crs, origin), geom)
        return out

    both = np.flatnonzero((bf > TOL) & (ap > TOL)) if ap_u is not None else np.zeros(0, int)
    bf_unapp = minus(bf, lambda rows: bf_u, [ap_u], both) if bf_u is not None else zero
    if cult_union is not None and ap_u is not None:
        cult_unapp = minus(cult, cult_union, [ap_u], np.flatnonzero((cult > TOL) & (ap > TOL)))
    else:
        cult_unapp = cult
    # Only spots that could reach 10 亩, counting the land of unknown class as cultivated,
    # need the exact cultivated-outside-basic-farmland area.
    near = np.flatnonzero(at_referral_scale(0.0, cult_unapp + unclassed))
    cult_other = (
        minus(cult_unapp, cult_union, [bf_u, ap_u], near) if cult_union is not None else zero
    )
    exact = np.zeros(n, dtype=bool)
    if cult_union is not None:
        exact[near] = True
    return bf_unapp, cult_unapp, cult_other, exact


def _referral_test(
    spot_area: np.ndarray,
    approved: np.ndarray,
    bf_unapp: np.ndarray,
    cult_unapp: np.ndarray,
    cult_other: np.ndarray,
    unclassed: np.ndarray,
    given: set[str],
    no_geom: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each spot reaches the criminal-referral scale (DOMAIN §5: ≥ 5 亩 unapproved
    basic farmland, or ≥ 10 亩 unapproved cultivated land outside it), and where that cannot
    be told (m² in, compared in 亩 as the report shows them).

    The test needs the basic-farmland and the land-use layers. Without one, a spot is at
    referral scale when what was measured reaches it whatever the missing layer holds (5 亩
    of basic farmland; or, without the basic-farmland layer, 15 亩 of cultivated land: under
    5 亩 of it basic farmland leaves over 10 亩 outside), and not at it when the missing
    figure could not reach its threshold either (the spot's unapproved part, or what lies
    outside the basic farmland, is too small); else it is open. Basic farmland may lie on land
    not classed cultivated, so the spot's unapproved area bounds it, not its cultivated land.
    With both layers, land of unknown class (unclassed, WDCMJ: under no parcel or under a code
    the survey does not have) may be cultivated land outside the basic farmland: the test is
    open when the cultivated land plus it could reach 10 亩 and the known figures do not;
    never more of it than lies outside the farmland and the approvals. (With the land-use
    layer alone, a spot whose unapproved part could not hold 5 亩 of farmland cannot hold
    10 亩 of cultivated land either: the unknown land changes nothing there.)
    """
    farmland = domain.LAYER_BASIC_FARMLAND in given
    land_use = domain.LAYER_LAND_USE in given
    unapproved = np.maximum(spot_area - approved, 0.0)
    if farmland and land_use:
        criminal = at_referral_scale(bf_unapp, cult_other)
        # area(spot − (farmland ∪ approvals)) = unapproved − unapproved farmland, exactly.
        other_at_most = np.minimum(cult_other + unclassed, np.maximum(unapproved - bf_unapp, 0.0))
        possible = at_referral_scale(bf_unapp, other_at_most)
        criminal &= ~no_geom
        return criminal, possible & ~criminal & ~no_geom
    if farmland:  # cultivated land outside it: at most what lies outside farmland and approvals
        farmland_at_most = bf_unapp
        # area(spot − (farmland ∪ approvals)) = unapproved − unapproved farmland, exactly.
        other_at_most = np.maximum(unapproved - bf_unapp, 0.0)
        certain = at_referral_scale(bf_unapp, 0.0)
    elif land_use:  # any of the cultivated land may lie outside basic farmland, or inside it
        farmland_at_most = unapproved
        other_at_most = cult_unapp
        either = domain.CRIMINAL_BASIC_FARMLAND_MU + domain.CRIMINAL_CULTIVATED_MU
        certain = shown_mu(cult_unapp) >= either
    else:
        farmland_at_most = other_at_most = unapproved
        certain = np.zeros(len(spot_area), dtype=bool)
    possible = at_referral_scale(farmland_at_most, other_at_most)
    criminal = certain & ~no_geom
    return criminal, possible & ~criminal & ~no_geom


def _with_nulls(values: np.ndarray, null: np.ndarray) -> np.ndarray:
    """values, None (NULL) where null is set; as they are when it is nowhere set."""
    if not null.any():
        return values
    return np.array(
        [None if empty else value for value, empty in zip(values.tolist(), null.tolist())],
        dtype=object,
    )
