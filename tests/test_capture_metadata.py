"""When and where a video or recording was made, as the file says (capture_metadata).

Videos were dated by the file's modification time: one copied off the phone by cable or
WeChat bore the day it was copied, and a case step looking for that day's evidence did not
find it (or found it on the wrong day). The fixtures in tests/media were written by FFmpeg
(scripts/make_media_fixtures.py states their metadata); the hand-made ones lay the boxes out
by the format's definition, to reach cases no muxer at hand writes.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from pathlib import Path

import pytest

from tests.test_evidence_files import _CountingFile
from zc_enforcement_plugin.core import capture_metadata, evidence
from zc_enforcement_plugin.core import ledger_schema as ls

MEDIA = Path(__file__).parent / "media"
MOVIE_EPOCH = dt.datetime(1904, 1, 1, tzinfo=dt.timezone.utc)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _movie_header(moment: dt.datetime | None, version: int = 0) -> bytes:
    """An 'mvhd' whose creation and modification times are `moment` (0, unset, for None)."""
    seconds = 0 if moment is None else int((moment - MOVIE_EPOCH).total_seconds())
    if version == 1:
        times = struct.pack(">QQIQ", seconds, seconds, 1000, 0)
    else:
        times = struct.pack(">IIII", seconds, seconds, 1000, 0)
    return _box(b"mvhd", bytes([version, 0, 0, 0]) + times + bytes(80))


def _xyz(text: str) -> bytes:
    """Android's udta ©xyz: a length, a language code, the ISO 6709 text."""
    data = text.encode()
    return _box(b"\xa9xyz", struct.pack(">HH", len(data), 0x15C7) + data)


def _phone_keys(**values: str) -> bytes:
    """A QuickTime 'meta' box (no version) of metadata keys and their UTF-8 values, as an
    Android phone's recorder writes com.android.version."""
    values = values or {"com.android.version": "13"}
    names = list(values)
    keys = struct.pack(">I", 0) + struct.pack(">I", len(names))
    keys += b"".join(struct.pack(">I", 8 + len(n)) + b"mdta" + n.encode() for n in names)
    items = b"".join(
        _box(struct.pack(">I", i + 1), _box(b"data", struct.pack(">II", 1, 0) + v.encode()))
        for i, v in enumerate(values.values())
    )
    handler = _box(b"hdlr", bytes(8) + b"mdta" + bytes(13))
    return _box(b"meta", handler + _box(b"keys", keys) + _box(b"ilst", items))


def _movie(moov_children: bytes, media_first: bytes = b"") -> bytes:
    ftyp = _box(b"ftyp", b"mp42" + bytes(4) + b"isommp42")
    return ftyp + media_first + _box(b"moov", moov_children)


@pytest.mark.parametrize(
    ("name", "taken_at", "lon", "lat"),
    [
        # a phone's (its Android key): mvhd 02:30 UTC is 10:30 in Zichuan; FFmpeg's MP4
        # stores the position as 'loci' in 16.16 fixed point, so to 1/65536 of a degree
        ("android.mp4", "2026-11-10T10:30:00+08:00", 117.95, 36.65),
        # 16:20 UTC on the 9th is 00:20 on the 10th in Zichuan
        ("night.mp4", "2026-11-10T00:20:00+08:00", None, None),
        # a body camera's clock time, as it showed it (no phone's key); the position as ©xyz
        ("bodycam.mov", "2026-11-10T20:00:00", 117.9421, 36.6612),
        # the iPhone's own time and offset (10:31:05), not mvhd's (10:30:00 here)
        ("iphone.mov", "2026-11-10T10:31:05+08:00", 117.95, 36.65),
        ("memo.m4a", "2026-11-09T23:10:00", None, None),  # a voice recorder's clock
        ("no_time.mp4", None, None, None),
    ],
)
def test_the_time_and_position_a_real_muxer_wrote_are_read(name, taken_at, lon, lat):
    made = capture_metadata.read_recording_metadata(MEDIA / name)
    assert made.taken_at == taken_at
    if lon is None:
        assert made.lon is None and made.lat is None
    else:
        assert made.lon == pytest.approx(lon, abs=2e-5)
        assert made.lat == pytest.approx(lat, abs=2e-5)


