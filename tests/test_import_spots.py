"""zcenforcement:importspots as a technician runs it: a selection or a feature limit, unsaved
edits, a layer screened twice, a spot number field other than JCBH, the log's warnings, and
re-deliveries that must not merge into a recorded batch unasked."""

from __future__ import annotations

import fiona
import pytest
from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from shapely.geometry import box, mapping

from zc_enforcement_plugin.core import domain, ledger

X0, Y0 = 39_580_000.0, 4_050_000.0


class Log(QgsProcessingFeedback):
    """What a run says, by kind."""

    def __init__(self):
        super().__init__()
        self.info: list[str] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        self.info.append(info)

    def pushWarning(self, warning):  # noqa: N802 - QGIS API
        self.warnings.append(warning)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.errors.append(error)


def spot_file(path, numbers, fields=None, key=domain.SPOT_NUMBER, key_type="str:20", shift=0.0):
    """A spot file (GeoPackage or Shapefile by its suffix) of 20 m squares, one per number, in
    a row; fields: more fields, {name: value} given to every spot."""
    fields = fields or {}
    properties = {key: key_type, **{name: _kind(value) for name, value in fields.items()}}
    driver = "GPKG" if str(path).endswith(".gpkg") else "ESRI Shapefile"
    schema = {"geometry": "Polygon", "properties": properties}
    with fiona.open(path, "w", driver=driver, schema=schema, crs="EPSG:4527") as sink:
        for i, number in enumerate(numbers):
            left = X0 + 100 * i + shift
            sink.write(
                {
                    "geometry": mapping(box(left, Y0, left + 20, Y0 + 20)),
                    "properties": {key: number, **fields},
                }
            )
    return str(path)


def _kind(value) -> str:
    return "float" if isinstance(value, float) else "str:40"


def recorded(path) -> dict:
    """The ledger's spots by batch: {batch: {number: spot}}, and its batches' sources."""
    with ledger.GeoPackageLedger(path, create=False) as store:
        spots: dict = {}
        for summary in store.spots():
            spots.setdefault(summary.batch, {})[summary.number] = store.spot(summary.id)
        sources = {b.name: b.source for b in store.batches()}
    return spots, sources


def run(parameters, feedback=None):
    import processing

    return processing.run("zcenforcement:importspots", parameters, feedback=feedback)


@pytest.fixture
def project_layer():
    """Adds a layer to the project for the test, as a technician has it open."""
    added = []

    def add(path, name):
        layer = QgsVectorLayer(path, name, "ogr")
        assert layer.isValid(), path
        QgsProject.instance().addMapLayer(layer)
        added.append(layer.id())
        return layer

    yield add
    for layer_id in added:
        layer = QgsProject.instance().mapLayer(layer_id)
        if layer is not None and layer.isEditable():
            layer.rollBack()
        QgsProject.instance().removeMapLayer(layer_id)


def test_a_selection_or_a_feature_limit_imports_those_spots_as_a_batch_named_after_the_layer(
    provider, tmp_path, project_layer
):
    """The batch of a selection or of the first N features (no BATCH) is named after the
    layer, as the help says, not after the Python object that says which features; and
    only those spots are imported."""
    layer = project_layer(
        spot_file(tmp_path / "jctb.gpkg", ["S1", "S2", "S3", "S4", "S5"]), "第二批卫片"
    )
    layer.selectByIds(
        [f.id() for f in layer.getFeatures() if f[domain.SPOT_NUMBER] in ("S2", "S4")]
    )
    selected = tmp_path / "selected.gpkg"
    result = run(
        {"SPOTS": QgsProcessingFeatureSourceDefinition(layer.id(), True), "LEDGER": str(selected)}
    )
    assert result["ADDED"] == 2
    spots, sources = recorded(selected)
    assert sources == {"第二批卫片": str(tmp_path / "jctb.gpkg")}
    assert list(spots) == ["第二批卫片"]
    assert set(spots["第二批卫片"]) == {"S2", "S4"}

    limited = tmp_path / "limited.gpkg"
    result = run(
        {
            "SPOTS": QgsProcessingFeatureSourceDefinition(layer.id(), False, 3),
            "LEDGER": str(limited),
        }
    )
    spots, _ = recorded(limited)
    assert list(spots) == ["第二批卫片"] and len(spots["第二批卫片"]) == 3 == result["ADDED"]


