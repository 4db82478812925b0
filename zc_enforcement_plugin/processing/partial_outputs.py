"""Outputs a run has begun to write: checked whole once closed, removed again when it is
cancelled or fails while writing.

A half-written result looks like a whole one: a technician who finds `spots.gpkg` in the folder
the next morning cannot tell that it holds the first 500 of 4,000 spots. So what the run itself
created is removed: a new file (a Shapefile or MapInfo table with its side files), or a new
layer added to a GeoPackage that already held others, whose other layers are left untouched.
Outputs that are not plain files (memory layers, PostGIS tables) are left to QGIS.

A file the run replaces is kept until the run has succeeded: moved aside (EARLIER_SUFFIX) just
before QGIS writes the new one, put back when the run is refused, fails or is cancelled, and
removed only once the new file is whole. Yesterday's result is never lost to a run that did
not finish.

A file can also be left empty by a run that wrote every feature: GDAL commits a GeoPackage only
when its writer is destroyed, after the run, and a COMMIT that fails there (a full disk) is said
on stderr alone. So each sink the run opens is held here, closed once the run is done with it,
and the file then asked (a feature count, not a reread) whether it holds what was written.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from osgeo import gdal, ogr
from qgis.core import QgsFeature

from ..core.files import csv_text
from ..i18n import tr

# Files the writers of multi-file formats make beside the main one, by its suffix: a Shapefile's
# beside the .shp, a MapInfo table's beside the .tab (removing the .tab alone would leave
# .dat, .id and .map that look like a table to a file browser).
_SIDE_FILES = {
    ".shp": (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".qpj", ".sbn", ".sbx"),
    ".tab": (".tab", ".dat", ".id", ".map", ".ind", ".cpg"),
}


# What an earlier file the run replaces is renamed to while the run writes (spots.gpkg while the
# run lasts: spots.gpkg.before_run). Left only if QGIS itself stops mid-run: renamed back, it
# is the earlier file whole.
EARLIER_SUFFIX = ".before_run"


@dataclass
class _Output:
    path: Path
    layer: str | None  # a layer added to an existing file, when the destination names one
    files_before: set[Path] = field(default_factory=set)
    layers_before: set[str] = field(default_factory=set)
    # file -> where it was moved while the run writes (a whole file replaced)
    earlier: dict[Path, Path] = field(default_factory=dict)


def file_and_layer(destination: str) -> tuple[Path, str | None] | None:
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


# SQLite's own files beside a GeoPackage (or SQLite) left by a writer that did not close it:
# they belong to that database, and one left beside a new file of the name would be read
# as part of it.
_SQLITE_SIDES = ("-wal", "-shm", "-journal")


def _siblings(path: Path) -> set[Path]:
    """The file, and for a multi-file format (Shapefile, MapInfo) every side file of its name,
    and a database's journal files."""
    sides = _SIDE_FILES.get(path.suffix.lower())
    if sides is None:
        found = {path.with_name(path.name + side) for side in ("", *_SQLITE_SIDES)}
        return {candidate for candidate in found if candidate.exists()}
    return {path.with_suffix(s) for s in sides if path.with_suffix(s).exists()}


def _moved_aside(files: set[Path]) -> dict[Path, Path]:
    """The files renamed to theirs + EARLIER_SUFFIX, {file: where}; none at all when one of
    them cannot be (in use on Windows, a read-only folder) or its name is taken: those moved
    are put back, and QGIS replaces the file as it would have. A …before_run already there
    is left by a run QGIS itself did not finish, the earlier file whole: never replaced (the
    file at the path is then that run's half-written one)."""
    moved: dict[Path, Path] = {}
    for path in sorted(files):
        aside = path.with_name(path.name + EARLIER_SUFFIX)
        try:
            if aside.exists():
                raise FileExistsError(aside)
            path.rename(aside)
        except OSError:
            _put_back(moved)
            return {}
        moved[path] = aside
    return moved


def _put_back(moved: dict[Path, Path]) -> list[str]:
    """The earlier files renamed back; those that could not be, with where they are."""
    left = []
    for path, aside in moved.items():
        try:
            aside.replace(path)
        except OSError:
            left.append(str(aside))
    return left


class WrittenSink:
    """A sink a run writes through (duck-types QgsFeatureSink's writing calls), counting the
    features it took. Only this object holds the sink: close() releases it, which is when
    QGIS completes the file."""

    def __init__(self, sink, dest: str, file: tuple[Path, str | None] | None, csv: bool = False):
        self._sink = sink
        self.dest = dest  # the id the run reports the output by
        self.file = file  # the file and layer written; None for a memory layer or a database
        self.csv = csv  # a CSV file: its texts are guarded against running as formulas
        self.written = 0
        self.error = ""  # what the sink said when its last features were flushed

    def addFeatures(self, features, flags=None):  # noqa: N802 - as QgsFeatureSink
        features = list(features)
        if self.csv:
            features = [_csv_feature(feature) for feature in features]
        done = self._sink.addFeatures(features, *(() if flags is None else (flags,)))
        if done:
            self.written += len(features)
        return done

    def addFeature(self, feature, flags=None):  # noqa: N802 - as QgsFeatureSink
        return self.addFeatures([feature], flags)

    def lastError(self) -> str:  # noqa: N802 - as QgsFeatureSink
        return self._sink.lastError() if self._sink is not None else self.error

    def close(self) -> None:
        """Flushes what the sink still buffers and releases it (QGIS closes the file)."""
        if self._sink is None:
            return
        if not self._sink.flushBuffer():
            self.error = self._sink.lastError() or tr("its last features could not be written")
        self._sink = None


