"""Main text and metadata from an HTML page, without running or rendering any of its scripts.

The page is decoded (declared charset checked against the bytes), parsed once with lxml, and
stripped of scripts, styles and hidden widgets. trafilatura then extracts the main text twice: a
precision-leaning run, and a balanced run used when the first one lost too much. The chosen text
is cleaned block by block: the headline repeated at the top, runs of link-only lines (lists of
other stories), prompts to share, subscribe or follow, and back-to-back duplicate paragraphs are
dropped. Metadata comes from trafilatura plus the page's own machine-readable fields (JSON-LD,
``<meta>``, ``<time>``), read as data and never executed.

No rule names a site: every heuristic is generic and was tuned on the odd-numbered half of the
article-extraction benchmark only (``bench/extraction.py`` reports both halves).

>>> page = extract_page(
...     "<html lang='en'><body><article><p>"
...     + "The council said that it will vote on the budget in the spring. " * 4
...     + "</p></article></body></html>"
... )
>>> page.language, page.text[:22]
('en', 'The council said that ')
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from watchfloor.errors import ExtractionError

__all__ = [
    "ExtractSettings",
    "ExtractedPage",
    "ExtractionError",
    "decode_html",
    "detect_language",
    "extract_page",
]


@dataclass(frozen=True)
class ExtractSettings:
    """Knobs of :func:`extract_page`, with the defaults measured on the extraction bench."""

    include_tables: bool = True
    # Use the balanced run instead of the precision run when the precision run kept less than
    # this share of the balanced run's characters: it probably cut part of the article.
    fallback_ratio: float = 0.6
    strip_boilerplate: bool = True
    drop_link_blocks: bool = True
    drop_repeated_headline: bool = True
    dedupe_paragraphs: bool = True
    # The page counts as having no article when the main text is shorter than this, or when
    # no line of it reaches min_paragraph_words (menus and forms come out as short lines).
    min_text_chars: int = 80
    min_paragraph_words: int = 8


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of one page and what the page says about itself."""

    text: str
    title: str | None
    author: str | None
    published: datetime | None  # timezone-aware, UTC
    language: str | None  # ISO 639-1, e.g. "en"
    url: str | None
    description: str | None
    sitename: str | None


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I
)
# Browsers read these labels as windows-1252 (WHATWG Encoding): the bytes 0x80-0x9F are curly
# quotes and dashes there, and control characters in strict ISO-8859-1.
_WINDOWS_1252_ALIASES = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "ascii", "us-ascii"}
)


