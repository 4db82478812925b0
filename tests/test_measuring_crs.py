"""The CRS areas are measured in and the area-method choice: one rule (processing/measuring.py)
for screenspots and every campaign. The campaigns had a rule of their own: the zone of the
first layer's extent centre, which one stray feature moves, and an EPSG code cut out of the
CRS's authid, which a CRS defined by a PROJ string has not."""

from __future__ import annotations

import pytest
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsProcessingParameterEnum,
    QgsVectorLayer,
)

from tests.test_campaign_algorithms import memory_layer
from zc_enforcement_plugin.core import areas, domain
from zc_enforcement_plugin.core import campaigns_schema as cs

X0, Y0 = 39_580_000.0, 4_050_000.0  # EPSG:4527, zone 39 (Zichuan)
ZONE_39_AS_PROJ = (
    "+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=39500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)
LICENCE_FIELDS = "field=XKZH:string&field=YXQQ:date&field=YXQZ:date"
ACTIVITY_FIELDS = "field=JCBH:string&field=TBLX:string"
SPOT_FIELDS = f"field={domain.SPOT_NUMBER}:string"
MINING = "采矿用地"


def run(algorithm: str, parameters: dict) -> dict:
    import processing

    return processing.run(f"zcenforcement:{algorithm}", parameters)


def layer(geometry: str, fields: str, features, name: str, crs) -> QgsVectorLayer:
    """A memory layer; crs an authid or a QgsCoordinateReferenceSystem (set after creation, as
    a CRS chosen in the layer's properties is)."""
    out = memory_layer(geometry, fields, features, name, crs if isinstance(crs, str) else "")
    if not isinstance(crs, str):
        out.setCrs(crs)
    return out


def lon_lat_square(lon: float, lat: float, degrees: float = 0.001) -> str:
    return shapely.box(lon, lat, lon + degrees, lat + degrees).wkt


def zone_box(x1, y1, x2, y2) -> str:
    return shapely.box(X0 + x1, Y0 + y1, X0 + x2, Y0 + y2).wkt


def mining(activity, licences) -> dict:
    return {
        "ACTIVITY": activity,
        "LICENCES": licences,
        "CHECK_DATE": "2026-03-31",
        "AREA_METHOD": 1,
        "YEAR": 2026,
        "OUTPUT": "memory:",
        "OUTPUT_VIOLATIONS": "memory:",
    }


def spots_with_a_stray_one(fields: str, attributes) -> QgsVectorLayer:
    """Three spots in EPSG:4490 near 117.9°E (zone 39) and one far off at 121.2°E (zone 40):
    the extent's centre, 119.55°E, lies in zone 40."""
    rows = [(lon_lat_square(117.9 + i * 0.01, 36.6), attributes(i)) for i in range(3)]
    rows.append((lon_lat_square(121.2, 36.6), attributes(3)))
    return layer("MultiPolygon", fields, rows, "stray", "EPSG:4490")


# --- the zone holding most features ---------------------------------------------------------------
def test_a_campaign_measures_in_the_zone_of_most_spots_as_screenspots_does(provider):
    """A stray spot 3° east moved the audit's zone to 40 (the extent's centre) while screenspots
    measured the same spots in zone 39, so the same land got two areas."""
    activity = spots_with_a_stray_one(ACTIVITY_FIELDS, lambda i: [f"37030220260{i}", MINING])
    no_licences = layer("MultiPolygon", LICENCE_FIELDS, [], "no_licences", "EPSG:4490")
    audited = run("auditmining", mining(activity, no_licences))["OUTPUT_VIOLATIONS"]
    spots = spots_with_a_stray_one(SPOT_FIELDS, lambda i: [f"S{i}"])
    screened = run(
        "screenspots", {"SPOTS": spots, "OUTPUT": "memory:", "OUTPUT_PIECES": "memory:"}
    )["OUTPUT_PIECES"]
    assert screened.crs().authid() == "EPSG:4527"
    assert audited.crs().authid() == screened.crs().authid()
    assert audited.featureCount() == 4  # every activity unlicensed, the stray one too


def test_the_first_layer_without_a_geometry_leaves_the_zone_to_the_next(provider):
    """Licences in zone 40 but none with a geometry: the activity, in zone 39, sets the zone."""
    activity = layer(
        "MultiPolygon", ACTIVITY_FIELDS, [(zone_box(0, 0, 50, 50), ["1", MINING])], "a", "EPSG:4527"
    )
    empty = layer("MultiPolygon", LICENCE_FIELDS, [], "empty_zone_40", "EPSG:4528")
    audited = run("auditmining", mining(activity, empty))["OUTPUT_VIOLATIONS"]
    assert audited.crs().authid() == "EPSG:4527"


def test_the_mining_audit_measures_in_the_zone_of_its_activity_spots(provider):
    """The activity is what becomes ledger spots, as screenspots' spots are: its layer sets the
    zone, not the licences' (here in zone 40). Planar, the area is the activity's own in its
    zone: a 50 m square, 2,500 m² (measured in zone 40 it came out 2.7 m² off on the demo)."""
    from qgis.core import QgsCoordinateTransform, QgsProject

    activity = layer(
        "MultiPolygon", ACTIVITY_FIELDS, [(zone_box(0, 0, 50, 50), ["1", MINING])], "a", "EPSG:4527"
    )
    to_zone_40 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4527"),
        QgsCoordinateReferenceSystem("EPSG:4528"),
        QgsProject.instance(),
    )
    licence = QgsGeometry.fromWkt(zone_box(200, 200, 300, 300))  # away from the activity
    licence.transform(to_zone_40)
    licences = layer(
        "MultiPolygon",
        LICENCE_FIELDS,
        [(licence.asWkt(), ["C001", "2020-01-01", "2030-12-31"])],
        "zone_40",
        "EPSG:4528",
    )
    result = run("auditmining", mining(activity, licences))
    assert result["OUTPUT_VIOLATIONS"].crs().authid() == "EPSG:4527"
    (record,) = list(result["OUTPUT"].getFeatures())
    assert record[cs.ACTIVITY_AREA] == pytest.approx(2500.0, abs=0.005)


