"""The dock's slots: what a slot raises is said in the dock, never raised into Qt.

A module of its own: the dock (verification_dock.py) and its evidence (evidence_actions.py)
both wrap their slots in it, and evidence_actions.py, which the dock imports, cannot take it
from the dock.
"""

from __future__ import annotations

import functools
import inspect
import traceback

from qgis.core import Qgis, QgsMessageLog

from ..core import ledger
from ..core.cases import ProcedureError
from .messages import LOG_TAG


def reported(method):
    """For a slot: whatever it raises (a ledger locked by another session, a row edited by
    hand into something unreadable) is shown in the dock and the message bar instead of
    escaping into a Python error dialog; what is not a ledger's or a case's own refusal is
    also written with its traceback to the log, where a fault can be traced. A save recorded
    whose reply was lost (ledger.SavedWithoutReply) is no failure: said as information, with
    the ledger read again."""

    parameters = inspect.signature(method).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        taken = None
    else:  # as PyQt calls a slot: a signal's arguments beyond what it takes are dropped
        taken = sum(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters) - 1

    @functools.wraps(method)
    def slot(self, *args, **kwargs):
        try:
            return method(self, *args[:taken], **kwargs)
        except ledger.SavedWithoutReply as error:
            self._saved_without_reply(str(error))
            return None
        except Exception as error:  # noqa: BLE001 - a slot must not raise into Qt
            if not isinstance(error, (ledger.LedgerError, ProcedureError)):
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.MessageLevel.Warning)
            self._warn(str(error) or type(error).__name__)
            return None

    return slot
