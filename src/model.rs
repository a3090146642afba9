//! The process model: buyer-verifiable milestones in process order, which of
//! them are mandatory (and so ordered), which optional steps depend on which,
//! and the prior probability each one carries until history calibrates it.

use serde::{Deserialize, Serialize};

use crate::bitset::{bit, members};
use crate::error::{self, Error, Result};

/// Most milestones a model may have: a deal's state is a 64-bit set.
pub const MAX_MILESTONES: usize = 64;
/// Longest milestone id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest label or free-text field, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Probability of a deal with no milestone, when the model does not say.
pub const DEFAULT_BASE_PROBABILITY: f64 = 0.05;
/// Prior given to the end of the process when no milestone states one.
const DEFAULT_END_PROBABILITY: f64 = 0.9;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    pub id: String,
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub label: String,
    #[serde(default, deserialize_with = "crate::error::null_default")]
    pub mandatory: bool,
    /// Milestones that must come before this one.
    #[serde(default, deserialize_with = "crate::error::null_default", skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Prior probability of winning once this milestone is reached in good
    /// standing. Missing priors are interpolated along the process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ProcessModel {
    pub milestones: Vec<Milestone>,
    /// Probability of a deal before any milestone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_probability: Option<f64>,
    /// What history taught (see `calibration`); absent until calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::calibration::data::Calibration>,
}

/// A validated model, with its lookups precomputed. Everything that scores
/// takes a `Process`, so a model is checked once, not once per deal.
#[derive(Clone, Debug)]
pub struct Process {
    pub model: ProcessModel,
    index: crate::order::Lookup,
    /// Bit set of each milestone's direct `after` prerequisites.
    after: Vec<u64>,
    /// Bit set of the mandatory milestones listed before each milestone.
    mandatory_before: Vec<u64>,
    mandatory: u64,
    /// Effective prior of each milestone (interpolated, then made
    /// non-decreasing along the mandatory ladder).
    ladder: Vec<f64>,
    base: f64,
}

impl Process {
    pub fn new(model: ProcessModel) -> Result<Process> {
        let ms = &model.milestones;
        if ms.is_empty() {
            return Err(Error::coded("milestones", error::ErrorCode::Required, "must list at least one milestone"));
        }
        error::at_most("milestones", ms, MAX_MILESTONES, "milestones")?;
        let base = match model.base_probability {
            Some(p) => error::probability("baseProbability", p)?,
            None => DEFAULT_BASE_PROBABILITY,
        };
        for (i, m) in ms.iter().enumerate() {
            let path = error::index("milestones", i);
            if m.id.trim().is_empty() {
                return Err(Error::coded(error::join(&path, "id"), error::ErrorCode::Required, "must not be empty"));
            }
            error::text(&error::join(&path, "id"), &m.id, MAX_ID_CHARS)?;
            error::text(&error::join(&path, "label"), &m.label, MAX_TEXT_CHARS)?;
            if let Some(p) = m.probability {
                error::probability(&error::join(&path, "probability"), p)?;
            }
            if ms.iter().take(i).any(|o| o.id == m.id) {
                return Err(Error::coded(
                    error::join(&path, "id"),
                    error::ErrorCode::Duplicate,
                    format!("duplicate milestone id \"{}\"", m.id),
                ));
            }
        }
        let index = crate::order::Lookup::new(ms.iter().map(|m| m.id.clone()).collect());
        let mut after = vec![0u64; ms.len()];
        let mut mandatory = 0u64;
        let mut mandatory_before = vec![0u64; ms.len()];
        for (i, m) in ms.iter().enumerate() {
            if let Some(slot) = mandatory_before.get_mut(i) {
                *slot = mandatory;
            }
            if m.mandatory {
                mandatory |= bit(i);
            }
            error::at_most(&format!("milestones[{i}].after"), &m.after, MAX_MILESTONES, "prerequisites")?;
            for (k, a) in m.after.iter().enumerate() {
                let path = format!("milestones[{i}].after[{k}]");
                let Some(j) = index.get(a) else {
                    return Err(error::unknown_milestone(path, a));
                };
                if j == i {
                    return Err(Error::coded(path, error::ErrorCode::Cycle, "a milestone cannot come after itself"));
                }
                if m.mandatory && j > i && ms.get(j).is_some_and(|o| o.mandatory) {
                    return Err(Error::coded(
                        path,
                        error::ErrorCode::Cycle,
                        format!("\"{a}\" is a later mandatory milestone, so this order is impossible"),
                    ));
                }
                if let Some(slot) = after.get_mut(i) {
                    *slot |= bit(j);
                }
            }
        }
        if let Some(i) = find_cycle(&after) {
            return Err(Error::coded(
                format!("milestones[{i}].after"),
                error::ErrorCode::Cycle,
                "the `after` prerequisites form a cycle",
            ));
        }
        let ladder = ladder(ms, base);
        Ok(Process { model, index, after, mandatory_before, mandatory, ladder, base })
    }

