//! JSON `{ "model"?: ProcessModel, "history": [Deal], "deals"?: [Deal] }` ->
//! calibrate -> the calibrated model passes back through `Process::new` (as
//! saved JSON would) -> score and evaluate. Errors are fine; a panic, a
//! rejected calibration or a probability outside [0, 1] is a bug.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::evaluation::evaluate;
use stagecast::{score_deal, Deal, ProcessModel};

fuzz_target!(|data: &[u8]| {
    let Some(v) = common::parse(data) else { return };
    let Some(model) = common::model_or_default(&v) else { return };
    let Some(history) = common::read::<Vec<Deal>>(common::field(&v, "history")) else { return };
    let deals = common::read::<Vec<Deal>>(common::field(&v, "deals")).unwrap_or_default();
    let Ok(process) = Scorer::new(model) else { return };
    let Ok(calibrated) = calibrate(&process, &history, &CalibrateOptions::default()) else { return };
    // What calibrate returns must be accepted back, as a saved model is.
    let json = serde_json::to_string(&calibrated).expect("a calibrated model serializes");
    let back = common::parse(json.as_bytes()).expect("its JSON parses");
    let again = common::read::<ProcessModel>(&back).expect("the saved model reads back");
    let p = Scorer::new(again).expect("a calibrated model is valid");
    for d in deals.iter().chain(history.iter()).take(64) {
        if let Ok(s) = score_deal(&p, d).map_err(|e| e.within("deal")) {
            common::in_unit(s.probability);
            if let Some([lo, hi]) = s.interval {
                common::in_unit(lo);
                common::in_unit(hi);
                assert!(lo <= hi + 1e-12, "interval {lo} > {hi}");
            }
        }
    }
    if let Ok(e) = evaluate(&p, &history) {
        assert!(e.brier.is_finite() && e.brier >= 0.0 && e.brier <= 1.0, "brier {}", e.brier);
    }
});
