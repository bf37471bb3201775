"""Actor recognition: find and code the states, institutions, organisations, groups and people
named in a sentence.

The dictionary is data (``watchfloor/data/actors/``, formats in its README); this module reads it
into one token-keyed lexicon and matches a sentence in a single left-to-right pass, longest
phrase first, then composes modifiers with heads::

    >>> actors = default_actor_dictionary()
    >>> [(m.text, m.code) for m in actors.find("Venezuela's foreign minister met UN officials.")]
    [("Venezuela's foreign minister", 'VENGOV'), ('UN officials', 'IGOUNO')]

Composition rules (each has rows in ``tests/test_actors.py``):

* owner + head: a state, institution, organisation, group or person, optionally with a
  possessive, followed by sector nouns and titles ("Russian foreign ministry" -> RUSGOV,
  "Pentagon officials" -> USAMIL, "Hamas fighters" -> PSEREB, "Trump administration" -> USAGOV).
  After a country *name* (not an adjective) a head that is also a verb ("forces", "spies") needs
  a capital, a possessive or an abbreviated name, so "Russia forces Ukraine to" has no head.
* head + "of" + owner: "the foreign minister of Russia" -> RUSGOV.
* title + person or title + capitalised name: one span; a known person is coded from their role
  on the date ("Colombian President Gustavo Petro" -> COLGOV), an unknown one from the title.
* state + group or person of the same country: one span ("Lebanese Hezbollah", "Russia's Lavrov").
* a head alone keeps country None and code None (kind ``sector_noun`` or ``title``), for the
  caller to resolve from context with :meth:`ActorMatch.resolved`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources
import io
import itertools
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from watchfloor.errors import ConfigError
from watchfloor.records import Entity

__all__ = [
    "ActorDictionary",
    "ActorKind",
    "ActorMatch",
    "default_actor_dictionary",
]

ActorKind = Literal["state", "institution", "igo", "group", "person", "title", "sector_noun"]

# The files of the packaged dictionary, in load order. User files are recognised by how their
# name ends ("my_groups.tsv" is read as groups.tsv).
_FILE_KINDS: Final = (
    "sectors.tsv",
    "titles.tsv",
    "countries.tsv",
    "institutions.tsv",
    "igos.tsv",
    "groups.tsv",
    "people.yaml",
    "not_actors.tsv",
)

# Sectors that yield to a more specific one in a chain of heads ("government troops" is MIL,
# "opposition lawmakers" OPP): the generic ones name the owner more than the kind of actor.
_GENERIC_SECTORS: Final = frozenset({"GOV", "CVL"})
_POSSESSIVES: Final = frozenset({"'s", "'"})
_VERB_LIKE_TITLES: Final = frozenset({"head", "heads", "chair", "chairs", "deputy", "member"})
# Words before a title that say its holder no longer holds it.
# Heads that are also verbs: after a country name, without a possessive, they are read as the
# verb ("Russia forces Ukraine to", "China spies on"); "Russian forces" is unaffected.
_VERB_LIKE_HEADS: Final = frozenset(
    {"forces", "force", "courts", "court", "spies", "spy", "banks", "bank", "firms", "firm"}
    | {"guards", "guard", "staff", "unions", "union", "arms", "press", "leads", "heads"}
)
_FORMER: Final = frozenset({"former", "ex", "late", "ousted", "deposed", "toppled", "exiled"})
# Capitalised words that end a name after a title ("President Petro Monday said").
_NAME_STOP: Final = frozenset(
    {
        *("the", "a", "an", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from"),
        *("by", "with", "as", "said", "says", "told", "tells", "he", "she", "it", "they", "we"),
        *("i", "his", "her", "their", "its", "this", "that", "these", "those", "who", "which"),
        *("when", "while", "after", "before", "during", "since", "until", "if", "mr", "mrs"),
        *("ms", "dr", "sir", "monday", "tuesday", "wednesday", "thursday", "friday"),
        *("saturday", "sunday", "january", "february", "march", "april", "may", "june"),
        *("july", "august", "september", "october", "november", "december"),
    }
)
_NAME_PARTICLES: Final = frozenset(
    {
        *("de", "da", "del", "della", "der", "di", "do", "dos", "das", "du", "la", "le", "van"),
        *("von", "bin", "ibn", "al", "el", "abu", "ben", "y", "e"),
    }
)
_MAX_NAME_TOKENS: Final = 4

# One token: an abbreviation with dots (U.S., U.K.), a word with inner apostrophes kept
# (d'Ivoire, Sa'ar) but a possessive split off, a possessive, or any other single character.
_TOKEN_PATTERN: Final = r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['’](?!s\b)[^\W_]+)*|['’]s\b|\S"
_TOKEN_RE: Final = re.compile(_TOKEN_PATTERN)
# The same tokens with the whitespace before each, so offsets come from summing lengths.
_SPACED_TOKEN_RE: Final = re.compile(rf"(\s*)({_TOKEN_PATTERN})")
# Curly apostrophes become straight ones before tokenising (same length, so offsets hold).
_QUOTES: Final = str.maketrans({"’": "'", "‘": "'"})
_second: Final = operator.itemgetter(1)
_FOLD_EXTRA: Final = str.maketrans(
    {
        "’": "'",
        "ı": "i",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
    }
)

# Case rules per alias token, decided from how the alias is written.
_ANY, _UPPER_FIRST, _EXACT, _EXACT_OR_TITLE = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """One actor mention in a sentence.

    ``code`` is country + sector ("RUSGOV"), the country alone for a state ("RUS"), the
    organisation's code for international bodies ("IGOUNO"), and None when the mention names
    no owner ("the government": country None, sector "GOV"). ``kind`` says what anchors the
    mention; ``name`` is the canonical name of that anchor (the country, organisation, group or
    person; for an unnamed office holder the name after the title; for a bare head the head).
    """

    text: str
    start: int
    end: int
    code: str | None
    country: str | None
    sector: str | None
    kind: ActorKind
    name: str

    def resolved(self, country: str) -> ActorMatch:
        """Give an owner-less mention a country ("the government" in a sentence about Chile)."""
        return replace(self, country=country, code=country + (self.sector or ""))

    def as_entity(self) -> Entity:
        """The record stored in an event."""
        return Entity(self.text, self.code, self.country, self.sector, self.start, self.end)


@dataclass(frozen=True, slots=True)
class _Role:
    country: str
    sector: str | None
    title: str
    start: dt.date
    end: dt.date | None
    code: str | None = None

    def holds_on(self, on: dt.date | None) -> bool:
        if on is None:
            return self.end is None
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    country: str
    roles: tuple[_Role, ...]

    def role_on(self, on: dt.date | None) -> _Role | None:
        for role in self.roles:
            if role.holds_on(on):
                return role
        return None


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a dictionary phrase means. ``kind`` adds "block" for not_actors.tsv phrases."""

    kind: str
    name: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    # states: "name" | "demonym" | "capital"; heads: whether they count without an owner
    form: str = ""
    standalone: bool = True
    people: tuple[_Person, ...] = ()

    @property
    def is_head(self) -> bool:
        return self.kind in ("title", "sector_noun")


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry: _Entry
    tokens: tuple[str, ...]  # the alias as written, token by token
    case: tuple[int, ...]  # a case rule per token
    abbreviation: bool  # written in capitals (US, UK, NATO): composes like an adjective
    case_free: bool  # no case rule at all: skip the check


