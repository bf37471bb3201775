"""Analyst comments and corrections: an audit trail that takes precedence everywhere downstream.

Analysts comment on, confirm, correct or reject any event, claim or story. Every action is one
row of the append-only ``corrections`` table (who, when, why, what changed, and a snapshot of the
target as it was); nothing is updated or deleted. The effective state of a target is the replay
of its rows in ``created_at`` order:

- ``comment`` adds a note and changes nothing else;
- ``confirm`` says the target stands as coded: an event's confidence becomes 1.0, a claim's
  status becomes ``confirmed``; it clears an earlier ``reject``;
- ``correct`` replaces the named fields (a later correction of the same field wins) and clears
  an earlier ``reject``. Events take ``event_type``, ``mode``, ``cameo``, ``actor``,
  ``recipient`` (a code or a list of codes), ``date``, ``fatalities``, ``modality`` and
  ``location``; a new type or mode brings the CAMEO code, quad class and Goldstein score that go
  with it. Claims take ``status`` and ``label``; stories ``title``, ``add`` and ``remove`` (lists
  of article ids moved into or out of the story);
- ``reject`` drops the target downstream (an event from every analysis, a claim from the ledger,
  a story from the list) until a later ``confirm`` or ``correct``.

``effective_events(store, query)`` is the event stream every analysis reads: stored events with
rejected ones removed and corrected fields replaced, filtered by ``query`` *after* correction (an
event corrected into the window or onto an actor is found; one corrected out of it is not).
Analyses that work in SQL use ``event_corrections(store)``: the rejected ids and the corrected
records, to exclude and swap in.

``export_labelled`` writes the corrections as labelled data (JSON lines: original record,
corrected record, label) for evaluating or improving the coder.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TextIO

from watchfloor.errors import WatchfloorError
from watchfloor.records import (
    CORRECTION_ACTIONS,
    CORRECTION_TARGETS,
    EVENT_TYPES,
    MODALITIES,
    Correction,
    Entity,
    Event,
    Location,
    stable_id,
)
from watchfloor.store.base import EventQuery, Store

__all__ = [
    "CLAIM_FIELDS",
    "EVENT_FIELDS",
    "STORY_FIELDS",
    "CorrectionError",
    "CorrectionState",
    "EventCorrections",
    "add_correction",
    "apply_event_changes",
    "audit_trail",
    "correction_states",
    "effective_events",
    "event_corrections",
    "event_matches",
    "export_labelled",
]

EVENT_FIELDS: tuple[str, ...] = (
    "event_type",
    "mode",
    "cameo",
    "actor",
    "recipient",
    "date",
    "fatalities",
    "modality",
    "location",
)
CLAIM_FIELDS: tuple[str, ...] = ("status", "label")
STORY_FIELDS: tuple[str, ...] = ("title", "add", "remove")
_FIELDS = {"event": EVENT_FIELDS, "claim": CLAIM_FIELDS, "story": STORY_FIELDS}
_CODE = re.compile(r"^[A-Z]{3}[A-Z0-9]{0,9}$")


class CorrectionError(WatchfloorError):
    """W520: an analyst correction names an unknown target, action or field, or a bad value."""

    code = "W520"


@dataclass(frozen=True)
class CorrectionState:
    """A target's effective state after replaying its corrections."""

    rejected: bool = False
    confirmed: bool = False
    changes: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    trail: tuple[Correction, ...] = ()

    @property
    def label(self) -> str | None:
        """``rejected``, ``corrected`` or ``confirmed``; None for comments only."""
        if self.rejected:
            return "rejected"
        if self.changes:
            return "corrected"
        return "confirmed" if self.confirmed else None


@dataclass(frozen=True)
class EventCorrections:
    """What corrections do to stored events: ids to drop and records to swap in."""

    rejected_ids: frozenset[str] = frozenset()
    corrected: dict[str, Event] = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        return bool(self.rejected_ids or self.corrected)


