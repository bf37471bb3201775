"""Indicators: analyst-defined trends to watch, read from a YAML file and evaluated in SQL.

An indicator is a filter over events (actors, recipients, types, modes, places, keywords...),
a measure (``count``, ``distinct_countries``, ``conflict_intensity``...), a window, a baseline
and a threshold. Evaluated on a day (``as_of``), it has:

* ``value``: the measure over the window of ``window_days`` ending ``as_of``;
* ``baseline_mean``/``baseline_sd``: the same measure over the ``n = baseline_days //
  window_days`` windows before it (so the baseline is compared like for like);
* ``trend``: ``rising`` when ``value - baseline_mean >= max(baseline_sd, min_change)``,
  ``falling`` when it is ``<= -max(baseline_sd, min_change)``, else ``steady``;
* ``arrow``: the trend read through the indicator's polarity (``rising_is_worse``: rising is
  ``deteriorated``);
* ``crossed``: ``value >= threshold`` (or ``<=`` with ``threshold_direction: below``);
* ``evidence``: the newest matching events of the window, with their sentences.

The file format is in ``docs/analysis.md``; the demo set is ``data/indicators/demo.yaml``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from watchfloor.analysis.dyads import (
    EVIDENCE_COLUMNS,
    ActorSet,
    Relation,
    event_relation,
    evidence_from_rows,
    plover_sql,
)
from watchfloor.analysis.escalation import resolve_as_of
from watchfloor.errors import ConfigError
from watchfloor.records import (
    EVENT_TYPES,
    MODALITIES,
    STANCES,
    Event,
    Indicator,
    IndicatorFilter,
    IndicatorValue,
)
from watchfloor.settings import Settings
from watchfloor.store.base import Store

__all__ = [
    "MEASURES",
    "evaluate_indicator",
    "evaluate_indicators",
    "event_matches",
    "filter_sql",
    "indicator_sql",
    "indicators_frame",
    "load_indicators",
    "parse_indicators",
]

# measure name -> SQL aggregate over the matching events (columns of the ``matched`` relation)
MEASURES: dict[str, str] = {
    "count": "count(*)",
    "distinct_countries": "len(list_distinct(flatten(list(actor_countries))))",
    "plover_sum": "coalesce(sum(plover), 0)",
    "conflict_intensity": "coalesce(sum(-plover) FILTER (WHERE plover < 0), 0)",
    "cooperation_intensity": "coalesce(sum(plover) FILTER (WHERE plover > 0), 0)",
    "goldstein_sum": "coalesce(sum(goldstein), 0)",
    "fatalities": "coalesce(sum(fatalities), 0)",
}
_FILTER_KEYS = {
    "actors",
    "not_actors",
    "recipients",
    "types",
    "event_types",
    "modes",
    "quad_classes",
    "places",
    "keywords",
    "modalities",
    "stances",
    "either_direction",
}
_INDICATOR_KEYS = {
    "id",
    "name",
    "description",
    "filter",
    "measure",
    "window_days",
    "baseline_days",
    "threshold",
    "threshold_direction",
    "polarity",
    "min_change",
}
POLARITIES = ("rising_is_worse", "rising_is_better")
THRESHOLD_DIRECTIONS = ("above", "below")


# -- reading the file -----------------------------------------------------------------------------


def default_indicators_path() -> Path:
    """The shipped demo indicators (US–Venezuela–Russia scenario)."""
    return Path(str(files("watchfloor.data").joinpath("indicators/demo.yaml")))


def load_indicators(path: str | os.PathLike[str] | None = None) -> list[Indicator]:
    """Read an indicator file (YAML); ``None`` reads the shipped demo set.

    Raises ``ConfigError`` (W102) naming the indicator and field when the file is invalid.
    """
    target = Path(path) if path is not None else default_indicators_path()
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{target}: indicator file not found") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{target}: not a readable YAML file: {exc}") from None
    return parse_indicators(data, source=str(target))


def parse_indicators(data: Any, *, source: str = "<indicators>") -> list[Indicator]:
    """Indicators from parsed YAML: ``{"indicators": [ {...}, ... ]}`` or a bare list."""
    items = data.get("indicators") if isinstance(data, Mapping) else data
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{source}: expected a non-empty list under 'indicators'")
    found: list[Indicator] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        where = f"{source}: indicator {position}"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{where}: expected a mapping")
        indicator = _parse_indicator(item, where)
        if indicator.id in seen:
            raise ConfigError(f"{where}: id {indicator.id!r} appears twice")
        seen.add(indicator.id)
        found.append(indicator)
    return found


def _parse_indicator(item: Mapping[str, Any], where: str) -> Indicator:
    unknown = set(item) - _INDICATOR_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(_INDICATOR_KEYS))}"
        )
    ident = str(item.get("id") or "").strip()
    if not ident:
        raise ConfigError(f"{where}: 'id' is required")
    where = f"{where} ({ident})"
    name = str(item.get("name") or ident)
    raw_filter = item.get("filter")
    if not isinstance(raw_filter, Mapping):
        raise ConfigError(f"{where}: 'filter' must be a mapping (or {{any: [...]}})")
    if set(raw_filter) == {"any"}:
        branches = raw_filter["any"]
        if not isinstance(branches, list) or not branches:
            raise ConfigError(f"{where}: 'filter.any' must be a non-empty list of filters")
    else:
        branches = [raw_filter]
    filters = tuple(_parse_filter(b, f"{where} filter") for b in branches)
    measure = str(item.get("measure", "count"))
    if measure not in MEASURES:
        raise ConfigError(f"{where}: unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    window = _positive_int(item.get("window_days", 14), f"{where}: window_days")
    baseline = _positive_int(item.get("baseline_days", 4 * window), f"{where}: baseline_days")
    if baseline < window:
        raise ConfigError(f"{where}: baseline_days must be at least window_days")
    threshold = item.get("threshold")
    if threshold is not None and not isinstance(threshold, int | float):
        raise ConfigError(f"{where}: threshold must be a number")
    direction = str(item.get("threshold_direction", "above"))
    if direction not in THRESHOLD_DIRECTIONS:
        raise ConfigError(f"{where}: threshold_direction must be above or below")
    polarity = str(item.get("polarity", "rising_is_worse"))
    if polarity not in POLARITIES:
        raise ConfigError(f"{where}: polarity must be rising_is_worse or rising_is_better")
    min_change = item.get("min_change", 1.0)
    if not isinstance(min_change, int | float) or min_change <= 0:
        raise ConfigError(f"{where}: min_change must be a positive number")
    return Indicator(
        id=ident,
        name=name,
        description=str(item.get("description") or "").strip(),
        filters=filters,
        measure=measure,
        window_days=window,
        baseline_days=baseline,
        threshold=float(threshold) if threshold is not None else None,
        threshold_direction=direction,
        polarity=polarity,
        min_change=float(min_change),
    )


def _parse_filter(raw: Any, where: str) -> IndicatorFilter:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(f"{where}: each filter must be a non-empty mapping")
    unknown = set(raw) - _FILTER_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(_FILTER_KEYS))}"
        )

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key) or ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: {key} must be a list")
        return tuple(str(v).strip() for v in value if str(v).strip())

    actors = strings("actors")
    not_actors = strings("not_actors")
    recipients = strings("recipients")
    for term in (*actors, *not_actors, *recipients):
        ActorSet.parse(term)  # raises ConfigError on a malformed term
    types = tuple(t.upper() for t in strings("types") + strings("event_types"))
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise ConfigError(f"{where}: unknown PLOVER type(s) {', '.join(bad)}")
    modalities = strings("modalities") or ("actual",)
    bad = [m for m in modalities if m not in MODALITIES]
    if bad:
        raise ConfigError(f"{where}: unknown modality {', '.join(bad)}")
    stances = strings("stances") or ("none", "asserts", "confirms")
    bad = [s for s in stances if s != "none" and s not in STANCES]
    if bad:
        raise ConfigError(f"{where}: unknown stance {', '.join(bad)} (use none or {STANCES})")
    quads = raw.get("quad_classes") or ()
    if not isinstance(quads, list | tuple) or any(q not in (1, 2, 3, 4) for q in quads):
        raise ConfigError(f"{where}: quad_classes must be a list of 1-4")
    keywords = tuple(k.casefold() for k in strings("keywords"))
    either = raw.get("either_direction", False)
    if not isinstance(either, bool):
        raise ConfigError(f"{where}: either_direction must be true or false")
    return IndicatorFilter(
        actors=actors,
        not_actors=not_actors,
        recipients=recipients,
        event_types=types,
        modes=strings("modes"),
        quad_classes=tuple(int(q) for q in quads),
        places=strings("places"),
        keywords=keywords,
        modalities=modalities,
        stances=stances,
        either_direction=either,
    )


def _positive_int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where} must be a positive whole number of days")
    return value


# -- matching -------------------------------------------------------------------------------------


def _sets_sql(terms: Sequence[str], column: str) -> tuple[str, list[Any]]:
    actor_set = ActorSet.parse(list(terms))
    return actor_set.list_sql(column)


def filter_sql(flt: IndicatorFilter) -> tuple[str, list[Any]]:
    """A SQL predicate over the events table for one filter (every given field must match)."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, values: Sequence[Any]) -> None:
        clauses.append(sql)
        params.extend(values)

    if flt.actors or flt.recipients:
        forward: list[str] = []
        forward_params: list[Any] = []
        backward: list[str] = []
        backward_params: list[Any] = []
        if flt.actors:
            sql, values = _sets_sql(flt.actors, "actor_codes")
            forward.append(sql)
            forward_params += values
            sql, values = _sets_sql(flt.actors, "recipient_codes")
            backward.append(sql)
            backward_params += values
        if flt.recipients:
            sql, values = _sets_sql(flt.recipients, "recipient_codes")
            forward.append(sql)
            forward_params += values
            sql, values = _sets_sql(flt.recipients, "actor_codes")
            backward.append(sql)
            backward_params += values
        direct = "(" + " AND ".join(forward) + ")"
        if flt.either_direction:
            add(f"({direct} OR ({' AND '.join(backward)}))", forward_params + backward_params)
        else:
            add(direct, forward_params)
    if flt.not_actors:
        sql, values = _sets_sql(flt.not_actors, "actor_codes")
        add(f"NOT {sql}", values)
    if flt.event_types:
        add("event_type IN (SELECT unnest(?::VARCHAR[]))", [list(flt.event_types)])
    if flt.modes:
        add("mode IN (SELECT unnest(?::VARCHAR[]))", [list(flt.modes)])
    if flt.quad_classes:
        add("quad_class IN (SELECT unnest(?::INTEGER[]))", [list(flt.quad_classes)])
    if flt.places:
        add(
            "(upper(location_country) IN (SELECT unnest(?::VARCHAR[])) "
            "OR lower(location_name) IN (SELECT unnest(?::VARCHAR[])))",
            [[p.upper() for p in flt.places], [p.casefold() for p in flt.places]],
        )
    if flt.keywords:
        add(
            "(" + " OR ".join("sentence ILIKE ? ESCAPE '\\'" for _ in flt.keywords) + ")",
            [f"%{_escape_like(k)}%" for k in flt.keywords],
        )
    add("modality IN (SELECT unnest(?::VARCHAR[]))", [list(flt.modalities)])
    stance_sql = "claim_stance IN (SELECT unnest(?::VARCHAR[]))"
    stance_params: list[Any] = [[s for s in flt.stances if s != "none"]]
    if "none" in flt.stances:
        stance_sql = f"(claim_stance IS NULL OR {stance_sql})"
    add(stance_sql, stance_params)
    return "(" + " AND ".join(clauses) + ")", params


