//! A map kept as a vector sorted by key: the few calls, lines and transactions a phone holds
//! at once. It iterates in key order like `BTreeMap`, so the engines stay deterministic,
//! and each key/value type costs the Wasm build a binary search and a `Vec` instead of a
//! B-tree's node code (the app's wasm was measured with `twiggy`: the B-tree's inserts,
//! removals and rebalancing came to about 38 KB before wasm-opt).

use std::ops::Index;

/// An ordered map for a handful of entries (linear inserts and removals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Takes `key` out; its value, if it had one.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in key order, values to change.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Ord, V> Index<&K> for VecMap<K, V> {
    type Output = V;

    /// # Panics
    /// If `key` has no value, as `BTreeMap`'s index does.
    fn index(&self, key: &K) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter =
        std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn behaves_as_a_btree_map() {
        let mut ours = VecMap::new();
        let mut btree = BTreeMap::new();
        // A fixed pseudo-random walk of inserts, replacements and removals.
        let mut x: u32 = 7;
        for step in 0..2000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = (x >> 16) % 40;
            if step % 3 == 2 {
                assert_eq!(ours.remove(&key), btree.remove(&key));
            } else {
                assert_eq!(ours.insert(key, step), btree.insert(key, step));
            }
            assert_eq!(ours.len(), btree.len());
            assert_eq!(ours.get(&key), btree.get(&key));
        }
        assert!(ours.iter().eq(btree.iter()));
        assert!(ours.keys().eq(btree.keys()));
        ours.retain(|k, v| {
            *v += 1;
            k % 2 == 0
        });
        btree.retain(|k, v| {
            *v += 1;
            k % 2 == 0
        });
        assert!(ours.values().eq(btree.values()));
        for (_, v) in &mut ours {
            *v = 0;
        }
        assert!(ours.values().all(|v| *v == 0));
        assert!(!ours.is_empty() && ours.contains_key(&0) == btree.contains_key(&0));
    }

    #[test]
    fn indexes_like_a_map() {
        let mut m = VecMap::new();
        m.insert("b", 2);
        m.insert("a", 1);
        assert_eq!(m[&"a"], 1);
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), ["a", "b"]);
        if let Some(v) = m.get_mut(&"b") {
            *v = 5;
        }
        assert_eq!(m.values_mut().map(|v| *v).sum::<i32>(), 6);
    }
}
