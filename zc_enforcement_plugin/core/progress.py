"""Reporter: progress and cancelling of long work, as a Processing feedback object takes them."""

from __future__ import annotations

from collections.abc import Callable


class Reporter:
    """Progress in percent (0..100, as QgsFeedback takes it) over a part of the work; each
    call first asks is_cancelled() and raises ``cancelled()`` when the caller said stop."""

    def __init__(
        self,
        progress: Callable[[float], None] | None,
        is_cancelled: Callable[[], bool] | None,
        cancelled: Callable[[], BaseException],
        start: float = 0.0,
        end: float = 100.0,
    ):
        self._progress = progress
        self._is_cancelled = is_cancelled
        self._cancelled = cancelled
        self._start, self._end = start, end

    def __call__(self, fraction: float) -> None:
        if self._is_cancelled is not None and self._is_cancelled():
            raise self._cancelled()
        if self._progress is not None:
            share = min(1.0, max(0.0, fraction))
            self._progress(self._start + (self._end - self._start) * share)
