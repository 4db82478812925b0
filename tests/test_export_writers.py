"""The export's file writers: the GeoPackage and Shapefile written with GDAL's bindings are the
files fiona wrote; and a cancel while the GeoPackage, Shapefile or XLSX are written, or just
before the package is published, leaves nothing new behind (review of a three-year ledger:
cancel pressed while "Writing the GeoPackage and the Shapefile" was ignored, and a full package
published 45 s later)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fiona
import pytest
from fiona.crs import CRS
from osgeo import ogr

from tests import test_export
from tests.test_export import folder_state, ledger_rows, plain_gdal, run_export
from zc_enforcement_plugin.core import export
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.i18n import tr

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


def cancelling_at(call: int):
    """is_cancelled() that says stop at its `call`th question, and counts the questions."""
    asked = []

    def is_cancelled() -> bool:
        asked.append(True)
        return len(asked) == call

    is_cancelled.asked = asked
    return is_cancelled


def test_a_cancel_at_any_check_of_the_vector_files_or_the_xlsx_leaves_no_file(
    field_ledger, tmp_path
):
    """Every point where the writers ask is_cancelled(): raised there, no file of theirs stays
    (a whole GeoPackage beside no Shapefile would pass for the export), and no part file."""
    rows = ledger_rows(field_ledger)
    writers = {
        "vectors": lambda folder, is_cancelled: export.write_vector_exports(
            folder, rows, "GBK", is_cancelled=is_cancelled
        ),
        "xlsx": lambda folder, is_cancelled: export.write_xlsx(
            folder / "verification.xlsx", rows, is_cancelled=is_cancelled
        ),
    }
    for name, write in writers.items():
        never = cancelling_at(0)
        write(tmp_path / name / "whole", never)
        checks = len(never.asked)
        assert checks >= 2, f"{name} asks whether to stop only {checks} times"
        for call in range(1, checks + 1):
            folder = tmp_path / name / str(call)
            folder.mkdir(parents=True)
            with pytest.raises(export.ExportCancelled):
                write(folder, cancelling_at(call))
            assert folder_state(folder) == {}, f"{name}, cancelled at check {call}"


def test_the_xlsx_reports_its_progress(field_ledger, tmp_path):
    rows = ledger_rows(field_ledger)
    seen: list[float] = []
    export.write_xlsx(tmp_path / "v.xlsx", rows, progress=seen.append)
    assert seen and seen == sorted(seen) and seen[0] >= 0 and seen[-1] <= 100


def feedback_cancelling_at(text: str | None = None, after_percent: float | None = None):
    """A Processing feedback that cancels when the progress says `text` (in the interface's
    language), or passes a percent."""
    from qgis.core import QgsProcessingFeedback

    text = tr(text) if text is not None else None

    class Cancelling(QgsProcessingFeedback):
        def setProgressText(self, shown):  # noqa: N802 - QGIS API
            super().setProgressText(shown)
            if shown == text:
                self.cancel()

    feedback = Cancelling()
    if after_percent is not None:
        feedback.progressChanged.connect(lambda done: done > after_percent and feedback.cancel())
    return feedback


CANCELS = {
    "while the GeoPackage and Shapefile are written": dict(
        text="Writing the GeoPackage and the Shapefile"
    ),
    "while the XLSX is written": dict(text="Writing the XLSX ledger"),
    # After the XLSX, the last file without sheets: only the check before publishing sees it.
    "after the last file, before publishing": dict(after_percent=49.99),
}


@pytest.mark.parametrize("when", CANCELS)
def test_a_cancel_while_the_files_are_written_publishes_nothing(
    provider, field_ledger, tmp_path, when
):
    """README: a cancelled export leaves nothing new behind. An earlier package stays byte for
    byte with the user's own file beside it; a folder made for this run goes again."""
    folder = tmp_path / "package"
    run_export(field_ledger, folder)
    (folder / "说明.txt").write_text("科室的备注", "utf-8")
    before = folder_state(folder)
    assert {"verification.gpkg", "verification.shp", "verification.xlsx"} <= set(before)
    feedback = feedback_cancelling_at(**CANCELS[when])
    assert run_export(field_ledger, folder, feedback=feedback) == {}
    assert feedback.isCanceled()
    assert folder_state(folder) == before

    feedback = feedback_cancelling_at(**CANCELS[when])
    assert run_export(field_ledger, tmp_path / "new" / "package", feedback=feedback) == {}
    assert not (tmp_path / "new").exists()
