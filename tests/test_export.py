"""exportverification end to end: a ledger made from the demo district's screened spots, with
verdicts and photos, exported through processing.run and read back with openpyxl, fiona, QGIS,
pdfinfo / pdftoppm and zipfile."""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

import fiona
import openpyxl
import pytest
from shapely.geometry import box

from tests import paper
from tests.workbooks import check_workbook
from zc_enforcement_plugin.core import clock, domain, evidence, export, ledger, spot_files
from zc_enforcement_plugin.core import ledger_schema as ls

BATCH = "2026年第一季度"
TOWN, OFFICE = "洪山镇", "洪山自然资源所"
NOTE = "现场为新建厂房，已下达停止违法行为通知书"
RARE = "𠮷"  # CJK Extension B: in UTF-8, not in GBK (a name character people do have)
SPOTS_WITH_GEOMETRY = 5


@pytest.fixture(scope="module", autouse=True)
def gdal_shape_encoding_restored():
    """QGIS's OGR provider sets GDAL's SHAPE_ENCODING to '' for the whole process whenever it
    opens a layer; later tests that read Shapefiles with fiona must find GDAL as it was."""
    from osgeo import gdal

    previous = gdal.GetConfigOption("SHAPE_ENCODING")
    yield
    gdal.SetConfigOption("SHAPE_ENCODING", previous)


@pytest.fixture(scope="module")
def screened_output(provider, demo, tmp_path_factory) -> Path:
    """The demo spots screened on land use, basic farmland, red line and approvals."""
    import processing

    gpkg = demo.gpkg
    out = tmp_path_factory.mktemp("screened") / "screened.gpkg"
    processing.run(
        "zcenforcement:screenspots",
        {
            "SPOTS": f"{gpkg}|layername={domain.DEMO_LAYER_SPOTS}",
            "LAND_USE": f"{gpkg}|layername={domain.DEMO_LAYER_LAND_USE}",
            "BASIC_FARMLAND": f"{gpkg}|layername={domain.DEMO_LAYER_BASIC_FARMLAND}",
            "RED_LINE": f"{gpkg}|layername={domain.DEMO_LAYER_RED_LINE}",
            "APPROVALS": f"{gpkg}|layername={domain.DEMO_LAYER_APPROVALS}",
            "OUTPUT": str(out),
        },
    )
    return out


@pytest.fixture(scope="module")
def screened(screened_output, demo) -> list[ledger.SpotRecord]:
    """A few screened demo spots inside the images, and the demo's spot without geometry."""
    records, _ = spot_files.read_spot_file(screened_output)
    window = box(*demo.image_bounds)
    inside = [
        r
        for r in records
        if r.geometry is not None
        and not r.geometry.is_empty
        and r.geometry.is_valid
        and window.contains(r.geometry)
    ][:SPOTS_WITH_GEOMETRY]
    empty = [r for r in records if r.number == demo.broken_spots["empty"]]
    assert len(inside) == SPOTS_WITH_GEOMETRY and len(empty) == 1
    for record in inside + empty:
        record.attributes[domain.TOWN_NAME] = TOWN
        record.attributes[domain.OFFICE_NAME] = OFFICE
    return inside + empty


def make_photo(path: Path, colour: str, text: str) -> Path:
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(640, 480, QImage.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.setFont(QFont("WenQuanYi Micro Hei", 36))
    painter.drawText(60, 250, text)
    painter.end()
    assert image.save(str(path), "JPG")
    return path


def build_ledger(folder: Path, records, note: str = NOTE) -> ledger.GeoPackageLedger:
    """The ledger a technician has after a day in the field: three verdicts, photos, a recording."""
    folder.mkdir(parents=True, exist_ok=True)
    store = ledger.GeoPackageLedger(folder / "ledger.gpkg")
    report = store.import_batch(BATCH, records)
    assert report.ok, report.lines()
    spots = store.spots()
    today = clock.today()
    first, second, third = spots[0], spots[1], spots[2]
    store.record_verdict(
        first.id,
        ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", today, note=note),
    )
    store.record_verdict(
        second.id,
        ledger.Verdict(
            ls.VERDICT_LEGAL, "农转用", "李四", today, approval_number="鲁政土字〔2025〕12号"
        ),
    )
    store.record_verdict(third.id, ledger.Verdict(ls.VERDICT_OTHER, "设施农用地", "李四", today))
    for index, colour in enumerate(("#88aa66", "#aa8866", "#6688aa", "#aaaaaa")):
        photo = make_photo(folder / f"现场{index + 1}.jpg", colour, f"现场照片 {index + 1}")
        store.add_evidence(
            first.id,
            evidence.store_evidence_file(store.path, first.number, photo, ls.EVIDENCE_PHOTO),
        )
    recording = folder / "询问笔录.m4a"
    recording.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(range(256)) * 8)
    store.add_evidence(
        second.id,
        evidence.store_evidence_file(store.path, second.number, recording, ls.EVIDENCE_AUDIO),
    )
    return store


@pytest.fixture(scope="module")
def field_ledger(screened, tmp_path_factory) -> Path:
    store = build_ledger(tmp_path_factory.mktemp("field") / "ledger", screened)
    path = store.path
    store.close()
    return path


def run_export(ledger_path: Path, folder: Path, demo=None, feedback=None, **parameters) -> dict:
    import processing

    values = {"LEDGER": str(ledger_path), "OUTPUT_FOLDER": str(folder), "WITH_PDF": False}
    if demo is not None:
        values["AFTER_IMAGE"] = str(demo.after_image)
        values["BEFORE_IMAGE"] = str(demo.before_image)
    values.update(parameters)
    return processing.run("zcenforcement:exportverification", values, feedback=feedback)


def warning_log():
    """A Processing feedback that keeps the warnings the algorithm pushes."""
    from qgis.core import QgsProcessingFeedback

    class WarningLog(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushWarning(self, text):  # noqa: N802 - QGIS API
            self.lines.append(text)

    return WarningLog()


@pytest.fixture(scope="module", params=export.SHAPEFILE_ENCODINGS)
def exported(request, field_ledger, demo, tmp_path_factory) -> tuple[str, dict]:
    encoding = request.param
    folder = tmp_path_factory.mktemp(f"export_{encoding}")
    result = run_export(
        field_ledger,
        folder,
        demo,
        ENCODING=export.SHAPEFILE_ENCODINGS.index(encoding),
        WITH_PDF=encoding == "GBK",  # the sheets do not depend on the encoding: make them once
    )
    return encoding, result


@contextlib.contextmanager
def plain_gdal():
    """Read as any other GDAL tool does, honouring the .cpg: once QGIS's OGR provider has opened
    a layer, it sets SHAPE_ENCODING to '' for the whole process (QGIS recodes by itself)."""
    from osgeo import gdal

    previous = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        yield
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", previous)


def written_value(path, number: str, field: str):
    """What a written Shapefile or GeoPackage holds in one spot's field, read as GDAL does."""
    with plain_gdal(), fiona.open(path) as layer:
        found = (f.properties for f in layer if f.properties[domain.SPOT_NUMBER] == number)
        return next(found)[field]


def ledger_rows(path: Path) -> list[export.ExportRow]:
    with ledger.GeoPackageLedger(path, create=False) as store:
        return export.verification_rows(store)


# --- columns ---------------------------------------------------------------------------------


def test_shapefile_field_names_fit_ten_bytes_in_both_encodings():
    names = [column.shapefile_name for column in export.EXPORT_COLUMNS]
    for name in names:
        for encoding in export.PYTHON_CODECS.values():
            assert len(name.encode(encoding)) <= export.SHAPEFILE_NAME_BYTES, (name, encoding)
    # DBF field names are case-insensitive: two names differing in case would collide.
    assert len({name.upper() for name in names}) == len(names)
    assert len({column.name for column in export.EXPORT_COLUMNS}) == len(names)
    headers = [column.header for column in export.EXPORT_COLUMNS]
    assert len(set(headers)) == len(headers)
    assert all(re.search("[\u4e00-\u9fff]", header) for header in headers)
    # The domain's names are used, never re-spelt: the key figures are there under them.
    for name in (domain.SPOT_NUMBER, domain.SPOT_AREA, domain.CULTIVATED_AREA):
        assert name in {column.name for column in export.EXPORT_COLUMNS}
    assert domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX in {c.name for c in export.EXPORT_COLUMNS}


def test_the_export_heads_the_domains_fields_with_the_domains_labels():
    """One name per field: the XLSX says what the attribute table and the dock say
    (未调查或无法归类面积, 建议判定理由, 达到刑事移送标准), with the unit added to areas."""
    labels = domain.output_field_labels_zh()
    verified = {export.VERIFIED_AREA_PREFIX + name: name for name in ls.VERDICT_AREA_FIELDS}
    headed = 0
    for column in export.EXPORT_COLUMNS:
        if column.name in verified:
            expected = f"核实{domain.area_name_zh(verified[column.name])}（平方米）"
        elif column.name.removesuffix(domain.MU_SUFFIX) in verified:
            name = verified[column.name.removesuffix(domain.MU_SUFFIX)]
            expected = f"核实{domain.area_name_zh(name)}（亩）"
        elif column.kind == export.COL_MU:
            expected = f"{domain.area_name_zh(column.name.removesuffix(domain.MU_SUFFIX))}（亩）"
        elif column.name in labels:
            expected = labels[column.name]  # an area's label says its unit
        else:
            continue  # a field of the export's own (序号, 核查判定…)
        assert column.header == expected, column.name
        if column.name in labels:
            assert column.header == labels[column.name], column.name  # the one label
        headed += 1
    assert headed >= 30
    headers = {column.name: column.header for column in export.EXPORT_COLUMNS}
    assert headers[domain.UNSURVEYED_AREA] == "未调查或无法归类面积（平方米）"
    assert headers[domain.VERDICT_REASON] == labels[domain.VERDICT_REASON] == "建议判定理由"
    assert headers[domain.CRIMINAL_FLAG] == labels[domain.CRIMINAL_FLAG] == "达到刑事移送标准"
    assert headers[domain.APPROVAL_HITS] == labels[domain.APPROVAL_HITS] == "涉及批准文号"


def test_the_mu_total_rule_states_the_conversion_the_totals_use():
    """The totals row's note gives the figures areas.shown_mu converts with."""
    rule = f"× {domain.MU_PER_HECTARE} ÷ {domain.SQM_PER_HECTARE}"
    assert rule in export.MU_TOTAL_RULE
    sqm = 922_045.01
    assert paper.mu(sqm) == round(sqm * domain.MU_PER_HECTARE / domain.SQM_PER_HECTARE, 2)


def test_the_totals_row_says_when_spots_have_no_land_class_split(tmp_path):
    """A whole-ledger export holds the campaigns' spots, which have an area but no split by
    land class: the split's totals fell short of the spots' total without a word."""
    split = {domain.SPOT_NUMBER: "A1", domain.SPOT_AREA: 300.0, domain.CULTIVATED_AREA: 300.0}
    campaign = {domain.SPOT_NUMBER: "K1", domain.SPOT_AREA: 500.0, domain.CULTIVATED_AREA: None}
    no_figures = {domain.SPOT_NUMBER: "K2", domain.SPOT_AREA: None}

    def totals_note(rows) -> str:
        path = export.write_xlsx(tmp_path / "ledger.xlsx", rows)
        sheet = openpyxl.load_workbook(path).active
        assert sheet.cell(sheet.max_row, 1).value == "合计"
        return sheet.cell(sheet.max_row, 3).value

    note = totals_note([split, campaign, no_figures])
    assert note.startswith(export.MU_TOTAL_RULE)
    assert "其中 1 个图斑无地类分项面积" in note
    assert totals_note([split, no_figures]) == export.MU_TOTAL_RULE


# --- the package -----------------------------------------------------------------------------


def test_every_file_is_written_and_named_in_the_result(exported, field_ledger):
    encoding, result = exported
    rows = ledger_rows(field_ledger)
    assert result["SPOTS"] == len(rows) == SPOTS_WITH_GEOMETRY + 1
    assert result["EVIDENCE_PROBLEMS"] == 0
    for key in ("GEOPACKAGE", "SHAPEFILE", "XLSX", "EVIDENCE_ZIP"):
        assert Path(result[key]).is_file(), key
    assert Path(result["SHAPEFILE"]).with_suffix(".cpg").is_file()
    assert (result["PDF"] != "") == (encoding == "GBK")
    assert "(3 verified)" in result["SUMMARY"]


def test_xlsx_has_chinese_headers_two_decimals_and_true_totals(exported, field_ledger):
    _, result = exported
    rows = ledger_rows(field_ledger)
    columns = export.EXPORT_COLUMNS
    sheet = openpyxl.load_workbook(result["XLSX"]).active
    values = openpyxl.load_workbook(result["XLSX"], data_only=True).active
    assert "核查台帐" in sheet["A1"].value
    assert [cell.value for cell in sheet[2]] == [column.header for column in columns]
    # Each header's note: the field it is in the GeoPackage and (shortened) the Shapefile.
    assert [cell.comment.text for cell in sheet[2]] == [column.name for column in columns]
    assert check_workbook(result["XLSX"]) >= 10 * len(rows)
    assert sheet.freeze_panes == "C3"
    first, last, totals = 3, 2 + len(rows), 3 + len(rows)
    assert sheet.max_row == totals
    index = {column.name: i + 1 for i, column in enumerate(columns)}
    for offset, row in enumerate(rows):
        number = first + offset
        assert sheet.cell(number, index[domain.SPOT_NUMBER]).value == row.number
    assert values.cell(totals, 1).value == "合计"
    checked = 0
    for column in columns:
        if not column.totalled:
            continue
        col = index[column.name]
        cells = [sheet.cell(r, col) for r in range(first, last + 1)]
        for cell in cells:
            if cell.value is not None:
                assert cell.number_format == "0.00", (column.name, cell.number_format)
        expected = round(sum(c.value for c in cells if c.value is not None), 2)
        formula = "=SUM("
        if column.kind == export.COL_MU:  # converted from the m² total, not summed
            sqm = index[column.name[: -len(domain.MU_SUFFIX)]]
            expected = paper.mu(values.cell(totals, sqm).value)
            formula = "=ROUND("
        total = values.cell(totals, col).value
        assert total == pytest.approx(expected, abs=1e-9), column.name
        assert sheet.cell(totals, col).value.startswith(formula)
        assert sheet.cell(totals, col).number_format == "0.00"
        checked += 1
    assert checked >= 10
    # Figures as the ledger stores them; 亩 agrees with m² to the rounding.
    by_number = {r.number: r for r in rows}
    for r in range(first, last + 1):
        row = by_number[sheet.cell(r, index[domain.SPOT_NUMBER]).value]
        tbmj = sheet.cell(r, index[domain.SPOT_AREA]).value
        assert tbmj == row.values[domain.SPOT_AREA]
        mu = sheet.cell(r, index[domain.SPOT_AREA + domain.MU_SUFFIX]).value
        if tbmj is not None:
            assert mu == paper.mu(tbmj)
    categories = [sheet.cell(r, index[export.VERDICT_CATEGORY]).value for r in range(first, last)]
    assert {ls.VERDICT_ILLEGAL, ls.VERDICT_LEGAL, ls.VERDICT_OTHER} <= set(categories)
    dates = [sheet.cell(r, index[export.VERIFIED_ON]) for r in range(first, last + 1)]
    assert any(isinstance(c.value, dt.datetime) and c.number_format == "yyyy-mm-dd" for c in dates)


def test_xlsx_parts_are_well_formed_xml_with_the_parts_excel_needs(exported):
    import xml.etree.ElementTree as ET

    _, result = exported
    with zipfile.ZipFile(result["XLSX"]) as archive:
        names = set(archive.namelist())
        assert {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
            # the header notes, and the drawing Excel shows them with
            "xl/worksheets/_rels/sheet1.xml.rels",
            "xl/comments1.xml",
            "xl/drawings/vmlDrawing1.vml",
        } <= names
        for name in names:
            ET.fromstring(archive.read(name))  # raises on malformed XML
        styles = archive.read("xl/styles.xml").decode("utf-8")
    assert "<b/>" in styles  # the bold header


def test_shapefile_and_geopackage_round_trip_chinese(exported, field_ledger):
    encoding, result = exported
    rows = {r.number: r for r in ledger_rows(field_ledger)}
    shp = Path(result["SHAPEFILE"])
    # What GDAL, QGIS and ArcGIS all read: the name for UTF-8, the code page number for GBK.
    assert shp.with_suffix(".cpg").read_text().strip() == {"UTF-8": "UTF-8", "GBK": "936"}[encoding]
    codec = export.PYTHON_CODECS[encoding]
    dbf = shp.with_suffix(".dbf").read_bytes()
    assert NOTE.encode(codec) in dbf and TOWN.encode(codec) in dbf  # bytes in that encoding
    with plain_gdal(), fiona.open(shp) as layer:
        names = list(layer.schema["properties"])
        assert names == [column.shapefile_name for column in export.EXPORT_COLUMNS]
        assert all(len(name.encode(codec)) <= 10 for name in names)
        features = {f.properties[domain.SPOT_NUMBER]: f for f in layer}
    assert set(features) == set(rows)
    for number, row in rows.items():
        properties = features[number].properties
        assert properties[domain.TOWN_NAME] == TOWN
        assert properties[export.VERDICT_CATEGORY] == row.values[export.VERDICT_CATEGORY]
        assert properties[export.VERDICT_NOTE] == row.values[export.VERDICT_NOTE]
        short = next(c for c in export.EXPORT_COLUMNS if c.short_name).shapefile_name
        assert short in properties
    assert NOTE in {f.properties[export.VERDICT_NOTE] for f in features.values()}
    with fiona.open(result["GEOPACKAGE"]) as layer:
        full = {f.properties[domain.SPOT_NUMBER]: f for f in layer}
        assert domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX in layer.schema["properties"]
    assert set(full) == set(rows)
    assert sum(1 for f in full.values() if f.geometry is not None) == SPOTS_WITH_GEOMETRY


def test_qgis_reads_the_shapefile_encoding_from_the_cpg(exported):
    from qgis.core import QgsVectorLayer

    encoding, result = exported
    layer = QgsVectorLayer(result["SHAPEFILE"], "check", "ogr")
    assert layer.isValid()
    assert {f[domain.TOWN_NAME] for f in layer.getFeatures()} == {TOWN}
    assert NOTE in {f[export.VERDICT_NOTE] for f in layer.getFeatures()}


def pdf_page_count(path: str) -> int:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        output = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", output.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", Path(path).read_bytes()))


