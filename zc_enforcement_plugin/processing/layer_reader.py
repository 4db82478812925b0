"""Reads Processing feature sources into the plain arrays the core engine takes (shapely, numpy)."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from qgis.core import (
    QgsAbstractGeometry,
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingFeatureSource,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt

from ..core import gpkg_read, reproject, screening, spot_files
from ..i18n import chinese_interface, tr
from .base import fail

# Formats read in bulk: their GDAL feature ids are the ones QGIS gives (results are written back
# to spots by id). Of these, GeoPackage text is UTF-8 by definition, so bulk reads of its text
# are right; a Shapefile's text is read through QGIS (see _read_through_gdal).
_BULK_DRIVERS = ("GPKG", "ESRI Shapefile")
_UTF8_DRIVERS = ("GPKG",)


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
    feedback=None,
    whole_file_layer: QgsVectorLayer | None = None,
    near_boxes: np.ndarray | None = None,
    keep_unusable: bool = False,
) -> SourceArrays:
    """Read geometries (transformed) and the named fields of every feature of a source.

    Invalid geometries are read as they are (the engine repairs and reports them); a source
    with no CRS is refused, since its coordinates cannot be measured. whole_file_layer: the
    layer behind the source when every one of its features is wanted (no selection, filter or
    limit); a file layer is then read in bulk through GDAL.
    near_boxes: (minx, miny, maxx, maxy) rows in destination_crs; when given, only features
    whose bounding box may meet one of them are needed (others may still be returned).
    A feature with a coordinate that is not a number (NaN, infinite) stops the read, naming
    it, unless keep_unusable (spots: the engine keeps and flags them). So does a feature whose
    coordinates do not fit the layer's CRS (core.areas.crs_misfits: longitude/latitude under a
    Gauss-Krüger zone, metres under longitude/latitude), unless keep_unusable (the screening
    names such spots by number itself) or near_boxes; the figures would otherwise be measured,
    or the audit run, on land that is not there.
    """
    if not has_crs(source.sourceCrs()):
        raise fail(
            tr("Layer {layer} has no coordinate reference system: set its CRS first.").format(
                layer=layer_label
            )
        )
    available = source.fields().names()
    # Every field the layer lacks at once (PZWH, PZYT, JZRQ): named one a run, three missing
    # fields took three runs to find.
    missing = [name for name in dict.fromkeys(fields) if name not in available]
    if missing:
        raise fail(
            tr("Layer {layer} has no field {field} (fields: {available}).").format(
                layer=layer_label, field=", ".join(missing), available=", ".join(available)
            )
        )
    # A layer in another CRS is read in its own CRS and brought over afterwards, its polygon
    # edges keeping their shape (core.reproject), rather than by QGIS, which would move only
    # the vertices; the spots' boxes are moved back to it once, to search it.
    crs_pair = None
    search_boxes = near_boxes  # in the layer's own CRS; None: every feature is read
    if source.sourceCrs() != destination_crs:
        try:
            crs_pair = (pyproj_crs(source.sourceCrs()), pyproj_crs(destination_crs))
            datum = reproject.guessed_datum(*crs_pair)
        except (CRSError, ProjError) as error:  # a CRS PROJ cannot move from: said, no traceback
            raise fail(
                tr(
                    "Layer {layer} is in {crs}, from which PROJ knows no way to {target} "
                    "({error}): set the layer's real CRS, or save it in CGCS2000."
                ).format(
                    layer=layer_label,
                    crs=_crs_name(source.sourceCrs()),
                    target=_crs_name(destination_crs),
                    error=error,
                )
            ) from None
        if datum is not None:  # a guess moves features metres to tens of metres
            raise fail(
                tr(
                    "Layer {layer} is in {crs}: PROJ knows no transformation from its datum "
                    "({datum}) to CGCS2000, only a guess that can be tens of metres off. "
                    "Convert the layer to CGCS2000 with the bureau's transformation parameters "
                    "first."
                ).format(
                    layer=layer_label,
                    crs=_crs_name(source.sourceCrs()),
                    datum=datum,
                )
            )
        if near_boxes is not None:
            search_boxes = reproject.boxes_in_source(near_boxes, *crs_pair)
    arrays = None
    if whole_file_layer is not None:
        is_cancelled = None if feedback is None else feedback.isCanceled
        # A duck-typed feedback (a test's, a dock's) may have no log: then nothing is said.
        say = getattr(feedback, "pushDebugInfo", None)
        arrays = _read_through_gdal(whole_file_layer, fields, search_boxes, is_cancelled, say)
    if arrays is None:
        arrays = _read_features(source, fields, search_boxes, feedback)
    unusable = np.flatnonzero(screening.unusable_coordinates(arrays.geoms))
    if len(unusable) and not keep_unusable:
        raise fail(
            tr(
                "Layer {layer}: {count} features have coordinates that are not numbers (NaN or "
                "infinite), e.g. feature {fid}: correct or delete them and run again."
            ).format(layer=layer_label, count=len(unusable), fid=arrays.feature_ids[unusable[0]])
        )
    # Features read near boxes lie near the spots, which are checked themselves: the check,
    # two projected points a feature, would only slow the screening (to_crs never densifies
    # a misfit, so no such layer can take the memory either).
    if not keep_unusable and near_boxes is None:
        _refuse_misfits(arrays, source, destination_crs, layer_label)
    if crs_pair is None:
        return arrays
    return _brought_over(arrays, source, destination_crs, crs_pair, search_boxes, layer_label)


def _read_features(
    source: QgsProcessingFeatureSource, fields: list[str], search_boxes, feedback
) -> SourceArrays:
    """Feature by feature through QGIS, in the source's own CRS; with search_boxes, the
    provider's index first cuts to one rectangle around them all."""
    request = QgsFeatureRequest()
    if search_boxes is not None and len(search_boxes):
        low = np.nanmin(search_boxes[:, :2], axis=0)
        high = np.nanmax(search_boxes[:, 2:], axis=0)
        if np.all(np.isfinite(low)) and np.all(np.isfinite(high)):
            request.setFilterRect(QgsRectangle(low[0], low[1], high[0], high[1]))
    request.setSubsetOfAttributes(fields, source.fields())
    # Spots with invalid geometry must reach the engine to be repaired and flagged, not dropped.
    features = source.getFeatures(
        request, QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
    )
    wkbs: list[bytes | None] = []
    ids: list[int] = []
    values: dict[str, list] = {name: [] for name in fields}
    total = source.featureCount()
    indices = [source.fields().indexOf(name) for name in fields]
    geographic = source.sourceCrs().isGeographic()
    arc_sag = spot_files.ARC_SAG_DEGREES if geographic else spot_files.ARC_SAG_M
    max_difference = QgsAbstractGeometry.SegmentationToleranceType.MaximumDifference
    for count, feature in enumerate(features):
        if feedback is not None and count % 5000 == 0:
            if feedback.isCanceled():
                break
            if total > 0:  # a provider may not know its count (-1) or only estimate it
                feedback.setProgress(min(100.0, 100.0 * count / total))
        geometry = feature.geometry()
        if not geometry.isNull() and QgsWkbTypes.isCurvedType(geometry.wkbType()):
            # GEOS reads no arcs: a curved boundary is followed by short straight segments,
            # close enough that the area lost is below a cent (QGIS's default of 1° steps
            # loses 1.4 m² on a circle of 100 m radius); the ledger's import reads them so too.
            geometry = QgsGeometry(geometry.constGet().segmentize(arc_sag, max_difference))
        wkbs.append(None if geometry.isNull() else bytes(geometry.asWkb()))
        ids.append(feature.id())
        attributes = feature.attributes()
        for name, index in zip(fields, indices):
            values[name].append(_plain(attributes[index]))
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object), on_invalid="fix")
    return SourceArrays(geoms, values, np.array(ids, dtype=np.int64))