def _csv_feature(feature):
    """`feature` as a CSV row Excel shows rather than runs: each text attribute guarded as
    manifest.csv's are (csv_text: =HYPERLINK(…) written '=HYPERLINK(…)); numbers, dates and
    NULL as they are. A copy: the caller's feature (perhaps also written elsewhere) is not
    changed."""
    attributes = feature.attributes()
    guarded = [csv_text(value) for value in attributes]
    if guarded == attributes:
        return feature
    copy = QgsFeature(feature)
    copy.setAttributes(guarded)
    return copy


class PartialOutputs:
    """The outputs a run opens: about_to_open() just before each writer is made (what was
    there is noted then), opened() with the sink made; unfinished() once the run is done says
    which files do not hold what was written; discard() after a cancel or failure removes
    only the outputs the run began and puts back the files they replaced; keep() once the run
    has succeeded lets the replaced files go. Each acts once on what the run opened."""

    def __init__(self) -> None:
        self._outputs: list[_Output] = []
        self._sinks: list[WrittenSink] = []

    def about_to_open(self, destination: str) -> None:
        found = file_and_layer(destination)
        if found is None:
            return
        path, layer = found
        before = _siblings(path)
        output = _Output(path, layer, before, _layer_names(path) if layer else set())
        if before and not layer:
            output.earlier = _moved_aside(before)  # QGIS would replace the file whole now
        self._outputs.append(output)

    def opened(self, sink, destination: str, dest: str, csv: bool = False) -> WrittenSink:
        """The sink to write through in place of `sink`, which is kept (and so closed) here;
        `destination` as the output parameter gives it, `dest` the id the sink was made for
        (the file written: a table's .dbf for a .shp, a layer in a GeoPackage); `csv` when it
        is a CSV file, whose texts are then guarded (_csv_feature)."""
        # A memory layer's destination is memory:, its id a bare name that is no file.
        file = file_and_layer(dest) if file_and_layer(destination) is not None else None
        if file is not None and Path(dest).is_file():  # QGIS 3.22 names a file path|layername=x
            file = (Path(dest).absolute(), None)
        written = WrittenSink(sink, dest, file, csv)
        self._sinks.append(written)
        return written

    def close(self) -> None:
        for sink in self._sinks:
            sink.close()

    def unfinished(self, destinations) -> list[str]:
        """Closes the run's sinks, then for each file among `destinations` (those the run
        reports as its results) that does not hold the features written to it, the file and
        what is wrong. Memory layers and databases are not files and are not asked."""
        self.close()
        wanted = {str(d) for d in destinations}
        found = []
        for sink in self._sinks:
            where = sink.file
            if where is None or sink.dest not in wanted:
                continue
            problem = sink.error or _not_holding(where[0], where[1], sink.written)
            if problem:
                found.append(f"{where[0]}: {problem}")
        return found

    def keep(self) -> list[str]:
        """The run has succeeded: the earlier files its outputs replaced are removed (nothing
        is left to report: one in use stays, named …before_run, and the next run replaces it)."""
        outputs, self._outputs = self._outputs, []
        for output in outputs:
            for aside in output.earlier.values():
                with contextlib.suppress(OSError):
                    aside.unlink(missing_ok=True)
        return []

    def discard(self) -> list[str]:
        """Removes what the run created and puts back what it replaced; returns what could
        not be removed or put back (in use, say)."""
        self.close()  # an open file cannot be removed on Windows
        left: list[str] = []
        outputs, self._outputs = self._outputs, []  # once: a second call finds nothing
        for output in outputs:
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
            # file as a whole): removed, a Shapefile with its side files; the earlier file put
            # back when there was one.
            for path in sorted(_siblings(output.path)):
                try:
                    path.unlink()
                except OSError:
                    left.append(str(path))
            left += _put_back(output.earlier)
        return left


def _not_holding(path: Path, layer: str | None, written: int) -> str:
    """Why the file does not hold `written` features in its layer (QGIS names a new file's
    layer after the file); "" when it does."""
    # A spreadsheet's first row is taken as data when every cell below is text as well (OGR
    # guesses headers; GDAL 3.6 heeds a config option, not the HEADERS open option): the row
    # of field names QGIS writes would count as one more feature.
    headers = ("OGR_XLSX_HEADERS", "OGR_ODS_HEADERS")
    before = [gdal.GetThreadLocalConfigOption(key, None) for key in headers]
    for key in headers:
        gdal.SetThreadLocalConfigOption(key, "FORCE")
    try:
        return _count_short(path, layer, written)
    finally:
        for key, value in zip(headers, before):
            gdal.SetThreadLocalConfigOption(key, value)


def _count_short(path: Path, layer: str | None, written: int) -> str:
    try:
        source = ogr.Open(str(path)) if path.is_file() else None
    except RuntimeError:  # ogr raises rather than returns None when exceptions are on
        source = None
    if source is None:
        return tr("the file is missing or cannot be opened")
    table = source.GetLayerByName(layer or path.stem)
    if table is None and not layer and source.GetLayerCount() > 0:
        if source.GetLayerCount() > 1:
            return ""  # a format naming its own layers (GPX): which is ours cannot be told
        table = source.GetLayer(0)  # a format naming its one layer itself (DXF's entities)
    if table is None:
        return tr("it holds no layer {layer}").format(layer=layer or path.stem)
    held = table.GetFeatureCount()
    if held != written:
        return tr("it holds {held} of the {written} features written").format(
            held=held, written=written
        )
    return ""
