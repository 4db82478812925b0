"""zcenforcement:copyledger copies a ledger and proves the copy equal, row by row."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import shapely
from qgis.core import QgsProcessingException

from tests.holiday_notices import complete_year
from zc_enforcement_plugin.core import evidence, ledger
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger_migrate import COPY_ORDER, compare_ledgers, copy_ledger
from zc_enforcement_plugin.core.patrols import PatrolRecord

X0, Y0 = 39_580_000.0, 4_050_000.0


def test_copy_between_geopackages_and_refuse_a_non_empty_target(provider, tmp_path):
    import processing

    source = tmp_path / "a.gpkg"
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch(
            "b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))]
        )
        spot_id = store.spots()[0].id
        store.record_verdict(
            spot_id, ledger.Verdict(ls.VERDICT_OTHER, "伪变化", "李工", dt.date(2025, 5, 6))
        )
        store.add_evidence(spot_id, evidence.store_evidence_file(source, "S1", photo, "photo"))
    target = tmp_path / "copy" / "b.gpkg"
    target.parent.mkdir()
    result = processing.run(
        "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)}
    )
    assert result["DIFFERENCES"] == 0
    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        assert compare_ledgers(a, b) == []
        assert (b.evidence_dir / b.evidence(spot_id)[0].path).read_bytes() == photo.read_bytes()
    with pytest.raises(QgsProcessingException, match="not empty"):
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})


def _extents(path) -> dict:
    conn = sqlite3.connect(str(path))
    try:
        return {
            table: tuple(bounds)
            for table, *bounds in conn.execute(
                "SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents "
                "WHERE table_name IN (SELECT table_name FROM gpkg_geometry_columns)"
            )
        }
    finally:
        conn.close()


def test_a_geopackage_copy_has_the_extents_of_its_spots_and_patrols(tmp_path):
    """QGIS zooms a layer to gpkg_contents' extent: a copy written row by row, not through the
    saves that keep it, gets the extent of every table with geometry, recomputed from its rows
    as the ledger's saves compute it."""
    source, target = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    route = f"LINESTRING({X0 - 500} {Y0 + 20}, {X0 + 300} {Y0 + 700})"
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord({"JCBH": "S1"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9)),
                ledger.SpotRecord({"JCBH": "S2"}, shapely.box(X0 + 90, Y0 - 40, X0 + 99, Y0)),
            ],
        )
        store.add_patrol(PatrolRecord("XC-1", "城区所", dt.date(2025, 5, 6), ["赵六"], route=route))
    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        copy_ledger(a, b)
    assert _extents(target) == {
        ls.T_SPOTS: (X0, Y0 - 40, X0 + 99, Y0 + 9),
        ls.T_PATROLS: (X0 - 500, Y0 + 20, X0 + 300, Y0 + 700),
    }
    assert _extents(target) == _extents(source)


def test_a_source_ledger_that_does_not_exist_is_named_not_created(provider, tmp_path):
    """A typo in the source's path stops the copy, naming the path; before, a new empty ledger
    was made there and "copied" with no difference found, and neither file was left."""
    import processing

    typo = tmp_path / "ledgr.gpkg"
    target = tmp_path / "shared.gpkg"
    with pytest.raises(QgsProcessingException, match="ledgr.gpkg"):
        processing.run("zcenforcement:copyledger", {"SOURCE": str(typo), "TARGET": str(target)})
    assert not typo.exists()


