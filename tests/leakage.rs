//! The leakage guard (`calibration::leakage`) on simulated CRM histories:
//! a HubSpot-like import where "Closed won" became every milestone, an
//! honest stage history with an outcome stage mapped as a milestone and an
//! outcome attribute, and a leak no single milestone shows. Real histories
//! (Salvirt, Maven) are checked for no warnings in tests/salvirt.rs and
//! tests/maven.rs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions, Leaked, Warning};
use stagecast::{cross_validate, score_deal, Deal, Event, Milestone, ProcessModel, Status};

const STAGES: [&str; 6] = [
    "appointment_scheduled",
    "qualified_to_buy",
    "presentation_scheduled",
    "decision_maker_bought_in",
    "contract_sent",
    "closed_won",
];

fn process() -> Scorer {
    let m = |id: &str| Milestone { id: id.into(), label: String::new(), mandatory: true, after: vec![], probability: None };
    Scorer::new(ProcessModel { milestones: STAGES.iter().map(|s| m(s)).collect(), base_probability: None, calibration: None }).unwrap()
}

/// A deterministic stream of uniforms in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` closed deals of a team: from each of the first five stages a deal
/// goes on with a known probability (lost deals die at every stage), then
/// wins after "contract sent" with 0.8; enterprise deals go on a little
/// less often. Returns (deal, stages reached among the first five, won).
fn team(n: usize, seed: u64) -> Vec<(Deal, usize, bool)> {
    let go_on = [0.75, 0.7, 0.65, 0.75, 0.8];
    let mut rng = Lcg(seed);
    (0..n)
        .map(|k| {
            let ent = rng.next() < 0.4;
            let mut reached = 1;
            while reached < 5 && rng.next() < go_on[reached - 1] - if ent { 0.1 } else { 0.0 } {
                reached += 1;
            }
            let won = reached == 5 && rng.next() < go_on[4];
            let mut d = Deal {
                id: format!("h{k}"),
                status: if won { Status::Won } else { Status::Lost },
                close_date: Some("2024-06-01".into()),
                ..Deal::default()
            };
            d.attributes.insert("segment".into(), if ent { "enterprise" } else { "smb" }.into());
            (d, reached, won)
        })
        .collect()
}

fn ev(m: &str, day: Option<usize>) -> Event {
    Event { milestone: m.into(), date: day.map(|d| format!("2024-{:02}-{:02}", 1 + d / 28, 1 + d % 28)) }
}

fn leaky_milestones(ws: &[Warning]) -> Vec<(&str, Leaked)> {
    ws.iter()
        .filter_map(|w| match w {
            Warning::LeakyMilestone { milestone, outcome, .. } => Some((milestone.as_str(), *outcome)),
            _ => None,
        })
        .collect()
}

#[test]
fn closed_won_as_every_milestone_is_named_and_gives_no_perfect_brier() {
    let p = process();
    // What the HubSpot preset did: a won deal got every milestone, a lost
    // deal none (no dates: the export has the current stage only).
    let history: Vec<Deal> = team(2000, 7)
        .into_iter()
        .map(|(mut d, _, won)| {
            if won {
                d.events = STAGES.iter().map(|s| ev(s, None)).collect();
            }
            d
        })
        .collect();
    let won = history.iter().filter(|d| d.status == Status::Won).count() as f64 / history.len() as f64;
    let m = calibrate(&p, &history, &CalibrateOptions::default()).unwrap();
    let c = m.calibration.as_ref().unwrap();
    let named = leaky_milestones(&c.warnings);
    assert_eq!(named, STAGES.iter().map(|s| (*s, Leaked::Won)).collect::<Vec<_>>(), "{:?}", c.warnings);
    for w in &c.warnings {
        if let Warning::LeakyMilestone { won_share, lost_share, excluded, .. } = w {
            assert!(*won_share == 1.0 && *lost_share == 0.0 && *excluded, "{w:?}");
        }
    }
    assert_eq!(c.ignored_milestones, STAGES.to_vec());
    // The state table holds the empty state only: nothing leaks into it.
    assert!(c.states.iter().all(|s| s.reached.is_empty()), "{:?}", c.states);
    // The scoreboard's number: cross-validated Brier at the base rate's, not 0.
    let cv = cross_validate(&p, &history, 5, &CalibrateOptions::default()).unwrap();
    let base = won * (1.0 - won);
    println!("closed-won-everywhere: won {won:.3}, cv brier {:.4}, base-rate brier {base:.4}", cv.brier);
    assert!(cv.brier > 0.9 * base && cv.brier < 1.1 * base, "cv brier {} vs base {}", cv.brier, base);
    // As a warning, the JSON the UI reads.
    let j = serde_json::to_value(&c.warnings[0]).unwrap();
    assert_eq!(j["code"], "leaky_milestone");
    assert_eq!(j["milestone"], "appointment_scheduled");
    assert_eq!(j["outcome"], "won");
    assert_eq!(j["wonShare"], 1.0);
}

