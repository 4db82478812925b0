"""Outputs that would write over the run's own inputs, or over each other, refused before
anything is read or written.

Processing replaces a file output whole: an OUTPUT set to the district's GeoPackage that the
spots are read from wiped its fifteen layers, and the run still reported success (it read the
spots before opening its writer). An output naming a layer of that file (ogr:dbname=… table=…)
replaces that layer alone. Two outputs of one run in one file write over each other, which
surfaced only after the whole overlay as a file "holding 842 of the 300 features written".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from osgeo import ogr
from qgis.core import (
    QgsMapLayer,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsProject,
    QgsProviderRegistry,
)

from ..i18n import parameter_label, tr
from .partial_outputs import file_and_layer

# The parameters that read a file: a text or a number parameter names none.
_LAYER_PARAMETERS = (
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
)

# (file, layer): layer None for a file read or written whole (a Shapefile, a GeoPackage's
# only or first layer read by its path, a file output replaced as a whole).
Place = tuple[Path, "str | None"]


def overwrite_refusal(algorithm, parameters: dict, context, destination_of: Callable) -> str | None:
    """The message for the first output that would write over an input or another output,
    naming both parameters and the file; None when none would. destination_of(name) is where
    output `name` is written, as the run will resolve it."""
    inputs = []
    outputs = []
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        label = parameter_label(definition)
        if isinstance(definition, QgsProcessingParameterFolderDestination):
            continue
        if definition.isDestination():
            try:
                if isinstance(definition, QgsProcessingParameterFileDestination):
                    destination = algorithm.parameterAsFileOutput(parameters, name, context)
                else:
                    destination = destination_of(name)
            except Exception:  # noqa: BLE001 - an unresolvable output is QGIS's to refuse
                continue
            found = file_and_layer(destination) if destination else None
            if found is not None:
                outputs.append((label, found))
            continue
        if isinstance(definition, _LAYER_PARAMETERS):
            inputs += [(label, place) for place in places_read(parameters.get(name))]
    for index, (output, (path, layer)) in enumerate(outputs):
        for source, read in inputs:
            if same_file(path, read[0]) and _overlaps(path, layer, read[1]):
                return tr(
                    "Output {output} would write over {path}, which {input} reads: the run "
                    "would destroy its own input. Choose another file for {output}."
                ).format(output=output, input=source, path=_shown((path, layer and read[1])))
        for other, (other_path, other_layer) in outputs[:index]:
            if same_file(path, other_path) and (
                layer is None or other_layer is None or layer == other_layer
            ):
                return tr(
                    "Outputs {first} and {second} are both set to {path}: one would write over "
                    "the other. Give each its own file."
                ).format(first=other, second=output, path=_shown((path, layer)))
        edited = _edited_layer_of(path, layer)
        if edited is not None:
            # Its edits are kept by feature id: once the run replaced the file, they would
            # be saved onto the new result's features, another spot's verdict among them.
            return tr(
                "Output {output} would replace {path}, which layer {layer} has open with "
                "unsaved edits. Save or discard them first (Layer › Toggle Editing), or "
                "choose another file for {output}."
            ).format(output=output, path=_shown((path, layer)), layer=edited.name())
    return None


def _edited_layer_of(path: Path, written: str | None) -> QgsMapLayer | None:
    """A project layer being edited that reads what writing layer `written` of path (None:
    the whole file) replaces."""
    for layer in QgsProject.instance().mapLayers().values():
        if not getattr(layer, "isEditable", lambda: False)():
            continue
        for read_path, read_layer in places_read(layer):
            if same_file(path, read_path) and _overlaps(path, written, read_layer):
                return layer
    return None


def places_read(value) -> list[Place]:
    """The files (and layers) a layer parameter's value reads: a path, a source string, a
    project layer's id, a layer, a feature source definition, or a list of them."""
    if isinstance(value, (list, tuple)):
        return [place for item in value for place in places_read(item)]
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source.staticValue()
    if isinstance(value, str) and (layer := QgsProject.instance().mapLayer(value)) is not None:
        value = layer
    provider = "ogr"
    if isinstance(value, QgsMapLayer):
        provider = value.providerType()
        if provider not in ("ogr", "gdal"):
            return []  # memory layers, databases: no file
        value = value.source()
    if not isinstance(value, str) or not value or ":" in value.split("/", 1)[0][2:]:
        return []  # memory:, postgres:, a URI; C:/ keeps its drive letter
    parts = QgsProviderRegistry.instance().decodeUri(provider, value)
    path = parts.get("path") or value.split("|")[0]
    try:
        if not Path(path).exists():
            return []
    except OSError:  # a name no file system holds (too long, say)
        return []
    return [(Path(path).absolute(), parts.get("layerName") or None)]


def same_file(first: Path, second: Path) -> bool:
    """One file, however named (a link, another case on Windows); two outputs not yet written
    by their names."""
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(first)) == os.path.normcase(os.path.abspath(second))


def _overlaps(path: Path, written: str | None, read: str | None) -> bool:
    """Whether writing layer `written` of path (None: the whole file) touches layer `read`
    (None: the one a reader of the bare path gets, the file's first)."""
    if written is None:
        return True
    return (read or _first_layer(path)) == written


def _first_layer(path: Path) -> str | None:
    source = ogr.Open(str(path)) if path.is_file() else None
    if source is None or source.GetLayerCount() == 0:
        return None
    return source.GetLayer(0).GetName()


def _shown(place: Place) -> str:
    path, layer = place
    return f"{path}|layername={layer}" if layer else str(path)
