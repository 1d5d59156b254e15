//! The day tables' blobs: a day's facts in the order the store reads them, as their
//! count, then each field as a LEB128 varint of its difference from the fact before
//! (zigzag, as any difference may be negative). A day of 3,000 changes takes about 12 KB instead of 48 KB of raw pairs, and
//! decodes in microseconds.

use crate::domain::{ChangeFact, DeployKind, DeployStatus, Timestamp};

/// A deployment as its day's blob holds it: what [`crate::domain::DeploymentFact`] needs
/// except whether an incident names it, which incidents decide at read time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeploymentRow {
    pub id: i64,
    pub deployed_at: Timestamp,
    pub production: bool,
    pub status: DeployStatus,
    pub kind: DeployKind,
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Reads varints off the front of a blob; `None` once it ends or holds a malformed one.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn get(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn get_signed(&mut self) -> Option<i64> {
        let v = self.get()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Appends `facts` (sorted by time) to `out`.
pub(crate) fn encode_changes(facts: &[ChangeFact], out: &mut Vec<u8>) {
    let mut previous = facts.first().map_or(0, |f| f.deployed_at);
    put(out, facts.len() as u64);
    put_signed(out, previous);
    for f in facts {
        put_signed(out, f.deployed_at.wrapping_sub(previous));
        put_signed(out, f.deployed_at.wrapping_sub(f.committed_at));
        previous = f.deployed_at;
    }
}

/// Appends the facts of `blob` to `out`; `None` when the blob is malformed.
pub(crate) fn decode_changes(blob: &[u8], out: &mut Vec<ChangeFact>) -> Option<()> {
    let mut r = Reader(blob);
    let count = r.get()?;
    let mut previous = r.get_signed()?;
    out.reserve(count.min(blob.len() as u64) as usize);
    for _ in 0..count {
        let deployed_at = previous.wrapping_add(r.get_signed()?);
        let committed_at = deployed_at.wrapping_sub(r.get_signed()?);
        out.push(ChangeFact { deployed_at, committed_at });
        previous = deployed_at;
    }
    r.is_empty().then_some(())
}

fn flags(d: &DeploymentRow) -> u64 {
    let status = DeployStatus::ALL.iter().position(|&s| s == d.status).unwrap_or(0) as u64;
    let kind = DeployKind::ALL.iter().position(|&k| k == d.kind).unwrap_or(0) as u64;
    u64::from(d.production) | status << 1 | kind << 3
}

/// Appends `deployments` (sorted by time) to `out`.
pub(crate) fn encode_deployments(deployments: &[DeploymentRow], out: &mut Vec<u8>) {
    let (mut at, mut id) = deployments.first().map_or((0, 0), |d| (d.deployed_at, d.id));
    put(out, deployments.len() as u64);
    put_signed(out, at);
    put_signed(out, id);
    for d in deployments {
        put_signed(out, d.deployed_at.wrapping_sub(at));
        put_signed(out, d.id.wrapping_sub(id));
        put(out, flags(d));
        (at, id) = (d.deployed_at, d.id);
    }
}

/// Appends the deployments of `blob` to `out`; `None` when the blob is malformed.
pub(crate) fn decode_deployments(blob: &[u8], out: &mut Vec<DeploymentRow>) -> Option<()> {
    let mut r = Reader(blob);
    let count = r.get()?;
    let (mut at, mut id) = (r.get_signed()?, r.get_signed()?);
    out.reserve(count.min(blob.len() as u64) as usize);
    for _ in 0..count {
        at = at.wrapping_add(r.get_signed()?);
        id = id.wrapping_add(r.get_signed()?);
        let flags = r.get()?;
        out.push(DeploymentRow {
            id,
            deployed_at: at,
            production: flags & 1 == 1,
            status: *DeployStatus::ALL.get((flags >> 1 & 3) as usize)?,
            kind: *DeployKind::ALL.get((flags >> 3 & 3) as usize)?,
        });
    }
    r.is_empty().then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_including_extreme_values() {
        let mut rng = fastrand::Rng::with_seed(3);
        for len in 0..50 {
            let mut facts: Vec<ChangeFact> = (0..len)
                .map(|_| {
                    let deployed_at = rng.i64(1_700_000_000..1_700_086_400);
                    ChangeFact { deployed_at, committed_at: deployed_at - rng.i64(-5..400_000) }
                })
                .collect();
            if len == 7 {
                facts.push(ChangeFact { deployed_at: i64::MAX, committed_at: i64::MIN });
            }
            facts.sort_unstable_by_key(|f| (f.deployed_at, f.committed_at));
            let mut blob = Vec::new();
            encode_changes(&facts, &mut blob);
            let mut back = Vec::new();
            decode_changes(&blob, &mut back).unwrap();
            assert_eq!(back, facts);
        }
    }

    #[test]
    fn deployments_round_trip_with_every_status_and_kind() {
        let mut rng = fastrand::Rng::with_seed(5);
        let mut all: Vec<DeploymentRow> = (0..200)
            .map(|i| DeploymentRow {
                id: 1_000_000 - i * rng.i64(-3..40),
                deployed_at: 1_700_000_000 + rng.i64(0..86_400),
                production: rng.bool(),
                status: DeployStatus::ALL[rng.usize(..3)],
                kind: DeployKind::ALL[rng.usize(..4)],
            })
            .collect();
        all.sort_unstable_by_key(|d| d.deployed_at);
        let mut blob = Vec::new();
        encode_deployments(&all, &mut blob);
        let mut back = Vec::new();
        decode_deployments(&blob, &mut back).unwrap();
        assert_eq!(back, all);
    }

    #[test]
    fn a_truncated_blob_is_refused_not_misread() {
        let facts = [ChangeFact { deployed_at: 1_700_000_000, committed_at: 1_699_000_000 }];
        let mut blob = Vec::new();
        encode_changes(&facts, &mut blob);
        let mut two = blob.clone();
        encode_changes(&facts, &mut two);
        assert_eq!(decode_changes(&two, &mut Vec::new()), None, "bytes after the last fact");
        blob.pop();
        assert_eq!(decode_changes(&blob, &mut Vec::new()), None, "a fact cut short");
        assert_eq!(decode_changes(&[0xff; 11], &mut Vec::new()), None);
    }
}
