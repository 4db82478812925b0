"""The campaign part of `make demo`: runs the five campaign algorithms on the demo district.

run_campaigns() writes every output into OUT/campaigns/ and returns summary lines (counts per
violation kind); with a ledger it also imports each audit's violations as a batch of their own.
"""

from __future__ import annotations

import collections
import csv
import sys
from pathlib import Path

import fiona

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from scripts.qgisproc import run_algorithm  # noqa: E402
from zc_enforcement_plugin.core import campaigns_schema as cs  # noqa: E402
from zc_enforcement_plugin.core import demo_district as dd  # noqa: E402
from zc_enforcement_plugin.core import domain  # noqa: E402

# The demo's choice of view distances (m) per kind: the same as its SQLX layer.
VIEW_DISTANCES = {
    domain.THREE_ZONES_KIND_RAILWAY: dd.VIEW_DISTANCE_RAILWAY_M,
    domain.THREE_ZONES_KIND_HIGHWAY: dd.VIEW_DISTANCE_HIGHWAY_M,
    domain.THREE_ZONES_KIND_RIVER: dd.VIEW_DISTANCE_RIVER_M,
    domain.THREE_ZONES_KIND_NATURE_RESERVE: dd.VIEW_DISTANCE_ZONE_M,
    domain.THREE_ZONES_KIND_SCENIC_AREA: dd.VIEW_DISTANCE_ZONE_M,
    domain.THREE_ZONES_KIND_TOWN: dd.VIEW_DISTANCE_ZONE_M,
}
KIND_LABELS = {
    k.code: f"{k.label_zh} {k.label_en}"
    for k in (*cs.TEMPORARY_KINDS, *cs.FACILITY_KINDS, *cs.MINING_KINDS)
}


