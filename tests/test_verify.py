"""The citation checker: what it accepts, and the planted faults it must catch."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from test_brief_helpers import NOW, corpus_articles, hand_store  # noqa: F401 - fixture

from watchfloor.brief.statements import SourcedStatement
from watchfloor.brief.verify import (
    action_types,
    check_frame,
    check_sentence,
    split_sentences,
    stem,
    verify_brief,
)
from watchfloor.records import BriefSection

STRIKE = "US warships struck a vessel in the Caribbean on Wednesday, killing 6 people."
DENIAL = "Russia denied that it had evacuated anyone from its embassy in Caracas."
WARNING = "Venezuela said it would impose sanctions on US oil companies if the strikes continued."
REPORT = (
    "Relatives of Russian diplomats have left the embassy in Caracas, according to two "
    "unnamed sources."
)
PUBLISHED = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sentence", "passage"),
    [
        ("4 Mar 2026: US warships attacked a vessel, killing 6 in the Caribbean.", STRIKE),
        ("Russia denied that it evacuated anyone from its embassy in Caracas.", DENIAL),
        ("Moscow denied that it evacuated anyone from Caracas.", DENIAL),
        ("Venezuela said it would impose sanctions on US oil companies.", WARNING),
        ("Two unnamed sources said relatives of Russian diplomats left Caracas.", REPORT),
        ("Harbor Wire reported that US warships struck a vessel, killing six.", STRIKE),
    ],
)
def test_verify_accepts_faithful_sentences(sentence: str, passage: str) -> None:
    verdict = check_sentence(sentence, passage, published=PUBLISHED, known_names=["Harbor Wire"])
    assert verdict.ok, verdict.problems


@pytest.mark.parametrize(
    ("fault", "sentence", "passage", "problem"),
    [
        (
            "wrong citation",
            "US warships attacked a vessel, killing 6 in the Caribbean.",
            DENIAL,
            "names 'US'",
        ),
        (
            "flipped polarity",
            "Russia evacuated everyone from its embassy in Caracas.",
            DENIAL,
            "drops the denial",
        ),
        (
            "denial rendered as assertion",
            "Russia said that it evacuated its embassy in Caracas.",
            DENIAL,
            "drops the denial",
        ),
        (
            "wrong number",
            "US warships attacked a vessel, killing 7 in the Caribbean.",
            STRIKE,
            "gives the number 7",
        ),
        (
            "wrong number in words",
            "US warships attacked a vessel, killing seven.",
            STRIKE,
            "gives the number 7",
        ),
        (
            "dropped would",
            "Venezuela said it imposed sanctions on US oil companies.",
            WARNING,
            "'would'",
        ),
        (
            "added negation",
            "US warships did not strike a vessel in the Caribbean.",
            STRIKE,
            "adds a negation",
        ),
        ("added modal", "US warships could strike a vessel, killing 6.", STRIKE, "adds a 'would'"),
        (
            "claim stated as fact",
            "Relatives of Russian diplomats left the embassy in Caracas.",
            REPORT,
            "states as fact",
        ),
        (
            "wrong action",
            "US warships seized a vessel, killing 6 in the Caribbean.",
            STRIKE,
            "an action the passage does not state",
        ),
        (
            "wrong place",
            "US warships struck a vessel near Havana, killing 6.",
            STRIKE,
            "names 'Havana'",
        ),
        (
            "wrong day",
            "3 Mar 2026: US warships struck a vessel, killing 6.",
            STRIKE,
            "dates it 2026-03-03",
        ),
        (
            "invented denial",
            "The US denied that its warships struck a vessel, killing 6.",
            STRIKE,
            "reports a denial",
        ),
    ],
)
def test_verify_catches_planted_faults(
    fault: str, sentence: str, passage: str, problem: str
) -> None:
    verdict = check_sentence(sentence, passage, published=PUBLISHED)
    assert not verdict.ok, fault
    assert any(problem in p for p in verdict.problems), (fault, verdict.problems)


def test_verify_relative_date_resolves_against_publication() -> None:
    # Published Thursday 5 March 2026: "on Wednesday" is 4 March, not 5 March.
    assert check_sentence(
        "4 Mar 2026: US warships struck a vessel, killing 6.", STRIKE, published=PUBLISHED
    ).ok
    assert not check_sentence(
        "5 Mar 2026: US warships struck a vessel, killing 6.", STRIKE, published=PUBLISHED
    ).ok


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (("evacuated", "evacuation", "evacuate"), True),
        (("sanctioned", "sanctions"), True),
        (("strike", "struck"), False),
    ],
)
def test_verify_stem_merges_inflections(words: tuple[str, ...], same: bool) -> None:
    assert (len({stem(w) for w in words}) == 1) is same


def test_verify_action_types_skip_attribution_words() -> None:
    found = action_types("Officials said, according to the report, that troops were deployed.")
    assert [sorted(t) for _, _, t in found] == [["MOBILIZE"], ["MOBILIZE"]]


@pytest.mark.parametrize(
    ("frame", "figures", "ok"),
    [
        ("It is likely (55–80%) that X — 2 reports, 1 denial: ", ("55", "80", "2", "1"), True),
        ("It is likely (55–80%) that X — 3 reports: ", ("55", "80", "2"), False),
        ("Confidence is low: the series has 7 weeks.", ("7",), True),
    ],
)
def test_verify_frame_figures_must_come_from_the_basis(
    frame: str, figures: tuple[str, ...], ok: bool
) -> None:
    assert check_frame(frame, figures).ok is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks ended. It rained.", ["The talks ended.", "It rained."]),
        (
            "Letters fell by 90%.The decision ends 400 years.",
            ["Letters fell by 90%.", "The decision ends 400 years."],
        ),
        ("Mr. Smith left Kyiv. He returned.", ["Mr. Smith left Kyiv.", "He returned."]),
    ],
)
def test_verify_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def _mutate(brief, sid: str, **changes):  # noqa: ANN001, ANN202 - test helper
    sections = []
    for section in brief.sections:
        statements = tuple(
            dataclasses.replace(s, **changes) if getattr(s, "sid", None) == sid else s
            for s in section.statements
        )
        sections.append(BriefSection(section.key, section.title, statements, section.table))
    return dataclasses.replace(brief, sections=tuple(sections))


def _edit(statement: SourcedStatement, old: str, new: str) -> dict[str, str]:
    return {
        "text": statement.text.replace(old, new),
        "checked": statement.checked.replace(old, new),
    }


def test_verify_brief_audit_passes_every_kept_sentence(hand_store) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    articles = {a.id: a for a in corpus_articles()}
    report = verify_brief(brief, articles)
    assert report.checked == brief.verification["kept"] > 0
    assert report.rate == 1.0, report.failures()


@pytest.mark.parametrize(
    ("fault", "change"),
    [
        ("wrong citation", lambda s, other: {"citations": (other,), "passages": ()}),
        ("flipped polarity", lambda s, other: _edit(s, "denied that it", "confirmed that it")),
        ("wrong number", lambda s, other: _edit(s, "killing 6", "killing 16")),
        ("dropped would", lambda s, other: _edit(s, "would ", "")),
    ],
)
def test_verify_brief_audit_catches_planted_faults(hand_store, fault, change) -> None:  # noqa: F811, ANN001
    brief = hand_store.brief(now=NOW, remember=False)
    articles = {a.id: a for a in corpus_articles()}
    statements = [s for s in brief.statements() if isinstance(s, SourcedStatement) and s.citations]
    needle = {
        "flipped polarity": "denied that it",
        "wrong number": "killing 6",
        "dropped would": "would ",
        "wrong citation": "killing 6",
    }[fault]
    target = next(s for s in statements if needle in s.checked)
    other = next(
        n.number for n in brief.sources if n.number not in target.citations and n.kind == "article"
    )
    mutated = _mutate(brief, target.sid, **change(target, other))
    report = verify_brief(mutated, articles)
    changed = change(target, other)
    failed = report.failures()
    assert [c.text for c in failed] == [changed.get("text", target.text)], fault
    assert report.rate < 1.0
