"""Checks at load time that the Python packages the plugin computes with are importable."""

from __future__ import annotations

import importlib

# module -> pip package name; shapely must be 2.x for the vectorised engine.
REQUIRED = {"shapely": "shapely>=2", "pyproj": "pyproj", "fiona": "fiona", "rasterio": "rasterio"}


# Without these the plugin still works, less well: said at load, not refused. chinesecalendar
# gives China's official holidays and swapped working days; without it every working-day
# deadline in a year the bureau's holiday file lacks is an estimate (workdays.py: Monday to
# Friday less the fixed-date holidays).
RECOMMENDED = {"chinese_calendar": "chinesecalendar"}  # imported as chinese_calendar


def missing_dependencies(packages: dict[str, str] = REQUIRED) -> list[str]:
    """pip requirement strings of the packages that cannot be imported (or are too old)."""
    missing = []
    for module, requirement in packages.items():
        try:
            imported = importlib.import_module(module)
        except Exception:  # an ImportError, or a broken binary wheel raising something else
            missing.append(requirement)
            continue
        if module == "shapely" and not str(getattr(imported, "__version__", "0")).startswith("2"):
            missing.append(requirement)
    return missing


def install_hint(missing: list[str]) -> str:
    """How to install the missing packages into the Python QGIS runs on.

    On Linux the GEOS/GDAL/PROJ-based packages must be built against the libraries QGIS uses:
    wheels that bundle their own copies crash inside QGIS. Windows' OSGeo4W has them all.
    """
    packages = " ".join(f'"{m}"' for m in missing)
    return (
        f"Windows (OSGeo4W Shell): python3 -m pip install {packages}; "
        "Debian/Ubuntu: apt install python3-pyproj python3-fiona python3-rasterio libgeos-dev "
        'and python3 -m pip install --no-binary shapely "shapely>=2"'
    )


def missing_recommended() -> list[str]:
    """pip requirement strings of the recommended packages that cannot be imported."""
    return missing_dependencies(RECOMMENDED)
