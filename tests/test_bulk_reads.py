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
from zc_enforcement_plugin.core import clock, domain, export, ledger_sql, reports
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import (
    DOC_WITHDRAWAL,
    ORIGIN_SPOT,
    CaseEvent,
    Stage,
    has_open_overdue,
)
from zc_enforcement_plugin.core.ledger import (
    CaseFilter,
    GeoPackageLedger,
    LedgerError,
    SpotFilter,
    SpotRecord,
    Verdict,
)
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
    from zc_enforcement_plugin.ui.review_session import ReviewSession, unopened_case_of

    day = dt.date(2024, 6, 3)
    sent, late = {}, {}
    for count in (10, 40):
        store = make_store()
        fill(store, count)
        session = ReviewSession()
        session.store = store
        spots = store.spots()
        with statements(store) as read:
            late[count] = session.overdue_unopened_spots(spots, day)
        sent[count] = len(read)
        # As judged spot by spot, by the rule the spot page shows (unopened_case_of).
        by_spot = {
            s.id: unopened_case_of(
                store.spot(s.id), store.verdict_history(s.id), session.case_of(s.id), day
            )
            for s in spots
        }
        rules = store.deadline_rules()
        assert late[count] == {
            spot_id
            for spot_id, case in by_spot.items()
            if case is not None and has_open_overdue(case, rules, session.calendar, day)
        }
    assert len(late[40]) > len(late[10]) > 0
    assert sent[10] == sent[40], f"statements by number of spots: {sent}"


def _cases_for_both_offices(store, ids: dict[str, int]) -> list[int]:
    """A case opened for every spot judged illegal (_verdicts: i % 5 in 1, 2) but the second,
    so spots of both offices have cases, and one judged illegal has none; the first of them
    closed (withdrawn), so it owes nothing. The spots with a case, in number order."""
    numbers = sorted(ids)
    illegal = [ids[n] for i, n in enumerate(numbers) if i % 5 in (1, 2)]
    cased = []
    for spot_id in illegal[:1] + illegal[2:]:
        if not store.cases(CaseFilter(spot_id=spot_id)):  # fill opened the first already
            store.open_case(ORIGIN_SPOT, spot_id=spot_id)  # on its verdict's day
        cased.append(spot_id)
    (first,) = store.cases(CaseFilter(spot_id=cased[0]))
    store.add_case_event(
        first.case_id,
        CaseEvent(
            first.case_id, Stage.CLOSE, dt.date(2024, 3, 6), "张三", [DOC_WITHDRAWAL], note="错立"
        ),
    )
    return cased


def _replays(store) -> list[int]:
    """The ids of the cases the store replays from their rows while the list is alive."""
    replayed: list[int] = []
    replay = store._case_record

    def counted(row, events):
        replayed.append(row[0])
        return replay(row, events)

    store._case_record = counted
    return replayed


def test_the_spots_with_a_case_are_read_without_replaying_any_case(make_store):
    """spots_with_case gives the spots cases() names, with no case replayed; CaseFilter's
    spot_ids gives those spots' cases alone, as cases() filtered by spot would."""
    store = make_store()
    ids = fill(store, 20)
    cased = _cases_for_both_offices(store, ids)
    every = store.cases()
    replayed = _replays(store)
    assert store.spots_with_case() == set(cased) == {r.spot_id for r in every}
    assert replayed == []
    some = set(cased[::2]) | {ids[sorted(ids)[0]]}  # a spot without a case is asked for too
    picked = store.cases(CaseFilter(spot_ids=some))
    assert [r.case_id for r in picked] == [r.case_id for r in every if r.spot_id in some]
    assert len(replayed) == len(picked) == len(cased[::2])
    open_ones = store.cases(CaseFilter(spot_ids=cased, closed=False))
    assert [r.spot_id for r in open_ones] == cased[1:]  # the first was withdrawn


