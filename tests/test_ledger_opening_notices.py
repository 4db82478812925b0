"""What opening a GeoPackage ledger did that its user must hear of (side files SQLite applied,
an upgrade of its schema), said by the dock and by the algorithms; and what the dock says of a
project whose ledger is missing."""

from __future__ import annotations

import sqlite3

import pytest
from qgis.core import Qgis, QgsProcessingFeedback, QgsProject

from tests.test_ledger_side_files import _restore_over_a_ledger_qgis_has_open
from zc_enforcement_plugin.core import ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE, VerificationDock

OLD = ls.SCHEMA_VERSION - 1


class WarningLog(QgsProcessingFeedback):
    """The warnings a run pushes."""

    def __init__(self):
        super().__init__()
        self.warnings: list[str] = []

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        self.warnings.append(warning)


@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    widget = VerificationDock(None, qgis_iface)
    widget.show()
    yield widget
    widget.stack.acceptAllPanels()
    widget.cleanup()
    widget.deleteLater()


@pytest.fixture
def bar(qgis_iface, monkeypatch):
    """The message bar, each warning pushed kept as (text, how long it is shown: 0 until
    closed; pytest-qgis's bar keeps no duration)."""
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    bar.warnings = []
    push = bar.pushMessage

    def pushed(title, text, level=Qgis.MessageLevel.Info, duration=-1):
        if level == Qgis.MessageLevel.Warning:
            bar.warnings.append((text, duration))
        push(title, text, level, duration)

    monkeypatch.setattr(bar, "pushMessage", pushed)
    return bar


def _old_ledger(path):
    """A ledger at the schema version before this plugin's, holding a batch."""
    ledger.create_ledger_file(path, schema_version=OLD)
    conn = sqlite3.connect(str(path))
    now = "2024-05-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO ledger_batches (name, imported_at, updated_at) VALUES ('b', ?, ?)",
        (now, now),
    )
    conn.commit()
    conn.close()
    return path


def _kept_warnings(bar, *named) -> list[str]:
    """The warnings kept in the bar until closed that name each of `named`."""
    return [
        text for text, duration in bar.warnings if duration == 0 and all(n in text for n in named)
    ]


def test_the_dock_says_a_backup_restored_over_a_ledger_qgis_has_open_did_not_take(
    dock, bar, tmp_path
):
    path = tmp_path / "ledger.gpkg"
    qgis = _restore_over_a_ledger_qgis_has_open(path, tmp_path)
    try:
        assert dock.open_ledger(str(path))
    finally:
        qgis.close()
    backup = tmp_path / "ledger.before-recovery.gpkg"
    assert _kept_warnings(bar, f"{path}-wal", str(backup), "copyledger"), bar.warnings
    assert str(backup) in dock.details.toPlainText()


def test_the_dock_says_an_upgrade_and_the_copy_made_before_it(dock, bar, tmp_path):
    path = _old_ledger(tmp_path / "ledger.gpkg")
    assert dock.open_ledger(str(path))
    backup = tmp_path / f"ledger.v{OLD}-backup.gpkg"
    assert backup.is_file()
    [said] = _kept_warnings(bar, str(path), str(backup), "can no longer open it")
    assert f"from schema version {OLD} to {ls.SCHEMA_VERSION}" in said
    assert str(backup) in dock.details.toPlainText()


def test_a_project_whose_ledger_is_upgraded_says_so_once_its_review_is_shown(dock, bar, tmp_path):
    """Restoring a project shows its spot after opening the ledger, which rewrites the text
    under it: the upgrade is said after that, so it stays there too."""
    path = _old_ledger(tmp_path / "ledger.gpkg")
    QgsProject.instance().writeEntry(PROJECT_SCOPE, "ledger", str(path))
    dock.restore_state()
    assert dock.session.is_open
    backup = tmp_path / f"ledger.v{OLD}-backup.gpkg"
    assert len(_kept_warnings(bar, str(backup))) == 1
    assert str(backup) in dock.details.toPlainText()


def test_a_project_whose_ledger_is_missing_says_how_to_pick_it_again(dock, tmp_path):
    """A project whose ledger was moved to another drive said only that it was missing. It
    says now where to pick it and that saving the project stores the new path, which it does."""
    moved = tmp_path / "E" / "ledger.gpkg"
    moved.parent.mkdir()
    ledger.GeoPackageLedger(moved).close()
    project = QgsProject.instance()
    project.writeEntry(PROJECT_SCOPE, "ledger", str(tmp_path / "D" / "ledger.gpkg"))
    dock.restore_state()
    said = dock.details.toPlainText()
    assert str(tmp_path / "D" / "ledger.gpkg") in said
    assert "the panel's “Ledger” box" in said
    assert "saving the project then stores the new path" in said

    assert dock.choose_ledger(str(moved))
    dock.save_state()
    assert project.readPath(project.readEntry(PROJECT_SCOPE, "ledger", "")[0]) == str(moved)


def test_an_algorithm_says_an_upgrade_in_its_log(provider, tmp_path):
    import processing

    path = _old_ledger(tmp_path / "ledger.gpkg")
    log = WarningLog()
    processing.run("zcenforcement:ledgersettings", {"LEDGER": str(path)}, feedback=log)
    backup = tmp_path / f"ledger.v{OLD}-backup.gpkg"
    assert [w for w in log.warnings if str(backup) in w and "can no longer open it" in w]


def test_copyledger_says_the_side_files_applied_to_the_ledger_it_copies(provider, tmp_path):
    import processing

    path = tmp_path / "ledger.gpkg"
    qgis = _restore_over_a_ledger_qgis_has_open(path, tmp_path)
    log = WarningLog()
    try:
        processing.run(
            "zcenforcement:copyledger",
            {"SOURCE": str(path), "TARGET": str(tmp_path / "copy.gpkg")},
            feedback=log,
        )
    finally:
        qgis.close()
    backup = tmp_path / "ledger.before-recovery.gpkg"
    assert [w for w in log.warnings if f"{path}-wal" in w and str(backup) in w], log.warnings
