//! A deal's probability, from its state alone: which milestones were reached,
//! which mandatory ones are missing, and whether the order was kept. The
//! seller's own estimate is carried along for comparison and never used.

use serde::{Deserialize, Serialize};

use crate::calibration::additive::Hit;
use crate::calibration::{Contribution, Fitted, Term, MIN_HISTORY, SELLER, THIN_STATE};
use crate::deal::{Deal, DealState};
use crate::error::{self, Result};
use crate::bitset::{bit, members};
use crate::model::Process;
use crate::scorer::Scorer;
use crate::stats;

/// Each missing prerequisite halves the credit a milestone gives.
pub const MISSING_FACTOR: f64 = 0.5;
/// Steps done out of order keep this share of the lift over the base.
pub const OUT_OF_ORDER_FACTOR: f64 = 0.8;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NextStep {
    pub milestone: String,
    pub label: String,
    pub mandatory: bool,
    /// Probability once this milestone is completed next.
    pub probability: f64,
    /// `probability` minus the deal's probability now.
    pub gain: f64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DealScore {
    pub id: String,
    pub probability: f64,
    /// Credible interval, when the number is learned from history.
    pub interval: Option<[f64; 2]>,
    /// Closed deals behind the number (0 for the model's priors).
    pub count: u32,
    /// `"prior"` (the model's priors) or `"history"` (calibrated).
    pub source: String,
    pub reached: Vec<String>,
    pub missing_mandatory: Vec<String>,
    pub out_of_order: Vec<String>,
    pub next: Vec<NextStep>,
    /// What moved the number, as codes with parameters (worded by the UI).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ScoreReason[]"))]
    pub reasons: Vec<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_probability: Option<f64>,
    /// The number as a sum in log-odds (calibrated scores only): the
    /// milestone state's base, each attribute, each pair; they add up to
    /// logit(probability).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributions: Vec<Contribution>,
}

/// One reason behind a deal's number: a code with its parameters, never a
/// sentence (the UI words it, `www/src/i18n.js`, keys `why_<code>`).
/// Milestones are ids; probabilities are 0-1.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[cfg_attr(target_arch = "wasm32", tsify(rename = "ScoreReason"))]
#[serde(rename = "ScoreReason", tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Reason {
    /// No milestone confirmed yet: `probability` is the process's start.
    Start { probability: f64 },
    /// The furthest step in good standing, at its prior `probability`.
    FurthestStep { milestone: String, probability: f64 },
    /// `milestone` is reached, but `missing` steps before it are not, so it
    /// counts for `probability` instead of its `prior`.
    MissingPrerequisites { milestone: String, missing: u32, probability: f64, prior: f64 },
    /// Steps done out of order (`milestones`): deals that skip ahead win
    /// less often, `probability` instead of `before`.
    OutOfOrder { milestones: Vec<String>, probability: f64, before: f64 },
    /// Steps done out of order (`milestones`): scored as if the `late` ones
    /// were not done yet, which counts for more (`probability` instead of
    /// `before`).
    OutOfOrderAsMissing { milestones: Vec<String>, late: Vec<String>, probability: f64, before: f64 },
    /// Learned from `deals` closed deals that reached this state; `won` of
    /// them were won.
    LearnedState { deals: u32, won: u32 },
    /// Only `deals` closed deals reached exactly this state: the number
    /// leans on deals at similar states.
    ThinState { deals: u32 },
    /// History puts this state at `probability` (90% credible range `low`
    /// to `high`).
    HistoryRate { probability: f64, low: f64, high: f64 },
    /// The attribute value moves the number by `points` percentage points.
    AttributeEffect { attribute: String, value: String, points: i32 },
    /// A learned pair moves the number by `points` percentage points: the
    /// attribute value together with another (`withAttribute` =
    /// `withValue`), or at the deal's stage (neither given).
    PairEffect {
        attribute: String,
        value: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        with_attribute: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        with_value: String,
        points: i32,
    },
    /// `deals` closed deals, fewer than the `needed`: the model's priors are used.
    InsufficientHistory { deals: u32, needed: u32 },
    /// The seller's own estimate, shown for comparison only.
    SellerEstimate { probability: f64 },
    /// `milestone` is the outcome: the deal is won (probability 1).
    DealWon { milestone: String },
}

