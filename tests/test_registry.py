"""The source registry: YAML and OPML files, validation, and the ``sources`` commands."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchfloor.api import Watchfloor
from watchfloor.cli import app
from watchfloor.errors import ConfigError
from watchfloor.ingest.opml import read_opml, write_opml
from watchfloor.ingest.registry import (
    SourceEntry,
    dump_registry,
    load_registry,
    parse_interval,
    parse_registry,
)

REGISTRY = """\
sources:
  - name: Harbour Ministry press releases
    kind: ministry
    fetch: index
    url: https://www.harbour-ministry.example/press/
    follow: '/press/\\d{4}/'
    country: XHB
    language: en
    reliability: B
    state_affiliated: true
    poll_interval: 30m
  - name: Aldmere Gazette
    kind: rss
    url: https://gazette.example/coast.xml
    country: XHB
    language: en
    reliability: C
    fetch_articles: always
  - name: Assembly record
    kind: page
    url: https://assembly.example/record
    poll_interval_s: 3600
    enabled: false
"""


def test_registry_parses_entries_and_methods() -> None:
    entries = {e.name: e for e in parse_registry(REGISTRY)}
    ministry = entries["Harbour Ministry press releases"]
    assert ministry.method == "index" and ministry.follow == r"/press/\d{4}/"
    assert ministry.source.poll_interval_s == 1800
    assert ministry.source.state_affiliated is True and ministry.source.reliability == "B"
    assert entries["Aldmere Gazette"].method == "feed"
    assert entries["Aldmere Gazette"].fetch_articles == "always"
    assert entries["Assembly record"].enabled is False


def test_registry_round_trips_through_yaml() -> None:
    entries = parse_registry(REGISTRY)
    assert parse_registry(dump_registry(entries)) == entries


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"name": "x", "kind": "feed"}, "'url' is required"),
        ({"name": "x", "url": "ftp://x.example/f"}, "absolute http(s) URL"),
        ({"name": "x", "url": "https://x.example/f", "reliability": "G"}, "Admiralty grade"),
        ({"name": "x", "url": "https://x.example/f", "country": "France"}, "alpha-3"),
        ({"name": "x", "url": "https://x.example/f", "language": "English"}, "ISO 639"),
        ({"name": "x", "url": "https://x.example/f", "poll_interval": "often"}, "not a duration"),
        ({"name": "x", "url": "https://x.example/f", "poll_interval_s": 2}, "below the minimum"),
        ({"name": "x", "kind": "index", "url": "https://x.example/"}, "needs 'follow'"),
        (
            {"name": "x", "kind": "index", "url": "https://x.example/", "follow": "(["},
            "not a valid regular",
        ),
        ({"name": "x", "url": "https://x.example/f", "fetch": "ftp"}, "fetch 'ftp'"),
        (
            {"name": "x", "url": "https://x.example/f", "fetch_articles": "sometimes"},
            "fetch_articles",
        ),
        (
            {"name": "x", "url": "https://x.example/f", "realiability": "A"},
            "unknown field(s) 'realiability'",
        ),
        ({"name": "x", "url": "https://x.example/f", "state_affiliated": "yes"}, "true or false"),
        ({"url": "https://x.example/f"}, "'name' is required"),
    ],
)
def test_registry_rejects_bad_entries(entry: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError, match="W102") as caught:
        SourceEntry.from_dict(entry)
    assert problem in str(caught.value)


def test_registry_reports_every_problem_with_its_entry() -> None:
    text = (
        "- {name: a, url: 'https://a.example/'}\n"
        "- {name: a, url: 'https://b.example/'}\n"
        "- {name: c, reliability: Z}\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_registry(text, where="mine.yaml")
    message = str(caught.value)
    assert "entry 2 (a): the name 'a' is used twice" in message
    assert "entry 3 (c): reliability 'Z'" in message


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(900, 900), ("900", 900), ("15m", 900), ("2h", 7200), ("1d", 86400), ("30 s", 30)],
)
def test_registry_parse_interval(value: object, seconds: int) -> None:
    assert parse_interval(value) == seconds


def test_registry_demo_outlets_load_as_unpolled_sources() -> None:
    path = Path(str(resources.files("watchfloor.data").joinpath("demo/sources.yaml")))
    entries = load_registry(path)
    assert entries and all(e.method is None for e in entries)  # wire, press...: outlet kinds


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline text="Ministries">
    <outline type="rss" text="Harbour Ministry" xmlUrl="https://ministry.example/rss"
             language="en-GB"/>
    <outline type="rss" text="Harbour Ministry" xmlUrl="https://ministry.example/rss2"/>
  </outline>
  <outline type="rss" title="Gazette" text="ignored" xmlUrl="https://gazette.example/feed"/>
  <outline text="A folder with no feeds"/>
</body></opml>"""