def indicator_sql(indicator: Indicator) -> tuple[str, list[Any]]:
    """The indicator's predicate: any of its filters matches."""
    parts = [filter_sql(f) for f in indicator.filters]
    return "(" + " OR ".join(p[0] for p in parts) + ")", [v for p in parts for v in p[1]]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def event_matches(event: Event, indicator: Indicator) -> bool:
    """The same rule as ``indicator_sql``, on one ``Event`` (for checks and small batches)."""
    return any(_filter_matches(event, f) for f in indicator.filters)


def _filter_matches(event: Event, flt: IndicatorFilter) -> bool:
    def any_in(terms: Sequence[str], codes: Iterable[str]) -> bool:
        actor_set = ActorSet.parse(list(terms))
        return any(actor_set.matches(c) for c in codes)

    actors, recipients = event.actor_codes, event.recipient_codes
    if flt.actors or flt.recipients:

        def side_ok(a: Sequence[str], r: Sequence[str]) -> bool:
            return (not flt.actors or any_in(flt.actors, a)) and (
                not flt.recipients or any_in(flt.recipients, r)
            )

        if not (
            side_ok(actors, recipients) or (flt.either_direction and side_ok(recipients, actors))
        ):
            return False
    if flt.not_actors and any_in(flt.not_actors, actors):
        return False
    if flt.event_types and event.event_type not in flt.event_types:
        return False
    if flt.modes and event.mode not in flt.modes:
        return False
    if flt.quad_classes and event.quad_class not in flt.quad_classes:
        return False
    if flt.places:
        loc = event.location
        countries = {p.upper() for p in flt.places}
        names = {p.casefold() for p in flt.places}
        if loc is None or not (
            (loc.country or "").upper() in countries or loc.name.casefold() in names
        ):
            return False
    if flt.keywords and not any(k in event.sentence.casefold() for k in flt.keywords):
        return False
    if event.modality not in flt.modalities:
        return False
    stance = event.claim.stance if event.claim else "none"
    return stance in flt.stances


