-- Teams and the raw delivery events their metrics are computed from.
-- Instants are Unix seconds, UTC. Nothing here identifies a person.
-- CHECKs spell out `x = 'a' OR x = 'b'` rather than `x IN ('a', 'b')`: SQLite builds a
-- temporary table for an IN list on every row inserted, which halves import speed.

CREATE TABLE teams (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    utc_offset_minutes INTEGER NOT NULL DEFAULT 0 CHECK (utc_offset_minutes BETWEEN -1080 AND 1080),
    created_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE deployments (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    external_id   TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    deployed_at   INTEGER NOT NULL,
    environment   TEXT    NOT NULL,
    is_production INTEGER NOT NULL CHECK (is_production = 0 OR is_production = 1),
    service       TEXT,
    status        TEXT    NOT NULL CHECK (status = 'success' OR status = 'failed' OR status = 'rolled_back'),
    kind          TEXT    NOT NULL
                  CHECK (kind = 'planned' OR kind = 'hotfix' OR kind = 'rollback' OR kind = 'fix_forward'),
    UNIQUE (team_id, external_id)
) STRICT;

-- Covering for the metric engine's one range scan of a team's deployments.
CREATE INDEX deployments_by_time ON deployments (team_id, deployed_at, is_production, status, kind);

CREATE TABLE changes (
    id                     INTEGER PRIMARY KEY,
    team_id                INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    external_id            TEXT    NOT NULL,
    source                 TEXT    NOT NULL,
    committed_at           INTEGER NOT NULL,
    -- As imported: the deployment that shipped the change, when the source says.
    deployment_external_id TEXT,
    service                TEXT,
    -- Derived by the loader from the deployments: the deployment the change belongs to
    -- and, when that is a production deployment at or after the commit, its time. Not a
    -- foreign key: the loader keeps it right, and checking it costs a fifth of an import.
    deployment_ref         INTEGER,
    deployed_at            INTEGER,
    UNIQUE (team_id, external_id)
) STRICT;

-- Lead time reads (deployed_at, committed_at) of one team's deployed changes in a range.
CREATE INDEX changes_by_deploy_time ON changes (team_id, deployed_at, committed_at)
    WHERE deployed_at IS NOT NULL;
-- The few changes that are not (yet) deployed, for the diagnostics that count them.
CREATE INDEX changes_undeployed ON changes (team_id) WHERE deployed_at IS NULL;
-- Changes that name a deployment not imported yet, linked when it arrives.
CREATE INDEX changes_waiting ON changes (team_id, deployment_external_id)
    WHERE deployment_ref IS NULL AND deployment_external_id IS NOT NULL;
-- Relinking changes that wait for "the first production deployment after the commit".
CREATE INDEX changes_unnamed_by_commit ON changes (team_id, committed_at)
    WHERE deployment_external_id IS NULL;

CREATE TABLE incidents (
    id                     INTEGER PRIMARY KEY,
    team_id                INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    external_id            TEXT    NOT NULL,
    source                 TEXT    NOT NULL,
    started_at             INTEGER NOT NULL,
    resolved_at            INTEGER CHECK (resolved_at IS NULL OR resolved_at >= started_at),
    deployment_external_id TEXT,
    -- Derived by the loader: the deployment named as the cause, once it is known.
    deployment_ref         INTEGER REFERENCES deployments (id) ON DELETE SET NULL,
    UNIQUE (team_id, external_id)
) STRICT;

CREATE INDEX incidents_by_deployment ON incidents (team_id, deployment_external_id)
    WHERE deployment_external_id IS NOT NULL;

-- Team-chosen metrics (customer satisfaction, escaped defects, ...).
CREATE TABLE metric_definitions (
    id       INTEGER PRIMARY KEY,
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name     TEXT    NOT NULL,
    unit     TEXT    NOT NULL,
    polarity TEXT    NOT NULL CHECK (polarity = 'higher_is_better' OR polarity = 'lower_is_better'),
    UNIQUE (team_id, name)
) STRICT;

-- One value per period (label such as 2025-W03 or 2025-03) of a team-chosen metric.
CREATE TABLE metric_samples (
    id          INTEGER PRIMARY KEY,
    metric_id   INTEGER NOT NULL REFERENCES metric_definitions (id) ON DELETE CASCADE,
    granularity TEXT    NOT NULL CHECK (granularity = 'week' OR granularity = 'month'),
    period      TEXT    NOT NULL,
    value       REAL    NOT NULL,
    source      TEXT    NOT NULL,
    UNIQUE (metric_id, granularity, period)
) STRICT;

-- Pre-aggregated DORA values from another tool, used for periods without raw events.
CREATE TABLE dora_samples (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    metric      TEXT    NOT NULL CHECK (metric = 'deployment_frequency' OR metric = 'change_lead_time'
                    OR metric = 'change_failure_rate' OR metric = 'failed_deployment_recovery_time'
                    OR metric = 'deployment_rework_rate'),
    granularity TEXT    NOT NULL CHECK (granularity = 'week' OR granularity = 'month'),
    period      TEXT    NOT NULL,
    value       REAL    NOT NULL,
    source      TEXT    NOT NULL,
    UNIQUE (team_id, metric, granularity, period)
) STRICT;
