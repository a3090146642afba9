//! The leakage guard: outcome information that got into a history's
//! milestones or attributes (a CRM preset that turned "Closed won" into
//! every milestone, a "loss reason" attribute) makes calibration read the
//! outcome back, and the scoreboard then shows a Brier score near 0. Real
//! teams never see that, so the guard looks for it before anything is
//! learned, reports it by name in `Calibration::warnings`, and keeps it out
//! of the model.
//!
//! # What is flagged
//! * **A milestone or attribute value (almost) only won, or only lost,
//!   deals have.** Among the closed deals that reached the milestone (or
//!   carry the value), at most 1% have the other outcome ([`LEAK_PURITY`]),
//!   *and* there are enough of them that a neutral feature would have shown
//!   at least [`LEAK_EXPECTED`] deals with the other outcome (its deals
//!   times the other outcome's share of the history). The second condition
//!   makes the test independent of the base rate and of chance: a neutral
//!   value seen on 40 deals of a team that wins 25% has 0 wins with
//!   probability 0.75^40 < 1e-5. A real late stage ("contract sent", "verbal
//!   yes") wins 80-95% of the time, not 99%+; a stage that does is an
//!   outcome, which belongs in `status`, not in the milestones.
//!   For an attribute, both each value and "has any value" are tested (a
//!   "loss reason" spread over ten values is caught by the latter).
//! * **An implausibly good fit.** The leave-one-out Brier score of the
//!   learned state rates, on the rows evaluation scores (every state a
//!   dated deal passed through, the final state of a snapshot), expressed
//!   as skill over the base rate's Brier, `1 - brier / (p (1 - p))`. A
//!   skill of [`LEAK_SKILL`] (0.9) or more is flagged: at a base rate of
//!   25% it means a Brier below 0.019, at 50% below 0.025. A skill floor is
//!   used rather than a fixed Brier floor such as 0.02, which any model
//!   passes when the base rate is below 2%. Real histories end far below
//!   the floor: measured here (tests/salvirt.rs, tests/maven.rs), the state
//!   rates' leave-one-out skill is 0.13 on Salvirt's 365 real deals (Brier
//!   0.216 against 0.249; with attribute effects its 10-fold Brier is 0.168,
//!   a skill of 0.33) and 0.00 on the Maven CRM data (no signal); a
//!   history whose states give the outcome away reaches 1.0.
//!
//! # What the model does with it
//! * A flagged milestone is **ignored by the learned state table**: every
//!   closed deal is counted as if that milestone had never been ticked (its
//!   step is removed before states are formed, so it is in no state, no
//!   back-off group and no out-of-order judgement), and a calibrated model
//!   scores a deal the same way (`Calibration::ignored_milestones`, applied
//!   by `Fitted::estimate` and [`view`]). The deal still lists it as
//!   reached; it just does not move the number. On the model's priors
//!   (uncalibrated) nothing changes.
//! * A flagged attribute is **left out of the effects**, all its values
//!   (the other values of a leaky column carry the same information).
//! * An implausible Brier is reported only: the guard cannot tell which
//!   combination of milestones carries the outcome. It is measured after
//!   the exclusions above, so it reports what is still wrong.
//!
//! Histories with fewer than `MIN_HISTORY` closed deals are not inspected:
//! the calibration is then "insufficient" and not used anyway.

use serde::{Deserialize, Serialize};

use super::{states_of, state_key, tally, Calibration, Leaked, Slots, Table, Warning, MIN_HISTORY};
use crate::deal::DealState;
use crate::error::Result;
use crate::bitset::{bit, members};
use crate::model::Process;

/// A milestone or attribute value is leaky when at least this share of the
/// closed deals that have it had the same outcome.
pub const LEAK_PURITY: f64 = 0.99;
/// ... and a neutral feature on that many deals would have shown at least
/// this many deals with the other outcome.
pub const LEAK_EXPECTED: f64 = 10.0;
/// Leave-one-out skill over the base rate (1 - Brier / base-rate Brier)
/// from which the fit is implausible.
pub const LEAK_SKILL: f64 = 0.9;


/// The outcome a feature gives away, if any: `(won, lost)` closed deals
/// have it, of `won_total` and `lost_total`.
fn leaks(won: f64, lost: f64, won_total: f64, lost_total: f64) -> Option<Leaked> {
    let n = won + lost;
    let total = won_total + lost_total;
    if n <= 0.0 || total <= 0.0 {
        return None;
    }
    let slack = (1.0 - LEAK_PURITY) * n;
    if lost <= slack && n * lost_total / total >= LEAK_EXPECTED {
        Some(Leaked::Won)
    } else if won <= slack && n * won_total / total >= LEAK_EXPECTED {
        Some(Leaked::Lost)
    } else {
        None
    }
}

