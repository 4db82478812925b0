"""The current spot's page in the dock: its figures in m² and 亩, flags, the features it hits,
the pieces in the colours of their layers and the verdicts recorded, as HTML."""

from __future__ import annotations

import html
import math

from qgis.PyQt.QtWidgets import QWidget

from ..core import domain, ledger
from ..core import ledger_schema as ls
from ..core.areas import shown_mu
from ..core.ledger_rows import change_halves
from ..i18n import in_interface_language, labelled
from .colours import PIECE_COLOURS
from .messages import REFUSAL, WARNING, colour, field_html, isolated

# Figures shown for the current spot, in m² and 亩, named as in the attribute table and export
# less the unit there (图斑面积（平方米）): the row gives both units.
FIELD_LABELS = domain.output_field_labels_zh()
FIGURES = tuple(
    (field, domain.area_name_zh(field))
    for field in (
        domain.SPOT_AREA,
        *(domain.LAND_GROUP_FIELDS[group] for group in domain.LAND_GROUPS),
        domain.UNSURVEYED_AREA,
        *(layer.area_field for layer in domain.OVERLAY_LAYERS),
    )
)


# What a figure of a spot without an outline reads: nothing was measured.
NOT_MEASURED = "—（无图形，未量算）"


def piece_colour(layer: str | None) -> str:
    """The outline colour of a layer's pieces, as the pieces' style draws them."""
    return PIECE_COLOURS.get(layer, ("", "#000000"))[1]


def piece_row(piece: dict) -> str:
    layer = piece.get(domain.PIECE_LAYER)
    colour = piece_colour(layer)
    label = field_html(domain.LAYER_LABELS_ZH.get(layer, str(layer)))
    feature = field_html(piece.get(domain.PIECE_FEATURE) or "")
    try:
        area = float(piece.get(domain.PIECE_AREA) or 0)
    except (TypeError, ValueError):
        area = math.nan
    return (
        f"<tr><td><span style='color:{colour}'>■</span> {label}</td><td>{feature}</td>"
        f"<td align='right'>{area:,.2f} m²</td><td align='right'>"
        f"{shown_mu(area):,.2f} 亩</td></tr>"
    )


def change_in_chinese(change: object) -> str:
    """A change a refresh kept with the spot, as this page (in Chinese) lists it: its Chinese
    half, isolated as every value typed by people on the page."""
    return isolated(change_halves(str(change))[0])


def spot_html(
    spot: ledger.Spot,
    history: list[ledger.Verdict],
    on: QWidget | None = None,
    standing: str = "",
) -> str:
    """The current spot's figures (m² and 亩), flags, features hit and verdicts, as HTML,
    coloured for the background of ``on``, the widget it is shown in (messages.colour).

    What a technician looks for first comes first, under the number and the suggestion: the
    current verdict and ``standing`` (the case's stage and next deadline, HTML), then what a
    re-delivery changed since; the figures, the features hit and the earlier verdicts after
    them. Below the figures, they were out of sight on a panel of usual height, a page away
    on every spot (a review of 2026-11-29)."""
    attributes = spot.attributes
    escape = html.escape
    # Screening measures nothing of a spot without an outline and gives it 0 m² everywhere:
    # shown as 0.00 beside "图斑几何为空", the figures read as measured. They are shown as not
    # measured instead.
    unmeasured = spot.geometry is None or spot.geometry.is_empty
    rows = []
    for field, label in FIGURES:
        value = attributes.get(field)
        if value is None:
            continue
        try:
            sqm = float(value)
        except (TypeError, ValueError):
            sqm = math.nan
        if unmeasured:
            figures = f"{NOT_MEASURED}</td><td>"
        elif math.isfinite(sqm):
            figures = f"{sqm:,.2f} m²</td><td align='right'>{shown_mu(sqm):,.2f} 亩"
        else:  # a delivered text such as "" or "2,500.00": shown as it is, not as a number
            figures = f"{field_html(value)}</td><td>"
        rows.append(
            f"<tr><td>{escape(label)} <small>{field}</small></td>"
            f"<td align='right'>{figures}</td></tr>"
        )
    hits = [
        labelled(escape(FIELD_LABELS[layer.hits_field]), field_html(attributes[layer.hits_field]))
        for layer in domain.OVERLAY_LAYERS
        if layer.hits_field and attributes.get(layer.hits_field)
    ]
    parts = [
        # Each field isolated (field_html): a direction override typed in the number must not
        # reorder the town and office after it.
        f"<h3>{field_html(spot.number)} <small>{field_html(spot.town or '')} "
        f"{field_html(spot.office or '')}</small></h3>",
        f"<p><b>{field_html(attributes.get(domain.SUGGESTED_VERDICT) or '')}</b> "
        f"{field_html(attributes.get(domain.VERDICT_REASON) or '')}</p>",
    ]
    if history:
        parts.append(verdict_html(history[-1]))
    parts.append(standing)
    parts += _refreshes_html(attributes, history, on)
    parts.append("<table cellspacing='0' cellpadding='2'>" + "".join(rows) + "</table>")
    if attributes.get(domain.CRIMINAL_FLAG):
        parts.append(
            f"<p style='color:{colour(REFUSAL, on)}'><b>"
            + escape(
                in_interface_language(
                    f"{FIELD_LABELS[domain.CRIMINAL_FLAG]} / reaches the criminal-referral "
                    "threshold"
                )
            )
            + "</b></p>"
        )
    if hits:
        parts.append("<p>" + "<br>".join(hits) + "</p>")
    pieces = attributes.get(domain.SPOT_PIECES) or []
    if pieces:
        rows = "".join(piece_row(piece) for piece in pieces)
        parts.append(f"<p><b>压占情况</b></p><table cellpadding='2'>{rows}</table>")
    if attributes.get(domain.GEOMETRY_NOTE):
        note = field_html(attributes[domain.GEOMETRY_NOTE])
        parts.append(f"<p style='color:{colour(WARNING, on)}'>{note}</p>")
    for verdict in reversed(history[:-1]):  # the earlier ones, newest first
        parts.append(verdict_html(verdict))
    return "".join(parts)


