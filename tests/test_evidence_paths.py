"""Stored evidence paths name files under the evidence folder only: a row written by hand (an
office's psql, a crafted GeoPackage) naming another file, or a symbolic link put in the folder,
is refused (not read, and counted apart from the missing files) by the export, the check,
the panel, the sheets and the copy, and said."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import signal
import sqlite3
import types
import zipfile
from pathlib import Path

import pytest
import shapely

from zc_enforcement_plugin.core import evidence, export, ledger, ledger_migrate
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger_migrate import copy_ledger

PHOTO = b"\xff\xd8\xff\xe0 a field photo \xff\xd9"
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY----- not evidence"


@pytest.mark.parametrize(
    "path",
    [
        "/tmp/x/id_rsa.jpg",
        "../../brigade_private/notes.txt",
        "S1/../../x.jpg",
        "S1\\..\\..\\x.jpg",
        "C:/Users/x.jpg",
        "\\\\server\\share\\x.jpg",
        "S1//x.jpg",
        "./S1/x.jpg",
        "S1/x.jpg/",
        "",
        "S1/x\x00.jpg",
        None,
    ],
)
def test_a_path_reaching_outside_the_evidence_folder_is_refused_saying_why(tmp_path, path):
    with pytest.raises(evidence.EvidencePathError) as refused:
        evidence.evidence_file(tmp_path, path)
    message = str(refused.value)
    assert message.startswith("证据路径被拒绝（") and " / evidence path refused (" in message
    assert repr(path) in message


def test_a_plain_relative_path_names_its_file_under_the_folder(tmp_path):
    assert evidence.evidence_file(tmp_path, "S1/IMG_1.jpg") == tmp_path / "S1" / "IMG_1.jpg"
    assert evidence.evidence_file(tmp_path, ".S1/a..b.jpg") == tmp_path / ".S1" / "a..b.jpg"


def test_a_symbolic_link_anywhere_under_the_folder_is_refused(tmp_path):
    root, private = tmp_path / "evidence", tmp_path / "private"
    (root / "S1").mkdir(parents=True)
    private.mkdir()
    (private / "notes.jpg").write_bytes(SECRET)
    (root / "S1" / "p.jpg").symlink_to(private / "notes.jpg")
    (root / "S2").symlink_to(private)
    for path in ("S1/p.jpg", "S2/notes.jpg"):
        with pytest.raises(evidence.EvidencePathError, match="is a symbolic link"):
            evidence.evidence_file(root, path)


def _row(root: Path, number: str, stored: str, content: bytes = PHOTO, **fields):
    record = ledger.EvidenceRecord(
        ls.EVIDENCE_PHOTO,
        stored,
        hashlib.sha256(content).hexdigest(),
        len(content),
        id=len(stored),
        spot_id=1,
        **fields,
    )
    return export.ExportRow(1, number, "2026Q1", None, {}, [record])


def _zip(tmp_path: Path, root: Path, rows) -> tuple[export.EvidenceZip, list[str], list[dict]]:
    store = types.SimpleNamespace(evidence_dir=root)
    result = export.write_evidence_zip(tmp_path / "e.zip", store, rows)
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        text = archive.read(export.MANIFEST_NAME).decode("utf-8-sig")
    return result, names, list(csv.DictReader(io.StringIO(text)))


def test_the_export_zips_no_file_a_stored_path_names_outside_the_folder(tmp_path):
    """The reviewer's rows: an absolute path to a key, and ../ to the brigade's notes."""
    root, private = tmp_path / "share" / "evidence", tmp_path / "share" / "brigade_private"
    (root / "S1").mkdir(parents=True)
    private.mkdir()
    (root / "S1" / "ok.jpg").write_bytes(PHOTO)
    (private / "notes.txt").write_bytes(SECRET)
    (tmp_path / "id_rsa.jpg").write_bytes(SECRET)
    rows = [
        _row(root, "S1", "S1/ok.jpg"),
        _row(root, "S1", str(tmp_path / "id_rsa.jpg"), SECRET),
        _row(root, "S1", "../brigade_private/notes.txt", SECRET),
    ]
    result, names, manifest = _zip(tmp_path, root, rows)
    assert sorted(names) == sorted(["S1/ok.jpg", export.MANIFEST_NAME, export.MANIFEST_XLSX_NAME])
    with zipfile.ZipFile(result.path) as archive:
        assert all(SECRET not in archive.read(name) for name in archive.namelist())
    assert [m[export.MANIFEST_CHECK] for m in manifest] == [
        export.CHECK_OK,
        export.CHECK_REFUSED,
        export.CHECK_REFUSED,
    ]
    assert [p.problem for p in result.problems] == [evidence.FILE_REFUSED] * 2
    said = [problem.message for problem in result.problems]
    assert len(said) == 2 and all("图斑 S1 的证据路径被拒绝" in m for m in said), said
    assert "spot S1: evidence path refused (must be relative" in said[0]
    assert said[0].endswith(f"not in the zip: {str(tmp_path / 'id_rsa.jpg')!r}")
    assert said[1].endswith("not in the zip: '../brigade_private/notes.txt'")


def test_the_export_zips_no_photo_replaced_by_a_symbolic_link(tmp_path):
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (tmp_path / "notes.txt").write_bytes(SECRET)
    (root / "S1" / "p.jpg").symlink_to(tmp_path / "notes.txt")
    result, names, manifest = _zip(tmp_path, root, [_row(root, "S1", "S1/p.jpg")])
    assert "S1/p.jpg" not in names
    assert manifest[0][export.MANIFEST_CHECK] == export.CHECK_REFUSED
    assert "is a symbolic link" in result.problems[0].message


def _swapped_after_the_look(monkeypatch, photo: Path, outside: Path, look: int = 1) -> None:
    """The path looked at (evidence_file) as it is, then, at its ``look``-th look, the photo
    replaced by a link to ``outside`` before the file is opened: the race a plain open() after
    the look loses."""
    looked, looks = evidence.evidence_file, []

    def look_then_swap(root, path):
        place = looked(root, path)
        looks.append(path)
        if place == photo and len(looks) == look:
            photo.unlink()
            photo.symlink_to(outside)
        return place

    # Wherever the export looks it up: in the evidence module, or imported beside the zip.
    monkeypatch.setattr(evidence, "evidence_file", look_then_swap)
    monkeypatch.setattr(export, "evidence_file", look_then_swap)


def test_a_photo_swapped_for_a_link_after_the_look_is_refused_when_opened(tmp_path, monkeypatch):
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (root / "S1" / "p.jpg").write_bytes(PHOTO)
    (tmp_path / "notes.txt").write_bytes(SECRET)
    _swapped_after_the_look(monkeypatch, root / "S1" / "p.jpg", tmp_path / "notes.txt")
    result, names, manifest = _zip(tmp_path, root, [_row(root, "S1", "S1/p.jpg")])
    with zipfile.ZipFile(result.path) as archive:
        assert all(SECRET not in archive.read(name) for name in archive.namelist())
    assert "S1/p.jpg" not in names and manifest[0][export.MANIFEST_SHA256] == ""
    [said] = [problem.message for problem in result.problems]
    assert said.startswith("图斑 S1 的证据路径被拒绝（")
    assert said.endswith("is a symbolic link), not in the zip: 'S1/p.jpg'"), said


def test_the_check_hashes_no_file_swapped_for_a_link_after_the_look(tmp_path, monkeypatch):
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (root / "S1" / "p.jpg").write_bytes(PHOTO)
    (tmp_path / "copy.jpg").write_bytes(PHOTO)  # the same bytes: only refusing the link tells
    # The second look: the first is the quick one, at its size, before the file is read.
    _swapped_after_the_look(monkeypatch, root / "S1" / "p.jpg", tmp_path / "copy.jpg", look=2)
    record = _row(root, "S1", "S1/p.jpg").evidence[0]
    # Refused, not missing: the file is there, and not read. The check says why.
    [problem], _ = evidence.check_evidence_files(root, [record])
    assert problem.problem == evidence.FILE_REFUSED
    assert problem.message.endswith("is a symbolic link), the file not read: 'S1/p.jpg'")


def test_a_spot_folder_swapped_for_a_link_after_the_look_is_refused_when_opened(
    tmp_path, monkeypatch
):
    root, private = tmp_path / "evidence", tmp_path / "private"
    (root / "S1").mkdir(parents=True)
    private.mkdir()
    (private / "p.jpg").write_bytes(SECRET)
    looked = evidence.evidence_file

    def look_then_swap(root_, path):
        place = looked(root_, path)
        (root / "S1").rename(tmp_path / "S1_moved")
        (root / "S1").symlink_to(private)
        return place

    monkeypatch.setattr(evidence, "evidence_file", look_then_swap)
    with pytest.raises(evidence.EvidencePathError, match="S1 is a symbolic link"):
        evidence.open_evidence_file(root, "S1/p.jpg")


def test_a_backslash_or_dots_never_make_a_zip_member_leave_its_spot_folder():
    assert export._zip_member("S1", "S1/..\\..\\evil.jpg") == "S1/_.._evil.jpg"
    assert export._zip_member("..", "S1/..") == "_/_"
    assert export._zip_member("S\\1", "") == "S_1/_"


def test_a_formula_in_a_text_column_of_the_manifest_is_quoted_and_a_negative_gps_kept(tmp_path):
    """Excel runs '=HYPERLINK(…)' as a formula (OWASP CSV injection); a text starting with
    = + - @ tab or CR gets a leading ' in manifest.csv. A negative longitude stays a number."""
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (root / "S1" / "p.jpg").write_bytes(PHOTO)
    rows = [
        _row(
            root,
            "S1",
            "S1/p.jpg",
            original_name='=HYPERLINK("http://x.example/?"&A1,"photo")',
            gps_lon=-117.25,
            gps_lat=36.5,
            taken_at="@2026",
        )
    ]
    _, _, manifest = _zip(tmp_path, root, rows)
    assert manifest[0][export.MANIFEST_ORIGINAL] == '\'=HYPERLINK("http://x.example/?"&A1,"photo")'
    assert manifest[0][export.MANIFEST_TAKEN] == "'@2026"
    assert manifest[0][export.MANIFEST_LON] == "-117.2500000"
    assert manifest[0][export.MANIFEST_SPOT] == "S1"


