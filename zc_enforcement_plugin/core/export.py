"""The verification export: ledger rows, the XLSX ledger, GeoPackage/Shapefile and evidence zip.

No QGIS here: the PDF sheets are made by the Processing algorithm from the same rows. The
GeoPackage and Shapefile are written with GDAL's own bindings (osgeo.ogr, which fiona wraps and
every QGIS has), not fiona: see _write_layer.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import hashlib
import io
import itertools
import math
import os
import sqlite3
import zipfile
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import clock, disk, xlsx
from . import ledger_schema as ls
from .areas import MU_TOTAL_RULE, round_area, shown_mu, shown_mu_formula
from .capture_metadata import shown_moment
from .cases import Case
from .dates import parse_date
from .domain import (
    AGRICULTURAL_AREA,
    APPROVAL_HITS,
    APPROVED_AREA,
    AREA_DECIMALS,
    BASIC_FARMLAND_AREA,
    CONSTRUCTION_AREA,
    CRIMINAL_FLAG,
    CULTIVATED_AREA,
    HITS_SEPARATOR,
    MU_SUFFIX,
    NEW_CONSTRUCTION_AREA,
    NO_MINING_AREA,
    NO_MINING_HITS,
    OFFICE_NAME,
    OVERLAY_LAYERS,
    RED_LINE_AREA,
    RED_LINE_HITS,
    SHAPEFILE_NAME_BYTES,
    SHAPEFILE_TEXT_BYTES,
    SPOT_AREA,
    SPOT_COUNTY_CODE,
    SPOT_EARLIER_DATE,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_TYPE,
    SUGGESTED_VERDICT,
    THREE_ZONES_AREA,
    THREE_ZONES_HITS,
    TOWN_NAME,
    UNIT_MU_ZH,
    UNIT_SQM_ZH,
    UNSURVEYED_AREA,
    UNUSED_AREA,
    VERDICT_REASON,
    area_name_zh,
    clip_text,
    first_of,
    output_field_labels_zh,
    shapefile_field_name,
    with_unit_zh,
)
from .evidence import (
    FILE_ALTERED,
    FILE_MISSING,
    FILE_REFUSED,
    NOT_PRINTED,
    NOTHING_EXPORTED,
    EvidencePathError,
    evidence_file,
    open_evidence_file,
    readable_evidence_dir,
)
from .files import csv_text, numbered_name, replacing, safe_file_name
from .ledger import EvidenceProblem, EvidenceRecord, LedgerStore, SpotFilter
from .ledger_delivery import plausible_area
from .progress import Reporter
from .report_basis import act_stopped

# --- fields only the export has (the others are the domain's) -------------------------------------
SEQUENCE = "XH"  # 序号, order of the rows and of the PDF sheets
BATCH_NAME = "PCMC"  # 批次名称
VERDICT_CATEGORY = "HCPD"  # 核查判定: 合法 / 违法 / 其他
VERDICT_KIND = "PDLX"  # basis of a legal verdict, kind of an illegal or other one
VERDICT_APPROVAL = "HCPZWH"  # approval number the verifier gives (PZWH are those screening hit)
VERIFIER = "HCR"
VERIFIED_ON = "HCRQ"
VERDICT_NOTE = "BZ"
PARTY = "DSR"  # 当事人, as the verifier recorded
ACTUAL_USE = "SJYT"  # 实际用途 found on site
# 是 when the act counts as stopped (reports.act_stopped: a stop order ticked on the verdict, or
# a 制止 event of the spot's case), 否 when the verdict says none was issued and no case stopped it
STOP_ORDER = "ZLTZ"
CASE_NUMBER = "AJBH"  # 案件编号 of the spot's case (a spot has at most one)
CASE_STAGE = "AJJD"  # 案件阶段: the case's latest step, 发现 … 结案
VERDICT_RECORDS = "PDCS"  # verdict records of the spot: more than 1 means corrected
EVIDENCE_COUNT = "ZJSL"
# 证据文件缺失、改动或路径被拒绝数: of them, the files missing on disk, no longer the ones
# recorded, or whose stored path was refused (not read), as the evidence zip found them (its
# manifest's 核验结果, each kind apart); empty until the zip has checked them. One number per
# spot, named for all three kinds: a refused path is not a file lost.
EVIDENCE_PROBLEMS = "ZJYC"
STATUS = "HCZT"
VERIFIED_AREA_PREFIX = "HC"  # HCGDMJ: cultivated area as verified, and so on
# Atlas-only fields of the PDF sheets: the files the spot's photo slots print.
PHOTO_FIELDS = ("photo1", "photo2", "photo3")
# Atlas-only: what the sheet says of the spot's photos it does not print (SheetPhotos.note), so
# a missing file does not read as "无现场照片" (none taken), and a photo altered since it was
# recorded, or one QGIS cannot draw, does not leave a blank slot or vanish without a word.
PHOTOS_NOTE_FIELD = "photos_note"

# The codes or names of the features a spot hits, one field per protection layer that has them.
HITS_FIELDS = tuple(layer.hits_field for layer in OVERLAY_LAYERS if layer.hits_field)
# Atlas-only: the sheet's 涉及管控区域 cell, the red-line codes, no-mining zones and view areas
# the spot hits (zones_hit_text). The approvals hit have a cell of their own (涉及批准文号).
ZONES_HIT_FIELD = "zones_hit"
ZONES_HIT_LAYERS = tuple(
    layer for layer in OVERLAY_LAYERS if layer.hits_field and layer.hits_field != APPROVAL_HITS
)


def zones_hit_text(values: Mapping[str, Any]) -> str:
    """What a sheet says of the controlled zones a spot hits: each layer's codes or names after
    its name, "生态保护红线：SD-02-A1-07；禁采区：太河水库禁止开采区、…"; '' when none. The
    figures alone ask the verifier to look the features up in the layers again."""
    parts = []
    for layer in ZONES_HIT_LAYERS:
        hits = str(values.get(layer.hits_field) or "").split(HITS_SEPARATOR)
        names = [name.strip() for name in hits if name.strip()]
        if names:
            parts.append(f"{layer.label_zh}：{'、'.join(names)}")
    return "；".join(parts)


STATUS_LABELS_ZH = {ls.STATUS_VERIFIED: "已核查", ls.STATUS_UNVERIFIED: "未核查"}
YES_ZH, NO_ZH = "是", "否"

# --- column kinds ---------------------------------------------------------------------------------
COL_TEXT = "text"
COL_SQM = "sqm"  # area in m², 2 decimals, totalled
COL_MU = "mu"  # area in 亩, 2 decimals, totalled
COL_INT = "int"
COL_DATE = "date"
AREA_KINDS = (COL_SQM, COL_MU)

SHAPEFILE_ENCODINGS = ("UTF-8", "GBK")
# What the .cpg says for each: ArcGIS reads code page numbers, GDAL and QGIS read both forms.
CPG_NAMES = {"UTF-8": "UTF-8", "GBK": "936"}
PYTHON_CODECS = {"UTF-8": "utf-8", "GBK": "gbk"}
# The encoding GDAL recodes a Shapefile's texts to, as it names the .cpg's (936 is CP936). Set
# while writing: QGIS's OGR provider sets SHAPE_ENCODING to "" for the whole process, and GDAL
# takes that over the layer's ENCODING option, writing the UTF-8 bytes into a GBK Shapefile.
GDAL_ENCODINGS = {"UTF-8": "UTF-8", "GBK": "CP936"}
ROWS_PER_REPORT = 500  # rows written between two progress reports (and cancel checks)


@dataclass(frozen=True)
class ExportColumn:
    """One column of every export: GeoPackage field, Shapefile field, XLSX column, sheet figure."""

    name: str  # GeoPackage / atlas field: the domain's name where the domain has one
    header: str  # Chinese header of the XLSX
    kind: str  # COL_*
    short_name: str | None = None  # Shapefile name, when `name` is longer than 10 bytes
    # A spot's key: written whole or not at all, as a cut one could read as another spot's.
    key: bool = False

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


# The domain's fields are headed by their labels in the domain's one table, units and all.
_LABELS = output_field_labels_zh()


def _areas(name: str, words: str | None = None) -> tuple[ExportColumn, ExportColumn]:
    """An area in m² and in 亩 beside it (DOMAIN §4: reports show both), headed `words` and
    the unit (the domain's name of `name` by default, so its label): the one rule of which
    figures get 亩, so that the XLSX, the GeoPackage, the Shapefile and the sheet give each
    the same 亩."""
    words = words or area_name_zh(name)
    mu = _mu(name)
    short = shapefile_field_name(mu)
    return (
        ExportColumn(name, with_unit_zh(words, UNIT_SQM_ZH), COL_SQM),
        ExportColumn(mu, with_unit_zh(words, UNIT_MU_ZH), COL_MU, None if short == mu else short),
    )


def _labelled(name: str, kind: str, key: bool = False) -> ExportColumn:
    return ExportColumn(name, _LABELS[name], kind, key=key)


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(SEQUENCE, "序号", COL_INT),
    _labelled(SPOT_NUMBER, COL_TEXT, key=True),
    ExportColumn(BATCH_NAME, "批次", COL_TEXT),
    _labelled(SPOT_COUNTY_CODE, COL_TEXT),
    _labelled(TOWN_NAME, COL_TEXT),
    _labelled(OFFICE_NAME, COL_TEXT),
    _labelled(SPOT_TYPE, COL_TEXT),
    _labelled(SPOT_EARLIER_DATE, COL_TEXT),
    _labelled(SPOT_LATER_DATE, COL_TEXT),
    *_areas(SPOT_MONITORED_AREA),
    *_areas(SPOT_AREA),
    *_areas(CULTIVATED_AREA),
    *_areas(AGRICULTURAL_AREA),
    *_areas(CONSTRUCTION_AREA),
    *_areas(UNUSED_AREA),
    *_areas(UNSURVEYED_AREA),  # the split adds up to the spot's area only with it
    *_areas(NEW_CONSTRUCTION_AREA),
    *_areas(BASIC_FARMLAND_AREA),
    *_areas(RED_LINE_AREA),
    _labelled(RED_LINE_HITS, COL_TEXT),
    *_areas(NO_MINING_AREA),
    _labelled(NO_MINING_HITS, COL_TEXT),
    *_areas(THREE_ZONES_AREA),
    _labelled(THREE_ZONES_HITS, COL_TEXT),
    *_areas(APPROVED_AREA),
    _labelled(APPROVAL_HITS, COL_TEXT),
    _labelled(SUGGESTED_VERDICT, COL_TEXT),
    _labelled(VERDICT_REASON, COL_TEXT),
    _labelled(CRIMINAL_FLAG, COL_TEXT),
    ExportColumn(VERDICT_CATEGORY, "核查判定", COL_TEXT),
    ExportColumn(VERDICT_KIND, "判定类型/依据", COL_TEXT),
    ExportColumn(VERDICT_APPROVAL, "批准文号", COL_TEXT),
    ExportColumn(VERIFIER, "核查人", COL_TEXT),
    ExportColumn(VERIFIED_ON, "核查日期", COL_DATE),
    *(
        column
        for name in ls.VERDICT_AREA_FIELDS
        for column in _areas(_verified(name), f"核实{area_name_zh(name)}")
    ),
    ExportColumn(PARTY, "当事人", COL_TEXT),
    ExportColumn(ACTUAL_USE, "实际用途", COL_TEXT),
    ExportColumn(STOP_ORDER, "已下达责令停止通知书", COL_TEXT),
    ExportColumn(CASE_NUMBER, "案件编号", COL_INT),  # the ledger numbers cases 1, 2, …
    ExportColumn(CASE_STAGE, "案件阶段", COL_TEXT),
    ExportColumn(VERDICT_NOTE, "备注", COL_TEXT),
    ExportColumn(VERDICT_RECORDS, "判定记录数", COL_INT),
    ExportColumn(EVIDENCE_COUNT, "证据数量", COL_INT),
    ExportColumn(EVIDENCE_PROBLEMS, "证据文件缺失、改动或路径被拒绝数", COL_INT),
    ExportColumn(STATUS, "核查状态", COL_TEXT),
)


def batches_exported(gpkg: Path) -> tuple[list[str], int]:
    """(the batches, the spots) an earlier export's GeoPackage holds; ([], 0) when there is
    none or it cannot be read (it is replaced all the same: this only says what goes)."""
    if not gpkg.is_file():
        return [], 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as conn:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
                )
            ]
            batches: set[str] = set()
            spots = 0
            for table in tables:
                rows = conn.execute(f'SELECT "{BATCH_NAME}", COUNT(*) FROM "{table}" GROUP BY 1')
                for batch, count in rows:
                    batches.add(str(batch or ""))
                    spots += count
    except sqlite3.Error:
        return [], 0
    return sorted(batches), spots


class ExportError(Exception):
    """The export cannot be written as asked; the message names the spot, field or file."""


class ExportCancelled(Exception):  # noqa: N818 - the name callers catch, like ScreeningCancelled
    """The caller's is_cancelled() said stop; files being written were removed."""


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
    # evidence id -> EvidenceProblem.problem (evidence.FILE_*), as write_evidence_zip found
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.values[STATUS] == STATUS_LABELS_ZH[ls.STATUS_VERIFIED]

    def sheet_photos(
        self,
        evidence_dir: str | os.PathLike,
        drawn: Callable[[Path, BinaryIO], Path | None] | None = None,
        limit: int = len(PHOTO_FIELDS),
    ) -> SheetPhotos:
        """The spot's photos for its sheet, oldest first: the first `limit` whose file is there
        and unaltered (as write_evidence_zip found them, ExportRow.problems) and can be drawn.

        `drawn(path, handle)` gives the file a slot prints for a photo (a copy made to the
        slot's size) from the photo's file opened as `handle`, or None when the photo cannot
        be drawn (an empty file, a text named .jpg, a HEIC without a reader); without it the
        photo's own file is printed. A photo that cannot be drawn leaves its slot to the next
        one rather than blank. The file is opened as the zip opens it (open_evidence_file):
        one swapped for a link since the zip or the look here is refused, not drawn
        (SheetPhotos.refusals says so)."""
        photos = SheetPhotos()
        for record in self.evidence:
            if record.kind != ls.EVIDENCE_PHOTO:
                continue
            problem = self.problems.get(record.id)
            try:
                path = evidence_file(evidence_dir, record.path)
            except EvidencePathError:  # the zip, written first, said why (write_evidence_zip)
                photos.refused += 1
                continue
            if problem == FILE_REFUSED:
                photos.refused += 1
            elif problem == FILE_MISSING or not path.is_file():
                photos.missing += 1
            elif problem == FILE_ALTERED:
                photos.altered += 1  # no longer the photo recorded: not printed as evidence
            elif len(photos.shown) < limit:
                try:
                    with open_evidence_file(evidence_dir, record.path) as handle:
                        shown = path if drawn is None else drawn(path, handle)
                except EvidencePathError as refused:
                    photos.refused += 1
                    photos.refusals.append(refused.said(self.number, NOT_PRINTED))
                    continue
                except FileNotFoundError:  # gone since the zip
                    photos.missing += 1
                    continue
                if shown is None:
                    photos.unshowable.append(path)
                else:
                    photos.shown.append(shown)
        return photos


@dataclass
class SheetPhotos:
    """What a spot's sheet prints of its photos, and what it says of those it does not."""

    shown: list[Path] = field(default_factory=list)  # what the slots print, in order
    unshowable: list[Path] = field(default_factory=list)  # there and unaltered, not drawable
    missing: int = 0  # recorded, no file found
    refused: int = 0  # its stored path refused, no file read (evidence.FILE_REFUSED)
    # What the sheets' own reading refused (a link met on opening), for the log: the zip,
    # written before, found the file as it was then.
    refusals: list[str] = field(default_factory=list)
    altered: int = 0  # the file is no longer the one recorded

    @property
    def note(self) -> str | None:
        """The sheet's red line on the photos not printed (None when there are none): the
        manifest says which files they are."""
        parts = []
        if self.missing:
            parts.append(f"文件缺失 {self.missing} 件")
        if self.refused:
            parts.append(f"路径被拒绝 {self.refused} 件")
        if self.altered:
            parts.append(f"已改动未印出 {self.altered} 件")
        if self.unshowable:
            parts.append(f"无法显示 {len(self.unshowable)} 件")
        if not parts:
            return None
        lead = "另有照片" if self.shown else "照片"
        return f"{lead}{'、'.join(parts)}（见 {MANIFEST_NAME}）"


def _area(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return float(round_area(number)) if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _flag_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return YES_ZH if str(value).strip().lower() in ("1", "true", "t", "yes", "y", "是") else NO_ZH


def verification_rows(
    ledger: LedgerStore,
    batch: str | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[ExportRow]:
    """One row per spot of the batch (or the whole ledger), in review order, with its current
    verdict, key figures (as the ledger stores them; 亩 from m² where not stored) and evidence."""
    report = Reporter(progress, is_cancelled, ExportCancelled)
    with ledger.one_moment():  # a verdict saved meanwhile is in every read or in none
        summaries = ledger.spots(SpotFilter(batch=batch))
        evidence_by_spot: dict[int, list[EvidenceRecord]] = {}
        for record in ledger.evidence():
            evidence_by_spot.setdefault(record.spot_id, []).append(record)
        # A case the ledger cannot read is left out here; the caller says so
        # (unreadable_cases).
        case_by_spot = {r.spot_id: r.case for r in ledger.cases() if r.spot_id}
        # Read in bulk, not spot by spot: on the shared ledger each read is a round trip to
        # the server, and a batch holds thousands of spots.
        ids = [summary.id for summary in summaries]
        # A spot whose verdicts cannot be read goes out without one; the caller says so
        # (unreadable_verdicts).
        whole, histories = ledger.spots_by_id(ids), ledger.verdict_histories(ids)
    rows: list[ExportRow] = []
    for index, summary in enumerate(summaries):
        report(index / max(1, len(summaries)))
        spot = whole[summary.id]
        attributes = spot.attributes
        history = histories[summary.id]
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
            EVIDENCE_PROBLEMS: None,  # write_evidence_zip checks the files
            STATUS: STATUS_LABELS_ZH.get(spot.status, spot.status),
        }
        for name in (SPOT_COUNTY_CODE, SPOT_TYPE, SPOT_EARLIER_DATE, SPOT_LATER_DATE):
            values[name] = _text(attributes.get(name))
        # The features hit, as screening named them (the ledger keeps its fields whole).
        for name in HITS_FIELDS:
            values[name] = _text(attributes.get(name))
        values[VERDICT_REASON] = _text(attributes.get(VERDICT_REASON))
        stored = {
            SPOT_AREA: spot.spot_area,
            CULTIVATED_AREA: spot.cultivated_area,
            BASIC_FARMLAND_AREA: spot.basic_farmland_area,
        }
        for column in EXPORT_COLUMNS:
            if column.kind == COL_SQM and not column.name.startswith(VERIFIED_AREA_PREFIX):
                # A figure the ledger keeps in a column was vetted on import, and one it left
                # empty there (negative, larger than any district, not a number) was said so:
                # the raw attribute must not bring it back into the export's totals.
                # Nor one only the attributes hold (FGNYDMJ…) that no spot can have.
                if column.name in stored:
                    values[column.name] = _area(stored[column.name])
                else:
                    values[column.name] = _area(plausible_area(attributes.get(column.name)))
        values.update(_verdict_values(verdict, case_by_spot.get(summary.id)))
        for column in EXPORT_COLUMNS:
            if column.kind == COL_MU:
                sqm_name = column.name[: -len(MU_SUFFIX)]
                # Always from the m² beside it (areas.shown_mu), not the screening's stored
                # 亩: a ledger screened before 亩 were converted so holds figures a cent off.
                sqm = values.get(sqm_name)
                values[column.name] = None if sqm is None else shown_mu(sqm)
        geometry = (
            spot.geometry if spot.geometry is not None and not spot.geometry.is_empty else None
        )
        rows.append(ExportRow(spot.id, spot.number, spot.batch, geometry, values, evidence))
    report(1.0)
    return rows


def _stop_order(verdict, case: Case | None) -> str | None:
    """已下达责令停止通知书 as the ranking counts it (act_stopped, the one definition); 否 only
    when the verifier said no order was issued and no case stopped the act, empty when unsaid."""
    ticked = None if verdict is None else (verdict.details or {}).get(ls.DETAIL_STOP_ORDER)
    if act_stopped(case, bool(ticked)):
        return YES_ZH
    return NO_ZH if ticked is False else None


def _verdict_values(verdict, case: Case | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {
        STOP_ORDER: _stop_order(verdict, case),
        CASE_NUMBER: None if case is None else int(case.case_id),
        CASE_STAGE: None if case is None else case.stage.label_zh,
        VERDICT_CATEGORY: None,
        VERDICT_KIND: None,
        VERDICT_APPROVAL: None,
        VERIFIER: None,
        VERIFIED_ON: None,
        VERDICT_NOTE: None,
        PARTY: None,
        ACTUAL_USE: None,
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
            VERIFIED_ON: parse_date(verdict.verified_on, strict=False),
            VERDICT_NOTE: _text(verdict.note),
            PARTY: _text((verdict.details or {}).get(ls.DETAIL_PARTY)),
            ACTUAL_USE: _text((verdict.details or {}).get(ls.DETAIL_ACTUAL_USE)),
        }
    )
    for name, area in (verdict.areas or {}).items():
        if name in ls.VERDICT_AREA_FIELDS:
            values[_verified(name)] = _area(area)
    return values


def _row_values(row: ExportRow | Mapping[str, Any]) -> Mapping[str, Any]:
    return row.values if isinstance(row, ExportRow) else row


# =================================================================================================
# XLSX
# =================================================================================================

_XLSX_KINDS = {
    COL_TEXT: xlsx.TEXT,
    COL_SQM: xlsx.NUMBER,
    COL_MU: xlsx.NUMBER,
    COL_INT: xlsx.INTEGER,
    COL_DATE: xlsx.DATE,
}


# Delivered as text (QSX, HSX: the image dates) and kept so in the GeoPackage and the Shapefile,
# where a value that is no date would be lost; the XLSX writes them as dates when they parse.
_XLSX_DATE_TEXTS = (SPOT_EARLIER_DATE, SPOT_LATER_DATE)


def _xlsx_kind(column: ExportColumn) -> str:
    return xlsx.DATE if column.name in _XLSX_DATE_TEXTS else _XLSX_KINDS[column.kind]


def _xlsx_value(column: ExportColumn, value: Any) -> Any:
    if column.kind == COL_DATE or column.name in _XLSX_DATE_TEXTS:
        return parse_date(value, strict=False) or _text(value)  # a date, else what was typed
    return value


def write_xlsx(
    path: str | os.PathLike,
    rows: Sequence[ExportRow | Mapping[str, Any]],
    columns: Sequence[ExportColumn] = EXPORT_COLUMNS,
    title: str = "卫片图斑核查台帐",
    sheet_name: str = "核查台帐",
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    whole_text_in: str = xlsx.WHOLE_TEXT_IN_LEDGER,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """Write a one-sheet XLSX: title row, Chinese header row, one row per spot, a 合计 row.

    A text longer than a cell holds (a 100 KB remark) is cut, ending with a note saying where
    it is whole (`whole_text_in`: the package's GeoPackage), and warn() names spot and field.

    Areas are numbers shown with 2 decimals; the totals row holds formulas together with their
    computed values, so readers that do not calculate still see the totals: an m² total is the
    SUM of its rows (each as shown, to 2 decimals), a 亩 total that m² total converted
    (ROUND(m² total / (10000/15), 2)), as each row's 亩 is its m² converted, and not the sum of
    the rounded 亩 rows (which drifts: 922,045.01 m² is 1,383.07 亩, not 1,383.09); the totals
    row says so. The header is frozen, filterable and repeated on every printed page.

    Cancelled (is_cancelled(), asked every ROWS_PER_REPORT rows) it raises ExportCancelled and
    `path` is left as it was.
    """
    # A third of the time goes into reading the values, the rest into writing the cells.
    reading = Reporter(progress, is_cancelled, ExportCancelled, 0, 30)
    writing = Reporter(progress, is_cancelled, ExportCancelled, 30, 100)
    index = {c.name: i for i, c in enumerate(columns)}

    def column(c: ExportColumn) -> xlsx.Column:
        sqm = index.get(c.name[: -len(MU_SUFFIX)]) if c.kind == COL_MU else None
        return xlsx.Column(
            c.header,
            _xlsx_kind(c),
            AREA_DECIMALS,
            c.totalled,
            None if sqm is None else (sqm, shown_mu, shown_mu_formula),
            code=c.name,  # the field's name in the GeoPackage, which the note ties it to
        )

    sheet = xlsx.Sheet(
        sheet_name,
        [column(c) for c in columns],
        [_xlsx_values(columns, row, number, len(rows), reading) for number, row in enumerate(rows)],
        title=title,
        totals=("合计", f"{len(rows)} 个图斑", MU_TOTAL_RULE + _unsplit_note(rows, index)),
        frozen_columns=2,  # 序号 and 图斑编号 stay in view
        autofilter=True,
        whole_text_in=whole_text_in,
    )
    for r, c in xlsx.cut_cells(sheet):
        if warn is not None:
            number = _row_number(rows[r])
            name = columns[c].name
            warn(
                f"图斑 {number} 的字段 {name} 长于 Excel 单元格所能容纳的字符数，XLSX 中已截断"
                f"（全文见 {whole_text_in}） / spot {number}: the field {name} is longer than an "
                f"Excel cell holds ({xlsx.CELL_TEXT_LIMIT} characters kept): cut in the XLSX, "
                f"whole in {whole_text_in}"
            )
    return xlsx.write_workbook(path, [sheet], title, writing)


def _unsplit_note(rows: Sequence[ExportRow | Mapping[str, Any]], index: Mapping[str, int]) -> str:
    """What the totals row adds when some spots have an area but no land-class split (the
    campaigns' spots are not split by land class): the split's totals then fall short of the
    spots' total, and a reader adding them up must see why."""
    if SPOT_AREA not in index or CULTIVATED_AREA not in index:
        return ""
    unsplit = sum(
        1
        for row in rows
        if (values := _row_values(row)).get(SPOT_AREA) is not None
        and values.get(CULTIVATED_AREA) is None
    )
    if not unsplit:
        return ""
    return f"；其中 {unsplit} 个图斑无地类分项面积，各地类面积合计不含这些图斑"


def _row_number(row: ExportRow | Mapping[str, Any]) -> Any:
    return row.number if isinstance(row, ExportRow) else row.get(SPOT_NUMBER)


def _xlsx_values(
    columns: Sequence[ExportColumn],
    row: ExportRow | Mapping[str, Any],
    number: int,
    count: int,
    report: Reporter,
) -> list[Any]:
    if number % ROWS_PER_REPORT == 0:
        report(number / count)
    values = _row_values(row)
    return [_xlsx_value(c, values.get(c.name)) for c in columns]


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


# Symbols GBK lacks that common texts hold (the screening's reasons write m²; text pasted from
# Word or a web page brings no-break spaces and bullets), and how the GBK Shapefile writes them,
# with a warning; the GeoPackage and the XLSX keep the original. Any other character GBK lacks
# stops the export.
GBK_SUBSTITUTES = (
    # Units first, the longer ones before m² (hm² is 公顷, not h平方米); a power left over is
    # written ^2, never 2 (10³ m³ as 103 would be another figure).
    ("km²", "平方千米"),
    ("hm²", "公顷"),
    ("dm²", "平方分米"),
    ("cm²", "平方厘米"),
    ("mm²", "平方毫米"),
    ("m²", "平方米"),
    ("km³", "立方千米"),
    ("dm³", "立方分米"),
    ("cm³", "立方厘米"),
    ("mm³", "立方毫米"),
    ("m³", "立方米"),
    ("²", "^2"),
    ("³", "^3"),
    ("\u00a0", " "),  # no-break space
    ("\u2002", " "),  # en space
    ("\u2003", " "),  # em space
    ("\u2009", " "),  # thin space
    ("\u202f", " "),  # narrow no-break space
    ("\u200b", ""),  # zero-width space
    ("\ufeff", ""),  # byte-order mark pasted inside a text
    ("•", "·"),
    ("∙", "·"),
    ("‧", "·"),
    ("‑", "-"),  # non-breaking hyphen
    ("‒", "-"),  # figure dash
    ("−", "-"),  # minus sign
    ("µ", "μ"),
    ("©", "(C)"),
    ("®", "(R)"),
    ("™", "(TM)"),
)


def shown_symbol(symbol: str) -> str:
    """A symbol as a message can show it: an invisible one by its code point."""
    return symbol if symbol.isprintable() and not symbol.isspace() else f"U+{ord(symbol):04X}"


def shapefile_text(text: str, encoding: str) -> str:
    """The text as the Shapefile in `encoding` holds it (see GBK_SUBSTITUTES)."""
    return gbk_substitutions(text)[0] if encoding == "GBK" else text


def gbk_substitutions(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with GBK_SUBSTITUTES applied in their order, and those that applied."""
    applied = []
    for symbol, words in GBK_SUBSTITUTES:
        if symbol in text:
            applied.append((symbol, words))
            text = text.replace(symbol, words)
    return text, applied


def check_encodable(
    rows: Sequence[ExportRow], encoding: str, columns: Sequence[ExportColumn] = EXPORT_COLUMNS
) -> None:
    """Raise ExportError naming every spot, field and character the encoding cannot hold (after
    GBK_SUBSTITUTES), all at once: fixing them one export at a time wastes a morning."""
    codec = _codec(encoding)
    problems = []
    for row in rows:
        for column in columns:
            value = row.values.get(column.name)
            if not isinstance(value, str):
                continue
            value = shapefile_text(value, encoding)
            bad = []
            for char in value:
                try:
                    char.encode(codec)
                except UnicodeEncodeError:
                    if char not in bad:
                        bad.append(char)
            if bad:
                chars = "、".join(f"“{shown_symbol(c)}”(U+{ord(c):04X})" for c in bad)
                problems.append(
                    f"图斑 {row.number} 字段 {column.shapefile_name}（{column.header}）：{chars} / "
                    f"spot {row.number}, field {column.shapefile_name}: {chars} in {value!r}"
                )
    if problems:
        raise ExportError(
            f"{len(problems)} 处文本含有 {encoding} 无法表示的字符，未写出任何文件：请改用 UTF-8 "
            f"编码导出，或修改这些值 / {len(problems)} values hold characters {encoding} cannot "
            "write; nothing was written: export in UTF-8 or change them:\n" + "\n".join(problems)
        )


def check_shapefile(
    rows: Sequence[ExportRow], encoding: str, columns: Sequence[ExportColumn] = EXPORT_COLUMNS
) -> None:
    """Raise ExportError, before anything is written, for what a Shapefile in `encoding` would
    write wrongly: a character it cannot hold (check_encodable), two columns under one field
    name (a DBF name holds 10 bytes and ignores case: one column would silently replace the
    other), and a spot key it would not keep whole and distinct (a DBF text holds
    SHAPEFILE_TEXT_BYTES: two numbers alike up to there would be one spot's). Other texts are
    cut with a warning (write_vector_exports): the GeoPackage and XLSX keep them whole."""
    check_encodable(rows, encoding, columns)
    codec = _codec(encoding)
    by_name: dict[str, list[ExportColumn]] = {}
    for column in columns:
        by_name.setdefault(column.shapefile_name.upper(), []).append(column)
    too_long = [c for c in columns if len(c.shapefile_name.encode(codec)) > SHAPEFILE_NAME_BYTES]
    shared = [named for named in by_name.values() if len(named) > 1]
    if too_long or shared:
        problems = [
            f"字段 {c.name}（{c.header}）的 Shapefile 字段名 {c.shapefile_name} 超过 "
            f"{SHAPEFILE_NAME_BYTES} 字节 / column {c.name}: Shapefile field name "
            f"{c.shapefile_name} is longer than {SHAPEFILE_NAME_BYTES} bytes"
            for c in too_long
        ] + [
            "、".join(f"字段 {c.name}（{c.header}）" for c in named)
            + f" 在 Shapefile 中同名 / columns {', '.join(c.name for c in named)} share the "
            f"Shapefile field name {'/'.join(c.shapefile_name for c in named)} (a DBF does not "
            "tell case apart)"
            for named in shared
        ]
        raise ExportError(
            "Shapefile 字段名无法区分各列，未写出任何文件 / the Shapefile's field names would "
            "not keep the columns apart; nothing was written:\n" + "\n".join(problems)
        )
    problems = []
    for column in (c for c in columns if c.key):
        # written text -> the spots' keys written so; a key must come out whole and its own
        written: dict[str, list[str]] = {}
        for row in rows:
            value = _field_value(column, row.values.get(column.name))
            if not isinstance(value, str):
                continue
            text = shapefile_text(value, encoding)
            size = len(text.encode(codec))
            if size > SHAPEFILE_TEXT_BYTES:
                problems.append(
                    f"图斑 {row.number} 字段 {column.shapefile_name}（{column.header}）：{size} "
                    f"字节，超过 Shapefile 的 {SHAPEFILE_TEXT_BYTES} 字节，截断后可能与其他图斑"
                    f"相同 / spot {row.number}, field {column.shapefile_name}: {size} bytes, "
                    f"more than the {SHAPEFILE_TEXT_BYTES} a Shapefile holds"
                )
            keys = written.setdefault(text, [])
            if value not in keys:
                keys.append(value)
        for text, keys in written.items():
            if len(keys) > 1:
                problems += [
                    f"图斑 {key} 字段 {column.shapefile_name}（{column.header}）：在 {encoding} "
                    f"Shapefile 中写作“{text}”，与图斑 {'、'.join(k for k in keys if k != key)} "
                    f"相同 / spot {key}, field {column.shapefile_name}: written {text!r} in "
                    "the Shapefile, as another spot is"
                    for key in keys
                ]
    if problems:
        raise ExportError(
            f"{len(problems)} 个图斑编号在 Shapefile 中无法完整、唯一地写出，未写出任何文件："
            f"请缩短或改正这些编号 / {len(problems)} spot numbers cannot be written whole and "
            "distinct in a Shapefile; nothing was written: shorten or correct them:\n"
            + "\n".join(problems)
        )


def _codec(encoding: str) -> str:
    if encoding not in PYTHON_CODECS:
        raise ExportError(
            f"不支持的编码 {encoding!r}，可选 {'、'.join(SHAPEFILE_ENCODINGS)} / unsupported "
            f"encoding {encoding!r}: one of {', '.join(SHAPEFILE_ENCODINGS)}"
        )
    return PYTHON_CODECS[encoding]


# How each kind of column is written in both files: (OGR field type, width, precision). Integers
# are 64-bit of width 10 (as fiona's "int:10" wrote them), texts as wide as a DBF text holds.
_FIELD_TYPES = {
    COL_SQM: ("OFTReal", 20, AREA_DECIMALS),
    COL_MU: ("OFTReal", 20, AREA_DECIMALS),
    COL_INT: ("OFTInteger64", 10, 0),
    COL_DATE: ("OFTDate", 0, 0),
    COL_TEXT: ("OFTString", SHAPEFILE_TEXT_BYTES, 0),
}


def _field_value(column: ExportColumn, value: Any) -> Any:
    """The value as both files hold it: a date a date, a text a str, None empty."""
    if value is None:
        return None
    if column.kind == COL_DATE:
        return parse_date(value, strict=False)
    if column.kind == COL_TEXT:
        return str(value)
    return value


def _clip_bytes(text: str, codec: str, limit: int) -> str:
    return clip_text(text, limit, lambda t: len(t.encode(codec)))


def _multipolygon_wkb(geom: Any) -> bytes | None:
    """The spot's outline as the layers' type holds it: a MultiPolygon, 2D; None when none."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    return shapely.to_wkb(geom, output_dimension=2)


def _shapefile_values(
    rows: Sequence[ExportRow], by_name: Mapping[str, ExportColumn], encoding: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each row's values as the Shapefile in `encoding` writes them (GBK_SUBSTITUTES applied,
    texts cut at SHAPEFILE_TEXT_BYTES), and the warnings that says so."""
    codec = _codec(encoding)
    warnings: list[str] = []
    records = []
    # field -> (spots whose text GBK_SUBSTITUTES changed, the substitutions, a first text
    # before and after: the warning shows it, so a change of meaning would be seen)
    substituted: dict[str, tuple[list[str], list[tuple[str, str]], list[str]]] = {}
    for row in rows:
        values = {}
        for name, column in by_name.items():
            value = _field_value(column, row.values.get(column.name))
            if isinstance(value, str):
                written = shapefile_text(value, encoding)
                if written != value:
                    numbers, applied, example = substituted.setdefault(name, ([], [], []))
                    numbers.append(row.number)
                    applied += [a for a in gbk_substitutions(value)[1] if a not in applied]
                    example[:] = example or [value, written]
                    value = written
                clipped = _clip_bytes(value, codec, SHAPEFILE_TEXT_BYTES)
                if clipped != value:
                    warnings.append(
                        f"图斑 {row.number} 的字段 {name} 超过 {SHAPEFILE_TEXT_BYTES} 字节，"
                        f"Shapefile 中已截断（GeoPackage 和 XLSX 中完整） / spot {row.number}, "
                        f"field {name}: longer than {SHAPEFILE_TEXT_BYTES} bytes, cut in the "
                        "Shapefile (whole in the GeoPackage and XLSX)"
                    )
                    value = clipped
            values[name] = value
        records.append(values)
    for name, (numbers, applied, (before, after)) in substituted.items():
        shown = first_of(numbers, 5, ", ")
        words = "、".join(
            f"“{shown_symbol(symbol)}”→“{text}”"
            for symbol, text in GBK_SUBSTITUTES
            if (symbol, text) in applied
        )
        warnings.append(
            f"字段 {name}：{len(numbers)} 个图斑（{shown}）的文本含 GBK 无法表示的符号，"
            f"Shapefile 中已改写（{words}；如图斑 {numbers[0]}：“{before}”→“{after}”），"
            f"GeoPackage 和 XLSX 中保持原样 / field {name}: in {len(numbers)} spots "
            f"({shown}) symbols GBK lacks were written out in the Shapefile ({words}; e.g. "
            f"spot {numbers[0]}: “{before}” → “{after}”); the GeoPackage and XLSX keep them"
        )
    return records, warnings


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
    (254 bytes) is cut there and reported (the GeoPackage and XLSX keep it whole). What the
    Shapefile would write wrongly (check_shapefile: a character the encoding cannot hold, two
    columns under one name, a spot number it would not keep whole and distinct) stops the
    export before anything is written, naming spot and field. Cancelled (is_cancelled(), asked
    every ROWS_PER_REPORT rows) or failed, the file being written is removed.
    """
    check_shapefile(rows, encoding, columns)
    report = Reporter(progress, is_cancelled, ExportCancelled)
    report(0)  # a cancel pressed as the writing begins: before a second of preparing the rows
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = VectorExport(folder / f"{basename}.gpkg", folder / f"{basename}.shp", encoding)
    geopackage_names = {c.name: c for c in columns}
    geopackage_values = [
        {name: _field_value(c, row.values.get(c.name)) for name, c in geopackage_names.items()}
        for row in rows
    ]
    shapefile_names = {c.shapefile_name: c for c in columns}
    shapefile_values, result.warnings = _shapefile_values(rows, shapefile_names, encoding)
    targets = (
        (result.geopackage, "GPKG", geopackage_names, geopackage_values, []),
        # GDAL recodes the texts to it (see GDAL_ENCODINGS) and names it in the .cpg
        (
            result.shapefile,
            "ESRI Shapefile",
            shapefile_names,
            shapefile_values,
            [f"ENCODING={CPG_NAMES[encoding]}"],
        ),
    )
    geometries = [_multipolygon_wkb(row.geometry) for row in rows]
    started = []  # the targets begun: their files are this call's
    try:
        for done, (path, driver, by_name, values, options) in enumerate(targets):
            started.append((path, driver))

            def written(count: int, done=done) -> None:
                report((done + count / max(1, len(rows))) / len(targets))

            _write_layer(
                path, driver, basename, options, by_name, values, geometries, written, encoding
            )
        cpg = result.shapefile.with_suffix(".cpg")
        if not cpg.exists() or cpg.read_text("ascii").strip() != CPG_NAMES[encoding]:
            # what the reader needs, whatever GDAL did
            cpg.write_text(CPG_NAMES[encoding], "ascii")
    except BaseException:
        # Cancelled or failed: a GeoPackage written whole beside no Shapefile would pass for
        # the export; neither stays.
        for path, driver in started:
            for file in _vector_files(path, driver):
                file.unlink(missing_ok=True)
        raise
    return result


def _vector_files(path: Path, driver: str) -> list[Path]:
    """Every file GDAL may write for `path`: a Shapefile's side files, a GeoPackage's journals."""
    if driver != "GPKG":
        return [path.with_suffix(suffix) for suffix in SHAPEFILE_SUFFIXES]
    return [path] + [path.with_name(path.name + side) for side in ("-journal", "-wal", "-shm")]


def _write_layer(
    path: Path,
    driver: str,
    layer_name: str,
    options: list[str],
    by_name: Mapping[str, ExportColumn],
    values: Sequence[Mapping[str, Any]],
    geometries: Sequence[bytes | None],
    written: Callable[[int], None],
    encoding: str,
) -> None:
    """One file, written with GDAL's own bindings in one transaction where the format has them
    (the GeoPackage; a Shapefile has none). Not fiona: fiona 1.9 copies a feature's properties
    on every field it reads, columns² per feature, 45 s of a 24,000-spot export."""
    from osgeo import gdal, ogr, osr

    for file in _vector_files(path, driver):
        file.unlink(missing_ok=True)

    def failed(what: str, raised: Exception | None = None) -> Exception:
        # GDAL on a full disk says "no such table: gpkg_geometry_columns" or the like: asked of
        # the disk, it is an OSError naming the file, which the caller words as what it is.
        if disk.disk_full(path.parent):
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        message = str(raised) if raised is not None else gdal.GetLastErrorMsg() or what
        return ExportError(f"无法写入 / cannot write {path}: {message}")

    source = None
    shape_encoding = gdal.GetThreadLocalConfigOption("SHAPE_ENCODING", None)
    gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", GDAL_ENCODINGS[encoding])
    try:
        gdal.ErrorReset()
        source = ogr.GetDriverByName(driver).CreateDataSource(str(path))
        if source is None:
            raise failed("the file cannot be created")
        crs = osr.SpatialReference()
        crs.ImportFromEPSG(ls.LEDGER_SRS_ID)
        crs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        layer = source.CreateLayer(layer_name, crs, ogr.wkbMultiPolygon, options)
        if layer is None:
            raise failed("the layer cannot be created")
        setters = []  # per field: (index, name, how its value is set)
        for name, column in by_name.items():
            kind, width, precision = _FIELD_TYPES[column.kind]
            definition = ogr.FieldDefn(name, getattr(ogr, kind))
            definition.SetWidth(width)
            definition.SetPrecision(precision)
            if layer.CreateField(definition) != ogr.OGRERR_NONE:
                raise failed(f"field {name} cannot be created")
            setters.append((len(setters), name, column.kind))
        definition = layer.GetLayerDefn()
        transaction = source.TestCapability(ogr.ODsCTransactions)
        if transaction and source.StartTransaction() != ogr.OGRERR_NONE:
            raise failed("cannot start a transaction")
        for count, (record, geometry) in enumerate(zip(values, geometries, strict=True)):
            if count % ROWS_PER_REPORT == 0:
                written(count)
            feature = ogr.Feature(definition)
            for index, name, kind in setters:
                value = record[name]
                if value is None:
                    feature.SetFieldNull(index)
                elif kind == COL_TEXT:
                    feature.SetFieldString(index, value)
                elif kind == COL_INT:
                    feature.SetFieldInteger64(index, int(value))
                elif kind == COL_DATE:
                    feature.SetField(index, value.year, value.month, value.day, 0, 0, 0, 0)
                else:
                    feature.SetField(index, float(value))
            if geometry is not None:
                feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(geometry))
            if layer.CreateFeature(feature) != ogr.OGRERR_NONE:
                raise failed(f"feature {count + 1} cannot be written")
        if transaction and source.CommitTransaction() != ogr.OGRERR_NONE:
            raise failed("cannot commit")
        layer = None
        source.FlushCache()
        source = None  # closes the file: written whole
        written(len(values))
    except (ExportCancelled, ExportError, OSError):
        layer = source = None  # noqa: F841 - closed, so that its files can be removed
        raise
    except Exception as error:  # GDAL's bindings raise when a plugin turned exceptions on
        layer = source = None  # noqa: F841
        raise failed("", error) from error
    finally:
        gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", shape_encoding)


# =================================================================================================
# the evidence zip
# =================================================================================================

MANIFEST_NAME = "manifest.csv"
# The manifest again as a workbook, beside the CSV in the zip. Excel opens a CSV guessing each
# column's type: a spot number 37030220250001 shows as 3.70302E+13 and, saved, is that number
# for good; a SHA-256 of digits and one "e" reads as a power of ten. The CSV stays plain (no
# ="…" around the numbers, no leading apostrophe): it is what a script checks the zip with,
# and must read as written. The workbook holds every text column as text, for the people.
MANIFEST_XLSX_NAME = "manifest.xlsx"
CHECK_OK, CHECK_ALTERED, CHECK_MISSING = "一致", "已改动", "缺失"
# A stored path refused (a row naming a file elsewhere, a photo replaced by a link): not read,
# so not known to be lost either.
CHECK_REFUSED = "路径被拒绝"
MANIFEST_CHECKS = {
    FILE_MISSING: CHECK_MISSING,
    FILE_ALTERED: CHECK_ALTERED,
    FILE_REFUSED: CHECK_REFUSED,
}
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
# Where the ledger keeps the file under its evidence folder, and the size it recorded: a missing
# file has no zip path or size of its own, and two of one name (IMG_0001.jpg, IMG_0001_2.jpg)
# are told apart by these, not by their hashes alone.
MANIFEST_STORED_PATH = "台帐存储路径"
MANIFEST_RECORDED_SIZE = "台帐记录大小(字节)"
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
    MANIFEST_STORED_PATH,
    MANIFEST_RECORDED_SIZE,
)
# English of the manifest's columns: the notes on the workbook's headers.
_MANIFEST_ENGLISH = {
    MANIFEST_SPOT: "spot number (JCBH)",
    MANIFEST_BATCH: "batch",
    MANIFEST_KIND: "kind of evidence",
    MANIFEST_PATH: "path in the zip",
    MANIFEST_SHA256: "SHA-256 of the file zipped",
    MANIFEST_SIZE: "size zipped (bytes)",
    MANIFEST_TAKEN: "taken at, as the file says (a photo's EXIF, a video's movie header)",
    MANIFEST_LON: "longitude (the file's GPS)",
    MANIFEST_LAT: "latitude (the file's GPS)",
    MANIFEST_ORIGINAL: "original file name",
    MANIFEST_CHECK: "check against the ledger",
    MANIFEST_RECORDED_SHA256: "SHA-256 the ledger recorded",
    MANIFEST_STORED_PATH: "path under the ledger's evidence folder",
    MANIFEST_RECORDED_SIZE: "size the ledger recorded (bytes)",
}
_MANIFEST_NUMBERS = {
    MANIFEST_SIZE: (xlsx.INTEGER, 0),
    MANIFEST_RECORDED_SIZE: (xlsx.INTEGER, 0),
    MANIFEST_LON: (xlsx.NUMBER, 7),  # as the CSV writes them: about a centimetre
    MANIFEST_LAT: (xlsx.NUMBER, 7),
}


def manifest_workbook(manifest: Sequence[Mapping[str, Any]]) -> bytes:
    """The manifest's rows as an XLSX: sizes and GPS as numbers, capture times as dates and
    times (Excel sorts and filters them so), every other column text (spot numbers, hashes and
    paths kept exactly as the CSV has them)."""
    columns = []
    for name in MANIFEST_COLUMNS:
        kind, decimals = _MANIFEST_NUMBERS.get(name, (xlsx.TEXT, 0))
        if name == MANIFEST_TAKEN:
            kind = xlsx.DATETIME
        columns.append(xlsx.Column(name, kind, decimals, code=_MANIFEST_ENGLISH[name]))

    def cell(name: str, value: Any) -> Any:
        if value in ("", None):
            return None
        if name == MANIFEST_TAKEN:
            return shown_moment(str(value))
        if name in _MANIFEST_NUMBERS:
            return float(value) if _MANIFEST_NUMBERS[name][0] == xlsx.NUMBER else int(value)
        return str(value)

    rows = [[cell(name, entry[name]) for name in MANIFEST_COLUMNS] for entry in manifest]
    # Its texts are file names and paths; one longer than a cell is whole in manifest.csv.
    sheet = xlsx.Sheet(
        "证据清单", columns, rows, frozen_columns=1, autofilter=True, whole_text_in=MANIFEST_NAME
    )
    return xlsx.workbook_bytes([sheet], "证据文件清单")


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


@dataclass
class EvidenceZip:
    path: Path
    files: int  # members written, the manifest excluded
    size: int  # bytes of evidence written
    problems: list[EvidenceProblem] = field(default_factory=list)


def _zip_member(number: str, stored_path: str, taken: Container[str] = ()) -> str:
    """<JCBH>/<file name> in the zip: both parts cleaned alike, so a backslash of a stored path
    never becomes a folder (..\\x) when Windows unzips it, and neither part is '.', '..' or
    empty. A member ``taken`` by another stored file (S1/-1.jpg, stored by an earlier version,
    is S1/_-1.jpg too, and so is CON/p.jpg beside _CON/p.jpg) is numbered as a spot folder's
    files are (S1/_-1_2.jpg): each file zipped, none in another's place."""
    folder, name = safe_file_name(number), safe_file_name(stored_path.rsplit("/", 1)[-1])
    members = (f"{folder}/{numbered_name(name, n)}" for n in itertools.count(1))
    return next(member for member in members if member not in taken)


def write_evidence_zip(
    path: str | os.PathLike,
    ledger: LedgerStore,
    rows: Sequence[ExportRow] | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> EvidenceZip:
    """Zip the evidence of the rows' spots (all spots when None) under <JCBH>/<file>, with a
    manifest.csv (UTF-8 with BOM, for Excel) listing spot, kind, path, SHA-256, size, time, GPS,
    and the same as manifest.xlsx, which Excel opens without turning numbers to 3.7E+13.

    Each file is hashed while it is zipped and compared with the ledger: a missing or altered
    file is listed in the manifest (核验结果) and returned in `problems`, never skipped silently.
    An altered file is still zipped, with the hash it has now and the one the ledger recorded.
    Each row is told what was found (ExportRow.problems, its EVIDENCE_PROBLEMS count), so the
    files written after the zip say it too.
    """
    report = Reporter(progress, is_cancelled, ExportCancelled)
    if rows is None:
        rows = verification_rows(ledger)
    records = [(row, record) for row in rows for record in row.evidence]
    # A folder not there at all (a share not mounted) is refused, not zipped as all missing.
    root = readable_evidence_dir(ledger, [record for _, record in records], NOTHING_EXPORTED)
    total_bytes = max(1, sum(int(record.size or 0) for _, record in records))
    result = EvidenceZip(Path(path), 0, 0)
    manifest: list[dict[str, Any]] = []
    # stored path -> (member, sha256, size): a file shared by two batches goes in once. By
    # stored path, not member: two files may clean to one member, and each is zipped
    # (_zip_member).
    written: dict[str, tuple[str, str, int]] = {}
    members: set[str] = set()
    done_bytes = 0
    with (
        replacing(result.path) as temporary,
        zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        for row, record in records:
            report(done_bytes / total_bytes)
            if record.path in written:
                member = written[record.path][0]
            else:
                member = _zip_member(row.number, record.path, members)
            entry = {
                MANIFEST_SPOT: row.number,
                MANIFEST_BATCH: row.batch,
                MANIFEST_KIND: ls.EVIDENCE_KIND_LABELS_ZH.get(record.kind, record.kind),
                MANIFEST_PATH: member,
                MANIFEST_SHA256: "",
                MANIFEST_SIZE: "",
                MANIFEST_TAKEN: record.taken_at or "",
                MANIFEST_LON: "" if record.gps_lon is None else f"{record.gps_lon:.7f}",
                MANIFEST_LAT: "" if record.gps_lat is None else f"{record.gps_lat:.7f}",
                MANIFEST_ORIGINAL: record.original_name or "",
                MANIFEST_CHECK: CHECK_OK,
                MANIFEST_RECORDED_SHA256: record.sha256,
                MANIFEST_STORED_PATH: record.path,
                MANIFEST_RECORDED_SIZE: "" if record.size is None else int(record.size),
            }
            source, said, problem = root / record.path, None, FILE_MISSING
            try:
                if record.path in written:
                    digest, size = written[record.path][1:]
                else:
                    # Opened as evidence files are (open_evidence_file), so that a link put
                    # in the file's place after the look at its path is refused, not zipped.
                    with open_evidence_file(root, record.path) as handle:
                        digest, size = _zip_file(archive, handle, source, member, is_cancelled)
                    written[record.path] = (member, digest, size)
                    members.add(member)
                    result.files += 1
                    result.size += size
            except FileNotFoundError:
                said = (
                    f"图斑 {row.number} 的证据文件缺失，未打包 / spot {row.number}: evidence "
                    f"file missing, not in the zip: {source}"
                )
            except EvidencePathError as refused:  # an office's row naming a file elsewhere
                said = refused.said(row.number, ("未打包", "not in the zip"))
                problem = FILE_REFUSED
            if said is not None:
                entry[MANIFEST_PATH] = ""
                entry[MANIFEST_CHECK] = MANIFEST_CHECKS[problem]
                result.problems.append(
                    EvidenceProblem(record.id, record.spot_id, record.path, problem, said)
                )
                manifest.append(entry)
                done_bytes += int(record.size or 0)
                continue
            entry[MANIFEST_SHA256] = digest
            entry[MANIFEST_SIZE] = size
            if digest != record.sha256:
                entry[MANIFEST_CHECK] = CHECK_ALTERED
                result.problems.append(
                    EvidenceProblem(
                        record.id,
                        record.spot_id,
                        record.path,
                        FILE_ALTERED,
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
        writer.writerows(_csv_safe(entry) for entry in manifest)
        # Stamped as the photos are, in Beijing time (a name alone takes the machine's local
        # time: eight hours behind them on a laptop set to UTC).
        written = _zip_time(clock.now().timestamp())
        archive.writestr(
            _written_member(MANIFEST_NAME, written), ("\ufeff" + text.getvalue()).encode("utf-8")
        )
        archive.writestr(_written_member(MANIFEST_XLSX_NAME, written), manifest_workbook(manifest))
    found = {problem.evidence_id: problem.problem for problem in result.problems}
    for row in rows:
        row.problems = {r.id: found[r.id] for r in row.evidence if r.id in found}
        row.values[EVIDENCE_PROBLEMS] = len(row.problems)
    report(1.0)
    return result


def _csv_safe(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest row for manifest.csv, its text guarded as every CSV of the plugin's is
    (csv_text: a leading ' before a formula's first character, as an original name
    '=HYPERLINK(…)' may have). Only the text columns: a negative longitude (-117.25, west) is
    a number that must stay one, and the number columns hold nothing but numbers (f"{x:.7f}").
    The zip path never needs it (safe_file_name starts no name so), nor a hash; manifest.xlsx
    needs none of it: its text cells are never formulas."""
    return {
        name: value if name in _MANIFEST_NUMBERS else csv_text(value)
        for name, value in entry.items()
    }


# The first and last times a ZIP member can bear (a DOS date counts years from 1980 in 7 bits,
# seconds in twos).
ZIP_EARLIEST_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_LATEST_TIME = (2107, 12, 31, 23, 59, 58)


def _zip_time(mtime: float) -> tuple[int, int, int, int, int, int]:
    """A file's own time in Beijing time (a ZIP member's time says no zone: read on a laptop
    set to UTC it was eight hours behind every other time the export gives; no clock is read),
    held within the years a ZIP can say: a camera whose clock was never set dates its photos
    1970, which zipfile refuses, stopping the whole export. Only the stamp moves; the hash
    never depended on it."""
    moment = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).astimezone(clock.CHINA_TIME)
    stamp = moment.timetuple()[:6]
    return min(max(stamp, ZIP_EARLIEST_TIME), ZIP_LATEST_TIME)


def _written_member(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A member written from bytes, dated ``stamp``, compressed and readable by all, as
    ZipFile.writestr makes one from a name (but dated by the machine's zone)."""
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _zip_file(
    archive: zipfile.ZipFile, handle: BinaryIO, source: Path, member: str, is_cancelled
) -> tuple[str, int]:
    """Copy the open file `handle` (of the path `source`) into the archive, hashing the very
    bytes written: (sha256, size). Its time and mode are the open file's, not whatever the
    path names by now."""
    digest = hashlib.sha256()
    size = 0
    status = os.fstat(handle.fileno())
    info = zipfile.ZipInfo(member, _zip_time(status.st_mtime))
    info.external_attr = (status.st_mode & 0xFFFF) << 16  # as ZipInfo.from_file sets it
    info.file_size = status.st_size
    stored = source.suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=status.st_size > 1 << 31) as target:
        for block in iter(lambda: handle.read(1 << 20), b""):
            if is_cancelled is not None and is_cancelled():
                raise ExportCancelled()
            digest.update(block)
            target.write(block)
            size += len(block)
    return digest.hexdigest(), size
