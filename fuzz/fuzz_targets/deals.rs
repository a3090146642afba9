//! JSON text `{ "model"?: ProcessModel, "deals": [Deal] }` -> check and score
//! every deal (against the default model when none is given). Errors are
//! fine; a panic or a probability outside [0, 1] is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use stagecast::{default_model, score_deal, score_deals, Deal, Process, ProcessModel};

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    model: Option<ProcessModel>,
    #[serde(default)]
    deals: Vec<Deal>,
}

fn in_unit(p: f64) {
    assert!((0.0..=1.0).contains(&p), "probability {p}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(input) = serde_json::from_str::<Input>(text) else { return };
    let Ok(process) = Process::new(input.model.unwrap_or_else(default_model)) else { return };
    for (k, d) in input.deals.iter().enumerate() {
        let _ = d.check(&process, "deal");
        if let Ok(s) = score_deal(&process, d, &format!("deals[{k}]")) {
            in_unit(s.probability);
            for n in &s.next {
                in_unit(n.probability);
                assert!(n.gain.is_finite());
            }
        }
    }
    if let Ok(all) = score_deals(&process, &input.deals, "deals") {
        assert_eq!(all.len(), input.deals.len());
    }
});
