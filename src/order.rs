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
}