    pub fn len(&self) -> usize {
        self.model.milestones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.model.milestones.is_empty()
    }

    pub fn milestone(&self, i: usize) -> Option<&Milestone> {
        self.model.milestones.get(i)
    }

    pub fn id(&self, i: usize) -> &str {
        self.milestone(i).map_or("", |m| m.id.as_str())
    }

    /// Label, falling back to the id.
    pub fn label(&self, i: usize) -> &str {
        match self.milestone(i) {
            Some(m) if !m.label.is_empty() => &m.label,
            Some(m) => &m.id,
            None => "",
        }
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id)
    }

    pub fn is_mandatory(&self, i: usize) -> bool {
        self.mandatory & bit(i) != 0
    }

    pub fn mandatory_set(&self) -> u64 {
        self.mandatory
    }

    /// Direct `after` prerequisites of milestone `i`.
    pub fn after(&self, i: usize) -> u64 {
        self.after.get(i).copied().unwrap_or(0)
    }

    /// Mandatory milestones listed before milestone `i`.
    pub fn mandatory_before(&self, i: usize) -> u64 {
        self.mandatory_before.get(i).copied().unwrap_or(0)
    }

    /// What must be reached before `i` counts in good standing: its `after`
    /// prerequisites and, for a mandatory milestone, every mandatory one
    /// listed before it.
    pub fn required_before(&self, i: usize) -> u64 {
        let own = self.after(i);
        if self.is_mandatory(i) {
            own | self.mandatory_before(i)
        } else {
            own
        }
    }

    /// Effective prior of milestone `i`.
    pub fn prior(&self, i: usize) -> f64 {
        self.ladder.get(i).copied().unwrap_or(self.base)
    }

    /// The ids of the milestones in `set`, in process order.
    pub fn ids(&self, set: u64) -> Vec<String> {
        members(set).map(|i| self.id(i).to_string()).collect()
    }

    pub fn base(&self) -> f64 {
        self.base
    }

    /// All milestone indices, in process order.
    pub fn indices(&self) -> std::ops::Range<usize> {
        0..self.len()
    }
}

/// Returns a milestone on a cycle of `after` edges, if there is one.
fn find_cycle(after: &[u64]) -> Option<usize> {
    // Kahn's algorithm: repeatedly remove milestones whose prerequisites
    // are all removed; whatever is left sits on or behind a cycle.
    let n = after.len();
    let mut done = 0u64;
    let all = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    loop {
        let mut progressed = false;
        for (i, &pre) in after.iter().enumerate() {
            if done & bit(i) == 0 && pre & !done == 0 {
                done |= bit(i);
                progressed = true;
            }
        }
        if done == all {
            return None;
        }
        if !progressed {
            return members(all & !done).next();
        }
    }
}

/// Fills missing priors by linear interpolation along the process (from the
/// base probability before the first milestone to 0.9 after the last), then
/// makes the mandatory ladder non-decreasing: a milestone is never worth less
/// than the mandatory milestones before it.
fn ladder(ms: &[Milestone], base: f64) -> Vec<f64> {
    let n = ms.len();
    let mut filled: Vec<f64> = Vec::with_capacity(n);
    let mut prev = (-1.0f64, base);
    for (i, m) in ms.iter().enumerate() {
        if let Some(p) = m.probability {
            filled.push(p);
            prev = (i as f64, p);
            continue;
        }
        let next = ms
            .iter()
            .enumerate()
            .skip(i + 1)
            .find_map(|(j, o)| o.probability.map(|p| (j as f64, p)))
            .unwrap_or((n as f64, DEFAULT_END_PROBABILITY.max(prev.1)));
        let t = (i as f64 - prev.0) / (next.0 - prev.0);
        filled.push(prev.1 + t * (next.1 - prev.1));
    }
    let mut floor = base;
    let mut out = Vec::with_capacity(n);
    for (m, p) in ms.iter().zip(filled) {
        let eff = p.max(floor);
        if m.mandatory {
            floor = eff;
        }
        out.push(eff);
    }
    out
}

