"""检查举证材料 as a QGIS task: evidence files hashed in the background, with progress and cancel.

A ledger kept for years holds thousands of photos and videos, often on a network share: hashed
on the UI thread they froze QGIS for minutes. The ledger's connection (sqlite3, psycopg2) must
stay on the thread that opened it, so the records are read there and handed to the task, which
reads files only; what it found is taken back on the main thread when it finishes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from qgis.core import QgsTask

from ..core import evidence, ledger
from ..i18n import tr


class EvidenceCheckTask(QgsTask):
    """Hashes the files of ``records`` under ``root`` against their recorded hashes."""

    def __init__(
        self,
        root: Path,
        records: list[ledger.EvidenceRecord],
        states: evidence.EvidenceFileStates,
        when_done: Callable[[EvidenceCheckTask], None],
    ) -> None:
        super().__init__(tr("Checking evidence files"), QgsTask.Flag.CanCancel)
        self.root, self.records = root, records
        # A copy of what the dock knows: the panel goes on hashing its own page's files with
        # the dock's states meanwhile, and one object must not be used from two threads.
        self.states = states
        self.problems: list[ledger.EvidenceProblem] = []
        self.checked = 0
        self.error = ""  # what stopped the check, if anything did
        self._when_done = when_done

    @property
    def cancelled(self) -> bool:
        return self.checked < len(self.records)

    def run(self) -> bool:  # the task's thread: files only, never the ledger
        try:
            self.problems, self.checked = evidence.check_evidence_files(
                self.root, self.records, self.states, self.setProgress, self.isCanceled
            )
        except Exception as error:  # noqa: BLE001 - said on the main thread, never raised in QGIS's
            self.error = f"{type(error).__name__}: {error}"
            return False
        return not self.cancelled

    def finished(self, result: bool) -> None:  # noqa: ARG002 - the main thread, once
        self._when_done(self)