# -- writing -------------------------------------------------------------------------------
def add_correction(
    store: Store,
    target_kind: str,
    target_id: str,
    *,
    action: str,
    analyst: str,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    original: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Correction:
    """Record one analyst action and return it.

    For an event the snapshot is read from the store (an unknown event id is refused); for a
    claim or story the caller passes ``original`` (the API does). ``now`` is injectable for tests.

    >>> add_correction(store, "event", "9f1c", action="correct", analyst="ana",
    ...                note="a visit, not a call", changes={"mode": "visit"})  # doctest: +SKIP
    """
    if target_kind not in CORRECTION_TARGETS:
        raise CorrectionError(
            f"cannot correct a {target_kind!r}: use one of {', '.join(CORRECTION_TARGETS)}"
        )
    if action not in CORRECTION_ACTIONS:
        raise CorrectionError(
            f"unknown action {action!r}: use one of {', '.join(CORRECTION_ACTIONS)}"
        )
    if not analyst or not analyst.strip():
        raise CorrectionError("every correction names its analyst")
    clean = dict(changes or {})
    if action == "correct" and not clean:
        raise CorrectionError("a correction needs at least one changed field")
    if action != "correct" and clean:
        raise CorrectionError(f"{action!r} takes no changed fields; use action 'correct'")
    if action == "comment" and not note.strip():
        raise CorrectionError("a comment needs its text")
    unknown = sorted(set(clean) - set(_FIELDS[target_kind]))
    if unknown:
        raise CorrectionError(
            f"a {target_kind} has no correctable field {', '.join(unknown)}; "
            f"use {', '.join(_FIELDS[target_kind])}"
        )
    snapshot: dict[str, Any] | None = dict(original) if original is not None else None
    if target_kind == "event":
        stored = _events_by_id(store, [target_id]).get(target_id)
        if stored is None:
            raise CorrectionError(f"no stored event {target_id!r}")
        snapshot = stored.to_dict()
        if clean:
            apply_event_changes(stored, clean)  # refuses bad values before anything is written
    elif target_kind == "claim" and "status" in clean:
        from watchfloor.records import CLAIM_STATUSES

        if clean["status"] not in CLAIM_STATUSES:
            raise CorrectionError(
                f"unknown claim status {clean['status']!r}: use one of {', '.join(CLAIM_STATUSES)}"
            )
    elif target_kind == "story":
        for key in ("add", "remove"):
            if key in clean:
                clean[key] = _id_list(clean[key], key)
    created = (now or datetime.now(UTC)).astimezone(UTC)
    correction = Correction(
        id=stable_id(
            target_kind,
            target_id,
            action,
            analyst,
            created.isoformat(),
            json.dumps(clean, sort_keys=True, default=str),
            note,
            prefix="cor-",
        ),
        target_kind=target_kind,
        target_id=target_id,
        action=action,
        analyst=analyst.strip(),
        created_at=created,
        note=note,
        changes=clean,
        original=snapshot,
    )
    store.execute(
        "INSERT INTO corrections (id, target_kind, target_id, action, analyst, created_at, note, "
        "changes, original) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            correction.id,
            correction.target_kind,
            correction.target_id,
            correction.action,
            correction.analyst,
            correction.created_at,
            correction.note,
            json.dumps(correction.changes, ensure_ascii=False, default=str),
            json.dumps(snapshot, ensure_ascii=False, default=str) if snapshot is not None else None,
        ],
    )
    return correction