/// A deal's number without the detail: what `Engine.scoreDeals` returns
/// by default, for pipelines of thousands of deals.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Score {
    pub id: String,
    pub probability: f64,
    /// Credible interval, when the number is learned from history.
    pub interval: Option<[f64; 2]>,
}

/// Scores a deal without next steps or reasons. The same number as
/// `score_deal`.
pub fn score_lean(process: &Scorer, deal: &Deal) -> Result<Score> {
    let st = deal.check(process)?;
    let mut keys = Vec::new();
    let (probability, interval) = lean(process, &st, &mut keys, &mut |f, keys| {
        keys.extend(features(deal).iter().filter_map(|&(a, v)| f.terms.level(a, v)).map(|k| k as u64));
    });
    Ok(Score { id: deal.id.clone(), probability, interval })
}

/// `(probability, interval)` of a checked deal's state, without next steps
/// or reasons; when the model is calibrated, `attrs` puts the learned level
/// of each of the deal's attributes (in `features` order) into `keys` (a
/// scratch list). `score_lean` and `crate::packed` share it, so both give
/// the same numbers.
pub fn lean(process: &Scorer, st: &DealState, keys: &mut Vec<u64>, attrs: &mut dyn FnMut(&Fitted, &mut Vec<u64>)) -> (f64, Option<[f64; 2]>) {
    let history = process.fitted().filter(|f| !f.insufficient);
    if signed(process, st) {
        // The outcome milestone: won, as `score_state` says.
        return (1.0, history.map(|_| [1.0, 1.0]));
    }
    match history {
        Some(f) => {
            let (reached, ooo) = f.view(process, st);
            let e = f.estimate(process, reached, ooo, None, true);
            keys.clear();
            attrs(f, keys);
            let (base, mv) = f.terms.state_base(stats::logit(e.probability), reached);
            let (shift, var) = f.terms.deal_keys(reached, ooo, keys);
            let z = base + shift;
            (stats::sigmoid(z), Some(crate::calibration::additive::moved_interval(e.probability, e.interval, f.terms.state_weight(), z, mv + var)))
        }
        _ => (prior_probability(process, st, None), None),
    }
}

/// The probability of a state under the model's priors, with the reasons
/// into `why` when given.
///
/// Every reached milestone gives credit: its prior, with the lift over the
/// base probability halved for each prerequisite that is missing. The deal
/// takes the best credit; steps done out of order cost a fifth of the lift.
/// Completing the next mandatory milestone in order never lowers the result.
pub fn prior_probability(process: &Process, st: &DealState, mut why: Option<&mut Vec<Why>>) -> f64 {
    let base = process.base();
    let (mut best, best_i, best_missing) = best_credit(process, st.reached);
    if let Some(w) = why.as_deref_mut() {
        w.push(match best_i {
            None => Why::Start(base),
            Some(i) if best_missing == 0 => Why::FurthestStep(i, process.prior(i)),
            Some(i) => Why::MissingPrerequisites(i, best_missing, best, process.prior(i)),
        });
    }
    if st.out_of_order != 0 {
        let before = best;
        best = base + (best - base) * OUT_OF_ORDER_FACTOR;
        // Doing a skipped step late must never score below not doing it:
        // the deal scored as if the late steps were still missing is a floor.
        let late = late_steps(process, st);
        let (floor, _, _) = best_credit(process, st.reached & !late);
        let reason = if floor > best {
            let r = Why::OutOfOrderAsMissing(st.out_of_order, late, floor, best);
            best = floor;
            r
        } else {
            Why::OutOfOrder(st.out_of_order, best, before)
        };
        if let Some(w) = why {
            w.push(reason);
        }
    }
    best.clamp(0.0, 1.0)
}

