//! Calibration: win probability learned from the team's own closed deals.
//!
//! # What is learned
//! * **State rates.** Every closed deal is evidence for the states it passed
//!   through. A state is the set of milestones reached plus whether any was
//!   done out of order. Sparse states back off hierarchically, along a chain
//!   of ever coarser groups (a binary trie in process order):
//!   exact state (with the out-of-order flag) -> the same milestones ->
//!   the same milestones among the first *t* optional ones, for t = all .. 0
//!   (fewer milestones) -> the furthest mandatory milestone reached -> the
//!   model's prior for that stage. At every level the rate is a Beta-binomial
//!   posterior mean whose prior is the level above, worth
//!   [`STATE_STRENGTH`] equivalent deals.
//! * **Attribute effects** (categorical `attributes`, and the deal's seller
//!   as the attribute `seller`): additive on the logit scale, on top of the
//!   state rate, fitted by L2-regularised logistic regression with the state
//!   rate as an offset. The offset of each training deal is the state rate
//!   computed *without that deal* (leave-one-out), so the effects are not
//!   fitted against a rate that already knows the answer. That offset uses
//!   the same back-off over the deals' *final* states: a closed deal's
//!   outcome belongs to where it ended. The L2 strength is
//!   chosen by deterministic 5-fold cross-validation on the history itself
//!   from a fixed grid stated in equivalent deals ([`EFFECT_GRID`]), including
//!   "no effects at all": where attributes carry no signal they stay at zero.
//! * **Milestone terms and pairwise interactions** (additive.rs): a term
//!   per milestone reached, and cells for pairs (milestone state x
//!   attribute, attribute x attribute) where cross-validation finds that
//!   they predict held-out deals better; on small histories also the state
//!   rate's weight against the team's rate. Every score is then a sum of
//!   terms in log-odds (`DealScore::contributions`).
//! * **Seller bias**: logistic recalibration of `sellerProbability`,
//!   `won ~ a + b * logit(sellerProbability)`, for the team and per seller
//!   (shrunk toward the team).
//! * **Seller x milestone skill**: per seller and milestone, how many deals
//!   reached it and how many went further (a later milestone or a win).
//!
//! Before anything is learned, the **leakage guard** ([`leakage`]) looks
//! for outcome information in the milestones and attributes (a milestone
//! only won deals reached, an attribute only lost deals carry) and for an
//! implausibly good fit: it names them in `warnings`, keeps leaky
//! milestones out of the state table (`ignoredMilestones`) and leaky
//! attributes out of the effects. Several pipelines are calibrated one by
//! one ([`pipelines`]).
//!
//! # Paths: which states a closed deal is evidence for
//! [`Paths::Auto`] (the default): a deal whose events are all dated took a
//! known path, and is evidence for every state after each event in date
//! order (and for the empty state it started from). A deal with any undated
//! event is a *snapshot*: its events are facts whose order is unknown, so it
//! is evidence for its final state only. Counting every prefix of an
//! arbitrary listed order would credit early states with wins of deals that
//! went further and bias every score. [`Paths::Prefix`] reads the listed
//! order as the path; [`Paths::Final`] always uses the final state only.
//!
//! The calibration is plain data (counts and effects), serialised inside the
//! model as `calibration`; everything derived is rebuilt and validated when a
//! model is loaded, so a calibration from JS is checked like any input.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub mod additive;
pub use additive::{Contribution, Term};

use crate::deal::{Deal, Status};
use crate::order::order;
use crate::error::{self, Error, Result};
use crate::bitset::{bit, members};
use crate::model::Process;
use crate::stats::{self, Row};

pub mod leakage;
pub mod pipelines;
pub use leakage::Warning;
pub use pipelines::{calibrate_pipelines, model_for, score_by_pipeline, PipelineModel, PipelineOptions};

/// Prior strength of every level of the state back-off, in equivalent
/// deals: a state's own record counts as much as the group above it once 10
/// closed deals reached it. Ten is the usual "rule of ten" for a stable
/// proportion, and small enough that a team with a few hundred deals sees
/// its own numbers, not the priors.
pub const STATE_STRENGTH: f64 = 10.0;
/// Fewer closed deals than this and the calibration says "insufficient
/// history" and scores stay on the model's priors: with fewer than 30
/// outcomes a win rate has a 90% interval wider than +-15 points.
pub const MIN_HISTORY: u32 = 30;
/// A state with fewer closed deals than this is flagged as thin in the
/// explanation (its number mostly comes from the groups above it).
pub const THIN_STATE: u32 = 5;
/// L2 strengths tried for attribute effects, in equivalent deals (lambda =
/// deals / 4, the Fisher information of a deal at p = 1/2): an attribute
/// value seen in n deals keeps roughly n / (n + deals) of its raw effect.
/// The best is chosen by 5-fold cross-validated log loss on the history
/// (strongest first, each fit warm-started from the previous one).
pub const EFFECT_GRID: [f64; 5] = [512.0, 128.0, 32.0, 8.0, 2.0];
/// From this many closed deals on, the strength is chosen on one held-out
/// fifth instead of five folds: the held-out log loss is then already
/// precise, and calibrating a million deals stays a matter of seconds.
pub const ONE_FOLD_FROM: f64 = 50_000.0;
/// Seller recalibration is shrunk toward the team with this strength, in
/// equivalent deals (same lambda = deals / 4 reading).
pub const SELLER_STRENGTH: f64 = 20.0;
/// Skill rates are shrunk toward the team's with this strength, in deals.
pub const SKILL_STRENGTH: f64 = 10.0;
/// Most values per attribute that get an effect (the most frequent ones).
pub const MAX_VALUES: usize = 256;
/// Size limits of a calibration read from JS.
pub const MAX_STATES: usize = 1 << 20;
pub const MAX_EFFECTS: usize = 1 << 16;
pub const MAX_SELLERS: usize = 1 << 16;
/// Most attribute columns of a table (seller included).
pub const MAX_COLUMNS: usize = 64;

/// Which states a closed deal counts as evidence for. See the module doc.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Paths {
    #[default]
    Auto,
    Prefix,
    Final,
}


#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct CalibrateOptions {
    #[serde(deserialize_with = "crate::error::null_default")]
    pub paths: Paths,
}

/// Closed deals seen in one state.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StateCount {
    pub reached: Vec<String>,
    #[serde(default)]
    pub out_of_order: bool,
    pub n: u32,
    pub won: u32,
}

/// A term on the logit of the win probability. In `effects`: the effect of
/// `attribute` = `value`. In `milestoneEffects`: the own term of
/// `milestone` (deals that reached it). In `pairs`: a pair cell, the term of
/// `attribute` = `value` together with `withAttribute` = `withValue`, or
/// (without `withAttribute`) with the exact milestone state `state` (and
/// `outOfOrder`; an empty `state`: no milestone reached). One shape for all
/// three, so that the widget reads them with one reader.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Effect {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attribute: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    pub effect: f64,
    /// Closed deals with this value (in this cell).
    pub n: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub milestone: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub out_of_order: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with_attribute: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with_value: String,
}

/// Logistic recalibration of a seller's stated probability:
/// `corrected = sigmoid(a + b * logit(stated))`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SellerBias {
    /// Empty for the whole team.
    pub seller: String,
    pub a: f64,
    pub b: f64,
    /// Closed deals with a stated probability.
    pub n: u32,
    /// Mean stated probability on those deals.
    pub stated: f64,
    /// Mean corrected probability on those deals.
    pub corrected: f64,
    /// Share of those deals won.
    pub observed: f64,
}

/// How many of a seller's closed deals reached a milestone, and how many of
/// those went further (a later milestone in process order, or a win).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SkillCount {
    pub seller: String,
    pub milestone: String,
    pub reached: u32,
    pub advanced: u32,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A calibration: plain data, carried in `ProcessModel::calibration`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    /// Closed deals learned from, and how many were won.
    pub deals: u32,
    pub won: u32,
    pub paths: Paths,
    /// Prior strength of each back-off level, in equivalent deals.
    pub strength: f64,
    /// L2 strength chosen for attribute effects, in equivalent deals
    /// (0 when no effect was kept).
    pub effect_strength: f64,
    pub states: Vec<StateCount>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_bias: Option<SellerBias>,
    #[serde(default)]
    pub seller_bias: Vec<SellerBias>,
    #[serde(default)]
    pub skills: Vec<SkillCount>,
    /// Milestones the leakage guard keeps out of the state table (see
    /// `leakage`): calibration and calibrated scoring ignore them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_milestones: Vec<String>,
    /// What the leakage guard found. Output only: a model passed back is
    /// not re-read for its warnings (reading tagged enums would cost the
    /// widget's wasm 17 KB for nothing it uses).
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// The additive model beyond the effects (additive.rs): the weight of
    /// the state rate's logit in a deal's base, against `intercept` (the
    /// logit of the team's win rate): `base = stateWeight * logit(state
    /// rate) + (1 - stateWeight) * intercept + milestone terms`. Absent: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_weight: Option<f64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub intercept: f64,
    /// Milestones' own terms (`milestone`, `effect`, `n`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestone_effects: Vec<Effect>,
    /// L2 strength of pair cells, in equivalent deals (0 without pairs).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pair_strength: f64,
    /// Pair cells: state x attribute and attribute x attribute.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<Effect>,
}

