"""What the campaign algorithms share: parameters, reading sources, calling core/, writing sinks.

Each campaign reads its sources into arrays, calls the engine and writes per-record tables and
per-violation polygons; violation polygons carry a JCBH so they import into the ledger as a
batch of their own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QVariant

from ..compat import FIELD_DOUBLE, FIELD_INT, FIELD_STRING, WKB_MULTIPOLYGON, WKB_NO_GEOMETRY
from ..core import areas, clock, domain
from ..core import campaigns_schema as cs
from ..i18n import parameter_label, tr
from . import measuring
from .base import (
    EnforcementAlgorithm,
    add_features,
    cancel_only,
    fail,
    open_sink,
    progress_callbacks,
)
from .import_spots import ImportSpots
from .layer_reader import layer_label, misdecoded_text, open_source, read_source
from .screen_inputs import domain_fields
from .shapefile_texts import ShapefileTexts

GROUP = "Campaigns"
GROUP_ID = "campaigns"

# Spot type (TBLX) of the violation polygons of each audit: the campaign they come from.
CAMPAIGN_TEMPORARY = "临时用地专项核查"
CAMPAIGN_FACILITY = "设施农用地专项核查"
CAMPAIGN_MINING = "矿产卫片专项核查"
# What one ledger spot of each audit gathers the violations of, as its help says.
SPOT_SOURCE_TITLES = {
    CAMPAIGN_TEMPORARY: "approval",
    CAMPAIGN_FACILITY: "filing",
    CAMPAIGN_MINING: "activity",
}
# First sequence number of each campaign's JCBH: a block per campaign, so a campaign batch and a
# satellite batch never share numbers (the sequence has 4 digits: 370302 2026 6001).
FIRST_SEQUENCE_CHANGE = 5001  # change spots from a raster: a batch as delivered, but not one
FIRST_SEQUENCE_TEMPORARY = 6001
FIRST_SEQUENCE_FACILITY = 7001
FIRST_SEQUENCE_MINING = 8001
# Each block holds its campaign's numbers up to the next block's first: a run numbered past it
# would take another campaign's numbers (and, once imported, its spots' evidence folders).
_BLOCK_STARTS = (
    FIRST_SEQUENCE_CHANGE,
    FIRST_SEQUENCE_TEMPORARY,
    FIRST_SEQUENCE_FACILITY,
    FIRST_SEQUENCE_MINING,
)

# Output field kinds: every other field is text.
_DOUBLE_FIELDS = {
    domain.APPROVAL_AREA,
    domain.CULTIVATED_AREA,
    domain.BASIC_FARMLAND_AREA,
    domain.SPOT_AREA,
    domain.SPOT_MONITORED_AREA,
    cs.INSIDE_AREA,
    cs.OUTSIDE_AREA,
    cs.USED_AREA,
    cs.AUXILIARY_AREA,
    cs.ACTIVITY_AREA,
    cs.NO_GO_AREA,
    cs.VIOLATION_AREA,
    cs.VIEW_AREA,
    cs.SUMMARY_SPOT_AREA,
    cs.SUMMARY_MINE_AREA,
    cs.SOURCE_DISTANCE,
    cs.DETAIL_AREA,
    cs.VIEW_AREA_MU,
    cs.SUMMARY_SPOT_AREA_MU,
    cs.SUMMARY_MINE_AREA_MU,
    cs.DETAIL_AREA_MU,
}
_INT_FIELDS = {
    cs.VIOLATION_COUNT,
    cs.VIEW_COUNT,
    cs.SUMMARY_SPOT_COUNT,
    cs.SUMMARY_MINE_COUNT,
    domain.REVIEW_PRIORITY,
    cs.APPROVAL_LEVEL,
}


def count_fields(kinds) -> list[str]:
    """The closing fields of an audit's record table: a count per violation kind, total, result."""
    return [cs.COUNT_PREFIX + k.code for k in kinds] + [cs.VIOLATION_COUNT, cs.STATUS]