/// Counts one deal in `[won, lost]`.
fn add(c: &mut [f64; 2], won: bool) {
    if won {
        c[0] += 1.0;
    } else {
        c[1] += 1.0;
    }
}

/// The share `k / total` (0 for an empty total).
fn share(k: f64, total: f64) -> f64 {
    if total > 0.0 {
        k / total
    } else {
        0.0
    }
}

/// What the guard decided on a table, before fitting.
struct Findings {
    ignored: u64,
    /// Attribute columns left out of the effects.
    dropped: Vec<bool>,
    warnings: Vec<Warning>,
}

fn inspect(process: &Process, t: &Table) -> Findings {
    let na = t.attributes.len();
    let mut f = Findings { ignored: 0, dropped: vec![false; na], warnings: Vec::new() };
    let (mut won_total, mut lost_total) = (0.0, 0.0);
    // Per milestone, per (column, code) and per column: [won, lost].
    let mut by_milestone = vec![[0.0f64; 2]; process.len()];
    let mut by_value: Vec<Vec<[f64; 2]>> = t.values.iter().map(|v| vec![[0.0; 2]; v.len()]).collect();
    let mut by_column = vec![[0.0f64; 2]; na];
    for r in 0..t.len() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            continue;
        }
        let won = out == 1;
        if out == 1 {
            won_total += 1.0;
        } else {
            lost_total += 1.0;
        }
        let reached = t.steps_of(r).iter().fold(0u64, |acc, &s| acc | bit(usize::from(s)));
        for i in members(reached) {
            if let Some(c) = by_milestone.get_mut(i) {
                add(c, won);
            }
        }
        for a in 0..na {
            let code = t.codes.get(r * na + a).copied().unwrap_or(0) as usize;
            if code == 0 {
                continue;
            }
            if let Some(c) = by_value.get_mut(a).and_then(|v| v.get_mut(code - 1)) {
                add(c, won);
            }
            if let Some(c) = by_column.get_mut(a) {
                add(c, won);
            }
        }
    }
    if won_total + lost_total < f64::from(MIN_HISTORY) {
        return f;
    }
    let found = |[w, l]: [f64; 2]| leaks(w, l, won_total, lost_total).map(|o| (o, (w + l) as u32, share(w, won_total), share(l, lost_total)));
    for (i, &c) in by_milestone.iter().enumerate() {
        if let Some((outcome, deals, won_share, lost_share)) = found(c) {
            f.ignored |= bit(i);
            f.warnings.push(Warning::LeakyMilestone {
                milestone: process.id(i).to_string(),
                outcome,
                deals,
                won_share,
                lost_share,
                excluded: true,
            });
        }
    }
    for a in 0..na {
        let name = t.attributes.get(a).cloned().unwrap_or_default();
        let before = f.warnings.len();
        for (code, &c) in by_value.get(a).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
            if let Some((outcome, deals, won_share, lost_share)) = found(c) {
                let value = t.values.get(a).and_then(|v| v.get(code)).cloned();
                f.warnings.push(Warning::LeakyAttribute { attribute: name.clone(), value, outcome, deals, won_share, lost_share, excluded: true });
            }
        }
        if f.warnings.len() == before {
            if let Some((outcome, deals, won_share, lost_share)) = by_column.get(a).copied().and_then(found) {
                f.warnings.push(Warning::LeakyAttribute { attribute: name, value: None, outcome, deals, won_share, lost_share, excluded: true });
            }
        }
        if f.warnings.len() > before {
            if let Some(d) = f.dropped.get_mut(a) {
                *d = true;
            }
        }
    }
    f
}

/// The table without the ignored milestones' steps and with the dropped
/// attribute columns emptied.
fn cleaned(t: &Table, ignored: u64, dropped: &[bool]) -> Table {
    let mut x = t.clone();
    if ignored != 0 {
        x.steps.clear();
        x.offsets.clear();
        x.offsets.push(0);
        for r in 0..t.len() {
            x.steps.extend(t.steps_of(r).iter().filter(|&&s| ignored & bit(usize::from(s)) == 0));
            x.offsets.push(u32::try_from(x.steps.len()).unwrap_or(u32::MAX));
        }
    }
    let na = t.attributes.len();
    if na > 0 && dropped.contains(&true) {
        for (k, c) in x.codes.iter_mut().enumerate() {
            if dropped.get(k % na) == Some(&true) {
                *c = 0;
            }
        }
    }
    x
}

