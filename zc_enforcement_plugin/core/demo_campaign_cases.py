"""The campaign cases the demo plants, with the answers the tests check the audits by: mining
licences (采矿权, CKQ) around the batch's own mining spots, temporary land (临时用地, LSYD) and
facility agricultural land (设施农用地, SSNYD) approvals, and what field checks found on and around
them (实地现状, SDXZ); one case of every violation each audit reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.ops

from . import campaigns_schema as cs
from .demo_approvals import (
    APPROVAL_FACILITY,
    APPROVAL_NUMBER_FORMATS,
    APPROVAL_TEMPORARY,
)
from .demo_base import _MM, _STREAM_CAMPAIGNS, _rng
from .demo_frame import TOWNS
from .demo_land_use import _CLASS_INDEX, _cultivated, _Parcels
from .demo_protection import _Features
from .demo_spots import SPOT_TYPE_MINING, _Spots
from .domain import (
    APPROVAL_AREA,
    APPROVAL_DATE,
    APPROVAL_END,
    APPROVAL_KIND,
    APPROVAL_NUMBER,
    APPROVAL_START,
    APPROVED_USE,
    GROUND_FEATURE_ID,
    GROUND_USE,
    MINE_NAME,
    SQM_PER_MU,
)
from .geometry_repair import make_valid_one

TEMPORARY_USE = "临时施工用地"
FACILITY_USE = "生产设施用地"
AUXILIARY_USE = "附属设施用地"

# The day the demo's campaigns audit on: licences and approvals are valid or expired against it.
CAMPAIGN_CHECK_DATE = dt.date(2026, 3, 31)
# The demo's choices for the audit limits (a real bureau sets its province's rules).
CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL = 3  # province
CAMPAIGN_CULTIVATED_MIN_LEVEL = 2  # city
CAMPAIGN_CULTIVATED_MAX_SQM = 3000.0
CAMPAIGN_AUXILIARY_MAX_SHARE = 0.10
CAMPAIGN_AUXILIARY_MAX_SQM = 10 * SQM_PER_MU
CAMPAIGN_AUXILIARY_USES = (AUXILIARY_USE,)
CAMPAIGN_MIN_MAPPING_SQM = 50.0  # the change raster's specks are smaller than this

# Temporary-land cases: (case, approval box, approved area, start, end, level, place,
# [(ground box, use)], violation codes). Boxes are metres around the case's centre.
_TEMPORARY_CASES = (
    (
        "ok",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        (),
    ),
    (
        "over_area",
        (-30, -30, 30, 30),
        2400.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-28, -28, 28, 28), TEMPORARY_USE)],
        ("CMJ",),
    ),
    (
        "outside",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((0, -25, 50, 25), TEMPORARY_USE)],
        ("CFW",),
    ),
    (
        "changed_use",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), "厂房")],
        ("GBYT",),
    ),
    (
        "expired",
        (-30, -30, 30, 30),
        3600.0,
        "2022-03-01",
        "2024-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("DQWFK",),
    ),
    (
        "basic_farmland_level",
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2027-02-28",
        1,
        "basic_farmland",
        [((-20, -20, 20, 20), TEMPORARY_USE)],
        ("JBNTQX",),
    ),
    (
        "cultivated_level",
        (-45, -45, 45, 45),
        8100.0,
        "2025-03-01",
        "2027-02-28",
        1,
        "cultivated",
        [((-40, -40, 40, 40), TEMPORARY_USE)],
        ("GDQX",),
    ),
    (
        "term_too_long",  # three years for a site that is no large infrastructure
        (-30, -30, 30, 30),
        3600.0,
        "2025-03-01",
        "2028-02-28",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("QXCG",),
    ),
    (
        "used_before_start",  # in use on the check date, approved from June
        (-30, -30, 30, 30),
        3600.0,
        "2026-06-01",
        "2028-05-31",
        3,
        "plain",
        [((-25, -25, 25, 25), TEMPORARY_USE)],
        ("WPXY",),
    ),
)
_FACILITY_CASES = (
    (
        "ok",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-35, -35, 25, 35), FACILITY_USE), ((28, -10, 38, 10), AUXILIARY_USE)],
        (),
    ),
    (
        "auxiliary_over_limit",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-35, -35, 35, 5), FACILITY_USE), ((-35, 10, 35, 30), AUXILIARY_USE)],
        ("FZCB",),
    ),
    (
        "non_agricultural",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-30, -30, 10, 10), "农家乐")],
        ("GBYT",),
    ),
    (
        "outside_and_over_area",
        (-40, -40, 40, 40),
        6400.0,
        "plain",
        [((-40, -40, 50, 40), FACILITY_USE)],
        ("CFW", "CMJ"),
    ),
    (
        "basic_farmland",
        (-30, -30, 30, 30),
        3600.0,
        "basic_farmland",
        [((-20, -20, 20, 20), FACILITY_USE)],
        ("ZYJBNT",),
    ),
)


@dataclass
class _Campaigns:
    licences: list[dict]  # geometry + CKQ fields
    temporary: list[dict]  # geometry + LSYD fields
    facility: list[dict]
    ground: list[dict]  # geometry + SDXZ fields
    cases: dict


def _case_centres(
    rng: np.random.Generator,
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    spots: _Spots,
    needs: list[str],
) -> list[tuple[float, float]]:
    """A whole-metre centre per need ('plain', 'cultivated', 'basic_farmland'), 300 m apart,
    with a 70 m (plain, cultivated) or 45 m (basic farmland) disc inside the place's polygon."""
    basic = shapely.union_all([g for _, g in farmland])
    shapely.prepare(basic)
    taken = [g for g in spots.geoms if g is not None and not g.is_empty]
    busy = shapely.buffer(shapely.union_all([make_valid_one(g) for g in taken]), 30.0)
    shapely.prepare(busy)
    cultivated = _cultivated(parcels.cls)
    plain_codes = [_CLASS_INDEX[c] for c in ("0404", "0201", "0204", "0307", "1206")]
    pools = {
        "plain": np.flatnonzero(np.isin(parcels.cls, plain_codes)),
        "cultivated": np.flatnonzero(cultivated),
    }
    farm = [g for _, g in farmland]
    centres: list[tuple[float, float]] = []

    def free(x: float, y: float) -> bool:
        return all((x - a) ** 2 + (y - b) ** 2 > 300.0**2 for a, b in centres)

    for need in needs:
        found = None
        if need == "basic_farmland":
            for i in rng.permutation(len(farm)):
                g = farm[int(i)]
                p = shapely.ops.polylabel(g, 1.0) if g.geom_type == "Polygon" else None
                if p is None:
                    continue
                x, y = round(p.x), round(p.y)
                disc = shapely.Point(x, y).buffer(45.0)
                if g.contains(disc) and not busy.intersects(disc) and free(x, y):
                    found = (float(x), float(y))
                    break
        else:
            for i in rng.permutation(pools[need]):
                g = parcels.geoms[int(i)]
                p = shapely.ops.polylabel(g, 1.0)
                x, y = round(p.x), round(p.y)
                disc = shapely.Point(x, y).buffer(70.0)
                if (
                    g.contains(disc)
                    and not basic.intersects(disc)
                    and not busy.intersects(disc)
                    and free(x, y)
                ):
                    found = (float(x), float(y))
                    break
        if found is None:
            raise RuntimeError(f"no room for a campaign case on {need} land")
        centres.append(found)
    return centres


