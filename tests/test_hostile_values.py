"""Values a delivery or an office can hold that look harmless and are not: spot numbers that
read alike (full-width digits, invisible characters), control characters in names, texts
longer than a spreadsheet cell, formulas in CSV cells, Windows' reserved device names and
numbers too long for a file name. Each expected value is worked out by hand."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
from qgis.core import QgsVectorLayer

from tests.screening_layers import memory_layer, square
from tests.test_evidence_paths import PHOTO, _row, _zip
from tests.test_ledger import _spot
from tests.test_ledger import ledger as ledger  # noqa: F401 - the fixture, used by name
from tests.test_screenspots_algorithm import run
from zc_enforcement_plugin.core import domain, evidence, export, xlsx
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.files import NAME_BYTES_LIMIT, safe_file_name
from zc_enforcement_plugin.core.ledger_records import LedgerError

NUMBER = "37030220260020"
FULL_WIDTH = "３７０３０２２０２６００２０"
_MANIFESTS = (export.MANIFEST_NAME, export.MANIFEST_XLSX_NAME)


def _numbers(store) -> list[str]:
    return sorted(s.number for s in store.spots())


def test_spot_numbers_that_read_alike_are_one_number_and_reported_as_duplicates(ledger):  # noqa: F811
    """Five spellings of 37030220260020 (zero-width space after it, full width, a leading
    left-to-right override, a soft hyphen after it, plain) are one spot number delivered five
    times: none imported, each refusal naming the number as it is compared."""
    spellings = [NUMBER + "\u200b", FULL_WIDTH, "\u202d" + NUMBER, NUMBER + "\u00ad", NUMBER]
    spots = [_spot(n, i) for i, n in enumerate(spellings)] + [_spot("37030220260021", 5)]
    report = ledger.import_batch("b", spots, source="alike.gpkg")
    assert (report.added, report.skipped) == (1, 5)
    duplicates = [e for e in report.errors if "duplicate spot number" in e.message]
    assert sorted(e.index for e in duplicates) == [0, 1, 2, 3, 4]
    assert {e.number for e in duplicates} == {NUMBER}
    assert _numbers(ledger) == ["37030220260021"]


def test_numbers_differing_only_in_leading_zeros_in_one_delivery_are_duplicates(ledger):  # noqa: F811
    """0001 and 1 in one file were imported as two spots of the batch (the review of
    2026-11-29), though a 1 delivered later is refused as the batch's 0001 but for its zeros.
    Neither is imported, each refusal naming both spellings; 0002 alone is."""
    report = ledger.import_batch(
        "b", [_spot("0001", 0), _spot("1", 1), _spot("0002", 2)], source="zeros.gpkg"
    )
    assert (report.added, report.skipped) == (1, 2)
    refused = [e for e in report.errors if "duplicate spot number" in e.message]
    assert sorted((e.index, e.number) for e in refused) == [(0, "0001"), (1, "1")]
    assert all("0001, 1 differ only in leading zeros" in e.message for e in refused)
    assert all("0001、1 仅前导零不同" in e.message for e in refused)
    assert _numbers(ledger) == ["0002"]


def test_a_number_in_a_spreadsheets_scientific_notation_is_refused(ledger):  # noqa: F811
    """3.7030220260001E+13, a number Excel showed in scientific notation and saved so, was
    recorded as a spot (the review of 2026-11-29): its last digits are gone, so which spot it
    was cannot be known, and the corrected file added the spot again. It is refused, naming
    the feature and field, and the others imported."""
    report = ledger.import_batch(
        "b",
        [_spot("3.7030220260001E+13", 0), _spot("3.70302E13", 1), _spot(NUMBER, 2)],
        source="excel.gpkg",
    )
    assert (report.added, report.skipped) == (1, 2)
    refused = {(e.index, e.field): e.message for e in report.errors}
    assert set(refused) == {(0, "JCBH"), (1, "JCBH")}
    assert "scientific notation" in refused[(0, "JCBH")] and "科学计数法" in refused[(0, "JCBH")]
    assert _numbers(ledger) == [NUMBER]


def test_a_number_with_a_space_inside_is_recorded_and_said(ledger):  # noqa: F811
    """370302 20260004 beside 37030220260004: two spots, most likely one typed twice. Both
    recorded (a number is what the delivery says), the one with a space said by feature."""
    report = ledger.import_batch(
        "b", [_spot("370302 20260004", 0), _spot("37030220260004", 1)], source="s.gpkg"
    )
    assert report.added == 2 and not report.errors
    [said] = [w for w in report.warnings if w.field == "JCBH"]
    assert said.index == 0 and "holds a space" in said.message and "含空格" in said.message


def test_a_number_read_otherwise_than_delivered_is_stored_plain_and_said(ledger):  # noqa: F811
    """A lone full-width number and one with a zero-width space are stored as the digits they
    show; the warning names the feature, the field and both spellings."""
    report = ledger.import_batch(
        "b", [_spot(FULL_WIDTH, 0), _spot("37030220260021\u200b", 1)], source="w.gpkg"
    )
    assert report.added == 2 and not report.errors
    assert _numbers(ledger) == [NUMBER, "37030220260021"]
    said = {(w.index, w.field): w.message for w in report.warnings if w.field == "JCBH"}
    assert "full-width characters: recorded and matched as 37030220260020" in said[(0, "JCBH")]
    assert "U+200B" in said[(1, "JCBH")] and "'37030220260021\\u200b'" in said[(1, "JCBH")]


def test_a_number_recorded_in_full_width_is_refreshed_by_its_plain_redelivery(ledger):  # noqa: F811
    """A ledger whose earlier import stored the number in full width (before numbers were read
    as they show) keeps that number, and a re-delivery in ASCII refreshes that spot rather than
    add a second one."""
    ledger.import_batch("b", [_spot(NUMBER, 0)], source="first.gpkg")
    with ledger.transaction():  # as an earlier version stored it
        ledger._run(f"UPDATE {ls.T_SPOTS} SET {ls.C_SPOT_NUMBER} = ?", (FULL_WIDTH,))
    report = ledger.import_batch("b", [_spot(NUMBER, 0, TBMJ=500.0)], source="again.gpkg")
    assert (report.added, report.refreshed) == (0, 1)
    assert _numbers(ledger) == [FULL_WIDTH]
    [said] = [w for w in report.warnings if "recorded number" in w.message]
    assert (said.number, said.field) == (NUMBER, "JCBH") and repr(FULL_WIDTH) in said.message


def _pre_rule_spelling(number: str, i: int) -> str:
    """``number`` as a ledger from before numbers were read as they show may hold it: full
    width for even ``i``, a zero-width space after it for odd."""
    if i % 2:
        return number + "\u200b"
    return "".join(chr(ord(c) + 0xFEE0) for c in number)


def check_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch(store) -> None:
    """Found by review: 12 spots whose numbers an earlier version stored in full width or
    with a zero-width space, delivered again (in full width) under another batch name, went
    in a second time (IMPORTED 12, 24 spots), as other batches were looked up by the stored
    text. They are looked up as spots are told apart: the new batch is refused naming the
    batch holding them, nothing written; no leading zeros are claimed lost; two of them
    delivered as a supplement are recorded again with the held-elsewhere warning. (Shared with
    the PostGIS store's tests.)"""
    numbers = [f"370302202600{i:02d}" for i in range(12)]
    store.import_batch("2026Q3", [_spot(n, i) for i, n in enumerate(numbers)], source="q3.gpkg")
    column = f'"{ls.C_SPOT_NUMBER}"'
    with store.transaction():  # as an earlier version stored them
        for i, number in enumerate(numbers):
            store._run(
                f"UPDATE {ls.T_SPOTS} SET {column} = {store._MARK} WHERE {column} = {store._MARK}",
                (_pre_rule_spelling(number, i), number),
            )
    recorded = sorted(s.number for s in store.spots())
    assert recorded == sorted(_pre_rule_spelling(n, i) for i, n in enumerate(numbers))
    before = [(b.name, b.spot_count) for b in store.batches()]

    full_width = [_spot(_pre_rule_spelling(n, 0), i) for i, n in enumerate(numbers)]
    with pytest.raises(LedgerError) as refused:
        store.import_batch("2026Q3-again", full_width, source="again.gpkg")
    said = str(refused.value)
    assert "12 of the 12 spots" in said and "batch 2026Q3 (" in said and "q3.gpkg" in said, said
    assert "leading zeros" not in said and "前导零" not in said, said
    assert [(b.name, b.spot_count) for b in store.batches()] == before

    few = store.import_batch("补充", [_spot(numbers[0], 0), _spot(numbers[1], 1)])
    assert few.added == 2
    held = {w.number: w.message for w in few.warnings if "already in batch 2026Q3" in w.message}
    assert sorted(held) == numbers[:2], few.warnings


def test_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch(ledger):  # noqa: F811
    check_spots_recorded_in_pre_rule_spellings_are_held_by_their_batch(ledger)


def test_control_and_format_characters_in_numbers_and_names_are_reported(ledger):  # noqa: F811
    """A tab inside a number refuses the spot, naming it; a right-to-left override in the
    town and a zero-width space in the office are removed, so the names match, and said by
    feature and field."""
    spots = [
        _spot("3703022026\t0020", 0),
        _spot(NUMBER, 1, XZMC="南郊\u202e镇", SMC="南郊自然资源所\u200b"),
    ]
    report = ledger.import_batch("b", spots, source="cc.gpkg")
    [refused] = report.errors
    assert (refused.index, refused.field) == (0, "JCBH") and "U+0009" in refused.message
    [spot] = ledger.spots()
    assert (spot.town, spot.office) == ("南郊镇", "南郊自然资源所")
    said = {w.field: w.message for w in report.warnings if w.index == 1}
    assert "U+202E" in said["XZMC"] and "'南郊镇'" in said["XZMC"]
    assert "U+200B" in said["SMC"]


# --- names of evidence folders and zip members ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.JPG", "_Com1.JPG"),
        ("LPT9 .txt", "_LPT9 .txt"),
        ("COM10", "COM10"),  # no device
        ("CONSOLE.jpg", "CONSOLE.jpg"),
        ("+1-2", "_+1-2"),
        ('=HYPERLINK("http://evil","x")', "_=HYPERLINK(_http___evil_,_x_)"),
        ("@SUM(A1)", "_@SUM(A1)"),
        ("-3", "_-3"),
        ("IMG_0001.JPG", "IMG_0001.JPG"),
        ("a<b>:c", "a_b__c"),
    ],
)
def test_a_name_windows_cannot_create_or_a_spreadsheet_would_run_gets_a_prefix(name, written):
    assert safe_file_name(name) == written


