//! How good the numbers are on closed deals: Brier score, log loss,
//! expected calibration error and a reliability table, against the model's
//! priors and the sellers' own estimates; and k-fold cross-validation.
//!
//! A closed deal is scored as an open deal with the same events would be:
//! at every state it passed through when its path is known (all events
//! dated), else at its final state. `n` counts the scored states.

use serde::{Deserialize, Serialize};

use crate::calibration::{self, CalibrateOptions, Table};
use crate::deal::{Deal, Status};
use crate::error::{self, Error, Result};
use crate::model::Process;
use crate::scorer::Scorer;
use crate::stats::{self, EPS};

/// Most folds of a cross-validation.
pub const MAX_FOLDS: usize = 100;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub n: u32,
    /// Absent for an empty bin.
    pub mean_predicted: Option<f64>,
    pub observed: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub n: u32,
    pub brier: f64,
    /// Mean negative log likelihood (natural log; probabilities clamped to
    /// [1e-6, 1 - 1e-6]).
    pub log_loss: f64,
    /// Expected calibration error over the 10 reliability bins.
    pub ece: f64,
    pub reliability: Vec<Bin>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Versus {
    /// The model's priors on the same deals.
    pub priors: Metrics,
    /// The sellers' own estimates, on the deals that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_probability: Option<Metrics>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub n: u32,
    pub brier: f64,
    pub log_loss: f64,
    pub ece: f64,
    pub reliability: Vec<Bin>,
    pub versus: Versus,
    /// Brier score of each fold (cross-validation only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folds: Vec<f64>,
    /// Each seller's figures on their own deals (`evaluate` with `{ bySeller:
    /// true }` only), from the same scores: the same numbers as evaluating
    /// each seller's deals on their own, with the model read once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_seller: Vec<SellerMetrics>,
}

/// Options of `evaluate`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", rename = "EvaluateOptions")]
pub struct EvaluateOptions {
    /// Also each seller's figures (`bySeller`), in first-seen order.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub by_seller: bool,
}

/// One seller's figures on their own closed deals (deals without a seller
/// are left out).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SellerMetrics {
    pub seller: String,
    /// Scored states (as `n` of the whole evaluation).
    pub n: u32,
    pub brier: f64,
    pub log_loss: f64,
}

/// Metrics of predictions `(p, won)`.
pub fn metrics(pairs: &[(f64, bool)]) -> Metrics {
    let mut bins = [(0u32, 0.0f64, 0.0f64); 10];
    let (mut brier, mut ll) = (0.0, 0.0);
    for &(p, won) in pairs {
        let y = if won { 1.0 } else { 0.0 };
        brier += (p - y) * (p - y);
        let q = p.clamp(EPS, 1.0 - EPS);
        ll -= if won { q.ln() } else { (1.0 - q).ln() };
        let b = ((p * 10.0).floor().max(0.0) as usize).min(9);
        if let Some(bin) = bins.get_mut(b) {
            bin.0 += 1;
            bin.1 += p;
            bin.2 += y;
        }
    }
    let n = pairs.len().max(1) as f64;
    let mut ece = 0.0;
    let reliability = bins
        .iter()
        .enumerate()
        .map(|(k, &(c, sp, sy))| {
            let (mp, ob) = if c > 0 { (Some(sp / f64::from(c)), Some(sy / f64::from(c))) } else { (None, None) };
            if let (Some(a), Some(b)) = (mp, ob) {
                ece += f64::from(c) / n * (a - b).abs();
            }
            Bin { lo: k as f64 / 10.0, hi: (k + 1) as f64 / 10.0, n: c, mean_predicted: mp, observed: ob }
        })
        .collect();
    Metrics { n: pairs.len() as u32, brier: brier / n, log_loss: ll / n, ece, reliability }
}

