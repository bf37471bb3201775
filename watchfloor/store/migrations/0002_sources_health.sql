-- watchfloor schema v2: what the poller knows about each source (ingest/registry.py, watch.py).

-- Per-source settings the Source record does not carry, as JSON: the link pattern an index page's
-- article links must match ("follow"), whether feed items fetch their page ("fetch_articles"),
-- and "enabled".
CREATE TABLE source_options (
    name    VARCHAR PRIMARY KEY,
    options VARCHAR NOT NULL
);

-- Conditional-GET validators, the watermark and the health of each source. The validators only
-- advance once every item of the response they came with is stored: a run killed half-way
-- fetches the whole response again instead of being told "304 Not Modified".
CREATE TABLE source_state (
    name                 VARCHAR PRIMARY KEY,
    etag                 VARCHAR,
    last_modified        VARCHAR,
    watermark            TIMESTAMPTZ,  -- newest publication time among the items stored
    last_attempt         TIMESTAMPTZ,
    last_success         TIMESTAMPTZ,
    last_error           VARCHAR,
    last_error_code      VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_due             TIMESTAMPTZ,
    items_stored         BIGINT NOT NULL DEFAULT 0
);

-- Every feed item or followed link already handled, with a fingerprint of what it looked like.
-- Written in the same transaction as the article it produced: the exactly-once record.
CREATE TABLE seen_items (
    source      VARCHAR NOT NULL,
    item_key    VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    article_id  VARCHAR,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, item_key)
);

-- MinHash signatures of fetched articles, for near-duplicate (syndicated copy) detection.
CREATE TABLE article_signatures (
    article_id VARCHAR PRIMARY KEY,
    signature  BLOB NOT NULL
);
