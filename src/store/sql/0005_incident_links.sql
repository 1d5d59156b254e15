-- Incidents learn the service they hit and how one that names no deployment is linked.
-- (Number 0005: 0004 belongs to data coverage, written at the same time.)

ALTER TABLE incidents ADD COLUMN service TEXT;

-- 'by_time': linked to the last production deployment of its service at or before its
-- start, and kept so by the loader as deployments come and go. NULL: only the
-- deployment it names, if any.
ALTER TABLE incidents ADD COLUMN link_rule TEXT CHECK (link_rule IS NULL OR link_rule = 'by_time');

CREATE INDEX incidents_linked_by_time ON incidents (team_id) WHERE link_rule IS NOT NULL;
