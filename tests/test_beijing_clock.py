"""Today is the Beijing day on every computer: a laptop set to UTC or Los Angeles is still on
yesterday until 08:00 Beijing time, and nothing the plugin dates, defaults or counts may follow
it (core/clock.py). The away_from_beijing fixture (conftest) sets such a zone and Beijing time
to Tuesday 2026-03-03 07:30 (Monday 23:30 in UTC)."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import box

from tests.postgis_fixtures import open_store
from zc_enforcement_plugin.core import clock, domain, ledger, reports
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, Case, CaseEvent, CaseOrigin, Stage
from zc_enforcement_plugin.core.dates import parse_date
from zc_enforcement_plugin.core.patrols import PatrolRecord
from zc_enforcement_plugin.core.workdays import WorkCalendar

TUESDAY = dt.date(2026, 3, 3)  # the Beijing day of conftest.ZICHUAN_MORNING
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
DISCOVERED = dt.date(2026, 2, 26)  # Thursday: the case is to be filed by Monday 2026-03-02
OFFICE = "太河自然资源所"
X0, Y0 = 39_580_000.0, 4_050_000.0


def beijing(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=clock.CHINA_TIME)


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar(local_file=None)


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    """An empty ledger: a GeoPackage, or a schema of the shared one."""
    if request.param == "gpkg":
        opened = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    else:
        pg_database = request.getfixturevalue("pg_database")
        opened = open_store(pg_database, request.getfixturevalue("schema"))
    yield opened
    opened.close()


def spot_record(number: str, later_image: str, x: float, **fields) -> ledger.SpotRecord:
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.SPOT_AREA: 400.0,
        domain.TOWN_NAME: "太河镇",
        domain.OFFICE_NAME: OFFICE,
        domain.SPOT_LATER_DATE: later_image,
        **fields,
    }
    return ledger.SpotRecord(attributes, box(x, Y0, x + 20, Y0 + 20))


def add_spot(store, number: str, later_image: str = "2026-01-15") -> int:
    """A spot of its own batch (b<number>)."""
    x = X0 + 100 * len(store.spots())
    store.import_batch(f"b{number}", [spot_record(number, later_image, x)])
    return next(s.id for s in store.spots() if s.number == number)


def judge_illegal(store, spot_id: int, day: dt.date) -> None:
    store.record_verdict(spot_id, ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", day))


def file_case(deadlines) -> object:
    return next(d for d in deadlines if d.name == "file_case")


# --- 1. overdue by the Beijing day -----------------------------------------------------------


def test_a_case_due_on_monday_is_overdue_on_tuesday_morning_in_beijing(away_from_beijing, calendar):
    case = Case.from_events(
        [CaseEvent("ZC-2026-001", Stage.DISCOVER, DISCOVERED, "张三", origin=CaseOrigin.spot("S1"))]
    )
    due = file_case(case.deadlines(calendar=calendar))
    assert due.due == dt.date(2026, 3, 2)
    assert due.status == "overdue" and due.late


def test_the_ledgers_cases_and_uncased_spots_are_overdue_by_the_beijing_day(
    away_from_beijing, store, calendar
):
    from zc_enforcement_plugin.ui.review_session import ReviewSession, unopened_case_of

    cased, uncased = add_spot(store, "S1"), add_spot(store, "S2")
    judge_illegal(store, cased, DISCOVERED)
    judge_illegal(store, uncased, DISCOVERED)
    case_id = store.open_case(ORIGIN_SPOT, spot_id=cased, date=DISCOVERED)
    assert file_case(store.case(case_id).deadlines(calendar=calendar)).status == "overdue"

    session = ReviewSession()
    session.store = store
    assert [r.case.case_id for r in session.overdue_cases()] == [case_id]
    assert session.overdue_unopened_spots(store.spots()) == {uncased}
    unopened = unopened_case_of(store.spot(uncased), store.verdict_history(uncased), None)
    assert file_case(unopened.deadlines(calendar=calendar)).late


def test_reports_are_dated_and_count_overdue_by_the_beijing_day(
    away_from_beijing, calendar, tmp_path
):
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        spot = add_spot(store, "S1")
        judge_illegal(store, spot, DISCOVERED)
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot, date=DISCOVERED)
        week = reports.weekly_dispatch(store, reports.Period.week(TUESDAY), calendar)
        assert week.as_of == TUESDAY
        assert (case_id, dt.date(2026, 3, 2)) in [(i.case_id, i.due) for i in week.overdue]
        month = reports.Period.month(2026, 3)
        assert reports.monthly_ranking(store, month, calendar).as_of == TUESDAY
        year = reports.Period.year(2026)
        assert reports.assessment(store, year, calendar).as_of == TUESDAY
        assert reports.accountability_ratio(store, month, calendar).as_of == TUESDAY


# --- 2. forms and the ledger take today's date -----------------------------------------------


def test_the_ledger_takes_acts_dated_today_in_beijing_and_refuses_tomorrow(
    away_from_beijing, store
):
    spot = add_spot(store, "S1")
    with pytest.raises(ledger.LedgerError, match="in the future"):
        judge_illegal(store, spot, WEDNESDAY)
    judge_illegal(store, spot, TUESDAY)
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot, date=TUESDAY)
    with pytest.raises(Exception, match="in the future"):
        store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, WEDNESDAY, "李工"))
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, TUESDAY, "李工"))
    patrol = PatrolRecord("XC-1", OFFICE, WEDNESDAY, ("李工",), findings="挖土")
    with pytest.raises(ledger.LedgerError, match="in the future"):
        store.add_patrol(patrol)
    store.add_patrol(PatrolRecord("XC-1", OFFICE, TUESDAY, ("李工",), findings="挖土"))
    assert [e.date for e in store.case(case_id).events] == [TUESDAY, TUESDAY]
    assert [p.date for p in store.patrols()] == [TUESDAY]


def _day(edit) -> dt.date:
    return dt.date.fromisoformat(edit.date().toString("yyyy-MM-dd"))


def _latest(edit) -> dt.date:
    return dt.date.fromisoformat(edit.maximumDate().toString("yyyy-MM-dd"))


def test_the_dock_forms_date_today_in_beijing(qgis_app, away_from_beijing, tmp_path):
    from zc_enforcement_plugin.ui.case_panel import CasePanel
    from zc_enforcement_plugin.ui.verdict_panel import VerdictPanel

    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        spot = add_spot(store, "S1")
        form = VerdictPanel(store.spot(spot), ls.VERDICT_ILLEGAL, lambda verdict: None)
        assert (_day(form.verified_on), _latest(form.verified_on)) == (TUESDAY, TUESDAY)
        judge_illegal(store, spot, DISCOVERED)
        case_id = store.open_case(ORIGIN_SPOT, spot_id=spot, date=DISCOVERED)
        page = CasePanel(store, case_id, WorkCalendar(local_file=None))
        assert (_day(page.date), _latest(page.date)) == (TUESDAY, TUESDAY)
        # A correction starts at the step it corrects (the discover, here), never after today.
        assert (_day(page.corrected_date), _latest(page.corrected_date)) == (DISCOVERED, TUESDAY)


# --- 3. a patrol with this morning's GPX -----------------------------------------------------


def _gpx(path, *times: str) -> str:
    points = "".join(
        f'<trkpt lat="36.6{i}" lon="117.9{i}"><time>{t}</time></trkpt>' for i, t in enumerate(times)
    )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    )
    return str(path)


def test_this_mornings_patrol_is_recorded_today_and_numbered_in_beijing_time(
    provider, away_from_beijing, tmp_path
):
    import processing

    path = tmp_path / "ledger.gpkg"
    with ledger.GeoPackageLedger(path) as store:
        add_spot(store, "S1")
    # 06:40 to 07:20 Beijing time: 22:40 to 23:20 UTC the day before
    morning = _gpx(tmp_path / "am.gpx", "2026-03-02T22:40:00Z", "2026-03-02T23:20:00Z")
    result = processing.run(
        "zcenforcement:recordpatrol",
        {
            "LEDGER": str(path),
            "OFFICE": OFFICE,
            "STAFF": "李工",
            "DATE": "2026-03-03",
            "GPX": morning,
        },
    )
    assert result["PATROL_ID"] == f"XC-{OFFICE}-2026-03-03-073000"
    with ledger.GeoPackageLedger(path) as store:
        assert [p.date for p in store.patrols()] == [TUESDAY]


# --- 4. evidence of this morning -------------------------------------------------------------


def test_a_recording_of_this_morning_is_evidence_of_today_on_any_computer(away_from_beijing):
    from zc_enforcement_plugin.core.evidence import evidence_day

    made = ledger.EvidenceRecord(
        ls.EVIDENCE_VIDEO, "S1/v.mp4", "0" * 64, 1, file_modified="2026-03-02T23:30:00Z"
    )
    assert evidence_day(made) == TUESDAY
    camera = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO, "S1/p.jpg", "0" * 64, 1, taken_at="2026-03-02T23:50:00"
    )
    assert evidence_day(camera) == dt.date(2026, 3, 2)  # the camera's own clock, as it reads
    # A camera that wrote its offset (EXIF OffsetTimeOriginal): the day in Zichuan, not the
    # day its clock read in UTC (a review of 2026-11-29 found 11-05 for 11-06 04:00 here).
    offset = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO, "S1/q.jpg", "1" * 64, 1, taken_at="2026-03-02T20:00:00+00:00"
    )
    assert evidence_day(offset) == TUESDAY


# --- 5. the reports' and checks' default periods ---------------------------------------------


def _default(algorithm_id: str, name: str):
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    return algorithm.parameterDefinition(name).defaultValue()


def test_on_the_first_at_six_last_month_is_the_month_just_ended(provider, away_from_beijing):
    away_from_beijing.set(beijing(2026, 3, 1, 6, 0))
    assert reports.last_month().label == "2026-02"
    assert _default("zcenforcement:monthlyranking", "MONTH") == "2026-02"


def test_on_a_monday_morning_last_week_is_the_week_just_ended(provider, away_from_beijing):
    away_from_beijing.set(beijing(2026, 3, 9, 7, 30))  # Monday; Sunday 23:30 in UTC
    assert _default("zcenforcement:weeklydispatch", "WEEK") == "2026-W10"
    start = _default("zcenforcement:patrolcompliance", "START")
    end = _default("zcenforcement:patrolcompliance", "END")
    assert (start.toString("yyyy-MM-dd"), end.toString("yyyy-MM-dd")) == (
        "2026-03-02",
        "2026-03-08",
    )


def test_on_new_years_morning_the_years_are_the_new_ones(provider, away_from_beijing):
    """At 06:00 on 1 January in Zichuan (22:00 on 31 December in UTC): the assessment's
    default is the half-year just ended, 2026's second (it was 2027's first, not begun; by UTC
    it would be 2026's first); the accountability ratio's the year just ended; the mining
    audit's the year begun (the year its new spots are numbered in)."""
    away_from_beijing.set(beijing(2027, 1, 1, 6, 0))
    assert _default("zcenforcement:assessment", "YEAR") == 2026
    assert _default("zcenforcement:assessment", "HALF") == 1  # the second half
    assert _default("zcenforcement:accountabilityratio", "PERIOD") == "2026"
    assert _default("zcenforcement:auditmining", "YEAR") == 2027


