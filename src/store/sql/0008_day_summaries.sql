-- The facts the metric engine reads of a team's deployments and deployed changes, one
-- row per team and UTC day (`floor(t / 86400)`), so that a dashboard over months reads a
-- few hundred rows instead of millions (docs/performance.md). Each blob holds exactly
-- what `store::read` would read of that day's rows, in the same order
-- (`store::summaries::codec`); a reader uses it only where nothing can have changed
-- since it was written:
-- - rows inserted since: every row id above `summary_marks.through_id` is unsummarised;
-- - rows updated or deleted since: the triggers below name their days in `summary_stale`.
-- `store::summaries::refresh` rebuilds what those name, in the transaction of every
-- import, and the first open of this version fills the tables from the events.
-- Inserts have no trigger on purpose: a trigger per inserted row costs a bulk import
-- about a quarter of its time, a rowid watermark nothing.

CREATE TABLE change_days (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    day     INTEGER NOT NULL,
    facts   BLOB    NOT NULL,
    PRIMARY KEY (team_id, day)
) STRICT;

CREATE TABLE deployment_days (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    day     INTEGER NOT NULL,
    facts   BLOB    NOT NULL,
    PRIMARY KEY (team_id, day)
) STRICT;

-- Per event table, the highest row id the day tables account for.
CREATE TABLE summary_marks (
    source_table TEXT    PRIMARY KEY CHECK (source_table = 'changes' OR source_table = 'deployments'),
    through_id   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO summary_marks (source_table, through_id) VALUES ('changes', 0), ('deployments', 0);

-- Days whose rows changed after their summary was written.
CREATE TABLE summary_stale (
    source_table TEXT    NOT NULL CHECK (source_table = 'changes' OR source_table = 'deployments'),
    team_id      INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    PRIMARY KEY (source_table, team_id, day)
) STRICT, WITHOUT ROWID;

-- floor(t / 86400) for any sign of t: SQLite's `/` and `%` truncate toward zero.
CREATE TRIGGER change_days_on_update AFTER UPDATE OF team_id, deployed_at, committed_at ON changes
WHEN OLD.team_id IS NOT NEW.team_id OR OLD.deployed_at IS NOT NEW.deployed_at
  OR OLD.committed_at IS NOT NEW.committed_at
BEGIN
    INSERT OR IGNORE INTO summary_stale (source_table, team_id, day)
    SELECT 'changes', OLD.team_id, (OLD.deployed_at - (OLD.deployed_at % 86400 + 86400) % 86400) / 86400
    WHERE OLD.deployed_at IS NOT NULL;
    INSERT OR IGNORE INTO summary_stale (source_table, team_id, day)
    SELECT 'changes', NEW.team_id, (NEW.deployed_at - (NEW.deployed_at % 86400 + 86400) % 86400) / 86400
    WHERE NEW.deployed_at IS NOT NULL;
END;

-- A deleted row's day is stale. Deleting the rows with the highest ids lets SQLite give
-- their ids to new rows, which the watermark would take as summarised: it drops to the
-- highest id left.
CREATE TRIGGER change_days_on_delete AFTER DELETE ON changes
BEGIN
    INSERT OR IGNORE INTO summary_stale (source_table, team_id, day)
    SELECT 'changes', OLD.team_id, (OLD.deployed_at - (OLD.deployed_at % 86400 + 86400) % 86400) / 86400
    WHERE OLD.deployed_at IS NOT NULL;
    UPDATE summary_marks SET through_id = (SELECT coalesce(max(id), 0) FROM changes)
    WHERE source_table = 'changes' AND through_id > (SELECT coalesce(max(id), 0) FROM changes);
END;

CREATE TRIGGER deployment_days_on_update
AFTER UPDATE OF team_id, deployed_at, is_production, status, kind ON deployments
WHEN OLD.team_id IS NOT NEW.team_id OR OLD.deployed_at IS NOT NEW.deployed_at
  OR OLD.is_production IS NOT NEW.is_production OR OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
BEGIN
    INSERT OR IGNORE INTO summary_stale (source_table, team_id, day)
    VALUES ('deployments', OLD.team_id, (OLD.deployed_at - (OLD.deployed_at % 86400 + 86400) % 86400) / 86400),
           ('deployments', NEW.team_id, (NEW.deployed_at - (NEW.deployed_at % 86400 + 86400) % 86400) / 86400);
END;

CREATE TRIGGER deployment_days_on_delete AFTER DELETE ON deployments
BEGIN
    INSERT OR IGNORE INTO summary_stale (source_table, team_id, day)
    VALUES ('deployments', OLD.team_id, (OLD.deployed_at - (OLD.deployed_at % 86400 + 86400) % 86400) / 86400);
    UPDATE summary_marks SET through_id = (SELECT coalesce(max(id), 0) FROM deployments)
    WHERE source_table = 'deployments' AND through_id > (SELECT coalesce(max(id), 0) FROM deployments);
END;
