"""Reading a delivered spot file (Shapefile or GeoPackage) into SpotRecords: encodings (.cpg, GBK
without .cpg), CRS and the checks that name the file, feature and field. Also the rules shared
with the ledger and the Processing readers: require_sqlite (is the file what it claims) and
misdecoding_reason, misdecoding_halves / utf8_read_as_gbk_field / has_cjk (does text look
mis-decoded)."""

from __future__ import annotations

import math
import os
import re
import struct
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import shape

from . import ledger_schema as ls
from . import reproject, shapefile_parts
from .ledger_records import ImportIssue, ReadReport, SpotFileError, SpotRecord

# Largest gap between an arc and the straight segments that follow it, in a file's units:
# 0.01 mm (1e-10° in latitude and longitude). GEOS reads no arcs, so a curved spot is straightened
# before anything is measured or stored: screening so (QGIS's segmentize, processing/layer_reader)
# measures TBMJ, and the ledger's import so stores the outline the dock, $area and the export
# show. GDAL's default of 4° steps leaves a circle of 20 m radius 1 m² short of its TBMJ.
ARC_SAG_M = 1e-5
ARC_SAG_DEGREES = 1e-10
_DBF_CANDIDATES = ("UTF-8", "GBK", "GB18030")
_DBF_SAMPLE = 2000  # non-ASCII texts read to tell a DBF's encoding
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _straighten_curves(path: Path, layer: str, records: list[SpotRecord], geographic: bool):
    """Each record read from a curved feature (a GeoPackage's CurvePolygon or MultiSurface)
    given its arcs straightened to within ARC_SAG_M (ARC_SAG_DEGREES in a geographic layer).
    fiona hands a curve over straightened by GDAL in steps of one angle, whose gap from the arc
    grows with the radius; OGR_ARC_MAX_GAP, which would bound it, strokes no GeoPackage curve
    (a 120° arc of 400 m radius came out 0.11 m² short). So the step is chosen here, for the
    largest arc of each feature, as QGIS's segmentize chooses it for screening. (GDAL steps no
    finer than 0.01°: an arc of over 2.6 km radius, larger than any spot, strays further.)"""
    from osgeo import ogr  # GDAL's own bindings, which fiona wraps

    dataset = ogr.Open(str(path))
    source = None if dataset is None else dataset.GetLayerByName(layer)
    if source is None:
        return
    declared = source.GetGeomType()
    if not ogr.GT_IsNonLinear(declared) and ogr.GT_Flatten(declared) != ogr.wkbUnknown:
        return  # a layer of plain polygons (every Shapefile) holds no arc
    sag = ARC_SAG_DEGREES if geographic else ARC_SAG_M
    by_feature = {record.source_index: record for record in records}
    for feature in source:
        geometry = feature.GetGeometryRef()
        record = by_feature.get(feature.GetFID())
        if geometry is None or record is None or not geometry.HasCurveGeometry():
            continue
        step = _arc_step_degrees(_largest_arc_radius(geometry), sag)
        record.geometry = shapely.from_wkb(bytes(geometry.GetLinearGeometry(step).ExportToIsoWkb()))


def _arc_step_degrees(radius: float, sag: float) -> float:
    """The angle of the steps that keep an arc of `radius` within `sag` of its chords: a step
    of angle θ strays r(1 − cos θ/2) from the arc. Smaller arcs of the feature stray less."""
    if radius <= sag:
        return 4.0  # GDAL's own step: no arc of the feature strays as far as the sag
    return math.degrees(2 * math.acos(1 - sag / radius))


def _largest_arc_radius(geometry) -> float:
    """The radius of the largest circular arc in an OGR geometry (0 when it has none)."""
    from osgeo import ogr

    if ogr.GT_Flatten(geometry.GetGeometryType()) != ogr.wkbCircularString:
        parts = (geometry.GetGeometryRef(i) for i in range(geometry.GetGeometryCount()))
        return max((_largest_arc_radius(part) for part in parts), default=0.0)
    points = [point[:2] for point in geometry.GetPoints() or []]
    # A circular string chains arcs of three points each, the last of one the first of the next.
    arcs = (points[i : i + 3] for i in range(0, len(points) - 2, 2))
    return max((_arc_radius(*arc) for arc in arcs), default=0.0)


