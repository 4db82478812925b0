"""core.files: a file replaced whole or not at all; core.staging: files published together or
not at all. A file that cannot be replaced (Windows: open in Excel or a PDF reader) is stood in
for by os.replace refusing it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zc_enforcement_plugin.core import files
from zc_enforcement_plugin.core import staging as staging_files


def refusing(monkeypatch, locked: Path) -> None:
    """os.replace refuses to move `locked` away or anything over it, as Windows does a file
    another program holds open."""
    plain = os.replace

    def replace(source, target, *args, **kwargs):
        if locked in (Path(source), Path(target)):
            raise PermissionError(13, "Permission denied", str(locked))
        return plain(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_a_file_that_cannot_be_replaced_leaves_no_temporary_behind(tmp_path, monkeypatch):
    path = tmp_path / "monthly_ranking_2026-11.xlsx"
    path.write_bytes(b"earlier")
    refusing(monkeypatch, path)
    with pytest.raises(PermissionError), files.replacing(path) as temporary:
        temporary.write_bytes(b"new")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no .….xlsx.part
    assert path.read_bytes() == b"earlier"


def test_files_are_published_together_or_not_at_all(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    staging = folder / ".staging"
    staging.mkdir(parents=True)
    for name in ("a.xlsx", "a.pdf", "old.shx"):
        (folder / name).write_bytes(b"earlier " + name.encode())
    for name in ("a.xlsx", "a.pdf"):
        (staging / name).write_bytes(b"new " + name.encode())
    earlier = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    refusing(monkeypatch, folder / "a.xlsx")
    with pytest.raises(OSError) as raised:
        staging_files.publish(staging, folder, removing=[folder / "old.shx"])
    assert raised.value.filename == str(folder / "a.xlsx")  # the file of the folder, named
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == earlier

    monkeypatch.undo()
    staging_files.publish(staging, folder, removing=[folder / "old.shx"])
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == {
        "a.xlsx": b"new a.xlsx",
        "a.pdf": b"new a.pdf",
    }


def test_a_folder_of_a_files_name_is_never_set_aside(tmp_path):
    """Set aside into the staging folder, a folder named like the report's PDF would go with
    it, and what it holds: it stops the publishing instead, naming it, nothing moved."""
    folder = tmp_path / "reports"
    staging = folder / ".staging"
    staging.mkdir(parents=True)
    (staging / "a.xlsx").write_bytes(b"new")
    (staging / "a.pdf").write_bytes(b"new")
    (folder / "a.pdf").mkdir()
    (folder / "a.pdf" / "kept.txt").write_text("the user's", encoding="utf-8")
    with pytest.raises(IsADirectoryError) as raised:
        staging_files.publish(staging, folder)
    assert raised.value.filename == str(folder / "a.pdf")
    assert (folder / "a.pdf" / "kept.txt").read_text(encoding="utf-8") == "the user's"
    assert sorted(p.name for p in folder.iterdir()) == [".staging", "a.pdf"]