def _refuse_misfits(
    arrays: SourceArrays,
    source: QgsProcessingFeatureSource,
    destination_crs: QgsCoordinateReferenceSystem,
    layer_label: str,
) -> None:
    """Stops, naming the layer and a feature, when features' coordinates do not fit the
    layer's CRS: in one to be transformed, as a feature that cannot be brought over."""
    crs = source.sourceCrs()
    misfit = reproject.misfits(arrays.geoms, pyproj_crs(crs))
    if not len(misfit):
        return
    first = int(misfit[0])
    x, y = shapely.bounds(arrays.geoms[first])[:2]
    if crs == destination_crs:
        message = tr(
            "{count} features of {layer} do not fit its CRS {source}: feature {fid} lies at "
            "x={x:.4f}, y={y:.4f} (longitude and latitude under a projected CRS, or a missing "
            "or wrong zone prefix?). Set the layer's right CRS."
        )
    else:
        message = _cannot_bring_over()
    raise fail(
        message.format(
            count=len(misfit),
            layer=layer_label,
            source=_crs_name(crs),
            crs=destination_crs.authid(),
            fid=int(arrays.feature_ids[first]),
            x=x,
            y=y,
        )
    )


def _cannot_bring_over() -> str:
    """The message for features that cannot be brought to the destination CRS (translated
    when asked, once QGIS has its language)."""
    return tr(
        "{count} features of {layer} cannot be brought from {source} to {crs} "
        "(coordinates outside what {source} can hold?), e.g. feature {fid}."
    )


