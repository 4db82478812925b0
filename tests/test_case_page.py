"""The case page (案件): what each deadline rests on, the step it offers first, and what it asks
before recording a step the party's period or the case's documents make doubtful."""

from __future__ import annotations

import datetime as dt

import pytest
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QTextCursor
from shapely.geometry import box

from tests.test_dock_hostile_text import without_isolates
from zc_enforcement_plugin.core import cases, clock, domain, ledger
from zc_enforcement_plugin.core import deadlines as dl
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.bidi import isolated
from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
from zc_enforcement_plugin.core.workdays import WorkCalendar
from zc_enforcement_plugin.i18n import install_translator
from zc_enforcement_plugin.ui.case_panel import CasePanel, deadline_html

CALENDAR = WorkCalendar(None, strict=False)


@pytest.fixture
def store(tmp_path):
    opened = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    yield opened
    opened.close()


def _case(store, found: dt.date, steps=()) -> str:
    """A spot T1 judged 违法 on ``found``, its case opened then, with ``steps`` recorded:
    (stage, date) or (stage, date, documents)."""
    x, y = 39_580_000.0, 4_050_000.0
    spot = ledger.SpotRecord({"JCBH": "T1", domain.SPOT_AREA: 9000.0}, box(x, y, x + 95, y + 95))
    store.import_batch("b", [spot])
    spot_id = store.spots()[0].id
    store.record_verdict(
        spot_id,
        ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", found.isoformat()),
    )
    case_id = store.open_case(ORIGIN_SPOT, spot_id=spot_id)
    for stage, day, *documents in steps:
        store.add_case_event(
            case_id, CaseEvent(case_id, stage, day, "李工", documents=tuple(*documents))
        )
    return case_id


def _line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label))


# --- 1. what each deadline rests on ---------------------------------------------------------------
def test_each_rule_says_whether_law_or_the_work_plan_sets_it_and_overrides_keep_it():
    """法定 or 工作方案 is a field of the rule (not read from its basis), and so is the mark
    to verify; a ledger's override changes the period, not what it rests on."""
    rules = dl.DEFAULT_RULES
    work_plan = {n for n in rules.names() if rules.rule(n).kind == dl.WORK_PLAN}
    assert work_plan == {
        "public_exposure_report",
        "report_to_brigade",
        "file_case",
        "serious_case_report",
    }
    to_verify = {n for n in rules.names() if rules.rule(n).to_verify}
    assert to_verify == {"penalty_decision", "serious_case_report"}
    changed = rules.with_overrides(
        {"penalty_decision": {"amount": 60, "basis": "省规定"}, "report_to_brigade": 1}
    )
    assert changed.rule("penalty_decision").amount == 60
    assert changed.rule("penalty_decision").kind == dl.LEGAL
    assert changed.rule("penalty_decision").to_verify
    assert changed.rule("report_to_brigade").kind == dl.WORK_PLAN
    # Neither can be set from a ledger's settings: what a period rests on is not a setting.
    with pytest.raises(dl.DeadlineConfigError, match="kind"):
        rules.with_overrides({"file_case": {"kind": dl.LEGAL}})


def _case_notified(store) -> int:
    """A case found 2026-09-01 and taken to 告知 on 09-04: the party's statement period runs."""
    day = dt.date(2026, 9, 1)
    return _case(
        store,
        day,
        [
            (Stage.VERIFY, day),
            (Stage.FILE, dt.date(2026, 9, 2)),
            (Stage.INVESTIGATE, dt.date(2026, 9, 3)),
            (Stage.NOTIFY, dt.date(2026, 9, 4)),
        ],
    )


def test_the_case_page_tags_each_deadline_and_gives_its_basis_as_a_tooltip(store):
    """09_demand of the legal officer's review: the work-plan lines and the legal ones looked
    alike and the 90-day decision carried no mark that it is to verify."""
    case_id = _case_notified(store)
    panel = CasePanel(store, case_id, CALENDAR)
    text = panel.summary.toPlainText()
    assert "〔work plan〕" in _line(text, "书面报告执法监察大队")
    assert "〔work plan〕" in _line(text, "逾期未整改立案")
    assert "〔statutory〕" in _line(text, "陈述申辩、听证申请期")
    assert "〔statutory, to verify〕" in _line(text, "处罚决定期限")
    # The basis is the tooltip of the deadline's label.
    document = panel.summary.document()
    where = document.find("处罚决定期限")
    cursor = QTextCursor(document)
    cursor.setPosition(where.selectionStart() + 1)
    assert cursor.charFormat().toolTip() == dl.DEFAULT_RULES.penalty_decision.basis
    # The limitation, for reference and without a date (no day the act ended is recorded).
    limitation = _line(text, "Limitation")
    assert "〔statutory〕" in limitation and "2 years" in limitation
    assert not any(ch.isdigit() for ch in limitation.replace("2 years", ""))


