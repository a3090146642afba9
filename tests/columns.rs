//! Issue 14: the compiled column scorer (`columns::ColumnScorer`, behind
//! `ColumnScorer.scoreColumns` and `scoreColumns` in the wasm) gives every
//! row the number and interval that scoring the deal as an object gives
//! (`score_deal`): calibrated with attributes, milestone terms and pairs,
//! out of order, won outright, uncalibrated, and with too little history.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic)]

#[path = "../benches/common/rng.rs"]
mod rng;
#[path = "../benches/common/sim.rs"]
mod sim;

use stagecast::calibration::Table;
use stagecast::columns::ColumnScorer;
use stagecast::{calibrate, default_model, score_deal, CalibrateOptions, Deal, Event, Milestone, Paths, Process, ProcessModel, Scorer, Status};

/// Deals on `model`'s milestones: each step taken with a chance that falls
/// along the process, sometimes two steps swapped (out of order), with a
/// region, an industry that matters once the second-to-last step is
/// reached (a stage x field pair), a size and a seller.
fn deals(p: &Process, n: usize, seed: u32, status: Option<Status>) -> Vec<Deal> {
    let mut rng = sim::Rng::new(seed);
    let ids: Vec<String> = p.indices().map(|i| p.id(i).to_string()).collect();
    (0..n)
        .map(|k| {
            let reach = rng.next();
            let mut steps: Vec<usize> = (0..ids.len()).filter(|&i| rng.next() < reach * (1.0 - i as f64 / (ids.len() as f64 + 1.0)) + 0.15).collect();
            if steps.len() >= 2 && rng.next() < 0.15 {
                steps.swap(0, 1);
            }
            let region = (rng.next() * 4.0) as usize;
            let industry = (rng.next() * 3.0) as usize;
            let size = (rng.next() * 3.0) as usize;
            let seller = (rng.next() * 6.0) as usize;
            let late = steps.contains(&(ids.len() - 2));
            let z = -2.0 + 3.0 * steps.len() as f64 / ids.len() as f64 + [0.0, 0.4, -0.4, 0.2][region] + if late { [-1.2, 0.0, 1.2][industry] } else { 0.0 };
            let won = rng.next() < 1.0 / (1.0 + (-z).exp());
            Deal {
                id: format!("d{k}"),
                status: status.unwrap_or(if won { Status::Won } else { Status::Lost }),
                events: steps.iter().map(|&i| Event { milestone: ids[i].clone(), date: None }).collect(),
                seller: Some(format!("s{seller}")),
                attributes: [("region", format!("r{region}")), ("industry", format!("i{industry}")), ("size", format!("z{size}"))]
                    .into_iter()
                    .map(|(a, v)| (a.to_string(), v))
                    .collect(),
                ..Deal::default()
            }
        })
        .collect()
}

/// Scores `open` both ways and compares row by row (1e-12, as bench/check.mjs).
fn same_as_objects(p: &Scorer, open: &[Deal]) -> usize {
    let t = Table::from_deals(p, open, Paths::Final).unwrap();
    let mut scorer = ColumnScorer::new(p.clone());
    let flat = scorer.score(&t.attributes, &t.values, &t.steps, &t.offsets, &t.codes).unwrap();
    assert_eq!(flat.len(), 3 * open.len());
    // A second call on the same scorer (states kept) gives the same numbers.
    assert_eq!(scorer.score(&t.attributes, &t.values, &t.steps, &t.offsets, &t.codes).unwrap(), flat);
    let mut moved = 0;
    for (d, f) in open.iter().zip(flat.chunks(3)) {
        let s = score_deal(p, d).unwrap();
        let [lo, hi] = s.interval.unwrap_or([s.probability, s.probability]);
        assert!(
            (s.probability - f[0]).abs() < 1e-12 && (lo - f[1]).abs() < 1e-12 && (hi - f[2]).abs() < 1e-12,
            "{}: {} {lo} {hi} vs {f:?}",
            d.id,
            s.probability
        );
        if s.contributions.len() > 1 {
            moved += 1;
        }
    }
    moved
}

