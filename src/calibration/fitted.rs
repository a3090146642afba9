//! The compiled calibration a model scores with: the state back-off, the
//! learned terms, checked and indexed once when a model is loaded.

use super::*;

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
    /// Estimates already computed (no leave-one-out), by state, and whether
    /// with their interval: scoring many deals meets the same few states
    /// again and again (next steps too), and each interval costs two Beta
    /// quantiles by bisection.
    memo: std::cell::RefCell<BTreeMap<(u64, bool), (StateEstimate, bool)>>,
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

pub(super) fn key(level: usize, bits: u64) -> u128 {
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
    /// without leave-one-out are memoised per state (scoring many deals
    /// meets the same few states again and again). Without its interval an
    /// estimate has `[p, p]` or the memoised one.
    pub fn estimate(&self, process: &Process, reached: u64, ooo: bool, minus: Option<bool>, interval: bool) -> StateEstimate {
        let reached = reached & !self.ignored;
        if minus.is_some() {
            return self.compute(process, reached, ooo, minus, interval);
        }
        if let Some(&(e, full)) = self.memo.borrow().get(&(reached, ooo)) {
            if full || !interval {
                return e;
            }
        }
        let e = self.compute(process, reached, ooo, None, interval);
        self.memo.borrow_mut().insert((reached, ooo), (e, interval));
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
        return Err(Error::coded("won", error::ErrorCode::Exceeds { other: "deals" }, "must not exceed deals"));
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
            return Err(Error::coded(error::join(&p, "won"), error::ErrorCode::Exceeds { other: "n" }, "must not exceed n"));
        }
        if !seen.slot(state_key(reached, s.out_of_order)).1 {
            return Err(Error::coded(p, error::ErrorCode::Duplicate, "duplicate state"));
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
            return Err(error::unknown_milestone(error::join(&p, "milestone"), &s.milestone));
        }
        error::text(&error::join(&p, "seller"), &s.seller, crate::model::MAX_TEXT_CHARS)?;
        if s.advanced > s.reached {
            return Err(Error::coded(error::join(&p, "advanced"), error::ErrorCode::Exceeds { other: "reached" }, "must not exceed reached"));
        }
    }
    Ok(f)
}

pub(super) fn set_of(process: &Process, ids: &[String], path: &str) -> Result<u64> {
    let mut set = 0u64;
    for (k, id) in ids.iter().enumerate() {
        let Some(i) = process.find(id) else {
            return Err(error::unknown_milestone(error::index(path, k), id));
        };
        set |= bit(i);
    }
    Ok(set)
}
