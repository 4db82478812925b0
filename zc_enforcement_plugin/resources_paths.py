"""Paths of the files shipped in resources/, named once."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"
PLUGIN_ICON = RESOURCES / "icons" / "icon.svg"
STYLES = RESOURCES / "styles"