_KIND_PRIORITY: Final = {
    "block": 0,
    "person": 1,
    "group": 2,
    "igo": 3,
    "institution": 4,
    "state": 5,
    "title": 6,
    "sector_noun": 7,
}


def _code(country: str, sector: str | None) -> str:
    return country + (sector or "")


def _kind(entry: _Entry) -> ActorKind:
    kind = entry.kind
    if kind not in ("state", "institution", "igo", "group", "person", "title", "sector_noun"):
        raise ValueError(f"not an actor kind: {kind}")
    return kind  # type: ignore[return-value]


def _fold(token: str) -> str:
    """Lower-case and strip accents, so "Bogotá" and "Bogota" share a key."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.translate(_QUOTES))


def _sentence_tokens(sentence: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """The tokens of a sentence: (space before, token) pairs, the tokens as written, and the
    tokens as lexicon keys (lower-case, no accents)."""
    pieces: list[tuple[str, str]] = _SPACED_TOKEN_RE.findall(sentence.translate(_QUOTES))
    texts = list(map(_second, pieces))
    if "\x00" in sentence:  # the separator below would split a token
        return pieces, texts, [_fold(t) for t in texts]
    # One lower() over all tokens is much cheaper than one call per token.
    joined = "\x00".join(texts).lower()
    keys = joined.split("\x00")
    if not joined.isascii():
        keys = [k if k.isascii() else _fold(k) for k in keys]
    return pieces, texts, keys


def _case_rule(token: str, proper: bool) -> int:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return _ANY
    if all(c.isupper() for c in letters):
        if len(letters) == 1 and not proper:
            return _ANY
        # "US"/"us", "WHO"/"who": short acronyms only in capitals; "NATO" also as "Nato".
        return _EXACT if len(letters) <= 3 else _EXACT_OR_TITLE
    if not proper:
        return _ANY
    if any(c.isupper() for c in letters[1:]):
        return _EXACT  # LeT, PiS, MoD, ExxonMobil: the inner capital is the signal
    return _UPPER_FIRST if letters[0].isupper() else _ANY


def _case_ok(candidate: _Candidate, texts: Sequence[str], i: int) -> bool:
    got_tokens = texts[i : i + len(candidate.tokens)]
    for rule, want, got in zip(candidate.case, candidate.tokens, got_tokens, strict=True):
        if rule == _ANY:
            continue
        if rule == _UPPER_FIRST:
            if not got[:1].isupper():
                return False
        elif got != want and not (rule == _EXACT_OR_TITLE and got == want[:1] + want[1:].lower()):
            return False
    return True


def _strip_article(alias: str) -> str:
    alias = alias.strip()
    if alias[:4].lower() == "the ":
        alias = alias[4:].strip()
    return alias


def _split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


@dataclass(slots=True)
class _Tables:
    """The rows of all dictionary files, merged, before they become a lexicon."""

    sectors: dict[str, str] = field(default_factory=dict)  # code -> label
    heads: list[tuple[str, _Entry]] = field(default_factory=list)  # alias -> head entry
    countries: dict[str, dict[str, Any]] = field(default_factory=dict)
    institutions: list[tuple[list[str], _Entry]] = field(default_factory=list)
    igos: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)


class ActorDictionary:
    """The actor lexicon and matcher. Build it with :meth:`load` (or
    :func:`default_actor_dictionary`), then call :meth:`find` per sentence."""

    def __init__(self, tables: _Tables) -> None:
        #: ISO alpha-3 -> canonical name of every state in the dictionary
        self.countries: dict[str, str] = {iso: row["name"] for iso, row in tables.countries.items()}
        #: sector code -> label
        self.sectors: dict[str, str] = dict(tables.sectors)
        lexicon: dict[str, list[_Candidate]] = {}
        for alias, entry in self._entries(tables):
            self._add(lexicon, alias, entry)
        for candidates in lexicon.values():
            candidates.sort(key=lambda c: _KIND_PRIORITY[c.entry.kind])
        # key -> (candidates, whether any candidate has a case rule to check)
        self._lexicon: dict[str, tuple[tuple[_Candidate, ...], bool]] = {
            k: (tuple(v), not all(c.case_free for c in v)) for k, v in lexicon.items()
        }
        lengths: dict[str, set[int]] = {}
        for key in self._lexicon:
            first, _, _ = key.partition(" ")
            lengths.setdefault(first, set()).add(key.count(" ") + 1)
        self._lengths: dict[str, tuple[int, ...]] = {
            k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()
        }

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, extra_paths: Sequence[Path] = ()) -> ActorDictionary:
        """Read the packaged dictionary plus user files or folders in the same formats.

        A user file's format is chosen by how its name ends (``groups.tsv``,
        ``extra_people.yaml``); a folder contributes every such file in it. User rows extend the
        packaged ones; a user person, group or country with the same key replaces or extends it.
        Raises :class:`~watchfloor.errors.ConfigError` (W102) on a malformed file.
        """
        tables = _Tables()
        package = importlib.resources.files("watchfloor") / "data" / "actors"
        for name in _FILE_KINDS:
            _read_file(
                tables,
                name,
                package.joinpath(name).read_text(encoding="utf-8"),
                f"<package>/{name}",
            )
        for path in _expand(extra_paths):
            kind = next((k for k in _FILE_KINDS if path.name.endswith(k)), None)
            if kind is None:
                raise ConfigError(
                    f"{path}: not an actor dictionary file "
                    f"(its name must end with one of {', '.join(_FILE_KINDS)})"
                )
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"{path}: cannot read actor dictionary file ({exc})") from exc
            _read_file(tables, kind, text, str(path))
        _validate(tables)
        return cls(tables)

    def _entries(self, tables: _Tables) -> Iterator[tuple[str, _Entry]]:
        yield from tables.heads
        for iso, row in tables.countries.items():
            for form, column in (
                ("name", "names"),
                ("demonym", "demonyms"),
                ("capital", "capitals"),
            ):
                entry = _Entry("state", row["name"], iso, None, iso, form=form)
                for alias in row[column]:
                    yield alias, entry
        for aliases, entry in tables.institutions:
            for alias in aliases:
                yield alias, entry
        for code, row in tables.igos.items():
            entry = _Entry("igo", row["name"], "IGO", row["sector"], code)
            for alias in row["aliases"]:
                yield alias, entry
        for row in tables.groups.values():
            code = row["code"] or row["country"] + row["sector"]
            entry = _Entry("group", row["name"], row["country"], row["sector"], code)
            for alias in row["aliases"]:
                yield alias, entry
        by_alias: dict[str, list[_Person]] = {}
        for row in tables.people.values():
            person = _Person(row["name"], row["country"], row["roles"])
            for alias in row["aliases"]:
                by_alias.setdefault(alias, []).append(person)
        for alias, persons in by_alias.items():
            yield (
                alias,
                _Entry("person", persons[0].name, persons[0].country, people=tuple(persons)),
            )
        for phrase in tables.blocks:
            yield phrase, _Entry("block", phrase)

    @staticmethod
    def _add(lexicon: dict[str, list[_Candidate]], alias: str, entry: _Entry) -> None:
        alias = _strip_article(alias)
        variants = {alias}
        if "-" in alias:  # "Kim Jong-un" is also written "Kim Jong un"
            variants.add(alias.replace("-", " "))
        proper = not entry.is_head
        for variant in variants:
            tokens = tuple(_tokens(variant))
            if not tokens:
                continue
            key = " ".join(_fold(t) for t in tokens)
            letters = [c for c in variant if c.isalpha()]
            case = tuple(_case_rule(t, proper) for t in tokens)
            candidate = _Candidate(
                entry,
                tokens,
                case,
                abbreviation=bool(letters) and all(c.isupper() for c in letters),
                case_free=not any(case),
            )
            bucket = lexicon.setdefault(key, [])
            # A later file's row for the same phrase and kind replaces the earlier one.
            bucket[:] = [c for c in bucket if c.entry.kind != entry.kind or c.entry == entry]
            if candidate not in bucket:
                bucket.insert(0, candidate)

    # ------------------------------------------------------------------ matching

    def find(self, sentence: str, on: dt.date | None = None) -> list[ActorMatch]:
        """All actor mentions in ``sentence``, non-overlapping, in order.

        ``on`` is the date the sentence speaks of (usually the article's date): people are
        coded from the office they held then. ``None`` means their current office, as of the
        dictionary's last update.
        """
        return self._scan(sentence, on, strict=True)

    def lookup(self, name: str, on: dt.date | None = None) -> ActorMatch | None:
        """Resolve one phrase (a claim's speaker, a source name) to its best actor match.

        Tries the phrase as written, then ignoring case; returns the match that covers the most
        of it, or None.
        """
        phrase = name.strip()
        if not phrase:
            return None
        for strict in (True, False):
            matches = self._scan(phrase, on, strict=strict)
            if matches:
                return max(matches, key=lambda m: (m.end - m.start, -m.start))
        return None

    def _scan(self, sentence: str, on: dt.date | None, *, strict: bool) -> list[ActorMatch]:
        if isinstance(on, dt.datetime):  # a datetime does not compare with a date
            on = on.date()
        pieces, texts, keys = _sentence_tokens(sentence)
        raws = self._raw_matches(texts, keys, strict)
        if not raws:
            return []
        return _Composer(self, sentence, pieces, texts, keys, raws, on).run()

    def _raw_matches(
        self, texts: list[str], keys: list[str], strict: bool
    ) -> list[tuple[int, int, tuple[_Candidate, ...]]]:
        lexicon, lengths = self._lexicon, self._lengths
        n = len(keys)
        raws: list[tuple[int, int, tuple[_Candidate, ...]]] = []
        free = 0  # first token not yet inside a match
        # Most tokens start no phrase at all: find the ones that may, in one comprehension.
        for i in [i for i, key in enumerate(keys) if key in lengths]:
            if i < free:
                continue
            for size in lengths[keys[i]]:
                if i + size > n:
                    continue
                found = lexicon.get(keys[i] if size == 1 else " ".join(keys[i : i + size]))
                if found is None:
                    continue
                candidates, check = found
                if strict and check:
                    candidates = tuple(
                        c for c in candidates if c.case_free or _case_ok(c, texts, i)
                    )
                if candidates:
                    raws.append((i, i + size, candidates))
                    free = i + size
                    break
        return raws

    def country_name(self, iso3: str) -> str | None:
        """The canonical name of a country in the dictionary ("RUS" -> "Russia")."""
        return self.countries.get(iso3)


class _Composer:
    """Turns the raw phrase matches of one sentence into composed actor mentions."""

    def __init__(
        self,
        dictionary: ActorDictionary,
        sentence: str,
        pieces: list[tuple[str, str]],
        texts: list[str],
        keys: list[str],
        raws: list[tuple[int, int, tuple[_Candidate, ...]]],
        on: dt.date | None,
    ) -> None:
        self.d = dictionary
        self.sentence = sentence
        self.texts = texts
        # bounds[2i] is where token i starts, bounds[2i + 1] where it ends
        self.bounds = list(itertools.accumulate(map(len, itertools.chain.from_iterable(pieces))))
        self.keys = keys
        self.raws = raws
        self.at = {raw[0]: idx for idx, raw in enumerate(raws)}
        self.on = on

    def run(self) -> list[ActorMatch]:
        out: list[ActorMatch] = []
        k = 0
        while k < len(self.raws):
            match, k = self._compose_at(k)
            if match is not None:
                out.append(match)
        return out

    # --- helpers over raws
    def _raw_after(self, pos: int) -> int | None:
        return self.at.get(pos)

    @staticmethod
    def _owner(candidates: tuple[_Candidate, ...]) -> _Candidate | None:
        first = candidates[0]
        return None if first.entry.is_head else first

    @staticmethod
    def _head(candidates: tuple[_Candidate, ...]) -> _Entry | None:
        for c in candidates:
            if c.entry.is_head:
                return c.entry
        return None

    def _span(self, first_token: int, end_token: int) -> tuple[int, int, str]:
        start = self.bounds[2 * first_token]
        end = self.bounds[2 * end_token - 1]
        return start, end, self.sentence[start:end]

    def _is_former(self, first_token: int) -> bool:
        i = first_token - 1
        if i >= 0 and self.keys[i] == "-":
            i -= 1
        return i >= 0 and self.keys[i] in _FORMER

    # --- the rules
    def _compose_at(self, k: int) -> tuple[ActorMatch | None, int]:
        start_tok, end_tok, candidates = self.raws[k]
        owner = self._owner(candidates)
        if owner is not None and owner.entry.kind == "block":
            return None, k + 1
        if owner is not None:
            return self._from_owner(k, owner)
        return self._from_head(k)

    def _possessive_then(self, pos: int) -> tuple[int, bool]:
        if pos < len(self.keys) and self.keys[pos] in _POSSESSIVES:
            return pos + 1, True
        return pos, False

    def _head_chain(self, k: int) -> tuple[list[_Entry], int]:
        """Consecutive head phrases from raw ``k``; returns them and the index after them."""
        chain: list[_Entry] = []
        pos = self.raws[k][0]
        while k < len(self.raws) and self.raws[k][0] == pos:
            head = self._head(self.raws[k][2])
            if head is None:
                break
            # "troops head to the border": a sector-less title that is also a verb does not
            # extend a chain ("cartel members", "party leader" do).
            if chain and head.sector is None and self.keys[pos] in _VERB_LIKE_TITLES:
                break
            chain.append(head)
            pos = self.raws[k][1]
            k += 1
        return chain, k

    @staticmethod
    def _chain_sector(chain: Sequence[_Entry]) -> str | None:
        sectors = [h.sector for h in chain if h.sector]
        for sector in sectors:
            if sector not in _GENERIC_SECTORS:
                return sector
        return sectors[0] if sectors else None

    def _from_owner(self, k: int, owner: _Candidate) -> tuple[ActorMatch | None, int]:
        start_tok, end_tok, candidates = self.raws[k]
        entry = owner.entry
        after, possessive = self._possessive_then(end_tok)
        nxt = self._raw_after(after)

        if nxt is not None and entry.kind == "state":
            nxt_owner = self._owner(self.raws[nxt][2])
            if nxt_owner is not None and self._same_country(entry, nxt_owner.entry):
                # "Lebanese Hezbollah", "Russia's Lavrov": the state only qualifies the name.
                match, k2 = self._from_owner(nxt, nxt_owner)
                if match is not None:
                    start, end, text = self._span(start_tok, self.raws[k2 - 1][1])
                    return replace(match, start=start, end=end, text=self.sentence[start:end]), k2

        if nxt is not None and self._head(self.raws[nxt][2]) is not None:
            if self._may_compose(entry, owner, possessive, self.raws[nxt]):
                chain, k2 = self._head_chain(nxt)
                if chain:
                    return self._finish(start_tok, self.raws[k2 - 1][1], k2, entry, chain)
            elif self._owner(self.raws[nxt][2]) is None:
                # "Russia forces Ukraine to": the word after the name is a verb; drop it.
                return self._plain(start_tok, end_tok, entry), nxt + 1
        return self._plain(start_tok, end_tok, entry), k + 1

    def _same_country(self, state: _Entry, other: _Entry) -> bool:
        if other.kind == "person":
            person = self._pick_person(other)
            role = person.role_on(self.on)
            return (role.country if role else person.country) == state.country
        return other.kind in ("group", "institution") and other.country == state.country

    def _may_compose(
        self,
        entry: _Entry,
        owner: _Candidate,
        possessive: bool,
        head_raw: tuple[int, int, tuple[_Candidate, ...]],
    ) -> bool:
        if entry.kind != "state" or possessive or entry.form == "demonym" or owner.abbreviation:
            return True
        first = head_raw[0]
        return self.texts[first][:1].isupper() or self.keys[first] not in _VERB_LIKE_HEADS

    def _from_head(self, k: int) -> tuple[ActorMatch | None, int]:
        chain, k2 = self._head_chain(k)
        if not chain:
            return None, k + 1
        start_tok = self.raws[k][0]
        end_tok = self.raws[k2 - 1][1]
        # head "of" [the] owner: "the foreign minister of Russia"
        pos = end_tok
        if pos < len(self.keys) and self.keys[pos] == "of":
            pos += 1
            if pos < len(self.keys) and self.keys[pos] == "the":
                pos += 1
            owner_k = self._raw_after(pos)
            if owner_k is not None:
                owner = self._owner(self.raws[owner_k][2])
                if owner is not None and owner.entry.kind in (
                    "state",
                    "igo",
                    "institution",
                    "group",
                ):
                    return self._finish(
                        start_tok, self.raws[owner_k][1], owner_k + 1, owner.entry, chain
                    )
        return self._finish(start_tok, end_tok, k2, None, chain)

    def _finish(
        self, start_tok: int, end_tok: int, k_next: int, owner: _Entry | None, chain: list[_Entry]
    ) -> tuple[ActorMatch | None, int]:
        """Build the mention for owner + heads, absorbing a name after a final title."""
        former = self._is_former(start_tok)
        person: _Person | None = None
        unknown_name: str | None = None
        if chain[-1].kind == "title":
            nxt = self._raw_after(end_tok)
            named = self._owner(self.raws[nxt][2]) if nxt is not None else None
            if nxt is not None and named is not None and named.entry.kind == "person":
                person = self._pick_person(named.entry)
                end_tok, k_next = self.raws[nxt][1], nxt + 1
            else:
                name_end = self._name_after(end_tok)
                if name_end > end_tok:
                    unknown_name = self._span(end_tok, name_end)[2]
                    end_tok = name_end
        start, end, text = self._span(start_tok, end_tok)
        sector = None if former else self._chain_sector(chain)

        if owner is not None and owner.kind == "person":
            # "the Trump administration", "Maduro's forces": the person's state, the head's sector
            holder = self._pick_person(owner)
            role = holder.role_on(self.on)
            if role is not None and role.code:  # an international official: their organisation
                return ActorMatch(
                    text, start, end, role.code, role.country, role.sector, "person", holder.name
                ), k_next
            country = role.country if role is not None else holder.country
            return ActorMatch(
                text,
                start,
                end,
                _code(country, sector),
                country,
                sector,
                "sector_noun",
                holder.name,
            ), k_next

        if person is not None:
            role = person.role_on(self.on)
            if role is not None:
                code = role.code or _code(role.country, role.sector)
                return ActorMatch(
                    text, start, end, code, role.country, role.sector, "person", person.name
                ), k_next
            # Out of office by our data: "former" means the title is past; otherwise the text
            # may know a newer office than the dictionary, so the title counts.
            home = owner.country if owner is not None and owner.kind == "state" else None
            home = home or person.country
            return ActorMatch(
                text, start, end, _code(home, sector), home, sector, "person", person.name
            ), k_next

        kind: ActorKind = "title" if chain[-1].kind == "title" else "sector_noun"
        if owner is None:
            if unknown_name is None and not any(h.standalone for h in chain):
                return None, k_next  # "general" alone is not an actor
            return ActorMatch(
                text, start, end, None, None, sector, kind, unknown_name or chain[0].name
            ), k_next
        if owner.kind == "state":
            country = owner.country or ""
            name = unknown_name or owner.name
            return ActorMatch(
                text, start, end, _code(country, sector), country, sector, kind, name
            ), k_next
        # Institutions, organisations and groups keep their own code: "Pentagon officials" is
        # the Pentagon, "NATO troops" NATO, "Hamas fighters" Hamas.
        return ActorMatch(
            text, start, end, owner.code, owner.country, owner.sector, _kind(owner), owner.name
        ), k_next

    def _plain(self, start_tok: int, end_tok: int, entry: _Entry) -> ActorMatch:
        start, end, text = self._span(start_tok, end_tok)
        if entry.kind == "person":
            person = self._pick_person(entry)
            role = person.role_on(self.on)
            if role is None:
                return ActorMatch(
                    text, start, end, person.country, person.country, None, "person", person.name
                )
            code = role.code or _code(role.country, role.sector)
            return ActorMatch(
                text, start, end, code, role.country, role.sector, "person", person.name
            )
        return ActorMatch(
            text, start, end, entry.code, entry.country, entry.sector, _kind(entry), entry.name
        )

    def _pick_person(self, entry: _Entry) -> _Person:
        """Several people can share an alias ("Khamenei"): take the one in office on the date."""
        for person in entry.people:
            if person.role_on(self.on) is not None:
                return person
        return entry.people[0]

    def _name_after(self, pos: int) -> int:
        """End of a capitalised personal name starting at token ``pos`` (``pos`` if none)."""
        texts, keys, n = self.texts, self.keys, len(self.texts)
        end = i = pos
        taken = 0
        while i < n and taken < _MAX_NAME_TOKENS:
            if i in self.at and self._owner(self.raws[self.at[i]][2]) is not None:
                break  # a known actor, not part of a name
            if _is_name_word(texts[i], keys[i]):
                taken += 1
                i = end = i + 1
                continue
            # particles and hyphens inside a name: "Ismail al-Thawabta", "Jean-Noel", "de la Cruz"
            j = i
            while taken and j < n and (keys[j] in _NAME_PARTICLES or keys[j] == "-"):
                j += 1
            if j == i or j >= n or not _is_name_word(texts[j], keys[j]):
                break
            i = j
        return end


def _is_name_word(text: str, key: str) -> bool:
    return text[:1].isupper() and text[:1].isalpha() and key not in _NAME_STOP


def default_actor_dictionary() -> ActorDictionary:
    """The packaged dictionary, loaded once per process."""
    return _default()


@functools.lru_cache(maxsize=1)
def _default() -> ActorDictionary:
    return ActorDictionary.load()


# ---------------------------------------------------------------------- file readers


def _expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.is_file() and p.name.endswith(_FILE_KINDS)
            )
        else:
            yield path


def _tsv_rows(
    text: str, where: str, columns: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a TSV with a header line; ``#`` lines are comments; short rows are padded."""
    header_seen = False
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    for line_no, cells in enumerate(reader, start=1):
        if not cells or not "".join(cells).strip() or cells[0].startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if [c.strip() for c in cells[: len(columns)]] != list(columns):
                raise ConfigError(
                    f"{where}:{line_no}: header must be {' '.join(columns)} (tab-separated)"
                )
            continue
        if len(cells) > len(columns):
            raise ConfigError(
                f"{where}:{line_no}: {len(cells)} columns, expected at most {len(columns)}"
            )
        padded = [c.strip() for c in cells] + [""] * (len(columns) - len(cells))
        yield line_no, dict(zip(columns, padded, strict=True))


def _require(value: str, where: str, line_no: int, what: str) -> str:
    if not value:
        raise ConfigError(f"{where}:{line_no}: {what} is empty")
    return value


def _read_file(tables: _Tables, kind: str, text: str, where: str) -> None:
    if kind == "people.yaml":
        _read_people(tables, text, where)
        return
    if kind == "sectors.tsv":
        for line_no, row in _tsv_rows(text, where, ("sector", "label", "nouns")):
            sector = _require(row["sector"], where, line_no, "sector")
            tables.sectors[sector] = row["label"] or tables.sectors.get(sector, sector)
            for noun in _split_list(row["nouns"]):
                tables.heads.append((noun, _Entry("sector_noun", noun, None, sector)))
    elif kind == "titles.tsv":
        for line_no, row in _tsv_rows(text, where, ("title", "sector", "standalone")):
            variants = _split_list(_require(row["title"], where, line_no, "title"))
            if row["standalone"] not in ("yes", "no"):
                raise ConfigError(f"{where}:{line_no}: standalone must be yes or no")
            entry = _Entry(
                "title",
                variants[0],
                None,
                row["sector"] or None,
                standalone=row["standalone"] == "yes",
            )
            for variant in variants:
                tables.heads.append((variant, entry))
    elif kind == "countries.tsv":
        for line_no, row in _tsv_rows(
            text, where, ("iso3", "name", "aliases", "demonyms", "capitals")
        ):
            iso = _require(row["iso3"], where, line_no, "iso3")
            if not re.fullmatch(r"[A-Z]{3}", iso):
                raise ConfigError(f"{where}:{line_no}: iso3 {iso!r} is not three capital letters")
            known = tables.countries.get(iso) or {
                "name": "",
                "names": [],
                "demonyms": [],
                "capitals": [],
            }
            name = _require(row["name"] or known["name"], where, line_no, "name")
            tables.countries[iso] = {
                "name": name,
                "names": list(dict.fromkeys([*known["names"], name, *_split_list(row["aliases"])])),
                "demonyms": list(
                    dict.fromkeys([*known["demonyms"], *_split_list(row["demonyms"])])
                ),
                "capitals": list(
                    dict.fromkeys([*known["capitals"], *_split_list(row["capitals"])])
                ),
            }
    elif kind == "institutions.tsv":
        for line_no, row in _tsv_rows(text, where, ("country", "sector", "name", "aliases")):
            country = _require(row["country"], where, line_no, "country")
            sector = _require(row["sector"], where, line_no, "sector")
            name = _require(row["name"], where, line_no, "name")
            entry = _Entry("institution", _strip_article(name), country, sector, country + sector)
            tables.institutions.append(([name, *_split_list(row["aliases"])], entry))
    elif kind == "igos.tsv":
        for line_no, row in _tsv_rows(text, where, ("code", "sector", "name", "aliases")):
            code = _require(row["code"], where, line_no, "code")
            earlier = tables.igos.get(code)
            name = row["name"] or (earlier["name"] if earlier else "")
            _require(name, where, line_no, "name")
            aliases = [*(earlier["aliases"] if earlier else []), name, *_split_list(row["aliases"])]
            tables.igos[code] = {
                "name": name,
                "sector": row["sector"] or (earlier["sector"] if earlier else "IGO"),
                "aliases": list(dict.fromkeys(aliases)),
            }
    elif kind == "groups.tsv":
        for line_no, row in _tsv_rows(
            text, where, ("name", "country", "sector", "aliases", "code")
        ):
            name = _require(row["name"], where, line_no, "name")
            tables.groups[name] = {
                "name": name,
                "country": _require(row["country"], where, line_no, "country"),
                "sector": _require(row["sector"], where, line_no, "sector"),
                "aliases": list(dict.fromkeys([name, *_split_list(row["aliases"])])),
                "code": row["code"] or None,
            }
    elif kind == "not_actors.tsv":
        for line_no, row in _tsv_rows(text, where, ("phrase", "note")):
            tables.blocks.append(_require(row["phrase"], where, line_no, "phrase"))


def _as_date(value: Any, where: str, what: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {what} {value!r} is not an ISO date") from exc


def _read_people(tables: _Tables, text: str, where: str) -> None:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, list):
        raise ConfigError(f"{where}: expected a list of people")
    for i, item in enumerate(data, start=1):
        here = f"{where}: person {i}"
        if not isinstance(item, dict) or not item.get("name") or not item.get("country"):
            raise ConfigError(f"{here}: each person needs a name and a country")
        name = str(item["name"])
        roles: list[_Role] = []
        for role in item.get("roles") or []:
            if not isinstance(role, dict) or not role.get("country") or "start" not in role:
                raise ConfigError(f"{here} ({name}): each role needs a country and a start date")
            start = _as_date(role["start"], f"{here} ({name})", "start")
            end = _as_date(role.get("end"), f"{here} ({name})", "end")
            if start is None or (end is not None and end <= start):
                raise ConfigError(f"{here} ({name}): a role must start before it ends")
            roles.append(
                _Role(
                    str(role["country"]),
                    str(role["sector"]) if role.get("sector") else None,
                    str(role.get("title") or ""),
                    start,
                    end,
                    str(role["code"]) if role.get("code") else None,
                )
            )
        aliases = [str(a) for a in item.get("aliases") or []]
        tables.people[name] = {
            "name": name,
            "country": str(item["country"]),
            "aliases": list(dict.fromkeys([name, *aliases])),
            "roles": tuple(roles),
        }


def _validate(tables: _Tables) -> None:
    """Catch typos that would silently mis-code: unknown sectors and countries."""
    sectors = set(tables.sectors)
    countries = set(tables.countries) | {"IGO"}
    problems: list[str] = []
    for _, entry in tables.heads:
        if entry.sector and entry.sector not in sectors:
            problems.append(f"title or noun {entry.name!r}: unknown sector {entry.sector}")
    for _, entry in tables.institutions:
        if entry.country not in countries or entry.sector not in sectors:
            problems.append(f"institution {entry.name!r}: unknown country or sector {entry.code}")
    for code, row in tables.igos.items():
        if row["sector"] not in sectors:
            problems.append(f"organisation {code}: unknown sector {row['sector']}")
    for row in tables.groups.values():
        if row["country"] not in countries or row["sector"] not in sectors:
            problems.append(
                f"group {row['name']!r}: unknown country or sector {row['country']} {row['sector']}"
            )
    for row in tables.people.values():
        if row["country"] not in countries:
            problems.append(f"person {row['name']!r}: unknown country {row['country']}")
        for role in row["roles"]:
            if role.country not in countries or (role.sector and role.sector not in sectors):
                problems.append(f"person {row['name']!r}: role with unknown country or sector")
    if problems:
        raise ConfigError("actor dictionary: " + "; ".join(problems[:10]))