def test_a_redelivery_is_noted_on_the_beijing_day(away_from_beijing, tmp_path):
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        spot = add_spot(store, "S1")
        store.import_batch(
            "bS1", [spot_record("S1", "2026-01-15", X0, **{domain.SPOT_AREA: 900.0})]
        )
        [note] = store.spot(spot).attributes[domain.SPOT_REFRESHES]
        assert note["on"] == TUESDAY.isoformat()


# --- 6. dates with a zone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-03-04T16:00:00.000Z", "2026-03-05"),  # midnight Beijing time, written in UTC
        ("2026-03-04T16:00:00+00:00", "2026-03-05"),
        ("2026-03-05T00:00:00+08:00", "2026-03-05"),
        ("2026-03-04T16:00:00", "2026-03-04"),  # no zone: the day it shows
        ("2026-03-04 16:00:00", "2026-03-04"),
        (dt.datetime(2026, 3, 4, 16, 0, tzinfo=dt.timezone.utc), "2026-03-05"),
        (dt.datetime(2026, 3, 4, 16, 0), "2026-03-04"),
    ],
)
def test_a_date_time_with_a_zone_is_read_as_its_beijing_day(away_from_beijing, value, day):
    assert parse_date(value) == dt.date.fromisoformat(day)


def test_a_verdict_before_an_image_dated_in_utc_is_refused(away_from_beijing, tmp_path):
    """The HSX of an ArcGIS or JSON export: the Beijing date 2026-03-05 as UTC midnight less
    eight hours. Nobody verified on site the day before the image."""
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        away_from_beijing.set(beijing(2026, 3, 6, 10, 0))
        spot = add_spot(store, "S1", later_image="2026-03-04T16:00:00.000Z")
        with pytest.raises(ledger.LedgerError, match="earlier than its later image date"):
            judge_illegal(store, spot, dt.date(2026, 3, 4))
        judge_illegal(store, spot, dt.date(2026, 3, 5))


