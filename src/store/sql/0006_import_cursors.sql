-- How far an incremental importer (DevLake's database) has read each of its tables, per
-- team and source, so that a re-run reads only rows written since. Written in the same
-- transaction as the rows it covers: a failed import moves no cursor.
CREATE TABLE import_cursors (
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    source   TEXT    NOT NULL,
    -- The source's table the cursor is on, such as cicd_deployments.
    item     TEXT    NOT NULL,
    -- Opaque to the store: the importer's own position (DevLake: an updated_at value).
    position TEXT    NOT NULL,
    PRIMARY KEY (team_id, source, item)
) STRICT;
