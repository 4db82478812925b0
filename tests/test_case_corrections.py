"""Correcting a case step recorded wrongly (更正), withdrawing a case opened in error (撤销),
a spot judged lawful while its case is open, and no case opened ahead of today.

The case ledger is append-only: a correction and a withdrawal are new rows, and the history
keeps every row. The check_* functions are shared with the shared ledger's tests
(test_postgis_ledger)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_ledger_cases import OFFICE, _illegal, _spot
from zc_enforcement_plugin.core import clock
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.cases import (
    DOC_WITHDRAWAL,
    ORIGIN_SPOT,
    CaseEvent,
    ProcedureError,
    Stage,
    overdue_cases,
)
from zc_enforcement_plugin.core.ledger import CaseError, GeoPackageLedger, Verdict
from zc_enforcement_plugin.core.report_basis import case_rectified
from zc_enforcement_plugin.core.workdays import default_calendar

D = dt.date


@pytest.fixture
def ledger(tmp_path):
    store = GeoPackageLedger(tmp_path / "ledger.gpkg")
    yield store
    store.close()


def _events(store) -> int:
    return len(store.table_rows(ls.T_CASE_EVENTS)[1]) if hasattr(store, "table_rows") else 0


def _event_rows(store, case_id) -> int:
    return len(store.case(case_id).records)


def _case_on_s3(store) -> str:
    """S3 judged 违法 on 2025-10-09, verified 10-10, and 立案 typed 2025-11-10 for 10-13."""
    store.import_batch("b", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2)])
    spot_id = next(s.id for s in store.spots() if s.number == "S3")
    store.record_verdict(spot_id, _illegal(verified_on="2025-10-09"))
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, D(2025, 10, 10), "李四"))
    store.add_case_event(case_id, CaseEvent(case_id, Stage.FILE, D(2025, 11, 10), "李四"))
    return case_id


def test_a_step_entered_with_the_wrong_date_is_corrected_and_both_rows_kept(ledger):
    check_a_step_entered_with_the_wrong_date_is_corrected(ledger)


def check_a_step_entered_with_the_wrong_date_is_corrected(store):
    case_id = _case_on_s3(store)
    # As the reviewer found it: the right 立案 is a repeat, the real 调查 is "before" 立案.
    with pytest.raises(ProcedureError, match="不能重复"):
        store.add_case_event(case_id, CaseEvent(case_id, Stage.FILE, D(2025, 10, 13), "李四"))
    with pytest.raises(ProcedureError, match="2025-11-10"):
        store.add_case_event(
            case_id, CaseEvent(case_id, Stage.INVESTIGATE, D(2025, 10, 20), "李四")
        )
    filed = store.case(case_id).events[-1]
    assert filed.stage is Stage.FILE and filed.event_id is not None

    rows = _event_rows(store, case_id)
    # Refused, nothing written: no reason; a date before 核查; a date ahead; no such step.
    with pytest.raises(ProcedureError, match="理由"):
        store.correct_case_event(
            case_id, filed.event_id, date=D(2025, 10, 13), person="王五", reason=" "
        )
    with pytest.raises(ProcedureError, match="早于上一步“核查”"):
        store.correct_case_event(
            case_id, filed.event_id, date=D(2025, 10, 8), person="王五", reason="录入错误"
        )
    with pytest.raises(CaseError, match="晚于今天"):
        store.correct_case_event(
            case_id,
            filed.event_id,
            date=clock.today() + dt.timedelta(days=1),
            person="王五",
            reason="录入错误",
        )
    with pytest.raises(CaseError, match="没有可更正的事件"):
        store.correct_case_event(
            case_id, filed.event_id + 999, date=D(2025, 10, 13), person="王五", reason="录入错误"
        )
    assert _event_rows(store, case_id) == rows

    store.correct_case_event(
        case_id, filed.event_id, date=D(2025, 10, 13), person="王五", reason="录入错误"
    )
    case = store.case(case_id)
    assert case.date_of(Stage.FILE) == D(2025, 10, 13)
    # Both rows kept: the step as first recorded, and its correction with the reason.
    assert len(case.records) == len(case.events) + 1 == rows + 1
    assert case.as_recorded(case.events[-1]).date == D(2025, 11, 10)
    (correction,) = case.corrections_of(case.events[-1])
    assert (correction.date, correction.note, correction.person) == (
        D(2025, 10, 13),
        "录入错误",
        "王五",
    )
    # The deadlines count from the corrected date: 立案 was within the 3 working days, and
    # the penalty decision is due 90 days after 10-13, not after 11-10.
    deadlines = {d.name: d for d in case.deadlines(today=D(2025, 10, 21))}
    assert deadlines["file_case"].done and not deadlines["file_case"].late
    assert deadlines["penalty_decision"].due == D(2026, 1, 11)
    # The real 调查 is now recorded; a correction moving 立案 after it is refused.
    store.add_case_event(case_id, CaseEvent(case_id, Stage.INVESTIGATE, D(2025, 10, 20), "李四"))
    with pytest.raises(ProcedureError, match="早于上一步“立案”"):
        store.correct_case_event(
            case_id, filed.event_id, date=D(2025, 10, 25), person="王五", reason="再次更正"
        )
    assert [e.stage for e in store.case(case_id).events][-2:] == [Stage.FILE, Stage.INVESTIGATE]
    # A later correction of the same step is in force; the earlier one stays on record.
    store.correct_case_event(
        case_id, filed.event_id, date=D(2025, 10, 14), person="王五", reason="核对卷宗"
    )
    case = store.case(case_id)
    assert case.date_of(Stage.FILE) == D(2025, 10, 14)
    assert [c.note for c in case.corrections_of(case.events[-2])] == ["录入错误", "核对卷宗"]


def test_a_correction_puts_right_a_steps_remarks_and_keeps_them_as_recorded(ledger):
    check_a_correction_puts_right_the_remarks(ledger)


# The 调查 of S3's case, its remarks with the decision number typed wrong (12 for 21).
TYPED = "送达立案告知书，文号 淄川自然资立〔2025〕12号"
RIGHT = "送达立案告知书，文号 淄川自然资立〔2025〕21号"


def check_a_correction_puts_right_the_remarks(store):
    case_id = _case_on_s3(store)
    step = store.add_case_event(
        case_id, CaseEvent(case_id, Stage.INVESTIGATE, D(2025, 11, 12), "李四", note=TYPED)
    )
    rows = _event_rows(store, case_id)
    # Still a correction: refused without its reason, nothing written.
    with pytest.raises(ProcedureError, match="理由"):
        store.correct_case_event(
            case_id, step, date=D(2025, 11, 12), person="王五", reason=" ", note=RIGHT
        )
    assert _event_rows(store, case_id) == rows
    store.correct_case_event(
        case_id, step, date=D(2025, 11, 12), person="王五", reason="文号录入错误", note=RIGHT
    )
    case = store.case(case_id)
    investigated = case.events[-1]
    # The step reads with its remarks put right; the row as recorded keeps the typed ones,
    # and the correction its reason.
    assert (investigated.note, investigated.date) == (RIGHT, D(2025, 11, 12))
    assert case.as_recorded(investigated).note == TYPED and case.remarks_corrected(investigated)
    (correction,) = case.corrections_of(investigated)
    assert (correction.corrected_note, correction.note) == (RIGHT, "文号录入错误")
    assert len(case.records) == rows + 1
    # A later correction of the date alone leaves the remarks as put right.
    store.correct_case_event(case_id, step, date=D(2025, 11, 11), person="王五", reason="核对卷宗")
    case = store.case(case_id)
    assert (case.events[-1].note, case.events[-1].date) == (RIGHT, D(2025, 11, 11))
    assert case.as_recorded(case.events[-1]).note == TYPED
    assert not case.remarks_corrected(case.events[-2])  # 立案: nothing put right


def test_only_a_correction_carries_corrected_remarks():
    with pytest.raises(ValueError, match="只有更正记录才能更正备注"):
        CaseEvent("1", Stage.FILE, D(2025, 10, 13), "王五", corrected_note=RIGHT)


def test_a_case_opened_on_the_wrong_spot_is_withdrawn_not_faked(ledger):
    check_a_case_opened_in_error_is_withdrawn(ledger)


def check_a_case_opened_in_error_is_withdrawn(store):
    case_id = _case_on_s3(store)
    s2 = next(s.id for s in store.spots() if s.number == "S2")
    store.record_verdict(s2, _illegal(verified_on="2025-10-09"))
    wrong = store.open_case(ORIGIN_SPOT, spot_id=s2)
    rows = _event_rows(store, wrong)
    # A plain close from 发现 is still refused (it would count as rectified)...
    with pytest.raises(ProcedureError, match="须先核查"):
        store.add_case_event(wrong, CaseEvent(wrong, Stage.CLOSE, D(2025, 10, 11), "李四"))
    # ...and a withdrawal needs its reason.
    withdrawal = CaseEvent(wrong, Stage.CLOSE, D(2025, 10, 11), "李四", documents=[DOC_WITHDRAWAL])
    with pytest.raises(ProcedureError, match="理由"):
        store.add_case_event(wrong, withdrawal)
    assert _event_rows(store, wrong) == rows
    from dataclasses import replace

    store.add_case_event(wrong, replace(withdrawal, note="图斑位置错误，应为 S3"))
    case = store.case(wrong)
    assert case.closed and case.withdrawn and not case_rectified(case)
    assert [e.stage for e in case.records] == [Stage.DISCOVER, Stage.CLOSE]
    # Closed: no further step, and not overdue.
    with pytest.raises(ProcedureError, match="结案"):
        store.add_case_event(wrong, CaseEvent(wrong, Stage.VERIFY, D(2025, 10, 12), "李四"))
    assert overdue_cases([case], today=D(2026, 1, 1), calendar=default_calendar()) == []
    # A case that has got to 处罚 is not withdrawn: its decision stands until revoked.
    for stage, day in ((Stage.INVESTIGATE, 12), (Stage.NOTIFY, 13), (Stage.PENALISE, 25)):
        store.add_case_event(case_id, CaseEvent(case_id, stage, D(2025, 11, day), "李四"))
    with pytest.raises(ProcedureError, match="不能撤销"):
        store.add_case_event(
            case_id,
            CaseEvent(
                case_id, Stage.CLOSE, D(2025, 11, 26), "李四", [DOC_WITHDRAWAL], note="已合法"
            ),
        )


def test_a_withdrawal_after_verify_is_not_counted_as_rectified():
    from zc_enforcement_plugin.core.cases import Case, CaseOrigin

    events = [
        CaseEvent("1", Stage.DISCOVER, D(2025, 10, 9), "李四", origin=CaseOrigin.spot("S1")),
        CaseEvent("1", Stage.VERIFY, D(2025, 10, 10), "李四"),
    ]
    rectified = Case.from_events([*events, CaseEvent("1", Stage.CLOSE, D(2025, 10, 11), "李四")])
    withdrawn = Case.from_events(
        [
            *events,
            CaseEvent(
                "1", Stage.CLOSE, D(2025, 10, 11), "李四", [DOC_WITHDRAWAL], note="核查为合法"
            ),
        ]
    )
    assert case_rectified(rectified) and not rectified.withdrawn
    assert withdrawn.withdrawn and not case_rectified(withdrawn)
    # The withdrawal document belongs to a close only.
    with pytest.raises(ProcedureError, match="结案"):
        Case.from_events(events).apply(
            CaseEvent("1", Stage.STOP, D(2025, 10, 11), "李四", [DOC_WITHDRAWAL], note="x")
        )


def test_a_spot_judged_lawful_after_its_case_opened_names_the_case_left_open(ledger):
    check_a_spot_judged_lawful_names_the_case_left_open(ledger)


def check_a_spot_judged_lawful_names_the_case_left_open(store):
    case_id = _case_on_s3(store)
    s3 = next(s.id for s in store.spots() if s.number == "S3")
    assert store.case_left_open(s3) is None  # 违法 and open: as it should be
    lawful = Verdict(
        category=ls.VERDICT_LEGAL,
        kind=ls.VERDICT_KINDS[ls.VERDICT_LEGAL][0],
        verifier="张三",
        verified_on="2025-11-20",
        approval_number="鲁政土字〔2025〕12号",
    )
    store.record_verdict(s3, lawful)  # the field team's fact is recorded
    record, verdict = store.case_left_open(s3)
    assert record.case_id == case_id and verdict.category == ls.VERDICT_LEGAL
    # Until withdrawn it still runs, overdue included: the office has to act on it.
    case = store.case(case_id)
    assert overdue_cases([case], today=D(2026, 6, 1), calendar=default_calendar()) == [case]
    store.add_case_event(
        case_id,
        CaseEvent(
            case_id, Stage.CLOSE, D(2025, 11, 21), "李四", [DOC_WITHDRAWAL], note="判定为合法"
        ),
    )
    assert store.case_left_open(s3) is None
    assert store.case(case_id).withdrawn


def test_a_case_cannot_be_opened_ahead_of_today(ledger):
    check_a_case_cannot_be_opened_ahead_of_today(ledger)


def check_a_case_cannot_be_opened_ahead_of_today(store):
    store.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    s2 = next(s.id for s in store.spots() if s.number == "S2")
    store.record_verdict(s2, _illegal(verified_on="2025-10-09"))
    ahead = clock.today() + dt.timedelta(days=1)
    with pytest.raises(CaseError, match="晚于今天"):
        store.open_case(ORIGIN_SPOT, spot_id=s2, date=ahead)
    assert store.cases() == []  # the case row was rolled back with the refused event
    case_id = store.open_case(ORIGIN_SPOT, spot_id=s2, date=clock.today())
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, clock.today(), "李四"))
    assert store.case(case_id).stage is Stage.VERIFY
    assert store.cases()[0].office == OFFICE