/// Deals in columns: the shape of the fast path, and what every calibrate or
/// score call works on. Row `r`'s completed milestones are
/// `steps[offsets[r]..offsets[r+1]]` (milestone indices, in completion order
/// when `ordered[r]` is 1, else a set of facts); its value of attribute `a`
/// is `values[a][codes[r * attributes.len() + a] - 1]`, code 0 meaning
/// none; `seller[r]` is 0 for none or 1 + an index into `sellers`;
/// `seller_probability[r]` is NaN for none; `outcome[r]` is 0 lost, 1 won,
/// 2 open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub attributes: Vec<String>,
    pub values: Vec<Vec<String>>,
    pub sellers: Vec<String>,
    pub steps: Vec<u8>,
    pub offsets: Vec<u32>,
    pub ordered: Vec<u8>,
    pub outcome: Vec<u8>,
    pub codes: Vec<u32>,
    pub seller: Vec<u32>,
    pub seller_probability: Vec<f64>,
}

pub const SELLER: &str = "seller";

/// The one ordered map type of the crate: a u128 key to a slot in a Vec
/// kept beside it. Every composite key is packed into a u128, so the wasm
/// carries one BTreeMap instantiation instead of one per key type (each
/// costs kilobytes). Iteration is in key order: deterministic.
#[derive(Clone, Debug, Default)]
pub struct Slots {
    map: BTreeMap<u128, usize>,
}

impl Slots {
    /// The slot of `key`, allocating the next one for a new key; `true` when new.
    pub fn slot(&mut self, key: u128) -> (usize, bool) {
        let next = self.map.len();
        let mut new = false;
        let v = *self.map.entry(key).or_insert_with(|| {
            new = true;
            next
        });
        (v, new)
    }

    pub fn get(&self, key: u128) -> Option<usize> {
        self.map.get(&key).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// (key, slot) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (u128, usize)> + '_ {
        self.map.iter().map(|(k, v)| (*k, *v))
    }
}

/// Adds `(n, won)` at `key`.
fn tally(slots: &mut Slots, values: &mut Vec<[f64; 2]>, key: u128, n: f64, won: f64) {
    let (i, new) = slots.slot(key);
    if new {
        values.push([0.0, 0.0]);
    }
    if let Some(v) = values.get_mut(i) {
        v[0] += n;
        v[1] += won;
    }
}

/// Interns a string: its index in `names`, in first-seen order.
fn intern(index: &mut HashMap<String, usize>, names: &mut Vec<String>, s: &str) -> usize {
    if let Some(&i) = index.get(s) {
        return i;
    }
    index.insert(s.to_string(), names.len());
    names.push(s.to_string());
    names.len() - 1
}

fn state_key(reached: u64, ooo: bool) -> u128 {
    (u128::from(ooo) << 64) | u128::from(reached)
}

impl Table {
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }

    /// Checks the sizes and codes of a table that came from outside.
    pub fn check(&self, process: &Process) -> Result<()> {
        let n = self.len();
        if n > crate::deal::MAX_DEALS {
            return Err(Error::new("outcome", format!("at most {} deals are supported", crate::deal::MAX_DEALS)));
        }
        error::at_most("attributes", &self.attributes, MAX_COLUMNS, "attributes")?;
        if self.values.len() != self.attributes.len() {
            return Err(Error::new("values", "must have one list per attribute"));
        }
        for (a, vals) in self.values.iter().enumerate() {
            error::at_most(&error::index("values", a), vals, 1 << 20, "values")?;
        }
        let lens = [
            ("offsets", self.offsets.len(), n + 1),
            ("ordered", self.ordered.len(), n),
            ("codes", self.codes.len(), n.saturating_mul(self.attributes.len())),
            ("seller", self.seller.len(), n),
            ("sellerProbability", self.seller_probability.len(), n),
        ];
        for (name, got, want) in lens {
            if got != want {
                return Err(Error::new(name, format!("must have {want} entries (got {got})")));
            }
        }
        let mut prev = 0u32;
        for (r, &o) in self.offsets.iter().enumerate() {
            if o < prev || o as usize > self.steps.len() || (r == 0 && o != 0) {
                return Err(Error::new(error::index("offsets", r), "must start at 0, never decrease and stay within steps"));
            }
            prev = o;
        }
        if prev as usize != self.steps.len() {
            return Err(Error::new("offsets", "the last offset must equal the number of steps"));
        }
        for (k, &s) in self.steps.iter().enumerate() {
            if usize::from(s) >= process.len() {
                return Err(Error::new(error::index("steps", k), format!("no milestone has index {s}")));
            }
        }
        for (r, &o) in self.outcome.iter().enumerate() {
            if o > 2 {
                return Err(Error::new(error::index("outcome", r), "must be 0 (lost), 1 (won) or 2 (open)"));
            }
        }
        let na = self.attributes.len().max(1);
        for (k, &c) in self.codes.iter().enumerate() {
            let limit = self.values.get(k % na).map_or(0, Vec::len);
            if c as usize > limit {
                return Err(Error::new(error::index("codes", k), format!("must be 0 or a value number up to {limit}")));
            }
        }
        for (r, &c) in self.seller.iter().enumerate() {
            if c as usize > self.sellers.len() {
                return Err(Error::new(error::index("seller", r), "must be 0 or a seller number up to the number of sellers"));
            }
        }
        for (r, &p) in self.seller_probability.iter().enumerate() {
            if !p.is_nan() {
                error::probability(&error::index("sellerProbability", r), p)?;
            }
        }
        Ok(())
    }

    /// Builds a table from checked deals. `paths` decides `ordered`.
    pub fn from_deals(process: &Process, deals: &[Deal], path: &str, paths: Paths) -> Result<Table> {
        error::at_most(path, deals, crate::deal::MAX_DEALS, "deals")?;
        let mut t = Table::default();
        let mut attr_index: HashMap<String, usize> = HashMap::new();
        let mut value_index: Vec<HashMap<String, usize>> = Vec::new();
        let mut seller_index: HashMap<String, usize> = HashMap::new();
        let mut rows: Vec<(usize, u32)> = Vec::new();
        let mut row_start: Vec<usize> = Vec::with_capacity(deals.len() + 1);
        t.offsets.push(0);
        for (k, d) in deals.iter().enumerate() {
            let p = error::index(path, k);
            let st = d.check(process, &p)?;
            for &i in &st.sequence {
                t.steps.push(u8::try_from(i).unwrap_or(0));
            }
            t.offsets.push(u32::try_from(t.steps.len()).unwrap_or(u32::MAX));
            let dated = !d.events.is_empty() && d.events.iter().all(|e| e.date.is_some());
            t.ordered.push(u8::from(match paths {
                Paths::Auto => dated,
                Paths::Prefix => true,
                Paths::Final => false,
            }));
            t.outcome.push(match d.status {
                Status::Lost => 0,
                Status::Won => 1,
                Status::Open => 2,
            });
            t.seller_probability.push(d.seller_probability.unwrap_or(f64::NAN));
            let s = match &d.seller {
                Some(s) if !s.is_empty() => intern(&mut seller_index, &mut t.sellers, s) + 1,
                _ => 0,
            };
            t.seller.push(u32::try_from(s).unwrap_or(0));
            row_start.push(rows.len());
            let seller_attr = match &d.seller {
                Some(s) if !s.is_empty() && !d.attributes.contains_key(SELLER) => Some((SELLER, s.as_str())),
                _ => None,
            };
            for (name, value) in d.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(seller_attr) {
                let a = intern(&mut attr_index, &mut t.attributes, name);
                if t.attributes.len() > MAX_COLUMNS {
                    return Err(Error::new(error::join(&p, "attributes"), format!("at most {MAX_COLUMNS} distinct attributes are supported")));
                }
                if a == value_index.len() {
                    value_index.push(HashMap::new());
                    t.values.push(Vec::new());
                }
                if let (Some(vi), Some(names)) = (value_index.get_mut(a), t.values.get_mut(a)) {
                    let c = intern(vi, names, value) + 1;
                    rows.push((a, u32::try_from(c).unwrap_or(0)));
                }
            }
        }
        row_start.push(rows.len());
        let na = t.attributes.len();
        t.codes = vec![0; deals.len() * na];
        for r in 0..deals.len() {
            let (a, b) = (row_start.get(r).copied().unwrap_or(0), row_start.get(r + 1).copied().unwrap_or(0));
            for &(col, c) in rows.get(a..b).unwrap_or(&[]) {
                if let Some(slot) = t.codes.get_mut(r * na + col) {
                    *slot = c;
                }
            }
        }
        t.canonical_dictionaries();
        Ok(t)
    }

    /// Renumbers sellers, attributes and attribute values in name order, so
    /// that the dictionaries (and everything learned over them: the order
    /// of `sellerBias`, `skills`, `effects`, and the order in which the fits
    /// add up their rows) do not depend on the order of the history rows.
    fn canonical_dictionaries(&mut self) {
        // Position of each old code in name order.
        fn ranks(names: &[String]) -> Vec<u32> {
            let by_name = order(names.len(), &|a, b| names.get(a) < names.get(b));
            let mut rank = vec![0u32; names.len()];
            for (new, &old) in by_name.iter().enumerate() {
                if let Some(r) = rank.get_mut(old) {
                    *r = u32::try_from(new).unwrap_or(0);
                }
            }
            rank
        }
        let seller_rank = ranks(&self.sellers);
        for s in &mut self.seller {
            if *s > 0 {
                *s = seller_rank.get(*s as usize - 1).map_or(0, |r| r + 1);
            }
        }
        self.sellers = permuted(&self.sellers, &seller_rank);
        let na = self.attributes.len();
        let attr_rank = ranks(&self.attributes);
        let value_ranks: Vec<Vec<u32>> = self.values.iter().map(|v| ranks(v)).collect();
        let mut codes = vec![0u32; self.codes.len()];
        for (k, &c) in self.codes.iter().enumerate() {
            let (r, col) = (k / na.max(1), k % na.max(1));
            let new_col = attr_rank.get(col).copied().unwrap_or(0) as usize;
            let new_code = if c == 0 { 0 } else { value_ranks.get(col).and_then(|v| v.get(c as usize - 1)).map_or(0, |x| x + 1) };
            if let Some(slot) = codes.get_mut(r * na + new_col) {
                *slot = new_code;
            }
        }
        self.codes = codes;
        let values: Vec<Vec<String>> = self.values.iter().zip(&value_ranks).map(|(v, r)| permuted(v, r)).collect();
        self.values = permuted(&values, &attr_rank);
        self.attributes = permuted(&self.attributes, &attr_rank);
    }

    fn steps_of(&self, r: usize) -> &[u8] {
        let a = self.offsets.get(r).copied().unwrap_or(0) as usize;
        let b = self.offsets.get(r + 1).copied().unwrap_or(0) as usize;
        self.steps.get(a..b).unwrap_or(&[])
    }
}

