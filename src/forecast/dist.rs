//! The distribution of a pipeline's total: the sum of independent
//! Bernoulli(p) × amount terms (a generalised Poisson-binomial), computed
//! exactly when the amounts are small integers, else on an amount grid whose
//! error is bounded and reported. Optionally a mixture over scenarios of a
//! common multiplier on every probability (dependence between deals).
//!
//! Method: amounts are rounded to a grid of step `h`; deals that are certain
//! (p = 1) are added exactly, deals with p = 0 or amount 0 drop out. The
//! rounded sum S' never differs from the true sum S by more than
//! `max_error = Σ |a_i - h·k_i|` in any outcome, so every quantile, the
//! shortfall and the chance of reaching a target move by at most that amount.
//! The polynomial Π (1 - p_i + p_i z^k_i) is multiplied out by divide and
//! conquer (short products directly, long ones by a radix-2 FFT), modulo
//! z^B. When the grid support exceeds B bins, only a window around the mean
//! is kept; Hoeffding's inequality bounds the probability outside the window
//! (and so the aliasing error on any cdf value) by `TAIL`.

use serde::{Deserialize, Serialize};

use crate::error::{self, Result};

/// Bins of the amount grid (a power of two).
pub const BINS: usize = 4096;
/// Bound on the probability left outside the grid window.
pub const TAIL: f64 = 1e-10;
/// Chance that the rounding error exceeds `max_error` (when that bound is
/// the probabilistic one).
pub const ETA: f64 = 1e-6;
/// Products with a factor this short are done directly.
const DIRECT: usize = 32;
/// Deals multiplied in one by one at the leaves of the recursion.
const LEAF: usize = 16;
/// Most chart points returned.
pub const MAX_POINTS: usize = 200;

#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Item {
    pub amount: f64,
    pub probability: f64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Point {
    pub amount: f64,
    pub cdf: f64,
}

/// What `distribution` returns.
#[derive(Serialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub expected: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// P(total >= target), when a target is given.
    pub p_at_least_target: Option<f64>,
    /// E[max(target - total, 0)], when a target is given.
    pub expected_shortfall: Option<f64>,
    /// Step of the amount grid (1 when exact, 0 when nothing is uncertain).
    pub grid_step: f64,
    /// Bound on the gap, in amount, between the true total and the grid
    /// total: each pN is within it of a true quantile at a level within
    /// `cdfError` of N/100, and the shortfall is within it (+ cdfError ×
    /// range). It holds except with probability ETA = 1e-6 (Hoeffding on the
    /// rounding errors), or surely when it equals `worstError`.
    pub max_error: f64,
    /// The gap that holds in every outcome (rounding errors all one way).
    pub worst_error: f64,
    /// Bound on the error of any cdf value from the window and from the
    /// probabilistic error bound (0 when neither applies).
    pub cdf_error: f64,
    /// True when computed without any rounding (up to float arithmetic).
    pub exact: bool,
    pub points: Vec<Point>,
}


/// The probability mass of a total on a grid: amount of bin t is
/// `offset + t·step`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub offset: f64,
    pub step: f64,
    pub pmf: Vec<f64>,
    pub expected: f64,
    pub max_error: f64,
    pub worst_error: f64,
    pub cdf_error: f64,
    pub exact: bool,
}

impl Grid {
    pub fn amount(&self, t: usize) -> f64 {
        self.offset + t as f64 * self.step
    }

    /// Smallest grid amount a with P(total <= a) >= q.
    pub fn quantile(&self, q: f64) -> f64 {
        let mut c = 0.0;
        for (t, &m) in self.pmf.iter().enumerate() {
            c += m;
            if c >= q - 1e-9 {
                return self.amount(t);
            }
        }
        self.amount(self.pmf.len().saturating_sub(1))
    }

    /// P(total >= target).
    pub fn at_least(&self, target: f64) -> f64 {
        let tol = 1e-12 * target.abs().max(1.0);
        let p: f64 = self.pmf.iter().enumerate().filter(|(t, _)| self.amount(*t) >= target - tol).map(|(_, m)| m).sum();
        p.clamp(0.0, 1.0)
    }

    /// E[max(target - total, 0)].
    pub fn shortfall(&self, target: f64) -> f64 {
        self.pmf.iter().enumerate().map(|(t, m)| m * (target - self.amount(t)).max(0.0)).sum()
    }

