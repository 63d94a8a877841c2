"""Publication dates from datelines, bylines and HTML metadata, in several languages.

``find_date(text)`` reads the first date in a line ("PARIS, 6 déc. (Reuters) –", "Updated
14:05 GMT, March 3, 2024", "Опубликовано 12.03.2024 10:15", "2024-03-12T10:15:00+01:00")
and returns it as a :class:`Dated`: the moment in UTC and the UTC offset the text gave, when
it gave one (a time without a zone is taken as UTC and its offset reported as unknown). A
date without a year takes the year that puts it nearest before ``reference`` (now). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

# month names in the languages news is published in, from CLDR (babel): wide and abbreviated,
# as they stand in a date ("3 марта", "3 kwietnia") and alone ("март"); lower case, no final
# period. CLDR's Levantine and Iraqi Arabic give the Syriac month names (آذار, تشرين الأول).
_LOCALES = (
    "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "sk", "ro",
    "hu", "hr", "sl", "ru", "uk", "bg", "sr_Latn", "tr", "el", "ar", "ar_SY", "ar_IQ", "id",
    "ca", "et", "lv", "lt",
)  # fmt: skip
# abbreviations that are everyday words beside a number ("3 out of 4", "2 sets", "sie" in
# German), never read as months
_AMBIGUOUS = frozenset({"out", "set", "den", "list", "sie"})


def _month_names() -> dict[str, int]:
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in _LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = name.lower().rstrip(".")
                    if len(key) >= 3 and key not in _AMBIGUOUS:  # "mä", "ab": no
                        names.setdefault(key, number)
    # what publishers print beside CLDR's forms
    extra = {
        "sept": 9, "janv": 1, "févr": 2, "avr": 4, "juil": 7, "jän": 1, "ene": 1, "dez": 12,
    }  # fmt: skip
    names.update(extra)
    return names


_MONTH_OF = _month_names()
MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
_MONTH = "(?P<month>" + MONTH_NAMES + ")"

# zone abbreviations news sites print, as minutes east of UTC
_ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180,
    "msk": 180, "мск": 180, "ist": 330, "jst": 540, "kst": 540, "aest": 600,
    "et": -300, "est": -300, "edt": -240, "ct": -360, "cst": -360, "cdt": -300,
    "mt": -420, "mst": -420, "mdt": -360, "pt": -480, "pst": -480, "pdt": -420,
}  # fmt: skip
_ZONE = r"(?:\s*(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")\b)?"
_OFFSET = r"(?:\s*(?:utc|gmt)?\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?))?"
_TIME = (
    r"(?P<hour>[01]?\d|2[0-3])(?::|h|\.)(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
    r"(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?" + _OFFSET + _ZONE
)

_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<year>\d{4}|\d{2})(?![\d])"
)
# "6 déc.", "3 de marzo de 2024", "12. März 2024", "12 марта 2024 г."
_DAY_MONTH = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?" + _MONTH + r"(?!\w)\.?"
    r"(?:,?\s+(?:de\s+|del\s+)?(?P<year>\d{4}))?",
    re.I,
)
# "March 3, 2024", "Mar. 3 2024", "March 3"
_MONTH_DAY = re.compile(
    r"\b" + _MONTH + r"(?!\w)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?",
    re.I,
)
# ctime and Unix date(1): "Fri Apr 28 19:20:36 CEST 2023", the year after the time and zone
_CTIME = re.compile(
    r"\b" + _MONTH + r"(?!\w)\.?\s+(?P<day>\d{1,2})\s+" + _TIME + r"\s+(?P<year>\d{4})\b",
    re.I,
)
_ZONE_AFTER = re.compile(
    r"\s*(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")\b", re.I
)
_TIME_ANYWHERE = re.compile(r"(?<![\d:])" + _TIME, re.I)


@dataclass(frozen=True)
class Dated:
    at: datetime  # in UTC
    offset_minutes: int | None  # the offset the text gave; None when it gave no zone

    @property
    def offset(self) -> str | None:
        """The offset as "+01:00", or None."""
        if self.offset_minutes is None:
            return None
        sign = "+" if self.offset_minutes >= 0 else "-"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return f"{sign}{hours:02d}:{minutes:02d}"

    @property
    def day(self) -> date:
        """The day it falls on where it was written (in UTC when it gave no zone)."""
        return (self.at + timedelta(minutes=self.offset_minutes or 0)).date()

    @classmethod
    def of(cls, moment: datetime) -> Dated:
        """A time someone gave: in UTC, with its offset (none for a time without a zone,
        which is taken as UTC)."""
        offset = moment.utcoffset()
        if offset is None:
            return cls(moment.replace(tzinfo=UTC), None)
        return cls(moment.astimezone(UTC), int(offset.total_seconds() // 60))


def _offset_minutes(offset: str | None, zone: str | None) -> int | None:
    if offset:
        if offset.upper() == "Z":
            return 0
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = (
            (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
        )
        return sign * (hours * 60 + minutes)
    if zone:
        return _ZONES[zone.lower()]
    return None


def _year(year: str | None, month: int, day: int, reference: datetime) -> int | None:
    if year:
        y = int(year)
        return y + 2000 if y < 100 else y
    # no year: the one that puts the date nearest before the reference (a day of slack)
    for y in (reference.year, reference.year - 1):
        try:
            if datetime(y, month, day, tzinfo=UTC) <= reference + timedelta(days=1):
                return y
        except ValueError:
            return None
    return reference.year - 1


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int | None
) -> Dated | None:
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = timezone(timedelta(minutes=offset or 0))
    return Dated(local.replace(tzinfo=zone).astimezone(UTC), offset)


def find_date(text: str, reference: datetime | None = None) -> Dated | None:
    """The first date in the text (and the time and zone near it), or None."""
    reference = reference or datetime.now(UTC)
    iso = _ISO.search(text)
    if iso:
        zone = _ZONE_AFTER.match(text, iso.end()) if iso["hour"] and not iso["offset"] else None
        return _build(
            int(iso["year"]), int(iso["month"]), int(iso["day"]),
            int(iso["hour"] or 0), int(iso["minute"] or 0), int(iso["second"] or 0),
            _offset_minutes(iso["offset"], zone["zone"] if zone else None),
        )  # fmt: skip
    ctime = _CTIME.search(text)
    if ctime:
        return _build(
            int(ctime["year"]), _MONTH_OF[ctime["month"].lower()], int(ctime["day"]),
            int(ctime["hour"]), int(ctime["minute"]), int(ctime["second"] or 0),
            _offset_minutes(ctime["offset"], ctime["zone"]),
        )  # fmt: skip
    found: list[tuple[int, int, int, int, int]] = []  # position, end, year, month, day
    for m in _NUMERIC.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        # day first (as most of the world writes it), unless that cannot be a date
        day, month = (b, a) if a <= 12 < b else (a, b)
        year = _year(m["year"], month, day, reference)
        if year is not None and 1 <= month <= 12:
            found.append((m.start(), m.end(), year, month, day))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            month = _MONTH_OF[m["month"].lower()]
            day = int(m["day"])
            year = _year(m["year"], month, day, reference)
            if year is not None:
                found.append((m.start(), m.end(), year, month, day))
    if not found:
        return None
    start, end, year, month, day = min(found)
    # the time nearest the date, before or after it, on the same line
    hour = minute = second = 0
    offset = None
    times = [t for t in _TIME_ANYWHERE.finditer(text) if t.end() <= start or t.start() >= end]
    if times:
        t = min(times, key=lambda t: min(abs(t.start() - end), abs(start - t.end())))
        hour, minute, second = int(t["hour"]), int(t["minute"]), int(t["second"] or 0)
        ampm = (t["ampm"] or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        offset = _offset_minutes(t["offset"], t["zone"])
    return _build(year, month, day, hour, minute, second, offset)
