"""Processing algorithm zcenforcement:screenspots: overlays spots on every protection layer.

A thin adapter: it reads the QGIS sources into arrays, calls core.screening, and writes sinks.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..compat import SOURCE_POLYGON
from ..core import domain, screening
from ..core import screening_verdicts as verdicts
from ..i18n import chinese_interface, sentences, tr
from .base import (
    SPOT_KEY_PARAMETER,
    EnforcementAlgorithm,
    ProgressSpan,
    add_spot_key_parameter,
    fail,
    output_destination,
    output_wanted,
)
from .layer_reader import known_by_name, layer_name, read_source, read_unfiltered
from .measuring import AREA_METHOD, area_method, area_method_parameter, measuring_crs
from .screen_inputs import (
    check_coordinates_fit,
    check_output_folders,
    domain_fields,
    keyed_by_domain,
    open_polygons,
    read_dates,
    read_land_use,
    read_protection_layer,
    refuse_if_misdecoded,
    warn_if_numbers_numeric,
    warn_if_terms_unjudged,
)
from .screen_outputs import ResultWriter, WritingCancelled, refuse_a_format_losing_spots
from .style_on_load import StyleOnLoad

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

# Per cent of the progress bar for reading the layers; the overlay takes the rest.
_READ_SHARE = 20.0
# Where the overlay's share ends: writing the outputs takes the rest, and can be cancelled.
_OVERLAY_END = 90.0


class ScreenSpots(EnforcementAlgorithm):
    NAME = "screenspots"
    DISPLAY_NAME = "Screen spots"
    GROUP = "Screening"
    GROUP_ID = "screening"
    HELP = (
        "Overlays every satellite spot on the land-use parcels (DLTB) and the protection "
        "layers given, computes official areas (m², {decimals} decimals; ellipsoidal on "
        "CGCS2000 by default) and suggests a verdict with its reason, a review priority "
        "and whether the criminal-referral threshold is reached. Every input field of the "
        "spots is kept.\n"
        "Parameters:\n"
        "• Satellite spots: polygons; spot number field (SPOT_KEY_FIELD, default JCBH) "
        "names spots in messages. A spot field HSX (later image date) lets approvals be "
        "judged as they stood then. Fields are found whatever their case (hsx, pzwh).\n"
        "• Land-use parcels with their land-class code field (default DLBM): the "
        "land-class split. Without it, cultivated land cannot be ruled out.\n"
        "• Basic farmland, red line, no-mining zones, three zones two lines, approvals: "
        "optional; a layer not given (or without any geometry) leaves its fields empty. "
        "Approvals (APPROVALS) may carry PZWH, PZLX (kind), PZRQ/QSRQ (granted, start) and "
        "JZRQ (end).\n"
        "• Area method: ellipsoidal (official) or planar Gauss-Krüger.\n"
        "• Deduct field ridges from cultivated area: cultivated area net of ridges, GDMJ × "
        "(1 − KCXS); needs a KCXS field in the land-use layer.\n"
        "• Approval share (APPROVAL_SHARE, advanced, default {share} %): how much of a "
        "spot approvals must cover.\n"
        "• Pieces (OUTPUT_PIECES, optional output): one feature per part of a spot inside "
        "a parcel or protection feature, with its layer TCMC (in words: {piece_layers}), "
        "label YSBH, area MJ (m²) and the ids TBFID and YSFID.\n"
        "Output fields:\n"
        "• TBMJ spot area, split into GDMJ cultivated (0101/0102/0103), FGNYDMJ other "
        "agricultural, JSYDMJ construction (also the 20x codes 201-205), WLYDMJ unused and "
        "WDCMJ unsurveyed or unclassifiable (under no parcel, or under a class code the "
        "survey does not have), adding up to TBMJ; XZJSYDMJ new construction land = GDMJ + "
        "FGNYDMJ + WLYDMJ.\n"
        "• YJJBNTMJ basic farmland, STHXMJ red line, JCQMJ no-mining zones, SQLXMJ view "
        "areas, PZMJ approvals in force: each the spot's area inside the union of the "
        "layer's features.\n"
        "• Key figures again in mu ({mu_fields}; 1 mu = {sqm_per_hectare}/{mu_per_hectare} "
        "m²); {flag_fields}: whether the spot touches cultivated land and each layer; "
        "STHXBH, JCQMC, SQLXMC, PZWH the features hit.\n"
        "• JYPD suggested verdict, PDYY its reason, YXJ review priority, SFXS referral "
        "threshold reached, JHWT what was wrong with the geometry.\n"
        "• XSJBNTMJ and XSGDMJ (m²): the figures SFXS was judged on, the unapproved basic "
        "farmland and the unapproved cultivated land gross of ridges (含田坎), basic farmland "
        "included; where SFXS is empty they hold what was measured, land of unknown class "
        "not counted; empty for a layer not given.\n"
        "Suggested verdict (JYPD):\n"
        "An overlap, or land of a class, counts only when the report shows it (at least "
        "{least_shown} mu); "
        "basic farmland and cultivated land count only outside approvals in force at HSX.\n"
        "• 疑似违法 (suspected illegal): basic farmland, cultivated land or red line taken, or "
        "a referral-scale area outside the approvals.\n"
        "• 已批准覆盖 (covered by approval): approvals cover the approval share, the spot "
        "touches no red line and no basic farmland, and the rest takes no cultivated land.\n"
        "• 需实地核查 (field check): a mostly approved spot whose rest is not clean (land taken "
        "beyond the approval?); no-mining zones or view areas alone (what is the land used "
        "for?); basic farmland wholly inside approvals, however fully they cover the spot "
        "(may the approval take it?); on construction land, an approval ended before HSX or "
        "granted after it; temporary land (PZLX 临时用地) ended before HSX but "
        "within its year of restoration, which still counts as approved (is it being "
        "restored?); an approval whose end comes before its grant (its term is checked); "
        "other agricultural, unused or unsurveyed land; no land-use layer; no geometry, or "
        "an area under {least_shown} mu (not ranked).\n"
        "• 未涉及保护图层 (no concern): construction land only (and cultivated land wholly "
        "inside approvals in force), screened against all four of basic farmland, red line, "
        "no-mining zones and view areas; with one missing the "
        "reason names it and a field check is suggested.\n"
        "YXJ: 1 referral scale or red line, 2 basic farmland or no-mining zone, 3 "
        "cultivated land or view area, or the field checks on basic farmland inside "
        "approvals, on land of unknown class that could reach the referral scale (SFXS "
        "empty), on construction land or on temporary land above, 4 the rest; empty "
        "(not ranked) instead of 4 when the land-use layer or one of the four protection "
        "layers was not given, or the spot has no geometry, as nothing then says the spot "
        "is of least concern (the dock lists unranked spots last). "
        "SFXS: unapproved basic farmland of {basic_farmland_mu} mu or more, or unapproved "
        "cultivated land outside it of {cultivated_mu} mu or more, as the report shows "
        "them ({decimals} decimals); with ridges deducted the test takes the gross area "
        "(含田坎). It needs both the land-use and the basic-farmland layers: without one, it "
        "is set only where the figures measured decide it ({basic_farmland_mu} mu of basic "
        "farmland; {both_mu} mu of cultivated land without the farmland layer; a spot too "
        "small to reach either threshold) and left empty otherwise. Land of unknown class "
        "(WDCMJ) may be cultivated: SFXS is also left empty (NULL: open, for the site "
        "check to settle) where it and the cultivated land together could reach "
        "{cultivated_mu} mu outside the basic farmland and approvals, and for a spot "
        "without geometry, which was checked against nothing.\n"
        "Bad input:\n"
        "Invalid geometry is repaired and noted in JHWT, and a repaired spot is written "
        "with its repaired outline, the shape its figures were measured on; empty spots, "
        "stray points or lines and spots with coordinates that are not numbers are kept "
        "with zero areas (written without geometry: a FlatGeobuf, MapInfo or GMT output, "
        "which would drop them, is refused, naming them); a geometry collection keeps its "
        "polygons; layers in other CRSs are transformed with their edges kept; geographic "
        "spots are measured in their Gauss-Krüger zone. The run stops, naming the layer, "
        "feature or field, when a layer has no usable CRS, is on Beijing 1954 or Xian "
        "1980, holds lines or points or is a table without geometry, cannot be read or "
        "transformed, lies where its CRS puts nothing in China, a protection feature has "
        "coordinates that are not numbers, text in any spot field or protection-layer "
        "label looks mis-decoded (GBK or UTF-8 read wrongly), the class field is missing, "
        "or an output's folder does not exist. It warns about lost leading zeros in class "
        "codes, layers that reach no spot, approvals that count whatever their term (no "
        "HSX, or none of PZRQ, QSRQ, JZRQ), flags set by slivers none of which shows alone "
        "(naming the layer and features), result fields the spots already hold, and "
        "renamed or cut Shapefile fields."
    )

    SPOTS = "SPOTS"
    SPOT_KEY_FIELD = SPOT_KEY_PARAMETER
    LAND_USE = "LAND_USE"
    LAND_USE_CLASS_FIELD = "LAND_USE_CLASS_FIELD"
    AREA_METHOD = AREA_METHOD
    DEDUCT_RIDGES = "DEDUCT_RIDGES"
    APPROVAL_SHARE = "APPROVAL_SHARE"
    OUTPUT = "OUTPUT"
    OUTPUT_PIECES = "OUTPUT_PIECES"

    def help_figures(self) -> dict[str, str]:
        least = 10.0**-domain.AREA_DECIMALS  # a figure the report shows as 0.00 is none
        separator = "、" if chinese_interface() else ", "
        return {
            "decimals": str(domain.AREA_DECIMALS),
            "share": f"{domain.APPROVAL_COVER_SHARE * 100:g}",
            "sqm_per_hectare": str(domain.SQM_PER_HECTARE),
            "mu_per_hectare": str(domain.MU_PER_HECTARE),
            "least_shown": f"{least:.{domain.AREA_DECIMALS}f}",
            "basic_farmland_mu": f"{domain.CRIMINAL_BASIC_FARMLAND_MU:g}",
            "cultivated_mu": f"{domain.CRIMINAL_CULTIVATED_MU:g}",
            # without the farmland layer: so much cultivated land is over the second threshold
            # outside whatever farmland under the first it may hold
            "both_mu": f"{domain.CRIMINAL_BASIC_FARMLAND_MU + domain.CRIMINAL_CULTIVATED_MU:g}",
            # the field lists from the output schema: a layer added there is named here too
            "mu_fields": separator.join(name + domain.MU_SUFFIX for name in domain.MU_FIELDS),
            # what the pieces' TCMC holds, as written (in Chinese whatever the interface)
            "piece_layers": separator.join(domain.LAYER_LABELS_ZH.values()),
            "flag_fields": separator.join(
                [domain.CULTIVATED_FLAG, *(layer.flag_field for layer in domain.OVERLAY_LAYERS)]
            ),
        }

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SPOTS, tr("Satellite spots (JCTB)"), [SOURCE_POLYGON]
            )
        )
        add_spot_key_parameter(self, self.SPOTS, tr("Spot number field (names spots in messages)"))
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
        self.addParameter(area_method_parameter(self.AREA_METHOD))
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
        spots, spots_label, spots_whole = open_polygons(
            self, parameters, self.SPOTS, context, feedback
        )
        if spots is None:
            raise fail(tr("The spot layer cannot be opened."))
        check_output_folders(self, parameters, context, (self.OUTPUT, self.OUTPUT_PIECES))
        key_field = self.parameterAsString(parameters, self.SPOT_KEY_FIELD, context)
        # The later image's date (HSX): approvals are judged as they stood then.
        found = domain_fields(
            spots,
            spots_label,
            [*([key_field] if key_field else []), domain.SPOT_LATER_DATE],
            feedback,
        )
        if key_field and key_field not in found:
            # A warning: the run goes on and succeeds (an error made qgis_process log
            # "ERROR:", which wrappers take for a failed run).
            feedback.pushWarning(
                tr(
                    "{layer} has no field {field}: spots are named by feature id (fid) in "
                    "messages and pieces."
                ).format(layer=spots_label, field=key_field)
            )
            key_field = ""  # no such field: spots are named by feature id instead
        elif key_field:
            warn_if_numbers_numeric(spots, spots_label, found[key_field], feedback)
        # Spots without any geometry are screened, not refused as an audit's are: every area
        # is 0, in whichever zone.
        measured_in = measuring_crs([(spots, spots_label)])

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
        dated = domain.SPOT_LATER_DATE in found
        spot_arrays = read_source(
            spots,
            spots_label,
            list(dict.fromkeys(found.values())),
            measured_in,
            feedback=read_span(),
            whole_file_layer=spots_whole,
            keep_unusable=True,  # kept and flagged by the engine, like empty geometry
        )
        if feedback.isCanceled():
            return {}
        if len(spot_arrays.feature_ids) == 0:
            # Not a failure (an empty result is written), but never a silent "0 spots
            # screened": a wrong layer, or "selected features only" with none selected.
            feedback.pushWarning(
                tr(
                    "{layer} has no features: there is no spot to screen. Was the right layer "
                    'given, or "Selected features only" ticked with none selected?'
                ).format(layer=spots_label)
            )
        refuse_if_misdecoded(spot_arrays, spots_label)  # naming the fields as the layer does
        checked_field = found.get(key_field, "")
        keyed_by_domain(spot_arrays, found)
        fids = spot_arrays.feature_ids.tolist()
        numbers = spot_arrays.attributes[key_field] if key_field else [None] * len(fids)
        # A spot without a number is named by its feature id, in messages and pieces.
        keys = [
            str(number) if number is not None and str(number).strip() else f"fid {fid}"
            for number, fid in zip(numbers, fids)
        ]
        unnumbered = [key for key, number in zip(keys, numbers) if key != str(number)]
        if key_field and unnumbered:  # said now: importspots refuses them, as duplicates
            feedback.pushWarning(
                tr(
                    "{layer}: {count} spots have no number in {field} ({spots}): they are "
                    "screened, named by feature id, but importspots will refuse them. Give "
                    "them their numbers first."
                ).format(
                    layer=spots_label,
                    count=len(unnumbered),
                    field=checked_field or key_field,
                    spots=domain.first_of(unnumbered, 10, "，"),
                )
            )
        refuse_a_format_losing_spots(
            output_destination(self, parameters, self.OUTPUT, context),
            spot_arrays,
            keys,
            spots_label,
        )
        writer = ResultWriter(
            self, parameters, context, feedback, (self.OUTPUT, self.OUTPUT_PIECES)
        )
        # Texts longer than their fields declare, found now: the write would fail after the
        # whole overlay, and a Shapefile's cuts are said while another output can be chosen.
        text_widths = writer.text_widths(self.OUTPUT, spots, spots_label, spot_arrays, keys)
        # Protection features matter only near a spot: readers skip the rest where they can.
        spot_boxes = screening.search_boxes(spot_arrays.geoms)
        check_coordinates_fit(spot_boxes, keys, spots, spots_label, measured_in)

        layers = {}
        land_use, label, whole = open_polygons(self, parameters, self.LAND_USE, context, feedback)
        if land_use is not None:
            layers[domain.LAYER_LAND_USE] = read_land_use(
                land_use,
                label,
                whole,
                self.parameterAsString(parameters, self.LAND_USE_CLASS_FIELD, context)
                or domain.LAND_CLASS_CODE,
                self.parameterAsBoolean(parameters, self.DEDUCT_RIDGES, context),
                measured_in,
                spot_boxes,
                read_unfiltered(self, parameters, self.LAND_USE, context),
                read_span(),
                feedback,
            )
        labels = {}  # engine layer key -> how messages name the layer
        for parameter, key in OVERLAY_PARAMETERS.items():
            source, label, whole = open_polygons(self, parameters, parameter, context, feedback)
            labels[key] = label
            if source is not None and not feedback.isCanceled():
                layers[key] = read_protection_layer(
                    key,
                    source,
                    label,
                    whole,
                    measured_in,
                    spot_boxes,
                    read_unfiltered(self, parameters, parameter, context),
                    read_span(),
                    feedback,
                )
        if feedback.isCanceled():
            return {}
        # A layer without any geometry screens nothing: as if not given.
        layers = {key: layer for key, layer in layers.items() if layer is not None}
        if domain.LAYER_APPROVALS in layers:
            warn_if_terms_unjudged(
                layers[domain.LAYER_APPROVALS],
                labels[domain.LAYER_APPROVALS],
                dated,
                spots_label,
                feedback,
            )

        feedback.setProgressText(tr("Overlaying spots on {count} layers").format(count=len(layers)))
        method = area_method(self, parameters, context, self.AREA_METHOD)
        want_pieces = output_wanted(self, parameters, self.OUTPUT_PIECES, context)
        # A Shapefile holds 254 bytes of text, not characters: Chinese takes 2 or 3 each.
        shapefile = writer.destination(self.OUTPUT).lower().endswith(".shp")
        try:
            result = screening.screen_spots(
                spot_arrays.geoms,
                keys,
                layers,
                measuring_crs=measured_in.authid(),
                area_method=method,
                deduct_ridges=self.parameterAsBoolean(parameters, self.DEDUCT_RIDGES, context),
                progress=ProgressSpan(feedback, _READ_SHARE, _OVERLAY_END).setProgress,
                is_cancelled=feedback.isCanceled,
                want_pieces=want_pieces,
                text_measure=domain.utf8_bytes if shapefile else len,
                approval_share=self.parameterAsDouble(parameters, self.APPROVAL_SHARE, context)
                / 100.0,
                spot_dates=read_dates(
                    spot_arrays.attributes[domain.SPOT_LATER_DATE],
                    spots_label,
                    domain.SPOT_LATER_DATE,
                    keys,
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
        try:
            outputs = {
                self.OUTPUT: writer.write_spots(
                    self.OUTPUT,
                    spots,
                    spots_label,
                    spot_arrays,
                    result,
                    measured_in,
                    keys,
                    checked_field,
                    text_widths,
                    ProgressSpan(feedback, _OVERLAY_END, middle),
                )
            }
            if want_pieces:
                outputs[self.OUTPUT_PIECES] = writer.write_pieces(
                    self.OUTPUT_PIECES,
                    measured_in,
                    result,
                    keys,
                    spot_arrays.feature_ids,
                    ProgressSpan(feedback, middle, 100.0),
                )
        except WritingCancelled as stop:
            writer.discard(stop)
            return {}
        except Exception as error:
            writer.discard(error)
            raise
        feedback.pushInfo(_summary(result))
        StyleOnLoad.attach(
            context,
            outputs,
            {self.OUTPUT: "screened", self.OUTPUT_PIECES: "screened_pieces"},
            run_title=self._run_title(parameters, context),
        )
        return outputs

    def _run_title(self, parameters, context) -> str:
        """The name of the run's group in the Layers panel: after the spots screened, or the
        algorithm's alone when they are a model step's layer (found by review: "Screening of
        output", "Screening of Fixed geometries")."""
        label, layer = layer_name(self, parameters, self.SPOTS, context)
        if known_by_name(layer, context):
            return tr("Screening of {layer}").format(layer=label)
        return self.displayName()


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
        causes = _referral_open_causes()
        separator = "，" if chinese_interface() else ", "
        summary = sentences(
            summary,
            tr(
                "{count} spots could not be tested against the threshold (SFXS left empty): "
                "{causes}."
            ).format(
                count=untested,
                causes=separator.join(
                    causes[cause].format(count=count)
                    for cause, count in result.referral_open.items()
                ),
            ),
        )
    return summary


def _referral_open_causes() -> dict[str, str]:
    """Each cause the referral test can be left open for (screening_verdicts.REFERRAL_OPEN_*),
    as the summary counts it."""
    return {
        verdicts.REFERRAL_OPEN_NO_LAYERS: tr(
            "{count} because the land-use and basic-farmland layers were not given"
        ),
        verdicts.REFERRAL_OPEN_NO_LAND_USE: tr("{count} because the land-use layer was not given"),
        verdicts.REFERRAL_OPEN_NO_BASIC_FARMLAND: tr(
            "{count} because the basic-farmland layer was not given"
        ),
        verdicts.REFERRAL_OPEN_UNCLASSED: tr(
            "{count} because land of unknown class (WDCMJ) could be cultivated land enough to "
            "reach it"
        ),
        verdicts.REFERRAL_OPEN_NO_GEOMETRY: tr("{count} because the spot has no geometry"),
    }
