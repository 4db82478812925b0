"""The special campaigns of the work plan as Processing algorithms: thin adapters to core/.

三区两线 view areas, change raster to spots, temporary-land, facility-land and mining audits.
Each reads its sources into arrays, calls the engine and writes per-record tables and
per-violation polygons; violation polygons carry a JCBH so they import into the ledger as a
batch of their own.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingParameterBand,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProviderRegistry,
)
from qgis.PyQt.QtCore import QDate

from ..compat import (
    FIELD_DOUBLE,
    FIELD_INT,
    FIELD_STRING,
    SOURCE_ANY_GEOMETRY,
    SOURCE_LINE,
    SOURCE_POLYGON,
    WKB_MULTIPOLYGON,
    WKB_NO_GEOMETRY,
)
from ..core import areas, audits, change_polygons, domain, three_zones
from ..core import campaigns_schema as cs
from ..i18n import tr
from .base import EnforcementAlgorithm, fail
from .layer_reader import read_source, whole_layer

GROUP = "Campaigns"
GROUP_ID = "campaigns"

# Spot type (TBLX) of the violation polygons of each audit: the campaign they come from.
CAMPAIGN_TEMPORARY = "临时用地专项核查"
CAMPAIGN_FACILITY = "设施农用地专项核查"
CAMPAIGN_MINING = "矿产卫片专项核查"
# First sequence number of each audit's JCBH: a block per campaign, so a campaign batch and a
# satellite batch never share numbers (the sequence has 4 digits: 370302 2026 6001).
FIRST_SEQUENCE_TEMPORARY = 6001
FIRST_SEQUENCE_FACILITY = 7001
FIRST_SEQUENCE_MINING = 8001

AREA_METHODS = (areas.AreaMethod.ELLIPSOIDAL, areas.AreaMethod.PLANAR)
# Titles of the audits' inputs and outputs (translated where they are shown).
AUDIT_TITLES = {
    "temporary_approvals": "Temporary land approvals",
    "temporary_records": "Temporary land approvals audited",
    "facility_approvals": "Facility agricultural land filings",
    "facility_records": "Facility land filings audited",
}

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
    cs.APPROVAL_LEVEL,
}
_INT_FIELDS = {
    cs.VIOLATION_COUNT,
    cs.VIEW_COUNT,
    cs.SUMMARY_SPOT_COUNT,
    cs.SUMMARY_MINE_COUNT,
    domain.REVIEW_PRIORITY,
}

_APPROVAL_HEAD = [
    domain.APPROVAL_NUMBER,
    domain.APPROVED_USE,
    domain.APPROVAL_AREA,
    cs.INSIDE_AREA,
    cs.OUTSIDE_AREA,
    cs.USED_AREA,
    cs.GROUND_IDS,
    cs.GROUND_USES,
]


def _counts(kinds) -> list[str]:
    return [cs.COUNT_PREFIX + k.code for k in kinds] + [cs.VIOLATION_COUNT, cs.STATUS]


TEMPORARY_RECORD_FIELDS = (
    _APPROVAL_HEAD
    + [
        domain.APPROVAL_START,
        domain.APPROVAL_END,
        cs.EXPIRY_STATUS,
        cs.APPROVAL_LEVEL,
        domain.CULTIVATED_AREA,
        domain.BASIC_FARMLAND_AREA,
    ]
    + _counts(cs.TEMPORARY_KINDS)
)
FACILITY_RECORD_FIELDS = (
    _APPROVAL_HEAD + [cs.AUXILIARY_AREA, domain.BASIC_FARMLAND_AREA] + _counts(cs.FACILITY_KINDS)
)
MINING_RECORD_FIELDS = [
    cs.ACTIVITY_ID,
    cs.ACTIVITY_AREA,
    cs.LICENCE_NUMBER,
    cs.OUTSIDE_AREA,
    cs.NO_GO_NAMES,
    cs.NO_GO_AREA,
] + _counts(cs.MINING_KINDS)
PIECE_FIELDS = [cs.VIEW_NAMES, cs.VIEW_KINDS, cs.VIEW_COUNT, cs.VIEW_AREA]
SUMMARY_FIELDS = [
    cs.SOURCE_NAME,
    cs.SOURCE_KIND,
    cs.SOURCE_ROLE,
    cs.SOURCE_DISTANCE,
    cs.SUMMARY_SPOT_COUNT,
    cs.SUMMARY_SPOT_IDS,
    cs.SUMMARY_SPOT_AREA,
    cs.SUMMARY_MINE_COUNT,
    cs.SUMMARY_MINE_IDS,
    cs.SUMMARY_MINE_AREA,
]
CHANGE_FIELDS = [
    domain.SPOT_NUMBER,
    domain.SPOT_COUNTY_CODE,
    domain.SPOT_TYPE,
    domain.SPOT_MONITORED_AREA,
]


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


# --- shared adapter plumbing ------------------------------------------------------------------
def _qgs_fields(names: list[str]) -> QgsFields:
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


def _plain(value):
    """Numpy scalars as Python ones, NaN as NULL."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _qgs_geometry(geom) -> QgsGeometry:
    if geom is None or shapely.is_missing(geom) or shapely.is_empty(geom):
        return QgsGeometry()
    if shapely.get_dimensions(geom) != 2:
        return QgsGeometry()  # points and lines cannot go into a polygon layer
    out = QgsGeometry()
    out.fromWkb(shapely.to_wkb(geom))
    return out


def _texts(values) -> list[str]:
    return ["" if v is None else str(v).strip() for v in values]


def _split_words(text: str) -> list[str]:
    """Words of a list parameter: separated by ';', '；', ',', '，' or new lines."""
    for sep in ("；", ",", "，", "\n"):
        text = text.replace(sep, ";")
    return [w.strip() for w in text.split(";") if w.strip()]


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
    return [f"{county}{int(year)}{int(start) + i:0{digits}d}" for i in range(count)]