/// Probability, 90% interval and exact-state count of every row of a table
/// (open rows too), without explanations: the fast path. States and
/// attribute codes are resolved once, so this is linear in the rows.
pub fn score_table(process: &Scorer, t: &Table) -> Result<Vec<(f64, [f64; 2], u32)>> {
    t.check(process)?;
    let na = t.attributes.len();
    let fitted = process.fitted().filter(|f| !f.insufficient);
    // Every term resolved against the table's columns and codes once.
    let terms = fitted.map(|f| f.terms.for_table(&t.attributes, &t.values));
    let mut cache = calibration::Slots::default();
    let mut cached: Vec<(f64, [f64; 2], u32)> = Vec::new();
    // Per state: its logit moved by its milestone terms, the squared logit
    // distances to its interval's ends, the terms' variance, its pair index.
    let mut logits: Vec<([f64; 4], Option<usize>, bool)> = Vec::new();
    let mut buf = Vec::new();
    let ignored = fitted.map_or(0, |f| f.ignored());
    let mut kept = Vec::new();
    let mut out = Vec::with_capacity(t.len());
    for r in 0..t.len() {
        let a = t.offsets.get(r).copied().unwrap_or(0) as usize;
        let b = t.offsets.get(r + 1).copied().unwrap_or(0) as usize;
        let steps = t.steps.get(a..b).unwrap_or(&[]);
        // Without the milestones the calibration ignores (`leakage`).
        let steps = if ignored == 0 {
            steps
        } else {
            calibration::leakage::strip(steps, ignored, &mut kept);
            &kept
        };
        calibration::final_state(process, steps, &mut buf);
        let (reached, ooo) = buf.first().copied().unwrap_or((0, false));
        let (slot, new) = cache.slot((u128::from(ooo) << 64) | u128::from(reached));
        if new {
            cached.push(match fitted {
            Some(f) => {
                let e = f.estimate(process, reached, ooo, None, true);
                (e.probability, e.interval, e.n)
            }
            None => {
                let st = state_from(process, reached, ooo, t.steps.get(a..b).unwrap_or(&[]));
                let p = crate::probability::prior_probability(process, &st, None);
                (p, [p, p], 0)
            }
            });
        }
        if new {
            // The logits too, once per state rather than three per row.
            let b = cached.last().copied().unwrap_or((0.0, [0.0, 0.0], 0));
            let z = stats::logit(b.0);
            let (zb, v) = fitted.map_or((z, 0.0), |f| f.terms.state_base(z, reached));
            let w = fitted.map_or(1.0, |f| f.terms.state_weight());
            let at = terms.as_ref().and_then(|x| x.state(reached, ooo));
            logits.push(([zb, (w * (z - stats::logit(b.1[0]))).powi(2), (w * (stats::logit(b.1[1]) - z)).powi(2), v], at, zb == z && v == 0.0));
        }
        let base = cached.get(slot).copied().unwrap_or((0.0, [0.0, 0.0], 0));
        let (lg, at, plain) = logits.get(slot).copied().unwrap_or(([0.0; 4], None, true));
        let (shift, var) = match &terms {
            Some(x) => x.row(t.codes.get(r * na..(r + 1) * na).unwrap_or(&[]), at),
            None => (0.0, 0.0),
        };
        let var = var + lg[3];
        if plain && shift == 0.0 && var == 0.0 {
            out.push(base);
        } else {
            // The state's interval widened by the terms' own uncertainty
            // (in quadrature on the logit): see additive::moved_interval.
            let extra = 1.644_853_626_951_472_2f64.powi(2) * var;
            let z = lg[0] + shift;
            out.push((stats::sigmoid(z), [stats::sigmoid(z - (lg[1] + extra).sqrt()), stats::sigmoid(z + (lg[2] + extra).sqrt())], base.2));
        }
    }
    Ok(out)
}

fn state_from(process: &Process, _reached: u64, _ooo: bool, steps: &[u8]) -> crate::deal::DealState {
    let s: Vec<(usize, Option<i32>)> = steps.iter().map(|&i| (usize::from(i), None)).collect();
    crate::deal::state_of(process, &s)
}

