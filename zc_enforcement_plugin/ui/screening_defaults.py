"""The Screen spots dialog's inputs as the open project offers them: a layer for each input
whose name or source table carries the input's standard code (JCTB, DLTB, YJJBNT, …)."""

from __future__ import annotations

import re

from qgis.core import QgsProject, QgsProviderRegistry, QgsVectorLayer

from ..compat import GEOMETRY_POLYGON
from ..core import domain

# A word of a layer's name or source: letters, digits and underscores (地类图斑 DLTB, JCTB_2026Q3).
_WORD = re.compile(r"[A-Za-z0-9_]+")


def screening_inputs(project: QgsProject) -> dict[str, str]:
    """Screen spots' parameter -> the id of the layer to open its dialog with: the first polygon
    layer, in the order of the Layers panel, carrying the parameter's code, a screening output
    never (the toolbar opened the dialog on the screened spots, to screen them again against
    nothing). An input no layer carries is left out, for the dialog to leave empty."""
    polygons = [
        layer
        for layer in (node.layer() for node in project.layerTreeRoot().findLayers())
        if _polygon_source(layer) and not _screening_output(layer)
    ]
    found = {}
    for parameter, codes in domain.SCREENING_INPUT_CODES.items():
        layer = next((layer for layer in polygons if _carries(layer, codes)), None)
        if layer is not None:
            found[parameter] = layer.id()
    return found


def _polygon_source(layer) -> bool:
    return (
        isinstance(layer, QgsVectorLayer)
        and layer.isValid()
        and layer.geometryType() == GEOMETRY_POLYGON
    )


def _screening_output(layer: QgsVectorLayer) -> bool:
    names = {field.name().upper() for field in layer.fields()}
    return any(mark.upper() in names for mark in domain.SCREENING_OUTPUT_MARKS)


def _carries(layer: QgsVectorLayer, codes: tuple[str, ...]) -> bool:
    """Whether a word of the layer's name, table or file is one of `codes`, alone or followed
    by a date or number (JCTB_2026Q3, DLTB2023), not by another word: SQLX_LINES is not SQLX."""
    words = _WORD.findall(layer.name()) + _WORD.findall(_source_table(layer))
    return any(
        re.fullmatch(rf"{re.escape(code)}(_?\d\w*)?", word, re.IGNORECASE)
        for code in codes
        for word in words
    )


def _source_table(layer: QgsVectorLayer) -> str:
    """The table (GeoPackage layer, database table) or, failing that, the file name of the
    layer's source."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    table = parts.get("layerName") or parts.get("table") or ""
    if table:
        return str(table)
    path = str(parts.get("path") or "")
    return re.split(r"[\\/]", path)[-1].rsplit(".", 1)[0] if path else ""