def run_campaigns(out: Path, gpkg: Path, profile: Path, ledger: Path | None = None) -> list[str]:
    """Run the campaigns on the demo district in gpkg; outputs go to out/campaigns/."""
    folder = Path(out) / "campaigns"
    folder.mkdir(parents=True, exist_ok=True)
    gpkg = Path(gpkg)
    year = dd.BATCH_YEAR
    check_date = dd.CAMPAIGN_CHECK_DATE.isoformat()

    def layer(name: str) -> str:
        return f"{gpkg}|layername={name}"

    lines: list[str] = []

    # 三区两线: dissolved view pieces and the spots and mines in view.
    pieces, summary = folder / "three_zones.gpkg", folder / "three_zones_summary.csv"
    run_algorithm(
        "zcenforcement:threezonestwolines",
        {
            "LINES": layer(domain.DEMO_LAYER_THREE_ZONES_LINES),
            "ZONES": layer(domain.DEMO_LAYER_THREE_ZONES_ZONES),
            "DISTANCES": ",".join(f"{k},{v:g}" for k, v in VIEW_DISTANCES.items()),
            "CLIP": layer(domain.DEMO_LAYER_DISTRICT),
            "SPOTS": layer(domain.DEMO_LAYER_SPOTS),
            "MINES": layer(domain.DEMO_LAYER_MINING_LICENCES),
            "OUTPUT": pieces,
            "OUTPUT_SUMMARY": summary,
        },
        profile,
    )
    with fiona.open(pieces) as src:
        count = len(src)
        shared = sum(1 for f in src if f.properties[cs.VIEW_COUNT] > 1)
    rows = _csv(summary)
    total = next(r for r in rows if r[cs.SOURCE_NAME] == cs.SUMMARY_TOTAL_NAME)
    lines.append(
        f"三区两线 three zones two lines: {count} view pieces ({shared} in view of several lines "
        f"or zones) -> {pieces.name}; {total[cs.SUMMARY_SPOT_COUNT]} spots and "
        f"{total[cs.SUMMARY_MINE_COUNT]} mines in view -> {summary.name}"
    )

    # Change raster -> a spot batch.
    change_raster = gpkg.parent / dd.CHANGE_IMAGE_NAME
    if change_raster.exists():
        spots = folder / "change_spots.gpkg"
        run_algorithm(
            "zcenforcement:polygonizechange",
            {
                "RASTER": change_raster,
                "MIN_AREA": dd.CAMPAIGN_MIN_MAPPING_SQM,
                "SIMPLIFY": 1.0,
                "YEAR": year,
                "OUTPUT": spots,
            },
            profile,
        )
        with fiona.open(spots) as src:
            count = len(src)
            area = sum(f.properties[domain.SPOT_MONITORED_AREA] for f in src)
        lines.append(
            f"变化图斑 change spots: {count} spots, {area:.2f} m² -> {spots.name} "
            f"(specks below {dd.CAMPAIGN_MIN_MAPPING_SQM:g} m² dropped)"
        )

    audits = [
        (
            "临时用地 temporary land",
            "zcenforcement:audittemporaryland",
            "temporary_land",
            {
                "APPROVALS": layer(domain.DEMO_LAYER_TEMPORARY_LAND),
                "GROUND": layer(domain.DEMO_LAYER_GROUND),
                "CHECK_DATE": check_date,
                "BASIC_FARMLAND": layer(domain.DEMO_LAYER_BASIC_FARMLAND),
                "BASIC_FARMLAND_MIN_LEVEL": dd.CAMPAIGN_BASIC_FARMLAND_MIN_LEVEL,
                "LAND_USE": layer(domain.DEMO_LAYER_LAND_USE),
                "CULTIVATED_MIN_LEVEL": dd.CAMPAIGN_CULTIVATED_MIN_LEVEL,
                "CULTIVATED_MAX_AREA": dd.CAMPAIGN_CULTIVATED_MAX_SQM,
            },
        ),
        (
            "设施农用地 facility land",
            "zcenforcement:auditfacilityland",
            "facility_land",
            {
                "APPROVALS": layer(domain.DEMO_LAYER_FACILITY_LAND),
                "GROUND": layer(domain.DEMO_LAYER_GROUND),
                "AUXILIARY_USES": ";".join(dd.CAMPAIGN_AUXILIARY_USES),
                "AUXILIARY_MAX_PERCENT": 100 * dd.CAMPAIGN_AUXILIARY_MAX_SHARE,
                "AUXILIARY_MAX_AREA": round(dd.CAMPAIGN_AUXILIARY_MAX_SQM, 2),
                "BASIC_FARMLAND": layer(domain.DEMO_LAYER_BASIC_FARMLAND),
            },
        ),
        (
            "矿产 mining",
            "zcenforcement:auditmining",
            "mining",
            {
                "ACTIVITY": layer(domain.DEMO_LAYER_SPOTS),
                "LICENCES": layer(domain.DEMO_LAYER_MINING_LICENCES),
                "CHECK_DATE": check_date,
                "NO_MINING": layer(domain.DEMO_LAYER_NO_MINING),
            },
        ),
    ]
    for title, algorithm, stem, parameters in audits:
        records = folder / f"{stem}_records.csv"
        violations = folder / f"{stem}_violations.gpkg"
        run_algorithm(
            algorithm,
            {**parameters, "YEAR": year, "OUTPUT": records, "OUTPUT_VIOLATIONS": violations},
            profile,
        )
        with fiona.open(violations) as src:
            # A spot is one piece of land with every kind found on it (WFDM joined with ';').
            spot_codes = [f.properties[cs.VIOLATION_CODE].split(cs.LIST_SEPARATOR) for f in src]
        kinds = collections.Counter(code for codes in spot_codes for code in codes)
        rows = _csv(records)
        found = sum(int(r[cs.VIOLATION_COUNT]) for r in rows)
        lines.append(
            f"{title}: {len(rows)} audited -> {records.name}, {found} violations in "
            f"{len(spot_codes)} spots -> {violations.name}"
        )
        for code, count in sorted(kinds.items()):
            lines.append(f"  {KIND_LABELS.get(code, code)} ({code}): {count}")
        if ledger is not None:
            imported = run_algorithm(
                "zcenforcement:importspots",
                {
                    "SPOTS": violations,
                    "LEDGER": ledger,
                    "BATCH": f"{year}年{title.split()[0]}专项",
                    # As the satellite batch is imported: each spot gets its town and office,
                    # which the ranking, the dispatch and the office logins go by.
                    "TOWNS": layer(domain.DEMO_LAYER_TOWNS),
                },
                profile,
            )["results"]
            lines.append(f"  imported into {Path(ledger).name}: {imported['ADDED']:.0f} spots")
    return lines


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


if __name__ == "__main__":
    import argparse
    import shutil

    from scripts.qgisproc import enable_plugin

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="demo_output", type=Path)
    args = parser.parse_args()
    target = args.out.resolve()
    profile = target / ".qgis_profile_campaigns"
    enable_plugin(profile)
    district = target / dd.GPKG_NAME
    if not district.exists():
        dd.create_demo_district(target)
    for line in run_campaigns(target, district, profile):
        print(line)
    shutil.rmtree(profile, ignore_errors=True)
