"""The queue of spots as a table: number, priority, suggested verdict, area, verdict."""

from __future__ import annotations

from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QAbstractItemView, QStyle, QTableView, QWidget

from ..core import domain
from ..core import ledger_schema as ls
from ..core.areas import shown_mu
from ..i18n import tr
from .messages import ILLEGAL, LEGAL, OTHER, colour

# The verdict column's colours, by category (messages.COLOURS roles).
VERDICT_COLOURS = {
    ls.VERDICT_LEGAL: LEGAL,
    ls.VERDICT_ILLEGAL: ILLEGAL,
    ls.VERDICT_OTHER: OTHER,
}


class SpotQueueModel(QAbstractTableModel):
    """Read-only rows of ledger.SpotSummary; the session owns the list, this only shows it.
    Its verdicts are coloured for the background of its parent widget (the panel's page)."""

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
                if spot.spot_area == 0:
                    # Screening's 0 m² for a spot without an outline: nothing was measured, as
                    # its page says (未量算); 0.00 read as a measured figure.
                    return "—"
                return f"{shown_mu(spot.spot_area):.2f}"
            if column == "verdict":
                return verdict_text(spot.category, spot.kind)
        if role == Qt.ItemDataRole.ForegroundRole and column == "verdict" and spot.category:
            role_of = VERDICT_COLOURS.get(spot.category)
            # Another category: the view's own text colour (None), not a black a dark
            # palette hid.
            if role_of is None:
                return None
            parent = self.parent()
            return QBrush(QColor(colour(role_of, parent if isinstance(parent, QWidget) else None)))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("priority", "area"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def verdict_text(category: str | None, kind: str | None) -> str:
    """The verdict column's text: category and kind, or that there is none yet."""
    return " ".join(p for p in (category, kind) if p) or tr("unverified")


# The widest text each column is to show whole, whatever the ledger holds: spot numbers are
# 14 digits (county code, year, sequence); figures in 亩 up to 99999.99. (The verdict column's
# "unverified" is added where the widths are measured: translated, it is not known at import.)
WIDEST_TEXTS = {
    "number": ("0" * 14,),
    "priority": ("4",),
    "suggested": (
        domain.SUGGEST_ILLEGAL,
        domain.SUGGEST_APPROVED,
        domain.SUGGEST_FIELD_CHECK,
        domain.SUGGEST_NO_CONCERN,
    ),
    "area": ("99999.99",),
    "verdict": tuple(
        verdict_text(category, kind)
        for category, kinds in ls.VERDICT_KINDS.items()
        for kind in kinds
    ),
}


MIN_ROWS_SHOWN = 4  # rows the list shows at its least height


class SpotQueueView(QTableView):
    """The queue as the dock shows it: each column as wide as the widest text it can hold, so
    that the list never changes its widths from one ledger or scroll to the next and its width
    (the panel's width, see sizeHint) is known before any ledger is open; and the
    current spot's row kept whole in view, also when the view is laid out or resized after
    the row was made current (a review reopened with the project showed the row half hidden)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setStretchLastSection(True)
        self._current_row = -1

    def setModel(self, model) -> None:  # noqa: N802 - Qt API
        super().setModel(model)
        self.fit_columns()

    def column_widths(self) -> list[int]:
        """What each column needs for its header and its widest text, in pixels."""
        model = self.model()
        metrics = self.fontMetrics()
        # Qt's item views leave this margin on either side of a cell's text.
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        header = self.horizontalHeader()
        texts = {**WIDEST_TEXTS, "verdict": (*WIDEST_TEXTS["verdict"], verdict_text(None, None))}
        return [
            max(
                header.sectionSizeHint(column),
                *(metrics.horizontalAdvance(text) + margin + 1 for text in texts[name]),
            )
            for column, name in enumerate(model.COLUMNS)
        ]

    def fit_columns(self) -> None:
        """Each column its width; a text wider than any foreseen (a kind since dropped from
        the list) widens its column rather than being cut (the list then scrolls sideways)."""
        widths = self.column_widths()
        for column, width in enumerate(widths):
            shown = self.sizeHintForColumn(column) if self.model().rowCount() else 0
            self.setColumnWidth(column, max(width, shown))

    def sizeHint(self):  # noqa: N802 - Qt API
        """As wide as its columns, its scroll bar and frame: the width the plugin gives the
        panel when there is room (VerificationDock.fitting_width), every column in view."""
        hint = self.minimumSizeHint()
        hint.setWidth(self._width_showing(self.column_widths()))
        return hint

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        """As wide as the spot's number, the column a technician finds a spot by: on a panel
        narrower than every column (300 px at 150 % scaling) the list scrolls sideways within
        itself, where it made the whole page scroll sideways, its buttons cut. As tall as a
        few rows, which a short panel keeps in view (the rest of the page scrolls)."""
        hint = super().minimumSizeHint()
        hint.setWidth(self._width_showing(self.column_widths()[:1]))
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        rows = MIN_ROWS_SHOWN * self.verticalHeader().defaultSectionSize()
        frame = 2 * self.frameWidth()
        hint.setHeight(self.horizontalHeader().sizeHint().height() + rows + scroll_bar + frame)
        return hint

    def _width_showing(self, widths: list[int]) -> int:
        """The view's width for columns of ``widths`` to show whole, beside its scroll bar."""
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return sum(widths) + scroll_bar + 2 * self.frameWidth()

    def show_row(self, row: int) -> None:
        """Select ``row`` and scroll it whole into view; -1 selects none."""
        self._current_row = row
        if row < 0:
            self.clearSelection()
            return
        self.selectRow(row)
        self._scroll_to_current()

    def _scroll_to_current(self) -> None:
        model = self.model()
        if not 0 <= self._current_row < model.rowCount():
            return
        # The rows of a model just reset are laid out later, with the scroll range: a row
        # scrolled to before that was left where the old range allowed.
        self.doItemsLayout()
        self.scrollTo(model.index(self._current_row, 0))

    def resizeEvent(self, event):  # noqa: N802 - Qt API
        # The list's own area changed (the panel shown or resized, a scroll bar come or gone):
        # the current row, scrolled into view for the old size, may now be cut.
        super().resizeEvent(event)
        self._scroll_to_current()
