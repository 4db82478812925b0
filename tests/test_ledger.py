"""The verification ledger: GeoPackage on disk, import rules, append-only history, crash safety,
migrations, verdict validation, spot files, evidence and EXIF."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import fiona
import pytest
import shapely
from shapely import affinity
from shapely.geometry import Polygon, box, mapping

from tests.geodesy import geodesic_area
from zc_enforcement_plugin.core import clock, domain
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.capture_metadata import parse_jpeg_exif, read_photo_exif
from zc_enforcement_plugin.core.evidence import check_evidence_integrity, store_evidence_file
from zc_enforcement_plugin.core.ledger import (
    ConflictError,
    EvidenceRecord,
    GeoPackageLedger,
    LedgerError,
    LedgerStore,
    Spot,
    SpotFileError,
    SpotFilter,
    SpotRecord,
    SpotSummary,
    Verdict,
    VerdictError,
    create_ledger_file,
    decode_gpkg_geometry,
    encode_gpkg_geometry,
    unchecked_areas_reason,
    validate_verdict,
)
from zc_enforcement_plugin.core.ledger_delivery import PIECES_NAMED
from zc_enforcement_plugin.core.spot_files import has_cjk, misdecoding_reason, read_spot_file
from zc_enforcement_plugin.i18n import _in_chinese

REPO = Path(__file__).resolve().parents[1]
X0, Y0 = 39_520_000.0, 4_070_000.0  # Zichuan, EPSG:4527 (zone prefix in x)
# Zichuan's centre (117.97°E, 36.65°N), 87 km east of the zone's meridian: where planar and
# ellipsoidal areas differ by 1.6 in 10000, more than the verdict check's tolerance on a spot.
CENTRE_X, CENTRE_Y = 39_586_000.0, 4_058_000.0


def _spot(number, i=0, **fields) -> SpotRecord:
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.SPOT_COUNTY_CODE: domain.ZICHUAN_COUNTY_CODE,
        domain.SPOT_AREA: 400.0,
        domain.CULTIVATED_AREA: 150.0,
        domain.BASIC_FARMLAND_AREA: 20.0,
        domain.SUGGESTED_VERDICT: domain.SUGGEST_FIELD_CHECK,
        domain.REVIEW_PRIORITY: 2,
        domain.TOWN_NAME: "南郊镇",
        domain.OFFICE_NAME: "南郊自然资源所",
        domain.CULTIVATED_FLAG: 1,
        "SFYJJBNT": 0,
        domain.VERDICT_REASON: "占用耕地 150.00 平方米",
    }
    attributes.update(fields)
    geometry = box(X0 + 100 * i, Y0, X0 + 100 * i + 20, Y0 + 20)
    return SpotRecord(attributes, geometry, i)


def _dump(path: Path) -> dict[str, list]:
    """Every row of every table, read with plain sqlite3."""
    conn = sqlite3.connect(str(path))
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


@pytest.fixture
def ledger(tmp_path):
    (tmp_path / "office").mkdir()
    store = GeoPackageLedger(tmp_path / "office" / "ledger.gpkg")
    yield store
    store.close()


def _verdict(**changes) -> Verdict:
    values = dict(
        category=ls.VERDICT_ILLEGAL,
        kind="未报即用",
        verifier="张三",
        verified_on="2024-03-05",
        areas={domain.CULTIVATED_AREA: 150.0},
    )
    values.update(changes)
    return Verdict(**values)


# --- the GeoPackage container --------------------------------------------------------------------


def test_new_ledger_is_a_real_geopackage(ledger):
    conn = sqlite3.connect(str(ledger.path))
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("PRAGMA user_version").fetchone()[0] in (10200, 10300)
    contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert contents[ls.T_SPOTS] == "features"
    for table in (ls.T_BATCHES, ls.T_VERDICTS, ls.T_EVIDENCE, ls.T_META):
        assert contents[table] == "attributes"
    assert conn.execute(
        "SELECT * FROM gpkg_geometry_columns WHERE table_name = ?", (ls.T_SPOTS,)
    ).fetchall() == [(ls.T_SPOTS, ls.C_GEOM, "MULTIPOLYGON", 4527, 0, 0)]
    org, code, definition = conn.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
        "WHERE srs_id = 4527"
    ).fetchone()
    assert (org, code) == ("EPSG", 4527) and "Gauss" in definition and "39500000" in definition
    assert {-1, 0, 4326} <= {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert ledger.schema_version == ls.SCHEMA_VERSION
    assert isinstance(ledger, LedgerStore)


def test_geometry_blob_has_the_geopackage_header():
    polygon = box(X0, Y0, X0 + 30, Y0 + 10)
    blob = encode_gpkg_geometry(polygon)
    assert blob[:2] == b"GP" and blob[2] == 0
    assert blob[3] == 0b011  # xy envelope, little-endian
    assert struct.unpack("<i", blob[4:8])[0] == 4527
    assert struct.unpack("<4d", blob[8:40]) == (X0, X0 + 30, Y0, Y0 + 10)
    assert blob[40:] == shapely.to_wkb(polygon, byte_order=1)
    assert decode_gpkg_geometry(blob).equals(polygon)
    empty = encode_gpkg_geometry(shapely.MultiPolygon())
    assert empty[3] & 0b10000 and len(empty) == 8 + len(shapely.to_wkb(shapely.MultiPolygon()))
    assert encode_gpkg_geometry(None) is None


def test_spots_round_trip_through_fiona_and_the_store(ledger):
    spots = [_spot("370302202300001", 0), _spot("370302202300002", 1, XZMC="双杨镇")]
    ring = shapely.Polygon([(X0, Y0), (X0 + 50, Y0), (X0 + 50, Y0 + 50), (X0, Y0 + 50)])
    hole = [(X0 + 10, Y0 + 10), (X0 + 20, Y0 + 10), (X0 + 20, Y0 + 20), (X0 + 10, Y0 + 20)]
    spots[1].geometry = shapely.MultiPolygon(
        [shapely.Polygon(ring.exterior.coords, [hole]), box(X0 + 60, Y0, X0 + 70, Y0 + 5)]
    )
    report = ledger.import_batch("2023年第一季度", spots, source="spots.shp")
    assert report.ok and (report.added, report.refreshed, report.skipped) == (2, 0, 0)
    ledger.close()
    assert "ledger_spots" in fiona.listlayers(ledger.path)
    with fiona.open(ledger.path, layer="ledger_spots") as source:
        assert source.crs.to_epsg() == 4527
        features = {f.properties[domain.SPOT_NUMBER]: f for f in source}
    for record in spots:
        feature = features[record.number]
        read = shapely.geometry.shape(feature.geometry)
        expected = record.geometry
        if expected.geom_type == "Polygon":
            expected = shapely.MultiPolygon([expected])
        assert read.equals_exact(expected, 0.0)
        assert feature.properties[domain.TOWN_NAME] == record.attributes[domain.TOWN_NAME]
        assert feature.properties[domain.SPOT_AREA] == 400.0
        assert json.loads(feature.properties[ls.C_ATTRIBUTES]) == record.attributes
    reopened = GeoPackageLedger(ledger.path)
    summary = reopened.spots()[1]
    spot = reopened.spot(summary.id)
    assert spot.geometry.equals_exact(spots[1].geometry, 0.0)
    assert spot.attributes == spots[1].attributes and spot.batch == "2023年第一季度"
    extent = sqlite3.connect(str(ledger.path)).execute(
        "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'ledger_spots'"
    )
    assert extent.fetchone() == (X0, Y0, X0 + 70, Y0 + 50)
    reopened.close()


def test_spatial_index_added_by_gdal_keeps_the_ledger_writable(ledger):
    from osgeo import ogr

    ledger.import_batch("b1", [_spot("A", 0)])
    ledger.close()
    source = ogr.Open(str(ledger.path), 1)
    source.ExecuteSQL("SELECT CreateSpatialIndex('ledger_spots', 'geom')")
    source = None
    reopened = GeoPackageLedger(ledger.path)
    report = reopened.import_batch("b1", [_spot("A", 3), _spot("B", 1)])
    assert report.ok and report.refreshed == 1 and report.added == 1
    rows = reopened._conn.execute("SELECT id, minx FROM rtree_ledger_spots_geom ORDER BY id")
    assert [(i, round(x)) for i, x in rows] == [(1, X0 + 300), (2, X0 + 100)]
    reopened.close()


# --- import semantics -------------------------------------------------------------------------


def test_a_change_to_a_character_that_shows_as_nothing_is_spelt_out(ledger):
    """A number re-delivered with a zero-width space pasted after it (the same spot: numbers
    are compared without such characters) changes the delivered text, and that change was
    said as "S1 → S1", which no one could see."""
    ledger.import_batch("b", [_spot("S1", 0)])
    report = ledger.import_batch("b", [_spot("S1\u200b", 0)])
    said = " ".join(w.message for w in report.warnings if w.number == "S1")
    assert "S1 → S1⟨U+200B⟩" in said, said


def test_reimport_refreshes_spots_but_never_verdicts_or_evidence(ledger, tmp_path):
    ledger.import_batch("2023Q1", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2)])
    ids = {s.number: s.id for s in ledger.spots()}
    verdict_id = ledger.record_verdict(ids["S1"], _verdict())
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo\xff\xd9")
    record = store_evidence_file(ledger.path, "S1", photo, ls.EVIDENCE_PHOTO)
    ledger.add_evidence(ids["S1"], record)
    before_verdicts = ledger.verdict_history(ids["S1"])
    before_evidence = ledger.evidence(ids["S1"])

    changed = _spot("S1", 5, TBMJ=400.5, JYPD=domain.SUGGEST_ILLEGAL, YXJ=1, NEW_FIELD="新")
    report = ledger.import_batch("2023Q1", [changed, _spot("S2", 1)])
    assert report.ok and (report.added, report.refreshed) == (0, 2)
    # S1 changed: each change said, old → new, and that it was judged; S3 not delivered: kept
    assert [w.number for w in report.warnings] == ["S1", "S3"]
    said = report.warnings[0].message
    assert "TBMJ 400.00 → 400.50" in said and f"{domain.SUGGESTED_VERDICT} " in said, said
    assert "图形中心移动 500.00 m" in said and "outline centre moved 500.00 m" in said, said
    assert "已有核查结论" in said and "案件" not in said, said
    # The same delivery again changes nothing, and says nothing of S1.
    again = ledger.import_batch("2023Q1", [changed, _spot("S2", 1)])
    assert [w.number for w in again.warnings] == ["S3"]
    assert {s.number: s.id for s in ledger.spots()} == ids  # same spots, same ids
    spot = ledger.spot(ids["S1"])
    assert spot.spot_area == 400.5 and spot.priority == 1
    assert spot.suggested == domain.SUGGEST_ILLEGAL and spot.attributes["NEW_FIELD"] == "新"
    assert spot.geometry.equals(shapely.MultiPolygon([changed.geometry]))
    assert ledger.verdict_history(ids["S1"]) == before_verdicts
    assert ledger.current_verdict(ids["S1"]).id == verdict_id
    assert ledger.evidence(ids["S1"]) == before_evidence

    # Another batch lands beside the first, even with a spot number already used there.
    report = ledger.import_batch("2023Q2", [_spot("S1", 7), _spot("Q2-1", 8)])
    assert report.added == 2
    assert [b.name for b in ledger.batches()] == ["2023Q1", "2023Q2"]
    assert [(b.spot_count, b.verified_count) for b in ledger.batches()] == [(3, 1), (2, 0)]
    assert ledger.counts() == (1, 5) and ledger.counts("2023Q2") == (0, 2)


def check_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused(store) -> None:
    """A verifier opens S1 at TBMJ 400; the brigade re-delivers the batch, S1 at TBMJ 900;
    the verdict saved on what the verifier saw is refused, as a colleague's verdict meanwhile
    would make it be, saying what the re-delivery changed. S2, delivered again unchanged,
    keeps its version: its save goes through. (Shared with the PostGIS store's tests.)"""
    store.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    ids = {s.number: s.id for s in store.spots()}
    seen = {number: store.spot(spot_id).version for number, spot_id in ids.items()}
    store.import_batch("b", [_spot("S1", 0, TBMJ=900.0), _spot("S2", 1)])
    with pytest.raises(ConflictError) as refused:
        store.record_verdict(ids["S1"], _verdict(verifier="李四"), expected_version=seen["S1"])
    message = str(refused.value)
    assert "重新交付" in message and "re-delivered" in message, message
    assert "TBMJ 400.00 → 900.00" in message and "李四" in message, message
    assert "saved by someone else" not in message, message
    assert store.verdict_history(ids["S1"]) == []
    assert store.spot(ids["S2"]).version == seen["S2"]
    store.record_verdict(ids["S2"], _verdict(), expected_version=seen["S2"])
    # Read again, the spot takes the save.
    store.record_verdict(ids["S1"], _verdict(), expected_version=store.spot(ids["S1"]).version)
    # A colleague's verdict and a re-delivery since: both said, and only what changed since.
    seen_s1 = store.spot(ids["S1"]).version
    store.record_verdict(ids["S1"], _verdict(verifier="王五"), expected_version=seen_s1)
    store.import_batch("b", [_spot("S1", 3, TBMJ=900.0)])  # moved 300 m
    with pytest.raises(ConflictError) as refused:
        store.record_verdict(ids["S1"], _verdict(verifier="李四"), expected_version=seen_s1)
    message = str(refused.value)
    assert "centre moved 300.00 m" in message and "TBMJ" not in message, message
    # The move is said in each half in its language (it was a whole pair in the Chinese one).
    assert "图形中心移动 300.00 m" in _in_chinese(message), message
    assert not re.search("outline|moved|shift", _in_chinese(message)), message
    assert "saved by someone else" in message and "王五" in message, message
    assert f"version {seen_s1}," in message and f"version {seen_s1 + 2}." in message, message


def test_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused(ledger):
    check_a_save_on_a_spot_re_delivered_since_it_was_opened_is_refused(ledger)


def test_a_verdict_saved_while_a_refresh_runs_is_in_its_report(ledger):
    """Whether a changed spot is already judged is read as the import writes it, not when the
    import starts: a verdict saved while the import runs (here through the import's own
    connection, the only one that can write a GeoPackage meanwhile) is said in the report."""
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    ids = {s.number: s.id for s in ledger.spots()}

    def verdict_meanwhile(row: int) -> None:
        if row == 0:  # S1 written, S2 not yet
            ledger.record_verdict(ids["S2"], _verdict(), expected_version=0)

    ledger._after_row_hook = verdict_meanwhile
    try:
        report = ledger.import_batch("b", [_spot("S1", 0, TBMJ=900.0), _spot("S2", 1, TBMJ=900.0)])
    finally:
        ledger._after_row_hook = None
    said = {w.number: w.message for w in report.warnings}
    assert "已有核查结论" not in said["S1"] and "already judged" not in said["S1"], said
    assert "已有核查结论" in said["S2"] and "already judged" in said["S2"], said


def check_a_refresh_never_blanks_what_the_delivery_lacks(store) -> None:
    """A second import of a batch from a file that lacks fields (a raw delivery without the
    screening figures, an import without the towns layer) or a spot's geometry keeps what the
    ledger holds, and says so by spot and field; a field the delivery has, NULL, is taken as
    the delivery says, and said too. (Shared with the PostGIS store's tests.)"""
    store.import_batch("2026Q1", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2)])
    before = {s.number: store.spot(s.id) for s in store.spots()}
    raw = {domain.SPOT_NUMBER, domain.SPOT_COUNTY_CODE}  # what a raw delivery has of them

    def delivered(number, i, **fields):
        record = _spot(number, i, **fields)
        record.attributes = {k: v for k, v in record.attributes.items() if k in raw | set(fields)}
        return record

    s1 = delivered("S1", 0, TBLX="新增建设用地")
    s2 = delivered("S2", 1)
    s2.geometry = None
    s3 = delivered("S3", 2, **{domain.BASIC_FARMLAND_AREA: None, domain.VERDICT_REASON: None})
    report = store.import_batch("2026Q1", [s1, s2, s3])
    assert report.ok and report.refreshed == 3
    after = {s.number: store.spot(s.id) for s in store.spots()}
    for number in ("S1", "S2", "S3"):
        old, new = before[number], after[number]
        assert new.spot_area == old.spot_area == 400.0
        assert new.cultivated_area == old.cultivated_area == 150.0
        assert (new.town, new.office) == (old.town, old.office) == ("南郊镇", "南郊自然资源所")
        assert new.suggested == old.suggested and new.priority == old.priority == 2
        if number != "S3":
            assert new.attributes[domain.VERDICT_REASON] == old.attributes[domain.VERDICT_REASON]
        assert new.geometry.equals(old.geometry) and not new.geometry.is_empty
    assert after["S1"].attributes["TBLX"] == "新增建设用地"  # what it does carry is taken
    assert after["S1"].basic_farmland_area == 20.0
    assert after["S3"].basic_farmland_area is None
    by_field = [w for w in report.warnings if w.field]  # the others: what changed, per spot
    warned = {(w.number, w.field.split(", ")[0], w.message[:6]) for w in by_field}
    assert ("S2", "geometry", "2026Q1") in warned  # the outline and its results kept
    assert ("S1", domain.SPOT_AREA, "本次交付没有") in {
        (w.number, f, w.message[:6]) for w in by_field for f in w.field.split(", ")
    }
    cleared = {(w.number, f) for w in by_field if "为空" in w.message for f in w.field.split(", ")}
    [changed] = [w.message for w in report.warnings if not w.field and w.number == "S3"]
    assert f"{domain.BASIC_FARMLAND_AREA} 20.00 → （空）" in changed  # kept with the spot too
    assert {("S3", domain.BASIC_FARMLAND_AREA), ("S3", domain.VERDICT_REASON)} <= cleared
    assert after["S3"].attributes[domain.VERDICT_REASON] is None  # an attribute said NULL, too
    assert all(w.number in ("S1", "S2", "S3") for w in report.warnings)


