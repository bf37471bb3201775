"""The ``watchfloor`` command line: a thin layer over ``watchfloor.api`` with the same names."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from watchfloor import __version__
from watchfloor.errors import WatchfloorError

app = typer.Typer(
    name="watchfloor",
    help="Turn the news into sourced, structured intelligence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)  # messages name files: never wrap them
out = Console()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="WATCHFLOOR_DB",
        help="Store location (DuckDB file). Default: ./watchfloor.duckdb",
        show_default=False,
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]


def _open(db: str | None):  # noqa: ANN202 - returns api.Watchfloor, imported lazily for speed
    from watchfloor.api import Watchfloor

    return Watchfloor(db)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"watchfloor {__version__}")
        raise typer.Exit()


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="JSONL, CSV or text files of articles, or http(s) feed/page URLs."),
    ],
    db: DbOption = None,
    field_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="field=column for differently named columns, e.g. text=content"),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for records without one.")] = None,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Store the good records of a bad file; report the rest."),
    ] = False,
    code: Annotated[bool, typer.Option("--code/--no-code", help="Code new articles.")] = True,
) -> None:
    """Store articles from files (each file atomically) or URLs, and code the new ones."""
    from watchfloor.ingest.files import parse_field_map

    mapping = parse_field_map(field_map)
    with _open(db) as wf, _progress() as progress:
        task = progress.add_task("reading files", total=len(paths))
        report = wf.ingest(
            [str(p) for p in paths],
            field_map=mapping,
            source=source,
            skip_bad=skip_bad,
            code=False,
            progress=lambda n: progress.advance(task, n),
        )
        for file in report.files:
            for problem in file.problems:
                err.print(f"[red]{'error' if file.failed else 'skipped'}[/red] {problem}")
            status = (
                "FAILED, nothing stored"
                if file.failed
                else (
                    f"{file.stored} stored, {file.duplicates} duplicate(s)"
                    + (f", {len(file.problems)} bad record(s) skipped" if file.problems else "")
                )
            )
            err.print(f"{file.path}: {status}")
        if code:
            pending = progress.add_task("coding", total=None)
            articles, events = wf.code_pending(progress=lambda n: progress.advance(pending, n))
            err.print(f"coded {articles} article(s): {events} event(s)")
    if report.failed:
        err.print(
            "[red]Some files were not stored; use --skip-bad to keep their good records.[/red]"
        )
        raise typer.Exit(1)


@app.command("code")
def code_command(
    input: Annotated[
        Path, typer.Argument(help="JSONL of {id, text, date?, title?, source?, url?}")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write event JSONL; - for stdout")
    ] = Path("-"),
    workers: Annotated[int, typer.Option(help="Processes to use.")] = 1,
    coder: Annotated[str | None, typer.Option(help="Registered coder name.")] = None,
) -> None:
    """Code documents into event records, one JSON object per line. Needs no store."""
    from watchfloor.api import code_documents
    from watchfloor.ingest.files import read_documents

    target = sys.stdout if str(output) == "-" else None
    tmp = output.with_name(output.name + ".partial") if target is None else None
    n_docs = n_events = 0
    handle = target or tmp.open("w", encoding="utf-8")  # type: ignore[union-attr]
    try:
        with _progress() as progress:
            task = progress.add_task("coding", total=None)
            for _doc, events in code_documents(read_documents(input), coder=coder, workers=workers):
                for event in events:
                    handle.write(event.to_json() + "\n")
                n_docs += 1
                n_events += len(events)
                progress.advance(task)
    except BaseException:
        if tmp is not None:
            handle.close()
            tmp.unlink(missing_ok=True)
        raise
    if tmp is not None:
        handle.close()
        tmp.replace(output)  # the output appears whole or not at all
    err.print(f"{n_docs} document(s), {n_events} event(s)")


@app.command()
def events(
    db: DbOption = None,
    actor: Annotated[
        list[str] | None, typer.Option(help="Actor code or prefix (RUS, USAGOV).")
    ] = None,
    recipient: Annotated[list[str] | None, typer.Option(help="Recipient code or prefix.")] = None,
    event_type: Annotated[list[str] | None, typer.Option("--type", help="PLOVER type(s).")] = None,
    since: Annotated[str | None, typer.Option(help="First event date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last event date, YYYY-MM-DD.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    fmt: Format = "table",
) -> None:
    """Query stored events."""
    with _open(db) as wf:
        found = wf.events(
            actors=_split(actor),
            recipients=_split(recipient),
            event_types=_split(event_type),
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            limit=limit,
        )
    if fmt == "json":
        for event in found:
            sys.stdout.write(event.to_json() + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "id",
                "date",
                "actor",
                "event_type",
                "mode",
                "cameo",
                "recipient",
                "modality",
                "claim_stance",
                "claim_by",
                "goldstein",
                "quad_class",
                "fatalities",
                "location",
                "doc_id",
                "sentence",
            ]
        )
        for e in found:
            writer.writerow(
                [
                    e.id,
                    e.date,
                    ";".join(e.actor_codes),
                    e.event_type,
                    e.mode,
                    e.cameo,
                    ";".join(e.recipient_codes),
                    e.modality,
                    e.claim.stance if e.claim else "",
                    e.claim.by.code if e.claim else "",
                    e.goldstein,
                    e.quad_class,
                    e.fatalities,
                    e.location.name if e.location else "",
                    e.doc_id,
                    e.sentence,
                ]
            )
    elif fmt == "table":
        table = Table("date", "actor", "type", "recipient", "modality", "claim", "sentence")
        for e in found:
            claim = f"{e.claim.stance} by {e.claim.by.code}" if e.claim else ""
            table.add_row(
                str(e.date or ""),
                ";".join(e.actor_codes),
                e.event_type,
                ";".join(e.recipient_codes),
                e.modality,
                claim,
                e.sentence[:90],
            )
        out.print(table)
        err.print(f"{len(found)} event(s)")
    else:
        raise typer.BadParameter(
            f"unknown format {fmt!r}: use table, json or csv", param_hint="--format"
        )


# -- brief and ask (section maintained with watchfloor/brief) ------------------------------------
@app.command()
def brief(
    db: DbOption = None,
    actor: Annotated[
        list[str] | None, typer.Option(help="Actor code or prefix (RUS, USAGOV).")
    ] = None,
    dyad: Annotated[
        list[str] | None, typer.Option(help="Actor pair, either direction, e.g. USA-VEN.")
    ] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Indicator id(s) to cover.")] = None,
    topic: Annotated[str | None, typer.Option(help="Full-text query the brief is about.")] = None,
    since: Annotated[str | None, typer.Option(help="Window start, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Window end, YYYY-MM-DD.")] = None,
    style: Annotated[str, typer.Option(help="analyst (nine sections) or explainer.")] = "analyst",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write to this file.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown, html or json")] = "markdown",
    remember: Annotated[
        bool,
        typer.Option("--remember/--no-remember", help="Store the brief for the next comparison."),
    ] = True,
) -> None:
    """Write a verified briefing on a scope (actors, dyads, indicators, topic) and window."""
    from watchfloor.brief.render import RENDERERS

    if fmt not in RENDERERS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}: use markdown, html or json", param_hint="--format"
        )
    if style not in ("analyst", "explainer"):
        raise typer.BadParameter(
            f"unknown style {style!r}: use analyst or explainer", param_hint="--style"
        )
    with _open(db) as wf:
        result = wf.brief(
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            actors=_split(actor),
            dyads=_split(dyad),
            indicators=_split(indicator),
            topic=topic,
            style=style,
            remember=remember,
        )
    text = RENDERERS[fmt](result)
    sys.stdout.write(text + "\n")
    if output:
        output.write_text(text, encoding="utf-8")
    verification = getattr(result, "verification", {})
    if verification:
        err.print(
            f"{verification['kept']} of {verification['checked']} cited sentences passed the "
            f"citation check; {verification['dropped']} left out"
        )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question, in quotes.")],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Evidence from this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Evidence up to this day, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Answer a question from the claims ledger and the events, with citations and confidence."""
    from watchfloor.brief.ask import render_answer

    with _open(db) as wf:
        answer = wf.ask(
            question, since=_parse_day(since, "--since"), until=_parse_day(until, "--until")
        )
    if as_json:
        text = json.dumps(answer.to_dict(), ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(text + "\n")
    else:
        sys.stdout.write(render_answer(answer) + "\n")


# -- end of the brief and ask section --------------------------------------------------------------


@app.command()
def stats(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Counts of sources, articles, duplicates and events, by source and language."""
    with _open(db) as wf:
        counts = wf.stats()
    if as_json:
        sys.stdout.write(json.dumps(counts, indent=2) + "\n")
        return
    for key in ("sources", "articles", "duplicates", "near_duplicates", "coded_articles", "events"):
        if key in counts:
            out.print(f"{key:>15}: {counts[key]}")
    table = Table("source", "articles", "events")
    for name, row in counts["by_source"].items():
        table.add_row(name, str(row["articles"]), str(row["events"]))
    out.print(table)


@app.command()
def demo(
    db: Annotated[
        Path, typer.Option("--db", help="Where to build the demo store (replaced).")
    ] = Path("watchfloor-demo.duckdb"),
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the briefing.")
    ] = Path("watchfloor-demo-brief.md"),
) -> None:
    """Build a fresh store from the bundled demo corpus, code it, and write a briefing."""
    from watchfloor.api import Watchfloor, demo_articles_path, demo_sources
    from watchfloor.brief.render import render_markdown

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Watchfloor(db) as wf, _progress() as progress:
        wf.add_sources(demo_sources())
        report = wf.ingest([demo_articles_path()], code=False)
        task = progress.add_task("coding the demo corpus", total=report.stored)
        articles, n_events = wf.code_pending(progress=lambda n: progress.advance(task, n))
        text = render_markdown(wf.brief())
    output.write_text(text, encoding="utf-8")
    sys.stdout.write(text + "\n")
    err.print(
        f"demo: {report.stored} articles stored in {db}, {articles} coded, {n_events} events; "
        f"briefing written to {output}"
    )


# -- sources, watch, extract (ingest/registry.py, watch.py, pages.py) --------------------------
sources_app = typer.Typer(help="The source registry: feeds, pages and index pages to follow.")
app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="Source name (unique).")],
    url: Annotated[str, typer.Argument(help="Feed, page or index URL.")],
    db: DbOption = None,
    kind: Annotated[str, typer.Option(help="feed, page, index, or what the outlet is.")] = "feed",
    fetch: Annotated[
        str | None, typer.Option(help="feed, page or index, when --kind describes the outlet.")
    ] = None,
    follow: Annotated[
        str | None, typer.Option(help="Index pages: regex the article links must match.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-3.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1, e.g. en.")] = None,
    interval: Annotated[str, typer.Option(help="Poll interval: seconds, or 15m, 2h.")] = "15m",
    reliability: Annotated[str, typer.Option(help="Admiralty grade A-F.")] = "F",
    state_affiliated: Annotated[
        bool, typer.Option("--state-affiliated/--independent", help="State-affiliated outlet?")
    ] = False,
    fetch_articles: Annotated[
        str, typer.Option(help="Feeds: fetch linked pages: auto, always or never.")
    ] = "auto",
) -> None:
    """Register (or replace) one source."""
    from watchfloor.ingest.registry import SourceEntry

    data = {
        "name": name,
        "url": url,
        "kind": kind,
        "fetch": fetch,
        "follow": follow,
        "country": country,
        "language": language,
        "poll_interval": interval,
        "reliability": reliability,
        "state_affiliated": state_affiliated,
        "fetch_articles": fetch_articles,
    }
    entry = SourceEntry.from_dict({k: v for k, v in data.items() if v is not None}, where=name)
    with _open(db) as wf:
        wf.add_sources([entry])
    err.print(f"source {name!r} registered ({entry.method or 'not polled'}, {url})")


@sources_app.command("list")
def sources_list(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """The registered sources and their grades."""
    with _open(db) as wf:
        entries = wf.sources()
    if as_json:
        sys.stdout.write(json.dumps([e.to_dict() for e in entries], indent=2) + "\n")
        return
    table = Table("name", "kind", "fetch", "url", "country", "lang", "grade", "state", "every")
    for e in entries:
        s = e.source
        table.add_row(
            e.name,
            s.kind,
            e.method or "-",
            s.url or "",
            s.country or "",
            s.language or "",
            s.reliability,
            "yes" if s.state_affiliated else "",
            f"{s.poll_interval_s // 60}m",
        )
    out.print(table)


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Forget a source (its stored articles stay)."""
    with _open(db) as wf:
        removed = wf.remove_source(name)
    if not removed:
        err.print(f"[red]no source named {name!r}[/red]")
        raise typer.Exit(1)
    err.print(f"source {name!r} removed")


@sources_app.command("status")
def sources_status(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Health of each source: last success, last error, consecutive failures, next poll."""
    with _open(db) as wf:
        rows = wf.source_status()
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("name", "health", "last success", "failures", "last error", "next poll", "stored")
    for r in rows:
        colour = {"ok": "green", "failing": "red"}.get(r["health"], "yellow")
        table.add_row(
            r["name"],
            f"[{colour}]{r['health']}[/{colour}]",
            r["last_success"] or "",
            str(r["consecutive_failures"]),
            (r["last_error"] or "")[:70],
            r["next_due"] or "",
            str(r["items_stored"]),
        )
    out.print(table)


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="Registry YAML, or OPML from a feed reader.")],
    db: DbOption = None,
) -> None:
    """Register every source of a file (all or none); existing names are replaced."""
    with _open(db) as wf:
        count = wf.import_sources(file)
    err.print(f"{count} source(s) imported from {file}")


@sources_app.command("export")
def sources_export(
    db: DbOption = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml or opml")] = "yaml",
) -> None:
    """Write the registry as YAML (to keep in version control) or the feeds as OPML."""
    if fmt not in ("yaml", "opml"):
        raise typer.BadParameter(f"unknown format {fmt!r}: use yaml or opml", param_hint="--format")
    with _open(db) as wf:
        text = wf.export_sources(fmt=fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"registry written to {output}")


@app.command()
def watch(
    db: DbOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over the due sources, then exit.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Poll every source now, due or not.")
    ] = False,
    code: Annotated[bool, typer.Option("--code/--no-code", help="Code new articles.")] = True,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON report per pass on stdout.")
    ] = False,
) -> None:
    """Poll the registered sources, store and code new articles; stop with Ctrl-C or SIGTERM."""

    def show(report) -> None:  # noqa: ANN001 - ingest.watch.PassReport, imported lazily
        if as_json:
            sys.stdout.write(json.dumps(report.to_dict()) + "\n")
            sys.stdout.flush()
        for item in report.sources:
            if item.status == "failed":
                err.print(f"[red]{item.name}[/red]: {item.error}", highlight=False)
            for warning in item.warnings:
                err.print(f"[yellow]{item.name}[/yellow]: {warning}", highlight=False)
        err.print(report.summary(), highlight=False)

    with _open(db) as wf:
        reports = wf.watch(once=once, force=force, code=code, names=_split(source), on_pass=show)
    if reports and reports[-1].stopped:
        err.print("stopped")


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="A URL, an HTML file, or - for HTML on stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Print the text and metadata ingestion would store for a page. Needs no store."""
    from watchfloor.ingest.pages import extract_target
    from watchfloor.settings import load_settings

    page = extract_target(target, load_settings())
    meta = {
        "title": page.title,
        "author": page.author,
        "published": page.published.isoformat() if page.published else None,
        "language": page.language,
        "url": page.url,
        "sitename": page.sitename,
        "description": page.description,
    }
    if as_json:
        document = {**meta, "text": page.text}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    for key, value in meta.items():
        if value:
            sys.stdout.write(f"{key}: {value}\n")
    sys.stdout.write("\n" + page.text + "\n")


# -- claims, stories, corrections (analysis/claims.py, stories.py, corrections.py) -------------
def _check_format(fmt: str) -> None:
    if fmt not in {"table", "json", "csv"}:
        raise typer.BadParameter(
            f"unknown format {fmt!r}: use table, json or csv", param_hint="--format"
        )


@app.command()
def claims(
    db: DbOption = None,
    actor: Annotated[list[str] | None, typer.Option(help="Actor code or prefix (RUS).")] = None,
    recipient: Annotated[list[str] | None, typer.Option(help="Recipient code or prefix.")] = None,
    since: Annotated[str | None, typer.Option(help="First event date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last event date, YYYY-MM-DD.")] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(help="reported, unconfirmed, denied, disputed, confirmed, retracted."),
    ] = None,
    family: Annotated[list[str] | None, typer.Option(help="Action family (withdraw...).")] = None,
    all_claims: Annotated[
        bool, typer.Option("--all", help="Also list claims only ever stated as fact.")
    ] = False,
    fmt: Format = "table",
) -> None:
    """The claims ledger: who claims, denies, confirms or retracts what, and its status."""
    _check_format(fmt)
    with _open(db) as wf:
        found = wf.claims(
            actors=_split(actor),
            recipients=_split(recipient),
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            statuses=_split(status),
            families=_split(family),
            all_claims=all_claims,
        )
    if fmt == "json":
        for claim in found:
            sys.stdout.write(json.dumps(claim.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        from watchfloor.analysis.claims import claims_frame

        claims_frame(found).to_csv(sys.stdout, index=False)
    else:
        table = Table("id", "status", "claim", "dates", "stances", "toll")
        for c in found:
            counts: dict[str, int] = {}
            for s in c.stances:
                counts[s.stance] = counts.get(s.stance, 0) + 1
            dates = f"{c.first_date or '?'}..{c.last_date or '?'}"
            toll = str(c.fatalities[-1].figure) if c.fatalities else ""
            stances = ", ".join(f"{n} {k}" for k, n in counts.items())
            table.add_row(c.id, c.status, c.summary, dates, stances, toll)
        out.print(table)
        err.print(f"{len(found)} claim(s)")


@app.command()
def stories(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Window start, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Window end, YYYY-MM-DD.")] = None,
    article: Annotated[
        str | None, typer.Option(help="Show this article's story and the stories related to it.")
    ] = None,
    min_articles: Annotated[int, typer.Option(help="Only stories with this many articles.")] = 1,
    fmt: Format = "table",
) -> None:
    """Stories: articles about the same happening, grouped across sources and days."""
    _check_format(fmt)
    with _open(db) as wf:
        found = wf.stories(
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            article_ids=[article] if article else (),
            min_articles=min_articles,
        )
        related = wf.related_stories(article) if article else []
    if fmt == "json":
        for story in found:
            sys.stdout.write(json.dumps(story.to_dict(), ensure_ascii=False) + "\n")
        for rel in related:
            sys.stdout.write(json.dumps({"related": rel.to_dict()}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        from watchfloor.analysis.stories import stories_frame

        frame = stories_frame([*found, *(r.story for r in related)])
        relation = ["story"] * len(found) + [f"related {r.score:.2f}" for r in related]
        frame.insert(1, "relation", relation)
        frame.to_csv(sys.stdout, index=False)
    else:
        table = Table("id", "title", "span", "articles", "sources", "events")
        for s in found:
            span = (
                f"{s.first_seen:%Y-%m-%d}..{s.last_seen:%Y-%m-%d}"
                if s.first_seen and s.last_seen
                else ""
            )
            table.add_row(
                s.id,
                s.title,
                span,
                str(len(s.article_ids)),
                "; ".join(s.sources),
                str(len(s.event_ids)),
            )
        out.print(table)
        if related:
            more = Table("related story", "title", "score", "why")
            for r in related:
                more.add_row(r.story.id, r.story.title, f"{r.score:.2f}", r.reason)
            out.print(more)
        err.print(f"{len(found)} story(ies)")


def _changes(pairs: list[str] | None) -> dict[str, object]:
    changes: dict[str, object] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{pair!r} is not field=value", param_hint="--set")
        name = name.strip()
        if name in {"actor", "recipient", "add", "remove"}:
            changes[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            changes[name] = value.strip() or None
    return changes


@app.command()
def correct(
    target: Annotated[str | None, typer.Argument(help="Id of the event, claim or story.")] = None,
    db: DbOption = None,
    kind: Annotated[str, typer.Option(help="event, claim or story.")] = "event",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="field=value to correct, e.g. event_type=ACCUSE, actor=RUSGOV."),
    ] = None,
    confirm: Annotated[bool, typer.Option("--confirm", help="The target stands as coded.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Drop the target downstream.")] = False,
    comment: Annotated[str | None, typer.Option(help="Attach a comment.")] = None,
    why: Annotated[str, typer.Option(help="The reason, kept in the audit trail.")] = "",
    analyst: Annotated[
        str | None,
        typer.Option(envvar="WATCHFLOOR_ANALYST", help="Who is acting (default: $USER)."),
    ] = None,
    show: Annotated[bool, typer.Option("--list", help="Print the audit trail.")] = False,
    export: Annotated[
        Path | None, typer.Option(help="Write corrections as labelled JSONL to this file.")
    ] = None,
    export_kind: Annotated[
        list[str] | None, typer.Option(help="Kinds to export (default: event).")
    ] = None,
) -> None:
    """Comment on, confirm, correct or reject an event, claim or story; list or export the trail."""
    import getpass

    with _open(db) as wf:
        if export is not None:
            n = wf.export_corrections(export, kinds=_split(export_kind) or ["event"])
            err.print(f"{n} labelled record(s) written to {export}")
            return
        if show:
            for c in wf.corrections(target_id=target):
                sys.stdout.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            return
        if target is None:
            raise typer.BadParameter("name the event, claim or story", param_hint="TARGET")
        changes = _changes(set_)
        actions = (
            ("confirm", confirm),
            ("reject", reject),
            ("comment", comment is not None),
            ("correct", bool(changes)),
        )
        chosen = [name for name, wanted in actions if wanted]
        if len(chosen) != 1:
            raise typer.BadParameter("give exactly one of --set, --confirm, --reject, --comment")
        who = analyst or getpass.getuser()
        if chosen[0] == "comment":
            done = wf.comment(target, comment or "", kind=kind, analyst=who)
        else:
            done = wf.correct(
                target, kind=kind, action=chosen[0], changes=changes or None, analyst=who, why=why
            )
    sys.stdout.write(json.dumps(done.to_dict(), ensure_ascii=False) + "\n")


# -- end of the claims, stories and corrections section ----------------------------------------


# -- dyads, escalation, indicators, forecasts, alerts (analysis/dyads.py ... alerts.py) -------
ARROW_MARKS = {
    "deteriorated": "▲ deteriorated",
    "improved": "▼ improved",
    "unchanged": "= unchanged",
}
ActorSetOption = Annotated[
    list[str] | None,
    typer.Option(help="Actor set: RUS* (all sectors), RUSMIL (one), RUS*,BLR* (several)."),
]


def _say(text: str) -> None:
    """Plain text on stdout: no markup (evidence has [brackets]), no hard wraps (copyable)."""
    out.print(text, highlight=False, markup=False, soft_wrap=True)


def _actor_sets(values: list[str] | None) -> list[str] | None:
    # Repeated options and commas both separate sets: --source RUS* --source USA* == RUS*,USA*
    found = _split(values)
    return found or None


@app.command()
def dyads(
    db: DbOption = None,
    source: ActorSetOption = None,
    target: ActorSetOption = None,
    level: Annotated[str, typer.Option(help="Without sets: pair countries or codes.")] = "country",
    by: Annotated[str, typer.Option("--by", help="day or week")] = "week",
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many dyads.")] = 20,
    top: Annotated[int, typer.Option(help="Most intense events shown per dyad.")] = 3,
    fmt: Format = "table",
) -> None:
    """Directed dyads: events by quad class, Goldstein and PLOVER sums and means, by day or week."""
    _check_format(fmt)
    with _open(db) as wf:
        found = wf.dyads(
            source=_actor_sets(source),
            target=_actor_sets(target),
            level=level,
            granularity=by,
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            limit=limit,
            top=top,
        )
    if fmt == "json":
        for dyad in found:
            sys.stdout.write(json.dumps(dyad.to_dict(), ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "source",
                "target",
                "period",
                "events",
                "verbal_coop",
                "material_coop",
                "verbal_conflict",
                "material_conflict",
                "goldstein_sum",
                "goldstein_mean",
                "plover_sum",
                "plover_mean",
            ]
        )
        for d in found:
            for p in d.points:
                writer.writerow(
                    [
                        d.source,
                        d.target,
                        p.period,
                        p.events,
                        p.verbal_coop,
                        p.material_coop,
                        p.verbal_conflict,
                        p.material_conflict,
                        p.goldstein_sum,
                        p.goldstein_mean,
                        p.plover_sum,
                        p.plover_mean,
                    ]
                )
        return
    table = Table(
        "dyad",
        "events",
        "q1 q2 q3 q4",
        "goldstein Σ/mean",
        "plover Σ/mean",
        f"events by {by} (last 12)",
        "most intense",
    )
    for d in found:
        t = d.total
        quads = f"{t.verbal_coop} {t.material_coop} {t.verbal_conflict} {t.material_conflict}"
        series = " ".join(str(p.events) for p in d.points[-12:])
        table.add_row(
            f"{d.source} → {d.target}",
            str(t.events),
            quads,
            f"{t.goldstein_sum:g} / {t.goldstein_mean or 0:.2f}",
            f"{t.plover_sum:g} / {t.plover_mean or 0:.2f}",
            series,
            escape(d.top_events[0].summary()) if d.top_events else "",
        )
    out.print(table)
    err.print(
        f"{len(found)} dyad(s); q1..q4: verbal coop, material coop, verbal conflict, "
        "material conflict; PLOVER intensity scale in docs/analysis.md"
    )


@app.command()
def escalation(
    db: DbOption = None,
    source: ActorSetOption = None,
    target: ActorSetOption = None,
    level: Annotated[str, typer.Option(help="Without sets: pair countries or codes.")] = "country",
    as_of: Annotated[str | None, typer.Option(help="Last day of the recent window.")] = None,
    recent_days: Annotated[int | None, typer.Option(help="Recent window (settings).")] = None,
    baseline_days: Annotated[int | None, typer.Option(help="Baseline (settings).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many dyads.")] = 20,
    fmt: Format = "table",
) -> None:
    """What is escalating: each dyad's recent window against its baseline, with the formula."""
    _check_format(fmt)
    query = {
        "source": _actor_sets(source),
        "target": _actor_sets(target),
        "level": level,
        "as_of": _parse_day(as_of, "--as-of"),
        "recent_days": recent_days,
        "baseline_days": baseline_days,
        "limit": limit,
    }
    with _open(db) as wf:
        if fmt == "csv":
            wf.escalation_frame(**query).to_csv(sys.stdout, index=False)
            return
        found = wf.escalation(**query)
    if fmt == "json":
        for item in found:
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("dyad", "arrow", "z", "inputs", "why")
    for item in found:
        i = item.inputs
        inputs = (
            f"r={i['r']:+.2f} b={i['b']:+.2f} s={i['s']:.2f}\n"
            f"Σrecent={i['recent_plover_sum']:g} Σbase={i['baseline_plover_sum']:g} "
            f"Σbase²={i['baseline_plover_sumsq']:g}\nevents {i['recent_events']}/"
            f"{i['baseline_events']}"
        )
        table.add_row(
            f"{item.source} → {item.target}",
            ARROW_MARKS[item.arrow],
            f"{item.score:+.2f}",
            inputs,
            escape(item.rationale),
        )
    out.print(table)
    if found:
        first = found[0]
        out.print(
            f"windows: recent {first.recent[0]}..{first.recent[1]} (R={first.inputs['R']}), "
            f"baseline {first.baseline[0]}..{first.baseline[1]} (B={first.inputs['B']}); "
            f"floor={first.inputs['floor']:g}, threshold={first.inputs['threshold']:g}",
            highlight=False,
        )
        _say(f"formula: {first.formula}")
    err.print(f"{len(found)} dyad(s)")


@app.command()
def indicators(
    db: DbOption = None,
    file: Annotated[
        Path | None, typer.Option(help="Indicator YAML (default: settings, else the demo set).")
    ] = None,
    indicator_id: Annotated[list[str] | None, typer.Option("--id", help="Only these ids.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Evaluate on this day, YYYY-MM-DD.")] = None,
    evidence: Annotated[int, typer.Option(help="Latest events cited per indicator.")] = 3,
    fmt: Format = "table",
) -> None:
    """Trends to watch: each indicator's value, trend, arrow, threshold and latest evidence."""
    _check_format(fmt)
    with _open(db) as wf:
        kwargs = {
            "path": file,
            "ids": _split(indicator_id),
            "as_of": _parse_day(as_of, "--as-of"),
            "evidence": evidence,
        }
        if fmt == "csv":
            wf.indicators_frame(**kwargs).to_csv(sys.stdout, index=False)
            return
        found = wf.indicators(**kwargs)
    if fmt == "json":
        for value in found:
            sys.stdout.write(json.dumps(value.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("indicator", "value", "baseline", "trend", "arrow", "threshold", "series")
    for v in found:
        threshold = (
            ""
            if v.threshold is None
            else (f"{v.threshold:g} {'CROSSED' if v.crossed else 'not crossed'}")
        )
        baseline = f"{v.baseline_mean:.3g} ± {v.baseline_sd:.3g}"
        table.add_row(
            escape(v.name),
            f"{v.value:g}",
            baseline,
            v.trend,
            ARROW_MARKS[v.arrow],
            threshold,
            " ".join(f"{x:g}" for _, x in v.series),
        )
    out.print(table)
    for v in found:
        out.print(
            f"\n[bold]{escape(v.name)}[/bold] ({v.indicator_id}), {v.window[0]}..{v.window[1]}"
        )
        _say(f"  formula: {v.formula}")
        shown = {
            k: v.inputs[k]
            for k in (
                "value",
                "baseline_values",
                "baseline_mean",
                "baseline_sd",
                "tolerance",
                "threshold",
            )
        }
        _say(f"  inputs: {json.dumps(shown)}")
        for e in v.evidence:
            _say(f"  - {e.summary()}: {e.sentence}")


@app.command()
def forecasts(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(help="open, scored or void.")] = None,
    indicator_id: Annotated[str | None, typer.Option("--indicator", help="Indicator id.")] = None,
    direction: Annotated[
        str | None, typer.Option(help="Record a forecast: rising, falling or steady.")
    ] = None,
    horizon: Annotated[str | None, typer.Option(help="Its horizon, YYYY-MM-DD.")] = None,
    probability: Annotated[float, typer.Option(help="Its probability.")] = 0.7,
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    author: Annotated[
        str | None, typer.Option(envvar="WATCHFLOOR_ANALYST", help="Who (default: $USER).")
    ] = None,
    fmt: Format = "table",
) -> None:
    """Trends as forecasts: list them with the scorecard (hit rate, Brier), or record one."""
    import getpass

    _check_format(fmt)
    with _open(db) as wf:
        if direction is not None:
            if indicator_id is None or horizon is None:
                raise typer.BadParameter("a forecast needs --indicator, --direction and --horizon")
            day = _parse_day(horizon, "--horizon")
            assert day is not None  # horizon was checked above
            made = wf.forecast(
                indicator_id,
                direction,
                day,
                probability=probability,
                author=author or getpass.getuser(),
                note=note,
            )
            sys.stdout.write(json.dumps(made.to_dict(), ensure_ascii=False) + "\n")
            return
        card = wf.forecast_scorecard()
        found = wf.forecasts(status=status, indicator_id=indicator_id)
    if fmt == "json":
        for forecast in found:
            sys.stdout.write(json.dumps(forecast.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.write(json.dumps({"scorecard": card}) + "\n")
        return
    if fmt == "csv":
        import pandas as pd

        pd.DataFrame([f.to_dict() for f in found]).to_csv(sys.stdout, index=False)
        return
    table = Table("indicator", "forecast", "p", "made", "horizon", "status", "observed", "brier")
    for f in found:
        observed = (
            ""
            if f.observed_direction is None
            else (f"{f.observed_direction} ({'hit' if f.hit else 'miss'})")
        )
        table.add_row(
            f.indicator_id,
            f.direction,
            f"{f.probability:.2f}",
            f"{f.made_at:%Y-%m-%d}",
            str(f.horizon),
            f.status,
            observed,
            "" if f.brier is None else f"{f.brier:.3f}",
        )
    out.print(table)
    rate = "n/a" if card["hit_rate"] is None else f"{card['hit_rate']:.0%}"
    brier = "n/a" if card["brier"] is None else f"{card['brier']:.3f}"
    out.print(
        f"{card['scored']} scored: hit rate {rate}, mean Brier {brier}; "
        f"{card['open']} open, {card['void']} void",
        highlight=False,
    )


alerts_app = typer.Typer(help="Alerts raised by indicators and escalating dyads.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("list")
def alerts_list(
    db: DbOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include acknowledged alerts.")] = False,
    kind: Annotated[str | None, typer.Option(help="indicator or escalation.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    fmt: Format = "table",
) -> None:
    """Stored alerts, newest first (unacknowledged only unless --all)."""
    _check_format(fmt)
    with _open(db) as wf:
        found = wf.alerts(include_acknowledged=show_all, kind=kind, limit=limit)
    if fmt == "json":
        for alert in found:
            sys.stdout.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "id",
                "created_at",
                "kind",
                "subject",
                "title",
                "occurrences",
                "acknowledged_by",
                "deliveries",
                "evidence",
            ]
        )
        for a in found:
            writer.writerow(
                [
                    a.id,
                    a.created_at.isoformat(),
                    a.kind,
                    a.subject,
                    a.title,
                    a.occurrences,
                    a.acknowledged_by or "",
                    ";".join(f"{d.channel}:{d.status}" for d in a.deliveries),
                    ";".join(e.doc_id for e in a.evidence),
                ]
            )
        return
    table = Table("id", "raised", "kind", "alert", "seen", "delivery", "ack")
    for a in found:
        table.add_row(
            a.id,
            f"{a.created_at:%Y-%m-%d %H:%M}",
            a.kind,
            escape(a.title),
            str(a.occurrences),
            " ".join(f"{d.channel}:{d.status}" for d in a.deliveries) or "pending",
            a.acknowledged_by or "",
        )
    out.print(table)
    err.print(f"{len(found)} alert(s)")


@alerts_app.command("ack")
def alerts_ack(
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix).")],
    db: DbOption = None,
    by: Annotated[
        str | None, typer.Option(envvar="WATCHFLOOR_ANALYST", help="Who (default: $USER).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the acknowledgement.")] = None,
) -> None:
    """Acknowledge an alert: it is marked seen and no longer re-sent."""
    import getpass

    with _open(db) as wf:
        try:
            alert = wf.ack_alert(alert_id, by=by or getpass.getuser(), note=note)
        except KeyError as exc:
            err.print(f"[red]error[/red] {exc.args[0]}", highlight=False)
            raise typer.Exit(1) from None
    err.print(
        f"acknowledged {alert.id} by {alert.acknowledged_by}: {alert.title}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@alerts_app.command("send")
def alerts_send(db: DbOption = None) -> None:
    """Re-send every unacknowledged alert a configured channel has not delivered yet."""
    with _open(db) as wf:
        reports = wf.send_alerts()
    for r in reports:
        detail = f" after {r.attempts} tries: {r.error}" if r.error else ""
        err.print(
            f"{r.alert_id} {r.channel}: {r.status}{detail}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    failed = sum(1 for r in reports if r.status == "failed")
    err.print(f"{len(reports) - failed} delivered, {failed} failed (kept; retried next time)")
    if failed:
        raise typer.Exit(1)


@alerts_app.command("check")
def alerts_check(db: DbOption = None) -> None:
    """Evaluate indicators and escalation now; raise, store and send new alerts."""
    with _open(db) as wf:
        raised = wf.check_alerts()
    for a in raised:
        sys.stdout.write(f"{a.id}\t{a.kind}\t{a.title}\n")
    err.print(f"{len(raised)} new alert(s)")


# -- end of the dyads, escalation, indicators, forecasts, alerts section ----------------------


def main() -> None:
    """Entry point: user-facing errors print their code and message, and exit 2."""
    try:
        app()
    except WatchfloorError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
