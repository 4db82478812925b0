"""Writing the demo district's layers into its GeoPackage (EPSG:4527), in a fixed order and with
a fixed timestamp, so the same seed gives the same bytes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import fiona
import fiona.crs
import numpy as np
import shapely
from shapely.geometry import MultiLineString, MultiPolygon, mapping

from . import campaigns_schema as cs
from .demo_base import _Progress
from .demo_campaign_cases import _Campaigns
from .demo_frame import DISTRICT_NAME_ZH, TOWNS
from .demo_land_use import CLASS_CODES, LAND_CLASSES, _Parcels
from .demo_protection import _Features
from .demo_spots import _Spots
from .domain import (
    APPROVAL_AREA,
    APPROVAL_DATE,
    APPROVAL_END,
    APPROVAL_KIND,
    APPROVAL_NUMBER,
    APPROVAL_START,
    APPROVED_USE,
    BASIC_FARMLAND_NUMBER,
    DEMO_LAYER_APPROVALS,
    DEMO_LAYER_BASIC_FARMLAND,
    DEMO_LAYER_DISTRICT,
    DEMO_LAYER_FACILITY_LAND,
    DEMO_LAYER_GROUND,
    DEMO_LAYER_LAND_USE,
    DEMO_LAYER_MINING_LICENCES,
    DEMO_LAYER_NO_MINING,
    DEMO_LAYER_RED_LINE,
    DEMO_LAYER_SPOTS,
    DEMO_LAYER_TEMPORARY_LAND,
    DEMO_LAYER_THREE_ZONES,
    DEMO_LAYER_THREE_ZONES_LINES,
    DEMO_LAYER_THREE_ZONES_ZONES,
    DEMO_LAYER_TOWNS,
    DISTRICT_NAME,
    EPSG_GK3_ZONE39_PREFIXED,
    GROUND_FEATURE_ID,
    GROUND_USE,
    LAND_CLASS_CODE,
    LAND_CLASS_NAME,
    MINE_NAME,
    NO_MINING_NAME,
    OFFICE_NAME,
    PARCEL_ID,
    RED_LINE_CODE,
    RED_LINE_NAME,
    RIDGE_COEFFICIENT,
    SPOT_COUNTY_CODE,
    SPOT_EARLIER_DATE,
    SPOT_LATER_DATE,
    SPOT_MONITORED_AREA,
    SPOT_NUMBER,
    SPOT_TYPE,
    THREE_ZONES_KIND,
    THREE_ZONES_NAME,
    THREE_ZONES_SOURCE_NAME,
    TOWN_CODE,
    TOWN_NAME,
    VILLAGE_CODE,
    ZICHUAN_COUNTY_CODE,
)

# GeoPackage stamps gpkg_contents.last_change with "now"; a fixed date keeps the bytes stable.
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"
# The approval fields of PZYD; LSYD and SSNYD add the approval level to them.
_APPROVAL_FIELDS = {
    APPROVAL_NUMBER: "str:40",
    APPROVAL_KIND: "str:10",
    APPROVAL_DATE: "date",
    APPROVAL_AREA: "float",
    APPROVED_USE: "str:20",
    APPROVAL_START: "date",
    APPROVAL_END: "date",
}


def _polygon_records(
    geoms: np.ndarray, props: Iterable[dict], prog: _Progress, lo: float, hi: float
) -> Iterator[dict]:
    """GeoJSON-like records of simple polygons (no holes), from one vectorised coordinate dump."""
    coords = shapely.get_coordinates(geoms).tolist()
    ends = np.cumsum(shapely.get_num_coordinates(geoms)).tolist()
    n = len(ends)
    start = 0
    for i, (end, p) in enumerate(zip(ends, props)):
        if i % 20000 == 0:
            prog(lo + (hi - lo) * i / max(n, 1))
        yield {"geometry": {"type": "Polygon", "coordinates": [coords[start:end]]}, "properties": p}
        start = end


def _write(
    path: Path, layer: str, geometry: str, fields: dict[str, str], records: Iterable[dict]
) -> int:
    schema = {"geometry": geometry, "properties": fields}
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for r in records:
            count += 1
            yield r

    crs = fiona.crs.CRS.from_epsg(EPSG_GK3_ZONE39_PREFIXED)
    with fiona.open(path, "w", driver="GPKG", layer=layer, schema=schema, crs=crs) as dst:
        dst.writerecords(counted())
    return count


def _multi_records(items: Iterable[tuple[shapely.Geometry, dict]]) -> Iterator[dict]:
    for g, props in items:
        yield {"geometry": mapping(_as_multi(g)), "properties": props}


def _line_records(items: Iterable[tuple[shapely.Geometry, dict]]) -> Iterator[dict]:
    for g, props in items:
        parts = [p for p in shapely.get_parts(g) if p.geom_type == "LineString" and not p.is_empty]
        yield {"geometry": mapping(MultiLineString(parts)), "properties": props}


def _spot_geometry(g: shapely.Geometry | None) -> dict | None:
    if g is None:
        return None
    if g.is_empty:
        return {"type": "Polygon", "coordinates": []}
    return mapping(g)


def _as_multi(g: shapely.Geometry) -> MultiPolygon:
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return MultiPolygon(polys)


def _dict_records(items: list[dict]) -> Iterator[dict]:
    """Records of dicts holding their geometry under "geometry" and their fields beside it."""
    return _multi_records(
        (r["geometry"], {k: v for k, v in r.items() if k != "geometry"}) for r in items
    )


def _write_layers(
    gpkg: Path,
    outline: shapely.Polygon,
    towns: list[shapely.Geometry],
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    features: _Features,
    view_areas: list[tuple[str, str, shapely.Geometry]],
    approvals: list[dict],
    spots: _Spots,
    campaigns: _Campaigns | None,
    prog: _Progress,
) -> dict[str, int]:
    """Write every layer into a new gpkg, in the order that keeps its bytes; layer -> count."""
    if gpkg.exists():
        gpkg.unlink()
    counts: dict[str, int] = {}
    with fiona.Env(OGR_CURRENT_DATE=FIXED_TIMESTAMP):
        _write_district(gpkg, outline, towns, counts)
        _write_land_use(gpkg, parcels, prog, counts)
        prog(0.75)
        _write_protection(gpkg, farmland, features, view_areas, counts)
        counts[DEMO_LAYER_APPROVALS] = _write(
            gpkg, DEMO_LAYER_APPROVALS, "MultiPolygon", _APPROVAL_FIELDS, _dict_records(approvals)
        )
        _write_spots(gpkg, spots, counts)
        if campaigns is not None:
            _write_campaign_layers(gpkg, campaigns, counts)
    return counts


def _write_district(
    gpkg: Path, outline: shapely.Polygon, towns: list[shapely.Geometry], counts: dict[str, int]
) -> None:
    """XZQ, the district's outline, and TOWNS."""
    counts[DEMO_LAYER_DISTRICT] = _write(
        gpkg,
        DEMO_LAYER_DISTRICT,
        "Polygon",
        {SPOT_COUNTY_CODE: "str:6", DISTRICT_NAME: "str:20"},
        [
            {
                "geometry": mapping(outline),
                "properties": {
                    SPOT_COUNTY_CODE: ZICHUAN_COUNTY_CODE,
                    DISTRICT_NAME: DISTRICT_NAME_ZH,
                },
            }
        ],
    )
    counts[DEMO_LAYER_TOWNS] = _write(
        gpkg,
        DEMO_LAYER_TOWNS,
        "MultiPolygon",
        {TOWN_CODE: "str:9", TOWN_NAME: "str:20", OFFICE_NAME: "str:30"},
        _multi_records(
            (g, {TOWN_CODE: code, TOWN_NAME: name, OFFICE_NAME: office})
            for g, (name, code, office) in zip(towns, TOWNS)
        ),
    )


