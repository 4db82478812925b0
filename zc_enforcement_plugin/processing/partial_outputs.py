"""Outputs a run has begun to write, removed again when it is cancelled or fails while writing.

A half-written result looks like a whole one: a technician who finds `spots.gpkg` in the folder
the next morning cannot tell that it holds the first 500 of 4,000 spots. So what the run itself
created is removed: a new file (a Shapefile or MapInfo table with its side files), or a new
layer added to a GeoPackage that already held others, whose other layers are left untouched.
Outputs that are not plain files (memory layers, PostGIS tables) are left to QGIS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from osgeo import ogr

# Files the writers of multi-file formats make beside the main one, by its suffix: a Shapefile's
# beside the .shp, a MapInfo table's beside the .tab (removing the .tab alone would leave
# .dat, .id and .map that look like a table to a file browser).
_SIDE_FILES = {
    ".shp": (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".qpj", ".sbn", ".sbx"),
    ".tab": (".tab", ".dat", ".id", ".map", ".ind", ".cpg"),
}


@dataclass
class _Output:
    path: Path
    layer: str | None  # a layer added to an existing file, when the destination names one
    files_before: set[Path] = field(default_factory=set)
    layers_before: set[str] = field(default_factory=set)


def _file_and_layer(destination: str) -> tuple[Path, str | None] | None:
    """The file and layer an output destination writes: a path, `path|layername=x`, or
    Processing's `ogr:dbname='path' table="x" (geom)`; None for anything else."""
    text = str(destination)
    if text.startswith("ogr:"):
        try:
            dbname = text.split("dbname='", 1)[1].split("'", 1)[0]
            table = text.split('table="', 1)[1].split('"', 1)[0]
        except IndexError:
            return None
        return Path(dbname), table
    path, _, options = text.partition("|")
    if not path or (":" in path.split("/", 1)[0] and not Path(path).is_absolute()):
        return None  # memory:, postgres:, a provider's URI: not a plain file
    # A relative path (qgis_process run in the output's folder) is written where the working
    # directory puts it: resolved the same way, it is tracked and removed like any other.
    layer = None
    for option in options.split("|"):
        key, _, value = option.partition("=")
        if key.strip().lower() == "layername" and value:
            layer = value
    return Path(path).absolute(), layer


def _layer_names(path: Path) -> set[str]:
    source = ogr.Open(str(path)) if path.is_file() else None
    if source is None:
        return set()
    return {source.GetLayer(i).GetName() for i in range(source.GetLayerCount())}


def _siblings(path: Path) -> set[Path]:
    """The file, and for a multi-file format (Shapefile, MapInfo) every side file of its name."""
    sides = _SIDE_FILES.get(path.suffix.lower())
    if sides is None:
        return {path} if path.exists() else set()
    return {path.with_suffix(s) for s in sides if path.with_suffix(s).exists()}


class PartialOutputs:
    """The outputs a run opens: about_to_open() just before each writer is made (what was
    there is noted then); discard() after a cancel or failure removes only those."""

    def __init__(self) -> None:
        self._outputs: list[_Output] = []

    def about_to_open(self, destination: str) -> None:
        found = _file_and_layer(destination)
        if found is None:
            return
        path, layer = found
        self._outputs.append(
            _Output(path, layer, _siblings(path), _layer_names(path) if layer else set())
        )

    def discard(self) -> list[str]:
        """Removes what the run created; returns what could not be removed (in use, say)."""
        left: list[str] = []
        for output in self._outputs:
            if output.files_before and output.layer:
                # A layer added to a file that was there before: that layer only.
                if output.layer in output.layers_before:
                    left.append(f"{output.path}|layername={output.layer}")
                    continue
                source = ogr.Open(str(output.path), 1)
                if source is None:
                    left.append(f"{output.path}|layername={output.layer}")
                    continue
                for i in range(source.GetLayerCount()):
                    if source.GetLayer(i).GetName() == output.layer:
                        source.DeleteLayer(i)
                        break
                source = None  # closes the file
                continue
            # A file QGIS wrote whole, created or overwritten (Processing replaces an existing
            # file as a whole): removed, a Shapefile with its side files.
            for path in sorted(_siblings(output.path)):
                try:
                    path.unlink()
                except OSError:
                    left.append(str(path))
        return left