    pub fn summary(&self, target: Option<f64>) -> Summary {
        let n = self.pmf.len();
        let mut cdf = Vec::with_capacity(n);
        let mut c = 0.0;
        for m in &self.pmf {
            c += m;
            cdf.push(c.min(1.0));
        }
        let lo = cdf.iter().position(|&c| c >= 1e-4).unwrap_or(0);
        let hi = cdf.iter().position(|&c| c >= 1.0 - 1e-4).unwrap_or(n.saturating_sub(1)).max(lo);
        let span = hi - lo + 1;
        let stride = span.div_ceil(MAX_POINTS - 1).max(1);
        let mut points: Vec<Point> = (lo..=hi)
            .step_by(stride)
            .filter_map(|t| cdf.get(t).map(|&c| Point { amount: self.amount(t), cdf: c }))
            .collect();
        if points.last().map(|p| p.amount) != Some(self.amount(hi)) {
            if let Some(&c) = cdf.get(hi) {
                points.push(Point { amount: self.amount(hi), cdf: c });
            }
        }
        Summary {
            expected: self.expected,
            p10: self.quantile(0.1),
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p_at_least_target: target.map(|t| self.at_least(t)),
            expected_shortfall: target.map(|t| self.shortfall(t)),
            grid_step: self.step,
            max_error: self.max_error,
            worst_error: self.worst_error,
            cdf_error: self.cdf_error,
            exact: self.exact,
            points,
        }
    }
}

/// Checks the items and the target, naming the bad field as the API does
/// (`items[3].amount`, `options.target`).
pub fn check(items: &[Item], target: Option<f64>) -> Result<()> {
    error::at_most("items", items, crate::deal::MAX_DEALS, "items")?;
    for (i, it) in items.iter().enumerate() {
        let at = error::index("items", i);
        error::non_negative(&error::join(&at, "amount"), it.amount)?;
        error::probability(&error::join(&at, "probability"), it.probability)?;
    }
    if let Some(t) = target {
        error::finite("options.target", t)?;
    }
    finite_total("items", items.iter().map(|i| i.amount))
}

/// The amounts must add up to a finite number.
pub fn finite_total(path: &str, amounts: impl Iterator<Item = f64>) -> Result<()> {
    if amounts.sum::<f64>().is_finite() {
        Ok(())
    } else {
        Err(crate::error::Error::coded(path, crate::error::ErrorCode::Finite, "the amounts add up to more than a number can hold"))
    }
}

/// The distribution of Σ Bernoulli(p_i)·a_i for checked items.
pub fn distribution(items: &[Item], target: Option<f64>) -> Result<Summary> {
    check(items, target)?;
    let amounts: Vec<f64> = items.iter().map(|i| i.amount).collect();
    let probs: Vec<f64> = items.iter().map(|i| i.probability).collect();
    Ok(grid(&amounts, &probs, &[(1.0, 1.0)]).summary(target))
}

/// `distribution` over two parallel arrays (no per-item objects to read:
/// the fast path for sliders).
pub fn distribution_arrays(amounts: &[f64], probs: &[f64], target: Option<f64>) -> Result<Summary> {
    if amounts.len() != probs.len() {
        return Err(crate::error::Error::new("probabilities", "must have one entry per amount"));
    }
    error::at_most("amounts", amounts, crate::deal::MAX_DEALS, "items")?;
    for (i, (&a, &p)) in amounts.iter().zip(probs).enumerate() {
        error::non_negative(&error::index("amounts", i), a)?;
        error::probability(&error::index("probabilities", i), p)?;
    }
    if let Some(t) = target {
        error::finite("target", t)?;
    }
    finite_total("amounts", amounts.iter().copied())?;
    Ok(grid(amounts, probs, &[(1.0, 1.0)]).summary(target))
}

/// 5-point Gauss-Hermite scenarios of a common multiplier with mean 1 and
/// standard deviation `sd` (weights, multipliers; multipliers floored at 0).
pub fn factor_scenarios(sd: f64) -> Vec<(f64, f64)> {
    const Z: [f64; 5] = [-2.856_970_013_872_806, -1.355_626_179_974_266, 0.0, 1.355_626_179_974_266, 2.856_970_013_872_806];
    const W: [f64; 5] = [0.011_257_411_327_720_69, 0.222_075_922_005_612_6, 0.533_333_333_333_333_3, 0.222_075_922_005_612_6, 0.011_257_411_327_720_69];
    Z.iter().zip(W).map(|(z, w)| (w, (1.0 + sd * z).max(0.0))).collect()
}

