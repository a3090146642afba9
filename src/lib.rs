//! stagecast: stage-based B2B deal probability, honest forecasts, the value
//! of a meeting and what-if scenarios.
//!
//! The core (every module but `wasm`) is plain Rust with no wasm dependency
//! and is tested natively. `wasm` is the one thin binding layer: it converts
//! JS values to core types and back, and maps every error to a JS `Error`
//! whose message names the field.

pub mod bitset;
pub mod calibration;
pub mod deal;
pub mod evaluation;
pub mod error;
pub mod forecast;
pub mod import;
pub mod meetings;
pub mod model;
pub mod order;
pub mod packed;
pub mod pipelines;
pub mod probability;
pub mod scenarios;
pub mod scorer;
pub mod stats;
#[cfg(test)]
mod testing;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use deal::{Deal, DealState, Event, Status};
pub use error::{Error, Result};
pub use forecast::{distribution, Summary};
pub use import::{csv_preview, guess_preset, parse_csv, ColumnMapping, Import, ImportOptions, Preview, RowError};
pub use model::{default_model, Milestone, Process, ProcessModel};
pub use scorer::Scorer;
pub use probability::{score_deal, score_deals, DealScore, NextStep};
pub use meetings::{meeting_plan, meeting_value, rank_meetings, Meeting, MeetingPlan, MeetingValue, PlanInput, RankOptions, RankedMeeting, ValueOptions};
pub use scenarios::{compare_scenarios, lifetime, lifetime_value, p_at_least, retention_what_if, specialise, Outcome, PipelineDeal, Scenario, SpecialisationInput, StepSkill, Variant};
pub use calibration::{calibrate, calibrate_table, correct_seller_probability, skill_profile, CalibrateOptions, Calibration, Paths, Table};
pub use evaluation::{cross_validate, evaluate, Evaluation, Metrics};
