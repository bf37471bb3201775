"""Dyads: directed actor-pair series by day or week, computed set-based in the store.

A dyad is (source actor set) -> (target actor set). An actor set is first-class: ``"RUS*"`` is
Russia with all its sectors (every code starting ``RUS``), ``"RUSMIL"`` one code, ``"RUS"`` the
state as a whole (code ``RUS`` exactly), ``"*"`` anyone, and a comma-separated list (or a Python
list) is the union of its terms. Coordinated actors and recipients contribute to every pair they
form: "the US and Colombia accused Venezuela" counts once for USA->VEN and once for COL->VEN, and
an event counts at most once per pair.

Each period reports counts by quad class, Goldstein sums and means and PLOVER-intensity sums and
means (the scale is in ``data/analysis/plover_intensity.tsv``, documented in
``docs/analysis.md``). Only events that happened are counted (``COUNTED_SQL``): modality
``actual``, stated as fact or asserted/confirmed by a speaker, not denied or retracted.

Everything runs as SQL over the ``events`` table (arrays unnested in DuckDB), so it scales to
millions of events; Python only shapes the few result rows into records.

>>> from watchfloor.store import open_store
>>> with open_store(":memory:") as store:            # doctest: +SKIP
...     dyad = dyad_series(store, "USA*", "VEN*", granularity="week")
...     print(dyad.total.events, dyad.total.plover_sum)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any

from watchfloor.errors import ConfigError
from watchfloor.ontology.cameo import iter_tsv_rows
from watchfloor.records import EVENT_TYPES, Dyad, DyadPoint, Event, Evidence
from watchfloor.store.base import Store

__all__ = [
    "COUNTED_SQL",
    "GRANULARITIES",
    "ActorSet",
    "Relation",
    "dyad_series",
    "dyads",
    "dyads_frame",
    "event_relation",
    "evidence_from_rows",
    "plover_intensity",
    "plover_sql",
]

GRANULARITIES: tuple[str, ...] = ("day", "week")
LEVELS: tuple[str, ...] = ("country", "code")

# Events that count as having happened: the coder's "actual" modality, and either stated as fact
# or asserted/confirmed by a speaker. Denied and retracted claims, future, hypothetical and
# negated events describe things that did not (yet) happen, so they move no series.
COUNTED_SQL = (
    "modality = 'actual' AND (claim_stance IS NULL OR claim_stance IN ('asserts', 'confirms'))"
)

# The columns every evidence query selects, in this order (see ``evidence_from_rows``).
EVIDENCE_COLUMNS = (
    "id, doc_id, date, event_type, mode, actor_codes, recipient_codes, sentence, goldstein, "
    "{plover} AS plover, claim_stance"
)


# The event columns analysis reads; a corrected-events relation must provide them all.
ANALYSIS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "VARCHAR"),
    ("doc_id", "VARCHAR"),
    ("sentence", "VARCHAR"),
    ("date", "DATE"),
    ("event_type", "VARCHAR"),
    ("mode", "VARCHAR"),
    ("quad_class", "TINYINT"),
    ("goldstein", "DOUBLE"),
    ("actor_codes", "VARCHAR[]"),
    ("actor_countries", "VARCHAR[]"),
    ("recipient_codes", "VARCHAR[]"),
    ("recipient_countries", "VARCHAR[]"),
    ("modality", "VARCHAR"),
    ("claim_stance", "VARCHAR"),
    ("fatalities", "INTEGER"),
    ("location_name", "VARCHAR"),
    ("location_country", "VARCHAR"),
)


@dataclass(frozen=True)
class Relation:
    """SQL for the events analysis reads (a table name or a subquery) and its parameters."""

    sql: str
    params: tuple[Any, ...] = ()


def event_relation(store: Store) -> Relation:
    """The events analysis reads, with analyst corrections applied: the one place they enter.

    Corrections (``watchfloor.analysis.corrections``) take precedence downstream: rejected
    events are left out and corrected ones replaced by their corrected records. With no
    corrections this is the plain ``events`` table, at no cost.
    """
    try:
        from watchfloor.analysis.corrections import event_corrections
    except ImportError:  # a build without the corrections module reads stored events
        return Relation("events")
    overlay = event_corrections(store)
    if not overlay.touched:
        return Relation("events")
    names = ", ".join(name for name, _ in ANALYSIS_COLUMNS)
    hidden = sorted(overlay.rejected_ids | set(overlay.corrected))
    sql = f"SELECT {names} FROM events WHERE id NOT IN (SELECT unnest(?::VARCHAR[]))"
    params: list[Any] = [hidden]
    if overlay.corrected:
        row = "(" + ", ".join(f"?::{kind}" for _, kind in ANALYSIS_COLUMNS) + ")"
        rows = ", ".join(row for _ in overlay.corrected)
        sql += f" UNION ALL SELECT * FROM (VALUES {rows}) AS corrected({names})"
        for event in overlay.corrected.values():
            params += _analysis_row(event)
    return Relation(f"({sql})", tuple(params))


def _analysis_row(event: Event) -> list[Any]:
    """An event as the ``ANALYSIS_COLUMNS`` of the events table hold it."""
    return [
        event.id,
        event.doc_id,
        event.sentence,
        event.date,
        event.event_type,
        event.mode,
        event.quad_class,
        event.goldstein,
        [e.code for e in event.actor],
        [e.country for e in event.actor],
        [e.code for e in event.recipient],
        [e.country for e in event.recipient],
        event.modality,
        event.claim.stance if event.claim else None,
        event.fatalities,
        event.location.name if event.location else None,
        event.location.country if event.location else None,
    ]


# -- the PLOVER intensity scale -------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def plover_intensity(path: str | None = None) -> Mapping[tuple[str, str | None], float]:
    """watchfloor's PLOVER intensity scale: ``{(event_type, mode or None): intensity}``.

    Cooperation is positive (CONSULT 1 ... AID 7), conflict negative (REQUEST -1 ...
    ASSAULT -9, armed attacks -10). A (type, mode) row overrides the type's row.

    >>> plover_intensity()[("ASSAULT", None)]
    -9.0
    """
    source: Any = files("watchfloor") / "data" / "analysis" / "plover_intensity.tsv"
    if path is not None:
        from pathlib import Path

        source = Path(path)
    scale: dict[tuple[str, str | None], float] = {}
    for line, row in iter_tsv_rows(source, ("event_type", "mode", "intensity", "why")):
        event_type, mode = row["event_type"], row["mode"] or None
        if event_type not in EVENT_TYPES:
            raise ConfigError(f"plover_intensity.tsv:{line}: unknown event type {event_type!r}")
        try:
            value = float(row["intensity"])
        except ValueError:
            raise ConfigError(f"plover_intensity.tsv:{line}: intensity must be a number") from None
        if not -10.0 <= value <= 10.0:
            raise ConfigError(f"plover_intensity.tsv:{line}: intensity must be within -10..10")
        scale[(event_type, mode)] = value
    missing = [t for t in EVENT_TYPES if (t, None) not in scale]
    if missing:
        raise ConfigError(f"plover_intensity.tsv: no row for {', '.join(missing)}")
    return scale


def plover_sql(alias: str = "") -> str:
    """A SQL expression giving each event's PLOVER intensity (mode rows first, then type rows)."""
    prefix = f"{alias}." if alias else ""
    scale = plover_intensity()
    whens = [
        f"WHEN {prefix}event_type = {_literal(t)} AND {prefix}mode = {_literal(m)} THEN {v!r}"
        for (t, m), v in scale.items()
        if m is not None
    ]
    whens += [
        f"WHEN {prefix}event_type = {_literal(t)} THEN {v!r}"
        for (t, m), v in scale.items()
        if m is None
    ]
    return "(CASE " + " ".join(whens) + " ELSE 0.0 END)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- actor sets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorSet:
    """A set of actor codes: exact codes, code prefixes (``RUS*``) or everyone (``*``).

    >>> ActorSet.parse("RUS*, USAMIL").matches("RUSGOV"), ActorSet.parse("RUS").matches("RUSGOV")
    (True, False)
    """

    label: str
    exact: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: str | Sequence[str] | ActorSet) -> ActorSet:
        """Read ``"RUS*"``, ``"RUSMIL"``, ``"RUS*,BLR*"`` or ``["RUSGOV", "RUSMIL"]``."""
        if isinstance(spec, ActorSet):
            return spec
        terms = (
            spec.split(",") if isinstance(spec, str) else [t for s in spec for t in s.split(",")]
        )
        cleaned = [t.strip().upper() for t in terms if t.strip()]
        if not cleaned:
            raise ConfigError(f"empty actor set {spec!r}")
        exact: list[str] = []
        prefixes: list[str] = []
        for term in cleaned:
            body = term[:-1] if term.endswith("*") else term
            if not body.replace("_", "").isalnum() and body:
                raise ConfigError(f"actor set term {term!r}: use codes such as RUS*, RUSMIL or *")
            (prefixes if term.endswith("*") else exact).append(body)
        return cls(
            label=",".join(cleaned),
            exact=tuple(dict.fromkeys(exact)),
            prefixes=tuple(dict.fromkeys(prefixes)),
        )

    @property
    def is_everyone(self) -> bool:
        return "" in self.prefixes

    def matches(self, code: str | None) -> bool:
        if not code:
            return False
        return code in self.exact or any(code.startswith(p) for p in self.prefixes)

    def code_sql(self, column: str) -> tuple[str, list[Any]]:
        """A predicate on one code column (after ``unnest``)."""
        if self.is_everyone:
            return f"{column} IS NOT NULL", []
        clauses: list[str] = []
        params: list[Any] = []
        if self.exact:
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(self.exact))
        for prefix in self.prefixes:
            clauses.append(f"starts_with({column}, ?)")
            params.append(prefix)
        return "(" + " OR ".join(clauses) + ")", params

    def list_sql(self, column: str) -> tuple[str, list[Any]]:
        """A predicate on a list column (``actor_codes``): any element is in the set."""
        if self.is_everyone:
            return f"len(list_distinct({column})) > 0", []  # any non-NULL code
        clauses: list[str] = []
        params: list[Any] = []
        if self.exact:
            clauses.append(f"list_has_any({column}, ?::VARCHAR[])")
            params.append(list(self.exact))
        for prefix in self.prefixes:
            clauses.append(f"len(list_filter({column}, c -> starts_with(c, ?))) > 0")
            params.append(prefix)
        return "(" + " OR ".join(clauses) + ")", params


