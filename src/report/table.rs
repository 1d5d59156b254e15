use super::period_label;
use crate::domain::format_value;
use crate::domain::{DoraMetric, Unit};
use crate::metrics::Covered;
use crate::query::MetricTable;
use std::io::Write;

/// A plain-text table for people: one line per period, "no data" where there is none.
pub fn write_table(table: &MetricTable, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} · {} periods · UTC{}",
        crate::text::safe(&table.team.name),
        table.period_kind(),
        table.team.utc_offset
    )?;
    let mut header: Vec<String> = vec!["period".into(), "deploys".into()];
    header.extend(["deploy freq", "lead time", "change fail", "recovery", "rework"].map(String::from));
    header.extend(table.team_metrics.iter().map(|m| crate::text::safe(&m.name).into_owned()));
    let mut rows: Vec<Vec<String>> = vec![header];
    for p in &table.periods {
        let deploys = match p.covers(DoraMetric::DeploymentFrequency) {
            true => p.dora.get(DoraMetric::DeploymentFrequency).count.to_string(),
            false => "–".to_owned(),
        };
        let mut row = vec![period_label(p), deploys];
        for m in DoraMetric::ALL {
            let v = p.dora.get(m);
            let mut text = format_value(v.value, &m.unit());
            if v.source == Some(crate::metrics::ValueSource::Imported) {
                text.push('*');
            }
            // A rate shows the deployments it rests on: "22.2% (2 of 9)".
            let hits = match m {
                DoraMetric::ChangeFailureRate => Some(p.failed_deployments),
                DoraMetric::ReworkRate => Some(p.rework_deployments),
                _ => None,
            };
            if let (Some(hits), Some(_), Some(crate::metrics::ValueSource::Events)) = (hits, v.value, v.source) {
                text.push_str(&format!(" ({hits} of {})", v.count));
            }
            row.push(text);
        }
        row.extend(
            table.team_metrics.iter().zip(&p.team).map(|(m, v)| format_value(*v, &Unit::Custom(m.unit.clone()))),
        );
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") })
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    if table
        .periods
        .iter()
        .any(|p| DoraMetric::ALL.iter().any(|&m| p.dora.get(m).source == Some(crate::metrics::ValueSource::Imported)))
    {
        writeln!(out, "* imported from another tool for a period without raw events")?;
    }
    if table.periods.iter().any(|p| p.coverage.overall() == Covered::Partial) {
        writeln!(out, "partial: the team's data covers only some days of the period; its values are over those days")?;
    }
    if table.periods.iter().any(|p| !p.covers(DoraMetric::DeploymentFrequency)) {
        writeln!(out, "no data: the team's imports do not reach the period (see `retro import --help`, --covers)")?;
    }
    if table.periods.iter().any(|p| p.covers(DoraMetric::DeploymentFrequency) && !p.covers(DoraMetric::ReworkRate)) {
        writeln!(
            out,
            "rework no data: no import said which deployments of the period were hotfixes, rollbacks or fixes \
             forward (a kind column, or `retro import git`)"
        )?;
    }
    if table.diagnostics.incidents_without_production_deployment > 0 {
        writeln!(
            out,
            "{} incident(s) name no production deployment and are left out of change failure rate and recovery time.",
            table.diagnostics.incidents_without_production_deployment
        )?;
    }
    Ok(())
}
