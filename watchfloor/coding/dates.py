"""Event dates: resolve the date expression in a sentence against the article's publication date.

News sentences date events relative to the day the story ran ("on Tuesday", "yesterday", "since
September"). :func:`resolve_event_date` finds such an expression with one compiled regular
expression and turns it into a calendar date, with the precision the expression carries. It is
called once per sentence by the event coder, so it never calls dateparser: a cheap pre-check
rejects sentences with no date-like word, and everything else is plain ``re`` and arithmetic.

:func:`parse_published` reads the publication dates found in input files (ISO 8601, RFC 2822,
"3 September 2026"); only there, for odd but unambiguous formats, is dateparser the last resort.

Conventions (documented because callers depend on them):

* A period is dated by its first day: "last week" is the Monday of last week, "in September" is
  1 September, "last year" is 1 January; ``precision`` says how coarse the date is.
* A bare weekday is the most recent such day on or before publication (the same day counts) in
  the past tense, the next one on or after publication in the future tense.
* Expressions that point one way only ("yesterday", "last week", "two days ago" versus
  "tomorrow", "next week") are dropped when they contradict the requested tense, so a past-tense
  event is never dated to a future day.
* When a sentence holds several expressions the most precise wins, then the earliest.
* Without a publication date only expressions that carry their own year resolve.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Literal

__all__ = ["DateResolution", "parse_published", "resolve_event_date"]

Precision = Literal["day", "week", "month", "year"]
Tense = Literal["past", "future"]

# Lower rank = more precise; used to pick among several expressions in one sentence.
_PRECISION_RANK: dict[str, int] = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass(frozen=True, slots=True)
class DateResolution:
    """A date expression found in a sentence and the calendar date it stands for.

    ``start``/``end`` are character offsets of ``text`` in the sentence; ``since`` is true for
    "since ..." expressions, whose ``date`` is the start of an ongoing period.
    """

    date: date
    text: str
    start: int
    end: int
    precision: Precision
    since: bool = False


# --- calendar words ---------------------------------------------------------------------------
# Calendar vocabulary is closed-class grammar rather than an extensible dictionary, so it lives
# here next to the patterns that use it.

_MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_SMALL_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# Month names must be capitalised: "may" and "march" are also common lower-case words.
# Only abbreviations take a full stop ("Oct."); after a full name it ends the sentence.
_MON = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)(?![a-z])|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![a-z])\.?)"
)
_WD = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:1[89]|2[01])\d\d(?!\d)"
_AGO_NUM = r"\d{1,3}|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# One pattern, one scan. A shared prefix (preposition, modifier, relative word) is followed by
# one branch per kind of expression; each branch is a named group so ``lastgroup`` says which
# matched. Longer forms come first so "3 October 2026" is not read as "3 October".
_DATE_RE = re.compile(
    rf"""
    \b
    (?:(?P<prep>(?i:since|on|in|during|as\s+of|until|till|by|from|at|over))\s+)?
    (?:(?P<mod>(?i:early|late|mid|earlier|later))(?:\s+|-)(?:(?i:on|in)\s+)?)?
    (?:(?P<rel>(?i:this\s+past|last|this|next|past|coming))\s+)?
    (?:
        (?P<dmy>(?:{_WD},?\s+)?(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{_MON})
            (?:,?\s+(?P<dmy_y>{_YEAR}))?)
      | (?P<mdy>(?:{_WD},?\s+)?(?P<mdy_m>{_MON})\s+(?P<mdy_d>{_DAY})
            (?:,?\s+(?P<mdy_y>{_YEAR}))?)
      | (?P<iso>(?P<iso_y>{_YEAR})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)(?!\d))
      | (?P<num>(?P<num_a>\d{{1,2}})/(?P<num_b>\d{{1,2}})/(?P<num_y>{_YEAR}))
      | (?P<my>(?P<my_m>{_MON}),?\s+(?P<my_y>{_YEAR}))
      | (?P<mon>(?P<mon_m>{_MON}))
      | (?P<weekend>(?i:the\s+)?(?i:weekend)\b)
      | (?P<wd>(?P<wd_d>{_WD})(?:'s)?(?:\s+(?i:morning|afternoon|evening|night))?)
      | (?P<unit>(?P<unit_u>(?i:week|month|year))\b)
      | (?P<ago>(?P<ago_n>{_AGO_NUM})\s+(?P<ago_u>(?i:day|week|month|year))s?\s+(?i:ago)\b)
      | (?P<deictic>(?i:yesterday|today|tonight|tomorrow|overnight|last\s+night
            |this\s+(?:morning|afternoon|evening)|tomorrow\s+(?:morning|night)))
      | (?P<year>(?P<year_y>{_YEAR}))
    )
    """,
    re.VERBOSE,
)

# Cheap gate: a sentence without any of these cannot contain a date expression.
_HINT_RE = re.compile(
    r"\d|(?i:day|week|month|year|ago|night|morning|afternoon|evening|tomorrow)"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)

# "the 7 October attack" names a past event, while "on the 7 October" would be a date.
_ATTRIBUTIVE_RE = re.compile(r"(?<!\bon )\bthe\s+$", re.IGNORECASE)

# Which expressions point in one direction only, whatever the verb's tense.
_PAST_RELS = {"last", "past", "this past"}
_FUTURE_RELS = {"next", "coming"}


@dataclass(frozen=True, slots=True)
class _Candidate:
    resolution: DateResolution
    direction: Literal["past", "future", "either"]


def resolve_event_date(
    sentence: str, published: datetime | date | None, tense: Tense = "past"
) -> DateResolution | None:
    """The event date named in ``sentence``, resolved against the publication date.

    Returns None when the sentence holds no usable date expression; the caller then dates the
    event by its publication date. ``tense`` ("past" or "future") says which way bare weekdays
    and month names point, and drops expressions that contradict it. A ``datetime`` counts by
    its own calendar date (its local date when it carries a time zone).

    >>> resolve_event_date("Rebels shelled the town on Tuesday.", date(2026, 9, 3)).date
    datetime.date(2026, 9, 1)
    """
    if tense not in ("past", "future"):
        raise ValueError(f"tense must be 'past' or 'future', not {tense!r}")
    if not _HINT_RE.search(sentence):
        return None
    anchor = published.date() if isinstance(published, datetime) else published
    best: DateResolution | None = None
    for match in _DATE_RE.finditer(sentence):
        candidate = _resolve_match(match, anchor, tense)
        if candidate is None:
            continue
        if candidate.direction != "either" and candidate.direction != tense:
            continue
        found = candidate.resolution
        if best is None or _PRECISION_RANK[found.precision] < _PRECISION_RANK[best.precision]:
            best = found
            if found.precision == "day":
                break  # nothing later can beat the earliest day-precise expression
    return best


def _resolve_match(match: re.Match[str], anchor: date | None, tense: str) -> _Candidate | None:
    """Turn one regex match into a dated candidate, or None when it is not a usable date."""
    kind = match.lastgroup
    prep = (match.group("prep") or "").lower()
    mod = (match.group("mod") or "").lower()
    rel = " ".join((match.group("rel") or "").lower().split())
    since = prep == "since"
    direction: Literal["past", "future", "either"] = "either"
    if since or rel in _PAST_RELS or mod == "earlier":
        direction = "past"
    elif rel in _FUTURE_RELS or mod == "later":
        direction = "future"
    # An expression that points one way ("since", "last", "next") decides for itself; a bare
    # weekday or month follows the caller's tense.
    looking = tense if direction == "either" else direction

    resolved: tuple[date, Precision] | None
    if kind in ("dmy", "mdy"):
        if not match[f"{kind}_y"] and _ATTRIBUTIVE_RE.search(
            match.string, max(0, match.start() - 12), match.start()
        ):
            return None  # "the October 7 attack", "the Sept. 11 attacks": a named past event
        resolved = _day_month(match, kind, anchor, looking)
    elif kind == "iso":
        resolved = _safe_date(int(match["iso_y"]), int(match["iso_m"]), int(match["iso_d"]), "day")
    elif kind == "num":
        resolved = _numeric(int(match["num_a"]), int(match["num_b"]), int(match["num_y"]))
    elif kind == "my":
        resolved = _safe_date(int(match["my_y"]), _month_number(match["my_m"]), 1, "month")
    elif kind == "mon":
        # A bare month name needs a cue ("in May", "since March", "last August"): "May" alone
        # is a verb or a surname far more often than a date.
        if not (prep in ("since", "in", "during", "until", "till", "by", "from") or mod or rel):
            return None
        resolved = _bare_month(_month_number(match["mon_m"]), rel, anchor, looking)
    elif kind == "year":
        if not (prep in ("since", "in", "during", "by", "until", "from") or mod):
            return None  # "the 2024 election" is not an event date
        resolved = (date(int(match["year_y"]), 1, 1), "year")
    elif kind == "wd":
        resolved = _weekday(_WEEKDAYS[match["wd_d"].lower()], rel, anchor, looking)
    elif kind == "weekend":
        if not (rel or prep in ("over", "at", "during", "since")):
            return None
        resolved = _weekday(5, rel, anchor, looking, precision="week")
    elif kind == "unit":
        if not rel:
            return None  # "a week", "the year" on their own date nothing
        resolved = _relative_period(match["unit_u"].lower(), rel, anchor)
    elif kind == "ago":
        resolved = _ago(match["ago_n"].lower(), match["ago_u"].lower(), anchor)
        direction = "past"
    elif kind == "deictic":
        resolved, direction = _deictic(match["deictic"].lower(), anchor)
    else:  # pragma: no cover - every branch of _DATE_RE is handled above
        return None
    if resolved is None:
        return None
    when, precision = resolved
    resolution = DateResolution(
        date=when,
        text=match.group(0),
        start=match.start(),
        end=match.end(),
        precision=precision,
        since=since,
    )
    return _Candidate(resolution, direction)


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _safe_date(
    year: int, month: int, day: int, precision: Precision
) -> tuple[date, Precision] | None:
    try:
        return date(year, month, day), precision
    except ValueError:  # "31 February", "2026-13-01"
        return None


def _day_month(
    match: re.Match[str], kind: str, anchor: date | None, looking: str
) -> tuple[date, Precision] | None:
    day = int(match[f"{kind}_d"].rstrip("stndrh"))
    month = _month_number(match[f"{kind}_m"])
    year_text = match[f"{kind}_y"]
    if year_text:
        return _safe_date(int(year_text), month, day, "day")
    if anchor is None:
        return None
    # Without a year: the nearest year that puts the date on the right side of publication
    # (several years away only for 29 February).
    step = -1 if looking == "past" else 1
    for year in range(anchor.year, anchor.year + 9 * step, step):
        found = _safe_date(year, month, day, "day")
        if found is None:
            continue
        if (looking == "past" and found[0] <= anchor) or (looking != "past" and found[0] >= anchor):
            return found
    return None  # 30 February


def _numeric(first: int, second: int, year: int) -> tuple[date, Precision] | None:
    """Slash dates only when the order is certain: 25/10/2026 yes, 3/10/2026 no."""
    if first > 12 >= second:
        return _safe_date(year, second, first, "day")
    if second > 12 >= first:
        return _safe_date(year, first, second, "day")
    return None


def _bare_month(
    month: int, rel: str, anchor: date | None, looking: str
) -> tuple[date, Precision] | None:
    if anchor is None:
        return None
    year = anchor.year
    if rel in _PAST_RELS:  # "last March": the latest March before this month
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif rel in _FUTURE_RELS:
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif rel == "this":
        year = anchor.year
    elif looking == "past":
        year = anchor.year if month <= anchor.month else anchor.year - 1
    else:
        year = anchor.year if month >= anchor.month else anchor.year + 1
    return date(year, month, 1), "month"


def _weekday(
    weekday: int,
    rel: str,
    anchor: date | None,
    looking: str,
    precision: Precision = "day",
) -> tuple[date, Precision] | None:
    if anchor is None:
        return None
    back = (anchor.weekday() - weekday) % 7  # days since the most recent such weekday
    ahead = (weekday - anchor.weekday()) % 7
    if rel in _PAST_RELS:
        return anchor - timedelta(days=back or 7), precision
    if rel in _FUTURE_RELS:
        return anchor + timedelta(days=ahead or 7), precision
    if looking == "past":
        return anchor - timedelta(days=back), precision
    return anchor + timedelta(days=ahead), precision


def _relative_period(unit: str, rel: str, anchor: date | None) -> tuple[date, Precision] | None:
    if anchor is None:
        return None
    step = -1 if rel in _PAST_RELS else 1 if rel in _FUTURE_RELS else 0
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return monday + timedelta(weeks=step), "week"
    if unit == "month":
        return _add_months(anchor.replace(day=1), step), "month"
    return date(anchor.year + step, 1, 1), "year"


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _ago(count_text: str, unit: str, anchor: date | None) -> tuple[date, Precision] | None:
    if anchor is None:
        return None
    count = int(count_text) if count_text.isdigit() else _SMALL_NUMBERS[count_text]
    if unit == "day":
        return anchor - timedelta(days=count), "day"
    if unit == "week":
        return anchor - timedelta(weeks=count), "week"
    if unit == "month":
        return _add_months(anchor.replace(day=1), -count), "month"
    return date(anchor.year - count, 1, 1), "year"


def _deictic(
    word: str, anchor: date | None
) -> tuple[tuple[date, Precision] | None, Literal["past", "future", "either"]]:
    if anchor is None:
        return None, "either"
    word = " ".join(word.split())
    if word in ("yesterday", "last night"):
        return (anchor - timedelta(days=1), "day"), "past"
    if word.startswith("tomorrow"):
        return (anchor + timedelta(days=1), "day"), "future"
    # today, tonight, this morning, overnight (reported the morning after): publication day.
    return (anchor, "day"), "either"


# --- publication dates ------------------------------------------------------------------------

_TEXT_DATE_RE = re.compile(
    rf"^(?:{_WD},?\s+)?(?:(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MON})|(?P<m2>{_MON})\s+(?P<d2>{_DAY}))"
    rf",?\s+(?P<y>{_YEAR})$"
)
_SLASH_DATE_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_EXPECTED = (
    "expected ISO 8601 ('2026-09-03', '2026-09-03T14:05:00Z'), "
    "RFC 2822 ('Thu, 03 Sep 2026 14:05:00 +0000') or '3 September 2026'"
)


def parse_published(value: str) -> datetime:
    """Parse a publication date from an input file into an aware UTC ``datetime``.

    Accepts ISO 8601 dates and datetimes, RFC 2822 (feeds) and "3 September 2026" /
    "September 3, 2026"; a value without a time is midnight, one without a zone is UTC.
    Raises ValueError, naming the value and the accepted forms, for anything else, including
    relative ("yesterday") and ambiguous numeric ("03/09/2026") dates.

    >>> parse_published("Thu, 03 Sep 2026 14:05:00 +0200").isoformat()
    '2026-09-03T12:05:00+00:00'
    """
    if not isinstance(value, str):
        raise ValueError(f"publication date must be a string, not {type(value).__name__}")
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"empty publication date; {_EXPECTED}")
    parsed = _parse_iso(text) or _parse_rfc2822(text) or _parse_text_date(text)
    if parsed is None:
        slash = _SLASH_DATE_RE.match(text)
        if slash and int(slash[1]) <= 12 and int(slash[2]) <= 12:
            raise ValueError(
                f"ambiguous numeric publication date {value!r} (day/month or month/day?); "
                + _EXPECTED
            )
        parsed = _parse_with_dateparser(text)
    if parsed is None:
        raise ValueError(f"unrecognised publication date {value!r}; {_EXPECTED}")
    if not 1900 <= parsed.year <= 2200:
        raise ValueError(f"publication date {value!r} has an implausible year {parsed.year}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_iso(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _parse_rfc2822(text: str) -> datetime | None:
    if not any(ch.isalpha() for ch in text):
        return None  # parsedate accepts some bare numbers; those are not RFC 2822
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_text_date(text: str) -> datetime | None:
    match = _TEXT_DATE_RE.match(text)
    if match is None:
        return None
    day = int((match["d1"] or match["d2"]).rstrip("stndrh"))
    month = _month_number(match["m1"] or match["m2"])
    if day > calendar.monthrange(int(match["y"]), month)[1]:
        return None
    return datetime(int(match["y"]), month, day)


@lru_cache(maxsize=1024)
def _parse_with_dateparser(text: str) -> datetime | None:
    """Last resort for absolute dates in other layouts; relative phrases are refused."""
    if not re.search(r"\d{4}", text):
        return None  # no year: nothing absolute to anchor on
    import dateparser  # slow import, only paid when a feed uses an unusual format

    settings = {
        "PARSERS": ["absolute-time"],
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
    }
    return dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