def test_a_spot_layer_qgis_lost_the_crs_of_is_named_with_the_crs_its_file_declares(
    provider, tmp_path, project_layer
):
    """The import has checks of its own (its ledger need not exist yet) and skipped the one
    screenspots makes: a layer QGIS holds without a CRS though its file declares one was said
    to have none, set it first (QGIS 3.22 loses it on filtered layers of one GeoPackage)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException

    layer = project_layer(spot_file(tmp_path / "jctb.gpkg", ["S1", "S2"]), "第三批卫片")
    layer.setCrs(QgsCoordinateReferenceSystem())  # as QGIS leaves such a layer
    with pytest.raises(QgsProcessingException) as error:
        run({"SPOTS": layer.id(), "LEDGER": str(tmp_path / "ledger.gpkg")})
    message = str(error.value)
    assert "第三批卫片" in message and "declares EPSG:4527" in message, message
    assert not (tmp_path / "ledger.gpkg").exists()


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_unsaved_edits_are_imported_as_qgis_shows_the_layer(
    provider, tmp_path, project_layer, suffix
):
    """screenspots asks for a duplicate JCBH to be put right before the import: the number
    corrected in the edit buffer, and a spot deleted there, are imported as QGIS shows the
    layer, not as the file on disk still holds it; the edits stay unsaved."""
    path = spot_file(tmp_path / f"jctb{suffix}", ["S1", "S1", "S2", "S3"])
    layer = project_layer(path, "jctb")
    features = {f.id(): f[domain.SPOT_NUMBER] for f in layer.getFeatures()}
    second_s1 = [fid for fid, number in features.items() if number == "S1"][1]
    s3 = next(fid for fid, number in features.items() if number == "S3")
    assert layer.startEditing()
    layer.changeAttributeValue(second_s1, layer.fields().indexOf(domain.SPOT_NUMBER), "S4")
    layer.deleteFeature(s3)

    store = tmp_path / "ledger.gpkg"
    result = run({"SPOTS": layer, "LEDGER": str(store), "BATCH": "b"})
    assert (result["ADDED"], result["REFUSED"]) == (3, 0), result["REPORT"]
    spots, sources = recorded(store)
    assert set(spots["b"]) == {"S1", "S2", "S4"}
    assert sources["b"] == path  # still the file the spots come from
    assert layer.isEditable() and layer.isModified()


def test_the_import_reports_warnings_as_warnings_and_refusals_as_errors(provider, tmp_path):
    """Processing and qgis_process --json show a run's warnings by the feedback's kind: a
    spot's warning (a part larger than the spot) is pushed as one, a refused spot (a
    duplicate number) as an error, the counts as information."""
    path = spot_file(
        tmp_path / "jctb.gpkg",
        ["S1", "S2", "S2"],
        fields={domain.SPOT_AREA: 100.0, domain.CULTIVATED_AREA: 150.0},
    )
    log = Log()
    run({"SPOTS": path, "LEDGER": str(tmp_path / "ledger.gpkg"), "BATCH": "b"}, feedback=log)
    assert any(
        "JCBH=S1" in w and domain.CULTIVATED_AREA in w and "larger than" in w for w in log.warnings
    ), log.warnings
    assert not any(line.startswith("提示") for line in log.info), log.info
    assert sum("duplicate spot number" in e for e in log.errors) == 2, log.errors
    assert any(line.startswith("批次 b") for line in log.info)


class CancelWhileWriting(Log):
    """Cancels once the import has said it is writing and shown some progress there, as a
    user does who presses Cancel during a long write; records the progress shown."""

    def __init__(self):
        super().__init__()
        self.writing = False
        self.progress: list[float] = []

    def setProgressText(self, text):  # noqa: N802 - QGIS API
        self.writing = self.writing or text.startswith("Writing")

    def setProgress(self, progress):  # noqa: N802 - QGIS API
        super().setProgress(progress)
        if self.writing:
            self.progress.append(progress)
            if len(self.progress) == 20:
                self.cancel()


def test_an_import_cancelled_while_writing_fails_and_imports_nothing(provider, tmp_path):
    """Cancel pressed once the spots are being written: the run fails saying nothing was
    imported (not a success with the spots committed), and the ledger keeps only the
    batch recorded before; progress was shown during the write."""
    ledger_path = str(tmp_path / "ledger.gpkg")
    run(
        {"SPOTS": spot_file(tmp_path / "a.gpkg", ["A1", "A2"]), "LEDGER": ledger_path, "BATCH": "a"}
    )
    before = recorded(ledger_path)
    numbers = [f"S{i:03d}" for i in range(60)]
    log = CancelWhileWriting()
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing imported"):
        run(
            {"SPOTS": spot_file(tmp_path / "b.gpkg", numbers), "LEDGER": ledger_path, "BATCH": "b"},
            feedback=log,
        )
    assert recorded(ledger_path) == before
    assert len(log.progress) == 20 and 0 < log.progress[-1] < 100


def test_a_cancel_once_the_import_is_committed_leaves_it_said_as_saved(provider, tmp_path):
    """Cancel pressed as the import ends, after its transaction committed: the batch is in
    the ledger, so the run returns its counts and says the cancel came too late; it said
    "no output of it was kept" and returned nothing, of a batch the ledger then held."""

    class CancelAtTheEnd(Log):
        def setProgress(self, progress):  # noqa: N802 - QGIS API
            super().setProgress(progress)
            if progress >= 99:
                self.cancel()

    ledger_path = str(tmp_path / "ledger.gpkg")
    log = CancelAtTheEnd()
    result = run(
        {
            "SPOTS": spot_file(tmp_path / "a.gpkg", ["A1", "A2"]),
            "LEDGER": ledger_path,
            "BATCH": "a",
        },
        feedback=log,
    )
    assert log.isCanceled() and result["ADDED"] == 2
    with ledger.GeoPackageLedger(ledger_path) as store:
        assert sorted(spot.number for spot in store.spots()) == ["A1", "A2"]
    assert any("after the run had saved its work" in warning for warning in log.warnings)
    assert not any("no output of it was kept" in warning for warning in log.warnings)


def test_screenings_pieces_given_as_the_spots_are_refused_naming_the_layer(provider, tmp_path):
    """The pieces output lies beside the spots in the screening's file: picked as the spot
    layer, each spot number came once per piece (refused as duplicates) and spots already
    judged were refreshed with the pieces' fields (MJ, TCMC, YSBH). Refused before anything
    is read into the ledger, saying which layer goes where."""
    pieces = {
        domain.PIECE_LAYER: "地类图斑",
        domain.PIECE_FEATURE: "0101",
        domain.PIECE_AREA: 12.5,
        domain.PIECE_SPOT_FID: "1",
        domain.PIECE_FEATURE_FID: "7",
    }
    path = spot_file(tmp_path / "pieces.gpkg", ["A1", "A1", "A2"], fields=pieces)
    ledger_path = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": path, "LEDGER": str(ledger_path), "BATCH": "a"})
    message = str(refused.value)
    assert "pieces output" in message and "pieces.gpkg" in message, message
    assert not ledger_path.exists()


def test_an_import_cancelled_into_a_new_ledger_leaves_no_ledger_file(provider, tmp_path):
    """Nothing imported, nothing left: the empty ledger the run made is not there to be taken
    for a ledger later (the dock, the next import)."""
    ledger_path = tmp_path / "brand_new.gpkg"
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing imported"):
        run(
            {
                "SPOTS": spot_file(tmp_path / "b.gpkg", [f"S{i:03d}" for i in range(60)]),
                "LEDGER": str(ledger_path),
                "BATCH": "b",
            },
            feedback=CancelWhileWriting(),
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.gpkg"]


def test_an_import_cancelled_before_writing_fails_too(provider, tmp_path):
    """Cancel pressed while the towns or pieces are matched (before any spot is written) is a
    failure as a cancel while writing is, not an empty success a model would go on from."""
    log = Log()
    log.cancel()
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing imported"):
        run(
            {
                "SPOTS": spot_file(tmp_path / "a.gpkg", ["A1", "A2"]),
                "LEDGER": str(tmp_path / "ledger.gpkg"),
                "BATCH": "a",
            },
            feedback=log,
        )
    assert not (tmp_path / "ledger.gpkg").exists()


def screened_twice_fields(shapefile: bool) -> dict:
    """The result fields of two screening runs, as a layer screened twice holds them: the
    first run's under the standard names (a Shapefile's YJJBNT_MU), the second's suffixed
    (TBMJ_2; a Shapefile's 10 bytes cut YJJBNT_MU_2 to YJJBNT_MU_)."""
    first = [name for name, _ in domain.screening_output_fields()]
    second = [f"{name}_2" for name in first]
    names = first + second
    if shapefile:
        names = domain.shapefile_field_names(names)
    return {name: 1.0 for name in names}


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_layer_screened_twice_is_refused_naming_the_file_and_the_later_results(
    provider, tmp_path, suffix
):
    """screenspots run on an already screened layer writes its results under suffixed names
    (TBMJ_2, SFSTHX_2; a Shapefile's YJJBNT_MU_), the first run's figures staying under the
    standard ones the ledger reads: nothing is imported, and the message names the file, the
    fields and what to do. (Which run is the right one cannot be told from the file.)"""
    path = spot_file(
        tmp_path / f"screened_twice{suffix}",
        ["S1", "S2"],
        fields=screened_twice_fields(suffix == ".shp"),
    )
    store = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": path, "LEDGER": str(store), "BATCH": "b"})
    said = str(refused.value)
    assert path in said
    for name in ("TBMJ_2", "SFSTHX_2", "STHXMJ_MU_" if suffix == ".shp" else "STHXMJ_MU_2"):
        assert name in said
    assert "screened more than once" in said and "Screen the original delivery" in said
    assert not store.exists() or recorded(store) == ({}, {})


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_delivery_with_fields_named_like_results_is_refused_saying_which_to_rename(
    provider, tmp_path, suffix
):
    """A raw delivery carrying its own TBMJ and PZWH (its approval number), screened once:
    screenspots writes TBMJ_2 and PZWH_2 for its results. Refused (the ledger would read the
    delivery's TBMJ as the screening figure), but not as screened twice, whose advice (screen
    the original delivery) would loop: the message names the delivered fields to rename
    before screening, and the suffixed results. screenspots said so when it screened them."""
    import processing

    from tests.screening_layers import memory_layer, square

    raw = memory_layer(
        [(square(0, 0, 100), ["S1", 9999.0, "批-7"])],
        f"field={domain.SPOT_NUMBER}:string&field=TBMJ:double&field=PZWH:string",
        name="JCTB",
    )
    screened = str(tmp_path / f"screened{suffix}")
    log = Log()
    processing.run(
        "zcenforcement:screenspots",
        {"SPOTS": raw, "AREA_METHOD": 1, "OUTPUT": screened},
        feedback=log,
    )
    [warned] = [line for line in log.errors if "importspots" in line]
    assert "TBMJ" in warned and "PZWH" in warned and "screened before" not in warned, warned
    assert "Rename" in warned and "before screening" in warned, warned

    store = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": screened, "LEDGER": str(store), "BATCH": "b"})
    said = str(refused.value)
    assert screened in said and "TBMJ_2" in said and "PZWH_2" in said, said
    assert "fields named like screening results (PZWH, TBMJ)" in said, said
    assert "rename" in said and "before screening" in said, said
    assert "screened more than once" not in said and "Screen the original" not in said, said
    assert not store.exists() or recorded(store) == ({}, {})

    # That output screened again is a layer screened before, and said to be.
    log = Log()
    processing.run(
        "zcenforcement:screenspots",
        {"SPOTS": screened, "AREA_METHOD": 1, "OUTPUT": "memory:"},
        feedback=log,
    )
    [warned] = [line for line in log.errors if "renamed fields" in line]
    assert "screened before" in warned and "importspots" not in warned, warned


def test_the_core_import_refuses_suffixed_screening_results(tmp_path):
    """The same rule in the ledger itself, for every caller (names in any case): nothing is
    written."""
    spot = ledger.SpotRecord(
        {domain.SPOT_NUMBER: "S1", domain.SPOT_AREA: 100.0, "tbmj_3": 90.0, "JCMJ_2": 5.0},
        box(X0, Y0, X0 + 20, Y0 + 20),
    )
    with ledger.GeoPackageLedger(tmp_path / "ledger.gpkg") as store:
        with pytest.raises(ledger.LedgerError, match="tbmj_3") as refused:
            store.import_batch("b", [spot], source="jctb.gpkg")
        assert "JCMJ_2" not in str(refused.value)  # a delivered field, not a result
        assert store.batches() == []


def test_spots_are_numbered_by_the_key_field_screening_was_given(provider, tmp_path):
    """A delivery numbering its spots in TBBH (screenspots' SPOT_KEY_FIELD, the field kept as
    delivered) imports with SPOT_KEY_FIELD TBBH, found whatever its case and surrounding
    spaces: the numbers are the ledger's JCBH, the delivered field is not kept twice."""
    path = spot_file(tmp_path / "tbbh.gpkg", ["T1", "T2"], key="TBBH", fields={"TBLX": "x"})
    store = tmp_path / "ledger.gpkg"
    log = Log()
    result = run(
        {"SPOTS": path, "LEDGER": str(store), "BATCH": "b", "SPOT_KEY_FIELD": " tbbh "},
        feedback=log,
    )
    assert result["ADDED"] == 2
    spots, _ = recorded(store)
    assert set(spots["b"]) == {"T1", "T2"}
    attributes = spots["b"]["T1"].attributes
    assert attributes[domain.SPOT_NUMBER] == "T1" and "TBBH" not in attributes
    assert any("TBBH" in line and domain.SPOT_NUMBER in line for line in log.info), log.info

    # The default, JCBH, found in a delivery that spells it jcbh.
    lower = spot_file(tmp_path / "lower.gpkg", ["L1"], key="jcbh")
    assert run({"SPOTS": lower, "LEDGER": str(store), "BATCH": "c"})["ADDED"] == 1
    assert set(recorded(store)[0]["c"]) == {"L1"}


def test_a_key_field_the_layer_lacks_or_beside_another_jcbh_is_refused(provider, tmp_path):
    """A key field the layer does not have names the field, the file and the fields it has; a
    key field other than JCBH in a layer that also has a JCBH would give each spot two
    numbers: both are refused before the ledger is touched."""
    store = tmp_path / "ledger.gpkg"
    path = spot_file(tmp_path / "tbbh.gpkg", ["T1"], key="TBBH")
    with pytest.raises(QgsProcessingException) as missing:
        run({"SPOTS": path, "LEDGER": str(store), "BATCH": "b"})
    said = str(missing.value)
    assert path in said and "JCBH" in said and "TBBH" in said and "SPOT_KEY_FIELD" in said

    both = spot_file(tmp_path / "both.gpkg", ["T1"], key="TBBH", fields={"JCBH": "J1"})
    with pytest.raises(QgsProcessingException) as twice:
        run({"SPOTS": both, "LEDGER": str(store), "BATCH": "b", "SPOT_KEY_FIELD": "TBBH"})
    said = str(twice.value)
    assert both in said and "TBBH" in said and "JCBH" in said
    assert not store.exists()


def test_a_redelivery_that_lost_leading_zeros_is_refused_naming_both_numbers(provider, tmp_path):
    """The batch recorded 00001–00003; a re-delivery read from a spreadsheet has the integers
    1–3 on the same outlines. Imported, each spot would be in the ledger twice, judged apart:
    the spots are refused, each naming the recorded number, the delivered one and the field;
    the batch name is not blamed, and nothing recorded changes."""
    store = tmp_path / "ledger.gpkg"
    first = spot_file(tmp_path / "q2.gpkg", ["00001", "00002", "00003"])
    run({"SPOTS": first, "LEDGER": str(store), "BATCH": "Q2"})
    before = recorded(store)

    again = spot_file(tmp_path / "q2_again.gpkg", [1, 2, 3], key_type="int")
    log = Log()
    with pytest.raises(QgsProcessingException, match="none of its 3 spots was imported"):
        run({"SPOTS": again, "LEDGER": str(store), "BATCH": "Q2"}, feedback=log)
    report = "\n".join(log.errors)
    for recorded_number, delivered in (("00001", "1"), ("00002", "2"), ("00003", "3")):
        [line] = [
            line for line in report.splitlines() if f"{domain.SPOT_NUMBER}={delivered} " in line
        ]
        assert recorded_number in line and "leading zeros" in line and line.startswith("错误")
    assert "meant for another delivery" not in report
    after = recorded(store)
    assert set(after[0]["Q2"]) == set(before[0]["Q2"]) and after[1] == before[1]

    # A spot of the re-delivery that is new (no recorded number like it) is imported.
    mixed = spot_file(tmp_path / "q2_mixed.gpkg", ["00001", "7"])
    result = run({"SPOTS": mixed, "LEDGER": str(store), "BATCH": "Q2"})
    assert (result["ADDED"], result["REFRESHED"], result["REFUSED"]) == (1, 1, 0)


def test_a_default_batch_name_another_file_gave_is_not_merged_into(provider, tmp_path):
    """Two folders' JCTB.shp imported without BATCH would both be batch JCTB, the second
    merged into the first and its source overwritten: it is refused, naming both files; the
    same file again refreshes its batch, and BATCH given explicitly says which batch is meant."""
    store = tmp_path / "ledger.gpkg"
    (tmp_path / "2026Q1").mkdir()
    (tmp_path / "2026Q2").mkdir()
    q1 = spot_file(tmp_path / "2026Q1" / "JCTB.shp", ["A1", "A2"])
    q2 = spot_file(tmp_path / "2026Q2" / "JCTB.shp", ["B1"])
    assert run({"SPOTS": q1, "LEDGER": str(store)})["ADDED"] == 2
    assert run({"SPOTS": q1, "LEDGER": str(store)})["REFRESHED"] == 2
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": q2, "LEDGER": str(store)})
    said = str(refused.value)
    assert q1 in said and q2 in said and "BATCH" in said
    assert recorded(store)[1] == {"JCTB": q1}

    assert run({"SPOTS": q2, "LEDGER": str(store), "BATCH": "2026Q2"})["ADDED"] == 1
    # Named, a batch none of whose spots the file carries is added to only when confirmed.
    with pytest.raises(QgsProcessingException, match="ADD_TO_BATCH"):
        run({"SPOTS": q2, "LEDGER": str(store), "BATCH": "JCTB"})
    merged = run({"SPOTS": q2, "LEDGER": str(store), "BATCH": "JCTB", "ADD_TO_BATCH": True})
    assert merged["ADDED"] == 1


def test_a_delivery_imported_under_another_batchs_name_is_refused_before_writing(
    provider, tmp_path
):
    """Found by review: JCTB_2026Q4.gpkg imported with BATCH=JCTB_2026Q3 (the wrong batch
    chosen) added its spots to that batch with only a warning, the batch's source rewritten to
    the Q4 file, and the right import, BATCH=JCTB_2026Q4, then refused as a re-delivery of
    Q3. Now nothing is written: the message names the file, the batch and both ways out, and
    the right import goes through."""
    store = tmp_path / "ledger.gpkg"
    q3 = spot_file(tmp_path / "JCTB_2026Q3.gpkg", [f"3703022026{i:04d}" for i in range(12)])
    q4 = spot_file(
        tmp_path / "JCTB_2026Q4.gpkg", [f"3703022027{i:04d}" for i in range(12)], shift=7.0
    )
    assert run({"SPOTS": q3, "LEDGER": str(store), "BATCH": "JCTB_2026Q3"})["ADDED"] == 12
    before = ledger_rows(str(store))
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": q4, "LEDGER": str(store), "BATCH": "JCTB_2026Q3"})
    said = str(refused.value)
    assert q4 in said and "JCTB_2026Q3" in said and q3 in said, said
    assert "BATCH" in said and "ADD_TO_BATCH" in said, said
    assert ledger_rows(str(store)) == before  # not a row written, the source not rewritten

    result = run({"SPOTS": q4, "LEDGER": str(store), "BATCH": "JCTB_2026Q4"})
    assert result["ADDED"] == 12
    assert recorded(store)[1] == {"JCTB_2026Q3": q3, "JCTB_2026Q4": q4}


def ledger_rows(path) -> dict:
    """Every row of every table of a GeoPackage ledger, as stored (geometry blobs too)."""
    import sqlite3

    with sqlite3.connect(path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))) for table in tables
        }


