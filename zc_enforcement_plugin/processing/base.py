"""What every algorithm of the provider shares: group, translation, help and cancellation."""

from __future__ import annotations

import csv
import errno
import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtGui import QIcon

from ..compat import WKB_NO_GEOMETRY
from ..core import disk, domain, shapefile_parts, staging
from ..core import ledger_schema as ls
from ..core.ledger_records import LedgerError, SavedWithoutReply
from ..i18n import (
    chinese_interface,
    closed_up,
    in_interface_language,
    parameter_label,
    sentences,
    tr,
)
from ..resources_paths import PLUGIN_ICON
from .leaked_frames import release_after_failure
from .overwrite_check import overwrite_refusal
from .partial_outputs import PartialOutputs
from .style_on_load import ReloadOnLoad

# The provider's id: every algorithm's id is "<provider>:<name>", what scripts, models and the
# plugin's own buttons call it by.
PROVIDER_ID = "zcenforcement"
# The ledger's CRS as QGIS takes it: spots and routes are stored, drawn and exported in it. The
# code itself is the ledger schema's (ledger_schema.LEDGER_SRS_ID), which core code uses.
LEDGER_CRS = QgsCoordinateReferenceSystem(f"EPSG:{ls.LEDGER_SRS_ID}")

T = TypeVar("T")


class LedgerWrites(QObject):
    """Says which ledger a run of the provider wrote to, once it has finished (in the main
    thread, postProcessAlgorithm): the dock, open on that ledger, reads it again. The settings
    changed from the toolbox left the dock's deadlines as they were, and a batch imported from
    it was not in the dock's list."""

    written = pyqtSignal(str)  # the ledger's reference: a GeoPackage's path or postgis://…


LEDGER_WRITES = LedgerWrites()


class EnforcementAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY_NAME, GROUP, GROUP_ID and HELP (English, via tr)."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = ""
    GROUP_ID = ""
    HELP = ""
    # Whether a run writes into the ledger it opens (open_ledger): said by LEDGER_WRITES.
    WRITES_LEDGER = False

    def __init_subclass__(cls, **kwargs):
        # A ledger's own error names the file or server and says what to do (no shared
        # evidence folder set, a login not allowed to write): wherever a run meets one it is
        # that message that stops it, never a Python traceback in the log.
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("processAlgorithm")
        if run is None:
            return

        @functools.wraps(run)
        def process_algorithm(self, parameters, context, feedback):
            if feedback is not None and chinese_interface():
                feedback = InterfaceLanguageFeedback(feedback)
            self.run_outputs = PartialOutputs()  # what this run opens through open_sink
            self.run_saved = False  # set by saved(): its work is past undoing
            refusal = None
            finished = False
            try:
                try:
                    results = run(self, parameters, context, feedback)
                finally:
                    self.run_outputs.close()  # QGIS completes each file as its writer goes
                refuse_unfinished_outputs(self, results or {})
                # A run cancelled returns what it has; its outputs are not whole results. One
                # cancelled once its work was saved (saved()) has finished: the cancel came
                # too late to undo it, and "no output of it was kept" was said of an import
                # committed into the ledger and of an export's files already in place.
                cancelled = feedback is not None and feedback.isCanceled()
                finished = not cancelled or self.run_saved
                if cancelled and self.run_saved:
                    feedback.pushWarning(
                        tr(
                            "The cancel came after the run had saved its work: what it saved "
                            "stays, as the log above says."
                        )
                    )
                elif cancelled:  # said: an empty result list alone reads as a run that worked
                    feedback.pushWarning(
                        tr(
                            "Cancelled: the run stopped before it finished; no output of it was "
                            "kept, and a file it was to replace is as it was."
                        )
                    )
            except LedgerError as error:
                refusal = in_interface_language(str(error))
            except QgsProcessingException as error:
                refusal = str(error)
            finally:
                # Refused or failed: what the run began is removed and the files it replaced
                # put back (a run that stopped itself has done so already).
                left = self.run_outputs.keep() if finished else self.run_outputs.discard()
            if left and feedback is not None:
                feedback.reportError(
                    tr("These outputs of the stopped run could not be removed: {outputs}").format(
                        outputs="，".join(left)
                    ),
                    fatalError=False,
                )
            if refusal is None:
                # Cancelled, nothing is returned: a run cancelled as it ended gave back the
                # paths of the outputs just removed, for a model or script to open.
                return results if finished else {}
            # A refusal leaves as a new exception raised out here, with no traceback into the
            # run and no earlier exception chained: QGIS 3.22's bindings never release a
            # QgsProcessingException raised through processAlgorithm, with its traceback and
            # so every frame's locals, the layers and arrays a run had read (a refused
            # screening kept the district's parcels in memory until QGIS closed, and test
            # sessions crashed at exit destroying the layers after QGIS had gone). This
            # frame's own are let go first.
            del parameters, context, feedback
            release_after_failure()  # the callers' frames, which it links to (leaked_frames)
            raise QgsProcessingException(refusal)

        cls.processAlgorithm = process_algorithm

    def saved(self) -> None:
        """Say that the run's work is saved past undoing (a ledger transaction committed, a
        package of files moved into place): a cancel pressed from now on cannot take it back,
        and the run is told as finished (see __init_subclass__)."""
        self.run_saved = True

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 - QGIS API
        return tr(self.DISPLAY_NAME)

    def group(self):
        return tr(self.GROUP)

    def groupId(self):  # noqa: N802 - QGIS API
        return self.GROUP_ID

    def help_figures(self) -> dict[str, str]:
        """The figures HELP states as {name} that have their one place elsewhere (the domain's
        thresholds and units), so the help never says another figure than the code uses."""
        return {}

    def shortHelpString(self):  # noqa: N802 - QGIS API
        figures = self.help_figures()
        return tr(self.HELP).format(**figures) if figures else tr(self.HELP)

    def icon(self):
        return QIcon(str(PLUGIN_ICON))

    def createInstance(self):  # noqa: N802 - QGIS API
        return type(self)()

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 - QGIS API
        if self.WRITES_LEDGER:
            for reference in getattr(self, "ledgers_opened", ()):
                LEDGER_WRITES.written.emit(reference)
        # The outputs are closed by now. A CSV is written for QGIS and scripts, plainly: the
        # user who opens it in Excel is told which columns Excel would turn into numbers.
        for path in getattr(self, "csv_outputs", ()):
            for column, example in excel_number_columns(path):
                feedback.pushWarning(
                    tr(
                        "{file}, column {column}: Excel opens digits such as {example} as a "
                        "number (shown as 3.7E+13, its last digits lost when saved). Import the "
                        "CSV with that column as text, or save the output as .xlsx."
                    ).format(file=path.name, column=column, example=example)
                )
        return {}

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        # First: QGIS calls a Shapefile without its index damaged, and opens one without its
        # attribute table as a layer with no fields; neither names the file that is missing.
        missing = missing_shapefile_part(self, parameters)
        if missing:
            return False, missing
        ok, message = super().checkParameterValues(parameters, context)
        if ok:
            unnamed = unnamed_layer_of_several(self, parameters)
            if unnamed:
                return False, unnamed
            lost = crs_lost_by_qgis(self, parameters, context)
            if lost:
                return False, lost
            overwrite = overwrite_refusal(
                self,
                parameters,
                context,
                lambda name: output_destination(self, parameters, name, context),
            )
            return (False, overwrite) if overwrite else (ok, message)
        # QGIS says "not found" of a file that is there but is not what its name claims.
        return False, unreadable_file(self, parameters) or message


