"""Alerts: stored with evidence, de-duplicated, acknowledged, and delivered to real local servers.

The webhook channel posts to an HTTP receiver on 127.0.0.1 running in a thread; the e-mail
channel talks to an aiosmtpd SMTP server on 127.0.0.1. Nothing is mocked.
"""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from watchfloor.analysis.alerts import (
    AlertChannel,
    EmailChannel,
    LogChannel,
    WebhookChannel,
    acknowledge,
    channels_from_settings,
    deliver,
    list_alerts,
    raise_alerts,
    send_pending,
    update_after_ingest,
)
from watchfloor.analysis.forecasts import forecasts
from watchfloor.analysis.indicators import parse_indicators
from watchfloor.errors import ConfigError
from watchfloor.records import Alert, Evidence
from watchfloor.settings import Settings
from watchfloor.store import Store, open_store

try:  # tests/ may be run as a package or as plain modules
    from .test_dyads import make_event, put
except ImportError:
    from test_dyads import make_event, put  # type: ignore[no-redef]

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def no_wait(seconds: float) -> None:
    """Tests do not sleep between delivery tries."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "alerts.duckdb") as opened:
        yield opened


# -- local servers --------------------------------------------------------------------------------


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTed JSON and fails the first ``fail`` times."""

    fail: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests += 1
            if state.requests <= state.fail:
                self.send_response(500)
                self.end_headers()
                return
            state.received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def sample_alert(key: str = "indicator:x:above", created: datetime = NOW) -> Alert:
    evidence = Evidence(
        event_id="e1-0",
        doc_id="e1",
        date=date(2026, 11, 23),
        event_type="AID",
        mode=None,
        actors=("RUSMIL",),
        recipients=("VEN",),
        sentence="Russian technicians were seen at the air base.",
        goldstein=7.0,
        plover=7.0,
    )
    return Alert(
        id=f"al-{key}-{created:%H%M%S}",
        kind="indicator",
        subject="x",
        dedup_key=key,
        created_at=created,
        title="X: 4 is above its threshold 3",
        message="X is 4 over the last 14 days.",
        value=4.0,
        evidence=(evidence,),
        details={"formula": "value = count", "inputs": {"value": 4}},
    )


# -- channels -------------------------------------------------------------------------------------


def test_alerts_webhook_posts_the_alert_to_a_local_receiver(
    store: Store, receiver: Receiver
) -> None:
    [alert] = raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    [report] = deliver(store, [alert], [WebhookChannel(receiver.url)], now=NOW, sleep=no_wait)
    assert (report.status, report.attempts) == ("delivered", 1)
    [posted] = receiver.received
    assert posted["id"] == alert.id and posted["evidence"][0]["doc_id"] == "e1"
    assert posted["text"].startswith(alert.title)
    [stored] = list_alerts(store)
    assert [(d.channel, d.status, d.attempts) for d in stored.deliveries] == [
        ("webhook", "delivered", 1)
    ]


