"""An export that meets a full disk, or is killed part way, leaves the output folder whole:
the earlier package as it was (or the new one whole), no hidden staging folder, and a log that
names the files, never a Python traceback."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from tests import test_export
from tests.test_export import folder_state, run_export, warning_log
from tests.write_errors import CAUSES, assert_said, write_error
from zc_enforcement_plugin.core import export, staging

# The field ledger test_export builds (three verdicts, photos, a recording), and what it needs.
field_ledger = test_export.field_ledger
screened = test_export.screened
screened_output = test_export.screened_output
gdal_shape_encoding_restored = test_export.gdal_shape_encoding_restored

EARLIER = {  # an earlier package: its sheets, and a spatial index the new one lacks
    "evidence.zip": b"earlier zip",
    "verification.cpg": b"GBK",
    "verification.dbf": b"earlier dbf",
    "verification.gpkg": b"earlier gpkg",
    "verification.prj": b"earlier prj",
    "verification.qix": b"earlier qix",
    "verification.shp": b"earlier shp",
    "verification.shx": b"earlier shx",
    "verification.xlsx": b"earlier xlsx",
    "verification_sheets.pdf": b"earlier pdf",
}
NEW = {name: b"new " + name.encode() for name in EARLIER if not name.endswith((".qix", ".pdf"))}


def full_disk(path) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def package_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    folder.mkdir()
    for name, data in EARLIER.items():
        (folder / name).write_bytes(data)
    (folder / "说明.txt").write_text("科室的备注", "utf-8")
    return folder


def crashed_staging(folder: Path, set_aside: list[str], moved_in: list[str], journal=True) -> Path:
    """The folder layout an export killed while publishing leaves: `set_aside` earlier files in
    earlier/, `moved_in` new files in the output folder, the rest of the new ones still staged."""
    place = folder / f"{staging.EXPORT_PREFIX}k1ll3d"
    place.mkdir()
    (place / staging.LOCK_NAME).touch()  # its process is gone: nobody holds the lock
    for name, data in NEW.items():
        (place / name).write_bytes(data)
    if journal:
        (place / staging.JOURNAL_NAME).write_text("\n".join(sorted(NEW)) + "\n", "utf-8")
    (place / staging.EARLIER_FOLDER).mkdir()
    for name in set_aside:
        (folder / name).replace(place / staging.EARLIER_FOLDER / name)
    for name in moved_in:
        (place / name).replace(folder / name)
    return place


def refusing_driver(monkeypatch, message: str) -> None:
    """GDAL's drivers refuse to make any file, raising `message` as its bindings do when
    exceptions are on."""
    from osgeo import ogr

    class Refusing:
        def CreateDataSource(self, *_):  # noqa: N802 - GDAL's name
            raise RuntimeError(message)

    monkeypatch.setattr(ogr, "GetDriverByName", lambda name: Refusing())


def visible(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


@pytest.mark.parametrize("journal", [True, False])  # False: left by the plugin before journals
def test_an_export_killed_while_setting_the_earlier_files_aside_is_undone(tmp_path, journal):
    """The reviewer's state: evidence.zip, .cpg and .dbf set aside, the Shapefile in the folder
    without its table. The next export puts them back before anything else, and says so."""
    folder = package_folder(tmp_path)
    before = visible(folder)
    place = crashed_staging(folder, ["evidence.zip", "verification.cpg", "verification.dbf"], [])
    if not journal:
        (place / staging.LOCK_NAME).unlink()
        old = time.time() - 3600
        os.utime(place, (old, old))
    assert "verification.dbf" not in visible(folder)
    messages = staging.recover_interrupted(folder)
    assert visible(folder) == before
    assert not place.exists()
    said = "\n".join(messages)
    for name in ("evidence.zip", "verification.cpg", "verification.dbf", place.name):
        assert name in said, said


def test_an_export_killed_while_moving_its_files_in_is_undone(tmp_path):
    """Every earlier file aside, two new ones moved in: the folder holds part of each. The
    earlier package comes back whole; the new files moved in go (the export never finished)."""
    folder = package_folder(tmp_path)
    before = visible(folder)
    every = [name for name in EARLIER]
    place = crashed_staging(folder, every, ["evidence.zip", "verification.cpg"])
    messages = staging.recover_interrupted(folder)
    assert visible(folder) == before
    assert not place.exists()
    assert "verification_sheets.pdf" in messages[0] and "evidence.zip" in messages[0]


def test_an_undo_killed_part_way_is_finished_never_taking_an_earlier_file_for_a_new_one(tmp_path):
    """Killed again while undoing: the new files back in staging, one earlier file restored.
    The next undo sees every new file staged, so keeps the restored one and restores the rest."""
    folder = package_folder(tmp_path)
    before = visible(folder)
    place = crashed_staging(folder, list(EARLIER), ["evidence.zip"])
    (folder / "evidence.zip").replace(place / "evidence.zip")  # the first undo's first step
    (place / staging.EARLIER_FOLDER / "evidence.zip").replace(folder / "evidence.zip")
    staging.recover_interrupted(folder)
    assert visible(folder) == before


def test_an_export_killed_after_its_last_file_moved_in_keeps_the_new_package(tmp_path):
    """Every new file in place: the new package is whole; what it replaced (with the earlier
    sheets and index it has none of) is removed, not put back beside it."""
    folder = package_folder(tmp_path)
    place = crashed_staging(folder, list(EARLIER), list(NEW))
    messages = staging.recover_interrupted(folder)
    assert visible(folder) == {**NEW, "说明.txt": "科室的备注".encode()}
    assert not place.exists()
    assert "verification_sheets.pdf" in messages[0] and "kept" in messages[0]


def test_a_staging_folder_of_an_export_running_now_is_left_alone(tmp_path):
    """Another QGIS exporting into the same folder holds its staging folder's lock: neither
    its files nor the earlier ones it set aside are touched."""
    folder = package_folder(tmp_path)
    place = crashed_staging(folder, ["evidence.zip"], [])
    state = folder_state(folder)
    held = staging._lock(place / staging.LOCK_NAME)  # a second open: as another process's
    assert held is not None
    try:
        assert staging.recover_interrupted(folder) == []
        assert folder_state(folder) == state
    finally:
        held.close()
    staging.recover_interrupted(folder)
    assert (folder / "evidence.zip").read_bytes() == EARLIER["evidence.zip"]


def test_a_lockless_staging_folder_made_this_instant_is_left_alone(tmp_path):
    folder = tmp_path / "package"
    place = folder / f"{staging.EXPORT_PREFIX}new"
    place.mkdir(parents=True)
    assert staging.recover_interrupted(folder) == [] and place.exists()


def test_the_next_export_removes_a_folder_left_by_one_killed_while_writing(
    provider, field_ledger, tmp_path
):
    """Killed while writing its GeoPackage: .zc_export_…/{verification.gpkg, -journal,
    evidence.zip} would stay forever (and on Windows, where it is not hidden, be uploaded).
    The next export removes it, says so, and leaves no staging folder of its own."""
    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    place = folder / f"{staging.EXPORT_PREFIX}abc123"
    place.mkdir()
    (place / staging.LOCK_NAME).touch()
    for name in ("verification.gpkg", "verification.gpkg-journal", "evidence.zip"):
        (place / name).write_bytes(b"half")
    log = warning_log()
    run_export(field_ledger, folder, feedback=log)
    assert not [p for p in folder.iterdir() if p.name.startswith(staging.EXPORT_PREFIX)]
    assert any(place.name in line for line in log.lines), log.lines


@pytest.mark.parametrize(
    ("writer", "final"),
    [
        ("write_evidence_zip", "evidence.zip"),
        ("write_vector_exports", "verification.gpkg"),
        ("write_xlsx", "verification.xlsx"),
    ],
)
def test_a_full_disk_is_said_naming_the_file_and_the_earlier_package_is_kept(
    provider, field_ledger, tmp_path, monkeypatch, writer, final
):
    """A full disk used to end in a Python traceback naming no file (the zip, the XLSX) or in
    the hidden staging path and a fiona object's repr (the Shapefile, then written with fiona)."""
    from qgis.core import QgsProcessingException

    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    before = folder_state(folder)
    written = getattr(export, writer)

    def fills_the_disk(target, *args, **kwargs):
        staged = Path(target)
        staged = staged if staged.is_dir() else staged.parent
        if writer == "write_vector_exports":
            # GDAL on a full disk: a message that says nothing of the disk.
            refusing_driver(
                monkeypatch, "sqlite3_exec failed: no such table: gpkg_geometry_columns"
            )
            monkeypatch.setattr(export.disk, "disk_full", lambda folder: True)
            return written(target, *args, **kwargs)
        part = staged / f".{final}.part"
        part.write_bytes(b"half")
        raise full_disk(part)

    monkeypatch.setattr(export, writer, fills_the_disk)
    with pytest.raises(QgsProcessingException) as raised:
        run_export(field_ledger, folder)
    said = str(raised.value)
    assert "the disk is full" in said and "磁盘已满" in said, said
    assert f"{final} in {folder}" in said, said
    for wrong in (staging.EXPORT_PREFIX, ".part", "0x", "Errno", "Traceback"):
        assert wrong not in said, said
    assert folder_state(folder) == before


