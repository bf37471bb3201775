"""The command line, run in-process through typer's runner against real DuckDB files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from watchfloor.cli import app
from watchfloor.store import open_store

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_twice_stores_nothing_new(db_path: Path, fixtures: Path) -> None:
    path = str(fixtures / "files" / "articles.jsonl")
    code, _, err = invoke("ingest", path, "--db", str(db_path), "--no-code")
    assert code == 0, err
    assert "3 stored, 0 duplicate(s)" in err
    code, _, err = invoke("ingest", path, "--db", str(db_path), "--no-code")
    assert code == 0 and "0 stored, 3 duplicate(s)" in err
    with open_store(db_path) as store:
        assert store.counts()["articles"] == 3


def test_cli_failing_file_changes_nothing(db_path: Path, fixtures: Path) -> None:
    invoke("ingest", str(fixtures / "files" / "articles.jsonl"), "--db", str(db_path), "--no-code")
    with open_store(db_path) as store:
        before = [a.to_dict() for a in store.articles()]
    code, _, err = invoke(
        "ingest", str(fixtures / "files" / "bad.jsonl"), "--db", str(db_path), "--no-code"
    )
    assert code == 1
    assert "bad.jsonl:2: bad date" in err and "bad.jsonl:4: malformed JSON" in err
    assert "FAILED, nothing stored" in err
    with open_store(db_path) as store:
        assert [a.to_dict() for a in store.articles()] == before


def test_cli_skip_bad_stores_the_good_records(db_path: Path, fixtures: Path) -> None:
    code, _, err = invoke(
        "ingest",
        str(fixtures / "files" / "bad.jsonl"),
        "--db",
        str(db_path),
        "--no-code",
        "--skip-bad",
    )
    assert code == 0
    assert "1 stored" in err and "3 bad record(s) skipped" in err
    with open_store(db_path) as store:
        assert [a.id for a in store.articles()] == ["b-001"]


def test_cli_map_option(db_path: Path, fixtures: Path) -> None:
    code, _, err = invoke(
        "ingest",
        str(fixtures / "files" / "articles.csv"),
        "--db",
        str(db_path),
        "--no-code",
        "--map",
        "text=content",
        "--map",
        "title=headline",
        "--map",
        "date=published",
    )
    assert code == 0, err
    with open_store(db_path) as store:
        assert {a.title for a in store.articles()} == {"Sanctions announced", "Talks resume"}


def test_cli_bad_map_is_a_clear_error(db_path: Path, fixtures: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            str(fixtures / "files" / "articles.csv"),
            "--db",
            str(db_path),
            "--map",
            "body=content",
        ],
    )
    assert "unknown field 'body'" in str(result.exception)


@pytest.fixture
def coded_db(db_path: Path, tmp_path: Path) -> Path:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        json.dumps(
            {
                "id": "c1",
                "date": "2026-10-20T08:00:00Z",
                "source": "Test Wire",
                "text": "Russian warplanes bombed rebel positions in Syria on Monday, killing "
                "at least 12 people. The United States condemned Russia.",
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "c2",
                "date": "2026-10-21T08:00:00Z",
                "source": "Test Wire",
                "text": "Venezuela's foreign minister met his Russian counterpart in Moscow "
                "on Tuesday.",
            }
        )
        + "\n"
    )
    code, _, err = invoke("ingest", str(docs), "--db", str(db_path))
    assert code == 0, err
    return db_path


def test_cli_events_formats_and_filters(coded_db: Path, event_schema: dict) -> None:
    code, out, _ = invoke("events", "--db", str(coded_db), "--format", "json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records, "the coder found no events in plain news sentences"
    for record in records:
        jsonschema.validate(record, event_schema)
    code, out, _ = invoke("events", "--db", str(coded_db), "--format", "csv", "--actor", "USA")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["actor"].startswith("USA") for r in rows)
    code, out, _ = invoke(
        "events", "--db", str(coded_db), "--format", "json", "--since", "2030-01-01"
    )
    assert out.strip() == ""


def test_cli_events_bad_date_is_rejected(coded_db: Path) -> None:
    code, _, err = invoke("events", "--db", str(coded_db), "--since", "last tuesday")
    assert code != 0 and "YYYY-MM-DD" in err


def test_cli_code_writes_schema_valid_records(tmp_path: Path, event_schema: dict) -> None:
    docs = tmp_path / "in.jsonl"
    docs.write_text(
        json.dumps(
            {
                "id": "x",
                "text": "Iran accused Israel of attacking its nuclear sites.",
                "date": None,
                "title": None,
            }
        )
        + "\n"
        + json.dumps(
            {"id": "y", "text": "El gobierno de Venezuela condenó el ataque.", "language": "es"}
        )
        + "\n"
    )
    out_file = tmp_path / "events.jsonl"
    code, _, err = invoke("code", str(docs), "-o", str(out_file))
    assert code == 0, err
    records = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert records and {r["doc_id"] for r in records} == {"x"}  # Spanish is never coded
    for record in records:
        jsonschema.validate(record, event_schema)


def test_cli_code_bad_input_leaves_no_output(tmp_path: Path) -> None:
    docs = tmp_path / "in.jsonl"
    docs.write_text('{"id": "x", "text": "Iran accused Israel."}\n{"id": "y"}\n')
    out_file = tmp_path / "events.jsonl"
    result = runner.invoke(app, ["code", str(docs), "-o", str(out_file)])
    assert "in.jsonl:2: missing text" in str(result.exception)
    assert not out_file.exists() and not (tmp_path / "events.jsonl.partial").exists()


def test_cli_brief_cites_sources(coded_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    code, out, _ = invoke("brief", "--db", str(coded_db), "-o", str(target))
    assert code == 0
    assert out.strip() == target.read_text().strip()
    assert "## Key developments" in out and "## Sources" in out
    assert "[1]" in out and "Test Wire" in out


def test_cli_stats_json(coded_db: Path) -> None:
    code, out, _ = invoke("stats", "--db", str(coded_db), "--json")
    counts = json.loads(out)
    assert counts["articles"] == 2 and counts["events"] >= 1
