"""The rules coder: documents in, events out.

For each document: split sentences cheaply, keep those with a trigger word and an actor, parse
them in batches, and for each trigger (a verb or a nominal such as "strikes on") find the pattern
that fits, its actor and recipient, its modality and the claim that reports it; then merge events
that say the same thing into one event per document with every sentence in ``mentions``.

How each decision is made is documented in ``docs/coding-conventions.md``; the vocabulary is data
in ``watchfloor/data/patterns/``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from watchfloor.coding.modality import (
    ClauseAnalysis,
    according_to,
    analyse_clause,
    subject_of,
)
from watchfloor.coding.patterns import (
    PatternBook,
    load_patterns,
    match_noun,
    match_verb,
    modifier_lemmas,
    noun_lemma,
    quantity_head,
)
from watchfloor.coding.pipeline import (
    MODEL_NAME,
    load_parser,
    ordered_parallel_map,
    split_sentences,
    word_forms,
)
from watchfloor.records import (
    ClaimRef,
    CoderInfo,
    Document,
    Entity,
    Event,
    Location,
    Mention,
    Trigger,
    stable_id,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "CODER_NAME",
    "CODER_VERSION",
    "CoderResources",
    "CoderSettings",
    "RulesCoder",
    "plover_root",
]

CODER_NAME = "watchfloor.coder.rules"
CODER_VERSION = "1.0.0"

#: Verbal event types: when the speaker is the actor, the statement is the act (claim null).
VERBAL_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
)
COOPERATIVE_QUADS = frozenset({1, 2})
ARMED_SECTORS = frozenset({"MIL", "REB", "UAF", "COP", "INS", "SEP", "SPY"})
CIVIL_SECTORS = frozenset({"CVL", "LAB", "EDU", "OPP", "REF", "AGR", "ENV", "HLH", "JRN", "NGO"})
STATE_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})
STATE_KINDS = frozenset({"state", "institution", "igo", "title"})
PRONOUNS: dict[str, tuple[str, bool | None]] = {
    "it": ("singular", False),
    "its": ("singular", False),
    "he": ("singular", True),
    "him": ("singular", True),
    "his": ("singular", True),
    "she": ("singular", True),
    "her": ("singular", True),
    "they": ("plural", None),
    "them": ("plural", None),
    "their": ("plural", None),
}
#: Prepositions that put a meeting noun in its clause ("during talks with X, Y said").
_MEETING_PREPS = frozenset({"in", "during", "after", "at", "following", "on"})
#: Prepositions that set a noun beside a verb's act, not inside it: "after talks with X, Y
#: rejected ..." (the talks are not what was rejected).
_FRAMING_PREPS = frozenset({"after", "following", "during", "before", "since", "amid", "in"})
#: Types that coordinated actors do to each other ("X and Y met"): no recipient is sought.
_RECIPROCAL_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE"})
_NOT_RECIPIENT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "csubj", "agent", "aux", "auxpass", "neg", "punct", "mark"}
)
#: Prepositions that point at whom an act is directed (not where or when it happens).
_RECIPIENT_PREPS = frozenset(
    {
        "to",
        "with",
        "against",
        "on",
        "from",
        "for",
        "into",
        "toward",
        "towards",
        "between",
        "of",
        "upon",
        "at",
        "over",
    }
)
FIRST_PERSON = frozenset({"we", "us", "our", "i", "me", "my"})


class ActorDictionary(Protocol):
    """What the coder needs from ``watchfloor.coding.actors``."""

    def find(self, sentence: str, on: date | None = None) -> list[Any]: ...


class OntologyLike(Protocol):
    def goldstein(self, cameo_code: str) -> float: ...

    def quad_class(self, event_type: str) -> int: ...


@dataclass(frozen=True, slots=True)
class CoderSettings:
    """Knobs of the rules coder; the defaults are what the benchmarks measure.

    ``require_dictionary_actor``: a sentence is parsed only if the actor dictionary finds at least
    one actor in it (the cheap pre-filter), and an event needs at least one dictionary-resolved
    party. ``pronoun_window``: how many sentences back a pronoun may find its antecedent.
    """

    model: str = MODEL_NAME
    patterns_dir: str | None = None
    require_dictionary_actor: bool = True
    skip_nonpolitical: bool = True
    pronoun_window: int = 2
    max_sentence_chars: int = 1000


@dataclass
class CoderResources:
    """The coder's collaborators, injectable for tests (``CoderResources.default()`` otherwise)."""

    patterns: PatternBook
    actors: ActorDictionary
    ontology: OntologyLike
    resolve_date: Callable[..., Any] | None = None
    primary_place: Callable[..., Any] | None = None
    count_fatalities: Callable[[str], int | None] | None = None

    @classmethod
    def default(cls, patterns_dir: str | None = None) -> CoderResources:
        """The shipped actor dictionary, ontology, pattern files and date/place/casualty finders."""
        # Imported here so that a coder built with injected resources needs none of them.
        from watchfloor.coding.actors import default_actor_dictionary
        from watchfloor.coding.casualties import count_fatalities
        from watchfloor.coding.dates import resolve_event_date
        from watchfloor.coding.places import primary_place
        from watchfloor.ontology import load_ontology

        return cls(
            patterns=load_patterns(patterns_dir),
            actors=default_actor_dictionary(),
            ontology=load_ontology(),
            resolve_date=resolve_event_date,
            primary_place=primary_place,
            count_fatalities=count_fatalities,
        )


def plover_root(event: Event) -> str:
    """The single PLOVER type a flat PLOVER data set would give this event.

    The PLOVER codebook folds modality into type for some acts: promised cooperation (CONSULT,
    SUPPORT, COOPERATE, AID in the future) is AGREE, an announced retreat is CONCEDE. watchfloor
    keeps the act and its modality apart; this gives the folded type for exports and scoring.
    """
    if event.modality == "future":
        if event.event_type in ("CONSULT", "SUPPORT", "COOPERATE", "AID"):
            return "AGREE"
        if event.event_type == "RETREAT":
            return "CONCEDE"
    return event.event_type


# --------------------------------------------------------------------------------------------
# References to actors inside one parsed sentence


@dataclass(frozen=True, slots=True)
class _Ref:
    """A noun phrase that names (or may name) a party to an event."""

    entity: Entity
    dictionary: bool
    named: bool
    pronoun: bool
    kinds: frozenset[str]
    person: bool | None
    plural: bool

    @property
    def is_actor(self) -> bool:
        return self.dictionary or self.named or self.pronoun


@dataclass
class _DocContext:
    doc_id: str
    published: date | None
    sentences: list[str] = field(default_factory=list)
    #: subjects of parsed sentences, by sentence index, for pronouns in later sentences
    subjects: dict[int, list[_Ref]] = field(default_factory=dict)
    leading: dict[int, list[_Ref]] = field(default_factory=dict)


@dataclass(slots=True)
class _Draft:
    """An event before document-level merging."""

    sentence_index: int
    sentence: str
    event_type: str
    mode: str | None
    cameo: str
    actor: tuple[_Ref, ...]
    recipient: tuple[_Ref, ...]
    trigger: Trigger
    modality: str
    claim: ClaimRef | None
    pattern_id: str
    confidence: float
    token_index: int = -1
    speech_index: int | None = None
    # Character spans where a place name is no place of this event: a party ("Caracas
    # condemned ...") or the phrase of the verb that reports it ("said in Caracas that ...").
    not_places: tuple[tuple[int, int], ...] = ()


def _char_span(tokens: Sequence[Token]) -> tuple[int, int]:
    first, last = tokens[0], tokens[-1]
    return first.idx, last.idx + len(last.text)