def algorithm_id(algorithm: type[EnforcementAlgorithm]) -> str:
    """The id Processing knows `algorithm` by (zcenforcement:screenspots)."""
    return f"{PROVIDER_ID}:{algorithm.NAME}"


def unreadable_file(algorithm: QgsProcessingAlgorithm, parameters: dict) -> str | None:
    """Why a layer given by path cannot be used: the file is missing, or QGIS cannot read it
    (a text file named .shp, a zip named .gpkg, a vector given for a raster); None when no
    such layer is among them."""
    for definition, value, path in _layers_given_by_path(algorithm, parameters, rasters=True):
        raster = isinstance(definition, QgsProcessingParameterRasterLayer)
        if not path.exists():
            return tr("{parameter}: the file {path} does not exist.").format(
                parameter=parameter_label(definition), path=path
            )
        if raster:
            if QgsRasterLayer(value, path.stem).isValid():
                continue
            if QgsVectorLayer(value, path.stem, "ogr").isValid():
                return tr(
                    "{parameter}: {path} is there, but it is a vector layer, not a raster."
                ).format(parameter=parameter_label(definition), path=path)
            if _gdal_reads_raster(path):
                # QGIS 3.22 takes a path holding ".zip" or ".gz" anywhere, a folder's name too,
                # for an archive to look inside (measured: D:/卫片.zip解压/after.tif fails).
                return tr(
                    "{parameter}: {path} is an image GDAL reads, but QGIS cannot open it from "
                    "this folder: QGIS takes a path whose folder names hold .zip or .gz for an "
                    "archive. Move the file to another folder, or rename the folder."
                ).format(parameter=parameter_label(definition), path=path)
            # QGIS says "not found" of it, as of a vector, though the file is there.
            return tr(
                "{parameter}: {path} is there, but it is not a raster QGIS can read: it is not "
                "an image in the format its name says, or it is damaged."
            ).format(parameter=parameter_label(definition), path=path)
        if QgsVectorLayer(value, path.stem, "ogr").isValid():
            continue
        layer_name = QgsProviderRegistry.instance().decodeUri("ogr", value).get("layerName")
        if layer_name and QgsVectorLayer(str(path), path.stem, "ogr").isValid():
            return tr("{parameter}: {path} has no layer {layer}.").format(
                parameter=parameter_label(definition), path=path, layer=layer_name
            )
        return tr(
            "{parameter}: {path} is there, but it is not a layer QGIS can read: it is not "
            "in the format its name says, or it is damaged."
        ).format(parameter=parameter_label(definition), path=path)
    return None


def _layers_given_by_path(algorithm, parameters: dict, rasters: bool):
    """(definition, value, file) of each vector layer parameter (and raster, with rasters)
    given as a file's path or source string, not a project layer nor a provider's own source
    (a layer's name in the project, a database's string)."""
    for definition, value in _layer_values(algorithm, parameters, rasters):
        if not isinstance(value, str) or not value or QgsProject.instance().mapLayer(value):
            continue
        path = _file_named(value)
        if path is not None:
            yield definition, value, path