def test_a_sheet_prints_no_photo_whose_path_is_refused(tmp_path):
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (tmp_path / "notes.jpg").write_bytes(PHOTO)
    (root / "S1" / "link.jpg").symlink_to(tmp_path / "notes.jpg")
    for stored in ("../notes.jpg", "S1/link.jpg"):
        photos = _row(root, "S1", stored).sheet_photos(root)
        assert (photos.shown, photos.missing, photos.refused) == ([], 0, 1), stored
        assert photos.note == "照片路径被拒绝 1 件（见 manifest.csv）"


def _ledger_with_photo(folder: Path) -> tuple[ledger.GeoPackageLedger, int]:
    folder.mkdir(parents=True)
    store = ledger.GeoPackageLedger(folder / "ledger.gpkg")
    store.import_batch("b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(0, 0, 9, 9))])
    spot = store.spots()[0].id
    photo = folder.parent / "camera.jpg"
    photo.write_bytes(PHOTO)
    store.add_evidence(spot, evidence.store_evidence_file(store.path, "S1", photo, "photo"))
    return store, spot


def _insert_by_hand(path: Path, stored: str) -> None:
    """An evidence row written past the plugin (sqlite3, as psql on a server)."""
    conn = sqlite3.connect(str(path))
    try:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({ls.T_EVIDENCE})")]
        copied = [c for c in columns if c != ls.C_ID]
        chosen = ["?" if c == ls.C_PATH else c for c in copied]
        conn.execute(
            f"INSERT INTO {ls.T_EVIDENCE} ({', '.join(copied)}) SELECT {', '.join(chosen)} "
            f"FROM {ls.T_EVIDENCE} LIMIT 1",
            (stored,),
        )
        conn.commit()
    finally:
        conn.close()


def test_the_evidence_check_takes_a_path_outside_the_folder_as_refused_saying_why(tmp_path):
    store, _ = _ledger_with_photo(tmp_path / "office")
    (tmp_path / "private.txt").write_bytes(PHOTO)  # same bytes: only the path tells
    store.close()
    _insert_by_hand(tmp_path / "office" / "ledger.gpkg", "../../private.txt")
    with ledger.GeoPackageLedger(tmp_path / "office" / "ledger.gpkg") as store:
        problems = evidence.check_evidence_integrity(store)
        states = evidence.EvidenceFileStates()
        found = [states.state(store.evidence_dir, r) for r in store.evidence()]
    assert [p.problem for p in problems] == [evidence.FILE_REFUSED]
    assert problems[0].path == "../../private.txt"
    assert "的证据路径被拒绝" in problems[0].message
    assert problems[0].message.endswith("the file not read: '../../private.txt'")
    assert sorted(found) == ["", evidence.FILE_REFUSED]


def test_attaching_into_a_spot_folder_that_is_a_symbolic_link_is_refused(tmp_path):
    root, elsewhere = tmp_path / "evidence", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "S1").symlink_to(elsewhere)
    photo = tmp_path / "camera.jpg"
    photo.write_bytes(PHOTO)
    with pytest.raises(ledger.LedgerError) as refused:
        evidence.store_evidence_in(root, "S1", photo, ls.EVIDENCE_PHOTO)
    message = str(refused.value)
    assert "图斑 S1 的证据文件夹" in message and "未记录任何证据" in message
    assert message.endswith("is a symbolic link): nothing was recorded")
    assert list(elsewhere.iterdir()) == []


