//! JSON `{ "base": Scenario, "variants": [Variant], "plan"?: PlanInput,
//! "clv"?: RetentionInput }` -> compareScenarios, meetingPlan, lifetimeValue
//! and the retention what-if, each input read with serde (as the boundary
//! does) and then validated by the core. Errors are fine; a panic or a
//! probability outside [0, 1] is a bug.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use stagecast::meetings::{meeting_plan, PlanInput};
use stagecast::scenarios::{lifetime, retention_what_if, LifetimeInput, RetentionInput, Scenario, Variant};
use stagecast::compare_scenarios;

/// Field `key` of the JSON object, read as a `T` (`None` when it does not read).
fn read<T: DeserializeOwned>(v: &serde_json::Value, key: &str) -> Option<T> {
    serde_json::from_value(v.get(key)?.clone()).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Some(base) = read::<Scenario>(&v, "base") {
        let variants = read::<Vec<Variant>>(&v, "variants").unwrap_or_default();
        if let Ok(out) = compare_scenarios(&base, &variants) {
            for o in &out {
                common::in_unit(o.p_hit_budget);
            }
        }
    }
    if let Some(p) = read::<PlanInput>(&v, "plan") {
        let _ = meeting_plan(&p);
    }
    if let Some(c) = read::<LifetimeInput>(&v, "clv") {
        let _ = lifetime(&c);
    }
    if let Some(c) = read::<RetentionInput>(&v, "clv") {
        let _ = retention_what_if(&c);
    }
});