def _layer_values(algorithm, parameters: dict, rasters: bool):
    """(definition, value) of each vector layer parameter (and raster, with rasters), the
    value the layer or source it names: a selection's or feature limit's own layer."""
    kinds = (QgsProcessingParameterFeatureSource, QgsProcessingParameterVectorLayer)
    if rasters:
        kinds = (*kinds, QgsProcessingParameterRasterLayer)
    for definition in algorithm.parameterDefinitions():
        if not isinstance(definition, kinds):
            continue
        value = parameters.get(definition.name())
        if isinstance(value, QgsProcessingFeatureSourceDefinition):
            value = value.source.staticValue()  # a feature limit or selection set on it
        yield definition, value


def unnamed_layer_of_several(algorithm: QgsProcessingAlgorithm, parameters: dict) -> str | None:
    """The message for a vector layer given as the path of a file holding several layers
    (a GeoPackage of a district's XZQ, DLTB and YJJBNT) without saying which: QGIS opens the
    first, and a district outline read as basic farmland made every spot on it taken farmland
    at referral scale, with nothing said. None when every such path names its layer."""
    for definition, value, path in _layers_given_by_path(algorithm, parameters, rasters=False):
        if not path.is_file():
            continue
        uri = QgsProviderRegistry.instance().decodeUri("ogr", value)
        if uri.get("layerName") or uri.get("layerId") is not None:
            continue
        layers = _vector_layers_in(path)
        if len(layers) > 1:
            # The example is the layer the parameter names (YJJBNT for 永久基本农田（YJJBNT）)
            # where the file has it: the first was the district outline, the very mistake.
            codes = {c.upper() for c in re.findall(r"[（(](\w+)[）)]", definition.description())}
            example = next((name for name in layers if name.upper() in codes), layers[0])
            return tr(
                "{parameter}: {path} holds {count} layers ({layers}): say which one. In the "
                'dialog, choose it with the … button\'s "Browse for Layer…", or add it to the '
                "project first; in a script or qgis_process, as {path}|layername={example}."
            ).format(
                parameter=parameter_label(definition),
                path=path,
                count=len(layers),
                layers=domain.first_of(layers, 10, ", "),
                example=example,
            )
    return None


def crs_lost_by_qgis(algorithm: QgsProcessingAlgorithm, parameters: dict, context) -> str | None:
    """The message for a project's layer QGIS holds without a CRS though its file declares one,
    None when there is no such layer. QGIS 3.22 loses it when filters are set on several layers
    of one GeoPackage (measured: the third of three filtered layers; its file then fails to open
    for a moment). The run said "has no coordinate reference system: set it first" of a layer
    whose file has one, and a user checking the file found nothing wrong."""
    for definition, value in _layer_values(algorithm, parameters, rasters=False):
        if isinstance(value, str):  # a path is opened afresh by the run: only project layers
            value = QgsProcessingUtils.mapLayerFromString(value, context, False)
        if (
            not isinstance(value, QgsVectorLayer)
            or value.crs().isValid()
            or value.providerType() != "ogr"
        ):
            continue
        declared = QgsVectorLayer(value.source(), value.name(), "ogr").crs()
        if not declared.isValid():
            continue  # no CRS in the file either: the run's own message says so
        path = QgsProviderRegistry.instance().decodeUri("ogr", value.source()).get("path")
        return tr(
            "{parameter}: layer {layer} has no coordinate reference system in QGIS, though its "
            "file {path} declares {crs}. QGIS 3.22 can lose it when filters are set on several "
            "layers of one GeoPackage. Set it again (right-click the layer, Layer CRS, {crs}) "
            "or remove the layer and add it again, then run again."
        ).format(
            parameter=parameter_label(definition),
            layer=value.name(),
            path=path,
            crs=declared.authid() or declared.description(),
        )
    return None


# A Shapefile's main file starts with this file code (big-endian 9994): a text file named .shp
# is not a Shapefile missing its side files, and is said to be unreadable instead.
_SHAPEFILE_CODE = b"\x00\x00\x27\x0a"


def missing_shapefile_part(algorithm: QgsProcessingAlgorithm, parameters: dict) -> str | None:
    """The message for a Shapefile among the vector layers given (by path, or a project layer
    read from one) that lacks its index (.shx) or attribute table (.dbf), or has one of its
    files cut short, naming the parameter and the file; None when none does. A missing .prj
    is not looked for here: the reader refuses any layer without a CRS, naming it."""
    for definition in algorithm.parameterDefinitions():
        if not isinstance(
            definition, (QgsProcessingParameterFeatureSource, QgsProcessingParameterVectorLayer)
        ):
            continue
        path = _shapefile_given(parameters.get(definition.name()))
        if path is None:
            continue
        if shapefile_parts.side_file(path, ".shx") is None:
            return tr(
                "{parameter}: the Shapefile {path} has no index file {missing} beside it, "
                "without which its features cannot be found. GDAL can rebuild it from the .shp: "
                "ogr2ogr --config SHAPE_RESTORE_SHX YES rebuilt.shp {path} (or set the "
                "environment variable SHAPE_RESTORE_SHX=YES in QGIS's settings and open the "
                "layer again); better, copy the whole set the layer came as."
            ).format(
                parameter=parameter_label(definition), path=path, missing=path.with_suffix(".shx")
            )
        if shapefile_parts.side_file(path, ".dbf") is None:
            return tr(
                "{parameter}: the Shapefile {path} has no attribute table {missing} beside it: "
                "its fields (numbers, classes, dates) are in that file, and no tool can rebuild "
                "it. Copy the whole set the layer came as (.shp, .shx, .dbf, .prj, .cpg)."
            ).format(
                parameter=parameter_label(definition), path=path, missing=path.with_suffix(".dbf")
            )
        short = shapefile_parts.cut_short(path)
        if short is not None:
            return cut_short_message(parameter_label(definition), short)
    return None


