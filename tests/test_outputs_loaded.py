"""Outputs loaded into QGIS as the Processing dialog loads them: a run whose outputs are set to
open when done (the dialog's default, TEMPORARY_OUTPUT) ends with every output in the project,
once each, with its features, style and Chinese field names, and no "not correctly generated"
error. handleAlgorithmResults is what the dialog and processing.runAndLoadResults call."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from qgis.core import (
    QgsApplication,
    QgsLayerTreeGroup,
    QgsLayerTreeRegistryBridge,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProject,
)

from tests.test_campaign_algorithms import (
    change_parameters,
    facility_parameters,
    mining_parameters,
    src,
    temporary_parameters,
    three_zones_parameters,
)
from zc_enforcement_plugin.core import campaigns_schema as cs
from zc_enforcement_plugin.core import domain, ledger


class Errors(QgsProcessingFeedback):
    """Keeps what QGIS reports as errors while it runs and loads."""

    def __init__(self):
        super().__init__()
        self.errors: list[str] = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.errors.append(error)


def screening_parameters(demo) -> dict:
    parameters = {"SPOTS": src(demo, domain.DEMO_LAYER_SPOTS)}
    for name, layer in domain.DEMO_SCREENING_OVERLAYS.items():
        parameters[name] = src(demo, layer)
    return parameters


@pytest.fixture
def patrol_ledger(tmp_path):
    """A ledger of two offices and no patrols: each falls short in any week."""
    path = tmp_path / "ledger.gpkg"
    with ledger.GeoPackageLedger(path) as store:
        spots = [
            ledger.SpotRecord({"JCBH": f"S{i}", "SMC": office}, shapely.box(i, i, i + 9, i + 9))
            for i, office in enumerate(("城南所", "龙泉所"))
        ]
        store.import_batch("b", spots)
    return path


def parameters_of(name: str, demo, patrol_ledger) -> dict:
    """Inputs of each algorithm with a feature output, on the demo district."""
    if name == "screenspots":
        return screening_parameters(demo)
    if name == "patrolcompliance":
        return {"LEDGER": str(patrol_ledger), "START": "2025-03-03", "END": "2025-03-09"}
    made = {
        "threezonestwolines": three_zones_parameters,
        "polygonizechange": change_parameters,
        "audittemporaryland": temporary_parameters,
        "auditfacilityland": facility_parameters,
        "auditmining": mining_parameters,
    }[name](demo)
    return {key: value for key, value in made.items() if not key.startswith("OUTPUT")}


# Outputs QGIS styles and names in Chinese on loading (StyleOnLoad): output -> the labels.
LABELLED = {
    ("screenspots", "OUTPUT"): domain.output_field_labels_zh(),
    ("screenspots", "OUTPUT_PIECES"): domain.output_field_labels_zh(),
    ("threezonestwolines", "OUTPUT"): cs.VIEW_FIELD_LABELS_ZH,
    ("threezonestwolines", "OUTPUT_SUMMARY"): cs.SUMMARY_FIELD_LABELS_ZH,
    ("threezonestwolines", "OUTPUT_DETAIL"): cs.DETAIL_FIELD_LABELS_ZH,
}


def sinks(algorithm) -> list[str]:
    return [p.name() for p in algorithm.destinationParameterDefinitions() if p.type() == "sink"]


def run_and_load(algorithm, parameters: dict) -> tuple[dict, QgsProcessingContext, list[str]]:
    """Runs as the dialog does and loads the outputs: (results, context, errors reported while
    running and loading); it fails when QGIS says an output was not loaded."""
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = Errors()
    results, ok = algorithm.run(parameters, context, feedback)
    assert ok, feedback.errors
    from processing.gui.Postprocessing import handleAlgorithmResults

    assert handleAlgorithmResults(algorithm, context, feedback), feedback.errors
    return results, context, feedback.errors


def to_load(destination: str, title: str) -> QgsProcessingOutputLayerDefinition:
    """An output as the dialog passes it with "Open output file after running" ticked."""
    definition = QgsProcessingOutputLayerDefinition(destination, QgsProject.instance())
    definition.destinationName = title
    return definition


@pytest.fixture
def project():
    yield QgsProject.instance()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()  # the runs' groups too
    # A test that loaded into a group set the insertion point there: not into a deleted group.
    root = QgsProject.instance().layerTreeRoot()
    bridge = QgsProject.instance().layerTreeRegistryBridge()
    bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(root, 0))


ALGORITHMS = [
    "screenspots",
    "threezonestwolines",
    "polygonizechange",
    "audittemporaryland",
    "auditfacilityland",
    "auditmining",
    "patrolcompliance",
]


def test_every_algorithm_with_a_feature_output_is_listed_here(provider):
    found = {a.name() for a in provider.algorithms() if sinks(a)}
    assert found == set(ALGORITHMS)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_temporary_outputs_load_once_each_with_their_features_and_labels(
    provider, demo, patrol_ledger, project, name
):
    """Before, each output was put to load twice, the second time as "memory:<title>", which
    is no layer: the run ended with "The following layers were not correctly generated"."""
    import processing

    registry = QgsApplication.processingRegistry()
    algorithm = registry.createAlgorithmById(f"zcenforcement:{name}")
    outputs = sinks(algorithm)
    inputs = parameters_of(name, demo, patrol_ledger)
    plain = processing.run(algorithm.id(), {**inputs, **dict.fromkeys(outputs, "memory:")})
    expected = {output: plain[output].featureCount() for output in outputs}
    assert sum(expected.values()) > 0, expected  # else "has its features" would say nothing

    parameters = {**inputs, **{output: to_load("TEMPORARY_OUTPUT", output) for output in outputs}}
    results, context, errors = run_and_load(algorithm, parameters)

    assert not errors
    assert sorted(context.layersToLoadOnCompletion()) == sorted(results[o] for o in outputs)
    for output in outputs:
        layer = project.mapLayer(results[output])
        assert layer is not None, output
        assert layer.featureCount() == expected[output], output
        labels = LABELLED.get((name, output))
        if labels:
            names = layer.fields().names()
            aliases = {n: layer.attributeAlias(i) for i, n in enumerate(names) if n in labels}
            assert aliases and all(aliases[n] == labels[n] for n in aliases), (output, aliases)


@pytest.mark.parametrize(
    "destination",
    ["memory:", "ogr:dbname='{folder}/screened.gpkg' table=\"spots\" (geom)"],
    ids=["memory", "ogr-uri"],
)
def test_screened_spots_load_once_from_any_destination(
    provider, demo, project, tmp_path, destination
):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    output = to_load(destination.format(folder=tmp_path), "spots")
    results, context, errors = run_and_load(
        algorithm, {**screening_parameters(demo), "OUTPUT": output}
    )
    assert not errors
    assert list(context.layersToLoadOnCompletion()) == [results["OUTPUT"]]
    (layer,) = project.mapLayersByName("spots")  # a file is loaded anew, under the title given
    assert layer.featureCount() == demo_spot_count(demo)
    assert layer.renderer().type() == "categorizedSymbol"  # by suggested verdict
    index = layer.fields().indexOf(domain.SUGGESTED_VERDICT)
    assert layer.attributeAlias(index) == domain.output_field_labels_zh()[domain.SUGGESTED_VERDICT]


def demo_spot_count(demo) -> int:
    from qgis.core import QgsVectorLayer

    return QgsVectorLayer(src(demo, domain.DEMO_LAYER_SPOTS), "spots", "ogr").featureCount()


def _screening_model(demo, fix_first: bool = False) -> tuple[QgsProcessingModelAlgorithm, str]:
    """(a model, its one output): spots in, screenspots' OUTPUT out, on the demo's land use;
    the spots fixed by native:fixgeometries first when `fix_first`, as a model's step makes
    them (a memory layer named after the step)."""
    source = QgsProcessingModelChildParameterSource
    model = QgsProcessingModelAlgorithm("screen in a model", "tests")
    model.addModelParameter(
        QgsProcessingParameterFeatureSource("spots", "spots"), QgsProcessingModelParameter("spots")
    )
    spots = source.fromModelParameter("spots")
    if fix_first:
        fix = QgsProcessingModelChildAlgorithm("native:fixgeometries")
        fix.setChildId("fix")
        fix.addParameterSources("INPUT", [spots])
        fix.addParameterSources("OUTPUT", [source.fromStaticValue("TEMPORARY_OUTPUT")])
        model.addChildAlgorithm(fix)
        spots = source.fromChildOutput("fix", "OUTPUT")
    child = QgsProcessingModelChildAlgorithm("zcenforcement:screenspots")
    child.setChildId("screen")
    child.addParameterSources("SPOTS", [spots])
    child.addParameterSources(
        "LAND_USE", [source.fromStaticValue(src(demo, domain.DEMO_LAYER_LAND_USE))]
    )
    screened = QgsProcessingModelOutput("screened")
    screened.setChildId("screen")
    screened.setChildOutputName("OUTPUT")
    child.setModelOutputs({"screened": screened})
    model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    (output,) = [p.name() for p in model.destinationParameterDefinitions()]
    return model, output


def test_a_models_screened_spots_load_once_with_their_labels(provider, demo, project):
    """A model whose output is screenspots' OUTPUT: its one output loads, styled and named."""
    model, output = _screening_model(demo)

    results, context, errors = run_and_load(
        model,
        {
            "spots": src(demo, domain.DEMO_LAYER_SPOTS),
            output: to_load("TEMPORARY_OUTPUT", "screened"),
        },
    )
    assert not errors
    assert list(context.layersToLoadOnCompletion()) == [results[output]]
    layer = project.mapLayer(results[output])
    assert layer.featureCount() == demo_spot_count(demo)
    index = layer.fields().indexOf(domain.SPOT_AREA)
    assert layer.attributeAlias(index) == domain.output_field_labels_zh()[domain.SPOT_AREA]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_screened_spots_as_a_table_load_without_an_error_under_chinese_headers(
    provider, demo, project, tmp_path, suffix
):
    """A CSV or spreadsheet holds no geometry: the spots' polygon style was refused whole,
    "Cannot apply style with symbology to layer with a different geometry type" in red."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    output = to_load(str(tmp_path / f"screened.{suffix}"), "spots")
    results, _, errors = run_and_load(algorithm, {**screening_parameters(demo), "OUTPUT": output})
    assert not errors
    (layer,) = project.mapLayersByName("spots")
    assert not layer.isSpatial() and layer.featureCount() == demo_spot_count(demo)
    labels = domain.output_field_labels_zh()
    names = layer.fields().names()
    unnamed = [
        n for n in names if n in labels and layer.attributeAlias(names.index(n)) != labels[n]
    ]
    assert not unnamed
    columns = [c.name for c in layer.attributeTableConfig().columns() if c.name]
    front = list(domain.REVIEW_COLUMNS)
    assert columns[: len(front)] == front  # the reviewer's columns first, as on a map layer


def test_three_zones_outputs_as_csv_load_without_an_error_under_chinese_headers(
    provider, demo, project, tmp_path
):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "zcenforcement:threezonestwolines"
    )
    outputs = sinks(algorithm)
    parameters = parameters_of("threezonestwolines", demo, None)
    for output in outputs:
        parameters[output] = to_load(str(tmp_path / f"{output}.csv"), output)
    _, _, errors = run_and_load(algorithm, parameters)
    assert not errors
    for output in outputs:
        (layer,) = project.mapLayersByName(output)
        labels = LABELLED[("threezonestwolines", output)]
        assert not layer.isSpatial() and layer.featureCount() > 0, output
        aliases = {n: layer.attributeAlias(i) for i, n in enumerate(layer.fields().names())}
        assert {n: aliases.get(n) for n in labels} == labels, output


def _batch(name: str, x: float):
    """A spot layer in the project, as a batch the user picked in the dialog."""
    from tests.screening_layers import memory_layer, square

    layer = memory_layer([(square(x, 0, 50), [f"{name}-1"])], "field=JCBH:string", name=name)
    QgsProject.instance().addMapLayer(layer)
    return layer


def _groups(project) -> dict[str, list[str]]:
    """Each group of the Layers panel, wherever it is, with the names of its layers in order."""
    from qgis.core import QgsLayerTreeGroup

    found: dict[str, list[str]] = {}

    def walk(group):
        for child in group.children():
            if isinstance(child, QgsLayerTreeGroup):
                found[child.name()] = [node.name() for node in child.findLayers()]
                walk(child)

    walk(project.layerTreeRoot())
    return found


@pytest.mark.parametrize("destination", ["TEMPORARY_OUTPUT", "{folder}/{output}.gpkg"])
def test_each_screening_run_loads_its_layers_in_a_group_named_after_the_run(
    provider, project, tmp_path, destination
):
    """Found by review: two runs in one session loaded two 筛查结果 (Screened spots) and two
    pieces layers side by side, the same names in the Layers panel. Each run's layers now go
    into a group naming the spot layer screened, a later run of the same batch numbered. The
    layers keep the names QGIS gives them (importspots names a batch after its layer)."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    first, second = _batch("2024Q1", 0), _batch("2024Q2", 100)
    for run, batch in enumerate((first, second, first)):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        outputs = {
            output: QgsProcessingOutputLayerDefinition(  # as the dialog: "Open output file"
                destination.format(folder=folder, output=output), project
            )
            for output in ("OUTPUT", "OUTPUT_PIECES")
        }
        results, _context, errors = run_and_load(algorithm, {"SPOTS": batch.id(), **outputs})
        assert not errors
        assert sorted(results) == ["OUTPUT", "OUTPUT_PIECES"]

    titles = {p.name(): p.description() for p in algorithm.destinationParameterDefinitions()}
    both = sorted([titles["OUTPUT"], titles["OUTPUT_PIECES"]])
    groups = _groups(project)
    assert sorted(groups) == [
        "Screening of 2024Q1",
        "Screening of 2024Q1 (run 2)",
        "Screening of 2024Q2",
    ]
    assert all(sorted(layers) == both for layers in groups.values()), groups
    # Nothing loaded is left outside the groups; the batches the user picked are where they were.
    root = project.layerTreeRoot()
    assert sorted(node.name() for node in root.children() if node.nodeType() == 1) == [
        "2024Q1",
        "2024Q2",
    ]
    # The newest run on top, as QGIS puts a layer it loads.
    assert root.children()[0].name() == "Screening of 2024Q1 (run 2)"


