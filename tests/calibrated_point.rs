//! A next step's probability (computed without intervals, as a point) is
//! exactly the probability the full detail gives the state after that
//! step, on every state of a history; and the detail's number is the lean
//! score's.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

#[path = "../benches/common/rng.rs"]
mod rng;
#[path = "../benches/common/gen.rs"]
mod gen;

use stagecast::calibration::calibrate_table;
use stagecast::probability::{detail, features, levels, score_lean, with_step, Detail};
use stagecast::{DealState, Scorer};

#[test]
fn point_equals_full_estimate() {
    let model = gen::model();
    let process = Scorer::new(model.clone()).unwrap();
    let raw = gen::raw_deals(3000, 7, true);
    let mut m = model.clone();
    m.calibration = Some(calibrate_table(&process, &gen::to_table(&raw)).unwrap());
    let p = Scorer::new(m).unwrap();
    let f = p.fitted().unwrap();
    assert!(!f.insufficient);
    let (mut d, mut after, mut scratch, mut stepped) = (Detail::default(), Detail::default(), DealState::default(), DealState::default());
    let mut steps = 0;
    for deal in gen::to_deals(&raw[..500], &model) {
        let st = deal.check(&p).unwrap();
        let attrs = features(&deal);
        let (keys, at) = levels(&p, &attrs);
        detail(&p, &st, &keys, &at, &mut d, &mut scratch);
        assert_eq!(d.probability.to_bits(), score_lean(&p, &deal).unwrap().probability.to_bits());
        for &(i, q) in &d.next {
            with_step(&p, &st, i, &mut stepped);
            detail(&p, &stepped, &keys, &at, &mut after, &mut scratch);
            assert_eq!(q.to_bits(), after.probability.to_bits());
            steps += 1;
        }
    }
    assert!(steps > 500);
}
