//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way: an alternative to the Pareto/NBD model"): while
//! alive, a customer buys at rate λ ~ Gamma(r, α); after each purchase they
//! drop out with probability p ~ Beta(a, b). Time is in weeks.

use serde::Serialize;

use super::Rfm;
use super::optimize::minimize;
use super::special::{hyp2f1, ln_beta, ln_gamma};

/// The four BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbd {
    /// Shape of the purchase rates' gamma distribution.
    pub r: f64,
    /// Scale (rate) of the purchase rates' gamma distribution, in weeks.
    pub alpha: f64,
    /// First shape of the drop-out probabilities' beta distribution.
    pub a: f64,
    /// Second shape of the drop-out probabilities' beta distribution.
    pub b: f64,
}

/// The parameters found by maximum likelihood, and the likelihood there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbdFit {
    /// The parameters.
    #[serde(flatten)]
    pub params: BgNbd,
    /// The log-likelihood of the data at `params`, summed over customers.
    pub log_likelihood: f64,
}

impl BgNbd {
    /// The parameters from their logarithms (the optimiser's coordinates,
    /// which keep every parameter positive).
    fn from_logs(logs: &[f64]) -> BgNbd {
        let at = |i: usize| logs.get(i).copied().unwrap_or(f64::NAN).exp();
        BgNbd {
            r: at(0),
            alpha: at(1),
            a: at(2),
            b: at(3),
        }
    }

    /// The log-likelihood of one customer with `x` repeat purchases, the last
    /// at `t_x` weeks, observed for `t` weeks (paper, equation 6):
    ///
    /// ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    /// + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)],
    ///
    /// where `a/(b+x−1) = B(a+1, b+x−1) / B(a, b+x)`.
    pub fn log_likelihood_of(&self, x: u32, t_x: f64, t: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let n = f64::from(x);
        let common =
            ln_gamma(r + n) - ln_gamma(r) + r * alpha.ln() + ln_beta(a, b + n) - ln_beta(a, b);
        common
            + tail(
                r + n,
                alpha,
                t,
                (x > 0).then(|| (a / (b + n - 1.0)).ln()),
                t_x,
            )
    }

    /// The log-likelihood of every customer, summed.
    pub fn log_likelihood(&self, customers: &[Rfm]) -> f64 {
        ByFrequency::new(customers).log_likelihood(self)
    }

    /// The expected number of purchases in the next `horizon` weeks of a
    /// customer with `x` repeat purchases, the last at `t_x`, observed for
    /// `t` weeks (paper, equation 10):
    ///
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)]
    /// / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)],  z = t/(α+T+t).
    ///
    /// ₂F₁ is taken through Euler's transformation, which turns the bracket
    /// into 1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z): its series has
    /// small numerator parameters whatever `x`, so it neither overflows nor
    /// converges slowly for frequent buyers.
    pub fn expected_purchases(&self, x: u32, t_x: f64, t: f64, horizon: f64) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let n = f64::from(x);
        let z = horizon / (alpha + t + horizon);
        let ln_rest = ((alpha + t) / (alpha + t + horizon)).ln();
        let ln_bracket =
            (a - 1.0) * ln_rest + hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + n - 1.0, z).ln();
        let numerator = (a + b + n - 1.0) / (a - 1.0) * -ln_bracket.exp_m1();
        let denominator = if x > 0 {
            1.0 + ((a / (b + n - 1.0)).ln() + (r + n) * ((alpha + t) / (alpha + t_x)).ln()).exp()
        } else {
            1.0
        };
        numerator / denominator
    }
}

/// `ln[(α+T)^−k + δ e^{ln_ratio} (α+t_x)^−k]`, the second term only when
/// `ln_ratio` is given, added in log space.
fn tail(k: f64, alpha: f64, t: f64, ln_ratio: Option<f64>, t_x: f64) -> f64 {
    let still_alive = -k * (alpha + t).ln();
    match ln_ratio {
        None => still_alive,
        Some(ln_ratio) => log_add_exp(still_alive, ln_ratio - k * (alpha + t_x).ln()),
    }
}

/// `ln(e^x + e^y)` without overflow.
fn log_add_exp(x: f64, y: f64) -> f64 {
    let high = x.max(y);
    if high == f64::NEG_INFINITY {
        return high;
    }
    high + ((x - high).exp() + (y - high).exp()).ln()
}

/// The customers grouped by frequency, so that the ln Γ terms, which depend
/// on `x` only, are computed once per frequency and not once per customer.
#[derive(Debug)]
struct ByFrequency {
    /// `(x, [(t_x, T)])`.
    groups: Vec<(u32, Vec<(f64, f64)>)>,
}

impl ByFrequency {
    fn new(customers: &[Rfm]) -> Self {
        let mut groups: std::collections::BTreeMap<u32, Vec<(f64, f64)>> = Default::default();
        for c in customers {
            groups
                .entry(c.frequency)
                .or_default()
                .push((c.recency, c.age));
        }
        ByFrequency {
            groups: groups.into_iter().collect(),
        }
    }

    fn log_likelihood(&self, params: &BgNbd) -> f64 {
        let BgNbd { r, alpha, a, b } = *params;
        let fixed = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        let mut total = 0.0;
        for (x, customers) in &self.groups {
            let n = f64::from(*x);
            let common = fixed + ln_gamma(r + n) + ln_gamma(b + n) - ln_gamma(a + b + n);
            let ln_ratio = (*x > 0).then(|| (a / (b + n - 1.0)).ln());
            for (t_x, t) in customers {
                total += common + tail(r + n, alpha, *t, ln_ratio, *t_x);
            }
        }
        total
    }
}

