"""Processing algorithm zcenforcement:screenspots: overlays spots on every protection layer.

A thin adapter: it reads the QGIS sources into arrays, calls core.screening, and writes sinks.
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
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
    QgsWkbTypes,
)
from qgis.PyQt import sip

from ..compat import (
    FIELD_DOUBLE,
    FIELD_INT,
    FIELD_LONG,
    FIELD_STRING,
    SOURCE_POLYGON,
    WKB_MULTIPOLYGON,
)
from ..core import areas, dates, domain, reproject, screening
from ..i18n import tr
from ..resources_paths import STYLES
from .base import EnforcementAlgorithm, ProgressSpan, add_features, fail, open_error
from .layer_reader import (
    SourceArrays,
    has_feature_limit,
    layer_label,
    misdecoded_text,
    open_source,
    pyproj_crs,
    read_source,
)
from .partial_outputs import PartialOutputs

# Processing parameter -> engine layer key, for the optional overlay layers.
OVERLAY_PARAMETERS = {
    "BASIC_FARMLAND": domain.LAYER_BASIC_FARMLAND,
    "RED_LINE": domain.LAYER_RED_LINE,
    "NO_MINING": domain.LAYER_NO_MINING,
    "THREE_ZONES": domain.LAYER_THREE_ZONES,
    "APPROVALS": domain.LAYER_APPROVALS,
}
OVERLAY_TITLES = {
    "BASIC_FARMLAND": "Permanent basic farmland (YJJBNT)",
    "RED_LINE": "Ecological red line (STHX)",
    "NO_MINING": "No-mining zones",
    "THREE_ZONES": "Three-zones-two-lines view areas",
    "APPROVALS": "Approvals (land conversion, temporary, facility land)",
}
APPROVALS = domain.LAYER_APPROVALS
# An approval's kind and term, read where its layer has them.
APPROVAL_FIELDS = (
    domain.APPROVAL_KIND,
    domain.APPROVAL_DATE,
    domain.APPROVAL_START,
    domain.APPROVAL_END,
)
# Field giving each overlay feature's label in hits fields and pieces; the first one present wins.
OVERLAY_LABEL_FIELDS = {
    domain.LAYER_BASIC_FARMLAND: (domain.BASIC_FARMLAND_NUMBER,),
    domain.LAYER_RED_LINE: (domain.RED_LINE_CODE, domain.RED_LINE_NAME),
    domain.LAYER_NO_MINING: (domain.NO_MINING_NAME,),
    domain.LAYER_THREE_ZONES: (domain.THREE_ZONES_NAME,),
    domain.LAYER_APPROVALS: (domain.APPROVAL_NUMBER,),
}


# Per cent of the progress bar for reading the layers; the overlay takes the rest.
_READ_SHARE = 20.0
# Where the overlay's share ends: writing the outputs takes the rest, and can be cancelled.
_OVERLAY_END = 90.0
POLYGONS = QgsWkbTypes.GeometryType.PolygonGeometry
# Non-ASCII texts per spot field checked for mis-decoding: a wrong encoding garbles them all.
_TEXT_SAMPLE = 200
# Features written between two looks at the cancel button.
_CANCEL_EVERY = 500


class _Cancelled(Exception):  # noqa: N818 - an event, not an error
    """The user cancelled while the outputs were written."""


class ScreenSpots(EnforcementAlgorithm):
    NAME = "screenspots"
    DISPLAY_NAME = "Screen spots"
    GROUP = "Screening"
    GROUP_ID = "screening"
    HELP = (
        "<p>Overlays every satellite spot on the land-use parcels (DLTB) and the protection "
        "layers given, computes official areas (m², 2 decimals; ellipsoidal on CGCS2000 by "
        "default) and suggests a verdict with its reason, a review priority and whether the "
        "criminal-referral threshold is reached. Every input field of the spots is "
        "kept.</p><h3>Parameters</h3><ul><li><b>Satellite spots</b>: polygons; <b>spot "
        "number field</b> (default JCBH) names spots in messages. A spot field HSX (later "
        "image date) lets approvals be judged as they stood then.</li><li><b>Land-use "
        "parcels</b> with their <b>class code field</b> (default DLBM): the land-class "
        "split. Without it, cultivated land cannot be ruled out.</li><li><b>Basic farmland, "
        "red line, no-mining zones, three zones two lines, approvals</b>: optional; a layer "
        "not given (or without any geometry) leaves its fields empty. Approvals may carry "
        "PZWH, PZLX (kind), PZRQ/QSRQ (granted, start) and JZRQ (end).</li><li><b>Area "
        "method</b>: ellipsoidal (official) or planar Gauss-Krüger.</li><li><b>Deduct field "
        "ridges</b>: cultivated area net of ridges, GDMJ × (1 − KCXS); needs a KCXS field in "
        "the land-use layer.</li><li><b>Approval share</b> (advanced, default 95 %): how "
        "much of a spot approvals must cover.</li><li><b>Pieces</b> (optional output): one "
        "feature per part of a spot inside a parcel or protection feature, with its layer, "
        "label, area and the ids TBFID and YSFID.</li></ul><h3>Output "
        "fields</h3><ul><li>TBMJ spot area, split into GDMJ cultivated (0101/0102/0103), "
        "FGNYDMJ other agricultural, JSYDMJ construction (also the 20x codes 201-205), "
        "WLYDMJ unused and WDCMJ not covered by a parcel, adding up to TBMJ; XZJSYDMJ new "
        "construction land = GDMJ + FGNYDMJ + WLYDMJ.</li><li>YJJBNTMJ basic farmland, "
        "STHXMJ red line, JCQMJ no-mining zones, SQLXMJ view areas, PZMJ approvals in force: "
        "each the spot's area inside the union of the layer's features.</li><li>Key figures "
        "again in mu (fields ending _MU; 1 mu = 10000/15 m²); SF... flags per layer touched; "
        "STHXBH, JCQMC, SQLXMC, PZWH the features hit.</li><li>JYPD suggested verdict, PDYY "
        "its reason, YXJ review priority, SFXS referral threshold reached, JHWT what was "
        "wrong with the geometry.</li></ul><h3>Suggested verdict (JYPD)</h3><p>An overlap "
        "counts only when the report shows it (at least 0.01 mu); basic farmland and "
        "cultivated land count only outside approvals in force at "
        "HSX.</p><ul><li><b>疑似违法</b> (suspected illegal): basic farmland, cultivated "
        "land or red line taken, or a referral-scale area outside the "
        "approvals.</li><li><b>已批准覆盖</b> (covered by approval): approvals cover the "
        "approval share, the spot touches no red line and the rest takes no basic farmland "
        "or cultivated land.</li><li><b>需实地核查</b> (field check): a mostly approved spot "
        "whose rest is not clean (land taken beyond the approval?); no-mining zones or view "
        "areas alone (what is the land used for?); on construction land, an approval ended "
        "before HSX or granted after it, or basic farmland inside approvals; other "
        "agricultural, unused or unsurveyed land; no land-use layer; no "
        "geometry.</li><li><b>未涉及保护图层</b> (no concern): construction land only, "
        "screened against all four of basic farmland, red line, no-mining zones and view "
        "areas; with one missing the reason names it and a field check is "
        "suggested.</li></ul><p>YXJ: 1 referral scale or red line, 2 basic farmland or "
        "no-mining zone, 3 cultivated land or view area, or the field checks on construction "
        "land above, 4 the rest; empty (not ranked) instead of 4 when the land-use layer or one "
        "of the four protection layers was not given, as nothing then says the spot is of least "
        "concern (the dock lists unranked spots last). SFXS: unapproved basic farmland of 5 mu "
        "or more, or unapproved cultivated land outside it of 10 mu or more, as the report "
        "shows them (2 decimals); with ridges deducted the test takes the gross area (含田坎). "
        "It needs both the land-use and the basic-farmland layers: without one, it is set only "
        "where the figures measured decide it (5 mu of basic farmland; 15 mu of cultivated land "
        "without the farmland layer; a spot too small to reach either threshold) and left empty "
        "otherwise.</p><h3>Bad "
        "input</h3><p>Invalid geometry is repaired and noted in JHWT, and a repaired spot is "
        "written with its repaired outline, the shape its figures were measured on; empty spots, "
        "stray points or lines and spots with coordinates that are not numbers are kept with zero "
        "areas (written without geometry); a geometry collection keeps its polygons; layers "
        "in other CRSs are transformed with their edges kept; geographic spots are measured "
        "in their Gauss-Krüger zone. The run stops, naming the layer, feature or field, when "
        "a layer has no usable CRS, is on Beijing 1954 or Xian 1980, holds lines or points "
        "or is a table without geometry, cannot be read or transformed, lies where its CRS "
        "puts nothing in China, a protection feature has coordinates that are not numbers, "
        "text in any spot field or protection-layer label looks mis-decoded (GBK or UTF-8 "
        "read wrongly), the class field is missing, or an output's folder does not exist. It "
        "warns about lost leading zeros in class codes, layers that reach no spot, result "
        "fields the spots already hold, and renamed or cut Shapefile fields.</p>"
    )

    SPOTS = "SPOTS"
    SPOT_KEY_FIELD = "SPOT_KEY_FIELD"
    LAND_USE = "LAND_USE"
    LAND_USE_CLASS_FIELD = "LAND_USE_CLASS_FIELD"
    AREA_METHOD = "AREA_METHOD"
    DEDUCT_RIDGES = "DEDUCT_RIDGES"
    APPROVAL_SHARE = "APPROVAL_SHARE"
    OUTPUT = "OUTPUT"
    OUTPUT_PIECES = "OUTPUT_PIECES"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SPOTS, tr("Satellite spots (JCTB)"), [SOURCE_POLYGON]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SPOT_KEY_FIELD,
                tr("Spot number field (names spots in messages)"),
                defaultValue=domain.SPOT_NUMBER,
                parentLayerParameterName=self.SPOTS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.LAND_USE, tr("Land-use parcels (DLTB)"), [SOURCE_POLYGON], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.LAND_USE_CLASS_FIELD,
                tr("Land-class code field"),
                defaultValue=domain.LAND_CLASS_CODE,
                parentLayerParameterName=self.LAND_USE,
                optional=True,
            )
        )
        for parameter, title in OVERLAY_TITLES.items():
            self.addParameter(
                QgsProcessingParameterFeatureSource(
                    parameter, tr(title), [SOURCE_POLYGON], optional=True
                )
            )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.AREA_METHOD,
                tr("Area method"),
                options=[tr("Ellipsoidal (CGCS2000, official)"), tr("Planar (Gauss-Krüger)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.DEDUCT_RIDGES, tr("Deduct field ridges from cultivated area (KCXS)"), False
            )
        )
        share = QgsProcessingParameterNumber(
            self.APPROVAL_SHARE,
            tr("Share of a spot approvals must cover to count as approved (%)"),
            QgsProcessingParameterNumber.Type.Double,
            defaultValue=domain.APPROVAL_COVER_SHARE * 100.0,
            minValue=50.0,
            maxValue=100.0,
        )
        # The bureau's rule, not a law's (DOMAIN.md marks no figure): set once, rarely touched.
        share.setFlags(share.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(share)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Screened spots"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_PIECES,
                tr("Pieces inside land-use parcels and protection layers"),
                QgsProcessing.SourceType.TypeVectorPolygon,
                optional=True,
                createByDefault=False,
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        spots, spots_label, spots_whole = self._open(parameters, self.SPOTS, context, feedback)
        if spots is None:
            raise fail(tr("The spot layer cannot be opened."))
        self._check_output_folders(parameters, context)
        key_field = self.parameterAsString(parameters, self.SPOT_KEY_FIELD, context)
        if key_field and spots.fields().indexOf(key_field) < 0:
            feedback.reportError(
                tr(
                    "{layer} has no field {field}: spots are named by feature id (fid) in "
                    "messages and pieces."
                ).format(layer=spots_label, field=key_field),
                fatalError=False,
            )
            key_field = ""  # no such field: spots are named by feature id instead
        measuring_crs = self._measuring_crs(spots, spots_label)

        # Reading takes the first fifth of the progress bar, shared by the layers given; a
        # large source read feature by feature (PostGIS, say) reports and can be cancelled.
        given = [self.LAND_USE, *OVERLAY_PARAMETERS]
        given = [name for name in given if parameters.get(name) not in (None, "")]
        share = _READ_SHARE / (1 + len(given))
        reading = iter(range(1 + len(given)))

        def read_span():
            i = next(reading, len(given))
            return ProgressSpan(feedback, i * share, (i + 1) * share)

        feedback.setProgressText(tr("Reading {layer}").format(layer=spots_label))
        spot_fields = [key_field] if key_field else []
        # The later image's date: approvals are judged as they stood then.
        dated = domain.SPOT_LATER_DATE in spots.fields().names()
        if dated and domain.SPOT_LATER_DATE not in spot_fields:
            spot_fields.append(domain.SPOT_LATER_DATE)
        spot_arrays = read_source(
            spots,
            spots_label,
            spot_fields,
            measuring_crs,
            feedback=read_span(),
            whole_file_layer=spots_whole,
            keep_unusable=True,  # kept and flagged by the engine, like empty geometry
        )
        if feedback.isCanceled():
            return {}
        self._refuse_if_misdecoded(spot_arrays, spots_label)
        fids = spot_arrays.feature_ids.tolist()
        numbers = spot_arrays.attributes[key_field] if key_field else [None] * len(fids)
        # A spot without a number is named by its feature id, in messages and pieces.
        keys = [
            str(number) if number is not None and str(number).strip() else f"fid {fid}"
            for number, fid in zip(numbers, fids)
        ]
        # Protection features matter only near a spot: readers skip the rest where they can.
        spot_boxes = screening.search_boxes(spot_arrays.geoms)
        self._check_coordinates_fit(spot_boxes, keys, spots, spots_label, measuring_crs)

        layers = {}
        land_use, label, whole = self._open(parameters, self.LAND_USE, context, feedback)
        if land_use is not None:
            class_field = (
                self.parameterAsString(parameters, self.LAND_USE_CLASS_FIELD, context)
                or domain.LAND_CLASS_CODE
            )
            fields = [class_field]
            deduct = self.parameterAsBoolean(parameters, self.DEDUCT_RIDGES, context)
            if deduct:
                fields.append(domain.RIDGE_COEFFICIENT)
            feedback.setProgressText(tr("Reading {layer}").format(layer=label))
            arrays = read_source(
                land_use,
                label,
                fields,
                measuring_crs,
                feedback=read_span(),
                whole_file_layer=whole,
                near_boxes=None if has_feature_limit(parameters, self.LAND_USE) else spot_boxes,
            )
            if feedback.isCanceled():
                return {}
            self._warn_if_apart(arrays, label, land_use, spot_boxes, feedback)
            raw_codes = arrays.attributes[class_field]
            # Three-digit codes are read by what the whole field holds (a scan of the layer,
            # ~50 ms on a district): asked only when some were read.
            plain = {domain.plain_code(v) for v in set(raw_codes)}
            if any(len(code) == 3 and code.isdigit() for code in plain):
                whole_field = land_use.uniqueValues(land_use.fields().indexOf(class_field))
            else:
                whole_field = None  # nothing to pad, whatever the field holds elsewhere
            codes = np.array(domain.class_code_texts(raw_codes, whole_field), dtype=object)
            self._warn_if_zeros_lost(raw_codes, codes, label, class_field, feedback)
            ridges = None
            if deduct:  # as stored: the engine reports empty or unreadable values by spot
                ridges = np.array(arrays.attributes[domain.RIDGE_COEFFICIENT], dtype=object)
            layers[domain.LAYER_LAND_USE] = screening.LayerInput(
                geoms=arrays.geoms,
                labels=codes,
                class_codes=codes,
                ridge_coefficients=ridges,
                feature_ids=arrays.feature_ids,
            )
        for parameter, key in OVERLAY_PARAMETERS.items():
            source, label, whole = self._open(parameters, parameter, context, feedback)
            if source is None:
                continue
            names = source.fields().names()
            label_fields = [f for f in OVERLAY_LABEL_FIELDS[key] if f in names]
            extra = [f for f in APPROVAL_FIELDS if f in names] if key == APPROVALS else []
            feedback.setProgressText(tr("Reading {layer}").format(layer=label))
            arrays = read_source(
                source,
                label,
                list(dict.fromkeys(label_fields + extra)),
                measuring_crs,
                feedback=read_span(),
                whole_file_layer=whole,
                near_boxes=None if has_feature_limit(parameters, parameter) else spot_boxes,
            )
            if feedback.isCanceled():
                return {}
            self._refuse_if_misdecoded(arrays, label)
            if self._warn_if_apart(arrays, label, source, spot_boxes, feedback):
                continue  # an empty layer screens nothing: as if not given (fields NULL)
            labels = _feature_labels(
                [arrays.attributes[name] for name in label_fields], arrays.feature_ids
            )
            layers[key] = screening.LayerInput(
                geoms=arrays.geoms, labels=labels, feature_ids=arrays.feature_ids
            )
            if key == APPROVALS:
                self._add_approval_terms(layers[key], arrays, label, feedback)
        if feedback.isCanceled():
            return {}

        feedback.setProgressText(tr("Overlaying spots on {count} layers").format(count=len(layers)))
        method = (
            screening.AreaMethod.ELLIPSOIDAL
            if self.parameterAsEnum(parameters, self.AREA_METHOD, context) == 0
            else screening.AreaMethod.PLANAR
        )
        want_pieces = (
            self.OUTPUT_PIECES in parameters and parameters[self.OUTPUT_PIECES] is not None
        )
        # A Shapefile holds 254 bytes of text, not characters: Chinese takes 2 or 3 each.
        destination = str(self.parameterAsOutputLayer(parameters, self.OUTPUT, context))
        shapefile = destination.lower().endswith(".shp")
        try:
            result = screening.screen_spots(
                spot_arrays.geoms,
                keys,
                layers,
                measuring_crs=measuring_crs.authid(),
                area_method=method,
                deduct_ridges=self.parameterAsBoolean(parameters, self.DEDUCT_RIDGES, context),
                progress=ProgressSpan(feedback, _READ_SHARE, _OVERLAY_END).setProgress,
                is_cancelled=feedback.isCanceled,
                want_pieces=want_pieces,
                text_measure=domain.utf8_bytes if shapefile else len,
                approval_share=self.parameterAsDouble(parameters, self.APPROVAL_SHARE, context)
                / 100.0,
                spot_dates=_dates(
                    spot_arrays.attributes[domain.SPOT_LATER_DATE],
                    spots_label,
                    domain.SPOT_LATER_DATE,
                    spot_arrays.feature_ids,
                    feedback,
                )
                if dated
                else None,
            )
        except screening.ScreeningCancelled:
            return {}
        except ValueError as error:  # input the engine cannot measure: said, never a traceback
            raise fail(tr("{layer}: {error}").format(layer=spots_label, error=error)) from error
        # The engine's notes (repairs, duplicates, unknown codes) are warnings, not failures:
        # shown in red among hundreds of routine repairs, a real error would go unseen.
        for message in result.messages:
            feedback.pushWarning(message)

        feedback.setProgressText(tr("Writing the results"))
        middle = (_OVERLAY_END + 100.0) / 2.0 if want_pieces else 100.0
        parameters = _naming_utf8(parameters, (self.OUTPUT, self.OUTPUT_PIECES), context)
        self._begun = begun = PartialOutputs()  # the writers note what they open
        try:
            outputs = {
                self.OUTPUT: self._write_spots(
                    parameters,
                    context,
                    spots,
                    spots_label,
                    spot_arrays,
                    result,
                    measuring_crs,
                    shapefile,
                    keys,
                    feedback,
                    ProgressSpan(feedback, _OVERLAY_END, middle),
                )
            }
            if want_pieces:
                outputs[self.OUTPUT_PIECES] = self._write_pieces(
                    parameters,
                    context,
                    measuring_crs,
                    result,
                    keys,
                    spot_arrays.feature_ids,
                    feedback,
                    ProgressSpan(feedback, middle, 100.0),
                )
        except _Cancelled as stop:
            _discard(begun, stop, feedback)
            return {}
        except Exception as error:
            _discard(begun, error, feedback)
            raise
        feedback.pushInfo(_summary(result))
        StyleOnLoad.attach(
            context, outputs, {self.OUTPUT: "screened", self.OUTPUT_PIECES: "screened_pieces"}
        )
        return outputs

    # --- helpers -----------------------------------------------------------------------------
    def _check_output_folders(self, parameters, context) -> None:
        """An output file in a folder that does not exist stops the run now, not after the
        whole overlay, when its writer would first be opened."""
        for name in (self.OUTPUT, self.OUTPUT_PIECES):
            if parameters.get(name) is None:
                continue
            destination = str(self.parameterAsOutputLayer(parameters, name, context))
            path = destination.split("|")[0]
            scheme = path.split(":", 1)[0] if ":" in path else ""
            if len(scheme) > 1 and not set("/\\") & set(scheme):
                continue  # memory:, postgres:, ogr: ...; C:/ is a drive, not a scheme
            if not Path(path).is_absolute():
                continue  # a name QGIS places itself
            if not Path(path).parent.is_dir():
                raise fail(
                    tr("The folder for output {output} does not exist: {folder}").format(
                        output=name, folder=Path(path).parent
                    )
                )

    @staticmethod
    def _add_approval_terms(layer: screening.LayerInput, arrays, label, feedback) -> None:
        """Each approval's kind, the date it was granted (PZRQ, else the start of its term
        QSRQ) and the end of its term (JZRQ), where the layer has those fields."""
        got = arrays.attributes
        fids = arrays.feature_ids

        def dates_of(field):
            return _dates(got[field], label, field, fids, feedback) if field in got else None

        granted = dates_of(domain.APPROVAL_DATE)
        started = dates_of(domain.APPROVAL_START)
        if granted is None:
            granted = started
        elif started is not None:
            granted = np.where(granted == None, started, granted)  # noqa: E711 - element-wise
        layer.granted = granted
        layer.ends = dates_of(domain.APPROVAL_END)
        if domain.APPROVAL_KIND in got:
            layer.kinds = np.array(got[domain.APPROVAL_KIND], dtype=object)

    @staticmethod
    def _warn_if_zeros_lost(raw_codes, codes, label, class_field, feedback):
        """Say so when class codes were read with a leading zero put back, and when that also
        turned 201-205 into 0201-0205 rather than the 20x codes."""
        pairs = dict.fromkeys(zip(raw_codes, codes))  # distinct (stored, read) pairs, in order
        padded = [(raw, code) for raw, code in pairs if code != domain.plain_code(raw)]
        if not padded:
            return
        lost = padded[0]
        feedback.reportError(
            tr(
                "{layer}: field {field} holds codes without their leading zero "
                "(stored as numbers?); they are read with four digits ({value} as "
                "{code})."
            ).format(layer=label, field=class_field, value=lost[0], code=lost[1]),
            fatalError=False,
        )
        town = next((code for _, code in padded if code[1:] in domain.TOWN_VILLAGE_CODES), None)
        if town is not None:
            feedback.reportError(
                tr(
                    "{layer}: field {field}: {value} is read as {code}, not as the 20x code "
                    "of towns, villages and mines (construction land); if it is one, write the "
                    "field's other codes with four digits (0101, not 101) so that the two can "
                    "be told apart."
                ).format(layer=label, field=class_field, value=town[1:], code=town),
                fatalError=False,
            )

    @staticmethod
    def _refuse_if_misdecoded(arrays, layer_label) -> None:
        """Garbled text would be written to the output as it was read, for good (a Shapefile
        output names its encoding UTF-8), and importspots would then refuse every spot: the
        run stops instead, saying how to read the layer right."""
        refusal = misdecoded_text(arrays, layer_label)
        if refusal:
            raise fail(refusal)

    def _open(self, parameters, name, context, feedback):
        """(source, label, whole-file layer or None) of a layer parameter, (None, None, None)
        when it is not given (see layer_reader.open_source). A layer that QGIS could not open,
        or whose features are not polygons, stops the run here with its name, rather than
        later as a missing CRS or as areas of nothing."""
        source, whole = open_source(self, parameters, name, context, feedback)
        if source is None:
            return None, None, None
        label, layer = layer_label(self, parameters, name, context)
        if layer is not None and not layer.isValid():
            raise fail(
                tr("Layer {layer} cannot be read from {source}: {error}").format(
                    layer=label, source=layer.source(), error=open_error(layer)
                )
            )
        kind = QgsWkbTypes.geometryType(source.wkbType())
        if kind == QgsWkbTypes.GeometryType.NullGeometry:
            raise fail(
                tr("Layer {layer} is a table without geometry; screening needs polygons.").format(
                    layer=label
                )
            )
        if kind in (QgsWkbTypes.GeometryType.PointGeometry, QgsWkbTypes.GeometryType.LineGeometry):
            points = kind == QgsWkbTypes.GeometryType.PointGeometry
            raise fail(
                tr("Layer {layer} holds {kind} ({type}); screening needs polygons.").format(
                    layer=label,
                    kind=tr("points") if points else tr("lines"),
                    type=QgsWkbTypes.displayString(source.wkbType()),
                )
            )
        return source, label, whole

    def _measuring_crs(self, spots, spots_label) -> QgsCoordinateReferenceSystem:
        crs = spots.sourceCrs()
        if not crs.isValid():
            raise fail(
                tr(
                    "Layer {layer} has no coordinate reference system: set it before screening."
                ).format(layer=spots_label)
            )
        try:
            authid = _epsg_authid(crs)
            if authid is None:
                raise ValueError(
                    tr(
                        "its coordinate reference system ({crs}) has no EPSG code to measure "
                        "areas in; save the layer in CGCS2000 (EPSG:4527, EPSG:4490, …)"
                    ).format(crs=crs.description() or crs.toProj())
                )
            if areas.is_zone_crs(authid):
                epsg = areas.measuring_epsg(authid, None)
            else:
                centre = self._centre_lon_lat(spots, authid)
                # No spot with geometry: every area is 0, in whichever zone.
                epsg = (
                    areas.measuring_epsg(authid, centre)
                    if centre is not None
                    else domain.EPSG_GK3_ZONE39_PREFIXED
                )
        except ValueError as error:
            raise fail(tr("{layer}: {error}").format(layer=spots_label, error=error)) from error
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")

    @staticmethod
    def _centre_lon_lat(spots, authid: str) -> tuple[float, float] | None:
        """Where most spots lie, in CGCS2000 lon/lat, when their CRS leaves the Gauss-Krüger
        zone open: a point of the zone that holds the most spots, so a stray spot far away
        does not move the zone (the extent's centre would); the stray one is then named by
        the zone check. None when no spot has geometry: every area is 0."""
        from qgis.core import QgsFeatureRequest, QgsProcessingFeatureSource

        request = QgsFeatureRequest().setNoAttributes()
        flags = QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
        centres = np.array(
            [
                (box.center().x(), box.center().y())
                for box in (
                    feature.geometry().boundingBox()
                    for feature in spots.getFeatures(request, flags)
                    if not feature.geometry().isNull() and not feature.geometry().isEmpty()
                )
            ]
        ).reshape(-1, 2)
        if len(centres) == 0:
            return None
        lon, lat = areas.to_lon_lat(centres, authid).T
        zones = np.round(lon / 3.0)
        known = np.isfinite(zones) & np.isfinite(lat)
        in_china = known & (zones >= domain.GK3_FIRST_ZONE) & (zones <= domain.GK3_LAST_ZONE)
        candidates = in_china if in_china.any() else known
        if not candidates.any():
            return (float("nan"), float("nan"))
        values, counts = np.unique(zones[candidates], return_counts=True)
        chosen = candidates & (zones == values[np.argmax(counts)])
        return (float(np.median(lon[chosen])), float(np.median(lat[chosen])))

    @staticmethod
    def _check_coordinates_fit(spot_boxes, keys, spots, spots_label, measuring_crs) -> None:
        """Stops when spots lie where their CRS cannot put them. Spots declared in a
        Gauss-Krüger zone must lie in it (more than 3° off, the coordinates do not fit it: a
        zone prefix missing or another zone's); spots in any other CRS must lie in China."""
        centres = (spot_boxes[:, :2] + spot_boxes[:, 2:]) / 2.0
        present = np.flatnonzero(np.all(np.isfinite(centres), axis=1))
        declared = spots.sourceCrs()
        in_zone = areas.is_zone_crs(_epsg_authid(declared) or "")
        misfit = present[
            areas.zone_misfits(
                centres[present], measuring_crs.authid(), max_offset=3.0 if in_zone else None
            )
        ]
        if not len(misfit):
            return
        first = int(misfit[0])
        message = (
            tr(
                "{layer}: {count} spots lie outside {crs}, where they are measured: spot "
                "{spot} is at x={x:.1f}, y={y:.1f}. The coordinates do not fit the layer's "
                "CRS {declared} (a missing or wrong zone prefix?): set the right CRS."
            )
            if in_zone
            else tr(
                "{layer}: {count} spots lie outside China once taken from the layer's CRS "
                "{declared}: spot {spot} is at longitude {x:.4f}°, latitude {y:.4f}°. Check "
                "the CRS and the spot's coordinates."
            )
        )
        x, y = centres[first]
        if not in_zone:  # where the spot is, in degrees, as the layer gave it
            x, y = areas.to_lon_lat(centres[first : first + 1], measuring_crs.authid())[0]
        raise fail(
            message.format(
                layer=spots_label,
                count=len(misfit),
                crs=measuring_crs.authid(),
                spot=keys[first],
                x=x,
                y=y,
                declared=declared.authid() or declared.description(),
            )
        )

    @staticmethod
    def _warn_if_apart(arrays, label, source, spot_boxes, feedback) -> bool:
        """Warns when no feature of a protection layer comes near the spots: its areas will all
        be 0, which is right for a distant zone but also what a wrong CRS gives. True when the
        layer has no feature with a geometry at all."""
        boxes = spot_boxes[np.all(np.isfinite(spot_boxes), axis=1)]
        if len(boxes) == 0:
            return False
        low, high = boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
        feature_boxes = shapely.bounds(arrays.geoms)
        near = np.all(feature_boxes[:, :2] <= high, axis=1) & np.all(
            feature_boxes[:, 2:] >= low, axis=1
        )
        if not near.any():
            count = source.featureCount()
            if count == 0 or source.sourceExtent().isEmpty():
                feedback.reportError(
                    tr(
                        "Layer {layer} has no feature with a geometry ({count} features): it "
                        "screens nothing, and its fields are left empty as for a layer not "
                        "given. Was the right layer given?"
                    ).format(layer=label, count=max(count, 0)),
                    fatalError=False,
                )
                return True
            ScreenSpots._refuse_if_extent_misfits(label, source)
            feedback.reportError(
                tr(
                    "Layer {layer} does not reach any spot: its features lie outside the spots' "
                    "extent, so its areas are all 0. If that is unexpected, check its "
                    "coordinate reference system ({crs})."
                ).format(layer=label, crs=source.sourceCrs().authid()),
                fatalError=False,
            )
        return False

    @staticmethod
    def _refuse_if_extent_misfits(label: str, source) -> None:
        """Stops when a protection layer away from every spot lies where its CRS cannot put
        it (longitude/latitude declared as Gauss-Krüger metres, a zone prefix missing): read
        only near the spots, its features are never checked one by one, and its areas would
        all be 0, a legal figure the warning alone would let pass. A layer merely far away
        (another district, another zone) is still screened, with the warning."""
        extent = source.sourceExtent()
        corners = np.array(
            [[extent.xMinimum(), extent.yMinimum()], [extent.xMaximum(), extent.yMaximum()]]
        )
        crs = source.sourceCrs()
        if not np.all(np.isfinite(corners)) or not crs.isValid():
            return
        if not areas.crs_misfits(corners, pyproj_crs(crs), zone_offset=None).any():
            return
        raise fail(
            tr(
                "Layer {layer} does not fit its CRS {crs}: its features lie between x={x1:.4f}, "
                "y={y1:.4f} and x={x2:.4f}, y={y2:.4f}, where that CRS puts nothing in China "
                "(longitude and latitude under a projected CRS, or a missing zone prefix?). "
                "Screened so, every spot would get 0 from it: set the layer's right CRS."
            ).format(
                layer=label,
                crs=crs.authid() or crs.description(),
                x1=corners[0, 0],
                y1=corners[0, 1],
                x2=corners[1, 0],
                y2=corners[1, 1],
            )
        )

    @staticmethod
    def _result_fields(shapefile: bool = False) -> QgsFields:
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

    @staticmethod
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

    @staticmethod
    def _warn_if_screened_before(fields: QgsFields, result_fields: QgsFields, feedback) -> None:
        """Say where this run's results went when the spots already hold fields of the same
        names (a layer screened before): left unsaid, the old figures would be read as new."""
        first = fields.count() - result_fields.count()
        moved = [
            f"{result_fields[i].name()} → {fields[first + i].name()}"
            for i in range(result_fields.count())
            if fields[first + i].name() != result_fields[i].name()
        ]
        if moved:
            feedback.reportError(
                tr(
                    "The spots already hold result fields (screened before?): they are kept as "
                    "they were, and this run's results are in renamed fields: {names}. Screen "
                    "the original spot layer to get the standard names."
                ).format(names="，".join(moved)),
                fatalError=False,
            )

    @staticmethod
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

    def _write_spots(
        self,
        parameters,
        context,
        spots,
        spots_label,
        spot_arrays,
        result,
        measuring_crs,
        shapefile,
        keys,
        feedback,
        span,
    ):
        result_fields = self._result_fields(shapefile)
        # Input fields stay as they are; a result field whose name an input field already uses
        # (a layer screened before) gets a suffix rather than overwriting the input.
        fields = QgsProcessingUtils.combineFields(spots.fields(), result_fields)
        self._warn_if_screened_before(fields, result_fields, feedback)
        if shapefile:
            fields = self._shapefile_fields(fields, feedback)
        destination = str(self.parameterAsOutputLayer(parameters, self.OUTPUT, context))
        if ".gpkg" in destination.lower():
            fields = self._geopackage_fields(fields, spots, len(spot_arrays.feature_ids), feedback)
        repaired = _repaired_outlines(result, spots.sourceCrs(), measuring_crs)
        geometry_type = spots.wkbType()
        if any(outline.constGet().partCount() > 1 for outline in repaired.values()):
            # A bow-tie repaired is two triangles: a polygon layer's output is made multi
            # rather than hold them against its type (a GeoPackage would not conform).
            geometry_type = QgsWkbTypes.multiType(geometry_type)
        self._begun.about_to_open(destination)
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, geometry_type, spots.sourceCrs()
        )
        if sink is None:
            raise fail(tr("Cannot create the output layer."))
        columns = [
            _python_column(result.fields[name]) for name, _ in domain.screening_output_fields()
        ]
        results = list(zip(*columns))  # one tuple of result values per spot
        position = {fid: row for row, fid in enumerate(spot_arrays.feature_ids)}
        from qgis.core import QgsFeatureRequest, QgsProcessingFeatureSource

        # A Shapefile would cut a longer input text at 254 bytes, inside a character: it is cut
        # here at a character's end instead, and said.
        texts = [i for i, f in enumerate(spots.fields()) if f.type() == FIELD_STRING]
        limit = domain.SHAPEFILE_TEXT_BYTES
        cut: list[tuple[str, str]] = []  # (spot, field) of each text cut
        # Non-ASCII texts of every text field, a sample of each: only the key field was read
        # and checked before, and a GBK file read wrongly garbles all its Chinese fields.
        checked = self.parameterAsString(parameters, self.SPOT_KEY_FIELD, context)  # when read
        samples = {i: ([], []) for i in texts if spots.fields()[i].name() != checked}

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
                    value = attributes[i]
                    if isinstance(value, str) and domain.utf8_bytes(value) > limit:
                        attributes[i] = domain.clip_text(value, limit, domain.utf8_bytes)
                        cut.append((keys[row], spots.fields()[i].name()))
                feature.setFields(fields, False)
                feature.setAttributes(attributes + list(results[row]))
                yield feature

        not_polygons: list[str] = []
        collections: list[str] = []
        unusable: list[str] = []
        add_features(sink, widened(), self.OUTPUT)
        span.setProgress(100.0)
        nothing = np.empty(0, dtype=object)
        for i, (fids, values) in samples.items():
            field = spots.fields()[i].name()
            sample = SourceArrays(nothing, {field: values}, np.array(fids, dtype=np.int64))
            if values:  # the written output is removed again (see processAlgorithm)
                self._refuse_if_misdecoded(sample, spots_label)
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
        if cut:
            feedback.reportError(
                tr(
                    "{count} texts were longer than a Shapefile field holds ({limit} bytes) and "
                    "were cut at a character's end, e.g. field {field} of spot {spot}; a "
                    "GeoPackage output keeps them whole."
                ).format(
                    count=len(cut),
                    limit=domain.SHAPEFILE_TEXT_BYTES,
                    field=cut[0][1],
                    spot=cut[0][0],
                ),
                fatalError=False,
            )
        return dest_id

    def _write_pieces(
        self, parameters, context, measuring_crs, result, keys, spot_fids, feedback, span
    ):
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
        destination = str(self.parameterAsOutputLayer(parameters, self.OUTPUT_PIECES, context))
        self._begun.about_to_open(destination)
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT_PIECES, context, fields, WKB_MULTIPOLYGON, measuring_crs
        )
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
                        str(layer),
                        fitted(str(label)),
                        float(areas.round_area(area)),
                        int(spot_fids[spot]),
                        int(fid) if fid >= 0 else None,
                    ]
                )
                yield feature

        add_features(sink, features(), self.OUTPUT_PIECES)
        span.setProgress(100.0)
        if cut:
            feedback.reportError(
                tr(
                    "{count} spot numbers or feature names were longer than a field of the "
                    "pieces layer holds and were cut, e.g. {text}"
                ).format(count=len(cut), text=min(cut)),
                fatalError=False,
            )
        return dest_id


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Styles an output when QGIS loads it: spots by suggested verdict, pieces by layer."""

    # Processing keeps only a pointer and deletes the C++ side with its context: each Python
    # object is held here until then (an iterated run loads all its outputs at the end).
    _alive: list[StyleOnLoad] = []

    def __init__(self, style: Path, screening_labels: bool = True):
        super().__init__()
        self.style = style
        self.screening_labels = screening_labels  # else the style's own aliases only

    @classmethod
    def create(cls, style: Path, screening_labels: bool = True) -> StyleOnLoad:
        cls._alive = [held for held in cls._alive if not sip.isdeleted(held)]
        processor = cls(style, screening_labels)
        cls._alive.append(processor)
        return processor

    @classmethod
    def attach(
        cls, context, outputs: dict, styles: dict[str, str], screening_labels: bool = True
    ) -> None:
        """Styles each output (name -> style in resources/styles) that QGIS will load."""
        for name, style in styles.items():
            if name in outputs and context.willLoadLayerOnCompletion(outputs[name]):
                details = context.layerToLoadOnCompletionDetails(outputs[name])
                details.setPostProcessor(cls.create(STYLES / f"{style}.qml", screening_labels))

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        message, ok = layer.loadNamedStyle(str(self.style))
        if not ok:
            feedback.reportError(message, fatalError=False)
        if self.screening_labels:
            _label_fields(layer)
        layer.triggerRepaint()


def _label_fields(layer) -> None:
    """Chinese aliases on the result fields (also under their Shapefile names), the layer
    names of the pieces in words, and the reviewer's columns first in the attribute table."""
    from qgis.core import QgsEditorWidgetSetup

    labels = domain.output_field_labels_zh()
    labels.update({domain.shapefile_field_name(name): label for name, label in labels.items()})
    names = layer.fields().names()
    for index, name in enumerate(names):
        if name in labels:
            layer.setFieldAlias(index, labels[name])
    if domain.PIECE_LAYER in names:  # stored as keys (land_use…), shown as words
        words = [{label: key} for key, label in domain.LAYER_LABELS_ZH.items()]
        layer.setEditorWidgetSetup(
            names.index(domain.PIECE_LAYER), QgsEditorWidgetSetup("ValueMap", {"map": words})
        )
    config = layer.attributeTableConfig()
    config.update(layer.fields())
    front = [name for name in domain.REVIEW_COLUMNS if name in names]
    columns = sorted(
        config.columns(),
        key=lambda c: front.index(c.name) if c.name in front else len(front),
    )
    config.setColumns(columns)
    layer.setAttributeTableConfig(config)