def test_a_long_name_is_cut_within_the_byte_limit_and_stays_distinct():
    """Two 300-byte numbers alike but for their last digit: each cut to 200 bytes, each ending
    with its own hash; a long Chinese file name is cut between characters, its .jpg kept."""
    first, second = safe_file_name("3" * 299 + "1"), safe_file_name("3" * 299 + "2")
    assert len(first.encode()) == len(second.encode()) == NAME_BYTES_LIMIT
    assert first != second and first.startswith("3" * 150)
    photo = safe_file_name("现场" * 60 + ".jpg")
    assert len(photo.encode()) <= NAME_BYTES_LIMIT and photo.endswith(".jpg")
    assert photo.startswith("现场" * 30)
    photo.encode("utf-8").decode("utf-8")  # whole characters only


def test_a_reserved_or_overlong_spot_number_gets_a_folder_windows_can_make(tmp_path):
    """Attaching to spots numbered CON and NUL.txt writes _CON/_NUL.txt folders (their photo
    named con.jpg as _con.jpg); a 300-character number, which used to fail with [Errno 36]
    File name too long, gets a folder cut within the limit."""
    source = tmp_path / "con.jpg"
    source.write_bytes(PHOTO)
    root = tmp_path / "evidence"
    paths = [
        evidence.store_evidence_in(root, number, source, ls.EVIDENCE_PHOTO).path
        for number in ("CON", "NUL.txt", "3" * 300)
    ]
    assert paths[:2] == ["_CON/_con.jpg", "_NUL.txt/_con.jpg"]
    folder, name = paths[2].split("/")
    assert name == "_con.jpg" and len(folder.encode()) == NAME_BYTES_LIMIT
    assert all((root / path).read_bytes() == PHOTO for path in paths)