class CampaignAlgorithm(EnforcementAlgorithm):
    GROUP = GROUP
    GROUP_ID = GROUP_ID

    AREA_METHOD = "AREA_METHOD"
    COUNTY_CODE = "COUNTY_CODE"
    YEAR = "YEAR"
    START_SEQUENCE = "START_SEQUENCE"
    FIRST_SEQUENCE = 1

    def __init__(self):
        super().__init__()
        self._required_fields: dict[str, str] = {}  # field parameter -> its layer parameter

    # --- parameters shared by several algorithms ---------------------------------------------
    def _add_area_method(self) -> None:
        self.addParameter(
            QgsProcessingParameterEnum(
                self.AREA_METHOD,
                tr("Area method"),
                options=[tr("Ellipsoidal (CGCS2000, official)"), tr("Planar (Gauss-Krüger)")],
                defaultValue=0,
            )
        )

    def _add_numbering(self) -> None:
        self.addParameter(
            QgsProcessingParameterString(
                self.COUNTY_CODE,
                tr("County code of the numbers (XZQDM, 6 digits)"),
                defaultValue=domain.ZICHUAN_COUNTY_CODE,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.YEAR,
                tr("Year of the numbers"),
                QgsProcessingParameterNumber.Integer,
                defaultValue=QDate.currentDate().year(),
                minValue=1000,
                maxValue=9999,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.START_SEQUENCE,
                tr("First sequence number"),
                QgsProcessingParameterNumber.Integer,
                defaultValue=self.FIRST_SEQUENCE,
                minValue=1,
                maxValue=10**cs.JCBH_SEQUENCE_DIGITS - 1,
            )
        )

    def _add_field(self, name, title, default, parent, optional=False) -> None:
        # Always optional for Processing (QGIS 3.22 refuses a required field whose value comes
        # from its default); required ones are checked in _field_name.
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

    def _area_method(self, parameters, context) -> areas.AreaMethod:
        return AREA_METHODS[self.parameterAsEnum(parameters, self.AREA_METHOD, context)]

    def _numbering(self, parameters, context) -> tuple[str, int, int]:
        return (
            self.parameterAsString(parameters, self.COUNTY_CODE, context).strip(),
            self.parameterAsInt(parameters, self.YEAR, context),
            self.parameterAsInt(parameters, self.START_SEQUENCE, context),
        )

    @staticmethod
    def _given(parameters, name) -> bool:
        value = parameters.get(name)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def _optional_number(self, parameters, name, context) -> float | None:
        if not self._given(parameters, name):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def _check_date(self, parameters, name, context) -> dt.date:
        if not self._given(parameters, name):
            return dt.date.today()
        value = self.parameterAsDateTime(parameters, name, context)
        if not value.isValid():
            raise fail(
                tr("The check date {value!r} is not a date.").format(value=parameters.get(name))
            )
        day = value.date()
        return dt.date(day.year(), day.month(), day.day())

    def _label(self, parameters, name, context) -> str:
        """The layer's name; for a file given by path, its layer name inside the file."""
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None:
            return str(parameters.get(name))
        if isinstance(parameters.get(name), str):
            parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
            return parts.get("layerName") or layer.name()
        return layer.name()

    def _field_name(self, parameters, name, context) -> str:
        field = (self.parameterAsString(parameters, name, context) or "").strip()
        parent = self._required_fields.get(name)
        if not field and parent and self._given(parameters, parent):
            raise fail(
                tr("Parameter {parameter}: choose a field of {layer}.").format(
                    parameter=name, layer=self._label(parameters, parent, context)
                )
            )
        return field

    def _measuring_crs(self, source, label, context) -> QgsCoordinateReferenceSystem:
        """The CGCS2000 Gauss-Krüger CRS areas are measured in (the layer's own when it is one)."""
        crs = source.sourceCrs()
        if not crs.isValid():
            raise fail(
                tr("Layer {layer} has no coordinate reference system: set it first.").format(
                    layer=label
                )
            )
        centre = QgsGeometry.fromPointXY(source.sourceExtent().center())
        if not crs.isGeographic():
            centre.transform(
                QgsCoordinateTransform(
                    crs,
                    QgsCoordinateReferenceSystem(f"EPSG:{domain.EPSG_CGCS2000_GEOGRAPHIC}"),
                    context.transformContext(),
                )
            )
        point = centre.asPoint()
        try:
            epsg = areas.measuring_epsg(crs.authid(), (point.x(), point.y()), label)
        except ValueError as error:
            raise fail(f"{label}: {error}") from error
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")

    def _read(self, parameters, name, context, fields, crs, feedback=None):
        """(arrays, layer label, source) of a source parameter, or (None, '', None) if not given."""
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            return None, "", None
        label = self._label(parameters, name, context)
        wanted = [f for f in dict.fromkeys(fields) if f]
        if feedback is not None:
            feedback.setProgressText(tr("Reading {layer}").format(layer=label))
        arrays = read_source(
            source,
            label,
            wanted,
            crs,
            context.transformContext(),
            whole_file_layer=whole_layer(self, parameters, name, context),
        )
        return arrays, label, source

    @staticmethod
    def _ids(arrays, field: str) -> list[str]:
        """Feature names for messages: the id field's value, else 'fid N'."""
        if field:
            values = _texts(arrays.attributes[field])
            return [v or f"fid {fid}" for v, fid in zip(values, arrays.feature_ids)]
        return [f"fid {fid}" for fid in arrays.feature_ids]

    # --- sinks ---------------------------------------------------------------------------------
    def _write_table(self, parameters, name, context, names, records):
        fields = _qgs_fields(names)
        sink, dest = self.parameterAsSink(
            parameters, name, context, fields, WKB_NO_GEOMETRY, QgsCoordinateReferenceSystem()
        )
        if sink is None:
            raise fail(tr("Cannot create the output {name}.").format(name=name))
        for rec in records:
            feature = QgsFeature(fields)
            feature.setAttributes([_plain(rec.get(n)) for n in names])
            if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
                raise fail(self._sink_error(sink, name))
        return dest

    def _write_polygons(self, parameters, name, context, crs, names, records, geoms):
        fields = _qgs_fields(names)
        sink, dest = self.parameterAsSink(parameters, name, context, fields, WKB_MULTIPOLYGON, crs)
        if sink is None:
            raise fail(tr("Cannot create the output {name}.").format(name=name))
        for rec, geom in zip(records, geoms):
            feature = QgsFeature(fields)
            geometry = _qgs_geometry(geom)
            if not geometry.isNull():
                geometry.convertToMultiType()
            feature.setGeometry(geometry)
            feature.setAttributes([_plain(rec.get(n)) for n in names])
            if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
                raise fail(self._sink_error(sink, name))
        return dest

    def _violation_records(self, result, owner_field, campaign, parameters, context):
        """The engine's violation records as ledger-ready spots: JCBH, XZQDM, TBLX, TBMJ, …"""
        county, year, start = self._numbering(parameters, context)
        numbers = spot_numbers(county, year, start, len(result.violations))
        out = []
        for number, rec in zip(numbers, result.violations):
            row = dict(rec)
            row[domain.SPOT_NUMBER] = number
            row[domain.SPOT_COUNTY_CODE] = county
            row[domain.SPOT_TYPE] = campaign
            row[domain.SPOT_AREA] = rec[cs.VIOLATION_AREA]
            row[domain.SUGGESTED_VERDICT] = domain.SUGGEST_ILLEGAL
            row[domain.VERDICT_REASON] = f"{rec[cs.VIOLATION_KIND]}：{rec[cs.VIOLATION_NOTE]}"
            row[domain.REVIEW_PRIORITY] = 1
            out.append(row)
        return out

    @staticmethod
    def _sink_error(sink, name) -> str:
        detail = sink.lastError() if hasattr(sink, "lastError") else ""
        return tr("Cannot write a feature to the output {name}: {error}").format(
            name=name, error=detail
        )

    @staticmethod
    def _report(feedback, messages) -> None:
        for message in messages:
            feedback.pushWarning(message)


