"""The verification dock (核查面板): for now a placeholder that says what it will hold."""

from __future__ import annotations

from qgis.gui import QgsDockWidget, QgsPanelWidget, QgsPanelWidgetStack
from qgis.PyQt.QtWidgets import QLabel, QVBoxLayout

from ..i18n import tr


class VerificationDock(QgsDockWidget):
    """A dock holding a panel stack, so later panels (spot, verdict, evidence) open as pages."""

    def __init__(self, parent=None):
        super().__init__(tr("Spot verification"), parent)
        self.stack = QgsPanelWidgetStack(self)
        home = QgsPanelWidget(self.stack)
        home.setPanelTitle(tr("Spot verification"))
        layout = QVBoxLayout(home)
        note = QLabel(
            tr(
                "Run “Screen spots” in the Processing toolbox (ZC Enforcement), then review the "
                "flagged spots here. The verification ledger is not available yet in this version."
            ),
            home,
        )
        note.setWordWrap(True)
        note.setObjectName("placeholderNote")
        layout.addWidget(note)
        layout.addStretch(1)
        self.stack.setMainPanel(home)
        self.setWidget(self.stack)