def test_a_run_group_goes_inside_the_processing_results_group_a_user_set(provider, project):
    """QGIS's Processing option "Results group name" puts every loaded output in that group:
    the run's group goes there too, not back to the top, the newest first (found by review:
    QGIS appends to that group, and the runs came oldest first)."""
    from processing.core.ProcessingConfig import ProcessingConfig

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    batch = _batch("2024Q3", 0)
    before = ProcessingConfig.getSetting(ProcessingConfig.RESULTS_GROUP_NAME)
    ProcessingConfig.setSettingValue(ProcessingConfig.RESULTS_GROUP_NAME, "结果")
    try:
        for _run in range(3):
            _results, _context, errors = run_and_load(
                algorithm, {"SPOTS": batch.id(), "OUTPUT": to_load("TEMPORARY_OUTPUT", "spots")}
            )
            assert not errors
    finally:
        ProcessingConfig.setSettingValue(ProcessingConfig.RESULTS_GROUP_NAME, before)
    results_group = project.layerTreeRoot().findGroup("结果")
    assert [child.name() for child in results_group.children()] == [
        "Screening of 2024Q3 (run 3)",
        "Screening of 2024Q3 (run 2)",
        "Screening of 2024Q3",
    ]
    assert [node.name() for node in results_group.findLayers()] == ["spots"] * 3


