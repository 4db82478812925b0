"""Writing screenspots' outputs: the spots widened by their results, and the pieces.

The spots are written as they came (every input field, the geometry not copied again) with the
result fields after them; what a target format cannot hold (a Shapefile's 10-byte names and
254-byte texts, a GeoPackage's own fid, a stray point among polygons) is changed and said,
never lost silently.
"""

from __future__ import annotations

import math
import traceback
from pathlib import Path

import numpy as np
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingFeatureSource,
    QgsProcessingUtils,
    QgsVectorFileWriter,
    QgsWkbTypes,
)

from ..compat import FIELD_DOUBLE, FIELD_INT, FIELD_LONG, FIELD_STRING, WKB_MULTIPOLYGON
from ..core import areas, domain, ledger_delivery, reproject, screening
from ..core.screening_overlay import polygonal, unusable_coordinates
from ..i18n import tr
from .base import (
    ProgressSpan,
    add_features,
    fail,
    open_sink,
    output_destination,
    run_outputs,
)
from .layer_reader import SourceArrays, pyproj_crs
from .screen_inputs import refuse_if_misdecoded
from .shapefile_texts import ShapefileTexts

POLYGONS = QgsWkbTypes.GeometryType.PolygonGeometry
# Non-ASCII texts per spot field checked for mis-decoding: a wrong encoding garbles them all.
_TEXT_SAMPLE = 200
_COLLECTION = 7  # shapely's type id of a GeometryCollection
# Features written between two looks at the cancel button.
_CANCEL_EVERY = 500
# File formats that cannot keep a feature without geometry (tried on QGIS 3.22 with GDAL 3.6):
# FlatGeobuf and GMT leave the row out without a word, MapInfo stops at it. A spot without
# geometry is kept, with zero areas, and so is a stray point or line among the spots, written
# without geometry: such an output is refused before anything is written.
FORMATS_LOSING_SPOTS_WITHOUT_GEOMETRY = ("FlatGeobuf", "MapInfo File", "OGR_GMT")


class WritingCancelled(Exception):  # noqa: N818 - an event, not an error
    """The user cancelled while the outputs were written."""