# --- 三区两线 -------------------------------------------------------------------------------------
class ThreeZonesTwoLines(CampaignAlgorithm):
    NAME = "threezonestwolines"
    DISPLAY_NAME = "Three zones two lines view areas"
    HELP = (
        "Builds the three-zones-two-lines (三区两线) view areas: each line (railway, highway, "
        "river) and zone (nature reserve, scenic area, town) is buffered by the distance set for "
        "its kind (LX field; the name is in MC). There are no default distances, a provincial "
        "choice: give one in metres for every kind in the data, or the run stops naming the "
        "layer, feature and field. Segments with the same kind and name are one line. The "
        "output is dissolved into disjoint pieces: SQLXMC the names of the lines and zones a "
        "piece is in view of (';'-joined), SQLXLX their kinds in the same order, SQLXSL how "
        "many, SQLXMJ its area in m². Use it as the three-zones layer of Screen spots (it reads "
        "SQLXMC). With spots and mines (points or polygons) the summary table gives, per line or "
        "zone (MC, LX, LB 线/区, JL distance in m): TBSL/TBBH/TBMJ the spots in view, their "
        "numbers and their area inside the view area, KSSL/KSBH/KSMJ the same for mines; the "
        "last row, MC = 合计, counts each once. An optional clip layer (the district) limits "
        "the view areas."
    )

    LINES = "LINES"
    LINE_KIND_FIELD = "LINE_KIND_FIELD"
    LINE_NAME_FIELD = "LINE_NAME_FIELD"
    ZONES = "ZONES"
    ZONE_KIND_FIELD = "ZONE_KIND_FIELD"
    ZONE_NAME_FIELD = "ZONE_NAME_FIELD"
    DISTANCES = "DISTANCES"
    CLIP = "CLIP"
    SPOTS = "SPOTS"
    SPOT_ID_FIELD = "SPOT_ID_FIELD"
    MINES = "MINES"
    MINE_ID_FIELD = "MINE_ID_FIELD"
    OUTPUT = "OUTPUT"
    OUTPUT_SUMMARY = "OUTPUT_SUMMARY"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.LINES, tr("Lines (railways, highways, rivers)"), [SOURCE_LINE], optional=True
            )
        )
        self._add_field(
            self.LINE_KIND_FIELD, tr("Kind field of the lines"), domain.THREE_ZONES_KIND, self.LINES
        )
        self._add_field(
            self.LINE_NAME_FIELD,
            tr("Name field of the lines"),
            domain.THREE_ZONES_SOURCE_NAME,
            self.LINES,
            optional=True,
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ZONES,
                tr("Zones (nature reserves, scenic areas, towns)"),
                [SOURCE_ANY_GEOMETRY],
                optional=True,
            )
        )
        self._add_field(
            self.ZONE_KIND_FIELD, tr("Kind field of the zones"), domain.THREE_ZONES_KIND, self.ZONES
        )
        self._add_field(
            self.ZONE_NAME_FIELD,
            tr("Name field of the zones"),
            domain.THREE_ZONES_SOURCE_NAME,
            self.ZONES,
            optional=True,
        )
        self.addParameter(
            QgsProcessingParameterMatrix(
                self.DISTANCES,
                tr("View distance per kind (m)"),
                headers=[tr("Kind"), tr("Distance (m)")],
                hasFixedNumberRows=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CLIP, tr("Clip to (e.g. the district)"), [SOURCE_POLYGON], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SPOTS, tr("Spots to summarise"), [SOURCE_POLYGON], optional=True
            )
        )
        self._add_field(
            self.SPOT_ID_FIELD, tr("Spot number field"), domain.SPOT_NUMBER, self.SPOTS, True
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.MINES, tr("Mines to summarise"), [SOURCE_ANY_GEOMETRY], optional=True
            )
        )
        self._add_field(
            self.MINE_ID_FIELD, tr("Mine id field"), cs.LICENCE_NUMBER, self.MINES, True
        )
        self._add_area_method()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Three zones two lines view areas"), QgsProcessing.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SUMMARY,
                tr("Spots and mines in view, by line or zone"),
                QgsProcessing.TypeVector,
                optional=True,
            )
        )

    def _distances(self, parameters, context) -> dict[str, float]:
        flat = self.parameterAsMatrix(parameters, self.DISTANCES, context) or []
        out: dict[str, float] = {}
        for row in range(0, len(flat) - 1, 2):
            kind = str(flat[row] or "").strip()
            text = str(flat[row + 1] if flat[row + 1] is not None else "").strip()
            if not kind or not text:
                continue
            try:
                distance = float(text)
            except ValueError:
                distance = math.nan
            if not math.isfinite(distance) or distance <= 0:
                raise fail(
                    tr(
                        "Parameter {parameter}, kind {kind}: the view distance {value!r} is not "
                        "a positive number of metres."
                    ).format(parameter=self.DISTANCES, kind=kind, value=text)
                )
            out[kind] = distance
        return out

    def _sources(self, parameters, context, crs, distances, feedback):
        found = []
        for layer_param, kind_param, name_param in (
            (self.LINES, self.LINE_KIND_FIELD, self.LINE_NAME_FIELD),
            (self.ZONES, self.ZONE_KIND_FIELD, self.ZONE_NAME_FIELD),
        ):
            kind_field = self._field_name(parameters, kind_param, context)
            name_field = self._field_name(parameters, name_param, context)
            arrays, label, _source = self._read(
                parameters, layer_param, context, [kind_field, name_field], crs, feedback
            )
            if arrays is None:
                found.append(None)
                continue
            kinds = _texts(arrays.attributes[kind_field])
            names = _texts(arrays.attributes[name_field]) if name_field else [""] * len(kinds)
            for kind, name, fid in zip(kinds, names, arrays.feature_ids):
                if kind and kind not in distances:
                    raise fail(
                        tr(
                            "Layer {layer}, feature {feature}, field {field}: no view distance "
                            "is given for kind {kind}; add it to the distances (m)."
                        ).format(
                            layer=label,
                            feature=f"fid {fid}" + (f" ({name})" if name else ""),
                            field=kind_field,
                            kind=kind,
                        )
                    )
            found.append(
                three_zones.SourceFeatures(
                    arrays.geoms,
                    kinds,
                    names,
                    ids=[f"fid {fid}" for fid in arrays.feature_ids],
                    layer=label,
                    kind_field=kind_field,
                    name_field=name_field or domain.THREE_ZONES_SOURCE_NAME,
                )
            )
        return found

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        first = next(
            (
                (self.parameterAsSource(parameters, p, context), p)
                for p in (self.LINES, self.ZONES)
                if self.parameterAsSource(parameters, p, context) is not None
            ),
            None,
        )
        if first is None:
            raise fail(tr("Give a layer of lines, of zones, or both."))
        crs = self._measuring_crs(first[0], self._label(parameters, first[1], context), context)
        distances = self._distances(parameters, context)
        lines, zones = self._sources(parameters, context, crs, distances, feedback)
        clip = None
        clip_arrays, _label, _src = self._read(parameters, self.CLIP, context, [], crs, feedback)
        if clip_arrays is not None and len(clip_arrays.geoms):
            present = clip_arrays.geoms[~shapely.is_missing(clip_arrays.geoms)]
            clip = shapely.union_all(shapely.make_valid(present))
        method = self._area_method(parameters, context)
        epsg = int(crs.authid().split(":")[1])
        feedback.setProgressText(tr("Building the view areas"))
        try:
            view = three_zones.view_areas(
                lines,
                zones,
                distances,
                epsg,
                area_method=method,
                clip=clip,
                progress=lambda p: feedback.setProgress(0.7 * p),
                is_cancelled=feedback.isCanceled,
            )
        except cs.CampaignCancelled:
            return {}
        except ValueError as error:
            raise fail(str(error)) from error
        self._report(feedback, view.messages)
        outputs = {
            self.OUTPUT: self._write_polygons(
                parameters, self.OUTPUT, context, crs, PIECE_FIELDS, view.records(), view.geoms
            )
        }
        if self._given(parameters, self.OUTPUT_SUMMARY):
            spot_field = self._field_name(parameters, self.SPOT_ID_FIELD, context)
            mine_field = self._field_name(parameters, self.MINE_ID_FIELD, context)
            spots, _l, _s = self._read(parameters, self.SPOTS, context, [spot_field], crs, feedback)
            mines, _l, _s = self._read(parameters, self.MINES, context, [mine_field], crs, feedback)
            feedback.setProgressText(tr("Counting spots and mines in view"))
            try:
                summary = three_zones.summary(
                    view,
                    spots.geoms if spots is not None else [],
                    mines.geoms if mines is not None else [],
                    spot_ids=self._ids(spots, spot_field) if spots is not None else None,
                    mine_ids=self._ids(mines, mine_field) if mines is not None else None,
                    progress=lambda p: feedback.setProgress(70.0 + 0.3 * p),
                    is_cancelled=feedback.isCanceled,
                )
            except cs.CampaignCancelled:
                return {}
            self._report(feedback, summary.messages)
            outputs[self.OUTPUT_SUMMARY] = self._write_table(
                parameters, self.OUTPUT_SUMMARY, context, SUMMARY_FIELDS, summary.records
            )
        return outputs


