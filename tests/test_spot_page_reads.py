"""What the verification dock reads when it shows a spot, on the shared PostGIS ledger: one
round trip to the server per spot, whatever the spot holds (verdicts, a case and its steps,
evidence), and the page the same as the GeoPackage ledger's for the same records. A bureau's
network costs 20-50 ms a round trip: the 8 to 11 the page took before were a lag at
every move. Nothing is kept between spots, so another user's verdict is shown at once."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator

import psycopg2.extensions
import pytest
from shapely.geometry import box

from scripts import postgis_server as srv
from tests.postgis_fixtures import BRIGADE, open_store
from zc_enforcement_plugin.core import domain, evidence
from zc_enforcement_plugin.core import ledger_postgis as lp
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import (
    GeoPackageLedger,
    LedgerError,
    SpotRecord,
    SqlLedger,
    Verdict,
)
from zc_enforcement_plugin.i18n import tr

X0, Y0 = 39_520_000.0, 4_070_000.0
# Two offices of the demo district (scripts/postgis_server.demo_offices): the shared ledger maps
# each spot's town to its office as the GeoPackage's spots name theirs.
OFFICES = (("罗村自然资源所", "罗村镇"), ("太河自然资源所", "太河镇"))
# Round trips to the server the dock makes to show a spot: the page, one statement.
PAGE_ROUND_TRIPS = 1
# Round trips of the dock's refresh: the holiday schedule, the list, the filters' choices (one
# statement: they downloaded every spot, then the batches) and the page.
REFRESH_ROUND_TRIPS = 4


@contextlib.contextmanager
def round_trips(store) -> Iterator[list[str]]:
    """The statements ``store`` sends its server while the block runs, each a round trip (the
    connection is in autocommit: no hidden BEGIN). Counted on the connection's cursors, so a
    statement sent past the store's own _execute is counted too; a reconnection in the block,
    whose statements would go uncounted, fails the count."""
    sent: list[str] = []

    class CountingCursor(psycopg2.extensions.cursor):
        def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own name
            sent.append(query if isinstance(query, str) else query.decode())
            return super().execute(query, vars)

        def executemany(self, query, vars_list):
            sent.append(query if isinstance(query, str) else query.decode())
            return super().executemany(query, vars_list)

    connection = store._conn
    assert connection.autocommit, "each statement a round trip only in autocommit"
    before = connection.cursor_factory
    connection.cursor_factory = CountingCursor
    try:
        yield sent
    finally:
        connection.cursor_factory = before
    assert store._conn is connection, "the store connected again: statements went uncounted"


def _photo(path, colour=(0, 0, 0)):
    from PIL import Image

    Image.new("RGB", (8, 8), colour).save(path, "JPEG")
    return path


def fill(store, tmp_path) -> list[int]:
    """Six spots of two offices, each a state the page shows otherwise: never judged; judged
    违法 with no case opened (its deadlines run from the verdict); a case opened with a step;
    judged 合法 after its case was opened (the case is left open); 伪变化 corrected, with two
    evidence files (one at a position of whole degrees); judged 违法 and re-measured. Their ids
    in order."""
    records = []
    for i in range(6):
        office, town = OFFICES[i % 2]
        attributes = {
            domain.SPOT_NUMBER: f"3703022025{i:04d}",
            domain.SPOT_AREA: 400.0 + i,
            domain.CULTIVATED_AREA: 150.5,
            domain.BASIC_FARMLAND_AREA: 20.25 if i % 2 else 0.0,
            domain.TOWN_NAME: town,
            domain.OFFICE_NAME: office,
            domain.SPOT_TYPE: "新增建设用地",
            domain.REVIEW_PRIORITY: 1 + i % 3,
            domain.SUGGESTED_VERDICT: "疑似违法",
        }
        records.append(SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 30, Y0 + 30)))
    assert store.import_batch("2025年第一季度", records).ok
    ids = [s.id for s in sorted(store.spots(), key=lambda s: s.number)]
    illegal = dict(category=ls.VERDICT_ILLEGAL, kind="未报即用", verifier="张三")
    store.record_verdict(ids[1], Verdict(**illegal, verified_on="2025-03-03"))
    store.record_verdict(
        ids[2],
        Verdict(**illegal, verified_on="2025-03-04", details={ls.DETAIL_STOP_ORDER: True}),
    )
    case = store.open_case(ORIGIN_SPOT, spot_id=ids[2], date=dt.date(2025, 3, 5))
    store.add_case_event(case, CaseEvent(case, Stage.VERIFY, dt.date(2025, 3, 6), "李四"))
    store.record_verdict(ids[3], Verdict(**illegal, verified_on="2025-03-04"))
    store.open_case(ORIGIN_SPOT, spot_id=ids[3], date=dt.date(2025, 3, 5))
    store.record_verdict(
        ids[3],
        Verdict(ls.VERDICT_LEGAL, "农转用", "王五", "2025-03-10", approval_number="鲁〔2025〕1号"),
    )
    first = store.record_verdict(ids[4], Verdict(ls.VERDICT_OTHER, "伪变化", "李四", "2025-03-03"))
    store.record_verdict(
        ids[4],
        Verdict(**illegal, verified_on="2025-03-07", corrects=first, note="复核\n改判"),
    )
    store.record_verdict(
        ids[5],
        Verdict(
            **illegal,
            verified_on="2025-03-08",
            areas={domain.CULTIVATED_AREA: 90.0, domain.BASIC_FARMLAND_AREA: 12.5},
            details={ls.DETAIL_PARTY: "某公司", ls.DETAIL_ACTUAL_USE: "厂房"},
        ),
    )
    number = store.spot(ids[4]).number
    for name, position, colour in (
        ("site.jpg", (118.0, 36.0), (0, 0, 0)),
        ("gate.jpg", (117.91, 36.61), (200, 0, 0)),
    ):
        photo = _photo(tmp_path / name, colour)
        stored = evidence.store_evidence_in(
            store.writable_evidence_dir(), number, photo, ls.EVIDENCE_PHOTO
        )
        # A position of whole degrees: JSON writes 118.0 as 118, which must read back a float.
        gps_lon, gps_lat = position
        store.add_evidence(ids[4], dataclasses.replace(stored, gps_lon=gps_lon, gps_lat=gps_lat))
    return ids


@pytest.fixture
def postgis(pg_database, schema, tmp_path):
    """The shared ledger, filled, as the brigade opens it; closed at the end."""
    store = open_store(pg_database, schema, BRIGADE, tmp_path)
    ids = fill(store, tmp_path)
    yield store, ids
    store.close()


@pytest.fixture
def geopackage(tmp_path):
    """A GeoPackage ledger holding the same records as ``postgis``'s."""
    folder = tmp_path / "gpkg"
    folder.mkdir()
    store = GeoPackageLedger(folder / "ledger.gpkg")
    ids = fill(store, folder)
    yield store, ids
    store.close()