def test_a_refresh_never_blanks_what_the_delivery_lacks(ledger):
    check_a_refresh_never_blanks_what_the_delivery_lacks(ledger)


def test_duplicates_empty_keys_and_bad_geometry_are_reported_not_imported(ledger):
    ledger.import_batch("b", [_spot("D1", 0, TBMJ=111.0)])
    spots = [
        _spot("OK1", 0),
        _spot("D1", 1, TBMJ=1.0),
        _spot("", 2),
        _spot(None, 3),
        _spot("D1", 4, TBMJ=2.0),
        _spot("  ", 5),
        _spot("LINE", 6),
        _spot(370302202300009.0, 7),  # a number column read as float
    ]
    spots[6].geometry = shapely.LineString([(X0, Y0), (X0 + 5, Y0)])
    before = ledger.spot(ledger.spots()[0].id)
    report = ledger.import_batch("b", spots)
    assert not report.ok and report.added == 2 and report.skipped == 6
    by_index = {(e.index, e.number, e.field) for e in report.errors}
    assert {(1, "D1", "JCBH"), (4, "D1", "JCBH")} <= by_index
    assert {(2, None, "JCBH"), (3, None, "JCBH"), (5, None, "JCBH")} <= by_index
    assert (6, "LINE", "geometry") in by_index
    duplicate = next(e for e in report.errors if e.index == 1)
    assert "neither copy" in duplicate.message and "#1, #4" in duplicate.message
    assert "两份均未导入" in duplicate.message
    numbers = [s.number for s in ledger.spots()]
    assert sorted(numbers) == ["370302202300009", "D1", "OK1"]
    kept = ledger.spot(before.id)  # the earlier D1 is untouched, and the report says so
    assert kept.spot_area == 111.0 and kept.updated_at == before.updated_at
    assert any(
        w.number == "D1" and "keeps its earlier record" in w.message for w in report.warnings
    )
    assert any("D1" in line for line in report.lines())


def test_a_file_without_spot_numbers_is_refused_once_and_changes_nothing(ledger):
    """The towns layer given as spots: one message naming the file and the field, not one
    "empty number" per feature, and the batch's record (its source) left as it was."""
    ledger.import_batch("b", [_spot("S1", 0)], source="spots_2026q3.gpkg")
    before = _dump(ledger.path)
    towns = [SpotRecord({"XZMC": "南郊镇"}, box(X0, Y0, X0 + 50, Y0 + 50), 0)]
    with pytest.raises(LedgerError, match=r"towns\.gpkg.*JCBH") as refused:
        ledger.import_batch("b", towns, source="towns.gpkg")
    assert "没有图斑编号字段 JCBH" in str(refused.value)
    assert _dump(ledger.path) == before


def test_a_refresh_refusing_every_spot_leaves_the_batch_record_as_it_was(ledger):
    ledger.import_batch("b", [_spot("S1", 0)], source="spots_2026q3.gpkg")
    before = _dump(ledger.path)
    report = ledger.import_batch("b", [_spot("", 0), _spot(None, 1)], source="other.gpkg")
    assert report.added == report.refreshed == 0 and report.skipped == 2
    assert _dump(ledger.path) == before  # the source is not other.gpkg, nor the time newer


def test_text_that_does_not_decode_refuses_the_spot_and_keeps_its_earlier_record(ledger):
    """A Shapefile value cut inside a character reaches the import as bytes: refused by spot
    and field, never stored as hex over the readable text recorded before."""
    ledger.import_batch("b", [_spot("S1", 0, XMMC="淄川区某某项目")])
    before = ledger.spot(ledger.spots()[0].id)
    cut = "淄川区某某项目".encode()[:10]
    report = ledger.import_batch("b", [_spot("S1", 0, XMMC=cut)])
    assert [(e.number, e.field) for e in report.errors] == [("S1", "XMMC")]
    assert "decode" in report.errors[0].message
    kept = ledger.spot(before.id)
    assert kept.attributes["XMMC"] == "淄川区某某项目" and kept.updated_at == before.updated_at


def test_misdecoded_text_is_reported_and_the_spot_not_imported(ledger):
    gbk_as_latin1 = "南郊镇".encode("gbk").decode("latin-1")
    utf8_as_latin1 = "双杨镇".encode().decode("latin-1")
    spots = [
        _spot("M1", 0, XZMC=gbk_as_latin1),
        _spot("M2", 1, PDYY="占用\ufffd\ufffd地"),
        _spot("M3", 2, BZ="锟斤拷锟斤拷"),
        _spot("M4", 3, XZMC=utf8_as_latin1),
        _spot("OK", 4, BZ="Müller 南郊"),
    ]
    spots[4].attributes["ÌØÊâ"] = "x"  # field name 特殊 mis-decoded
    spots[4].attributes.pop("ÌØÊâ")
    spots.append(_spot("M5", 5))
    spots[5].attributes["ÌØÊâ"] = "x"
    report = ledger.import_batch("b", spots)
    flagged = {(e.index, e.number, e.field) for e in report.errors}
    assert flagged == {
        (0, "M1", "XZMC"),
        (1, "M2", "PDYY"),
        (2, "M3", "BZ"),
        (3, "M4", "XZMC"),
        (5, "M5", "ÌØÊâ"),
    }
    assert "南郊镇" in next(e.message for e in report.errors if e.number == "M1")
    assert [s.number for s in ledger.spots()] == ["OK"]
    assert misdecoding_reason("南郊镇") is None and misdecoding_reason("Müller") is None
    assert misdecoding_reason("2023-01-01") is None
    # Latin text with several accents is not GBK read as Latin-1: its accents stand alone.
    for latin in ("Zürich Straße", "Müller-Lüdenscheid", "Crème brûlée"):
        assert misdecoding_reason(latin) is None, latin
    assert misdecoding_reason("〔2024〕第1号".encode("gbk").decode("latin-1"))
    # Names with characters whose GBK second byte is ASCII (镕 is E9 46) are still caught.
    for name in ("朱镕基", "李昇", "刘赟", "冯琇"):
        assert misdecoding_reason(name.encode("gbk").decode("latin-1")), name


# CJK Extension A (U+3400–U+4DBF): rare characters some village names are written with.
EXTENSION_A_NAMES = ("㐀家庄", "䶵村", "㙟", "䶮")


def test_extension_a_characters_count_as_chinese():
    """Kills the mutant that narrows spot_files' Chinese range to U+4E00–U+9FFF: the first and
    last characters of Extension A, and the names written with them, hold Chinese."""
    assert has_cjk("\u3400") and has_cjk("\u4db5") and has_cjk("\u4dbf")
    assert all(has_cjk(name) for name in EXTENSION_A_NAMES)
    assert not has_cjk("\u33ff") and not has_cjk("\u4dc0")  # a squared sign, a hexagram


def test_utf8_village_names_in_extension_a_read_as_latin1_are_refused_by_spot_and_field(ledger):
    """A UTF-8 file read as Latin-1 turns 䶮 into Ã¤Â¶Â®-like text whose bytes decode to
    Extension A alone. Kills the mutant that narrows the Chinese range (has_cjk) to
    U+4E00–U+9FFF: such a name was then stored garbled, its spot not refused."""
    spots = [
        _spot(f"A{i}", i, CJMC=name.encode("utf-8").decode("latin-1"))
        for i, name in enumerate(EXTENSION_A_NAMES)
    ]
    report = ledger.import_batch("b", [*spots, _spot("OK", 9, CJMC="䶮")])
    assert [(e.number, e.field) for e in report.errors] == [
        (f"A{i}", "CJMC") for i in range(len(EXTENSION_A_NAMES))
    ]
    assert [s.number for s in ledger.spots()] == ["OK"]
    for error, name in zip(report.errors, EXTENSION_A_NAMES):
        assert name in error.message, error.message  # what the text would read


# --- append-only history -----------------------------------------------------------------------


def test_a_correction_adds_a_record(ledger):
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    first, second = (s.id for s in ledger.spots())
    assert ledger.current_verdict(first) is None
    v1 = ledger.record_verdict(first, _verdict())
    v2 = ledger.record_verdict(
        first,
        _verdict(
            category=ls.VERDICT_LEGAL,
            kind="农转用",
            approval_number="鲁政土字〔2023〕12号",
            corrects=v1,
            note="补充批文",
        ),
    )
    history = ledger.verdict_history(first)
    assert [v.id for v in history] == [v1, v2]
    assert history[0].category == ls.VERDICT_ILLEGAL and history[0].areas == {"GDMJ": 150.0}
    assert history[1].corrects == v1 and history[1].verified_on == "2024-03-05"
    assert ledger.current_verdict(first).category == ls.VERDICT_LEGAL
    assert ledger.spots(SpotFilter(status=ls.STATUS_VERIFIED))[0].category == ls.VERDICT_LEGAL
    with pytest.raises(VerdictError, match="does not belong"):
        ledger.record_verdict(second, _verdict(corrects=v1))
    assert ledger.verdict_history(second) == []


def test_an_approval_number_typed_in_full_width_is_recorded_in_ascii(ledger):
    """A Chinese input method types 鲁政土字〔２０２３〕１２号; recorded so, the export held two
    spellings of one approval (the review of 2026-11-29). Its digits and letters are recorded
    in ASCII, a zero-width space pasted with it dropped, its brackets and words as typed; one
    of spaces and format characters only is no number."""
    ledger.import_batch("b", [_spot("S1", 0)])
    [spot] = ledger.spots()
    typed = "\u200b鲁政土字〔２０２３〕１２号（ＧＨ－ａ）"
    ledger.record_verdict(
        spot.id, _verdict(category=ls.VERDICT_LEGAL, kind="农转用", approval_number=typed)
    )
    assert ledger.current_verdict(spot.id).approval_number == "鲁政土字〔2023〕12号（GH－a）"
    with pytest.raises(VerdictError, match="批准文号"):
        ledger.record_verdict(
            spot.id,
            _verdict(category=ls.VERDICT_LEGAL, kind="农转用", approval_number="\u200b\u3000"),
        )


