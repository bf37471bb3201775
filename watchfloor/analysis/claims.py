"""The claims ledger: what is claimed, by whom, and whether it holds up.

A **claim** is a proposition (actor, action, target, time window), such as "Russia withdraws
embassy staff from Caracas" or "US strike kills N in the Caribbean", with every stance taken on
it over time. Claims are built from events as analysts corrected them (``effective_events``).

Merging mentions into claims
----------------------------
- Key: the actor's country (the first actor with one; empty when unknown), the action
  **family** (``watchfloor/data/claims/families.tsv``: synonyms merge, so "evacuated", "withdrew"
  and "pulled out" diplomats all mean ``withdraw`` whatever mode the coder gave), and the target:
  the first recipient's country, else the location's country, else the place name. For
  symmetric families (talks, cooperation) actor and target are put in a fixed order.
- Time window: within a key, mentions are taken in publication order. A mention joins a claim
  when its event date *or* its publication time is within ``window_days`` (21) of one of the
  claim's mentions, ``follow_up_days`` (60) for denials, confirmations and retractions, which
  answer an earlier report. Otherwise it starts a new claim.
- A mention without a target joins the claim of the same actor and family nearest in time
  within the window; failing that it makes a claim with an empty target.

Stances
-------
- An event with ``claim = null`` and modality ``actual`` is **reported**: the outlet states it as
  fact (the outlet is the speaker).
- ``claim.stance`` asserts / denies / confirms / retracts is that stance by ``claim.by``, via the
  outlet. Modality ``negated`` turns a positive stance into ``denies`` ("X did not ...").
- Future and hypothetical events say nothing about what happened; they are not stances.

Sources and their independence
------------------------------
Each stance has a ``source_key``, its unit of independence:

- ``state:ISO3``: a state's government, military, police, legislature or judiciary, or its
  state-affiliated media: one voice however many of them speak;
- ``outlet:<name>``: an outlet stating something as fact. A syndicated copy counts as its
  original (``Article.duplicate_of``, or the same evidence sentence published earlier by another
  outlet), so one wire story reprinted five times is one source;
- a speaker named in the text: the outlet's key when the speaker is a known outlet, else
  ``speaker:<code>`` (or ``speaker:<name>`` when the speaker has no code).

A source's grade is the best Admiralty reliability (A-F) among its stances: the outlet's own
grade for an outlet, the grade of the outlet that carried the quote for a speaker. A source is
**credible** when graded A or B and not **partisan**; partisan means the voice of the actor's or
the target's state.

Status rules (the first that applies wins)
------------------------------------------
Each source's latest stance is its position: positive (reported, asserts, confirms), negative
(denies) or withdrawn (retracts). P, D and R are the sources in each position.

- *admission*: the actor's own state is in P;
- *corroborated*: an admission; or a confirmation by a source other than the first to report
  it; or two or more sources in P, at least one credible;
- *substantial*: corroborated, or two or more sources in P, or one credible source in P.

0. **analyst**: an analyst's ``confirm`` or ``status`` correction wins (see ``corrections``).
1. **retracted**: no source holds it any longer (P empty) and a source retracted it.
2. **denied**: a source denies it and it rests on nothing substantial (P empty, or one
   non-credible source).
3. **disputed**: a source denies it and it is substantial.
4. **confirmed**: no standing denial, corroborated.
5. **reported**: no standing denial, substantial but not corroborated.
6. **unconfirmed**: no standing denial, a single non-credible source (low grade, partisan or
   of unknown grade).

Death tolls
-----------
Every stance with ``fatalities`` adds a figure to its claim's series, oldest first, once per
original article (syndicated copies are not counted twice). A figure is ``cumulative`` (a running
total: "bringing to 27 the number killed", "more than 100 since September") when a cue from
``watchfloor/data/claims/toll_cues.tsv`` occurs within 50 characters of it in the sentence,
else ``incident``. ``toll_series`` follows the cumulative total across claims.

The ledger is recomputed from the store on each call (nothing is cached), so it always reflects
the latest articles and corrections.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from watchfloor.errors import ConfigError
from watchfloor.ontology.cameo import iter_tsv_rows
from watchfloor.records import (
    Article,
    Claim,
    ClaimStanceRecord,
    Entity,
    Event,
    FatalityFigure,
    Source,
    stable_id,
)
from watchfloor.store.base import EventQuery, Store

__all__ = [
    "ActionFamily",
    "FamilyTable",
    "LedgerSettings",
    "build_claims",
    "claim_key",
    "claim_status",
    "claims",
    "claims_frame",
    "fatality_scope",
    "load_families",
    "load_toll_cues",
    "stance_kind",
    "toll_series",
]

POSITIVE = frozenset({"reported", "asserts", "confirms"})
FOLLOW_UPS = frozenset({"denies", "confirms", "retracts"})
CREDIBLE_GRADES = frozenset({"A", "B"})
# Sectors that speak for the state itself: one voice with the state's own media.
STATE_SECTORS = frozenset({"", "GOV", "MIL", "COP", "SPY", "LEG", "JUD"})


@dataclass(frozen=True)
class LedgerSettings:
    """Knobs of the ledger, with the defaults the module docstring describes."""

    window_days: int = 21
    follow_up_days: int = 60
    explicit_only: bool = True  # list only claims with a non-"reported" stance or a death toll


# -- data: action families and toll cues ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class ActionFamily:
    name: str
    symmetric: bool
    label: str


@dataclass(frozen=True, slots=True)
class _FamilyRow:
    family: ActionFamily
    event_type: str
    mode: str  # a mode, "*" any mode, "-" no mode
    triggers: frozenset[str]

    def score(self, event_type: str, mode: str | None, words: set[str]) -> int | None:
        """How specifically the row matches (higher wins), or None when it does not."""
        if event_type != self.event_type:
            return None
        if self.mode == "-" and mode:
            return None
        if self.mode not in ("*", "-") and self.mode != mode:
            return None
        if self.triggers and not (self.triggers & words):
            return None
        # Trigger words are the strongest evidence: the verb says what happened even when the
        # coder picked an odd mode for it (an evacuation coded as RETREAT/disarm).
        return (2 if self.triggers else 0) + (0 if self.mode == "*" else 1)


class FamilyTable:
    """Maps a coded event to its action family (see ``families.tsv``)."""

    def __init__(self, rows: Sequence[_FamilyRow]) -> None:
        self._rows = tuple(rows)

    def classify(self, event_type: str, mode: str | None, trigger: str = "") -> ActionFamily:
        """The action family of an event type, mode and trigger text.

        >>> load_families().classify("RETREAT", "disarm", "evacuated").name
        'withdraw'
        """
        words = set(re.findall(r"[a-z]+(?:-[a-z]+)?", trigger.casefold()))
        best: tuple[int, ActionFamily] | None = None
        for row in self._rows:
            score = row.score(event_type, mode, words)
            if score is not None and (best is None or score > best[0]):
                best = (score, row.family)
        if best is not None:
            return best[1]
        name = f"{event_type}/{mode}" if mode else event_type
        return ActionFamily(name=name, symmetric=False, label=f"{name} toward")

    def label(self, family: str) -> str:
        """How the ledger phrases a family (``"withdraws people or forces from"``)."""
        found = next((r.family.label for r in self._rows if r.family.name == family), None)
        return found or f"{family} toward"


def _data_dir() -> Traversable:
    return files("watchfloor") / "data" / "claims"


@functools.lru_cache(maxsize=4)
def load_families(path: Path | None = None) -> FamilyTable:
    """Read ``families.tsv`` (the shipped one by default)."""
    source: Traversable = path if path is not None else _data_dir() / "families.tsv"
    columns = ("family", "event_type", "mode", "triggers", "symmetric", "label")
    rows = []
    for line_number, row in iter_tsv_rows(source, columns):
        if not row["family"] or not row["event_type"] or not row["mode"]:
            raise ConfigError(f"families.tsv:{line_number}: family, event_type and mode are needed")
        if row["symmetric"] not in ("yes", "no"):
            raise ConfigError(f"families.tsv:{line_number}: symmetric must be yes or no")
        family = ActionFamily(
            row["family"], row["symmetric"] == "yes", row["label"] or row["family"]
        )
        rows.append(
            _FamilyRow(
                family=family,
                event_type=row["event_type"],
                mode=row["mode"],
                triggers=frozenset(row["triggers"].casefold().split()),
            )
        )
    return FamilyTable(rows)


@functools.lru_cache(maxsize=4)
def load_toll_cues(path: Path | None = None) -> tuple[re.Pattern[str], ...]:
    """Read ``toll_cues.tsv``: the patterns that mark a death toll as a running total."""
    source: Traversable = path if path is not None else _data_dir() / "toll_cues.tsv"
    cues = []
    for line_number, row in iter_tsv_rows(source, ("pattern", "example")):
        try:
            cue = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(f"toll_cues.tsv:{line_number}: bad pattern: {exc}") from None
        if row["example"] and not cue.search(row["example"]):
            raise ConfigError(f"toll_cues.tsv:{line_number}: pattern misses its own example")
        cues.append(cue)
    return tuple(cues)


# -- stances -------------------------------------------------------------------------------
def stance_kind(event: Event) -> str | None:
    """The stance an event takes on what it describes, or None when it is not a stance.

    >>> stance_kind(event_with_claim_none_and_modality_actual)  # doctest: +SKIP
    'reported'
    """
    if event.modality in ("future", "hypothetical"):
        return None
    stance = event.claim.stance if event.claim else "reported"
    if event.modality == "negated":
        # "X did not do it" is a denial; "Y denied X did not" is too rare to model.
        return "retracts" if stance == "retracts" else "denies"
    return stance


def _norm(text: str | None) -> str:
    words = re.sub(r"[^\w\s]", " ", (text or "").casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _actor_country(entities: Sequence[Entity]) -> str:
    for entity in entities:
        country = entity.country or (entity.code[:3] if entity.code else None)
        if country:
            return country
    return ""


def claim_key(event: Event, families: FamilyTable | None = None) -> tuple[str, str, str]:
    """(actor country, action family, target) of an event: what claims merge on.

    The target is the first recipient's country, else the location's country, else the place
    name (case-folded); empty when none is known.
    """
    table = families or load_families()
    family = table.classify(event.event_type, event.mode, event.trigger.text)
    actor = _actor_country(event.actor)
    target = _actor_country(event.recipient)
    if not target and event.location is not None:
        target = event.location.country or _norm(event.location.name)
    if family.symmetric and target and actor:
        actor, target = sorted((actor, target))
    return actor, family.name, target


@dataclass
class _Mention:
    event: Event
    stance: ClaimStanceRecord
    actor: str
    family: str
    target: str
    moment: datetime | None

    @property
    def day(self) -> date | None:
        return self.event.date


def _moment(article: Article | None, event: Event) -> datetime | None:
    if article is not None and article.published_at is not None:
        return article.published_at
    if event.date is not None:
        return datetime.combine(event.date, time(12), tzinfo=UTC)
    return article.seen_at if article is not None else None


def _describe(source: Source | None) -> str:
    if source is None:
        return "grade unknown"
    parts = [source.kind.replace("_", " ")]
    if source.country:
        parts.append(source.country)
    parts.append(f"grade {source.reliability}")
    if source.state_affiliated:
        parts.append("state-affiliated")
    return ", ".join(parts)


class _Sources:
    """Outlet lookups: by name, and by normalised name for speakers that are outlets."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.by_name = {s.name: s for s in sources}
        self.by_norm = {_norm(s.name): s for s in self.by_name.values()}

    def get(self, name: str | None) -> Source | None:
        if not name:
            return None
        return self.by_name.get(name) or self.by_norm.get(_norm(name))

    @staticmethod
    def outlet_key(source: Source | None, name: str | None) -> str:
        if source is not None and source.state_affiliated and source.country:
            return f"state:{source.country}"
        return f"outlet:{_norm(source.name if source else name) or 'unknown'}"


