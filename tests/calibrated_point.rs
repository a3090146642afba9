//! `calibrated_only` (next-step gains without intervals) gives exactly the
//! probability `calibrated_probability` gives, on every state of a history.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

#[path = "../benches/common/rng.rs"]
mod rng;
#[path = "../benches/common/gen.rs"]
mod gen;

use stagecast::Scorer;
use stagecast::calibration::calibrate_table;
use stagecast::probability::{calibrated_only, calibrated_probability, features};

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
    for d in gen::to_deals(&raw[..500], &model) {
        let st = d.check(&p).unwrap();
        let attrs = features(&d);
        let full = calibrated_probability(&p, f, &st, &attrs).0;
        assert_eq!(calibrated_only(&p, f, &st, &attrs), full);
        for i in p.indices() {
            let s = stagecast::probability::with_step(&p, &st, i);
            assert_eq!(calibrated_only(&p, f, &s, &attrs), calibrated_probability(&p, f, &s, &attrs).0);
        }
    }
}
