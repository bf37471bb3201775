"""Citation checking: does the cited passage say what the brief's sentence says?

Machine-written briefs elsewhere cite sources that do not say what the sentence claims. Here every
sentence that cites a source is compared, deterministically, with the passage it cites:

* **actors and places**: every state, institution or organisation the sentence names must be named
  in the passage (under any of its names: "Moscow" supports "Russia"), and every other proper name
  must appear there (a person by surname, a place by its last word);
* **numbers**: every number in the sentence must be in the passage ("11" or "eleven");
* **dates**: a day, weekday, month or year in the sentence must be written in the passage, or be
  the date a relative expression in the passage ("on Tuesday") resolves to against the article's
  publication date, or be that publication date;
* **action**: every action word in the sentence (``data/brief/actions.tsv``) must be matched by a
  word of the same PLOVER action in the passage, or by the event's own trigger;
* **polarity and modality**: a denial, a negation, a "would"/"could" or a future ("will") in the
  passage may not be dropped, and the sentence may not add one the passage lacks; a passage that
  attributes ("said", "according to") must be reported as a claim (``data/brief/cues.tsv``).

A sentence that fails is dropped by the composers (or shown marked unsourced), and every brief
states its verification rate. ``check_sentence`` is the core; ``verify_brief`` audits a finished
brief against the stored articles.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from watchfloor.brief.names import find_actors, same_actor
from watchfloor.records import Article, Brief

__all__ = [
    "Check",
    "StatementCheck",
    "VerificationReport",
    "action_types",
    "check_frame",
    "check_sentence",
    "find_passage",
    "split_sentences",
    "stem",
    "verify_brief",
]

# -- lexicons ----------------------------------------------------------------------------------


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("watchfloor.data").joinpath(f"brief/{name}").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ed", "es", "s", "e")


@cache
def stem(word: str) -> str:
    """A light stem so that inflections compare equal: evacuated, evacuation, evacuate -> evacuat.

    >>> stem("sanctioned") == stem("sanctions") == stem("sanction")
    True
    """
    word = word.lower().replace("’", "'")
    if word.endswith(("isation", "ization", "isations", "izations")):
        word = word[: word.rindex("ation")]  # mobilisation -> mobilis, as mobilise
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # stopped -> stopp -> stop
    return word


_WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(text)]


@cache
def _actions() -> dict[str, list[tuple[tuple[str, ...], frozenset[str]]]]:
    """First stem -> [(stems of the entry, PLOVER types)], from data/brief/actions.tsv."""
    entries: dict[tuple[str, ...], set[str]] = {}
    for row in _table("actions.tsv"):
        for word in row["words"].split("|"):
            stems = tuple(stem(w) for _, _, w in _words(word.strip()))
            if stems:
                entries.setdefault(stems, set()).add(row["event_type"])
    index: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
    for stems, types in entries.items():
        index.setdefault(stems[0], []).append((stems, frozenset(types)))
    for options in index.values():
        options.sort(key=lambda item: -len(item[0]))  # longest phrase first
    return index


@cache
def _cue_regexes() -> dict[str, re.Pattern[str]]:
    cues: dict[str, re.Pattern[str]] = {}
    for row in _table("cues.tsv"):
        phrases = sorted(
            (p.strip() for p in row["cues"].split("|") if p.strip()), key=len, reverse=True
        )
        alternatives = []
        for phrase in phrases:
            escaped = re.escape(phrase).replace("'", "['’]")
            if phrase.startswith("'") or phrase.startswith("n'"):
                alternatives.append(escaped + r"\b")
            else:
                alternatives.append(r"\b" + escaped + r"\b")
        cues[row["category"]] = re.compile("|".join(alternatives), re.IGNORECASE)
    return cues


@cache
def _cue_words() -> frozenset[str]:
    """Stems of attribution and denial words: they are checked as cues, not as actions."""
    words: set[str] = set()
    for row in _table("cues.tsv"):
        if row["category"] in ("report", "deny"):
            for phrase in row["cues"].split("|"):
                parts = phrase.split()
                if len(parts) == 1:
                    words.add(stem(parts[0]))
    return frozenset(words)


def action_types(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """The action words of ``text``: (start, end, PLOVER types), cue words excluded.

    >>> [sorted(t) for _, _, t in action_types("Russia denied that it evacuated its embassy.")]
    [['RETREAT']]
    """
    words = _words(text)
    stems = [stem(w) for _, _, w in words]
    index = _actions()
    skip = _cue_words()
    cue_spans = _cues(text, "report") + _cues(text, "deny")
    found: list[tuple[int, int, frozenset[str]]] = []
    i = 0
    while i < len(words):
        match = None
        if stems[i] not in skip and not _inside(words[i][0], cue_spans):
            for entry, types in index.get(stems[i], ()):
                if tuple(stems[i : i + len(entry)]) == entry:
                    match = (entry, types)
                    break
        if match is None:
            i += 1
            continue
        entry, types = match
        found.append((words[i][0], words[i + len(entry) - 1][1], types))
        i += len(entry)
    return found


# -- cues --------------------------------------------------------------------------------------


def _cues(text: str, category: str) -> list[tuple[int, int]]:
    spans = []
    for m in _cue_regexes()[category].finditer(text):
        word = m.group(0)
        # "May" and "Will" mid-sentence are a month and a name, not modal verbs.
        if word[:1].isupper() and m.start() > 0 and word.lower() in {"may", "will", "no"}:
            continue
        spans.append((m.start(), m.end()))
    return spans


_CLAUSE_BREAK = re.compile(
    r"[;:,—–]|\s-\s|\b(?:but|while|whereas|although|though)\b"
    # "... supports the deployment and would allow ...": a new verb phrase after "and"
    r"|\band(?=\s+(?:would|could|might|may|will|shall|did|does|do|has|had|have|is|was|were|"
    r"are|not|never|plans|said|says)\b)"
)


def _clauses(text: str, anchors: Sequence[int]) -> list[tuple[int, int]]:
    """The clauses (between commas, semicolons and contrastive conjunctions) holding an anchor."""
    bounds = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    spans = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if any(a <= anchor < b for anchor in anchors):
            spans.append((a, b))
    return spans or [(0, len(text))]


def _in(spans: Iterable[tuple[int, int]], scope: Sequence[tuple[int, int]]) -> bool:
    return any(a <= s < b for s, _ in spans for a, b in scope)


# -- numbers and dates -------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12, "million": 1_000_000,
}  # fmt: skip
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MON = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE_RE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MON})(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<m2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?![\d])(?:,?\s+(?P<y2>\d{{4}}))?\b"
    rf"|\b(?P<y3>\d{{4}})-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
    rf"|\b(?P<m4>{_MON})(?:\s+(?P<y4>\d{{4}}))?\b"
    r"|\b(?P<wd>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    r"|\b(?P<y5>(?:1[89]|2[01])\d\d)\b"
)


@dataclass
class _Dates:
    days: set[date] = field(default_factory=set)
    weekdays: set[int] = field(default_factory=set)
    months: set[tuple[int | None, int]] = field(default_factory=set)  # (year or None, month)
    years: set[int] = field(default_factory=set)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _dates(text: str, default_year: int | None = None) -> _Dates:
    found = _Dates()
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        found.spans.append((m.start(), m.end()))
        try:
            if g["d1"] or g["d2"]:
                day = int(g["d1"] or g["d2"])
                month = _month(g["m1"] or g["m2"])
                year_text = g["y1"] or g["y2"]
                year = int(year_text) if year_text else default_year
                if year:
                    found.days.add(date(year, month, day))
                    found.years.add(year)
                found.months.add((year, month))
                found.months.add((None, month))
            elif g["y3"]:
                day_value = date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
                found.days.add(day_value)
                found.months |= {(day_value.year, day_value.month), (None, day_value.month)}
                found.years.add(day_value.year)
            elif g["m4"]:
                if g["m4"] == "May" and not g["y4"]:
                    # "May" alone is as often the verb as the month; it is checked as a cue.
                    found.spans.pop()
                    continue
                month = _month(g["m4"])
                year = int(g["y4"]) if g["y4"] else None
                found.months |= {(year, month), (None, month)}
                if year:
                    found.years.add(year)
            elif g["wd"]:
                found.weekdays.add(_WEEKDAYS.index(g["wd"].lower()))
            elif g["y5"]:
                found.years.add(int(g["y5"]))
        except (ValueError, KeyError):
            continue
    return found


def _passage_dates(passage: str, published: date | datetime | None) -> _Dates:
    """Dates the passage supports: written ones, resolved relative ones, the publication date."""
    day = published.date() if isinstance(published, datetime) else published
    found = _dates(passage, default_year=day.year if day else None)
    derived: set[date] = set()
    if day is not None:
        resolved = False
        try:
            from watchfloor.coding.dates import resolve_event_date

            for tense in ("past", "future"):
                resolution = resolve_event_date(passage, day, tense)  # type: ignore[arg-type]
                if resolution is not None:
                    resolved = True
                    if resolution.precision == "day":
                        derived.add(resolution.date)
        except ImportError:  # pragma: no cover - the coder package ships dates.py
            pass
        if not resolved and not found.days and not found.weekdays:
            # A passage without a date of its own is dated by its publication (the coder's rule).
            derived.add(day)
    for value in derived | set(found.days):
        found.days.add(value)
        found.weekdays.add(value.weekday())
        found.months |= {(value.year, value.month), (None, value.month)}
        found.years.add(value.year)
    return found


def _numbers(text: str, skip: Sequence[tuple[int, int]] = (), *, words: bool = True) -> set[float]:
    values: set[float] = set()
    for start, _end, word in _words(text):
        if any(a <= start < b for a, b in skip):
            continue
        if word[0].isdigit():
            try:
                values.add(float(word.replace(",", "")))
            except ValueError:
                continue
        elif words and word.lower() in _NUMBER_WORDS:
            values.add(float(_NUMBER_WORDS[word.lower()]))
    return values


# -- names -------------------------------------------------------------------------------------

# Capitalised words that are not names: sentence openers, pronouns, titles and brief vocabulary.
_NOT_NAMES = frozenset(
    w.strip().lower()
    for w in resources.files("watchfloor.data")
    .joinpath("brief/not_names.txt")
    .read_text("utf-8")
    .splitlines()
    if w.strip() and not w.startswith("#")
)
_CONNECTORS = frozenset({"of", "de", "del", "la", "al", "bin", "van", "von", "da", "dos"})


def _name_groups(text: str, skip: Sequence[tuple[int, int]]) -> list[list[str]]:
    """Runs of capitalised words (with connectors such as "of") outside the skipped spans."""
    groups: list[list[str]] = []
    current: list[str] = []
    previous_end = -1
    for start, end, word in _words(text):
        skipped = any(a <= start < b for a, b in skip)
        capital = word[:1].isupper() and not word[:1].isdigit()
        joined = previous_end >= 0 and text[previous_end:start].strip() == ""
        if capital and not skipped:
            if current and not joined:
                groups.append(current)
                current = []
            current.append(word)
        elif current and word in _CONNECTORS and joined:
            current.append(word)
        else:
            if current:
                groups.append(current)
            current = []
        previous_end = end
    if current:
        groups.append(current)
    cleaned = []
    for group in groups:
        while group and (group[-1] in _CONNECTORS or group[-1].lower() in _NOT_NAMES):
            group = group[:-1]
        while group and (group[0] in _CONNECTORS or group[0].lower() in _NOT_NAMES):
            group = group[1:]
        if group:
            cleaned.append(group)
    return cleaned


# -- the check ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """The verdict on one sentence against one passage: ``ok`` and, when not, why."""

    ok: bool
    problems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def check_sentence(
    sentence: str,
    passage: str,
    *,
    published: date | datetime | None = None,
    trigger: str | None = None,
    trigger_type: str | None = None,
    known_names: Iterable[str] = (),
) -> Check:
    """Check that ``passage`` supports ``sentence`` (see the module docstring for the rules).

    ``published`` is the cited article's publication time (relative dates resolve against it);
    ``trigger``/``trigger_type`` are the coded event's trigger word and PLOVER type, which count
    as a synonym of that action; ``known_names`` are names the sentence may use without the
    passage (the cited outlet: "the Caribbean Courier reported that ...").

    >>> check_sentence("Russia denied that it evacuated its embassy in Caracas.",
    ...                "Moscow denied reports that it had evacuated its embassy in Caracas.").ok
    True
    >>> verdict = check_sentence("Russia evacuated its embassy.",
    ...                          "Moscow denied reports that it had evacuated its embassy.")
    >>> verdict.problems[0]
    'drops the denial in the passage'
    """
    problems: list[str] = []
    if re.match(r"\s*(?:Question|Q)\s*:", passage) or passage.rstrip().rstrip('"”’').endswith("?"):
        # A question ("Question: Some media claim that ...?") asserts nothing.
        problems.append("the passage is a question, which asserts nothing")
    known = [n for n in known_names if n]
    known_spans = [
        (m.start(), m.end()) for name in known for m in re.finditer(re.escape(name), sentence)
    ]
    passage_lower = passage.lower()

    # actors and places
    sentence_actors = [a for a in find_actors(sentence) if not _inside(a[0], known_spans)]
    passage_actors = find_actors(passage)
    for _start, _end, written, key in sentence_actors:
        if key == "~":
            if written.lower() not in passage_lower:
                problems.append(f"names {written!r}, which the passage does not")
        elif not any(same_actor(key, other) for *_, other in passage_actors):
            problems.append(f"names {written!r}, which the passage does not")

    sentence_dates = _dates(sentence)
    skip = known_spans + [(a[0], a[1]) for a in sentence_actors] + sentence_dates.spans
    for group in _name_groups(sentence, skip):
        head = group[-1]
        if head.lower() not in passage_lower and not _actor_word(head, passage_actors):
            problems.append(f"names {' '.join(group)!r}, which the passage does not")

    # numbers
    missing = _numbers(sentence, sentence_dates.spans, words=False) | {
        v for v in _numbers(sentence, sentence_dates.spans) if v != 1
    }
    missing -= _numbers(passage)
    problems += [f"gives the number {_fmt(v)}, which the passage does not" for v in sorted(missing)]

    # dates
    if (
        sentence_dates.days
        or sentence_dates.weekdays
        or sentence_dates.months
        or sentence_dates.years
    ):
        supported = _passage_dates(passage, published)
        for day in sorted(sentence_dates.days - supported.days):
            problems.append(f"dates it {day.isoformat()}, which the passage does not support")
        for weekday in sorted(sentence_dates.weekdays - supported.weekdays):
            problems.append(f"says {_WEEKDAYS[weekday].title()}, which the passage does not")
        months = {
            m
            for m in sentence_dates.months
            if m[0] is not None or not any(d.month == m[1] for d in sentence_dates.days)
        }
        for year, month in sorted(months - supported.months, key=lambda m: (m[0] or 0, m[1])):
            if (None, month) in supported.months and year is None:
                continue
            problems.append(f"names the month {month}/{year or '?'}, which the passage does not")
        for year in sorted(sentence_dates.years - supported.years):
            problems.append(f"names the year {year}, which the passage does not")

    # action
    sentence_actions = action_types(sentence)
    passage_actions = action_types(passage)
    trigger_stems: set[str] = set()
    if trigger and trigger_type:
        trigger_stems = {stem(w) for _, _, w in _words(trigger)}
        if trigger_stems and all(
            any(stem(w) == s for _, _, w in _words(passage)) for s in trigger_stems
        ):
            position = passage_lower.find(trigger.lower())
            start = max(position, 0)
            passage_actions.append((start, start + len(trigger), frozenset({trigger_type})))
    anchors: list[int] = []
    for start, end, types in sentence_actions:
        matches = [p for p in passage_actions if p[2] & types]
        if not matches:
            problems.append(f"says {sentence[start:end]!r}, an action the passage does not state")
        anchors += [p[0] for p in matches]
    if not sentence_actors and not sentence_actions and not _name_groups(sentence, skip):
        problems.append("states nothing the checker can compare with the passage")

    # polarity, modality, attribution
    scope = _clauses(passage, anchors) if anchors else [(0, len(passage))]
    whole = [(0, len(passage))]
    p_deny = bool(_cues(passage, "deny"))
    p_neg_any = bool(_cues(passage, "negation"))
    p_neg = _in(_cues(passage, "negation"), scope)
    p_hyp = _in(_cues(passage, "hypothetical"), scope)
    p_fut = _in(_cues(passage, "future"), scope)
    p_modal_any = _in(_cues(passage, "hypothetical") + _cues(passage, "future"), whole)
    p_report = bool(_cues(passage, "report"))
    s_deny = bool(_cues(sentence, "deny"))
    s_neg = bool(_cues(sentence, "negation"))
    s_hyp = bool(_cues(sentence, "hypothetical"))
    s_fut = bool(_cues(sentence, "future"))
    s_report = bool(_cues(sentence, "report"))
    if p_deny and not s_deny:
        problems.append("drops the denial in the passage")
    if s_deny and not (p_deny or (p_neg_any and p_report)):
        problems.append("reports a denial the passage does not contain")
    if p_neg and not (s_neg or s_deny):
        problems.append("drops a negation in the passage")
    if s_neg and not (p_neg_any or p_deny):
        problems.append("adds a negation the passage does not contain")
    if p_hyp and not s_hyp:
        problems.append("drops the passage's 'would'/'could'/'may'/'if'")
    if p_fut and not (s_fut or s_hyp):
        problems.append("drops the passage's future ('will', 'plans to')")
    if (s_hyp or s_fut) and not p_modal_any:
        problems.append("adds a 'would'/'could'/'will' the passage does not contain")
    if p_report and not (s_report or s_deny):
        problems.append("states as fact what the passage attributes to someone")
    return Check(ok=not problems, problems=tuple(dict.fromkeys(problems)))


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def _actor_word(word: str, passage_actors: Sequence[tuple[int, int, str, str]]) -> bool:
    return any(word == written for _, _, written, _ in passage_actors)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


# -- the analyst's frame -----------------------------------------------------------------------

_FRAME_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def check_frame(frame: str, figures: Iterable[str]) -> Check:
    """Every number in an analytic frame must be one of the figures of its basis.

    Key judgments, alternatives and assumptions quote figures of the claim, indicator or dyad
    they rest on ("3 reports, 2 denials"); a number that is not among those figures is invented.
    """
    allowed = {f.replace(",", "") for f in figures}
    extra = [n.replace(",", "") for n in _FRAME_NUMBER.findall(frame)]
    bad = [n for n in extra if n not in allowed and _strip_zero(n) not in allowed]
    return Check(ok=not bad, problems=tuple(f"quotes {n}, not a figure of its basis" for n in bad))


def _strip_zero(number: str) -> str:
    return number[:-2] if number.endswith(".0") else number


# -- passages and whole briefs -----------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])"  # ordinary sentence ends
    r"|(?<=[a-z0-9%][.!?])(?=[A-Z][a-z])"  # ends glued to the next sentence ("century.The")
    r"|(?<=[\"”’)][.!?])(?=[\"“]?[A-Z][a-z])"  # ... after a quotation ('time".It')
    r"|(?<=[.!?][\"”’])(?=[\"“]?[A-Z][a-z])"  # ... inside one ('today."We')
    r"|\n\s*\n"  # paragraphs
)
_ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|U\.S|U\.N|No)\.$")


def split_sentences(text: str) -> list[str]:
    """Sentences of an article, including glued ones ("...century.The decision ...").

    >>> split_sentences("Mr. Smith left. The talks ended.It rained.")
    ['Mr. Smith left.', 'The talks ended.', 'It rained.']
    """
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[start : m.start() + (len(m.group(0)) if m.group(0).strip() else 0)]
        if _ABBREVIATIONS.search(text[start : m.start()].rstrip()):
            continue
        if candidate.strip():
            pieces.append(candidate.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def find_passage(
    sentence: str, article: Article, *, trigger: str | None = None, known_names: Iterable[str] = ()
) -> tuple[str | None, Check]:
    """The sentence of ``article`` that supports ``sentence``, or None and the nearest miss."""
    names = list(known_names)
    best: tuple[str | None, Check] = (None, Check(False, ("the cited article is empty",)))
    best_score = -1
    target = {stem(w) for _, _, w in _words(sentence)}
    for candidate in split_sentences(article.text):
        verdict = check_sentence(
            sentence, candidate, published=article.published_at, known_names=names
        )
        if verdict.ok:
            return candidate, verdict
        score = len(target & {stem(w) for _, _, w in _words(candidate)})
        if score > best_score:
            best, best_score = (None, verdict), score
    return best


@dataclass(frozen=True, slots=True)
class StatementCheck:
    """The audit of one brief statement: which citations its passages support."""

    section: str
    text: str
    citations: tuple[int, ...]
    supported: tuple[int, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return bool(self.citations) and set(self.supported) == set(self.citations)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """An audit of a brief: every citing statement, checked against the stored articles."""

    statements: tuple[StatementCheck, ...]

    @property
    def checked(self) -> int:
        return len(self.statements)

    @property
    def passed(self) -> int:
        return sum(1 for s in self.statements if s.ok)

    @property
    def rate(self) -> float:
        return self.passed / self.checked if self.checked else 1.0

    def failures(self) -> list[StatementCheck]:
        return [s for s in self.statements if not s.ok]


def verify_brief(brief: Brief, articles: Mapping[str, Article]) -> VerificationReport:
    """Audit a finished brief: each citing statement against the articles it cites.

    A statement that carries its passages (``SourcedStatement``) is checked against them, after
    confirming each passage is really in the cited article; any other statement is checked
    against the best sentence of each cited article. Reference sources (background facts) are
    checked against the passage recorded for them.
    """
    from watchfloor.brief.statements import SourcedStatement

    by_number = {s.number: s for s in brief.sources}
    results = []
    for section in brief.sections:
        for statement in section.statements:
            if not statement.citations:
                continue
            text = statement.text
            recorded: dict[int, str] = {}
            if isinstance(statement, SourcedStatement):
                text = statement.checked or statement.text
                recorded = {p.number: p.text for p in statement.passages}
            supported, problems = [], []
            # A sentence may name any outlet among its own citations ("X reported that ...").
            outlets = [by_number[n].outlet or "" for n in statement.citations if n in by_number]
            for number in statement.citations:
                source = by_number.get(number)
                if source is None:
                    problems.append(f"[{number}] is not in the source list")
                    continue
                outlet = outlets
                article = articles.get(source.doc_id)
                passage = recorded.get(number)
                if article is None:
                    if passage is None or getattr(source, "kind", "article") != "reference":
                        problems.append(f"[{number}] {source.doc_id} is not in the store")
                        continue
                    verdict = check_sentence(text, passage, known_names=outlet)
                elif passage is not None:
                    if _squash(passage) not in _squash(article.text):
                        problems.append(f"[{number}] the quoted passage is not in the article")
                        continue
                    verdict = check_sentence(
                        text, passage, published=article.published_at, known_names=outlet
                    )
                else:
                    _, verdict = find_passage(text, article, known_names=outlet)
                if verdict.ok:
                    supported.append(number)
                else:
                    problems += [f"[{number}] {p}" for p in verdict.problems]
            results.append(
                StatementCheck(
                    section=section.key,
                    text=statement.text,
                    citations=tuple(statement.citations),
                    supported=tuple(supported),
                    problems=tuple(problems),
                )
            )
    return VerificationReport(tuple(results))


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()