# -- the pair relation ----------------------------------------------------------------------------


def _side_sql(side: str, sets: Sequence[ActorSet], level: str) -> tuple[str, list[Any]]:
    """Rows (id, label, code) for one side of every event: which sets (or countries) it is in."""
    codes, countries = (
        ("actor_codes", "actor_countries")
        if side == "source"
        else ("recipient_codes", "recipient_countries")
    )
    unnested = f"SELECT id, unnest({codes}) AS code, unnest({countries}) AS country FROM scoped"
    if not sets:
        label = "country" if level == "country" else "code"
        return (
            f"SELECT DISTINCT id, {label} AS label, code FROM ({unnested}) "
            f"WHERE {label} IS NOT NULL AND code IS NOT NULL",
            [],
        )
    parts: list[str] = []
    params: list[Any] = []
    for actor_set in sets:
        predicate, predicate_params = actor_set.code_sql("code")
        parts.append(f"SELECT id, ? AS label, code FROM u WHERE {predicate}")
        params += [actor_set.label, *predicate_params]
    return (
        f"SELECT DISTINCT id, label, code FROM (WITH u AS ({unnested}) "
        + " UNION ALL ".join(parts)
        + ")",
        params,
    )


def _labels_sql(side: str, sets: Sequence[ActorSet], level: str) -> tuple[str, list[Any]]:
    """A list expression: the distinct labels (sets, countries or codes) one side of an event
    belongs to. Computed per row, so pairs come from two ``unnest`` calls and no join."""
    codes, countries = (
        ("actor_codes", "actor_countries")
        if side == "source"
        else ("recipient_codes", "recipient_countries")
    )
    if not sets:
        column = countries if level == "country" else codes
        return f"list_distinct({column})", []  # list_distinct also drops NULLs
    parts: list[str] = []
    params: list[Any] = []
    for actor_set in sets:
        predicate, predicate_params = actor_set.list_sql(codes)
        parts.append(f"CASE WHEN {predicate} THEN [?::VARCHAR] ELSE []::VARCHAR[] END")
        params += [*predicate_params, actor_set.label]
    return "flatten([" + ", ".join(parts) + "])", params


