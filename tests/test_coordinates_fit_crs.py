"""Layers whose coordinates do not fit the CRS they declare: Gauss-Krüger metres under EPSG:4490,
longitude/latitude under EPSG:4527. Each algorithm refuses them, naming the layer (or file) and a
feature, before measuring, writing or transforming anything: the audits "succeeded" with wrong
findings, importspots overwrote recorded outlines, and three zones two lines took all the
machine's memory densifying 1 km edges read as 1,000 degrees."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import fiona
import pytest
from pyproj import Transformer
from qgis.core import QgsProcessingException
from shapely.geometry import mapping, shape
from shapely.ops import transform

from tests.processing_child import run_in_child
from zc_enforcement_plugin.core import demo_district as dd
from zc_enforcement_plugin.core import domain

LON_LAT_AS_ZONE = "lon_lat_as_4527"  # degrees in a file saying EPSG:4527
METRES_AS_LON_LAT = "metres_as_4490"  # EPSG:4527 metres in a file saying EPSG:4490
DISTANCES = ["铁路", 1000, "高速公路", 1000, "河流", 500, "自然保护区", 1000, "城镇", 1000]
DISTANCES += ["风景名胜区", 1000]


def relabelled(demo, layer: str, folder: Path, kind: str) -> str:
    """A demo layer written with a CRS that does not fit its coordinates, as a CRS set by hand
    gets them: its features in longitude/latitude under EPSG:4527, or its EPSG:4527 metres
    under EPSG:4490."""
    to_lon_lat = Transformer.from_crs(4527, 4490, always_xy=True).transform
    path = folder / f"{layer}_{kind}.gpkg"
    with fiona.open(demo.gpkg, layer=layer) as source:
        crs = source.crs if kind == LON_LAT_AS_ZONE else "EPSG:4490"
        with fiona.open(path, "w", driver="GPKG", schema=source.schema, crs=crs) as sink:
            for feature in source:
                geometry = shape(feature.geometry)
                if kind == LON_LAT_AS_ZONE:
                    geometry = transform(to_lon_lat, geometry)
                sink.write({"geometry": mapping(geometry), "properties": feature.properties})
    return str(path)


def src(demo, layer: str) -> str:
    return f"{demo.gpkg}|layername={layer}"


def run(algorithm: str, parameters: dict) -> dict:
    import processing

    return processing.run(f"zcenforcement:{algorithm}", parameters)


def campaign_parameters(demo, algorithm: str) -> dict:
    """A campaign's run on the demo district, as the demo runs it."""
    common = {"AREA_METHOD": 1, "YEAR": 2026, "OUTPUT": "memory:"}
    audit = {**common, "OUTPUT_VIOLATIONS": "memory:"}
    if algorithm == "audittemporaryland":
        return {
            **audit,
            "APPROVALS": src(demo, domain.DEMO_LAYER_TEMPORARY_LAND),
            "GROUND": src(demo, dd.DEMO_LAYER_GROUND),
            "CHECK_DATE": dd.CAMPAIGN_CHECK_DATE.isoformat(),
        }
    if algorithm == "auditfacilityland":
        return {
            **audit,
            "APPROVALS": src(demo, domain.DEMO_LAYER_FACILITY_LAND),
            "GROUND": src(demo, dd.DEMO_LAYER_GROUND),
            "AUXILIARY_USES": ";".join(dd.CAMPAIGN_AUXILIARY_USES),
        }
    if algorithm == "auditmining":
        return {
            **audit,
            "ACTIVITY": src(demo, domain.DEMO_LAYER_SPOTS),
            "LICENCES": src(demo, domain.DEMO_LAYER_MINING_LICENCES),
            "CHECK_DATE": dd.CAMPAIGN_CHECK_DATE.isoformat(),
        }
    return {
        **common,
        "LINES": src(demo, domain.DEMO_LAYER_THREE_ZONES_LINES),
        "ZONES": src(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES),
        "DISTANCES": DISTANCES,
    }


# --- campaigns ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "algorithm, parameter, layer",
    [
        ("audittemporaryland", "GROUND", dd.DEMO_LAYER_GROUND),
        ("auditfacilityland", "GROUND", dd.DEMO_LAYER_GROUND),
        ("auditmining", "ACTIVITY", domain.DEMO_LAYER_SPOTS),
        ("threezonestwolines", "ZONES", domain.DEMO_LAYER_THREE_ZONES_ZONES),
    ],
)
def test_a_campaign_layer_of_degrees_under_epsg_4527_is_refused_naming_it(
    provider, demo, tmp_path, algorithm, parameter, layer
):
    """The other layers are in EPSG:4527 too, so nothing is transformed: the audits ran on
    ground lying 39,500 km away and reported what that finds."""
    wrong = relabelled(demo, layer, tmp_path, LON_LAT_AS_ZONE)
    parameters = {**campaign_parameters(demo, algorithm), parameter: wrong}
    with pytest.raises(QgsProcessingException) as error:
        run(algorithm, parameters)
    message = str(error.value)
    assert wrong in message and "do not fit its CRS EPSG:4527" in message, message
    assert "feature 1" in message and "Traceback" not in message


