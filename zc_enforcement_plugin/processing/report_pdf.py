"""PDF of a core report (chart, tables, notes) drawn with QPdfWriter and QPainter.

Here rather than in core/ so core stays free of Qt. Landscape A4; page 1 holds the title, the bar
chart and the first table; further tables flow on, split across pages with their header repeated;
the notes and warnings start on a page of their own.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from qgis.PyQt.QtCore import QMarginsF, QRectF, Qt
from qgis.PyQt.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from ..core import xlsx
from ..core.reports import Chart, Sheet
from ..fonts import chinese_font_family

DPI = 150
MARGIN_MM = 12.0
CHART_HEIGHT_MM = 62.0
ROW_MM = 6.5
BAR_COLOUR = QColor(46, 110, 170)
THRESHOLD_COLOUR = QColor(200, 40, 40)
GRID_COLOUR = QColor(200, 200, 200)


class PdfDrawingError(Exception):
    """QPainter could not open the PDF file, or could not finish it: the caller says which file.

    QPainter does not raise: on a file it cannot open it only warns on stderr ("Painter not
    active") and draws nothing, and a report was said written that was not."""


def _mm(value: float) -> float:
    return value * DPI / 25.4


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class _Pages:
    """A painter on a PDF writer with a cursor running down the page."""

    def __init__(self, path: Path, title: str):
        self.path = str(path)
        self.writer = QPdfWriter(self.path)
        self.writer.setResolution(DPI)
        self.writer.setTitle(title)
        self.writer.setCreator("ZC Enforcement")
        layout = QPageLayout(
            QPageSize(QPageSize.A4),
            QPageLayout.Landscape,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Millimeter,
        )
        self.writer.setPageLayout(layout)
        self.painter = QPainter(self.writer)
        if not self.painter.isActive():
            raise PdfDrawingError(self.path)
        rect = self.writer.pageLayout().paintRectPixels(DPI)
        self.left = _mm(MARGIN_MM)
        self.top = _mm(MARGIN_MM)
        self.right = rect.width() - _mm(MARGIN_MM)
        self.bottom = rect.height() - _mm(MARGIN_MM)
        self.y = self.top
        self.pages = 1
        self.font_family = chinese_font_family()  # looked up once for the whole report

    @property
    def width(self) -> float:
        return self.right - self.left

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self.font_family)
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.setFont(font)
        return font

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1
        self.y = self.top

    def room(self) -> float:
        return self.bottom - self.y

    def line(self, text: str, size: float = 9.0, bold: bool = False, gap: float = 1.0) -> None:
        """A paragraph, word-wrapped to the page width."""
        # Metrics of the PDF device: the screen's would be for another resolution.
        metrics = QFontMetricsF(self.font(size, bold), self.writer)
        bounds = metrics.boundingRect(QRectF(0, 0, self.width, 10000), int(Qt.TextWordWrap), text)
        if bounds.height() > self.room():
            self.new_page()
            self.font(size, bold)
        self.painter.setPen(QColor(0, 0, 0))
        self.painter.drawText(
            QRectF(self.left, self.y, self.width, bounds.height()), int(Qt.TextWordWrap), text
        )
        self.y += bounds.height() + _mm(gap)

    def finish(self) -> int:
        """The number of pages, once the file is complete (end() writes and closes it)."""
        if not self.painter.end():
            raise PdfDrawingError(self.path)
        return self.pages


