"""Evidence files beside a ledger (copied, hashed, checked) and the EXIF time and GPS of photos."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ledger_schema as ls
from .ledger_records import EvidenceProblem, EvidenceRecord, LedgerError, LedgerStore

_UNSAFE_NAME_CHARS = set('<>:"/\\|?*')


def evidence_dir_for(ledger_path: str | os.PathLike) -> Path:
    return Path(ledger_path).resolve().parent / ls.EVIDENCE_DIR_NAME


def _safe_name(name: str) -> str:
    # Spot numbers and file names become folder and file names on Windows too.
    cleaned = "".join("_" if c in _UNSAFE_NAME_CHARS or ord(c) < 32 else c for c in str(name))
    cleaned = cleaned.strip(" .")
    return cleaned or "_"


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_evidence_file(
    ledger_path: str | os.PathLike,
    spot_number: str,
    source_file: str | os.PathLike,
    kind: str,
) -> EvidenceRecord:
    """Copy a file into evidence/<spot>/ beside the ledger and describe it for add_evidence."""
    return store_evidence_in(evidence_dir_for(ledger_path), spot_number, source_file, kind)


def spot_folder(root: str | os.PathLike, spot_number: str) -> Path:
    """The folder under the evidence root that holds one spot's files."""
    return Path(root) / _safe_name(spot_number)


def check_evidence_kind(kind: str) -> None:
    """LedgerError naming the kinds a ledger takes, unless `kind` is one of them."""
    if kind not in ls.EVIDENCE_KINDS:
        raise LedgerError(
            f"证据类型无效 / unknown evidence kind {kind!r}: {', '.join(ls.EVIDENCE_KINDS)}"
        )


def store_evidence_in(
    root: str | os.PathLike,
    spot_number: str,
    source_file: str | os.PathLike,
    kind: str,
) -> EvidenceRecord:
    """Copy a file into <root>/<spot>/ (a ledger's evidence_dir) and describe it for add_evidence.

    An identical file already there is reused; a different one of the same name gets a numbered
    name (see _copy_into, which also keeps a crash or a colleague's attachment of the same name
    from ever leaving a half-copied or another file under the name the ledger points to).
    """
    check_evidence_kind(kind)
    source = Path(source_file)
    if not source.is_file():
        raise LedgerError(f"证据文件不存在 / evidence file not found: {source}")
    root = Path(root)
    folder = spot_folder(root, spot_number)
    folder.mkdir(parents=True, exist_ok=True)
    digest = file_sha256(source)
    target = _copy_into(folder, source, digest)
    stat = source.stat()
    modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)
    record = EvidenceRecord(
        kind=kind,
        path=target.relative_to(root).as_posix(),
        sha256=digest,
        size=stat.st_size,
        original_name=source.name,
        file_modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    if kind == ls.EVIDENCE_PHOTO:
        exif = read_jpeg_exif(target)
        record.taken_at, record.gps_lon, record.gps_lat = exif.taken_at, exif.lon, exif.lat
    return record


def _copy_into(folder: Path, source: Path, digest: str) -> Path:
    """Where in `folder` the file `source` (of SHA-256 `digest`) lies once copied: its own name,
    or the first numbered one (IMG_2.jpg, …) that is free or holds the same file.

    The copy is written under a temporary name of its own and given its final name only once
    its hash matches, by a claim that never replaces a file (_claim): two sessions attaching
    different files of one name to a spot at once (two officers' DJI_0001.JPG) each write their
    own copy, and the one whose claim comes second takes the next free name. The temporary file
    is removed whatever happens."""
    base = _safe_name(source.name)
    stem, suffix = Path(base).stem, Path(base).suffix
    names = (folder / (base if n == 1 else f"{stem}_{n}{suffix}") for n in itertools.count(1))
    target = next(names)
    while target.exists() and not _holds(target, digest):
        target = next(names)
    if target.exists():
        return target
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{base}.", suffix=".part")
    os.close(handle)
    temporary = Path(name)
    try:
        shutil.copy2(source, temporary)
        if file_sha256(temporary) != digest:
            raise LedgerError(
                f"复制时证据文件发生变化 / evidence file changed while copying: {source}"
            )
        while not _claim(temporary, target):
            if _holds(target, digest):
                return target  # the same file, attached by someone else meanwhile
            target = next(names)
        return target
    finally:
        temporary.unlink(missing_ok=True)


def _holds(path: Path, digest: str) -> bool:
    """Whether `path` is a file of SHA-256 `digest` (False when it has gone meanwhile)."""
    try:
        return file_sha256(path) == digest
    except FileNotFoundError:
        return False


def _claim(temporary: Path, target: Path) -> bool:
    """Give the finished copy `temporary` the name `target` unless that name is taken (False).

    A hard link appears whole and never replaces a file. A folder without hard links (some
    network shares) gets the name reserved by creating it exclusively, then the copy moved onto
    it: the name is never anyone else's file, though for a moment it is an empty one."""
    try:
        os.link(temporary, target)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # no hard links in this folder
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    os.replace(temporary, target)
    return True


def evidence_day(record: EvidenceRecord) -> dt.date | None:
    """The day a photo, video or recording was made: the camera's (EXIF) time, which is local
    already, else the file's own modification time (stored in UTC) on this computer's clock;
    None when neither is known (not the day it was attached)."""
    if record.taken_at:
        try:
            return dt.date.fromisoformat(str(record.taken_at)[:10])
        except ValueError:
            pass
    if record.file_modified:
        try:
            stamp = dt.datetime.fromisoformat(str(record.file_modified).replace("Z", "+00:00"))
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.timezone.utc)
        return stamp.astimezone().date()  # a recording at 07:30 in Zichuan is 23:30 UTC
    return None