def _stance_record(
    event: Event,
    stance: str,
    article: Article | None,
    original: Article | None,
    sources: _Sources,
) -> ClaimStanceRecord:
    outlet_name = article.source if article else None
    outlet = sources.get(outlet_name)
    origin = original or article
    copy_of = (
        original.id if original is not None and article and original.id != article.id else None
    )
    if event.claim is None:
        # The outlet speaks; a syndicated copy speaks with its original's voice.
        origin_outlet = sources.get(origin.source if origin else None)
        key = sources.outlet_key(origin_outlet, origin.source if origin else outlet_name)
        speaker, code = outlet_name, None
        graded = origin_outlet or outlet
        attribution = f"{outlet_name or 'unknown outlet'} ({_describe(outlet)})"
        if copy_of and origin is not None:
            attribution += f", copy of {origin.source} [{origin.id}]"
    else:
        by = event.claim.by
        speaker, code = by.text, by.code
        as_outlet = sources.get(by.text)
        if as_outlet is not None:
            key, graded = sources.outlet_key(as_outlet, as_outlet.name), as_outlet
        elif by.country and by.country != "IGO" and (by.sector or "") in STATE_SECTORS:
            key, graded = f"state:{by.country}", outlet
        elif by.code:
            key, graded = f"speaker:{by.code}", outlet
        else:
            key, graded = f"speaker:{_norm(by.text) or 'unknown'}", outlet
        who = f"{by.text} ({by.code})" if by.code else by.text
        if as_outlet is not None and _norm(by.text) == _norm(outlet_name):
            attribution = f"{outlet_name} ({_describe(outlet)})"
        else:
            attribution = f"{who}, via {outlet_name or 'unknown outlet'} ({_describe(outlet)})"
    return ClaimStanceRecord(
        stance=stance,
        event_id=event.id,
        doc_id=event.doc_id,
        date=event.date,
        published_at=article.published_at if article else None,
        outlet=outlet_name,
        speaker=speaker,
        speaker_code=code,
        attribution=attribution,
        source_key=key,
        reliability=graded.reliability if graded else None,
        state_affiliated=graded.state_affiliated if graded else None,
        evidence=event.sentence,
        sentence_index=event.sentence_index,
        fatalities=event.fatalities,
        copy_of=copy_of,
    )