def test_a_three_zones_run_loads_its_layers_in_a_group_of_its_own(provider, demo, project):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "zcenforcement:threezonestwolines"
    )
    inputs = parameters_of("threezonestwolines", demo, None)
    outputs = {output: to_load("TEMPORARY_OUTPUT", output) for output in sinks(algorithm)}
    for _run in range(2):
        _results, _context, errors = run_and_load(algorithm, {**inputs, **outputs})
        assert not errors
    groups = _groups(project)
    title = algorithm.displayName()
    assert sorted(groups) == [title, f"{title} (run 2)"]
    assert all(sorted(layers) == sorted(outputs) for layers in groups.values()), groups


def test_run_groups_are_named_in_chinese_in_a_chinese_qgis(provider, project):
    from qgis.PyQt.QtCore import QCoreApplication

    from zc_enforcement_plugin.i18n import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "run make translations"
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    batch = _batch("JCTB", 0)
    try:
        for _run in range(2):
            _results, _context, errors = run_and_load(
                algorithm, {"SPOTS": batch.id(), "OUTPUT": to_load("TEMPORARY_OUTPUT", "spots")}
            )
            assert not errors
    finally:
        QCoreApplication.removeTranslator(translator)
    assert sorted(_groups(project)) == ["图斑叠加筛查：JCTB", "图斑叠加筛查：JCTB（第 2 次）"]


