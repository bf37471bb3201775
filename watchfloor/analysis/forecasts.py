"""Trends as forecasts: every "trend to watch" is a checkable statement, scored when it is due.

A forecast says: indicator ``X`` will be ``rising``, ``falling`` or ``steady`` by ``horizon``,
with probability ``p``. It is stored when made, with the indicator's value then. When the
horizon has passed, the indicator is evaluated again on the horizon day and the observed
direction is read from the change::

    change = value_at_horizon - value_at_made
    observed = rising if change >= min_change, falling if change <= -min_change, else steady
    hit = (observed == direction);  brier = (p - hit)^2

so users can see how often the system's (and their own) trends came true: the hit rate and the
mean Brier score (0 is perfect; always saying 50% scores 0.25).

The system's own trends to watch (``trends_to_watch``) are persistence forecasts: an indicator
rising (falling) against its baseline is forecast to keep rising (falling) over the horizon,
with ``p = min(0.9, 0.5 + 0.1 * |change| / tolerance)`` (see ``indicators.py`` for change and
tolerance). The clock is always passed in (``now``), never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from watchfloor.analysis.dyads import is_missing, to_date, to_utc
from watchfloor.analysis.indicators import evaluate_indicator
from watchfloor.errors import ConfigError
from watchfloor.records import Forecast, Indicator, IndicatorValue, stable_id
from watchfloor.store.base import Store

__all__ = [
    "DIRECTIONS",
    "forecast_scorecard",
    "forecasts",
    "observed_direction",
    "persistence_probability",
    "record_forecast",
    "score_forecasts",
    "trends_to_watch",
]

DIRECTIONS: tuple[str, ...] = ("rising", "falling", "steady")
_COLUMNS = (
    "id, indicator_id, direction, probability, made_at, horizon, value_at_made, author, note, "
    "status, observed_direction, value_at_horizon, hit, brier, scored_at"
)


def record_forecast(
    store: Store,
    indicator: Indicator,
    direction: str,
    horizon: date,
    *,
    probability: float,
    now: datetime,
    author: str = "analyst",
    note: str | None = None,
    value_at_made: float | None = None,
) -> Forecast:
    """Store a forecast on ``indicator``; its value today is evaluated unless given.

    >>> record_forecast(store, indicator, "rising", date(2026, 12, 20),   # doctest: +SKIP
    ...                 probability=0.7, now=datetime.now(UTC), author="kim")
    """
    if direction not in DIRECTIONS:
        raise ConfigError(f"forecast direction must be one of {', '.join(DIRECTIONS)}")
    if not 0.0 <= probability <= 1.0:
        raise ConfigError("forecast probability must be between 0 and 1")
    if horizon <= now.date():
        raise ConfigError(f"forecast horizon {horizon} must be after today ({now.date()})")
    if value_at_made is None:
        value_at_made = evaluate_indicator(store, indicator, as_of=now.date(), evidence=0).value
    forecast = Forecast(
        id=stable_id(indicator.id, direction, horizon, now.isoformat(), author, prefix="fc-"),
        indicator_id=indicator.id,
        direction=direction,
        probability=float(probability),
        made_at=now,
        horizon=horizon,
        value_at_made=float(value_at_made),
        author=author,
        note=note,
    )
    store.execute(
        f"INSERT INTO forecasts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            forecast.id,
            forecast.indicator_id,
            forecast.direction,
            forecast.probability,
            forecast.made_at,
            forecast.horizon,
            forecast.value_at_made,
            forecast.author,
            forecast.note,
            forecast.status,
            None,
            None,
            None,
            None,
            None,
        ],
    )
    return forecast


def persistence_probability(value: IndicatorValue) -> float:
    """How sure a persistence forecast is: 0.5 + 0.1 per tolerance of change, at most 0.9."""
    tolerance = float(value.inputs.get("tolerance") or 1.0)
    strength = abs(value.change) / tolerance if tolerance > 0 else 0.0
    return round(min(0.9, 0.5 + 0.1 * strength), 3)


def trends_to_watch(
    store: Store,
    values: Sequence[IndicatorValue],
    indicators: Sequence[Indicator],
    *,
    now: datetime,
    horizon_days: int = 28,
    author: str = "watchfloor",
) -> list[Forecast]:
    """Record a persistence forecast for each rising or falling indicator.

    An indicator that already has an open forecast by ``author`` gets no second one, so
    calling this after every ingest records each trend once.
    """
    by_id = {i.id: i for i in indicators}
    open_ids = {f.indicator_id for f in forecasts(store, status="open", author=author)}
    made = []
    for value in values:
        if value.trend == "steady" or value.indicator_id in open_ids:
            continue
        indicator = by_id.get(value.indicator_id)
        if indicator is None:
            continue
        made.append(
            record_forecast(
                store,
                indicator,
                value.trend,
                now.date() + timedelta(days=horizon_days),
                probability=persistence_probability(value),
                now=now,
                author=author,
                note=f"persistence: {value.trend} ({value.value:g} vs baseline "
                f"{value.baseline_mean:g}) on {value.as_of}",
                value_at_made=value.value,
            )
        )
    return made


def observed_direction(change: float, min_change: float) -> str:
    """``rising``/``falling``/``steady`` for a change in an indicator's value."""
    if change >= min_change:
        return "rising"
    if change <= -min_change:
        return "falling"
    return "steady"


