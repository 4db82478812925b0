"""`make demo`'s campaign part through qgis_process: what it puts into the ledger."""

from __future__ import annotations

import pytest

from scripts.demo_campaigns import run_campaigns
from scripts.qgisproc import enable_plugin
from zc_enforcement_plugin.core.ledger import GeoPackageLedger


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    home = tmp_path_factory.mktemp("qgis_profile")
    enable_plugin(home)
    return home


def test_the_campaign_batches_are_imported_with_their_town_and_office(profile, demo, tmp_path):
    """Found by review: the audits' findings came into the demo ledger with no town (XZMC) or
    office (SMC), so no office's ranking or dispatch held them, where the satellite batch's
    spots, imported with the towns layer, each have theirs."""
    ledger_path = tmp_path / "ledger.gpkg"
    run_campaigns(tmp_path, demo.gpkg, profile, ledger=ledger_path)
    with GeoPackageLedger(ledger_path) as store:
        spots = store.spots()
    batches = {spot.batch for spot in spots}
    assert len(batches) == 3, batches  # temporary land, facility land, mining
    without = [(s.batch, s.number) for s in spots if not s.town or not s.office]
    assert not without, f"{len(without)} of {len(spots)} spots without town or office: {without}"
