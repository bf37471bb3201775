"""Actor dictionary and matcher: data files, composition rules, dates of office, boundaries."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from watchfloor.coding.actors import ActorDictionary, ActorMatch, default_actor_dictionary
from watchfloor.errors import ConfigError
from watchfloor.records import Entity

D = dt.date


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return default_actor_dictionary()


def pairs(matches: list[ActorMatch]) -> list[tuple[str, str | None]]:
    return [(m.text, m.code) for m in matches]


# (sentence, date, every expected (text, code) in order). Sentences are written for these tests.
FIND_CASES = [
    # countries.tsv: names, abbreviations, demonyms, capitals
    ("Venezuela and Guyana traded accusations.", None, [("Venezuela", "VEN"), ("Guyana", "GUY")]),
    (
        "The U.S. and the UK signed a pact with Japan.",
        None,
        [("U.S.", "USA"), ("UK", "GBR"), ("Japan", "JPN")],
    ),
    (
        "Moscow rejected the offer, and Beijing stayed silent.",
        None,
        [("Moscow", "RUS"), ("Beijing", "CHN")],
    ),
    (
        "Ivory Coast and Côte d'Ivoire are one state.",
        None,
        [("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV")],
    ),
    ("Bogota and Bogotá are one capital.", None, [("Bogota", "COL"), ("Bogotá", "COL")]),
    (
        "Kosovo, Taiwan and Palestine sent observers.",
        None,
        [("Kosovo", "XKX"), ("Taiwan", "TWN"), ("Palestine", "PSE")],
    ),
    # institutions.tsv: seats of power carry their sector
    (
        "The Kremlin and the White House both declined to comment.",
        None,
        [("Kremlin", "RUSGOV"), ("White House", "USAGOV")],
    ),
    (
        "The Pentagon said the State Department was informed.",
        None,
        [("Pentagon", "USAMIL"), ("State Department", "USAGOV")],
    ),
    (
        "Downing Street and the Elysee issued a joint statement.",
        None,
        [("Downing Street", "GBRGOV"), ("Elysee", "FRAGOV")],
    ),
    (
        "Officials at Miraflores met the FBI.",
        None,
        [("Officials", None), ("Miraflores", "VENGOV"), ("FBI", "USACOP")],
    ),
    # igos.tsv
    (
        "The United Nations and the European Union called for calm.",
        None,
        [("United Nations", "IGOUNO"), ("European Union", "IGOEU")],
    ),
    ("The UN Security Council will vote on Friday.", None, [("UN Security Council", "IGOUNOSC")]),
    (
        "NATO, OPEC and OPEC+ held meetings.",
        None,
        [("NATO", "IGONATO"), ("OPEC", "IGOOPEC"), ("OPEC+", "IGOOPECP")],
    ),
    (
        "The OAS and Mercosur criticised the vote.",
        None,
        [("OAS", "IGOOAS"), ("Mercosur", "IGOMERCOSUR")],
    ),
    (
        "Amnesty International and Human Rights Watch published a report.",
        None,
        [("Amnesty International", "NGOAMN"), ("Human Rights Watch", "NGOHRW")],
    ),
    # groups.tsv
    (
        "The Taliban and Hamas welcomed the deal.",
        None,
        [("Taliban", "AFGREB"), ("Hamas", "PSEREB")],
    ),
    ("The ELN and the Houthis issued threats.", None, [("ELN", "COLREB"), ("Houthis", "YEMREB")]),
    (
        "Tren de Aragua and the Cartel de los Soles were designated.",
        None,
        [("Tren de Aragua", "VENCRM"), ("Cartel de los Soles", "VENCRM")],
    ),
    (
        "PDVSA signed a deal with Chevron and Rosneft.",
        None,
        [("PDVSA", "VENBUS"), ("Chevron", "USABUS"), ("Rosneft", "RUSBUS")],
    ),
    ("TASS and Xinhua carried the statement.", None, [("TASS", "RUSMED"), ("Xinhua", "CHNMED")]),
    # people.yaml
    (
        "Lavrov spoke with Rubio by phone.",
        D(2025, 6, 1),
        [("Lavrov", "RUSGOV"), ("Rubio", "USAGOV")],
    ),
    (
        "Zakharova criticised Hegseth.",
        D(2025, 6, 1),
        [("Zakharova", "RUSGOV"), ("Hegseth", "USAMIL")],
    ),
    ("Guterres urged restraint.", D(2025, 6, 1), [("Guterres", "IGOUNO")]),
    # sectors.tsv: owner + sector noun
    (
        "The Russian foreign ministry summoned the ambassador.",
        None,
        [("Russian foreign ministry", "RUSGOV"), ("ambassador", None)],
    ),
    ("The US Navy moved a carrier.", None, [("US Navy", "USAMIL")]),
    ("The Venezuelan opposition called a strike.", None, [("Venezuelan opposition", "VENOPP")]),
    ("Chinese hackers breached the network.", None, [("Chinese hackers", "CHNSPY")]),
    (
        "Colombian police arrested Mexican cartel members.",
        None,
        [("Colombian police", "COLCOP"), ("Mexican cartel members", "MEXCRM")],
    ),
    (
        "Israeli troops and Lebanese lawmakers were named.",
        None,
        [("Israeli troops", "ISRMIL"), ("Lebanese lawmakers", "LBNLEG")],
    ),
    ("Venezuelan government troops fired.", None, [("Venezuelan government troops", "VENMIL")]),
    ("Russian state television aired it.", None, [("Russian state television", "RUSMED")]),
    # titles.tsv: owner + title, possessive, title + name
    (
        "Venezuela's foreign minister left for Moscow.",
        None,
        [("Venezuela's foreign minister", "VENGOV"), ("Moscow", "RUS")],
    ),
    (
        "The Russian defence minister flew to Minsk.",
        None,
        [("Russian defence minister", "RUSMIL"), ("Minsk", "BLR")],
    ),
    (
        "Colombian President Gustavo Petro spoke.",
        D(2024, 3, 1),
        [("Colombian President Gustavo Petro", "COLGOV")],
    ),
    (
        "Venezuelan Defence Minister Juan Perez Ruiz resigned.",
        None,
        [("Venezuelan Defence Minister Juan Perez Ruiz", "VENMIL")],
    ),
    (
        "Kremlin spokesman Dmitry Peskov declined to comment.",
        D(2024, 1, 1),
        [("Kremlin spokesman Dmitry Peskov", "RUSGOV")],
    ),
    (
        "UN Secretary-General António Guterres arrived.",
        D(2024, 1, 1),
        [("UN Secretary-General António Guterres", "IGOUNO")],
    ),
    # head "of" owner
    (
        "The foreign minister of Russia met the President of Colombia.",
        None,
        [("foreign minister of Russia", "RUSGOV"), ("President of Colombia", "COLGOV")],
    ),
    # institution / organisation / group / person as owner
    (
        "Pentagon officials briefed NATO troops.",
        None,
        [("Pentagon officials", "USAMIL"), ("NATO troops", "IGONATO")],
    ),
    (
        "Hamas fighters and Lebanese Hezbollah fired rockets.",
        None,
        [("Hamas fighters", "PSEREB"), ("Lebanese Hezbollah", "LBNREB")],
    ),
    (
        "The Maduro government and the Trump administration talked.",
        D(2025, 6, 1),
        [("Maduro government", "VENGOV"), ("Trump administration", "USAGOV")],
    ),
    ("Russia's Lavrov answered.", D(2025, 6, 1), [("Russia's Lavrov", "RUSGOV")]),
    # an institution of one state named after another state's adjective takes the adjective
    ("The German Foreign Office replied.", None, [("German Foreign Office", "DEUGOV")]),
    # bare heads: no owner, left for the caller
    (
        "The government said troops and police were deployed.",
        None,
        [("government", None), ("troops", None), ("police", None)],
    ),
    # former office holders keep only their country
    (
        "Former Colombian President Alvaro Uribe testified.",
        D(2025, 6, 1),
        [("Colombian President Alvaro Uribe", "COL")],
    ),
    ("A former Venezuelan minister fled.", None, [("Venezuelan minister", "VEN")]),
    ("The ousted Syrian president spoke.", None, [("Syrian president", "SYR")]),
    # word boundaries and case
    (
        "A woman in the village was hurt; Oman condemned it.",
        None,
        [("woman", None), ("Oman", "OMN")],
    ),
    ("Give us a chance, said the man from Chad.", None, [("man", None), ("Chad", "TCD")]),
    ("Iranian drones hit Iran's neighbour.", None, [("Iranian drones", "IRNMIL"), ("Iran", "IRN")]),
    ("The general election in Georgia was peaceful.", None, [("Georgia", "GEO")]),
    ("Latin American leaders met in the South China Sea region.", None, [("leaders", None)]),
    ("Russia forces Ukraine to retreat.", None, [("Russia", "RUS"), ("Ukraine", "UKR")]),
    (
        "China spies on Taiwan, Caracas police say.",
        None,
        [("China", "CHN"), ("Taiwan", "TWN"), ("Caracas police", "VENCOP")],
    ),
    (
        "Nato and Opec are written in title case by some papers.",
        None,
        [("Nato", "IGONATO"), ("Opec", "IGOOPEC")],
    ),
    ("Who knows what WHO will say?", None, [("WHO", "IGOWHO")]),
    (
        "The Islamic State group and al-Qaeda were blamed.",
        None,
        [("Islamic State group", "IRQREB"), ("al-Qaeda", "AFGREB")],
    ),
    (
        "Kim Jong un and Kim Jong-un are one person.",
        None,
        [("Kim Jong un", "PRKGOV"), ("Kim Jong-un", "PRKGOV")],
    ),
]


@pytest.mark.parametrize(("sentence", "on", "expected"), FIND_CASES)
def test_actors_find_codes(
    actors: ActorDictionary, sentence: str, on: dt.date | None, expected: list
) -> None:
    assert pairs(actors.find(sentence, on=on)) == expected


# A person's code follows the office they held on the date.
DATE_CASES = [
    ("Trump", D(2019, 6, 1), "USAGOV"),
    ("Trump", D(2023, 6, 1), "USA"),
    ("Trump", D(2025, 6, 1), "USAGOV"),
    ("Biden", D(2023, 6, 1), "USAGOV"),
    ("Biden", D(2025, 6, 1), "USA"),
    ("Maduro", D(2020, 1, 1), "VENGOV"),
    ("Maduro", D(2026, 2, 1), "VEN"),
    ("Delcy Rodríguez", D(2016, 1, 1), "VENGOV"),
    ("Delcy Rodríguez", D(2018, 1, 1), "VENLEG"),
    ("Padrino López", D(2020, 1, 1), "VENMIL"),
    ("Padrino López", D(2026, 6, 1), "VEN"),
    ("Khamenei", D(2020, 1, 1), "IRNGOV"),
    ("Ahmed al-Sharaa", D(2020, 1, 1), "SYRREB"),
    ("Ahmed al-Sharaa", D(2025, 6, 1), "SYRGOV"),
    ("Shoigu", D(2020, 1, 1), "RUSMIL"),
    ("Shoigu", D(2025, 1, 1), "RUSGOV"),
    ("Lapid", D(2024, 1, 1), "ISROPP"),
    ("Guterres", D(2010, 1, 1), "IGOUNOREF"),
    ("Akhundzada", D(2019, 1, 1), "AFGREB"),
    ("Akhundzada", D(2022, 1, 1), "AFGGOV"),
]


@pytest.mark.parametrize(("name", "on", "code"), DATE_CASES)
def test_actors_person_code_follows_office(
    actors: ActorDictionary, name: str, on: dt.date, code: str
) -> None:
    match = actors.lookup(name, on=on)
    assert match is not None and match.kind == "person"
    assert match.code == code


def test_actors_shared_surname_goes_to_holder_on_date(actors: ActorDictionary) -> None:
    before = actors.lookup("Khamenei", on=D(2020, 1, 1))
    after = actors.lookup("Khamenei", on=D(2026, 6, 1))
    assert before is not None and before.name == "Ali Khamenei"
    assert after is not None and after.name == "Mojtaba Khamenei"


def test_actors_no_date_means_current_office(actors: ActorDictionary) -> None:
    assert pairs(actors.find("Biden met Trump.")) == [("Biden", "USA"), ("Trump", "USAGOV")]


def test_actors_match_fields(actors: ActorDictionary) -> None:
    sentence = "On Monday the Venezuelan opposition marched."
    (match,) = actors.find(sentence)
    assert sentence[match.start : match.end] == match.text
    assert (match.country, match.sector, match.kind, match.name) == (
        "VEN",
        "OPP",
        "sector_noun",
        "Venezuela",
    )


def test_actors_offsets_survive_curly_quotes_and_accents(actors: ActorDictionary) -> None:
    sentence = "“Today,” said Venezuela’s foreign minister, “Bogotá lied.”"
    matches = actors.find(sentence)
    assert [(sentence[m.start : m.end], m.code) for m in matches] == [
        ("Venezuela’s foreign minister", "VENGOV"),
        ("Bogotá", "COL"),
    ]


KIND_CASES = [
    ("Russia", "state"),
    ("the Kremlin", "institution"),
    ("the United Nations", "igo"),
    ("Hezbollah", "group"),
    ("Sergei Lavrov", "person"),
    ("the president", "title"),
    ("the government", "sector_noun"),
]


@pytest.mark.parametrize(("phrase", "kind"), KIND_CASES)
def test_actors_kinds(actors: ActorDictionary, phrase: str, kind: str) -> None:
    match = actors.lookup(phrase)
    assert match is not None and match.kind == kind


def test_actors_bare_head_is_unresolved_until_given_a_country(actors: ActorDictionary) -> None:
    match = actors.lookup("the government")
    assert match is not None
    assert (match.code, match.country, match.sector) == (None, None, "GOV")
    resolved = match.resolved("CHL")
    assert (resolved.code, resolved.country, resolved.sector) == ("CHLGOV", "CHL", "GOV")


def test_actors_as_entity(actors: ActorDictionary) -> None:
    (match,) = actors.find("The US Navy moved.")
    assert match.as_entity() == Entity("US Navy", "USAMIL", "USA", "MIL", 4, 11)


LOOKUP_CASES = [
    ("Russian Foreign Ministry spokeswoman Maria Zakharova", D(2024, 5, 1), "RUSGOV"),
    ("a senior US official", None, "USAGOV"),
    ("venezuela", None, "VEN"),  # case ignored when nothing matches as written
    ("the Venezuelan government", None, "VENGOV"),
]


@pytest.mark.parametrize(("phrase", "on", "code"), LOOKUP_CASES)
def test_actors_lookup_resolves_phrase(
    actors: ActorDictionary, phrase: str, on: dt.date | None, code: str
) -> None:
    match = actors.lookup(phrase, on=on)
    assert match is not None and match.code == code


@pytest.mark.parametrize("phrase", ["", "   ", "the weather on Tuesday"])
def test_actors_lookup_none_without_actor(actors: ActorDictionary, phrase: str) -> None:
    assert actors.lookup(phrase) is None


def test_actors_non_standalone_title_needs_context(actors: ActorDictionary) -> None:
    assert actors.find("In general the talks went well.") == []
    assert pairs(actors.find("General Maria Soto spoke.")) == [("General Maria Soto", None)]
    assert pairs(actors.find("A Russian general spoke.")) == [("Russian general", "RUSMIL")]


# ---------------------------------------------------------------------- user files


def test_actors_user_files_extend_dictionary(tmp_path: Path) -> None:
    (tmp_path / "my_groups.tsv").write_text(
        "name\tcountry\tsector\taliases\tcode\nLos Halcones\tCOL\tCRM\tHalcones\t\n",
        encoding="utf-8",
    )
    (tmp_path / "extra_people.yaml").write_text(
        "- name: Ana Torres\n  country: CHL\n  aliases: [Torres]\n  roles:\n"
        "    - {country: CHL, sector: GOV, title: Interior Minister,"
        " start: 2024-01-01, end: null}\n",
        encoding="utf-8",
    )
    (tmp_path / "more_institutions.tsv").write_text(
        "country\tsector\tname\taliases\nCHL\tMIL\tChilean Army High Command\t\n", encoding="utf-8"
    )
    extended = ActorDictionary.load([tmp_path])
    sentence = "Torres said the Halcones attacked."
    assert pairs(extended.find(sentence, on=D(2025, 1, 1))) == [
        ("Torres", "CHLGOV"),
        ("Halcones", "COLCRM"),
    ]
    assert pairs(default_actor_dictionary().find(sentence, on=D(2025, 1, 1))) == []
    assert pairs(extended.find("Chilean Army High Command")) == [
        ("Chilean Army High Command", "CHLMIL")
    ]


def test_actors_user_person_replaces_packaged_one(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(
        "- name: Nicolás Maduro\n  country: VEN\n  aliases: [Maduro]\n  roles:\n"
        "    - {country: VEN, sector: GOV, title: President, start: 2013-03-05, end: 2020-01-01}\n",
        encoding="utf-8",
    )
    assert pairs(ActorDictionary.load([path]).find("Maduro", on=D(2021, 1, 1))) == [
        ("Maduro", "VEN")
    ]


BAD_FILES = [
    ("groups.tsv", "name\tcountry\tsector\taliases\tcode\nX Front\tXXX\tREB\t\t\n"),
    ("groups.tsv", "name\tcountry\tsector\taliases\tcode\nX Front\tCOL\tZZZ\t\t\n"),
    ("titles.tsv", "title\tsector\tstandalone\nwarden\tCOP\tmaybe\n"),
    ("countries.tsv", "iso3\tname\taliases\tdemonyms\tcapitals\nxx\tNowhere\t\t\t\n"),
    (
        "people.yaml",
        "- name: A B\n  country: COL\n  roles:\n"
        "    - {country: COL, start: 2020-01-01, end: 2019-01-01}\n",
    ),
    ("people.yaml", "name: not a list\n"),
    ("sectors.tsv", "code\tlabel\tnouns\nGOV\tgov\tx\n"),
    ("notes.txt", "hello\n"),
]


@pytest.mark.parametrize(("name", "content"), BAD_FILES)
def test_actors_malformed_user_file_is_config_error(
    tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        ActorDictionary.load([path])
    assert info.value.code == "W102"


# ---------------------------------------------------------------------- data coverage


def test_actors_countries_are_the_sovereign_states(actors: ActorDictionary) -> None:
    pycountry = pytest.importorskip("pycountry")
    iso_codes = {c.alpha_3 for c in pycountry.countries}
    assert len(actors.countries) == 197  # 193 UN members, Holy See, Palestine, Taiwan, Kosovo
    assert {iso for iso in actors.countries if iso not in iso_codes} == {"XKX"}
    assert {"VAT", "PSE", "TWN", "XKX", "SSD"} <= set(actors.countries)


def test_actors_accepts_datetime_as_date(actors: ActorDictionary) -> None:
    (match,) = actors.find("Maduro spoke.", on=dt.datetime(2020, 1, 1, 12, 0))
    assert match.code == "VENGOV"


@pytest.mark.parametrize(
    ("country", "names"),
    [
        ("USA", ["Trump", "Biden", "Rubio", "Hegseth"]),
        ("RUS", ["Putin", "Lavrov", "Belousov"]),
        ("VEN", ["Delcy Rodríguez", "Yván Gil"]),
        ("CHN", ["Xi Jinping", "Wang Yi", "Dong Jun"]),
        ("GBR", ["Starmer", "Yvette Cooper", "John Healey"]),
        ("FRA", ["Macron", "Jean-Noël Barrot"]),
        ("DEU", ["Merz", "Wadephul", "Pistorius"]),
        ("UKR", ["Zelensky", "Sybiha", "Mykhailo Fedorov"]),
        ("COL", ["Petro"]),
        ("BRA", ["Lula", "Mauro Vieira", "José Múcio"]),
        ("CUB", ["Díaz-Canel", "Bruno Rodríguez"]),
        ("IRN", ["Pezeshkian", "Araghchi"]),
        ("ISR", ["Netanyahu", "Gideon Sa'ar", "Israel Katz"]),
        ("TUR", ["Erdogan", "Hakan Fidan", "Yaşar Güler"]),
        ("IND", ["Modi", "Jaishankar", "Rajnath Singh"]),
        ("PAK", ["Shehbaz Sharif", "Ishaq Dar", "Khawaja Asif"]),
    ],
)
def test_actors_people_cover_office_holders(
    actors: ActorDictionary, country: str, names: list[str]
) -> None:
    for name in names:
        match = actors.lookup(name, on=D(2026, 1, 1))
        assert match is not None and match.kind == "person", name
        assert match.country == country, name


def test_actors_throughput_floor(actors: ActorDictionary) -> None:
    # A floor far below the measured figure (see README), to catch an accidental slow path.
    sentences = [
        "Russian Foreign Minister Sergei Lavrov said on Tuesday that Moscow would respond to new "
        "sanctions imposed by the European Union and its allies in the coming weeks.",
        "Police in the northern city arrested dozens of people after clashes between rival groups "
        "of supporters turned violent late on Sunday night, officials said.",
    ] * 500
    begin = time.perf_counter()
    for sentence in sentences:
        actors.find(sentence, on=D(2025, 6, 1))
    rate = len(sentences) / (time.perf_counter() - begin)
    assert rate > 2_000