def violation_fields(owner_field: str) -> list[str]:
    """Fields of a violation polygon: what importspots needs first, then the engine's record."""
    return [
        domain.SPOT_NUMBER,
        domain.SPOT_COUNTY_CODE,
        domain.SPOT_TYPE,
        domain.SPOT_AREA,
        owner_field,
        cs.VIOLATION_CODE,
        cs.VIOLATION_KIND,
        cs.VIOLATION_AREA,
        cs.GROUND_IDS,
        cs.VIOLATION_NOTE,
        domain.SUGGESTED_VERDICT,
        domain.VERDICT_REASON,
        domain.REVIEW_PRIORITY,
    ]


def qgs_fields(names: list[str]) -> QgsFields:
    fields = QgsFields()
    for name in names:
        if name in _DOUBLE_FIELDS:
            fields.append(QgsField(name, FIELD_DOUBLE, "double", 20, domain.AREA_DECIMALS))
        elif name in _INT_FIELDS or name.startswith(cs.COUNT_PREFIX):
            fields.append(QgsField(name, FIELD_INT, "integer"))
        else:
            # No length: the ';'-joined id lists of a summary row run to thousands of characters.
            fields.append(QgsField(name, FIELD_STRING, "string", 0))
    return fields


def plain(value):
    """Numpy scalars as Python ones, NaN as NULL."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def qgs_geometry(geom) -> QgsGeometry:
    """A shapely polygon as a multi-polygon QgsGeometry; a null one for anything else."""
    out = QgsGeometry()
    if geom is None or shapely.is_missing(geom) or shapely.is_empty(geom):
        return out
    if shapely.get_dimensions(geom) != 2:
        return out  # points and lines cannot go into a polygon layer
    out.fromWkb(shapely.to_wkb(geom))
    out.convertToMultiType()
    return out


def texts(values) -> list[str]:
    return ["" if v is None else str(v).strip() for v in values]


def column(arrays, field: str):
    """A field's values, or None when no field is chosen (the engine then leaves it out)."""
    return arrays.attributes[field] if field else None


def refuse_numbers_past_block(start: int, count: int) -> None:
    """Stops a run whose `count` numbers from `start` would reach the next campaign's block."""
    following = [block for block in _BLOCK_STARTS if block > start]
    if not count or not following or start + count - 1 < following[0]:
        return
    raise fail(
        tr(
            "{count} spots numbered from {start} would reach {block}, where another campaign's "
            "numbers begin (change spots from {change}, temporary land from {temporary}, "
            "facility land from {facility}, mining from {mining}): give a first sequence number "
            "with room for them all, below {change} for a large batch."
        ).format(
            count=count,
            start=start,
            block=following[0],
            change=FIRST_SEQUENCE_CHANGE,
            temporary=FIRST_SEQUENCE_TEMPORARY,
            facility=FIRST_SEQUENCE_FACILITY,
            mining=FIRST_SEQUENCE_MINING,
        )
    )


def spot_numbers(county: str, year: int, start: int, count: int) -> list[str]:
    """JCBH in the province's pattern: county code (6) + year (4) + sequence (4)."""
    county = str(county).strip()
    if len(county) != 6 or not county.isdigit():
        raise fail(tr("The county code must be 6 digits, not {code!r}.").format(code=county))
    if not 1000 <= int(year) <= 9999:
        raise fail(tr("The year must have 4 digits, not {year}.").format(year=year))
    digits = cs.JCBH_SEQUENCE_DIGITS
    last = int(start) + count - 1
    if count and (int(start) < 1 or last >= 10**digits):
        raise fail(
            tr(
                "{count} findings numbered from {start} would need sequence numbers above "
                "{limit}: choose a lower first sequence number."
            ).format(count=count, start=start, limit=10**digits - 1)
        )
    refuse_numbers_past_block(int(start), count)
    return [f"{county}{int(year)}{int(start) + i:0{digits}d}" for i in range(count)]