@pytest.mark.parametrize("exported", ["GBK"], indirect=True)  # where the sheets are made
def test_pdf_has_one_sheet_per_spot_with_map_and_photos(exported, tmp_path):
    _, result = exported
    assert pdf_page_count(result["PDF"]) == result["SPOTS"]
    # poppler-utils is one of `make setup`'s packages: missing, it is a broken set-up, not a pass
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is not installed: run make setup"
    from qgis.PyQt.QtGui import QColor, QImage

    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", result["PDF"], str(tmp_path / "p")],
        check=True,
    )
    image = QImage(str(next(tmp_path.glob("p*.png"))))
    assert 300 < image.width() < 400 and image.height() > image.width()

    def count(test) -> int:
        return sum(
            1
            for y in range(0, image.height(), 2)
            for x in range(0, image.width(), 2)
            if test(QColor(image.pixel(x, y)))
        )

    # The first sheet is the illegal spot with photos: a red outline over the imagery and the
    # photos' colours (the first photo is #88aa66).
    red = count(lambda c: c.red() > 200 and c.green() < 80 and c.blue() < 80)
    green_image = count(lambda c: c.green() > c.red() + 15 and c.green() > c.blue() + 15)
    assert red > 20 and green_image > 500


def test_the_sheet_shows_the_verified_figures_and_says_when_a_remark_is_cut(
    provider, screened, demo, tmp_path
):
    """Screening's figures are what the layers said; the verdict's (1,000.00 m² cultivated,
    666.67 m² basic farmland: 1.50 and 1.00 亩) are what the sheet is signed for. A remark longer
    than its cell is cut with a mark and a warning naming the spot, never clipped unsaid."""
    long_note = "当事人在永久基本农田上建设厂房，已多次制止，仍继续施工。" * 12
    store = build_ledger(tmp_path / "verified", screened, note=long_note)
    first = store.spots()[0]
    areas = {domain.CULTIVATED_AREA: 1000.0, domain.BASIC_FARMLAND_AREA: 666.67}
    store.record_verdict(
        first.id,
        ledger.Verdict(
            ls.VERDICT_ILLEGAL,
            "未报即用",
            "张三",
            clock.today(),
            areas=areas,
            note=long_note,
            details={
                ls.DETAIL_PARTY: "某某建材公司",
                ls.DETAIL_ACTUAL_USE: "厂房",
                ls.DETAIL_STOP_ORDER: True,
            },
        ),
    )
    short = store.spots()[1]
    # An order issued, no use stated: the mark alone in the cell read as the use.
    store.record_verdict(
        short.id,
        ledger.Verdict(
            ls.VERDICT_ILLEGAL,
            "未报即用",
            "张三",
            clock.today(),
            details={ls.DETAIL_STOP_ORDER: True},
        ),
    )
    path = store.path
    store.close()

    feedback = warning_log()
    import processing

    result = processing.run(
        "zcenforcement:exportverification",
        {
            "LEDGER": str(path),
            "OUTPUT_FOLDER": str(tmp_path / "out"),
            "WITH_PDF": True,
            "AFTER_IMAGE": str(demo.after_image),
            "BEFORE_IMAGE": str(demo.before_image),
        },
        feedback=feedback,
    )
    cut = [line for line in feedback.lines if first.number in line and "sheet" in line]
    assert len(cut) == 1 and "verification.xlsx" in cut[0]
    assert not any(short.number in line for line in feedback.lines)

    def page_text(page: int) -> str:
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", result["PDF"], "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return re.sub(r"\s+", "", text)

    sheet = page_text(1)  # the first spot's sheet (sheets in XH order)
    assert first.number in sheet
    assert "核实耕地1,000.00平方米（1.50亩）" in sheet
    assert "核实永久基本农田666.67平方米（1.00亩）" in sheet
    assert "核实建设用地—" in sheet  # not stated by the verifier: a dash, not screening's
    assert "当事人某某建材公司" in sheet and "实际用途厂房（已下达责令停止通知书）" in sheet
    assert short.number in page_text(2) and "实际用途—（已下达责令停止通知书）" in page_text(2)
    assert re.search(r"）建设用地[\d,.]+平方米（[\d,.]+亩）", sheet), sheet  # 亩 as every area
    assert "…（全文见verification.xlsx）" in sheet
    assert "当事人在永久基本农田上建设厂房" in sheet
    # the spreadsheet keeps the remark whole
    book = openpyxl.load_workbook(result["XLSX"]).active
    assert any(cell.value == long_note for row in book.iter_rows() for cell in row)


def pdf_pages_text(path: str) -> list[str]:
    """The text of each page, white space removed (pdftotext ends each page with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]]


def sheet_page(pages: list[str], number: str) -> int:
    found = [index for index, text in enumerate(pages) if number in text]
    assert len(found) == 1, (number, found)
    return found[0] + 1


def test_a_coverage_warning_names_the_first_twenty_spots_and_counts_the_rest():
    from zc_enforcement_plugin.processing.export_verification import first_spots

    numbers = [f"S{i:03d}" for i in range(303)]
    assert first_spots(numbers) == ", ".join(numbers[:20]) + " …"
    assert first_spots(numbers[:20]) == ", ".join(numbers[:20])


def test_a_spot_outside_the_images_is_named_and_its_sheet_says_so(
    provider, screened_output, screened, demo, tmp_path
):
    """Outside the images both maps were blank white, as bare ground would look, with nothing
    said: the log names the spot and each image, and the maps of its sheet say so in red; a
    sheet of a spot the images cover has no such label."""
    window = box(*demo.image_bounds)
    records, _ = spot_files.read_spot_file(screened_output)
    outside = next(
        r
        for r in records
        if r.geometry is not None and r.geometry.is_valid and r.geometry.disjoint(window)
    )
    outside.attributes[domain.TOWN_NAME] = TOWN
    store = build_ledger(tmp_path / "ledger", [*screened, outside])
    path = store.path
    store.close()
    feedback = warning_log()
    result = run_export(path, tmp_path / "out", demo, feedback, WITH_PDF=True)

    # (Its long reason may be said too, cut in the Shapefile and on its sheet.)
    named = [line for line in feedback.lines if outside.number in line and "image" in line]
    assert len(named) == 2, feedback.lines
    after, before = sorted(named, key=lambda line: "before" in line)
    assert "after image" in after and str(demo.after_image) in after
    assert "before image" in before and str(demo.before_image) in before
    assert not any(r.number in line for r in screened for line in feedback.lines if "image" in line)

    pages = pdf_pages_text(result["PDF"])
    page = sheet_page(pages, outside.number)
    assert "后时相影像未覆盖本图斑" in pages[page - 1]
    assert "前时相影像未覆盖本图斑" in pages[page - 1]
    covered = sheet_page(pages, screened[0].number)
    assert "未覆盖本图斑" not in pages[covered - 1]

    from qgis.PyQt.QtGui import QColor, QImage

    def label_pixels(page: int) -> int:
        """Red pixels across the top of the main map, where the label is (the spot's red
        outline keeps to the middle of the map)."""
        prefix = tmp_path / f"page{page}"
        subprocess.run(
            ["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-png"]
            + [result["PDF"], str(prefix)],
            check=True,
        )
        image = QImage(str(next(tmp_path.glob(f"page{page}*.png"))))
        scale = 50 / 25.4  # pixels per millimetre
        return sum(
            1
            for y in range(round(42 * scale), round(47 * scale))
            for x in range(round(20 * scale), round(110 * scale))
            if (lambda c: c.red() > 150 and c.green() < 90 and c.blue() < 90)(
                QColor(image.pixel(x, y))
            )
        )

    assert label_pixels(page) > 40
    assert label_pixels(covered) == 0


def image_variant(source: Path, target: Path, kind: str) -> Path:
    """A copy of a demo image as offices are sent them: without its CRS, in geographic
    CGCS2000 (EPSG:4490), of one band, or of 16 bits (the demo's are 8-bit RGB in EPSG:4527)."""
    import numpy as np
    import rasterio
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    with rasterio.open(source) as image:
        data, profile = image.read(), image.profile.copy()
        if kind == "no CRS":
            profile["crs"] = None
        elif kind == "one band":
            data, profile["count"] = data[:1], 1
        elif kind == "16-bit":
            data, profile["dtype"] = data.astype("uint16") * 200, "uint16"
        elif kind == "EPSG:4490":
            transform, width, height = calculate_default_transform(
                image.crs, kind, image.width, image.height, *image.bounds
            )
            warped = np.zeros((image.count, height, width), dtype=data.dtype)
            for band in range(image.count):
                reproject(
                    data[band],
                    warped[band],
                    src_transform=image.transform,
                    src_crs=image.crs,
                    dst_transform=transform,
                    dst_crs=kind,
                    resampling=Resampling.nearest,
                )
            data = warped
            profile.update(crs=kind, transform=transform, width=width, height=height)
    target.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(target, "w", **profile) as copy_:
        copy_.write(data)
    return target


def main_map_spread(pdf: str, page: int, folder: Path) -> float:
    """How much the main map of a sheet varies in grey (0 for a blank white map): the middle
    of the map, where the spot is, over the imagery or over nothing."""
    from qgis.PyQt.QtGui import QColor, QImage

    prefix = folder / f"map{page}"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-png", pdf, str(prefix)],
        check=True,
    )
    image = QImage(str(next(folder.glob(f"map{page}*.png"))))
    scale = 50 / 25.4  # pixels per millimetre
    greys = [
        QColor(image.pixel(x, y)).lightness()
        for y in range(round(55 * scale), round(110 * scale), 2)
        for x in range(round(20 * scale), round(110 * scale), 2)
    ]
    mean = sum(greys) / len(greys)
    return (sum((grey - mean) ** 2 for grey in greys) / len(greys)) ** 0.5


@pytest.mark.parametrize("kind", ["one band", "16-bit", "EPSG:4490", "Chinese path"])
def test_images_of_another_kind_or_crs_are_drawn_under_their_spots(
    provider, field_ledger, demo, tmp_path, kind
):
    """Probed as bad input: a one-band or 16-bit image, one in geographic CGCS2000 and one in a
    folder named in Chinese with spaces are drawn under their spots, with no coverage warning
    (the reprojected image's extent is judged in the ledger's CRS)."""
    folder = tmp_path / ("卫片 影像 2026" if kind == "Chinese path" else "images")
    made = "copy" if kind == "Chinese path" else kind
    after = image_variant(demo.after_image, folder / "后时相 影像.tif", made)
    before = image_variant(demo.before_image, folder / "前时相 影像.tif", made)
    feedback = warning_log()
    result = run_export(
        field_ledger,
        tmp_path / "out",
        feedback=feedback,
        WITH_PDF=True,
        AFTER_IMAGE=str(after),
        BEFORE_IMAGE=str(before),
    )
    assert feedback.lines == []
    assert "未覆盖" not in pdf_pages_text(result["PDF"])[0]
    blank = run_export(field_ledger, tmp_path / "blank", WITH_PDF=True)
    assert main_map_spread(result["PDF"], 1, tmp_path) > 3 * main_map_spread(
        blank["PDF"], 1, tmp_path / "blank"
    )


# The image parameters as the export's dialog labels them, in English and in Chinese.
LABELS = {
    "AFTER_IMAGE": "After image (main map of the sheets)",
    "BEFORE_IMAGE": "Before image (inset of the sheets)",
}
LABELS_ZH = {"AFTER_IMAGE": "后时相影像（核查表主图）", "BEFORE_IMAGE": "前时相影像（核查表副图）"}


@pytest.mark.parametrize("parameter", ["AFTER_IMAGE", "BEFORE_IMAGE"])
def test_an_image_without_a_crs_is_refused_by_its_label_in_chinese(
    provider, field_ledger, demo, tmp_path, parameter
):
    """The refusal named the image by its parameter's key (AFTER_IMAGE), which the dialog
    never shows: a Chinese QGIS read "AFTER_IMAGE：影像 … 没有坐标系"."""
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import install_translator

    source = demo.after_image if parameter == "AFTER_IMAGE" else demo.before_image
    unplaced = image_variant(source, tmp_path / "无坐标 影像.tif", "no CRS")
    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    try:
        with pytest.raises(QgsProcessingException) as refused:
            run_export(field_ledger, tmp_path / "out", WITH_PDF=True, **{parameter: str(unplaced)})
    finally:
        QCoreApplication.removeTranslator(translator)
    message = str(refused.value)
    assert message.startswith(f"{LABELS_ZH[parameter]}：影像 {unplaced} 没有坐标系"), message


@pytest.mark.parametrize("parameter", ["AFTER_IMAGE", "BEFORE_IMAGE"])
def test_an_image_without_a_crs_is_refused_naming_it_before_anything_is_written(
    provider, field_ledger, demo, tmp_path, parameter
):
    """Probed as bad input: an image without its CRS (a GeoTIFF whose .prj or key was lost)
    was drawn as if in the ledger's CRS with nothing said, the sheets showing whatever ground
    its numbers fell on, and its coverage judged on that guess (DOMAIN.md §4: never silently
    assumed). Refused, naming the parameter and the file; no folder is made."""
    from qgis.core import QgsProcessingException

    source = demo.after_image if parameter == "AFTER_IMAGE" else demo.before_image
    unplaced = image_variant(source, tmp_path / "无坐标 影像.tif", "no CRS")
    with pytest.raises(QgsProcessingException) as refused:
        run_export(field_ledger, tmp_path / "out", WITH_PDF=True, **{parameter: str(unplaced)})
    message = str(refused.value)
    assert f"{LABELS[parameter]}: " in message and str(unplaced) in message, message
    assert parameter not in message, message  # the dialog shows no key
    assert "no coordinate reference system" in message, message
    assert not (tmp_path / "out").exists()
    # Without sheets the image is not used: the rest of the package is written.
    written = run_export(field_ledger, tmp_path / "out", **{parameter: str(unplaced)})
    assert Path(written["XLSX"]).is_file() and written["PDF"] == ""


