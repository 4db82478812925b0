"""The ledger's SQLite side files (the -wal QGIS's OGR provider turns on while a layer is
edited, a hot -journal a crash leaves) and the messages of a save the disk or folder refuses."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_ledger import _spot
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, LedgerError


def _numbers(path: Path) -> list[str]:
    """The spot numbers the file at `path` holds by itself (no side files beside it)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return sorted(n for (n,) in conn.execute("SELECT JCBH FROM ledger_spots"))
    finally:
        conn.close()


def _copy_alone(path: Path, to: Path) -> Path:
    """`cp ledger.gpkg to`: the file without its side files."""
    shutil.copyfile(path, to)
    return to


def test_a_save_while_qgis_edits_the_ledger_is_in_the_file_itself(qgis_app, tmp_path):
    """QGIS's OGR provider turns a GeoPackage into WAL mode while a layer of it is edited; a
    save then sat in ledger.gpkg-wal, and a copy of ledger.gpkg alone (a backup, a USB stick)
    lacked it while saying it was whole. Each save is now checkpointed into the file."""
    from qgis.core import QgsVectorLayer

    path = tmp_path / "ledger.gpkg"
    GeoPackageLedger(path).close()
    layer = QgsVectorLayer(f"{path}|layername=ledger_spots", "spots", "ogr")
    assert layer.isValid() and layer.startEditing()
    with GeoPackageLedger(path) as ledger:
        assert ledger._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        ledger.import_batch("2024-01", [_spot("370302240101")])
        assert _numbers(_copy_alone(path, tmp_path / "copy1.gpkg")) == ["370302240101"]

        # A reader in the middle of a read holds the WAL back: the save is neither refused
        # nor kept waiting on it, and stays safe in the WAL until the next save moves it in.
        reader = sqlite3.connect(str(path), isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM ledger_spots").fetchone()
        ledger.import_batch("2024-02", [_spot("370302240202", 1)])
        assert [s.number for s in ledger.spots()] == ["370302240101", "370302240202"]
        reader.execute("COMMIT")
        reader.close()
        ledger.import_batch("2024-03", [_spot("370302240303", 2)])
        assert _numbers(_copy_alone(path, tmp_path / "copy2.gpkg")) == [
            "370302240101",
            "370302240202",
            "370302240303",
        ]
    assert layer.rollBack()


# A program that held the ledger in WAL mode (QGIS editing it) writes and is killed before it
# can checkpoint: its pages stay in ledger.gpkg-wal.
_WAL_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
assert conn.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("CREATE TABLE qgis_edits (note BLOB)")
for i in range(3):
    conn.execute("INSERT INTO qgis_edits VALUES (?)", (b"x" * 20000,))
    conn.execute("UPDATE ledger_meta SET value = value WHERE key = 'office'")
open(sys.argv[2], "w").write("written")
time.sleep(300)
"""


def _leave_stale_wal(path: Path, tmp_path: Path) -> None:
    script, marker = tmp_path / "writer.py", tmp_path / "written"
    script.write_text(_WAL_WRITER, encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script), str(path), str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the writer ended early"
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert Path(f"{path}-wal").stat().st_size > 0


def test_a_stale_wal_does_not_destroy_another_ledger_restored_in_its_place(tmp_path):
    """A QGIS killed while editing the ledger leaves ledger.gpkg-wal; the user puts another
    ledger (a backup) at that path. SQLite applied the foreign WAL to it on the next open and
    the restored ledger was gone. Now the file as it was is copied aside first, the open is
    refused naming the side file and the copy, and the file is left byte for byte."""
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path, office="昆仑镇") as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
    restored = tmp_path / "backup.gpkg"
    with GeoPackageLedger(restored, office="昆仑镇") as other:
        # Larger than the ledger the WAL belongs to, so the WAL's pages land inside its tables.
        other.import_batch("2023-12", [_spot(f"3703022312{i:03d}", i) for i in range(300)])
    _leave_stale_wal(path, tmp_path)
    shutil.copyfile(restored, path)  # the side files stay
    before = path.read_bytes()
    wal = Path(f"{path}-wal")
    wal_before = wal.read_bytes()

    with pytest.raises(LedgerError) as caught:
        GeoPackageLedger(path, create=False)
    message = str(caught.value)
    backup = tmp_path / "ledger.before-recovery.gpkg"
    assert str(path) in message and str(wal) in message and str(backup) in message
    assert "damaged" in message and "已损坏" in message
    assert path.read_bytes() == before and wal.read_bytes() == wal_before
    assert backup.read_bytes() == before
    assert (tmp_path / "ledger.before-recovery.gpkg-wal.saved").read_bytes() == wal_before
    # What the user does once told: the restored ledger is whole without the stale WAL.
    wal.unlink()
    Path(f"{path}-shm").unlink(missing_ok=True)
    numbers = [f"3703022312{i:03d}" for i in range(300)]
    assert _numbers(path) == numbers
    with GeoPackageLedger(path, create=False) as reopened:
        assert sorted(s.number for s in reopened.spots()) == numbers


def test_a_wal_of_the_ledger_itself_is_applied_once_copied_aside(tmp_path):
    """The common case: the WAL is the ledger's own (QGIS editing it, or killed while it did):
    the ledger opens with what the WAL holds, the file as it was is copied aside once, and a
    second open in the same session copies nothing."""
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
    _leave_stale_wal(path, tmp_path)
    before = path.read_bytes()
    with GeoPackageLedger(path, create=False) as ledger:
        assert [s.number for s in ledger.spots()] == ["370302240101"]
        assert ledger._conn.execute("SELECT count(*) FROM qgis_edits").fetchone()[0] == 3
        ledger.import_batch("2024-02", [_spot("370302240202", 1)])
    backup = tmp_path / "ledger.before-recovery.gpkg"
    assert backup.read_bytes() == before
    copied = backup.stat().st_mtime_ns
    # Leave the WAL non-empty again, as a QGIS editing it keeps it, and open once more.
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("INSERT INTO qgis_edits VALUES (x'00')")
    assert Path(f"{path}-wal").stat().st_size > 0
    with GeoPackageLedger(path, create=False) as again:
        assert again._conn.execute("SELECT count(*) FROM qgis_edits").fetchone()[0] == 4
    holder.close()
    assert backup.stat().st_mtime_ns == copied


def _restore_over_a_ledger_qgis_has_open(path: Path, tmp_path: Path) -> sqlite3.Connection:
    """A backup of the ledger at `path` copied over it in place, while "QGIS" (the connection
    returned, to be closed by the caller) keeps the batch "after-backup", saved since, in its
    live WAL beside the file."""
    with GeoPackageLedger(path, office="昆仑镇") as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
    backup = _copy_alone(path, tmp_path / "backup_monday.gpkg")
    qgis = sqlite3.connect(str(path), isolation_level=None)
    assert qgis.execute("PRAGMA journal_mode = wal").fetchone()[0] == "wal"
    qgis.execute("PRAGMA wal_autocheckpoint = 0")
    qgis.execute(
        "INSERT INTO ledger_batches (name, source, imported_at, updated_at) VALUES "
        "('after-backup', 'x', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z')"
    )
    shutil.copyfile(backup, path)  # the user's restore: -wal and -shm stay beside it
    return qgis


def test_a_backup_restored_over_a_ledger_qgis_has_open_is_said_not_to_have_taken(tmp_path):
    """QGIS's live WAL is applied to the backup copied over the ledger: the changes made after
    the backup are back, and the file passes the check. That was said nowhere; now the
    ledger's opening notices name the side files, the copy of the file as it was, and what to
    do if a backup was being restored. Said once: a second open in the session says nothing."""
    path = tmp_path / "ledger.gpkg"
    qgis = _restore_over_a_ledger_qgis_has_open(path, tmp_path)
    try:
        with GeoPackageLedger(path, create=False) as ledger:
            assert "after-backup" in [batch.name for batch in ledger.batches()]
            [notice] = ledger.opening_notices
        with GeoPackageLedger(path, create=False) as again:
            assert again.opening_notices == []
    finally:
        qgis.close()
    copy = tmp_path / "ledger.before-recovery.gpkg"
    for named in (path, f"{path}-wal", f"{path}-shm", copy):
        assert str(named) in notice
    assert "恢复并未生效" in notice and "关闭 QGIS" in notice and "copyledger" in notice
    assert "the restore did not take" in notice and "close QGIS" in notice
    assert _numbers(copy) == ["370302240101"]  # the copy is the backup as restored


def test_a_ledger_opened_without_side_files_says_nothing(tmp_path):
    path = tmp_path / "ledger.gpkg"
    GeoPackageLedger(path).close()
    with GeoPackageLedger(path, create=False) as ledger:
        assert ledger.opening_notices == []
    assert not (tmp_path / "ledger.before-recovery.gpkg").exists()


def test_a_ledger_whose_backup_cannot_be_written_is_not_opened(tmp_path):
    """The copy made before SQLite applies a leftover side file is the only place the ledger
    as it was survives a foreign WAL: when it cannot be made (here a folder stands at the
    backup's name, as a full disk or a read-only folder would refuse it too — root ignores
    permissions), the ledger is not opened at all, the message names the ledger, the side
    file and the backup, and neither the file nor the side file is touched."""
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path, office="昆仑镇") as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
    _leave_stale_wal(path, tmp_path)
    before = path.read_bytes()
    wal = Path(f"{path}-wal")
    wal_before = wal.read_bytes()
    blocker = tmp_path / "ledger.before-recovery.gpkg"
    blocker.mkdir()
    (blocker / "keep.txt").write_text("a folder the user made", encoding="utf-8")

    with pytest.raises(LedgerError) as caught:
        GeoPackageLedger(path, create=False)
    message = str(caught.value)
    assert str(path) in message and str(wal) in message and str(blocker) in message
    assert "无法先备份" in message and "could not be backed up" in message
    assert "未打开" in message and "not opened" in message
    assert path.read_bytes() == before and wal.read_bytes() == wal_before
    assert (blocker / "keep.txt").read_text(encoding="utf-8") == "a folder the user made"

    # Once the folder is moved away the same ledger opens, the WAL's save applied.
    shutil.rmtree(blocker)
    with GeoPackageLedger(path, create=False) as reopened:
        assert [s.number for s in reopened.spots()] == ["370302240101"]
    assert blocker.read_bytes() == before


# --- what a refused save says ---------------------------------------------------------------


def _save_refused(path: Path, read_only: Path, monkeypatch) -> str | None:
    """A save into the ledger at `path`, `read_only` (the file or its folder) made read-only.
    Root ignores file permissions, and a process run as another user cannot be relied on to
    reach this checkout (a clone in a folder only root may enter): as root, SQLite's refusal
    and the permission check are stood in for — the connection made read-only (query_only,
    SQLITE_READONLY as a read-only file or folder gives) and os.access answering by the mode."""
    ledger = GeoPackageLedger(path, create=False)
    try:
        if os.geteuid() == 0:
            plain = os.access

            def access(item, mode, *args, **kwargs):
                if mode & os.W_OK and Path(item) == read_only:
                    return False
                return plain(item, mode, *args, **kwargs)

            monkeypatch.setattr(os, "access", access)
            ledger._conn.execute("PRAGMA query_only = ON")
        ledger.import_batch("2024-02", [_spot("370302240202", 1)])
        return None
    except LedgerError as error:
        return str(error)
    finally:
        monkeypatch.undo()
        ledger.close()


@pytest.mark.parametrize("read_only", ["folder", "file"])
def test_a_save_refused_for_a_read_only_folder_names_the_folder(read_only, tmp_path, monkeypatch):
    """A writable ledger in a folder that cannot be written to was said to be a read-only
    file, while it is the folder, where SQLite cannot create its journal, that refuses."""
    folder = tmp_path / "office"
    folder.mkdir()
    path = folder / "ledger.gpkg"
    with GeoPackageLedger(path) as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
    target = folder if read_only == "folder" else path
    target.chmod(0o555 if read_only == "folder" else 0o444)
    try:
        before = path.read_bytes()
        message = _save_refused(path, target, monkeypatch)
        assert message is not None and str(path) in message and "nothing was saved" in message
        if read_only == "folder":
            assert f"the folder {folder} is read-only" in message
            assert f"文件夹 {folder} 为只读" in message
            assert "the file is read-only" not in message
        else:
            assert "the file is read-only" in message and "folder" not in message
        assert path.read_bytes() == before
    finally:
        target.chmod(0o755 if read_only == "folder" else 0o644)


def test_a_save_refused_for_a_full_disk_says_so_first(tmp_path):
    """Disk full was said as "无法读写 ... cannot be read or written", the cause last."""
    path = tmp_path / "ledger.gpkg"
    with GeoPackageLedger(path) as ledger:
        ledger.import_batch("2024-01", [_spot("370302240101")])
        before = path.read_bytes()
        # SQLite's own way to run out of room: the file may not grow past its current pages.
        pages = ledger._conn.execute("PRAGMA page_count").fetchone()[0]
        ledger._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(LedgerError) as caught:
            ledger.import_batch("2024-02", [_spot(f"3703022402{i:02d}", i) for i in range(60)])
    message = str(caught.value)
    assert message.startswith(f"磁盘已满，台帐 {path} 未保存")
    assert f"the disk is full: ledger {path}: nothing was saved" in message
    assert "cannot be read or written" not in message
    assert path.read_bytes() == before
