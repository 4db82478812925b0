"""Attaching field evidence in the dock: what is refused and why, the Attach… dialog's
filters, files gone or altered on disk marked on the page and the map, and a long drop."""

# The dock's fixtures are test_verification_dock's, imported: the tests' arguments name them.
# ruff: noqa: F811

from __future__ import annotations

import threading
import time

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QFileDialog, QProgressDialog

from tests.test_verification_dock import (  # noqa: F401
    _gps_photo,
    _panel_layers,
    answers,
    dock,
    ledger_path,
)
from zc_enforcement_plugin.core import evidence
from zc_enforcement_plugin.core.bidi import isolated
from zc_enforcement_plugin.i18n import in_interface_language, install_translator
from zc_enforcement_plugin.ui import evidence_actions
from zc_enforcement_plugin.ui.evidence_layer import FILE_STATE_FIELD

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200 + b"\xff\xd9"


def _finish_evidence_check(dock):
    """Let the page's files be hashed, a file per turn of the event loop, as in QGIS."""
    for _ in range(100):
        if not dock._unchecked and not dock._evidence_timer.isActive():
            return
        QCoreApplication.processEvents()
    raise AssertionError(f"files left unchecked: {dock._unchecked}")


def _wait_for_evidence_check(dock, task) -> None:
    """Turn the event loop until the check's task ended and the dock took its results."""
    deadline = time.monotonic() + 60  # a bound on a hang, not a timing: the files are tiny
    while dock.evidence_check is task:
        assert time.monotonic() < deadline, f"the evidence check never ended: {task.status()}"
        QCoreApplication.processEvents()
        time.sleep(0.001)


def _run_evidence_check(dock) -> list:
    """检查举证材料 pressed and waited for: what it found."""
    _wait_for_evidence_check(dock, dock.check_evidence())
    return dock.evidence_problems


def _gated_hashing(monkeypatch) -> threading.Event:
    """Each file the check hashes waits for the returned gate: the check is held running.
    ``gate.reached`` is set once the first file is being hashed."""
    gate = threading.Event()
    gate.reached = threading.Event()
    real = evidence.EvidenceFileStates.state

    def held(states, root, record):
        gate.reached.set()
        assert gate.wait(60), "the test never let the check go on"
        return real(states, root, record)

    monkeypatch.setattr(evidence.EvidenceFileStates, "state", held)
    return gate


def _damaged_spot(dock, tmp_path):
    """The second spot with gone.jpg and edited.jpg attached, then one deleted and one altered;
    the dock back on the first spot."""
    dock.go_next()
    spot = dock.session.current()
    photos = [
        _gps_photo(tmp_path / f"{n}.jpg", c)
        for n, c in (("gone", (255, 0, 0)), ("edited", (0, 255, 0)))
    ]
    assert dock.attach_files([str(p) for p in photos]) == []
    _lose_and_alter(dock.session.store.evidence_dir / spot.number)
    dock.go_previous()
    return spot


def test_the_evidence_check_runs_in_the_task_manager_and_the_dock_stays_usable(
    dock, ledger_path, tmp_path, monkeypatch, qgis_iface
):
    """检查举证材料 hashed every evidence file of the ledger on the UI thread, QGIS frozen
    (minutes for a three-year ledger's photos on a share). It runs as a task of QGIS's task
    manager: the dock moves between spots while it runs, its button shows the progress, and
    what it found is said when it ends, as before."""
    from qgis.core import QgsApplication, QgsTask

    dock.open_ledger(str(ledger_path))
    _damaged_spot(dock, tmp_path)
    warned = []
    monkeypatch.setattr(dock, "_warn", warned.append)
    gate = _gated_hashing(monkeypatch)
    task = dock.check_evidence()
    assert task in QgsApplication.taskManager().tasks()
    assert task.flags() & QgsTask.Flag.CanCancel
    first = dock.session.current_id
    dock.go_next()  # usable while the files are hashed
    assert dock.session.current_id != first and dock.evidence_check is task
    assert dock.check_button.text().startswith("Cancel check")
    dock.grab().save(str(tmp_path / "evidence_check_running.png"))
    gate.set()
    _wait_for_evidence_check(dock, task)
    assert {p.problem for p in dock.evidence_problems} == {
        evidence.FILE_MISSING,
        evidence.FILE_ALTERED,
    }
    assert len(warned) == 1 and "missing" in warned[0] and "altered" in warned[0]
    assert dock.check_button.text() == "Check evidence"
    dock.grab().save(str(tmp_path / "evidence_check_done.png"))