/// The best credit among the reached milestones: a milestone's prior, cut
/// by `MISSING_FACTOR` for each step it requires that is missing. Returns
/// (credit, milestone, missing count); no milestone gives the base.
fn best_credit(process: &Process, reached: u64) -> (f64, Option<usize>, u32) {
    let base = process.base();
    let mut best = (base, None, 0);
    for i in members(reached) {
        let missing = (gate(process, i) & !reached).count_ones();
        let credit = base + (process.prior(i) - base) * MISSING_FACTOR.powi(missing as i32);
        if credit > best.0 || best.1.is_none() && credit >= best.0 {
            best = (credit, Some(i), missing);
        }
    }
    best
}

/// What milestone `i` needs before it counts in full: its prerequisites and
/// every mandatory milestone listed before it, for an optional milestone
/// too. So an optional step ticked early (Budget right after Need) counts
/// for less until the mandatory steps before it (Mobilizer) are done, and
/// the next mandatory step is worth something.
fn gate(process: &Process, i: usize) -> u64 {
    process.required_before(i) | process.mandatory_before(i)
}

/// The mandatory milestones a reached milestone is waiting for: the state's
/// missing steps plus those listed before a reached optional milestone.
fn missing_before(process: &Process, st: &DealState) -> u64 {
    let mut missing = st.missing;
    for i in members(st.reached) {
        missing |= gate(process, i) & !st.reached;
    }
    missing
}

/// A last milestone whose prior is at least this is the outcome itself.
pub const OUTCOME_PRIOR: f64 = 0.95;

/// The outcome milestone: the last milestone of the process, when it is
/// mandatory and the model puts it at `OUTCOME_PRIOR` or more ("Contract
/// signed", 97%, in the default model). Reaching it means the deal is won, so
/// the probability is 1 whatever the path: a signed contract is the outcome,
/// not a step towards it. A last step the model rates lower (a single
/// "engaged" step, a "verbal yes") is an ordinary step.
pub fn outcome(process: &Process) -> Option<usize> {
    process.indices().last().filter(|&i| process.is_mandatory(i) && process.prior(i) >= OUTCOME_PRIOR)
}

/// Whether the state has reached the outcome milestone.
pub fn signed(process: &Process, st: &DealState) -> bool {
    outcome(process).is_some_and(|i| st.reached & bit(i) != 0)
}

/// The steps completed after a milestone that required them.
fn late_steps(process: &Process, st: &DealState) -> u64 {
    let (mut needed, mut late) = (0u64, 0u64);
    for &i in &st.sequence {
        if needed & bit(i) != 0 {
            late |= bit(i);
        }
        needed |= process.required_before(i);
    }
    late
}

/// Scores one deal (with the calibration, if the model has one). Errors
/// name fields relative to the deal (`events[2].milestone`).
pub fn score_deal(process: &Scorer, deal: &Deal) -> Result<DealScore> {
    let st = deal.check(process)?;
    Ok(score_state(process, deal, &st))
}

/// Scores many deals; the first bad one stops the call and is named by
/// its place (`[3].value`).
pub fn score_deals(process: &Scorer, deals: &[Deal]) -> Result<Vec<DealScore>> {
    deals
        .iter()
        .enumerate()
        .map(|(k, d)| score_deal(process, d).map_err(|e| e.within(&error::index("", k))))
        .collect()
}

/// The attribute values a deal is scored on: its `attributes`, and its
/// seller as the attribute `seller` (unless an attribute has that name).
pub fn features(deal: &Deal) -> Vec<(&str, &str)> {
    let mut v: Vec<(&str, &str)> = deal.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Some(s) = &deal.seller {
        if !s.is_empty() && !deal.attributes.contains_key(SELLER) {
            v.push((SELLER, s.as_str()));
        }
    }
    v
}

/// A reason in compact form (milestones and sets as indices and bits, the
/// attribute values as terms of the deal's [`Detail`]): what the scoring
/// computes once; [`Detail::score`] words nothing but names it as a
/// [`Reason`], `crate::packed` writes it as numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Why {
    Start(f64),
    FurthestStep(usize, f64),
    MissingPrerequisites(usize, u32, f64, f64),
    OutOfOrder(u64, f64, f64),
    OutOfOrderAsMissing(u64, u64, f64, f64),
    LearnedState(u32, u32),
    ThinState(u32),
    HistoryRate(f64, f64, f64),
    /// `Detail::terms[k]` (an attribute or a pair) moves the number by
    /// these percentage points.
    Term(usize, i32),
    InsufficientHistory(u32, u32),
    DealWon(usize),
}