/// `items` with item `i` moved to position `rank[i]`.
fn permuted<T: Clone + Default>(items: &[T], rank: &[u32]) -> Vec<T> {
    let mut out = vec![T::default(); items.len()];
    for (item, &r) in items.iter().zip(rank) {
        if let Some(slot) = out.get_mut(r as usize) {
            *slot = item.clone();
        }
    }
    out
}

/// The evidence states of one deal: after each step when `path`, else only
/// the final one. Each is (reached, out of order). Order violations are
/// judged like `deal::finish`: a milestone done while something it requires
/// (and that the state has) was not yet done.
fn states_of(process: &Process, steps: &[u8], path: bool, out: &mut Vec<(u64, bool)>) {
    out.clear();
    let mut reached = 0u64;
    // First completions, at most one per milestone (64): on the stack, as
    // this runs once per row of a table (no allocation per deal).
    let mut seq = [(0usize, 0u64); 64];
    let mut len = 0;
    let state = |reached: u64, seq: &[(usize, u64)]| -> (u64, bool) {
        let ooo = seq.iter().any(|&(i, before)| process.required_before(i) & !before & reached != 0);
        (reached, ooo)
    };
    if path {
        out.push((0, false));
    }
    for &s in steps {
        let i = usize::from(s);
        if reached & bit(i) != 0 {
            continue;
        }
        if let Some(slot) = seq.get_mut(len) {
            *slot = (i, reached);
            len += 1;
        }
        reached |= bit(i);
        if path {
            out.push(state(reached, seq.get(..len).unwrap_or(&[])));
        }
    }
    if !path {
        out.push(state(reached, seq.get(..len).unwrap_or(&[])));
    }
}

/// The final state of a deal's steps, as `(reached, out of order)` in `out[0]`.
pub fn final_state(process: &Process, steps: &[u8], out: &mut Vec<(u64, bool)>) {
    states_of(process, steps, false, out);
}

/// What scoring needs, rebuilt from a `Calibration` when a model loads.
#[derive(Clone, Debug, Default)]
pub struct Fitted {
    pub deals: u32,
    pub won: u32,
    pub insufficient: bool,
    /// Pooled (deals, won) of every node of the back-off chain.
    nodes: Slots,
    node_counts: Vec<[f64; 2]>,
    /// Masks of the first t optional milestones, t = 0..=optional count.
    optional_masks: Vec<u64>,
    sellers: crate::order::Lookup,
    seller_values: Vec<(f64, f64)>,
    team: Option<(f64, f64)>,
    /// Milestones the calibration ignores (`leakage`).
    ignored: u64,
    /// Estimates already computed (no leave-one-out), by state: scoring many
    /// deals meets the same few states again and again, and each estimate
    /// costs two Beta quantiles by bisection.
    memo: std::cell::RefCell<BTreeMap<(u64, bool), StateEstimate>>,
    /// Every additive term in dense lookups (effects, milestones, pairs).
    pub terms: additive::Terms,
}

/// A state's learned rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StateEstimate {
    pub probability: f64,
    pub interval: [f64; 2],
    /// Closed deals seen in exactly this state, and how many were won.
    pub n: u32,
    pub won: u32,
}

fn key(level: usize, bits: u64) -> u128 {
    ((level as u128) << 64) | u128::from(bits)
}

impl Fitted {
    /// The back-off chain of a state, coarsest first (root prior excluded).
    fn chain(&self, process: &Process, reached: u64, ooo: bool) -> Vec<u128> {
        let mand = reached & process.mandatory_set();
        let stage = members(mand).last().map_or(0, |i| i as u64 + 1);
        let mut out = Vec::with_capacity(self.optional_masks.len() + 2);
        out.push(key(0, stage));
        for (t, m) in self.optional_masks.iter().enumerate() {
            out.push(key(1 + t, mand | (reached & m)));
        }
        out.push(key(1 + self.optional_masks.len() + usize::from(ooo), reached));
        out
    }

    /// The root prior of a state: the model's prior of its furthest
    /// mandatory milestone (the base probability when there is none).
    fn root(process: &Process, reached: u64) -> f64 {
        members(reached & process.mandatory_set()).last().map_or(process.base(), |i| process.prior(i))
    }

    /// The learned rate of a state; `minus` removes one deal's own outcome
    /// (1 = won, 0 = lost) from every level, for leave-one-out offsets. The
    /// credible interval (the costly part) only when `interval`; estimates
    /// with their interval are memoised per state (scoring many deals meets
    /// the same few states again and again).
    pub fn estimate(&self, process: &Process, reached: u64, ooo: bool, minus: Option<bool>, interval: bool) -> StateEstimate {
        let reached = reached & !self.ignored;
        if minus.is_some() || !interval {
            return self.compute(process, reached, ooo, minus, interval);
        }
        if let Some(e) = self.memo.borrow().get(&(reached, ooo)) {
            return *e;
        }
        let e = self.compute(process, reached, ooo, None, true);
        self.memo.borrow_mut().insert((reached, ooo), e);
        e
    }

    fn compute(&self, process: &Process, reached: u64, ooo: bool, minus: Option<bool>, interval: bool) -> StateEstimate {
        let (dn, dw) = match minus {
            Some(w) => (1.0, if w { 1.0 } else { 0.0 }),
            None => (0.0, 0.0),
        };
        let mut p = Self::root(process, reached);
        let (mut a, mut b) = (STATE_STRENGTH * p, STATE_STRENGTH * (1.0 - p));
        let (mut n_leaf, mut w_leaf) = (0.0, 0.0);
        for k in self.chain(process, reached, ooo) {
            let [n, w] = self.nodes.get(k).and_then(|i| self.node_counts.get(i)).copied().unwrap_or([0.0, 0.0]);
            let n = (n - dn).max(0.0);
            // Not `clamp`: its NaN/order assertion formats floats, kilobytes of wasm.
            let w = (w - dw).min(n).max(0.0);
            a = w + STATE_STRENGTH * p;
            b = (n - w) + STATE_STRENGTH * (1.0 - p);
            p = a / (a + b);
            n_leaf = n;
            w_leaf = w;
        }
        StateEstimate {
            probability: p,
            interval: if interval { stats::beta_interval(a, b) } else { [p, p] },
            n: n_leaf.round() as u32,
            won: w_leaf.round() as u32,
        }
    }