def test_an_import_whose_every_spot_is_refused_fails_and_leaves_no_ledger(provider, tmp_path):
    """Found by review: a delivery every spot of which was refused (a GBK Shapefile whose .cpg
    said UTF-8) ended in success, 0 added, leaving a new empty ledger file a caller took for
    the batch imported. It fails, naming the count and the first refusals (file, feature,
    field); every refusal is in the log; the ledger file the run made is gone."""
    spots = spot_file(tmp_path / "jctb.gpkg", ["", "", "", "", "", "", ""])  # 7 without JCBH
    store = tmp_path / "new_ledger.gpkg"
    log = Log()
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": spots, "LEDGER": str(store), "BATCH": "b"}, feedback=log)
    said = str(refused.value)
    assert "none of its 7 spots was imported" in said and spots in said, said
    refusals = [line for line in said.splitlines() if "the spot number is empty" in line]
    assert len(refusals) == 5 and all(domain.SPOT_NUMBER in line for line in refusals), said
    assert refusals[0].startswith("#1 "), said  # the feature, as the file numbers it
    assert sum("the spot number is empty" in e for e in log.errors) == 7, log.errors
    assert not store.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["jctb.gpkg"]


def test_a_layer_with_no_spot_is_refused_and_leaves_no_ledger(provider, tmp_path):
    """A file with no feature (the wrong layer, most often) was imported as a success of 0
    spots, a new empty ledger left behind, nothing said (the review of 2026-11-29). Refused,
    naming the file, and no ledger made."""
    path = spot_file(tmp_path / "empty.gpkg", [])
    store = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": path, "LEDGER": str(store), "BATCH": "b"})
    assert path in str(refused.value) and "nothing imported" in str(refused.value)
    assert not store.exists()


