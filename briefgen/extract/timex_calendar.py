"""Calendar arithmetic for temporal expressions, and their TIMEX3 / ISO 8601 values.

Everything is counted from a reference day (the publication date, or the last day the text
named) and follows the TimeML conventions: `2021-W52` (ISO week), `2021-W51-WE` (its weekend),
`2009-Q4`, `2008-FA`, `1999-05-23TEV`, `P2M`, `PT30.4S`, `PXW`.
"""

from __future__ import annotations

import datetime
import zoneinfo

from briefgen.extract.timex_lexicon import Unit

#: How many years from the reference day a day and month may be looked for.
_YEAR_SPAN = (-1, 0, 1)
#: The duration designator of an unspecified count of a multiple unit ("des décennies").
_VAGUE_MULTIPLES = {(10.0, "Y"): "DE", (100.0, "Y"): "CE"}


def day_value(day: datetime.date) -> str:
    return day.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_value(day: datetime.date, weekend: bool = False) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}" + ("-WE" if weekend else "")


def valid_day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def nearest_day(
    month: int, day: int, reference: datetime.date, direction: int = 0, weekday: int = 0
) -> datetime.date | None:
    """The `day` of `month` in the year that puts it nearest `reference`.

    `direction` -1 keeps days before the reference, +1 days after it ("le 6 mai dernier",
    "13 avril prochain"); a `weekday` (1 = Monday) named with the day picks the year where it
    falls on that weekday ("samedi 4 janvier").
    """
    candidates = [
        candidate
        for offset in _YEAR_SPAN
        if (candidate := valid_day(reference.year + offset, month, day)) is not None
        and direction * (candidate - reference).days >= 0
    ]
    if weekday:
        candidates = [c for c in candidates if c.isoweekday() == weekday] or candidates
    return min(candidates, key=lambda c: abs((c - reference).days), default=None)


def nearest_month(month: int, reference: datetime.date, direction: int = 0) -> tuple[int, int]:
    """The (year, month) of `month` around `reference`, with `direction` as in `weekday_date`:
    the nearest (0), strictly before (-1) or after (+1) the reference month ("septembre
    dernier", "juin prochain"), or before (-2) or after (+2) it, that month included (a month
    named in a past- or future-tense clause)."""
    here = reference.year * 12 + reference.month - 1
    candidates = [(reference.year + offset) * 12 + month - 1 for offset in _YEAR_SPAN]
    if direction in (-1, 1):
        candidates = [c for c in candidates if direction * (c - here) > 0]
    elif direction in (-2, 2):
        candidates = [c for c in candidates if direction * (c - here) >= 0]
    best = min(candidates, key=lambda c: (abs(c - here), c))
    return best // 12, best % 12 + 1


def shift_month(reference: datetime.date, months: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 + months
    return index // 12, index % 12 + 1


def tense_weekend(reference: datetime.date, direction: int) -> str:
    """ "Ce week-end" in a past-tense clause (-2): the most recent weekend, the current one
    during a weekend; in a future-tense clause (+2): the coming one."""
    return week_value(weekday_date(6, reference, direction), weekend=True)


def weekday_date(weekday: int, reference: datetime.date, direction: int) -> datetime.date:
    """The day named by a weekday (1 = Monday) around `reference`.

    `direction`: -1 the last one before the reference ("vendredi dernier"), +1 the next one
    after it, 0 the nearest ("ce mardi"); -2 the most recent one, the reference day included
    (a bare weekday in a past-tense clause, TimeBank's default), +2 the coming one, included.
    """
    delta = weekday - reference.isoweekday()
    if direction == -2:
        delta = delta - 7 if delta > 0 else delta
    elif direction == 2:
        delta = delta + 7 if delta < 0 else delta
    elif direction == -1:
        delta = delta - 7 if delta >= 0 else delta
    elif direction == 1:
        delta = delta + 7 if delta <= 0 else delta
    elif delta > 3:
        delta -= 7
    elif delta < -3:
        delta += 7
    return reference + datetime.timedelta(days=delta)


def calendar_value(designator: str, reference: datetime.date, offset: int) -> str | None:
    """The week, weekend, month, quarter, half-year or year `offset` units from `reference`."""
    if designator in ("W", "WE"):
        day = reference + datetime.timedelta(weeks=offset)
        return week_value(day, weekend=designator == "WE")
    if designator == "M":
        return month_value(*shift_month(reference, offset))
    if designator == "Y":
        return f"{reference.year + offset:04d}"
    if designator in ("Q", "H"):
        size = 3 if designator == "Q" else 6
        index = reference.year * (12 // size) + (reference.month - 1) // size + offset
        year, part = divmod(index, 12 // size)
        return f"{year:04d}-{designator}{part + 1}"
    return None


def nearest_part(designator: str, number: int, reference: datetime.date) -> str:
    """Quarter or half `number` ("le premier trimestre") in the year that puts it nearest."""
    size = 3 if designator == "Q" else 6
    middle_month = (number - 1) * size + size / 2
    here = reference.month - 1 + reference.day / 31
    year = min(
        (reference.year + offset for offset in _YEAR_SPAN),
        key=lambda y: abs((y - reference.year) * 12 + middle_month - here),
    )
    return f"{year:04d}-{designator}{number}"


def ago_value(count: float, unit: Unit, reference: datetime.date, sign: int) -> str:
    """The date `count` units before (`sign` -1) or after (+1) `reference`, at the unit's grain."""
    steps = round(count * unit.count) * sign
    if unit.designator == "Y" and not unit.is_time:
        return f"{reference.year + steps:04d}"
    if unit.designator == "M" and not unit.is_time:
        return month_value(*shift_month(reference, steps))
    if unit.designator == "Q":
        return month_value(*shift_month(reference, 3 * steps))
    days = {"W": 7, "D": 1}.get(unit.designator, 0) if not unit.is_time else 0
    return day_value(reference + datetime.timedelta(days=days * steps))


def duration_value(count: float | None, unit: Unit) -> str:
    """`P2M`, `PT30.4S`, `P2.5Y`; `PXW` when the count is unspecified ("quelques semaines")."""
    time_mark = "T" if unit.is_time else ""
    if count is None:
        designator = _VAGUE_MULTIPLES.get((unit.count, unit.designator), unit.designator)
        return f"P{time_mark}X{designator}"
    return f"P{time_mark}{number_text(count * unit.count)}{unit.designator}"


def number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


def time_value(day: datetime.date, hour: int, minute: int, second: int, zone: str) -> str:
    """`2021-12-29T15:30-05:00`: the zone is Z, an offset, or a tz database name (resolved for
    that day, so summer time counts); an unknown name leaves the time without zone."""
    clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
    return f"{day.isoformat()}T{clock}{zone_suffix(zone, day, hour, minute)}"


def zone_suffix(zone: str, day: datetime.date, hour: int, minute: int) -> str:
    if not zone or zone == "Z" or zone[0] in "+-":
        return zone
    try:
        offset = datetime.datetime.combine(
            day, datetime.time(hour % 24, minute), tzinfo=zoneinfo.ZoneInfo(zone)
        ).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    if offset is None:
        return ""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "Z"
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def numeric_offset(text: str) -> str:
    """`+8`, `-0530`, `+05:30` as an ISO offset (`+08:00`); `Z` for zero."""
    sign = "-" if text.strip().startswith("-") else "+"
    digits = "".join(char for char in text if char.isdigit())
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    if int(hours or 0) == 0 and int(minutes) == 0:
        return "Z"
    return f"{sign}{int(hours):02d}:{minutes}"