def test_the_tags_read_in_chinese_and_follow_an_overridden_rule(store):
    translator = install_translator("zh_CN")
    assert translator is not None
    try:
        store.set_setting(
            ls.SETTING_DEADLINE_RULES, {"limitation": 3, "penalty_decision": {"amount": 60}}
        )
        case_id = _case(store, dt.date(2026, 9, 1), [(Stage.VERIFY, dt.date(2026, 9, 1))])
        store.add_case_event(case_id, CaseEvent(case_id, Stage.FILE, dt.date(2026, 9, 2), "李工"))
        text = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
        assert "处罚决定期限〔法定，待核实〕：2026-11-01" in text, text
        assert "书面报告执法监察大队〔工作方案〕" in text
        assert "行政处罚时效〔法定〕：违法行为在 3 年内未被发现的" in text, text
    finally:
        QCoreApplication.removeTranslator(translator)


def test_a_deadline_line_is_tagged_by_its_rules_not_by_a_default(qgis_app):
    """The dock's one-line deadline uses the ledger's rules too."""
    period = cases.Deadline(
        "report_to_brigade", "书面报告执法监察大队", dt.date(2026, 3, 2), dt.date(2026, 3, 4),
        dl.OK, False,
    )  # fmt: skip
    line = deadline_html(period, dl.DEFAULT_RULES)
    assert "〔work plan〕" in line and "title='2022 work plan" in line


# --- 2. the party's periods: nothing premature by default, and asked before --------------------
class _Asked:
    """QMessageBox.question patched: records what was asked and answers ``answer``."""

    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def __call__(self, parent, title, text, buttons, default):
        self.calls.append((title, text, default))
        return self.answer


def _notified_today(store) -> tuple[str, dt.date]:
    """A case notified today: its statement and hearing period runs 5 working days more."""
    today = clock.today()
    start = today - dt.timedelta(days=20)
    case_id = _case(
        store,
        start,
        [
            (Stage.VERIFY, start),
            (Stage.FILE, start + dt.timedelta(days=1)),
            (Stage.INVESTIGATE, start + dt.timedelta(days=2)),
            (Stage.NOTIFY, today),
        ],
    )
    return case_id, today


def test_while_the_partys_period_runs_no_step_is_offered_first(store):
    """06_notify_running of the review: 处罚 was selected while 陈述申辩、听证申请期 ran."""
    from zc_enforcement_plugin.ui.case_panel import REPORT_ONLY

    case_id, _ = _notified_today(store)
    panel = CasePanel(store, case_id, CALENDAR)
    assert panel.stage.currentData() == REPORT_ONLY
    offered = [panel.stage.itemData(i) for i in range(panel.stage.count())]
    assert Stage.PENALISE in offered  # still possible (a waiver), just not the default


def test_the_question_on_leaving_lists_the_step_and_what_was_typed_for_it(store):
    """Only remarks typed after a step was recorded, and the question listed the person kept
    from that step as if typed (a review). The step and its date stay: they say which step
    would be recorded."""
    case_id = _case(store, dt.date(2026, 9, 1))
    panel = CasePanel(store, case_id, CALENDAR)
    panel.person.setText("李工")
    assert panel.record_step()  # the person is kept for the next step
    assert panel.person.text() == "李工" and not panel.is_changed()
    panel.note.setPlainText("已送达")
    changed = panel.changed_entries().splitlines()
    assert [line.split(":")[0] for line in changed] == ["Next step", "Date", "Remarks"], changed
    assert "Person: 李工" in panel.entries()  # recorded with the step all the same


def test_a_decision_within_the_partys_period_is_asked_about_no_by_default(store, monkeypatch):
    from qgis.PyQt.QtWidgets import QMessageBox

    case_id, today = _notified_today(store)
    due = store.case(case_id).deadlines(store.deadline_rules(), CALENDAR)
    due = next(d.due for d in due if d.name == "statement_hearing_request")
    panel = CasePanel(store, case_id, CALENDAR)
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.PENALISE))
    panel.person.setText("李工")
    asked = _Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    assert not panel.record_step()
    ((_title, text, default),) = asked.calls
    assert default == QMessageBox.StandardButton.No
    assert "陈述申辩、听证申请期" in text and due.isoformat() in text and "处罚" in text
    assert store.case(case_id).stage is Stage.NOTIFY  # nothing recorded
    assert due.isoformat() in panel.messages.text()
    asked.answer = QMessageBox.StandardButton.Yes  # the party waived it
    assert panel.record_step()
    assert store.case(case_id).stage is Stage.PENALISE


