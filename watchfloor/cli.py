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
err = Console(stderr=True)
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
    paths: Annotated[list[Path], typer.Argument(help="JSONL, CSV or text files of articles.")],
    db: DbOption = None,
    field_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="field=column for differently named columns, e.g. text=content"),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for records without one.")] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Store the good records of a bad file; report the rest.")
    ] = False,
    code: Annotated[bool, typer.Option("--code/--no-code", help="Code new articles.")] = True,
) -> None:
    """Store articles from files (each file atomically) and code the new ones."""
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
            status = "FAILED, nothing stored" if file.failed else (
                f"{file.stored} stored, {file.duplicates} duplicate(s)"
                + (f", {len(file.problems)} bad record(s) skipped" if file.problems else "")
            )
            err.print(f"{file.path}: {status}")
        if code:
            pending = progress.add_task("coding", total=None)
            articles, events = wf.code_pending(progress=lambda n: progress.advance(pending, n))
            err.print(f"coded {articles} article(s): {events} event(s)")
    if report.failed:
        err.print("[red]Some files were not stored; use --skip-bad to keep their good records.[/red]")
        raise typer.Exit(1)


@app.command("code")
def code_command(
    input: Annotated[Path, typer.Argument(help="JSONL of {id, text, date?, title?, source?, url?}")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write event JSONL; - for stdout")] = Path("-"),
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
    actor: Annotated[list[str] | None, typer.Option(help="Actor code or prefix (RUS, USAGOV).")] = None,
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
        writer.writerow(["id", "date", "actor", "event_type", "mode", "cameo", "recipient",
                         "modality", "claim_stance", "claim_by", "goldstein", "quad_class",
                         "fatalities", "location", "doc_id", "sentence"])
        for e in found:
            writer.writerow([e.id, e.date, ";".join(e.actor_codes), e.event_type, e.mode, e.cameo,
                             ";".join(e.recipient_codes), e.modality,
                             e.claim.stance if e.claim else "", e.claim.by.code if e.claim else "",
                             e.goldstein, e.quad_class, e.fatalities,
                             e.location.name if e.location else "", e.doc_id, e.sentence])
    elif fmt == "table":
        table = Table("date", "actor", "type", "recipient", "modality", "claim", "sentence")
        for e in found:
            claim = f"{e.claim.stance} by {e.claim.by.code}" if e.claim else ""
            table.add_row(str(e.date or ""), ";".join(e.actor_codes), e.event_type,
                          ";".join(e.recipient_codes), e.modality, claim, e.sentence[:90])
        out.print(table)
        err.print(f"{len(found)} event(s)")
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}: use table, json or csv", param_hint="--format")


@app.command()
def brief(
    db: DbOption = None,
    actor: Annotated[list[str] | None, typer.Option(help="Only events involving these codes.")] = None,
    since: Annotated[str | None, typer.Option(help="Window start, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Window end, YYYY-MM-DD.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write to this file.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown or json")] = "markdown",
) -> None:
    """Write a briefing for a time window and optional actors."""
    from watchfloor.brief.render import render_json, render_markdown

    with _open(db) as wf:
        result = wf.brief(
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
            actors=_split(actor),
        )
    if fmt not in {"markdown", "json"}:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    text = render_json(result) if fmt == "json" else render_markdown(result)
    sys.stdout.write(text + "\n")
    if output:
        output.write_text(text, encoding="utf-8")


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
    for key in ("sources", "articles", "duplicates", "coded_articles", "events"):
        out.print(f"{key:>15}: {counts[key]}")
    table = Table("source", "articles", "events")
    for name, row in counts["by_source"].items():
        table.add_row(name, str(row["articles"]), str(row["events"]))
    out.print(table)


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to build the demo store (replaced).")] = Path(
        "watchfloor-demo.duckdb"
    ),
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the briefing.")] = Path(
        "watchfloor-demo-brief.md"
    ),
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


def main() -> None:
    """Entry point: user-facing errors print their code and message, and exit 2."""
    try:
        app()
    except WatchfloorError as exc:
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
