"""Screening pushed down into PostGIS: one SQL statement per layer, the local engine's figures.

When the spots and the protection layers are tables on the server, moving them to the client
costs more than the overlay. Here each layer is one statement: for every spot, the features
whose box meets it (GiST index), repaired like the local engine repairs them, unioned, cut by
the spot, and measured by zc_ellipsoidal_area, the official method of core/areas.py written in
SQL (edges over 100 m split, then each edge's ends and middle to CGCS2000 lat/lon). The
split of the land-use figures, rounding and clipping reuse the local engine's own functions, so
the figures agree with core.screening within 0.01 m² (tests/test_postgis_ledger.py).

Covered: TBMJ, the land-use split GDMJ/FGNYDMJ/JSYDMJ/WLYDMJ/WDCMJ (no ridge deduction) and the
area of every overlay layer. Not covered (still the local engine's job): suggested verdicts and
the figures net of approvals, overlapping parcels of different classes inside one spot (the
local engine resolves them in class order; here they would be counted in both classes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from . import domain
from .areas import _B, _E, MAX_EDGE_M, round_area, split_rounding_rows
from .screening_land import UNKNOWN_GROUP, new_construction  # the local engine's columns

GEOGRAPHIC_SRID = domain.EPSG_CGCS2000_GEOGRAPHIC


def function_sql(schema: str = "public") -> list[str]:
    """CREATE statements of the SQL functions the pushed-down screening uses."""
    return [
        # F(B) of areas.zone_area_function: ellipsoid area per radian of longitude (m²/rad).
        f"""CREATE OR REPLACE FUNCTION {schema}.zc_zone_area(lat double precision)
            RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT {_B!r} * {_B!r} * (sin(lat) / (2.0 * (1.0 - ({_E!r} * sin(lat))
                   * ({_E!r} * sin(lat)))) + atanh({_E!r} * sin(lat)) / (2.0 * {_E!r}))
            $$""",
        # The local engine's repair (geometry_repair.make_valid): valid polygonal geometry, or
        # NULL when nothing is left. Rebuilt from its structure, as there: the default
        # (linework) keeps land covered an odd number of times, dropping where two parts
        # overlap; and the polygons then unioned, since a GeometryCollection is valid however
        # its polygons overlap, and extracted they were measured twice.
        f"""CREATE OR REPLACE FUNCTION {schema}.zc_polygonal(g geometry)
            RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE
              WHEN g IS NULL OR ST_IsEmpty(g) THEN NULL
              WHEN ST_IsValid(g) AND GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON') THEN g
              ELSE (SELECT CASE WHEN ST_IsEmpty(v) THEN NULL ELSE v END
                    FROM (SELECT ST_UnaryUnion(ST_CollectionExtract(
                            ST_MakeValid(g, 'method=structure'), 3)) AS v) AS repaired)
            END $$""",
        # areas.ellipsoidal_areas in SQL: each edge's start, middle and end inverse-projected,
        # combined as areas.edge_zone_integral does. The vertices are transformed as one
        # geometry and the middles as one multipoint (a transform per point costs 200 times
        # more). F at the ring's first vertex is subtracted from each term, as the local engine
        # does, so rounding does not scale with F ≈ 1e13.
        f"""CREATE OR REPLACE FUNCTION {schema}.zc_ellipsoidal_area(g geometry)
            RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            WITH split AS (
              SELECT ST_Segmentize(ST_Multi(ST_CollectionExtract(g, 3)), {MAX_EDGE_M!r}) AS s
            ), projected AS (
              SELECT d.path, ST_X(d.geom) AS x, ST_Y(d.geom) AS y
              FROM split, ST_DumpPoints(split.s) AS d
            ), geographic AS (
              SELECT d.path, radians(ST_X(d.geom)) AS lon, radians(ST_Y(d.geom)) AS lat
              FROM split, ST_DumpPoints(ST_Transform(split.s, {GEOGRAPHIC_SRID})) AS d
            ), vertices AS (
              SELECT p.path[1] AS part, p.path[2] AS ring, p.path[3] AS k, p.x, p.y, g.lon, g.lat
              FROM projected p JOIN geographic g USING (path)
            ), edges AS (
              SELECT part, ring, k, lon AS l0, lat AS b0,
                     lead(lon) OVER w AS l1, lead(lat) OVER w AS b1,
                     (x + lead(x) OVER w) * 0.5 AS xm, (y + lead(y) OVER w) * 0.5 AS ym,
                     first_value(lat) OVER w AS bref
              FROM vertices WINDOW w AS (PARTITION BY part, ring ORDER BY k)
            ), numbered AS (
              SELECT *, row_number() OVER (ORDER BY part, ring, k) AS e
              FROM edges WHERE l1 IS NOT NULL
            ), middles AS (
              SELECT d.path[1] AS e, radians(ST_X(d.geom)) AS lm, radians(ST_Y(d.geom)) AS bm
              FROM ST_DumpPoints(ST_Transform(ST_SetSRID(
                     (SELECT ST_Multi(ST_Collect(ST_MakePoint(xm, ym) ORDER BY e)) FROM numbered),
                     ST_SRID(g)), {GEOGRAPHIC_SRID})) AS d
            ), terms AS (
              SELECT n.part, n.ring, n.l0, m.lm, n.l1,
                     {schema}.zc_zone_area(n.b0) - {schema}.zc_zone_area(n.bref) AS f0,
                     {schema}.zc_zone_area(m.bm) - {schema}.zc_zone_area(n.bref) AS fm,
                     {schema}.zc_zone_area(n.b1) - {schema}.zc_zone_area(n.bref) AS f1
              FROM numbered n JOIN middles m USING (e)
            ), rings AS (
              SELECT ring, abs(sum((f0 * (4.0 * lm - 3.0 * l0 - l1) + 4.0 * fm * (l1 - l0)
                                    + f1 * (l0 - 4.0 * lm + 3.0 * l1)) / 6.0)) AS area
              FROM terms GROUP BY part, ring
            )
            SELECT COALESCE(sum(CASE WHEN ring = 1 THEN area ELSE -area END), 0.0) FROM rings
            $$""",
    ]


@dataclass
class LayerTable:
    """A protection layer as a table on the server (geometry in the measuring CRS)."""

    table: str  # schema-qualified, already quoted where needed
    geom: str = "geom"
    label: str | None = None  # hit names (red line code, approval number, …)
    class_code: str | None = None  # DLBM, for the land-use layer


@dataclass
class PushdownResult:
    fids: np.ndarray
    fields: dict[str, np.ndarray]  # domain field -> rounded m² (None where the layer is absent)
    unrounded: dict[str, np.ndarray]
    statements: int  # SQL statements run for the overlays: one per layer


def _spots_sql(spots_table: str, fid: str, geom: str, functions: str) -> str:
    return f"SELECT {fid} AS fid, {functions}.zc_polygonal({geom}) AS g FROM {spots_table}"


def screen_in_database(
    conn,
    spots_table: str,
    layers: dict[str, LayerTable],
    fid: str = "fid",
    geom: str = "geom",
    functions: str = "public",
) -> PushdownResult:
    """Areas of every spot of `spots_table` on each layer (domain.LAYER_* keys), measured on the
    server. Geometries must be in the measuring CRS, a CGCS2000 Gauss-Krüger zone."""
    spots = _spots_sql(spots_table, fid, geom, functions)
    f = functions
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT s.fid, {f}.zc_ellipsoidal_area(s.g) FROM ({spots}) s ORDER BY 1")
        rows = cursor.fetchall()
        fids = np.array([row[0] for row in rows], dtype=np.int64)
        position = {value: i for i, value in enumerate(fids.tolist())}
        spot_area = np.array([row[1] or 0.0 for row in rows], dtype=float)
        n = len(fids)
        fields: dict[str, np.ndarray] = {domain.SPOT_AREA: round_area(spot_area)}
        unrounded: dict[str, np.ndarray] = {domain.SPOT_AREA: spot_area}
        statements = 0

        land = layers.get(domain.LAYER_LAND_USE)
        if land is not None:
            # The codes as the join below reads them (text, trimmed); each is classed as the
            # local engine classes it (a number's lost leading zero put back).
            cursor.execute(
                f"SELECT DISTINCT COALESCE(btrim({land.class_code}::text), '') FROM {land.table}"
            )
            codes = [c for (c,) in cursor.fetchall()]
            group_of = {g: i for i, g in enumerate(domain.LAND_GROUPS)}
            groups = [
                group_of.get(domain.land_group(c), UNKNOWN_GROUP)
                for c in domain.class_code_texts(codes)
            ]
            cursor.execute(
                f"""SELECT s.fid, u.grp, {f}.zc_ellipsoidal_area(
                           ST_CollectionExtract(ST_Intersection(s.g, u.g), 3))
                    FROM ({spots}) s
                    CROSS JOIN LATERAL (
                      SELECT c.grp, ST_Union(r.g) AS g
                      FROM (SELECT {f}.zc_polygonal(x.{land.geom}) AS g,
                                   COALESCE(btrim(x.{land.class_code}::text), '') AS code
                            FROM {land.table} x WHERE x.{land.geom} && s.g) r
                      JOIN unnest(%s::text[], %s::int[]) AS c(code, grp) ON c.code = r.code
                      WHERE ST_Intersects(r.g, s.g)
                      GROUP BY c.grp) u
                    WHERE s.g IS NOT NULL""",
                (codes, groups),
            )
            statements += 1
            by_group = np.zeros((n, UNKNOWN_GROUP + 1))
            for spot_fid, group, area in cursor.fetchall():
                by_group[position[spot_fid], group] = area or 0.0
            known = np.minimum(by_group[:, :UNKNOWN_GROUP], spot_area[:, None])
            unsurveyed = np.clip(spot_area - known.sum(axis=1), 0.0, None)
            parts = np.column_stack([known, unsurveyed])
            rounded = split_rounding_rows(spot_area, parts)
            names = (*domain.LAND_GROUP_FIELDS.values(), domain.UNSURVEYED_AREA)
            for j, name in enumerate(names):
                fields[name] = rounded[:, j]
                unrounded[name] = parts[:, j]
            new_construction(fields, unrounded)

        for layer in domain.OVERLAY_LAYERS:
            source = layers.get(layer.key)
            if source is None:
                fields[layer.area_field] = np.full(n, None, dtype=object)
                continue
            cursor.execute(
                f"""SELECT s.fid, {f}.zc_ellipsoidal_area(
                           ST_CollectionExtract(ST_Intersection(s.g, u.g), 3))
                    FROM ({spots}) s
                    CROSS JOIN LATERAL (
                      SELECT ST_Union(r.g) AS g
                      FROM (SELECT {f}.zc_polygonal(x.{source.geom}) AS g
                            FROM {source.table} x WHERE x.{source.geom} && s.g) r
                      WHERE ST_Intersects(r.g, s.g)) u
                    WHERE s.g IS NOT NULL AND u.g IS NOT NULL"""
            )
            statements += 1
            total = np.zeros(n)
            for spot_fid, area in cursor.fetchall():
                total[position[spot_fid]] = area or 0.0
            total = np.minimum(total, spot_area)
            fields[layer.area_field] = round_area(total)
            unrounded[layer.area_field] = total
    return PushdownResult(fids, fields, unrounded, statements)


def load_layer(
    conn,
    table: str,
    geoms: Sequence,
    srid: int,
    labels: Sequence | None = None,
    class_codes: Sequence | None = None,
    fids: Sequence[int] | None = None,
) -> None:
    """Write a layer into a new table (fid, geom, label, code) with a GiST index."""
    from psycopg2.extras import execute_values

    geoms = np.asarray(geoms, dtype=object)
    wkb = [
        None if g is None else shapely.to_wkb(shapely.force_2d(g), byte_order=1).hex()
        for g in geoms
    ]
    fids = list(range(1, len(geoms) + 1)) if fids is None else [int(v) for v in fids]
    labels = (
        [None] * len(geoms) if labels is None else [None if v is None else str(v) for v in labels]
    )
    codes = (
        [None] * len(geoms)
        if class_codes is None
        else [None if v is None else str(v) for v in class_codes]
    )
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (fid bigint PRIMARY KEY, geom geometry(Geometry, {srid}), "
            "label text, code text)"
        )
        execute_values(
            cursor,
            f"INSERT INTO {table} (fid, geom, label, code) VALUES %s",
            list(zip(fids, wkb, labels, codes)),
            template=f"(%s, ST_GeomFromWKB(decode(%s, 'hex'), {srid}), %s, %s)",
            page_size=2000,
        )
        cursor.execute(f"CREATE INDEX ON {table} USING gist (geom)")
        cursor.execute(f"ANALYZE {table}")
    if not conn.autocommit:
        conn.commit()