def test_a_decision_after_a_guessed_end_of_the_partys_period_is_asked_about(store, monkeypatch):
    """No schedule for 2098: the statement period of a notice served Monday 3 February is
    guessed to end on the 10th, and the Spring Festival the guess lacks may put it later. On
    the 11th the page said 当事人期限已满，可进行下一步, offered 处罚 first and recorded it
    without a word (the review of 2026-11-29). It now says the end may be later, offers a
    report first, and asks before a decision, No by default."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from tests.conftest import BeijingClock
    from zc_enforcement_plugin.ui.case_panel import REPORT_ONLY

    BeijingClock(monkeypatch).set(dt.datetime(2098, 2, 11, 9, tzinfo=clock.CHINA_TIME))
    guessing = WorkCalendar(None, local_file=None, use_library=False, strict=False)
    found = dt.date(2098, 1, 6)
    steps = [
        (Stage.VERIFY, found),
        (Stage.FILE, dt.date(2098, 1, 7)),
        (Stage.INVESTIGATE, dt.date(2098, 1, 8)),
        (Stage.NOTIFY, dt.date(2098, 2, 3)),
    ]
    case_id = _case(store, found, steps)
    panel = CasePanel(store, case_id, guessing)
    assert "可能更晚届满" in panel.summary.toPlainText()
    assert panel.stage.currentData() == REPORT_ONLY
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.PENALISE))
    panel.person.setText("李工")
    assert panel.date.date().toPyDate() == dt.date(2098, 2, 11)
    asked = _Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    assert not panel.record_step()
    ((_title, text, default),) = asked.calls
    assert default == QMessageBox.StandardButton.No
    assert "estimate" in text and "2098-02-10" in text and "处罚" in text
    assert store.case(case_id).stage is Stage.NOTIFY  # nothing recorded
    assert "2098-02-10" in panel.messages.text()
    asked.answer = QMessageBox.StandardButton.Yes  # the party waived it
    assert panel.record_step()
    assert store.case(case_id).stage is Stage.PENALISE
    assert "可能仍在当事人期限内" in panel.summary.toPlainText()


def test_a_court_application_within_the_demand_period_is_asked_a_referral_is_not(
    store, monkeypatch
):
    from qgis.PyQt.QtWidgets import QMessageBox

    today = clock.today()
    start = today - dt.timedelta(days=40)
    steps = [Stage.VERIFY, Stage.FILE, Stage.INVESTIGATE, Stage.NOTIFY, Stage.PENALISE]
    case_id = _case(
        store,
        start,
        [(s, start + dt.timedelta(days=8 * i)) for i, s in enumerate(steps)]
        + [(Stage.DEMAND, today)],
    )
    panel = CasePanel(store, case_id, CALENDAR)
    from zc_enforcement_plugin.ui.case_panel import REPORT_ONLY

    assert panel.stage.currentData() == REPORT_ONLY
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.TRANSFER))
    panel.person.setText("李工")
    asked = _Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    assert not panel.record_step()
    assert "催告履行期" in asked.calls[0][1]
    # A referral to public security waits for no party's time: not asked.
    panel.documents.setText(cases.DOC_POLICE_REFERRAL)
    assert panel.record_step()
    assert len(asked.calls) == 1 and store.case(case_id).stage is Stage.TRANSFER


def test_once_the_partys_period_is_over_the_next_step_is_offered_and_not_asked(store, monkeypatch):
    from qgis.PyQt.QtWidgets import QMessageBox

    case_id = _case_notified(store)
    panel = CasePanel(store, case_id, CALENDAR)
    assert panel.stage.currentData() is Stage.PENALISE
    panel.person.setText("李工")
    asked = _Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    assert panel.record_step() and not asked.calls


# --- 4. a report never made is not "done late" once the case is closed -----------------------
def _closed_without_report(store) -> str:
    """11_closed of the review: found 03-02, stopped 03-03, closed 03-10; no written report."""
    return _case(
        store,
        dt.date(2026, 3, 2),
        [
            (Stage.VERIFY, dt.date(2026, 3, 2)),
            (Stage.STOP, dt.date(2026, 3, 3)),
            (Stage.CLOSE, dt.date(2026, 3, 10)),
        ],
    )


def test_a_report_and_a_filing_a_late_close_ended_read_as_missed_not_done_late(store):
    case_id = _closed_without_report(store)
    case = store.case(case_id)
    deadlines = {d.name: d for d in case.deadlines(store.deadline_rules(), CALENDAR)}
    report, filing = deadlines["report_to_brigade"], deadlines["file_case"]
    assert report.closed_unmet and filing.closed_unmet
    assert not report.open  # owed no more
    text = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
    assert "书面报告执法监察大队〔work plan〕: 2026-03-04 逾期未报（2026-03-10 已结案）" in text
    assert "逾期未整改立案〔work plan〕: 2026-03-05 逾期未立案（2026-03-10 已结案）" in text
    assert "逾期完成" not in text


def test_a_report_made_late_still_reads_done_late_and_a_timely_close_owes_nothing(store):
    case_id = _case(
        store,
        dt.date(2026, 3, 2),
        [
            (Stage.VERIFY, dt.date(2026, 3, 2)),
            (Stage.STOP, dt.date(2026, 3, 3)),
            (Stage.STOP, dt.date(2026, 3, 6), [cases.DOC_BRIGADE_REPORT]),
            (Stage.CLOSE, dt.date(2026, 3, 10)),
        ],
    )
    text = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
    assert "书面报告执法监察大队〔work plan〕: 2026-03-04 逾期完成（2026-03-06）" in text
    assert "逾期未立案（2026-03-10 已结案）" in text
    early = cases.Case.from_events(
        [
            *store.case(case_id).events[:3],
            CaseEvent(case_id, Stage.CLOSE, dt.date(2026, 3, 3), "李工"),
        ]
    )
    assert not any(d.closed_unmet or d.late for d in early.deadlines(dl.DEFAULT_RULES, CALENDAR))


def test_the_reports_count_a_missed_report_as_overdue_until_the_close_as_the_page_does(store):
    """The ranking's overdue cases are a day's open deadlines past due, on the case as it
    stood that day (report_basis.overdue_standing on CaseRecord.case_as_of): the missed report
    and filing are overdue from their due days until the close, then owed no more."""
    case_id = _closed_without_report(store)
    record = store.case_record(case_id)
    rules = store.deadline_rules()
    before = record.case_as_of(dt.date(2026, 3, 9))
    late = before.deadlines(rules, CALENDAR, dt.date(2026, 3, 9))
    assert {d.name for d in late if d.open and d.late} == {"report_to_brigade", "file_case"}
    assert cases.overdue_cases([before], dt.date(2026, 3, 9), rules, CALENDAR) == [before]
    after = record.case_as_of(dt.date(2026, 3, 10))
    assert cases.overdue_cases([after], dt.date(2026, 3, 10), rules, CALENDAR) == []


def _withdrawn(store, on: dt.date) -> str:
    """Found 03-02 and verified that day, no written report, no filing; withdrawn on ``on``
    (the spot was the wrong one)."""
    case_id = _case(store, dt.date(2026, 3, 2), [(Stage.VERIFY, dt.date(2026, 3, 2))])
    withdrawal = CaseEvent(
        case_id, Stage.CLOSE, on, "李工", documents=(cases.DOC_WITHDRAWAL,), note="图斑位置错误"
    )
    store.add_case_event(case_id, withdrawal)
    return case_id


def test_deadlines_a_withdrawal_ended_read_as_ended_by_it_not_done_or_missed(store):
    """撤销 after the report and filing fell due: they ended with the withdrawal (因撤销终止),
    overdue before it (said so, in red, as the reports counted them), not 逾期完成 nor missed
    (逾期未报…已结案) as if the office had an act to report; one withdrawn before its due day
    reads the same, muted, not 已完成."""
    case_id = _withdrawn(store, dt.date(2026, 3, 10))
    text = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
    ended = "因撤销终止（2026-03-10 撤销案件，此前已逾期）"
    assert f"书面报告执法监察大队〔work plan〕: 2026-03-04 {ended}" in text, text
    assert f"逾期未整改立案〔work plan〕: 2026-03-05 {ended}" in text
    assert "逾期完成" not in text and "已结案" not in text
    deadlines = {d.name: d for d in store.case(case_id).deadlines(store.deadline_rules(), CALENDAR)}
    report = deadlines["report_to_brigade"]
    assert report.withdrawn_on == dt.date(2026, 3, 10) and not report.open
    assert report.late and not report.closed_unmet  # overdue by then: the status is kept


def test_a_deadline_withdrawn_before_its_due_day_reads_ended_by_the_withdrawal(tmp_path):
    with ledger.GeoPackageLedger(tmp_path / "early.gpkg") as early:
        case_id = _withdrawn(early, dt.date(2026, 3, 3))
        text = CasePanel(early, case_id, CALENDAR).summary.toPlainText()
    assert "2026-03-04 因撤销终止（2026-03-03 撤销案件）" in text, text
    assert "已完成" not in text and "此前已逾期" not in text


def test_a_deadline_overdue_before_the_withdrawal_counts_in_the_ranking_as_before(store):
    """The ranking's overdue cases are those of each month's end: a case whose report and
    filing were overdue at the end of March and which was withdrawn in April counts as overdue
    in March's ranking, and no more in April's (closed, no longer open)."""
    from zc_enforcement_plugin.core import reports

    case_id = _withdrawn(store, dt.date(2026, 4, 2))
    record = store.case_record(case_id)
    rules = store.deadline_rules()
    before = record.case_as_of(dt.date(2026, 3, 31))
    assert cases.overdue_cases([before], dt.date(2026, 3, 31), rules, CALENDAR) == [before]
    as_of = dt.date(2026, 4, 15)
    march = reports.monthly_ranking(store, reports.Period.month(2026, 3), CALENDAR, as_of)
    april = reports.monthly_ranking(store, reports.Period.month(2026, 4), CALENDAR, as_of)
    assert (march.total.open_cases, march.total.overdue_cases) == (1, 1)
    assert (april.total.open_cases, april.total.overdue_cases) == (0, 0)


def test_the_correction_row_puts_right_a_steps_remarks_and_shows_the_original(store):
    """调查 recorded with the decision number typed wrong in its remarks: the correction row
    starts as the step stands (its date, its remarks), records the right remarks alone, and
    the page shows them with the original struck (原：…) and the correction in the history."""
    from tests.test_case_corrections import RIGHT, TYPED

    case_id = _case(
        store,
        dt.date(2025, 11, 7),
        [(Stage.VERIFY, dt.date(2025, 11, 7)), (Stage.FILE, dt.date(2025, 11, 10))],
    )
    step = store.add_case_event(
        case_id, CaseEvent(case_id, Stage.INVESTIGATE, dt.date(2025, 11, 12), "李工", note=TYPED)
    )
    later = CaseEvent(case_id, Stage.INVESTIGATE, dt.date(2025, 11, 13), "李工")
    store.add_case_event(case_id, later)
    panel = CasePanel(store, case_id, CALENDAR)
    panel.show_correction.click()
    panel.corrected.setCurrentIndex(panel.corrected.findData(step))
    assert panel.corrected_date.date().toString("yyyy-MM-dd") == "2025-11-12"
    assert panel.corrected_note.toPlainText() == TYPED
    panel.person.setText("王五")
    panel.reason.setText("文号录入错误")
    rows = len(store.case(case_id).records)
    assert not panel.record_correction()  # nothing put right: refused, nothing written
    assert panel.messages.text() and len(store.case(case_id).records) == rows
    panel.corrected_note.setPlainText(RIGHT)
    assert panel.record_correction()
    case = store.case(case_id)
    investigated = next(e for e in case.events if e.event_id == step)
    assert (investigated.note, investigated.date) == (RIGHT, dt.date(2025, 11, 12))
    assert case.as_recorded(investigated).note == TYPED
    text = without_isolates(panel.summary.toPlainText())
    assert (
        f"2025-11-12（备注已更正：文号录入错误（王五）） 调查 李工 {RIGHT}（原：{TYPED}）" in text
    ), text
    assert "line-through" in panel.summary.toHtml()  # the original, struck
    # The row starts again as the step now stands: the last one, its remarks its own.
    assert panel.corrected.currentData() != step
    assert panel.corrected_note.toPlainText() == ""


def test_a_correction_typed_is_asked_about_on_closing_and_saved_when_asked(store, monkeypatch):
    """Final read: 正确备注 and a reason typed, then Close (or Escape, or the back arrow)
    dropped them unasked: the page counted only a step's entries as typed. Picking a step
    alone is no entry; what is typed in the correction is, and Save from the question
    records the correction."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from tests.test_case_corrections import RIGHT, TYPED

    case_id = _case(store, dt.date(2025, 11, 7), [(Stage.VERIFY, dt.date(2025, 11, 7))])
    step = store.add_case_event(
        case_id, CaseEvent(case_id, Stage.FILE, dt.date(2025, 11, 10), "李工", note=TYPED)
    )
    panel = CasePanel(store, case_id, CALENDAR)
    panel.show_correction.click()
    panel.corrected.setCurrentIndex(panel.corrected.findData(step))
    assert not panel.is_changed()  # a step picked, its date and remarks as they stand
    panel.corrected_note.setPlainText(RIGHT)
    panel.reason.setText("文号录入错误")
    panel.person.setText("王五")
    assert panel.is_changed()
    entries = panel.entries()
    assert RIGHT in entries and "文号录入错误" in entries and "Next step" not in entries
    rows = len(store.case(case_id).records)
    asked = _Asked(QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QMessageBox, "question", asked)
    panel.leave()
    ((_title, text, _default),) = asked.calls
    assert RIGHT in text
    case = store.case(case_id)
    assert len(case.records) == rows + 1
    filed = next(e for e in case.events if e.event_id == step)
    assert (filed.note, filed.date) == (RIGHT, dt.date(2025, 11, 10))


