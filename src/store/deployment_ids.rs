//! The external ids of a team's deployments, kept small for the loader: an import of
//! changes looks up the deployment of every change, and a store holds a million of them.
//!
//! Entries sit in one array sorted by a keyed 64-bit hash of the id and are found through
//! a directory of hash prefixes (one probe into it, one or two into the array). The ids
//! sit end to end in one byte arena and every lookup compares the id itself, so ids
//! whose hashes collide are told apart exactly, never confused: 32 bytes a deployment
//! plus its id, where a map of owned strings took about 200.

use crate::domain::Timestamp;
use rustc_hash::FxHashMap as HashMap;
use std::hash::BuildHasher;

/// What the loader keeps of a deployment besides its external id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub id: i64,
    pub deployed_at: Timestamp,
    /// The caller's index of the deployment's other columns (they take few values).
    pub attrs: u32,
}

/// A slot and its id's hash and place in the arena, flattened: 32 bytes, no padding.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    id: i64,
    deployed_at: Timestamp,
    key: u32,
    attrs: u32,
}

impl Entry {
    fn slot(&self) -> Slot {
        Slot { id: self.id, deployed_at: self.deployed_at, attrs: self.attrs }
    }

    fn set(&mut self, slot: Slot) {
        (self.id, self.deployed_at, self.attrs) = (slot.id, slot.deployed_at, slot.attrs);
    }
}

/// The arena addresses ids with 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ArenaFull;

/// A map from external id to [`Slot`].
pub(super) struct DeploymentIds<S = foldhash::fast::RandomState> {
    hasher: S,
    /// Sorted by hash.
    sorted: Vec<Entry>,
    /// `directory[p]` is the first entry of `sorted` whose hash starts with the
    /// `64 - shift` bits of `p`; one more element closes the last range.
    directory: Vec<u32>,
    shift: u32,
    /// Entries inserted since `sorted` was last merged, found by hash: a fresh import
    /// inserts a million deployments one by one, and may look each up again.
    recent: Vec<Entry>,
    recent_by_hash: HashMap<u64, u32>,
    /// Every id: its length as LEB128, then its bytes.
    keys: Vec<u8>,
}

impl Default for DeploymentIds {
    fn default() -> Self {
        Self::with_hasher(foldhash::fast::RandomState::default())
    }
}

