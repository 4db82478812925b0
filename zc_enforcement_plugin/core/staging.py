"""Files written into a hidden staging folder inside the output folder, moved into place whole
(publish), and what a run killed part way left there set right by the next one. Used by the
export's package and by the reports' workbook and PDF alike."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from . import clock

# The folders files are written into before they are moved: the export's package, a report's
# workbook and PDF. Both are set right by the next run of either into the folder.
EXPORT_PREFIX = ".zc_export_"
REPORT_PREFIX = ".zc_report_"
STAGING_PREFIXES = (EXPORT_PREFIX, REPORT_PREFIX)
EARLIER_FOLDER = "earlier"  # inside the staging folder: the earlier files set aside while moving
# Inside the staging folder, never moved into place: the lock its export holds while it runs,
# and the names it is moving in, written before the first file is set aside.
LOCK_NAME = ".lock"
JOURNAL_NAME = ".publishing"
# A staging folder with no lock file is either from before locks were written, or one being
# made this instant (between mkdtemp and its lock): left alone while this young.
LOCKLESS_GRACE_SECONDS = 60
# In the output folder, while files are moved into it or a killed run's are set right: two runs
# publishing into one folder at once (two machines, one shared folder) would otherwise mix their
# files, one's GeoPackage beside the other's XLSX. A run waits this long for the other's moves.
PUBLISH_LOCK_NAME = ".zc_publishing.lock"
PUBLISH_LOCK_WAIT_SECONDS = 30

# The locks this process holds, by staging folder, until discard_staging.
_held: dict[Path, IO[bytes]] = {}


def _lock(path: Path) -> IO[bytes] | None:
    """An exclusive OS lock on the file `path` (made if missing), or None when another process
    (or another export in this one) holds it.

    Why an OS lock and not a marker file with a process id: the system releases the lock when
    its process ends, however it ends (killed, QGIS crashed, the machine restarted), and it
    holds across machines on a shared folder, where a process id means nothing; a marker's id
    may also be taken by a new process. flock and msvcrt.locking conflict between two opens of
    the file even in one process."""
    handle = open(path, "a+b")  # noqa: SIM115 - held open until discard_staging
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def make_staging(folder: Path, prefix: str) -> Path:
    """A new staging folder (`prefix`…) in `folder`, locked by this process until
    discard_staging."""
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    try:
        handle = _lock(staging / LOCK_NAME)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if handle is None:  # nobody else knows the folder yet: cannot happen, but never unlocked
        shutil.rmtree(staging, ignore_errors=True)
        raise OSError(f"cannot lock {staging / LOCK_NAME}")
    _held[staging] = handle
    return staging


def package_names(staging: Path) -> list[str]:
    """The names of the package's files still in `staging`, in the order they are moved."""
    own = {LOCK_NAME, JOURNAL_NAME, EARLIER_FOLDER}
    return sorted(path.name for path in staging.iterdir() if path.name not in own)


def begin_publish(staging: Path, names: list[str]) -> Path:
    """Write down the names being moved in (whole, by a rename) and make the folder the earlier
    files go aside into: from here an export killed can be undone by the next (set_right)."""
    journal = staging / JOURNAL_NAME
    partial = staging / f"{JOURNAL_NAME}.part"
    partial.write_text("\n".join(names) + "\n", "utf-8")
    partial.replace(journal)
    aside = staging / EARLIER_FOLDER
    aside.mkdir(exist_ok=True)  # left empty by an attempt that failed and was undone
    return aside