def test_an_import_refused_whole_into_a_ledger_changes_no_row_of_it(provider, tmp_path):
    """Into an existing ledger, the refused import fails the same way and the ledger keeps
    every row as it was; a batch of which some spots are refused is imported, and the same
    batch again, unchanged, is a success (its spots counted as refreshed)."""
    store = str(tmp_path / "ledger.gpkg")
    first = spot_file(tmp_path / "a.gpkg", ["A1", "A2"])
    assert run({"SPOTS": first, "LEDGER": store, "BATCH": "a"})["ADDED"] == 2
    before = ledger_rows(store)
    for batch in ("a", "b"):  # a refresh of the batch and a new batch alike
        with pytest.raises(QgsProcessingException, match="none of its 2 spots was imported"):
            run(
                {
                    "SPOTS": spot_file(tmp_path / f"{batch}_blank.gpkg", ["", ""]),
                    "LEDGER": store,
                    "BATCH": batch,
                }
            )
        assert ledger_rows(store) == before
    assert (tmp_path / "ledger.gpkg").exists()

    partly = run(
        {"SPOTS": spot_file(tmp_path / "c.gpkg", ["C1", ""]), "LEDGER": store, "BATCH": "c"}
    )
    assert (partly["ADDED"], partly["REFRESHED"], partly["REFUSED"]) == (1, 0, 1)
    again = run({"SPOTS": first, "LEDGER": store, "BATCH": "a"})
    assert (again["ADDED"], again["REFRESHED"], again["REFUSED"]) == (0, 2, 0)