def _screen_and_load(batch) -> None:
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    _results, _context, errors = run_and_load(
        algorithm, {"SPOTS": batch.id(), "OUTPUT": to_load("TEMPORARY_OUTPUT", "spots")}
    )
    assert not errors


def test_a_run_loaded_while_the_last_runs_layer_is_current_goes_beside_its_group(provider, project):
    """Found by review: QGIS loads a layer where the current layer is, and after a run that is
    the run's result, inside its group. Each run's group went into the last one's, so removing
    an old run removed the newer ones with it. The new group goes beside it, on top."""
    batch = _batch("2024Q4", 0)
    _screen_and_load(batch)
    first = project.layerTreeRoot().findGroup("Screening of 2024Q4")
    for _run in range(2):  # as QGIS does once the last run's result is the current layer
        current = project.layerTreeRoot().children()[0]
        bridge = project.layerTreeRegistryBridge()
        bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(current, 0))
        _screen_and_load(batch)
    root = project.layerTreeRoot()
    assert [child.name() for child in root.children()] == [
        "Screening of 2024Q4 (run 3)",
        "Screening of 2024Q4 (run 2)",
        "Screening of 2024Q4",
        "2024Q4",
    ]
    assert [child.name() for child in first.children()] == ["spots"]
    root.removeChildNode(first)
    assert sorted(_groups(project)) == [
        "Screening of 2024Q4 (run 2)",
        "Screening of 2024Q4 (run 3)",
    ]