def test_the_sheet_shows_the_land_split_adding_up_to_the_spot_area(
    provider, screened, demo, tmp_path
):
    """DOMAIN §2: cultivated + other agricultural + construction + unused land, with the part
    no parcel classes (WDCMJ), add up to the spot's area: the sheet shows each, with new
    construction land, every figure with its 亩 worked out from the m² as everywhere."""
    split = {
        domain.CULTIVATED_AREA: ("耕地", 1200.0),
        domain.AGRICULTURAL_AREA: ("其他农用地", 810.01),
        domain.CONSTRUCTION_AREA: ("建设用地", 1499.99),
        domain.UNUSED_AREA: ("未利用地", 290.0),
        domain.UNSURVEYED_AREA: ("未调查或无法归类", 410.0),
    }
    spot_area = 4210.0
    records = [copy.deepcopy(record) for record in screened[:3]]
    attributes = records[0].attributes
    attributes[domain.SPOT_AREA] = spot_area
    attributes.update({name: sqm for name, (_, sqm) in split.items()})
    attributes[domain.NEW_CONSTRUCTION_AREA] = 1200.0 + 810.01 + 290.0
    store = build_ledger(tmp_path / "ledger", records)
    path = store.path
    store.close()
    result = run_export(path, tmp_path / "out", demo, WITH_PDF=True)

    pages = pdf_pages_text(result["PDF"])
    text = pages[sheet_page(pages, records[0].number) - 1]

    def shown(label: str) -> float:
        # Not inside a longer name: 建设用地 in 新增建设用地, 耕地 in 核实耕地.
        found = re.search(
            r"(?<![\u4e00-\u9fff])"
            + re.escape(label)
            + r"([\d,]+\.\d\d)平方米（([\d,]+\.\d\d)亩）",
            text,
        )
        assert found, (label, text)
        sqm, mu = (float(group.replace(",", "")) for group in found.groups())
        assert mu == paper.mu(sqm), label  # the one 亩 rule
        return sqm

    parts = {name: shown(label) for name, (label, _) in split.items()}
    assert parts == {name: sqm for name, (_, sqm) in split.items()}
    assert sum(paper.cents(sqm) for sqm in parts.values()) == paper.cents(shown("图斑"))
    assert shown("新增建设用地") == 2300.01


def test_the_zones_hit_are_named_after_their_layer_and_the_approvals_left_to_their_cell():
    values = {
        domain.RED_LINE_HITS: "SD-02-A1-07;SD-02-A3-05",
        domain.NO_MINING_HITS: None,
        domain.THREE_ZONES_HITS: " 淄川城区 ; ;滨莱高速",
        domain.APPROVAL_HITS: "鲁政土字〔2025〕12号",
    }
    assert export.zones_hit_text(values) == (
        "生态保护红线：SD-02-A1-07、SD-02-A3-05；三区两线：淄川城区、滨莱高速"
    )
    assert export.zones_hit_text({domain.APPROVAL_HITS: "鲁政土字〔2025〕12号"}) == ""
    assert export.zones_hit_text({}) == ""


def test_the_sheet_names_the_zones_a_spot_hits_and_says_when_they_are_cut(
    provider, screened, demo, tmp_path
):
    """The figures say how much of a spot lies in the red line, a no-mining zone or a view
    area; the verifier also needs which ones, without opening the layers. A list too long for
    its cell is cut with a mark and a warning naming the spot, never clipped unsaid."""
    records = [copy.deepcopy(record) for record in screened[:3]]
    hits = {
        domain.RED_LINE_HITS: "SD-02-A1-07",
        domain.NO_MINING_HITS: "太河水库禁止开采区",
        domain.THREE_ZONES_HITS: "峨庄自然保护区;淄河",
    }
    records[0].attributes.update(hits)
    many = ";".join(f"第{index}号禁止开采区（淄川区东部山区）" for index in range(1, 30))
    records[1].attributes.update({domain.NO_MINING_HITS: many})
    for name in hits:
        records[2].attributes[name] = None
    store = build_ledger(tmp_path / "ledger", records)
    path = store.path
    store.close()
    feedback = warning_log()
    result = run_export(path, tmp_path / "out", demo, feedback=feedback, WITH_PDF=True)

    pages = pdf_pages_text(result["PDF"])
    # (pdftotext reads a cell's text, at the top of its cell, before the name beside it)
    first = pages[sheet_page(pages, records[0].number) - 1]
    listed = "生态保护红线：SD-02-A1-07；禁采区：太河水库禁止开采区；三区两线：峨庄自然保护区、淄河"
    assert listed + "涉及管控区域" in first
    second = pages[sheet_page(pages, records[1].number) - 1]
    assert "禁采区：第1号禁止开采区（淄川区东部山区）、第2号" in second
    assert re.search(r"、第\d+号禁止[^；]*…（全文见verification\.xlsx）", second), second
    assert "第29号" not in second
    third = pages[sheet_page(pages, records[2].number) - 1]
    assert "涉及管控区域" in third and "：" not in third.split("涉及管控区域")[0][-60:]
    warned = [line for line in feedback.lines if "controlled zones" in line]
    assert len(warned) == 1 and records[1].number in warned[0], feedback.lines
    # the spreadsheet keeps the list whole
    book = openpyxl.load_workbook(result["XLSX"]).active
    assert any(cell.value == many for row in book.iter_rows() for cell in row)


def test_evidence_zip_manifest_lists_every_file_with_its_hash(exported, field_ledger):
    _, result = exported
    with ledger.GeoPackageLedger(field_ledger, create=False) as store:
        records = store.evidence()
        numbers = {s.id: s.number for s in store.spots()}
    with zipfile.ZipFile(result["EVIDENCE_ZIP"]) as archive:
        raw = archive.read(export.MANIFEST_NAME)
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 CSV correctly
        manifest = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        members = {
            name: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name not in (export.MANIFEST_NAME, export.MANIFEST_XLSX_NAME)
        }
    assert len(manifest) == len(records) == 5
    assert {row[export.MANIFEST_PATH] for row in manifest} == set(members)
    for row in manifest:
        assert members[row[export.MANIFEST_PATH]] == row[export.MANIFEST_SHA256]
        assert row[export.MANIFEST_PATH].startswith(row[export.MANIFEST_SPOT] + "/")
        assert row[export.MANIFEST_CHECK] == export.CHECK_OK
    assert {r.sha256 for r in records} == {row[export.MANIFEST_SHA256] for row in manifest}
    assert {numbers[r.spot_id] for r in records} == {row[export.MANIFEST_SPOT] for row in manifest}
    kinds = {row[export.MANIFEST_KIND] for row in manifest}
    assert kinds == {"照片", "录音"}


def test_image_dates_are_dates_in_the_xlsx_when_they_parse(tmp_path):
    columns = [
        c
        for c in export.EXPORT_COLUMNS
        if c.name in (domain.SPOT_EARLIER_DATE, domain.SPOT_LATER_DATE)
    ]
    rows = [
        {domain.SPOT_EARLIER_DATE: "2025-10-02", domain.SPOT_LATER_DATE: "2026-01-06"},
        {domain.SPOT_EARLIER_DATE: "2025年秋", domain.SPOT_LATER_DATE: None},
    ]
    path = export.write_xlsx(tmp_path / "d.xlsx", rows, columns)
    sheet = openpyxl.load_workbook(path).active
    first, second = sheet[3], sheet[4]
    assert [c.value for c in first] == [dt.datetime(2025, 10, 2), dt.datetime(2026, 1, 6)]
    assert first[0].number_format == "yyyy-mm-dd"
    assert [c.value for c in second] == ["2025年秋", None]  # not a date: kept as written


def test_long_texts_wrap_in_their_cells_read_from_the_top(tmp_path):
    """A reason of 114 characters in a column at most 62 wide was cut at its edge: a column
    with a text wider than that (or of several lines) wraps, every body cell top-aligned so a
    tall row reads from its first line; a column of short texts stays on one line."""
    reason = (
        "占用永久基本农田 3.26 亩；占用耕地 3.26 亩；涉及三区两线 3.26 亩；未被批准用地覆盖；"
        "批准用地 淄川自然资临用字〔2023〕2号 已于 2025-11-21 到期，早于后时相 2026-01-06，"
        "不计入批准覆盖"
    )
    assert len(reason) == 114
    names = (domain.SPOT_NUMBER, domain.VERDICT_REASON, export.VERDICT_NOTE)
    columns = [next(c for c in export.EXPORT_COLUMNS if c.name == name) for name in names]
    rows = [
        {domain.SPOT_NUMBER: "370302202600145", domain.VERDICT_REASON: reason},
        {domain.SPOT_NUMBER: "370302202600146", export.VERDICT_NOTE: "已制止\n待复垦"},
    ]
    path = export.write_xlsx(tmp_path / "wrap.xlsx", rows, columns)
    sheet = openpyxl.load_workbook(path).active
    number, reason_cell, note = sheet[3]
    assert reason_cell.value == reason
    assert reason_cell.alignment.wrap_text and reason_cell.alignment.vertical == "top"
    assert sheet["C4"].alignment.wrap_text  # a remark of two lines shows as two
    assert not number.alignment.wrap_text and number.alignment.vertical == "top"
    assert sheet.column_dimensions["B"].width <= 62  # the column wraps, it does not grow


def test_the_mu_total_is_the_sqm_total_converted_not_the_sum_of_rounded_rows(tmp_path):
    """Three spots of 670.01 m² are 1.005015 亩 each, shown 1.01: their 亩 sum to 3.03, but
    the 2,010.03 m² they total is 3.015045 亩, shown 3.02."""
    columns = [c for c in export.EXPORT_COLUMNS if c.name.startswith(domain.SPOT_AREA)]
    assert [c.name for c in columns] == [domain.SPOT_AREA, domain.SPOT_AREA + domain.MU_SUFFIX]
    rows = [{domain.SPOT_AREA: 670.01, domain.SPOT_AREA + domain.MU_SUFFIX: 1.01}] * 3
    path = export.write_xlsx(tmp_path / "t.xlsx", rows, columns)
    sheet = openpyxl.load_workbook(path).active
    assert [sheet.cell(6, c).value for c in (1, 2)] == [
        "=SUM(A3:A5)",
        "=ROUND(ROUND(A6,2)*15/10000,2)",
    ]
    cached = openpyxl.load_workbook(path, data_only=True).active
    assert [cached.cell(6, c).value for c in (1, 2)] == [2010.03, 3.02]
    # 145 + 145 m² = 0.435 亩: half a cent goes up (a float division shows 0.43).
    rows = [{domain.SPOT_AREA: 145.0, domain.SPOT_AREA + domain.MU_SUFFIX: 0.22}] * 2
    path = export.write_xlsx(tmp_path / "half.xlsx", rows, columns)
    cached = openpyxl.load_workbook(path, data_only=True).active
    assert [cached.cell(5, c).value for c in (1, 2)] == [290.0, paper.mu(290.0)] == [290.0, 0.44]


# --- what must be refused or reported -------------------------------------------------------------


def test_a_character_gbk_cannot_hold_stops_the_export_naming_spot_and_field(
    provider, screened, tmp_path
):
    from qgis.core import QgsProcessingException

    store = build_ledger(tmp_path / "rare", screened, note=f"当事人{RARE}某")
    number = store.spots()[0].number
    path = store.path
    store.close()
    out = tmp_path / "out_gbk"
    with pytest.raises(QgsProcessingException) as error:
        run_export(path, out, ENCODING=export.SHAPEFILE_ENCODINGS.index("GBK"))
    message = str(error.value)
    assert number in message and export.VERDICT_NOTE in message and RARE in message
    assert not (out / "verification.shp").exists()  # nothing half-written
    # UTF-8 holds it, and it comes back unchanged.
    result = run_export(path, tmp_path / "out_utf8", ENCODING=0)
    with plain_gdal(), fiona.open(result["SHAPEFILE"]) as layer:
        notes = {f.properties[export.VERDICT_NOTE] for f in layer}
    assert f"当事人{RARE}某" in notes


def test_altered_and_missing_evidence_are_reported_not_hidden(provider, screened, tmp_path):
    store = build_ledger(tmp_path / "tampered", screened)
    records = store.evidence()
    numbers = {s.id: s.number for s in store.spots()}
    altered, missing = records[0], records[1]
    (store.evidence_dir / altered.path).write_bytes(b"edited afterwards")
    (store.evidence_dir / missing.path).unlink()
    path = store.path
    store.close()
    result = run_export(path, tmp_path / "out")
    assert result["EVIDENCE_PROBLEMS"] == 2
    with zipfile.ZipFile(result["EVIDENCE_ZIP"]) as archive:
        manifest = list(
            csv.DictReader(io.StringIO(archive.read(export.MANIFEST_NAME).decode("utf-8-sig")))
        )
        checks = {row[export.MANIFEST_RECORDED_SHA256]: row for row in manifest}
        changed = checks[altered.sha256]
        assert changed[export.MANIFEST_CHECK] == export.CHECK_ALTERED
        content = archive.read(changed[export.MANIFEST_PATH])
        assert hashlib.sha256(content).hexdigest() == changed[export.MANIFEST_SHA256]
        assert changed[export.MANIFEST_SHA256] != altered.sha256
    assert checks[missing.sha256][export.MANIFEST_CHECK] == export.CHECK_MISSING
    # The core result names the spot of each problem.
    with ledger.GeoPackageLedger(path, create=False) as store:
        outcome = export.write_evidence_zip(tmp_path / "again.zip", store)
    assert {p.problem for p in outcome.problems} == {"altered", "missing"}
    assert all(numbers[p.spot_id] in p.message for p in outcome.problems)


def test_evidence_files_missing_on_disk_are_said_on_the_sheet_and_counted_in_every_format(
    provider, screened, tmp_path
):
    """Four photos recorded and their files gone (one renamed, three deleted): the sheet said
    “现场照片（证据 4 件）” over “无现场照片”, which reads as no photo taken, and the XLSX showed 4
    pieces of evidence with nothing marking the files missing. The sheet now says the files
    are missing, and every format counts the missing or altered files (ZJYC), as the
    manifest lists them."""
    store = build_ledger(tmp_path / "tampered", screened)
    first, second, third = (s.number for s in store.spots()[:3])
    photos = [r for r in store.evidence() if r.kind == ls.EVIDENCE_PHOTO]
    [recording] = [r for r in store.evidence() if r.kind == ls.EVIDENCE_AUDIO]
    assert len(photos) == 4
    renamed = store.evidence_dir / photos[0].path
    renamed.rename(renamed.with_name("改名_" + renamed.name))
    for record in photos[1:]:
        (store.evidence_dir / record.path).unlink()
    (store.evidence_dir / recording.path).write_bytes(b"edited afterwards")
    path = store.path
    store.close()
    result = run_export(path, tmp_path / "out", WITH_PDF=True, SHEETS_FOR=1)
    assert result["EVIDENCE_PROBLEMS"] == 5
    expected = {first: 4, second: 1, third: 0}
    for written in (result["GEOPACKAGE"], result["SHAPEFILE"]):
        found = {n: written_value(written, n, export.EVIDENCE_PROBLEMS) for n in expected}
        assert found == expected, written
    sheet = openpyxl.load_workbook(result["XLSX"]).active
    lines = [[cell.value for cell in line] for line in sheet.iter_rows()]
    at = next(i for i, line in enumerate(lines) if "图斑编号" in line)
    counts = {
        line[lines[at].index("图斑编号")]: line[lines[at].index("证据文件缺失、改动或路径被拒绝数")]
        for line in lines[at + 1 :]
    }
    assert {n: counts[n] for n in expected} == expected
    pages = pdf_pages_text(result["PDF"])
    missing = pages[sheet_page(pages, first) - 1]
    assert "照片文件缺失4件（见manifest.csv）" in missing and "无现场照片" not in missing
    assert "现场照片（证据4件，其中4件文件缺失、已改动或路径被拒绝，见manifest.csv）" in missing
    altered = pages[sheet_page(pages, second) - 1]
    assert "现场照片（证据1件，其中1件文件缺失、已改动或路径被拒绝，见manifest.csv）" in altered
    assert "无现场照片" in altered  # a recording altered: no photo was taken
    untouched = pages[sheet_page(pages, third) - 1]
    assert "现场照片（证据0件）" in untouched and "缺失" not in untouched


