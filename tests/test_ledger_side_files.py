"""The ledger's SQLite side files (the -wal QGIS's OGR provider turns on while a layer is
edited, a hot -journal a crash leaves) and the messages of a save the disk or folder refuses."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.test_ledger import _spot
from zc_enforcement_plugin.core.ledger import GeoPackageLedger


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