    /// The effect of one attribute value.
    pub fn effect(&self, attribute: &str, value: &str) -> Option<f64> {
        self.terms.effect(attribute, value)
    }

    /// A deal's state as this calibration sees it, `(reached, out of
    /// order)`: without the milestones it ignores.
    pub fn view(&self, process: &Process, st: &crate::deal::DealState) -> (u64, bool) {
        leakage::view(process, self.ignored, st)
    }

    /// The milestones this calibration ignores (`leakage`).
    pub fn ignored(&self) -> u64 {
        self.ignored
    }

    /// `(a, b)` of a seller's recalibration, falling back to the team's.
    /// Whether history gave any seller a bias of their own.
    pub fn has_seller_bias(&self) -> bool {
        !self.seller_values.is_empty()
    }

    pub fn bias(&self, seller: Option<&str>) -> Option<(f64, f64)> {
        seller.and_then(|s| self.sellers.get(s)).and_then(|i| self.seller_values.get(i).copied()).or(self.team)
    }
}

/// Rebuilds and validates a calibration against its process.
pub fn compile(process: &Process, c: &Calibration) -> Result<Fitted> {
    error::at_most("states", &c.states, MAX_STATES, "states")?;
    error::at_most("effects", &c.effects, MAX_EFFECTS, "effects")?;
    error::at_most("sellerBias", &c.seller_bias, MAX_SELLERS, "sellers")?;
    error::at_most("skills", &c.skills, MAX_STATES, "skill counts")?;
    if c.won > c.deals {
        return Err(Error::new("won", "must not exceed deals"));
    }
    error::non_negative("strength", c.strength)?;
    error::non_negative("effectStrength", c.effect_strength)?;
    let mut f = Fitted { deals: c.deals, won: c.won, insufficient: c.deals < MIN_HISTORY, ..Fitted::default() };
    let mut mask = 0u64;
    f.optional_masks.push(0);
    for i in process.indices().filter(|&i| !process.is_mandatory(i)) {
        mask |= bit(i);
        f.optional_masks.push(mask);
    }
    f.ignored = set_of(process, &c.ignored_milestones, "ignoredMilestones")?;
    let mut seen = Slots::default();
    for (k, s) in c.states.iter().enumerate() {
        let p = error::index("states", k);
        let reached = set_of(process, &s.reached, &error::join(&p, "reached"))?;
        if s.won > s.n {
            return Err(Error::new(error::join(&p, "won"), "must not exceed n"));
        }
        if !seen.slot(state_key(reached, s.out_of_order)).1 {
            return Err(Error::new(p, "duplicate state"));
        }
        for node in f.chain(process, reached, s.out_of_order) {
            tally(&mut f.nodes, &mut f.node_counts, node, f64::from(s.n), f64::from(s.won));
        }
    }
    // Effects, milestone terms and pair cells: checked and indexed there.
    f.terms = additive::Terms::build(process, c)?;
    let check_bias = |b: &SellerBias, p: &str| -> Result<(f64, f64)> {
        let a = error::finite(&error::join(p, "a"), b.a)?;
        let bb = error::finite(&error::join(p, "b"), b.b)?;
        error::text(&error::join(p, "seller"), &b.seller, crate::model::MAX_TEXT_CHARS)?;
        for (name, v) in [("stated", b.stated), ("corrected", b.corrected), ("observed", b.observed)] {
            error::probability(&error::join(p, name), v)?;
        }
        Ok((a, bb))
    };
    if let Some(t) = &c.team_bias {
        f.team = Some(check_bias(t, "teamBias")?);
    }
    for (k, b) in c.seller_bias.iter().enumerate() {
        let ab = check_bias(b, &error::index("sellerBias", k))?;
        f.seller_values.push(ab);
    }
    f.sellers = crate::order::Lookup::new(c.seller_bias.iter().map(|b| b.seller.clone()).collect());
    for (k, s) in c.skills.iter().enumerate() {
        let p = error::index("skills", k);
        if process.find(&s.milestone).is_none() {
            return Err(Error::new(error::join(&p, "milestone"), format!("unknown milestone \"{}\"", short(&s.milestone))));
        }
        error::text(&error::join(&p, "seller"), &s.seller, crate::model::MAX_TEXT_CHARS)?;
        if s.advanced > s.reached {
            return Err(Error::new(error::join(&p, "advanced"), "must not exceed reached"));
        }
    }
    Ok(f)
}

fn short(s: &str) -> String {
    s.chars().take(crate::model::MAX_TEXT_CHARS).collect()
}

fn set_of(process: &Process, ids: &[String], path: &str) -> Result<u64> {
    let mut set = 0u64;
    for (k, id) in ids.iter().enumerate() {
        let Some(i) = process.find(id) else {
            return Err(Error::new(error::index(path, k), format!("unknown milestone \"{}\"", short(id))));
        };
        set |= bit(i);
    }
    Ok(set)
}

/// Calibrates from closed deals (open ones are rejected: they carry no
/// outcome). Returns the model with its `calibration` set.
pub fn calibrate(process: &Process, history: &[Deal], options: &CalibrateOptions) -> Result<crate::ProcessModel> {
    for (k, d) in history.iter().enumerate() {
        if d.status == Status::Open {
            return Err(Error::new(error::join(&error::index("history", k), "status"), "must be won or lost: history holds closed deals only"));
        }
    }
    let table = Table::from_deals(process, history, "history", options.paths)?;
    let mut c = calibrate_table(process, &table)?;
    c.paths = options.paths;
    let mut m = process.model.clone();
    m.calibration = Some(c);
    Ok(m)
}

/// Calibrates from a table of deals; open rows are ignored. Leaky
/// milestones and attributes are found and kept out first (`leakage`).
pub fn calibrate_table(process: &Process, t: &Table) -> Result<Calibration> {
    leakage::calibrate_guarded(process, t, fit_table)
}