def _discard(begun: PartialOutputs, stop: BaseException, feedback) -> None:
    """Removes the outputs a run stopped while writing. Their writers are still held by the
    frames of the stop's traceback: those are cleared first, which closes the files (an open
    file cannot be removed on Windows)."""
    traceback.clear_frames(stop.__traceback__)
    left = begun.discard()
    if left:
        feedback.reportError(
            tr("The run stopped while writing; these outputs are incomplete: {outputs}").format(
                outputs="，".join(left)
            ),
            fatalError=False,
        )


def _naming_utf8(parameters: dict, outputs: tuple[str, ...], context) -> dict:
    """The parameters with each output to a file set to write UTF-8 and say so. QGIS's
    "System" encoding (the Processing dialog's default, and a script's) leaves a Shapefile's
    UTF-8 text unnamed: no .cpg, or one saying "system", and readers that take GBK garble it.
    An encoding the user chose is kept."""
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


def _step(span: ProgressSpan, done: int, total: int) -> None:
    """Every few hundred features written: progress, and a stop when the user cancelled."""
    if done % _CANCEL_EVERY:
        return
    if span.isCanceled():
        raise _Cancelled()
    span.setProgress(100.0 * done / max(total, 1))


def _feature_labels(columns: list[list], feature_ids: np.ndarray) -> np.ndarray:
    """Each feature by its first non-empty label field (code, then name), else its feature id:
    a hit is never listed as an empty string."""
    labels = []
    for row, fid in enumerate(feature_ids.tolist()):
        texts = (str(column[row]).strip() for column in columns if column[row] is not None)
        labels.append(next((text for text in texts if text), f"fid {fid}"))
    return np.array(labels, dtype=object)


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


