"""Where field photos and videos were taken (their GPS), as a point layer on the map, in step with
the ledger."""

from __future__ import annotations

import contextlib

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpression,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProject,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtXml import QDomDocument, QDomElement

from ..core import domain, evidence, ledger
from ..core.capture_metadata import shown_time
from ..i18n import tr
from ..processing.base import LEDGER_CRS

LAYER_PROPERTY = "zc_enforcement/evidence_points"  # marks the layer as the dock's own
GPS_CRS = QgsCoordinateReferenceSystem("EPSG:4326")  # what phones write into EXIF
LEFT_OUT_TAG = "zc_enforcement_evidence_points_not_saved"  # in place of the layer's <maplayer>
# QGIS's own property: a memory layer carrying it is lost on closing without QGIS's warning.
NO_SCRATCH_WARNING = "skipMemoryLayersCheck"
# The field saying a photo's file is missing, refused or altered (evidence.FILE_MISSING,
# FILE_REFUSED, FILE_ALTERED), empty while it is as recorded or not yet hashed.
FILE_STATE_FIELD = "file_state"


@contextlib.contextmanager
def project_left_as_it_was(project: QgsProject, iface=None):
    """What the panel does in the project of its own accord (its evidence layer added or
    removed, its state written for a reloaded plugin) is no change of the user's, and must not
    bring QGIS's "save changes?" question (nor the title's asterisk).

    QGIS's window marks the project changed whenever the map's layers change, and its layer
    tree hands a new layer to the map only a moment later (a queued call): the map is brought
    up to date here, inside, so that mark comes now and is undone with the rest, instead of
    after, when a change of the user's could have come between."""
    was_dirty = project.isDirty()
    # QGIS makes a layer added the active one: the photo layer took it on opening a ledger,
    # and Layer › Filter, Copy Features and the attribute table then acted on the photos, not
    # on the layer the user had chosen (a review in QGIS).
    active = iface.activeLayer() if iface is not None else None
    try:
        yield
    finally:
        if iface is not None:
            iface.layerTreeCanvasBridge().setCanvasLayers()
            if (
                active is not None
                and not sip.isdeleted(active)
                and iface.activeLayer() is not active
            ):
                iface.setActiveLayer(active)
            elif active is None and iface.activeLayer() is not None:
                # None was (a project just opened): none again. setActiveLayer takes no
                # None; the layer tree's current layer is what QGIS calls active.
                tree = iface.layerTreeView() if hasattr(iface, "layerTreeView") else None
                if tree is not None:
                    tree.setCurrentLayer(None)
        if not was_dirty:
            project.setDirty(False)


def is_panel_layer(layer: QgsMapLayer) -> bool:
    """Whether the layer is the panel's own: the memory layer it made, which carries its own id
    in LAYER_PROPERTY. QGIS copies custom properties into a duplicate (a new id) and keeps them
    through Make Permanent (another provider): those are the user's layers, never emptied,
    refilled, left out of the project file or removed."""
    return layer.providerType() == "memory" and layer.customProperty(LAYER_PROPERTY) == layer.id()


def _left_by_an_older_version(layer: QgsMapLayer) -> bool:
    """A photo layer read from a project saved before the layer was kept out of project files
    (its mark then a plain True): empty, as QGIS saves no memory layer's features."""
    mark = layer.customProperty(LAYER_PROPERTY)
    return (
        layer.providerType() == "memory"
        and mark in (True, "true", 1, "1")
        and layer.featureCount() == 0
    )


def _panel_layers(project: QgsProject) -> list[QgsMapLayer]:
    return [layer for layer in project.mapLayers().values() if is_panel_layer(layer)]