def test_a_copy_of_a_ledger_with_a_path_outside_its_folder_is_refused_writing_nothing(tmp_path):
    """copyledger wrote the file named '../../brigade_private/notes.txt' beside the target."""
    store, _ = _ledger_with_photo(tmp_path / "src")
    store.close()
    (tmp_path / "brigade_private").mkdir()
    (tmp_path / "brigade_private" / "notes.txt").write_bytes(PHOTO)
    _insert_by_hand(tmp_path / "src" / "ledger.gpkg", "../brigade_private/notes.txt")
    (tmp_path / "copy1" / "sub").mkdir(parents=True)
    with (
        ledger.GeoPackageLedger(tmp_path / "src" / "ledger.gpkg") as source,
        ledger.GeoPackageLedger(tmp_path / "copy1" / "sub" / "ledger.gpkg") as target,
    ):
        with pytest.raises(ledger.LedgerError) as refused:
            copy_ledger(source, target)
        assert target.evidence() == []
    message = str(refused.value)
    assert "未复制任何内容" in message and "nothing was copied" in message
    assert "'../brigade_private/notes.txt'" in message and "spot fid 1" in message
    assert sorted(p.name for p in (tmp_path / "copy1" / "sub").iterdir()) == ["ledger.gpkg"]


def test_a_copy_follows_no_symbolic_link_of_the_source_folder(tmp_path):
    store, _ = _ledger_with_photo(tmp_path / "src")
    recorded = store.evidence()[0]
    store.close()
    photo = tmp_path / "src" / "evidence" / recorded.path
    photo.unlink()
    (tmp_path / "secret.jpg").write_bytes(PHOTO)
    photo.symlink_to(tmp_path / "secret.jpg")
    (tmp_path / "dst").mkdir()
    with (
        ledger.GeoPackageLedger(tmp_path / "src" / "ledger.gpkg") as source,
        ledger.GeoPackageLedger(tmp_path / "dst" / "ledger.gpkg") as target,
    ):
        report = copy_ledger(source, target)
    assert report.files_copied == 0
    assert any("is a symbolic link" in said and "not copied" in said for said in report.problems)
    assert not (tmp_path / "dst" / "evidence" / recorded.path).exists()


