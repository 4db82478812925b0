"""Processing algorithm zcenforcement:threezonestwolines: 三区两线 view areas, who is in view.

A thin adapter: it reads lines, zones, spots and mines into arrays, calls core.three_zones, and
writes the view areas and the summary table.
"""

from __future__ import annotations

import collections
import math

import shapely
from qgis.core import QgsProcessing, QgsProcessingParameterMatrix

from ..compat import SOURCE_ANY_GEOMETRY, SOURCE_LINE, SOURCE_POLYGON
from ..core import campaigns_schema as cs
from ..core import domain, three_zones
from ..core.geometry_repair import make_valid
from ..i18n import parameter_label, tr
from .base import fail, output_wanted
from .campaign_base import CampaignAlgorithm, texts
from .style_on_load import StyleOnLoad

PIECE_FIELDS = [cs.VIEW_NAMES, cs.VIEW_KINDS, cs.VIEW_COUNT, cs.VIEW_AREA, cs.VIEW_AREA_MU]
SUMMARY_FIELDS = [
    cs.SOURCE_NAME,
    cs.SOURCE_KIND,
    cs.SOURCE_ROLE,
    cs.SOURCE_DISTANCE,
    cs.SUMMARY_SPOT_COUNT,
    cs.SUMMARY_SPOT_IDS,
    cs.SUMMARY_SPOT_AREA,
    cs.SUMMARY_SPOT_AREA_MU,
    cs.SUMMARY_MINE_COUNT,
    cs.SUMMARY_MINE_IDS,
    cs.SUMMARY_MINE_AREA,
    cs.SUMMARY_MINE_AREA_MU,
]
# A summary list cut for a Shapefile ends as one cut for a spreadsheet cell: with its count and
# where all the numbers are.
SUMMARY_LIST_TAILS = {
    cs.SUMMARY_SPOT_IDS: three_zones.summary_list_tail,
    cs.SUMMARY_MINE_IDS: three_zones.summary_list_tail,
}
DETAIL_FIELDS = [
    cs.SOURCE_NAME,
    cs.SOURCE_KIND,
    cs.DETAIL_OBJECT,
    cs.DETAIL_ID,
    cs.DETAIL_AREA,
    cs.DETAIL_AREA_MU,
]
VIEW_SHARE = 0.7  # of the progress bar: building the view areas; the summary takes the rest


