"""Main-text extraction: hand-written pages with must/must-not snippets, metadata, charset
handling, language detection, and an accuracy gate on the benchmark's reporting half."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from watchfloor.ingest.extract import (
    ExtractedPage,
    ExtractionError,
    ExtractSettings,
    decode_html,
    detect_language,
    extract_page,
)

REPO = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
BENCHMARK = REPO.parent / "shared" / "corpora" / "article_extraction_benchmark"

# Reached 0.965 (token F1, mean over the 90 reporting-half pages) when the gate was set; the
# floor sits 0.005 below. Raise it when extraction improves; never lower it without saying why.
REPORTING_HALF_F1_FLOOR = 0.960

PARAGRAPH = "The harbour council said that it will vote on the ferry budget in the spring. "


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _article(body: str, head: str = "", lang: str = "en") -> str:
    """A minimal page around ``body``, for tests that need only one feature."""
    return (
        f"<html lang='{lang}'><head><title>Ferry vote</title>{head}</head>"
        f"<body><article>{body}</article></body></html>"
    )


@pytest.fixture(scope="module")
def news_page() -> ExtractedPage:
    return extract_page(_page("news_article.html"))


@pytest.mark.parametrize(
    "snippet",
    [
        "The councils of Westmere and Dunholt signed an agreement on Tuesday",
        "each town will pay for one vessel",
        "said Ilse Varnhout, who leads the Westmere council.",  # popover cut out cleanly
        "Nobody will remember the argument, but they will remember the boat.",
        "The first sailing is planned for the second week of April",
        "The agreement runs for three years and can be renewed",
    ],
)
def test_extract_news_page_keeps_story(news_page: ExtractedPage, snippet: str) -> None:
    assert snippet in news_page.text


@pytest.mark.parametrize(
    "snippet",
    [
        "Weather and tides",  # navigation
        "Search the archive",  # search form
        "Tweet",  # share widget
        "Related: Storm damage",  # teaser line inside the article
        "Volunteer lifeboat crew",  # related-stories list
        "Sign up for our morning newsletter",
        "Follow Maren Oduya on Twitter",
        "COMMENT-CANARY",  # reader comments
        "All rights reserved",  # footer
        "COOKIE-CANARY",  # display:none banner
        "TOOLTIP-CANARY",  # author card that pops up over the byline
        "POPOVER-CANARY",  # person card pasted mid-sentence when read without CSS
        "HIDDEN-CANARY",  # hidden attribute
        "HIDDEN-STYLE-CANARY",  # visibility: hidden
        "HTML-COMMENT-CANARY",
        "JSONLD-CANARY",  # structured data is metadata, not text
    ],
)
def test_extract_news_page_drops_boilerplate(news_page: ExtractedPage, snippet: str) -> None:
    assert snippet not in news_page.text


def test_extract_news_page_starts_with_story_not_headline(news_page: ExtractedPage) -> None:
    assert news_page.text.startswith("The councils of Westmere")
    assert "Harbour towns sign ferry pact" not in news_page.text


@pytest.mark.parametrize(
    "page_name",
    ["news_article.html", "no_article.html"],
)
@pytest.mark.parametrize(
    "canary",
    ["SCRIPT-CANARY", "STYLE-CANARY", "NOSCRIPT-CANARY", "loadAd", "document.write"],
)
def test_extract_script_content_never_in_text(page_name: str, canary: str) -> None:
    # a page without an article may raise; whatever comes out must not carry script text
    try:
        text = extract_page(_page(page_name)).text
    except ExtractionError as error:
        text = str(error)
    assert canary not in text


def test_extract_script_inside_paragraph_is_not_text() -> None:
    body = f"<p>{PARAGRAPH}<script>var hidden = 'INLINE-SCRIPT-CANARY';</script>{PARAGRAPH}</p>"
    page = extract_page(_article(body))
    assert "INLINE-SCRIPT-CANARY" not in page.text
    assert "in the spring. The harbour council" in page.text  # text around it joins up


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", "Harbour towns sign ferry pact after long dispute"),
        ("author", "Maren Oduya"),
        ("published", datetime(2024, 3, 5, 12, 30, tzinfo=UTC)),  # 14:30+02:00
        ("language", "en"),
        ("url", "https://ledger.example.org/news/ferry-pact"),  # canonical link
        ("sitename", "The Coastal Ledger"),
        (
            "description",
            "Two harbour towns agreed to share a ferry service after months of argument "
            "over fares.",
        ),
    ],
)
def test_extract_news_page_metadata(news_page: ExtractedPage, field: str, expected: object) -> None:
    assert getattr(news_page, field) == expected


def test_extract_given_url_wins_over_canonical() -> None:
    page = extract_page(_page("news_article.html"), url="https://mirror.example.net/ferry")
    assert page.url == "https://mirror.example.net/ferry"


def test_extract_page_is_frozen(news_page: ExtractedPage) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        news_page.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("head", "body_extra", "expected"),
    [
        (  # JSON-LD with an offset
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
            '"datePublished": "2023-06-01T23:30:00-04:00"}]}</script>',
            "",
            datetime(2023, 6, 2, 3, 30, tzinfo=UTC),
        ),
        (  # Open Graph article time in UTC
            '<meta property="article:published_time" content="2022-01-09T07:05:00Z">',
            "",
            datetime(2022, 1, 9, 7, 5, tzinfo=UTC),
        ),
        (  # a timestamp without a zone is read as UTC
            '<meta name="pubdate" content="2021-12-24T18:00:00">',
            "",
            datetime(2021, 12, 24, 18, 0, tzinfo=UTC),
        ),
        (  # RFC 2822
            '<meta name="date" content="Tue, 05 Mar 2024 10:00:00 +0100">',
            "",
            datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
        ),
        (  # <time itemprop="datePublished"> in the page
            "",
            '<time itemprop="datePublished" datetime="2020-02-29T12:00:00+05:30">29 Feb</time>',
            datetime(2020, 2, 29, 6, 30, tzinfo=UTC),
        ),
        ("", "", None),
    ],
)
def test_extract_published_time_in_utc(
    head: str, body_extra: str, expected: datetime | None
) -> None:
    page = extract_page(_article(body_extra + f"<p>{PARAGRAPH * 3}</p>", head=head))
    assert page.published == expected
    if page.published is not None:
        assert page.published.utcoffset() is not None


def test_extract_mislabelled_charset_fixture_decodes_as_utf8() -> None:
    page = extract_page(_page("charset_mislabelled.html"))
    assert "El Ministerio de Economía anunció el lunes" in page.text
    assert "Ã" not in page.text  # no mojibake from reading UTF-8 as Latin-1
    assert page.language == "es"
    assert page.published == datetime(2023, 11, 20, 8, 15, tzinfo=UTC)


SPANISH = "Según el ministro, la señal llegó al puerto a las diez de la mañana. "


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # declared Latin-1, bytes are UTF-8
        ((f'<meta charset="iso-8859-1"><p>{SPANISH}</p>').encode(), SPANISH),
        # declared UTF-8, bytes are windows-1252 (curly quotes in 0x80-0x9F)
        (
            ("<meta charset='utf-8'><p>“Señal” – mañana</p>").encode("cp1252"),
            "“Señal” – mañana",
        ),
        # declared Latin-1 and true: read as windows-1252, as browsers do
        (
            (
                '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
                "<p>Zürich</p>"
            ).encode("latin-1"),
            "Zürich",
        ),
        # a legacy multi-byte charset, declared
        (("<meta charset='shift_jis'><p>港の再開</p>").encode("shift_jis"), "港の再開"),
        (("<meta charset='koi8-r'><p>мост открыт</p>").encode("koi8-r"), "мост открыт"),
        # byte-order marks win over everything
        ("\ufeff<p>naïve café</p>".encode("utf-8"), "naïve café"),
        ("<p>naïve café</p>".encode("utf-16"), "naïve café"),
        # nothing declared, not UTF-8
        ("<p>Crème brûlée à la carte</p>".encode("cp1252"), "Crème brûlée à la carte"),
    ],
)
def test_extract_decode_html_table(data: bytes, expected: str) -> None:
    assert expected in decode_html(data)


def test_extract_bytes_with_wrong_declaration_end_to_end() -> None:
    html = _article(f"<p>{SPANISH * 3}</p>", head='<meta charset="windows-1252">', lang="es")
    page = extract_page(html.encode("utf-8"))
    assert "Según el ministro" in page.text


@pytest.mark.parametrize(
    "html",
    [
        _page("no_article.html"),
        b"",
        "   \n  ",
        "<html><body></body></html>",
        "<html><body><p>Short note.</p></body></html>",
        # a menu of links, however long, is not an article
        "<html><body><ul>"
        + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(40))
        + "</ul></body></html>",
    ],
)
def test_extract_no_article_raises(html: str | bytes) -> None:
    with pytest.raises(ExtractionError, match="no main text|empty"):
        extract_page(html)


def test_extract_error_is_value_error_with_url() -> None:
    with pytest.raises(ValueError, match="https://example.org/portal"):
        extract_page(_page("no_article.html"), url="https://example.org/portal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister said that the talks with the unions will resume in the spring.", "en"),
        ("El ministro dijo que las conversaciones con los sindicatos se reanudarán pronto.", "es"),
        ("O ministro disse que as negociações com os sindicatos serão retomadas em breve.", "pt"),
        (
            "Le ministre a dit que les négociations avec les syndicats reprendront au printemps.",
            "fr",
        ),
        (
            "Der Minister sagte, dass die Gespräche mit den Gewerkschaften bald weitergehen.",
            "de",
        ),
        ("Il ministro ha detto che i colloqui con i sindacati riprenderanno in primavera.", "it"),
        ("Министр сказал, что переговоры с профсоюзами возобновятся весной.", "ru"),
        (
            "Міністр сказав, що переговори з профспілками відновляться навесні, і це її рішення.",
            "uk",
        ),
        ("وقال الوزير إن المحادثات مع النقابات ستستأنف في الربيع", "ar"),
        ("部长说，与工会的谈判将在春天恢复。", "zh"),
        ("大臣は、労働組合との交渉は春に再開されると述べた。", "ja"),
        ("장관은 노조와의 협상이 봄에 재개될 것이라고 말했다.", "ko"),
        ("", None),
        ("2024 - 17:45 / 3-1", None),  # no letters
        ("मंत्री ने कहा कि बातचीत वसंत में फिर से शुरू होगी", None),  # a script it does not cover
    ],
)
def test_extract_detect_language_table(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # template says English, text is Russian: the text wins
        (_page("template_lang_mismatch.html"), "ru"),
        # declared and plain: kept, with a region subtag dropped
        (_article(f"<p>{PARAGRAPH * 3}</p>", lang="en-GB"), "en"),
        # declared Indonesian; the guesser knows no Indonesian, so the declaration stands
        (
            _article(
                "<p>"
                + "Pemerintah kota akan membangun jembatan baru di dekat pelabuhan tahun depan, "
                "kata wali kota pada hari Senin. Warga meminta agar jalan kaki tetap aman. "
                * 3
                + "</p>",
                lang="id",
            ),
            "id",
        ),
    ],
)
def test_extract_language_resolution(html: str | bytes, expected: str) -> None:
    assert extract_page(html).language == expected


def test_extract_back_to_back_duplicate_paragraph_dropped() -> None:
    unique = "Ferry crews will rotate between the two piers every week from April onwards."
    body = f"<p>{PARAGRAPH * 2}</p><p>{unique}</p><p>{unique}</p><p>{PARAGRAPH}</p><p>{unique}</p>"
    text = extract_page(_article(body)).text
    # the copy right after is dropped; the later repeat is the author's choice and stays
    assert text.count(unique) == 2


def test_extract_link_list_dropped_but_inline_link_kept() -> None:
    body = (
        f"<p>{PARAGRAPH * 2}The <a href='/ferry'>ferry timetable</a> is online.</p>"
        f"<p>{PARAGRAPH}</p>"
        "<p><a href='/a'>Lifeboat crew marks fifty years of rescues at sea</a></p>"
        "<p><a href='/b'>Fish market moves indoors for the long winter</a></p>"
    )
    text = extract_page(_article(body)).text
    assert "ferry timetable" in text
    assert "Lifeboat crew" not in text
    assert "Fish market" not in text


def test_extract_settings_turn_off_boilerplate_filter() -> None:
    prompt = "Sign up for our morning newsletter to get updates in your inbox."
    html = _article(f"<p>{PARAGRAPH * 2}</p><p>{prompt}</p><p>{PARAGRAPH * 2}</p>")
    assert prompt not in extract_page(html).text
    kept = extract_page(html, settings=ExtractSettings(strip_boilerplate=False)).text
    assert prompt in kept


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_extraction", REPO / "bench" / "extraction.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is being built
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not BENCHMARK.is_dir(), reason=f"needs {BENCHMARK} (../shared is not beside this checkout)"
)
def test_extract_eval_gate_reporting_half() -> None:
    bench = _load_bench()
    pages = bench.select_half(bench.load_pages(BENCHMARK), "reporting")
    assert len(pages) == 90
    scores = bench.evaluate(bench.watchfloor_extractor, pages)
    assert scores.f1 >= REPORTING_HALF_F1_FLOOR, (
        f"reporting-half F1 fell to {scores.f1:.4f} (floor {REPORTING_HALF_F1_FLOOR}); "
        "run bench/extraction.py --worst 10"
    )