def evidence_points_layer(
    store: ledger.LedgerStore,
    project: QgsProject,
    iface=None,
    states: evidence.EvidenceFileStates | None = None,
) -> QgsVectorLayer:
    """Create or refresh the project's evidence-photo layer from every photo with a position,
    each marked (FILE_STATE_FIELD) where ``states`` last found its file missing, refused or
    altered (the
    spots' pages look at their files): never by reading the folder for every photo of the
    ledger, which on a share would hold up each refresh."""
    layer = next(iter(_panel_layers(project)), None)
    if layer is None:
        layer = QgsVectorLayer(
            f"Point?crs={LEDGER_CRS.authid()}&field={domain.SPOT_NUMBER}:string&field=path:string"
            f"&field=taken_at:string&field={FILE_STATE_FIELD}:string",
            tr("Evidence photos and videos"),
            "memory",
        )
        layer.setCustomProperty(LAYER_PROPERTY, layer.id())  # see is_panel_layer
        layer.setRenderer(_marked_renderer())
        with project_left_as_it_was(project, iface):
            project.addMapLayer(layer)
    # Rebuilt from the ledger each time: nothing is lost when QGIS closes it, so QGIS must not
    # warn of "temporary scratch layers" on every New Project or Exit (users learn to click
    # through such warnings).
    layer.setCustomProperty(NO_SCRATCH_WARNING, 1)
    provider = layer.dataProvider()
    provider.truncate()
    to_map = QgsCoordinateTransform(GPS_CRS, LEDGER_CRS, project)
    # One read, whatever the photos: on the shared ledger every read is a round trip.
    points = store.photo_points()
    root = points.evidence_dir
    states = states or evidence.EvidenceFileStates()
    features = []
    for number, record in points.photos:
        point = to_map.transform(QgsPointXY(record.gps_lon, record.gps_lat))
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(point))
        state = "" if root is None else states.last_found(root, record)
        # As the panel's list shows it (an attribute table, Identify): not the stored ISO.
        taken = shown_time(record.taken_at) if record.taken_at else None
        feature.setAttributes([number, record.path, taken, state])
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    layer.triggerRepaint()
    return layer


def mark_photo(project: QgsProject, path: str, state: str) -> bool:
    """Mark the points of the photo at ``path`` (evidence.FILE_MISSING, FILE_REFUSED,
    FILE_ALTERED or "")
    on the panel's layer, as a spot's page found its file: the layer changed where it is
    behind, not rebuilt from the ledger for one mark. False when the layer has no point of it
    (the layer removed, or the photo recorded since it was made): it is then to be rebuilt."""
    layer = next(iter(_panel_layers(project)), None)
    if layer is None:
        return False
    field = layer.fields().indexOf(FILE_STATE_FIELD)
    request = QgsFeatureRequest(
        QgsExpression(QgsExpression.createFieldEqualityExpression("path", path))
    )
    request.setNoAttributes()
    request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    changes = {feature.id(): {field: state} for feature in layer.getFeatures(request)}
    if not changes:
        return False
    layer.dataProvider().changeAttributeValues(changes)
    layer.triggerRepaint()
    return True


def photo_marks(layer: QgsVectorLayer) -> dict[str, str]:
    """What the photo layer says of each file it shows: {path: FILE_MISSING, FILE_REFUSED,
    FILE_ALTERED or ""}."""
    return {
        str(feature["path"]): str(feature[FILE_STATE_FIELD] or "")
        for feature in layer.getFeatures()
    }


def _marked_renderer() -> QgsCategorizedSymbolRenderer:
    """Photos as the usual point; a photo whose file is missing, refused or altered as a cross
    (red, purple, orange), so a point on the map is not taken for a photo one can open."""
    cross = {
        "name": "cross2",
        "color": "220,0,0",
        "size": "5",
        "outline_color": "220,0,0",
        "outline_width": "0.6",
    }
    categories = [
        QgsRendererCategory(
            evidence.FILE_MISSING, QgsMarkerSymbol.createSimple(cross), tr("Missing")
        ),
        QgsRendererCategory(
            evidence.FILE_ALTERED,
            QgsMarkerSymbol.createSimple(
                {**cross, "color": "230,120,0", "outline_color": "230,120,0"}
            ),
            tr("Altered"),
        ),
        # its stored path refused (a link, a path outside the folder): not read, not lost
        QgsRendererCategory(
            evidence.FILE_REFUSED,
            QgsMarkerSymbol.createSimple(
                {**cross, "color": "150,0,200", "outline_color": "150,0,200"}
            ),
            tr("Path refused"),
        ),
        # a photo or video as recorded, or not hashed yet
        QgsRendererCategory(
            "",
            QgsMarkerSymbol.createSimple({"name": "circle", "color": "0,120,255"}),
            tr("Photo or video"),
        ),
    ]
    return QgsCategorizedSymbolRenderer(FILE_STATE_FIELD, categories)


