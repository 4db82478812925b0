"""Rules of the campaign audits, 三区两线 and patrol days that no test held: each of these was
broken on purpose by a mutation round (a comparison turned, a guard dropped, a wrong field)
and every test then still passed. Expected values are worked out by hand in each test."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timezone

import pytest

from tests.test_campaigns import EPSG, HIGHWAY, RAIL, TODAY, TOWN, _rail_and_town, box, line, point
from zc_enforcement_plugin.core import audits, domain, three_zones
from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core import patrols as pt
from zc_enforcement_plugin.core.audits import Approvals, Ground, Licences
from zc_enforcement_plugin.core.three_zones import SourceFeatures


def codes(res, owner, field="PZWH"):
    return sorted(v[cs.VIOLATION_CODE] for v in res.violations if v[field] == owner)


def recs(res, field="PZWH"):
    return {r[field]: r for r in res.records}


def temp(approvals, ground, **kw):
    return audits.audit_temporary_land(
        approvals, ground, TODAY, crs=EPSG, area_method="planar", **kw
    )


def test_track_day_turns_at_beijing_midnight():
    utc = timezone.utc
    pts = [
        (117.0, 36.6, datetime(2025, 3, 4, 16, 0, tzinfo=utc)),
        (117.0, 36.6, datetime(2025, 3, 4, 15, 59, 59, tzinfo=utc)),
    ]
    assert pt.track_days(pts) == {dt.date(2025, 3, 5), dt.date(2025, 3, 4)}


def test_total_row_counts_a_spot_split_between_two_pieces_once():
    _r, _t, lines, zones = _rail_and_town()
    view = three_zones.view_areas(
        lines, zones, {RAIL: 500.0, TOWN: 400.0}, EPSG, area_method="planar"
    )
    spot = box(-10, -250, 10, -150)  # rail view whole; town view (to y=-200) half
    out = three_zones.summary(view, [spot], None, spot_ids=["S1"])
    total = {r[cs.SOURCE_NAME]: r for r in out.records}[cs.SUMMARY_TOTAL_NAME]
    assert total[cs.SUMMARY_SPOT_COUNT] == 1
    assert total[cs.SUMMARY_SPOT_IDS] == "S1"
    assert total[cs.SUMMARY_SPOT_AREA] == pytest.approx(2000.0, abs=0.01)


def test_a_railway_and_a_highway_sharing_a_name_keep_their_own_distances():
    lines = SourceFeatures(
        [line((0, 0), (1000, 0)), line((0, 3000), (1000, 3000))], [RAIL, HIGHWAY], ["济青", "济青"]
    )
    view = three_zones.view_areas(
        lines, None, {RAIL: 500.0, HIGHWAY: 100.0}, EPSG, area_method="planar"
    )
    assert sorted((s.kind, s.distance) for s in view.sources) == sorted(
        [(HIGHWAY, 100.0), (RAIL, 500.0)]
    )


def test_overlapping_violations_of_two_approvals_stay_two_spots():
    a = Approvals(
        [box(0, 0, 100, 100), box(50, 0, 150, 100)], ["临A", "临B"], uses=["施工营地", "施工营地"]
    )
    g = Ground([box(0, 0, 150, 100)], ids=["G"], uses=["住宅"])
    res = temp(a, g)
    assert sorted(s["PZWH"] for s in res.spots) == ["临A", "临B"]


def test_two_approvals_each_used_by_two_ground_features():
    a = Approvals([box(0, 0, 100, 100), box(200, 0, 300, 100)], ["临A", "临B"])
    g = Ground(
        [box(0, 0, 50, 100), box(50, 0, 100, 100), box(200, 0, 250, 100), box(250, 0, 300, 100)],
        ids=["G1", "G2", "G3", "G4"],
    )
    r = recs(temp(a, g))
    assert r["临A"][cs.USED_AREA] == pytest.approx(10000.0)
    assert r["临B"][cs.USED_AREA] == pytest.approx(10000.0)


def test_two_features_outside_one_approval_count_two():
    a = Approvals([box(0, 0, 100, 100)], ["临A"])
    g = Ground([box(50, 0, 150, 40), box(50, 60, 150, 100)], ids=["G1", "G2"])
    r = recs(temp(a, g))["临A"]
    assert r[cs.COUNT_PREFIX + "CFW"] == 2 and r[cs.VIOLATION_COUNT] == 2


def test_an_unlicensed_point_mine_in_a_no_go_zone_is_one_spot():
    act = Ground([point(50, 50)], ids=["K1"], uses=["采矿"])
    lic = Licences(
        [box(1000, 1000, 1100, 1100)], ["C1"], valid_from=["2020-01-01"], valid_to=["2030-01-01"]
    )
    res = audits.audit_mining(
        act, lic, TODAY, {"禁采区": [box(0, 0, 100, 100)]}, crs=EPSG, area_method="planar"
    )
    assert sorted(v[cs.VIOLATION_CODE] for v in res.violations) == ["JQKC", "WZKC"]
    assert len(res.spots) == 1


def test_a_sliver_outside_the_approval_is_noise():
    a = Approvals([box(0, 0, 100, 100)], ["临A"])
    g = Ground([box(0, 0, 100.00005, 100)], ids=["G"])
    assert codes(temp(a, g), "临A") == []


def test_used_area_over_the_approved_by_less_than_the_tolerance_is_no_over_area():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], areas=[9999.995])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    assert codes(temp(a, g), "临A") == []


def test_over_area_lists_every_ground_feature():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], areas=[4000])
    g = Ground([box(0, 0, 50, 100), box(50, 0, 100, 100)], ids=["G1", "G2"])
    res = temp(a, g)
    (v,) = [v for v in res.violations if v[cs.VIOLATION_CODE] == "CMJ"]
    assert v[cs.GROUND_IDS] == "G1;G2"


def test_an_approval_at_exactly_the_required_level_is_enough():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], levels=[2])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    res = temp(
        a,
        g,
        basic_farmland=[box(0, 0, 50, 100)],
        basic_farmland_min_level=2,
        cultivated=[box(50, 0, 100, 100)],
        cultivated_min_level=2,
        cultivated_max_sqm=0.0,
    )
    assert codes(res, "临A") == []


def test_ground_without_a_use_is_not_a_changed_use():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], uses=["施工营地"])
    g = Ground([box(0, 0, 100, 100)], ids=["G"], uses=[None])
    assert codes(temp(a, g), "临A") == []


def test_an_invalid_start_is_said_before_a_missing_end():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], start=["2025-13-45"], end=[None])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    status = recs(temp(a, g))["临A"][cs.STATUS]
    assert status.startswith(cs.EXPIRY_INVALID), status


def test_a_cultivated_level_check_without_its_layer_is_not_no_problem():
    a = Approvals([box(0, 0, 100, 100)], ["临A"], levels=[1])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    res = temp(
        a,
        g,
        cultivated_min_level=2,
        cultivated_max_sqm=0.0,
        basic_farmland=[box(500, 500, 600, 600)],
        basic_farmland_min_level=2,
    )
    status = recs(res)["临A"][cs.STATUS]
    assert status != cs.STATUS_OK and "耕地审批权限" in status, status


def facility(filings, ground, **kw):
    kw.setdefault("auxiliary_uses", ["管理用房"])
    kw.setdefault("auxiliary_max_share", None)
    kw.setdefault("auxiliary_max_sqm", None)
    return audits.audit_facility_land(filings, ground, crs=EPSG, area_method="planar", **kw)


def test_a_filings_basic_farmland_area_is_the_part_on_basic_farmland():
    f = Approvals([box(0, 0, 100, 100)], ["设A"])
    g = Ground([box(0, 0, 100, 100)], ids=["G"], uses=["种植"])
    res = facility(f, g, basic_farmland=[box(0, 0, 30, 100)], basic_farmland_allowed_uses=["种植"])
    assert recs(res)["设A"]["YJJBNTMJ"] == pytest.approx(3000.0)


def test_the_auxiliary_share_is_of_the_filed_area():
    f = Approvals([box(0, 0, 100, 100)], ["设A"], areas=[5000])
    g = Ground([box(0, 0, 60, 100)], ids=["G"], uses=["管理用房"])
    res = facility(f, g, auxiliary_max_share=0.1)
    (v,) = [v for v in res.violations if v[cs.VIOLATION_CODE] == cs.AUXILIARY_OVER_LIMIT.code]
    assert v[cs.VIOLATION_AREA] == pytest.approx(5500.0)


def test_a_filing_without_auxiliary_facilities_is_checked_without_a_limit():
    f = Approvals([box(0, 0, 100, 100)], ["设A"])
    g = Ground([box(0, 0, 100, 100)], ids=["G"], uses=["种植"])
    assert recs(facility(f, g))["设A"][cs.STATUS] == cs.STATUS_OK


def mining(act, lic, no_go=None):
    return audits.audit_mining(act, lic, TODAY, no_go, crs=EPSG, area_method="planar")


LIC_OK = dict(valid_from=["2020-01-01"], valid_to=["2030-01-01"])


def test_a_mine_touching_a_licence_along_an_edge_has_no_licence():
    act = Ground([box(100, 0, 200, 100)], ids=["K1"])
    res = mining(act, Licences([box(0, 0, 100, 100)], ["C1"], **LIC_OK))
    assert codes(res, "K1", cs.ACTIVITY_ID) == ["WZKC"]


def test_land_under_an_expired_licence_and_one_of_unknown_term_is_not_charged():
    act = Ground([box(0, 0, 100, 100)], ids=["K1"])
    lic = Licences(
        [box(0, 0, 100, 100), box(0, 0, 100, 100)],
        ["旧", "新"],
        valid_from=["2010-01-01", "2025-01-01"],
        valid_to=["2015-01-01", None],
    )
    res = mining(act, lic)
    assert codes(res, "K1", cs.ACTIVITY_ID) == []


def test_a_mine_without_geometry_is_not_unlicensed():
    act = Ground([None, box(0, 0, 100, 100)], ids=["K0", "K1"])
    res = mining(act, Licences([box(0, 0, 100, 100)], ["C1"], **LIC_OK))
    assert codes(res, "K0", cs.ACTIVITY_ID) == []
    assert recs(res, cs.ACTIVITY_ID)["K0"][cs.STATUS] == cs.STATUS_NO_GEOMETRY


def test_a_sliver_outside_the_licence_is_noise():
    act = Ground([box(0, 0, 100.00005, 100)], ids=["K1"])
    res = mining(act, Licences([box(0, 0, 100, 100)], ["C1"], **LIC_OK))
    assert codes(res, "K1", cs.ACTIVITY_ID) == []


# --- found by the review of the campaign audits with messy input (2026-11-29) ----------------
def test_overlapping_ground_features_are_counted_once_outside_an_approval():
    """Two quarters' spots over one site overlap, both reaching 20 m past the approval: the
    land outside was summed per feature (2 × 2000 m²), giving a false 超批准面积. By hand:
    inside 100 × 100 = 10000, outside the union 20 × 100 = 2000 m², used 12000 ≤ 12500."""
    a = Approvals([box(0, 0, 100, 100)], ["临A"], areas=[12500])
    g = Ground([box(0, 0, 120, 100), box(10, 0, 120, 100)], ids=["G1", "G2"])
    r = recs(temp(a, g))["临A"]
    assert r[cs.OUTSIDE_AREA] == pytest.approx(2000.0)
    assert r[cs.USED_AREA] == pytest.approx(12000.0)
    assert codes(temp(a, g), "临A") == ["CFW", "CFW"]  # each feature's part outside, no CMJ


def test_overlapping_auxiliary_facilities_and_basic_farmland_count_once_in_a_filing():
    """Two overlapping auxiliary buildings' records of one site: 60 × 100 and 40 × 100 sharing
    20 × 100 make 80 × 100 = 8000 m² (not 10000), under a 9000 m² cap; on basic farmland
    (x < 50) the union is 50 × 100 = 5000 m² (not 5000 + 3000)."""
    f = Approvals([box(0, 0, 100, 100)], ["设A"], areas=[10000])
    g = Ground([box(0, 0, 60, 100), box(40, 0, 80, 100)], ids=["G1", "G2"], uses=["管理用房"] * 2)
    res = facility(f, g, auxiliary_max_sqm=9000, basic_farmland=[box(0, 0, 50, 100)])
    r = recs(res)["设A"]
    assert r[cs.AUXILIARY_AREA] == pytest.approx(8000.0)
    assert cs.AUXILIARY_OVER_LIMIT.code not in codes(res, "设A")
    assert r["YJJBNTMJ"] == pytest.approx(5000.0)


@pytest.mark.parametrize(
    ("approved", "over"),
    [(9999.992, True), (9999.995, False), (10000.0, False)],
    ids=["shows_0.01_over", "rounds_equal", "equal"],
)
def test_over_the_approved_area_is_found_exactly_when_the_figures_show_it(approved, over):
    """Used 10000 m² against 9999.992 approved: the record shows SYMJ 10000.00 beside PZMJ
    9999.99, and no 超批准面积 was found (the test was on unrounded values, 0.008 ≤ 0.01).
    Against 9999.995 both show 10000.00: nothing over."""
    a = Approvals([box(0, 0, 100, 100)], ["临A"], areas=[approved])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    assert ("CMJ" in codes(temp(a, g), "临A")) is over


def test_approved_areas_as_typed_are_read_and_one_unreadable_is_never_clean():
    """2,500 and 2500平方米 were refused as not numbers, and the approval's record then said
    未发现问题 with its over-area check never made. Now read (亩 and 公顷 converted: 1 亩 =
    10000/15 m², so 3.75 亩 = 2500 m²); one that still cannot be read says the check was not
    made. Each approval is used on 50 × 52 = 2600 m²: 100 m² over 2500."""
    typed = ["2,500", "2500平方米", "3.75亩", "0.25公顷", "２５００", "约两千五"]
    a = Approvals(
        [box(200 * i, 0, 200 * i + 100, 100) for i in range(len(typed))],
        [f"临{i}" for i in range(len(typed))],
        areas=typed,
    )
    g = Ground(
        [box(200 * i, 0, 200 * i + 50, 52) for i in range(len(typed))],
        ids=[f"G{i}" for i in range(len(typed))],
    )
    res = temp(a, g)
    r = recs(res)
    for i in range(len(typed) - 1):
        assert r[f"临{i}"][domain.APPROVAL_AREA] == pytest.approx(2500.0), typed[i]
        (v,) = [v for v in res.violations if v["PZWH"] == f"临{i}"]
        assert v[cs.VIOLATION_CODE] == "CMJ" and v[cs.VIOLATION_AREA] == pytest.approx(100.0)
    unread = r[f"临{len(typed) - 1}"]
    assert unread[domain.APPROVAL_AREA] is None
    # (the level checks have no layers here: not made either, and said)
    assert unread[cs.STATUS].startswith("未发现问题（未核查："), unread[cs.STATUS]
    assert "超批准面积" in unread[cs.STATUS], unread[cs.STATUS]
    assert r["临0"][cs.STATUS].count("超批准面积") == 1  # found, not also "not made"
    assert any("3.75亩" in m and "2500.00" in m for m in res.messages), res.messages


def test_a_term_whose_end_comes_before_its_start_is_unreadable_not_expired():
    """An approval typed 2025-03-01 to 2024-02-28 (a year mistyped) was charged 到期未复垦 on
    the end as typed, and a licence 2027-01-01 to 2020-01-01 put its mine under 超期开采, each
    without a word (the review of 2026-11-29). Both dates are taken as unreadable, said
    naming both fields, and the checks on them are said not made."""
    a = Approvals([box(0, 0, 100, 100)], ["临A"], start=["2025-03-01"], end=["2024-02-28"])
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    res = temp(a, g)
    assert "DQWFK" not in codes(res, "临A")
    assert recs(res)["临A"][cs.STATUS].startswith("日期无效"), recs(res)["临A"][cs.STATUS]
    assert any("早于起始日期" in m for m in res.messages), res.messages
    act = Ground([box(0, 0, 100, 100)], ids=["K1"])
    lic = Licences(
        [box(0, 0, 100, 100)], ["C1"], valid_from=["2027-01-01"], valid_to=["2020-01-01"]
    )
    res = mining(act, lic)
    assert "CQKC" not in codes(res, "K1", cs.ACTIVITY_ID)
    assert "日期无效" in recs(res, cs.ACTIVITY_ID)["K1"][cs.STATUS]


def test_land_a_renewal_holds_today_is_not_charged_to_the_expired_approval():
    """R-2022 ended 2024-02-28 (restoration year over by the audit day, 2026-03-01); its land
    is used, but R-2026续 (2026-03-01 to 2028-02-28) covers the south 60 m of it today: that
    part was charged 到期未复垦 all the same (the review of 2026-11-29). Only the north
    100 × 40 = 4000 m² no approval holds is charged; a renewal covering all of it, nothing."""
    terms = dict(start=["2022-03-01", "2026-03-01"], end=["2024-02-28", "2028-02-28"])
    a = Approvals([box(0, 0, 100, 100), box(0, 0, 100, 60)], ["R-2022", "R-2026续"], **terms)
    g = Ground([box(0, 0, 100, 100)], ids=["G"])
    res = temp(a, g)
    (v,) = [v for v in res.violations if v["PZWH"] == "R-2022"]
    assert v[cs.VIOLATION_CODE] == "DQWFK" and v[cs.VIOLATION_AREA] == pytest.approx(4000.0)
    assert codes(res, "R-2026续") == []  # in force; the ground is R-2022's (it covers more)
    whole = Approvals([box(0, 0, 100, 100), box(0, 0, 100, 100)], ["R-2022", "R-2026续"], **terms)
    res = temp(whole, g)
    assert codes(res, "R-2022") == []
    assert recs(res)["R-2022"][cs.EXPIRY_STATUS] == cs.EXPIRY_HELD_ELSEWHERE


def test_an_excel_date_number_and_an_empty_start_are_said_in_words():
    """45717 (a date copied out of Excel as its number) was said only "not a valid date", and
    an empty start date not at all (the review of 2026-11-29). The number's day is given as a
    hint (Excel counts from 1899-12-30: 45717 is 2025-03-01); the empty start is named."""
    a = Approvals(
        [box(0, 0, 100, 100), box(200, 0, 300, 100)],
        ["临A", "临B"],
        start=["45717", ""],
        end=["2027-02-28", "2027-02-28"],
    )
    g = Ground([box(0, 0, 100, 100), box(200, 0, 300, 100)], ids=["G1", "G2"])
    said = "\n".join(temp(a, g).messages)
    assert "45717" in said and "2025-03-01" in said, said
    assert "临B" in said and "起始日期为空" in said, said
