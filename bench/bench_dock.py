"""`make bench` (part 2): moving to the next spot in the dock on a ledger of 5,000 spots.

Times what a technician waits for after pressing →: the queue moves, the spot's figures,
verdicts and evidence are read from the ledger, the outline is drawn and both image canvases
and the main canvas are told to redraw (they draw in the background, as in QGIS).
Target: under 100 ms per move.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPOTS = 5000
MOVES = 300


def build_ledger(path: Path) -> None:
    import numpy as np
    import shapely

    from zc_enforcement_plugin.core import domain, ledger

    rng = np.random.default_rng(5000)
    x = 39_560_000 + rng.uniform(0, 30_000, SPOTS)
    y = 4_030_000 + rng.uniform(0, 40_000, SPOTS)
    size = rng.uniform(15, 80, SPOTS)
    records = []
    for i in range(SPOTS):
        geometry = shapely.box(x[i], y[i], x[i] + size[i], y[i] + size[i] * 0.8)
        area = round(geometry.area, 2)
        cultivated = round(area / 2, 2)
        attributes = {
            domain.SPOT_NUMBER: f"370302202{i:05d}",
            domain.SPOT_AREA: area,
            # A land split that adds up to the spot: the verdict form starts from it, and a
            # verified split that does not add up is refused.
            domain.CULTIVATED_AREA: cultivated,
            domain.CONSTRUCTION_AREA: round(area - cultivated, 2),
            domain.REVIEW_PRIORITY: int(rng.integers(1, 5)),
            domain.SUGGESTED_VERDICT: domain.SUGGEST_ILLEGAL,
            domain.TOWN_NAME: f"镇{i % 9}",
            domain.OFFICE_NAME: f"所{i % 5}",
        }
        records.append(ledger.SpotRecord(attributes, geometry, i))
    with ledger.GeoPackageLedger(path) as store:
        store.import_batch("bench", records)


def overdue_filter_and_save(app, dock) -> None:
    """The "case overdue today" status filter and a verdict saved with it on: every spot judged
    违法 with half of them given a case, so the filter judges cases and unopened spots alike."""
    import datetime as dt

    from zc_enforcement_plugin.core import cases, ledger
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.ui.review_session import STATUS_OVERDUE

    store = dock.session.store
    for number, spot in enumerate(store.spots()[:600]):
        day = dt.date(2025, 3, 3)
        store.record_verdict(spot.id, ledger.Verdict(ls.VERDICT_ILLEGAL, "未报即用", "张三", day))
        if number % 2:
            store.open_case(cases.ORIGIN_SPOT, spot_id=spot.id)
    box = dock.filter_boxes["status"]
    started = time.perf_counter()
    box.setCurrentIndex(box.findData(STATUS_OVERDUE))
    app.processEvents()
    listed = len(dock.session.queue)
    print(f"overdue filter: {1000 * (time.perf_counter() - started):.0f} ms, {listed} spots listed")
    panel = dock.open_verdict_form(ls.VERDICT_ILLEGAL)
    panel.verifier.setText("赵六")
    panel.kind.setCurrentIndex(1)
    started = time.perf_counter()
    saved = panel.save()
    app.processEvents()
    if not saved:  # a refused save is no measure of saving (and would leave the form asking)
        raise RuntimeError(f"the verdict was refused: {panel.messages.text()}")
    print(f"verdict saved with it on: {1000 * (time.perf_counter() - started):.0f} ms")


def main() -> int:
    from qgis.core import Qgis, QgsApplication
    from qgis.gui import QgsMapCanvas, QgsMessageBar

    app = QgsApplication([], True)
    app.initQgis()
    from zc_enforcement_plugin.ui.verification_dock import VerificationDock

    class Bridge:  # hands the project's layers to the map: nothing to hand here
        def setCanvasLayers(self):  # noqa: N802
            pass

    class Iface:  # the things the dock asks of QGIS's interface here
        canvas = QgsMapCanvas()

        def mapCanvas(self):  # noqa: N802
            return self.canvas

        def layerTreeCanvasBridge(self):  # noqa: N802
            return Bridge()

        bar = QgsMessageBar()  # a saved verdict is said there, as in QGIS

        def messageBar(self):  # noqa: N802
            return self.bar

        def activeLayer(self):  # noqa: N802 - kept across opening the ledger: none here
            return None

        def setActiveLayer(self, layer):  # noqa: N802
            pass

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.gpkg"
        started = time.perf_counter()
        build_ledger(path)
        print(f"ledger of {SPOTS} spots built in {time.perf_counter() - started:.1f} s")
        dock = VerificationDock(None, Iface())
        dock.resize(520, 900)
        dock.show()
        started = time.perf_counter()
        dock.open_ledger(str(path))
        print(f"opening it in the dock: {1000 * (time.perf_counter() - started):.0f} ms")
        timings = []
        for _ in range(MOVES):
            started = time.perf_counter()
            dock.next_button.click()
            app.processEvents()
            timings.append(1000 * (time.perf_counter() - started))
        timings.sort()
        median = statistics.median(timings)
        p95 = timings[int(0.95 * len(timings)) - 1]
        print(
            f"next spot: median {median:.1f} ms, 95th percentile {p95:.1f} ms, "
            f"worst {timings[-1]:.1f} ms over {MOVES} moves (target < 100 ms)"
        )
        overdue_filter_and_save(app, dock)
        # Only the saved verdict's notice: a warning would mean the bench measured something
        # else than a technician's plain moves and save.
        levels = {item.level() for item in Iface.bar.items()}
        if levels != {Qgis.MessageLevel.Success}:
            raise RuntimeError(f"unexpected notices in the benchmark: {levels}")
        dock.cleanup()
        # Widgets and canvases must go before QGIS shuts down, or Qt crashes deleting them late.
        dock.deleteLater()
        app.processEvents()
        del dock
    Iface.canvas.deleteLater()
    Iface.bar.deleteLater()
    app.processEvents()
    app.exitQgis()
    return 0 if p95 < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
