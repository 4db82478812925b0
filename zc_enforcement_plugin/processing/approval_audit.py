"""What the temporary-land and facility-land audits share: approvals against the ground."""

from __future__ import annotations

from ..compat import SOURCE_POLYGON
from ..core import audits, domain
from ..core import campaigns_schema as cs
from ..i18n import parameter_label, tr
from .base import fail
from .campaign_base import CampaignAlgorithm, column, texts

# First fields of both audits' record tables.
APPROVAL_HEAD = [
    domain.APPROVAL_NUMBER,
    domain.APPROVED_USE,
    domain.APPROVAL_AREA,
    cs.INSIDE_AREA,
    cs.OUTSIDE_AREA,
    cs.USED_AREA,
    cs.GROUND_IDS,
    cs.GROUND_USES,
]


class ApprovalAudit(CampaignAlgorithm):
    """Approvals (or filings) against the ground: the parameters and reading both audits share."""

    APPROVALS = "APPROVALS"
    NUMBER_FIELD = "NUMBER_FIELD"
    AREA_FIELD = "AREA_FIELD"
    USE_FIELD = "USE_FIELD"
    GROUND = "GROUND"
    GROUND_ID_FIELD = "GROUND_ID_FIELD"
    GROUND_USE_FIELD = "GROUND_USE_FIELD"
    USE_SYNONYMS = "USE_SYNONYMS"
    BASIC_FARMLAND = "BASIC_FARMLAND"

    def _add_approval_inputs(self, title: str, filings: bool = False) -> None:
        """The approvals layer and its fields; `filings`: facility land is filed (备案), not
        approved, and the dialog says so."""
        number, area, use = (
            (tr("Filing number field"), tr("Filed area field (m²)"), tr("Filed use field"))
            if filings
            else (
                tr("Approval number field"),
                tr("Approved area field (m²)"),
                tr("Approved use field"),
            )
        )
        self._add_source(self.APPROVALS, title, [SOURCE_POLYGON])
        self._add_field(self.NUMBER_FIELD, number, domain.APPROVAL_NUMBER, self.APPROVALS)
        self._add_field(self.AREA_FIELD, area, domain.APPROVAL_AREA, self.APPROVALS, optional=True)
        self._add_field(self.USE_FIELD, use, domain.APPROVED_USE, self.APPROVALS, optional=True)

    def _add_ground_inputs(self) -> None:
        self._add_source(
            self.GROUND, tr("What is on the ground (spots or a field survey)"), [SOURCE_POLYGON]
        )
        self._add_field(
            self.GROUND_ID_FIELD,
            tr("Ground id field"),
            domain.GROUND_FEATURE_ID,
            self.GROUND,
            optional=True,
        )
        self._add_field(
            self.GROUND_USE_FIELD, tr("Ground use field"), domain.GROUND_USE, self.GROUND
        )
        # Approvals and field surveys are written by different hands: 施工临时用地 on the ground
        # is the 临时施工用地 approved, and would otherwise read as a changed use.
        self._add_text(
            self.USE_SYNONYMS,
            tr("Uses that mean the same (word=use it stands for, ';'-separated)"),
            optional=True,
        )

    def _use_categories(self, parameters, context) -> dict[str, str] | None:
        """The USE_SYNONYMS typed, as the engines' word -> use map; None when none given."""
        categories = {}
        for item in self._words(parameters, self.USE_SYNONYMS, context):
            item = item.replace("＝", "=")  # what a Chinese input method types
            word, equals, meaning = (part.strip() for part in item.partition("="))
            if not equals or not word or not meaning:
                raise fail(
                    tr(
                        "{parameter}: “{item}” is not word=use (e.g. 施工临时用地=临时施工用地)."
                    ).format(
                        parameter=parameter_label(self.parameterDefinition(self.USE_SYNONYMS)),
                        item=item,
                    )
                )
            categories[word] = meaning
        return categories or None

    def _add_basic_farmland(self) -> None:
        self._add_source(
            self.BASIC_FARMLAND,
            tr("Permanent basic farmland (YJJBNT)"),
            [SOURCE_POLYGON],
            optional=True,
        )

    def _read_approvals_and_ground(self, parameters, context, feedback, extra_fields=()):
        """(measuring CRS, approvals, their arrays, field parameter -> field, ground).

        extra_fields: further field parameters of the approvals layer to read."""
        # The ground's pieces become ledger spots: it sets the zone, as spots do in screenspots.
        crs = self._measuring_crs(
            parameters,
            (self.GROUND, self.APPROVALS),
            context,
            tr("The approvals layer cannot be opened."),
        )
        f = self._field_names(
            parameters,
            (self.NUMBER_FIELD, self.AREA_FIELD, self.USE_FIELD, *extra_fields),
            context,
            feedback,
        )
        arrays, label = self._read(
            parameters, self.APPROVALS, context, list(f.values()), crs, feedback
        )
        approvals = audits.Approvals(
            arrays.geoms,
            self._numbers(arrays, f[self.NUMBER_FIELD]),
            areas=column(arrays, f[self.AREA_FIELD]),
            uses=column(arrays, f[self.USE_FIELD]),
            layer=label,
            fids=arrays.feature_ids,
            number_field=f[self.NUMBER_FIELD],
            area_field=f[self.AREA_FIELD] or domain.APPROVAL_AREA,
            use_field=f[self.USE_FIELD] or domain.APPROVED_USE,
        )
        g = self._field_names(
            parameters, (self.GROUND_ID_FIELD, self.GROUND_USE_FIELD), context, feedback
        )
        id_field, use_field = g[self.GROUND_ID_FIELD], g[self.GROUND_USE_FIELD]
        g_arrays, g_label = self._read(
            parameters, self.GROUND, context, [id_field, use_field], crs, feedback
        )
        if g_arrays is None:
            raise fail(tr("The ground layer cannot be opened."))
        ground = audits.Ground(
            g_arrays.geoms,
            self._ids(g_arrays, id_field),
            texts(g_arrays.attributes[use_field]),
            layer=g_label,
            use_field=use_field,
        )
        return crs, approvals, arrays, f, ground