# --- change raster -> spots -------------------------------------------------------------------
class PolygonizeChange(CampaignAlgorithm):
    NAME = "polygonizechange"
    DISPLAY_NAME = "Change raster to spots"
    HELP = (
        "Turns a change raster (a 0/1 mask or a class raster, in a projected CRS such as "
        "EPSG:4527) into a batch of spots. Cells whose value is in the change values (default: "
        "any nonzero value; nodata is never change) that touch each other form one spot, "
        "whatever window of the raster they were read in: the raster is read window by window, "
        "so rasters larger than memory work. Spots smaller than the minimum mapping unit are "
        "dropped; with a simplification tolerance the pixel staircase is smoothed where the "
        "boundary moves no more than the tolerance and stays valid. Spots are numbered north to "
        "south, then west to east. Fields: JCBH spot number (county code + year + 4-digit "
        "sequence from the first sequence number, the province's pattern), XZQDM county code, "
        "TBLX spot type, JCMJ area in m² (ellipsoidal by default). The output is a spot batch "
        "like a delivered one: screen it with Screen spots, then import it into the ledger as a "
        "batch of its own."
    )

    RASTER = "RASTER"
    BAND = "BAND"
    CHANGE_VALUES = "CHANGE_VALUES"
    MIN_AREA = "MIN_AREA"
    SIMPLIFY = "SIMPLIFY"
    CONNECTIVITY = "CONNECTIVITY"
    WINDOW_SIZE = "WINDOW_SIZE"
    SPOT_TYPE = "SPOT_TYPE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterRasterLayer(self.RASTER, tr("Change raster")))
        self.addParameter(
            QgsProcessingParameterBand(
                self.BAND, tr("Band"), 1, parentLayerParameterName=self.RASTER, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.CHANGE_VALUES,
                tr("Change values, ';'-separated (empty: any nonzero value)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_AREA,
                tr("Minimum mapping unit (m²)"),
                QgsProcessingParameterNumber.Double,
                defaultValue=400.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SIMPLIFY,
                tr("Simplification tolerance (m, 0 = none)"),
                QgsProcessingParameterNumber.Double,
                defaultValue=1.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.CONNECTIVITY,
                tr("Cells joined across"),
                options=[tr("Edges (4 neighbours)"), tr("Edges and corners (8 neighbours)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.WINDOW_SIZE,
                tr("Reading window (pixels a side)"),
                QgsProcessingParameterNumber.Integer,
                defaultValue=2048,
                minValue=16,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SPOT_TYPE, tr("Spot type (TBLX)"), defaultValue=cs.CHANGE_SPOT_TYPE
            )
        )
        self._add_numbering()
        self._add_area_method()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Change spots"), QgsProcessing.TypeVectorPolygon
            )
        )

    def _change_values(self, parameters, context) -> list[float] | None:
        text = self.parameterAsString(parameters, self.CHANGE_VALUES, context) or ""
        values = []
        for word in _split_words(text):
            try:
                values.append(float(word))
            except ValueError as error:
                raise fail(
                    tr("Parameter {parameter}: {value!r} is not a number.").format(
                        parameter=self.CHANGE_VALUES, value=word
                    )
                ) from error
        return values or None

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        layer = self.parameterAsRasterLayer(parameters, self.RASTER, context)
        if layer is None:
            raise fail(tr("The change raster cannot be opened."))
        crs = layer.crs()
        if not crs.isValid():
            raise fail(
                tr("Raster {layer} has no coordinate reference system: set it first.").format(
                    layer=layer.name()
                )
            )
        if crs.isGeographic():
            raise fail(
                tr(
                    "Raster {layer}: its CRS {crs} is geographic, so cell areas cannot be "
                    "measured; warp it to a projected CRS (e.g. EPSG:4527) first."
                ).format(layer=layer.name(), crs=crs.authid())
            )
        path = QgsProviderRegistry.instance().decodeUri("gdal", layer.source()).get("path")
        path = path or layer.source()
        county, year, start = self._numbering(parameters, context)
        simplify = self.parameterAsDouble(parameters, self.SIMPLIFY, context)
        messages: list[str] = []
        feedback.setProgressText(tr("Reading {layer} window by window").format(layer=layer.name()))
        try:
            geoms, records = change_polygons.polygonize_change(
                path,
                self._change_values(parameters, context),
                min_area_sqm=self.parameterAsDouble(parameters, self.MIN_AREA, context),
                simplify_tolerance_m=simplify if simplify > 0 else None,
                county_code=county,
                year=year,
                start_sequence=start,
                window_size=self.parameterAsInt(parameters, self.WINDOW_SIZE, context),
                spot_type=self.parameterAsString(parameters, self.SPOT_TYPE, context)
                or cs.CHANGE_SPOT_TYPE,
                band=self.parameterAsInt(parameters, self.BAND, context) or 1,
                connectivity=(4, 8)[self.parameterAsEnum(parameters, self.CONNECTIVITY, context)],
                area_method=self._area_method(parameters, context),
                messages=messages,
                progress=feedback.setProgress,
                is_cancelled=feedback.isCanceled,
            )
        except cs.CampaignCancelled:
            return {}
        except (ValueError, OSError) as error:
            raise fail(f"{layer.name()}: {error}") from error
        for message in messages:
            feedback.pushInfo(message)
        feedback.pushInfo(tr("{count} change spots.").format(count=len(records)))
        return {
            self.OUTPUT: self._write_polygons(
                parameters, self.OUTPUT, context, crs, CHANGE_FIELDS, records, geoms
            )
        }


# --- the audits -------------------------------------------------------------------------------
class _AuditAlgorithm(CampaignAlgorithm):
    """Approvals (or filings) against the ground: parameters and reading both audits share."""

    APPROVALS = "APPROVALS"
    NUMBER_FIELD = "NUMBER_FIELD"
    AREA_FIELD = "AREA_FIELD"
    USE_FIELD = "USE_FIELD"
    GROUND = "GROUND"
    GROUND_ID_FIELD = "GROUND_ID_FIELD"
    GROUND_USE_FIELD = "GROUND_USE_FIELD"
    BASIC_FARMLAND = "BASIC_FARMLAND"
    OUTPUT = "OUTPUT"
    OUTPUT_VIOLATIONS = "OUTPUT_VIOLATIONS"
    APPROVALS_TITLE = ""  # key of AUDIT_TITLES

    def _add_approval_inputs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.APPROVALS, tr(AUDIT_TITLES[self.APPROVALS_TITLE]), [SOURCE_POLYGON]
            )
        )
        self._add_field(
            self.NUMBER_FIELD, tr("Approval number field"), domain.APPROVAL_NUMBER, self.APPROVALS
        )
        self._add_field(
            self.AREA_FIELD,
            tr("Approved area field (m²)"),
            domain.APPROVAL_AREA,
            self.APPROVALS,
            optional=True,
        )
        self._add_field(
            self.USE_FIELD,
            tr("Approved use field"),
            domain.APPROVED_USE,
            self.APPROVALS,
            optional=True,
        )

    def _add_ground_inputs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.GROUND, tr("What is on the ground (spots or a field survey)"), [SOURCE_POLYGON]
            )
        )
        self._add_field(
            self.GROUND_ID_FIELD,
            tr("Ground id field"),
            domain.GROUND_FEATURE_ID,
            self.GROUND,
            optional=True,
        )
        self._add_field(
            self.GROUND_USE_FIELD, tr("Ground use field"), domain.GROUND_USE, self.GROUND
        )

    def _add_outputs(self, records_title: str) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr(AUDIT_TITLES[records_title]), QgsProcessing.TypeVector
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_VIOLATIONS,
                tr("Violations (ledger-ready spots)"),
                QgsProcessing.TypeVectorPolygon,
            )
        )

    def _read_approvals_and_ground(self, parameters, context, feedback, extra_fields=()):
        source = self.parameterAsSource(parameters, self.APPROVALS, context)
        if source is None:
            raise fail(tr("The approvals layer cannot be opened."))
        crs = self._measuring_crs(source, self._label(parameters, self.APPROVALS, context), context)
        f = {
            key: self._field_name(parameters, key, context)
            for key in (self.NUMBER_FIELD, self.AREA_FIELD, self.USE_FIELD, *extra_fields)
        }
        arrays, label, _ = self._read(
            parameters, self.APPROVALS, context, list(f.values()), crs, feedback
        )
        numbers = _texts(arrays.attributes[f[self.NUMBER_FIELD]])

        def column(key):
            return arrays.attributes[f[key]] if f[key] else None

        approvals = audits.Approvals(
            arrays.geoms,
            [n or f"fid {fid}" for n, fid in zip(numbers, arrays.feature_ids)],
            areas=column(self.AREA_FIELD),
            uses=column(self.USE_FIELD),
            layer=label,
            number_field=f[self.NUMBER_FIELD],
            area_field=f[self.AREA_FIELD] or domain.APPROVAL_AREA,
            use_field=f[self.USE_FIELD] or domain.APPROVED_USE,
        )
        id_field = self._field_name(parameters, self.GROUND_ID_FIELD, context)
        use_field = self._field_name(parameters, self.GROUND_USE_FIELD, context)
        g_arrays, g_label, _ = self._read(
            parameters, self.GROUND, context, [id_field, use_field], crs, feedback
        )
        if g_arrays is None:
            raise fail(tr("The ground layer cannot be opened."))
        ground = audits.Ground(
            g_arrays.geoms,
            self._ids(g_arrays, id_field),
            _texts(g_arrays.attributes[use_field]),
            layer=g_label,
            use_field=use_field,
        )
        return crs, approvals, arrays, f, ground

    def _basic_farmland(self, parameters, context, crs, feedback):
        arrays, _label, _ = self._read(parameters, self.BASIC_FARMLAND, context, [], crs, feedback)
        return None if arrays is None else arrays.geoms

    def _finish(self, parameters, context, crs, result, record_fields, owner_field, campaign):
        violations = self._violation_records(result, owner_field, campaign, parameters, context)
        return {
            self.OUTPUT: self._write_table(
                parameters, self.OUTPUT, context, record_fields, result.records
            ),
            self.OUTPUT_VIOLATIONS: self._write_polygons(
                parameters,
                self.OUTPUT_VIOLATIONS,
                context,
                crs,
                violation_fields(owner_field),
                violations,
                result.violation_geoms,
            ),
        }