def _by_hand(pg_database, schema, statement: str) -> None:
    """A row written by hand on the server (psql), past the store's checks."""
    conn = srv.connect(dbname=pg_database)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}", public')
        cursor.execute(statement)
    conn.close()


def test_the_page_of_a_spot_is_one_round_trip_and_what_the_reads_alone_give(
    postgis, pg_database, schema
):
    """Every spot's page in one statement, the same to the last field as the spot, verdicts,
    case, evidence and settings read one at a time (SqlLedger.spot_page): a position of whole
    degrees still a float, a case written by hand without events said, not shown as none."""
    store, ids = postgis
    store.set_setting(ls.SETTING_DEADLINE_RULES, {"report_to_brigade": 3})
    _by_hand(
        pg_database,
        schema,
        f"INSERT INTO {ls.T_CASES} (origin, spot_id, office, town, opened_at, recorded_at) "
        f"VALUES ('spot', {ids[0]}, '{OFFICES[0][0]}', '{OFFICES[0][1]}', '2025-03-02', 'now')",
    )
    for spot_id in ids:
        with round_trips(store) as sent:
            page = store.spot_page(spot_id)
        assert len(sent) <= PAGE_ROUND_TRIPS, (spot_id, sent)
        assert page == SqlLedger.spot_page(store, spot_id)
    pages = {spot_id: store.spot_page(spot_id) for spot_id in ids}
    assert [len(pages[i].history) for i in ids] == [0, 1, 1, 2, 2, 1]
    assert pages[ids[0]].case is None and "no events" in pages[ids[0]].unreadable_cases[0]
    assert [e.stage for e in pages[ids[2]].case.case.events] == [Stage.DISCOVER, Stage.VERIFY]
    assert pages[ids[3]].case_left_open() is not None
    photos = pages[ids[4]].evidence
    assert [(p.gps_lon, p.gps_lat) for p in photos] == [(118.0, 36.0), (117.91, 36.61)]
    assert all(isinstance(p.gps_lon, float) for p in photos)
    assert pages[ids[5]].deadline_rules() == store.deadline_rules()
    assert pages[ids[5]].evidence_dir == store.evidence_dir