/// The BG/NBD parameters of most likelihood for these customers, found in
/// log space from r = a = b = 1 and α = a tenth of the longest observation;
/// `None` when no customer has a repeat purchase (the likelihood then has no
/// maximum: it grows as r → 0) or the search fails.
pub fn fit(customers: &[Rfm]) -> Option<BgNbdFit> {
    if !customers.iter().any(|c| c.frequency > 0) {
        return None;
    }
    let data = ByFrequency::new(customers);
    let longest = customers.iter().map(|c| c.age).fold(0.0, f64::max);
    let scale = if longest > 0.0 { longest / 10.0 } else { 1.0 };
    let start = [0.0, scale.ln(), 0.0, 0.0];
    let found = minimize(|logs| -data.log_likelihood(&BgNbd::from_logs(logs)), &start)?;
    let params = BgNbd::from_logs(&found.point);
    let BgNbd { r, alpha, a, b } = params;
    [r, alpha, a, b, found.value]
        .iter()
        .all(|v| v.is_finite())
        .then_some(BgNbdFit {
            params,
            log_likelihood: -found.value,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfm(x: u32, t_x: f64, t: f64) -> Rfm {
        Rfm {
            customer_id: format!("c{x}"),
            frequency: x,
            recency: t_x,
            age: t,
            monetary_value: None,
        }
    }

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs()
    }

    const PAPER: BgNbd = BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn the_log_likelihood_matches_hand_computed_values() {
        // Computed separately from the paper's equation 6 with its beta
        // functions as written, B(a, b+x)/B(a, b) and B(a+1, b+x−1)/B(a, b)
        // (Python's math.lgamma), at r = 0.5, α = 2, a = 0.8, b = 2.5.
        let params = BgNbd {
            r: 0.5,
            alpha: 2.0,
            a: 0.8,
            b: 2.5,
        };
        let customers = [rfm(0, 0.0, 5.0), rfm(2, 3.0, 8.0), rfm(1, 0.5, 1.5)];
        let expected = [
            -0.626_381_484_247_683_9,
            -5.351_196_070_043_278,
            -2.078_029_268_769_266,
        ];
        for (c, want) in customers.iter().zip(expected) {
            let got = params.log_likelihood_of(c.frequency, c.recency, c.age);
            assert!(close(got, want, 1e-12), "{c:?}: {got} vs {want}");
        }
        let total = params.log_likelihood(&customers);
        assert!(close(total, -8.055_606_823_060_227, 1e-12), "{total}");
    }

    #[test]
    fn the_conditional_expectation_matches_the_paper() {
        // The paper's customer: x = 2, t_x = 30.43, T = 38.86 expects 1.226
        // purchases in the next 39 weeks (also a test of `lifetimes`).
        let expected = PAPER.expected_purchases(2, 30.43, 38.86, 39.0);
        assert!((expected - 1.226).abs() < 1e-3, "{expected}");
        // Against equation 10 with ₂F₁ summed untransformed (Python).
        let horizon = 365.0 / 7.0;
        for (x, t_x, t, want) in [
            (0, 0.0, 10.0, 0.627_765_369_296_343_3),
            (5, 20.0, 38.0, 1.512_135_118_828_069),
            (25, 37.0, 38.5, 20.696_991_738_798_012),
        ] {
            let got = PAPER.expected_purchases(x, t_x, t, horizon);
            assert!(close(got, want, 1e-10), "x = {x}: {got} vs {want}");
        }
        assert_eq!(PAPER.expected_purchases(3, 5.0, 9.0, 0.0), 0.0);
    }

    #[test]
    fn the_fit_is_the_maximum() {
        // Made-up histories with an interior maximum (r ≈ 0.53, α ≈ 2.97,
        // a ≈ 0.36, b ≈ 1.34): the fitted parameters beat small moves in
        // every direction. (With too little heterogeneity the maximum is at
        // a, b → ∞; the fit then stops where the likelihood stops changing.)
        let customers: Vec<Rfm> = [
            (0, 0.0, 30.0),
            (0, 0.0, 28.0),
            (0, 0.0, 25.0),
            (0, 0.0, 12.0),
            (0, 0.0, 20.0),
            (0, 0.0, 3.0),
            (1, 2.0, 30.0),
            (1, 1.0, 29.0),
            (2, 3.0, 31.0),
            (3, 4.0, 30.0),
            (2, 5.0, 33.0),
            (10, 29.0, 30.0),
            (12, 31.0, 31.0),
            (8, 27.0, 28.0),
            (6, 25.0, 27.0),
            (1, 20.0, 22.0),
            (2, 9.0, 26.0),
            (0, 0.0, 8.0),
            (0, 0.0, 33.0),
            (3, 30.0, 31.0),
        ]
        .iter()
        .map(|(x, t_x, t)| rfm(*x, *t_x, *t))
        .collect();
        let Some(fit) = fit(&customers) else {
            panic!("no fit");
        };
        let at_fit = fit.params.log_likelihood(&customers);
        assert!(close(at_fit, fit.log_likelihood, 1e-12));
        assert!(
            close(fit.params.r, 0.527, 1e-2) && close(fit.params.b, 1.3366, 1e-2),
            "{fit:?}"
        );
        for i in 0..4 {
            for factor in [0.99, 1.01] {
                let mut moved = fit.params;
                let p = [&mut moved.r, &mut moved.alpha, &mut moved.a, &mut moved.b];
                if let Some(v) = p.into_iter().nth(i) {
                    *v *= factor;
                }
                assert!(
                    moved.log_likelihood(&customers) < at_fit,
                    "{moved:?} beats {fit:?}"
                );
            }
        }
    }

    #[test]
    fn without_repeat_purchases_there_is_no_fit() {
        assert_eq!(fit(&[rfm(0, 0.0, 5.0), rfm(0, 0.0, 9.0)]), None);
        assert_eq!(fit(&[]), None);
    }
}
