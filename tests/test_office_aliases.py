"""An office renamed (SMC 罗村自然资源所 becomes 罗村自然资源和规划所 in a re-delivery): its
cases and patrols keep the old name (append-only), and the ledger setting office_aliases
(old name -> current name) counts them under the new one, in the ledger's offices and every
report, in a GeoPackage and on the shared ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from qgis.core import QgsProcessingException
from shapely.geometry import box

from tests.postgis_fixtures import open_store
from zc_enforcement_plugin.core import domain, reports
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, LedgerError, SpotRecord, Verdict
from zc_enforcement_plugin.core.ledger_records import office_aliases_in
from zc_enforcement_plugin.core.patrols import PATROL_DAYS_PER_WEEK, PatrolRecord
from zc_enforcement_plugin.core.workdays import WorkCalendar

OLD, NEW, OTHER = "罗村自然资源所", "罗村自然资源和规划所", "太河自然资源所"
X0, Y0 = 39_520_000.0, 4_070_000.0
MARCH = reports.Period.parse("2026-03")
AS_OF = dt.date(2026, 4, 3)
# March 2026's whole ISO weeks: those the ranking judges patrols in.
MONDAYS = [dt.date(2026, 3, day) for day in (2, 9, 16, 23)]


def _spot(number: str, i: int, office: str, town: str) -> SpotRecord:
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.SPOT_AREA: 400.0,
        domain.CULTIVATED_AREA: 150.0,
        domain.TOWN_NAME: town,
        domain.OFFICE_NAME: office,
    }
    return SpotRecord(attributes, box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20), i)


def _renamed_in_march(store) -> str:
    """罗村's case and its first two weeks' patrols under its old name; the spots delivered
    again with the new name, and the last two weeks' patrols under it. The case's number."""
    spots = [_spot("S1", 0, OLD, "罗村镇"), _spot("S2", 1, OTHER, "太河镇")]
    store.import_batch("b", spots)
    spot_id = next(s.id for s in store.spots() if s.number == "S1")
    store.record_verdict(
        spot_id,
        Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", "2026-03-03", areas={"GDMJ": 100.0}),
    )
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
    renamed = [_spot("S1", 0, NEW, "罗村镇"), spots[1]]
    store.import_batch("b", renamed)
    for week, monday in enumerate(MONDAYS):
        office = OLD if week < 2 else NEW
        for day in range(PATROL_DAYS_PER_WEEK):
            date = monday + dt.timedelta(days=day)
            store.add_patrol(PatrolRecord(f"XC-{date:%m%d}", office, date, ["张三"]))
    return case_id


def _ranking(store) -> tuple[dict[str, reports.OfficeFigures], list[str]]:
    report = reports.monthly_ranking(store, MARCH, WorkCalendar(None, strict=False), AS_OF)
    return {figures.office: figures for figures in report.offices}, report.warnings


def _counted_under_the_new_name(store) -> None:
    assert OLD in store.known_offices()
    ranked, _ = _ranking(store)
    assert OLD in ranked  # the old name ranked, short of patrols in the weeks since
    store.set_setting(ls.SETTING_OFFICE_ALIASES, {OLD: NEW})
    # The shared ledger knows the demo district's other offices besides.
    assert {NEW, OTHER} <= store.known_offices() and OLD not in store.known_offices()
    ranked, warnings = _ranking(store)
    assert {NEW, OTHER} <= set(ranked) and OLD not in ranked
    figures = ranked[NEW]
    assert figures.cases_opened == 1 and figures.new_illegal == 1
    assert figures.weeks == len(MONDAYS) and figures.weeks_compliant == len(MONDAYS)
    assert any(OLD in w and NEW in w and ls.SETTING_OFFICE_ALIASES in w for w in warnings)


def test_a_renamed_office_counts_as_one_in_a_geopackage(tmp_path):
    with GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        case_id = _renamed_in_march(store)
        _counted_under_the_new_name(store)
        # Nothing recorded is changed: the case and patrols keep the name they were made in.
        assert store.case(case_id) and store.case_record(case_id).office == OLD
        assert {p.office for p in store.patrols()} == {OLD, NEW}


def test_a_renamed_office_counts_as_one_on_the_shared_ledger(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        _renamed_in_march(brigade)
        _counted_under_the_new_name(brigade)
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        assert brigade.settings()[ls.SETTING_OFFICE_ALIASES] == {OLD: NEW}


def test_office_aliases_are_checked_and_a_rename_of_a_rename_counts_at_the_last(tmp_path):
    with GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        for bad, said in (
            ({OLD: ""}, "empty"),
            ({OLD: OLD}, "itself"),
            ({OLD: NEW, NEW: OLD}, "circle"),
            ([OLD, NEW], "object"),
            ({OLD: 3}, "name"),
        ):
            with pytest.raises(LedgerError, match=said):
                store.set_setting(ls.SETTING_OFFICE_ALIASES, bad)
        assert ls.SETTING_OFFICE_ALIASES not in store.settings()
        store.import_batch("b", [_spot("S1", 0, "罗村所", "罗村镇")])
        store.set_setting(ls.SETTING_OFFICE_ALIASES, {"罗村所": OLD, OLD: NEW})
        assert office_aliases_in(store.settings()) == {"罗村所": NEW, OLD: NEW}
        assert store.known_offices() == {NEW}


def _run(algorithm, parameters):
    import processing

    return processing.run(f"zcenforcement:{algorithm}", parameters)


def _weeks_short(path) -> dict[str, int]:
    """patrolcompliance over March's whole weeks: how many weeks each office fell short."""
    parameters = {"LEDGER": str(path), "START": "2026-03-02", "END": "2026-03-29"}
    output = _run("patrolcompliance", {**parameters, "OUTPUT": "memory:"})["OUTPUT"]
    short: dict[str, int] = {}
    for feature in output.getFeatures():
        short[feature[domain.OFFICE_NAME]] = short.get(feature[domain.OFFICE_NAME], 0) + 1
    return short


