"""The verdict form (判定): legal with basis and approval, illegal with kind, other with kind."""

from __future__ import annotations

import contextlib
import datetime as dt

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QDate, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
)

from ..core import domain, ledger
from ..core import ledger_schema as ls
from ..i18n import in_interface_language, labelled, tr, with_english
from .entries_panel import (
    AreaSpinBox,
    EntriesPanel,
    FormComboBox,
    date_edit,
    done_date_edit,
)
from .messages import RemarksEdit, plain_label, refusal_label, text_field

VERIFIER_SETTING = "zc_enforcement/verifier"  # the last verifier's name, offered next time
# How an approval number is written, shown in the empty field of a legal verdict alone: in the
# disabled field of another verdict, grey, it read as a number recorded for the spot.
APPROVAL_NUMBER_EXAMPLE = "鲁政土字〔2021〕123号"
# The areas found on site, named by what they measure (the boxes give m²) and their field.
AREA_LABELS = {
    name: f"{domain.AREA_SUBJECTS_ZH[name]} {name}"
    for name in (
        domain.CULTIVATED_AREA,
        domain.AGRICULTURAL_AREA,
        domain.CONSTRUCTION_AREA,
        domain.UNUSED_AREA,
        domain.BASIC_FARMLAND_AREA,
        domain.RED_LINE_AREA,
    )
}


def _entry_lines(verdict: ledger.Verdict) -> list[tuple[str, str]]:
    """(the form's label, the value shown) of each filled-in entry of a verdict."""
    details = verdict.details
    approved = details.get(ls.DETAIL_APPROVED_AREA)
    category = with_english(verdict.category, ls.CATEGORY_LABELS_EN.get(verdict.category, ""))
    kind = (
        with_english(verdict.kind, ls.KIND_LABELS_EN.get(verdict.kind, "")) if verdict.kind else ""
    )
    verified_on = verdict.verified_on
    lines = [
        (tr("Verdict"), category),
        (tr("Basis or kind"), kind),
        (tr("Approval number"), verdict.approval_number or ""),
        (tr("Approval date"), details.get(ls.DETAIL_APPROVAL_DATE, "")),
        (tr("Approved area"), f"{approved:,.2f} m²" if approved else ""),
        (tr("Actual use"), details.get(ls.DETAIL_ACTUAL_USE, "")),
        (tr("Party responsible"), details.get(ls.DETAIL_PARTY, "")),
        (tr("Stop order issued"), "✔" if details.get(ls.DETAIL_STOP_ORDER) else ""),
        (
            tr("Areas found on site (m²)"),
            "; ".join(
                f"{AREA_LABELS[name]} {sqm:,.2f}" for name, sqm in verdict.areas.items() if sqm
            ),
        ),
        (tr("Remarks"), verdict.note),
        (tr("Verifier"), verdict.verifier),
        (tr("Date verified"), verified_on.isoformat() if isinstance(verified_on, dt.date) else ""),
    ]
    return [(label, str(value)) for label, value in lines if value not in ("", None)]


