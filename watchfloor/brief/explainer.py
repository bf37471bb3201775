"""The explainer: the same evidence as the analyst brief, shaped as a public analysis article.

Sections: headline and lede; thematic sections posed as questions and built from the dyads, the
claims ledger and the background facts ("Why is Russia so invested in Venezuela?", "What do we
know about the claim that ...?"); what it means for each stakeholder; trends to watch with the
forecasts' track record; questions and answers; sources to watch; did you know?; related
stories; sources. Every statement that says what happened is built from a coded event (or a
background fact) and passes the same citation checker as the analyst brief.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from watchfloor import __version__
from watchfloor.brief.compose import (
    Builder,
    _event_by_id,
    _group,
    _is_or_are,
    _latest_indicator_event,
    _lower_first,
    _num,
    _plural,
    _toll_draft,
    _weight,
    charts,
    faq_entries,
    judgeable,
    pair_label,
    settle_answers,
)
from watchfloor.brief.evidence import Evidence, _first_country
from watchfloor.brief.names import country_name
from watchfloor.brief.statements import Briefing, Draft, SourcedStatement
from watchfloor.records import BriefSection, Event

__all__ = ["EXPLAINER_SECTIONS", "compose_explainer"]

EXPLAINER_SECTIONS: tuple[str, ...] = (
    "lede",
    "themes",
    "stakeholders",
    "trends",
    "faq",
    "watch_sources",
    "did_you_know",
    "related",
    "sources",
)


def _name(code: str | None) -> str:
    return country_name(code).removeprefix("the ") if code else "an unidentified actor"


def _the(code: str) -> str:
    """Country names as a sentence needs them: "the US", "Russia"."""
    return country_name(code)


def _pairs(ev: Evidence) -> list[tuple[str, str, list[Event], list[Event]]]:
    """Directed country pairs of the window: (a, b, cooperative events, conflictual events)."""
    coop: dict[tuple[str, str], list[Event]] = defaultdict(list)
    conflict: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in ev.events:
        if event.modality != "actual" or (
            event.claim and event.claim.stance not in ("asserts", "confirms")
        ):
            continue
        a, b = _first_country(event.actor), _first_country(event.recipient)
        if not a or not b or a == b or "IGO" in (a, b):
            continue
        (coop if event.quad_class <= 2 else conflict)[(a, b)].append(event)
    keys = sorted(set(coop) | set(conflict), key=lambda k: -(len(coop[k]) + len(conflict[k])))
    return [(a, b, coop[(a, b)], conflict[(a, b)]) for a, b in keys]


def _top(b: Builder, events: Sequence[Event], n: int = 2) -> list[list[Event]]:
    """The ``n`` heaviest developments among ``events`` whose wording passes the checker
    against their own sentence (a mis-coded event would only be dropped later), by date."""
    ranked = sorted(_group(events), key=_weight, reverse=True)
    groups = [g for g in ranked if b.event_holds(g[0])][:n]
    return sorted(groups, key=lambda g: (g[0].date is None, g[0].date))


def _themes(b: Builder) -> list[Draft]:
    ev = b.ev
    drafts: list[Draft] = []
    used_facts: set[str] = set()
    pairs = _pairs(ev)
    for a, t, coop, conflict in pairs[:4]:
        if len(coop) >= max(2, len(conflict)):
            title = f"Why is {_the(a)} so invested in {_the(t)}?"
            # A step back (PLOVER counts a withdrawal as cooperative) does not show why a
            # country is invested in its partner; it illustrates only when nothing else does.
            pool, lead_events = coop, [e for e in coop if e.event_type != "RETREAT"]
            frame = (
                f"{_plural(len(coop), 'cooperative event')} from {_name(a)} toward "
                f"{_name(t)} in the window, against {len(conflict)} conflictual; "
            )
        elif conflict:
            title = f"What is behind the {pair_label(a, t).replace('→', '–')} confrontation?"
            pool = lead_events = conflict
            frame = (
                f"{_plural(len(conflict), 'conflictual event')} from {_name(a)} toward "
                f"{_name(t)} in the window, against {len(coop)} cooperative; "
            )
        else:
            continue
        drafts.append(b.note(title, kind="heading"))
        figures = (str(len(coop)), str(len(conflict)))
        for i, group in enumerate(_top(b, lead_events) or _top(b, pool)):
            drafts.append(
                b.event_draft(
                    group,
                    dated=True,
                    kind="statement",
                    lead=_upper(frame) if i == 0 else "",
                    basis=f"dyad:{a}>{t}",
                    figures=figures if i == 0 else (),
                )
            )
        for fact in ev.facts:
            if fact.id in used_facts or not {a, t} <= set(fact.topics):
                continue
            used_facts.add(fact.id)
            drafts.append(b.fact_draft(fact, kind="fact", lead="Background: "))
            break
    # Physical acts first: a reader asks whether the withdrawal happened, not whether an
    # accusation was made.
    shown = 0
    for claim in sorted(b.ranked_claims(), key=lambda c: not judgeable(c)):
        if shown >= 2:
            break
        f = b.claim_figures(claim)
        if not f["n_denials"] and not f["n_reports"]:
            continue
        shown += 1
        drafts.append(
            b.note(
                f"What do we know about the claim that {_lower_first(b.claim_label(claim))}?",
                kind="heading",
            )
        )
        basis = f"claim:{claim.id}"
        reported = f"It was reported ({_plural(f['n_reports'], 'report')} in all): "
        denied = f"It was denied ({_plural(f['n_denials'], 'denial')} in all): "
        if f["reports"]:
            drafts.append(
                b.event_draft(
                    f["reports"], lead=reported, basis=basis, figures=(str(f["n_reports"]),)
                )
            )
        elif f["found_reports"]:
            drafts.append(b.quote_draft(f["found_reports"][0], lead=reported, basis=basis))
            drafts[-1].figures = (str(f["n_reports"]),)
        if f["denials"]:
            drafts.append(
                b.event_draft(
                    f["denials"], lead=denied, basis=basis, figures=(str(f["n_denials"]),)
                )
            )
        elif f["found_denials"]:
            drafts.append(b.quote_draft(f["found_denials"][0], lead=denied, basis=basis))
            drafts[-1].figures = (str(f["n_denials"]),)
        if f["confirmations"]:
            drafts.append(b.event_draft(f["confirmations"], lead="It was confirmed: ", basis=basis))
        latest = sorted(
            f["reports"] + f["denials"] + f["confirmations"],
            key=lambda e: (e.date or date.min, e.doc_id),
        )
        if latest:
            drafts.append(
                b.event_draft(
                    [latest[-1]],
                    lead=(
                        f"Where it stands: the ledger marks it {claim.status}; on the evidence so "
                        f"far it is {f['estimate']}; the latest word: "
                        if judgeable(claim)
                        else f"Where it stands: the ledger marks it {claim.status}; the latest "
                        "word: "
                    ),
                    basis=basis,
                    figures=f["estimate"].figures,
                )
            )
    if not drafts:
        drafts.append(
            b.note(
                "Insufficient evidence: no relationship in this scope has enough "
                "coded events in the window to explain."
            )
        )
    return drafts


def _prune_headings(statements: Sequence[SourcedStatement]) -> tuple[SourcedStatement, ...]:
    """Drop headings whose every statement failed the citation check."""
    kept: list[SourcedStatement] = []
    for i, statement in enumerate(statements):
        following = statements[i + 1] if i + 1 < len(statements) else None
        if statement.kind == "heading" and (following is None or following.kind == "heading"):
            continue
        kept.append(statement)
    return tuple(kept)


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stakeholders(b: Builder) -> list[Draft]:
    ev = b.ev
    received: dict[str, list[Event]] = defaultdict(list)
    acted: dict[str, list[Event]] = defaultdict(list)
    for event in ev.events:
        if event.modality != "actual" or (
            event.claim and event.claim.stance not in ("asserts", "confirms")
        ):
            continue
        a, t = _first_country(event.actor), _first_country(event.recipient)
        if a and a != "IGO":
            acted[a].append(event)
        if t and t != "IGO" and t != a:
            received[t].append(event)
    ranked = Counter({k: len(acted[k]) + len(received[k]) for k in set(acted) | set(received)})
    codes = [c for c in ev.scope.codes if len(c) == 3] or []
    codes += [c for c, _ in ranked.most_common(6) if c not in codes]
    drafts: list[Draft] = []
    for code in codes[:4]:
        incoming, outgoing = received.get(code, []), acted.get(code, [])
        if not incoming and not outgoing:
            continue
        hostile = [e for e in incoming if e.quad_class >= 3]
        frame = (
            f"What this means for {_the(code)}: {_plural(len(incoming), 'event')} aimed at it "
            f"in the window ({len(hostile)} conflictual) and {len(outgoing)} by it; "
        )
        figures = (str(len(incoming)), str(len(hostile)), str(len(outgoing)))
        pool = hostile or incoming or outgoing
        holding = _top(b, pool, n=1)
        if not holding:
            continue
        group = holding[0]
        drafts.append(
            b.event_draft(
                group,
                lead=_upper(frame) + "the weightiest: ",
                basis=f"stakeholder:{code}",
                figures=figures,
            )
        )
    return drafts or [
        b.note("Insufficient evidence: no stakeholder has coded events in the window.")
    ]


def _trends(b: Builder) -> list[Draft]:
    ev = b.ev
    if not ev.indicators:
        return [b.note("No indicators are defined for this scope, so there is no trend to watch.")]
    drafts: list[Draft] = []
    by_indicator: dict[str, list] = defaultdict(list)
    for forecast in ev.forecasts:
        by_indicator[forecast.indicator_id].append(forecast)
    for value in ev.indicators:
        scored = [f for f in by_indicator.get(value.indicator_id, []) if f.status == "scored"]
        hits = sum(1 for f in scored if f.hit)
        if scored:
            brier = sum(f.brier or 0.0 for f in scored) / len(scored)
            record = (
                f"track record: {hits} of {_plural(len(scored), 'scored forecast')} on it "
                f"came true (mean Brier {brier:.2f})"
            )
            record_figures: tuple[str, ...] = (str(hits), str(len(scored)), f"{brier:.2f}")
        else:
            record = "track record: no forecast on it has been scored yet"
            record_figures = ()
        lead = (
            f"{value.name} {_is_or_are(value.name).lower()} {value.trend} "
            f"({_num(value.value)} against a baseline of "
            f"{_num(value.baseline_mean)}, arrow {value.arrow}); {record}; latest: "
        )
        figures = (_num(value.value), _num(value.baseline_mean), *record_figures)
        driver = _latest_indicator_event(ev, value, b.event_holds)
        if driver is None:
            drafts.append(
                b.note(
                    lead.removesuffix("; latest: ") + ".",
                    basis=f"indicator:{value.indicator_id}",
                    figures=figures,
                    kind="indicator",
                )
            )
        else:
            drafts.append(
                b.event_draft(
                    [driver],
                    lead=lead,
                    kind="indicator",
                    basis=f"indicator:{value.indicator_id}",
                    figures=figures,
                )
            )
    return drafts


def _watch_sources(ev: Evidence) -> tuple[tuple[str, ...], ...]:
    """Outlets that carried the most of this scope's events: official sources first, then press."""
    events_by: Counter[str] = Counter()
    articles_by: dict[str, set[str]] = defaultdict(set)
    for event in ev.events:
        article = ev.article(event.doc_id)
        if article is None or not article.source:
            continue
        events_by[article.source] += 1
        articles_by[article.source].add(article.id)
    official_kinds = {"ministry", "military", "government", "official", "state_media"}
    rows = []
    for outlet, n_events in events_by.most_common():
        source = ev.sources.get(outlet)
        kind = source.kind if source else "unknown"
        rows.append(
            (
                outlet,
                "official" if kind in official_kinds else "press",
                kind,
                source.reliability if source else "?",
                str(len(articles_by[outlet])),
                str(n_events),
            )
        )
    rows.sort(key=lambda r: (r[1] != "official", -int(r[5]), r[0]))
    if not rows:
        return ()
    header = ("Source", "Official or press", "Kind", "Grade", "Articles", "Events in scope")
    official = [r for r in rows if r[1] == "official"][:4]
    press = [r for r in rows if r[1] == "press"][:4]
    return (header, *official, *press)