def _id_list(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise CorrectionError(f"story field {name!r} takes a list of article ids")
    return list(value)


# -- reading -------------------------------------------------------------------------------
def audit_trail(
    store: Store, *, target_kind: str | None = None, target_ids: Sequence[str] | None = None
) -> list[Correction]:
    """Every correction (optionally of one kind, or of some targets), oldest first."""
    where: list[str] = []
    params: list[Any] = []
    if target_kind is not None:
        where.append("target_kind = ?")
        params.append(target_kind)
    if target_ids is not None:
        where.append("target_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(target_ids))
    sql = (
        "SELECT id, target_kind, target_id, action, analyst, created_at, note, changes, original "
        "FROM corrections"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at, id"
    frame = store.query(sql, params)
    found = []
    for row in frame.itertuples(index=False):
        created = (
            row.created_at.to_pydatetime()
            if hasattr(row.created_at, "to_pydatetime")
            else (row.created_at)
        )
        found.append(
            Correction(
                id=row.id,
                target_kind=row.target_kind,
                target_id=row.target_id,
                action=row.action,
                analyst=row.analyst,
                created_at=created,
                note=row.note or "",
                changes=json.loads(row.changes) if isinstance(row.changes, str) else {},
                original=json.loads(row.original) if isinstance(row.original, str) else None,
            )
        )
    return found


def replay(trail: Iterable[Correction]) -> CorrectionState:
    """The effective state of one target from its corrections (see the module docstring)."""
    rejected = confirmed = False
    changes: dict[str, Any] = {}
    notes: list[str] = []
    kept: list[Correction] = []
    for c in sorted(trail, key=lambda c: (c.created_at, c.id)):
        kept.append(c)
        if c.action == "comment":
            notes.append(f"{c.analyst} ({c.created_at:%Y-%m-%d}): {c.note}")
        elif c.action == "reject":
            rejected = True
        elif c.action == "confirm":
            rejected, confirmed = False, True
        elif c.action == "correct":
            rejected = False
            changes.update(c.changes)
    return CorrectionState(rejected, confirmed, changes, tuple(notes), tuple(kept))


def correction_states(store: Store, target_kind: str) -> dict[str, CorrectionState]:
    """The effective state of every corrected target of one kind, by target id."""
    by_target: dict[str, list[Correction]] = {}
    for c in audit_trail(store, target_kind=target_kind):
        by_target.setdefault(c.target_id, []).append(c)
    return {target: replay(trail) for target, trail in by_target.items()}


# -- events --------------------------------------------------------------------------------
def apply_event_changes(event: Event, changes: Mapping[str, Any]) -> Event:
    """``event`` with corrected fields replaced; refuses values the contract does not allow.

    A new type or mode brings its default CAMEO code, quad class and Goldstein score; a new
    ``cameo`` brings its type and mode. Corrected events keep their id and get confidence 1.0.
    """
    from watchfloor.ontology.plover import load_ontology

    onto = load_ontology()
    updates: dict[str, Any] = {"confidence": 1.0}
    if "cameo" in changes:
        cameo = str(changes["cameo"])
        try:
            event_type, mode = onto.plover_for_cameo(cameo)
        except KeyError as exc:
            raise CorrectionError(str(exc).strip("\"'")) from None
        updates.update(event_type=event_type, mode=mode, cameo=cameo)
    elif "event_type" in changes or "mode" in changes:
        event_type = str(changes.get("event_type", event.event_type)).upper()
        if event_type not in EVENT_TYPES:
            raise CorrectionError(f"unknown event type {event_type!r}")
        if "mode" in changes:
            mode = changes["mode"] or None
        else:  # keep the old mode only where the new type allows it
            mode = event.mode if onto.is_valid(event_type, event.mode) else None
        if not onto.is_valid(event_type, mode):
            raise CorrectionError(f"{event_type} has no mode {mode!r}")
        updates.update(event_type=event_type, mode=mode, cameo=onto.default_cameo(event_type, mode))
    if "cameo" in updates:
        record = onto.cameo(updates["cameo"])
        updates.update(quad_class=record.quad_class, goldstein=record.goldstein)
    for side in ("actor", "recipient"):
        if side in changes:
            updates[side] = _entities(changes[side], getattr(event, side), side)
    if "date" in changes:
        raw = changes["date"]
        try:
            updates["date"] = date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            raise CorrectionError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if "fatalities" in changes:
        raw = changes["fatalities"]
        if raw is None or raw == "":
            updates["fatalities"] = None
        else:
            try:
                updates["fatalities"] = int(raw)
            except (TypeError, ValueError):
                raise CorrectionError(f"fatalities must be a whole number, not {raw!r}") from None
            if updates["fatalities"] < 0:
                raise CorrectionError("fatalities cannot be negative")
    if "modality" in changes:
        if changes["modality"] not in MODALITIES:
            raise CorrectionError(
                f"unknown modality {changes['modality']!r}: use one of {', '.join(MODALITIES)}"
            )
        updates["modality"] = changes["modality"]
    if "location" in changes:
        raw = changes["location"]
        if not raw:
            updates["location"] = None
        elif isinstance(raw, Mapping):
            updates["location"] = Location.from_dict(raw)
        else:
            updates["location"] = Location(name=str(raw), country=None, lat=None, lon=None)
    return replace(event, **updates)


@functools.lru_cache(maxsize=1)
def _known_codes() -> tuple[frozenset[str], frozenset[str]]:
    """ISO alpha-3 country codes and sector codes from ``watchfloor/data/actors``."""
    from importlib.resources import files

    from watchfloor.ontology.cameo import iter_tsv_rows

    folder = files("watchfloor") / "data" / "actors"
    countries = {
        row["iso3"]
        for _, row in iter_tsv_rows(
            folder / "countries.tsv", ("iso3", "name", "aliases", "demonyms", "capitals")
        )
    }
    sectors = {
        row["sector"]
        for _, row in iter_tsv_rows(folder / "sectors.tsv", ("sector", "label", "nouns"))
    }
    return frozenset(countries), frozenset(sectors)


def _valid_code(code: str) -> bool:
    if not _CODE.match(code):
        return False
    countries, sectors = _known_codes()
    if code.startswith("IGO"):  # organisations have their own codes (IGOUNOSC)
        return True
    rest = code[3:]
    return (
        code[:3] in countries
        and len(rest) % 3 == 0
        and all(rest[i : i + 3] in sectors for i in range(0, len(rest), 3))
    )


def _entities(value: Any, old: tuple[Entity, ...], side: str) -> tuple[Entity, ...]:
    codes = [value] if isinstance(value, str) else list(value or [])
    codes = [c.strip().upper() for c in codes if str(c).strip()]
    for code in codes:
        if not _valid_code(code):
            raise CorrectionError(
                f"{side} code {code!r} is not a country (ISO alpha-3) + sectors, e.g. RUSGOV"
            )
    entities = []
    for i, code in enumerate(codes):
        before = old[i] if i < len(old) else None
        entities.append(
            Entity(
                text=before.text if before else code,
                code=code,
                country=code[:3],
                sector=code[3:] or None,
                start=before.start if before else 0,
                end=before.end if before else 0,
            )
        )
    return tuple(entities)


def _events_by_id(store: Store, ids: Sequence[str]) -> dict[str, Event]:
    if not ids:
        return {}
    frame = store.query(
        "SELECT record FROM events WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
    )
    events = (Event.from_dict(json.loads(r)) for r in frame["record"])
    return {e.id: e for e in events}


def event_corrections(store: Store) -> EventCorrections:
    """Rejected event ids and corrected (or confirmed) records, for analyses that use SQL.

    Corrections of events that are no longer stored (re-coded away) are left out.
    """
    states = correction_states(store, "event")
    if not states:
        return EventCorrections()
    rejected = frozenset(t for t, s in states.items() if s.rejected)
    wanted = [t for t, s in states.items() if not s.rejected and (s.changes or s.confirmed)]
    stored = _events_by_id(store, wanted)
    corrected = {}
    for target in wanted:
        if target in stored:
            state = states[target]
            event = stored[target]
            corrected[target] = (
                apply_event_changes(event, state.changes)
                if state.changes
                else replace(event, confidence=1.0)
            )
    return EventCorrections(rejected_ids=rejected, corrected=corrected)


def event_matches(event: Event, query: EventQuery) -> bool:
    """Whether ``event`` passes ``query``, with the store's semantics (codes match by prefix)."""

    def prefixed(codes: Iterable[str | None], wanted: Sequence[str]) -> bool:
        return any((c or "").startswith(w.upper()) for c in codes for w in wanted)

    if query.actors and not prefixed(event.actor_codes, query.actors):
        return False
    if query.recipients and not prefixed(event.recipient_codes, query.recipients):
        return False
    if query.event_types and event.event_type not in {t.upper() for t in query.event_types}:
        return False
    if query.modalities and event.modality not in set(query.modalities):
        return False
    if query.since is not None and (event.date is None or event.date < query.since):
        return False
    if query.until is not None and (event.date is None or event.date > query.until):
        return False
    if query.doc_ids and event.doc_id not in set(query.doc_ids):
        return False
    return query.include_claims or event.claim is None


def _event_order(event: Event) -> tuple[Any, ...]:
    return (
        event.date is None,
        event.date or date.min,
        event.doc_id,
        event.sentence_index,
        event.id,
    )


def effective_events(
    store: Store, query: EventQuery | None = None, *, include_rejected: bool = False
) -> list[Event]:
    """Stored events as analysts corrected them: the stream every analysis should read.

    Rejected events are removed (kept with ``include_rejected``), corrected fields replaced, and
    ``query`` applied to the corrected records. Order and ``limit`` follow ``Store.events``.
    """
    query = query or EventQuery()
    overlay = event_corrections(store)
    if not overlay.touched:
        return store.events(query)
    found = {e.id: e for e in store.events(replace(query, limit=None))}
    # A corrected event may match the query only after correction: look at all of them.
    for event_id, event in overlay.corrected.items():
        found[event_id] = event
    if include_rejected:
        rejected_stored = _events_by_id(store, sorted(overlay.rejected_ids))
        for event_id, event in rejected_stored.items():
            found.setdefault(event_id, event)
    events = [
        e
        for e in found.values()
        if (include_rejected or e.id not in overlay.rejected_ids) and event_matches(e, query)
    ]
    events.sort(key=_event_order)
    return events[: query.limit] if query.limit is not None else events


# -- export --------------------------------------------------------------------------------
def export_labelled(store: Store, out: TextIO, *, kinds: Sequence[str] = ("event",)) -> int:
    """Write one JSON line per corrected target: its original record, corrected record and label.

    ``label`` is ``rejected`` (``corrected`` is null), ``corrected`` (``fields`` names what
    changed) or ``confirmed`` (the coder was right). Comment-only targets carry no label and are
    left out. Returns the number of lines written.

    Each line: ``{"kind", "id", "label", "fields", "original", "corrected", "analysts",
    "reasons", "corrections", "last_at", "stale"}``; ``stale`` is true when the original is the
    snapshot taken at correction time because the target is no longer stored as it was.
    """
    written = 0
    for kind in kinds:
        if kind not in CORRECTION_TARGETS:
            raise CorrectionError(f"cannot export {kind!r}: use {', '.join(CORRECTION_TARGETS)}")
        states = correction_states(store, kind)
        stored = _events_by_id(store, sorted(states)) if kind == "event" else {}
        for target_id in sorted(states):
            state = states[target_id]
            if state.label is None:
                continue
            snapshot = next((c.original for c in state.trail if c.original is not None), None)
            current = stored.get(target_id)
            original = current.to_dict() if current is not None else snapshot
            corrected: dict[str, Any] | None
            if state.rejected:
                corrected = None
            elif kind == "event":
                base = current or (Event.from_dict(snapshot) if snapshot else None)
                corrected = (
                    apply_event_changes(base, state.changes).to_dict()
                    if base is not None and state.changes
                    else (replace(base, confidence=1.0).to_dict() if base is not None else None)
                )
            else:
                corrected = {**(snapshot or {}), **state.changes}
                if kind == "claim" and state.confirmed and "status" not in state.changes:
                    corrected["status"] = "confirmed"
            row = {
                "kind": kind,
                "id": target_id,
                "label": state.label,
                "fields": sorted(state.changes),
                "original": original,
                "corrected": corrected,
                "analysts": sorted({c.analyst for c in state.trail}),
                "reasons": [c.note for c in state.trail if c.note],
                "corrections": [c.id for c in state.trail],
                "last_at": state.trail[-1].created_at.isoformat().replace("+00:00", "Z"),
                "stale": kind == "event" and current is None,
            }
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            written += 1
    return written