def pair_ctes(
    store: Store,
    *,
    sources: Sequence[ActorSet] = (),
    targets: Sequence[ActorSet] = (),
    level: str = "country",
    since: date | None = None,
    until: date | None = None,
    exclude_self: bool | None = None,
    restrict: tuple[str, Sequence[Any]] | None = None,
    with_codes: bool = False,
    relation: Relation | None = None,
    lean: bool = False,
) -> tuple[str, list[Any]]:
    """``WITH`` clauses defining ``scoped`` (the counted events in range, with their PLOVER
    intensity) and ``pairs`` (one row per event and directed pair it forms, with the event's
    columns plus ``source`` and ``target``); with ``with_codes`` also ``pair_codes`` (id,
    source, target, source_code, target_code: which codes put the event in the pair).

    Without ``sources``/``targets`` the labels are actor countries (``level="country"``) or
    codes (``level="code"``), and self-pairs (VEN->VEN) are left out unless asked for.
    ``restrict`` is an extra (sql, params) predicate on the events, applied before unnesting;
    ``relation`` the events to read (default: ``event_relation(store)``). ``lean`` keeps only
    what measures need (id, date, quad_class, goldstein, plover) and materialises ``pairs``,
    for queries that read it twice over millions of events.
    """
    if level not in LEVELS:
        raise ConfigError(f"unknown dyad level {level!r}: use {' or '.join(LEVELS)}")
    relation = relation or event_relation(store)
    sources = list({s.label: s for s in sources}.values())
    targets = list({t.label: t for t in targets}.values())
    where = [COUNTED_SQL, "date IS NOT NULL", "len(recipient_codes) > 0"]
    params: list[Any] = []
    if since is not None:
        where.append("date >= ?")
        params.append(since)
    if until is not None:
        where.append("date <= ?")
        params.append(until)
    for column, sets in (("actor_codes", sources), ("recipient_codes", targets)):
        if sets and not any(s.is_everyone for s in sets):
            clauses = []
            for actor_set in sets:
                clause, clause_params = actor_set.list_sql(column)
                clauses.append(clause)
                params += clause_params
            where.append("(" + " OR ".join(clauses) + ")")
    if restrict is not None:
        where.append(f"({restrict[0]})")
        params += list(restrict[1])
    source_labels, source_label_params = _labels_sql("source", sources, level)
    target_labels, target_label_params = _labels_sql("target", targets, level)
    if exclude_self is None:
        exclude_self = not sources and not targets
    self_clause = "WHERE source <> target" if exclude_self else ""
    columns = (
        "id, date, quad_class, goldstein"
        if lean
        else "id, doc_id, date, event_type, mode, quad_class, goldstein, fatalities, "
        "actor_codes, actor_countries, recipient_codes, recipient_countries, sentence, "
        "claim_stance"
    )
    materialized = "MATERIALIZED " if lean else ""
    sql = (
        f"WITH scoped AS (SELECT {columns}, {plover_sql()} AS plover, "
        f"{source_labels} AS source_labels, {target_labels} AS target_labels "
        f"FROM {relation.sql} WHERE {' AND '.join(where)}), "
        f"by_source AS (SELECT *, unnest(source_labels) AS source FROM scoped), "
        f"pairs AS {materialized}(SELECT * EXCLUDE (source_labels, target_labels) FROM "
        f"(SELECT *, unnest(target_labels) AS target FROM by_source) {self_clause})"
    )
    # positional parameters bind in the order they appear in the text: SELECT list, FROM, WHERE
    params = source_label_params + target_label_params + list(relation.params) + params
    if with_codes:
        source_sql, source_params = _side_sql("source", sources, level)
        target_sql, target_params = _side_sql("target", targets, level)
        self_codes = "WHERE s.label <> t.label" if exclude_self else ""
        sql += (
            f", src AS ({source_sql}), tgt AS ({target_sql}), "
            f"pair_codes AS (SELECT s.id, s.label AS source, t.label AS target, "
            f"s.code AS source_code, t.code AS target_code "
            f"FROM src s JOIN tgt t ON s.id = t.id {self_codes})"
        )
        params += source_params + target_params
    return sql, params


