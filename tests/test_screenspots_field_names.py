"""screenspots on layers whose fields are the domain's but spelled in lower case (PostGIS
exports and many tools write pzwh, hsx, dlbm): read as the domain's fields, said once per
layer, and a warning when approvals cannot be judged by their term at all."""

from __future__ import annotations

from tests.screening_layers import by_key, memory_layer, rectangle, square, write_gpkg
from tests.test_screenspots_bad_input import Log, run
from zc_enforcement_plugin.core import domain

# Two 100 m squares side by side: planar (AREA_METHOD 1) areas of 10000.00 m² each.
SQUARE_SQM = 10000.0


def spots_gpkg(tmp_path, date_field: str, number_field: str = domain.SPOT_NUMBER) -> str:
    """One spot S1 seen on 2023-06-01 (later image), in a GeoPackage."""
    layer = memory_layer(
        [(square(0, 0, 100), ["S1", "2023-06-01"])],
        f"field={number_field}:string&field={date_field}:date",
        name="JCTB",
    )
    return write_gpkg(layer, tmp_path / "spots.gpkg")


def approvals_gpkg(tmp_path, names: tuple[str, ...]) -> str:
    """One approval over the spot, granted 2019-01-01 and expired 2020-01-01: before the
    spot's later image, so it covers nothing then. names: number, kind, granted, end."""
    number, kind, granted, end = names
    layer = memory_layer(
        [(square(0, 0, 100), ["批-1", "临时用地", "2019-01-01", "2020-01-01"])],
        f"field={number}:string&field={kind}:string&field={granted}:date&field={end}:date",
        name="PZYD",
    )
    return write_gpkg(layer, tmp_path / "approvals.gpkg")


def test_lower_case_approval_fields_leave_an_expired_approval_out(provider, tmp_path):
    """pzwh, pzlx, pzrq, jzrq: the approval ended 2020-01-01, before HSX 2023-06-01, so it
    covers nothing, as with PZWH, PZLX, PZRQ, JZRQ; the log names the layer, file and fields."""
    log = Log()
    result = run(
        {
            "SPOTS": spots_gpkg(tmp_path, domain.SPOT_LATER_DATE),
            "APPROVALS": approvals_gpkg(tmp_path, ("pzwh", "pzlx", "pzrq", "jzrq")),
            "AREA_METHOD": 1,
        },
        log,
    )
    spot = by_key(result["OUTPUT"])["S1"]
    assert spot[domain.APPROVED_AREA] == 0.0
    assert not spot["SFPZ"]
    assert spot[domain.SUGGESTED_VERDICT] != domain.SUGGEST_APPROVED
    assert "批准用地 批-1 已于 2020-01-01 到期" in spot[domain.VERDICT_REASON]
    said = [m for m in log.messages if "jzrq" in m]
    assert len(said) == 1, log.messages
    assert "approvals.gpkg" in said[0]
    assert all(name in said[0] for name in ("pzwh", "pzlx", "pzrq"))


def test_a_lower_case_later_image_date_judges_the_approvals(provider, tmp_path):
    """Spots with hsx (and jcbh): the same expired approval is left out, and the spot is named
    by its number, not its feature id."""
    log = Log()
    result = run(
        {
            "SPOTS": spots_gpkg(tmp_path, "hsx", number_field="jcbh"),
            "APPROVALS": approvals_gpkg(
                tmp_path,
                (
                    domain.APPROVAL_NUMBER,
                    domain.APPROVAL_KIND,
                    domain.APPROVAL_DATE,
                    domain.APPROVAL_END,
                ),
            ),
            "AREA_METHOD": 1,
        },
        log,
    )
    (spot,) = result["OUTPUT"].getFeatures()
    assert spot["jcbh"] == "S1"
    assert spot[domain.APPROVED_AREA] == 0.0
    assert "已于 2020-01-01 到期" in spot[domain.VERDICT_REASON]
    assert not [m for m in log.messages if "has no field" in m or "没有字段" in m], log.messages
    said = [m for m in log.messages if "hsx" in m]
    assert len(said) == 1 and "spots.gpkg" in said[0], log.messages
    assert "jcbh" in said[0]


def test_lower_case_class_and_ridge_fields_are_read(provider, tmp_path):
    """dlbm and kcxs: a 0101 parcel with KCXS 0.1 under the spot gives GDMJ 9000.00 m² net
    and FGNYDMJ 1000.00 m² of ridges, as DLBM and KCXS would."""
    parcels = memory_layer(
        [(rectangle(-10, -10, 110, 110), ["0101", 0.1])],
        "field=dlbm:string&field=kcxs:double",
        name="DLTB",
    )
    log = Log()
    result = run(
        {
            "SPOTS": spots_gpkg(tmp_path, domain.SPOT_LATER_DATE),
            "LAND_USE": write_gpkg(parcels, tmp_path / "land.gpkg"),
            "DEDUCT_RIDGES": True,
            "AREA_METHOD": 1,
        },
        log,
    )
    spot = by_key(result["OUTPUT"])["S1"]
    assert spot[domain.CULTIVATED_AREA] == 9000.0
    assert spot[domain.AGRICULTURAL_AREA] == 1000.0
    said = [m for m in log.messages if "dlbm" in m]
    assert len(said) == 1 and "kcxs" in said[0] and "land.gpkg" in said[0], log.messages


