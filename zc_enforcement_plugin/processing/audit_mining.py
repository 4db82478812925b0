"""Processing algorithm zcenforcement:auditmining: mining activity against licences and no-go areas.

A thin adapter: it reads activity, licences and no-go layers into arrays, calls
core.audits.audit_mining, and writes the per-activity table and the violations.
"""

from __future__ import annotations

from ..compat import SOURCE_ANY_GEOMETRY, SOURCE_POLYGON
from ..core import audits, domain
from ..core import campaigns_schema as cs
from ..i18n import tr
from .base import fail
from .campaign_base import (
    CAMPAIGN_MINING,
    FIRST_SEQUENCE_MINING,
    CampaignAlgorithm,
    column,
    count_fields,
    texts,
)
from .screen_inputs import OVERLAY_LABEL_FIELDS
from .screen_spots import OVERLAY_PARAMETERS, OVERLAY_TITLES
from .word_lists import matched_nothing

MINING_RECORD_FIELDS = [
    cs.ACTIVITY_ID,
    cs.ACTIVITY_AREA,
    cs.LICENCE_NUMBER,
    cs.OUTSIDE_AREA,
    cs.NO_GO_NAMES,
    cs.NO_GO_AREA,
] + count_fields(cs.MINING_KINDS)
# The no-go layers: parameters of Screen spots' protection layers, named and labelled as there.
MINING_NO_GO = ("NO_MINING", "RED_LINE", "THREE_ZONES")


