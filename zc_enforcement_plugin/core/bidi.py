"""Text typed by people, set apart for the Unicode bidirectional algorithm.

A right-to-left override (U+202E) or mark in one person's name or remark would otherwise turn
round everything after it on the line — the spot number, the date, the next field — wherever
the text is shown: on the dock's pages and in the refusals the ledger builds."""

from __future__ import annotations

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolated(value: object) -> str:
    """``value`` as text, set apart for the bidirectional algorithm (FSI … PDI)."""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"


# The isolates a page may hold round a value (LRI, RLI, FSI, PDI); the plugin sets FSI … PDI.
_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def without_isolates(text: str) -> str:
    """``text`` as a reader takes it from a page (a copy, a drag): without the isolates that set
    its values apart there. They came along into the clipboard, and a spot number pasted into
    a search or QGIS's filter matched nothing."""
    return text.translate(_ISOLATES)
