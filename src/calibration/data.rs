//! The calibration as plain data: the counts and effects serialised inside a model as
//! `calibration`, and the options of a calibration.

use serde::{Deserialize, Serialize};

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

pub(super) fn is_zero(x: &f64) -> bool {
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

/// What the guard found, as data: the UI words it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Warning {
    /// Only won (or only lost) deals reached `milestone`: ignored by the
    /// state table.
    LeakyMilestone {
        milestone: String,
        /// The outcome the milestone gives away.
        outcome: Leaked,
        /// Closed deals that reached it.
        deals: u32,
        /// Share of the won deals, and of the lost deals, that reached it.
        won_share: f64,
        lost_share: f64,
        excluded: bool,
    },
    /// Only won (or only lost) deals have this value of `attribute` (or,
    /// without `value`, any value of it): the attribute gets no effect.
    LeakyAttribute {
        attribute: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        outcome: Leaked,
        deals: u32,
        won_share: f64,
        lost_share: f64,
        excluded: bool,
    },
    /// The learned state rates predict the history better than any real
    /// team's data allows.
    ImplausibleBrier {
        /// Leave-one-out Brier score of the state rates.
        brier: f64,
        /// Brier score of the base rate on the same rows.
        base_brier: f64,
        /// `1 - brier / baseBrier`.
        skill: f64,
        /// The floor: `LEAK_SKILL`.
        max_skill: f64,
        /// Rows scored (states).
        n: u32,
    },
}

/// The outcome a leaky milestone or attribute gives away.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Leaked {
    Won,
    Lost,
}