def test_triggers_refuse_update_and_delete_from_any_tool(ledger, tmp_path):
    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    ledger.record_verdict(spot_id, _verdict())
    source = tmp_path / "a.mp3"
    source.write_bytes(b"ID3 a recording")
    ledger.add_evidence(spot_id, store_evidence_file(ledger.path, "S1", source, "audio"))
    ledger.close()
    before = _dump(ledger.path)
    conn = sqlite3.connect(str(ledger.path))
    for sql in (
        "UPDATE ledger_verdicts SET category = '合法'",
        "DELETE FROM ledger_verdicts",
        "UPDATE ledger_evidence SET sha256 = 'x'",
        "DELETE FROM ledger_evidence",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
        conn.execute("DELETE FROM ledger_spots")
    conn.commit()
    conn.close()
    assert _dump(ledger.path) == before


# --- transactions and crash safety ---------------------------------------------------------------


def test_an_exception_mid_import_leaves_the_ledger_unchanged(ledger):
    ledger.import_batch("b", [_spot("S1", 0)])
    ledger.record_verdict(ledger.spots()[0].id, _verdict())
    before = _dump(ledger.path)

    def fail_halfway(row):
        if row == 50:
            raise RuntimeError("disk on fire")

    ledger._after_row_hook = fail_halfway
    spots = [_spot(f"N{i:03d}", i) for i in range(100)] + [_spot("S1", 0, TBMJ=9.0)]
    with pytest.raises(RuntimeError, match="disk on fire"):
        ledger.import_batch("b", spots)
    assert _dump(ledger.path) == before
    ledger._after_row_hook = None
    assert ledger.import_batch("c", [_spot("C1", 0)]).added == 1  # still usable
    with pytest.raises(KeyError), ledger.transaction():  # and an outer transaction rolls back
        ledger.record_verdict(ledger.spots(SpotFilter(batch="c"))[0].id, _verdict())
        raise KeyError("stop")
    assert ledger.counts("c") == (0, 1)


_CHILD = """
import sys, time
sys.path.insert(0, {repo!r})
from shapely.geometry import box
from zc_enforcement_plugin.core.ledger import GeoPackageLedger, SpotRecord
ledger = GeoPackageLedger({path!r})
# A tiny page cache makes SQLite spill changed pages into the database file before COMMIT,
# so the kill really leaves a half-written file that only the journal can repair.
ledger._conn.execute("PRAGMA cache_size = 5")
count = {count}
def hook(row):
    if row == count // 2:
        with open({marker!r}, "w") as handle:
            handle.write("half")
        time.sleep(300)
ledger._after_row_hook = hook
spots = [
    SpotRecord({{"JCBH": "K%05d" % i, "TBMJ": 1.0, "BZ": "备注" * 100}},
               box({x0} + i, {y0}, {x0} + i + 1, {y0} + 1), i)
    for i in range(count)
]
spots.append(SpotRecord({{"JCBH": "S1", "TBMJ": 5.0}}, box({x0}, {y0}, {x0} + 1, {y0} + 1)))
ledger.import_batch("b", spots)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_mid_transaction_the_ledger_keeps_its_previous_content(ledger, tmp_path):
    ledger.import_batch("b", [_spot("S1", 0)])
    ledger.record_verdict(ledger.spots()[0].id, _verdict())
    ledger.close()
    before = _dump(ledger.path)
    before_bytes = ledger.path.read_bytes()
    marker = tmp_path / "halfway"
    script = tmp_path / "child.py"
    script.write_text(
        _CHILD.format(
            repo=str(REPO), path=str(ledger.path), count=2000, marker=str(marker), x0=X0, y0=Y0
        ),
        encoding="utf-8",
    )
    child = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail("child ended early: " + child.stderr.read().decode(errors="replace"))
            if time.monotonic() > deadline:
                pytest.fail("child never reached the middle of the import")
            time.sleep(0.05)
        journal = Path(str(ledger.path) + "-journal")
        assert journal.exists() and journal.stat().st_size > 0  # mid-transaction
        assert ledger.path.read_bytes() != before_bytes  # pages already spilled into the file
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    half_written = ledger.path.read_bytes()
    journal_left = journal.read_bytes()
    reopened = GeoPackageLedger(ledger.path)  # the hot journal is rolled back on open
    # ... once the file and journal as the kill left them were copied aside.
    backup = ledger.path.with_name("ledger.before-recovery.gpkg")
    assert backup.read_bytes() == half_written
    assert Path(f"{backup}-journal.saved").read_bytes() == journal_left
    assert reopened.counts() == (1, 1)
    assert [s.number for s in reopened.spots()] == ["S1"]
    reopened.close()
    assert _dump(ledger.path) == before
    conn = sqlite3.connect(str(ledger.path))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


# --- schema versions -------------------------------------------------------------------------


def test_a_version_1_ledger_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.gpkg"
    create_ledger_file(path, schema_version=1)
    conn = sqlite3.connect(str(path))
    assert conn.execute(
        "SELECT value FROM ledger_meta WHERE key = 'schema_version'"
    ).fetchone() == ("1",)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(ledger_evidence)")}
    assert ls.C_TAKEN_AT not in columns
    now = "2023-05-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO ledger_batches (name, imported_at, updated_at) VALUES ('old', ?, ?)",
        (now, now),
    )
    conn.execute(
        'INSERT INTO ledger_spots (geom, batch_id, "JCBH", "TBMJ", attributes, imported_at, '
        "updated_at) VALUES (?, 1, 'V1', 300.0, '{\"JCBH\": \"V1\"}', ?, ?)",
        (encode_gpkg_geometry(shapely.MultiPolygon([box(X0, Y0, X0 + 10, Y0 + 30)])), now, now),
    )
    conn.execute(
        "INSERT INTO ledger_verdicts (spot_id, category, kind, verifier, verified_on, recorded_at)"
        " VALUES (1, '其他', '伪变化', '李四', '2023-05-02', ?)",
        (now,),
    )
    conn.execute(
        "INSERT INTO ledger_evidence (spot_id, kind, path, sha256, size, recorded_at) "
        "VALUES (1, 'photo', 'V1/a.jpg', ?, 3, ?)",
        ("0" * 64, now),
    )
    conn.execute("UPDATE ledger_evidence SET size = 4")  # version 1 evidence was not append-only
    conn.commit()
    conn.close()

    migrated = GeoPackageLedger(path)
    assert migrated.migrated_from == 1 and migrated.schema_version == ls.SCHEMA_VERSION
    spot_id = migrated.spots()[0].id
    assert migrated.spot(spot_id).spot_area == 300.0
    assert migrated.current_verdict(spot_id).kind == "伪变化"
    [evidence] = migrated.evidence(spot_id)
    assert evidence.size == 4 and evidence.taken_at is None and evidence.original_name == ""
    migrated.close()
    conn = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE ledger_evidence SET size = 5")
    conn.close()
    assert GeoPackageLedger(path).migrated_from is None  # nothing left to do the second time


def test_an_upgrade_is_said_and_the_ledger_copied_first(tmp_path):
    """An older ledger was upgraded in place without a word and without a copy, and
    colleagues on the older plugin were then refused it. Now it is copied to
    old.v<N>-backup.gpkg first (a copy already there is kept: the next name is taken), and
    the opening notices say the upgrade, that older plugins cannot open it, and the copy."""
    old = ls.SCHEMA_VERSION - 1
    path = tmp_path / "old.gpkg"
    create_ledger_file(path, schema_version=old)
    conn = sqlite3.connect(str(path))
    now = "2023-05-01T00:00:00.000Z"
    conn.execute(
        "INSERT INTO ledger_batches (name, imported_at, updated_at) VALUES ('old', ?, ?)",
        (now, now),
    )
    conn.commit()
    conn.close()
    earlier = tmp_path / f"old.v{old}-backup.gpkg"
    earlier.write_bytes(b"an earlier copy the user keeps")

    with GeoPackageLedger(path, create=False) as upgraded:
        assert upgraded.schema_version == ls.SCHEMA_VERSION
        [notice] = upgraded.opening_notices
    backup = tmp_path / f"old.v{old}-backup-2.gpkg"
    assert earlier.read_bytes() == b"an earlier copy the user keeps"
    for named in (path, backup, f"版本 {old} 升级到版本 {ls.SCHEMA_VERSION}", "无法打开"):
        assert str(named) in notice
    assert f"upgraded from schema version {old} to {ls.SCHEMA_VERSION}" in notice
    assert "plugins older than this one" in notice and "can no longer open it" in notice
    conn = sqlite3.connect(str(backup))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute(
            "SELECT value FROM ledger_meta WHERE key = 'schema_version'"
        ).fetchone() == (str(old),)
        assert conn.execute("SELECT name FROM ledger_batches").fetchall() == [("old",)]
    finally:
        conn.close()
    with GeoPackageLedger(path, create=False) as again:  # nothing to upgrade, nothing said
        assert again.opening_notices == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["old.gpkg", earlier.name, backup.name]
    )


def test_a_newer_ledger_is_refused_with_a_clear_message(ledger):
    ledger.close()
    conn = sqlite3.connect(str(ledger.path))
    conn.execute("UPDATE ledger_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = ledger.path.read_bytes()
    with pytest.raises(LedgerError, match=r"99.*newer than this plugin") as caught:
        GeoPackageLedger(ledger.path)
    assert str(ledger.path) in str(caught.value) and "升级插件" in str(caught.value)
    assert ledger.path.read_bytes() == before


def _old_ledger(tmp_path, version: int, sql: str) -> tuple[Path, bytes]:
    """A ledger file at schema `version` altered by `sql` with plain sqlite3, and its bytes."""
    path = tmp_path / "old.gpkg"
    create_ledger_file(path, schema_version=version)
    conn = sqlite3.connect(str(path))
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path, path.read_bytes()


@pytest.mark.parametrize(
    "sql, shown",
    [
        ("UPDATE ledger_meta SET value = 'x' WHERE key = 'schema_version'", "'x'"),
        ("UPDATE ledger_meta SET value = '0' WHERE key = 'schema_version'", "'0'"),
        ("UPDATE ledger_meta SET value = '-1' WHERE key = 'schema_version'", "'-1'"),
        ("DELETE FROM ledger_meta WHERE key = 'schema_version'", "None"),
    ],
    ids=["text", "zero", "negative", "missing"],
)
def test_a_ledger_of_an_unknown_schema_version_is_refused_unchanged(tmp_path, sql, shown):
    """Version 0 or below is no ledger any release wrote: not 'must be upgraded' (which would
    run the migrations over the existing tables), but an unknown version, the file untouched."""
    path, before = _old_ledger(tmp_path, 4, sql)
    with pytest.raises(LedgerError) as caught:
        GeoPackageLedger(path, create=False)
    message = str(caught.value)
    assert str(path) in message and f"unknown schema version {shown}" in message
    assert "台帐版本未知" in message and "must be upgraded" not in message
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "version, sql, missing",
    [
        (4, "DROP TABLE ledger_evidence", "table ledger_evidence is missing"),
        (4, "DROP TABLE ledger_case_events", "table ledger_case_events is missing"),
        (
            5,
            "DROP TABLE ledger_case_events; DROP TABLE ledger_cases",
            "tables ledger_cases, ledger_case_events are missing",
        ),
        (  # a version 2 file saying it is version 3
            2,
            "UPDATE ledger_meta SET value = '3' WHERE key = 'schema_version'",
            "tables ledger_patrols, ledger_cases, ledger_case_events, ledger_settings are missing",
        ),
        (
            5,
            "ALTER TABLE ledger_case_events DROP COLUMN measured_on",
            "column ledger_case_events.measured_on is missing",
        ),
        (3, "DROP TABLE gpkg_contents", "table gpkg_contents is missing"),
    ],
    ids=["v4-evidence", "v4-case-events", "v5-cases", "v3-but-v2", "v5-column", "v3-gpkg"],
)
def test_a_ledger_missing_a_table_is_refused_on_opening_unchanged(tmp_path, version, sql, missing):
    """A ledger lacking a table (or a column) its schema version has is refused when opened,
    before any migration writes to it, naming the file and what is missing; not later as a
    file that 'cannot be read or written', which sends the user after permissions."""
    path, before = _old_ledger(tmp_path, version, sql)
    with pytest.raises(LedgerError) as caught:
        GeoPackageLedger(path, create=False)
    message = str(caught.value)
    assert str(path) in message and missing in message, message
    assert "the ledger is incomplete or damaged" in message and "left unchanged" in message
    assert "台帐不完整或已损坏：缺少" in message
    if missing == "table ledger_evidence is missing":
        assert "缺少表 ledger_evidence（版本 4 应有）" in message
        assert "is missing (schema version 4 has it)" in message
    assert "cannot be read or written" not in message
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "version, sql, named",
    [
        (2, "CREATE TABLE ledger_patrols (x)", "ledger_patrols"),
        (
            4,
            "ALTER TABLE ledger_case_events ADD COLUMN measured_on TEXT",
            "ledger_case_events ADD COLUMN measured_on",
        ),
        (1, "CREATE INDEX ledger_spots_review_order ON ledger_spots (fid)", "review_order"),
    ],
    ids=["v2-patrols", "v4-measured-on", "v1-index"],
)
def test_a_ledger_a_migration_does_not_fit_is_refused_unchanged(tmp_path, version, sql, named):
    """A migration statement failing on what the file already holds is a ledger that does not
    match its recorded version, said naming the file and the table or column, with the file as
    it was: not a file that 'cannot be read or written'."""
    path, before = _old_ledger(tmp_path, version, sql)
    with pytest.raises(LedgerError) as caught:
        GeoPackageLedger(path, create=False)
    message = str(caught.value)
    assert str(path) in message and named in message, message
    assert f"the ledger does not match schema version {version}" in message
    assert f"台帐与版本 {version} 的结构不符" in message and "left unchanged" in message
    assert "cannot be read or written" not in message
    assert path.read_bytes() == before


def test_a_table_gone_after_opening_is_said_as_damage_not_as_access(ledger):
    """A table dropped behind an open ledger (by another tool) is named as damage when next
    used, not as a file that cannot be read or written."""
    conn = sqlite3.connect(str(ledger.path))
    conn.execute("DROP TABLE ledger_evidence")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError) as caught:
        ledger.evidence()
    message = str(caught.value)
    assert str(ledger.path) in message and "ledger_evidence" in message
    assert "incomplete or damaged" in message and "cannot be read or written" not in message


def test_a_ledger_another_program_is_writing_is_said_to_be_busy_not_damaged(ledger, monkeypatch):
    """Another program's write holding the file (an uncommitted edit in DB Browser for
    SQLite takes an exclusive lock once it spills its cache): opening it said "ledger file is
    damaged" of a sound file. It says the ledger is being written, to retry."""
    import sqlite3

    from zc_enforcement_plugin.core import ledger_gpkg

    ledger.import_batch("b", [_spot("S1", 0)])
    ledger.close()
    monkeypatch.setattr(ledger_gpkg, "WRITE_LOCK_WAIT_SECONDS", 0.1)
    other = sqlite3.connect(ledger.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LedgerError) as refused:
            GeoPackageLedger(ledger.path, create=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    message = str(refused.value)
    assert "正被其他程序写入" in message and "being written by another program" in message
    assert "is damaged" not in message and "已损坏" not in message, message
    with GeoPackageLedger(ledger.path, create=False) as again:  # once it is done: as it was
        assert [spot.number for spot in again.spots()] == ["S1"]


def test_files_that_are_not_ledgers_are_refused(tmp_path):
    text = tmp_path / "notes.gpkg"
    text.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(LedgerError, match="not a GeoPackage"):
        GeoPackageLedger(text)
    plain = tmp_path / "plain.gpkg"
    schema = {"geometry": "Polygon", "properties": {"JCBH": "str"}}
    with fiona.open(plain, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as sink:
        sink.write(
            fiona.Feature.from_dict(geometry=mapping(box(0, 0, 1, 1)), properties={"JCBH": "1"})
        )
    with pytest.raises(LedgerError, match="not a verification ledger"):
        GeoPackageLedger(plain)
    with pytest.raises(LedgerError, match="does not exist"):
        GeoPackageLedger(tmp_path / "missing.gpkg", create=False)
    assert ls.MIGRATIONS and len(ls.MIGRATIONS) == ls.SCHEMA_VERSION


# --- the spot list ------------------------------------------------------------------------------


def test_spot_list_filters_and_review_order(ledger):
    ledger.import_batch(
        "b1",
        [
            _spot("B", 0, YXJ=2),
            _spot("A", 1, YXJ=2, XZMC="双杨镇", SMC="双杨所"),
            _spot("C", 2, YXJ=1, SFYJJBNT=1, JYPD=domain.SUGGEST_ILLEGAL),
            _spot("D", 3, YXJ=None),
            _spot("E", 4, YXJ=3, SFGD="否"),
        ],
    )
    # The same number in a second batch (a re-check), listed by both.
    ledger.import_batch("b2", [_spot("A", 5, YXJ=1)], repeat_spots=True)
    listing = ledger.spots()
    assert [(s.batch, s.number) for s in listing] == [
        ("b2", "A"),
        ("b1", "C"),
        ("b1", "A"),
        ("b1", "B"),
        ("b1", "E"),
        ("b1", "D"),
    ]
    assert all(isinstance(s, SpotSummary) for s in listing)
    numbers = lambda **kw: [s.number for s in ledger.spots(SpotFilter(**kw))]  # noqa: E731
    assert numbers(batch="b1") == ["C", "A", "B", "E", "D"]
    assert numbers(town="双杨镇") == ["A"] and numbers(office="双杨所") == ["A"]
    assert numbers(flag="SFYJJBNT") == ["C"]
    assert numbers(flag="SFGD", batch="b1") == ["C", "A", "B", "D"]
    assert numbers(suggested=domain.SUGGEST_ILLEGAL) == ["C"]
    ledger.record_verdict(listing[3].id, _verdict())
    assert numbers(status=ls.STATUS_VERIFIED) == ["B"]
    assert len(numbers(status=ls.STATUS_UNVERIFIED)) == 5
    assert ledger.spot(listing[3].id).status == ls.STATUS_VERIFIED
    with pytest.raises(ValueError):
        ledger.spots(SpotFilter(flag="JCBH; DROP TABLE ledger_spots"))
    with pytest.raises(ValueError):
        ledger.spots(SpotFilter(status="done"))
    with pytest.raises(LedgerError, match="no spot"):
        ledger.spot(999)


# --- verdict validation --------------------------------------------------------------------------

_SPOT = SpotSummary(1, "b", "S1", None, None, 1000.0, 400.0, 0.0, None, 1, "unverified", None, None)
# Worked out as the test runs, not as the module is read: a run crossing midnight in Beijing
# (16:00 UTC) read "tomorrow" as of the day before and found it today.
_TOMORROW = "tomorrow"
_SPLIT = {"GDMJ": 400.0, "FGNYDMJ": 300.0, "JSYDMJ": 200.0, "WLYDMJ": 100.0}


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"areas": _SPLIT}, []),
        ({"areas": {**_SPLIT, "GDMJ": 400.03}}, []),  # rounding tolerance
        (dict(category=ls.VERDICT_LEGAL, kind=None), ["须注明依据", "needs its basis", "批准文号"]),
        (
            dict(category=ls.VERDICT_LEGAL, kind="增减挂钩", approval_number=" "),
            ["须填写批准文号", "approval number"],
        ),
        (dict(category=ls.VERDICT_LEGAL, kind="增减挂钩", approval_number="X-1"), []),
        (dict(kind=None), ["违法判定须注明类型", "verdict of “illegal” needs its kind"]),
        (dict(kind="临时用地"), ["违法判定须注明类型", "'临时用地'"]),
        (
            dict(category=ls.VERDICT_OTHER, kind="未报即用"),
            ["其他判定须注明类型", "verdict of “other”"],
        ),
        (dict(category=ls.VERDICT_OTHER, kind="伪变化"), []),
        (dict(category="不明"), ["判定类别须为", "must be one of"]),
        (dict(verifier=" "), ["须填写核查人", "verifier is required"]),
        (dict(verified_on=None), ["须填写核查日期", "date is required"]),
        (dict(verified_on="3/5/2024"), ["无法识别", "is not a date"]),
        (dict(verified_on=_TOMORROW), ["晚于今天", "in the future"]),
        (dict(verified_on=dt.date(2024, 1, 2)), []),
        (dict(areas={"GDMJ": 1200.0}), ["超过图斑面积", "exceeds the spot area"]),
        (dict(areas={**_SPLIT, "WLYDMJ": 50.0}), ["与图斑面积 1000.00 不符", "adds up to 950.00"]),
        (dict(areas={"GDMJ": 700.0, "JSYDMJ": 400.0}), ["超过图斑面积", "more than the spot area"]),
        (dict(areas={"GDMJ": -1}), ["须为非负数", "must be a number"]),
        (dict(areas={"XYZ": 1}), ["未知面积字段", "unknown area field"]),
        # Found untested by a mutation review: the boundaries of each check.
        (dict(kind=" 未报即用 "), []),  # a stray space is no other kind
        (dict(verified_on=" 2024-03-05"), []),
        (dict(areas={"JSYDMJ": 1000.1}), ["超过图斑面积", "exceeds the spot area"]),  # > 0.05
        (dict(details={ls.DETAIL_APPROVAL_DATE: "2024-03-05"}), []),  # approved the day verified
        (dict(details={ls.DETAIL_APPROVED_AREA: -0.5}), ["批准面积须为非负数", "approved area"]),
        # Basic farmland is part of the cultivated land occupied (found taken by a review):
        (dict(areas={**_SPLIT, "YJJBNTMJ": 400.01}), ["大于耕地", "exceeds the cultivated land"]),
        (dict(areas={**_SPLIT, "YJJBNTMJ": 400.0}), []),
        (dict(areas={"YJJBNTMJ": 600.0}), []),  # cultivated land not stated: nothing to hold to
    ],
)
def test_validate_verdict(changes, expected):
    if changes.get("verified_on") == _TOMORROW:
        changes = {**changes, "verified_on": (clock.today() + dt.timedelta(days=1)).isoformat()}
    messages = validate_verdict(_verdict(**changes), _SPOT)
    text = "\n".join(messages)
    if not expected:
        assert messages == []
    for part in expected:
        assert part in text
    for message in messages:  # Chinese first, then English
        chinese, english = message.split(" / ", 1)
        assert any("\u4e00" <= c <= "\u9fff" for c in chinese)
        assert english[:1].isascii() and english[:1].isalpha()