def _chart(pages: _Pages, chart: Chart) -> None:
    painter = pages.painter
    values = [v for v in chart.values if v is not None]
    top = max([*values, chart.threshold or 0.0, 0.0])
    if chart.maximum and top <= chart.maximum:
        top = chart.maximum
    elif chart.decimals == 0:  # counts: whole-number grid lines
        top = 5.0 * max(1, math.ceil(top * 1.15 / 5))
    else:
        top = _nice(top * 1.15 or 1.0)
    pages.line(chart.title, 10, True)
    area = QRectF(
        pages.left + _mm(14), pages.y + _mm(3), pages.width - _mm(16), _mm(CHART_HEIGHT_MM)
    )
    pages.font(7.5)
    # axis with 5 grid lines
    for i in range(6):
        value = top * i / 5
        y = area.bottom() - area.height() * i / 5
        painter.setPen(QPen(GRID_COLOUR, _mm(0.2)))
        painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
        painter.setPen(QColor(60, 60, 60))
        painter.drawText(
            QRectF(pages.left, y - _mm(2.5), _mm(12), _mm(5)),
            int(Qt.AlignRight | Qt.AlignVCenter),
            f"{value:g}{chart.unit}",
        )
    if chart.threshold is not None:
        # Under the bars and their labels, so no figure is crossed out.
        y = area.bottom() - area.height() * chart.threshold / top
        pen = QPen(THRESHOLD_COLOUR, _mm(0.5))
        pen.setStyle(Qt.DashLine)
        painter.setPen(pen)
        painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
        painter.drawText(
            QRectF(area.right() - _mm(40), y - _mm(5), _mm(40), _mm(4.5)),
            int(Qt.AlignRight),
            f"{chart.threshold:g}{chart.unit}",
        )
    count = max(len(chart.labels), 1)
    slot = area.width() / count
    bar = min(slot * 0.6, _mm(25))
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        x = area.left() + slot * i + (slot - bar) / 2
        if value is not None:
            height = area.height() * max(value, 0.0) / top
            painter.fillRect(QRectF(x, area.bottom() - height, bar, height), BAR_COLOUR)
            text = f"{value:.{chart.decimals}f}{chart.unit}"
            label_rect = QRectF(x, area.bottom() - height - _mm(5), bar, _mm(4.5))
            painter.fillRect(QRectF(metrics_box(painter, label_rect, text)), QColor(255, 255, 255))
            painter.setPen(QColor(0, 0, 0))
            painter.drawText(label_rect, int(Qt.AlignHCenter | Qt.AlignBottom), text)
        else:
            painter.setPen(QColor(120, 120, 120))
            painter.drawText(
                QRectF(x, area.bottom() - _mm(5), bar, _mm(4.5)), int(Qt.AlignHCenter), "—"
            )
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(
            QRectF(area.left() + slot * i, area.bottom() + _mm(1), slot, _mm(9)),
            int(Qt.AlignHCenter | Qt.AlignTop | Qt.TextWordWrap),
            label,
        )
    painter.setPen(QPen(QColor(0, 0, 0), _mm(0.3)))
    painter.drawLine(int(area.left()), int(area.bottom()), int(area.right()), int(area.bottom()))
    pages.y = area.bottom() + _mm(12)


def metrics_box(painter: QPainter, rect: QRectF, text: str) -> QRectF:
    """The box ``text`` takes when drawn bottom-centred in ``rect``."""
    return painter.boundingRect(rect, int(Qt.AlignHCenter | Qt.AlignBottom), text)


def _nice(value: float) -> float:
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


BODY_POINTS = 8.0  # a table's cells; its header is half a point smaller
SMALLEST_POINTS = 5.0  # a table too wide even at this size is drawn at it, some text cut
CELL_MARGIN_MM = 1.0  # each side of a cell's text
# Where a line may break: between CJK characters, or at a space; a run of other characters
# (a Latin word, a figure) stays whole.
_UNBREAKABLE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)


def header_font_of(pages: _Pages, points: float = BODY_POINTS) -> QFont:
    """The font of the header row of a table whose cells are ``points`` high."""
    font = QFont(pages.font_family)
    # Half a point smaller (bold reads as large), never below the smallest size a table is
    # drawn at: the header's names are what a reader of a squeezed table needs most.
    font.setPointSizeF(max(points - 0.5, SMALLEST_POINTS))
    font.setBold(True)
    return font


def _body_font(pages: _Pages, points: float) -> QFont:
    font = QFont(pages.font_family)
    font.setPointSizeF(points)
    return font


_FIGURE_KINDS = (xlsx.NUMBER, xlsx.INTEGER)


def _is_text(sheet: Sheet, c: int) -> bool:
    """A text column (office, subject…) wraps in its cell; any other keeps its value on one line."""
    return c >= len(sheet.columns) or sheet.columns[c].kind in (xlsx.TEXT, xlsx.AUTO)


def _column_widths(
    pages: _Pages, sheet: Sheet, headers: list[str], points: float
) -> tuple[list[float], bool]:
    """Widths for the table's columns at ``points``, and whether they fit the page.

    Figures, dates and codes get the width their widest value needs first: a narrow column of a
    wide table cut on character counts read '5.00' for 55.00. Text columns share what is left,
    each down to its longest unbreakable piece, and wrap. A header wraps between its words,
    never inside one (估算逾 / 期).
    """
    body = QFontMetricsF(_body_font(pages, points), pages.writer)
    heading = QFontMetricsF(header_font_of(pages, points), pages.writer)
    margins = _mm(2.5)  # the cell's margins and a little air
    one_line, least, weights = [], [], []
    for c, header in enumerate(headers):
        values = [_text(r[c]) for r in sheet.rows if c < len(r)]
        header_width = max([heading.horizontalAdvance(w) for w in header.split()] or [0.0])
        widest = max([body.horizontalAdvance(v) for v in values] or [0.0])
        one_line.append(max(widest, header_width) + margins)
        if _is_text(sheet, c):
            pieces = [p for v in values for p in _UNBREAKABLE.findall(v)]
            piece = max([body.horizontalAdvance(p) for p in pieces] or [0.0])
            least.append(max(piece, header_width) + margins)
        else:
            least.append(one_line[-1])
        # the share of spare room, by characters as before, the header counting less
        weights.append(max(max([len(v) for v in values] or [1]), len(header) * 0.45, 3))
    spare = pages.width - sum(one_line)
    if spare >= 0:
        return [n + spare * w / sum(weights) for n, w in zip(one_line, weights)], True
    spare = pages.width - sum(least)
    if spare < 0:  # the caller tries a smaller size; at the smallest, some text is cut
        return [m * pages.width / sum(least) for m in least], False
    # Each text column gets back the same part of what wrapping took from it.
    part = spare / sum(n - m for n, m in zip(one_line, least))
    return [m + (n - m) * part for n, m in zip(one_line, least)], True


