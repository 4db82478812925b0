"""`make bench` (part 3): the brigade's reports on a ledger kept for two years.

6,000 spots in eight quarterly batches, 1,600 judged illegal, 1,200 cases with their steps, five
offices patrolling three days a week. Times what the brigade waits for: counting the year
assessment (twelve months and the year, each judged at its own end), a monthly ranking and a
weekly dispatch, without writing the files (their PDFs are timed with the algorithms).
Targets: assessment under 6 s, monthly ranking and weekly dispatch under 2 s each; and a
cancelled assessment stops within 1 s of being asked.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPOTS = 6000
ILLEGAL = 1600
CASES = 1200
OFFICES = [f"所{i}" for i in range(5)]
FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
TARGETS = {"assessment": 6.0, "monthly ranking": 2.0, "weekly dispatch": 2.0}
CANCEL_TARGET = 1.0


def build_ledger(path: Path) -> None:
    import shapely

    from zc_enforcement_plugin.core import domain, ledger
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.cases import ORIGIN_SPOT, CaseEvent, Stage
    from zc_enforcement_plugin.core.patrols import PatrolRecord

    rng = random.Random(2024)
    with ledger.GeoPackageLedger(path) as store:
        for quarter in range(8):
            records = []
            for i in range(SPOTS // 8):
                n = quarter * (SPOTS // 8) + i
                x, y = 39_560_000 + rng.uniform(0, 30_000), 4_030_000 + rng.uniform(0, 40_000)
                geometry = shapely.box(x, y, x + rng.uniform(20, 90), y + rng.uniform(20, 90))
                attributes = {
                    domain.SPOT_NUMBER: f"370302{2024 + quarter // 4}{n:06d}",
                    domain.SPOT_AREA: round(geometry.area, 2),
                    domain.CULTIVATED_AREA: round(geometry.area * 0.6, 2),
                    domain.BASIC_FARMLAND_AREA: round(geometry.area * 0.3, 2),
                    domain.OFFICE_NAME: OFFICES[n % len(OFFICES)],
                    domain.TOWN_NAME: f"镇{n % 9}",
                }
                records.append(ledger.SpotRecord(attributes, geometry, n))
            store.import_batch(f"{2024 + quarter // 4}年第{quarter % 4 + 1}季度", records)
        spots = store.spots()
        rng.shuffle(spots)
        days = (LAST_DAY - FIRST_DAY).days - 120
        judged = []
        with store.transaction():
            for spot in spots[:ILLEGAL]:
                day = FIRST_DAY + dt.timedelta(days=rng.randrange(days))
                verdict = ledger.Verdict(
                    ls.VERDICT_ILLEGAL,
                    "未报即用",
                    "张三",
                    day.isoformat(),
                    details={ls.DETAIL_STOP_ORDER: rng.random() < 0.3},
                )
                store.record_verdict(spot.id, verdict)
                judged.append((spot, day))
        steps = [
            (Stage.VERIFY, 2),
            (Stage.STOP, 3),
            (Stage.FILE, 7),
            (Stage.INVESTIGATE, 20),
            (Stage.NOTIFY, 40),
            (Stage.PENALISE, 60),
        ]
        with store.transaction():
            for spot, day in judged[:CASES]:
                case_id = store.open_case(ORIGIN_SPOT, spot_id=spot.id, date=day)
                for stage, offset in steps[: rng.randint(0, len(steps))]:
                    event = CaseEvent(case_id, stage, day + dt.timedelta(days=offset), "张三")
                    store.add_case_event(case_id, event)
        with store.transaction():
            day, n = FIRST_DAY, 0
            while day <= LAST_DAY:
                if day.weekday() in (0, 2, 4):
                    for office in OFFICES:
                        n += 1
                        store.add_patrol(PatrolRecord(f"XC{n:06d}", office, day, ["张三"]))
                day += dt.timedelta(days=1)


def main() -> int:
    from zc_enforcement_plugin.core import reports
    from zc_enforcement_plugin.core.ledger import GeoPackageLedger

    as_of = dt.date(2026, 1, 15)
    made = {
        "assessment": lambda store, cal, **k: reports.assessment(
            store, reports.Period.year(2025), cal, as_of, **k
        ),
        "monthly ranking": lambda store, cal, **k: reports.monthly_ranking(
            store, reports.Period.month(2025, 10), cal, as_of, **k
        ),
        "weekly dispatch": lambda store, cal, **k: reports.weekly_dispatch(
            store, reports.Period.week(dt.date(2026, 1, 5)), cal, as_of, **k
        ),
    }
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.gpkg"
        started = time.perf_counter()
        build_ledger(path)
        print(
            f"ledger of {SPOTS} spots, {CASES} cases built in {time.perf_counter() - started:.1f} s"
        )
        for name, make in made.items():
            with GeoPackageLedger(path, create=False) as store:
                calendar = store.work_calendar(strict=False)
                started = time.perf_counter()
                make(store, calendar)
                took = time.perf_counter() - started
            ok &= took < TARGETS[name]
            print(f"{name}: {took:.2f} s (target < {TARGETS[name]:g} s)")
        # Cancelled once a third counted: how long until it gives up.
        with GeoPackageLedger(path, create=False) as store:
            calendar = store.work_calendar(strict=False)
            asked: list[float] = []

            def progress(percent: float) -> None:
                if percent >= 60.0 and not asked:
                    asked.append(time.perf_counter())

            try:
                made["assessment"](store, calendar, progress=progress, is_cancelled=lambda: asked)
            except reports.ReportCancelled:
                took = time.perf_counter() - asked[0]
            else:
                took = float("inf")  # never heard the cancel
        ok &= took < CANCEL_TARGET
        print(f"assessment cancelled: stopped {took:.2f} s after (target < {CANCEL_TARGET:g} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
