//! Ordered sets and maps: the subset of `BTreeSet`/`BTreeMap` the linter

//! and the simulator use, iterating, comparing, printing (`Debug`) and
//! serializing exactly as they do.
//!
//! Why not the B-trees: each key and value type instantiates the standard
//! library's B-tree code (node splitting, merging, navigation) in the
//! WebAssembly playground; these instantiate none. The sets
//! and maps here are small (the keys of a claims document, the strings a
//! mapping can yield, the scopes of an IdP, a config's expression texts),
//! where a sorted vector is as fast: `litemap`'s `LiteMap` (a set is a
//! `LiteMap<T, ()>`) keeps, searches and inserts; these wrappers only print
//! and serialize as the B-trees did (`LiteMap`'s derived `Debug` shows its
//! fields; a set serializes as a sequence, not a map to units).

#![forbid(unsafe_code)]

use std::borrow::Borrow;
use std::fmt;

use litemap::LiteMap;
use serde::{Serialize, Serializer};

/// A set of `T` in ascending order, each value once (as `BTreeSet<T>`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedSet<T>(LiteMap<T, ()>);

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet(LiteMap::new_vec())
    }
}

impl<T: Ord> SortedSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        SortedSet::default()
    }

    /// Adds `value`; `false` when it was there already (which stays).
    pub fn insert(&mut self, value: T) -> bool {
        self.0.try_insert(value, ()).is_none()
    }

    /// Whether `value` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.contains_key(value)
    }
}

impl<T> SortedSet<T> {
    /// The values, in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.0.keys()
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for value in iter {
            self.insert(value);
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = SortedSet::new();
        set.extend(iter);
        set
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(value, ())| value)
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// A map from `K` to `V` in ascending order of keys (as `BTreeMap<K, V>`).
#[derive(Clone, PartialEq)]
pub struct SortedMap<K, V>(LiteMap<K, V>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(LiteMap::new_vec())
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        SortedMap::default()
    }

    /// Sets `key` to `value`, giving the value it had.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.0.insert(key, value)
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0.get(key)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.0.get_mut(key)
    }
}

impl<K, V> SortedMap<K, V> {
    /// The keys, in ascending order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.0.keys()
    }

    /// The values, in ascending order of their keys.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.0.values()
    }

    /// The entries, in ascending order of keys.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.0.iter()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(iter);
        map
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn sets_and_maps_behave_as_btrees() {
        let words = ["b", "a", "c", "a", "", "b"];
        let set: SortedSet<String> = words.iter().map(|s| s.to_string()).collect();
        let tree: BTreeSet<String> = words.iter().map(|s| s.to_string()).collect();
        assert!(set.iter().eq(tree.iter()));
        assert_eq!(format!("{set:?}"), format!("{tree:?}"));
        assert_eq!(
            serde_json::to_string(&set).ok(),
            serde_json::to_string(&tree).ok()
        );
        assert!(set.contains("") && !set.contains("d"));
        let mut map = SortedMap::new();
        let mut btree = BTreeMap::new();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(map.insert(w.to_string(), i), btree.insert(w.to_string(), i));
        }
        assert!(map.iter().eq(btree.iter()));
        assert_eq!(format!("{map:?}"), format!("{btree:?}"));
        assert_eq!(
            serde_json::to_string(&map).ok(),
            serde_json::to_string(&btree).ok()
        );
        assert_eq!(map.get("c"), btree.get("c"));
        assert_eq!(map.get("d"), None);
    }
}
