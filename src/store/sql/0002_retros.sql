-- Retros and what they record: anonymous vote counts, notes, drafts being typed,
-- improvement actions and their reviews. Nothing here is attributed to a person; an
-- action's volunteer is free text that nothing aggregates.

CREATE TABLE retros (
    id           INTEGER PRIMARY KEY,
    team_id      INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- The days under review, [window_start, window_end).
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL CHECK (window_end > window_start),
    stage        TEXT    NOT NULL CHECK (stage = 'set_the_stage' OR stage = 'review_actions'
                     OR stage = 'look_at_data' OR stage = 'whats_blocking' OR stage = 'decide_actions'
                     OR stage = 'close'),
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER
) STRICT;

CREATE INDEX retros_by_team ON retros (team_id, started_at);

-- How many people chose each score: never who chose what.
CREATE TABLE retro_votes (
    retro_id INTEGER NOT NULL REFERENCES retros (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind = 'safety' OR kind = 'return_on_time'),
    score    INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (retro_id, kind, score)
) STRICT;

CREATE TABLE retro_notes (
    id         INTEGER PRIMARY KEY,
    retro_id   INTEGER NOT NULL REFERENCES retros (id) ON DELETE CASCADE,
    prompt_key TEXT    NOT NULL,
    prompt     TEXT    NOT NULL,
    -- A DORA metric's key or a team metric's name.
    metric     TEXT,
    body       TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX retro_notes_by_retro ON retro_notes (retro_id, id);

-- The note being typed, saved every few seconds: one per retro.
CREATE TABLE retro_drafts (
    retro_id INTEGER PRIMARY KEY REFERENCES retros (id) ON DELETE CASCADE,
    -- A prompt's key for a new note, or 'note:ID' when editing one.
    target   TEXT    NOT NULL,
    body     TEXT    NOT NULL,
    saved_at INTEGER NOT NULL
) STRICT;

CREATE TABLE actions (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    retro_id       INTEGER REFERENCES retros (id) ON DELETE SET NULL,
    title          TEXT    NOT NULL CHECK (length(trim(title)) > 0),
    description    TEXT,
    metric         TEXT    NOT NULL,
    expected       TEXT    NOT NULL CHECK (expected = 'improve' OR expected = 'hold_steady'
                       OR expected = 'intended_worsening'),
    target         REAL,
    due_date       TEXT,
    volunteer      TEXT,
    status         TEXT    NOT NULL DEFAULT 'open'
                       CHECK (status = 'open' OR status = 'done' OR status = 'dropped'),
    closing_note   TEXT,
    -- The metric over the window the action was created in, snapshotted then.
    baseline       REAL,
    baseline_start INTEGER NOT NULL,
    baseline_end   INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    closed_at      INTEGER
) STRICT;

CREATE INDEX actions_by_team ON actions (team_id, status);

CREATE TABLE action_reviews (
    id           INTEGER PRIMARY KEY,
    retro_id     INTEGER NOT NULL REFERENCES retros (id) ON DELETE CASCADE,
    action_id    INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    decision     TEXT    NOT NULL CHECK (decision = 'done' OR decision = 'keep' OR decision = 'drop'),
    metric_value REAL,
    note         TEXT,
    reviewed_at  INTEGER NOT NULL,
    UNIQUE (retro_id, action_id)
) STRICT;

CREATE INDEX action_reviews_by_action ON action_reviews (action_id, reviewed_at);
