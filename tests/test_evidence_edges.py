"""Copying evidence into the ledger's folder at its edges: a copy that does not match its
source, a colleague attaching the identical file in the same moment, and a spot number that
Windows cannot tell from another. Each test was written for a mutant that survived the suite
(named in its docstring)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil

import pytest

from zc_enforcement_plugin.core import evidence
from zc_enforcement_plugin.core.ledger import EvidenceRecord, LedgerError

PHOTO = b"\xff\xd8\xff\xe0 a site photo " + bytes(range(256))  # a JPEG head: taken as a photo


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "camera" / "IMG_0001.jpg"
    path.parent.mkdir()
    path.write_bytes(PHOTO)
    return path


def test_a_copy_that_differs_from_its_source_is_refused_and_nothing_left(
    tmp_path, photo, monkeypatch
):
    """The copy in the evidence folder is hashed before it takes its name: a copy whose bytes
    are not the source's (the source still being written by the camera's sync, a share
    dropping a block) is refused, naming the source, and neither it nor its temporary file is
    left in the spot's folder, so the ledger never points to a file that is not the one
    hashed. (Killed: E10, the copy taken unchecked.)"""
    real_copy = shutil.copy2

    def copy_altered(source, destination, **kwargs):
        copied = real_copy(source, destination, **kwargs)
        with open(destination, "ab") as handle:
            handle.write(b"a block more")
        return copied

    monkeypatch.setattr(evidence.shutil, "copy2", copy_altered)
    root = tmp_path / "evidence"
    with pytest.raises(LedgerError) as refused:
        evidence.store_evidence_in(root, "S1", photo, "photo")
    said = str(refused.value)
    assert "evidence file changed while copying" in said and str(photo) in said, said
    assert "复制时证据文件发生变化" in said, said
    assert list((root / "S1").iterdir()) == []


@pytest.mark.parametrize("hard_links", [True, False], ids=["hard-links", "share-without-links"])
def test_the_identical_file_attached_meanwhile_is_the_one_recorded(
    tmp_path, photo, monkeypatch, hard_links
):
    """Two officers attach the same photo to S1 at once: the other's copy takes the name
    IMG_0001.jpg while this one is being copied. Its bytes are this file's, so this attachment
    records that file, not a second copy under IMG_0001_2.jpg (the folder would hold the photo
    twice, and the sheets print it twice); in a folder without hard links too. (Killed: E15,
    the identical file passed over.)"""
    real_copy = shutil.copy2
    root = tmp_path / "evidence"

    def copy_while_another_attaches(source, destination, **kwargs):
        copied = real_copy(source, destination, **kwargs)
        real_copy(source, root / "S1" / "IMG_0001.jpg")  # the colleague's copy, finished
        return copied

    monkeypatch.setattr(evidence.shutil, "copy2", copy_while_another_attaches)
    if not hard_links:

        def no_links(*args, **kwargs):
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(evidence.os, "link", no_links)
    record = evidence.store_evidence_in(root, "S1", photo, "photo")
    assert record.path == "S1/IMG_0001.jpg"
    assert record.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert sorted(os.listdir(root / "S1")) == ["IMG_0001.jpg"]


def test_a_spot_number_ending_in_a_dot_gets_the_folder_windows_would_give_it(tmp_path, photo):
    """Windows drops a trailing dot from a folder name: S1. and S1 are one folder there, and a
    folder made as S1. on a share is opened as S1 by a Windows colleague. Its evidence goes
    into S1, the name every system reads alike. (Killed: E18, the dot kept.)"""
    root = tmp_path / "evidence"
    record = evidence.store_evidence_in(root, "S1.", photo, "photo")
    assert record.path == "S1/IMG_0001.jpg"
    assert sorted(os.listdir(root)) == ["S1"]
    assert (root / "S1" / "IMG_0001.jpg").read_bytes() == PHOTO


def test_a_finished_check_does_not_undo_what_the_panel_found_meanwhile(tmp_path):
    """The background check works on a copy of the panel's states; a file the panel found
    altered while the check ran stays altered when the check's results are taken."""
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"x" * 100)
    fields = {f.name: None for f in dataclasses.fields(EvidenceRecord)}
    fields.update(id=1, spot_id=1, path="a.jpg", size=100)
    fields.update(sha256=hashlib.sha256(b"x" * 100).hexdigest())
    record = EvidenceRecord(**fields)
    panel = evidence.EvidenceFileStates()
    assert panel.state(tmp_path, record) == ""
    checking = panel.copy()
    evidence.check_evidence_files(tmp_path, [record], checking)  # the check: as recorded
    photo.write_bytes(b"y" * 100)  # altered meanwhile, same size
    os.utime(photo, ns=(1, 1))
    assert panel.state(tmp_path, record) == evidence.FILE_ALTERED
    panel.take(checking)
    assert panel.last_found(tmp_path, record) == evidence.FILE_ALTERED


