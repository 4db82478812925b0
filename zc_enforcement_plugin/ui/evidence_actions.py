"""The verification dock's evidence (EvidenceActions): the spot's evidence files on its page, each
marked missing, refused or altered as a look at the folder and a hash a file at a time find it;
files attached through the dialog or dropped on the panel; and 检查举证材料, the check of every
listed spot's files as a QGIS task, with what it found.

Apart from the dock because evidence is a concern of its own, and the largest: the review page
only shows the rows, and everything about the files (their formats, the hashing between the
panel's events, the photo layer kept in step, the check's task and its report) is read here.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QFileDialog, QListWidgetItem, QMessageBox, QProgressDialog, QWidget

from ..core import evidence, ledger
from ..core import ledger_schema as ls
from ..core.bidi import isolated
from ..core.capture_metadata import shown_time
from ..i18n import in_interface_language, tr
from .evidence_check import EvidenceCheckTask
from .evidence_layer import evidence_points_layer, mark_photo, photo_marks
from .messages import REFUSAL, colour, plain_html
from .slots import reported

# Files dropped at once beyond which attaching shows its progress and can be cancelled (a
# phone's photos of a day take seconds: 200 of them held QGIS still for 4 s, saying nothing).
ATTACH_PROGRESS_FROM = 5


def evidence_file_filter() -> str:
    """The Attach… dialog's file filters, from the one table of evidence formats (an iPhone's
    .HEIC was missing from a list kept here), each ending in both cases (a Linux dialog tells
    them apart), and All files: a file of another name is refused saying why."""

    def patterns(kind: str | None = None) -> str:
        return " ".join(
            f"*{suffix} *{suffix.upper()}" for suffix in evidence.evidence_suffixes(kind)
        )

    return ";;".join(
        (
            f"{tr('Photos, videos and recordings')} ({patterns()})",
            f"{tr('Photos')} ({patterns(ls.EVIDENCE_PHOTO)})",
            f"{tr('Videos')} ({patterns(ls.EVIDENCE_VIDEO)})",
            f"{tr('Recordings')} ({patterns(ls.EVIDENCE_AUDIO)})",
            f"{tr('All files')} (*)",
        )
    )


# The bytes of an evidence file hashed between two of the panel's events: a few milliseconds
# on a local disk, so keys and clicks are heard while a big video is checked.
HASH_BYTES_PER_TURN = 4 << 20


def _evidence_kind_label(kind: str) -> str:
    """A kind of evidence as the interface names it (照片 in a Chinese QGIS, Photo in English)."""
    labels = {
        ls.EVIDENCE_PHOTO: tr("Photo"),
        ls.EVIDENCE_VIDEO: tr("Video"),
        ls.EVIDENCE_AUDIO: tr("Recording"),
    }
    return labels.get(kind, kind)


def _mark_evidence_item(
    item: QListWidgetItem,
    record: ledger.EvidenceRecord,
    state,
    refusal: evidence.EvidencePathError | None,
    on: QWidget,
) -> None:
    """An evidence row: kind, file, camera time and position, after 缺失 / 路径被拒绝 / 已改动
    in red when the file is no longer as recorded or not read (``state`` from
    EvidenceFileStates; None not known yet). A path the plugin refuses to read (written by
    hand, or through a symbolic link) is marked so, not missing: the file may well be there,
    and the check and the export count it apart. Its tooltip says why (``refusal``)."""
    taken = f"  {shown_time(record.taken_at)}" if record.taken_at else ""
    gps = f"  ({record.gps_lon:.5f}, {record.gps_lat:.5f})" if record.gps_lon else ""
    text = f"[{_evidence_kind_label(record.kind)}] {record.path}{taken}{gps}"
    if state == evidence.FILE_MISSING:
        mark, why = tr("Missing"), tr("The file is no longer in the evidence folder: {path}")
    elif state == evidence.FILE_REFUSED:
        mark = tr("Path refused")
        reason = in_interface_language(refusal.reason) if refusal is not None else ""
        why = tr("Not read: the stored path is refused ({reason}): {path}").replace(
            "{reason}", reason.replace("{", "{{").replace("}", "}}")
        )
    elif state == evidence.FILE_ALTERED:
        mark = tr("Altered")
        why = tr("The file differs from the one recorded (its SHA-256 hash): {path}")
    else:
        item.setText(text)
        # The whole row: on a panel of usual width the camera time and position are cut off.
        item.setToolTip(plain_html(text))
        item.setData(Qt.ItemDataRole.ForegroundRole, None)
        return
    item.setText(tr("{mark}: {evidence}").format(mark=mark, evidence=text))
    item.setToolTip(plain_html(f"{why.format(path=record.path)}\n{text}"))
    item.setForeground(QColor(colour(REFUSAL, on)))  # on the list ``on``'s background


class EvidenceActions:
    """The dock's evidence, a mixin of VerificationDock (a QgsDockWidget): its dragEnterEvent
    and dropEvent are the dock's own Qt overrides, and attach_files, check_evidence and what
    they keep (file_states, evidence_check, evidence_problems) are the dock's, as the plugin
    and the tests use them. It works on what the dock holds: ``session``, ``stack`` and
    ``home``, ``evidence_list``, ``check_button``, ``filter_boxes`` and ``iface``, and says
    what it did through the dock's _show_current, _warn and _inform."""

    def _set_up_evidence(self) -> None:
        """The evidence's state, empty: no ledger is open yet."""
        self.setAcceptDrops(True)
        self.photos = None  # the evidence-photo point layer, once a ledger is open
        # Whether the evidence files shown are still as recorded: what a look at the folder
        # tells marks a row at once, the rest is hashed a file at a time once the page is up
        # (a spot's 40 MB photos must not hold up the move to it).
        self.file_states = evidence.EvidenceFileStates()
        self.evidence_check: EvidenceCheckTask | None = None  # 检查举证材料 while it runs
        self.evidence_problems: list[ledger.EvidenceProblem] = []  # what the last check found
        self._evidence_check_scope = ""  # the filters the running check follows, in words
        self._unchecked: list[tuple[int, ledger.EvidenceRecord]] = []  # (row, record)
        self._evidence_root: Path | None = None  # the evidence folder of the page shown
        self._evidence_timer = QTimer(self)
        self._evidence_timer.setSingleShot(True)
        self._evidence_timer.timeout.connect(self._check_next_evidence)
        # The marks the photo layer was last given, by file (see _layer_behind).
        self._marks_on_layer: dict[str, str] = {}
        self._attached_last = 0  # files the last attach_files recorded

    def _show_evidence(self, page: ledger.SpotPage) -> None:
        """The spot's evidence files, one a row, each marked 缺失, 路径被拒绝 or 已改动 where
        it is no longer as recorded or not read: a file gone, its path refused or of another
        size at once, one whose content changed
        once it is hashed, after the page is shown (_check_next_evidence), in the folder read
        with the page (the shared ledger's is on its server: not asked again per file)."""
        self.evidence_list.clear()
        root = self._evidence_root = page.evidence_dir
        self._unchecked = []
        for row, record in enumerate(page.evidence):
            item = QListWidgetItem(self.evidence_list)
            if root is None:  # a shared ledger without its folder: no file to look at
                _mark_evidence_item(item, record, None, None, self.evidence_list)
                continue
            state = self.file_states.quick_state(root, record)
            refusal = self.file_states.refusal(root, record)
            _mark_evidence_item(item, record, state, refusal, self.evidence_list)
            if state is None:
                self._unchecked.append((row, record))
            elif self._layer_behind(record, state):
                self._mark_photo(record, state)
        if self._unchecked:
            self._evidence_timer.start(0)

    def _check_next_evidence(self) -> None:
        """Hash a piece of the next file of the page shown (HASH_BYTES_PER_TURN), mark its row
        once it is through, and come back: a 500 MB video on a share is read between the
        panel's events, and moving on to another spot drops the rest of the page's files."""
        if not self._unchecked or self.session.store is None:
            self._unchecked = []
            return
        row, record = self._unchecked[0]
        try:
            state = self.file_states.hash_step(self._evidence_root, record, HASH_BYTES_PER_TURN)
        except OSError:
            self._unchecked.pop(0)  # unreadable now (a share gone): left unmarked, not missing
            if self._unchecked:
                self._evidence_timer.start(0)
            return
        if state is None:  # not through yet
            self._evidence_timer.start(0)
            return
        self._unchecked.pop(0)
        item = self.evidence_list.item(row)
        if item is not None and state is not None:
            refusal = self.file_states.refusal(self._evidence_root, record)
            _mark_evidence_item(item, record, state, refusal, self.evidence_list)
            if self._layer_behind(record, state):
                self._mark_photo(record, state)
        if self._unchecked:
            self._evidence_timer.start(0)

    def _layer_behind(self, record: ledger.EvidenceRecord, state: str) -> bool:
        """Whether the photo layer shows a photo's file otherwise than the page found it: its
        point is to be marked missing, refused or altered as the list row is (or unmarked)."""
        if record.gps_lon is None or record.gps_lat is None:
            return False  # not on the layer
        return self._marks_on_layer.get(record.path, "") != state

    def _mark_photo(self, record: ledger.EvidenceRecord, state: str) -> None:
        """Mark the photo's point as its page found its file: on the layer itself, as a
        rebuild reads the ledger again (on the shared ledger, at a move to a spot whose
        photo is missing); rebuilt only when the layer has no point of it."""
        if mark_photo(QgsProject.instance(), record.path, state):
            self._marks_on_layer[record.path] = state
        else:
            self._refresh_photos()

    def _refresh_photos(self) -> None:
        """Rebuild the photo layer from the ledger, its points marked from what is known of
        their files (a look at the folder and the files already hashed)."""
        if self.session.store is None:
            return
        self.photos = evidence_points_layer(
            self.session.store, QgsProject.instance(), self.iface, self.file_states
        )
        self._marks_on_layer = photo_marks(self.photos)

    def attach_dialog(self) -> None:
        if self.session.current() is None:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self, tr("Attach evidence"), "", evidence_file_filter()
        )
        self.attach_files(files)

    @reported
    def attach_files(self, files) -> list[str]:
        """Attach files to the current spot; returns the messages of files that were refused,
        and, when the user cancelled, a last one saying how many were attached and how many
        not. More than a handful show their progress and can be cancelled: those attached
        before stay attached (each is recorded whole, or not at all)."""
        files = list(files)
        problems = []
        saved_unanswered = []  # recorded, each reply lost: said as information
        self.session.attach_notes.clear()
        self._attached_last = 0
        progress = None
        if len(files) > ATTACH_PROGRESS_FROM:
            progress = QProgressDialog(
                tr("Attaching evidence files…"), tr("Cancel"), 0, len(files), self
            )
            progress.setObjectName("attachProgress")
            progress.setWindowTitle(tr("Attach evidence"))
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)
            progress.show()  # from the first file: there are many
        done = 0
        try:
            for done, file in enumerate(files):
                if progress is not None:
                    # A modal dialog's setValue lets Qt draw it and take the Cancel click.
                    progress.setValue(done)
                    progress.setLabelText(
                        tr("Attaching {name} ({number} of {count})…").format(
                            name=Path(file).name, number=done + 1, count=len(files)
                        )
                    )
                    if progress.wasCanceled():
                        break
                try:
                    self.session.attach_evidence(file)
                    self._attached_last += 1
                except ledger.SavedWithoutReply as error:
                    self._attached_last += 1
                    saved_unanswered.append(f"{Path(file).name}: {error}")
                except (ledger.LedgerError, OSError, ValueError) as error:  # one file only
                    problems.append(str(error))
            else:
                done = len(files)
        finally:
            if progress is not None:
                progress.close()
                progress.deleteLater()
        if done < len(files):
            problems.append(
                tr(
                    "Attaching was cancelled: {attached} of {count} files attached, "
                    "{left} not attached (from {name} on)."
                ).format(
                    attached=self._attached_last,
                    count=len(files),
                    left=len(files) - done,
                    name=Path(files[done]).name,
                )
            )
        self._show_current()
        self._refresh_photos()
        if saved_unanswered:
            self._inform("\n".join(saved_unanswered))
        if problems or self.session.attach_notes:
            self._warn("\n".join([*problems, *self.session.attach_notes]))
        elif self._attached_last:
            # Said as a verdict saved is: only new rows in the list showed it worked.
            # The number from the list, not the ledger: no round trip to the shared ledger.
            current = self.session.current_id
            number = next((s.number for s in self.session.queue if s.id == current), "")
            self._say_saved(
                tr("{count} files attached to spot {number}").format(
                    count=self._attached_last, number=number
                )
            )
        return problems

    def _takes_drops(self) -> bool:
        """Files dropped go to the spot on show: only while the review page is what is seen
        (under a case page or a form the current spot is hidden, and evidence is for good)."""
        return self.stack.currentPanel() is self.home and self.session.current_id is not None

    def dragEnterEvent(self, event):  # noqa: N802 - Qt API
        # Files over the dock are the dock's, even when it cannot take them now: refused
        # here, they went on to QGIS's main window, which opened each photo as a layer.
        if event.mimeData().hasUrls():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()

    def dropEvent(self, event):  # noqa: N802 - Qt API
        if not self._takes_drops():
            event.ignore()
            self._warn(
                tr("Files are attached to the spot on the review page: close this page first.")
                if self.session.current_id is not None
                else tr("Open a ledger and pick a spot to attach files to it.")
            )
            return
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        problems = self.attach_files(files)
        if problems is None or not self._attached_last:
            event.ignore()  # nothing attached: the source must not think it was taken
            return
        # Always a copy: a "move" would let the file manager delete the photo at its source.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    @reported
    def check_evidence(self) -> EvidenceCheckTask | None:
        """Start 检查举证材料 in QGIS's task manager (its progress shown there and on the
        button); pressed again while it runs, it cancels it. The dock stays usable meanwhile;
        the results are said when it ends (evidence_checked)."""
        if self.evidence_check is not None:
            self.evidence_check.cancel()
            return self.evidence_check
        store = self.session.store
        if store is None:
            return None
        # Read here, on the thread the ledger's connection belongs to; the task reads files only.
        records = self.session.listed_evidence()
        root = evidence.readable_evidence_dir(store, records, evidence.NOTHING_CHECKED)
        task = EvidenceCheckTask(
            root,
            records,
            self.file_states.copy(),
            lambda done: self.evidence_checked(done, store),
        )
        self.evidence_check = task
        # Said when it ends: what the filters let through is what was checked.
        self._evidence_check_scope = self._listed_scope() if self.session.filter.narrows else ""
        self._show_check_progress(0.0)
        manager = QgsApplication.taskManager()
        # The manager's signal, not the task's: it comes on the main thread, as widgets need.
        manager.progressChanged.connect(self._task_progress)
        manager.addTask(task)
        return task

    def _task_progress(self, task_id: int, progress: float) -> None:
        task = self.evidence_check
        if task is not None and QgsApplication.taskManager().taskId(task) == task_id:
            self._show_check_progress(progress)

    def _show_check_progress(self, progress: float) -> None:
        self.check_button.setText(tr("Cancel check {percent}%").format(percent=int(progress)))

    def evidence_checked(self, task: EvidenceCheckTask, store: ledger.LedgerStore) -> None:
        """The check ended (done, cancelled or failed): what it found is said, as the check
        said it when it ran in the foreground; a cancelled one says how far it got."""
        with contextlib.suppress(TypeError):
            QgsApplication.taskManager().progressChanged.disconnect(self._task_progress)
        self.evidence_check = None
        if sip.isdeleted(self):
            return
        self.check_button.setText(tr("Check evidence"))
        self.evidence_problems = task.problems
        if task.error:
            self._warn(tr("The evidence check failed: {error}").format(error=task.error))
            return
        if store is not self.session.store:
            return  # another ledger is open now: what was found is of the one left
        # The check has read the ledger's files: the map marks all it found at once (the layer
        # alone never reads the folder, which may be a share, for every photo).
        self.file_states.take(task.states)
        self._refresh_photos()
        found = [problem.message for problem in task.problems]
        if found:  # how many of each kind first: a refused path is not a file lost
            found.insert(0, evidence.problem_summary(task.problems))  # _warn: one language
        scope = self._evidence_check_scope
        if scope:
            found = [scope, *found] if found else found
        if task.cancelled:
            self._warn(
                "\n".join(
                    [
                        tr(
                            "The evidence check was cancelled: {checked} of {count} files "
                            "checked, {problems} problems found among them."
                        ).format(
                            checked=task.checked,
                            count=len(task.records),
                            problems=len(task.problems),
                        ),
                        *found,
                    ]
                )
            )
        elif found:
            self._warn("\n".join(found))
        else:
            QMessageBox.information(
                self,
                tr("Evidence"),
                plain_html(  # the scope quotes a batch's, office's or town's name
                    "\n".join(
                        [scope, tr("Their evidence files are all present and unaltered.")]
                        if scope
                        else [tr("All evidence files are present and unaltered.")]
                    )
                ),
            )

    def _listed_scope(self) -> str:
        """The check's scope when a filter is set, in the words the dock's filters show."""
        # Isolated: a batch name typed with a direction mark must not turn the sentence round.
        chosen = [
            isolated(box.currentText()) for box in self.filter_boxes.values() if box.currentData()
        ]
        return tr("Checked: the evidence of the {count} spots listed ({filters}).").format(
            count=len(self.session.queue), filters="、".join(chosen)
        )