def test_approvals_without_any_date_field_are_said_to_count_whatever_their_term(provider, tmp_path):
    """No PZRQ, QSRQ or JZRQ: nothing tells an expired approval; it counts, and the log says
    so once, naming the approvals layer and the fields it lacks."""
    approvals = memory_layer(
        [(square(0, 0, 100), ["批-1"])], f"field={domain.APPROVAL_NUMBER}:string", name="PZYD"
    )
    log = Log()
    result = run(
        {
            "SPOTS": spots_gpkg(tmp_path, domain.SPOT_LATER_DATE),
            "APPROVALS": write_gpkg(approvals, tmp_path / "approvals.gpkg"),
            "AREA_METHOD": 1,
        },
        log,
    )
    assert by_key(result["OUTPUT"])["S1"][domain.APPROVED_AREA] == SQUARE_SQM
    said = [m for m in log.warnings if domain.APPROVAL_END in m]
    assert len(said) == 1, log.messages
    assert domain.APPROVAL_DATE in said[0]
    assert domain.APPROVAL_START in said[0]


def test_spots_without_a_later_image_date_are_said_to_count_approvals_whatever_their_term(
    provider, tmp_path
):
    """Spots with no HSX: the approvals (with their dates) cannot be judged; said once,
    naming the spots' layer and the field."""
    spots = memory_layer(
        [(square(0, 0, 100), ["S1"])], f"field={domain.SPOT_NUMBER}:string", name="JCTB"
    )
    log = Log()
    result = run(
        {
            "SPOTS": write_gpkg(spots, tmp_path / "spots.gpkg"),
            "APPROVALS": approvals_gpkg(
                tmp_path,
                (
                    domain.APPROVAL_NUMBER,
                    domain.APPROVAL_KIND,
                    domain.APPROVAL_DATE,
                    domain.APPROVAL_END,
                ),
            ),
            "AREA_METHOD": 1,
        },
        log,
    )
    assert by_key(result["OUTPUT"])["S1"][domain.APPROVED_AREA] == SQUARE_SQM
    said = [m for m in log.warnings if domain.SPOT_LATER_DATE in m]
    assert len(said) == 1, log.messages
    assert "spots.gpkg" in said[0], said[0]


def test_no_warning_when_the_approvals_can_be_judged(provider, tmp_path):
    log = Log()
    run(
        {
            "SPOTS": spots_gpkg(tmp_path, domain.SPOT_LATER_DATE),
            "APPROVALS": approvals_gpkg(
                tmp_path,
                (
                    domain.APPROVAL_NUMBER,
                    domain.APPROVAL_KIND,
                    domain.APPROVAL_DATE,
                    domain.APPROVAL_END,
                ),
            ),
            "AREA_METHOD": 1,
        },
        log,
    )
    assert not [m for m in log.messages if "whatever their term" in m], log.messages


def test_a_field_is_found_by_its_name_ignoring_case_and_surrounding_spaces():
    assert domain.field_as_named(["fid", " Hsx "], "HSX") == " Hsx "
    assert domain.field_as_named(["hsx", "HSX"], "HSX") == "HSX"  # spelled so first
    assert domain.field_as_named(["fid", "HSX_1"], "HSX") is None


def test_full_width_and_unknown_class_codes_in_a_geopackage(provider, tmp_path):
    """DLBM typed with a Chinese input method: ０１０１ is paddy. A 120 m spot, its left 100 m
    on a ０１０１ parcel (fid 1: 12000.00 m², 18.00 亩 cultivated), its right 20 m on a 0104
    parcel (fid 2), a code the survey does not have: 2400.00 m² unclassed (WDCMJ), said
    naming the spot, the layer's file and the parcel."""
    parcels = memory_layer(
        [
            (rectangle(-10, -10, 100, 130), ["０１０１"]),
            (rectangle(100, -10, 130, 130), ["0104"]),
        ],
        f"field={domain.LAND_CLASS_CODE}:string",
        name="DLTB",
    )
    spots = memory_layer([(square(0, 0, 120), ["S1"])], f"field={domain.SPOT_NUMBER}:string")
    log = Log()
    result = run(
        {
            "SPOTS": spots,
            "LAND_USE": write_gpkg(parcels, tmp_path / "land.gpkg"),
            "AREA_METHOD": 1,
        },
        log,
    )
    spot = by_key(result["OUTPUT"])["S1"]
    assert spot[domain.CULTIVATED_AREA] == 12000.0
    assert spot[domain.UNSURVEYED_AREA] == 2400.0
    (said,) = [m for m in log.messages if "无法归类" in m]
    assert "S1" in said and "0104" in said and "land.gpkg" in said, said
    assert "fid 2" in said and "fid 1" not in said, said