# --- 5. a report document recorded twice is asked about ---------------------------------------
def test_a_report_document_already_on_the_case_is_asked_about_no_by_default(store, monkeypatch):
    """The review recorded 违法线索书面报告 on 2025-11-10 and again on 2025-11-11 unasked."""
    from qgis.PyQt.QtWidgets import QMessageBox

    from zc_enforcement_plugin.ui.case_panel import REPORT_ONLY

    case_id = _case(
        store,
        dt.date(2025, 11, 7),
        [
            (Stage.VERIFY, dt.date(2025, 11, 7)),
            (Stage.STOP, dt.date(2025, 11, 10), [cases.DOC_BRIGADE_REPORT]),
        ],
    )
    panel = CasePanel(store, case_id, CALENDAR)
    panel.stage.setCurrentIndex(panel.stage.findData(REPORT_ONLY))
    panel.date.setDate(panel.date.date().fromString("2025-11-11", "yyyy-MM-dd"))
    panel.person.setText("李工")
    panel.documents.setText(cases.DOC_BRIGADE_REPORT)
    asked = _Asked(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", asked)
    assert not panel.record_step()
    ((_title, text, default),) = asked.calls
    assert default == QMessageBox.StandardButton.No
    assert cases.DOC_BRIGADE_REPORT in text and "2025-11-10" in text
    assert len(store.case(case_id).events) == 3  # discover, verify, stop: nothing added
    assert "2025-11-10" in panel.messages.text()
    asked.answer = QMessageBox.StandardButton.Yes
    assert panel.record_step()
    assert len(store.case(case_id).events) == 4
    # In the correction list the report alone is told from the step of its day (two
    # "2025-11-11 制止" were offered, found by a review).
    offered = [panel.corrected.itemText(i) for i in range(panel.corrected.count())]
    reports = [text for text in offered if cases.DOC_BRIGADE_REPORT in text]
    assert len(reports) == 1 and "2025-11-11" in reports[0] and "李工" in reports[0], offered
    # Another report document, not on the case yet, is not asked about.
    panel.documents.setText(cases.DOC_SERIOUS_CASE_REPORT)
    panel.person.setText("李工")
    assert panel.record_step() and len(asked.calls) == 2


# --- two people on one case at once ---------------------------------------------------------------
def test_a_step_another_recorded_since_the_page_showed_the_case_refuses_and_keeps_the_entry(
    store, tmp_path, monkeypatch
):
    """Two people recorded the same 制止 at once: both went in, neither told. The page's Save
    is refused once another session has recorded a row of the case since the page showed it:
    the page says who recorded what and shows the case as it now stands, with the step typed
    still in the form; saved again (checked), it goes in. So is a correction of a step."""
    from qgis.PyQt.QtWidgets import QMessageBox

    translator = install_translator("zh_CN")
    other = ledger.GeoPackageLedger(store.path)  # the other person's QGIS: its own connection
    try:
        case_id = _case(store, dt.date(2025, 11, 7), [(Stage.VERIFY, dt.date(2025, 11, 7))])
        panel = CasePanel(store, case_id, CALENDAR)
        panel.resize(520, 760)
        panel.stage.setCurrentIndex(panel.stage.findData(Stage.STOP))
        panel.date.setDate(panel.date.date().fromString("2025-11-10", "yyyy-MM-dd"))
        panel.person.setText("赵六")
        panel.documents.setText("责令停止违法行为通知书")
        panel.note.setPlainText("现场送达")
        theirs = CaseEvent(
            case_id, Stage.STOP, dt.date(2025, 11, 10), "王五", ("责令停止违法行为通知书",)
        )
        stopped = other.add_case_event(case_id, theirs)
        asked = _Asked(QMessageBox.StandardButton.Yes)
        monkeypatch.setattr(QMessageBox, "question", asked)
        assert not panel.record_step()
        assert asked.calls == []  # not a question: refused, and said
        said = panel.messages.text()
        wang = isolated("王五")  # a name typed by a person, set apart from the sentence
        assert (
            f"案件 {case_id} 在您打开后已由{wang} 记录了新的步骤（“制止” 2025-11-10，{wang}" in said
        )
        assert "请核对后再保存" in said
        assert [e.person for e in store.case(case_id).events] == ["李工", "李工", "王五"]
        # The case as it now stands, the entry as typed.
        assert "王五" in panel.summary.toPlainText()
        assert panel.stage.currentData() is Stage.STOP
        assert panel.date.date().toString("yyyy-MM-dd") == "2025-11-10"
        assert (panel.person.text(), panel.documents.text(), panel.note.toPlainText()) == (
            "赵六",
            "责令停止违法行为通知书",
            "现场送达",
        )
        assert panel.is_changed()
        panel.grab().save(str(tmp_path / "case_step_refused.png"))
        assert panel.record_step()  # checked: another party's stop order
        assert [e.person for e in store.case(case_id).events][-1] == "赵六"
        # Both correct the 制止 of 王五: the page's, made on the case before the other's, is
        # refused, its date and reason kept.
        panel.show_correction.setChecked(True)
        panel.corrected.setCurrentIndex(panel.corrected.findData(stopped))
        panel.corrected_date.setDate(panel.date.date().fromString("2025-11-09", "yyyy-MM-dd"))
        panel.reason.setText("录入错误")
        other.correct_case_event(
            case_id, stopped, date=dt.date(2025, 11, 8), person="王五", reason="日期有误"
        )
        assert not panel.record_correction()
        assert "更正“制止”的日期为 2025-11-08" in panel.messages.text()
        assert panel.corrected.currentData() == stopped and panel.reason.text() == "录入错误"
        assert panel.corrected_date.date().toString("yyyy-MM-dd") == "2025-11-09"
        assert "2025-11-08" in panel.summary.toPlainText()
        panel.grab().save(str(tmp_path / "case_correction_refused.png"))
        stop = next(e for e in store.case(case_id).events if e.event_id == stopped)
        assert stop.date == dt.date(2025, 11, 8)  # the other's, in force
        assert panel.record_correction()
        stop = next(e for e in store.case(case_id).events if e.event_id == stopped)
        assert stop.date == dt.date(2025, 11, 9)
    finally:
        other.close()
        QCoreApplication.removeTranslator(translator)


# --- 6. the correction row after a step, and a correction of the date alone -------------------
def test_after_a_step_is_recorded_the_correction_row_starts_as_the_new_step_stands(store):
    """立案 then 调查 recorded through the page: the row offers the new step to correct, with
    its date and remarks, not the 立案 it showed before (its date and remarks would be what a
    correction of 调查 records)."""
    case_id = _case(
        store,
        dt.date(2025, 11, 7),
        [(Stage.VERIFY, dt.date(2025, 11, 7))],
    )
    store.add_case_event(
        case_id, CaseEvent(case_id, Stage.FILE, dt.date(2025, 11, 10), "李工", note="立案审批")
    )
    panel = CasePanel(store, case_id, CALENDAR)
    panel.show_correction.click()  # the row offers 立案, its date and remarks
    assert panel.corrected_date.date().toString("yyyy-MM-dd") == "2025-11-10"
    assert panel.corrected_note.toPlainText() == "立案审批"
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.INVESTIGATE))
    panel.date.setDate(panel.date.date().fromString("2025-11-12", "yyyy-MM-dd"))
    panel.person.setText("李工")
    panel.note.setPlainText("现场勘验")
    assert panel.record_step()
    step = store.case(case_id).events[-1]
    assert step.stage is Stage.INVESTIGATE
    assert panel.corrected.currentData() == step.event_id
    assert panel.corrected_date.date().toString("yyyy-MM-dd") == "2025-11-12"
    assert panel.corrected_note.toPlainText() == "现场勘验"


