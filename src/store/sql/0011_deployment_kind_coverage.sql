-- Which days the team's imports said the kind of each deployment for (planned, hotfix,
-- rollback, fix-forward): the rework rate rests on it (docs/metrics.md, "Coverage"). Most
-- tools' deployment records have no kind, and their rows are stored as planned; without
-- this, their weeks read as a rework rate of 0 %.
-- SQLite cannot widen a CHECK: the small coverage table is rebuilt with the new kind.
CREATE TABLE coverage_new (
    id       INTEGER PRIMARY KEY,
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL
             CHECK (kind = 'deployments' OR kind = 'incidents' OR kind = 'deployment_kinds'),
    start_at INTEGER NOT NULL,
    end_at   INTEGER NOT NULL,
    CHECK (end_at > start_at)
) STRICT;

INSERT INTO coverage_new (id, team_id, kind, start_at, end_at)
SELECT id, team_id, kind, start_at, end_at FROM coverage;

DROP TABLE coverage;
ALTER TABLE coverage_new RENAME TO coverage;
CREATE INDEX coverage_by_team ON coverage (team_id, kind, start_at);

-- A store from before this version cannot tell a file without a `kind` column from one
-- whose deployments were all planned. A team's deployment coverage counts as saying
-- kinds where something shows its sources do: a git history (classified by the rework
-- rule), the demo, or any deployment that is not planned. Others read "no data" for
-- rework until a file with kinds is imported again.
INSERT INTO coverage (team_id, kind, start_at, end_at)
SELECT c.team_id, 'deployment_kinds', c.start_at, c.end_at
FROM coverage c
WHERE c.kind = 'deployments'
  AND EXISTS (SELECT 1 FROM deployments d
              WHERE d.team_id = c.team_id
                AND (d.kind <> 'planned' OR d.source = 'demo' OR d.source LIKE 'git:%'));
