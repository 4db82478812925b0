"""Styles an output of screening or of a 三区两线 check when QGIS loads it, and puts Chinese
names on its fields: the technician opens a result already coloured by suggested verdict. Each
run's loaded outputs go into a group of their own in the Layers panel, named after the run."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsLayerTreeLayer,
    QgsLayerTreeNode,
    QgsMapLayer,
    QgsProcessingLayerPostProcessorInterface,
)
from qgis.PyQt import sip

from ..core import domain
from ..fonts import use_chinese_font_in_labels
from ..i18n import tr
from ..resources_paths import STYLES
from .overwrite_check import places_read, same_file

_CATEGORY = QgsMapLayer.StyleCategory
# What a style draws. An output written without geometry (a CSV or spreadsheet: the spots'
# table) takes the rest of a style made for polygons, its field names, forms and table columns:
# QGIS refuses a style with another geometry type whole when these are asked for too, and said
# so in red in the log of every such run.
_DRAWING = _CATEGORY.Symbology | _CATEGORY.Symbology3D | _CATEGORY.Labeling | _CATEGORY.Diagrams
_TABLE_CATEGORIES = _CATEGORY.AllStyleCategories & ~_DRAWING


def read_file_again(layer) -> None:
    """Has a loaded output, and every other layer of the project reading its file, read it as
    the run left it. A run into the file of a result still loaded gets that layer back from
    QGIS, whose provider still reads the earlier file (set aside by the run, partial_outputs):
    it showed the last run's 300 spots over a file of 5 until the project was opened again;
    a copy of it with a filter, which QGIS does not hand back, did the same. Never a layer
    being edited: its edits, kept by feature id, would fall on the new file's features (such a
    run is refused beforehand, overwrite_check)."""
    if layer.providerType() != "ogr":
        return
    files = [path for path, _layer in places_read(layer)]
    project = layer.project()
    readers = [layer, *(project.mapLayers().values() if project is not None else ())]
    for reader in dict.fromkeys(readers):  # the layer itself once, whatever its project
        same = reader is layer or (
            reader.providerType() == "ogr"
            and any(same_file(path, read) for path in files for read, _ in places_read(reader))
        )
        if same and not reader.isEditable() and not reader.isModified():
            reader.reload()
            reader.updateExtents()
            reader.triggerRepaint()


class ReloadOnLoad(QgsProcessingLayerPostProcessorInterface):
    """read_file_again for an output QGIS loads; StyleOnLoad styles it as well."""

    # Processing keeps only a pointer and deletes the C++ side with its context: each Python
    # object is held here until then (an iterated run loads all its outputs at the end).
    _alive: list[ReloadOnLoad] = []

    @classmethod
    def create(cls, *args) -> ReloadOnLoad:
        ReloadOnLoad._alive = [held for held in ReloadOnLoad._alive if not sip.isdeleted(held)]
        processor = cls(*args)
        ReloadOnLoad._alive.append(processor)
        return processor

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        read_file_again(layer)


class StyleOnLoad(ReloadOnLoad):
    """Styles an output when QGIS loads it: spots by suggested verdict, pieces by layer."""

    def __init__(self, style: Path, screening_labels: bool = True, group: RunGroup | None = None):
        super().__init__()
        self.style = style
        self.screening_labels = screening_labels  # else the style's own aliases only
        self.group = group

    @classmethod
    def attach(
        cls,
        context,
        outputs: dict,
        styles: dict[str, str],
        run_title: str,
        screening_labels: bool = True,
    ) -> None:
        """Styles each output (name -> style in resources/styles) that QGIS will load, and
        puts them together in a group named `run_title` (numbered when taken)."""
        group = RunGroup(run_title)
        for name, style in styles.items():
            if name in outputs and context.willLoadLayerOnCompletion(outputs[name]):
                details = context.layerToLoadOnCompletionDetails(outputs[name])
                style_path = STYLES / f"{style}.qml"
                details.setPostProcessor(cls.create(style_path, screening_labels, group))

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        super().postProcessLayer(layer, context, feedback)
        if layer.isSpatial():
            message, ok = layer.loadNamedStyle(str(self.style))
        else:
            message, ok = layer.loadNamedStyle(str(self.style), categories=_TABLE_CATEGORIES)
        if not ok:
            feedback.reportError(message, fatalError=False)
        # The style names the font canonically; under zh_CN QGIS just put the application font
        # in its place, and on Windows it is not installed: the labels need it in Chinese.
        use_chinese_font_in_labels(layer)
        if self.screening_labels:
            _label_fields(layer)
        if self.group is not None:
            self.group.take(layer)
        layer.triggerRepaint()


class RunGroup:
    """The group in the Layers panel that one run's loaded outputs go into, made when the first
    of them is loaded, where QGIS put it (the top, or the Processing results group a user set).

    Found by review: two runs loaded two 筛查结果图斑 and two pieces layers nobody could tell
    apart. The layers keep the names QGIS gives them: importspots names a batch after its layer
    when BATCH is not given, and a name that changed with each run would become a new batch of
    the same spots (and a run's time or an en dash is nothing a GBK or EUC_CN ledger should get).
    """

    def __init__(self, title: str):
        self.title = title
        self._group: QgsLayerTreeGroup | None = None

    def take(self, layer) -> None:
        project = layer.project()
        node = project.layerTreeRoot().findLayer(layer.id()) if project is not None else None
        if node is None:  # loaded into no tree (a script's own project): nothing to group
            return
        parent = node.parent()
        if self._group is None or sip.isdeleted(self._group):
            name = numbered_name(_group_names(project.layerTreeRoot()), self.title)
            self._group = _new_run_group(node, name)
        view = _layer_tree_view()
        current = view.currentLayer() if view is not None else None
        # QGIS put each output on top as it loaded it: the later ones first, as in the group.
        self._group.insertChildNode(0, node.clone())
        parent.removeChildNode(node)
        if _is_run_group(parent) and not parent.children() and parent.parent() is not None:
            # An earlier run's group whose result this run wrote over (the same file, loaded
            # still): nothing of that run is left to show.
            parent.parent().removeChildNode(parent)
        if current is not None and current.id() == layer.id():
            view.setCurrentLayer(layer)  # as QGIS left it: the row it was on went with the node


def _new_run_group(node: QgsLayerTreeLayer, name: str) -> QgsLayerTreeGroup:
    """A run group for `node`'s run, near where QGIS loaded it (above the current layer, or
    last in Processing's results group), but never inside another run's group and always
    above the run groups beside it: the runs stay together, the newest on top.

    Found by review: QGIS loads where the current layer is, and after a run that is a layer
    of its group (or of any run's: a batch's rows, a layer picked to look at, a group the
    user made inside one); each run's group went into the last one's, and removing an old
    run removed every newer one with it. In the results group QGIS appends: oldest first."""
    place: QgsLayerTreeNode = node
    ancestor = node.parent()
    while ancestor is not None:
        if _is_run_group(ancestor):
            place = ancestor  # the outermost run group holding the node
        ancestor = ancestor.parent()
    parent = place.parent()
    runs = [i for i, child in enumerate(parent.children()) if _is_run_group(child)]
    group = parent.insertGroup(min([_index_in(parent, place), *runs]), name)
    group.setCustomProperty(_RUN_GROUP, True)
    return group


def _layer_tree_view():
    """QGIS's Layers panel, None outside the desktop (qgis_process, a script, the tests'
    stand-in interface without one)."""
    from qgis.gui import QgsLayerTreeView
    from qgis.utils import iface

    view = getattr(iface, "layerTreeView", lambda: None)()
    return view if isinstance(view, QgsLayerTreeView) else None


# Marks the groups RunGroup made in a project (kept in the .qgz): a group of the user's own
# is never stepped out of.
_RUN_GROUP = "zc_enforcement/run_group"


def _is_run_group(node) -> bool:
    return isinstance(node, QgsLayerTreeGroup) and bool(node.customProperty(_RUN_GROUP, False))


def numbered_name(taken: set[str], title: str) -> str:
    """`title` when no run of it is in the Layers panel, else `title (run n)` with n one more
    than the highest there (the first run counting as 1): a number freed by removing a group
    below the highest is not reused, which would put an old number on the newest run."""
    template = tr("{title} (run {run})")
    before, _, after = template.format(title=title, run="\0").partition("\0")
    runs = [1] if title in taken else []
    for name in taken:
        number = name[len(before) : len(name) - len(after)]
        if name.startswith(before) and name.endswith(after) and number.isdigit():
            runs.append(int(number))
    if not runs:
        return title
    return template.format(title=title, run=max(runs) + 1)


def _group_names(group: QgsLayerTreeGroup) -> set[str]:
    names = set()
    for child in group.children():
        if isinstance(child, QgsLayerTreeGroup):
            names.add(child.name())
            names |= _group_names(child)
    return names


def _index_in(parent: QgsLayerTreeGroup, node: QgsLayerTreeNode) -> int:
    # One Python wrapper per node while it is held: `is` finds it among its parent's children.
    return next((i for i, child in enumerate(parent.children()) if child is node), 0)


def _label_fields(layer) -> None:
    """Chinese aliases on the result fields (also under their Shapefile names) and the
    reviewer's columns first in the attribute table. (The pieces name their layers in words in
    the file itself: PIECE_LAYER.)"""
    labels = domain.output_field_labels_zh()
    labels.update({domain.shapefile_field_name(name): label for name, label in labels.items()})
    names = layer.fields().names()
    for index, name in enumerate(names):
        if name in labels:
            layer.setFieldAlias(index, labels[name])
    config = layer.attributeTableConfig()
    config.update(layer.fields())
    front = [name for name in domain.REVIEW_COLUMNS if name in names]
    columns = sorted(
        config.columns(),
        key=lambda c: front.index(c.name) if c.name in front else len(front),
    )
    config.setColumns(columns)
    layer.setAttributeTableConfig(config)