class ResultWriter:
    """Writes a run's outputs through the algorithm's sinks, each file to UTF-8. What it opens
    is noted (open_sink), so that a cancel or a failure while writing removes what the run
    began."""

    def __init__(self, algorithm, parameters: dict, context, feedback, outputs: tuple[str, ...]):
        self.algorithm = algorithm
        self.parameters = parameters
        self.context = context
        self.feedback = feedback
        self.begun = run_outputs(algorithm)  # open_sink notes each output it opens there

    def destination(self, output: str) -> str:
        return output_destination(self.algorithm, self.parameters, output, self.context)

    def _sink(self, output: str, fields: QgsFields, geometry_type, crs):
        return open_sink(
            self.algorithm, self.parameters, output, self.context, fields, geometry_type, crs
        )

    def discard(self, stop: BaseException) -> None:
        """Removes the outputs a run stopped while writing. Their writers are still held by the
        frames of the stop's traceback: those are cleared first, which closes the files (an
        open file cannot be removed on Windows)."""
        traceback.clear_frames(stop.__traceback__)
        left = self.begun.discard()
        if left:
            self.feedback.reportError(
                tr("The run stopped while writing; these outputs are incomplete: {outputs}").format(
                    outputs="，".join(left)
                ),
                fatalError=False,
            )

    def text_widths(
        self, output: str, spots, spots_label: str, spot_arrays: SourceArrays, keys: list[str]
    ) -> dict[int, int]:
        """{index of a spot text field: the width output gives it}, for the fields holding a
        text longer than they are declared (GeoPackage does not hold a text to its TEXT(n);
        QGIS would refuse the write after the whole overlay): as long as their longest text,
        in characters, or in bytes of the output's encoding for a Shapefile, which holds 254.
        A text longer still is said now, before the overlay, naming the file, field and spot:
        a Shapefile output would cut it (ShapefileTexts), a GeoPackage keeps it whole."""
        fitting = ShapefileTexts(self.algorithm, self.parameters, output, self.context)
        measure = fitting.measure if fitting.shapefile else len
        limit = domain.SHAPEFILE_TEXT_BYTES if fitting.shapefile else math.inf
        longest, too_long = self._longest_texts(spots, spot_arrays, keys, measure, limit)
        if too_long:
            self.feedback.pushWarning(
                tr(
                    "{layer}: {count} texts are longer than a Shapefile field holds ({limit} "
                    "bytes, {encoding}): {texts}. Written to the Shapefile {output} they will "
                    "be cut; a GeoPackage output keeps them whole."
                ).format(
                    layer=spots_label,
                    count=len(too_long),
                    limit=domain.SHAPEFILE_TEXT_BYTES,
                    encoding=fitting.encoding,
                    texts=domain.first_of(too_long, 10, "；"),
                    output=self.destination(output),
                )
            )
        widths = {}
        for i, size in longest.items():
            declared = spots.fields()[i].length()
            size = min(size, limit)
            # Only ever wider: 0 is "no width" (a GeoPackage TEXT), which holds any text,
            # but a Shapefile gives it a width of its own.
            if (declared > 0 or fitting.shapefile) and size > declared:
                widths[i] = int(size)
        return widths

    def _longest_texts(
        self, spots, spot_arrays: SourceArrays, keys: list[str], measure, limit: float
    ) -> tuple[dict[int, int], list[str]]:
        """({index of a spot text field: its longest text, by measure}, "field of spot" of
        each text longer than limit). Empty when the user cancelled meanwhile: the run stops
        at its next look at the cancel button."""
        names = spots.fields().names()
        texts = [i for i, f in enumerate(spots.fields()) if f.type() == FIELD_STRING]
        longest, too_long = dict.fromkeys(texts, 0), []
        if not texts:
            return longest, too_long
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
        request.setSubsetOfAttributes(texts)
        position = {fid: row for row, fid in enumerate(spot_arrays.feature_ids)}
        features = spots.getFeatures(
            request, QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
        )
        for done, feature in enumerate(features):
            if done % _CANCEL_EVERY == 0 and self.feedback.isCanceled():
                return {}, []
            for i in texts:
                value = feature.attribute(i)
                size = measure(value) if isinstance(value, str) else 0
                longest[i] = max(longest[i], size)
                if size > limit:
                    row = position.get(feature.id())
                    spot = keys[row] if row is not None else f"fid {feature.id()}"
                    too_long.append(tr("field {field} of {row}").format(field=names[i], row=spot))
        return longest, too_long

    def write_spots(
        self,
        output: str,
        spots,
        spots_label: str,
        spot_arrays: SourceArrays,
        result: screening.ScreeningResult,
        measuring_crs: QgsCoordinateReferenceSystem,
        keys: list[str],
        checked_field: str,
        text_widths: dict[int, int],
        span: ProgressSpan,
    ) -> str:
        """The spots, every input field kept as it was, widened by the result fields. checked_field
        is the text field already checked for mis-decoding when the spots were read; text_widths
        the input text fields to be written wider than declared (see text_widths)."""
        feedback = self.feedback
        destination = self.destination(output)
        shapefile = destination.lower().endswith(".shp")
        result_fields = result_fields_for(shapefile)
        # Input fields stay as they are; a result field whose name an input field already uses
        # (a layer screened before) gets a suffix rather than overwriting the input.
        fields = QgsProcessingUtils.combineFields(spots.fields(), result_fields)
        _warn_if_screened_before(spots.fields().names(), fields, result_fields, feedback)
        if shapefile:
            fields = _shapefile_fields(fields, feedback)
        if ".gpkg" in destination.lower():
            fields = _geopackage_fields(fields, spots, len(spot_arrays.feature_ids), feedback)
        fields = _widened_texts(fields, text_widths)
        repaired = _repaired_outlines(result, spots.sourceCrs(), measuring_crs)
        geometry_type = spots.wkbType()
        collected = shapely.get_type_id(np.asarray(spot_arrays.geoms, dtype=object))
        if any(outline.constGet().partCount() > 1 for outline in repaired.values()) or any(
            collected == _COLLECTION
        ):
            # A bow-tie repaired is two triangles, a collection's polygons are written as one
            # multipolygon: a polygon layer's output is made multi rather than hold them
            # against its type (a GeoPackage would not conform, FlatGeobuf refuses them).
            geometry_type = QgsWkbTypes.multiType(geometry_type)
        sink, dest_id = self._sink(output, fields, geometry_type, spots.sourceCrs())
        if sink is None:
            raise fail(tr("Cannot create the output layer."))
        columns = [
            _python_column(result.fields[name]) for name, _ in domain.screening_output_fields()
        ]
        results = list(zip(*columns))  # one tuple of result values per spot
        position = {fid: row for row, fid in enumerate(spot_arrays.feature_ids)}
        # A Shapefile would cut a longer input text at 254 bytes, inside a character or a
        # number of a list: it is cut here as every output of the provider is, and said.
        texts = [i for i, f in enumerate(spots.fields()) if f.type() == FIELD_STRING]
        shapefile_texts = ShapefileTexts(self.algorithm, self.parameters, output, self.context)
        # Non-ASCII texts of every text field, a sample of each: only the key field was read
        # and checked before, and a GBK file read wrongly garbles all its Chinese fields.
        samples = {i: ([], []) for i in texts if spots.fields()[i].name() != checked_field}

        def widened():
            features = spots.getFeatures(
                QgsFeatureRequest(), QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
            )
            for done, feature in enumerate(features):
                _step(span, done, len(position))
                row = position.get(feature.id())
                if row is None:  # the layer changed while it was screened
                    raise fail(
                        tr(
                            "Spot feature {fid} of {layer} was not there when the spots were "
                            "read: save or close the layer's edits and run again."
                        ).format(fid=feature.id(), layer=spots_label)
                    )
                # The input feature itself, widened: its geometry is not copied again, but for
                # a repaired spot's, replaced by the outline its figures were measured on.
                if row in repaired:
                    feature.setGeometry(repaired[row])
                geometry = feature.geometry()
                if not geometry.isNull() and geometry.type() != POLYGONS:
                    # A stray point, line or collection among the spots (GeoJSON, a generic
                    # GeoPackage layer): a polygon output cannot hold it, and the run must not
                    # be lost. A collection's polygons are what was measured: they are kept.
                    kind = QgsWkbTypes.displayString(geometry.wkbType())
                    polygons = _polygon_parts(geometry)
                    if polygons is None:
                        not_polygons.append(f"{keys[row]}（{kind}）")
                        feature.clearGeometry()
                    else:
                        collections.append(f"{keys[row]}（{kind}）")
                        feature.setGeometry(polygons)
                        geometry = polygons
                if not geometry.isNull() and not math.isfinite(geometry.area()):
                    unusable.append(keys[row])  # NaN or infinite: no file format takes it
                    feature.clearGeometry()
                attributes = feature.attributes()
                for i, (fids, values) in samples.items():
                    value = attributes[i]
                    if (
                        len(values) < _TEXT_SAMPLE
                        and isinstance(value, str)
                        and not value.isascii()
                    ):
                        fids.append(feature.id())
                        values.append(value)
                for i in texts if shapefile else ():
                    field = spots.fields()[i].name()
                    attributes[i] = shapefile_texts.fit(attributes[i], keys[row], field)
                feature.setFields(fields, False)
                feature.setAttributes(attributes + list(results[row]))
                yield feature

        not_polygons: list[str] = []
        collections: list[str] = []
        unusable: list[str] = []
        add_features(sink, widened(), output)
        span.setProgress(100.0)
        nothing = np.empty(0, dtype=object)
        for i, (fids, values) in samples.items():
            field = spots.fields()[i].name()
            sample = SourceArrays(nothing, {field: values}, np.array(fids, dtype=np.int64))
            if values:  # the written output is removed again (see processAlgorithm)
                refuse_if_misdecoded(sample, spots_label)
        if collections:
            feedback.pushWarning(
                tr(
                    "{count} spots are geometry collections: {spots}. Their polygons were "
                    "measured and are written; their points and lines are left out."
                ).format(count=len(collections), spots="，".join(collections[:10]))
            )
        for spots_without_geometry, message in (
            (
                unusable,
                tr(
                    "{count} spots have coordinates that are not numbers: {spots}. They are "
                    "kept with zero areas and written without geometry."
                ),
            ),
            (
                not_polygons,
                tr(
                    "{count} spots are not polygons: {spots}. They are kept with zero areas and "
                    "written without geometry."
                ),
            ),
        ):
            if spots_without_geometry:
                named = "，".join(spots_without_geometry[:10])
                feedback.reportError(
                    message.format(count=len(spots_without_geometry), spots=named),
                    fatalError=False,
                )
        shapefile_texts.report(feedback)
        return dest_id

    def write_pieces(
        self,
        output: str,
        measuring_crs: QgsCoordinateReferenceSystem,
        result: screening.ScreeningResult,
        keys: list[str],
        spot_fids: np.ndarray,
        span: ProgressSpan,
    ) -> str:
        """One feature per piece of a spot inside a parcel or protection feature, in the measuring
        CRS: what a reviewer opens to see exactly what was hit."""
        text = domain.TEXT_FIELD_LENGTH
        fields = QgsFields()
        fields.append(QgsField(domain.SPOT_NUMBER, FIELD_STRING, "string", text))
        fields.append(QgsField(domain.PIECE_LAYER, FIELD_STRING, "string", 32))
        fields.append(QgsField(domain.PIECE_FEATURE, FIELD_STRING, "string", text))
        fields.append(QgsField(domain.PIECE_AREA, FIELD_DOUBLE, "double", 20, domain.AREA_DECIMALS))
        # 64-bit (a PostGIS key may pass 2^31), 18 digits wide: a Shapefile keeps a wider one
        # as a real, read back as 1.0.
        fields.append(QgsField(domain.PIECE_SPOT_FID, FIELD_LONG, "integer64", 18))
        fields.append(QgsField(domain.PIECE_FEATURE_FID, FIELD_LONG, "integer64", 18))
        destination = self.destination(output)
        sink, dest_id = self._sink(output, fields, WKB_MULTIPOLYGON, measuring_crs)
        if sink is None:
            raise fail(tr("Cannot create the pieces layer."))
        measure = domain.utf8_bytes if destination.lower().endswith(".shp") else len
        pieces = result.pieces
        cut: set[str] = set()  # each text longer than its field, as it was

        def fitted(value: str) -> str:
            """A spot number or feature name cut to its field at a character's end, marked
            "…" (the field keeps the feature's id beside it); a whole long name is rare."""
            if measure(value) <= text:
                return value
            cut.add(value)
            return domain.clip_text(value, text - measure("…"), measure) + "…"

        def features():
            rows = zip(
                pieces.spot_index,
                pieces.layer,
                pieces.label,
                pieces.feature_id,
                pieces.geometry,
                pieces.area,
            )
            for done, (spot, layer, label, fid, geometry, area) in enumerate(rows):
                _step(span, done, len(pieces.spot_index))
                feature = QgsFeature(fields)
                qgis_geometry = QgsGeometry()
                qgis_geometry.fromWkb(shapely.to_wkb(geometry))
                feature.setGeometry(qgis_geometry)
                feature.setAttributes(
                    [
                        fitted(keys[spot]),
                        domain.LAYER_LABELS_ZH[str(layer)],
                        fitted(str(label)),
                        float(areas.round_area(area)),
                        int(spot_fids[spot]),
                        int(fid) if fid >= 0 else None,
                    ]
                )
                yield feature

        add_features(sink, features(), output)
        span.setProgress(100.0)
        if cut:
            # A warning as for the spots' texts: the spots output holds them, the run succeeded.
            self.feedback.pushWarning(
                tr(
                    "{count} spot numbers or feature names were longer than a field of the "
                    "pieces layer holds and were cut, e.g. {text}"
                ).format(count=len(cut), text=min(cut))
            )
        return dest_id