class ThreeZonesTwoLines(CampaignAlgorithm):
    NAME = "threezonestwolines"
    DISPLAY_NAME = "Three zones two lines view areas"
    HELP = (
        "Builds the three-zones-two-lines (三区两线) view areas: each line (railway, "
        "highway, river) and zone (nature reserve, scenic area, town) is buffered by the "
        "view distance set for its kind (DISTANCES) (LX field; the name is in MC). There "
        "are no default distances, a provincial choice: give one in metres for every kind "
        "in the data, or the run stops naming the layer, feature and field. Segments with "
        "the same kind and name are one line, and so are nameless features of one kind that "
        "touch or overlap (a highway of unnamed segments), named by kind and feature ids. "
        "The output is dissolved into disjoint "
        "pieces: SQLXMC the names of the lines and zones a piece is in view of "
        "(';'-joined), SQLXLX their kinds in the same order, SQLXSL how many, SQLXMJ its "
        "area in m² and SQLXMJ_MU in mu (亩). Use it as the three-zones layer of Screen "
        "spots (it reads SQLXMC). "
        "With spots and mines (points or polygons) the summary table gives, per line or "
        "zone (MC, LX, LB 线/区, JL distance in m): TBSL/TBBH/TBMJ the spots in view, "
        "their numbers and their area inside the view area (TBMJ_MU in mu), KSSL/KSBH/"
        "KSMJ/KSMJ_MU the same for mines; the last row, MC = 合计, counts each once. "
        "Without spots (SPOTS) or mines (MINES) their columns are empty (NULL): not "
        "counted, not 0 in view. An "
        "optional clip layer (CLIP, "
        "e.g. the district) limits the view areas. Spots and mines in view "
        "(OUTPUT_SUMMARY) is that summary, an optional output; a list of numbers longer than "
        "a spreadsheet cell holds (or 254 bytes in a Shapefile) is cut after a whole "
        "number, ending with the count, and the optional detail "
        "(OUTPUT_DETAIL) has every spot and mine in view, one row per line or zone and "
        "spot or mine (MC, LX, DXLB 图斑/矿山, BH its number, MJ its area in view in m², "
        "MJ_MU in mu)."
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
    OUTPUT_SUMMARY = "OUTPUT_SUMMARY"
    OUTPUT_DETAIL = "OUTPUT_DETAIL"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self._add_source(
            self.LINES, tr("Lines (railways, highways, rivers)"), [SOURCE_LINE], optional=True
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
        self._add_source(
            self.ZONES,
            tr("Zones (nature reserves, scenic areas, towns)"),
            [SOURCE_ANY_GEOMETRY],
            optional=True,
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
                # The usual kinds, their distances left to the bureau (a provincial choice):
                # typed once, not guessed kind by kind from one refusal after another.
                defaultValue=[value for kind in domain.THREE_ZONES_KINDS for value in (kind, "")],
            )
        )
        self._add_source(
            self.CLIP, tr("Clip to (e.g. the district)"), [SOURCE_POLYGON], optional=True
        )
        self._add_source(self.SPOTS, tr("Spots to summarise"), [SOURCE_POLYGON], optional=True)
        self._add_field(
            self.SPOT_ID_FIELD, tr("Spot number field"), domain.SPOT_NUMBER, self.SPOTS, True
        )
        self._add_source(self.MINES, tr("Mines to summarise"), [SOURCE_ANY_GEOMETRY], optional=True)
        self._add_field(
            self.MINE_ID_FIELD, tr("Mine id field"), cs.LICENCE_NUMBER, self.MINES, True
        )
        self._add_area_method()
        self._add_sink(
            self.OUTPUT,
            tr("Three zones two lines view areas"),
            QgsProcessing.SourceType.TypeVectorPolygon,
        )
        self._add_sink(
            self.OUTPUT_SUMMARY,
            tr("Spots and mines in view, by line or zone"),
            QgsProcessing.SourceType.TypeVector,
            optional=True,
        )
        self._add_sink(
            self.OUTPUT_DETAIL,
            tr("Spots and mines in view, one row per line or zone and spot or mine"),
            QgsProcessing.SourceType.TypeVector,
            optional=True,
        )

    def _distances_label(self) -> str:
        return parameter_label(self.parameterDefinition(self.DISTANCES))

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
                        "{parameter}, kind {kind}: the view distance “{value}” is not a positive "
                        "number of metres."
                    ).format(parameter=self._distances_label(), kind=kind, value=text)
                )
            if kind in out and out[kind] != distance:
                # The dialog's table lists every kind: a row added for one already there kept
                # the last distance without a word, and the view area was drawn at it.
                raise fail(
                    tr(
                        "{parameter}: the kind {kind} is given two distances, {first:g} m and "
                        "{second:g} m: keep one."
                    ).format(
                        parameter=self._distances_label(),
                        kind=kind,
                        first=out[kind],
                        second=distance,
                    )
                )
            out[kind] = distance
        return out

    def _sources(self, parameters, context, crs, distances, feedback):
        """(lines, zones) as the engine's SourceFeatures; None for a layer not given. Every
        kind without a distance is named at once, with a feature of each, and every feature
        without a kind: one run tells all that must be set right."""
        found = []
        missing: dict[str, str] = {}  # kind -> "layer, feature, field" of its first feature
        without_kind: list[str] = []  # "layer, features, field" per layer
        for layer_param, kind_param, name_param in (
            (self.LINES, self.LINE_KIND_FIELD, self.LINE_NAME_FIELD),
            (self.ZONES, self.ZONE_KIND_FIELD, self.ZONE_NAME_FIELD),
        ):
            f = self._field_names(parameters, (kind_param, name_param), context, feedback)
            kind_field, name_field = f[kind_param], f[name_param]
            source = self.parameterAsSource(parameters, layer_param, context)
            if name_field and source is not None and source.fields().indexOf(name_field) < 0:
                # The default MC on a layer without it: no name field, not empty names.
                name_field = ""
            arrays, label = self._read(
                parameters, layer_param, context, [kind_field, name_field], crs, feedback
            )
            if arrays is None:
                found.append(None)
                continue
            kinds = texts(arrays.attributes[kind_field])
            names = texts(arrays.attributes[name_field]) if name_field else [""] * len(kinds)
            blank = [
                f"fid {fid}"
                for kind, fid, geom in zip(kinds, arrays.feature_ids, arrays.geoms)
                if not kind and geom is not None
            ]
            if blank:
                without_kind.append(
                    tr("layer {layer}, feature {feature}, field {field}").format(
                        layer=label, feature="、".join(blank), field=kind_field
                    )
                )
            for kind, name, fid in zip(kinds, names, arrays.feature_ids):
                if kind and kind not in distances and kind not in missing:
                    missing[kind] = tr("layer {layer}, feature {feature}, field {field}").format(
                        layer=label,
                        feature=f"fid {fid}" + (f" ({name})" if name else ""),
                        field=kind_field,
                    )
            found.append(
                three_zones.SourceFeatures(
                    arrays.geoms,
                    kinds,
                    names,
                    ids=[f"fid {fid}" for fid in arrays.feature_ids],
                    layer=label,
                    kind_field=kind_field,
                    name_field=name_field,
                )
            )
        problems = []
        if missing:
            problems.append(
                tr(
                    "No view distance is given for kinds {kinds}; add them to the distances (m)."
                ).format(kinds="；".join(f"{kind}（{where}）" for kind, where in missing.items()))
            )
        if without_kind:
            problems.append(
                tr(
                    "Features without a kind, whose view distance cannot be chosen: {where}."
                ).format(where="；".join(without_kind))
            )
        if problems:
            raise fail(" ".join(problems))
        return found

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        crs = self._measuring_crs(
            parameters,
            (self.LINES, self.ZONES),
            context,
            tr("Give a layer of lines, of zones, or both."),
        )
        distances = self._distances(parameters, context)
        lines, zones = self._sources(parameters, context, crs, distances, feedback)
        clip = self._read_geoms(parameters, self.CLIP, context, crs, feedback)
        if clip is not None and len(clip):
            clip = shapely.union_all(make_valid(clip[~shapely.is_missing(clip)]))
        else:
            clip = None
        feedback.setProgressText(tr("Building the view areas"))
        view = self._call_engine(
            feedback,
            three_zones.view_areas,
            lines,
            zones,
            distances,
            crs.authid(),
            area_method=self._area_method(parameters, context),
            clip=clip,
            progress=lambda p: feedback.setProgress(VIEW_SHARE * p),
        )
        if view is None:
            return {}
        # Everything is counted before anything is written: a run cancelled while counting
        # leaves no view areas behind that look like a finished result.
        summary = None
        wanted = {
            name: output_wanted(self, parameters, name, context)
            for name in (self.OUTPUT_SUMMARY, self.OUTPUT_DETAIL)
        }
        if any(wanted.values()):
            summary = self._summary(parameters, context, crs, view, feedback)
            if summary is None:
                return {}
        outputs = {
            self.OUTPUT: self._write(
                parameters,
                self.OUTPUT,
                context,
                PIECE_FIELDS,
                view.records(),
                view.geoms,
                crs,
                feedback=feedback,
            )
        }
        if summary is not None and wanted[self.OUTPUT_SUMMARY]:
            outputs[self.OUTPUT_SUMMARY] = self._write(
                parameters,
                self.OUTPUT_SUMMARY,
                context,
                SUMMARY_FIELDS,
                summary.records,
                feedback=feedback,
                tails=SUMMARY_LIST_TAILS,
            )
        if summary is not None and wanted[self.OUTPUT_DETAIL]:
            outputs[self.OUTPUT_DETAIL] = self._write(
                parameters,
                self.OUTPUT_DETAIL,
                context,
                DETAIL_FIELDS,
                summary.details,
                feedback=feedback,
            )
        # Loaded unstyled, the pieces covered the spots in one opaque colour under bare field
        # codes: translucent by how many lines and zones they are in view of, Chinese headers.
        styles = {
            self.OUTPUT: "view_pieces",
            self.OUTPUT_SUMMARY: "view_summary",
            self.OUTPUT_DETAIL: "view_detail",
        }
        StyleOnLoad.attach(
            context, outputs, styles, run_title=self.displayName(), screening_labels=False
        )
        return outputs

    def _summary(self, parameters, context, crs, view, feedback):
        """The spots and mines in view of each line and zone; None if the user cancelled."""
        f = self._field_names(
            parameters, (self.SPOT_ID_FIELD, self.MINE_ID_FIELD), context, feedback
        )
        spot_field, mine_field = f[self.SPOT_ID_FIELD], f[self.MINE_ID_FIELD]
        spots, spot_label = self._read(parameters, self.SPOTS, context, [spot_field], crs, feedback)
        mines, mine_label = self._read(parameters, self.MINES, context, [mine_field], crs, feedback)
        feedback.setProgressText(tr("Counting spots and mines in view"))
        spot_ids = self._spot_numbers(spots, spot_field, spot_label, feedback)
        return self._call_engine(
            feedback,
            three_zones.summary,
            view,
            # A layer not given is passed as None: its columns are NULL, not 0 in view.
            spots.geoms if spots is not None else None,
            mines.geoms if mines is not None else None,
            spot_ids=spot_ids,
            mine_ids=self._mine_numbers(mines, mine_field, mine_label, feedback),
            spot_layer=spot_label,
            mine_layer=mine_label,
            progress=lambda p: feedback.setProgress(100.0 * VIEW_SHARE + (1 - VIEW_SHARE) * p),
            errors=(),
        )

    def _mine_numbers(self, mines, field: str, label: str, feedback) -> list[str] | None:
        """The mines' numbers, and a word when one is held by several features (listed twice
        in a line's 涉及矿山编号 unsaid, as the spots' were)."""
        if mines is None:
            return None
        numbers = self._ids(mines, field)
        repeated = _held_twice(numbers)
        if repeated:
            feedback.pushWarning(
                tr(
                    "{layer}: {count} mine numbers are held by more than one feature, each "
                    "counted and listed where it is in view: {numbers}."
                ).format(layer=label, count=len(repeated), numbers=domain.first_of(repeated, 10))
            )
        return numbers

    def _spot_numbers(self, spots, field: str, label: str, feedback) -> list[str] | None:
        """The spots' numbers as importspots reads them (３７０３…, typed in full width, is the
        spot 3703…), and a word when one is held by several features: each is counted and
        listed in view, as screenspots keeps and names them (found listed twice unsaid)."""
        if spots is None:
            return None
        numbers = [
            number if number.startswith("fid ") else domain.spot_number_key(number)
            for number in self._ids(spots, field)
        ]
        repeated = _held_twice(numbers)
        if repeated:
            feedback.pushWarning(
                tr(
                    "{layer}: {count} spot numbers are held by more than one feature, each "
                    "counted and listed where it is in view: {numbers}. Correct them before "
                    "importing the spots."
                ).format(layer=label, count=len(repeated), numbers=domain.first_of(repeated, 10))
            )
        return numbers


def _held_twice(numbers: list[str]) -> list[str]:
    """Each number held by more than one feature, with how many: 37030220269992（2）."""
    held = collections.Counter(numbers)
    return [f"{number}（{count}）" for number, count in held.items() if count > 1]