def test_a_cancelled_evidence_check_says_it_was_cancelled_and_how_far_it_got(
    dock, ledger_path, tmp_path, monkeypatch
):
    """Pressed again while it runs, the button cancels the check: what it found in the files
    it checked is said, with how many of them it checked."""
    dock.open_ledger(str(ledger_path))
    _damaged_spot(dock, tmp_path)
    warned = []
    monkeypatch.setattr(dock, "_warn", warned.append)
    gate = _gated_hashing(monkeypatch)
    task = dock.check_evidence()
    deadline = time.monotonic() + 60
    # The first file being hashed (a task merely running may not have reached it yet: under
    # load the cancel then came before any file, and none was checked).
    while not gate.reached.is_set():
        assert time.monotonic() < deadline
        QCoreApplication.processEvents()
    dock.check_button.click()  # cancel
    gate.set()
    _wait_for_evidence_check(dock, task)
    assert task.checked == 1 and len(task.records) == 2
    (said,) = warned
    assert said.startswith("The evidence check was cancelled: 1 of 2 files checked")
    assert dock.check_button.text() == "Check evidence"


def test_the_evidence_check_counts_a_refused_path_apart_from_the_missing_files(
    dock, ledger_path, tmp_path, monkeypatch
):
    """A photo replaced by a link was reported as one more missing file: the check now says
    how many files are missing, altered and refused (not read), each apart."""
    dock.open_ledger(str(ledger_path))
    spot = _damaged_spot(dock, tmp_path)  # gone.jpg missing, edited.jpg altered
    folder = dock.session.store.evidence_dir / spot.number
    dock.go_next()
    assert dock.attach_files([str(_gps_photo(tmp_path / "linked.jpg", (0, 0, 255)))]) == []
    (folder / "linked.jpg").unlink()
    (folder / "linked.jpg").symlink_to(tmp_path / "linked.jpg")  # the same bytes, elsewhere
    warned = []
    monkeypatch.setattr(dock, "_warn", warned.append)
    problems = _run_evidence_check(dock)
    assert sorted(p.problem for p in problems) == ["altered", "missing", "refused"]
    (said,) = warned
    assert said.startswith("证据文件缺失 1 件，已改动 1 件，路径被拒绝 1 件（未读取） / ")
    assert said.split("\n")[0].endswith(" / 1 missing, 1 altered, 1 refused (stored path not read)")
    refused = next(p for p in problems if p.problem == evidence.FILE_REFUSED)
    assert refused.message in said and "linked.jpg" in refused.message


def test_the_check_and_the_export_count_the_same_problems_in_the_same_sentence(
    dock, ledger_path, tmp_path, monkeypatch, provider
):
    """The count of missing, altered and refused files was phrased twice, by the evidence
    check and by the export's summary, and the two had drifted apart (a full stop, 个 and
    件): the same problems are said in one sentence (evidence.problem_summary) by both, in
    English and in Chinese."""
    import processing

    dock.open_ledger(str(ledger_path))
    spot = _damaged_spot(dock, tmp_path)  # gone.jpg missing, edited.jpg altered
    folder = dock.session.store.evidence_dir / spot.number
    dock.go_next()
    assert dock.attach_files([str(_gps_photo(tmp_path / "linked.jpg", (0, 0, 255)))]) == []
    (folder / "linked.jpg").unlink()
    (folder / "linked.jpg").symlink_to(tmp_path / "linked.jpg")
    warned = []
    monkeypatch.setattr(
        dock, "_warn", lambda message: warned.append(in_interface_language(message))
    )
    for language, counted in (
        (None, "1 missing, 1 altered, 1 refused (stored path not read)"),
        ("zh_CN", "证据文件缺失 1 件，已改动 1 件，路径被拒绝 1 件（未读取）"),
    ):
        translator = install_translator(language) if language else None
        try:
            warned.clear()
            problems = _run_evidence_check(dock)
            result = processing.run(
                "zcenforcement:exportverification",
                {
                    "LEDGER": str(ledger_path),
                    "OUTPUT_FOLDER": str(tmp_path / f"out_{language}"),
                    "WITH_PDF": False,
                },
            )
            expected = in_interface_language(evidence.problem_summary(problems))
        finally:
            if translator is not None:
                QCoreApplication.removeTranslator(translator)
        (said,) = warned
        checked = said.split("\n")[0]
        assert counted in checked and checked == expected, (checked, expected)
        assert (" / " in checked) == (language is None)  # Chinese alone in Chinese
        assert checked in result["SUMMARY"].split("\n"), (checked, result["SUMMARY"])


