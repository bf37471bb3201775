"""Trends as forecasts: recorded when made, scored (hit, Brier) once the horizon has passed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from watchfloor.analysis.forecasts import (
    forecast_scorecard,
    forecasts,
    observed_direction,
    persistence_probability,
    record_forecast,
    score_forecasts,
    trends_to_watch,
)
from watchfloor.analysis.indicators import evaluate_indicators, parse_indicators
from watchfloor.errors import ConfigError
from watchfloor.records import Indicator
from watchfloor.store import Store, open_store

try:  # tests/ may be run as a package or as plain modules
    from .test_dyads import make_event, put
except ImportError:
    from test_dyads import make_event, put  # type: ignore[no-redef]

MADE = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
HORIZON = date(2026, 10, 15)
AID = parse_indicators(
    [
        {
            "id": "aid",
            "name": "Aid",
            "filter": {"types": ["AID"]},
            "window_days": 7,
            "baseline_days": 21,
        }
    ]
)[0]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "forecasts.duckdb") as opened:
        yield opened


def aid_events(store: Store, last_day: date, count: int, prefix: str) -> None:
    """``count`` AID events in the 7 days ending ``last_day``."""
    put(
        store,
        [
            make_event(f"{prefix}{i}", last_day - timedelta(days=i % 7), ["RUS"], "AID", ["VEN"])
            for i in range(count)
        ],
    )


def test_forecasts_record_stores_the_value_when_made(store: Store) -> None:
    aid_events(store, MADE.date(), 2, "m")
    made = record_forecast(store, AID, "rising", HORIZON, probability=0.7, now=MADE, author="kim")
    assert made.value_at_made == 2 and made.status == "open"
    [stored] = forecasts(store)
    assert stored == made
    assert stored.made_at == MADE and stored.horizon == HORIZON


@pytest.mark.parametrize(
    ("direction", "probability", "horizon", "problem"),
    [
        ("up", 0.5, HORIZON, "direction"),
        ("rising", 1.5, HORIZON, "probability"),
        ("rising", 0.5, MADE.date(), "horizon"),
    ],
)
def test_forecasts_refuse_bad_forecasts(
    store: Store, direction: str, probability: float, horizon: date, problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        record_forecast(store, AID, direction, horizon, probability=probability, now=MADE)


@pytest.mark.parametrize(
    ("change", "expected"),
    [(2, "rising"), (1, "rising"), (0.5, "steady"), (0, "steady"), (-1, "falling")],
)
def test_forecasts_observed_direction(change: float, expected: str) -> None:
    assert observed_direction(change, 1.0) == expected


@pytest.mark.parametrize(
    ("direction", "probability", "at_horizon", "hit", "brier"),
    [
        ("rising", 0.8, 4, True, 0.04),  # 1 -> 4: rose, as forecast
        ("rising", 0.8, 1, False, 0.64),  # 1 -> 1: steady, a miss
        ("falling", 0.6, 0, True, 0.16),  # 1 -> 0
        ("steady", 0.5, 1, True, 0.25),
        ("steady", 0.9, 3, False, 0.81),
    ],
)
def test_forecasts_scoring_after_the_horizon(
    store: Store, direction: str, probability: float, at_horizon: int, hit: bool, brier: float
) -> None:
    aid_events(store, MADE.date(), 1, "m")
    record_forecast(store, AID, direction, HORIZON, probability=probability, now=MADE)
    aid_events(store, HORIZON, at_horizon, "h")
    [scored] = score_forecasts(store, [AID], now=datetime(2026, 10, 16, tzinfo=UTC))
    assert (scored.hit, scored.brier, scored.value_at_horizon) == (
        hit,
        pytest.approx(brier),
        at_horizon,
    )
    [stored] = forecasts(store, status="scored")
    assert stored.hit is hit and stored.observed_direction == scored.observed_direction


def test_forecasts_stay_open_until_the_horizon_has_passed(store: Store) -> None:
    record_forecast(store, AID, "rising", HORIZON, probability=0.7, now=MADE)
    assert score_forecasts(store, [AID], now=datetime(2026, 10, 15, 23, 0, tzinfo=UTC)) == []
    assert forecasts(store)[0].status == "open"
    assert len(score_forecasts(store, [AID], now=datetime(2026, 10, 16, 0, 1, tzinfo=UTC))) == 1


def test_forecasts_of_a_removed_indicator_are_void(store: Store) -> None:
    record_forecast(store, AID, "rising", HORIZON, probability=0.7, now=MADE)
    [void] = score_forecasts(store, [], now=datetime(2026, 11, 1, tzinfo=UTC))
    assert void.status == "void" and void.hit is None
    assert forecast_scorecard(store)["void"] == 1


def test_forecasts_scorecard_hit_rate_and_brier(store: Store) -> None:
    aid_events(store, MADE.date(), 1, "m")
    record_forecast(store, AID, "rising", HORIZON, probability=0.8, now=MADE, author="kim")
    record_forecast(store, AID, "falling", HORIZON, probability=0.6, now=MADE, author="lee")
    record_forecast(store, AID, "rising", date(2026, 12, 1), probability=0.6, now=MADE)
    aid_events(store, HORIZON, 3, "h")
    score_forecasts(store, [AID], now=datetime(2026, 10, 20, tzinfo=UTC))
    card = forecast_scorecard(store)
    assert (card["forecasts"], card["scored"], card["open"], card["hits"]) == (3, 2, 1, 1)
    assert card["hit_rate"] == 0.5
    assert card["brier"] == pytest.approx((0.2**2 + 0.6**2) / 2)
    assert forecast_scorecard(store, author="kim")["hit_rate"] == 1.0


def test_forecasts_trends_to_watch_are_persistence_forecasts(store: Store) -> None:
    talks: Indicator = parse_indicators(
        [
            {
                "id": "talks",
                "name": "Talks",
                "filter": {"types": ["CONSULT"]},
                "window_days": 7,
                "baseline_days": 21,
            }
        ]
    )[0]
    aid_events(store, MADE.date(), 4, "m")  # AID rises from nothing; talks stay at zero
    values = evaluate_indicators(store, [AID, talks], as_of=MADE.date())
    made = trends_to_watch(store, values, [AID, talks], now=MADE, horizon_days=14)
    assert [(f.indicator_id, f.direction, f.horizon) for f in made] == [("aid", "rising", HORIZON)]
    assert made[0].probability == persistence_probability(values[0]) == 0.9
    assert made[0].author == "watchfloor" and made[0].value_at_made == 4
    # the trend is recorded once while its forecast is open
    assert trends_to_watch(store, values, [AID, talks], now=MADE + timedelta(hours=1)) == []
