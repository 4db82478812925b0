"""Evidence files beside a ledger: copied, hashed and checked, with the time and position each
file says it was made (capture_metadata)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import itertools
import math
import os
import re
import shutil
import stat
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from . import ledger_schema as ls
from .capture_metadata import ISO_BMFF_FIRST_BOXES, read_photo_exif, read_recording_metadata
from .clock import in_china_time
from .files import FILE_NAME_BYTES, numbered_name, safe_file_name
from .ledger_records import EvidenceProblem, EvidenceRecord, LedgerError, LedgerStore


def evidence_dir_for(ledger_path: str | os.PathLike) -> Path:
    return Path(ledger_path).resolve().parent / ls.EVIDENCE_DIR_NAME


class EvidencePathError(LedgerError):
    """A stored evidence path that may not be turned into a file (evidence_file): its `reason`
    is "中文 / English"; the file is taken as not there."""

    def __init__(self, path: Any, reason: str) -> None:
        self.path, self.reason = path, reason
        zh, en = reason.split(" / ", 1)
        super().__init__(
            f"证据路径被拒绝（{zh}）：{path!r} / evidence path refused ({en}): {path!r}"
        )

    def said(self, spot: Any, outcome: tuple[str, str]) -> str:
        """The refusal for a log: the spot, why, what was done instead (zh, en), the path."""
        zh, en = self.reason.split(" / ", 1)
        return (
            f"图斑 {spot} 的证据路径被拒绝（{zh}），{outcome[0]}：{self.path!r} / spot {spot}: "
            f"evidence path refused ({en}), {outcome[1]}: {self.path!r}"
        )


def stored_path_problem(path: Any) -> str | None:
    """Why a stored evidence path (ledger_evidence.path) may not name a file, "中文 / English";
    None for a relative, '/'-separated path of plain segments, as store_evidence_in writes.

    The rule (ledger_schema's patterns) is the server's CHECK too: rows written by hand
    (an office's psql, a crafted GeoPackage) are what it keeps out of every folder but the
    evidence folder."""
    if not isinstance(path, str) or "\x00" in path:  # a server's text never holds NUL
        return "不是文本路径 / not a text path"
    if re.search(ls.EVIDENCE_PATH_BAD_CHARACTER, path):
        return "含反斜杠、冒号或控制字符 / holds a backslash, a colon or a control character"
    if re.search(ls.EVIDENCE_PATH_BAD_SEGMENT, path):
        return (
            "须为相对路径，不得以斜杠开头，不得含空段、. 或 .. / must be relative: no leading /, "
            "no empty, '.' or '..' segment"
        )
    if any(len(part.encode("utf-8")) > FILE_NAME_BYTES for part in path.split("/")):
        # No file has such a name: asking the system for it fails with "File name too long".
        return (
            f"含超过 {FILE_NAME_BYTES} 字节的名称 / holds a name longer than "
            f"{FILE_NAME_BYTES} bytes"
        )
    return None


def evidence_file(root: str | os.PathLike, path: Any) -> Path:
    """The file a stored evidence path names under the evidence folder `root` (which need not
    exist yet): EvidencePathError unless the path keeps the rule (stored_path_problem), no
    part of it under `root` is a symbolic link, and the file resolved lies under `root` resolved.

    Every place that turns a stored path into a file goes through here: the export zipped an
    office's row naming '/home/…/id_rsa.jpg', and a copy wrote '../../x' outside the target's
    folder. A symbolic link is refused even when it points inside: a photo replaced by a link
    to a private file would be zipped as that photo's evidence."""
    reason = stored_path_problem(path)
    if reason is not None:
        raise EvidencePathError(path, reason)
    root = Path(root)
    place, walked = root.joinpath(*path.split("/")), root
    for segment in path.split("/"):
        walked = walked / segment
        try:
            if stat.S_ISLNK(os.lstat(walked).st_mode):
                raise _symbolic_link(path, walked)
        except OSError:
            break  # not there (yet): nothing below it is a link
    try:
        resolved_root, resolved = root.resolve(), place.resolve()
    except (OSError, RuntimeError):  # a loop of links: not followed
        resolved_root, resolved = root, root.parent
    if resolved_root not in resolved.parents:
        raise EvidencePathError(path, "指向证据文件夹之外 / leads outside the evidence folder")
    return place


def _symbolic_link(path: Any, walked: Path) -> EvidencePathError:
    return EvidencePathError(path, f"{walked} 是符号链接 / {walked} is a symbolic link")


# A link swapped in after evidence_file looked and before the file is opened is still followed
# by a plain open(): the zip would hold the private file it points to as the photo. Opened a
# folder at a time from the root, each with O_NOFOLLOW, a link is refused by the system at the
# moment of opening. Where there is no O_NOFOLLOW or no opening relative to a folder (Windows),
# evidence_file's look just before is all there is.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPENS_UNDER_FOLDERS = bool(_NOFOLLOW) and os.open in os.supports_dir_fd
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK}  # Linux and macOS say ELOOP; FreeBSD EMLINK


def open_evidence_file(root: str | os.PathLike, path: Any) -> BinaryIO:
    """The regular file a stored evidence path names under `root`, open for reading:
    EvidencePathError as evidence_file says it, and also for a symbolic link put in place of
    the file or of one of its folders after that look; FileNotFoundError when no regular file
    is there (gone meanwhile, a folder, or a pipe, which a read would wait on for ever)."""
    place = evidence_file(root, path)
    if not _OPENS_UNDER_FOLDERS:
        return open(place, "rb")
    segments = path.split("/")
    folder = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    walked = Path(root)
    try:
        for segment in segments[:-1]:
            walked = walked / segment
            inner = _open_unfollowed(segment, os.O_DIRECTORY, folder, path, walked)
            os.close(folder)
            folder = inner
        # Non-blocking: opening a pipe put there would otherwise wait for a writer.
        handle = _open_unfollowed(segments[-1], os.O_NONBLOCK, folder, path, place)
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise FileNotFoundError(errno.ENOENT, "不是文件 / not a file", str(place))
    os.set_blocking(handle, True)
    return os.fdopen(handle, "rb")


def _open_unfollowed(name: str, flags: int, folder: int, path: Any, walked: Path) -> int:
    try:
        return os.open(name, os.O_RDONLY | _NOFOLLOW | flags, dir_fd=folder)
    except OSError as error:
        if error.errno in _LINK_ERRNOS:
            raise _symbolic_link(path, walked) from None
        if error.errno != errno.ENOTDIR:
            raise
    # Not a folder: Linux says so of a link opened as a folder, too. Which of them it was only
    # chooses the message: either way nothing was opened.
    with contextlib.suppress(OSError):
        if stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            raise _symbolic_link(path, walked)
    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(walked))