def test_a_refused_evidence_path_is_counted_apart_from_the_missing_files(
    provider, screened, tmp_path
):
    """A photo replaced by a link to a file elsewhere was counted as missing, its reason only
    in the log: the summary told the province a file was lost when it was only not read. It
    is counted apart, in the summary, the manifest and the evidence check; the per-spot count
    (ZJYC) and the sheet's photo heading counting all three name all three. Two files missing
    and one refused, so that no count can stand in for the other."""
    store = build_ledger(tmp_path / "linked", screened)
    linked, *gone = [r for r in store.evidence() if r.kind == ls.EVIDENCE_PHOTO][:3]
    assert len(gone) == 2
    (tmp_path / "elsewhere.jpg").write_bytes(b"not the photo")
    (store.evidence_dir / linked.path).unlink()
    (store.evidence_dir / linked.path).symlink_to(tmp_path / "elsewhere.jpg")
    for record in gone:
        (store.evidence_dir / record.path).unlink()
    checked = evidence.check_evidence_integrity(store)
    assert evidence.problem_counts(checked) == {"missing": 2, "altered": 0, "refused": 1}
    path, number = store.path, store.spots()[0].number  # the spot of the photos
    store.close()
    result = run_export(path, tmp_path / "out", WITH_PDF=True, SHEETS_FOR=1)
    assert "2 missing, 0 altered, 1 refused (stored path not read)" in result["SUMMARY"]
    assert result["EVIDENCE_PROBLEMS"] == 3
    lines = [[c.value for c in line] for line in openpyxl.load_workbook(result["XLSX"]).active]
    header = next(line for line in lines if "图斑编号" in line)
    assert "证据文件缺失、改动或路径被拒绝数" in header  # the count of all three, ZJYC
    pages = pdf_pages_text(result["PDF"])
    sheet = pages[sheet_page(pages, number) - 1]
    assert "其中3件文件缺失、已改动或路径被拒绝，见manifest.csv" in sheet, sheet
    assert "照片文件缺失2件、路径被拒绝1件（见manifest.csv）" in sheet, sheet
    with zipfile.ZipFile(result["EVIDENCE_ZIP"]) as archive:
        text = archive.read(export.MANIFEST_NAME).decode("utf-8-sig")
    checks = {
        line[export.MANIFEST_STORED_PATH]: line[export.MANIFEST_CHECK]
        for line in csv.DictReader(io.StringIO(text))
    }
    assert checks[linked.path] == export.CHECK_REFUSED == "路径被拒绝"
    assert [checks[record.path] for record in gone] == [export.CHECK_MISSING] * 2


def test_a_ledger_moved_without_its_evidence_folder_is_refused_not_reported_all_missing(
    provider, screened, tmp_path
):
    """A GeoPackage ledger copied elsewhere without the evidence folder beside it: the export
    wrote a package marking every file missing, as if the evidence were lost. It now stops
    naming the folder before writing anything, and so does the evidence check; a ledger that
    records no evidence needs no folder."""
    from qgis.core import QgsProcessingException

    store = build_ledger(tmp_path / "moved", screened)
    folder, path = store.evidence_dir, store.path
    store.close()
    shutil.rmtree(folder)
    out = tmp_path / "out"
    with pytest.raises(QgsProcessingException) as stop:
        run_export(path, out, WITH_PDF=True)
    message = str(stop.value)
    assert f"台帐旁的证据文件夹 {folder} 不存在" in message and "5 件证据" in message, message
    assert "nothing was written" in message
    assert not out.exists()  # the folder made for the run goes with the refusal
    with (
        ledger.GeoPackageLedger(path, create=False) as moved,
        pytest.raises(ledger.LedgerError, match="no file was checked"),
    ):
        evidence.check_evidence_integrity(moved)
    (tmp_path / "bare").mkdir()
    bare = ledger.GeoPackageLedger(tmp_path / "bare" / "ledger.gpkg")
    assert bare.import_batch(BATCH, screened).ok
    assert not bare.evidence_dir.exists() and evidence.check_evidence_integrity(bare) == []
    bare.close()
    assert run_export(tmp_path / "bare" / "ledger.gpkg", tmp_path / "bare_out")["SPOTS"] == 6


def with_exif_orientation(path: Path, orientation: int) -> Path:
    """The JPEG `path` with an EXIF APP1 saying how the camera was held (6: turned right)."""
    tiff = b"II*\x00\x08\x00\x00\x00\x01\x00"
    tiff += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    payload = b"Exif\x00\x00" + tiff
    data = path.read_bytes()
    path.write_bytes(
        data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]
    )
    return path


def halves_photo(path: Path, width: int, height: int) -> Path:
    """A photo stored red on its left half and blue on its right."""
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(QColor("#0000ff"))
    painter = QPainter(image)
    painter.fillRect(0, 0, width // 2, height, QColor("#ff0000"))
    painter.end()
    assert image.save(str(path), "JPG", 95)
    return path


def record_as_stored(store, spot, source: Path) -> ledger.EvidenceRecord:
    """`source` put under the spot's evidence folder and recorded as it is, whatever is in it
    (files a ledger may hold from before any check on attaching)."""
    target = evidence.spot_folder(store.evidence_dir, spot.number) / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    record = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO,
        target.relative_to(store.evidence_dir).as_posix(),
        evidence.file_sha256(target),
        target.stat().st_size,
        original_name=source.name,
    )
    record.id = store.add_evidence(spot.id, record)
    return record