def warn_of_losing_copies(project: QgsProject, layers: list[QgsMapLayer]) -> None:
    """A duplicate of the panel's layer (QGIS copies custom properties into it) is a scratch
    layer of the user's, features and all: QGIS must warn before closing it loses them, as for
    any other. Called with the layers added to the project; looked at once the adding is done,
    as QGIS's Duplicate Layer sets the copy's style, custom properties with it, after adding
    it (the property taken off at once came back)."""
    ids = [layer.id() for layer in layers if layer.customProperty(LAYER_PROPERTY) is not None]
    if ids:
        QTimer.singleShot(0, lambda: _warn_of_losing(project, ids))


def _warn_of_losing(project: QgsProject, ids: list[str]) -> None:
    for layer_id in ids:
        layer = project.mapLayer(layer_id)  # None: removed meanwhile
        if layer is not None and not is_panel_layer(layer):
            layer.removeCustomProperty(NO_SCRATCH_WARNING)


def remove_evidence_points_layer(project: QgsProject, iface=None) -> None:
    """Take the panel's layer out of the project (the panel is going), and any photo layer
    read from a project an older version saved."""
    layers = [
        layer
        for layer in project.mapLayers().values()
        if is_panel_layer(layer) or _left_by_an_older_version(layer)
    ]
    if layers:
        with project_left_as_it_was(project, iface):
            project.removeMapLayers([layer.id() for layer in layers])


def leave_out_of_project_file(project: QgsProject, document: QDomDocument) -> None:
    """Strip the panel's layer from the layer tree and snapping settings of the project document
    QGIS is writing (QgsProject.writeProject: they are in it, the layers are not yet).

    QGIS saves a memory layer without its features: kept in the file, the layer came back
    empty on reopening, and stayed so where the ledger did not open (the plugin disabled, the
    ledger moved) - a stale layer among the user's. It is the panel's view of its ledger, made
    again whenever the project's ledger opens, so the file keeps none of it. QGIS 3.22 has no
    flag keeping a layer out of the file, nor a signal before the document is made: what names
    the layer by its id is taken out here, the layer itself in leave_layer_out. (The layouts,
    map themes and <layerorder>, written after this, keep its id: one no layer has, which
    reading skips.)"""
    ids = {layer.id() for layer in _panel_layers(project)}
    if not ids:
        return
    root = document.documentElement()
    # Only where QGIS 3.22 names a layer by its id in these: a user's group or layer may bear
    # any name, that id's too, and a user's join or relation may point at the photo layer.
    doomed = [
        element
        for element in _elements(root.firstChildElement("layer-tree-group"))
        if (element.tagName() == "layer-tree-layer" and element.attribute("id") in ids)
        # <item>id</item> of the custom drawing order
        or (
            element.tagName() == "item"
            and element.parentNode().toElement().tagName() == "custom-order"
            and element.text() in ids
        )
    ] + [
        element
        for element in _elements(root.firstChildElement("snapping-settings"))
        if element.tagName() == "layer-setting" and element.attribute("id") in ids
    ]
    for element in doomed:
        element.parentNode().removeChild(element)


def leave_layer_out(layer: QgsMapLayer, element: QDomElement) -> None:
    """The panel's layer as QGIS writes it into the project (QgsProject.writeMapLayer): emptied
    and renamed, so that no <maplayer> of it is read back. QGIS appends the element after this
    returns, so it cannot be taken away; an element of another name is skipped on reading.
    (QGIS also lists every layer's id in <layerorder>, written later still: an id no layer
    has, which reading ignores.)"""
    if not is_panel_layer(layer):
        return
    while not element.firstChild().isNull():
        element.removeChild(element.firstChild())
    attributes = element.attributes()
    for name in [attributes.item(i).nodeName() for i in range(attributes.count())]:
        element.removeAttribute(name)
    element.setTagName(LEFT_OUT_TAG)


def _elements(root: QDomElement):
    """Every element under root (root too), depth first, collected before any is removed."""
    found, pending = [], [root]
    while pending:
        element = pending.pop()
        found.append(element)
        child = element.firstChildElement()
        while not child.isNull():
            pending.append(child)
            child = child.nextSiblingElement()
    return found
