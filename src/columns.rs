//! The columnar scorer (issue 14): a model compiled once, then deals in
//! typed-array columns (see [`crate::calibration::Table`]: `steps`,
//! `offsets`, `codes` over the `attributes` and `values` dictionaries)
//! scored to `[probability, lo, hi]` per row, the same numbers as scoring
//! each deal as an object (`probability::score_deal`).
//!
//! What makes a row cheap:
//! * the model is read and compiled once ([`ColumnScorer::new`]), and what
//!   every milestone state needs (its learned rate and interval, the
//!   logit base, `exp(-base)`, the squared logit distances to its
//!   interval's ends) is computed the first time the state is met and kept
//!   for later rows and later calls, in a dense table indexed by the state
//!   when the model has at most [`DENSE_MILESTONES`] milestones;
//! * each call resolves the dictionaries once: every (column, code) gets
//!   its effect, variance and `exp(-effect)`;
//! * a row's final state (and the milestones the calibration ignores) is
//!   found in one pass over its steps, with no buffer;
//! * a row works on the odds: `exp(-z)` is the state's `exp(-base)` times
//!   its codes' `exp(-effect)`, so the probability needs no `exp`, and each
//!   end of the interval one `exp` and one `sqrt` (the terms' variance
//!   widens it in quadrature, which does not factor). Products instead of
//!   one `exp` of the sum differ from it in the last bits only.
//! * rows without terms take their state's numbers as they are.

use std::collections::BTreeMap;

use crate::calibration::table::{check_dictionaries, check_offsets};
use crate::calibration::Fitted;
use crate::error::{self, Error, Result};
use crate::model::Process;
use crate::scorer::Scorer;
use crate::probability;
use crate::stats;

/// Models with at most this many milestones find a row's state in a
/// dense table (2^(n+1) entries of 4 bytes: 128 KiB at 14); larger ones in
/// an ordered map.
pub const DENSE_MILESTONES: usize = 14;
/// z of a central 90% interval (as `additive::moved_interval`).
const Z90: f64 = 1.644_853_626_951_472_2;

/// What every row in one state shares.
#[derive(Clone, Copy, Debug)]
struct State {
    /// `[p, lo, hi]` of the state alone.
    base: [f64; 3],
    /// Its logit base (rate weighted against the intercept, plus milestone
    /// terms), and `exp(-base)`.
    logit: f64,
    odds: f64,
    /// Squared logit distances from the rate to its interval's ends.
    below: f64,
    above: f64,
    /// Variance of its milestone terms.
    var: f64,
    /// Its index among the pair cells' states.
    pair: Option<usize>,
    /// True when the base is the rate itself (no milestone term, full weight).
    plain: bool,
}

/// One (column, code) against the model.
#[derive(Clone, Copy, Debug)]
struct Level {
    effect: f64,
    var: f64,
    /// `exp(-effect)`.
    odds: f64,
    /// The learned level's index, for pair cells.
    key: Option<u64>,
}

const NONE: Level = Level { effect: 0.0, var: 0.0, odds: 1.0, key: None };

/// A model compiled for scoring columns; keeps the states it has met.
#[derive(Clone, Debug)]
pub struct ColumnScorer {
    scorer: Scorer,
    /// What each milestone requires before it (order violations).
    required: Vec<u64>,
    /// Milestones the calibration ignores (`leakage`).
    ignored: u64,
    /// The outcome milestone's bit (0 when there is none): rows that
    /// reached it are won.
    outcome: u64,
    /// Slot + 1 of state `reached * 2 + x` (0: not met yet), where `x` is
    /// the out-of-order flag when calibrated, and 0 for an uncalibrated
    /// state in order; the other states are in `sparse`.
    dense: Vec<u32>,
    sparse: BTreeMap<u128, usize>,
    states: Vec<State>,
    exp: Exp,
}

