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
//!   fitted against a rate that already knows the answer. The L2 strength is
//!   chosen by deterministic 5-fold cross-validation on the history itself
//!   from a fixed grid stated in equivalent deals ([`EFFECT_GRID`]), including
//!   "no effects at all": where attributes carry no signal they stay at zero.
//! * **Seller bias**: logistic recalibration of `sellerProbability`,
//!   `won ~ a + b * logit(sellerProbability)`, for the team and per seller
//!   (shrunk toward the team).
//! * **Seller x milestone skill**: per seller and milestone, how many deals
//!   reached it and how many went further (a later milestone or a win).
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
use std::collections::BTreeMap;

use crate::deal::{Deal, Status};
use crate::error::{self, Error, Result};
use crate::model::{bit, members, Process};
use crate::stats::{self, Row};

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
/// The best is chosen by 5-fold cross-validated log loss on the history.
pub const EFFECT_GRID: [f64; 5] = [2.0, 8.0, 32.0, 128.0, 512.0];
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
#[serde(rename_all = "lowercase")]
pub enum Paths {
    #[default]
    Auto,
    Prefix,
    Final,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CalibrateOptions {
    pub paths: Paths,
}

/// Closed deals seen in one state.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StateCount {
    pub reached: Vec<String>,
    #[serde(default)]
    pub out_of_order: bool,
    pub n: u32,
    pub won: u32,
}

/// Effect of one attribute value on the logit of the win probability.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Effect {
    pub attribute: String,
    pub value: String,
    pub effect: f64,
    /// Closed deals with this value.
    pub n: u32,
}

/// Logistic recalibration of a seller's stated probability:
/// `corrected = sigmoid(a + b * logit(stated))`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
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
#[serde(rename_all = "camelCase")]
pub struct SkillCount {
    pub seller: String,
    pub milestone: String,
    pub reached: u32,
    pub advanced: u32,
}

/// A calibration: plain data, carried in `ProcessModel::calibration`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
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
        let mut attr_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut value_index: Vec<BTreeMap<String, u32>> = Vec::new();
        let mut seller_index: BTreeMap<String, u32> = BTreeMap::new();
        let mut rows: Vec<Vec<(usize, u32)>> = Vec::with_capacity(deals.len());
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
                Some(s) if !s.is_empty() => {
                    let next = u32::try_from(seller_index.len() + 1).unwrap_or(u32::MAX);
                    *seller_index.entry(s.clone()).or_insert(next)
                }
                _ => 0,
            };
            t.seller.push(s);
            let mut row = Vec::with_capacity(d.attributes.len() + 1);
            let mut add = |name: &str, value: &str| -> Result<()> {
                let next = attr_index.len();
                let a = *attr_index.entry(name.to_string()).or_insert(next);
                if a == value_index.len() {
                    value_index.push(BTreeMap::new());
                }
                if attr_index.len() > MAX_COLUMNS {
                    return Err(Error::new(error::join(&p, "attributes"), format!("at most {MAX_COLUMNS} distinct attributes are supported")));
                }
                if let Some(vi) = value_index.get_mut(a) {
                    let next = u32::try_from(vi.len() + 1).unwrap_or(u32::MAX);
                    row.push((a, *vi.entry(value.to_string()).or_insert(next)));
                }
                Ok(())
            };
            for (name, value) in &d.attributes {
                add(name, value)?;
            }
            if let Some(s) = &d.seller {
                if !s.is_empty() && !d.attributes.contains_key(SELLER) {
                    add(SELLER, s)?;
                }
            }
            rows.push(row);
        }
        // Attribute columns in first-seen order; dictionaries in code order.
        let mut names: Vec<(usize, String)> = attr_index.into_iter().map(|(k, v)| (v, k)).collect();
        names.sort();
        t.attributes = names.into_iter().map(|(_, k)| k).collect();
        t.values = value_index
            .into_iter()
            .map(|vi| {
                let mut v: Vec<(u32, String)> = vi.into_iter().map(|(k, c)| (c, k)).collect();
                v.sort();
                v.into_iter().map(|(_, k)| k).collect()
            })
            .collect();
        let mut s: Vec<(u32, String)> = seller_index.into_iter().map(|(k, c)| (c, k)).collect();
        s.sort();
        t.sellers = s.into_iter().map(|(_, k)| k).collect();
        let na = t.attributes.len();
        t.codes = vec![0; deals.len() * na];
        for (r, row) in rows.iter().enumerate() {
            for &(a, c) in row {
                if let Some(slot) = t.codes.get_mut(r * na + a) {
                    *slot = c;
                }
            }
        }
        Ok(t)
    }

    fn steps_of(&self, r: usize) -> &[u8] {
        let a = self.offsets.get(r).copied().unwrap_or(0) as usize;
        let b = self.offsets.get(r + 1).copied().unwrap_or(0) as usize;
        self.steps.get(a..b).unwrap_or(&[])
    }
}