def test_a_big_file_is_hashed_a_piece_per_turn_so_the_panel_stays_responsive(
    dock, ledger_path, tmp_path, monkeypatch
):
    """A 500 MB video on a share was hashed whole in one turn of the event loop, the panel
    frozen meanwhile. A piece is read per turn (HASH_BYTES_PER_TURN, lowered here to 64 bytes):
    the row is marked once the last piece is read, and not before."""
    from zc_enforcement_plugin.ui import evidence_actions

    monkeypatch.setattr(evidence_actions, "HASH_BYTES_PER_TURN", 64)
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    photo = _gps_photo(tmp_path / "big.jpg", (0, 0, 255))
    assert dock.attach_files([str(photo)]) == []
    stored = dock.session.store.evidence_dir / spot.number / "big.jpg"
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF  # same size: only the hash tells
    stored.write_bytes(bytes(data))
    pieces = -(-len(data) // 64)
    assert pieces > 2

    dock.go_next()
    dock.go_previous()
    turns = 0
    while dock._unchecked:
        assert not dock.evidence_list.item(0).text().startswith("Altered")
        dock._check_next_evidence()
        turns += 1
    assert turns == pieces
    assert dock.evidence_list.item(0).text().startswith(f"Altered: [Photo] {spot.number}/big.jpg")


def test_files_not_what_they_claim_are_refused_and_the_rest_of_the_drop_attached(
    dock, ledger_path, tmp_path
):
    """A text file named .jpg and an empty .jpg were recorded as photos, counted as evidence and
    dated a step by their file time; now each is refused naming the file, the spot and what
    the content is, nothing recorded or left in the folder for it."""
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    text = tmp_path / "notimage.jpg"
    text.write_text("this is a text file renamed to jpg\n")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    good = tmp_path / "site.jpg"
    good.write_bytes(JPEG)
    screenshot = tmp_path / "shot.jpg"  # a PNG saved under a .jpg name
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    problems = dock.attach_files([str(text), str(empty), str(good), str(screenshot), str(scan)])
    assert len(problems) == 4
    assert problems[3] == (
        f"不是照片、视频或录音文件，未登记到图斑 {spot.number}：{scan} / not a photo, video or "
        f"audio file, not recorded for spot {spot.number}: {scan}"
    )
    assert f"内容不是 JPEG 图片（看来是文本），未登记到图斑 {spot.number}：{text} / " in problems[0]
    assert "the content is not a JPEG image (it looks like text)" in problems[0]
    assert f"证据文件是空文件（0 字节），未登记到图斑 {spot.number}：{empty} / " in problems[1]
    assert "内容不是 JPEG 图片（看来是PNG 图片）" in problems[2]
    # In a Chinese interface each reads in Chinese alone, the file and the spot kept.
    translator = install_translator("zh_CN")
    try:
        assert [in_interface_language(problem) for problem in problems[:2]] == [
            f"内容不是 JPEG 图片（看来是文本），未登记到图斑 {spot.number}：{text}",
            f"证据文件是空文件（0 字节），未登记到图斑 {spot.number}：{empty}",
        ]
    finally:
        QCoreApplication.removeTranslator(translator)
    records = dock.session.store.evidence(spot.id)
    assert [r.original_name for r in records] == ["site.jpg"]
    folder = dock.session.store.evidence_dir / spot.number
    assert sorted(p.name for p in folder.iterdir()) == ["site.jpg"]
    assert dock.evidence_list.count() == 1


def test_the_attach_dialog_lists_every_evidence_format_and_all_files(
    dock, ledger_path, monkeypatch
):
    """An iPhone's .HEIC (and .tif, .3gp, .avi, .mkv, .aac) could not be picked in Attach…:
    its filter was a list of its own. Now it is the one table's, with All files."""
    dock.open_ledger(str(ledger_path))
    asked = []

    def pick(_parent, _title, _folder, filters):
        asked.append(filters)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pick)
    dock.attach_dialog()
    (filters,) = asked
    first, *rest = filters.split(";;")
    for pattern in ("*.HEIC", "*.heic", "*.tif", "*.3gp", "*.avi", "*.mkv", "*.aac", "*.JPG"):
        assert pattern in first.split("(")[1], pattern
    for suffix in evidence.evidence_suffixes():
        assert f"*{suffix} " in first
    assert rest[-1].endswith("(*)")
    assert len(rest) == 4  # photos, videos, recordings, all files


