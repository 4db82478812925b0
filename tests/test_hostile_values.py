"""Values a delivery or an office can hold that look harmless and are not: spot numbers that
read alike (full-width digits, invisible characters), control characters in names, texts
longer than a spreadsheet cell, formulas in CSV cells, Windows' reserved device names and
numbers too long for a file name. Each expected value is worked out by hand."""

from __future__ import annotations

import hashlib

import pytest

from tests.test_evidence_paths import PHOTO, _row, _zip
from tests.test_ledger import _spot
from tests.test_ledger import ledger as ledger  # noqa: F401 - the fixture, used by name
from zc_enforcement_plugin.core import evidence, export
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.files import NAME_BYTES_LIMIT, safe_file_name

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
