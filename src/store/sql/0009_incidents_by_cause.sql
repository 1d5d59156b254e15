-- The dashboard's reads of incidents (the causes of the deployments it shows, the
-- incidents of its periods, the link diagnostics) scan a team's incidents through this
-- index instead of its rows, and meet their deployments in id order: without it each
-- read looked up every incident of the team, at a cost that grew with the store.
CREATE INDEX incidents_by_cause ON incidents (team_id, deployment_ref, started_at, resolved_at);