impl ColumnScorer {
    /// Prepares a compiled model for columns.
    pub fn new(scorer: Scorer) -> ColumnScorer {
        let process = scorer.process();
        let m = process.len();
        let fitted = scorer.fitted().is_some_and(|f| !f.insufficient);
        ColumnScorer {
            required: (0..m).map(|i| process.required_before(i)).collect(),
            ignored: if fitted { scorer.fitted().map_or(0, Fitted::ignored) } else { 0 },
            outcome: probability::outcome(process).map_or(0, crate::bitset::bit),
            dense: if m <= DENSE_MILESTONES { vec![0; 2 << m] } else { Vec::new() },
            sparse: BTreeMap::new(),
            states: Vec::new(),
            exp: Exp::new(),
            scorer,
        }
    }

    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// `[probability, lo, hi]` per row, flat. Row `r`'s milestones are
    /// `steps[offsets[r]..offsets[r + 1]]` (indices into the model's
    /// milestones, in completion order), its value of attribute `a` is
    /// `values[a][codes[r * attributes.len() + a] - 1]` (0: none). Errors
    /// name the field (`offsets[3]`, `codes[12]`, `steps[40]`).
    pub fn score(&mut self, attributes: &[String], values: &[Vec<String>], steps: &[u8], offsets: &[u32], codes: &[u32]) -> Result<Vec<f64>> {
        let n = check(attributes, values, steps, offsets, codes)?;
        let ColumnScorer { scorer, required, ignored, outcome, dense, sparse, states, exp } = self;
        let exp: &Exp = exp;
        let (ignored, outcome) = (*ignored, *outcome);
        let process: &Process = scorer.process();
        let fitted = scorer.fitted().filter(|f| !f.insufficient);
        let pairs = fitted.is_some_and(|f| f.terms.has_pairs());
        let m = process.len();
        // Every (column, code) once: code 0 at `first[column]`.
        let na = attributes.len();
        let mut levels = Vec::new();
        let mut first = Vec::with_capacity(na);
        let mut limit = Vec::with_capacity(na);
        for (a, vals) in attributes.iter().zip(values) {
            first.push(levels.len());
            limit.push(u32::try_from(vals.len()).unwrap_or(u32::MAX));
            levels.push(NONE);
            for v in vals {
                let key = fitted.and_then(|f| f.terms.level(a, v));
                let (effect, var) = match (fitted, key) {
                    (Some(f), Some(k)) => f.terms.main_term(k).unwrap_or((0.0, 0.0)),
                    _ => (0.0, 0.0),
                };
                levels.push(Level { effect, var, odds: (-effect).exp(), key: key.map(|k| k as u64) });
            }
        }
        // Written in place, three scalars a row: no struct or slice copies
        // (in the size-optimised wasm each would be a call to `memcpy`).
        let mut out = vec![0.0f64; n * 3];
        let mut keys: Vec<u64> = Vec::with_capacity(na);
        for (r, (o, w)) in out.chunks_exact_mut(3).zip(offsets.windows(2)).enumerate() {
            let [op, olo, ohi] = o else { continue };
            let [a, b] = w else { continue };
            let (a, b) = (*a as usize, *b as usize);
            let row = steps.get(a..b).unwrap_or(&[]);
            // The final state in one pass: `all` for the outcome, `kept`
            // without the ignored milestones; a kept milestone done while a
            // milestone done before it required it is late (out of order).
            let (mut all, mut kept, mut needed, mut late) = (0u64, 0u64, 0u64, 0u64);
            for (j, &s) in row.iter().enumerate() {
                let i = usize::from(s);
                if i >= m {
                    return Err(Error::new(error::index("steps", a + j), format!("no milestone has index {s}")));
                }
                let bit = 1u64 << i;
                if all & bit != 0 {
                    continue;
                }
                all |= bit;
                if ignored & bit != 0 {
                    continue;
                }
                if needed & bit != 0 {
                    late |= bit;
                }
                needed |= required.get(i).copied().unwrap_or(0);
                kept |= bit;
            }
            // The row's attribute terms (and its codes checked).
            let (mut shift, mut var, mut odds) = (0.0, 0.0, 1.0);
            let codes_of = codes.get(r * na..r * na + na).unwrap_or(&[]);
            for (col, ((&c, &f), &lim)) in codes_of.iter().zip(&first).zip(&limit).enumerate() {
                if c > lim {
                    return Err(Error::new(error::index("codes", r * na + col), format!("must be 0 or a value number up to {lim}")));
                }
                if let Some(l) = levels.get(f + c as usize) {
                    shift += l.effect;
                    var += l.var;
                    odds *= l.odds;
                }
            }
            if all & outcome != 0 {
                // The outcome milestone: won, as `probability::score_state` says.
                (*op, *olo, *ohi) = (1.0, 1.0, 1.0);
                continue;
            }
            // The state's slot: calibrated states by (reached, out of
            // order); uncalibrated ones by (reached, late steps), which
            // the priors' floor depends on.
            let x = if fitted.is_some() { u64::from(late != 0) } else { late };
            let at = if x <= 1 { usize::try_from(kept).ok().and_then(|k| k.checked_mul(2)).map(|k| k + x as usize) } else { None };
            let known = match at.and_then(|i| dense.get(i)) {
                Some(&s) => s.checked_sub(1).map(|s| s as usize),
                None => sparse.get(&((u128::from(x) << 64) | u128::from(kept))).copied(),
            };
            let slot = match known {
                Some(s) => s,
                None => {
                    let s = states.len();
                    states.push(state(process, fitted, kept, late != 0, row));
                    match at.and_then(|i| dense.get_mut(i)) {
                        Some(d) => *d = u32::try_from(s + 1).unwrap_or(0),
                        None => {
                            sparse.insert((u128::from(x) << 64) | u128::from(kept), s);
                        }
                    }
                    s
                }
            };
            let Some(st) = states.get(slot) else { continue };
            if pairs {
                keys.clear();
                for (&c, &f) in codes_of.iter().zip(&first) {
                    if let Some(k) = levels.get(f + c as usize).and_then(|l| if c > 0 { l.key } else { None }) {
                        keys.push(k);
                    }
                }
                if let Some(f) = fitted {
                    f.terms.each_pair(&keys, st.pair, &mut |e, v| {
                        shift += e;
                        var += v;
                        odds *= (-e).exp();
                    });
                }
            }
            let var = var + st.var;
            if st.plain && shift == 0.0 && var == 0.0 {
                let [p, lo, hi] = st.base;
                (*op, *olo, *ohi) = (p, lo, hi);
                continue;
            }
            // As additive::moved_interval: the state's interval moved with
            // the number and widened by the terms' variance on the logit.
            let extra = Z90.powi(2) * var;
            let below = (st.below + extra).sqrt();
            let above = (st.above + extra).sqrt();
            // exp(-z), z = base + shift.
            let q = st.odds * odds;
            if q.is_finite() && q > 0.0 {
                (*op, *olo, *ohi) = (1.0 / (1.0 + q), 1.0 / (1.0 + q * exp.exp(below)), 1.0 / (1.0 + q * exp.exp(-above)));
            } else {
                let z = st.logit + shift;
                (*op, *olo, *ohi) = (stats::sigmoid(z), stats::sigmoid(z - below), stats::sigmoid(z + above));
            }
        }
        Ok(out)
    }
}