def _arc_radius(start, middle, end) -> float:
    """The radius of the circle through an arc's three points: a whole circle when it ends
    where it starts; 0 for three points in a line, which GDAL draws as one."""
    if start == end:
        return math.dist(start, middle) / 2
    a, b, c = math.dist(start, middle), math.dist(middle, end), math.dist(start, end)
    twice_area = abs(
        (middle[0] - start[0]) * (end[1] - start[1]) - (end[0] - start[0]) * (middle[1] - start[1])
    )
    return 0.0 if twice_area == 0 else a * b * c / (2 * twice_area)


def require_sqlite(path: Path, what: str, what_en: str | None = None) -> None:
    """Refuse a file that claims to be a GeoPackage (a delivery or a ledger) but is not SQLite.
    `what` names it in Chinese, `what_en` in English (else `what`): each half of the message
    in its own language, so that a Chinese interface shows the Chinese half alone."""
    with open(path, "rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise SpotFileError(
            f"{path} 不是{what}文件（不是 SQLite 数据库） / {path} is not a {what_en or what} "
            "file (not an SQLite database)"
        )


def guess_dbf_encoding(dbf_path: str | os.PathLike) -> tuple[str | None, int]:
    """(encoding, fields that fail to decode with it) of a DBF's text, by strict decoding.

    UTF-8 is tried first (strict UTF-8 almost never accepts GBK bytes), then GBK, then GB18030.
    None when the text is plain ASCII, where the encoding does not matter.
    """
    data = Path(dbf_path).read_bytes()
    if len(data) < 32:
        raise SpotFileError(f"{dbf_path} 不是有效的 DBF 文件 / is not a valid DBF file (too short)")
    records, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[bytes, int]] = []  # (name, width)
    position = 32
    while position + 32 <= header_length and data[position] != 0x0D:
        fields.append((data[position : position + 11].split(b"\x00")[0], data[position + 16]))
        position += 32
    chunks = [name for name, _ in fields if not name.isascii()]
    # A sample is enough to tell the encoding, and every Shapefile a run is given is looked at:
    # records of plain ASCII are skipped at C speed, and the search stops at _DBF_SAMPLE texts.
    for record in range(records):
        if len(chunks) >= _DBF_SAMPLE:
            break
        offset = header_length + record * record_length + 1  # skip the deletion flag
        if data[offset : offset + record_length - 1].isascii():
            continue
        for _, width in fields:
            chunk = data[offset : offset + width].rstrip(b" \x00")
            if not chunk.isascii():
                chunks.append(chunk)
            offset += width
    if not chunks:
        return None, 0
    best: tuple[str | None, int] = (None, len(chunks) + 1)
    for encoding in _DBF_CANDIDATES:
        failures = 0
        for chunk in chunks:
            try:
                chunk.decode(encoding)
            except UnicodeDecodeError:
                failures += 1
        if failures < best[1]:
            best = (encoding, failures)
        if failures == 0:
            break
    return best


def undecodable_texts(
    dbf_path: str | os.PathLike, encoding: str, limit: int = 5
) -> list[tuple[int | None, str]]:
    """(feature index, field name) of the first ``limit`` texts of a DBF that do not decode in
    ``encoding`` (a GBK character cut in half by a field's width): read so, the half is lost,
    and the reader is told where to look. A field name that does not decode comes first, its
    feature index None."""
    data = Path(dbf_path).read_bytes()
    records, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    found: list[tuple[int | None, str]] = []
    position = 32
    while position + 32 <= header_length and data[position] != 0x0D:
        name = data[position : position + 11].split(b"\x00")[0]
        try:
            name.decode(encoding)
        except UnicodeDecodeError:
            found.append((None, name.decode(encoding, "replace")))
        fields.append((name.decode(encoding, "replace"), data[position + 16]))
        position += 32
    if len(found) >= limit:
        return found[:limit]
    for record in range(records):
        offset = header_length + record * record_length + 1  # past the deletion flag
        if data[offset : offset + record_length - 1].isascii():
            continue
        for name, width in fields:
            chunk = data[offset : offset + width].rstrip(b" \x00")
            offset += width
            try:
                chunk.decode(encoding)
            except UnicodeDecodeError:
                found.append((record, name))
                if len(found) >= limit:
                    return found
    return found


