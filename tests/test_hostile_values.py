"""Values a delivery or an office can hold that look harmless and are not: spot numbers that
read alike (full-width digits, invisible characters), control characters in names, texts
longer than a spreadsheet cell, formulas in CSV cells, Windows' reserved device names and
numbers too long for a file name. Each expected value is worked out by hand."""

from __future__ import annotations

from tests.test_ledger import _spot
from tests.test_ledger import ledger as ledger  # noqa: F401 - the fixture, used by name
from zc_enforcement_plugin.core import ledger_schema as ls

NUMBER = "37030220260020"
FULL_WIDTH = "３７０３０２２０２６００２０"


def _numbers(store) -> list[str]:
    return sorted(s.number for s in store.spots())


def test_spot_numbers_that_read_alike_are_one_number_and_reported_as_duplicates(ledger):  # noqa: F811
    """Five spellings of 37030220260020 (zero-width space after it, full width, a leading
    left-to-right override, a soft hyphen after it, plain) are one spot number delivered five
    times: none imported, each refusal naming the number as it is compared."""
    spellings = [NUMBER + "\u200b", FULL_WIDTH, "\u202d" + NUMBER, NUMBER + "\u00ad", NUMBER]
    spots = [_spot(n, i) for i, n in enumerate(spellings)] + [_spot("37030220260021", 5)]
    report = ledger.import_batch("b", spots, source="alike.gpkg")
    assert (report.added, report.skipped) == (1, 5)
    duplicates = [e for e in report.errors if "duplicate spot number" in e.message]
    assert sorted(e.index for e in duplicates) == [0, 1, 2, 3, 4]
    assert {e.number for e in duplicates} == {NUMBER}
    assert _numbers(ledger) == ["37030220260021"]


def test_a_number_read_otherwise_than_delivered_is_stored_plain_and_said(ledger):  # noqa: F811
    """A lone full-width number and one with a zero-width space are stored as the digits they
    show; the warning names the feature, the field and both spellings."""
    report = ledger.import_batch(
        "b", [_spot(FULL_WIDTH, 0), _spot("37030220260021\u200b", 1)], source="w.gpkg"
    )
    assert report.added == 2 and not report.errors
    assert _numbers(ledger) == [NUMBER, "37030220260021"]
    said = {(w.index, w.field): w.message for w in report.warnings if w.field == "JCBH"}
    assert "full-width characters: recorded and matched as 37030220260020" in said[(0, "JCBH")]
    assert "U+200B" in said[(1, "JCBH")] and "'37030220260021\\u200b'" in said[(1, "JCBH")]


def test_a_number_recorded_in_full_width_is_refreshed_by_its_plain_redelivery(ledger):  # noqa: F811
    """A ledger whose earlier import stored the number in full width (before numbers were read
    as they show) keeps that number, and a re-delivery in ASCII refreshes that spot rather than
    add a second one."""
    ledger.import_batch("b", [_spot(NUMBER, 0)], source="first.gpkg")
    with ledger.transaction():  # as an earlier version stored it
        ledger._run(f"UPDATE {ls.T_SPOTS} SET {ls.C_SPOT_NUMBER} = ?", (FULL_WIDTH,))
    report = ledger.import_batch("b", [_spot(NUMBER, 0, TBMJ=500.0)], source="again.gpkg")
    assert (report.added, report.refreshed) == (0, 1)
    assert _numbers(ledger) == [FULL_WIDTH]
    [said] = [w for w in report.warnings if "recorded number" in w.message]
    assert (said.number, said.field) == (NUMBER, "JCBH") and repr(FULL_WIDTH) in said.message


def test_control_and_format_characters_in_numbers_and_names_are_reported(ledger):  # noqa: F811
    """A tab inside a number refuses the spot, naming it; a right-to-left override in the
    town and a zero-width space in the office are removed, so the names match, and said by
    feature and field."""
    spots = [
        _spot("3703022026\t0020", 0),
        _spot(NUMBER, 1, XZMC="南郊\u202e镇", SMC="南郊自然资源所\u200b"),
    ]
    report = ledger.import_batch("b", spots, source="cc.gpkg")
    [refused] = report.errors
    assert (refused.index, refused.field) == (0, "JCBH") and "U+0009" in refused.message
    [spot] = ledger.spots()
    assert (spot.town, spot.office) == ("南郊镇", "南郊自然资源所")
    said = {w.field: w.message for w in report.warnings if w.index == 1}
    assert "U+202E" in said["XZMC"] and "'南郊镇'" in said["XZMC"]
    assert "U+200B" in said["SMC"]
