"""A refused run lets go of what it read. QGIS 3.22's Python bindings never release a
QgsProcessingException raised through processAlgorithm: its traceback, and with it every frame
of the run and every local of those frames (the arrays read from a district's layers), stayed
in memory until QGIS closed. The plugin's algorithms raise a refusal afresh, outside the run,
so that only the thin wrapper's frame (and its callers') is kept."""

from __future__ import annotations

import gc
import weakref

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingFeedback

from zc_enforcement_plugin.core.ledger_records import LedgerError
from zc_enforcement_plugin.processing.base import EnforcementAlgorithm, fail


class Read:
    """Stands for what a run has read when it is refused: a district's parcels as arrays."""


class Errors(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.errors: list[str] = []

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
        self.errors.append(error)


def refused_by_fail():
    raise fail("图层 dltb 没有字段 KCXS / the layer dltb has no field KCXS")


def refused_by_the_ledger():
    raise LedgerError("台帐 ledger.gpkg 无法打开 / the ledger ledger.gpkg cannot be opened")


def refused_after_another_error():
    try:
        {}["DLBM"]
    except KeyError as error:
        raise fail("图层 dltb 没有字段 DLBM / the layer dltb has no field DLBM") from error


def refusing(run) -> EnforcementAlgorithm:
    """An algorithm of the provider whose run is `run()`, which refuses it."""

    class Refusing(EnforcementAlgorithm):
        NAME = "refusing"
        DISPLAY_NAME = "Refusing"

        def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
            pass

        def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
            run()

    algorithm = Refusing()
    algorithm.initAlgorithm()
    return algorithm


@pytest.mark.parametrize(
    "refuse", [refused_by_fail, refused_by_the_ledger, refused_after_another_error]
)
def test_a_refused_run_keeps_nothing_it_read_alive(qgis_app, refuse):
    read: list[weakref.ref] = []

    def read_and_refuse():
        parcels = Read()
        read.append(weakref.ref(parcels))
        refuse()

    algorithm = refusing(read_and_refuse)
    feedback = Errors()
    _results, ok = algorithm.run({}, QgsProcessingContext(), feedback)

    assert not ok
    assert any("dltb" in said or "ledger.gpkg" in said for said in feedback.errors), feedback
    gc.collect()
    assert len(read) == 1 and read[0]() is None


@pytest.mark.parametrize("refuse", [refused_by_fail, refused_by_the_ledger])
def test_what_the_caller_of_a_failed_run_held_is_let_go_once_it_returns(
    qgis_app, monkeypatch, refuse
):
    """The batch dialog's runAlgorithm runs each row and holds its feedback, which holds the
    dialog's progress task: kept by QGIS through the failed run's traceback, QGIS 3.22 could
    not quit after a batch with a refused row ("Batch Processing" active for good). The
    caller's locals go once the caller has returned; what it still holds while running stays."""
    import time

    from zc_enforcement_plugin.processing import leaked_frames

    monkeypatch.setattr(leaked_frames, "RETRY_MS", 10)
    held: list[weakref.ref] = []

    def run_algorithm():  # as the batch dialog's: a row run, its feedback a local
        feedback = Errors()
        held.append(weakref.ref(feedback))
        _results, ok = refusing(refuse).run({}, QgsProcessingContext(), feedback)
        assert not ok
        settle(0.2)
        assert held[0]() is not None, "let go of while the caller still ran"

    def settle(seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and held[0]() is not None:
            qgis_app.processEvents()
            time.sleep(0.005)

    run_algorithm()
    settle(5.0)
    gc.collect()
    assert held[0]() is None
