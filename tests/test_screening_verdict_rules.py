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
