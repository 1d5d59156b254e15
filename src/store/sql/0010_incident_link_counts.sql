-- Per team, the two link diagnostics of its incidents (`store::read::link_diagnostics`):
-- those that name no production deployment, and those that name one made after they
-- started. Counting them means meeting every incident of the team with its deployment,
-- a cost that grows with the store; they are kept here instead, the way the day
-- summaries (0008) are kept, and a reader uses them only where nothing can have changed
-- since they were written:
-- - incidents inserted since: every row id above `incident_count_mark.through_id` is
--   uncounted (its team's counts grow by its own, at the next refresh);
-- - incidents updated or deleted since, and deployments whose time, environment or team
--   changed or that were deleted: the triggers below name their teams in
--   `incident_count_stale`, whose counts are taken again from the events.
-- `store::summaries::incidents::refresh` does both in the transaction of every import;
-- the first open of this version counts every team. A team without a row has none of
-- either. Inserts have no trigger, as in 0008.

CREATE TABLE incident_counts (
    team_id                       INTEGER PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    without_production_deployment INTEGER NOT NULL,
    before_their_deployment       INTEGER NOT NULL
) STRICT;

-- The highest incident id the counts account for.
CREATE TABLE incident_count_mark (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    through_id INTEGER NOT NULL
) STRICT;

INSERT INTO incident_count_mark (one, through_id) VALUES (1, 0);

-- Teams whose counts may no longer hold.
CREATE TABLE incident_count_stale (
    team_id INTEGER PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- NOT EXISTS rather than OR IGNORE: a statement with its own conflict clause (the
-- loader's upserts) imposes it on the triggers it fires.

-- What an incident contributes depends on its team, its start and its deployment.
CREATE TRIGGER incident_counts_on_update AFTER UPDATE OF id, team_id, started_at, deployment_ref ON incidents
WHEN OLD.id IS NOT NEW.id OR OLD.team_id IS NOT NEW.team_id OR OLD.started_at IS NOT NEW.started_at
  OR OLD.deployment_ref IS NOT NEW.deployment_ref
BEGIN
    INSERT INTO incident_count_stale (team_id) SELECT OLD.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = OLD.team_id);
    INSERT INTO incident_count_stale (team_id) SELECT NEW.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = NEW.team_id);
END;

-- A deleted row's team is stale; as in 0008, the watermark drops to the highest id left
-- so that an id SQLite gives again is not taken as counted.
CREATE TRIGGER incident_counts_on_delete AFTER DELETE ON incidents
BEGIN
    INSERT INTO incident_count_stale (team_id) SELECT OLD.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = OLD.team_id);
    UPDATE incident_count_mark SET through_id = (SELECT coalesce(max(id), 0) FROM incidents)
    WHERE through_id > (SELECT coalesce(max(id), 0) FROM incidents);
END;

-- The incidents that name a deployment are of its team (the loader links within a team);
-- those of any other team are made stale by the SET NULL or the relink that follows.
CREATE TRIGGER incident_counts_on_deployment_update
AFTER UPDATE OF id, team_id, deployed_at, is_production ON deployments
WHEN OLD.id IS NOT NEW.id OR OLD.team_id IS NOT NEW.team_id OR OLD.deployed_at IS NOT NEW.deployed_at
  OR OLD.is_production IS NOT NEW.is_production
BEGIN
    INSERT INTO incident_count_stale (team_id) SELECT OLD.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = OLD.team_id);
    INSERT INTO incident_count_stale (team_id) SELECT NEW.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = NEW.team_id);
END;

CREATE TRIGGER incident_counts_on_deployment_delete AFTER DELETE ON deployments
BEGIN
    INSERT INTO incident_count_stale (team_id) SELECT OLD.team_id
    WHERE NOT EXISTS (SELECT 1 FROM incident_count_stale WHERE team_id = OLD.team_id);
END;

-- Every team's incidents are counted on the first open (the migration's backfill).
INSERT INTO incident_count_stale (team_id) SELECT DISTINCT team_id FROM incidents;
UPDATE incident_count_mark SET through_id = (SELECT coalesce(max(id), 0) FROM incidents);
