"""A page of the dock whose typed entries are never dropped without a word.

The verdict form, the case page and the patrol-case form hold what a technician typed on site.
Whichever way such a page goes (its Cancel or Close button, the stack's back arrow, Escape, the
project closing, another ledger opening, the plugin unloading), the user is asked, as QGIS asks
about a layer's unsaved edits: save the entries, through the page's own Save, or discard them,
or, where leaving can wait, stay on the page.

Each such page keeps its refusal line and its Save/Cancel in a footer at its foot, always in
view, with its fields scrolling above it; Ctrl+Return (or Ctrl+Enter) saves from any field.
On a narrow panel (300 px, a 1366×768 screen at 150 %) its fields go under their labels and
its buttons onto a second row, rather than the page scrolling sideways with Save cut off.
"""

from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsPanelWidget
from qgis.PyQt.QtCore import QDate, QEvent, Qt, pyqtSignal
from qgis.PyQt.QtGui import QKeySequence
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QShortcut,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ..core import clock
from ..core.dates import as_typed
from ..i18n import tr
from .flow_layout import FlowLayout
from .messages import LOG_TAG, plain_html

# The forms' dates as the ledger, the reports and Chinese forms write them (2026-11-27), in
# any interface language: Qt's locale format read "27 Nov 2026" in a Chinese QGIS.
DATE_DISPLAY_FORMAT = "yyyy-MM-dd"