/// A term of a deal's number in compact form. Attribute values are
/// positions in the deal's features (`features`: its attributes in name
/// order, then the seller).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The milestone state's base: (reached, out of order).
    State(u64, bool),
    Attribute(usize),
    /// An attribute value together with the state (reached, out of order).
    StatePair(usize, u64, bool),
    /// Two attribute values, the first the one the calibration lists first.
    Pair(usize, usize),
}

/// Everything behind a deal's number, computed once by [`detail`] in
/// compact form, with no string: [`Detail::score`] names it as a
/// `DealScore` (serde), `crate::packed` writes it as numbers for
/// www/src/pack.js. The seller's estimate is left to the writers (always
/// the last reason).
#[derive(Clone, Debug, Default)]
pub struct Detail {
    pub probability: f64,
    pub interval: Option<[f64; 2]>,
    pub count: u32,
    /// Scored on history (`source` "history"), else on the priors.
    pub history: bool,
    pub reached: u64,
    pub missing: u64,
    pub out_of_order: u64,
    /// (milestone, probability once it is done next), most valuable first.
    pub next: Vec<(usize, f64)>,
    pub reasons: Vec<Why>,
    /// The number as a sum in log-odds (calibrated scores only).
    pub terms: Vec<(Part, f64)>,
}

/// A checked deal's detail into `d` (cleared first). `keys` are the learned
/// levels of the deal's features that the calibration knows and `at` their
/// positions in the features (both empty without a calibration);
/// `scratch` is a state reused for the next steps (no allocation per deal
/// once warm).
pub fn detail(process: &Scorer, st: &DealState, keys: &[u64], at: &[usize], d: &mut Detail, scratch: &mut DealState) {
    let history = process.fitted().filter(|f| !f.insufficient);
    d.next.clear();
    d.reasons.clear();
    d.terms.clear();
    d.history = history.is_some();
    d.count = 0;
    d.reached = st.reached;
    d.missing = missing_before(process, st);
    d.out_of_order = st.out_of_order;
    if let Some(i) = outcome(process).filter(|_| signed(process, st)) {
        d.probability = 1.0;
        d.interval = history.map(|_| [1.0, 1.0]);
        d.reasons.push(Why::DealWon(i));
        // Won outright: no next step, and logit(1) is no finite sum of terms.
        return;
    }
    let Some(f) = history else {
        let p = prior_probability(process, st, Some(&mut d.reasons));
        if let Some(f) = process.fitted() {
            d.reasons.push(Why::InsufficientHistory(f.deals, MIN_HISTORY));
        }
        d.probability = p;
        d.interval = None;
        next_steps(process, st, p, scratch, &mut d.next, &mut |s| if signed(process, s) { 1.0 } else { prior_probability(process, s, None) });
        return;
    };
    // The state's learned rate moved by the learned terms on the logit
    // scale (milestone terms, attribute effects, pairs); the interval is
    // the state rate's 90% credible interval moved by the same terms and
    // widened by their own uncertainty.
    let (reached, ooo) = f.view(process, st);
    let e = f.estimate(process, reached, ooo, None, true);
    d.reasons.push(if e.n >= THIN_STATE { Why::LearnedState(e.n, e.won) } else { Why::ThinState(e.n) });
    d.reasons.push(Why::HistoryRate(e.probability, e.interval[0], e.interval[1]));
    let (base, mv) = f.terms.state_base(stats::logit(e.probability), reached);
    d.terms.push((Part::State(reached, ooo), base));
    let terms = &mut d.terms;
    let pos = |i: usize| at.get(i).copied().unwrap_or(0);
    let (total, var) = f.terms.deal_terms(reached, ooo, keys, &mut |hit, value| {
        let part = match hit {
            Hit::Main(i) => Part::Attribute(pos(i)),
            Hit::State(i) => Part::StatePair(pos(i), reached, ooo),
            // The value with the lower level first, as the calibration names the pair.
            Hit::Pair(i, j) if keys.get(i) < keys.get(j) => Part::Pair(pos(i), pos(j)),
            Hit::Pair(i, j) => Part::Pair(pos(j), pos(i)),
        };
        terms.push((part, value));
    });
    let z = base + total;
    let p = stats::sigmoid(z);
    // Each attribute and each pair as the points it moves the number (the
    // state's base is the history rate above, moved by the milestone terms).
    for (k, &(part, value)) in d.terms.iter().enumerate() {
        if matches!(part, Part::State(..)) {
            continue;
        }
        let points = ((p - stats::sigmoid(z - value)) * 100.0).round() as i32;
        if points != 0 {
            d.reasons.push(Why::Term(k, points));
        }
    }
    d.probability = p;
    d.interval = Some(crate::calibration::additive::moved_interval(e.probability, e.interval, f.terms.state_weight(), z, mv + var));
    d.count = e.n;
    next_steps(process, st, p, scratch, &mut d.next, &mut |s| {
        if signed(process, s) {
            return 1.0;
        }
        let (reached, ooo) = f.view(process, s);
        let e = f.estimate(process, reached, ooo, None, false);
        let (base, _) = f.terms.state_base(stats::logit(e.probability), reached);
        let (shift, _) = f.terms.deal_keys(reached, ooo, keys);
        stats::sigmoid(base + shift)
    });
}