/// Calibrates a table behind the guard (see the module doc).
pub(super) fn calibrate_guarded(process: &Process, t: &Table, fit: fn(&Process, &Table) -> Result<Calibration>) -> Result<Calibration> {
    t.check(process)?;
    let f = inspect(process, t);
    let clean;
    let t = if f.ignored != 0 || f.dropped.contains(&true) {
        clean = cleaned(t, f.ignored, &f.dropped);
        &clean
    } else {
        t
    };
    let mut c = fit(process, t)?;
    c.ignored_milestones = process.ids(f.ignored);
    c.warnings = f.warnings;
    if c.deals >= MIN_HISTORY {
        if let Some(w) = implausible_fit(process, t, &c)? {
            c.warnings.push(w);
        }
    }
    Ok(c)
}

/// How well the learned state rates predict the history, leave-one-out.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StateFit {
    /// Leave-one-out Brier score of the state rates (each scored row's own
    /// deal taken out of every level of its back-off chain).
    pub brier: f64,
    /// Brier score of the base rate on the same rows.
    pub base_brier: f64,
    /// `1 - brier / baseBrier` (0 when the base rate is 0 or 1).
    pub skill: f64,
    /// Rows scored: every state a dated deal passed through, the final
    /// state of a snapshot (as `evaluate` does).
    pub n: u32,
}

/// The leave-one-out fit of a calibration's state rates on a table's
/// closed rows (attribute effects left out).
pub fn state_fit(process: &Process, t: &Table, c: &Calibration) -> Result<StateFit> {
    let fitted = super::compile(process, c)?;
    // (state, outcome) -> scored rows.
    let mut slots = Slots::default();
    let mut counts: Vec<[f64; 2]> = Vec::new();
    let mut buf = Vec::new();
    let mut kept = Vec::new();
    let (mut n, mut won) = (0.0, 0.0);
    for r in 0..t.len() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            continue;
        }
        strip(t.steps_of(r), fitted.ignored(), &mut kept);
        states_of(process, &kept, t.ordered.get(r) == Some(&1), &mut buf);
        for &(reached, ooo) in &buf {
            tally(&mut slots, &mut counts, state_key(reached, ooo) | (u128::from(out) << 65), 1.0, 0.0);
            n += 1.0;
            won += f64::from(out);
        }
    }
    let p = share(won, n);
    let base = p * (1.0 - p);
    let mut brier = 0.0;
    for (key, slot) in slots.iter() {
        let y = (key >> 65) & 1 == 1;
        let (reached, ooo) = (key as u64, (key >> 64) & 1 == 1);
        let q = fitted.estimate(process, reached, ooo, Some(y), false).probability;
        let c = counts.get(slot).map_or(0.0, |c| c[0]);
        let e = q - if y { 1.0 } else { 0.0 };
        brier += c * e * e;
    }
    let brier = share(brier, n);
    let skill = if base > 0.0 { 1.0 - brier / base } else { 0.0 };
    Ok(StateFit { brier, base_brier: base, skill, n: n as u32 })
}

/// A warning when the state rates' leave-one-out skill reaches `LEAK_SKILL`.
fn implausible_fit(process: &Process, t: &Table, c: &Calibration) -> Result<Option<Warning>> {
    let f = state_fit(process, t, c)?;
    Ok((f.base_brier > 0.0 && f.skill >= LEAK_SKILL).then_some(Warning::ImplausibleBrier {
        brier: f.brier,
        base_brier: f.base_brier,
        skill: f.skill,
        max_skill: LEAK_SKILL,
        n: f.n,
    }))
}

/// A state as a calibration with `ignored` milestones sees it: those
/// milestones taken out of `reached`, and the order judged without them.
pub fn view(process: &Process, ignored: u64, st: &DealState) -> (u64, bool) {
    if ignored == 0 {
        return (st.reached, st.out_of_order != 0);
    }
    let reached = st.reached & !ignored;
    let mut so_far = 0u64;
    let mut ooo = false;
    for &i in st.sequence.iter().filter(|&&i| ignored & bit(i) == 0) {
        ooo |= process.required_before(i) & !so_far & reached != 0;
        so_far |= bit(i);
    }
    (reached, ooo)
}

/// The steps of a row without the `ignored` milestones (into `out`).
pub fn strip(steps: &[u8], ignored: u64, out: &mut Vec<u8>) {
    out.clear();
    out.extend(steps.iter().filter(|&&s| ignored & bit(usize::from(s)) == 0));
}
