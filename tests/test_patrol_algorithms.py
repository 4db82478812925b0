"""Recording patrols and checking the 3-days-a-week rule through Processing."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re

import fiona
import pytest
import shapely
import shapely.geometry
from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

from tests.holiday_notices import complete_year
from zc_enforcement_plugin.core import clock, ledger
from zc_enforcement_plugin.core.patrols import PatrolRecord

X0, Y0 = 39_580_000.0, 4_050_000.0


@pytest.fixture
def ledger_path(tmp_path):
    return two_offices_ledger(tmp_path / "ledger.gpkg")


def two_offices_ledger(path):
    """A ledger of one spot of 城南所 (S0) and one of 龙泉所 (S1), no patrol yet."""
    with ledger.GeoPackageLedger(path) as store:
        spots = [
            ledger.SpotRecord({"JCBH": f"S{i}", "SMC": office}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))
            for i, office in enumerate(("城南所", "龙泉所"))
        ]
        store.import_batch("b", spots)
    return path


def week_of_3_march(ledger_path) -> tuple[dict, list]:
    """patrolcompliance over the week of 2025-03-03: its result and the rows of shortfalls."""
    result = run(
        "patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": "2025-03-03",
            "END": "2025-03-09",
            "OUTPUT": "memory:",
        },
    )
    return result, [f.attributes() for f in result["OUTPUT"].getFeatures()]


def run(algorithm, parameters):
    import processing

    return processing.run(f"zcenforcement:{algorithm}", parameters)


def test_record_a_patrol_with_a_drawn_route_and_check_the_weekly_rule(provider, ledger_path):
    route = QgsVectorLayer("LineString?crs=EPSG:4527", "drawn", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(f"LINESTRING({X0} {Y0}, {X0 + 500} {Y0 + 200})"))
    route.dataProvider().addFeatures([feature])
    # 城南所 patrols Mon, Wed, Fri of the week of 2025-03-03; 龙泉所 only on Monday.
    days = {"城南所": (3, 5, 7), "龙泉所": (3,)}
    for office, dates in days.items():
        for day in dates:
            run(
                "recordpatrol",
                {
                    "LEDGER": str(ledger_path),
                    "OFFICE": office,
                    "DATE": f"2025-03-{day:02d}",
                    "STAFF": "张工、王工",  # a Chinese list, as typed
                    "ROUTE": route,
                    "FINDINGS": "无",
                    "SPOTS": "S0",
                },
            )
    with ledger.GeoPackageLedger(ledger_path) as store:
        stored = store.patrols(office="城南所")
    assert [p.date for p in stored] == [dt.date(2025, 3, d) for d in (3, 5, 7)]
    assert stored[0].staff == ("张工", "王工")
    assert shapely.from_wkt(stored[0].route_geometry().wkt).length == pytest.approx(
        (500**2 + 200**2) ** 0.5
    )

    result, rows = week_of_3_march(ledger_path)
    assert result["SHORTFALLS"] == 1
    assert rows == [["龙泉所", "2025-W10", "2025-03-03", 1, 3, 2, 0, 0]]  # no holiday


def test_gpx_route_and_bad_input(provider, ledger_path, tmp_path):
    gpx = tmp_path / "track.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        '<trk><trkseg><trkpt lat="36.60" lon="117.90"/><trkpt lat="36.61" lon="117.91"/>'
        "</trkseg></trk></gpx>"
    )
    run(
        "recordpatrol",
        {
            "LEDGER": str(ledger_path),
            "OFFICE": "城南所",
            "DATE": "2025-03-04",
            "STAFF": "张工",
            "GPX": str(gpx),
            "FINDINGS": "",
        },
    )
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.patrols()[0].route_geometry().length > 1000
    broken = tmp_path / "broken.gpx"
    broken.write_text("this is not xml")
    with pytest.raises(QgsProcessingException, match="broken.gpx"):
        run(
            "recordpatrol",
            {
                "LEDGER": str(ledger_path),
                "OFFICE": "城南所",
                "DATE": "2025-03-05",
                "STAFF": "张工",
                "GPX": str(broken),
            },
        )


@pytest.mark.parametrize(
    "kind, wkt",
    [
        ("LineStringZ", "LINESTRING Z(117.9 36.6 120, 117.91 36.605 130)"),
        ("MultiLineStringZ", "MULTILINESTRING Z((117.9 36.6 120, 117.91 36.605 130))"),
    ],
)
def test_a_gps_route_with_heights_in_lon_lat_is_recorded(provider, ledger_path, kind, wkt):
    # Found by review: such a route came back from the transform as a collection QGIS 3.22
    # could not read, and the run said "The route layer holds no line".
    from pyproj import Transformer

    route = QgsVectorLayer(f"{kind}?crs=EPSG:4326", "gps", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(wkt))
    route.dataProvider().addFeatures([feature])
    run(
        "recordpatrol",
        {
            "LEDGER": str(ledger_path),
            "OFFICE": "城南所",
            "DATE": "2025-03-04",
            "STAFF": "张工",
            "ROUTE": route,
        },
    )
    with ledger.GeoPackageLedger(ledger_path) as store:
        (patrol,) = store.patrols(office="城南所")
    x, y = Transformer.from_crs(4326, 4527, always_xy=True).transform(
        [117.9, 117.91], [36.6, 36.605]
    )
    expected = ((x[1] - x[0]) ** 2 + (y[1] - y[0]) ** 2) ** 0.5
    assert shapely.from_wkt(patrol.route_geometry().wkt).length == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("office", "spots", "named"),
    [("城南自然资源所", "S0", "城南自然资源所"), ("城南所", "S0;S9", "S9")],
)
def test_an_office_or_spot_the_ledger_does_not_know_is_refused(
    provider, ledger_path, office, spots, named
):
    """Patrols are kept for good: a mistyped office (a phantom office in the weekly check) or
    spot number is refused, named, with nothing recorded."""
    with pytest.raises(QgsProcessingException, match=named) as error:
        run(
            "recordpatrol",
            {
                "LEDGER": str(ledger_path),
                "OFFICE": office,
                "DATE": "2025-03-04",
                "STAFF": "张工",
                "SPOTS": spots,
            },
        )
    if named == office:
        assert "城南所" in str(error.value) and "龙泉所" in str(error.value)
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.patrols() == []


def test_staff_and_spots_typed_with_full_width_separators_are_split(provider, ledger_path):
    """A Chinese input method types ；and ，: 张工；王工 is two people, not one."""
    run(
        "recordpatrol",
        {
            "LEDGER": str(ledger_path),
            "OFFICE": "城南所",
            "DATE": "2025-03-04",
            "STAFF": "张工；王工，李工",
            "SPOTS": "S0；S1",
        },
    )
    with ledger.GeoPackageLedger(ledger_path) as store:
        (patrol,) = store.patrols()
    assert patrol.staff == ("张工", "王工", "李工") and patrol.spot_numbers == ("S0", "S1")


def test_patrol_compliance_names_the_office_in_the_office_field(provider, ledger_path):
    """The office is SMC, as everywhere in the ledger; XZMC is a town."""
    result, _ = week_of_3_march(ledger_path)
    layer = result["OUTPUT"]
    assert layer.fields().names()[0] == "SMC" and "XZMC" not in layer.fields().names()
    assert {f["SMC"] for f in layer.getFeatures()} == {"城南所", "龙泉所"}


def test_an_office_that_stopped_patrolling_is_listed_short(provider, ledger_path):
    """双杨所 has no spot and patrolled only in February: in the week of 2025-03-03 it patrolled
    on no day, and is listed short (it was left out, being in neither the spots nor the
    week's patrols)."""
    with ledger.GeoPackageLedger(ledger_path) as store:
        store.add_patrol(PatrolRecord("XC-1", "双杨所", dt.date(2025, 2, 24), ["赵工"]))
        for day in (3, 4, 5):
            for office in ("城南所", "龙泉所"):
                store.add_patrol(
                    PatrolRecord(f"XC-{office}-{day}", office, dt.date(2025, 3, day), ["张工"])
                )
    result, rows = week_of_3_march(ledger_path)
    assert result["SHORTFALLS"] == 1
    assert rows == [["双杨所", "2025-W10", "2025-03-03", 0, 3, 3, 0, 0]]


def test_patrol_compliance_judges_no_week_not_come_yet(provider, ledger_path):
    """Run over the next two weeks, every office fell short of both (XCTS 0, QK 3), and the
    week of today was judged whole (the review of 2026-11-29): days not come are no days
    missed. The range stops at today; the week of today is cut, shown, not counted."""
    import processing

    with ledger.GeoPackageLedger(ledger_path) as store:
        offices = store.known_offices()
    assert offices
    today = clock.today()
    ahead = today + dt.timedelta(days=14)
    result = processing.run(
        "zcenforcement:patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": str(today - dt.timedelta(days=today.weekday())),
            "END": str(ahead),
            "OUTPUT": "memory:",
        },
    )
    rows = [(f["ZC"], f["BF"]) for f in result["OUTPUT"].getFeatures()]
    this_week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    assert {week for week, _ in rows} == {this_week}, rows
    # Cut at today unless today is its Sunday: then whole, and judged.
    over = today.weekday() == 6
    assert all(bool(cut) is not over for _, cut in rows), rows
    assert result["SHORTFALLS"] == (len(rows) if over else 0)
    with pytest.raises(QgsProcessingException, match="after today"):
        processing.run(
            "zcenforcement:patrolcompliance",
            {
                "LEDGER": str(ledger_path),
                "START": str(ahead),
                "END": str(ahead),
                "OUTPUT": "memory:",
            },
        )