# -- status --------------------------------------------------------------------------------
def _order(stance: ClaimStanceRecord) -> tuple[Any, ...]:
    moment = stance.published_at or (
        datetime.combine(stance.date, time(12), tzinfo=UTC) if stance.date else None
    )
    return (moment is None, moment or datetime.min.replace(tzinfo=UTC), stance.doc_id)


def claim_status(
    stances: Sequence[ClaimStanceRecord], *, actor: str = "", target: str = ""
) -> tuple[str, str]:
    """The status of a claim from its stances, and the rationale naming the rule that gave it.

    The rules are listed in the module docstring (rule 0, the analyst's, is applied by
    ``build_claims``).
    """
    ordered = sorted(stances, key=_order)
    latest: dict[str, ClaimStanceRecord] = {}
    grades: dict[str, str] = {}
    names: dict[str, str] = {}
    for s in ordered:
        latest[s.source_key] = s
        grade = (s.reliability or "F").upper()
        grades[s.source_key] = min(grades.get(s.source_key, "F"), grade)
        names.setdefault(s.source_key, _source_name(s))
    positive = [k for k, s in latest.items() if s.stance in POSITIVE]
    negative = [k for k, s in latest.items() if s.stance == "denies"]
    withdrawn = [k for k, s in latest.items() if s.stance == "retracts"]
    partisan = {f"state:{c}" for c in (actor, target) if c and len(c) == 3 and c.isupper()}

    def credible(key: str) -> bool:
        return grades[key] in CREDIBLE_GRADES and key not in partisan

    first = next((s.source_key for s in ordered if s.stance in POSITIVE), None)
    admission = bool(actor) and f"state:{actor}" in positive
    confirmation = any(latest[k].stance == "confirms" and k != first for k in positive)
    corroborated = (
        admission or confirmation or (len(positive) >= 2 and any(credible(k) for k in positive))
    )
    substantial = corroborated or len(positive) >= 2 or any(credible(k) for k in positive)

    def listed(keys: Sequence[str]) -> str:
        return ", ".join(f"{names[k]} [{grades[k]}]" for k in keys) or "nobody"

    held = f"held by {listed(positive)}"
    if negative:
        held += f"; denied by {listed(negative)}"
    if withdrawn:
        held += f"; retracted by {listed(withdrawn)}"
    if not positive and withdrawn:
        return "retracted", f"retracted: every source that carried it withdrew it ({held})"
    if negative and not substantial:
        why = "nobody else asserts it" if not positive else "it rests on one non-credible source"
        return "denied", f"denied: a denial stands and {why} ({held})"
    if negative:
        return "disputed", f"disputed: a denial stands against substantial reporting ({held})"
    if corroborated:
        why = (
            "the actor's own side says so"
            if admission
            else "another source confirms it"
            if confirmation
            else "independent sources agree, one of them credible"
        )
        return "confirmed", f"confirmed: {why} ({held})"
    if substantial:
        why = "independent sources report it" if len(positive) >= 2 else "a credible source"
        return "reported", f"reported: {why}, not yet corroborated ({held})"
    return "unconfirmed", f"unconfirmed: a single source, not credible or not graded ({held})"