/// The calibration itself, on a table the guard has cleaned.
fn fit_table(process: &Process, t: &Table) -> Result<Calibration> {
    t.check(process)?;
    let n = t.len();
    let na = t.attributes.len();
    // 1. State counts.
    let mut counts = Slots::default();
    let mut count_values: Vec<[f64; 2]> = Vec::new();
    let mut finals: Vec<(u64, bool)> = Vec::with_capacity(n);
    let mut buf = Vec::new();
    let (mut deals, mut won_total) = (0u32, 0u32);
    for r in 0..n {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            finals.push((0, false));
            continue;
        }
        let won = out == 1;
        deals += 1;
        won_total += u32::from(won);
        states_of(process, t.steps_of(r), t.ordered.get(r) == Some(&1), &mut buf);
        for &(reached, ooo) in &buf {
            tally(&mut counts, &mut count_values, state_key(reached, ooo), 1.0, f64::from(u8::from(won)));
        }
        // The final state, for effects and evaluation.
        let last = if t.ordered.get(r) == Some(&1) { buf.last().copied() } else { buf.first().copied() };
        finals.push(last.unwrap_or((0, false)));
    }
    let mut cal = Calibration {
        deals,
        won: won_total,
        paths: Paths::Auto,
        strength: STATE_STRENGTH,
        effect_strength: 0.0,
        states: counts
            .iter()
            .map(|(k, i)| {
                let [n, w] = count_values.get(i).copied().unwrap_or([0.0, 0.0]);
                StateCount {
                    reached: crate::probability::ids(process, k as u64),
                    out_of_order: k >> 64 != 0,
                    n: n as u32,
                    won: w as u32,
                }
            })
            .collect(),
        ..Calibration::default()
    };
    let fitted = compile(process, &cal)?;
    if fitted.insufficient {
        return Ok(cal);
    }
    // Offsets for the effects: the same back-off over *final* states only.
    // A closed deal's outcome belongs to the state it ended in; measuring it
    // against the path rate of that state (which counts the deals that went
    // on and won) would push every effect down. For snapshots the two are
    // the same counts.
    let final_fit = {
        let mut slots = Slots::default();
        let mut values: Vec<[f64; 2]> = Vec::new();
        for (r, &(reached, ooo)) in finals.iter().enumerate() {
            let out = t.outcome.get(r).copied().unwrap_or(2);
            if out <= 1 {
                tally(&mut slots, &mut values, state_key(reached, ooo), 1.0, f64::from(out));
            }
        }
        let mut c = cal.clone();
        c.states = slots
            .iter()
            .map(|(k, i)| {
                let [n, w] = values.get(i).copied().unwrap_or([0.0, 0.0]);
                StateCount { reached: crate::probability::ids(process, k as u64), out_of_order: k >> 64 != 0, n: n as u32, won: w as u32 }
            })
            .collect();
        compile(process, &c)?
    };
    // 2. Attribute effects, on leave-one-out state offsets. Feature ids in
    //    (column, code) order; at most MAX_VALUES codes per column (the
    //    first in name order: codes are numbered by name).
    let code_of = |r: usize, a: usize| t.codes.get(r * na + a).copied().unwrap_or(0);
    let mut features = Slots::default();
    for r in 0..n {
        if t.outcome.get(r).copied().unwrap_or(2) > 1 {
            continue;
        }
        for a in 0..na {
            let c = code_of(r, a);
            if c > 0 && (c as usize) <= MAX_VALUES {
                features.slot(((a as u128) << 32) | u128::from(c));
            }
        }
    }
    // Feature id = rank of (column, code) in key order.
    let mut feature_id = vec![0u32; features.len()];
    let mut feature_key = Vec::with_capacity(features.len());
    for (rank, (k, slot)) in features.iter().enumerate() {
        if let Some(x) = feature_id.get_mut(slot) {
            *x = u32::try_from(rank).unwrap_or(0);
        }
        feature_key.push(k);
    }
    let nf = features.len();
    if nf > 0 {
        // Rows aggregated by (feature combination, final state, outcome). A
        // combination is interned column by column through the same map.
        let mut combos = Slots::default();
        let mut combo_features: Vec<Vec<u32>> = vec![Vec::new()];
        let mut agg = Slots::default();
        let mut agg_rows: Vec<Row> = Vec::new();
        // Each row's state and outcome key, to order rows whose features,
        // outcome and offset are all equal.
        let mut agg_states: Vec<u128> = Vec::new();
        let mut cache = Slots::default();
        let mut offsets: Vec<f64> = Vec::new();
        for (r, &(reached, ooo)) in finals.iter().enumerate() {
            let out = t.outcome.get(r).copied().unwrap_or(2);
            if out > 1 {
                continue;
            }
            let won = out == 1;
            let mut combo = 0usize;
            for a in 0..na {
                let Some(slot) = features.get(((a as u128) << 32) | u128::from(code_of(r, a))) else {
                    continue;
                };
                let f = feature_id.get(slot).copied().unwrap_or(0);
                let (next, new) = combos.slot(((combo as u128) << 32) | u128::from(f));
                let next = next + 1;
                if new {
                    let mut v = combo_features.get(combo).cloned().unwrap_or_default();
                    v.push(f);
                    combo_features.push(v);
                }
                combo = next;
            }
            {
                let sk = state_key(reached, ooo) | (u128::from(won) << 65);
            let (oi, new) = cache.slot(sk);
            if new {
                offsets.push(stats::logit(final_fit.estimate(process, reached, ooo, Some(won), false).probability));
            }
            let offset = offsets.get(oi).copied().unwrap_or(0.0);
            let (i, new) = agg.slot(sk | ((combo as u128) << 66));
            if new {
                agg_rows.push(Row { offset, features: combo_features.get(combo).cloned().unwrap_or_default(), won, count: 0.0 });
                agg_states.push(sk);
            }
            if let Some(row) = agg_rows.get_mut(i) {
                row.count += 1.0;
            }
            }
        }
        // Rows in content order (features, outcome, offset, state), so that
        // the folds and the fits do not depend on the order of the history:
        // a combination's number is the order it was first seen in. The
        // state breaks ties: two states can share an offset, and rows tied
        // on the rest kept their first-seen order, which put different
        // counts in different folds.
        let key = |i: usize| agg_rows.get(i).map(|x| (&x.features, x.won, x.offset.to_bits(), agg_states.get(i).copied().unwrap_or(0)));
        let by_content = order(agg_rows.len(), &|a, b| key(a) < key(b));
        let rows: Vec<Row> = by_content.iter().filter_map(|&i| agg_rows.get(i).cloned()).collect();
        let states: Vec<(u64, bool)> =
            by_content.iter().map(|&i| agg_states.get(i).copied().unwrap_or(0)).map(|k| (k as u64, (k >> 64) & 1 == 1)).collect();
        let learned = additive::learn(&rows, &states, &feature_key, process.len(), &EFFECT_GRID);
        if let Some(e) = learned.main_strength {
            let beta = &learned.main;
            let mut n_of = vec![0u32; nf];
            for r in &rows {
                for &f in &r.features {
                    if let Some(x) = n_of.get_mut(f as usize) {
                        *x += r.count as u32;
                    }
                }
            }
            cal.effect_strength = e;
            for (id, &k) in feature_key.iter().enumerate() {
                let (a, c) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
                let (Some(name), Some(value)) = (t.attributes.get(a), t.values.get(a).and_then(|v| v.get(c.wrapping_sub(1)))) else {
                    continue;
                };
                let b = beta.get(id).copied().unwrap_or(0.0);
                if b.abs() < 1e-4 {
                    continue;
                }
                cal.effects.push(Effect { attribute: name.clone(), value: value.clone(), effect: b, n: n_of.get(id).copied().unwrap_or(0), ..Effect::default() });
            }
        }
        additive::describe(process, t, &learned, &feature_key, &mut cal);
    }
    // 3. Seller bias and 4. skill.
    seller_bias(t, &mut cal);
    cal.skills = skills(process, t, &finals);
    Ok(cal)
}

/// Fits `won ~ a + b * logit(p)` with a ridge pulling (a, b) toward `to`.
/// Newton's method with backtracking: the whole step is halved until the
/// penalised log likelihood improves. (Clamping each coordinate of the step
/// separately, as an earlier version did, bends the Newton direction and can
/// cycle forever between two wrong answers.)
fn recalibrate(rows: &[(f64, bool, f64)], to: (f64, f64), lambda: f64) -> (f64, f64) {
    let loss = |a: f64, b: f64| -> f64 {
        let mut l = 0.5 * lambda * ((a - to.0).powi(2) + (b - to.1).powi(2));
        for &(x, won, c) in rows {
            let z = a + b * x;
            l += c * stats::neg_log_sigmoid(if won { z } else { -z });
        }
        l
    };
    let (mut a, mut b) = to;
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb) = (lambda * (a - to.0), lambda * (b - to.1));
        let (mut haa, mut hab, mut hbb) = (lambda, 0.0, lambda);
        for &(x, won, c) in rows {
            let p = stats::sigmoid(a + b * x);
            let y = if won { 1.0 } else { 0.0 };
            ga += c * (p - y);
            gb += c * (p - y) * x;
            let w = c * p * (1.0 - p);
            haa += w;
            hab += w * x;
            hbb += w * x * x;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let (na, nb) = (a - t * da, b - t * db);
            let l = loss(na, nb);
            if l <= current {
                a = na;
                b = nb;
                current = l;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved || (t * da).abs().max((t * db).abs()) < 1e-9 {
            break;
        }
    }
    (a, b)
}

fn seller_bias(t: &Table, cal: &mut Calibration) {
    // (seller code, probability bits, won) -> count
    let mut agg = Slots::default();
    let mut counts: Vec<[f64; 2]> = Vec::new();
    for r in 0..t.len() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        let p = t.seller_probability.get(r).copied().unwrap_or(f64::NAN);
        if out > 1 || p.is_nan() {
            continue;
        }
        let s = t.seller.get(r).copied().unwrap_or(0);
        tally(&mut agg, &mut counts, (u128::from(s) << 65) | (u128::from(out) << 64) | u128::from(p.to_bits()), 1.0, 0.0);
    }
    if agg.is_empty() {
        return;
    }
    let rows_of = |s: Option<u32>| -> Vec<(f64, f64, bool, f64)> {
        agg.iter()
            .filter(|(k, _)| s.map_or(true, |s| (k >> 65) as u32 == s))
            .map(|(k, i)| {
                let p = f64::from_bits(k as u64);
                let c = counts.get(i).map_or(0.0, |c| c[0]);
                (p, stats::logit(p.clamp(0.01, 0.99)), (k >> 64) & 1 == 1, c)
            })
            .collect()
    };
    let summary = |seller: String, rows: &[(f64, f64, bool, f64)], ab: (f64, f64)| -> SellerBias {
        let n: f64 = rows.iter().map(|r| r.3).sum();
        let stated = rows.iter().map(|r| r.0 * r.3).sum::<f64>() / n;
        let corrected = rows.iter().map(|r| stats::sigmoid(ab.0 + ab.1 * r.1) * r.3).sum::<f64>() / n;
        let observed = rows.iter().filter(|r| r.2).map(|r| r.3).sum::<f64>() / n;
        SellerBias { seller, a: ab.0, b: ab.1, n: n as u32, stated, corrected: corrected.clamp(0.0, 1.0), observed }
    };
    let fit = |rows: &[(f64, f64, bool, f64)], to: (f64, f64), lambda: f64| {
        let r: Vec<(f64, bool, f64)> = rows.iter().map(|r| (r.1, r.2, r.3)).collect();
        recalibrate(&r, to, lambda)
    };
    let all = rows_of(None);
    // The team is pulled weakly (4 equivalent deals) toward "stated is right".
    let team = fit(&all, (0.0, 1.0), 1.0);
    cal.team_bias = Some(summary(String::new(), &all, team));
    for (k, name) in t.sellers.iter().enumerate() {
        let rows = rows_of(Some(u32::try_from(k + 1).unwrap_or(u32::MAX)));
        if rows.is_empty() {
            continue;
        }
        let ab = fit(&rows, team, SELLER_STRENGTH / 4.0);
        cal.seller_bias.push(summary(name.clone(), &rows, ab));
    }
}