def decode_html(data: bytes) -> str:
    """Decode page bytes: BOM, then valid UTF-8, then the declared charset, then a guess.

    UTF-8 is tried before the declared charset because pages often declare a legacy charset they
    do not use, and a non-ASCII byte string that happens to be valid UTF-8 is almost never
    anything else.

    >>> decode_html('<meta charset="iso-8859-1"><p>caf\\u00e9</p>'.encode("utf-8"))[-8:]
    'café</p>'
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _DECLARED_CHARSET.search(data[:8192])
    if match:
        label = match.group(1).decode("ascii", errors="ignore").lower()
        if label in _WINDOWS_1252_ALIASES:
            label = "cp1252"
        try:
            return data.decode(label)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(data[:200_000])
        best = matches.best()
        if best is not None and best.encoding:
            # on short Western text several single-byte charsets fit equally well; prefer the
            # one the web actually uses
            tied = {
                match.encoding
                for match in matches
                if match.chaos == best.chaos and match.coherence == best.coherence
            }
            encoding = "cp1252" if "cp1252" in tied else best.encoding
            return data.decode(encoding, errors="replace")
    except ImportError:  # pragma: no cover - charset_normalizer ships with trafilatura's deps
        pass
    return data.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------- parsing and cleaning

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# C0 controls other than tab/newline/return make lxml refuse the whole string
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Elements whose content is never article text; removing them up front guarantees that no
# script source or style sheet can reach the output, whatever the extractor does.
_NEVER_TEXT_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "applet",
    "select",
    "textarea",
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Class names of widgets that pop up over the text (person cards, tooltips); their content is
# pasted into the middle of sentences when the page is read without CSS.
_POPUP_CLASS = re.compile(
    r"^(?:[a-z0-9]+[_-])*(?:tooltip|rollover|popover|hovercard|popup)"
    r"(?:[_-](?:block|card|content|container|wrapper|inner|box|body))?$",
    re.I,
)
# never removed by class: a page template may flag features on these
_STRUCTURAL_TAGS = frozenset({"html", "body", "main", "article"})


def _parse(text: str) -> etree._Element:
    text = _CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        raise ExtractionError("the page is empty")
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"the page could not be parsed as HTML ({exc})") from exc


def _clean_tree(tree: etree._Element) -> None:
    """Remove script-like and hidden elements in place (the tree is ours, parsed from text)."""
    doomed: list[etree._Element] = []
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            doomed.append(element)
            continue
        if tag in _NEVER_TEXT_TAGS:
            doomed.append(element)
            continue
        if element.get("hidden") is not None:
            doomed.append(element)
            continue
        style = element.get("style")
        if style and _HIDDEN_STYLE.search(style):
            doomed.append(element)
            continue
        css_class = element.get("class")
        if (
            css_class
            and tag not in _STRUCTURAL_TAGS
            and any(_POPUP_CLASS.match(name) for name in css_class.split())
        ):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        # keep the tail text, which belongs to the parent, not to the removed element
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


# --------------------------------------------------------------------------- main text

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")

# Short lines that invite the reader somewhere else instead of telling the story. Written as
# generic phrasing, never tied to one site; matched only against short blocks.
_BOILERPLATE_PATTERNS: tuple[str, ...] = (
    # "Related: ...", "Read more > ...", "SEE MORE: ..."
    r"(?:related|read\ more|see\ more|see\ also|more\ on\ this|don'?t\ miss|must\ read"
    r"|also\ read|read\ also|recommended|you\ may\ also\ like|trending|watch|listen|more)"
    r"\s*[:|>]\s*\S.*",
    # a label alone on its line
    r"(?:related\ (?:stories|articles|coverage|content|links)|read\ more|see\ more"
    r"|don'?t\ miss|more\ stories|advertisement|share\ this(?:\ article|\ story|\ post)?"
    r"|share|tweet|email|print|comments?)\W*",
    r"tell\ us\ what\ you\ think.*",
    r".*\b(?:follow|like)\ (?:[\w@.'’-]+\ ){1,3}on"
    r"\ (?:twitter|facebook|instagram|linkedin|youtube)\b.*",
    r".*\b(?:sign\ up|subscribe)\b.*\b(?:newsletters?|inbox|updates|alerts)\b.*",
    r".*\bnewsletters?\b.*\b(?:sign\ up|subscribe|inbox|delivered)\b.*",
    r".*\bdelivered\ (?:to|through|right\ in(?:to)?)\ your\ (?:inbox|letterbox|door)\b.*",
    r".*\ball\ rights\ reserved\b.*",
    r"(?:copyright|©|\(c\))\s.*",
    r"(?:reading\ time|read\ time|tempo\ de\ leitura|tiempo\ de\ lectura|temps\ de\ lecture"
    r"|lesezeit)\W.*",
    r"\d+\ min(?:ute)?s?\ read",
    # teaser tags such as "[VIDEO]" closing a link to another story
    r".*\[(?:video|insight|pictures|photos|gallery|poll|reaction|analysis|latest|live)\]\W*",
)
_BOILERPLATE_LINE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE_PATTERNS), re.I | re.X)
_BOILERPLATE_MAX_WORDS = 40
_LINK_BLOCK_MAX_WORDS = 25
_HEADLINE_WINDOW = 3
_KICKER_MAX_WORDS = 4


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _blocks(body: etree._Element) -> Iterator[etree._Element]:
    """Yield the text blocks of an extracted body: paragraphs, headings, quotes, list items."""
    for child in body:
        if child.tag == "list":
            items = [item for item in child if item.tag == "item"]
            if items:
                yield from items
                continue
        yield child


def _anchor_texts(tree: etree._Element) -> set[str]:
    """Normalised texts of the page's links, to recognise extracted blocks that are only a link."""
    texts = set()
    for anchor in tree.iter("a"):
        norm = _norm(anchor.text_content())
        if norm:
            texts.add(norm)
    return texts


def _remove(block: etree._Element) -> None:
    parent = block.getparent()
    if parent is not None:
        parent.remove(block)
        if parent.tag == "list" and not len(parent) and parent.getparent() is not None:
            parent.getparent().remove(parent)


