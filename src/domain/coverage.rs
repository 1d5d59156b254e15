//! Which span of time a team's raw events cover: the days its imports speak for.
//!
//! Inside coverage, a day without deployments is a day on which nothing was deployed;
//! outside it, nothing is known. How a period reads through this is the metric layer's
//! rule ([`crate::metrics::PeriodCoverage`]); this is only the data.

use super::Timestamp;

/// The kinds of raw events whose coverage is tracked separately: a team may import
/// deployments up to today and incidents up to last month.
///
/// Changes have no coverage of their own: a change belongs to the period of the
/// deployment that shipped it, so it is covered where deployments are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoverageKind {
    Deployments,
    Incidents,
    /// Deployments whose source says which were planned and which were rework (hotfix,
    /// rollback, fix-forward). Most tools' deployment records do not: where no import
    /// said, every deployment reads as planned, and a rework rate would be a confident 0 %.
    DeploymentKinds,
}

impl CoverageKind {
    pub const ALL: [CoverageKind; 3] = [Self::Deployments, Self::Incidents, Self::DeploymentKinds];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployments => "deployments",
            Self::Incidents => "incidents",
            Self::DeploymentKinds => "deployment_kinds",
        }
    }

    /// The name shown to people, as in "no {label} data".
    pub fn label(self) -> &'static str {
        match self {
            Self::Deployments => "deployments",
            Self::Incidents => "incidents",
            Self::DeploymentKinds => "deployment kind",
        }
    }
}

impl std::str::FromStr for CoverageKind {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// Half-open spans `[start, end)`, sorted and neither overlapping nor touching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans(Vec<(Timestamp, Timestamp)>);

impl Spans {
    /// The union of `spans`, in any order; empty spans are dropped.
    pub fn union(spans: impl IntoIterator<Item = (Timestamp, Timestamp)>) -> Self {
        let mut all: Vec<_> = spans.into_iter().filter(|(s, e)| s < e).collect();
        all.sort_unstable();
        let mut merged: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(all.len());
        for (s, e) in all {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Spans(merged)
    }

    pub fn as_slice(&self) -> &[(Timestamp, Timestamp)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parts of these spans that also lie in `other`.
    pub fn intersect(&self, other: &Spans) -> Spans {
        let mut out = Vec::new();
        for &(s, e) in &self.0 {
            out.extend(other.clip(s, e).0);
        }
        Spans(out)
    }

    /// The parts of these spans inside `[start, end)`.
    pub fn clip(&self, start: Timestamp, end: Timestamp) -> Spans {
        Spans(self.0.iter().map(|&(s, e)| (s.max(start), e.min(end))).filter(|(s, e)| s < e).collect())
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        // Few spans: a team has one, or a handful after imports with gaps between them.
        self.0.iter().any(|&(s, e)| s <= t && t < e)
    }

    /// Total length in seconds.
    pub fn seconds(&self) -> i64 {
        self.0.iter().map(|(s, e)| e - s).sum()
    }

    pub fn first(&self) -> Option<Timestamp> {
        self.0.first().map(|s| s.0)
    }

    /// Where the last span ends (exclusive).
    pub fn end(&self) -> Option<Timestamp> {
        self.0.last().map(|s| s.1)
    }
}

/// What a team's imports cover, per kind of raw event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub deployments: Spans,
    pub incidents: Spans,
    pub deployment_kinds: Spans,
}

impl Coverage {
    pub fn of(&self, kind: CoverageKind) -> &Spans {
        match kind {
            CoverageKind::Deployments => &self.deployments,
            CoverageKind::Incidents => &self.incidents,
            CoverageKind::DeploymentKinds => &self.deployment_kinds,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.deployments.is_empty() && self.incidents.is_empty()
    }

    /// Everything any kind covers.
    pub fn any(&self) -> Spans {
        Spans::union(self.deployments.as_slice().iter().chain(self.incidents.as_slice()).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_overlapping_and_touching_spans() {
        let s = Spans::union([(10, 20), (0, 5), (5, 8), (15, 30), (40, 40)]);
        assert_eq!(s.as_slice(), [(0, 8), (10, 30)]);
        assert_eq!(s.seconds(), 28);
        assert_eq!(s.clip(6, 12).as_slice(), [(6, 8), (10, 12)]);
        assert!(s.contains(0) && !s.contains(8) && s.contains(29) && !s.contains(30));
        let other = Spans::union([(7, 11)]);
        assert_eq!(s.intersect(&other).as_slice(), [(7, 8), (10, 11)]);
        assert_eq!((s.first(), s.end()), (Some(0), Some(30)));
    }
}
