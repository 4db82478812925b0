"""Reads Processing feature sources into the plain arrays the core engine takes (shapely, numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsProcessingFeatureSource,
)

from ..i18n import tr
from .base import fail


@dataclass
class SourceArrays:
    """One layer as arrays, row i = the i-th feature read."""

    geoms: np.ndarray  # shapely geometries in the destination CRS; None where the feature has none
    attributes: dict[str, list]  # requested field -> values
    feature_ids: np.ndarray


def read_source(
    source: QgsProcessingFeatureSource,
    layer_label: str,
    fields: list[str],
    destination_crs: QgsCoordinateReferenceSystem,
    transform_context,
    feedback=None,
) -> SourceArrays:
    """Read geometries (transformed) and the named fields of every feature of a source.

    Invalid geometries are read as they are (the engine repairs and reports them); a source
    with no CRS is refused, since its coordinates cannot be measured.
    """
    if not source.sourceCrs().isValid():
        raise fail(
            tr("Layer {layer} has no coordinate reference system: set it before screening.").format(
                layer=layer_label
            )
        )
    available = source.fields().names()
    for name in fields:
        if name not in available:
            raise fail(
                tr("Layer {layer} has no field {field} (fields: {available}).").format(
                    layer=layer_label, field=name, available=", ".join(available)
                )
            )
    request = QgsFeatureRequest()
    request.setSubsetOfAttributes(fields, source.fields())
    request.setDestinationCrs(destination_crs, transform_context)
    # Spots with invalid geometry must reach the engine to be repaired and flagged, not dropped.
    features = source.getFeatures(
        request, QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks
    )
    wkbs: list[bytes | None] = []
    ids: list[int] = []
    values: dict[str, list] = {name: [] for name in fields}
    total = source.featureCount() or 1
    indices = [source.fields().indexOf(name) for name in fields]
    for count, feature in enumerate(features):
        if feedback is not None and count % 5000 == 0:
            if feedback.isCanceled():
                break
            feedback.setProgress(100.0 * count / total)
        geometry = feature.geometry()
        wkbs.append(None if geometry.isNull() else bytes(geometry.asWkb()))
        ids.append(feature.id())
        attributes = feature.attributes()
        for name, index in zip(fields, indices):
            values[name].append(_plain(attributes[index]))
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object), on_invalid="fix")
    return SourceArrays(geoms=geoms, attributes=values, feature_ids=np.array(ids, dtype=np.int64))


def _plain(value):
    """QVariant NULLs become None so numpy and the engine see ordinary Python values."""
    if value is None:
        return None
    try:
        if value.isNull():
            return None
    except AttributeError:
        pass
    return value