def test_the_audits_read_a_zoned_date_as_its_beijing_day():
    from zc_enforcement_plugin.core.audit_base import date_column

    messages: list[str] = []
    read = date_column(
        ["2026-03-04T16:00:00Z", "2026-03-04"], 2, "审批", ["A", "B"], "PZRQ", messages
    )
    assert read == [dt.date(2026, 3, 5), dt.date(2026, 3, 4)] and messages == []


def test_a_qgis_date_time_in_utc_is_read_as_its_beijing_day(qgis_app, away_from_beijing):
    """A GeoPackage DATETIME comes from QGIS as a QDateTime in UTC: screening and the audits
    read it (layer_reader) as the moment it is, not as the wall time it shows."""
    from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

    from zc_enforcement_plugin.processing.layer_reader import _plain

    utc = QDateTime(QDate(2026, 3, 4), QTime(16, 0), Qt.TimeSpec.UTC)
    local = QDateTime(QDate(2026, 3, 4), QTime(16, 0), Qt.TimeSpec.LocalTime)
    assert parse_date(_plain(utc)) == dt.date(2026, 3, 5)
    assert parse_date(_plain(local)) == dt.date(2026, 3, 4)  # no zone: the day it shows


def test_the_record_patrol_dialog_starts_on_the_beijing_day(qgis_app, away_from_beijing):
    """登记巡查's date started on the day in this computer's zone, yesterday before 08:00 on a
    laptop set to UTC (a review in QGIS), while the dock's forms start on Beijing's."""
    from qgis.PyQt.QtCore import QDate

    from zc_enforcement_plugin.processing.provider import EnforcementProvider

    provider = EnforcementProvider()
    provider.loadAlgorithms()
    (algorithm,) = [a for a in provider.algorithms() if a.name() == "recordpatrol"]
    instance = algorithm.createInstance()
    instance.initAlgorithm()
    default = instance.parameterDefinition("DATE").defaultValue()
    assert default == QDate(2026, 3, 3), default  # ZICHUAN_MORNING, Monday the 2nd in UTC


