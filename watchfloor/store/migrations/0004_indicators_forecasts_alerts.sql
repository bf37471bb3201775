-- watchfloor schema v4: forecasts ("trends to watch") and alerts with per-channel delivery state.
-- Written by watchfloor/analysis/forecasts.py and alerts.py; indicator definitions live in YAML.

-- A forecast: "indicator X will be rising/falling/steady by the horizon, with probability p".
CREATE TABLE forecasts (
    id                 VARCHAR PRIMARY KEY,
    indicator_id       VARCHAR NOT NULL,
    direction          VARCHAR NOT NULL,          -- rising | falling | steady
    probability        DOUBLE NOT NULL,
    made_at            TIMESTAMPTZ NOT NULL,
    horizon            DATE NOT NULL,
    value_at_made      DOUBLE,
    author             VARCHAR NOT NULL,
    note               VARCHAR,
    status             VARCHAR NOT NULL,          -- open | scored | void
    observed_direction VARCHAR,
    value_at_horizon   DOUBLE,
    hit                BOOLEAN,
    brier              DOUBLE,
    scored_at          TIMESTAMPTZ
);
CREATE INDEX forecasts_status ON forecasts (status, horizon);

-- An alert: stored before any channel is tried, so no failure can lose it.
CREATE TABLE alerts (
    id              VARCHAR PRIMARY KEY,
    kind            VARCHAR NOT NULL,             -- indicator | escalation
    subject         VARCHAR NOT NULL,             -- indicator id or "SRC>TGT"
    dedup_key       VARCHAR NOT NULL,             -- same key within the cool-down: same alert
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    occurrences     INTEGER NOT NULL DEFAULT 1,
    title           VARCHAR NOT NULL,
    message         VARCHAR NOT NULL,
    value           DOUBLE,
    evidence        VARCHAR NOT NULL,             -- JSON list of Evidence records
    details         VARCHAR NOT NULL,             -- JSON: formula, inputs, arrow...
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by VARCHAR,
    ack_note        VARCHAR
);
CREATE INDEX alerts_dedup ON alerts (dedup_key, created_at);

-- Delivery state per alert and channel; a channel with no "delivered" row is re-tried later.
CREATE TABLE alert_deliveries (
    alert_id        VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,             -- delivered | failed
    attempts        INTEGER NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    last_error      VARCHAR,
    PRIMARY KEY (alert_id, channel)
);