def _brought_over(
    arrays: SourceArrays,
    source: QgsProcessingFeatureSource,
    destination_crs: QgsCoordinateReferenceSystem,
    crs_pair: tuple[CRS, CRS],
    search_boxes: np.ndarray | None,
    layer_label: str,
) -> SourceArrays:
    """Arrays read in the source's CRS, in destination_crs (core.reproject), keeping only the
    features near the search boxes when they are given. A feature whose coordinates cannot be
    transformed stops the run, named: it would otherwise be lost without a word."""
    geoms, failed, kept = reproject.to_crs(arrays.geoms, *crs_pair, search_boxes)
    if len(failed):
        raise fail(
            _cannot_bring_over().format(
                count=len(failed),
                layer=layer_label,
                source=source.sourceCrs().authid() or source.sourceCrs().description(),
                crs=destination_crs.authid(),
                fid=int(arrays.feature_ids[failed[0]]),
            )
        )
    values = {
        name: [column[i] for i in kept.tolist()] for name, column in arrays.attributes.items()
    }
    return SourceArrays(geoms, values, arrays.feature_ids[kept])


def has_crs(crs: QgsCoordinateReferenceSystem) -> bool:
    """Whether a layer has a CRS: a valid one that is not a GeoPackage's "undefined" (taken for
    WGS 84, a protection layer of Xian 1980 longitude/latitude saved without a CRS was
    screened as WGS 84 without a word; reproject.names_no_crs)."""
    return crs.isValid() and not (not crs.authid() and reproject.names_no_crs(crs.description()))


def pyproj_crs(crs: QgsCoordinateReferenceSystem) -> CRS:
    """The CRS as pyproj takes it: by its authority code, else by its WKT."""
    authid = crs.authid()
    if authid.upper().startswith("EPSG:"):
        return CRS.from_user_input(authid)
    return CRS.from_wkt(crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT2_2019))


def misdecoded_text(arrays: SourceArrays, layer_label: str) -> str | None:
    """A warning naming the layer, field and feature when text read looks mis-decoded (GBK read
    as UTF-8 or Latin-1: a Shapefile without .cpg, or with a wrong one), else None.

    QGIS reads such a Shapefile in its default encoding and the output keeps the garbled text,
    so the user is told how to set the layer's encoding before the figures go anywhere.
    """
    for field, values in arrays.attributes.items():
        texts = {value for value in values if isinstance(value, str)}
        chinese = any(spot_files.has_cjk(text) for text in texts)
        # UTF-8 read as GBK gives Chinese characters too, but its texts read back as UTF-8:
        # the rule the ledger's import refuses such a field by, too.
        as_utf8 = spot_files.utf8_read_as_gbk_field(texts, _qt_gbk)
        if as_utf8:
            fid, value = _first_holding(arrays.feature_ids, values, as_utf8)
            return tr(
                "{layer}: the text of field {field} looks like UTF-8 read as GBK (feature "
                "{fid}: {value} would read {text}). Set the layer's data source encoding to "
                "UTF-8 (or correct its .cpg file), then run again."
            ).format(layer=layer_label, field=field, fid=fid, value=value, text=as_utf8[value])
        if chinese and not any("\ufffd" in text for text in texts):
            continue  # real Chinese text: the field was decoded right (Größe, 30°E are fine)
        # Each distinct text is judged once; a feature is looked up only when one is wrong.
        reasons = {text: spot_files.misdecoding_halves(text) for text in texts}
        wrong = {text: reason for text, reason in reasons.items() if reason}
        if not wrong:
            continue
        fid, value = _first_holding(arrays.feature_ids, values, wrong)
        # The reason in the interface's language: a translated text holds no "中文 / English"
        # pair (its English showed in a Chinese QGIS).
        reason_zh, reason_en = wrong[value]
        return tr(
            "{layer}: the text of field {field} looks mis-decoded (feature {fid}: "
            "{reason}). A Shapefile in GBK needs a .cpg file saying GBK (one naming another "
            "encoding is wrong), or set the layer's data source encoding to GBK in its "
            "properties, then run again."
        ).format(
            layer=layer_label,
            field=field,
            fid=fid,
            reason=reason_zh if chinese_interface() else reason_en,
        )
    return None


