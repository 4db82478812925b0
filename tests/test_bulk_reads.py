"""The ledger's reads of many spots at once (spots_by_id, spot_attributes, verdict_histories),
and the report and export that read through them: the same figures and columns as reading spot
by spot, in a number of statements that does not grow with the number of spots. On the
GeoPackage and on the shared PostGIS ledger alike."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest
from shapely.geometry import box

from tests.postgis_fixtures import new_schema, open_store
from zc_enforcement_plugin.core import domain, export, ledger_sql, reports
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, LedgerError, SpotRecord, Verdict
from zc_enforcement_plugin.core.report_basis import read_ledger
from zc_enforcement_plugin.core.workdays import WorkCalendar

X0, Y0 = 39_520_000.0, 4_070_000.0
# Two offices of the demo district (scripts/postgis_server.demo_offices), so the shared ledger
# maps every spot's town to an office as the GeoPackage's spots name theirs.
OFFICES = (("罗村自然资源所", "罗村镇"), ("太河自然资源所", "太河镇"))
MARCH = reports.Period.month(2024, 3)
AS_OF = dt.date(2024, 4, 3)


def _verdicts(i: int) -> list[Verdict]:
    """Spot i's verdicts, five patterns in turn: none; illegal; 伪变化 corrected to illegal and
    re-measured; legal; other. Every verdict dated, in March 2024."""
    day = f"2024-03-{1 + i % 28:02d}"
    later = f"2024-03-{2 + i % 28:02d}"
    illegal = dict(category=ls.VERDICT_ILLEGAL, kind="未报即用", verifier="张三")
    return [
        [],
        [Verdict(**illegal, verified_on=day, details={ls.DETAIL_STOP_ORDER: True})],
        [
            Verdict(ls.VERDICT_OTHER, "伪变化", "李四", day),
            Verdict(**illegal, verified_on=later, areas={domain.CULTIVATED_AREA: 90.0 + i}),
            Verdict(
                **illegal, verified_on=later, note="复测", areas={domain.CULTIVATED_AREA: 80.0}
            ),
        ],
        [Verdict(ls.VERDICT_LEGAL, "农转用", "王五", day, approval_number="鲁政土字〔2024〕1号")],
        [Verdict(ls.VERDICT_OTHER, "设施农用地", "王五", day)],
    ][i % 5]


def fill(store, count: int) -> dict[str, int]:
    """``count`` spots of two offices, judged in the five patterns of _verdicts, the screening's
    referral fields on every other spot, and a case opened for the first spot judged illegal."""
    records = []
    for i in range(count):
        office, town = OFFICES[i % 2]
        attributes = {
            domain.SPOT_NUMBER: f"3703022024{i:04d}",
            domain.SPOT_AREA: 400.0 + i,
            domain.CULTIVATED_AREA: 150.5,
            domain.BASIC_FARMLAND_AREA: 20.25,
            domain.TOWN_NAME: town,
            domain.OFFICE_NAME: office,
            domain.SPOT_TYPE: "新增建设用地",
            domain.REVIEW_PRIORITY: 1 + i % 4,
        }
        if i % 2 == 0:
            attributes[domain.REFERRAL_CULTIVATED_AREA] = 100.0 + i
            attributes[domain.REFERRAL_BASIC_FARMLAND_AREA] = 10.0
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    assert store.import_batch("2024年第一季度", records).ok
    ids = {s.number: s.id for s in store.spots()}
    for i, number in enumerate(sorted(ids)):
        previous = None
        for verdict in _verdicts(i):
            verdict.corrects = previous
            previous = store.record_verdict(ids[number], verdict)
    first_illegal = ids[sorted(ids)[1]]
    case_id = store.open_case(ORIGIN_SPOT, spot_id=first_illegal, date=dt.date(2024, 3, 2))
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, dt.date(2024, 3, 3), "张三"))
    return ids


@pytest.fixture(params=["geopackage", "postgis"])
def make_store(request, tmp_path):
    """Opens a new empty ledger of the kind the test is run for, closed at the end."""
    opened = []

    def make():
        if request.param == "geopackage":
            store = GeoPackageLedger(tmp_path / f"ledger{len(opened)}.gpkg")
        else:
            database = request.getfixturevalue("pg_database")
            store = open_store(database, new_schema(database), tmp_path=tmp_path)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


class SpotBySpot:
    """A store whose reads of many spots go spot by spot, as the report and the export read
    before the bulk reads: what those must match."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def spots_by_id(self, spot_ids):
        return {spot_id: self._store.spot(spot_id) for spot_id in spot_ids}

    def spot_attributes(self, spot_ids, names=None):
        every = {spot_id: self._store.spot(spot_id).attributes for spot_id in spot_ids}
        return {
            spot_id: {k: v for k, v in fields.items() if names is None or k in names}
            for spot_id, fields in every.items()
        }

    def verdict_histories(self, spot_ids):
        return {spot_id: self._store.verdict_history(spot_id) for spot_id in spot_ids}


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    cal = WorkCalendar()
    assert cal.covers(dt.date(2024, 1, 1)), "needs chinesecalendar with 2024"
    return cal