def _source_name(stance: ClaimStanceRecord) -> str:
    if stance.source_key.startswith("state:"):
        return f"{stance.source_key[6:]} state"
    if stance.stance == "reported":
        return stance.outlet or stance.source_key
    return stance.speaker or stance.source_key


# -- fatalities ----------------------------------------------------------------------------
_UNITS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _number_words(n: int) -> list[str]:
    if n < 20:
        return [_UNITS[n]]
    if n < 100:
        tens, unit = divmod(n, 10)
        word = _TENS[tens - 2]
        return [word] if unit == 0 else [f"{word}-{_UNITS[unit]}", f"{word} {_UNITS[unit]}"]
    if n < 1000 and n % 100 == 0:
        return [f"{_UNITS[n // 100]} hundred", "a hundred" if n == 100 else f"{n // 100} hundred"]
    return []


_WORD_VALUES = {w: n for n in range(100) for w in _number_words(n) if " " not in w}
_NUMBER = re.compile(r"\d[\d,]*|[a-z]+(?:-[a-z]+)?", re.IGNORECASE)


def _numbers(sentence: str) -> list[tuple[int, int, int]]:
    """(value, start, end) of every number written in digits or words up to ninety-nine."""
    found = []
    for m in _NUMBER.finditer(sentence):
        text = m.group().casefold()
        if text[0].isdigit():
            digits = text.replace(",", "")
            if digits.isdigit():
                found.append((int(digits), m.start(), m.end()))
        elif text in _WORD_VALUES:
            found.append((_WORD_VALUES[text], m.start(), m.end()))
    return found


