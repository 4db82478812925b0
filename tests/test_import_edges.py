"""Importing a delivery at its edges: areas of zero, a spot number delivered as a Real, the
"more than half" and "five by spot" boundaries of numbers another batch holds, Shapefile
encodings that strict decoding alone tells apart (an even byte count, a text filling its
field, a tie), the whole-field rule for UTF-8 read as GBK, and importspots re-run on a batch
with refused spots or given one layer of a GeoPackage. Each test was written for a mutant
that survived the suite (named in its docstring); every expected value is worked out by hand.

Spot files and records come from the helpers of tests/test_ledger.py and
tests/test_import_spots.py, imported rather than copied."""

from __future__ import annotations

import struct
from pathlib import Path

import fiona
import pytest
from shapely.geometry import box

from tests.geodesy import geodesic_area
from tests.test_import_spots import Log, recorded, run, spot_file
from tests.test_ledger import X0, Y0, _spot, _write_spot_file
from tests.test_ledger import ledger as ledger  # noqa: F401 - the fixture, used by name
from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.core.ledger import LedgerError, SpotRecord
from zc_enforcement_plugin.core.ledger_delivery import LAND_SPLIT, vet_spots
from zc_enforcement_plugin.core.ledger_records import ImportReport
from zc_enforcement_plugin.core.spot_files import (
    guess_dbf_encoding,
    guessed_shapefile_encoding,
    misdecoding_reason,
    read_spot_file,
    utf8_read_as_gbk_field,
)

# --- figures -----------------------------------------------------------------------------------


def test_areas_of_zero_are_stored_as_zero_and_not_said():
    """A spot on no cultivated land and no basic farmland is delivered GDMJ 0.0 and
    YJJBNTMJ 0 (an Integer field): both are areas a spot can have, stored as 0.0 beside its
    TBMJ 500.0, with no warning. (Killed: L13, zero taken for an impossible figure, left out
    of the column and reported.)"""
    attributes = {
        domain.SPOT_NUMBER: "0001",
        domain.SPOT_AREA: 500.0,
        domain.CULTIVATED_AREA: 0.0,
        domain.BASIC_FARMLAND_AREA: 0,
    }
    report = ImportReport("B")
    [vetted] = vet_spots([SpotRecord(attributes, box(X0, Y0, X0 + 20, Y0 + 25), 0)], report)
    assert vetted.figures[:3] == [500.0, 0.0, 0.0]
    assert all(isinstance(v, float) for v in vetted.figures[:3]), vetted.figures[:3]
    assert (report.warnings, report.errors) == ([], [])


def test_a_spot_area_that_is_not_its_outlines_is_said_naming_the_outlines_area():
    """A screened file whose figures were all divided by 10 by hand (the split still adds up):
    a 19-亩 spot at referral scale went into the ledger as 1.9 亩 without a word, and a
    verdict giving the land found on site was refused as larger than the spot. Imported as
    delivered and said, naming the outline's own area; a figure within a square metre, or a
    planar one, is its outline's."""
    outline = box(X0, Y0, X0 + 100, Y0 + 129.15)  # 12,915 m² on the plane
    true_area = geodesic_area(outline)
    split = {name: 0.0 for name in LAND_SPLIT}
    spots = []
    for number, area in (("SCALED", true_area / 10), ("OWN", true_area), ("PLANAR", 12915.0)):
        figures = {**split, domain.CULTIVATED_AREA: area, domain.SPOT_AREA: area}
        spots.append(SpotRecord({domain.SPOT_NUMBER: number, **figures}, outline, len(spots)))
    report = ImportReport("B")
    vet_spots(spots, report)
    [said] = [w for w in report.warnings if w.field == domain.SPOT_AREA]
    assert said.number == "SCALED", said
    assert f"{true_area / 10:.2f} m²" in said.message and f"{true_area:.2f} m²" in said.message


def test_a_spot_with_an_empty_geometry_is_said_as_one_without_geometry():
    """POLYGON EMPTY (a GeoPackage may hold one where another tool cleared a shape) went in
    without a word, where a NULL geometry is said: both are spots with no outline."""
    import shapely

    spots = [
        SpotRecord({domain.SPOT_NUMBER: "EMPTY"}, shapely.Polygon(), 0),
        SpotRecord({domain.SPOT_NUMBER: "NULL"}, None, 1),
    ]
    report = ImportReport("B")
    vet_spots(spots, report)
    said = {w.number: w.message for w in report.warnings if w.field == "geometry"}
    assert set(said) == {"EMPTY", "NULL"} and "empty" in said["EMPTY"], said