def _report_sheets(store, calendar) -> dict[str, list]:
    """Every sheet of the monthly ranking, the accountability ratio and a weekly dispatch, and
    what the report context holds of each spot: every figure a report counts from."""
    context = read_ledger(store, AS_OF, calendar)
    made = {
        "ranking": reports.monthly_ranking(store, MARCH, calendar, as_of=AS_OF),
        "ratio": reports.accountability_ratio(store, MARCH, calendar, as_of=AS_OF),
        "dispatch": reports.weekly_dispatch(
            store, reports.Period.week(dt.date(2024, 3, 25)), calendar, as_of=AS_OF
        ),
    }
    sheets = {
        name: [(s.name, [c.header for c in s.columns], s.rows) for s in report.sheets()]
        for name, report in made.items()
    }
    sheets["context"] = [context.spots, context.warnings, context.offices]
    return sheets


def _export_rows(store) -> list[tuple]:
    return [
        (row.spot_id, row.number, row.batch, row.geometry.wkb, row.values, row.evidence)
        for row in export.verification_rows(store)
    ]


def test_bulk_reads_give_what_reading_each_spot_gives(make_store, monkeypatch):
    store = make_store()
    ids = list(fill(store, 12).values())
    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 5)  # 12 spots: 3 chunks
    one_by_one = SpotBySpot(store)
    histories = store.verdict_histories(ids)
    assert histories == one_by_one.verdict_histories(ids)
    assert sorted(len(h) for h in histories.values()).count(0) == 3  # spots never judged
    assert max(len(h) for h in histories.values()) == 3
    assert store.spots_by_id(ids) == one_by_one.spots_by_id(ids)
    assert store.spot_attributes(ids) == one_by_one.spot_attributes(ids)
    names = (domain.REFERRAL_CULTIVATED_AREA, domain.REFERRAL_BASIC_FARMLAND_AREA)
    referral = store.spot_attributes(ids, names)
    assert referral == one_by_one.spot_attributes(ids, names)
    assert sum(1 for fields in referral.values() if set(fields) == set(names)) == 6
    assert sum(1 for fields in referral.values() if not fields) == 6


def test_a_bulk_read_of_a_spot_the_ledger_lacks_names_it(make_store):
    store = make_store()
    ids = list(fill(store, 3).values())
    for read in (store.spots_by_id, store.spot_attributes):
        with pytest.raises(LedgerError, match=r"no spot with id 999999, 999998 in"):
            read([*ids, 999999, 999998])
    assert store.verdict_histories([999999]) == {999999: []}  # as verdict_history says
    with pytest.raises(LedgerError, match="spot ids must be integers"):
        store.verdict_histories([ids[0], "A1"])


def test_a_spot_id_given_as_text_reads_the_same_spot(make_store):
    store = make_store()
    ids = list(fill(store, 3).values())
    assert store.spot(str(ids[1])) == store.spot(ids[1])
    assert store.verdict_history(str(ids[1])) == store.verdict_history(ids[1]) != []
    assert store.verdict_histories([str(ids[1])]) == store.verdict_histories([ids[1]])


