"""Verb and noun patterns: the coder's knowledge of how English names political acts.

Everything here is read from the data files in ``watchfloor/data/patterns/`` (documented in
``docs/coding-conventions.md``), so an analyst extends the coder by adding lines, not Python:

* ``verbs.tsv``   verb patterns: ``impose $SANCTION >on|against?  163  SANCTION  discontinue``
* ``nouns.tsv``   nominal triggers: ``strike|airstrike >on|against  190  ASSAULT``
* ``classes.tsv`` object-noun classes used by ``$CLASS`` (``SANCTION sanction embargo ...``)
* ``control.tsv`` verbs that govern another act (``plan to`` -> future) and support verbs
* ``speech.tsv``  verbs and nouns of saying with the claim stance they give
* ``refine.tsv``  how "threatened to strike" refines THREATEN by the act it governs
* ``irregular.tsv`` inflected forms, so triggers are found without spaCy's lemmatizer
* ``discards.tsv`` cues for sport and entertainment text, which is not coded

This module also matches patterns against a parsed spaCy token (``match_verb`` and
``match_noun``); which pattern wins is decided here, what the event means is the coder's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # spaCy is only needed when patterns are matched, not to read the files
    from spacy.tokens import Token

__all__ = [
    "DEFAULT_PATTERN_DIR",
    "Discards",
    "Lexicon",
    "NounPattern",
    "ObjectSpec",
    "PatternBook",
    "PatternError",
    "PrepSpec",
    "VerbPattern",
    "load_patterns",
    "match_noun",
    "match_verb",
]

DEFAULT_PATTERN_DIR = Path(__file__).resolve().parent.parent / "data" / "patterns"
NO_EVENT = "NONE"
CONDITIONS = frozenset(
    {
        "actor:armed",
        "actor:civil",
        "actor:state",
        "actor:-armed",
        "actor:-civil",
        "actor:-state",
        "needs:recipient",
        "needs:object",
        "needs:noobject",
        "needs:clause",
        "needs:noclause",
    }
)
#: Dependency labels through which a verb's particles and prepositions hang off it.
_VERB_WORD_DEPS = frozenset(
    {"prt", "prep", "agent", "dative", "acomp", "oprd", "advmod", "dobj", "xcomp", "ccomp", "attr"}
)
_OBJECT_DEPS = frozenset({"dobj", "obj"})


class PatternError(ValueError):
    """A pattern file line that cannot be read; the message names the file and line."""


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """What a noun phrase must be: one of ``lemmas`` or a member of one of ``classes``."""

    classes: frozenset[str] = frozenset()
    lemmas: frozenset[str] = frozenset()
    #: ">$CAPTIVE": the object itself is the recipient ("released 20 Ukrainian prisoners")
    recipient: bool = False


@dataclass(frozen=True, slots=True)
class PrepSpec:
    """A preposition in a pattern (``>on|against?`` or ``from:$ORGANIZATION``)."""

    preps: frozenset[str]
    recipient: bool
    required: bool
    obj: ObjectSpec | None = None


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One line of ``verbs.tsv``."""

    id: str
    lemmas: frozenset[str]
    words: tuple[frozenset[str], ...]
    obj: ObjectSpec | None
    preps: tuple[PrepSpec, ...]
    cameo: str
    event_type: str
    mode: str | None
    conditions: frozenset[str]
    order: int

    @property
    def blocks(self) -> bool:
        """A pattern of type NONE says "this use of the verb is not an event"."""
        return self.event_type == NO_EVENT

    @property
    def base_specificity(self) -> int:
        return (
            (4 if self.obj else 0)
            + 2 * sum(1 for p in self.preps if p.required)
            + (2 * sum(1 for p in self.preps if p.obj))
            + len(self.words)
            + len(self.conditions)
        )


