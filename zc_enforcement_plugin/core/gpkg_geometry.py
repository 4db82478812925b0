"""The GeoPackage geometry blob (GeoPackage 1.3 §2.1.3), written by the ledger and read by the
ledger and by screening's R-tree reader.

Layout: "GP", version, flags, srs_id (4 bytes), an envelope whose size the flags give, then
standard WKB. Flags: bit 0 byte order (1 little-endian), bits 1-3 envelope kind, bit 4 empty
geometry, bit 5 "extended" (not standard WKB; refused here).
"""

from __future__ import annotations

import struct

import shapely
from shapely.geometry.base import BaseGeometry

ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
EMPTY_FLAG = 0b00010000
EXTENDED_FLAG = 0b00100000


class GeometryBlobError(ValueError):
    """A blob that is not a standard GeoPackage geometry."""


def encode(geom: BaseGeometry | None, srs_id: int) -> bytes | None:
    """GeoPackage binary: 'GP', version 0, flags, srs_id, xy envelope, then little-endian WKB."""
    if geom is None:
        return None
    wkb = shapely.to_wkb(geom, byte_order=1)
    if geom.is_empty:
        # flags: empty (bit 4), no envelope, little-endian
        return b"GP" + bytes([0, EMPTY_FLAG | 1]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = geom.bounds
    # flags: envelope [minx, maxx, miny, maxy] (indicator 1 in bits 1-3), little-endian (bit 0)
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srs_id)
    return header + struct.pack("<4d", minx, maxx, miny, maxy) + wkb


def header(blob: bytes) -> tuple[int, int, str]:
    """(srs_id, header length, struct byte order) of a GeoPackage geometry blob."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryBlobError("not a GeoPackage geometry blob (no 'GP' magic)")
    flags = blob[3]
    if flags & EXTENDED_FLAG:
        raise GeometryBlobError("extended GeoPackage geometry blob (not standard WKB)")
    order = "<" if flags & 1 else ">"
    envelope = (flags >> 1) & 0b111
    if envelope not in ENVELOPE_BYTES:
        raise GeometryBlobError(f"GeoPackage geometry blob with invalid envelope kind {envelope}")
    (srs_id,) = struct.unpack(order + "i", blob[4:8])
    return srs_id, 8 + ENVELOPE_BYTES[envelope], order


def wkb(blob: bytes) -> bytes:
    """The standard WKB inside a blob."""
    return bytes(blob[header(blob)[1] :])


def is_flagged_empty(blob: bytes) -> bool:
    return bool(blob[3] & EMPTY_FLAG)


def decode(blob: bytes | None) -> BaseGeometry | None:
    if blob is None:
        return None
    return shapely.from_wkb(wkb(bytes(blob)))


def envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) from the blob header, without parsing the WKB."""
    _, length, order = header(blob)
    if length < 40:
        return None
    minx, maxx, miny, maxy = struct.unpack(order + "4d", blob[8:40])
    return minx, miny, maxx, maxy