def test_a_copy_into_another_folder_takes_the_holiday_file_with_it(provider, tmp_path):
    """A GeoPackage counts working days by the holidays.json beside it: a copy into another
    folder gets one with the same schedule (two working days after 4 February 2027, with the
    made-up schedule below, is Sunday the 14th, a swapped working day), and the summary says
    where it went. A holidays setting stored in the GeoPackage, which it never reads, is not
    taken for its schedule and is said to stay behind."""
    import json

    import processing

    fixed = complete_year(2027)
    off = ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]
    schedule = {"2027": {"holidays": fixed + off, "workdays": ["2027-02-14"]}}
    (tmp_path / "office").mkdir()
    source = tmp_path / "office" / "ledger.gpkg"
    (tmp_path / "office" / "holidays.json").write_text(json.dumps(schedule), encoding="utf-8")
    with ledger.GeoPackageLedger(source) as store:
        store.set_setting(ls.SETTING_HOLIDAYS, {"2027": {"holidays": fixed}})
    target = tmp_path / "copy" / "ledger.gpkg"
    target.parent.mkdir()
    result = processing.run(
        "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)}
    )
    assert result["DIFFERENCES"] == 0
    assert str(target.parent / "holidays.json") in result["SUMMARY"]
    assert "never reads" in result["SUMMARY"]
    with ledger.GeoPackageLedger(target) as copy:
        calendar = copy.work_calendar(strict=False)
        assert calendar.add_working_days(dt.date(2027, 2, 4), 2) == dt.date(2027, 2, 14)
        assert ls.SETTING_HOLIDAYS not in copy.settings()


def _office_with_two_photos(tmp_path):
    """A GeoPackage ledger with a holidays.json beside it and two spots with a photo each."""
    import json

    fixed = complete_year(2027)
    (tmp_path / "office").mkdir()
    source = tmp_path / "office" / "ledger.gpkg"
    (tmp_path / "office" / "holidays.json").write_text(
        json.dumps({"2027": {"holidays": fixed}}), encoding="utf-8"
    )
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch(
            "b",
            [
                ledger.SpotRecord({"JCBH": number}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))
                for number in ("S1", "S2")
            ],
        )
        for spot in store.spots():
            photo = tmp_path / f"{spot.number}.jpg"
            photo.write_bytes(b"\xff\xd8\xff" + spot.number.encode() + b"\xff\xd9")
            store.add_evidence(
                spot.id, evidence.store_evidence_file(source, spot.number, photo, "photo")
            )
    return source


def _listing(folder):
    """Every file and folder under `folder`, with each file's bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def _fail_on_cases(original):
    """_load that raises when the copy reaches the cases: part-way through the rows."""

    def load(store, table, columns, rows):
        if table == ls.T_CASES:
            raise OSError("disk full (forced by the test)")
        return original(store, table, columns, rows)

    return load


def _fail_on_second_file(original):
    """The copy of an evidence file's bytes, raising on its second call: part-way through the
    evidence files."""
    calls = []

    def copy2(origin, copy, *args, **kwargs):
        calls.append(origin)
        if len(calls) == 2:
            raise OSError("disk full (forced by the test)")
        return original(origin, copy, *args, **kwargs)

    return copy2


@pytest.mark.parametrize("failing", ["rows", "evidence files", "comparison"])
@pytest.mark.parametrize("target_exists", [False, True])
def test_a_failed_copy_into_a_geopackage_leaves_the_target_folder_as_it_was(
    provider, tmp_path, monkeypatch, failing, target_exists
):
    """A copy that fails part-way (writing the rows, copying the evidence files) or whose
    comparison finds a difference leaves the target's folder as it found it: no holidays.json,
    no evidence folder, no new GeoPackage (one that was there, empty, stays so). Before, the
    holidays.json written ahead of the rows and the new GeoPackage were left behind, and a
    second run found the target "not empty" or a holiday file it had not chosen."""

    import processing

    from zc_enforcement_plugin.core import ledger_migrate
    from zc_enforcement_plugin.processing import copy_ledger as algorithm

    source = _office_with_two_photos(tmp_path)
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "说明.txt").write_text("another file of the folder", encoding="utf-8")
    target = folder / "ledger.gpkg"
    if target_exists:
        ledger.GeoPackageLedger(target).close()
    before, source_before = _listing(folder), _listing(source.parent)
    if failing == "rows":
        monkeypatch.setattr(ledger_migrate, "_load", _fail_on_cases(ledger_migrate._load))
    elif failing == "evidence files":
        monkeypatch.setattr(
            ledger_migrate,
            "_copy_evidence_bytes",
            _fail_on_second_file(ledger_migrate._copy_evidence_bytes),
        )
    else:
        monkeypatch.setattr(algorithm, "compare_ledgers", lambda a, b, **_: ["spots fid=1: forced"])
    with pytest.raises(QgsProcessingException):
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})
    if failing == "comparison" and target_exists:
        # Rows committed into a ledger the user gave are not deleted: the run names the
        # differences, and the copy stays whole (its holiday file and evidence with it).
        assert (folder / "holidays.json").is_file() and (folder / "evidence").is_dir()
    else:
        assert _listing(folder) == before
    assert _listing(source.parent) == source_before
    monkeypatch.undo()
    if failing != "comparison" or not target_exists:
        # Nothing was left to trip a second run: it copies and proves the copy equal.
        result = processing.run(
            "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)}
        )
        assert result["DIFFERENCES"] == 0 and (folder / "holidays.json").is_file()


def _neighbour_in(folder, tmp_path, photo_bytes):
    """Another ledger, other.gpkg in `folder`, whose spot S1 has a photo recorded under the
    name _office_with_two_photos gives its S1 photo (S1/S1.jpg), with `photo_bytes`.
    Returns the photo's path in the shared evidence folder."""
    (tmp_path / "theirs").mkdir()
    theirs = tmp_path / "theirs" / "S1.jpg"
    theirs.write_bytes(photo_bytes)
    with ledger.GeoPackageLedger(folder / "other.gpkg") as store:
        store.import_batch(
            "b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))]
        )
        record = evidence.store_evidence_file(folder / "other.gpkg", "S1", theirs, "photo")
        store.add_evidence(store.spots()[0].id, record)
    return folder / "evidence" / record.path


