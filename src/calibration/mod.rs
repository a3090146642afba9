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
//! one (`crate::pipelines`, above scoring).
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
//! # Files
//! [`data`] the calibration as plain data; [`table`] closed deals
//! aggregated for fitting; [`fitted`] the compiled calibration a model
//! scores with; [`fit`] fitting it; [`skills`] seller x milestone skill;
//! [`additive`] milestone terms and pairs; [`leakage`] the guard;
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

pub mod data;
pub mod fit;
pub mod fitted;
pub mod leakage;
pub mod skills;
pub mod table;
pub use data::*;
pub use fit::*;
pub use fitted::*;
pub use skills::*;
pub use table::*;

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::scorer::Scorer;
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

    fn calibrated() -> Scorer {
        let p = Scorer::new(default_model()).unwrap();
        Scorer::new(calibrate(&p, &history(), &CalibrateOptions::default()).unwrap()).unwrap()
    }

    #[test]
    fn dated_deals_are_paths_undated_ones_snapshots() {
        let p = Scorer::new(default_model()).unwrap();
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
        let s = score_deal(&p, &d).unwrap();
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
        let q = Scorer::new(back).unwrap();
        assert_eq!(score_deal(&q, &d).unwrap(), s);
        // Deterministic.
        assert_eq!(calibrated().into_process().model, p.model);
    }

    #[test]
    fn columnar_and_object_calibrations_agree() {
        let p = Scorer::new(default_model()).unwrap();
        let h = history();
        let t = Table::from_deals(&p, &h, Paths::Auto).unwrap();
        let mut c = calibrate_table(&p, &t).unwrap();
        c.paths = Paths::Auto;
        assert_eq!(Some(c), calibrate(&p, &h, &CalibrateOptions::default()).unwrap().calibration);
        let scored = crate::evaluation::score_table(&calibrated(), &t).unwrap();
        let one = score_deal(&calibrated(), &h[3]).unwrap();
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
        let base = Scorer::new(default_model()).unwrap();
        let cv = crate::cross_validate(&base, &history(), 5, &CalibrateOptions::default()).unwrap();
        assert_eq!((cv.n, cv.folds.len()), (700, 5));
        assert!(cv.brier < cv.versus.priors.brier, "{} vs {}", cv.brier, cv.versus.priors.brier);
        assert!(crate::cross_validate(&base, &history(), 1, &CalibrateOptions::default()).is_err());
    }

    #[test]
    fn little_history_says_so() {
        let p = Scorer::new(default_model()).unwrap();
        let h: Vec<Deal> = (0..10).map(|i| deal(i, &LADDER[..2], false, i % 2 == 0)).collect();
        let q = Scorer::new(calibrate(&p, &h, &CalibrateOptions::default()).unwrap()).unwrap();
        let s = score_deal(&q, &deal(0, &LADDER[..2], false, false)).unwrap();
        assert_eq!(s.source, "prior");
        assert!(s.reasons.contains(&crate::probability::Reason::InsufficientHistory { deals: 10, needed: MIN_HISTORY }), "{:?}", s.reasons);
    }

    #[test]
    fn seller_bias_is_learned_and_corrects() {
        let p = calibrated();
        let c = p.model.calibration.as_ref().unwrap();
        let ann = c.seller_bias.iter().find(|b| b.seller == "Ann").unwrap();
        assert!(ann.stated - ann.corrected > 0.2, "{ann:?}");
        let fixed = correct_seller_probability(p.fitted(), Some("Ann"), 0.9).unwrap();
        assert!(fixed < 0.7, "{fixed}");
        assert!(correct_seller_probability(p.fitted(), Some("Ann"), 1.5).is_err());
        let skills = skill_profile(&p);
        assert_eq!(skills.len(), 2);
        assert!(skills[0].milestones.iter().all(|m| m.rate > 0.0 && m.rate < 1.0 && m.interval[0] <= m.rate));
    }

    #[test]
    fn bad_history_and_bad_calibrations_are_named() {
        let p = Scorer::new(default_model()).unwrap();
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

        let good = calibrated().into_process().model;
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().effects[0].effect = f64::NAN;
        assert_eq!(Scorer::new(m).unwrap_err().to_string(), "calibration.effects[0].effect: must be a finite number");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().states[1].reached[0] = "nope".into();
        assert_eq!(Scorer::new(m).unwrap_err().to_string(), "calibration.states[1].reached[0]: unknown milestone \"nope\"");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().states[0].won = 1_000_000;
        assert_eq!(Scorer::new(m).unwrap_err().path, "calibration.states[0].won");
        let mut m = good.clone();
        m.calibration.as_mut().unwrap().seller_bias[0].stated = 2.0;
        assert_eq!(Scorer::new(m).unwrap_err().path, "calibration.sellerBias[0].stated");
        let mut m = good;
        let dup = m.calibration.as_ref().unwrap().states[0].clone();
        m.calibration.as_mut().unwrap().states.push(dup);
        assert!(Scorer::new(m).unwrap_err().to_string().contains("duplicate state"));
    }

    #[test]
    fn bad_tables_are_named() {
        let p = Scorer::new(default_model()).unwrap();
        let mut t = Table::from_deals(&p, &history(), Paths::Auto).unwrap();
        t.steps[2] = 99;
        assert_eq!(calibrate_table(&p, &t).unwrap_err().to_string(), "steps[2]: no milestone has index 99");
        let mut t = Table::from_deals(&p, &history(), Paths::Auto).unwrap();
        t.codes[0] = 50;
        assert_eq!(calibrate_table(&p, &t).unwrap_err().path, "codes[0]");
        t.codes.pop();
        assert_eq!(calibrate_table(&p, &t).unwrap_err().path, "codes");
    }

    /// Salvirt's 365 distinct real deals (../shared/data, read as
    /// tests/salvirt.rs does: qualification facts as undated milestones,
    /// the other columns as attributes); `None` when the data is absent.
    fn salvirt() -> Option<(Scorer, Vec<Deal>)> {
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
        let p = Scorer::new(ProcessModel { milestones, base_probability: None, calibration: None }).unwrap();
        Some((p, deals))
    }

    /// A calibrated model is written as serde wrote it, reads back (by hand
    /// and by serde) to the same model, and scores every deal the same.
    fn round_trips(m: &ProcessModel, deals: &[Deal]) {
        let back = json_round_trip(m);
        assert_eq!(&back, m);
        let (p, q) = (Scorer::new(m.clone()).unwrap(), Scorer::new(back).unwrap());
        for d in deals {
            let open = Deal { status: Status::Open, ..d.clone() };
            assert_eq!(score_deal(&p, &open).unwrap(), score_deal(&q, &open).unwrap());
        }
        let skills = skill_profile(&p);
        camel_json(&skills);
        assert_eq!(skills, skill_profile(&q));
    }

    #[test]
    fn calibrated_models_write_json_and_read_back_exactly() {
        let h = history();
        let m = calibrated().into_process().model;
        let c = m.calibration.as_ref().unwrap();
        assert!(c.team_bias.is_some() && !c.effects.is_empty() && !c.seller_bias.is_empty() && !c.skills.is_empty());
        assert!(c.states.iter().any(|s| !s.out_of_order) && !skill_profile(&calibrated()).is_empty());
        round_trips(&m, &h);
        let p = Scorer::new(default_model()).unwrap();
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
        let c = calibrated().into_process().model.calibration.unwrap();
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
        let good = serde_json::to_value(calibrated().into_process().model).unwrap();
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
        let good = calibrated().into_process().model;
        let through = |m: &ProcessModel| Scorer::new(m.clone()).unwrap_err().to_string();
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
        assert!(Scorer::new(m).unwrap().fitted().is_none());
    }
}
