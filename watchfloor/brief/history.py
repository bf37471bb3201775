"""Past briefs: store each brief, and say what changed since the last one of the same scope.

A brief's *findings* are the parts worth comparing: its developments, the status of each claim,
each judgment's estimative term, each indicator's value and arrow, and each dyad's escalation
arrow. ``compare`` turns two sets of findings into changes of three kinds:

* ``new``: a development, claim, indicator or dyad the last brief did not have;
* ``reversed``: a claim whose status flipped (reported -> denied, unconfirmed -> confirmed ...),
  a judgment that crossed even chance, an indicator or dyad arrow that turned the other way;
* ``arrow``: an indicator or dyad arrow that moved (unchanged -> deteriorated ...).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watchfloor.records import stable_id
from watchfloor.store.base import Store

__all__ = ["Change", "compare", "previous_brief", "remember_brief"]

# Claim statuses on the "it happened" side and the "it did not" side; moving across is a reversal.
_AFFIRMED = {"confirmed", "reported"}
_NEGATED = {"denied", "retracted"}


@dataclass(frozen=True)
class Change:
    """One change since the last brief: ``kind`` is new, reversed or arrow."""

    kind: str
    subject: str
    before: str | None
    after: str
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
            "basis": self.basis,
        }


def previous_brief(store: Store, scope_key: str, *, before: datetime) -> dict[str, Any] | None:
    """The newest stored brief of the scope generated before ``before``: its row, summary parsed.

    None when there is none, or when the store has no ``briefs`` table (an older schema).
    """
    frame = None
    with contextlib.suppress(Exception):  # a store without migration 0005 has no briefs table
        frame = store.query(
            "SELECT id, generated_at, window_start, window_end, summary FROM briefs "
            "WHERE scope_key = ? AND generated_at < ? ORDER BY generated_at DESC LIMIT 1",
            [scope_key, before],
        )
    if frame is None or frame.empty:
        return None
    row = frame.iloc[0]
    generated = row["generated_at"]
    return {
        "id": str(row["id"]),
        "generated_at": generated.to_pydatetime()
        if hasattr(generated, "to_pydatetime")
        else generated,
        "window": [str(row["window_start"])[:10], str(row["window_end"])[:10]],
        "findings": json.loads(row["summary"]),
    }


def remember_brief(
    store: Store, brief: Any, findings: dict[str, Any], scope: dict[str, Any]
) -> str:
    """Store a brief and its findings; returns the stored id. No-op (empty id) without the table."""
    start, end = brief.window
    brief_id = stable_id(scope.get("key"), brief.generated_at.isoformat(), brief.style, prefix="b")
    with contextlib.suppress(Exception):
        store.execute(
            "INSERT INTO briefs (id, scope_key, scope, style, window_start, window_end, "
            "generated_at, generator, summary, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [
                brief_id,
                f"{scope.get('key', '')}:{brief.style}",
                json.dumps(scope),
                brief.style,
                start,
                end,
                brief.generated_at,
                brief.generator,
                json.dumps(findings, default=str),
                json.dumps(brief.to_dict(), default=str),
            ],
        )
        return brief_id
    return ""


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What changed between two sets of findings (see the module docstring)."""
    changes: list[Change] = []
    old_dev = before.get("developments", {})
    for key, item in after.get("developments", {}).items():
        text = item["text"] if isinstance(item, dict) else item
        old = old_dev.get(key)
        if old is None:
            changes.append(Change("new", text, None, "new development", f"development:{key}"))
        elif (
            isinstance(item, dict)
            and isinstance(old, dict)
            and item.get("last")
            and (old.get("last") is None or str(item["last"]) > str(old["last"]))
        ):
            changes.append(Change("new", text, None, "new reports", f"development:{key}"))
    old_claims = before.get("claims", {})
    for key, claim in after.get("claims", {}).items():
        old = old_claims.get(key)
        if old is None:
            changes.append(Change("new", claim["label"], None, claim["status"], f"claim:{key}"))
        elif old["status"] != claim["status"]:
            flipped = (
                (old["status"] in _AFFIRMED and claim["status"] in _NEGATED)
                or (old["status"] in _NEGATED and claim["status"] in _AFFIRMED | {"disputed"})
                or (old["status"] in {"unconfirmed", "disputed"} and claim["status"] == "confirmed")
            )
            kind = "reversed" if flipped else "arrow"
            changes.append(
                Change(kind, claim["label"], old["status"], claim["status"], f"claim:{key}")
            )
    old_judgments = before.get("judgments", {})
    for key, judgment in after.get("judgments", {}).items():
        old = old_judgments.get(key)
        if old is None or old["term"] == judgment["term"]:
            continue
        crossed = (old["p"] - 0.5) * (judgment["p"] - 0.5) < 0
        changes.append(
            Change(
                "reversed" if crossed else "arrow",
                judgment["label"],
                old["term"],
                judgment["term"],
                key,
            )
        )
    for family in ("indicators", "escalation"):
        old_family = before.get(family, {})
        for key, item in after.get(family, {}).items():
            old = old_family.get(key)
            if old is None:
                changes.append(Change("new", item["label"], None, item["arrow"], f"{family}:{key}"))
                continue
            if old["arrow"] == item["arrow"]:
                continue
            opposite = {old["arrow"], item["arrow"]} == {"deteriorated", "improved"}
            changes.append(
                Change(
                    "reversed" if opposite else "arrow",
                    item["label"],
                    old["arrow"],
                    item["arrow"],
                    f"{family}:{key}",
                )
            )
    return changes