def test_a_corrected_redelivery_whose_zeros_the_ledger_lost_is_refused_saying_so(
    provider, tmp_path
):
    """The other way round: the batch was recorded from a spreadsheet's 1–3, and the corrected
    re-delivery has 00001–00003. It is not a second spot each (judged and counted twice), nor
    is the delivery blamed: each spot is refused saying the ledger's number lost its zeros in
    an earlier delivery, naming both numbers and the way to refresh it; nothing changes."""
    store = tmp_path / "ledger.gpkg"
    first = spot_file(tmp_path / "q2.gpkg", [1, 2, 3], key_type="int")
    assert run({"SPOTS": first, "LEDGER": str(store), "BATCH": "Q2"})["ADDED"] == 3
    before = recorded(store)

    corrected = spot_file(tmp_path / "q2_corrected.gpkg", ["00001", "00002", "00003"])
    log = Log()
    with pytest.raises(QgsProcessingException, match="none of its 3 spots was imported"):
        run({"SPOTS": corrected, "LEDGER": str(store), "BATCH": "Q2"}, feedback=log)
    report = "\n".join(log.errors)
    for recorded_number, delivered in (("1", "00001"), ("2", "00002"), ("3", "00003")):
        [line] = [
            line for line in report.splitlines() if f"{domain.SPOT_NUMBER}={delivered} " in line
        ]
        assert line.startswith("错误"), line
        assert f"recorded as {recorded_number} " in line, line
        assert "lost its leading zeros in an earlier delivery" in line, line
        assert "give the numbers their leading zeros back" not in line, line
        assert "as the ledger records them" in line, line  # the way to refresh the spots
    after = recorded(store)
    assert set(after[0]["Q2"]) == {"1", "2", "3"} and after[1] == before[1]


def memory_spots(name, numbers):
    """A temporary layer of spots, as screenspots leaves its output when no file is given: QGIS
    names every such layer after the output (Screened spots)."""
    from qgis.core import QgsFeature, QgsGeometry

    layer = QgsVectorLayer(
        f"MultiPolygon?crs=EPSG:4527&field={domain.SPOT_NUMBER}:string", name, "memory"
    )
    features = []
    for i, number in enumerate(numbers):
        feature = QgsFeature(layer.fields())
        left = X0 + 100 * i
        feature.setGeometry(QgsGeometry.fromWkt(box(left, Y0, left + 20, Y0 + 20).wkt))
        feature.setAttribute(domain.SPOT_NUMBER, number)
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_a_temporary_layer_is_not_merged_into_a_batch_of_its_name_without_batch(provider, tmp_path):
    """Every screenspots run to a temporary output gives a layer named Screened spots, with no
    file to tell one quarter's from the next: the second, imported without BATCH, is refused
    (a layer's name is no file, so it cannot be the same one), naming the batch and BATCH; given
    BATCH, as a technician types it in the dock's Import… dialog (LEDGER filled), it refreshes
    that batch."""
    store = tmp_path / "ledger.gpkg"
    q1 = memory_spots("Screened spots", ["A1", "A2"])
    q2 = memory_spots("Screened spots", ["B1"])
    try:
        assert run({"SPOTS": q1, "LEDGER": str(store)})["ADDED"] == 2
        with pytest.raises(QgsProcessingException) as refused:
            run({"SPOTS": q2, "LEDGER": str(store)})
        said = str(refused.value)
        assert "Screened spots" in said and "BATCH" in said and "no file" in said, said
        assert set(recorded(store)[0]["Screened spots"]) == {"A1", "A2"}

        again = run({"SPOTS": q1, "LEDGER": str(store), "BATCH": "Screened spots"})
        assert (again["ADDED"], again["REFRESHED"]) == (0, 2)
        assert run({"SPOTS": q2, "LEDGER": str(store), "BATCH": "2026Q2"})["ADDED"] == 1
    finally:
        QgsProject.instance().removeMapLayers([q1.id(), q2.id()])


def test_a_batch_recorded_with_its_file_in_a_label_is_refreshed_from_that_file(provider, tmp_path):
    """A batch imported before from a filtered or edited layer recorded its source as the
    layer's label, name（file）: the same file again, without BATCH, refreshes it (the file read
    out of the label and compared as a file, however its path is written); another file of the
    same name is still refused."""
    import sqlite3

    from zc_enforcement_plugin.core import ledger_schema as ls

    store = tmp_path / "ledger.gpkg"
    (tmp_path / "2026Q1").mkdir()
    (tmp_path / "2026Q2").mkdir()
    q1 = spot_file(tmp_path / "2026Q1" / "JCTB.shp", ["A1", "A2"])
    q2 = spot_file(tmp_path / "2026Q2" / "JCTB.shp", ["B1"])
    assert run({"SPOTS": q1, "LEDGER": str(store)})["ADDED"] == 2
    written_otherwise = str(tmp_path / "2026Q2" / ".." / "2026Q1" / "JCTB.shp")
    with sqlite3.connect(store) as connection:
        connection.execute(
            f"UPDATE {ls.T_BATCHES} SET {ls.C_BATCH_SOURCE} = ?", (f"JCTB（{written_otherwise}）",)
        )

    assert run({"SPOTS": q1, "LEDGER": str(store)})["REFRESHED"] == 2
    assert recorded(store)[1] == {"JCTB": q1}  # the refresh records the plain file
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": q2, "LEDGER": str(store)})
    assert q1 in str(refused.value) and q2 in str(refused.value)


