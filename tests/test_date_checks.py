"""Dates the ledger refuses because they come before what they follow: a verification before
the later image showed the change (HSX), a case opened before its verdict or its patrol; on
the GeoPackage and the shared PostGIS ledger alike (the checks are in their shared code)."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import box

from tests.postgis_fixtures import open_store
from zc_enforcement_plugin.core import domain, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL, ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import VerdictError
from zc_enforcement_plugin.core.ledger_records import CaseError
from zc_enforcement_plugin.core.patrols import PatrolRecord

TOWN, OFFICE = "太河镇", "太河自然资源所"  # a town and office the demo PostGIS ledger knows


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    if request.param == "gpkg":
        opened = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    else:
        pg_database = request.getfixturevalue("pg_database")
        opened = open_store(pg_database, request.getfixturevalue("schema"), tmp_path=tmp_path)
    yield opened
    opened.close()


def _spot(store, number: str, later_image) -> int:
    x, y = 39_580_000.0, 4_050_000.0
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.SPOT_AREA: 400.0,
        domain.TOWN_NAME: TOWN,
        domain.OFFICE_NAME: OFFICE,
        domain.SPOT_LATER_DATE: later_image,
    }
    store.import_batch("b", [ledger.SpotRecord(attributes, box(x, y, x + 20, y + 20))])
    return next(s.id for s in store.spots() if s.number == number)


def _illegal(day: str) -> ledger.Verdict:
    return ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", day)


def test_a_verification_before_the_later_image_is_refused_naming_spot_dates_and_field(store):
    """S0 of the review: HSX 2025-09-15, a verdict dated 2025-03-01 was accepted and its case
    overdue since March."""
    spot_id = _spot(store, "S0", "2025-09-15")
    with pytest.raises(VerdictError) as refused:
        store.record_verdict(spot_id, _illegal("2025-03-01"))
    text = str(refused.value)
    assert "S0" in text and "2025-03-01" in text and "2025-09-15" in text and "HSX" in text
    assert store.current_verdict(spot_id) is None
    assert store.record_verdict(spot_id, _illegal("2025-09-15"))  # the image's own day is fine


@pytest.mark.parametrize("later_image", ["2025年9月15日", "20250915"])
def test_the_image_date_is_read_as_screening_reads_it(store, later_image):
    spot_id = _spot(store, "S0", later_image)
    with pytest.raises(VerdictError, match="2025-09-15"):
        store.record_verdict(spot_id, _illegal("2025-09-14"))


@pytest.mark.parametrize("later_image", [None, "", "第三季度"])
def test_a_spot_without_a_readable_image_date_is_not_checked(store, later_image):
    spot_id = _spot(store, "S0", later_image)
    assert store.record_verdict(spot_id, _illegal("2020-01-01"))


def test_a_case_is_not_opened_before_its_spots_verdict(store):
    """S1 of the review: verdict 2025-10-09, open_case(date=2024-01-01) was accepted."""
    spot_id = _spot(store, "S1", "2025-09-15")
    store.record_verdict(spot_id, _illegal("2025-10-09"))
    with pytest.raises(CaseError) as refused:
        store.open_case(ORIGIN_SPOT, spot_id=spot_id, date=dt.date(2024, 1, 1))
    text = str(refused.value)
    assert "S1" in text and "2024-01-01" in text and "2025-10-09" in text and "(date)" in text
    assert store.cases() == []
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id, date=dt.date(2025, 10, 10))
    assert store.case(case_id).events[0].date == dt.date(2025, 10, 10)


def test_a_case_is_not_opened_before_its_patrol(store):
    store.add_patrol(PatrolRecord("P1", OFFICE, dt.date(2025, 10, 9), ["李工"], findings="挖土"))
    with pytest.raises(CaseError, match=r"P1.*2025-10-08.*2025-10-09|2025-10-08.*P1.*2025-10-09"):
        store.open_case(ORIGIN_PATROL, patrol_id="P1", date=dt.date(2025, 10, 8))
    case_id = store.open_case(ORIGIN_PATROL, patrol_id="P1")
    assert store.case(case_id).events[0].date == dt.date(2025, 10, 9)