def test_a_clock_set_wrong_is_said_on_opening_the_shared_ledger(pg_database, schema, monkeypatch):
    """A laptop whose clock was set a year wrong recorded verdicts and cases dated 2031 into
    the shared ledger without a word (every date check is this computer's). Opening the
    ledger compares its clock with the server's: minutes apart says nothing, a wrong day or
    year is said, with both times, before anything is saved."""
    real_now = clock.now()
    for drift, said in ((dt.timedelta(minutes=5), False), (dt.timedelta(days=1), True)):
        monkeypatch.setattr(clock, "now", lambda drift=drift: real_now + drift)
        store = open_store(pg_database, schema)
        try:
            notices = list(store.opening_notices)
        finally:
            store.close()
        assert bool(notices) is said, notices
    wrong = dt.datetime(2031, 3, 5, 10, 0, tzinfo=clock.CHINA_TIME)
    monkeypatch.setattr(clock, "now", lambda: wrong)
    store = open_store(pg_database, schema)
    try:
        (notice,) = store.opening_notices
    finally:
        store.close()
    assert "本机时钟（北京时间 2031-03-05 10:00）" in notice
    assert f"({real_now:%Y-%m-%d} " in notice or f"（北京时间 {real_now:%Y-%m-%d} " in notice
    assert "this computer's clock (2031-03-05 10:00 Beijing time) disagrees" in notice
