"""Processing algorithm zcenforcement:audittemporaryland: temporary-land approvals audited.

临时用地 approvals against the ground. A thin adapter: it reads approvals, ground, basic
farmland and land use into arrays, calls core.audits.audit_temporary_land, and writes the
per-approval table and the violations.
"""

from __future__ import annotations

import numpy as np
from qgis.core import QgsProcessingParameterNumber

from ..compat import SOURCE_POLYGON
from ..core import audits, domain, ledger, workdays
from ..core import campaigns_schema as cs
from ..core import deadlines as dl
from ..i18n import tr
from .approval_audit import APPROVAL_HEAD, ApprovalAudit
from .base import LEDGER_PARAMETER, add_ledger_parameter, fail, open_ledger
from .campaign_base import (
    CAMPAIGN_TEMPORARY,
    FIRST_SEQUENCE_TEMPORARY,
    column,
    count_fields,
)

TEMPORARY_RECORD_FIELDS = (
    APPROVAL_HEAD
    + [
        domain.APPROVAL_START,
        domain.APPROVAL_END,
        cs.EXPIRY_STATUS,
        cs.APPROVAL_LEVEL,
        domain.CULTIVATED_AREA,
        domain.BASIC_FARMLAND_AREA,
    ]
    + count_fields(cs.TEMPORARY_KINDS)
)


