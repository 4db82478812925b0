"""When and where a photo, video or recording was made, as the file itself says: a photo's EXIF
(JPEG, and a HEIC/HEIF's EXIF item), a video's or recording's movie header and location (MP4,
MOV, 3GP, M4A). Standard library only, so it reads in any QGIS Python.

The file's own modification time is no record of the day: copying a video off a phone (by
cable, WeChat, a share) gives it the day it was copied, and the day decides whether a case
step has its evidence (evidence.evidence_day).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import struct
from dataclasses import dataclass
from typing import Any, Callable

from . import clock
from .clock import in_china_time


@dataclass
class CaptureInfo:
    # ISO: the camera's clock time, with its offset where the file gives one (a photo's EXIF
    # may); a phone's video or recording in Beijing time with +08:00 (read_recording_metadata)
    taken_at: str | None = None
    lon: float | None = None
    lat: float | None = None


def shown_time(taken_at: str) -> str:
    """A recorded capture time as a reader expects it (2026-11-10 00:20:00): a space for the
    ISO T, and no offset when it is Beijing's, the panel's time; another offset is kept."""
    shown = taken_at.replace("T", " ", 1)
    return shown.removesuffix("+08:00")


def shown_moment(taken_at: str) -> dt.datetime | str:
    """A recorded capture time as a sheet's cell holds it: the moment shown_time shows, as a
    date and time, where it shows no offset (Beijing's, or the camera's clock that gave none);
    else shown_time's text, its offset kept, as a cell has no zone to put it in. A text that
    is no ISO time is given back as written."""
    shown = shown_time(taken_at)
    try:
        moment = dt.datetime.fromisoformat(shown)
    except ValueError:
        return taken_at
    return shown if moment.tzinfo is not None else moment


_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME = 0x0132
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_OFFSET_TIME_ORIGINAL = 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}


def read_photo_exif(path: str | os.PathLike) -> CaptureInfo:
    """EXIF time and GPS of a JPEG or a HEIC/HEIF photo (an iPhone's); empty for any other file
    and for one that carries none."""
    with open(path, "rb") as handle:
        head = handle.read(12)
        handle.seek(0)
        if head[4:8] == b"ftyp":
            return _read_heif_exif(handle)
        # EXIF sits in APP1 right after SOI; 256 KB covers it in any camera file.
        return parse_jpeg_exif(handle.read(256 * 1024))


def parse_jpeg_exif(data: bytes) -> CaptureInfo:
    if data[:2] != b"\xff\xd8":
        return CaptureInfo()
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no EXIF after this
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            return _parse_exif_tiff(segment[6:])
        position += 2 + length
    return CaptureInfo()


def _parse_exif_tiff(tiff: bytes) -> CaptureInfo:
    """The EXIF of a TIFF header and its IFDs (as JPEG's APP1 and HEIF's Exif item hold it)."""
    try:
        return _parse_tiff(tiff)
    except (struct.error, IndexError, ValueError, ZeroDivisionError, TypeError, KeyError):
        return CaptureInfo()  # damaged EXIF: the photo is still evidence, without metadata


# HEIF (ISO base media file format): the EXIF is an item of type 'Exif' listed in the 'meta'
# box's 'iinf', found through 'iloc' where its bytes lie (in 'mdat', or in 'idat').
_HEIF_META_LIMIT = 4 << 20  # a HEIC's meta box is a few KB (the item list of a photo's tiles)
_HEIF_EXIF_LIMIT = 1 << 20  # 64 KB at most in a JPEG; no rule in HEIF, so a bound of our own


def _boxes(data: bytes, start: int = 0, end: int | None = None):
    """(type, payload start, payload end) of the boxes laid one after another in data."""
    end = len(data) if end is None else end
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[position + 8 : position + 16])
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            return
        yield kind, position + header, position + size
        position += size


def _boxes_in_file(handle, start: int, end: int):
    """(type, payload start, payload end) of the boxes laid one after another in an open file
    between `start` and `end`, read by their headers alone: an mdat may be gigabytes."""
    position = start
    while position + 8 <= end:
        handle.seek(position)
        header = handle.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        skip = 8
        if size == 1:
            if len(header) < 16:
                return
            (size,) = struct.unpack(">Q", header[8:16])
            skip = 16
        elif size == 0:  # to the end of the file
            size = end - position
        if size < skip or position + size > end:
            return  # damaged, or cut short (a recording that never finished)
        yield kind, position + skip, position + size
        position += size


def _read_heif_exif(handle) -> CaptureInfo:
    """The EXIF of a HEIF file open at its start; empty when it has none or is damaged."""
    for kind, start, end in _boxes_in_file(handle, 0, handle.seek(0, os.SEEK_END)):
        if kind != b"meta":
            continue
        if end - start > _HEIF_META_LIMIT:
            return CaptureInfo()
        handle.seek(start)
        meta = handle.read(end - start)
        try:
            return _heif_exif_from_meta(handle, meta)
        except (struct.error, IndexError, ValueError, OSError):
            return CaptureInfo()
    return CaptureInfo()


def _heif_exif_from_meta(handle, meta: bytes) -> CaptureInfo:
    children = {kind: (start, end) for kind, start, end in _boxes(meta, 4)}  # 4: version, flags
    if b"iinf" not in children or b"iloc" not in children:
        return CaptureInfo()
    exif_items = _heif_items_of_type(meta, *children[b"iinf"], b"Exif")
    for item_id, method, extents in _heif_locations(meta, *children[b"iloc"]):
        if item_id not in exif_items:
            continue
        # The limit holds for the item whole, not per extent: a damaged or hostile file may
        # list thousands of 1 MB extents, which read each in full took minutes and gigabytes.
        parts: list[bytes] = []
        allowed = _HEIF_EXIF_LIMIT
        for offset, length in extents:
            if allowed <= 0:
                break
            if method == 0:  # in the file
                handle.seek(offset)
                part = handle.read(min(length, allowed))
            elif method == 1 and b"idat" in children:  # in the meta box's own idat
                start, end = children[b"idat"]
                part = meta[start + offset : min(start + offset + min(length, allowed), end)]
            else:
                continue
            parts.append(part)
            allowed -= len(part)
        payload = b"".join(parts)
        # 4 bytes: where the TIFF header starts after them (past an "Exif\0\0" most write)
        (skip,) = struct.unpack(">I", payload[:4])
        return _parse_exif_tiff(payload[4 + skip :])
    return CaptureInfo()


def _heif_items_of_type(meta: bytes, start: int, end: int, wanted: bytes) -> set[int]:
    """The ids of the items of type `wanted` in an 'iinf' box (its 'infe' entries, version 2+:
    earlier versions carry no item type, and no camera writes them for EXIF)."""
    version = meta[start]
    first = start + (8 if version else 6)  # version/flags, then a 32- or 16-bit entry count
    found = set()
    for kind, entry, _entry_end in _boxes(meta, first, end):
        if kind != b"infe" or meta[entry] < 2:
            continue
        if meta[entry] == 2:
            (item_id,) = struct.unpack(">H", meta[entry + 4 : entry + 6])
            item_type = meta[entry + 8 : entry + 12]
        else:
            (item_id,) = struct.unpack(">I", meta[entry + 4 : entry + 8])
            item_type = meta[entry + 10 : entry + 14]
        if item_type == wanted:
            found.add(item_id)
    return found


def _heif_locations(meta: bytes, start: int, end: int):
    """(item id, construction method, [(offset, length), …]) of each item in an 'iloc' box."""

    def number(size: int) -> int:
        nonlocal at
        value = int.from_bytes(meta[at : at + size], "big") if size else 0
        at += size
        return value

    version = meta[start]
    at = start + 4
    sizes = number(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 0xF
    base_size, index_size = (sizes >> 4) & 0xF, (sizes & 0xF if version in (1, 2) else 0)
    count = number(2 if version < 2 else 4)
    for _ in range(count):
        if at >= end:
            return
        item_id = number(2 if version < 2 else 4)
        method = number(2) & 0xF if version in (1, 2) else 0
        number(2)  # data reference index: 0, this file
        base = number(base_size)
        extents = []
        for _ in range(number(2)):
            if at >= end:  # more extents counted than the box holds: damaged
                return
            number(index_size)
            extents.append((base + number(offset_size), number(length_size)))
        yield item_id, method, extents


def _read_ifd(tiff: bytes, offset: int, order: str) -> dict[int, Any]:
    if offset <= 0 or offset + 2 > len(tiff):
        return {}
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    values: dict[int, Any] = {}
    for entry in range(count):
        start = offset + 2 + 12 * entry
        if start + 12 > len(tiff):
            break
        tag, kind, number = struct.unpack(order + "HHI", tiff[start : start + 8])
        size = _TYPE_SIZES.get(kind)
        if size is None:
            continue
        length = size * number
        if length <= 4:
            raw = tiff[start + 8 : start + 8 + length]
        else:
            (pointer,) = struct.unpack(order + "I", tiff[start + 8 : start + 12])
            raw = tiff[pointer : pointer + length]
            if len(raw) < length:
                continue
        if kind == 2:
            values[tag] = raw.split(b"\x00")[0].decode("ascii", "replace").strip()
        elif kind in (1, 7):
            values[tag] = raw
        elif kind in (3, 4, 9):
            code = {3: "H", 4: "I", 9: "i"}[kind]
            values[tag] = struct.unpack(order + code * number, raw)
        else:  # rationals: numerator / denominator pairs
            code = "I" if kind == 5 else "i"
            pairs = struct.unpack(order + code * (2 * number), raw)
            values[tag] = tuple(
                pairs[i] / pairs[i + 1] if pairs[i + 1] else math.nan
                for i in range(0, len(pairs), 2)
            )
    return values


def _exif_time(text: Any, offset: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other blanks cameras write
    iso = moment.isoformat()
    if isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-":
        iso += offset
    return iso


def _degrees(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3 or not isinstance(ref, str) or not ref:
        return None  # without its N/S or E/W reference the sign of a coordinate is unknown
    degrees = value[0] + value[1] / 60.0 + value[2] / 3600.0
    if not math.isfinite(degrees) or degrees > limit:
        return None
    return -degrees if ref.upper().startswith(negative) else degrees


def _parse_tiff(tiff: bytes) -> CaptureInfo:
    if tiff[:2] == b"II":
        order = "<"
    elif tiff[:2] == b"MM":
        order = ">"
    else:
        return CaptureInfo()
    magic, first = struct.unpack(order + "HI", tiff[2:8])
    if magic != 42:
        return CaptureInfo()
    main = _read_ifd(tiff, first, order)
    exif = _read_ifd(tiff, main[_EXIF_IFD][0], order) if _EXIF_IFD in main else {}
    gps = _read_ifd(tiff, main[_GPS_IFD][0], order) if _GPS_IFD in main else {}
    taken = (
        _exif_time(exif.get(_DATETIME_ORIGINAL), exif.get(_OFFSET_TIME_ORIGINAL))
        or _exif_time(exif.get(_DATETIME_DIGITIZED), None)
        or _exif_time(main.get(_DATETIME), None)
    )
    lat = _degrees(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S", 90.0)
    lon = _degrees(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W", 180.0)
    if lat is None or lon is None:
        lat = lon = None
    return CaptureInfo(taken, lon, lat)


# Videos and recordings (MP4, MOV, 3GP, M4A: the ISO base media file format). The time is the
# movie header's creation time, or, first, the time with its offset an iPhone states in its
# metadata; the position is an Android phone's ©xyz, a 3GPP 'loci' box, or an iPhone's location
# key. The header's time is UTC by the MP4 format, and phones write it so; but QuickTime leaves
# its zone open, and a body camera (执法记录仪) or a drone writes the clock time it shows, as a
# camera writes EXIF. Read as UTC, its 20:00 was 04:00 the next day. So it is taken as UTC only
# from a file a phone's own recorder wrote (_PHONE_KEYS: Apple's and Android's metadata keys),
# and otherwise as the clock time it is, as a photo's EXIF time is.
_MOVIE_EPOCH = dt.datetime(1904, 1, 1)
# A camera whose clock was never set writes 1904 or 1970: no day a field visit was made.
_EARLIEST_CAPTURE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# udta and meta hold a few hundred bytes of tags, never the media: a bound on all read of them
_MOVIE_META_LIMIT = 1 << 20
_APPLE_CREATED = "com.apple.quicktime.creationdate"
_APPLE_LOCATION = "com.apple.quicktime.location.ISO6709"
_PHONE_KEYS = ("com.apple.quicktime.", "com.android.")
# MP4, MOV, M4A, 3GP, HEIC: a box list opening with 'ftyp' (an old QuickTime movie with its
# 'moov', 'mdat', 'wide' or 'free' box first); evidence sniffs a file's content by it too
ISO_BMFF_FIRST_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
# What a damaged part of a file raises as it is read: that part is then not known, the rest is.
_DAMAGED = (struct.error, IndexError, ValueError, OverflowError, UnicodeDecodeError)


def read_recording_metadata(path: str | os.PathLike) -> CaptureInfo:
    """The time (ISO) and position a video or recording was made, from an MP4, MOV, 3GP or M4A
    file; empty for any other file, one that says neither, or a damaged one (the file is still
    evidence, without them). The time is Beijing time with its offset when a phone wrote the
    file (or the file states its own offset), else the camera's clock time without one."""
    with open(path, "rb") as handle:
        return _read_movie(handle)


def _read_movie(handle) -> CaptureInfo:
    """read_recording_metadata of a file open at its start."""
    if handle.read(8)[4:8] not in ISO_BMFF_FIRST_BOXES:
        return CaptureInfo()
    try:
        return _movie_capture(handle, handle.seek(0, os.SEEK_END))
    except (*_DAMAGED, OSError):  # the boxes themselves damaged: nothing known
        return CaptureInfo()


def _part(read: Callable[[Any], Any], value: Any) -> Any:
    """read(value), or None when that part of the file is damaged: a position box cut short
    must not lose the time beside it, nor the other way round."""
    if value is None:
        return None
    try:
        return read(value)
    except _DAMAGED:
        return None


def _movie_capture(handle, size: int) -> CaptureInfo:
    top = _boxes_in_file(handle, 0, size)
    movie = next(((start, end) for kind, start, end in top if kind == b"moov"), None)
    if movie is None:
        return CaptureInfo()
    created: dt.datetime | None = None
    tags: dict[str, str] = {}  # Apple's or Android's metadata keys, in moov or in its udta
    position: tuple[float, float] | None = None
    allowed = _MOVIE_META_LIMIT
    for kind, start, end in _boxes_in_file(handle, *movie):
        if kind == b"mvhd":
            handle.seek(start)
            created = _part(_movie_header_time, handle.read(min(end - start, 20)))
        elif kind in (b"udta", b"meta") and end - start <= allowed:
            allowed -= end - start
            handle.seek(start)
            data = handle.read(end - start)
            if kind == b"meta":
                tags.update(_part(_metadata_keys, data) or {})
                continue
            for child, child_start, child_end in _boxes(data):
                payload = data[child_start:child_end]
                if child == b"meta":
                    tags.update(_part(_metadata_keys, payload) or {})
                elif child == b"\xa9xyz":
                    position = position or _part(_xyz_position, payload)
                elif child == b"loci":
                    position = position or _part(_loci_position, payload)
    if _APPLE_LOCATION in tags:
        position = _part(_iso6709, tags[_APPLE_LOCATION]) or position
    lon, lat = position if position else (None, None)
    stated = _part(_stated_time, tags.get(_APPLE_CREATED))
    if stated is not None:
        return CaptureInfo(stated.isoformat(timespec="seconds"), lon, lat)
    if created is None:
        return CaptureInfo(None, lon, lat)
    if any(key.startswith(_PHONE_KEYS) for key in tags):
        moment = in_china_time(created.replace(tzinfo=dt.timezone.utc))
        return CaptureInfo(moment.isoformat(timespec="seconds"), lon, lat)
    return CaptureInfo(created.isoformat(timespec="seconds"), lon, lat)


def _movie_header_time(header: bytes) -> dt.datetime | None:
    """The creation time of an 'mvhd' box, as written (no zone); None when unset, before any
    field visit, or ahead of now by more than a day (a clock set wrong, or damage)."""
    if header[0] == 1:  # version 1: 64-bit times
        (seconds,) = struct.unpack(">Q", header[4:12])
    else:
        (seconds,) = struct.unpack(">I", header[4:8])
    moment = _MOVIE_EPOCH + dt.timedelta(seconds=seconds)
    latest = clock.now_utc().replace(tzinfo=None) + dt.timedelta(days=1)
    if not _EARLIEST_CAPTURE.replace(tzinfo=None) <= moment <= latest:
        return None
    return moment


def _stated_time(text: str) -> dt.datetime | None:
    """An ISO time with its offset (an iPhone's 2026-11-10T10:30:00+0800); None otherwise:
    a time without its offset says no moment."""
    # +0800 as +08:00: Python before 3.11 reads the offset with its colon only.
    moment = dt.datetime.fromisoformat(re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text.strip()))
    if moment.tzinfo is None or moment.astimezone(dt.timezone.utc) < _EARLIEST_CAPTURE:
        return None
    return moment


