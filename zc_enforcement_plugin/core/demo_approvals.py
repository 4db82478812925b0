"""The demo's approvals (批准用地, PZYD): land conversion, linked quota, temporary and facility
land, covering some spots fully, some partly, and built land elsewhere that no spot touches."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely

from .deadlines import DEFAULT_RULES
from .demo_base import _MM, _STREAM_APPROVALS, _rng
from .demo_land_use import _CLASS_INDEX, _Parcels
from .demo_spots import SPOT_TYPE_FACILITY, _Spots
from .domain import (
    APPROVAL_AREA,
    APPROVAL_DATE,
    APPROVAL_END,
    APPROVAL_KIND,
    APPROVAL_KIND_TEMPORARY,
    APPROVAL_NUMBER,
    APPROVAL_START,
    APPROVED_USE,
)

APPROVAL_CONVERSION = "农转用"
APPROVAL_LINKED_QUOTA = "增减挂钩"
APPROVAL_TEMPORARY = APPROVAL_KIND_TEMPORARY
APPROVAL_FACILITY = "设施农用地"
APPROVAL_USES = {
    APPROVAL_CONVERSION: ("工业用地", "城镇住宅用地", "公路用地", "公用设施用地"),
    APPROVAL_LINKED_QUOTA: ("城镇住宅用地", "工业用地"),
    APPROVAL_TEMPORARY: ("临时施工用地", "取土场", "临时堆场"),
    APPROVAL_FACILITY: ("生产设施用地", "附属设施用地", "配套设施用地"),
}
APPROVAL_NUMBER_FORMATS = {
    APPROVAL_CONVERSION: "鲁政土字〔{year}〕{n}号",
    APPROVAL_LINKED_QUOTA: "淄政土字〔{year}〕{n}号",
    APPROVAL_TEMPORARY: "淄川自然资临用字〔{year}〕{n}号",
    APPROVAL_FACILITY: "淄川设农备〔{year}〕{n}号",
}
FACILITY_YEARS = 10


def _make_approvals(seed: int, parcels: _Parcels, spots: _Spots) -> list[dict]:
    """Approvals covering some spots fully, some partly, plus others on built land elsewhere."""
    rng = _rng(seed, _STREAM_APPROVALS)
    pool = rng.permutation(spots.approvable)
    n_full = int(0.22 * len(pool))
    n_part = int(0.10 * len(pool))
    full, part = pool[:n_full], pool[n_full : n_full + n_part]
    records: list[dict] = []
    counters: dict[tuple[str, int], int] = {}
    base = dt.date(2015, 1, 1)

    def add(geom: shapely.Geometry, kind: str) -> None:
        if kind in (APPROVAL_TEMPORARY, APPROVAL_FACILITY):
            days = int(rng.integers(365 * 6, 365 * 10 + 300))  # 2021..2025
        else:
            days = int(rng.integers(0, 365 * 10 + 300))
        approved = base + dt.timedelta(days=days)
        key = (kind, approved.year)
        counters[key] = counters.get(key, 0) + 1
        number = APPROVAL_NUMBER_FORMATS[kind].format(year=approved.year, n=counters[key])
        start = end = None
        if kind in (APPROVAL_TEMPORARY, APPROVAL_FACILITY):
            begin = approved + dt.timedelta(days=int(rng.integers(5, 40)))
            # Temporary land for the longest term the law allows (DOMAIN.md §5), in years.
            longest = DEFAULT_RULES.temporary_land_max.amount
            years = longest if kind == APPROVAL_TEMPORARY else FACILITY_YEARS
            # 29 February has no anniversary in most years: such a term ends on 28 February.
            day = 28 if (begin.month, begin.day) == (2, 29) else begin.day
            start = begin.isoformat()
            end = begin.replace(year=begin.year + years, day=day).isoformat()
        uses = APPROVAL_USES[kind]
        records.append(
            {
                "geometry": geom,
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: kind,
                APPROVAL_DATE: approved.isoformat(),
                APPROVAL_AREA: round(float(shapely.area(geom)), 2),
                APPROVED_USE: uses[int(rng.integers(len(uses)))],
                APPROVAL_START: start,
                APPROVAL_END: end,
            }
        )

    def kind_for(spot: int) -> str:
        if spots.types[spot] == SPOT_TYPE_FACILITY:
            return APPROVAL_FACILITY
        return (
            APPROVAL_CONVERSION,
            APPROVAL_CONVERSION,
            APPROVAL_LINKED_QUOTA,
            APPROVAL_TEMPORARY,
        )[int(rng.integers(4))]

    for i in full:
        hull = shapely.convex_hull(spots.geoms[i])
        g = shapely.buffer(hull, float(rng.uniform(5.0, 25.0)), join_style="mitre", mitre_limit=3.0)
        add(shapely.set_precision(g, _MM), kind_for(int(i)))
    for i in part:
        g = spots.geoms[i]
        minx, miny, maxx, maxy = g.bounds
        cut = minx + float(rng.uniform(0.3, 0.7)) * (maxx - minx)
        box = shapely.box(minx - 30.0, miny - 30.0, cut, maxy + 30.0)
        a = shapely.intersection(
            shapely.buffer(shapely.convex_hull(g), 8.0, join_style="mitre"), box
        )
        add(shapely.set_precision(a, _MM), kind_for(int(i)))
    # Approvals on built land that no spot touches.
    spot_geoms = np.array([g for g in spots.geoms if g is not None and not g.is_empty])
    spot_tree = shapely.STRtree(spot_geoms)
    built = np.flatnonzero(
        np.isin(parcels.cls, [_CLASS_INDEX[c] for c in ("0601", "0701", "0702")])
    )
    n_other = min(len(built), len(pool) // 3 + 10)
    for p in rng.choice(built, n_other, replace=False):
        g = shapely.buffer(parcels.geoms[p], -2.0, join_style="mitre")
        if g.is_empty or len(spot_tree.query(g, predicate="intersects")):
            continue
        add(
            shapely.set_precision(g, _MM),
            (APPROVAL_CONVERSION, APPROVAL_LINKED_QUOTA)[int(rng.integers(2))],
        )
    return records
