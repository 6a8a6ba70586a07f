//! Small random helpers: weighted choices, skewed and bell-shaped numbers.

use rand::Rng;
use rand::rngs::StdRng;

/// An index drawn with probability proportional to its weight (0 when all
/// weights are 0).
pub(super) fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    weighted_by(rng, weights, |&weight| weight)
}

/// An index of `items` drawn with probability proportional to `weight(item)`.
pub(super) fn weighted_by<T>(rng: &mut StdRng, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u32 = items.iter().map(&weight).sum();
    if total == 0 {
        return 0;
    }
    let mut roll = rng.random_range(0..total);
    for (index, item) in items.iter().enumerate() {
        let share = weight(item);
        if roll < share {
            return index;
        }
        roll -= share;
    }
    items.len() - 1
}

/// One of `items`, drawn uniformly; `items` must not be empty.
pub(super) fn one_of<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One of `items`, the first ones more likely (`power` > 1 skews harder).
pub(super) fn early_one_of<T: Copy>(rng: &mut StdRng, items: &[T], power: f64) -> T {
    let last = items.len().saturating_sub(1) as i64;
    items[skewed(rng, 0, last, power) as usize]
}

/// A whole number in `low..=high`, skewed towards `low` when `power` > 1.
pub(super) fn skewed(rng: &mut StdRng, low: i64, high: i64, power: f64) -> i64 {
    if high <= low {
        return low;
    }
    let span = (high - low + 1) as f64;
    (low + (span * rng.random::<f64>().powf(power)) as i64).min(high)
}

/// A draw from the standard normal distribution (Box–Muller).
pub(super) fn standard_normal(rng: &mut StdRng) -> f64 {
    let radius = 1.0 - rng.random::<f64>();
    let angle = rng.random::<f64>();
    (-2.0 * radius.ln()).sqrt() * (std::f64::consts::TAU * angle).cos()
}

/// A positive number around `median`, with a long right tail.
pub(super) fn log_normal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * standard_normal(rng)).exp()
}

/// A whole number of days around `median`, within `low..=high`.
pub(super) fn days_around(rng: &mut StdRng, median: f64, sigma: f64, low: i32, high: i32) -> i32 {
    (log_normal(rng, median, sigma).round() as i32).clamp(low, high)
}

/// The number of events of a Poisson process with the given mean.
pub(super) fn poisson(rng: &mut StdRng, mean: f64) -> usize {
    if !(mean > 0.0 && mean.is_finite()) {
        return 0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * standard_normal(rng)).round().max(0.0) as usize;
    }
    let limit = (-mean).exp();
    let mut product = rng.random::<f64>();
    let mut count = 0;
    while product > limit {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

/// Shuffles in place (Fisher–Yates).
pub(super) fn shuffle<T>(rng: &mut StdRng, items: &mut [T]) {
    for last in (1..items.len()).rev() {
        items.swap(last, rng.random_range(0..=last));
    }
}