def _xyz_position(payload: bytes) -> tuple[float, float] | None:
    """(lon, lat) of Android's udta '©xyz': a length, a language code, the ISO 6709 text."""
    (length,) = struct.unpack(">H", payload[:2])
    return _iso6709(payload[4 : 4 + length].decode("utf-8", "replace"))


def _metadata_keys(meta: bytes) -> dict[str, str]:
    """The text values of a QuickTime 'meta' box's 'keys' and 'ilst' (an iPhone's metadata),
    by key name."""
    start = 0 if meta[4:8] == b"hdlr" else 4  # QuickTime's meta has no version and flags
    children = {kind: (s, e) for kind, s, e in _boxes(meta, start)}
    if b"keys" not in children or b"ilst" not in children:
        return {}
    names: list[str] = []
    at, end = children[b"keys"][0] + 8, children[b"keys"][1]  # past version, flags and count
    while at + 8 <= end:
        (length,) = struct.unpack(">I", meta[at : at + 4])
        if length < 8:
            break
        names.append(meta[at + 8 : at + length].decode("utf-8", "replace"))
        at += length
    values: dict[str, str] = {}
    for index, s, e in _boxes(meta, *children[b"ilst"]):
        number = int.from_bytes(index, "big")
        if not 1 <= number <= len(names):
            continue
        for kind, data_start, data_end in _boxes(meta, s, e):
            # 'data': a type (1: UTF-8 text) and a locale, then the value
            if kind == b"data" and meta[data_start : data_start + 4] == b"\x00\x00\x00\x01":
                values[names[number - 1]] = meta[data_start + 8 : data_end].decode(
                    "utf-8", "replace"
                )
    return values


