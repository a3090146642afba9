//! Small tables that keep an import lean: a cheap hasher, and an intern
//! table that turns each stage (or pipeline) name into a small number once,
//! so that the rest of the import carries numbers, not a `String` per event.
//!
//! Why not std's default hasher: SipHash is built to resist hash flooding
//! by a remote party. An import reads the user's own file in their own
//! browser; the worst a crafted file can do is slow its own import. FxHash
//! (rustc's hasher) is a multiply per 8 bytes, with a final mix here so
//! that keys differing only in their last bytes still spread over buckets.
//! A dozen lines do not justify a dependency.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash with a final mix (see the module documentation).
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // murmur3's 64-bit finaliser: every input bit reaches the low bits
        // the table indexes by.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

pub type FxBuild = BuildHasherDefault<Fx>;
pub type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// The 64-bit Fx hash of a text.
pub fn hash_str(s: &str) -> u64 {
    let mut h = Fx::default();
    h.write(s.as_bytes());
    h.finish()
}

/// Names as spelled, each given a number on first sight (0, 1, 2, ...).
/// Names equal but for ASCII case share a `fold` class, which is what
/// `eq_ignore_ascii_case` compares.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    names: Vec<String>,
    fold: Vec<u32>,
    // usize values, like the import's other maps: one instantiation of the
    // table code in the wasm.
    exact: FxMap<String, usize>,
    folded: FxMap<String, usize>,
}

impl Names {
    /// The number of `name`, spelled exactly so.
    pub fn intern(&mut self, name: &str) -> u32 {
        let number = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        if let Some(&k) = self.exact.get(name) {
            return number(k);
        }
        let k = self.names.len();
        let classes = self.folded.len();
        let class = *self.folded.entry(name.to_ascii_lowercase()).or_insert(classes);
        self.names.push(name.to_string());
        self.fold.push(number(class));
        self.exact.insert(name.to_string(), k);
        number(k)
    }

    /// The name of number `k` ("" for a number never given).
    pub fn name(&self, k: u32) -> &str {
        self.names.get(k as usize).map_or("", String::as_str)
    }

    /// Whether two names are equal but for ASCII case.
    pub fn same(&self, a: u32, b: u32) -> bool {
        a == b || self.fold.get(a as usize).is_some_and(|x| Some(x) == self.fold.get(b as usize))
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn names_intern_exactly_and_fold_ascii_case() {
        let mut n = Names::default();
        let a = n.intern("Qualification");
        let b = n.intern("QUALIFICATION");
        let c = n.intern("Qualification");
        let d = n.intern("Négociation");
        let e = n.intern("NéGOCIATION");
        let f = n.intern("NÉGOCIATION");
        assert_eq!((a, b, c), (0, 1, 0));
        assert_eq!((n.name(a), n.name(b), n.name(9)), ("Qualification", "QUALIFICATION", ""));
        assert!(n.same(a, b) && n.same(d, e) && !n.same(d, f) && !n.same(a, d));
        for (x, y) in [(a, b), (d, e), (d, f), (a, d)] {
            assert_eq!(n.same(x, y), n.name(x).eq_ignore_ascii_case(n.name(y)));
        }
        assert_eq!(n.len(), 5);
    }

    #[test]
    fn hashes_spread_keys_that_differ_at_the_end() {
        // Ids like 006000000001..: the low bits (the bucket) must differ.
        let buckets: std::collections::BTreeSet<u64> = (0..4096).map(|k| hash_str(&format!("006{k:09}")) & 4095).collect();
        assert!(buckets.len() > 2000, "{}", buckets.len());
        assert_ne!(hash_str("ab"), hash_str("ab\0"));
    }
}
