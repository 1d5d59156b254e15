//! Small values kept per id across a file (a deployment's statuses, a commit's first
//! deployment), compact: the ids end to end in one byte arena and found through a table
//! of 4-byte indices, about 14 bytes an entry besides the id and the value. A
//! `HashMap<String, V>` takes about 45, and twice that for a moment each time it grows.

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use std::hash::BuildHasher;

/// Strings end to end in one buffer, each found by its number.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    bytes: String,
    ends: Vec<usize>,
}

impl Arena {
    /// Adds `s`; its number.
    pub fn push(&mut self, s: &str) -> u32 {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len());
        u32::try_from(self.ends.len() - 1).expect("fewer than 2^32 ids in one import")
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }
}

/// A map from string ids to `V`, entries in the order they were added.
pub(crate) struct IdMap<V> {
    hasher: foldhash::fast::RandomState,
    table: HashTable<u32>,
    ids: Arena,
    values: Vec<V>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap { hasher: Default::default(), table: HashTable::new(), ids: Arena::default(), values: Vec::new() }
    }
}

impl<V> IdMap<V> {
    fn find(&self, id: &str) -> Option<u32> {
        self.table.find(self.hasher.hash_one(id), |&i| self.ids.get(i) == id).copied()
    }

    /// The value of `id`, added by `new` if it has none.
    pub fn get_or_insert_with(&mut self, id: &str, new: impl FnOnce() -> V) -> &mut V {
        let (ids, hasher) = (&self.ids, &self.hasher);
        let i = match self.table.entry(hasher.hash_one(id), |&i| ids.get(i) == id, |&j| hasher.hash_one(ids.get(j))) {
            Entry::Occupied(found) => *found.get(),
            Entry::Vacant(slot) => {
                let i = self.ids.push(id);
                slot.insert(i);
                self.values.push(new());
                i
            }
        };
        &mut self.values[i as usize]
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        self.find(id).map(|i| &self.values[i as usize])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        self.find(id).map(|i| &mut self.values[i as usize])
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Entry `i`'s id and value, `i` in the order entries were added.
    pub fn entry(&self, i: u32) -> (&str, &V) {
        (self.ids.get(i), &self.values[i as usize])
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.values.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_find_their_own_values_in_the_order_they_came() {
        let mut map: IdMap<u32> = IdMap::default();
        for n in 0..10_000u32 {
            *map.get_or_insert_with(&format!("id-{}", n % 5_000), || 0) += n;
        }
        assert_eq!(map.len(), 5_000);
        assert_eq!(map.entry(0), ("id-0", &5_000));
        assert_eq!(map.entry(4_999), ("id-4999", &(4_999 + 9_999)));
        assert_eq!(map.get_mut("id-17").copied(), Some(17 + 5_017));
        assert_eq!(map.get("id-5000"), None);
        assert_eq!(map.get_mut(""), None);
        *map.get_or_insert_with("", || 7) += 1;
        assert_eq!((map.len(), map.get_mut("").copied()), (5_001, Some(8)));
        assert_eq!(map.values().map(|&v| u64::from(v)).sum::<u64>(), (0..10_000u64).sum::<u64>() + 8);
    }

    #[test]
    fn an_arena_gives_back_each_string() {
        let mut arena = Arena::default();
        let words = ["", "a", "", "gh-run-12", "ü"];
        let at: Vec<u32> = words.iter().map(|w| arena.push(w)).collect();
        for (w, i) in words.iter().zip(at) {
            assert_eq!(arena.get(i), *w);
        }
    }
}