def file_sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as handle:
        return _sha256_of(handle)


def evidence_sha256(root: str | os.PathLike, path: Any) -> str:
    """The SHA-256 of the file a stored evidence path names, read as open_evidence_file
    opens it."""
    with open_evidence_file(root, path) as handle:
        return _sha256_of(handle)


def _sha256_of(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def store_evidence_file(
    ledger_path: str | os.PathLike,
    spot_number: str,
    source_file: str | os.PathLike,
    kind: str,
    recorded: Iterable[str] = (),
) -> EvidenceRecord:
    """Copy a file into evidence/<spot>/ beside the ledger and describe it for add_evidence."""
    return store_evidence_in(
        evidence_dir_for(ledger_path), spot_number, source_file, kind, recorded
    )


def spot_folder(root: str | os.PathLike, spot_number: str, recorded: Iterable[str] = ()) -> Path:
    """The folder under the evidence root that new files of one spot go to: the one its
    `recorded` files (their stored paths, oldest first) lie in, else the one the rule names.

    A ledger made before device names got a "_" has spot CON's photos in evidence/CON/; new
    ones put in evidence/_CON/ would split the spot's evidence over two folders. The files
    already attached are found by the path each record stores, whatever their folder."""
    root, named = Path(root), safe_file_name(spot_number)
    for path in recorded:
        folder, slash, _ = str(path).partition("/")
        # Only a folder the rule would also give this spot: a row written by hand naming
        # another spot's folder (or a bad path) is no reason to put files there.
        if (
            slash
            and stored_path_problem(path) is None
            and safe_file_name(folder) == named
            and (root / folder).is_dir()
        ):
            return root / folder
    return root / named


def check_evidence_kind(kind: str) -> None:
    """LedgerError naming the kinds a ledger takes, unless `kind` is one of them."""
    if kind not in ls.EVIDENCE_KINDS:
        raise LedgerError(
            f"证据类型无效 / unknown evidence kind {kind!r}: {', '.join(ls.EVIDENCE_KINDS)}"
        )


# =================================================================================================
# What a file must hold to be recorded as the evidence its name says it is
# =================================================================================================


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _iso_bmff(head: bytes) -> bool:
    return head[4:8] in ISO_BMFF_FIRST_BOXES


# The brands of an image in a HEIF container (HEIC from iPhones, HEIF, AVIF), never of a video.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}


def _heif(head: bytes) -> bool:
    if head[4:8] != b"ftyp":
        return False
    (size,) = struct.unpack(">I", head[:4])
    box = head[8 : min(max(size, 16), len(head))]
    brands = {box[0:4]} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    return bool(brands & _HEIF_BRANDS)


def _mp3(head: bytes) -> bool:
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _aac(head: bytes) -> bool:
    # a raw ADTS stream (its sync word, layer 0), else an AAC in an M4A box list
    adts = len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0
    return adts or head[:4] == b"ADIF" or _iso_bmff(head)


@dataclass(frozen=True)
class EvidenceFormat:
    """A kind of file taken as evidence: its name endings and what its first bytes hold."""

    kind: str  # ledger_schema.EVIDENCE_KINDS
    suffixes: tuple[str, ...]
    name: str  # "中文 / English", as refusals name it: 内容不是 JPEG 图片 / not a JPEG image
    holds: Callable[[bytes], bool]  # from the file's first bytes (SNIFF_BYTES)


# The one table of evidence files: the dialog's filter, the kind a dropped file is recorded as
# and the check of its content are all read from it.
EVIDENCE_FORMATS = (
    EvidenceFormat(
        ls.EVIDENCE_PHOTO,
        (".jpg", ".jpeg"),
        "JPEG 图片 / a JPEG image",
        lambda h: h[:3] == b"\xff\xd8\xff",
    ),
    EvidenceFormat(
        ls.EVIDENCE_PHOTO,
        (".png",),
        "PNG 图片 / a PNG image",
        lambda h: h[:8] == b"\x89PNG\r\n\x1a\n",
    ),
    EvidenceFormat(ls.EVIDENCE_PHOTO, (".heic", ".heif"), "HEIF 图片 / a HEIF image", _heif),
    EvidenceFormat(
        ls.EVIDENCE_PHOTO,
        (".tif", ".tiff"),
        "TIFF 图片 / a TIFF image",
        lambda h: h[:4] in (b"II*\x00", b"MM\x00*"),
    ),
    EvidenceFormat(ls.EVIDENCE_PHOTO, (".webp",), "WebP 图片 / a WebP image", _riff(b"WEBP")),
    EvidenceFormat(
        ls.EVIDENCE_VIDEO, (".mp4", ".mov", ".3gp"), "MP4/MOV 视频 / an MP4/MOV video", _iso_bmff
    ),
    EvidenceFormat(ls.EVIDENCE_VIDEO, (".avi",), "AVI 视频 / an AVI video", _riff(b"AVI ")),
    EvidenceFormat(
        ls.EVIDENCE_VIDEO,
        (".mkv", ".webm"),
        "MKV 视频 / an MKV video",
        lambda h: h[:4] == b"\x1a\x45\xdf\xa3",
    ),
    EvidenceFormat(ls.EVIDENCE_AUDIO, (".mp3",), "MP3 录音 / an MP3 recording", _mp3),
    EvidenceFormat(ls.EVIDENCE_AUDIO, (".m4a",), "M4A 录音 / an M4A recording", _iso_bmff),
    EvidenceFormat(ls.EVIDENCE_AUDIO, (".aac",), "AAC 录音 / an AAC recording", _aac),
    EvidenceFormat(ls.EVIDENCE_AUDIO, (".wav",), "WAV 录音 / a WAV recording", _riff(b"WAVE")),
    EvidenceFormat(
        ls.EVIDENCE_AUDIO, (".amr",), "AMR 录音 / an AMR recording", lambda h: h[:5] == b"#!AMR"
    ),
)
SNIFF_BYTES = 64  # enough for every signature above and an ftyp box's brands

# What else a file named as evidence turns out to be, for the refusal to say.
_OTHER_CONTENT = (
    (lambda h: h[:5] == b"%PDF-", "PDF 文档 / a PDF document"),
    (
        lambda h: h[:4] == b"PK\x03\x04",
        "ZIP 压缩包或 Office 文档 / a ZIP archive or Office document",
    ),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), "GIF 图片 / a GIF image"),
    (lambda h: h[:2] == b"BM", "BMP 图片 / a BMP image"),
)


