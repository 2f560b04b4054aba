//! The crate's one sort: every list it orders (signed headers, query parameters, redacted
//! spans, the variables a `Debug` names) is ordered through [`stable_order`], a sort of
//! indices: by insertion for a short list, by bottom-up merges for a longer one. One small
//! non-generic function rather than an instance of the standard library's sort per element
//! type; the lists are short, and a long one still takes O(n log n).

use std::cmp::Ordering;

/// The longest list sorted by insertion; longer ones are merged.
const SHORT: usize = 16;

/// Indices in order: on the stack for a short list.
pub(crate) type Order = smallvec::SmallVec<[usize; SHORT]>;

/// The order that sorts `len` items stably by `cmp`: their indices, first item first. A short
/// list's is kept on the stack.
pub(crate) fn stable_order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Order {
    let mut order: Order = (0..len).collect();
    if len <= SHORT {
        // Insertion in place: no second buffer for the short lists of a request.
        for i in 1..len {
            let mut j = i;
            while j > 0 && cmp(order[j - 1], order[j]) == Ordering::Greater {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
        return order;
    }
    let mut merged: Order = smallvec::smallvec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let mid = start.saturating_add(width).min(len);
            let end = mid.saturating_add(width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // Equal items keep their order: the left run's goes first.
                let take_left = right >= end
                    || (left < mid && cmp(order[left], order[right]) != Ordering::Greater);
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width = width.saturating_mul(2);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let items = [("b", 1), ("a", 2), ("b", 0), ("a", 1), ("c", 0)];
        let order = stable_order(items.len(), &mut |a, b| items[a].0.cmp(items[b].0));
        assert_eq!(order.as_slice(), [1, 3, 0, 2, 4]);
        assert!(stable_order(0, &mut |_, _| Ordering::Equal).is_empty());
        assert_eq!(stable_order(1, &mut |_, _| Ordering::Equal).as_slice(), [0]);
    }

    #[test]
    fn agrees_with_the_standard_sort() {
        // Every length up to 40, of keys with many repeats, against `sort_by` (stable).
        let mut seed = 0x9e37_79b9_u32;
        for len in 0..40 {
            let keys: Vec<u32> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed % 7
                })
                .collect();
            let mut expected: Vec<usize> = (0..len).collect();
            expected.sort_by_key(|&i| keys[i]);
            assert_eq!(
                stable_order(len, &mut |a, b| keys[a].cmp(&keys[b])).as_slice(),
                expected
            );
        }
    }
}
