"""The case page (案件): its stage, its deadlines coloured by urgency, and the next step."""

from __future__ import annotations

import datetime as dt
import html

from qgis.PyQt.QtCore import QDate, QSignalBlocker, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import cases, domain, evidence, ledger
from ..core import deadlines as dl
from ..core.areas import shown_mu
from ..core.clock import in_china_time
from ..deadline_tags import rule_basis, rule_length, rule_tag
from ..i18n import in_interface_language, labelled, tr
from .entries_panel import EntriesPanel, FormComboBox, done_date_edit
from .messages import (
    DUE_SOON,
    MUTED,
    ON_TIME,
    REFUSAL,
    WARNING,
    PageBrowser,
    RemarksEdit,
    colour,
    field_html,
    isolated,
    plain_html,
    refusal_label,
    text_field,
)

# The next-step entry that records a report without a step (its item data).
REPORT_ONLY = "report_only"


def correction_label(event: cases.CaseEvent, before: cases.CaseEvent | None) -> str:
    """A step as the correction list offers it: its day, stage and person, and a report
    recorded alone at the stage of the step `before` it said so with its documents (two
    "2026-11-29 核查" could not be told apart, the verification and the report of its day)."""
    label = f"{event.date.isoformat()} {event.stage.label_zh} {event.person}"
    alone = (
        before is not None
        and event.stage is before.stage
        and bool(event.documents)
        and all(document in cases.REPORT_DOCUMENTS for document in event.documents)
    )
    if alone:
        label += tr(" (report only: {documents})").format(documents="、".join(event.documents))
    return label


# The next-step entry that withdraws the case (a close with cases.DOC_WITHDRAWAL).
WITHDRAW = "withdraw"
# The least height of the case's summary, in lines of its text: its stage and first deadlines,
# the red overdue ones among them, stay readable on a short (scaled) panel.
CASE_SUMMARY_MIN_LINES = 6
# Colours of a deadline's state (messages.COLOURS roles), as everywhere in the dock.
STATUS_COLOURS = {dl.OK: ON_TIME, dl.DUE_SOON: DUE_SOON, dl.OVERDUE: REFUSAL}