@dataclass(frozen=True, slots=True)
class NounPattern:
    """One line of ``nouns.tsv``; ``heads`` are (modifier or None, head lemma) pairs."""

    id: str
    heads: tuple[tuple[str | None, str], ...]
    preps: tuple[PrepSpec, ...]
    cameo: str
    event_type: str
    mode: str | None
    conditions: frozenset[str]
    order: int


@dataclass(frozen=True, slots=True)
class VerbMatch:
    """The winning verb pattern for a token, with the recipient head tokens it located."""

    pattern: VerbPattern
    recipient_heads: tuple[Token, ...]
    recipient_from_object: bool
    object_token: Token | None


@dataclass(frozen=True, slots=True)
class NounMatch:
    pattern: NounPattern
    recipient_heads: tuple[Token, ...]


# --------------------------------------------------------------------------------------------
# Inflection: surface form -> lemma without running spaCy's lemmatizer (it costs ~20% of parse
# time and only the trigger vocabulary matters to the coder).

_VOWELS = set("aeiou")


def _verb_forms(lemma: str) -> set[str]:
    forms = {lemma}
    if re.search(r"(s|x|z|ch|sh|o)$", lemma):
        forms.add(lemma + "es")
    elif re.search(r"[^aeiou]y$", lemma):
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("e"):
        forms.update({lemma + "d", lemma[:-1] + "ing"})
        if lemma.endswith(("ee", "ye", "oe")):
            forms.add(lemma + "ing")
    elif re.search(r"[^aeiou]y$", lemma):
        forms.update({lemma[:-1] + "ied", lemma + "ing"})
    else:
        forms.update({lemma + "ed", lemma + "ing"})
        # consonant-vowel-consonant: stop -> stopped; both spellings are generated because
        # stress decides (target -> targeted) and an extra form only costs a set entry.
        if (
            len(lemma) >= 3
            and lemma[-1] not in _VOWELS | {"w", "x", "y"}
            and lemma[-2] in _VOWELS
            and lemma[-3] not in _VOWELS
        ):
            forms.update({lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"})
    return forms


def _noun_forms(lemma: str) -> set[str]:
    forms = {lemma}
    if re.search(r"(s|x|z|ch|sh)$", lemma):
        forms.add(lemma + "es")
    elif re.search(r"[^aeiou]y$", lemma):
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    return forms


def _spelling_variants(word: str) -> set[str]:
    """American and British spellings of a lemma (criticize/criticise, organization/-isation).

    Patterns are written with -ize; the British form is added as another surface form.
    """
    out = {word}
    if "iz" in word:
        out.add(word.replace("iz", "is"))
    if "yz" in word:
        out.add(word.replace("yz", "ys"))
    return out


@dataclass
class Lexicon:
    """Surface forms of the trigger vocabulary, mapped back to their lemmas."""

    verb_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    noun_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add_verb(self, lemma: str, irregular: Iterable[str] = ()) -> None:
        for spelling in _spelling_variants(lemma):
            for form in _verb_forms(spelling) | set(irregular):
                self._add(self.verb_forms, form, lemma)

    def add_noun(self, lemma: str, irregular: Iterable[str] = ()) -> None:
        for spelling in _spelling_variants(lemma):
            for form in _noun_forms(spelling) | set(irregular):
                self._add(self.noun_forms, form, lemma)

    @staticmethod
    def _add(table: dict[str, tuple[str, ...]], form: str, lemma: str) -> None:
        have = table.get(form, ())
        if lemma not in have:
            table[form] = have + (lemma,)

    def verb_lemmas(self, form: str) -> tuple[str, ...]:
        """Lemmas a (lowercased) verb form may have: ``struck`` -> ``("strike",)``."""
        return self.verb_forms.get(form, ())

    def noun_lemma(self, form: str) -> str:
        """The lemma of a (lowercased) noun form, or the form itself when unknown."""
        lemmas = self.noun_forms.get(form)
        if lemmas:
            # A plural that is also listed as a lemma ("talks") is taken as the plural.
            others = sorted(lemma for lemma in lemmas if lemma != form)
            return others[0] if others else form
        return form


# --------------------------------------------------------------------------------------------
# Discards


@dataclass(frozen=True)
class Discards:
    """Sport and entertainment cues (``discards.tsv``)."""

    pattern: re.Pattern[str]
    weights: dict[str, tuple[str, int]]

    def score(self, text: str) -> tuple[int, int]:
        """Weights of the distinct (non-political, political) cues found in ``text``."""
        seen: set[str] = set()
        nonpolitical = political = 0
        for m in self.pattern.finditer(text.lower()):
            cue = m.group(0)
            if cue in seen:
                continue
            seen.add(cue)
            domain, weight = self.weights[cue]
            if domain == "political":
                political += weight
            else:
                nonpolitical += weight
        return nonpolitical, political

    def document_is_nonpolitical(self, text: str) -> bool:
        nonpolitical, political = self.score(text)
        return nonpolitical >= 4 and nonpolitical > 2 * political

    def sentence_is_nonpolitical(self, text: str) -> bool:
        nonpolitical, political = self.score(text)
        return nonpolitical >= 2 and political == 0


# --------------------------------------------------------------------------------------------
# The book


@dataclass
class PatternBook:
    """All pattern data, indexed for the coder."""

    verbs: dict[str, list[VerbPattern]]
    nouns: dict[str, list[NounPattern]]
    classes: dict[str, frozenset[str]]
    class_compounds: dict[str, frozenset[tuple[str, str]]]
    control: dict[str, frozenset[str]]
    speech_verbs: dict[str, str]
    speech_nouns: dict[str, str]
    refine: dict[tuple[str, str], tuple[str, str, str | None]]
    lexicon: Lexicon
    discards: Discards
    trigger_forms: frozenset[str]

    def in_class(self, lemma: str, cls: str, modifiers: Iterable[str] = ()) -> bool:
        """Is a noun with this head lemma (and these modifier lemmas) a member of ``cls``?"""
        members = self.classes.get(cls, frozenset())
        if lemma in members:
            return True
        mods = tuple(modifiers)
        compounds = self.class_compounds.get(cls, frozenset())
        if any((m, lemma) in compounds for m in mods):
            return True
        # "air defence systems": the head says nothing, a modifier says what it is.
        return lemma in self.classes.get("_CONTAINER", frozenset()) and any(
            m in members for m in mods
        )

    def control_roles(self, lemma: str) -> frozenset[str]:
        """Roles of a lemma in control.tsv (future, actual, support, object, ...)."""
        return self.control.get(lemma, frozenset())


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield number, [cell.strip() for cell in line.split("\t")]


def _object_spec(token: str, where: str) -> ObjectSpec:
    recipient = token.startswith(">")
    token = token.lstrip(">")
    classes: set[str] = set()
    lemmas: set[str] = set()
    for item in token.split("|"):
        if item.startswith("$"):
            classes.add(item[1:])
        else:
            lemmas.add(item.lstrip("="))
    if not classes and not lemmas:
        raise PatternError(f"{where}: empty object in {token!r}")
    return ObjectSpec(frozenset(classes), frozenset(lemmas), recipient)


def _prep_spec(token: str, where: str) -> PrepSpec:
    recipient = token.startswith(">")
    body = token.lstrip(">")
    required = True
    if body.endswith("?"):
        required = False
        body = body[:-1]
    obj = None
    if ":" in body:
        body, obj_text = body.split(":", 1)
        obj = _object_spec(obj_text, where)
    preps = frozenset(p for p in body.split("|") if p)
    if not preps:
        raise PatternError(f"{where}: empty preposition in {token!r}")
    return PrepSpec(preps, recipient, required, obj)


def _common(cells: list[str], where: str) -> tuple[str, str, str | None, frozenset[str]]:
    if len(cells) < 4:
        raise PatternError(f"{where}: expected at least 4 tab-separated columns, got {len(cells)}")
    cameo, event_type = cells[2], cells[3].upper()
    mode = cells[4] if len(cells) > 4 and cells[4] not in ("", "-") else None
    when = cells[5] if len(cells) > 5 and cells[5] not in ("", "-") else ""
    conditions = frozenset(c.strip() for c in when.split(",") if c.strip())
    unknown = conditions - CONDITIONS
    if unknown:
        raise PatternError(f"{where}: unknown condition(s) {sorted(unknown)}")
    if event_type != NO_EVENT and not re.fullmatch(r"\d{2,4}", cameo):
        raise PatternError(f"{where}: CAMEO code must be 2-4 digits, got {cameo!r}")
    return cameo, event_type, mode, conditions


def _parse_verb_line(cells: list[str], order: int, where: str) -> VerbPattern:
    cameo, event_type, mode, conditions = _common(cells, where)
    tokens = cells[1].split()
    if not tokens:
        raise PatternError(f"{where}: empty pattern")
    lemmas = frozenset(tokens[0].split("|"))
    words: list[frozenset[str]] = []
    obj: ObjectSpec | None = None
    preps: list[PrepSpec] = []
    for token in tokens[1:]:
        if token.startswith(("$", "=", ">$", ">=")):
            if obj is not None:
                raise PatternError(f"{where}: more than one object in {cells[1]!r}")
            obj = _object_spec(token, where)
        elif token.startswith(">") or ":" in token:
            preps.append(_prep_spec(token, where))
        else:
            words.append(frozenset(token.split("|")))
    return VerbPattern(
        id=cells[0],
        lemmas=lemmas,
        words=tuple(words),
        obj=obj,
        preps=tuple(preps),
        cameo=cameo,
        event_type=event_type,
        mode=mode,
        conditions=conditions,
        order=order,
    )


def _parse_noun_line(cells: list[str], order: int, where: str) -> NounPattern:
    cameo, event_type, mode, conditions = _common(cells, where)
    tokens = cells[1].split()
    if not tokens:
        raise PatternError(f"{where}: empty pattern")
    heads: list[tuple[str | None, str]] = []
    for item in tokens[0].split("|"):
        if "_" in item:
            modifier, head = item.rsplit("_", 1)
            heads.append((modifier.replace("_", " "), head))
        else:
            heads.append((None, item))
    preps = [_prep_spec(t, where) for t in tokens[1:]]
    return NounPattern(
        id=cells[0],
        heads=tuple(heads),
        preps=tuple(preps),
        cameo=cameo,
        event_type=event_type,
        mode=mode,
        conditions=conditions,
        order=order,
    )


def _all_object_lemmas(spec: ObjectSpec | None) -> set[str]:
    if spec is None:
        return set()
    out: set[str] = set()
    for lemma in spec.lemmas:
        out.add(lemma.split("_")[-1])
    return out


def load_patterns(directory: str | Path | None = None) -> PatternBook:
    """Read every pattern file in ``directory`` (default: the shipped ``data/patterns``).

    The default directory is read once per process and cached.

    >>> book = load_patterns()
    >>> book.lexicon.verb_lemmas("struck")
    ('strike',)
    """
    if directory is None:
        return _load_default()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _load_default() -> PatternBook:
    return _load(DEFAULT_PATTERN_DIR)


def _load(directory: Path) -> PatternBook:
    irregular: dict[str, list[str]] = {}
    for number, cells in _rows(directory / "irregular.tsv"):
        if len(cells) < 2:
            raise PatternError(f"irregular.tsv:{number}: expected lemma and forms")
        irregular.setdefault(cells[0], []).extend(cells[1].split())

    classes: dict[str, set[str]] = {}
    compounds: dict[str, set[tuple[str, str]]] = {}
    for number, cells in _rows(directory / "classes.tsv"):
        if len(cells) < 2:
            raise PatternError(f"classes.tsv:{number}: expected a class and its members")
        for member in cells[1].split():
            if "_" in member:
                modifier, head = member.rsplit("_", 1)
                compounds.setdefault(cells[0], set()).add((modifier.replace("_", " "), head))
            else:
                classes.setdefault(cells[0], set()).add(member)

    verbs: dict[str, list[VerbPattern]] = {}
    for order, (number, cells) in enumerate(_rows(directory / "verbs.tsv")):
        pattern = _parse_verb_line(cells, order, f"verbs.tsv:{number}")
        if any(w.startswith("@") for words in pattern.words for w in words):
            # "@CLASS" in a word slot stands for every word of the class
            expanded = []
            for words in pattern.words:
                out: set[str] = set()
                for w in words:
                    if w.startswith("@"):
                        if w[1:] not in classes:
                            raise PatternError(f"verbs.tsv:{number}: unknown class {w}")
                        out |= classes[w[1:]]
                    else:
                        out.add(w)
                expanded.append(frozenset(out))
            pattern = replace(pattern, words=tuple(expanded))
        for lemma in pattern.lemmas:
            verbs.setdefault(lemma, []).append(pattern)
        for spec in [pattern.obj, *(p.obj for p in pattern.preps)]:
            for cls in spec.classes if spec else ():
                if cls not in classes and cls not in compounds:
                    raise PatternError(f"verbs.tsv:{number}: unknown class ${cls}")

    nouns: dict[str, list[NounPattern]] = {}
    for order, (number, cells) in enumerate(_rows(directory / "nouns.tsv")):
        npattern = _parse_noun_line(cells, order, f"nouns.tsv:{number}")
        for _, head in npattern.heads:
            nouns.setdefault(head, []).append(npattern)

    control: dict[str, set[str]] = {}
    for number, cells in _rows(directory / "control.tsv"):
        if len(cells) < 2 or cells[1] not in {
            "future",
            "hypothetical",
            "negated",
            "actual",
            "support",
            "agree",
            "refuse",
            "object",
            "silent",
            "instrument",
        }:
            raise PatternError(f"control.tsv:{number}: expected lemma and a known role")
        control.setdefault(cells[0], set()).add(cells[1])

    speech_verbs: dict[str, str] = {}
    speech_nouns: dict[str, str] = {}
    for number, cells in _rows(directory / "speech.tsv"):
        if len(cells) < 3 or cells[1] not in ("asserts", "denies", "confirms", "retracts"):
            raise PatternError(f"speech.tsv:{number}: expected lemma, stance, kind")
        (speech_nouns if cells[2] == "noun" else speech_verbs)[cells[0]] = cells[1]

    refine: dict[tuple[str, str], tuple[str, str, str | None]] = {}
    for number, cells in _rows(directory / "refine.tsv"):
        if len(cells) < 4:
            raise PatternError(f"refine.tsv:{number}: expected 5 columns")
        mode = cells[4] if len(cells) > 4 and cells[4] not in ("", "-") else None
        refine[(cells[0], cells[1])] = (cells[2], cells[3], mode)

    weights: dict[str, tuple[str, int]] = {}
    for number, cells in _rows(directory / "discards.tsv"):
        if len(cells) < 3 or cells[1] not in ("nonpolitical", "political"):
            raise PatternError(f"discards.tsv:{number}: expected cue, domain, weight")
        weights[cells[0].lower()] = (cells[1], int(cells[2]))
    cue_pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(c) for c in sorted(weights, key=len, reverse=True)) + r")\b"
    )

    lexicon = Lexicon()
    verb_lemmas = set(verbs) | set(control) | set(speech_verbs)
    for lemma in verb_lemmas:
        lexicon.add_verb(lemma, irregular.get(lemma, ()))
    noun_lemmas: set[str] = set(nouns) | set(speech_nouns)
    for members in classes.values():
        noun_lemmas |= members
    for pairs in compounds.values():
        noun_lemmas |= {head for _, head in pairs}
    for noun_patterns in nouns.values():
        for np_ in noun_patterns:
            noun_lemmas |= {m for m, _ in np_.heads if m and " " not in m}
    for verb_patterns in verbs.values():
        for vp in verb_patterns:
            noun_lemmas |= _all_object_lemmas(vp.obj)
            for prep in vp.preps:
                noun_lemmas |= _all_object_lemmas(prep.obj)
    for lemma in noun_lemmas:
        lexicon.add_noun(lemma, irregular.get(lemma, ()))

    trigger_forms = {
        form for form, ls in lexicon.verb_forms.items() if any(lm in verbs for lm in ls)
    }
    trigger_forms |= {
        form for form, ls in lexicon.noun_forms.items() if any(lm in nouns for lm in ls)
    }
    return PatternBook(
        verbs=verbs,
        nouns=nouns,
        classes={k: frozenset(v) for k, v in classes.items()},
        class_compounds={k: frozenset(v) for k, v in compounds.items()},
        control={k: frozenset(v) for k, v in control.items()},
        speech_verbs=speech_verbs,
        speech_nouns=speech_nouns,
        refine=refine,
        lexicon=lexicon,
        discards=Discards(cue_pattern, weights),
        trigger_forms=frozenset(trigger_forms),
    )


