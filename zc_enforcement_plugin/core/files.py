"""Files written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

# What Windows forbids in a file or folder name, or reads as a folder (\\ and /) or a drive (:).
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# Device names Windows will not create or unzip as a file or folder, in any case and with any
# extension (CON, NUL.txt, com1.jpg).
_RESERVED_NAMES = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{n}" for n in range(1, 10)),
        *(f"LPT{n}" for n in range(1, 10)),
    }
)
# What a spreadsheet takes a cell starting with as a formula (see csv_text); a name starting
# so is given a "_" first, so the paths a manifest lists never need guarding.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_NAME_BYTES = 255  # the most (UTF-8) a file system allows a file or folder name
# The most bytes (UTF-8) of a name written: file systems allow 255 a name, and an evidence
# file's temporary copy (".<name>.<random>.part") and numbered names (IMG_2.jpg) add to it.
NAME_BYTES_LIMIT = 200
_KEPT_SUFFIX_CHARACTERS = 16  # an extension longer than this is no extension worth keeping


def safe_file_name(name: str) -> str:
    """`name` (a spot number, a file's name) as a file or folder name every system can create
    and unzip: characters Windows forbids as "_", no leading or trailing space or dot, a "_"
    before a Windows device name (CON, NUL.txt) or a formula's first character (= + - @),
    and a name over NAME_BYTES_LIMIT bytes cut, ending with a short hash of the whole so that
    two long names alike up to the cut stay apart (its extension kept)."""
    cleaned = _UNSAFE_NAME.sub("_", str(name)).strip(" .") or "_"
    if cleaned.startswith(FORMULA_STARTS) or cleaned.split(".")[0].rstrip(" ").upper() in (
        _RESERVED_NAMES
    ):
        cleaned = "_" + cleaned
    if len(cleaned.encode("utf-8")) <= NAME_BYTES_LIMIT:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) > _KEPT_SUFFIX_CHARACTERS:
        stem, suffix = cleaned, ""
    tail = (
        "~"
        + hashlib.sha256(cleaned.encode("utf-8")).hexdigest()[:10]
        + (dot + suffix if suffix else "")
    )
    room = NAME_BYTES_LIMIT - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return cut.rstrip(" .") + tail


def numbered_name(name: str, n: int) -> str:
    """The n-th name for files that would share `name` (a safe file name): `name` itself for
    the first, then IMG_2.jpg, IMG_3.jpg, …, the number before the extension. One rule for a
    spot folder's files and the evidence zip's members, so a zip member reads like the file."""
    if n == 1:
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    return f"{stem}_{n}{suffix}"


def csv_text(value):
    """`value` as a CSV cell Excel and LibreOffice show as text rather than run: a text
    starting as a formula does (FORMULA_STARTS, OWASP's CSV injection) gets a leading ',
    which they show as text. Anything but a text is returned as it is: numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class replacing:  # noqa: N801 - used as a context manager, like open()
    """A temporary path beside `path`, renamed onto it when the block succeeds, else removed.

    A reader (or a file manager's preview) never sees half a file, and a failed or cancelled
    export leaves the previous file in place. When the rename fails (on Windows, a file open
    in Excel cannot be replaced) the temporary goes too and the OSError is raised: a hidden
    `.name.part` left beside the file would be a second copy nobody asked for.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.part")

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.temporary

    def __exit__(self, kind, *_):
        if kind is None:
            try:
                os.replace(self.temporary, self.path)
            except OSError:
                self.temporary.unlink(missing_ok=True)
                raise
        else:
            self.temporary.unlink(missing_ok=True)
        return False