def _dates(values, layer: str, field: str, fids, feedback) -> np.ndarray:
    """A date field's values as datetime.date (None where empty); text that is no date is
    counted as empty, said once per field with an example."""
    out = np.empty(len(values), dtype=object)
    wrong = []
    parsed: dict = {}  # a batch's spots share a few image dates: each is parsed once
    for row, value in enumerate(values):
        if value not in parsed:  # a date field's values come as dates (layer_reader._plain)
            parsed[value] = dates.parse_date(value, strict=False)
        out[row] = parsed[value]
        if out[row] is None and value is not None and str(value).strip():
            wrong.append(row)
    if wrong:
        feedback.pushWarning(
            tr(
                "{layer}: {count} values of field {field} are not dates (feature {fid}: "
                "{value}); they are taken as unknown."
            ).format(
                layer=layer,
                count=len(wrong),
                field=field,
                fid=fids[wrong[0]],
                value=values[wrong[0]],
            )
        )
    return out


def _summary(result: screening.ScreeningResult) -> str:
    """What a reviewer wants first from the log: how many spots got each verdict."""
    verdicts = list(result.fields[domain.SUGGESTED_VERDICT])
    counts = "，".join(
        f"{verdict} {verdicts.count(verdict)}"
        for verdict in (
            domain.SUGGEST_ILLEGAL,
            domain.SUGGEST_APPROVED,
            domain.SUGGEST_FIELD_CHECK,
            domain.SUGGEST_NO_CONCERN,
        )
    )
    noted = sum(1 for note in result.fields[domain.GEOMETRY_NOTE] if note)
    referral = list(result.fields[domain.CRIMINAL_FLAG])
    summary = tr(
        "Screened {count} spots: {verdicts}; {referral} reach the criminal-referral threshold; "
        "{noted} have geometry notes (JHWT)."
    ).format(
        count=len(verdicts),
        verdicts=counts,
        referral=sum(1 for flag in referral if flag),
        noted=noted,
    )
    untested = referral.count(None)
    if untested:  # "0 reach it" alone would read as checked
        summary += " " + tr(
            "{count} spots could not be tested against the threshold (SFXS left empty): the "
            "test needs both the land-use and the basic-farmland layers."
        ).format(count=untested)
    return summary


def _epsg_authid(crs: QgsCoordinateReferenceSystem) -> str | None:
    """ "EPSG:n" of a CRS, also for one defined without its code (a PROJ string, a user CRS)
    when PROJ recognises it; None when it has none."""
    if crs.authid().upper().startswith("EPSG:"):
        return crs.authid()
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        epsg = CRS.from_wkt(crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT2_2019)).to_epsg(
            min_confidence=70
        )
    except CRSError:
        return None
    return f"EPSG:{epsg}" if epsg else None


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