def _refreshes_html(
    attributes: dict, history: list[ledger.Verdict], on: QWidget | None
) -> list[str]:
    """What re-deliveries changed in the spot, said beside its verdict, which may no longer
    fit them (unless judged again since)."""
    refreshes = attributes.get(domain.SPOT_REFRESHES) or []
    if not refreshes:
        return []
    judged_at = str(history[-1].recorded_at or "") if history else ""
    lines = [
        f"{entry.get('on', '')}："
        + "；".join(map(change_in_chinese, entry.get("changes") or []))
        + ("（此后已重新判定）" if judged_at > str(entry.get("at") or "~") else "")
        for entry in refreshes
        if isinstance(entry, dict)
    ]
    return [
        f"<p style='color:{colour(WARNING, on)}'><b>重新交付后的变化</b><br>"
        + "<br>".join(html.escape(line) for line in lines)
        + "</p>"
    ]


def verdict_html(verdict: ledger.Verdict) -> str:
    """One verdict as the dock lists it: what was judged, by whom and when, and what the
    verifier recorded on site: the areas found (the figures reports count, which may differ
    from screening's above), party, actual use, stop order, remarks."""
    escape = html.escape
    labels = dict(FIGURES)
    found = []
    # Areas found on site, those not 0: the form sends every class, most of them 0.
    for field, sqm in (verdict.areas or {}).items():
        if isinstance(sqm, (int, float)) and math.isfinite(sqm) and sqm:
            label = labels.get(field, field)
            found.append(f"核实{label} {sqm:,.2f} m²（{shown_mu(sqm):,.2f} 亩）")
    details = verdict.details or {}
    approved = details.get(ls.DETAIL_APPROVED_AREA)
    for text in (
        # Each typed value isolated, as on the rest of the page (escaped with the line below).
        details.get(ls.DETAIL_APPROVAL_DATE)
        and f"批准日期：{isolated(details[ls.DETAIL_APPROVAL_DATE])}",
        isinstance(approved, (int, float)) and approved and f"批准面积：{approved:,.2f} m²",
        details.get(ls.DETAIL_PARTY) and f"当事人：{isolated(details[ls.DETAIL_PARTY])}",
        details.get(ls.DETAIL_ACTUAL_USE)
        and f"实际用途：{isolated(details[ls.DETAIL_ACTUAL_USE])}",
        details.get(ls.DETAIL_STOP_ORDER) and "已下达责令停止违法行为通知书",
        verdict.note and f"备注：{isolated(verdict.note)}",
    ):
        if text:
            found.append(text)
    # Only what the verdict holds, one space apart: an empty kind or approval number left a
    # double gap in the line ("违法 边报边用  — 李四").
    what = (verdict.category, verdict.kind, verdict.approval_number)
    who = (verdict.verifier, verdict.verified_on)
    line = (
        "✔ "
        + " ".join(field_html(part) for part in what if part)
        + " — "
        + " ".join(field_html(part) for part in who if part)
    )
    if found:
        shown = "；".join(escape(str(part)).replace("\n", "<br>") for part in found)
        line += f"<br><small>{shown}</small>"
    return f"<p>{line}</p>"
