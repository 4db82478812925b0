"""The verification export: ledger rows, the XLSX ledger, GeoPackage/Shapefile and evidence zip.

No QGIS here: the PDF sheets are made by the Processing algorithm from the same rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from . import ledger_schema as ls
from .domain import (
    AGRICULTURAL_AREA,
    APPROVAL_NUMBER,
    APPROVED_AREA,
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CONSTRUCTION_AREA,
    CRIMINAL_FLAG,
    CULTIVATED_AREA,
    EPSG_GK3_ZONE39_PREFIXED,
    MU_SUFFIX,
    OFFICE_NAME,
    RED_LINE_AREA,
    SPOT_AREA,
    SPOT_COUNTY_CODE,
    SPOT_EARLIER_DATE,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_TYPE,
    SQM_PER_MU,
    SUGGESTED_VERDICT,
    TOWN_NAME,
    UNUSED_AREA,
    VERDICT_REASON,
)
from .ledger import EvidenceProblem, EvidenceRecord, LedgerStore, SpotFilter

# --- fields only the export has (the others are the domain's) -------------------------------------
SEQUENCE = "XH"  # 序号, order of the rows and of the PDF sheets
BATCH_NAME = "PCMC"  # 批次名称
VERDICT_CATEGORY = "HCPD"  # 核查判定: 合法 / 违法 / 其他
VERDICT_KIND = "PDLX"  # basis of a legal verdict, kind of an illegal or other one
VERDICT_APPROVAL = "HCPZWH"  # approval number the verifier gives (PZWH are those screening hit)
VERIFIER = "HCR"
VERIFIED_ON = "HCRQ"
VERDICT_NOTE = "BZ"
VERDICT_RECORDS = "PDCS"  # verdict records of the spot: more than 1 means corrected
EVIDENCE_COUNT = "ZJSL"
STATUS = "HCZT"
VERIFIED_AREA_PREFIX = "HC"  # HCGDMJ: cultivated area as verified, and so on
# Atlas-only fields of the PDF sheets: absolute paths of the spot's first photos.
PHOTO_FIELDS = ("photo1", "photo2", "photo3")

STATUS_LABELS_ZH = {ls.STATUS_VERIFIED: "已核查", ls.STATUS_UNVERIFIED: "未核查"}
EVIDENCE_KIND_LABELS_ZH = {
    ls.EVIDENCE_PHOTO: "照片",
    ls.EVIDENCE_VIDEO: "视频",
    ls.EVIDENCE_AUDIO: "录音",
}
YES_ZH, NO_ZH = "是", "否"

# --- column kinds ---------------------------------------------------------------------------------
COL_TEXT = "text"
COL_SQM = "sqm"  # area in m², 2 decimals, totalled
COL_MU = "mu"  # area in 亩, 2 decimals, totalled
COL_INT = "int"
COL_DATE = "date"
AREA_KINDS = (COL_SQM, COL_MU)

SHAPEFILE_NAME_BYTES = 10  # a DBF field name is at most 10 bytes, in the file's encoding
SHAPEFILE_TEXT_BYTES = 254  # and a text value at most 254
SHAPEFILE_ENCODINGS = ("UTF-8", "GBK")
# What the .cpg says for each: ArcGIS reads code page numbers, GDAL and QGIS read both forms.
CPG_NAMES = {"UTF-8": "UTF-8", "GBK": "936"}
PYTHON_CODECS = {"UTF-8": "utf-8", "GBK": "gbk"}


@dataclass(frozen=True)
class ExportColumn:
    """One column of every export: GeoPackage field, Shapefile field, XLSX column, sheet figure."""

    name: str  # GeoPackage / atlas field: the domain's name where the domain has one
    header: str  # Chinese header of the XLSX
    kind: str  # COL_*
    short_name: str | None = None  # Shapefile name, when `name` is longer than 10 bytes

    @property
    def shapefile_name(self) -> str:
        return self.short_name or self.name

    @property
    def totalled(self) -> bool:
        return self.kind in AREA_KINDS


def _mu(name: str) -> str:
    return name + MU_SUFFIX


def _verified(name: str) -> str:
    return VERIFIED_AREA_PREFIX + name


_AREA_HEADERS = {
    SPOT_MONITORED_AREA: "监测面积",
    SPOT_AREA: "图斑面积",
    CULTIVATED_AREA: "耕地面积",
    AGRICULTURAL_AREA: "其他农用地面积",
    CONSTRUCTION_AREA: "建设用地面积",
    UNUSED_AREA: "未利用地面积",
    BASIC_FARMLAND_AREA: "永久基本农田面积",
    RED_LINE_AREA: "生态保护红线面积",
    APPROVED_AREA: "批准用地面积",
}


def _sqm(name: str, prefix: str = "") -> ExportColumn:
    return ExportColumn(name, f"{prefix}{_AREA_HEADERS[name]}(平方米)", COL_SQM)


def _mu_column(name: str) -> ExportColumn:
    mu = _mu(name)
    # YJJBNTMJ_MU is 11 bytes: drop the MJ ("area") the suffix makes redundant.
    short = None if len(mu) <= SHAPEFILE_NAME_BYTES else name.removesuffix("MJ") + MU_SUFFIX
    return ExportColumn(mu, f"{_AREA_HEADERS[name]}(亩)", COL_MU, short)


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(SEQUENCE, "序号", COL_INT),
    ExportColumn(SPOT_NUMBER, "图斑编号", COL_TEXT),
    ExportColumn(BATCH_NAME, "批次", COL_TEXT),
    ExportColumn(SPOT_COUNTY_CODE, "行政区代码", COL_TEXT),
    ExportColumn(TOWN_NAME, "乡镇", COL_TEXT),
    ExportColumn(OFFICE_NAME, "自然资源所", COL_TEXT),
    ExportColumn(SPOT_TYPE, "图斑类型", COL_TEXT),
    ExportColumn(SPOT_EARLIER_DATE, "前时相", COL_TEXT),
    ExportColumn(SPOT_LATER_DATE, "后时相", COL_TEXT),
    _sqm(SPOT_MONITORED_AREA),
    _sqm(SPOT_AREA),
    _mu_column(SPOT_AREA),
    _sqm(CULTIVATED_AREA),
    _mu_column(CULTIVATED_AREA),
    _sqm(AGRICULTURAL_AREA),
    _sqm(CONSTRUCTION_AREA),
    _sqm(UNUSED_AREA),
    _sqm(BASIC_FARMLAND_AREA),
    _mu_column(BASIC_FARMLAND_AREA),
    _sqm(RED_LINE_AREA),
    _mu_column(RED_LINE_AREA),
    _sqm(APPROVED_AREA),
    _mu_column(APPROVED_AREA),
    ExportColumn(APPROVAL_NUMBER, "涉及批准文号", COL_TEXT),
    ExportColumn(SUGGESTED_VERDICT, "建议判定", COL_TEXT),
    ExportColumn(VERDICT_REASON, "建议理由", COL_TEXT),
    ExportColumn(CRIMINAL_FLAG, "达到刑事移送标准", COL_TEXT),
    ExportColumn(VERDICT_CATEGORY, "核查判定", COL_TEXT),
    ExportColumn(VERDICT_KIND, "判定类型/依据", COL_TEXT),
    ExportColumn(VERDICT_APPROVAL, "批准文号", COL_TEXT),
    ExportColumn(VERIFIER, "核查人", COL_TEXT),
    ExportColumn(VERIFIED_ON, "核查日期", COL_DATE),
    *(
        ExportColumn(_verified(name), f"核实{_AREA_HEADERS[name]}(平方米)", COL_SQM)
        for name in ls.VERDICT_AREA_FIELDS
    ),
    ExportColumn(VERDICT_NOTE, "备注", COL_TEXT),
    ExportColumn(VERDICT_RECORDS, "判定记录数", COL_INT),
    ExportColumn(EVIDENCE_COUNT, "证据数量", COL_INT),
    ExportColumn(STATUS, "核查状态", COL_TEXT),
)


class ExportError(Exception):
    """The export cannot be written as asked; the message names the spot, field or file."""


class ExportCancelled(Exception):  # noqa: N818 - the name callers catch, like ScreeningCancelled
    """The caller's is_cancelled() said stop; files being written were removed."""