def test_alerts_email_goes_through_a_local_smtp_server(
    store: Store, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    channel = EmailChannel("127.0.0.1", port, "watchfloor@example.org", ("desk@example.org",))
    [alert] = raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    [report] = deliver(store, [alert], [channel], now=NOW, sleep=no_wait)
    assert report.status == "delivered"
    [(recipients, message)] = inbox.messages
    assert recipients == ["desk@example.org"]
    assert message["Subject"] == f"[watchfloor] {alert.title}"
    assert message["X-Watchfloor-Alert"] == alert.id
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Russian technicians were seen at the air base." in body
    assert "Formula: value = count" in body


def test_alerts_log_channel_writes_a_line() -> None:
    stream = io.StringIO()
    LogChannel(stream).send(sample_alert())
    assert stream.getvalue().startswith("ALERT [indicator] X: 4 is above its threshold 3")


def test_alerts_failing_channel_is_retried_reported_and_never_loses_the_alert(
    store: Store, receiver: Receiver
) -> None:
    receiver.fail = 3  # the first three POSTs get a 500
    log_stream = io.StringIO()
    channels: list[AlertChannel] = [LogChannel(log_stream), WebhookChannel(receiver.url)]
    waits: list[float] = []
    [alert] = raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    reports = deliver(
        store, [alert], channels, now=NOW, retries=3, backoff_s=0.5, sleep=waits.append
    )
    by_channel = {r.channel: r for r in reports}
    assert by_channel["log"].status == "delivered"
    assert (by_channel["webhook"].status, by_channel["webhook"].attempts) == ("failed", 3)
    assert "500" in (by_channel["webhook"].error or "")
    assert waits == [0.5, 1.0]  # growing pauses between tries
    [stored] = list_alerts(store)  # the alert is kept, with its delivery state
    states = {d.channel: d for d in stored.deliveries}
    assert states["webhook"].status == "failed" and "500" in (states["webhook"].last_error or "")
    # a later run re-sends what was not delivered, and only that
    later = NOW + timedelta(minutes=10)
    [again] = send_pending(store, channels, now=later, sleep=no_wait)
    assert (again.channel, again.status) == ("webhook", "delivered")
    assert len(receiver.received) == 1 and log_stream.getvalue().count("ALERT") == 1
    states = {d.channel: d for d in list_alerts(store)[0].deliveries}
    assert (states["webhook"].attempts, states["webhook"].delivered_at) == (4, later)
    assert send_pending(store, channels, now=later, sleep=no_wait) == []


def test_alerts_unreachable_webhook_is_reported(store: Store) -> None:
    channel = WebhookChannel(f"http://127.0.0.1:{free_port()}/nobody", timeout_s=2)
    [alert] = raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    [report] = deliver(store, [alert], [channel], now=NOW, retries=2, sleep=no_wait)
    assert (report.status, report.attempts) == ("failed", 2)
    assert "ConnectError" in (report.error or "")


# -- de-duplication and acknowledgement -----------------------------------------------------------


@pytest.mark.parametrize(
    ("later", "new_alerts", "occurrences"),
    [
        (timedelta(minutes=30), 0, 2),  # within the cool-down: the same alert, seen again
        (timedelta(hours=5, minutes=59), 0, 2),
        (timedelta(hours=6, minutes=1), 1, 1),  # after it: a new alert
    ],
)
def test_alerts_cool_down_deduplicates(
    store: Store, later: timedelta, new_alerts: int, occurrences: int
) -> None:
    cooldown = timedelta(hours=6)
    assert len(raise_alerts(store, [sample_alert()], now=NOW, cooldown=cooldown)) == 1
    second = raise_alerts(
        store, [sample_alert(created=NOW + later)], now=NOW + later, cooldown=cooldown
    )
    assert len(second) == new_alerts
    first = [a for a in list_alerts(store) if a.created_at == NOW][0]
    assert first.occurrences == occurrences
    assert len(list_alerts(store)) == 1 + new_alerts


def test_alerts_different_keys_are_different_alerts(store: Store) -> None:
    raised = raise_alerts(
        store,
        [sample_alert("indicator:x:above"), sample_alert("escalation:USA>VEN")],
        now=NOW,
        cooldown=timedelta(hours=6),
    )
    assert len(raised) == 2


def test_alerts_acknowledgement(store: Store, receiver: Receiver) -> None:
    receiver.fail = 100  # never delivered
    [alert] = raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    acked = acknowledge(
        store,
        alert.id[:8],
        by="kim",
        now=NOW + timedelta(hours=1),
        note="seen; watching the air base",
    )
    assert (acked.id, acked.acknowledged_by, acked.ack_note) == (
        alert.id,
        "kim",
        "seen; watching the air base",
    )
    assert acked.acknowledged_at == NOW + timedelta(hours=1)
    assert list_alerts(store, include_acknowledged=False) == []
    # an acknowledged alert is not re-sent
    assert send_pending(store, [WebhookChannel(receiver.url)], now=NOW, sleep=no_wait) == []
    with pytest.raises(KeyError):
        acknowledge(store, "al-missing", by="kim", now=NOW)


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (Settings(alert_channels=("pager",)), "unknown alert channel"),
        (Settings(alert_channels=("webhook",)), "alert_webhook_url"),
        (Settings(alert_channels=("email",)), "alert_email_to"),
    ],
)
def test_alerts_channel_settings_are_checked(settings: Settings, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        channels_from_settings(settings)


def test_alerts_channels_from_settings() -> None:
    settings = Settings(
        alert_channels=("log", "webhook", "email"),
        alert_webhook_url="http://127.0.0.1:9/hook",
        alert_smtp_port=2525,
        alert_email_to=("desk@example.org",),
    )
    log_channel, webhook, email = channels_from_settings(settings)
    assert isinstance(webhook, WebhookChannel) and webhook.url == "http://127.0.0.1:9/hook"
    assert isinstance(email, EmailChannel) and (email.port, email.recipients) == (
        2525,
        ("desk@example.org",),
    )
    assert log_channel.name == "log"


# -- the incremental step -------------------------------------------------------------------------


def test_alerts_update_after_ingest(store: Store, receiver: Receiver) -> None:
    indicators = parse_indicators(
        [
            {
                "id": "rus-aid",
                "name": "Russian aid",
                "filter": {"actors": ["RUS*"], "types": ["AID"]},
                "window_days": 7,
                "baseline_days": 21,
                "threshold": 2,
            },
        ]
    )
    day = NOW.date()
    put(
        store,
        [
            make_event("calm", day - timedelta(days=20), ["USA"], "CONSULT", ["VEN"]),
            make_event("strike", day - timedelta(days=1), ["USAMIL"], "ASSAULT", ["VEN"]),
            make_event("aid1", day - timedelta(days=2), ["RUSMIL"], "AID", ["VEN"]),
            make_event("aid2", day, ["RUS"], "AID", ["VEN"]),
        ],
    )
    settings = Settings(alert_cooldown_hours=12, forecast_horizon_days=14)
    channels = [WebhookChannel(receiver.url)]
    raised = update_after_ingest(
        store, settings, NOW, channels=channels, indicators=indicators, sleep=no_wait
    )
    by_kind = {a.kind: a for a in raised}
    assert set(by_kind) == {"indicator", "escalation"}
    assert by_kind["indicator"].subject == "rus-aid"
    assert {e.doc_id for e in by_kind["indicator"].evidence} == {"aid1", "aid2"}
    assert by_kind["escalation"].subject == "USA>VEN"
    assert by_kind["escalation"].evidence[0].doc_id == "strike"
    assert "formula" in by_kind["escalation"].details
    assert all(d.status == "delivered" for a in raised for d in a.deliveries)
    assert {p["id"] for p in receiver.received} == {a.id for a in raised}
    # the rising indicator became a trend to watch
    [forecast] = forecasts(store)
    assert (forecast.indicator_id, forecast.direction) == ("rus-aid", "rising")
    # an hour later nothing is new: both alerts are inside the cool-down
    assert (
        update_after_ingest(
            store,
            settings,
            NOW + timedelta(hours=1),
            channels=channels,
            indicators=indicators,
            sleep=no_wait,
        )
        == []
    )
    assert len(receiver.received) == 2


def test_alerts_cli_check_list_ack_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from watchfloor.cli import app

    config = tmp_path / "watchfloor.toml"
    config.write_text('[watchfloor]\nalert_channels = ["log"]\n', encoding="utf-8")
    monkeypatch.setenv("WATCHFLOOR_CONFIG", str(config))
    db = tmp_path / "cli.duckdb"
    today = date.today()  # the CLI reads the real clock: the events follow it
    with open_store(db) as opened:
        put(opened, [make_event("strike", today, ["USAMIL"], "ASSAULT", ["VEN"])])
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        return result

    checked = run("alerts", "check")
    assert "1 new alert(s)" in checked.stderr
    assert "ALERT [escalation] USA->VEN deteriorated" in checked.stderr  # the log channel
    [alert] = [json.loads(line) for line in run("alerts", "list", "-f", "json").stdout.splitlines()]
    assert alert["deliveries"][0]["status"] == "delivered"
    assert alert["evidence"][0]["doc_id"] == "strike"
    run("alerts", "ack", alert["id"][:10], "--by", "kim", "--note", "seen")
    assert run("alerts", "list", "-f", "json").stdout == ""
    [acked] = [
        json.loads(line)
        for line in run("alerts", "list", "--all", "-f", "json").stdout.splitlines()
    ]
    assert (acked["acknowledged_by"], acked["ack_note"]) == ("kim", "seen")
    assert "0 delivered, 0 failed" in run("alerts", "send").stderr
    missing = runner.invoke(app, ["alerts", "ack", "al-nothing", "--db", str(db), "--by", "kim"])
    assert missing.exit_code == 1 and "no alert" in missing.stderr


def test_alerts_retry_cap_leaves_the_alert_for_an_explicit_send(
    store: Store, receiver: Receiver
) -> None:
    receiver.fail = 4
    channels = [WebhookChannel(receiver.url)]
    raise_alerts(store, [sample_alert()], now=NOW, cooldown=timedelta(hours=1))
    [first] = send_pending(store, channels, now=NOW, retries=2, max_attempts=4, sleep=no_wait)
    [second] = send_pending(store, channels, now=NOW, retries=2, max_attempts=4, sleep=no_wait)
    assert (first.status, second.status) == ("failed", "failed")
    # four failed tries: the capped run leaves it alone, the alert stays stored
    assert send_pending(store, channels, now=NOW, retries=2, max_attempts=4, sleep=no_wait) == []
    assert list_alerts(store)[0].deliveries[0].attempts == 4
    [forced] = send_pending(store, channels, now=NOW, retries=2, sleep=no_wait)
    assert forced.status == "delivered"