# What a refused action did not do, in the message that refuses it (zh, en): the reason and
# the remedy are the same whether a file was being attached, exported or checked.
NOTHING_RECORDED = ("未记录任何证据", "nothing was recorded")
NOTHING_EXPORTED = ("未写出任何文件", "nothing was written")
NOTHING_CHECKED = ("未检查任何文件", "no file was checked")


def unreachable_share_error(
    ledger_path: Any, folder: Path, outcome: tuple[str, str]
) -> LedgerError:
    """A shared ledger's evidence folder this machine does not reach (a share not connected)."""
    zh, en = outcome
    return LedgerError(
        f"{ledger_path}: 共享证据文件夹 {folder} 在本机无法访问（网络共享未连接？），{zh}；"
        "请先连接该共享或请执法监察大队核对设置 / the shared evidence folder "
        f"{folder} cannot be reached from this machine (is the network share "
        f"connected?), {en}: connect it, or ask the brigade to check the setting"
    )


def _readable_folder(folder: Path) -> bool:
    # Listing it, not is_dir(): a folder there but not readable (no permission on the share)
    # would show every file as missing just the same.
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError:
        return False
    return True


def readable_evidence_dir(
    ledger: LedgerStore, records: list[EvidenceRecord], outcome: tuple[str, str]
) -> Path:
    """The evidence folder, to read the recorded files `records` from: when there are any, it
    must be there and readable, or LedgerError names it and says `outcome` (NOTHING_*).

    Without the folder every file would be reported missing: the export would tell the
    province the evidence is lost when only a share was not mounted, or a GeoPackage ledger
    was moved without the evidence folder beside it."""
    root = Path(ledger.evidence_dir)
    if not records or _readable_folder(root):
        return root
    # Only a shared ledger stores its folder on the server (as ledger_settings tells them apart).
    if getattr(ledger, "stored_evidence_dir", None) is not None:
        raise unreachable_share_error(ledger.path, root, outcome)
    zh, en = outcome
    raise LedgerError(
        f"{ledger.path}: 台帐记录了 {len(records)} 件证据，但台帐旁的证据文件夹 {root} 不存在或"
        f"无法读取（台帐被移动或复制时未带上证据文件夹？），{zh}；请把证据文件夹放回台帐旁再试 / "
        f"the ledger records {len(records)} evidence files, but the evidence folder beside it, "
        f"{root}, is missing or unreadable (was the ledger moved or copied without it?), "
        f"{en}: put the evidence folder back beside the ledger and try again"
    )


def check_evidence_integrity(ledger: LedgerStore) -> list[EvidenceProblem]:
    """Evidence whose file is missing or whose content no longer matches its recorded hash.

    An evidence folder that cannot be read at all is refused (readable_evidence_dir) rather
    than every file reported missing."""
    problems: list[EvidenceProblem] = []
    records = ledger.evidence()
    root = readable_evidence_dir(ledger, records, NOTHING_CHECKED)
    for record in records:
        full = root / record.path
        if not full.is_file():
            problems.append(
                EvidenceProblem(
                    record.id,
                    record.spot_id,
                    record.path,
                    "missing",
                    f"证据文件缺失 / evidence file missing: {full}",
                )
            )
        elif file_sha256(full) != record.sha256:
            problems.append(
                EvidenceProblem(
                    record.id,
                    record.spot_id,
                    record.path,
                    "altered",
                    f"证据文件已被改动（哈希不符）/ evidence file altered (hash differs): {full}",
                )
            )
    return problems


# =================================================================================================
# EXIF (JPEG) — standard library only, so it works in any QGIS Python
# =================================================================================================


@dataclass
class ExifInfo:
    taken_at: str | None = None  # ISO, the camera's local time (+offset when the camera gives it)
    lon: float | None = None
    lat: float | None = None


_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME = 0x0132
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_OFFSET_TIME_ORIGINAL = 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}


def read_jpeg_exif(path: str | os.PathLike) -> ExifInfo:
    """EXIF time and GPS of a JPEG; empty when the file is no JPEG or carries none."""
    with open(path, "rb") as handle:
        # EXIF sits in APP1 right after SOI; 256 KB covers it in any camera file.
        return parse_jpeg_exif(handle.read(256 * 1024))


def parse_jpeg_exif(data: bytes) -> ExifInfo:
    if data[:2] != b"\xff\xd8":
        return ExifInfo()
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
            try:
                return _parse_tiff(segment[6:])
            except (struct.error, IndexError, ValueError, ZeroDivisionError, TypeError, KeyError):
                return ExifInfo()  # damaged EXIF: the photo is still evidence, without metadata
        position += 2 + length
    return ExifInfo()


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


def _parse_tiff(tiff: bytes) -> ExifInfo:
    if tiff[:2] == b"II":
        order = "<"
    elif tiff[:2] == b"MM":
        order = ">"
    else:
        return ExifInfo()
    magic, first = struct.unpack(order + "HI", tiff[2:8])
    if magic != 42:
        return ExifInfo()
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
    return ExifInfo(taken, lon, lat)
