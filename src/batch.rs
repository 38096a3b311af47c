//! Evaluating many inventories against one rulebook, on every core, with
//! the bytes parsed at once bounded whatever the number of cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::date::Date;
use crate::evaluate::{Detail, Evaluator, Report, Scratch};
use crate::inventory::{self, Inventory, InventoryError};

/// Applies `f` to every item, in order, spreading the work over the
/// available cores in contiguous chunks; `progress` gets the number done.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    progress: impl Fn(usize) + Sync,
) -> Vec<R> {
    parallel_map_with(items, || (), |(), item| f(item), progress)
}

/// [`parallel_map`] with a work space per worker: `init` makes one for
/// each chunk of items, and `f` gets it with each item of the chunk.
pub fn parallel_map_with<T: Sync, R: Send, S>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
    progress: impl Fn(usize) + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len().max(1));
    let done = AtomicUsize::new(0);
    let one = |space: &mut S, item: &T| {
        let r = f(space, item);
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
        r
    };
    let chunk_of = |part: &[T]| {
        let mut space = init();
        part.iter()
            .map(|item| one(&mut space, item))
            .collect::<Vec<R>>()
    };
    if workers <= 1 || items.len() < 4 {
        return chunk_of(items);
    }
    let chunk = items.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| (scope.spawn(|| chunk_of(part)), part))
            .collect();
        // A worker that died is redone here, so no result is ever lost.
        handles
            .into_iter()
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    let mut space = init();
                    part.iter().map(|item| f(&mut space, item)).collect()
                })
            })
            .collect()
    })
}

/// Evaluates each inventory as of `as_of` (else its own `as_of`, else
/// `today`), in the order given, on every core.
pub fn evaluate_all(
    evaluator: &Evaluator<'_>,
    inventories: &[Inventory],
    as_of: Option<Date>,
    today: Date,
    detail: Detail,
    progress: impl Fn(usize) + Sync,
) -> Vec<Report> {
    parallel_map_with(
        inventories,
        || evaluator.scratch(),
        |scratch, inv| {
            evaluator.evaluate_with(inv, as_of.or(inv.as_of).unwrap_or(today), detail, scratch)
        },
        progress,
    )
}

/// Loads (YAML or JSON, see [`inventory::load`]) and evaluates each
/// `(name, text)` inventory, on every core; one result per input, in order.
pub fn check_all(
    evaluator: &Evaluator<'_>,
    sources: &[(String, String)],
    as_of: Option<Date>,
    today: Date,
    detail: Detail,
    progress: impl Fn(usize) + Sync,
) -> Vec<Result<Report, InventoryError>> {
    parallel_map_with(
        sources,
        || evaluator.scratch(),
        |scratch, (name, text)| {
            check_one_timed(evaluator, scratch, name, text, as_of, today, detail).0
        },
        progress,
    )
}

/// Loads and evaluates one inventory as [`check_all`] does, in `scratch`,
/// with the time it took to load and to evaluate (zero for an evaluation
/// that did not happen).
pub fn check_one_timed(
    evaluator: &Evaluator<'_>,
    scratch: &mut Scratch,
    name: &str,
    text: &str,
    as_of: Option<Date>,
    today: Date,
    detail: Detail,
) -> (Result<Report, InventoryError>, [Duration; 2]) {
    let started = Instant::now();
    let inv = match inventory::load(evaluator.rulebook(), name, text) {
        Ok(inv) => inv,
        Err(e) => return (Err(e), [started.elapsed(), Duration::ZERO]),
    };
    let loaded = Instant::now();
    let as_of = as_of.or(inv.as_of).unwrap_or(today);
    let report = evaluator.evaluate_with(&inv, as_of, detail, scratch);
    (Ok(report), [loaded - started, loaded.elapsed()])
}

/// Bytes of inventory text a batch loads and evaluates at once. Parsing
/// takes many times the size of the text (YAML most), so the budget, not
/// the number of cores, bounds a batch's memory; any number of small files
/// still go in parallel.
pub const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// A budget of bytes shared by the workers of a batch: [`ByteBudget::take`]
/// waits while others hold so much that its bytes would pass the limit.
/// One holder is always let through, whatever its size, so a file larger
/// than the budget runs alone instead of never.
#[derive(Debug)]
pub struct ByteBudget {
    limit: usize,
    held: Mutex<usize>,
    released: Condvar,
}

/// Bytes taken from a [`ByteBudget`], given back when dropped.
#[derive(Debug)]
pub struct Permit<'b> {
    budget: &'b ByteBudget,
    bytes: usize,
}

impl ByteBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Self {
        ByteBudget {
            limit,
            held: Mutex::new(0),
            released: Condvar::new(),
        }
    }

    /// Takes `bytes`, waiting until they fit (or nothing else is held).
    pub fn take(&self, bytes: usize) -> Permit<'_> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        while *held > 0 && held.saturating_add(bytes) > self.limit {
            held = self
                .released
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *held = held.saturating_add(bytes);
        Permit {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut held = self
            .budget
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *held = held.saturating_sub(self.bytes);
        self.budget.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_lets_one_large_holder_through_and_bounds_the_rest() {
        let budget = ByteBudget::new(100);
        let big = budget.take(500);
        drop(big);
        let peak = AtomicUsize::new(0);
        let now = AtomicUsize::new(0);
        let sizes = [60usize, 30, 50, 10, 90, 40, 70, 20];
        std::thread::scope(|scope| {
            for &size in &sizes {
                let (budget, peak, now) = (&budget, &peak, &now);
                scope.spawn(move || {
                    let _permit = budget.take(size);
                    let held = now.fetch_add(size, Ordering::SeqCst) + size;
                    peak.fetch_max(held, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    now.fetch_sub(size, Ordering::SeqCst);
                });
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 100);
        assert_eq!(
            *budget.held.lock().unwrap_or_else(PoisonError::into_inner),
            0
        );
    }
}