def test_a_spot_number_delivered_as_a_real_is_warned_of(ledger):  # noqa: F811
    """A JCBH column a spreadsheet turned into a Real field reads 370302202300001.0: the numbers
    were delivered as numbers, as with an Integer field, and the warning names the file and
    the feature as it was read. (Killed: L19, only Integer numbers warned of.)"""
    report = ledger.import_batch("b", [_spot(370302202300001.0, 0)], source="real.shp")
    [numeric] = [w for w in report.warnings if "holds numbers" in w.message]
    assert "real.shp" in numeric.message and "feature 0: 370302202300001.0" in numeric.message
    assert numeric.field == domain.SPOT_NUMBER and "数字字段" in numeric.message


def test_a_county_code_delivered_as_a_number_is_read_as_its_digits(ledger):  # noqa: F811
    """XZQDM in an Integer or Real field (370302, 370302.0) is the district's code: no warning;
    a Real 370303.0 is named as 370303, the neighbour's, and counted."""
    number = f"{domain.ZICHUAN_COUNTY_CODE}2026000"
    spots = [
        SpotRecord(
            {domain.SPOT_NUMBER: f"{number}{i}", domain.SPOT_COUNTY_CODE: code},
            box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20),
            i,
        )
        for i, code in enumerate((370302, 370302.0, 370303.0))
    ]
    report = ledger.import_batch("b", spots, source="jctb.shp")
    assert report.added == 3 and report.other_county == 1
    said = [(w.number, w.field) for w in report.warnings]
    assert (f"{number}2", domain.SPOT_COUNTY_CODE) in said, report.warnings
    assert (f"{number}2", domain.SPOT_NUMBER) in said, report.warnings  # 370302… is not 370303
    assert not [w for w in report.warnings if w.number in (f"{number}0", f"{number}1")]
    assert any("370303 " in w.message and "jctb.shp" in w.message for w in report.warnings)


@pytest.mark.parametrize("code", ["٣٧٠٣٠٢", "3703021"], ids=["arabic-indic", "seven-digit"])
def test_a_county_code_not_of_six_ascii_digits_is_warned_as_such_and_kept(ledger, code):  # noqa: F811
    """XZQDM of digits no Chinese input method types (Arabic-Indic ٣٧٠٣٠٢: digits to Python,
    none to a county code), or of 7 digits: neither is read as a county code nor as a
    neighbour's; each is warned as not 6 digits, quoted as delivered, and kept unchanged."""
    number = f"{domain.ZICHUAN_COUNTY_CODE}202600001"
    spot = SpotRecord(
        {domain.SPOT_NUMBER: number, domain.SPOT_COUNTY_CODE: code}, box(X0, Y0, X0 + 20, Y0 + 20)
    )
    report = ledger.import_batch("b", [spot], source="jctb.shp")
    assert report.added == 1 and report.other_county == 1
    [said] = [w for w in report.warnings if w.field == domain.SPOT_COUNTY_CODE]
    assert said.number == number and "jctb.shp" in said.message, said
    assert f"{code!r} 不是 6 位数字" in said.message and "is not 6 digits" in said.message, said
    assert "neighbour" not in said.message, said
    assert ledger.spot(ledger.spots()[0].id).attributes[domain.SPOT_COUNTY_CODE] == code