def refuse_a_format_losing_spots(
    destination: str, spot_arrays: SourceArrays, keys: list[str], spots_label: str
):
    """Stop when the output's format would lose the spots written without geometry: those
    without one, and the stray points and lines and the spots with coordinates that are not
    numbers, which the output keeps without geometry too. Called once the spots are read,
    before the overlay, so the run does not overlay for nothing."""
    suffix = Path(destination.split("|")[0]).suffix
    driver = QgsVectorFileWriter.driverForExtension(suffix) if suffix else ""
    if driver not in FORMATS_LOSING_SPOTS_WITHOUT_GEOMETRY:
        return
    geoms = np.asarray(spot_arrays.geoms, dtype=object)
    none = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    unusable = unusable_coordinates(geoms)
    # A collection keeps its polygons; a point or line has none left to write.
    no_polygon = ~none & ~unusable & shapely.is_empty(polygonal(geoms))
    without = [
        f"{keys[i]}（{tr('no geometry')}）"
        if none[i]
        else f"{keys[i]}（{tr('coordinates not numbers')}）"
        if unusable[i]
        else f"{keys[i]}（{geoms[i].geom_type}）"
        for i in np.flatnonzero(none | unusable | no_polygon).tolist()
    ]
    if without:
        raise fail(
            tr(
                "The output format {format} cannot keep a spot without a polygon, and {count} "
                "spots of {layer} have none: {spots}. Nothing was written: write the output "
                "as a GeoPackage (.gpkg) or Shapefile (.shp), which keep them without "
                "geometry and with zero areas."
            ).format(
                format=driver,
                count=len(without),
                layer=spots_label,
                spots=domain.first_of(without, 10),
            )
        )