def test_ledger_settings_change_check_and_reset_the_bureaus_rules(provider, ledger_path):
    """Deadline rules and ranking weights set through Processing, not by hand in the settings
    table: a good value is stored and in force, a wrong one stops the run with nothing
    changed, and "default" goes back to the plugin's own."""
    result = run(
        "ledgersettings",
        {
            "LEDGER": str(ledger_path),
            "DEADLINE_RULES": '{"penalty_decision": {"amount": 60}}',
            "REPORT_WEIGHTS": '{"stop_rate": 40, "timeliness": 10}',
        },
    )
    # Each rule with what it rests on, as the case page tags it (an override keeps the tag).
    shown = result["IN_FORCE"]
    assert "(penalty_decision): 60 calendar days 〔statutory, to verify〕 — " in shown, shown
    # Its length in the interface's words (3 个工作日 in Chinese), as the warnings say it.
    assert "(file_case): 3 working days 〔work plan〕 — 2022 work plan" in shown, shown
    assert "stop-order rate (stop_rate): 40" in shown, shown
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.deadline_rules().rule("penalty_decision").amount == 60
    for bad, named in (
        ('{"penalty_decision": {"unit": "weeks"}}', "unit"),
        ('{"decision": 30}', "decision"),
        ("not json", "JSON"),
    ):
        with pytest.raises(QgsProcessingException, match=named):
            run(
                "ledgersettings",
                {
                    "LEDGER": str(ledger_path),
                    "DEADLINE_RULES": bad,
                    "REPORT_WEIGHTS": '{"stop_rate": 5}',
                },
            )
    # JSON broken: the parameter as the dialog shows it and where to look (it gave
    # DEADLINE_RULES and Python's words alone).
    with pytest.raises(QgsProcessingException) as broken:
        run("ledgersettings", {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"a": 1 "b": 2}'})
    said = str(broken.value)
    assert "(parameter DEADLINE_RULES)" in said and "line 1, column 9 " in said, said
    # A period the law sets (行政强制法 art. 54: 10 working days) given another length is said;
    # one marked to verify (penalty_decision) is the bureau's to set, silently.
    import processing

    from tests.test_campaign_algorithms import Recorder

    said = Recorder()
    processing.run(
        "zcenforcement:ledgersettings",
        {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"demand_to_comply": 25}'},
        feedback=said,
    )
    (warning,) = [t for t in said.texts if "set by law" in t]
    assert "demand_to_comply" in warning and "25 working days instead of 10" in warning, warning
    run(
        "ledgersettings",
        {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"demand_to_comply": null}'},
    )
    with pytest.raises(QgsProcessingException, match="speed"):  # good rules, bad weights
        run(
            "ledgersettings",
            {
                "LEDGER": str(ledger_path),
                "DEADLINE_RULES": '{"penalty_decision": {"amount": 45}}',
                "REPORT_WEIGHTS": '{"speed": 1}',
            },
        )
    with ledger.GeoPackageLedger(ledger_path) as store:  # neither was stored: both or none
        assert store.settings()["report_weights"] == {"stop_rate": 40, "timeliness": 10}
        assert store.deadline_rules().rule("penalty_decision").amount == 60
    # merged: another weight given, the one stored before stays
    run("ledgersettings", {"LEDGER": str(ledger_path), "REPORT_WEIGHTS": '{"timeliness": 20}'})
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.settings()["report_weights"] == {"stop_rate": 40, "timeliness": 20}
    # a rule's fields merged one by one; null removes one entry
    run(
        "ledgersettings",
        {
            "LEDGER": str(ledger_path),
            "DEADLINE_RULES": '{"penalty_decision": {"unit": "working_days"}}',
            "REPORT_WEIGHTS": '{"timeliness": null}',
        },
    )
    with ledger.GeoPackageLedger(ledger_path) as store:
        rule = store.deadline_rules().rule("penalty_decision")
        assert (rule.amount, rule.unit) == (60, "working_days")
        assert store.settings()["report_weights"] == {"stop_rate": 40}
    run("ledgersettings", {"LEDGER": str(ledger_path), "DEADLINE_RULES": "默认"})
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.deadline_rules().rule("penalty_decision").amount == 90


def test_ledger_settings_lists_what_is_in_force_in_chinese(provider, ledger_path):
    """In a Chinese QGIS the list names each rule and weight as the case page and the reports
    do, with its code for the JSON after it, and each basis in Chinese; the library's years
    as one line. It gave the codes, English bases (行政强制法 art. 54 …, DOMAIN §5), "0 日",
    and a line for each of 23 years."""

    from zc_enforcement_plugin.core import deadlines as dl
    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    try:
        shown = run("ledgersettings", {"LEDGER": str(ledger_path)})["IN_FORCE"]
    finally:
        QCoreApplication.removeTranslator(translator)
    lines = shown.splitlines()
    rules = [line for line in lines if "〔" in line]
    assert len(rules) == len(dl.DEFAULT_RULES.names()), shown
    assert "  逾期未整改立案（file_case）：3 个工作日〔工作方案〕——2022 年工作方案：" in shown
    assert "  网络曝光、群体信访即报局长（public_exposure_report）：当日〔工作方案〕" in shown
    assert "《行政强制法》第五十四条" in shown and "DOMAIN" not in shown, shown
    for line in rules:  # nothing English but the rule's code for the JSON
        assert not re.search("[A-Za-z]", re.sub(r"（[a-z_]+）", "", line)), line
    assert "  制止率（stop_rate）：30" in shown, shown
    (library,) = [line for line in lines if "chinesecalendar" in line]
    assert re.fullmatch(r"  2004–20\d\d 年：节假日库 chinesecalendar [\d.]+", library), library


def test_a_wrong_deadline_rule_is_said_of_the_parameter_in_chinese_too(provider, ledger_path):
    """Found by the README walk-through: a misspelt rule typed in DEADLINE_RULES was said of
    the ledger's stored table (…/led.gpkg: ledger_settings: 'penalty_decison': unknown rule), in
    English only, as if the ledger were broken. The typed value is checked first and named."""
    from zc_enforcement_plugin.i18n import in_interface_language, install_translator

    for bad, chinese, english in (
        ('{"penalty_decison": {"amount": 60}}', '规则 "penalty_decison"：没有', "no such"),
        ('{"penalty_decision": {"amount": -5}}', "须为不小于 0 的整数，现为 -5", "not -5"),
        ('{"penalty_decision": {"unit": "weeks"}}', "单位（unit）须为", 'not "weeks"'),
        ('{"penalty_decision": {"days": 5}}', '没有字段 "days"', 'no field "days"'),
    ):
        with pytest.raises(QgsProcessingException) as stop:
            run("ledgersettings", {"LEDGER": str(ledger_path), "DEADLINE_RULES": bad})
        message = str(stop.value)
        assert "DEADLINE_RULES: " in message and "ledger_settings" not in message, message
        assert chinese in message and english in message, message
        # A Chinese QGIS shows the Chinese half alone: it keeps every value the line names
        # (its half without "-5" or "weeks" had the whole pair shown).
        translator = install_translator("zh_CN")
        try:
            shown = in_interface_language(message)
        finally:
            QCoreApplication.removeTranslator(translator)
        assert chinese in shown and "deadline setting error" not in shown, shown
    # a rule removed with null is no wrong rule: it is checked without it, and stored so
    run(
        "ledgersettings",
        {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"penalty_decision": 60}'},
    )
    run(
        "ledgersettings",
        {"LEDGER": str(ledger_path), "DEADLINE_RULES": '{"penalty_decision": null}'},
    )
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.deadline_rules().rule("penalty_decision").amount == 90


def test_patrol_compliance_checks_the_last_complete_week_by_default(provider):
    """Both dates defaulted to today: a range of one day, in which no week can be judged."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "zcenforcement:patrolcompliance"
    )
    start = algorithm.parameterDefinition("START").defaultValue()
    end = algorithm.parameterDefinition("END").defaultValue()
    today = clock.today()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    assert (start.year(), start.month(), start.day()) == (monday.year, monday.month, monday.day)
    sunday = monday + dt.timedelta(days=6)
    assert (end.year(), end.month(), end.day()) == (sunday.year, sunday.month, sunday.day)
    assert sunday < today and end.dayOfWeek() == 7


def _timed_gpx(path, *times):
    points = "".join(
        f'<trkpt lat="36.6{i}" lon="117.9{i}"><time>{t}</time></trkpt>' for i, t in enumerate(times)
    )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    )
    return str(path)


def test_a_patrol_is_checked_against_its_day_and_recorded_once(provider, ledger_path, tmp_path):
    """Patrols are append-only: a date ahead is refused (it would count towards weeks to
    come); a GPX track recorded on another day is refused (a phone's old track), one read
    in Beijing time is taken (23:30 UTC on the 3rd is 07:30 on the 4th); the same patrol run
    twice is refused, naming the first; two different patrols in one second get two numbers."""
    common = {"LEDGER": str(ledger_path), "OFFICE": "城南所", "STAFF": "张工、王工"}
    ahead = (clock.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(QgsProcessingException, match="in the future"):
        run("recordpatrol", {**common, "DATE": ahead, "FINDINGS": "无"})
    old = _timed_gpx(tmp_path / "old.gpx", "2025-03-01T01:00:00Z", "2025-03-01T02:00:00Z")
    with pytest.raises(
        QgsProcessingException, match=r"2025-03-01 \(Beijing time.*not on the patrol date"
    ):
        run("recordpatrol", {**common, "DATE": "2025-03-04", "GPX": old})
    morning = _timed_gpx(tmp_path / "am.gpx", "2025-03-03T23:30:00Z", "2025-03-04T01:00:00Z")
    first = run("recordpatrol", {**common, "DATE": "2025-03-04", "GPX": morning})["PATROL_ID"]
    with pytest.raises(QgsProcessingException, match=f"already recorded, as {first}"):
        run("recordpatrol", {**common, "DATE": "2025-03-04", "GPX": morning})

    from zc_enforcement_plugin.processing import patrols as patrol_algorithms

    with ledger.GeoPackageLedger(ledger_path) as store:
        [recorded] = store.patrols()
        other = dataclasses.replace(recorded, findings="另一次巡查", route=None)
        renumbered, alike = patrol_algorithms._numbered(store, other)
        assert renumbered.id == f"{first}-2" and alike == []
        # Morning and afternoon by the same staff, no route, nothing found: both are kept.
        store.add_patrol(dataclasses.replace(other, id="XC-上午", findings="无"))
        afternoon = dataclasses.replace(other, id="XC-上午", findings="无")
        assert patrol_algorithms._numbered(store, afternoon) == (
            dataclasses.replace(afternoon, id="XC-上午-2"),
            ["XC-上午"],
        )


def test_a_track_across_midnight_is_one_patrol_of_the_day_it_began(provider, ledger_path, tmp_path):
    """22:00 to 01:00 Beijing time, 13 to 14 March: accepted for either day, and recorded for
    both it counted two patrol days (the review of 2026-11-29). Recorded for the 13th; the
    14th is refused naming the day it began."""
    common = {"LEDGER": str(ledger_path), "OFFICE": "城南所", "STAFF": "张工"}
    night = _timed_gpx(tmp_path / "night.gpx", "2025-03-13T14:00:00Z", "2025-03-13T17:00:00Z")
    with pytest.raises(QgsProcessingException, match=r"recorded for the day it began, 2025-03-13"):
        run("recordpatrol", {**common, "DATE": "2025-03-14", "GPX": night})
    run("recordpatrol", {**common, "DATE": "2025-03-13", "GPX": night})
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert [p.date for p in store.patrols()] == [dt.date(2025, 3, 13)]


def test_ledger_settings_on_a_new_ledger_say_what_comes_not_an_error(provider, tmp_path):
    """A GeoPackage ledger with no evidence yet: its evidence folder is to be made on the first
    attachment, not "cannot be reached"; and while next year has no holiday schedule, the log
    says so and names the file beside the ledger to add it to."""
    import processing
    from qgis.core import QgsProcessingFeedback

    from zc_enforcement_plugin.core import workdays

    class Said(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors, self.warnings = [], []

        def reportError(self, text, fatalError=False):  # noqa: N802, N803 - QGIS API
            self.errors.append(text)

        def pushWarning(self, text):  # noqa: N802 - QGIS API
            self.warnings.append(text)

    path = tmp_path / "ledger.gpkg"
    ledger.GeoPackageLedger(path).close()
    said = Said()
    result = processing.run("zcenforcement:ledgersettings", {"LEDGER": str(path)}, feedback=said)
    assert said.errors == []
    assert str(tmp_path / "evidence") in result["IN_FORCE"]
    assert "first evidence file" in result["IN_FORCE"]
    # The same ledger holding a photo, its folder not copied with it: an error, not a promise.
    from zc_enforcement_plugin.core import evidence
    from zc_enforcement_plugin.core import ledger_schema as ls

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    with ledger.GeoPackageLedger(path) as store:
        record = ledger.SpotRecord({"JCBH": "S1", "TBMJ": 10.0}, shapely.box(0, 0, 5, 5))
        assert store.import_batch("b", [record]).ok
        spot = store.spots()[0]
        store.add_evidence(
            spot.id, evidence.store_evidence_file(path, spot.number, photo, ls.EVIDENCE_PHOTO)
        )
    import shutil

    shutil.rmtree(tmp_path / "evidence")
    lost = Said()
    result = processing.run("zcenforcement:ledgersettings", {"LEDGER": str(path)}, feedback=lost)
    assert len(lost.errors) == 1 and "1 evidence files" in lost.errors[0]
    assert "first evidence file" not in result["IN_FORCE"]
    year = clock.today().year + 1
    coming = [w for w in said.warnings if f"No holiday schedule for {year}" in w]
    if workdays.WorkCalendar.for_ledger(path).covers(dt.date(year, 1, 1)):
        assert coming == []
    else:
        assert len(coming) == 1 and str(workdays.bureau_holiday_file(path)) in coming[0]
        assert coming[0] in result["IN_FORCE"]


def test_ledger_settings_say_which_years_lack_a_schedule_when_it_matters():
    """This year's always (its deadlines are estimates now); next year's from October, when
    the State Council's notice is due: not all year long."""
    from zc_enforcement_plugin.core.workdays import WorkCalendar
    from zc_enforcement_plugin.processing.ledger_settings import missing_schedule_warnings

    blind = WorkCalendar(local_file=None, use_library=False, strict=False)

    def years(today: dt.date) -> list[str]:
        return [re.search(r"\d{4}", w).group() for w in missing_schedule_warnings(blind, today)]

    assert years(dt.date(2027, 1, 10)) == ["2027"]
    assert years(dt.date(2027, 6, 1)) == ["2027"]
    assert years(dt.date(2027, 11, 26)) == ["2027", "2028"]
    known = WorkCalendar(local_file=None, strict=False)  # chinesecalendar: 2004 onwards
    assert missing_schedule_warnings(known, dt.date(2024, 11, 26)) == []
    assert missing_schedule_warnings(known, dt.date(2024, 6, 1)) == []


def test_a_stored_holiday_setting_keeps_years_only_so_a_corrected_file_mends_it():
    """The years of a HOLIDAY_FILE replace those stored, and comments stay in the file: a year
    stored inside a comment by an older version (refused now, naming the fix: store the file
    corrected) goes when the corrected file is stored."""
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core import workdays
    from zc_enforcement_plugin.processing.ledger_settings import _stored

    def year_of(n: int) -> dict:
        return {"holidays": complete_year(n)}

    year, earlier = year_of(2030), year_of(2029)
    stored = {"_format_example_not_a_real_schedule": {"2030": year}, "2029": earlier}
    with pytest.raises(workdays.HolidayFileError, match="inside a comment"):
        workdays.holiday_schedules(stored, "stored")
    given = {"_readme": ["a note"], "2030": year}
    merged = _stored(ls.SETTING_HOLIDAYS, stored, given)
    assert merged == {"2029": earlier, "2030": year}
    ledger.setting_text(ls.SETTING_HOLIDAYS, merged, "stored")  # accepted


def _route_layer(kind: str, *wkts: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{kind}?crs=EPSG:4527", "巡查路线", "memory")
    features = []
    for wkt in wkts:
        feature = QgsFeature()
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def _mixed_route_file(tmp_path) -> str:
    """A GeoPackage of any geometry type holding a line, then a spot's polygon: QGIS calls
    it a line layer, and the polygon is only seen feature by feature."""
    path = str(tmp_path / "巡查路线.gpkg")
    schema = {"geometry": "Unknown", "properties": {}}
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as sink:
        for geom in (
            shapely.LineString([(X0, Y0), (X0 + 9, Y0)]),
            shapely.box(X0, Y0, X0 + 9, Y0 + 9),
        ):
            sink.write({"geometry": shapely.geometry.mapping(geom), "properties": {}})
    return path


TRIANGLE = f"POLYGON(({X0} {Y0}, {X0 + 9} {Y0}, {X0} {Y0 + 9}, {X0} {Y0}))"


@pytest.mark.parametrize(
    "route, said",
    [
        # Found by the bad-input review: a polygon layer ended in a GEOS traceback (invalid
        # polygons) or "route must be a non-empty LINESTRING … got GeometryCollection".
        (lambda tmp: _route_layer("Polygon", TRIANGLE), "巡查路线 is a Polygon layer"),
        (_mixed_route_file, "fid 2 of the route 巡查路线（"),
        (
            lambda tmp: _route_layer(
                "LineString",
                f"LINESTRING({X0} {Y0}, {X0 + 9} {Y0})",
                f"LINESTRING({X0} {Y0}, {X0} {Y0})",
            ),
            "fid 2 of the route 巡查路线 is not a valid line",
        ),
    ],
)
def test_a_route_that_is_not_lines_is_refused_naming_layer_and_feature(
    provider, ledger_path, tmp_path, route, said
):
    with pytest.raises(QgsProcessingException, match=re.escape(said)):
        run(
            "recordpatrol",
            {
                "LEDGER": str(ledger_path),
                "OFFICE": "城南所",
                "DATE": "2025-03-04",
                "STAFF": "张工",
                "ROUTE": route(tmp_path),
            },
        )
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.patrols() == []


def test_route_features_without_geometry_are_skipped_and_said(provider, ledger_path, tmp_path):
    """A route file whose second feature lost its geometry: the patrol is recorded with the
    lines there are, and the feature left out is said, naming the file and the feature, as
    the other algorithms say what they skip (it was left out without a word)."""
    from qgis.core import QgsProcessingFeedback

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, warning):  # noqa: N802 - QGIS API
            self.warnings.append(warning)

    path = str(tmp_path / "巡查路线.gpkg")
    schema = {"geometry": "LineString", "properties": {}}
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as sink:
        for geom in (
            shapely.LineString([(X0, Y0), (X0 + 90, Y0)]),
            None,
            shapely.LineString([(X0 + 90, Y0), (X0 + 90, Y0 + 40)]),
        ):
            mapped = shapely.geometry.mapping(geom) if geom is not None else None
            sink.write({"geometry": mapped, "properties": {}})
    feedback = Warnings()
    import processing

    processing.run(
        "zcenforcement:recordpatrol",
        {
            "LEDGER": str(ledger_path),
            "OFFICE": "城南所",
            "DATE": "2025-03-04",
            "STAFF": "张工",
            "ROUTE": path,
        },
        feedback=feedback,
    )
    [said] = [w for w in feedback.warnings if "no geometry" in w]
    assert "巡查路线" in said and path in said and "fid 2" in said, said
    assert "fid 1" not in said and "fid 3" not in said, said
    with ledger.GeoPackageLedger(ledger_path) as store:
        [patrol] = store.patrols()
    assert shapely.from_wkt(patrol.route_geometry().wkt).length == pytest.approx(130.0)


def test_weeks_short_of_patrols_as_csv_open_in_a_chinese_excel(provider, ledger_path, tmp_path):
    """Excel reads a CSV without a byte-order mark in the system's code page, GBK on a Chinese
    Windows, which garbles UTF-8 Chinese (龙泉所 as 榫欐硥鎵€): the CSV starts with one."""
    path = tmp_path / "weeks.csv"
    run(
        "patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": "2025-03-03",
            "END": "2025-03-09",
            "OUTPUT": str(path),
        },
    )
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert "龙泉所,2025-W10" in data[len(codecs.BOM_UTF8) :].decode("utf-8")


def test_weeks_short_of_patrols_as_a_shapefile_say_their_utf8(provider, ledger_path, tmp_path):
    """A Shapefile without a .cpg is read as GBK by many readers: the offices' names garbled.
    Every output of the provider is opened through one helper that names the file's UTF-8."""
    path = tmp_path / "weeks.shp"
    run(
        "patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": "2025-03-03",
            "END": "2025-03-09",
            "OUTPUT": str(path),
        },
    )
    assert path.with_suffix(".cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    layer = QgsVectorLayer(str(path.with_suffix(".dbf")), "weeks", "ogr")  # a table: no .shp
    assert "龙泉所" in {feature[0] for feature in layer.getFeatures()}


def test_staff_typed_with_spaces_or_slashes_are_several_and_their_order_is_no_new_patrol(
    provider, ledger_path
):
    """ "张三 李四 王五" was stored as one person, and the same patrol with its staff in another
    order was taken for a second one (the review of 2026-11-29)."""
    route = QgsVectorLayer("LineString?crs=EPSG:4527", "drawn", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(f"LINESTRING({X0} {Y0}, {X0 + 300} {Y0 + 100})"))
    route.dataProvider().addFeatures([feature])
    common = {"LEDGER": str(ledger_path), "OFFICE": "城南所", "DATE": "2025-03-05", "ROUTE": route}
    first = run("recordpatrol", {**common, "STAFF": "张三 李四/王五"})["PATROL_ID"]
    with ledger.GeoPackageLedger(ledger_path) as store:
        (patrol,) = store.patrols()
    assert patrol.staff == ("张三", "李四", "王五")
    with pytest.raises(QgsProcessingException, match=f"already recorded, as {first}"):
        run("recordpatrol", {**common, "STAFF": "王五、张三；李四"})
    # A two-character name padded to three (李　四, as official papers align names) is one
    # person: it was two, 李 and 四; the same patrol, so refused as recorded.
    with pytest.raises(QgsProcessingException, match=f"already recorded, as {first}"):
        run("recordpatrol", {**common, "STAFF": "张　三 李 四/王五"})
    from zc_enforcement_plugin.processing.patrols import staff_names

    assert staff_names("李 四 王五  赵六") == ("李四", "王五", "赵六")
    # DATE left out by a script: refused, not filed under today (the dialog's default is
    # today in Beijing, and the dialog always sends the date it shows).
    without_date = {key: value for key, value in common.items() if key != "DATE"}
    with pytest.raises(QgsProcessingException, match="DATE"):
        run("recordpatrol", {**without_date, "STAFF": "赵六"})
    # Separators alone: refused as no staff, without a patrol number never recorded.
    with pytest.raises(QgsProcessingException) as refused:
        run("recordpatrol", {**common, "STAFF": " ; ;、"})
    assert "staff" in str(refused.value) and "XC-" not in str(refused.value), refused.value
    assert staff_names("张 三 李 四") == ("张三", "李四")


def test_a_gpx_track_without_times_is_recorded_and_said_unchecked(provider, ledger_path, tmp_path):
    """A track with no times was taken for any date without a word (the review of
    2026-11-29): it may be any day's; recorded, and the log says its day was not checked."""
    import processing

    from tests.test_campaign_algorithms import Recorder

    gpx = tmp_path / "untimed.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        '<trk><trkseg><trkpt lat="36.60" lon="117.90"/><trkpt lat="36.61" lon="117.91"/>'
        "</trkseg></trk></gpx>"
    )
    feedback = Recorder()
    processing.run(
        "zcenforcement:recordpatrol",
        {
            "LEDGER": str(ledger_path),
            "OFFICE": "城南所",
            "DATE": "2025-03-04",
            "STAFF": "张工",
            "GPX": str(gpx),
        },
        feedback=feedback,
    )
    assert any("untimed.gpx" in w and "no times" in w for w in feedback.texts), feedback.texts