def fatality_scope(
    figure: int, sentence: str, cues: Sequence[re.Pattern[str]] | None = None
) -> str:
    """``cumulative`` when a toll cue belongs to the figure, else ``incident``.

    A cue belongs to the number nearest to it in the sentence, within 50 characters (numbers
    before the cue count as 15 characters further); when the figure is not written in the
    sentence, any cue makes it cumulative.

    >>> fatality_scope(27, "A strike killed three, bringing to 27 the number killed.")
    'cumulative'
    >>> fatality_scope(3, "A strike killed three, bringing to 27 the number killed.")
    'incident'
    """
    patterns = cues if cues is not None else load_toll_cues()
    numbers = _numbers(sentence)
    if not any(value == figure for value, _, _ in numbers):
        return "cumulative" if any(p.search(sentence) for p in patterns) else "incident"
    for pattern in patterns:
        for cue in pattern.finditer(sentence):

            def distance(number: tuple[int, int, int], cue: re.Match[str] = cue) -> int:
                _, start, end = number
                # Totals mostly follow their cue ("bringing the toll to 14"): a number before
                # the cue is taken as 15 characters further away than it is.
                before = 15 if end <= cue.start() else 0
                return max(start - cue.end(), cue.start() - end, 0) + before

            nearest = min(numbers, key=distance)
            if nearest[0] == figure and distance(nearest) <= 50:
                return "cumulative"
    return "incident"


