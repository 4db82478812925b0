"""The three-zones, no-mining and red-line figures from screening to the export: a spot that
hits each protection layer is screened, imported into a ledger and exported, and every file
of the package gives its areas (m² and 亩), the features it hits, and Chinese names for them;
the pieces output names its layers in Chinese."""

from __future__ import annotations

import contextlib

import fiona
import openpyxl
import pytest

from tests import paper
from tests.screening_layers import (
    memory_layer,
    rectangle,
    shapefile_without_cpg,
    square,
    write_gpkg,
)
from zc_enforcement_plugin.core import domain, export, ledger, spot_files

NUMBER = "370302202600001"
# The spot, 100 m × 100 m, hits a part of each layer; each feature's name or code is its own.
RED_LINE_CODE, NO_MINING_NAME, VIEW_NAME = "STHX-0301", "淄川东部禁采区", "滨莱高速可视范围"
# What screening writes of the layers hit: its areas and the names or codes of the features.
PROTECTION_FIGURES = (
    domain.RED_LINE_AREA,
    domain.NO_MINING_AREA,
    domain.THREE_ZONES_AREA,
)
PROTECTION_HITS = {
    domain.RED_LINE_HITS: RED_LINE_CODE,
    domain.NO_MINING_HITS: NO_MINING_NAME,
    domain.THREE_ZONES_HITS: VIEW_NAME,
}


@pytest.fixture(scope="module")
def screened_files(provider, tmp_path_factory):
    """The spot screened against land use and every protection layer, written as GeoPackages."""
    import processing

    folder = tmp_path_factory.mktemp("protection")
    spots = memory_layer(
        [(square(0, 0, 100), [NUMBER, "2026-03-01"])],
        f"field={domain.SPOT_NUMBER}:string&field={domain.SPOT_LATER_DATE}:string",
    )
    parcels = memory_layer(
        [(rectangle(-10, -10, 110, 110), ["0103"])], f"field={domain.LAND_CLASS_CODE}:string"
    )
    red_line = memory_layer(
        [(rectangle(0, 0, 20, 100), [RED_LINE_CODE, "鲁山生态保护红线"])],
        f"field={domain.RED_LINE_CODE}:string&field={domain.RED_LINE_NAME}:string",
    )
    no_mining = memory_layer(
        [(rectangle(20, 0, 50, 100), [NO_MINING_NAME])], f"field={domain.NO_MINING_NAME}:string"
    )
    view = memory_layer(
        [(rectangle(50, 0, 90, 100), [VIEW_NAME])], f"field={domain.THREE_ZONES_NAME}:string"
    )
    farmland = memory_layer(
        [(rectangle(90, 0, 100, 50), ["JB1"])], f"field={domain.BASIC_FARMLAND_NUMBER}:string"
    )
    output, pieces = folder / "screened.gpkg", folder / "pieces.gpkg"
    processing.run(
        "zcenforcement:screenspots",
        {
            "SPOTS": write_gpkg(spots, folder / "spots.gpkg"),
            "LAND_USE": parcels,
            "RED_LINE": red_line,
            "NO_MINING": no_mining,
            "THREE_ZONES": view,
            "BASIC_FARMLAND": farmland,
            "OUTPUT": str(output),
            "OUTPUT_PIECES": str(pieces),
        },
    )
    return output, pieces


@pytest.fixture(scope="module")
def screened_spot(screened_files) -> dict:
    output, _ = screened_files
    with fiona.open(output) as layer:
        [spot] = [dict(f.properties) for f in layer]
    return spot


@pytest.fixture(scope="module")
def package(screened_files, tmp_path_factory) -> dict:
    """The spot imported into a ledger and exported with a GBK Shapefile."""
    import processing

    output, _ = screened_files
    folder = tmp_path_factory.mktemp("package")
    records, _ = spot_files.read_spot_file(output)
    store = ledger.GeoPackageLedger(folder / "ledger.gpkg")
    assert store.import_batch("2026年第一季度", records).ok
    path = store.path
    store.close()
    return processing.run(
        "zcenforcement:exportverification",
        {
            "LEDGER": str(path),
            "OUTPUT_FOLDER": str(folder / "out"),
            "WITH_PDF": False,
            "ENCODING": export.SHAPEFILE_ENCODINGS.index("GBK"),
        },
    )


