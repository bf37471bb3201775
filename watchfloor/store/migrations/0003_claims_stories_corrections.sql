-- watchfloor schema v3: analyst corrections (an append-only audit trail) and story membership.

-- Every analyst action on an event, claim or story. Rows are never updated or deleted: the
-- effective state of a target is read by replaying its rows in created_at order.
CREATE TABLE corrections (
    id          VARCHAR PRIMARY KEY,
    target_kind VARCHAR NOT NULL,   -- event | claim | story
    target_id   VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,   -- comment | confirm | correct | reject
    analyst     VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    note        VARCHAR,            -- why (or the comment itself)
    changes     VARCHAR,            -- JSON object: corrected field -> new value
    original    VARCHAR             -- JSON snapshot of the target when the analyst acted
);
CREATE INDEX corrections_target ON corrections (target_kind, target_id);

-- Which story each article belongs to. Written incrementally: new articles are assigned to an
-- existing story or start one; earlier assignments are kept unless the grouping is rebuilt.
CREATE TABLE story_members (
    article_id  VARCHAR PRIMARY KEY,
    story_id    VARCHAR NOT NULL,
    score       DOUBLE NOT NULL,    -- similarity to the story when assigned (1 for the first)
    reason      VARCHAR NOT NULL,   -- first | duplicate | text | events
    assigned_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX story_members_story ON story_members (story_id);