def test_a_redelivery_of_a_batch_under_another_layer_name_is_refused_naming_that_batch(
    provider, tmp_path, project_layer
):
    """The screened output, loaded as 筛查结果图斑, was imported without BATCH; the quarter's
    re-delivery, copied to another folder and loaded as JCTB_2026Q3, has the same numbers (one
    figure changed). Imported without BATCH, or with a new name typed, it would be a second
    batch of the same spots, each judged and counted twice: refused before anything is
    written, in one message naming the batch that holds them, how many, and BATCH. Given
    BATCH it refreshes that batch; REPEAT_SPOTS records them again as a batch of their own
    (a second round of checks), the numbers held elsewhere said in one line, not one a spot."""
    store = tmp_path / "ledger.gpkg"
    (tmp_path / "screened").mkdir()
    (tmp_path / "delivered").mkdir()
    numbers = [f"3703022026{i:05d}" for i in range(12)]
    screened = spot_file(
        tmp_path / "screened" / "out.gpkg", numbers, fields={domain.SPOT_AREA: 400.0}
    )
    first = project_layer(screened, "筛查结果图斑")
    assert run({"SPOTS": first, "LEDGER": str(store)})["ADDED"] == 12
    before = recorded(store)

    again = spot_file(
        tmp_path / "delivered" / "JCTB_2026Q3.gpkg", numbers, fields={domain.SPOT_AREA: 400.0}
    )
    with fiona.open(again) as source:  # one figure changed
        features = [{"geometry": f.geometry, "properties": dict(f.properties)} for f in source]
        schema, crs = source.schema, source.crs
    features[0]["properties"][domain.SPOT_AREA] = 399.0
    with fiona.open(again, "w", driver="GPKG", schema=schema, crs=crs) as sink:
        sink.writerecords(features)
    layer = project_layer(again, "JCTB_2026Q3")
    for batch in ({}, {"BATCH": "2026Q3"}):
        with pytest.raises(QgsProcessingException) as refused:
            run({"SPOTS": layer, "LEDGER": str(store), **batch})
        said = str(refused.value)
        assert "筛查结果图斑" in said and "12 of the 12" in said and "BATCH" in said, said
        assert again in said and "REPEAT_SPOTS" in said, said
        assert recorded(store) == before

    result = run({"SPOTS": layer, "LEDGER": str(store), "BATCH": "筛查结果图斑"})
    assert (result["ADDED"], result["REFRESHED"]) == (0, 12), result["REPORT"]
    assert list(recorded(store)[0]) == ["筛查结果图斑"]

    log = Log()
    result = run(
        {"SPOTS": layer, "LEDGER": str(store), "BATCH": "2026Q3复核", "REPEAT_SPOTS": True},
        feedback=log,
    )
    assert result["ADDED"] == 12
    held = [w for w in log.warnings if "already in batch" in w]
    assert len(held) == 1 and "12 numbers" in held[0] and numbers[0] in held[0], log.warnings
    assert numbers[-1] not in held[0]  # the first few only


def test_a_few_numbers_another_batch_holds_are_recorded_again_with_a_warning(provider, tmp_path):
    """A new batch of which some spots (not most) are in another batch is imported, each of
    those said by spot, as before: a spot delivered again in a later quarter is no mistake."""
    store = tmp_path / "ledger.gpkg"
    (tmp_path / "q2").mkdir()
    (tmp_path / "q3").mkdir()
    q2 = spot_file(tmp_path / "q2" / "JCTB.gpkg", ["A1", "A2", "A3"])
    q3 = spot_file(tmp_path / "q3" / "JCTB_Q3.gpkg", ["A1", "B1", "B2", "B3"])
    assert run({"SPOTS": q2, "LEDGER": str(store)})["ADDED"] == 3
    log = Log()
    assert run({"SPOTS": q3, "LEDGER": str(store)}, feedback=log)["ADDED"] == 4
    [said] = [w for w in log.warnings if "already in batch" in w]
    assert f"{domain.SPOT_NUMBER}=A1 " in said and "JCTB" in said, said


def test_a_geopackage_feature_id_is_no_delivered_field(provider, tmp_path, project_layer):
    """A GeoPackage layer read through QGIS (here with unsaved edits) shows its feature id
    as a field fid; stored, every refresh from the file read through GDAL warned, spot by
    spot, that fid was not delivered. It is not stored, and a ledger that stored it before
    keeps it without a word."""
    import json
    import sqlite3

    from zc_enforcement_plugin.core import ledger_schema as ls

    store = tmp_path / "ledger.gpkg"
    path = spot_file(tmp_path / "jctb.gpkg", ["S1", "S2"])
    layer = project_layer(path, "jctb")
    assert layer.startEditing()  # read as QGIS shows it, not in bulk
    assert run({"SPOTS": layer, "LEDGER": str(store), "BATCH": "b"})["ADDED"] == 2
    layer.rollBack()
    spots, _ = recorded(store)
    assert all("fid" not in spot.attributes for spot in spots["b"].values())

    # A ledger whose earlier import stored it: refreshed from the file, nothing said of fid.
    with sqlite3.connect(store) as connection:
        rows = connection.execute(f"SELECT fid, {ls.C_ATTRIBUTES} FROM {ls.T_SPOTS}").fetchall()
        for fid, attributes in rows:
            stored = {**json.loads(attributes), "fid": fid}
            connection.execute(
                f"UPDATE {ls.T_SPOTS} SET {ls.C_ATTRIBUTES} = ? WHERE fid = ?",
                (json.dumps(stored), fid),
            )
    log = Log()
    result = run({"SPOTS": path, "LEDGER": str(store), "BATCH": "b"}, feedback=log)
    assert result["REFRESHED"] == 2
    assert not any("fid" in w for w in log.warnings), log.warnings