@pytest.mark.parametrize(
    ("code", "other"), [("３７０３０２", False), ("３７０３０３", True)], ids=["ours", "neighbour"]
)
def test_a_full_width_county_code_is_read_as_the_digits_it_shows(ledger, code, other):  # noqa: F811
    """XZQDM typed with a Chinese input method's full-width digits is the code it shows, as a
    full-width date or class code is: ３７０３０２ is the district's, no warning; ３７０３０３
    a neighbour's, warned as such (not as "not 6 digits"). The delivered text is kept."""
    number = f"{domain.ZICHUAN_COUNTY_CODE}202600001"
    spot = SpotRecord(
        {domain.SPOT_NUMBER: number, domain.SPOT_COUNTY_CODE: code}, box(X0, Y0, X0 + 20, Y0 + 20)
    )
    report = ledger.import_batch("b", [spot], source="jctb.shp")
    assert report.added == 1 and report.other_county == int(other)
    said = [w.message for w in report.warnings if w.field == domain.SPOT_COUNTY_CODE]
    assert not any("不是 6 位数字" in m for m in said), said
    assert any("370303 不是本区的 370302" in m for m in said) == other, said
    assert ledger.spot(ledger.spots()[0].id).attributes[domain.SPOT_COUNTY_CODE] == code


# --- numbers another batch holds -------------------------------------------------------------

Q1 = [f"S{i:02d}" for i in range(1, 11)]  # the ten spots batch Q1 holds, at places 0-9


def _q1(store) -> None:
    assert store.import_batch("Q1", [_spot(n, i) for i, n in enumerate(Q1)]).added == 10


def test_a_batch_exactly_half_of_whose_spots_another_holds_is_imported(ledger):  # noqa: F811
    """Q2 delivers 20 spots: Q1's ten, where Q1 has them, and ten new. Ten of twenty is half,
    not more than half: no re-delivery of Q1, imported whole with the warning, in one line
    for Q1 as ten numbers are more than five. (Killed: L10, exactly half refused.)"""
    _q1(ledger)
    delivery = [_spot(n, i) for i, n in enumerate(Q1)]
    delivery += [_spot(f"N{i:02d}", 20 + i) for i in range(1, 11)]
    report = ledger.import_batch("Q2", delivery)
    assert report.added == 20
    [held] = [w for w in report.warnings if "already in batch Q1" in w.message]
    assert held.number is None and "10 numbers" in held.message, held


def test_a_batch_of_another_batchs_numbers_half_of_them_moved_is_imported(ledger):  # noqa: F811
    """Q2 delivers exactly Q1's ten numbers, S01-S05 where Q1 has them and S06-S10 4 km away:
    all ten are Q1's numbers (more than half) but only five lie where Q1's do, half and not
    most, so they are taken for new spots numbered alike (a second change raster numbered
    from the same block), imported with the warning. (Killed: L12, half unmoved refused.)"""
    _q1(ledger)
    delivery = [_spot(n, i if i < 5 else i + 40) for i, n in enumerate(Q1)]
    report = ledger.import_batch("Q2", delivery)
    assert report.added == 10
    [held] = [w for w in report.warnings if "already in batch Q1" in w.message]
    assert "10 numbers" in held.message, held


def test_five_numbers_another_batch_holds_are_said_one_by_one(ledger):  # noqa: F811
    """Q2 delivers five of Q1's numbers (S01-S05) and five new: five are still few enough to
    say by spot, each warning naming its number and Q1. (Killed: L23, five said in one line.)"""
    _q1(ledger)
    delivery = [_spot(n, i) for i, n in enumerate(Q1[:5])]
    delivery += [_spot(f"N{i}", 20 + i) for i in range(1, 6)]
    report = ledger.import_batch("Q2", delivery)
    assert report.added == 10
    held = [w for w in report.warnings if "already in batch Q1" in w.message]
    assert sorted(w.number for w in held) == Q1[:5], held


def test_more_than_half_unmoved_is_still_refused(ledger):  # noqa: F811
    """The other side of the two boundaries above: Q1's ten numbers with six unmoved are a
    re-delivery of Q1, refused with nothing written."""
    _q1(ledger)
    delivery = [_spot(n, i if i < 6 else i + 40) for i, n in enumerate(Q1)]
    with pytest.raises(LedgerError, match="10 of the 10 spots"):
        ledger.import_batch("Q2", delivery)
    assert [b.name for b in ledger.batches()] == ["Q1"]


# --- encodings ---------------------------------------------------------------------------------


