"""A case opened from a screened spot without on-site figures counts its criminal scale on the
figures SFXS was judged on (domain.REFERRAL_*), through screen_spots and GeoPackageLedger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from tests.test_screening_core import EPSG, arr, box
from zc_enforcement_plugin.core import cases, domain
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, SpotRecord, Verdict
from zc_enforcement_plugin.core.report_basis import read_ledger, unopened_cases
from zc_enforcement_plugin.core.screening import PLANAR, LayerInput, screen_spots
from zc_enforcement_plugin.core.workdays import WorkCalendar

REFERRAL = (domain.REFERRAL_CULTIVATED_AREA, domain.REFERRAL_BASIC_FARMLAND_AREA)


def plain(*geoms) -> LayerInput:
    return LayerInput(arr(*geoms), np.array([f"F{i}" for i in range(len(geoms))], dtype=object))


def cultivated(kcxs: float | None = None) -> LayerInput:
    parcels = arr(box(-100, -100, 300, 300))
    kc = None if kcxs is None else np.array([kcxs], dtype=object)
    return LayerInput(parcels, np.array(["P0"], dtype=object), np.array(["0101"], dtype=object), kc)


def screened(spot: shapely.Polygon, layers: dict, **kw) -> dict:
    """The spot's screening fields, as Python values."""
    result = screen_spots(arr(spot), ["S1"], layers, EPSG, PLANAR, **kw)
    return {name: values.tolist()[0] for name, values in result.fields.items()}


def reviewers_spots() -> list[tuple[shapely.Polygon, dict]]:
    """The reviewer's two spots, with the figures worked out by hand."""
    # 10,000 m² (15 亩) of cultivated basic farmland, 7,000 m² of it approved: 3,000 m² (4.50 亩)
    # unapproved farmland, no cultivated land outside it: SFXS 0, but GDMJ and YJJBNTMJ
    # 10,000 m² each made the case 15 亩 of farmland.
    approved = (
        box(0, 0, 100, 100),
        {
            "layers": {
                domain.LAYER_LAND_USE: cultivated(),
                domain.LAYER_BASIC_FARMLAND: plain(box(0, 0, 100, 100)),
                domain.LAYER_APPROVALS: plain(box(0, 0, 100, 70)),
            },
            "kw": {},
            "sfxs": False,
            "referral": (3000.0, 3000.0),
            "gdmj": (10000.0, 10000.0),
        },
    )
    # 7,000 m² of cultivated land with ridges of 0.1, deducted: GDMJ 6,300 m² (9.45 亩), but
    # the test counts it gross, 10.50 亩 outside basic farmland (which lies elsewhere): SFXS 1.
    ridges = (
        box(0, 0, 100, 70),
        {
            "layers": {
                domain.LAYER_LAND_USE: cultivated(kcxs=0.1),
                domain.LAYER_BASIC_FARMLAND: plain(box(200, 200, 250, 250)),
            },
            "kw": {"deduct_ridges": True},
            "sfxs": True,
            "referral": (7000.0, 0.0),
            "gdmj": (6300.0, 0.0),
        },
    )
    return [approved, ridges]


@pytest.fixture
def ledger(tmp_path):
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    yield store
    store.close()


def _import(ledger, number: str, fields: dict, geometry, drop_referral: bool = False) -> int:
    attributes = {
        **fields,
        domain.SPOT_NUMBER: number,
        domain.TOWN_NAME: "南郊镇",
        domain.OFFICE_NAME: "南郊自然资源所",
    }
    if drop_referral:  # a spot screened before the referral fields were written
        for name in REFERRAL:
            attributes.pop(name)
    ledger.import_batch(number, [SpotRecord(attributes, geometry, 0)])
    return next(s.id for s in ledger.spots() if s.number == number)


def _illegal(areas: dict | None = None) -> Verdict:
    return Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", "2024-03-05", areas=areas or {})