/// The built-in process model: buyer-verifiable milestones, each one a thing
/// the customer did or can confirm, in process order.
pub fn default_model() -> ProcessModel {
    let m = |id: &str, label: &str, mandatory: bool, after: &[&str], p: f64| Milestone {
        id: id.to_string(),
        label: label.to_string(),
        mandatory,
        after: after.iter().map(|s| s.to_string()).collect(),
        probability: Some(p),
    };
    ProcessModel {
        milestones: vec![
            m("need_confirmed", "Need confirmed by the customer", true, &[], 0.10),
            m("mobilizer_met", "Mobilizer identified and met", true, &[], 0.18),
            m("decision_process_mapped", "Decision process mapped with the customer", false, &["mobilizer_met"], 0.26),
            m("budget_confirmed", "Budget confirmed by the customer", false, &["need_confirmed"], 0.30),
            m("solution_presented", "Solution presented to the decision group", true, &[], 0.40),
            m("proposal_requested", "Proposal requested by the customer", true, &[], 0.55),
            m("verbal_yes", "Verbal yes from the decision maker", true, &[], 0.82),
            m("contract_signed", "Contract signed", true, &[], 0.97),
        ],
        base_probability: Some(DEFAULT_BASE_PROBABILITY),
        calibration: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;

    fn ms(spec: &[(&str, bool, &[&str], Option<f64>)]) -> ProcessModel {
        ProcessModel {
            milestones: spec
                .iter()
                .map(|(id, mandatory, after, p)| Milestone {
                    id: id.to_string(),
                    label: String::new(),
                    mandatory: *mandatory,
                    after: after.iter().map(|s| s.to_string()).collect(),
                    probability: *p,
                })
                .collect(),
            base_probability: None,
            calibration: None,
        }
    }

    #[test]
    fn default_model_is_valid_and_ordered() {
        let p = Process::new(default_model()).unwrap();
        assert_eq!(p.len(), 8);
        let mand: Vec<f64> = p.indices().filter(|&i| p.is_mandatory(i)).map(|i| p.prior(i)).collect();
        assert!(mand.windows(2).all(|w| w[0] < w[1]), "{mand:?}");
        assert_eq!(p.label(0), "Need confirmed by the customer");
    }

    #[test]
    fn rejects_duplicates_unknowns_cycles_and_bad_priors() {
        let e = Process::new(ms(&[("a", true, &[], None), ("a", true, &[], None)])).unwrap_err();
        assert_eq!(e.to_string(), "milestones[1].id: duplicate milestone id \"a\"");
        let e = Process::new(ms(&[("a", true, &["x"], None)])).unwrap_err();
        assert_eq!(e.to_string(), "milestones[0].after[0]: unknown milestone \"x\"");
        let e = Process::new(ms(&[("a", false, &["b"], None), ("b", false, &["a"], None)])).unwrap_err();
        assert!(e.to_string().contains("cycle"), "{e}");
        let e = Process::new(ms(&[("a", true, &[], Some(1.5))])).unwrap_err();
        assert_eq!(e.to_string(), "milestones[0].probability: must be a number between 0 and 1");
        let e = Process::new(ms(&[("a", true, &[], Some(f64::NAN))])).unwrap_err();
        assert_eq!(e.path, "milestones[0].probability");
        let e = Process::new(ms(&[("a", true, &["b"], None), ("b", true, &[], None)])).unwrap_err();
        assert!(e.to_string().contains("impossible"), "{e}");
        assert!(Process::new(ProcessModel::default()).is_err());
        let many: Vec<(String, bool)> = (0..65).map(|i| (format!("m{i}"), false)).collect();
        let model = ProcessModel {
            milestones: many
                .iter()
                .map(|(id, m)| Milestone { id: id.clone(), label: String::new(), mandatory: *m, after: vec![], probability: None })
                .collect(),
            base_probability: None,
            calibration: None,
        };
        assert!(Process::new(model).unwrap_err().to_string().contains("at most 64"));
    }

    #[test]
    fn missing_priors_are_interpolated_and_ladder_never_falls() {
        let p = Process::new(ms(&[
            ("a", true, &[], Some(0.2)),
            ("b", true, &[], None),
            ("c", true, &[], Some(0.6)),
            ("d", true, &[], Some(0.5)),
        ]))
        .unwrap();
        assert!((p.prior(1) - 0.4).abs() < 1e-12);
        assert!((p.prior(3) - 0.6).abs() < 1e-12, "a later mandatory milestone is never worth less");
        let q = Process::new(ms(&[("a", true, &[], None), ("b", true, &[], None)])).unwrap();
        assert!(q.prior(0) > q.base() && q.prior(1) > q.prior(0) && q.prior(1) < 1.0);
    }
}
