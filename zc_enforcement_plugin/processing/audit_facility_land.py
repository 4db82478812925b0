"""Processing algorithm zcenforcement:auditfacilityland: facility agricultural land filings audited.

A thin adapter: it reads filings, ground and basic farmland into arrays, calls
core.audits.audit_facility_land, and writes the per-filing table and the violations.
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterNumber

from ..core import audits, domain
from ..core import campaigns_schema as cs
from ..core.audit_base import mapped_use
from ..i18n import tr
from .approval_audit import APPROVAL_HEAD, ApprovalAudit
from .campaign_base import CAMPAIGN_FACILITY, FIRST_SEQUENCE_FACILITY, count_fields
from .word_lists import matched_nothing

FACILITY_RECORD_FIELDS = (
    APPROVAL_HEAD
    + [cs.AUXILIARY_AREA, domain.BASIC_FARMLAND_AREA]
    + count_fields(cs.FACILITY_KINDS)
)


class AuditFacilityLand(ApprovalAudit):
    NAME = "auditfacilityland"
    DISPLAY_NAME = "Audit facility agricultural land"
    CAMPAIGN = CAMPAIGN_FACILITY
    FIRST_SEQUENCE = FIRST_SEQUENCE_FACILITY
    HELP = (
        "Audits facility agricultural land filings (设施农用地备案) against what is on the "
        "ground (polygons with a use in words). Needs the filing number and filed area "
        "(m²); the auxiliary-facility limits are parameters (a share of the filed area and "
        "an area in m², the smaller binding; leave one empty to skip it), as are the words "
        "for auxiliary facilities and for non-agricultural uses. Violations (WFDM, WFLX, "
        "WFMJ m², SDBH, WFSM): CFW ground outside the filed boundary; CMJ used area above "
        "the filed area (the excess in the note); GBYT a non-agricultural use (housing, "
        "farm stays, …) inside a filing; FZCB auxiliary facilities over the limit (the "
        "polygon all of them, the excess in the note); ZYJBNT ground on permanent basic "
        "farmland with a use not allowed there. The per-filing table gives PZWH, PZYT, "
        "PZMJ_PF, FWNMJ, CFWMJ, SYMJ, SDBH, SDYT, FZSSMJ auxiliary area, YJJBNTMJ basic "
        "farmland used, SL_ counts by violation code (SL_CFW, …), WFSL and JCJG. "
        "{campaign_spots} Parameters: ground uses that are auxiliary facilities, ground "
        "uses that are not agricultural (GBYT) and ground uses allowed on basic farmland "
        "(ZYJBNT) are ';'-separated words the ground use field is matched against; "
        "auxiliary facilities at most (% of the filed area, m²) are the FZCB limits; uses "
        "that mean the same (USE_SYNONYMS: word=use it stands for, ';'-separated, e.g. "
        "大棚=设施农业用地) let a ground word count as the filed use it stands for, a "
        "wording difference being otherwise another use."
    )

    AUXILIARY_USES = "AUXILIARY_USES"
    AUXILIARY_MAX_PERCENT = "AUXILIARY_MAX_PERCENT"
    AUXILIARY_MAX_AREA = "AUXILIARY_MAX_AREA"
    NON_AGRICULTURAL_USES = "NON_AGRICULTURAL_USES"
    BASIC_FARMLAND_ALLOWED_USES = "BASIC_FARMLAND_ALLOWED_USES"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        double = QgsProcessingParameterNumber.Type.Double
        self._add_approval_inputs(tr("Facility agricultural land filings"), filings=True)
        self._add_ground_inputs()
        self._add_text(
            self.AUXILIARY_USES,
            tr("Ground uses that are auxiliary facilities (';'-separated)"),
            "附属设施用地;辅助设施用地",
        )
        self._add_number(
            self.AUXILIARY_MAX_PERCENT,
            tr("Auxiliary facilities at most (% of the filed area)"),
            double,
            optional=True,
            minValue=0.0,
            maxValue=100.0,
        )
        self._add_number(
            self.AUXILIARY_MAX_AREA,
            tr("Auxiliary facilities at most (m²)"),
            double,
            optional=True,
            minValue=0.0,
        )
        self._add_text(
            self.NON_AGRICULTURAL_USES,
            tr("Ground uses that are not agricultural (';'-separated)"),
            ";".join(cs.FACILITY_NON_AGRICULTURAL_USES),
        )
        self._add_basic_farmland()
        self._add_text(
            self.BASIC_FARMLAND_ALLOWED_USES,
            tr("Ground uses allowed on basic farmland (';'-separated)"),
            optional=True,
        )
        self._add_area_method()
        self._add_numbering()
        self._add_findings_outputs(tr("Facility land filings audited"))

    @staticmethod
    def _say_if_no_auxiliary_use(ground, auxiliary_uses, categories, feedback) -> None:
        """The auxiliary uses typed match no ground use (as the audit maps them): no ground
        would be an auxiliary facility, none checked against the limit, and the records read
        as if checked."""
        if not auxiliary_uses or not len(ground.geoms):
            return
        wanted = {mapped_use(u, categories) for u in auxiliary_uses}
        if any(mapped_use(u, categories) in wanted for u in ground.uses if u):
            return
        feedback.pushWarning(
            matched_nothing(
                ground.layer,
                ground.use_field,
                auxiliary_uses,
                ground.uses,
                tr(
                    "no ground is taken as an auxiliary facility, none is checked against the limit"
                ),
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        crs, filings, arrays, _fields, ground = self._read_approvals_and_ground(
            parameters, context, feedback
        )
        basic_farmland = self._read_geoms(parameters, self.BASIC_FARMLAND, context, crs, feedback)
        percent = self._optional_number(parameters, self.AUXILIARY_MAX_PERCENT, context)
        auxiliary_uses = self._words(parameters, self.AUXILIARY_USES, context)
        categories = self._use_categories(parameters, context)
        self._say_if_no_auxiliary_use(ground, auxiliary_uses, categories, feedback)
        feedback.setProgressText(tr("Auditing {count} filings").format(count=len(arrays.geoms)))
        result = self._call_engine(
            feedback,
            audits.audit_facility_land,
            filings,
            ground,
            crs=crs.authid(),
            auxiliary_uses=auxiliary_uses,
            use_categories=categories,
            auxiliary_max_share=None if percent is None else percent / 100.0,
            auxiliary_max_sqm=self._optional_number(parameters, self.AUXILIARY_MAX_AREA, context),
            non_agricultural_uses=self._words(parameters, self.NON_AGRICULTURAL_USES, context),
            basic_farmland=basic_farmland,
            basic_farmland_allowed_uses=self._words(
                parameters, self.BASIC_FARMLAND_ALLOWED_USES, context
            ),
            area_method=self._area_method(parameters, context),
        )
        if result is None:
            return {}
        return self._write_findings(
            parameters,
            context,
            crs,
            result,
            FACILITY_RECORD_FIELDS,
            domain.APPROVAL_NUMBER,
            feedback,
        )