def _rect(centre: tuple[float, float], box: tuple[float, float, float, float]) -> shapely.Polygon:
    x, y = centre
    return shapely.box(x + box[0], y + box[1], x + box[2], y + box[3])


def _make_campaigns(
    seed: int,
    parcels: _Parcels,
    farmland: list[tuple[str, shapely.Geometry]],
    spots: _Spots,
    features: _Features,
) -> _Campaigns:
    """Cases of every audit violation, with the answers the tests check them by."""
    rng = _rng(seed, _STREAM_CAMPAIGNS)
    needs = [c[6] for c in _TEMPORARY_CASES] + [c[3] for c in _FACILITY_CASES]
    centres = _case_centres(rng, parcels, farmland, spots, needs)
    ground = _Ground()
    temporary, temporary_cases = _temporary_land(centres[: len(_TEMPORARY_CASES)], ground)
    facility, facility_cases = _facility_land(centres[len(_TEMPORARY_CASES) :], ground)
    licences, mining_cases = _mining_licences(spots, features)
    cases = {"temporary": temporary_cases, "facility": facility_cases, "mining": mining_cases}
    return _Campaigns(licences, temporary, facility, ground.records, cases)


class _Ground:
    """What field checks found (SDXZ), numbered SD001, SD002, … in the order the cases add it."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def add(
        self,
        centre: tuple[float, float],
        items: list[tuple[tuple[float, float, float, float], str]],
    ) -> list[str]:
        """Add a feature for each (box around the centre, use); their ids."""
        ids = []
        for box, use in items:
            gid = f"SD{len(self.records) + 1:03d}"
            self.records.append(
                {"geometry": _rect(centre, box), GROUND_FEATURE_ID: gid, GROUND_USE: use}
            )
            ids.append(gid)
        return ids


def _temporary_land(centres: list[tuple[float, float]], ground: _Ground) -> tuple[list[dict], dict]:
    """The LSYD approvals of _TEMPORARY_CASES, one at each centre, and each case's answer."""
    temporary = []
    cases: dict = {}
    for n, (case, box, area, start, end, level, _place, items, codes) in enumerate(
        _TEMPORARY_CASES
    ):
        centre = centres[n]
        number = APPROVAL_NUMBER_FORMATS[APPROVAL_TEMPORARY].format(year=start[:4], n=101 + n)
        approved = dt.date.fromisoformat(start) - dt.timedelta(days=20)
        temporary.append(
            {
                "geometry": _rect(centre, box),
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: APPROVAL_TEMPORARY,
                APPROVAL_DATE: approved.isoformat(),
                APPROVAL_AREA: area,
                APPROVED_USE: TEMPORARY_USE,
                APPROVAL_START: start,
                APPROVAL_END: end,
                cs.APPROVAL_LEVEL: level,
            }
        )
        cases[case] = {
            "number": number,
            "codes": list(codes),
            "ground": ground.add(centre, items),
        }
    return temporary, cases