def _related(ev: Evidence) -> tuple[tuple[str, ...], ...]:
    if not ev.stories:
        return ()
    rows = [("Story", "Articles", "First", "Last", "Why related")]
    for story in ev.stories:
        rows.append(
            (
                story.title,
                str(len(story.doc_ids)),
                story.first.strftime("%Y-%m-%d") if story.first else "?",
                story.last.strftime("%Y-%m-%d") if story.last else "?",
                story.reason,
            )
        )
    return tuple(rows)


def compose_explainer(evidence: Evidence) -> Briefing:
    """The explainer on ``evidence`` (see the module docstring)."""
    b = Builder(evidence)
    ev = evidence
    developments = b.developments(limit=3)
    lede: list[Draft] = []
    if developments:
        top = max(developments, key=_weight)
        lede.append(b.event_draft(top, dated=True, kind="lede"))
        toll = _toll_draft(b)
        if toll is not None:
            lede.append(toll)
        worst = sorted((e for e in ev.escalations if e.arrow != "unchanged"), key=lambda e: e.score)
        others = [g for g in developments if g is not top]
        if others:
            lede.append(b.event_draft(others[-1], dated=True))
        drivers = [_event_by_id(ev, d.event_id) for e in worst for d in e.drivers[:1]]
        if worst and drivers and drivers[0] is not None:
            esc = worst[0]
            lede.append(
                b.event_draft(
                    [drivers[0]],
                    lead=(
                        f"Over the last {esc.inputs.get('R', '')} days the "
                        f"{pair_label(esc.source, esc.target)} relationship {esc.arrow} against "
                        f"the weeks before; the main driver: "
                    ),
                    basis=f"dyad:{esc.source}>{esc.target}",
                    figures=(str(esc.inputs.get("R", "")),),
                )
            )
    else:
        lede.append(
            b.note(
                f"There is no coded event about {ev.scope.describe()} in this window, "
                f"so there is nothing to explain yet."
            )
        )
    sections: dict[str, tuple[SourcedStatement, ...]] = {}
    sections["lede"] = b.finish("lede", lede, "L")
    sections["themes"] = _prune_headings(b.finish("themes", _themes(b), "E"))
    sections["stakeholders"] = b.finish("stakeholders", _stakeholders(b), "S")
    sections["trends"] = b.finish("trends", _trends(b), "T")
    faq = faq_entries(b, b.ranked_claims(), limit=4)
    sections["faq"] = settle_answers(
        b.finish(
            "faq",
            faq
            or [
                b.note(
                    "Insufficient evidence: the ledger holds no claims for this scope.",
                    kind="answer",
                )
            ],
            "Q",
        )
    )
    facts = [f for f in ev.facts if f.id not in {k.removeprefix("fact:") for k in b.references}]
    fact = (facts or ev.facts or [None])[0]  # type: ignore[list-item]
    sections["did_you_know"] = b.finish(
        "did_you_know",
        [b.fact_draft(fact, kind="fact")]
        if fact is not None
        else [b.note("No background fact in the facts file matches this scope.")],
        "F",
    )
    titles = {
        "lede": "In brief",
        "themes": "The questions behind the news",
        "stakeholders": "What it means for those involved",
        "trends": "Trends to watch",
        "faq": "Questions and answers",
        "watch_sources": "Sources to watch",
        "did_you_know": "Did you know?",
        "related": "Related stories",
        "sources": "Sources",
    }
    tables = {"watch_sources": _watch_sources(ev), "related": _related(ev)}
    built = tuple(
        BriefSection(key, titles[key], sections.get(key, ()), table=tables.get(key, ()))
        for key in EXPLAINER_SECTIONS
    )
    headline = _headline(ev, developments)
    return Briefing(
        title=headline,
        headline=sections["lede"][0].text if sections["lede"] else headline,
        window=(ev.since, ev.until),
        actors=ev.scope.codes,
        sections=built,
        sources=b.sources(),
        generated_at=ev.now,
        generator=f"watchfloor {__version__}",
        coverage={**ev.coverage, "gaps": list(ev.gaps), "cited_sources": len(b.numbers)},
        style="explainer",
        scope=ev.scope.to_dict(),
        verification=b.verification(),
        charts=charts(ev),
        findings={},
    )


def _headline(ev: Evidence, developments: Sequence[Sequence[Event]]) -> str:
    pairs = _pairs(ev)
    if pairs:
        a, t, coop, conflict = pairs[0]
        mood = "tension" if len(conflict) >= len(coop) else "ties"
        return f"{_name(a)} and {_name(t)}: what is behind the {mood}, and what comes next"
    if developments:
        return f"{ev.scope.describe().capitalize()}: what happened and why it matters"
    return f"{ev.scope.describe().capitalize()}: no coded events in this window"