# --------------------------------------------------------------------------------------------
# Matching against a parsed sentence

ActorKinds = Callable[[], frozenset[str]]


def noun_lemma(book: PatternBook, token: Token) -> str:
    return book.lexicon.noun_lemma(token.lower_)


def modifier_lemmas(book: PatternBook, token: Token) -> list[str]:
    """Lemmas of the compound and adjective modifiers of a noun ("air defence systems")."""
    return [
        book.lexicon.noun_lemma(child.lower_)
        for child in token.lefts
        if child.dep_ in ("compound", "amod", "nmod")
    ]


def quantity_head(book: PatternBook, token: Token) -> Token:
    """Look through quantity nouns: "dozens of protesters" -> "protesters"."""
    seen = 0
    while seen < 3 and noun_lemma(book, token) in book.classes.get("_QUANTITY", frozenset()):
        pobj = next(
            (
                grand
                for child in token.children
                if child.dep_ == "prep" and child.lower_ == "of"
                for grand in child.children
                if grand.dep_ == "pobj"
            ),
            None,
        )
        if pobj is None:
            break
        token = pobj
        seen += 1
    return token


def object_matches(book: PatternBook, spec: ObjectSpec, token: Token) -> bool:
    """Does the noun phrase headed by ``token`` satisfy ``spec``?"""
    token = quantity_head(book, token)
    lemma = noun_lemma(book, token)
    mods = modifier_lemmas(book, token)
    if lemma in spec.lemmas or token.lower_ in spec.lemmas:
        return True
    for literal in spec.lemmas:
        if "_" in literal:
            modifier, head = literal.rsplit("_", 1)
            if head == lemma and modifier.replace("_", " ") in mods:
                return True
    return any(book.in_class(lemma, cls, mods) for cls in spec.classes)


