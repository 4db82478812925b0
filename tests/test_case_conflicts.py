"""Two people acting on one case at once, in either ledger (two connections): the step or the
correction saved on a view of the case another has since added to is refused and said, not
written beside the other's unseen (ledger add_case_event, correct_case_event with `seen`)."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from tests.postgis_fixtures import BRIGADE, open_store
from tests.test_ledger_cases import _illegal, _spot
from tests.test_postgis_ledger import LUOCUN, LUOCUN_ROLE, TAIHE_ROLE, fill, raw
from zc_enforcement_plugin.core.bidi import isolated
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.ledger import CaseConflictError, GeoPackageLedger

STOP_ORDER = "责令停止违法行为通知书"


def _two_people_on_one_case(
    first, second, case_id: str, first_who: tuple[str, str], day: dt.date
) -> None:
    """`first` and `second` are two connections to one ledger holding case `case_id`, whose
    last step is dated before `day`; `first_who` is how the refusal names the first (zh, en)."""
    seen = second.case(case_id).last_record_id
    assert first.case(case_id).last_record_id == seen is not None
    stop = CaseEvent(case_id, Stage.STOP, day, "王五", (STOP_ORDER,))
    stopped = first.add_case_event(case_id, stop, seen=seen)
    # The same stop order, by the second, on the case as it saw it: refused, named.
    same = CaseEvent(case_id, Stage.STOP, day, "赵六", (STOP_ORDER,))
    with pytest.raises(CaseConflictError) as refused:
        second.add_case_event(case_id, same, seen=seen)
    said = str(refused.value)
    by_zh, by_en = first_who
    wang = isolated("王五")  # typed by people: set apart from the sentence around it
    assert f"案件 {case_id} 在您打开后已由{by_zh} 记录了新的步骤（“制止” {day}，{wang}" in said
    assert f"case {case_id} was changed by {by_en} since you opened it (stop {day}, {wang}" in said
    assert "yours (stop " in said and "请核对后再保存" in said
    case = second.case(case_id)
    assert [e.documents for e in case.events].count((STOP_ORDER,)) == 1
    assert case.last_record_id == stopped
    # Both correct the stop's date, each on the case as it now stands: the later is refused.
    seen = case.last_record_id
    right = first.correct_case_event(
        case_id,
        stopped,
        date=day - dt.timedelta(days=1),
        person="王五",
        reason="录入错误",
        seen=seen,
    )
    with pytest.raises(CaseConflictError, match="a correction of stop to") as refused:
        second.correct_case_event(
            case_id, stopped, date=day, person="赵六", reason="日期有误", seen=seen
        )
    assert f"更正“制止”的日期为 {day - dt.timedelta(days=1)}" in str(refused.value)
    case = second.case(case_id)
    assert case.last_record_id == right
    assert next(e for e in case.events if e.event_id == stopped).date == day - dt.timedelta(days=1)
    # Seen the case again, the second may record its own (another party's stop order) and
    # correct; a caller passing nothing (scripts, imports) is not checked, as before.
    again = second.add_case_event(case_id, same, seen=case.last_record_id)
    assert second.case(case_id).last_record_id == again
    second.add_case_event(case_id, CaseEvent(case_id, Stage.STOP, day, "孙八", (STOP_ORDER,)))
    assert len(first.case(case_id).events) == len(case.events) + 2


def _two_connections_to_one_case(tmp_path) -> tuple[GeoPackageLedger, GeoPackageLedger, str]:
    """Two connections to one GeoPackage ledger holding a case verified on 2024-03-06, and the
    case's id."""
    path = tmp_path / "ledger.gpkg"
    first = GeoPackageLedger(path)
    first.import_batch("b", [_spot("S1")])
    spot_id = first.spots()[0].id
    first.record_verdict(spot_id, _illegal())
    case_id = first.open_case(ORIGIN_SPOT, spot_id=spot_id)
    first.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, dt.date(2024, 3, 6), "张三"))
    return first, GeoPackageLedger(path), case_id


def test_two_people_on_one_case_in_a_geopackage(tmp_path):
    first, second, case_id = _two_connections_to_one_case(tmp_path)
    try:
        # A GeoPackage has no logins: the person who recorded it is named.
        wang = isolated("王五")
        _two_people_on_one_case(first, second, case_id, (wang, wang), dt.date(2024, 3, 8))
    finally:
        first.close()
        second.close()


