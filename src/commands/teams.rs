use crate::cli::{ListFormat, TeamsCommand};
use crate::store::Store;
use crate::text::safe;
use anyhow::Result;
use std::io::Write;

pub fn run(store: &mut Store, cmd: &TeamsCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        TeamsCommand::Add { name, utc_offset } => {
            let team = store.add_team(name, *utc_offset)?;
            writeln!(out, "Added team {} (periods cut at UTC{}).", safe(&team.name), team.utc_offset)?;
            Ok(())
        }
        TeamsCommand::List { format } => {
            let teams = store.teams()?;
            match format {
                ListFormat::Json => {
                    let rows = teams
                        .iter()
                        .map(|t| {
                            let counts = store.team_counts(t)?;
                            Ok(serde_json::json!({
                                "name": t.name,
                                "utc_offset": t.utc_offset.to_string(),
                                "deployments": counts.deployments,
                                "changes": counts.changes,
                                "incidents": counts.incidents,
                                "team_metrics": counts.team_metrics,
                            }))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    writeln!(out, "{}", crate::text::json_pretty(&rows)?)?;
                }
                ListFormat::Table if teams.is_empty() => {
                    writeln!(out, "No teams yet. Add one with `retro teams add NAME`.")?;
                }
                ListFormat::Table => {
                    writeln!(
                        out,
                        "{:<24} {:>10} {:>12} {:>10} {:>10}",
                        "team", "offset", "deployments", "changes", "incidents"
                    )?;
                    for t in &teams {
                        let c = store.team_counts(t)?;
                        writeln!(
                            out,
                            "{:<24} {:>10} {:>12} {:>10} {:>10}",
                            safe(&t.name),
                            t.utc_offset.to_string(),
                            c.deployments,
                            c.changes,
                            c.incidents
                        )?;
                    }
                }
            }
            Ok(())
        }
    }
}
