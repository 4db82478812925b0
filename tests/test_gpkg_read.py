"""core.gpkg_read: the features near some boxes, through the GeoPackage R-tree, checked against a
brute-force bounding-box test of every feature read by GDAL."""

from __future__ import annotations

import sqlite3
from pathlib import PurePosixPath, PureWindowsPath

import numpy as np
import pytest
import shapely
from osgeo import ogr, osr

from zc_enforcement_plugin.core import gpkg_geometry, gpkg_read

X0, Y0 = 39_580_000.0, 4_050_000.0  # EPSG:4527: float32 R-tree boxes are ~4 m coarse here
CODES = ["0101", "0201", "0702", "1004"]


def write_gpkg(path, geometries, index=True, layer="DLTB"):
    """A GeoPackage layer with a DLBM code and a Chinese name per feature, written by GDAL."""
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    options = [] if index else ["SPATIAL_INDEX=NO"]
    out = dataset.CreateLayer(layer, srs, ogr.wkbMultiPolygon, options=options)
    out.CreateField(ogr.FieldDefn("DLBM", ogr.OFTString))
    out.CreateField(ogr.FieldDefn("MC", ogr.OFTString))
    for i, geometry in enumerate(geometries):
        feature = ogr.Feature(out.GetLayerDefn())
        feature.SetField("DLBM", CODES[i % len(CODES)])
        feature.SetField("MC", f"图斑{i}")
        if geometry is not None:
            multi = shapely.multipolygons([geometry])
            feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(multi)))
        out.CreateFeature(feature)
    dataset = None
    return path


def random_parcels(count, seed=7):
    rng = np.random.default_rng(seed)
    x = X0 + rng.uniform(0, 5000, count)
    y = Y0 + rng.uniform(0, 5000, count)
    w, h = rng.uniform(5, 120, count), rng.uniform(5, 120, count)
    return list(shapely.box(x, y, x + w, y + h))


def test_returns_every_feature_near_a_box_and_only_near_ones(tmp_path):
    parcels = random_parcels(3000)
    parcels[10] = None  # no geometry: never near anything
    parcels[11] = shapely.Polygon([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 50, Y0), (X0, Y0 + 50)])
    path = write_gpkg(tmp_path / "parcels.gpkg", parcels)
    boxes = shapely.bounds(np.array(random_parcels(200, seed=8)))
    boxes = np.vstack([boxes, [X0 + 10, Y0 + 10, X0 + 20, Y0 + 20]])  # meets the bow-tie

    rows = gpkg_read.read_near(path, "DLTB", ["DLBM", "MC"], boxes)

    assert rows is not None
    bounds = np.array(
        [shapely.bounds(g) if g is not None else [np.nan] * 4 for g in parcels], dtype=float
    )

    def meets(pad):
        return np.array(
            [
                np.any(
                    (b[2] >= boxes[:, 0] - pad)
                    & (b[0] <= boxes[:, 2] + pad)
                    & (b[3] >= boxes[:, 1] - pad)
                    & (b[1] <= boxes[:, 3] + pad)
                )
                for b in bounds
            ]
        )

    expected = set((np.flatnonzero(meets(0.0)) + 1).tolist())  # GDAL numbers features from 1
    coarse = set((np.flatnonzero(meets(8.0)) + 1).tolist())
    got = set(rows.feature_ids.tolist())
    assert expected <= got <= coarse
    assert 12 in got  # the bow-tie is read as stored, for the engine to repair and report
    assert list(rows.feature_ids) == sorted(got)
    for fid, geometry, code, name in zip(
        rows.feature_ids, rows.geoms, rows.attributes["DLBM"], rows.attributes["MC"]
    ):
        i = fid - 1
        assert code == CODES[i % len(CODES)] and name == f"图斑{i}"
        assert shapely.equals_exact(geometry, shapely.multipolygons([parcels[i]]), tolerance=0)


def test_a_cancel_stops_the_query_and_returns_no_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg_read, "_CANCEL_CHECK_STEPS", 1000)  # a small file, asked often
    path = write_gpkg(tmp_path / "parcels.gpkg", random_parcels(3000))
    boxes = shapely.bounds(np.array(random_parcels(500, seed=8)))
    asked = []

    def cancel_on_second_question():
        asked.append(True)
        return len(asked) > 1

    questions = []
    whole = gpkg_read.read_near(path, "DLTB", ["DLBM"], boxes, lambda: questions.append(1) and 0)
    assert whole is not None and len(whole.geoms) > 500
    assert len(questions) > 2  # the query is long enough to be asked more than twice
    rows = gpkg_read.read_near(path, "DLTB", ["DLBM"], boxes, cancel_on_second_question)
    # Stopped, not refused: None would make the caller read the whole layer another way.
    assert rows is not None
    assert len(asked) == 2
    assert len(rows.geoms) == len(rows.feature_ids) == len(rows.attributes["DLBM"]) == 0


