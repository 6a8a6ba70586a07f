//! The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV:
//! using iso-value curves for customer base analysis"; Fader & Hardie's note
//! "The Gamma-Gamma model of monetary value", as the Python `lifetimes`
//! package implements it): each purchase's value is Gamma(p, ν) with
//! ν ~ Gamma(q, γ) across customers, so a customer's mean value `m̄` over
//! `x` purchases is Gamma(px, νx).

use serde::Serialize;

use super::Rfm;
use super::optimize::minimize;
use super::special::ln_gamma;

/// The three Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGamma {
    /// Shape of each purchase's value.
    pub p: f64,
    /// Shape of the customers' rates ν.
    pub q: f64,
    /// Scale of the customers' rates ν.
    pub gamma: f64,
}

/// The parameters found by maximum likelihood, and the likelihood there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGammaFit {
    /// The parameters.
    #[serde(flatten)]
    pub params: GammaGamma,
    /// The log-likelihood of the data at `params`, summed over the customers
    /// it was fitted on.
    pub log_likelihood: f64,
}

impl GammaGamma {
    fn from_logs(logs: &[f64]) -> GammaGamma {
        let at = |i: usize| logs.get(i).copied().unwrap_or(f64::NAN).exp();
        GammaGamma {
            p: at(0),
            q: at(1),
            gamma: at(2),
        }
    }

    /// The log-likelihood of a customer whose `x` repeat purchases averaged
    /// `m` (Fader & Hardie's note, equation 1a):
    ///
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x
    /// − (px+q) ln(γ + xm).
    pub fn log_likelihood_of(&self, x: u32, m: f64) -> f64 {
        let GammaGamma { p, q, gamma } = *self;
        let n = f64::from(x);
        ln_gamma(p * n + q) - ln_gamma(p * n) - ln_gamma(q)
            + q * gamma.ln()
            + (p * n - 1.0) * m.ln()
            + p * n * n.ln()
            - (p * n + q) * (gamma + n * m).ln()
    }

    /// The log-likelihood of the customers the model is fitted on (see
    /// [`fitted_on`]), summed.
    pub fn log_likelihood(&self, customers: &[Rfm]) -> f64 {
        fitted_on(customers)
            .map(|(x, m)| self.log_likelihood_of(x, m))
            .sum()
    }

    /// The mean value of a purchase over all customers, `pγ / (q − 1)`;
    /// `None` when `q ≤ 1` (the mean is infinite).
    pub fn population_mean(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.p * self.gamma / (self.q - 1.0))
    }

    /// The expected value of a purchase of a customer whose `x` repeat
    /// purchases averaged `m` (the note's equation 5),
    /// `p(γ + xm) / (px + q − 1)`: a weighted mean of `m` and the population
    /// mean. Without repeat purchases, the population mean.
    pub fn expected_average_value(&self, x: u32, m: Option<f64>) -> Option<f64> {
        let GammaGamma { p, q, gamma } = *self;
        let n = f64::from(x);
        match m {
            Some(m) if x > 0 && p * n + q - 1.0 > 0.0 => {
                Some(p * (gamma + n * m) / (p * n + q - 1.0))
            }
            Some(_) if x > 0 => None,
            _ => self.population_mean(),
        }
    }
}

/// The `(x, m̄)` the model is fitted on: customers with at least one repeat
/// purchase whose repeat purchases averaged more than zero (a gamma
/// distribution has no mass at zero or below; `lifetimes` refuses such data).
pub fn fitted_on(customers: &[Rfm]) -> impl Iterator<Item = (u32, f64)> + '_ {
    customers.iter().filter_map(|c| {
        let m = c.monetary_value?;
        (c.frequency > 0 && m > 0.0 && m.is_finite()).then_some((c.frequency, m))
    })
}

