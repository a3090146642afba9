//! A simulated history shaped like the hidden real set of issue 16: three
//! stage flags (undated facts, so every deal is a snapshot), nine
//! categorical fields with 3 to 12 levels and skewed frequencies, and a
//! true win probability with main effects, stage x field and field x field
//! interactions. Every deal carries its true probability, so a model's
//! held-out Brier can be set against the best any model can do.
//! Deterministic (mulberry32, as benches/common/gen.rs). Shared by
//! tests/interactions.rs, benches/core.rs and examples/interactions.rs.
#![allow(dead_code, clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use stagecast::calibration::Table;
use stagecast::{Milestone, ProcessModel};

pub const LEVELS: [usize; 9] = [3, 4, 5, 6, 8, 10, 12, 7, 3];
pub const STAGES: [&str; 3] = ["qualified", "proposal", "negotiation"];

// Its includer also includes rng.rs (as `mod rng`), once.
pub use crate::rng::Rng;

/// The process: three optional milestones without order.
pub fn model() -> ProcessModel {
    ProcessModel {
        milestones: STAGES
            .iter()
            .map(|id| Milestone { id: id.to_string(), label: String::new(), mandatory: false, after: vec![], probability: None })
            .collect(),
        base_probability: None,
        calibration: None,
    }
}

/// The truth: effects on the logit scale.
pub struct Truth {
    /// Logit of each stage set (bit k = stage k reached).
    pub state: [f64; 8],
    pub main: Vec<Vec<f64>>,
    /// Field 2 matters only once stage 2 ("negotiation") is reached.
    pub late: Vec<f64>,
    /// Field 0 x field 1, and field 4 x field 5.
    pub pair01: Vec<Vec<f64>>,
    pub pair45: Vec<Vec<f64>>,
    /// Field 3's effect depends on stage 0 ("qualified").
    pub early: Vec<f64>,
}

/// `interactions` false: main effects only (the interaction terms are zero).
pub fn truth(seed: u32, interactions: bool) -> Truth {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let k = if interactions { 1.0 } else { 0.0 };
    let main = LEVELS.iter().enumerate().map(|(f, &l)| (0..l).map(|_| rng.normal() * if f == 8 { 0.0 } else { 0.35 }).collect()).collect();
    let late = (0..LEVELS[2]).map(|_| k * rng.normal() * 0.9).collect();
    let pair01 = (0..LEVELS[0]).map(|_| (0..LEVELS[1]).map(|_| k * rng.normal() * 0.6).collect()).collect();
    let pair45 = (0..LEVELS[4]).map(|_| (0..LEVELS[5]).map(|_| k * rng.normal() * 0.5).collect()).collect();
    let early = (0..LEVELS[3]).map(|_| k * rng.normal() * 0.6).collect();
    // More stages reached, better odds; negotiation without a proposal is odd.
    let state = [-3.2, -2.2, -1.6, -0.4, -0.9, 0.3, 0.1, 1.4];
    Truth { state, main, late, pair01, pair45, early }
}

pub struct Sim {
    pub table: Table,
    /// True win probability of every row.
    pub truth: Vec<f64>,
}

/// `n` closed deals (outcome drawn from the true probability).
pub fn history(n: usize, seed: u32, interactions: bool) -> Sim {
    let tr = truth(seed, interactions);
    let mut rng = Rng::new(seed);
    let mut t = Table {
        attributes: (0..LEVELS.len()).map(|f| format!("f{f}")).collect(),
        values: LEVELS.iter().map(|&l| (0..l).map(|v| format!("v{v:02}")).collect()).collect(),
        offsets: vec![0],
        ..Table::default()
    };
    let mut truth = Vec::with_capacity(n);
    for _ in 0..n {
        // Skewed levels: u^1.7 puts more mass on the low codes.
        let codes: Vec<usize> = LEVELS.iter().map(|&l| ((rng.next().powf(1.7) * l as f64) as usize).min(l - 1)).collect();
        // Stages reached depend a little on the fields.
        let push = 0.15 * (codes[0] as f64 - 1.0) + 0.1 * (codes[6] as f64 / 6.0 - 1.0);
        let mut reached = 0usize;
        let mut steps = Vec::new();
        for (s, p) in [0.7, 0.5, 0.4].iter().enumerate() {
            let q = (p + push * 0.2).clamp(0.05, 0.95);
            let gate = if s == 2 && reached & 2 == 0 { 0.25 } else { 1.0 };
            if rng.next() < q * gate {
                reached |= 1 << s;
                steps.push(s as u8);
            }
        }
        let mut z = tr.state[reached];
        for (f, &c) in codes.iter().enumerate() {
            z += tr.main[f][c];
        }
        if reached & 4 != 0 {
            z += tr.late[codes[2]];
        }
        if reached & 1 != 0 {
            z += tr.early[codes[3]];
        }
        z += tr.pair01[codes[0]][codes[1]] + tr.pair45[codes[4]][codes[5]];
        let p = 1.0 / (1.0 + (-z).exp());
        let won = rng.next() < p;
        t.steps.extend(&steps);
        t.offsets.push(t.steps.len() as u32);
        t.ordered.push(0);
        t.outcome.push(u8::from(won));
        t.codes.extend(codes.iter().map(|&c| c as u32 + 1));
        t.seller.push(0);
        t.seller_probability.push(f64::NAN);
        truth.push(p);
    }
    Sim { table: t, truth }
}

/// Train on rows with `r % 10 < 7` (a deterministic 70/30 split of rows
/// drawn independently), score the rest. Returns (model Brier, truth Brier,
/// model ECE, held-out rows).
pub fn holdout(process: &stagecast::Process, sim: &Sim) -> (f64, f64, f64, usize) {
    let mut train = sim.table.clone();
    for (r, o) in train.outcome.iter_mut().enumerate() {
        if r % 10 >= 7 {
            *o = 2;
        }
    }
    let mut m = process.model.clone();
    m.calibration = Some(stagecast::calibrate_table(process, &train).unwrap());
    let p = stagecast::Scorer::new(m).unwrap();
    let scored = stagecast::evaluation::score_table(&p, &sim.table).unwrap();
    let (mut model, mut best, mut pairs) = (0.0, 0.0, Vec::new());
    for (r, s) in scored.iter().enumerate() {
        if r % 10 < 7 {
            continue;
        }
        let y = f64::from(sim.table.outcome[r]);
        model += (s.0 - y).powi(2);
        best += (sim.truth[r] - y).powi(2);
        pairs.push((s.0, y == 1.0));
    }
    let n = pairs.len() as f64;
    let m = stagecast::evaluation::metrics(&pairs);
    (model / n, best / n, m.ece, pairs.len())
}