class AuditTemporaryLand(ApprovalAudit):
    NAME = "audittemporaryland"
    DISPLAY_NAME = "Audit temporary land"
    CAMPAIGN = CAMPAIGN_TEMPORARY
    FIRST_SEQUENCE = FIRST_SEQUENCE_TEMPORARY
    HELP = (
        "Audits temporary-land approvals (临时用地) against what is on the ground "
        "(polygons with a use in words), as on the check date. Needs approval number, "
        "approved area (m²), approved use, start and end dates; optionally a "
        "large-infrastructure field (是/否: energy, transport, water works may run 4 "
        "years, every other approval 2), and for the level checks an approval level (a "
        "whole rank: 1 county, 2 city, 3 province) with basic farmland and land-use "
        "layers. The periods are the deadline rules (temporary_land_max, "
        "temporary_land_max_infrastructure, temporary_land_restoration): the plugin's, or "
        "those of the ledger given; restoration years typed here replace the last. A "
        "period that ends on a working day (roll_forward) is counted on the ledger's "
        "holiday schedule; in a year without one its end is an estimate, marked 估算, and "
        "the log says which file to add the year to. Ground whose use is a restored one "
        "(the list given: cultivated land, gardens, forest, grassland; or a DLBM code "
        "0101-0103, 02xx-04xx) is not in use: it is left out of every check, and an "
        "expired approval with only such ground is 已到期，已复垦. Violations (WFDM code, "
        "WFLX kind, WFMJ m², SDBH ground ids, WFSM note): QXCG the term runs past the "
        "longest allowed from the start date; CFW ground outside the approved boundary; "
        "CMJ used area above the approved area; GBYT ground use differs from the approved "
        "use; WPXY ground used before the start date; DQWFK still used after the end date "
        "plus the restoration period (WPXY and DQWFK only on land no other approval holds "
        "today: land a renewal covers is 已到期，用地在其他有效批准内); JBNTQX basic "
        "farmland under an approval below the "
        "required level; GDQX more cultivated land than the level allows. The per-approval "
        "table gives PZWH, PZYT, PZMJ_PF, FWNMJ used inside, CFWMJ outside, SYMJ used in "
        "all, SDBH/SDYT ground ids and uses, QSRQ/JZRQ, DQZT expiry status (日期缺失 / "
        "日期无效 when the end date is empty / not a date), PZJB, GDMJ cultivated and "
        "YJJBNTMJ basic farmland used, SL_ counts by violation code (SL_CFW, …), WFSL "
        "total and JCJG the result in words (日期缺失，无法核查 or 日期无效，无法核查 "
        "where nothing was found but a date could not be read). Missing or unreadable "
        "dates, levels and flags are reported naming layer, feature and field. "
        "{campaign_spots} An over-long term of an approval nothing is used on is a spot "
        "without geometry. Parameters: the approval level field (1 county, 2 city, 3 "
        "province) with the lowest approval level allowed on basic farmland "
        "(BASIC_FARMLAND_MIN_LEVEL), the approval level from which cultivated land is not "
        "limited (CULTIVATED_MIN_LEVEL) and the cultivated land allowed below that level "
        "(CULTIVATED_MAX_AREA, m²) make the JBNTQX and GDQX checks; without them those "
        "checks are not made, and JCJG says so. The large infrastructure field (是/否) "
        "allows the longer term. Ground uses that mean the land is restored "
        "(';'-separated) replace the default list; uses that mean the same (USE_SYNONYMS: "
        "word=use it stands for, e.g. 施工便道=临时施工用地) let a ground word count as "
        "the approved use, a wording difference being otherwise a changed use (GBYT). "
        "Years to restore the land after the end date (RESTORATION_YEARS) replace the "
        "deadline setting of the ledger given (LEDGER)."
    )

    START_FIELD = "START_FIELD"
    END_FIELD = "END_FIELD"
    LEVEL_FIELD = "LEVEL_FIELD"
    INFRASTRUCTURE_FIELD = "INFRASTRUCTURE_FIELD"
    LEDGER = LEDGER_PARAMETER
    RESTORATION_YEARS = "RESTORATION_YEARS"
    RESTORED_USES = "RESTORED_USES"
    BASIC_FARMLAND_MIN_LEVEL = "BASIC_FARMLAND_MIN_LEVEL"
    LAND_USE = "LAND_USE"
    LAND_CLASS_FIELD = "LAND_CLASS_FIELD"
    # A layer without PZJB is audited without the level checks (said), not refused.
    READ_WHERE_PRESENT = ("LEVEL_FIELD",)
    CULTIVATED_MIN_LEVEL = "CULTIVATED_MIN_LEVEL"
    CULTIVATED_MAX_AREA = "CULTIVATED_MAX_AREA"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        integer = QgsProcessingParameterNumber.Type.Integer
        self._add_approval_inputs(tr("Temporary land approvals"))
        self._add_field(
            self.START_FIELD, tr("Start date field"), domain.APPROVAL_START, self.APPROVALS, True
        )
        self._add_field(self.END_FIELD, tr("End date field"), domain.APPROVAL_END, self.APPROVALS)
        self._add_field(
            self.LEVEL_FIELD,
            tr("Approval level field (1 county, 2 city, 3 province)"),
            cs.APPROVAL_LEVEL,
            self.APPROVALS,
            optional=True,
        )
        self._add_field(
            self.INFRASTRUCTURE_FIELD,
            tr("Large infrastructure field (是/否; empty: every approval at most 2 years)"),
            None,
            self.APPROVALS,
            optional=True,
        )
        self._add_ground_inputs()
        self._add_text(
            self.RESTORED_USES,
            tr("Ground uses that mean the land is restored (';'-separated)"),
            ";".join(cs.TEMPORARY_RESTORED_USES),
            optional=True,
        )
        self._add_check_date()
        add_ledger_parameter(
            self,
            tr("Ledger whose deadline settings apply (empty: the plugin's defaults)"),
            optional=True,
        )
        self._add_number(
            self.RESTORATION_YEARS,
            tr("Years to restore the land after the end date (empty: the deadline setting)"),
            integer,
            optional=True,
            minValue=0,
        )
        self._add_basic_farmland()
        self._add_number(
            self.BASIC_FARMLAND_MIN_LEVEL,
            tr("Lowest approval level allowed on basic farmland"),
            integer,
            optional=True,
            minValue=0,
        )
        self._add_source(
            self.LAND_USE, tr("Land-use parcels (DLTB)"), [SOURCE_POLYGON], optional=True
        )
        self._add_field(
            self.LAND_CLASS_FIELD,
            tr("Land-class code field"),
            domain.LAND_CLASS_CODE,
            self.LAND_USE,
            optional=True,
        )
        self._add_number(
            self.CULTIVATED_MIN_LEVEL,
            tr("Approval level from which cultivated land is not limited"),
            integer,
            optional=True,
            minValue=0,
        )
        self._add_number(
            self.CULTIVATED_MAX_AREA,
            tr("Cultivated land allowed below that level (m²)"),
            QgsProcessingParameterNumber.Type.Double,
            optional=True,
            minValue=0.0,
        )
        self._add_area_method()
        self._add_numbering()
        self._add_findings_outputs(tr("Temporary land approvals audited"))

    def _cultivated(self, parameters, context, crs, feedback):
        """The cultivated parcels (DLBM 0101/0102/0103) of the land-use layer, or None."""
        class_field = self._field_names(
            parameters,
            (self.LAND_CLASS_FIELD,),
            context,
            feedback,
            fallback={self.LAND_CLASS_FIELD: domain.LAND_CLASS_CODE},
        )[self.LAND_CLASS_FIELD]
        land, _label = self._read(parameters, self.LAND_USE, context, [class_field], crs, feedback)
        if land is None:
            return None
        codes = domain.class_code_texts(land.attributes[class_field])
        return land.geoms[np.array([c in domain.CULTIVATED_CODES for c in codes], dtype=bool)]

    def _optional_level(self, parameters, name, context) -> int | None:
        level = self._optional_number(parameters, name, context)
        return None if level is None else int(level)

    def _rules_and_calendar(
        self, parameters, context, feedback
    ) -> tuple[dl.DeadlineRules, workdays.WorkCalendar | None]:
        """The ledger's deadline rules (the plugin's defaults without a ledger), the restoration
        period replaced by the years typed, if any; and the ledger's work calendar, lenient (a
        restoration year ending in a year without a schedule is an estimate, said), None
        without a ledger."""
        rules, calendar = dl.DEFAULT_RULES, None
        if self._given(parameters, self.LEDGER):
            with open_ledger(self, parameters, context, feedback) as store:
                try:
                    rules = store.deadline_rules()
                    calendar = store.work_calendar(strict=False)
                except (
                    ledger.LedgerError,
                    dl.DeadlineConfigError,
                    workdays.HolidayFileError,
                ) as error:
                    raise fail(str(error)) from None
        years = self._optional_number(parameters, self.RESTORATION_YEARS, context)
        if years is not None:
            rules = rules.with_overrides(
                {"temporary_land_restoration": {"amount": int(years), "unit": dl.YEARS}}
            )
        return rules, calendar

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        crs, approvals, arrays, f, ground = self._read_approvals_and_ground(
            parameters,
            context,
            feedback,
            (self.START_FIELD, self.END_FIELD, self.LEVEL_FIELD, self.INFRASTRUCTURE_FIELD),
        )
        approvals.start = column(arrays, f[self.START_FIELD])
        approvals.start_field = f[self.START_FIELD] or domain.APPROVAL_START
        approvals.end, approvals.end_field = column(arrays, f[self.END_FIELD]), f[self.END_FIELD]
        approvals.levels = column(arrays, f[self.LEVEL_FIELD])
        approvals.level_field = f[self.LEVEL_FIELD] or cs.APPROVAL_LEVEL
        approvals.infrastructure = column(arrays, f[self.INFRASTRUCTURE_FIELD])
        approvals.infrastructure_field = f[self.INFRASTRUCTURE_FIELD] or cs.INFRASTRUCTURE
        rules, calendar = self._rules_and_calendar(parameters, context, feedback)
        basic_farmland = self._read_geoms(parameters, self.BASIC_FARMLAND, context, crs, feedback)
        cultivated = self._cultivated(parameters, context, crs, feedback)
        min_cultivated = self._optional_level(parameters, self.CULTIVATED_MIN_LEVEL, context)
        max_cultivated = self._optional_number(parameters, self.CULTIVATED_MAX_AREA, context)
        if (min_cultivated is None) != (max_cultivated is None):
            raise fail(
                tr("Give both the cultivated-land level and the area allowed below it, or neither.")
            )
        feedback.setProgressText(tr("Auditing {count} approvals").format(count=len(arrays.geoms)))
        result = self._call_engine(
            feedback,
            audits.audit_temporary_land,
            approvals,
            ground,
            self._check_date(parameters, context),
            rules,
            crs=crs.authid(),
            restored_uses=self._words(parameters, self.RESTORED_USES, context),
            use_categories=self._use_categories(parameters, context),
            cultivated=cultivated,
            basic_farmland=basic_farmland,
            basic_farmland_min_level=self._optional_level(
                parameters, self.BASIC_FARMLAND_MIN_LEVEL, context
            ),
            cultivated_min_level=min_cultivated,
            cultivated_max_sqm=max_cultivated,
            area_method=self._area_method(parameters, context),
            calendar=calendar,
        )
        if result is None:
            return {}
        return self._write_findings(
            parameters,
            context,
            crs,
            result,
            TEMPORARY_RECORD_FIELDS,
            domain.APPROVAL_NUMBER,
            feedback,
        )