/// The evidence states of one deal: after each step when `path`, else only
/// the final one. Each is (reached, out of order). Order violations are
/// judged like `deal::finish`: a milestone done while something it requires
/// (and that the state has) was not yet done.
fn states_of(process: &Process, steps: &[u8], path: bool, out: &mut Vec<(u64, bool)>) {
    out.clear();
    let mut reached = 0u64;
    let mut seq: Vec<(usize, u64)> = Vec::with_capacity(steps.len());
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
        seq.push((i, reached));
        reached |= bit(i);
        if path {
            out.push(state(reached, &seq));
        }
    }
    if !path {
        out.push(state(reached, &seq));
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
    nodes: BTreeMap<u128, (f64, f64)>,
    /// Masks of the first t optional milestones, t = 0..=optional count.
    optional_masks: Vec<u64>,
    effects: BTreeMap<(String, String), (f64, u32)>,
    sellers: BTreeMap<String, (f64, f64)>,
    team: Option<(f64, f64)>,
    /// Estimates already computed (no leave-one-out), by state: scoring many
    /// deals meets the same few states again and again, and each estimate
    /// costs two Beta quantiles by bisection.
    memo: std::cell::RefCell<BTreeMap<(u64, bool), StateEstimate>>,
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
    /// (1 = won, 0 = lost) from every level, for leave-one-out offsets.
    pub fn estimate(&self, process: &Process, reached: u64, ooo: bool, minus: Option<bool>) -> StateEstimate {
        if minus.is_some() {
            return self.compute(process, reached, ooo, minus);
        }
        if let Some(e) = self.memo.borrow().get(&(reached, ooo)) {
            return *e;
        }
        let e = self.compute(process, reached, ooo, None);
        self.memo.borrow_mut().insert((reached, ooo), e);
        e
    }

    fn compute(&self, process: &Process, reached: u64, ooo: bool, minus: Option<bool>) -> StateEstimate {
        let (dn, dw) = match minus {
            Some(w) => (1.0, if w { 1.0 } else { 0.0 }),
            None => (0.0, 0.0),
        };
        let mut p = Self::root(process, reached);
        let (mut a, mut b) = (STATE_STRENGTH * p, STATE_STRENGTH * (1.0 - p));
        let (mut n_leaf, mut w_leaf) = (0.0, 0.0);
        for k in self.chain(process, reached, ooo) {
            let (n, w) = self.nodes.get(&k).copied().unwrap_or((0.0, 0.0));
            let n = (n - dn).max(0.0);
            let w = (w - dw).clamp(0.0, n);
            a = w + STATE_STRENGTH * p;
            b = (n - w) + STATE_STRENGTH * (1.0 - p);
            p = a / (a + b);
            n_leaf = n;
            w_leaf = w;
        }
        StateEstimate {
            probability: p,
            interval: stats::beta_interval(a, b),
            n: n_leaf.round() as u32,
            won: w_leaf.round() as u32,
        }
    }

    /// The learned rate of a state, without its interval: what next-step
    /// gains need. The same walk down the chain as `estimate`, minus the
    /// two Beta quantiles (a bisection each), which cost 20x the rest.
    pub fn rate(&self, process: &Process, reached: u64, ooo: bool) -> f64 {
        let mut p = Self::root(process, reached);
        for k in self.chain(process, reached, ooo) {
            let (n, w) = self.nodes.get(&k).copied().unwrap_or((0.0, 0.0));
            let a = w + STATE_STRENGTH * p;
            let b = (n - w) + STATE_STRENGTH * (1.0 - p);
            p = a / (a + b);
        }
        p
    }

    /// The effect of one attribute value, with its deal count.
    pub fn effect(&self, attribute: &str, value: &str) -> Option<(f64, u32)> {
        self.effects.get(&(attribute.to_string(), value.to_string())).copied()
    }

    pub fn has_effects(&self) -> bool {
        !self.effects.is_empty()
    }

    /// `(a, b)` of a seller's recalibration, falling back to the team's.
    pub fn bias(&self, seller: Option<&str>) -> Option<(f64, f64)> {
        seller.and_then(|s| self.sellers.get(s).copied()).or(self.team)
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
    let mut seen = std::collections::BTreeSet::new();
    for (k, s) in c.states.iter().enumerate() {
        let p = error::index("states", k);
        let reached = set_of(process, &s.reached, &error::join(&p, "reached"))?;
        if s.won > s.n {
            return Err(Error::new(error::join(&p, "won"), "must not exceed n"));
        }
        if !seen.insert((reached, s.out_of_order)) {
            return Err(Error::new(p, "duplicate state"));
        }
        for node in f.chain(process, reached, s.out_of_order) {
            let e = f.nodes.entry(node).or_insert((0.0, 0.0));
            e.0 += f64::from(s.n);
            e.1 += f64::from(s.won);
        }
    }
    for (k, e) in c.effects.iter().enumerate() {
        let p = error::index("effects", k);
        error::text(&error::join(&p, "attribute"), &e.attribute, crate::model::MAX_TEXT_CHARS)?;
        error::text(&error::join(&p, "value"), &e.value, crate::model::MAX_TEXT_CHARS)?;
        let v = error::finite(&error::join(&p, "effect"), e.effect)?;
        if v.abs() > 20.0 {
            return Err(Error::new(error::join(&p, "effect"), "must be between -20 and 20"));
        }
        f.effects.insert((e.attribute.clone(), e.value.clone()), (v, e.n));
    }
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
        f.sellers.insert(b.seller.clone(), ab);
    }
    for (k, s) in c.skills.iter().enumerate() {
        let p = error::index("skills", k);
        if process.find(&s.milestone).is_none() {
            return Err(Error::new(error::join(&p, "milestone"), format!("unknown milestone {:?}", short(&s.milestone))));
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
            return Err(Error::new(error::index(path, k), format!("unknown milestone {:?}", short(id))));
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

/// Calibrates from a table of deals; open rows are ignored.
pub fn calibrate_table(process: &Process, t: &Table) -> Result<Calibration> {
    t.check(process)?;
    let n = t.len();
    let na = t.attributes.len();
    // 1. State counts.
    let mut counts: BTreeMap<(u64, bool), (u32, u32)> = BTreeMap::new();
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
        for &s in &buf {
            let e = counts.entry(s).or_insert((0, 0));
            e.0 += 1;
            e.1 += u32::from(won);
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
            .map(|(&(reached, ooo), &(n, w))| StateCount {
                reached: crate::probability::ids(process, reached),
                out_of_order: ooo,
                n,
                won: w,
            })
            .collect(),
        ..Calibration::default()
    };
    let fitted = compile(process, &cal)?;
    if fitted.insufficient {
        return Ok(cal);
    }
    // 2. Attribute effects, on leave-one-out state offsets.
    let ncol = na;
    let mut feature_of: BTreeMap<(usize, u32), u32> = BTreeMap::new();
    {
        let mut freq: BTreeMap<(usize, u32), u32> = BTreeMap::new();
        for r in 0..n {
            if t.outcome.get(r).copied().unwrap_or(2) > 1 {
                continue;
            }
            for a in 0..ncol {
                let c = t.codes.get(r * na + a).copied().unwrap_or(0);
                if c > 0 {
                    *freq.entry((a, c)).or_insert(0) += 1;
                }
            }
        }
        for a in 0..ncol {
            let mut vals: Vec<(u32, u32)> = freq.range((a, 0)..=(a, u32::MAX)).map(|(&(_, c), &k)| (k, c)).collect();
            vals.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            for &(_, c) in vals.iter().take(MAX_VALUES) {
                let id = u32::try_from(feature_of.len()).unwrap_or(u32::MAX);
                feature_of.insert((a, c), id);
            }
        }
    }
    let nf = feature_of.len();
    if nf > 0 {
        let mut agg: BTreeMap<(u64, bool, bool, Vec<u32>), u32> = BTreeMap::new();
        for (r, &(reached, ooo)) in finals.iter().enumerate() {
            let out = t.outcome.get(r).copied().unwrap_or(2);
            if out > 1 {
                continue;
            }
            let feats: Vec<u32> = (0..ncol)
                .filter_map(|a| feature_of.get(&(a, t.codes.get(r * na + a).copied().unwrap_or(0))).copied())
                .collect();
            *agg.entry((reached, ooo, out == 1, feats)).or_insert(0) += 1;
        }
        let mut cache: BTreeMap<(u64, bool, bool), f64> = BTreeMap::new();
        let rows: Vec<Row> = agg
            .into_iter()
            .map(|((reached, ooo, won, features), count)| {
                let offset = *cache
                    .entry((reached, ooo, won))
                    .or_insert_with(|| stats::logit(fitted.estimate(process, reached, ooo, Some(won)).probability));
                Row { offset, features, won, count: f64::from(count) }
            })
            .collect();
        let chosen = choose_strength(&rows, nf);
        if let Some(e) = chosen {
            let beta = stats::fit_logistic(&rows, nf, e / 4.0, &|_, r| r.count);
            let mut n_of = vec![0u32; nf];
            for r in &rows {
                for &f in &r.features {
                    if let Some(x) = n_of.get_mut(f as usize) {
                        *x += r.count as u32;
                    }
                }
            }
            cal.effect_strength = e;
            for (&(a, c), &id) in &feature_of {
                let (Some(name), Some(value)) = (t.attributes.get(a), t.values.get(a).and_then(|v| v.get(c as usize - 1))) else {
                    continue;
                };
                let b = beta.get(id as usize).copied().unwrap_or(0.0);
                if b.abs() < 1e-4 {
                    continue;
                }
                cal.effects.push(Effect {
                    attribute: name.clone(),
                    value: value.clone(),
                    effect: b,
                    n: n_of.get(id as usize).copied().unwrap_or(0),
                });
            }
            cal.effects.sort_by(|x, y| x.attribute.cmp(&y.attribute).then(x.value.cmp(&y.value)));
        }
    }
    // 3. Seller bias and 4. skill.
    seller_bias(t, &mut cal);
    cal.skills = skills(process, t, &finals);
    Ok(cal)
}

/// Chooses the L2 strength of attribute effects (in equivalent deals) by
/// deterministic 5-fold cross-validation: each aggregated row's count is
/// split evenly over the folds. `None` means no effect beats the state rate
/// alone on held-out log loss.
fn choose_strength(rows: &[Row], nf: usize) -> Option<f64> {
    const K: usize = 5;
    let share = |k: usize, r: &Row, fold: usize| -> f64 {
        // Deals of aggregated row k spread over folds, starting at fold k % K.
        let c = r.count as usize;
        let pos = (fold + K - k % K) % K;
        ((c + K - 1 - pos) / K) as f64
    };
    let zero = vec![0.0; nf];
    let mut base = 0.0;
    for fold in 0..K {
        base += stats::log_loss(rows, &zero, &|k, r| share(k, r, fold)).0;
    }
    let mut best: Option<(f64, f64)> = None;
    for &e in &EFFECT_GRID {
        let mut loss = 0.0;
        for fold in 0..K {
            let beta = stats::fit_logistic(rows, nf, e / 4.0, &|k, r| r.count - share(k, r, fold));
            loss += stats::log_loss(rows, &beta, &|k, r| share(k, r, fold)).0;
        }
        if loss < base && best.map_or(true, |(l, _)| loss < l) {
            best = Some((loss, e));
        }
    }
    best.map(|(_, e)| e)
}

/// Fits `won ~ a + b * logit(p)` with a ridge pulling (a, b) toward `to`.
fn recalibrate(rows: &[(f64, bool, f64)], to: (f64, f64), lambda: f64) -> (f64, f64) {
    let (mut a, mut b) = to;
    for _ in 0..50 {
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
        a -= da.clamp(-2.0, 2.0);
        b -= db.clamp(-2.0, 2.0);
        if da.abs().max(db.abs()) < 1e-9 {
            break;
        }
    }
    (a, b)
}

fn seller_bias(t: &Table, cal: &mut Calibration) {
    // (seller code, probability bits, won) -> count
    let mut agg: BTreeMap<(u32, u64, bool), u32> = BTreeMap::new();
    for r in 0..t.len() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        let p = t.seller_probability.get(r).copied().unwrap_or(f64::NAN);
        if out > 1 || p.is_nan() {
            continue;
        }
        *agg.entry((t.seller.get(r).copied().unwrap_or(0), p.to_bits(), out == 1)).or_insert(0) += 1;
    }
    if agg.is_empty() {
        return;
    }
    let rows_of = |s: Option<u32>| -> Vec<(f64, f64, bool, f64)> {
        agg.iter()
            .filter(|((code, _, _), _)| s.map_or(true, |s| *code == s))
            .map(|(&(_, bits, won), &c)| {
                let p = f64::from_bits(bits);
                (p, stats::logit(p.clamp(0.01, 0.99)), won, f64::from(c))
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
    cal.seller_bias.sort_by(|x, y| x.seller.cmp(&y.seller));
}

fn skills(process: &Process, t: &Table, finals: &[(u64, bool)]) -> Vec<SkillCount> {
    let mut agg: BTreeMap<(u32, usize), (u32, u32)> = BTreeMap::new();
    for (r, &(reached, _)) in finals.iter().enumerate() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        let s = t.seller.get(r).copied().unwrap_or(0);
        if out > 1 || s == 0 {
            continue;
        }
        for i in members(reached) {
            let further = out == 1 || reached >> i > 1;
            let e = agg.entry((s, i)).or_insert((0, 0));
            e.0 += 1;
            e.1 += u32::from(further);
        }
    }
    let mut out: Vec<SkillCount> = agg
        .into_iter()
        .filter_map(|((s, i), (n, adv))| {
            Some(SkillCount {
                seller: t.sellers.get(s as usize - 1)?.clone(),
                milestone: process.id(i).to_string(),
                reached: n,
                advanced: adv,
            })
        })
        .collect();
    out.sort_by(|x, y| x.seller.cmp(&y.seller).then(process.find(&x.milestone).cmp(&process.find(&y.milestone))));
    out
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
#[serde(rename_all = "camelCase")]
pub struct SellerSkill {
    pub seller: String,
    pub milestones: Vec<MilestoneSkill>,
}

/// Per seller (sorted by name) and milestone (process order): conversion
/// from the milestone onward, shrunk toward the team. Empty without a
/// calibration.
pub fn skill_profile(process: &Process) -> Vec<SellerSkill> {
    let Some(c) = process.model.calibration.as_ref() else {
        return Vec::new();
    };
    let mut team: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for s in &c.skills {
        let e = team.entry(s.milestone.as_str()).or_insert((0.0, 0.0));
        e.0 += f64::from(s.reached);
        e.1 += f64::from(s.advanced);
    }
    let mut out: Vec<SellerSkill> = Vec::new();
    for s in &c.skills {
        let (tn, ta) = team.get(s.milestone.as_str()).copied().unwrap_or((0.0, 0.0));
        let team_rate = (ta + 1.0) / (tn + 2.0);
        let a = f64::from(s.advanced) + SKILL_STRENGTH * team_rate;
        let b = f64::from(s.reached - s.advanced) + SKILL_STRENGTH * (1.0 - team_rate);
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
