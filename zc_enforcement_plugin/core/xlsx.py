"""XLSX workbooks with the standard library only: typed cells, a header and a totals row a sheet.

core/ takes no dependency beyond shapely, pyproj, fiona and rasterio (see STYLE.md), and what
the export and the reports need of the format is small: this is all of it, for both.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from . import clock
from .bilingual import Bilingual
from .files import replacing

# --- column kinds ---------------------------------------------------------------------------------
TEXT = "text"
NUMBER = "number"  # shown with Column.decimals decimals
INTEGER = "integer"
DATE = "date"
# A moment: a date and a time of day (a photo's capture time). Values that are not a datetime
# (a time with an offset other than Beijing's, kept as text so the offset shows) stay text.
DATETIME = "datetime"
AUTO = "auto"  # each cell as its value is: number (General), date or text

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
FONT = "宋体"  # what a Chinese Excel user expects; LibreOffice substitutes when missing
HEADER_FILL = "FFDDEBF7"
# A cell holds at most 32,767 characters: Excel cuts the rest of a longer text, or "repairs"
# the file. Texts are cut below that, leaving room for the note that ends them (cut_text);
# campaigns_schema's lists of numbers are cut to it too.
CELL_TEXT_LIMIT = 32_000
WHOLE_TEXT_IN_LEDGER = "台帐"  # where a sheet's texts are whole unless it says otherwise
MAX_WIDTH = 60  # characters: a column grows no wider; a longer text wraps in it (see _wraps)
ROWS_PER_PROGRESS = 500  # rows between two progress calls: a 24,000-row ledger takes seconds


def _in_cell(value: Any) -> Any:
    """What a cell holds of a value: a Bilingual's Chinese, any other value as it is."""
    return value.chinese if isinstance(value, Bilingual) else value


@dataclass(frozen=True)
class Column:
    """A column: its header and how its cells are written."""

    header: str
    kind: str = AUTO
    decimals: int = 2  # of a NUMBER column: shown, and the total rounded to them
    total: bool = False  # summed in the sheet's totals row
    # A total converted from another column's total, not summed: (index of that column, the
    # conversion, the same as a formula of that total's cell), e.g. 亩 from the m² total, so
    # rounded rows do not add their rounding up.
    total_from: tuple[int, Callable[[float], float], Callable[[str], str]] | None = None
    # The English name of the column (a field's code such as JCBH, or the English of the
    # header), in a note on the header cell: the header itself is the Chinese the bureau reads.
    # A note, not a second header row, so that every reader (Excel's filter, a script taking
    # the header row) still finds one header row above the data.
    code: str = ""

    @property
    def number_format(self) -> str:
        if self.kind == NUMBER:
            return "0." + "0" * self.decimals if self.decimals else "0"
        formats = {INTEGER: "0", DATE: DATE_FORMAT, DATETIME: DATETIME_FORMAT}
        return formats.get(self.kind, "General")


@dataclass
class Sheet:
    """One sheet: an optional title row, the header row (bold, shaded, frozen), the rows (each
    a sequence of values in column order) and an optional totals row."""

    # Made valid for Excel (31 characters, no []:*?/\) and unique on writing; a Bilingual's
    # Chinese, as a cell's.
    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    title: str | None = None  # a large row above the header, across the columns
    # First cells of a totals row under the rows, e.g. ("合计", "3 个图斑"); None: no totals row.
    # The totalled columns hold a SUM formula with its value, for readers that do not calculate.
    totals: Sequence[str] | None = None
    frozen_columns: int = 0  # left of the scroll; the title and header rows always stay
    autofilter: bool = False
    print_titles: bool = True  # title and header repeated on every printed page
    # Where a text cut at CELL_TEXT_LIMIT is whole, as the note ending it says (a file name).
    whole_text_in: str = WHOLE_TEXT_IN_LEDGER

    @property
    def header_row(self) -> int:
        return 2 if self.title else 1

    @property
    def width(self) -> int:
        """Columns written: a row longer than the columns gets columns without header."""
        return max([len(self.columns), *(len(row) for row in self.rows)])