def result_fields_for(shapefile: bool = False) -> QgsFields:
    """The result fields in output order; a Shapefile gets its 10-byte names."""
    fields = QgsFields()
    for name, kind in domain.screening_output_fields():
        if shapefile:
            name = domain.shapefile_field_name(name)
        if kind == domain.KIND_AREA:
            fields.append(QgsField(name, FIELD_DOUBLE, "double", 20, domain.AREA_DECIMALS))
        elif kind in (domain.KIND_INT, domain.KIND_FLAG):
            # Flags as 0/1 integers: Shapefile and XLSX readers all understand them.
            fields.append(QgsField(name, FIELD_INT, "integer"))
        else:
            fields.append(QgsField(name, FIELD_STRING, "string", domain.TEXT_FIELD_LENGTH))
    return fields


def _shapefile_fields(fields: QgsFields, feedback) -> QgsFields:
    """The fields under names a DBF holds (10 bytes, distinct), each renaming said: GDAL
    would cut a Chinese name inside a character and a suffixed one silently."""
    names = domain.shapefile_field_names(fields.names())
    out = QgsFields()
    renamed = []
    for field, name in zip(fields, names):
        if name != field.name():  # result fields come with their Shapefile names
            renamed.append(f"{field.name()} → {name}")
        copy = QgsField(field)
        copy.setName(name)
        out.append(copy)
    if renamed:
        feedback.pushWarning(
            tr(
                "A Shapefile field name holds at most 10 bytes: these fields were renamed "
                "in the output (a GeoPackage output keeps every name): {names}"
            ).format(names="，".join(renamed))
        )
    return out