def _conj_heads(token: Token) -> tuple[Token, ...]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_conj_heads(child))
    return tuple(out)


def _preps_of(token: Token) -> Iterator[Token]:
    for child in token.children:
        if child.dep_ in ("prep", "agent", "dative"):
            yield child
            # "met with X and with Y": prepositions coordinated under the first one.
            for conj in child.children:
                if conj.dep_ == "conj" and conj.pos_ == "ADP":
                    yield conj


def _pobjs(prep: Token) -> tuple[Token, ...]:
    for child in prep.children:
        if child.dep_ in ("pobj", "pcomp"):
            return _conj_heads(child)
    return ()


def verb_object(token: Token) -> Token | None:
    """The direct object of a verb, the subject of a passive verb, or the noun a passive
    participle modifies ("protesters arrested by police")."""
    if (
        token.dep_ == "acl"
        and token.tag_ == "VBN"
        and token.head.pos_ in ("NOUN", "PROPN")
        and not any(c.dep_ in ("nsubj", "aux") for c in token.children)
    ):
        return token.head
    for child in token.children:
        if child.dep_ in _OBJECT_DEPS:
            return child
    for child in token.children:
        if child.dep_ == "nsubjpass":
            return child
    return None


def indirect_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "dative" and child.tag_ != "IN":
            return child
    return None