def test_the_correction_reason_is_whole_on_a_narrow_panel(store):
    """At 350 px the required reason sat beside the date and the Correct button, 80 px wide,
    its hint cut to 理由（必… (a review in QGIS). On a row of its own it is as wide as the
    form's fields."""
    from qgis.PyQt.QtWidgets import QApplication

    case_id = _case(store, dt.date(2025, 11, 7), [(Stage.VERIFY, dt.date(2025, 11, 7))])
    panel = CasePanel(store, case_id, CALENDAR)
    panel.resize(350, 900)
    panel.show()
    panel.show_correction.click()
    QApplication.processEvents()
    # As wide as the date's field above it, the form's column: 206 px here (111 before).
    assert panel.reason.width() >= panel.corrected_date.width() - 1 > 150, (
        panel.reason.width(),
        panel.corrected_date.width(),
    )
    panel.close()


@pytest.mark.parametrize("remarks", ["罚没决定", "罚没决定 ", "罚没决定\n"])
def test_a_correction_of_the_date_alone_records_no_remarks_correction(store, remarks):
    """处罚 typed a day late; its remarks (as recorded, maybe with a space or line break after
    them) are left as the row shows them: the correction moves the date and records no remarks
    put right, so the page strikes no original (原：…) and the history says the date alone."""
    case_id = _case(
        store,
        dt.date(2025, 11, 7),
        [(Stage.VERIFY, dt.date(2025, 11, 7)), (Stage.FILE, dt.date(2025, 11, 10))],
    )
    step = store.add_case_event(
        case_id, CaseEvent(case_id, Stage.INVESTIGATE, dt.date(2025, 11, 13), "李工", note=remarks)
    )
    panel = CasePanel(store, case_id, CALENDAR)
    panel.show_correction.click()
    panel.corrected.setCurrentIndex(panel.corrected.findData(step))
    assert panel.corrected_note.toPlainText() == remarks  # the row as the step stands
    panel.corrected_date.setDate(panel.corrected_date.date().fromString("2025-11-12", "yyyy-MM-dd"))
    panel.person.setText("王五")
    panel.reason.setText("录入错误")
    assert panel.record_correction()
    case = store.case(case_id)
    investigated = next(e for e in case.events if e.event_id == step)
    (correction,) = case.corrections_of(investigated)
    assert correction.corrected_note is None
    assert (investigated.date, investigated.note) == (dt.date(2025, 11, 12), remarks)
    assert not case.remarks_corrected(investigated)
    assert "原：" not in panel.summary.toPlainText()
    assert "2025-11-13（已更正为 2025-11-12：" in without_isolates(panel.summary.toPlainText())


