"""Processing algorithm zcenforcement:withdrawbatch: a batch imported by mistake, taken out."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputNumber, QgsProcessingParameterString

from ..core import ledger
from ..i18n import tr
from .base import EnforcementAlgorithm, add_ledger_parameter, fail, open_ledger, save_to_ledger


class WithdrawBatch(EnforcementAlgorithm):
    WRITES_LEDGER = True
    NAME = "withdrawbatch"
    DISPLAY_NAME = "Withdraw batch"
    GROUP = "Verification"
    GROUP_ID = "verification"
    HELP = (
        "Removes the batch BATCH from the ledger: its spots and then the batch itself, as "
        "though it had never been imported, so that the right file can be imported in its "
        "place. Only a batch none of whose spots has been worked on can be withdrawn: a spot "
        "with a verdict, evidence, a case or a patrol naming it is kept for good, and the "
        "run is refused before anything is removed, naming those spots. On the shared ledger "
        "only a brigade login may withdraw a batch. The removal is one transaction: cancelled "
        "or failed, it removes nothing.\n"
        "REMOVED: how many spots were removed."
    )

    BATCH = "BATCH"
    REMOVED = "REMOVED"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        add_ledger_parameter(self)
        self.addParameter(QgsProcessingParameterString(self.BATCH, tr("Batch to withdraw")))
        self.addOutput(QgsProcessingOutputNumber(self.REMOVED, tr("Spots removed")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        batch = self.parameterAsString(parameters, self.BATCH, context).strip()
        if not batch:
            raise fail(tr("No batch given."))
        feedback.setProgressText(tr("Withdrawing the batch {batch}").format(batch=batch))
        try:
            with open_ledger(self, parameters, context, feedback) as store:
                # Withdrawn with the reply lost is withdrawn: its count comes with the message.
                removed = save_to_ledger(
                    self,
                    feedback,
                    lambda: store.withdraw_batch(
                        batch, progress=feedback.setProgress, is_cancelled=feedback.isCanceled
                    ),
                )
        except ledger.WithdrawCancelled as cancelled:
            # A failure, not an empty success: a script must not go on as though the batch
            # were gone.
            raise fail(tr("Cancelled, nothing withdrawn.")) from cancelled
        except ledger.LedgerError as error:
            raise fail(str(error)) from error
        feedback.pushInfo(
            tr("Batch {batch} withdrawn: {count} spots removed.").format(batch=batch, count=removed)
        )
        return {self.REMOVED: removed}