def _headline_blocks(blocks: list[etree._Element], norms: list[str], title_norm: str) -> set[int]:
    """Indexes of the headline (and kicker, dek) repeated at the top of the extracted text.

    The title is reported on its own, so the body should start with the story itself.
    """
    doomed: set[int] = set()
    window = min(_HEADLINE_WINDOW, len(blocks))
    for i in range(window):
        if title_norm and norms[i] == title_norm:
            doomed.add(i)
    # an <h1> near the top is the page headline whatever its wording; short labels before it
    # are kickers ("Review", "World"), headings right after it are the dek
    for i in range(window):
        if blocks[i].tag == "head" and blocks[i].get("rend") == "h1":
            if all(len(norms[j].split()) <= _KICKER_MAX_WORDS for j in range(i)):
                doomed.update(range(i + 1))
                j = i + 1
                while j < len(blocks) and blocks[j].tag == "head":
                    doomed.add(j)
                    j += 1
            break
    return doomed


def _link_list_blocks(norms: list[str], anchors: set[str]) -> set[int]:
    """Indexes of blocks that are each exactly one link's text and come in a run of two or more.

    A lone link inside prose is usually part of the story; a run of them lists other stories.
    """
    link_only = [
        0 < len(norm.split()) <= _LINK_BLOCK_MAX_WORDS and norm in anchors for norm in norms
    ]
    return {
        i
        for i, is_link in enumerate(link_only)
        if is_link and ((i > 0 and link_only[i - 1]) or (i + 1 < len(norms) and link_only[i + 1]))
    }


def _clean_body(
    body: etree._Element, title: str | None, anchors: set[str], settings: ExtractSettings
) -> None:
    """Drop headline repeats, link lists, boilerplate prompts and back-to-back duplicates."""
    blocks = list(_blocks(body))
    texts = [_SPACES.sub(" ", "".join(block.itertext())).strip() for block in blocks]
    norms = [_norm(text) for text in texts]
    doomed = {i for i, norm in enumerate(norms) if not norm}
    if settings.drop_repeated_headline:
        doomed |= _headline_blocks(blocks, norms, _norm(title) if title else "")
    if settings.drop_link_blocks:
        doomed |= _link_list_blocks(norms, anchors)
    if settings.strip_boilerplate:
        doomed |= {
            i
            for i, (text, norm) in enumerate(zip(texts, norms, strict=True))
            if len(norm.split()) <= _BOILERPLATE_MAX_WORDS and _BOILERPLATE_LINE.fullmatch(text)
        }
    if settings.dedupe_paragraphs:
        # only back-to-back copies: an article may repeat a paragraph further on (recipes,
        # lists), but the same paragraph twice in a row is a desktop/mobile duplicate
        doomed |= {i for i in range(1, len(norms)) if norms[i] and norms[i] == norms[i - 1]}
    for i in sorted(doomed):
        _remove(blocks[i])


def _extract_body(
    tree: etree._Element,
    url: str | None,
    mode: Literal["precision", "balanced"],
    settings: ExtractSettings,
) -> etree._Element | None:
    """One trafilatura run on a copy of ``tree``; its XML body, or ``None`` if it found nothing."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=settings.include_tables,
        # links stay out: with favor_precision, keeping them changes which paragraphs survive
        include_links=False,
        favor_precision=mode == "precision",
        deduplicate=False,
        # both runs may fall back to trafilatura's backup extractors (readability, jusText);
        # fast=True would save ~6 ms/page but leaves weak pages with no second opinion
        fast=False,
    )
    if document is None or document.body is None:  # type: ignore[union-attr]
        return None
    return document.body  # type: ignore[union-attr, no-any-return]


def _body_text(body: etree._Element | None) -> str:
    if body is None:
        return ""
    return xmltotxt(body, False).strip()


def _text_len(body: etree._Element | None) -> int:
    return 0 if body is None else len(_SPACES.sub(" ", "".join(body.itertext())).strip())


def _main_text(
    tree: etree._Element, url: str | None, title: str | None, settings: ExtractSettings
) -> str:
    precise = _extract_body(tree, url, "precision", settings)
    balanced = _extract_body(tree, url, "balanced", settings)
    precise_len = _text_len(precise)
    balanced_len = _text_len(balanced)
    body = precise
    if precise is None or precise_len < settings.fallback_ratio * balanced_len:
        body = balanced
    if body is None:
        return ""
    _clean_body(body, title, _anchor_texts(tree), settings)
    return _body_text(body)


# --------------------------------------------------------------------------- language

# The commonest function words of each language written in Latin script; enough to tell them
# apart on a paragraph. Script alone decides the others. One language a line: "code: words".
_STOPWORD_TABLE = """
en: the and of to in is that for it was on with as are be by this have from at not but has he
    they said were been which will would their its an
