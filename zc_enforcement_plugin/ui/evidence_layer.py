"""Field photos' positions (EXIF GPS) as a point layer on the map, in step with the ledger."""

from __future__ import annotations

import contextlib

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)

from ..core import domain, ledger
from ..i18n import tr

LAYER_PROPERTY = "zc_enforcement/evidence_points"  # marks the layer as the dock's own
GPS_CRS = QgsCoordinateReferenceSystem("EPSG:4326")  # what phones write into EXIF


@contextlib.contextmanager
def project_left_as_it_was(project: QgsProject):
    """What the panel does in the project of its own accord (its evidence layer added or
    removed, its state written for a reloaded plugin) is no change of the user's, and must not
    bring QGIS's "save changes?" question. (QGIS's window may mark the project changed once
    more when its layer tree takes a new layer, a moment later: not undone, as a change of the
    user's could come between.)"""
    was_dirty = project.isDirty()
    try:
        yield
    finally:
        if not was_dirty:
            project.setDirty(False)


def evidence_points_layer(store: ledger.LedgerStore, project: QgsProject) -> QgsVectorLayer:
    """Create or refresh the project's evidence-photo layer from every photo with a position."""
    layer = next(
        (
            candidate
            for candidate in project.mapLayers().values()
            if candidate.customProperty(LAYER_PROPERTY)
        ),
        None,
    )
    crs = f"EPSG:{domain.EPSG_GK3_ZONE39_PREFIXED}"
    if layer is None:
        layer = QgsVectorLayer(
            f"Point?crs={crs}&field={domain.SPOT_NUMBER}:string&field=path:string"
            "&field=taken_at:string",
            tr("Evidence photos"),
            "memory",
        )
        layer.setCustomProperty(LAYER_PROPERTY, True)
        with project_left_as_it_was(project):
            project.addMapLayer(layer)
    # Rebuilt from the ledger each time: nothing is lost when QGIS closes it, so QGIS must not
    # warn of "temporary scratch layers" on every New Project or Exit (users learn to click
    # through such warnings). Set on a layer restored from an older project too.
    layer.setCustomProperty("skipMemoryLayersCheck", 1)
    provider = layer.dataProvider()
    provider.truncate()
    to_map = QgsCoordinateTransform(GPS_CRS, QgsCoordinateReferenceSystem(crs), project)
    numbers = {summary.id: summary.number for summary in store.spots(None)}
    features = []
    for record in store.evidence(None):
        if record.gps_lon is None or record.gps_lat is None:
            continue
        point = to_map.transform(QgsPointXY(record.gps_lon, record.gps_lat))
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(point))
        feature.setAttributes([numbers.get(record.spot_id), record.path, record.taken_at])
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    layer.triggerRepaint()
    return layer


def remove_evidence_points_layer(project: QgsProject) -> None:
    for layer in list(project.mapLayers().values()):
        if layer.customProperty(LAYER_PROPERTY):
            with project_left_as_it_was(project):
                project.removeMapLayer(layer.id())
