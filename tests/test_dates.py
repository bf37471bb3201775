"""Event-date resolution against a fixed publication date, and publication-date parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from watchfloor.coding.dates import DateResolution, parse_published, resolve_event_date

# Thursday 3 September 2026: every relative expression below is resolved against it.
PUBLISHED = date(2026, 9, 3)

# sentence, tense, expected date, precision, since, matched text
RESOLVED = [
    (
        "Protesters gathered outside parliament on Tuesday.",
        "past",
        date(2026, 9, 1),
        "day",
        False,
        "on Tuesday",
    ),
    ("Fighting resumed on Thursday.", "past", date(2026, 9, 3), "day", False, "on Thursday"),
    ("The strike was called off on Friday.", "past", date(2026, 8, 28), "day", False, "on Friday"),
    ("The summit opens on Friday.", "future", date(2026, 9, 4), "day", False, "on Friday"),
    (
        "Police said the bombing happened yesterday.",
        "past",
        date(2026, 9, 2),
        "day",
        False,
        "yesterday",
    ),
    ("Talks resumed in Geneva today.", "past", date(2026, 9, 3), "day", False, "today"),
    ("Residents fled last night.", "past", date(2026, 9, 2), "day", False, "last night"),
    (
        "Shelling intensified this week along the front.",
        "past",
        date(2026, 8, 31),
        "week",
        False,
        "this week",
    ),
    ("The ceasefire collapsed last week.", "past", date(2026, 8, 24), "week", False, "last week"),
    ("Prices rose sharply last month.", "past", date(2026, 8, 1), "month", False, "last month"),
    (
        "The ministers met on 3 October, officials said.",
        "past",
        date(2025, 10, 3),
        "day",
        False,
        "on 3 October",
    ),
    (
        "The ministers will meet on 3 October.",
        "future",
        date(2026, 10, 3),
        "day",
        False,
        "on 3 October",
    ),
    ("The vote took place on October 3.", "past", date(2025, 10, 3), "day", False, "on October 3"),
    (
        "The treaty was signed on Oct. 3, 2025.",
        "past",
        date(2025, 10, 3),
        "day",
        False,
        "on Oct. 3, 2025",
    ),
    (
        "Fighting resumed on Thursday, 27 August.",
        "past",
        date(2026, 8, 27),
        "day",
        False,
        "on Thursday, 27 August",
    ),
    (
        "Clashes broke out earlier this month.",
        "past",
        date(2026, 9, 1),
        "month",
        False,
        "earlier this month",
    ),
    (
        "More than 200 people have been detained since September.",
        "past",
        date(2026, 9, 1),
        "month",
        True,
        "since September",
    ),
    (
        "Strikes have continued since October.",
        "past",
        date(2025, 10, 1),
        "month",
        True,
        "since October",
    ),
    ("The drought began in September.", "past", date(2026, 9, 1), "month", False, "in September"),
    ("The drought began in November.", "past", date(2025, 11, 1), "month", False, "in November"),
    ("Exports fell last year.", "past", date(2025, 1, 1), "year", False, "last year"),
    (
        "The convoy was attacked two days ago.",
        "past",
        date(2026, 9, 1),
        "day",
        False,
        "two days ago",
    ),
    (
        "The ministry said three weeks ago that talks had stalled.",
        "past",
        date(2026, 8, 13),
        "week",
        False,
        "three weeks ago",
    ),
    (
        "Drones struck the port on Monday night.",
        "past",
        date(2026, 8, 31),
        "day",
        False,
        "on Monday night",
    ),
    (
        "Troops crossed the border early on Sunday.",
        "past",
        date(2026, 8, 30),
        "day",
        False,
        "early on Sunday",
    ),
    (
        "Leaders will meet next week in Brussels.",
        "future",
        date(2026, 9, 7),
        "week",
        False,
        "next week",
    ),
    ("Voters go to the polls tomorrow.", "future", date(2026, 9, 4), "day", False, "tomorrow"),
    (
        "The army has occupied the district since 2024.",
        "past",
        date(2024, 1, 1),
        "year",
        True,
        "since 2024",
    ),
    (
        "A curfew was imposed on 29 February.",
        "past",
        date(2024, 2, 29),
        "day",
        False,
        "on 29 February",
    ),
    ("Officials met at the weekend.", "past", date(2026, 8, 29), "week", False, "at the weekend"),
    (
        "The deadline passed on 2026-08-30.",
        "past",
        date(2026, 8, 30),
        "day",
        False,
        "on 2026-08-30",
    ),
    ("Troops withdrew on 25/08/2026.", "past", date(2026, 8, 25), "day", False, "on 25/08/2026"),
    (
        "The pact was signed in mid-August.",
        "past",
        date(2026, 8, 1),
        "month",
        False,
        "in mid-August",
    ),
    # The most precise expression wins over an earlier, coarser one.
    (
        "Since March, and again on Tuesday, police raided offices.",
        "past",
        date(2026, 9, 1),
        "day",
        False,
        "on Tuesday",
    ),
]


@pytest.mark.parametrize(("sentence", "tense", "expected", "precision", "since", "text"), RESOLVED)
def test_dates_resolves_expression(
    sentence: str, tense: str, expected: date, precision: str, since: bool, text: str
) -> None:
    found = resolve_event_date(sentence, PUBLISHED, tense=tense)  # type: ignore[arg-type]
    assert found is not None
    assert (found.date, found.precision, found.since, found.text) == (
        expected,
        precision,
        since,
        text,
    )
    assert sentence[found.start : found.end] == found.text


NO_DATE = [
    ("Rebels seized the town on 3/10.", "past"),  # ambiguous numeric date
    ("Inflation reached 9 percent in the 2024 election year.", "past"),  # a year used as a label
    ("Theresa May said the deal was dead.", "past"),  # a surname, not a month
    ("The 11 men were arrested.", "past"),
    ("Leaders will meet next week in Brussels.", "past"),  # future-only, past tense asked
    ("Police said the bombing happened yesterday.", "future"),  # past-only, future tense asked
    ("A curfew was imposed on 30 February.", "past"),  # no such day
    ("Officials would not say when the march would begin.", "past"),  # lower-case "march"
    ("Memorials were held for the October 7 attack victims.", "past"),  # a named past event
    ("", "past"),
]


@pytest.mark.parametrize(("sentence", "tense"), NO_DATE)
def test_dates_returns_none_without_usable_expression(sentence: str, tense: str) -> None:
    assert resolve_event_date(sentence, PUBLISHED, tense=tense) is None  # type: ignore[arg-type]


def test_dates_accepts_datetime_publication() -> None:
    published = datetime(2026, 9, 3, 23, 30, tzinfo=UTC)
    found = resolve_event_date("The raid took place yesterday.", published)
    assert found is not None and found.date == date(2026, 9, 2)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The treaty was signed on 3 October 2025.", date(2025, 10, 3)),
        ("Talks collapsed on Tuesday.", None),  # relative: needs a publication date
        ("Exports fell in March 2024.", date(2024, 3, 1)),
    ],
)
def test_dates_without_publication_only_absolute(sentence: str, expected: date | None) -> None:
    found = resolve_event_date(sentence, None)
    assert (found.date if found else None) == expected


def test_dates_rejects_unknown_tense() -> None:
    with pytest.raises(ValueError, match="tense"):
        resolve_event_date("on Tuesday", PUBLISHED, tense="present")  # type: ignore[arg-type]


def test_dates_resolution_is_frozen() -> None:
    found = resolve_event_date("on Tuesday", PUBLISHED)
    assert isinstance(found, DateResolution)
    with pytest.raises(AttributeError):
        found.date = PUBLISHED  # type: ignore[misc]


PUBLISHED_VALUES = [
    ("2026-09-03", datetime(2026, 9, 3, tzinfo=UTC)),
    ("2026-09-03T14:05:00Z", datetime(2026, 9, 3, 14, 5, tzinfo=UTC)),
    ("2026-09-03T14:05:00+02:00", datetime(2026, 9, 3, 12, 5, tzinfo=UTC)),
    ("2026-09-03 14:05:00", datetime(2026, 9, 3, 14, 5, tzinfo=UTC)),
    ("Thu, 03 Sep 2026 14:05:00 +0200", datetime(2026, 9, 3, 12, 5, tzinfo=UTC)),
    ("Thu, 03 Sep 2026 14:05:00 GMT", datetime(2026, 9, 3, 14, 5, tzinfo=UTC)),
    ("3 September 2026", datetime(2026, 9, 3, tzinfo=UTC)),
    ("September 3, 2026", datetime(2026, 9, 3, tzinfo=UTC)),
    ("  Thursday, 3 September 2026 ", datetime(2026, 9, 3, tzinfo=UTC)),
    ("25/08/2026", datetime(2026, 8, 25, tzinfo=UTC)),
    # Not one of the fast formats: parsed by dateparser, zone converted to UTC.
    ("Sept 3 2026 10:00 PM EST", datetime(2026, 9, 4, 3, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("value", "expected"), PUBLISHED_VALUES)
def test_dates_parse_published(value: str, expected: datetime) -> None:
    parsed = parse_published(value)
    assert parsed == expected
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("not a date", "unrecognised"),
        ("yesterday", "unrecognised"),
        ("03/09/2026", "ambiguous"),
        ("31 February 2026", "unrecognised"),
        ("0001-01-01", "implausible year"),
    ],
)
def test_dates_parse_published_rejects_junk(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_published(value)
