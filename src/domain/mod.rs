//! Plain types shared by every layer: no SQL, no terminal, no I/O.

mod event;
mod facts;
mod metric;
mod period;
mod team;
mod time;

pub use event::{Change, DeployKind, DeployStatus, Deployment, Incident, is_production};
pub use facts::{ChangeFact, DeploymentFact, EventSet, IncidentFact, SampleSet, TeamSamples};
pub use metric::{DoraMetric, MetricKey, MetricSample, Polarity, TeamMetric};
pub use period::{Granularity, Period, PeriodLabelError};
pub use team::{Team, TeamId};
pub use time::{Timestamp, UtcOffset, format_timestamp, parse_timestamp};
