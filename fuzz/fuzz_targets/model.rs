//! JSON text -> ProcessModel -> Process::new: must return Ok or Err, never
//! panic; a valid model's priors are probabilities.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stagecast::{Process, ProcessModel};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(model) = serde_json::from_str::<ProcessModel>(text) else { return };
    if let Ok(p) = Process::new(model) {
        assert!((0.0..=1.0).contains(&p.base()));
        for i in p.indices() {
            let prior = p.prior(i);
            assert!((0.0..=1.0).contains(&prior), "prior {prior}");
        }
    }
});