def test_an_invalid_verdict_is_refused_and_not_recorded(ledger):
    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    with pytest.raises(VerdictError) as caught:
        ledger.record_verdict(spot_id, _verdict(kind="", verifier="", areas={"GDMJ": 401.0}))
    assert len(caught.value.messages) == 3
    assert ledger.verdict_history(spot_id) == [] and ledger.counts() == (0, 1)


def test_a_save_a_rule_of_the_ledger_refuses_says_so_not_that_it_cannot_be_read(ledger):
    """A row refused by one of the ledger's own rules (a trigger a hand edit or an older
    plugin left, a unique number): the file is readable and writable, and the message said
    it "cannot be read or written" (无法读写), sending the user after the file's rights."""
    import sqlite3

    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    with sqlite3.connect(ledger.path) as hand:
        hand.execute(
            "CREATE TRIGGER hand_made BEFORE INSERT ON ledger_verdicts "
            "BEGIN SELECT RAISE(ABORT, 'no verdicts on Sundays'); END"
        )
    with pytest.raises(LedgerError) as refused:
        ledger.record_verdict(spot_id, _verdict())
    message = str(refused.value)
    assert "拒绝了这次保存" in message and "no verdicts on Sundays" in message, message
    assert "无法读写" not in message and "cannot be read" not in message, message
    assert str(ledger.path) in message and ledger.verdict_history(spot_id) == []


# --- reading spot files --------------------------------------------------------------------------

_FILE_SCHEMA = {
    "geometry": "Polygon",
    "properties": {"JCBH": "str:20", "XZMC": "str:40", "TBMJ": "float", "YXJ": "int"},
}


def _write_spot_file(
    path: Path,
    encoding: str | None,
    crs="EPSG:4527",
    driver="ESRI Shapefile",
    offset=(X0, Y0),
    layer=None,
):
    options = {"encoding": encoding} if encoding else {}
    if layer:
        options["layer"] = layer
    with fiona.open(path, "w", driver=driver, schema=_FILE_SCHEMA, crs=crs, **options) as sink:
        for i, town in enumerate(["南郊镇", "双杨镇", "寨里镇"]):
            geometry = box(offset[0] + 100 * i, offset[1], offset[0] + 100 * i + 10, offset[1] + 10)
            sink.write(
                fiona.Feature.from_dict(
                    geometry=mapping(geometry),
                    properties={
                        "JCBH": f"37030220230000{i}",
                        "XZMC": town,
                        "TBMJ": 100.0,
                        "YXJ": i,
                    },
                )
            )


def test_gbk_shapefile_without_cpg_has_its_encoding_guessed_and_reported(tmp_path, ledger):
    shp = tmp_path / "卫片图斑.shp"
    _write_spot_file(shp, "gbk")
    shp.with_suffix(".cpg").unlink()
    with fiona.open(shp) as source:  # what GDAL alone would make of it
        garbled = [f.properties["XZMC"] for f in source]
    assert garbled[0] != "南郊镇" and misdecoding_reason(garbled[0])

    records, report = read_spot_file(shp)
    assert [r.attributes["XZMC"] for r in records] == ["南郊镇", "双杨镇", "寨里镇"]
    assert report.encoding == "GBK" and report.encoding_guessed
    [warning] = report.warnings
    assert "卫片图斑.dbf" in warning.message and "GBK" in warning.message
    assert "guessed" in warning.message and "推测" in warning.message
    assert records[1].number == "370302202300001" and records[1].source_index == 1
    assert records[2].geometry.equals(box(X0 + 200, Y0, X0 + 210, Y0 + 10))
    assert ledger.import_batch("b", records).ok

    # Read the way GDAL would, the spots are refused instead of stored as mojibake.
    garbled_records, _ = read_spot_file(shp, encoding="latin-1")
    report = ledger.import_batch("b2", garbled_records)
    assert report.skipped == 3 and {e.field for e in report.errors} == {"XZMC"}


def test_utf8_shapefile_without_cpg_is_guessed_utf8_and_with_cpg_not_guessed(tmp_path):
    shp = tmp_path / "utf8.shp"
    _write_spot_file(shp, "utf-8")
    records, report = read_spot_file(shp)
    assert not report.encoding_guessed and report.warnings == []  # .cpg present
    assert records[0].attributes["XZMC"] == "南郊镇"
    shp.with_suffix(".cpg").unlink()
    records, report = read_spot_file(shp)
    assert report.encoding == "UTF-8" and report.encoding_guessed
    assert "utf8.dbf" in report.warnings[0].message
    assert records[2].attributes["XZMC"] == "寨里镇"


def test_a_cpg_naming_code_page_65001_reads_the_shapefile_as_utf8(tmp_path):
    """ArcGIS writes a UTF-8 Shapefile's .cpg as the Windows code page, 65001, which Python's
    codecs do not know by that name. Kills the mutant that drops "65001" from the code pages
    spot_files recognises: the file was then read as Latin-1 (南郊镇 as å\x8d\x97…) under a
    warning that the .cpg was not understood."""
    shp = tmp_path / "utf8.shp"
    _write_spot_file(shp, "utf-8")
    shp.with_suffix(".cpg").write_text("65001")
    records, report = read_spot_file(shp)
    assert [r.attributes["XZMC"] for r in records] == ["南郊镇", "双杨镇", "寨里镇"]
    assert report.encoding == "utf-8" and not report.encoding_guessed
    assert report.warnings == []


def test_a_cpg_naming_an_unknown_encoding_is_read_as_utf8_as_its_warning_says(tmp_path):
    """Found while pinning the .cpg's code pages: a .cpg naming an encoding no codec knows was
    said to be read as UTF-8 but was read as Latin-1, the Chinese garbled. It is read as UTF-8."""
    shp = tmp_path / "utf8.shp"
    _write_spot_file(shp, "utf-8")
    shp.with_suffix(".cpg").write_text("CP99999")
    records, report = read_spot_file(shp)
    assert [r.attributes["XZMC"] for r in records] == ["南郊镇", "双杨镇", "寨里镇"]
    [warning] = report.warnings
    assert "utf8.cpg" in warning.message and "'CP99999'" in warning.message
    assert "read as UTF-8" in warning.message and report.encoding == "utf-8"


def test_a_geopackage_in_another_crs_is_transformed_and_reported(tmp_path):
    path = tmp_path / "spots.gpkg"
    _write_spot_file(path, None, crs="EPSG:4548", driver="GPKG", offset=(X0 - 39_000_000, Y0))
    records, report = read_spot_file(path)
    assert report.transformed and "transformed to EPSG:4527" in report.warnings[0].message
    bounds = records[0].geometry.bounds
    assert bounds == pytest.approx((X0, Y0, X0 + 10, Y0 + 10), abs=1e-3)
    # Spots are numbered in reports by the feature id QGIS shows: a GeoPackage's starts at 1.
    assert [r.source_index for r in records] == list(range(1, len(records) + 1))


def test_a_spot_file_on_beijing_1954_is_refused_not_moved_by_a_guess(tmp_path):
    """PROJ has no Beijing 1954 -> CGCS2000 shift, only a 'ballpark' of none: ~70 m off here."""
    path = tmp_path / "bj54.gpkg"
    _write_spot_file(path, None, crs="EPSG:2415", driver="GPKG", offset=(X0, Y0))
    with pytest.raises(SpotFileError) as refused:
        read_spot_file(path)
    assert "bj54.gpkg" in str(refused.value) and "Beijing 1954" in str(refused.value)


def test_a_spot_file_in_lon_lat_keeps_its_edges_as_a_screened_layer_does(tmp_path):
    # The same spot must reach the ledger with the same outline whether it was screened in QGIS
    # or imported from its file: both densify its edges before the transform (core.reproject).
    import fiona
    import numpy as np
    import shapely
    from pyproj import Transformer

    ring = shapely.Polygon([(117.9, 36.6), (117.911, 36.601), (117.912, 36.61), (117.899, 36.609)])
    path = tmp_path / "spots_ll.gpkg"
    schema = {"geometry": "Polygon", "properties": {"JCBH": "str"}}
    with fiona.open(path, "w", driver="GPKG", crs="EPSG:4490", schema=schema) as sink:
        sink.write({"geometry": shapely.geometry.mapping(ring), "properties": {"JCBH": "S1"}})
    (record,), report = read_spot_file(path)
    assert report.transformed
    to_gk = Transformer.from_crs(4490, 4527, always_xy=True)
    fine = shapely.transform(
        shapely.segmentize(ring, 1e-6), lambda c: np.column_stack(to_gk.transform(*c.T))
    )
    corners = shapely.transform(ring, lambda c: np.column_stack(to_gk.transform(*c.T)))
    origin = np.round(fine.centroid.coords[0], -3)
    area = shapely.transform(record.geometry, lambda c: c - origin).area
    assert area == pytest.approx(shapely.transform(fine, lambda c: c - origin).area, abs=0.005)
    assert abs(area - shapely.transform(corners, lambda c: c - origin).area) > 1.0


def test_files_that_are_not_what_they_claim_give_clear_errors(tmp_path):
    fake = tmp_path / "spots.gpkg"
    fake.write_text("JCBH,XZMC\n1,南郊镇\n", encoding="utf-8")
    with pytest.raises(SpotFileError, match="not a GeoPackage") as caught:
        read_spot_file(fake)
    assert str(fake) in str(caught.value)
    garbage = tmp_path / "spots.shp"
    garbage.write_bytes(os.urandom(300))
    with pytest.raises(SpotFileError, match="not a Shapefile") as caught:
        read_spot_file(garbage)
    assert str(garbage) in str(caught.value)
    with pytest.raises(SpotFileError, match="not found"):
        read_spot_file(tmp_path / "nowhere.shp")
    lonely = tmp_path / "lonely.shp"
    _write_spot_file(lonely, "utf-8")
    lonely.with_suffix(".dbf").unlink()
    with pytest.raises(SpotFileError, match="no .dbf"):
        read_spot_file(lonely)
    two = tmp_path / "two.gpkg"
    _write_spot_file(two, None, driver="GPKG", layer="spots")
    _write_spot_file(two, None, driver="GPKG", layer="pieces")
    with pytest.raises(SpotFileError, match="several layers"):
        read_spot_file(two)
    assert len(read_spot_file(two, layer="pieces")[0]) == 3
    with pytest.raises(SpotFileError, match="no layer"):
        read_spot_file(two, layer="nope")
    no_crs = tmp_path / "nocrs.shp"
    _write_spot_file(no_crs, "utf-8", crs=None)
    with pytest.raises(SpotFileError, match="no coordinate reference system"):
        read_spot_file(no_crs)
    # A GeoPackage written without one (srs_id 0) says "Undefined geographic SRS": no CRS
    # either, not WGS 84 to transform from (spots in degrees were quietly placed by it).
    no_crs = tmp_path / "nocrs.gpkg"
    _write_spot_file(no_crs, None, driver="GPKG", crs=None)
    with pytest.raises(SpotFileError, match="no coordinate reference system"):
        read_spot_file(no_crs)


# --- evidence ------------------------------------------------------------------------------------


