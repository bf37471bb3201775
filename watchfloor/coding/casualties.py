"""Casualty counts: how many people a sentence reports killed or injured.

The event coder calls :func:`count_fatalities` and :func:`count_injured` on every sentence, so
each starts with a one-regex gate on the casualty vocabulary and only then runs the few
patterns below. The patterns cover the ways news copy states a toll:

* active verb + count: "killed at least 11 people", "killing 11", "wounding 30";
* count + passive or intransitive verb: "11 people were killed", "three dead", "the strike left
  six dead", "one person died", "30 others were wounded";
* count + noun: "11 deaths", "30 injuries";
* toll: "a death toll exceeding 100", "the death toll rose to 45";
* "claimed 11 lives".

Conventions (the coder relies on them):

* Bounds and approximations return the stated number: "at least 11", "more than 100",
  "nearly 50" and "a death toll exceeding 100" give 11, 100, 50 and 100.
* Vague quantities ("dozens", "scores", "hundreds", "several", "many") give None: there is no
  number to report, and inventing one (24 for "dozens") would look more precise than the source.
* When a sentence states several counts the largest is returned, since the headline toll
  usually contains the sub-counts ("killing 11 people, including three children" gives 11).
* Ages ("11-year-old"), percentages, vote tallies ("52-48", "11 votes to 3") and years are not
  counts; "killed the bill" has no number and gives None.

The word lists here are closed-class grammar (auxiliaries, quantifiers, number words) rather
than an analyst-extensible dictionary, so they live beside the patterns that use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["count_fatalities", "count_injured"]

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: dict[str, int] = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000}

_UNIT_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_SCALE_WORD = "|".join(_SCALES)
# A number phrase: "1,200", "11", "1.5 million", "twenty-three", "two hundred and five",
# "a hundred", "a dozen". _NUM also takes a lone "a"/"an" (one person: the noun is checked
# later); _NUM_STRICT, for tolls, does not.
_NUM_STRICT = (
    r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?(?!\d)"
    rf"(?:\s+(?:{_SCALE_WORD})\b)?"
    rf"|(?:an?\s+(?:{_SCALE_WORD})|{_UNIT_WORD})\b"
    rf"(?:(?:\s+and)?[\s-]+(?:{_UNIT_WORD}|{_SCALE_WORD})\b)*)"
)
_NUM = rf"(?:{_NUM_STRICT}|an?\b)"
# Bounds and hedges before a number; the number itself is returned.
_QUALIFIER = (
    r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|roughly|approximately"
    r"|up\s+to|as\s+many\s+as|an\s+estimated|a\s+further|another|an\s+additional|a\s+total\s+of"
    r"|no\s+fewer\s+than|fewer\s+than|less\s+than|upwards\s+of|well\s+over|just\s+over"
    r"|close\s+to|exceeding|surpassing|above|a\s+reported)\s+)*"
)
_AUXILIARY = (
    r"(?:(?:were|was|are|is|have|has|had|been|being|be|reportedly|reported|confirmed|believed"
    r"|feared|thought|later|also|all|now|since|either|already|subsequently|allegedly|said\s+to"
    r"|known\s+to|to\s+have|found)\s+)*"
)

# People a count may describe when the number is "a"/"an" ("a soldier was killed").
_PERSON_NOUNS = frozenset(
    """person people man men woman women child children boy boys girl girls baby babies infant
    infants teenager teenagers civilian civilians soldier soldiers troops officer officers
    policeman policemen policewoman police journalist journalists worker workers farmer farmers
    fighter fighters militant militants protester protesters demonstrator demonstrators student
    students passenger passengers resident residents villager villagers pilgrim pilgrims
    migrant migrants refugee refugees guard guards member members bystander bystanders doctor
    doctors nurse nurses paramedic paramedics medic medics rescuer rescuers firefighter
    firefighters gunman gunmen attacker attackers bomber suspect suspects prisoner prisoners
    detainee detainees hostage hostages victim victims miner miners sailor sailors crew
    crewman crewmen pedestrian pedestrians driver drivers motorist motorists tourist tourists
    worshipper worshippers voter voters official officials commander commanders leader leaders
    player players fan fans spectator spectators patient patients aid others other""".split()  # noqa: SIM905 - a word list reads best as words
)
# Things that get "killed" or counted that are not people: reject the number they carry.
_NON_PERSON_NOUNS = frozenset(
    """bill bills measure measures proposal proposals amendment amendments plan plans deal deals
    project projects motion motions votes vote seats jobs programmes programs cattle cows sheep
    goats birds dogs cats chickens animals horses camels fish whales dolphins elephants rhinos
    sharks trees acres hectares percent per cent years year months days hours minutes times
    points goals runs""".split()  # noqa: SIM905
)

# After a bare "killed" (no auxiliary) these words mean the verb is active and the number
# before it is the killers, not the killed ("three gunmen killed a guard").
# Capitalised words count too (a named victim), except weekdays ("11 killed Monday").
_OBJECT_START_RE = re.compile(
    r"\s+(?:(?i:a|an|the|his|her|their|its|our|my|your|this|that|these|those|at\s+least|more"
    rf"|over|nearly|some|dozens|scores|hundreds|thousands|several|many|{_UNIT_WORD})\b"
    r"|\d|[A-Z](?![a-z]*day\b))"
)
# Right after a number: ages, durations, percentages, vote tallies and measurements.
_NOT_A_COUNT_RE = re.compile(
    r"(?:[\s-]+(?:year|month|week|day|hour|minute)s?\b|\s*(?:%|percent|per\s+cent)"
    r"|\s*(?:-|–|to|:)\s*\d|\s*(?:km|kilometres|kilometers|miles|metres|meters|mph)\b"
    r"|\.\d|\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w))",
    re.IGNORECASE,
)
# One word between a number and its verb ("people", "Israeli", "11-year-old") that is not
# itself a number, a casualty verb or a clause boundary.
_FILLER = (
    r"(?:\s+(?!(?:killed|dead|died|slain|injured|wounded|hurt|and|or|but|while|after|when"
    rf"|who|which|that|{_UNIT_WORD})\b)(?:[A-Za-z][A-Za-z'’-]*|\d+-year-olds?))"
)

_KILL_GATE_RE = re.compile(r"kill|dead|die[ds]?\b|death|slain|perish|fatalit|lives", re.I)
_INJURY_GATE_RE = re.compile(r"injur|wound|hurt|hospitali[sz]", re.I)


def _patterns(
    active: str, passive: str, nouns: str, toll: str | None
) -> tuple[re.Pattern[str], ...]:
    """The four shapes of a casualty statement, for one family of verbs."""
    shapes = [
        # killed at least 11 people / killing 11 / claimed the lives of 11
        rf"\b(?:{active})\s+{_QUALIFIER}(?P<n>{_NUM})(?P<tail>\s+[A-Za-z'’-]+)?",
        # 11 people were killed / three dead / one person died / left six dead
        rf"(?<![\w,.-]){_QUALIFIER}(?P<n>{_NUM})(?P<mid>{_FILLER}{{0,4}}?)\s+{_AUXILIARY}"
        rf"(?P<verb>{passive})\b",
        # 11 deaths / 30 injuries
        rf"(?<![\w,.-]){_QUALIFIER}(?P<n>{_NUM})\s+(?:(?:confirmed|reported|civilian|more"
        rf"|further|new|additional|total|related)\s+)?(?:{nouns})\b",
    ]
    if toll:
        # the death toll rose to 45 / a death toll exceeding 100
        shapes.append(
            # a year in between ("the toll from the 2023 quake") is skipped, not counted
            rf"\b(?:{toll})\s+tolls?\b(?:\s+(?:[A-Za-z'’,-]+|(?:19|20)\d\d\b)){{0,6}}?\s+"
            rf"{_QUALIFIER}(?!(?:19|20)\d\d\b)(?P<n>{_NUM_STRICT})"
        )
    return tuple(re.compile(shape, re.IGNORECASE) for shape in shapes)


_FATALITY_PATTERNS = _patterns(
    active=r"kill(?:ed|ing|s)?|shot\s+dead|shooting\s+dead|claim(?:ed|ing|s)?\s+the\s+lives\s+of",
    passive=r"killed|dead|died|slain|perished|lost\s+their\s+lives|lost\s+his\s+life"
    r"|lost\s+her\s+life|shot\s+dead",
    nouns=r"deaths|fatalities|lives\s+(?:were\s+)?lost",
    toll=r"death|fatality",
) + (re.compile(rf"\b(?:claim|cost)(?:ed|ing|s)?\s+{_QUALIFIER}(?P<n>{_NUM})\s+lives\b", re.I),)
_INJURY_PATTERNS = _patterns(
    active=r"injur(?:ed|ing|es|e)|wound(?:ed|ing|s)?|hurt(?:ing|s)?",
    passive=r"injured|wounded|hurt|hospitali[sz]ed",
    nouns=r"injuries|wounded",
    toll=None,
)


def count_fatalities(sentence: str) -> int | None:
    """The number of people ``sentence`` reports killed, or None when it states no number.

    Lower bounds give the bound; vague quantities ("dozens") give None; with several counts
    the largest wins (see the module docstring for the full conventions).

    >>> count_fatalities("The strike killed at least 11 people, including three children.")
    11
    """
    if not _KILL_GATE_RE.search(sentence):
        return None
    return _largest(_counts(sentence, _FATALITY_PATTERNS))


def count_injured(sentence: str) -> int | None:
    """The number of people ``sentence`` reports injured or wounded, or None.

    Same conventions as :func:`count_fatalities`.

    >>> count_injured("Eleven people were killed and 30 others were wounded.")
    30
    """
    if not _INJURY_GATE_RE.search(sentence):
        return None
    return _largest(_counts(sentence, _INJURY_PATTERNS))


def _largest(counts: Iterable[int]) -> int | None:
    return max(counts, default=None)


def _counts(sentence: str, patterns: tuple[re.Pattern[str], ...]) -> Iterable[int]:
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            value = _accept(sentence, match)
            if value is not None:
                yield value


def _accept(sentence: str, match: re.Match[str]) -> int | None:
    """The count a match states, or None when context shows it is not a casualty count."""
    number_text = match.group("n")
    after = match.end("n")
    if _NOT_A_COUNT_RE.match(sentence, after):
        return None
    groups = match.groupdict()
    # The words describing what was counted: "people" in "killing 11 people", "Israeli
    # soldiers" in "three Israeli soldiers were killed". The last one is the head noun.
    described = [
        w.lower().strip("'’") for w in (groups.get("tail") or groups.get("mid") or "").split()
    ]
    if described and described[-1] in _NON_PERSON_NOUNS:
        return None
    names_people = any(word in _PERSON_NOUNS for word in described)
    if number_text.lower() in ("a", "an") and not names_people:
        return None  # "killed a bill", "a bomb killed": only "a soldier" means one person
    value = _parse_number(number_text)
    if value is None:
        return None
    # A bare four-digit year ("the 2023 quake") is a date unless people follow it.
    if 1900 <= value <= 2100 and number_text.isdigit() and not names_people:
        return None
    verb = groups.get("verb")
    # "three gunmen killed a guard": active voice, the number counts the killers.
    if (
        verb is not None
        and verb.lower() == "killed"
        and not _has_auxiliary(match)
        and _OBJECT_START_RE.match(sentence, match.end())
    ):
        return None
    return value


def _has_auxiliary(match: re.Match[str]) -> bool:
    between = match.string[match.end("mid") : match.start("verb")].split()
    return bool(between)


def _parse_number(text: str) -> int | None:
    """ "1,200" -> 1200, "1.5 million" -> 1500000, "two hundred and five" -> 205."""
    cleaned = text.lower().replace(",", "")
    words = cleaned.replace("-", " ").split()
    if words[0][0].isdigit():
        value = float(words[0])
        if len(words) > 1:
            value *= _SCALES[words[1]]
        return int(value) if value == int(value) else None
    total = 0
    current = 0
    for word in words:
        if word == "and":
            continue
        if word in ("a", "an"):
            current += 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in ("dozen", "hundred"):
            current = max(current, 1) * _SCALES[word]
        else:  # thousand, million
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current