def _neighbour_intact(folder, stored, photo_bytes):
    """The other ledger still names its photo by the hash of the bytes it holds."""
    assert stored.read_bytes() == photo_bytes
    with ledger.GeoPackageLedger(folder / "other.gpkg", create=False) as store:
        assert evidence.check_evidence_integrity(store) == []


def _make_fail(monkeypatch, source, failing):
    """Make the copy of `source` fail: while writing its rows, or (by deleting its S2 photo)
    with an evidence file missing, which the comparison finds as a difference."""
    from zc_enforcement_plugin.core import ledger_migrate

    if failing == "rows":
        monkeypatch.setattr(ledger_migrate, "_load", _fail_on_cases(ledger_migrate._load))
    elif failing == "missing photo":
        (record,) = [r for r in _evidence_of(source) if r.path.startswith("S2/")]
        (source.parent / "evidence" / record.path).unlink()


@pytest.mark.parametrize("failing", ["none", "rows", "missing photo"])
def test_another_ledgers_evidence_in_the_target_folder_is_never_overwritten_nor_removed(
    provider, tmp_path, monkeypatch, failing
):
    """Every ledger in a folder shares its evidence/ folder. Copying into a folder that holds
    another ledger whose spot S1 has a photo of the same name overwrote that photo (its
    ledger then named a file of another hash), and a copy that failed deleted it (found by a
    review). The copy is refused before anything is written, naming the file, both ledgers
    and what to do; the folder, the other ledger's file included, is left byte for byte."""
    import processing

    source = _office_with_two_photos(tmp_path)
    folder = tmp_path / "shared"
    folder.mkdir()
    photo = b"\xff\xd8\xff the other office's own photo of S1 \xff\xd9"
    stored = _neighbour_in(folder, tmp_path, photo)
    _make_fail(monkeypatch, source, failing)
    before = _listing(folder)
    target = folder / "new.gpkg"
    with pytest.raises(QgsProcessingException) as error:
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})
    message = str(error.value)
    assert str(stored) in message and "copy into a new folder of its own" in message
    assert f"copying {source} into {target}" in message and "nothing was copied" in message
    assert _listing(folder) == before  # their photo and ledger as they were, no new.gpkg
    _neighbour_intact(folder, stored, photo)


