"""Event coding: documents in, CAMEO/PLOVER events out.

Coders are found by registered, versioned name, the built-in one the same way a third-party
coder would be::

    >>> from watchfloor.coding import get_coder
    >>> coder = get_coder("watchfloor.coder.rules.v1")
    >>> coder.name
    'watchfloor.coder.rules'

A coder follows the ``Coder`` protocol: ``code_documents`` streams ``(document, events)`` pairs
in input order, ``code_text`` codes one string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from watchfloor.coding.coder import (
    CODER_NAME,
    CODER_VERSION,
    CoderResources,
    CoderSettings,
    RulesCoder,
    plover_root,
)
from watchfloor.records import Document, Event

__all__ = [
    "CODER_NAME",
    "CODER_VERSION",
    "Coder",
    "CoderResources",
    "CoderSettings",
    "RulesCoder",
    "available_coders",
    "get_coder",
    "plover_root",
    "register_coder",
]


@runtime_checkable
class Coder(Protocol):
    """What every event coder provides."""

    name: str
    version: str

    def code_documents(
        self, docs: Iterable[Document], *, n_process: int = 1, batch_size: int = 64
    ) -> Iterator[tuple[Document, list[Event]]]:
        """Yield ``(document, events)`` for each document, in input order, streaming."""
        ...

    def code_text(
        self, text: str, date: datetime | date | None = None, doc_id: str = "doc"
    ) -> list[Event]:
        """Code one text published on ``date``."""
        ...


CoderFactory = Callable[[], Coder]

_REGISTRY: dict[str, CoderFactory] = {}


def register_coder(name: str, factory: CoderFactory) -> None:
    """Register a coder factory under a versioned name such as ``"acme.coder.ml.v2"``.

    Re-registering a name replaces the earlier factory (useful in tests).
    """
    _REGISTRY[name] = factory


def available_coders() -> list[str]:
    """Registered coder names, sorted."""
    return sorted(_REGISTRY)


def get_coder(name: str = "watchfloor.coder.rules.v1") -> Coder:
    """A new coder instance for a registered name.

    Raises ``KeyError`` naming the registered coders when ``name`` is unknown.
    """
    try:
        factory = _REGISTRY[name]
    except KeyError:
        known = ", ".join(available_coders()) or "none"
        raise KeyError(f"unknown coder {name!r}; registered coders: {known}") from None
    return factory()


# The built-in coder is registered like any other.
register_coder("watchfloor.coder.rules.v1", RulesCoder)
