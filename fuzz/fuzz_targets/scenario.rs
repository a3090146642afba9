//! JSON `{ "base": Scenario, "variants": [Scenario], "plan"?: ..., "clv"?: ... }`
//! -> Value -> compareScenarios, meetingPlan, lifetimeValue and the retention
//! what-if, read with the same non-generic readers the wasm exports use.
//! Errors are fine; a panic or a probability outside [0, 1] is a bug.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use stagecast::meetings::{meeting_plan, PlanInput};
use stagecast::scenarios::{lifetime_value_val, retention_what_if};
use stagecast::compare_scenarios;

fuzz_target!(|data: &[u8]| {
    let Some(v) = common::parse(data) else { return };
    if let Ok(out) = compare_scenarios(common::field(&v, "base"), common::field(&v, "variants")) {
        for o in &out {
            common::in_unit(o.numbers.p_hit_budget);
        }
    }
    if let Ok(p) = PlanInput::from_val(common::field(&v, "plan"), "plan") {
        let _ = meeting_plan(&p);
    }
    let _ = lifetime_value_val(common::field(&v, "clv"));
    let _ = retention_what_if(common::field(&v, "clv"));
});