def test_a_copy_refuses_a_source_photo_swapped_for_a_link_after_the_look(tmp_path, monkeypatch):
    store, _ = _ledger_with_photo(tmp_path / "src")
    recorded = store.evidence()[0]
    store.close()
    photo = tmp_path / "src" / "evidence" / recorded.path
    (tmp_path / "secret.jpg").write_bytes(SECRET)
    looked = evidence.evidence_file

    def look_then_swap(root, path):
        place = looked(root, path)
        if place == photo and not photo.is_symlink():
            photo.unlink()
            photo.symlink_to(tmp_path / "secret.jpg")
        return place

    monkeypatch.setattr(evidence, "evidence_file", look_then_swap)
    monkeypatch.setattr(ledger_migrate, "evidence_file", look_then_swap)
    (tmp_path / "dst").mkdir()
    with (
        ledger.GeoPackageLedger(tmp_path / "src" / "ledger.gpkg") as source,
        ledger.GeoPackageLedger(tmp_path / "dst" / "ledger.gpkg") as target,
    ):
        report = copy_ledger(source, target)
    assert report.files_copied == 0
    [said] = report.problems
    assert said.startswith("图斑 fid 1 的证据路径被拒绝（") and "is a symbolic link" in said
    assert said.endswith(f"not copied: {recorded.path!r}")
    copied = tmp_path / "dst" / "evidence" / recorded.path
    assert not copied.exists() and not copied.with_name(f".{copied.name}.part").exists()


