"""Analyst corrections: an append-only audit trail that takes precedence downstream."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import analysis_fixtures
import pytest
from typer.testing import CliRunner

from watchfloor.analysis.corrections import (
    CorrectionError,
    add_correction,
    audit_trail,
    effective_events,
    event_corrections,
    export_labelled,
)
from watchfloor.store import EventQuery, Store, open_store

fx = analysis_fixtures.load()
T0 = datetime(2026, 10, 21, 9, tzinfo=UTC)
SPECS: list[dict[str, Any]] = [
    {
        "id": "call",
        "doc": "d1",
        "outlet": "Meridian Wire",
        "published": "2026-10-20T10:00:00Z",
        "date": "2026-10-20",
        "type": "CONSULT",
        "mode": "phone",
        "trigger": "spoke",
        "actor": ["RUSGOV", "Lavrov"],
        "recipient": ["VENGOV", "Gil"],
        "sentence": "Lavrov spoke with Gil by phone.",
    },
    {
        "id": "strike",
        "doc": "d2",
        "outlet": "Meridian Wire",
        "published": "2026-10-20T12:00:00Z",
        "date": "2026-10-20",
        "type": "ASSAULT",
        "mode": "aerial",
        "trigger": "struck",
        "actor": ["USAMIL", "US forces"],
        "recipient": ["VEN", "Venezuela"],
        "fatalities": 3,
        "sentence": "US forces struck a boat, killing three.",
    },
    {
        "id": "protest",
        "doc": "d3",
        "outlet": "Caribbean Courier",
        "published": "2026-10-22T12:00:00Z",
        "date": "2026-10-22",
        "type": "PROTEST",
        "mode": "demo",
        "trigger": "marched",
        "actor": ["VENCVL", "Residents"],
        "recipient": ["USAGOV", "Washington"],
        "sentence": "Residents marched against Washington.",
    },
]


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with open_store(db_path) as opened:
        opened.upsert_sources(fx.fixture_sources())
        opened.add_articles(list(fx.articles_for(SPECS).values()))
        events = [fx.event_from_spec(s) for s in SPECS]
        opened.replace_events([(e.doc_id, [e]) for e in events], "test@1")
        yield opened


def correct(
    store: Store, target: str, action: str = "correct", minutes: int = 0, **changes: Any
) -> Any:
    return add_correction(
        store,
        "event",
        target,
        action=action,
        analyst="ana",
        note="checked the source",
        changes=changes or None,
        now=T0 + timedelta(minutes=minutes),
    )


def ids(events: list[Any]) -> list[str]:
    return [e.id for e in events]


def test_corrections_reject_removes_event_everywhere(store: Store) -> None:
    correct(store, "strike", "reject")
    assert ids(effective_events(store)) == ["call", "protest"]
    assert ids(effective_events(store, include_rejected=True)) == ["call", "strike", "protest"]
    assert event_corrections(store).rejected_ids == {"strike"}


def test_corrections_later_confirm_undoes_reject(store: Store) -> None:
    correct(store, "strike", "reject", minutes=0)
    correct(store, "strike", "confirm", minutes=5)
    (strike,) = [e for e in effective_events(store) if e.id == "strike"]
    assert strike.confidence == 1.0


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        (
            {"event_type": "ACCUSE"},
            lambda e: (e.event_type, e.mode, e.cameo, e.quad_class) == ("ACCUSE", None, "110", 3),
        ),
        ({"mode": "visit"}, lambda e: (e.mode, e.cameo, e.goldstein) == ("visit", "042", 1.9)),
        ({"cameo": "0841"}, lambda e: (e.event_type, e.mode) == ("RETREAT", "release")),
        (
            {"actor": "RUSMIL"},
            lambda e: e.actor_codes == ("RUSMIL",) and e.actor[0].text == "Lavrov",
        ),
        ({"recipient": ["VENGOV", "CUBGOV"]}, lambda e: e.recipient_codes == ("VENGOV", "CUBGOV")),
        ({"date": "2026-10-19"}, lambda e: e.date == date(2026, 10, 19)),
        ({"fatalities": "5"}, lambda e: e.fatalities == 5),
        ({"modality": "negated"}, lambda e: e.modality == "negated"),
        (
            {"location": "Caracas"},
            lambda e: e.location is not None and e.location.name == "Caracas",
        ),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_corrections_fields_replace_coded_ones(
    store: Store, changes: dict[str, Any], check: Any
) -> None:
    add_correction(
        store, "event", "call", action="correct", analyst="ana", note="fix", changes=changes
    )
    (call,) = [e for e in effective_events(store) if e.id == "call"]
    assert check(call) and call.confidence == 1.0


def test_corrections_later_correction_of_a_field_wins(store: Store) -> None:
    correct(store, "call", minutes=0, mode="visit")
    correct(store, "call", minutes=1, mode="third-party")
    (call,) = [e for e in effective_events(store) if e.id == "call"]
    assert call.mode == "third-party"


@pytest.mark.parametrize(
    ("changes", "query", "expected"),
    [
        ({"date": "2026-11-05"}, EventQuery(since=date(2026, 11, 1)), ["call"]),
        ({"date": "2026-11-05"}, EventQuery(until=date(2026, 10, 31)), ["strike", "protest"]),
        ({"actor": "CHNGOV"}, EventQuery(actors=["CHN"]), ["call"]),
        ({"actor": "CHNGOV"}, EventQuery(actors=["RUS"]), []),
        ({"event_type": "ACCUSE"}, EventQuery(event_types=["ACCUSE"]), ["call"]),
    ],
)
def test_corrections_query_applies_to_corrected_records(
    store: Store, changes: dict[str, Any], query: EventQuery, expected: list[str]
) -> None:
    correct(store, "call", **changes)
    assert ids(effective_events(store, query)) == expected


def test_corrections_without_any_are_the_stored_events(store: Store) -> None:
    assert effective_events(store, EventQuery(limit=2)) == store.events(EventQuery(limit=2))


@pytest.mark.parametrize(
    ("kind", "target", "action", "changes", "note", "problem"),
    [
        ("event", "call", "correct", {"colour": "red"}, "x", "no correctable field"),
        ("event", "call", "correct", {"event_type": "HUG"}, "x", "unknown event type"),
        ("event", "call", "correct", {"mode": "telepathy"}, "x", "has no mode"),
        ("event", "call", "correct", {"date": "yesterday"}, "x", "is not a date"),
        ("event", "call", "correct", {"actor": "russia"}, "x", "is not a country"),
        ("event", "call", "correct", {"fatalities": -2}, "x", "cannot be negative"),
        ("event", "nope", "reject", None, "x", "no stored event"),
        ("event", "call", "correct", None, "x", "needs at least one"),
        ("event", "call", "reject", {"mode": "visit"}, "x", "takes no changed fields"),
        ("event", "call", "comment", None, "  ", "needs its text"),
        ("event", "call", "approve", None, "x", "unknown action"),
        ("brief", "call", "reject", None, "x", "cannot correct"),
        ("claim", "clm-1", "correct", {"status": "likely"}, "x", "unknown claim status"),
    ],
)
def test_corrections_bad_input_is_refused(
    store: Store,
    kind: str,
    target: str,
    action: str,
    changes: dict[str, Any] | None,
    note: str,
    problem: str,
) -> None:
    with pytest.raises(CorrectionError, match=problem):
        add_correction(
            store, kind, target, action=action, analyst="ana", note=note, changes=changes
        )
    assert audit_trail(store) == []  # nothing half-written


def test_corrections_audit_trail_keeps_every_action(store: Store) -> None:
    correct(store, "strike", "reject", minutes=0)
    add_correction(
        store,
        "event",
        "strike",
        action="comment",
        analyst="bo",
        note="the boat was a fishing boat",
        now=T0 + timedelta(minutes=1),
    )
    correct(store, "strike", "confirm", minutes=2)
    trail = audit_trail(store, target_ids=["strike"])
    assert [c.action for c in trail] == ["reject", "comment", "confirm"]
    assert [c.analyst for c in trail] == ["ana", "bo", "ana"]
    assert trail[0].original is not None and trail[0].original["id"] == "strike"
    assert trail[0].created_at == T0


def test_corrections_export_labelled(store: Store) -> None:
    correct(store, "call", minutes=0, mode="visit")
    correct(store, "strike", "reject", minutes=1)
    correct(store, "protest", "confirm", minutes=2)
    add_correction(store, "event", "call", action="comment", analyst="bo", note="seen it")
    handle = io.StringIO()
    assert export_labelled(store, handle) == 3
    rows = {r["id"]: r for r in map(json.loads, handle.getvalue().splitlines())}
    assert {k: r["label"] for k, r in rows.items()} == {
        "call": "corrected",
        "strike": "rejected",
        "protest": "confirmed",
    }
    assert rows["call"]["fields"] == ["mode"]
    assert rows["call"]["original"]["mode"] == "phone"
    assert rows["call"]["corrected"]["mode"] == "visit"
    assert rows["strike"]["corrected"] is None
    assert rows["call"]["analysts"] == ["ana", "bo"] and not rows["call"]["stale"]


def test_corrections_export_keeps_snapshot_of_recoded_event(store: Store) -> None:
    correct(store, "strike", "reject")
    store.replace_events([("d2", [])], "test@2")  # re-coded away
    handle = io.StringIO()
    export_labelled(store, handle)
    (row,) = [json.loads(line) for line in handle.getvalue().splitlines()]
    assert row["stale"] and row["original"]["id"] == "strike"


def test_corrections_take_precedence_in_claims_and_stories(store: Store) -> None:
    from watchfloor.analysis.claims import LedgerSettings, claims
    from watchfloor.analysis.stories import stories

    everything = LedgerSettings(explicit_only=False)
    before = {c.family for c in claims(store, settings=everything)}
    correct(store, "strike", "reject")
    correct(store, "call", event_type="ACCUSE")
    after = {c.family for c in claims(store, settings=everything)}
    assert "attack" in before and "attack" not in after
    assert "talks" in before and "accuse" in after
    found = {e for s in stories(store) for e in s.event_ids}
    assert "strike" not in found and "call" in found


def test_corrections_cli_correct_list_export(store: Store, db_path: Path, tmp_path: Path) -> None:
    from watchfloor.cli import app

    store.close()
    runner = CliRunner()
    db = ["--db", str(db_path)]
    done = runner.invoke(
        app,
        [
            "correct",
            "call",
            *db,
            "--set",
            "mode=visit",
            "--why",
            "they met in Caracas",
            "--analyst",
            "ana",
        ],
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["changes"] == {"mode": "visit"}
    rejected = runner.invoke(app, ["correct", "strike", *db, "--reject", "--analyst", "ana"])
    assert rejected.exit_code == 0
    both = runner.invoke(app, ["correct", "call", *db, "--reject", "--confirm"])
    assert both.exit_code != 0
    listed = runner.invoke(app, ["correct", *db, "--list"])
    actions = [json.loads(line)["action"] for line in listed.stdout.splitlines()]
    assert actions == ["correct", "reject"]
    out = tmp_path / "labels.jsonl"
    exported = runner.invoke(app, ["correct", *db, "--export", str(out)])
    assert exported.exit_code == 0 and len(out.read_text().splitlines()) == 2