def test_ledger_settings_store_an_office_renamed_and_patrol_compliance_counts_it(
    provider, tmp_path
):
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        _renamed_in_march(store)
    # Each name short in the two weeks it did not patrol under (太河 never patrolled).
    assert _weeks_short(path) == {OLD: 2, NEW: 2, OTHER: len(MONDAYS)}
    with pytest.raises(QgsProcessingException, match="OFFICE_ALIASES.*itself"):
        _run("ledgersettings", {"LEDGER": str(path), "OFFICE_ALIASES": f'{{"{OLD}": "{OLD}"}}'})
    result = _run(
        "ledgersettings", {"LEDGER": str(path), "OFFICE_ALIASES": f'{{"{OLD}": "{NEW}"}}'}
    )
    assert f"{OLD} → {NEW}" in result["IN_FORCE"]
    assert _weeks_short(path) == {OTHER: len(MONDAYS)}
    _run("ledgersettings", {"LEDGER": str(path), "OFFICE_ALIASES": "默认"})
    with GeoPackageLedger(path) as store:
        assert ls.SETTING_OFFICE_ALIASES not in store.settings()


def test_a_patrol_under_an_office_s_old_name_is_refused_naming_the_new(provider, tmp_path):
    """Found by review: with the alias set, a patrol under the old name was refused as "not in
    the ledger; its offices are: <new>" — false (the old name is in it, and may be the login's
    own). It is refused naming the rename and the name to record it under."""
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as store:
        _renamed_in_march(store)
        store.set_setting(ls.SETTING_OFFICE_ALIASES, {OLD: NEW})
    patrol = {"LEDGER": str(path), "DATE": "2026-03-30", "STAFF": "李四"}
    with pytest.raises(QgsProcessingException) as refused:
        _run("recordpatrol", {**patrol, "OFFICE": OLD})
    said = str(refused.value)
    assert f"Office {OLD} was renamed {NEW}" in said and f"record the patrol under {NEW}" in said
    assert "not in the ledger" not in said
    _run("recordpatrol", {**patrol, "OFFICE": NEW})  # under the new name, recorded


def test_an_office_renamed_opens_a_case_on_a_spot_of_its_old_name_once_the_alias_says_so(
    pg_database, schema, tmp_path
):
    """Found by review: the office login set up with its new name sees its town's spots still
    delivered under the old SMC, but a case takes its spot's office: open_case said only a
    bare row-security refusal. Without the alias it says the spot's office, the login's, and
    what to do; with it (server schema 12) the case opens, under the spot's office."""
    from scripts import postgis_server as srv
    from zc_enforcement_plugin.core import ledger_postgis as lp

    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        brigade.import_batch("上季度", [_spot("S9", 0, OLD, "罗村镇")])
        spot_id = brigade.spots()[0].id
        brigade.record_verdict(
            spot_id,
            Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", "2026-03-03", areas={"GDMJ": 100.0}),
        )
    login, (_, towns) = next(
        (role, office) for role, office in srv.demo_offices().items() if office[0] == OLD
    )
    admin = srv.connect(dbname=pg_database)
    try:
        lp.install(admin, offices={login: (NEW, towns)}, schema=schema)
    finally:
        admin.close()
    with (
        open_store(pg_database, schema, login, tmp_path) as office,
        pytest.raises(LedgerError) as refused,
    ):
        office.open_case(ORIGIN_SPOT, spot_id=spot_id)
    said = str(refused.value)
    assert f"spot S9 has office (SMC) {OLD}, not this login's {NEW}" in said, said
    assert "ask the brigade to store it as an alias of the current name" in said
    assert "deliver the spot again under the new name" in said
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        brigade.set_setting(ls.SETTING_OFFICE_ALIASES, {OLD: NEW})
    with open_store(pg_database, schema, login, tmp_path) as office:
        case_id = office.open_case(ORIGIN_SPOT, spot_id=spot_id)
        assert office.case_record(case_id).office == OLD
