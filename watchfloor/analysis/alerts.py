"""Alerts: an indicator crossed its threshold or a dyad deteriorated; store it, then tell people.

The order matters. An alert is written to the store *before* any channel is tried, with its
evidence and the formula behind it, so a failing channel can never lose it. Each channel is
tried ``retries`` times with a growing pause; the outcome per alert and channel (``delivered``
or ``failed``, attempts, last error) is stored in ``alert_deliveries`` and reported back. A later
run (``send_pending``, or the next ``update_after_ingest``) re-sends every unacknowledged alert
that some channel has not delivered yet.

The same alert is not raised twice within the cool-down: a candidate whose ``dedup_key``
(``indicator:<id>:above``, ``escalation:USA>VEN``) matches an alert created less than
``cooldown`` ago only bumps that alert's ``occurrences`` and ``last_seen_at``. Users acknowledge
alerts (who, when, a note); acknowledged alerts are no longer re-sent.

Channels are plug-ins: anything with a ``name`` and a ``send(alert)`` that raises on failure.
Built in: ``log`` (a line on the terminal and the ``watchfloor.alerts`` logger), ``webhook``
(JSON by HTTP POST, through httpx) and ``email`` (SMTP, through smtplib). ``register_channel``
adds others under a name usable in ``settings.alert_channels``.
"""

from __future__ import annotations

import json
import logging
import smtplib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol, TextIO

import httpx

from watchfloor.analysis.dyads import is_missing, to_utc
from watchfloor.analysis.escalation import escalation
from watchfloor.analysis.forecasts import score_forecasts, trends_to_watch
from watchfloor.analysis.indicators import evaluate_indicators, load_indicators
from watchfloor.errors import ConfigError
from watchfloor.records import (
    Alert,
    Delivery,
    Escalation,
    Evidence,
    Indicator,
    IndicatorValue,
    stable_id,
)
from watchfloor.settings import Settings
from watchfloor.store.base import Store

__all__ = [
    "AlertChannel",
    "DeliveryReport",
    "EmailChannel",
    "LogChannel",
    "WebhookChannel",
    "acknowledge",
    "alert_text",
    "channels_from_settings",
    "deliver",
    "escalation_alerts",
    "indicator_alerts",
    "list_alerts",
    "raise_alerts",
    "register_channel",
    "send_pending",
    "update_after_ingest",
]

log = logging.getLogger("watchfloor.alerts")


# -- channels -------------------------------------------------------------------------------------


class AlertChannel(Protocol):
    """Where alerts go. ``send`` raises on failure; the caller retries and records the outcome."""

    name: str

    def send(self, alert: Alert) -> None: ...


def alert_text(alert: Alert, *, evidence: int = 3) -> str:
    """A plain-text rendering: title, message, and the first cited events with their sentences."""
    lines = [alert.title, "", alert.message]
    if alert.evidence:
        lines += ["", "Evidence:"]
        for item in alert.evidence[:evidence]:
            lines.append(f"- {item.summary()}: {item.sentence}")
    formula = alert.details.get("formula")
    if formula:
        lines += ["", f"Formula: {formula}"]
    lines += ["", f"Alert {alert.id} ({alert.kind}), raised {alert.created_at:%Y-%m-%d %H:%M} UTC"]
    return "\n".join(lines)


@dataclass
class LogChannel:
    """One line per alert on a terminal stream (stderr by default) and the alerts logger."""

    stream: TextIO | None = None
    name: str = "log"

    def send(self, alert: Alert) -> None:
        line = f"ALERT [{alert.kind}] {alert.title} ({alert.id})"
        (self.stream or sys.stderr).write(line + "\n")
        log.info("%s: %s", alert.title, alert.message)


@dataclass
class WebhookChannel:
    """POST the alert as JSON (``Alert.to_dict()`` plus a ``text`` summary) to a URL.

    Any non-2xx answer, timeout or connection error is a failure.
    """

    url: str
    timeout_s: float = 10.0
    headers: dict[str, str] = field(default_factory=dict)
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        payload = {**alert.to_dict(), "text": f"{alert.title}\n{alert.message}"}
        response = httpx.post(self.url, json=payload, headers=self.headers, timeout=self.timeout_s)
        response.raise_for_status()


