//! Evaluating many inventories against one rulebook, on every core.

use crate::date::Date;
use crate::evaluate::{Evaluator, Report};
use crate::inventory::Inventory;

/// Evaluates each inventory as of `as_of` (else its own `as_of`, else
/// `today`), in the order given, spreading the work over the available
/// cores. `progress` is called with the number done so far.
pub fn evaluate_all(
    evaluator: &Evaluator<'_>,
    inventories: &[Inventory],
    as_of: Option<Date>,
    today: Date,
    progress: impl Fn(usize) + Sync,
) -> Vec<Report> {
    let date = |inv: &Inventory| as_of.or(inv.as_of).unwrap_or(today);
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(inventories.len().max(1));
    if workers <= 1 || inventories.len() < 4 {
        return inventories
            .iter()
            .enumerate()
            .map(|(i, inv)| {
                let r = evaluator.evaluate(inv, date(inv));
                progress(i + 1);
                r
            })
            .collect();
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let chunk = inventories.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inventories
            .chunks(chunk)
            .map(|part| {
                let part_again = part;
                let done = &done;
                let progress = &progress;
                let handle = scope.spawn(move || {
                    part.iter()
                        .map(|inv| {
                            let r = evaluator.evaluate(inv, date(inv));
                            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                            r
                        })
                        .collect::<Vec<_>>()
                });
                (handle, part_again)
            })
            .collect();
        // A worker that died is redone here, so no report is ever lost.
        handles
            .into_iter()
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|inv| evaluator.evaluate(inv, date(inv)))
                        .collect()
                })
            })
            .collect()
    })
}
