"""Cases from patrol findings (巡查发现): open one from a recorded patrol, and list them.

A spot's case is opened from the spot (C in the dock); an act found on patrol has no spot, so
its case starts from the patrol record, with the areas the office measured on site (they decide
the criminal scale, DOMAIN.md §5).
"""

from __future__ import annotations

import contextlib

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QVBoxLayout,
)

from ..core import cases, domain, ledger
from ..core.areas import shown_mu
from ..core.patrols import PatrolRecord
from ..i18n import in_interface_language, labelled, tr
from .entries_panel import AreaSpinBox, EntriesPanel, FormComboBox
from .messages import plain_label, refusal_label, text_field

# How much of a patrol's findings its entry shows: enough to tell two patrols of a day apart.
FINDINGS_SHOWN = 40
NOT_MEASURED = -0.01  # an area box's value below 0: left empty


def patrol_label(patrol: PatrolRecord) -> str:
    """A patrol as the picker lists it: date, office, staff and the start of its findings."""
    findings = " ".join(patrol.findings.split())
    if len(findings) > FINDINGS_SHOWN:
        findings = findings[:FINDINGS_SHOWN] + "…"
    staff = "、".join(patrol.staff)
    return f"{patrol.date.isoformat()} {patrol.office} {staff}  {findings}".rstrip()


def patrol_cases(store: ledger.LedgerStore) -> list[ledger.CaseRecord]:
    """The cases opened from patrols: open ones first, each group oldest first."""
    found = store.cases(ledger.CaseFilter(origin=cases.ORIGIN_PATROL))
    return sorted(found, key=lambda record: record.case.closed)


def case_label(record: ledger.CaseRecord) -> str:
    """A patrol case as the dock's menu lists it: id, stage and the patrol it came from."""
    stage = record.case.stage.label_zh if record.case.stage else ""
    return f"{record.case_id} {stage}（{record.patrol_id}）"


