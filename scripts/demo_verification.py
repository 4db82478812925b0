"""The verification part of `make demo`: field photos, verdicts and evidence for some demo spots.

A technician's week in miniature: the photos are crops of the later image around each spot,
saved as JPEGs that carry EXIF time and GPS like a phone's, so the evidence panel, the map of
photo positions and the export have real material to show.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pyproj
import rasterio
import rasterio.windows
import shapely
from PIL import Image

from zc_enforcement_plugin.core import cases, domain, evidence, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.patrols import PatrolRecord

PHOTO_SIZE_M = 160.0  # ground width of a demo photo
VERIFIER = "张工"


def working_month(today: dt.date) -> list[dt.date]:
    """Weekdays of the current month up to today: the demo's verdicts and patrols fall in this
    month, so `make demo` ranks the offices for a month that has data."""
    start = today.replace(day=1)
    days = [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]
    return [day for day in days if day.weekday() < 5] or [today]


def record_demo_verdicts(
    store: ledger.GeoPackageLedger, after_image: Path, count: int, today: dt.date
) -> int:
    """Verdict the first `count` spots of the queue that lie on the images; returns how many."""
    with rasterio.open(after_image) as raster:
        frame = shapely.box(*raster.bounds).buffer(-PHOTO_SIZE_M)
        to_wgs84 = pyproj.Transformer.from_crs(raster.crs, 4326, always_xy=True)
        done = 0
        days = working_month(today)
        for summary in store.spots(None):
            if done >= count:
                break
            spot = store.spot(summary.id)
            if spot.geometry is None or spot.geometry.is_empty:
                continue
            if not frame.contains(spot.geometry):
                continue
            day = days[done * len(days) // count]
            verdict = demo_verdict(spot, day)
            store.record_verdict(spot.id, verdict)
            centre = spot.geometry.representative_point()
            lon, lat = to_wgs84.transform(centre.x, centre.y)
            taken = dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=7 * done)
            with tempfile.TemporaryDirectory() as folder:
                photo = Path(folder) / f"IMG_{20260302 + done:08d}.jpg"
                write_photo(raster, centre.x, centre.y, photo, taken, lon, lat)
                record = evidence.store_evidence_file(store.path, spot.number, photo, "photo")
            evidence_id = store.add_evidence(spot.id, record)
            if verdict.category == ls.VERDICT_ILLEGAL:
                open_demo_case(store, spot.id, day, today, done, evidence_id)
            done += 1
    return done


def open_demo_case(store, spot_id: int, day: dt.date, today: dt.date, n: int, evidence_id):
    """A case for an illegal spot: verified the same day; most are stopped the next working
    day, some left waiting so the dock and the reports show an overdue one."""
    case_id = store.open_case(cases.ORIGIN_SPOT, spot_id=spot_id, date=day, person=VERIFIER)
    store.add_case_event(
        case_id,
        cases.CaseEvent(
            case_id,
            cases.Stage.VERIFY,
            day,
            VERIFIER,
            documents=("现场勘验笔录",),
            evidence_ids=(str(evidence_id),),
        ),
    )
    stop_day = min(day + dt.timedelta(days=1), today)
    if n % 3 != 2:
        store.add_case_event(
            case_id,
            cases.CaseEvent(
                case_id, cases.Stage.STOP, stop_day, VERIFIER, documents=("责令停止违法行为通知书",)
            ),
        )


def record_demo_patrols(store: ledger.GeoPackageLedger, offices: list[str], today: dt.date) -> int:
    """Patrols this month: most offices on 3 or more days a week, the last one on fewer, so
    the weekly rule and the ranking have a shortfall to show."""
    count = 0
    for index, office in enumerate(sorted(offices)):
        for day in working_month(today):
            lazy = index == len(offices) - 1
            if day.weekday() in ((0, 3) if lazy else (0, 2, 4)):
                store.add_patrol(
                    PatrolRecord(
                        id=f"XC-{office}-{day.isoformat()}",
                        office=office,
                        date=day,
                        staff=(VERIFIER, "王工"),
                        findings="未发现新的违法用地",
                    )
                )
                count += 1
    return count


def demo_verdict(spot: ledger.Spot, day: dt.date) -> ledger.Verdict:
    """What a technician would most often find for this suggestion."""
    attributes = spot.attributes
    areas = {name: float(attributes.get(name) or 0.0) for name in ls.VERDICT_AREA_FIELDS}
    suggested = attributes.get(domain.SUGGESTED_VERDICT)
    if suggested == domain.SUGGEST_APPROVED:
        approval = str(attributes.get(domain.APPROVAL_HITS) or "").split(domain.HITS_SEPARATOR)[0]
        return ledger.Verdict(
            category=ls.VERDICT_LEGAL,
            kind=ls.LEGAL_BASES[0],
            verifier=VERIFIER,
            verified_on=day,
            approval_number=approval or "鲁政土字〔2024〕1号",
            areas=areas,
            note="实地与批准范围一致",
        )
    if suggested == domain.SUGGEST_ILLEGAL:
        kind = "占用基本农田" if areas[domain.BASIC_FARMLAND_AREA] > 0 else "未报即用"
        return ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind=kind,
            verifier=VERIFIER,
            verified_on=day,
            areas=areas,
            note="已现场制止，责令停止施工",
        )
    reason = str(attributes.get(domain.VERDICT_REASON) or "")
    beyond = "超出批准范围" in reason  # mostly approved, the rest on farmland or red line
    mining_zones = (domain.NO_MINING_AREA, domain.THREE_ZONES_AREA)
    in_zone = any(float(attributes.get(name) or 0.0) > 0 for name in mining_zones)
    digging = in_zone and spot.id % 2 == 0
    if beyond or digging:  # what half the field checks in mining zones find: digging
        return ledger.Verdict(
            category=ls.VERDICT_ILLEGAL,
            kind="超占用地" if beyond else "其他违法",
            verifier=VERIFIER,
            verified_on=day,
            areas=areas,
            note="超出批准范围占地" if beyond else "私自挖采，已制止",
        )
    return ledger.Verdict(
        category=ls.VERDICT_OTHER,
        kind="实地未变化",
        verifier=VERIFIER,
        verified_on=day,
        areas=areas,
        note="影像差异为季节变化",
    )


def write_photo(raster, x: float, y: float, path: Path, taken, lon: float, lat: float) -> None:
    """A JPEG crop of the image around (x, y) with EXIF DateTimeOriginal and GPS."""
    half = PHOTO_SIZE_M / 2
    window = rasterio.windows.from_bounds(x - half, y - half, x + half, y + half, raster.transform)
    pixels = raster.read(window=window, boundless=True)
    image = Image.fromarray(np.moveaxis(pixels[:3], 0, -1).astype(np.uint8)).resize((480, 480))
    exif = Image.Exif()
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x0132] = stamp  # DateTime
    exif[0x010F] = "ZC Enforcement demo"  # Make
    exif[0x8769] = {0x9003: stamp}  # Exif IFD: DateTimeOriginal
    exif[0x8825] = {  # GPS IFD
        1: "N" if lat >= 0 else "S",
        2: _dms(abs(lat)),
        3: "E" if lon >= 0 else "W",
        4: _dms(abs(lon)),
    }
    image.save(path, "JPEG", quality=80, exif=exif)


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), float(seconds))
