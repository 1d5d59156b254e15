use super::UtcOffset;

/// Row id of a team in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TeamId(pub i64);

/// A team: the only unit anything in retro is measured for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    /// Periods (weeks, months) are bucketed at this offset from UTC.
    pub utc_offset: UtcOffset,
}
