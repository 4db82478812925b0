"""Where the dock says things: the red line under a form that says why a save was refused,
the colours of refusals and warnings, and the message log tab; and how text from the ledger
(spot numbers, towns, names typed by other users, their refusals) is put into what Qt would
otherwise read as HTML, so that it is shown as typed and never drawn as markup."""

from __future__ import annotations

import html

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLabel, QWidget

from ..core.bidi import isolated

LOG_TAG = "ZC Enforcement"  # the plugin's message log tab, and the title of its message bar
REFUSAL_COLOUR = "#b00020"  # the dock's red: refusals and overdue deadlines
# The dock's amber, for what needs a look but stops nothing (a missing date, a re-delivery's
# changes, a geometry note): dark enough to read on white, where yellow is not.
WARNING_COLOUR = "#8a6d00"


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
    label.setStyleSheet(f"color: {REFUSAL_COLOUR};")
    return label
