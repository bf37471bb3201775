-- watchfloor schema v1: sources, articles, codings, events.
CREATE TABLE sources (
    name             VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL,
    url              VARCHAR,
    country          VARCHAR,
    language         VARCHAR,
    reliability      VARCHAR NOT NULL DEFAULT 'F',
    state_affiliated BOOLEAN NOT NULL DEFAULT FALSE,
    poll_interval_s  INTEGER NOT NULL DEFAULT 900,
    description      VARCHAR
);

CREATE TABLE articles (
    id            VARCHAR PRIMARY KEY,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    published_at  TIMESTAMPTZ,
    seen_at       TIMESTAMPTZ NOT NULL,
    source        VARCHAR,
    url           VARCHAR,
    canonical_url VARCHAR,
    language      VARCHAR,
    content_hash  VARCHAR NOT NULL,
    kind          VARCHAR,
    author        VARCHAR,
    duplicate_of  VARCHAR
);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE INDEX articles_curl ON articles (canonical_url);

-- Offered articles that were already stored: kept so stats can count duplicates.
CREATE TABLE duplicates (
    offered_id VARCHAR NOT NULL,
    stored_id  VARCHAR NOT NULL,
    source     VARCHAR,
    url        VARCHAR,
    seen_at    TIMESTAMPTZ NOT NULL
);

-- Which coder (name@version) last coded each article, even when it found no events.
CREATE TABLE codings (
    doc_id   VARCHAR PRIMARY KEY,
    coder    VARCHAR NOT NULL,
    coded_at TIMESTAMPTZ NOT NULL,
    n_events INTEGER NOT NULL
);

CREATE TABLE events (
    id                  VARCHAR PRIMARY KEY,
    doc_id              VARCHAR NOT NULL,
    sentence_index      INTEGER NOT NULL,
    sentence            VARCHAR NOT NULL,
    date                DATE,
    event_type          VARCHAR NOT NULL,
    mode                VARCHAR,
    cameo               VARCHAR NOT NULL,
    quad_class          TINYINT NOT NULL,
    goldstein           DOUBLE NOT NULL,
    actor_codes         VARCHAR[],
    actor_countries     VARCHAR[],
    recipient_codes     VARCHAR[],
    recipient_countries VARCHAR[],
    modality            VARCHAR NOT NULL,
    claim_stance        VARCHAR,
    claim_by_code       VARCHAR,
    claim_by_country    VARCHAR,
    fatalities          INTEGER,
    location_name       VARCHAR,
    location_country    VARCHAR,
    lat                 DOUBLE,
    lon                 DOUBLE,
    confidence          DOUBLE NOT NULL,
    coder               VARCHAR NOT NULL,
    pattern             VARCHAR,
    record              VARCHAR NOT NULL  -- the full JSON event record (the contract)
);
CREATE INDEX events_doc ON events (doc_id);
CREATE INDEX events_date ON events (date);