def evidence_suffixes(kind: str | None = None) -> tuple[str, ...]:
    """The name endings (".jpg", …) of evidence files, of one kind or of all."""
    return tuple(
        suffix for f in EVIDENCE_FORMATS if kind in (None, f.kind) for suffix in f.suffixes
    )


def evidence_format(path: str | os.PathLike) -> EvidenceFormat | None:
    """The evidence format a file's name ending says it is; None for any other file."""
    suffix = Path(path).suffix.lower()
    return next((f for f in EVIDENCE_FORMATS if suffix in f.suffixes), None)


def evidence_kind(path: str | os.PathLike) -> str | None:
    """photo / video / audio from the file's name ending; None for any other file."""
    found = evidence_format(path)
    return found.kind if found is not None else None


def _looks_like(head: bytes) -> str:
    """What a file's first bytes show it to be, for a refusal ("它看来是 … / it looks like …")."""
    for known in EVIDENCE_FORMATS:
        if known.holds(head):
            return known.name
    for holds, name in _OTHER_CONTENT:
        if holds(head):
            return name
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the bytes read is text
        text = head[: error.start].decode("utf-8") if error.start > len(head) - 4 else ""
    if text and all(c.isprintable() or c in "\r\n\t" for c in text):
        return "文本 / text"
    return "无法识别的内容 / content of no known kind"


