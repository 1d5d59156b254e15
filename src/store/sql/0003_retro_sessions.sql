-- Which process has a retro open in the terminal UI, so that a second window cannot
-- facilitate the same retro from its own stale copy and overwrite the other's draft.
-- A process id and a heartbeat only: nothing names the machine or the person.
CREATE TABLE retro_sessions (
    retro_id INTEGER PRIMARY KEY REFERENCES retros (id) ON DELETE CASCADE,
    pid      INTEGER NOT NULL,
    -- Wall-clock seconds, renewed every few seconds while the window is open.
    seen_at  INTEGER NOT NULL
) STRICT;