/// An honest dated stage history, plus the outcome twice: the stage
/// "closed won" (dated at the close) and an attribute `deal_stage`.
fn honest_with_outcome_stage(n: usize, seed: u64) -> Vec<Deal> {
    team(n, seed)
        .into_iter()
        .map(|(mut d, reached, won)| {
            let upto = if won { 6 } else { reached };
            d.events = STAGES[..upto].iter().enumerate().map(|(k, s)| ev(s, Some(10 * k))).collect();
            d.attributes.insert("deal_stage".into(), if won { "Closed won" } else { "Closed lost" }.into());
            d
        })
        .collect()
}

#[test]
fn an_outcome_stage_and_an_outcome_attribute_are_kept_out_of_the_model() {
    let p = process();
    let history = honest_with_outcome_stage(3000, 11);
    let cp = Scorer::new(calibrate(&p, &history, &CalibrateOptions::default()).unwrap()).unwrap();
    let c = cp.model.calibration.as_ref().unwrap();
    // Only the outcome stage is named: the real stages are not.
    assert_eq!(leaky_milestones(&c.warnings), vec![("closed_won", Leaked::Won)], "{:?}", c.warnings);
    assert_eq!(c.ignored_milestones, vec!["closed_won"]);
    let attrs: Vec<(&str, Option<&str>, Leaked)> = c
        .warnings
        .iter()
        .filter_map(|w| match w {
            Warning::LeakyAttribute { attribute, value, outcome, excluded: true, .. } => Some((attribute.as_str(), value.as_deref(), *outcome)),
            _ => None,
        })
        .collect();
    assert_eq!(attrs, vec![("deal_stage", Some("Closed lost"), Leaked::Lost), ("deal_stage", Some("Closed won"), Leaked::Won)]);
    assert!(!c.warnings.iter().any(|w| matches!(w, Warning::ImplausibleBrier { .. })), "{:?}", c.warnings);
    // The outcome attribute has no effect; the real one keeps its effect.
    assert!(c.effects.iter().all(|e| e.attribute != "deal_stage"), "{:?}", c.effects);
    assert!(c.effects.iter().any(|e| e.attribute == "segment"), "{:?}", c.effects);
    // No state holds the outcome stage.
    assert!(c.states.iter().all(|s| !s.reached.iter().any(|m| m == "closed_won")));
    // Scoring ignores it too: an open deal with "closed won" ticked scores
    // as the same deal without it, and an out-of-order judgement caused by
    // it alone disappears.
    let open = |ms: &[&str]| Deal { id: "o".into(), events: ms.iter().map(|m| ev(m, None)).collect(), ..Deal::default() };
    let at_contract = open(&STAGES[..5]);
    let with_outcome = open(&STAGES);
    let (a, b) = (score_deal(&cp, &at_contract).unwrap(), score_deal(&cp, &with_outcome).unwrap());
    assert_eq!(a.probability, b.probability);
    assert!(b.reached.contains(&"closed_won".to_string()), "still listed as reached");
    let early = open(&["appointment_scheduled", "closed_won", "qualified_to_buy"]);
    let plain = open(&["appointment_scheduled", "qualified_to_buy"]);
    assert_eq!(score_deal(&cp, &early).unwrap().probability, score_deal(&cp, &plain).unwrap().probability);
    // The ignored milestones are part of the model's data: through JSON
    // and back, the same scores.
    let back: ProcessModel = serde_json::from_str(&serde_json::to_string(&cp.model).unwrap()).unwrap();
    let q = Scorer::new(back).unwrap();
    assert_eq!(score_deal(&q, &with_outcome).unwrap(), b);
    // Cross-validated: an honest figure (the first stages carry little).
    let cv = cross_validate(&p, &history, 5, &CalibrateOptions::default()).unwrap();
    println!("honest + outcome stage: cv brier {:.4} (priors {:.4})", cv.brier, cv.versus.priors.brier);
    assert!(cv.brier > 0.05, "cv brier {}", cv.brier);
}

