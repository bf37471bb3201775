"""Briefs: the nine sections, reasoned judgments, sources, renderers, scopes, changes, explainer.

Most tests use the hand-coded corpus of ``test_brief_helpers``; the ``demo_*`` tests build the
bundled demo corpus with the real coder and assert the issue's figures from the data.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_brief_helpers import NOW, build_store, corpus_articles, hand_store, make_event  # noqa: F401
from typer.testing import CliRunner

from watchfloor.api import Watchfloor, demo_articles_path, demo_sources
from watchfloor.brief.compose import SECTIONS
from watchfloor.brief.estimative import estimate, scale
from watchfloor.brief.explainer import EXPLAINER_SECTIONS
from watchfloor.brief.history import compare
from watchfloor.brief.render import render_html, render_json, render_markdown
from watchfloor.brief.statements import SourcedStatement
from watchfloor.brief.verify import verify_brief
from watchfloor.cli import app
from watchfloor.records import Article

NINE = (
    "bluf",
    "developments",
    "judgments",
    "background",
    "trends",
    "alternatives",
    "faq",
    "assumptions",
    "sources",
)
REASONED = ("judgments", "alternatives", "assumptions")
_RANGE = re.compile(
    r"(almost no chance|very unlikely|unlikely|roughly even chance|likely|"
    r"very likely|almost certain) \((\d+)–(\d+)%\)"
)


def _keys(brief) -> list[str]:  # noqa: ANN001
    return [s.key for s in brief.sections]


def test_brief_sections_come_in_order(hand_store: Watchfloor) -> None:  # noqa: F811
    keys = _keys(hand_store.brief(now=NOW, remember=False))
    assert [k for k in keys if k in NINE] == list(NINE)
    assert keys == [k for k, _ in SECTIONS]


@pytest.mark.parametrize("key", [k for k in NINE if k != "sources"])
def test_brief_section_has_content(hand_store: Watchfloor, key: str) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    section = brief.section(key)
    assert section is not None and (section.statements or section.table), key


def test_brief_bluf_is_one_to_three_cited_sentences(hand_store: Watchfloor) -> None:  # noqa: F811
    bluf = hand_store.brief(now=NOW, remember=False).section("bluf")
    assert bluf is not None and 1 <= len(bluf.statements) <= 3
    assert all(s.citations for s in bluf.statements)


def test_brief_judgments_use_the_icd203_scale_and_a_separate_confidence(
    hand_store: Watchfloor,  # noqa: F811
) -> None:
    section = hand_store.brief(now=NOW, remember=False).section("judgments")
    assert section is not None
    ranges = {term: (low, high) for term, low, high in scale()}
    statements = list(section.statements)
    judgments = [s for s in statements if s.kind == "judgment"]
    assert judgments
    for judgment in judgments:
        found = _RANGE.search(judgment.text)
        assert found, judgment.text
        assert ranges[found.group(1)] == (int(found.group(2)), int(found.group(3)))
        following = statements[statements.index(judgment) + 1]
        assert following.kind == "confidence"
        assert re.match(r"Confidence is (high|moderate|low): ", following.text)
        assert following.basis == judgment.basis


def test_brief_reasoned_sentences_name_their_basis_and_cite(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    for key in REASONED:
        for statement in brief.section(key).statements:
            assert isinstance(statement, SourcedStatement)
            assert statement.basis, statement.text
            if statement.kind in ("confidence",) or statement.basis in ("coverage", "pipeline"):
                continue
            assert statement.basis.split(":")[0] in {"claim", "indicator", "dyad"}
            assert statement.citations, statement.text
            assert statement.verified is True


def test_brief_kept_sentences_all_pass_the_checker(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    verification = brief.verification
    assert verification["kept"] + verification["dropped"] == verification["checked"]
    assert verification["rate"] == pytest.approx(verification["kept"] / verification["checked"])
    cited = [s for s in brief.statements() if s.citations]
    assert len(cited) == verification["kept"]
    audit = verify_brief(brief, {a.id: a for a in corpus_articles()})
    assert audit.rate == 1.0, audit.failures()


def test_brief_sources_say_outlet_grade_times_and_dependents(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    sids = {s.sid for s in brief.statements() if s.citations}
    assert [s.number for s in brief.sources] == list(range(1, len(brief.sources) + 1))
    for source in brief.sources:
        assert source.statements and set(source.statements) <= sids
        if source.kind == "article":
            assert source.outlet and source.reliability and source.published_at
            assert source.retrieved_at and source.url
    text = render_markdown(brief)
    assert "grade B" in text and "retrieved" in text and "Supports:" in text


def test_brief_markdown_footer_states_coverage_and_verification(hand_store: Watchfloor) -> None:  # noqa: F811
    text = render_markdown(hand_store.brief(now=NOW, remember=False))
    assert "*Coverage: window 2026-01-24 to 2026-03-07" in text
    assert re.search(r"Citation check: (\d+) of \1 cited sentences passed \(100%\)", text)
    assert "Machine-generated by watchfloor " in text
    assert (
        text.index("## Bottom line up front")
        < text.index("## Key developments")
        < text.index("## Key judgments")
        < text.index("## Sources")
    )


def test_brief_html_is_escaped_self_contained_and_has_charts(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    brief = dataclasses.replace(brief, title='Brief <script>alert("x")</script>')
    page = render_html(brief)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<svg") >= 1
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"src=", page)
    assert 'id="source-1"' in page


def test_brief_json_is_the_record(hand_store: Watchfloor) -> None:  # noqa: F811
    data = json.loads(render_json(hand_store.brief(now=NOW, remember=False)))
    assert [s["key"] for s in data["sections"]] == [k for k, _ in SECTIONS]
    assert data["verification"]["rate"] == 1.0
    statement = next(s for s in data["sections"][2]["statements"])
    assert statement["passages"] and statement["checked"] in statement["text"]


def test_brief_empty_window_says_it_cannot_answer(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(
        since=date(2020, 1, 1), until=date(2020, 2, 1), now=NOW, remember=False
    )
    assert "cannot say what changed" in brief.headline
    assert not brief.section("developments").statements


def test_brief_dyad_scope_keeps_to_the_pair(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(dyads=["RUS-VEN"], now=NOW, remember=False)
    text = " ".join(s.text for s in brief.section("developments").statements)
    assert "Russian" in text and "warships" not in text


def test_brief_topic_scope_uses_full_text_search(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(topic="embassy relatives", now=NOW, remember=False)
    cited = {s.doc_id for s in brief.sources if s.kind == "article"}
    assert cited and cited <= {"t-03", "t-04", "t-06"}


@pytest.mark.parametrize(
    ("p", "term"),
    [
        (0.02, "almost no chance"),
        (0.1, "very unlikely"),
        (0.3, "unlikely"),
        (0.5, "roughly even chance"),
        (0.7, "likely"),
        (0.9, "very likely"),
        (0.97, "almost certain"),
    ],
)
def test_brief_estimate_maps_probability_to_icd203(p: float, term: str) -> None:
    assert estimate(p).term == term


def test_brief_changes_since_last_brief_lists_what_is_new(tmp_path: Path) -> None:
    wf = build_store(tmp_path / "changes.duckdb")
    try:
        first = wf.brief(now=NOW)
        assert "first stored brief" in first.section("changes").statements[0].text
        sentence = "US warships struck a second vessel off Venezuela on Sunday, killing 3 people."
        wf.store.add_articles(
            [
                Article(
                    id="t-08",
                    text=sentence,
                    title="Second strike",
                    published_at=datetime(2026, 3, 9, 9, tzinfo=UTC),
                    source="Harbor Wire",
                    language="en",
                )
            ]
        )
        event = make_event(
            "t-08",
            sentence,
            ("US warships", "USAMIL", "USA"),
            ("Venezuela", "VEN", "VEN"),
            "ASSAULT",
            "struck",
            date(2026, 3, 8),
            fatalities=3,
            goldstein=-10.0,
        )
        wf.store.replace_events([("t-08", [event])], "tests.hand@1")
        second = wf.brief(now=datetime(2026, 3, 10, tzinfo=UTC))
        changes = [s.text for s in second.section("changes").statements]
        assert any(t.startswith("New:") for t in changes), changes
        assert second.changes and {c["kind"] for c in second.changes} >= {"new"}
    finally:
        wf.close()


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (
            {"claims": {"c": {"status": "reported", "label": "X"}}},
            {"claims": {"c": {"status": "denied", "label": "X"}}},
            "reversed",
        ),
        (
            {"indicators": {"i": {"arrow": "unchanged", "label": "I"}}},
            {"indicators": {"i": {"arrow": "deteriorated", "label": "I"}}},
            "arrow",
        ),
        (
            {"escalation": {"d": {"arrow": "improved", "label": "D"}}},
            {"escalation": {"d": {"arrow": "deteriorated", "label": "D"}}},
            "reversed",
        ),
        ({}, {"developments": {"k": "Something happened."}}, "new"),
        (
            {"judgments": {"j": {"term": "likely", "p": 0.6, "label": "J"}}},
            {"judgments": {"j": {"term": "unlikely", "p": 0.3, "label": "J"}}},
            "reversed",
        ),
    ],
)
def test_brief_history_compare_classifies_changes(before: dict, after: dict, kind: str) -> None:
    changes = compare(before, after)
    assert [c.kind for c in changes] == [kind]


def test_brief_explainer_has_its_sections_and_cites_everything(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(style="explainer", now=NOW, remember=False)
    assert _keys(brief) == list(EXPLAINER_SECTIONS)
    headings = [s.text for s in brief.section("themes").statements if s.kind == "heading"]
    assert headings and all(h.endswith("?") for h in headings)
    fact = brief.section("did_you_know").statements[0]
    assert fact.citations and brief.sources[fact.citations[0] - 1].kind == "reference"
    for statement in brief.statements():
        if statement.kind in ("heading", "question", "answer", "note", "confidence", "indicator"):
            continue
        assert statement.citations, statement.text
    assert brief.section("watch_sources").table
    assert brief.verification["rate"] == 1.0


def test_brief_cli_formats_and_styles(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    build_store(db).close()
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "brief",
            "--db",
            str(db),
            "--format",
            "html",
            "--style",
            "explainer",
            "--dyad",
            "USA-VEN",
            "--no-remember",
        ],
    )
    assert result.exit_code == 0, result.stdout
    assert result.stdout.lstrip().startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["brief", "--db", str(db), "--format", "pdf"])
    assert result.exit_code != 0


# -- the demo corpus, coded by the real coder ---------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Watchfloor:  # type: ignore[misc]
    wf = Watchfloor(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    wf.add_sources(demo_sources())
    wf.ingest([demo_articles_path()])
    yield wf
    wf.close()


def test_brief_demo_has_every_section(demo_store: Watchfloor) -> None:
    brief = demo_store.brief(remember=False)
    for key in NINE:
        section = brief.section(key)
        assert section is not None
        assert key == "sources" or section.statements or section.table, key
    assert brief.sources and brief.verification["kept"] > 0


def test_brief_demo_faq_answers_the_embassy_question(demo_store: Watchfloor) -> None:
    brief = demo_store.brief(remember=False)
    statements = list(brief.section("faq").statements)
    question = next(
        s for s in statements if s.kind == "question" and re.search(r"Russia withdraw", s.text)
    )
    entry = []
    for statement in statements[statements.index(question) + 1 :]:
        if statement.kind == "question":
            break
        entry.append(statement)
    answer, *evidence = entry
    assert answer.kind == "answer"
    assert answer.text.startswith("Denied") and "unconfirmed" in answer.text
    by_number = {s.number: s.doc_id for s in brief.sources}
    reported = {
        by_number[n] for s in evidence if s.text.startswith("Reported") for n in s.citations
    }
    denied = {by_number[n] for s in evidence if s.text.startswith("Denied") for n in s.citations}
    assert reported & {"demo-034", "demo-036", "demo-042", "demo-052"}
    assert denied & {"demo-035", "demo-036", "demo-042", "demo-051", "demo-052", "demo-061"}


def test_brief_demo_checker_passes_every_kept_sentence(demo_store: Watchfloor) -> None:
    for style in ("analyst", "explainer"):
        brief = demo_store.brief(style=style, remember=False)
        ids = sorted({s.doc_id for s in brief.sources if s.kind == "article"})
        articles = {a.id: a for a in demo_store.store.articles(ids=ids)}
        audit = verify_brief(brief, articles)
        assert audit.checked == brief.verification["kept"]
        assert audit.rate == 1.0, [f.problems for f in audit.failures()]


def test_brief_demo_bluf_leads_with_the_death_toll(demo_store: Watchfloor) -> None:
    brief = demo_store.brief(remember=False)
    first = brief.section("bluf").statements[0]
    assert first.text.startswith("Death toll: at least ")
    # the figure in the frame is one the quoted, cited report gives
    figure = re.search(r"at least (\d+)", first.text)
    assert figure is not None and figure.group(1) in first.text.split("reported:", 1)[1]
    assert first.citations


def test_brief_demo_states_its_coverage_gaps(demo_store: Watchfloor) -> None:
    brief = demo_store.brief(remember=False)
    gaps = [s.text for s in brief.section("assumptions").statements if s.kind == "gap"]
    non_english = sum(
        1 for a in demo_store.store.articles() if not a.is_english and a.published_at is not None
    )
    assert non_english == 2
    assert any(t.startswith(f"Gap (coverage): {non_english} articles") for t in gaps), gaps
