"""How the brief words, ranks and selects what it says (compose.py and explainer.py).

Sentences are invented for these tests; events are built by hand (``make_event``), so nothing
here depends on the event coder. Expectations are read from the shipped data files
(``data/brief/phrases.tsv``, ``data/brief/judged.txt``) where the behaviour is data-driven.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_brief_helpers import (  # noqa: F401
    NOW,
    SOURCES,
    build_store,
    corpus_articles,
    corpus_events,
    hand_store,
    make_event,
)

from watchfloor.api import Watchfloor
from watchfloor.brief.compose import (
    Builder,
    _indicator_subject,
    _is_or_are,
    _latest_indicator_event,
    _phrase,
    _weight,
    describe_event,
    event_clause,
    faq_entries,
    judgeable,
    judged_types,
    place_phrase,
)
from watchfloor.brief.estimative import scale
from watchfloor.brief.evidence import BriefScope, ClaimView, StanceView, gather
from watchfloor.brief.verify import _numbers, check_sentence
from watchfloor.records import Article, Location

DAY = date(2026, 3, 6)

# -- a death toll named as the recipient --------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "recipient", "fatalities"),
    [
        (
            "Patrol boats attacked 9 fishermen near the reef on Friday, killing 9.",
            ("9 fishermen", None, None),
            9,
        ),
        (
            "A drone campaign has killed more than 40 people along the coast since May.",
            ("more than 40 people", None, None),
            40,
        ),
    ],
)
def test_brief_wording_names_a_death_toll_once(
    sentence: str, recipient: tuple[str, None, None], fatalities: int
) -> None:
    event = make_event(
        "w-1",
        sentence,
        (sentence.split(" attacked")[0].split(" has")[0], "USAMIL", "USA"),
        recipient,
        "ASSAULT",
        "killed" if "killed" in sentence else "attacked",
        DAY,
        fatalities=fatalities,
    )
    clause = event_clause(event, sentence)
    assert f"killed {recipient[0]}" in clause
    # The toll appears once: as the recipient, not again as ", killing N".
    assert list(_numbers(clause)).count(float(fatalities)) == 1
    assert check_sentence(describe_event(event, sentence), sentence).ok


def test_brief_wording_keeps_the_toll_when_the_recipient_is_a_party() -> None:
    sentence = "Navy jets struck a cargo ship off the coast on Friday, killing 5 crew members."
    event = make_event(
        "w-2",
        sentence,
        ("Navy jets", "USAMIL", "USA"),
        ("a cargo ship", "VEN", "VEN"),
        "ASSAULT",
        "struck",
        DAY,
        fatalities=5,
    )
    clause = event_clause(event, sentence)
    assert clause.startswith(f"Navy jets {_phrase('ASSAULT', None).past} a cargo ship")
    assert clause.endswith(", killing 5")


# -- where an event happened ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "trigger", "sentence"),
    [
        ("ACCUSE", "accused", "In Caracas the minister accused Washington of piracy on Friday."),
        ("REQUEST", "asked", "In Caracas the minister asked Washington for talks on Friday."),
        ("ASSAULT", "shelled", "In Caracas the army shelled rebel positions on Friday."),
        ("CONSULT", "met", "In Caracas the minister met envoys from Washington on Friday."),
    ],
)
def test_brief_wording_places_acts_but_not_words(
    event_type: str, trigger: str, sentence: str
) -> None:
    recipient = ("rebel positions", None, None) if event_type == "ASSAULT" else None
    recipient = recipient or ("Washington", "USA", "USA")
    event = make_event(
        "w-3",
        sentence,
        ("the minister" if "minister" in sentence else "the army", "VENGOV", "VEN"),
        recipient,
        event_type,
        trigger,
        DAY,
        place="Caracas",
    )
    clause = event_clause(event, sentence)
    assert ("Caracas" in clause) == _phrase(event_type, None).where


def test_brief_wording_drops_the_actors_own_forces_as_target() -> None:
    sentence = "The navy moved its frigates to the northern coast on Sunday."
    event = make_event(
        "w-4",
        sentence,
        ("The navy", "USAMIL", "USA"),
        ("its frigates", None, None),
        "MOBILIZE",
        "moved",
        DAY,
    )
    clause = event_clause(event, sentence)
    assert "its frigates" not in clause
    assert clause.startswith(f"The navy {_phrase('MOBILIZE', None).intransitive}")


@pytest.mark.parametrize(
    ("sentence", "place", "place_country", "kept"),
    [
        # The author's capital is not where a strike on another country would happen.
        (
            "In Lisbon the minister said Portugal would strike Spanish ports.",
            "Lisbon",
            "PRT",
            False,
        ),
        ("Portuguese jets struck Spanish ports near Vigo on Monday.", "Vigo", "ESP", True),
    ],
)
def test_brief_wording_drops_a_home_place_for_an_act_aimed_abroad(
    sentence: str, place: str, place_country: str, kept: bool
) -> None:
    actor = (
        ("Portugal", "PRT", "PRT")
        if "Portugal " in sentence
        else ("Portuguese jets", "PRTMIL", "PRT")
    )
    event = make_event(
        "w-5",
        sentence,
        actor,
        ("Spanish ports", "ESP", "ESP"),
        "ASSAULT",
        "strike" if "would" in sentence else "struck",
        DAY,
        modality="future" if "would" in sentence else "actual",
    )
    event = dataclasses.replace(event, location=Location(place, place_country, None, None))
    assert (place in event_clause(event, sentence)) is kept


# -- claims: labels, questions, which ones are judged -----------------------------------------


def _claim(
    cid: str,
    event_type: str,
    actor: str | None,
    recipient: str | None = None,
    place: str | None = None,
    proposition: str = "",
    stances: tuple[StanceView, ...] = (),
) -> ClaimView:
    return ClaimView(
        id=cid,
        proposition=proposition,
        status="reported",
        actor=actor,
        event_type=event_type,
        mode=None,
        recipient=recipient,
        stances=stances,
        place=place,
    )


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("eastern Pacific", "the eastern Pacific"),
        ("Caribbean Sea", "the Caribbean Sea"),
        ("Caracas", "Caracas"),
        ("the Gulf of Paria", "the Gulf of Paria"),
    ],
)
def test_brief_wording_place_phrase(place: str, expected: str) -> None:
    assert place_phrase(place) == expected


def test_brief_wording_place_target_claims_read_as_sentences(hand_store: Watchfloor) -> None:  # noqa: F811
    b = Builder(gather(hand_store.store, BriefScope(), now=NOW))
    claim = _claim("c1", "ASSAULT", "USA", place="eastern Pacific", proposition="attacks")
    label, question = b.claim_label(claim), b.claim_question(claim)
    at_place = _phrase("ASSAULT", None).at_place
    assert label.endswith(f" in {place_phrase('eastern Pacific')}")
    assert " attacks eastern Pacific" not in label
    assert question == f"Did the US {at_place} {place_phrase('eastern Pacific')}?"
    # A proposition that ends in a preposition takes the place directly.
    withdraw = _claim("c2", "RETREAT", "RUS", place="Caracas", proposition="withdraws from")
    assert b.claim_label(withdraw) == "Russia withdraws from Caracas"
    # With no target at all, no dangling preposition.
    bare = _claim("c3", "RETREAT", "RUS", proposition="releases people held from")
    assert not b.claim_label(bare).endswith(" from")


@pytest.mark.parametrize(
    ("event_type", "actor", "recipient", "place", "judged"),
    [
        ("RETREAT", "RUS", "VEN", None, True),
        ("ASSAULT", "USA", None, "eastern Pacific", True),
        ("ACCUSE", "USA", "VEN", None, False),  # a verbal act: reported, not weighed
        ("REQUEST", "RUS", "VEN", None, False),
        ("ASSAULT", None, "KOR", None, False),  # nobody named as acting
        ("RETREAT", "RUS", None, None, False),  # no target
    ],
)
def test_brief_wording_judges_only_named_physical_acts(
    event_type: str, actor: str | None, recipient: str | None, place: str | None, judged: bool
) -> None:
    assert judgeable(_claim("c", event_type, actor, recipient, place)) is judged


def test_brief_wording_judged_types_are_not_verbal() -> None:
    assert judged_types()
    assert not judged_types() & {"ACCUSE", "REQUEST", "SUPPORT", "REJECT", "THREATEN"}


# -- ranking developments ---------------------------------------------------------------------


def _act(event_type: str, modality: str = "actual") -> list:
    sentence = "The guard seized a ferry and its owners protested on Friday."
    return [
        make_event(
            "w-6",
            sentence,
            ("The guard", "VENMIL", "VEN"),
            ("a ferry", None, None),
            event_type,
            "seized",
            DAY,
            modality=modality,
            goldstein=-6.0,
        )
    ]


def test_brief_wording_acts_outweigh_words_and_plans() -> None:
    assert _weight(_act("COERCE")) > _weight(_act("ACCUSE"))
    assert _weight(_act("COERCE")) > _weight(_act("COERCE", modality="future"))


def _store_with(path: Path, doc_id: str, text: str, events: list) -> Watchfloor:
    """The hand corpus plus one article (``text``) and its hand-coded ``events``."""
    wf = Watchfloor(path)
    wf.add_sources(SOURCES)
    extra = Article(
        id=doc_id,
        text=text,
        title="Extra",
        published_at=datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
        source="Harbor Wire",
        url=f"https://example.test/{doc_id}",
        language="en",
        seen_at=datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
    )
    wf.store.add_articles([*corpus_articles(), extra])
    by_doc: dict[str, list] = {}
    for event in [*corpus_events(), *events]:
        by_doc.setdefault(event.doc_id, []).append(event)
    wf.store.replace_events(list(by_doc.items()), "tests.hand@1")
    return wf


def _miscoded_store(path: Path) -> tuple[Watchfloor, str]:
    """The hand corpus plus one heavy event whose sentence does not say what it is coded as."""
    bad = make_event(
        "t-99",
        "The defence minister met reporters in Caracas on Friday.",
        ("The defence minister", "VENGOV", "VEN"),
        ("reporters", "USA", "USA"),
        "ASSAULT",
        "met",
        date(2026, 3, 6),
        fatalities=30,
        goldstein=-10.0,
    )
    text = "The defence minister met reporters in Caracas on Friday. He took no questions."
    return _store_with(path, "t-99", text, [bad]), bad.id


@pytest.mark.parametrize("style", ["analyst", "explainer"])
def test_brief_wording_skips_developments_the_checker_rejects(tmp_path: Path, style: str) -> None:
    wf, bad_id = _miscoded_store(tmp_path / "w.duckdb")
    try:
        evidence = gather(wf.store, BriefScope(), now=NOW)
        bad = next(e for e in evidence.events if e.id == bad_id)
        others = [e for e in evidence.events if e.id != bad_id]
        # It would lead on weight alone, so skipping it is the selection's doing.
        assert _weight([bad]) > max(_weight([e]) for e in others)
        assert not Builder(evidence).event_holds(bad)
        brief = wf.brief(style=style, now=NOW, remember=False)
        used = {i for s in brief.statements() for i in s.event_ids}
        assert bad_id not in used
        dropped = brief.verification["dropped_sentences"]
        who = bad.actor[0].text.lower()
        assert not [d for d in dropped if who in d["text"].lower()]
    finally:
        wf.close()


def test_brief_wording_indicator_evidence_skips_events_that_fail() -> None:
    sentence = "The guard seized a ferry and its owners protested on Friday."
    first, second = _act("COERCE")[0], dataclasses.replace(_act("COERCE")[0], id="ev-older")
    ev = SimpleNamespace(events=[first, second], history=[], indicator_events={})
    value = SimpleNamespace(
        evidence=[SimpleNamespace(event_id=first.id), SimpleNamespace(event_id="ev-older")]
    )
    assert _latest_indicator_event(ev, value) is first  # type: ignore[arg-type]
    picked = _latest_indicator_event(ev, value, lambda e: e.id != first.id)  # type: ignore[arg-type]
    assert picked is second
    assert _latest_indicator_event(ev, value, lambda e: False) is None  # type: ignore[arg-type]
    del sentence


# -- questions and answers ----------------------------------------------------------------------


def test_brief_wording_faq_asks_about_named_acts_first(hand_store: Watchfloor) -> None:  # noqa: F811
    evidence = gather(hand_store.store, BriefScope(), now=NOW)
    b = Builder(evidence)
    by_doc = {e.doc_id: e for e in evidence.events}

    def reported(doc_id: str) -> StanceView:
        return StanceView(
            "reported", by_doc[doc_id], doc_id, "outlet:harbor wire", "B", None, "Harbor Wire"
        )

    actorless = _claim("anon", "ASSAULT", None, "VEN", stances=(reported("t-05"),))
    empty = _claim("empty", "RETREAT", "RUS", "VEN")
    verbal = _claim("words", "ACCUSE", "USA", "VEN", stances=(reported("t-02"),))
    act = _claim("act", "ASSAULT", "USA", "VEN", stances=(reported("t-05"),))
    drafts = faq_entries(b, [actorless, empty, verbal, act])
    asked = [
        d.basis for d in drafts if d.kind == "question" and (d.basis or "").startswith("claim:")
    ]
    assert asked == ["claim:act", "claim:words"]
    answers = {d.basis: d.lead for d in drafts if d.kind == "answer"}
    terms = [term for term, *_ in scale()]
    assert str(b.claim_figures(act)["estimate"]) in answers["claim:act"]
    assert not any(term in answers["claim:words"] for term in terms)


@pytest.mark.parametrize(
    ("name", "question_start"),
    [
        ("Russia–Venezuela economic ties", "Are Russia–Venezuela economic ties"),
        ("Russian military presence in Venezuela", "Is Russian military presence in Venezuela"),
        ("Cyber operations", "Are cyber operations"),
        ("Diplomatic manoeuvring", "Is diplomatic manoeuvring"),
    ],
)
def test_brief_wording_indicator_questions_read_naturally(name: str, question_start: str) -> None:
    subject = _indicator_subject(name)
    assert f"{_is_or_are(subject)} {subject}" == question_start


def test_brief_wording_alternatives_state_the_other_hypothesis(hand_store: Watchfloor) -> None:  # noqa: F811
    brief = hand_store.brief(now=NOW, remember=False)
    judgments = " ".join(s.text.lower() for s in brief.section("judgments").statements)
    alternatives = [
        s
        for s in brief.section("alternatives").statements
        if s.text.startswith("Alternative: the claim")
    ]
    assert alternatives
    for statement in alternatives:
        label = statement.text.split("“", 1)[1].split("”", 1)[0]
        assert label.lower() in judgments
        assert "is false" in statement.text or "is true after all" in statement.text


def test_brief_wording_names_an_actor_without_its_appositive() -> None:
    sentence = "Chile's government, a long-time partner, asked Lima for talks on Friday."
    event = make_event(
        "w-7",
        sentence,
        ("Chile's government, a long-time partner", "CHLGOV", "CHL"),
        ("Lima", "PER", "PER"),
        "REQUEST",
        "asked",
        DAY,
    )
    clause = event_clause(event, sentence)
    assert clause.startswith(f"Chile's government {_phrase('REQUEST', None).past} Lima")
    assert check_sentence(describe_event(event, sentence), sentence).ok


def _tsv(path: str) -> list[dict[str, str]]:
    import csv
    from importlib import resources

    text = resources.files("watchfloor.data").joinpath(path).read_text("utf-8")
    lines = (ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))


def test_brief_wording_phrase_rows_name_ontology_modes() -> None:
    ontology = {(r["event_type"], r["mode"] or "") for r in _tsv("ontology/plover.tsv")}
    for row in _tsv("brief/phrases.tsv"):
        # A mode the coder never emits ("telephone" for "phone") leaves its events worded
        # by the type's default row.
        assert (row["event_type"], row["mode"] or "") in ontology, row
        assert row["where"] in ("yes", "no"), row
        assert row["at_place"], row


def test_brief_wording_withdrawn_own_people_are_the_object() -> None:
    sentence = "Spain denied on Monday that it had evacuated the families of its envoys from Rabat."
    event = make_event(
        "w-8",
        sentence,
        ("Spain", "ESP", "ESP"),
        ("the families of its envoys", None, None),
        "RETREAT",
        "evacuated",
        DAY,
        mode="withdraw",
        place="Rabat",
        claim=("denies", ("Spain", "ESP", "ESP")),
    )
    verb = _phrase("RETREAT", "withdraw").past.rsplit(" ", 1)[0]  # "withdrew from" -> "withdrew"
    clause = event_clause(event, sentence)
    assert clause.endswith(f"{verb} the families of its envoys from Rabat")
    assert check_sentence(describe_event(event, sentence), sentence).ok


def test_brief_wording_keeps_a_possessive_target_of_words() -> None:
    sentence = "Spain accused its neighbours of smuggling on Monday."
    event = make_event(
        "w-9",
        sentence,
        ("Spain", "ESP", "ESP"),
        ("its neighbours", None, None),
        "ACCUSE",
        "accused",
        DAY,
    )
    assert "its neighbours" in event_clause(event, sentence)


def test_brief_wording_explainer_ties_are_not_shown_by_a_withdrawal(tmp_path: Path) -> None:
    sentence = "Russia and Venezuela signed a shipping accord in Caracas on Friday."
    accord = make_event(
        "t-98",
        sentence,
        ("Russia", "RUS", "RUS"),
        ("Venezuela", "VEN", "VEN"),
        "AGREE",
        "signed",
        date(2026, 3, 6),
        quad=1,
        goldstein=4.0,
    )
    wf = _store_with(
        tmp_path / "x.duckdb", "t-98", sentence + " Officials gave no details.", [accord]
    )
    try:
        evidence = gather(wf.store, BriefScope(), now=NOW)
        retreats = {e.id for e in evidence.events if e.event_type == "RETREAT"}
        assert retreats  # the corpus has withdrawals that weigh more than the accord
        brief = wf.brief(style="explainer", now=NOW, remember=False)
        themes = brief.section("themes").statements
        start = next(i for i, s in enumerate(themes) if s.text.startswith("Why is Russia"))
        shown = []
        for statement in themes[start + 1 :]:
            if statement.kind == "heading":
                break
            shown += statement.event_ids
        assert accord.id in shown
        assert not retreats & set(shown)
    finally:
        wf.close()


@pytest.mark.parametrize(("trend", "first"), [("steady", "Contested"), ("rising", "Watch")])
def test_brief_wording_bluf_flags_a_contested_act_before_a_flat_indicator(
    hand_store: Watchfloor,  # noqa: F811
    trend: str,
    first: str,
) -> None:
    from watchfloor.brief.compose import _bluf

    evidence = gather(hand_store.store, BriefScope(), now=NOW)
    evidence.escalations = []  # leave room for both lines
    driver = next(e for e in evidence.events if e.event_type == "ASSAULT")
    evidence.indicators = [
        dataclasses.replace(
            evidence.indicators[0],
            crossed=True,
            threshold=0.0,
            trend=trend,
            evidence=(SimpleNamespace(event_id=driver.id),),
        )
    ]
    b = Builder(evidence)
    leads = [d.lead.split(":")[0] for d in _bluf(b, b.developments(), b.ranked_claims())]
    flagged = [lead for lead in leads if lead in ("Contested", "Watch")]
    assert sorted(flagged) == ["Contested", "Watch"]
    assert flagged[0] == first
