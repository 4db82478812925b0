"""The toolbar's Screen spots opens with the project's layers in its inputs, by their standard
codes: it opened the demo project with the screened spots as the spots and every protection
layer empty, and Run screened the screened layer again against nothing."""

from __future__ import annotations

import fiona
import pytest
from qgis.core import QgsProject

# The toolbar test loads and unloads the plugin, which drops its modules: the fixture puts them
# back for the tests after (autouse, here by import).
from tests.test_plugin_load import RecordingIface, plugin_modules_kept_for_the_other_tests  # noqa: F401
from zc_enforcement_plugin.core import domain
from zc_enforcement_plugin.ui.screening_defaults import screening_inputs

SCREENED_TITLE = "筛查结果 screened spots"  # as `make demo` loads the screening output
ZONES_TITLE = "三区两线 SQLX_ZONES"  # the zones the view areas are built from, not the view areas


def _write_screened(demo, path) -> None:
    """A screening output as it comes out: the spots with the result fields, in a table that
    carries the spots' code (JCTB)."""
    with fiona.open(demo.gpkg, layer=domain.DEMO_LAYER_SPOTS) as spots:
        schema = spots.schema.copy()
        schema["properties"] = {**schema["properties"], domain.SUGGESTED_VERDICT: "str"}
        features = [
            {
                "geometry": feature.geometry,
                "properties": {
                    **dict(feature.properties),
                    domain.SUGGESTED_VERDICT: domain.SUGGEST_FIELD_CHECK,
                },
            }
            for feature in spots
        ]
        with fiona.open(
            path, "w", driver="GPKG", schema=schema, crs=spots.crs, layer=domain.DEMO_LAYER_SPOTS
        ) as screened:
            screened.writerecords(features)


@pytest.fixture
def demo_project(demo, tmp_path):
    """The demo project as `make demo` writes it, the screening output on top (its table named
    JCTB), and the three-zones source zones above the view areas: QgsProject.instance()."""
    from zc_enforcement_plugin.processing.demo_project import write_demo_project

    screened = tmp_path / "screened_spots.gpkg"
    _write_screened(demo, screened)
    path = tmp_path / "demo_district.qgz"
    extra = [
        (demo.gpkg, domain.DEMO_LAYER_THREE_ZONES_ZONES, ZONES_TITLE),
        (screened, domain.DEMO_LAYER_SPOTS, SCREENED_TITLE),
    ]
    assert write_demo_project(demo.gpkg, path, extra_vector_layers=extra) == []
    project = QgsProject.instance()
    assert project.read(str(path))
    yield project
    project.clear()


def _layer_id(project: QgsProject, title: str) -> str:
    (layer,) = project.mapLayersByName(title)
    return layer.id()


def _demo_inputs(project: QgsProject) -> dict[str, str]:
    """What the dialog must open with on the demo project: each input the demo layer of its
    code, the screened spots never."""
    titles = {layer.name().split()[-1]: layer.name() for layer in project.mapLayers().values()}
    codes = {"SPOTS": domain.DEMO_LAYER_SPOTS, **domain.DEMO_SCREENING_OVERLAYS}
    return {parameter: _layer_id(project, titles[code]) for parameter, code in codes.items()}


def test_each_input_takes_the_demo_layer_of_its_code_never_the_screened_spots(demo_project):
    found = screening_inputs(demo_project)
    expected = _demo_inputs(demo_project)
    assert found == expected
    assert expected["SPOTS"] == _layer_id(demo_project, "卫片图斑 JCTB")
    assert _layer_id(demo_project, SCREENED_TITLE) not in found.values()
    assert _layer_id(demo_project, ZONES_TITLE) not in found.values()


def test_an_input_no_layer_carries_is_left_empty(demo_project):
    """Without the red line and with only the screened spots carrying JCTB: those inputs are
    left out, for the dialog to leave empty, not filled with another layer."""
    for title in ("卫片图斑 JCTB", "生态保护红线 STHX"):
        demo_project.removeMapLayer(_layer_id(demo_project, title))
    found = screening_inputs(demo_project)
    assert "SPOTS" not in found and "RED_LINE" not in found
    assert found["LAND_USE"] == _layer_id(demo_project, "地类图斑 DLTB")


def test_a_layer_is_found_by_its_source_table_and_a_dated_code(demo, tmp_path):
    """A layer titled in words only is found by its table; a batch's code may carry its date
    (JCTB_2026Q3), while another word after a code (SQLX_ZONES) is another layer."""
    from qgis.core import QgsVectorLayer

    project = QgsProject()
    dated = tmp_path / "JCTB_2026Q3.gpkg"
    with fiona.open(demo.gpkg, layer=domain.DEMO_LAYER_SPOTS) as spots:
        first = list(spots)[:3]
        schema, crs = spots.schema, spots.crs
    with fiona.open(dated, "w", driver="GPKG", schema=schema, crs=crs) as copy:
        copy.writerecords(first)
    layers = {
        "spots": QgsVectorLayer(str(dated), "第三季度卫片", "ogr"),
        "land_use": QgsVectorLayer(f"{demo.gpkg}|layername=DLTB", "地类图斑", "ogr"),
        "zones": QgsVectorLayer(f"{demo.gpkg}|layername=SQLX_ZONES", "SQLX_ZONES", "ogr"),
    }
    for layer in layers.values():
        assert layer.isValid(), layer.source()
        project.addMapLayer(layer)
    assert screening_inputs(project) == {
        "SPOTS": layers["spots"].id(),
        "LAND_USE": layers["land_use"].id(),
    }


def test_the_toolbar_opens_screen_spots_with_the_projects_layers(
    demo_project, qgis_iface, monkeypatch
):
    import processing

    from zc_enforcement_plugin import classFactory

    opened = []
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda *args: opened.append(args))
    plugin = classFactory(RecordingIface(qgis_iface))
    plugin.initGui()
    try:
        (screen,) = [a for a in plugin.actions if a.objectName() == "ZcEnforcementScreenSpots"]
        screen.trigger()
    finally:
        plugin.unload()
    assert opened == [("zcenforcement:screenspots", _demo_inputs(demo_project))]


def test_the_dialog_shows_the_projects_layers(
    demo_project, provider, qgis_iface, tmp_path, monkeypatch
):
    """The dialog itself, filled so: each input's combo on its layer (rendered for a look)."""
    from processing.tools.general import createAlgorithmDialog
    from qgis.gui import QgsBrowserGuiModel

    browser = QgsBrowserGuiModel()  # what QGIS's own interface gives the dialog's file pickers
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: browser, raising=False)

    expected = _demo_inputs(demo_project)
    dialog = createAlgorithmDialog("zcenforcement:screenspots", screening_inputs(demo_project))
    try:
        dialog.resize(760, 900)
        dialog.show()
        parameters = dialog.mainWidget().createProcessingParameters()
        shown = {name: parameters[name] for name in expected}
        assert shown == expected
        dialog.grab().save(str(tmp_path / "screen_spots_dialog.png"))
    finally:
        dialog.close()
        dialog.deleteLater()
