"""The event record contract: JSON form, schema, round trip."""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest

from watchfloor.records import (
    EVENT_TYPES,
    ClaimRef,
    CoderInfo,
    Entity,
    Event,
    Location,
    Mention,
    Trigger,
    stable_id,
)


def sample_event(**changes: object) -> Event:
    sentence = "Russia denied reports that it had evacuated diplomats from Caracas."
    trigger = Trigger("evacuated", 34, 43)
    values: dict[str, object] = dict(
        id=stable_id("d1", 0, "RETREAT"),
        doc_id="d1",
        sentence_index=0,
        sentence=sentence,
        date=date(2026, 10, 21),
        event_type="RETREAT",
        mode="withdraw",
        cameo="0874",
        quad_class=2,
        goldstein=5.0,
        actor=(Entity("it", "RUSGOV", "RUS", "GOV", 27, 29),),
        recipient=(Entity("Caracas", "VEN", "VEN", None, 59, 66),),
        trigger=trigger,
        modality="actual",
        claim=ClaimRef("denies", Entity("Russia", "RUS", "RUS", None, 0, 6)),
        mentions=(Mention(0, sentence, trigger),),
        fatalities=None,
        location=Location("Caracas", "VEN", 10.49, -66.88),
        confidence=0.7,
        coder=CoderInfo("watchfloor.coder.rules", "1", "verb:evacuate"),
    )
    values.update(changes)
    return Event(**values)  # type: ignore[arg-type]


def test_records_event_json_matches_schema(event_schema: dict) -> None:
    jsonschema.validate(sample_event().to_dict(), event_schema)


def test_records_event_round_trip() -> None:
    event = sample_event()
    assert Event.from_dict(json.loads(event.to_json())) == event


def test_records_offsets_point_into_sentence() -> None:
    event = sample_event()
    for entity in (*event.actor, *event.recipient, event.claim.by):  # type: ignore[union-attr]
        assert event.sentence[entity.start : entity.end] == entity.text
    assert event.sentence[event.trigger.start : event.trigger.end] == event.trigger.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_type": "ATTACK"}, "unknown PLOVER event type"),
        ({"modality": "maybe"}, "unknown modality"),
        ({"quad_class": 5}, "quad_class"),
    ],
)
def test_records_event_rejects_invalid_values(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sample_event(**change)


@pytest.mark.parametrize("bad", [{"cameo": "42x"}, {"country_lower": True}, {"drop": "mentions"}])
def test_records_schema_rejects_broken_records(bad: dict[str, object], event_schema: dict) -> None:
    data = sample_event().to_dict()
    if "cameo" in bad:
        data["cameo"] = bad["cameo"]
    if "country_lower" in bad:
        data["actor"][0]["country"] = "rus"
    if "drop" in bad:
        data.pop(str(bad["drop"]))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, event_schema)


def test_records_sixteen_plover_types() -> None:
    assert len(EVENT_TYPES) == 16 and len(set(EVENT_TYPES)) == 16


def test_records_stable_id_is_deterministic() -> None:
    assert stable_id("a", 1, None) == stable_id("a", 1, None)
    assert stable_id("a", 1) != stable_id("a", 2)