/// The learned levels of a deal's features and their positions, as
/// [`detail`] takes them (empty without a usable calibration).
pub fn levels(process: &Scorer, features: &[(&str, &str)]) -> (Vec<u64>, Vec<usize>) {
    let (mut keys, mut at) = (Vec::new(), Vec::new());
    if let Some(f) = process.fitted().filter(|f| !f.insufficient) {
        for (k, (a, v)) in features.iter().enumerate() {
            if let Some(level) = f.terms.level(a, v) {
                keys.push(level as u64);
                at.push(k);
            }
        }
    }
    (keys, at)
}

impl Detail {
    /// The detail named: milestone ids and labels, attribute names and
    /// values (`features`, the deal's), as `scoreDeal` returns it.
    pub fn score(&self, process: &Process, deal: &Deal, features: &[(&str, &str)]) -> DealScore {
        let feature = |k: usize| features.get(k).map_or((String::new(), String::new()), |&(a, v)| (a.to_string(), v.to_string()));
        let term = |part: Part| -> Term {
            let mut t = Term { kind: "pair".into(), ..Term::default() };
            match part {
                Part::State(reached, ooo) => {
                    t.kind = "state".into();
                    t.reached = process.ids(reached);
                    t.out_of_order = ooo;
                }
                Part::Attribute(k) => {
                    t.kind = "attribute".into();
                    (t.attribute, t.value) = feature(k);
                }
                Part::StatePair(k, reached, ooo) => {
                    (t.attribute, t.value) = feature(k);
                    t.reached = process.ids(reached);
                    t.out_of_order = ooo;
                }
                Part::Pair(a, b) => {
                    (t.attribute, t.value) = feature(a);
                    (t.with_attribute, t.with_value) = feature(b);
                }
            }
            t
        };
        let id = |i: usize| process.id(i).to_string();
        let mut reasons: Vec<Reason> = self
            .reasons
            .iter()
            .filter_map(|&w| {
                Some(match w {
                    Why::Start(probability) => Reason::Start { probability },
                    Why::FurthestStep(i, probability) => Reason::FurthestStep { milestone: id(i), probability },
                    Why::MissingPrerequisites(i, missing, probability, prior) => Reason::MissingPrerequisites { milestone: id(i), missing, probability, prior },
                    Why::OutOfOrder(set, probability, before) => Reason::OutOfOrder { milestones: process.ids(set), probability, before },
                    Why::OutOfOrderAsMissing(set, late, probability, before) => {
                        Reason::OutOfOrderAsMissing { milestones: process.ids(set), late: process.ids(late), probability, before }
                    }
                    Why::LearnedState(deals, won) => Reason::LearnedState { deals, won },
                    Why::ThinState(deals) => Reason::ThinState { deals },
                    Why::HistoryRate(probability, low, high) => Reason::HistoryRate { probability, low, high },
                    Why::Term(k, points) => {
                        let t = term(self.terms.get(k)?.0);
                        if t.kind == "attribute" {
                            Reason::AttributeEffect { attribute: t.attribute, value: t.value, points }
                        } else {
                            Reason::PairEffect { attribute: t.attribute, value: t.value, with_attribute: t.with_attribute, with_value: t.with_value, points }
                        }
                    }
                    Why::InsufficientHistory(deals, needed) => Reason::InsufficientHistory { deals, needed },
                    Why::DealWon(i) => Reason::DealWon { milestone: id(i) },
                })
            })
            .collect();
        if let Some(probability) = deal.seller_probability {
            reasons.push(Reason::SellerEstimate { probability });
        }
        DealScore {
            id: deal.id.clone(),
            probability: self.probability,
            interval: self.interval,
            count: self.count,
            source: if self.history { "history" } else { "prior" }.to_string(),
            reached: process.ids(self.reached),
            missing_mandatory: process.ids(self.missing),
            out_of_order: process.ids(self.out_of_order),
            next: self
                .next
                .iter()
                .map(|&(i, p)| NextStep { milestone: id(i), label: process.label(i).to_string(), mandatory: process.is_mandatory(i), probability: p, gain: p - self.probability })
                .collect(),
            reasons,
            seller_probability: deal.seller_probability,
            contributions: self.terms.iter().map(|&(part, value)| Contribution { term: term(part), value }).collect(),
        }
    }
}

