//! JSON `{ "model"?: ProcessModel, "history": [Deal], "deals"?: [Deal] }` ->
//! calibrate -> the calibrated model passes back through `Process::new` (as
//! saved JSON would) -> score and evaluate, and the same deals (then the
//! input's raw bytes) as columns through the column scorer. Errors are
//! fine; a panic, a rejected calibration, a probability outside [0, 1] or
//! a column score other than the deal's is a bug.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions, Table};
use stagecast::columns::ColumnScorer;
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
    // Issue 14: the column scorer gives every deal the number scoring it
    // gives, and takes any columns (the input's bytes) without panicking.
    let mut columns = ColumnScorer::new(p.clone());
    if let Ok(t) = Table::from_deals(&p, &deals, stagecast::Paths::Final) {
        if let Ok(flat) = columns.score(&t.attributes, &t.values, &t.steps, &t.offsets, &t.codes) {
            for (d, f) in deals.iter().zip(flat.chunks(3)) {
                let s = score_deal(&p, d).expect("a deal that made the table scores");
                assert!((s.probability - f[0]).abs() < 1e-9, "columns {} vs deal {}", f[0], s.probability);
                f.iter().for_each(|&x| common::in_unit(x));
            }
        }
        let steps: Vec<u8> = data.iter().map(|b| b % 16).collect();
        let offsets: Vec<u32> = (0..=steps.len() as u32).step_by(3).chain(std::iter::once(steps.len() as u32)).collect();
        let codes: Vec<u32> = data.iter().cycle().take((offsets.len() - 1) * t.attributes.len()).map(|&b| u32::from(b % 4)).collect();
        if let Ok(flat) = columns.score(&t.attributes, &t.values, &steps, &offsets, &codes) {
            flat.iter().for_each(|&x| common::in_unit(x));
        }
    }
    if let Ok(e) = evaluate(&p, &history) {
        assert!(e.brier.is_finite() && e.brier >= 0.0 && e.brier <= 1.0, "brier {}", e.brier);
    }
});
