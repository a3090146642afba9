//! Seller x milestone skill: how often each seller's deals go on from each
//! milestone, against the team; and a seller's estimate corrected by their
//! learned bias.

use super::*;

pub(super) fn skills(process: &Process, t: &Table, finals: &[(u64, bool)]) -> Vec<SkillCount> {
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
pub fn correct_seller_probability(fitted: Option<&Fitted>, seller: Option<&str>, p: f64) -> Result<f64> {
    let p = error::probability("probability", p)?;
    Ok(match fitted.and_then(|f| f.bias(seller)) {
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
