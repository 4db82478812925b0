"""A patrol recorded by mistake is withdrawn with its reason: kept as recorded, no longer counted.

Patrols were append-only with no way to correct one: a patrol recorded under the wrong office
or day, or twice under two numbers, counted in the weekly check and the monthly ranking for
good (the review of 2026-11-29)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from qgis.core import QgsProcessingException

from tests.test_patrol_algorithms import run, two_offices_ledger, week_of_3_march
from zc_enforcement_plugin.core import ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import ORIGIN_PATROL
from zc_enforcement_plugin.core.ledger_gpkg import create_ledger_file
from zc_enforcement_plugin.core.ledger_migrate import compare_ledgers, copy_ledger
from zc_enforcement_plugin.core.patrols import PatrolRecord


@pytest.fixture
def ledger_path(tmp_path):
    """Two offices; 城南所 patrolled Mon, Wed, Fri of the week of 2025-03-03, 龙泉所 three
    times too, but its Friday patrol is 城南所's recorded under 龙泉所 by mistake."""
    path = two_offices_ledger(tmp_path / "ledger.gpkg")
    with ledger.GeoPackageLedger(path) as store:
        for office, days in (("城南所", (3, 5, 7)), ("龙泉所", (3, 5, 7))):
            for day in days:
                store.add_patrol(
                    PatrolRecord(
                        f"XC-{office}-{day}", office, dt.date(2025, 3, day), ["张工"], findings="无"
                    )
                )
    return path


def withdraw(path, number, reason="误登记为龙泉所，实为城南所巡查"):
    return run("withdrawpatrol", {"LEDGER": str(path), "PATROL_ID": number, "REASON": reason})