def _fatalities(
    stances: Sequence[ClaimStanceRecord], cues: Sequence[re.Pattern[str]]
) -> tuple[FatalityFigure, ...]:
    seen: set[tuple[int, str]] = set()
    figures = []
    for s in sorted(stances, key=_order):
        if s.fatalities is None:
            continue
        origin = s.copy_of or s.doc_id
        if (s.fatalities, origin) in seen:
            continue
        seen.add((s.fatalities, origin))
        figures.append(
            FatalityFigure(
                figure=s.fatalities,
                scope=fatality_scope(s.fatalities, s.evidence, cues),
                date=s.date,
                published_at=s.published_at,
                doc_id=s.doc_id,
                outlet=s.outlet,
                evidence=s.evidence,
            )
        )
    return tuple(figures)


def toll_series(
    ledger: Iterable[Claim], *, actor: str | None = None, family: str = "attack"
) -> list[FatalityFigure]:
    """The running death toll across claims: every cumulative figure, oldest first.

    Use it for a campaign of many incidents ("the strike death toll as it evolves"); each
    claim's own ``fatalities`` holds both its incident figures and the totals quoted with it.
    """
    found: dict[tuple[int, str], FatalityFigure] = {}
    for claim in ledger:
        if claim.family != family or (actor is not None and claim.actor != actor):
            continue
        for figure in claim.fatalities:
            if figure.scope == "cumulative":
                found.setdefault((figure.figure, figure.doc_id), figure)
    return sorted(
        found.values(),
        key=lambda f: (
            f.published_at or datetime.combine(f.date or date.min, time(12), tzinfo=UTC),
            f.figure,
        ),
    )


# -- building the ledger -------------------------------------------------------------------
def _gap_ok(m: _Mention, other: _Mention, settings: LedgerSettings) -> bool:
    limit = settings.follow_up_days if m.stance.stance in FOLLOW_UPS else settings.window_days
    gaps: list[float] = []
    if m.day and other.day:
        gaps.append(abs((m.day - other.day).days))
    if m.moment and other.moment:
        gaps.append(abs((m.moment - other.moment) / timedelta(days=1)))
    # No time on either side: nothing says they are apart.
    return not gaps or min(gaps) <= limit


def _closeness(m: _Mention, group: Sequence[_Mention]) -> float:
    best = float("inf")
    for other in group:
        if m.moment and other.moment:
            best = min(best, abs((m.moment - other.moment) / timedelta(days=1)))
        elif m.day and other.day:
            best = min(best, abs((m.day - other.day).days))
    return best


def _group(mentions: Sequence[_Mention], settings: LedgerSettings) -> list[list[_Mention]]:
    def by_time(m: _Mention) -> tuple[Any, ...]:
        return (m.moment is None, m.moment or datetime.min.replace(tzinfo=UTC), m.event.id)

    keyed: dict[tuple[str, str, str], list[_Mention]] = defaultdict(list)
    loose: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
    for m in mentions:
        if m.target:
            keyed[(m.actor, m.family, m.target.casefold())].append(m)
        else:
            loose[(m.actor, m.family)].append(m)
    groups: list[list[_Mention]] = []
    by_actor_family: dict[tuple[str, str], list[list[_Mention]]] = defaultdict(list)
    for (actor, family, _), found in keyed.items():
        found.sort(key=by_time)
        key_groups: list[list[_Mention]] = []
        for m in found:
            open_groups = [g for g in key_groups if any(_gap_ok(m, o, settings) for o in g)]
            if open_groups:
                min(open_groups, key=lambda g: _closeness(m, g)).append(m)
            else:
                key_groups.append([m])
        groups.extend(key_groups)
        by_actor_family[(actor, family)].extend(key_groups)
    for (actor, family), found in loose.items():
        found.sort(key=by_time)
        targetless: list[list[_Mention]] = []
        for m in found:
            fits = [
                g
                for g in by_actor_family[(actor, family)] + targetless
                if any(_gap_ok(m, o, settings) for o in g)
            ]
            if fits:
                min(fits, key=lambda g: _closeness(m, g)).append(m)
            else:
                targetless.append([m])
        groups.extend(targetless)
    return groups