@pytest.mark.parametrize("failing", ["none", "rows", "missing photo"])
def test_an_identical_file_of_another_ledger_is_shared_never_removed(
    provider, tmp_path, monkeypatch, failing
):
    """The same photo, byte for byte, already in the folder's evidence/ (the other ledger's)
    is what the copy's record names: it is used as it is, counted as already there, and a
    copy that fails leaves it (it was not the copy's to take away)."""
    import processing

    source = _office_with_two_photos(tmp_path)
    (record,) = [r for r in _evidence_of(source) if r.path.startswith("S1/")]
    photo = (source.parent / "evidence" / record.path).read_bytes()
    folder = tmp_path / "shared"
    folder.mkdir()
    stored = _neighbour_in(folder, tmp_path, photo)
    _make_fail(monkeypatch, source, failing)
    before = _listing(folder)
    run = {"SOURCE": str(source), "TARGET": str(folder / "new.gpkg")}
    if failing == "none":
        result = processing.run("zcenforcement:copyledger", run)
        assert result["DIFFERENCES"] == 0
        assert "evidence files copied 1, already there 1" in result["SUMMARY"]
        after = _listing(folder)
        assert {name: after[name] for name in before} == before  # nothing changed, only added
    else:
        with pytest.raises(QgsProcessingException):
            processing.run("zcenforcement:copyledger", run)
        assert _listing(folder) == before
    _neighbour_intact(folder, stored, photo)


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "no hard links"])
def test_a_file_put_in_the_way_during_the_copy_is_neither_replaced_nor_removed(
    provider, tmp_path, monkeypatch, links
):
    """A file given a name the copy writes after the check (a colleague attaching a photo to
    another ledger in the folder meanwhile) keeps its name and bytes: the copy's file is not
    put there, the comparison finds the difference, and the failed run's cleanup, which
    removes only what the copy made, leaves it. Also where the share has no hard links."""

    import processing

    from zc_enforcement_plugin.core import ledger_migrate

    source = _office_with_two_photos(tmp_path)
    folder = tmp_path / "shared"
    folder.mkdir()
    before = _listing(folder)
    theirs = b"\xff\xd8 attached meanwhile \xff\xd9"
    in_the_way = []
    original_copy2 = ledger_migrate._copy_evidence_bytes

    def copy2(origin, partial, *args, **kwargs):
        original_copy2(origin, partial, *args, **kwargs)
        if not in_the_way:  # the first file's final name, taken while it was being copied
            name = partial.with_name(partial.name.removeprefix(".").removesuffix(".part"))
            name.write_bytes(theirs)
            in_the_way.append(name)

    def no_link(*args, **kwargs):
        raise OSError(95, "Operation not supported (forced by the test)")

    monkeypatch.setattr(ledger_migrate, "_copy_evidence_bytes", copy2)
    if not links:
        monkeypatch.setattr(ledger_migrate.os, "link", no_link)
    with pytest.raises(QgsProcessingException, match="differences after copying"):
        processing.run(
            "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(folder / "new.gpkg")}
        )
    (name,) = in_the_way
    assert name.read_bytes() == theirs
    left = {str(path.relative_to(folder)) for path in folder.rglob("*")} - set(before)
    assert left == {str(name.relative_to(folder)), str(name.parent.relative_to(folder)), "evidence"}
    assert not any(path.name.endswith(".part") for path in folder.rglob("*"))