def _period_sql(granularity: str) -> str:
    if granularity not in GRANULARITIES:
        raise ConfigError(f"unknown granularity {granularity!r}: use day or week")
    return "date" if granularity == "day" else "CAST(date_trunc('week', date) AS DATE)"


_MEASURES = (
    "count(*) AS events, "
    "count(*) FILTER (WHERE quad_class = 1) AS verbal_coop, "
    "count(*) FILTER (WHERE quad_class = 2) AS material_coop, "
    "count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict, "
    "count(*) FILTER (WHERE quad_class = 4) AS material_conflict, "
    "sum(goldstein) AS goldstein_sum, sum(plover) AS plover_sum"
)


# -- public functions -----------------------------------------------------------------------------


def dyads(
    store: Store,
    *,
    sources: Sequence[str | ActorSet] = (),
    targets: Sequence[str | ActorSet] = (),
    level: str = "country",
    granularity: str = "week",
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 20,
    top: int = 3,
) -> list[Dyad]:
    """The busiest directed dyads with their series, most events first.

    ``sources``/``targets`` are actor sets (each one a side of a dyad: ``["RUS*", "USA*"]``
    gives RUS*->x and USA*->x); left empty, each side is every actor country (or code, with
    ``level="code"``). Empty periods between ``since`` and ``until`` (default: the first and
    last event of the returned dyads) are zero-filled. ``top`` events per dyad are kept, the
    most intense (largest absolute PLOVER intensity) first.
    """
    source_sets = [ActorSet.parse(s) for s in sources]
    target_sets = [ActorSet.parse(t) for t in targets]
    relation = event_relation(store)
    ctes, params = pair_ctes(
        store,
        sources=source_sets,
        targets=target_sets,
        level=level,
        since=since,
        until=until,
        relation=relation,
        lean=True,
    )
    period = _period_sql(granularity)
    step = "INTERVAL 1 DAY" if granularity == "day" else "INTERVAL 7 DAY"
    limit_sql = f"LIMIT {int(limit)}" if limit is not None else ""
    # One pass ranks each pair's events: strongest PLOVER intensity, then Goldstein, then newest.
    top_sql = (
        f"max_by(id, abs(plover) * 1e9 + abs(goldstein) * 1e6 "
        f"+ date_diff('day', DATE '1900-01-01', date), {int(top)})"
        if top > 0
        else "[]::VARCHAR[]"
    )
    lo = _period_start(since, granularity) if since is not None else None
    hi = _period_start(until, granularity) if until is not None else None
    sql = (
        f"{ctes}, per_period AS (SELECT source, target, {period} AS period, {_MEASURES} "
        f"FROM pairs GROUP BY ALL), "
        f"totals AS (SELECT source, target, count(*) AS n, min({period}) AS first_period, "
        f"max({period}) AS last_period, {top_sql} AS top_ids FROM pairs GROUP BY ALL "
        f"ORDER BY n DESC, source, target {limit_sql}), "
        f"span AS (SELECT coalesce(?::DATE, min(first_period)) AS lo, "
        f"coalesce(?::DATE, max(last_period)) AS hi FROM totals), "
        f"calendar AS (SELECT CAST(unnest(generate_series(lo, hi, {step})) AS DATE) AS period "
        f"FROM span WHERE lo IS NOT NULL) "
        f"SELECT t.source, t.target, c.period, t.n, "
        f"coalesce(p.events, 0) AS events, coalesce(p.verbal_coop, 0) AS verbal_coop, "
        f"coalesce(p.material_coop, 0) AS material_coop, "
        f"coalesce(p.verbal_conflict, 0) AS verbal_conflict, "
        f"coalesce(p.material_conflict, 0) AS material_conflict, "
        f"coalesce(p.goldstein_sum, 0) AS goldstein_sum, coalesce(p.plover_sum, 0) AS plover_sum, "
        f"CASE WHEN c.period = lo THEN t.top_ids END AS top_ids "
        f"FROM totals t CROSS JOIN calendar c CROSS JOIN span LEFT JOIN per_period p "
        f"ON p.source = t.source AND p.target = t.target AND p.period = c.period "
        f"ORDER BY t.n DESC, t.source, t.target, c.period"
    )
    frame = store.query(sql, [*params, lo, hi])
    if frame.empty:
        return []
    pair_order = list(dict.fromkeys(zip(frame["source"], frame["target"], strict=True)))
    top_ids = {
        (str(row.source), str(row.target)): string_list(row.top_ids)
        for row in frame.itertuples(index=False)
        if not is_missing_list(row.top_ids)
    }
    cited = _events_by_id(store, relation, [i for ids in top_ids.values() for i in ids])
    result: list[Dyad] = []
    for (source, target), rows in frame.groupby(["source", "target"], sort=False):
        points = tuple(_point(row) for row in rows.itertuples(index=False))
        ids = top_ids.get((str(source), str(target)), [])
        result.append(
            Dyad(
                source=str(source),
                target=str(target),
                granularity=granularity,
                since=since if since is not None else points[0].period,
                until=until if until is not None else _period_end(points[-1].period, granularity),
                points=points,
                total=_total(points),
                top_events=tuple(cited[i] for i in ids if i in cited),
            )
        )
    order = {pair: i for i, pair in enumerate(pair_order)}
    return sorted(result, key=lambda d: order[(d.source, d.target)])