def test_patrol_compliance_shows_the_holidays_of_each_week(provider, ledger_path):
    """The Spring Festival week was judged as any, with nothing to tell it (the review of
    2026-11-29): JJRTS gives its weekdays off. By the State Council's 2026 notice, 15-23
    February are off: in 2026-W08 (16-22 February) Monday to Friday, 5; in W09 (23 February
    to 1 March) the Monday, 1; W10 none."""
    import processing

    result = processing.run(
        "zcenforcement:patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": "2026-02-16",
            "END": "2026-03-08",
            "OUTPUT": "memory:",
        },
    )
    holidays = {f["ZC"]: f["JJRTS"] for f in result["OUTPUT"].getFeatures()}
    assert holidays == {"2026-W08": 5, "2026-W09": 1, "2026-W10": 0}, holidays


def test_patrol_compliance_runs_with_a_broken_holiday_file(provider, ledger_path):
    """The holiday file is read only for JJRTS: broken, it stopped the whole check (the review
    of the day's changes). Said, and the column left empty."""
    import processing
    from qgis.core import NULL

    (ledger_path.parent / "holidays.json").write_text("{broken", encoding="utf-8")
    result = processing.run(
        "zcenforcement:patrolcompliance",
        {
            "LEDGER": str(ledger_path),
            "START": "2025-03-03",
            "END": "2025-03-09",
            "OUTPUT": "memory:",
        },
    )
    values = [f["JJRTS"] for f in result["OUTPUT"].getFeatures()]
    assert values and all(v is None or v == NULL for v in values), values