def guessed_shapefile_encoding(path: str | os.PathLike) -> tuple[str, str] | None:
    """(encoding, the note that says it was guessed) of a Shapefile without .cpg whose text is
    not plain ASCII: the encoding its DBF bytes decode in. None when a .cpg names the encoding,
    or the text is ASCII (any encoding reads it), or there is no readable DBF.

    Deliveries come from Chinese Windows tools that write GBK and often no .cpg; read in
    another encoding, their Chinese is lost for good (U+FFFD)."""
    path = Path(path)
    dbf = shapefile_parts.side_file(path, ".dbf")
    if shapefile_parts.side_file(path, ".cpg") is not None or dbf is None:
        return None
    try:
        guessed, failures = guess_dbf_encoding(dbf)
    except (OSError, struct.error, SpotFileError):
        return None  # not a DBF that can be read: the reader says so
    if guessed is None:
        return None
    # Each half says the doubt in its own language: a "中文 / English" pair inside the
    # Chinese half left its English in what a Chinese QGIS shows.
    doubt_zh = doubt_en = ""
    if failures:
        # Where: a character such a text cuts in half is lost from what is read.
        where = undecodable_texts(dbf, guessed)
        named = "、".join(
            f"字段名 {name}" if record is None else f"要素 #{record} 字段 {name}"
            for record, name in where
        )
        named_en = ", ".join(
            f"field name {name}" if record is None else f"feature #{record} field {name}"
            for record, name in where
        )
        if not where:  # found by the guess, not again: its count at least
            named, named_en = f"{failures} 处", f"{failures} texts"
        doubt_zh = f"（有文字仍无法解码，其中不成字的字节读时丢弃：{named}）"
        doubt_en = (
            f" (some text still does not decode, its broken bytes dropped as it is read: "
            f"{named_en})"
        )
    return guessed, (
        f"{dbf} 没有 .cpg 文件，属性编码推测为 {guessed}{doubt_zh} / {dbf} has no "
        f".cpg file: attribute encoding guessed as {guessed}{doubt_en}"
    )


