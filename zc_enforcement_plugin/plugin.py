"""Wires the plugin into QGIS: menu, toolbar, the verification dock and the Processing provider."""

from __future__ import annotations

import sys
from collections.abc import Callable

from qgis.core import QgsApplication, QgsMessageLog, QgsSettings
from qgis.PyQt.QtCore import QByteArray, QCoreApplication, QSize, Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QMainWindow

from .compat import LEVEL_CRITICAL, LEVEL_INFO, LEVEL_WARNING
from .dependencies import import_problems, install_commands, missing_recommended, needs_install
from .i18n import install_qt_translator, install_translator, tr
from .resources_paths import PLUGIN_ICON
from .ui.messages import LOG_TAG, bar_html

PANEL_SHOWN_SETTING = "zc_enforcement/panel_shown"  # the panel's visibility when last unloaded
# Where the panel was when last unloaded: its dock area, the panels it was tabbed with (object
# names, one a line), whether it floated and its geometry, and its width and height docked.
# QGIS restores its window's layout at start only, after the plugins load: a reload (Plugin
# Reloader, an upgrade from a zip) put the panel back on the right, out of its tab group,
# docked, and 88 px high below the Processing Toolbox it had shared the area with at 421.
# None saved: the panel was never placed, and is tabbed with the area's tallest panel.
PANEL_PLACE_SETTING = "zc_enforcement/panel_place"


