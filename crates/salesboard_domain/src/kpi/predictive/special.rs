//! The special functions the purchase and spend models need: ln Γ (Lanczos
//! approximation) and the Gauss hypergeometric function ₂F₁ (its power
//! series, for |z| < 1).

/// Lanczos coefficients for g = 7, n = 9 (about 15 correct digits).
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];
const LANCZOS_G: f64 = 7.0;

/// `ln Γ(x)` for `x > 0` (NaN otherwise), with Euler's reflection formula
/// below ½.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut series = LANCZOS[0];
    for (i, c) in LANCZOS.iter().enumerate().skip(1) {
        series += c / (x + i as f64);
    }
    let t = x + LANCZOS_G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)`.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// The most terms [`hyp2f1`] sums before giving up.
const MAX_TERMS: u32 = 1_000_000;

/// `₂F₁(a, b; c; z)` by its power series, for `0 ≤ z < 1` and `c` not zero or
/// a negative integer; NaN when the series does not converge.
pub(crate) fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    if !(0.0..1.0).contains(&z) || c.is_nan() || (c <= 0.0 && c.fract() == 0.0) {
        return f64::NAN;
    }
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    for k in 0..MAX_TERMS {
        let k = f64::from(k);
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return f64::NAN;
        }
        if term == 0.0 || (term.abs() <= f64::EPSILON * sum.abs() * 1e-2 && ratio.abs() < 1.0) {
            return sum;
        }
    }
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        // Reference values: exact ones, and C's lgamma (Python's math.lgamma).
        let cases = [
            (0.5, 0.5 * std::f64::consts::PI.ln()),
            (10.0, 362_880.0_f64.ln()),
            (100.0, 359.134_205_369_575_4),
            (0.1, 2.252_712_651_734_205_5),
            (1e-5, 11.512_919_692_895_824),
            (3.7, 1.428_072_326_665_388_3),
            (1234.5, 7_550.550_901_077_896),
        ];
        for (x, expected) in cases {
            let actual = ln_gamma(x);
            assert!(
                close(actual, expected, 1e-13),
                "ln Γ({x}) = {actual}, not {expected}"
            );
        }
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        assert!(ln_gamma(0.0).is_nan() && ln_gamma(-1.5).is_nan());
    }

    #[test]
    fn ln_gamma_satisfies_the_recurrence() {
        for x in [0.05, 0.3, 0.7, 1.9, 7.25, 42.0] {
            let step = ln_gamma(x + 1.0) - ln_gamma(x) - f64::ln(x);
            assert!(step.abs() < 1e-12, "Γ(x+1) = xΓ(x) at {x}: off by {step}");
        }
        let beta = ln_beta(2.0, 3.0);
        assert!(close(beta, (1.0_f64 / 12.0).ln(), 1e-13), "{beta}");
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        for z in [0.0_f64, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
            let expected = if z == 0.0 { 1.0 } else { -(1.0 - z).ln() / z };
            let actual = hyp2f1(1.0, 1.0, 2.0, z);
            assert!(
                close(actual, expected, 1e-12),
                "z = {z}: {actual} vs {expected}"
            );
            // ₂F₁(a, b; b; z) = (1 − z)^−a.
            let actual = hyp2f1(-0.21, 3.5, 3.5, z);
            let expected = (1.0 - z).powf(0.21);
            assert!(
                close(actual, expected, 1e-12),
                "z = {z}: {actual} vs {expected}"
            );
        }
        // A polynomial: ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
        let actual = hyp2f1(-2.0, 3.0, 4.0, 0.5);
        assert!(close(actual, 1.0 - 0.75 + 0.15, 1e-15), "{actual}");
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_nan());
    }
}