def test_a_batch_refreshed_from_the_shapefile_output_of_the_same_screening_changes_nothing(
    provider, tmp_path
):
    """Spots screened once, written as a GeoPackage and as a Shapefile; the batch imported
    from the GeoPackage and refreshed from the Shapefile. Every spot was recorded as changed
    (YJJBNT_MU （空） → 160.00, fid （空） → 1, the review of 2026-11-29): the Shapefile holds
    results under its short names, and the GeoPackage's row numbers as a field. The same
    figures under their full names change nothing, and nothing is said kept."""
    import processing

    from tests.screening_layers import memory_layer

    spots = spot_file(tmp_path / "jctb.gpkg", ["S1", "S2"])
    farmland = memory_layer(
        [(box(X0 - 10, Y0 - 10, X0 + 500, Y0 + 8).wkt, ["B1"])], "field=JBNTTBBH:string"
    )
    outputs = {}
    for suffix in (".gpkg", ".shp"):
        outputs[suffix] = str(tmp_path / f"screened{suffix}")
        processing.run(
            "zcenforcement:screenspots",
            {"SPOTS": spots, "BASIC_FARMLAND": farmland, "OUTPUT": outputs[suffix]},
        )
    store = tmp_path / "ledger.gpkg"
    assert run({"SPOTS": outputs[".gpkg"], "LEDGER": str(store), "BATCH": "b"})["ADDED"] == 2
    before, _ = recorded(store)
    assert before["b"]["S1"].attributes[domain.BASIC_FARMLAND_AREA + domain.MU_SUFFIX] == 0.24
    log = Log()
    result = run({"SPOTS": outputs[".shp"], "LEDGER": str(store), "BATCH": "b"}, feedback=log)
    assert result["REFRESHED"] == 2
    after, _ = recorded(store)
    for number in ("S1", "S2"):
        spot = after["b"][number]
        assert spot.version == before["b"][number].version, spot.attributes.get("_refreshes")
        assert "YJJBNT_MU" not in spot.attributes
    assert not any("not in this delivery" in w for w in log.warnings), log.warnings


def test_utf8_text_read_as_gbk_is_refused_naming_file_field_feature_and_the_fix(provider, tmp_path):
    """Found by review on bureau data: a UTF-8 Shapefile whose .cpg says GBK was imported,
    every TBLX stored garbled (新增建设用地 as 鏂板…, its last byte already gone), without a word,
    while screening the same file stops. The import stops the same way, by the same rule,
    before anything is written: naming the file, the field, a feature and what its text would
    read, and the fix (the .cpg). With the .cpg put right the same file imports as delivered."""
    kinds = ["新增建设用地", "采矿用地", "设施农用地", "临时用地", "农村道路"]
    shp = tmp_path / "utf8_wrongcpg.shp"
    properties = {domain.SPOT_NUMBER: "str:20", "TBLX": "str:40"}
    schema = {"geometry": "Polygon", "properties": properties}
    with fiona.open(
        shp, "w", driver="ESRI Shapefile", schema=schema, crs="EPSG:4527", encoding="utf-8"
    ) as sink:
        for i in range(10):
            left = X0 + 100 * i
            sink.write(
                {
                    "geometry": mapping(box(left, Y0, left + 20, Y0 + 20)),
                    "properties": {domain.SPOT_NUMBER: f"S{i:03d}", "TBLX": kinds[i % 5]},
                }
            )
    shp.with_suffix(".cpg").write_text("GBK")
    store = tmp_path / "ledger.gpkg"
    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": str(shp), "LEDGER": str(store)})
    said = str(refused.value)
    assert str(shp) in said and "field TBLX" in said and "UTF-8 read as GBK" in said, said
    assert "feature 1 (JCBH=S001)" in said and "would read 采矿用地" in said, said
    assert ".cpg of the file to UTF-8" in said and "Nothing imported" in said, said
    assert "字段 TBLX" in said and "UTF-8 被按 GBK 读出" in said, said
    assert not store.exists()

    shp.with_suffix(".cpg").write_text("UTF-8")
    assert run({"SPOTS": str(shp), "LEDGER": str(store)})["ADDED"] == 10
    spots = recorded(store)[0]["utf8_wrongcpg"]
    assert {spot.attributes["TBLX"] for spot in spots.values()} == set(kinds)


def curved_spot_file(path) -> str:
    """A GeoPackage of curved spots: C1 a circle of radius 20 m, C2 a half-disc of it."""
    from osgeo import ogr, osr

    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4527)
    layer = source.CreateLayer("curved", srs, ogr.wkbCurvePolygon)
    layer.CreateField(ogr.FieldDefn(domain.SPOT_NUMBER, ogr.OFTString))
    x, y = X0, Y0
    for number, wkt in (
        ("C1", f"CURVEPOLYGON(CIRCULARSTRING({x - 20} {y},{x + 20} {y},{x - 20} {y}))"),
        (
            "C2",
            f"CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING({x + 80} {y},{x + 100} {y + 20},"
            f"{x + 120} {y}),({x + 120} {y},{x + 80} {y})))",
        ),
    ):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField(domain.SPOT_NUMBER, number)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feature)
    source = None
    return str(path)


def test_a_curved_spot_is_stored_as_finely_as_screening_measured_it(provider, tmp_path):
    """Found by review: a curved spot (a GeoPackage CurvePolygon: a circle of 20 m radius and
    a half-disc) was stored with GDAL's default 4° steps, 92 and 47 vertices, about 1 m² under
    the TBMJ beside it, which the dock, $area and the export carried. Its arcs are straightened
    as screening straightens them (spot_files.ARC_SAG_M): the stored outline's ellipsoidal area
    is TBMJ to the cent, and πr² (the half of it) to within the sag along the arc."""
    import math

    import processing

    from zc_enforcement_plugin.core import areas, spot_files

    screened = str(tmp_path / "screened.gpkg")
    processing.run(
        "zcenforcement:screenspots",
        {"SPOTS": curved_spot_file(tmp_path / "curved.gpkg"), "OUTPUT": screened},
    )
    store = tmp_path / "ledger.gpkg"
    assert run({"SPOTS": screened, "LEDGER": str(store), "BATCH": "b"})["ADDED"] == 2
    spots = recorded(store)[0]["b"]
    circle = math.pi * 20**2
    for number, exact, arc_length in (
        ("C1", circle, 40 * math.pi),
        ("C2", circle / 2, 20 * math.pi),
    ):
        spot = spots[number]
        planar = spot.geometry.area
        assert exact - arc_length * spot_files.ARC_SAG_M <= planar <= exact, (number, planar)
        [ellipsoidal] = areas.ellipsoidal_areas([spot.geometry], 4527)
        assert ellipsoidal == pytest.approx(spot.attributes[domain.SPOT_AREA], abs=0.01), number