class _Reporter:
    """Progress in percent (0..100, as QgsFeedback takes it) over a part of the work."""

    def __init__(self, progress, is_cancelled, start: float = 0.0, end: float = 100.0):
        self._progress = progress
        self._is_cancelled = is_cancelled
        self._start, self._end = start, end

    def __call__(self, fraction: float) -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise ExportCancelled()
        if self._progress is not None:
            share = min(1.0, max(0.0, fraction))
            self._progress(self._start + (self._end - self._start) * share)


# =================================================================================================
# rows
# =================================================================================================


@dataclass
class ExportRow:
    """One spot as exported: its values by column name, its geometry and its evidence."""

    spot_id: int
    number: str
    batch: str
    geometry: Any  # shapely geometry in the ledger CRS, or None
    values: dict[str, Any]
    evidence: list[EvidenceRecord] = field(default_factory=list)

    def photos(self, evidence_dir: str | os.PathLike, limit: int = len(PHOTO_FIELDS)) -> list[Path]:
        """Absolute paths of the spot's first photos that exist on disk, oldest first."""
        found = []
        for record in self.evidence:
            path = Path(evidence_dir) / record.path
            if record.kind == ls.EVIDENCE_PHOTO and path.is_file():
                found.append(path)
            if len(found) == limit:
                break
        return found


