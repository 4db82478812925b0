"""The ledger's file reader inside QGIS, where the OGR provider changes GDAL's process settings."""

from __future__ import annotations

import fiona
import pytest
from qgis.core import QgsVectorLayer
from shapely.geometry import box, mapping

from zc_enforcement_plugin.core import spot_files

X0, Y0 = 39_580_000.0, 4_050_000.0


@pytest.mark.parametrize("cpg, codec", [("936", "gbk"), ("UTF-8", "utf-8")])
def test_cpg_is_honoured_after_qgis_opened_a_shapefile(qgis_app, tmp_path, cpg, codec):
    path = tmp_path / f"spots_{codec}.shp"
    schema = {"geometry": "Polygon", "properties": {"JCBH": "str:20", "TBLX": "str:40"}}
    with fiona.open(
        path, "w", driver="ESRI Shapefile", schema=schema, crs="EPSG:4527", encoding=codec
    ) as sink:
        sink.write(
            {
                "geometry": mapping(box(X0, Y0, X0 + 9, Y0 + 9)),
                "properties": {"JCBH": "S1", "TBLX": "新增建设用地"},
            }
        )
    path.with_suffix(".cpg").write_text(cpg)
    # QGIS's OGR provider switches GDAL's own .cpg handling off for the whole process.
    assert QgsVectorLayer(str(path), "opened by QGIS", "ogr").isValid()
    records, report = spot_files.read_spot_file(path)
    assert records[0].attributes["TBLX"] == "新增建设用地"
    assert not report.encoding_guessed and report.encoding == codec
