//! Routine variation: is a change beyond what the team's own numbers do anyway?
//!
//! One rule decides it for every change retro shows or ranks (dashboard deltas, the
//! retro's biggest moves and the prompts they pick, signals, action verdicts); its
//! definition and worked examples are in docs/metrics.md ("Routine variation"):
//!
//! 1. **Natural process limits** (an XmR chart, Wheeler's "Understanding Variation"):
//!    over the trailing periods with data, the centre line is the mean of their values
//!    and the limits are `centre ± 2.66 × average moving range`. A value pooled over
//!    `m` periods varies less than one period's, so its limits narrow by `√m`; when the
//!    centre is itself a value pooled over `k` periods (a baseline window), its own
//!    variation widens them: `× √(1/m + 1/k)` in all.
//! 2. **Few events**: for a share of deployments (failure rate, rework rate) or a count
//!    over days (deployment frequency), a value beyond the limits still counts only when
//!    an exact test says chance alone is unlikely to give it with that many events:
//!    Fisher's exact test for shares, the conditional binomial test of two Poisson
//!    counts for frequencies, one-sided in the direction of the move, at a two-sided
//!    significance level of 5 % (2.5 % each way).
//!
//! The rule is pure and knows nothing of the store.

use serde::Serialize;

/// Wheeler's scaling factor: 3 sigma, with sigma estimated as the average moving range
/// divided by d2 = 1.128.
pub const LIMIT_FACTOR: f64 = 2.66;
/// Trailing values with data the limits need (two moving ranges).
pub const MIN_TRAILING: usize = 3;
/// Two-sided significance level of the exact tests; each direction uses half of it.
pub const SIGNIFICANCE: f64 = 0.05;

/// Values this close to a limit count as on it, whatever the rounding.
const EPSILON: f64 = 1e-9;

/// The events a value rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Events {
    /// A share, in percent: `hits` of `of` (failed or rework deployments of all).
    Share { hits: u64, of: u64 },
    /// A rate: `events` over `days` (deployments a day).
    Count { events: u64, days: f64 },
    /// No model of its chance variation: medians of durations, team-chosen and imported
    /// values. The limits alone decide.
    Unmodelled,
}

impl Events {
    /// Two event sets pooled, when both are of the same kind.
    fn pooled(self, other: Events) -> Events {
        match (self, other) {
            (Events::Share { hits: a, of: n }, Events::Share { hits: b, of: m }) => {
                Events::Share { hits: a + b, of: n + m }
            }
            (Events::Count { events: a, days: d }, Events::Count { events: b, days: e }) => {
                Events::Count { events: a + b, days: d + e }
            }
            _ => Events::Unmodelled,
        }
    }
}

/// One value with the events behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub events: Events,
}

impl Reading {
    pub fn new(value: f64, events: Events) -> Self {
        Reading { value, events }
    }

    pub fn unmodelled(value: f64) -> Self {
        Reading { value, events: Events::Unmodelled }
    }
}

/// The usual range of a metric: centre line and natural process limits, in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UsualRange {
    pub centre: f64,
    pub lower: f64,
    pub upper: f64,
}

/// What a judged change is against: a centre, the routine spread of the periods around
/// it, and the events the centre rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reference {
    pub centre: f64,
    /// Average moving range of the trailing values.
    pub moving_range: f64,
    /// The trailing periods' events pooled (or the baseline window's).
    pub events: Events,
    /// Whether every trailing value is at least zero: then the range never goes below 0.
    non_negative: bool,
    /// The periods the centre pools, when it is a window's value rather than a line.
    centre_periods: Option<usize>,
}

impl Reference {
    /// The trailing periods with data, oldest first: centre is their mean. `None` with
    /// fewer than [`MIN_TRAILING`].
    pub fn trailing(readings: &[Reading]) -> Option<Self> {
        let values: Vec<f64> = readings.iter().map(|r| r.value).collect();
        let centre = values.iter().sum::<f64>() / values.len().max(1) as f64;
        let events = readings.iter().map(|r| r.events).reduce(Events::pooled).unwrap_or(Events::Unmodelled);
        Self::around(Reading { value: centre, events }, &values)
    }

    /// A reference whose centre is a value taken elsewhere (an action's baseline, a
    /// signal's baseline window), with the routine spread of `spread` (per-period values
    /// with data, oldest first). `None` when `spread` has fewer than [`MIN_TRAILING`].
    pub fn around(centre: Reading, spread: &[f64]) -> Option<Self> {
        if spread.len() < MIN_TRAILING {
            return None;
        }
        let ranges: Vec<f64> = spread.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        Some(Reference {
            centre: centre.value,
            moving_range: ranges.iter().sum::<f64>() / ranges.len() as f64,
            events: centre.events,
            non_negative: centre.value >= 0.0 && spread.iter().all(|v| *v >= 0.0),
            centre_periods: None,
        })
    }

    /// The centre is a value pooled over `periods` periods (a baseline window): its own
    /// chance variation widens the limits of what is compared with it.
    pub fn pooled_over(self, periods: usize) -> Self {
        Reference { centre_periods: Some(periods.max(1)), ..self }
    }

