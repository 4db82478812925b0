"""`make screenshots`: the verification dock on the demo ledger, rendered offscreen into docs/.

Needs `make demo` first (it builds demo_output/ with the screened batch and the demo ledger).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qgis.core import QgsApplication, QgsProject  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication  # noqa: E402


def settle(app, rounds: int = 40) -> None:
    """Let canvases finish rendering (they draw in background threads)."""
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.05)


def _spot_in_images(session, image: Path) -> int:
    import rasterio
    import shapely

    with rasterio.open(image) as raster:
        frame = shapely.box(*raster.bounds).buffer(-300)
    for summary in session.queue:
        spot = session.store.spot(summary.id)
        if spot.geometry is not None and frame.contains(spot.geometry):
            return summary.id
    return session.queue[0].id


def main() -> int:
    demo = REPO / "demo_output"
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    app = QgsApplication([], True)
    app.initQgis()
    from zc_enforcement_plugin.i18n import install_qt_translator, install_translator

    # Held: a collected translator stops working. Qt's own (Save, Cancel) as the plugin
    # installs it in a QGIS set to 简体中文.
    translators = [install_translator("zh_CN"), install_qt_translator("zh_CN")]  # noqa: F841
    project = QgsProject.instance()
    project.read(str(demo / "demo_district.qgz"))
    from zc_enforcement_plugin.ui.verification_dock import VerificationDock

    dock = VerificationDock(None, None)
    dock.resize(dock.fitting_width(), 1100)  # as wide as the plugin opens it
    dock.show()
    dock.open_ledger(str(demo / "ledger.gpkg"))
    # A spot inside the demo images, so the before/after canvases show its change.
    inside = _spot_in_images(dock.session, demo / "after.tif")
    dock.session.go_to(inside)
    dock._show_current()
    settle(app)
    panel = dock.open_verdict_form("违法")
    settle(app, 10)
    dock.grab().save(str(docs / "dock_verdict.png"))
    print(f"wrote {docs / 'dock_verdict.png'}")
    panel.acceptPanel()
    # A spot with a case: its stage and deadlines on the case page.
    record = next(iter(dock.session.store.cases()), None)
    if record is not None:
        dock.session.go_to(record.spot_id)
        dock._show_current()
        settle(app)
        dock.grab().save(str(docs / "dock_case_spot.png"))
        case_panel = dock.open_case_panel()
        settle(app, 10)
        dock.grab().save(str(docs / "dock_case.png"))
        print(f"wrote {docs / 'dock_case.png'}")
        case_panel.acceptPanel()
    # The form that opens a case from a patrol finding (shown, not saved: the demo ledger
    # keeps its cases).
    if dock.session.store.patrols():
        form = dock.open_patrol_case_form()
        form.areas["GDMJ"].setValue(7200.0)
        form.areas["YJJBNTMJ"].setValue(3500.0)
        settle(app, 10)
        dock.grab().save(str(docs / "dock_patrol_case.png"))
        print(f"wrote {docs / 'dock_patrol_case.png'}")
        form.acceptPanel()
    dock.cleanup()
    # The dock's map canvases must go before QGIS does: left to Python's exit, they were
    # deleted after exitQgis and crashed it.
    from qgis.PyQt import sip

    sip.delete(dock)
    QgsProject.instance().clear()
    QCoreApplication.processEvents()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