def cut_text(text: str, whole_in: str = WHOLE_TEXT_IN_LEDGER) -> str:
    """`text` as a cell holds it: whole up to CELL_TEXT_LIMIT characters, else cut, ending
    with a note saying so and where the whole text is (`whole_in`)."""
    if len(text) <= CELL_TEXT_LIMIT:
        return text
    note = f"…【超出 Excel 单元格字符上限，已截断，共 {len(text)} 字符，全文见 {whole_in}】"
    return text[: CELL_TEXT_LIMIT - len(note)] + note


def cut_cells(sheet: Sheet) -> list[tuple[int, int]]:
    """(row, column) index of each text of the sheet's rows that writing cuts (cut_text), for
    a warning naming the spot and field."""
    return [
        (r, c)
        for r, row in enumerate(sheet.rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT
    ]


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_workbook(
    path: str | os.PathLike,
    sheets: Sequence[Sheet],
    title: str = "",
    progress: Callable[[float], None] | None = None,
) -> Path:
    """Write the sheets as one XLSX, replacing `path` only once it is complete.

    progress(fraction of the rows written) is called every ROWS_PER_PROGRESS rows; what it
    raises (a cancel) stops the writing, and `path` is left as it was."""
    path = Path(path)
    with replacing(path) as temporary:
        temporary.write_bytes(workbook_bytes(sheets, title, progress))
    return path


def workbook_bytes(
    sheets: Sequence[Sheet], title: str = "", progress: Callable[[float], None] | None = None
) -> bytes:
    """The sheets as the bytes of one XLSX file, for a workbook that goes into a zip."""
    title = title or next((sheet.title for sheet in sheets if sheet.title), "")
    strings = _SharedStrings()
    styles = _Styles()
    names = _sheet_names(sheets)
    parts = {
        "[Content_Types].xml": _content_types(
            len(sheets), [i for i, s in enumerate(sheets, start=1) if _header_notes(s)]
        ),
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": _core_properties(_in_cell(title)),
        "xl/workbook.xml": _workbook(sheets, names),
        "xl/_rels/workbook.xml.rels": _workbook_rels(len(sheets)),
    }
    total = sum(len(sheet.rows) for sheet in sheets)
    before = 0  # rows of the sheets already written

    for i, sheet in enumerate(sheets, start=1):

        def rows_written(count: int, before=before) -> None:
            if progress is not None and total:
                progress((before + count) / total)

        parts[f"xl/worksheets/sheet{i}.xml"] = _worksheet(
            sheet, i == 1, strings, styles, rows_written
        )
        before += len(sheet.rows)
        notes = _header_notes(sheet)
        if notes:
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = _NOTES_RELS.format(i=i)
            parts[f"xl/comments{i}.xml"] = _comments(notes)
            parts[f"xl/drawings/vmlDrawing{i}.vml"] = _vml_drawing(notes, i)
    parts["xl/styles.xml"] = styles.xml()  # after the sheets: they register the styles
    parts["xl/sharedStrings.xml"] = strings.xml()
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return data.getvalue()


# --- cells ----------------------------------------------------------------------------------------
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug
_EXCEL_MOMENT_EPOCH = dt.datetime.combine(_EXCEL_EPOCH, dt.time())


def _xml_text(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text), {'"': "&quot;"})


def _display_width(text: str) -> int:
    # Chinese characters take two columns in Excel's width unit.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _typed(kind: str, value: Any) -> Any:
    """The value as the cell holds it: None (empty), bool, number, date or text."""
    value = _in_cell(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if kind == TEXT:
        return str(value)
    if kind == DATETIME:
        return value if isinstance(value, dt.datetime) else str(value)
    if isinstance(value, dt.datetime):
        return value.date()  # the sheets show days; a time of day would only hide behind them
    if kind in (NUMBER, INTEGER) and not _is_number(value):
        return str(value)  # not a number: shown as written rather than lost
    if kind == DATE and not isinstance(value, dt.date):
        return str(value)
    return value


def _fitted(value: Any, whole_in: str) -> Any:
    return cut_text(value, whole_in) if isinstance(value, str) else value


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class _SharedStrings:
    def __init__(self):
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, text: str) -> int:
        self.count += 1
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{_xml_text(text)}</t></si>' for text in self.index
        )
        return (
            f'{_XML_HEAD}<sst xmlns="{_MAIN_NS}" count="{self.count}" '
            f'uniqueCount="{len(self.index)}">{items}</sst>'
        )


