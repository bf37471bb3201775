"""Pattern files: they load, agree with the ontology, and an analyst can extend them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from watchfloor.coding import RulesCoder
from watchfloor.coding.coder import CoderSettings
from watchfloor.coding.patterns import (
    DEFAULT_PATTERN_DIR,
    NO_EVENT,
    PatternBook,
    PatternError,
    describe,
    load_patterns,
)
from watchfloor.ontology import load_ontology


@pytest.fixture(scope="module")
def book() -> PatternBook:
    return load_patterns()


def test_patterns_load_the_shipped_files(book: PatternBook) -> None:
    counts = describe(book)
    assert counts["verb_patterns"] > 400
    assert counts["noun_patterns"] > 25
    assert set(book.verbs) >= {"attack", "meet", "sanction", "accuse", "release", "urge"}


def test_patterns_name_valid_cameo_codes_types_and_modes(book: PatternBook) -> None:
    ontology = load_ontology()
    problems = []
    patterns = {p.id: p for ps in book.verbs.values() for p in ps}
    patterns.update({p.id: p for ps in book.nouns.values() for p in ps})  # type: ignore[misc]
    for pattern in patterns.values():
        if pattern.event_type == NO_EVENT:
            continue
        try:
            ontology.cameo(pattern.cameo)
        except KeyError:
            problems.append(f"{pattern.id}: CAMEO {pattern.cameo}")
        if not ontology.is_valid(pattern.event_type, pattern.mode):
            problems.append(f"{pattern.id}: {pattern.event_type}/{pattern.mode}")
    for (_, _), (cameo, event_type, mode) in book.refine.items():
        if not ontology.is_valid(event_type, mode):
            problems.append(f"refine: {event_type}/{mode}")
        ontology.cameo(cameo)
    assert problems == []


def test_patterns_ids_are_unique() -> None:
    ids = []
    for line in (DEFAULT_PATTERN_DIR / "verbs.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            ids.append(line.split("\t")[0])
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


INFLECTIONS = [
    ("struck", "strike"),
    ("criticised", "criticize"),
    ("criticizes", "criticize"),
    ("banned", "ban"),
    ("shelling", "shell"),
    ("targeted", "target"),
    ("withdrew", "withdraw"),
    ("mobilising", "mobilize"),
    ("apologised", "apologize"),
    ("said", "say"),
    ("rallied", "rally"),
    ("seized", "seize"),
]


@pytest.mark.parametrize(("form", "lemma"), INFLECTIONS)
def test_patterns_lexicon_finds_verb_lemmas_without_a_lemmatizer(
    book: PatternBook, form: str, lemma: str
) -> None:
    assert lemma in book.lexicon.verb_lemmas(form)


@pytest.mark.parametrize(
    ("form", "lemma"),
    [("talks", "talk"), ("sanctions", "sanction"), ("arms", "arm"), ("police", "police")],
)
def test_patterns_lexicon_finds_noun_lemmas(book: PatternBook, form: str, lemma: str) -> None:
    assert book.lexicon.noun_lemma(form) == lemma


@pytest.mark.parametrize(
    ("lemma", "cls", "modifiers", "member"),
    [
        ("sanction", "SANCTION", (), True),
        ("system", "WEAPON", ("air", "defence"), True),
        ("system", "WEAPON", ("banking",), False),
        ("law", "EMERGENCY", ("martial",), True),
        ("prisoner", "CAPTIVE", (), True),
        ("report", "CAPTIVE", (), False),
    ],
)
def test_patterns_object_classes_look_at_modifiers_of_container_heads(
    book: PatternBook, lemma: str, cls: str, modifiers: tuple[str, ...], member: bool
) -> None:
    assert book.in_class(lemma, cls, modifiers) is member


def test_patterns_trigger_forms_cover_verbs_and_nouns(book: PatternBook) -> None:
    assert {"attacked", "sanctions", "talks", "struck", "airstrikes"} <= book.trigger_forms
    assert "the" not in book.trigger_forms


DISCARDS = [
    (
        "The striker scored twice as the club won the league title; the coach praised the fans.",
        True,
    ),
    ("The actress won an Oscar for the film, her third award this season.", True),
    ("The minister said troops would stay, and the government ruled out a ceasefire.", False),
]


@pytest.mark.parametrize(("text", "nonpolitical"), DISCARDS)
def test_patterns_discards_recognise_sport_and_culture(
    book: PatternBook, text: str, nonpolitical: bool
) -> None:
    assert book.discards.document_is_nonpolitical(text) is nonpolitical


@pytest.fixture
def pattern_copy(tmp_path: Path) -> Path:
    target = tmp_path / "patterns"
    shutil.copytree(DEFAULT_PATTERN_DIR, target)
    return target


def test_patterns_an_analyst_can_add_a_verb(pattern_copy: Path) -> None:
    text = "Estonia rebuked Russia over the airspace violation."
    stock = RulesCoder(settings=CoderSettings(patterns_dir=str(pattern_copy)))
    assert [e.event_type for e in stock.code_text(text)] == ["ACCUSE"]
    with (pattern_copy / "verbs.tsv").open("a") as handle:
        handle.write("local.rebuke_praise\trebuke >over\t051\tSUPPORT\t-\t-\n")
    extended = RulesCoder(settings=CoderSettings(patterns_dir=str(pattern_copy)))
    events = extended.code_text(text)
    assert [(e.event_type, e.coder.pattern) for e in events] == [("SUPPORT", "local.rebuke_praise")]


def test_patterns_an_analyst_can_add_a_class_member(pattern_copy: Path) -> None:
    text = "Norway imposed tithes on Iceland."
    stock = RulesCoder(settings=CoderSettings(patterns_dir=str(pattern_copy)))
    assert [e.event_type for e in stock.code_text(text)] == []
    classes = pattern_copy / "classes.tsv"
    lines = classes.read_text().splitlines()
    lines = [line + " tithe" if line.startswith("SANCTION\t") else line for line in lines]
    classes.write_text("\n".join(lines) + "\n")
    coder = RulesCoder(settings=CoderSettings(patterns_dir=str(pattern_copy)))
    assert [e.event_type for e in coder.code_text(text)] == ["SANCTION"]


BROKEN = [
    ("verbs.tsv", "bad.line\tattack\n", "at least 4"),
    ("verbs.tsv", "bad.code\tattack\tx19\tASSAULT\t-\t-\n", "CAMEO code"),
    ("verbs.tsv", "bad.class\timpose $NOSUCH\t163\tSANCTION\t-\t-\n", "unknown class"),
    ("verbs.tsv", "bad.when\tattack\t190\tASSAULT\t-\tactor:sleepy\n", "unknown condition"),
    ("control.tsv", "plan\tsometimes\n", "known role"),
]


@pytest.mark.parametrize(("name", "line", "message"), BROKEN)
def test_patterns_refuse_malformed_lines_naming_file_and_line(
    pattern_copy: Path, name: str, line: str, message: str
) -> None:
    with (pattern_copy / name).open("a") as handle:
        handle.write(line)
    with pytest.raises(PatternError, match=message) as excinfo:
        load_patterns(pattern_copy)
    assert name in str(excinfo.value)