def test_two_people_on_one_case_on_the_shared_ledger(pg_database, schema, tmp_path):
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        case_id = next(r.case_id for r in brigade.cases() if r.office == LUOCUN and r.spot_id)
        with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
            _two_people_on_one_case(
                luocun,
                brigade,
                case_id,
                (f"登录 {isolated(LUOCUN_ROLE)}", f"login {isolated(LUOCUN_ROLE)}"),
                dt.date(2026, 3, 10),
            )


def test_a_direction_override_in_a_colleagues_name_stays_inside_it(tmp_path):
    """The refusal quotes what another person typed: a right-to-left override (U+202E) in their
    name is set apart (FSI … PDI), so it cannot turn round the date, the step and the rest of
    the sentence after it wherever the refusal is shown."""
    first, second, case_id = _two_connections_to_one_case(tmp_path)
    try:
        seen = second.case(case_id).last_record_id
        name = "\u202e王五"
        day = dt.date(2024, 3, 8)
        stop = CaseEvent(case_id, Stage.STOP, day, name, (STOP_ORDER,))
        first.add_case_event(case_id, stop, seen=seen)
        with pytest.raises(CaseConflictError) as refused:
            second.add_case_event(case_id, stop, seen=seen)
        said = str(refused.value)
        # As typed, who recorded it and their step, in the Chinese and in the English.
        assert said.count("\u202e") == 4
        for at in [i for i, c in enumerate(said) if c == "\u202e"]:
            assert said[at - 1] == "\u2068" and said[at + 3] == "\u2069", said[at - 5 : at + 8]
    finally:
        first.close()
        second.close()


def test_a_refused_case_step_is_kept_on_the_shared_ledger_for_the_brigade(
    pg_database, schema, tmp_path
):
    """The refused stop order and the refused correction are kept (ledger_case_conflicts,
    server schema 10), as a refused verdict is: what was entered, by which login, on the case
    as of which row, and the row it had since; the case's events are as the first person left
    them. The brigade and the case's office read them, another office does not; nobody can
    change them."""
    day = dt.date(2026, 3, 10)
    with open_store(pg_database, schema, tmp_path=tmp_path) as brigade:
        fill(brigade, tmp_path)
        case_id = next(r.case_id for r in brigade.cases() if r.office == LUOCUN and r.spot_id)
        with open_store(pg_database, schema, LUOCUN_ROLE, tmp_path) as luocun:
            seen = luocun.case(case_id).last_record_id
            stop = CaseEvent(case_id, Stage.STOP, day, "王五", (STOP_ORDER,))
            stopped = brigade.add_case_event(case_id, stop, seen=seen)
            theirs = CaseEvent(case_id, Stage.STOP, day, "赵六", (STOP_ORDER,), note="现场制止")
            with pytest.raises(CaseConflictError):
                luocun.add_case_event(case_id, theirs, seen=seen)
            right = brigade.correct_case_event(
                case_id, stopped, date=day - dt.timedelta(days=1), person="王五", reason="录入错误"
            )
            with pytest.raises(CaseConflictError):
                luocun.correct_case_event(
                    case_id, stopped, date=day, person="赵六", reason="日期有误", seen=stopped
                )
            kept = brigade.case_conflicts(int(case_id))
            assert luocun.case_conflicts() == kept
            events = [(e.person, e.date) for e in brigade.case(case_id).events]
        with open_store(pg_database, schema, TAIHE_ROLE, tmp_path) as taihe:
            assert taihe.case_conflicts() == []
    assert events[-1] == ("王五", day - dt.timedelta(days=1)) and ("赵六", day) not in events
    entered = [
        {k: row[k] for k in ("stage", "date", "person", "documents", "note", "corrects")}
        for row in kept
    ]
    assert entered == [
        dict(
            stage="stop",
            date=day,
            person="赵六",
            documents=f'["{STOP_ORDER}"]',
            note="现场制止",
            corrects=None,
        ),
        dict(
            stage="stop",
            date=day,
            person="赵六",
            documents=f'["{STOP_ORDER}"]',
            note="日期有误",
            corrects=stopped,
        ),
    ]
    assert [(r["seen_record_id"], r["last_record_id"]) for r in kept] == [
        (seen, stopped),
        (stopped, right),
    ]
    assert {r["case_id"] for r in kept} == {int(case_id)}
    assert {r["db_user"] for r in kept} == {LUOCUN_ROLE}
    for login in (LUOCUN_ROLE, BRIGADE):
        conn = raw(pg_database, schema, login)
        try:
            for statement in (
                "UPDATE ledger_case_conflicts SET person = 'x'",
                "DELETE FROM ledger_case_conflicts",
            ):
                with pytest.raises(psycopg2.Error):
                    conn.cursor().execute(statement)
        finally:
            conn.close()