def check_evidence_file(source: str | os.PathLike, kind: str, spot_number: str) -> None:
    """LedgerError naming the file and the spot unless ``source`` is a file of ``kind`` whose
    content is what its name ending says: a photo in name only would count as evidence (证据数量)
    and its date make a step of that day look evidenced."""
    source = Path(source)
    # The file last, after the spot: what an English label ends in is the value the Chinese
    # half must hold too, for a Chinese interface to show that half alone (i18n).
    found = evidence_format(source)
    if found is None or found.kind != kind:
        names = " ".join(evidence_suffixes(kind))
        raise LedgerError(
            f"文件名后缀不是{ls.EVIDENCE_KIND_LABELS_ZH[kind]}文件的（{names}），未登记到图斑 "
            f"{spot_number}："
            f"{source} / the file's name does not end as a {kind} file's does ({names}), "
            f"not recorded for spot {spot_number}: {source}"
        )
    with open(source, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise LedgerError(
            f"证据文件是空文件（0 字节），未登记到图斑 {spot_number}：{source} / the evidence "
            f"file is empty (0 bytes), not recorded for spot {spot_number}: {source}"
        )
    if not found.holds(head):
        chinese, english = found.name.split(" / ")
        looks_zh, looks_en = _looks_like(head).split(" / ")
        raise LedgerError(
            f"内容不是 {chinese}（看来是{looks_zh}），未登记到图斑 {spot_number}：{source} / "
            f"the content is not {english} (it looks like {looks_en}), not recorded for spot "
            f"{spot_number}: {source}"
        )


def store_evidence_in(
    root: str | os.PathLike,
    spot_number: str,
    source_file: str | os.PathLike,
    kind: str,
    recorded: Iterable[str] = (),
) -> EvidenceRecord:
    """Copy a file into <root>/<spot>/ (a ledger's evidence_dir; the folder the spot's
    `recorded` files lie in, see spot_folder) and describe it for add_evidence.

    An identical file already there is reused; a different one of the same name gets a numbered
    name (see _copy_into, which also keeps a crash or a colleague's attachment of the same name
    from ever leaving a half-copied or another file under the name the ledger points to).
    """
    check_evidence_kind(kind)
    source = Path(source_file)
    if not source.is_file():
        raise LedgerError(f"证据文件不存在 / evidence file not found: {source}")
    check_evidence_file(source, kind, spot_number)
    root = Path(root)
    folder = spot_folder(root, spot_number, recorded)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # mkdir takes a folder of that name as it is: a symbolic link there would have the
        # copy written wherever it points, outside the evidence folder.
        evidence_file(root, folder.name)
    except EvidencePathError as refused:
        zh, en = refused.reason.split(" / ", 1)
        raise LedgerError(
            f"图斑 {spot_number} 的证据文件夹 {folder} 不可用（{zh}），{NOTHING_RECORDED[0]} / "
            f"the evidence folder {folder} of spot {spot_number} is refused ({en}): "
            f"{NOTHING_RECORDED[1]}"
        ) from None
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
    read = read_photo_exif if kind == ls.EVIDENCE_PHOTO else read_recording_metadata
    made = read(target)
    record.taken_at, record.gps_lon, record.gps_lat = made.taken_at, made.lon, made.lat
    return record


def _copy_into(folder: Path, source: Path, digest: str) -> Path:
    """Where in `folder` the file `source` (of SHA-256 `digest`) lies once copied: its own name,
    or the first numbered one (IMG_2.jpg, …) that is free or holds the same file.

    The copy is written under a temporary name of its own and given its final name only once
    its hash matches, by a claim that never replaces a file (_claim): two sessions attaching
    different files of one name to a spot at once (two officers' DJI_0001.JPG) each write their
    own copy, and the one whose claim comes second takes the next free name. The temporary file
    is removed whatever happens."""
    base = safe_file_name(source.name)
    # Files an earlier version stored under a name the rule now writes otherwise (-1.jpg, now
    # _-1.jpg): the evidence zip names such a file as the rule does, so a new file given that
    # name would be zipped onto it. Their names are taken too; one holding this file is it.
    # (Read once: no name the rule does not give is made any more.)
    earlier: dict[str, Path] = {}
    for path in folder.iterdir():
        safe = safe_file_name(path.name)
        if safe != path.name and not path.name.startswith("."):
            earlier.setdefault(safe, path)
    names = (folder / numbered_name(base, n) for n in itertools.count(1))
    target = next(names)
    while True:
        for held in (earlier.get(target.name), target):
            if held is not None and held.exists() and _holds(held, digest):
                return held
        if target.name not in earlier and not target.exists():
            break
        target = next(names)
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
            target = next(n for n in names if n.name not in earlier)
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


# A photo taken farther than this from its spot is said when attached (not refused: a site
# may be photographed from a hill across the valley): most likely another spot's.
FAR_FROM_SPOT_METRES = 500.0


def metres_from_spot(record: EvidenceRecord, spot_geometry) -> float | None:
    """How far (m, in the ledger's CRS) the photo's GPS position lies from the spot's outline
    (0 inside); None without a position or an outline. GPS is WGS 84, the ledger CGCS2000:
    apart by well under a metre, nothing at this scale."""
    if record.gps_lon is None or record.gps_lat is None:
        return None
    if spot_geometry is None or spot_geometry.is_empty:
        return None
    import shapely
    from pyproj import Transformer

    to_ledger = Transformer.from_crs(4326, ls.LEDGER_SRS_ID, always_xy=True)
    x, y = to_ledger.transform(float(record.gps_lon), float(record.gps_lat))
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return float(shapely.distance(shapely.Point(x, y), spot_geometry))


def evidence_day(record: EvidenceRecord) -> dt.date | None:
    """The day a photo, video or recording was made: the time the file says (capture_metadata:
    a camera's clock time as written, a phone's video with its offset), else the file's own
    modification time (stored in UTC) in Beijing time, the same day on every computer whatever
    its zone; None when neither is known (not the day it was attached)."""
    if record.taken_at:
        taken = str(record.taken_at)
        with contextlib.suppress(ValueError):
            stamp = dt.datetime.fromisoformat(taken)
            if stamp.tzinfo is not None:  # the camera wrote its offset: the day in Zichuan
                return in_china_time(stamp).date()
        try:
            return dt.date.fromisoformat(taken[:10])
        except ValueError:
            pass
    if record.file_modified:
        try:
            stamp = dt.datetime.fromisoformat(str(record.file_modified).replace("Z", "+00:00"))
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.timezone.utc)
        return in_china_time(stamp).date()  # a recording at 07:30 in Zichuan is 23:30 UTC
    return None


