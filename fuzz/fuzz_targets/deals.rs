//! JSON `{ "model"?: ProcessModel, "deals": [Deal] }` -> serde -> check and
//! score every deal (against the default model when none is given). Errors
//! are fine; a panic or a probability outside [0, 1] is a bug.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use stagecast::Scorer;
use stagecast::{score_deal, score_deals, Deal};

fuzz_target!(|data: &[u8]| {
    let Some(v) = common::parse(data) else { return };
    let Some(model) = common::model_or_default(&v) else { return };
    let Some(deals) = common::read::<Vec<Deal>>(common::field(&v, "deals")) else { return };
    let Ok(process) = Scorer::new(model) else { return };
    for (k, d) in deals.iter().enumerate() {
        let _ = d.check(&process).map_err(|e| e.within("deal"));
        if let Ok(s) = score_deal(&process, d).map_err(|e| e.within(&format!("deals[{k}]"))) {
            common::in_unit(s.probability);
            for n in &s.next {
                common::in_unit(n.probability);
                assert!(n.gain.is_finite());
            }
        }
    }
    if let Ok(all) = score_deals(&process, &deals).map_err(|e| e.within("deals")) {
        assert_eq!(all.len(), deals.len());
    }
});
