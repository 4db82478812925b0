"""Saying when the words typed for a parameter match no value of the field they are matched to.

A list of types or uses that matches nothing is not an error (the outputs are what was asked),
but it is almost always a wording difference (采矿 typed, the survey says 采矿用地): left
unsaid, the audit looks clean or empty where it looked at nothing."""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import tr

# Distinct values named in the message: enough to see the wording, not a page of it.
_SHOWN = 8


def matched_nothing(
    layer: str, field: str, words: Sequence[str], values: Sequence, consequence: str
) -> str:
    """The warning for `words` matching no value of `field` in `layer`: what follows from it
    (`consequence`) and the values the field holds, the most frequent first."""
    counts: dict[str, int] = {}
    for value in values:
        text = "" if value is None else str(value).strip()
        counts[text] = counts.get(text, 0) + 1
    ordered = sorted(counts, key=lambda t: -counts[t])
    shown = [t or tr("(empty)") for t in ordered[:_SHOWN]]
    found = "、".join(shown) + ("…" if len(ordered) > _SHOWN else "")
    return tr(
        "{layer}: none of its {count} features has a {field} among the words typed ({words}): "
        "{consequence}. {field} holds {distinct} distinct values: {found}. Type the words as "
        "the layer spells them."
    ).format(
        layer=layer,
        count=len(values),
        field=field,
        words="；".join(words),
        consequence=consequence,
        distinct=len(ordered),
        found=found,
    )