@pytest.mark.parametrize("stored", ["S1\\x.jpg", "C:/x.jpg", "S1//x.jpg", "../x.jpg"])
def test_recording_evidence_under_a_path_the_rule_refuses_is_refused_saying_why(tmp_path, stored):
    """The ledger's own add_evidence holds a path to the rule its readers (and the server's
    check) hold it to: a backslash was taken, and a shared ledger then refused the row with
    the server's bare CHECK error."""
    store, spot = _ledger_with_photo(tmp_path / "office")
    with store:
        record = store.evidence()[0]
        record.path, record.id = stored, None
        with pytest.raises(ledger.LedgerError) as refused:
            store.add_evidence(spot, record)
        assert len(store.evidence()) == 1
    message = str(refused.value)
    assert message.startswith("证据路径须在证据文件夹内（")
    assert message.endswith(f"): {stored!r}") and "evidence path must lie inside" in message


# A file time before the ZIP's first (1980: a camera whose clock was never set) and one past
# its last (2107: a clock run far ahead), in seconds since 1970.
UNSET_CAMERA_CLOCK = 0
FAR_FUTURE_CLOCK = 7_258_118_400  # 2200-01-01


@pytest.mark.parametrize(
    "clock, stamped",
    [
        (UNSET_CAMERA_CLOCK, export.ZIP_EARLIEST_TIME),
        (FAR_FUTURE_CLOCK, export.ZIP_LATEST_TIME),
    ],
)
def test_a_photo_dated_outside_the_zips_years_is_zipped_stamped_at_the_nearer_end(
    tmp_path, clock, stamped
):
    """A photo whose file time is 1970 stopped the export with "ZIP does not support
    timestamps before 1980" (and one past 2107 with a struct error): the zip holds it, hashed
    as ever, its time the nearest a ZIP can say."""
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    photo = root / "S1" / "p.jpg"
    photo.write_bytes(PHOTO)
    os.utime(photo, (clock, clock))
    assert os.stat(photo).st_mtime == clock  # the file system keeps the time tried
    result, names, manifest = _zip(tmp_path, root, [_row(root, "S1", "S1/p.jpg")])
    assert result.problems == [] and manifest[0][export.MANIFEST_CHECK] == export.CHECK_OK
    assert manifest[0][export.MANIFEST_SHA256] == hashlib.sha256(PHOTO).hexdigest()
    with zipfile.ZipFile(result.path) as archive:
        assert archive.read("S1/p.jpg") == PHOTO
        assert archive.getinfo("S1/p.jpg").date_time == stamped