def publish(staging: Path, folder: Path, removing: Sequence[Path] = ()) -> None:
    """Move every file of `staging` into `folder`, each replacing the file of its name there,
    and take away the files `removing` of `folder` (an earlier run's files this one has none
    of).

    All or nothing: the names are written down (begin_publish), the earlier files set aside
    into EARLIER_FOLDER, then the new ones moved in. A file that cannot be moved (open in Excel
    or a PDF reader on Windows) undoes it all, so the folder keeps the earlier files whole,
    never half of each; the OSError raised names that file of `folder`. A run killed part way
    is set right by the next (recover_interrupted)."""
    names = package_names(staging)
    going = [folder / name for name in names] + list(removing)
    for path in going:
        # A folder of the file's name is not a file of an earlier run: set aside, it would be
        # removed with the staging folder, and what the user keeps in it with it.
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    with publishing_into(folder):
        try:
            aside = begin_publish(staging, names)
            for path in going:
                if path.exists():
                    _move(path, aside / path.name, named=path)
            for name in names:
                _move(staging / name, folder / name, named=folder / name)
        except OSError:
            # Should a file not go back, discard_staging tries again and else keeps the staging
            # folder, the earlier files in it, for the next run to put back.
            with contextlib.suppress(OSError):
                undo_publish(staging, folder, names)
            raise
        # Done: what was set aside, and the journal last, go now, so that discarding the staging
        # folder finds no publish half done to set right (and says none).
        with contextlib.suppress(OSError):
            shutil.rmtree(aside)
            (staging / JOURNAL_NAME).unlink()


@contextlib.contextmanager
def publishing_into(folder: Path):
    """Hold the output folder's publish lock (PUBLISH_LOCK_NAME) for the block, waiting up to
    PUBLISH_LOCK_WAIT_SECONDS for another run's; an OSError (EBUSY) naming the lock file when
    it does not come. The lock file is removed while still held, and a lock taken on a file
    already removed (by the run before) is taken again on the new one: so two runs never
    each hold a lock of their own file."""
    path = folder / PUBLISH_LOCK_NAME
    deadline = time.monotonic() + PUBLISH_LOCK_WAIT_SECONDS
    while True:
        handle = _lock(path)
        if handle is not None:
            try:
                current = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
            except OSError:
                current = False
            if current:
                break
            handle.close()
        if time.monotonic() > deadline:
            raise OSError(
                errno.EBUSY, "another run is moving its files into this folder", str(path)
            )
        time.sleep(0.2)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # Windows removes no file held open: the next run reuses it
        handle.close()


def _move(source: Path, target: Path, named: Path) -> None:
    """Rename source to target; an OSError names `named`, the file of the output folder."""
    try:
        source.replace(target)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(named)) from error


def _journal_names(staging: Path) -> list[str]:
    """The names the export was moving in; for a staging folder from before journals, the
    names it can tell: those still in it and those set aside (every one it moves in was set
    aside first where the folder had one)."""
    journal = staging / JOURNAL_NAME
    if journal.is_file():
        return [line for line in journal.read_text("utf-8").splitlines() if line]
    aside = staging / EARLIER_FOLDER
    return sorted(set(package_names(staging)) | {path.name for path in aside.iterdir()})


def undo_publish(staging: Path, folder: Path, names: list[str]) -> tuple[list[str], list[str]]:
    """Put `folder` back as it was before publishing began: the new files moved in go back into
    `staging` first, then the earlier ones come back from EARLIER_FOLDER. In that order a
    second undo (after this one was killed) sees every new file back in staging, and so never
    takes an earlier file just restored for a new one. (taken back, restored), by name."""
    taken_back, restored = [], []
    for name in names:
        if not (staging / name).exists() and (folder / name).exists():
            (folder / name).replace(staging / name)
            taken_back.append(name)
    aside = staging / EARLIER_FOLDER
    for path in sorted(aside.iterdir()) if aside.is_dir() else []:
        path.replace(folder / path.name)
        restored.append(path.name)
    return taken_back, restored