def _write_land_use(gpkg: Path, parcels: _Parcels, prog: _Progress, counts: dict[str, int]) -> None:
    """DLTB, the land-use parcels: the most features, so it reports progress as it goes."""
    names = {c: LAND_CLASSES[c][0] for c in CLASS_CODES}
    code_list = [CLASS_CODES[i] for i in parcels.cls.tolist()]
    dltb_props = (
        {
            PARCEL_ID: i + 1,
            LAND_CLASS_CODE: code,
            LAND_CLASS_NAME: names[code],
            RIDGE_COEFFICIENT: k,
            VILLAGE_CODE: v,
        }
        for i, (code, k, v) in enumerate(
            zip(code_list, parcels.kcxs.tolist(), parcels.village.tolist())
        )
    )
    counts[DEMO_LAYER_LAND_USE] = _write(
        gpkg,
        DEMO_LAYER_LAND_USE,
        "Polygon",
        {
            PARCEL_ID: "int",
            LAND_CLASS_CODE: "str:5",
            LAND_CLASS_NAME: "str:30",
            RIDGE_COEFFICIENT: "float",
            VILLAGE_CODE: "str:12",
        },
        _polygon_records(parcels.geoms, dltb_props, prog, 0.40, 0.75),
    )


def _write_protection(
    gpkg: Path,
    farmland: list[tuple[str, shapely.Geometry]],
    features: _Features,
    view_areas: list[tuple[str, str, shapely.Geometry]],
    counts: dict[str, int],
) -> None:
    """YJJBNT, STHX, JCQ and the three-zones-two-lines layers (lines, zones, view areas)."""
    counts[DEMO_LAYER_BASIC_FARMLAND] = _write(
        gpkg,
        DEMO_LAYER_BASIC_FARMLAND,
        "MultiPolygon",
        {BASIC_FARMLAND_NUMBER: "str:20"},
        _multi_records((g, {BASIC_FARMLAND_NUMBER: code}) for code, g in farmland),
    )
    counts[DEMO_LAYER_RED_LINE] = _write(
        gpkg,
        DEMO_LAYER_RED_LINE,
        "MultiPolygon",
        {RED_LINE_NAME: "str:50", RED_LINE_CODE: "str:20"},
        _multi_records((g, {RED_LINE_NAME: n, RED_LINE_CODE: c}) for n, c, g in features.red_line),
    )
    counts[DEMO_LAYER_NO_MINING] = _write(
        gpkg,
        DEMO_LAYER_NO_MINING,
        "MultiPolygon",
        {NO_MINING_NAME: "str:50"},
        _multi_records((g, {NO_MINING_NAME: n}) for n, g in features.no_mining),
    )
    kind_fields = {THREE_ZONES_KIND: "str:10", THREE_ZONES_SOURCE_NAME: "str:50"}
    for layer, geometry, records, items in (
        (DEMO_LAYER_THREE_ZONES_LINES, "MultiLineString", _line_records, features.lines),
        (DEMO_LAYER_THREE_ZONES_ZONES, "MultiPolygon", _multi_records, features.zones),
    ):
        counts[layer] = _write(
            gpkg,
            layer,
            geometry,
            kind_fields,
            records((g, {THREE_ZONES_KIND: k, THREE_ZONES_SOURCE_NAME: n}) for k, n, g in items),
        )
    counts[DEMO_LAYER_THREE_ZONES] = _write(
        gpkg,
        DEMO_LAYER_THREE_ZONES,
        "MultiPolygon",
        {THREE_ZONES_NAME: "str:50", THREE_ZONES_KIND: "str:10"},
        _multi_records((g, {THREE_ZONES_NAME: n, THREE_ZONES_KIND: k}) for k, n, g in view_areas),
    )