def _dbf(path: Path, fields: list[tuple[str, int]], records: list[list[bytes]]) -> Path:
    """A dBASE III file of text fields (name, width) holding ``records`` byte for byte, as a
    Chinese Windows tool writes it: each value padded with spaces to its field's width."""
    header_length = 32 + 32 * len(fields) + 1
    record_length = 1 + sum(width for _, width in fields)
    head = struct.pack("<BBBBIHH20x", 3, 124, 1, 1, len(records), header_length, record_length)
    described = b"".join(
        struct.pack("<11sc4xBB14x", name.encode("ascii"), b"C", width, 0) for name, width in fields
    )
    rows = b"".join(
        b" " + b"".join(v.ljust(w, b" ") for v, (_, w) in zip(values, fields)) for values in records
    )
    path.write_bytes(head + described + b"\r" + rows + b"\x1a")
    return path


def test_a_utf8_shapefile_without_cpg_whose_text_also_decodes_as_gbk_reads_as_utf8(tmp_path):
    """违法 in UTF-8 is six bytes (e8 bf 9d e6 b3 95) that also pair up as GBK, reading
    杩濇硶. A UTF-8 Shapefile without .cpg of three spots judged 违法 is read as UTF-8: strict
    UTF-8 almost never accepts another encoding's bytes, GBK accepts most even byte counts, so
    UTF-8 is tried first. (Killed: S01, GBK tried first.)"""
    with fiona.Env(SHAPE_ENCODING="UTF-8"):  # what the tool wrote the file in
        shp = spot_file(tmp_path / "jctb.shp", ["0001", "0002", "0003"], fields={"PDLX": "违法"})
    assert "违法".encode() in Path(shp).with_suffix(".dbf").read_bytes()
    Path(shp).with_suffix(".cpg").unlink()
    assert "违法".encode().decode("gbk") == "杩濇硶"  # the trap
    records, report = read_spot_file(shp)
    assert [r.attributes["PDLX"] for r in records] == ["违法"] * 3
    assert report.encoding == "UTF-8" and report.encoding_guessed


def test_a_text_filling_its_field_to_the_last_byte_is_read_whole(tmp_path):
    """A DBF whose XZMC field is 9 bytes wide holds 淄川区 in UTF-8, nine bytes, filling it: the
    text is read from after each record's deletion flag, so all nine bytes are judged and the
    file is UTF-8. One byte earlier it would be JCBH's last digit and eight bytes of 淄川区,
    which strict UTF-8 refuses and GBK pairs up. (Killed: S02, the deletion flag read as
    text.)"""
    dbf = _dbf(
        tmp_path / "jctb.dbf",
        [("JCBH", 4), ("XZMC", 9)],
        [[b"0001", "淄川区".encode()], [b"0002", "淄川区".encode()]],
    )
    assert guess_dbf_encoding(dbf) == ("UTF-8", 0)


def test_an_encoding_tie_is_read_as_utf8(tmp_path):
    """A DBF of two towns, 淄川区 in UTF-8 (nine bytes: odd, so no GBK or GB18030) and 南郊镇
    in GBK (c4 cf: no UTF-8), fails one text in each of UTF-8, GBK and GB18030. A tie is read
    as the first tried, UTF-8, which strict decoding rarely accepts by chance. (Killed: S13, a
    tie going to the last tried.)"""
    dbf = _dbf(
        tmp_path / "mixed.dbf",
        [("JCBH", 4), ("XZMC", 10)],
        [[b"0001", "淄川区".encode()], [b"0002", "南郊镇".encode("gbk")]],
    )
    assert guess_dbf_encoding(dbf) == ("UTF-8", 1)