def test_a_driver_error_names_the_file_in_the_output_folder_without_a_repr(
    provider, field_ledger, tmp_path, monkeypatch
):
    """Not a full disk: the driver's own words, with the file as the folder will name it."""
    from qgis.core import QgsProcessingException

    refusing_driver(monkeypatch, "Failed to write record")
    monkeypatch.setattr(export.disk, "disk_full", lambda folder: False)
    folder = tmp_path / "package"
    with pytest.raises(QgsProcessingException) as raised:
        run_export(field_ledger, folder)
    said = str(raised.value)
    assert str(folder / "verification.gpkg") in said and "Failed to write record" in said, said
    assert staging.EXPORT_PREFIX not in said and "Traceback" not in said, said


def test_a_report_killed_while_moving_its_pair_in_is_undone_by_the_next_run(tmp_path):
    """A report's workbook and PDF are published as the export's package is (core.staging):
    killed with its new workbook moved in and its PDF still staged, the next run into the
    folder (report or export) puts the earlier pair back."""
    folder = tmp_path / "reports"
    folder.mkdir()
    pair = ("monthly_ranking_2026-11.pdf", "monthly_ranking_2026-11.xlsx")
    for name in pair:
        (folder / name).write_bytes(b"earlier " + name.encode())
    before = visible(folder)
    place = folder / f"{staging.REPORT_PREFIX}k1ll3d"
    place.mkdir()
    (place / staging.LOCK_NAME).touch()
    for name in pair:
        (place / name).write_bytes(b"new " + name.encode())
    (place / staging.JOURNAL_NAME).write_text("\n".join(pair) + "\n", "utf-8")
    (place / staging.EARLIER_FOLDER).mkdir()
    for name in pair:
        (folder / name).replace(place / staging.EARLIER_FOLDER / name)
    (place / pair[1]).replace(folder / pair[1])  # the new workbook moved in, the PDF not yet

    messages = staging.recover_interrupted(folder)
    assert visible(folder) == before
    assert not place.exists()
    assert pair[1] in "\n".join(messages)