def _ifd(order: str, offset: int, entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """One TIFF IFD placed at `offset`, values longer than 4 bytes right after it."""
    data_start = offset + 2 + 12 * len(entries) + 4
    head, data = struct.pack(order + "H", len(entries)), b""
    for tag, kind, count, payload in sorted(entries):
        if len(payload) <= 4:
            head += struct.pack(order + "HHI", tag, kind, count) + payload.ljust(4, b"\0")
        else:
            head += struct.pack(order + "HHII", tag, kind, count, data_start + len(data))
            data += payload + (b"\0" if len(payload) % 2 else b"")
    return head + struct.pack(order + "I", 0) + data


def _jpeg_with_exif(order: str, when: str, lat, lat_ref: str, lon, lon_ref: str) -> bytes:
    def rationals(values):
        return b"".join(struct.pack(order + "II", n, d) for n, d in values)

    def pointer(tag, value):
        return (tag, 4, 1, struct.pack(order + "I", value))

    exif_entries = [
        (0x9003, 2, 20, when.encode() + b"\0"),
        (0x9011, 2, 7, b"+08:00\0"),
    ]
    gps_entries = [
        (1, 2, 2, lat_ref.encode() + b"\0"),
        (2, 5, 3, rationals(lat)),
        (3, 2, 2, lon_ref.encode() + b"\0"),
        (4, 5, 3, rationals(lon)),
    ]
    ifd0_size = len(
        _ifd(order, 8, [pointer(0x8769, 0), pointer(0x8825, 0), (0x0110, 2, 6, b"Phone\0")])
    )
    exif_at = 8 + ifd0_size
    gps_at = exif_at + len(_ifd(order, exif_at, exif_entries))
    ifd0 = _ifd(
        order, 8, [pointer(0x8769, exif_at), pointer(0x8825, gps_at), (0x0110, 2, 6, b"Phone\0")]
    )
    magic = b"II" if order == "<" else b"MM"
    tiff = (
        magic
        + struct.pack(order + "HI", 42, 8)
        + ifd0
        + _ifd(order, exif_at, exif_entries)
        + _ifd(order, gps_at, gps_entries)
    )
    app1 = b"Exif\0\0" + tiff
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    return b"\xff\xd8" + jfif + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xd9"


@pytest.mark.parametrize("order", ["<", ">"])
def test_exif_time_and_gps_are_read_from_a_hand_made_jpeg(order):
    data = _jpeg_with_exif(
        order,
        "2024:03:05 14:22:01",
        [(36, 1), (48, 1), (305, 10)],
        "N",
        [(117, 1), (58, 1), (125, 100)],
        "E",
    )
    info = parse_jpeg_exif(data)
    assert info.taken_at == "2024-03-05T14:22:01+08:00"
    assert info.lat == pytest.approx(36 + 48 / 60 + 30.5 / 3600)
    assert info.lon == pytest.approx(117 + 58 / 60 + 1.25 / 3600)
    south_west = parse_jpeg_exif(
        _jpeg_with_exif(
            order,
            "2024:03:05 14:22:01",
            [(1, 1), (0, 1), (0, 1)],
            "S",
            [(2, 1), (30, 1), (0, 1)],
            "W",
        )
    )
    assert (south_west.lat, south_west.lon) == (-1.0, -2.5)


def test_exif_that_is_absent_blank_or_damaged_gives_nothing():
    assert parse_jpeg_exif(b"\x89PNG\r\n\x1a\n....") == parse_jpeg_exif(b"")
    blank = parse_jpeg_exif(
        _jpeg_with_exif(
            "<",
            "0000:00:00 00:00:00",
            [(0, 0), (0, 1), (0, 1)],
            "N",
            [(117, 1), (0, 1), (0, 1)],
            "E",
        )
    )
    assert blank.taken_at is None and blank.lat is None and blank.lon is None
    good = _jpeg_with_exif(
        "<", "2024:03:05 14:22:01", [(36, 1), (0, 1), (0, 1)], "N", [(117, 1), (0, 1), (0, 1)], "E"
    )
    for cut in (30, 60, 120, len(good) - 40):
        info = parse_jpeg_exif(good[:cut])  # must not raise
        assert info.taken_at in (None, "2024-03-05T14:22:01+08:00")


def test_exif_written_by_pillow_is_read_too(tmp_path):
    from PIL import Image, TiffImagePlugin  # python3-pil, one of make setup's packages

    rational = TiffImagePlugin.IFDRational
    exif = Image.Exif()
    exif[0x8825] = {
        1: "N",
        2: (rational(36, 1), rational(48, 1), rational(305, 10)),
        3: "E",
        4: (rational(117, 1), rational(58, 1), rational(125, 100)),
    }
    exif[0x8769] = {0x9003: "2023:11:30 08:01:02"}
    path = tmp_path / "pillow.jpg"
    Image.new("RGB", (16, 16), "green").save(path, exif=exif.tobytes())
    info = read_photo_exif(path)
    assert info.taken_at == "2023-11-30T08:01:02"
    assert (info.lat, info.lon) == pytest.approx((36.80847222, 117.96701389))


def test_evidence_is_copied_hashed_recorded_and_checked(ledger, tmp_path):
    ledger.import_batch("b", [_spot("370302202300001", 0), _spot("S:2", 1)])
    first, second = (s.id for s in ledger.spots())
    sources = tmp_path / "camera"
    sources.mkdir()
    photo = sources / "IMG 0001.jpg"
    photo.write_bytes(
        _jpeg_with_exif(
            "<",
            "2024:03:05 14:22:01",
            [(36, 1), (48, 1), (305, 10)],
            "N",
            [(117, 1), (58, 1), (125, 100)],
            "E",
        )
    )
    video = sources / "clip.mp4"
    video.write_bytes(b"\0\0\0\x18ftypmp42" + os.urandom(2000))

    record = store_evidence_file(ledger.path, "370302202300001", photo, ls.EVIDENCE_PHOTO)
    copied = ledger.evidence_dir / record.path
    assert ledger.evidence_dir == ledger.path.parent / "evidence"
    assert (
        record.path == "370302202300001/IMG 0001.jpg" and copied.read_bytes() == photo.read_bytes()
    )
    assert record.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert record.size == photo.stat().st_size and record.original_name == "IMG 0001.jpg"
    assert record.taken_at == "2024-03-05T14:22:01+08:00" and record.gps_lat == pytest.approx(
        36.80847, abs=1e-5
    )
    photo_id = ledger.add_evidence(first, record)

    again = store_evidence_file(ledger.path, "370302202300001", photo, ls.EVIDENCE_PHOTO)
    assert again.path == record.path  # the identical file is not copied twice
    other = sources / "other" / "IMG 0001.jpg"
    other.parent.mkdir()
    other.write_bytes(b"\xff\xd8\xff\xe0 another photo with the same name")
    renamed = store_evidence_file(ledger.path, "370302202300001", other, ls.EVIDENCE_PHOTO)
    assert renamed.path == "370302202300001/IMG 0001_2.jpg" and renamed.taken_at is None
    ledger.add_evidence(first, renamed)
    clip = store_evidence_file(ledger.path, "S:2", video, ls.EVIDENCE_VIDEO)
    assert clip.path == "S_2/clip.mp4"  # a spot number made safe as a folder name
    clip_id = ledger.add_evidence(second, clip)

    stored = ledger.evidence(first)
    assert [e.path for e in stored] == [record.path, renamed.path]
    assert stored[0].gps_lon == pytest.approx(117.96701, abs=1e-5) and stored[0].recorded_at
    assert len(ledger.evidence()) == 3
    assert check_evidence_integrity(ledger) == []

    copied.write_bytes(copied.read_bytes() + b"edited")
    (ledger.evidence_dir / clip.path).unlink()
    problems = {(p.evidence_id, p.problem) for p in check_evidence_integrity(ledger)}
    assert problems == {(photo_id, "altered"), (clip_id, "missing")}
    messages = " ".join(p.message for p in check_evidence_integrity(ledger))
    assert "已被改动" in messages and "缺失" in messages

    with pytest.raises(LedgerError, match="unknown evidence kind 'document': photo, video, audio"):
        store_evidence_file(ledger.path, "S", photo, "document")
    with pytest.raises(LedgerError, match="unknown evidence kind 'document': photo, video, audio"):
        ledger.add_evidence(first, EvidenceRecord("document", record.path, record.sha256, 1))
    with pytest.raises(LedgerError, match="inside the evidence folder"):
        ledger.add_evidence(first, EvidenceRecord("photo", "../outside.jpg", record.sha256, 1))
    with pytest.raises(LedgerError, match="not a SHA-256"):
        ledger.add_evidence(first, EvidenceRecord("photo", "a.jpg", "abc", 1))
    with pytest.raises(LedgerError, match="no spot"):
        ledger.add_evidence(999, record)


@pytest.mark.parametrize("hard_links", [True, False], ids=["hard-links", "share-without-links"])
def test_two_files_of_one_name_attached_at_once_are_both_kept(tmp_path, monkeypatch, hard_links):
    """Two officers attach their own DJI_0001.JPG (different photos) to the same spot at the
    same moment: each copy keeps its own temporary name and claims a final name without
    overwriting, so both are recorded, under two names, each with its own content, and no
    temporary file is left; also in a folder without hard links (some network shares).
    (Before, both wrote `.DJI_0001.JPG.part`: one was told its file changed while copying,
    the other failed with a bare FileNotFoundError.)"""
    import shutil
    import threading

    from zc_enforcement_plugin.core import evidence

    root = tmp_path / "evidence"
    photos = []
    for officer in ("zhang", "li"):
        (tmp_path / officer).mkdir()
        photo = tmp_path / officer / "DJI_0001.JPG"
        photo.write_bytes(b"\xff\xd8\xff\xd9 photo by " + officer.encode() + os.urandom(256))
        photos.append(photo)
    both_copying = threading.Barrier(2, timeout=30)
    real_copy = shutil.copy2

    def slow_copy(source, destination, **kwargs):
        copied = real_copy(source, destination, **kwargs)
        both_copying.wait()  # neither copy claims its name before the other has copied too
        return copied

    monkeypatch.setattr(evidence.shutil, "copy2", slow_copy)
    if not hard_links:

        def no_links(*args, **kwargs):
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(evidence.os, "link", no_links)
    outcome: dict[int, object] = {}

    def attach(index: int) -> None:
        try:
            outcome[index] = evidence.store_evidence_in(root, "S1", photos[index], "photo")
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcome[index] = error

    threads = [threading.Thread(target=attach, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = [outcome[0], outcome[1]]
    assert all(isinstance(r, EvidenceRecord) for r in records), records
    assert sorted(r.path for r in records) == ["S1/DJI_0001.JPG", "S1/DJI_0001_2.JPG"]
    for record, photo in zip(records, photos):
        assert (root / record.path).read_bytes() == photo.read_bytes()
        assert record.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert sorted(p.name for p in (root / "S1").iterdir()) == ["DJI_0001.JPG", "DJI_0001_2.JPG"]


def test_verdict_details_round_trip_and_are_validated(tmp_path):
    """Schema 4: the verdict form's further fields are stored and checked."""
    import datetime as dt

    import shapely

    from zc_enforcement_plugin.core import ledger
    from zc_enforcement_plugin.core import ledger_schema as ls

    x0, y0 = 39_580_000.0, 4_050_000.0
    store = ledger.GeoPackageLedger(tmp_path / "l.gpkg")
    store.import_batch(
        "b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(x0, y0, x0 + 10, y0 + 10), 0)]
    )
    spot_id = store.spots()[0].id
    details = {
        ls.DETAIL_ACTUAL_USE: "厂房",
        ls.DETAIL_PARTY: "某公司",
        ls.DETAIL_STOP_ORDER: True,
        ls.DETAIL_APPROVAL_DATE: "2021-03-04",
        ls.DETAIL_APPROVED_AREA: 100.0,
    }
    verdict = ledger.Verdict(
        category=ls.VERDICT_LEGAL,
        kind=ls.LEGAL_BASES[0],
        verifier="王五",
        verified_on=dt.date(2026, 3, 2),
        approval_number="鲁政土字〔2021〕3号",
        details=details,
    )
    store.record_verdict(spot_id, verdict)
    assert store.current_verdict(spot_id).details == details

    bad = ledger.Verdict(
        category=ls.VERDICT_LEGAL,
        kind=ls.LEGAL_BASES[0],
        verifier="王五",
        verified_on=dt.date(2026, 3, 2),
        approval_number="x",
        details={ls.DETAIL_APPROVAL_DATE: "2027-01-01", ls.DETAIL_STOP_ORDER: "yes", "colour": 1},
    )
    with pytest.raises(ledger.VerdictError) as refused:
        store.record_verdict(spot_id, bad)
    text = "\n".join(refused.value.messages)
    assert "after the verification date" in text
    assert "stop order" in text and "colour" in text
    assert len(store.verdict_history(spot_id)) == 1
    store.close()


def test_an_invalid_outline_is_repaired_on_import_and_said(ledger):
    """A bow-tie spot (its outline crosses itself) would be stored with no area and drawn
    wrongly: it is repaired into its two triangles, and the report names the spot and why."""
    bow_tie = _spot("BOW", 0)
    bow_tie.geometry = shapely.Polygon(
        [(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]
    )
    report = ledger.import_batch("b", [bow_tie, _spot("OK", 1)])
    assert report.ok and report.added == 2
    (warning,) = [w for w in report.warnings if w.number == "BOW" and w.field == "geometry"]
    assert warning.field == "geometry" and "Self-intersection" in warning.message
    assert "几何无效（自相交（" in warning.message  # the Chinese half in Chinese
    stored = ledger.spot(next(s.id for s in ledger.spots() if s.number == "BOW")).geometry
    assert stored.is_valid and stored.area == pytest.approx(5000.0)  # two 50 × 100 / 2 triangles
    assert stored.geom_type == "MultiPolygon" and len(stored.geoms) == 2


@pytest.mark.parametrize(
    "fields, column, said",
    [
        ({domain.CULTIVATED_AREA: -5}, domain.CULTIVATED_AREA, "negative or larger"),
        # A third of a m² below zero is a wrong figure, not a difference's float noise.
        ({domain.CULTIVATED_AREA: -0.3}, domain.CULTIVATED_AREA, "negative or larger"),
        ({domain.SPOT_AREA: "1e300"}, domain.SPOT_AREA, "negative or larger"),
        ({domain.SPOT_AREA: "9" * 50}, domain.SPOT_AREA, "negative or larger"),
        ({domain.CULTIVATED_AREA: 500.0}, domain.CULTIVATED_AREA, "larger than the spot's area"),
        ({domain.BASIC_FARMLAND_AREA: 400.02}, domain.BASIC_FARMLAND_AREA, "larger than"),
    ],
)
def test_figures_no_spot_can_have_are_said_and_not_summed(ledger, fields, column, said):
    """A negative area, one larger than any district (a typo, a unit slip) is left out of its
    column, where reports add it up, and said by spot and field; a part larger than the spot
    itself is said. 400.01 m² of basic farmland in 400 m² is rounding, not a fault."""
    report = ledger.import_batch(
        "b", [_spot("S1", **fields), _spot("S2", YJJBNTMJ=400.01, GDMJ=-1e-12)]
    )  # S2: rounding, and a difference's float noise (taken as 0), are no faults
    assert [(w.number, w.field) for w in report.warnings] == [("S1", column)], report.warnings
    assert said in report.warnings[0].message
    spot = {s.number: s for s in ledger.spots()}["S1"]
    figure = {
        domain.SPOT_AREA: spot.spot_area,
        domain.CULTIVATED_AREA: spot.cultivated_area,
        domain.BASIC_FARMLAND_AREA: spot.basic_farmland_area,
    }[column]
    if said == "negative or larger":
        assert figure is None
    else:
        assert figure == fields[column]


def test_a_delivery_under_the_wrong_batch_name_is_said(ledger):
    """Three things a quarter's import gets wrong: the same spot number in another batch (two
    records, judged apart), a refresh that is mostly another delivery (merged into the batch
    by a reused name), a file whose every spot is refused (an empty batch left behind)."""
    ledger.import_batch("2026Q1", [_spot("S1", 0), _spot("S2", 1), _spot("S3", 2)])
    again = ledger.import_batch("2026Q1复核", [_spot("S2", 1), _spot("N1", 4)])
    assert again.added == 2
    [said] = [w for w in again.warnings if w.number == "S2"]
    assert "2026Q1" in said.message and "already in batch" in said.message
    assert not [w for w in again.warnings if w.number == "N1"]

    # A refresh that is wholly another delivery: refused (check_a_delivery_under_the_wrong_
    # batch_name_is_refused). A part of the batch delivered with new spots beside known ones is
    # no mistake, and a
    # number already said to be in another batch is not said again at each refresh.
    part = ledger.import_batch("2026Q1", [_spot("S1", 0), _spot("P-1", 9), _spot("P-2", 10)])
    assert not any("none of" in w.message for w in part.warnings)
    refresh = ledger.import_batch("2026Q1复核", [_spot("S2", 1), _spot("N1", 4)])
    assert not any("already in batch" in w.message for w in refresh.warnings)

    refused = ledger.import_batch("空批次", [_spot(None, 7), _spot("  ", 8)])
    assert refused.skipped == 2 and "空批次" not in [b.name for b in ledger.batches()]


def check_a_delivery_under_the_wrong_batch_name_is_refused(store) -> None:
    """Found by review: JCTB_2026Q4.gpkg imported with BATCH=JCTB_2026Q3 by mistake had its 298
    spots added to that batch with only a warning, the batch's source rewritten to the Q4 file,
    and the right import of it then refused as a re-delivery of Q3. A refresh none of whose
    spots the batch holds is refused before anything is written, naming the file, the batch
    and both ways out; add_to_batch adds a further part of a batch delivered in parts. (Shared
    with the PostGIS store's tests.)"""
    q3 = [_spot(f"3703022026{i:04d}", i) for i in range(12)]
    store.import_batch("JCTB_2026Q3", q3, source="JCTB_2026Q3.gpkg")
    before = [(b.name, b.source, b.spot_count) for b in store.batches()]
    q4 = [_spot(f"3703022027{i:04d}", i + 20) for i in range(12)]
    with pytest.raises(LedgerError) as refused:
        store.import_batch("JCTB_2026Q3", q4, source="JCTB_2026Q4.gpkg")
    said = str(refused.value)
    assert "JCTB_2026Q4.gpkg" in said and "none of the 12 spots" in said, said
    assert "batch JCTB_2026Q3 (delivered from JCTB_2026Q3.gpkg)" in said, said
    assert "Nothing imported" in said and "BATCH" in said and "ADD_TO_BATCH" in said, said
    assert [(b.name, b.source, b.spot_count) for b in store.batches()] == before

    # Its own name imports it (not refused as a re-delivery of Q3: nothing of it is there).
    assert store.import_batch("JCTB_2026Q4", q4, source="JCTB_2026Q4.gpkg").added == 12
    # A batch delivered in parts with no spot in common, said so, is added to.
    part = [_spot(f"3703022026{i:04d}", i + 40) for i in range(50, 53)]
    added = store.import_batch("JCTB_2026Q3", part, source="JCTB_2026Q3_2.gpkg", add_to_batch=True)
    assert added.added == 3
    assert {b.name: b.spot_count for b in store.batches()}["JCTB_2026Q3"] == 15


def test_a_delivery_under_the_wrong_batch_name_is_refused(ledger):
    check_a_delivery_under_the_wrong_batch_name_is_refused(ledger)


def check_a_new_batch_of_another_batchs_spots_is_refused(store) -> None:
    """A new batch most of whose numbers one batch holds is that batch delivered again under
    another name: refused whole, naming the batch, its source and the count, nothing
    written; the same spots refresh their own batch, and repeat_spots records them again
    (a re-check), the numbers held elsewhere said in one line rather than one a spot. (Shared
    with the PostGIS store's tests.)"""
    numbers = [f"S{i:02d}" for i in range(12)]
    store.import_batch("2026Q3", [_spot(n, i) for i, n in enumerate(numbers)], source="q3.gpkg")
    before = [(b.name, b.spot_count) for b in store.batches()]
    delivery = [_spot(n, i) for i, n in enumerate(numbers[:10])] + [_spot("N1", 19)]
    with pytest.raises(LedgerError) as refused:
        store.import_batch("JCTB_2026Q3", delivery, source="JCTB_2026Q3.gpkg")
    said = str(refused.value)
    assert "JCTB_2026Q3.gpkg" in said and "q3.gpkg" in said, said
    assert "10 of the 11 spots" in said and "BATCH: 2026Q3" in said, said
    assert [(b.name, b.spot_count) for b in store.batches()] == before

    # Not a re-delivery, recorded again with the warning: a supplementary batch of a few
    # spots still open from that quarter; the same numbers on other land (a second change
    # raster of the year, numbered from the same block).
    few = store.import_batch("2026Q3补充", [_spot(n, i) for i, n in enumerate(numbers[:2])])
    assert few.added == 2
    elsewhere = [_spot(n, i + 40) for i, n in enumerate(numbers[:10])]
    assert store.import_batch("第二幅变化图斑", elsewhere).added == 10

    refresh = store.import_batch("2026Q3", delivery)
    assert (refresh.added, refresh.refreshed) == (1, 10)
    again = store.import_batch("2026Q3复核", delivery, repeat_spots=True)
    assert again.added == 11
    [held] = [w for w in again.warnings if "already in batch 2026Q3 (" in w.message]
    assert held.number is None and "11 numbers" in held.message, held
    assert "(N1、S00、S01、S02、S03…)" in held.message, held.message  # the first few, sorted


def test_a_new_batch_of_another_batchs_spots_is_refused(ledger):
    check_a_new_batch_of_another_batchs_spots_is_refused(ledger)


def check_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused(store) -> None:
    """Found by review: spots numbered 1…12 (a numeric JCBH had lost the zeros of 0001) were
    recorded, then the same spots numbered 0001…0012 imported as a new batch: every spot
    recorded twice, since other batches were looked up by the exact number. They are looked
    up leading zeros aside: the new batch is refused, naming both spellings; a few such numbers
    are recorded again with the warning, saying how the other batch spells them. The numeric
    field was said at the first import. (Shared with the PostGIS store's tests.)"""
    first = [_spot(i + 1, i) for i in range(12)]
    report = store.import_batch("seq_int", first, source="seq_int.shp")
    [numeric] = [w for w in report.warnings if "holds numbers" in w.message]
    assert "seq_int.shp" in numeric.message and "feature 0: 1" in numeric.message, numeric
    assert numeric.field == domain.SPOT_NUMBER and "数字字段" in numeric.message, numeric
    before = [(b.name, b.spot_count) for b in store.batches()]

    again = [_spot(f"{i + 1:04d}", i) for i in range(12)]
    with pytest.raises(LedgerError) as refused:
        store.import_batch("seq_text", again, source="seq_text.gpkg")
    said = str(refused.value)
    assert "12 of the 12 spots" in said and "batch seq_int" in said, said
    assert "0001 → 1" in said and "but for leading zeros" in said, said
    assert "仅差前导零" in said and "seq_text.gpkg" in said, said
    assert _in_chinese(said) != said, said  # a Chinese interface shows the Chinese half alone
    assert [(b.name, b.spot_count) for b in store.batches()] == before

    few = store.import_batch("补充", [_spot("0003", 2), _spot("X1", 13)], source="补充.gpkg")
    assert few.added == 2
    [held] = [w for w in few.warnings if "already in batch" in w.message]
    assert held.number == "0003" and "seq_int (as 3)" in held.message, held
    assert not [w for w in few.warnings if "holds numbers" in w.message]

    # Recorded again on purpose (a second round of checks): said in one line for the batch,
    # each spelling in its language's half, so a Chinese interface shows that half alone.
    repeat = store.import_batch("复核", again, source="seq_text.gpkg", repeat_spots=True)
    [line] = [w for w in repeat.warnings if "12 numbers are already in batch seq_int" in w.message]
    assert "0001 记为 1" in line.message and "0001 as 1" in line.message, line
    assert line.message.count(" / ") == 1 and _in_chinese(line.message) != line.message


def test_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused(ledger):
    check_a_batch_of_another_batchs_spots_but_for_leading_zeros_is_refused(ledger)


def test_utf8_text_read_as_gbk_stops_the_import_in_both_languages(ledger):
    """The core's refusal (importspots' is shown by test_import_spots): file, field, feature,
    what the text would read and the fix, in a line whose Chinese half stands alone."""
    kinds = ["采矿用地", "新增建设用地", "临时用地"]
    garbled = [
        _spot(f"S{i}", i, TBLX=kinds[i % 3].encode().decode("gbk", "ignore")) for i in range(6)
    ]
    with pytest.raises(LedgerError) as refused:
        ledger.import_batch("b", garbled, source="/data/u.shp")
    said = str(refused.value)
    assert "/data/u.shp" in said and "field TBLX" in said and "feature 0 (JCBH=S0)" in said
    assert "would read 采矿用地" in said and ".cpg" in said and _in_chinese(said) != said, said
    assert ledger.batches() == []
    # Real Chinese is imported as it was.
    assert ledger.import_batch("b", [_spot("S0", 0, TBLX="采矿用地")]).added == 1


def check_an_identical_refresh_says_no_change(store) -> None:
    """The same delivery again, as it comes back from another tool: float noise at a rounding
    boundary, a flag as True or 1, a figure as text, a dict in other key order, an outline
    with a repeated vertex. Nothing changed, and nothing is said to. (Shared with the PostGIS
    store's tests, whose flag columns read back as booleans.)"""
    first = _spot("S1", 0, TBMJ=400.005, JCMJ=12.5, EXTRA={"b": 1, "a": 2}, SFGD=1)
    store.import_batch("b", [first])
    ring = list(first.geometry.exterior.coords)
    repeated = shapely.Polygon([ring[0], ring[0], *ring[1:]])
    again = _spot("S1", 0, TBMJ=400.005 + 1e-9, JCMJ="12.50", EXTRA={"a": 2, "b": 1}, SFGD=True)
    again = SpotRecord(again.attributes, repeated, again.source_index)
    report = store.import_batch("b", [again])
    assert not [w for w in report.warnings if "changes" in w.message], report.warnings
    moved = SpotRecord(again.attributes, affinity.translate(first.geometry, 0.01), 0)
    report = store.import_batch("b", [moved])
    assert [w.number for w in report.warnings if "changes" in w.message] == ["S1"]


def test_an_identical_refresh_says_no_change(ledger):
    check_an_identical_refresh_says_no_change(ledger)


def test_a_spot_without_an_outline_is_not_said_to_keep_one(ledger):
    """A spot delivered with an empty geometry, again: the ledger holds no outline either, so
    'not in this delivery: the recorded value is kept' would say something untrue."""
    empty = SpotRecord(_spot("E1").attributes, shapely.MultiPolygon(), 0)
    ledger.import_batch("b", [empty])
    report = ledger.import_batch("b", [empty])
    said = [w.message for w in report.warnings if w.field and "geometry" in w.field]
    assert not [m for m in said if "kept" in m], said
    assert len(said) == 1 and "geometry is empty" in said[0], said  # as a NULL one is said


# --- found untested by a mutation review of vetting, refreshing and verdicts ----------------------


def _pieces(number: str, i: int, *cells: tuple[float, float]) -> list[dict]:
    """Screening pieces of the spot _spot(number, i) as importspots attaches them: a 5 m square
    at each (dx, dy) inside its 20 m outline."""
    x, y = X0 + 100 * i, Y0
    return [
        {
            domain.PIECE_LAYER: domain.LAYER_LAND_USE,
            domain.PIECE_FEATURE: f"{number}-{k}",
            domain.PIECE_AREA: 25.0,
            "wkt": shapely.to_wkt(
                box(x + dx, y + dy, x + dx + 5, y + dy + 5), rounding_precision=3
            ),
        }
        for k, (dx, dy) in enumerate(cells)
    ]


def check_a_refresh_without_pieces_keeps_those_of_unchanged_outlines(store) -> None:
    """A batch imported with screening's pieces, then re-delivered without them: a spot whose
    outline is the one recorded (its ring begun at another vertex, or moved under a mm, as
    another tool writes it back) keeps its pieces, as they were, and nothing about it changes;
    a spot whose outline moved loses them, which is said by spot and field and kept with the
    spot's changes; a spot not re-delivered keeps them. A refresh with pieces replaces them.
    (Shared with the PostGIS store's tests.)"""
    pieces = {
        "S1": _pieces("S1", 0, (0, 0), (10, 10)),
        "S2": _pieces("S2", 1, (5, 5)),
        "S3": _pieces("S3", 2, (0, 10)),
        "S4": _pieces("S4", 3, (10, 0), (0, 0), (10, 10)),
    }
    first = [_spot(n, i, **{domain.SPOT_PIECES: pieces[n]}) for i, n in enumerate(pieces)]
    store.import_batch("2026Q1", first)
    ids = {s.number: s.id for s in store.spots()}
    before = {n: store.spot(ids[n]) for n in ids}
    assert {n: len(s.attributes[domain.SPOT_PIECES]) for n, s in before.items()} == {
        "S1": 2,
        "S2": 1,
        "S3": 1,
        "S4": 3,
    }

    again = [_spot(n, i) for i, n in enumerate(("S1", "S2", "S4"))]
    ring = list(again[0].geometry.exterior.coords)[:-1]
    again[0].geometry = shapely.Polygon(ring[2:] + ring[:2])  # S1: the same outline
    again[1].geometry = affinity.translate(again[1].geometry, 3.0)  # S2: moved 3 m east
    again[2] = _spot("S4", 3)
    again[2].geometry = affinity.translate(again[2].geometry, 0.0004)  # S4: under a mm
    report = store.import_batch("2026Q1", again)
    assert report.ok and report.refreshed == 3
    after = {n: store.spot(ids[n]) for n in ids}
    for number in ("S1", "S3", "S4"):  # count and outlines as before, and nothing else moved
        old, new = before[number], after[number]
        assert new.attributes == old.attributes, number
        assert [shapely.from_wkt(p["wkt"]) for p in new.attributes[domain.SPOT_PIECES]] == [
            shapely.from_wkt(p["wkt"]) for p in old.attributes[domain.SPOT_PIECES]
        ]
        assert new.version == old.version == 0, number
        # S4's outline is written as delivered, 0.4 mm away: the same to the store's mm
        assert shapely.hausdorff_distance(new.geometry, old.geometry) < 0.001, number
    assert domain.SPOT_PIECES not in after["S2"].attributes, after["S2"].attributes
    on_pieces = [w for w in report.warnings if w.field == PIECES_NAMED]  # not its key
    kept = sorted(w.number for w in on_pieces if "recorded value is kept" in w.message)
    assert kept == ["S1", "S4"], on_pieces  # said as any field the delivery lacks
    assert not [w for w in on_pieces if w.number == "S2"], on_pieces
    # Said once, among the spot's changes: the log's line for it and the dock's list.
    said = [
        w.message for w in report.warnings if w.number == "S2" and "pieces removed" in w.message
    ]
    [changes] = said
    assert "outline" in changes and "1 screening pieces removed: the outline moved" in changes
    assert "re-import with PIECES" in changes and "压占" in changes
    [refresh] = after["S2"].attributes[domain.SPOT_REFRESHES]  # what the dock lists
    assert any("pieces removed" in change for change in refresh["changes"]), refresh
    assert after["S2"].version == 1 and after["S2"].geometry.equals(again[1].geometry)
    assert {k: v for k, v in after["S2"].attributes.items() if k != domain.SPOT_REFRESHES} == {
        k: v for k, v in before["S2"].attributes.items() if k != domain.SPOT_PIECES
    }

    # Screened again, with pieces: the new ones replace the recorded ones, moved spot or not.
    fresh = {"S1": _pieces("S1", 0, (15, 15)), "S2": _pieces("S2", 1, (3, 0), (8, 0))}
    report = store.import_batch(
        "2026Q1",
        [
            _spot("S1", 0, **{domain.SPOT_PIECES: fresh["S1"]}),
            SpotRecord(
                _spot("S2", 1, **{domain.SPOT_PIECES: fresh["S2"]}).attributes,
                again[1].geometry,
                1,
            ),
        ],
    )
    assert report.ok and not [w for w in report.warnings if "pieces removed" in w.message]
    for number, wanted in fresh.items():
        assert store.spot(ids[number]).attributes[domain.SPOT_PIECES] == wanted, number


def test_a_refresh_without_pieces_keeps_those_of_unchanged_outlines(ledger):
    check_a_refresh_without_pieces_keeps_those_of_unchanged_outlines(ledger)


def test_a_raw_refresh_keeps_the_figures_and_pieces_it_does_not_carry(ledger):
    """A raw delivery (no screening figures, no pieces) of an unmoved spot: the figures and the
    last screening's pieces stay as recorded, and the report names them."""
    piece = _pieces("S1", 0, (0, 0))
    ledger.import_batch("b", [_spot("S1", 0, **{domain.SPOT_PIECES: piece})])
    raw = SpotRecord({domain.SPOT_NUMBER: "S1", domain.SPOT_AREA: 400.0}, _spot("S1").geometry, 0)
    report = ledger.import_batch("b", [raw])
    spot = ledger.spot(ledger.spots()[0].id)
    assert spot.attributes[domain.SPOT_PIECES] == piece, spot.attributes
    assert spot.cultivated_area == 150.0  # not in the raw delivery: kept
    [kept] = [w.field for w in report.warnings if w.field and "recorded value is kept" in w.message]
    assert PIECES_NAMED in kept.split(", ") and domain.CULTIVATED_AREA in kept.split(", ")


def test_pieces_delivered_in_another_order_are_no_change(ledger):
    """The same screening hits listed in another order (another run, another machine): the
    spot is as it was, nothing is said and its version stays, so no open form is refused."""
    one = {"TCMC": "land_use", "YSBH": "0101", "MJ": 100.0, "wkt": "POINT (0 0)"}
    two = {"TCMC": "basic_farmland", "YSBH": "J1", "MJ": 20.0, "wkt": "POINT (1 1)"}
    ledger.import_batch("b", [_spot("S1", 0, **{domain.SPOT_PIECES: [one, two]})])
    spot_id = ledger.spots()[0].id
    report = ledger.import_batch("b", [_spot("S1", 0, **{domain.SPOT_PIECES: [two, one]})])
    assert not [w for w in report.warnings if "changes" in w.message], report.warnings
    assert ledger.spot(spot_id).version == 0


def test_a_refresh_with_an_empty_outline_keeps_the_recorded_one(ledger):
    """An empty polygon (a broken feature in the new delivery) is no outline: the spot keeps
    its recorded 20 m × 20 m outline, and the report says it was kept."""
    ledger.import_batch("b", [_spot("S1", 0)])
    empty = SpotRecord(_spot("S1").attributes, shapely.Polygon(), 0)
    report = ledger.import_batch("b", [empty])
    stored = ledger.spot(ledger.spots()[0].id).geometry
    assert stored is not None and stored.equals(box(X0, Y0, X0 + 20, Y0 + 20)), stored
    kept = [w for w in report.warnings if w.field and "geometry" in w.field and "kept" in w.message]
    assert kept and "recorded outline and its results are kept" in kept[0].message, kept


@pytest.mark.parametrize("nothing", [None, shapely.Polygon()], ids=["null", "empty"])
def test_a_refresh_without_an_outline_keeps_the_screening_figures(ledger, nothing):
    """A spot refreshed with no geometry (NULL or an empty polygon) keeps its recorded outline,
    and with it every screening figure and result the outline was measured for: what
    screening worked out on no geometry (TBMJ 0, no view area, YXJ 4, PDYY 图斑几何为空) says
    nothing of the spot. The report names the file, the spot and the fields kept; a delivered
    field screening does not work out (a remark) is still taken."""
    results = {
        domain.SPOT_AREA: 1483.32,
        domain.THREE_ZONES_AREA: 310.5,
        "SFSQLX": 1,
        domain.THREE_ZONES_HITS: "淄川城区",
        domain.REVIEW_PRIORITY: 3,
        domain.CRIMINAL_FLAG: 0,
        domain.REFERRAL_CULTIVATED_AREA: 150.0,
        domain.REFERRAL_BASIC_FARMLAND_AREA: 20.0,
    }
    ledger.import_batch("b", [_spot("S1", 0, BZ="拆除中", **results)], source="2026Q1.gpkg")
    spot_id = ledger.spots()[0].id
    before = ledger.spot(spot_id)
    on_nothing = {  # as screenspots writes a spot without geometry
        domain.SPOT_AREA: 0.0,
        domain.CULTIVATED_AREA: 0.0,
        domain.BASIC_FARMLAND_AREA: 0.0,
        domain.THREE_ZONES_AREA: 0.0,
        "SFSQLX": 0,
        domain.THREE_ZONES_HITS: None,
        domain.CULTIVATED_FLAG: 0,
        domain.SUGGESTED_VERDICT: domain.SUGGEST_NO_CONCERN,
        domain.VERDICT_REASON: "图斑几何为空，无法筛查",
        domain.REVIEW_PRIORITY: 4,
        domain.CRIMINAL_FLAG: 0,
        domain.REFERRAL_CULTIVATED_AREA: None,
        domain.REFERRAL_BASIC_FARMLAND_AREA: None,
        domain.GEOMETRY_NOTE: "图斑几何为空",
    }
    again = SpotRecord(_spot("S1", 0, BZ="已拆除", **on_nothing).attributes, nothing, 0)
    report = ledger.import_batch("b", [again], source="2026Q2.gpkg")
    after = ledger.spot(spot_id)
    assert after.geometry.equals(before.geometry)
    assert after.spot_area == 1483.32 and after.cultivated_area == 150.0, after
    assert after.basic_farmland_area == 20.0 and after.priority == 3, after
    assert after.suggested == before.suggested == domain.SUGGEST_FIELD_CHECK
    for name in (*results, domain.CULTIVATED_FLAG, domain.VERDICT_REASON):
        assert after.attributes.get(name) == before.attributes.get(name), name
    assert domain.GEOMETRY_NOTE not in after.attributes  # none was recorded
    assert after.attributes["BZ"] == "已拆除"  # delivered, not worked out on the outline
    [kept] = [w for w in report.warnings if "recorded outline" in w.message]
    assert kept.field.startswith("geometry, ") and kept.number == "S1", kept
    assert "2026Q2.gpkg" in kept.message, kept
    fields = kept.field.split(", ")
    for name in (*results, domain.VERDICT_REASON, domain.CULTIVATED_AREA):
        assert name in fields, kept
    assert "BZ" not in fields and "no geometry" in kept.message, kept
    assert not [w for w in report.warnings if "cleared" in w.message], report.warnings
    [changed] = [w.message for w in report.warnings if "changes" in w.message]
    assert "BZ" in changed and "TBMJ" not in changed and "YXJ" not in changed, changed


def test_a_refresh_says_a_cent_of_area_but_not_a_stray_space(ledger):
    """Figures are read to the cent: 400.00 → 400.03 m² is a change a verifier can see. A
    remark delivered again with a trailing space is the same remark."""
    ledger.import_batch("b", [_spot("S1", 0, BZ="拆除中")])
    report = ledger.import_batch("b", [_spot("S1", 0, BZ="拆除中 ")])
    assert not [w for w in report.warnings if "changes" in w.message], report.warnings
    report = ledger.import_batch("b", [_spot("S1", 0, BZ="拆除中", TBMJ=400.03)])
    [said] = [w.message for w in report.warnings if "changes" in w.message]
    assert "TBMJ 400.00 → 400.03" in said, said


def test_a_known_spot_refused_by_a_refresh_is_said_once(ledger):
    """S1 delivered twice in a refresh: neither copy is imported, and the ledger keeps its
    record; the report says so once, not also that S1 is missing from the delivery."""
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    report = ledger.import_batch("b", [_spot("S1", 0), _spot("S1", 1), _spot("S2", 1)])
    on_s1 = [w.message for w in report.warnings if w.number == "S1"]
    assert len(on_s1) == 1 and "not imported this time" in on_s1[0], on_s1


def test_spots_a_partial_refresh_leaves_out_are_said_in_one_line_past_a_few(ledger):
    """A refresh of 12 spots of a 300-spot batch: the 288 it leaves out are kept, and said in
    one line with their count and first numbers, not in 288 lines that hide every other
    warning (as numbers other batches hold are said). A few left out are said by spot."""
    numbers = [f"37030220260{i:03d}" for i in range(300)]
    ledger.import_batch("b", [_spot(number, i) for i, number in enumerate(numbers)])
    report = ledger.import_batch("b", [_spot(n, i) for i, n in enumerate(numbers[:12])])
    assert report.ok and report.refreshed == 12
    [said] = [w for w in report.warnings if "not in this delivery" in w.message]
    assert said.number is None and said.field == domain.SPOT_NUMBER, said
    assert "288" in said.message and "ledger keeps them" in said.message, said
    assert all(number in said.message for number in numbers[12:17]), said
    assert numbers[17] not in said.message and "…" in said.message, said
    assert len(ledger.spots()) == 300

    report = ledger.import_batch("b", [_spot(n, i) for i, n in enumerate(numbers[:297])])
    left_out = sorted(w.number for w in report.warnings if "not in this delivery" in w.message)
    assert left_out == numbers[297:], report.warnings


def test_exactly_said_by_spot_left_out_are_said_by_spot_and_one_more_in_one_line(ledger):
    """The boundary of SAID_BY_SPOT: that many spots a refresh leaves out are each said by
    number; one more and they are said in one line with their count."""
    from zc_enforcement_plugin.core.ledger_delivery import SAID_BY_SPOT

    numbers = [f"37030220260{i:03d}" for i in range(SAID_BY_SPOT + 3)]
    ledger.import_batch("b", [_spot(number, i) for i, number in enumerate(numbers)])
    for left_out in (SAID_BY_SPOT, SAID_BY_SPOT + 1):
        kept = len(numbers) - left_out
        report = ledger.import_batch("b", [_spot(n, i) for i, n in enumerate(numbers[:kept])])
        said = [w for w in report.warnings if "not in this delivery" in w.message]
        if left_out == SAID_BY_SPOT:
            assert sorted(w.number for w in said) == numbers[kept:], report.warnings
        else:
            [line] = said
            assert line.number is None and f"{left_out} spots" in line.message, line


@pytest.mark.parametrize(
    "field, value",
    [
        (domain.REVIEW_PRIORITY, 1.5),
        (domain.REVIEW_PRIORITY, "2.5"),
        (domain.CULTIVATED_FLAG, 2),
        (domain.CULTIVATED_FLAG, -1),
    ],
)
def test_a_priority_or_flag_that_is_no_such_value_is_said_and_left_empty(ledger, field, value):
    """A priority is a whole number and a flag is 0 or 1: 1.5 is not priority 1, 2 is not
    'yes'. The column is left empty and the spot and field named."""
    report = ledger.import_batch("b", [_spot("S1", 0, **{field: value})])
    assert [(w.number, w.field) for w in report.warnings] == [("S1", field)], report.warnings
    assert "not understood" in report.warnings[0].message
    [summary] = ledger.spots()
    if field == domain.REVIEW_PRIORITY:
        assert summary.priority is None
    else:
        assert ledger.spots(SpotFilter(flag=field)) == []
        stored = ledger._conn.execute(f'SELECT "{field}" FROM {ls.T_SPOTS}').fetchone()[0]
        assert stored is None


def test_a_town_with_a_stray_space_is_stored_without_it_in_the_attributes_too(ledger):
    """'南郊镇 ' from a spreadsheet is 南郊镇 in its column and in the spot's attributes: one
    value for the one fact, whichever a reader looks at."""
    ledger.import_batch("b", [_spot("S1", 0, XZMC="南郊镇 ")])
    spot = ledger.spot(ledger.spots()[0].id)
    assert (spot.town, spot.attributes[domain.TOWN_NAME]) == ("南郊镇", "南郊镇")


def test_a_3d_spot_is_stored_flat(ledger):
    """A survey tool's PolygonZ: the ledger holds the outline in x and y only."""
    flat = _spot("S1").geometry
    raised = shapely.force_3d(flat, 75.0)
    ledger.import_batch("b", [SpotRecord(_spot("S1").attributes, raised, 0)])
    stored = ledger.spot(ledger.spots()[0].id).geometry
    assert not stored.has_z and stored.equals(flat)


def _figure_after(text: str, label: str) -> float:
    """The m² figure a message gives right after `label`."""
    found = re.search(re.escape(label) + r" ?([0-9]+\.[0-9]{2})", text)
    assert found, (label, text)
    return float(found.group(1))


def test_verdict_areas_are_checked_against_the_monitored_area_or_the_outline(ledger):
    """Without a delivered TBMJ a verdict's areas are measured against JCMJ, and without that
    against the outline's official (ellipsoidal) area: 20 m × 20 m in Zichuan is about
    399.94 m² on the CGCS2000 ellipsoid, so 400 m² of cultivated land cannot be."""
    outline = box(CENTRE_X, CENTRE_Y, CENTRE_X + 20, CENTRE_Y + 20)
    attributes = {**_spot("S1").attributes, domain.SPOT_AREA: None}
    ledger.import_batch("b", [SpotRecord(attributes, outline, 0)])
    spot_id = ledger.spots()[0].id
    truth = geodesic_area(outline)
    assert outline.area - truth > ls.AREA_TOLERANCE_SQM  # the planar figure would pass
    with pytest.raises(VerdictError) as refused:
        ledger.record_verdict(spot_id, _verdict(areas={domain.CULTIVATED_AREA: outline.area}))
    text = "\n".join(refused.value.messages)
    assert abs(_figure_after(text, "超过图斑轮廓椭球面积") - truth) < 0.01, text
    ledger.record_verdict(spot_id, _verdict(areas={domain.CULTIVATED_AREA: round(truth, 2)}))


def _held_to(spot_area, monitored, outline) -> Spot:
    """A spot as the verdict check reads it: TBMJ, JCMJ in its attributes, its outline."""
    attributes = {} if monitored is None else {domain.SPOT_MONITORED_AREA: monitored}
    return Spot(
        *(1, "b", "S1", None, None, spot_area, None, None, None, None, "open", None, None),
        geometry=outline,
        attributes=attributes,
        imported_at="",
        updated_at="",
    )


def _refused_against(spot: Spot, cultivated: float) -> str:
    return "\n".join(validate_verdict(_verdict(areas={domain.CULTIVATED_AREA: cultivated}), spot))


@pytest.mark.parametrize(
    "spot_area", [0.0, -5.0, None, "0"], ids=["zero", "negative", "null", "text"]
)
def test_a_tbmj_of_zero_or_none_is_no_area_known_and_jcmj_or_the_outline_is_taken(spot_area):
    """A spot screened without geometry has TBMJ 0: no area known, not an area of 0 m² that
    refuses every figure found on site. JCMJ is taken instead, else the outline's area; a
    JCMJ ≤ 0 is passed over likewise."""
    outline = box(CENTRE_X, CENTRE_Y, CENTRE_X + 20, CENTRE_Y + 20)
    truth = round(geodesic_area(outline), 2)
    by_jcmj = _held_to(spot_area, 1200.0, outline)
    assert "超过图斑面积 1200.00" in _refused_against(by_jcmj, 1300.0)
    assert _refused_against(by_jcmj, 1200.0) == ""
    for monitored in (0.0, -1.0, None):
        by_outline = _held_to(spot_area, monitored, outline)
        said = _refused_against(by_outline, 500.0)
        assert abs(_figure_after(said, "超过图斑轮廓椭球面积") - truth) < 0.01, said
        assert unchecked_areas_reason(by_outline) is None


@pytest.mark.parametrize("nothing", [None, Polygon()], ids=["null", "empty"])
def test_a_spot_of_no_known_area_has_its_verdict_areas_unchecked_and_the_reason_said(nothing):
    """TBMJ 0, JCMJ 0 and no outline: nothing to hold the areas to, so none is refused, and
    the form is told why in words naming the spot and the fields read."""
    spot = _held_to(0.0, 0.0, nothing)
    assert _refused_against(spot, 150.0) == ""
    said = unchecked_areas_reason(spot)
    assert said.startswith("图斑 S1 面积未知") and "not checked" in said, said
    assert f"{domain.SPOT_AREA}、{domain.SPOT_MONITORED_AREA} 为空或为 0" in said, said
    assert unchecked_areas_reason(_held_to(400.0, None, nothing)) is None


def _refused_split(spot: Spot, **areas: float) -> str:
    return "\n".join(validate_verdict(_verdict(areas=areas), spot))


def test_verdict_areas_are_held_to_the_spot_area_within_the_tolerance_not_beyond():
    """Areas rounded to the cent may miss the spot's by a few hundredths: within
    AREA_TOLERANCE_SQM they are taken, just beyond it refused — one figure, a part of the split
    and the whole split, over and (the whole split) under."""
    spot = _held_to(400.0, None, None)
    inside, outside = ls.AREA_TOLERANCE_SQM - 0.01, ls.AREA_TOLERANCE_SQM + 0.01
    assert _refused_split(spot, GDMJ=400.0 + inside) == ""
    assert "超过图斑面积 400.00" in _refused_split(spot, GDMJ=400.0 + outside)
    assert _refused_split(spot, GDMJ=200.0, JSYDMJ=200.0 + inside) == ""
    said = _refused_split(spot, GDMJ=200.0, JSYDMJ=200.0 + outside)
    assert "GDMJ+JSYDMJ" in said and "超过图斑面积 400.00" in said, said
    for off in (inside, -inside):
        whole = {"GDMJ": 100.0, "FGNYDMJ": 100.0, "JSYDMJ": 100.0, "WLYDMJ": 100.0 + off}
        assert _refused_split(spot, **whole) == ""
    for off in (outside, -outside):
        whole = {"GDMJ": 100.0, "FGNYDMJ": 100.0, "JSYDMJ": 100.0, "WLYDMJ": 100.0 + off}
        assert "与图斑面积 400.00 不符" in _refused_split(spot, **whole)


def test_the_outline_area_a_verdict_is_held_to_is_rounded_to_the_cent():
    """DOMAIN §4: official areas are to the cent. An outline measured at …x.xx6 m² is held as
    the cent above, so an area of that cent plus the tolerance is taken, not refused as more
    than the unrounded figure."""
    from zc_enforcement_plugin.core.areas import ellipsoidal_areas

    for millimetres in range(1000):  # an outline whose area rounds up by 2-5 mm²
        outline = box(CENTRE_X, CENTRE_Y, CENTRE_X + 20 + millimetres / 1000, CENTRE_Y + 20)
        measured = float(ellipsoidal_areas([outline], ls.LEDGER_SRS_ID)[0])
        if 0.5 < measured * 100 % 1 < 0.8:
            break
    cent = round(measured, 2)
    assert cent - measured > 0.001
    spot = _held_to(None, None, outline)
    assert _refused_split(spot, GDMJ=cent + ls.AREA_TOLERANCE_SQM) == ""
    assert "超过图斑轮廓椭球面积" in _refused_split(spot, GDMJ=cent + ls.AREA_TOLERANCE_SQM + 0.01)


def test_a_spot_with_only_its_number_is_split_against_its_ellipsoidal_area(ledger):
    """A 200 m × 100 m spot delivered with JCBH alone: the split must add up to the outline's
    official area (ellipsoidal, ≈ 19996.84 m²), not the planar 20000 m²; the refusal says the
    figure is the outline's measured ellipsoidal area."""
    outline = box(CENTRE_X, CENTRE_Y, CENTRE_X + 200, CENTRE_Y + 100)
    ledger.import_batch("b", [SpotRecord({domain.SPOT_NUMBER: "370302202600001"}, outline, 0)])
    spot_id = ledger.spots()[0].id
    truth = geodesic_area(outline)
    assert outline.area - truth > 1  # the two figures this test tells apart

    def split(cultivated: float) -> dict[str, float]:
        return {"GDMJ": cultivated, "FGNYDMJ": 0.0, "JSYDMJ": 0.0, "WLYDMJ": 0.0}

    with pytest.raises(VerdictError) as refused:
        ledger.record_verdict(spot_id, _verdict(areas=split(outline.area)))
    text = "\n".join(refused.value.messages)
    assert "与图斑轮廓椭球面积" in text and "ellipsoidal area measured" in text, text
    assert abs(_figure_after(text, "与图斑轮廓椭球面积") - truth) < 0.01, text
    ledger.record_verdict(spot_id, _verdict(areas=split(round(truth, 2))))
    assert ledger.current_verdict(spot_id).areas["GDMJ"] == round(truth, 2)


def test_a_verdict_kind_with_spaces_is_taken_and_stored_trimmed(ledger):
    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    ledger.record_verdict(spot_id, _verdict(kind=" 未报即用 "))
    assert ledger.current_verdict(spot_id).kind == "未报即用"
    assert ledger.spots()[0].kind == "未报即用"


def test_a_save_on_a_re_delivered_spot_is_a_conflict_even_where_its_areas_no_longer_fit(ledger):
    """The verifier saw TBMJ 400 and measured 150 m² of cultivated land; a re-delivery since
    says TBMJ 100. The save is refused as a conflict naming the change, not as areas larger
    than a spot the verifier never saw."""
    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    seen = ledger.spot(spot_id).version
    ledger.import_batch("b", [_spot("S1", 0, TBMJ=100.0, GDMJ=100.0)])
    with pytest.raises(ConflictError) as refused:
        ledger.record_verdict(spot_id, _verdict(), expected_version=seen)
    assert "TBMJ 400.00 → 100.00" in str(refused.value), str(refused.value)


def test_a_save_based_on_a_version_the_ledger_never_had_is_refused(ledger):
    """Version 3 of a spot that has none yet (read from another copy of the ledger): refused,
    not saved as if it were current."""
    ledger.import_batch("b", [_spot("S1", 0)])
    spot_id = ledger.spots()[0].id
    with pytest.raises(ConflictError):
        ledger.record_verdict(spot_id, _verdict(), expected_version=3)
    assert ledger.verdict_history(spot_id) == []


def _pillow_jpeg(path: Path, exif_ifd: dict, gps: dict | None = None) -> Path:
    from PIL import Image

    exif = Image.Exif()
    exif[0x8769] = exif_ifd
    if gps is not None:
        exif[0x8825] = gps
    Image.new("RGB", (8, 8), "green").save(path, exif=exif.tobytes())
    return path


def test_exif_time_falls_back_to_digitized_and_a_blank_offset_is_left_out(tmp_path):
    """A camera that writes only DateTimeDigitized still dates its photo; an offset written
    as blanks (as many cameras do), or not in EXIF's ±HH:MM form, is no offset: the time stays
    one an ISO reader takes."""
    digitized = read_photo_exif(_pillow_jpeg(tmp_path / "d.jpg", {0x9004: "2024:03:05 07:30:00"}))
    assert digitized.taken_at == "2024-03-05T07:30:00"
    for n, offset in enumerate(("      ", "GMT+8", "08:00")):
        tags = {0x9003: "2024:03:05 07:30:00", 0x9011: offset}
        info = read_photo_exif(_pillow_jpeg(tmp_path / f"{n}.jpg", tags))
        assert info.taken_at == "2024-03-05T07:30:00", offset


def test_exif_gps_takes_lower_case_references_and_refuses_impossible_latitudes(tmp_path):
    from PIL import TiffImagePlugin

    r = TiffImagePlugin.IFDRational
    south_west = {1: "s", 2: (r(1, 1), r(0, 1), r(0, 1)), 3: "w", 4: (r(2, 1), r(30, 1), r(0, 1))}
    info = read_photo_exif(_pillow_jpeg(tmp_path / "sw.jpg", {}, south_west))
    assert (info.lat, info.lon) == (-1.0, -2.5)
    beyond = {1: "N", 2: (r(95, 1), r(0, 1), r(0, 1)), 3: "E", 4: (r(117, 1), r(0, 1), r(0, 1))}
    info = read_photo_exif(_pillow_jpeg(tmp_path / "x.jpg", {}, beyond))
    assert (info.lat, info.lon) == (None, None)


def test_the_day_of_a_recording_is_the_beijing_day_of_its_utc_file_time(away_from_beijing):
    """A recording made at 07:30 Beijing time has a file time of 23:30 UTC the day before:
    the Beijing day on every computer, whatever its zone."""
    from zc_enforcement_plugin.core.evidence import evidence_day

    record = EvidenceRecord(
        ls.EVIDENCE_AUDIO, "S1/a.m4a", "0" * 64, 1, file_modified="2024-03-04T23:30:00Z"
    )
    assert evidence_day(record) == dt.date(2024, 3, 5)


def test_a_spot_number_with_a_control_character_makes_a_plain_folder(ledger, tmp_path):
    source = tmp_path / "a.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    record = store_evidence_file(ledger.path, "S\t1", source, ls.EVIDENCE_PHOTO)
    assert record.path == "S_1/a.jpg"


# --- ledgers written by older releases ------------------------------------------------------------

# Outlines the 2026-11-25 release stored as delivered, without repair: GEOS cannot compare either
# with another outline ("TopologyException: side location conflict").
_STORED_BOW_TIE = shapely.MultiPolygon(
    [shapely.Polygon([(X0, Y0), (X0 + 40, Y0 + 40), (X0 + 40, Y0), (X0, Y0 + 40), (X0, Y0)])]
)
_STORED_SPIKE = shapely.MultiPolygon(
    [
        shapely.Polygon(
            [
                (X0, Y0),
                (X0 + 40, Y0),
                (X0 + 40, Y0 + 20),
                (X0 + 70, Y0 + 20),  # a spike out and back along the same line
                (X0 + 40, Y0 + 20),
                (X0 + 40, Y0 + 40),
                (X0, Y0 + 40),
                (X0, Y0),
            ]
        )
    ]
)


def _store_outline_as_old_release(store: GeoPackageLedger, number: str, outline) -> None:
    """Write an outline into the spots table as the 2026-11-25 release did: as delivered."""
    conn = sqlite3.connect(str(store.path))
    conn.execute(
        'UPDATE ledger_spots SET geom = ? WHERE "JCBH" = ?', (encode_gpkg_geometry(outline), number)
    )
    conn.commit()
    conn.close()
    assert not decode_gpkg_geometry(
        sqlite3.connect(str(store.path))
        .execute('SELECT geom FROM ledger_spots WHERE "JCBH" = ?', (number,))
        .fetchone()[0]
    ).is_valid


@pytest.mark.parametrize("stored", [_STORED_BOW_TIE, _STORED_SPIKE], ids=["bow-tie", "spike"])
def test_a_stored_invalid_outline_is_refreshed_with_a_valid_one(ledger, stored):
    """A batch whose recorded outline an older release stored invalid can be refreshed: the
    recorded outline is compared as import repairs it, and the refresh that replaces it is a
    change (a new version), said naming the spot and that the recorded outline was invalid."""
    ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    _store_outline_as_old_release(ledger, "S1", stored)
    spot_id = next(s.id for s in ledger.spots() if s.number == "S1")
    assert ledger.spot(spot_id).version == 0
    report = ledger.import_batch("b", [_spot("S1", 0), _spot("S2", 1)])
    assert report.ok and report.refreshed == 2
    [said] = [w for w in report.warnings if "changes" in w.message]
    assert said.number == "S1"
    assert "the recorded outline was invalid" in said.message and "outline" in said.message
    assert "台帐所存图形无效" in said.message
    spot = ledger.spot(spot_id)
    assert spot.geometry.is_valid and spot.geometry.equals(_spot("S1", 0).geometry)
    assert spot.version == 1


@pytest.mark.parametrize("stored", [_STORED_BOW_TIE, _STORED_SPIKE], ids=["bow-tie", "spike"])
def test_a_stored_invalid_outline_refreshed_as_stored_is_repaired_and_said(ledger, stored):
    """The same invalid outline delivered again: import repairs it (and says so), the recorded
    one compares equal once repaired the same way, so the outline did not move; but the stored
    outline is replaced by its repair, which is said and gives the spot a new version rather
    than rewriting the recorded outline silently."""
    ledger.import_batch("b", [_spot("S1", 0)])
    _store_outline_as_old_release(ledger, "S1", stored)
    spot_id = ledger.spots()[0].id
    again = SpotRecord(_spot("S1", 0).attributes, stored, 0)
    report = ledger.import_batch("b", [again])
    assert report.ok and report.refreshed == 1
    [repaired] = [w for w in report.warnings if w.field == "geometry"]
    assert repaired.number == "S1" and "invalid geometry" in repaired.message
    [said] = [w for w in report.warnings if "changes" in w.message]
    assert said.number == "S1" and "the recorded outline was invalid" in said.message
    assert "centre moved" not in said.message  # the repair of what was stored: not moved
    spot = ledger.spot(spot_id)
    assert spot.geometry.is_valid and spot.version == 1
    report = ledger.import_batch("b", [again])  # now stored repaired: nothing more to say
    assert not [w for w in report.warnings if "changes" in w.message], report.warnings
    assert ledger.spot(spot_id).version == 1


def test_outlines_geos_cannot_compare_count_as_changed_and_are_said(ledger, monkeypatch):
    """Should GEOS still fail to compare two outlines, the refresh is not stopped by a
    traceback: the outline counts as changed, and the log says so naming the spot."""
    from zc_enforcement_plugin.core import ledger_delivery

    ledger.import_batch("b", [_spot("S1", 0)])

    def fails(*args, **kwargs):
        raise shapely.errors.GEOSException("TopologyException: side location conflict at 1 2")

    monkeypatch.setattr(ledger_delivery.shapely, "hausdorff_distance", fails)
    moved = SpotRecord(_spot("S1", 0).attributes, affinity.translate(_spot("S1").geometry, 5), 0)
    report = ledger.import_batch("b", [moved])
    assert report.ok and report.refreshed == 1
    [said] = [w for w in report.warnings if "changes" in w.message]
    assert said.number == "S1"
    assert "could not be compared" in said.message and "side location conflict" in said.message
    assert ledger.spot(ledger.spots()[0].id).version == 1


@pytest.mark.parametrize("change", ["replace", "delete", "rename"])
def test_a_ledger_file_moved_deleted_or_replaced_while_open_is_said_so_not_read_only(
    ledger, change
):
    """A sync tool or `mv` that puts a colleague's copy in the ledger's place (os.replace),
    deletes it or moves it away: the open connection still reads the file opened, and SQLite
    refused the save as "attempt to write a readonly database", which the dock showed as a
    read-only file. The save is refused as a file moved or replaced, naming it, and the file
    now at the path is left as it is; a replaced ledger reads the file in its place."""
    ledger.import_batch("2024-01", [_spot("370302240101")])
    path = ledger.path
    assert ledger.file_changed() is None
    if change == "replace":
        incoming = path.with_name("incoming.gpkg")
        with GeoPackageLedger(incoming) as colleague:
            colleague.import_batch("2024-02", [_spot("370302240202")])
        os.replace(incoming, path)
        expected, said = "replaced", "replaced by another file"
    elif change == "delete":
        path.unlink()
        expected, said = "gone", "moved or deleted"
    else:
        path.rename(path.with_name("moved.gpkg"))
        expected, said = "gone", "moved or deleted"
    before = path.read_bytes() if path.exists() else None
    assert ledger.file_changed() == expected
    # What SQLite itself says of such a file, should a write get that far, is told apart too.
    refused = str(ledger._refused(sqlite3.OperationalError("attempt to write a readonly database")))
    assert said in refused and str(path) in refused and "read-only" not in refused

    with pytest.raises(LedgerError) as caught:
        ledger.import_batch("2024-03", [_spot("370302240303")])
    message = str(caught.value)
    assert str(path) in message and said in message and "nothing was saved" in message
    assert "read-only" not in message
    assert (path.read_bytes() if path.exists() else None) == before
    if change == "replace":  # the colleague's copy is the ledger now, and saves go into it
        assert ledger.file_changed() is None
        assert [s.number for s in ledger.spots()] == ["370302240202"]
        ledger.import_batch("2024-03", [_spot("370302240303")])
        with GeoPackageLedger(path) as reread:
            assert len(reread.spots()) == 2
    else:
        assert ledger.file_changed() == "gone"


def test_a_truly_read_only_ledger_is_still_said_to_be_read_only(ledger):
    refused = str(ledger._refused(sqlite3.OperationalError("attempt to write a readonly database")))
    assert "the file is read-only" in refused and "moved" not in refused


def test_a_ledger_replaced_by_a_file_that_is_no_ledger_keeps_reading_the_one_opened(ledger):
    ledger.import_batch("2024-01", [_spot("370302240101")])
    stranger = ledger.path.with_name("notes.gpkg")
    stranger.write_text("这不是数据库", encoding="utf-8")
    os.replace(stranger, ledger.path)
    with pytest.raises(LedgerError, match="not a GeoPackage"):
        ledger.reopen()
    assert [s.number for s in ledger.spots()] == ["370302240101"]
    assert ledger.file_changed() == "replaced"


def test_a_warning_said_alike_of_many_spots_is_one_line_naming_them():
    """A batch delivered again without its towns layer kept SMC and XZMC for each of its 300
    spots: 300 lines of the same words buried the warnings that were news."""
    from zc_enforcement_plugin.core.ledger_records import ImportIssue, ImportReport

    kept = "本次交付没有，保留台帐原值 / not in this delivery: the recorded value is kept"
    report = ImportReport("2026Q1", refreshed=13)
    report.warnings = [ImportIssue(None, f"S{i:02d}", "SMC, XZMC", kept) for i in range(12)]
    report.warnings.insert(3, ImportIssue(None, "S99", "TBMJ", "TBMJ 1.00 → 2.00"))
    report.warnings.append(ImportIssue(4, "S04", "SMC, XZMC", kept))  # a feature named: apart
    lines = report.lines()[1:]
    assert len(lines) == 3, lines
    assert lines[0].startswith("提示 / warning: JCBH=S00，S01，") and "S09…（共 12 个" in lines[0]
    assert "S10" not in lines[0] and lines[0].endswith(f"SMC, XZMC: {kept}")
    assert "S99 TBMJ: TBMJ 1.00 → 2.00" in lines[1] and "#4 JCBH=S04" in lines[2]


def test_a_delivered_land_split_not_adding_up_to_the_spot_is_imported_and_said(ledger):
    """A screened file edited by hand (TBMJ raised by 100 m²) was imported without a word, and
    a verdict taking its figures up was then refused."""
    split = {
        domain.CULTIVATED_AREA: 150.0,
        domain.AGRICULTURAL_AREA: 100.0,
        domain.CONSTRUCTION_AREA: 120.0,
        domain.UNUSED_AREA: 20.0,
        domain.UNSURVEYED_AREA: 10.0,
    }
    edited = _spot("E1", 0, **split, **{domain.SPOT_AREA: 500.0})
    whole = _spot("W1", 1, **split)  # 150 + 100 + 120 + 20 + 10 = 400 = TBMJ
    raw = _spot("R1", 2)  # no split delivered: nothing to add up
    report = ledger.import_batch("b", [edited, whole, raw])
    assert report.ok and report.added == 3
    said = [w for w in report.warnings if "land split" in w.message]
    assert [w.number for w in said] == ["E1"], report.warnings
    assert "400.00" in said[0].message and "500.00" in said[0].message
    [stored] = [spot for spot in ledger.spots() if spot.number == "E1"]
    assert ledger.spot(stored.id).spot_area == 500.0  # imported as delivered, not mended


@pytest.mark.parametrize("content", [b"not a database at all", "sqlite-without-meta"])
def test_a_file_that_is_no_ledger_is_refused_in_chinese_alone_in_a_chinese_interface(
    tmp_path, content
):
    """Both refusals showed their English half in the dock of a Chinese QGIS (found by a
    review): an English word in the Chinese half, or a value in the English half alone."""
    path = tmp_path / "not_a_ledger.gpkg"
    if content == "sqlite-without-meta":
        with fiona.open(
            path, "w", driver="GPKG", schema={"geometry": "Point", "properties": {}}
        ) as sink:
            sink.write({"geometry": {"type": "Point", "coordinates": (0, 0)}, "properties": {}})
    else:
        path.write_bytes(content)
    with pytest.raises(LedgerError) as error:
        GeoPackageLedger(path)
    shown = _in_chinese(str(error.value))
    assert str(path) in shown and " / " not in shown and " not a " not in shown, shown


def test_an_impossible_figure_in_a_refresh_is_said_once_not_also_as_delivered_empty(ledger):
    """GDMJ -5 in a redelivery was said twice: negative, column left empty, and "empty in this
    delivery: the recorded value is cleared", which it was not (found by a review)."""
    assert ledger.import_batch("b", [_spot("S1")]).ok
    report = ledger.import_batch("b", [_spot("S1", **{domain.CULTIVATED_AREA: -5})])
    assert report.ok and report.refreshed == 1
    about = [w for w in report.warnings if w.field and domain.CULTIVATED_AREA in w.field]
    assert [w for w in about if "-5" in w.message], report.warnings  # said where it was read
    assert not [w for w in about if "empty in this delivery" in w.message], report.warnings
    blank = ledger.import_batch("b", [_spot("S1", **{domain.CULTIVATED_AREA: None})])
    assert [w for w in blank.warnings if "empty in this delivery" in w.message]