def _first_holding(feature_ids: np.ndarray, values: list, texts) -> tuple[int, str]:
    """(feature id, value) of the first feature whose value is one of `texts`."""
    return next(
        (fid, value)
        for fid, value in zip(feature_ids.tolist(), values)
        if isinstance(value, str) and value in texts
    )


def _plain(value):
    """QGIS's values as ordinary Python ones for numpy and core/: NULL as None, and a date or
    date-time field's QDate / QDateTime as datetime.date / datetime (a Shapefile's, a memory or
    PostGIS layer's dates arrive so; core/ knows nothing of Qt)."""
    if value is None:
        return None
    try:
        if value.isNull():
            return None
    except AttributeError:
        return value
    if isinstance(value, QDateTime):  # before QDate: not a subclass, but checked first anyway
        moment = value.toPyDateTime()  # its wall time, without its zone
        if value.timeSpec() == Qt.TimeSpec.LocalTime:
            return moment
        # A time that says its zone (a GeoPackage's DATETIME is UTC) keeps it: core/ dates it
        # by its Beijing day, 2026-03-04T16:00Z being 2026-03-05 (dates.parse_date).
        return moment.replace(tzinfo=dt.timezone(dt.timedelta(seconds=value.offsetFromUtc())))
    if isinstance(value, QDate):
        return value.toPyDate()
    return value


def has_feature_limit(parameters: dict, name: str) -> bool:
    """Whether a source parameter asks for its first N features only: those are the layer's
    first N, so no spatial filter may be put before the limit."""
    from qgis.core import QgsProcessingFeatureSourceDefinition

    value = parameters.get(name)
    return (
        isinstance(value, QgsProcessingFeatureSourceDefinition)
        and getattr(value, "featureLimit", -1) != -1
    )


def read_unfiltered(algorithm, parameters: dict, name: str, context) -> bool:
    """Whether a source parameter must be read without a spatial filter before it: a feature
    limit takes the layer's first N features; QGIS's memory provider finds a polygon by its
    outer ring's box, and a hole drawn outside the ring (land once repaired) over a spot would
    never be read. (GDAL's index and PostGIS's box take in every ring.) A memory layer is in
    memory: read whole, it costs little."""
    if has_feature_limit(parameters, name):
        return True
    _label, layer = layer_name(algorithm, parameters, name, context)
    return layer is not None and layer.providerType() == "memory"


def whole_layer(algorithm, parameters: dict, name: str, context) -> QgsVectorLayer | None:
    """The layer behind a source parameter when all its features are wanted, else None."""
    from qgis.core import QgsProcessingFeatureSourceDefinition

    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        limited = value.selectedFeaturesOnly or has_feature_limit(parameters, name)
        if limited or getattr(value, "filterExpression", ""):
            return None
    return algorithm.parameterAsVectorLayer(parameters, name, context)


def layer_label(
    algorithm, parameters: dict, name: str, context
) -> tuple[str, QgsVectorLayer | None]:
    """(label, layer) of a layer parameter, as messages name it: its layer_name, with the file
    it is read from (with_file)."""
    label, layer = layer_name(algorithm, parameters, name, context)
    return with_file(label, layer), layer


def layer_name(
    algorithm, parameters: dict, name: str, context
) -> tuple[str, QgsVectorLayer | None]:
    """(name, layer) of a layer parameter: a project layer by its name in the Layers panel, a
    path "file.gpkg|layername=DLTB" by its table (QGIS names such a layer after the file), a
    selection or a feature limit by its layer."""
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProcessingUtils

    layer = algorithm.parameterAsVectorLayer(parameters, name, context)
    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source.staticValue()  # the layer it points at, not its repr
    if layer is None and isinstance(value, str):  # a selection: its layer by id or name
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
    label = layer.name() if layer is not None else str(value)
    if isinstance(value, str) and layer is not None:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), value)
        label = parts.get("layerName") or label
    return label, layer


