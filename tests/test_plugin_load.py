"""The plugin loads in QGIS, registers its provider, dock, menu and toolbar, and unloads cleanly."""

from __future__ import annotations

import configparser
import html
import sys

import pytest
from conftest import REPO
from qgis.core import QgsApplication

from zc_enforcement_plugin import classFactory
from zc_enforcement_plugin.processing.provider import PROVIDER_ID

REQUIRED_METADATA = (
    *("name", "qgisMinimumVersion", "description", "about", "version", "author", "email"),
    *("repository", "tracker", "homepage", "tags", "category", "icon", "changelog"),
    "hasProcessingProvider",
)


class RecordingIface:
    """Wraps pytest-qgis's iface and records what the plugin adds and removes."""

    def __init__(self, iface):
        self._iface = iface
        self.menu_actions: list = []
        self.menus: set = set()
        self.docks: list = []

    def __getattr__(self, name):
        return getattr(self._iface, name)

    def addPluginToMenu(self, menu, action):  # noqa: N802
        self.menu_actions.append(action)
        self.menus.add(menu)

    def removePluginMenu(self, menu, action):  # noqa: N802
        assert menu in self.menus  # removed from the submenu it was added to
        self.menu_actions.remove(action)

    def addDockWidget(self, area, dock):  # noqa: N802
        self.docks.append(dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.docks.remove(dock)


class WindowIface(RecordingIface):
    """RecordingIface over a main window of the test's own, which its panels go into and
    leave, as QGIS's do."""

    def __init__(self, iface, window):
        super().__init__(iface)
        self._window = window

    def mainWindow(self):  # noqa: N802 - QGIS API
        return self._window

    def addDockWidget(self, area, dock):  # noqa: N802 - QGIS API
        super().addDockWidget(area, dock)
        self._window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802 - QGIS API
        super().removeDockWidget(dock)
        self._window.removeDockWidget(dock)


@pytest.fixture(autouse=True)
def empty_project(qgis_new_project):
    """Each load starts in an empty project: a dock test run before leaves its ledger in the
    project's entries, and the panel reopening that ledger (a PostgreSQL connection of another
    test, say) would add its own warnings to those these tests count."""


@pytest.fixture(autouse=True)
def plugin_modules_kept_for_the_other_tests():
    """unload() drops the plugin's modules, as a reload needs: the modules this session's
    tests imported are put back after each test, so that they go on seeing one plugin, not
    two copies of it (with two of each exception class)."""
    ours = {n: m for n, m in sys.modules.items() if n.split(".")[0] == "zc_enforcement_plugin"}
    yield
    for name in [n for n in sys.modules if n.split(".")[0] == "zc_enforcement_plugin"]:
        del sys.modules[name]
    sys.modules.update(ours)


def test_metadata_has_every_key():
    parser = configparser.ConfigParser()
    parser.read(REPO / "zc_enforcement_plugin" / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    missing = [key for key in REQUIRED_METADATA if not general.get(key)]
    assert missing == []
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert (REPO / "zc_enforcement_plugin" / general["icon"]).exists()
    assert "卫片" in general["name"] and "Enforcement" in general["name"]


def test_load_registers_and_unload_removes_everything(qgis_iface, qgis_app):
    iface = RecordingIface(qgis_iface)
    registry = QgsApplication.processingRegistry()
    assert registry.providerById(PROVIDER_ID) is None

    plugin = classFactory(iface)
    plugin.initGui()
    provider = registry.providerById(PROVIDER_ID)
    assert provider is not None
    ids = {alg.id() for alg in provider.algorithms()}
    assert {"zcenforcement:createdemodistrict", "zcenforcement:screenspots"} <= ids
    assert len(iface.menu_actions) >= 3
    assert iface.docks == [plugin.dock]
    assert plugin.toolbar is not None and plugin.toolbar.actions()
    images = [action.icon().pixmap(24, 24).toImage() for action in plugin.toolbar.actions()]
    assert all(a != b for i, a in enumerate(images) for b in images[i + 1 :])  # told apart

    plugin.unload()
    assert registry.providerById(PROVIDER_ID) is None
    assert iface.menu_actions == []
    assert iface.docks == []
    assert plugin.toolbar is None and plugin.dock is None and plugin.actions == []

    # Reloading (what Plugin Reloader does) works and again leaves nothing behind.
    plugin = classFactory(iface)
    plugin.initGui()
    plugin.initProcessing()  # desktop and qgis_process may both call it: never registered twice
    assert len([p for p in registry.providers() if p.id() == PROVIDER_ID]) == 1
    plugin.unload()
    assert registry.providerById(PROVIDER_ID) is None


def message_bar_texts(monkeypatch, iface, method: str) -> list[str]:
    """The texts the plugin pushes to the message bar through `method` (pushCritical, …), as
    the bar shows them: it reads them as HTML."""
    from tests.test_dock_hostile_text import _as_html

    texts: list[str] = []
    monkeypatch.setattr(
        iface.messageBar(),
        method,
        lambda _title, text: texts.append(_as_html(text)),
        raising=False,
    )
    return texts


def pushed_with_more(monkeypatch, iface) -> list[tuple[str, str]]:
    """(text as the bar shows it, the text behind its "more" button) of each message the
    plugin pushes with one."""
    pushed: list[tuple[str, str]] = []
    monkeypatch.setattr(
        iface.messageBar(),
        "pushMessage",
        lambda _title, text, more, *_rest: pushed.append((html.unescape(text), more)),
        raising=False,
    )
    return pushed


def opened_dialogs(monkeypatch) -> list[str]:
    """The ids of the algorithms whose dialogs the plugin opens (none is shown)."""
    import processing

    opened: list[str] = []
    monkeypatch.setattr(
        processing, "execAlgorithmDialog", lambda algorithm, _parameters: opened.append(algorithm)
    )
    return opened


def test_missing_dependency_is_reported_not_raised(qgis_iface, monkeypatch):
    """Said in the bar, with how to install it behind its "more" button; the toolbar's button
    says it again. Found by a review installing the zip: the button imported the algorithms
    (and so shapely) before it looked, and a Python error hid the plugin's own message."""
    import sys

    import zc_enforcement_plugin.plugin as plugin_module

    monkeypatch.setattr(plugin_module, "import_problems", lambda: {"shapely>=2.0,<2.2": ""})
    # As without shapely: the algorithms' modules cannot be imported.
    monkeypatch.setitem(sys.modules, "zc_enforcement_plugin.processing.base", None)
    pushed = pushed_with_more(monkeypatch, qgis_iface)
    opened = opened_dialogs(monkeypatch)
    iface = RecordingIface(qgis_iface)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is None
        text, more = pushed[0]
        assert "shapely" in text
        assert "--break-system-packages" in more and '"numpy<2"' in more, more
        assert "restart QGIS" in more, more
        # The Screen spots button then says so again, and opens nothing.
        (screen,) = [a for a in iface.menu_actions if a.objectName() == "ZcEnforcementScreenSpots"]
        screen.trigger()
        assert len(pushed) == 2 and "shapely" in pushed[1][0] and opened == []
    finally:
        plugin.unload()


def test_a_package_installed_but_broken_is_said_as_such():
    """rasterio broken by a numpy 2 pip put beside Debian's numpy 1 was said missing, and the
    command to install it was one that changes nothing (the review installing the zip)."""
    from zc_enforcement_plugin.plugin import ZcEnforcementPlugin

    said = ZcEnforcementPlugin._missing_message(
        {"rasterio": "ValueError: numpy.dtype size changed"}
    )
    assert "rasterio is installed but cannot be used" in said, said
    assert "numpy.dtype size changed" in said and '"numpy<2"' in said, said
    assert "apt install" not in said, said


def test_the_plugins_buttons_open_the_algorithms_they_name(qgis_iface, monkeypatch):
    """The toolbar's Screen spots and the menu's demo district open those algorithms, by ids
    the registry knows (the ids are the scripts' public interface)."""
    opened = opened_dialogs(monkeypatch)
    iface = RecordingIface(qgis_iface)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        actions = {action.objectName(): action for action in iface.menu_actions}
        actions["ZcEnforcementScreenSpots"].trigger()
        actions["ZcEnforcementCreateDemo"].trigger()
        assert opened == ["zcenforcement:screenspots", "zcenforcement:createdemodistrict"]
        registry = QgsApplication.processingRegistry()
        assert all(registry.algorithmById(algorithm) is not None for algorithm in opened)
    finally:
        plugin.unload()


def test_a_missing_calendar_library_is_said_and_the_plugin_still_loads(qgis_iface, monkeypatch):
    """Without chinesecalendar every working-day deadline is an estimate: the user is told why
    and how to install it, and everything else works."""
    import zc_enforcement_plugin.dependencies as dependencies

    assert dependencies.missing_recommended() == []  # installed here, as make setup does
    real = dependencies.importlib.import_module

    def no_calendar(name, *args, **kwargs):
        if name == "chinese_calendar":
            raise ImportError("No module named 'chinesecalendar'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(dependencies.importlib, "import_module", no_calendar)
    assert dependencies.missing_recommended() == ["chinesecalendar"]
    assert dependencies.missing_dependencies() == []
    warned = message_bar_texts(monkeypatch, qgis_iface, "pushWarning")
    plugin = classFactory(RecordingIface(qgis_iface))
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is not None
        assert len(warned) == 1 and "chinesecalendar" in warned[0]
        assert "--break-system-packages" in warned[0] and "restart QGIS" in warned[0]
    finally:
        plugin.unload()


def test_the_verification_panel_opens_wide_enough_for_its_buttons(qgis_iface, qgis_app):
    """QGIS gives a new dock about 300 px; the panel needs more, or its buttons fall off."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QApplication, QLabel, QMainWindow

    window = QMainWindow()
    window.setCentralWidget(QLabel("map"))
    window.resize(1600, 900)

    plugin = classFactory(WindowIface(qgis_iface, window))
    plugin.initGui()
    try:
        window.show()
        plugin.dock.show()
        for _ in range(5):
            QApplication.processEvents()
        # The page fits those 300 px (its rows wrap), but shown at its best the first time:
        # every column of the list in view and each row of buttons on one line.
        assert plugin.dock.least_width() <= 300 < plugin.dock.fitting_width()
        assert plugin.dock.width() >= plugin.dock.fitting_width()
        assert window.dockWidgetArea(plugin.dock) == Qt.DockWidgetArea.RightDockWidgetArea
    finally:
        plugin.unload()
        window.close()


def test_a_panel_narrowed_by_the_user_is_not_widened_again_when_shown(qgis_iface, qgis_app):
    """Narrowed to 300 px on a small screen (its rows of buttons then wrap), the panel was
    widened back to its best width each time it was shown again: a click on the Toolbox's
    tab and back, or QGIS laying out its panels again. Only a panel narrower than its page
    whole across is widened."""
    from qgis.PyQt.QtCore import Qt

    window, toolbox, iface = _window_with_toolbox(qgis_iface, 1366, 768)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        plugin.dock.show()
        _settle()
        assert plugin.dock.width() >= plugin.dock.fitting_width()  # its first showing
        window.resizeDocks([plugin.dock], [300], Qt.Orientation.Horizontal)
        _settle()
        assert plugin.dock.width() == 300
        toolbox.raise_()  # the Toolbox's tab, then the panel's again
        _settle()
        plugin.dock.raise_()
        _settle()
        assert plugin.dock.isVisible() and plugin.dock.width() == 300
        plugin.dock.hide()
        plugin.dock.show()
        _settle()
        assert plugin.dock.width() == 300
    finally:
        plugin.unload()
        window.close()


def test_dependency_detection_finds_what_is_missing_or_too_old(monkeypatch):
    """missing_dependencies itself (the test above replaces it): here every package imports and
    shapely is 2.x; a package that cannot be imported, or a broken one that raises something
    else, and a shapely 1.8 are each reported by its pip requirement."""
    import importlib
    import types

    from zc_enforcement_plugin import dependencies

    assert dependencies.missing_dependencies() == []
    real = importlib.import_module

    def fake_import(name, *args, **kwargs):
        if name == "rasterio":
            raise ModuleNotFoundError("No module named 'rasterio'", name="rasterio")
        if name == "fiona":
            raise OSError("libgdal.so.32: cannot open shared object file")
        if name == "shapely":
            return types.SimpleNamespace(__version__="1.8.5")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(dependencies.importlib, "import_module", fake_import)
    shapely = "shapely>=2.0,<2.2"
    assert sorted(dependencies.missing_dependencies()) == ["fiona", "rasterio", shapely]
    problems = dependencies.import_problems()
    assert problems["rasterio"] == ""  # not installed
    assert "libgdal.so.32" in problems["fiona"] and problems[shapely] == "version 1.8.5"
    # Too old is to be installed again at the version required, not "installed but broken".
    from zc_enforcement_plugin.plugin import ZcEnforcementPlugin

    said = ZcEnforcementPlugin._missing_message({shapely: problems[shapely]})
    assert '"shapely>=2.0,<2.2"' in said and "1.8.5" in said, said
    assert "cannot be used" not in said, said
    windows, debian = dependencies.install_commands([shapely, "rasterio"])
    assert windows == 'python3 -m pip install "shapely>=2.0,<2.2" "rasterio"'
    # rasterio from apt (built for QGIS's GDAL), shapely from pip against Debian's GEOS,
    # with numpy kept at 1, into the user's folder past PEP 668.
    assert "python3-rasterio" in debian and '"rasterio"' not in debian
    assert "--no-binary shapely" in debian and '"numpy<2"' in debian
    assert "--user --break-system-packages" in debian


def tr_menu_title() -> str:
    from zc_enforcement_plugin.i18n import tr

    return tr("&ZC Enforcement")


def test_the_plugins_menu_speaks_chinese_in_a_chinese_qgis(qgis_iface, qgis_app):
    """(Failed once in a full run with the English title, not reproduced since: the two first
    asserts tell a catalogue that did not load from a menu built before it was installed.)"""
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "the zh_CN catalogue did not load: run make translations"
    assert tr_menu_title() == "淄川卫片执法(&Z)", "the catalogue loaded but does not translate"
    iface = RecordingIface(qgis_iface)
    plugin = classFactory(iface)
    try:
        plugin.initGui()
        assert iface.menus == {"淄川卫片执法(&Z)"}
    finally:
        plugin.unload()
        QCoreApplication.removeTranslator(translator)


def test_a_qgis_set_to_simplified_chinese_gets_qts_buttons_in_chinese_until_unload(
    qgis_iface, monkeypatch
):
    """QGIS set to 简体中文 (zh-Hans) loads no Qt catalogue: the plugin loads Qt's zh_CN one
    with its own, so its forms' Save and Cancel are Chinese, and removes both at unload."""
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin import i18n

    def save_text() -> str:
        return QCoreApplication.translate("QPlatformTheme", "Save")

    monkeypatch.setattr(i18n, "user_locale", lambda: "zh-Hans")
    assert save_text() == "Save", "a Qt catalogue is in effect before the test"
    plugin = classFactory(RecordingIface(qgis_iface))
    try:
        assert plugin.qt_translator is not None, "Qt's zh_CN catalogue did not load"
        assert save_text() == "保存"
    finally:
        plugin.unload()
    assert plugin.qt_translator is None and save_text() == "Save"


def test_a_reloaded_plugin_shows_the_panel_as_it_was(qgis_iface):
    """A reload (or an upgrade from a zip) put the panel away each time: it comes back shown
    when it was shown, and stays hidden when it was hidden."""
    from qgis.core import QgsSettings

    from zc_enforcement_plugin.plugin import PANEL_SHOWN_SETTING

    try:
        for shown in (True, False):
            plugin = classFactory(RecordingIface(qgis_iface))
            plugin.initGui()
            plugin.dock.setVisible(shown)
            plugin.unload()
            again = classFactory(RecordingIface(qgis_iface))
            again.initGui()
            try:
                assert again.dock.isHidden() is not shown
                button = next(a for a in again.actions if a.objectName() == "ZcEnforcementShowDock")
                assert button.isChecked() is shown  # the button follows, from the start
            finally:
                again.unload()
    finally:
        QgsSettings().remove(PANEL_SHOWN_SETTING)


def test_unload_drops_the_plugins_own_modules_so_a_reload_runs_the_code_on_disk(qgis_iface):
    """QGIS (and Plugin Reloader through it) drops only the modules its import hook saw: the
    ui and processing packages stayed, and a reload ran on with them."""
    import importlib
    import types

    import zc_enforcement_plugin.plugin as old_plugin_module

    neighbour = types.ModuleType("zc_enforcement_plugin_tools")  # another plugin's, say
    sys.modules[neighbour.__name__] = neighbour
    try:
        plugin = classFactory(RecordingIface(qgis_iface))
        plugin.initGui()
        loaded = [n for n in sys.modules if n.startswith("zc_enforcement_plugin.")]
        assert {"zc_enforcement_plugin.ui", "zc_enforcement_plugin.processing"} <= set(loaded)
        plugin.unload()
        assert [n for n in sys.modules if n.split(".")[0] == "zc_enforcement_plugin"] == []
        assert sys.modules[neighbour.__name__] is neighbour  # only this plugin's own
        assert "qgis.core" in sys.modules

        # Loaded again (qgis.utils.loadPlugin imports the package by name): fresh modules.
        package = importlib.import_module("zc_enforcement_plugin")
        again = package.classFactory(RecordingIface(qgis_iface))
        again.initGui()
        try:
            assert type(again).__module__ == "zc_enforcement_plugin.plugin"
            assert sys.modules["zc_enforcement_plugin.plugin"] is not old_plugin_module
            assert type(again) is not old_plugin_module.ZcEnforcementPlugin
        finally:
            again.unload()
    finally:
        del sys.modules[neighbour.__name__]


def test_starting_and_stopping_the_plugin_leaves_a_saved_project_unchanged(
    qgis_iface, qgis_new_project, tmp_path
):
    """Enabling, reloading or disabling the plugin is no change of the user's project: no
    asterisk in the title, no "save changes?". The project names a ledger, so the panel
    reopens it and adds its photo layer, which QGIS's layer tree hands to the map a moment
    later; QGIS's window marks the project changed when the map's layers change."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsMapCanvas
    from qgis.PyQt.QtWidgets import QApplication

    from zc_enforcement_plugin.core import ledger
    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE

    project = QgsProject.instance()
    canvas = QgsMapCanvas()
    bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), canvas)

    class QgisWindowIface(RecordingIface):
        def layerTreeCanvasBridge(self):  # noqa: N802 - QGIS API
            return bridge

    def mark_dirty():  # as QGIS's main window does
        project.setDirty(True)

    canvas.layersChanged.connect(mark_dirty)
    # pytest-qgis empties the event queue on every layer added, which QGIS does not (it would
    # hide the moment later this test is about).
    from pytest_qgis.utils import process_events

    project.legendLayersAdded.disconnect(process_events)
    ledger.GeoPackageLedger(tmp_path / "ledger.gpkg").close()
    project.addMapLayer(QgsVectorLayer("Point?crs=EPSG:4527", "the user's", "memory"))
    project.writeEntry(PROJECT_SCOPE, "ledger", str(tmp_path / "ledger.gpkg"))

    def settled_dirty() -> bool:
        for _ in range(5):
            QApplication.processEvents()
        return project.isDirty()

    try:
        assert settled_dirty()  # the user's layer, reaching the map: marked, as in QGIS
        assert project.write(str(tmp_path / "review.qgs"))  # saved
        assert not settled_dirty()
        for _ in range(2):  # enabled, then reloaded
            plugin = classFactory(QgisWindowIface(qgis_iface))
            plugin.initGui()
            assert plugin.dock.session.is_open  # the project's ledger, reopened
            assert len([n for n in project.layerTreeRoot().findLayers()]) == 2
            assert not settled_dirty()
            plugin.unload()
            assert len(project.mapLayers()) == 1
            assert not settled_dirty()
        # A change of the user's still counts.
        project.addMapLayer(QgsVectorLayer("Point?crs=EPSG:4527", "another", "memory"))
        assert settled_dirty()
    finally:
        project.legendLayersAdded.connect(process_events)
        canvas.layersChanged.disconnect(mark_dirty)
        bridge.deleteLater()
        canvas.deleteLater()


def test_the_panel_tabbed_with_another_comes_back_in_that_tab_group(qgis_iface, qgis_app):
    """A panel the user put behind another panel's tab: QGIS saves the window's layout at exit
    and restores it at start, after the plugins are loaded. The panel comes back in that tab
    group, open (it was hidden for good once its tab was behind); its button, as QGIS's own
    panels' buttons, is checked when the panel is in front and brings it to the front."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

    from zc_enforcement_plugin.plugin import PANEL_PLACE_SETTING, PANEL_SHOWN_SETTING

    def qgis_window():
        window = QMainWindow()
        window.setCentralWidget(QLabel("map"))
        browser = QDockWidget("Browser", window)
        browser.setObjectName("Browser")  # QGIS's own panel
        browser.setWidget(QLabel("browser"))
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, browser)
        window.resize(1600, 900)
        window.show()
        return window, browser, WindowIface(qgis_iface, window)

    def settle():
        for _ in range(5):
            QApplication.processEvents()

    def button(plugin):
        return next(a for a in plugin.actions if a.objectName() == "ZcEnforcementShowDock")

    window, browser, iface = qgis_window()
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        button(plugin).trigger()  # the user opens the panel ...
        settle()
        assert plugin.dock.isVisible()
        window.tabifyDockWidget(plugin.dock, browser)  # ... and puts it behind the Browser
        browser.raise_()
        settle()
        assert window.tabifiedDockWidgets(plugin.dock) == [browser]
        assert not plugin.dock.isHidden()  # open, behind the Browser's tab
        state = window.saveState()  # QGIS quits: the layout is saved, then the plugin unloads
    finally:
        plugin.unload()
        window.close()

    window, browser, iface = qgis_window()  # QGIS starts again
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        assert window.restoreState(state)  # QGIS restores the layout once plugins are loaded
        settle()
        assert window.tabifiedDockWidgets(plugin.dock) == [browser]
        assert not plugin.dock.isHidden()
        if not button(plugin).isChecked():  # behind the Browser's tab: the button fronts it
            button(plugin).trigger()
            settle()
        assert plugin.dock.isVisible()
        assert window.tabifiedDockWidgets(plugin.dock) == [browser]
        assert button(plugin).isChecked()
    finally:
        plugin.unload()
        window.close()
        QgsSettings().remove(PANEL_SHOWN_SETTING)
        QgsSettings().remove(PANEL_PLACE_SETTING)


def _blocking_demo_algorithm(monkeypatch):
    """createdemodistrict made to run until the event returned is set: an algorithm still
    running when the plugin is reloaded."""
    import threading

    from zc_enforcement_plugin.processing.create_demo_district import CreateDemoDistrict

    release = threading.Event()
    monkeypatch.setattr(CreateDemoDistrict, "prepareAlgorithm", lambda *_: True)
    monkeypatch.setattr(CreateDemoDistrict, "processAlgorithm", lambda *_: release.wait(60) and {})
    return release


def _wait_for(condition) -> None:
    """Turn the event loop (the task manager's signals) until `condition` holds, 20 s at most."""
    import threading

    from qgis.PyQt.QtWidgets import QApplication

    for _ in range(2000):
        if condition():
            return
        QApplication.processEvents()
        threading.Event().wait(0.01)
    raise AssertionError("the task manager never got there")


def test_a_reload_while_an_algorithm_runs_keeps_its_provider_until_it_ends(
    qgis_iface, qgis_app, monkeypatch
):
    """Reloaded (Plugin Reloader, an upgrade from a zip) while one of its algorithms ran, the
    plugin removed its provider, which QGIS deletes: as the task ended, the algorithm dialog
    asked the algorithm its id, which reads the deleted provider, and QGIS died (SIGSEGV).
    The provider now stays until the task has ended, then the reloaded plugin's replaces it."""

    from qgis.core import (
        QgsProcessingAlgRunnerTask,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsTask,
    )

    release = _blocking_demo_algorithm(monkeypatch)
    said = message_bar_texts(monkeypatch, qgis_iface, "pushInfo")
    registry = QgsApplication.processingRegistry()
    manager = QgsApplication.taskManager()

    plugin = classFactory(RecordingIface(qgis_iface))
    plugin.initGui()
    old = registry.providerById(PROVIDER_ID)
    algorithm = registry.createAlgorithmById("zcenforcement:createdemodistrict")
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    task = QgsProcessingAlgRunnerTask(algorithm, {}, context, feedback)
    ended = []  # what the algorithm dialog does as its task ends: it names the algorithm
    task.executed.connect(
        lambda ok, _results: ended.append(
            (ok, registry.providerById(PROVIDER_ID) is old, algorithm.id())
        )
    )
    manager.addTask(task)
    _wait_for(lambda: task.status() == QgsTask.Running)

    plugin.unload()  # the reload, while the algorithm runs
    again = classFactory(RecordingIface(qgis_iface))
    again.initGui()
    try:
        assert registry.providerById(PROVIDER_ID) is old  # kept for the running algorithm
        assert again.provider is not None and again.provider is not old
        assert len(said) == 1 and "running" in said[0]

        release.set()
        _wait_for(lambda: registry.providerById(PROVIDER_ID) is again.provider)
        assert ended == [(True, True, "zcenforcement:createdemodistrict")]
        assert len([p for p in registry.providers() if p.id() == PROVIDER_ID]) == 1
    finally:
        release.set()
        again.unload()
    assert registry.providerById(PROVIDER_ID) is None


def test_a_plugin_unloaded_before_the_previous_ones_algorithm_ended_never_registers(
    qgis_iface, qgis_app, monkeypatch
):
    """Reloaded twice while one algorithm runs: the middle load's provider, still waiting for
    the first one's to go, is never registered; once the algorithm ends only the last load's
    is."""

    from qgis.core import QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsTask

    release = _blocking_demo_algorithm(monkeypatch)
    registry = QgsApplication.processingRegistry()

    first = classFactory(RecordingIface(qgis_iface))
    first.initGui()
    algorithm = registry.createAlgorithmById("zcenforcement:createdemodistrict")
    context = QgsProcessingContext()
    task = QgsProcessingAlgRunnerTask(algorithm, {}, context)
    QgsApplication.taskManager().addTask(task)
    _wait_for(lambda: task.status() == QgsTask.Running)
    first.unload()
    middle = classFactory(RecordingIface(qgis_iface))
    middle.initGui()
    middle_provider = middle.provider
    middle.unload()
    last = classFactory(RecordingIface(qgis_iface))
    last.initGui()
    try:
        release.set()
        _wait_for(lambda: registry.providerById(PROVIDER_ID) is last.provider)
        assert registry.providerById(PROVIDER_ID) is not middle_provider
        assert len([p for p in registry.providers() if p.id() == PROVIDER_ID]) == 1
    finally:
        release.set()
        last.unload()
    assert registry.providerById(PROVIDER_ID) is None


def test_a_reload_keeps_the_panel_in_its_tab_group_or_floating_where_it_was(
    qgis_iface, qgis_app, tmp_path
):
    """A reload or an upgrade from a zip put the panel back on the right, docked alone: out
    of the tab group the user had put it in, and docked when it floated. QGIS restores its
    window's layout only at start; the plugin now puts the panel back where it was."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QRect, Qt
    from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

    from zc_enforcement_plugin.plugin import PANEL_PLACE_SETTING, PANEL_SHOWN_SETTING

    window = QMainWindow()
    window.setCentralWidget(QLabel("map"))
    layers = QDockWidget("Layers", window)
    layers.setObjectName("Layers")  # QGIS's own panels, left
    layers.setWidget(QLabel("layers"))
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, layers)
    browser = QDockWidget("Browser", window)
    browser.setObjectName("Browser")
    browser.setWidget(QLabel("browser"))
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, browser)
    window.resize(1600, 900)
    window.show()

    def settle():
        for _ in range(5):
            QApplication.processEvents()

    def reload(plugin):
        plugin.unload()
        settle()
        again = classFactory(WindowIface(qgis_iface, window))
        again.initGui()
        settle()
        return again

    def shot(plugin, name):
        window.grab().save(str(tmp_path / f"{name}.png"))

    plugin = classFactory(WindowIface(qgis_iface, window))
    plugin.initGui()
    try:
        plugin.dock.show()
        window.tabifyDockWidget(browser, plugin.dock)  # the user tabs it with the Browser, left
        settle()
        assert window.tabifiedDockWidgets(plugin.dock) == [browser]
        plugin = reload(plugin)
        shot(plugin, "tabbed_after_reload")
        assert window.dockWidgetArea(plugin.dock) == Qt.DockWidgetArea.LeftDockWidgetArea
        assert window.tabifiedDockWidgets(plugin.dock) == [browser]
        assert not plugin.dock.isHidden()

        plugin.dock.setFloating(True)  # the user floats it on a second screen, say
        plugin.dock.setGeometry(QRect(200, 150, 640, 700))
        settle()
        where = plugin.dock.geometry()
        plugin = reload(plugin)
        shot(plugin, "floating_after_reload")
        assert plugin.dock.isFloating() and not plugin.dock.isHidden()
        assert plugin.dock.geometry() == where

        plugin.dock.setFloating(False)  # docked again: a reload leaves it docked
        settle()
        plugin = reload(plugin)
        assert not plugin.dock.isFloating()
    finally:
        plugin.unload()
        window.close()
        QgsSettings().remove(PANEL_SHOWN_SETTING)
        QgsSettings().remove(PANEL_PLACE_SETTING)


def test_without_shapely_the_plugin_says_so_and_loads_without_its_panel(qgis_iface, monkeypatch):
    """shapely not installed: `import shapely` raises ImportError (a None in sys.modules does
    that), and the plugin's modules are imported afresh, as QGIS imports them at start. The
    message says what is missing; no panel is made (it needs shapely), so initGui raises
    nothing that would have QGIS mark the plugin broken; unload copes with no panel."""
    monkeypatch.setitem(sys.modules, "shapely", None)
    for name in [n for n in sys.modules if n.split(".")[0] == "zc_enforcement_plugin"]:
        monkeypatch.delitem(sys.modules, name)  # the fixture puts this session's back after
    import zc_enforcement_plugin as fresh

    pushed = pushed_with_more(monkeypatch, qgis_iface)
    iface = RecordingIface(qgis_iface)
    plugin = fresh.classFactory(iface)
    plugin.initGui()
    try:
        text, more = pushed[0]
        assert "shapely>=2.0,<2.2" in text and "pip install" in more
        assert plugin.dock is None and iface.docks == []
        actions = {action.objectName(): action for action in iface.menu_actions}
        assert "ZcEnforcementShowDock" not in actions
        # Clicked, it says again what is missing: it raised ModuleNotFoundError (shapely),
        # importing the algorithms before it looked (the review installing the zip).
        actions["ZcEnforcementScreenSpots"].trigger()
        actions["ZcEnforcementCreateDemo"].trigger()
        assert len(pushed) == 3 and all("shapely" in text for text, _ in pushed)
    finally:
        plugin.unload()
    assert iface.menu_actions == [] and plugin.toolbar is None


def _window_with_toolbox(qgis_iface, width: int, height: int):
    """A main window of `width`×`height` with a tall panel docked on the right, as QGIS's
    Processing Toolbox is while screening is run, and the iface putting panels into it."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QMainWindow

    window = QMainWindow()
    window.setCentralWidget(QLabel("map"))
    toolbox = QDockWidget("Processing Toolbox", window)
    toolbox.setObjectName("ProcessingToolbox")  # QGIS's own
    toolbox.setWidget(QLabel("toolbox"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, toolbox)
    window.resize(width, height)
    window.show()
    return window, toolbox, WindowIface(qgis_iface, window)


def _settle() -> None:
    from qgis.PyQt.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()


def _review_in_view(dock, tmp_path, name: str, page_lines: bool = True) -> None:
    """The ledger row and the verdict buttons are in view, the review page itself does not
    scroll (only the list, page, images and evidence do), and with `page_lines` 8 lines of the
    spot's page are in view too. The window is drawn to `name`.png to be looked at."""
    from zc_enforcement_plugin.ui.verification_dock import DETAILS_MIN_LINES

    dock.window().grab().save(str(tmp_path / f"{name}.png"))
    page_area = dock.home.parentWidget()
    while not hasattr(page_area, "viewport"):  # the scroll area the panel stack puts around
        page_area = page_area.parentWidget()
    assert page_area.verticalScrollBar().maximum() == 0, (name, dock.height())
    for widget in (dock.ledger_file, *dock.verdict_buttons):
        assert not widget.visibleRegion().isEmpty(), (name, widget.objectName(), dock.height())
        assert widget.visibleRegion().boundingRect() == widget.rect(), (name, widget.objectName())
    if not page_lines:
        return
    lines = DETAILS_MIN_LINES * dock.details.fontMetrics().lineSpacing()
    shown = dock.details.visibleRegion().boundingRect().height()
    assert shown >= lines, (name, shown, lines, dock.splitter.sizes(), dock.height())


def test_first_shown_beside_the_toolbox_the_panel_takes_its_tab_and_shows_its_review(
    qgis_iface, qgis_app, tmp_path
):
    """At 1600×1000 with the Processing Toolbox open on the right (screening needs it), the
    panel opened below it got 421 px: its verdict buttons out of view, two lines of the spot's
    page. Shown for the first time, it is tabbed with the Toolbox, in front, and on a 1366×768
    screen too the ledger row, the verdict buttons and 8 lines of the page are in view. A
    panel the user has placed before is not moved (see the reload test below)."""
    from qgis.core import QgsSettings

    from zc_enforcement_plugin.plugin import PANEL_PLACE_SETTING, PANEL_SHOWN_SETTING

    QgsSettings().remove(PANEL_PLACE_SETTING)  # never placed
    QgsSettings().remove(PANEL_SHOWN_SETTING)
    window, toolbox, iface = _window_with_toolbox(qgis_iface, 1366, 768)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        button = next(a for a in plugin.actions if a.objectName() == "ZcEnforcementShowDock")
        button.trigger()
        _settle()
        assert window.tabifiedDockWidgets(plugin.dock) == [toolbox]
        # In front of the Toolbox (Qt moves a tab behind another out of the window, shown).
        assert not plugin.dock.visibleRegion().isEmpty() and toolbox.visibleRegion().isEmpty()
        _review_in_view(plugin.dock, tmp_path, "first_shown_1366x768")
        # The user brings the Toolbox forward and the panel back: it stays in the group.
        toolbox.raise_()
        _settle()
        plugin.dock.raise_()
        _settle()
        assert window.tabifiedDockWidgets(plugin.dock) == [toolbox]
        assert not plugin.dock.visibleRegion().isEmpty() and toolbox.visibleRegion().isEmpty()
    finally:
        plugin.unload()
        window.close()
        QgsSettings().remove(PANEL_SHOWN_SETTING)
        QgsSettings().remove(PANEL_PLACE_SETTING)


def test_a_reload_keeps_the_panels_height_below_the_toolbox_never_less_than_its_page(
    qgis_iface, qgis_app, tmp_path
):
    """Docked below the Processing Toolbox, the panel came back from a reload (Plugin
    Reloader: unloadPlugin, loadPlugin, startPlugin) 88 px high, the ledger row and the
    import/export row alone in view; it had been 421 px. It comes back as high as it was, and
    never shorter than its review page, even from a height saved that small."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import Qt

    from zc_enforcement_plugin.plugin import PANEL_PLACE_SETTING, PANEL_SHOWN_SETTING

    settings = QgsSettings()
    settings.remove(PANEL_PLACE_SETTING)
    settings.setValue(f"{PANEL_PLACE_SETTING}/area", int(Qt.DockWidgetArea.RightDockWidgetArea))
    window, toolbox, iface = _window_with_toolbox(qgis_iface, 1600, 1000)
    plugin = classFactory(iface)
    plugin.initGui()

    def reload(plugin, saved_height=None):
        plugin.unload()
        _settle()
        if saved_height is not None:  # as the plugin before this fix saved it
            QgsSettings().setValue(f"{PANEL_PLACE_SETTING}/height", saved_height)
        again = classFactory(WindowIface(qgis_iface, window))
        again.initGui()
        _settle()
        return again

    try:
        plugin.dock.show()  # placed before: not tabbed, but below the Toolbox
        _settle()
        assert window.tabifiedDockWidgets(plugin.dock) == []
        assert plugin.dock.y() > toolbox.y()
        least = plugin.dock.docked_least_height()
        assert plugin.dock.stack.height() >= least
        # At its least height the list, page, images and evidence scroll between the rows.
        _review_in_view(plugin.dock, tmp_path, "below_toolbox", page_lines=False)
        # The user drags it taller; a reload keeps that height, below the Toolbox.
        window.resizeDocks([toolbox, plugin.dock], [250, 750], Qt.Orientation.Vertical)
        _settle()
        height, width = plugin.dock.height(), plugin.dock.width()
        assert height > least + 150
        plugin = reload(plugin)
        assert window.tabifiedDockWidgets(plugin.dock) == []
        assert plugin.dock.y() > toolbox.y() and plugin.dock.isVisible()
        assert (plugin.dock.height(), plugin.dock.width()) == (height, width)
        _review_in_view(plugin.dock, tmp_path, "after_reload")
        # From a height saved that small, it comes back no shorter than its page.
        plugin = reload(plugin, saved_height=88)
        assert plugin.dock.stack.height() >= plugin.dock.docked_least_height() == least
        _review_in_view(plugin.dock, tmp_path, "after_reload_from_88", page_lines=False)
    finally:
        plugin.unload()
        window.close()
        QgsSettings().remove(PANEL_SHOWN_SETTING)
        QgsSettings().remove(PANEL_PLACE_SETTING)


def test_on_a_short_window_the_panels_least_height_leaves_the_window_its_size(qgis_iface, qgis_app):
    """A 1366×768 screen at 150 % gives QGIS a window of about 910×512: a panel as tall as
    its review page would push the window past the screen's foot. Docked there, the panel
    asks for no more than its buttons and the list's least height (the rows above then
    scroll with the list), and the window keeps its height."""
    from qgis.core import QgsSettings

    from zc_enforcement_plugin.plugin import PANEL_PLACE_SETTING, PANEL_SHOWN_SETTING
    from zc_enforcement_plugin.ui.panel_sizing import DOCKED_HEIGHT_WINDOW_SHARE

    QgsSettings().remove(PANEL_PLACE_SETTING)
    window, toolbox, iface = _window_with_toolbox(qgis_iface, 910, 512)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        plugin.dock.show()
        _settle()
        assert plugin.dock.review_page_height() > 512 * DOCKED_HEIGHT_WINDOW_SHARE
        # As tall as its buttons and the list's least height: the rows above scroll with it.
        least = plugin.dock.docked_least_height()
        assert plugin.dock.review_page_height(header_in_view=False) <= least
        assert least < 512 * DOCKED_HEIGHT_WINDOW_SHARE
        assert window.height() == 512 and window.minimumSizeHint().height() <= 512
        assert plugin.dock.isVisible()
    finally:
        plugin.unload()
        window.close()
        QgsSettings().remove(PANEL_SHOWN_SETTING)
        QgsSettings().remove(PANEL_PLACE_SETTING)
