"""Processing algorithm zcenforcement:polygonizechange: a change raster into a batch of spots.

A thin adapter: it checks the raster's CRS, calls core.change_polygons (which reads the file
window by window) and writes the spots.
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBand,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProviderRegistry,
)

from ..core import campaigns_schema as cs
from ..core import change_polygons, domain
from ..i18n import parameter_label, tr
from .base import fail
from .campaign_base import FIRST_SEQUENCE_CHANGE, CampaignAlgorithm, refuse_numbers_past_block

CHANGE_FIELDS = [
    domain.SPOT_NUMBER,
    domain.SPOT_COUNTY_CODE,
    domain.SPOT_TYPE,
    domain.SPOT_MONITORED_AREA,
]
CONNECTIVITY_OPTIONS = (4, 8)  # neighbours, in the order of the CONNECTIVITY enum
# Parts of a gdal layer's source that are QGIS's, not GDAL's name of the raster.
_NOT_GDAL_NAME = ("openOptions", "credentialOptions")


def gdal_source(layer) -> tuple[str, dict[str, str]]:
    """(the name GDAL opens the layer's raster by, its GDAL open options), as QGIS opens it:
    a table of a GeoPackage (GPKG:file:table) or a file inside an archive
    (/vsizip/file.zip/m01.tif) keeps its table or member, which the file's path alone loses;
    the options (`|option:TABLE=change_b`, `|option:GEOREF_SOURCES=WORLDFILE`) choose what is
    read, so they go to rasterio apart from the name. A layer of another provider gives its
    source as it is."""
    if layer.providerType() != "gdal":
        return layer.source(), {}
    registry = QgsProviderRegistry.instance()
    parts = registry.decodeUri("gdal", layer.source())
    if not parts.get("path"):
        return layer.source(), {}
    name = {key: value for key, value in parts.items() if key not in _NOT_GDAL_NAME}
    return registry.encodeUri("gdal", name) or layer.source(), _open_options(layer, parts)


def _open_options(layer, parts: dict) -> dict[str, str]:
    """The layer's GDAL open options by name, refusing one that is not KEY=VALUE (GDAL could
    not say whether it honours it)."""
    options: dict[str, str] = {}
    for option in parts.get("openOptions") or []:
        key, equals, value = str(option).partition("=")
        if not equals or not key.strip():
            raise fail(
                tr(
                    "Raster {layer}: the GDAL open option {option} in its source is not "
                    "KEY=VALUE; correct the layer's source."
                ).format(layer=layer.name(), option=option)
            )
        # GDAL takes the first of a key given twice; so does QGIS's view of the layer.
        options.setdefault(key.strip().upper(), value)
    return options


class PolygonizeChange(CampaignAlgorithm):
    NAME = "polygonizechange"
    DISPLAY_NAME = "Change raster to spots"
    HELP = (
        "Turns a change raster (a 0/1 mask or a class raster, in a projected CRS such "
        "as EPSG:4527) into a batch of spots. Cells whose value is in the change "
        "values (default: any nonzero value; nodata and NaN are never change) that "
        "touch each other form one spot, whatever window of the raster they were read "
        "in: the raster is read window by window, so rasters larger than memory work. "
        "Spots smaller than the minimum mapping unit are dropped; with a "
        "simplification tolerance the pixel staircase is smoothed where the boundary "
        "moves no more than the tolerance and stays valid. Spots are numbered north to "
        "south, then west to east. Fields: JCBH spot number (county code + year + "
        "4-digit sequence from the first sequence number, the province's pattern; 5001 "
        "by default, a block of its own, so change spots never share a number, nor an "
        "evidence folder, with a satellite batch numbered from 0001), XZQDM county "
        "code, TBLX spot type, JCMJ area in m² (ellipsoidal by default; planar areas "
        "need a CGCS2000 Gauss-Krüger raster, and a raster on Beijing 1954 or Xian "
        "1980 is refused: convert it with the bureau's parameters first; so is a "
        "raster whose cells lie where its CRS puts nothing in China, a wrong or missing "
        "zone prefix, naming the file and the CRS). The output "
        "is a spot batch like a delivered one: screen it with Screen spots, then "
        "import it into the ledger as a batch of its own. Cells joined across: edges "
        "(4 neighbours) or edges and corners (8; cells meeting only at a corner are "
        "parts of one valid multipolygon). The reading window (pixels a side) "
        "bounds the memory a window takes. A raster that would give more spots than "
        "the numbers left in the block is refused, naming the count: give a first "
        "sequence number with room for them all."
    )

    RASTER = "RASTER"
    BAND = "BAND"
    CHANGE_VALUES = "CHANGE_VALUES"
    MIN_AREA = "MIN_AREA"
    SIMPLIFY = "SIMPLIFY"
    CONNECTIVITY = "CONNECTIVITY"
    WINDOW_SIZE = "WINDOW_SIZE"
    SPOT_TYPE = "SPOT_TYPE"
    FIRST_SEQUENCE = FIRST_SEQUENCE_CHANGE

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterRasterLayer(self.RASTER, tr("Change raster")))
        self.addParameter(
            QgsProcessingParameterBand(
                self.BAND, tr("Band"), 1, parentLayerParameterName=self.RASTER, optional=True
            )
        )
        self._add_text(
            self.CHANGE_VALUES,
            tr("Change values, ';'-separated (empty: any nonzero value)"),
            optional=True,
        )
        double = QgsProcessingParameterNumber.Type.Double
        self._add_number(
            self.MIN_AREA, tr("Minimum mapping unit (m²)"), double, defaultValue=400.0, minValue=0.0
        )
        self._add_number(
            self.SIMPLIFY,
            tr("Simplification tolerance (m, 0 = none)"),
            double,
            defaultValue=1.0,
            minValue=0.0,
        )
        self._add_choice(
            self.CONNECTIVITY,
            tr("Cells joined across"),
            [tr("Edges (4 neighbours)"), tr("Edges and corners (8 neighbours)")],
        )
        self._add_number(
            self.WINDOW_SIZE,
            tr("Reading window (pixels a side)"),
            QgsProcessingParameterNumber.Type.Integer,
            defaultValue=2048,
            minValue=16,
        )
        self._add_text(self.SPOT_TYPE, tr("Spot type (TBLX)"), cs.CHANGE_SPOT_TYPE)
        self._add_numbering()
        self._add_area_method()
        self._add_sink(self.OUTPUT, tr("Change spots"), QgsProcessing.SourceType.TypeVectorPolygon)

    def _change_values(self, parameters, context) -> list[float] | None:
        values = []
        for word in self._words(parameters, self.CHANGE_VALUES, context):
            try:
                values.append(float(word))
            except ValueError as error:
                raise fail(
                    tr("{parameter}: “{value}” is not a number.").format(
                        parameter=parameter_label(self.parameterDefinition(self.CHANGE_VALUES)),
                        value=word,
                    )
                ) from error
        return values or None

    def _raster(self, parameters, context):
        """(layer, the name GDAL opens its raster by, its GDAL open options), refusing a
        raster whose cells cannot be measured."""
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
        return (layer, *gdal_source(layer))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        layer, path, open_options = self._raster(parameters, context)
        county, year, start = self._numbering(parameters, context)
        simplify = self.parameterAsDouble(parameters, self.SIMPLIFY, context)
        messages: list[str] = []
        feedback.setProgressText(tr("Reading {layer} window by window").format(layer=layer.name()))
        found = self._call_engine(
            feedback,
            change_polygons.polygonize_change,
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
            connectivity=CONNECTIVITY_OPTIONS[
                self.parameterAsEnum(parameters, self.CONNECTIVITY, context)
            ],
            area_method=self._area_method(parameters, context),
            open_options=open_options,
            messages=messages,
            errors=(ValueError, OSError),
            error_prefix=f"{layer.name()}: ",
        )
        if found is None:
            return {}
        geoms, records = found
        refuse_numbers_past_block(start, len(records))
        for message in messages:
            feedback.pushInfo(message)
        feedback.pushInfo(tr("{count} change spots.").format(count=len(records)))
        return {
            self.OUTPUT: self._write(
                parameters,
                self.OUTPUT,
                context,
                CHANGE_FIELDS,
                records,
                geoms,
                layer.crs(),
                feedback=feedback,
            )
        }
