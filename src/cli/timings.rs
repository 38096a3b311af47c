//! `--timings` (or `REFMAP_TIMINGS`): the library's tracing spans, timed and
//! printed to standard error in the lines `benches/compare.sh` reads.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One closed span: its target, its name and how long it lasted.
type Closed = (&'static str, &'static str, Duration);

/// The spans closed so far, shared with the layer that records them.
#[derive(Clone, Default)]
pub struct Timings(Arc<Mutex<Vec<Closed>>>);

struct Opened(Instant);

struct Recorder(Timings);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, _: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Opened(Instant::now()));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(opened) = span.extensions().get::<Opened>().map(|o| o.0) else {
            return;
        };
        let meta = span.metadata();
        self.0
            .lock()
            .push((meta.target(), meta.name(), opened.elapsed()));
    }
}

impl Timings {
    /// Starts recording every span of the process.
    pub fn install() -> Timings {
        let timings = Timings::default();
        let subscriber = tracing_subscriber::registry().with(Recorder(timings.clone()));
        // Only fails when a subscriber is already set, and none is.
        let _ = tracing::subscriber::set_global_default(subscriber);
        timings
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Closed>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the durations of the spans named `name` closed so far.
    pub fn take(&self, name: &str) -> Vec<Duration> {
        let mut closed = self.lock();
        let (taken, kept) = closed.drain(..).partition(|c| c.1 == name);
        *closed = kept;
        taken.into_iter().map(|c| c.2).collect()
    }

    /// Prints the resolution's stages, then the load line.
    pub fn print_load(&self, bytes: usize, clauses: usize, links: usize) {
        for (_, name, d) in self
            .lock()
            .iter()
            .filter(|c| c.0.starts_with("refmap::model"))
        {
            eprintln!("refmap timings:   {name} {:.3} s", d.as_secs_f64());
        }
        let parse: Duration = self.take("parse").into_iter().sum();
        let resolve: Duration = self.take("resolve").into_iter().sum();
        eprintln!(
            "refmap timings: parse {:.3} s ({:.1} MB/s), resolve+check {:.3} s, {clauses} clauses, {links} links",
            parse.as_secs_f64(),
            bytes as f64 / 1e6 / parse.as_secs_f64().max(1e-9),
            resolve.as_secs_f64(),
        );
    }

    /// Prints the time of the last query.
    pub fn print_query(&self) {
        if let Some(d) = self.take("query").last() {
            eprintln!("refmap timings: query {:.1} µs", d.as_secs_f64() * 1e6);
        }
    }

    /// Prints the batch's time and each inventory's median load and evaluation.
    pub fn print_check(&self, inventories: usize, started: Instant) {
        eprintln!(
            "refmap timings: {inventories} inventories in {:.3} s; per inventory (median): load {:.1} µs, evaluate {:.1} µs",
            started.elapsed().as_secs_f64(),
            median_us(self.take("inventory")),
            median_us(self.take("evaluate")),
        );
    }
}

/// The median of some durations, in microseconds (0 for none).
fn median_us(mut xs: Vec<Duration>) -> f64 {
    xs.sort_unstable();
    xs.get(xs.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1e6)
}