def dyad_series(
    store: Store,
    source: str | Sequence[str] | ActorSet,
    target: str | Sequence[str] | ActorSet,
    *,
    granularity: str = "week",
    since: date | None = None,
    until: date | None = None,
    top: int = 5,
) -> Dyad:
    """One directed dyad between two actor sets, with an empty series if nothing happened.

    >>> dyad_series(store, "RUS*", "VEN*", granularity="day")   # doctest: +SKIP
    """
    source_set, target_set = ActorSet.parse(source), ActorSet.parse(target)
    found = dyads(
        store,
        sources=[source_set],
        targets=[target_set],
        granularity=granularity,
        since=since,
        until=until,
        limit=1,
        top=top,
    )
    if found:
        return found[0]
    empty = DyadPoint(since or date.min, 0, 0, 0, 0, 0, 0.0, None, 0.0, None)
    return Dyad(source_set.label, target_set.label, granularity, since, until, (), empty, ())


def dyads_frame(store: Store, **kwargs: Any) -> Any:
    """``dyads()`` as a pandas DataFrame: one row per dyad and period."""
    import pandas as pd

    rows = [
        {"source": d.source, "target": d.target, **p.to_dict()}
        for d in dyads(store, **kwargs)
        for p in d.points
    ]
    columns = ["source", "target", *DyadPoint.__dataclass_fields__]
    return pd.DataFrame(rows, columns=columns)


