//! Forecasts: ranges, not one weighted sum. `dist` computes the distribution
//! of a pipeline's total; `timing` learns how long deals take to close.

pub mod dist;

pub use dist::{distribution, Grid, Item, Point, Summary};