def test_a_file_recorded_under_an_earlier_rule_is_still_read_and_zipped_under_the_new(tmp_path):
    """A ledger that stored CON/p.jpg before names were kept from device names: the export
    still finds the file by its stored path and zips it as _CON/p.jpg; the manifest's zip path
    is the member exactly (no ' before +1-2: the folder starts with _), its stored path guarded."""
    root = tmp_path / "evidence"
    for folder in ("CON", "+1-2"):
        (root / folder).mkdir(parents=True)
        (root / folder / "p.jpg").write_bytes(PHOTO)
    rows = [_row(root, "CON", "CON/p.jpg"), _row(root, "+1-2", "+1-2/p.jpg")]
    result, names, manifest = _zip(tmp_path, root, rows)
    assert not result.problems
    assert sorted(names) == sorted(["_CON/p.jpg", "_+1-2/p.jpg", *_MANIFESTS])
    assert [m[export.MANIFEST_PATH] for m in manifest] == ["_CON/p.jpg", "_+1-2/p.jpg"]
    assert manifest[1][export.MANIFEST_STORED_PATH] == "'+1-2/p.jpg"
    assert manifest[1][export.MANIFEST_SPOT] == "'+1-2"
    assert manifest[1][export.MANIFEST_SHA256] == hashlib.sha256(PHOTO).hexdigest()