class ZcEnforcementPlugin:
    """The plugin object QGIS holds; everything it adds in initGui() it removes in unload()."""

    def __init__(self, iface):
        self.iface = iface
        self.translator = install_translator()
        self.qt_translator = install_qt_translator()  # Qt's own buttons, where QGIS left them
        self.menu = tr("&ZC Enforcement")  # the Plugins submenu, in the user's language
        self.provider = None
        self._withdraw_provider = None  # set while the provider waits for the previous one
        self.dock = None
        # Set in _add_dock, used once the panel is first shown docked (_fit_dock).
        self._never_placed = False
        self._size_to_restore: QSize | None = None
        self._fitted = False  # given its best width once since loaded (_fit_dock)
        self.actions: list[QAction] = []
        self.toolbar = None

    # QGIS calls this in qgis_process too (without a GUI), so the provider is registered here.
    def initProcessing(self):  # noqa: N802 - QGIS API
        if self.provider is not None:  # desktop calls initGui, qgis_process calls only this
            return
        problems = import_problems()
        if problems:
            QgsMessageLog.logMessage(self._missing_message(problems), LOG_TAG, LEVEL_CRITICAL)
            return
        if missing_recommended():
            QgsMessageLog.logMessage(self._calendar_message(), LOG_TAG, LEVEL_WARNING)
        from .processing.provider import EnforcementProvider
        from .processing.provider_keeper import register_provider

        self.provider = EnforcementProvider()
        # After a reload, the previous provider may be kept for an algorithm still running.
        self._withdraw_provider = register_provider(self.provider)

    def initGui(self):  # noqa: N802 - QGIS API
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(tr("ZC Enforcement"))
        self.toolbar.setObjectName("ZcEnforcementToolbar")
        problems = import_problems()
        if problems:
            self._say_missing(problems)
        else:
            if missing_recommended():
                self.iface.messageBar().pushWarning(LOG_TAG, bar_html(self._calendar_message()))
            self._add_dock()
        self._add_algorithm_actions()

    def _add_dock(self) -> None:
        """The verification panel and its button. Only with the packages installed: the panel
        imports shapely (through the ledger's records), and an ImportError raised here, after
        the message saying what is missing, would have QGIS mark the whole plugin broken."""
        from .ui.verification_dock import VerificationDock

        self.dock = VerificationDock(self.iface.mainWindow(), self.iface)
        self.dock.setObjectName("ZcEnforcementVerificationDock")
        window = self.iface.mainWindow()
        self._never_placed = not QgsSettings().contains(f"{PANEL_PLACE_SETTING}/area")
        self.iface.addDockWidget(saved_panel_area(), self.dock)
        if isinstance(window, QMainWindow):
            restore_panel_place(window, self.dock)
        if not self.dock.isFloating():
            self._size_to_restore = saved_panel_size()
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._fit_dock)

        show_dock = QAction(
            QIcon(str(PLUGIN_ICON)), tr("Verification panel"), self.iface.mainWindow()
        )
        show_dock.setObjectName("ZcEnforcementShowDock")
        # Linked as QGIS links its own panels' buttons: a panel behind another panel's tab
        # stays open there, and the button brings it to the front. (The button followed
        # visibilityChanged: a panel tabbed behind another, as the user left it or QGIS's
        # restored window layout puts it at start, reported itself unseen, the button went
        # unchecked and hid it for good, out of its tab group, and so it was saved at exit.)
        self.dock.setToggleVisibilityAction(show_dock)
        self._add_action(show_dock)
        # Shown again when it was at unload (a reload, an upgrade from a zip), through its
        # button so that both agree; at QGIS's start the window's saved layout then decides.
        show_dock.setChecked(QgsSettings().value(PANEL_SHOWN_SETTING, False, type=bool))

    def _add_algorithm_actions(self) -> None:
        """The buttons opening an algorithm. Added with packages missing too: they import
        nothing until clicked, and then say again what is missing (_open_algorithm)."""
        # The overlay's own icon: two buttons with the plugin's icon could not be told apart.
        screen = QAction(
            QgsApplication.getThemeIcon("/algorithms/mAlgorithmIntersect.svg"),
            tr("Screen spots…"),
            self.iface.mainWindow(),
        )
        screen.setObjectName("ZcEnforcementScreenSpots")
        screen.triggered.connect(lambda: self._open_algorithm(_screen_spots, _screening_inputs))
        self._add_action(screen)

        demo = QAction(tr("Create demo district…"), self.iface.mainWindow())
        demo.setObjectName("ZcEnforcementCreateDemo")
        demo.triggered.connect(lambda: self._open_algorithm(_create_demo_district))
        self._add_action(demo, toolbar=False)

    def _fit_dock(self, visible: bool) -> None:
        """Once docked and shown: the first time ever, in the tab group of the area's tallest
        panel; after a reload, as high and wide as it was; and never narrower than its
        content (QGIS gives a new dock ~300 px, and the panel hid its export, evidence and
        report buttons off-screen), so a width the user chose is kept."""
        if not visible or self.dock is None:
            return
        # Cleared before tabbing, which shows the panel again.
        first_shown, self._never_placed = self._never_placed, False
        if self.dock.isFloating():
            return
        window = self.iface.mainWindow()
        if first_shown and isinstance(window, QMainWindow):
            join_tallest_neighbour(window, self.dock)
        size, self._size_to_restore = self._size_to_restore, None
        if size is not None:
            # Once the window has laid the panel out: resized before, it kept the height given.
            dock = self.dock
            QTimer.singleShot(0, lambda: self.dock is dock and restore_height(window, dock, size))
        # Its saved width after a reload; else at its first showing the width that shows the
        # page at its best; after that never narrower than the page whole across (least_width,
        # ~300 px), so that a width the user chose is kept: widened back to the best width at
        # each showing (the Toolbox's tab clicked and back, the panel hidden and shown), a
        # panel narrowed on a small screen did not stay so.
        fitted, self._fitted = self._fitted, True
        if size is not None:
            wanted = max(self.dock.least_width(), size.width())
        else:
            wanted = self.dock.least_width() if fitted else self.dock.fitting_width()
        if self.dock.width() < wanted:
            window.resizeDocks([self.dock], [wanted], Qt.Orientation.Horizontal)

    def _add_action(self, action: QAction, toolbar: bool = True) -> None:
        self.iface.addPluginToMenu(self.menu, action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def _open_algorithm(
        self, algorithm: Callable[[], type], inputs: Callable[[], dict] | None = None
    ) -> None:
        """Open the dialog of the algorithm class `algorithm()` imports, only once the provider
        is there: the algorithms' modules need packages that may be missing. `inputs()` gives
        the parameters it opens with."""
        if self.provider is None:  # before any import of the algorithms: they need them
            self._say_missing(import_problems())
            return
        from processing import execAlgorithmDialog

        from .processing.base import algorithm_id

        execAlgorithmDialog(algorithm_id(algorithm()), inputs() if inputs else {})

    def _say_missing(self, problems: dict[str, str]) -> None:
        """In the message bar, kept: which packages, in a line the bar shows whole; how to
        install them behind its "more" button (two commands cut off in the bar were read as
        half of one)."""
        packages = ", ".join(problems) or "?"
        self.iface.messageBar().pushMessage(
            LOG_TAG,
            bar_html(
                tr("Python packages missing or unusable: {packages}.").format(packages=packages)
            ),
            self._missing_message(problems),
            LEVEL_CRITICAL,
            0,
        )

    @staticmethod
    def _missing_message(problems: dict[str, str]) -> str:
        """What is missing or broken and how to put it right, in the interface's language."""
        lines = []
        missing = [requirement for requirement, why in problems.items() if needs_install(why)]
        if missing:
            windows, debian = install_commands(missing)
            named = [f"{r}（{why}）" if why else r for r, why in problems.items() if r in missing]
            lines += [
                tr("Missing Python packages: {packages}.").format(packages=", ".join(named)),
                tr("Install them, then restart QGIS."),
                tr("Windows (OSGeo4W Shell): {command}").format(command=windows),
                tr("Debian/Ubuntu: {command}").format(command=debian),
            ]
        for requirement, why in problems.items():
            if not needs_install(why):
                lines.append(
                    tr(
                        "{package} is installed but cannot be used ({error}). Installing it "
                        "again will not help: a package installed with pip may have replaced "
                        "one it needs (numpy 2 beside Debian's numpy 1; put numpy 1 back with: "
                        'python3 -m pip install --user --break-system-packages "numpy<2"). '
                        "Then restart QGIS."
                    ).format(package=requirement, error=why)
                )
        return "\n".join(lines)

    @staticmethod
    def _calendar_message() -> str:
        return tr(
            "The Python package chinesecalendar is not installed: working-day deadlines in "
            "years the bureau's holiday file does not give are estimates: Monday to Friday "
            "less the fixed-date holidays (1 January, 1-2 May, 1-3 October), the lunar "
            "festivals and swapped working days not counted. Install it, then restart QGIS: "
            "Windows (OSGeo4W Shell): {windows}; Debian/Ubuntu: {debian}"
        ).format_map(dict(zip(("windows", "debian"), install_commands(["chinesecalendar"]))))

    def _say_kept(self, message: str) -> None:
        QgsMessageLog.logMessage(message, LOG_TAG, LEVEL_INFO)
        if self.iface is not None:
            self.iface.messageBar().pushInfo(LOG_TAG, bar_html(message))

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(self.menu, action)
            action.deleteLater()
        self.actions.clear()
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            QgsSettings().setValue(PANEL_SHOWN_SETTING, not self.dock.isHidden())
            # Never shown docked: not placed yet, so its first showing still finds it a tab.
            if isinstance(self.iface.mainWindow(), QMainWindow) and not self._never_placed:
                save_panel_place(self.iface.mainWindow(), self.dock)
            self.dock.cleanup()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            from .processing.provider_keeper import release_provider

            if not self._withdraw_provider():  # it was registered: it leaves, now or later
                release_provider(self.provider, self._say_kept)
            self.provider = None
        for translator in (self.translator, self.qt_translator):
            if translator is not None:
                QCoreApplication.removeTranslator(translator)
        self.translator = self.qt_translator = None
        forget_plugin_modules()


def saved_panel_area() -> Qt.DockWidgetArea:
    """The dock area the panel was in when last unloaded; the right one the first time."""
    area = QgsSettings().value(
        f"{PANEL_PLACE_SETTING}/area", int(Qt.DockWidgetArea.RightDockWidgetArea), type=int
    )
    known = (
        Qt.DockWidgetArea.LeftDockWidgetArea,
        Qt.DockWidgetArea.RightDockWidgetArea,
        Qt.DockWidgetArea.TopDockWidgetArea,
        Qt.DockWidgetArea.BottomDockWidgetArea,
    )
    return next((a for a in known if int(a) == area), Qt.DockWidgetArea.RightDockWidgetArea)


def save_panel_place(window: QMainWindow, dock: QDockWidget) -> None:
    """Remember where `dock` is in `window` (see PANEL_PLACE_SETTING), for the next load."""
    settings = QgsSettings()
    area = window.dockWidgetArea(dock)
    if area != Qt.DockWidgetArea.NoDockWidgetArea:
        settings.setValue(f"{PANEL_PLACE_SETTING}/area", int(area))
    siblings = [d.objectName() for d in window.tabifiedDockWidgets(dock) if d.objectName()]
    settings.setValue(f"{PANEL_PLACE_SETTING}/tabbed_with", "\n".join(siblings))
    settings.setValue(f"{PANEL_PLACE_SETTING}/floating", dock.isFloating())
    settings.setValue(f"{PANEL_PLACE_SETTING}/geometry", dock.saveGeometry())
    if not dock.isFloating() and not dock.isHidden():  # a hidden panel's size is not its own
        settings.setValue(f"{PANEL_PLACE_SETTING}/width", dock.width())
        settings.setValue(f"{PANEL_PLACE_SETTING}/height", dock.height())


def saved_panel_size() -> QSize | None:
    """The docked panel's width and height when last unloaded, or None when none was saved."""
    settings = QgsSettings()
    width = settings.value(f"{PANEL_PLACE_SETTING}/width", 0, type=int)
    height = settings.value(f"{PANEL_PLACE_SETTING}/height", 0, type=int)
    return QSize(width, height) if width > 0 and height > 0 else None


def restore_height(window: QMainWindow, dock: QDockWidget, size: QSize) -> None:
    """Give the docked `dock` its saved height, the panels above and below it in its column
    sharing the rest as they did. (Resized alone, Qt shares the change among all of them,
    and the panel got part of it.) Its least height (VerificationDock.docked_least_height)
    has the last word over one saved smaller."""
    area = window.dockWidgetArea(dock)
    group = window.tabifiedDockWidgets(dock)
    place = dock.geometry()
    column = [
        d
        for d in window.findChildren(QDockWidget)
        if d is not dock
        and d not in group
        and not d.isFloating()
        and window.dockWidgetArea(d) == area
        and not d.visibleRegion().isEmpty()  # not a tab behind another
        and d.geometry().left() < place.right()
        and d.geometry().right() > place.left()
    ]
    others = sum(d.height() for d in column)
    rest = max(others + dock.height() - size.height(), 0)
    sizes = [max(1, round(d.height() * rest / others)) for d in column] if others else []
    window.resizeDocks([*column, dock], [*sizes, size.height()], Qt.Orientation.Vertical)


def join_tallest_neighbour(window: QMainWindow, dock: QDockWidget) -> None:
    """Tab `dock`, shown for the first time, with the tallest panel docked in its area and
    bring it to the front. Docked below the Processing Toolbox (open for screening), the
    panel got what height the Toolbox left: on a 1600×1000 screen 421 px, its verdict buttons
    scrolled out of view and two lines of the spot's page showing. Tabbed, it has the whole
    height, and the Toolbox is a tab away."""
    area = window.dockWidgetArea(dock)
    neighbours = [
        d
        for d in window.findChildren(QDockWidget)
        if d is not dock
        and d.isVisible()
        and not d.isFloating()
        and window.dockWidgetArea(d) == area
    ]
    if neighbours:
        window.tabifyDockWidget(max(neighbours, key=lambda d: d.height()), dock)
        dock.raise_()


def restore_panel_place(window: QMainWindow, dock: QDockWidget) -> None:
    """Put `dock`, just added to `window` in its saved area, back where it was: in the tab
    group of the first of its former siblings still there, or floating where it floated.
    At QGIS's start the window's own saved layout, restored after this, has the last word."""
    settings = QgsSettings()
    names = settings.value(f"{PANEL_PLACE_SETTING}/tabbed_with", "", type=str).split("\n")
    for name in filter(None, names):
        sibling = window.findChild(QDockWidget, name)
        if sibling is not None and sibling is not dock and not sibling.isFloating():
            window.tabifyDockWidget(sibling, dock)
            break
    if settings.value(f"{PANEL_PLACE_SETTING}/floating", False, type=bool):
        dock.setFloating(True)
        geometry = settings.value(f"{PANEL_PLACE_SETTING}/geometry", QByteArray())
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            dock.restoreGeometry(geometry)


def forget_plugin_modules() -> None:
    """Drop the plugin's own modules from sys.modules, so that the next load (Plugin Reloader,
    an upgrade from a zip, disable and enable) runs the code on disk, not what was imported.

    QGIS (and Plugin Reloader, through qgis.utils.reloadPlugin) drops only the modules its
    import hook saw imported by name: the sub-packages reached through them (`from .ui.x
    import`: ui, processing) stayed, still holding the old modules. Only names under this
    package go (its folder's name, whatever the zip called it): not a module of another
    plugin whose name merely begins the same. QGIS then finds these gone and skips them."""
    package = __package__ or __name__.rpartition(".")[0]
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


# The algorithms the toolbar and menu open, imported on use: their modules need numpy, shapely
# and the rest of what dependencies.py checks, which may be missing when the plugin loads.
def _screen_spots() -> type:
    from .processing.screen_spots import ScreenSpots

    return ScreenSpots


def _screening_inputs() -> dict:
    """Screen spots' inputs from the project's layers, by their standard codes."""
    from qgis.core import QgsProject

    from .ui.screening_defaults import screening_inputs

    return screening_inputs(QgsProject.instance())


def _create_demo_district() -> type:
    from .processing.create_demo_district import CreateDemoDistrict

    return CreateDemoDistrict