@pytest.mark.parametrize("cause", CAUSES)
def test_each_cause_of_a_failed_write_is_said_in_the_reports_words_too(
    provider, field_ledger, tmp_path, monkeypatch, cause
):
    """One message for a write into the output folder that fails, the export's and the
    reports' (processing.base.cannot_write_message): the cause in words, the file by its name
    in the output folder, the folder, the earlier package kept (test_reports checks the same
    words through a report)."""
    from qgis.core import QgsProcessingException

    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    before = folder_state(folder)

    def fails(target, *args, **kwargs):
        part = Path(target).parent / ".verification.xlsx.part"
        part.write_bytes(b"half")
        raise write_error(cause, part)

    monkeypatch.setattr(export, "write_xlsx", fails)
    with pytest.raises(QgsProcessingException) as raised:
        run_export(field_ledger, folder)
    assert_said(str(raised.value), cause, "verification.xlsx", folder)
    assert folder_state(folder) == before


@pytest.mark.parametrize("cause", ["read-only", "no permission"])
def test_an_export_whose_hidden_folder_cannot_be_made_says_why_naming_the_folder(
    provider, field_ledger, tmp_path, monkeypatch, cause
):
    """Before any file: the hidden staging folder cannot be made in the output folder. The
    message names the output folder and the cause, not the hidden folder's name."""
    from qgis.core import QgsProcessingException

    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    before = folder_state(folder)

    def refused(place, prefix):
        raise write_error(cause, Path(place) / f"{prefix}x1")

    monkeypatch.setattr(staging, "make_staging", refused)
    with pytest.raises(QgsProcessingException) as raised:
        run_export(field_ledger, folder)
    assert_said(str(raised.value), cause, None, folder)
    assert folder_state(folder) == before
