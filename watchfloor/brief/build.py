"""One call from a store and a scope to a finished, verified, remembered brief.

``build_brief`` is what ``Watchfloor.brief`` and ``watchfloor brief`` run: gather the evidence,
compose it in the requested style (``STYLES``: the built-in analyst brief and explainer use the
same registry a plug-in would), compare it with the last brief of the same scope and store it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from watchfloor.brief.evidence import BriefScope, Evidence, gather
from watchfloor.brief.statements import Briefing
from watchfloor.settings import Settings
from watchfloor.store.base import Store

__all__ = ["STYLES", "build_brief"]


def _analyst(evidence: Evidence) -> Briefing:
    from watchfloor.brief.compose import compose_brief

    return compose_brief(evidence)


def _explainer(evidence: Evidence) -> Briefing:
    from watchfloor.brief.explainer import compose_explainer

    return compose_explainer(evidence)


STYLES: dict[str, Callable[[Evidence], Briefing]] = {
    "analyst": _analyst,
    "explainer": _explainer,
}


def build_brief(
    store: Store,
    scope: BriefScope,
    *,
    style: str = "analyst",
    settings: Settings | None = None,
    now: datetime | None = None,
    remember: bool = True,
) -> Briefing:
    """Gather, compose, and (with ``remember``) store a brief for ``scope``."""
    if style not in STYLES:
        raise ValueError(f"unknown brief style {style!r}: use {', '.join(STYLES)}")
    topic_docs = None
    if scope.topic:
        from watchfloor.brief.search import search_articles

        hits = search_articles(store, scope.topic, limit=200, since=None, until=scope.until)
        topic_docs = [h.doc_id for h in hits]
    evidence = gather(
        store,
        scope,
        settings=settings,
        now=now,
        topic_docs=topic_docs,
        stories=style == "explainer",
    )
    briefing = STYLES[style](evidence)
    if remember:
        from watchfloor.brief.history import remember_brief

        remember_brief(store, briefing, briefing.findings, briefing.scope)
    return briefing
