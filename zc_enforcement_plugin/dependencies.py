"""Checks at load time that the Python packages the plugin computes with are importable."""

from __future__ import annotations

import importlib

# module -> pip requirement. shapely must be 2.x for the vectorised engine, and below 2.2:
# shapely 2.2 needs numpy 2, which Debian 12's GDAL, rasterio and QGIS bindings are not built
# for (pip would upgrade numpy with it, and rasterio then fails to import).
REQUIRED = {
    "shapely": "shapely>=2.0,<2.2",
    "pyproj": "pyproj",
    "fiona": "fiona",
    "rasterio": "rasterio",
}
# Installed beside shapely so pip never replaces the numpy 1 Debian's packages are built for.
NUMPY_PIN = "numpy<2"
# Packages Debian and Ubuntu ship built against the GDAL and PROJ QGIS itself uses: from apt,
# never pip, whose wheels bundle their own copies and crash inside QGIS.
FROM_APT = {"pyproj": "python3-pyproj", "fiona": "python3-fiona", "rasterio": "python3-rasterio"}


# Without these the plugin still works, less well: said at load, not refused. chinesecalendar
# gives China's official holidays and swapped working days; without it every working-day
# deadline in a year the bureau's holiday file lacks is an estimate (workdays.py: Monday to
# Friday less the fixed-date holidays).
RECOMMENDED = {"chinese_calendar": "chinesecalendar"}  # imported as chinese_calendar


def missing_dependencies(packages: dict[str, str] = REQUIRED) -> list[str]:
    """pip requirement strings of the packages that cannot be imported (or are too old)."""
    return list(import_problems(packages))


def import_problems(packages: dict[str, str] = REQUIRED) -> dict[str, str]:
    """{pip requirement: why} for each package that cannot be used: "" when it is not
    installed, else what importing it raised (a package installed but broken, most often by
    a numpy 2 pip put beside Debian's numpy 1: installing it again would not help), or that
    its version is wrong."""
    problems = {}
    for module, requirement in packages.items():
        try:
            imported = importlib.import_module(module)
        except ModuleNotFoundError as error:
            problems[requirement] = (
                "" if error.name == module else f"{type(error).__name__}: {error}"
            )
            continue
        except Exception as error:  # noqa: BLE001 - a broken binary raises anything
            problems[requirement] = f"{type(error).__name__}: {error}"
            continue
        version = str(getattr(imported, "__version__", "0"))
        if module == "shapely" and not (version.startswith("2.0") or version.startswith("2.1")):
            problems[requirement] = f"{WRONG_VERSION}{version}"
    return problems


# The reason import_problems gives a package of the wrong version: installed, but to be
# installed again at the version required (Debian's shapely 1.8 beside QGIS 3.22).
WRONG_VERSION = "version "


def needs_install(why: str) -> bool:
    """Whether an import problem is put right by installing the requirement: not installed,
    or of the wrong version (not a package installed but broken)."""
    return not why or why.startswith(WRONG_VERSION)


def module_of(requirement: str) -> str:
    """The module a requirement of REQUIRED or RECOMMENDED is imported as."""
    every = {**REQUIRED, **RECOMMENDED}
    return next(module for module, wanted in every.items() if wanted == requirement)


def install_commands(missing: list[str]) -> tuple[str, str]:
    """(Windows, Debian/Ubuntu) commands installing the ``missing`` requirements into the
    Python QGIS runs on. On Debian 12 that is the system's Python, which pip refuses to change
    (PEP 668) unless told: --user --break-system-packages puts them in the user's own folder,
    which QGIS reads. shapely is built there against Debian's GEOS (--no-binary), as QGIS's."""
    quoted = [f'"{m}"' for m in missing]
    windows = "python3 -m pip install " + " ".join(quoted)
    apt = ["python3-pip", "python3-dev", "libgeos-dev"]
    apt += [FROM_APT[module_of(m)] for m in missing if module_of(m) in FROM_APT]
    pip = [q for m, q in zip(missing, quoted) if module_of(m) not in FROM_APT]
    debian = "sudo apt install " + " ".join(apt)
    if pip:
        if any(module_of(m) == "shapely" for m in missing):
            pip.append(f'"{NUMPY_PIN}"')
        debian += (
            "; python3 -m pip install --user --break-system-packages --no-binary shapely "
            + " ".join(pip)
        )
    return windows, debian


def install_hint(missing: list[str]) -> str:
    """install_commands in one line, for a log."""
    windows, debian = install_commands(missing)
    return f"Windows (OSGeo4W Shell): {windows}; Debian/Ubuntu: {debian}"


def missing_recommended() -> list[str]:
    """pip requirement strings of the recommended packages that cannot be imported."""
    return missing_dependencies(RECOMMENDED)
