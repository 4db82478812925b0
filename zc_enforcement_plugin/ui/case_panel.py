"""The case page (案件): its stage, its deadlines coloured by urgency, and the next step."""

from __future__ import annotations

import datetime as dt
import html

from qgis.PyQt.QtCore import QDate, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
)

from ..core import cases, domain, evidence, ledger
from ..core import deadlines as dl
from ..core.areas import shown_mu
from ..i18n import in_interface_language, tr
from .entries_panel import EntriesPanel, date_edit
from .messages import REFUSAL_COLOUR, WARNING_COLOUR, refusal_label

# The next-step entry that records a report without a step (its item data).
REPORT_ONLY = "report_only"
# Colours of a deadline's state, as everywhere in the dock.
STATUS_COLOURS = {dl.OK: "#2e7d32", dl.DUE_SOON: "#e65100", dl.OVERDUE: REFUSAL_COLOUR}


def deadline_html(deadline: cases.Deadline) -> str:
    """One deadline as a coloured line: label, due date, state (or why there is no date)."""
    label = html.escape(deadline.label_zh)
    if deadline.due is None:
        warning = html.escape(in_interface_language(deadline.warning or ""))
        return f"<span style='color:{WARNING_COLOUR}'>{label}: {warning}</span>"
    if deadline.done and deadline.late:
        state = f"逾期完成（{deadline.done_on.isoformat()}）"  # red, and saying why
    elif deadline.done:
        state = "已完成"
    elif deadline.period_over:
        state = "当事人期限已满，可进行下一步"
    elif deadline.lapsed_on is not None:
        # Owed no more, but missed while it was owed: the record keeps it.
        state = f"逾期未报（{deadline.lapsed_on.isoformat()} 更正面积后不再达到刑事移送标准）"
    else:
        state = {dl.OK: "未到期", dl.DUE_SOON: "即将到期", dl.OVERDUE: "已逾期"}.get(
            deadline.status, ""
        )
    colour = (
        "#616161"
        if (deadline.done and not deadline.late) or deadline.period_over
        else STATUS_COLOURS.get(deadline.status, "#000000")
    )
    # Each note on a line of its own under the deadline: run together, the holiday file's path
    # and the document to record read as one sentence.
    warning = (
        f"<br/><small>{html.escape(in_interface_language(deadline.warning))}</small>"
        if deadline.warning
        else ""
    )
    if deadline.premature:
        # Allowed (the party may have waived the period) but a defect that can void the decision.
        warning += (
            f"<br/><small style='color:{REFUSAL_COLOUR}'>"
            + html.escape(
                in_interface_language(
                    "在当事人期限届满前已进行下一步，请核实当事人是否放弃该期限 / acted within "
                    "the party's period: check that the party waived it"
                )
            )
            + "</small>"
        )
    how = ""
    if deadline.document and deadline.open:
        # A report is a document, not a step: say which one discharges the deadline.
        text = tr("record the document “{name}” when it is made").format(name=deadline.document)
        how = f"<br/><small>{html.escape(text)}</small>"
    # A due date a lenient calendar guessed (its warning says why) is marked on the date itself.
    due = deadline.due.isoformat() + (dl.ESTIMATE_MARK if deadline.estimated else "")
    return f"<span style='color:{colour}'>{label}: {due} {state}</span>{warning}{how}"


def _figures_text(event: cases.CaseEvent) -> str:
    """A measurement's figures in 亩, as the reports print them."""
    parts = []
    if event.cultivated_sqm is not None:
        parts.append(f"耕地 {shown_mu(event.cultivated_sqm):.2f} 亩")
    if event.basic_farmland_sqm is not None:
        parts.append(f"永久基本农田 {shown_mu(event.basic_farmland_sqm):.2f} 亩")
    return "，".join(parts)


