"""Shared fixtures: headless Qt, the repository paths, the zh_CN catalogue and a demo district
made once per run."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pytest  # noqa: E402

from tests.postgis_fixtures import pg_database, schema  # noqa: E402, F401 - registered here
from zc_enforcement_plugin.core import clock, demo_district  # noqa: E402


def pytest_sessionstart(session):
    """Compile the zh_CN catalogue (.qm, git-ignored) when it is missing or older than its .ts,
    by the Makefile's own rule: the tests of the Chinese interface load it, and pytest run
    straight after `make setup` (which does not build it) would fail them for a build step
    skipped, not for a fault. `make test` builds it first anyway; here it is then up to date."""
    try:
        built = subprocess.run(
            ["make", "-s", "translations"], cwd=REPO, capture_output=True, text=True
        )
        problem = None if built.returncode == 0 else (built.stdout + built.stderr).strip()
    except OSError as error:  # no make on this machine
        problem = str(error)
    if problem:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        line = f"zh_CN catalogue not built (make translations): {problem}"
        if reporter is not None:
            reporter.write_line(line, yellow=True)


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> demo_district.DemoDistrict:
    """The bundled demo district, written once for the whole test session."""
    return demo_district.create_demo_district(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def provider(qgis_processing):
    """The plugin's Processing provider, registered for the tests of a module."""
    from qgis.core import QgsApplication

    from zc_enforcement_plugin.processing.provider import EnforcementProvider

    registry = QgsApplication.processingRegistry()
    provider = EnforcementProvider()  # held by the fixture so Python does not collect it
    registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)


# Tuesday 2026-03-03 07:30 in Zichuan: still Monday 2026-03-02 (23:30) in UTC and in Los Angeles.
ZICHUAN_MORNING = dt.datetime(2026, 3, 3, 7, 30, tzinfo=clock.CHINA_TIME)


class BeijingClock:
    """The Beijing time the plugin reads (clock.now, its one seam), set by a test."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch
        self.set(ZICHUAN_MORNING)

    def set(self, moment: dt.datetime) -> None:
        """Make it ``moment`` (aware) for the plugin, and for this computer's own clock too
        (time.time, which date.today() reads): code that asked the computer for the day
        rather than the plugin's clock would get its own zone's day of the same instant."""
        self._monkeypatch.setattr(clock, "now", lambda: moment.astimezone(clock.CHINA_TIME))
        self._monkeypatch.setattr(time, "time", moment.timestamp)


@pytest.fixture(params=["UTC", "America/Los_Angeles"])
def away_from_beijing(request, monkeypatch) -> BeijingClock:
    """A laptop set to a zone behind Beijing's (TZ, as the C library reads it), with Beijing
    time at ZICHUAN_MORNING unless the test moves it: its own day is still yesterday."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    try:
        yield BeijingClock(monkeypatch)
    finally:
        monkeypatch.undo()  # TZ as it was, before tzset reads it again
        time.tzset()


@pytest.fixture(autouse=True, scope="session")
def layers_kept_by_refused_runs(qgis_app):
    """Destroys, before QGIS exits, the layers the tests made that are still alive then.

    QGIS 3.22's bindings never release a QgsProcessingException raised through
    processAlgorithm: the frames of its traceback stay, and with them the callers' frames
    (processing.run's), whose parameters hold the layers a test passed. The plugin raises its
    refusals afresh so that nothing of the run itself is kept (tests/test_refused_runs.py), but
    these layers stay; at exit PyQt destroyed them after exitQgis had closed GDAL, and a whole
    run of the suite (2373 passed) ended in a segmentation fault in QgsOgrProvider's release.
    Torn down before qgis_app, which it depends on."""
    yield
    import gc

    from qgis.core import QgsMapLayer
    from qgis.PyQt import sip

    gc.collect()
    for layer in [o for o in gc.get_objects() if isinstance(o, QgsMapLayer)]:
        if not sip.isdeleted(layer) and sip.ispyowned(layer):
            sip.delete(layer)