es: el la los las de que y en un una por con para es se del al lo como más pero sus su fue ha
    este esta también según entre
pt: o a os as de que e do da em um uma para com não por mais dos das no na se foi ao é são
    pelo pela também já
fr: le la les de des du et est en un une que qui dans pour pas sur au aux avec il elle ce sont
    par plus été cette ont
de: der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es wird
    wurde sind bei nach aus hat
it: il di che e la per un una non sono del della con è gli nel da si le come anche più ha ma
    alla dei delle
"""


def _read_word_table(table: str) -> dict[str, frozenset[str]]:
    """Parse "code: word word ..." lines; indented lines continue the previous language."""
    words: dict[str, set[str]] = {}
    current = ""
    for line in table.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            current, _, line = line.partition(":")
            words[current.strip()] = set()
        words[current.strip()].update(line.split())
    return {code: frozenset(entries) for code, entries in words.items()}


_STOPWORDS = _read_word_table(_STOPWORD_TABLE)
_SCRIPT_SAMPLE_CHARS = 4000
_MIN_STOPWORD_HITS = 3
_CONFIDENT_STOPWORD_HITS = 8
_CONFIDENT_MARGIN = 1.5
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
# (first code point, last code point, script); letters outside every range count as "other"
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x1100, 0x11FF, "hangul"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)
_SCRIPT_LANGUAGE = {"arabic": "ar", "hangul": "ko", "hebrew": "he", "greek": "el"}
# Languages whose writing system is not Latin, for telling a plausible declared language from
# a template default (a Russian page whose text is English was mislabelled, not the reverse).
_NON_LATIN_LANGUAGES = {
    "ar": "arabic",
    "fa": "arabic",
    "ur": "arabic",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "bg": "cyrillic",
    "be": "cyrillic",
    "mk": "cyrillic",
    "kk": "cyrillic",
    "he": "hebrew",
    "el": "greek",
    "zh": "han",
    "ja": "han",
    "ko": "hangul",
}


def _script_of(char: str) -> str | None:
    code = ord(char)
    for first, last, script in _SCRIPT_RANGES:
        if first <= code <= last:
            return script if char.isalpha() else None
    return "other" if char.isalpha() else None


def _script_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for char in text[:_SCRIPT_SAMPLE_CHARS]:
        script = _script_of(char)
        if script is not None:
            counts[script] += 1
    return counts


@dataclass(frozen=True)
class _Guess:
    language: str | None
    script: str | None
    confident: bool


def _guess_language(text: str) -> _Guess:
    counts = _script_counts(text)
    if not counts:
        return _Guess(None, None, False)
    script, letters = counts.most_common(1)[0]
    if script == "other":
        return _Guess(None, None, False)
    if script in ("han", "kana"):
        # Japanese mixes kana into Han text; Chinese has none
        japanese = counts["kana"] >= 0.1 * (counts["han"] + counts["kana"])
        return _Guess("ja" if japanese else "zh", "han", True)
    if script == "cyrillic":
        ukrainian = sum(1 for char in text[:_SCRIPT_SAMPLE_CHARS] if char in _UKRAINIAN_LETTERS)
        return _Guess("uk" if ukrainian >= max(3, 0.01 * letters) else "ru", script, True)
    if script != "latin":
        return _Guess(_SCRIPT_LANGUAGE[script], script, True)
    words = _WORD.findall(text[: _SCRIPT_SAMPLE_CHARS * 2].casefold())
    hits = {lang: sum(1 for word in words if word in stops) for lang, stops in _STOPWORDS.items()}
    ranked = sorted(hits.values(), reverse=True)
    best = max(hits, key=hits.__getitem__)
    if ranked[0] < _MIN_STOPWORD_HITS:
        return _Guess(None, "latin", False)
    confident = ranked[0] >= _CONFIDENT_STOPWORD_HITS and ranked[0] >= _CONFIDENT_MARGIN * ranked[1]
    return _Guess(best, "latin", confident)


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 language of ``text`` from its script and common words, or ``None``.

    Covers en, es, pt, fr, de and it by their commonest words, and ru/uk, ar, zh, ja, ko, he
    and el by script. Cheap by design: it reads at most a few thousand characters.

    >>> detect_language("The minister said that the talks will resume in the spring.")
    'en'
    """
    return _guess_language(text).language