def score_forecasts(
    store: Store, indicators: Sequence[Indicator], *, now: datetime
) -> list[Forecast]:
    """Score every open forecast whose horizon has passed; returns them as scored (or void).

    A forecast whose indicator is no longer defined is marked ``void`` and left out of scores.
    """
    by_id = {i.id: i for i in indicators}
    scored = []
    for forecast in forecasts(store, status="open"):
        if forecast.horizon >= now.date():
            continue  # due the day after the horizon, when the horizon day is complete
        indicator = by_id.get(forecast.indicator_id)
        if indicator is None:
            store.execute(
                "UPDATE forecasts SET status = 'void', scored_at = ? WHERE id = ?",
                [now, forecast.id],
            )
            scored.append(_with(forecast, status="void", scored_at=now))
            continue
        value = evaluate_indicator(store, indicator, as_of=forecast.horizon, evidence=0).value
        observed = observed_direction(value - (forecast.value_at_made or 0.0), indicator.min_change)
        hit = observed == forecast.direction
        brier = round((forecast.probability - (1.0 if hit else 0.0)) ** 2, 6)
        store.execute(
            "UPDATE forecasts SET status = 'scored', observed_direction = ?, "
            "value_at_horizon = ?, hit = ?, brier = ?, scored_at = ? WHERE id = ?",
            [observed, value, hit, brier, now, forecast.id],
        )
        scored.append(
            _with(
                forecast,
                status="scored",
                observed_direction=observed,
                value_at_horizon=value,
                hit=hit,
                brier=brier,
                scored_at=now,
            )
        )
    return scored


def forecasts(
    store: Store,
    *,
    status: str | None = None,
    indicator_id: str | None = None,
    author: str | None = None,
) -> list[Forecast]:
    """Stored forecasts, oldest first, optionally only one status, indicator or author."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("status", status), ("indicator_id", indicator_id), ("author", author)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"SELECT {_COLUMNS} FROM forecasts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY made_at, id"
    frame = store.query(sql, params)
    return [_forecast(row) for row in frame.to_dict("records")]


def forecast_scorecard(store: Store, *, author: str | None = None) -> dict[str, Any]:
    """How often trends came true: counts, hit rate and mean Brier score of scored forecasts."""
    found = forecasts(store, author=author)
    scored = [f for f in found if f.status == "scored"]
    hits = sum(1 for f in scored if f.hit)
    return {
        "forecasts": len(found),
        "open": sum(1 for f in found if f.status == "open"),
        "void": sum(1 for f in found if f.status == "void"),
        "scored": len(scored),
        "hits": hits,
        "hit_rate": round(hits / len(scored), 6) if scored else None,
        "brier": round(sum(f.brier or 0.0 for f in scored) / len(scored), 6) if scored else None,
    }


# -- helpers --------------------------------------------------------------------------------------


def _with(forecast: Forecast, **changes: Any) -> Forecast:
    return replace(forecast, **changes)


def _forecast(row: dict[str, Any]) -> Forecast:
    return Forecast(
        id=str(row["id"]),
        indicator_id=str(row["indicator_id"]),
        direction=str(row["direction"]),
        probability=float(row["probability"]),
        made_at=to_utc(row["made_at"]) or datetime.min,
        horizon=to_date(row["horizon"]) or date.min,
        value_at_made=_number(row["value_at_made"]),
        author=str(row["author"]),
        note=_text(row["note"]),
        status=str(row["status"]),
        observed_direction=_text(row["observed_direction"]),
        value_at_horizon=_number(row["value_at_horizon"]),
        hit=None if is_missing(row["hit"]) else bool(row["hit"]),
        brier=_number(row["brier"]),
        scored_at=to_utc(row["scored_at"]),
    )


def _number(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value)
