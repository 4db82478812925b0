"""Rules of screening's suggested verdicts and referral flag that no test held: each was broken
on purpose by a mutation round and every test then still passed. Expected values by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tests.test_screening_core import (
    MU,
    LayerInput,
    arr,
    box,
    domain,
    every_protection_layer,
    land_of_unknown_class,
    land_use,
    plain,
    run,
    strip,
)


def test_temporary_land_ending_on_the_later_image_date_is_approved_not_restoring():
    hsx = dt.date(2026, 1, 15)
    lu = land_use([box(-100, -100, 500, 300)], ["0702"])
    ap = LayerInput(
        arr(box(0, 0, 100, 100)),
        np.array(["临-1"], dtype=object),
        kinds=np.array(["临时用地"], dtype=object),
        ends=np.array([hsx], dtype=object),
        granted=np.array([dt.date(2024, 1, 15)], dtype=object),
    )
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 100, 100)], layers, spot_dates=[hsx]).fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_APPROVED]
    assert "复垦" not in f[domain.VERDICT_REASON][0]


def test_a_100_percent_rule_is_not_met_by_99_95_percent():
    lu = land_use([box(-100, -100, 500, 300)], ["0702"])
    ap = plain([box(0, 0, 99.95, 100)], ["批-1"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 100, 100)], layers, approval_share=1.0).fields
    assert f[domain.SUGGESTED_VERDICT][0] != domain.SUGGEST_APPROVED
    assert "99.9%" in f[domain.VERDICT_REASON][0]


def test_cultivated_land_outside_farmland_plus_unknown_land_under_10_mu_is_no_referral():
    """15 亩 spot: 8 亩 cultivated (4 亩 of it basic farmland), 3 亩 unknown class. Outside the
    farmland at most 4 + 3 = 7 亩 could be cultivated: SFXS 0, not NULL."""
    layers = {
        domain.LAYER_LAND_USE: land_of_unknown_class(8, 3),
        domain.LAYER_BASIC_FARMLAND: plain([box(0, 0, 100, 4 * MU / 100.0)]),
    }
    f = run([strip(15)], layers).fields
    assert f[domain.CRIMINAL_FLAG][0] is not None
    assert not f[domain.CRIMINAL_FLAG][0]


def test_basic_farmland_wholly_approved_is_checked_however_fully_the_spot_is_covered():
    """A facility-land filing over basic farmland, covering the whole spot, was 已批准覆盖 at
    priority 4, while the same spot 90 % covered was checked at priority 3: the more fully
    approved spot was the less checked. Both are checked now, the farmland named."""
    lu = land_use([box(-10, -10, 110, 110)], ["0601"])
    bf = plain([box(-10, -10, 110, 110)], ["B1"])
    for cover in (100, 90):
        ap = LayerInput(
            arr(box(0, 0, cover, 100)),
            np.array(["设-1"], dtype=object),
            kinds=np.array(["设施农用地"], dtype=object),
        )
        layers = every_protection_layer(
            **{
                domain.LAYER_LAND_USE: lu,
                domain.LAYER_BASIC_FARMLAND: bf,
                domain.LAYER_APPROVALS: ap,
            }
        )
        f = run([box(0, 0, 100, 100)], layers, approval_share=0.95).fields
        reason = f[domain.VERDICT_REASON][0]
        if cover == 100:
            assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK, reason
            assert f[domain.REVIEW_PRIORITY][0] == 3
            assert "均在批准范围内" in reason and "核实批准是否包含占用永久基本农田" in reason
            assert "设施农用地" in reason
        else:  # 1.5 亩 of basic farmland outside the filing: taken
            assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_ILLEGAL, reason
            assert f[domain.REVIEW_PRIORITY][0] == 2


def test_farmland_inside_approvals_beside_other_land_is_not_called_clear_of_protection():
    """Other agricultural land outside the approval, basic farmland inside it: the reason names
    both and never says the spot touches no protection layer."""
    lu = land_use([box(-10, -10, 50, 110), box(50, -10, 110, 110)], ["0702", "0301"])
    bf = plain([box(0, 0, 40, 100)], ["B1"])
    ap = plain([box(0, 0, 50, 100)], ["批-1"])
    layers = every_protection_layer(
        **{
            domain.LAYER_LAND_USE: lu,
            domain.LAYER_BASIC_FARMLAND: bf,
            domain.LAYER_APPROVALS: ap,
        }
    )
    f = run([box(0, 0, 100, 100)], layers).fields
    reason = f[domain.VERDICT_REASON][0]
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_FIELD_CHECK, reason
    assert "占用其他农用地 7.50 亩" in reason and "均在批准范围内" in reason
    assert "不涉及各保护图层" not in reason


def test_a_sliver_of_other_land_under_0_01_mu_does_not_call_for_a_field_check():
    """A parcel edge 2 mm inside a construction spot (0.2 m² of forest) or a gap of 0.2 m²
    between parcels: digitising, as a sliver of a protection layer is, not land taken. At
    0.01 亩 (6.7 m² here) it counts."""
    cases = {
        "forest sliver": (
            [box(-10, -10, 99.998, 110), box(99.998, -10, 200, 110)],
            ["0702", "0301"],
        ),
        "gap": ([box(-10, -10, 99.998, 110), box(100, -10, 200, 110)], ["0702", "0702"]),
        "forest strip": (
            [box(-10, -10, 99.933, 110), box(99.933, -10, 200, 110)],
            ["0702", "0301"],
        ),
    }
    verdicts = {}
    for name, (parcels, codes) in cases.items():
        layers = every_protection_layer(**{domain.LAYER_LAND_USE: land_use(parcels, codes)})
        f = run([box(0, 0, 100, 100)], layers).fields
        verdicts[name] = (f[domain.SUGGESTED_VERDICT][0], f[domain.VERDICT_REASON][0])
    assert verdicts["forest sliver"][0] == domain.SUGGEST_NO_CONCERN, verdicts
    assert verdicts["gap"][0] == domain.SUGGEST_NO_CONCERN, verdicts
    assert verdicts["forest strip"][0] == domain.SUGGEST_FIELD_CHECK, verdicts
    assert "占用其他农用地 0.01 亩" in verdicts["forest strip"][1]


def test_land_of_unknown_class_that_could_be_referral_scale_is_ranked_for_a_field_check():
    """11 亩 under a code the survey does not have, nothing else found, every layer given:
    SFXS open (NULL), so not the rank 4 of "nothing ranks it higher", which sorted it with the
    clean spots at the end of the queue; its land said once, then that it may be cultivated."""
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: land_of_unknown_class(0, 11)})
    f = run([strip(15)], layers).fields
    assert f[domain.CRIMINAL_FLAG][0] is None
    assert f[domain.REVIEW_PRIORITY][0] == 3
    reason = f[domain.VERDICT_REASON][0]
    assert reason.count("11.00 亩") == 1, reason
    assert (
        "未调查或无法归类 11.00 亩（7333.33 平方米），可能为耕地；无法判断是否达到刑事移送标准"
        in reason
    )
    # Under the scale whatever it is (4.99 亩): rank 4 stays.
    f = run(
        [strip(15)],
        every_protection_layer(**{domain.LAYER_LAND_USE: land_of_unknown_class(0, 4.99)}),
    ).fields
    assert f[domain.CRIMINAL_FLAG][0] is not None and not f[domain.CRIMINAL_FLAG][0]
    assert f[domain.REVIEW_PRIORITY][0] == 4


def test_cultivated_land_all_inside_approvals_is_said_so_not_construction_land():
    """Half the spot cultivated and approved, half construction land: the reason said
    "位于建设用地" of a spot half of which is cultivated land."""
    lu = land_use([box(-10, -10, 50, 110), box(50, -10, 110, 110)], ["0101", "0702"])
    ap = plain([box(0, 0, 50, 100)], ["批-1"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    f = run([box(0, 0, 100, 100)], layers).fields
    reason = f[domain.VERDICT_REASON][0]
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_NO_CONCERN, reason
    assert reason.startswith("耕地 7.50 亩均在批准范围内，其余位于建设用地，未涉及保护图层"), reason


def test_a_spot_too_small_to_show_is_checked_not_cleared_nor_approved():
    """0.001 m² inside unapproved cultivated land was 未涉及保护图层 at rank 4, "on
    construction land"; inside an approval, 已批准覆盖 with PZMJ 0.00. Every overlap of it is
    a sliver that does not count: nothing is judged, the outline is to be checked, and the
    spot is named in the messages."""
    lu = land_use([box(-10, -10, 110, 110)], ["0101"])
    ap = plain([box(0, 0, 10, 10)], ["批-1"])
    layers = every_protection_layer(**{domain.LAYER_LAND_USE: lu, domain.LAYER_APPROVALS: ap})
    spots = [
        box(1, 1, 1.0316, 1.0316),
        box(50, 50, 51, 51),
        box(60, 60, 61.5, 62),
    ]  # 0.001, 1, 3 m²
    r = run(spots, layers)
    f = r.fields
    assert f[domain.SUGGESTED_VERDICT].tolist() == [domain.SUGGEST_FIELD_CHECK] * 3
    # Not ranked: rank 4 says it was screened and nothing found ranks it higher.
    assert f[domain.REVIEW_PRIORITY].tolist() == [None] * 3
    for i in range(3):
        assert "不足 0.01 亩，无法判定" in f[domain.VERDICT_REASON][i], f[domain.VERDICT_REASON][i]
        assert "不足 0.01 亩" in f[domain.GEOMETRY_NOTE][i]
        assert any(f"S{i}" in m and "under 0.01 mu" in m for m in r.messages), r.messages
    # 3.34 m² shows as 0.01 亩: judged as any spot (cultivated land taken)
    f = run([box(60, 60, 61, 63.34)], layers).fields
    assert f[domain.SUGGESTED_VERDICT][0] == domain.SUGGEST_ILLEGAL
