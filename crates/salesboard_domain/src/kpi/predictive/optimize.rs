//! Maximum likelihood by minimisation: the Nelder–Mead simplex method
//! (Nelder & Mead 1965, with the usual coefficients 1, 2, ½, ½), restarted
//! from its best point until a restart no longer improves it.

use std::cell::Cell;

/// The most function evaluations one minimisation may use.
const MAX_EVALUATIONS: usize = 50_000;
/// Converged when the simplex's values agree to this, relative to the best
/// (along a ridge where the function is flat, the vertices may stay apart) …
const VALUE_TOLERANCE: f64 = 1e-14;
/// … or every vertex is this close to the best one (in each coordinate).
const POINT_TOLERANCE: f64 = 1e-10;
/// How many times the search restarts from its best point at most.
const MAX_RESTARTS: usize = 20;
/// The first simplex's edge along each coordinate.
const FIRST_STEP: f64 = 0.5;

/// Where a function is smallest, as found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Minimum {
    /// The point.
    pub point: Vec<f64>,
    /// The function's value there.
    pub value: f64,
}

/// Minimises `f` from `start`; `None` when `f` is nowhere finite along the way
/// or the search runs out of evaluations before converging. A value that is
/// not finite counts as +∞, so `f` may return NaN outside its domain.
pub(crate) fn minimize(f: impl Fn(&[f64]) -> f64, start: &[f64]) -> Option<Minimum> {
    let finite = |x: &[f64]| {
        let value = f(x);
        if value.is_finite() {
            value
        } else {
            f64::INFINITY
        }
    };
    let evaluations = Cell::new(0);
    let mut best = Minimum {
        point: start.to_vec(),
        value: finite(start),
    };
    let mut step = FIRST_STEP;
    for _ in 0..MAX_RESTARTS {
        let (found, converged) = nelder_mead(&finite, &best.point, step, &evaluations);
        let improvement = best.value - found.value;
        let settled = converged
            && found.value.is_finite()
            && improvement <= VALUE_TOLERANCE * found.value.abs().max(1.0);
        if found.value <= best.value {
            best = found;
        }
        if settled {
            return Some(best);
        }
        if evaluations.get() >= MAX_EVALUATIONS {
            return None;
        }
        step = FIRST_STEP / 5.0;
    }
    None
}

/// One run of the simplex method; the best vertex and whether it converged.
fn nelder_mead(
    f: &impl Fn(&[f64]) -> f64,
    start: &[f64],
    step: f64,
    evaluations: &Cell<usize>,
) -> (Minimum, bool) {
    let n = start.len();
    let evaluate = |x: Vec<f64>| {
        evaluations.set(evaluations.get() + 1);
        let value = f(&x);
        Minimum { point: x, value }
    };
    let mut simplex: Vec<Minimum> = Vec::with_capacity(n + 1);
    simplex.push(evaluate(start.to_vec()));
    for i in 0..n {
        let mut vertex = start.to_vec();
        vertex[i] += step;
        simplex.push(evaluate(vertex));
    }
    loop {
        simplex.sort_by(|x, y| x.value.total_cmp(&y.value));
        if converged(&simplex) {
            return (simplex.swap_remove(0), true);
        }
        if evaluations.get() >= MAX_EVALUATIONS {
            return (simplex.swap_remove(0), false);
        }
        let worst = simplex[n].clone();
        let centroid: Vec<f64> = (0..n)
            .map(|i| simplex[..n].iter().map(|v| v.point[i]).sum::<f64>() / n as f64)
            .collect();
        let toward = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&worst.point)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let reflected = evaluate(toward(1.0));
        if reflected.value < simplex[0].value {
            let expanded = evaluate(toward(2.0));
            simplex[n] = if expanded.value < reflected.value {
                expanded
            } else {
                reflected
            };
            continue;
        }
        if reflected.value < simplex[n - 1].value {
            simplex[n] = reflected;
            continue;
        }
        let contracted = if reflected.value < worst.value {
            let outside = evaluate(toward(0.5));
            (outside.value <= reflected.value).then_some(outside)
        } else {
            let inside = evaluate(toward(-0.5));
            (inside.value < worst.value).then_some(inside)
        };
        if let Some(contracted) = contracted {
            simplex[n] = contracted;
            continue;
        }
        let best = simplex[0].point.clone();
        for vertex in simplex.iter_mut().skip(1) {
            let point = best
                .iter()
                .zip(&vertex.point)
                .map(|(b, v)| b + 0.5 * (v - b))
                .collect();
            *vertex = evaluate(point);
        }
    }
}

/// Whether a sorted simplex has shrunk onto its best vertex.
fn converged(simplex: &[Minimum]) -> bool {
    let (Some(best), Some(worst)) = (simplex.first(), simplex.last()) else {
        return true;
    };
    let values_agree = worst.value - best.value <= VALUE_TOLERANCE * best.value.abs().max(1.0);
    let points_agree = simplex.iter().all(|vertex| {
        vertex
            .point
            .iter()
            .zip(&best.point)
            .all(|(v, b)| (v - b).abs() <= POINT_TOLERANCE * b.abs().max(1.0))
    });
    best.value.is_finite() && (values_agree || points_agree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrocks_valley() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let found = minimize(rosenbrock, &[-1.2, 1.0]);
        let point = found.map(|m| m.point).unwrap_or_default();
        assert_eq!(point.len(), 2);
        assert!(
            (point[0] - 1.0).abs() < 1e-6 && (point[1] - 1.0).abs() < 1e-6,
            "{point:?}"
        );
    }

    #[test]
    fn finds_the_centre_of_a_bowl_in_four_dimensions() {
        let centre = [0.3, -1.7, 2.5, 0.0];
        let bowl = |x: &[f64]| {
            x.iter()
                .zip(centre)
                .enumerate()
                .map(|(i, (x, c))| (i as f64 + 1.0) * (x - c).powi(2))
                .sum::<f64>()
                + 7.0
        };
        let found = minimize(bowl, &[0.0; 4]);
        let Some(found) = found else {
            panic!("no minimum found");
        };
        assert!((found.value - 7.0).abs() < 1e-12, "{found:?}");
        for (x, c) in found.point.iter().zip(centre) {
            assert!((x - c).abs() < 1e-6, "{found:?}");
        }
    }

    #[test]
    fn values_that_are_not_finite_are_avoided() {
        // x − 2 ln x is smallest at 2 and undefined (NaN) below 0.
        let f = |x: &[f64]| x[0] - 2.0 * x[0].ln();
        let found = minimize(f, &[0.1]).map(|m| m.point[0]);
        assert!(found.is_some_and(|x| (x - 2.0).abs() < 1e-6), "{found:?}");
        assert_eq!(minimize(|_| f64::NAN, &[1.0, 1.0]), None);
    }
}
