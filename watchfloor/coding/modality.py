"""Where an act sits in its sentence: modality, the claim that reports it, the verb that governs it.

Given the trigger of an act, ``analyse_clause`` walks up the dependency tree and answers:

* Is the act governed by another event verb ("threatened to strike", "accused X of supplying")?
  Then the act only refines that verb's event and is not coded on its own (``governor``).
* Which verb's subject is the act's actor ("plans to strike": the subject of "plans";
  "met and signed": the subject of "met") (``subject_verb``).
* Modality markers: negation, future auxiliaries and control verbs ("will", "plans to"),
  hypothetical ones ("could", "if ...", "considers"), and a "would" that is reported future
  ("said it would") rather than conditional.
* The claim: the verb or noun of saying whose clause holds the act ("Ukraine said ...",
  "denied reports that ...", "... according to the army") with its stance and speaker.

The coding conventions that turn these facts into an event (a speaker's own refusal is REJECT,
a denial is the denied act with stance "denies", ...) are applied in ``coder.py``; they are
documented in ``docs/coding-conventions.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from watchfloor.coding.patterns import PatternBook

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "ClauseAnalysis",
    "analyse_clause",
    "according_to",
    "combine_modality",
    "subject_of",
]

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "ll"})
WOULD_AUX = frozenset({"would", "'d"})
HYPOTHETICAL_AUX = frozenset({"could", "may", "might", "can", "ca", "should", "must", "ought"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
# "until Russia withdraws" names a condition still to be met (present tense only: "until the
# troops withdrew" says the withdrawal happened).
PENDING_MARKS = frozenset({"until", "till", "til"})
NEGATIONS = frozenset({"not", "n't", "never", "no"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})

LemmaFn = Callable[["Token"], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ClauseAnalysis:
    """What ``analyse_clause`` found about one act's trigger."""

    negated: bool
    future: bool
    hypothetical: bool
    reported_would: bool
    governor: Token | None
    subject_verb: Token
    object_controller: Token | None
    speech: Token | None
    stance: str | None
    speaker_head: Token | None

    @property
    def modality(self) -> str:
        return combine_modality(self.negated, self.future, self.hypothetical, self.reported_would)


def combine_modality(negated: bool, future: bool, hypothetical: bool, reported_would: bool) -> str:
    """One modality from the markers found: negation wins, then hypothetical, then future.

    A "would" in reported speech ("said it would send troops") is the reported "will": future.
    """
    if negated:
        return "negated"
    if hypothetical:
        return "hypothetical"
    if future or reported_would:
        return "future"
    return "actual"


def _markers(token: Token) -> tuple[bool, bool, bool, bool]:
    negated = future = hypothetical = would = False
    for child in token.children:
        dep, word = child.dep_, child.lower_
        if dep == "neg" or (dep == "advmod" and word in ("never",)):
            negated = True
        elif dep in ("aux", "auxpass"):
            if word in FUTURE_AUX:
                future = True
            elif word in WOULD_AUX:
                would = True
            elif word in HYPOTHETICAL_AUX:
                hypothetical = True
        elif dep == "mark" and word in CONDITIONAL_MARKS:
            hypothetical = True
    # "is going to attack": "going" carries the aux, the act is its xcomp.
    return negated, future, hypothetical, would


def subject_of(token: Token) -> Token | None:
    """The subject of a verb, looking through coordination ("met and signed") and relative
    clauses ("the rebels, who attacked ...")."""
    seen = 0
    node = token
    while seen < 6:
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                    return node.head
                return child
        if node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX"):
            node = node.head
        elif node.dep_ == "relcl":
            return node.head
        elif node.dep_ == "advcl" and node.tag_ == "VBG":
            # "..., killing three": the participle's subject is the main clause's.
            node = node.head
        else:
            return None
        seen += 1
    return None


def _object_control(book: PatternBook, lemmas: tuple[str, ...]) -> bool:
    """ "urged Russia to withdraw": the object, not the subject, does the governed act."""
    return any("object" in book.control_roles(lemma) for lemma in lemmas)