fn skills(process: &Process, t: &Table, finals: &[(u64, bool)]) -> Vec<SkillCount> {
    let mut agg = Slots::default();
    let mut counts: Vec<[f64; 2]> = Vec::new();
    for (r, &(reached, _)) in finals.iter().enumerate() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        let s = t.seller.get(r).copied().unwrap_or(0);
        if out > 1 || s == 0 {
            continue;
        }
        for i in members(reached) {
            let further = out == 1 || reached >> i > 1;
            tally(&mut agg, &mut counts, (u128::from(s) << 8) | i as u128, 1.0, f64::from(u8::from(further)));
        }
    }
    // In (seller number, milestone) order.
    agg.iter()
        .filter_map(|(k, slot)| {
            let [n, adv] = counts.get(slot).copied()?;
            Some(SkillCount {
                seller: t.sellers.get(((k >> 8) as usize).checked_sub(1)?)?.clone(),
                milestone: process.id((k & 0xff) as usize).to_string(),
                reached: n as u32,
                advanced: adv as u32,
            })
        })
        .collect()
}

/// Corrects a seller's stated probability with what history learned about
/// their over- or under-confidence (the team's correction for a seller
/// without history; unchanged without any calibration of seller estimates).
pub fn correct_seller_probability(process: &Process, seller: Option<&str>, p: f64) -> Result<f64> {
    let p = error::probability("probability", p)?;
    Ok(match process.fitted().and_then(|f| f.bias(seller)) {
        Some((a, b)) => stats::sigmoid(a + b * stats::logit(p.clamp(0.01, 0.99))),
        None => p,
    })
}

/// A seller's conversion at one milestone versus the team's.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MilestoneSkill {
    pub milestone: String,
    /// The seller's closed deals that reached it, and went further.
    pub reached: u32,
    pub advanced: u32,
    /// Shrunk toward the team's rate by `SKILL_STRENGTH` deals.
    pub rate: f64,
    pub interval: [f64; 2],
    pub team_rate: f64,
    /// `rate - teamRate`.
    pub delta: f64,
    /// "better", "worse" (the interval excludes the team's rate) or "similar".
    pub verdict: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SellerSkill {
    pub seller: String,
    pub milestones: Vec<MilestoneSkill>,
}