def campaign_spots_help(campaign: str) -> str:
    """What the help of the audit of ``campaign`` says of its violations as ledger spots: the
    same for the three audits, so written and translated once, the audit's HELP holding it as
    {campaign_spots}."""
    return tr(
        "Violations of one {source} on the same land (overlapping polygons) are one spot for "
        "the ledger, listing every kind (WFDM, WFLX joined; WFSM and PDYY each kind with its "
        "note, an excess included): JCBH a number in the province's pattern (county code + "
        "year + 4-digit sequence from the first sequence number, a block per campaign so "
        "numbers never clash with a satellite batch), XZQDM, TBLX the campaign, TBMJ = WFMJ "
        "the area of its polygon, JYPD 疑似违法 with PDYY its reason and YXJ 1. The violations "
        "(OUTPUT_VIOLATIONS) are ready for {import_spots}, which takes the layer as a batch of "
        "its own and keeps every field."
    ).format(source=tr(SPOT_SOURCE_TITLES[campaign]), import_spots=tr(ImportSpots.DISPLAY_NAME))


class CampaignAlgorithm(EnforcementAlgorithm):
    """Base of the campaign algorithms: subclasses declare parameters with the _add_* helpers."""

    GROUP = GROUP
    GROUP_ID = GROUP_ID

    AREA_METHOD = measuring.AREA_METHOD
    COUNTY_CODE = "COUNTY_CODE"
    YEAR = "YEAR"
    START_SEQUENCE = "START_SEQUENCE"
    CHECK_DATE = "CHECK_DATE"
    OUTPUT = "OUTPUT"
    OUTPUT_VIOLATIONS = "OUTPUT_VIOLATIONS"
    CAMPAIGN = ""  # TBLX of an audit's violation polygons
    FIRST_SEQUENCE = 1

    def __init__(self):
        super().__init__()
        self._required_fields: dict[str, str] = {}  # field parameter -> its layer parameter

    def help_figures(self) -> dict[str, str]:
        if self.CAMPAIGN not in SPOT_SOURCE_TITLES:  # no violations made into spots
            return {}
        return {"campaign_spots": campaign_spots_help(self.CAMPAIGN)}

    # --- parameters ----------------------------------------------------------------------------
    def _add_source(self, name, title, types, optional=False) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(name, title, types, optional=optional)
        )

    def _add_sink(self, name, title, kind, optional=False) -> None:
        self.addParameter(QgsProcessingParameterFeatureSink(name, title, kind, optional=optional))

    def _add_number(self, name, title, kind, **options) -> None:
        """A number parameter; options: defaultValue, optional, minValue, maxValue."""
        self.addParameter(QgsProcessingParameterNumber(name, title, kind, **options))

    def _add_text(self, name, title, default=None, optional=False) -> None:
        self.addParameter(
            QgsProcessingParameterString(name, title, defaultValue=default, optional=optional)
        )

    def _add_field(self, name, title, default, parent, optional=False) -> None:
        # Always optional for Processing (QGIS 3.22 refuses a required field whose value comes
        # from its default); required ones are checked in _chosen_field.
        self.addParameter(
            QgsProcessingParameterField(
                name,
                title,
                defaultValue=default,
                parentLayerParameterName=parent,
                optional=True,
            )
        )
        if not optional:
            self._required_fields[name] = parent

    def _add_choice(self, name, title, options) -> None:
        """A drop-down of options, the first chosen by default."""
        self.addParameter(QgsProcessingParameterEnum(name, title, options=options, defaultValue=0))

    def _add_area_method(self) -> None:
        self.addParameter(measuring.area_method_parameter(self.AREA_METHOD))

    def _add_check_date(self) -> None:
        self.addParameter(
            QgsProcessingParameterDateTime(
                self.CHECK_DATE,
                tr("Check date (empty: today)"),
                QgsProcessingParameterDateTime.Date,
                optional=True,
            )
        )

    def _add_numbering(self) -> None:
        self._add_text(
            self.COUNTY_CODE,
            tr("County code of the numbers (XZQDM, 6 digits)"),
            domain.ZICHUAN_COUNTY_CODE,
        )
        integer = QgsProcessingParameterNumber.Type.Integer
        self._add_number(
            self.YEAR,
            tr("Year of the numbers"),
            integer,
            defaultValue=clock.today().year,
            minValue=1000,
            maxValue=9999,
        )
        self._add_number(
            self.START_SEQUENCE,
            tr("First sequence number"),
            integer,
            defaultValue=self.FIRST_SEQUENCE,
            minValue=1,
            maxValue=10**cs.JCBH_SEQUENCE_DIGITS - 1,
        )

    def _add_findings_outputs(self, records_title: str) -> None:
        """An audit's outputs: its record table and its ledger-ready violation polygons."""
        self._add_sink(self.OUTPUT, records_title, QgsProcessing.SourceType.TypeVector)
        self._add_sink(
            self.OUTPUT_VIOLATIONS,
            tr("Violations (ledger-ready spots)"),
            QgsProcessing.SourceType.TypeVectorPolygon,
        )

    # --- parameter values ----------------------------------------------------------------------
    def _area_method(self, parameters, context) -> areas.AreaMethod:
        return measuring.area_method(self, parameters, context, self.AREA_METHOD)

    def _numbering(self, parameters, context) -> tuple[str, int, int]:
        return (
            self.parameterAsString(parameters, self.COUNTY_CODE, context).strip(),
            self.parameterAsInt(parameters, self.YEAR, context),
            self.parameterAsInt(parameters, self.START_SEQUENCE, context),
        )

    @staticmethod
    def _given(parameters, name) -> bool:
        """Whether an optional parameter holds a value. Left empty, it comes as None, '' or a
        NULL QVariant (qgis_process's NAME= and the Processing dialog's empty file box): none
        of them is given, or an empty ledger would be opened, an empty level read as 0."""
        value = parameters.get(name)
        if isinstance(value, QVariant):
            value = None if value.isNull() else value.value()
        return value is not None and not (isinstance(value, str) and not value.strip())

    def _optional_number(self, parameters, name, context) -> float | None:
        if not self._given(parameters, name):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def _words(self, parameters, name, context) -> list[str]:
        return domain.split_list(self.parameterAsString(parameters, name, context) or "")

    def _check_date(self, parameters, context) -> dt.date:
        if not self._given(parameters, self.CHECK_DATE):
            return clock.today()
        value = self.parameterAsDateTime(parameters, self.CHECK_DATE, context)
        if not value.isValid():
            raise fail(
                tr("The check date {value!r} is not a date.").format(
                    value=parameters.get(self.CHECK_DATE)
                )
            )
        day = value.date()
        return dt.date(day.year(), day.month(), day.day())

    def _label(self, parameters, name, context) -> str:
        return layer_label(self, parameters, name, context)[0]

    def _chosen_field(self, parameters, name, context) -> str:
        """The field typed or picked, as given: read it through _field_names."""
        field = (self.parameterAsString(parameters, name, context) or "").strip()
        parent = self._required_fields.get(name)
        if not field and parent and self._given(parameters, parent):
            raise fail(
                tr("{parameter}: choose a field of {layer}.").format(
                    parameter=parameter_label(self.parameterDefinition(name)),
                    layer=self._label(parameters, parent, context),
                )
            )
        return field

    # Optional field parameters whose default name is read only where the layer has it.
    READ_WHERE_PRESENT: tuple[str, ...] = ()

    def _field_names(self, parameters, names, context, feedback, fallback=None) -> dict[str, str]:
        """Field parameter -> the field chosen ('' for an optional one left empty; fallback:
        parameter -> the field read when it is left empty), as its layer spells it.

        A chosen or default name (PZWH) is found in the layer as screening finds the domain's
        fields (screen_inputs.domain_fields: ignoring case and surrounding spaces, said once a
        layer): PostGIS exports write pzwh, and the defaults would else fail one field a run.
        A name the layer lacks is kept, for the reader to name with every other one missing."""
        chosen = {name: self._chosen_field(parameters, name, context) for name in names}
        for name, field in (fallback or {}).items():
            chosen[name] = chosen[name] or field
        parents: dict[str, list[str]] = {}
        for name in names:
            parent = self.parameterDefinition(name).parentLayerParameterName()
            parents.setdefault(parent, []).append(name)
        for parent, fields in parents.items():
            source = self.parameterAsSource(parameters, parent, context)
            if source is None:
                continue
            label = self._label(parameters, parent, context)
            found = domain_fields(source, label, [chosen[f] for f in fields if chosen[f]], feedback)
            for name in fields:
                chosen[name] = found.get(chosen[name], chosen[name])
                default = self.parameterDefinition(name).defaultValue()
                if (
                    name in self.READ_WHERE_PRESENT
                    and chosen[name]
                    and chosen[name] == default
                    and source.fields().indexOf(chosen[name]) < 0
                ):
                    # An optional field left at its default on a layer without it: not read,
                    # and said, rather than the whole run refused for a field not needed.
                    feedback.pushInfo(
                        tr("Layer {layer} has no field {field}: it is not read.").format(
                            layer=label, field=default
                        )
                    )
                    chosen[name] = ""
        return chosen

    # --- reading -------------------------------------------------------------------------------
    def _measuring_crs(self, parameters, names, context, missing) -> QgsCoordinateReferenceSystem:
        """The CRS areas are measured in (measuring.measuring_crs), set by the first of the
        source parameters `names` that is given and holds a geometry. `missing`: the message
        when none is given."""
        given = [
            (source, self._label(parameters, name, context))
            for name in names
            if (source := self.parameterAsSource(parameters, name, context)) is not None
        ]
        if not given:
            raise fail(missing)
        return measuring.measuring_crs(
            given,
            tr("No feature of {layers} has a geometry: there is nothing to audit.").format(
                layers="、".join(label for _source, label in given)
            ),
        )

    def _read(self, parameters, name, context, fields, crs, feedback):
        """(arrays, layer label) of a source parameter, or (None, '') if it is not given."""
        source, whole = open_source(self, parameters, name, context, feedback)
        if source is None:
            return None, ""
        label = self._label(parameters, name, context)
        feedback.setProgressText(tr("Reading {layer}").format(layer=label))
        arrays = read_source(
            source,
            label,
            [f for f in dict.fromkeys(fields) if f],
            crs,
            feedback=cancel_only(feedback),
            whole_file_layer=whole,
        )
        if feedback.isCanceled():
            return arrays, label  # cut short: not empty, not checked; the engine stops
        warning = misdecoded_text(arrays, label)
        if warning:
            # The audits match words (uses, kinds, names): garbled ones would silently find
            # other violations, and write garbled numbers into ledger-ready spots.
            raise fail(warning)
        if not len(arrays.geoms) or shapely.is_missing(arrays.geoms).all():
            feedback.pushWarning(
                tr("{layer} has no feature with a geometry: it adds nothing to the audit.").format(
                    layer=label
                )
            )
        return arrays, label

    def _read_geoms(self, parameters, name, context, crs, feedback):
        """The geometries of an optional source, or None if it is not given."""
        arrays, _label = self._read(parameters, name, context, [], crs, feedback)
        return None if arrays is None else arrays.geoms

    @staticmethod
    def _ids(arrays, field: str) -> list[str]:
        """Feature names for messages: the id field's value, else 'fid N'."""
        if field:
            values = texts(arrays.attributes[field])
            return [v or f"fid {fid}" for v, fid in zip(values, arrays.feature_ids)]
        return [f"fid {fid}" for fid in arrays.feature_ids]

    @classmethod
    def _numbers(cls, arrays, field: str) -> list[str]:
        """A layer's numbers (licence, approval, activity) for the engine: a blank one reaches
        it blank, a row the user must fill in, which the engine stands in by its fid and says
        naming the feature and field (_ids would make it "fid N" without a word); each
        feature's fid when no number field is chosen."""
        return texts(arrays.attributes[field]) if field else cls._ids(arrays, field)

    # --- calling the engine --------------------------------------------------------------------
    @staticmethod
    def _call_engine(
        feedback, engine, *args, progress=None, errors=(ValueError,), error_prefix="", **kwargs
    ):
        """engine(*args, **kwargs) with progress and cancelling bound to the feedback; None if
        the user cancelled. Its `errors` become Processing errors (after error_prefix) and the
        messages of its result warnings."""
        set_progress, is_cancelled = progress_callbacks(feedback)
        try:
            result = engine(
                *args, progress=progress or set_progress, is_cancelled=is_cancelled, **kwargs
            )
        except cs.CampaignCancelled:
            return None
        except errors as error:
            raise fail(f"{error_prefix}{error}") from error
        if feedback.isCanceled():
            return None  # pressed after the engine's last look: nothing is written either
        for message in getattr(result, "messages", ()):
            feedback.pushWarning(message)
        return result

    # --- writing -------------------------------------------------------------------------------
    def _write(
        self,
        parameters,
        name,
        context,
        names,
        records,
        geoms=None,
        crs=None,
        *,
        feedback,
        tails=None,
    ):
        """Records (dicts) into sink `name` with fields `names`: a table without geoms, else
        multi-polygons in crs. Texts a Shapefile cannot hold are cut there (ShapefileTexts),
        a cut list ending with tails[field](total) where given, and said on feedback; each
        row is named by its first field."""
        fields = qgs_fields(names)
        shapefile = ShapefileTexts(self, parameters, name, context)
        tails = tails or {}
        if geoms is None:
            wkb_type, crs = WKB_NO_GEOMETRY, QgsCoordinateReferenceSystem()
        else:
            wkb_type = WKB_MULTIPOLYGON
        sink, dest = open_sink(self, parameters, name, context, fields, wkb_type, crs)
        if sink is None:
            raise fail(tr("Cannot create the output {name}.").format(name=name))

        def features():
            for rec, geom in zip(records, itertools.repeat(None) if geoms is None else geoms):
                feature = QgsFeature(fields)
                if geoms is not None:
                    feature.setGeometry(qgs_geometry(geom))
                row = f"{names[0]} {rec.get(names[0])}"
                feature.setAttributes(
                    [shapefile.fit(plain(rec.get(n)), row, n, tails.get(n)) for n in names]
                )
                yield feature

        add_features(sink, features(), name)
        shapefile.report(feedback)
        return dest

    def _violation_records(self, result, campaign, parameters, context):
        """The engine's spots (one per piece of land of an owner, with all its violation kinds)
        as ledger-ready spots: JCBH, XZQDM, TBLX, TBMJ the area of its polygon, …"""
        county, year, start = self._numbering(parameters, context)
        numbers = spot_numbers(county, year, start, len(result.spots))
        out = []
        for number, spot in zip(numbers, result.spots):
            row = dict(spot)
            row[domain.SPOT_NUMBER] = number
            row[domain.SPOT_COUNTY_CODE] = county
            row[domain.SPOT_TYPE] = campaign
            row[domain.SPOT_AREA] = spot[cs.VIOLATION_AREA]
            row[domain.SUGGESTED_VERDICT] = domain.SUGGEST_ILLEGAL
            row[domain.VERDICT_REASON] = spot[cs.VIOLATION_NOTE]
            row[domain.REVIEW_PRIORITY] = 1
            out.append(row)
        return out

    def _write_findings(
        self, parameters, context, crs, result, record_fields, owner_field, feedback
    ):
        """An audit's outputs: its records as a table and its violations as numbered spots of
        the campaign (the class's CAMPAIGN)."""
        violations = self._violation_records(result, self.CAMPAIGN, parameters, context)
        return {
            self.OUTPUT: self._write(
                parameters, self.OUTPUT, context, record_fields, result.records, feedback=feedback
            ),
            self.OUTPUT_VIOLATIONS: self._write(
                parameters,
                self.OUTPUT_VIOLATIONS,
                context,
                violation_fields(owner_field),
                violations,
                result.spot_geoms,
                crs,
                feedback=feedback,
            ),
        }