def _table_layout(pages: _Pages, sheet: Sheet, headers: list[str]) -> tuple[float, list[float]]:
    """The font size of the table's cells and its column widths: the largest size, in half
    points from BODY_POINTS down to SMALLEST_POINTS, at which it fits the page."""
    points = BODY_POINTS
    while True:
        widths, fits = _column_widths(pages, sheet, headers, points)
        if fits or points <= SMALLEST_POINTS:
            return points, widths
        points -= 0.5


def _table(pages: _Pages, sheet: Sheet) -> None:
    painter = pages.painter
    columns = max([len(sheet.headers), *(len(r) for r in sheet.rows)])
    headers = list(sheet.headers) + [""] * (columns - len(sheet.headers))
    points, widths = _table_layout(pages, sheet, headers)
    header_font = header_font_of(pages, points)
    body_font = _body_font(pages, points)
    metrics = QFontMetricsF(header_font, pages.writer)
    header_height = max(
        metrics.boundingRect(QRectF(0, 0, w - _mm(1.5), 1000), int(Qt.TextWordWrap), h).height()
        for w, h in zip(widths, headers)
    ) + _mm(2)
    body = QFontMetricsF(body_font, pages.writer)
    inset = _mm(CELL_MARGIN_MM)

    def row_height(row: list) -> float:
        """ROW_MM, or more for a text that wraps to several lines."""
        lines = [
            body.boundingRect(
                QRectF(0, 0, w - 2 * inset, 10000), int(Qt.TextWordWrap), _text(row[c])
            ).height()
            for c, w in enumerate(widths)
            if c < len(row) and _is_text(sheet, c)
        ]
        return max([_mm(ROW_MM), *(h + _mm(1.5) for h in lines)])

    def header() -> None:
        painter.setFont(header_font)
        x = pages.left
        for w, h in zip(widths, headers):
            rect = QRectF(x, pages.y, w, header_height)
            painter.fillRect(rect, QColor(225, 232, 242))
            painter.setPen(QPen(QColor(120, 120, 120), _mm(0.2)))
            painter.drawRect(rect)
            painter.setPen(QColor(0, 0, 0))
            painter.drawText(
                rect.adjusted(_mm(0.75), 0, -_mm(0.75), 0),
                int(Qt.AlignCenter | Qt.TextWordWrap),
                h,
            )
            x += w
        pages.y += header_height
        painter.setFont(body_font)

    heights = [row_height(row) for row in sheet.rows]
    if pages.room() < header_height + (heights[0] if heights else _mm(ROW_MM)):
        pages.new_page()
    header()
    for r, (row, height) in enumerate(zip(sheet.rows, heights)):
        if pages.room() < height:
            pages.new_page()
            header()
        x = pages.left
        for c, w in enumerate(widths):
            value = row[c] if c < len(row) else None
            rect = QRectF(x, pages.y, w, height)
            if r % 2:
                painter.fillRect(rect, QColor(246, 246, 246))
            painter.setPen(QPen(QColor(170, 170, 170), _mm(0.2)))
            painter.drawRect(rect)
            painter.setPen(QColor(0, 0, 0))
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            # A figure column's "—" (nothing to count) stands where its figures stand.
            figures = c < len(sheet.columns) and sheet.columns[c].kind in _FIGURE_KINDS
            align = Qt.AlignRight if numeric or figures else Qt.AlignLeft
            if _is_text(sheet, c):
                align |= Qt.TextWordWrap
            painter.drawText(
                rect.adjusted(inset, 0, -inset, 0), int(align | Qt.AlignVCenter), _text(value)
            )
            x += w
        pages.y += height
    pages.y += _mm(5)


def write_report_pdf(report, path: str | Path) -> int:
    """Draw ``report`` (a core.reports report) into a PDF; returns the number of pages. Raises
    PdfDrawingError when the file cannot be written."""
    path = Path(path)
    sheets = report.sheets()
    notes = sheets[-1]  # every report ends with its notes sheet
    pages = _Pages(path, report.title)
    pages.line(report.title, 15, True, gap=2)
    for line in report.info_lines():
        pages.line(line, 9)
    pages.y += _mm(2)
    _chart(pages, report.chart())
    for sheet in sheets[:-1]:
        if pages.room() < _mm(30):  # a heading is never left alone at the foot of a page
            pages.new_page()
        pages.line(sheet.name, 10, True)
        _table(pages, sheet)
    pages.new_page()
    pages.line(notes.headers[0], 12, True, gap=2)
    for (text,) in notes.rows:
        pages.line(text, 9)
    return pages.finish()
