"""The special campaigns of the work plan, for the provider: one module per algorithm.

三区两线 view areas, change raster to spots, temporary-land, facility-land and mining audits;
what they share is in campaign_base.py.
"""

from __future__ import annotations

from .audit_facility_land import AuditFacilityLand
from .audit_mining import AuditMining
from .audit_temporary_land import AuditTemporaryLand
from .polygonize_change import PolygonizeChange
from .three_zones_two_lines import ThreeZonesTwoLines

CAMPAIGN_ALGORITHMS = (
    ThreeZonesTwoLines,
    PolygonizeChange,
    AuditTemporaryLand,
    AuditFacilityLand,
    AuditMining,
)
