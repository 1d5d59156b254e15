-- Which days each team's raw events cover, per kind: inside coverage a quiet week is a
-- real zero, outside it "no data" (docs/metrics.md, "Coverage"). Spans are whole days
-- in the team's UTC offset, [start_at, end_at), kept merged by the loader: an import's
-- events cover the whole weeks they fall in, a declared span (`--covers`, a git import
-- up to the day it ran) its days.
CREATE TABLE coverage (
    id       INTEGER PRIMARY KEY,
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL CHECK (kind = 'deployments' OR kind = 'incidents'),
    start_at INTEGER NOT NULL,
    end_at   INTEGER NOT NULL,
    CHECK (end_at > start_at)
) STRICT;

CREATE INDEX coverage_by_team ON coverage (team_id, kind, start_at);

-- A store from before coverage was recorded covers, per kind, the weeks from its first
-- to its last event, as an import of all of it would. In local days d since the epoch
-- (a Thursday), the Monday of d's week is d - (d + 3) % 7.
INSERT INTO coverage (team_id, kind, start_at, end_at)
SELECT d.team_id, 'deployments',
       (first - (first + 3) % 7) * 86400 - offset,
       (last - (last + 3) % 7 + 7) * 86400 - offset
FROM (SELECT d.team_id, t.utc_offset_minutes * 60 AS offset,
             (min(d.deployed_at) + t.utc_offset_minutes * 60) / 86400 AS first,
             (max(d.deployed_at) + t.utc_offset_minutes * 60) / 86400 AS last
      FROM deployments d JOIN teams t ON t.id = d.team_id
      GROUP BY d.team_id) d;

INSERT INTO coverage (team_id, kind, start_at, end_at)
SELECT i.team_id, 'incidents',
       (first - (first + 3) % 7) * 86400 - offset,
       (last - (last + 3) % 7 + 7) * 86400 - offset
FROM (SELECT i.team_id, t.utc_offset_minutes * 60 AS offset,
             (min(i.started_at) + t.utc_offset_minutes * 60) / 86400 AS first,
             (max(coalesce(i.resolved_at, i.started_at)) + t.utc_offset_minutes * 60) / 86400 AS last
      FROM incidents i JOIN teams t ON t.id = i.team_id
      GROUP BY i.team_id) i;
