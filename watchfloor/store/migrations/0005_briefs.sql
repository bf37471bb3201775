-- watchfloor schema v5: briefs as they were published, so the next brief of the same scope can say
-- what is new, what reversed and which arrows moved (watchfloor/brief/history.py).
CREATE TABLE briefs (
    id           VARCHAR PRIMARY KEY,
    scope_key    VARCHAR NOT NULL,   -- the scope without its window (BriefScope.key)
    scope        VARCHAR NOT NULL,   -- JSON: actors, dyads, indicators, topic
    style        VARCHAR NOT NULL,   -- analyst | explainer
    window_start DATE,
    window_end   DATE,
    generated_at TIMESTAMPTZ NOT NULL,
    generator    VARCHAR NOT NULL,
    summary      VARCHAR NOT NULL,   -- JSON: the comparable findings (see history.py)
    body         VARCHAR NOT NULL    -- JSON: the whole brief
);
CREATE INDEX briefs_scope ON briefs (scope_key, generated_at);

-- The full-text index over articles (DuckDB FTS, built by watchfloor/brief/search.py) is rebuilt
-- when the articles change; this row says what it was built from.
CREATE TABLE search_index_state (
    name       VARCHAR PRIMARY KEY,
    articles   BIGINT NOT NULL,
    newest     TIMESTAMPTZ,
    built_at   TIMESTAMPTZ NOT NULL
);