def _lose_and_alter(folder):
    """gone.jpg deleted and edited.jpg altered in a spot's evidence folder, as a share is
    damaged by hand; the altered file returned."""
    (folder / "gone.jpg").unlink()
    stored = folder / "edited.jpg"
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF  # the same size: only its hash tells
    stored.write_bytes(bytes(data))
    return stored


def test_files_gone_or_altered_on_disk_are_marked_on_the_page_and_the_map(
    dock, ledger_path, tmp_path
):
    """A photo deleted from the evidence folder, and one edited in place (same size: only its
    hash tells), showed as if fine and kept their points on the map as photos."""
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    kept, gone, edited = (
        _gps_photo(tmp_path / f"{name}.jpg", colour)
        for name, colour in (("kept", (0, 0, 0)), ("gone", (255, 0, 0)), ("edited", (0, 255, 0)))
    )
    assert dock.attach_files([str(kept), str(gone), str(edited)]) == []
    root = dock.session.store.evidence_dir
    stored = _lose_and_alter(root / spot.number)

    dock.go_next()
    dock.go_previous()
    assert dock.session.current_id == spot.id
    rows = [dock.evidence_list.item(i).text() for i in range(dock.evidence_list.count())]
    assert rows[1].startswith(f"Missing: [Photo] {spot.number}/gone.jpg")  # seen at once
    _finish_evidence_check(dock)
    rows = [dock.evidence_list.item(i).text() for i in range(dock.evidence_list.count())]
    assert rows[0] == f"[Photo] {spot.number}/kept.jpg  (117.90000, 36.60000)"
    assert rows[2].startswith(f"Altered: [Photo] {spot.number}/edited.jpg")
    assert "evidence folder" in dock.evidence_list.item(1).toolTip()
    assert "SHA-256" in dock.evidence_list.item(2).toolTip()

    (layer,) = _panel_layers()
    marks = {f["path"]: f[FILE_STATE_FIELD] for f in layer.getFeatures()}
    assert marks == {
        f"{spot.number}/kept.jpg": "",
        f"{spot.number}/gone.jpg": evidence.FILE_MISSING,
        f"{spot.number}/edited.jpg": evidence.FILE_ALTERED,
    }
    symbols = {c.value(): c.symbol().symbolLayer(0).shape() for c in layer.renderer().categories()}
    assert symbols[evidence.FILE_MISSING] != symbols[""]

    # Put back as recorded, the marks go on the next showing.
    (root / spot.number / "gone.jpg").write_bytes(gone.read_bytes())
    stored.write_bytes(edited.read_bytes())
    dock.go_next()
    dock.go_previous()
    _finish_evidence_check(dock)
    assert not any(
        dock.evidence_list.item(i).text().startswith(("Missing", "Altered")) for i in range(3)
    )
    (layer,) = _panel_layers()
    assert {f[FILE_STATE_FIELD] for f in layer.getFeatures()} == {""}