def test_the_overdue_filter_replays_only_the_cases_of_the_spots_it_lists_from(make_store):
    """On a ledger kept for years the overdue filter replayed every case of the ledger, twice,
    whatever the other filters: seconds per change. With an office chosen it replays the cases
    of that office's spots alone, and lists the same spots as judged over every case."""
    from zc_enforcement_plugin.ui.review_session import ReviewFilter, ReviewSession

    store = make_store()
    ids = fill(store, 30)
    cased = _cases_for_both_offices(store, ids)
    office = OFFICES[0][0]
    session = ReviewSession()
    session.store = store
    mine = store.spots(SpotFilter(office=office))
    # As judged before: every open case of the ledger replayed, then the office's spots kept.
    rules, today = store.deadline_rules(), clock.today()
    late = {
        r.spot_id
        for r in store.cases(CaseFilter(closed=False))
        if any(d.open and d.late for d in r.case.deadlines(rules, session.calendar, today))
    }
    late |= session.overdue_unopened_spots(mine)
    expected = [s.id for s in mine if s.id in late]
    mine_cased = {s.id for s in mine} & set(cased)
    assert expected and len(mine_cased) < len(cased)  # the other office's cases are not needed
    replayed = _replays(store)
    session.set_filter(ReviewFilter(office=office, status="overdue"))
    assert [s.id for s in session.queue] == expected
    assert len(replayed) == len(mine_cased), f"cases replayed: {replayed}"
    assert session.counts() == (
        sum(1 for s in mine if s.status == ls.STATUS_VERIFIED),
        len(mine),
    )


def test_a_save_under_the_overdue_filter_judges_the_saved_spot_alone(make_store):
    """A verdict saved with the overdue filter on re-read the whole list and replayed every
    case of the ledger (4 s a save on a three-year ledger). Now the saved spot alone is judged
    again: the list keeps its order and place, the progress counts the verdict, and the list
    is what a fresh read would give."""
    from zc_enforcement_plugin.ui.review_session import ReviewFilter, ReviewSession

    store = make_store()
    ids = fill(store, 30)
    _cases_for_both_offices(store, ids)
    session = ReviewSession()
    session.store = store
    session.set_filter(ReviewFilter(status="overdue"))
    before = [s.id for s in session.queue]
    verified, total = session.counts()
    # An unopened illegal spot (no case): judged 其他 now, it owes no case and leaves the list.
    leaving = next(
        s.id
        for s in session.queue[:-1]  # not the last: the spot after it takes its row
        if s.id not in store.spots_with_case() and s.category == ls.VERDICT_ILLEGAL
    )
    row = before.index(leaving)
    assert session.go_to(leaving)
    replayed = _replays(store)
    listed = []
    real_spots = store.spots
    store.spots = lambda *a, **k: listed.append(a) or real_spots(*a, **k)
    session.record_verdict(Verdict(ls.VERDICT_OTHER, "伪变化", "李四", dt.date(2024, 3, 20)))
    assert listed == [], "the whole list was read again after a save"
    assert replayed == []  # the saved spot has no case: none replayed
    assert [s.id for s in session.queue] == [i for i in before if i != leaving]
    assert session.position == row  # the next spot took its row
    assert session.counts() == (verified, total)  # judged before, judged still
    # A spot with an overdue case, judged again: it stays, where it was, its row read again.
    staying = next(s for s in session.queue if s.id in store.spots_with_case())
    assert session.go_to(staying.id)
    place = session.place()
    session.record_verdict(Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", dt.date(2024, 3, 21)))
    assert session.place() == place and session.current_id == staying.id
    assert len(replayed) == 1  # its own case, not the ledger's
    del store.spots
    fresh = ReviewSession()
    fresh.store = store
    fresh.set_filter(ReviewFilter(status="overdue"))
    assert [s.id for s in session.queue] == [s.id for s in fresh.queue]
    assert session.counts() == fresh.counts()