def _has_subject(token: Token) -> bool:
    return any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _infinitive(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _is_event_verb(book: PatternBook, lemmas: tuple[str, ...]) -> bool:
    return any(lemma in book.verbs for lemma in lemmas)


def _control_roles(book: PatternBook, token: Token, lemma_of: LemmaFn) -> frozenset[str]:
    roles: set[str] = set()
    for lemma in lemma_of(token) + (token.lower_,):
        roles |= book.control_roles(lemma) - {"support", "object", "silent", "instrument"}
    return frozenset(roles)


def analyse_clause(book: PatternBook, trigger: Token, lemma_of: LemmaFn) -> ClauseAnalysis:
    """Walk up from an act's trigger verb; see the module docstring for what is found."""
    negated, future, hypothetical, would = _markers(trigger)
    node = trigger
    governor: Token | None = None
    object_controller: Token | None = None
    subject_verb = trigger
    speech: Token | None = None
    stance: str | None = None
    speaker: Token | None = None
    for _ in range(8):
        dep, head = node.dep_, node.head
        if head.i == node.i:
            break
        head_lemmas = lemma_of(head)
        if dep == "xcomp" or (dep == "ccomp" and node.tag_ == "VBG"):
            speech_stance = _speech_stance(book, head_lemmas)
            if speech_stance and speech_stance != "asserts":
                # "denied attacking": a denial of the act, not an act of its own; the one who
                # denies is the one said to have acted.
                speech, stance = head, speech_stance
                speaker = subject_of(head)
                subject_verb = head
                break
            if _passive(head) and any(
                "instrument" in book.control_roles(lemma) for lemma in head_lemmas
            ):
                # "intelligence must not be used to kill": the subject is the means, not the
                # doer; the doer is the "by"-phrase, if any. The act is as real as "be used".
                h_neg, h_fut, h_hyp, h_would = _markers(head)
                negated |= h_neg
                future |= h_fut
                hypothetical |= h_hyp
                would |= h_would
                subject_verb = head
                break
            roles = _control_roles(book, head, lemma_of)
            if roles & {"agree", "refuse"}:
                # "is ready to talk": the willingness is the event, the act refines it.
                governor = head
                break
            if roles:
                if "future" in roles:
                    future = True
                if "hypothetical" in roles:
                    hypothetical = True
                if "negated" in roles:
                    negated = True
                h_neg, h_fut, h_hyp, h_would = _markers(head)
                negated |= h_neg
                future |= h_fut
                hypothetical |= h_hyp
                would |= h_would
                if _object_control(book, head_lemmas):
                    object_controller = head
                if head.pos_ == "ADJ" or head.tag_.startswith("JJ"):
                    # "is likely to": the adjective hangs off the copula, which has the subject.
                    node = head.head
                    h_neg, h_fut, h_hyp, h_would = _markers(node)
                    negated |= h_neg
                    future |= h_fut
                    hypothetical |= h_hyp
                    would |= h_would
                else:
                    node = head
                subject_verb = node
                continue
            if _is_event_verb(book, head_lemmas):
                governor = head
                break
            if _object_control(book, head_lemmas) or head.lower_ == "going":
                if head.lower_ == "going":
                    future = True
                    h_neg, _, h_hyp, _ = _markers(head)
                    negated |= h_neg
                    hypothetical |= h_hyp
                    node = head
                    subject_verb = head
                    continue
                object_controller = head
            break
        if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            # "accused X of supplying", "condemned X for attacking": part of the accusation.
            if _is_event_verb(book, lemma_of(head.head)):
                governor = head.head
                break
            # "responded by sending troops": the verb's subject does the act.
            node = head.head
            if not _has_subject(trigger):
                subject_verb = node
            continue
        if dep == "conj" and head.pos_ in ("VERB", "AUX"):
            # "will send troops and impose sanctions": the second verb shares the first's
            # auxiliaries, governor and clause.
            h_neg, h_fut, h_hyp, h_would = _markers(head)
            future |= h_fut
            hypothetical |= h_hyp
            would |= h_would
            node = head
            if not any(c.dep_ in SUBJECT_DEPS for c in trigger.children):
                subject_verb = head
            continue
        if dep in ("ccomp", "parataxis"):
            speech_stance = _speech_stance(book, head_lemmas)
            if speech_stance:
                speech, stance = head, speech_stance
                speaker = subject_of(head)
            elif dep == "ccomp" and _subjunctive(node) and _is_event_verb(book, head_lemmas):
                # "demands that the US withdraw its ships": a bare verb after an event verb is
                # the act asked for; it refines the demand and did not happen.
                governor = head
            break
        if dep in ("acl", "advcl") and head.lower_ == "order" and head.head.lower_ == "in":
            # "sent troops in order to attack": a goal, done (if at all) by the verb's subject.
            hypothetical = True
            verb = head.head.head
            if not _has_subject(node) and verb.pos_ in ("VERB", "AUX"):
                subject_verb = verb
            break
        if dep == "acl" and head.pos_ in ("NOUN", "PROPN") and _infinitive(node):
            noun_lemma = book.lexicon.noun_lemma(head.lower_)
            if noun_lemma in book.nouns:
                # "Iran's threat to close the strait": the act refines the nominal event.
                governor = head
                break
            roles = book.control_roles(noun_lemma) - {"support"}
            if roles:
                # "Iran's plan to expel diplomats", "announced a decision to withdraw"
                future |= "future" in roles
                hypothetical |= "hypothetical" in roles
                negated |= "negated" in roles
                subject_verb = head
                if head.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and head.head.pos_ in (
                    "VERB",
                    "AUX",
                ):
                    node = head.head
                    continue
            break
        if dep in ("acl", "relcl") and node.head.pos_ in ("NOUN", "PROPN"):
            # "denied reports that it had evacuated staff"
            noun = node.head
            noun_stance = book.speech_nouns.get(book.lexicon.noun_lemma(noun.lower_))
            if (
                noun_stance
                and any(c.dep_ == "mark" for c in node.children)
                or (noun_stance and dep == "acl")
            ):
                holder = noun.head
                if noun.dep_ in ("dobj", "pobj") and holder.pos_ in ("VERB", "ADP"):
                    verb = holder if holder.pos_ == "VERB" else holder.head
                    verb_stance = _speech_stance(book, lemma_of(verb))
                    speech = verb
                    stance = verb_stance or noun_stance
                    speaker = subject_of(verb)
                else:
                    speech, stance, speaker = noun, noun_stance, None
            break
        if dep == "advcl":
            if _conditional_clause(node):
                hypothetical = True
                # "sent troops so as to attack": the goal of the main clause's subject.
                if not _has_subject(node) and subject_verb.i == node.i:
                    subject_verb = head
                break
            # "..., calling for talks", "met Y to discuss trade": without a subject of its own,
            # the clause's act is done by the main clause's subject, and is reported with it.
            if _has_subject(node):
                break
            if node.i == trigger.i or subject_verb.i == node.i:
                subject_verb = head
            node = head
            continue
        break
    if speech is None:
        inverted = _inverted_speech(book, node, lemma_of)
        if inverted is not None:
            speech, stance = inverted
            speaker = subject_of(speech)
    if would and speech is None:
        # "would" outside reported speech is conditional: "X would retaliate if attacked".
        hypothetical = True
    return ClauseAnalysis(
        negated=negated,
        future=future,
        hypothetical=hypothetical,
        reported_would=would and speech is not None,
        governor=governor,
        subject_verb=subject_verb,
        object_controller=object_controller,
        speech=speech,
        stance=stance,
        speaker_head=speaker,
    )


def _passive(token: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def _subjunctive(verb: Token) -> bool:
    """A bare verb with a singular subject: "(demands) that Iran withdraw", also when the
    tagger takes it for a present tense ("that the country cease")."""
    if verb.tag_ == "VB":
        return not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return verb.tag_ == "VBP" and subject is not None and subject.tag_ in ("NN", "NNP")


def _conditional_clause(clause: Token) -> bool:
    """True for an adverbial clause whose act is a condition or a goal, not a fact: "if ...",
    "unless ...", "so that ...", "until Russia withdraws" (but not "until it withdrew")."""
    marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
    if marks & CONDITIONAL_MARKS or "lest" in marks or "so" in marks and marks & {"that", "as"}:
        return True
    return bool(marks & PENDING_MARKS) and clause.tag_ in ("VBZ", "VBP", "VB")


def _speech_stance(book: PatternBook, lemmas: tuple[str, ...]) -> str | None:
    for lemma in lemmas:
        stance = book.speech_verbs.get(lemma)
        if stance:
            return stance
    return None


def _inverted_speech(
    book: PatternBook, clause_head: Token, lemma_of: LemmaFn
) -> tuple[Token, str] | None:
    """ "Russian drones hit Kyiv, Ukraine said": a speech verb hanging off the act's clause."""
    for child in clause_head.children:
        if child.dep_ in ("parataxis", "ccomp") and child.i > clause_head.i:
            stance = _speech_stance(book, lemma_of(child))
            # Only a bare "..., X said": a verb with its own object or clause is another act.
            bare = not any(
                c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "dative") for c in child.children
            )
            if stance and bare and any(c.dep_ in SUBJECT_DEPS for c in child.children):
                return child, stance
    return None


def according_to(doc_tokens: object) -> Token | None:
    """The head of X in "according to X" anywhere in the sentence, or None."""
    for token in doc_tokens:  # type: ignore[attr-defined]
        if token.lower_ == "according":
            for child in token.children:
                if child.lower_ == "to":
                    for grand in child.children:
                        if grand.dep_ == "pobj":
                            return grand  # type: ignore[no-any-return]
    return None
