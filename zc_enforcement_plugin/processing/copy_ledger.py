"""Processing algorithm zcenforcement:copyledger: a ledger into another store, then compared."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterString,
)

from ..core import ledger
from ..core.ledger_migrate import compare_ledgers, copy_ledger, remove_made
from ..core.ledger_reference import is_postgis_reference
from ..i18n import tr
from ..postgis_connection import open_ledger_store
from .base import (
    EnforcementAlgorithm,
    ProgressSpan,
    fail,
    save_to_ledger,
    say_opening_notices,
)

# Files SQLite may keep beside a database while it writes (rollback journal, WAL).
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")
# The progress (%) once the copy is made: the comparison takes the rest of the bar.
COPIED = 70


class CopyLedger(EnforcementAlgorithm):
    NAME = "copyledger"
    DISPLAY_NAME = "Copy a ledger (GeoPackage ⇄ shared PostGIS)"
    GROUP = "Verification"
    GROUP_ID = "verification"
    HELP = (
        "Copies every batch, spot, verdict, evidence record, case, patrol and setting of "
        "one ledger into a new ledger (TARGET), an empty one, in one transaction: a "
        "GeoPackage into the shared ledger (postgis:// and the name of a saved connection) "
        "or back. Evidence files are copied into the target's evidence folder and checked "
        "against their SHA-256. The two ledgers are then compared row by row and file by "
        "file; any difference is listed and makes the run fail. A run that fails leaves "
        "the target's folder as it was: a GeoPackage it created is removed, with the "
        "holidays.json and the evidence files it put beside it."
    )

    SOURCE = "SOURCE"
    TARGET = "TARGET"
    DIFFERENCES = "DIFFERENCES"
    SUMMARY = "SUMMARY"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterString(
                self.SOURCE, tr("Ledger to copy (GeoPackage path or postgis://<connection>)")
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TARGET, tr("New ledger (GeoPackage path or postgis://<connection>)")
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.DIFFERENCES, tr("Differences found")))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        source_ref = self.parameterAsString(parameters, self.SOURCE, context).strip()
        target_ref = self.parameterAsString(parameters, self.TARGET, context).strip()
        if source_ref == target_ref:
            raise fail(tr("The source and the target are the same ledger."))
        # A GeoPackage this run creates is the run's to take away if it fails, with all it put
        # beside it: a half copy, or one not proven equal, would only make the next run refuse
        # a target "not empty" or meet a holiday file it did not choose.
        new_file = None
        if not is_postgis_reference(target_ref) and not Path(target_ref).exists():
            new_file = Path(target_ref)
        made = []
        report = None
        try:
            try:
                with (
                    open_ledger_store(source_ref, create=False) as source,
                    open_ledger_store(target_ref) as target,
                    # A cancel ends a statement of either ledger waiting on the network too.
                    source.cancellable(feedback.isCanceled, ledger.CopyCancelled),
                    target.cancellable(feedback.isCanceled, ledger.CopyCancelled),
                ):
                    say_opening_notices(source, feedback)
                    say_opening_notices(target, feedback)
                    feedback.setProgressText(tr("Copying"))
                    # Copied with the reply lost is copied, and compared as any copy: its
                    # report (and the files it made, kept) come with the message.
                    report = save_to_ledger(
                        self,
                        feedback,
                        lambda: copy_ledger(source, target, is_cancelled=feedback.isCanceled),
                    )
                    made = report.made
                    feedback.setProgress(COPIED)
                    feedback.setProgressText(tr("Comparing every row and evidence hash"))
                    # A GeoPackage has no statement a cancel could end (as cancellable does
                    # a shared ledger's): the comparison asks itself, between its steps.
                    differences = compare_ledgers(
                        source,
                        target,
                        progress=ProgressSpan(feedback, COPIED, 100).setProgress,
                        is_cancelled=feedback.isCanceled,
                    )
            except ledger.CopyCancelled as cancelled:
                raise fail(self._cancelled(report, new_file, target_ref)) from cancelled
            except (ledger.LedgerError, ValueError, OSError) as error:
                raise fail(str(error)) from error
            for line in differences:
                feedback.reportError(line)
            if differences:
                raise fail(
                    tr("{count} differences after copying: see the log.").format(
                        count=len(differences)
                    )
                )
        except BaseException:
            if new_file is not None:
                sidecars = [new_file.with_name(new_file.name + end) for end in SQLITE_SIDECARS]
                for line in remove_made([new_file, *sidecars, *made]):
                    feedback.reportError(line)
            raise
        summary = report.summary()
        feedback.pushInfo(summary)
        return {self.DIFFERENCES: 0, self.SUMMARY: summary}

    @staticmethod
    def _cancelled(report, new_file: Path | None, target_ref: str) -> str:
        """What a cancelled run says: nothing copied, unless the copy had been committed into a
        ledger the run does not take away (the cancel came while comparing)."""
        if report is None or new_file is not None:  # rolled back, or its new file removed
            return tr("Cancelled, nothing copied.")
        return tr(
            "Cancelled while comparing: the copy into {target} was made whole but not compared "
            "with its source; check it before use, or copy again into a new ledger."
        ).format(target=target_ref)
