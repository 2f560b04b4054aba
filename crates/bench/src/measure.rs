//! Medians of interleaved rounds, and the table a benchmark prints.

use std::time::{Duration, Instant};

/// The median of `values` (which it sorts).
pub fn median<T: Ord + Copy>(values: &mut [T]) -> T {
    values.sort();
    values[values.len() / 2]
}

/// Time per call of `f` over `n` calls.
pub fn per_call(n: u32, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        f();
    }
    started.elapsed() / n
}

/// Project and floor measured in `rounds` interleaved rounds of `n` calls each, the side that
/// goes first alternating from round to round: the median time per call of each, and the
/// spread of the per-round ratios (lowest, highest).
pub fn interleaved(
    rounds: usize,
    n: u32,
    mut project: impl FnMut(),
    mut floor: impl FnMut(),
) -> Comparison {
    let mut p = Vec::with_capacity(rounds);
    let mut f = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = per_call(n, &mut project);
            (a, per_call(n, &mut floor))
        } else {
            let b = per_call(n, &mut floor);
            (per_call(n, &mut project), b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        p.push(a);
        f.push(b);
    }
    ratios.sort_by(f64::total_cmp);
    Comparison {
        project: median(&mut p),
        floor: median(&mut f),
        ratio: ratios[ratios.len() / 2],
        lowest: ratios[0],
        highest: ratios[ratios.len() - 1],
    }
}

/// Project against floor, from interleaved rounds.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// The project's median time per call.
    pub project: Duration,
    /// The floor's median time per call.
    pub floor: Duration,
    /// The median of the per-round ratios, project over floor.
    pub ratio: f64,
    /// The lowest per-round ratio.
    pub lowest: f64,
    /// The highest per-round ratio.
    pub highest: f64,
}

impl Comparison {
    /// One table row: the name, both medians, the ratio with its spread, and the rest.
    pub fn row(&self, name: &str, rest: &str) -> String {
        format!(
            "{name:<34} {:>9.2?} {:>9.2?} {:>6.2}x ({:.2}-{:.2}) {rest}",
            self.project, self.floor, self.ratio, self.lowest, self.highest
        )
    }
}

/// The heading that goes with [`Comparison::row`].
pub fn heading(rest: &str) -> String {
    format!(
        "{:<34} {:>9} {:>9} {:>7} {:<11} {rest}",
        "", "project", "floor", "ratio", "(spread)"
    )
}