class ScrollsPastUnlessFocused:
    """A form's value box (figure, date, choice) that the mouse wheel changes only once it
    has the focus (clicked or tabbed into): over one it is passing, the wheel scrolls the form
    or the list around it. Qt's boxes took the wheel as they passed under the pointer: a
    technician scrolling the verdict form changed 耕地 from 4105.55 to 4103.55, switched 判定
    to 其他 (its kind lost), or the status filter, without a word (a review of 2026-11-29)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not WheelFocus (a spin box's default): the wheel passing over takes no focus.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event):  # noqa: N802 - Qt API
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # handed on to the scroll area the box lies in


class FormComboBox(ScrollsPastUnlessFocused, QComboBox):
    """A form's or a filter's list of choices (ScrollsPastUnlessFocused)."""


class FormDateEdit(ScrollsPastUnlessFocused, QDateEdit):
    """A QDateEdit that Tab and Shift+Tab leave at once, as every other field of a form.

    Qt's stops on each section of the date (year, month, day) before the next field: three
    Tabs through one date, for a technician who goes through hundreds of forms by keyboard.
    The sections stay reachable by typing (a full year goes on to the month, "-" to the next
    section), by Ctrl+Left/Right and by the calendar."""

    def event(self, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            modifiers = event.modifiers()
            if not modifiers & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            ):
                forward = event.key() == Qt.Key.Key_Tab and not (
                    modifiers & Qt.KeyboardModifier.ShiftModifier
                )
                # QWidget's own focus move, not QDateTimeEdit's, which goes section by section
                # (and which Ctrl+Left/Right still use).
                if QWidget.focusNextPrevChild(self, forward):
                    return True
        return super().event(event)


class AreaSpinBox(ScrollsPastUnlessFocused, QDoubleSpinBox):
    """A figure box that reads what a Chinese input method types: ６０７．７７ is 607.77 (Qt's
    own box took none of it, left 0.00 and said nothing; the save was then refused for areas
    not adding up)."""

    def validate(self, text, position):  # noqa: D102 - Qt API
        return super().validate(as_typed(text), position)

    def valueFromText(self, text):  # noqa: N802 - Qt API
        return super().valueFromText(as_typed(text))


def date_edit(parent, date: QDate | None = None) -> QDateEdit:
    """A form's date field: ISO dates, a calendar to pick from, ``date`` (else Qt's default),
    one Tab stop (FormDateEdit)."""
    edit = FormDateEdit(parent) if date is None else FormDateEdit(date, parent)
    edit.setDisplayFormat(DATE_DISPLAY_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def today_qdate() -> QDate:
    """Today in Beijing time, as Qt holds dates (QDate.currentDate() is the day in this
    computer's own zone: yesterday before 08:00 on a laptop set to UTC)."""
    day = clock.today()
    return QDate(day.year, day.month, day.day)


def done_date_edit(parent) -> QDateEdit:
    """A date field for something already done (a verification, a step): today in Beijing
    time, and no later, as the ledger refuses a date ahead."""
    edit = date_edit(parent, today_qdate())
    edit.setMaximumDate(today_qdate())
    return edit


# A form label wider than this (logical px) wraps: it would not fit a 300 px panel beside the
# page's margins with its field under it.
WRAP_LABELS_WIDER_THAN = 240


def fit_narrow(layout: QLayout) -> None:
    """Each form in ``layout`` (and in its group boxes) fitted to a narrow panel: a field that
    does not fit beside its label goes under it, and a label longer than the panel is wide
    wraps (a form as wide as its longest label and field made the page scroll sideways)."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.layout() is not None:
            fit_narrow(item.layout())
        elif item.widget() is not None and item.widget().layout() is not None:
            fit_narrow(item.widget().layout())
    if isinstance(layout, QFormLayout):
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for row in range(layout.rowCount()):
            label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            # Only a label that would not fit the panel wraps: QFormLayout sizes a wrapping
            # label's column by Qt's guess of its width, which broke short two-word labels
            # (其中永久基本农田 YJJBNTMJ) onto two lines even on a wide panel.
            widget = None if label is None else label.widget()
            if isinstance(widget, QLabel) and widget.sizeHint().width() > WRAP_LABELS_WIDER_THAN:
                widget.setWordWrap(True)


# The keys that save a page from any of its fields (Return alone goes on moving or typing in
# them: a QPlainTextEdit's new line, a combo box's list). Said on the Save button.
SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


# The entries a question lists: a remark of pages (3,900 characters) made the question taller
# than the screen, its buttons out of reach. Each entry cut to a line, and so many of them.
BRIEF_ENTRIES = 12
BRIEF_WIDTH = 80


def brief(entries: str) -> str:
    """The entries as a question shows them: each line cut to BRIEF_WIDTH characters, the
    first BRIEF_ENTRIES lines, and how many more."""
    lines = [
        line if len(line) <= BRIEF_WIDTH else line[: BRIEF_WIDTH - 1] + "…"
        for line in entries.splitlines()
    ]
    if len(lines) > BRIEF_ENTRIES:
        more = len(lines) - BRIEF_ENTRIES
        lines = [*lines[:BRIEF_ENTRIES], tr("… and {count} more").format(count=more)]
    return "\n".join(lines)


class EntriesPanel(QgsPanelWidget):
    """A page with typed entries. Subclasses give `messages` (the label under the form where a
    save's refusal is said) and implement the protocol below."""

    messages: QLabel
    # A save the ledger recorded whose reply was lost (ledger.SavedWithoutReply), its message:
    # the page went on as after any save (cleared or closed, read back from the ledger), and
    # the dock shows the message as information, never as a refusal the user would answer by
    # saving again.
    saved_without_reply = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._closed = False  # accepted, by whichever hand: never accepted twice
        self.panelAccepted.connect(self._mark_closed)

    def lay_out(self, body: QLayout, buttons: QDialogButtonBox, *more: QWidget) -> None:
        """The page's layout: ``body`` (its fields) above a footer of ``messages`` and
        ``buttons`` (after the buttons ``more``, on a row that wraps) that stays in view. A body
        taller than the panel scrolls on its own: laid out as one with the footer, the whole
        page scrolled in the panel stack, and on a 1536×864 QGIS the verdict form's Save lay at
        the panel's foot, 2 px of it in view, with the reason a save was refused below (and
        the case page's Close, at 150 % scaling)."""
        fit_narrow(body)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, page.contentsMargins().bottom())
        content = QWidget(self)
        content.setLayout(body)
        self.body_area = QScrollArea(self)
        self.body_area.setObjectName("bodyArea")
        self.body_area.setWidgetResizable(True)
        self.body_area.setFrameShape(QFrame.Shape.NoFrame)
        # No sideways scrolling: as wide as its fields, which the panel stack then makes room
        # for as it did before.
        self.body_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_area.setWidget(content)
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.body_area.setMinimumWidth(content.minimumSizeHint().width() + scroll_bar)
        page.addWidget(self.body_area, 1)
        footer = QVBoxLayout()
        margins = body.contentsMargins()
        footer.setContentsMargins(margins.left(), 0, margins.right(), 0)
        page.addLayout(footer)
        footer.addWidget(self.messages)
        # The box puts its own buttons at its right, and takes the row's spare width for that.
        footer.addLayout(FlowLayout().add_widgets(*more, buttons))
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        keys = " / ".join(SAVE_KEYS)
        save.setToolTip(tr("Save ({keys}, from any field of the page)").format(keys=keys))
        self.save_shortcuts = []
        for key in SAVE_KEYS:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            # As the button does, whatever the page's Save does (and not while it is disabled).
            shortcut.activated.connect(save.click)
            self.save_shortcuts.append(shortcut)

    def on_any_entry_changed(self, slot) -> None:
        """Call ``slot`` whenever any field of the page changes, whatever kind of field it is
        (typed, chosen, ticked, a figure or a date)."""
        signals = (
            (QLineEdit, "textChanged"),
            (QPlainTextEdit, "textChanged"),
            (QComboBox, "currentIndexChanged"),
            (QDoubleSpinBox, "valueChanged"),
            (QDateEdit, "dateChanged"),
            (QCheckBox, "toggled"),
        )
        for kind, signal in signals:
            for field in self.findChildren(kind):
                getattr(field, signal).connect(slot)

    # --- the protocol: what the page holds ---------------------------------------------------
    def description(self) -> str:
        """The page, as the question names it ("the verdict form for spot 123")."""
        raise NotImplementedError

    def is_changed(self) -> bool:
        """Whether the page holds entries other than those it opened (or last saved) with."""
        raise NotImplementedError

    def entries(self) -> str:
        """What the page holds, a line per filled-in entry under the page's own labels."""
        raise NotImplementedError

    def changed_entries(self) -> str:
        """The entries the question on leaving lists: those the user typed or changed. A page
        that opens empty holds no others: all of them."""
        return self.entries()

    def save(self) -> bool:
        """Save as the page's Save button does; refused, the reasons are in `messages`."""
        raise NotImplementedError

    # --- leaving -------------------------------------------------------------------------------
    def _mark_closed(self, *_panel) -> None:
        self._closed = True

    def leave(self) -> None:
        """Cancel, Close, the back arrow and Escape: the page closes once its entries are
        settled; it stays when the user says so, or when a save asked for is refused (its
        reasons are then under the form, and the entries with them)."""
        if self.settle(can_cancel=True) and not self._closed:
            self.acceptPanel()  # a save may have closed the page already (a patrol case)

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        # QgsPanelWidget closes a page on Escape through its C++ acceptPanel(), past any
        # question: Escape is the back arrow here.
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.leave()
            return
        super().keyPressEvent(event)

    def settle(self, can_cancel: bool = False) -> bool:
        """Before the page closes: asks about entries not saved, and saves them or not as the
        user says. With `can_cancel`, False when the page is to stay (the user cancelled, or
        a save was refused, its reasons then shown on the page, or failed). Without it (a
        project closing cannot be cancelled: QGIS closes it whatever a plugin says), a refused
        save is said with its reasons and the entries, to be typed again, and the page goes."""
        if self._closed or not self.is_changed():
            return True
        what = self.description()
        buttons = QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        if can_cancel:
            buttons |= QMessageBox.StandardButton.Cancel
        answer = QMessageBox.question(
            self,
            tr("Unsaved entries"),
            plain_html(  # the entries are as typed
                tr(
                    "The {page} is closing with entries that are not saved:\n\n{entries}\n\n"
                    "Save them now, or discard them?"
                ).format(page=what, entries=brief(self.changed_entries()))
            ),
            buttons,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer != QMessageBox.StandardButton.Save:
            return True
        entries = self.entries()  # as typed: a save may clear the page
        try:
            if self.save():
                return True
            if can_cancel:
                return False  # the page stays, its refusal said under it
            message = tr(
                "The entries of the {page} were not saved: {reasons}\n\n"
                "Nothing of them was recorded in the ledger. They were:\n{entries}"
            ).format(page=what, reasons=self.messages.text(), entries=entries)
        except Exception as error:  # noqa: BLE001 - a slot's work: said, never raised into Qt
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.MessageLevel.Warning)
            # Failed somewhere in saving: before the ledger took it, or after. Not known here.
            message = tr(
                "Saving the entries of the {page} stopped with an error: {error}\n\n"
                "Look at the ledger to see whether they were recorded. They were:\n{entries}"
            ).format(page=what, error=str(error) or type(error).__name__, entries=entries)
        # Also in the log, whole, where the entries can still be read once the message is
        # closed; the box shows them cut to fit the screen, and says where they are whole.
        QgsMessageLog.logMessage(message, LOG_TAG, Qgis.MessageLevel.Warning)
        shown = message.replace(entries, brief(entries))
        if shown != message:
            shown += "\n\n" + tr("Whole in QGIS's Log Messages panel, tab {tab}.").format(
                tab=LOG_TAG
            )
        # The reasons may quote another user's entries (a conflict): shown as written.
        QMessageBox.warning(self, tr("Not saved"), plain_html(shown))
        return not can_cancel  # the page stays with its entries where it can