def known_by_name(layer: QgsVectorLayer | None, context) -> bool:
    """Whether the user knows a layer by its name: one in the project or a file of theirs, not
    what a model's step or "Iterate over this layer" made on the way (a memory layer or a file
    in Processing's temporary folder, named "output" or after the step: "Fixed geometries")."""
    from qgis.core import QgsProcessingUtils

    if layer is None:
        return False
    project = context.project()
    if project is not None and project.mapLayer(layer.id()) is not None:
        return True
    if layer.providerType() == "memory":
        return False
    path = (
        QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path")
    )
    if not path:  # a database's or a service's table, named by the user's connection
        return True
    return not Path(path).resolve().is_relative_to(Path(QgsProcessingUtils.tempFolder()).resolve())


def with_file(label: str, layer: QgsVectorLayer | None) -> str:
    """A layer's label with the file it is read from, when it is one: each district's
    GeoPackage holds a DLTB, and a message must say which."""
    if layer is None:
        return label
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return f"{label}（{parts['path']}）" if parts.get("path") else label


def open_source(algorithm, parameters: dict, name: str, context, feedback):
    """(source, whole-file layer or None) of a source parameter, (None, None) when not given.

    A Shapefile without .cpg holding GBK text is read in GBK, and the log says so: QGIS reads
    it in its default encoding (UTF-8 outside Chinese Windows), which turns the Chinese into
    U+FFFD for good, in the output too. importspots guesses the same way (core.spot_files).
    Only a whole layer is opened again: a selection or a filter belongs to the layer given.
    """
    source = algorithm.parameterAsSource(parameters, name, context)
    if source is None:
        return None, None
    _say_geometry_check_not_applied(parameters.get(name), name, feedback)
    layer = whole_layer(algorithm, parameters, name, context)
    reopened = _in_guessed_encoding(layer) if layer is not None else None
    if reopened is None:
        return source, layer
    layer, note = reopened
    context.temporaryLayerStore().addMapLayer(layer)  # the context keeps it for the run
    feedback.pushWarning(note)
    return QgsProcessingFeatureSource(layer, context), layer


def _say_geometry_check_not_applied(value, name: str, feedback) -> None:
    """Say so when an input asks for its own invalid-geometry filtering (the Processing
    dialog's per-input "skip" or "stop"): it is not applied, every feature is read, an invalid
    one repaired and noted. Skipped, a spot or a protection feature would vanish from legal
    figures; stopped, one bad parcel would lose the district's run."""
    if not isinstance(value, QgsProcessingFeatureSourceDefinition):
        return
    overridden = (
        value.flags & QgsProcessingFeatureSourceDefinition.Flag.FlagOverrideDefaultGeometryCheck
    )
    if (
        not overridden
        or value.geometryCheck == QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck
    ):
        return
    feedback.pushInfo(
        tr(
            "{input}: the input's invalid-geometry filtering is not applied: every feature is "
            "read, and an invalid geometry is repaired and noted rather than skipped or stopped at."
        ).format(input=name)
    )


def _in_guessed_encoding(layer: QgsVectorLayer) -> tuple[QgsVectorLayer, str] | None:
    """A copy of the layer reading its DBF's encoding, with the note that says so, when it is
    a Shapefile without .cpg whose text QGIS reads in another encoding; else None. The user's
    layer itself is left as it is."""
    if layer.providerType() != "ogr" or layer.isEditable() or layer.isModified():
        return None  # unsaved edits live in this layer object only
    path = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("path") or ""
    if not path.lower().endswith(".shp"):
        return None
    guess = spot_files.guessed_shapefile_encoding(path)
    if guess is None or _codec(guess[0]) == _codec(layer.dataProvider().encoding()):
        return None
    # A clone, not the file opened afresh: it keeps what the user set on the layer (a CRS
    # assigned to a file without .prj, or put right; expression and joined fields).
    reopened = layer.clone()
    if reopened is None or not reopened.isValid():
        return None
    reopened.setProviderEncoding(guess[0])
    return reopened, guess[1]