def _cell(ref: str, style: int, value: Any, strings: _SharedStrings, formula: str = "") -> str:
    value = _in_cell(value)
    if formula:
        cached = "" if value is None else f"<v>{value!r}</v>"
        return f'<c r="{ref}" s="{style}"><f>{formula}</f>{cached}</c>'
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if _is_number(value):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        # A serial day and the fraction of it gone: whole seconds, as the sheet shows them.
        days = (value.replace(tzinfo=None) - _EXCEL_MOMENT_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{style}"><v>{days!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}" s="{style}" t="s"><v>{strings(str(value))}</v></c>'


# --- styles ---------------------------------------------------------------------------------------
# Roles of a cell: (font, fill, border, alignment) with the fonts and fills of _Styles.xml().
_TITLE = (2, 0, 0, '<alignment horizontal="center" vertical="center"/>')
_HEADER = (1, 2, 1, '<alignment horizontal="center" vertical="center" wrapText="1"/>')
# Read from the top: in a row made tall by a wrapped text, every cell starts on its first line.
_BODY = (0, 0, 1, '<alignment vertical="top"/>')
_BODY_WRAPPED = (0, 0, 1, '<alignment vertical="top" wrapText="1"/>')
_TOTAL = (1, 2, 1, "")
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2}


class _Styles:
    """The cellXfs of styles.xml, one for each (role, number format) the sheets use."""

    def __init__(self):
        self.formats: dict[str, int] = {}  # custom number formats, from id 164
        self.xfs: dict[tuple, int] = {(0, 0, 0, 0, ""): 0}

    def __call__(self, role: tuple, number_format: str = "General") -> int:
        format_id = _BUILTIN_FORMATS.get(number_format)
        if format_id is None:
            format_id = self.formats.setdefault(number_format, 164 + len(self.formats))
        return self.xfs.setdefault((format_id, *role), len(self.xfs))

    def xml(self) -> str:
        font = f'<sz val="{{}}"/><name val="{FONT}"/><family val="2"/><charset val="134"/>'
        thin = '<color auto="1"/>'
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_xml_text(code)}"/>'
            for code, i in self.formats.items()
        )
        xfs = []
        for format_id, font_id, fill, border, alignment in self.xfs:
            applied = (
                (' applyNumberFormat="1"' if format_id else "")
                + (' applyFont="1"' if font_id else "")
                + (' applyFill="1"' if fill else "")
                + (' applyBorder="1"' if border else "")
                + (' applyAlignment="1"' if alignment else "")
            )
            attributes = (
                f'numFmtId="{format_id}" fontId="{font_id}" fillId="{fill}" '
                f'borderId="{border}" xfId="0"{applied}'
            )
            xfs.append(f"<xf {attributes}>{alignment}</xf>" if alignment else f"<xf {attributes}/>")
        return (
            f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="3"><font>{font.format(11)}</font><font><b/>{font.format(11)}</font>'
            f"<font><b/>{font.format(16)}</font></fonts>"
            '<fills count="3"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/>'
            '<bgColor indexed="64"/></patternFill></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f'<border><left style="thin">{thin}</left><right style="thin">{thin}</right>'
            f'<top style="thin">{thin}</top><bottom style="thin">{thin}</bottom><diagonal/>'
            "</border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


# --- a sheet --------------------------------------------------------------------------------------
def _worksheet(
    sheet: Sheet,
    selected: bool,
    strings: _SharedStrings,
    styles: _Styles,
    rows_written: Callable[[int], None] = lambda count: None,
) -> str:
    width = sheet.width
    columns = list(sheet.columns) + [Column("")] * (width - len(sheet.columns))
    last_col = column_letter(width - 1)
    header = sheet.header_row
    first_data, last_data = header + 1, header + len(sheet.rows)
    widths = [_display_width(_in_cell(column.header)) for column in columns]
    body = []
    if sheet.title:
        title = _cell("A1", styles(_TITLE), sheet.title, strings)
        body.append(f'<row r="1" ht="30" customHeight="1">{title}</row>')
    cells = "".join(
        _cell(f"{column_letter(i)}{header}", styles(_HEADER), column.header, strings)
        for i, column in enumerate(columns)
    )
    body.append(f'<row r="{header}" ht="42" customHeight="1">{cells}</row>')
    typed_rows = [
        [
            _fitted(_typed(column.kind, row[i] if i < len(row) else None), sheet.whole_text_in)
            for i, column in enumerate(columns)
        ]
        for row in sheet.rows
    ]
    wrapped = _wrapped_columns(typed_rows, width)
    sums: list[float] = [0] * width
    for number, row in enumerate(typed_rows, start=first_data):
        if (number - first_data) % ROWS_PER_PROGRESS == 0:
            rows_written(number - first_data)
        cells = []
        for i, column in enumerate(columns):
            value = row[i]
            if value is not None:
                widths[i] = max(widths[i], min(_display_width(_shown(value)), MAX_WIDTH))
                if _is_number(value):
                    sums[i] += value
            shown_as = column.number_format
            if column.kind == AUTO and isinstance(value, dt.date):
                shown_as = DATE_FORMAT  # General would show a date as its serial number
            style = styles(_BODY_WRAPPED if wrapped[i] else _BODY, shown_as)
            cells.append(_cell(f"{column_letter(i)}{number}", style, value, strings))
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    last_row = last_data
    if sheet.totals is not None:
        last_row += 1
        cells = []
        for i, column in enumerate(columns):
            ref, letter = f"{column_letter(i)}{last_row}", column_letter(i)
            if column.total and column.total_from is not None:
                source, convert, convert_formula = column.total_from
                total = convert(sums[source])
                formula = convert_formula(f"{column_letter(source)}{last_row}")
                style = styles(_TOTAL, column.number_format)
                cells.append(_cell(ref, style, total, strings, formula))
            elif column.total:
                total = round(sums[i], column.decimals) if column.kind == NUMBER else sums[i]
                formula = f"SUM({letter}{first_data}:{letter}{last_data})" if sheet.rows else ""
                style = styles(_TOTAL, column.number_format)
                cells.append(_cell(ref, style, total, strings, formula))
            else:
                label = sheet.totals[i] if i < len(sheet.totals) else None
                cells.append(_cell(ref, styles(_TOTAL), label, strings))
        body.append(f'<row r="{last_row}">{"".join(cells)}</row>')

    cols = "".join(
        f'<col min="{i}" max="{i}" width="{min(max(w, 6), MAX_WIDTH) + 2}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    frozen = sheet.frozen_columns
    corner = f"{column_letter(frozen)}{first_data}"
    pane = "bottomRight" if frozen else "bottomLeft"
    selections = '<selection pane="topRight"/><selection pane="bottomLeft"/>' if frozen else ""
    split = f'xSplit="{frozen}" ySplit="{header}"' if frozen else f'ySplit="{header}"'
    tab = ' tabSelected="1"' if selected else ""
    return (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last_col}{last_row}"/>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        f'<pane {split} topLeftCell="{corner}" activePane="{pane}" state="frozen"/>{selections}'
        f'<selection pane="{pane}" activeCell="{corner}" sqref="{corner}"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{''.join(body)}</sheetData>"
        + (f'<autoFilter ref="{_filter_range(sheet)}"/>' if sheet.autofilter else "")
        + (
            f'<mergeCells count="1"><mergeCell ref="A1:{last_col}1"/></mergeCells>'
            if sheet.title and width > 1
            else ""
        )
        + '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        + ('<legacyDrawing r:id="rId1"/>' if _header_notes(sheet) else "")
        + "</worksheet>"
    )


def _wrapped_columns(rows: Sequence[Sequence[Any]], width: int) -> list[bool]:
    """Which columns wrap their texts: those holding a text wider than MAX_WIDTH, which the
    column (no wider than that) would otherwise cut off at its edge, or one of several lines,
    which shows on one line unless wrapped. The rows' heights are left to the reader: Excel and
    LibreOffice fit a row without a set height to its wrapped texts on opening."""
    wrapped = [False] * width
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, str) and ("\n" in value or _display_width(value) > MAX_WIDTH):
                wrapped[i] = True
    return wrapped


