//! Small numeric helpers: logistic link, Beta quantiles, and an L2
//! logistic fit on aggregated rows. No allocation-heavy or generic code, to
//! keep the wasm small.

/// Probabilities are kept within [EPS, 1 - EPS] before taking logits.
pub const EPS: f64 = 1e-6;

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

pub fn logit(p: f64) -> f64 {
    let p = p.clamp(EPS, 1.0 - EPS);
    (p / (1.0 - p)).ln()
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
pub fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
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
    if x < 0.5 {
        // Recurrence, not the reflection formula: sin() would pull kilobytes
        // of argument reduction into the wasm.
        return ln_gamma(x + 1.0) - x.ln();
    }
    let x = x - 1.0;
    let mut a = C.first().copied().unwrap_or(1.0);
    let t = x + 7.5;
    for (k, c) in C.iter().enumerate().skip(1) {
        a += c / (x + k as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction for the regularised incomplete beta (Numerical Recipes),
/// evaluated by Lentz's method.
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let away_from_zero = |v: f64| if v.abs() < TINY { TINY } else { v };
    // One Lentz step with coefficient `aa`: updates c and d, returns the
    // factor the fraction's value is multiplied by.
    let step = |aa: f64, c: &mut f64, d: &mut f64| -> f64 {
        *d = 1.0 / away_from_zero(1.0 + aa * *d);
        *c = away_from_zero(1.0 + aa / *c);
        *d * *c
    };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / away_from_zero(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..200 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)), &mut c, &mut d);
        let del = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &mut c, &mut d);
        h *= del;
        if (del - 1.0).abs() < 1e-12 {
            break;
        }
    }
    h
}