impl<S: BuildHasher> DeploymentIds<S> {
    /// An empty map hashing ids with `hasher` (keyed at random in use, so that no set of
    /// ids can be made to share hashes; tests force collisions with a poor one).
    pub fn with_hasher(hasher: S) -> Self {
        DeploymentIds {
            hasher,
            sorted: Vec::new(),
            directory: Vec::new(),
            shift: 63,
            recent: Vec::new(),
            recent_by_hash: HashMap::default(),
            keys: Vec::new(),
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    /// Adds an id the map does not hold, among ids known to be distinct (a team's rows
    /// as stored), without sorting: [`Self::sort_pushed`] sorts once after the last.
    pub fn push_distinct(&mut self, external_id: &str, slot: Slot) -> Result<(), ArenaFull> {
        debug_assert!(self.recent.is_empty());
        let entry = self.new_entry(external_id, slot)?;
        self.sorted.push(entry);
        Ok(())
    }

    pub fn reserve_exact(&mut self, additional: usize) {
        self.sorted.reserve_exact(additional);
    }

    /// Sorts what [`Self::push_distinct`] added; lookups need it done.
    pub fn sort_pushed(&mut self) {
        self.sorted.sort_unstable_by_key(|e| e.hash);
        self.rebuild_directory();
    }

    pub fn get(&self, external_id: &str) -> Option<Slot> {
        let hash = self.hasher.hash_one(external_id);
        self.find_sorted(hash, external_id)
            .map(|i| self.sorted[i].slot())
            .or_else(|| self.find_recent(hash, external_id).map(|i| self.recent[i].slot()))
    }

    /// Sets the slot of `external_id`, adding the id when the map does not hold it.
    pub fn insert(&mut self, external_id: &str, slot: Slot) -> Result<(), ArenaFull> {
        let hash = self.hasher.hash_one(external_id);
        if let Some(i) = self.find_sorted(hash, external_id) {
            self.sorted[i].set(slot);
            return Ok(());
        }
        if let Some(i) = self.find_recent(hash, external_id) {
            self.recent[i].set(slot);
            return Ok(());
        }
        // Another id with this hash among the recent ones: the sorted array holds any
        // number of equal hashes, the map of recent ones only one.
        if self.recent_by_hash.contains_key(&hash) {
            self.merge_recent();
        }
        let entry = self.new_entry(external_id, slot)?;
        self.recent_by_hash.insert(hash, self.recent.len() as u32);
        self.recent.push(entry);
        // Merging costs the whole array: doing it when the recent ones are an eighth of
        // it keeps inserts amortised constant, and the recent map small.
        if self.recent.len() > 4096.max(self.sorted.len() / 8) {
            self.merge_recent();
        }
        Ok(())
    }

    /// Every slot, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = Slot> + '_ {
        self.sorted.iter().chain(&self.recent).map(Entry::slot)
    }

    fn new_entry(&mut self, external_id: &str, slot: Slot) -> Result<Entry, ArenaFull> {
        let key = u32::try_from(self.keys.len()).map_err(|_| ArenaFull)?;
        let mut len = external_id.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                self.keys.push(byte);
                break;
            }
            self.keys.push(byte | 0x80);
        }
        self.keys.extend_from_slice(external_id.as_bytes());
        let hash = self.hasher.hash_one(external_id);
        Ok(Entry { hash, id: slot.id, deployed_at: slot.deployed_at, key, attrs: slot.attrs })
    }

    fn key(&self, entry: &Entry) -> &[u8] {
        let mut at = entry.key as usize;
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = self.keys[at];
            at += 1;
            len |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        &self.keys[at..at + len]
    }

    fn find_sorted(&self, hash: u64, external_id: &str) -> Option<usize> {
        if self.sorted.is_empty() {
            return None;
        }
        let p = (hash >> self.shift) as usize;
        let (start, end) = (self.directory[p] as usize, self.directory[p + 1] as usize);
        let bucket = &self.sorted[start..end];
        let first = bucket.partition_point(|e| e.hash < hash);
        bucket[first..]
            .iter()
            .take_while(|e| e.hash == hash)
            .position(|e| self.key(e) == external_id.as_bytes())
            .map(|i| start + first + i)
    }

    fn find_recent(&self, hash: u64, external_id: &str) -> Option<usize> {
        let &i = self.recent_by_hash.get(&hash)?;
        (self.key(&self.recent[i as usize]) == external_id.as_bytes()).then_some(i as usize)
    }

    /// Merges the recent entries into the sorted array, from the back, in place.
    fn merge_recent(&mut self) {
        if self.recent.is_empty() {
            return;
        }
        self.recent.sort_unstable_by_key(|e| e.hash);
        let n = self.sorted.len();
        // Exact growth: a doubled array would hold up to twice what it needs.
        self.sorted.reserve_exact(self.recent.len());
        self.sorted.extend_from_slice(&self.recent);
        let (mut i, mut j, mut k) = (n, self.recent.len(), self.sorted.len());
        while j > 0 {
            k -= 1;
            if i > 0 && self.sorted[i - 1].hash > self.recent[j - 1].hash {
                i -= 1;
                self.sorted[k] = self.sorted[i];
            } else {
                j -= 1;
                self.sorted[k] = self.recent[j];
            }
        }
        self.recent.clear();
        self.recent_by_hash.clear();
        if self.recent.capacity() > 4096 {
            // Held for the next batch only when it is small.
            self.recent.shrink_to(4096);
            self.recent_by_hash.shrink_to(4096);
        }
        self.rebuild_directory();
    }

    /// A directory of about one range per two to four entries.
    fn rebuild_directory(&mut self) {
        let n = self.sorted.len();
        let bits = n.max(2).ilog2().saturating_sub(1).max(1);
        self.shift = 64 - bits;
        let ranges = 1usize << bits;
        self.directory.clear();
        self.directory.reserve_exact(ranges + 1);
        let mut at = 0;
        for p in 0..ranges {
            while at < n && ((self.sorted[at].hash >> self.shift) as usize) < p {
                at += 1;
            }
            self.directory.push(at as u32);
        }
        self.directory.push(n as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap as StdMap;
    use std::hash::{BuildHasherDefault, Hasher};

    /// Hashes every id to one of four values: most lookups meet colliding ids.
    #[derive(Default)]
    struct FourHashes(u64);

    impl Hasher for FourHashes {
        fn write(&mut self, bytes: &[u8]) {
            self.0 += bytes.iter().map(|&b| u64::from(b)).sum::<u64>();
        }
        fn finish(&self) -> u64 {
            self.0 % 4 * (u64::MAX / 4)
        }
    }

    fn slot(n: usize) -> Slot {
        Slot { id: n as i64, deployed_at: 1000 + n as i64, attrs: (n % 3) as u32 }
    }

    /// Inserts, updates and lookups, with the ids in `order`, agree with a map of strings.
    fn agrees_with_a_map<S: BuildHasher>(mut ids: DeploymentIds<S>, n: usize) {
        let mut map: StdMap<String, Slot> = StdMap::new();
        for i in 0..n {
            let key = format!("D-{i}");
            ids.insert(&key, slot(i)).unwrap();
            map.insert(key, slot(i));
            if i % 7 == 0 {
                // An update of an earlier id, recent or merged.
                let again = format!("D-{}", i / 2);
                ids.insert(&again, slot(i + n)).unwrap();
                map.insert(again, slot(i + n));
            }
        }
        assert_eq!(ids.len(), map.len());
        for i in 0..n + 10 {
            let key = format!("D-{i}");
            assert_eq!(ids.get(&key), map.get(&key).copied(), "{key}");
        }
        assert_eq!(ids.get(""), None);
        let mut values: Vec<i64> = ids.values().map(|s| s.id).collect();
        let mut expected: Vec<i64> = map.values().map(|s| s.id).collect();
        values.sort_unstable();
        expected.sort_unstable();
        assert_eq!(values, expected);
    }

    #[test]
    fn keyed_hashes_agree_with_a_map_of_strings() {
        agrees_with_a_map(DeploymentIds::default(), 20_000);
    }

    #[test]
    fn ids_whose_hashes_collide_are_told_apart() {
        agrees_with_a_map(DeploymentIds::with_hasher(BuildHasherDefault::<FourHashes>::default()), 3_000);
    }

    #[test]
    fn distinct_ids_loaded_at_once_then_inserted() {
        let mut ids = DeploymentIds::with_hasher(BuildHasherDefault::<FourHashes>::default());
        ids.reserve_exact(500);
        for i in 0..500 {
            ids.push_distinct(&format!("id {i}"), slot(i)).unwrap();
        }
        ids.sort_pushed();
        ids.insert("id 7", slot(9_999)).unwrap();
        ids.insert("new", slot(10_000)).unwrap();
        assert_eq!(ids.len(), 501);
        assert_eq!(ids.get("id 7"), Some(slot(9_999)));
        assert_eq!(ids.get("id 499"), Some(slot(499)));
        assert_eq!(ids.get("new"), Some(slot(10_000)));
        assert_eq!(ids.get("id 500"), None);
    }

    #[test]
    fn long_and_empty_ids_keep_their_lengths() {
        let mut ids = DeploymentIds::default();
        let long = "x".repeat(100_000);
        ids.insert(&long, slot(1)).unwrap();
        ids.insert("", slot(2)).unwrap();
        ids.insert(&long[..99_999], slot(3)).unwrap();
        assert_eq!(ids.get(&long), Some(slot(1)));
        assert_eq!(ids.get(""), Some(slot(2)));
        assert_eq!(ids.get(&long[..99_999]), Some(slot(3)));
        assert_eq!(ids.get(&long[..5]), None);
    }
}
