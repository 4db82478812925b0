"""The plugin works headless: qgis_process enables it, lists its algorithms and runs them."""

from __future__ import annotations

import pytest

from scripts.qgisproc import enable_plugin, qgis_process


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    home = tmp_path_factory.mktemp("qgis_profile")
    enable_plugin(home)
    return home


def test_qgis_process_lists_the_provider(profile):
    listing = qgis_process(["list"], profile).stdout
    assert "zcenforcement:createdemodistrict" in listing
    assert "zcenforcement:screenspots" in listing


def test_qgis_process_help_documents_output_fields(profile):
    help_text = qgis_process(["help", "zcenforcement:screenspots"], profile).stdout
    for word in ("TBMJ", "GDMJ", "YJJBNTMJ", "AREA_METHOD", "OUTPUT_PIECES", "DEDUCT_RIDGES"):
        assert word in help_text
