"""Evidence files as they come from the field: what their content is, and the EXIF of HEIC."""

from __future__ import annotations

import struct

import pytest

from zc_enforcement_plugin.core import capture_metadata, evidence
from zc_enforcement_plugin.core import ledger_schema as ls
from zc_enforcement_plugin.core.ledger_records import LedgerError

# The first bytes of a real file of each format the evidence table lists.
REAL_HEADS = {
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ".JPEG": b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ".heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    ".HEIC": b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf",
    ".heif": b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic",
    ".tif": b"II*\x00\x08\x00\x00\x00",
    ".tiff": b"MM\x00*\x00\x00\x00\x08",
    ".webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    ".mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42",
    ".mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",
    ".3gp": b"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x003gp4isom",
    ".avi": b"RIFF\x24\x00\x00\x00AVI LIST",
    ".mkv": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
    ".webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
    ".mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    ".m4a": b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom",
    ".aac": b"\xff\xf1\x50\x80\x02\x1f\xfc",
    ".wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    ".amr": b"#!AMR\n\x3c",
}


def test_every_listed_ending_has_a_real_file_that_passes(tmp_path):
    """Each name ending of the table (the dialog's filter too) takes a file of its format."""
    endings = {suffix.lower() for suffix in REAL_HEADS}
    assert set(evidence.evidence_suffixes()) == endings
    for suffix, head in REAL_HEADS.items():
        path = tmp_path / f"f{suffix}"
        path.write_bytes(head + bytes(100))
        kind = evidence.evidence_kind(path)
        assert kind in ls.EVIDENCE_KINDS, suffix
        evidence.check_evidence_file(path, kind, "S1")  # raises if refused


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "notimage.jpg",
            b"this is a text file renamed to jpg\n",
            "内容不是 JPEG 图片（看来是文本）",
        ),
        ("shot.jpg", REAL_HEADS[".png"] + bytes(50), "内容不是 JPEG 图片（看来是PNG 图片）"),
        ("scan.png", b"%PDF-1.4\n%fake scan\n", "内容不是 PNG 图片（看来是PDF 文档）"),
        ("IMG_1.HEIC", REAL_HEADS[".mp4"] + bytes(50), "内容不是 HEIF 图片（看来是MP4/MOV 视频）"),
        ("clip.mp4", b"\x00" * 64, "内容不是 MP4/MOV 视频（看来是无法识别的内容）"),
        ("voice.amr", REAL_HEADS[".wav"], "内容不是 AMR 录音（看来是WAV 录音）"),
        ("empty.jpg", b"", "证据文件是空文件（0 字节）"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_naming_file_and_spot(
    tmp_path, name, content, says
):
    source = tmp_path / "camera" / name
    source.parent.mkdir()
    source.write_bytes(content)
    root = tmp_path / "evidence"
    kind = evidence.evidence_kind(source)
    with pytest.raises(LedgerError) as refused:
        evidence.store_evidence_in(root, "37030220260250", source, kind)
    message = str(refused.value)
    assert says in message, message
    assert f"未登记到图斑 37030220260250：{source} / " in message
    assert message.endswith(f"not recorded for spot 37030220260250: {source}")
    assert not root.exists()  # nothing copied for it


def test_a_kind_its_ending_does_not_have_is_refused(tmp_path):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(REAL_HEADS[".jpg"])
    with pytest.raises(LedgerError, match=r"does not end as a video file's does \(.mp4 "):
        evidence.store_evidence_in(tmp_path / "evidence", "S1", photo, ls.EVIDENCE_VIDEO)


# --- HEIC: the EXIF item of an ISO-BMFF container ------------------------------------------------


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return _box(kind, bytes([version, 0, 0, 0]) + payload)


def _exif_tiff() -> bytes:
    """A TIFF header and IFDs with the time and GPS position of a photo, as Pillow writes them."""
    from PIL import Image, TiffImagePlugin

    r = TiffImagePlugin.IFDRational
    exif = Image.Exif()
    exif[0x8769] = {0x9003: "2026:11:10 10:30:00", 0x9011: "+08:00"}
    exif[0x8825] = {
        1: "N",
        2: (r(36, 1), r(39, 1), r(0, 1)),
        3: "E",
        4: (r(117, 1), r(57, 1), r(0, 1)),
    }
    data = exif.tobytes()
    assert data.startswith(b"Exif\x00\x00")
    return data[6:]


def _heic(exif_payload: bytes, in_idat: bool = False, version: int = 1) -> bytes:
    """A HEIC as an iPhone lays it out: ftyp, meta (hdlr, pitm, iinf, iloc), mdat holding an
    image item (1) and the Exif item (2), or the Exif item in the meta's idat."""
    image = b"\x00\x00\x00\x10fake hevc tile"
    infe = _full_box(b"infe", 2, struct.pack(">HH4s", 1, 0, b"hvc1") + b"\x00") + _full_box(
        b"infe", 2, struct.pack(">HH4s", 2, 0, b"Exif") + b"\x00"
    )
    iinf = _full_box(b"iinf", 0, struct.pack(">H", 2) + infe)
    ftyp = _box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    hdlr = _full_box(b"hdlr", 0, bytes(4) + b"pict" + bytes(12) + b"\x00")
    pitm = _full_box(b"pitm", 0, struct.pack(">H", 1))
    idat = _box(b"idat", exif_payload) if in_idat else b""

    def iloc(mdat_start: int) -> bytes:
        # offset and length 4 bytes, no base offset, no index; version 1 carries a method
        items = []
        for item_id, offset, length, method in (
            (1, mdat_start, len(image), 0),
            (2, 0 if in_idat else mdat_start + len(image), len(exif_payload), int(in_idat)),
        ):
            entry = struct.pack(">H", item_id)
            if version == 1:
                entry += struct.pack(">H", method)
            items.append(entry + struct.pack(">HHII", 0, 1, offset, length))
        return _full_box(b"iloc", version, struct.pack(">HH", 0x4400, 2) + b"".join(items))

    def meta(mdat_start: int) -> bytes:
        return _full_box(b"meta", 0, hdlr + pitm + iinf + iloc(mdat_start) + idat)

    head = len(ftyp) + len(meta(0)) + 8  # the mdat payload starts after its own header
    mdat = _box(b"mdat", image + (b"" if in_idat else exif_payload))
    return ftyp + meta(head) + mdat


@pytest.mark.parametrize(
    ("in_idat", "version", "prefix"),
    [(False, 1, b"Exif\x00\x00"), (True, 1, b"Exif\x00\x00"), (False, 0, b"")],
)
def test_a_heic_photo_is_recorded_with_its_time_and_position(tmp_path, in_idat, version, prefix):
    """An iPhone's HEIC keeps its EXIF in an item of the container, not in a JPEG segment:
    its time and position are read all the same (before, 拍摄时间/经度/纬度 stayed empty)."""
    payload = struct.pack(">I", len(prefix)) + prefix + _exif_tiff()
    source = tmp_path / "IMG_0001.HEIC"
    source.write_bytes(_heic(payload, in_idat, version))
    record = evidence.store_evidence_in(tmp_path / "evidence", "S1", source, ls.EVIDENCE_PHOTO)
    assert record.kind == ls.EVIDENCE_PHOTO and record.path == "S1/IMG_0001.HEIC"
    assert record.taken_at == "2026-11-10T10:30:00+08:00"
    assert record.gps_lat == pytest.approx(36.65) and record.gps_lon == pytest.approx(117.95)


def test_a_heic_without_exif_or_damaged_is_recorded_without_metadata(tmp_path):
    bare = tmp_path / "bare.heic"
    bare.write_bytes(REAL_HEADS[".heic"] + bytes(5000))  # a container holding no meta box
    assert capture_metadata.read_photo_exif(bare) == capture_metadata.CaptureInfo()
    good = _heic(struct.pack(">I", 6) + b"Exif\x00\x00" + _exif_tiff())
    for cut in range(0, len(good), 7):  # cut anywhere: read as far as it goes, never raised
        damaged = tmp_path / f"cut{cut}.heic"
        damaged.write_bytes(good[:cut])
        info = capture_metadata.read_photo_exif(damaged)
        assert info.taken_at is None or info.taken_at.startswith("2026-11-10T10:30:00")


class _CountingFile:
    """A file that counts the bytes read from it."""

    def __init__(self, handle):
        self.handle, self.read_bytes = handle, 0

    def seek(self, *args):
        return self.handle.seek(*args)

    def read(self, size=-1):
        data = self.handle.read(size)
        self.read_bytes += len(data)
        return data


@pytest.mark.parametrize("extents", [2000, 65535])
def test_a_heic_listing_thousands_of_exif_extents_is_read_within_the_limit(tmp_path, extents):
    """A damaged or hostile HEIC whose EXIF item lists thousands of 1 MB extents (each
    pointing at the same 2 MB) was read extent by extent in full: 1,000 took six minutes and
    2 GB. The EXIF limit holds for the item whole, and an extent count larger than the box
    holds is damage."""
    infe = _full_box(b"infe", 2, struct.pack(">HH", 1, 0) + b"Exif" + b"\0")
    iinf = _full_box(b"iinf", 0, struct.pack(">H", 1) + infe)
    listed = min(extents, 2000)  # 65535 counted, 2000 there: the count overruns the box
    location = struct.pack(">HHH", 1, 0, extents) + struct.pack(">II", 0, 1 << 20) * listed
    iloc = _full_box(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", 1) + location)
    data = _box(b"ftyp", b"heic\0\0\0\0mif1heic") + _full_box(b"meta", 0, iinf + iloc)
    path = tmp_path / "bomb.heic"
    path.write_bytes(data + _box(b"mdat", b"\0" * (2 << 20)))
    with open(path, "rb") as handle:
        counted = _CountingFile(handle)
        assert capture_metadata._read_heif_exif(counted) == capture_metadata.CaptureInfo()
    assert counted.read_bytes <= capture_metadata._HEIF_EXIF_LIMIT + len(data)