def _filter_range(sheet: Sheet, absolute: bool = False) -> str:
    """Header and rows, not the totals: filtering must not sort the totals among the rows."""
    last_data = sheet.header_row + len(sheet.rows)
    mark = "$" if absolute else ""
    first, last = column_letter(0), column_letter(sheet.width - 1)
    return f"{mark}{first}{mark}{sheet.header_row}:{mark}{last}{mark}{last_data}"


# --- the package ----------------------------------------------------------------------------------
def _sheet_names(sheets: Sequence[Sheet]) -> list[str]:
    names: list[str] = []
    for sheet in sheets:
        name = re.sub(r"[\[\]:*?/\\]", "_", _in_cell(sheet.name))[:31] or "Sheet"
        while name in names:
            name = name[:28] + f"_{len(names)}"
        names.append(name)
    return names


def _workbook(sheets: Sequence[Sheet], names: list[str]) -> str:
    entries, defined = [], []
    for i, (sheet, name) in enumerate(zip(sheets, names)):
        entries.append(f'<sheet name="{_xml_text(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>')
        quoted = _xml_text("'" + name.replace("'", "''") + "'")
        if sheet.autofilter:
            defined.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{quoted}!{_filter_range(sheet, absolute=True)}</definedName>"
            )
        if sheet.print_titles:
            defined.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                f"{quoted}!$1:${sheet.header_row}</definedName>"
            )
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{''.join(entries)}</sheets>"
        + (f"<definedNames>{''.join(defined)}</definedNames>" if defined else "")
        + '<calcPr calcId="0" fullCalcOnLoad="1"/></workbook>'
    )


