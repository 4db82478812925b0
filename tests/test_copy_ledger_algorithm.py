"""zcenforcement:copyledger copies a ledger and proves the copy equal, row by row."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from qgis.core import QgsProcessingException

from zc_enforcement_plugin.core import evidence, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger_migrate import compare_ledgers

X0, Y0 = 39_580_000.0, 4_050_000.0


def test_copy_between_geopackages_and_refuse_a_non_empty_target(provider, tmp_path):
    import processing

    source = tmp_path / "a.gpkg"
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch(
            "b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))]
        )
        spot_id = store.spots()[0].id
        store.record_verdict(
            spot_id, ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "李工", dt.date(2025, 5, 6))
        )
        store.add_evidence(spot_id, evidence.store_evidence_file(source, "S1", photo, "photo"))
    target = tmp_path / "copy" / "b.gpkg"
    target.parent.mkdir()
    result = processing.run(
        "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)}
    )
    assert result["DIFFERENCES"] == 0
    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        assert compare_ledgers(a, b) == []
        assert (b.evidence_dir / b.evidence(spot_id)[0].path).read_bytes() == photo.read_bytes()
    with pytest.raises(QgsProcessingException, match="not empty"):
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})


def test_a_source_ledger_that_does_not_exist_is_named_not_created(provider, tmp_path):
    """A typo in the source's path stops the copy, naming the path; before, a new empty ledger
    was made there and "copied" with no difference found, and neither file was left."""
    import processing

    typo = tmp_path / "ledgr.gpkg"
    target = tmp_path / "shared.gpkg"
    with pytest.raises(QgsProcessingException, match="ledgr.gpkg"):
        processing.run("zcenforcement:copyledger", {"SOURCE": str(typo), "TARGET": str(target)})
    assert not typo.exists()


def test_a_copy_into_another_folder_takes_the_holiday_file_with_it(provider, tmp_path):
    """A GeoPackage counts working days by the holidays.json beside it: a copy into another
    folder gets one with the same schedule (two working days after 4 February 2027, with the
    made-up schedule below, is Sunday the 14th, a swapped working day), and the summary says
    where it went. A holidays setting stored in the GeoPackage, which it never reads, is not
    taken for its schedule and is said to stay behind."""
    import json

    import processing

    from zc_enforcement_plugin.core import workdays

    fixed = [d.isoformat() for d in workdays.fixed_public_holidays(2027)]
    off = ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]
    schedule = {"2027": {"holidays": fixed + off, "workdays": ["2027-02-14"]}}
    (tmp_path / "office").mkdir()
    source = tmp_path / "office" / "ledger.gpkg"
    (tmp_path / "office" / "holidays.json").write_text(json.dumps(schedule), encoding="utf-8")
    with ledger.GeoPackageLedger(source) as store:
        store.set_setting(ls.SETTING_HOLIDAYS, {"2027": {"holidays": fixed}})
    target = tmp_path / "copy" / "ledger.gpkg"
    target.parent.mkdir()
    result = processing.run(
        "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)}
    )
    assert result["DIFFERENCES"] == 0
    assert str(target.parent / "holidays.json") in result["SUMMARY"]
    assert "never reads" in result["SUMMARY"]
    with ledger.GeoPackageLedger(target) as copy:
        calendar = copy.work_calendar(strict=False)
        assert calendar.add_working_days(dt.date(2027, 2, 4), 2) == dt.date(2027, 2, 14)
        assert ls.SETTING_HOLIDAYS not in copy.settings()