def cut_short_message(parameter: str, short: shapefile_parts.CutShort) -> str:
    if short.part == shapefile_parts.ATTRIBUTES:
        lost = tr("it holds the attributes of {readable} of the {records} features").format(
            readable=short.readable, records=short.records
        )
    elif short.part == shapefile_parts.SHAPES:
        lost = tr("the features past that point would be read without their shapes")
    else:
        lost = tr("the features past that point could not be found")
    return tr(
        "{parameter}: {file} is cut short: its header says {expected} bytes, the file has "
        "{actual}; {lost}. Copy the whole Shapefile again from where it came."
    ).format(
        parameter=parameter,
        file=short.file,
        expected=short.expected,
        actual=short.actual,
        lost=lost,
    )


def _vector_layers_in(path: Path) -> list[str]:
    """The names of the layers with geometry GDAL finds in a file (a GeoPackage's tables
    without geometry, QGIS's layer_styles among them, left out); [] when it cannot read it."""
    from osgeo import gdal, ogr

    gdal.PushErrorHandler("CPLQuietErrorHandler")  # a file it cannot read is no console noise
    try:
        dataset = gdal.OpenEx(str(path), gdal.OF_VECTOR)
        if dataset is None:
            return []
        layers = (dataset.GetLayer(i) for i in range(dataset.GetLayerCount()))
        return [layer.GetName() for layer in layers if layer.GetGeomType() != ogr.wkbNone]
    except RuntimeError:  # where GDAL's exceptions are on
        return []
    finally:
        gdal.PopErrorHandler()


def _gdal_reads_raster(path: Path) -> bool:
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")  # a file it cannot read is no console noise
    try:
        return gdal.OpenEx(str(path), gdal.OF_RASTER) is not None
    except RuntimeError:  # where GDAL's exceptions are on
        return False
    finally:
        gdal.PopErrorHandler()


def _shapefile_given(value) -> Path | None:
    """The .shp file a layer parameter's value reads (a path, a layer object or a project
    layer's id), when it is a Shapefile's main file; None otherwise."""
    if isinstance(value, QgsVectorLayer):
        value = value.source() if value.providerType() == "ogr" else None
    elif isinstance(value, str) and (layer := QgsProject.instance().mapLayer(value)) is not None:
        value = layer.source() if layer.providerType() == "ogr" else None
    if not isinstance(value, str) or not value:
        return None
    path = _file_named(value)
    if path is None or path.suffix.lower() != ".shp" or not path.is_file():
        return None
    try:
        with path.open("rb") as shp:
            return path if shp.read(4) == _SHAPEFILE_CODE else None
    except OSError:
        return None


# What a path given on the command line ends with when it names a file (`SPOTS=spots.shp`),
# not a layer of the project.
_FILE_SUFFIXES = {
    ".shp",
    ".gpkg",
    ".geojson",
    ".json",
    ".kml",
    ".kmz",
    ".gml",
    ".tab",
    ".mif",
    ".csv",
    ".sqlite",
    ".zip",
    ".tif",
    ".tiff",
    ".img",
    ".vrt",
    ".jp2",
    ".gpx",
    ".dxf",
    ".fgb",
}


def _file_named(value: str) -> Path | None:
    """The file a layer parameter's value names (a source string's `|layername=…` aside):
    an absolute path, or a relative one as qgis_process is given (read from the working
    directory, as QGIS reads it) when it is there or ends like a file; None for anything else,
    a layer's name in the project or a provider's own source string."""
    path = Path(value.split("|")[0])
    if path.is_absolute():
        return path
    if QgsProject.instance().mapLayersByName(value):
        return None
    resolved = Path.cwd() / path
    if resolved.exists() or path.suffix.lower() in _FILE_SUFFIXES:
        return resolved
    return None


def naming_utf8(parameters: dict, outputs: tuple[str, ...], context) -> dict:
    """The parameters with each output to a file set to write UTF-8 and say so. QGIS's
    "System" encoding (the Processing dialog's default, and a script's) leaves a Shapefile's
    UTF-8 text unnamed: no .cpg, or one saying "system", and readers that take GBK garble it.
    An encoding the user chose is kept. open_sink, through which every output is opened, calls
    it, so each Shapefile the provider writes has the same .cpg."""
    out = dict(parameters)
    for name in outputs:
        value = out.get(name)
        if value is None:
            continue
        try:  # a copy of a definition, or one made from a path or property
            definition = QgsProcessingOutputLayerDefinition(value)
        except TypeError:
            continue
        options = dict(definition.createOptions or {})
        chosen = options.get("fileEncoding") or context.defaultEncoding() or ""
        if chosen.lower() in ("", "system"):
            options["fileEncoding"] = "UTF-8"
            definition.createOptions = options
        out[name] = definition
    return out