@pytest.mark.parametrize(
    "algorithm, parameter, layer",
    [
        ("audittemporaryland", "APPROVALS", domain.DEMO_LAYER_TEMPORARY_LAND),
        ("auditfacilityland", "APPROVALS", domain.DEMO_LAYER_FACILITY_LAND),
        ("auditmining", "LICENCES", domain.DEMO_LAYER_MINING_LICENCES),
        ("threezonestwolines", "LINES", domain.DEMO_LAYER_THREE_ZONES_LINES),
    ],
)
def test_the_layer_that_sets_the_measuring_crs_in_degrees_under_4527_is_named(
    provider, demo, tmp_path, algorithm, parameter, layer
):
    """The first layer's centre is taken to longitude/latitude to choose the zone: PROJ cannot
    take x=118 m of zone 39 there, and its exception came out as a traceback."""
    wrong = relabelled(demo, layer, tmp_path, LON_LAT_AS_ZONE)
    parameters = {**campaign_parameters(demo, algorithm), parameter: wrong}
    with pytest.raises(QgsProcessingException) as error:
        run(algorithm, parameters)
    message = str(error.value)
    assert wrong in message and "do not fit its CRS EPSG:4527" in message, message
    assert "Traceback" not in message


LIMIT_4_GB = """
import resource
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # the old densifying took it all
"""
THREE_ZONES_CASE = """
import resource
outcome = {"error": None, "kind": None}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    processing.run("zcenforcement:threezonestwolines", json.loads(args[0]))
except Exception as error:
    outcome["error"], outcome["kind"] = str(error), type(error).__name__
# Under the limit the old densifying failed at last and the run went on to the same refusal,
# having taken what memory there was: the growth of the peak tells.
outcome["growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print("OUTCOME " + json.dumps(outcome))
"""


def test_zones_in_metres_under_epsg_4490_are_refused_before_they_are_densified(
    qgis_app, demo, tmp_path
):
    """Read as degrees, the zones' 1 km edges were cut into 22 million 5 m pieces each until
    QGIS was killed for memory. Run in a process of its own with 4 GB of address space: were
    the guard gone, that process dies, not the test session."""
    wrong = relabelled(demo, domain.DEMO_LAYER_THREE_ZONES_ZONES, tmp_path, METRES_AS_LON_LAT)
    parameters = {**campaign_parameters(demo, "threezonestwolines"), "ZONES": wrong}
    outcome = run_in_child(tmp_path, THREE_ZONES_CASE, json.dumps(parameters), before=LIMIT_4_GB)
    assert outcome["kind"] == "QgsProcessingException", outcome
    assert wrong in outcome["error"], outcome
    assert "cannot be brought from EPSG:4490 to EPSG:4527" in outcome["error"], outcome
    assert "e.g. feature 1" in outcome["error"], outcome
    assert outcome["growth_mb"] < 500, outcome  # 6 small zones; 2,400 MB without the guard


# --- importspots --------------------------------------------------------------------------------
def recorded(ledger_path: Path) -> dict[str, list]:
    """Every row of the ledger's spots and batches, outlines included."""
    with sqlite3.connect(ledger_path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("ledger_spots", "ledger_batches")
        }


@pytest.mark.parametrize("batch", ["2026Q1", "2026Q2"], ids=["refresh", "new batch"])
@pytest.mark.parametrize("as_layer", [False, True], ids=["file", "memory layer"])
def test_importspots_refuses_spots_in_degrees_under_epsg_4527_and_changes_nothing(
    provider, demo, tmp_path, batch, as_layer
):
    """A refresh of the batch overwrote every recorded outline with points 39,500 km off (a
    "centre moved 39788235.95 m" notice the only sign); a new batch was added there. The file
    is read by the ledger's own reader, a layer of another kind through QGIS: both refuse."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    ledger_path = tmp_path / "ledger.gpkg"
    run(
        "importspots",
        {
            "SPOTS": src(demo, domain.DEMO_LAYER_SPOTS),
            "LEDGER": str(ledger_path),
            "BATCH": "2026Q1",
        },
    )
    before = recorded(ledger_path)
    assert len(before["ledger_spots"]) > 100
    wrong = relabelled(demo, domain.DEMO_LAYER_SPOTS, tmp_path, LON_LAT_AS_ZONE)
    spots = wrong
    if as_layer:
        spots = QgsVectorLayer(wrong, "jctb_degrees", "ogr").materialize(QgsFeatureRequest())
    with pytest.raises(QgsProcessingException) as error:
        run("importspots", {"SPOTS": spots, "LEDGER": str(ledger_path), "BATCH": batch})
    message = str(error.value)
    assert ("jctb_degrees" if as_layer else wrong) in message, message
    if not as_layer:  # the file's reader names the first spots by number
        with fiona.open(wrong) as source:
            assert next(iter(source)).properties[domain.SPOT_NUMBER] in message, message
    assert "do not fit its CRS" in message and "Traceback" not in message
    assert recorded(ledger_path) == before