#[test]
fn an_honest_history_gets_no_warning() {
    let p = process();
    let history: Vec<Deal> = honest_with_outcome_stage(3000, 13)
        .into_iter()
        .map(|mut d| {
            d.events.retain(|e| e.milestone != "closed_won");
            d.attributes.remove("deal_stage");
            d
        })
        .collect();
    let c = calibrate(&p, &history, &CalibrateOptions::default()).unwrap().calibration.unwrap();
    assert!(c.warnings.is_empty() && c.ignored_milestones.is_empty(), "{:?}", c.warnings);
    // Warnings and ignored milestones are left out of the JSON when empty.
    let j = serde_json::to_value(&c).unwrap();
    assert!(j.get("warnings").is_none() && j.get("ignoredMilestones").is_none());
}

#[test]
fn a_leak_no_single_milestone_shows_is_caught_by_the_brier_floor() {
    // Won deals have both A and B; lost deals one of them.
    // A and B are each on every won and half the lost deals, but the state
    // gives the outcome away.
    let m = |id: &str| Milestone { id: id.into(), label: String::new(), mandatory: false, after: vec![], probability: None };
    let p = Scorer::new(ProcessModel { milestones: vec![m("a"), m("b"), m("c")], base_probability: None, calibration: None }).unwrap();
    let history: Vec<Deal> = (0..300)
        .map(|k| {
            let won = k % 3 == 0;
            let ms: &[&str] = if won { &["a", "b"] } else if k % 2 == 0 { &["a"] } else { &["b"] };
            Deal {
                id: format!("h{k}"),
                status: if won { Status::Won } else { Status::Lost },
                events: ms.iter().map(|m| ev(m, None)).collect(),
                ..Deal::default()
            }
        })
        .collect();
    let c = calibrate(&p, &history, &CalibrateOptions::default()).unwrap().calibration.unwrap();
    assert!(leaky_milestones(&c.warnings).is_empty(), "{:?}", c.warnings);
    let Some(Warning::ImplausibleBrier { brier, base_brier, skill, n, .. }) = c.warnings.last() else {
        panic!("no Brier warning: {:?}", c.warnings);
    };
    println!("combination leak: loo brier {brier:.4}, base {base_brier:.4}, skill {skill:.3}, n {n}");
    assert!(*skill >= 0.9 && *n == 300);
    // A small random component keeps it honest: with the outcome only
    // partly given away, no warning.
    let mut rng = Lcg(5);
    let noisy: Vec<Deal> = history
        .into_iter()
        .map(|mut d| {
            if rng.next() < 0.25 {
                d.status = if d.status == Status::Won { Status::Lost } else { Status::Won };
            }
            d
        })
        .collect();
    let c = calibrate(&p, &noisy, &CalibrateOptions::default()).unwrap().calibration.unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn ignored_milestones_are_validated_when_a_model_loads() {
    let p = process();
    let mut m = calibrate(&p, &honest_with_outcome_stage(500, 3), &CalibrateOptions::default()).unwrap();
    assert_eq!(m.calibration.as_ref().unwrap().ignored_milestones, vec!["closed_won"]);
    m.calibration.as_mut().unwrap().ignored_milestones.push("nope".into());
    assert_eq!(Scorer::new(m).unwrap_err().to_string(), "calibration.ignoredMilestones[1]: unknown milestone \"nope\"");
}