def output_encoding(parameters: dict, name: str, context) -> str:
    """The encoding output `name` is written in: the one chosen for it or in Processing's
    settings, else UTF-8 (naming_utf8, as open_sink writes it)."""
    definition = naming_utf8(parameters, (name,), context).get(name)
    chosen = ""
    if isinstance(definition, QgsProcessingOutputLayerDefinition):
        chosen = (definition.createOptions or {}).get("fileEncoding") or ""
    return chosen or context.defaultEncoding() or "UTF-8"


def open_error(layer: QgsVectorLayer) -> str:
    """Why QGIS could not open a layer, in its own words where it has some. (QgsError.summary()
    of an empty error crashes QGIS 3.22: it is only asked of a non-empty one.)"""
    provider = layer.dataProvider()
    for error in (layer.error(), provider.error() if provider is not None else None):
        if error is not None and not error.isEmpty():
            return error.summary()
    return tr("the file is missing, has moved, or is not in the format its name says")


def progress_callbacks(feedback: QgsProcessingFeedback):
    """The (progress, is_cancelled) pair core/ functions take, bound to a Processing feedback."""
    return feedback.setProgress, feedback.isCanceled


class ProgressSpan:
    """The part [start, end] % of a run's progress bar given to one step, which reports its own
    0..100; cancelling passes straight through. Duck-types the feedback calls readers make."""

    def __init__(self, feedback: QgsProcessingFeedback, start: float, end: float):
        self._feedback, self._start, self._end = feedback, start, end

    def setProgress(self, value: float) -> None:  # noqa: N802 - as QgsFeedback
        share = min(100.0, max(0.0, value)) / 100.0  # a step's own figure may stray
        self._feedback.setProgress(self._start + (self._end - self._start) * share)

    def isCanceled(self) -> bool:  # noqa: N802 - as QgsFeedback
        return self._feedback.isCanceled()

    def pushDebugInfo(self, info: str) -> None:  # noqa: N802 - as QgsProcessingFeedback
        self._feedback.pushDebugInfo(info)  # a reader's note (a slow path taken), as it is


def cancel_only(feedback: QgsProcessingFeedback) -> ProgressSpan:
    """The feedback for a read inside a step that reports its own progress: the cancel button
    reaches the read, the bar stays where it is."""
    here = feedback.progress()
    return ProgressSpan(feedback, here, here)


class InterfaceLanguageFeedback(QgsProcessingMultiStepFeedback):
    """A run's feedback that passes the core's "中文 / English" messages on in the interface's
    language (i18n.in_interface_language): a Chinese QGIS's Processing log read every warning
    twice. Progress and cancelling go through as they are (one step: the run's own 0-100 %)."""

    def __init__(self, feedback: QgsProcessingFeedback):
        super().__init__(1, feedback)
        if feedback.isCanceled():  # only a cancel to come is relayed: one already made, here
            self.cancel()

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        super().pushInfo(closed_up(in_interface_language(info)))

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        super().pushWarning(closed_up(in_interface_language(warning)))

    def pushDebugInfo(self, info):  # noqa: N802 - QGIS API
        super().pushDebugInfo(closed_up(in_interface_language(info)))

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        super().reportError(closed_up(in_interface_language(error)), fatalError)


def fail(message: str) -> QgsProcessingException:
    """An exception Processing shows to the user as the algorithm's error message (a core
    message in the interface's language)."""
    return QgsProcessingException(closed_up(in_interface_language(message)))


