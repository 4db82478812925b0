"""The export's file writers: the GeoPackage and Shapefile written with GDAL's bindings are the
files fiona wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fiona
import pytest
from fiona.crs import CRS
from osgeo import ogr

from tests import test_export
from tests.test_export import ledger_rows, plain_gdal
from zc_enforcement_plugin.core import export
from zc_enforcement_plugin.core import ledger_schema as ls

# The ledger the export tests build, and what it is made from (module fixtures, one per module).
screened_output = test_export.screened_output
screened = test_export.screened
field_ledger = test_export.field_ledger
gdal_shape_encoding_restored = test_export.gdal_shape_encoding_restored

# How fiona was told to write each kind of column before GDAL's bindings replaced it.
FIONA_TYPES = {
    export.COL_SQM: "float:20.2",
    export.COL_MU: "float:20.2",
    export.COL_INT: "int:10",
    export.COL_DATE: "date",
    export.COL_TEXT: "str:254",
}


def write_with_fiona(folder: Path, rows, encoding: str) -> tuple[Path, Path]:
    """The GeoPackage and Shapefile as the export wrote them with fiona: the reference."""
    from shapely.geometry import MultiPolygon, Polygon, mapping

    def geometry(row):
        geom = row.geometry
        if geom is None or geom.is_empty:
            return None
        return mapping(MultiPolygon([geom]) if isinstance(geom, Polygon) else geom)

    def fiona_value(value):
        return value.isoformat() if isinstance(value, dt.date) else value

    gpkg_columns = {c.name: c for c in export.EXPORT_COLUMNS}
    shp_columns = {c.shapefile_name: c for c in export.EXPORT_COLUMNS}
    shp_values, _ = export._shapefile_values(rows, shp_columns, encoding)
    gpkg_values = [
        {n: export._field_value(c, row.values.get(c.name)) for n, c in gpkg_columns.items()}
        for row in rows
    ]
    folder.mkdir(parents=True)
    gpkg, shp = folder / "verification.gpkg", folder / "verification.shp"
    for path, driver, columns, values, options in (
        (gpkg, "GPKG", gpkg_columns, gpkg_values, {"layer": "verification"}),
        (shp, "ESRI Shapefile", shp_columns, shp_values, {"encoding": export.CPG_NAMES[encoding]}),
    ):
        schema = {
            "geometry": "MultiPolygon",
            "properties": {n: FIONA_TYPES[c.kind] for n, c in columns.items()},
        }
        crs = CRS.from_epsg(ls.LEDGER_SRS_ID)
        with fiona.open(path, "w", driver=driver, schema=schema, crs=crs, **options) as sink:
            sink.writerecords(
                {
                    "geometry": geometry(row),
                    "properties": {n: fiona_value(v) for n, v in record.items()},
                }
                for row, record in zip(rows, values, strict=True)
            )
    return gpkg, shp


def ogr_fields(path: Path) -> list[tuple]:
    """Each field as OGR reads it: name, type, width, precision."""
    source = ogr.Open(str(path))
    definition = source.GetLayer(0).GetLayerDefn()
    return [
        (f.GetName(), f.GetTypeName(), f.GetWidth(), f.GetPrecision())
        for f in (definition.GetFieldDefn(i) for i in range(definition.GetFieldCount()))
    ]


def features(path: Path) -> tuple[dict, str, list[tuple]]:
    """Schema, CRS and every feature's properties and geometry, read with fiona."""
    with plain_gdal(), fiona.open(path) as layer:
        return (
            layer.schema,
            layer.crs.to_wkt(),
            [(dict(f.properties), f.geometry and dict(f.geometry)) for f in layer],
        )


@pytest.mark.parametrize("encoding", export.SHAPEFILE_ENCODINGS)
def test_the_vector_files_are_the_files_fiona_wrote(field_ledger, tmp_path, encoding):
    """Same fields, types, widths, encoding, CRS, geometries and values, field by field; the
    Shapefile's files byte for byte (but the DBF's date of last update)."""
    rows = ledger_rows(field_ledger)
    assert any(row.geometry is None for row in rows)  # a spot without geometry is written too
    assert any(row.values.get(export.VERIFIED_ON) for row in rows)  # and a date
    old_gpkg, old_shp = write_with_fiona(tmp_path / "fiona", rows, encoding)
    written = export.write_vector_exports(tmp_path / "ogr", rows, encoding)
    for old, new in ((old_gpkg, written.geopackage), (old_shp, written.shapefile)):
        assert ogr_fields(new) == ogr_fields(old), new
        old_schema, old_crs, old_features = features(old)
        new_schema, new_crs, new_features = features(new)
        assert (new_schema, new_crs) == (old_schema, old_crs), new
        assert len(new_features) == len(rows)
        for number, (was, now) in enumerate(zip(old_features, new_features, strict=True)):
            for name in was[0]:
                assert now[0][name] == was[0][name], f"{new.name} feature {number} field {name}"
            assert now[1] == was[1], f"{new.name} feature {number} geometry"
    for suffix in (".shp", ".shx", ".prj", ".cpg"):
        old, new = old_shp.with_suffix(suffix), written.shapefile.with_suffix(suffix)
        assert new.read_bytes() == old.read_bytes(), suffix
    old, new = (p.with_suffix(".dbf").read_bytes() for p in (old_shp, written.shapefile))
    assert new[:1] + new[4:] == old[:1] + old[4:]  # bytes 1-3: the day it was written
    # The texts are in the encoding the .cpg names, GBK substitutions and all.
    codec = export.PYTHON_CODECS[encoding]
    number = rows[0].number
    assert number.encode(codec) in new
    assert written.shapefile.with_suffix(".cpg").read_text() == export.CPG_NAMES[encoding]