/// The rows to score when evaluating: a closed deal with a known path
/// (`ordered` 1) is scored at every state it passed through, as an open deal
/// was scored then (from the empty state to the final one); a snapshot only
/// at its final state. Scoring a dated deal only where it ended would judge
/// the path-based rate of a stage by the deals that died there. Returns the
/// expanded table and, per row, the deal it came from.
pub fn as_scored(t: &Table) -> (Table, Vec<usize>) {
    if !t.ordered.contains(&1) {
        return (t.clone(), (0..t.len()).collect());
    }
    let na = t.attributes.len();
    let mut x = Table { attributes: t.attributes.clone(), values: t.values.clone(), sellers: t.sellers.clone(), offsets: vec![0], ..Table::default() };
    let mut origin = Vec::new();
    for r in 0..t.len() {
        let a = t.offsets.get(r).copied().unwrap_or(0) as usize;
        let b = t.offsets.get(r + 1).copied().unwrap_or(0) as usize;
        let steps = t.steps.get(a..b).unwrap_or(&[]);
        let prefixes = if t.ordered.get(r) == Some(&1) { 0..=steps.len() } else { steps.len()..=steps.len() };
        for k in prefixes {
            x.steps.extend_from_slice(steps.get(..k).unwrap_or(&[]));
            x.offsets.push(u32::try_from(x.steps.len()).unwrap_or(u32::MAX));
            x.ordered.push(0);
            x.outcome.push(t.outcome.get(r).copied().unwrap_or(2));
            x.codes.extend_from_slice(t.codes.get(r * na..(r + 1) * na).unwrap_or(&[]));
            x.seller.push(t.seller.get(r).copied().unwrap_or(0));
            x.seller_probability.push(t.seller_probability.get(r).copied().unwrap_or(f64::NAN));
            origin.push(r);
        }
    }
    (x, origin)
}

/// Evaluates a table's closed rows (see `as_scored` for which states).
pub fn evaluate_table(process: &Scorer, t: &Table) -> Result<Evaluation> {
    evaluate_table_with(process, t, &EvaluateOptions::default())
}

/// `evaluate_table`, with each seller's figures when the options ask.
pub fn evaluate_table_with(process: &Scorer, t: &Table, options: &EvaluateOptions) -> Result<Evaluation> {
    t.check(process)?;
    let (t, _) = as_scored(t);
    let t = &t;
    let scored = score_table(process, t)?;
    let priors = score_table(&process.uncalibrated(), t)?;
    let mut main = Vec::new();
    let mut prior = Vec::new();
    let mut seller = Vec::new();
    // Per seller (index into t.sellers): the same pairs as `main`.
    let mut groups: Vec<Vec<(f64, bool)>> = if options.by_seller { vec![Vec::new(); t.sellers.len()] } else { Vec::new() };
    for (r, (s, q)) in scored.iter().zip(&priors).enumerate() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            continue;
        }
        let won = out == 1;
        main.push((s.0, won));
        let who = t.seller.get(r).copied().unwrap_or(0) as usize;
        if let Some(g) = who.checked_sub(1).and_then(|i| groups.get_mut(i)) {
            g.push((s.0, won));
        }
        prior.push((q.0, won));
        let sp = t.seller_probability.get(r).copied().unwrap_or(f64::NAN);
        if !sp.is_nan() {
            seller.push((sp, won));
        }
    }
    let mut e = assemble(&main, &prior, &seller, Vec::new());
    e.by_seller = t
        .sellers
        .iter()
        .zip(&groups)
        .filter(|(_, g)| !g.is_empty())
        .map(|(name, g)| {
            let m = metrics(g);
            SellerMetrics { seller: name.clone(), n: m.n, brier: m.brier, log_loss: m.log_loss }
        })
        .collect();
    Ok(e)
}

fn assemble(main: &[(f64, bool)], prior: &[(f64, bool)], seller: &[(f64, bool)], folds: Vec<f64>) -> Evaluation {
    let m = metrics(main);
    Evaluation {
        n: m.n,
        brier: m.brier,
        log_loss: m.log_loss,
        ece: m.ece,
        reliability: m.reliability,
        versus: Versus {
            priors: metrics(prior),
            seller_probability: if seller.is_empty() { None } else { Some(metrics(seller)) },
        },
        folds,
        by_seller: Vec::new(),
    }
}

