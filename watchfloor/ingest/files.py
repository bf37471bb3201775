"""Articles from local files: JSONL, CSV and plain text.

Every record is validated before anything is stored, so a bad file either stores nothing (and
names each bad line) or, with ``skip_bad``, stores the good records and reports the bad ones.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchfloor.errors import InputFileError, InputProblem
from watchfloor.ingest.dedup import canonical_url
from watchfloor.records import Article, Document, content_hash, stable_id

__all__ = [
    "ARTICLE_FIELDS",
    "FileBatch",
    "parse_field_map",
    "read_article_file",
    "read_documents",
]

ARTICLE_FIELDS = ("id", "title", "text", "date", "source", "url", "language")
MAX_TEXT_CHARS = 2_000_000  # a single article larger than this is hostile or a mistake
_LANGUAGE_CODES = 2, 3
_MISSING = frozenset({"nan", "null", "none", "n/a", "na", "nat"})


@dataclass
class FileBatch:
    """The good articles of one file, and the problems found in the bad ones."""

    path: str
    articles: list[Article] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)

    def raise_if_bad(self) -> None:
        if self.problems:
            raise InputFileError(self.problems)


def parse_field_map(pairs: list[str] | None) -> dict[str, str]:
    """Turn ``["text=content", "date=published"]`` into ``{"text": "content", ...}``."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, column = pair.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise InputFileError(
                [InputProblem("--map", None, f"expected field=column, got {pair!r}")]
            )
        if name not in ARTICLE_FIELDS:
            raise InputFileError(
                [
                    InputProblem(
                        "--map",
                        None,
                        f"unknown field {name!r}; fields are {', '.join(ARTICLE_FIELDS)}",
                    )
                ]
            )
        mapping[name] = column
    return mapping


def read_article_file(
    path: str | os.PathLike[str],
    *,
    field_map: Mapping[str, str] | None = None,
    source: str | None = None,
) -> FileBatch:
    """Read and validate every record of a JSONL, CSV or text file (``.jsonl .json .csv .txt``)."""
    path = Path(path)
    batch = FileBatch(path=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        batch.problems.append(InputProblem(str(path), None, f"cannot read file: {exc.strerror}"))
        return batch
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        batch.problems.append(
            InputProblem(str(path), None, f"not UTF-8 text (byte {exc.start}): convert it first")
        )
        return batch
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        records: Iterator[tuple[int, dict[str, Any] | str]] = _jsonl_records(content)
    elif suffix in {".csv", ".tsv"}:
        records = _csv_records(content, delimiter="\t" if suffix == ".tsv" else ",")
    elif suffix in {".txt", ".text", ".md"}:
        records = iter([(1, {"id": path.stem, "text": content})])
    else:
        batch.problems.append(
            InputProblem(str(path), None, f"unknown file type {suffix!r}: use .jsonl, .csv or .txt")
        )
        return batch
    mapping = {name: (field_map or {}).get(name, name) for name in ARTICLE_FIELDS}
    for line, record in records:
        if isinstance(record, str):
            batch.problems.append(InputProblem(str(path), line, record))
            continue
        try:
            batch.articles.append(_article_from_record(record, mapping, source))
        except ValueError as exc:
            batch.problems.append(InputProblem(str(path), line, str(exc)))
    if not batch.articles and not batch.problems:
        batch.problems.append(InputProblem(str(path), None, "no records found"))
    return batch


def read_documents(path: str | Path) -> Iterator[Document]:
    """Stream documents ``{id, text, date?, title?, source?, url?}`` from a JSONL file.

    Raises ``InputFileError`` naming the first bad line (the stateless ``watchfloor code`` path
    must not silently drop input).
    """
    path = Path(path)
    mapping = {name: name for name in ARTICLE_FIELDS}
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        problem = InputProblem(str(path), None, f"cannot read file: {exc.strerror}")
        raise InputFileError([problem]) from None
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    [InputProblem(str(path), line_no, f"malformed JSON: {exc.msg}")]
                ) from None
            if not isinstance(record, dict):
                raise InputFileError(
                    [InputProblem(str(path), line_no, "each line must be a JSON object")]
                )
            try:
                article = _article_from_record(record, mapping, None)
            except ValueError as exc:
                raise InputFileError([InputProblem(str(path), line_no, str(exc))]) from None
            yield article.as_document()


def _jsonl_records(content: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    stripped = content.lstrip()
    if stripped.startswith("["):  # a JSON array of records is accepted too
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            yield exc.lineno, f"malformed JSON: {exc.msg}"
            return
        for index, item in enumerate(data, start=1):
            yield index, item if isinstance(item, dict) else "each record must be a JSON object"
        return
    for line_no, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield line_no, f"malformed JSON: {exc.msg} (column {exc.colno})"
            continue
        yield line_no, record if isinstance(record, dict) else "each line must be a JSON object"


def _csv_records(content: str, *, delimiter: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    csv.field_size_limit(MAX_TEXT_CHARS + 1)
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if None in row:
                yield reader.line_num, "more values than columns in the header"
                continue
            yield reader.line_num, {k: (v if v != "" else None) for k, v in row.items()}
    except csv.Error as exc:
        yield reader.line_num, f"malformed CSV: {exc}"


def _article_from_record(
    record: Mapping[str, Any], mapping: Mapping[str, str], default_source: str | None
) -> Article:
    def get(name: str) -> Any:
        value = record.get(mapping[name])
        if isinstance(value, str):
            value = value.strip()
            # spreadsheet and DataFrame exports write missing values as words
            return None if not value or value.casefold() in _MISSING else value
        if isinstance(value, float) and value != value:  # NaN from a JSON export
            return None
        return value

    text = get("text")
    if text is None:
        column = mapping["text"]
        hint = "" if column in record else f" (no {column!r} column; use --map text=COLUMN)"
        raise ValueError(f"missing text{hint}")
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    for name in ("id", "title", "source", "url", "language"):
        value = get(name)
        if value is not None and not isinstance(value, str | int):
            raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    published = None
    raw_date = get("date")
    if raw_date is not None:
        from watchfloor.coding.dates import parse_published

        try:
            published = parse_published(str(raw_date))
        except ValueError as exc:
            raise ValueError(f"bad date {raw_date!r}: {exc}") from None
    language = get("language")
    if language is not None:
        language = str(language).lower().replace("_", "-").split("-")[0]
        if not language.isalpha() or len(language) not in _LANGUAGE_CODES:
            raise ValueError(f"bad language {get('language')!r}: use an ISO 639 code like 'en'")
    else:
        from watchfloor.ingest.extract import detect_language

        language = detect_language(text)
    url = get("url")
    curl = canonical_url(str(url)) if url else None
    given_id = get("id")
    article_id = (
        str(given_id)
        if given_id is not None
        else stable_id(curl or content_hash(text), prefix="a-")
    )
    return Article(
        id=article_id,
        text=text,
        title=get("title"),
        published_at=published,
        source=get("source") or default_source,
        url=str(url) if url else None,
        canonical_url=curl,
        language=language,
        kind=record.get("kind") if isinstance(record.get("kind"), str) else None,
    )