def _facility_land(centres: list[tuple[float, float]], ground: _Ground) -> tuple[list[dict], dict]:
    """The SSNYD filings of _FACILITY_CASES, one at each centre, and each case's answer."""
    facility = []
    cases: dict = {}
    for n, (case, box, area, _place, items, codes) in enumerate(_FACILITY_CASES):
        centre = centres[n]
        number = APPROVAL_NUMBER_FORMATS[APPROVAL_FACILITY].format(year=2023, n=101 + n)
        facility.append(
            {
                "geometry": _rect(centre, box),
                APPROVAL_NUMBER: number,
                APPROVAL_KIND: APPROVAL_FACILITY,
                APPROVAL_DATE: "2023-03-10",
                APPROVAL_AREA: area,
                APPROVED_USE: FACILITY_USE,
                APPROVAL_START: "2023-04-01",
                APPROVAL_END: "2033-03-31",
                cs.APPROVAL_LEVEL: 1,
            }
        )
        cases[case] = {
            "number": number,
            "codes": list(codes),
            "ground": ground.add(centre, items),
        }
    return facility, cases


def _mining_licences(spots: _Spots, features: _Features) -> tuple[list[dict], dict]:
    """CKQ licences drawn around the batch's own 采矿用地 spots, so the audit finds each kind
    (valid, out of bounds, expired, in a no-mining zone, no licence); and the answers."""
    cases: dict = {}
    dup = spots.broken.get("duplicate")
    mining = [
        i
        for i in np.argsort(spots.numbers, kind="stable").tolist()
        if spots.types[i] == SPOT_TYPE_MINING
        and spots.numbers[i] != dup
        and spots.geoms[i] is not None
        and spots.geoms[i].is_valid
        and not spots.geoms[i].is_empty
    ]
    no_go = shapely.union_all([g for _, g in features.no_mining])
    in_no_go = [i for i in mining if spots.geoms[i].intersects(no_go)]
    clear = [i for i in mining if i not in in_no_go]
    plan = [
        ("valid", clear[:1], "2021-01-01", "2030-12-31", "full"),
        ("out_of_bounds", clear[1:2], "2022-05-01", "2031-04-30", "west"),
        ("expired", clear[2:3], "2015-07-01", "2025-06-30", "full"),
        ("in_no_go", in_no_go[:1], "2020-09-01", "2029-08-31", "full"),
    ]
    licences = []
    licensed: set[int] = set()
    for n, (case, picked, start, end, cover) in enumerate(plan):
        for i in picked:
            g = spots.geoms[i]
            area = shapely.buffer(shapely.convex_hull(g), 8.0, join_style="mitre")
            if cover == "west":
                minx, miny, maxx, maxy = g.bounds
                area = shapely.intersection(
                    area, shapely.box(minx - 20.0, miny - 20.0, (minx + maxx) / 2, maxy + 20.0)
                )
            number = f"C3703022{start[:4]}0171300{n + 1:05d}"
            licences.append(
                {
                    "geometry": shapely.set_precision(area, _MM),
                    cs.LICENCE_NUMBER: number,
                    MINE_NAME: f"淄川区{TOWNS[n % len(TOWNS)][0]}第{n + 1}采石场",
                    cs.LICENCE_VALID_FROM: start,
                    cs.LICENCE_VALID_TO: end,
                }
            )
            cases[case] = {"spot": spots.numbers[i], "licence": number}
            licensed.add(i)
    cases["no_licence"] = [spots.numbers[i] for i in mining if i not in licensed]
    cases["no_go_spots"] = [spots.numbers[i] for i in in_no_go]
    return licences, cases
