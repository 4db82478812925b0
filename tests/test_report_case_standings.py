"""The reports judge each case as it stood at the end of a day (a month's, the period's, the
report date) from one replay of its events (report_basis.CaseStandings), not a replay per day:
the cases and every figure must be those of the replay per day (CaseRecord.case_as_of), on a
ledger with corrected dates, a withdrawal, criminal-scale spells and steps after month ends."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_ledger_cases import _illegal, _spot
from zc_enforcement_plugin.core import reports
from zc_enforcement_plugin.core.cases import (
    DOC_SERIOUS_CASE_REPORT,
    DOC_WITHDRAWAL,
    ORIGIN_SPOT,
    Case,
    CaseEvent,
    Stage,
)
from zc_enforcement_plugin.core.ledger import GeoPackageLedger
from zc_enforcement_plugin.core.report_basis import CaseStandings, read_ledger
from zc_enforcement_plugin.core.workdays import WorkCalendar

D = dt.date
AS_OF = D(2026, 3, 15)


def _step(store, case_id, stage, day, **more) -> int:
    return store.add_case_event(case_id, CaseEvent(case_id, stage, day, "李四", **more))


@pytest.fixture
def ledger(tmp_path):
    """Five cases of 2025 (see each), spots judged 违法 in January to June."""
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    store.import_batch("b", [_spot(f"S{i}", i) for i in range(1, 7)])
    ids = {s.number: s.id for s in store.spots()}
    for i, day in enumerate(("01-03", "02-03", "03-31", "04-01", "12-29", "05-20"), start=1):
        store.record_verdict(ids[f"S{i}"], _illegal(verified_on=f"2025-{day}"))

    # Filed on 03-03, typed as 04-15 and corrected: the month end between moves with it.
    one = store.open_case(ORIGIN_SPOT, spot_id=ids["S1"], date=D(2025, 1, 6))
    _step(store, one, Stage.VERIFY, D(2025, 1, 8))
    stop = _step(store, one, Stage.STOP, D(2025, 2, 27))
    filed = _step(store, one, Stage.FILE, D(2025, 4, 15))
    store.correct_case_event(one, filed, date=D(2025, 3, 3), person="王五", reason="录入错误")
    store.correct_case_event(one, stop, date=D(2025, 2, 28), person="王五", reason="录入错误")
    _step(store, one, Stage.INVESTIGATE, D(2025, 5, 6))
    _step(store, one, Stage.NOTIFY, D(2025, 6, 2))
    # Withdrawn in March: opened in error.
    two = store.open_case(ORIGIN_SPOT, spot_id=ids["S2"], date=D(2025, 2, 3))
    _step(store, two, Stage.VERIFY, D(2025, 2, 5))
    _step(store, two, Stage.CLOSE, D(2025, 3, 10), documents=[DOC_WITHDRAWAL], note="错开")
    # At the criminal scale when found, below it once measured, at it again when filed.
    three = store.open_case(
        ORIGIN_SPOT, spot_id=ids["S4"], date=D(2025, 4, 1), cultivated_sqm=8000.0
    )
    _step(store, three, Stage.VERIFY, D(2025, 4, 30), cultivated_sqm=3000.0)
    _step(store, three, Stage.STOP, D(2025, 5, 2), documents=[DOC_SERIOUS_CASE_REPORT])
    _step(store, three, Stage.FILE, D(2025, 6, 3), cultivated_sqm=7000.0)
    # Opened at the end of the year, its steps in the next.
    four = store.open_case(ORIGIN_SPOT, spot_id=ids["S5"], date=D(2025, 12, 29))
    _step(store, four, Stage.VERIFY, D(2026, 1, 5))
    _step(store, four, Stage.STOP, D(2026, 2, 2))
    # Several steps on a month's last day, closed after the stop (rectified) in July.
    five = store.open_case(ORIGIN_SPOT, spot_id=ids["S6"], date=D(2025, 5, 31))
    _step(store, five, Stage.VERIFY, D(2025, 5, 31))
    _step(store, five, Stage.STOP, D(2025, 5, 31))
    _step(store, five, Stage.CLOSE, D(2025, 7, 1))
    yield store
    store.close()


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar()


def test_each_day_gets_the_case_a_replay_to_that_day_gives(ledger, calendar):
    context = read_ledger(ledger, AS_OF, calendar)
    records = [record for record, _ in context.cases]
    assert len(records) == 5
    assert any(record.case.records != record.case.events for record in records)  # corrected
    assert any(len(record.case.criminal_spells) == 2 for record in records)
    assert any(record.case.withdrawn for record in records)
    fresh = CaseStandings()
    day = D(2024, 12, 25)
    while day <= AS_OF:
        for record in records:
            expected = record.case_as_of(day)
            assert fresh.case_as_of(record, day) == expected, (record.case_id, day)
            assert context.case_as_of(record, day) == expected, (record.case_id, day)
        day += dt.timedelta(days=1)


def test_each_case_is_replayed_once_for_every_month_of_an_assessment(ledger, calendar, monkeypatch):
    replayed: list[str] = []
    real = Case.standings.__func__

    def counting(cls, steps):
        replayed.append(steps[0].case_id)
        return real(cls, steps)

    monkeypatch.setattr(Case, "standings", classmethod(counting))
    reports.assessment(ledger, reports.Period.year(2025), calendar, AS_OF)
    assert sorted(replayed) == ["1", "2", "3", "4", "5"]


def _figures(report) -> list:
    return [sheet.rows for sheet in report.sheets()] + [report.warnings]


@pytest.mark.parametrize(
    "make",
    [
        lambda store, cal: reports.assessment(store, reports.Period.year(2025), cal, AS_OF),
        lambda store, cal: reports.assessment(store, reports.Period.half_year(2025, 1), cal, AS_OF),
        lambda store, cal: reports.monthly_ranking(
            store, reports.Period.month(2025, 3), cal, AS_OF
        ),
        lambda store, cal: reports.weekly_dispatch(
            store, reports.Period.week(D(2025, 6, 2)), cal, D(2025, 6, 4)
        ),
    ],
    ids=["year", "half-year", "month", "week"],
)
def test_the_reports_figures_are_those_of_a_replay_per_day(ledger, calendar, monkeypatch, make):
    one_replay = _figures(make(ledger, calendar))
    monkeypatch.setattr(
        CaseStandings, "case_as_of", lambda self, record, day: record.case_as_of(day)
    )
    assert _figures(make(ledger, WorkCalendar())) == one_replay