@contextlib.contextmanager
def plain_gdal():
    """Read a Shapefile by its .cpg, as GDAL does outside QGIS (QGIS clears SHAPE_ENCODING)."""
    from osgeo import gdal

    previous = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        yield
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", previous)


def test_screening_gives_each_protection_area_in_mu_too(screened_spot):
    """The key figures in 亩 (MU_FIELDS) include the no-mining and three-zones areas, converted
    from the m² as written, as the red line's are."""
    for name in PROTECTION_FIGURES:
        sqm = screened_spot[name]
        assert sqm > 0, name  # the spot hits each layer
        assert screened_spot[name + domain.MU_SUFFIX] == paper.mu(sqm), name
    for name, hit in PROTECTION_HITS.items():
        assert screened_spot[name] == hit


def test_the_export_carries_the_protection_figures_and_hits_into_every_file(screened_spot, package):
    """SQLXMJ, SQLXMC, JCQMJ, JCQMC and STHXBH, which screening writes and the ledger keeps,
    are in the XLSX, the GeoPackage and the GBK Shapefile, each area with its 亩 beside it,
    headed in Chinese as their aliases say."""
    labels = domain.output_field_labels_zh()
    expected = dict(PROTECTION_HITS)
    for name in PROTECTION_FIGURES:
        expected[name] = screened_spot[name]
        expected[name + domain.MU_SUFFIX] = paper.mu(screened_spot[name])
    columns = {c.name: c for c in export.EXPORT_COLUMNS}
    assert set(expected) <= set(columns), set(expected) - set(columns)
    for name in expected:
        assert columns[name].header == labels[name], name
    with fiona.open(package["GEOPACKAGE"]) as layer:
        [gpkg] = [dict(f.properties) for f in layer]
    with plain_gdal(), fiona.open(package["SHAPEFILE"]) as layer:
        [shp] = [dict(f.properties) for f in layer]
    sheet = openpyxl.load_workbook(package["XLSX"], data_only=True).active
    lines = [[cell.value for cell in line] for line in sheet.iter_rows()]
    at = next(i for i, line in enumerate(lines) if labels[domain.SPOT_NUMBER] in line)
    xlsx = dict(zip(lines[at], lines[at + 1]))
    for name, want in expected.items():
        column = columns[name]
        for written in (gpkg[name], shp[column.shapefile_name], xlsx[column.header]):
            if isinstance(want, str):
                assert written == want, name
            else:
                assert written == pytest.approx(want, abs=0.004), name


def test_every_area_label_names_its_unit():
    """An area's alias says its unit, 平方米 or 亩, as the 亩 ones did alone: 图斑面积 read
    beside 图斑面积（亩） could be either."""
    labels = domain.output_field_labels_zh()
    areas = [name for name, kind in domain.screening_output_fields() if kind == domain.KIND_AREA]
    areas += [domain.SPOT_MONITORED_AREA, domain.PIECE_AREA]
    for name in areas:
        unit = "亩" if name.endswith(domain.MU_SUFFIX) else "平方米"
        assert labels[name].endswith(f"面积（{unit}）"), (name, labels[name])
    assert labels[domain.SPOT_AREA] == "图斑面积（平方米）"
    assert labels[domain.THREE_ZONES_AREA + domain.MU_SUFFIX] == "三区两线面积（亩）"
    assert labels[domain.NO_MINING_AREA + domain.MU_SUFFIX] == "禁采区面积（亩）"
    # Each label is one table's: the export heads its columns with it.
    headers = {c.name: c.header for c in export.EXPORT_COLUMNS}
    for name in (domain.SPOT_AREA, domain.SPOT_AREA + domain.MU_SUFFIX, domain.UNSURVEYED_AREA):
        assert headers[name] == labels[name]