@pytest.fixture(params=["gpkg", "postgis"])
def any_ledger(request, tmp_path):
    """A new ledger of each kind: the folder a spot's files go to is chosen in their shared
    code, and a shared ledger's evidence folder is not beside any file."""
    from tests.postgis_fixtures import open_store
    from zc_enforcement_plugin.core.ledger import GeoPackageLedger

    if request.param == "gpkg":
        opened = GeoPackageLedger(tmp_path / "ledger.gpkg")
    else:
        pg_database = request.getfixturevalue("pg_database")
        opened = open_store(pg_database, request.getfixturevalue("schema"), tmp_path=tmp_path)
    yield opened
    opened.close()


def _spot_with_a_folder_of_the_earlier_rule(store, number: str) -> int:
    """Spot `number` whose photo p.jpg lies in evidence/<number>/, recorded there, as a ledger
    made before device names got a "_" (evidence/_CON/) has it: the folder made by hand."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core import domain
    from zc_enforcement_plugin.core import ledger_schema as ls
    from zc_enforcement_plugin.core.ledger import SpotRecord

    x, y = 39_580_000.0, 4_050_000.0
    attributes = {
        domain.SPOT_NUMBER: number,
        domain.TOWN_NAME: "太河镇",  # a town and office the demo PostGIS ledger knows
        domain.OFFICE_NAME: "太河自然资源所",
    }
    store.import_batch("b", [SpotRecord(attributes, box(x, y, x + 20, y + 20))])
    spot_id = next(s.id for s in store.spots() if s.number == number)
    folder = store.writable_evidence_dir() / number
    folder.mkdir(parents=True)
    (folder / "p.jpg").write_bytes(PHOTO)
    record = EvidenceRecord(
        ls.EVIDENCE_PHOTO, f"{number}/p.jpg", hashlib.sha256(PHOTO).hexdigest(), len(PHOTO)
    )
    store.add_evidence(spot_id, record)
    return spot_id


def test_new_evidence_goes_to_the_folder_the_spot_already_has(any_ledger, tmp_path):
    """Review: spot CON's photos lay in evidence/CON/ (recorded before the rule wrote _CON/);
    a photo attached now went to evidence/_CON/, one spot's evidence in two folders. It goes
    to CON/ beside the others; the same photo again is refused as recorded, leaving no _CON/
    behind; the check finds nothing wrong and the zip holds each file once."""
    import zipfile

    from zc_enforcement_plugin.core import export
    from zc_enforcement_plugin.ui.review_session import ReviewSession

    spot_id = _spot_with_a_folder_of_the_earlier_rule(any_ledger, "CON")
    root = any_ledger.evidence_dir
    later = tmp_path / "camera" / "q.jpg"
    later.parent.mkdir()
    later.write_bytes(PHOTO + b" later")
    again = tmp_path / "camera" / "p_copy.jpg"
    again.write_bytes(PHOTO)
    session = ReviewSession()
    session.store = any_ledger
    session.refresh()
    assert session.go_to(spot_id)

    assert session.attach_evidence(later).path == "CON/q.jpg"
    with pytest.raises(LedgerError, match="CON/p.jpg"):
        session.attach_evidence(again)
    assert sorted(p.name for p in root.iterdir()) == ["CON"]
    assert sorted(p.name for p in (root / "CON").iterdir()) == ["p.jpg", "q.jpg"]

    assert [r.path for r in any_ledger.evidence(spot_id)] == ["CON/p.jpg", "CON/q.jpg"]
    assert evidence.check_evidence_integrity(any_ledger) == []
    result = export.write_evidence_zip(tmp_path / "evidence.zip", any_ledger)
    assert (result.files, result.problems) == (2, [])
    with zipfile.ZipFile(result.path) as archive:
        members = [n for n in archive.namelist() if "/" in n]
    assert sorted(members) == ["_CON/p.jpg", "_CON/q.jpg"]


@pytest.mark.parametrize(
    ("recorded", "there", "folder"),
    [
        (["CON/p.jpg", "_CON/q.jpg"], ["CON", "_CON"], "CON"),  # split: the earlier, oldest first
        (["CON/p.jpg"], [], "_CON"),  # its folder is gone from the disk
        (["S2/p.jpg"], ["S2"], "_CON"),  # a row written by hand naming another spot's folder
        (["con/p.jpg"], ["con"], "_CON"),  # another number's folder (con is _con by the rule)
        (["../CON/p.jpg"], ["CON"], "_CON"),  # a path no file is taken from
    ],
)
def test_a_spot_keeps_only_a_folder_of_its_own_that_is_there(
    tmp_path, photo, recorded, there, folder
):
    """The folder the spot's records point to is kept only when the rule would give it to
    this spot too and it is on disk: else the rule's own folder, _CON/."""
    root = tmp_path / "evidence"
    root.mkdir()
    for name in there:
        (root / name).mkdir()
    record = evidence.store_evidence_in(root, "CON", photo, "photo", recorded)
    assert record.path == f"{folder}/{photo.name}"