def pdf_images(path: str, page: int) -> list[dict]:
    """pdfimages -list of one page: each image's width, height and x-ppi."""
    listing = subprocess.run(
        ["pdfimages", "-list", "-f", str(page), "-l", str(page), path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    images = []
    for line in listing:
        cells = line.split()
        if cells[2] == "image":  # smasks are the transparency of an image, not one
            images.append({"width": int(cells[3]), "height": int(cells[4]), "ppi": int(cells[12])})
    return images


def test_sheet_photos_are_upright_copies_at_the_sheets_resolution_skipping_undrawable_ones(
    provider, screened, tmp_path, monkeypatch
):
    """Found in the field-evidence review, on one spot's sheet: a photo altered since it was
    recorded was printed as if valid; an empty file, a text named .jpg and a HEIC (Qt here has
    no HEIC reader) each took a photo slot and left it blank, pushing the real photos after
    them off the sheet; a 6000×4000 photo went into the PDF whole, at thousands of ppi; and a
    photo taken with the phone turned (EXIF orientation 6) lay on its side. The slots now print
    copies of the first three photos that can be drawn, at PDF_DPI and upright; the sheet and
    the log say what was not printed."""
    from qgis.PyQt.QtGui import QImage

    # A temporary folder of this test's own: other runs on the machine make copies too.
    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    store = build_ledger(tmp_path / "field", screened)
    spot = store.spots()[3]
    store.record_verdict(
        spot.id, ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", clock.today())
    )
    files = tmp_path / "phone"
    files.mkdir()
    altered = record_as_stored(store, spot, make_photo(files / "altered.jpg", "#123456", "原"))
    (files / "empty.jpg").write_bytes(b"")
    (files / "notes.jpg").write_text("not a photo at all", "utf-8")
    (files / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(2048))
    undrawable = [files / "empty.jpg", files / "notes.jpg", files / "IMG_0001.HEIC"]
    for source in undrawable:
        record_as_stored(store, spot, source)
    turned = with_exif_orientation(halves_photo(files / "turned.jpg", 3000, 2000), 6)
    for source in (turned, make_photo(files / "p2.jpg", "#44aa44", "2")):
        record_as_stored(store, spot, source)
    record_as_stored(store, spot, make_photo(files / "p3.jpg", "#aa44aa", "3"))
    record_as_stored(store, spot, make_photo(files / "p4.jpg", "#aaaa44", "4"))
    make_photo(store.evidence_dir / altered.path, "#654321", "改")  # edited after recording
    path = store.path
    store.close()

    log = warning_log()
    result = run_export(path, tmp_path / "out", feedback=log, WITH_PDF=True, SHEETS_FOR=1)
    pages = pdf_pages_text(result["PDF"])
    page = sheet_page(pages, spot.number)
    assert "另有照片已改动未印出1件、无法显示3件（见manifest.csv）" in pages[page - 1]
    for source in undrawable:
        assert any(spot.number in line and source.name in line for line in log.lines), source
    images = pdf_images(result["PDF"], page)
    # The three slots filled (turned, p2, p3), none of them the altered photo's.
    assert len(images) == 3, images
    # At the sheet's 200 dpi (PDF_DPI), not the photo's own 3000 pixels over a few cm.
    assert all(150 <= image["ppi"] <= 205 for image in images), images
    portrait = [image for image in images if image["height"] > image["width"]]
    assert len(portrait) == 1 and portrait[0]["height"] < 800, images  # the turned photo, upright
    subprocess.run(
        ["pdfimages", "-png", "-f", str(page), "-l", str(page), result["PDF"], str(tmp_path / "i")],
        check=True,
    )
    [upright] = [
        image
        for image in (QImage(str(png)) for png in sorted(tmp_path.glob("i-*.png")))
        if image.height() > image.width()
    ]
    top, bottom = (
        upright.pixelColor(upright.width() // 2, 5),
        upright.pixelColor(upright.width() // 2, upright.height() - 5),
    )
    # Stored red on the left: held turned right, its left side is the top.
    assert top.red() > 200 and top.blue() < 60 and bottom.blue() > 200 and bottom.red() < 60
    # The copies were made for the PDF only.
    assert tempfile.gettempdir() == str(tmp_path / "temp")
    assert not list((tmp_path / "temp").glob("zc_sheet_photos_*"))


def test_a_photo_swapped_for_a_link_after_the_check_is_refused_on_its_sheet_not_drawn(
    provider, screened, tmp_path, monkeypatch
):
    """The sheets' copies of the photos were read by path (QImageReader), following a link: a
    photo swapped for a link to another picture after the zip and the look at its path had
    passed it was printed on the spot's sheet as its evidence. Read as the zip reads it
    (open_evidence_file: a folder at a time, O_NOFOLLOW), it is refused, not drawn, and the
    log and the sheet say so, the log naming spot and file."""
    store = build_ledger(tmp_path / "field", screened)
    spot = store.spots()[3]
    store.record_verdict(
        spot.id, ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", clock.today())
    )
    photo = record_as_stored(store, spot, make_photo(tmp_path / "site.jpg", "#22cc22", "现场"))
    private = make_photo(tmp_path / "private.jpg", "#ff0000", "私人")
    stored = store.evidence_dir / photo.path
    path = store.path
    store.close()
    looked = export.evidence_file

    def look_then_swap(root, stored_path):
        place = looked(root, stored_path)
        if place == stored and not place.is_symlink():
            place.unlink()
            place.symlink_to(private)
        return place

    # The sheets' look at the path only: the zip, written before, opens its files itself.
    monkeypatch.setattr(export, "evidence_file", look_then_swap)
    log = warning_log()
    result = run_export(path, tmp_path / "out", feedback=log, WITH_PDF=True, SHEETS_FOR=1)
    assert stored.is_symlink()  # swapped after the look, before the photo was read
    pages = pdf_pages_text(result["PDF"])
    page = sheet_page(pages, spot.number)
    assert pdf_images(result["PDF"], page) == []  # neither the photo nor what the link names
    assert "照片路径被拒绝1件（见manifest.csv）" in pages[page - 1]
    [said] = [line for line in log.lines if photo.path in line]
    assert spot.number in said and "is a symbolic link" in said, said
    assert said.endswith(f"not printed on its sheet: {photo.path!r}"), said


def test_an_unknown_batch_names_the_batches_there_are(provider, field_ledger, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=BATCH):
        run_export(field_ledger, tmp_path / "out", BATCH="2030Q4")
    result = run_export(field_ledger, tmp_path / "out", BATCH=BATCH)
    assert result["SPOTS"] == SPOTS_WITH_GEOMETRY + 1


def test_a_text_longer_than_a_dbf_field_is_cut_and_reported(field_ledger, tmp_path):
    rows = ledger_rows(field_ledger)
    long_note = "违法占地" * 40  # 160 characters: 480 bytes in UTF-8
    rows[0].values[export.VERDICT_NOTE] = long_note
    written = export.write_vector_exports(tmp_path, rows, "UTF-8")
    assert any(rows[0].number in w and export.VERDICT_NOTE in w for w in written.warnings)
    with plain_gdal(), fiona.open(written.shapefile) as layer:
        cut = next(f for f in layer if f.properties[domain.SPOT_NUMBER] == rows[0].number)
    assert long_note.startswith(cut.properties[export.VERDICT_NOTE])
    assert len(cut.properties[export.VERDICT_NOTE].encode("utf-8")) <= 254
    with fiona.open(written.geopackage) as layer:
        whole = next(f for f in layer if f.properties[domain.SPOT_NUMBER] == rows[0].number)
    assert whole.properties[export.VERDICT_NOTE] == long_note


# Two spot numbers alike in their first 254 bytes, in UTF-8 (甲 3 bytes) and in GBK (2 bytes).
LONG_KEY_START = "3703022026" + "甲" * 130


@pytest.mark.parametrize("encoding", export.SHAPEFILE_ENCODINGS)
def test_spot_numbers_too_long_for_a_dbf_field_stop_the_export_naming_spots_and_field(
    field_ledger, tmp_path, encoding
):
    """A DBF text holds 254 bytes: two spot numbers cut there would be one number in the
    Shapefile, two spots under one key. The export stops before anything is written, naming
    each spot whole and the field; before, both were cut to the same text, with a warning."""
    rows = ledger_rows(field_ledger)
    for row, key in zip(rows, (LONG_KEY_START + "01", LONG_KEY_START + "02")):
        row.number = row.values[domain.SPOT_NUMBER] = key
    out = tmp_path / "out"
    with pytest.raises(export.ExportError) as error:
        export.write_vector_exports(out, rows, encoding)
    message = str(error.value)
    assert message.startswith("2 个图斑编号"), message
    for key in (LONG_KEY_START + "01", LONG_KEY_START + "02"):
        assert f"图斑 {key} 字段 {domain.SPOT_NUMBER}" in message
    assert str(export.SHAPEFILE_TEXT_BYTES) in message
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_spot_numbers_that_gbk_would_write_alike_stop_the_export(field_ledger, tmp_path):
    """GBK writes m² out as 平方米: spot numbers 'A-1m²' and 'A-1平方米' would be one in the
    Shapefile; the UTF-8 export keeps them apart and is written."""
    rows = ledger_rows(field_ledger)
    for row, key in zip(rows, ("A-1m²", "A-1平方米")):
        row.number = row.values[domain.SPOT_NUMBER] = key
    with pytest.raises(export.ExportError) as error:
        export.write_vector_exports(tmp_path / "gbk", rows, "GBK")
    message = str(error.value)
    assert "图斑 A-1m² 字段 JCBH" in message and "图斑 A-1平方米 字段 JCBH" in message
    written = export.write_vector_exports(tmp_path / "utf8", rows, "UTF-8")
    with plain_gdal(), fiona.open(written.shapefile) as layer:
        numbers = [f.properties[domain.SPOT_NUMBER] for f in layer]
    assert numbers.count("A-1m²") == numbers.count("A-1平方米") == 1


def test_shapefile_field_names_that_coincide_stop_the_export_naming_the_columns(
    field_ledger, tmp_path
):
    """Two columns whose Shapefile names are one (here only in case: a DBF does not tell them
    apart): one would silently replace the other. Refused, naming both columns."""
    rows = ledger_rows(field_ledger)
    number = next(c for c in export.EXPORT_COLUMNS if c.name == domain.SPOT_NUMBER)
    columns = [
        number,
        export.ExportColumn("TBMJ_MU", "图斑面积(亩)", export.COL_MU),
        export.ExportColumn("TBMJ_MU_X", "另一面积(亩)", export.COL_MU, short_name="tbmj_mu"),
    ]
    with pytest.raises(export.ExportError) as error:
        export.write_vector_exports(tmp_path / "out", rows, "UTF-8", columns)
    message = str(error.value)
    assert "TBMJ_MU" in message and "TBMJ_MU_X" in message and "tbmj_mu" in message
    assert not (tmp_path / "out" / "verification.shp").exists()


def test_the_export_algorithm_refuses_spot_numbers_a_shapefile_would_cut(provider, tmp_path):
    """Through Processing: the run stops naming the spots and JCBH, and writes no file."""
    from qgis.core import QgsProcessingException

    keys = (LONG_KEY_START + "01", LONG_KEY_START + "02")
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        square = box(39_580_000, 4_050_000, 39_580_050, 4_050_050)
        store.import_batch(
            BATCH, [ledger.SpotRecord({domain.SPOT_NUMBER: k}, square) for k in keys]
        )
    out = tmp_path / "out"
    with pytest.raises(QgsProcessingException) as error:
        run_export(tmp_path / "ledger.gpkg", out)
    for key in keys:
        assert f"图斑 {key} 字段 {domain.SPOT_NUMBER}" in str(error.value)
    assert not out.exists() or not any(out.iterdir())


def test_square_metres_of_the_screening_reasons_are_written_out_in_a_gbk_shapefile(
    field_ledger, tmp_path
):
    rows = ledger_rows(field_ledger)
    reason = "未调查/无法归类 12.50 m²"  # as screening wrote it before; GBK has no ²
    rows[0].values[domain.VERDICT_REASON] = reason
    written = export.write_vector_exports(tmp_path, rows, "GBK")
    assert any(rows[0].number in w and domain.VERDICT_REASON in w for w in written.warnings)
    number, field = rows[0].number, domain.VERDICT_REASON
    assert written_value(written.shapefile, number, field) == "未调查/无法归类 12.50 平方米"
    assert written_value(written.geopackage, number, field) == reason


def test_pasted_bullets_and_no_break_spaces_are_written_out_in_a_gbk_shapefile(
    field_ledger, tmp_path
):
    """Text pasted from Word brings • (U+2022) and no-break spaces (U+00A0), which GBK lacks:
    the Shapefile writes them as · and a space, with a warning; the export goes on."""
    rows = ledger_rows(field_ledger)
    note = "•\u00a0已拆除；•\u00a0已复耕"
    rows[0].values[export.VERDICT_NOTE] = note
    export.check_encodable(rows, "GBK")  # no refusal
    written = export.write_vector_exports(tmp_path, rows, "GBK")
    [warning] = [w for w in written.warnings if export.VERDICT_NOTE in w]
    assert rows[0].number in warning and "“•”→“·”" in warning and "U+00A0" in warning
    number, field = rows[0].number, export.VERDICT_NOTE
    assert written_value(written.shapefile, number, field) == "· 已拆除；· 已复耕"
    assert written_value(written.geopackage, number, field) == note


@pytest.mark.parametrize(
    "text, written",
    [
        ("占地 2.5 hm²", "占地 2.5 公顷"),
        ("约 0.3 km²，其中 120 m²", "约 0.3 平方千米，其中 120 平方米"),
        ("孔径 5 cm²", "孔径 5 平方厘米"),
        ("弃土 10³ m³", "弃土 10^3 立方米"),  # never 103
        ("x²+y²", "x^2+y^2"),
    ],
)
def test_gbk_substitutions_keep_the_meaning_of_units_and_powers(
    field_ledger, tmp_path, text, written
):
    """hm² is 公顷 and km² 平方千米, not h平方米 and k平方米; a power is never made a digit
    (10³ as 103 is another figure). The warning shows the text before and after."""
    assert export.shapefile_text(text, "GBK") == written
    rows = ledger_rows(field_ledger)
    rows[0].values[export.VERDICT_NOTE] = text
    result = export.write_vector_exports(tmp_path, rows, "GBK")
    [warning] = [w for w in result.warnings if export.VERDICT_NOTE in w]
    assert f"“{text}”→“{written}”" in warning, warning


def test_every_value_gbk_cannot_hold_is_named_at_once(field_ledger):
    rows = ledger_rows(field_ledger)
    rows[0].values[export.VERDICT_NOTE] = f"当事人{RARE}某"
    rows[2].values[export.VERIFIER] = "王☃"  # U+2603: no GBK
    with pytest.raises(export.ExportError) as error:
        export.check_encodable(rows, "GBK")
    message = str(error.value)
    assert message.startswith("2 处文本")
    assert f"图斑 {rows[0].number} 字段 {export.VERDICT_NOTE}" in message and RARE in message
    assert f"图斑 {rows[2].number} 字段 {export.VERIFIER}" in message and "U+2603" in message


def test_new_construction_land_is_exported_as_screened(field_ledger):
    rows = [row for row in ledger_rows(field_ledger) if row.values.get(domain.CULTIVATED_AREA)]
    assert rows
    for row in rows:
        parts = [
            row.values[domain.CULTIVATED_AREA],
            row.values[domain.AGRICULTURAL_AREA],
            row.values[domain.UNUSED_AREA],
        ]
        assert row.values[domain.NEW_CONSTRUCTION_AREA] == pytest.approx(sum(parts), abs=0.005)


def test_every_exported_figure_is_the_one_screening_wrote(exported, screened_output):
    """The legal figures in the spreadsheet, the Shapefile and the GeoPackage, spot by spot,
    against the screening output read on its own (fiona), not through the ledger or the
    exporter: an area changed anywhere between screening and the report is caught."""
    _, result = exported
    figures = [
        c
        for c in export.EXPORT_COLUMNS
        if c.kind in (export.COL_SQM, export.COL_MU)
        and not c.name.startswith(export.VERIFIED_AREA_PREFIX)
    ]
    with fiona.open(screened_output) as layer:
        screened = {f["properties"][domain.SPOT_NUMBER]: dict(f["properties"]) for f in layer}

    def expected(number: str, name: str):
        spot = screened[number]
        if not name.endswith(domain.MU_SUFFIX):
            return spot[name]
        sqm = spot[name[: -len(domain.MU_SUFFIX)]]  # 亩: of the m² shown, whatever was stored
        return None if sqm is None else paper.mu(sqm)

    sheet = openpyxl.load_workbook(result["XLSX"], data_only=True).active
    index = {c.value: i for i, c in enumerate(sheet[2])}
    xlsx = {
        row[index["图斑编号"]]: {c.name: row[index[c.header]] for c in figures}
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if isinstance(row[index["序号"]], int)  # not the totals row
    }
    with plain_gdal(), fiona.open(result["SHAPEFILE"]) as layer:
        shp = {
            f["properties"][domain.SPOT_NUMBER]: {
                c.name: f["properties"][c.shapefile_name] for c in figures
            }
            for f in layer
        }
    with fiona.open(result["GEOPACKAGE"]) as layer:
        gpkg = {
            f["properties"][domain.SPOT_NUMBER]: {c.name: f["properties"][c.name] for c in figures}
            for f in layer
        }
    assert set(xlsx) == set(shp) == set(gpkg) and set(xlsx) <= set(screened)
    assert len(xlsx) == SPOTS_WITH_GEOMETRY + 1
    compared = 0
    for number in xlsx:
        for column in figures:
            want = expected(number, column.name)
            for written in (xlsx, shp, gpkg):
                got = written[number][column.name]
                assert (got is None) == (want is None), (number, column.name, got, want)
                if want is not None:
                    assert got == pytest.approx(want, abs=0.004), (number, column.name)
                    compared += want != 0
    assert compared >= 30  # real figures, not only zeros


@pytest.mark.parametrize(
    ("algorithm", "parameters"),
    [
        ("exportverification", {"WITH_PDF": False}),
        ("monthlyranking", {"MONTH": "2026-03"}),
    ],
)
def test_an_output_folder_that_is_a_file_is_named(
    provider, field_ledger, tmp_path, algorithm, parameters
):
    """A file where the output folder should be stops the run with its name, not an OSError's
    traceback, and the file is left as it was."""
    import processing
    from qgis.core import QgsProcessingException

    taken = tmp_path / "results"
    taken.write_text("a note kept here")
    with pytest.raises(QgsProcessingException, match="results") as error:
        processing.run(
            f"zcenforcement:{algorithm}",
            {"LEDGER": str(field_ledger), "OUTPUT_FOLDER": str(taken), **parameters},
        )
    assert "Traceback" not in str(error.value)
    assert taken.read_text() == "a note kept here"


def test_what_the_verifier_recorded_on_site_is_exported(tmp_path):
    """Party, actual use and the stop order were kept in the ledger and written nowhere: the
    export carries them, in the XLSX and the GeoPackage."""
    import openpyxl
    from shapely.geometry import box

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    store.import_batch(
        "b", [ledger.SpotRecord({domain.SPOT_NUMBER: "S1"}, box(x, y, x + 9, y + 9))]
    )
    [spot] = store.spots()
    store.record_verdict(
        spot.id,
        ledger.Verdict(
            ls.VERDICT_ILLEGAL,
            "未报即用",
            "李工",
            "2025-09-30",
            details={
                ls.DETAIL_PARTY: "某某建材公司",
                ls.DETAIL_ACTUAL_USE: "厂房",
                ls.DETAIL_STOP_ORDER: True,
            },
        ),
    )
    [row] = export.verification_rows(store)
    store.close()
    assert (row.values[export.PARTY], row.values[export.ACTUAL_USE]) == ("某某建材公司", "厂房")
    assert row.values[export.STOP_ORDER] == "是"
    sheet = openpyxl.load_workbook(export.write_xlsx(tmp_path / "v.xlsx", [row])).active
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    at = next(i for i, line in enumerate(rows) if "图斑编号" in line)  # below the title
    values = dict(zip(rows[at], rows[at + 1]))
    assert values["当事人"] == "某某建材公司" and values["实际用途"] == "厂房"
    assert values["已下达责令停止通知书"] == "是"


def test_a_case_stopped_on_site_exports_the_stop_order_the_ranking_counts(tmp_path):
    """The ranking counts an act stopped when its case has a 制止 event (reports.act_stopped);
    the export's 已下达责令停止通知书 said nothing for such a case, as the verdict's tick was
    not set: the package and the ranking disagreed. Each spot's ZLTZ is act_stopped now, and
    the case's number and stage are exported beside it."""
    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
    from zc_enforcement_plugin.core.reports import act_stopped

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    numbers = ("STOPPED", "TICKED", "OPEN", "UNTICKED", "NONE")
    store.import_batch(
        "b",
        [
            ledger.SpotRecord({domain.SPOT_NUMBER: n}, box(x + 20 * i, y, x + 20 * i + 9, y + 9))
            for i, n in enumerate(numbers)
        ],
    )
    ids = {s.number: s.id for s in store.spots()}
    ticks = {"TICKED": True, "UNTICKED": False}
    for number in numbers[:-1]:
        details = {ls.DETAIL_STOP_ORDER: ticks[number]} if number in ticks else {}
        verdict = ledger.Verdict(
            ls.VERDICT_ILLEGAL, "未报即用", "李工", "2025-09-01", details=details
        )
        store.record_verdict(ids[number], verdict)
    stopped = store.open_case(ORIGIN_SPOT, spot_id=ids["STOPPED"])
    for stage, day in ((Stage.VERIFY, "2025-09-02"), (Stage.STOP, "2025-09-03")):
        store.add_case_event(stopped, CaseEvent(stopped, stage, dt.date.fromisoformat(day), "李工"))
    opened = store.open_case(ORIGIN_SPOT, spot_id=ids["OPEN"])
    cases = {record.spot_id: record.case for record in store.cases()}
    rows = {row.number: row for row in export.verification_rows(store)}
    history = {n: store.current_verdict(ids[n]) for n in numbers}
    store.close()
    shown = {n: rows[n].values[export.STOP_ORDER] for n in numbers}
    assert shown == {"STOPPED": "是", "TICKED": "是", "OPEN": None, "UNTICKED": "否", "NONE": None}
    for number in numbers:  # the one definition, spot by spot
        verdict = history[number]
        issued = bool(verdict and (verdict.details or {}).get(ls.DETAIL_STOP_ORDER))
        assert (shown[number] == "是") == act_stopped(cases.get(ids[number]), issued), number
    stages = {
        n: (rows[n].values[export.CASE_NUMBER], rows[n].values[export.CASE_STAGE]) for n in numbers
    }
    assert stages["STOPPED"] == (int(stopped), "制止")  # a number, as Excel reads it
    assert stages["OPEN"] == (int(opened), "发现")
    assert stages["TICKED"] == (None, None)
    headers = {c.name: c.header for c in export.EXPORT_COLUMNS}
    assert headers[export.CASE_NUMBER] == "案件编号"
    assert headers[export.CASE_STAGE] == "案件阶段"


def test_sheets_for_verified_spots_only(provider, field_ledger, tmp_path):
    """Three of the six spots have a verdict: three sheets, in review order, and all six spots
    still in the spreadsheet."""
    result = run_export(field_ledger, tmp_path, WITH_PDF=True, SHEETS_FOR=1)
    with ledger.GeoPackageLedger(field_ledger, create=False) as store:
        verified = [s.number for s in store.spots() if s.status == ls.STATUS_VERIFIED]
    assert len(verified) == 3 and result["SPOTS"] == 6
    assert pdf_page_count(result["PDF"]) == 3
    text = subprocess.run(
        ["pdftotext", result["PDF"], "-"], capture_output=True, text=True, check=True
    ).stdout
    assert all(number in text for number in verified)


def test_the_sheets_are_dated_with_the_beijing_day_on_a_laptop_set_to_another_zone(
    provider, field_ledger, away_from_beijing, tmp_path
):
    """The footer's 导出日期 is the plugin's day (core/clock.py), as every date it records: not
    the day of this computer's zone, which reads the day before until 08:00 Beijing time."""
    result = run_export(field_ledger, tmp_path, WITH_PDF=True, SHEETS_FOR=1)
    pages = pdf_pages_text(result["PDF"])
    exported_on = f"导出日期：{clock.today().isoformat()}"
    assert len(pages) == 3 and all(exported_on in page for page in pages), pages


def test_sheets_for_verified_only_without_verdicts_makes_no_pdf(provider, screened, tmp_path):
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    assert store.import_batch(BATCH, screened).ok
    store.close()
    feedback = warning_log()
    result = run_export(
        tmp_path / "ledger.gpkg", tmp_path / "out", WITH_PDF=True, SHEETS_FOR=1, feedback=feedback
    )
    assert result["PDF"] == "" and not list((tmp_path / "out").glob("*.pdf"))
    assert any("no verification sheets" in line for line in feedback.lines)


def test_a_reexport_without_sheets_removes_the_sheets_of_an_earlier_one(
    provider, field_ledger, screened, tmp_path
):
    """A PDF of another run's sheets left beside a new package passes for this one's (a 298-page
    PDF of another batch beside a 37-spot package): an export that makes no sheets removes it,
    and says so; every other file of the folder is this run's."""
    folder = tmp_path / "package"
    first = run_export(field_ledger, folder, WITH_PDF=True)
    assert Path(first["PDF"]).is_file()
    before = {path.name for path in folder.iterdir()}
    feedback = warning_log()
    second = run_export(field_ledger, folder, WITH_PDF=False, feedback=feedback)
    assert second["PDF"] == "" and not (folder / "verification_sheets.pdf").exists()
    assert any("verification_sheets.pdf" in line and "removed" in line for line in feedback.lines)
    assert {path.name for path in folder.iterdir()} == before - {"verification_sheets.pdf"}
    # No spot verified and sheets for the verified only: no sheets, so none left either.
    (tmp_path / "unverified").mkdir()
    store = ledger.GeoPackageLedger(tmp_path / "unverified" / "ledger.gpkg")
    assert store.import_batch(BATCH, screened).ok
    store.close()
    run_export(field_ledger, folder, WITH_PDF=True)
    feedback = warning_log()
    third = run_export(
        tmp_path / "unverified" / "ledger.gpkg",
        folder,
        WITH_PDF=True,
        SHEETS_FOR=1,
        feedback=feedback,
    )
    assert third["PDF"] == "" and not (folder / "verification_sheets.pdf").exists()
    assert any("verification_sheets.pdf" in line for line in feedback.lines)
    # What is left is what the third run wrote: its spots, not the field ledger's verdicts.
    assert third["SPOTS"] == len(screened) and ledger_rows_verified(folder) == 0


def ledger_rows_verified(folder: Path) -> int:
    """The verified spots of the GeoPackage an export wrote into `folder`."""
    with fiona.open(folder / "verification.gpkg") as layer:
        return sum(1 for f in layer if f.properties[export.STATUS] == "已核查")


def folder_state(folder: Path) -> dict[str, str | None]:
    """Every file and folder under `folder`, a file with its SHA-256: equal states, nothing
    added, removed or rewritten."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        )
        for path in folder.rglob("*")
    }


def cancelled_at(percent: float):
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda done: done > percent and feedback.cancel())
    return feedback


def test_cancelling_the_sheets_writes_no_pdf(provider, field_ledger, tmp_path):
    """Cancelled after the first sheet: the exporter stops and no PDF of part of the sheets is
    left to pass for the whole; nor any other file of the package, nor the folders made for it."""
    out = tmp_path / "new" / "package"
    feedback = cancelled_at(55)
    result = run_export(field_ledger, out, WITH_PDF=True, feedback=feedback)
    assert result == {}
    assert feedback.isCanceled()
    assert not (tmp_path / "new").exists(), folder_state(tmp_path)


@pytest.mark.parametrize("percent", [15, 55])  # while zipping the evidence; while the sheets
def test_a_cancelled_export_leaves_an_earlier_package_as_it_was(
    provider, field_ledger, tmp_path, percent
):
    """A cancel used to leave a package of two runs: this run's zip, GeoPackage and XLSX beside
    the earlier run's sheets. Now the earlier package stays byte for byte, with nothing added
    (no part file, no staging folder) and the user's own file in the folder untouched."""
    folder = tmp_path / "package"
    run_export(field_ledger, folder, WITH_PDF=True)
    (folder / "说明.txt").write_text("科室的备注", "utf-8")
    before = folder_state(folder)
    assert {"verification.xlsx", "evidence.zip", "verification_sheets.pdf"} <= set(before)
    feedback = cancelled_at(percent)
    assert run_export(field_ledger, folder, WITH_PDF=True, feedback=feedback) == {}
    assert feedback.isCanceled()
    assert folder_state(folder) == before


def test_a_refused_export_leaves_nothing_new_and_an_earlier_package_as_it_was(
    provider, field_ledger, screened, tmp_path
):
    """Refused (the evidence folder cannot be read; no ledger at that path): the output folder
    Processing asked for, and the parents made for it, go again; a folder that was there keeps
    what it held, the earlier package included."""
    from qgis.core import QgsProcessingException

    store = build_ledger(tmp_path / "moved", screened)
    evidence_dir, moved = store.evidence_dir, store.path
    store.close()
    shutil.rmtree(evidence_dir)
    new = tmp_path / "new" / "deeper" / "package"
    with pytest.raises(QgsProcessingException, match="不存在"):
        run_export(moved, new)
    assert not (tmp_path / "new").exists()
    with pytest.raises(QgsProcessingException, match="does not exist"):
        run_export(tmp_path / "no_such_ledger.gpkg", new)
    assert not (tmp_path / "new").exists()

    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    before = folder_state(folder)
    with pytest.raises(QgsProcessingException, match="不存在"):
        run_export(moved, folder, WITH_PDF=True)
    assert folder_state(folder) == before
    # A folder that was there, empty, stays: it is not the run's to remove.
    (tmp_path / "empty").mkdir()
    with pytest.raises(QgsProcessingException, match="不存在"):
        run_export(moved, tmp_path / "empty")
    assert (tmp_path / "empty").is_dir() and not any((tmp_path / "empty").iterdir())


def test_spots_screened_without_the_referral_layers_are_imported_queued_and_exported(
    provider, tmp_path
):
    """Screened on the red line alone, a quick first pass: the referral test cannot be made
    (SFXS NULL) for spots large enough to reach its scale, and spots nothing ranks are not
    ranked (YXJ NULL, not "4 the rest"). importspots keeps the NULLs, the dock's queue lists
    the ranked spot first and shows no priority for the others, and the export leaves the
    referral column empty where the test was not made."""
    import processing

    from tests.screening_layers import memory_layer, square
    from zc_enforcement_plugin.ui.spot_queue import SpotQueueModel

    spots = memory_layer(
        [(square(0, 0, 100), ["S_RED"]), (square(300, 0, 100), ["S_BIG"])]
        + [(square(600, 0, 40), ["S_SMALL"])],  # 2.4 亩: cannot hold 5 亩 of anything
        f"field={domain.SPOT_NUMBER}:string(20)",
    )
    red_line = memory_layer(
        [(square(-10, -10, 50), ["HX-1"])], f"field={domain.RED_LINE_CODE}:string"
    )
    screened = tmp_path / "screened.gpkg"
    processing.run(
        "zcenforcement:screenspots", {"SPOTS": spots, "RED_LINE": red_line, "OUTPUT": str(screened)}
    )
    path = tmp_path / "ledger.gpkg"
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": f"{screened}|layername=screened", "LEDGER": str(path), "BATCH": BATCH},
    )
    with ledger.GeoPackageLedger(path, create=False) as store:
        queue = store.spots()
        flags = {s.number: store.spot(s.id).attributes[domain.CRIMINAL_FLAG] for s in queue}
    assert [(s.number, s.priority) for s in queue] == [
        ("S_RED", 1),
        ("S_BIG", None),
        ("S_SMALL", None),
    ]
    assert flags == {"S_RED": None, "S_BIG": None, "S_SMALL": 0}
    model = SpotQueueModel()
    model.set_rows(queue)
    column = SpotQueueModel.COLUMNS.index("priority")
    assert [model.data(model.index(row, column)) for row in range(3)] == [1, None, None]

    result = run_export(path, tmp_path / "export")
    sheet = openpyxl.load_workbook(result["XLSX"], data_only=True).active
    index = {c.value: i for i, c in enumerate(sheet[2])}
    referral = next(c.header for c in export.EXPORT_COLUMNS if c.name == domain.CRIMINAL_FLAG)
    written = {
        row[index["图斑编号"]]: row[index[referral]]
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if isinstance(row[index["序号"]], int)
    }
    assert written == {"S_RED": None, "S_BIG": None, "S_SMALL": export.NO_ZH}


def test_the_sheets_show_the_exports_own_mu(qgis_app):
    """The sheet works out no 亩 of its own: each figure's 亩 is the export's column of it
    (export._areas, areas.shown_mu), as the XLSX, GeoPackage and Shapefile give it, so a
    spot has one 亩 figure in every file of the package."""
    from zc_enforcement_plugin.processing.export_verification import LAYOUT_TEMPLATE

    template = LAYOUT_TEMPLATE.read_text("utf-8")
    shown = re.findall(r"format_number\(&quot;(\w+)&quot;, 2\)", template)
    mu = {c.name for c in export.EXPORT_COLUMNS if c.kind == export.COL_MU}
    areas = [name for name in shown if not name.endswith(domain.MU_SUFFIX)]
    assert len(areas) == 18  # twelve screening figures, six verified ones
    for name in areas:
        assert name + domain.MU_SUFFIX in shown and name + domain.MU_SUFFIX in mu, name
    assert "floor(" not in template


def test_the_land_class_split_adds_up_to_the_spot_area_in_every_export_row(exported):
    """DOMAIN §2: the split adds up. Land no parcel covers (WDCMJ) is exported, so it does."""
    _, result = exported
    sheet = openpyxl.load_workbook(result["XLSX"], data_only=True).active
    index = {c.value: i for i, c in enumerate(sheet[2])}
    split = [
        domain.output_field_labels_zh()[name]
        for name in (
            domain.CULTIVATED_AREA,
            domain.AGRICULTURAL_AREA,
            domain.CONSTRUCTION_AREA,
            domain.UNUSED_AREA,
            domain.UNSURVEYED_AREA,
        )
    ]
    checked = 0
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if not isinstance(row[index["序号"]], int) or row[index["图斑面积（平方米）"]] is None:
            continue
        parts = [paper.cents(row[index[header]] or 0) for header in split]
        assert sum(parts) == paper.cents(row[index["图斑面积（平方米）"]]), row[index["图斑编号"]]
        checked += 1
    assert checked >= 5


# --- figures as a clerk writes them (found untested by a mutation review) ------------------------


def _one_spot_rows(tmp_path, attributes: dict) -> list[export.ExportRow]:
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    record = ledger.SpotRecord({domain.SPOT_NUMBER: "S1", **attributes}, box(x, y, x + 9, y + 9))
    report = store.import_batch("b", [record])
    assert report.ok, report.lines()
    rows = export.verification_rows(store)
    store.close()
    return rows


def test_exported_mu_are_the_sqm_shown_converted_half_up(tmp_path):
    """410.00 m² × 15 / 10000 = 0.615 亩, written 0.62 (half up, as on paper; a float division
    rounded gives 0.61); 1,070.00 m² = 1.605 亩, written 1.61. A delivered JCMJ of 2.675 m² is
    written 2.68 (half up; float rounding gives 2.67)."""
    split = {
        domain.SPOT_AREA: 1070.0,
        domain.CULTIVATED_AREA: 410.0,
        domain.AGRICULTURAL_AREA: 0.0,
        domain.CONSTRUCTION_AREA: 660.0,
        domain.UNUSED_AREA: 0.0,
        domain.UNSURVEYED_AREA: 0.0,
    }
    [row] = _one_spot_rows(tmp_path, {domain.SPOT_MONITORED_AREA: 2.675, **split})
    values = row.values
    assert values[domain.SPOT_MONITORED_AREA] == float(paper.cents(2.675)) == 2.68
    assert values[domain.CULTIVATED_AREA + domain.MU_SUFFIX] == paper.mu(410.0) == 0.62
    assert values[domain.SPOT_AREA + domain.MU_SUFFIX] == paper.mu(1070.0) == 1.61


def test_every_exported_area_has_its_mu_in_every_format(tmp_path):
    """DOMAIN §2 reports new construction land, and the sheet showed 亩 for every figure, but
    the XLSX, GeoPackage and Shapefile gave 亩 for five alone: none for the other agricultural,
    construction, unused and new construction land, nor for the verified figures. Every m²
    column now has its 亩 beside it, worked out as the others (m² shown × 15 ÷ 10000, half up)
    and named within a Shapefile's 10 bytes."""
    split = {
        domain.SPOT_AREA: 1070.0,
        domain.CULTIVATED_AREA: 410.0,
        domain.AGRICULTURAL_AREA: 290.0,
        domain.CONSTRUCTION_AREA: 300.0,
        domain.UNUSED_AREA: 70.0,
        domain.UNSURVEYED_AREA: 0.0,
        domain.NEW_CONSTRUCTION_AREA: 770.0,
        domain.SPOT_MONITORED_AREA: 1069.99,
        domain.BASIC_FARMLAND_AREA: 333.34,
        domain.RED_LINE_AREA: 0.0,
        domain.NO_MINING_AREA: 0.0,
        domain.THREE_ZONES_AREA: 0.0,
        domain.APPROVED_AREA: 0.0,
    }
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    record = ledger.SpotRecord({domain.SPOT_NUMBER: "S1", **split}, box(x, y, x + 9, y + 9))
    assert store.import_batch("b", [record]).ok
    [spot] = store.spots()
    found = {
        domain.CULTIVATED_AREA: 409.99,
        domain.AGRICULTURAL_AREA: 290.01,
        domain.CONSTRUCTION_AREA: 300.0,
        domain.UNUSED_AREA: 70.0,
        domain.BASIC_FARMLAND_AREA: 333.33,
        domain.RED_LINE_AREA: 0.0,
    }
    verdict = ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", "2025-09-30", areas=found)
    store.record_verdict(spot.id, verdict)
    [row] = export.verification_rows(store)
    store.close()
    columns = export.EXPORT_COLUMNS
    sqm = [c.name for c in columns if c.kind == export.COL_SQM]
    mu = {c.name: c for c in columns if c.kind == export.COL_MU}
    assert sorted(mu) == sorted(name + domain.MU_SUFFIX for name in sqm)
    for name in (
        domain.AGRICULTURAL_AREA,
        domain.CONSTRUCTION_AREA,
        domain.UNUSED_AREA,
        domain.NEW_CONSTRUCTION_AREA,
        *(export.VERIFIED_AREA_PREFIX + n for n in ls.VERDICT_AREA_FIELDS),
    ):
        assert name + domain.MU_SUFFIX in mu, name
    for name in sqm:
        value = row.values[name]
        assert value is not None, name
        assert row.values[name + domain.MU_SUFFIX] == paper.mu(value), name
    assert row.values["XZJSYDMJ_MU"] == paper.mu(770.0) == 1.16
    assert row.values["HCGDMJ_MU"] == paper.mu(409.99) == 0.61
    headers = {c.name: c.header for c in columns}
    assert headers["XZJSYDMJ_MU"] == "新增建设用地面积（亩）"
    assert headers["HCYJJBNTMJ_MU"] == "核实永久基本农田面积（亩）"
    # Every format: the Shapefile under ≤ 10-byte names, the GeoPackage and XLSX whole.
    vectors = export.write_vector_exports(tmp_path / "out", [row])
    with plain_gdal(), fiona.open(vectors.shapefile) as layer:
        [written] = [f.properties for f in layer]
    with fiona.open(vectors.geopackage) as layer:
        [whole] = [f.properties for f in layer]
    workbook = openpyxl.load_workbook(export.write_xlsx(tmp_path / "v.xlsx", [row])).active
    lines = [[cell.value for cell in line] for line in workbook.iter_rows()]
    at = next(i for i, line in enumerate(lines) if "图斑编号" in line)
    in_xlsx = dict(zip(lines[at], lines[at + 1]))
    for name, column in mu.items():
        assert len(column.shapefile_name.encode("utf-8")) <= domain.SHAPEFILE_NAME_BYTES
        assert column.shapefile_name.endswith(domain.MU_SUFFIX), column.shapefile_name
        assert written[column.shapefile_name] == row.values[name], name
        assert whole[name] == row.values[name], name
        assert in_xlsx[column.header] == row.values[name], name
    assert mu["XZJSYDMJ_MU"].shapefile_name == "XZJSYD_MU"
    assert mu["HCFGNYDMJ_MU"].shapefile_name == "HCFGNYD_MU"


def test_shapefile_area_fields_are_numbers_of_20_digits_with_2_decimals(tmp_path):
    """Every m² and 亩 column is a DBF numeric field N(20, 2), as reports show areas (DOMAIN
    §4): read back with OGR, width and precision of each."""
    from osgeo import ogr

    rows = _one_spot_rows(tmp_path, {domain.SPOT_AREA: 81.0})
    written = export.write_vector_exports(tmp_path / "out", rows, "UTF-8")
    source = ogr.Open(str(written.shapefile))
    definition = source.GetLayer(0).GetLayerDefn()
    fields = {
        definition.GetFieldDefn(i).GetName(): definition.GetFieldDefn(i)
        for i in range(definition.GetFieldCount())
    }
    areas = [c for c in export.EXPORT_COLUMNS if c.kind in export.AREA_KINDS]
    assert len(areas) >= 10
    for column in areas:
        field = fields[column.shapefile_name]
        got = (field.GetTypeName(), field.GetWidth(), field.GetPrecision())
        assert got == ("Real", 20, 2), column.name


def test_a_character_the_sheets_font_lacks_is_said_once_with_its_places(qgis_app):
    """A party named 张𠀀 printed as 张□ on the verification sheet, with nothing said (the
    review of 2026-11-29; no font here has CJK Extension B). A character no font draws is said
    once, with how many places hold it and the first spots and fields; a text the font (or one
    it falls back to, as for 张 asked of DejaVu Sans) draws, and a photo path, are not. A
    private-use character stands for the rare one: no font draws one."""
    from qgis.core import QgsFeature, QgsVectorLayer

    from tests.test_campaign_algorithms import Recorder
    from zc_enforcement_plugin.fonts import characters_missing, chinese_font_family
    from zc_enforcement_plugin.processing import export_verification as ev

    rare = "\U000f0000"
    assert characters_missing(f"张{rare}", "DejaVu Sans") == [rare]  # 张 from a fallback
    photo = ev.ITEM_PHOTOS[0]
    spots = QgsVectorLayer(
        f"None?field={domain.SPOT_NUMBER}:string&field=DSR:string&field={photo}:string",
        "spots",
        "memory",
    )
    rows = [(f"R{n}", f"张{rare}") for n in range(7)] + [("S1", "张三")]
    for number, party in rows:
        feature = QgsFeature(spots.fields())
        feature.setAttributes([number, party, f"/evidence/{rare}.jpg"])
        spots.dataProvider().addFeature(feature)
    feedback = Recorder()
    ev._say_unprintable(spots, chinese_font_family(), feedback)
    [said] = feedback.texts  # once for the character, not once a spot
    assert "U+F0000" in said and "7" in said and "R0 DSR" in said and "R4 DSR" in said, said
    assert "R5 DSR" not in said and "S1" not in said and chinese_font_family() in said


def test_a_reason_too_long_for_its_sheet_cell_is_cut_and_said(qgis_app):
    """The sheet's 建议判定理由 cell holds two lines: a longer reason was clipped with nothing to
    say so. It is cut to fit, ending with where the whole text is, and the spot is named; a
    reason that fits is left as it is."""
    from qgis.core import (
        QgsFeature,
        QgsPrintLayout,
        QgsProject,
        QgsReadWriteContext,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtXml import QDomDocument

    from zc_enforcement_plugin.processing import export_verification as ev

    project = QgsProject()  # held: the layout keeps a pointer to it
    layout = QgsPrintLayout(project)
    document = QDomDocument()
    assert document.setContent(ev.LAYOUT_TEMPLATE.read_text("utf-8"))
    assert layout.loadFromTemplate(document, QgsReadWriteContext())[1]
    cell = layout.itemById(ev.ITEM_REASON)
    assert cell is not None, "the template names the reason cell"
    spots = QgsVectorLayer(
        f"None?field={domain.SPOT_NUMBER}:string&field={domain.VERDICT_REASON}:string(0)",
        "spots",
        "memory",
    )
    long_reason = "占用永久基本农田 6.16 亩；达到刑事移送标准；" * 12
    short_reason = "位于建设用地，未涉及保护图层"
    # Longer than a workbook's cell holds: cut there too, so whole in the GeoPackage alone
    # (the sheet said "全文见 verification.xlsx", the review of 2026-11-29).
    longest = "超长；" * 11_000
    for number, reason in (("L1", long_reason), ("S1", short_reason), ("X1", longest)):
        feature = QgsFeature(spots.fields())
        feature.setAttributes([number, reason])
        spots.dataProvider().addFeature(feature)
    assert ev.fit_cell(spots, cell, domain.VERDICT_REASON) == [
        ("L1", f"{ev.BASENAME}.xlsx"),
        ("X1", f"{ev.BASENAME}.gpkg"),
    ]
    shown = {f[domain.SPOT_NUMBER]: f[domain.VERDICT_REASON] for f in spots.getFeatures()}
    assert shown["X1"].endswith(ev.NOTE_CUT.format(name=f"{ev.BASENAME}.gpkg"))
    end = ev.NOTE_CUT.format(name=f"{ev.BASENAME}.xlsx")
    assert shown["L1"].endswith(end) and long_reason.startswith(shown["L1"][: -len(end)])
    assert len(shown["L1"]) < len(long_reason)
    assert shown["S1"] == short_reason
    # cut after a whole clause, never inside a figure or a date ("已于 2025-1…", a review)
    assert shown["L1"][: -len(end)].endswith(("标准", "亩")), shown["L1"]
    assert ev._at_a_break("已于 2025-12-31 到期", 9) == 2  # before the date, not in it
    assert ev._at_a_break("a" * 60, 50) == 50  # no break within reach: where it fits


# --- what is exported (found untested by a mutation review) ---------------------------------------


def test_a_figure_the_import_left_empty_is_exported_empty_not_summed(tmp_path):
    """TBMJ 1e300 and GDMJ -5 were said on import and left out of their columns, where totals
    add them up: the export leaves them empty too (the XLSX total would carry them), in m² and
    亩. The figures the import took are exported as taken."""
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    attributes = {
        domain.SPOT_NUMBER: "S1",
        domain.SPOT_AREA: "1e300",
        domain.CULTIVATED_AREA: -5,
        domain.BASIC_FARMLAND_AREA: 20.0,
    }
    report = store.import_batch("b", [ledger.SpotRecord(attributes, box(x, y, x + 9, y + 9))])
    assert {w.field for w in report.warnings} == {domain.SPOT_AREA, domain.CULTIVATED_AREA}
    [row] = export.verification_rows(store)
    store.close()
    for name in (domain.SPOT_AREA, domain.CULTIVATED_AREA):
        assert row.values[name] is None, name
        assert row.values[name + domain.MU_SUFFIX] is None, name
    assert row.values[domain.BASIC_FARMLAND_AREA] == 20.0


def test_an_impossible_area_only_the_attributes_hold_is_said_and_exported_empty(tmp_path):
    """JSYDMJ -7, WLYDMJ "abc", STHXMJ 1e12: no spot has such areas. The ledger keeps them as
    delivered in the attributes (nothing is changed), the import names each by spot and field,
    and the export leaves them empty rather than sum them; the plausible ones go out as they
    came, a float noise of -0.001 m² as 0."""
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    attributes = {
        domain.SPOT_NUMBER: "S1",
        domain.SPOT_AREA: 100.0,
        domain.CONSTRUCTION_AREA: -7,
        domain.UNUSED_AREA: "abc",
        domain.RED_LINE_AREA: 1e12,
        domain.AGRICULTURAL_AREA: 60.0,
        domain.UNSURVEYED_AREA: -0.001,
    }
    report = store.import_batch("b", [ledger.SpotRecord(attributes, box(x, y, x + 10, y + 10))])
    said = {w.field for w in report.warnings if w.number == "S1"}
    assert said == {domain.CONSTRUCTION_AREA, domain.UNUSED_AREA, domain.RED_LINE_AREA}, said
    assert store.spot(store.spots()[0].id).attributes[domain.UNUSED_AREA] == "abc"
    [row] = export.verification_rows(store)
    store.close()
    for name in (domain.CONSTRUCTION_AREA, domain.UNUSED_AREA, domain.RED_LINE_AREA):
        assert row.values[name] is None, name
        assert row.values.get(name + domain.MU_SUFFIX) is None, name  # where 亩 are exported
    assert row.values[domain.AGRICULTURAL_AREA] == 60.0
    assert row.values[domain.UNSURVEYED_AREA] == 0.0


def test_the_referral_flag_and_the_verdict_are_exported_as_recorded(tmp_path):
    """A referral flag delivered as 是 stays 是; a legal verdict's approval number and a stop
    order recorded as not issued (否, not blank) are written."""
    [row] = _one_spot_rows(tmp_path, {domain.CRIMINAL_FLAG: "是"})
    assert row.values[domain.CRIMINAL_FLAG] == "是"
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg", create=False) as store:
        store.record_verdict(
            store.spots()[0].id,
            ledger.Verdict(
                ls.VERDICT_LEGAL,
                ls.LEGAL_BASES[0],
                "李工",
                "2025-09-30",
                approval_number="鲁政土字〔2021〕3号",
                details={ls.DETAIL_STOP_ORDER: False},
            ),
        )
        [row] = export.verification_rows(store)
    assert row.values[export.VERDICT_APPROVAL] == "鲁政土字〔2021〕3号"
    assert row.values[export.STOP_ORDER] == "否"


def test_only_drawable_unaltered_photos_go_on_the_sheet_and_the_rest_are_counted(tmp_path):
    """A video attached before the photos is no picture for the sheet's photo fields. A photo
    that cannot be drawn leaves its slot to the next one (it took a slot and left it blank),
    and an altered one is not printed as if it were the photo recorded: both are counted in
    the sheet's note, with a missing file."""
    (tmp_path / "S1").mkdir()
    names = ("v.mp4", "bad.jpg", "changed.jpg", "p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg")
    for name in names:
        (tmp_path / "S1" / name).write_bytes(b"x")
    kinds = [ls.EVIDENCE_VIDEO] + [ls.EVIDENCE_PHOTO] * (len(names) - 1)
    records = [
        ledger.EvidenceRecord(kind, f"S1/{name}", "0" * 64, 1, id=index)
        for index, (kind, name) in enumerate(zip(kinds, names))
    ]
    records.append(ledger.EvidenceRecord(ls.EVIDENCE_PHOTO, "S1/gone.jpg", "0" * 64, 1, id=99))
    row = export.ExportRow(1, "S1", "b", None, {}, records, problems={2: "altered", 99: "missing"})
    tried = []

    def drawn(path: Path, handle) -> Path | None:
        assert handle.read() == b"x"  # the photo's file, opened
        tried.append(path.name)
        return None if path.name == "bad.jpg" else path.with_suffix(".copy.jpg")

    photos = row.sheet_photos(tmp_path, drawn)
    assert [p.name for p in photos.shown] == ["p1.copy.jpg", "p2.copy.jpg", "p3.copy.jpg"]
    assert tried == ["bad.jpg", "p1.jpg", "p2.jpg", "p3.jpg"]  # the altered one is not printed
    assert photos.unshowable == [tmp_path / "S1" / "bad.jpg"]
    assert (photos.missing, photos.altered) == (1, 1)
    assert (
        photos.note == "另有照片文件缺失 1 件、已改动未印出 1 件、无法显示 1 件（见 manifest.csv）"
    )
    nothing = export.ExportRow(1, "S1", "b", None, {}, records[:3], problems={2: "altered"})
    assert nothing.sheet_photos(tmp_path, lambda path, handle: None).note == (
        "照片已改动未印出 1 件、无法显示 1 件（见 manifest.csv）"
    )
    assert export.ExportRow(1, "S1", "b", None, {}, records[:1]).sheet_photos(tmp_path).note is None


def test_a_photo_removed_after_the_zip_counted_it_is_counted_missing_on_its_sheet(
    tmp_path, monkeypatch
):
    """A photo the zip found whole but removed (another user, a sync) before its sheet opens
    it: not drawn, and the sheet's note counts it missing, the next photo taking its slot."""
    (tmp_path / "S1").mkdir()
    for name in ("p1.jpg", "p2.jpg"):
        (tmp_path / "S1" / name).write_bytes(b"x")
    records = [
        ledger.EvidenceRecord(ls.EVIDENCE_PHOTO, f"S1/{name}", "0" * 64, 1, id=index)
        for index, name in enumerate(("p1.jpg", "p2.jpg"))
    ]
    opening = export.open_evidence_file

    def removed_first(root, stored_path):
        if stored_path == "S1/p1.jpg":
            (tmp_path / "S1" / "p1.jpg").unlink()
        return opening(root, stored_path)

    monkeypatch.setattr(export, "open_evidence_file", removed_first)
    photos = export.ExportRow(1, "S1", "b", None, {}, records).sheet_photos(tmp_path)
    assert photos.shown == [tmp_path / "S1" / "p2.jpg"]
    assert (photos.missing, photos.refused, photos.altered) == (1, 0, 0)
    assert photos.note == "另有照片文件缺失 1 件（见 manifest.csv）"


def test_the_evidence_zip_holds_a_shared_file_once_and_lists_missing_ones_by_stored_path(
    tmp_path,
):
    """S1 is in two batches, both pointing at one photo: it is zipped once. A missing file is
    listed with no path in the zip (there is none) and marked 缺失, with the path the ledger
    stored it under and the size it recorded: two missing files of one name were told apart
    only by their hashes. GPS is written to 7 decimals (about a centimetre), as recorded."""
    import types

    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    photo = root / "S1" / "a.jpg"
    photo.write_bytes(b"photo bytes")
    digest = hashlib.sha256(b"photo bytes").hexdigest()
    shared = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO, "S1/a.jpg", digest, 11, gps_lon=117.1234567, gps_lat=36.7654321
    )
    gone = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO, "S1/gone.jpg", "1" * 64, 5, original_name="gone.jpg"
    )
    # Another camera's file of the same name, stored under a numbered name, missing too.
    namesake = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO, "S1/gone_2.jpg", "2" * 64, 7, original_name="gone.jpg"
    )
    rows = [
        export.ExportRow(1, "S1", "2026Q1", None, {}, [shared, gone, namesake]),
        export.ExportRow(2, "S1", "2026Q2", None, {}, [shared]),
    ]
    store = types.SimpleNamespace(evidence_dir=root)
    result = export.write_evidence_zip(tmp_path / "e.zip", store, rows)
    with zipfile.ZipFile(result.path) as archive:
        assert sorted(archive.namelist()) == [
            "S1/a.jpg",
            export.MANIFEST_NAME,
            export.MANIFEST_XLSX_NAME,
        ]
        manifest = list(
            csv.DictReader(io.StringIO(archive.read(export.MANIFEST_NAME).decode("utf-8-sig")))
        )
    assert result.files == 1 and len(manifest) == 4
    missing = [m for m in manifest if m[export.MANIFEST_CHECK] == export.CHECK_MISSING]
    assert len(missing) == 2 and {m[export.MANIFEST_PATH] for m in missing} == {""}
    # Where the ledger kept each and the size it recorded: what to look for, and which is which.
    stored = {(m[export.MANIFEST_STORED_PATH], m[export.MANIFEST_RECORDED_SIZE]) for m in missing}
    assert stored == {("S1/gone.jpg", "5"), ("S1/gone_2.jpg", "7")}
    assert {m[export.MANIFEST_ORIGINAL] for m in missing} == {"gone.jpg"}
    first = manifest[0]
    assert (first[export.MANIFEST_LON], first[export.MANIFEST_LAT]) == ("117.1234567", "36.7654321")


def test_capture_times_are_dates_and_times_in_the_manifest_workbook(tmp_path):
    """manifest.xlsx gave 拍摄时间 as text (2026-11-10T00:20:00+08:00): Excel neither sorted
    nor filtered it as time. A Beijing time, or a camera's clock time without an offset, is a
    date-and-time cell now; one at another offset stays text, its offset shown."""
    import types

    times = {
        "S1": ("2026-11-10T00:20:00+08:00", dt.datetime(2026, 11, 10, 0, 20)),
        "S2": ("2026-05-03T10:22:11", dt.datetime(2026, 5, 3, 10, 22, 11)),
        "S3": ("2026-05-03T02:22:11+00:00", "2026-05-03 02:22:11+00:00"),
        "S4": (None, None),
    }
    root = tmp_path / "evidence"
    rows = []
    for index, (number, (taken, _)) in enumerate(times.items(), start=1):
        (root / number).mkdir(parents=True)
        (root / number / "p.jpg").write_bytes(b"photo %d" % index)
        digest = hashlib.sha256(b"photo %d" % index).hexdigest()
        record = ledger.EvidenceRecord(
            ls.EVIDENCE_PHOTO, f"{number}/p.jpg", digest, 7, taken_at=taken
        )
        rows.append(export.ExportRow(index, number, "2026Q1", None, {}, [record]))
    store = types.SimpleNamespace(evidence_dir=root)
    result = export.write_evidence_zip(tmp_path / "e.zip", store, rows)
    with zipfile.ZipFile(result.path) as archive:
        text = archive.read(export.MANIFEST_NAME).decode("utf-8-sig")
        (tmp_path / "manifest.xlsx").write_bytes(archive.read(export.MANIFEST_XLSX_NAME))
    book = openpyxl.load_workbook(tmp_path / "manifest.xlsx").active
    header = [cell.value for cell in book[1]]
    spot, taken = header.index(export.MANIFEST_SPOT), header.index(export.MANIFEST_TAKEN)
    cells = {line[spot].value: line[taken] for line in book.iter_rows(min_row=2)}
    assert {number: cells[number].value for number in times} == {
        number: expected for number, (_, expected) in times.items()
    }
    for number in ("S1", "S2"):
        assert cells[number].is_date and cells[number].number_format == "yyyy-mm-dd hh:mm:ss"
    assert cells["S3"].data_type == "s"
    # The CSV, for scripts, keeps the ledger's ISO text as it was.
    manifest = {m[export.MANIFEST_SPOT]: m for m in csv.DictReader(io.StringIO(text))}
    assert manifest["S1"][export.MANIFEST_TAKEN] == "2026-11-10T00:20:00+08:00"
    check_workbook(tmp_path / "manifest.xlsx")


def test_long_digit_strings_survive_excel_in_the_manifest_and_the_ledger_sheet(tmp_path):
    """Excel opens a CSV guessing types: a 14-digit spot number shows as 3.70302E+13 and, saved,
    loses its last digits; a hash of digits and one e reads as a power of ten. manifest.csv stays
    plain, for the scripts that check the zip with it, and reads back exactly; manifest.xlsx,
    beside it, holds the numbers and hashes as text and the sizes and GPS as numbers; the
    verification ledger's spot numbers are text too."""
    import types

    numbers = ["37030220250001", "0370302202500012345", "370302"]
    hashes = ["1" * 63 + "0", "12e34" + "5" * 59, hashlib.sha256(b"x").hexdigest()]
    root = tmp_path / "evidence"
    rows, stored = [], []
    for index, (number, digest) in enumerate(zip(numbers, hashes), start=1):
        (root / number).mkdir(parents=True)
        (root / number / "p.jpg").write_bytes(b"photo %d" % index)
        record = ledger.EvidenceRecord(
            ls.EVIDENCE_PHOTO, f"{number}/p.jpg", digest, 7, gps_lon=117.1234567, gps_lat=36.5
        )
        rows.append(export.ExportRow(index, number, "2026Q1", None, {}, [record]))
        stored.append(record)
    store = types.SimpleNamespace(evidence_dir=root)
    result = export.write_evidence_zip(tmp_path / "e.zip", store, rows)
    with zipfile.ZipFile(result.path) as archive:
        text = archive.read(export.MANIFEST_NAME).decode("utf-8-sig")
        (tmp_path / "manifest.xlsx").write_bytes(archive.read(export.MANIFEST_XLSX_NAME))
    manifest = list(csv.DictReader(io.StringIO(text)))
    assert [m[export.MANIFEST_SPOT] for m in manifest] == numbers
    assert [m[export.MANIFEST_RECORDED_SHA256] for m in manifest] == hashes
    assert '="' not in text  # a plain CSV: no formula around a value
    book = openpyxl.load_workbook(tmp_path / "manifest.xlsx").active
    header = [cell.value for cell in book[1]]
    assert header == list(export.MANIFEST_COLUMNS)
    spot, recorded = (
        header.index(export.MANIFEST_SPOT),
        header.index(export.MANIFEST_RECORDED_SHA256),
    )
    size, lon = header.index(export.MANIFEST_SIZE), header.index(export.MANIFEST_LON)
    lines = list(book.iter_rows(min_row=2))
    assert [(line[spot].value, line[spot].data_type) for line in lines] == [
        (number, "s") for number in numbers
    ]
    assert [(line[recorded].value, line[recorded].data_type) for line in lines] == [
        (digest, "s") for digest in hashes
    ]
    assert [(line[size].value, line[size].data_type) for line in lines] == [(7, "n")] * 3
    assert lines[0][lon].value == 117.1234567 and lines[0][lon].number_format == "0.0000000"
    check_workbook(tmp_path / "manifest.xlsx")
    # The ledger sheet of the package: the spot number is text, all its digits there.
    sheet = openpyxl.load_workbook(
        export.write_xlsx(
            tmp_path / "v.xlsx", _one_spot_rows(tmp_path, {domain.SPOT_NUMBER: numbers[1]})
        )
    ).active
    cells = [cell for cell in sheet[3] if cell.value == numbers[1]]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_a_spot_number_of_exactly_a_dbf_fields_bytes_is_written(tmp_path):
    """254 bytes fit a DBF text field whole; 255 do not."""
    fits = export.ExportRow(1, "A" * 254, "b", None, {domain.SPOT_NUMBER: "A" * 254})
    export.check_shapefile([fits], "UTF-8")
    over = export.ExportRow(1, "A" * 255, "b", None, {domain.SPOT_NUMBER: "A" * 255})
    with pytest.raises(export.ExportError):
        export.check_shapefile([over], "UTF-8")


def test_a_case_the_ledger_cannot_read_is_said_in_the_export_log(field_ledger, tmp_path):
    """A case row written by hand (no events) cannot be read: the export goes on, its spot's
    stop order, case number and stage going out empty, and the log says which case, so the
    empty columns are not read as 'no case'."""
    import sqlite3

    folder = tmp_path / "ledger"
    shutil.copytree(field_ledger.parent, folder)
    path = folder / field_ledger.name
    with ledger.GeoPackageLedger(path, create=False) as store:
        judged = store.spots()[0].id
    with sqlite3.connect(path) as connection:
        bare = connection.execute(
            f"INSERT INTO {ls.T_CASES} ({ls.C_ORIGIN}, {ls.C_SPOT_ID}, {ls.C_OFFICE}, "
            f"{ls.C_TOWN}, {ls.C_OPENED_AT}, {ls.C_RECORDED_AT}) "
            "VALUES ('spot', ?, '南郊自然资源所', '南郊镇', '2024-03-02', '2024-03-02T00:00:00Z')",
            (judged,),
        ).lastrowid
    feedback = warning_log()
    result = run_export(path, tmp_path / "out", feedback=feedback)
    assert result  # the export went on
    said = [line for line in feedback.lines if f"case {bare}" in line]
    assert len(said) == 1 and "no events" in said[0], feedback.lines


def test_a_file_that_cannot_be_replaced_leaves_the_earlier_package_whole(
    provider, field_ledger, tmp_path, monkeypatch
):
    """Review: the package was moved in a file at a time, the earlier sheets removed first, so
    an XLSX open in Excel (Windows refuses to replace it) left this run's zip and GeoPackage
    beside the earlier run's XLSX, and the earlier sheets gone. All or nothing now."""
    import pathlib

    from qgis.core import QgsProcessingException

    folder = tmp_path / "package"
    run_export(field_ledger, folder, WITH_PDF=True)
    before = folder_state(folder)
    plain = pathlib.Path.replace

    def replace(self, target):
        if pathlib.Path(target).name == "verification.xlsx":  # open in Excel
            raise PermissionError(13, "Permission denied")
        return plain(self, target)

    monkeypatch.setattr(pathlib.Path, "replace", replace)
    with pytest.raises(QgsProcessingException, match="verification.xlsx"):
        run_export(field_ledger, folder, WITH_PDF=False)
    assert folder_state(folder) == before
    monkeypatch.setattr(pathlib.Path, "replace", plain)
    run_export(field_ledger, folder, WITH_PDF=False)  # closed: the export goes through
    assert not (folder / "verification_sheets.pdf").exists()


def start_log():
    """A Processing feedback that keeps what the algorithm logs and cancels the export once
    it has said how many sheets it will make: what is said at the start, without the work."""
    from qgis.core import QgsProcessingFeedback

    class StartLog(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, text):  # noqa: N802 - QGIS API
            self.lines.append(text)
            if "verification sheets (PDF pages)" in text:
                self.cancel()

        def pushWarning(self, text):  # noqa: N802 - QGIS API
            self.lines.append(text)

    return StartLog()


@pytest.mark.parametrize(("verdicts", "sheets_for"), [(1, 0), (1, 1), (3, 0)])
def test_the_log_says_at_the_start_how_many_sheets_and_how_to_make_fewer(
    provider, screened, tmp_path, verdicts, sheets_for
):
    """A batch mostly not yet verified printed a blank sheet for each spot, for minutes, and
    the log said how many only once it was printing them: it says so first, and, when most
    sheets are of spots not yet verified, which parameter makes the verified spots' only."""
    from zc_enforcement_plugin.processing.export_verification import (
        SHEETS_NAME,
        ExportVerification,
    )

    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        store.import_batch(BATCH, screened)
        spots = store.spots()
        for spot in spots[:verdicts]:
            verdict = ledger.Verdict(ls.VERDICT_OTHER, "设施农用地", "李四", clock.today())
            store.record_verdict(spot.id, verdict)
        path = store.path
    log = start_log()
    run_export(path, tmp_path / "out", feedback=log, WITH_PDF=True, SHEETS_FOR=sheets_for)
    every_spot = sheets_for == ExportVerification.SHEETS_FOR_EVERY_SPOT
    sheets, unverified = (len(spots), len(spots) - verdicts) if every_spot else (verdicts, 0)
    said = [line for line in log.lines if "verification sheets (PDF pages)" in line]
    assert said == [
        f"{sheets} verification sheets (PDF pages) will be made, {unverified} of them for "
        "spots not yet verified."
    ], log.lines
    algorithm = ExportVerification()
    algorithm.initAlgorithm()
    parameter = algorithm.parameterDefinition(ExportVerification.SHEETS_FOR)
    hint = [line for line in log.lines if parameter.description() in line]
    if 2 * unverified > sheets:
        assert len(hint) == 1 and parameter.options()[1] in hint[0], log.lines
    else:
        assert hint == [], log.lines
    assert not (tmp_path / "out" / SHEETS_NAME).exists()  # cancelled once it was said


# A cell holding both languages, "中文 / English": Latin words on one side of the separator
# (as tests/test_reports.py reads a report's workbook).
_PAIR = re.compile(r"[A-Za-z]{2,}[^/]* / |\s/\s[^/]*[A-Za-z]{2,}")


def _texts_in_both_languages(book) -> list[str]:
    """Every sheet name, header and cell of ``book`` that holds a "中文 / English" pair or a
    Latin word beside the Chinese of a sheet's name (排名 Ranking)."""
    said = [name for name in book.sheetnames if re.search("[A-Za-z]", name)]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and _PAIR.search(cell.value):
                    said.append(f"{sheet.title}!{cell.coordinate}: {cell.value}")
    return said


def test_every_cell_of_the_exports_workbooks_is_in_chinese_alone(qgis_app, tmp_path):
    """The report workbooks showed pairs (合计 / district) in their cells: the export's two
    workbooks, verification.xlsx and the evidence zip's manifest.xlsx, are read the same way,
    with a spot of each verdict, a case, a photo zipped and one missing: every sheet, header
    and cell in Chinese alone (a header's English is its note, which check_workbook reads)."""
    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage

    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    x, y = 39_580_000.0, 4_050_000.0
    numbers = ("S1", "S2", "S3", "S4")
    store.import_batch(
        BATCH,
        [
            ledger.SpotRecord(
                {domain.SPOT_NUMBER: n, domain.TOWN_NAME: TOWN, domain.OFFICE_NAME: OFFICE},
                box(x + 20 * i, y, x + 20 * i + 9, y + 9),
            )
            for i, n in enumerate(numbers)
        ],
    )
    ids = {s.number: s.id for s in store.spots()}
    verdicts = {
        "S1": ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "李工", "2025-09-01", note=NOTE),
        "S2": ledger.Verdict(
            ls.VERDICT_LEGAL, "农转用", "李工", "2025-09-01", approval_number="鲁政土字〔2025〕1号"
        ),
        "S3": ledger.Verdict(ls.VERDICT_OTHER, "设施农用地", "李工", "2025-09-01"),
    }
    for number, verdict in verdicts.items():
        store.record_verdict(ids[number], verdict)
    case = store.open_case(ORIGIN_SPOT, spot_id=ids["S1"])
    for stage, day in ((Stage.VERIFY, 2), (Stage.STOP, 3)):
        store.add_case_event(case, CaseEvent(case, stage, dt.date(2025, 9, day), "李工"))
    for index, name in enumerate(("现场.jpg", "缺失.jpg")):
        path = make_photo(tmp_path / name, ("#88aa66", "#aa8866")[index], name)
        record = evidence.store_evidence_file(store.path, "S1", path, ls.EVIDENCE_PHOTO)
        store.add_evidence(ids["S1"], record)
    (store.evidence_dir / record.path).unlink()  # the second: missing when zipped
    rows = export.verification_rows(store)
    zipped = export.write_evidence_zip(tmp_path / "evidence.zip", store, rows)
    store.close()
    assert [p.problem for p in zipped.problems] == [evidence.FILE_MISSING]
    verification = export.write_xlsx(tmp_path / "verification.xlsx", rows)
    with zipfile.ZipFile(zipped.path) as archive:
        (tmp_path / "manifest.xlsx").write_bytes(archive.read(export.MANIFEST_XLSX_NAME))
    for path in (verification, tmp_path / "manifest.xlsx"):
        book = openpyxl.load_workbook(path)
        assert not _texts_in_both_languages(book), _texts_in_both_languages(book)
        check_workbook(path)  # headers in Chinese, the English in their notes
    cells = [
        c.value for row in openpyxl.load_workbook(verification).active.iter_rows() for c in row
    ]
    assert {"违法", "合法", "其他", "是", "制止", "已核查", "未核查", "合计"} <= set(cells)
    manifest = list(openpyxl.load_workbook(tmp_path / "manifest.xlsx").active.values)
    column = manifest[0].index(export.MANIFEST_CHECK)
    assert {row[column] for row in manifest[1:]} == {export.CHECK_OK, export.CHECK_MISSING}