def _syndication(events: Sequence[Event], articles: Mapping[str, Article]) -> dict[str, Article]:
    """doc id -> the original article it copies (duplicate_of chain, or an earlier outlet's
    article with the same evidence sentence)."""

    def root(article: Article) -> Article:
        seen = {article.id}
        while article.duplicate_of and article.duplicate_of in articles:
            article = articles[article.duplicate_of]
            if article.id in seen:  # a cycle: stop anywhere on it
                break
            seen.add(article.id)
        return article

    originals: dict[str, Article] = {}
    for doc_id, article in articles.items():
        origin = root(article)
        if origin.id != doc_id:
            originals[doc_id] = origin
    first_by_sentence: dict[str, Article] = {}

    def when(e: Event) -> tuple[Any, ...]:
        a = articles.get(e.doc_id)
        t = a.published_at if a and a.published_at else None
        return (t is None, t or datetime.min.replace(tzinfo=UTC), e.doc_id)

    for event in sorted(events, key=when):
        current = articles.get(event.doc_id)
        text = _norm(event.sentence)
        if current is None or len(text) < 40:  # short sentences repeat by chance
            continue
        first = first_by_sentence.setdefault(text, originals.get(current.id, current))
        if first.id != current.id and first.source != current.source:
            originals.setdefault(current.id, first)
    return originals


def build_claims(
    events: Iterable[Event],
    articles: Mapping[str, Article],
    sources: Iterable[Source],
    *,
    settings: LedgerSettings | None = None,
    corrections: Mapping[str, Any] | None = None,
    include_rejected: bool = False,
) -> list[Claim]:
    """Claims from events (records in, records out; no store).

    ``articles`` maps doc ids to articles (for outlets, publication times and syndication);
    ``corrections`` maps claim ids to ``CorrectionState`` (rule 0). Claims are returned newest
    first (by their last mention).
    """
    settings = settings or LedgerSettings()
    families = load_families()
    cues = load_toll_cues()
    lookup = _Sources(sources)
    event_list = [e for e in events if stance_kind(e) is not None]
    originals = _syndication(event_list, articles)
    mentions = []
    for event in event_list:
        stance = stance_kind(event)
        assert stance is not None
        article = articles.get(event.doc_id)
        actor, family, target = claim_key(event, families)
        record = _stance_record(event, stance, article, originals.get(event.doc_id), lookup)
        mentions.append(_Mention(event, record, actor, family, target, _moment(article, event)))
    found = []
    for group in _group(mentions, settings):
        claim = _claim(group, families, cues)
        if all(m.event.claim is None and m.event.modality == "negated" for m in group):
            # only outlets writing "X did not do Y": nobody claimed Y, so there is no dispute
            continue
        if settings.explicit_only and not (
            claim.fatalities or any(s.stance != "reported" for s in claim.stances)
        ):
            continue
        state = (corrections or {}).get(claim.id)
        if state is not None:
            if state.rejected and not include_rejected:
                continue
            claim = _apply_claim_state(claim, state)
        found.append(claim)
    found.sort(key=lambda c: (c.last_date is not None, c.last_date or date.min, c.id), reverse=True)
    return found


def _claim(
    group: Sequence[_Mention], families: FamilyTable, cues: Sequence[re.Pattern[str]]
) -> Claim:
    first = min(
        group,
        key=lambda m: (m.moment is None, m.moment or datetime.max.replace(tzinfo=UTC), m.event.id),
    )
    kinds = Counter((m.event.event_type, m.event.mode) for m in group)
    event_type, mode = kinds.most_common(1)[0][0]
    family = families.classify(first.event.event_type, first.event.mode, first.event.trigger.text)
    places = Counter(m.event.location.name for m in group if m.event.location)
    target = next((m.target for m in group if m.target), "")
    days = [m.day for m in group if m.day]
    stances = tuple(sorted((m.stance for m in group), key=_order))
    status, rationale = claim_status(stances, actor=first.actor, target=target)
    return Claim(
        id=stable_id(
            "claim", first.actor, first.family, target.casefold(), first.event.id, prefix="clm-"
        ),
        actor=first.actor,
        family=first.family,
        label=family.label,
        event_type=event_type,
        mode=mode,
        target=target,
        place=places.most_common(1)[0][0] if places else None,
        first_date=min(days) if days else None,
        last_date=max(days) if days else None,
        status=status,
        rationale=rationale,
        stances=stances,
        fatalities=_fatalities(stances, cues),
    )