def test_the_pieces_name_their_layers_in_chinese(screened_files):
    """TCMC says in which layer a piece lies as a planner reads it (三区两线, 永久基本农田),
    in the file itself, whatever opens it; not the engine's key (three_zones)."""
    _, pieces = screened_files
    with fiona.open(pieces) as layer:
        named = {f.properties[domain.PIECE_LAYER]: f.properties for f in layer}
    assert set(named) == {
        domain.LAYER_LABELS_ZH[key]
        for key in (
            domain.LAYER_LAND_USE,
            domain.LAYER_RED_LINE,
            domain.LAYER_NO_MINING,
            domain.LAYER_THREE_ZONES,
            domain.LAYER_BASIC_FARMLAND,
        )
    }
    assert named["三区两线"][domain.PIECE_FEATURE] == VIEW_NAME
    assert named["永久基本农田"][domain.PIECE_FEATURE] == "JB1"


def test_the_sheet_shows_the_no_mining_and_three_zones_areas_with_the_others():
    """The sheet printed the red line's and basic farmland's areas (m² and 亩) but not the
    no-mining zone's nor the three-zones view area's, which screening measures alike."""
    import re

    from zc_enforcement_plugin.processing.export_verification import LAYOUT_TEMPLATE

    template = LAYOUT_TEMPLATE.read_text("utf-8")
    shown = set(re.findall(r"format_number\(&quot;(\w+)&quot;, 2\)", template))
    for name in (domain.RED_LINE_AREA, *PROTECTION_FIGURES):
        assert {name, name + domain.MU_SUFFIX} <= shown, name
        # named by what it measures, as the other figures of the sheet are
        assert f'labelText="{domain.AREA_SUBJECTS_ZH[name]}"' in template, name


def test_pieces_named_in_chinese_reach_the_ledger_as_its_keys(screened_files, tmp_path):
    """The ledger keeps each piece's layer as the engine's key, which the dock colours and names
    it by: a pieces file naming its layers in Chinese is read back to those keys."""
    import processing

    from zc_enforcement_plugin.ui.spot_page import piece_colour, piece_row

    output, pieces = screened_files
    path = tmp_path / "ledger.gpkg"
    processing.run(
        "zcenforcement:importspots",
        {"SPOTS": str(output), "PIECES": str(pieces), "LEDGER": str(path), "BATCH": "b"},
    )
    with ledger.GeoPackageLedger(path, create=False) as store:
        [spot] = store.spots()
        kept = store.spot(spot.id).attributes[domain.SPOT_PIECES]
    layers = {piece[domain.PIECE_LAYER] for piece in kept}
    assert layers == {
        domain.LAYER_LAND_USE,
        domain.LAYER_RED_LINE,
        domain.LAYER_NO_MINING,
        domain.LAYER_THREE_ZONES,
        domain.LAYER_BASIC_FARMLAND,
    }
    [view] = [p for p in kept if p[domain.PIECE_LAYER] == domain.LAYER_THREE_ZONES]
    assert "三区两线" in piece_row(view)
    assert piece_colour(view[domain.PIECE_LAYER]) != piece_colour(None)  # its own colour
    # A pieces file of an earlier screening, naming keys, reads the same.
    assert domain.piece_layer_key(domain.LAYER_THREE_ZONES) == domain.LAYER_THREE_ZONES
    assert domain.piece_layer_key("三区两线") == domain.LAYER_THREE_ZONES
    assert domain.piece_layer_key("别的图层") == "别的图层"


def test_pieces_in_gbk_read_as_another_encoding_are_refused_not_recorded_garbled(
    screened_files, tmp_path
):
    """The pieces name their layers in Chinese, so a GBK pieces file without its .cpg (as
    files are handed over) is read garbled: each piece would reach the ledger under no layer
    the dock knows (no colour, no name). The import stops instead, naming file and field,
    and the ledger is left without the spot, as with garbled spots."""
    import processing
    from qgis.core import QgsProcessingException, QgsVectorLayer

    output, pieces = screened_files
    gbk = shapefile_without_cpg(
        QgsVectorLayer(str(pieces), "pieces", "ogr"), tmp_path / "pieces.shp", "GBK"
    )
    path = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        processing.run(
            "zcenforcement:importspots",
            {"SPOTS": str(output), "PIECES": gbk, "LEDGER": str(path), "BATCH": "b"},
        )
    said = str(refused.value)
    assert "pieces" in said and domain.PIECE_LAYER in said and "GBK" in said, said
    if path.exists():
        with ledger.GeoPackageLedger(path, create=False) as store:
            assert store.spots() == []