def _area(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, AREA_DECIMALS) if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _flag_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return YES_ZH if str(value).strip().lower() in ("1", "true", "t", "yes", "y", "是") else NO_ZH


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def verification_rows(
    ledger: LedgerStore,
    batch: str | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[ExportRow]:
    """One row per spot of the batch (or the whole ledger), in review order, with its current
    verdict, key figures (as the ledger stores them; 亩 from m² where not stored) and evidence."""
    report = _Reporter(progress, is_cancelled)
    summaries = ledger.spots(SpotFilter(batch=batch))
    evidence_by_spot: dict[int, list[EvidenceRecord]] = {}
    for record in ledger.evidence():
        evidence_by_spot.setdefault(record.spot_id, []).append(record)
    rows: list[ExportRow] = []
    for index, summary in enumerate(summaries):
        report(index / max(1, len(summaries)))
        spot = ledger.spot(summary.id)
        attributes = spot.attributes
        history = ledger.verdict_history(summary.id)
        verdict = history[-1] if history else None
        evidence = evidence_by_spot.get(summary.id, [])
        values: dict[str, Any] = {
            SEQUENCE: index + 1,
            SPOT_NUMBER: spot.number,
            BATCH_NAME: spot.batch,
            TOWN_NAME: _text(spot.town),
            OFFICE_NAME: _text(spot.office),
            SUGGESTED_VERDICT: _text(spot.suggested),
            CRIMINAL_FLAG: _flag_text(attributes.get(CRIMINAL_FLAG)),
            VERDICT_RECORDS: len(history),
            EVIDENCE_COUNT: len(evidence),
            STATUS: STATUS_LABELS_ZH.get(spot.status, spot.status),
        }
        for name in (SPOT_COUNTY_CODE, SPOT_TYPE, SPOT_EARLIER_DATE, SPOT_LATER_DATE):
            values[name] = _text(attributes.get(name))
        values[APPROVAL_NUMBER] = _text(attributes.get(APPROVAL_NUMBER))
        values[VERDICT_REASON] = _text(attributes.get(VERDICT_REASON))
        stored = {
            SPOT_AREA: spot.spot_area,
            CULTIVATED_AREA: spot.cultivated_area,
            BASIC_FARMLAND_AREA: spot.basic_farmland_area,
        }
        for column in EXPORT_COLUMNS:
            if column.kind == COL_SQM and not column.name.startswith(VERIFIED_AREA_PREFIX):
                value = stored.get(column.name)
                values[column.name] = _area(attributes.get(column.name) if value is None else value)
        for column in EXPORT_COLUMNS:
            if column.kind == COL_MU:
                sqm_name = column.name[: -len(MU_SUFFIX)]
                mu = _area(attributes.get(column.name))
                if mu is None and values.get(sqm_name) is not None:
                    mu = _area(values[sqm_name] / SQM_PER_MU)
                values[column.name] = mu
        values.update(_verdict_values(verdict))
        geometry = (
            spot.geometry if spot.geometry is not None and not spot.geometry.is_empty else None
        )
        rows.append(ExportRow(spot.id, spot.number, spot.batch, geometry, values, evidence))
    report(1.0)
    return rows


def _verdict_values(verdict) -> dict[str, Any]:
    values: dict[str, Any] = {
        VERDICT_CATEGORY: None,
        VERDICT_KIND: None,
        VERDICT_APPROVAL: None,
        VERIFIER: None,
        VERIFIED_ON: None,
        VERDICT_NOTE: None,
    }
    values.update({_verified(name): None for name in ls.VERDICT_AREA_FIELDS})
    if verdict is None:
        return values
    values.update(
        {
            VERDICT_CATEGORY: verdict.category,
            VERDICT_KIND: _text(verdict.kind),
            VERDICT_APPROVAL: _text(verdict.approval_number),
            VERIFIER: _text(verdict.verifier),
            VERIFIED_ON: _date(verdict.verified_on),
            VERDICT_NOTE: _text(verdict.note),
        }
    )
    for name, area in (verdict.areas or {}).items():
        if name in ls.VERDICT_AREA_FIELDS:
            values[_verified(name)] = _area(area)
    return values


def _row_values(row: ExportRow | Mapping[str, Any]) -> Mapping[str, Any]:
    return row.values if isinstance(row, ExportRow) else row


def column_totals(
    rows: Sequence[ExportRow | Mapping[str, Any]], columns: Sequence[ExportColumn] = EXPORT_COLUMNS
) -> dict[str, float]:
    """Sum of each area column over the rows, as shown (each row rounded to 2 decimals)."""
    totals = {}
    for column in columns:
        if column.totalled:
            values = (_row_values(row).get(column.name) for row in rows)
            totals[column.name] = round(sum(v for v in values if v is not None), AREA_DECIMALS)
    return totals


# =================================================================================================
# XLSX, with the standard library only
# =================================================================================================

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_FONT = "宋体"  # what a Chinese Excel user expects; LibreOffice substitutes when missing
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug

# cellXfs indexes of styles.xml below
_XF_TITLE, _XF_HEADER, _XF_TEXT, _XF_NUMBER, _XF_INT, _XF_DATE = 1, 2, 3, 4, 5, 6
_XF_TOTAL_TEXT, _XF_TOTAL_NUMBER = 7, 8
NUMBER_FORMAT = "0.00"  # builtin format 2
DATE_FORMAT = "yyyy-mm-dd"  # custom format 164

_STYLES = f"""{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>
<fonts count="3">
<font><sz val="11"/><name val="{_XLSX_FONT}"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="11"/><name val="{_XLSX_FONT}"/><family val="2"/><charset val="134"/></font>
<font><b/><sz val="16"/><name val="{_XLSX_FONT}"/><family val="2"/><charset val="134"/></font>
</fonts>
<fills count="3">
<fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>\
</patternFill></fill>
</fills>
<borders count="2">
<border><left/><right/><top/><bottom/><diagonal/></border>
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>\
</border>
</borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="9">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center"/></xf>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" \
applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/>\
</xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">\
<alignment vertical="center"/></xf>
<xf numFmtId="2" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" \
applyBorder="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" \
applyBorder="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" \
applyBorder="1"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" \
applyBorder="1"/>
<xf numFmtId="2" fontId="1" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" \
applyFill="1" applyBorder="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""

_CONTENT_TYPES = f"""{_XML_HEAD}<Types \
xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>
"""

_ROOT_RELS = f"""{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>
</Relationships>
"""

_WORKBOOK_RELS = f"""{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>
<Relationship Id="rId3" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" \
Target="sharedStrings.xml"/>
</Relationships>
"""


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text), {'"': "&quot;"})


def _display_width(text: str) -> int:
    # Chinese characters take two columns in Excel's width unit.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


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


def write_xlsx(
    path: str | os.PathLike,
    rows: Sequence[ExportRow | Mapping[str, Any]],
    columns: Sequence[ExportColumn] = EXPORT_COLUMNS,
    title: str = "卫片图斑核查台帐",
    sheet_name: str = "核查台帐",
) -> Path:
    """Write a one-sheet XLSX: title row, Chinese header row, one row per spot, a 合计 row.

    Areas are numbers shown with 2 decimals; the totals row holds SUM formulas together with
    their computed values, so readers that do not calculate still see the totals. The header is
    frozen, filterable and repeated on every printed page.
    """
    path = Path(path)
    strings = _SharedStrings()
    last_col = column_letter(len(columns) - 1)
    first_data, last_data = 3, 2 + len(rows)
    totals_row = last_data + 1
    widths = [_display_width(column.header) for column in columns]

    def cell(ref: str, style: int, value: Any, formula: str | None = None) -> str:
        if value is None and formula is None:
            return f'<c r="{ref}" s="{style}"/>'
        if formula is not None:
            cached = "" if value is None else f"<v>{value!r}</v>"
            return f'<c r="{ref}" s="{style}"><f>{formula}</f>{cached}</c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                return f'<c r="{ref}" s="{style}"/>'
            return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="{style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
        return f'<c r="{ref}" s="{style}" t="s"><v>{strings(str(value))}</v></c>'

    body = [
        f'<row r="1" ht="30" customHeight="1">{cell("A1", _XF_TITLE, title)}</row>',
        '<row r="2" ht="42" customHeight="1">'
        + "".join(
            cell(f"{column_letter(i)}2", _XF_HEADER, column.header)
            for i, column in enumerate(columns)
        )
        + "</row>",
    ]
    styles = {COL_SQM: _XF_NUMBER, COL_MU: _XF_NUMBER, COL_INT: _XF_INT, COL_DATE: _XF_DATE}
    for offset, row in enumerate(rows):
        number = first_data + offset
        values = _row_values(row)
        cells = []
        for i, column in enumerate(columns):
            value = values.get(column.name)
            if column.kind == COL_DATE:
                value = _date(value) or _text(value)
            elif column.kind == COL_TEXT and value is not None:
                value = str(value)
            shown = value.isoformat() if isinstance(value, dt.date) else str(value or "")
            widths[i] = max(widths[i], min(_display_width(shown), 60))
            style = styles.get(column.kind, _XF_TEXT)
            cells.append(cell(f"{column_letter(i)}{number}", style, value))
        body.append(f'<row r="{number}">{"".join(cells)}</row>')
    totals = column_totals(rows, columns)
    cells = []
    for i, column in enumerate(columns):
        ref = f"{column_letter(i)}{totals_row}"
        if i == 0:
            cells.append(cell(ref, _XF_TOTAL_TEXT, "合计"))
        elif i == 1:
            cells.append(cell(ref, _XF_TOTAL_TEXT, f"{len(rows)} 个图斑"))
        elif column.totalled:
            letter = column_letter(i)
            formula = f"SUM({letter}{first_data}:{letter}{last_data})" if rows else None
            cells.append(cell(ref, _XF_TOTAL_NUMBER, totals[column.name], formula))
        else:
            cells.append(cell(ref, _XF_TOTAL_TEXT, None))
    body.append(f'<row r="{totals_row}">{"".join(cells)}</row>')

    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{min(max(width, 6), 60) + 2}" customWidth="1"/>'
        for i, width in enumerate(widths)
    )
    sheet = (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last_col}{totals_row}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane xSplit="2" ySplit="2" topLeftCell="C3" activePane="bottomRight" state="frozen"/>'
        '<selection pane="topRight"/><selection pane="bottomLeft"/>'
        '<selection pane="bottomRight" activeCell="C3" sqref="C3"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{''.join(body)}</sheetData>"
        f'<autoFilter ref="A2:{last_col}{max(last_data, 2)}"/>'
        f'<mergeCells count="1"><mergeCell ref="A1:{last_col}1"/></mergeCells>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "</worksheet>"
    )
    quoted_sheet = "'" + sheet_name.replace("'", "''") + "'"
    workbook = (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f'<sheets><sheet name="{_xml_text(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        "<definedNames>"
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{_xml_text(quoted_sheet)}!$A$2:${last_col}${max(last_data, 2)}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f"{_xml_text(quoted_sheet)}!$1:$2</definedName>"
        "</definedNames>"
        '<calcPr calcId="0" fullCalcOnLoad="1"/>'
        "</workbook>"
    )
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        f"{_XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(title)}</dc:title><dc:creator>ZC Enforcement</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        "</cp:coreProperties>"
    )
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": core,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/sharedStrings.xml": strings.xml(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    with _replacing(path) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path


class _replacing:  # noqa: N801 - used as a context manager, like open()
    """A temporary path beside `path`, renamed onto it when the block succeeds, else removed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.part")

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.temporary

    def __exit__(self, kind, *_):
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)
        return False


# =================================================================================================
# GeoPackage and Shapefile
# =================================================================================================


@dataclass
class VectorExport:
    geopackage: Path
    shapefile: Path
    encoding: str
    warnings: list[str] = field(default_factory=list)


SHAPEFILE_SUFFIXES = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


# Symbols the plugin's own texts use (the screening's reasons write m²) that GBK lacks, and how
# the GBK Shapefile writes them, with a warning; the GeoPackage and the XLSX keep the original.
# Any other character GBK lacks stops the export.
GBK_SUBSTITUTES = (("m²", "平方米"), ("m³", "立方米"), ("²", "2"), ("³", "3"))


def shapefile_text(text: str, encoding: str) -> str:
    """The text as the Shapefile in `encoding` holds it (see GBK_SUBSTITUTES)."""
    if encoding == "GBK":
        for symbol, words in GBK_SUBSTITUTES:
            text = text.replace(symbol, words)
    return text


def check_encodable(
    rows: Sequence[ExportRow], encoding: str, columns: Sequence[ExportColumn] = EXPORT_COLUMNS
) -> None:
    """Raise ExportError naming the first spot, field and character the encoding cannot hold."""
    codec = _codec(encoding)
    for row in rows:
        for column in columns:
            value = row.values.get(column.name)
            if not isinstance(value, str):
                continue
            value = shapefile_text(value, encoding)
            try:
                value.encode(codec)
            except UnicodeEncodeError as error:
                char = value[error.start]
                raise ExportError(
                    f"图斑 {row.number} 的字段 {column.shapefile_name}（{column.header}）含有 "
                    f"{encoding} 无法表示的字符“{char}”(U+{ord(char):04X})：请改用 UTF-8 编码导出，"
                    f"或修改该值 / spot {row.number}, field {column.shapefile_name}: the character "
                    f"{char!r} (U+{ord(char):04X}) in {value!r} cannot be written in {encoding}; "
                    "export in UTF-8 or change the value"
                ) from None


def _codec(encoding: str) -> str:
    if encoding not in PYTHON_CODECS:
        raise ExportError(
            f"不支持的编码 {encoding!r}，可选 {'、'.join(SHAPEFILE_ENCODINGS)} / unsupported "
            f"encoding {encoding!r}: one of {', '.join(SHAPEFILE_ENCODINGS)}"
        )
    return PYTHON_CODECS[encoding]


def _fiona_type(column: ExportColumn) -> str:
    if column.kind in AREA_KINDS:
        return f"float:20.{AREA_DECIMALS}"
    if column.kind == COL_INT:
        return "int:10"
    if column.kind == COL_DATE:
        return "date"
    return f"str:{SHAPEFILE_TEXT_BYTES}"


def _fiona_value(column: ExportColumn, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == COL_DATE:
        day = _date(value)
        return day.isoformat() if day else None
    if column.kind == COL_TEXT:
        return str(value)
    return value


def _clip_bytes(text: str, codec: str, limit: int) -> str:
    while len(text.encode(codec)) > limit:
        text = text[:-1]
    return text


def write_vector_exports(
    folder: str | os.PathLike,
    rows: Sequence[ExportRow],
    encoding: str = "UTF-8",
    columns: Sequence[ExportColumn] = EXPORT_COLUMNS,
    basename: str = "verification",
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> VectorExport:
    """Write <basename>.gpkg (full field names) and <basename>.shp with a .cpg naming `encoding`.

    Shapefile field names are the columns' ≤ 10-byte names; a text longer than a DBF field holds
    (254 bytes) is cut there and reported (the GeoPackage and XLSX keep it whole). A character the
    encoding cannot hold stops the export before anything is written, naming spot and field.
    """
    import fiona
    from fiona.crs import CRS
    from shapely.geometry import MultiPolygon, Polygon, mapping

    codec = _codec(encoding)
    check_encodable(rows, encoding, columns)
    for column in columns:
        if len(column.shapefile_name.encode(codec)) > SHAPEFILE_NAME_BYTES:
            raise ExportError(f"Shapefile field name too long: {column.shapefile_name}")
    report = _Reporter(progress, is_cancelled)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = VectorExport(folder / f"{basename}.gpkg", folder / f"{basename}.shp", encoding)
    crs = CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED)

    def geometry(row: ExportRow):
        geom = row.geometry
        if geom is None or geom.is_empty:
            return None
        if isinstance(geom, Polygon):
            geom = MultiPolygon([geom])
        return mapping(geom)

    targets = (
        (result.geopackage, "GPKG", {c.name: c for c in columns}, {"layer": basename}),
        (result.shapefile, "ESRI Shapefile", {c.shapefile_name: c for c in columns}, {}),
    )
    for done, (path, driver, by_name, options) in enumerate(targets):
        for suffix in SHAPEFILE_SUFFIXES if driver != "GPKG" else (".gpkg",):
            path.with_suffix(suffix).unlink(missing_ok=True)
        schema = {
            "geometry": "MultiPolygon",
            "properties": {name: _fiona_type(column) for name, column in by_name.items()},
        }
        if driver != "GPKG":
            options = {"encoding": CPG_NAMES[encoding]}
        features = []
        substituted: dict[str, list[str]] = {}  # field -> spots whose text GBK_SUBSTITUTES changed
        for row in rows:
            properties = {}
            for name, column in by_name.items():
                value = _fiona_value(column, row.values.get(column.name))
                if driver != "GPKG" and isinstance(value, str):
                    written = shapefile_text(value, encoding)
                    if written != value:
                        substituted.setdefault(name, []).append(row.number)
                        value = written
                    clipped = _clip_bytes(value, codec, SHAPEFILE_TEXT_BYTES)
                    if clipped != value:
                        result.warnings.append(
                            f"图斑 {row.number} 的字段 {name} 超过 {SHAPEFILE_TEXT_BYTES} 字节，"
                            f"Shapefile 中已截断（GeoPackage 和 XLSX 中完整）/ spot {row.number}, "
                            f"field {name}: longer than {SHAPEFILE_TEXT_BYTES} bytes, cut in the "
                            "Shapefile (whole in the GeoPackage and XLSX)"
                        )
                        value = clipped
                properties[name] = value
            features.append({"geometry": geometry(row), "properties": properties})
        for name, numbers in substituted.items():
            shown = ", ".join(numbers[:5]) + (" …" if len(numbers) > 5 else "")
            words = "、".join(f"“{symbol}”→“{text}”" for symbol, text in GBK_SUBSTITUTES)
            result.warnings.append(
                f"字段 {name}：{len(numbers)} 个图斑（{shown}）的文本含 GBK 无法表示的符号，"
                f"Shapefile 中已改写（{words}），GeoPackage 和 XLSX 中保持原样 / field {name}: in "
                f"{len(numbers)} spots ({shown}) symbols GBK lacks were written out in the "
                "Shapefile (m² as 平方米); the GeoPackage and XLSX keep them"
            )
        try:
            with fiona.open(
                str(path), "w", driver=driver, schema=schema, crs=crs, **options
            ) as sink:
                sink.writerecords(features)
        except ExportCancelled:
            raise
        except Exception as error:  # fiona raises several driver errors
            raise ExportError(f"无法写入 / cannot write {path}: {error}") from error
        report((done + 1) / len(targets))
    cpg = result.shapefile.with_suffix(".cpg")
    if not cpg.exists() or cpg.read_text("ascii").strip() != CPG_NAMES[encoding]:
        cpg.write_text(CPG_NAMES[encoding], "ascii")  # what the reader needs, whatever GDAL did
    return result


# =================================================================================================
# the evidence zip
# =================================================================================================

MANIFEST_NAME = "manifest.csv"
CHECK_OK, CHECK_ALTERED, CHECK_MISSING = "一致", "已改动", "缺失"
MANIFEST_SPOT = "图斑编号"
MANIFEST_BATCH = "批次"
MANIFEST_KIND = "证据类型"
MANIFEST_PATH = "压缩包内路径"
MANIFEST_SHA256 = "SHA-256"
MANIFEST_SIZE = "大小(字节)"
MANIFEST_TAKEN = "拍摄时间"
MANIFEST_LON = "经度"
MANIFEST_LAT = "纬度"
MANIFEST_ORIGINAL = "原文件名"
MANIFEST_CHECK = "核验结果"
MANIFEST_RECORDED_SHA256 = "台帐记录SHA-256"
MANIFEST_COLUMNS = (
    MANIFEST_SPOT,
    MANIFEST_BATCH,
    MANIFEST_KIND,
    MANIFEST_PATH,
    MANIFEST_SHA256,
    MANIFEST_SIZE,
    MANIFEST_TAKEN,
    MANIFEST_LON,
    MANIFEST_LAT,
    MANIFEST_ORIGINAL,
    MANIFEST_CHECK,
    MANIFEST_RECORDED_SHA256,
)
# Already compressed: stored as they are, deflating them only costs time.
_STORED_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".mp4",
    ".mov",
    ".m4a",
    ".mp3",
    ".aac",
    ".zip",
}
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass
class EvidenceZip:
    path: Path
    files: int  # members written, the manifest excluded
    size: int  # bytes of evidence written
    problems: list[EvidenceProblem] = field(default_factory=list)


def _zip_folder_name(number: str) -> str:
    return _UNSAFE_NAME.sub("_", str(number)).strip(" .") or "_"


def write_evidence_zip(
    path: str | os.PathLike,
    ledger: LedgerStore,
    rows: Sequence[ExportRow] | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> EvidenceZip:
    """Zip the evidence of the rows' spots (all spots when None) under <JCBH>/<file>, with a
    manifest.csv (UTF-8 with BOM, for Excel) listing spot, kind, path, SHA-256, size, time, GPS.

    Each file is hashed while it is zipped and compared with the ledger: a missing or altered
    file is listed in the manifest (核验结果) and returned in `problems`, never skipped silently.
    An altered file is still zipped, with the hash it has now and the one the ledger recorded.
    """
    report = _Reporter(progress, is_cancelled)
    if rows is None:
        rows = verification_rows(ledger)
    root = Path(ledger.evidence_dir)
    records = [(row, record) for row in rows for record in row.evidence]
    total_bytes = max(1, sum(int(record.size or 0) for _, record in records))
    result = EvidenceZip(Path(path), 0, 0)
    manifest: list[dict[str, Any]] = []
    written: dict[str, str] = {}  # member -> sha256, so a file shared by two batches goes once
    done_bytes = 0
    with (
        _replacing(result.path) as temporary,
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        for row, record in records:
            report(done_bytes / total_bytes)
            source = root / record.path
            member = f"{_zip_folder_name(row.number)}/{Path(record.path).name}"
            entry = {
                MANIFEST_SPOT: row.number,
                MANIFEST_BATCH: row.batch,
                MANIFEST_KIND: EVIDENCE_KIND_LABELS_ZH.get(record.kind, record.kind),
                MANIFEST_PATH: member,
                MANIFEST_SHA256: "",
                MANIFEST_SIZE: "",
                MANIFEST_TAKEN: record.taken_at or "",
                MANIFEST_LON: "" if record.gps_lon is None else f"{record.gps_lon:.7f}",
                MANIFEST_LAT: "" if record.gps_lat is None else f"{record.gps_lat:.7f}",
                MANIFEST_ORIGINAL: record.original_name or "",
                MANIFEST_CHECK: CHECK_OK,
                MANIFEST_RECORDED_SHA256: record.sha256,
            }
            if not source.is_file():
                entry[MANIFEST_PATH] = ""
                entry[MANIFEST_CHECK] = CHECK_MISSING
                result.problems.append(
                    EvidenceProblem(
                        record.id,
                        record.spot_id,
                        record.path,
                        "missing",
                        f"图斑 {row.number} 的证据文件缺失，未打包 / spot {row.number}: evidence "
                        f"file missing, not in the zip: {source}",
                    )
                )
                manifest.append(entry)
                done_bytes += int(record.size or 0)
                continue
            if member in written:
                digest, size = written[member], source.stat().st_size
            else:
                digest, size = _zip_file(archive, source, member, report, is_cancelled)
                written[member] = digest
                result.files += 1
                result.size += size
            entry[MANIFEST_SHA256] = digest
            entry[MANIFEST_SIZE] = size
            if digest != record.sha256:
                entry[MANIFEST_CHECK] = CHECK_ALTERED
                result.problems.append(
                    EvidenceProblem(
                        record.id,
                        record.spot_id,
                        record.path,
                        "altered",
                        f"图斑 {row.number} 的证据文件已被改动（哈希与台帐记录不符），"
                        f"已按现状打包并在清单中标注 / spot {row.number}: evidence file "
                        f"altered (hash differs from the ledger's), zipped as it is and "
                        f"marked in the manifest: {source}",
                    )
                )
            manifest.append(entry)
            done_bytes += int(record.size or 0)
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=MANIFEST_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(manifest)
        archive.writestr(MANIFEST_NAME, ("\ufeff" + text.getvalue()).encode("utf-8"))
    report(1.0)
    return result


def _zip_file(
    archive: zipfile.ZipFile, source: Path, member: str, report: _Reporter, is_cancelled
) -> tuple[str, int]:
    """Copy a file into the archive, hashing the very bytes written: (sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    info = zipfile.ZipInfo.from_file(source, member)
    stored = source.suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with (
        open(source, "rb") as handle,
        archive.open(info, "w", force_zip64=source.stat().st_size > 1 << 31) as target,
    ):
        for block in iter(lambda: handle.read(1 << 20), b""):
            if is_cancelled is not None and is_cancelled():
                raise ExportCancelled()
            digest.update(block)
            target.write(block)
            size += len(block)
    return digest.hexdigest(), size


def zip_member_sha256(path: str | os.PathLike) -> dict[str, str]:
    """SHA-256 of every member of a zip but the manifest: for checking a package received."""
    hashes = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name != MANIFEST_NAME:
                hashes[name] = hashlib.sha256(archive.read(name)).hexdigest()
    return hashes
