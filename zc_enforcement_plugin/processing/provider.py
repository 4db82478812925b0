"""The Processing provider 'zcenforcement' that lists the plugin's algorithms."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..resources_paths import PLUGIN_ICON
from .base import PROVIDER_ID
from .campaigns import CAMPAIGN_ALGORITHMS
from .copy_ledger import CopyLedger
from .create_demo_district import CreateDemoDistrict
from .export_verification import ExportVerification
from .import_spots import ImportSpots
from .ledger_settings import LedgerSettings
from .patrols import PatrolCompliance, RecordPatrol, WithdrawPatrol
from .reports import AccountabilityRatio, Assessment, MonthlyRanking, WeeklyDispatch
from .screen_spots import ScreenSpots
from .withdraw_batch import WithdrawBatch


class EnforcementProvider(QgsProcessingProvider):
    """淄川卫片执法 / ZC Enforcement."""

    def loadAlgorithms(self):  # noqa: N802 - QGIS API
        for algorithm in (
            CreateDemoDistrict(),
            ScreenSpots(),
            ImportSpots(),
            WithdrawBatch(),
            ExportVerification(),
            CopyLedger(),
            MonthlyRanking(),
            WeeklyDispatch(),
            Assessment(),
            AccountabilityRatio(),
            RecordPatrol(),
            WithdrawPatrol(),
            PatrolCompliance(),
            LedgerSettings(),
            *(campaign() for campaign in CAMPAIGN_ALGORITHMS),
        ):
            self.addAlgorithm(algorithm)

    def id(self):
        return PROVIDER_ID

    def name(self):
        return tr("ZC Enforcement")

    def longName(self):  # noqa: N802 - QGIS API
        return self.name()

    def icon(self):
        return QIcon(str(PLUGIN_ICON))