def _batches_of_three_and_one():
    """Two batches of spots named B in the project, of 3 spots and of 1 (B-0, the first of the
    3): a second run into the first run's file gives fewer spots than the loaded result."""
    from tests.screening_layers import memory_layer, square

    three = memory_layer(
        [(square(x, 0, 50), [f"B-{x}"]) for x in (0, 100, 200)], "field=JCBH:string", name="B"
    )
    one = memory_layer([(square(0, 0, 50), ["B-0"])], "field=JCBH:string", name="B")
    QgsProject.instance().addMapLayers([three, one])
    return three, one


def test_a_run_into_the_file_of_a_result_still_loaded_shows_the_new_result(
    provider, project, tmp_path
):
    """Found in a real QGIS: QGIS hands back the loaded layer of that file, whose provider
    still read the earlier run's file, set aside: 3 spots shown over a file of 1 until the
    project was reloaded, and the earlier run's group was left empty."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    three, one = _batches_of_three_and_one()
    path = str(tmp_path / "screened.gpkg")
    for batch in (three, one):
        _results, _context, errors = run_and_load(
            algorithm, {"SPOTS": batch.id(), "OUTPUT": to_load(path, "spots")}
        )
        assert not errors
    loaded = [layer for layer in project.mapLayers().values() if layer.source().startswith(path)]
    assert len(loaded) == 1
    assert loaded[0].featureCount() == 1
    assert [f["JCBH"] for f in loaded[0].getFeatures()] == ["B-0"]
    assert _groups(project) == {"Screening of B (run 2)": ["spots"]}


def test_a_filtered_copy_of_a_result_reads_the_new_file_too(provider, project, tmp_path):
    """With a filter on the earlier result QGIS loads the new one as a layer of its own, and
    the filtered one went on counting 3 spots over a file of 1."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    three, one = _batches_of_three_and_one()
    path = str(tmp_path / "screened.gpkg")
    run_and_load(algorithm, {"SPOTS": three.id(), "OUTPUT": to_load(path, "spots")})
    (first,) = [la for la in project.mapLayers().values() if la.source().startswith(path)]
    assert first.setSubsetString('"JCBH" IS NOT NULL') and first.featureCount() == 3
    run_and_load(algorithm, {"SPOTS": one.id(), "OUTPUT": to_load(path, "spots")})
    assert first.featureCount() == 1
    assert [f["JCBH"] for f in first.getFeatures()] == ["B-0"]