def test_reports_and_export_are_what_reading_each_spot_gives(make_store, calendar, monkeypatch):
    store = make_store()
    fill(store, 12)
    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 5)
    bulk, one_by_one = _report_sheets(store, calendar), _report_sheets(SpotBySpot(store), calendar)
    assert bulk == one_by_one
    ranked = {row[1]: row for row in bulk["ranking"][0][2]}
    assert set(ranked) >= {office for office, _ in OFFICES}
    # The referral fields a spot judged illegal carries into the dispatch were read in bulk.
    assert any(spot.referral for spot in bulk["context"][0])
    assert _export_rows(store) == _export_rows(SpotBySpot(store))


@contextlib.contextmanager
def statements(store) -> Iterator[list[str]]:
    """The SQL statements the store sends while the block runs."""
    sent: list[str] = []
    if isinstance(store, GeoPackageLedger):
        store._conn.set_trace_callback(sent.append)
        try:
            yield sent
        finally:
            store._conn.set_trace_callback(None)
        return
    execute = store._execute

    def counted(sql, params=None):
        sent.append(sql)
        return execute(sql, params)

    store._execute = counted
    try:
        yield sent
    finally:
        del store._execute


def test_the_statements_of_a_report_and_an_export_do_not_grow_with_the_spots(make_store, calendar):
    sent = {}
    for count in (5, 20):
        store = make_store()
        fill(store, count)
        with statements(store) as report:
            reports.monthly_ranking(store, MARCH, calendar, as_of=AS_OF)
        with statements(store) as rows:
            export.verification_rows(store)
        sent[count] = (len(report), len(rows))
    assert sent[5] == sent[20], f"statements (report, export) by number of spots: {sent}"


def test_cases_are_read_a_chunk_at_a_time_whatever_their_number(tmp_path, monkeypatch):
    """SQLite caps the parameters of one statement (32,766 here): a ledger holding more cases
    than that must still list them. The cap is lowered to 4 so a handful of cases shows it."""
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    ids = fill(store, 25)
    for i, number in enumerate(sorted(ids)):
        if i > 1 and i % 5 in (1, 2):  # judged illegal (_verdicts); spot 1 has its case
            # Opened on its verdict's day: a case is not opened before its verdict.
            store.open_case(ORIGIN_SPOT, spot_id=ids[number])
    # Expected case by case, so the listing's own statement is first prepared under the cap
    # (SQLite checks the cap when it prepares a statement, and keeps prepared ones).
    case_ids = [row[0] for row in store._conn.execute(f"SELECT {ls.C_ID} FROM {ls.T_CASES}")]
    expected = [(str(i), store.case_record(i).case.events) for i in sorted(case_ids)]
    assert len(expected) >= 8
    monkeypatch.setattr(ledger_sql, "VALUES_PER_STATEMENT", 3)
    store._conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 4)
    assert [(str(r.case_id), r.case.events) for r in store.cases()] == expected
    assert store.unreadable_cases == []


def test_the_docks_overdue_filter_reads_in_statements_that_do_not_grow_with_the_spots(
    make_store,
):
    """The dock's overdue filter finds the spots judged 违法 with no case opened whose deadlines
    have passed: read for all of them at once, not a spot, a history and a case query each."""
    from zc_enforcement_plugin.ui.review_session import ReviewSession

    sent, late = {}, {}
    for count in (10, 40):
        store = make_store()
        fill(store, count)
        session = ReviewSession()
        session.store = store
        spots = store.spots()
        with statements(store) as read:
            late[count] = session.overdue_unopened_spots(spots, dt.date(2024, 6, 3))
        sent[count] = len(read)
        # As judged spot by spot (the rule the spot page shows: unopened_case).
        assert late[count] == {
            s.id
            for s in spots
            if (case := session.unopened_case(s.id, dt.date(2024, 6, 3))) is not None
            and any(
                d.open and d.late
                for d in case.deadlines(
                    store.deadline_rules(), session.calendar, dt.date(2024, 6, 3)
                )
            )
        }
    assert len(late[40]) > len(late[10]) > 0
    assert sent[10] == sent[40], f"statements by number of spots: {sent}"