def test_a_zipped_photo_bears_its_time_in_beijing_time_whatever_the_computers_zone(
    tmp_path, monkeypatch
):
    """A ZIP member's time says no zone: written in the computer's local time, a laptop set to
    UTC stamped photos eight hours behind every other time of the export (found by a review).
    2026-03-04 16:30:00 UTC is 2026-03-05 00:30 in Beijing."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        root = tmp_path / "evidence"
        (root / "S1").mkdir(parents=True)
        photo = root / "S1" / "p.jpg"
        photo.write_bytes(PHOTO)
        moment = 1_772_641_800  # 2026-03-04T16:30:00Z
        os.utime(photo, (moment, moment))
        result, _, _ = _zip(tmp_path, root, [_row(root, "S1", "S1/p.jpg")])
        with zipfile.ZipFile(result.path) as archive:
            assert archive.getinfo("S1/p.jpg").date_time == (2026, 3, 5, 0, 30, 0)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_zips_manifests_bear_the_time_in_beijing_as_its_photos_do(tmp_path, away_from_beijing):
    """manifest.csv and manifest.xlsx were stamped in the computer's zone (14:22 beside photos
    at 22:22, the review of 2026-11-29): written at 06:00 in Zichuan, they bear 06:00 (within
    the two seconds a ZIP's time counts in)."""
    import datetime as dt

    from zc_enforcement_plugin.core import clock

    away_from_beijing.set(dt.datetime(2026, 3, 5, 6, 0, 1, tzinfo=clock.CHINA_TIME))
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    (root / "S1" / "p.jpg").write_bytes(PHOTO)
    result, _, _ = _zip(tmp_path, root, [_row(root, "S1", "S1/p.jpg")])
    with zipfile.ZipFile(result.path) as archive:
        for name in (export.MANIFEST_NAME, export.MANIFEST_XLSX_NAME):
            assert archive.getinfo(name).date_time == (2026, 3, 5, 6, 0, 0), name
            assert archive.getinfo(name).compress_type == zipfile.ZIP_DEFLATED


@contextlib.contextmanager
def within_seconds(seconds: int):
    """Fail, rather than hang, a call that does not return within `seconds`."""

    def overdue(signum, frame):
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, overdue)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_pipe_at_a_stored_path_is_not_a_file_and_is_not_waited_on(tmp_path):
    """A named pipe put where a photo was: opening it for reading would wait for a writer for
    ever (the export, the check, hung). It is no file: FileNotFoundError, at once."""
    root = tmp_path / "evidence"
    (root / "S1").mkdir(parents=True)
    os.mkfifo(root / "S1" / "p.jpg")
    with within_seconds(5), pytest.raises(FileNotFoundError, match="not a file"):
        evidence.open_evidence_file(root, "S1/p.jpg")


def test_a_folder_named_like_a_photo_is_missing_and_the_manifest_says_so(tmp_path):
    """A folder where a photo's file should be (mkdir S1/d.jpg) is no file: FileNotFoundError,
    and the export zips nothing for it and marks it missing (缺失), rather than stopping."""
    root = tmp_path / "evidence"
    (root / "S1" / "d.jpg").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="not a file"):
        evidence.open_evidence_file(root, "S1/d.jpg")
    result, names, manifest = _zip(tmp_path, root, [_row(root, "S1", "S1/d.jpg")])
    assert "S1/d.jpg" not in names and "S1/d.jpg/" not in names
    assert manifest[0][export.MANIFEST_CHECK] == export.CHECK_MISSING == "缺失"
    assert [problem.problem for problem in result.problems] == [evidence.FILE_MISSING]