def test_spots_whose_numeric_numbers_lost_their_zeros_are_not_recorded_twice(provider, tmp_path):
    """Found by review: seq_int.shp numbers its spots 1…12 in an Integer JCBH (the zeros of
    0001 lost), screened and imported without a word on the field; the same spots screened
    from seq_text.gpkg, numbered 0001…0012, imported without BATCH as a second batch of the
    same outlines. Screening and the import say the number field is numeric; the second
    import is refused, naming the batch holding the spots and both spellings of a number."""
    import processing

    store = tmp_path / "ledger.gpkg"
    outputs = {}
    for name, numbers, key_type in (
        ("seq_int", list(range(1, 13)), "int"),
        ("seq_text", [f"{i:04d}" for i in range(1, 13)], "str:20"),
    ):
        delivered = spot_file(tmp_path / f"{name}.shp", numbers, key_type=key_type)
        (tmp_path / name).mkdir()
        outputs[name] = str(tmp_path / name / "screened.gpkg")
        log = Log()
        processing.run(
            "zcenforcement:screenspots",
            {"SPOTS": delivered, "OUTPUT": outputs[name]},
            feedback=log,
        )
        numeric = [w for w in log.warnings if "is numeric" in w]
        assert len(numeric) == (name == "seq_int"), log.warnings
        assert all(delivered in w and domain.SPOT_NUMBER in w for w in numeric), numeric

    log = Log()
    assert run({"SPOTS": outputs["seq_int"], "LEDGER": str(store)}, feedback=log)["ADDED"] == 12
    [numeric] = [w for w in log.warnings if "holds numbers" in w]
    assert outputs["seq_int"] in numeric and "feature 1: 1" in numeric, numeric
    before = recorded(store)

    with pytest.raises(QgsProcessingException) as refused:
        run({"SPOTS": outputs["seq_text"], "LEDGER": str(store), "BATCH": "seq_text"})
    said = str(refused.value)
    assert "12 of the 12 spots" in said and outputs["seq_int"] in said, said
    assert "0001 → 1" in said and "but for leading zeros" in said, said
    assert recorded(store) == before


def test_spots_not_of_the_district_are_imported_with_a_warning_naming_file_spot_and_field(
    provider, tmp_path
):
    """DOMAIN §2: XZQDM is the 6-digit county code (Zichuan 370302) and JCBH begins with it.
    A neighbour's spot delivered by mistake is still imported (the user must see it), with a
    warning naming the file, the spot and the field, and the summary counts such spots."""
    path = str(tmp_path / "jctb.gpkg")
    county = domain.ZICHUAN_COUNTY_CODE
    neighbour = "370303"  # Zhangdian: a code of the right form, not the district's
    spots = {
        f"{county}202600001": county,  # as it should be
        f"{county}202600002": county[:5],  # five digits
        f"{neighbour}202600003": neighbour,  # the neighbour's spot, numbered as its own
        f"{neighbour}202600004": county,  # numbered in another county than its XZQDM says
    }
    schema = {
        "geometry": "Polygon",
        "properties": {domain.SPOT_NUMBER: "str:20", domain.SPOT_COUNTY_CODE: "str:10"},
    }
    with fiona.open(path, "w", driver="GPKG", schema=schema, crs="EPSG:4527") as sink:
        for i, (number, code) in enumerate(spots.items()):
            left = X0 + 100 * i
            sink.write(
                {
                    "geometry": mapping(box(left, Y0, left + 20, Y0 + 20)),
                    "properties": {domain.SPOT_NUMBER: number, domain.SPOT_COUNTY_CODE: code},
                }
            )
    log = Log()
    result = run({"SPOTS": path, "LEDGER": str(tmp_path / "ledger.gpkg"), "BATCH": "b"}, log)
    assert result["ADDED"] == len(spots) and result["REFUSED"] == 0  # warned, not refused
    numbers = list(spots)

    def warned(number: str, field: str) -> list[str]:
        return [w for w in log.warnings if f"JCBH={number} {field}:" in w and path in w]

    assert not [w for w in log.warnings if numbers[0] in w], log.warnings
    assert warned(numbers[1], domain.SPOT_COUNTY_CODE), log.warnings
    assert warned(numbers[2], domain.SPOT_COUNTY_CODE), log.warnings
    assert not warned(numbers[2], domain.SPOT_NUMBER), log.warnings  # it begins with its code
    assert warned(numbers[3], domain.SPOT_NUMBER), log.warnings
    assert not warned(numbers[3], domain.SPOT_COUNTY_CODE), log.warnings  # 370302 is right
    (summary,) = [line for line in log.info if line.startswith("批次 b")]
    assert "3 with a county code or number not the district's" in summary, summary
    assert "行政区代码或编号非本区 3" in summary, summary
    assert set(recorded(tmp_path / "ledger.gpkg")[0]["b"]) == set(spots)


@pytest.mark.parametrize("nothing", [None, "MULTIPOLYGON EMPTY"], ids=["null", "empty"])
def test_a_spot_screened_without_geometry_takes_verdict_areas_by_its_jcmj_or_unchecked(
    provider, tmp_path, nothing
):
    """screenspots keeps a spot without an outline with TBMJ 0 (it measured none). Imported,
    that 0 is no area known: a verdict's areas are held to the delivered JCMJ, and a spot
    without one has them recorded unchecked, the reason said, not refused as more than 0.00."""
    import processing

    from tests.screening_layers import memory_layer, square
    from zc_enforcement_plugin.core import ledger_schema as ls

    fields = f"field={domain.SPOT_NUMBER}:string&field={domain.SPOT_MONITORED_AREA}:double"
    raw = memory_layer(
        [(square(0, 0, 100), ["S1", 10000.0]), (nothing, ["E1", 1200.0]), (nothing, ["E2", None])],
        fields,
        name="JCTB",
    )
    screened = str(tmp_path / "screened.gpkg")
    processing.run("zcenforcement:screenspots", {"SPOTS": raw, "OUTPUT": screened})
    store = tmp_path / "ledger.gpkg"
    run({"SPOTS": screened, "LEDGER": str(store), "BATCH": "b"})
    with ledger.GeoPackageLedger(store, create=False) as opened:
        ids = {s.number: s.id for s in opened.spots()}
        spot = {number: opened.spot(i) for number, i in ids.items()}
        assert spot["E1"].spot_area == spot["E2"].spot_area == 0.0  # as screening wrote it
        assert spot["E1"].geometry is None or spot["E1"].geometry.is_empty

        def verdict(cultivated):
            return ledger.Verdict(
                category=ls.VERDICT_ILLEGAL,
                kind="未报即用",
                verifier="张三",
                verified_on="2024-03-05",
                areas={domain.CULTIVATED_AREA: cultivated},
            )

        with pytest.raises(ledger.VerdictError) as refused:
            opened.record_verdict(ids["E1"], verdict(1300.0))
        assert "超过图斑面积 1200.00" in "\n".join(refused.value.messages)
        opened.record_verdict(ids["E1"], verdict(1200.0))
        assert ledger.unchecked_areas_reason(spot["E1"]) is None

        opened.record_verdict(ids["E2"], verdict(150.0))
        assert opened.current_verdict(ids["E2"]).areas[domain.CULTIVATED_AREA] == 150.0
        said = ledger.unchecked_areas_reason(spot["E2"])
        assert "E2" in said and "不与之核对" in said and "not checked" in said, said
        for name in (domain.SPOT_AREA, domain.SPOT_MONITORED_AREA):
            assert name in said, said