#[test]
fn calibrated_with_attributes_and_pairs_scores_like_objects() {
    // Two optional milestones (as tests/interactions.rs): a 6,000-deal
    // history where industry matters only at `proposal` brings pairs.
    let m = |id: &str| Milestone { id: id.into(), label: String::new(), mandatory: false, after: vec![], probability: None };
    let p = Process::new(ProcessModel { milestones: vec![m("demo"), m("proposal"), m("trial")], base_probability: None, calibration: None }).unwrap();
    let cp = Scorer::new(calibrate(&p, &deals(&p, 6000, 5, None), &CalibrateOptions::default()).unwrap()).unwrap();
    let c = cp.model.calibration.as_ref().unwrap();
    assert!(!c.pairs.is_empty() && !c.effects.is_empty(), "{} pairs, {} effects", c.pairs.len(), c.effects.len());
    let open = deals(&p, 500, 6, Some(Status::Open));
    let moved = same_as_objects(&cp, &open);
    assert!(moved > 400, "{moved} of 500 rows moved by attribute terms");
}

#[test]
fn default_model_calibrated_uncalibrated_and_thin() {
    // The default model: mandatory steps (order violations, missing
    // prerequisites) and an outcome milestone (won outright).
    let p = Process::new(default_model()).unwrap();
    let history = deals(&p, 3000, 7, None);
    let cp = Scorer::new(calibrate(&p, &history, &CalibrateOptions::default()).unwrap()).unwrap();
    let open = deals(&p, 800, 8, Some(Status::Open));
    let last = p.id(p.len() - 1).to_string();
    assert!(open.iter().any(|d| d.events.iter().any(|e| e.milestone == last)), "some deal is won outright");
    let ooo = open.iter().filter(|d| d.check(&p).unwrap().out_of_order != 0).count();
    assert!(ooo > 20, "{ooo} deals out of order");
    assert!(same_as_objects(&cp, &open) > 600);
    // The priors: no terms, every row its state's number, out-of-order
    // rows by their late steps.
    same_as_objects(&Scorer::from_process(p.clone()).unwrap(), &open);
    // Too little history: the priors too.
    let thin = Scorer::new(calibrate(&p, &history[..10], &CalibrateOptions::default()).unwrap()).unwrap();
    same_as_objects(&thin, &open);
}

#[test]
fn bad_columns_name_the_field() {
    let mut s = ColumnScorer::new(Scorer::new(default_model()).unwrap());
    let attrs = vec!["region".to_string()];
    let values = vec![vec!["north".to_string(), "south".to_string()]];
    let err = |steps: &[u8], offsets: &[u32], codes: &[u32]| s.clone().score(&attrs, &values, steps, offsets, codes).unwrap_err().to_string();
    assert_eq!(err(&[0, 1, 2], &[0, 2, 3], &[1, 3]), "codes[1]: must be 0 or a value number up to 2");
    assert_eq!(err(&[0, 1, 9], &[0, 2, 3], &[1, 2]), "steps[2]: no milestone has index 9");
    assert_eq!(err(&[0, 1, 2], &[0, 4, 3], &[1, 2]), "offsets[1]: must start at 0, never decrease and stay within steps");
    assert_eq!(err(&[0, 1, 2], &[0, 2], &[1, 2]), "codes: must have 1 entries (got 2)");
    assert_eq!(err(&[0, 1, 2], &[0, 2], &[1]), "offsets: the last offset must equal the number of steps");
    assert!(err(&[], &[], &[]).starts_with("offsets: "));
    let e = s.score(&attrs, &[], &[], &[0], &[]).unwrap_err().to_string();
    assert_eq!(e, "values: must have one list per attribute");
    // No rows: nothing.
    assert!(s.score(&attrs, &values, &[], &[0], &[]).unwrap().is_empty());
}