class VerdictPanel(EntriesPanel):
    """Fill in and validate a verdict for one spot; `saved` carries it once the ledger took it."""

    saved = pyqtSignal(object)  # the ledger.Verdict recorded

    def __init__(
        self,
        spot: ledger.Spot,
        category: str,
        save,
        parent=None,
        current: ledger.Verdict | None = None,
    ):
        """save(verdict) records it and raises ledger.VerdictError with messages when refused.
        `current`: the spot's verdict so far, whose site areas the form starts from."""
        super().__init__(parent)
        self.spot = spot
        self._save = save
        self.setPanelTitle(tr("Verdict for spot {number}").format(number=spot.number))
        self._unreadable: list[str] = []  # values the form could not start from, said on it
        layout = QVBoxLayout()  # the fields; the refusal and the buttons are the footer's
        form = QFormLayout()
        layout.addLayout(form)

        self.category = FormComboBox(self)
        self.category.setObjectName("category")
        for value in ls.VERDICT_CATEGORIES:
            self.category.addItem(with_english(value, ls.CATEGORY_LABELS_EN[value]), value)
        self.category.setCurrentIndex(ls.VERDICT_CATEGORIES.index(category))
        self.category.currentIndexChanged.connect(self._category_changed)
        # The kind chosen under each category while the form is open: 违法 → 其他 → 违法
        # brings back the 占用基本农田 chosen, not （请选择）.
        self._kind_chosen: dict[str, str | None] = {}
        self._shown_category: str | None = None
        form.addRow(tr("Verdict"), self.category)

        self.kind = FormComboBox(self)
        self.kind.setObjectName("kind")
        for box in (self.category, self.kind):  # their texts, not the dock, set no width
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
        form.addRow(tr("Basis or kind"), self.kind)

        self.approval_number = text_field(self)
        self.approval_number.setObjectName("approvalNumber")
        # The first approval screening found over the spot, as a start the verifier corrects.
        hits = spot.attributes.get(domain.APPROVAL_HITS) or ""
        self.approval_number.setText(str(hits).split(domain.HITS_SEPARATOR)[0].strip())
        form.addRow(tr("Approval number"), self.approval_number)
        self.approval_date = date_edit(self)
        self.approval_date.setSpecialValueText(" ")
        self.approval_date.setMinimumDate(QDate(1980, 1, 1))
        self.approval_date.setDate(self.approval_date.minimumDate())
        form.addRow(tr("Approval date"), self.approval_date)
        self.approved_area = AreaSpinBox(self)
        self.approved_area.setRange(0, 1e9)
        self.approved_area.setDecimals(domain.AREA_DECIMALS)
        self.approved_area.setSuffix(" m²")
        form.addRow(tr("Approved area"), self.approved_area)

        self.actual_use = text_field(self)
        form.addRow(tr("Actual use"), self.actual_use)
        self.party = text_field(self)
        form.addRow(tr("Party responsible"), self.party)
        self.stop_order = QCheckBox(tr("Stop order issued"), self)
        # The whole row, not beside an empty label: its Chinese text (已下达责令停止违法行为
        # 通知书) and the label's column were wider than a 300 px panel.
        form.addRow(self.stop_order)

        areas_box = QGroupBox(tr("Areas found on site (m²)"), self)
        grid = QFormLayout(areas_box)
        self.areas: dict[str, QDoubleSpinBox] = {}
        # The areas last found on site, else screening's: a form saved again to change a remark
        # must not put the screening figures back (they would reach the spot's case too).
        measured = dict(current.areas) if current is not None and current.areas else {}
        for name in ls.VERDICT_AREA_FIELDS:
            spin = AreaSpinBox(areas_box)
            spin.setRange(0, 1e9)
            spin.setDecimals(domain.AREA_DECIMALS)
            spin.setValue(self._starting_area(name, measured.get(name, spot.attributes.get(name))))
            # One figure a row: two a row made the form wider than the dock, Save off-screen.
            grid.addRow(QLabel(AREA_LABELS[name], areas_box), spin)
            self.areas[name] = spin
        unchecked = ledger.unchecked_areas_reason(spot)
        if unchecked is not None:  # else a save would look held to an area it never was
            note = plain_label(areas_box, in_interface_language(unchecked))
            note.setObjectName("uncheckedAreas")
            note.setWordWrap(True)
            grid.addRow(note)
        layout.addWidget(areas_box)

        form2 = QFormLayout()
        layout.addLayout(form2)
        self.note = RemarksEdit(self)
        self.note.setObjectName("note")
        self.note.setMaximumHeight(70)
        # Tab goes on to the verifier, as in every other field: it typed a tab into the note.
        self.note.setTabChangesFocus(True)
        form2.addRow(tr("Remarks"), self.note)
        self.verifier = text_field(self)
        self.verifier.setObjectName("verifier")
        self.verifier.setText(str(QgsSettings().value(VERIFIER_SETTING, "") or ""))
        form2.addRow(tr("Verifier"), self.verifier)
        self.verified_on = done_date_edit(self)
        form2.addRow(tr("Date verified"), self.verified_on)

        self.messages = refusal_label(self)
        layout.addStretch(1)  # spare height below the form, not spread between its rows
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        # Not a "Discard": Cancel with entries asks about them, as the back arrow does.
        buttons.rejected.connect(self.leave)
        self.buttons = buttons
        self.lay_out(layout, buttons)
        self._category_changed()
        if current is not None:
            self._start_from(current)
        self.messages.setText(in_interface_language("\n".join(self._unreadable)))
        # What the form started with: a form left as it opened holds nothing of the user's.
        self._started = self.verdict()
        # Once a save was refused, the form's own check (ledger.validate_verdict) runs as the
        # fields change: a field put right takes its line away at once, one made wrong again
        # says so. The refusal's other lines (the ledger's: a conflict) stay until the next
        # save. None: no save refused since the form opened or last saved.
        self._ledger_refusal: list[str] | None = None
        self.on_any_entry_changed(self._check_again)

    def _starting_area(self, name: str, value) -> float:
        """A figure to start a box from; one delivered as text ("1,200.00") starts at 0 and
        the form says so, rather than the form not opening at all."""
        try:
            return float(value or 0.0)
        except (TypeError, ValueError):
            self._unreadable.append(
                tr("{field} was delivered as “{value}”, not a number: enter the figure.").format(
                    field=name, value=value
                )
            )
            return 0.0

    def _start_from(self, current: ledger.Verdict) -> None:
        """Fill the form from the spot's current verdict: saved again to change one thing, the
        new record must repeat the rest, not reset it to screening's or today's values. What
        was found on site (party, use, stop order) carries over to any category; who judged,
        when and the remark, the basis or kind and the approval only within the same category.
        Another category is a new judgment: today, by this computer's verifier, its own remark
        (carried over, 王五 correcting 张工's 违法 of 11-02 to 其他 today was recorded as
        王五's on 11-02, with the 违法 remark)."""
        details = current.details or {}
        self.actual_use.setText(str(details.get(ls.DETAIL_ACTUAL_USE) or ""))
        self.party.setText(str(details.get(ls.DETAIL_PARTY) or ""))
        self.stop_order.setChecked(bool(details.get(ls.DETAIL_STOP_ORDER)))
        if current.category != self.category.currentData():
            return
        self.note.setPlainText(current.note or "")
        if current.verifier:
            self.verifier.setText(current.verifier)  # the date's own verifier
        try:
            day = dt.date.fromisoformat(str(current.verified_on)[:10])
            self.verified_on.setDate(QDate(day.year, day.month, day.day))
        except (ValueError, TypeError):
            # Not silently today: saved again, the verdict would change its day.
            self._unreadable.append(
                tr("The current verdict's date “{value}” is unreadable: enter the date.").format(
                    value=current.verified_on
                )
            )
        index = self.kind.findData(current.kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)
        elif current.kind:  # a kind no longer listed: said, not silently dropped
            self._unreadable.append(
                tr("The current verdict's kind “{kind}” is no longer listed: choose one.").format(
                    kind=current.kind
                )
            )
        if current.category == ls.VERDICT_LEGAL:
            self.approval_number.setText(current.approval_number or "")
            with contextlib.suppress(ValueError, TypeError):
                day = dt.date.fromisoformat(str(details.get(ls.DETAIL_APPROVAL_DATE))[:10])
                self.approval_date.setDate(QDate(day.year, day.month, day.day))
            with contextlib.suppress(ValueError, TypeError):
                self.approved_area.setValue(float(details.get(ls.DETAIL_APPROVED_AREA) or 0.0))

    def _category_changed(self) -> None:
        category = self.category.currentData()
        if self._shown_category is not None:
            self._kind_chosen[self._shown_category] = self.kind.currentData()
        self._shown_category = category
        self.kind.clear()
        # Chosen, not defaulted: the first kind stood preselected, and a verdict saved without
        # a look at it was recorded as 未报即用 or 设施农用地 (the ledger refuses no kind).
        self.kind.addItem(tr("(choose)"), None)
        for kind in ls.VERDICT_KINDS[category]:
            self.kind.addItem(with_english(kind, ls.KIND_LABELS_EN.get(kind, "")), kind)
        chosen = self._kind_chosen.get(category)
        if chosen is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(chosen), 0))
        legal = category == ls.VERDICT_LEGAL
        for widget in (self.approval_number, self.approval_date, self.approved_area):
            widget.setEnabled(legal)
        self.approval_number.setPlaceholderText(APPROVAL_NUMBER_EXAMPLE if legal else "")

    def verdict(self) -> ledger.Verdict:
        """The verdict as filled in (not yet validated)."""
        legal = self.category.currentData() == ls.VERDICT_LEGAL
        approval_date = self.approval_date.date()
        details = {
            ls.DETAIL_ACTUAL_USE: self.actual_use.text().strip(),
            ls.DETAIL_PARTY: self.party.text().strip(),
            ls.DETAIL_STOP_ORDER: self.stop_order.isChecked(),
        }
        if legal:
            if approval_date > self.approval_date.minimumDate():
                details[ls.DETAIL_APPROVAL_DATE] = approval_date.toString("yyyy-MM-dd")
            if self.approved_area.value() > 0:
                details[ls.DETAIL_APPROVED_AREA] = round(self.approved_area.value(), 2)
        verified = self.verified_on.date()
        return ledger.Verdict(
            category=self.category.currentData(),
            kind=self.kind.currentData(),
            verifier=self.verifier.text().strip(),
            verified_on=dt.date(verified.year(), verified.month(), verified.day()),
            approval_number=(self.approval_number.text().strip() or None) if legal else None,
            areas={name: round(spin.value(), 2) for name, spin in self.areas.items()},
            note=self.note.toPlainText().strip(),
            details={k: v for k, v in details.items() if v not in ("", None)},
        )

    def description(self) -> str:
        return tr("verdict form for spot {number}").format(number=self.spot.number)

    def is_changed(self) -> bool:
        """Whether the form holds entries other than those it opened with."""
        return self.verdict() != self._started

    def entries(self) -> str:
        """What the form holds, a line per filled-in entry, under the form's own labels: for
        the user to type again when a verdict that had to be saved was refused."""
        return "\n".join(labelled(label, value) for label, value in _entry_lines(self.verdict()))

    def changed_entries(self) -> str:
        """The entries other than those the form opened with (the approval number and site
        areas screening gave, the verifier last saved, today): what the user typed or chose.
        The question on leaving listed them all, as if typed."""
        started, now = dict(_entry_lines(self._started)), dict(_entry_lines(self.verdict()))
        changed = [(label, value) for label, value in now.items() if started.get(label) != value]
        # An entry emptied (screening's approval number deleted, the order unticked) is a
        # change too: the question listed nothing for it.
        changed += [(label, tr("(cleared)")) for label in started if label not in now]
        return "\n".join(labelled(label, value) for label, value in changed)

    def save(self) -> bool:
        """Record the verdict as filled in. Refused, the reasons are shown under the form and
        False is returned; the form stays as it is."""
        verdict = self.verdict()
        told = None
        try:
            self._save(verdict)
        except ledger.SavedWithoutReply as error:
            told = str(error)  # recorded: saved like any other, said as such below
        except ledger.VerdictError as error:
            checked = set(ledger.validate_verdict(verdict, self.spot))
            self._ledger_refusal = [line for line in error.messages if line not in checked]
            self.messages.setText(in_interface_language("\n".join(error.messages)))
            return False
        except ledger.LedgerError as error:
            self.messages.setText(in_interface_language(str(error)))
            return False
        QgsSettings().setValue(VERIFIER_SETTING, verdict.verifier)
        self._started = verdict  # recorded: nothing of the form is unsaved now
        self._ledger_refusal = None
        if told is None:
            self.saved.emit(verdict)
        else:  # the dock reads the spot back and says it was saved, with why it asks
            self.saved_without_reply.emit(told)
        return True

    def _check_again(self, *_changed) -> None:
        """After a refused save, the form's lines as its fields now are: the verifier typed,
        the kind chosen, the red lines stayed until the next save, as if still wrong."""
        if self._ledger_refusal is None:
            return
        lines = self._ledger_refusal + ledger.validate_verdict(self.verdict(), self.spot)
        self.messages.setText(in_interface_language("\n".join(lines)))

    def accept(self) -> None:
        if self.save():
            self.acceptPanel()
