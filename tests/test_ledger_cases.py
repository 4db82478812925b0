"""Ledger schema version 3: cases and their append-only events, patrols with routes, settings."""

from __future__ import annotations

import datetime as dt
import sqlite3

import fiona
import pytest
import shapely
from shapely.geometry import LineString, box

from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import (
    ORIGIN_PATROL,
    ORIGIN_SPOT,
    CaseEvent,
    ProcedureError,
    Stage,
)
from zc_enforcement_plugin.core.ledger import (
    CaseError,
    CaseFilter,
    GeoPackageLedger,
    LedgerError,
    LedgerStore,
    SpotRecord,
    Verdict,
    create_ledger_file,
    encode_gpkg_geometry,
)
from zc_enforcement_plugin.core.patrols import PatrolRecord

X0, Y0 = 39_520_000.0, 4_070_000.0
OFFICE = "南郊自然资源所"


def _spot(number: str, i: int = 0, **fields) -> SpotRecord:
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.SPOT_AREA: 400.0,
        domain.CULTIVATED_AREA: 150.0,
        domain.BASIC_FARMLAND_AREA: 20.0,
        domain.TOWN_NAME: "南郊镇",
        domain.OFFICE_NAME: OFFICE,
    }
    attributes.update(fields)
    return SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20), i)


def _illegal(**changes) -> Verdict:
    values = dict(
        category=ls.VERDICT_ILLEGAL,
        kind="未报即用",
        verifier="张三",
        verified_on="2024-03-05",
        areas={domain.CULTIVATED_AREA: 120.0},
    )
    values.update(changes)
    return Verdict(**values)


def _dump(path) -> dict[str, list]:
    conn = sqlite3.connect(str(path))
    try:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


@pytest.fixture
def ledger(tmp_path):
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    yield store
    store.close()


def _event(case_id: str, stage: Stage, day: int, **changes) -> CaseEvent:
    return CaseEvent(case_id, stage, dt.date(2024, 3, day), "李四", **changes)


@pytest.mark.parametrize("old_version", [1, 2])
def test_old_ledgers_are_migrated_to_the_current_version(tmp_path, old_version):
    path = tmp_path / f"v{old_version}.gpkg"
    create_ledger_file(path, schema_version=old_version)
    conn = sqlite3.connect(str(path))
    now = "2023-05-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO ledger_batches (name, imported_at, updated_at) VALUES ('old', ?, ?)",
        (now, now),
    )
    conn.execute(
        'INSERT INTO ledger_spots (geom, batch_id, "JCBH", "SMC", attributes, imported_at, '
        "updated_at) VALUES (?, 1, 'V1', ?, '{}', ?, ?)",
        (
            encode_gpkg_geometry(shapely.MultiPolygon([box(X0, Y0, X0 + 9, Y0 + 9)])),
            OFFICE,
            now,
            now,
        ),
    )
    conn.execute(
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, recorded_at)"
        " VALUES (1, '违法', '未报即用', '李四', '2023-05-02', ?)",
        (now,),
    )
    conn.commit()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert ls.T_CASES not in tables and ls.T_PATROLS not in tables
    conn.close()

    store = GeoPackageLedger(path)
    assert store.migrated_from == old_version and store.schema_version == ls.SCHEMA_VERSION >= 3
    case_id = store.open_case(ORIGIN_SPOT, spot_id=1)
    assert store.case(case_id).stage is Stage.DISCOVER
    assert store.case(case_id).date_of(Stage.DISCOVER) == dt.date(2023, 5, 2)
    store.close()
    conn = sqlite3.connect(str(path))
    columns = dict(conn.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert columns == {ls.T_SPOTS: "MULTIPOLYGON", ls.T_PATROLS: "MULTILINESTRING"}
    contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert contents[ls.T_PATROLS] == "features"
    assert contents[ls.T_CASES] == contents[ls.T_CASE_EVENTS] == "attributes"
    assert contents[ls.T_SETTINGS] == "attributes"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert GeoPackageLedger(path).migrated_from is None


def test_a_case_is_opened_only_for_a_spot_judged_illegal(ledger):
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2, SMC=None)])
    s1, s2, s3 = (s.id for s in sorted(ledger.spots(), key=lambda s: s.number))
    with pytest.raises(CaseError, match=r"S1.*尚未判定.*no verdict"):
        ledger.open_case(ORIGIN_SPOT, spot_id=s1)
    ledger.record_verdict(
        s2, Verdict(ls.VERDICT_LEGAL, "农转用", "张三", "2024-03-01", approval_number="鲁政")
    )
    with pytest.raises(CaseError, match=r"S2.*合法.*not judged illegal.*verdict is legal"):
        ledger.open_case(ORIGIN_SPOT, spot_id=s2)
    # Illegal once, then corrected to other: the current verdict decides.
    first = ledger.record_verdict(s3, _illegal())
    ledger.record_verdict(
        s3, Verdict(ls.VERDICT_OTHER, "伪变化", "张三", "2024-03-06", corrects=first)
    )
    with pytest.raises(CaseError, match="其他"):
        ledger.open_case(ORIGIN_SPOT, spot_id=s3)
    assert ledger.cases() == []
    assert _count(ledger, ls.T_CASES) == _count(ledger, ls.T_CASE_EVENTS) == 0

    ledger.record_verdict(s2, _illegal(corrects=None))
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=s2, person="王五")
    [record] = ledger.cases()
    assert record.case_id == case_id and record.office == OFFICE and record.town == "南郊镇"
    assert record.opened_at == dt.date(2024, 3, 5)  # the verdict's date
    # The verdict's GDMJ (120) wins over screening (150); YJJBNTMJ comes from screening.
    assert (record.cultivated_sqm, record.basic_farmland_sqm) == (120.0, 20.0)
    case = record.case
    assert case.origin.kind == ORIGIN_SPOT and case.origin.ref == "S2"
    assert case.events[0].person == "王五" and case.cultivated_sqm == 120.0
    with pytest.raises(CaseError, match="already has case"):
        ledger.open_case(ORIGIN_SPOT, spot_id=s2)