def test_registry_opml_import_nested_and_unique_names() -> None:
    entries = read_opml(OPML)
    assert [(e.name, e.method, e.source.language, e.source.description) for e in entries] == [
        ("Harbour Ministry", "feed", "en", "Ministries"),
        ("Harbour Ministry (2)", "feed", None, "Ministries"),
        ("Gazette", "feed", None, None),
    ]
    assert [e.source.url for e in read_opml(write_opml(entries))] == [e.source.url for e in entries]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b'<!DOCTYPE opml [<!ENTITY x "y">]><opml><body/></opml>', "refused"),
        (b"<opml><body><outline", "not well-formed"),
        (b"<rss/>", "not an OPML document"),
        (b'<opml><body><outline text="x" xmlUrl="file:///etc/passwd"/></body></opml>', "http(s)"),
    ],
)
def test_registry_opml_rejects_bad_documents(document: bytes, problem: str) -> None:
    with pytest.raises(ConfigError, match="W102") as caught:
        read_opml(document)
    assert problem in str(caught.value)


# --------------------------------------------------------------------------- CLI


def test_registry_cli_add_list_status_export_import_remove(tmp_path: Path) -> None:
    env = {"WATCHFLOOR_DB": str(tmp_path / "s.duckdb")}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("sources", "add", "Gazette", "https://gazette.example/feed.xml", "--country", "XHB",
        "--language", "en", "--reliability", "B", "--interval", "30m")  # fmt: skip
    run("sources", "add", "Ministry", "https://ministry.example/press/", "--kind", "ministry",
        "--fetch", "index", "--follow", "/press/", "--state-affiliated")  # fmt: skip
    listed = {row["name"]: row for row in json.loads(run("sources", "list", "--json"))}
    assert listed["Gazette"]["poll_interval_s"] == 1800 and listed["Gazette"]["reliability"] == "B"
    assert (
        listed["Ministry"]["state_affiliated"] is True and listed["Ministry"]["follow"] == "/press/"
    )
    status = {row["name"]: row for row in json.loads(run("sources", "status", "--json"))}
    assert status["Gazette"]["health"] == "never polled"
    exported = tmp_path / "registry.yaml"
    run("sources", "export", "-o", str(exported))
    run("sources", "remove", "Gazette")
    assert [row["name"] for row in json.loads(run("sources", "list", "--json"))] == ["Ministry"]
    run("sources", "import", str(exported))
    with Watchfloor(env["WATCHFLOOR_DB"]) as wf:
        assert parse_registry(wf.export_sources()) == load_registry(exported)
        assert [e.name for e in wf.sources()] == ["Gazette", "Ministry"]
    opml = run("sources", "export", "--format", "opml")
    assert "gazette.example/feed.xml" in opml and "ministry.example" not in opml


def test_registry_cli_rejects_bad_source_and_bad_file(tmp_path: Path) -> None:
    env = {"WATCHFLOOR_DB": str(tmp_path / "s.duckdb")}
    runner = CliRunner()
    bad = runner.invoke(
        app, ["sources", "add", "X", "https://x.example/", "--reliability", "Q"], env=env
    )
    assert bad.exit_code != 0 and "Admiralty" in str(bad.exception)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "sources: [ {name: a, url: 'https://a.example/'},"
        " {name: b, kind: index, url: 'https://b.example/'} ]"
    )
    result = runner.invoke(app, ["sources", "import", str(broken)], env=env)
    assert result.exit_code != 0 and "needs 'follow'" in str(result.exception)
    with Watchfloor(env["WATCHFLOOR_DB"]) as wf:
        assert wf.sources() == []  # all or none
    missing = runner.invoke(app, ["sources", "remove", "nobody"], env=env)
    assert missing.exit_code == 1
