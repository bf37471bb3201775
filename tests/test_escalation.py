"""Escalation: recent window against baseline, with its formula, inputs, arrow and rationale."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from watchfloor.analysis.dyads import plover_intensity
from watchfloor.analysis.escalation import FORMULA, escalation, escalation_frame, escalation_score
from watchfloor.settings import Settings
from watchfloor.store import Store, open_store

try:  # tests/ may be run as a package or as plain modules
    from .test_dyads import make_event, put
except ImportError:
    from test_dyads import make_event, put  # type: ignore[no-redef]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "escalation.duckdb") as opened:
        yield opened


AS_OF = date(2026, 11, 24)
SETTINGS = Settings(recent_days=7, baseline_days=28)


def day(offset: int) -> date:
    """``offset`` days before AS_OF (0 is AS_OF, the last day of the recent window)."""
    return AS_OF - timedelta(days=offset)


@pytest.mark.parametrize(
    ("recent_sum", "baseline_sum", "baseline_sumsq", "R", "B", "z"),
    [
        (-10, 0, 0, 7, 28, -10 / 7 * math.sqrt(7)),  # one armed attack after a quiet month
        (-2, 0, 0, 7, 28, -2 / 7 * math.sqrt(7)),  # one accusation: well inside the band
        (0, -84, 252, 7, 28, 3 * math.sqrt(7)),  # steady -3/day, then silence: s = 0 -> floor
        (-28, -56, 224, 7, 28, -2 / (2 / math.sqrt(7))),  # b = -2, s = 2, r = -4
        (0, 0, 0, 7, 28, 0.0),
    ],
)
def test_escalation_score_follows_the_formula(
    recent_sum: float, baseline_sum: float, baseline_sumsq: float, R: int, B: int, z: float
) -> None:
    assert escalation_score(recent_sum, baseline_sum, baseline_sumsq, R, B).z == pytest.approx(z)


def test_escalation_inputs_recompute_the_score(store: Store) -> None:
    events = [
        make_event("b1", day(10), ["USA"], "ACCUSE", ["VEN"]),
        make_event("b2", day(10), ["USA"], "THREATEN", ["VEN"]),
        make_event("b3", day(20), ["USA"], "CONSULT", ["VEN"]),
        make_event("r1", day(1), ["USA"], "ASSAULT", ["VEN"]),
        make_event("r2", day(3), ["USA"], "SANCTION", ["VEN"]),
    ]
    put(store, events)
    [result] = escalation(store, SETTINGS, sources=["USA"], targets=["VEN"], as_of=AS_OF)
    scale = plover_intensity()
    x = {e.doc_id: scale[(e.event_type, None)] for e in events}
    assert result.inputs["recent_plover_sum"] == pytest.approx(x["r1"] + x["r2"])
    assert result.inputs["baseline_plover_sum"] == pytest.approx(x["b1"] + x["b2"] + x["b3"])
    # day 10 had two events: its net intensity is their sum, squared once
    assert result.inputs["baseline_plover_sumsq"] == pytest.approx(
        (x["b1"] + x["b2"]) ** 2 + x["b3"] ** 2
    )
    again = escalation_score(
        result.inputs["recent_plover_sum"],
        result.inputs["baseline_plover_sum"],
        result.inputs["baseline_plover_sumsq"],
        result.inputs["R"],
        result.inputs["B"],
        result.inputs["floor"],
    )
    assert result.score == pytest.approx(again.z, abs=1e-5)
    assert result.formula == FORMULA
    assert (result.recent, result.baseline) == ((day(6), AS_OF), (day(34), day(7)))


@pytest.mark.parametrize(
    ("baseline", "recent", "arrow"),
    [
        ([], [("ASSAULT", 1)], "deteriorated"),
        ([], [("ACCUSE", 2)], "unchanged"),
        ([("ACCUSE", d) for d in range(8, 35, 3)], [("ACCUSE", 2)], "unchanged"),
        ([("ASSAULT", d) for d in range(8, 35, 2)], [], "improved"),
        (
            [("CONSULT", d) for d in range(8, 35, 4)],
            [("AID", 1), ("AID", 2), ("AID", 3)],
            "improved",
        ),
        (
            [("CONSULT", d) for d in range(8, 35, 4)],
            [("SANCTION", 1), ("ASSAULT", 2)],
            "deteriorated",
        ),
    ],
)
def test_escalation_arrows(
    store: Store, baseline: list[tuple[str, int]], recent: list[tuple[str, int]], arrow: str
) -> None:
    events = [
        make_event(f"e{i}", day(offset), ["USA"], event_type, ["VEN"])
        for i, (event_type, offset) in enumerate(baseline + recent)
    ]
    # an unrelated, steady pair keeps the store's newest date on AS_OF
    events.append(make_event("other", AS_OF, ["FRA"], "CONSULT", ["DEU"]))
    put(store, events)
    [result] = escalation(store, SETTINGS, sources=["USA"], targets=["VEN"], as_of=AS_OF)
    assert result.arrow == arrow, result.rationale


def test_escalation_rationale_names_the_driving_events(store: Store) -> None:
    put(
        store,
        [
            make_event("calm", day(12), ["USA"], "CONSULT", ["VEN"]),
            make_event("strike", day(2), ["USAMIL"], "ASSAULT", ["VEN"]),
            make_event("sanction", day(1), ["USA"], "SANCTION", ["VEN"]),
            make_event("talk", day(1), ["USA"], "CONSULT", ["VEN"], index=1),
        ],
    )
    [result] = escalation(store, SETTINGS, sources=["USA*"], targets=["VEN*"], as_of=AS_OF)
    assert result.arrow == "deteriorated"
    assert [e.doc_id for e in result.drivers] == ["strike", "sanction"]  # most negative first
    for driver in result.drivers:
        assert driver.summary() in result.rationale
    assert "talk" not in result.rationale  # cooperation does not drive a deterioration
    assert f"z = {result.score:+.2f}" in result.rationale


def test_escalation_flags_new_actors_in_a_known_dyad(store: Store) -> None:
    put(
        store,
        [
            make_event("old", day(60), ["USAGOV"], "ACCUSE", ["VEN"]),  # before the baseline
            make_event("new", day(1), ["USAMIL"], "ASSAULT", ["VENMIL"]),
            make_event("again", day(2), ["USAGOV"], "ACCUSE", ["VEN"]),
        ],
    )
    [result] = escalation(store, SETTINGS, as_of=AS_OF)
    assert (result.source, result.target) == ("USA", "VEN")
    assert result.new_dyad is False
    assert result.new_actors == ("USAMIL", "VENMIL")
    assert "new actors: USAMIL, VENMIL" in result.rationale


def test_escalation_flags_a_new_dyad(store: Store) -> None:
    put(
        store,
        [
            make_event("old", day(40), ["USA"], "ACCUSE", ["VEN"]),
            make_event("new", day(1), ["RUSMIL"], "AID", ["VEN"]),
            make_event("recent", day(1), ["USA"], "ACCUSE", ["VEN"]),
        ],
    )
    found = {(e.source, e.target): e for e in escalation(store, SETTINGS, as_of=AS_OF)}
    assert found[("RUS", "VEN")].new_dyad is True
    assert found[("USA", "VEN")].new_dyad is False


def test_escalation_windows_come_from_settings_and_newest_event(store: Store) -> None:
    put(store, [make_event("e1", AS_OF, ["USA"], "ACCUSE", ["VEN"])])
    [result] = escalation(store, Settings(recent_days=3, baseline_days=10))
    assert result.as_of == AS_OF
    assert result.recent == (day(2), AS_OF)
    assert result.baseline == (day(12), day(3))
    assert (result.inputs["R"], result.inputs["B"]) == (3, 10)


def test_escalation_lists_largest_changes_first_and_frames(store: Store) -> None:
    put(
        store,
        [
            make_event("a", day(1), ["USA"], "ASSAULT", ["VEN"]),
            make_event("b", day(1), ["COL"], "ACCUSE", ["USA"]),
            make_event("c", day(1), ["RUS"], "CONSULT", ["VEN"]),
        ],
    )
    results = escalation(store, SETTINGS, as_of=AS_OF)
    assert [abs(r.score) for r in results] == sorted((abs(r.score) for r in results), reverse=True)
    frame = escalation_frame(store, SETTINGS, as_of=AS_OF)
    assert list(frame["source"]) == [r.source for r in results]
    assert {"r", "b", "s", "recent_plover_sum", "rationale"} <= set(frame.columns)


def test_escalation_of_an_empty_store_is_empty(store: Store) -> None:
    assert escalation(store, SETTINGS, as_of=AS_OF) == []


def test_escalation_cli_prints_formula_inputs_and_rationale(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from watchfloor.cli import app

    db = tmp_path / "cli.duckdb"
    with open_store(db) as opened:
        put(opened, [make_event("strike", day(1), ["USAMIL"], "ASSAULT", ["VEN"])])
    result = CliRunner().invoke(
        app,
        ["escalation", "--db", str(db), "--as-of", AS_OF.isoformat()],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "formula: " + FORMULA in result.stdout.replace("\n", " ")
    assert "deteriorated" in result.stdout
    assert "[strike]" in result.stdout  # the driving event, named in the rationale
    assert "r=-1.29" in result.stdout  # one armed attack (-9) over 7 days


@pytest.mark.parametrize(("history_days", "new_dyad"), [(365, False), (30, True)])
def test_escalation_new_dyad_looks_back_a_bounded_history(
    store: Store, history_days: int, new_dyad: bool
) -> None:
    put(
        store,
        [
            make_event("old", day(60), ["USA"], "ACCUSE", ["VEN"]),
            make_event("recent", day(1), ["USA"], "ACCUSE", ["VEN"]),
        ],
    )
    settings = Settings(recent_days=7, baseline_days=28, escalation_history_days=history_days)
    [result] = escalation(store, settings, as_of=AS_OF)
    assert result.new_dyad is new_dyad
    assert result.inputs["history_days"] == history_days
