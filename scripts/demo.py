"""`make demo`: builds the demo district and screens its spots headless with qgis_process.

Prints what it wrote to the output folder and how many spots were flagged for each reason.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import time
from pathlib import Path

import fiona

# Headless, as `make demo` runs it: run by hand on a server, its last step (writing the demo
# project with PyQGIS) would abort looking for a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from scripts.qgisproc import enable_plugin, qgis_process, run_algorithm  # noqa: E402
from zc_enforcement_plugin.core import clock, domain  # noqa: E402
from zc_enforcement_plugin.core.areas import shown_mu  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="demo_output", type=Path)
    args = parser.parse_args()
    out: Path = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    profile = out / ".qgis_profile"  # a private QGIS profile: the user's own is never touched

    started = time.monotonic()
    enable_plugin(profile)
    listing = qgis_process(["list"], profile).stdout
    ours = sorted({line.split()[0] for line in listing.splitlines() if "zcenforcement:" in line})
    print(f"Processing provider zcenforcement: {len(ours)} algorithms: {', '.join(ours)}")

    district = run_algorithm("zcenforcement:createdemodistrict", {"FOLDER": out}, profile)[
        "results"
    ]
    gpkg = Path(district["GEOPACKAGE"])
    print(f"Demo district: {gpkg.relative_to(out.parent)} ({district['SUMMARY']})")

    screened = out / "screened_spots.gpkg"
    pieces = out / "screened_pieces.gpkg"
    parameters = {
        "SPOTS": f"{gpkg}|layername={domain.DEMO_LAYER_SPOTS}",
        **{k: f"{gpkg}|layername={v}" for k, v in domain.DEMO_SCREENING_OVERLAYS.items()},
        "OUTPUT": screened,
        "OUTPUT_PIECES": pieces,
    }
    run_algorithm("zcenforcement:screenspots", parameters, profile)
    summarise(screened, pieces)

    ledger_path = out / "ledger.gpkg"
    imported = run_algorithm(
        "zcenforcement:importspots",
        {
            "SPOTS": screened,
            "LEDGER": ledger_path,
            "BATCH": "2026年第一季度卫片",
            "TOWNS": f"{gpkg}|layername={domain.DEMO_LAYER_TOWNS}",
            "PIECES": pieces,
        },
        profile,
    )["results"]
    print(
        f"Ledger {ledger_path.relative_to(out.parent)}: {imported['ADDED']:.0f} spots imported, "
        f"{imported['REFUSED']:.0f} refused (the duplicated JCBH, reported by number)"
    )
    verify_some(ledger_path, out / "after.tif")

    export = run_algorithm(
        "zcenforcement:exportverification",
        {
            "LEDGER": ledger_path,
            "OUTPUT_FOLDER": out / "export",
            "ENCODING": 1,
            "AFTER_IMAGE": out / "after.tif",
            "BEFORE_IMAGE": out / "before.tif",
        },
        profile,
    )["results"]
    written = sorted(p.name for p in (out / "export").iterdir())
    print(f"Export (GBK Shapefile) -> export/: {', '.join(written)}")
    del export

    from scripts.demo_campaigns import run_campaigns

    print("Campaigns -> campaigns/ (findings imported into the ledger as batches of their own):")
    for line in run_campaigns(out, gpkg, profile, ledger=ledger_path):
        print(f"  {line}")

    month = clock.today().strftime("%Y-%m")
    ranking = run_algorithm(
        "zcenforcement:monthlyranking",
        {"LEDGER": ledger_path, "MONTH": month, "OUTPUT_FOLDER": out / "reports"},
        profile,
    )["results"]
    print(
        f"Monthly ranking of offices for {month} -> reports/: "
        f"{Path(ranking['XLSX']).name}, {Path(ranking['PDF']).name}"
    )
    add_results_to_project(out, gpkg, district, screened)
    shutil.rmtree(profile, ignore_errors=True)
    project = (out / "demo_district.qgz").relative_to(out.parent)  # as the other lines name files
    print(f"Done in {time.monotonic() - started:.0f} s. Open {project} in QGIS.")
    return 0


def summarise(screened: Path, pieces: Path) -> None:
    with fiona.open(screened) as spots:
        rows = [feature.properties for feature in spots]
    with fiona.open(pieces) as layer:
        piece_count = len(layer)
    verdicts = collections.Counter(row[domain.SUGGESTED_VERDICT] for row in rows)
    print(f"Screened {len(rows)} spots -> {screened.name} ({piece_count} pieces -> {pieces.name})")
    for verdict, count in verdicts.most_common():
        print(f"  {verdict}: {count}")
    print("Spots touching each layer:")
    print(f"  耕地 cultivated land: {sum(1 for r in rows if r[domain.CULTIVATED_FLAG])}")
    for layer in domain.OVERLAY_LAYERS:
        print(f"  {layer.label_zh} {layer.label_en}: {sum(1 for r in rows if r[layer.flag_field])}")
    criminal = [r[domain.SPOT_NUMBER] for r in rows if r[domain.CRIMINAL_FLAG]]
    print(f"  reaching the criminal-referral threshold: {len(criminal)}")
    notes = [r for r in rows if r[domain.GEOMETRY_NOTE]]
    print(f"  with geometry problems repaired or noted: {len(notes)}")
    total = sum(r[domain.SPOT_AREA] or 0 for r in rows)
    cultivated = sum(r[domain.CULTIVATED_AREA] or 0 for r in rows)
    print(
        f"Total spot area {total:.2f} m² ({shown_mu(total):.2f} 亩), "
        f"of it cultivated {cultivated:.2f} m² ({shown_mu(cultivated):.2f} 亩)"
    )


def verify_some(ledger_path: Path, after_image: Path, count: int = 40) -> None:
    """Record verdicts with photo evidence for part of the batch, cases for the illegal ones
    and this month's patrols, as the offices would."""
    from scripts.demo_verification import record_demo_patrols, record_demo_verdicts
    from zc_enforcement_plugin.core import ledger

    today = clock.today()
    with ledger.GeoPackageLedger(ledger_path) as store:
        done = record_demo_verdicts(store, after_image, count, today)
        offices = sorted({s.office for s in store.spots() if s.office})
        patrols = record_demo_patrols(store, offices, today)
        verified, total = store.counts()
        photos = len(store.evidence())
        case_count = len(store.cases())
    print(
        f"Verified {done} spots with {photos} field photos (EXIF time and GPS): "
        f"{verified} / {total} verified; {case_count} cases opened; {patrols} patrols logged"
    )


def add_results_to_project(out: Path, gpkg: Path, district: dict, screened: Path) -> None:
    """Rewrite the demo project with the screening result on top, styled."""
    from qgis.core import QgsApplication

    from zc_enforcement_plugin.processing.demo_project import write_demo_project

    app = QgsApplication([], False)
    app.initQgis()
    images = [out / "before.tif", out / "after.tif"]
    problems = write_demo_project(
        gpkg,
        Path(district["PROJECT"]),
        *(image if image.exists() else None for image in images),
        extra_vector_layers=[(screened, "", "筛查结果 screened spots")],
    )
    for problem in problems:
        print(f"warning: {problem}")


if __name__ == "__main__":
    sys.exit(main())