@pytest.mark.parametrize(
    ("name", "taken_at", "day"),
    [
        # copied off the phone on the 20th: its file's time is not its day
        ("night.mp4", "2026-11-10T00:20:00+08:00", dt.date(2026, 11, 10)),
        # a body camera's 20:00 is that day's, not 04:00 the next (read as UTC)
        ("bodycam.mov", "2026-11-10T20:00:00", dt.date(2026, 11, 10)),
        # a video that says no time is dated by its file as before: 01:00 in Beijing
        ("no_time.mp4", None, dt.date(2026, 11, 21)),
    ],
)
def test_a_video_is_dated_by_the_time_it_says_else_by_its_file(tmp_path, name, taken_at, day):
    source = tmp_path / name
    source.write_bytes((MEDIA / name).read_bytes())
    copied = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.timezone.utc).timestamp()
    os.utime(source, (copied, copied))
    record = evidence.store_evidence_in(tmp_path / "evidence", "S1", source, ls.EVIDENCE_VIDEO)
    assert record.file_modified == "2026-11-20T17:00:00Z"  # kept, as before
    assert record.taken_at == taken_at
    assert evidence.evidence_day(record) == day


def test_an_m4a_recording_is_dated_by_its_movie_header(tmp_path):
    source = tmp_path / "memo.m4a"
    source.write_bytes((MEDIA / "memo.m4a").read_bytes())
    record = evidence.store_evidence_in(tmp_path / "evidence", "S1", source, ls.EVIDENCE_AUDIO)
    assert evidence.evidence_day(record) == dt.date(2026, 11, 9)


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize(
    ("keys", "taken_at"),
    [
        (b"", "2026-03-05T23:59:30"),  # a camera's clock time
        (_phone_keys(), "2026-03-06T07:59:30+08:00"),  # a phone's UTC, in Beijing time
        (_phone_keys(**{"com.apple.quicktime.make": "Apple"}), "2026-03-06T07:59:30+08:00"),
    ],
    ids=["camera", "android", "apple"],
)
def test_both_movie_header_versions_are_read(tmp_path, version, keys, taken_at):
    moment = dt.datetime(2026, 3, 5, 23, 59, 30, tzinfo=dt.timezone.utc)
    path = tmp_path / "v.mov"
    path.write_bytes(_movie(_movie_header(moment, version) + keys))
    made = capture_metadata.read_recording_metadata(path)
    assert made.taken_at == taken_at


def test_a_damaged_part_loses_that_part_alone(tmp_path):
    """A position box cut short, a place name without its end, an iPhone date out of range or
    a header time ahead of now: the rest of what the file says is still read."""
    moment = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.timezone.utc)
    short_xyz = _box(b"\xa9xyz", b"\x00")
    unended_loci = _box(b"loci", bytes(6) + b"no end")
    for udta in (short_xyz, unended_loci):
        path = tmp_path / "v.mp4"
        path.write_bytes(_movie(_movie_header(moment) + _box(b"udta", udta)))
        made = capture_metadata.read_recording_metadata(path)
        assert made.taken_at == "2026-11-10T09:00:00" and made.lon is None
    odd = _phone_keys(
        **{
            "com.apple.quicktime.creationdate": "0001-01-01T00:00:00+08:00",
            "com.apple.quicktime.location.ISO6709": "+36.6500+117.9500/",
        }
    )
    path.write_bytes(_movie(_movie_header(moment) + odd))
    made = capture_metadata.read_recording_metadata(path)
    assert made.taken_at == "2026-11-10T17:00:00+08:00" and made.lat == pytest.approx(36.65)
    ahead = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    path.write_bytes(_movie(_movie_header(ahead) + _box(b"udta", _xyz("+36.6+117.9/"))))
    made = capture_metadata.read_recording_metadata(path)
    assert made.taken_at is None and made.lat == pytest.approx(36.6)


@pytest.mark.parametrize(
    "moment",
    [None, dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)],
    ids=["unset", "clock never set"],
)
def test_a_camera_clock_never_set_gives_no_time(tmp_path, moment):
    path = tmp_path / "v.mp4"
    path.write_bytes(_movie(_movie_header(moment)))
    assert capture_metadata.read_recording_metadata(path).taken_at is None