def _find_prep(
    book: PatternBook, spec: PrepSpec, holders: Iterable[Token]
) -> tuple[Token, ...] | None:
    for holder in holders:
        # "called on Israel": the parser sometimes takes the preposition for a particle, and
        # the party for the direct object.
        if spec.obj is None and any(
            c.dep_ == "prt" and c.lower_ in spec.preps for c in holder.children
        ):
            obj = next((c for c in holder.children if c.dep_ in _OBJECT_DEPS), None)
            if obj is not None:
                return _conj_heads(obj)
        for prep in _preps_of(holder):
            if prep.lower_ not in spec.preps:
                continue
            objects = _pobjs(prep)
            if spec.obj is not None and not (
                objects and object_matches(book, spec.obj, objects[0])
            ):
                continue
            return objects
    return None


def _words_present(token: Token, words: frozenset[str]) -> bool:
    return any(child.lower_ in words and child.dep_ in _VERB_WORD_DEPS for child in token.children)


def _conditions_hold(
    conditions: frozenset[str],
    actor_kinds: ActorKinds,
    has_object: bool,
    has_recipient: Callable[[], bool],
    has_infinitive: bool = False,
    has_clause: bool = False,
) -> bool:
    for condition in conditions:
        if condition == "needs:clause" and not has_infinitive:
            return False
        if condition == "needs:noclause" and has_clause:
            return False
        if condition == "needs:object" and not has_object:
            return False
        if condition == "needs:noobject" and has_object:
            return False
        if condition == "needs:recipient" and not has_recipient():
            return False
        if condition.startswith("actor:"):
            kind = condition[6:]
            kinds = actor_kinds()
            if kind.startswith("-"):
                if kind[1:] in kinds:
                    return False
            elif kind not in kinds:
                return False
    return True