def deadline_html(
    deadline: cases.Deadline, rules: dl.DeadlineRules, on: QWidget | None = None
) -> str:
    """One deadline as a coloured line: label tagged with what its rule rests on (its basis in
    the tooltip), due date, state (or why there is no date); coloured for the background of
    ``on``, the widget it is shown in (messages.colour)."""
    rule = rules.rule(deadline.name)
    label = (
        f"<span title='{html.escape(rule_basis(rule), quote=True)}'>"
        f"{html.escape(deadline.label_zh)}{html.escape(rule_tag(rule))}</span>"
    )
    if deadline.due is None:
        warning = html.escape(in_interface_language(deadline.warning or ""))
        return f"<span style='color:{colour(WARNING, on)}'>{labelled(label, warning)}</span>"
    if deadline.withdrawn_on is not None:
        # Neither done nor missed: there was no act. Overdue before it stays said (in red),
        # as the reports counted it until the withdrawal.
        before = "，此前已逾期" if deadline.late else ""
        state = f"因撤销终止（{deadline.withdrawn_on.isoformat()} 撤销案件{before}）"
    elif deadline.closed_unmet:  # red: missed, though closing means it is owed no more
        state = f"{deadline.missed_zh}（{deadline.done_on.isoformat()} 已结案）"
    elif deadline.done and deadline.late:
        state = f"逾期完成（{deadline.done_on.isoformat()}）"  # red, and saying why
    elif deadline.done:
        state = "已完成"
    elif deadline.period_over and deadline.may_still_run:
        # Run out by a guess only: acting now may cut the party's period short (the note
        # under it says which year's schedule to add).
        state = "按估算已满，实际可能更晚届满，加入该年节假日安排后再进行下一步"
    elif deadline.period_over:
        state = "当事人期限已满，可进行下一步"
    elif deadline.lapsed_on is not None:
        # Owed no more, but missed while it was owed: the record keeps it.
        state = f"逾期未报（{deadline.lapsed_on.isoformat()} 更正面积后不再达到刑事移送标准）"
    else:
        state = {dl.OK: "未到期", dl.DUE_SOON: "即将到期", dl.OVERDUE: "已逾期"}.get(
            deadline.status, ""
        )
    # Without a state's colour, the text's own (the palette's), never a fixed black.
    role = (
        MUTED
        if (deadline.done and not deadline.late) or deadline.period_over
        else STATUS_COLOURS.get(deadline.status)
    )
    style = f" style='color:{colour(role, on)}'" if role else ""
    # Each note on a line of its own under the deadline: run together, the holiday file's path
    # and the document to record read as one sentence.
    warning = (
        f"<br/><small>{html.escape(in_interface_language(deadline.warning))}</small>"
        if deadline.warning
        else ""
    )
    if deadline.possibly_premature:
        warning += (
            f"<br/><small style='color:{colour(WARNING, on)}'>"
            + html.escape(
                in_interface_language(
                    "下一步在估算的届满日之后，但可能仍在当事人期限内：加入该年节假日安排后核实 / "
                    "acted after the estimated end of the party's period, maybe within it: "
                    "check once the year's holidays are added"
                )
            )
            + "</small>"
        )
    if deadline.premature:
        # Allowed (the party may have waived the period) but a defect that can void the decision.
        warning += (
            f"<br/><small style='color:{colour(REFUSAL, on)}'>"
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
    return f"<span{style}>{labelled(label, due)} {state}</span>{warning}{how}"


def lawful_spot_html(verdict: ledger.Verdict, on: QWidget | None = None) -> str:
    """The warning that a spot judged lawful still has its case open: said on the review page
    right after the verdict is saved, and on the case page, until the case is withdrawn."""
    text = tr(
        "The spot was judged {category} ({day}); its case is not withdrawn yet: withdraw it on "
        "the case page (Next step: withdraw), with the reason"
    ).format(category=verdict.category, day=verdict.verified_on)
    return f"<p style='color:{colour(REFUSAL, on)}'><b>{html.escape(text)}</b></p>"


def history_text(case: cases.Case, event: cases.CaseEvent) -> str:
    """An event's date as first recorded, with each correction of it (what it put right) and
    its reason."""
    first = day = case.as_recorded(event).date
    said = []
    for c in case.corrections_of(event):
        what = [f"已更正为 {c.date.isoformat()}"] if c.date != day else []
        if c.corrected_note is not None:
            what.append("备注已更正")
        day = c.date
        # Its documents alone, or nothing new: said as before, by the date it stands at.
        what = "、".join(what) or f"已更正为 {c.date.isoformat()}"
        said.append(f"{what}：{isolated(c.note)}（{isolated(c.person)}）")
    return f"{first.isoformat()}（{'；'.join(said)}）" if said else first.isoformat()


def remarks_html(case: cases.Case, event: cases.CaseEvent) -> str:
    """An event's remarks as they stand; once a correction put them right, the remarks as
    first recorded after them, struck through (原：…): the history keeps both."""
    shown = field_html(event.note)
    if case.remarks_corrected(event):
        shown += f"（原：<s>{field_html(case.as_recorded(event).note)}</s>）"
    return shown


def limitation_html(rules: dl.DeadlineRules, on: QWidget | None = None) -> str:
    """The limitation period (行政处罚法 art. 36) as a reference line without a date: the ledger
    records no day the act ended, which is where it runs from."""
    rule = rules.rule("limitation")
    text = tr(
        "Limitation{tag}: no penalty for an act not discovered within {length} (for a "
        "continuing act, from its end); for reference: the ledger records no day the act ended"
    ).format(tag=rule_tag(rule), length=rule_length(rules, "limitation"))
    basis = html.escape(rule_basis(rule), quote=True)
    return f"<span style='color:{colour(MUTED, on)}' title='{basis}'>{html.escape(text)}</span>"


def _running(deadline: cases.Deadline) -> bool:
    """Whether ``deadline`` is a party's period (statement and hearing, demand) still running."""
    return (
        deadline.waiting and deadline.open and (not deadline.period_over or deadline.may_still_run)
    )


def _closed_on(case: cases.Case) -> dt.date:
    """The day a closed case was closed (its last 结案)."""
    return next(e.date for e in reversed(case.events) if e.stage is cases.Stage.CLOSE)


def _recorded_after_closing(case: cases.Case, records: list[ledger.EvidenceRecord]) -> list[str]:
    """The names of the spot's evidence files recorded (attached) after its case was closed,
    by the day in Zichuan; none while the case is open."""
    if not case.closed:
        return []
    closed_on = _closed_on(case)
    late = []
    for record in records:
        try:
            stamp = dt.datetime.fromisoformat(str(record.recorded_at or "").replace("Z", "+00:00"))
        except ValueError:
            continue
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.timezone.utc)
        if in_china_time(stamp).date() > closed_on:
            late.append(record.original_name or record.path)
    return late