def test_a_gbk_character_cut_in_half_is_said_naming_the_feature_and_field(tmp_path):
    """A GBK Shapefile without .cpg whose XZMC field is 11 bytes: 淄川区昆仑镇 (12 bytes) loses
    the second byte of 镇, and the reader drops the first, recording 淄川区昆仑. The guess said
    only "1 fields still do not decode" (the review of 2026-11-29): it names the feature and
    the field, so the text can be put right."""
    dbf = _dbf(
        tmp_path / "cut.dbf",
        [("JCBH", 4), ("XZMC", 11)],
        [[b"0001", "淄川区".encode("gbk")], [b"0002", "淄川区昆仑镇".encode("gbk")[:11]]],
    )
    shp = tmp_path / "cut.shp"
    shp.write_bytes(b"")  # the guess reads the DBF beside it
    assert guess_dbf_encoding(dbf) == ("GBK", 1)
    encoding, note = guessed_shapefile_encoding(shp)
    assert encoding == "GBK"
    assert "要素 #1 字段 XZMC" in note and "feature #1 field XZMC" in note, note
    # A field name cut so (the day's code review: the note then named nothing).
    named = "A地类名称面".encode("gbk")
    dbf = _dbf(tmp_path / "cut.dbf", [("JCBH", 4), ("XZMC", 10)], [[b"0001", b"ok"]])
    raw = dbf.read_bytes()
    field = 32 + 32  # the second field's descriptor
    cut = named[:10]  # 面 cut in half (a DBF name holds 10 bytes)
    dbf.write_bytes(raw[:field] + cut.ljust(11, b"\x00") + raw[field + 11 :])
    _encoding, note = guessed_shapefile_encoding(shp)
    assert "字段名 " in note and "field name " in note, note


def test_a_field_half_of_whose_chinese_is_utf8_read_as_gbk_is_judged_so():
    """Of a field's two Chinese texts, 杩濇硶 reads back as 违法 (UTF-8 read as GBK) and 淄川区
    is real: one of two is half, and at least half is the rule (texts of an odd byte count lose
    their last byte and may not read back). (Killed: S07, more than half required.)"""
    assert utf8_read_as_gbk_field(["杩濇硶", "淄川区"]) == {"杩濇硶": "违法"}


def test_one_chinese_character_read_as_latin1_is_said():
    """镇 in GBK is two bytes, d5 f2; read as Latin-1 they are Õò, two high characters, which is
    enough to be one Chinese character: said as GBK read as latin-1, naming 镇. (Killed: S10,
    three high characters required.)"""
    garbled = "镇".encode("gbk").decode("latin-1")
    assert garbled == "Õò"
    assert misdecoding_reason(garbled) == (
        "疑似 GBK 字节被按 latin-1 读出（应为“镇”） / looks like GBK bytes read as latin-1 "
        "(would read '镇')"
    )


# --- importspots ------------------------------------------------------------------------------


def test_a_reimport_of_an_unchanged_batch_with_refused_spots_succeeds(provider, tmp_path):
    """A file of three spots, two sharing the number S2: the first run adds S1 and refuses
    both S2; run again unchanged, it refreshes S1 and refuses both S2 again. Nothing added, but
    not every spot refused: a success, as the README says. (Killed: P01, a re-import adding
    nothing taken for one refusing every spot.)"""
    path = spot_file(tmp_path / "jctb.gpkg", ["S1", "S2", "S2"])
    store = str(tmp_path / "ledger.gpkg")
    first = run({"SPOTS": path, "LEDGER": store, "BATCH": "b"})
    assert (first["ADDED"], first["REFRESHED"], first["REFUSED"]) == (1, 0, 2)
    log = Log()
    again = run({"SPOTS": path, "LEDGER": store, "BATCH": "b"}, feedback=log)
    assert (again["ADDED"], again["REFRESHED"], again["REFUSED"]) == (0, 1, 2)
    assert sum("duplicate spot number" in e for e in log.errors) == 2, log.errors
    spots, _ = recorded(store)
    assert set(spots["b"]) == {"S1"}


def test_the_layer_named_in_a_geopackage_source_is_the_one_imported(provider, tmp_path):
    """A GeoPackage delivered with two layers, JCTB (the spots J1, J2) and XZQ_OTHER (three
    others): SPOTS=<file>|layername=JCTB imports JCTB's two spots. (Killed: P04, the layer
    name dropped, so the file refused as having several layers.)"""
    path = spot_file(tmp_path / "JCTB.gpkg", ["J1", "J2"])
    _write_spot_file(Path(path), None, driver="GPKG", layer="XZQ_OTHER", offset=(X0, Y0 + 500))
    assert fiona.listlayers(path) == ["JCTB", "XZQ_OTHER"]
    store = str(tmp_path / "ledger.gpkg")
    result = run({"SPOTS": f"{path}|layername=JCTB", "LEDGER": store, "BATCH": "b"})
    assert (result["ADDED"], result["REFUSED"]) == (2, 0)
    spots, _ = recorded(store)
    assert set(spots["b"]) == {"J1", "J2"}
