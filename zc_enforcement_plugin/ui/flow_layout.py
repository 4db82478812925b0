"""A row of buttons that wraps onto further rows when the panel is too narrow for it.

The dock is used all day on 1366×768 laptops at 125 or 150 % scaling, where QGIS gives the
panel about 300 logical px: a row of buttons in a box layout made the page wider than that,
its last buttons cut at the right or the page scrolled sideways. Here each button keeps at
least its own width (its text whole) and those that do not fit go on the next row.

Its height is that of its rows at the width it was last given, and a change of their number
lays the page out again. Not Qt's heightForWidth: a page that has it is laid out by the
panel stack's scroll area at its preferred height for the width, never its least, and the
list, page and images stopped scrolling between the rows above and the buttons, which went
below the panel's foot.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QPoint, QRect, QSize, Qt
from qgis.PyQt.QtWidgets import (
    QApplication,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QWidget,
    QWidgetItem,
)


class FlowLayout(QLayout):
    """Items left to right, each as wide as its size hint, wrapped onto a new row where the
    next one does not fit. An item wider than a row alone is given the row, never less than
    its least width: a button's least width is its size hint (its text whole), a word-wrapped
    label's a word, and it then takes the lines it needs. A row's spare width goes to every
    item of it with ``fill`` (the buttons then share the row, as in the grid they replace),
    otherwise to the items that expand sideways (a progress bar), otherwise it is left empty
    at the row's right."""

    def __init__(self, parent: QWidget | None = None, fill: bool = False):
        super().__init__(parent)
        self.fill = fill
        self._items: list[QLayoutItem] = []
        self._width: int | None = None  # the width last laid out at: None, all on one row
        # The rows at each width laid out at since the items last changed (_plan). Qt lays
        # the dock's page out again at each move (a label's text changed), asking each flow
        # its size hint, least size and then its place: the same rows, worked out once.
        self._plans: dict[int, tuple[list[tuple[QLayoutItem, QRect]], int]] = {}
        if parent is None:  # a top-level layout takes its widget's margins; a nested one none
            self.setContentsMargins(0, 0, 0, 0)

    # --- QLayout's bookkeeping -------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def add_widgets(self, *widgets: QWidget) -> FlowLayout:
        """Add ``widgets`` in order (as QBoxLayout.addWidget would, one at a time)."""
        for widget in widgets:
            self.addChildWidget(widget)
            self.addItem(QWidgetItem(widget))
        self.invalidate()
        return self

    def invalidate(self) -> None:
        """QLayout.invalidate: what was worked out of the items is forgotten. Qt calls it on
        every layout of a page before laying the page out again, and on the layout of the
        items' widget when one of them changes (its text, shown or hidden), as it clears
        its own layouts' cached sizes."""
        self._plans.clear()
        super().invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        if not 0 <= index < len(self._items):
            return None
        self._plans.clear()
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        before = self._height()
        self._width = rect.width()
        places, height = self._plan(rect.width())
        margins = self.contentsMargins()
        for item, place in places:
            item.setGeometry(place.translated(rect.x() + margins.left(), rect.y() + margins.top()))
        if height != before:  # more rows or fewer: the page around makes room
            self.invalidate()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Every item on one row; as tall as the rows at the width last given."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._spacing() * max(len(shown) - 1, 0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), self._height())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """As wide as the widest item's least width (that item then has a row to itself); as
        tall as the rows at the width last given."""
        width = max((item.minimumSize().width() for item in self._shown()), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), self._height())

    def _height(self) -> int:
        """The height of the rows at the width last given (before any, of a single row)."""
        if self._width is None:
            height = max((item.sizeHint().height() for item in self._shown()), default=0)
            margins = self.contentsMargins()
            return height + margins.top() + margins.bottom()
        return self._plan(self._width)[1]

    # --- the rows --------------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _spacing(self) -> int:
        spacing = self.spacing()
        if spacing >= 0:
            return spacing
        # None set: as the box layouts beside it space their buttons.
        parent = self.parentWidget()
        style = parent.style() if parent is not None else QApplication.style()
        button = QSizePolicy.ControlType.PushButton
        return style.layoutSpacing(button, button, Qt.Orientation.Horizontal)

    def _rows(self, width: int, spacing: int) -> list[list[QLayoutItem]]:
        """The items shown, in rows no wider than ``width`` (an item wider has a row alone)."""
        rows: list[list[QLayoutItem]] = []
        used = 0
        for item in self._shown():
            wanted = item.sizeHint().width()
            if rows and used + spacing + wanted <= width:
                rows[-1].append(item)
                used += spacing + wanted
            else:
                rows.append([item])
                used = wanted
        return rows

    def _plan(self, width: int) -> tuple[list[tuple[QLayoutItem, QRect]], int]:
        """Where each item shown goes in rows ``width`` wide (margins included), from the
        inside of the margins' top left corner, and the height the rows take with the margins;
        worked out once for each width until the items change (invalidate)."""
        if width in self._plans:
            return self._plans[width]
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right()
        spacing = self._spacing()
        places: list[tuple[QLayoutItem, QRect]] = []
        y = 0
        for number, row in enumerate(self._rows(inner, spacing)):
            if number:
                y += spacing
            widths = self._widths(row, inner, spacing)
            height = max(
                item.heightForWidth(item_width) if item.hasHeightForWidth() else 0
                for item, item_width in zip(row, widths)
            )
            height = max(height, *(item.sizeHint().height() for item in row))
            x = 0
            for item, item_width in zip(row, widths):
                places.append((item, QRect(QPoint(x, y), QSize(item_width, height))))
                x += item_width + spacing
            y += height
        plan = self._plans[width] = (places, y + margins.top() + margins.bottom())
        return plan

    def _widths(self, row: list[QLayoutItem], width: int, spacing: int) -> list[int]:
        """The widths of a row's items, in a row ``width`` wide."""
        if len(row) == 1:  # wider than a row: the row, down to its least width
            (item,) = row
            least = item.minimumSize().width()
            if item.sizeHint().width() > width:
                return [max(width, least)]
        widths = [item.sizeHint().width() for item in row]
        spare = max(width - sum(widths) - spacing * (len(row) - 1), 0)
        growing = [
            index
            for index, item in enumerate(row)
            if self.fill or item.expandingDirections() & Qt.Orientation.Horizontal
        ]
        for share, index in enumerate(growing):  # the spare width shared out to the pixel
            widths[index] += spare * (share + 1) // len(growing) - spare * share // len(growing)
        return widths