_ISO6709 = re.compile(r"\s*([+-][0-9]+(?:\.[0-9]*)?)([+-][0-9]+(?:\.[0-9]*)?)")


def _iso6709(text: str) -> tuple[float, float] | None:
    """(lon, lat) of an ISO 6709 point (+36.6500+117.9500+050.000/; degrees, or DDMM, DDMMSS
    with decimals); None when not one, out of range, or 0,0 (a phone without a fix)."""
    found = _ISO6709.match(text)
    if not found:
        return None
    lat = _sexagesimal(found.group(1), 2)
    lon = _sexagesimal(found.group(2), 3)
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180 or lat == lon == 0:
        return None
    return lon, lat


def _sexagesimal(text: str, degree_digits: int) -> float | None:
    """Degrees of a signed ISO 6709 coordinate whose whole part has `degree_digits` digits for
    degrees, then perhaps two for minutes and two for seconds."""
    sign = -1.0 if text[0] == "-" else 1.0
    whole, _, fraction = text[1:].partition(".")
    fraction = float("0." + fraction) if fraction else 0.0
    digits = len(whole)
    if digits == degree_digits:
        return sign * (int(whole) + fraction)
    if digits == degree_digits + 2:
        minutes, seconds = int(whole[degree_digits:]) + fraction, 0.0
    elif digits == degree_digits + 4:
        minutes, seconds = int(whole[degree_digits:-2]), int(whole[-2:]) + fraction
    else:
        return None
    if minutes >= 60 or seconds >= 60:
        return None
    return sign * (int(whole[:degree_digits]) + minutes / 60 + seconds / 3600)


def _loci_position(payload: bytes) -> tuple[float, float] | None:
    """(lon, lat) of a 3GPP 'loci' box: version and flags, a language, a place name (UTF-8, or
    UTF-16 after its byte-order mark), a role, then longitude and latitude in 16.16 fixed point."""
    at = 6
    if payload[at : at + 2] in (b"\xfe\xff", b"\xff\xfe"):
        at += 2
        while payload[at : at + 2] != b"\x00\x00":
            at += 2
            if at >= len(payload):
                return None
        at += 2
    else:
        at = payload.index(b"\x00", at) + 1
    lon, lat = struct.unpack(">ii", payload[at + 1 : at + 9])
    lon, lat = lon / 65536, lat / 65536
    if abs(lat) > 90 or abs(lon) > 180 or lat == lon == 0:
        return None
    return lon, lat