/// Scores a checked state: on history when the model is calibrated with
/// enough closed deals, else on the model's priors.
pub fn score_state(process: &Scorer, deal: &Deal, st: &DealState) -> DealScore {
    let features = features(deal);
    let (keys, at) = levels(process, &features);
    let mut d = Detail::default();
    detail(process, st, &keys, &at, &mut d, &mut DealState::default());
    d.score(process, deal, &features)
}

/// The milestones that can be done next (into `out`, cleared first), each
/// with the probability the deal would have once it is completed now
/// (`prob` of the state then, computed in `scratch`): the first mandatory
/// milestone not reached, and every optional one whose prerequisites are
/// met. The most valuable step comes first (ties in process order). The
/// first mandatory step is always listed, even when its gain is 0 (or
/// below): it must be done before the deal can be won.
pub fn next_steps(process: &Process, st: &DealState, now: f64, scratch: &mut DealState, out: &mut Vec<(usize, f64)>, prob: &mut dyn FnMut(&DealState) -> f64) {
    out.clear();
    let first_mandatory = members(process.mandatory_set() & !st.reached).next();
    for i in process.indices() {
        if st.reached & bit(i) != 0 || !(Some(i) == first_mandatory || (!process.is_mandatory(i) && process.after(i) & !st.reached == 0)) {
            continue;
        }
        with_step(process, st, i, scratch);
        let p = prob(scratch);
        // Insertion into place (at most 64 steps): equal gains stay in
        // process order, and the wasm carries no sort routine for it (a
        // stable sort costs almost 2 KiB gzip).
        let gain = p - now;
        let at = out.iter().position(|&(_, o)| gain > o - now).unwrap_or(out.len());
        out.insert(at, (i, p));
    }
}