def evidence_from_rows(frame: Any) -> list[Evidence]:
    """Evidence records from a DataFrame selected with ``EVIDENCE_COLUMNS``."""
    found = []
    for row in frame.itertuples(index=False):
        found.append(
            Evidence(
                event_id=str(row.id),
                doc_id=str(row.doc_id),
                date=to_date(row.date),
                event_type=str(row.event_type),
                mode=_none(row.mode),
                actors=tuple(c for c in string_list(row.actor_codes) if c),
                recipients=tuple(c for c in string_list(row.recipient_codes) if c),
                sentence=str(row.sentence),
                goldstein=float(row.goldstein),
                plover=float(row.plover),
                claim_stance=_none(row.claim_stance),
            )
        )
    return found


# -- helpers --------------------------------------------------------------------------------------


def _events_by_id(store: Store, relation: Relation, ids: Sequence[str]) -> dict[str, Evidence]:
    """Evidence for a few events picked by id (top events, drivers)."""
    if not ids:
        return {}
    columns = EVIDENCE_COLUMNS.format(plover=plover_sql())
    frame = store.query(
        f"SELECT {columns} FROM {relation.sql} WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [*relation.params, list(dict.fromkeys(ids))],
    )
    return {e.event_id: e for e in evidence_from_rows(frame)}