def test_a_screened_delivery_missing_a_key_result_is_said_once_and_a_whole_one_is_not(
    screened, tmp_path
):
    """A screened file whose SFXS column was deleted imported every spot's referral flag empty
    without a word. A whole screened file gives neither that warning nor one of a land split
    not adding up (screening's split adds up to TBMJ by construction)."""
    store = ledger.GeoPackageLedger(tmp_path / "whole.gpkg")
    report = store.import_batch("whole", [copy.deepcopy(r) for r in screened])
    store.close()
    assert report.ok
    assert not [w for w in report.warnings if "lack these fields" in w.message], report.warnings
    assert not [w for w in report.warnings if "land split" in w.message], report.warnings

    records = [copy.deepcopy(r) for r in screened]
    for record in records:
        del record.attributes[domain.CRIMINAL_FLAG]
    store = ledger.GeoPackageLedger(tmp_path / "edited.gpkg")
    report = store.import_batch("edited", records)
    store.close()
    [said] = [w for w in report.warnings if "lack these fields" in w.message]
    assert said.field == domain.CRIMINAL_FLAG and said.number is None


def test_an_export_of_another_batch_into_the_folder_says_which_export_it_replaces(
    provider, screened, tmp_path
):
    """The mining batch exported into the folder of the quarter's export replaced its
    GeoPackage, Shapefile, workbook and zip without a word (found by a review): said, naming
    the batch and the spots replaced. Exported again, the same batch says nothing of it."""
    store = ledger.GeoPackageLedger(tmp_path / "ledger.gpkg")
    quarter = [copy.deepcopy(r) for r in screened[:3]]
    mining = [copy.deepcopy(r) for r in screened[3:5]]
    for record in mining:
        record.attributes[domain.SPOT_NUMBER] = "M" + str(record.attributes[domain.SPOT_NUMBER])
    assert store.import_batch(BATCH, quarter).ok and store.import_batch("矿产专项", mining).ok
    store.close()
    out = tmp_path / "out"
    first = warning_log()
    run_export(tmp_path / "ledger.gpkg", out, feedback=first, BATCH=BATCH)
    assert not [line for line in first.lines if "held an export" in line]
    again = warning_log()
    run_export(tmp_path / "ledger.gpkg", out, feedback=again, BATCH=BATCH)
    assert not [line for line in again.lines if "held an export" in line]
    other = warning_log()
    run_export(tmp_path / "ledger.gpkg", out, feedback=other, BATCH="矿产专项")
    [said] = [line for line in other.lines if "held an export" in line]
    assert BATCH in said and "(3 spots)" in said and "矿产专项" in said


