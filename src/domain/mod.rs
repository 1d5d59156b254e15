//! Plain types shared by every layer: no SQL, no terminal, no I/O.

mod action;
mod coverage;
mod event;
mod facts;
mod metric;
mod period;
mod retro;
mod team;
mod time;
mod unit;

pub use action::{Action, ActionId, ActionPlan, ActionReview, ActionStatus, Decision, Expected, NewAction};
pub use coverage::{Coverage, CoverageKind, Spans};
pub use event::{Change, DeployKind, DeployStatus, Deployment, Incident, is_production};
pub use facts::{ChangeFact, DeploymentFact, EventSet, IncidentFact, SampleSet, TeamSamples};
pub use metric::{DoraMetric, MetricKey, MetricSample, Polarity, TeamMetric};
pub use period::{Granularity, Period, PeriodLabelError};
pub use retro::{Draft, Note, NoteId, NoteTarget, Retro, RetroId, Stage, VoteCounts, VoteKind};
pub use team::{Team, TeamId};
pub use time::{Timestamp, UtcOffset, format_timestamp, parse_timestamp};
pub use unit::{Unit, format_delta, format_relative, format_value, in_words};