# -- evaluation -----------------------------------------------------------------------------------


def evaluate_indicator(
    store: Store,
    indicator: Indicator,
    *,
    as_of: date | None = None,
    evidence: int = 5,
    relation: Relation | None = None,
) -> IndicatorValue:
    """Evaluate one indicator on ``as_of`` (default: the newest event's date)."""
    relation = relation or event_relation(store)
    day = resolve_as_of(store, as_of, relation)
    W = indicator.window_days
    n = max(1, indicator.baseline_days // W)
    start = day - timedelta(days=W * (n + 1) - 1)
    window_start = day - timedelta(days=W - 1)
    predicate, params = indicator_sql(indicator)
    sql = (
        f"WITH matched AS (SELECT actor_countries, goldstein, fatalities, "
        f"{plover_sql()} AS plover, "
        f"CAST(floor(date_diff('day', date, ?::DATE) / ?) AS INTEGER) AS k "
        f"FROM {relation.sql} WHERE date >= ?::DATE AND date <= ?::DATE AND {predicate}) "
        f"SELECT k, {MEASURES[indicator.measure]} AS value, count(*) AS events "
        f"FROM matched GROUP BY k"
    )
    frame = store.query(sql, [day, W, *relation.params, start, day, *params])
    by_bucket = {int(r.k): float(r.value) for r in frame.itertuples(index=False)}
    events_by_bucket = {int(r.k): int(r.events) for r in frame.itertuples(index=False)}
    value = by_bucket.get(0, 0.0)
    baseline_values = [by_bucket.get(k, 0.0) for k in range(n, 0, -1)]
    mean = sum(baseline_values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in baseline_values) / n)
    change = value - mean
    tolerance = max(sd, indicator.min_change)
    trend = "rising" if change >= tolerance else "falling" if change <= -tolerance else "steady"
    arrow = _arrow(trend, indicator.polarity)
    crossed = False
    if indicator.threshold is not None:
        crossed = (
            value >= indicator.threshold
            if indicator.threshold_direction == "above"
            else value <= indicator.threshold
        )
    series = tuple(
        (day - timedelta(days=W * (k + 1) - 1), by_bucket.get(k, 0.0)) for k in range(n, -1, -1)
    )
    cited = (
        _evidence(store, relation, predicate, params, window_start, day, evidence)
        if evidence
        else []
    )
    inputs: dict[str, Any] = {
        "measure": indicator.measure,
        "window_days": W,
        "baseline_windows": n,
        "baseline_values": baseline_values,
        "value": value,
        "events": events_by_bucket.get(0, 0),
        "previous": by_bucket.get(1, 0.0),
        "baseline_mean": round(mean, 6),
        "baseline_sd": round(sd, 6),
        "min_change": indicator.min_change,
        "tolerance": round(tolerance, 6),
        "threshold": indicator.threshold,
        "threshold_direction": indicator.threshold_direction,
        "polarity": indicator.polarity,
    }
    comparison = ">=" if indicator.threshold_direction == "above" else "<="
    formula = (
        f"value = {indicator.measure} of matching events in the {W} days to as_of; "
        f"baseline_mean, baseline_sd over the {n} windows of {W} days before; "
        f"change = value - baseline_mean; tolerance = max(baseline_sd, min_change); "
        f"rising if change >= tolerance, falling if change <= -tolerance, else steady"
        + (f"; crossed if value {comparison} threshold" if indicator.threshold is not None else "")
    )
    return IndicatorValue(
        indicator_id=indicator.id,
        name=indicator.name,
        as_of=day,
        window=(window_start, day),
        value=value,
        baseline_mean=round(mean, 6),
        baseline_sd=round(sd, 6),
        change=round(change, 6),
        trend=trend,
        arrow=arrow,
        threshold=indicator.threshold,
        crossed=crossed,
        formula=formula,
        inputs=inputs,
        series=series,
        evidence=tuple(cited),
    )