class PatrolCasePanel(EntriesPanel):
    """Pick a patrol and the areas found; `opened` carries the new case's id."""

    opened = pyqtSignal(str)

    def __init__(self, store: ledger.LedgerStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.setPanelTitle(tr("Open a case from a patrol finding"))
        layout = QVBoxLayout()  # the fields; the refusal and the buttons are the footer's
        self.form = form = QFormLayout()
        # The dock is narrow: long rows go under their label rather than widen the panel.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.patrol = FormComboBox(self)
        self.patrol.setObjectName("patrol")
        # A patrol's label runs long (findings); the full text shows in the list and tooltip.
        self.patrol.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.patrol.setMinimumContentsLength(16)
        # Newest first: the patrol a case is opened from is usually today's or yesterday's.
        for patrol in sorted(store.patrols(), key=lambda p: (p.date, p.id), reverse=True):
            self.patrol.addItem(patrol_label(patrol), patrol.id)
            self.patrol.setItemData(
                self.patrol.count() - 1, patrol.findings, Qt.ItemDataRole.ToolTipRole
            )
        form.addRow(tr("Patrol"), self.patrol)
        self.areas: dict[str, QDoubleSpinBox] = {}
        for field, title in (
            (domain.CULTIVATED_AREA, tr("Cultivated land occupied (GDMJ, m²)")),
            (domain.BASIC_FARMLAND_AREA, tr("Of which basic farmland (YJJBNTMJ, m²)")),
        ):
            box = AreaSpinBox(self)
            box.setObjectName(field)
            box.setDecimals(2)
            # One step below zero reads "not measured": a figure recorded on the case's first
            # event is kept for good, and 0 would say the act took no such land.
            box.setRange(NOT_MEASURED, 1e9)
            box.setSpecialValueText(tr("not measured"))
            box.setValue(NOT_MEASURED)
            box.setSuffix(" m²")
            box.valueChanged.connect(self._show_mu)
            form.addRow(title, box)
            self.areas[field] = box
        self.mu = plain_label(self)
        self.mu.setWordWrap(True)
        form.addRow(self.mu)
        self.person = text_field(self)
        self.person.setPlaceholderText(tr("the patrol's first staff member"))
        form.addRow(tr("Person"), self.person)
        layout.addLayout(form)
        self.messages = refusal_label(self)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.open_case)
        buttons.rejected.connect(self.leave)  # Cancel with figures typed asks about them
        self.lay_out(layout, buttons)
        if self.patrol.count() == 0:
            self.messages.setText(
                tr("No patrol in the ledger: record one first (Reports… › Record a patrol).")
            )
        self._show_mu()
        self._started = self._typed()

    def _typed(self) -> tuple:
        """The patrol picked, the areas measured and the person: what the case opens with."""
        areas = tuple(self.area(field) for field in self.areas)
        return (self.patrol.currentData(), areas, self.person.text().strip())

    def description(self) -> str:
        return tr("form opening a case from a patrol finding")

    def is_changed(self) -> bool:
        return self._typed() != self._started

    def entries(self) -> str:
        """The form as filled in, a line per entry under its own labels."""
        lines = [(tr("Patrol"), self.patrol.currentText())]
        lines += [
            (self.form.labelForField(box).text(), f"{self.area(field):,.2f} m²")
            for field, box in self.areas.items()
            if self.area(field) is not None
        ]
        lines.append((tr("Person"), self.person.text().strip()))
        return "\n".join(labelled(label, value) for label, value in lines if value)

    def save(self) -> bool:
        """Open the case as Save does; False when it was refused (said on the form)."""
        return self.open_case() is not None

    def area(self, field: str) -> float | None:
        """The area typed for ``field`` in m², None when not measured."""
        value = self.areas[field].value()
        return None if value < 0 else value

    def _show_mu(self) -> None:
        """The figures in 亩 as the reports print them, and whether they reach referral."""
        cultivated = self.area(domain.CULTIVATED_AREA)
        basic = self.area(domain.BASIC_FARMLAND_AREA)
        if cultivated is None and basic is None:
            self.mu.clear()
            return
        text = tr("{cultivated:.2f} mu cultivated, of which {basic:.2f} mu basic farmland").format(
            cultivated=shown_mu(cultivated or 0.0),
            basic=shown_mu(basic or 0.0),
        )
        if cases.criminal_scale(cultivated or 0.0, basic or 0.0):
            text += " — " + tr("criminal scale: transfer to public security")
        self.mu.setText(text)

    def open_case(self) -> str | None:
        patrol_id = self.patrol.currentData()
        if patrol_id is None:
            return None
        cultivated = self.area(domain.CULTIVATED_AREA)
        basic = self.area(domain.BASIC_FARMLAND_AREA)
        if cultivated is not None and basic is not None and basic > cultivated:
            # Asked as "of which": more than the whole is a typo, and it would be kept.
            self.messages.setText(
                tr("The basic farmland is part of the cultivated land: it cannot be larger.")
            )
            return None
        try:
            case_id = self.store.open_case(
                cases.ORIGIN_PATROL,
                patrol_id=patrol_id,
                person=self.person.text().strip() or None,
                cultivated_sqm=cultivated,
                basic_farmland_sqm=basic,
            )
        except ledger.SavedWithoutReply as error:
            # Opened, its reply (the case's id) lost: the case is the patrol's newest.
            self._started = self._typed()  # recorded: nothing of the form is unsaved now
            self.saved_without_reply.emit(str(error))
            case_id = None
            with contextlib.suppress(ledger.LedgerError):  # read back, if the ledger answers
                case_id = self._newest_case_of(patrol_id)
            if case_id is None:  # not readable back (it should be): the form closes all the same
                self.acceptPanel()
                return None
        except (ledger.LedgerError, cases.ProcedureError, ValueError) as error:
            self.messages.setText(in_interface_language(str(error)))
            return None
        self.opened.emit(case_id)
        return case_id

    def _newest_case_of(self, patrol_id: str) -> str | None:
        """The case last opened from ``patrol_id`` (case ids are the ledger's increasing
        serials), as read back from the ledger; None when it holds none."""
        found = [
            int(record.case_id)
            for record in self.store.cases(ledger.CaseFilter(origin=cases.ORIGIN_PATROL))
            if record.patrol_id == patrol_id
        ]
        return str(max(found)) if found else None
