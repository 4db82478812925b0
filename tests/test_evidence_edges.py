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
