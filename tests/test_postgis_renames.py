"""A town renamed on the shared ledger (罗村镇 becomes 罗村街道): the office keeps its cases,
recorded in its name, through the new office map and the re-delivery with the new XZMC, and
install names each town an office's list drops that still holds spots or cases (server schema
version 10)."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from scripts import postgis_server as srv
from tests.postgis_fixtures import open_store
from tests.test_postgis_ledger import (
    LUOCUN,
    LUOCUN_ROLE,
    LUOCUN_TOWNS,
    TAIHE,
    TAIHE_ROLE,
    TAIHE_TOWN,
    fill,
    raw,
)
from tests.test_postgis_security import _case_row
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import LedgerError, SpotFilter, SpotRecord

OLD_TOWN, KEPT_TOWN = LUOCUN_TOWNS  # fill's: 罗村镇 and 洪山镇
NEW_TOWN = "罗村街道"


def _install(pg_database, schema, offices) -> list[str]:
    admin = srv.connect(dbname=pg_database)
    try:
        return lp.install(admin, offices=offices, schema=schema)
    finally:
        admin.close()


def _redeliver(brigade, changes: dict[str, str], town: str) -> None:
    """The brigade delivers the batch again, the spots of `town` with `changes` made."""
    batch = brigade.batches()[0].name
    summaries = brigade.spots(SpotFilter(batch=batch))
    records = []
    for found in brigade.spots_by_id([s.id for s in summaries]).values():
        attributes = dict(found.attributes)
        if attributes["XZMC"] == town:
            attributes.update(changes)
        records.append(SpotRecord(attributes, found.geometry))
    brigade.import_batch(batch, records, source="jctb_redelivered.shp")


def test_an_office_keeps_its_cases_through_a_town_renamed(pg_database, schema, tmp_path):
    """The reviewer's steps: after the office map names 罗村街道 instead of 罗村镇, 罗村 saw
    none of its cases, and after the re-delivery open_case said another office held them."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        in_old_town = [s for s in brigade.spots() if s.town == OLD_TOWN]
        case_spot = next(s for s in in_old_town if s.id in brigade.spots_with_case())
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        cases = sorted(r.case_id for r in luocun.cases())
        assert len(cases) == 2 and len(luocun.spots()) == 4

    said = _install(pg_database, schema, {LUOCUN_ROLE: (LUOCUN, [NEW_TOWN, KEPT_TOWN])})
    # Named, with what the dropped name still holds and what to do.
    dropped = [line for line in said if OLD_TOWN in line]
    assert len(dropped) == 1, said
    line = dropped[0]
    assert LUOCUN_ROLE in line and LUOCUN in line
    assert f"spots: {len(in_old_town)}, cases: 1" in line
    assert f"图斑 {len(in_old_town)} 个、案件 1 个" in line
    assert "Keep the old name" in line and "deliver those spots again" in line
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        # Its spots in the old name are hidden until delivered again; its cases are not.
        assert len(luocun.spots()) == 4 - len(in_old_town)
        assert sorted(r.case_id for r in luocun.cases()) == cases

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        _redeliver(brigade, {"XZMC": NEW_TOWN}, OLD_TOWN)
    with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
        assert len(luocun.spots()) == 4
        assert sorted(r.case_id for r in luocun.cases()) == cases
        page = luocun.spot_page(case_spot.id)
        assert page.spot.town == NEW_TOWN and page.case is not None
        case_id = page.case.case_id
        with pytest.raises(LedgerError) as refused:
            luocun.open_case(ORIGIN_SPOT, spot_id=case_spot.id)
        assert f"case {case_id}" in str(refused.value)
        assert "another office" not in str(refused.value)
        # and the office carries its case on
        luocun.add_case_event(case_id, CaseEvent(case_id, Stage.STOP, dt.date(2026, 3, 9), "张三"))
        assert luocun.case(case_id).has(Stage.STOP)
    # Seen, not written: a new case row still goes in only at its origin's town (version 9).
    conn = raw(pg_database, schema, LUOCUN_ROLE)
    try:
        spot_id = next(s.id for s in in_old_town if s.id != case_spot.id)
        with pytest.raises(psycopg2.Error, match="row-level security"), conn.cursor() as cursor:
            cursor.execute(_case_row("spot", str(spot_id), LUOCUN, OLD_TOWN))
    finally:
        conn.close()
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert {r.office for r in taihe.cases()} == {TAIHE}


def test_install_says_nothing_of_a_town_another_office_takes_or_that_holds_nothing(
    pg_database, schema, tmp_path
):
    """A town handed to another office is seen by it: nothing is hidden, nothing said; nor of a
    name dropped that holds no spot or case."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
    offices = {
        LUOCUN_ROLE: (LUOCUN, [OLD_TOWN, "某空镇"]),
        TAIHE_ROLE: (TAIHE, [TAIHE_TOWN, KEPT_TOWN]),
    }
    assert _install(pg_database, schema, offices) == []
    assert _install(pg_database, schema, {LUOCUN_ROLE: (LUOCUN, [OLD_TOWN])}) == []


def test_an_office_does_not_see_anothers_case_on_a_spot_delivered_into_its_town(
    pg_database, schema, tmp_path
):
    """罗村's case on a spot the re-delivery put in 太河镇 stays 罗村's (no hand-over): 太河 sees
    the spot but not the case, and open_case sends it to the brigade, naming nothing of it."""
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        case = next(r for r in brigade.cases() if r.office == LUOCUN and r.spot_id)
        moved = brigade.spot(case.spot_id)
        _redeliver(brigade, {"XZMC": TAIHE_TOWN, "SMC": TAIHE}, moved.town)
    with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
        assert case.case_id not in {r.case_id for r in taihe.cases()}
        with pytest.raises(LedgerError, match="held by another office"):
            taihe.open_case(ORIGIN_SPOT, spot_id=moved.id)