/// The (mixture) distribution on a grid. `amounts` and `probs` must be
/// checked (finite, amounts >= 0, probabilities in [0, 1]); `scenarios` are
/// (weight, multiplier) pairs, each multiplier applied to every probability
/// (capped at 1), weights summing to 1.
pub fn grid(amounts: &[f64], probs: &[f64], scenarios: &[(f64, f64)]) -> Grid {
    let q = |p: f64, m: f64| (p * m).clamp(0.0, 1.0);
    let mut offset = 0.0;
    let mut expected = 0.0;
    // Uncertain terms: (amount, probability).
    let mut random: Vec<(f64, f64)> = Vec::new();
    for (&a, &p) in amounts.iter().zip(probs) {
        for &(w, m) in scenarios {
            expected += w * q(p, m) * a;
        }
        if a <= 0.0 || scenarios.iter().all(|&(_, m)| q(p, m) <= 0.0) {
            continue;
        }
        if scenarios.iter().all(|&(_, m)| q(p, m) >= 1.0) {
            offset += a;
        } else {
            random.push((a, p));
        }
    }
    if random.is_empty() {
        return Grid { offset, step: 0.0, pmf: vec![1.0], expected, max_error: 0.0, worst_error: 0.0, cdf_error: 0.0, exact: true };
    }
    let total: f64 = random.iter().map(|r| r.0).sum();
    if !total.is_finite() {
        // Unreachable through `check`, which rejects such totals.
        return Grid { offset, step: 0.0, pmf: vec![1.0], expected, max_error: f64::INFINITY, worst_error: f64::INFINITY, cdf_error: 1.0, exact: false };
    }
    let exact = total <= (BINS - 1) as f64 && random.iter().all(|r| r.0.fract() == 0.0);
    // Grid step: start from the Hoeffding window, widen until it fits.
    // ln(2 / TAIL) / 2, written out so that no `ln` is linked.
    const LN: f64 = 11.859_499_055_250_2;
    let ln = LN;
    let mut step = if exact {
        1.0
    } else {
        let sumsq: f64 = random.iter().map(|r| r.0 * r.0).sum();
        let t = (sumsq * ln).sqrt();
        let h = (2.0 * t).min(total) / (BINS - 8) as f64;
        // Amounts so small that their squares underflow.
        if h > 0.0 { h } else { total / (BINS - 8) as f64 }
    };
    let mut ks: Vec<(usize, f64)> = Vec::new();
    let mut window = (0usize, 0usize);
    let mut aliased = false;
    for _ in 0..60 {
        ks = random.iter().map(|&(a, p)| ((a / step).round() as usize, p)).collect();
        let k_total = ks.iter().fold(0usize, |acc, k| acc.saturating_add(k.0));
        if k_total < BINS {
            window = (0, k_total);
            aliased = false;
            break;
        }
        let sumsq: f64 = ks.iter().map(|k| (k.0 as f64) * (k.0 as f64)).sum();
        let t = (sumsq * ln).sqrt();
        let means = scenarios.iter().map(|&(_, m)| ks.iter().map(|&(k, p)| k as f64 * q(p, m)).sum::<f64>());
        let (lo_mean, hi_mean) = means.fold((f64::INFINITY, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
        let lo = (lo_mean - t).floor().max(0.0) as usize;
        let hi = ((hi_mean + t).ceil() as usize).min(k_total);
        let need = hi.saturating_sub(lo) + 1;
        if need <= BINS {
            window = (lo, hi);
            aliased = true;
            break;
        }
        step *= need as f64 / (BINS - 8) as f64 * 1.001;
    }
    // Rounding errors e_i: the total's error is Σ B_i e_i.
    let errs: Vec<f64> = random.iter().zip(&ks).map(|(r, k)| r.0 - k.0 as f64 * step).collect();
    let up: f64 = errs.iter().filter(|&&e| e > 0.0).sum();
    let down: f64 = -errs.iter().filter(|&&e| e < 0.0).sum::<f64>();
    let worst_error = up.max(down);
    // Its mean in each scenario; the grid is shifted by their average, so
    // only the scenarios' differences from it remain as drift.
    let means: Vec<f64> = scenarios.iter().map(|&(_, m)| random.iter().zip(&errs).map(|(r, e)| q(r.1, m) * e).sum()).collect();
    let shift: f64 = scenarios.iter().zip(&means).map(|(s, m)| s.0 * m).sum();
    let drift = means.iter().map(|m| (m - shift).abs()).fold(0.0, f64::max);
    // ln(2 / ETA) / 2
    const LN_ETA: f64 = 7.254_328_869_262_11;
    let spread = (errs.iter().map(|e| e * e).sum::<f64>() * LN_ETA).sqrt();
    let worst_shifted = (up - shift).max(down + shift);
    let (max_error, worst_error, eta, shift) = if drift + spread < worst_shifted {
        (drift + spread, worst_shifted, ETA, shift)
    } else {
        (worst_error, worst_error, 0.0, 0.0)
    };
    ks.retain(|k| k.0 > 0);
    let mut order: Vec<(u64, u64)> = ks.iter().enumerate().map(|(i, k)| (k.0 as u64, i as u64)).collect();
    super::sort_pairs(&mut order);
    let ks: Vec<(usize, f64)> = order.iter().filter_map(|&(_, i)| ks.get(i as usize).copied()).collect();
    let len = window.1 - window.0 + 1;
    let m = len.next_power_of_two().min(BINS);
    let largest_group = ks.chunk_by(|a, b| a.0 == b.0).map(<[_]>::len).max().unwrap_or(0);
    let fft = Fft::new(m.max((largest_group + 1).next_power_of_two()));
    let mut pmf = vec![0.0; len];
    for &(w, mult) in scenarios {
        if w <= 0.0 {
            continue;
        }
        let terms: Vec<(usize, f64)> = ks.iter().map(|&(k, p)| (k, q(p, mult))).filter(|t| t.1 > 0.0).collect();
        let poly = grouped(&terms, m, &fft);
        for (t, slot) in pmf.iter_mut().enumerate() {
            if let Some(v) = poly.get((window.0 + t) % m) {
                *slot += w * v.max(0.0);
            }
        }
    }
    let sum: f64 = pmf.iter().sum();
    if sum > 0.0 {
        pmf.iter_mut().for_each(|v| *v /= sum);
    }
    Grid {
        offset: offset + window.0 as f64 * step + shift,
        step,
        pmf,
        expected,
        max_error: if exact { 0.0 } else { max_error },
        worst_error: if exact { 0.0 } else { worst_error },
        cdf_error: if aliased { TAIL } else { 0.0 } + if exact { 0.0 } else { eta },
        exact,
    }
}

/// Deals sharing a grid amount k in groups of at least this many are
/// multiplied as a count distribution, then spread at stride k.
const GROUP: usize = 8;

/// Π (1 - p + p z^k) modulo z^m, for terms sorted by k.
fn grouped(terms: &[(usize, f64)], m: usize, fft: &Fft) -> Vec<f64> {
    let mut singles: Vec<(usize, f64)> = Vec::new();
    let mut polys: Vec<Vec<f64>> = Vec::new();
    for g in terms.chunk_by(|a, b| a.0 == b.0) {
        let k = g.first().map_or(0, |t| t.0);
        if g.len() < GROUP || k == 0 {
            singles.extend_from_slice(g);
            continue;
        }
        let ones: Vec<(usize, f64)> = g.iter().map(|t| (1, t.1)).collect();
        let cap = (g.len() + 1).next_power_of_two().min(fft.size);
        let counts = product(&ones, cap, fft);
        let mut spread = vec![0.0; (counts.len().saturating_sub(1) * k + 1).min(m)];
        for (j, c) in counts.iter().enumerate() {
            if let Some(o) = spread.get_mut((j * k) % m) {
                *o += c;
            }
        }
        polys.push(spread);
    }
    polys.push(product(&singles, m, fft));
    combine(&polys, m, fft)
}

/// The product of polynomials modulo z^m: the product of their transforms
/// (two real polynomials per complex FFT), then one inverse transform.
fn combine(polys: &[Vec<f64>], m: usize, fft: &Fft) -> Vec<f64> {
    match polys {
        [] => return vec![1.0],
        [one] => return one.clone(),
        [a, b] => return convolve(a, b, m, fft),
        _ => {}
    }
    let full = polys.iter().map(|p| p.len().saturating_sub(1)).sum::<usize>() + 1;
    let n = full.next_power_of_two().min(m);
    let mut acc = vec![C { re: 1.0, im: 0.0 }; n];
    let mut z = vec![C::default(); n];
    for pair in polys.chunks(2) {
        z.iter_mut().for_each(|c| *c = C::default());
        for (part, poly) in pair.iter().enumerate() {
            for (j, &v) in poly.iter().enumerate() {
                if let Some(c) = z.get_mut(j % n) {
                    if part == 0 { c.re += v } else { c.im += v }
                }
            }
        }
        fft.run(&mut z, false);
        let single = pair.len() == 1;
        for (k, slot) in acc.iter_mut().enumerate() {
            let zk = z.get(k).copied().unwrap_or_default();
            let zn = z.get((n - k) % n).copied().unwrap_or_default().conj();
            let fa = C { re: (zk.re + zn.re) / 2.0, im: (zk.im + zn.im) / 2.0 };
            let d = C { re: (zk.re - zn.re) / 2.0, im: (zk.im - zn.im) / 2.0 };
            let fb = if single { C { re: 1.0, im: 0.0 } } else { C { re: d.im, im: -d.re } };
            *slot = slot.mul(fa).mul(fb);
        }
    }
    fft.run(&mut acc, true);
    acc.iter().take(full.min(n)).map(|v| v.re / n as f64).collect()
}

/// Coefficients of Π (1 - p + p z^k) modulo z^m (length <= m).
fn product(terms: &[(usize, f64)], m: usize, fft: &Fft) -> Vec<f64> {
    if terms.len() <= LEAF {
        let mut a = vec![1.0];
        for &(k, p) in terms {
            a = times_binomial(&a, k, p, m);
        }
        return a;
    }
    let (l, r) = terms.split_at(terms.len() / 2);
    convolve(&product(l, m, fft), &product(r, m, fft), m, fft)
}

/// a × (1 - p + p z^k) modulo z^m.
fn times_binomial(a: &[f64], k: usize, p: f64, m: usize) -> Vec<f64> {
    let n = (a.len() + k).min(m);
    let mut out = vec![0.0; n];
    for (j, &v) in a.iter().enumerate() {
        if let Some(o) = out.get_mut(j) {
            *o += (1.0 - p) * v;
        }
        if let Some(o) = out.get_mut((j + k) % m) {
            *o += p * v;
        }
    }
    out
}

/// a × b modulo z^m (circular when the product is longer than m).
fn convolve(a: &[f64], b: &[f64], m: usize, fft: &Fft) -> Vec<f64> {
    let full = a.len() + b.len() - 1;
    if a.len().min(b.len()) <= DIRECT {
        let mut out = vec![0.0; full.min(m)];
        for (i, &x) in a.iter().enumerate() {
            for (j, &y) in b.iter().enumerate() {
                if let Some(o) = out.get_mut((i + j) % m) {
                    *o += x * y;
                }
            }
        }
        return out;
    }
    let n = full.next_power_of_two().min(m);
    // Both real inputs in one complex transform: z = a + i b.
    let mut z = vec![C::default(); n];
    for (slot, &x) in z.iter_mut().zip(a) {
        slot.re = x;
    }
    for (slot, &y) in z.iter_mut().zip(b) {
        slot.im = y;
    }
    fft.run(&mut z, false);
    let mut c = vec![C::default(); n];
    for (k, slot) in c.iter_mut().enumerate() {
        let zk = z.get(k).copied().unwrap_or_default();
        let zn = z.get((n - k) % n).copied().unwrap_or_default().conj();
        // A = (zk + zn)/2, B = (zk - zn)/(2i)
        let fa = C { re: (zk.re + zn.re) / 2.0, im: (zk.im + zn.im) / 2.0 };
        let d = C { re: (zk.re - zn.re) / 2.0, im: (zk.im - zn.im) / 2.0 };
        let fb = C { re: d.im, im: -d.re };
        *slot = fa.mul(fb);
    }
    fft.run(&mut c, true);
    c.iter().take(full.min(n)).map(|v| v.re / n as f64).collect()
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct C {
    re: f64,
    im: f64,
}

impl C {
    fn mul(self, o: C) -> C {
        C { re: self.re * o.re - self.im * o.im, im: self.re * o.im + self.im * o.re }
    }
    fn conj(self) -> C {
        C { re: self.re, im: -self.im }
    }
}

/// Iterative radix-2 FFT with a twiddle table for the largest size.
struct Fft {
    size: usize,
    twiddles: Vec<C>,
}

impl Fft {
    /// Twiddles e^{-2πij/size} without sin and cos (which would add their
    /// code to the wasm): the roots for j = 2^b come from repeated half
    /// angles, the others from products along the set bits of j.
    fn new(size: usize) -> Fft {
        let bits = size.trailing_zeros() as usize;
        let mut roots = vec![C::default(); bits];
        // Angle π/2: cos 0, sin 1; each step halves it.
        let (mut c, mut s) = (0.0f64, 1.0f64);
        for b in (0..bits).rev() {
            if let Some(r) = roots.get_mut(b) {
                *r = if b + 1 == bits { C { re: -1.0, im: 0.0 } } else { C { re: c, im: -s } };
            }
            if b + 1 < bits {
                let c2 = ((1.0 + c) / 2.0).sqrt();
                s /= 2.0 * c2;
                c = c2;
            }
        }
        let mut twiddles: Vec<C> = Vec::with_capacity(size / 2);
        for j in 0..size / 2 {
            let w = if j == 0 {
                C { re: 1.0, im: 0.0 }
            } else {
                let prev = twiddles.get(j & (j - 1)).copied().unwrap_or_default();
                prev.mul(roots.get(j.trailing_zeros() as usize).copied().unwrap_or_default())
            };
            twiddles.push(w);
        }
        Fft { size, twiddles }
    }

    /// In place, unscaled; `inverse` conjugates the twiddles. The length
    /// must be a power of two no larger than `size`.
    fn run(&self, x: &mut [C], inverse: bool) {
        let n = x.len();
        if n < 2 || !n.is_power_of_two() || n > self.size {
            return;
        }
        let bits = n.trailing_zeros();
        for i in 0..n {
            let j = i.reverse_bits() >> (usize::BITS - bits);
            if j > i {
                x.swap(i, j);
            }
        }
        let mut len = 2;
        while len <= n {
            let stride = self.size / len;
            for chunk in x.chunks_exact_mut(len) {
                let (a, b) = chunk.split_at_mut(len / 2);
                for ((u, v), w) in a.iter_mut().zip(b.iter_mut()).zip(self.twiddles.iter().step_by(stride)) {
                    let w = if inverse { w.conj() } else { *w };
                    let t = v.mul(w);
                    *v = C { re: u.re - t.re, im: u.im - t.im };
                    *u = C { re: u.re + t.re, im: u.im + t.im };
                }
            }
            len *= 2;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::tests::{hand_error, same_read};
    use super::*;
    use crate::testing::{camel_json, read};

    #[test]
    fn twiddles_are_accurate() {
        let f = Fft::new(1 << 16);
        for (j, w) in f.twiddles.iter().enumerate() {
            let a = -2.0 * std::f64::consts::PI * j as f64 / f.size as f64;
            assert!((w.re - a.cos()).abs() < 1e-13 && (w.im - a.sin()).abs() < 1e-13, "{j}");
        }
    }

    #[test]
    fn fft_convolution_matches_direct() {
        let a: Vec<f64> = (0..100).map(|i| ((i * 7) % 13) as f64).collect();
        let b: Vec<f64> = (0..77).map(|i| ((i * 5) % 11) as f64 - 3.0).collect();
        let fft = Fft::new(256);
        let fast = convolve(&a, &b, 256, &fft);
        let mut slow = vec![0.0; a.len() + b.len() - 1];
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate() {
                slow[i + j] += x * y;
            }
        }
        assert_eq!(fast.len(), slow.len());
        for (f, s) in fast.iter().zip(&slow) {
            assert!((f - s).abs() < 1e-9, "{f} {s}");
        }
        // Circular when longer than m.
        let fft = Fft::new(128);
        let circ = convolve(&a, &b, 128, &fft);
        for (t, c) in circ.iter().enumerate() {
            let want: f64 = slow.iter().enumerate().filter(|(i, _)| i % 128 == t).map(|(_, v)| v).sum();
            assert!((c - want).abs() < 1e-8);
        }
        assert_eq!(circ.len(), 128);
    }

    #[test]
    fn constants_are_right() {
        let ln = 11.859_499_055_250_2;
        assert!(((2.0 / TAIL).ln() / 2.0 - ln).abs() < 1e-12);
        assert!(((2.0 / ETA).ln() / 2.0 - 7.254_328_869_262_11).abs() < 1e-12);
    }

    #[test]
    fn empty_and_certain_pipelines() {
        let s = distribution(&[], Some(10.0)).unwrap();
        assert_eq!((s.expected, s.p10, s.p50, s.p90), (0.0, 0.0, 0.0, 0.0));
        assert_eq!(s.p_at_least_target, Some(0.0));
        assert_eq!(s.expected_shortfall, Some(10.0));
        let s = distribution(&[Item { amount: 5.5, probability: 1.0 }, Item { amount: 3.0, probability: 0.0 }], None).unwrap();
        assert_eq!((s.expected, s.p10, s.p90), (5.5, 5.5, 5.5));
    }

    fn written_as_serde(s: &Summary) {
        camel_json(s);
        for p in &s.points {
            camel_json(p);
        }
    }

    #[test]
    fn summary_writes_camel_case_json() {
        let items = |text: &str| read::<Vec<Item>>(text, "items").unwrap();
        // Small integers: the exact path.
        let small = items(r#"[{"amount": 3, "probability": 0.5}, {"amount": 5, "probability": 0.25}, {"amount": 7, "probability": 1}]"#);
        for target in [None, Some(9.0)] {
            let s = distribution(&small, target).unwrap();
            assert!(s.exact && s.grid_step == 1.0);
            assert_eq!(s.p_at_least_target.is_some(), target.is_some());
            written_as_serde(&s);
        }
        // Fractional and large amounts: the grid path, with a window.
        let mut big = Vec::new();
        for i in 0..300 {
            big.push(Item { amount: 1234.56 + 97.3 * f64::from(i % 17) + f64::from(i) * 0.01, probability: 0.05 + 0.003 * f64::from(i) });
        }
        for target in [None, Some(150_000.0)] {
            let s = distribution(&big, target).unwrap();
            assert!(!s.exact && s.max_error > 0.0 && s.cdf_error > 0.0 && s.points.len() > 100);
            written_as_serde(&s);
        }
        // Nothing uncertain, and nothing at all.
        written_as_serde(&distribution(&items(r#"[{"amount": 2.5, "probability": 1}]"#), Some(1.0)).unwrap());
        written_as_serde(&distribution(&[], None).unwrap());
        // The arrays entry point writes the same kind of result.
        written_as_serde(&distribution_arrays(&[10.0, 20.5], &[0.3, 0.6], Some(15.0)).unwrap());
    }

    #[test]
    fn items_read_and_errors_name_the_field() {
        let ok = [
            r#"[]"#,
            r#"[{"amount": 1, "probability": 0.5}]"#,
            r#"[{"probability": 0, "amount": 1e6, "id": "x", "extra": null}, {"amount": -3, "probability": 7}]"#,
        ];
        for text in ok {
            assert_eq!(same_read::<Vec<Item>>(text), None, "{text}");
        }
        let errors = [
            (r#"{}"#, "p: "),
            (r#"[3]"#, "p[0]: "),
            (r#"[{"amount": 1}]"#, "p[0].probability: "),
            (r#"[{"amount": 1, "probability": 0.5}, {"probability": 0.5}]"#, "p[1].amount: "),
            (r#"[{"amount": "1", "probability": 0.5}]"#, "p[0].amount: "),
            (r#"[{"amount": 1, "probability": true}]"#, "p[0].probability: "),
        ];
        for (text, want) in errors {
            let e = same_read::<Vec<Item>>(text).unwrap();
            assert!(e.starts_with(want), "{text}: {e}");
        }
        // A required number given as null is an error naming it.
        assert!(hand_error::<Item>(r#"{"amount": null, "probability": 0.5}"#).starts_with("p.amount: "));
    }
}
