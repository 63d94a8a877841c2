"""Short forms of states, provinces and territories as news writes them after a town
("Buffalo, N.Y.", "Austin, TX", "Guelph, Ont.", "Mareeba, Qld"): the AP stylebook's
abbreviations, the postal codes of the United States, Canada and Australia, and the
short forms Canadian and Australian papers use. Each names its division by country and
English name; :func:`division_rows` finds the division's rows in the place table."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_US = {
    "Alabama": "Ala. AL",
    "Alaska": "AK",
    "Arizona": "Ariz. AZ",
    "Arkansas": "Ark. AR",
    "California": "Calif. Cal. CA",
    "Colorado": "Colo. CO",
    "Connecticut": "Conn. CT",
    "Delaware": "Del. DE",
    "District of Columbia": "D.C. DC",
    "Florida": "Fla. FL",
    "Georgia": "Ga. GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "Ill. IL",
    "Indiana": "Ind. IN",
    "Iowa": "IA",
    "Kansas": "Kan. Kans. KS",
    "Kentucky": "Ky. KY",
    "Louisiana": "La. LA",
    "Maine": "ME",
    "Maryland": "Md. MD",
    "Massachusetts": "Mass. MA",
    "Michigan": "Mich. MI",
    "Minnesota": "Minn. MN",
    "Mississippi": "Miss. MS",
    "Missouri": "Mo. MO",
    "Montana": "Mont. MT",
    "Nebraska": "Neb. Nebr. NE",
    "Nevada": "Nev. NV",
    "New Hampshire": "N.H. NH",
    "New Jersey": "N.J. NJ",
    "New Mexico": "N.M. N.Mex. NM",
    "New York": "N.Y. NY",
    "North Carolina": "N.C. NC",
    "North Dakota": "N.D. N.Dak. ND",
    "Ohio": "OH",
    "Oklahoma": "Okla. OK",
    "Oregon": "Ore. Oreg. OR",
    "Pennsylvania": "Pa. Penn. PA",
    "Rhode Island": "R.I. RI",
    "South Carolina": "S.C. SC",
    "South Dakota": "S.D. S.Dak. SD",
    "Tennessee": "Tenn. TN",
    "Texas": "Tex. TX",
    "Utah": "UT",
    "Vermont": "Vt. VT",
    "Virginia": "Va. VA",
    "Washington": "Wash. WA",
    "West Virginia": "W.Va. W.Va WV",
    "Wisconsin": "Wis. Wisc. WI",
    "Wyoming": "Wyo. WY",
}
_CA = {
    "Alberta": "Alta. AB",
    "British Columbia": "B.C. BC",
    "Manitoba": "Man. MB",
    "New Brunswick": "N.B. NB",
    "Newfoundland and Labrador": "Nfld. N.L. NL",
    "Nova Scotia": "N.S. NS",
    "Ontario": "Ont. ON",
    "Prince Edward Island": "P.E.I. PEI PE",
    "Quebec": "Que. Qué. QC",
    "Saskatchewan": "Sask. SK",
    "Northwest Territories": "N.W.T. NWT NT",
    "Nunavut": "NU",
    "Yukon": "Y.T. YT",
}
_AU = {
    "New South Wales": "NSW N.S.W.",
    "Victoria": "Vic. Vic VIC",
    "Queensland": "Qld. Qld QLD",
    "South Australia": "SA S.A.",
    "Western Australia": "WA W.A.",
    "Tasmania": "Tas. Tas TAS",
    "Northern Territory": "NT N.T.",
    "Australian Capital Territory": "ACT A.C.T.",
}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, list[tuple[str, str]]]:
    """Short form -> the divisions it names, (country code, English name); "WA" and "NT"
    name one in two countries."""
    out: dict[str, list[tuple[str, str]]] = {}
    for country, table in (("US", _US), ("CA", _CA), ("AU", _AU)):
        for name, forms in table.items():
            for form in forms.split():
                out.setdefault(form, []).append((country, name))
    return out


def named(form: str) -> list[tuple[str, str]]:
    """The divisions a short form names, exactly as written ("N.Y.", "Qld"); [] for any
    other word. Two capital letters are a postal code only as written, in capitals."""
    return abbreviations().get(form.strip(), [])


@lru_cache(maxsize=256)
def _rows_for(table: Any, country: str, name: str) -> tuple[int, ...]:
    key = name.casefold()
    return tuple(
        r
        for r in table.rows_named(name)
        if table.code(r) == "ADM1"
        and table.country(r) == country
        and table.name(r).casefold() == key
    )


def division_rows(table: Any, form: str) -> list[int]:
    """The place-table rows of the divisions a short form names ("N.Y." -> New York
    state's row; "D.C." -> the District of Columbia's)."""
    out: list[int] = []
    for country, name in named(form):
        out += _rows_for(table, country, name)
    return out
