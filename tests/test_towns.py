"""Spots go to the town holding most of their area."""

from __future__ import annotations

import numpy as np
import shapely

from zc_enforcement_plugin.core.towns import assign_towns


def test_spot_goes_to_the_town_with_most_of_its_area():
    towns = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    spots = np.array(
        [
            shapely.box(90, 10, 130, 20),  # 10 m in the west town, 30 m in the east one
            shapely.box(10, 10, 20, 20),  # wholly in the west town
            shapely.box(500, 500, 510, 510),  # outside the district
            None,
            shapely.Polygon(),
        ],
        dtype=object,
    )
    town_names, offices = np.array(["西镇", "东镇"]), np.array(["A所", "B所"])
    names, offices = assign_towns(spots, towns, town_names, offices)
    assert list(names) == ["东镇", "西镇", None, None, None]
    assert list(offices) == ["B所", "A所", None, None, None]