# What a refused action did not do, in the message that refuses it (zh, en): the reason and
# the remedy are the same whether a file was being attached, exported or checked.
NOTHING_RECORDED = ("未记录任何证据", "nothing was recorded")
NOTHING_EXPORTED = ("未写出任何文件", "nothing was written")
NOTHING_CHECKED = ("未检查任何文件", "no file was checked")
NOT_READ = ("未读取该文件", "the file not read")
NOT_PRINTED = ("未印在核查表上", "not printed on its sheet")


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


FILE_MISSING, FILE_ALTERED = "missing", "altered"  # as EvidenceProblem.problem says them
# A stored path refused (evidence_file, open_evidence_file): no file was read, and none is
# known to be gone. Counted apart from the missing, so the check and the export do not tell
# the province that files are lost when a path was written by hand or a photo replaced by a
# link. The panel marks it so too (its rows and the photo layer), its tooltip saying why.
FILE_REFUSED = "refused"
PROBLEM_KINDS = (FILE_MISSING, FILE_ALTERED, FILE_REFUSED)


def problem_counts(problems: Iterable[EvidenceProblem]) -> dict[str, int]:
    """How many of the problems are of each kind (PROBLEM_KINDS), every kind present."""
    counts = dict.fromkeys(PROBLEM_KINDS, 0)
    for problem in problems:
        counts[problem.problem] += 1
    return counts


