//! Work spread over the machine's cores. [`map`] runs a function over items on
//! scoped threads and returns the results in the items' order, so no output
//! depends on the number of threads or on how they were scheduled.
//!
//! Written on `std::thread::scope` (an atomic cursor over the items) rather than
//! taken from rayon: rayon and its crossbeam dependencies would lengthen the cold
//! build of `cargo xtask`, the build this exists to shorten.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Each worker's stack: as large as a main thread's usually is, since a debug
/// build of `syn` and `prettyplease` recurses deeply on a large file.
const WORKER_STACK: usize = 16 << 20;

/// `items.iter().map(f).collect()`, on up to one thread per core (the calling
/// thread included); items are taken in order, so put the largest first.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = Vec::with_capacity(items.len());
    std::thread::scope(|s| {
        // A worker that cannot be spawned leaves its share to the others and to
        // this thread.
        let handles: Vec<_> = (1..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        results.extend(work());
        for h in handles {
            match h.join() {
                Ok(r) => results.extend(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    in_order(results)
}

/// The results of [`map`]'s workers, each with its item's index, in the items'
/// order.
fn in_order<R>(mut results: Vec<(usize, R)>) -> Vec<R> {
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// [`map`], starting with the items of the largest `cost`, so no large item is
/// left to run alone at the end; the results are still in the items' order.
pub(crate) fn map_largest_first<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let results = map(&order, |&i| f(&items[i]));
    in_order(order.into_iter().zip(results).collect())
}

#[cfg(test)]
mod tests {
    use super::{map, map_largest_first};

    /// Uneven work (up to 6,000 steps an item), so threads finish out of order.
    fn work(n: &u64) -> u64 {
        (0..(n % 7) * 1000).fold(*n, |a, b| a.rotate_left(3) ^ b)
    }

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u64> = (0..200).collect();
        let serial: Vec<u64> = items.iter().map(work).collect();
        assert_eq!(map(&items, work), serial);
        assert!(map(&[] as &[u64], work).is_empty());
        assert_eq!(map(&[8], work), vec![work(&8)]);
        assert_eq!(
            map_largest_first(&items, |n| (n % 7) as usize, work),
            serial
        );
    }
}
