"""What a failed write says: the cause of an OSError in both languages; is the disk full."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

# The errors a user can act on, in the words a message gives them; any other keeps the system's.
_CAUSES = {
    errno.ENOSPC: ("磁盘已满", "the disk is full"),
    errno.EFBIG: ("文件超过该磁盘允许的大小", "the file is larger than the disk allows"),
    errno.EROFS: ("磁盘只读", "the disk is read-only"),
    errno.EACCES: ("没有访问权限", "permission denied"),
    errno.EPERM: ("没有访问权限", "permission denied"),
}
# Not every system names it (Windows has no EDQUOT).
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_CAUSES[getattr(errno, "EDQUOT", errno.ENOSPC)] = _CAUSES[errno.ENOSPC]
# What disk_full tries to write: GDAL and SQLite fail on a full disk with messages that do not
# say so ("no such table: gpkg_geometry_columns"), so the disk itself is asked.
PROBE_BYTES = 64 * 1024


# Windows refuses a file another program holds open (Excel, a PDF reader, WPS) with
# ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION, raised as errno EACCES: told apart by its
# winerror, as "permission denied" would send the user after rights they have.
_OPEN_ELSEWHERE_WINERRORS = {32, 33}
OPEN_ELSEWHERE = (
    "文件正被其他程序打开（如 Excel、PDF 阅读器）",
    "the file is open in another program",
)


def write_cause(error: OSError) -> tuple[str, str]:
    """Why `error`'s write failed, as (Chinese, English); never a Python object's repr."""
    if getattr(error, "winerror", None) in _OPEN_ELSEWHERE_WINERRORS:
        return OPEN_ELSEWHERE
    if error.errno in _CAUSES:
        return _CAUSES[error.errno]
    said = error.strerror or error.__class__.__name__
    return said, said


def disk_full(folder: str | os.PathLike) -> bool:
    """Whether `folder`'s disk refuses a small file for want of space (or quota): what a write
    that failed without an errno (a GDAL driver, a Qt exporter) most often met."""
    try:
        with tempfile.TemporaryFile(dir=Path(folder)) as probe:
            probe.write(b"\0" * PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return error.errno in _FULL
    return False
