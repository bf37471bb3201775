"""Clause analysis: modality markers, governing verbs and the claims that report an act."""

from __future__ import annotations

import pytest

from watchfloor.coding.modality import analyse_clause, combine_modality, subject_of
from watchfloor.coding.patterns import PatternBook, load_patterns
from watchfloor.coding.pipeline import load_parser


@pytest.fixture(scope="module")
def book() -> PatternBook:
    return load_patterns()


def _analyse(book: PatternBook, text: str, trigger: str):  # type: ignore[no-untyped-def]
    doc = load_parser()(text)
    token = next(t for t in doc if t.text == trigger)
    return analyse_clause(book, token, lambda t: book.lexicon.verb_lemmas(t.lower_))


MODALITY = [
    ("Russia attacked Ukraine.", "attacked", "actual"),
    ("Russia will attack Ukraine.", "attack", "future"),
    ("Russia won't attack Ukraine.", "attack", "negated"),
    ("Russia plans to attack Ukraine.", "attack", "future"),
    ("Russia is expected to attack Ukraine.", "attack", "future"),
    ("Russia is going to attack Ukraine.", "attack", "future"),
    ("Russia could attack Ukraine.", "attack", "hypothetical"),
    ("Russia may attack Ukraine.", "attack", "hypothetical"),
    ("Russia is considering whether to attack Ukraine.", "attack", "hypothetical"),
    ("Russia would attack Ukraine if provoked.", "attack", "hypothetical"),
    ("Russia said it would attack Ukraine.", "attack", "future"),
    ("Russia did not attack Ukraine.", "attack", "negated"),
    ("Russia has never attacked Ukraine.", "attacked", "negated"),
    ("Russia failed to capture the town.", "capture", "negated"),
    ("Russia began to shell the town.", "shell", "actual"),
    ("Russia will send troops and impose sanctions.", "impose", "future"),
]


@pytest.mark.parametrize(("text", "trigger", "modality"), MODALITY)
def test_modality_reads_markers_and_control_verbs(
    book: PatternBook, text: str, trigger: str, modality: str
) -> None:
    assert _analyse(book, text, trigger).modality == modality


CLAIMS = [
    ("Ukraine said Russian drones hit Kyiv.", "hit", "asserts", "Ukraine"),
    ("Russian drones hit Kyiv, Ukraine said.", "hit", "asserts", "Ukraine"),
    ("Russia denied that it had attacked the convoy.", "attacked", "denies", "Russia"),
    ("Russia denied attacking the convoy.", "attacking", "denies", "Russia"),
    ("Russia denied reports that it had evacuated its embassy.", "evacuated", "denies", "Russia"),
    ("The ministry confirmed that troops had withdrawn.", "withdrawn", "confirms", "ministry"),
    (
        "Israel retracted its claim that fighters had attacked the hospital.",
        "attacked",
        "retracts",
        "Israel",
    ),
    ("Troops withdrew from the town.", "withdrew", None, None),
]


@pytest.mark.parametrize(("text", "trigger", "stance", "speaker"), CLAIMS)
def test_modality_finds_the_claim_that_reports_an_act(
    book: PatternBook, text: str, trigger: str, stance: str | None, speaker: str | None
) -> None:
    analysis = _analyse(book, text, trigger)
    assert analysis.stance == stance
    assert (analysis.speaker_head.text if analysis.speaker_head is not None else None) == speaker


GOVERNED = [
    ("Iran threatened to strike American bases.", "strike", "threatened"),
    ("Germany pledged to send tanks.", "send", "pledged"),
    ("China accused Washington of supplying weapons.", "supplying", "accused"),
    ("The UN urged Israel to halt the offensive.", "halt", "urged"),
    ("Iran's threat to close the strait worried traders.", "close", "threat"),
    ("Iran is ready to hold talks.", "hold", "ready"),
    ("Iran plans to hold talks.", "hold", None),
    ("Iran said it would hold talks.", "hold", None),
]


@pytest.mark.parametrize(("text", "trigger", "governor"), GOVERNED)
def test_modality_finds_the_event_verb_governing_an_act(
    book: PatternBook, text: str, trigger: str, governor: str | None
) -> None:
    analysis = _analyse(book, text, trigger)
    assert (analysis.governor.text if analysis.governor is not None else None) == governor


SUBJECTS = [
    ("Police arrested and beat protesters.", "beat", "Police"),
    ("The rebels, who attacked the base, fled.", "attacked", "rebels"),
    ("Drones hit the port, killing three people.", "killing", "Drones"),
]


@pytest.mark.parametrize(("text", "verb", "subject"), SUBJECTS)
def test_modality_subject_of_looks_through_structure(text: str, verb: str, subject: str) -> None:
    doc = load_parser()(text)
    token = next(t for t in doc if t.text == verb)
    found = subject_of(token)
    assert found is not None and found.text == subject


COMBINE = [
    ((False, False, False, False), "actual"),
    ((True, True, False, False), "negated"),
    ((False, True, True, False), "hypothetical"),
    ((False, True, False, False), "future"),
    ((False, False, False, True), "future"),
]


@pytest.mark.parametrize(("markers", "modality"), COMBINE)
def test_modality_combine_gives_negation_precedence(
    markers: tuple[bool, bool, bool, bool], modality: str
) -> None:
    assert combine_modality(*markers) == modality