/// What rows in state (`reached`, `ooo`) share; `steps` is one such row's
/// (for the priors' floor, which depends on the late steps).
fn state(process: &Process, fitted: Option<&Fitted>, reached: u64, ooo: bool, steps: &[u8]) -> State {
    match fitted {
        Some(f) => {
            let e = f.estimate(process, reached, ooo, None, true);
            let z = stats::logit(e.probability);
            let (logit, var) = f.terms.state_base(z, reached);
            let w = f.terms.state_weight();
            State {
                base: [e.probability, e.interval[0], e.interval[1]],
                logit,
                odds: (-logit).exp(),
                below: (w * (z - stats::logit(e.interval[0]))).powi(2),
                above: (w * (stats::logit(e.interval[1]) - z)).powi(2),
                var,
                pair: f.terms.pair_state(reached, ooo),
                plain: logit == z && var == 0.0,
            }
        }
        None => {
            let s: Vec<(usize, Option<i32>)> = steps.iter().map(|&i| (usize::from(i), None)).collect();
            let p = probability::prior_probability(process, &crate::deal::state_of(process, &s), None);
            let z = stats::logit(p);
            State { base: [p, p, p], logit: z, odds: (-z).exp(), below: 0.0, above: 0.0, var: 0.0, pair: None, plain: true }
        }
    }
}