def test_a_photo_replaced_by_a_link_is_marked_refused_on_the_page_and_the_map_not_missing(
    dock, ledger_path, tmp_path
):
    """A photo replaced by a symbolic link was marked 缺失 on its row and on the map, as if
    the file were lost, while the check and the export said 路径被拒绝: the file is there,
    only not read. The row and the photo's point say it was refused, the row's tooltip why;
    a file deleted beside it is still missing."""
    dock.open_ledger(str(ledger_path))
    spot = dock.session.current()
    linked, gone = (
        _gps_photo(tmp_path / f"{name}.jpg", colour)
        for name, colour in (("linked", (0, 0, 255)), ("gone", (255, 0, 0)))
    )
    assert dock.attach_files([str(linked), str(gone)]) == []
    folder = dock.session.store.evidence_dir / spot.number
    (folder / "linked.jpg").unlink()
    (folder / "linked.jpg").symlink_to(linked)  # the same bytes, elsewhere
    (folder / "gone.jpg").unlink()

    def rows():
        dock.go_next()
        dock.go_previous()
        _finish_evidence_check(dock)
        items = [dock.evidence_list.item(i) for i in range(dock.evidence_list.count())]
        return [item.text() for item in items], [item.toolTip() for item in items]

    texts, tips = rows()
    assert texts[0].startswith(f"Path refused: [Photo] {spot.number}/linked.jpg"), texts
    assert "is a symbolic link" in tips[0] and "no longer in the evidence folder" not in tips[0]
    assert texts[1].startswith(f"Missing: [Photo] {spot.number}/gone.jpg"), texts
    (layer,) = _panel_layers()
    assert {f["path"]: f[FILE_STATE_FIELD] for f in layer.getFeatures()} == {
        f"{spot.number}/linked.jpg": evidence.FILE_REFUSED,
        f"{spot.number}/gone.jpg": evidence.FILE_MISSING,
    }
    labels = {c.value(): c.label() for c in layer.renderer().categories()}
    assert labels[evidence.FILE_REFUSED] == "Path refused"
    # In a Chinese interface in the manifest's word for it, 路径被拒绝, the reason in Chinese.
    translator = install_translator("zh_CN")
    try:
        texts, tips = rows()
    finally:
        QCoreApplication.removeTranslator(translator)
    assert texts[0].startswith(f"【路径被拒绝】[照片] {spot.number}/linked.jpg"), texts
    assert "是符号链接" in tips[0], tips[0]
    assert texts[1].startswith(f"【缺失】[照片] {spot.number}/gone.jpg"), texts


def test_checking_all_evidence_marks_every_photo_on_the_map_not_only_pages_seen(
    dock, ledger_path, tmp_path, answers, monkeypatch
):
    """The map marked a photo missing or altered only once its spot's page had been shown (the
    layer never reads a share's folder for every photo): 检查举证材料 reads them all, and now the
    map shows what it found for every spot, with no file hashed again when its page comes up."""
    dock.open_ledger(str(ledger_path))
    first = dock.session.current_id
    dock.go_next()
    spot = dock.session.current()
    gone, edited = (
        _gps_photo(tmp_path / f"{name}.jpg", colour)
        for name, colour in (("gone", (255, 0, 0)), ("edited", (0, 255, 0)))
    )
    assert dock.attach_files([str(gone), str(edited)]) == []
    root = dock.session.store.evidence_dir
    _lose_and_alter(root / spot.number)
    dock.go_previous()
    dock.open_ledger(str(ledger_path))  # a new session: nothing known of the files
    assert dock.session.current_id == first
    _finish_evidence_check(dock)
    (layer,) = _panel_layers()
    marks = {f["path"]: f[FILE_STATE_FIELD] for f in layer.getFeatures()}
    assert marks == {f"{spot.number}/gone.jpg": "", f"{spot.number}/edited.jpg": ""}  # unseen

    problems = _run_evidence_check(dock)
    assert {p.problem for p in problems} == {evidence.FILE_MISSING, evidence.FILE_ALTERED}
    assert dock.session.current_id == first  # the spot's page was never shown
    (layer,) = _panel_layers()
    marks = {f["path"]: f[FILE_STATE_FIELD] for f in layer.getFeatures()}
    assert marks == {
        f"{spot.number}/gone.jpg": evidence.FILE_MISSING,
        f"{spot.number}/edited.jpg": evidence.FILE_ALTERED,
    }
    # Its page then shows the rows so marked without reading the altered file through again.
    read = []
    real = evidence.hashlib.sha256
    monkeypatch.setattr(evidence.hashlib, "sha256", lambda *a: read.append(a) or real(*a))
    dock.go_next()
    assert dock.session.current_id == spot.id
    _finish_evidence_check(dock)
    rows = [dock.evidence_list.item(i).text() for i in range(dock.evidence_list.count())]
    assert rows[0].startswith("Missing:") and rows[1].startswith("Altered:")
    assert read == []


def test_a_file_once_hashed_is_not_read_again_until_it_changes(tmp_path, monkeypatch):
    source = tmp_path / "a.jpg"
    source.write_bytes(JPEG)
    root = tmp_path / "evidence"
    record = evidence.store_evidence_in(root, "S1", source, "photo")
    states = evidence.EvidenceFileStates()
    read = []  # a hash begun is a file read through
    real = evidence.hashlib.sha256
    monkeypatch.setattr(evidence.hashlib, "sha256", lambda *a: read.append(a) or real(*a))
    assert states.quick_state(root, record) is None  # only its hash can tell
    assert states.state(root, record) == "" and len(read) == 1
    assert states.state(root, record) == "" and len(read) == 1  # remembered
    (root / record.path).write_bytes(JPEG[:-1] + b"\x00")  # same size, new time and content
    assert states.state(root, record) == evidence.FILE_ALTERED and len(read) == 2
    (root / record.path).unlink()
    assert states.quick_state(root, record) == evidence.FILE_MISSING