def test_no_boxes_reads_nothing(tmp_path):
    path = write_gpkg(tmp_path / "parcels.gpkg", random_parcels(20))
    rows = gpkg_read.read_near(path, "DLTB", [], np.full((3, 4), np.nan))
    assert rows is not None and len(rows.geoms) == 0


@pytest.mark.parametrize(
    "case",
    ["no spatial index", "missing field", "no such layer", "not a GeoPackage"],
)
def test_falls_back_when_the_index_path_does_not_apply(tmp_path, case):
    path = tmp_path / "parcels.gpkg"
    layer, fields = "DLTB", ["DLBM"]
    if case == "not a GeoPackage":
        path.write_text("DLBM,geometry\n0101,POINT(0 0)\n", encoding="utf-8")
    else:
        write_gpkg(path, random_parcels(20), index=case != "no spatial index")
    if case == "missing field":
        fields = ["KCXS"]
    if case == "no such layer":
        layer = "JCTB"
    said: list[str] = []
    boxes = np.array([[X0, Y0, X0 + 1e4, Y0 + 1e4]])
    assert gpkg_read.read_near(path, layer, fields, boxes, say_skipped=said.append) is None
    # The slow fallback is said, naming the file and layer, except for a missing field: the
    # caller's own reading then names the field.
    if case == "missing field":
        assert said == []
    else:
        assert len(said) == 1 and str(path) in said[0] and f"layer {layer}" in said[0]
        assert "R 树" in said[0] and "every feature is read instead" in said[0]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        # A share: its two slashes kept in the path under an empty authority (as_uri() gave
        # file://server/…, which SQLite refuses: "invalid uri authority: server").
        (r"\\server\share\dltb.gpkg", "file:////server/share/dltb.gpkg"),
        # A mapped drive stays the drive (Path.resolve() made it the share behind it).
        (r"Z:\三调\dltb.gpkg", "file:///Z:/%E4%B8%89%E8%B0%83/dltb.gpkg"),
        (
            r"C:\淄川 数据\耕地 2026.gpkg",
            "file:///C:/%E6%B7%84%E5%B7%9D%20%E6%95%B0%E6%8D%AE/%E8%80%95%E5%9C%B0%202026.gpkg",
        ),
        (r"\\nas\卫片\#1 100%.gpkg", "file:////nas/%E5%8D%AB%E7%89%87/%231%20100%25.gpkg"),
    ],
)
def test_the_sqlite_uri_of_a_windows_path(path, uri):
    assert gpkg_read.sqlite_uri(PureWindowsPath(path)) == uri


def test_the_sqlite_uri_of_a_posix_path_with_characters_a_uri_reserves():
    assert gpkg_read.sqlite_uri(PurePosixPath("/data/a?b#c%d e.gpkg")) == (
        "file:///data/a%3Fb%23c%25d%20e.gpkg"
    )


def test_a_file_whose_name_holds_uri_characters_and_chinese_is_read_through_its_index(tmp_path):
    """'?' would end the path and start the query, '#' start a fragment, '%' an escape: SQLite
    opening the URI finds this file, and the read goes through the R-tree, said nowhere."""
    folder = tmp_path / "三调 #2"
    folder.mkdir()
    path = write_gpkg(folder / "耕地?100%.gpkg", random_parcels(50))
    with sqlite3.connect(gpkg_read.sqlite_uri(path) + "?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM DLTB").fetchone() == (50,)
    said: list[str] = []
    rows = gpkg_read.read_near(
        path, "DLTB", ["DLBM"], np.array([[X0, Y0, X0 + 1e4, Y0 + 1e4]]), say_skipped=said.append
    )
    assert rows is not None and len(rows.geoms) == 50 and said == []


def test_blob_format_round_trip_and_refusals():
    """The one blob codec: what it writes GDAL reads (checked above); here its own edges."""
    polygon = shapely.box(X0, Y0, X0 + 10, Y0 + 5)
    blob = gpkg_geometry.encode(polygon, 4527)
    srs_id, length, order = gpkg_geometry.header(blob)
    assert (srs_id, length, order) == (4527, 40, "<")
    assert gpkg_geometry.envelope(blob) == polygon.bounds
    assert gpkg_geometry.decode(blob).equals(polygon)
    empty = gpkg_geometry.encode(shapely.Polygon(), 4527)
    assert gpkg_geometry.is_flagged_empty(empty) and gpkg_geometry.envelope(empty) is None
    extended = blob[:3] + bytes([blob[3] | gpkg_geometry.EXTENDED_FLAG]) + blob[4:]
    for bad in (b"XX" + blob[2:], extended, blob[:5]):
        with pytest.raises(gpkg_geometry.GeometryBlobError):
            gpkg_geometry.wkb(bad)