def test_a_file_put_in_the_way_at_the_last_moment_is_not_replaced(provider, tmp_path, monkeypatch):
    """Where the share has hard links, the copy claims a file's name in one step: a file given
    that name just before (after every check the copy makes) is kept, and so is it when the
    run then fails. Before, the name was checked and then renamed over, so a file put there
    between the two was replaced, recorded as the copy's, and removed by the failed run."""
    import os
    import pathlib

    import processing

    from zc_enforcement_plugin.core import ledger_migrate

    source = _office_with_two_photos(tmp_path)
    folder = tmp_path / "shared"
    folder.mkdir()
    theirs = b"\xff\xd8 attached at the last moment \xff\xd9"
    in_the_way = []

    def put_in_the_way(destination):
        destination = pathlib.Path(destination)
        if not in_the_way and destination.parent.parent == folder / "evidence":
            destination.write_bytes(theirs)
            in_the_way.append(destination)

    original_link, original_replace = os.link, pathlib.Path.replace

    def link(partial, copy, *args, **kwargs):
        put_in_the_way(copy)
        return original_link(partial, copy, *args, **kwargs)

    def replace(self, copy):
        put_in_the_way(copy)
        return original_replace(self, copy)

    monkeypatch.setattr(ledger_migrate.os, "link", link)
    monkeypatch.setattr(pathlib.Path, "replace", replace)
    with pytest.raises(QgsProcessingException, match="differences after copying"):
        processing.run(
            "zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(folder / "new.gpkg")}
        )
    (name,) = in_the_way
    assert name.read_bytes() == theirs


def _evidence_of(path):
    with ledger.GeoPackageLedger(path, create=False) as store:
        return store.evidence()


def test_a_full_disk_names_the_evidence_file_and_leaves_the_target_folder_as_it_was(
    provider, tmp_path, monkeypatch
):
    """A full disk used to say only "[Errno 28] No space left on device: '…/.p.jpg.part'"."""
    import errno
    import os

    import processing

    from zc_enforcement_plugin.core import ledger_migrate

    source = tmp_path / "a.gpkg"
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xd9")
    with ledger.GeoPackageLedger(source) as store:
        store.import_batch(
            "b", [ledger.SpotRecord({"JCBH": "S1"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))]
        )
        spot_id = store.spots()[0].id
        store.add_evidence(spot_id, evidence.store_evidence_file(source, "S1", photo, "photo"))
        origin = Path(store.evidence_dir) / store.evidence(spot_id)[0].path

    def fills_the_disk(src, dst, **_):
        Path(dst).write_bytes(b"\xff")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(ledger_migrate, "_copy_evidence_bytes", fills_the_disk)
    (tmp_path / "copy").mkdir()
    target = tmp_path / "copy" / "b.gpkg"
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})
    said = str(raised.value)
    assert "the disk is full" in said and "磁盘已满" in said, said
    assert str(origin) in said and "nothing was copied" in said, said
    assert ".part" not in said and "Errno" not in said, said
    assert list((tmp_path / "copy").iterdir()) == [], list((tmp_path / "copy").rglob("*"))


@pytest.mark.parametrize("target_exists", [True, False], ids=["existing target", "new target"])
def test_a_cancel_while_comparing_says_what_became_of_the_copy(
    provider, tmp_path, monkeypatch, target_exists
):
    """A cancel that comes while the copy is compared, after its rows were committed: into an
    empty ledger the user gave, the copy stays whole and the run says so, not "nothing
    copied"; into a GeoPackage the run made, the file goes, and the run says nothing was
    copied, never that a copy was made whole."""
    import processing

    from zc_enforcement_plugin.processing import copy_ledger as algorithm

    source = _office_with_two_photos(tmp_path)
    target = tmp_path / "copy" / "ledger.gpkg"
    target.parent.mkdir()
    if target_exists:
        ledger.GeoPackageLedger(target).close()

    def cancelled_while_comparing(a, b, **_):
        raise ledger.CopyCancelled()

    monkeypatch.setattr(algorithm, "compare_ledgers", cancelled_while_comparing)
    with pytest.raises(QgsProcessingException) as stopped:
        processing.run("zcenforcement:copyledger", {"SOURCE": str(source), "TARGET": str(target)})
    message = str(stopped.value)
    if target_exists:
        assert "nothing copied" not in message, message
        assert f"the copy into {target} was made whole but not compared" in message, message
        with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
            assert compare_ledgers(a, b) == []  # what the message says: a whole copy
    else:
        assert "Cancelled, nothing copied." in message and "made whole" not in message, message
        assert not target.exists() and _listing(target.parent) == {}