def _count(ledger, table) -> int:
    return ledger._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_events_are_applied_through_the_state_machine_and_refused_steps_write_nothing(ledger):
    ledger.import_batch("b", [_spot("S1")])
    spot_id = ledger.spots()[0].id
    ledger.record_verdict(spot_id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    ledger.add_case_event(case_id, _event(case_id, Stage.VERIFY, 6))
    ledger.add_case_event(case_id, _event(case_id, Stage.STOP, 7, documents=["责令停止通知书"]))
    before = _dump(ledger.path)
    for event, message in (
        (_event(case_id, Stage.PENALISE, 8), "立案"),  # penalise before filing
        (_event(case_id, Stage.VERIFY, 8), "倒退|go back"),
        (_event(case_id, Stage.FILE, 6), "earlier than"),  # date before the stop order
        (_event("999", Stage.FILE, 8), "belongs to case 999"),
    ):
        with pytest.raises(ProcedureError, match=message):
            ledger.add_case_event(case_id, event)
    assert _dump(ledger.path) == before
    with pytest.raises(LedgerError, match="no case"):
        ledger.add_case_event("999", _event("999", Stage.FILE, 8))
    ledger.add_case_event(case_id, _event(case_id, Stage.CLOSE, 9, note="整改到位"))
    reopened = GeoPackageLedger(ledger.path)
    case = reopened.case(int(case_id))
    assert case.stages == (Stage.DISCOVER, Stage.VERIFY, Stage.STOP, Stage.CLOSE)
    assert case.events[2].documents == ("责令停止通知书",) and case.events[3].note == "整改到位"
    assert case.events[1].recorded_at.tzinfo is not None
    assert [r.case_id for r in reopened.cases(CaseFilter(closed=True))] == [case_id]
    assert reopened.cases(CaseFilter(closed=False)) == []
    assert reopened.cases(CaseFilter(stage=Stage.CLOSE, office=OFFICE))[0].case_id == case_id
    assert reopened.cases(CaseFilter(office="别的所")) == []
    with pytest.raises(ProcedureError, match="closed"):
        reopened.add_case_event(case_id, _event(case_id, Stage.FILE, 10))
    reopened.close()


def test_cases_events_and_patrols_are_append_only_for_any_tool(ledger):
    ledger.import_batch("b", [_spot("S1")])
    spot_id = ledger.spots()[0].id
    ledger.record_verdict(spot_id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    ledger.add_case_event(case_id, _event(case_id, Stage.VERIFY, 6))
    ledger.add_patrol(PatrolRecord("XC-1", OFFICE, dt.date(2024, 3, 4), ["赵六"]))
    ledger.close()
    before = _dump(ledger.path)
    conn = sqlite3.connect(str(ledger.path))
    for sql in (
        "UPDATE ledger_case_events SET stage = 'close'",
        "DELETE FROM ledger_case_events",
        "UPDATE ledger_cases SET office = 'x'",
        "DELETE FROM ledger_cases",
        "UPDATE ledger_patrols SET findings = 'x'",
        "DELETE FROM ledger_patrols",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="case"):
        conn.execute("DELETE FROM ledger_spots")
    with pytest.raises(sqlite3.DatabaseError, match="CHECK"):
        conn.execute(
            "INSERT INTO ledger_case_events (case_id, stage, date, person, recorded_at) "
            "VALUES (1, 'approve', '2024-03-07', 'x', 'now')"
        )
    conn.commit()
    conn.close()
    assert _dump(ledger.path) == before


def test_patrols_round_trip_with_routes_readable_by_fiona(ledger):
    line = [(X0, Y0), (X0 + 500, Y0 + 20), (X0 + 900, Y0 + 400)]
    multi = f"MULTILINESTRING(({X0} {Y0}, {X0 + 10} {Y0 + 10}), ({X0 + 50} {Y0}, {X0 + 60} {Y0}))"
    records = [
        PatrolRecord(
            "XC-2",
            OFFICE,
            dt.date(2024, 3, 5),
            ["赵六", "钱七"],
            route=line,
            findings="发现新建房屋一处",
            spot_numbers=["S1"],
            case_ids=["1"],
            evidence_ids=["7"],
        ),
        PatrolRecord("XC-1", OFFICE, dt.date(2024, 3, 4), ["赵六"], route=multi),
        PatrolRecord("XC-3", "双杨自然资源所", dt.date(2024, 3, 6), ["孙八"]),
    ]
    for record in records:
        ledger.add_patrol(record)
    with pytest.raises(LedgerError, match="XC-1.*already"):
        ledger.add_patrol(records[1])
    got = ledger.patrols()
    assert [p.id for p in got] == ["XC-1", "XC-2", "XC-3"]  # by date
    assert got[1] == records[0]  # a coordinate route comes back as coordinates
    assert got[0].route_geometry().equals(records[1].route_geometry())
    assert got[2].route is None
    assert [p.id for p in ledger.patrols(office=OFFICE)] == ["XC-1", "XC-2"]
    assert [p.id for p in ledger.patrols(start=dt.date(2024, 3, 5))] == ["XC-2", "XC-3"]
    assert [p.id for p in ledger.patrols(end=dt.date(2024, 3, 4))] == ["XC-1"]
    case_id = ledger.open_case(ORIGIN_PATROL, patrol_id="XC-2")
    record = ledger.cases(CaseFilter(origin=ORIGIN_PATROL))[0]
    assert record.case_id == case_id and record.patrol_id == "XC-2" and record.office == OFFICE
    assert record.case.origin.ref == "XC-2" and record.case.events[0].person == "赵六"
    with pytest.raises(CaseError, match="XC-9"):
        ledger.open_case(ORIGIN_PATROL, patrol_id="XC-9")
    ledger.close()

    assert ls.T_PATROLS in fiona.listlayers(ledger.path)
    with fiona.open(ledger.path, layer=ls.T_PATROLS) as source:
        assert source.crs.to_epsg() == 4527
        assert source.schema["geometry"] == "MultiLineString"
        features = {f.properties[ls.C_PATROL_NUMBER]: f for f in source}
    read = shapely.geometry.shape(features["XC-2"].geometry)
    assert read.equals(shapely.MultiLineString([LineString(line)]))
    assert features["XC-2"].properties[ls.C_OFFICE] == OFFICE
    assert features["XC-3"].geometry is None
    extent = sqlite3.connect(str(ledger.path)).execute(
        "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
        (ls.T_PATROLS,),
    )
    assert extent.fetchone() == (X0, Y0, X0 + 900, Y0 + 400)


def test_settings_are_stored_as_json_and_checked(ledger):
    assert ledger.settings() == {}
    ledger.set_setting(ls.SETTING_DEADLINE_RULES, {"penalty_decision": {"amount": 60}})
    ledger.set_setting(ls.SETTING_REPORT_WEIGHTS, {"stop_rate": 50})
    ledger.set_setting(ls.SETTING_REPORT_WEIGHTS, {"stop_rate": 40})
    assert ledger.settings() == {
        ls.SETTING_DEADLINE_RULES: {"penalty_decision": {"amount": 60}},
        ls.SETTING_REPORT_WEIGHTS: {"stop_rate": 40},
    }
    with pytest.raises(LedgerError, match="no such deadline rule"):
        ledger.set_setting(ls.SETTING_DEADLINE_RULES, {"no_such_rule": 3})
    with pytest.raises(LedgerError, match="no score component"):
        ledger.set_setting(ls.SETTING_REPORT_WEIGHTS, {"speed": 3})
    with pytest.raises(LedgerError, match="0 or more"):
        ledger.set_setting(ls.SETTING_REPORT_WEIGHTS, {"stop_rate": -1})
    ledger.set_setting(ls.SETTING_REPORT_WEIGHTS, None)
    assert list(ledger.settings()) == [ls.SETTING_DEADLINE_RULES]
    assert isinstance(ledger, LedgerStore)


def test_a_corrected_verdict_is_carried_to_the_open_case_as_a_measurement(ledger):
    check_a_corrected_verdict_is_carried_to_the_open_case(ledger)


def check_a_corrected_verdict_is_carried_to_the_open_case(ledger):
    """(Shared with the PostGIS store's tests.) A case opened on 120 m² of cultivated land;
    the field check is corrected on 03-11 to 9,053.8 m² (13.58 亩, none of it basic farmland:
    the referral scale). Saving the verdict records the figures in the case (an event at its
    stage, no step), dated as verified: the case is at the criminal scale from 03-11 and its
    serious-case report is due 3 working days later, for the dispatch too. Corrected back
    down, the case can be closed, and it always reads back from its own events. A closed case
    takes no more figures."""
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    ledger.import_batch("b", [_spot("S1", **{domain.SPOT_AREA: 12000.0})])
    spot_id = ledger.spots()[0].id
    first = ledger.record_verdict(spot_id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    assert not ledger.case(case_id).criminal_scale

    def correct(day, cultivated, corrects):
        areas = {domain.CULTIVATED_AREA: cultivated, domain.BASIC_FARMLAND_AREA: 0.0}
        return ledger.record_verdict(
            spot_id, _illegal(verified_on=day, areas=areas, corrects=corrects)
        )

    second = correct("2024-03-11", 9053.8, first)
    case = ledger.case(case_id)
    assert case.stage is Stage.DISCOVER and len(case.events) == 2  # no step taken
    assert case.criminal_scale and case.criminal_since == dt.date(2024, 3, 11)
    serious = {d.name: d for d in case.deadlines(today=dt.date(2024, 3, 12))}
    assert serious["serious_case_report"].due == dt.date(2024, 3, 14)  # Tue, Wed, Thu
    dispatch = reports.weekly_dispatch(
        ledger, reports.Period.parse("2024-W11"), WorkCalendar(), dt.date(2024, 3, 12)
    )
    assert ("重大案件报告", dt.date(2024, 3, 14)) in {
        (i.deadline, i.due) for i in dispatch.due_next_week
    }
    assert case.evidence_gaps() == ()  # figures corrected: no field step to evidence

    correct("2024-03-12", 120.0, second)
    assert not ledger.case(case_id).criminal_scale
    ledger.add_case_event(case_id, _event(case_id, Stage.VERIFY, 13))
    ledger.add_case_event(case_id, _event(case_id, Stage.CLOSE, 14))
    (record,) = ledger.cases()
    assert record.case.closed
    events = len(record.case.events)
    correct("2024-03-15", 9053.8, None)  # after closing: the case is left as it was
    assert len(ledger.case(case_id).events) == events


def test_figures_entered_after_a_later_step_count_from_the_day_they_were_found(ledger):
    check_figures_count_from_the_day_they_were_found(ledger)


def _case_stopped_on_the_11th(ledger, number: str) -> tuple[int, int, str]:
    """A spot of 12,000 m² judged illegal on 03-04 (120 m² cultivated), its case verified
    that day and stopped on 03-11: (spot id, the verdict's id, the case id)."""
    ledger.import_batch("b", [_spot(number, **{domain.SPOT_AREA: 12000.0})])
    spot_id = ledger.spots()[0].id
    first = ledger.record_verdict(spot_id, _illegal(verified_on="2024-03-04"))
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    ledger.add_case_event(case_id, _event(case_id, Stage.VERIFY, 4))
    ledger.add_case_event(case_id, _event(case_id, Stage.STOP, 11))
    return spot_id, first, case_id


REFERABLE = {domain.CULTIVATED_AREA: 9053.8, domain.BASIC_FARMLAND_AREA: 0.0}  # 13.58 亩


def check_figures_count_from_the_day_they_were_found(ledger):
    """(Shared with the PostGIS store's tests.) Measured on site on Tue 03-05 at 13.58 亩, but
    entered only after the stop order of 03-11: the case event is dated 03-11 (events stay in
    date order) and keeps 03-05 as the day measured, so the case is at the criminal scale
    from 03-05 and its serious-case report was due Fri 03-08, already overdue when entered."""
    spot_id, first, case_id = _case_stopped_on_the_11th(ledger, "S9")
    ledger.record_verdict(
        spot_id, _illegal(verified_on="2024-03-05", areas=REFERABLE, corrects=first)
    )
    case = ledger.case(case_id)
    carried = case.events[-1]
    assert (carried.date, carried.measured_on) == (dt.date(2024, 3, 11), dt.date(2024, 3, 5))
    assert case.criminal_since == dt.date(2024, 3, 5)
    serious = {d.name: d for d in case.deadlines(today=dt.date(2024, 3, 11))}
    assert serious["serious_case_report"].due == dt.date(2024, 3, 8)
    assert serious["serious_case_report"].late


def test_a_corrected_day_measured_reaches_the_case(ledger):
    """The same 13.58 亩, first entered as found on 03-08, then the day put right to 03-05:
    the case is at the scale from 03-05 and its report was due 03-08."""
    spot_id, first, case_id = _case_stopped_on_the_11th(ledger, "S8")
    second = ledger.record_verdict(
        spot_id, _illegal(verified_on="2024-03-08", areas=REFERABLE, corrects=first)
    )
    assert ledger.case(case_id).criminal_since == dt.date(2024, 3, 8)
    ledger.record_verdict(
        spot_id, _illegal(verified_on="2024-03-05", areas=REFERABLE, corrects=second)
    )
    case = ledger.case(case_id)
    assert case.criminal_since == dt.date(2024, 3, 5)
    report = {d.name: d for d in case.deadlines(today=dt.date(2024, 3, 11))}["serious_case_report"]
    assert report.due == dt.date(2024, 3, 8)


def test_a_case_that_cannot_take_the_figures_refuses_the_verdict_with_a_ledger_error(
    ledger, monkeypatch
):
    """Should the case refuse the measurement, the verdict form gets a ledger error naming the
    case (which it shows), not a traceback, and neither the verdict nor an event is stored."""
    from zc_enforcement_plugin.core import cases as cases_module

    ledger.import_batch("b", [_spot("S1", **{domain.SPOT_AREA: 12000.0})])
    spot_id = ledger.spots()[0].id
    first = ledger.record_verdict(spot_id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    monkeypatch.setattr(cases_module.Case, "is_measurement", lambda self, event: False)
    areas = {domain.CULTIVATED_AREA: 9053.8, domain.BASIC_FARMLAND_AREA: 0.0}
    with pytest.raises(CaseError, match=f"案件 {case_id}"):
        ledger.record_verdict(
            spot_id, _illegal(verified_on="2024-03-11", areas=areas, corrects=first)
        )
    assert len(ledger.verdict_history(spot_id)) == 1
    assert len(ledger.case(case_id).events) == 1


def test_a_version_4_ledger_with_cases_gains_the_measured_day_and_keeps_its_events(tmp_path):
    path = tmp_path / "v4.gpkg"
    with GeoPackageLedger(path) as store:
        store.import_batch("b", [_spot("S1")])
        store.record_verdict(1, _illegal())
        case_id = store.open_case(ORIGIN_SPOT, spot_id=1)
        store.add_case_event(case_id, _event(case_id, Stage.VERIFY, 6))
    conn = sqlite3.connect(str(path))  # as the previous plugin left it
    conn.execute(f"ALTER TABLE {ls.T_CASE_EVENTS} DROP COLUMN {ls.C_MEASURED_ON}")
    conn.execute(f"ALTER TABLE {ls.T_CASE_EVENTS} DROP COLUMN {ls.C_CORRECTS}")  # version 7's
    conn.execute(f"ALTER TABLE {ls.T_CASE_EVENTS} DROP COLUMN {ls.C_CORRECTED_NOTE}")  # 8's
    conn.execute(f"DROP TRIGGER {ls.CASE_PER_SPOT}")  # version 6's
    conn.execute(f"DROP TRIGGER {ls.T_CASES}_patrol_not_withdrawn")  # version 9's
    conn.execute(f"DROP TABLE {ls.T_PATROL_WITHDRAWALS}")
    conn.execute(f"DELETE FROM gpkg_contents WHERE table_name = '{ls.T_PATROL_WITHDRAWALS}'")
    for table in ls.HISTORY_WITH_LOGIN:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {ls.C_DB_USER}")
    conn.execute(f"UPDATE {ls.T_META} SET value = '4' WHERE key = '{ls.META_SCHEMA_VERSION}'")
    conn.commit()
    conn.close()
    with GeoPackageLedger(path) as store:
        assert store.migrated_from == 4 and store.schema_version == ls.SCHEMA_VERSION == 9
        case = store.case(case_id)
        assert [e.stage for e in case.events] == [Stage.DISCOVER, Stage.VERIFY]
        assert all(e.measured_on is None for e in case.events)


def test_a_correction_measured_before_the_case_began_counts_from_its_opening(ledger):
    ledger.import_batch("b", [_spot("S7", **{domain.SPOT_AREA: 12000.0})])
    spot_id = ledger.spots()[0].id
    first = ledger.record_verdict(spot_id, _illegal(verified_on="2024-03-04"))
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    ledger.add_case_event(case_id, _event(case_id, Stage.VERIFY, 6))
    areas = {domain.CULTIVATED_AREA: 9053.8, domain.BASIC_FARMLAND_AREA: 0.0}
    ledger.record_verdict(spot_id, _illegal(verified_on="2024-02-26", areas=areas, corrects=first))
    case = ledger.case(case_id)
    assert case.criminal_since == dt.date(2024, 3, 4) == case.events[0].date


def test_an_old_ledger_that_cannot_be_upgraded_says_why(tmp_path, monkeypatch):
    """A version-4 ledger on a read-only share: opening it would upgrade it, which writes."""
    from zc_enforcement_plugin.core import ledger_gpkg

    path = tmp_path / "v4.gpkg"
    GeoPackageLedger(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute(f"UPDATE {ls.T_META} SET value = '4' WHERE key = '{ls.META_SCHEMA_VERSION}'")
    conn.commit()
    conn.close()

    def read_only(*_args):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    ledger_gpkg.schema_at(4)  # made (once) by the migrations, before they are made to fail
    monkeypatch.setattr(ledger_gpkg, "_migrate", read_only)
    with pytest.raises(LedgerError, match=f"must be upgraded to {ls.SCHEMA_VERSION}") as caught:
        GeoPackageLedger(path)
    assert "read-only" in str(caught.value)
    # The copy made before the upgrade went with it: the ledger is as it was.
    assert [p.name for p in tmp_path.iterdir()] == ["v4.gpkg"]


def _a_case_and_one_written_by_hand(
    ledger, opened: str = "2024-03-02", event: tuple[str, str] | None = None
) -> tuple[int, int, str, int]:
    """Spots S1 and S2 judged illegal; a case opened on S1 by the ledger, one on S2 written by
    hand (opened on `opened`, with one 发现 event of (date, documents) or none at all).
    Returns (S1's id, S2's id, the good case's number, the hand-written case's id)."""
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    s1, s2 = (s.id for s in sorted(ledger.spots(), key=lambda s: s.number))
    ledger.record_verdict(s1, _illegal())
    good = ledger.open_case(ORIGIN_SPOT, spot_id=s1)
    conn = sqlite3.connect(str(ledger.path))
    with conn:
        bare = conn.execute(
            f"INSERT INTO {ls.T_CASES} (origin, spot_id, office, town, opened_at, recorded_at) "
            f"VALUES ('spot', {s2}, '{OFFICE}', '南郊镇', '{opened}', '2024-03-02T00:00:00Z')"
        ).lastrowid
        if event is not None:
            day, documents = event
            conn.execute(
                f"INSERT INTO {ls.T_CASE_EVENTS} (case_id, stage, date, person, documents, "
                f"recorded_at) VALUES ({bare}, '{Stage.DISCOVER.value}', '{day}', '张三', "
                f"'{documents}', '2024-03-02T00:00:00.000000Z')"
            )
    conn.close()
    return s1, s2, good, bare


def test_a_case_whose_rows_cannot_be_read_is_left_out_and_named_not_fatal(ledger):
    """A case row written by hand, with no events: the case list, the reports and the dock go
    on with every other case and name the bad one (it stopped them all); asked for by its own
    number it is refused, named."""
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    s1, s2, good, bare = _a_case_and_one_written_by_hand(ledger)

    assert [r.case_id for r in ledger.cases()] == [good]
    [said] = ledger.unreadable_cases
    assert f"case {bare}" in said and "no events" in said
    assert ledger.cases(CaseFilter(spot_id=s1)) and not ledger.unreadable_cases
    with pytest.raises(LedgerError, match=f"case {bare} in .* cannot be read"):
        ledger.case(str(bare))
    ledger.record_verdict(s2, _illegal())
    with pytest.raises(CaseError, match="cannot be read"):  # still one case per spot
        ledger.open_case(ORIGIN_SPOT, spot_id=s2)
    report = reports.monthly_ranking(
        ledger, reports.Period.parse("2024-03"), WorkCalendar(None, strict=False)
    )
    assert any(f"case {bare}" in w for w in report.warnings)


def test_a_refresh_that_moves_a_spot_with_a_case_to_another_office_says_so(ledger):
    """A re-delivery that puts a spot with a case in another town and office, with smaller
    figures: applied (the delivery decides where a spot lies), but said field by field, old →
    new, with the case named, which stays with its office."""
    ledger.import_batch("b", [_spot("S1", 0)])
    [spot] = ledger.spots()
    ledger.record_verdict(spot.id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot.id)
    moved = _spot("S1", 0, TBMJ=399.8, XZMC="罗村镇", SMC="罗村自然资源所")
    report = ledger.import_batch("b", [moved])
    [said] = [w.message for w in report.warnings if w.number == "S1"]
    assert f"{domain.OFFICE_NAME} {OFFICE} → 罗村自然资源所" in said, said
    assert f"{domain.TOWN_NAME} 南郊镇 → 罗村镇" in said and "TBMJ 400.00 → 399.80" in said
    assert f"已有案件 {case_id}" in said and "图形" not in said
    assert ledger.cases(CaseFilter(spot_id=spot.id))[0].office == OFFICE


@pytest.mark.parametrize(
    "opened, event_date, documents",
    [
        ("2024/3/2", "2024-03-02", "[]"),  # a date typed the way a spreadsheet shows it
        ("2024-03-02", "2024年3月2日", "[]"),
        ("2024-03-02", "2024-03-02", "询问笔录"),  # plain text where a JSON list is kept
    ],
)
def test_a_case_with_values_typed_by_hand_is_named_not_fatal(ledger, opened, event_date, documents):
    """Rows written by hand with values the plugin cannot read: the case is left out and
    named, as one with no events is; the other cases and the reports go on."""
    _, _, good, bare = _a_case_and_one_written_by_hand(ledger, opened, (event_date, documents))
    assert [r.case_id for r in ledger.cases()] == [good]
    [said] = ledger.unreadable_cases
    assert f"case {bare}" in said and "cannot be read" in said


def test_what_a_refresh_changed_stays_with_the_spot_and_shows_on_its_page(ledger):
    """The import's log is gone when the spot is looked at again: each refresh's changes are
    kept with the spot and listed on its page, above the verdict they may no longer fit."""
    from zc_enforcement_plugin.ui.spot_page import spot_html

    ledger.import_batch("b", [_spot("S1", 0)])
    [spot] = ledger.spots()
    ledger.record_verdict(spot.id, _illegal())
    ledger.import_batch("b", [_spot("S1", 0, TBMJ=300.0)])
    ledger.import_batch("b", [_spot("S1", 0, TBMJ=300.0)])  # nothing new: nothing added
    ledger.import_batch("b", [_spot("S1", 1, TBMJ=300.0)])  # moved 100 m
    refreshes = ledger.spot(spot.id).attributes[domain.SPOT_REFRESHES]
    assert len(refreshes) == 2 and "TBMJ 400.00 → 300.00" in refreshes[0]["changes"]
    moved = refreshes[1]["changes"][0]
    assert moved.startswith("图形中心移动 100.00 m") and "/ outline centre moved 100.00 m" in moved
    page = spot_html(ledger.spot(spot.id), ledger.verdict_history(spot.id))
    assert "重新交付后的变化" in page and "TBMJ 400.00 → 300.00" in page
    # The page is in Chinese: the change's Chinese half alone.
    assert "图形中心移动 100.00 m" in page and "outline" not in page, page


def test_a_layer_screened_for_the_first_time_is_a_change_kept_with_the_spot(ledger):
    """A spot first screened without the red line (its hits and figure NULL), refreshed from a
    screening with it: the change from empty is said and kept, as any other."""
    ledger.import_batch("b", [_spot("S1", 0, STHXBH=None, YJJBNTMJ=None)])
    [spot] = ledger.spots()
    report = ledger.import_batch("b", [_spot("S1", 0, STHXBH="HX-1", YJJBNTMJ=50.0)])
    [said] = [w.message for w in report.warnings if w.number == "S1"]
    assert "STHXBH （空） → HX-1" in said and "YJJBNTMJ （空） → 50.00" in said, said
    [kept] = ledger.spot(spot.id).attributes[domain.SPOT_REFRESHES]
    assert "STHXBH （空） → HX-1" in kept["changes"]


def test_the_page_says_when_a_spot_was_judged_again_after_a_refresh(ledger):
    # As read: the marks that isolate each field are invisible.
    from tests.test_dock_hostile_text import without_isolates
    from zc_enforcement_plugin.ui.spot_page import spot_html

    ledger.import_batch("b", [_spot("S1", 0)])
    [spot] = ledger.spots()
    ledger.record_verdict(spot.id, _illegal())
    ledger.import_batch("b", [_spot("S1", 0, TBMJ=300.0)])
    page = without_isolates(spot_html(ledger.spot(spot.id), ledger.verdict_history(spot.id)))
    assert "TBMJ 400.00 → 300.00" in page and "此后已重新判定" not in page
    first = ledger.current_verdict(spot.id).id
    ledger.record_verdict(spot.id, _illegal(corrects=first, note="复核\n面积按新交付"))
    page = without_isolates(spot_html(ledger.spot(spot.id), ledger.verdict_history(spot.id)))
    assert "此后已重新判定" in page
    assert "备注：复核<br>面积按新交付" in page  # remarks keep their lines
    assert "核实耕地面积 120.00 m²" in page and "核实其他农用地" not in page  # no 0 listed


def test_the_page_names_figures_hits_and_the_referral_as_the_attribute_table_does(ledger):
    """The dock's words for a field are the domain's one label: those of the attribute table
    and the export (not 无地类覆盖 here, 未调查或无法归类面积 there)."""
    # As read: the marks that isolate each field are invisible.
    from tests.test_dock_hostile_text import without_isolates
    from zc_enforcement_plugin.ui.spot_page import spot_html

    labels = domain.output_field_labels_zh()
    fields = {
        domain.UNSURVEYED_AREA: 30.0,
        domain.AGRICULTURAL_AREA: 50.0,
        domain.APPROVAL_HITS: "鲁政土字〔2021〕1号;鲁政土字〔2021〕2号",
        domain.CRIMINAL_FLAG: 1,
    }
    ledger.import_batch("b", [_spot("S1", 0, **fields)])
    [spot] = ledger.spots()
    page = without_isolates(spot_html(ledger.spot(spot.id), []))
    for name in (
        domain.SPOT_AREA,
        domain.CULTIVATED_AREA,
        domain.AGRICULTURAL_AREA,
        domain.UNSURVEYED_AREA,
        domain.BASIC_FARMLAND_AREA,
    ):
        # the label less its unit (图斑面积（平方米）): the row gives m² and 亩
        assert f"{domain.area_name_zh(name)} <small>{name}</small>" in page, name
        assert labels[name].startswith(domain.area_name_zh(name)), name
    assert "未调查或无法归类面积 <small>WDCMJ</small>" in page
    assert f"{labels[domain.APPROVAL_HITS]}: 鲁政土字〔2021〕1号;鲁政土字〔2021〕2号" in page
    assert f"<b>{labels[domain.CRIMINAL_FLAG]} / " in page


def test_a_chinese_page_has_full_width_colons_and_no_gap_for_a_verdicts_empty_field(ledger):
    """涉及三区两线名称: 峨庄自然保护区 beside 当事人：… on one page, and a verdict without an
    approval number shown as 违法 边报边用  — 李四 (a review in QGIS)."""
    from qgis.PyQt.QtCore import QCoreApplication

    from tests.test_dock_hostile_text import without_isolates
    from zc_enforcement_plugin.i18n import install_translator
    from zc_enforcement_plugin.ui.spot_page import spot_html

    labels = domain.output_field_labels_zh()
    ledger.import_batch("b", [_spot("S1", 0, **{domain.APPROVAL_HITS: "鲁政土字〔2021〕1号"})])
    [spot] = ledger.spots()
    ledger.record_verdict(spot.id, _illegal(kind="边报边用", details={ls.DETAIL_PARTY: "某公司"}))
    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    try:
        page = without_isolates(spot_html(ledger.spot(spot.id), ledger.verdict_history(spot.id)))
    finally:
        QCoreApplication.removeTranslator(translator)
    assert f"{labels[domain.APPROVAL_HITS]}：鲁政土字〔2021〕1号" in page, page
    assert "当事人：某公司" in page
    assert "✔ 违法 边报边用 — 张三 2024-03-05" in page, page


# --- found untested by a mutation review --------------------------------------------------------


def test_a_case_is_refused_an_office_or_town_other_than_its_origins(ledger):
    """A case given another office or town than its spot's (SMC, XZMC) or its patrol's office
    was opened so, and counted against that office in its monthly ranking: refused, naming
    the origin, the field and both values, with nothing written. Its own values are taken."""
    ledger.import_batch("b", [_spot("S1")])
    spot_id = ledger.spots()[0].id
    ledger.record_verdict(spot_id, _illegal())
    ledger.add_patrol(PatrolRecord("XC-1", OFFICE, dt.date(2024, 3, 4), ["赵六"]))
    refusals = [
        (
            dict(origin=ORIGIN_SPOT, spot_id=spot_id, office="罗村自然资源所"),
            f"the case's office (office, SMC) '罗村自然资源所' differs from its origin spot "
            f"S1's office '{OFFICE}'",
            f"案件的自然资源所（office, SMC）“罗村自然资源所”与其来源图斑 S1 的自然资源所"
            f"“{OFFICE}”不符",
        ),
        (
            dict(origin=ORIGIN_SPOT, spot_id=spot_id, town="罗村镇"),
            "the case's town (town, XZMC) '罗村镇' differs from its origin spot S1's town '南郊镇'",
            "案件的乡镇（town, XZMC）“罗村镇”与其来源图斑 S1 的乡镇“南郊镇”不符",
        ),
        (
            dict(origin=ORIGIN_PATROL, patrol_id="XC-1", office="罗村自然资源所"),
            "the case's office (office) '罗村自然资源所' differs from its origin patrol XC-1's "
            f"office '{OFFICE}'",
            "与其来源巡查 XC-1 的自然资源所",
        ),
    ]
    for given, english, chinese in refusals:
        origin = given.pop("origin")
        with pytest.raises(CaseError) as refused:
            ledger.open_case(origin, **given)
        assert english in str(refused.value) and chinese in str(refused.value)
        assert ledger.cases() == []
    # The origin's own values, given or not (spaces around them are no difference).
    ledger.open_case(ORIGIN_SPOT, spot_id=spot_id, office=f" {OFFICE} ", town="南郊镇")
    ledger.open_case(ORIGIN_PATROL, patrol_id="XC-1", office=OFFICE, town="罗村镇")
    assert [(r.office, r.town) for r in ledger.cases()] == [(OFFICE, "南郊镇"), (OFFICE, "罗村镇")]


def test_cases_are_filtered_by_town(ledger):
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1, XZMC="罗村镇")])
    for spot in ledger.spots():
        ledger.record_verdict(spot.id, _illegal())
        ledger.open_case(ORIGIN_SPOT, spot_id=spot.id)
    assert [r.town for r in ledger.cases(CaseFilter(town="罗村镇"))] == ["罗村镇"]
    assert len(ledger.cases()) == 2


def test_a_correction_of_a_third_of_a_square_metre_reaches_the_case(ledger):
    """Figures are kept to the cent: 120.00 → 120.30 m² is another measurement, carried to
    the open case as the larger corrections are."""
    ledger.import_batch("b", [_spot("S1")])
    spot_id = ledger.spots()[0].id
    first = ledger.record_verdict(spot_id, _illegal())
    case_id = ledger.open_case(ORIGIN_SPOT, spot_id=spot_id)
    ledger.record_verdict(
        spot_id,
        _illegal(verified_on="2024-03-06", areas={domain.CULTIVATED_AREA: 120.3}, corrects=first),
    )
    case = ledger.case(case_id)
    assert len(case.events) == 2 and case.cultivated_sqm == pytest.approx(120.3)


def test_a_conflict_names_only_what_changed_after_the_version_opened(ledger):
    """The verifier opened S1 after a re-delivery (TBMJ 400 → 300, version 1); a colleague
    saved a verdict since. The refusal says the colleague saved, and not the re-delivery the
    verifier had already seen."""
    from zc_enforcement_plugin.core.ledger import ConflictError

    ledger.import_batch("b", [_spot("S1")])
    spot_id = ledger.spots()[0].id
    ledger.import_batch("b", [_spot("S1", TBMJ=300.0)])
    seen = ledger.spot(spot_id).version
    assert seen == 1
    ledger.record_verdict(spot_id, _illegal(verifier="王五"), expected_version=seen)
    with pytest.raises(ConflictError) as refused:
        ledger.record_verdict(spot_id, _illegal(verifier="李四"), expected_version=seen)
    message = str(refused.value)
    assert "saved by someone else" in message and "王五" in message, message
    assert "re-delivered" not in message and "TBMJ" not in message, message
