//! JSON -> serde -> ProcessModel -> Scorer::new: must return Ok or Err, never
//! panic; a valid model's priors are probabilities.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use stagecast::Scorer;
use stagecast::ProcessModel;

fuzz_target!(|data: &[u8]| {
    let Some(v) = common::parse(data) else { return };
    let Some(model) = common::read::<ProcessModel>(&v) else { return };
    if let Ok(p) = Scorer::new(model) {
        common::in_unit(p.base());
        for i in p.indices() {
            common::in_unit(p.prior(i));
        }
    }
});