def set_right(staging: Path) -> list[str]:
    """Finish or undo what the export of `staging` (no longer running) left half done in its
    output folder, as messages for the log; [] when it had not begun moving files in.

    Which state is whole: every new file moved in means the new package is whole in the folder
    (the export was killed after its last rename), and the earlier files set aside are what it
    replaced; any new file still in staging means the folder holds part of each, and the earlier
    package, whole in EARLIER_FOLDER and the folder together, is put back, as a failed export
    leaves it."""
    folder = staging.parent
    aside = staging / EARLIER_FOLDER
    if not aside.is_dir():
        return []  # killed while writing its files: the folder was not touched
    names = _journal_names(staging)
    if names and not any((staging / name).exists() for name in names):
        replaced = ", ".join(sorted(path.name for path in aside.iterdir())) or "-"
        return [
            f"{folder} 中一次被中断的导出（{staging.name}）已将新文件全部移入：保留新文件，"
            f"删除其替换下的旧文件 {replaced} / an export into {folder} ({staging.name}) was "
            f"interrupted just after moving its whole package in: kept, and the earlier files "
            f"it replaced ({replaced}) removed"
        ]
    taken_back, restored = undo_publish(staging, folder, names)
    if not taken_back and not restored:
        return []
    return [
        f"{folder} 中一次导出（{staging.name}）在移入文件时被中断：已恢复此前的文件 "
        f"{', '.join(restored) or '-'}，移除了已移入的新文件 {', '.join(taken_back) or '-'} / "
        f"an export into {folder} ({staging.name}) was interrupted while moving its package "
        f"in: the earlier files {', '.join(restored) or '-'} are back, the new files it had "
        f"moved in ({', '.join(taken_back) or '-'}) removed"
    ]


def _empty_but_lock(staging: Path) -> None:
    """Remove all `staging` holds but its lock file: Windows removes no file held open."""
    for path in staging.iterdir():
        if path.name == LOCK_NAME:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def discard_staging(staging: Path) -> list[str]:
    """Remove this process's staging folder, having first put right what a publish stopped
    part way left (set_right); what could not be done, as messages. A staging folder whose
    earlier files could not be put back is kept, for the next export to try again: they are
    the only copy."""
    handle = _held.pop(staging, None)
    try:
        with publishing_into(staging.parent):
            messages = set_right(staging)
        _empty_but_lock(staging)
    except OSError as error:
        if handle is not None:
            handle.close()
        return [_not_removed(staging, error)]
    if handle is not None:
        handle.close()
    shutil.rmtree(staging, ignore_errors=True)
    return messages


def _not_removed(staging: Path, error: OSError) -> str:
    return (
        f"未能清理临时文件夹 {staging}（{error.strerror or error}），下次导出到该文件夹时会再试 / "
        f"could not clear the staging folder {staging} ({error.strerror or error}); the next "
        "export into the folder tries again"
    )


def recover_interrupted(folder: Path) -> list[str]:
    """Set right and remove the staging folders in `folder` that exports killed part way left
    (QGIS closed, the machine off): messages for the log naming what was restored or removed.
    A staging folder whose lock another process holds is an export running now: not touched."""
    try:
        found = [
            path
            for path in folder.iterdir()
            if path.name.startswith(STAGING_PREFIXES) and path.is_dir() and not path.is_symlink()
        ]
    except OSError:
        return []  # an output folder not made yet, or not readable: staging_folder says so
    messages = []
    for staging in sorted(found):
        if staging in _held:
            continue
        lock = staging / LOCK_NAME
        handle = None
        try:
            if lock.exists():
                handle = _lock(lock)
                if handle is None:
                    continue  # an export running now, here or on another machine
            elif clock.now_utc().timestamp() - staging.stat().st_mtime < LOCKLESS_GRACE_SECONDS:
                continue
            with publishing_into(folder):
                messages += set_right(staging)
            _empty_but_lock(staging)
        except OSError as error:
            messages.append(_not_removed(staging, error))
            continue
        finally:
            if handle is not None:
                handle.close()
        shutil.rmtree(staging, ignore_errors=True)
        messages.append(
            f"已删除 {folder} 中一次被中断的导出留下的临时文件夹 {staging.name} / removed "
            f"{staging.name}, the staging folder an interrupted export left in {folder}"
        )
    return messages
