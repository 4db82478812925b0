"""Removing the Processing provider at unload without pulling it from under a running algorithm.

QGIS's registry deletes a provider it removes, and every copy of its algorithms keeps a bare
pointer to it: a task still running one when the plugin is reloaded or upgraded (Plugin
Reloader, Install from ZIP) asked the deleted provider for the algorithm's id as it finished,
and QGIS died (SIGSEGV in QgsProcessingAlgorithm::id). So while such tasks run the provider
stays registered; it is removed once the last of them has ended, and the plugin loaded in the
meantime registers its own provider then (the ids are the same: two cannot be registered).

Nothing here may live on the plugin object or in a module the next load imports afresh: the
closures below keep this module's globals for as long as they are connected.
"""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import (
    QgsApplication,
    QgsMessageLog,
    QgsProcessingAlgRunnerTask,
    QgsProcessingProvider,
    QgsTask,
)
from qgis.PyQt.QtCore import QTimer

from ..compat import LEVEL_INFO
from ..i18n import tr
from ..ui.messages import LOG_TAG

# The connections that keep a provider until its tasks end: held here, not by the plugin
# object that QGIS drops at unload, or they and the provider would go with it.
_KEPT: list[Callable] = []
_KEPT_PROVIDERS: list[QgsProcessingProvider] = []


def running_algorithm_tasks(provider: QgsProcessingProvider) -> list[QgsTask]:
    """The active tasks that run one of `provider`'s algorithms.

    QGIS 3.22's QgsProcessingAlgRunnerTask does not say which algorithm it runs; its
    description is 'Executing “<the algorithm's display name>”' (in QGIS's language, whose
    quotes may differ), so the display names tell them apart. A task of another provider's
    algorithm of the same name only keeps this provider a little longer: harmless, unlike
    the opposite mistake."""
    names = [algorithm.displayName() for algorithm in provider.algorithms()]
    return [
        task
        for task in QgsApplication.taskManager().activeTasks()
        if (
            isinstance(task, QgsProcessingAlgRunnerTask)
            or task.metaObject().className() == "QgsProcessingAlgRunnerTask"
        )
        and any(name in task.description() for name in names)
    ]


def release_provider(provider: QgsProcessingProvider, tell: Callable[[str], None]) -> bool:
    """Remove `provider` from the registry now, or, while tasks run its algorithms, once the
    last of them has ended (what they do on their end, such as the algorithm dialog naming
    the algorithm, needs it). Returns whether it was removed now; `tell` says why not."""
    registry = QgsApplication.processingRegistry()
    manager = QgsApplication.taskManager()
    waiting = {manager.taskId(task) for task in running_algorithm_tasks(provider)}
    if not waiting:
        registry.removeProvider(provider)
        return True
    tell(
        tr(
            "{count} ZC Enforcement algorithm(s) still running: their Processing provider "
            "stays until they end, then the reloaded plugin's replaces it."
        ).format(count=len(waiting))
    )

    def remove() -> None:
        if provider in _KEPT_PROVIDERS:
            _KEPT_PROVIDERS.remove(provider)
            registry.removeProvider(provider)

    def on_status(task_id: int, status: int) -> None:
        # The task manager says a task ended after the task's own finished() (the dialog's
        # use of the algorithm) ran; a task gone without saying so is no longer waited for.
        if status in (QgsTask.Complete, QgsTask.Terminated):
            waiting.discard(task_id)
        waiting.intersection_update(manager.taskId(task) for task in manager.activeTasks())
        if waiting:
            return
        manager.statusChanged.disconnect(on_status)
        _KEPT.remove(on_status)
        # Left to the event loop: the task that just ended is still being finished (and
        # then deleted) by the code that emitted this.
        QTimer.singleShot(0, remove)

    _KEPT_PROVIDERS.append(provider)
    _KEPT.append(on_status)
    manager.statusChanged.connect(on_status)
    return False


def register_provider(provider: QgsProcessingProvider) -> Callable[[], bool]:
    """Add `provider` to the registry now, or, while the previous load's provider of the same
    id is kept for its running algorithms, as soon as that one is removed. Returns what
    withdraws it before it is added (the plugin unloaded first: it must then never be), which
    says whether it was still waiting, that is, never registered."""
    registry = QgsApplication.processingRegistry()
    if registry.providerById(provider.id()) is None:
        registry.addProvider(provider)
        return lambda: False
    QgsMessageLog.logMessage(
        tr(
            "The ZC Enforcement algorithms of the previous load are still running: the "
            "reloaded plugin's algorithms are registered once they end."
        ),
        LOG_TAG,
        LEVEL_INFO,
    )

    def on_removed(provider_id: str) -> None:
        if provider_id != provider.id():
            return
        withdraw()
        registry.addProvider(provider)
        QgsMessageLog.logMessage(
            tr("The reloaded ZC Enforcement algorithms are registered."), LOG_TAG, LEVEL_INFO
        )

    def withdraw() -> bool:
        if on_removed not in _KEPT:
            return False
        registry.providerRemoved.disconnect(on_removed)
        _KEPT.remove(on_removed)
        return True

    _KEPT.append(on_removed)
    registry.providerRemoved.connect(on_removed)
    return withdraw