/// Per seller (in the order of the calibration's skill counts) and milestone: conversion
/// from the milestone onward, shrunk toward the team. Empty without a
/// calibration.
pub fn skill_profile(process: &Process) -> Vec<SellerSkill> {
    let Some(c) = process.model.calibration.as_ref() else {
        return Vec::new();
    };
    let mut team = vec![(0.0, 0.0); process.len()];
    for s in &c.skills {
        if let Some(e) = process.find(&s.milestone).and_then(|i| team.get_mut(i)) {
            e.0 += f64::from(s.reached);
            e.1 += f64::from(s.advanced);
        }
    }
    let mut out: Vec<SellerSkill> = Vec::new();
    for s in &c.skills {
        let (tn, ta) = process.find(&s.milestone).and_then(|i| team.get(i)).copied().unwrap_or((0.0, 0.0));
        let team_rate = (ta + 1.0) / (tn + 2.0);
        let a = f64::from(s.advanced) + SKILL_STRENGTH * team_rate;
        let b = f64::from(s.reached.saturating_sub(s.advanced)) + SKILL_STRENGTH * (1.0 - team_rate);
        let rate = a / (a + b);
        let interval = stats::beta_interval(a, b);
        let verdict = if interval[0] > team_rate {
            "better"
        } else if interval[1] < team_rate {
            "worse"
        } else {
            "similar"
        };
        let m = MilestoneSkill {
            milestone: s.milestone.clone(),
            reached: s.reached,
            advanced: s.advanced,
            rate,
            interval,
            team_rate,
            delta: rate - team_rate,
            verdict: verdict.to_string(),
        };
        match out.last_mut() {
            Some(last) if last.seller == s.seller => last.milestones.push(m),
            _ => out.push(SellerSkill { seller: s.seller.clone(), milestones: vec![m] }),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::deal::Event;
    use crate::model::{default_model, ProcessModel};
    use crate::model::Milestone;
    use crate::probability::score_deal;
    use crate::testing::{camel_json, read};

    fn reads<T: serde::de::DeserializeOwned>(text: &str) -> T {
        read(text, "p").unwrap()
    }

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        read::<T>(text, "p").unwrap_err().to_string()
    }

    /// Written as JSON (as the wasm hands it to JS) and read back.
    fn json_round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(x: &T) -> T {
        camel_json(x);
        read(&serde_json::to_string(x).unwrap(), "x").unwrap()
    }

    fn deal(id: usize, ms: &[&str], dated: bool, won: bool) -> Deal {
        Deal {
            id: format!("d{id}"),
            status: if won { Status::Won } else { Status::Lost },
            events: ms
                .iter()
                .enumerate()
                .map(|(k, m)| Event { milestone: m.to_string(), date: dated.then(|| format!("2024-01-{:02}", k + 1)) })
                .collect(),
            ..Deal::default()
        }
    }

    const LADDER: [&str; 4] = ["need_confirmed", "mobilizer_met", "solution_presented", "proposal_requested"];

    /// 200 deals: the further along, the more often won; segment "Public"
    /// loses more; seller "Ann" states 0.9 on everything.
    fn history() -> Vec<Deal> {
        (0..200)
            .map(|i| {
                let depth = 1 + i % 4;
                let public = i % 5 == 0;
                let won = (i * 7919) % 100 < 15 + 20 * depth - if public { 15 } else { 0 };
                let mut d = deal(i, &LADDER[..depth], true, won);
                d.attributes.insert("segment".into(), if public { "Public" } else { "Private" }.into());
                d.seller = Some(if i % 2 == 0 { "Ann" } else { "Bob" }.into());
                d.seller_probability = Some(if i % 2 == 0 { 0.9 } else { 0.2 + 0.1 * depth as f64 });
                d
            })
            .collect()
    }

    fn calibrated() -> Process {
        let p = Process::new(default_model()).unwrap();
        Process::new(calibrate(&p, &history(), &CalibrateOptions::default()).unwrap()).unwrap()
    }

    #[test]
    fn dated_deals_are_paths_undated_ones_snapshots() {
        let p = Process::new(default_model()).unwrap();
        let h: Vec<Deal> = (0..40).map(|i| deal(i, &LADDER[..3], i % 2 == 0, true)).collect();
        let m = calibrate(&p, &h, &CalibrateOptions::default()).unwrap();
        let c = m.calibration.unwrap();
        let n_of = |k: usize| c.states.iter().find(|s| s.reached.len() == k).map_or(0, |s| s.n);
        // 20 dated deals count for {}, {A}, {A,B}; all 40 for {A,B,C}.
        assert_eq!((n_of(0), n_of(1), n_of(2), n_of(3)), (20, 20, 20, 40));
        let f = calibrate(&p, &h, &CalibrateOptions { paths: Paths::Final }).unwrap().calibration.unwrap();
        assert_eq!(f.states.len(), 1);
        let pre = calibrate(&p, &h, &CalibrateOptions { paths: Paths::Prefix }).unwrap().calibration.unwrap();
        assert_eq!(pre.states.len(), 4);
        assert!(pre.states.iter().all(|s| s.n == 40));
    }

    #[test]
    fn calibrated_scores_explain_and_round_trip_through_json() {
        let p = calibrated();
        let mut d = deal(0, &LADDER[..3], false, false);
        d.status = Status::Open;
        d.attributes.insert("segment".into(), "Public".into());
        let s = score_deal(&p, &d, "deal").unwrap();
        assert_eq!(s.source, "history");
        let [lo, hi] = s.interval.unwrap();
        assert!(lo < s.probability && s.probability < hi, "{s:?}");
        use crate::probability::Reason;
        assert!(matches!(s.reasons[0], Reason::LearnedState { deals: 100, won } if won <= 100), "{:?}", s.reasons);
        assert!(
            s.reasons.iter().any(|e| matches!(e, Reason::AttributeEffect { attribute, value, points } if attribute == "segment" && value == "Public" && *points < 0)),
            "{:?}",
            s.reasons
        );
        assert!(s.next.iter().any(|n| n.milestone == "proposal_requested" && n.gain > 0.0), "{:?}", s.next);
        // Path-based effects are measured against path-based rates: the
        // majority value is not pushed down to fit where closed deals died.
        let eff = |v: &str| p.fitted().unwrap().effect("segment", v).unwrap();
        assert!(eff("Public") < -0.3 && eff("Private") > -0.1 && eff("Private") - eff("Public") > 0.4, "{} {}", eff("Public"), eff("Private"));
        // Plain data: through JSON and back scores the same.
        let json = serde_json::to_string(&p.model).unwrap();
        let back: ProcessModel = serde_json::from_str(&json).unwrap();
        let q = Process::new(back).unwrap();
        assert_eq!(score_deal(&q, &d, "deal").unwrap(), s);
        // Deterministic.
        assert_eq!(calibrated().model, p.model);
    }

    #[test]
    fn columnar_and_object_calibrations_agree() {
        let p = Process::new(default_model()).unwrap();
        let h = history();
        let t = Table::from_deals(&p, &h, "history", Paths::Auto).unwrap();
        let mut c = calibrate_table(&p, &t).unwrap();
        c.paths = Paths::Auto;
        assert_eq!(Some(c), calibrate(&p, &h, &CalibrateOptions::default()).unwrap().calibration);
        let scored = crate::evaluation::score_table(&calibrated(), &t).unwrap();
        let one = score_deal(&calibrated(), &h[3], "d").unwrap();
        assert!((scored[3].0 - one.probability).abs() < 1e-12);
    }

    #[test]
    fn evaluation_scores_dated_deals_at_every_state_they_passed() {
        let p = calibrated();
        let e = crate::evaluate(&p, &history()).unwrap();
        assert_eq!(e.n, 50 * (2 + 3 + 4 + 5));
        assert_eq!(e.reliability.iter().map(|b| b.n).sum::<u32>(), e.n);
        assert!(e.brier < e.versus.priors.brier, "{} vs {}", e.brier, e.versus.priors.brier);
        assert!(e.versus.seller_probability.is_some());
        let base = Process::new(default_model()).unwrap();
        let cv = crate::cross_validate(&base, &history(), 5, &CalibrateOptions::default()).unwrap();
        assert_eq!((cv.n, cv.folds.len()), (700, 5));
        assert!(cv.brier < cv.versus.priors.brier, "{} vs {}", cv.brier, cv.versus.priors.brier);
        assert!(crate::cross_validate(&base, &history(), 1, &CalibrateOptions::default()).is_err());
    }

    #[test]
    fn little_history_says_so() {
        let p = Process::new(default_model()).unwrap();
        let h: Vec<Deal> = (0..10).map(|i| deal(i, &LADDER[..2], false, i % 2 == 0)).collect();
        let q = Process::new(calibrate(&p, &h, &CalibrateOptions::default()).unwrap()).unwrap();
        let s = score_deal(&q, &deal(0, &LADDER[..2], false, false), "d").unwrap();
        assert_eq!(s.source, "prior");
        assert!(s.reasons.contains(&crate::probability::Reason::InsufficientHistory { deals: 10, needed: MIN_HISTORY }), "{:?}", s.reasons);
    }

    #[test]
    fn seller_bias_is_learned_and_corrects() {
        let p = calibrated();
        let c = p.model.calibration.as_ref().unwrap();
        let ann = c.seller_bias.iter().find(|b| b.seller == "Ann").unwrap();
        assert!(ann.stated - ann.corrected > 0.2, "{ann:?}");
        let fixed = correct_seller_probability(&p, Some("Ann"), 0.9).unwrap();
        assert!(fixed < 0.7, "{fixed}");
        assert!(correct_seller_probability(&p, Some("Ann"), 1.5).is_err());
        let skills = skill_profile(&p);
        assert_eq!(skills.len(), 2);
        assert!(skills[0].milestones.iter().all(|m| m.rate > 0.0 && m.rate < 1.0 && m.interval[0] <= m.rate));
    }

    #[test]
    fn bad_history_and_bad_calibrations_are_named() {
        let p = Process::new(default_model()).unwrap();
        let mut h = history();
        h[3].events[1].milestone = "x".into();
        let e = calibrate(&p, &h, &CalibrateOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "history[3].events[1].milestone: unknown milestone \"x\"");
        let mut h = history();
        h[5].status = Status::Open;
        assert_eq!(calibrate(&p, &h, &CalibrateOptions::default()).unwrap_err().path, "history[5].status");
        let mut h = history();
        h[7].value = Some(f64::INFINITY);
        assert_eq!(calibrate(&p, &h, &CalibrateOptions::default()).unwrap_err().path, "history[7].value");

        let good = calibrated().model;
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().effects[0].effect = f64::NAN;
        assert_eq!(Process::new(m).unwrap_err().to_string(), "calibration.effects[0].effect: must be a finite number");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().states[1].reached[0] = "nope".into();
        assert_eq!(Process::new(m).unwrap_err().to_string(), "calibration.states[1].reached[0]: unknown milestone \"nope\"");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().states[0].won = 1_000_000;
        assert_eq!(Process::new(m).unwrap_err().path, "calibration.states[0].won");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().seller_bias[0].stated = 2.0;
        assert_eq!(Process::new(m).unwrap_err().path, "calibration.sellerBias[0].stated");
        let mut m = good;
        let dup = m.calibration.as_ref().unwrap().states[0].clone();
        m.calibration.as_mut().unwrap().states.push(dup);
        assert!(Process::new(m).unwrap_err().to_string().contains("duplicate state"));
    }

    #[test]
    fn bad_tables_are_named() {
        let p = Process::new(default_model()).unwrap();
        let mut t = Table::from_deals(&p, &history(), "history", Paths::Auto).unwrap();
        t.steps[2] = 99;
        assert_eq!(calibrate_table(&p, &t).unwrap_err().to_string(), "steps[2]: no milestone has index 99");
        let mut t = Table::from_deals(&p, &history(), "history", Paths::Auto).unwrap();
        t.codes[0] = 50;
        assert_eq!(calibrate_table(&p, &t).unwrap_err().path, "codes[0]");
        t.codes.pop();
        assert_eq!(calibrate_table(&p, &t).unwrap_err().path, "codes");
    }

    /// Salvirt's 365 distinct real deals (../shared/data, read as
    /// tests/salvirt.rs does: qualification facts as undated milestones,
    /// the other columns as attributes); `None` when the data is absent.
    fn salvirt() -> Option<(Process, Vec<Deal>)> {
        const FACTS: [&str; 7] = ["Needs_def", "RFI", "RFP", "Budgt_alloc", "Purch_dept", "Forml_tend", "Posit_statm"];
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/salvirt_b2b/B2B_dataset.csv");
        let Ok(text) = std::fs::read_to_string(file) else {
            eprintln!("skipped: {file} not found");
            return None;
        };
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> = lines.next()?.split(',').map(str::trim).collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut deals = Vec::new();
        for line in lines {
            if !seen.insert(line) {
                continue;
            }
            let mut d = Deal { id: format!("s{}", deals.len()), ..Deal::default() };
            for (h, v) in header.iter().zip(line.split(',').map(str::trim)) {
                if FACTS.contains(h) {
                    if v == "Yes" {
                        d.events.push(Event { milestone: h.to_lowercase(), date: None });
                    }
                } else if *h == "Status" {
                    d.status = if v == "Won" { Status::Won } else { Status::Lost };
                } else if *h == "Seller" {
                    d.seller = Some(v.to_string());
                } else {
                    d.attributes.insert(h.to_string(), v.to_string());
                }
            }
            deals.push(d);
        }
        let milestones = FACTS
            .iter()
            .map(|f| Milestone { id: f.to_lowercase(), label: String::new(), mandatory: false, after: vec![], probability: None })
            .collect();
        let p = Process::new(ProcessModel { milestones, base_probability: None, calibration: None }).unwrap();
        Some((p, deals))
    }

    /// A calibrated model is written as serde wrote it, reads back (by hand
    /// and by serde) to the same model, and scores every deal the same.
    fn round_trips(m: &ProcessModel, deals: &[Deal]) {
        let back = json_round_trip(m);
        assert_eq!(&back, m);
        let (p, q) = (Process::new(m.clone()).unwrap(), Process::new(back).unwrap());
        for d in deals {
            let open = Deal { status: Status::Open, ..d.clone() };
            assert_eq!(score_deal(&p, &open, "deal").unwrap(), score_deal(&q, &open, "deal").unwrap());
        }
        let skills = skill_profile(&p);
        camel_json(&skills);
        assert_eq!(skills, skill_profile(&q));
    }

    #[test]
    fn calibrated_models_write_json_and_read_back_exactly() {
        let h = history();
        let m = calibrated().model;
        let c = m.calibration.as_ref().unwrap();
        assert!(c.team_bias.is_some() && !c.effects.is_empty() && !c.seller_bias.is_empty() && !c.skills.is_empty());
        assert!(c.states.iter().any(|s| !s.out_of_order) && !skill_profile(&calibrated()).is_empty());
        round_trips(&m, &h);
        let p = Process::new(default_model()).unwrap();
        for paths in [Paths::Prefix, Paths::Final] {
            round_trips(&calibrate(&p, &h, &CalibrateOptions { paths }).unwrap(), &h);
        }
        // Out-of-order states, and a history too small to use.
        let mut shuffled = h.clone();
        for d in shuffled.iter_mut().step_by(3).filter(|d| d.events.len() > 1) {
            let first = d.events[0].milestone.clone();
            d.events[0].milestone = std::mem::replace(&mut d.events[1].milestone, first);
        }
        let m = calibrate(&p, &shuffled, &CalibrateOptions::default()).unwrap();
        assert!(m.calibration.as_ref().unwrap().states.iter().any(|s| s.out_of_order));
        round_trips(&m, &shuffled);
        round_trips(&calibrate(&p, &h[..10], &CalibrateOptions::default()).unwrap(), &h[..10]);
        // Each part on its own, optional parts absent too.
        let c = calibrated().model.calibration.unwrap();
        camel_json(&c.states[0]);
        camel_json(&c.effects[0]);
        camel_json(&c.seller_bias[0]);
        camel_json(&c.skills[0]);
        camel_json(&Calibration::default());
        assert_eq!(json_round_trip(&Calibration::default()), Calibration::default());
        for x in [Paths::Auto, Paths::Prefix, Paths::Final] {
            assert_eq!(json_round_trip(&x), x);
        }
    }

    #[test]
    fn real_history_round_trips() {
        let Some((p, deals)) = salvirt() else { return };
        assert_eq!(deals.len(), 365);
        let m = calibrate(&p, &deals, &CalibrateOptions::default()).unwrap();
        let c = m.calibration.as_ref().unwrap();
        // No stated probabilities: no team bias, so `teamBias` is left out.
        assert!(c.team_bias.is_none() && !c.effects.is_empty() && !c.skills.is_empty());
        round_trips(&m, &deals);
    }

    #[test]
    fn options_read() {
        type O = CalibrateOptions;
        assert_eq!(reads::<O>("{}"), O::default());
        // `null` is absent.
        assert_eq!(reads::<O>(r#"{"paths":null}"#), O::default());
        assert_eq!(reads::<O>(r#"{"paths":"final","other":1}"#).paths, Paths::Final);
        assert_eq!(reads::<O>(r#"{"paths":"prefix"}"#).paths, Paths::Prefix);
        assert_eq!(reads::<O>(r#"{"paths":"auto"}"#).paths, Paths::Auto);
        assert!(err::<O>(r#"{"paths":"Final"}"#).starts_with("p.paths: unknown variant `Final`"));
        assert!(err::<O>(r#"{"paths":2}"#).starts_with("p.paths: "));
        assert!(err::<O>("3").starts_with("p: "));
    }

    #[test]
    fn bad_calibrations_name_the_field() {
        let good = serde_json::to_value(calibrated().model).unwrap();
        // Edits `good` at a JSON pointer (`None` removes the field) and reads it both ways.
        let edited = |edits: &[(&str, Option<serde_json::Value>)]| {
            let mut m = good.clone();
            for (at, x) in edits {
                let (parent, key) = at.rsplit_once('/').unwrap();
                let o = m.pointer_mut(parent).unwrap();
                match (x, o) {
                    (Some(x), serde_json::Value::Array(a)) => a[key.parse::<usize>().unwrap()] = x.clone(),
                    (Some(x), o) => {
                        o.as_object_mut().unwrap().insert(key.to_string(), x.clone());
                    }
                    (None, o) => {
                        o.as_object_mut().unwrap().shift_remove(key);
                    }
                }
            }
            m.to_string()
        };
        let j = |t: &str| Some(serde_json::from_str::<serde_json::Value>(t).unwrap());
        let bad = |edits: &[(&str, Option<serde_json::Value>)]| err::<ProcessModel>(&edited(edits));

        // Valid: defaults, extra keys, null for an optional field.
        let m = reads::<ProcessModel>(&edited(&[
            ("/calibration/effects", None),
            ("/calibration/sellerBias", None),
            ("/calibration/skills", None),
            ("/calibration/teamBias", j("null")),
            ("/calibration/states/0/outOfOrder", None),
            ("/calibration/extra", j(r#"{"a":[1]}"#)),
            ("/calibration/states/1/note", j(r#""x""#)),
        ]));
        let c = m.calibration.unwrap();
        assert!(c.effects.is_empty() && c.seller_bias.is_empty() && c.skills.is_empty() && c.team_bias.is_none());
        assert!(!c.states[0].out_of_order);

        assert!(bad(&[("/calibration/states/1/n", j(r#""x""#))]).starts_with("p.calibration.states[1].n: "));
        assert!(bad(&[("/calibration/states/0/won", j("1.5"))]).starts_with("p.calibration.states[0].won: "));
        assert!(bad(&[("/calibration/skills/0/reached", j("-1"))]).starts_with("p.calibration.skills[0].reached: "));
        assert!(bad(&[("/calibration/deals", j("true"))]).starts_with("p.calibration.deals: "));
        assert!(bad(&[("/calibration/states/2/reached", j(r#""a""#))]).starts_with("p.calibration.states[2].reached: "));
        assert!(bad(&[("/calibration/states/2/reached/0", j("0"))]).starts_with("p.calibration.states[2].reached[0]: "));
        assert!(bad(&[("/calibration/states/2/outOfOrder", j("1"))]).starts_with("p.calibration.states[2].outOfOrder: "));
        assert!(bad(&[("/calibration/states/3/n", None)]).starts_with("p.calibration.states[3].n: "));
        assert!(bad(&[("/calibration/states", j("{}"))]).starts_with("p.calibration.states: "));
        assert!(bad(&[("/calibration/states", None)]).starts_with("p.calibration.states: "));
        assert!(bad(&[("/calibration/effectStrength", None)]).starts_with("p.calibration.effectStrength: "));
        assert!(bad(&[("/calibration/strength", j(r#""10""#))]).starts_with("p.calibration.strength: "));
        assert!(bad(&[("/calibration/paths", j(r#""sometimes""#))]).starts_with("p.calibration.paths: "));
        assert!(bad(&[("/calibration/paths", None)]).starts_with("p.calibration.paths: "));
        assert!(bad(&[("/calibration/effects/0/attribute", j("1"))]).starts_with("p.calibration.effects[0].attribute: "));
        assert!(bad(&[("/calibration/effects/1/effect", j("[]"))]).starts_with("p.calibration.effects[1].effect: "));
        assert!(bad(&[("/calibration/effects/0/n", None)]).starts_with("p.calibration.effects[0].n: "));
        assert!(bad(&[("/calibration/teamBias", j("[]"))]).starts_with("p.calibration.teamBias: "));
        assert!(bad(&[("/calibration/teamBias/observed", None)]).starts_with("p.calibration.teamBias.observed: "));
        assert!(bad(&[("/calibration/sellerBias/1/a", j(r#""x""#))]).starts_with("p.calibration.sellerBias[1].a: "));
        assert!(bad(&[("/calibration/sellerBias/0", j("3"))]).starts_with("p.calibration.sellerBias[0]: "));
        assert!(bad(&[("/calibration/skills/1/milestone", None)]).starts_with("p.calibration.skills[1].milestone: "));
        assert!(bad(&[("/calibration/skills", j(r#""all""#))]).starts_with("p.calibration.skills: "));
    }

    #[test]
    fn calibrations_read_back_are_validated() {
        let good = calibrated().model;
        let through = |m: &ProcessModel| Process::new(m.clone()).unwrap_err().to_string();
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().effects[0].effect = f64::NAN;
        assert_eq!(through(&m), "calibration.effects[0].effect: must be a finite number");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().states[1].reached[0] = "nope".into();
        assert_eq!(through(&m), "calibration.states[1].reached[0]: unknown milestone \"nope\"");
        let mut m = good;
        m.calibration.as_mut().unwrap().seller_bias[0].stated = 2.0;
        assert!(through(&m).starts_with("calibration.sellerBias[0].stated: "));
        // A null calibration is no calibration.
        let m = reads::<ProcessModel>(r#"{"milestones":[{"id":"a"}],"calibration":null}"#);
        assert!(Process::new(m).unwrap().fitted().is_none());
    }
}
