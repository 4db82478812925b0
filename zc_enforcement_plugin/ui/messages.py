"""Where the dock says things: the red line under a form that says why a save was refused,
the colours of refusals and warnings, and the message log tab; and how text from the ledger
(spot numbers, towns, names typed by other users, their refusals) is put into what Qt would
otherwise read as HTML, so that it is shown as typed and never drawn as markup."""

from __future__ import annotations

import html

from qgis.PyQt.QtCore import QMimeData, Qt
from qgis.PyQt.QtGui import QPalette, QValidator
from qgis.PyQt.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QWidget,
)

from ..core.bidi import isolated, without_isolates

LOG_TAG = "ZC Enforcement"  # the plugin's message log tab, and the title of its message bar
# The dock's colours by what they say, each as (on a light background, on a dark one): a
# theme such as QGIS's Night Mapping draws the panel on #222, where the light-background red
# read at 2.2:1. Each reads at 4.5:1 at least (WCAG AA): its light variant on white, its dark
# one on #222 (test_every_text_colour_reads_at_wcag_aa_on_its_background).
REFUSAL = "refusal"  # red: refusals, overdue deadlines, missing evidence, the criminal scale
WARNING = "warning"  # amber: needs a look but stops nothing (a missing date, a geometry note)
MUTED = "muted"  # grey: done, a party's period over, the limitation line
ON_TIME = "on_time"  # green: a deadline not due yet
DUE_SOON = "due_soon"  # orange: due within a working day
LEGAL = "legal"  # the queue's verdicts
ILLEGAL = "illegal"
OTHER = "other"
COLOURS = {
    REFUSAL: ("#b00020", "#ff7b86"),
    # Amber dark enough to read on white, where yellow is not.
    WARNING: ("#8a6d00", "#e6b800"),
    MUTED: ("#616161", "#a5a5a5"),
    ON_TIME: ("#2e7d32", "#81c784"),
    # A burnt orange, 5.5:1 on white: Material's #e65100 read at 3.8:1, under WCAG AA.
    DUE_SOON: ("#b34700", "#ffab40"),
    LEGAL: ("#2e7d32", "#81c784"),
    ILLEGAL: ("#c62828", "#ff8a80"),
    OTHER: ("#616161", "#a5a5a5"),
}


def on_dark(widget: QWidget | None = None) -> bool:
    """Whether ``widget`` (else the application) draws its text on a dark background: its
    palette's base (where a page's text is) darker than mid-grey."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def colour(role: str, widget: QWidget | None = None) -> str:
    """The colour of ``role`` ("#rrggbb") for text drawn on ``widget``'s background (else the
    application's), read when the text is built: dark themes get the light variant."""
    light, dark = COLOURS[role]
    return dark if on_dark(widget) else light


def field_html(value: object) -> str:
    """A field of the ledger as a page's HTML shows it: escaped, and isolated so that neither
    its markup nor its direction marks act on the page. The one way data goes into HTML."""
    return html.escape(isolated("" if value is None else value), quote=False)


def plain_html(text: str) -> str:
    """``text`` for a place Qt reads as HTML when it looks like HTML (a message box, a
    tooltip): made HTML, escaped, its line breaks kept, so it is shown exactly as written."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def bar_html(text: str) -> str:
    """``text`` for the QGIS message bar, which always reads its text as HTML: escaped, its
    line breaks (each refused file of a drop on its own line) kept as breaks."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def plain_label(parent: QWidget, text: str = "") -> QLabel:
    """A label that shows its text as written, never as HTML: it may hold a layer's name, a
    spot's number or a refusal quoting what another user typed."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def refusal_label(parent: QWidget) -> QLabel:
    """An empty, word-wrapped red label (object name "messages", which the tests find). Plain
    text: a refusal quotes the ledger (a spot number, another user's name in a conflict)."""
    label = plain_label(parent)
    label.setObjectName("messages")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour(REFUSAL, parent)};")
    return label


class PageBrowser(QTextBrowser):
    """A page of the dock (a spot's, a case's) whose values are isolated (field_html): what is
    copied from it, by Ctrl+C, its menu, a drag or the selection a middle click pastes, comes
    without the isolates, as the text reads."""

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt's name)
        selection = self.textCursor().selection()
        data = QMimeData()
        data.setText(without_isolates(selection.toPlainText()))
        data.setHtml(without_isolates(selection.toHtml()))
        return data


class WithoutIsolates(QValidator):
    """A line edit's check that drops the isolates of text pasted or dropped into it (copied
    from a page elsewhere, or by another program) before the field takes it: rewritten here,
    the field says its text changed once, as the user will read it."""

    def validate(self, text: str, at: int) -> tuple[QValidator.State, str, int]:
        return (
            QValidator.State.Acceptable,
            without_isolates(text),
            len(without_isolates(text[:at])),
        )


def drop_isolates_when_pasted(field: QLineEdit, keeper: QWidget) -> None:
    """Have ``field`` drop the isolates of whatever is put into it (see WithoutIsolates). The
    check belongs to ``keeper``, a widget made in Python: a field Qt made (QgsFileWidget's)
    has no lasting Python wrapper, and the check's Python half went with it, leaving Qt's
    QValidator, which drops nothing."""
    field.setValidator(WithoutIsolates(keeper))


def text_field(parent: QWidget) -> QLineEdit:
    """A form's field for text people type (a name, a number, a reason) that drops the
    isolates of text pasted into it: a spot or approval number copied from a refusal, which
    sets each value apart (field_html), would be saved with them and match nothing later."""
    field = QLineEdit(parent)
    drop_isolates_when_pasted(field, parent)
    return field


class RemarksEdit(QPlainTextEdit):
    """A form's remarks box that drops the isolates of text pasted or dropped into it, as
    text_field does; what is typed goes in as typed."""

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt's name)
        if source.hasText():
            self.insertPlainText(without_isolates(source.text()))