class _Sentence:
    """A parsed sentence with its dictionary matches and cached noun-phrase resolutions."""

    def __init__(
        self,
        coder: RulesCoder,
        ctx: _DocContext,
        index: int,
        text: str,
        doc: Doc,
        matches: Sequence[Any],
    ) -> None:
        self.coder = coder
        self.book = coder.resources.patterns
        self.ctx = ctx
        self.index = index
        self.text = text
        self.doc = doc
        self.matches = list(matches)
        self._refs: dict[int, _Ref | None] = {}
        self._resolving_pronoun = False
        #: event type coded for each verb trigger, by token index
        self.verb_types: dict[int, str] = {}

    # --- lemmas ---------------------------------------------------------------------------

    def verb_lemmas(self, token: Token) -> tuple[str, ...]:
        return self.book.lexicon.verb_lemmas(token.lower_)

    # --- noun phrases ---------------------------------------------------------------------

    def core_tokens(self, head: Token) -> list[Token]:
        """The tokens naming a noun phrase's referent: modifiers, head, appositions and
        "of"-complements, without relative clauses or other prepositional phrases."""
        left = head.left_edge.i
        right = head.i
        # "the president of Russia" names Russia's president, but "accounts of officers" does
        # not name officers: "of" counts only after an office or body the dictionary knows.
        office = head.tag_ in ("NN", "NNS") and any(
            m.start <= head.idx < m.end for m in self.matches
        )
        for child in head.rights:
            # A short apposition names the same party ("Lavrov, Russia's foreign minister").
            short_appos = child.dep_ == "appos" and child.right_edge.i - child.left_edge.i < 10
            if short_appos or (child.dep_ == "prep" and child.lower_ == "of" and office):
                right = max(right, child.right_edge.i)
        tokens = [t for t in self.doc[left : right + 1]]
        while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("cc", "preconj", "prep")):
            tokens.pop(0)
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        return tokens or [head]

    def _matches_in(self, start: int, end: int) -> list[Any]:
        return [m for m in self.matches if m.start >= start and m.end <= end]

    def _best_match(self, matches: list[Any], head: Token) -> Any:
        head_start, head_end = head.idx, head.idx + len(head.text)

        def rank(m: Any) -> tuple[int, int, int, int, int]:
            covers_head = int(m.start <= head_start and m.end >= head_end)
            return (
                covers_head,
                int(m.country is not None),
                int(m.kind in ("person", "institution", "igo", "group")),
                int(m.sector is not None),
                m.end - m.start,
            )

        return max(matches, key=rank)

    def ref(self, head: Token, allow_common: bool = False) -> _Ref | None:
        """Resolve the noun phrase headed by ``head``; None if it names no party.

        With ``allow_common`` an unresolved common noun ("vessels") still gives a reference with
        code None, as recipients may be things the dictionary does not know.
        """
        key = head.i * 2 + int(allow_common)
        if key not in self._refs:
            self._refs[key] = self._resolve(head, allow_common)
        return self._refs[key]

    def _resolve(self, head: Token, allow_common: bool) -> _Ref | None:
        head = quantity_head(self.book, head)
        word = head.lower_
        if word in FIRST_PERSON and head.tag_ in ("PRP", "PRP$"):
            return self.resolve_first_person(head)
        if head.tag_ in ("PRP", "PRP$") or word in PRONOUNS:
            return self.resolve_pronoun(head) if word in PRONOUNS else None
        if head.tag_ == "CD" or head.pos_ in ("NUM", "ADV", "ADJ", "VERB", "AUX", "SYM"):
            return None
        if word in self.book.classes.get("_TEMPORAL", frozenset()):
            return None
        tokens = self.core_tokens(head)
        start, end = _char_span(tokens)
        text = self.text[start:end]
        matches = self._matches_in(start, end)
        lemma = noun_lemma(self.book, head)
        mods = modifier_lemmas(self.book, head)
        kinds: set[str] = set()
        armed = self.book.classes.get("_ARMED", frozenset())
        civil = self.book.classes.get("_CIVIL", frozenset())
        if lemma in armed or any(m in armed for m in mods):
            kinds.add("armed")
        if lemma in civil:
            kinds.add("civil")
        plural = head.tag_ in ("NNS", "NNPS")
        if matches:
            best = self._best_match(matches, head)
            if best.country is None and (
                head.dep_ in ("nsubj", "nsubjpass")
                or (head.dep_ == "pobj" and head.head.dep_ == "agent")
            ):
                # "its aircraft bombed": the owner of an acting organ is whoever the pronoun
                # points at (not for objects: "withdrew its troops" names no recipient)
                owner = next(
                    (c for c in head.children if c.dep_ == "poss" and c.lower_ in ("its", "their")),
                    None,
                )
                resolved = self.resolve_pronoun(owner) if owner is not None else None
                if resolved is not None and resolved.entity.country not in (None, "IGO"):
                    best = best.resolved(resolved.entity.country)  # type: ignore[arg-type]
            for m in matches:
                if m.sector in ARMED_SECTORS:
                    kinds.add("armed")
                if m.sector in CIVIL_SECTORS:
                    kinds.add("civil")
                if (
                    m.kind in STATE_KINDS
                    or (m.sector in STATE_SECTORS)
                    or (m.kind == "person" and m.sector in STATE_SECTORS)
                ):
                    kinds.add("state")
            if best.country is None:
                # "journalists in Iran", "protesters from Georgia": a group without a country
                # belongs to the country its place phrase names.
                place = self._place_country(head)
                if place is not None:
                    best = best.resolved(place[0])
                    end = max(end, place[1])
                    text = self.text[start:end]
            if best.sector in CIVIL_SECTORS and "civil" in kinds and "armed" not in kinds:
                kinds.discard("state")
            person = True if best.kind in ("person", "title") else None
            if best.kind in ("state", "igo", "institution"):
                person = False
            entity = Entity(
                text=text,
                code=best.code,
                country=best.country,
                sector=best.sector,
                start=start,
                end=end,
            )
            return _Ref(entity, True, False, False, frozenset(kinds), person, plural)
        named = head.tag_ in ("NNP", "NNPS") or any(
            t.tag_ in ("NNP", "NNPS") and t.dep_ in ("compound", "flat") for t in head.lefts
        )
        if named:
            if lemma in self.book.classes.get("_NONPOLITICAL", frozenset()) or any(
                m in self.book.classes.get("_NONPOLITICAL", frozenset()) for m in mods
            ):
                return None
            entity = Entity(text=text, code=None, country=None, sector=None, start=start, end=end)
            return _Ref(entity, False, True, False, frozenset(kinds), None, plural)
        if not allow_common or head.pos_ not in ("NOUN", "PROPN"):
            return None
        place = self._place_country(head)
        if place is not None and head.pos_ == "NOUN":
            # "flood victims in Pakistan": people or things of a named country are that
            # country's, as a recipient (never as an actor: common nouns never act).
            end = max(end, place[1])
            entity = Entity(
                text=self.text[start:end],
                code=place[0],
                country=place[0],
                sector=None,
                start=start,
                end=end,
            )
            return _Ref(entity, True, False, False, frozenset(kinds), None, plural)
        entity = Entity(text=text, code=None, country=None, sector=None, start=start, end=end)
        return _Ref(entity, False, False, False, frozenset(kinds), None, plural)

    def _place_country(self, head: Token) -> tuple[str, int] | None:
        """The country (and the end offset of its phrase) named by an "in", "from" or "of"
        phrase on a noun: "protesters in Iran" -> ("IRN", end of "Iran"). The phrase may hang
        off the noun the group depends on ("a crackdown on protesters in Iran")."""
        children = [c for c in head.rights if c.lower_ in ("in", "from", "of")]
        # Up to the clause's verb, "in" phrases after the group say where it was acted on
        # ("sent aid to victims in Pakistan"); never for a subject, which acts from anywhere.
        node = head
        while node.dep_ in ("dobj", "pobj", "dative", "prep", "conj") and node.head.i != node.i:
            node = node.head
            if node.pos_ == "VERB":
                children.extend(c for c in node.rights if c.lower_ == "in" and c.i > head.i)
                break
            if node.pos_ == "NOUN":
                children.extend(c for c in node.rights if c.lower_ == "in" and c.i > head.i)
        for child in children:
            if child.dep_ != "prep" or child.lower_ not in ("in", "from", "of"):
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                pstart, pend = _char_span(self.core_tokens(pobj))
                hits = [
                    m
                    for m in self._matches_in(pstart, pend)
                    if m.country and m.country != "IGO" and m.kind == "state"
                ]
                if hits:
                    return max(hits, key=lambda m: m.end - m.start).country, pend
        return None

    def refs(self, head: Token | None, allow_common: bool = False) -> tuple[_Ref, ...]:
        """References for a head and its coordinated heads ("the US and Britain")."""
        if head is None:
            return ()
        out: list[_Ref] = []
        seen: set[tuple[int, int]] = set()
        for token in _conjuncts(head):
            ref = self.ref(token, allow_common)
            if ref is None:
                continue
            span = (ref.entity.start, ref.entity.end)
            if span in seen and not ref.pronoun:
                continue
            seen.add(span)
            out.append(ref)
        return tuple(out)

    def is_actor_np(self, head: Token) -> bool:
        return any(r.is_actor for r in self.refs(head))

    # --- pronouns -------------------------------------------------------------------------

    def resolve_first_person(self, token: Token) -> _Ref | None:
        """ "We will not accept this, X said": in quoted or reported speech "we" and "I" are the
        speaker, when the sentence has exactly one."""
        if self._resolving_pronoun:
            return None
        self._resolving_pronoun = True
        try:
            speakers: list[_Ref] = []
            for verb in self.doc:
                if verb.pos_ == "VERB" and any(
                    self.book.speech_verbs.get(lm) for lm in self.verb_lemmas(verb)
                ):
                    subject = subject_of(verb)
                    if subject is not None and subject.lower_ not in FIRST_PERSON:
                        speakers.extend(r for r in self.refs(subject) if r.is_actor)
        finally:
            self._resolving_pronoun = False
        distinct = {(r.entity.start, r.entity.end) for r in speakers}
        if len(distinct) != 1:
            return None
        return replace(speakers[0], pronoun=True)

    def resolve_pronoun(self, token: Token) -> _Ref | None:
        if self._resolving_pronoun:
            return None  # an antecedent is never itself resolved through a pronoun
        self._resolving_pronoun = True
        try:
            return self._resolve_pronoun(token)
        finally:
            self._resolving_pronoun = False

    def _resolve_pronoun(self, token: Token) -> _Ref | None:
        number, person = PRONOUNS[token.lower_]
        for ref in reversed(self.subject_refs_before(token.i)):
            if _compatible(ref, number, person):
                return replace(ref, pronoun=True)
        start, end = token.idx, token.idx + len(token.text)
        window = self.coder.settings.pronoun_window
        for earlier in range(self.index - 1, max(-1, self.index - window - 1), -1):
            refs = self.ctx.subjects.get(earlier)
            if refs is None:
                refs = self._leading_refs(earlier)
            for ref in reversed(refs):
                if _compatible(ref, number, person):
                    # The antecedent's name, at the pronoun's place in this sentence.
                    entity = replace(ref.entity, start=start, end=end)
                    return replace(ref, entity=entity, pronoun=True)
        return None

    def _leading_refs(self, index: int) -> list[_Ref]:
        """The actor a sentence that was not parsed starts with ("Malian soldiers entered
        Kidal."), found with the dictionary alone: the likely subject, for a later pronoun."""
        if index in self.ctx.leading:
            return self.ctx.leading[index]
        refs: list[_Ref] = []
        if 0 <= index < len(self.ctx.sentences):
            sentence = self.ctx.sentences[index]
            matches = self.coder.resources.actors.find(sentence, on=self.ctx.published)
            if matches:
                first = min(matches, key=lambda m: m.start)
                if first.start <= 4:  # the sentence opens with it, perhaps after "The"
                    kinds: set[str] = set()
                    if first.sector in ARMED_SECTORS:
                        kinds.add("armed")
                    if first.sector in CIVIL_SECTORS:
                        kinds.add("civil")
                    if first.kind in STATE_KINDS or first.sector in STATE_SECTORS:
                        kinds.add("state")
                    last_word = first.text.split()[-1].lower()
                    entity = Entity(
                        first.text, first.code, first.country, first.sector, first.start, first.end
                    )
                    refs.append(
                        _Ref(
                            entity,
                            True,
                            False,
                            False,
                            frozenset(kinds),
                            True
                            if first.kind in ("person", "title")
                            else (False if first.kind in ("state", "igo", "institution") else None),
                            first.kind in ("sector_noun", "group") and last_word.endswith("s"),
                        )
                    )
        self.ctx.leading[index] = refs
        return refs

    def subject_refs_before(self, index: int) -> list[_Ref]:
        out: list[_Ref] = []
        for token in self.doc[:index]:
            if token.dep_ in ("nsubj", "nsubjpass") and token.lower_ not in PRONOUNS:
                for ref in self.refs(token):
                    if ref.is_actor:
                        out.append(ref)
        return out

    def subject_refs(self) -> list[_Ref]:
        out: list[_Ref] = []
        for token in self.doc:
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
                refs = self.refs(token)
                # Coordinated subjects are no safe antecedent for a single pronoun.
                if len(refs) == 1 and refs[0].is_actor:
                    out.append(refs[0])
        return out


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(_conjuncts(child))
    return out