def _widened_texts(fields: QgsFields, widths: dict[int, int]) -> QgsFields:
    """The fields, those at the indices of `widths` given those widths."""
    out = QgsFields()
    for i, field in enumerate(fields):
        copy = QgsField(field)
        if i in widths:
            copy.setLength(widths[i])
        out.append(copy)
    return out


def _warn_if_screened_before(
    inputs: list[str], fields: QgsFields, result_fields: QgsFields, feedback
) -> None:
    """Say where this run's results went when the spots already hold fields of the same
    names: left unsaid, the old figures would be read as new. A layer screened before holds
    them all; a delivery with a few fields of results' names (its own TBMJ, its approval
    number PZWH) was not, and screening the original again would give the same: those fields
    are to be renamed, and importspots will refuse the output until they are (as its check,
    ledger_delivery.refuse_rescreened, reads the same result names)."""
    first = fields.count() - result_fields.count()
    moved = [
        f"{result_fields[i].name()} → {fields[first + i].name()}"
        for i in range(result_fields.count())
        if fields[first + i].name() != result_fields[i].name()
    ]
    if not moved:
        return
    if ledger_delivery.looks_screened(inputs):
        message = tr(
            "The spots already hold result fields (screened before?): they are kept as "
            "they were, and this run's results are in renamed fields: {names}. Screen "
            "the original spot layer to get the standard names."
        ).format(names="，".join(moved))
    else:
        message = tr(
            "The spots have fields named like screening results: {fields}. They are kept as "
            "they were, and this run's results are in renamed fields: {names}; importspots "
            "will refuse this output, whose standard names hold the spots' own values. Rename "
            "those fields of the spot layer before screening (TBMJ to TBMJ_JF, say) and screen "
            "it again."
        ).format(
            fields="，".join(ledger_delivery.result_named_fields(inputs)), names="，".join(moved)
        )
    feedback.reportError(message, fatalError=False)