def test_a_run_into_the_file_of_a_result_being_edited_is_refused_and_the_edits_kept(
    provider, project, tmp_path
):
    """A review found: the loaded result read the new file again with its unsaved edits, kept
    by feature id, which then fell on the new result's spots (a verdict typed for spot A
    saved on spot Z). Such a run is refused before anything is written."""
    import processing
    from qgis.core import QgsProcessingException

    from tests.screening_layers import memory_layer, square

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    batch = memory_layer([(square(0, 0, 50), ["A-0"])], "field=JCBH:string", name="A")
    QgsProject.instance().addMapLayer(batch)
    path = str(tmp_path / "screened.gpkg")
    run_and_load(algorithm, {"SPOTS": batch.id(), "OUTPUT": to_load(path, "spots")})
    (loaded,) = [la for la in project.mapLayers().values() if la.source().startswith(path)]
    assert loaded.startEditing()
    field = loaded.fields().indexOf(domain.SUGGESTED_VERDICT)
    assert loaded.changeAttributeValue(next(loaded.getFeatures()).id(), field, "EDITED")
    with pytest.raises(QgsProcessingException) as refused:
        processing.run(algorithm.id(), {"SPOTS": batch.id(), "OUTPUT": path})
    assert loaded.name() in str(refused.value) and "unsaved edits" in str(refused.value)
    assert loaded.isModified()
    assert [f[domain.SUGGESTED_VERDICT] for f in loaded.getFeatures()] == ["EDITED"]
    loaded.rollBack()


def test_any_output_run_into_the_file_of_one_still_loaded_shows_the_new_rows(
    provider, project, patrol_ledger, tmp_path
):
    """The same for an output no style is put on: the weekly check of two weeks, then of one,
    into one file (two offices short each week: 4 rows, then 2)."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "zcenforcement:patrolcompliance"
    )
    path = str(tmp_path / "compliance.gpkg")
    for end in ("2025-03-16", "2025-03-09"):
        parameters = {"LEDGER": str(patrol_ledger), "START": "2025-03-03", "END": end}
        _results, _context, errors = run_and_load(
            algorithm, {**parameters, "OUTPUT": to_load(path, "weeks")}
        )
        assert not errors
    loaded = [layer for layer in project.mapLayers().values() if layer.source().startswith(path)]
    assert len(loaded) == 1
    assert loaded[0].featureCount() == 2


def test_a_users_own_group_is_not_stepped_out_of(provider, project):
    """A group the user made and made current keeps the run's group: only run groups are left."""
    batch = _batch("2025Q1", 0)
    mine = project.layerTreeRoot().addGroup("我的检查")
    bridge = project.layerTreeRegistryBridge()
    bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(mine, 0))
    _screen_and_load(batch)
    assert [child.name() for child in mine.children()] == ["Screening of 2025Q1"]


def test_a_run_loaded_into_a_users_group_inside_a_run_group_leaves_the_run_group(provider, project):
    """Found by review: a group the user made inside a run's group, made current, took the
    next runs, and removing that old run removed them with it."""
    batch = _batch("2026Q1", 0)
    _screen_and_load(batch)
    first = project.layerTreeRoot().findGroup("Screening of 2026Q1")
    mine = first.addGroup("用户子组")
    bridge = project.layerTreeRegistryBridge()
    for _run in range(2):
        bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(mine, 0))
        _screen_and_load(batch)
    assert [child.name() for child in project.layerTreeRoot().children()] == [
        "Screening of 2026Q1 (run 3)",
        "Screening of 2026Q1 (run 2)",
        "Screening of 2026Q1",
        "2026Q1",
    ]
    assert mine.children() == []


