//! One sort for the whole crate. Each `sort_by` on a new element type or
//! closure instantiates a new copy of the standard library's sort in the
//! wasm (about 2 KiB gzip each); this one is compiled once and takes the
//! comparison as a trait object.

/// The indices `0..n` in stable ascending order of `less(a, b)` (merge sort,
/// O(n log n), no recursion).
pub fn order(n: usize, less: &dyn Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b: Vec<usize> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in b.iter_mut().take(end).skip(start) {
                let take_right = match (a.get(i), a.get(j)) {
                    (Some(&x), Some(&y)) if i < mid && j < end => less(y, x),
                    _ => i >= mid,
                };
                if take_right {
                    *slot = a.get(j).copied().unwrap_or(0);
                    j += 1;
                } else {
                    *slot = a.get(i).copied().unwrap_or(0);
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// Reorders `items` by `order` (a permutation of its indices).
pub fn permute<T: Clone>(items: &[T], order: &[usize]) -> Vec<T> {
    order.iter().filter_map(|&i| items.get(i).cloned()).collect()
}

/// A name -> index map for lookups by name: sorted pairs searched by
/// bisection. In the wasm it is one small instantiation, where a `HashMap`
/// brings a hasher and a table implementation.
#[derive(Clone, Debug, Default)]
pub struct Lookup {
    pairs: Vec<(String, usize)>,
}

impl Lookup {
    /// Maps each name to its position in `names`; a repeated name maps to
    /// its last position (as inserting them in turn into a map would).
    pub fn new(names: Vec<String>) -> Lookup {
        let n = names.len();
        let by_name = order(n, &|a, b| names.get(a) < names.get(b));
        let mut pairs: Vec<(String, usize)> = Vec::with_capacity(n);
        let mut names: Vec<Option<String>> = names.into_iter().map(Some).collect();
        for i in by_name {
            let Some(name) = names.get_mut(i).and_then(Option::take) else { continue };
            match pairs.last_mut() {
                // Stable order: a later duplicate comes after, and wins.
                Some(last) if last.0 == name => last.1 = i,
                _ => pairs.push((name, i)),
            }
        }
        Lookup { pairs }
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        let i = self.pairs.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
        self.pairs.get(i).map(|(_, v)| *v)
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// A (name, name) -> index map: the pairs sorted, searched by bisection
/// on the two names in turn. Looking up an attribute value this way builds
/// no key string (scoring looks up every attribute of every deal).
#[derive(Clone, Debug, Default)]
pub struct PairLookup {
    pairs: Vec<(String, String, usize)>,
}

impl PairLookup {
    /// Maps each pair to its position in `pairs`; a repeated pair maps to
    /// its last position.
    pub fn new(pairs: Vec<(String, String)>) -> PairLookup {
        let n = pairs.len();
        let by_pair = order(n, &|a, b| match (pairs.get(a), pairs.get(b)) {
            (Some(x), Some(y)) => (x.0.as_str(), x.1.as_str()) < (y.0.as_str(), y.1.as_str()),
            _ => false,
        });
        let mut items: Vec<Option<(String, String)>> = pairs.into_iter().map(Some).collect();
        let mut out: Vec<(String, String, usize)> = Vec::with_capacity(n);
        for i in by_pair {
            let Some((a, v)) = items.get_mut(i).and_then(Option::take) else { continue };
            match out.last_mut() {
                Some(last) if last.0 == a && last.1 == v => last.2 = i,
                _ => out.push((a, v, i)),
            }
        }
        PairLookup { pairs: out }
    }

    pub fn get(&self, a: &str, v: &str) -> Option<usize> {
        let i = self.pairs.binary_search_by(|(x, y, _)| (x.as_str(), y.as_str()).cmp(&(a, v))).ok()?;
        self.pairs.get(i).map(|p| p.2)
    }

    /// The pair that maps to `i`: a linear search, to name an index (not
    /// for lookups).
    pub fn key(&self, i: usize) -> Option<(&str, &str)> {
        self.pairs.iter().find(|p| p.2 == i).map(|p| (p.0.as_str(), p.1.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_library() {
        let mut seed = 12345u64;
        for n in [0usize, 1, 2, 3, 7, 16, 33, 100, 1000] {
            let keys: Vec<u64> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) % 10
                })
                .collect();
            let got = order(n, &|a, b| keys[a] < keys[b]);
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| keys[i]);
            assert_eq!(got, want, "n={n}");
        }
        assert_eq!(permute(&["c", "a", "b"], &order(3, &|x, y| ["c", "a", "b"][x] < ["c", "a", "b"][y])), vec!["a", "b", "c"]);
    }

    #[test]
    fn pair_lookup_finds_each_pair_and_the_last_of_a_repeated_one() {
        let raw = [("b", "x"), ("a", "y"), ("a", "x"), ("b", "x"), ("", ""), ("a\u{1f}b", "c"), ("a", "b\u{1f}c")];
        let pairs: Vec<(String, String)> = raw.iter().map(|(a, v)| (a.to_string(), v.to_string())).collect();
        let l = PairLookup::new(pairs.clone());
        let mut map = std::collections::HashMap::new();
        for (i, p) in pairs.iter().enumerate() {
            map.insert(p.clone(), i);
        }
        for (a, v) in raw.iter().chain(&[("a", "z"), ("c", "x"), ("", "x")]) {
            assert_eq!(l.get(a, v), map.get(&(a.to_string(), v.to_string())).copied(), "{a}={v}");
        }
        assert!(PairLookup::new(Vec::new()).is_empty() && PairLookup::new(Vec::new()).get("a", "b").is_none());
    }

    #[test]
    fn lookup_finds_each_name_and_the_last_of_a_repeated_one() {
        let names: Vec<String> = ["b", "a", "c", "a", "", "é"].iter().map(|s| s.to_string()).collect();
        let l = Lookup::new(names.clone());
        let mut map = std::collections::HashMap::new();
        for (i, n) in names.iter().enumerate() {
            map.insert(n.clone(), i);
        }
        for n in ["a", "b", "c", "", "é", "d", "aa"] {
            assert_eq!(l.get(n), map.get(n).copied(), "{n}");
        }
        assert!(Lookup::new(Vec::new()).is_empty() && Lookup::new(Vec::new()).get("a").is_none());
    }
}
