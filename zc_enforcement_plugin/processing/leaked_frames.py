"""The frames QGIS 3.22 keeps after a refused run, emptied once their functions have returned.

QGIS's bindings never release the traceback of an exception raised through processAlgorithm
(its error handler fetches the exception and keeps it). The traceback's frames link to the
frames that called the run (f_back), and Python keeps a returned frame's locals for as long as
its frame is referenced: processing.run's and a script's, or those of the batch dialog's
runAlgorithm, whose feedback holds the dialog's progress task. In QGIS 3.22 a batch with one
refused row so left "Batch Processing" among the active tasks for good, and QGIS could not
quit (any Python algorithm's refusal does that, not this plugin's alone). The layers those
frames held stayed open too.

Each frame is emptied (frame.clear()) once its function has returned, which is why it waits:
the caller of the run is still running when the run is refused. (An exception other than a
refusal, a bug's, QGIS lets go of: base.process_algorithm lets it through untouched.) A
generator's or coroutine's frame is never touched (clearing it would close it).
"""

from __future__ import annotations

import inspect
import sys
import threading
from types import FrameType

from qgis.PyQt.QtCore import QTimer

RETRY_MS = 1000  # how often the frames still running are looked at again
TRIES = 600  # then given up: a frame still running after ten minutes is the caller's own
_SUSPENDABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


def release_after_failure() -> None:
    """Schedule the emptying of the frame that calls this (the refusing wrapper's) and of every
    frame above it, each once its function has returned. Not for a run in a background task
    (the algorithm dialog's): C++ called it, no Python frame, and that thread has no event loop
    for a timer."""
    if threading.current_thread() is not threading.main_thread():
        return
    frames = []
    caller = sys._getframe(1)
    while caller is not None:  # innermost first: the order in which they return
        if not caller.f_code.co_flags & _SUSPENDABLE:
            frames.append(caller)
        caller = caller.f_back
    if frames:
        _try_later(frames, TRIES)


def empty_returned(frames: list[FrameType]) -> list[FrameType]:
    """Empty the frames, innermost first, up to the first whose function is still running
    (every frame above it is running too); the frames left, from that one."""
    for done, frame in enumerate(frames):
        try:
            frame.clear()
        except RuntimeError:  # "cannot clear an executing frame"
            return frames[done:]
    return []


def _try_later(frames: list[FrameType], tries: int) -> None:
    def attempt():  # held by PyQt until it fires, and the frames with it
        running = empty_returned(frames)
        if running and tries > 1:
            _try_later(running, tries - 1)

    QTimer.singleShot(RETRY_MS, attempt)
