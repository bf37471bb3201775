"""Dyads: directed actor-set pairs, counted in SQL from hand-built events.

``make_event`` and ``put`` are shared with the other analysis tests (escalation, indicators,
forecasts, alerts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from watchfloor.analysis.dyads import ActorSet, dyad_series, dyads, dyads_frame, plover_intensity
from watchfloor.errors import ConfigError
from watchfloor.ontology import load_ontology
from watchfloor.records import EVENT_TYPES, ClaimRef, Entity, Event, Location, Trigger
from watchfloor.store import Store, open_store


def entity(code: str) -> Entity:
    return Entity(code, code, code[:3], code[3:] or None, 0, len(code))


def make_event(
    doc_id: str,
    day: date,
    actors: Sequence[str],
    event_type: str,
    recipients: Sequence[str],
    *,
    mode: str | None = None,
    modality: str = "actual",
    stance: str | None = None,
    sentence: str | None = None,
    place: Location | None = None,
    fatalities: int | None = None,
    index: int = 0,
) -> Event:
    """An event as a coder would store it, with CAMEO, quad class and Goldstein from the tables."""
    onto = load_ontology()
    cameo = onto.default_cameo(event_type, mode)
    return Event(
        id=f"{doc_id}-{index}",
        doc_id=doc_id,
        sentence_index=index,
        sentence=sentence
        or f"{' and '.join(actors)} {event_type.lower()} {' and '.join(recipients)}.",
        date=day,
        event_type=event_type,
        mode=mode,
        cameo=cameo,
        quad_class=onto.quad_class(event_type),
        goldstein=onto.goldstein(cameo),
        actor=tuple(entity(a) for a in actors),
        recipient=tuple(entity(r) for r in recipients),
        trigger=Trigger(event_type.lower(), 0, 1),
        modality=modality,  # type: ignore[arg-type]
        claim=ClaimRef(stance, entity("XXX")) if stance else None,  # type: ignore[arg-type]
        fatalities=fatalities,
        location=place,
    )


def put(store: Store, events: Sequence[Event]) -> None:
    """Store events grouped by document, as the coder does."""
    by_doc: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_doc[event.doc_id].append(event)
    store.replace_events(list(by_doc.items()), "test@1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "analysis.duckdb") as opened:
        yield opened


MONDAY = date(2026, 10, 5)


@pytest.mark.parametrize(
    ("spec", "code", "expected"),
    [
        ("RUS*", "RUSGOV", True),
        ("RUS*", "RUS", True),
        ("RUS*", "USAGOV", False),
        ("RUSMIL", "RUSMIL", True),
        ("RUSMIL", "RUSGOV", False),
        ("RUS", "RUSGOV", False),  # without a star: the state as a whole only
        ("RUS", "RUS", True),
        ("rus*, ven*", "VENMIL", True),
        ("*", "IGOUNO", True),
        ("*", None, False),
    ],
)
def test_dyads_actor_set_membership(spec: str, code: str | None, expected: bool) -> None:
    assert ActorSet.parse(spec).matches(code) is expected


@pytest.mark.parametrize("spec", ["", " , ", "RU-S*", "RUS;VEN"])
def test_dyads_actor_set_rejects_malformed_specs(spec: str) -> None:
    with pytest.raises(ConfigError):
        ActorSet.parse(spec)


def test_dyads_actor_set_from_a_list_is_the_union() -> None:
    actor_set = ActorSet.parse(["RUSGOV", "RUSMIL", "BLR*"])
    assert [actor_set.matches(c) for c in ("RUSGOV", "RUSMIL", "RUSBUS", "BLRGOV")] == [
        True,
        True,
        False,
        True,
    ]


def test_dyads_coordinated_actors_contribute_to_each_pair(store: Store) -> None:
    put(store, [make_event("d1", MONDAY, ["USA", "COL"], "ACCUSE", ["VEN", "CUB"])])
    found = {(d.source, d.target): d.total.events for d in dyads(store)}
    assert found == {("USA", "VEN"): 1, ("USA", "CUB"): 1, ("COL", "VEN"): 1, ("COL", "CUB"): 1}


def test_dyads_event_counts_once_per_actor_set_pair(store: Store) -> None:
    put(store, [make_event("d1", MONDAY, ["RUSGOV", "RUSMIL"], "AID", ["VENGOV", "VENMIL"])])
    assert dyad_series(store, "RUS*", "VEN*").total.events == 1
    assert dyads(store, level="code", limit=None)[0].total.events == 1
    assert len(dyads(store, level="code", limit=None)) == 4  # every code pair, once each


@pytest.mark.parametrize(
    ("source", "expected"),
    [("RUS*", 3), ("RUS", 1), ("RUSMIL", 1), ("RUSGOV,RUSMIL", 2), (["RUSGOV", "RUSMIL"], 2)],
)
def test_dyads_actor_sets_select_sectors(
    store: Store, source: str | list[str], expected: int
) -> None:
    put(
        store,
        [
            make_event("d1", MONDAY, ["RUS"], "CONSULT", ["VEN"]),
            make_event("d2", MONDAY, ["RUSGOV"], "SUPPORT", ["VEN"]),
            make_event("d3", MONDAY, ["RUSMIL"], "AID", ["VENMIL"]),
        ],
    )
    assert dyad_series(store, source, "VEN*").total.events == expected


def test_dyads_counts_by_quad_class_and_scores(store: Store) -> None:
    onto = load_ontology()
    scale = plover_intensity()
    events = [
        make_event("d1", MONDAY, ["USA"], "CONSULT", ["VEN"]),
        make_event("d2", MONDAY, ["USA"], "AID", ["VEN"]),
        make_event("d3", MONDAY + timedelta(days=1), ["USA"], "ACCUSE", ["VEN"]),
        make_event("d4", MONDAY + timedelta(days=2), ["USAMIL"], "ASSAULT", ["VEN"], mode="aerial"),
        make_event("d5", MONDAY + timedelta(days=2), ["USA"], "SANCTION", ["VEN"]),
    ]
    put(store, events)
    [point] = dyad_series(store, "USA*", "VEN*", granularity="week").points
    assert point.period == MONDAY
    assert (
        point.verbal_coop,
        point.material_coop,
        point.verbal_conflict,
        point.material_conflict,
    ) == (
        1,
        1,
        1,
        2,
    )
    goldstein = [onto.goldstein(e.cameo) for e in events]
    plover = [scale.get((e.event_type, e.mode), scale[(e.event_type, None)]) for e in events]
    assert point.goldstein_sum == pytest.approx(sum(goldstein))
    assert point.goldstein_mean == pytest.approx(sum(goldstein) / 5)
    assert point.plover_sum == pytest.approx(sum(plover))
    assert point.plover_mean == pytest.approx(sum(plover) / 5)
    assert -10.0 in plover  # the aerial attack took its mode's intensity, not the type's


def test_dyads_weekly_series_is_zero_filled_between_events(store: Store) -> None:
    put(
        store,
        [
            make_event("d1", MONDAY + timedelta(days=3), ["USA"], "ACCUSE", ["VEN"]),
            make_event("d2", MONDAY + timedelta(days=15), ["USA"], "ACCUSE", ["VEN"]),
        ],
    )
    dyad = dyad_series(store, "USA", "VEN", granularity="week")
    assert [(p.period, p.events) for p in dyad.points] == [
        (MONDAY, 1),
        (MONDAY + timedelta(days=7), 0),
        (MONDAY + timedelta(days=14), 1),
    ]
    assert dyad.points[1].goldstein_mean is None and dyad.points[1].plover_sum == 0
    assert dyad.total.events == 2


def test_dyads_daily_series_honours_the_window(store: Store) -> None:
    put(
        store,
        [
            make_event(f"d{i}", MONDAY + timedelta(days=i), ["USA"], "ACCUSE", ["VEN"])
            for i in range(10)
        ],
    )
    dyad = dyad_series(
        store,
        "USA",
        "VEN",
        granularity="day",
        since=MONDAY + timedelta(days=2),
        until=MONDAY + timedelta(days=4),
    )
    assert [p.period for p in dyad.points] == [MONDAY + timedelta(days=d) for d in (2, 3, 4)]
    assert dyad.total.events == 3


@pytest.mark.parametrize(
    ("modality", "stance", "counted"),
    [
        ("actual", None, True),
        ("actual", "asserts", True),
        ("actual", "confirms", True),
        ("actual", "denies", False),
        ("actual", "retracts", False),
        ("future", None, False),
        ("hypothetical", None, False),
        ("negated", None, False),
    ],
)
def test_dyads_only_events_that_happened_count(
    store: Store, modality: str, stance: str | None, counted: bool
) -> None:
    put(
        store,
        [make_event("d1", MONDAY, ["USA"], "ASSAULT", ["VEN"], modality=modality, stance=stance)],
    )
    assert dyad_series(store, "USA", "VEN").total.events == (1 if counted else 0)


def test_dyads_listing_leaves_out_self_pairs_and_ranks_by_events(store: Store) -> None:
    put(
        store,
        [
            make_event("d1", MONDAY, ["VENGOV"], "MOBILIZE", ["VENCVL"]),
            make_event("d2", MONDAY, ["USA"], "ACCUSE", ["VEN"]),
            make_event("d3", MONDAY, ["USA"], "SANCTION", ["VEN"]),
            make_event("d4", MONDAY, ["RUS"], "SUPPORT", ["VEN"]),
        ],
    )
    assert [(d.source, d.target) for d in dyads(store)] == [("USA", "VEN"), ("RUS", "VEN")]
    assert ("VENGOV", "VENCVL") in {(d.source, d.target) for d in dyads(store, level="code")}


def test_dyads_top_events_are_the_most_intense(store: Store) -> None:
    put(
        store,
        [
            make_event("d1", MONDAY, ["USA"], "CONSULT", ["VEN"]),
            make_event("d2", MONDAY, ["USAMIL"], "ASSAULT", ["VEN"]),
            make_event("d3", MONDAY, ["USA"], "THREATEN", ["VEN"]),
        ],
    )
    dyad = dyad_series(store, "USA*", "VEN", top=2)
    assert [e.doc_id for e in dyad.top_events] == ["d2", "d3"]
    assert dyad.top_events[0].plover == plover_intensity()[("ASSAULT", None)]


def test_dyads_frame_has_one_row_per_dyad_and_period(store: Store) -> None:
    put(
        store,
        [
            make_event("d1", MONDAY, ["USA"], "ACCUSE", ["VEN"]),
            make_event("d2", MONDAY + timedelta(days=8), ["RUS"], "SUPPORT", ["VEN"]),
        ],
    )
    frame = dyads_frame(store, sources=["USA*", "RUS*"], targets=["VEN*"], granularity="week")
    assert len(frame) == 4  # two dyads, each over the same two weeks
    assert set(frame["source"]) == {"USA*", "RUS*"}
    assert frame["events"].sum() == 2


def test_dyads_plover_scale_signs_follow_quad_classes() -> None:
    onto = load_ontology()
    scale = plover_intensity()
    for event_type in EVENT_TYPES:
        value = scale[(event_type, None)]
        assert (value > 0) == (onto.quad_class(event_type) <= 2), event_type
    assert max(abs(v) for v in scale.values()) == 10


def test_dyads_corrections_take_precedence(store: Store) -> None:
    corrections = pytest.importorskip("watchfloor.analysis.corrections")
    put(
        store,
        [
            make_event("d1", MONDAY, ["USA"], "ACCUSE", ["VEN"]),
            make_event("d2", MONDAY, ["USA"], "ASSAULT", ["VEN"]),
            make_event("d3", MONDAY, ["USA"], "CONSULT", ["CUB"]),
        ],
    )
    corrections.add_correction(
        store,
        "event",
        "d2-0",
        action="reject",
        analyst="ana",
        note="a training exercise, not an attack",
    )
    corrections.add_correction(
        store,
        "event",
        "d3-0",
        action="correct",
        analyst="ana",
        note="the talks were with Caracas",
        changes={"recipient": "VEN"},
    )
    dyad = dyad_series(store, "USA", "VEN")
    assert dyad.total.events == 2
    assert {e.doc_id for e in dyad.top_events} == {"d1", "d3"}
    assert dyad_series(store, "USA", "CUB").total.events == 0


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_dyads_cli_formats(tmp_path: Path, fmt: str) -> None:
    import json

    from typer.testing import CliRunner

    from watchfloor.cli import app

    db = tmp_path / "cli.duckdb"
    with open_store(db) as opened:
        put(
            opened,
            [
                make_event("d1", MONDAY, ["USAMIL"], "ASSAULT", ["VEN"]),
                make_event("d2", MONDAY + timedelta(days=7), ["RUS"], "SUPPORT", ["VEN"]),
            ],
        )
    result = CliRunner().invoke(
        app,
        ["dyads", "--db", str(db), "--source", "USA*,RUS*", "--target", "VEN*", "-f", fmt],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert {(r["source"], r["total"]["events"]) for r in rows} == {("USA*", 1), ("RUS*", 1)}
    elif fmt == "csv":
        lines = result.stdout.strip().splitlines()
        assert lines[0].startswith("source,target,period,events")
        assert len(lines) == 1 + 4  # two dyads over the same two weeks
    else:
        assert "USA* → VEN*" in result.stdout and "RUS* → VEN*" in result.stdout