def _apply_claim_state(claim: Claim, state: Any) -> Claim:
    last = state.trail[-1] if state.trail else None
    who = (
        f"{last.analyst}: {last.note}"
        if last is not None and last.note
        else (last.analyst if last is not None else "analyst")
    )
    changes: dict[str, Any] = {"notes": claim.notes + tuple(state.notes)}
    status = state.changes.get("status") or ("confirmed" if state.confirmed else None)
    if status:
        changes.update(
            status=status,
            analyst_status=status,
            rationale=f"analyst: {status} ({who}); the sources say: {claim.rationale}",
        )
    if state.changes.get("label"):
        changes["label"] = state.changes["label"]
    return replace(claim, **changes)


# -- from the store ------------------------------------------------------------------------
def claims(
    store: Store,
    query: EventQuery | None = None,
    *,
    statuses: Sequence[str] = (),
    families: Sequence[str] = (),
    settings: LedgerSettings | None = None,
    include_rejected: bool = False,
) -> list[Claim]:
    """The claims ledger over the store's (corrected) events, newest first.

    ``query`` narrows the events the ledger is built from (actors, window); ``statuses`` and
    ``families`` filter the claims. Analyst corrections apply to events and to claims.
    """
    from watchfloor.analysis.corrections import correction_states, effective_events

    events = effective_events(store, query)
    doc_ids = sorted({e.doc_id for e in events})
    articles = {a.id: a for a in store.articles(ids=doc_ids)} if doc_ids else {}
    missing = sorted({a.duplicate_of for a in articles.values() if a.duplicate_of} - set(articles))
    while missing:  # follow syndication chains to their originals
        more = {a.id: a for a in store.articles(ids=missing)}
        articles.update(more)
        missing = sorted({a.duplicate_of for a in more.values() if a.duplicate_of} - set(articles))
    ledger = build_claims(
        events,
        articles,
        store.sources(),
        settings=settings,
        corrections=correction_states(store, "claim"),
        include_rejected=include_rejected,
    )
    if statuses:
        ledger = [c for c in ledger if c.status in set(statuses)]
    if families:
        ledger = [c for c in ledger if c.family in set(families)]
    return ledger


def claims_frame(ledger: Sequence[Claim]) -> Any:
    """The ledger as a pandas DataFrame, one row per claim."""
    import pandas as pd

    rows = []
    for c in ledger:
        positive = [s for s in c.stances if s.stance in POSITIVE]
        denials = [s for s in c.stances if s.stance == "denies"]
        rows.append(
            {
                "id": c.id,
                "summary": c.summary,
                "status": c.status,
                "actor": c.actor,
                "family": c.family,
                "target": c.target,
                "place": c.place,
                "first_date": c.first_date,
                "last_date": c.last_date,
                "stances": len(c.stances),
                "sources": len(c.sources),
                "asserted_by": "; ".join(dict.fromkeys(s.attribution for s in positive)),
                "denied_by": "; ".join(dict.fromkeys(s.attribution for s in denials)),
                "latest_toll": c.fatalities[-1].figure if c.fatalities else None,
                "rationale": c.rationale,
            }
        )
    columns = [
        "id",
        "summary",
        "status",
        "actor",
        "family",
        "target",
        "place",
        "first_date",
        "last_date",
        "stances",
        "sources",
        "asserted_by",
        "denied_by",
        "latest_toll",
        "rationale",
    ]
    return pd.DataFrame(rows, columns=columns)