def _content_types(sheet_count: int, noted: Sequence[int] = ()) -> str:
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [
        *((f"/xl/comments{i}.xml", f"{office}.comments+xml") for i in noted),
        ("/xl/workbook.xml", f"{office}.sheet.main+xml"),
        ("/xl/styles.xml", f"{office}.styles+xml"),
        ("/xl/sharedStrings.xml", f"{office}.sharedStrings+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        *(
            (f"/xl/worksheets/sheet{i}.xml", f"{office}.worksheet+xml")
            for i in range(1, sheet_count + 1)
        ),
    ]
    return (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="vml" '
        'ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )


_ROOT_RELS = (
    f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL_NS}/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)


def _workbook_rels(sheet_count: int) -> str:
    targets = [f"worksheets/sheet{i}.xml" for i in range(1, sheet_count + 1)]
    kinds = ["worksheet"] * sheet_count + ["styles", "sharedStrings"]
    targets += ["styles.xml", "sharedStrings.xml"]
    return (
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/{kind}" Target="{target}"/>'
            for i, (kind, target) in enumerate(zip(kinds, targets), start=1)
        )
        + "</Relationships>"
    )


# --- the header notes: comments part, and the VML drawing Excel needs to show them --------------
_NOTES_RELS = (
    f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/vmlDrawing" '
    'Target="../drawings/vmlDrawing{i}.vml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/comments" Target="../comments{{i}}.xml"/>'
    "</Relationships>"
)


def _header_notes(sheet: Sheet) -> list[tuple[int, int, str]]:
    """(0-based row, 0-based column, text) of each header cell's note."""
    row = sheet.header_row - 1
    return [(row, i, column.code) for i, column in enumerate(sheet.columns) if column.code]


def _comments(notes: list[tuple[int, int, str]]) -> str:
    items = "".join(
        f'<comment ref="{column_letter(column)}{row + 1}" authorId="0"><text>'
        f'<t xml:space="preserve">{_xml_text(text)}</t></text></comment>'
        for row, column, text in notes
    )
    return (
        f'{_XML_HEAD}<comments xmlns="{_MAIN_NS}"><authors><author>ZC Enforcement</author>'
        f"</authors><commentList>{items}</commentList></comments>"
    )


def _vml_drawing(notes: list[tuple[int, int, str]], sheet_number: int) -> str:
    """The notes' boxes, hidden until the pointer rests on the cell (Excel shows no note
    without its shape here; LibreOffice and openpyxl read the comments part alone)."""
    shapes = "".join(
        f'<v:shape id="_x0000_s{sheet_number * 1024 + n + 1}" type="#_x0000_t202" '
        'style="position:absolute;margin-left:80pt;margin-top:2pt;width:120pt;height:30pt;'
        'z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
        '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
        '<div style="text-align:left"></div></v:textbox>'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{column + 1}, 15, {row}, 2, {column + 3}, 15, {row + 3}, 4</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{column}</x:Column>"
        "</x:ClientData></v:shape>"
        for n, (row, column, _) in enumerate(notes)
    )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{sheet_number}"/>'
        "</o:shapelayout>"
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{shapes}</xml>"
    )


def _core_properties(title: str) -> str:
    now = clock.now_utc().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(title)}</dc:title><dc:creator>ZC Enforcement</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        "</cp:coreProperties>"
    )
