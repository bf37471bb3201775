"""Reading articles from JSONL, CSV and text files; validation names file, line and problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchfloor.errors import InputFileError
from watchfloor.ingest.files import parse_field_map, read_article_file, read_documents


def test_files_jsonl_reads_every_field(fixtures: Path) -> None:
    batch = read_article_file(fixtures / "files" / "articles.jsonl")
    assert not batch.problems
    first, second, third = batch.articles
    assert first.id == "t-001" and first.source == "Test Wire"
    assert (
        first.published_at is not None
        and first.published_at.isoformat() == "2026-10-05T09:00:00+00:00"
    )
    assert first.canonical_url == "https://wire.example/a/1"  # tracking parameter removed
    assert second.language == "en"  # detected when null
    assert third.language == "es" and not third.is_english


def test_files_csv_with_field_map(fixtures: Path) -> None:
    mapping = parse_field_map(
        ["text=content", "title=headline", "date=published", "source=outlet", "url=link"]
    )
    batch = read_article_file(fixtures / "files" / "articles.csv", field_map=mapping)
    assert not batch.problems
    assert [a.title for a in batch.articles] == ["Sanctions announced", "Talks resume"]
    assert all(a.source == "Test Daily" for a in batch.articles)


def test_files_csv_without_map_says_which_column(fixtures: Path) -> None:
    batch = read_article_file(fixtures / "files" / "articles.csv")
    assert batch.problems and "use --map text=COLUMN" in batch.problems[0].problem


def test_files_plain_text_is_one_article(fixtures: Path) -> None:
    batch = read_article_file(fixtures / "files" / "statement.txt")
    [article] = batch.articles
    assert article.id == "statement" and "ceasefire" in article.text


@pytest.mark.parametrize(
    ("line", "needle"),
    [(2, "bad date"), (3, "missing text"), (4, "malformed JSON")],
)
def test_files_bad_records_name_line_and_problem(fixtures: Path, line: int, needle: str) -> None:
    batch = read_article_file(fixtures / "files" / "bad.jsonl")
    assert [a.id for a in batch.articles] == ["b-001"]
    problems = {p.line: p for p in batch.problems}
    assert needle in problems[line].problem
    assert str(problems[line]).startswith(f"{fixtures / 'files' / 'bad.jsonl'}:{line}:")


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("x.pdf", b"%PDF", "unknown file type"),
        ("x.jsonl", b"\xff\xfe\x00bad", "not UTF-8"),
        ("x.jsonl", b"", "no records found"),
        ("x.jsonl", b'{"text": "ok", "language": "english!"}\n', "bad language"),
        ("x.jsonl", b'["a list"]\n', "JSON object"),
        ("x.csv", b"text,title\nhello,world,extra\n", "more values than columns"),
    ],
)
def test_files_unreadable_inputs(tmp_path: Path, name: str, content: bytes, needle: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    batch = read_article_file(path)
    assert not batch.articles
    assert any(needle in p.problem for p in batch.problems)


def test_files_missing_file(tmp_path: Path) -> None:
    batch = read_article_file(tmp_path / "nope.jsonl")
    assert "cannot read file" in batch.problems[0].problem


@pytest.mark.parametrize("pair", ["text", "=content", "body=content"])
def test_files_bad_field_map(pair: str) -> None:
    with pytest.raises(InputFileError):
        parse_field_map([pair])


def test_files_read_documents_stops_at_first_bad_line(fixtures: Path) -> None:
    with pytest.raises(InputFileError, match=r"bad\.jsonl:2: bad date"):
        list(read_documents(fixtures / "files" / "bad.jsonl"))


def test_files_syndicated_copy_is_linked_to_the_original(tmp_path: Path) -> None:
    from watchfloor.api import Watchfloor

    body = " ".join(
        f"Sentence {i} of the wire story says the ministers met in Lima to discuss trade."
        for i in range(12)
    )
    original = {"id": "wire-1", "text": body, "source": "Wire", "date": "2026-10-01"}
    reprint = {
        "id": "paper-1",
        "text": "Reprinted by arrangement. " + body + " Additional reporting.",
        "source": "Paper",
        "date": "2026-10-01",
    }
    unrelated = {
        "id": "other-1",
        "text": "An unrelated story about a football match in Leeds, "
        "where the home side won two goals to one in front of a full stadium.",
        "source": "Paper",
        "date": "2026-10-02",
    }
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(original) + "\n")
    second.write_text(json.dumps(reprint) + "\n" + json.dumps(unrelated) + "\n")
    with Watchfloor(tmp_path / "s.duckdb") as wf:
        wf.ingest([first], code=False)
        wf.ingest([second], code=False)
        stored = {a.id: a.duplicate_of for a in wf.store.articles()}
    assert stored == {"wire-1": None, "paper-1": "wire-1", "other-1": None}


@pytest.mark.parametrize("missing", ["NaN", "null", "N/A", "", "  "])
def test_files_missing_value_words_mean_no_date(tmp_path: Path, missing: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f'text,date\n"A story with no date.",{missing}\n')
    batch = read_article_file(path)
    assert not batch.problems
    assert batch.articles[0].published_at is None
