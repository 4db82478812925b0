"""The ways a write into an output folder fails, as the system raises them, with the words the
log must give each in (Chinese, English): typed here, not read from core.disk, so a message
that lost a cause's words fails the tests of every caller."""

from __future__ import annotations

import errno
import os

CAUSES = ("disk full", "read-only", "open in another program", "no permission")

SAID = {
    "disk full": ("磁盘已满", "the disk is full"),
    "read-only": ("磁盘只读", "the disk is read-only"),
    "open in another program": ("文件正被其他程序打开", "the file is open in another program"),
    "no permission": ("没有访问权限", "permission denied"),
}


def write_error(cause: str, path) -> OSError:
    """The OSError a write of `path` meets for `cause`."""
    if cause == "disk full":
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    if cause == "read-only":
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    error = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    if cause == "open in another program":
        # Windows: ERROR_SHARING_VIOLATION, raised as EACCES with its winerror (set by hand
        # here, as Python sets it on Windows only).
        error.winerror = 32
    return error


def assert_said(message: str, cause: str, name: str | None, folder) -> None:
    """`message` gives `cause` in both languages, the file `name` (None: no file) and the
    folder, that the earlier files are kept, and no path or repr the user never chose."""
    chinese, english = SAID[cause]
    assert chinese in message and english in message, message
    if name is None:
        assert f"cannot write files in {folder}" in message, message
        assert f"无法在 {folder} 中写入文件" in message, message
    else:
        assert f"cannot write {name} in {folder}" in message, message
        assert f"无法在 {folder} 中写入 {name}" in message, message
    assert "the earlier files in the folder are as they were" in message, message
    assert "文件夹中原有的文件保持原样" in message, message
    for wrong in (".zc_", ".part", "Errno", "0x", "Traceback"):
        assert wrong not in message, message
    if cause != "no permission":  # its words must not send the user after rights
        assert "permission denied" not in message, message