/// The Gamma-Gamma parameters of most likelihood, found in log space from
/// p = q = γ = 1; `None` without customers to fit on or when the search
/// fails.
pub fn fit(customers: &[Rfm]) -> Option<GammaGammaFit> {
    let data: Vec<(u32, f64)> = fitted_on(customers).collect();
    if data.is_empty() {
        return None;
    }
    let negative_log_likelihood = |logs: &[f64]| {
        let params = GammaGamma::from_logs(logs);
        -data
            .iter()
            .map(|(x, m)| params.log_likelihood_of(*x, *m))
            .sum::<f64>()
    };
    let found = minimize(negative_log_likelihood, &[0.0; 3])?;
    let params = GammaGamma::from_logs(&found.point);
    [params.p, params.q, params.gamma, found.value]
        .iter()
        .all(|v| v.is_finite())
        .then_some(GammaGammaFit {
            params,
            log_likelihood: -found.value,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfm(x: u32, m: Option<f64>) -> Rfm {
        Rfm {
            customer_id: format!("c{x}"),
            frequency: x,
            recency: 0.0,
            age: 0.0,
            monetary_value: m,
        }
    }

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs()
    }

    const PARAMS: GammaGamma = GammaGamma {
        p: 6.0,
        q: 4.0,
        gamma: 15.0,
    };

    #[test]
    fn the_log_likelihood_matches_hand_computed_values() {
        // The density of m̄, Γ(px+q)/(Γ(px)Γ(q)) γ^q m̄^(px−1) x^px /
        // (γ+xm̄)^(px+q), computed with Python's math.lgamma.
        let one = PARAMS.log_likelihood_of(1, 10.0);
        let three = PARAMS.log_likelihood_of(3, 25.5);
        assert!(close(one, -3.621_055_711_231_569_8, 1e-12), "{one}");
        assert!(close(three, -3.611_395_723_851_231_3, 1e-12), "{three}");
        // Customers without repeats or with a mean of zero are left out.
        let customers = [
            rfm(1, Some(10.0)),
            rfm(0, None),
            rfm(3, Some(25.5)),
            rfm(2, Some(0.0)),
        ];
        let total = PARAMS.log_likelihood(&customers);
        assert!(close(total, -7.232_451_435_082_801, 1e-12), "{total}");
    }

    #[test]
    fn expected_values_shrink_toward_the_population_mean() {
        assert_eq!(PARAMS.population_mean(), Some(30.0));
        // p(γ + xm)/(px + q − 1) = 6 (15 + 2·50) / 15 = 46.
        assert_eq!(PARAMS.expected_average_value(2, Some(50.0)), Some(46.0));
        assert_eq!(PARAMS.expected_average_value(0, None), Some(30.0));
        let heavy_tail = GammaGamma { q: 0.9, ..PARAMS };
        assert_eq!(heavy_tail.population_mean(), None);
        assert_eq!(heavy_tail.expected_average_value(0, None), None);
    }

    #[test]
    fn the_fit_is_the_maximum() {
        // Made-up means with an interior maximum (p ≈ 22.07, q ≈ 1.864,
        // γ ≈ 1.662): the fitted parameters beat small moves in every
        // direction.
        let customers: Vec<Rfm> = [
            (1, 12.0),
            (2, 30.5),
            (1, 8.0),
            (4, 22.0),
            (3, 41.0),
            (1, 19.0),
            (2, 15.5),
            (6, 27.0),
            (1, 60.0),
            (2, 9.0),
            (5, 90.0),
            (3, 11.0),
            (8, 35.0),
            (1, 25.0),
            (2, 140.0),
            (4, 18.0),
            (1, 33.0),
            (3, 6.5),
            (2, 48.0),
            (6, 75.0),
        ]
        .iter()
        .map(|(x, m)| rfm(*x, Some(*m)))
        .collect();
        let Some(fit) = fit(&customers) else {
            panic!("no fit");
        };
        let at_fit = fit.params.log_likelihood(&customers);
        assert!(close(at_fit, fit.log_likelihood, 1e-12));
        assert!(close(fit.params.q, 1.8638, 1e-3), "{fit:?}");
        for i in 0..3 {
            for factor in [0.99, 1.01] {
                let mut moved = fit.params;
                let p = [&mut moved.p, &mut moved.q, &mut moved.gamma];
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
        assert_eq!(fit(&[rfm(0, None)]), None);
        assert_eq!(fit(&[]), None);
    }
}