def test_a_withdrawn_patrol_is_kept_and_no_longer_counted(provider, ledger_path):
    assert week_of_3_march(ledger_path)[0]["SHORTFALLS"] == 0
    assert withdraw(ledger_path, "XC-龙泉所-7")["PATROL_ID"] == "XC-龙泉所-7"
    result, rows = week_of_3_march(ledger_path)
    assert result["SHORTFALLS"] == 1
    assert rows == [["龙泉所", "2025-W10", "2025-03-03", 2, 3, 1, 0, 0]]
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert [p.id for p in store.patrols(office="龙泉所")] == ["XC-龙泉所-3", "XC-龙泉所-5"]
        kept = store.patrols(office="龙泉所", include_withdrawn=True)
        assert [p.id for p in kept] == ["XC-龙泉所-3", "XC-龙泉所-5", "XC-龙泉所-7"]
        (withdrawal,) = store.patrol_withdrawals()
        assert withdrawal.patrol_id == "XC-龙泉所-7"
        assert withdrawal.reason == "误登记为龙泉所，实为城南所巡查"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", withdrawal.recorded_at)
    # Append-only: no tool takes the withdrawal back or rewrites it.
    conn = sqlite3.connect(str(ledger_path))
    for statement in (
        f"DELETE FROM {ls.T_PATROL_WITHDRAWALS}",
        f"UPDATE {ls.T_PATROL_WITHDRAWALS} SET {ls.C_REASON} = 'x'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.close()


@pytest.mark.parametrize(
    ("number", "reason", "said"),
    [
        # Processing's own refusal of an empty text named the parameter in English alone
        ("XC-龙泉所-7", "", "Say why the patrol is withdrawn: nothing was withdrawn"),
        ("XC-龙泉所-7", "\u3000", "Say why the patrol is withdrawn: nothing was withdrawn"),
        ("", "误登记", "Give the number of the patrol to withdraw: nothing was withdrawn"),
        ("XC-龙泉所-9", "误登记", "no patrol XC-龙泉所-9 in the ledger: nothing was withdrawn"),
    ],
)
def test_a_withdrawal_without_reason_or_patrol_is_refused(
    provider, ledger_path, number, reason, said
):
    with pytest.raises(QgsProcessingException, match=said):
        withdraw(ledger_path, number, reason)
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert store.patrol_withdrawals() == []
        assert len(store.patrols()) == 6


def test_a_patrol_withdrawn_already_is_said_with_its_reason(provider, ledger_path):
    withdraw(ledger_path, "XC-龙泉所-7", "重复登记")
    with pytest.raises(QgsProcessingException) as refused:
        withdraw(ledger_path, "XC-龙泉所-7", "又一次")
    said = str(refused.value)
    assert "withdrawn already" in said and "重复登记" in said and "Beijing time" in said, said
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert [w.reason for w in store.patrol_withdrawals()] == ["重复登记"]


def test_a_patrol_a_case_rests_on_is_not_withdrawn_nor_a_case_opened_from_a_withdrawn_one(
    provider, ledger_path
):
    with ledger.GeoPackageLedger(ledger_path) as store:
        case_id = store.open_case(ORIGIN_PATROL, patrol_id="XC-城南所-3")
    with pytest.raises(QgsProcessingException, match=f"opened case {case_id}"):
        withdraw(ledger_path, "XC-城南所-3")
    withdraw(ledger_path, "XC-城南所-5")
    with ledger.GeoPackageLedger(ledger_path) as store:
        with pytest.raises(ledger.LedgerError, match="XC-城南所-5 was withdrawn"):
            store.open_case(ORIGIN_PATROL, patrol_id="XC-城南所-5")
        assert len(store.cases()) == 1
    # Whatever writes: the ledger's own triggers, and its check of the reason (blank as the
    # plugin finds it: an ideographic space too); sqlite3 leaves foreign keys unchecked, the
    # trigger holds a withdrawal to a patrol the ledger has.
    conn = sqlite3.connect(str(ledger_path))
    with pytest.raises(sqlite3.IntegrityError, match="no such patrol"):
        conn.execute(
            f"INSERT INTO {ls.T_PATROL_WITHDRAWALS} ({ls.C_PATROL_NUMBER}, {ls.C_REASON}, "
            f"{ls.C_RECORDED_AT}) VALUES ('XC-无此巡查', 'x', '2025-03-10T00:00:00.000Z')"
        )
    for blank in ("", " ", "\u3000", "\u00a0\t"):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                f"INSERT INTO {ls.T_PATROL_WITHDRAWALS} ({ls.C_PATROL_NUMBER}, {ls.C_REASON}, "
                f"{ls.C_RECORDED_AT}) VALUES ('XC-龙泉所-3', ?, '2025-03-10T00:00:00.000Z')",
                (blank,),
            )
    with pytest.raises(sqlite3.IntegrityError, match="cannot be withdrawn"):
        conn.execute(
            f"INSERT INTO {ls.T_PATROL_WITHDRAWALS} ({ls.C_PATROL_NUMBER}, {ls.C_REASON}, "
            f"{ls.C_RECORDED_AT}) VALUES ('XC-城南所-3', 'x', '2025-03-10T00:00:00.000Z')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="no case is opened from it"):
        conn.execute(
            f"INSERT INTO {ls.T_CASES} ({ls.C_ORIGIN}, {ls.C_PATROL_ID}, {ls.C_RECORDED_AT}) "
            "VALUES ('patrol', 'XC-城南所-5', '2025-03-10T00:00:00.000Z')"
        )
    conn.close()


def test_the_corrected_patrol_is_recorded_anew_beside_the_withdrawn_one(provider, ledger_path):
    """The same day's patrol recorded again, corrected, gets a number of its own: the
    withdrawn one keeps its number, and is no duplicate to refuse the new one by."""
    recorded = {
        "LEDGER": str(ledger_path),
        "OFFICE": "城南所",
        "DATE": "2025-03-04",
        "STAFF": "张工",
        "FINDINGS": "无",
    }
    first = run("recordpatrol", recorded)["PATROL_ID"]
    withdraw(ledger_path, first, "人员记错")
    second = run("recordpatrol", recorded)["PATROL_ID"]
    assert second != first
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert [
            p.id for p in store.patrols(start=dt.date(2025, 3, 4), end=dt.date(2025, 3, 4))
        ] == [second]


def test_a_copy_of_the_ledger_keeps_its_withdrawals(provider, ledger_path, tmp_path):
    withdraw(ledger_path, "XC-龙泉所-7")
    copy = tmp_path / "copy.gpkg"
    with ledger.GeoPackageLedger(ledger_path) as source, ledger.GeoPackageLedger(copy) as target:
        report = copy_ledger(source, target)
        assert report.rows[ls.T_PATROL_WITHDRAWALS] == 1
        assert compare_ledgers(source, target) == []
        assert [p.id for p in target.patrols(office="龙泉所")] == ["XC-龙泉所-3", "XC-龙泉所-5"]


def test_a_ledger_of_schema_8_gains_the_withdrawals_on_opening(tmp_path):
    path = tmp_path / "v8.gpkg"
    create_ledger_file(path, schema_version=8)
    with ledger.GeoPackageLedger(path) as store:
        assert store.migrated_from == 8 and store.schema_version == 9
        assert store.patrol_withdrawals() == []


def test_the_reports_and_the_offices_leave_a_withdrawn_patrol_out(ledger_path):
    """The ranking and the assessment read the ledger through read_ledger: a withdrawn patrol
    is in none of their figures, nor among the patrols a case may be opened from; a report
    run again after the withdrawal no longer counts it, as a corrected step counts as
    corrected."""
    from zc_enforcement_plugin.core.report_basis import read_ledger
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    with ledger.GeoPackageLedger(ledger_path) as store:
        store.add_patrol(PatrolRecord("XC-误记所-3", "误记所", dt.date(2025, 3, 3), ["张工"]))
        assert "误记所" in store.known_offices()
        store.withdraw_patrol("XC-误记所-3", "并无此所")
        store.withdraw_patrol("XC-龙泉所-7", "误登记")
        context = read_ledger(store, dt.date(2025, 3, 31), WorkCalendar())
        assert "XC-龙泉所-7" not in {p.id for p in context.patrols}
        assert len(context.patrols) == 5 and "误记所" not in context.offices
        assert "误记所" not in store.known_offices()


def test_the_log_says_which_patrol_the_number_named(provider, ledger_path):
    """The number is typed, and a withdrawal is for good: the log says whose patrol of which
    day it was, for the user to see it was the one meant."""
    import processing

    from tests.test_import_spots import Log

    said = Log()
    parameters = {"LEDGER": str(ledger_path), "PATROL_ID": "XC-龙泉所-5", "REASON": "误登记"}
    processing.run("zcenforcement:withdrawpatrol", parameters, feedback=said)
    text = "\n".join(said.info)
    assert "XC-龙泉所-5" in text and "龙泉所" in text and "2025-03-05" in text and "张工" in text


def test_a_patrol_recorded_twice_without_a_route_is_kept_and_said(provider, ledger_path):
    """Entered twice (the staff in another order), without a route to tell it from a second
    patrol of the day: kept, as a morning's and an afternoon's are, but said, with the way to
    withdraw the repeat (the month-end review of 2026-11-30)."""
    import processing

    from tests.test_import_spots import Log

    said = Log()
    parameters = {
        "LEDGER": str(ledger_path),
        "OFFICE": "城南所",
        "DATE": "2025-03-04",
        "STAFF": "张工;王工",
        "FINDINGS": "无",
    }
    first = processing.run("zcenforcement:recordpatrol", parameters)["PATROL_ID"]
    again = {**parameters, "STAFF": "王工、张工"}
    second = processing.run("zcenforcement:recordpatrol", again, feedback=said)["PATROL_ID"]
    (warning,) = said.warnings
    assert second in warning and first in warning and "adds no patrol day" in warning
    other = {**parameters, "FINDINGS": "发现新建房屋"}
    quiet = Log()
    processing.run("zcenforcement:recordpatrol", other, feedback=quiet)
    assert quiet.warnings == []


def test_the_ranking_names_the_patrols_withdrawn_in_its_weeks(ledger_path):
    """The month-end review: a ranking whose figures moved after a withdrawal said nothing of
    it. Its notes name the patrols withdrawn in its weeks (with office and day), and only
    those: one of another month is not named."""
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.workdays import WorkCalendar

    with ledger.GeoPackageLedger(ledger_path) as store:
        store.add_patrol(PatrolRecord("XC-四月", "龙泉所", dt.date(2025, 4, 8), ["张工"]))
        before = reports.monthly_ranking(
            store, reports.Period.month(2025, 3), WorkCalendar(), as_of=dt.date(2025, 4, 30)
        )
        store.withdraw_patrol("XC-龙泉所-7", "误登记")
        store.withdraw_patrol("XC-四月", "误登记")
        after = reports.monthly_ranking(
            store, reports.Period.month(2025, 3), WorkCalendar(), as_of=dt.date(2025, 4, 30)
        )
    said = [str(w) for w in after.warnings]
    (note,) = [w for w in said if "withdrawn" in w]
    assert "XC-龙泉所-7（龙泉所 2025-03-07）" in note and "XC-四月" not in note, note
    assert "已撤销的巡查 1 条不计入" in note
    assert not [w for w in map(str, before.warnings) if "withdrawn" in w]