/// P(X <= x) for X ~ Beta(a, b), a, b > 0.
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// The q-quantile of Beta(a, b): Newton steps on the cdf, kept inside a
/// shrinking bracket (bisection when a step leaves it). Exact to ~1e-10.
pub fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    let ln_norm = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    // Start at the mean, a fair guess for any central quantile.
    let mut x = a / (a + b);
    for _ in 0..100 {
        let f = beta_cdf(x, a, b) - q;
        if f.abs() < 1e-12 {
            break;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let pdf = (ln_norm + (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()).exp();
        let next = x - f / pdf;
        x = if pdf > 0.0 && next > lo && next < hi { next } else { 0.5 * (lo + hi) };
        if hi - lo < 1e-12 {
            break;
        }
    }
    x
}

/// Central 90% credible interval of Beta(a, b).
pub fn beta_interval(a: f64, b: f64) -> [f64; 2] {
    let a = a.max(1e-3);
    let b = b.max(1e-3);
    if a.min(b) >= 100.0 {
        // With 100+ on each side the Beta is normal to within a fraction of
        // a point, and the continued fraction gets slow for huge counts.
        let n = a + b;
        let m = a / n;
        let sd = (m * (1.0 - m) / (n + 1.0)).sqrt();
        let z = 1.644_853_626_951_472_2;
        return [(m - z * sd).max(0.0), (m + z * sd).min(1.0)];
    }
    [beta_quantile(0.05, a, b), beta_quantile(0.95, a, b)]
}

/// One aggregated row of a logistic fit: `count` deals sharing the same
/// offset, features (indices of one-hot features) and outcome.
#[derive(Clone, Debug)]
pub struct Row {
    pub offset: f64,
    pub features: Vec<u32>,
    pub won: bool,
    pub count: f64,
}

fn linear(beta: &[f64], row: &Row) -> f64 {
    row.offset + row.features.iter().map(|&f| beta.get(f as usize).copied().unwrap_or(0.0)).sum::<f64>()
}

/// Fits one-hot effects `beta` (no intercept: the offset carries the level)
/// maximising the log likelihood minus `lambda/2 * |beta|^2`, by Newton's
/// method with the Newton step solved by conjugate gradients (the Hessian is
/// never formed: rows are sparse). `weight(row)` scales each row's count
/// (used to hold out a fold); `start` warm-starts the effects. The
/// conjugate gradients are preconditioned by the Hessian's diagonal, which
/// for one-hot rows makes them converge in a handful of steps. Deterministic.
pub fn fit_logistic(rows: &[Row], n_features: usize, lambda: f64, weight: &dyn Fn(usize, &Row) -> f64, start: Option<&[f64]>) -> Vec<f64> {
    fit_logistic_each(rows, &vec![lambda; n_features], weight, start)
}

/// [`fit_logistic`] with a penalty of its own for every feature
/// (`lambdas[f]`; the number of features is `lambdas.len()`): main effects
/// and interactions are shrunk with different strengths.
pub fn fit_logistic_each(rows: &[Row], lambdas: &[f64], weight: &dyn Fn(usize, &Row) -> f64, start: Option<&[f64]>) -> Vec<f64> {
    let n_features = lambdas.len();
    let mut beta = match start {
        Some(b) if b.len() == n_features => b.to_vec(),
        _ => vec![0.0; n_features],
    };
    // The rows' features in one flat array (row k: flat[ends[k-1]..ends[k]]):
    // the Hessian product below streams every row for every conjugate
    // gradient step, and one Vec per row made that a pointer chase per row
    // (most of calibrate's time at 1e5 deals and more).
    let mut flat: Vec<u32> = Vec::with_capacity(rows.len() * 4);
    let mut ends: Vec<usize> = Vec::with_capacity(rows.len());
    for r in rows {
        flat.extend_from_slice(&r.features);
        ends.push(flat.len());
    }
    for _ in 0..30 {
        // Gradient of the penalised negative log likelihood and the curvature
        // weight of every row.
        let mut grad: Vec<f64> = beta.iter().zip(lambdas).map(|(b, l)| l * b).collect();
        let mut curv = Vec::with_capacity(rows.len());
        let mut diag = lambdas.to_vec();
        for (k, r) in rows.iter().enumerate() {
            let c = weight(k, r);
            let p = sigmoid(linear(&beta, r));
            let y = if r.won { 1.0 } else { 0.0 };
            for &f in &r.features {
                if let Some(g) = grad.get_mut(f as usize) {
                    *g += c * (p - y);
                }
                if let Some(d) = diag.get_mut(f as usize) {
                    *d += c * p * (1.0 - p);
                }
            }
            curv.push(c * p * (1.0 - p));
        }
        // Solve (X' W X + lambda I) step = grad by conjugate gradients.
        let hv = |v: &[f64]| -> Vec<f64> {
            let mut out: Vec<f64> = v.iter().zip(lambdas).map(|(x, l)| l * x).collect();
            let mut start = 0;
            for (&end, w) in ends.iter().zip(&curv) {
                let features = flat.get(start..end).unwrap_or(&[]);
                start = end;
                if *w == 0.0 {
                    continue;
                }
                let s: f64 = features.iter().map(|&f| v.get(f as usize).copied().unwrap_or(0.0)).sum();
                for &f in features {
                    if let Some(o) = out.get_mut(f as usize) {
                        *o += w * s;
                    }
                }
            }
            out
        };
        let precondition = |r: &[f64]| -> Vec<f64> { r.iter().zip(&diag).map(|(x, d)| x / d.max(1e-12)).collect() };
        let mut step = vec![0.0; n_features];
        let mut res = grad.clone();
        let mut z = precondition(&res);
        let mut dir = z.clone();
        let mut rr: f64 = res.iter().zip(&z).map(|(a, b)| a * b).sum();
        let tol = 1e-24 + 1e-16 * rr;
        for _ in 0..n_features.clamp(1, 200) {
            if rr <= tol {
                break;
            }
            let hd = hv(&dir);
            let dhd: f64 = dir.iter().zip(&hd).map(|(a, b)| a * b).sum();
            if dhd <= 0.0 {
                break;
            }
            let alpha = rr / dhd;
            for ((s, d), (r, h)) in step.iter_mut().zip(&dir).zip(res.iter_mut().zip(&hd)) {
                *s += alpha * d;
                *r -= alpha * h;
            }
            z = precondition(&res);
            let rr2: f64 = res.iter().zip(&z).map(|(a, b)| a * b).sum();
            let ratio = rr2 / rr;
            for (d, r) in dir.iter_mut().zip(&z) {
                *d = r + ratio * *d;
            }
            rr = rr2;
        }
        // Damped along the Newton direction: the whole step is scaled so no
        // effect moves more than 2 logits, then halved until the penalised
        // loss improves. (Clamping each coordinate on its own bends the
        // direction and can cycle between two wrong answers.)
        let longest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if !longest.is_finite() || longest < 1e-7 {
            break;
        }
        let current = penalised_loss(rows, &beta, lambdas, weight);
        let mut t = if longest > 2.0 { 2.0 / longest } else { 1.0 };
        let mut moved = false;
        for _ in 0..30 {
            let candidate: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - t * s).collect();
            if penalised_loss(rows, &candidate, lambdas, weight) <= current {
                beta = candidate;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved || t * longest < 1e-7 {
            break;
        }
    }
    beta
}

/// `-ln(sigmoid(m))`, without overflow for large |m|: the log loss of an
/// outcome whose logit, signed toward that outcome, is `m`.
pub fn neg_log_sigmoid(m: f64) -> f64 {
    if m > 0.0 {
        (-m).exp().ln_1p()
    } else {
        -m + m.exp().ln_1p()
    }
}

/// The objective `fit_logistic` minimises: weighted log loss plus
/// `sum of lambdas[f]/2 * beta[f]^2`.
fn penalised_loss(rows: &[Row], beta: &[f64], lambdas: &[f64], weight: &dyn Fn(usize, &Row) -> f64) -> f64 {
    let mut l = 0.5 * beta.iter().zip(lambdas).map(|(b, l)| l * b * b).sum::<f64>();
    for (k, r) in rows.iter().enumerate() {
        let c = weight(k, r);
        if c == 0.0 {
            continue;
        }
        let z = linear(beta, r);
        l += c * neg_log_sigmoid(if r.won { z } else { -z });
    }
    l
}

/// Mean log loss of rows under `beta`, weighted by `weight`.
pub fn log_loss(rows: &[Row], beta: &[f64], weight: &dyn Fn(usize, &Row) -> f64) -> (f64, f64) {
    let (mut loss, mut n) = (0.0, 0.0);
    for (k, r) in rows.iter().enumerate() {
        let c = weight(k, r);
        if c == 0.0 {
            continue;
        }
        let p = sigmoid(linear(beta, r)).clamp(EPS, 1.0 - EPS);
        loss -= c * if r.won { p.ln() } else { (1.0 - p).ln() };
        n += c;
    }
    (loss, n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    /// The fit reaches the optimum (zero gradient of the penalised loss)
    /// even on nearly separable data with a weak penalty, where full Newton
    /// steps overshoot.
    #[test]
    fn logistic_fit_reaches_the_optimum() {
        let mut rows = Vec::new();
        // Found by a search in which per-coordinate clamping of the Newton
        // step stopped at gradient norm 72 after 30 iterations (lambda 0.01).
        for (features, won, count) in [
            (vec![0u32, 1], true, 1.0),
            (vec![1, 2], true, 1.0),
            (vec![0, 1, 2], false, 40.0),
            (vec![0, 1, 2], true, 40.0),
            (vec![0, 1, 2], false, 20.0),
            (vec![0, 1, 2], true, 40.0),
        ] {
            rows.push(Row { offset: -1.1338400006424538, features, won, count });
        }
        for lambda in [0.01, 0.5, 8.0] {
            let beta = fit_logistic(&rows, 3, lambda, &|_, r| r.count, None);
            let mut grad: Vec<f64> = beta.iter().map(|b| lambda * b).collect();
            for r in &rows {
                let p = sigmoid(linear(&beta, r));
                for &f in &r.features {
                    grad[f as usize] += r.count * (p - if r.won { 1.0 } else { 0.0 });
                }
            }
            let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            assert!(norm < 1e-5, "lambda {lambda}: gradient {grad:?} at {beta:?}");
        }
    }

    use super::*;

    #[test]
    fn beta_quantiles_match_known_values() {
        // Beta(1,1) is uniform.
        assert!((beta_quantile(0.05, 1.0, 1.0) - 0.05).abs() < 1e-9);
        // Beta(2,2): cdf(0.5) = 0.5.
        assert!((beta_cdf(0.5, 2.0, 2.0) - 0.5).abs() < 1e-12);
        // Beta(10, 30): 5% quantile 0.146219 (by numeric integration).
        assert!((beta_quantile(0.05, 10.0, 30.0) - 0.146_219).abs() < 1e-5, "{}", beta_quantile(0.05, 10.0, 30.0));
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-10);
        // The normal shortcut for large counts agrees with the exact quantile.
        let [lo, hi] = beta_interval(300.0, 700.0);
        assert!((lo - beta_quantile(0.05, 300.0, 700.0)).abs() < 2e-3 && (hi - beta_quantile(0.95, 300.0, 700.0)).abs() < 2e-3);
    }

    #[test]
    fn logistic_recovers_an_effect_and_shrinks_with_little_data() {
        let rows = vec![
            Row { offset: 0.0, features: vec![0], won: true, count: 800.0 },
            Row { offset: 0.0, features: vec![0], won: false, count: 200.0 },
            Row { offset: 0.0, features: vec![1], won: true, count: 2.0 },
            Row { offset: 0.0, features: vec![1], won: false, count: 0.0 },
        ];
        let b = fit_logistic(&rows, 2, 1.0, &|_, r| r.count, None);
        assert!((b[0] - 4f64.ln()).abs() < 0.01, "{b:?}");
        assert!(b[1] > 0.0 && b[1] < 1.0, "{b:?}");
    }
}