def test_an_approval_audit_measures_in_the_zone_of_its_ground(provider):
    """The ground's pieces become ledger spots: its layer (zone 39) sets the zone, not the
    approvals' (zone 40). The ground partly outside the approval is one violation, its polygon
    the whole 30 m square: 900 m² planar (measured in zone 40, about 0.5 m² more)."""
    from qgis.core import QgsCoordinateTransform, QgsProject

    to_zone_40 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4527"),
        QgsCoordinateReferenceSystem("EPSG:4528"),
        QgsProject.instance(),
    )
    approval = QgsGeometry.fromWkt(zone_box(0, 0, 20, 30))  # two thirds of the ground
    approval.transform(to_zone_40)
    approvals = layer(
        "MultiPolygon",
        "field=PZWH:string&field=PZMJ_PF:double&field=PZYT:string&field=QSRQ:date&field=JZRQ:date",
        [(approval.asWkt(), ["临字1号", 600.0, "取土场", "2026-01-01", "2027-12-31"])],
        "zone_40",
        "EPSG:4528",
    )
    ground = layer(
        "MultiPolygon",
        "field=XZBH:string&field=XZYT:string",
        [(zone_box(0, 0, 30, 30), ["A", "取土场"])],
        "ground",
        "EPSG:4527",
    )
    result = run(
        "audittemporaryland",
        {
            "APPROVALS": approvals,
            "GROUND": ground,
            "LEVEL_FIELD": "",
            "CHECK_DATE": "2026-03-31",
            "AREA_METHOD": 1,
            "OUTPUT": "memory:",
            "OUTPUT_VIOLATIONS": "memory:",
        },
    )
    violations = result["OUTPUT_VIOLATIONS"]
    assert violations.crs().authid() == "EPSG:4527"
    areas_found = [f[cs.VIOLATION_AREA] for f in violations.getFeatures()]
    assert areas_found == [pytest.approx(900.0, abs=0.005)], areas_found


# --- a CRS without its code -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def zone_39_as_proj(qgis_app):
    crs = QgsCoordinateReferenceSystem.fromProj(ZONE_39_AS_PROJ)
    assert crs.isValid() and not crs.authid().upper().startswith("EPSG:"), crs.authid()
    return crs


def mining_layers(crs):
    licences = layer(
        "MultiPolygon",
        LICENCE_FIELDS,
        [(zone_box(0, 0, 100, 100), ["C001", "2020-01-01", "2030-12-31"])],
        "licences",
        crs,
    )
    activity = layer(
        "MultiPolygon",
        ACTIVITY_FIELDS,
        [
            (zone_box(50, 0, 150, 100), ["370302202601", MINING]),  # half outside its licence
            (zone_box(500, 500, 560, 560), ["370302202602", MINING]),  # none
        ],
        "activity",
        crs,
    )
    return activity, licences