def _require_shapefile(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(100)
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        raise SpotFileError(
            f"{path} 不是 Shapefile（文件头无效）/ {path} is not a Shapefile (bad file header)"
        )
    if shapefile_parts.side_file(path, ".dbf") is None:
        raise SpotFileError(f"{path} 缺少 .dbf 文件 / the Shapefile {path} has no .dbf file")
    short = shapefile_parts.cut_short(path)
    if short is not None:
        raise SpotFileError(
            f"{short.file} 不完整：文件头记载 {short.expected} 字节，实有 {short.actual} 字节，"
            f"请从来源重新复制整套 Shapefile / {short.file} is cut short: its header says "
            f"{short.expected} bytes, the file has {short.actual}; copy the whole Shapefile "
            "again from where it came"
        )


def read_spot_file(
    path: str | os.PathLike, layer: str | None = None, encoding: str | None = None
) -> tuple[list[SpotRecord], ReadReport]:
    """Read screened (or delivered) spots from a Shapefile or GeoPackage, in EPSG:4527.

    A Shapefile without .cpg gets its encoding guessed from the DBF bytes, and the report says
    so. Other CRSs are transformed (and reported); a file without CRS is refused.
    """
    import fiona  # here, so the ledger itself works where fiona is not installed

    path = Path(path)
    report = ReadReport(path=str(path))
    if not path.is_file():
        raise SpotFileError(f"图斑文件不存在 / spot file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        require_sqlite(path, "GeoPackage")
    elif suffix == ".shp":
        _require_shapefile(path)
        cpg = shapefile_parts.side_file(path, ".cpg")
        if encoding is None and cpg is not None:
            # Read the .cpg here rather than trust GDAL to: inside QGIS the OGR provider turns
            # GDAL's own .cpg handling off for the whole process (SHAPE_ENCODING="").
            encoding = _cpg_encoding(cpg, report)
        guess = guessed_shapefile_encoding(path) if encoding is None else None
        if guess is not None:
            encoding, note = guess
            report.encoding_guessed = True
            report.warnings.append(ImportIssue(None, None, None, note))
    report.encoding = encoding
    try:
        layers = fiona.listlayers(str(path))
    except Exception as exc:  # fiona raises several driver errors
        raise SpotFileError(f"无法读取图斑文件 / cannot read spot file {path}: {exc}") from exc
    if layer is None:
        if len(layers) != 1:
            raise SpotFileError(
                f"{path} 含多个图层，请指定 / has several layers ({', '.join(layers)}): name one"
            )
        layer = layers[0]
    elif layer not in layers:
        raise SpotFileError(
            f"{path} 中没有图层 {layer} / has no layer {layer} ({', '.join(layers)})"
        )
    report.layer = layer
    options = {"encoding": encoding} if encoding else {}
    records: list[SpotRecord] = []
    try:
        with fiona.open(str(path), layer=layer, **options) as source:
            source_crs = _crs_to_transform(source.crs, path, report)
            for position, feature in enumerate(source):
                geometry = None if feature.geometry is None else shape(feature.geometry)
                # Reported as the feature id QGIS shows (a GeoPackage's fid starts at 1).
                index = int(feature.id) if str(feature.id).isdigit() else position
                records.append(SpotRecord(dict(feature.properties), geometry, index))
        geographic = CRS.from_user_input(report.source_crs).is_geographic
        _straighten_curves(path, layer, records, geographic)
        _refuse_misfits(records, CRS.from_user_input(report.source_crs), path)
        if source_crs is not None:
            _to_ledger_crs(records, source_crs, path)
    except SpotFileError:
        raise
    except Exception as exc:
        raise SpotFileError(f"无法读取图斑文件 / cannot read spot file {path}: {exc}") from exc
    return records, report


# Code pages a .cpg may name, as Python codecs (ESRI writes numbers, others names).
_CPG_CODECS = {"936": "gbk", "65001": "utf-8", "1252": "cp1252", "950": "big5", "54936": "gb18030"}


def _cpg_encoding(cpg: Path, report: ReadReport) -> str:
    """The encoding a .cpg names, as a codec Python knows; UTF-8 (with a warning) otherwise."""
    import codecs

    text = cpg.read_text(encoding="ascii", errors="replace").strip()
    name = _CPG_CODECS.get(text.upper().replace("CP", "").replace("ANSI ", ""), text)
    try:
        return codecs.lookup(name).name
    except LookupError:
        report.warnings.append(
            ImportIssue(
                None,
                None,
                None,
                f"{cpg} 写明的编码 {text!r} 无法识别，将按 UTF-8 读取 / {cpg} names an "
                f"unknown encoding {text!r}: read as UTF-8",
            )
        )
        # Named, not left to fiona: with no encoding given it reads such a file as Latin-1.
        return "utf-8"


def _crs_to_transform(crs, path: Path, report: ReadReport) -> CRS | None:
    """The file's CRS when its spots must be transformed to the ledger's, else None."""
    wkt = crs.to_wkt() if crs else ""
    # A GeoPackage written without a CRS says "Undefined geographic SRS" (srs_id 0) or
    # "Undefined Cartesian SRS" (-1): no CRS at all, not WGS 84 to transform from.
    source_crs = CRS.from_wkt(wkt) if wkt else None
    if source_crs is None or reproject.names_no_crs(source_crs.name):
        raise SpotFileError(
            f"{path} 没有坐标系，无法确定位置 / has no coordinate reference system: set it first"
        )
    report.source_crs = source_crs.to_string()
    if source_crs.to_epsg(min_confidence=70) == ls.LEDGER_SRS_ID:
        return None
    datum = reproject.guessed_datum(source_crs, CRS.from_epsg(ls.LEDGER_SRS_ID))
    if datum is not None:
        raise SpotFileError(
            f"{path} 的坐标系为 {source_crs.name}，其基准（{datum}）到 CGCS2000 没有已知转换，"
            f"只能粗略估计（可差数十米）：请先用本局的转换参数转换到 CGCS2000 / {path} is in "
            f"{source_crs.name}: PROJ knows no transformation from {datum} to CGCS2000, only a "
            "guess tens of metres off; convert it with the bureau's parameters first"
        )
    report.transformed = True
    report.warnings.append(
        ImportIssue(
            None,
            None,
            None,
            f"{path} 的坐标系为 {source_crs.name}，已转换为 EPSG:{ls.LEDGER_SRS_ID} / {path} is in "
            f"{source_crs.name}: transformed to EPSG:{ls.LEDGER_SRS_ID}",
        )
    )
    return source_crs


def _refuse_misfits(records: list[SpotRecord], crs: CRS, path: Path) -> None:
    """Stops, before anything is written, when spots' coordinates do not fit the file's CRS
    (reproject.misfits: the rule screening refuses such spots by), naming the file and the
    first of them: imported, they would be stored far from their land, and a refresh would
    overwrite the outlines the ledger holds with them."""
    geoms = np.empty(len(records), dtype=object)
    geoms[:] = [record.geometry for record in records]
    misfit = reproject.misfits(geoms, crs)
    if not len(misfit):
        return
    # Each half names the spots in its own language (see _spot_name).
    named_zh = "、".join(_spot_name(records[i], "要素", "（{}）") for i in misfit[:5])
    named_en = ", ".join(_spot_name(records[i], "feature", " ({})") for i in misfit[:5])
    x, y = shapely.bounds(geoms[misfit[0]])[:2]
    raise SpotFileError(
        f"{path} 中有 {len(misfit)} 个图斑的坐标与文件的坐标系 {crs.name} 不符（经纬度却标为投影"
        f"坐标系，或缺少、写错带号？），如 {named_zh}，第一个位于 x={x:.4f}, y={y:.4f}：请设置正确"
        f"的坐标系后再导入，台帐未作改动 / {len(misfit)} spots of {path} do not fit its CRS "
        f"{crs.name} (longitude and latitude under a projected CRS, or a missing or wrong zone "
        f"prefix?), e.g. {named_en}, the first at x={x:.4f}, y={y:.4f}: set the file's right "
        "CRS and import again; the ledger is unchanged"
    )


def _spot_name(record: SpotRecord, feature_word: str, bracket: str) -> str:
    """A spot as a report names it in one language: its number and feature (the feature in
    ``bracket``), or the feature alone. One language a call: a "要素 / feature" pair put in
    the Chinese half of a message left its English in what a Chinese QGIS shows."""
    feature = f"{feature_word} {record.source_index}"
    number = "" if record.number is None else str(record.number).strip()
    return f"{number}{bracket.format(feature)}" if number else feature


def _to_ledger_crs(records: list[SpotRecord], source_crs: CRS, path: Path) -> None:
    """Every record's geometry in the ledger CRS, in one pass, as a spot layer read in QGIS
    gets it (core.reproject: edges keep their shape)."""
    geoms = np.empty(len(records), dtype=object)
    geoms[:] = [record.geometry for record in records]
    moved, failed, _ = reproject.to_crs(geoms, source_crs, CRS.from_epsg(ls.LEDGER_SRS_ID))
    if len(failed):
        raise SpotFileError(
            f"{path} 中有 {len(failed)} 个图斑的坐标无法转换到 EPSG:{ls.LEDGER_SRS_ID}（例如要素 "
            f"{records[failed[0]].source_index}） / {len(failed)} spots cannot be transformed to "
            f"EPSG:{ls.LEDGER_SRS_ID}, e.g. feature {records[failed[0]].source_index}"
        )
    for record, geometry in zip(records, moved.tolist()):
        record.geometry = geometry


# CJK Unified Ideographs and Extension A (U+3400–U+4DBF, which GB18030 encodes and some village
# names are written with: 㐀, 䶵): the Chinese characters a decoded text is judged by.
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    """True when the text holds a Chinese character, which mis-decoded GBK never does."""
    return _CJK.search(text) is not None


_HIGH_PAIR = re.compile(rb"[\x81-\xfe][\x80-\xfe]")


def _paired_high_bytes(raw: bytes) -> bool:
    """Whether two non-ASCII bytes ever stand together, as in nearly every Chinese character in
    GBK (淄川 is D7 CD B4 A8; only rare ones end in an ASCII byte: 镕 is E9 46). The accents of
    Latin text stand alone between letters (Zürich, crème) and would otherwise decode as GBK."""
    return _HIGH_PAIR.search(raw) is not None


def utf8_read_as_gbk(text: str, gbk_bytes: Callable[[str], bytes] | None = None) -> str | None:
    """What a text reads as when it is UTF-8 bytes that were decoded as GBK (a UTF-8 file with
    a .cpg saying 936: 淄川区 comes out as 娣勫窛鍖), or None when it cannot be that. Real
    Chinese can pass by chance, a few characters in 10,000: judge a whole field, not one text.
    gbk_bytes: the GBK encoder of whoever decoded the text (QGIS's own maps bytes Python's
    codec refuses, 0x80 as €, unpaired ones to private-use characters); Python's by default.
    """
    if text.isascii():
        return None
    # An odd byte count leaves a last byte GBK could not pair: dropped, or shown as ? or U+FFFD.
    try:
        raw = (gbk_bytes or (lambda t: t.encode("gbk")))(text.rstrip("?\ufffd"))
    except UnicodeEncodeError:
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as cut:
        if cut.start < len(raw) - 2 or cut.reason != "unexpected end of data":
            return None  # broken inside, not only at the end: not UTF-8
        decoded = raw[: cut.start].decode("utf-8", errors="strict")
    return decoded if decoded != text and has_cjk(decoded) else None


def utf8_read_as_gbk_field(
    texts: Iterable[str], gbk_bytes: Callable[[str], bytes] | None = None
) -> dict[str, str]:
    """{text: what it reads as} of a field's distinct texts when the field, judged as a whole,
    looks like UTF-8 read as GBK, else {}. The one rule screening and the ledger's import both
    judge a field by: at least half of its texts holding Chinese read back as UTF-8 (those of
    an odd byte count lose their last byte and may not), which real Chinese does only by rare
    chance, a few texts in 10,000. gbk_bytes as for utf8_read_as_gbk."""
    chinese = {text for text in texts if has_cjk(text)}
    as_utf8 = {text: utf8_read_as_gbk(text, gbk_bytes) for text in chinese}
    as_utf8 = {text: back for text, back in as_utf8.items() if back}
    return as_utf8 if chinese and len(as_utf8) * 2 >= len(chinese) else {}


def misdecoding_reason(text: str) -> str | None:
    """Why a text looks mis-decoded (mojibake), "中文 / English", or None when it looks fine."""
    reason = misdecoding_halves(text)
    return None if reason is None else f"{reason[0]} / {reason[1]}"


def misdecoding_halves(text: str) -> tuple[str, str] | None:
    """Why a text looks mis-decoded, in Chinese and in English apart (for a message of its own
    to put each in its half), or None when it looks fine."""
    if text.isascii():
        return None  # codes, numbers, ids: the common case, decided without a scan
    if "\ufffd" in text:
        return "含替换字符 U+FFFD", "contains the replacement character U+FFFD"
    if "锟斤拷" in text:
        return "含“锟斤拷”（UTF-8 替换字符按 GBK 读出）", "contains 锟斤拷 (U+FFFD read as GBK)"
    # GBK or UTF-8 bytes read as Latin-1 / CP1252: only single-byte characters, of which at least
    # two (a Chinese character is two or three bytes) are high, and the bytes decode to Chinese.
    if sum(1 for char in text if ord(char) >= 0x80) < 2:
        return None
    for single_byte in ("latin-1", "cp1252"):
        try:
            raw = text.encode(single_byte)
        except UnicodeEncodeError:
            continue
        for encoding in ("utf-8", "gbk"):
            if encoding == "gbk" and not _paired_high_bytes(raw):
                continue  # Latin text: its accents stand alone (Zürich), GBK's come in pairs
            try:
                decoded = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if has_cjk(decoded):
                return (
                    f"疑似 {encoding.upper()} 字节被按 {single_byte} 读出（应为“{decoded}”）",
                    f"looks like {encoding.upper()} bytes read as {single_byte} "
                    f"(would read {decoded!r})",
                )
    return None