def test_a_long_drop_shows_progress_and_a_cancel_keeps_what_was_attached(
    dock, ledger_path, tmp_path, monkeypatch
):
    """200 photos held QGIS still with no word; now a drop of more than a handful shows a
    progress dialog, and Cancel stops it keeping the files attached so far, saying how many."""
    dock.open_ledger(str(ledger_path))
    spot_id = dock.session.current_id
    files = []
    for number in range(evidence_actions.ATTACH_PROGRESS_FROM + 3):
        photo = tmp_path / f"P{number:03d}.jpg"
        photo.write_bytes(JPEG + bytes([number]))
        files.append(str(photo))
    attach = dock.session.attach_evidence
    seen = []

    def attach_then_cancel(file):
        (progress,) = dock.findChildren(QProgressDialog, "attachProgress")
        seen.append((progress.isVisible(), progress.value(), progress.maximum()))
        record = attach(file)
        if len(seen) == 3:
            progress.cancel()  # the user's click while the third file is copied
        return record

    monkeypatch.setattr(dock.session, "attach_evidence", attach_then_cancel)
    problems = dock.attach_files(files)
    count = len(files)
    assert seen == [(True, 0, count), (True, 1, count), (True, 2, count)]
    assert [r.original_name for r in dock.session.store.evidence(spot_id)] == [
        "P000.jpg",
        "P001.jpg",
        "P002.jpg",
    ]
    assert problems == [
        f"Attaching was cancelled: 3 of {count} files attached, {count - 3} not attached "
        "(from P003.jpg on)."
    ]
    assert "Attaching was cancelled" in dock.details.toPlainText()
    assert not any(p.isVisible() for p in dock.findChildren(QProgressDialog))
    # A handful is attached without a dialog.
    shown = []
    monkeypatch.setattr(
        dock.session,
        "attach_evidence",
        lambda file: (
            shown.extend(p for p in dock.findChildren(QProgressDialog) if p.isVisible())
            or attach(file)
        ),
    )
    assert dock.attach_files(files[3:5]) == [] and shown == []
    assert len(dock.session.store.evidence(spot_id)) == 5


def test_with_a_filter_set_the_evidence_check_covers_the_spots_listed_and_says_so(
    dock, ledger_path, tmp_path, monkeypatch
):
    """A three-year ledger's check hashed every photo of the ledger even when the technician
    had one batch, office or town listed. With a filter set it checks the files of the spots
    listed and says so; with none, the whole ledger as before."""
    from qgis.PyQt.QtWidgets import QMessageBox

    dock.open_ledger(str(ledger_path))
    damaged = _damaged_spot(dock, tmp_path)
    store = dock.session.store
    other_town = next(s.town for s in dock.session.queue if s.town != damaged.town)
    informed, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: informed.append(text))
    monkeypatch.setattr(dock, "_warn", warned.append)
    town_box = dock.filter_boxes["town"]

    town_box.setCurrentIndex(town_box.findData(other_town))
    listed = {s.id for s in dock.session.queue}
    assert damaged.id not in listed
    task = dock.check_evidence()
    assert all(record.spot_id in listed for record in task.records)
    _wait_for_evidence_check(dock, task)
    assert dock.evidence_problems == [] and warned == []
    (said,) = informed
    # the filter's words isolated: a name's direction marks cannot turn the sentence round
    assert f"the evidence of the {len(listed)} spots listed ({isolated(other_town)})" in said
    assert "Their evidence files are all present and unaltered." in said

    town_box.setCurrentIndex(town_box.findData(damaged.town))
    assert _run_evidence_check(dock) and len(warned) == 1
    assert warned[0].startswith(
        f"Checked: the evidence of the {len(dock.session.queue)} spots listed "
        f"({isolated(damaged.town)})."
    )

    town_box.setCurrentIndex(0)  # all towns: no filter, the whole ledger
    task = dock.check_evidence()
    assert len(task.records) == len(store.evidence())
    _wait_for_evidence_check(dock, task)
    assert not warned[1].startswith("Checked:")