OTHER_PHOTO = PHOTO.replace(b"field", b"later")


@pytest.mark.parametrize(
    ("number", "earlier", "now", "members"),
    [
        ("S1", "S1/-1.jpg", "S1/_-1.jpg", ["S1/_-1.jpg", "S1/_-1_2.jpg"]),
        ("CON", "CON/p.jpg", "_CON/p.jpg", ["_CON/p.jpg", "_CON/p_2.jpg"]),
    ],
)
def test_a_file_stored_under_the_earlier_rule_and_one_named_alike_now_are_both_zipped(
    tmp_path, number, earlier, now, members
):
    """Found by review: a file an earlier version stored (S1/-1.jpg, CON/p.jpg) and another
    photo stored now under the name the rule gives (S1/_-1.jpg, _CON/p.jpg) are one zip
    member: only one was zipped and the other, intact, reported altered. The second is
    numbered as an attachment of a taken name is: both zipped, both 一致, no problem."""
    root = tmp_path / "evidence"
    for stored, content in ((earlier, PHOTO), (now, OTHER_PHOTO)):
        (root / stored).parent.mkdir(parents=True, exist_ok=True)
        (root / stored).write_bytes(content)
    rows = [_row(root, number, earlier), _row(root, number, now, OTHER_PHOTO)]
    result, names, manifest = _zip(tmp_path, root, rows)
    assert not result.problems, result.problems
    assert sorted(names) == sorted([*members, *_MANIFESTS])
    said = [
        (m[export.MANIFEST_PATH], m[export.MANIFEST_STORED_PATH], m[export.MANIFEST_CHECK])
        for m in manifest
    ]
    assert said == [(members[0], earlier, "一致"), (members[1], now, "一致")]
    with zipfile.ZipFile(result.path) as archive:
        assert [archive.read(member) for member in members] == [PHOTO, OTHER_PHOTO]


def test_a_photo_attached_beside_a_file_of_the_earlier_rule_takes_a_name_of_its_own(tmp_path):
    """S1/-1.jpg stored by an earlier version: another photo named -1.jpg is not stored as
    _-1.jpg, the zip member -1.jpg already has, but numbered; the same photo again is the
    file already there."""
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (root / "S1" / "-1.jpg").write_bytes(PHOTO)
    source = tmp_path / "new" / "-1.jpg"
    source.parent.mkdir()
    source.write_bytes(OTHER_PHOTO)
    assert evidence.store_evidence_in(root, "S1", source, ls.EVIDENCE_PHOTO).path == "S1/_-1_2.jpg"
    source.write_bytes(PHOTO)
    assert evidence.store_evidence_in(root, "S1", source, ls.EVIDENCE_PHOTO).path == "S1/-1.jpg"
    assert sorted(p.name for p in (root / "S1").iterdir()) == ["-1.jpg", "_-1_2.jpg"]


# --- CSV outputs of the algorithms -------------------------------------------------------------


