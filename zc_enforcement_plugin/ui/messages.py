"""Where the dock says things: the red line under a form that says why a save was refused,
the colours of refusals and warnings, and the message log tab."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QLabel, QWidget

LOG_TAG = "ZC Enforcement"  # the plugin's message log tab, and the title of its message bar
REFUSAL_COLOUR = "#b00020"  # the dock's red: refusals and overdue deadlines
# The dock's amber, for what needs a look but stops nothing (a missing date, a re-delivery's
# changes, a geometry note): dark enough to read on white, where yellow is not.
WARNING_COLOUR = "#8a6d00"


def refusal_label(parent: QWidget) -> QLabel:
    """An empty, word-wrapped red label (object name "messages", which the tests find)."""
    label = QLabel(parent)
    label.setObjectName("messages")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {REFUSAL_COLOUR};")
    return label