def test_a_run_after_a_removed_group_takes_the_next_number_not_the_freed_one(provider, project):
    """Found by review: with run 2 removed, the fourth run was named "run 2" again and stood
    above run 3 with an older number."""
    batch = _batch("2025Q2", 0)
    for _run in range(3):
        _screen_and_load(batch)
    root = project.layerTreeRoot()
    root.removeChildNode(root.findGroup("Screening of 2025Q2 (run 2)"))
    _screen_and_load(batch)
    assert root.children()[0].name() == "Screening of 2025Q2 (run 4)"


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (set(), "T"),
        ({"T"}, "T (run 2)"),
        ({"T (run 2)"}, "T (run 3)"),  # the first run's group removed
        ({"T", "T (run 3)", "T (run x)", "TT (run 9)"}, "T (run 4)"),
    ],
)
def test_numbered_name(taken, expected):
    from zc_enforcement_plugin.processing.style_on_load import numbered_name

    assert numbered_name(taken, "T") == expected


def test_spots_a_model_step_made_give_their_run_group_the_algorithms_name(provider, demo, project):
    """Found by review: spots fixed by a model's earlier step were screened as "Screening of
    Fixed geometries" (or "of output"): a name that says nothing of the spots. The group takes
    the algorithm's name alone."""
    model, output = _screening_model(demo, fix_first=True)

    _results, _context, errors = run_and_load(
        model,
        {
            "spots": src(demo, domain.DEMO_LAYER_SPOTS),
            output: to_load("TEMPORARY_OUTPUT", "screened"),
        },
    )
    assert not errors
    screening = QgsApplication.processingRegistry().algorithmById("zcenforcement:screenspots")
    assert sorted(_groups(project)) == [screening.displayName()]


def test_spots_read_from_a_file_name_the_run_group_after_their_table(provider, demo, project):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("zcenforcement:screenspots")
    _results, _context, errors = run_and_load(
        algorithm,
        {
            "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS),
            "OUTPUT": to_load("TEMPORARY_OUTPUT", "spots"),
        },
    )
    assert not errors
    assert sorted(_groups(project)) == [f"Screening of {domain.DEMO_LAYER_SPOTS}"]


@pytest.fixture
def layers_panel(project, monkeypatch):
    """A Layers panel wired as QGIS's window wires it: what QGIS loads becomes the current
    layer (QgisApp::autoSelectAddedLayer), and the next layer loads where the current layer is
    (QgisApp sets the insertion point from the view on each change of the current layer)."""
    import qgis.utils
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView
    from qgis.PyQt import sip

    view = QgsLayerTreeView()
    model = QgsLayerTreeModel(project.layerTreeRoot(), view)
    view.setModel(model)
    bridge = project.layerTreeRegistryBridge()

    def select_added(layers):
        if layers:
            view.setCurrentLayer(layers[0])

    def follow_current_layer(_layer):  # QgisApp::layerTreeInsertionPoint, groups not embedded
        node = view.currentNode()
        if node is None:
            point = QgsLayerTreeRegistryBridge.InsertionPoint(project.layerTreeRoot(), 0)
        elif isinstance(node, QgsLayerTreeGroup):
            point = QgsLayerTreeRegistryBridge.InsertionPoint(node, 0)
        else:
            point = QgsLayerTreeRegistryBridge.InsertionPoint(
                node.parent(), view.currentIndex().row()
            )
        bridge.setLayerInsertionPoint(point)

    bridge.addedLayersToLayerTree.connect(select_added)
    view.currentLayerChanged.connect(follow_current_layer)
    interface = type("Interface", (), {"layerTreeView": lambda self: view})()
    monkeypatch.setattr(qgis.utils, "iface", interface)
    yield view
    bridge.addedLayersToLayerTree.disconnect(select_added)
    view.currentLayerChanged.disconnect(follow_current_layer)
    sip.delete(view)


