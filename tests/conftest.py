"""Shared fixtures: headless Qt, the repository paths and a demo district made once per run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pytest  # noqa: E402

from tests.postgis_fixtures import pg_database, schema  # noqa: E402, F401 - registered here
from zc_enforcement_plugin.core import demo_district  # noqa: E402


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