def _compatible(ref: _Ref, number: str, person: bool | None) -> bool:
    if number == "plural":
        return ref.plural or "group" in ref.kinds
    if ref.plural:
        return False
    if person is True:
        return ref.person is True or (ref.person is None and ref.named)
    return ref.person is not True


def _same_party(a: Sequence[_Ref], b: Sequence[_Ref]) -> bool:
    for x in a:
        for y in b:
            if (x.entity.start, x.entity.end) == (y.entity.start, y.entity.end):
                return True
            if x.entity.code and x.entity.code == y.entity.code:
                return True
            if x.entity.text.lower() == y.entity.text.lower():
                return True
            # a state speaking of its own organs ("Brazil's president said Brazil would not")
            country = x.entity.country
            if country and country != "IGO" and country == y.entity.country:
                return True
    return False


#: Event types whose object names something that has not happened (refused, asked, promised).
_CONTENT_TYPES = frozenset({"REJECT", "REQUEST", "THREATEN", "AGREE"})
_COPULAS = frozenset(
    {"is", "was", "are", "were", "be", "been", "being", "'s", "remains", "remained"}
)
_OBLIGATION_AUX = frozenset({"must", "should", "ought"})


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _obligated_act(clause: Token) -> Token | None:
    """The act a clause says someone must do: "Y must withdraw", "Y has to withdraw"."""
    if _negated(clause):
        return None
    if any(c.dep_ == "aux" and c.lower_ in _OBLIGATION_AUX for c in clause.children):
        return clause
    if (
        clause.tag_ == "VB"
        and clause.dep_ == "ccomp"
        and any(c.dep_ == "nsubj" for c in clause.children)
        and not any(c.dep_ in ("aux", "auxpass") for c in clause.children)
    ):
        return clause  # a bare verb: "insisted that Israel withdraw"
    if clause.lower_ in ("has", "have", "had", "needs", "need"):
        return next(
            (
                c
                for c in clause.children
                if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
            ),
            None,
        )
    return None


def _not_places(
    view: _Sentence, draft: _Draft, drafts: Sequence[_Draft]
) -> tuple[tuple[int, int], ...]:
    """Where in the sentence a place name does not say where ``draft`` happened: the actors
    of the other acts in it ("an attack that Caracas condemned": for the attack, Caracas is a
    government, not a place), and, for an act reported by someone else, the reporting verb's
    own phrase ("the ministry said in Caracas that US forces struck a boat at sea")."""
    own = {(r.entity.start, r.entity.end) for r in draft.actor}
    spans = {(r.entity.start, r.entity.end) for d in drafts for r in d.actor} - own
    if draft.claim is not None and draft.speech_index is not None and draft.token_index >= 0:
        speech = view.doc[draft.speech_index]
        act = view.doc[draft.token_index]
        clause = next((c for c in speech.children if act in c.subtree), None)
        for token in speech.subtree:
            if clause is not None and token in clause.subtree:
                continue
            spans.add((token.idx, token.idx + len(token.text)))
    return tuple(sorted(spans))


def _without_goods(view: _Sentence, event_type: str, refs: tuple[_Ref, ...]) -> tuple[_Ref, ...]:
    """One accuses a party, never goods: "accused of moving Venezuelan crude" is not directed
    at Venezuela (heads of class ``_COMMODITY``)."""
    if event_type != "ACCUSE":
        return refs
    goods = view.book.classes.get("_COMMODITY", frozenset())
    return tuple(
        r
        for r in refs
        if (head := _span_head(view, r)) is None or noun_lemma(view.book, head) not in goods
    )


