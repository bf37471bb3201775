"""Tests for the CAMEO/PLOVER ontology tables and their loader (watchfloor.ontology)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from watchfloor.errors import ConfigError
from watchfloor.ontology import CameoCode, Ontology, PloverMode, load_ontology
from watchfloor.records import EVENT_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "corpora"
DATA_DIR = REPO_ROOT / "watchfloor" / "data" / "ontology"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared (reference corpora) is not present"
)

PLOVER_ORDER = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


# --- CAMEO facts --------------------------------------------------------------------------------

CAMEO_FACTS = [
    # code, goldstein, quad, plover type, plover mode
    ("190", -10.0, 4, "ASSAULT", None),
    ("042", 1.9, 1, "CONSULT", "visit"),
    ("043", 2.8, 1, "CONSULT", "visit"),
    ("041", 1.0, 1, "CONSULT", "phone"),
    ("0874", 10.0, 2, "RETREAT", "disarm"),
    ("0841", 7.0, 2, "RETREAT", "release"),
    ("081", 5.0, 2, "CONCEDE", None),
    ("036", 4.0, 1, "AGREE", None),
    ("051", 3.4, 1, "SUPPORT", None),
    ("061", 6.4, 2, "COOPERATE", None),
    ("073", 7.4, 2, "AID", None),
    ("091", -2.0, 3, "ACCUSE", "investigate"),
    ("1121", -2.0, 3, "ACCUSE", "allege"),
    ("1231", -4.0, 3, "REJECT", "change"),
    ("138", -7.0, 3, "THREATEN", "violence"),
    ("141", -6.5, 4, "PROTEST", "demo"),
    ("145", -7.5, 4, "PROTEST", "riot"),
    ("154", -7.2, 4, "MOBILIZE", "troops"),
    ("161", -4.0, 4, "SANCTION", "withdraw"),
    ("173", -5.0, 4, "COERCE", "arrest"),
    ("1823", -10.0, 4, "ASSAULT", None),
    ("204", -10.0, 4, "ASSAULT", "unconventional"),
    # documented judgement calls (SOURCES.md)
    ("163", -6.5, 4, "SANCTION", "discontinue"),
    ("116", -2.0, 4, "SANCTION", "convict"),
    ("1712", -9.2, 4, "ASSAULT", "destroy"),
    ("186", -10.0, 4, "ASSAULT", "targeted"),
    ("1952", -10.0, 4, "ASSAULT", "drone"),
    ("0213", 3.4, 3, "REQUEST", "assist"),
    ("025", -0.3, 3, "REQUEST", "yield"),
    ("016", 3.4, 3, "REJECT", None),
    ("010", 0.0, 1, "SUPPORT", None),
    ("176", -7.0, 4, "COERCE", "cyber"),
    # cue categories
    ("08", 5.0, 2, "CONCEDE", None),
    ("09", -2.0, 3, "ACCUSE", None),
    ("20", -10.0, 4, "ASSAULT", None),
]


@pytest.mark.parametrize(("code", "goldstein", "quad", "event_type", "mode"), CAMEO_FACTS)
def test_ontology_cameo_known_facts(
    onto: Ontology, code: str, goldstein: float, quad: int, event_type: str, mode: str | None
) -> None:
    record = onto.cameo(code)
    assert record == CameoCode(code, record.name, goldstein, quad, event_type, mode)
    assert onto.goldstein(code) == goldstein
    assert onto.plover_for_cameo(code) == (event_type, mode)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("190", "Use conventional military force"),
        ("042", "Make a visit"),
        ("055", "Apologize"),
        ("0874", "Retreat or surrender militarily"),
        ("14", "Protest"),
    ],
)
def test_ontology_cameo_names(onto: Ontology, code: str, name: str) -> None:
    assert onto.cameo(code).name == name


def test_ontology_table_sizes(onto: Ontology) -> None:
    lengths = [len(c.code) for c in onto.cameo_codes]
    assert (len(lengths), lengths.count(2), lengths.count(3), lengths.count(4)) == (
        318,
        20,
        149,
        149,
    )
    assert len(onto.plover_modes) == 83
    assert sum(row.mode is None for row in onto.plover_modes) == 16


def test_ontology_cameo_codes_keep_leading_zeros(onto: Ontology) -> None:
    codes = [c.code for c in onto.cameo_codes]
    assert all(isinstance(c, str) and re.fullmatch(r"\d{2,4}", c) for c in codes)
    # the 01-09 families are the ones a numeric reader would damage
    assert sum(c.startswith("0") for c in codes) == 130
    assert {"01", "042", "0874"} <= set(codes)
    raw = (DATA_DIR / "cameo.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split("\t")[0] for line in raw] == codes


def test_ontology_cameo_every_code_has_its_parent(onto: Ontology) -> None:
    codes = {c.code for c in onto.cameo_codes}
    orphans = [c.code for c in onto.cameo_codes if c.parent and c.parent not in codes]
    assert orphans == []


def test_ontology_cameo_rows_have_valid_plover(onto: Ontology) -> None:
    bad = [
        c.code
        for c in onto.cameo_codes
        if not onto.is_valid(c.plover_type, c.plover_mode)
        or c.quad_class != onto.quad_class(c.plover_type)
        or not -10.0 <= c.goldstein <= 10.0
    ]
    assert bad == []


@pytest.mark.parametrize("code", ["42", "8", "999", "0875", "", "ABC", "0420"])
def test_ontology_unknown_cameo_code_raises(onto: Ontology, code: str) -> None:
    with pytest.raises(KeyError, match="unknown CAMEO code"):
        onto.cameo(code)
    with pytest.raises(KeyError, match="unknown CAMEO code"):
        onto.plover_for_cameo(code)


@pytest.mark.parametrize(("code", "hint"), [("42", "'042'"), ("874", "'0874'"), ("8", "'08'")])
def test_ontology_unknown_code_hints_lost_zero(onto: Ontology, code: str, hint: str) -> None:
    with pytest.raises(KeyError, match=f"leading zero.*{hint}"):
        onto.cameo(code)


# --- PLOVER facts -------------------------------------------------------------------------------


def test_ontology_event_types_in_order(onto: Ontology) -> None:
    assert onto.event_types == PLOVER_ORDER
    # the event record validates against its own list: the two must not drift apart
    assert onto.event_types == EVENT_TYPES


@pytest.mark.parametrize(
    ("event_type", "quad"),
    [(t, 1) for t in PLOVER_ORDER[:3]]
    + [(t, 2) for t in PLOVER_ORDER[3:7]]
    + [(t, 3) for t in PLOVER_ORDER[7:11]]
    + [(t, 4) for t in PLOVER_ORDER[11:]],
)
def test_ontology_quad_class(onto: Ontology, event_type: str, quad: int) -> None:
    assert onto.quad_class(event_type) == quad
    assert {r.quad_class for r in onto.plover_modes if r.event_type == event_type} == {quad}


@pytest.mark.parametrize(
    ("event_type", "modes"),
    [
        ("AGREE", ()),
        ("SUPPORT", ()),
        ("CONCEDE", ()),
        ("COOPERATE", ()),
        ("AID", ()),
        ("CONSULT", ("visit", "third-party", "multilateral", "phone")),
        ("RETREAT", ("withdraw", "release", "disarm", "ceasefire", "access", "resign")),
        ("REQUEST", ("assist", "change", "yield", "meet")),
        ("REJECT", ("assist", "change", "yield", "meet")),
        ("ACCUSE", ("disapprove", "investigate", "allege")),
        ("THREATEN", ("restrict", "arrest", "relations", "expel", "territory", "violence")),
        ("PROTEST", ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize")),
        ("SANCTION", ("convict", "expel", "withdraw", "discontinue")),
        ("MOBILIZE", ("troops", "weapons", "police", "militia")),
    ],
)
def test_ontology_modes(onto: Ontology, event_type: str, modes: tuple[str, ...]) -> None:
    assert onto.modes(event_type) == modes


@pytest.mark.parametrize(
    ("event_type", "count", "some"),
    [("COERCE", 10, {"arrest", "cyber", "martial-law"}), ("ASSAULT", 15, {"drone", "beat"})],
)
def test_ontology_modes_long_lists(
    onto: Ontology, event_type: str, count: int, some: set[str]
) -> None:
    assert len(onto.modes(event_type)) == count
    assert some <= set(onto.modes(event_type))


@pytest.mark.parametrize(
    ("event_type", "mode", "code", "goldstein"),
    [
        ("ASSAULT", None, "180", -9.0),
        ("CONSULT", None, "040", 1.0),
        ("CONSULT", "visit", "042", 1.9),
        ("RETREAT", None, "084", 7.0),
        ("REQUEST", "meet", "106", -5.0),
        ("ASSAULT", "firearms", "193", -10.0),
        ("COERCE", "arrest", "173", -5.0),
        ("SANCTION", "discontinue", "163", -6.5),
        ("PROTEST", "", "140", -6.5),
    ],
)
def test_ontology_default_cameo(
    onto: Ontology, event_type: str, mode: str | None, code: str, goldstein: float
) -> None:
    assert onto.default_cameo(event_type, mode) == code
    assert onto.goldstein(onto.default_cameo(event_type, mode)) == goldstein


def test_ontology_default_cameo_converts_back(onto: Ontology) -> None:
    for row in onto.plover_modes:
        assert onto.plover_for_cameo(row.default_cameo)[0] == row.event_type, row
        assert row.goldstein == onto.goldstein(row.default_cameo), row
        assert row.description and "\t" not in row.description, row


@pytest.mark.parametrize(
    ("event_type", "mode", "valid"),
    [
        ("CONSULT", "visit", True),
        ("CONSULT", None, True),
        ("CONSULT", "", True),
        ("AGREE", None, True),
        ("CONSULT", "riot", False),
        ("AGREE", "visit", False),
        ("FIGHT", None, False),
        ("consult", None, False),
        ("YIELD", None, False),
    ],
)
def test_ontology_is_valid(onto: Ontology, event_type: str, mode: str | None, valid: bool) -> None:
    assert onto.is_valid(event_type, mode) is valid


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda o: o.modes("FIGHT"), "unknown PLOVER event type 'FIGHT'"),
        (lambda o: o.quad_class("YIELD"), "unknown PLOVER event type"),
        (lambda o: o.default_cameo("CONSULT", "riot"), "CONSULT has no mode 'riot'"),
        (lambda o: o.default_cameo("AGREE", "visit"), "allowed modes: none"),
    ],
)
def test_ontology_unknown_type_or_mode_raises(
    onto: Ontology, call: Callable[[Ontology], object], match: str
) -> None:
    with pytest.raises(KeyError, match=match):
        call(onto)


def test_ontology_records_are_frozen(onto: Ontology) -> None:
    with pytest.raises(AttributeError):
        onto.cameo("190").goldstein = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        onto.plover("ASSAULT").quad_class = 1  # type: ignore[misc]
    assert isinstance(onto.plover("ASSAULT"), PloverMode)


# --- loading ------------------------------------------------------------------------------------


def test_ontology_load_is_cached() -> None:
    assert load_ontology() is load_ontology()


def test_ontology_tables_are_package_data() -> None:
    folder = files("watchfloor") / "data" / "ontology"
    assert (folder / "cameo.tsv").is_file()
    assert (folder / "plover.tsv").is_file()


def _copy_tables(target: Path) -> None:
    for name in ("cameo.tsv", "plover.tsv"):
        (target / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")


def test_ontology_custom_path_with_analyst_additions(tmp_path: Path) -> None:
    _copy_tables(tmp_path)
    with (tmp_path / "cameo.tsv").open("a", encoding="utf-8") as table:
        table.write("# local addition\n\n1999\tUse invented weapon\t-10.0\t4\tASSAULT\n")
    onto = load_ontology(tmp_path)
    assert onto is not load_ontology()
    assert onto.plover_for_cameo("1999") == ("ASSAULT", None)


@pytest.mark.parametrize(
    ("table", "old", "new", "match"),
    [
        ("cameo.tsv", "code\tname", "kode\tname", r"cameo\.tsv:1: expected header"),
        (
            "cameo.tsv",
            "042\tMake a visit\t1.9",
            "042\tMake a visit\tlots",
            r"cameo\.tsv:\d+: bad goldstein",
        ),
        ("cameo.tsv", "042\tMake a visit", "42\tMake a visit", "default CAMEO '042'"),
        ("cameo.tsv", "043\tHost a visit", "042\tHost a visit", r"'042' appears twice"),
        ("cameo.tsv", "042\tMake a visit", "04a2\tMake a visit", "'04a2' is not 2 to 4 digits"),
        (
            "cameo.tsv",
            "\tCONSULT\tvisit\n",
            "\tCONSULT\triot\n",
            r"unknown PLOVER \(CONSULT, riot\)",
        ),
        ("cameo.tsv", "1.9\t1\tCONSULT", "1.9\t3\tCONSULT", "quad_class 3"),
        ("cameo.tsv", "1.9\t1\tCONSULT", "19.0\t1\tCONSULT", r"outside \[-10, 10\]"),
        (
            "plover.tsv",
            "AGREE\t\t1\t030",
            "AGREE\tsoon\t1\t030",
            "AGREE has no row with an empty mode",
        ),
        ("plover.tsv", "CONSULT\tvisit\t1\t042", "CONSULT\tvisit\t1\t190", "converts to ASSAULT"),
        (
            "plover.tsv",
            "CONSULT\tvisit\t1\t042",
            "CONSULT\tvisit\t1\t777",
            "'777' .* not in the CAMEO",
        ),
        ("plover.tsv", "CONSULT\tvisit\t1", "CONSULT\tvisit\t2", "several quad classes"),
    ],
)
def test_ontology_malformed_tables_refused(
    tmp_path: Path, table: str, old: str, new: str, match: str
) -> None:
    _copy_tables(tmp_path)
    path = tmp_path / table
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as caught:
        load_ontology(tmp_path)
    assert caught.value.code == "W102"


def test_ontology_missing_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read ontology table cameo.tsv"):
        load_ontology(tmp_path / "nowhere")


# --- agreement with the reference sources --------------------------------------------------------

# Every place cameo.tsv departs from CAMEO2PLOVER-2021.txt; each is explained in SOURCES.md.
DOCUMENTED_DEPARTURES = {
    "0842": ("RETREAT", None),
    "085": ("RETREAT", None),
    "132": ("THREATEN", "restrict"),
    "1321": ("THREATEN", "restrict"),
    "1322": ("THREATEN", "restrict"),
    "1722": ("COERCE", "restrict"),
    "1712": ("ASSAULT", "destroy"),
    "175": ("ASSAULT", None),
    "185": ("ASSAULT", "targeted"),
    "186": ("ASSAULT", "targeted"),
    "200": ("ASSAULT", "targeted"),
    "202": ("ASSAULT", "targeted"),
    "201": ("ASSAULT", None),
    "203": ("ASSAULT", None),
    "163": ("SANCTION", "discontinue"),
    "116": ("SANCTION", "convict"),
    "195": ("ASSAULT", "aerial"),
    "105": ("REQUEST", "yield"),
    "124": ("REJECT", "yield"),
    "1241": ("REJECT", "yield"),
    "1242": ("REJECT", "yield"),
}


@needs_shared
def test_ontology_matches_cameo2plover_table(onto: Ontology) -> None:
    source = (SHARED / "plover_gsr" / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8")
    differences = {}
    for line in source.splitlines():
        found = re.match(r"^(\d{3,4}):\s*([A-Z]+)\s*,\s*([^,#]*)", line)
        if not found:
            continue
        code, event_type, mode = found.group(1), found.group(2), found.group(3).strip() or None
        if onto.plover_for_cameo(code) != (event_type, mode):
            differences[code] = onto.plover_for_cameo(code)
    assert differences == DOCUMENTED_DEPARTURES


@needs_shared
def test_ontology_goldstein_matches_gdelt_lookup(onto: Ontology) -> None:
    path = SHARED / "cameo_goldstein_reference" / "gdeltPyR_cameoCodes_goldstein.json"
    lookup = json.loads(path.read_text(encoding="utf-8"))["GoldsteinScale"]
    numeric = {code: float(value) for code, value in lookup.items() if code.isdigit()}
    ours = {c.code: c.goldstein for c in onto.cameo_codes}
    assert set(ours) - set(numeric) == {"155", "176", "1834"}  # GDELT extensions, no score
    assert {code: ours[code] for code in numeric} == numeric


@needs_shared
def test_ontology_covers_cameo_codefile(onto: Ontology) -> None:
    text = (SHARED / "cameo_reference" / "CAMEO_codefile.txt").read_text(encoding="utf-8")
    listed = set(re.findall(r"^LABEL: (\d+)=", text, flags=re.MULTILINE))
    assert len(listed) == 295
    assert listed <= {c.code for c in onto.cameo_codes}