def test_the_history_says_a_later_correction_of_the_remarks_alone_as_such(store):
    """调查 moved from 11-13 to 11-12, then its remarks put right (the date left at 11-12):
    the second correction reads 备注已更正 alone, not as moving the date again."""
    from zc_enforcement_plugin.ui.case_panel import history_text

    case_id = _case(
        store,
        dt.date(2025, 11, 7),
        [(Stage.VERIFY, dt.date(2025, 11, 7)), (Stage.FILE, dt.date(2025, 11, 10))],
    )
    step = store.add_case_event(
        case_id, CaseEvent(case_id, Stage.INVESTIGATE, dt.date(2025, 11, 13), "李工", note="文号12")
    )
    store.correct_case_event(
        case_id, step, date=dt.date(2025, 11, 12), person="王五", reason="录入错误"
    )
    store.correct_case_event(
        case_id, step, date=dt.date(2025, 11, 12), person="赵六", reason="文号有误", note="文号21"
    )
    case = store.case(case_id)
    investigated = next(e for e in case.events if e.event_id == step)
    assert without_isolates(history_text(case, investigated)) == (
        "2025-11-13（已更正为 2025-11-12：录入错误（王五）；备注已更正：文号有误（赵六））"
    )


# --- evidence the case page counts (the review of patrols and evidence, 2026-11-29) -------------
def test_a_step_whose_evidence_file_is_missing_lacks_that_evidence(store):
    """The evidence list showed 【缺失】[视频], and the case page still took the video as the
    核查's: a file found missing, refused or altered is no evidence of its step."""
    from zc_enforcement_plugin.core import evidence

    day = dt.date(2026, 3, 3)
    case_id = _case(store, day, [(Stage.VERIFY, day)])
    spot_id = store.spots()[0].id
    files = ((ls.EVIDENCE_PHOTO, "a.jpg"), (ls.EVIDENCE_VIDEO, "b.mp4"))
    files += ((ls.EVIDENCE_AUDIO, "c.m4a"),)
    for n, (kind, name) in enumerate(files):
        digest = str(n) * 64  # three files
        store.add_evidence(
            spot_id,
            ledger.EvidenceRecord(kind, f"T1/{name}", digest, 10, name, f"{day}T02:00:00Z"),
        )

    def text(file_state) -> str:
        return CasePanel(store, case_id, CALENDAR, file_state=file_state).summary.toPlainText()

    assert "缺" not in text(None)  # all three there
    missing = text(lambda _root, r: evidence.FILE_MISSING if r.path.endswith(".mp4") else "")
    assert "2026-03-03 核查 缺视频" in missing, missing