def _write_spots(gpkg: Path, spots: _Spots, counts: dict[str, int]) -> None:
    """JCTB, the batch of spots, broken ones as they are (None: no geometry; empty: empty)."""
    counts[DEMO_LAYER_SPOTS] = _write(
        gpkg,
        DEMO_LAYER_SPOTS,
        "Polygon",
        {
            SPOT_NUMBER: "str:20",
            SPOT_COUNTY_CODE: "str:6",
            SPOT_TYPE: "str:20",
            SPOT_EARLIER_DATE: "str:10",
            SPOT_LATER_DATE: "str:10",
            SPOT_MONITORED_AREA: "float",
        },
        (
            {
                "geometry": _spot_geometry(g),
                "properties": {
                    SPOT_NUMBER: num,
                    SPOT_COUNTY_CODE: ZICHUAN_COUNTY_CODE,
                    SPOT_TYPE: t,
                    SPOT_EARLIER_DATE: e,
                    SPOT_LATER_DATE: lt,
                    SPOT_MONITORED_AREA: a,
                },
            }
            for g, num, t, e, lt, a in zip(
                spots.geoms, spots.numbers, spots.types, spots.earlier, spots.later, spots.area
            )
        ),
    )


def _write_campaign_layers(gpkg: Path, campaigns: _Campaigns, counts: dict[str, int]) -> None:
    """CKQ, LSYD, SSNYD and SDXZ: the planted campaign cases."""
    counts[DEMO_LAYER_MINING_LICENCES] = _write(
        gpkg,
        DEMO_LAYER_MINING_LICENCES,
        "MultiPolygon",
        {
            cs.LICENCE_NUMBER: "str:30",
            MINE_NAME: "str:50",
            cs.LICENCE_VALID_FROM: "date",
            cs.LICENCE_VALID_TO: "date",
        },
        _dict_records(campaigns.licences),
    )
    approval_fields = {**_APPROVAL_FIELDS, cs.APPROVAL_LEVEL: "int"}
    for layer, items in (
        (DEMO_LAYER_TEMPORARY_LAND, campaigns.temporary),
        (DEMO_LAYER_FACILITY_LAND, campaigns.facility),
    ):
        counts[layer] = _write(gpkg, layer, "MultiPolygon", approval_fields, _dict_records(items))
    counts[DEMO_LAYER_GROUND] = _write(
        gpkg,
        DEMO_LAYER_GROUND,
        "MultiPolygon",
        {GROUND_FEATURE_ID: "str:10", GROUND_USE: "str:20"},
        _dict_records(campaigns.ground),
    )