def _declared_language(tree: etree._Element) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value:
            primary = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
            if re.fullmatch(r"[a-z]{2,3}", primary):
                return primary
    return None


def _resolve_language(declared: str | None, text: str) -> str | None:
    """Trust the page's declared language unless its text plainly says otherwise.

    Templates often keep a default ``lang`` whatever the article's language, so a confident
    guess from the text wins when it contradicts the declaration -- but only where the guesser
    could have recognised the declared language: it knows no Indonesian, say, and would call an
    Indonesian page Spanish.
    """
    guess = _guess_language(text)
    if declared is None or guess.language is None or guess.language == declared:
        return guess.language or declared
    declared_script = _NON_LATIN_LANGUAGES.get(declared, "latin")
    if guess.script != declared_script:
        return guess.language if guess.confident else declared
    if guess.script == "latin" and declared in _STOPWORDS and guess.confident:
        return guess.language
    return declared


# --------------------------------------------------------------------------- metadata

_PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
)


def _parse_timestamp(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(
            value.replace("Z", "+00:00") if value.endswith("Z") else value
        )
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.year < 1900:
        return None
    # a timestamp without a zone is taken as UTC: the page gives us nothing better
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _json_ld_values(node: Any, key: str) -> Iterator[Any]:
    if isinstance(node, dict):
        if key in node:
            yield node[key]
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _json_ld_values(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _json_ld_values(value, key)


def _published(tree: etree._Element, fallback_day: str | None) -> datetime | None:
    """Publication time from JSON-LD, then ``<meta>``, then ``<time>``, then trafilatura's day."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for value in _json_ld_values(data, "datePublished"):
            if isinstance(value, str) and (stamp := _parse_timestamp(value)):
                return stamp
    metas: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content
    for key in _PUBLISHED_META_KEYS:
        if key in metas and (stamp := _parse_timestamp(metas[key])):
            return stamp
    for time_element in tree.iterfind(".//time"):
        if (
            time_element.get("itemprop") == "datePublished"
            or time_element.get("pubdate") is not None
        ):
            value = time_element.get("datetime") or time_element.text_content()
            if value and (stamp := _parse_timestamp(value)):
                return stamp
    if fallback_day:
        return _parse_timestamp(fallback_day)
    return None


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


# --------------------------------------------------------------------------- entry point


def _check_is_article(text: str, url: str | None, settings: ExtractSettings) -> None:
    where = f" at {url}" if url else ""
    if len(text) < settings.min_text_chars:
        raise ExtractionError(
            f"no main text found in the page{where}: {len(text)} characters extracted, "
            f"at least {settings.min_text_chars} needed"
        )
    longest = max(len(_WORD.findall(line)) for line in text.splitlines())
    if longest < settings.min_paragraph_words:
        raise ExtractionError(
            f"no main text found in the page{where}: only short lines such as menu items "
            f"(longest {longest} words, a paragraph needs {settings.min_paragraph_words})"
        )


def extract_page(
    html: str | bytes,
    url: str | None = None,
    *,
    settings: ExtractSettings | None = None,
) -> ExtractedPage:
    """Extract the main text and metadata of one HTML page.

    ``html`` may be bytes (decoded with :func:`decode_html`) or text. Nothing in the page is
    executed: scripts are removed before extraction, and JSON-LD blocks are only parsed as JSON.
    Raises :class:`ExtractionError` when the page has no main text.
    """
    settings = settings or ExtractSettings()
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = _parse(text)

    # metadata first: JSON-LD lives in <script> elements, which cleaning removes
    meta = trafilatura.extract_metadata(
        tree,
        default_url=url,
        extensive=False,
        date_config={"original_date": True, "extensive_search": False},
    )
    title = _clean_field(meta.title)
    published = _published(tree, meta.date)
    declared_language = _declared_language(tree)

    _clean_tree(tree)
    body_text = _main_text(tree, url, title, settings)
    _check_is_article(body_text, url, settings)
    return ExtractedPage(
        text=body_text,
        title=title,
        author=_clean_field(meta.author),
        published=published,
        language=_resolve_language(declared_language, body_text),
        url=url or meta.url,
        description=_clean_field(meta.description),
        sitename=_clean_field(meta.sitename),
    )
