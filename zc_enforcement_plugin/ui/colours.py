"""Colours shared by the pieces' map style (scripts/make_styles.py writes it) and the dock, so that
a piece looks the same in the attribute-coloured map, the highlighted spot and the dock's list."""

from __future__ import annotations

from ..core import domain

# The pieces by the protection layer they lie in: (fill as "r,g,b,alpha", outline).
PIECE_COLOURS = {
    domain.LAYER_LAND_USE: ("245,230,163,90", "#b0a060"),
    domain.LAYER_BASIC_FARMLAND: ("255,215,0,120", "#d4a000"),
    domain.LAYER_RED_LINE: ("0,140,60,110", "#00813c"),
    domain.LAYER_NO_MINING: ("200,0,0,90", "#c00000"),
    domain.LAYER_THREE_ZONES: ("160,90,200,90", "#8a4fb8"),
    domain.LAYER_APPROVALS: ("31,95,191,80", "#1f5fbf"),
}