def test_runs_after_runs_stack_newest_first_where_the_layers_panel_loads_them(
    provider, project, layers_panel
):
    """Found by review in QGIS: three runs from the toolbox, nothing clicked between them, gave
    run 2, run 3, run 1 from the top. Moving the loaded layer into its group had moved the
    panel's current row into the oldest group, where the next run loaded."""
    batch = _batch("2025Q3", 0)
    for _run in range(3):
        _screen_and_load(batch)
        # QGIS makes what it loads the current layer: it stays so once moved into its group.
        newest = project.layerTreeRoot().children()[0]
        assert newest.findLayer(layers_panel.currentLayer()) is not None
    assert [child.name() for child in project.layerTreeRoot().children()] == [
        "Screening of 2025Q3 (run 3)",
        "Screening of 2025Q3 (run 2)",
        "Screening of 2025Q3",
        "2025Q3",
    ]


def test_a_run_loaded_into_the_oldest_runs_group_goes_above_every_run(provider, project):
    """The current layer may be in any run's group (a batch's rows, a layer picked to look
    at): the new run goes above them all, not between two of them."""
    batch = _batch("2025Q4", 0)
    bridge = project.layerTreeRegistryBridge()
    for _run in range(3):
        _screen_and_load(batch)
        oldest = [g for g in project.layerTreeRoot().children() if g.name() != "2025Q4"][-1]
        bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(oldest, 0))
    assert [child.name() for child in project.layerTreeRoot().children()] == [
        "Screening of 2025Q4 (run 3)",
        "Screening of 2025Q4 (run 2)",
        "Screening of 2025Q4",
        "2025Q4",
    ]


def test_a_layer_is_known_by_name_unless_a_step_made_it_on_the_way(project, tmp_path):
    from qgis.core import QgsProcessingUtils, QgsVectorFileWriter, QgsVectorLayer

    from tests.screening_layers import memory_layer, square
    from zc_enforcement_plugin.processing.layer_reader import known_by_name

    context = QgsProcessingContext()
    context.setProject(project)
    scratch = memory_layer([(square(0, 0, 5), ["a"])], "field=JCBH:string", name="output")
    assert not known_by_name(scratch, context)  # a model step's or an iteration's
    assert known_by_name(_batch("草稿", 0), context)  # a memory layer the user put in the project

    def written_in(folder) -> QgsVectorLayer:
        path = str(folder / "spots.gpkg")
        options = QgsVectorFileWriter.SaveVectorOptions()
        QgsVectorFileWriter.writeAsVectorFormatV3(
            scratch, path, context.transformContext(), options
        )
        return QgsVectorLayer(path, "spots", "ogr")

    assert known_by_name(written_in(tmp_path), context)  # a file of the user's
    temporary = Path(QgsProcessingUtils.tempFolder()) / "step"
    temporary.mkdir(exist_ok=True)
    assert not known_by_name(written_in(temporary), context)  # a step's output file
    table = QgsVectorLayer('dbname=\'zc\' table="public"."jctb" (geom)', "jctb", "postgres")
    assert known_by_name(table, context)  # a database's table, named by the connection
    assert not known_by_name(None, context)


def test_a_first_run_goes_where_qgis_loaded_it_above_the_current_layer(provider, project):
    """No run group yet: the group takes the place QGIS loaded the layer in, above the layer
    the user picked (here the lower of two batches), as QGIS places any layer it loads."""
    upper = _batch("2026Q2", 0)
    _batch("2026Q3", 0)
    root = project.layerTreeRoot()
    assert [child.name() for child in root.children()] == ["2026Q3", "2026Q2"]
    bridge = project.layerTreeRegistryBridge()
    bridge.setLayerInsertionPoint(QgsLayerTreeRegistryBridge.InsertionPoint(root, 1))
    _screen_and_load(upper)
    assert [child.name() for child in root.children()] == [
        "2026Q3",
        "Screening of 2026Q2",
        "2026Q2",
    ]
