//! Sets of milestones as bit sets: bit `i` is the milestone at index `i` of
//! the process (at most 64). A leaf module: the process model, deals,
//! probability, calibration and forecasts all use it, and it uses nothing.

/// The set holding milestone `i` alone (empty for `i >= 64`).
pub fn bit(i: usize) -> u64 {
    if i < 64 {
        1u64 << i
    } else {
        0
    }
}

/// Iterates the members of a bit set in ascending order.
pub fn members(mut set: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if set == 0 {
            None
        } else {
            let i = set.trailing_zeros() as usize;
            set &= set - 1;
            Some(i)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sets_iterate_in_order() {
        assert_eq!(members(0b1011).collect::<Vec<_>>(), vec![0, 1, 3]);
        assert_eq!(members(1u64 << 63).collect::<Vec<_>>(), vec![63]);
        assert_eq!(bit(64), 0, "a 65th milestone has no bit");
        assert_eq!(members(bit(2) | bit(5)).collect::<Vec<_>>(), vec![2, 5]);
    }
}
