"""Readable names for actor codes and entities in briefs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pycountry

from watchfloor.records import Entity

__all__ = [
    "actor_aliases",
    "country_name",
    "entity_name",
    "find_actors",
    "join_names",
    "same_actor",
]

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


# -- names the citation checker treats as the same actor ------------------------------------------
# The coder's actor dictionaries (data/actors) already list every name, alias, demonym and capital
# of a state, its institutions and the international organisations; the checker reads them so
# that "Moscow" in a passage supports "Russia" in a sentence.


def _rows(path: str) -> list[dict[str, str]]:
    """Rows of a tab-separated data file under watchfloor/data, by its header; [] if absent."""
    import csv
    from importlib import resources

    resource = resources.files("watchfloor.data").joinpath(path)
    if not resource.is_file():
        return []
    lines = [ln for ln in resource.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _split_names(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@cache
def actor_aliases() -> dict[str, str]:
    """Every name of a state, institution or organisation -> the key it stands for.

    The key is the ISO alpha-3 code for states and their institutions, the organisation code
    (``IGOUNOSC``) for international bodies, and ``"~"`` for phrases that look like an actor but
    are not ("Latin America"), which must then appear word for word.
    """
    aliases: dict[str, str] = {}
    for row in _rows("actors/countries.tsv"):
        iso = row["iso3"]
        for name in [
            row["name"],
            *_split_names(row.get("aliases")),
            *_split_names(row.get("demonyms")),
            *_split_names(row.get("capitals")),
        ]:
            aliases.setdefault(name, iso)
    for row in _rows("actors/institutions.tsv"):
        for name in [row["name"], *_split_names(row.get("aliases"))]:
            aliases.setdefault(_drop_the(name), row["country"])
    for row in _rows("actors/igos.tsv"):
        for name in [row["name"], *_split_names(row.get("aliases"))]:
            aliases.setdefault(_drop_the(name), row["code"])
    for row in _rows("actors/not_actors.tsv"):
        aliases[row["phrase"]] = "~"
    if not aliases:  # the actor dictionaries are missing: fall back on ISO names
        for country in pycountry.countries:
            aliases.setdefault(country.name, country.alpha_3)
    for code, short in _SHORT.items():
        if not short.startswith("an "):
            aliases.setdefault(short.removeprefix("the "), code)
    return aliases


def _drop_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


@cache
def _alias_regex() -> re.Pattern[str]:
    names = sorted(actor_aliases(), key=len, reverse=True)
    # Case-sensitive on purpose: "US" is a state, "us" is not.
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def find_actors(text: str) -> list[tuple[int, int, str, str]]:
    """The actor names in ``text``: (start, end, name as written, key), longest match first.

    >>> [m[3] for m in find_actors("Moscow denied that Russian diplomats left Caracas.")]
    ['RUS', 'RUS', 'VEN']
    """
    table = actor_aliases()
    return [
        (m.start(), m.end(), m.group(0), table[m.group(0)]) for m in _alias_regex().finditer(text)
    ]


def same_actor(key_a: str, key_b: str) -> bool:
    """Keys name the same actor; an organisation matches its own organs (IGOUNO ~ IGOUNOSC)."""
    if key_a == key_b:
        return True
    if key_a.startswith(("IGO", "NGO")) and key_b.startswith(("IGO", "NGO")):
        return key_a.startswith(key_b) or key_b.startswith(key_a)
    return False