fn closed_only(deals: &[Deal], path: &str) -> Result<()> {
    for (k, d) in deals.iter().enumerate() {
        if d.status == Status::Open {
            return Err(Error::coded(
                error::join(&error::index(path, k), "status"),
                error::ErrorCode::NotClosed,
                "must be won or lost: only closed deals can be evaluated",
            ));
        }
    }
    Ok(())
}

/// Evaluates a model (calibrated or not) on closed deals: a deal whose
/// events are all dated at every state it passed through, others at their
/// final state (the same rule as `Paths::Auto`); `n` counts scored states.
pub fn evaluate(process: &Scorer, deals: &[Deal]) -> Result<Evaluation> {
    evaluate_with(process, deals, &EvaluateOptions::default())
}

/// `evaluate`, with each seller's figures when `options.by_seller`.
pub fn evaluate_with(process: &Scorer, deals: &[Deal], options: &EvaluateOptions) -> Result<Evaluation> {
    closed_only(deals, "deals")?;
    let t = Table::from_deals(process, deals, calibration::Paths::Auto).map_err(|e| e.within("deals"))?;
    evaluate_table_with(process, &t, options)
}

/// k-fold cross-validation: deal i is in fold i % k (deterministic; shuffle
/// the input beforehand if its order carries a trend). Each fold is scored by
/// a calibration on the other folds; the metrics pool all held-out scores.
pub fn cross_validate(process: &Scorer, history: &[Deal], k: usize, options: &CalibrateOptions) -> Result<Evaluation> {
    closed_only(history, "history")?;
    let t = Table::from_deals(process, history, options.paths).map_err(|e| e.within("history"))?;
    cross_validate_table(process, &t, k)
}