def violations(result) -> list[tuple]:
    return sorted(
        (f[cs.ACTIVITY_ID], f[cs.VIOLATION_CODE], round(f[cs.VIOLATION_AREA], 2))
        for f in result["OUTPUT_VIOLATIONS"].getFeatures()
    )


def test_a_campaign_on_layers_in_epsg_4527_written_as_a_proj_string_runs_as_in_4527(
    provider, zone_39_as_proj
):
    """int(authid.split(':')[1]) stopped such a run with an IndexError's traceback."""
    coded = run("auditmining", mining(*mining_layers("EPSG:4527")))
    spelled = run("auditmining", mining(*mining_layers(zone_39_as_proj)))
    assert spelled["OUTPUT_VIOLATIONS"].crs().authid() == "EPSG:4527"
    assert violations(spelled) == violations(coded)
    assert [v[2] for v in violations(spelled)] == [5000.0, 3600.0]


def test_three_zones_on_lines_written_as_a_proj_string_runs_as_in_4527(provider, zone_39_as_proj):
    line = shapely.LineString([(X0, Y0), (X0 + 1000, Y0)]).wkt
    fields = f"field={domain.THREE_ZONES_KIND}:string&field={domain.THREE_ZONES_SOURCE_NAME}:string"

    def view_area(crs) -> float:
        lines = layer("MultiLineString", fields, [(line, ["铁路", "胶济铁路"])], "lines", crs)
        result = run(
            "threezonestwolines",
            {"LINES": lines, "DISTANCES": ["铁路", 100], "AREA_METHOD": 1, "OUTPUT": "memory:"},
        )
        assert result["OUTPUT"].crs().authid() == "EPSG:4527"
        return sum(f[cs.VIEW_AREA] for f in result["OUTPUT"].getFeatures())

    assert view_area(zone_39_as_proj) == pytest.approx(view_area("EPSG:4527"), abs=0.01)
    assert view_area("EPSG:4527") == pytest.approx(1000 * 200 + 3.14159 * 100**2, rel=1e-3)


def test_screenspots_measures_spots_in_epsg_4527_written_as_a_proj_string(
    provider, zone_39_as_proj
):
    """Refused before as a CRS without an EPSG code; it is zone 39 written out."""
    spots = layer(
        "MultiPolygon", SPOT_FIELDS, [(zone_box(0, 0, 100, 50), ["S1"])], "s", zone_39_as_proj
    )
    (row,) = run("screenspots", {"SPOTS": spots, "AREA_METHOD": 1, "OUTPUT": "memory:"})[
        "OUTPUT"
    ].getFeatures()
    assert row[domain.SPOT_AREA] == pytest.approx(5000.0, abs=0.01)


def test_a_campaign_layer_in_a_crs_without_an_epsg_code_is_refused_by_name(provider):
    """A transverse Mercator on 117.25°E is no zone and has no code: said, naming the layer."""
    from qgis.core import QgsProcessingException

    crs = QgsCoordinateReferenceSystem.fromProj(
        "+proj=tmerc +lat_0=0 +lon_0=117.25 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m"
    )
    activity, licences = mining_layers(crs)
    activity.setName("odd_activity")  # the activity sets the zone (see above)
    with pytest.raises(QgsProcessingException) as error:
        run("auditmining", mining(activity, licences))
    message = str(error.value)
    assert "odd_activity" in message and "EPSG" in message, message
    assert "Traceback" not in message


# --- the area method ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "algorithm",
    ["screenspots", "auditmining", "audittemporaryland", "auditfacilityland", "threezonestwolines"],
)
def test_every_algorithm_offers_the_area_methods_in_one_order(provider, algorithm):
    """0 ellipsoidal (the default), 1 planar: scripts and saved models pass the number."""
    from qgis.core import QgsApplication

    from zc_enforcement_plugin.processing.measuring import AREA_METHODS

    definition = (
        QgsApplication.processingRegistry()
        .algorithmById(f"zcenforcement:{algorithm}")
        .parameterDefinition("AREA_METHOD")
    )
    assert isinstance(definition, QgsProcessingParameterEnum)
    assert definition.defaultValue() == 0 and len(definition.options()) == 2
    assert AREA_METHODS == (areas.AreaMethod.ELLIPSOIDAL, areas.AreaMethod.PLANAR)