def output_destination(algorithm, parameters: dict, name: str, context) -> str:
    """Where output `name` is written, as parameterAsSink resolves it (TEMPORARY_OUTPUT as
    memory:<title>, a property evaluated, the default when unset), for the checks made of it
    before and after writing: its format, its folder, a Shapefile's text limit, the file to
    check once closed. Read from a copy of the output's definition that loads nothing: asked
    of the definition itself, parameterAsOutputLayer registers the unresolved destination
    (memory:<title>, ogr:dbname=…) for loading beside the layer the sink makes, and QGIS then
    reports it as "not correctly generated" when the run ends."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition) and value.destinationProject:
        quiet = QgsProcessingOutputLayerDefinition(value)
        quiet.destinationProject = None
        parameters = {**parameters, name: quiet}
    return str(algorithm.parameterAsOutputLayer(parameters, name, context) or "")


def output_wanted(algorithm, parameters: dict, name: str, context) -> bool:
    """Whether optional output `name` is asked for. Left empty it comes as None (a script
    leaving it out), '' (qgis_process's NAME=) or the definition of an empty sink (a blank
    output cell of the batch dialog: QgsProcessingOutputLayerDefinition('')).
    QGIS gives no sink for any of them: the run goes on without that output, not failing
    every row of a batch for a layer nobody asked for."""
    return bool(output_destination(algorithm, parameters, name, context).strip())


def open_sink(algorithm, parameters: dict, name: str, context, fields, geometry_type, crs):
    """The (sink, destination id) of output `name`, as parameterAsSink gives it: every output of
    the provider is opened here, so that one written as CSV starts with a byte-order mark.
    Excel reads a CSV without one in the system's code page, GBK on a Chinese Windows, and
    garbles UTF-8 Chinese (双杨自然资源所 as 鍙屾潹…); QGIS's CSV default is no mark. A CSV's
    texts are guarded against running as formulas in Excel (a leading ' before = + - @, as
    manifest.csv's: files.csv_text). And a file is written in UTF-8 that says so
    (naming_utf8): a Shapefile gets its .cpg."""
    parameters = naming_utf8(parameters, (name,), context)
    destination = output_destination(algorithm, parameters, name, context)
    outputs = run_outputs(algorithm)
    outputs.about_to_open(destination)  # what was there before is noted now
    if _layer_options(destination):  # a CSV: checked for Excel once written
        algorithm.csv_outputs = [
            *getattr(algorithm, "csv_outputs", []),
            Path(destination.split("|")[0]),
        ]
    sink, dest = algorithm.parameterAsSink(
        parameters,
        name,
        context,
        fields,
        geometry_type,
        crs,
        layerOptions=_layer_options(destination),
    )
    if geometry_type == WKB_NO_GEOMETRY:
        dest = _table_file(dest, context)
    if sink is None:
        return sink, dest
    if context.willLoadLayerOnCompletion(dest):
        details = context.layerToLoadOnCompletionDetails(dest)
        if details.postProcessor() is None:  # a styled output's StyleOnLoad reads it too
            details.setPostProcessor(ReloadOnLoad.create())
    # The run's record holds the sink, to close it and check the file once the run is done.
    return outputs.opened(sink, destination, dest, csv=bool(_layer_options(destination))), dest


def run_outputs(algorithm) -> PartialOutputs:
    """The outputs the algorithm's current run has opened through open_sink (a fresh record
    for an algorithm whose run was not started through processAlgorithm)."""
    if getattr(algorithm, "run_outputs", None) is None:
        algorithm.run_outputs = PartialOutputs()
    return algorithm.run_outputs


def refuse_unfinished_outputs(algorithm, results: dict) -> None:
    """Stops a finished run whose result files do not hold what was written to them, the run's
    outputs removed: a GeoPackage whose closing COMMIT failed on a full disk has no layer,
    and QGIS says so only on stderr, never in the Processing log."""
    unfinished = run_outputs(algorithm).unfinished(results.values())
    if not unfinished:
        return
    left = run_outputs(algorithm).discard()
    message = tr(
        "The output could not be completed; the disk may be full. {outputs}. "
        "The run's outputs were removed."
    ).format(outputs="；".join(unfinished))
    if left:
        message = sentences(
            message, tr("These could not be removed: {outputs}").format(outputs="，".join(left))
        )
    raise fail(message)


def _table_file(dest: str, context) -> str:
    """The file a table (no geometry) output is: a Shapefile destination is written as its
    .dbf alone (OGR writes no .shp without shapes), so the result names the .dbf, which QGIS
    and scripts open, and QGIS loads that on completion rather than report the .shp it was
    given as "not correctly generated"."""
    if not dest or Path(dest).suffix.lower() != ".shp":
        return dest
    table = str(Path(dest).with_suffix(".dbf"))
    if context.willLoadLayerOnCompletion(dest):
        layers = context.layersToLoadOnCompletion()
        layers[table] = layers.pop(dest)
        context.setLayersToLoadOnCompletion(layers)
    return table


def _layer_options(destination: str) -> list[str]:
    """GDAL layer options for a destination: the CSV driver's defaults with WRITE_BOM=YES; none
    (the format's defaults) for any other format. Given options replace QGIS's defaults, so
    the CSV's are kept beside the mark."""
    suffix = Path(destination.split("|")[0]).suffix
    if not suffix or QgsVectorFileWriter.driverForExtension(suffix) != "CSV":
        return []
    defaults = QgsVectorFileWriter.defaultLayerOptions("CSV")
    return [*(o for o in defaults if not o.startswith("WRITE_BOM=")), "WRITE_BOM=YES"]


# A text of 12 digits or more: a spot number, a 12-digit county code (XZQDM). Excel reads one
# in a CSV as a number; beyond 11 digits it shows 3.70302E+13, beyond 15 it drops digits.
EXCEL_NUMBER_TEXT = re.compile(r"\d{12,}")


def excel_number_columns(path: Path) -> list[tuple[str, str]]:
    """(column, first such value) of each column of a CSV holding a text EXCEL_NUMBER_TEXT
    matches whole; none for a file that is not there or cannot be read as UTF-8 CSV."""
    found: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    text = value.strip() if isinstance(value, str) else ""  # extra cells: a list
                    if column and column not in found and EXCEL_NUMBER_TEXT.fullmatch(text):
                        found[column] = text
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    return list(found.items())


# Features handed to a sink at a time: one call per batch, not one per feature.
WRITE_BATCH = 5000


def add_features(sink: QgsFeatureSink, features: Iterable[QgsFeature], output: str) -> None:
    """Writes features to an output sink, WRITE_BATCH at a time. A write the sink refuses (a
    full disk, a field the format cannot hold) stops the run, naming the output and the
    provider's error, rather than leaving a layer that silently lacks features."""
    batch: list[QgsFeature] = []
    for feature in features:
        batch.append(feature)
        if len(batch) == WRITE_BATCH:
            _add_batch(sink, batch, output)
            batch = []
    if batch:
        _add_batch(sink, batch, output)


def _add_batch(sink: QgsFeatureSink, batch: list[QgsFeature], output: str) -> None:
    if not sink.addFeatures(batch, QgsFeatureSink.Flag.FastInsert):
        detail = sink.lastError() if hasattr(sink, "lastError") else ""
        raise fail(
            tr("Cannot write a feature to the output {name}: {error}").format(
                name=output, error=detail
            )
        )


def output_folder(algorithm, parameters: dict, name: str, context):
    """The folder a folder parameter names, made if missing; a path that is a file, or a folder
    that cannot be made, stops the run naming it (not an OSError's traceback)."""
    from pathlib import Path

    folder = Path(algorithm.parameterAsString(parameters, name, context))
    if folder.exists() and not folder.is_dir():
        raise fail(tr("Output folder {folder} is a file, not a folder.").format(folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise fail(
            tr("Output folder {folder} cannot be made: {error}").format(
                folder=folder, error=said_cause(error)
            )
        ) from error
    return folder


def staging_folder(folder: Path, prefix: str, log=None) -> Path:
    """A new, hidden folder (`prefix`…, core.staging) inside the output folder for the files
    being written: on the same disk, so staging.publish moves each into place by renaming it,
    not copying it. First, what runs killed part way left in the folder is set right and
    removed (staging.recover_interrupted); `log`, when given, is told what was. The caller
    ends with staging.discard_staging however the run ends."""
    for message in staging.recover_interrupted(folder):
        if log is not None:
            log(message)
    try:
        return staging.make_staging(folder, prefix)
    except OSError as error:
        raise cannot_write(error, folder) from error


def cannot_write(
    error: OSError, folder: Path, writing: str = "", staging: Path | None = None
) -> QgsProcessingException:
    """A run stopped by `error` writing into the output folder `folder`: the export's package,
    a report's pair, the hidden folder they are written in (see cannot_write_message)."""
    return fail(cannot_write_message(error, folder, writing, staging))


def cannot_write_message(
    error: OSError, folder: Path, writing: str = "", staging: Path | None = None
) -> str:
    """What the log says of `error`, met writing the file `writing` into `staging` (the hidden
    folder a run writes in before moving its files into `folder`), the one wording of the
    export and the reports: the cause in words (disk.write_cause: a full disk, a read-only
    disk, a file open in another program, no permission), the file by the name it has in the
    output folder (a file of the staging folder, or its .part, by its own; none when the
    staging folder itself could not be made) and the folder, and that the earlier files are
    kept, as both publish all or nothing."""
    name = writing
    if staging is not None and error.filename:
        written = Path(error.filename)
        if written.parent == staging:
            name = written.name
            if name.startswith(".") and name.endswith(".part"):  # core.files.replacing's
                name = name[1 : -len(".part")]
    chinese, english = disk.write_cause(error)
    if not name:
        return (
            f"{chinese}，无法在 {folder} 中写入文件，文件夹中原有的文件保持原样 / {english}: "
            f"cannot write files in {folder}; the earlier files in the folder are as they were"
        )
    return (
        f"{chinese}，无法在 {folder} 中写入 {name}，文件夹中原有的文件保持原样 / {english}: "
        f"cannot write {name} in {folder}; the earlier files in the folder are as they were"
    )


def cannot_replace(error: OSError) -> QgsProcessingException:
    """The message of a file of the output folder that cannot be replaced, as core.staging
    raises it (its filename the file): on Windows, one open in Excel or a PDF reader. Said
    once, for the export and the reports alike; both publish all or nothing, so the earlier
    files are as they were. A folder standing at a file's name, and another run moving its
    files into the folder now, are said as what they are: closing nothing would help."""
    if error.errno == errno.EISDIR:
        said = tr(
            "{path} is a folder, where this run writes a file of that name: rename or move "
            "the folder, or write into another folder. The earlier files in the folder are "
            "as they were."
        )
    elif error.errno == errno.EBUSY:
        said = tr(
            "Another export or report is moving its files into the folder of {path} now: "
            "run again once it has finished, or write into another folder. The earlier files "
            "in the folder are as they were."
        )
    else:
        said = tr(
            "{path} cannot be replaced ({error}): close it, or write into another folder. "
            "The earlier files in the folder are as they were."
        )
    return fail(said.format(path=error.filename, error=said_cause(error)))


def said_cause(error: OSError) -> str:
    """Why a file or folder could not be written, in the interface's language, to go in a
    translated message: the system's own words (strerror) are English."""
    chinese, english = disk.write_cause(error)
    return chinese if chinese_interface() else english


def folders_to_make(path) -> list[Path]:
    """The folders that making `path` would create, the deepest first: what a run that then
    stops or is cancelled removes again (remove_made_folders), as it was not there before the
    run. Asked before output_folder makes them."""
    made: list[Path] = []
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        made.append(path)
        path = path.parent
    return made


def remove_made_folders(folders: list[Path]) -> None:
    """Remove the folders folders_to_make named, the deepest first, each only while empty: a
    file put into one meanwhile (by the user, not this run) keeps it and the folders above."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


LEDGER_PARAMETER = "LEDGER"


class LedgerParameter(QgsProcessingParameterFile):
    """A file parameter (so QGIS shows a file picker) that also takes a postgis:// reference,
    which QGIS's own file parameter refuses as a value."""

    def __init__(self, name: str, description: str = "", optional: bool = False):
        super().__init__(
            name, description, QgsProcessingParameterFile.Behavior.File, optional=optional
        )
        self._optional = optional

    def checkValueIsAcceptable(self, value, context=None):  # noqa: N802 - QGIS API
        from ..core.ledger_reference import is_postgis_reference

        if isinstance(value, str) and is_postgis_reference(value):
            return True
        return super().checkValueIsAcceptable(value, context)

    def clone(self):
        return LedgerParameter(self.name(), self.description(), self._optional)


# The spot number field's parameter, as screenspots and importspots name it (SPOT_KEY_FIELD).
SPOT_KEY_PARAMETER = "SPOT_KEY_FIELD"


def add_spot_key_parameter(algorithm: QgsProcessingAlgorithm, spots: str, description: str):
    """The field numbering the spots of source ``spots`` (default JCBH, found whatever its case)."""
    algorithm.addParameter(
        QgsProcessingParameterField(
            SPOT_KEY_PARAMETER,
            description,
            defaultValue=domain.SPOT_NUMBER,
            parentLayerParameterName=spots,
            optional=True,
        )
    )


def add_ledger_parameter(
    algorithm: QgsProcessingAlgorithm, description: str = "", optional: bool = False
) -> None:
    """The ledger every verification, case and report algorithm works on: a GeoPackage file, or
    the shared ledger as postgis://<saved QGIS connection>[/<schema>] (no password in it).
    Optional where only the bureau's settings are read from it."""
    algorithm.addParameter(
        LedgerParameter(
            LEDGER_PARAMETER,
            description or tr("Ledger (GeoPackage, or postgis://<saved connection>)"),
            optional=optional,
        )
    )


def open_ledger(algorithm, parameters, context, feedback, create: bool = False):
    """Open the ledger the parameter names; a missing file or an unreachable server stops the
    algorithm with the store's own message (which names the file or server, never a password).
    What opening it did (side files applied, an upgrade) is said in the log."""
    from pathlib import Path

    from ..core import ledger
    from ..core.ledger_reference import is_postgis_reference
    from ..postgis_connection import open_ledger_store

    reference = algorithm.parameterAsString(parameters, LEDGER_PARAMETER, context).strip()
    if not reference:
        raise fail(tr("No ledger given."))
    # Only what is not there at all: a folder of the name is said by the store (a folder, not
    # a ledger), as copyledger and importspots say it.
    if not is_postgis_reference(reference) and not create and not Path(reference).exists():
        raise fail(tr("The ledger {path} does not exist.").format(path=reference))
    try:
        store = open_ledger_store(reference)
    except (ledger.LedgerError, ValueError, OSError) as error:
        raise fail(str(error)) from error
    say_opening_notices(store, feedback)
    algorithm.ledgers_opened = [*getattr(algorithm, "ledgers_opened", ()), reference]
    return store


def say_opening_notices(store, feedback) -> None:
    """What opening the ledger `store` did that its user must hear of (side files SQLite
    applied, an upgrade and the copy made before it), as warnings of the run's log."""
    for notice in store.opening_notices:
        feedback.pushWarning(notice)


def save_to_ledger(
    algorithm: EnforcementAlgorithm, feedback: QgsProcessingFeedback | None, save: Callable[[], T]
) -> T | None:
    """What ``save`` (one save to the ledger) returns, the run then ``algorithm.saved()``. A
    save the shared ledger recorded whose reply was lost (ledger.SavedWithoutReply) is a
    success: said as information, never as a failure, so that the user does not run it again
    (recording it twice, or meeting a conflict with it) nor believe nothing was saved. It then
    returns what the save put in the error (an import's report), else None: the caller reads
    back what it needs from the ledger."""
    try:
        result = save()
    except SavedWithoutReply as saved:
        if feedback is not None:
            feedback.pushInfo(str(saved))
        result = saved.result
    algorithm.saved()
    return result


def new_ledger_file(algorithm, parameters, context):
    """The GeoPackage the ledger parameter names when no file is there yet (open_ledger with
    create=True will make it), else None: a run that then fails or is cancelled removes it
    (remove_ledger_file), so an empty ledger it made is not taken for one later."""
    from pathlib import Path

    from ..core.ledger_reference import is_postgis_reference

    reference = algorithm.parameterAsString(parameters, LEDGER_PARAMETER, context).strip()
    if not reference or is_postgis_reference(reference) or Path(reference).exists():
        return None
    return Path(reference)


def remove_ledger_file(path) -> None:
    """The GeoPackage ``path`` and SQLite's side files, once its store is closed."""
    from pathlib import Path

    for name in (str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        Path(name).unlink(missing_ok=True)
