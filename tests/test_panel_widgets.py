"""The panel's small widgets as a user meets them: the mouse wheel over a form's value boxes
(it scrolls the form past a box not clicked or tabbed into, and changes only the box that has
the focus), and the evidence list's hint while it is empty."""

from __future__ import annotations

import pytest
from qgis.PyQt.QtCore import QPoint, QPointF, Qt
from qgis.PyQt.QtGui import QWheelEvent
from qgis.PyQt.QtWidgets import QApplication, QScrollArea, QVBoxLayout, QWidget

from zc_enforcement_plugin.ui.entries_panel import AreaSpinBox, FormComboBox, date_edit


def _wheel(widget, notches: int = -1) -> bool:
    """A wheel turned ``notches`` (one is 120 eighths of a degree; down is negative) with the
    pointer over the middle of ``widget``; whether the widget took it. One it leaves, Qt hands
    on to the widgets around it, the scroll area's (a real wheel's: one sent from here is
    not handed on)."""
    middle = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        middle,
        QPointF(widget.mapToGlobal(middle.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


@pytest.fixture
def form(qgis_app):
    """A form taller than its scroll area: a figure, a choice and a date at its top."""
    scroll = QScrollArea()
    page = QWidget()
    layout = QVBoxLayout(page)
    figure = AreaSpinBox(page)
    figure.setRange(0, 1e9)
    figure.setDecimals(2)
    figure.setValue(4105.55)
    choice = FormComboBox(page)
    choice.addItems(["违法", "其他", "合法"])
    day = date_edit(page)
    for widget in (figure, choice, day):
        layout.addWidget(widget)
    layout.addSpacing(3000)
    scroll.setWidget(page)
    scroll.resize(300, 200)
    scroll.show()
    QApplication.processEvents()
    yield scroll, figure, choice, day
    scroll.close()
    scroll.deleteLater()


def test_the_wheel_scrolls_past_a_box_without_the_focus_and_changes_it_with(form):
    """Scrolling the verdict form changed 耕地 from 4105.55 to 4103.55 and 判定 to 其他 as they
    passed under the pointer (the review of 2026-11-29): unfocused, each is left as it was
    and the form scrolls; clicked into, the wheel changes it, as Qt's boxes do."""
    scroll, figure, choice, day = form
    scroll.activateWindow()
    scroll.setFocus()  # the page has it, as the dock's review page does
    QApplication.processEvents()
    assert not any(box.hasFocus() for box in (figure, choice, day))
    before = day.date()
    assert not any(_wheel(box) for box in (figure, choice, day))  # handed on: the form scrolls
    assert figure.value() == 4105.55 and choice.currentText() == "违法" and day.date() == before
    assert figure.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel takes no focus
    figure.setFocus()
    QApplication.processEvents()
    assert figure.hasFocus()
    assert _wheel(figure, notches=1)
    assert figure.value() == pytest.approx(4106.55)


def test_the_wheel_scrolls_past_an_image_picker_too(qgis_app):
    """The before/after image pickers on the review page switched the image shown as the
    wheel passed over them (the day's code review): unfocused, they hand the wheel on."""
    from zc_enforcement_plugin.ui.image_comparison import ImagePicker

    picker = ImagePicker()
    picker.show()
    QApplication.processEvents()
    picker.clearFocus()
    assert picker.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert not _wheel(picker)
    picker.close()


def test_an_empty_evidence_list_says_what_to_do_there(qgis_app):
    """Empty, the evidence list was a blank box, its hint in a tooltip alone (a review in
    QGIS): it draws the hint (drop files here, or E) until a file is listed."""
    from qgis.PyQt.QtWidgets import QListWidget

    from zc_enforcement_plugin.ui.verification_dock import EvidenceList

    def colours(widget) -> int:
        widget.resize(320, 80)
        widget.show()
        QApplication.processEvents()
        image = widget.viewport().grab().toImage()
        seen = {
            image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(image.height())
        }
        widget.close()
        return len(seen)

    assert colours(QListWidget()) == 1  # Qt's own: blank
    empty = EvidenceList()
    assert "E" in empty.empty_text()
    assert colours(empty) > 1  # the hint drawn