def test_the_sheet_says_an_illegal_act_was_not_stopped_and_of_other_verdicts_nothing(
    provider, screened, tmp_path
):
    """The sheet said 已下达 when a stop order was issued and nothing when the verifier said
    none was, which read as unsaid (found by a review): an illegal act not stopped is said so;
    a legal verdict, where no order applies, says nothing of it."""
    store = build_ledger(tmp_path / "ledger", [copy.deepcopy(r) for r in screened[:3]])
    spots = store.spots()
    illegal, legal = spots[0], spots[1]
    store.record_verdict(
        illegal.id,
        ledger.Verdict(
            ls.VERDICT_ILLEGAL,
            "未报即用",
            "张三",
            clock.today(),
            details={ls.DETAIL_ACTUAL_USE: "厂房", ls.DETAIL_STOP_ORDER: False},
        ),
    )
    store.record_verdict(
        legal.id,
        ledger.Verdict(
            ls.VERDICT_LEGAL,
            "农转用",
            "李四",
            clock.today(),
            approval_number="鲁政土字〔2025〕12号",
            details={ls.DETAIL_ACTUAL_USE: "仓库", ls.DETAIL_STOP_ORDER: False},
        ),
    )
    path = store.path
    store.close()
    result = run_export(path, tmp_path / "out", WITH_PDF=True)
    pages = pdf_pages_text(result["PDF"])
    assert "实际用途厂房（未下达责令停止通知书）" in pages[sheet_page(pages, illegal.number) - 1]
    on_legal = pages[sheet_page(pages, legal.number) - 1]
    assert "实际用途仓库" in on_legal and "责令停止" not in on_legal
