"""An optional output left empty is not asked for, however it comes: a script leaves it out or
passes None, qgis_process passes '' (NAME=), the batch dialog's blank output cell a definition
of an empty sink (QgsProcessingOutputLayerDefinition('')). Found in QGIS's batch dialog: with the
pieces cell blank, as the dialog starts it, every row of a screenspots batch failed with "Cannot
create the pieces layer". (A NULL QVariant, which the dialogs pass for an empty file or number,
QGIS itself takes as the output "0" before the algorithm runs, QGIS's own tools too.)"""

from __future__ import annotations

import pytest
from qgis.core import QgsProcessingOutputLayerDefinition

from tests.test_campaign_algorithms import output, rows, run, src, three_zones_parameters
from zc_enforcement_plugin.core import domain

EMPTY = {
    "left out": ...,
    "None": None,
    "qgis_process NAME=": "",
    "batch dialog's blank cell": QgsProcessingOutputLayerDefinition(""),
}


def _with(parameters: dict, names: tuple[str, ...], empty) -> dict:
    left = {k: v for k, v in parameters.items() if k not in names}
    return left if empty is ... else {**left, **dict.fromkeys(names, empty)}


def _records(layer) -> list[tuple]:
    return sorted(
        tuple(str(value) for key, value in sorted(row.items()) if key != "geometry")
        for row in rows(layer)
    )


@pytest.fixture(scope="module")
def screened_with_pieces(provider, demo):
    parameters = {
        "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS),
        "LAND_USE": src(demo, domain.DEMO_LAYER_LAND_USE),
        "OUTPUT": "memory:",
        "OUTPUT_PIECES": "memory:",
    }
    return parameters, run("screenspots", parameters)


@pytest.mark.parametrize("empty", EMPTY.values(), ids=EMPTY.keys())
def test_screening_without_the_pieces_asked_for_runs(screened_with_pieces, empty):
    parameters, whole = screened_with_pieces
    result = run("screenspots", _with(parameters, ("OUTPUT_PIECES",), empty))
    assert "OUTPUT_PIECES" not in result
    assert _records(output(result, "OUTPUT")) == _records(output(whole, "OUTPUT"))


@pytest.fixture(scope="module")
def views_with_tables(provider, demo):
    parameters = three_zones_parameters(demo)
    return parameters, run("threezonestwolines", parameters)


@pytest.mark.parametrize("empty", EMPTY.values(), ids=EMPTY.keys())
def test_view_areas_without_their_tables_asked_for_run(views_with_tables, empty):
    parameters, whole = views_with_tables
    tables = ("OUTPUT_SUMMARY", "OUTPUT_DETAIL")
    for left_empty in (tables, tables[:1], tables[1:]):
        result = run("threezonestwolines", _with(parameters, left_empty, empty))
        assert not set(left_empty) & set(result), left_empty
        for name in ("OUTPUT", *(t for t in tables if t not in left_empty)):
            assert _records(output(result, name)) == _records(output(whole, name)), name