def test_a_copy_between_geopackages_cancelled_at_its_first_report_copies_nothing(
    provider, tmp_path
):
    """Cancelled as soon as the run reports its progress ("Copying"): it says nothing was
    copied, and the GeoPackage it was to make is not left behind, nor anything beside it."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    class CancelAtFirstReport(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            super().setProgressText(text)
            self.cancel()

    source = _office_with_two_photos(tmp_path)
    source_before = _listing(source.parent)
    target = tmp_path / "copy" / "ledger.gpkg"
    target.parent.mkdir()
    feedback = CancelAtFirstReport()
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing copied."):
        processing.run(
            "zcenforcement:copyledger",
            {"SOURCE": str(source), "TARGET": str(target)},
            context=QgsProcessingContext(),
            feedback=feedback,
        )
    assert feedback.isCanceled()
    assert not target.exists() and _listing(target.parent) == {}
    assert _listing(source.parent) == source_before


def test_comparing_two_geopackages_is_cancelled_and_the_new_copy_taken_away(provider, tmp_path):
    """A cancel pressed while a copy between two GeoPackages is compared stops the comparison
    (a GeoPackage has no statement a cancel could end, as a shared ledger's has: the comparison
    itself asks), with the usual "nothing copied": the GeoPackage it made is taken away, the
    source is as it was. Before, the comparison ran to its end and the run succeeded."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from zc_enforcement_plugin.i18n import tr

    class CancelWhenComparing(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - QGIS API
            super().setProgressText(text)
            if text == tr("Comparing every row and evidence hash"):
                self.cancel()

    source = _office_with_two_photos(tmp_path)
    source_before = _listing(source.parent)
    target = tmp_path / "copy" / "ledger.gpkg"
    target.parent.mkdir()
    feedback = CancelWhenComparing()
    with pytest.raises(QgsProcessingException, match="Cancelled, nothing copied."):
        processing.run(
            "zcenforcement:copyledger",
            {"SOURCE": str(source), "TARGET": str(target)},
            context=QgsProcessingContext(),
            feedback=feedback,
        )
    assert not target.exists() and _listing(target.parent) == {}
    assert _listing(source.parent) == source_before


def test_comparing_two_geopackages_reports_its_progress(provider, tmp_path):
    """The comparison moves the bar on from where the copy left it (70 %), table by table and
    file by file, rather than standing still until it ends."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    class Progress(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def setProgress(self, progress):  # noqa: N802 - QGIS API
            super().setProgress(progress)
            self.seen.append(progress)

    source = _office_with_two_photos(tmp_path)
    feedback = Progress()
    result = processing.run(
        "zcenforcement:copyledger",
        {"SOURCE": str(source), "TARGET": str(tmp_path / "copy.gpkg")},
        context=QgsProcessingContext(),
        feedback=feedback,
    )
    assert result["DIFFERENCES"] == 0
    comparing = [p for p in feedback.seen if 70 < p < 100]
    assert len(comparing) >= len(COPY_ORDER), feedback.seen
    assert comparing == sorted(comparing), feedback.seen


def test_compare_ledgers_stops_between_tables_when_cancelled(tmp_path, monkeypatch):
    """Cancelled once the spots are compared, compare_ledgers reads no further table and
    hashes no evidence file: it raises CopyCancelled."""
    from zc_enforcement_plugin.core import ledger_migrate

    source = _office_with_two_photos(tmp_path)
    target = tmp_path / "copy.gpkg"
    read, hashed = [], []
    original_rows, original_digest = ledger_migrate.ledger_rows, ledger_migrate._digest

    def rows(store, table):
        read.append(table)
        return original_rows(store, table)

    def digest(root, stored_path):
        hashed.append(stored_path)
        return original_digest(root, stored_path)

    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        copy_ledger(a, b)
        monkeypatch.setattr(ledger_migrate, "ledger_rows", rows)
        monkeypatch.setattr(ledger_migrate, "_digest", digest)
        with pytest.raises(ledger.CopyCancelled):
            compare_ledgers(a, b, is_cancelled=lambda: ls.T_SPOTS in read)
    assert read == [ls.T_BATCHES, ls.T_BATCHES, ls.T_SPOTS, ls.T_SPOTS] and hashed == []


def test_compare_ledgers_reports_the_differences_of_every_table_not_only_the_last(tmp_path):
    """A batch imported into the copy since: its batch and its spot each differ, and both
    tables' differences are reported, in the order the tables are compared."""
    source = _office_with_two_photos(tmp_path)
    target = tmp_path / "copy.gpkg"
    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        copy_ledger(a, b)
        b.import_batch(
            "c", [ledger.SpotRecord({"JCBH": "S9"}, shapely.box(X0, Y0, X0 + 9, Y0 + 9))]
        )
        differences = compare_ledgers(a, b, check_files=False)
    tables = [line.split(" ")[0] for line in differences]
    assert ls.T_BATCHES in tables and ls.T_SPOTS in tables, differences
    assert tables.index(ls.T_BATCHES) < tables.index(ls.T_SPOTS), differences
    assert all("only in the second ledger" in line for line in differences), differences


class _Compared:
    """A value that counts how often it is compared: rows a comparison has looked at."""

    count = 0

    def __eq__(self, other):
        _Compared.count += 1
        return isinstance(other, _Compared)

    __hash__ = object.__hash__


def test_a_cancel_is_heard_within_compared_rows_per_ask_rows_of_a_long_table(tmp_path, monkeypatch):
    """A table of 2000 rows (a district's spots over a few years) is not compared to its end
    once a cancel is pressed: asked every COMPARED_ROWS_PER_ASK rows from its first, a cancel
    pressed while its first rows are compared stops the comparison within that many rows of
    the table's start."""
    from zc_enforcement_plugin.core import ledger_migrate

    rows = 2000
    original_rows = ledger_migrate.ledger_rows

    def long_spots(store, table):
        if table != ls.T_SPOTS:
            return original_rows(store, table)
        return [ls.C_FID, "value"], [(fid, _Compared()) for fid in range(rows)]

    monkeypatch.setattr(ledger_migrate, "ledger_rows", long_spots)
    monkeypatch.setattr(_Compared, "count", 0)
    with (
        ledger.GeoPackageLedger(tmp_path / "a.gpkg") as a,
        ledger.GeoPackageLedger(tmp_path / "b.gpkg") as b,
        pytest.raises(ledger.CopyCancelled),
    ):
        compare_ledgers(a, b, is_cancelled=lambda: _Compared.count >= 10)
    assert 10 <= _Compared.count <= ledger_migrate.COMPARED_ROWS_PER_ASK < rows


def test_compare_ledgers_stops_between_evidence_files_when_cancelled(tmp_path, monkeypatch):
    """Cancelled once the first evidence file is hashed (a video may take a minute), no
    other file is hashed: the comparison raises CopyCancelled."""
    from zc_enforcement_plugin.core import ledger_migrate

    source = _office_with_two_photos(tmp_path)
    target = tmp_path / "copy.gpkg"
    hashed = []
    original_digest = ledger_migrate._digest

    def digest(root, stored_path):
        hashed.append(stored_path)
        return original_digest(root, stored_path)

    with ledger.GeoPackageLedger(source) as a, ledger.GeoPackageLedger(target) as b:
        copy_ledger(a, b)
        monkeypatch.setattr(ledger_migrate, "_digest", digest)
        with pytest.raises(ledger.CopyCancelled):
            compare_ledgers(a, b, is_cancelled=lambda: bool(hashed))
    assert len(hashed) == 1, hashed