def test_a_csv_output_guards_formula_texts_and_keeps_numbers_and_other_formats_raw(
    provider, tmp_path
):
    """screenspots OUTPUT=x.csv with spot numbers =HYPERLINK(…), +1-2 and @SUM(A1) and a
    spot type =1+1: each text gets a leading ' in the CSV (Excel shows it, runs nothing),
    while the area stays a number and the GeoPackage output keeps the texts as delivered."""
    hostile = ['=HYPERLINK("http://evil","x")', "+1-2", "@SUM(A1)"]
    spots = memory_layer(
        [(square(i * 200, 0, 100), [number, "=1+1"]) for i, number in enumerate(hostile)],
        f"field={domain.SPOT_NUMBER}:string&field=TBLX:string",
    )
    path = tmp_path / "x.csv"
    run({"SPOTS": spots, "OUTPUT": str(path)})
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row[domain.SPOT_NUMBER] for row in rows] == ["'" + n for n in hostile]
    assert {row["TBLX"] for row in rows} == {"'=1+1"}
    # measured on the ellipsoid: a little under the 100 m square's 10,000 m², and unquoted
    assert all(9990 < float(row[domain.SPOT_AREA]) < 10000 for row in rows), rows
    gpkg = run({"SPOTS": spots, "OUTPUT": str(tmp_path / "x.gpkg")})["OUTPUT"]
    layer = QgsVectorLayer(gpkg, "x", "ogr")
    assert sorted(f[domain.SPOT_NUMBER] for f in layer.getFeatures()) == sorted(hostile)


# --- texts longer than a spreadsheet cell ------------------------------------------------------


def test_a_remark_longer_than_a_cell_is_cut_in_the_xlsx_saying_where_it_is_whole(tmp_path):
    """A 100,000-character remark (BZ) and reason (PDYY): Excel keeps 32,767 characters of a
    cell and 'repairs' the file. Each is cut to CELL_TEXT_LIMIT, ending with a note naming
    verification.gpkg, and a warning names spot and field; a short text is untouched."""
    import openpyxl

    names = (domain.SPOT_NUMBER, domain.VERDICT_REASON, export.VERDICT_NOTE)
    columns = [next(c for c in export.EXPORT_COLUMNS if c.name == name) for name in names]
    long_text = "违法占地" * 25_000
    rows = [
        {domain.SPOT_NUMBER: "S1", domain.VERDICT_REASON: long_text, export.VERDICT_NOTE: "短"},
        {domain.SPOT_NUMBER: "S2", export.VERDICT_NOTE: long_text},
    ]
    said: list[str] = []
    path = export.write_xlsx(
        tmp_path / "v.xlsx", rows, columns, whole_text_in="verification.gpkg", warn=said.append
    )
    sheet = openpyxl.load_workbook(path).active
    cut = [sheet["B3"].value, sheet["C4"].value]
    assert all(len(text) == xlsx.CELL_TEXT_LIMIT for text in cut)
    assert all(text.startswith("违法占地" * 100) for text in cut)
    assert all(text.endswith("共 100000 字符，全文见 verification.gpkg】") for text in cut)
    assert sheet["C3"].value == "短"
    assert len(said) == 2
    assert "spot S1: the field PDYY" in said[0] and "whole in verification.gpkg" in said[0]
    assert "spot S2: the field BZ" in said[1]


def test_the_manifest_workbook_cuts_a_long_stored_path_and_the_three_zones_limit_is_one(tmp_path):
    """An office's row storing a 40,000-character path: manifest.xlsx cuts it, naming
    manifest.csv, where it is whole; the three-zones summary cuts at the same limit."""
    import openpyxl

    from zc_enforcement_plugin.core import campaigns_schema

    root = tmp_path / "evidence"
    root.mkdir()
    stored = "S1/" + "x" * 40_000 + ".jpg"
    result, _, manifest = _zip(tmp_path, root, [_row(root, "S1", stored)])
    # no file can have such a name: reported missing, not a crash on [Errno 36]
    assert "holds a name longer than 255 bytes" in result.problems[0].message
    assert manifest[0][export.MANIFEST_STORED_PATH] == stored  # whole in the CSV
    with zipfile.ZipFile(tmp_path / "e.zip") as archive:
        data = archive.read(export.MANIFEST_XLSX_NAME)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c.value for c in sheet[2] if isinstance(c.value, str) and "全文见" in c.value]
    assert len(cells) == 1 and cells[0].endswith("全文见 manifest.csv】")
    assert len(cells[0]) == xlsx.CELL_TEXT_LIMIT
    assert campaigns_schema.CELL_TEXT_LIMIT is xlsx.CELL_TEXT_LIMIT