def problem_summary(problems: Iterable[EvidenceProblem]) -> str:
    """How many evidence files are missing, altered and refused, each apart, "中文 / English":
    the one sentence the evidence check and the export's summary both say it in, in the
    words of the manifest's 核验结果 (export.MANIFEST_CHECKS)."""
    counts = problem_counts(problems)
    missing, altered, refused = (counts[kind] for kind in PROBLEM_KINDS)
    return (
        f"证据文件缺失 {missing} 件，已改动 {altered} 件，路径被拒绝 {refused} 件（未读取） / "
        f"{missing} missing, {altered} altered, {refused} refused (stored path not read)"
    )


def check_evidence_integrity(
    ledger: LedgerStore, states: EvidenceFileStates | None = None
) -> list[EvidenceProblem]:
    """(tests) Evidence whose file is missing or whose content no longer matches its recorded
    hash, judged as the panel marks its rows (EvidenceFileStates: one rule for both). Given the
    panel's `states`, what the check found is kept there: the photo layer marks every photo
    so found, not only those of spots whose page was shown, and no file is hashed again
    when its page comes up.

    An evidence folder that cannot be read at all is refused (readable_evidence_dir) rather
    than every file reported missing. The dock runs these two steps itself, the check in a
    background task (ui/evidence_check.py); this is the one call of them, for the tests."""
    records = ledger.evidence()
    root = readable_evidence_dir(ledger, records, NOTHING_CHECKED)
    return check_evidence_files(root, records, states)[0]


