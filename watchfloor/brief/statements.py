"""The brief's own record types: statements that carry the passages they were checked against.

They extend the shared ``Brief*`` records in ``watchfloor.records`` (subclasses, so everything that
reads a ``Brief`` still works) with what the citation checker and the renderers need:

* ``SourcedStatement``: a sentence, the part of it checked against its sources (``checked``), the
  passage behind each citation, and the basis (claim, indicator or dyad) an analytic sentence
  rests on, with the figures it quotes.
* ``ListedSource``: a numbered source with its retrieval time and the statements that depend on it.
* ``Briefing``: a ``Brief`` with its style, scope, verification figures, charts and changes.
* ``Draft`` / ``Cite``: what composers build before verification and numbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from watchfloor.records import Brief, BriefSource, BriefStatement

__all__ = [
    "Briefing",
    "Chart",
    "Cite",
    "Draft",
    "ListedSource",
    "Passage",
    "SourcedStatement",
]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass(frozen=True, slots=True)
class Passage:
    """The words of source ``number`` that a statement was checked against."""

    number: int
    doc_id: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "doc_id": self.doc_id, "text": self.text}


@dataclass(frozen=True, slots=True)
class SourcedStatement(BriefStatement):
    """A brief sentence with its provenance.

    ``sid`` names the statement ("D2", "J1") so the source list can say which statements depend on
    each source. ``checked`` is the part of ``text`` the citation checker compared with each
    passage (empty for sentences that cite nothing). ``basis`` names the claim, indicator or dyad
    an analytic sentence comes from, and ``figures`` the numbers of that basis it quotes.
    ``kind`` tells renderers how to lay the sentence out (``question``, ``answer``, ``evidence``,
    ``fact`` ...). ``verified`` is True when every citation passed the checker, False when the
    sentence is shown but marked unsourced, None when it cites nothing.
    """

    sid: str = ""
    checked: str = ""
    passages: tuple[Passage, ...] = ()
    basis: str | None = None
    figures: tuple[str, ...] = ()
    kind: str = "statement"
    verified: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        data = BriefStatement.to_dict(self)
        data.update(
            {
                "id": self.sid,
                "kind": self.kind,
                "checked": self.checked,
                "passages": [p.to_dict() for p in self.passages],
                "basis": self.basis,
                "figures": list(self.figures),
                "verified": self.verified,
            }
        )
        return data


@dataclass(frozen=True, slots=True)
class ListedSource(BriefSource):
    """A numbered source with when watchfloor retrieved it and the statements that rest on it."""

    retrieved_at: datetime | None = None
    statements: tuple[str, ...] = ()
    kind: str = "article"  # article | reference (a background fact's public reference)

    def to_dict(self) -> dict[str, Any]:
        data = BriefSource.to_dict(self)
        data.update(
            {
                "retrieved_at": _iso(self.retrieved_at),
                "statements": list(self.statements),
                "kind": self.kind,
            }
        )
        return data


@dataclass(frozen=True, slots=True)
class Chart:
    """A small series for an inline chart: ``points`` are (period start, value) per series."""

    key: str
    title: str
    series: tuple[tuple[str, tuple[tuple[date, float], ...]], ...]
    threshold: float | None = None
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "series": {
                name: [[d.isoformat(), v] for d, v in points] for name, points in self.series
            },
            "threshold": self.threshold,
            "unit": self.unit,
        }


@dataclass(frozen=True, slots=True)
class Briefing(Brief):
    """A ``Brief`` as the composers build it: style, scope, verification figures and charts.

    ``verification`` holds ``checked`` (sentences that cite a source), ``kept`` (passed),
    ``dropped`` (failed and removed), ``unsourced`` (failed and shown marked) and ``rate``
    (kept / checked). ``changes`` lists what changed since the last brief of the same scope.
    """

    style: str = "analyst"
    scope: dict[str, Any] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    charts: tuple[Chart, ...] = ()
    changes: tuple[dict[str, Any], ...] = ()
    findings: dict[str, Any] = field(default_factory=dict)

    def statements(self) -> list[BriefStatement]:
        """Every statement of every section, in order."""
        return [s for section in self.sections for s in section.statements]

    def to_dict(self) -> dict[str, Any]:
        data = Brief.to_dict(self)
        data.update(
            {
                "style": self.style,
                "scope": self.scope,
                "verification": self.verification,
                "charts": [c.to_dict() for c in self.charts],
                "changes": list(self.changes),
            }
        )
        return data


@dataclass(frozen=True, slots=True)
class Cite:
    """A source a draft statement cites, and the passage of it the statement rests on."""

    doc_id: str
    passage: str


@dataclass
class Draft:
    """A statement before verification and numbering.

    The sentence is ``lead + checked + tail``: ``checked`` is compared with every cited passage;
    ``lead`` and ``tail`` are the analyst's frame (estimative words, the basis and its figures),
    whose numbers must all be among ``figures``.
    """

    checked: str
    cites: list[Cite] = field(default_factory=list)
    lead: str = ""
    tail: str = ""
    kind: str = "statement"
    basis: str | None = None
    figures: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    must_cite: bool = True

    @property
    def text(self) -> str:
        return f"{self.lead}{self.checked}{self.tail}"