def test_the_page_reads_back_every_real_column_as_a_float(postgis, pg_database, schema):
    """JSON writes 118.0 as 118: every double precision column of the tables the page reads
    must be one spot_page turns back into a float, or a figure would read as an int."""
    conn = srv.connect(dbname=pg_database)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = ANY(%s) AND data_type = 'double precision'",
            (schema, [ls.T_VERDICTS, ls.T_CASES, ls.T_CASE_EVENTS, ls.T_EVIDENCE, ls.T_SETTINGS]),
        )
        reals = {row[0] for row in cursor.fetchall()}
    conn.close()
    assert reals and reals <= lp._REAL_COLUMNS


def test_a_page_whose_verdict_cannot_be_read_says_which_as_the_reads_alone(
    postgis, pg_database, schema
):
    store, ids = postgis
    _by_hand(
        pg_database,
        schema,
        # The server refuses such a row: a copy restored from an old backup may still hold one.
        f"ALTER TABLE {ls.T_VERDICTS} DROP CONSTRAINT {ls.T_VERDICTS}_areas_json; "
        f"INSERT INTO {ls.T_VERDICTS} (spot_id, category, verifier, verified_on, areas, "
        f"recorded_at, kind) VALUES ({ids[0]}, '{ls.VERDICT_OTHER}', '张三', '2025-03-03', "
        "'[]', 'now', '伪变化')",
    )
    with pytest.raises(LedgerError) as alone:
        store.verdict_history(ids[0])
    with pytest.raises(LedgerError) as paged:
        store.spot_page(ids[0])
    assert str(paged.value) == str(alone.value)
    assert str(ids[0]) in str(paged.value) or store.spot(ids[0]).number in str(paged.value)


def test_a_page_of_a_spot_the_login_may_not_see_is_refused_naming_it(postgis, pg_database, schema):
    store, ids = postgis
    with pytest.raises(LedgerError, match=r"no spot with id 999999 in"):
        store.spot_page(999999)


def _choices_from_the_list(store) -> dict[str, list[str]]:
    """The filters' choices as the dock took them before: from the whole spot list and the
    batches (empty and missing values left out, the rest sorted)."""
    spots = store.spots(None)
    return {
        "batch": [b.name for b in store.batches()],
        "office": sorted({s.office for s in spots if s.office}),
        "town": sorted({s.town for s in spots if s.town}),
        "suggested": sorted({s.suggested for s in spots if s.suggested}),
    }


@pytest.mark.parametrize("which", ["geopackage", "postgis"])
def test_the_filters_choices_are_one_statement_and_what_the_spot_list_gives(
    which, request, tmp_path
):
    """The dock's filter lists, read in one statement rather than by downloading every spot:
    the same values as the list gives, on either ledger. A second batch brings a town that
    sorts before the others, an empty office, a missing suggested verdict and repeated values."""
    store, _ids = request.getfixturevalue(which)
    attributes = {
        domain.SPOT_NUMBER: "37030220259001",
        domain.SPOT_AREA: 300.0,
        domain.TOWN_NAME: "峨庄乡",
        domain.OFFICE_NAME: "",
        domain.SPOT_TYPE: "新增建设用地",
    }
    records = [
        SpotRecord(attributes, box(X0, Y0 + 500, X0 + 30, Y0 + 530)),
        SpotRecord(
            {**attributes, domain.SPOT_NUMBER: "37030220259002", domain.TOWN_NAME: "太河镇"},
            box(X0 + 100, Y0 + 500, X0 + 130, Y0 + 530),
        ),
    ]
    assert store.import_batch("2024年度", records).ok
    if which == "postgis":
        with round_trips(store) as sent:
            choices = store.filter_choices()
        assert len(sent) == 1, sent
    else:
        choices = store.filter_choices()
    assert choices == _choices_from_the_list(store)
    assert choices == {
        "batch": ["2025年第一季度", "2024年度"],  # as imported, not sorted
        "office": sorted(office for office, _ in OFFICES),
        "town": sorted(["峨庄乡", "太河镇", "罗村镇"]),
        "suggested": ["疑似违法"],
    }


