"""What every algorithm of the provider shares: group, translation, help and cancellation."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..resources_paths import PLUGIN_ICON


class EnforcementAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY_NAME, GROUP, GROUP_ID and HELP (English, via tr)."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = ""
    GROUP_ID = ""
    HELP = ""

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 - QGIS API
        return tr(self.DISPLAY_NAME)

    def group(self):
        return tr(self.GROUP)

    def groupId(self):  # noqa: N802 - QGIS API
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802 - QGIS API
        return tr(self.HELP)

    def icon(self):
        return QIcon(str(PLUGIN_ICON))

    def createInstance(self):  # noqa: N802 - QGIS API
        return type(self)()


def progress_callbacks(feedback: QgsProcessingFeedback):
    """The (progress, is_cancelled) pair core/ functions take, bound to a Processing feedback."""
    return feedback.setProgress, feedback.isCanceled


def fail(message: str) -> QgsProcessingException:
    """An exception Processing shows to the user as the algorithm's error message."""
    return QgsProcessingException(message)