/// The state after completing milestone `i` now, into `s`.
pub fn with_step(process: &Process, st: &DealState, i: usize, s: &mut DealState) {
    s.clone_from(st);
    if s.reached & bit(i) == 0 {
        s.reached |= bit(i);
        s.sequence.push(i);
        s.days.push(None);
        crate::deal::finish(process, s);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::scorer::Scorer;
    use crate::deal::Event;
    use crate::model::default_model;

    fn deal(ms: &[&str]) -> Deal {
        Deal {
            id: "d".into(),
            events: ms.iter().map(|m| Event { milestone: m.to_string(), date: None }).collect(),
            ..Deal::default()
        }
    }

    #[test]
    fn completing_mandatory_milestones_in_order_raises_probability() {
        let p = Scorer::new(default_model()).unwrap();
        let order: Vec<&str> = p.indices().filter(|&i| p.is_mandatory(i)).map(|i| p.id(i)).collect();
        let mut last = score_deal(&p, &deal(&[])).unwrap().probability;
        for k in 1..=order.len() {
            let s = score_deal(&p, &deal(&order[..k])).unwrap();
            assert!(s.probability > last, "{:?}: {} <= {}", &order[..k], s.probability, last);
            assert!(s.missing_mandatory.is_empty() && s.out_of_order.is_empty());
            last = s.probability;
        }
        assert!(last > 0.9);
    }

    #[test]
    fn skipping_a_mandatory_step_counts_for_less() {
        let p = Scorer::new(default_model()).unwrap();
        let clean = score_deal(&p, &deal(&["need_confirmed", "mobilizer_met", "solution_presented"])).unwrap();
        let gap = score_deal(&p, &deal(&["need_confirmed", "solution_presented"])).unwrap();
        assert!(gap.probability < clean.probability);
        assert_eq!(gap.missing_mandatory, vec!["mobilizer_met"]);
        match &gap.reasons[..] {
            [Reason::MissingPrerequisites { milestone, missing: 1, probability, prior }] => {
                assert_eq!(milestone, "solution_presented");
                assert!((probability - gap.probability).abs() < 1e-12 && prior > probability);
            }
            r => panic!("{r:?}"),
        }
        assert!(matches!(&clean.reasons[..], [Reason::FurthestStep { milestone, .. }] if milestone == "solution_presented"));
        assert!(matches!(score_deal(&p, &deal(&[])).unwrap().reasons[..], [Reason::Start { probability }] if probability == p.base()));
        // Done out of order: the mobilizer after the solution.
        let late = score_deal(&p, &deal(&["need_confirmed", "solution_presented", "mobilizer_met"])).unwrap();
        assert!(
            late.reasons.iter().any(|r| matches!(r, Reason::OutOfOrder { milestones, .. } | Reason::OutOfOrderAsMissing { milestones, .. } if !milestones.is_empty())),
            "{:?}",
            late.reasons
        );
        // The missing step is the next one, and doing it is worth something.
        let next = gap.next.iter().find(|n| n.milestone == "mobilizer_met").unwrap();
        assert!(next.gain > 0.0);
        assert!((next.probability - clean.probability).abs() < 1e-9 || next.probability < clean.probability);
    }

    #[test]
    fn seller_probability_never_moves_the_number() {
        let p = Scorer::new(default_model()).unwrap();
        let mut d = deal(&["need_confirmed"]);
        let a = score_deal(&p, &d).unwrap().probability;
        d.seller_probability = Some(0.99);
        let s = score_deal(&p, &d).unwrap();
        assert_eq!(s.probability, a);
        assert!(s.reasons.contains(&Reason::SellerEstimate { probability: 0.99 }));
    }

    #[test]
    fn next_lists_first_mandatory_and_open_optional_steps() {
        let p = Scorer::new(default_model()).unwrap();
        let s = score_deal(&p, &deal(&["need_confirmed"])).unwrap();
        let next: Vec<&str> = s.next.iter().map(|n| n.milestone.as_str()).collect();
        assert_eq!(next, vec!["mobilizer_met", "budget_confirmed"], "most valuable first: the mandatory step before the optional one");
        assert!(s.next.iter().all(|n| n.gain > 0.0));
    }

    #[test]
    fn an_optional_step_before_a_missing_mandatory_one_counts_for_less() {
        let p = Scorer::new(default_model()).unwrap();
        let s = score_deal(&p, &deal(&["need_confirmed", "budget_confirmed"])).unwrap();
        assert_eq!(s.missing_mandatory, vec!["mobilizer_met"]);
        assert!(s.probability < p.prior(3));
        let next = &s.next[0];
        assert_eq!(next.milestone, "mobilizer_met");
        assert!(next.gain > 0.0, "the next mandatory step is worth something: {}", next.gain);
    }

    #[test]
    fn the_next_mandatory_step_is_listed_even_when_it_adds_nothing() {
        use crate::model::{Milestone, ProcessModel};
        let m = |id: &str, mandatory: bool, after: &[&str], p: f64| Milestone {
            id: id.into(),
            label: String::new(),
            mandatory,
            after: after.iter().map(|s| s.to_string()).collect(),
            probability: Some(p),
        };
        let model = ProcessModel {
            milestones: vec![m("a", true, &[], 0.2), m("x", false, &["a"], 0.9), m("b", true, &[], 0.5), m("c", true, &[], 0.95)],
            base_probability: None,
            calibration: None,
        };
        let p = Scorer::new(model).unwrap();
        assert_eq!(outcome(&p), Some(3), "a last mandatory step at 95% is the outcome");
        let s = score_deal(&p, &deal(&["a", "x"])).unwrap();
        let b = s.next.iter().find(|n| n.milestone == "b").unwrap();
        assert!(b.gain <= 0.0 && b.mandatory);
    }

    #[test]
    fn a_signed_contract_is_the_outcome() {
        let p = Scorer::new(default_model()).unwrap();
        let alone = score_deal(&p, &deal(&["contract_signed"])).unwrap();
        assert_eq!(alone.probability, 1.0);
        assert!(alone.next.is_empty());
        assert_eq!(alone.reasons, vec![Reason::DealWon { milestone: "contract_signed".into() }]);
        let all: Vec<&str> = p.indices().map(|i| p.id(i)).collect();
        assert_eq!(score_deal(&p, &deal(&all)).unwrap().probability, 1.0);
        let before = score_deal(&p, &deal(&all[..all.len() - 1])).unwrap();
        let sign = before.next.iter().find(|n| n.milestone == "contract_signed").unwrap();
        assert_eq!(sign.probability, 1.0);
        assert!(sign.gain > 0.0);
        // A last step the model rates below OUTCOME_PRIOR is an ordinary step.
        let mut low = default_model();
        if let Some(m) = low.milestones.last_mut() {
            m.probability = Some(0.9);
        }
        let q = Scorer::new(low).unwrap();
        assert_eq!(outcome(&q), None);
        assert!(score_deal(&q, &deal(&["contract_signed"])).unwrap().probability < 0.5);
    }

    #[test]
    fn scores_to_val_are_camel_case_json() {
        use crate::calibration::{calibrate, CalibrateOptions};
        use crate::deal::Status;
        use crate::testing::camel_json;
        let p = Scorer::new(default_model()).unwrap();
        let mut skipped = deal(&["need_confirmed", "solution_presented"]);
        skipped.seller_probability = Some(0.4);
        // Priors: no interval, with and without the seller's estimate.
        let prior = score_deals(&p, &[deal(&[]), deal(&["need_confirmed"]), skipped.clone()]).unwrap();
        assert!(prior[0].interval.is_none() && prior[2].seller_probability.is_some());
        camel_json(&prior);
        for s in &prior {
            camel_json(s);
            camel_json(&s.next);
        }
        // History: with an interval and attribute effects.
        let order: Vec<&str> = p.indices().map(|i| p.id(i)).collect();
        let history: Vec<Deal> = (0..80)
            .map(|k| {
                let mut d = deal(&order[..1 + k % 4]);
                d.id = format!("h{k}");
                d.status = if k % 3 == 0 { Status::Won } else { Status::Lost };
                d.attributes.insert("segment".into(), if k % 2 == 0 { "public" } else { "private" }.into());
                d
            })
            .collect();
        let cp = Scorer::new(calibrate(&p, &history, &CalibrateOptions::default()).unwrap()).unwrap();
        skipped.attributes.insert("segment".into(), "public".into());
        let hist = score_deals(&cp, &[deal(&["need_confirmed"]), skipped]).unwrap();
        assert_eq!(hist[0].source, "history");
        assert!(hist[1].interval.is_some());
        camel_json(&hist);
    }

    #[test]
    fn errors_name_fields_relative_to_what_was_given() {
        let p = Scorer::new(default_model()).unwrap();
        let bad = deal(&["need_confirmed", "nope"]);
        assert_eq!(score_deal(&p, &bad).unwrap_err().path, "events[1].milestone");
        let mut worth = deal(&["need_confirmed"]);
        worth.value = Some(f64::NAN);
        let e = score_deals(&p, &[deal(&[]), worth]).unwrap_err();
        assert_eq!(e.path, "[1].value");
        assert_eq!(e.within("deals").to_string(), "deals[1].value: must be a finite number >= 0");
    }
}