@pytest.mark.parametrize(
    ("text", "lon", "lat"),
    [
        ("+36.6500+117.9500/", 117.95, 36.65),
        ("-33.8688+151.2093+012.5/", 151.2093, -33.8688),
        ("+3639.00+11757.00/", 117.95, 36.65),  # degrees and minutes
        ("+363900+1175700/", 117.95, 36.65),  # degrees, minutes and seconds
        ("+3699.00+11757.00/", None, None),  # 99 minutes
        ("+36\u0665.0+117.9/", None, None),  # an Arabic-Indic digit
        ("+0.0000+000.0000/", None, None),  # a phone without a fix
        ("+95.0000+117.0000/", None, None),  # not a latitude
        ("here", None, None),
    ],
)
def test_iso_6709_positions(tmp_path, text, lon, lat):
    path = tmp_path / "v.mp4"
    moment = dt.datetime(2026, 11, 10, tzinfo=dt.timezone.utc)
    path.write_bytes(_movie(_movie_header(moment) + _box(b"udta", _xyz(text))))
    made = capture_metadata.read_recording_metadata(path)
    if lon is None:
        assert made.lon is None and made.lat is None
    else:
        assert made.lon == pytest.approx(lon) and made.lat == pytest.approx(lat)
    assert made.taken_at == "2026-11-10T00:00:00"  # a bad position leaves the time


def test_the_media_are_skipped_not_read(tmp_path):
    """A phone writes the movie's index after its media: a 30 MB video (a 64-bit sized mdat
    box first) is read by its box headers, a few hundred bytes, not its media."""
    media = 30 << 20
    mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + media)
    moment = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.timezone.utc)
    path = tmp_path / "long.mp4"
    with open(path, "wb") as out:
        out.write(_box(b"ftyp", b"mp42" + bytes(4) + b"isommp42") + mdat)
        out.seek(media, os.SEEK_CUR)
        out.write(_box(b"moov", _movie_header(moment) + _box(b"udta", _xyz("+36.6+117.9/"))))
    with open(path, "rb") as handle:
        counted = _CountingFile(handle)
        made = capture_metadata._read_movie(counted)
    assert made.taken_at == "2026-11-10T01:00:00" and made.lat == pytest.approx(36.6)
    assert counted.read_bytes < 1024


def test_a_damaged_or_cut_video_is_still_evidence_without_metadata(tmp_path):
    """Cut at every length (a recording that never finished, a copy broken off), or its boxes'
    sizes garbled: never an error, at worst no time or position."""
    moment = dt.datetime(2026, 11, 10, tzinfo=dt.timezone.utc)
    whole = (MEDIA / "iphone.mov").read_bytes()
    made = _movie(_movie_header(moment) + _box(b"udta", _xyz("+36.6+117.9/")))
    for data in (whole, made):
        for cut in range(len(data)):
            path = tmp_path / "cut.mov"
            path.write_bytes(data[:cut])
            info = capture_metadata.read_recording_metadata(path)  # must not raise
            assert info.taken_at in (None, "2026-11-10T10:31:05+08:00", "2026-11-10T00:00:00")
    garbled = bytearray(whole)
    for at in range(0, len(garbled) - 4, 7):
        hostile = bytearray(garbled)
        hostile[at : at + 4] = b"\xff\xff\xff\xf0"
        path = tmp_path / "garbled.mov"
        path.write_bytes(bytes(hostile))
        capture_metadata.read_recording_metadata(path)  # must not raise


def test_files_that_are_not_movies_say_nothing(tmp_path):
    riff = tmp_path / "v.avi"
    riff.write_bytes(b"RIFF" + struct.pack("<I", 100) + b"AVI " + bytes(100))
    amr = tmp_path / "r.amr"
    amr.write_bytes(b"#!AMR\n" + bytes(100))
    for path in (riff, amr):
        assert capture_metadata.read_recording_metadata(path) == capture_metadata.CaptureInfo()


def test_a_movie_of_many_tag_boxes_is_read_within_the_limit(tmp_path):
    """Tags are a few hundred bytes; a damaged or hostile movie of 40 udta boxes of 512 KB each
    is read to the limit of all tags (1 MB), not 20 MB of them."""
    moment = dt.datetime(2026, 11, 10, tzinfo=dt.timezone.utc)
    filler = _box(b"udta", _box(b"free", bytes(512 << 10)))
    path = tmp_path / "tags.mp4"
    path.write_bytes(_movie(_movie_header(moment) + filler * 40))
    with open(path, "rb") as handle:
        counted = _CountingFile(handle)
        made = capture_metadata._read_movie(counted)
    assert made.taken_at == "2026-11-10T00:00:00"
    assert counted.read_bytes <= capture_metadata._MOVIE_META_LIMIT + 64 * 1024