def _evidence_taken(records: list[ledger.EvidenceRecord]) -> list[cases.EvidenceTaken]:
    """The spot's photos, videos and recordings (attached with E) as the gap check reads them:
    id, kind and the day each was made."""
    return [cases.EvidenceTaken(str(e.id), e.kind, evidence.evidence_day(e)) for e in records]


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

    # A step or correction recorded: the page of the case's spot as read back with it (None
    # for a patrol's case), for the review page beneath to show rather than read again.
    stepped = pyqtSignal(object)
    # What was recorded, in words, for the message bar: the page alone showed the step among
    # the case's lines, below the fold on a narrow panel, and the save read as nothing done.
    recorded = pyqtSignal(str)

    def __init__(
        self,
        store: ledger.LedgerStore,
        case_id: str,
        calendar,
        parent=None,
        page: ledger.SpotPage | None = None,
        file_state=None,
    ):
        """calendar: a WorkCalendar, or a function giving the one in force when called (the
        dock's, which follows the bureau's holiday file while the page is open). page: the page
        of the case's spot as just read (the dock's), shown without reading the case again.
        file_state: (evidence folder, record) -> what was last found of its file (the dock's
        EvidenceFileStates.last_found): a file found missing, refused or altered is no
        evidence of its step."""
        super().__init__(parent)
        self.store, self.case_id, self._calendar = store, case_id, calendar
        self._file_state = file_state
        # The case's spot, once known: its page (LedgerStore.spot_page) holds the case and all
        # the case page shows beside it, one statement on the shared ledger where the case, its
        # verdicts, evidence and settings read alone took nine round trips.
        self._spot_id = page.spot.id if page is not None else None
        self.page: ledger.SpotPage | None = None  # as last read; None for a patrol's case
        self.setPanelTitle(tr("Case {id}").format(id=case_id))
        layout = QVBoxLayout()  # the summary and the step; the refusal and buttons: the footer
        self.summary = PageBrowser(self)
        self.summary.setObjectName("caseSummary")
        # Never less than a few lines: on a 150 % panel it shrank to a line and a half, the
        # red overdue deadlines under the heading out of sight. The form then scrolls with it.
        self.summary.setMinimumHeight(
            CASE_SUMMARY_MIN_LINES * self.summary.fontMetrics().lineSpacing()
            + 2 * self.summary.frameWidth()
            + 2 * round(self.summary.document().documentMargin())
        )
        layout.addWidget(self.summary, 1)
        form = QFormLayout()
        self.stage = FormComboBox(self)
        self.stage.setObjectName("stage")
        form.addRow(tr("Next step"), self.stage)
        self.date = done_date_edit(self)  # steps are recorded once taken
        form.addRow(tr("Date"), self.date)
        self.person = text_field(self)
        form.addRow(tr("Person"), self.person)
        self.documents = text_field(self)
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
        self.note = RemarksEdit(self)
        self.note.setMaximumHeight(60)
        self.note.setTabChangesFocus(True)  # Tab goes on to Save: it typed a tab into the note
        form.addRow(tr("Remarks"), self.note)
        layout.addLayout(form)
        # A step recorded with the wrong date is corrected, not edited: a new row with the
        # right date and the reason, kept in the history beside the step (cases.Case.correct).
        correction = QFormLayout()
        self.corrected = FormComboBox(self)
        self.corrected.setObjectName("correctedStep")
        correction.addRow(tr("Correct step"), self.corrected)
        self.corrected_date = done_date_edit(self)
        self.reason = text_field(self)
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText(tr("reason (required), e.g. typing error"))
        self.correct_button = QPushButton(tr("Correct"), self)
        self.correct_button.setObjectName("correctStep")
        self.correct_button.clicked.connect(self.record_correction)
        # Each on a row of its own: beside the date on a 350 px panel the required reason was
        # 80 px wide, its hint cut to 理由（必… (a review in QGIS).
        correction.addRow(tr("Right date"), self.corrected_date)
        correction.addRow(tr("Reason"), self.reason)
        # The step's remarks as they stand, to put right where they are wrong (a decision
        # number mistyped, say); left as they are, the correction keeps them.
        self.corrected_note = RemarksEdit(self)  # remarks may run over lines: kept so
        self.corrected_note.setObjectName("correctedRemarks")
        self.corrected_note.setMaximumHeight(60)
        self.corrected_note.setTabChangesFocus(True)
        correction.addRow(tr("Right remarks"), self.corrected_note)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.correct_button)
        correction.addRow(button_row)
        self.corrected.currentIndexChanged.connect(self._fill_correction)
        # Shown on demand: two rows more on every case page pushed Save below the foot of a
        # short (scaled) panel, for a thing done now and then.
        self.correction_box = QWidget(self)
        self.correction_box.setLayout(correction)
        correction.setContentsMargins(0, 0, 0, 0)
        self.correction_box.setVisible(False)
        layout.addWidget(self.correction_box)
        self.messages = refusal_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        buttons.accepted.connect(self.record_step)
        buttons.rejected.connect(self.leave)  # Close with a step typed asks about it
        # Beside the box, not in it: the three buttons in a box were wider than the panel at
        # 150 % (a box lays its buttons on one row); here Save and Close wrap below it.
        self.show_correction = QPushButton(tr("Correct a step…"), self)
        self.show_correction.setObjectName("showCorrection")
        self.show_correction.setCheckable(True)
        self.show_correction.toggled.connect(self.correction_box.setVisible)
        # Tab from the remarks goes to Save, as on the verdict form, not to the button above.
        QWidget.setTabOrder(self.note, buttons.button(QDialogButtonBox.StandardButton.Save))
        # The summary takes the spare height and scrolls on its own; on a panel too short for
        # its least height and the step's fields, they scroll together above the buttons
        # (laid out as one with them, Close went below the panel's foot at 150 %).
        self.lay_out(layout, buttons, self.show_correction)
        self.refresh(page)
        self._correction_started = self._correction_typed()  # no step to correct: as it is
        self._fill_correction()
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

    def _correction_typed(self) -> tuple[str, str, str]:
        """What the user types for a correction: the right date and remarks (which start as
        the picked step has them, _fill_correction) and the reason (which starts empty)."""
        return (
            self.corrected_date.date().toString("yyyy-MM-dd"),
            self.corrected_note.toPlainText().strip(),
            self.reason.text().strip(),
        )

    def _correction_changed(self) -> bool:
        return self._correction_typed() != self._correction_started

    def is_changed(self) -> bool:
        # A correction typed counts too: Close dropped a long remarks correction unasked.
        return self._typed() != self._started or self._correction_changed()

    def _step_typed(self) -> bool:
        """Whether a step is typed: the person alone is the correction's too when one is."""
        if self._correction_changed():
            return self._typed()[1:] != self._started[1:]
        return self._typed() != self._started

    def entries(self) -> str:
        """The correction when one is typed, then the step as filled in, a line per entry
        under the page's own labels."""
        return self._entries(changed_only=False)

    def changed_entries(self) -> str:
        """As entries, the step's typed entries only where they differ from those the page
        opened with (the person kept from the last step was listed as typed); the step and
        its date stay, as they say which step would be recorded."""
        return self._entries(changed_only=True)

    def _entries(self, changed_only: bool) -> str:
        person = self._typed()[0]
        lines = []
        if self._correction_changed():
            day, remarks, reason = self._correction_typed()
            lines += [
                (tr("Correct step"), self.corrected.currentText()),
                (tr("Right date"), day),
                (tr("Right remarks"), remarks),
                (tr("Reason for the correction"), reason),
                (tr("Person"), person),
            ]
        if self._step_typed():
            lines += [
                (tr("Next step"), self.stage.currentText()),
                (tr("Date"), self.date.date().toString("yyyy-MM-dd")),
            ]
            labels = (tr("Person"), tr("Documents"), tr("Remarks"))
            for label, value, was in zip(labels, self._typed(), self._started):
                if value != was or not changed_only:
                    lines.append((label, value))
        return "\n".join(labelled(label, value) for label, value in lines if value)

    def save(self) -> bool:
        """Record what is typed as Correct and Save do, the correction first (recording a
        step fills the correction row again, for the new step); False when one was refused
        (said on the page)."""
        step_typed = self._step_typed()  # asked first: a correction recorded resets its row
        if self._correction_changed() and not self.record_correction():
            return False
        return self.record_step() if step_typed else True

    def _read(self, page: ledger.SpotPage | None):
        """The case as the ledger holds it, with its deadline rules, the lawful verdict it was
        left open under (or None) and its spot's evidence: from ``page`` as just read, else
        read now, with its spot's page once the spot is known."""
        if page is None and self._spot_id is None:  # opened by its id alone: a patrol's, say
            record = self.store.case_record(self.case_id)
            if record.spot_id is None:
                return record, self.store.deadline_rules(), None, []
            self._spot_id = record.spot_id
        if page is None:
            page = self.store.spot_page(self._spot_id)
        self.page = page
        record = page.case
        if record is None or str(record.case_id) != str(self.case_id):
            # Not the page's case (left out as unreadable, or not the spot's first): read
            # alone, which says why it cannot be read.
            record = self.store.case_record(self.case_id)
        return record, page.deadline_rules(), page.case_left_open(), page.evidence

    def _whole(self, records: list[ledger.EvidenceRecord]) -> list[ledger.EvidenceRecord]:
        """The evidence whose file was not found missing, refused or altered the last time it
        was looked at: a 【缺失】 video still counted as the video of its step."""
        if self._file_state is None or self.page is None or self.page.evidence_dir is None:
            return records
        root = self.page.evidence_dir
        broken = (evidence.FILE_MISSING, evidence.FILE_REFUSED, evidence.FILE_ALTERED)
        return [r for r in records if self._file_state(root, r) not in broken]

    def refresh(self, page: ledger.SpotPage | None = None) -> None:
        """Show the case as the ledger holds it: from ``page``, its spot's page as just read,
        else read again."""
        record, rules, left_open, spot_evidence = self._read(page)
        case = record.case
        # The case as shown: a save is refused once another session has recorded a row of it
        # since (the step or correction made on what this page showed would go in unseen).
        # The checks before a save ask about it too, rather than reading it again.
        self._seen = case.last_record_id
        self._case, self._rules = case, rules
        lines = [
            "<h3>"
            + labelled(
                html.escape(tr("Case {id}").format(id=self.case_id)),
                html.escape(case.stage.label_zh if case.stage else ""),
            )
            + "</h3>"
        ]
        if case.marked_for_transfer:  # once transferred, the banner has done its work
            # The period is the ledger's (zcenforcement:ledgersettings may change it).
            report = rules.rule("serious_case_report")
            unit_en = report.unit.replace("_", " ")
            lines.append(
                f"<p style='color:{colour(REFUSAL, self.summary)}'><b>"
                + html.escape(
                    in_interface_language(
                        f"达到刑事移送标准：须移送公安并在 {rules.length_zh('serious_case_report')}"
                        f"内报告 / criminal scale: transfer and report within {report.amount} "
                        f"{unit_en}"
                    )
                )
                + "</b></p>"
            )
        if left_open is not None:
            lines.append(lawful_spot_html(left_open[1], self.summary))
        calendar = self._current_calendar()
        deadlines = case.deadlines(rules, calendar)
        lines += [f"<p>{deadline_html(d, rules, self.summary)}</p>" for d in deadlines]
        if not case.closed:  # for reference while the case may still lead to a penalty
            lines.append(f"<p>{limitation_html(rules, self.summary)}</p>")
        # A patrol's case has its evidence with the patrol, which this page cannot link yet:
        # only a spot's case is checked, and a patrol's says so (it said nothing at all).
        gaps = (
            case.evidence_gaps(_evidence_taken(self._whole(spot_evidence)))
            if record.spot_id
            else ()
        )
        if not record.spot_id and case.evidence_gaps([]):
            text = tr(
                "The evidence of a case found on patrol (audio, video and photos of each "
                "delivery, interview, site survey and supervision) cannot be attached or "
                "checked on this page: check it against the case file."
            )
            lines.append(
                f"<p style='color:{colour(WARNING, self.summary)}'>{html.escape(text)}</p>"
            )
        late = _recorded_after_closing(case, spot_evidence)
        if late:
            # Allowed (files are often attached days later) but for the brigade's audit: a
            # gap of a step filled after the close reads as if filled in time.
            text = tr("Evidence recorded after the case was closed on {date}: {files}").format(
                date=_closed_on(case).isoformat(), files="、".join(late)
            )
            lines.append(
                f"<p style='color:{colour(WARNING, self.summary)}'>{html.escape(text)}</p>"
            )
        if gaps:
            steps = "；".join(gap.text_zh() for gap in gaps)
            text = tr(
                "Steps lacking audio, video or photo evidence (each delivery, interview, site "
                "survey and supervision needs all three): {steps}"
            ).format(steps=steps)
            shown = colour(WARNING, self.summary)
            lines.append(f"<p style='color:{shown}'>{html.escape(text)}</p>")
        lines.append("<hr>")
        measurements = case.measurement_indices
        for index, event in enumerate(case.events):
            if index in measurements:
                # Figures, not a step: said as such, with what they are and when found.
                what = f"面积更正：{_figures_text(event)}"
                if event.measured_on is not None:
                    what += f"（{event.measured_on.isoformat()} 实地测量）"
            elif cases.is_withdrawal(event):
                what = "撤销案件"
            else:
                what = event.stage.label_zh
            lines.append(
                # Each typed field isolated (field_html): a direction override in the person
                # or a document must not reorder the fields after it.
                f"<p>{html.escape(history_text(case, event))} {html.escape(what)} "
                f"{field_html(event.person)} "
                f"{html.escape('；'.join(map(isolated, event.documents)))} "
                f"{remarks_html(case, event)}</p>"
            )
        self.summary.setHtml("".join(lines))
        self.stage.clear()
        for stage in case.allowed_next():
            self.stage.addItem(stage.label_zh, stage)
        if case.stage is not None and not case.closed:
            # A report (＋) is a document, not a step: recorded at the stage the case is in.
            self.stage.addItem(tr("Record a report only (the stage stays)"), REPORT_ONLY)
            if any(_running(d) for d in deadlines):
                # The party's time: the step offered first must not be the one that cuts it
                # short (处罚, 移交). A report is the one thing the office may record now.
                self.stage.setCurrentIndex(self.stage.findData(REPORT_ONLY))
        if case.stage in cases.WITHDRAW_FROM:
            self.stage.addItem(tr("Withdraw the case (opened in error or lawful)"), WITHDRAW)
        # Refilled without a word: what is typed in the correction's fields stays until a
        # step is picked (_fill_correction), as a refused correction keeps it (_moved_on).
        with QSignalBlocker(self.corrected):
            self.corrected.clear()
            for before, event in zip([None, *case.events], case.events):
                if event.event_id is not None:
                    self.corrected.addItem(correction_label(event, before), event.event_id)
            self.corrected.setCurrentIndex(self.corrected.count() - 1)  # the last step, mostly

    def _corrected_step(self) -> cases.CaseEvent | None:
        """The step picked to be corrected, as it stands (corrected before, maybe)."""
        event_id = self.corrected.currentData()
        return next((e for e in self._case.events if e.event_id == event_id), None)

    def _fill_correction(self) -> None:
        """The correction's date and remarks start as the picked step has them: what is left
        as it is stays so, and a correction of the remarks alone keeps the step's date (today
        there would move the step)."""
        step = self._corrected_step()
        if step is None:
            return
        self.corrected_date.setDate(QDate(step.date.year, step.date.month, step.date.day))
        self.corrected_note.setPlainText(step.note)
        # As filled in, no reason given: what differs from this is typed (is_changed).
        self._correction_started = (*self._correction_typed()[:2], "")

    def _current_calendar(self):
        return self._calendar() if callable(self._calendar) else self._calendar

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
        except ledger.CaseConflictError as error:
            self._moved_on(error)
            return False
        except (cases.ProcedureError, ledger.LedgerError, ValueError) as error:
            self.messages.setText(in_interface_language(str(error)))
            return False

    def _moved_on(self, error: ledger.CaseConflictError) -> None:
        """Another session recorded a row of the case since the page showed it: show the case
        as it now stands, with the refusal saying what came in; what the user typed and picked
        stays in the form (refresh does not touch it), to be checked and saved again."""
        stage, corrected = self.stage.currentData(), self.corrected.currentData()
        self.refresh()
        with QSignalBlocker(self.corrected):  # the step as picked, its fields as typed
            for combo, data in ((self.stage, stage), (self.corrected, corrected)):
                index = combo.findData(data)
                if data is not None and index >= 0:
                    combo.setCurrentIndex(index)
        self.messages.setText(in_interface_language(str(error)))

    def _same_as_last(self, event: cases.CaseEvent) -> bool:
        """Whether ``event`` repeats the case's last step (step, day, person, documents): a Save
        pressed twice. 制止 and 调查 may repeat, for another party, so it is asked, not refused."""
        last = self._case.events[-1]
        return (last.stage, last.date, last.person, tuple(last.documents)) == (
            event.stage,
            event.date,
            event.person,
            tuple(event.documents),
        )

    def _report_made_before(self, event: cases.CaseEvent) -> tuple[str, dt.date] | None:
        """A report document of ``event`` the case already has, with the day first recorded:
        a report is made once (a second 违法线索书面报告 a day later is most likely the same
        one typed again), but a serious-case report per spell may repeat, so it is asked."""
        events = self._case.events
        for document in event.documents:
            if document in cases.REPORT_DOCUMENTS:
                day = next((e.date for e in events if document in e.documents), None)
                if day is not None:
                    return document, day
        return None

    def _record_report_again(self, document: str, day: dt.date) -> bool:
        answer = QMessageBox.question(
            self,
            tr("Report recorded already?"),
            plain_html(
                tr(
                    "“{document}” is on the case already, recorded on {date}. Record it again "
                    "(a further report, not the same one)?"
                ).format(document=document, date=day.isoformat())
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _record_again(self, event: cases.CaseEvent) -> bool:
        answer = QMessageBox.question(
            self,
            tr("Same step again?"),
            plain_html(  # the person is as typed, maybe by another user
                tr(
                    "{stage} on {date} by {person} is the case's last step already. Record it "
                    "again (for another party, say)?"
                ).format(
                    stage=event.stage.label_zh, date=event.date.isoformat(), person=event.person
                )
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _periods_cut_short(self, event: cases.CaseEvent) -> list[cases.Deadline]:
        """The party's periods ``event`` would be taken within (Deadline.premature once it is
        applied, as the case will flag it): the procedure decides, not a second rule here. None
        when the step is refused anyway: saving says why."""
        case, rules, calendar = self._case, self._rules, self._current_calendar()
        try:
            after = case.apply(event)
        except cases.ProcedureError:
            return []

        def cut(deadline: cases.Deadline) -> bool:
            return deadline.premature or deadline.possibly_premature

        before = {d.name for d in case.deadlines(rules, calendar) if cut(d)}
        return [d for d in after.deadlines(rules, calendar) if cut(d) and d.name not in before]

    def _record_within(self, event: cases.CaseEvent, period: cases.Deadline) -> bool:
        """Asked, No by default: within the party's period the step is a defect that can void
        it, recorded only when the party waived the period."""
        if period.possibly_premature:
            # After the guessed end: the schedule the guess lacks may put the end later.
            said = tr(
                "{period} ends on {due} by an estimate only (no holiday schedule for its "
                "year): it may run later. Record {stage} on {date}? Only if the party waived "
                "the period, or once the year's holidays are added and the period has run out."
            )
        else:
            said = tr(
                "{period} runs until {due}. Record {stage} on {date} within it? Only if the "
                "party waived the period: a step taken within it can make the decision void."
            )
        answer = QMessageBox.question(
            self,
            tr("Within the party's period?"),
            plain_html(
                said.format(
                    period=period.label_zh,
                    due=period.due.isoformat(),
                    stage=event.stage.label_zh,
                    date=event.date.isoformat(),
                )
            ),
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
        case = self._case if report_only else None
        day = self.date.date()
        documents = tuple(domain.split_list(self.documents.text(), enumeration=False))
        if stage == WITHDRAW:  # a close with the withdrawal's document; the remarks say why
            stage, documents = cases.Stage.CLOSE, (*documents, cases.DOC_WITHDRAWAL)
        event = cases.CaseEvent(
            case_id=self.case_id,
            stage=case.stage if report_only else stage,
            date=dt.date(day.year(), day.month(), day.day()),
            person=self.person.text().strip(),
            documents=documents,
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
        cut_short = [] if report_only else self._periods_cut_short(event)
        if cut_short and not self._record_within(event, cut_short[0]):
            period = cut_short[0]
            said = (
                tr("Not recorded: {period} may run later than its estimated end {due}.")
                if period.possibly_premature
                else tr("Not recorded: {period} runs until {due}.")
            )
            self.messages.setText(said.format(period=period.label_zh, due=period.due.isoformat()))
            return False
        if self._same_as_last(event):
            if not self._record_again(event):
                self.messages.setText(tr("Not recorded: the same step as the last one."))
                return False
        elif (earlier := self._report_made_before(event)) is not None:
            document, day = earlier
            if not self._record_report_again(document, day):
                self.messages.setText(
                    tr("Not recorded: “{document}” is on the case already ({date}).").format(
                        document=document, date=day.isoformat()
                    )
                )
                return False
        told = None
        try:
            self.store.add_case_event(self.case_id, event, seen=self._seen)
        except ledger.SavedWithoutReply as error:
            told = str(error)  # recorded: the page goes on as after any step
        self.messages.clear()
        self.documents.clear()
        self.note.clear()
        self._started = self._typed()  # recorded: the person stays for the next step
        if told is not None:  # said first: reading the case back below may fail
            self.saved_without_reply.emit(told)
        self.refresh()  # read back: the case as the ledger holds it
        self._fill_correction()  # the new step is the one offered to correct
        self.stepped.emit(self.page)
        what = tr("a report") if report_only else event.stage.label_zh
        if cases.is_withdrawal(event):
            what = tr("the withdrawal")
        self.recorded.emit(
            tr("Case {id}: {step} of {date} recorded").format(
                id=self.case_id, step=what, date=event.date.isoformat()
            )
        )
        return True

    def record_correction(self) -> bool:
        """The Correct button's slot: the chosen step's right date, with the person and the
        reason; a refusal is said on the page, never raised into Qt. True once recorded."""
        step = self._corrected_step()
        if step is None:
            return False
        day = self.corrected_date.date()
        day = dt.date(day.year(), day.month(), day.day())
        remarks = self.corrected_note.toPlainText().strip()
        if day == step.date and remarks == step.note.strip():
            self.messages.setText(
                tr("Nothing to correct: give the right date or the right remarks of the step.")
            )
            return False
        told = None
        try:
            self.store.correct_case_event(
                self.case_id,
                int(step.event_id),
                date=day,
                person=self.person.text().strip(),
                reason=self.reason.text(),
                # Only remarks put right are recorded as such: the step's own stay its own.
                note=None if remarks == step.note.strip() else remarks,
                seen=self._seen,
            )
        except ledger.SavedWithoutReply as error:
            told = str(error)  # recorded: the page goes on as after any correction
        except ledger.CaseConflictError as error:
            self._moved_on(error)
            return False
        except (cases.ProcedureError, ledger.LedgerError, ValueError) as error:
            self.messages.setText(in_interface_language(str(error)))
            return False
        self.messages.clear()
        self.reason.clear()
        self.show_correction.setChecked(False)  # done: the rows go until asked for again
        if told is not None:  # said first: reading the case back below may fail
            self.saved_without_reply.emit(told)
        self.refresh()
        self._fill_correction()
        self.stepped.emit(self.page)
        self.recorded.emit(
            tr("Case {id}: the step {step} corrected").format(
                id=self.case_id, step=step.stage.label_zh
            )
        )
        return True
