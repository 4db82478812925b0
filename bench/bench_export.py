"""`make bench` (part 3): writing the verification export's files for 24,000 spots.

Times what exportverification spends in the GeoPackage, the Shapefile (GBK) and the XLSX
ledger for a ledger kept three years (the review measured 44.5 s in the first two when they
were written with fiona). The rows are made here, not read from a ledger: this times the
writers alone, the GeoPackage and Shapefile against a target of 15 s (fiona took 23.6 s here
on these rows; GDAL's bindings 9.7 s); the XLSX is shown beside them (8 s).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPOTS = 24_000
TARGET_SECONDS = 15.0  # the GeoPackage and the Shapefile


def export_rows() -> list:
    import numpy as np
    import shapely

    from zc_enforcement_plugin.core import export

    rng = np.random.default_rng(24_000)
    x = 39_560_000 + rng.uniform(0, 30_000, SPOTS)
    y = 4_030_000 + rng.uniform(0, 40_000, SPOTS)
    size = rng.uniform(15, 80, SPOTS)
    rows = []
    for i in range(SPOTS):
        geometry = shapely.box(x[i], y[i], x[i] + size[i], y[i] + size[i] * 0.8)
        values = {}
        for column in export.EXPORT_COLUMNS:
            if column.kind in export.AREA_KINDS:
                values[column.name] = round(geometry.area * rng.uniform(0, 1), 2)
            elif column.kind == export.COL_INT:
                values[column.name] = i + 1
            elif column.kind == export.COL_DATE:
                values[column.name] = dt.date(2024, 1, 1) + dt.timedelta(days=i % 900)
            else:
                values[column.name] = f"镇{i % 9}现场核查文本{i}"
        number = f"3703022024{i:06d}"
        values[export.SPOT_NUMBER] = number
        rows.append(export.ExportRow(i + 1, number, f"批次{i % 12}", geometry, values))
    return rows


def main() -> int:
    from zc_enforcement_plugin.core import export

    rows = export_rows()
    with tempfile.TemporaryDirectory(prefix="zc_bench_export_") as folder:
        started = time.perf_counter()
        export.write_vector_exports(folder, rows, "GBK")
        vectors = time.perf_counter() - started
        started = time.perf_counter()
        export.write_xlsx(Path(folder) / "verification.xlsx", rows)
        workbook = time.perf_counter() - started
    print(
        f"export of {SPOTS} spots: GeoPackage + Shapefile {vectors:.1f} s "
        f"(target under {TARGET_SECONDS:.0f} s), XLSX {workbook:.1f} s"
    )
    return 0 if vectors < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