def match_verb(
    book: PatternBook,
    token: Token,
    lemmas: Iterable[str],
    actor_kinds: ActorKinds,
    is_actor: Callable[[Token], bool],
) -> VerbMatch | None:
    """The most specific verb pattern that matches ``token``, or None.

    ``actor_kinds`` returns the kinds of the verb's actor ("armed", "civil", "state"), computed
    only if a pattern asks; ``is_actor`` says whether a noun phrase names an actor (for
    ``needs:recipient``). A winning pattern of type NONE returns None.
    """
    lemmas = tuple(lemmas)
    obj = verb_object(token)
    holders = [token] + ([obj] if obj is not None else [])
    # "refused to sign": a clausal complement is the verb's object for needs:object, unless the
    # verb is a control verb ("seeks to") whose complement is the act itself.
    clausal = any(c.dep_ in ("xcomp", "ccomp") for c in token.children)
    # needs:clause asks for a "to"-clause ("told Iran to stop"), not a "that"-clause ("told
    # reporters that ..."), which is speech.
    infinitive = any(c.dep_ == "xcomp" for c in token.children)
    has_object = obj is not None or (
        clausal
        and not any(
            book.control_roles(lemma) - {"support", "object", "silent", "instrument"}
            for lemma in lemmas
        )
    )
    best: tuple[tuple[int, int], VerbMatch] | None = None
    for lemma in lemmas:
        for pattern in book.verbs.get(lemma, ()):
            score = pattern.base_specificity
            if any(not _words_present(token, w) for w in pattern.words):
                continue
            if pattern.obj is not None and (
                obj is None or not object_matches(book, pattern.obj, obj)
            ):
                continue
            recipients: tuple[Token, ...] | None = None
            ok = True
            for spec in pattern.preps:
                found = _find_prep(book, spec, holders)
                if found is None:
                    if spec.required:
                        ok = False
                        break
                    continue
                if not spec.required:
                    score += 1
                if spec.recipient and recipients is None:
                    recipients = found
            if not ok:
                continue
            from_object = False
            if recipients is None and pattern.obj is not None and pattern.obj.recipient:
                recipients = _conj_heads(obj) if obj is not None else ()
                from_object = True
            if recipients is None and not any(p.recipient for p in pattern.preps):
                if pattern.obj is None and obj is not None:
                    recipients = _conj_heads(obj)
                    from_object = True
                elif pattern.obj is not None:
                    iobj = indirect_object(token)
                    recipients = _conj_heads(iobj) if iobj is not None else ()
            found_recipients = recipients or ()

            def has_recipient(found: tuple[Token, ...] = found_recipients) -> bool:
                return any(is_actor(t) for t in found)

            if not _conditions_hold(
                pattern.conditions, actor_kinds, has_object, has_recipient, infinitive, clausal
            ):
                continue
            key = (score, -pattern.order)
            if best is None or key > best[0]:
                best = (key, VerbMatch(pattern, found_recipients, from_object, obj))
    if best is None or best[1].pattern.blocks:
        return None
    return best[1]