class AuditMining(CampaignAlgorithm):
    NAME = "auditmining"
    DISPLAY_NAME = "Audit mining"
    CAMPAIGN = CAMPAIGN_MINING
    FIRST_SEQUENCE = FIRST_SEQUENCE_MINING
    HELP = (
        "Audits mining activity (spots of the mining types, or any points or polygons of "
        "mining) against the mining licences (采矿权: licence number, valid from and to) "
        "on the check date, and against no-go areas (no-mining zones, ecological red line, "
        "three-zones-two-lines view areas). Violations (WFDM, WFLX, WFMJ m², WFSM): WZKC "
        "mining without any licence; YJKC the part outside every licence it overlaps; CQKC "
        "the part under licences not valid on the check date and under no valid one; JQKC "
        "the part inside a no-go layer, named in the note. A licence with a missing or "
        "unreadable date is not taken as valid: mining under it and under no valid licence "
        "is not checked for expiry, the log says so naming layer, feature and field, and "
        "its JCJG reads 日期缺失，无法核查 or 日期无效，无法核查, never 未发现问题. The "
        "per-activity table gives KCBH activity id, KCMJ area, XKZH licences overlapped, "
        "CFWMJ area outside them, JQMC/JQMJ no-go areas hit and their area, SL_ counts by "
        "violation code (SL_WZKC, …), WFSL and JCJG. Point activities give violations "
        "without geometry. {campaign_spots} Types that are mining (';'-separated) are "
        "matched against the activity type field; left empty, every activity is mining; a "
        "type that matches no activity is said in the log."
    )

    ACTIVITY = "ACTIVITY"
    ACTIVITY_ID_FIELD = "ACTIVITY_ID_FIELD"
    ACTIVITY_TYPE_FIELD = "ACTIVITY_TYPE_FIELD"
    MINING_TYPES = "MINING_TYPES"
    LICENCES = "LICENCES"
    LICENCE_NUMBER_FIELD = "LICENCE_NUMBER_FIELD"
    VALID_FROM_FIELD = "VALID_FROM_FIELD"
    # A licence layer without YXQQ is read with its end dates alone (said), not refused.
    READ_WHERE_PRESENT = ("VALID_FROM_FIELD",)
    VALID_TO_FIELD = "VALID_TO_FIELD"

    def initAlgorithm(self, config=None):  # noqa: N802 - QGIS API
        self._add_source(
            self.ACTIVITY, tr("Mining activity (spots, points)"), [SOURCE_ANY_GEOMETRY]
        )
        self._add_field(
            self.ACTIVITY_ID_FIELD, tr("Activity id field"), domain.SPOT_NUMBER, self.ACTIVITY, True
        )
        self._add_field(
            self.ACTIVITY_TYPE_FIELD,
            tr("Activity type field"),
            domain.SPOT_TYPE,
            self.ACTIVITY,
            optional=True,
        )
        self._add_text(
            self.MINING_TYPES,
            tr("Types that are mining (';'-separated; empty: every feature)"),
            "采矿用地",
            optional=True,
        )
        self._add_source(self.LICENCES, tr("Mining licences"), [SOURCE_POLYGON])
        self._add_field(
            self.LICENCE_NUMBER_FIELD, tr("Licence number field"), cs.LICENCE_NUMBER, self.LICENCES
        )
        self._add_field(
            self.VALID_FROM_FIELD,
            tr("Valid-from field"),
            cs.LICENCE_VALID_FROM,
            self.LICENCES,
            optional=True,
        )
        self._add_field(
            self.VALID_TO_FIELD, tr("Valid-to field"), cs.LICENCE_VALID_TO, self.LICENCES
        )
        self._add_check_date()
        for parameter in MINING_NO_GO:
            self._add_source(parameter, tr(OVERLAY_TITLES[parameter]), [SOURCE_POLYGON], True)
        self._add_area_method()
        self._add_numbering()
        self._add_findings_outputs(tr("Mining activity audited"))

    def _activity(self, parameters, context, crs, feedback) -> audits.Ground:
        f = self._field_names(
            parameters, (self.ACTIVITY_ID_FIELD, self.ACTIVITY_TYPE_FIELD), context, feedback
        )
        id_field, type_field = f[self.ACTIVITY_ID_FIELD], f[self.ACTIVITY_TYPE_FIELD]
        arrays, label = self._read(
            parameters, self.ACTIVITY, context, [id_field, type_field], crs, feedback
        )
        if arrays is None:
            raise fail(tr("The activity layer cannot be opened."))
        return audits.Ground(
            arrays.geoms,
            self._numbers(arrays, id_field),
            texts(arrays.attributes[type_field]) if type_field else None,
            layer=label,
            use_field=type_field or domain.SPOT_TYPE,
            fids=arrays.feature_ids,
            id_field=id_field,
        )

    def _licences(self, parameters, context, crs, feedback) -> audits.Licences:
        f = self._field_names(
            parameters,
            (self.LICENCE_NUMBER_FIELD, self.VALID_FROM_FIELD, self.VALID_TO_FIELD),
            context,
            feedback,
        )
        arrays, label = self._read(
            parameters, self.LICENCES, context, list(f.values()), crs, feedback
        )
        return audits.Licences(
            arrays.geoms,
            self._numbers(arrays, f[self.LICENCE_NUMBER_FIELD]),
            valid_from=column(arrays, f[self.VALID_FROM_FIELD]),
            valid_to=arrays.attributes[f[self.VALID_TO_FIELD]],
            layer=label,
            fids=arrays.feature_ids,
            number_field=f[self.LICENCE_NUMBER_FIELD],
            from_field=f[self.VALID_FROM_FIELD] or cs.LICENCE_VALID_FROM,
            to_field=f[self.VALID_TO_FIELD],
        )

    def _no_go(self, parameters, context, crs, feedback) -> dict[str, tuple]:
        """No-go layer (its Chinese name) -> (geometries, feature labels), for the layers given."""
        labels_zh = {layer.key: layer.label_zh for layer in domain.OVERLAY_LAYERS}
        no_go = {}
        for parameter in MINING_NO_GO:
            source = self.parameterAsSource(parameters, parameter, context)
            if source is None:
                continue
            key = OVERLAY_PARAMETERS[parameter]
            names = source.fields().names()
            # Found as screenspots finds it (jcqmc, name): else the zones are named by fid.
            label_field = next(
                (
                    found
                    for wanted in OVERLAY_LABEL_FIELDS[key]
                    if (found := domain.field_as_named(names, wanted))
                ),
                "",
            )
            arrays, _label = self._read(
                parameters, parameter, context, [label_field], crs, feedback
            )
            no_go[labels_zh[key]] = (arrays.geoms, self._ids(arrays, label_field))
        return no_go

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        # The activity becomes ledger spots: it sets the zone, as the spots do in screenspots.
        crs = self._measuring_crs(
            parameters,
            (self.ACTIVITY, self.LICENCES),
            context,
            tr("The licence layer cannot be opened."),
        )
        activity = self._activity(parameters, context, crs, feedback)
        types = self._words(parameters, self.MINING_TYPES, context)
        if types and activity.uses is None:
            raise fail(tr("Mining types are given but no activity type field."))
        licences = self._licences(parameters, context, crs, feedback)
        no_go = self._no_go(parameters, context, crs, feedback)
        # Counted as the audit selects them: 300 spots read, 38 of them of a mining type.
        audited = int(audits.audited_activities(activity, types or None).sum())
        if types and not audited and len(activity.geoms):
            feedback.pushWarning(
                matched_nothing(
                    activity.layer,
                    activity.use_field,
                    types,
                    activity.uses,
                    tr("no activity is audited and both outputs are empty"),
                )
            )
        feedback.setProgressText(tr("Auditing {count} activities").format(count=audited))
        result = self._call_engine(
            feedback,
            audits.audit_mining,
            activity,
            licences,
            self._check_date(parameters, context),
            no_go,
            crs=crs.authid(),
            mining_kinds=types or None,
            area_method=self._area_method(parameters, context),
        )
        if result is None:
            return {}
        return self._write_findings(
            parameters, context, crs, result, MINING_RECORD_FIELDS, cs.ACTIVITY_ID, feedback
        )