def _span_head(view: _Sentence, ref: _Ref) -> Token | None:
    """The token heading an entity's span (its head lies outside the span)."""
    start, end = ref.entity.start, ref.entity.end
    inside = [t for t in view.doc if start <= t.idx < end]
    for token in inside:
        if not (start <= token.head.idx < end) or token.head.i == token.i:
            return token
    return None


def _head_count(view: _Sentence, head: Token, ref: _Ref) -> bool:
    """True for a bare count of people ("14 people", "dozens of civilians") with no country.
    Outside the verb's own object ("struck three boats, killing 14 people") it is a toll,
    never the party the act is directed at."""
    if ref.entity.country is not None:
        return False
    counted = quantity_head(view.book, head)
    return counted.i != head.i or any(c.dep_ == "nummod" for c in head.children)


def _without_tolls(view: _Sentence, drafts: list[_Draft]) -> list[_Draft]:
    """Drop the toll of an attack coded as an attack of its own: in "struck three boats,
    killing 14 people" the participle counts the attack's dead (``fatalities``); the dead are
    not a second target, and a count of people is no party."""
    assaults = {d.token_index for d in drafts if d.event_type == "ASSAULT"}
    out = []
    for draft in drafts:
        if draft.event_type == "ASSAULT" and draft.token_index >= 0:
            token = view.doc[draft.token_index]
            if (
                token.dep_ == "advcl"
                and token.tag_ == "VBG"
                and token.head.i in assaults
                and not any(r.entity.country for r in draft.recipient)
            ):
                continue
        out.append(draft)
    return out


def _same_party_name(a: _Ref, b: _Ref) -> bool:
    """The same words name both: one span, or the same text apart from case and "the"."""
    if (a.entity.start, a.entity.end) == (b.entity.start, b.entity.end):
        return True

    def norm(text: str) -> str:
        words = text.lower().split()
        return " ".join(words[1:] if words[:1] == ["the"] else words)

    return norm(a.entity.text) == norm(b.entity.text)


def _source_phrase(token: Token) -> bool:
    """True for "according to X": X is where the news comes from, never a party of the act."""
    return token.lower_ == "according" or (
        token.lower_ == "to" and token.head.lower_ == "according" and token.head.i != token.i
    )


def _behest_phrase(book: PatternBook, token: Token) -> bool:
    """True for the noun of "at the request of X", "on behalf of X", "at X's invitation" (class
    ``_BEHEST`` after "at", "on" or "upon"), or for that preposition itself: whoever is named there
    asked for the act and is not its recipient."""
    if token.pos_ == "ADP":
        return token.lower_ in ("at", "on", "upon") and any(
            c.dep_ == "pobj" and _behest_phrase(book, c) for c in token.children
        )
    return (
        token.dep_ == "pobj"
        and token.head.lower_ in ("at", "on", "upon")
        and noun_lemma(book, token) in book.classes.get("_BEHEST", frozenset())
    )


def _passive(token: Token) -> bool:
    if (
        token.dep_ == "acl"
        and token.tag_ == "VBN"
        and not any(c.dep_ in ("nsubj", "aux") for c in token.children)
    ):
        return True  # "protesters arrested by police", not "reports that it had evacuated"
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


