//! Stable sorting, the same everywhere; in the WebAssembly module (the
//! feature `browser`) through one instantiation of the standard library's
//! sort.
//!
//! In the module the standard library's sort is instantiated once, for
//! `usize`, whatever the element type: the elements are sorted by sorting
//! their indices (the comparison behind a `dyn`) and then moved into that
//! order. A
//! stable sort by a comparison that is a total preorder has exactly one
//! result, so both ways give the same order; without the feature
//! `slice::sort_by` runs.

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, equal elements keeping their order.
pub(crate) fn sort_by<T>(items: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(feature = "browser"))]
    items.sort_by(cmp);
    #[cfg(feature = "browser")]
    sort_by_indices(items, cmp);
}

/// [`sort_by`] in the WebAssembly module: the indices sorted, then the
/// elements moved into their order.
#[cfg(any(test, feature = "browser"))]
fn sort_by_indices<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` by `key`, equal keys keeping their order.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `order`, a list of positions, by `cmp` of the positions, equal
/// ones keeping their order: in the module, the one instantiation of the
/// standard library's sort.
#[cfg_attr(
    not(any(test, feature = "browser", feature = "grafana")),
    allow(dead_code)
)]
pub(crate) fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Moves `items[order[k]]` to position `k`, for every `k`, one cycle of
/// the permutation at a time (`order` is left as the identity).
#[cfg(any(test, feature = "browser"))]
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let next = order[at];
            items.swap(at, next);
            order[at] = at;
            at = next;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_indices_gives_the_standard_librarys_order() {
        let mut seed: u64 = 0x853c_49e6_748f_ea9b;
        for len in 0..200 {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed % 7) as u8, i)
                })
                .collect();
            let mut want = items.clone();
            want.sort_by_key(|a| a.0);
            let mut got = items.clone();
            sort_by_indices(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "{items:?}");
            let mut got = items;
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, want);
        }
    }
}
