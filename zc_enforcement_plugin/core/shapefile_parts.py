"""Is each file of a Shapefile as long as its header says: a copy cut short (a USB stick pulled,
a mail attachment limit, a download stopped) is otherwise read without a word. GDAL reads a
.dbf cut in half as a layer of half the features (the others are gone: 148 of 300 spots
screened and imported), and a .shp cut short as features without geometry, each kept with a
zero area. The headers tell exactly: the .shp and .shx give their own length, the .dbf its
record count, header length and record length.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SHAPES, INDEX, ATTRIBUTES = ".shp", ".shx", ".dbf"


@dataclass(frozen=True)
class CutShort:
    file: Path
    part: str  # SHAPES, INDEX or ATTRIBUTES
    expected: int  # bytes the header says the file has
    actual: int  # bytes it has
    records: int | None = None  # features a .dbf's header counts
    readable: int | None = None  # of them, those whole in the file


def cut_short(shp: Path) -> CutShort | None:
    """The first file of the Shapefile `shp` (its .shp, .shx and .dbf, those there) shorter
    than its header says; None when each is whole or has no header to tell by (a file that is
    no Shapefile part is refused elsewhere)."""
    for part in (SHAPES, INDEX):
        file = shp if part == SHAPES else side_file(shp, part)
        head = _head(file, 28) if file is not None else None
        if head is None or struct.unpack(">i", head[:4])[0] != 9994:
            continue
        expected = 2 * struct.unpack(">i", head[24:28])[0]  # in 16-bit words
        actual = file.stat().st_size
        if actual < expected:
            return CutShort(file, part, expected, actual)
    file = side_file(shp, ATTRIBUTES)
    head = _head(file, 12) if file is not None else None
    if head is None:
        return None
    records, header_length, record_length = struct.unpack("<IHH", head[4:12])
    expected = header_length + records * record_length
    actual = file.stat().st_size
    if actual < expected and record_length > 0:
        readable = max(0, (actual - header_length) // record_length)
        return CutShort(file, ATTRIBUTES, expected, actual, records, readable)
    return None


def side_file(shp: Path, suffix: str) -> Path | None:
    """A Shapefile's side file (.shx, .dbf, .cpg …) in the case GDAL looks for it in (.dbf,
    else .DBF); None when there is none."""
    for candidate in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def _head(file: Path, size: int) -> bytes | None:
    try:
        with file.open("rb") as handle:
            head = handle.read(size)
    except OSError:
        return None
    return head if len(head) == size else None
