"""Where the dock says things: the red line under a form that says why a save was refused,
and the message log tab."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QLabel, QWidget

LOG_TAG = "ZC Enforcement"  # the message log tab the dock writes to
REFUSAL_COLOUR = "#b00020"  # the dock's red: refusals and overdue deadlines


def refusal_label(parent: QWidget) -> QLabel:
    """An empty, word-wrapped red label (object name "messages", which the tests find)."""
    label = QLabel(parent)
    label.setObjectName("messages")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {REFUSAL_COLOUR};")
    return label