def _agent(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


# --------------------------------------------------------------------------------------------
# The coder


class RulesCoder:
    """Pattern-based event coder for English news and statements.

    >>> coder = RulesCoder()                                     # doctest: +SKIP
    >>> events = coder.code_text("Russia attacked Ukraine on Monday.")  # doctest: +SKIP
    >>> [e.event_type for e in events]  # doctest: +SKIP
    ['ASSAULT']
    """

    name = CODER_NAME
    version = CODER_VERSION

    def __init__(
        self,
        resources: CoderResources | None = None,
        settings: CoderSettings | None = None,
    ) -> None:
        self.settings = settings or CoderSettings()
        self._resources = resources
        self._injected = resources is not None
        self._info_cache: dict[str, CoderInfo] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes started with "spawn" rebuild the coder from its settings; injected
        # resources travel only with "fork" (the default on Linux).
        return (RulesCoder, (None, self.settings))

    @property
    def resources(self) -> CoderResources:
        if self._resources is None:
            self._resources = CoderResources.default(self.settings.patterns_dir)
        return self._resources

    def warm_up(self) -> None:
        """Load the parser and dictionaries now rather than on the first document."""
        _ = self.resources
        load_parser(self.settings.model)

    # --- public API -----------------------------------------------------------------------

    def code_documents(
        self, docs: Iterable[Document], *, n_process: int = 1, batch_size: int = 64
    ) -> Iterator[tuple[Document, list[Event]]]:
        """Code documents, yielding ``(document, events)`` in input order as they are done.

        Streaming: documents are read ``batch_size`` at a time and at most ``2 * n_process``
        batches are in flight, so memory does not grow with the number of documents. With
        ``n_process > 1`` each worker process loads the parser once.
        """
        batches = _batched(docs, batch_size)
        if n_process <= 1:
            for batch in batches:
                yield from zip(batch, self.code_batch(batch, batch_size=batch_size), strict=True)
            return
        self.warm_up()  # load before fork, so workers share the model pages
        # Batches handed to the pool wait here until their results come back (in order), so
        # the documents are paired with their events without sending them back.
        submitted: deque[list[Document]] = deque()

        def jobs() -> Iterator[tuple[list[Document], int]]:
            for batch in batches:
                submitted.append(batch)
                yield batch, batch_size

        results = ordered_parallel_map(
            _worker_code_batch,
            jobs(),
            n_process=n_process,
            initializer=_worker_init,
            initargs=(self,),
        )
        for events in results:
            yield from zip(submitted.popleft(), events, strict=True)

    def code_text(
        self, text: str, date: datetime | date | None = None, doc_id: str = "doc"
    ) -> list[Event]:
        """Code one text. ``date`` is its publication date (relative dates resolve against it).

        >>> RulesCoder().code_text("Germany pledged to send tanks to Ukraine.")  # doctest: +SKIP
        """
        when: datetime | None
        if isinstance(date, datetime) or date is None:
            when = date
        else:
            when = datetime(date.year, date.month, date.day)
        document = Document(id=doc_id, text=text, date=when)
        return self.code_batch([document])[0]

    # --- batch coding ---------------------------------------------------------------------

    def candidate(self, sentence: str) -> bool:
        """Cheap test before any dictionary or parser work: length, context and trigger words."""
        if len(sentence) > self.settings.max_sentence_chars or len(sentence) < 12:
            return False
        book = self.resources.patterns
        forms = book.trigger_forms
        if not any(word in forms for word in word_forms(sentence)):
            return False
        return not (
            self.settings.skip_nonpolitical and book.discards.sentence_is_nonpolitical(sentence)
        )

    def code_batch(self, docs: Sequence[Document], *, batch_size: int = 64) -> list[list[Event]]:
        """Code a list of documents in one process; parsing is batched across all of them."""
        resources = self.resources
        plans: list[tuple[_DocContext, list[tuple[int, str, list[Any]]]] | None] = []
        to_parse: list[str] = []
        for doc in docs:
            if not doc.is_english or not doc.text:
                plans.append(None)
                continue
            if (
                self.settings.skip_nonpolitical
                and resources.patterns.discards.document_is_nonpolitical(
                    (doc.title or "") + "\n" + doc.text
                )
            ):
                plans.append(None)
                continue
            published = doc.date.date() if doc.date else None
            ctx = _DocContext(doc.id, published, split_sentences(doc.text))
            selected: list[tuple[int, str, list[Any]]] = []
            for index, sentence in enumerate(ctx.sentences):
                if not self.candidate(sentence):
                    continue
                matches = list(resources.actors.find(sentence, on=published))
                if self.settings.require_dictionary_actor and not matches:
                    continue
                selected.append((index, sentence, matches))
                to_parse.append(sentence)
            plans.append((ctx, selected))
        parsed = iter(load_parser(self.settings.model).pipe(to_parse, batch_size=batch_size))
        out: list[list[Event]] = []
        for plan, doc in zip(plans, docs, strict=True):
            if plan is None:
                out.append([])
                continue
            ctx, selected = plan
            drafts: list[_Draft] = []
            for index, sentence, matches in selected:
                view = _Sentence(self, ctx, index, sentence, next(parsed), matches)
                drafts.extend(self._code_sentence(view))
                ctx.subjects[index] = view.subject_refs()
            out.append(self._merge(doc, ctx, drafts))
        return out

    # --- one sentence ---------------------------------------------------------------------

    def _code_sentence(self, view: _Sentence) -> list[_Draft]:
        book = view.book
        drafts: list[_Draft] = []
        analyses: dict[int, ClauseAnalysis] = {}
        triggers = [
            t
            for t in view.doc
            if t.tag_.startswith("VB")
            and t.dep_ not in ("aux", "auxpass")
            and any(lm in book.verbs for lm in view.verb_lemmas(t))
        ]
        for token in triggers:
            analyses[token.i] = analyse_clause(book, token, view.verb_lemmas)
        governed: dict[int, list[Token]] = {}
        for token in triggers:
            governor = analyses[token.i].governor
            if governor is not None:
                governed.setdefault(governor.i, []).append(token)
        covered_nouns: set[int] = set()
        consumed: set[int] = set()
        drafts.extend(self._speech_acts(view, analyses, consumed))
        for token in triggers:
            analysis = analyses[token.i]
            if analysis.governor is not None or token.i in consumed:
                continue
            draft = self._verb_event(
                view, token, analysis, governed.get(token.i, []), covered_nouns
            )
            if draft is not None:
                drafts.append(draft)
                view.verb_types[token.i] = draft.event_type
        for token in triggers:
            # A governed act whose governing verb coded nothing ("led efforts to help ...":
            # no pattern of "lead" fits) is coded on its own, as the act it names.
            governor = analyses[token.i].governor
            if (
                governor is None
                or governor.pos_ != "VERB"
                or governor.i in view.verb_types
                or token.i in consumed
                or not any(lm in book.verbs for lm in view.verb_lemmas(governor))
            ):
                continue
            if token.dep_ != "xcomp" or any(c.dep_ == "dobj" for c in governor.children):
                continue  # only subject control: "led efforts to help", not "urged X to"
            analysis = replace(analyses[token.i], governor=None, subject_verb=governor)
            draft = self._verb_event(view, token, analysis, [], covered_nouns)
            if draft is not None:
                drafts.append(draft)
                view.verb_types[token.i] = draft.event_type
        for token in view.doc:
            if token.i in governed and token.pos_ == "ADJ":
                draft = self._willingness_event(view, token, governed[token.i])
                if draft is not None:
                    drafts.append(draft)
        for token in view.doc:
            # A noun modifying another noun ("the EU sanctions package") names no event itself.
            if (
                token.i in covered_nouns
                or not token.tag_.startswith("NN")
                or token.dep_ == "compound"
            ):
                continue
            if noun_lemma(book, token) not in book.nouns:
                continue
            draft = self._noun_event(view, token, governed.get(token.i, []))
            if draft is not None:
                drafts.append(draft)
        # Convention 2: a denial, confirmation or retraction is carried by the act it concerns
        # ("denied reports that it had evacuated staff"), not coded as an event of its own.
        carriers = {
            d.speech_index
            for d in drafts
            if d.speech_index is not None and d.claim is not None and d.claim.stance != "asserts"
        }
        kept = [d for d in drafts if d.token_index not in carriers]
        kept = _without_tolls(view, kept)
        return [replace(d, not_places=_not_places(view, d, kept)) for d in kept]

    def _speech_acts(
        self, view: _Sentence, analyses: dict[int, ClauseAnalysis], consumed: set[int]
    ) -> list[_Draft]:
        """Acts made by what a speaker says about another party.

        "X said Y must withdraw" is X's REQUEST to Y (refined by the act asked for; the act
        itself is not coded); "X said Y was responsible for the attack" is X's ACCUSE of Y.
        """
        book = view.book
        blame = book.classes.get("_BLAME", frozenset())
        out: list[_Draft] = []
        for verb in view.doc:
            if (
                verb.pos_ != "VERB"
                or book.speech_verbs.get(next(iter(view.verb_lemmas(verb)), verb.lower_))
                != "asserts"
            ):
                continue
            speakers = tuple(r for r in view.refs(subject_of(verb)) if r.is_actor)
            if len(speakers) != 1:
                continue
            for clause in verb.children:
                if clause.dep_ != "ccomp":
                    continue
                subject = next(
                    (c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None
                )
                if subject is None:
                    continue
                parties = tuple(r for r in view.refs(subject) if r.is_actor)
                act = _obligated_act(clause)
                if act is not None and parties and not _same_party(speakers, parties):
                    draft = self._request_from_speech(view, verb, act, speakers, parties, analyses)
                    if draft is not None:
                        consumed.add(act.i)
                        out.append(draft)
                    continue
                complement = next(
                    (
                        c
                        for c in clause.children
                        if (c.dep_ in ("acomp", "attr") and c.lower_ in blame)
                        # "said Y was behind the attack"
                        or (c.dep_ == "prep" and c.lower_ == "behind" and c.n_rights > 0)
                    ),
                    None,
                )
                if complement is not None and clause.lower_ in _COPULAS and not _negated(clause):
                    recipients = tuple(r for r in view.refs(subject, allow_common=True))
                    recipients = recipients if any(r.is_actor for r in recipients) else ()
                    if not recipients or _same_party(speakers, recipients):
                        continue
                    draft = self._finish(
                        view,
                        token=verb,
                        actors=speakers,
                        recipients=recipients,
                        event_type="ACCUSE",
                        cameo="112",
                        mode="allege",
                        pattern_id="speech.blame",
                        analysis=None,
                        trigger_tokens=[complement],
                        generic=False,
                    )
                    if draft is not None:
                        out.append(draft)
        return out

    def _request_from_speech(
        self,
        view: _Sentence,
        verb: Token,
        act: Token,
        speakers: tuple[_Ref, ...],
        parties: tuple[_Ref, ...],
        analyses: dict[int, ClauseAnalysis],
    ) -> _Draft | None:
        book = view.book
        cameo, event_type, mode, pattern_id = "020", "REQUEST", None, "speech.obligation"
        kinds = frozenset().union(*(r.kinds for r in parties))
        recipients = parties
        lemmas = view.verb_lemmas(act)
        if any(lemma in book.verbs for lemma in lemmas):
            inner = match_verb(book, act, lemmas, lambda: kinds, view.is_actor_np)
            if inner is not None:
                refined = book.refine.get(("REQUEST", inner.pattern.event_type))
                if refined is not None:
                    cameo, event_type, mode = refined
                pattern_id = f"speech.obligation+{inner.pattern.id}"
        analysis = analyses.get(verb.i)
        return self._finish(
            view,
            token=verb,
            actors=speakers,
            recipients=recipients,
            event_type=event_type,
            cameo=cameo,
            mode=mode,
            pattern_id=pattern_id,
            analysis=analysis,
            trigger_tokens=[verb],
            generic=False,
        )

    def _actor_refs(
        self, view: _Sentence, token: Token, analysis: ClauseAnalysis
    ) -> tuple[_Ref, ...]:
        if _passive(token):
            return tuple(r for r in view.refs(_agent(token)) if r.is_actor)
        if analysis.object_controller is not None and analysis.subject_verb.i == token.i:
            # "urged Russia to withdraw" (when "urge" is not itself coded): Russia acts.
            obj = next((c for c in analysis.object_controller.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return tuple(r for r in view.refs(obj) if r.is_actor)
        holder = analysis.subject_verb
        if (
            holder.i != token.i
            and _passive(holder)
            and any("instrument" in view.book.control_roles(lm) for lm in view.verb_lemmas(holder))
        ):
            # "drones were used by Russia to strike Kyiv": the doer is the "by"-phrase, never the
            # means ("intelligence must not be used to kill" has no doer).
            return tuple(r for r in view.refs(_agent(holder)) if r.is_actor)
        if holder.pos_ in ("NOUN", "PROPN"):
            # "Iran's plan to expel", "Iran announced a plan to expel"
            possessor = next((c for c in holder.children if c.dep_ == "poss"), None)
            if possessor is not None:
                return tuple(r for r in view.refs(possessor) if r.is_actor)
            if holder.dep_ in ("dobj", "attr") and holder.head.pos_ in ("VERB", "AUX"):
                return tuple(r for r in view.refs(subject_of(holder.head)) if r.is_actor)
            return ()
        subject = subject_of(holder)
        if subject is None and holder.i != token.i:
            subject = subject_of(token)
        if subject is None and holder.dep_ == "acl" and holder.tag_ == "VBG":
            return self._author_refs(view, holder.head)
        return tuple(r for r in view.refs(subject) if r.is_actor)

    def _author_refs(self, view: _Sentence, text_noun: Token) -> tuple[_Ref, ...]:
        """Who issued a statement, resolution or letter: the party that speaks through a
        participle on it ("X issued a statement condemning Y" is X condemning Y)."""
        book = view.book
        if noun_lemma(book, text_noun) not in book.classes.get("_UTTERANCE", frozenset()):
            return ()
        for child in text_noun.children:
            if child.dep_ == "poss" or (
                child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from")
            ):
                head = (
                    child
                    if child.dep_ == "poss"
                    else next((g for g in child.children if g.dep_ == "pobj"), None)
                )
                refs = tuple(r for r in view.refs(head) if r.is_actor)
                if refs:
                    return refs
        verb = text_noun.head
        if text_noun.dep_ in ("dobj", "nsubjpass") and verb.pos_ == "VERB":
            author = _agent(verb) if _passive(verb) else subject_of(verb)
            return tuple(r for r in view.refs(author) if r.is_actor)
        return ()

    def _verb_event(
        self,
        view: _Sentence,
        token: Token,
        analysis: ClauseAnalysis,
        governed: list[Token],
        covered_nouns: set[int],
    ) -> _Draft | None:
        book = view.book
        if self._says_nothing(view, token):
            return None
        actors = self._actor_refs(view, token, analysis)
        if not actors:
            return None
        kinds = frozenset().union(*(r.kinds for r in actors))
        match = match_verb(
            book,
            token,
            view.verb_lemmas(token),
            lambda: kinds,
            view.is_actor_np,
        )
        if match is None:
            return None
        pattern = match.pattern
        if pattern.obj is not None and match.object_token is not None:
            covered_nouns.add(match.object_token.i)
            covered_nouns.add(quantity_head(book, match.object_token).i)
        event_type, cameo, mode = pattern.event_type, pattern.cameo, pattern.mode
        pattern_id = pattern.id
        recipients = self._recipient_refs(view, match.recipient_heads, actors)

        # An act governed by this verb refines it ("threatened to strike" -> 138 violence) and
        # lends its recipient when this verb has none ("agreed to send troops to Mali").
        for inner in governed:
            inner_match = match_verb(
                book, inner, view.verb_lemmas(inner), lambda: kinds, view.is_actor_np
            )
            if inner_match is None:
                continue
            refined = book.refine.get((event_type, inner_match.pattern.event_type))
            if refined is not None:
                cameo, event_type, mode = refined[0], refined[1], refined[2]
                pattern_id = f"{pattern.id}+{inner_match.pattern.id}"
            if not recipients:
                recipients = self._recipient_refs(view, inner_match.recipient_heads, actors)
            break

        if (len(actors) == 1 or event_type not in _RECIPROCAL_TYPES) and not any(
            r.is_actor for r in recipients
        ):
            # No recipient, or only things ("the decision"): a party named in the verb's own
            # phrase is a better recipient than a thing ("condemned the decision by Russia").
            # The object of a pattern that names the object's kind ("withdrew its ambassador",
            # "mobilised troops") or the recipient's preposition is never the recipient.
            skip_object = pattern.obj is not None or any(p.recipient for p in pattern.preps)
            party = _without_goods(
                view, event_type, self._nearest_party(view, token, actors, governed, skip_object)
            )
            if party:
                recipients = party
        elif len(actors) == 1 and not any(r.entity.country for r in recipients):
            # Only a name the dictionary does not know ("the Sahel Brigade") or a group without
            # a country ("mobilised forces for an offensive against Mali"): a party of a known
            # country in the verb's own phrase is the safer recipient.
            skip_object = pattern.obj is not None or any(p.recipient for p in pattern.preps)
            party = _without_goods(
                view, event_type, self._nearest_party(view, token, actors, governed, skip_object)
            )
            if any(r.entity.country for r in party):
                recipients = party
        return self._finish(
            view,
            token=token,
            actors=actors,
            recipients=recipients,
            event_type=event_type,
            cameo=cameo,
            mode=mode,
            pattern_id=pattern_id,
            analysis=analysis,
            trigger_tokens=[token, *[c for c in token.children if c.dep_ == "prt"]],
            generic=not (pattern.obj or pattern.preps or pattern.words),
        )

    def _willingness_event(
        self, view: _Sentence, adjective: Token, governed: list[Token]
    ) -> _Draft | None:
        """ "Iran is ready to hold talks" is Iran's AGREE (036); "unwilling to" is a REJECT."""
        book = view.book
        roles = book.control_roles(adjective.lower_)
        copula = adjective.head
        analysis = (
            analyse_clause(book, copula, view.verb_lemmas)
            if copula.pos_ in ("AUX", "VERB")
            else None
        )
        actors = tuple(r for r in view.refs(subject_of(copula)) if r.is_actor)
        if not actors:
            return None
        refused = "refuse" in roles or (analysis is not None and analysis.negated)
        base = "REJECT" if refused else "AGREE"
        cameo, event_type, mode = ("120", "REJECT", None) if refused else ("030", "AGREE", None)
        kinds = frozenset().union(*(r.kinds for r in actors))
        recipients: tuple[_Ref, ...] = ()
        pattern_id = f"willing.{adjective.lower_}"
        for inner in governed:
            inner_match = match_verb(
                book, inner, view.verb_lemmas(inner), lambda: kinds, view.is_actor_np
            )
            if inner_match is None:
                continue
            refined = book.refine.get((base, inner_match.pattern.event_type))
            if refined is not None:
                cameo, event_type, mode = refined
            pattern_id = f"{pattern_id}+{inner_match.pattern.id}"
            recipients = self._recipient_refs(view, inner_match.recipient_heads, actors)
            if not any(r.is_actor for r in recipients):
                recipients = self._nearest_party(view, inner, actors, ()) or recipients
            break
        else:
            return None  # "ready to go": nothing codable is offered
        if analysis is not None and refused:
            analysis = replace(analysis, negated=False)
        return self._finish(
            view,
            token=adjective,
            actors=actors,
            recipients=recipients,
            event_type=event_type,
            cameo=cameo,
            mode=mode,
            pattern_id=pattern_id,
            analysis=analysis,
            trigger_tokens=[adjective],
            generic=False,
        )

    def _nearest_party(
        self,
        view: _Sentence,
        verb: Token,
        actors: Sequence[_Ref],
        governed: Sequence[Token],
        skip_object: bool = False,
    ) -> tuple[_Ref, ...]:
        """The first party named in the verb's own phrase, when the pattern names no recipient.

        Looks, in sentence order, at the object and the objects of directional prepositions of
        the verb, of its object and of a verb it governs ("agreed to pay compensation to
        Iraq"); locations and times ("in", "at", "during") and other clauses are not searched.
        """
        seen: set[int] = set()
        found: list[Token] = []

        def visit(token: Token, depth: int) -> None:
            if depth > 3 or token.i in seen:
                return
            seen.add(token.i)
            is_noun = token.pos_ in ("NOUN", "PROPN")
            for child in token.children:
                if _behest_phrase(view.book, child) or _source_phrase(child):
                    continue
                if child.dep_ in ("dobj", "dative", "pobj", "obj") and child.pos_ in (
                    "NOUN",
                    "PROPN",
                ):
                    if not (skip_object and depth == 0 and child.dep_ in ("dobj", "obj")):
                        found.append(child)
                    visit(child, depth + 1)
                elif child.dep_ in ("prep", "dative", "agent") and (
                    child.lower_ in _RECIPIENT_PREPS or (is_noun and child.lower_ in ("in", "by"))
                ):
                    # "in" and "by" on a noun ("interference in Syria") point at a party; on the
                    # verb they usually say where or by whom.
                    visit(child, depth + 1)
                elif child.dep_ == "xcomp" and any(g.i == child.i for g in governed):
                    visit(child, depth + 1)
                elif child.dep_ == "ccomp" and depth == 0:
                    # "demanded that Israel withdraw": the party told to act
                    subject = next(
                        (c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None
                    )
                    if subject is not None and subject.pos_ in ("NOUN", "PROPN"):
                        found.append(subject)

        visit(verb, 0)
        actor_spans = {(a.entity.start, a.entity.end) for a in actors}
        for head in sorted(found, key=lambda t: t.i):
            refs = tuple(
                r
                for r in view.refs(head)
                if r.is_actor
                and (r.entity.start, r.entity.end) not in actor_spans
                and not (head.head.i != verb.i and _head_count(view, head, r))
            )
            if refs:
                return refs
        # Then the party nearest the verb (fewest dependency steps, then first in the sentence)
        # anywhere in its phrase, leaving out its subject and clauses with their own subject:
        # the first-actor-after-the-verb rule of earlier coders, done on the tree.
        frontier = [(child, 1) for child in verb.children if child.dep_ not in _NOT_RECIPIENT_DEPS]
        candidates: list[tuple[int, int, Token]] = []
        while frontier:
            token, depth = frontier.pop()
            if depth > 5:
                continue
            if (
                token.dep_ in ("ccomp", "advcl", "relcl", "parataxis", "acl")
                or (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"))
            ) and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
                continue
            if _behest_phrase(view.book, token) or _source_phrase(token):
                continue
            own_object = skip_object and depth == 1 and token.dep_ in ("dobj", "obj")
            if token.pos_ in ("NOUN", "PROPN") and token.i > verb.i and not own_object:
                candidates.append((depth, token.i, token))
            frontier.extend((child, depth + 1) for child in token.children)
        for _, _, head in sorted(candidates, key=lambda c: (c[0], c[1])):
            refs = tuple(
                r
                for r in view.refs(head)
                if r.dictionary
                and (r.entity.start, r.entity.end) not in actor_spans
                and not (head.head.i != verb.i and _head_count(view, head, r))
            )
            if refs:
                return refs
        return ()

    def _says_nothing(self, view: _Sentence, verb: Token) -> bool:
        """True for "declined to comment": the verb's clause is silent (role "silent")."""
        book = view.book
        return any(
            child.dep_ == "xcomp"
            and any(
                "silent" in book.control_roles(lm)
                for lm in view.verb_lemmas(child) + (child.lower_,)
            )
            for child in verb.children
        )

    def _recipient_refs(
        self, view: _Sentence, heads: Iterable[Token], actors: Sequence[_Ref]
    ) -> tuple[_Ref, ...]:
        out: list[_Ref] = []
        seen: set[tuple[int, int]] = set()
        for head in heads:
            if _behest_phrase(view.book, head):
                continue
            if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
                # "the tankers that it accused of ...": the relative pronoun is its antecedent.
                head = head.head.head
            target = quantity_head(view.book, head)
            nominal_actor = (
                self._nominal_actor(view, target)
                if target.tag_.startswith("NN") and noun_lemma(view.book, target) in view.book.nouns
                else ()
            )
            refs = nominal_actor or view.refs(target, allow_common=True)
            for ref in refs:
                if (
                    any(
                        (a.entity.start, a.entity.end) == (ref.entity.start, ref.entity.end)
                        for a in actors
                    )
                    or (ref.entity.start, ref.entity.end) in seen
                ):
                    continue
                seen.add((ref.entity.start, ref.entity.end))
                out.append(ref)
        return tuple(out)

    def _nominal_actor(self, view: _Sentence, noun: Token) -> tuple[_Ref, ...]:
        """Who does the act a noun names: by-phrase, possessive, actor adjective, support verb."""
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "by":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        refs = tuple(r for r in view.refs(grand) if r.is_actor)
                        if refs:
                            return refs
        for child in noun.lefts:
            if child.dep_ == "poss":
                refs = tuple(r for r in view.refs(child) if r.is_actor)
                if refs:
                    return refs
        for child in noun.lefts:
            if child.dep_ in ("amod", "compound", "nmod"):
                start, end = child.idx, child.idx + len(child.text)
                hits = [m for m in view.matches if m.start <= start and m.end >= end]
                if hits:
                    m = max(hits, key=lambda h: h.end - h.start)
                    entity = Entity(
                        text=view.text[m.start : m.end],
                        code=m.code,
                        country=m.country,
                        sector=m.sector,
                        start=m.start,
                        end=m.end,
                    )
                    kinds = frozenset({"state"}) if m.kind in STATE_KINDS else frozenset()
                    return (_Ref(entity, True, False, False, kinds, False, False),)
        head = noun.head
        if noun.dep_ == "conj" and head.tag_.startswith("NN") and head.i < noun.i:
            # "Iran's rejection and condemnation of the plan": the conjuncts share their actor.
            return self._nominal_actor(view, head)
        if (
            noun.dep_ in ("dobj", "nsubjpass")
            and head.pos_ == "VERB"
            and any(
                "support" in view.book.control_roles(lm)
                for lm in view.verb_lemmas(head) or (head.lower_,)
            )
        ):
            agent = _agent(head) if _passive(head) else subject_of(head)
            return tuple(r for r in view.refs(agent) if r.is_actor)
        return ()

    def _noun_event(self, view: _Sentence, noun: Token, governed: list[Token]) -> _Draft | None:
        book = view.book
        holder = noun.head.head if noun.dep_ == "pobj" else noun.head
        framing = noun.dep_ == "pobj" and noun.head.lower_ in _FRAMING_PREPS
        if (
            noun.dep_ in ("dobj", "pobj")
            and not framing
            and view.verb_types.get(holder.i) in _CONTENT_TYPES
        ):
            # "vetoed the sanctions", "called for talks": the noun is what was refused or asked
            # for, which has not happened.
            return None
        actors = self._nominal_actor(view, noun)
        if not actors:
            actors = self._meeting_actor(view, noun)
        if not actors:
            return None
        kinds = frozenset().union(*(r.kinds for r in actors))
        match = match_noun(book, noun, lambda: kinds, view.is_actor_np)
        if match is None:
            return None
        if match.pattern.event_type == "CONSULT" and not match.recipient_heads:
            return None
        # A nominal's modality and claim are those of the clause it sits in when it is carried by
        # a support verb or is the subject ("X said it would launch strikes"); otherwise, as the
        # object of another event verb ("condemned the strikes"), it is presupposed: actual.
        head = noun.head
        analysis: ClauseAnalysis | None = None
        if head.pos_ == "VERB" and noun.dep_ in ("dobj", "nsubj", "nsubjpass"):
            carried = noun.dep_ != "dobj" or any(
                "support" in book.control_roles(lm)
                for lm in view.verb_lemmas(head) or (head.lower_,)
            )
            if carried:
                analysis = analyse_clause(book, head, view.verb_lemmas)
        negated_det = any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
        recipients = self._recipient_refs(view, match.recipient_heads, actors)
        if not recipients and "needs:recipient" in match.pattern.conditions:
            return None
        event_type, cameo, mode = match.pattern.event_type, match.pattern.cameo, match.pattern.mode
        pattern_id = match.pattern.id
        for inner in governed:
            # "Iran's threat to close the strait" -> THREATEN refined by the act
            inner_match = match_verb(
                book, inner, view.verb_lemmas(inner), lambda: kinds, view.is_actor_np
            )
            if inner_match is None:
                continue
            refined = book.refine.get((event_type, inner_match.pattern.event_type))
            if refined is not None:
                cameo, event_type, mode = refined
                pattern_id = f"{match.pattern.id}+{inner_match.pattern.id}"
            if not recipients:
                recipients = self._recipient_refs(view, inner_match.recipient_heads, actors)
            break
        return self._finish(
            view,
            token=noun,
            actors=actors,
            recipients=recipients,
            event_type=event_type,
            cameo=cameo,
            mode=mode,
            pattern_id=pattern_id,
            analysis=analysis,
            trigger_tokens=[*[c for c in noun.lefts if c.dep_ == "compound"], noun],
            generic=False,
            force_negated=negated_det,
        )

    def _meeting_actor(self, view: _Sentence, noun: Token) -> tuple[_Ref, ...]:
        """ "In a phone call with X, Y said ...": the meeting's actor is the clause's subject."""
        lemma = noun_lemma(view.book, noun)
        patterns = view.book.nouns.get(lemma, ())
        if not any(p.event_type == "CONSULT" for p in patterns):
            return ()
        prep = noun.head
        # "on" too: "spoke on a visit to Tunisia"
        if noun.dep_ == "pobj" and prep.lower_ in _MEETING_PREPS:
            verb = prep.head
            if verb.pos_ == "VERB":
                return tuple(r for r in view.refs(subject_of(verb)) if r.is_actor)
        return ()

    # --- conventions and assembly ---------------------------------------------------------

    def _finish(
        self,
        view: _Sentence,
        *,
        token: Token,
        actors: tuple[_Ref, ...],
        recipients: tuple[_Ref, ...],
        event_type: str,
        cameo: str,
        mode: str | None,
        pattern_id: str,
        analysis: ClauseAnalysis | None,
        trigger_tokens: list[Token],
        generic: bool,
        force_negated: bool = False,
    ) -> _Draft | None:
        book = view.book
        ontology = self.resources.ontology
        # No party is its own recipient ("the ministry's website ... the ministry's website").
        recipients = tuple(r for r in recipients if not any(_same_party_name(r, a) for a in actors))
        recipients = _without_goods(view, event_type, recipients)
        if self.settings.require_dictionary_actor and not any(
            r.dictionary for r in (*actors, *recipients)
        ):
            return None
        modality = "negated" if force_negated else "actual"
        claim: ClaimRef | None = None
        confidence = 0.6
        if analysis is not None:
            modality = "negated" if force_negated else analysis.modality
            speaker_refs: tuple[_Ref, ...] = ()
            stance = analysis.stance
            if analysis.speech is not None and analysis.speaker_head is not None:
                speaker_refs = view.refs(analysis.speaker_head, allow_common=True)
            elif analysis.speech is None:
                source = according_to(view.doc)
                if source is not None:
                    speaker_refs = view.refs(source, allow_common=True)
                    stance = "asserts" if speaker_refs else None
            own = bool(speaker_refs) and _same_party(speaker_refs, actors)
            quad = ontology.quad_class(event_type)
            refusal = analysis.negated and (analysis.future or analysis.reported_would)
            if refusal and quad in COOPERATIVE_QUADS and (own or not speaker_refs):
                # Convention 3: "X says it will not accept refugees" is X's refusal: REJECT.
                refined = book.refine.get(("REJECT", event_type), ("120", "REJECT", None))
                cameo, event_type, mode = refined
                pattern_id = f"{pattern_id}/refusal"
                modality, stance, speaker_refs = "actual", None, ()
            elif own and stance == "asserts":
                if analysis.negated and not (analysis.future or analysis.reported_would):
                    # "Russia said it had not attacked the convoy" is a denial.
                    stance, modality = "denies", "actual"
                elif modality == "future" or event_type in VERBAL_TYPES:
                    stance, speaker_refs = None, ()
            if stance == "denies" and modality == "negated":
                modality = "actual"
            if stance and speaker_refs:
                claim = ClaimRef(stance=stance, by=speaker_refs[0].entity)  # type: ignore[arg-type]
            elif analysis.speech is not None and not speaker_refs:
                confidence -= 0.1  # reported by someone the sentence does not name
        # Confidence: resolved parties and specific patterns raise it; names the dictionary does
        # not know, pronouns and bare verbs lower it.
        if any(r.dictionary and r.entity.country for r in actors):
            confidence += 0.15
        elif all(r.named and not r.dictionary for r in actors):
            confidence -= 0.2
        if any(r.pronoun for r in actors):
            confidence -= 0.1
        if recipients and any(r.dictionary for r in recipients):
            confidence += 0.1
        if generic:
            confidence -= 0.05
        start, end = _char_span(sorted(trigger_tokens, key=lambda t: t.i))
        trigger = Trigger(text=view.text[start:end], start=start, end=end)
        return _Draft(
            sentence_index=view.index,
            sentence=view.text,
            event_type=event_type,
            mode=mode,
            cameo=cameo,
            actor=actors,
            recipient=recipients,
            trigger=trigger,
            modality=modality,
            claim=claim,
            pattern_id=pattern_id,
            confidence=round(max(0.05, min(0.95, confidence)), 2),
            token_index=token.i,
            speech_index=analysis.speech.i
            if analysis is not None and analysis.speech is not None
            else None,
        )

    # --- document level -------------------------------------------------------------------

    def _info(self, pattern_id: str) -> CoderInfo:
        info = self._info_cache.get(pattern_id)
        if info is None:
            info = CoderInfo(name=self.name, version=self.version, pattern=pattern_id)
            self._info_cache[pattern_id] = info
        return info

    def _merge(self, doc: Document, ctx: _DocContext, drafts: list[_Draft]) -> list[Event]:
        """One event per (date, actor, recipient, type, mode, modality, stance, speaker)."""
        resources = self.resources
        ontology = resources.ontology
        merged: dict[tuple[object, ...], Event] = {}
        sentence_cache: dict[int, tuple[date | None, Location | None, int | None]] = {}
        for draft in drafts:
            event_date = self._event_date(draft, ctx)
            location, fatalities = self._place_and_toll(draft, sentence_cache)
            event = Event(
                id="",
                doc_id=doc.id,
                sentence_index=draft.sentence_index,
                sentence=draft.sentence,
                date=event_date,
                event_type=draft.event_type,
                mode=draft.mode,
                cameo=draft.cameo,
                quad_class=ontology.quad_class(draft.event_type),
                goldstein=ontology.goldstein(draft.cameo),
                actor=tuple(r.entity for r in draft.actor),
                recipient=tuple(r.entity for r in draft.recipient),
                trigger=draft.trigger,
                modality=draft.modality,  # type: ignore[arg-type]
                claim=draft.claim,
                mentions=(Mention(draft.sentence_index, draft.sentence, draft.trigger),),
                fatalities=fatalities if draft.event_type == "ASSAULT" else None,
                location=location,
                confidence=draft.confidence,
                coder=self._info(draft.pattern_id),
            )
            key = event.dedup_key()
            previous = merged.get(key)
            if previous is None:
                merged[key] = replace(event, id=stable_id(*key))
                continue
            tolls = [f for f in (previous.fatalities, event.fatalities) if f is not None]
            merged[key] = replace(
                previous,
                mentions=previous.mentions + event.mentions,
                confidence=max(previous.confidence, event.confidence),
                fatalities=max(tolls) if tolls else None,
                location=previous.location or event.location,
            )
        return list(merged.values())

    def _event_date(self, draft: _Draft, ctx: _DocContext) -> date | None:
        resolve = self.resources.resolve_date
        if resolve is not None:
            published = (
                datetime(ctx.published.year, ctx.published.month, ctx.published.day)
                if ctx.published
                else None
            )
            tense = "future" if draft.modality == "future" else "past"
            try:
                found = resolve(draft.sentence, published, tense=tense)
            except TypeError:
                found = resolve(draft.sentence, published)
            if found is not None and getattr(found, "date", None) is not None:
                value = found.date
                return value.date() if isinstance(value, datetime) else value
        return ctx.published

    def _place_and_toll(
        self, draft: _Draft, cache: dict[int, tuple[date | None, Location | None, int | None]]
    ) -> tuple[Location | None, int | None]:
        key = hash((draft.sentence, draft.not_places))
        if key not in cache:
            location = None
            if self.resources.primary_place is not None:
                place = self.resources.primary_place(draft.sentence, exclude=draft.not_places)
                if place is not None:
                    location = Location(
                        name=place.name, country=place.country, lat=place.lat, lon=place.lon
                    )
            toll = None
            if self.resources.count_fatalities is not None:
                toll = self.resources.count_fatalities(draft.sentence)
            cache[key] = (None, location, toll)
        _, location, toll = cache[key]
        return location, toll


# --------------------------------------------------------------------------------------------
# Batching and workers

_WORKER_CODER: RulesCoder | None = None


def _batched(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _worker_init(coder: RulesCoder) -> None:
    global _WORKER_CODER
    _WORKER_CODER = coder
    coder.warm_up()


def _worker_code_batch(job: tuple[list[Document], int]) -> list[list[Event]]:
    batch, batch_size = job
    assert _WORKER_CODER is not None, "worker not initialised"
    return _WORKER_CODER.code_batch(batch, batch_size=batch_size)
