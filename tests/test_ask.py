"""Questions: parsing, retrieval, answers from the ledger and events, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_brief_helpers import build_store, hand_store  # noqa: F401 - fixture
from typer.testing import CliRunner

from watchfloor.api import Watchfloor
from watchfloor.brief.ask import parse_question, render_answer
from watchfloor.brief.search import query_terms, search_articles
from watchfloor.cli import app


@pytest.mark.parametrize(
    ("question", "actors", "actions"),
    [
        ("Is Russia evacuating its embassy in Caracas?", ("RUS", "VEN"), {"RETREAT"}),
        ("Did Washington impose sanctions on Venezuelan officials?", ("USA", "VEN"), {"SANCTION"}),
        ("What did the UN Security Council say?", ("IGOUNOSC",), set()),
    ],
)
def test_ask_parse_question(question: str, actors: tuple[str, ...], actions: set[str]) -> None:
    parsed = parse_question(question)
    assert parsed.actors == actors
    assert set(parsed.actions) == actions


def test_ask_query_terms_drop_question_words() -> None:
    assert query_terms("What did Russia say about the embassy?") == ["russia", "embassy"]


def test_ask_search_ranks_the_matching_article_first(hand_store: Watchfloor) -> None:  # noqa: F811
    hits = search_articles(hand_store.store, "relatives embassy Caracas")
    assert hits and hits[0].doc_id in {"t-03", "t-06"}


@pytest.mark.parametrize(
    ("question", "verdict", "cited"),
    [
        ("Is Russia evacuating its embassy in Caracas?", "denied", {"t-03", "t-04"}),
        ("How many people were killed when US warships struck a vessel?", "yes", {"t-05"}),
        ("Did the US impose sanctions on Venezuela?", "confirmed", {"t-02"}),
        ("Did China send troops to Venezuela?", "insufficient", set()),
        ("What is the weather in Paris?", "insufficient", set()),
    ],
)
def test_ask_answers_with_checked_citations(
    hand_store: Watchfloor,  # noqa: F811
    question: str,
    verdict: str,
    cited: set[str],
) -> None:
    answer = hand_store.ask(question)
    assert answer.verdict == verdict, answer.answer
    assert set(answer.cited_doc_ids) == cited
    assert all(s.verified for s in answer.statements)
    if verdict == "insufficient":
        assert answer.answer.startswith("Insufficient evidence") and answer.confidence == "none"
    else:
        assert answer.confidence in {"high", "moderate", "low"}


def test_ask_number_question_gives_the_number(hand_store: Watchfloor) -> None:  # noqa: F811
    answer = hand_store.ask("How many people were killed when US warships struck a vessel?")
    assert answer.answer.startswith("At least 6 killed")


def test_ask_embassy_answer_cites_both_sides(hand_store: Watchfloor) -> None:  # noqa: F811
    answer = hand_store.ask("Is Russia evacuating its embassy in Caracas?")
    kinds = [s.text.split(":")[0] for s in answer.statements]
    assert "Reported" in kinds and "Denied" in kinds
    text = render_answer(answer)
    assert "Confidence:" in text and "Sources:" in text


def test_ask_cli_json(tmp_path: Path) -> None:
    db = tmp_path / "ask.duckdb"
    build_store(db).close()
    result = CliRunner().invoke(
        app, ["ask", "Did the US impose sanctions on Venezuela?", "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["verdict"] == "confirmed" and data["sources"][0]["doc_id"] == "t-02"


def test_ask_number_is_quoted_from_the_report_that_gives_it(hand_store: Watchfloor) -> None:  # noqa: F811
    answer = hand_store.ask("How many people were killed when US warships struck a vessel?")
    lead = answer.statements[0]
    assert lead.verified and "reported: “" in lead.text
    figure = answer.answer.split(" killed", 1)[0].removeprefix("At least ")
    assert figure in lead.text.split("reported: “", 1)[1]
