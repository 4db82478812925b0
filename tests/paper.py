"""Figures worked out as a clerk does on paper, in decimal arithmetic: independent of the
plugin's float and whole-number rounding (core.areas)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: float | str) -> Decimal:
    """The figure to 2 decimals, half up, as written (str(float) is its shortest decimal)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def mu(sqm: float | str) -> float:
    """亩 of the m² as shown: 1 亩 = 10000/15 m² (DOMAIN §4), to 2 decimals, half up."""
    return float((cents(sqm) * 15 / 10000).quantize(CENT, rounding=ROUND_HALF_UP))