/// The shape checks of `score` (a row's steps and codes are checked as it
/// is scored). Returns the number of rows.
fn check(attributes: &[String], values: &[Vec<String>], steps: &[u8], offsets: &[u32], codes: &[u32]) -> Result<usize> {
    check_dictionaries(attributes, values)?;
    let Some(n) = offsets.len().checked_sub(1) else {
        return Err(Error::new("offsets", "must have one entry more than there are deals (a first 0)"));
    };
    if n > crate::deal::MAX_DEALS {
        return Err(Error::coded("offsets", error::ErrorCode::TooMany { max: error::count(crate::deal::MAX_DEALS) }, format!("at most {} deals are supported", crate::deal::MAX_DEALS)));
    }
    let want = n.saturating_mul(attributes.len());
    if codes.len() != want {
        return Err(Error::new("codes", format!("must have {want} entries (got {})", codes.len())));
    }
    check_offsets(offsets, steps)?;
    Ok(n)
}

/// `e^x` by a table of `2^(j/128)` and a degree-5 polynomial on the
/// remainder (|r| <= ln 2 / 256, where its truncation error is below 1e-18):
/// within a few units in the last place of `f64::exp`, without its division
/// and `scalbn` call, which in the size-optimised wasm (a software `exp`)
/// are a large part of a row. Outside |x| < 700, `f64::exp`.
#[derive(Clone, Debug)]
struct Exp {
    table: Vec<f64>,
}

impl Exp {
    const N: usize = 128;
    /// 1.5 * 2^52: adding it rounds to an integer held in the low bits.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    /// ln 2 in two parts (the first with 32 significant bits, so that
    /// `k * LN2_HI` is exact), as in musl's `exp`.
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

    fn new() -> Exp {
        Exp { table: (0..Self::N).map(|j| (j as f64 / Self::N as f64 * std::f64::consts::LN_2).exp()).collect() }
    }

    #[inline(always)]
    fn exp(&self, x: f64) -> f64 {
        if x.is_nan() || x.abs() >= 700.0 {
            return x.exp();
        }
        let n = Self::N as f64;
        let t = x * (n / std::f64::consts::LN_2) + Self::SHIFT;
        let kf = t - Self::SHIFT;
        // The integer k = round(x * 128 / ln 2), from t's low bits.
        let k = i64::from(t.to_bits() as u32 as i32);
        let r = (x - kf * (Self::LN2_HI / n)) - kf * (Self::LN2_LO / n);
        // Estrin's scheme: a shorter chain of dependent operations than
        // Horner's (a row waits on this).
        let r2 = r * r;
        let p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * (1.0 / 24.0 + r * (1.0 / 120.0)));
        let scale = f64::from_bits(((k >> 7) + 1023).unsigned_abs() << 52);
        self.table.get((k & 127) as usize).copied().unwrap_or(f64::NAN) * scale * p
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    /// The table exp is within 1e-15 (relative) of `f64::exp` over the
    /// range a row meets and beyond, and falls back outside it.
    #[test]
    fn table_exp_matches_exp() {
        let e = super::Exp::new();
        let mut worst = 0.0f64;
        for i in 0..200_001 {
            let x = -60.0 + 120.0 * f64::from(i) / 200_000.0 + 1e-7 * f64::from(i % 7);
            let (a, b) = (e.exp(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
        }
        assert!(worst < 1e-15, "{worst}");
        for x in [0.0, -0.0, 1e-300, -1e-300, 699.9, -699.9] {
            assert!(((e.exp(x) - x.exp()) / x.exp()).abs() < 1e-15, "{x}");
        }
        assert_eq!(e.exp(800.0), f64::INFINITY);
        assert_eq!(e.exp(-800.0), 0.0);
        assert!(e.exp(f64::NAN).is_nan());
    }
}