@pytest.mark.parametrize("which", [0, 1], ids=["approved-farmland", "ridges-deducted"])
def test_a_case_from_a_screened_spot_is_at_the_scale_sfxs_says(ledger, which):
    spot, case = reviewers_spots()[which]
    fields = screened(spot, case["layers"], **case["kw"])
    assert fields[domain.CRIMINAL_FLAG] is case["sfxs"]
    assert (fields[domain.CULTIVATED_AREA], fields[domain.BASIC_FARMLAND_AREA]) == case["gdmj"]
    assert tuple(fields[name] for name in REFERRAL) == case["referral"]
    spot_id = _import(ledger, "S1", fields, spot)
    ledger.record_verdict(spot_id, _illegal())
    # Before a case is opened, the reports judge the spot as the case it would be.
    context = read_ledger(ledger, dt.date(2024, 3, 6), WorkCalendar())
    [(_, unopened)] = unopened_cases(context, dt.date(2024, 3, 6))
    assert (unopened.cultivated_sqm, unopened.basic_farmland_sqm) == case["referral"]
    assert unopened.criminal_scale is case["sfxs"]
    ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    [record] = ledger.cases()
    assert (record.cultivated_sqm, record.basic_farmland_sqm) == case["referral"]
    assert record.case.criminal_scale is case["sfxs"] is bool(fields[domain.CRIMINAL_FLAG])
    assert record.case.marked_for_transfer is case["sfxs"]


def test_a_spot_screened_before_the_referral_fields_falls_back_to_gdmj_and_yjjbntmj(ledger):
    spot, case = reviewers_spots()[0]
    fields = screened(spot, case["layers"])
    spot_id = _import(ledger, "S1", fields, spot, drop_referral=True)
    ledger.record_verdict(spot_id, _illegal())
    ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    [record] = ledger.cases()
    assert (record.cultivated_sqm, record.basic_farmland_sqm) == case["gdmj"]


def test_on_site_figures_win_over_the_referral_figures(ledger):
    spot, case = reviewers_spots()[0]
    spot_id = _import(ledger, "S1", screened(spot, case["layers"]), spot)
    ledger.record_verdict(spot_id, _illegal({domain.BASIC_FARMLAND_AREA: 3400.0}))
    context = read_ledger(ledger, dt.date(2024, 3, 6), WorkCalendar())
    [(_, unopened)] = unopened_cases(context, dt.date(2024, 3, 6))
    assert (unopened.cultivated_sqm, unopened.basic_farmland_sqm) == (3000.0, 3400.0)
    ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    [record] = ledger.cases()
    # Basic farmland as measured on site (5.10 亩), cultivated land as the test counted it.
    assert (record.cultivated_sqm, record.basic_farmland_sqm) == (3000.0, 3400.0)
    assert record.case.criminal_scale


def test_farmland_off_cultivated_land_counts_once_in_the_case_as_in_the_test():
    # 3,000 m² of unapproved basic farmland (4.50 亩), 2,000 m² of it on garden land; 7,000 m²
    # of cultivated land outside the farmland (10.50 亩): SFXS 1. The case's cultivated figure
    # is farmland + that, 10,000 m²: GDMJ 8,000 − 3,000 would leave 7.50 亩 outside.
    land = LayerInput(
        arr(box(0, 0, 20, 100), box(20, 0, 100, 100)),
        np.array(["P0", "P1"], dtype=object),
        np.array(["0201", "0101"], dtype=object),
    )
    layers = {domain.LAYER_LAND_USE: land, domain.LAYER_BASIC_FARMLAND: plain(box(0, 0, 30, 100))}
    fields = screened(box(0, 0, 100, 100), layers)
    assert fields[domain.CULTIVATED_AREA] == 8000.0
    assert fields[domain.REFERRAL_BASIC_FARMLAND_AREA] == 3000.0
    assert fields[domain.REFERRAL_CULTIVATED_AREA] == 10000.0
    assert fields[domain.CRIMINAL_FLAG] is True
    assert cases.criminal_scale(10000.0, 3000.0)
    assert not cases.criminal_scale(8000.0, 3000.0)


def test_the_referral_fields_are_null_for_a_layer_not_given():
    fields = screened(box(0, 0, 100, 100), {domain.LAYER_BASIC_FARMLAND: plain(box(0, 0, 10, 10))})
    assert fields[domain.REFERRAL_BASIC_FARMLAND_AREA] == 100.0
    assert fields[domain.REFERRAL_CULTIVATED_AREA] is None