def noun_heads_match(book: PatternBook, token: Token, pattern: NounPattern) -> bool:
    lemma = noun_lemma(book, token)
    mods = [child.lower_ for child in token.lefts if child.dep_ in ("compound", "amod", "nmod")]
    mod_lemmas = modifier_lemmas(book, token)
    for modifier, head in pattern.heads:
        if head != lemma:
            continue
        if modifier is None:
            return True
        if modifier in mods or modifier in mod_lemmas or modifier.replace(" ", "-") in mods:
            return True
    return False


def match_noun(
    book: PatternBook, token: Token, actor_kinds: ActorKinds, is_actor: Callable[[Token], bool]
) -> NounMatch | None:
    """The most specific nominal pattern for a noun token, or None."""
    lemma = noun_lemma(book, token)
    best: tuple[tuple[int, int], NounMatch] | None = None
    for pattern in book.nouns.get(lemma, ()):
        if not noun_heads_match(book, token, pattern):
            continue
        score = sum(2 for _, head in pattern.heads if _ is not None) + len(pattern.conditions)
        recipients: tuple[Token, ...] = ()
        ok = True
        for spec in pattern.preps:
            found = _find_prep(book, spec, [token])
            if found is None:
                # For nouns a recipient preposition is optional (needs:recipient makes it
                # required); a plain or class-constrained preposition is required.
                if not spec.recipient or spec.obj is not None:
                    ok = False
                    break
                continue
            score += 2
            if spec.recipient and not recipients:
                recipients = found
        if not ok:
            continue

        def has_recipient(found: tuple[Token, ...] = recipients) -> bool:
            return any(is_actor(t) for t in found)

        if not _conditions_hold(pattern.conditions, actor_kinds, True, has_recipient):
            continue
        key = (score, -pattern.order)
        if best is None or key > best[0]:
            best = (key, NounMatch(pattern, recipients))
    if best is None or best[1].pattern.event_type == NO_EVENT:
        return None
    return best[1]


def describe(book: PatternBook) -> dict[str, Any]:
    """Counts of what was loaded, for ``watchfloor`` diagnostics and the docs."""
    verb_patterns = {p.id for ps in book.verbs.values() for p in ps}
    noun_patterns = {p.id for ps in book.nouns.values() for p in ps}
    return {
        "verb_patterns": len(verb_patterns),
        "verb_lemmas": len(book.verbs),
        "noun_patterns": len(noun_patterns),
        "classes": len(book.classes),
        "trigger_forms": len(book.trigger_forms),
    }