def evaluate_indicators(
    store: Store,
    indicators: Sequence[Indicator] | None = None,
    *,
    settings: Settings | None = None,
    as_of: date | None = None,
    evidence: int = 5,
) -> list[IndicatorValue]:
    """Evaluate every indicator (default: those of ``settings.indicators_file``, else the demo)."""
    if indicators is None:
        path = settings.indicators_file if settings is not None else None
        indicators = load_indicators(path)
    relation = event_relation(store)
    day = resolve_as_of(store, as_of, relation)
    return [
        evaluate_indicator(store, ind, as_of=day, evidence=evidence, relation=relation)
        for ind in indicators
    ]


def indicators_frame(
    store: Store, indicators: Sequence[Indicator] | None = None, **kwargs: Any
) -> Any:
    """``evaluate_indicators()`` as a pandas DataFrame, one row per indicator."""
    import pandas as pd

    rows = [
        {
            "indicator_id": v.indicator_id,
            "name": v.name,
            "as_of": v.as_of,
            "value": v.value,
            "baseline_mean": v.baseline_mean,
            "baseline_sd": v.baseline_sd,
            "change": v.change,
            "trend": v.trend,
            "arrow": v.arrow,
            "threshold": v.threshold,
            "crossed": v.crossed,
            "evidence": ";".join(e.doc_id for e in v.evidence),
        }
        for v in evaluate_indicators(store, indicators, **kwargs)
    ]
    return pd.DataFrame(rows)


def _arrow(trend: str, polarity: str) -> str:
    if trend == "steady":
        return "unchanged"
    worse = (trend == "rising") == (polarity == "rising_is_worse")
    return "deteriorated" if worse else "improved"


def _evidence(
    store: Store,
    relation: Relation,
    predicate: str,
    params: list[Any],
    since: date,
    until: date,
    limit: int,
) -> list[Any]:
    columns = EVIDENCE_COLUMNS.format(plover=plover_sql())
    sql = (
        f"SELECT {columns} FROM {relation.sql} "
        f"WHERE date >= ?::DATE AND date <= ?::DATE AND {predicate} "
        f"ORDER BY date DESC, abs(plover) DESC, id LIMIT {int(limit)}"
    )
    return evidence_from_rows(store.query(sql, [*relation.params, since, until, *params]))