    /// The limits of a value pooled over `periods` periods (1 for a single period).
    pub fn range(&self, periods: usize) -> UsualRange {
        let centre = self.centre_periods.map_or(0.0, |k| 1.0 / k as f64);
        let half = LIMIT_FACTOR * self.moving_range * (1.0 / periods.max(1) as f64 + centre).sqrt();
        let lower = self.centre - half;
        UsualRange {
            centre: self.centre,
            lower: if self.non_negative { lower.max(0.0) } else { lower },
            upper: self.centre + half,
        }
    }
}

/// Where a value lies against the usual range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    /// Above the upper limit, on enough events.
    Above,
    /// Within the usual range, or beyond it on too few events to tell from chance.
    Within,
    /// Below the lower limit, on enough events.
    Below,
}

/// The rule's answer, with the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    pub variation: Variation,
    pub range: UsualRange,
    /// The exact test's one-sided p-value, when the value was beyond the limits and its
    /// events have a model.
    pub p_value: Option<f64>,
}

/// Judges `current`, pooled over `periods` periods, against `reference`.
pub fn judge(current: &Reading, periods: usize, reference: &Reference) -> Judgement {
    let range = reference.range(periods);
    let beyond = if current.value > range.upper + EPSILON {
        Some(Variation::Above)
    } else if current.value < range.lower - EPSILON {
        Some(Variation::Below)
    } else {
        None
    };
    let Some(side) = beyond else {
        return Judgement { variation: Variation::Within, range, p_value: None };
    };
    let p_value = exact_p(current.events, reference.events, side == Variation::Above);
    let by_chance = p_value.is_some_and(|p| p >= SIGNIFICANCE / 2.0);
    Judgement { variation: if by_chance { Variation::Within } else { side }, range, p_value }
}

/// The chance of a value at least this far from the reference's in the direction of the
/// move (`up`), if both rested on one underlying rate. `None` without a model.
fn exact_p(current: Events, reference: Events, up: bool) -> Option<f64> {
    match (current, reference) {
        (Events::Share { hits: k, of: n }, Events::Share { hits: kr, of: nr }) if n > 0 && nr > 0 => {
            Some(fisher(k, n, kr + k, nr + n, up))
        }
        (Events::Count { events: c, days: d }, Events::Count { events: cr, days: dr }) if d > 0.0 && dr > 0.0 => {
            Some(binomial_tail(c, c + cr, d / (d + dr), up))
        }
        _ => None,
    }
}

/// Fisher's exact test, one-sided: `k` hits in a sample of `n`, of `hits` hits among
/// `total` in both samples together. The hits in the sample are hypergeometric.
fn fisher(k: u64, n: u64, hits: u64, total: u64, up: bool) -> f64 {
    let lo = (n + hits).saturating_sub(total);
    let hi = n.min(hits);
    let pmf = |x: u64| (ln_choose(hits, x) + ln_choose(total - hits, n - x) - ln_choose(total, n)).exp();
    let tail: f64 = if up { (k..=hi).map(pmf).sum() } else { (lo..=k).map(pmf).sum() };
    tail.min(1.0)
}

/// `P(X ≥ k)` (or `P(X ≤ k)` when not `up`) for `X ~ Binomial(n, q)`.
fn binomial_tail(k: u64, n: u64, q: f64, up: bool) -> f64 {
    let pmf = |x: u64| {
        let ln_q = if x == 0 { 0.0 } else { x as f64 * q.ln() };
        let ln_r = if x == n { 0.0 } else { (n - x) as f64 * (1.0 - q).ln() };
        (ln_choose(n, x) + ln_q + ln_r).exp()
    };
    let tail: f64 = if up { (k..=n).map(pmf).sum() } else { (0..=k).map(pmf).sum() };
    tail.min(1.0)
}

fn ln_choose(n: u64, k: u64) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

/// `ln(n!)`: exact sums for small `n`, Stirling's series (error below 1e-12) above.
fn ln_factorial(n: u64) -> f64 {
    if n < 64 {
        return (2..=n).map(|i| (i as f64).ln()).sum();
    }
    let x = n as f64;
    x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_tails_match_hand_sums() {
        // One hit in 25, none in 150: P(the one hit falls in the 25) = 25/175.
        assert!((fisher(1, 25, 1, 175, true) - 25.0 / 175.0).abs() < 1e-12);
        // X ~ Binomial(4, 0.5): P(X ≥ 3) = 5/16.
        assert!((binomial_tail(3, 4, 0.5, true) - 5.0 / 16.0).abs() < 1e-12);
        assert!((binomial_tail(1, 4, 0.5, false) - 5.0 / 16.0).abs() < 1e-12);
        // Stirling's series agrees with the exact sum where they meet.
        let exact: f64 = (2..=64).map(|i| (i as f64).ln()).sum();
        assert!((ln_factorial(64) - exact).abs() < 1e-9);
    }
}
