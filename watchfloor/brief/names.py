"""Readable names for actor codes and entities in briefs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pycountry

from watchfloor.records import Entity

__all__ = ["country_name", "entity_name", "join_names"]

# Names analysts write, where ISO's are long or formal.
_SHORT = {
    "USA": "the US",
    "GBR": "the UK",
    "RUS": "Russia",
    "VEN": "Venezuela",
    "IRN": "Iran",
    "SYR": "Syria",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "BOL": "Bolivia",
    "TZA": "Tanzania",
    "MDA": "Moldova",
    "VNM": "Vietnam",
    "LAO": "Laos",
    "TWN": "Taiwan",
    "PSE": "Palestine",
    "COD": "DR Congo",
    "IGO": "an international organisation",
}


@cache
def country_name(code: str | None) -> str:
    """``"RUS"`` -> ``"Russia"``; unknown codes come back unchanged."""
    if not code:
        return "an unidentified actor"
    code = code.upper()
    if code in _SHORT:
        return _SHORT[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def entity_name(entity: Entity) -> str:
    """The words the source used, which are the most faithful name we have."""
    text = entity.text.strip()
    if text.lower() in {"it", "he", "she", "they", "we", "its", "their"}:
        return country_name(entity.country)
    return text


def join_names(names: Iterable[str]) -> str:
    items = [n for n in dict.fromkeys(names) if n]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " and " + items[-1]