/// Cross-validation on a table's closed rows (fold = row index % k).
pub fn cross_validate_table(process: &Scorer, t: &Table, k: usize) -> Result<Evaluation> {
    if !(2..=MAX_FOLDS).contains(&k) || k > t.len() {
        let max = MAX_FOLDS.min(t.len()) as f64;
        return Err(Error::coded("k", error::ErrorCode::Range { min: 2.0, max }, format!("must be between 2 and {MAX_FOLDS}, and at most the number of deals")));
    }
    let base = process.uncalibrated();
    t.check(process)?;
    let (x, origin) = as_scored(t);
    let mut main = vec![(0.0, false); x.len()];
    let mut folds = Vec::with_capacity(k);
    for fold in 0..k {
        let mut train = t.clone();
        for (r, o) in train.outcome.iter_mut().enumerate() {
            if r % k == fold {
                *o = 2;
            }
        }
        let mut model = base.model.clone();
        model.calibration = Some(calibration::calibrate_table(&base, &train)?);
        let p = Scorer::new(model)?;
        let scored = score_table(&p, &x)?;
        let mut this = Vec::new();
        for (r, s) in scored.iter().enumerate() {
            let out = x.outcome.get(r).copied().unwrap_or(2);
            if origin.get(r).is_some_and(|o| o % k == fold) && out <= 1 {
                if let Some(slot) = main.get_mut(r) {
                    *slot = (s.0, out == 1);
                }
                this.push((s.0, out == 1));
            }
        }
        folds.push(metrics(&this).brier);
    }
    let t = &x;
    let priors = score_table(&base, t)?;
    let mut m = Vec::new();
    let mut prior = Vec::new();
    let mut seller = Vec::new();
    for (r, (s, q)) in main.iter().zip(&priors).enumerate() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            continue;
        }
        m.push(*s);
        prior.push((q.0, out == 1));
        let sp = t.seller_probability.get(r).copied().unwrap_or(f64::NAN);
        if !sp.is_nan() {
            seller.push((sp, out == 1));
        }
    }
    Ok(assemble(&m, &prior, &seller, folds))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::scorer::Scorer;
    use crate::testing::camel_json;
    use crate::deal::Event;
    use crate::model::default_model;

    /// Closed deals: every other one dated (scored along its path), every
    /// third with the seller's estimate when `seller` is set.
    fn history(seller: bool) -> Vec<Deal> {
        let p = Scorer::new(default_model()).unwrap();
        let order: Vec<String> = p.indices().map(|i| p.id(i).to_string()).collect();
        (0..60)
            .map(|k| {
                let reached = 1 + (k * 7) % order.len().min(5);
                let events = order[..reached]
                    .iter()
                    .enumerate()
                    .map(|(j, m)| Event { milestone: m.clone(), date: (k % 2 == 0).then(|| format!("2024-0{}-1{j}", 1 + k % 9)) })
                    .collect();
                Deal {
                    id: format!("d{k}"),
                    status: if (k * 5 + reached) % 3 == 0 { Status::Won } else { Status::Lost },
                    events,
                    seller_probability: (seller && k % 3 == 0).then_some(0.1 * (k % 10) as f64),
                    ..Deal::default()
                }
            })
            .collect()
    }

    #[test]
    fn evaluations_to_val_are_camel_case_json() {
        let p = Scorer::new(default_model()).unwrap();
        // Priors, without and with the sellers' estimates.
        let plain = evaluate(&p, &history(false)).unwrap();
        assert!(plain.versus.seller_probability.is_none() && plain.folds.is_empty());
        assert!(plain.reliability.iter().any(|b| b.mean_predicted.is_none()), "an empty bin");
        camel_json(&plain);
        let with_seller = evaluate(&p, &history(true)).unwrap();
        assert!(with_seller.versus.seller_probability.is_some());
        camel_json(&with_seller);
        camel_json(&with_seller.versus);
        camel_json(&with_seller.reliability);
        // Calibrated, and cross-validated (folds written).
        let cp = Scorer::new(crate::calibration::calibrate(&p, &history(true), &CalibrateOptions::default()).unwrap()).unwrap();
        camel_json(&evaluate(&cp, &history(true)).unwrap());
        let cv = cross_validate(&p, &history(true), 3, &CalibrateOptions::default()).unwrap();
        assert_eq!(cv.folds.len(), 3);
        camel_json(&cv);
        // No deal at all: zero counts, every bin empty.
        let m = metrics(&[]);
        camel_json(&m);
    }

    /// Issue 14.5: `bySeller` gives each seller exactly what evaluating
    /// that seller's deals on their own gives, from one read of the model.
    #[test]
    fn by_seller_equals_evaluating_each_sellers_deals() {
        let p = Scorer::new(default_model()).unwrap();
        let mut h = history(true);
        for (k, d) in h.iter_mut().enumerate() {
            d.seller = (k % 4 != 3).then(|| ["Ann", "Bo", "Cy"][k % 3].to_string());
        }
        let cp = Scorer::new(crate::calibration::calibrate(&p, &h, &CalibrateOptions::default()).unwrap()).unwrap();
        for proc in [&p, &cp] {
            let all = evaluate_with(proc, &h, &EvaluateOptions { by_seller: true }).unwrap();
            assert_eq!(all.brier, evaluate(proc, &h).unwrap().brier);
            let names: Vec<&str> = all.by_seller.iter().map(|s| s.seller.as_str()).collect();
            assert_eq!(names, ["Ann", "Bo", "Cy"]);
            for s in &all.by_seller {
                let own: Vec<Deal> = h.iter().filter(|d| d.seller.as_deref() == Some(s.seller.as_str())).cloned().collect();
                let e = evaluate(proc, &own).unwrap();
                assert_eq!((s.n, s.brier, s.log_loss), (e.n, e.brier, e.log_loss), "{}", s.seller);
            }
            // Deals without a seller count in the whole, not in any seller.
            assert!(all.by_seller.iter().map(|s| s.n).sum::<u32>() < all.n);
            assert!(evaluate(proc, &h).unwrap().by_seller.is_empty());
            camel_json(&all);
        }
    }
}
