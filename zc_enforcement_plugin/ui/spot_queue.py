"""The queue of spots as a table model: number, priority, suggested verdict, area, verdict."""

from __future__ import annotations

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt
from qgis.PyQt.QtGui import QBrush, QColor

from ..core import ledger_schema as ls
from ..core.areas import shown_mu
from ..i18n import tr

VERDICT_COLOURS = {
    ls.VERDICT_LEGAL: QColor(46, 125, 50),
    ls.VERDICT_ILLEGAL: QColor(198, 40, 40),
    ls.VERDICT_OTHER: QColor(97, 97, 97),
}


class SpotQueueModel(QAbstractTableModel):
    """Read-only rows of ledger.SpotSummary; the session owns the list, this only shows it."""

    COLUMNS = ("number", "priority", "suggested", "area", "verdict")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = []
        self.headers = (tr("Spot"), tr("Priority"), tr("Suggested"), tr("Area (mu)"), tr("Verdict"))

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        spot = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "number":
                return spot.number
            if column == "priority":
                return spot.priority
            if column == "suggested":
                return spot.suggested
            if column == "area":
                if spot.spot_area is None:
                    return None
                return f"{shown_mu(spot.spot_area):.2f}"
            if column == "verdict":
                return " ".join(p for p in (spot.category, spot.kind) if p) or tr("unverified")
        if role == Qt.ItemDataRole.ForegroundRole and column == "verdict" and spot.category:
            return QBrush(VERDICT_COLOURS.get(spot.category, QColor("black")))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("priority", "area"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
