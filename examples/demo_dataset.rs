//! Writes the demo team's dataset to assets/demo/: `cargo run --example demo_dataset`.
//!
//! The files are committed (the binary embeds them); this program documents how they
//! were made and lets the story be retold. Seeded, so it rewrites the same bytes.

use retro::domain::{Period, UtcOffset, parse_timestamp};
use retro::synth::{WeekProfile, story};
use std::io::Write;
use std::path::Path;

const WEEKS: usize = 60;

fn main() -> std::io::Result<()> {
    let start = parse_timestamp("2025-01-06 00:00:00").expect("a Monday");
    let steady = WeekProfile::STEADY;
    // AI coding assistants arrive: many more, smaller deployments, faster.
    let fast = WeekProfile { deploys: 19.0, changes_per_deploy: 3.2, lead_time_hours: 15.0, ..steady };
    // A few weeks later quality slips: more failures, more rework, slower recovery.
    let unstable = WeekProfile { failure_rate: 0.25, rework_rate: 0.21, recovery_hours: 6.0, ..fast };
    // The team chooses to slow down and pay off technical debt.
    let slow = WeekProfile {
        deploys: 6.0,
        changes_per_deploy: 4.5,
        failure_rate: 0.14,
        rework_rate: 0.10,
        lead_time_hours: 42.0,
        recovery_hours: 3.5,
    };
    // Afterwards: steadier than ever.
    let healthy = WeekProfile {
        deploys: 14.0,
        changes_per_deploy: 3.0,
        failure_rate: 0.05,
        rework_rate: 0.04,
        lead_time_hours: 17.0,
        recovery_hours: 1.8,
    };

    let mut weeks = Vec::with_capacity(WEEKS);
    let mut phase = |from: WeekProfile, to: WeekProfile, n: usize| {
        for i in 0..n {
            weeks.push(from.towards(&to, (i + 1) as f64 / n as f64));
        }
    };
    phase(steady, steady, 16); // weeks 1-16
    phase(steady, fast, 3); // 17-19: the sharp rise
    phase(fast, fast, 3); // 20-22: fast, still stable
    phase(fast, unstable, 4); // 23-26: failures and rework follow
    phase(unstable, unstable, 6); // 27-32
    phase(unstable, slow, 2); // 33-34: the deliberate slow-down
    phase(slow, slow, 8); // 35-42: paying down debt
    phase(slow, healthy, 6); // 43-48
    phase(healthy, healthy, 12); // 49-60
    assert_eq!(weeks.len(), WEEKS);

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    story(2025, start, &weeks).write_csv(&dir)?;
    write_team_metrics(&dir, start, &weeks)
}

/// Customer satisfaction (1 to 5) and escaped defects per week, which follow the
/// failure rate with a lag.
fn write_team_metrics(dir: &Path, start: i64, weeks: &[WeekProfile]) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(60);
    let mut w = std::fs::File::create(dir.join("metrics.csv"))?;
    writeln!(w, "name,unit,polarity,period,value")?;
    for (i, _) in weeks.iter().enumerate() {
        let lagged = weeks[i.saturating_sub(2)].failure_rate;
        let period = Period::containing(start + i as i64 * 7 * 86_400, Default::default(), UtcOffset::UTC);
        let satisfaction = (4.5 - 4.0 * lagged + rng.f64() * 0.3 - 0.15).clamp(1.0, 5.0);
        let defects = (30.0 * lagged + rng.f64() * 2.0).round();
        let (unit, polarity) = if i == 0 { ("score (1-5)", "higher_is_better") } else { ("", "") };
        writeln!(w, "customer_satisfaction,{unit},{polarity},{},{satisfaction:.2}", period.label())?;
        let (unit, polarity) = if i == 0 { ("defects", "lower_is_better") } else { ("", "") };
        writeln!(w, "escaped_defects,{unit},{polarity},{},{defects}", period.label())?;
    }
    Ok(())
}
