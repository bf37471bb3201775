"""Indicators: the YAML format, filter semantics, measures, trend, arrow, threshold, evidence."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from watchfloor.analysis.dyads import plover_intensity
from watchfloor.analysis.indicators import (
    MEASURES,
    evaluate_indicator,
    evaluate_indicators,
    event_matches,
    indicators_frame,
    load_indicators,
    parse_indicators,
)
from watchfloor.errors import ConfigError
from watchfloor.records import EVENT_TYPES, Event, Indicator, Location
from watchfloor.store import EventQuery, Store, open_store

try:  # tests/ may be run as a package or as plain modules
    from .test_dyads import make_event, put
except ImportError:
    from test_dyads import make_event, put  # type: ignore[no-redef]

AS_OF = date(2026, 11, 24)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "indicators.duckdb") as opened:
        yield opened


def indicator(filter_: dict[str, Any], **fields: Any) -> Indicator:
    data = {"id": "x", "name": "X", "filter": filter_, "window_days": 7, "baseline_days": 21}
    data.update(fields)
    return parse_indicators([data])[0]


def day(offset: int) -> date:
    return AS_OF - timedelta(days=offset)


def test_indicators_demo_file_ships_the_five_scenario_indicators() -> None:
    found = load_indicators()
    assert [i.name for i in found] == [
        "Russian military presence in Venezuela",
        "Russia–Venezuela economic ties",
        "Diplomatic manoeuvring",
        "Regional polarisation",
        "Cyber operations",
    ]
    assert all(i.threshold is not None and i.filters for i in found)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"indicators": []}, "non-empty list"),
        ([{"name": "no id", "filter": {"types": ["AID"]}}], "'id' is required"),
        ([{"id": "a", "filter": {"types": ["AID"]}, "colour": "red"}], "unknown field(s) colour"),
        ([{"id": "a", "filter": {"typez": ["AID"]}}], "unknown key(s) typez"),
        ([{"id": "a", "filter": {"types": ["HUG"]}}], "unknown PLOVER type(s) HUG"),
        ([{"id": "a", "filter": {"actors": ["RU-S"]}}], "actor set term"),
        ([{"id": "a", "filter": {"types": ["AID"]}, "measure": "mood"}], "unknown measure"),
        ([{"id": "a", "filter": {"types": ["AID"]}, "window_days": 0}], "window_days"),
        (
            [{"id": "a", "filter": {"types": ["AID"]}, "window_days": 14, "baseline_days": 7}],
            "at least window_days",
        ),
        ([{"id": "a", "filter": {"types": ["AID"]}, "polarity": "up"}], "polarity"),
        ([{"id": "a", "filter": {"any": []}}], "non-empty list of filters"),
        ([{"id": "a", "filter": {"modalities": ["maybe"]}}], "unknown modality"),
        (
            [{"id": "a", "filter": {"types": ["AID"]}}, {"id": "a", "filter": {"types": ["AID"]}}],
            "appears twice",
        ),
    ],
)
def test_indicators_invalid_definitions_are_refused(data: Any, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_indicators(data, source="mine.yaml")
    assert problem in str(caught.value)
    assert caught.value.code == "W102"


def test_indicators_load_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_indicators(tmp_path / "none.yaml")


def test_indicators_load_reads_an_analyst_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        yaml.safe_dump(
            {"indicators": [{"id": "t", "name": "Talks", "filter": {"types": ["CONSULT"]}}]}
        ),
        encoding="utf-8",
    )
    [found] = load_indicators(path)
    assert (found.id, found.window_days, found.baseline_days, found.measure) == (
        "t",
        14,
        56,
        "count",
    )


CARACAS = Location("Caracas", "VEN", 10.5, -66.9)

# (filter, matching event, non-matching event)
FILTER_CASES = [
    (
        {"actors": ["RUS*"]},
        make_event("m", AS_OF, ["RUSMIL"], "AID", ["VEN"]),
        make_event("n", AS_OF, ["USA"], "AID", ["VEN"]),
    ),
    (
        {"recipients": ["VENMIL"]},
        make_event("m", AS_OF, ["RUS"], "AID", ["VENMIL"]),
        make_event("n", AS_OF, ["RUS"], "AID", ["VEN"]),
    ),
    (
        {"actors": ["RUS*"], "recipients": ["VEN*"], "either_direction": True},
        make_event("m", AS_OF, ["VEN"], "AGREE", ["RUSGOV"]),
        make_event("n", AS_OF, ["VEN"], "AGREE", ["CUB"]),
    ),
    (
        {"not_actors": ["USA*"], "recipients": ["VEN"]},
        make_event("m", AS_OF, ["CUB"], "SUPPORT", ["VEN"]),
        make_event("n", AS_OF, ["USAGOV", "COL"], "ACCUSE", ["VEN"]),
    ),
    (
        {"types": ["sanction"]},
        make_event("m", AS_OF, ["USA"], "SANCTION", ["VEN"]),
        make_event("n", AS_OF, ["USA"], "ACCUSE", ["VEN"]),
    ),
    (
        {"types": ["COERCE"], "modes": ["cyber"]},
        make_event("m", AS_OF, ["USA"], "COERCE", ["VEN"], mode="cyber"),
        make_event("n", AS_OF, ["USA"], "COERCE", ["VEN"], mode="arrest"),
    ),
    (
        {"quad_classes": [4]},
        make_event("m", AS_OF, ["USA"], "MOBILIZE", ["VEN"]),
        make_event("n", AS_OF, ["USA"], "THREATEN", ["VEN"]),
    ),
    (
        {"places": ["VEN"]},
        make_event("m", AS_OF, ["RUS"], "MOBILIZE", ["USA"], place=CARACAS),
        make_event("n", AS_OF, ["RUS"], "MOBILIZE", ["USA"]),
    ),
    (
        {"places": ["caracas"]},
        make_event("m", AS_OF, ["RUS"], "MOBILIZE", ["USA"], place=CARACAS),
        make_event(
            "n", AS_OF, ["RUS"], "MOBILIZE", ["USA"], place=Location("Havana", "CUB", None, None)
        ),
    ),
    (
        {"keywords": ["Cyber", "50%_off"]},
        make_event(
            "m", AS_OF, ["VEN"], "ACCUSE", ["USA"], sentence="Caracas blamed a CYBERATTACK."
        ),
        make_event("n", AS_OF, ["VEN"], "ACCUSE", ["USA"], sentence="A 50% cut off supplies."),
    ),
    (
        {"types": ["AID"], "modalities": ["actual", "future"]},
        make_event("m", AS_OF, ["RUS"], "AID", ["VEN"], modality="future"),
        make_event("n", AS_OF, ["RUS"], "AID", ["VEN"], modality="hypothetical"),
    ),
    (
        {"types": ["ASSAULT"]},
        make_event("m", AS_OF, ["USA"], "ASSAULT", ["VEN"], stance="asserts"),
        make_event("n", AS_OF, ["USA"], "ASSAULT", ["VEN"], stance="denies"),
    ),
    (
        {"types": ["ASSAULT"], "stances": ["denies"]},
        make_event("m", AS_OF, ["USA"], "ASSAULT", ["VEN"], stance="denies"),
        make_event("n", AS_OF, ["USA"], "ASSAULT", ["VEN"]),
    ),
]


@pytest.mark.parametrize(("filter_", "matching", "other"), FILTER_CASES)
def test_indicators_filter_fields(
    store: Store, filter_: dict[str, Any], matching: Event, other: Event
) -> None:
    ind = indicator(filter_)
    assert event_matches(matching, ind) and not event_matches(other, ind)
    put(store, [matching, other])
    value = evaluate_indicator(store, ind, as_of=AS_OF)
    assert value.value == 1
    assert [e.doc_id for e in value.evidence] == ["m"]


def test_indicators_any_of_filters_is_a_union(store: Store) -> None:
    ind = indicator({"any": [{"types": ["AID"]}, {"actors": ["CUB"]}]})
    put(
        store,
        [
            make_event("aid", AS_OF, ["RUS"], "AID", ["VEN"]),
            make_event("cuba", AS_OF, ["CUB"], "SUPPORT", ["VEN"]),
            make_event("both", AS_OF, ["CUB"], "AID", ["VEN"]),
            make_event("none", AS_OF, ["USA"], "ACCUSE", ["VEN"]),
        ],
    )
    assert evaluate_indicator(store, ind, as_of=AS_OF).value == 3


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_indicators_measures(store: Store, measure: str) -> None:
    events = [
        make_event("a", AS_OF, ["CUB", "NIC"], "SUPPORT", ["VEN"]),
        make_event("b", day(1), ["COL"], "ACCUSE", ["USA"]),
        make_event("c", day(2), ["USAMIL"], "ASSAULT", ["VEN"], fatalities=6),
        make_event("d", day(3), ["CUBGOV"], "SUPPORT", ["VEN"], fatalities=None),
    ]
    put(store, events)
    scale = plover_intensity()
    plover = [scale[(e.event_type, None)] for e in events]
    expected = {
        "count": 4,
        "distinct_countries": 4,  # CUB, NIC, COL, USA
        "plover_sum": sum(plover),
        "conflict_intensity": -sum(p for p in plover if p < 0),
        "cooperation_intensity": sum(p for p in plover if p > 0),
        "goldstein_sum": sum(e.goldstein for e in events),
        "fatalities": 6,
    }[measure]
    ind = indicator({"types": list(EVENT_TYPES)}, measure=measure)
    assert evaluate_indicator(store, ind, as_of=AS_OF).value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("baseline_counts", "current", "polarity", "trend", "arrow"),
    [
        ([1, 1, 1], 4, "rising_is_worse", "rising", "deteriorated"),
        ([1, 1, 1], 4, "rising_is_better", "rising", "improved"),
        ([3, 3, 3], 0, "rising_is_worse", "falling", "improved"),
        ([1, 1, 1], 1, "rising_is_worse", "steady", "unchanged"),
        ([0, 6, 0], 3, "rising_is_worse", "steady", "unchanged"),  # within one sd of the mean
        ([0, 0, 0], 1, "rising_is_worse", "rising", "deteriorated"),  # min_change of 1
    ],
)
def test_indicators_trend_and_arrow(
    store: Store,
    baseline_counts: list[int],
    current: int,
    polarity: str,
    trend: str,
    arrow: str,
) -> None:
    events = []
    # windows of 7 days ending AS_OF: k = 0 is the current one, k = 1..3 the baseline
    for k, count in enumerate([current, *reversed(baseline_counts)]):
        for i in range(count):
            events.append(make_event(f"w{k}-{i}", day(7 * k + i % 7), ["RUS"], "AID", ["VEN"]))
    put(store, events)
    value = evaluate_indicator(store, indicator({"types": ["AID"]}, polarity=polarity), as_of=AS_OF)
    assert [v for _, v in value.series] == [*baseline_counts, current]
    assert value.inputs["baseline_values"] == baseline_counts
    assert (value.trend, value.arrow) == (trend, arrow)
    assert value.change == pytest.approx(current - sum(baseline_counts) / 3)
    assert value.series[-1][0] == value.window[0] == day(6)


@pytest.mark.parametrize(
    ("threshold", "direction", "crossed"),
    [
        (2, "above", True),
        (3, "above", True),
        (4, "above", False),
        (3, "below", True),
        (2, "below", False),
    ],
)
def test_indicators_threshold(
    store: Store, threshold: float, direction: str, crossed: bool
) -> None:
    put(store, [make_event(f"e{i}", day(i), ["RUS"], "AID", ["VEN"]) for i in range(3)])
    ind = indicator({"types": ["AID"]}, threshold=threshold, threshold_direction=direction)
    assert evaluate_indicator(store, ind, as_of=AS_OF).crossed is crossed


def test_indicators_evidence_is_the_newest_matching_events_of_the_window(store: Store) -> None:
    put(
        store,
        [
            make_event("old", day(10), ["RUS"], "AID", ["VEN"]),  # before the window
            make_event("mid", day(3), ["RUS"], "AID", ["VEN"]),
            make_event("new", day(1), ["RUS"], "AID", ["VEN"]),
            make_event("other", day(0), ["USA"], "ACCUSE", ["VEN"]),
        ],
    )
    value = evaluate_indicator(store, indicator({"types": ["AID"]}), as_of=AS_OF, evidence=5)
    assert [e.doc_id for e in value.evidence] == ["new", "mid"]
    assert value.evidence[0].sentence and value.evidence[0].actors == ("RUS",)


def test_indicators_formula_and_inputs_explain_the_value(store: Store) -> None:
    put(store, [make_event("a", AS_OF, ["RUS"], "AID", ["VEN"])])
    value = evaluate_indicator(store, indicator({"types": ["AID"]}, threshold=1), as_of=AS_OF)
    assert "tolerance = max(baseline_sd, min_change)" in value.formula
    assert value.inputs["tolerance"] == max(value.baseline_sd, 1.0)
    assert value.inputs["value"] == value.value == 1


def test_indicators_sql_and_python_rules_agree(store: Store) -> None:
    rng = random.Random(5)
    codes = ["RUS", "RUSMIL", "RUSGOV", "VEN", "VENMIL", "USA", "USAMIL", "CUB", "COL", "IGOUNO"]
    words = ["a cyberattack hit", "oil stake deal", "military cargo flight", "talks", "protest"]
    events = []
    for i in range(300):
        event_type = rng.choice(EVENT_TYPES)
        events.append(
            make_event(
                f"r{i}",
                day(rng.randrange(0, 60)),
                rng.sample(codes, rng.choice([1, 1, 2])),
                event_type,
                rng.sample(codes, 1),
                modality=rng.choice(["actual", "actual", "future", "negated"]),
                stance=rng.choice([None, None, "asserts", "denies"]),
                sentence=f"Officials said {rng.choice(words)} today.",
                place=CARACAS if rng.random() < 0.3 else None,
                index=0,
            )
        )
    put(store, events)
    stored = store.events(EventQuery())
    for ind in load_indicators():
        value = evaluate_indicator(store, ind, as_of=AS_OF)
        window = [e for e in stored if e.date and value.window[0] <= e.date <= AS_OF]
        matched = [e for e in window if event_matches(e, ind)]
        if ind.measure == "count":
            assert value.value == len(matched), ind.id
        else:
            countries = {a.country for e in matched for a in e.actor if a.country}
            assert value.value == len(countries), ind.id


def test_indicators_frame_and_default_set(store: Store) -> None:
    put(store, [make_event("a", AS_OF, ["CUB"], "SUPPORT", ["VEN"])])
    values = evaluate_indicators(store)
    assert len(values) == 5 and all(v.as_of == AS_OF for v in values)
    frame = indicators_frame(store)
    assert list(frame["indicator_id"]) == [v.indicator_id for v in values]
    assert {"value", "trend", "arrow", "crossed"} <= set(frame.columns)


# -- the demo corpus, end to end ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    try:
        from watchfloor.coding import get_coder
    except ImportError as exc:
        pytest.skip(f"the event coder is not available yet (watchfloor.coding.get_coder): {exc}")
    from watchfloor.api import Watchfloor, demo_articles_path, demo_sources

    del get_coder
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Watchfloor(path) as wf:
        wf.add_sources(demo_sources())
        wf.ingest([demo_articles_path()])
        yield wf.store


def test_indicators_on_the_demo_corpus(demo_store: Store) -> None:
    """The five demo indicators evaluated on the coded demo corpus, checked against the events."""
    indicators = load_indicators()
    values = evaluate_indicators(demo_store, indicators)
    stored = demo_store.events(EventQuery())
    newest = max(e.date for e in stored if e.date)
    assert len(values) == 5
    article_ids = {a.id for a in demo_store.articles()}
    for ind, value in zip(indicators, values, strict=True):
        assert value.as_of == newest
        assert value.arrow in {"deteriorated", "improved", "unchanged"}
        window = [e for e in stored if e.date and value.window[0] <= e.date <= newest]
        matched = [e for e in window if event_matches(e, ind)]
        if ind.measure == "count":
            assert value.value == len(matched), ind.id
        for cited in value.evidence:
            assert cited.doc_id in article_ids
            assert cited.event_id in {e.id for e in matched}
    # over the whole scenario, every indicator finds something to count
    history = {
        v.indicator_id: sum(x for _, x in v.series)
        for v in evaluate_indicators(demo_store, indicators, as_of=newest)
    }
    assert all(total > 0 for total in history.values()), history


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_indicators_cli_with_an_analyst_file(tmp_path: Path, fmt: str) -> None:
    import json

    from typer.testing import CliRunner

    from watchfloor.cli import app

    db = tmp_path / "cli.duckdb"
    with open_store(db) as opened:
        put(opened, [make_event(f"a{i}", day(i), ["RUS"], "AID", ["VEN"]) for i in range(3)])
    path = tmp_path / "mine.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "indicators": [
                    {
                        "id": "aid",
                        "name": "Russian aid",
                        "filter": {"types": ["AID"]},
                        "window_days": 7,
                        "baseline_days": 14,
                        "threshold": 2,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["indicators", "--db", str(db), "--file", str(path), "-f", fmt],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        [row] = [json.loads(line) for line in result.stdout.splitlines()]
        assert (row["value"], row["crossed"], row["trend"]) == (3, True, "rising")
        assert "tolerance" in row["formula"]
    elif fmt == "csv":
        header, line = result.stdout.strip().splitlines()
        assert header.split(",")[:2] == ["indicator_id", "name"] and line.startswith("aid,")
    else:
        assert "Russian aid" in result.stdout and "CROSSED" in result.stdout
        assert "formula: value = count" in result.stdout
        assert "[a0]" in result.stdout  # evidence, cited by document