@dataclass
class EmailChannel:
    """Send the alert as a plain-text e-mail through an SMTP server."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 10.0
    name: str = "email"

    def send(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = f"[watchfloor] {alert.title}"
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["X-Watchfloor-Alert"] = alert.id
        message.set_content(alert_text(alert, evidence=5))
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


ChannelFactory = Callable[[Settings], AlertChannel]


def _log_channel(settings: Settings) -> AlertChannel:
    return LogChannel()


def _webhook_channel(settings: Settings) -> AlertChannel:
    if not settings.alert_webhook_url:
        raise ConfigError("alert channel 'webhook' needs alert_webhook_url in the settings")
    return WebhookChannel(settings.alert_webhook_url, timeout_s=settings.alert_webhook_timeout_s)


def _email_channel(settings: Settings) -> AlertChannel:
    if not settings.alert_email_to:
        raise ConfigError("alert channel 'email' needs alert_email_to in the settings")
    return EmailChannel(
        host=settings.alert_smtp_host,
        port=settings.alert_smtp_port,
        sender=settings.alert_email_from,
        recipients=tuple(settings.alert_email_to),
        user=settings.alert_smtp_user,
        password=settings.alert_smtp_password,
        starttls=settings.alert_smtp_starttls,
    )


CHANNELS: dict[str, ChannelFactory] = {
    "log": _log_channel,
    "webhook": _webhook_channel,
    "email": _email_channel,
}


def register_channel(name: str, factory: ChannelFactory) -> None:
    """Make a channel available under ``name`` in ``settings.alert_channels``."""
    CHANNELS[name] = factory


def channels_from_settings(settings: Settings) -> list[AlertChannel]:
    """The channels named in ``settings.alert_channels``, configured from the settings."""
    found = []
    for name in settings.alert_channels:
        factory = CHANNELS.get(name)
        if factory is None:
            raise ConfigError(
                f"unknown alert channel {name!r}; available: {', '.join(sorted(CHANNELS))}"
            )
        found.append(factory(settings))
    return found


# -- building candidates --------------------------------------------------------------------------


def indicator_alerts(values: Sequence[IndicatorValue], *, now: datetime) -> list[Alert]:
    """One candidate alert per indicator beyond its threshold."""
    found = []
    for value in values:
        if not value.crossed or value.threshold is None:
            continue
        side = str(value.inputs.get("threshold_direction", "above"))
        key = f"indicator:{value.indicator_id}:{side}"
        previous = value.inputs.get("previous")
        found.append(
            Alert(
                id=stable_id(key, now.isoformat(), prefix="al-"),
                kind="indicator",
                subject=value.indicator_id,
                dedup_key=key,
                created_at=now,
                title=f"{value.name}: {value.value:g} is {side} its threshold {value.threshold:g}",
                message=(
                    f"{value.name} is {value.value:g} over {value.window[0]}..{value.window[1]} "
                    f"(previous window {previous:g}, baseline {value.baseline_mean:g} "
                    f"± {value.baseline_sd:g}); trend {value.trend}, {value.arrow}."
                ),
                value=value.value,
                evidence=value.evidence,
                details={
                    "formula": value.formula,
                    "inputs": dict(value.inputs),
                    "trend": value.trend,
                    "arrow": value.arrow,
                    "as_of": value.as_of.isoformat(),
                },
            )
        )
    return found


def escalation_alerts(escalations: Sequence[Escalation], *, now: datetime) -> list[Alert]:
    """One candidate alert per deteriorated dyad."""
    found = []
    for item in escalations:
        if item.arrow != "deteriorated":
            continue
        key = f"escalation:{item.source}>{item.target}"
        found.append(
            Alert(
                id=stable_id(key, now.isoformat(), prefix="al-"),
                kind="escalation",
                subject=f"{item.source}>{item.target}",
                dedup_key=key,
                created_at=now,
                title=f"{item.source}->{item.target} deteriorated (z = {item.score:+.2f})",
                message=item.rationale,
                value=item.score,
                evidence=item.drivers,
                details={
                    "formula": item.formula,
                    "inputs": dict(item.inputs),
                    "arrow": item.arrow,
                    "as_of": item.as_of.isoformat(),
                    "new_actors": list(item.new_actors),
                    "new_dyad": item.new_dyad,
                },
            )
        )
    return found


# -- storing --------------------------------------------------------------------------------------


def raise_alerts(
    store: Store, candidates: Sequence[Alert], *, now: datetime, cooldown: timedelta
) -> list[Alert]:
    """Store the candidates that are new; repeats within ``cooldown`` only bump the earlier one.

    Returns the alerts stored by this call.
    """
    raised = []
    for candidate in candidates:
        recent = store.query(
            "SELECT id FROM alerts WHERE dedup_key = ? AND created_at > ? "
            "ORDER BY created_at DESC LIMIT 1",
            [candidate.dedup_key, now - cooldown],
        )
        if not recent.empty:
            store.execute(
                "UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = ? WHERE id = ?",
                [now, str(recent["id"].iloc[0])],
            )
            continue
        alert = replace(candidate, created_at=now, last_seen_at=now)
        store.execute(
            "INSERT INTO alerts (id, kind, subject, dedup_key, created_at, last_seen_at, "
            "occurrences, title, message, value, evidence, details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                alert.id,
                alert.kind,
                alert.subject,
                alert.dedup_key,
                alert.created_at,
                alert.last_seen_at,
                1,
                alert.title,
                alert.message,
                alert.value,
                json.dumps([e.to_dict() for e in alert.evidence], ensure_ascii=False),
                json.dumps(alert.details, ensure_ascii=False, default=str),
            ],
        )
        raised.append(alert)
    return raised


def list_alerts(
    store: Store,
    *,
    include_acknowledged: bool = True,
    kind: str | None = None,
    since: datetime | None = None,
    ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """Stored alerts, newest first, with their delivery state per channel."""
    where: list[str] = []
    params: list[Any] = []
    if not include_acknowledged:
        where.append("acknowledged_at IS NULL")
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if since is not None:
        where.append("created_at >= ?")
        params.append(since)
    if ids is not None:
        where.append("id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(ids))
    sql = "SELECT * FROM alerts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at DESC, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = store.query(sql, params).to_dict("records")
    deliveries = _deliveries(store, [str(r["id"]) for r in rows])
    return [_alert(row, deliveries.get(str(row["id"]), ())) for row in rows]


def acknowledge(
    store: Store, alert_id: str, *, by: str, now: datetime, note: str | None = None
) -> Alert:
    """Mark an alert seen by ``by``; ``alert_id`` may be a unique prefix. Raises ``KeyError``."""
    matches = store.query(
        "SELECT id FROM alerts WHERE starts_with(id, ?) ORDER BY id LIMIT 2", [alert_id]
    )
    exact = [i for i in matches["id"] if i == alert_id]
    if exact:
        target = exact[0]
    elif len(matches) == 1:
        target = str(matches["id"].iloc[0])
    else:
        problem = "no alert" if matches.empty else "more than one alert"
        raise KeyError(f"{problem} with id {alert_id!r}")
    store.execute(
        "UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?, ack_note = ? WHERE id = ?",
        [now, by, note, target],
    )
    return list_alerts(store, ids=[target])[0]


# -- delivering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReport:
    """What happened to one alert on one channel in one run."""

    alert_id: str
    channel: str
    status: str  # delivered | failed
    attempts: int
    error: str | None = None


def deliver(
    store: Store,
    alerts: Sequence[Alert],
    channels: Sequence[AlertChannel],
    *,
    now: datetime,
    retries: int = 3,
    backoff_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int | None = None,
) -> list[DeliveryReport]:
    """Send each alert on each channel that has not delivered it yet, retrying failures.

    Each try after the first waits ``backoff_s``, then twice that, and so on. The outcome is
    stored per (alert, channel) before moving on, so an interrupted run loses nothing.
    """
    reports = []
    known = _deliveries(store, [a.id for a in alerts])
    for alert in alerts:
        done = {d.channel: d for d in known.get(alert.id, ())}
        for channel in channels:
            previous = done.get(channel.name)
            if previous is not None and previous.status == "delivered":
                continue  # delivered earlier: nothing to do, nothing to report
            capped = max_attempts is not None and previous is not None
            if capped and previous.attempts >= max_attempts:  # type: ignore[operator,union-attr]
                continue  # left for an explicit `alerts send`
            error: str | None = None
            attempts = 0
            for attempt in range(max(1, retries)):
                if attempt:
                    sleep(backoff_s * 2 ** (attempt - 1))
                attempts += 1
                try:
                    channel.send(alert)
                except Exception as exc:  # any channel failure is recorded, never raised
                    error = f"{type(exc).__name__}: {exc}"[:500]
                    continue
                error = None
                break
            status = "failed" if error else "delivered"
            total = attempts + (previous.attempts if previous else 0)
            store.execute(
                "INSERT INTO alert_deliveries (alert_id, channel, status, attempts, "
                "last_attempt_at, delivered_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (alert_id, channel) DO UPDATE SET status = excluded.status, "
                "attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at, "
                "delivered_at = excluded.delivered_at, last_error = excluded.last_error",
                [alert.id, channel.name, status, total, now, None if error else now, error],
            )
            if error:
                log.error("alert %s not delivered on %s: %s", alert.id, channel.name, error)
            reports.append(DeliveryReport(alert.id, channel.name, status, attempts, error))
    return reports


def send_pending(
    store: Store,
    channels: Sequence[AlertChannel],
    *,
    now: datetime,
    retries: int = 3,
    backoff_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int | None = None,
) -> list[DeliveryReport]:
    """(Re-)send every unacknowledged alert that one of ``channels`` has not delivered.

    With ``max_attempts``, a channel that has already failed that many times for an alert is
    left alone (the alert stays stored, listed as failed, and is sent again without the cap).
    """
    if not channels:
        return []
    names = [c.name for c in channels]
    frame = store.query(
        "SELECT a.id FROM alerts a WHERE a.acknowledged_at IS NULL AND EXISTS ("
        "SELECT 1 FROM (SELECT unnest(?::VARCHAR[]) AS channel) c "
        "WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = a.id "
        "AND d.channel = c.channel AND (d.status = 'delivered' OR d.attempts >= ?))) "
        "ORDER BY a.created_at, a.id",
        [names, max_attempts if max_attempts is not None else 2**31 - 1],
    )
    pending = list_alerts(store, ids=[str(i) for i in frame["id"]])
    pending.sort(key=lambda a: (a.created_at, a.id))
    return deliver(
        store,
        pending,
        channels,
        now=now,
        retries=retries,
        backoff_s=backoff_s,
        sleep=sleep,
        max_attempts=max_attempts,
    )


# -- the incremental step -------------------------------------------------------------------------


def update_after_ingest(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    channels: Sequence[AlertChannel] | None = None,
    indicators: Sequence[Indicator] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Alert]:
    """Re-evaluate after new events were stored: raise, store and send alerts; score forecasts.

    Called by ``watchfloor watch`` after each store write (and by ``watchfloor alerts check``).
    Indicators come from ``settings.indicators_file`` (the demo set when unset) and are
    evaluated on ``now``'s date; dyads watched are ``settings.alert_watch_dyads`` (``"USA*>VEN*"``)
    or, when empty, every country pair. Returns the alerts newly raised, with their deliveries.
    """
    indicators = (
        list(indicators) if indicators is not None else load_indicators(settings.indicators_file)
    )
    day: date = now.date()
    values = evaluate_indicators(store, indicators, as_of=day)
    escalations: list[Escalation] = []
    if settings.alert_watch_dyads:
        for spec in settings.alert_watch_dyads:
            source, _, target = spec.partition(">")
            if not source.strip() or not target.strip():
                raise ConfigError(f"alert_watch_dyads entry {spec!r}: write SOURCE>TARGET")
            escalations += escalation(
                store, settings, sources=[source.strip()], targets=[target.strip()], as_of=day
            )
    else:
        escalations = escalation(store, settings, as_of=day, limit=50)
    candidates = indicator_alerts(values, now=now) + escalation_alerts(escalations, now=now)
    cooldown = timedelta(hours=settings.alert_cooldown_hours)
    raised = raise_alerts(store, candidates, now=now, cooldown=cooldown)
    score_forecasts(store, indicators, now=now)
    trends_to_watch(store, values, indicators, now=now, horizon_days=settings.forecast_horizon_days)
    active = list(channels) if channels is not None else channels_from_settings(settings)
    send_pending(
        store,
        active,
        now=now,
        retries=settings.alert_retries,
        backoff_s=settings.alert_retry_backoff_s,
        sleep=sleep,
        # a channel that is down must not stall every watch pass: after this many failed
        # tries an alert waits for `watchfloor alerts send` (it is stored and listed meanwhile)
        max_attempts=settings.alert_retries * 8,
    )
    return list_alerts(store, ids=[a.id for a in raised]) if raised else []


# -- reading rows ---------------------------------------------------------------------------------


def _deliveries(store: Store, ids: Sequence[str]) -> dict[str, tuple[Delivery, ...]]:
    if not ids:
        return {}
    frame = store.query(
        "SELECT * FROM alert_deliveries WHERE alert_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY alert_id, channel",
        [list(ids)],
    )
    found: dict[str, list[Delivery]] = {}
    for row in frame.to_dict("records"):
        found.setdefault(str(row["alert_id"]), []).append(
            Delivery(
                channel=str(row["channel"]),
                status=str(row["status"]),
                attempts=int(row["attempts"]),
                last_attempt_at=to_utc(row["last_attempt_at"]),
                delivered_at=to_utc(row["delivered_at"]),
                last_error=None if is_missing(row["last_error"]) else str(row["last_error"]),
            )
        )
    return {k: tuple(v) for k, v in found.items()}


def _alert(row: dict[str, Any], deliveries: Sequence[Delivery]) -> Alert:
    def text(name: str) -> str | None:
        return None if is_missing(row[name]) else str(row[name])

    return Alert(
        id=str(row["id"]),
        kind=str(row["kind"]),
        subject=str(row["subject"]),
        dedup_key=str(row["dedup_key"]),
        created_at=to_utc(row["created_at"]) or datetime.min,
        title=str(row["title"]),
        message=str(row["message"]),
        value=None if is_missing(row["value"]) else float(row["value"]),
        evidence=tuple(Evidence.from_dict(e) for e in json.loads(row["evidence"] or "[]")),
        details=json.loads(row["details"] or "{}"),
        occurrences=int(row["occurrences"]),
        last_seen_at=to_utc(row["last_seen_at"]),
        acknowledged_at=to_utc(row["acknowledged_at"]),
        acknowledged_by=text("acknowledged_by"),
        ack_note=text("ack_note"),
        deliveries=tuple(deliveries),
    )