class AuditTemporaryLand(_AuditAlgorithm):
    NAME = "audittemporaryland"
    DISPLAY_NAME = "Audit temporary land"
    APPROVALS_TITLE = "temporary_approvals"
    FIRST_SEQUENCE = FIRST_SEQUENCE_TEMPORARY
    HELP = (
        "Audits temporary-land approvals (临时用地) against what is on the ground (polygons with "
        "a use in words), as on the check date. Needs approval number, approved area (m²), "
        "approved use, start and end dates, and for the level checks an approval level "
        "(a rank: 1 county, 2 city, 3 province) with basic farmland and land-use layers. "
        "Violations (WFDM code, WFLX kind, WFMJ m², SDBH ground ids, WFSM note): CFW ground "
        "outside the approved boundary; CMJ used area above the approved area (WFMJ is the "
        "excess); GBYT ground use differs from the approved use; DQWFK still used after the end "
        "date plus the restoration years; JBNTQX basic farmland under an approval below the "
        "required level; GDQX more cultivated land than the level allows (excess). The "
        "per-approval table gives PZWH, PZYT, PZMJ_PF, FWNMJ used inside, CFWMJ outside, SYMJ "
        "used in all, SDBH/SDYT ground ids and uses, QSRQ/JZRQ, DQZT expiry status, PZJB, GDMJ "
        "cultivated and YJJBNTMJ basic farmland used, SL_<code> counts, WFSL total and JCJG the "
        "result in words. Missing dates or levels are reported naming layer, feature and field."
        " Each violation polygon is a spot for the ledger: JCBH a number in the province's pattern "
        "(county code + year + 4-digit sequence from the first sequence number, a block per "
        "campaign so numbers never clash with a satellite batch), XZQDM, TBLX the campaign, TBMJ "
        "= WFMJ, JYPD 疑似违法 with PDYY its reason and YXJ 1; Import screened spots takes "
        "the layer as a batch of its own and keeps every field."
    )

    START_FIELD = "START_FIELD"
    END_FIELD = "END_FIELD"
    LEVEL_FIELD = "LEVEL_FIELD"
    CHECK_DATE = "CHECK_DATE"
    RESTORATION_YEARS = "RESTORATION_YEARS"
    BASIC_FARMLAND_MIN_LEVEL = "BASIC_FARMLAND_MIN_LEVEL"
    LAND_USE = "LAND_USE"
    LAND_CLASS_FIELD = "LAND_CLASS_FIELD"
    CULTIVATED_MIN_LEVEL = "CULTIVATED_MIN_LEVEL"
    CULTIVATED_MAX_AREA = "CULTIVATED_MAX_AREA"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self._add_approval_inputs()
        self._add_field(
            self.START_FIELD, tr("Start date field"), domain.APPROVAL_START, self.APPROVALS, True
        )
        self._add_field(self.END_FIELD, tr("End date field"), domain.APPROVAL_END, self.APPROVALS)
        self._add_field(
            self.LEVEL_FIELD,
            tr("Approval level field (1 county, 2 city, 3 province)"),
            cs.APPROVAL_LEVEL,
            self.APPROVALS,
            optional=True,
        )
        self._add_ground_inputs()
        self.addParameter(
            QgsProcessingParameterDateTime(
                self.CHECK_DATE,
                tr("Check date (empty: today)"),
                QgsProcessingParameterDateTime.Date,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.RESTORATION_YEARS,
                tr("Years to restore the land after the end date"),
                QgsProcessingParameterNumber.Integer,
                defaultValue=1,
                minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BASIC_FARMLAND,
                tr("Permanent basic farmland (YJJBNT)"),
                [SOURCE_POLYGON],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.BASIC_FARMLAND_MIN_LEVEL,
                tr("Lowest approval level allowed on basic farmland"),
                QgsProcessingParameterNumber.Integer,
                optional=True,
                minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.LAND_USE, tr("Land-use parcels (DLTB)"), [SOURCE_POLYGON], optional=True
            )
        )
        self._add_field(
            self.LAND_CLASS_FIELD,
            tr("Land-class code field"),
            domain.LAND_CLASS_CODE,
            self.LAND_USE,
            optional=True,
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CULTIVATED_MIN_LEVEL,
                tr("Approval level from which cultivated land is not limited"),
                QgsProcessingParameterNumber.Integer,
                optional=True,
                minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CULTIVATED_MAX_AREA,
                tr("Cultivated land allowed below that level (m²)"),
                QgsProcessingParameterNumber.Double,
                optional=True,
                minValue=0.0,
            )
        )
        self._add_area_method()
        self._add_numbering()
        self._add_outputs("temporary_records")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        crs, approvals, arrays, f, ground = self._read_approvals_and_ground(
            parameters, context, feedback, (self.START_FIELD, self.END_FIELD, self.LEVEL_FIELD)
        )
        for key in (self.START_FIELD, self.END_FIELD, self.LEVEL_FIELD):
            values = arrays.attributes[f[key]] if f[key] else None
            if key == self.START_FIELD:
                approvals.start, approvals.start_field = values, f[key] or domain.APPROVAL_START
            elif key == self.END_FIELD:
                approvals.end, approvals.end_field = values, f[key]
            else:
                approvals.levels, approvals.level_field = values, f[key] or cs.APPROVAL_LEVEL
        basic_farmland = self._basic_farmland(parameters, context, crs, feedback)
        cultivated = None
        class_field = self._field_name(parameters, self.LAND_CLASS_FIELD, context)
        land, _label, _ = self._read(
            parameters,
            self.LAND_USE,
            context,
            [class_field or domain.LAND_CLASS_CODE],
            crs,
            feedback,
        )
        if land is not None:
            codes = _texts(land.attributes[class_field or domain.LAND_CLASS_CODE])
            keep = np.array([c in domain.CULTIVATED_CODES for c in codes], dtype=bool)
            cultivated = land.geoms[keep]
        min_cultivated = self._optional_number(parameters, self.CULTIVATED_MIN_LEVEL, context)
        max_cultivated = self._optional_number(parameters, self.CULTIVATED_MAX_AREA, context)
        if (min_cultivated is None) != (max_cultivated is None):
            raise fail(
                tr("Give both the cultivated-land level and the area allowed below it, or neither.")
            )
        bf_level = self._optional_number(parameters, self.BASIC_FARMLAND_MIN_LEVEL, context)
        feedback.setProgressText(tr("Auditing {count} approvals").format(count=len(arrays.geoms)))
        try:
            result = audits.audit_temporary_land(
                approvals,
                ground,
                self._check_date(parameters, self.CHECK_DATE, context),
                self.parameterAsInt(parameters, self.RESTORATION_YEARS, context),
                crs=int(crs.authid().split(":")[1]),
                cultivated=cultivated,
                basic_farmland=basic_farmland,
                basic_farmland_min_level=None if bf_level is None else int(bf_level),
                cultivated_min_level=None if min_cultivated is None else int(min_cultivated),
                cultivated_max_sqm=max_cultivated,
                area_method=self._area_method(parameters, context),
                progress=feedback.setProgress,
                is_cancelled=feedback.isCanceled,
            )
        except cs.CampaignCancelled:
            return {}
        except ValueError as error:
            raise fail(str(error)) from error
        self._report(feedback, result.messages)
        return self._finish(
            parameters,
            context,
            crs,
            result,
            TEMPORARY_RECORD_FIELDS,
            domain.APPROVAL_NUMBER,
            CAMPAIGN_TEMPORARY,
        )