def test_a_case_found_on_patrol_says_its_evidence_is_not_checked_here(store):
    """A case opened from a patrol showed its steps with no word on evidence: the page cannot
    attach or check it, and now says so."""
    from zc_enforcement_plugin.core.cases import ORIGIN_PATROL
    from zc_enforcement_plugin.core.patrols import PatrolRecord

    day = dt.date(2026, 3, 3)
    store.add_patrol(PatrolRecord("XC-1", "罗村所", day, ["张三"]))
    case_id = store.open_case(ORIGIN_PATROL, patrol_id="XC-1", office="罗村所", date=day)
    store.add_case_event(case_id, CaseEvent(case_id, Stage.VERIFY, day, "李工"))
    said = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
    assert "cannot be attached or checked on this page" in said, said


def test_evidence_recorded_after_the_case_closed_is_said(store):
    """Files attached after the close filled a step's gap with nothing to show it (the review
    of 2026-11-29): the page names them, for the brigade's audit; they still count."""
    day = dt.date(2026, 3, 3)
    case_id = _case(store, day, [(Stage.VERIFY, day), (Stage.CLOSE, dt.date(2026, 3, 5))])
    spot_id = store.spots()[0].id
    store.add_evidence(  # recorded now, months after the close
        spot_id,
        ledger.EvidenceRecord(ls.EVIDENCE_PHOTO, "T1/a.jpg", "5" * 64, 10, "现场.jpg"),
    )
    said = CasePanel(store, case_id, CALENDAR).summary.toPlainText()
    assert "closed on 2026-03-05" in said and "现场.jpg" in said, said