def is_missing_list(value: Any) -> bool:
    """A list cell that is NULL (the list itself, not an element)."""
    return value is None or (not hasattr(value, "__len__") and is_missing(value))


def _point(row: Any) -> DyadPoint:
    events = int(row.events)
    goldstein_sum = float(row.goldstein_sum)
    plover_sum = float(row.plover_sum)
    return DyadPoint(
        period=to_date(row.period) or date.min,
        events=events,
        verbal_coop=int(row.verbal_coop),
        material_coop=int(row.material_coop),
        verbal_conflict=int(row.verbal_conflict),
        material_conflict=int(row.material_conflict),
        goldstein_sum=round(goldstein_sum, 6),
        goldstein_mean=round(goldstein_sum / events, 6) if events else None,
        plover_sum=round(plover_sum, 6),
        plover_mean=round(plover_sum / events, 6) if events else None,
    )


def _total(points: Sequence[DyadPoint]) -> DyadPoint:
    events = sum(p.events for p in points)
    goldstein_sum = sum(p.goldstein_sum for p in points)
    plover_sum = sum(p.plover_sum for p in points)
    return DyadPoint(
        period=points[0].period if points else date.min,
        events=events,
        verbal_coop=sum(p.verbal_coop for p in points),
        material_coop=sum(p.material_coop for p in points),
        verbal_conflict=sum(p.verbal_conflict for p in points),
        material_conflict=sum(p.material_conflict for p in points),
        goldstein_sum=round(goldstein_sum, 6),
        goldstein_mean=round(goldstein_sum / events, 6) if events else None,
        plover_sum=round(plover_sum, 6),
        plover_mean=round(plover_sum / events, 6) if events else None,
    )


def _period_start(day: date, granularity: str) -> date:
    """The first day of the period holding ``day`` (ISO weeks start on Monday, as in DuckDB)."""
    return day - timedelta(days=day.weekday()) if granularity == "week" else day


def _period_end(period: date, granularity: str) -> date:
    return period + timedelta(days=6) if granularity == "week" else period


def to_date(value: Any) -> date | None:
    """A DATE cell (date, datetime, pandas Timestamp or ISO text) as a date (None for NULL)."""
    if is_missing(value):
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()  # pandas Timestamp / datetime
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def string_list(value: Any) -> list[str]:
    if value is None:
        return []
    try:
        return [str(v) for v in value if v is not None]
    except TypeError:
        return []


def _none(value: Any) -> Any:
    return None if is_missing(value) else value


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA: how a NULL comes back in a DataFrame."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT and NA are not equal to themselves
    except TypeError:
        return True  # pandas NA refuses conversion to bool


def to_utc(value: Any) -> datetime | None:
    """A TIMESTAMPTZ cell as an aware UTC datetime (None for NULL)."""
    if is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