class AuditFacilityLand(_AuditAlgorithm):
    NAME = "auditfacilityland"
    DISPLAY_NAME = "Audit facility agricultural land"
    APPROVALS_TITLE = "facility_approvals"
    FIRST_SEQUENCE = FIRST_SEQUENCE_FACILITY
    HELP = (
        "Audits facility agricultural land filings (设施农用地备案) against what is on the ground "
        "(polygons with a use in words). Needs the filing number and filed area (m²); the "
        "auxiliary-facility limits are parameters (a share of the filed area and an area in "
        "m², the smaller binding; leave one empty to skip it), as are the words for auxiliary "
        "facilities and for non-agricultural uses. Violations (WFDM, WFLX, WFMJ m², SDBH, "
        "WFSM): CFW ground outside the filed boundary; CMJ used area above the filed area "
        "(excess); GBYT a non-agricultural use (housing, farm stays, …) inside a filing; FZCB "
        "auxiliary facilities over the limit (WFMJ the excess, the polygon all of them); ZYJBNT "
        "ground on permanent basic farmland with a use not allowed there. The per-filing table "
        "gives PZWH, PZYT, PZMJ_PF, FWNMJ, CFWMJ, SYMJ, SDBH, SDYT, FZSSMJ auxiliary area, "
        "YJJBNTMJ basic farmland used, SL_<code> counts, WFSL and JCJG."
        " Each violation polygon is a spot for the ledger: JCBH a number in the province's pattern "
        "(county code + year + 4-digit sequence from the first sequence number, a block per "
        "campaign so numbers never clash with a satellite batch), XZQDM, TBLX the campaign, TBMJ "
        "= WFMJ, JYPD 疑似违法 with PDYY its reason and YXJ 1; Import screened spots takes "
        "the layer as a batch of its own and keeps every field."
    )

    AUXILIARY_USES = "AUXILIARY_USES"
    AUXILIARY_MAX_PERCENT = "AUXILIARY_MAX_PERCENT"
    AUXILIARY_MAX_AREA = "AUXILIARY_MAX_AREA"
    NON_AGRICULTURAL_USES = "NON_AGRICULTURAL_USES"
    BASIC_FARMLAND_ALLOWED_USES = "BASIC_FARMLAND_ALLOWED_USES"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self._add_approval_inputs()
        self._add_ground_inputs()
        self.addParameter(
            QgsProcessingParameterString(
                self.AUXILIARY_USES,
                tr("Ground uses that are auxiliary facilities (';'-separated)"),
                defaultValue="附属设施用地;辅助设施用地",
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AUXILIARY_MAX_PERCENT,
                tr("Auxiliary facilities at most (% of the filed area)"),
                QgsProcessingParameterNumber.Double,
                optional=True,
                minValue=0.0,
                maxValue=100.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AUXILIARY_MAX_AREA,
                tr("Auxiliary facilities at most (m²)"),
                QgsProcessingParameterNumber.Double,
                optional=True,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.NON_AGRICULTURAL_USES,
                tr("Ground uses that are not agricultural (';'-separated)"),
                defaultValue=";".join(cs.FACILITY_NON_AGRICULTURAL_USES),
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BASIC_FARMLAND,
                tr("Permanent basic farmland (YJJBNT)"),
                [SOURCE_POLYGON],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.BASIC_FARMLAND_ALLOWED_USES,
                tr("Ground uses allowed on basic farmland (';'-separated)"),
                optional=True,
            )
        )
        self._add_area_method()
        self._add_numbering()
        self._add_outputs("facility_records")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        crs, filings, arrays, _f, ground = self._read_approvals_and_ground(
            parameters, context, feedback
        )
        basic_farmland = self._basic_farmland(parameters, context, crs, feedback)
        percent = self._optional_number(parameters, self.AUXILIARY_MAX_PERCENT, context)
        words = {
            key: _split_words(self.parameterAsString(parameters, key, context) or "")
            for key in (
                self.AUXILIARY_USES,
                self.NON_AGRICULTURAL_USES,
                self.BASIC_FARMLAND_ALLOWED_USES,
            )
        }
        feedback.setProgressText(tr("Auditing {count} filings").format(count=len(arrays.geoms)))
        try:
            result = audits.audit_facility_land(
                filings,
                ground,
                crs=int(crs.authid().split(":")[1]),
                auxiliary_uses=words[self.AUXILIARY_USES],
                auxiliary_max_share=None if percent is None else percent / 100.0,
                auxiliary_max_sqm=self._optional_number(
                    parameters, self.AUXILIARY_MAX_AREA, context
                ),
                non_agricultural_uses=words[self.NON_AGRICULTURAL_USES],
                basic_farmland=basic_farmland,
                basic_farmland_allowed_uses=words[self.BASIC_FARMLAND_ALLOWED_USES],
                area_method=self._area_method(parameters, context),
                progress=feedback.setProgress,
                is_cancelled=feedback.isCanceled,
            )
        except cs.CampaignCancelled:
            return {}
        except ValueError as error:
            raise fail(str(error)) from error
        self._report(feedback, result.messages)
        return self._finish(
            parameters,
            context,
            crs,
            result,
            FACILITY_RECORD_FIELDS,
            domain.APPROVAL_NUMBER,
            CAMPAIGN_FACILITY,
        )


