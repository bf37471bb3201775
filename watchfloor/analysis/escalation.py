"""Escalation: how each directed dyad moved in the recent window against its baseline.

For a dyad, day ``d``'s *net intensity* ``x_d`` is the sum of the PLOVER intensities of its
counted events that day (cooperation positive, conflict negative; days without events are 0).
With ``R`` recent days ending ``as_of`` and the ``B`` days before them as the baseline::

    r = (sum of x_d over the recent window) / R          mean daily net intensity, recent
    b = (sum of x_d over the baseline) / B               the same over the baseline
    s = sqrt(sum(x_d^2 over the baseline) / B - b^2)     spread of the baseline days
    z = (r - b) / (max(s, floor) / sqrt(R))              the change, in standard errors

``z <= -threshold`` is **deteriorated**, ``z >= threshold`` **improved**, anything between
**unchanged** (CrisisWatch's three arrows). ``floor`` (1 intensity point a day) keeps a quiet
baseline from turning every single event into an alarm: one armed attack (-10) after a quiet
month gives z = -3.8, one accusation (-2) z = -0.8. Every ``Escalation`` carries this formula
and its inputs, and its rationale names the recent events that drive the score.

An actor (code) is *new* in a dyad when it acts in the dyad in the recent window and not in the
``escalation_history_days`` (a year by default) before it; a dyad with no events at all in that
year is flagged ``new_dyad``. The look-back is bounded so the cost does not grow with the
store's age.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from watchfloor.analysis.dyads import (
    COUNTED_SQL,
    EVIDENCE_COLUMNS,
    ActorSet,
    Relation,
    event_relation,
    evidence_from_rows,
    pair_ctes,
    string_list,
    to_date,
)
from watchfloor.errors import ConfigError
from watchfloor.records import Escalation, Evidence
from watchfloor.settings import Settings
from watchfloor.store.base import Store

__all__ = [
    "ARROWS",
    "FORMULA",
    "EscalationScore",
    "escalation",
    "escalation_frame",
    "escalation_score",
    "resolve_as_of",
]

ARROWS: tuple[str, ...] = ("deteriorated", "improved", "unchanged")
FLOOR = 1.0  # intensity points per day; see the module docstring
FORMULA = (
    "z = (r - b) / (max(s, floor) / sqrt(R)); r = recent_plover_sum / R; "
    "b = baseline_plover_sum / B; s = sqrt(baseline_plover_sumsq / B - b^2); "
    "deteriorated if z <= -threshold, improved if z >= threshold, else unchanged"
)


@dataclass(frozen=True)
class EscalationScore:
    """The numbers behind one escalation score (see ``FORMULA``)."""

    r: float
    b: float
    s: float
    z: float


def escalation_score(
    recent_sum: float,
    baseline_sum: float,
    baseline_sumsq: float,
    recent_days: int,
    baseline_days: int,
    floor: float = FLOOR,
) -> EscalationScore:
    """The score from its inputs, exactly as the SQL computes it (for checking by hand).

    >>> round(escalation_score(-10, 0, 0, 7, 28).z, 2)
    -3.78
    """
    r = recent_sum / recent_days
    b = baseline_sum / baseline_days
    s = math.sqrt(max(baseline_sumsq / baseline_days - b * b, 0.0))
    z = (r - b) / (max(s, floor) / math.sqrt(recent_days))
    return EscalationScore(r=r, b=b, s=s, z=z)


def arrow_for(z: float, threshold: float) -> str:
    if z <= -threshold:
        return "deteriorated"
    if z >= threshold:
        return "improved"
    return "unchanged"


def resolve_as_of(store: Store, as_of: date | None, relation: Relation | None = None) -> date:
    """``as_of`` itself, or the date of the newest counted event (today when there is none)."""
    if as_of is not None:
        return as_of
    relation = relation or event_relation(store)
    frame = store.query(
        f"SELECT max(date) AS newest FROM {relation.sql} WHERE {COUNTED_SQL}", relation.params
    )
    newest = frame["newest"].iloc[0] if not frame.empty else None
    day = to_date(newest) if newest is not None and newest == newest else None  # NaT != NaT
    return day or date.today()


def escalation(
    store: Store,
    settings: Settings | None = None,
    *,
    sources: Sequence[str | ActorSet] = (),
    targets: Sequence[str | ActorSet] = (),
    level: str = "country",
    as_of: date | None = None,
    recent_days: int | None = None,
    baseline_days: int | None = None,
    threshold: float | None = None,
    limit: int | None = 20,
    drivers: int = 3,
) -> list[Escalation]:
    """Score every directed dyad active in the recent window or its baseline, largest |z| first.

    ``sources``/``targets`` are actor sets as in ``dyads()`` (empty: every actor country, or
    code with ``level="code"``). Windows default to ``settings.recent_days`` and
    ``settings.baseline_days``; ``as_of`` to the newest event's date.
    """
    settings = settings or Settings()
    R = int(recent_days if recent_days is not None else settings.recent_days)
    B = int(baseline_days if baseline_days is not None else settings.baseline_days)
    threshold = float(threshold if threshold is not None else settings.escalation_threshold)
    if R <= 0 or B <= 0:
        raise ConfigError("recent_days and baseline_days must be positive numbers of days")
    relation = event_relation(store)
    day = resolve_as_of(store, as_of, relation)
    recent_start = day - timedelta(days=R - 1)
    baseline_end = recent_start - timedelta(days=1)
    baseline_start = baseline_end - timedelta(days=B - 1)
    source_sets = [ActorSet.parse(s) for s in sources]
    target_sets = [ActorSet.parse(t) for t in targets]
    ctes, params = pair_ctes(
        store,
        sources=source_sets,
        targets=target_sets,
        level=level,
        since=baseline_start,
        until=day,
        relation=relation,
    )
    limit_sql = f"LIMIT {int(limit)}" if limit is not None else ""
    sql = (
        f"{ctes}, daily AS (SELECT source, target, date, sum(plover) AS x, count(*) AS n, "
        f"count(*) FILTER (WHERE quad_class >= 3) AS conflict, "
        f"date >= ?::DATE AS recent FROM pairs GROUP BY ALL), "
        f"stats AS (SELECT source, target, "
        f"coalesce(sum(x) FILTER (WHERE recent), 0) AS recent_plover_sum, "
        f"coalesce(sum(x) FILTER (WHERE NOT recent), 0) AS baseline_plover_sum, "
        f"coalesce(sum(x * x) FILTER (WHERE NOT recent), 0) AS baseline_plover_sumsq, "
        f"coalesce(sum(n) FILTER (WHERE recent), 0) AS recent_events, "
        f"coalesce(sum(n) FILTER (WHERE NOT recent), 0) AS baseline_events, "
        f"coalesce(sum(conflict) FILTER (WHERE recent), 0) AS recent_conflict_events, "
        f"coalesce(sum(conflict) FILTER (WHERE NOT recent), 0) AS baseline_conflict_events "
        f"FROM daily GROUP BY ALL), "
        f"scored AS (SELECT *, recent_plover_sum / ? AS r, baseline_plover_sum / ? AS b, "
        f"sqrt(greatest(baseline_plover_sumsq / ? - (baseline_plover_sum / ?) ^ 2, 0)) AS s "
        f"FROM stats) "
        f"SELECT *, (r - b) / (greatest(s, ?) / sqrt(?)) AS z FROM scored "
        f"ORDER BY abs(z) DESC, recent_events DESC, source, target {limit_sql}"
    )
    frame = store.query(sql, [*params, recent_start, R, B, B, B, FLOOR, R])
    if frame.empty:
        return []
    pairs = [(str(s), str(t)) for s, t in zip(frame["source"], frame["target"], strict=True)]
    recent_events = _recent_events(store, ctes, params, pairs, recent_start, drivers)
    history = _history(
        store,
        source_sets,
        target_sets,
        level,
        pairs,
        since=recent_start - timedelta(days=int(settings.escalation_history_days)),
        recent_start=recent_start,
        until=day,
        relation=relation,
    )
    results = []
    for row in frame.itertuples(index=False):
        pair = (str(row.source), str(row.target))
        z = float(row.z)
        arrow = arrow_for(z, threshold)
        inputs: dict[str, Any] = {
            "R": R,
            "B": B,
            "recent_plover_sum": float(row.recent_plover_sum),
            "baseline_plover_sum": float(row.baseline_plover_sum),
            "baseline_plover_sumsq": float(row.baseline_plover_sumsq),
            "r": round(float(row.r), 6),
            "b": round(float(row.b), 6),
            "s": round(float(row.s), 6),
            "floor": FLOOR,
            "threshold": threshold,
            "recent_events": int(row.recent_events),
            "baseline_events": int(row.baseline_events),
            "recent_conflict_events": int(row.recent_conflict_events),
            "baseline_conflict_events": int(row.baseline_conflict_events),
            "history_days": int(settings.escalation_history_days),
        }
        negative, positive = recent_events.get(pair, ([], []))
        chosen = negative if arrow == "deteriorated" else positive if arrow == "improved" else []
        if arrow == "unchanged":
            chosen = sorted(negative + positive, key=lambda e: (-abs(e.plover), e.event_id))[
                :drivers
            ]
        seen_before, entering_codes = history.get(pair, (False, []))
        new_dyad = not seen_before
        entering = () if new_dyad else tuple(entering_codes)
        results.append(
            Escalation(
                source=pair[0],
                target=pair[1],
                as_of=day,
                recent=(recent_start, day),
                baseline=(baseline_start, baseline_end),
                arrow=arrow,
                score=round(z, 6),
                formula=FORMULA,
                inputs=inputs,
                rationale=_rationale(pair, arrow, z, inputs, chosen, entering, new_dyad),
                drivers=tuple(chosen),
                new_actors=entering,
                new_dyad=new_dyad,
            )
        )
    return results


def escalation_frame(store: Store, settings: Settings | None = None, **kwargs: Any) -> Any:
    """``escalation()`` as a pandas DataFrame, one row per dyad with its inputs flattened."""
    import pandas as pd

    rows = []
    for item in escalation(store, settings, **kwargs):
        row = {
            "source": item.source,
            "target": item.target,
            "as_of": item.as_of,
            "recent_start": item.recent[0],
            "baseline_start": item.baseline[0],
            "arrow": item.arrow,
            "score": item.score,
            "new_dyad": item.new_dyad,
            "new_actors": ",".join(item.new_actors),
            "drivers": ",".join(e.event_id for e in item.drivers),
            "rationale": item.rationale,
        }
        row.update(item.inputs)
        row["formula"] = item.formula
        rows.append(row)
    return pd.DataFrame(rows)


# -- helpers --------------------------------------------------------------------------------------


def _wanted(pairs: Sequence[tuple[str, str]]) -> tuple[str, list[Any]]:
    return (
        "wanted AS (SELECT unnest(?::VARCHAR[]) AS source, unnest(?::VARCHAR[]) AS target)",
        [[p[0] for p in pairs], [p[1] for p in pairs]],
    )


def _recent_events(
    store: Store,
    ctes: str,
    params: list[Any],
    pairs: Sequence[tuple[str, str]],
    recent_start: date,
    k: int,
) -> dict[tuple[str, str], tuple[list[Evidence], list[Evidence]]]:
    """Per pair, the ``k`` most negative and ``k`` most positive recent events."""
    if k <= 0:
        return {}
    wanted, wanted_params = _wanted(pairs)
    columns = EVIDENCE_COLUMNS.format(plover="plover")
    sql = (
        f"{ctes}, {wanted}, ranked AS (SELECT p.*, "
        f"row_number() OVER (PARTITION BY p.source, p.target ORDER BY p.plover, "
        f"p.date DESC, p.id) AS neg_rank, "
        f"row_number() OVER (PARTITION BY p.source, p.target ORDER BY p.plover DESC, "
        f"p.date DESC, p.id) AS pos_rank "
        f"FROM pairs p JOIN wanted w ON p.source = w.source AND p.target = w.target "
        f"WHERE p.date >= ?::DATE) "
        f"SELECT source AS pair_source, target AS pair_target, neg_rank, pos_rank, {columns} "
        f"FROM ranked WHERE neg_rank <= ? OR pos_rank <= ?"
    )
    frame = store.query(sql, [*params, *wanted_params, recent_start, k, k])
    found: dict[tuple[str, str], tuple[list[Evidence], list[Evidence]]] = {}
    for (source, target), rows in frame.groupby(["pair_source", "pair_target"], sort=False):
        neg_rows = rows[(rows["neg_rank"] <= k) & (rows["plover"] < 0)].sort_values("neg_rank")
        pos_rows = rows[(rows["pos_rank"] <= k) & (rows["plover"] > 0)].sort_values("pos_rank")
        found[(str(source), str(target))] = (
            evidence_from_rows(neg_rows),
            evidence_from_rows(pos_rows),
        )
    return found


def _history(
    store: Store,
    source_sets: Sequence[ActorSet],
    target_sets: Sequence[ActorSet],
    level: str,
    pairs: Sequence[tuple[str, str]],
    *,
    since: date,
    recent_start: date,
    until: date,
    relation: Relation,
) -> dict[tuple[str, str], tuple[bool, list[str]]]:
    """Per pair: whether it had events between ``since`` and the recent window, and the codes
    (either side) that act in it for the first time (since ``since``) in the recent window."""
    restrict = None
    if not source_sets and not target_sets:
        # only events that can form one of the wanted pairs: a cheap test before unnesting
        side = "countries" if level == "country" else "codes"
        restrict = (
            f"list_has_any(actor_{side}, ?::VARCHAR[]) "
            f"AND list_has_any(recipient_{side}, ?::VARCHAR[])",
            [sorted({p[0] for p in pairs}), sorted({p[1] for p in pairs})],
        )
    ctes, params = pair_ctes(
        store,
        sources=source_sets,
        targets=target_sets,
        level=level,
        since=since,
        until=until,
        restrict=restrict,
        with_codes=True,
        relation=relation,
    )
    wanted, wanted_params = _wanted(pairs)
    sql = (
        f"{ctes}, {wanted}, coded AS (SELECT pc.source, pc.target, pc.source_code, "
        f"pc.target_code, e.date FROM pair_codes pc JOIN scoped e ON e.id = pc.id "
        f"JOIN wanted w ON pc.source = w.source AND pc.target = w.target), "
        f"sides AS (SELECT source, target, source_code AS code, min(date) AS first_seen "
        f"FROM coded GROUP BY ALL UNION ALL SELECT source, target, target_code AS code, "
        f"min(date) AS first_seen FROM coded GROUP BY ALL), "
        f"per_code AS (SELECT source, target, code, min(first_seen) AS first_seen "
        f"FROM sides GROUP BY ALL) "
        f"SELECT source, target, min(first_seen) < ?::DATE AS seen_before, "
        f"list(code ORDER BY code) FILTER (WHERE first_seen >= ?::DATE) AS entering "
        f"FROM per_code GROUP BY ALL"
    )
    frame = store.query(sql, [*params, *wanted_params, recent_start, recent_start])
    found: dict[tuple[str, str], tuple[bool, list[str]]] = {}
    for row in frame.itertuples(index=False):
        entering = string_list(row.entering)
        found[(str(row.source), str(row.target))] = (bool(row.seen_before), entering)
    return found


def _rationale(
    pair: tuple[str, str],
    arrow: str,
    z: float,
    inputs: dict[str, Any],
    drivers: Sequence[Evidence],
    new_actors: Sequence[str],
    new_dyad: bool,
) -> str:
    """One line a reader can check: the two rates, the score, and the events that drive it."""
    text = (
        f"{pair[0]}->{pair[1]} {arrow}: net intensity {inputs['r']:+.2f}/day over the last "
        f"{inputs['R']} days ({inputs['recent_events']} events, "
        f"{inputs['recent_conflict_events']} conflictual) vs {inputs['b']:+.2f}/day over the "
        f"{inputs['B']} days before ({inputs['baseline_events']} events), z = {z:+.2f}"
    )
    if drivers:
        label = "driven by" if arrow != "unchanged" else "most intense"
        text += f"; {label} " + ", ".join(e.summary() for e in drivers)
    elif arrow == "improved":
        text += f"; conflict events fell from {inputs['baseline_conflict_events']} to " + str(
            inputs["recent_conflict_events"]
        )
    if new_dyad:
        text += f"; new dyad (no events in the {inputs['history_days']} days before)"
    elif new_actors:
        text += "; new actors: " + ", ".join(new_actors)
    return text
