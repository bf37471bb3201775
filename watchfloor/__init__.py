"""watchfloor: turn the news into sourced, structured intelligence.

The public API. Everything a user needs is importable from here; the CLI mirrors it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from watchfloor.api import (
    IngestReport,
    Watchfloor,
    code_documents,
    demo_articles_path,
    demo_sources,
)
from watchfloor.errors import WatchfloorError
from watchfloor.records import (
    Alert,
    Article,
    Brief,
    Claim,
    ClaimRef,
    Correction,
    Document,
    Dyad,
    Entity,
    Escalation,
    Event,
    Forecast,
    Indicator,
    IndicatorValue,
    Location,
    Mention,
    Source,
    Story,
    Trigger,
)
from watchfloor.settings import Settings, load_settings
from watchfloor.store import EventQuery, Store, open_store

__all__ = [
    "Alert",
    "Article",
    "Brief",
    "Claim",
    "ClaimRef",
    "Correction",
    "Document",
    "Dyad",
    "Entity",
    "Escalation",
    "Event",
    "EventQuery",
    "Forecast",
    "Indicator",
    "IndicatorValue",
    "IngestReport",
    "Location",
    "Mention",
    "Settings",
    "Source",
    "Store",
    "Story",
    "Trigger",
    "Watchfloor",
    "WatchfloorError",
    "__version__",
    "code_documents",
    "demo_articles_path",
    "demo_sources",
    "load_settings",
    "open_store",
]