class CasePanel(EntriesPanel):
    """Shows a case and records its next step through the ledger (which refuses impossible ones)."""

    stepped = pyqtSignal()

    def __init__(self, store: ledger.LedgerStore, case_id: str, calendar, parent=None):
        """calendar: a WorkCalendar, or a function giving the one in force when called (the
        dock's, which follows the bureau's holiday file while the page is open)."""
        super().__init__(parent)
        self.store, self.case_id, self._calendar = store, case_id, calendar
        self.setPanelTitle(tr("Case {id}").format(id=case_id))
        layout = QVBoxLayout()  # the summary and the step; the refusal and buttons: the footer
        self.summary = QTextBrowser(self)
        self.summary.setObjectName("caseSummary")
        layout.addWidget(self.summary, 1)
        form = QFormLayout()
        self.stage = QComboBox(self)
        self.stage.setObjectName("stage")
        form.addRow(tr("Next step"), self.stage)
        self.date = date_edit(self, QDate.currentDate())
        self.date.setMaximumDate(QDate.currentDate())  # steps are recorded once taken
        form.addRow(tr("Date"), self.date)
        self.person = QLineEdit(self)
        form.addRow(tr("Person"), self.person)
        self.documents = QLineEdit(self)
        self.documents.setPlaceholderText(tr("document names, separated by ;"))
        # The documents the deadlines look for, to pick rather than type exactly.
        self.add_document = QToolButton(self)
        self.add_document.setObjectName("addDocument")
        self.add_document.setText("＋")
        self.add_document.setToolTip(tr("Add a report document"))
        self.add_document.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_document)
        for name in cases.PICKED_DOCUMENTS:
            menu.addAction(name, lambda name=name: self._append_document(name))
        self.add_document.setMenu(menu)
        documents = QHBoxLayout()
        documents.addWidget(self.documents, 1)
        documents.addWidget(self.add_document)
        form.addRow(tr("Documents"), documents)
        self.note = QPlainTextEdit(self)
        self.note.setMaximumHeight(60)
        self.note.setTabChangesFocus(True)  # Tab goes on to Save: it typed a tab into the note
        form.addRow(tr("Remarks"), self.note)
        layout.addLayout(form)
        self.messages = refusal_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        buttons.accepted.connect(self.record_step)
        buttons.rejected.connect(self.leave)  # Close with a step typed asks about it
        # The summary scrolls on its own and takes the spare height: no second scroll bar.
        self.lay_out(layout, buttons, scrolls=False)
        self.refresh()
        self._started = self._typed()

    def _typed(self) -> tuple[str, str, str]:
        """What the user types for a step: the person, the documents and the remarks (the
        step and its date are picked, and start from the case itself)."""
        return (
            self.person.text().strip(),
            self.documents.text().strip(),
            self.note.toPlainText().strip(),
        )

    def description(self) -> str:
        return tr("case page of case {id}").format(id=self.case_id)

    def is_changed(self) -> bool:
        return self._typed() != self._started

    def entries(self) -> str:
        """The step as filled in, a line per entry under the page's own labels."""
        person, documents, note = self._typed()
        lines = [
            (tr("Next step"), self.stage.currentText()),
            (tr("Date"), self.date.date().toString("yyyy-MM-dd")),
            (tr("Person"), person),
            (tr("Documents"), documents),
            (tr("Remarks"), note),
        ]
        return "\n".join(f"{label}: {value}" for label, value in lines if value)

    def save(self) -> bool:
        """Record the step as Save does; False when it was refused (said on the page)."""
        return self.record_step()

    def refresh(self) -> None:
        record = self.store.case_record(self.case_id)
        case = record.case
        rules = self.store.deadline_rules()
        lines = [
            f"<h3>{html.escape(tr('Case {id}').format(id=self.case_id))}: "
            f"{html.escape(case.stage.label_zh if case.stage else '')}</h3>"
        ]
        if case.marked_for_transfer:  # once transferred, the banner has done its work
            # The period is the ledger's (zcenforcement:ledgersettings may change it).
            report = rules.rule("serious_case_report")
            unit_en = report.unit.replace("_", " ")
            lines.append(
                f"<p style='color:{REFUSAL_COLOUR}'><b>"
                + html.escape(
                    in_interface_language(
                        f"达到刑事移送标准：须移送公安并在 {rules.length_zh('serious_case_report')}"
                        f"内报告 / criminal scale: transfer and report within {report.amount} "
                        f"{unit_en}"
                    )
                )
                + "</b></p>"
            )
        calendar = self._calendar() if callable(self._calendar) else self._calendar
        lines += [f"<p>{deadline_html(d)}</p>" for d in case.deadlines(rules, calendar)]
        # A patrol's case has its evidence with the patrol, which this page cannot link yet:
        # only a spot's case is checked.
        gaps = case.evidence_gaps(self._evidence_days(record.spot_id)) if record.spot_id else ()
        if gaps:
            steps = "，".join(f"{e.date.isoformat()} {e.stage.label_zh}" for e in gaps)
            text = tr(
                "No audio, video or photo evidence of these steps (each delivery, interview, "
                "site survey and supervision needs some): {steps}"
            ).format(steps=steps)
            lines.append(f"<p style='color:{WARNING_COLOUR}'>{html.escape(text)}</p>")
        lines.append("<hr>")
        measurements = case.measurement_indices
        for index, event in enumerate(case.events):
            if index in measurements:
                # Figures, not a step: said as such, with what they are and when found.
                what = f"面积更正：{_figures_text(event)}"
                if event.measured_on is not None:
                    what += f"（{event.measured_on.isoformat()} 实地测量）"
            else:
                what = event.stage.label_zh
            lines.append(
                f"<p>{event.date.isoformat()} {html.escape(what)} "
                f"{html.escape(event.person)} {html.escape('；'.join(event.documents))} "
                f"{html.escape(event.note)}</p>"
            )
        self.summary.setHtml("".join(lines))
        self.stage.clear()
        for stage in case.allowed_next():
            self.stage.addItem(stage.label_zh, stage)
        if case.stage is not None and not case.closed:
            # A report (＋) is a document, not a step: recorded at the stage the case is in.
            self.stage.addItem(tr("Record a report only (the stage stays)"), REPORT_ONLY)

    def _evidence_days(self, spot_id: int) -> set[dt.date]:
        """The days the case's spot has photos, videos or recordings of (attached with E)."""
        days = (evidence.evidence_day(e) for e in self.store.evidence(spot_id))
        return {day for day in days if day is not None}

    def _append_document(self, name: str) -> None:
        present = domain.split_list(self.documents.text(), enumeration=False)
        if name not in present:
            self.documents.setText(";".join([*present, name]))

    def record_step(self) -> bool:
        """Save's slot: whatever stops the step (the procedure, a ledger another session has
        locked, an unreadable row) is said on the page, never raised into Qt. True once the
        step is recorded."""
        try:
            return self._record_step()
        except (cases.ProcedureError, ledger.LedgerError, ValueError) as error:
            self.messages.setText(in_interface_language(str(error)))
            return False

    def _same_as_last(self, event: cases.CaseEvent) -> bool:
        """Whether ``event`` repeats the case's last step (step, day, person, documents): a Save
        pressed twice. 制止 and 调查 may repeat, for another party, so it is asked, not refused."""
        last = self.store.case(self.case_id).events[-1]
        return (last.stage, last.date, last.person, tuple(last.documents)) == (
            event.stage,
            event.date,
            event.person,
            tuple(event.documents),
        )

    def _record_again(self, event: cases.CaseEvent) -> bool:
        answer = QMessageBox.question(
            self,
            tr("Same step again?"),
            tr(
                "{stage} on {date} by {person} is the case's last step already. Record it "
                "again (for another party, say)?"
            ).format(stage=event.stage.label_zh, date=event.date.isoformat(), person=event.person),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _record_step(self) -> bool:
        stage = self.stage.currentData()
        if stage is None:
            self.messages.setText(tr("The case is closed: no further step is possible."))
            return False
        report_only = stage == REPORT_ONLY
        case = self.store.case(self.case_id) if report_only else None
        day = self.date.date()
        event = cases.CaseEvent(
            case_id=self.case_id,
            stage=case.stage if report_only else stage,
            date=dt.date(day.year(), day.month(), day.day()),
            person=self.person.text().strip(),
            documents=tuple(domain.split_list(self.documents.text(), enumeration=False)),
            note=self.note.toPlainText().strip(),
        )
        if report_only and not case.is_report_only(event):
            # At 制止 or 调查, which may repeat, anything else would pass as another step.
            self.messages.setText(
                tr("A report alone needs one of the report documents (＋): {names}").format(
                    names="、".join(cases.REPORT_DOCUMENTS)
                )
            )
            return False
        if self._same_as_last(event) and not self._record_again(event):
            self.messages.setText(tr("Not recorded: the same step as the last one."))
            return False
        self.store.add_case_event(self.case_id, event)
        self.messages.clear()
        self.documents.clear()
        self.note.clear()
        self._started = self._typed()  # recorded: the person stays for the next step
        self.refresh()
        self.stepped.emit()
        return True