def check_evidence_files(
    root: Path,
    records: list[EvidenceRecord],
    states: EvidenceFileStates | None = None,
    progress: Callable[[float], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> tuple[list[EvidenceProblem], int]:
    """check_evidence_integrity's work on the files alone, with no ledger: what a background
    task runs, the records read on the ledger's own thread (readable_evidence_dir). Returns the
    problems found and how many records were checked: fewer than all once ``is_cancelled``
    said so. ``progress`` gets the percentage done after each file."""
    problems: list[EvidenceProblem] = []
    states = states if states is not None else EvidenceFileStates()
    for done, record in enumerate(records):
        if is_cancelled is not None and is_cancelled():
            return problems, done
        if progress is not None and done:
            progress(100.0 * done / len(records))
        found = states.state(root, record)
        if found == FILE_REFUSED:  # by its look at the path, or on opening the file
            refusal = states.refusal(root, record)
            assert refusal is not None  # state() keeps why whenever it finds a path refused
            message = refusal.said(f"fid {record.spot_id}", NOT_READ)
        elif found == FILE_MISSING:
            message = f"证据文件缺失 / evidence file missing: {root / record.path}"
        elif found == FILE_ALTERED:
            message = (
                f"证据文件已被改动（哈希不符）/ evidence file altered (hash differs): "
                f"{root / record.path}"
            )
        else:
            continue
        problems.append(EvidenceProblem(record.id, record.spot_id, record.path, found, message))
    return problems, len(records)


class EvidenceFileStates:
    """Whether recorded evidence files are still on disk as recorded, remembered by size and
    modification time: the panel looks at a spot's files each time its page is shown, and a
    file is read through (hashed) once, then again only when its size or time changed."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[int, int, str]] = {}  # size, time, state
        self._found: dict[tuple[str, str], str] = {}  # the state last found of each file
        # A hash under way (size, time, hasher, bytes read), so a big file (a 500 MB video on
        # a share) is read a piece at a time between the panel's events (hash_step).
        self._hashing: dict[tuple[str, str], tuple[int, int, Any, int]] = {}
        # For a copy (copy()): what it started from, so take() tells what it changed.
        self._copied: tuple[dict, dict] = ({}, {})
        # Why each path last found refused was refused: the panel's tooltip says it.
        self._refusals: dict[tuple[str, str], EvidencePathError] = {}

    def copy(self) -> EvidenceFileStates:
        """What is known so far, for a check run in another thread: the files known at their
        size and time are not read again there, and this one is not touched meanwhile."""
        other = EvidenceFileStates()
        other._known, other._found = dict(self._known), dict(self._found)
        other._refusals = dict(self._refusals)
        other._copied = (dict(self._known), dict(self._found))
        return other

    def take(self, other: EvidenceFileStates) -> None:
        """What ``other`` (a copy a finished check used) found, kept here as if found here: each
        entry it changed, unless this one changed that entry too since the copy was made (the
        panel looked at the file meanwhile and what it found is newer than the check's)."""
        known_then, found_then = other._copied
        for mine, theirs, then in (
            (self._known, other._known, known_then),
            (self._found, other._found, found_then),
        ):
            for key, value in theirs.items():
                if value != then.get(key) and mine.get(key) == then.get(key):
                    mine[key] = value
        for key, refused in other._refusals.items():  # why, where what it found is kept
            if self._found.get(key) == other._found.get(key) == FILE_REFUSED:
                self._refusals[key] = refused

    def clear(self) -> None:
        self._known.clear()
        self._found.clear()
        self._hashing.clear()
        self._refusals.clear()

    def last_found(self, root: str | os.PathLike, record: EvidenceRecord) -> str:
        """The state last found of a file ("" when never looked at), without looking again:
        for the photo layer, which must not read a share's folder for every photo."""
        return self._found.get((str(root), record.path), "")

    def refusal(self, root: str | os.PathLike, record: EvidenceRecord) -> EvidencePathError | None:
        """Why the file was last found FILE_REFUSED (None when it was not)."""
        if self.last_found(root, record) != FILE_REFUSED:
            return None
        return self._refusals.get((str(root), record.path))

    def quick_state(self, root: str | os.PathLike, record: EvidenceRecord) -> str | None:
        """FILE_MISSING, FILE_REFUSED, FILE_ALTERED, "" (as recorded) from what is known
        without reading the file: gone, its path refused, of another size, or hashed before at
        this size and time; None when only its hash can tell (state)."""
        found = self._quick_state(root, record)
        if found is not None:
            self._found[(str(root), record.path)] = found
        return found

    def _quick_state(self, root: str | os.PathLike, record: EvidenceRecord) -> str | None:
        try:
            status = evidence_file(root, record.path).stat()
        except FileNotFoundError:
            return FILE_MISSING
        except EvidencePathError as refused:
            # Not read, so not known to be gone: a photo replaced by a link is still there.
            self._refusals[(str(root), record.path)] = refused
            return FILE_REFUSED
        except OSError:
            return None  # a share out of reach: not known missing
        if not stat.S_ISREG(status.st_mode):
            return FILE_MISSING  # a folder of its name is no file
        if record.size is not None and status.st_size != int(record.size):
            return FILE_ALTERED
        known = self._known.get((str(root), record.path))
        if known is not None and known[:2] == (status.st_size, status.st_mtime_ns):
            return known[2]
        return None

    def state(self, root: str | os.PathLike, record: EvidenceRecord) -> str:
        """FILE_MISSING, FILE_REFUSED, FILE_ALTERED or "" (present as recorded), hashing the
        file if need be."""
        found = self.hash_step(root, record, None)
        assert found is not None  # no budget: the file is read through
        return found

    def hash_step(
        self, root: str | os.PathLike, record: EvidenceRecord, budget: int | None
    ) -> str | None:
        """As state, reading at most ``budget`` bytes of the file (None: all of it) and going on
        where the last call stopped; None while the hash is not through. A file whose size or
        time changed meanwhile is read again from its start."""
        quick = self.quick_state(root, record)
        if quick is not None:
            return quick
        key = (str(root), record.path)
        try:
            # Again, and the very file opened: a link may have come meanwhile.
            with open_evidence_file(root, record.path) as handle:
                status = os.fstat(handle.fileno())
                size, time = status.st_size, status.st_mtime_ns
                started = self._hashing.get(key)
                if started is None or started[:2] != (size, time):
                    started = (size, time, hashlib.sha256(), 0)
                _, _, hasher, done = started
                handle.seek(done)
                while budget is None or budget > 0:
                    block = handle.read(1 << 20 if budget is None else min(1 << 20, budget))
                    if not block:
                        break
                    hasher.update(block)
                    done += len(block)
                    if budget is not None:
                        budget -= len(block)
            if done < size:
                self._hashing[key] = (size, time, hasher, done)
                return None
            self._hashing.pop(key, None)
            found = "" if hasher.hexdigest() == record.sha256 else FILE_ALTERED
        except FileNotFoundError:
            self._hashing.pop(key, None)
            found = FILE_MISSING
        except EvidencePathError as refused:  # a link swapped in after the look: not read
            self._hashing.pop(key, None)
            self._refusals[key] = refused
            found = FILE_REFUSED
        else:
            self._known[key] = (size, time, found)
        self._found[key] = found
        return found
