"""Place finding and geocoding, and the cached gazetteer index."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from watchfloor.coding import places
from watchfloor.coding.places import (
    Place,
    PlaceIndex,
    find_places,
    load_place_index,
    primary_place,
)


@pytest.fixture(scope="module")
def index() -> PlaceIndex:
    # The default cache directory: built once per machine (about two seconds), then loaded.
    return load_place_index()


# sentence -> the places found, as (name, ISO3 country, kind), in order
FOUND = [
    (
        "Shelling hit Kharkiv, in eastern Ukraine, on Monday.",
        [("Kharkiv", "UKR", "city"), ("Ukraine", "UKR", "country")],
    ),
    ("Russian forces shelled Kherson overnight.", [("Kherson", "UKR", "city")]),
    (
        "Drones hit Kyiv, Kharkiv and Odesa overnight.",
        [("Kyiv", "UKR", "city"), ("Kharkiv", "UKR", "city"), ("Odesa", "UKR", "city")],
    ),
    (
        "Officials in Kiev and Odessa reported power cuts.",
        [("Kyiv", "UKR", "city"), ("Odesa", "UKR", "city")],
    ),
    (
        "Israeli troops raided Jenin and Tulkarm in the occupied West Bank.",
        [("Janīn", "PSE", "city"), ("Ţūlkarm", "PSE", "city"), ("West Bank", "PSE", "region")],
    ),
    (
        "Aid trucks entered the Gaza Strip through Rafah.",
        [("Gaza Strip", "PSE", "region"), ("Rafaḩ", "PSE", "city")],
    ),
    (
        "The Houthis attacked a tanker in the Red Sea off Yemen.",
        [("Red Sea", None, "sea"), ("Yemen", "YEM", "country")],
    ),
    (
        "A hurricane formed in the eastern Pacific and another in the Gulf of Mexico.",
        [("eastern Pacific", None, "sea"), ("Gulf of Mexico", None, "sea")],
    ),
    (
        "Tankers avoided the Strait of Hormuz and the South China Sea.",
        [("Strait of Hormuz", None, "sea"), ("South China Sea", None, "sea")],
    ),
    ("Drought is spreading across the Sahel.", [("Sahel", None, "region")]),
    (
        "The U.S. and the UK condemned the attack.",
        [("United States", "USA", "country"), ("United Kingdom", "GBR", "country")],
    ),
    ("Gaza's health ministry updated its figures.", [("Gaza", "PSE", "city")]),
    (
        "Police in Mobile, Alabama, arrested two men.",
        [("Mobile", "USA", "city"), ("Alabama", "USA", "region")],
    ),
    ("Floods in Cologne closed the cathedral.", [("Köln", "DEU", "city")]),
    ("Pilgrims gathered in Bethlehem.", [("Bethlehem", "PSE", "city")]),
    (
        "Chad and Niger closed their borders.",
        [("Chad", "TCD", "country"), ("Niger", "NER", "country")],
    ),
    (
        "Jordan's foreign minister flew to Cairo.",
        [("Jordan", "JOR", "country"), ("Cairo", "EGY", "city")],
    ),
    (
        "Côte d'Ivoire and Ivory Coast are one country.",
        [("Ivory Coast", "CIV", "country"), ("Ivory Coast", "CIV", "country")],
    ),
    (
        "Police in Kyiv said the Gaza Health Ministry reported deaths.",
        [("Kyiv", "UKR", "city"), ("Gaza", "PSE", "city")],
    ),
    # False places: people, newspapers, everyday words, dates.
    ("Paris Hilton visited Paris.", [("Paris", "FRA", "city")]),
    ("Michael Jordan met officials in Jordan.", [("Jordan", "JOR", "country")]),
    ("Israel Katz said the army had finished its operation.", []),
    ("Reading the report, he said the plan was nice.", []),
    ("Moore said Tyler would speak to Gilbert.", []),
    ("Kennedy praised Clinton in a speech.", []),
    ("The New York Times reported the story.", []),
    ("Police arrested 11 people in March.", []),
    ("She saw the fight at Madison Square Garden.", []),
    ("the talks in paris were lower-case.", []),
    ("", []),
]


@pytest.mark.parametrize(("sentence", "expected"), FOUND)
def test_places_find_places(
    index: PlaceIndex, sentence: str, expected: list[tuple[str, str | None, str]]
) -> None:
    found = find_places(sentence, index)
    assert [(p.name, p.country, p.kind) for p in found] == expected


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Flooding in Nice closed the airport.", "Nice"),
        ("He travelled to Split for the talks.", "Split"),
        ("Students protested in Reading.", "Reading"),
        ("Trump held a rally in Tyler, Texas.", "Tyler"),
    ],
)
def test_places_common_word_needs_locative(index: PlaceIndex, sentence: str, surface: str) -> None:
    found = find_places(sentence, index)
    assert [sentence[p.start : p.end] for p in found][:1] == [surface]
    bare = sentence.replace(f"in {surface}", surface).replace(f"to {surface}", surface)
    assert surface not in [bare[p.start : p.end] for p in find_places(bare, index)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ukraine said a drone struck a depot near Odesa.", "Odesa"),
        ("Kharkiv officials said missiles hit targets in Ukraine.", "Ukraine"),
        ("Hamas officials in Qatar said Israeli strikes in Gaza killed 11.", "Gaza"),
        ("North Korea fired a missile into the Sea of Japan.", "Sea of Japan"),
        ("A car bomb exploded outside the US embassy in Kabul.", "Kabul"),
        ("Russia and Ukraine traded accusations.", "Russia"),
        ("Michael Jordan gave a speech.", None),
        # A name before a facility noun names the facility: no town elsewhere of that name.
        ("Power from the Guri hydroelectric dam failed across Venezuela.", "Venezuela"),
        ("Engineers inspected the Guri dam on Monday.", None),
        ("A drone hit the Odesa port in southern Ukraine.", "Ukraine"),
        ("A drone hit the Odesa port, Ukraine said.", "Odesa"),
    ],
)
def test_places_primary_place(index: PlaceIndex, sentence: str, expected: str | None) -> None:
    found = primary_place(sentence, index)
    assert (found.name if found else None) == expected


def test_places_coordinates_and_spans(index: PlaceIndex) -> None:
    sentence = "Talks were held in Nairobi and Ukraine."
    nairobi, ukraine = find_places(sentence, index)
    assert sentence[nairobi.start : nairobi.end] == "Nairobi"
    assert (
        nairobi.country == "KEN" and abs(nairobi.lat + 1.28) < 0.1 and abs(nairobi.lon - 36.8) < 0.2
    )
    # Large countries use their approximate centre, not the capital.
    assert 45 < ukraine.lat < 52 and 28 < ukraine.lon < 35
    assert all(len(p.country or "") in (0, 3) for p in (nairobi, ukraine))


def test_places_every_country_code_is_alpha3(index: PlaceIndex) -> None:
    codes = {entry[1] for entry in index.entries.values() if entry[1] is not None}
    assert codes and all(len(code) == 3 and code.isupper() for code in codes)


def test_places_place_is_frozen() -> None:
    place = Place("Kyiv", "UKR", 50.45, 30.52, 0, 4, "city")
    with pytest.raises(AttributeError):
        place.name = "Lviv"  # type: ignore[misc]


def test_places_index_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = load_place_index(tmp_path)
    cached = list(tmp_path.glob("places-*.pickle"))
    assert len(cached) == 1
    # A warm load must come from the file, not from a rebuild.
    monkeypatch.setattr(places, "_build_index", lambda: pytest.fail("rebuilt a fresh cache"))
    loaded = load_place_index(tmp_path)
    assert loaded.entries == built.entries and loaded.longest == built.longest


def test_places_index_rebuilds_corrupt_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = PlaceIndex({"Atlantis": ("Atlantis", None, 0.0, 0.0, "city", 0)}, {"Atlantis": 1})
    monkeypatch.setattr(places, "_build_index", lambda: tiny)
    first = load_place_index(tmp_path)
    (path,) = tmp_path.glob("places-*.pickle")
    path.write_bytes(b"not a pickle")
    assert load_place_index(tmp_path).entries == first.entries
    assert pickle.loads(path.read_bytes()).entries == tiny.entries  # rewritten


def test_places_index_works_without_writable_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = PlaceIndex({"Atlantis": ("Atlantis", None, 0.0, 0.0, "city", 0)}, {"Atlantis": 1})
    monkeypatch.setattr(places, "_build_index", lambda: tiny)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    assert load_place_index(blocker / "cache").entries == tiny.entries


def test_places_primary_place_skips_excluded_spans(index: PlaceIndex) -> None:
    sentence = "Officials in Caracas said ships were hit near Aruba."
    start = sentence.index("Caracas")
    assert primary_place(sentence, index).name == "Caracas"  # type: ignore[union-attr]
    found = primary_place(sentence, index, exclude=[(start, start + len("Caracas"))])
    assert found is not None and found.name == "Aruba"