def _codec(name: str) -> str | None:
    """Python's name for an encoding QGIS names ("System" has none)."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _read_through_gdal(
    layer: QgsVectorLayer,
    fields: list[str],
    near_boxes: np.ndarray | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    say_skipped: Callable[[str], None] | None = None,
) -> SourceArrays | None:
    """Bulk read of a GDAL file layer as Arrow batches: about six times faster than iterating
    QgsFeatures from Python on a district's 150,000 parcels. With near_boxes, a GeoPackage
    layer reads only the features its R-tree puts near them (core.gpkg_read). None when
    neither applies (another provider, a subset filter, GDAL older than 3.6); the caller then
    iterates. Once is_cancelled says yes, it stops and returns what it has read. say_skipped
    is told why a GeoPackage is not read through its R-tree (core.gpkg_read.read_near).
    """
    if layer.providerType() != "ogr" or layer.subsetString():
        return None
    if layer.isEditable() or layer.isModified():
        return None  # unsaved edits are only in QGIS's edit buffer, not in the file
    try:
        from osgeo import ogr
    except ImportError:
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    if not path:
        return None
    name = parts.get("layerName")
    if near_boxes is not None and name and path.lower().endswith(".gpkg"):
        rows = gpkg_read.read_near(path, name, fields, near_boxes, is_cancelled, say_skipped)
        if rows is not None:
            return SourceArrays(rows.geoms, rows.attributes, rows.feature_ids)
    try:
        dataset = ogr.Open(path)
        if dataset is None:
            return None
        if name:
            ogr_layer = dataset.GetLayerByName(name)
        else:
            ogr_layer = dataset.GetLayer(int(parts.get("layerId") or 0))
        if ogr_layer is None or not hasattr(ogr_layer, "GetArrowStreamAsNumPy"):
            return None
        if dataset.GetDriver().GetName() not in _BULK_DRIVERS:
            return None
        definition = ogr_layer.GetLayerDefn()
        count = definition.GetFieldCount()
        all_fields = [definition.GetFieldDefn(i).GetName() for i in range(count)]
        text = [
            definition.GetFieldDefn(i).GetType() == ogr.OFTString
            for i in range(count)
            if all_fields[i] in fields
        ]
        if any(text) and dataset.GetDriver().GetName() not in _UTF8_DRIVERS:
            # QGIS turns off GDAL's own recoding (.cpg) for the whole process and recodes
            # itself, so a Shapefile's GBK text is only right when read through QGIS.
            return None
        ogr_layer.SetIgnoredFields([f for f in all_fields if f not in fields])
        geometry_column = ogr_layer.GetGeometryColumn() or "wkb_geometry"
        # The feature id comes in the id column's own name, OGC_FID when the format has none; a
        # user field called fid (a GeoPackage saved as a Shapefile) is only an attribute.
        id_column = ogr_layer.GetFIDColumn() or "OGC_FID"
        wkbs, ids, values = [], [], {field: [] for field in fields}
        for batch in ogr_layer.GetArrowStreamAsNumPy(options=["MAX_FEATURES_IN_BATCH=65536"]):
            if is_cancelled is not None and is_cancelled():
                break
            wkbs.append(np.asarray(batch[geometry_column], dtype=object))
            fid = batch.get(id_column)
            if fid is None:
                return None
            ids.append(np.asarray(fid))
            for field in fields:
                values[field].extend(_plain_column(batch[field]))
    except (RuntimeError, KeyError, TypeError, ValueError):
        return None  # an unusual file: the feature-by-feature path handles it
    if not wkbs:
        return SourceArrays(np.empty(0, dtype=object), values, np.empty(0, dtype=np.int64))
    wkbs = np.concatenate(wkbs)
    geoms = shapely.from_wkb(wkbs, on_invalid="fix")
    if np.any(shapely.is_missing(geoms) & (wkbs != None)):  # noqa: E711 - element-wise
        return None  # curves or other WKB GEOS cannot read: QGIS straightens them
    return SourceArrays(geoms=geoms, attributes=values, feature_ids=np.concatenate(ids))


def _plain_column(column) -> list:
    """An Arrow column as Python values: text decoded from UTF-8, masked entries as None."""
    mask = np.ma.getmaskarray(column)
    data = np.ma.getdata(column)
    out = []
    for value, missing in zip(data.tolist(), mask.tolist()):
        if missing:
            out.append(None)
        elif isinstance(value, bytes):
            out.append(value.decode("utf-8", errors="replace"))
        else:
            out.append(value)
    return out


def _crs_name(crs: QgsCoordinateReferenceSystem) -> str:
    """A CRS as a user recognises it: its code, its name, or, for a hand-made one, its PROJ
    definition."""
    return crs.authid() or crs.description() or crs.toProj()


def _qt_gbk(text: str) -> bytes:
    """Text as the GBK bytes QGIS decoded it from: Qt's codec, whose mapping of odd bytes
    (0x80 as €, unpaired ones to private-use characters) Python's gbk codec refuses."""
    from qgis.PyQt.QtCore import QTextCodec

    codec = QTextCodec.codecForName(b"GBK")
    if codec is None:
        return text.encode("gbk")
    return bytes(codec.fromUnicode(text))
