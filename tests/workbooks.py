"""What every workbook the plugin writes is held to, read back with openpyxl: a header row in
Chinese as the bureau reads it, the English in a note on each header cell; figures as numbers,
never as text; m² and 亩 to 2 decimals (DOMAIN §4)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_from_string

from zc_enforcement_plugin.core.reports import NOTES_SHEET

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Columns of figures shown to 2 decimals: areas (DOMAIN §4), rates in % and scores.
AREA_HEADER = re.compile(r"(m²|亩|平方米|\(%\)|得分)")
SAME_IN_CHINESE = {"SHA-256"}  # a term Chinese forms write as it is


def header_row(sheet) -> int:
    """The row above the frozen pane: every sheet the plugin writes freezes its header."""
    _, row = coordinate_from_string(sheet.freeze_panes)
    return row - 1


def check_workbook(path: str | Path, notes_sheets: tuple[str, ...] = (NOTES_SHEET.chinese,)) -> int:
    """Assert the rules above of every sheet but the notes; returns the figures checked."""
    book = openpyxl.load_workbook(path)
    areas = 0
    for sheet in book.worksheets:
        if sheet.title in notes_sheets:
            continue
        row = header_row(sheet)
        headers = list(sheet.iter_rows(min_row=row, max_row=row))[0]
        assert headers, f"{path}: sheet {sheet.title} has no header row"
        for cell in headers:
            text = cell.value
            where = f"{Path(path).name}, sheet {sheet.title}, header {cell.coordinate}"
            chinese = text in SAME_IN_CHINESE or CHINESE.search(text or "")
            assert text and chinese, f"{where}: {text!r} is not Chinese"
            assert " / " not in text, f"{where}: {text!r} has its English in the header"
            assert cell.comment is not None, f"{where}: {text!r} has no note with its English"
            english = cell.comment.text.strip()
            assert english and not CHINESE.search(english), f"{where}: note {english!r}"
        for column, cell in enumerate(headers, start=1):
            figures = [
                sheet.cell(r, column)
                for r in range(row + 1, sheet.max_row + 1)
                if sheet.cell(r, column).value is not None
            ]
            if not AREA_HEADER.search(cell.value):
                continue
            for figure in figures:
                where = f"{Path(path).name}, sheet {sheet.title}, {figure.coordinate}"
                # The totals row of a sheet may hold a SUM formula: still a number format.
                assert figure.data_type in ("n", "f"), f"{where}: {figure.value!r} is text"
                assert figure.number_format == "0.00", f"{where}: {figure.number_format}"
                areas += 1
    return areas
