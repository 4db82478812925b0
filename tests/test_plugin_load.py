"""The plugin loads in QGIS, registers its provider, dock, menu and toolbar, and unloads cleanly."""

from __future__ import annotations

import configparser

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
        self.docks: list = []

    def __getattr__(self, name):
        return getattr(self._iface, name)

    def addPluginToMenu(self, menu, action):  # noqa: N802
        self.menu_actions.append(action)

    def removePluginMenu(self, menu, action):  # noqa: N802
        self.menu_actions.remove(action)

    def addDockWidget(self, area, dock):  # noqa: N802
        self.docks.append(dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.docks.remove(dock)


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


def test_missing_dependency_is_reported_not_raised(qgis_iface, monkeypatch):
    import zc_enforcement_plugin.plugin as plugin_module

    monkeypatch.setattr(plugin_module, "missing_dependencies", lambda: ["rasterio"])
    pushed = []
    monkeypatch.setattr(
        qgis_iface.messageBar(),
        "pushCritical",
        lambda title, text: pushed.append(text),
        raising=False,
    )
    iface = RecordingIface(qgis_iface)
    plugin = classFactory(iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is None
        assert pushed and "rasterio" in pushed[0] and "pip install" in pushed[0]
    finally:
        plugin.unload()