def _geopackage_fields(fields: QgsFields, spots, count: int, feedback) -> QgsFields:
    """A GeoPackage keeps its feature id in a column named fid. A spot field of that name
    holding unique whole numbers (a GeoPackage's own fid, as QGIS shows it) becomes the
    output's feature ids, as before; one that does not (a merged layer's repeated fids,
    text, NULLs) would fail the write after the whole overlay: it is written under the
    first free name fid_1, fid_2, ..., said."""
    taken = {name.lower() for name in fields.names()}
    out = QgsFields()
    for field in fields:
        copy = QgsField(field)
        if field.name().lower() == "fid" and not _unique_ids(spots, field.name(), count):
            number = 1
            while f"fid_{number}" in taken:
                number += 1
            copy.setName(f"fid_{number}")
            taken.add(copy.name())
            feedback.pushWarning(
                tr(
                    "The spots have a field {field}, which a GeoPackage keeps for its own "
                    "feature ids: it is written as {name}, its values unchanged."
                ).format(field=field.name(), name=copy.name())
            )
        out.append(copy)
    return out


def _step(span: ProgressSpan, done: int, total: int) -> None:
    """Every few hundred features written: progress, and a stop when the user cancelled."""
    if done % _CANCEL_EVERY:
        return
    if span.isCanceled():
        raise WritingCancelled()
    span.setProgress(100.0 * done / max(total, 1))


def _repaired_outlines(
    result: screening.ScreeningResult,
    spots_crs: QgsCoordinateReferenceSystem,
    measuring_crs: QgsCoordinateReferenceSystem,
) -> dict[int, QgsGeometry]:
    """Each repaired spot's outline as the engine repaired and measured it, by row, in the
    spot layer's CRS: the delivered rings would disagree with the figures ($area of a bow-tie
    is 0 m²), while the ledger stores the repaired outline. Spots measured in another CRS (a
    geographic layer in its Gauss-Krüger zone) have their outlines taken back, edges followed
    as they were read, so the region stays the one measured. Only the few repaired spots."""
    rows, outlines = result.repaired_rows, result.repaired_geoms
    if len(rows) and spots_crs != measuring_crs:
        outlines, failed, _ = reproject.to_crs(
            outlines, pyproj_crs(measuring_crs), pyproj_crs(spots_crs)
        )
        # Coordinates that came from the layer's CRS go back to it; were one not to, that
        # spot keeps its delivered rings rather than lose its place.
        keep = np.setdiff1d(np.arange(len(rows)), failed)
        rows, outlines = rows[keep], outlines[keep]
    repaired = {}
    for row, outline in zip(rows.tolist(), outlines):
        geometry = QgsGeometry()
        geometry.fromWkb(shapely.to_wkb(outline))
        repaired[row] = geometry
    return repaired


def _polygon_parts(geometry: QgsGeometry) -> QgsGeometry | None:
    """The polygons of a geometry collection, nested ones too, as one (multi)polygon; None
    when it has none."""

    def polygons(part) -> list[QgsGeometry]:
        if QgsWkbTypes.geometryType(part.wkbType()) == POLYGONS:
            return [QgsGeometry(part.clone())]
        if not hasattr(part, "numGeometries"):
            return []
        return [found for i in range(part.numGeometries()) for found in polygons(part.geometryN(i))]

    found = polygons(geometry.constGet())
    return QgsGeometry.collectGeometry(found) if found else None


def _unique_ids(source, name: str, count: int) -> bool:
    """Whether a field holds a positive whole number, never NULL and never repeated, on each
    of the `count` spots written: what a GeoPackage takes as its feature ids (GDAL reads -1
    and 0 as "no id"). A source read with a limit has fewer spots than distinct values: no."""
    from qgis.PyQt.QtCore import QVariant

    index = source.fields().indexOf(name)
    if source.fields()[index].type() not in (QVariant.Int, QVariant.LongLong):
        return False
    values = source.uniqueValues(index)
    ids = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)
    return ids and len(values) == count == source.featureCount()


def _python_column(values: np.ndarray) -> list:
    """A result column as values QGIS stores: numpy scalars as Python ones, NaN as NULL and
    flags as 0/1."""
    column = np.asarray(values)
    if column.dtype == bool:
        return column.astype(int).tolist()
    out = column.tolist()
    if column.dtype.kind == "f":
        return [None if v != v else v for v in out]
    return [int(v) if isinstance(v, bool) else v for v in out]