def _open_in_dock(dock, store, monkeypatch) -> None:
    """Open ``store`` in the dock as the project's ledger would be (a GeoPackage by its path, the
    shared ledger by its reference, the store already connected handed over)."""
    if isinstance(store, GeoPackageLedger):
        assert dock.open_ledger(str(store.path))
        return
    from zc_enforcement_plugin import postgis_connection

    monkeypatch.setattr(postgis_connection, "open_ledger_store", lambda *_a, **_k: store)
    assert dock.open_ledger(f"postgis://test/{store.schema}")


@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    from zc_enforcement_plugin.ui.verification_dock import VerificationDock

    widget = VerificationDock(None, qgis_iface)
    widget.resize(520, 900)
    widget.show()
    yield widget
    widget.cleanup()
    widget.deleteLater()


def test_the_dock_moves_to_the_next_spot_in_one_round_trip(dock, postgis, monkeypatch):
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    moves = []
    for _ in range(len(ids) - 1):
        with round_trips(store) as sent:
            dock.go_next()
        moves.append((dock.session.current_id, len(sent), sent))
    assert {spot_id for spot_id, *_ in moves} == set(ids) - {dock.session.queue[0].id}
    assert all(count <= PAGE_ROUND_TRIPS for _, count, _ in moves), [m[:2] for m in moves]


def _shown(dock) -> list[tuple]:
    """Each spot of the list as the dock shows it: its page and its evidence rows."""
    shown = []
    for row in range(len(dock.session.queue)):
        assert dock.session.go_to_row(row)
        dock._show_current()
        rows = [dock.evidence_list.item(i) for i in range(dock.evidence_list.count())]
        shown.append(
            (
                dock.session.queue[row].number,
                dock.details.toHtml(),
                [(item.text(), item.toolTip()) for item in rows],
            )
        )
    return shown


def test_the_dock_shows_the_shared_ledgers_spots_as_the_geopackages(
    dock, postgis, geopackage, monkeypatch
):
    """The same records on either ledger: every spot's page (figures, verdicts, case and its
    deadlines, the deadlines of a spot judged 违法 with no case, a case left open) and its
    evidence rows alike, to the character."""
    _open_in_dock(dock, geopackage[0], monkeypatch)
    on_file = _shown(dock)
    _open_in_dock(dock, postgis[0], monkeypatch)
    shared = _shown(dock)
    assert [number for number, *_ in shared] == [number for number, *_ in on_file]
    for file_spot, shared_spot in zip(on_file, shared):
        assert shared_spot == file_spot
    pages = "".join(page for _, page, _ in shared)
    for said in ("李四", "王五", "某公司", "复核"):
        assert said in pages
    assert sum(len(rows) for *_, rows in shared) == 2


def test_a_refresh_shows_another_users_verdict_and_case_step(
    dock, postgis, pg_database, schema, tmp_path, monkeypatch
):
    """Nothing of a spot is kept between reads: what a colleague at an office saves on the
    spot shown is there at the next refresh, and on coming back to the spot."""
    store, ids = postgis
    _open_in_dock(dock, store, monkeypatch)
    assert dock.session.go_to(ids[0])
    dock._show_current()
    assert "赵六" not in dock.details.toPlainText()
    [role] = [r for r, (office, _) in srv.demo_offices().items() if office == OFFICES[0][0]]
    colleague = open_store(pg_database, schema, role, tmp_path)
    try:
        colleague.record_verdict(
            ids[0], Verdict(ls.VERDICT_ILLEGAL, "未报即用", "赵六", "2025-03-12")
        )
        with round_trips(store) as sent:
            dock.refresh_ledger()
        assert "赵六" in dock.details.toPlainText()
        assert dock.session.current_id == ids[0]
        refresh = len(sent)
        case = colleague.open_case(ORIGIN_SPOT, spot_id=ids[0], date=dt.date(2025, 3, 13))
        dock.go_next()
        dock.go_previous()
        assert dock.session.current_id == ids[0]
        assert tr("Case {id}").format(id=case) in dock.details.toPlainText()
    finally:
        colleague.close()
    assert refresh <= REFRESH_ROUND_TRIPS, sent


# Round trips of a rebuild of the map's photo layer: the photos with their spots' numbers and the
# evidence folder, one statement, however many photos the ledger holds.
PHOTO_LAYER_ROUND_TRIPS = 1
MANY_PHOTOS = 60


