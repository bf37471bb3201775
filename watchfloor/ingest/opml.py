"""OPML subscription lists: the format feed readers import and export.

Every ``<outline>`` with an ``xmlUrl`` becomes a feed source; the text of the enclosing outline
(a folder such as "Ministries") becomes its description. The file is parsed with defusedxml, so
entity declarations are refused, not expanded.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from watchfloor.errors import ConfigError
from watchfloor.ingest.registry import SourceEntry

__all__ = ["read_opml", "write_opml"]


def read_opml(data: bytes | str, *, where: str = "OPML") -> list[SourceEntry]:
    """The feed sources listed in an OPML document.

    >>> [e.name for e in read_opml('<opml><body><outline text="Port news" '
    ...  'xmlUrl="https://port.example/rss"/></body></opml>')]
    ['Port news']
    """
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        root = safe_et.fromstring(data)
    except DefusedXmlException as exc:
        raise ConfigError(
            f"{where}: refused: the OPML declares entities or a DTD ({exc})"
        ) from None
    except safe_et.ParseError as exc:
        raise ConfigError(f"{where}: not well-formed OPML ({exc})") from None
    if root.tag.lower() != "opml":
        raise ConfigError(f"{where}: not an OPML document (root element <{root.tag}>)")
    body = root.find("body")
    if body is None:
        raise ConfigError(f"{where}: the OPML has no <body>")
    entries: list[SourceEntry] = []
    names: set[str] = set()
    problems: list[str] = []

    def visit(node: Element, folder: str | None) -> None:
        for outline in node.findall("outline"):
            label = (outline.get("title") or outline.get("text") or "").strip()
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            if url:
                name = label or urlsplit(url).hostname or url
                unique, n = name, 2
                while unique in names:  # two feeds of one outlet often share a title
                    unique, n = f"{name} ({n})", n + 1
                names.add(unique)
                item = {
                    "name": unique,
                    "kind": "feed",
                    "url": url,
                    "description": outline.get("description") or folder,
                }
                if outline.get("language"):
                    item["language"] = outline.get("language", "").split("-")[0]
                try:
                    entries.append(SourceEntry.from_dict(item, where=f"{where}: {unique}"))
                except ConfigError as exc:
                    problems.append(exc.message)
            visit(outline, label or folder)

    visit(body, None)
    if problems:
        raise ConfigError("\n  ".join([f"{where}: {len(problems)} bad outline(s)", *problems]))
    return entries


def write_opml(entries: Iterable[SourceEntry], *, title: str = "watchfloor sources") -> str:
    """An OPML document listing the feed sources of ``entries`` (other kinds are left out)."""
    from xml.etree.ElementTree import SubElement, tostring

    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    for entry in entries:
        if entry.method != "feed" or not entry.source.url:
            continue
        attributes = {
            "type": "rss",
            "text": entry.name,
            "title": entry.name,
            "xmlUrl": entry.source.url,
        }
        if entry.source.language:
            attributes["language"] = entry.source.language
        if entry.source.description:
            attributes["description"] = entry.source.description
        SubElement(body, "outline", attributes)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"
