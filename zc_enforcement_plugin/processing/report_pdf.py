"""PDF of a core report (chart, tables, notes) drawn with QPdfWriter and QPainter.

Here rather than in core/ so core stays free of Qt. Landscape A4; page 1 holds the title, the bar
chart and the first table; further tables flow on, split across pages with their header repeated;
the notes and warnings start on a page of their own.
"""

from __future__ import annotations

import math
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

from ..core.reports import Chart, Sheet
from ..fonts import chinese_font_family

DPI = 150
MARGIN_MM = 12.0
CHART_HEIGHT_MM = 62.0
ROW_MM = 6.5
BAR_COLOUR = QColor(46, 110, 170)
THRESHOLD_COLOUR = QColor(200, 40, 40)
GRID_COLOUR = QColor(200, 200, 200)


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
        self.writer = QPdfWriter(str(path))
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
        self.painter.end()
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


def header_font_of(pages: _Pages) -> QFont:
    """The font of a table's header row."""
    font = QFont(pages.font_family)
    font.setPointSizeF(7.5)
    font.setBold(True)
    return font


def _table(pages: _Pages, sheet: Sheet) -> None:
    painter = pages.painter
    columns = max([len(sheet.headers), *(len(r) for r in sheet.rows)])
    headers = list(sheet.headers) + [""] * (columns - len(sheet.headers))
    # Width by content, the header counting less (it wraps), within the page width.
    weights = []
    for c in range(columns):
        body = max([len(_text(r[c])) for r in sheet.rows if c < len(r)] or [1])
        weights.append(max(body, len(headers[c]) * 0.45, 3))
    scale = pages.width / sum(weights)
    widths = [w * scale for w in weights]
    # A count of characters does not allow for a cell's margins: a narrow column of a wide
    # table (the ranking's score) was cut ("55.00" read "5.00"). Every column gets the room its
    # widest value needs when the page has it, the rest shared out as before.
    body_font = QFont(pages.font_family)
    body_font.setPointSizeF(8)
    body = QFontMetricsF(body_font, pages.writer)
    heading = QFontMetricsF(header_font_of(pages), pages.writer)
    needed = [
        max(
            [body.horizontalAdvance(_text(r[c])) for r in sheet.rows if c < len(r)]
            # a header wraps between its words, never inside one (估算逾 / 期)
            + [heading.horizontalAdvance(word) for word in headers[c].split()]
        )
        + _mm(2.5)
        for c in range(columns)
    ]
    spare = pages.width - sum(needed)
    if spare > 0:
        widths = [n + spare * w / sum(weights) for n, w in zip(needed, weights)]
    header_font = header_font_of(pages)
    metrics = QFontMetricsF(header_font, pages.writer)
    header_height = max(
        metrics.boundingRect(QRectF(0, 0, w - _mm(1.5), 1000), int(Qt.TextWordWrap), h).height()
        for w, h in zip(widths, headers)
    ) + _mm(2)
    row_height = _mm(ROW_MM)

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

    if pages.room() < header_height + row_height:
        pages.new_page()
    header()
    pages.font(8)
    for r, row in enumerate(sheet.rows):
        if pages.room() < row_height:
            pages.new_page()
            header()
            pages.font(8)
        x = pages.left
        for c, w in enumerate(widths):
            value = row[c] if c < len(row) else None
            rect = QRectF(x, pages.y, w, row_height)
            if r % 2:
                painter.fillRect(rect, QColor(246, 246, 246))
            painter.setPen(QPen(QColor(170, 170, 170), _mm(0.2)))
            painter.drawRect(rect)
            painter.setPen(QColor(0, 0, 0))
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            align = Qt.AlignRight if numeric else Qt.AlignLeft
            painter.drawText(
                rect.adjusted(_mm(1), 0, -_mm(1), 0), int(align | Qt.AlignVCenter), _text(value)
            )
            x += w
        pages.y += row_height
    pages.y += _mm(5)


def write_report_pdf(report, path: str | Path) -> int:
    """Draw ``report`` (a core.reports report) into a PDF; returns the number of pages."""
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