def _missing_photos(pg_database, schema, spot_id: int, count: int) -> list[str]:
    """``count`` photos with a position recorded on the spot by hand, their files never stored
    (missing from the evidence folder): a ledger of many photos, quickly. Their paths."""
    paths = [f"missing/{spot_id}/p{i:04d}.jpg" for i in range(count)]
    _by_hand(
        pg_database,
        schema,
        f"INSERT INTO {ls.T_EVIDENCE} ({ls.C_SPOT_ID}, {ls.C_EVIDENCE_KIND}, {ls.C_PATH}, "
        f"{ls.C_SHA256}, {ls.C_SIZE}, {ls.C_GPS_LON}, {ls.C_GPS_LAT}, {ls.C_RECORDED_AT}) "
        f"SELECT {spot_id}, '{ls.EVIDENCE_PHOTO}', 'missing/{spot_id}/p' || lpad(i::text, 4, '0')"
        f" || '.jpg', repeat('0', 64), 100, 117.9 + i * 0.0001, 36.6, 'now' "
        f"FROM generate_series(0, {count - 1}) i",
    )
    return paths


@pytest.fixture
def as_the_dock_opens_it(postgis, pg_database, schema, tmp_path):
    """The filled shared ledger opened as the dock opens it: its evidence folder the one stored
    on the server (ledgersettings), not one given when opening."""
    store, ids = postgis
    store.set_evidence_dir(store.evidence_dir)
    shared = lp.PostGISLedger(srv.params(BRIGADE, pg_database), schema=schema)
    yield shared, ids
    shared.close()


def test_the_photo_layer_is_one_round_trip_whatever_the_photos(
    as_the_dock_opens_it, pg_database, schema, qgis_new_project
):
    """A rebuild of the photo layer (opening the ledger, an attach, the evidence check, a
    photo's file found missing) reads the photos, their spots' numbers and the evidence folder
    in one statement: it read the whole spot list, then the folder once per photo (2,023 round
    trips, 154 s on a bureau's VPN, for a ledger of 1,000 photos). What the layer shows is as
    before: each photo at its position with its spot's number, marked where its file was found
    missing."""
    from qgis.core import QgsProject

    from zc_enforcement_plugin.ui.evidence_layer import evidence_points_layer, photo_marks

    store, ids = as_the_dock_opens_it
    paths = _missing_photos(pg_database, schema, ids[1], MANY_PHOTOS)
    states = evidence.EvidenceFileStates()
    looked_at = store.evidence(ids[1])[0]
    assert states.quick_state(store.evidence_dir, looked_at) == evidence.FILE_MISSING
    with round_trips(store) as sent:
        layer = evidence_points_layer(store, QgsProject.instance(), None, states)
    assert len(sent) <= PHOTO_LAYER_ROUND_TRIPS, (len(sent), sent[:5])
    numbers = {str(f["path"]): f[domain.SPOT_NUMBER] for f in layer.getFeatures()}
    assert len(numbers) == MANY_PHOTOS + 2  # the two photos fill() recorded too
    assert {numbers[path] for path in paths} == {store.spot(ids[1]).number}
    marks = photo_marks(layer)
    assert marks[looked_at.path] == evidence.FILE_MISSING
    assert [path for path, mark in marks.items() if mark] == [looked_at.path]  # none looked at


def test_the_next_spot_with_a_missing_photo_is_one_round_trip(
    dock, as_the_dock_opens_it, pg_database, schema, monkeypatch
):
    """A move onto a spot whose photos' files are missing marks their points on the map: the
    page's one statement, the points changed on the layer, not a rebuild reading the ledger
    again (1,006 round trips, 75 s with the dock frozen, on a ledger of 1,000 photos)."""
    from zc_enforcement_plugin.ui.evidence_layer import photo_marks

    store, _ids = as_the_dock_opens_it
    _open_in_dock(dock, store, monkeypatch)
    target = dock.session.queue[1].id
    paths = _missing_photos(pg_database, schema, target, MANY_PHOTOS)
    dock._refresh_photos()  # as on opening the ledger, with the photos
    assert dock.session.go_to_row(0)
    dock._show_current()
    assert not any(photo_marks(dock.photos).values())
    with round_trips(store) as sent:
        dock.go_next()
    assert dock.session.current_id == target
    assert len(sent) <= PAGE_ROUND_TRIPS, (len(sent), sent[:5])
    marks = photo_marks(dock.photos)
    assert {marks[path] for path in paths} == {evidence.FILE_MISSING}
    assert len(marks) == MANY_PHOTOS + 2