# No-go layers of the mining audit: parameter -> (overlay layer key, label fields tried in order).
MINING_NO_GO = {
    "NO_MINING": (domain.LAYER_NO_MINING, (domain.NO_MINING_NAME,)),
    "RED_LINE": (domain.LAYER_RED_LINE, (domain.RED_LINE_CODE, domain.RED_LINE_NAME)),
    "THREE_ZONES": (domain.LAYER_THREE_ZONES, (domain.THREE_ZONES_NAME,)),
}
MINING_NO_GO_TITLES = {
    "NO_MINING": "No-mining zones",
    "RED_LINE": "Ecological red line (STHX)",
    "THREE_ZONES": "Three-zones-two-lines view areas",
}


class AuditMining(CampaignAlgorithm):
    NAME = "auditmining"
    DISPLAY_NAME = "Audit mining"
    FIRST_SEQUENCE = FIRST_SEQUENCE_MINING
    HELP = (
        "Audits mining activity (spots of the mining types, or any points or polygons of "
        "mining) against the mining licences (采矿权: licence number, valid from and to) on "
        "the check date, and against no-go areas (no-mining zones, ecological red line, "
        "three-zones-two-lines view areas). Violations (WFDM, WFLX, WFMJ m², WFSM): WZKC mining "
        "without any licence; YJKC the part outside every licence it overlaps; CQKC the part "
        "under licences not valid on the check date and under no valid one; JQKC the part inside "
        "a no-go layer, named in the note. A licence with a missing date is taken as valid on "
        "that side and reported naming layer, feature and field. The per-activity table gives "
        "KCBH activity id, KCMJ area, XKZH licences overlapped, CFWMJ area outside them, JQMC/"
        "JQMJ no-go areas hit and their area, SL_<code> counts, WFSL and JCJG. Point activities "
        "give violations without geometry."
        " Each violation polygon is a spot for the ledger: JCBH a number in the province's pattern "
        "(county code + year + 4-digit sequence from the first sequence number, a block per "
        "campaign so numbers never clash with a satellite batch), XZQDM, TBLX the campaign, TBMJ "
        "= WFMJ, JYPD 疑似违法 with PDYY its reason and YXJ 1; Import screened spots takes "
        "the layer as a batch of its own and keeps every field."
    )

    ACTIVITY = "ACTIVITY"
    ACTIVITY_ID_FIELD = "ACTIVITY_ID_FIELD"
    ACTIVITY_TYPE_FIELD = "ACTIVITY_TYPE_FIELD"
    MINING_TYPES = "MINING_TYPES"
    LICENCES = "LICENCES"
    LICENCE_NUMBER_FIELD = "LICENCE_NUMBER_FIELD"
    VALID_FROM_FIELD = "VALID_FROM_FIELD"
    VALID_TO_FIELD = "VALID_TO_FIELD"
    CHECK_DATE = "CHECK_DATE"
    OUTPUT = "OUTPUT"
    OUTPUT_VIOLATIONS = "OUTPUT_VIOLATIONS"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ACTIVITY, tr("Mining activity (spots, points)"), [SOURCE_ANY_GEOMETRY]
            )
        )
        self._add_field(
            self.ACTIVITY_ID_FIELD, tr("Activity id field"), domain.SPOT_NUMBER, self.ACTIVITY, True
        )
        self._add_field(
            self.ACTIVITY_TYPE_FIELD,
            tr("Activity type field"),
            domain.SPOT_TYPE,
            self.ACTIVITY,
            optional=True,
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.MINING_TYPES,
                tr("Types that are mining (';'-separated; empty: every feature)"),
                defaultValue="采矿用地",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.LICENCES, tr("Mining licences"), [SOURCE_POLYGON]
            )
        )
        self._add_field(
            self.LICENCE_NUMBER_FIELD, tr("Licence number field"), cs.LICENCE_NUMBER, self.LICENCES
        )
        self._add_field(
            self.VALID_FROM_FIELD,
            tr("Valid-from field"),
            cs.LICENCE_VALID_FROM,
            self.LICENCES,
            optional=True,
        )
        self._add_field(
            self.VALID_TO_FIELD, tr("Valid-to field"), cs.LICENCE_VALID_TO, self.LICENCES
        )
        self.addParameter(
            QgsProcessingParameterDateTime(
                self.CHECK_DATE,
                tr("Check date (empty: today)"),
                QgsProcessingParameterDateTime.Date,
                optional=True,
            )
        )
        for parameter, title in MINING_NO_GO_TITLES.items():
            self.addParameter(
                QgsProcessingParameterFeatureSource(
                    parameter, tr(title), [SOURCE_POLYGON], optional=True
                )
            )
        self._add_area_method()
        self._add_numbering()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Mining activity audited"), QgsProcessing.TypeVector
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_VIOLATIONS,
                tr("Violations (ledger-ready spots)"),
                QgsProcessing.TypeVectorPolygon,
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        source = self.parameterAsSource(parameters, self.LICENCES, context)
        if source is None:
            raise fail(tr("The licence layer cannot be opened."))
        crs = self._measuring_crs(source, self._label(parameters, self.LICENCES, context), context)
        id_field = self._field_name(parameters, self.ACTIVITY_ID_FIELD, context)
        type_field = self._field_name(parameters, self.ACTIVITY_TYPE_FIELD, context)
        act, act_label, _ = self._read(
            parameters, self.ACTIVITY, context, [id_field, type_field], crs, feedback
        )
        if act is None:
            raise fail(tr("The activity layer cannot be opened."))
        types = _split_words(self.parameterAsString(parameters, self.MINING_TYPES, context) or "")
        if types and not type_field:
            raise fail(tr("Mining types are given but no activity type field."))
        activity = audits.Ground(
            act.geoms,
            self._ids(act, id_field),
            _texts(act.attributes[type_field]) if type_field else None,
            layer=act_label,
            use_field=type_field or domain.SPOT_TYPE,
        )
        f = {
            key: self._field_name(parameters, key, context)
            for key in (self.LICENCE_NUMBER_FIELD, self.VALID_FROM_FIELD, self.VALID_TO_FIELD)
        }
        lic, lic_label, _ = self._read(
            parameters, self.LICENCES, context, list(f.values()), crs, feedback
        )
        numbers = _texts(lic.attributes[f[self.LICENCE_NUMBER_FIELD]])
        licences = audits.Licences(
            lic.geoms,
            [n or f"fid {fid}" for n, fid in zip(numbers, lic.feature_ids)],
            valid_from=lic.attributes[f[self.VALID_FROM_FIELD]]
            if f[self.VALID_FROM_FIELD]
            else None,
            valid_to=lic.attributes[f[self.VALID_TO_FIELD]],
            layer=lic_label,
            number_field=f[self.LICENCE_NUMBER_FIELD],
            from_field=f[self.VALID_FROM_FIELD] or cs.LICENCE_VALID_FROM,
            to_field=f[self.VALID_TO_FIELD],
        )
        no_go = {}
        labels_zh = {layer.key: layer.label_zh for layer in domain.OVERLAY_LAYERS}
        for parameter, (key, label_fields) in MINING_NO_GO.items():
            source = self.parameterAsSource(parameters, parameter, context)
            if source is None:
                continue
            names = source.fields().names()
            label_field = next((n for n in label_fields if n in names), "")
            arrays, _l, _s = self._read(
                parameters, parameter, context, [label_field], crs, feedback
            )
            no_go[labels_zh[key]] = (arrays.geoms, self._ids(arrays, label_field))
        feedback.setProgressText(tr("Auditing {count} activities").format(count=len(act.geoms)))
        try:
            result = audits.audit_mining(
                activity,
                licences,
                self._check_date(parameters, self.CHECK_DATE, context),
                no_go,
                crs=int(crs.authid().split(":")[1]),
                mining_kinds=types or None,
                area_method=self._area_method(parameters, context),
                progress=feedback.setProgress,
                is_cancelled=feedback.isCanceled,
            )
        except cs.CampaignCancelled:
            return {}
        except ValueError as error:
            raise fail(str(error)) from error
        self._report(feedback, result.messages)
        violations = self._violation_records(
            result, cs.ACTIVITY_ID, CAMPAIGN_MINING, parameters, context
        )
        return {
            self.OUTPUT: self._write_table(
                parameters, self.OUTPUT, context, MINING_RECORD_FIELDS, result.records
            ),
            self.OUTPUT_VIOLATIONS: self._write_polygons(
                parameters,
                self.OUTPUT_VIOLATIONS,
                context,
                crs,
                violation_fields(cs.ACTIVITY_ID),
                violations,
                result.violation_geoms,
            ),
        }


CAMPAIGN_ALGORITHMS = (
    ThreeZonesTwoLines,
    PolygonizeChange,
    AuditTemporaryLand,
    AuditFacilityLand,
    AuditMining,
)
