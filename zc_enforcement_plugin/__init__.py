"""ZC Enforcement QGIS plugin: QGIS calls classFactory() to create it."""

from __future__ import annotations


def classFactory(iface):  # noqa: N802 - name fixed by QGIS
    """Create the plugin; imports are deferred so a missing package cannot break QGIS start-up."""
    from .plugin import ZcEnforcementPlugin

    return ZcEnforcementPlugin(iface)
