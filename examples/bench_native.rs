//! The native side of `make bench`: the same Rust core the wasm runs,
//! compiled natively, timed one call at a time so bench/run.mjs can alternate
//! it with the browser (wasm, plain JS, native, wasm, ...).
//!
//! Reads lines `<case> <n>` on stdin and answers each with one JSON line
//! `{"case","n","ms"}` (one timed call; data is generated and cached on the
//! first request, outside the timing). Cases, identical to bench/page.js:
//! calibrate-obj, calibrate-col, score-obj, score-col, dist, whatif.
//! `cargo run --release --example bench_native` then e.g. `score-col 100000`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

#[path = "../benches/common/rng.rs"]
mod rng;
#[path = "../benches/common/gen.rs"]
mod gen;

use std::collections::HashMap;
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::Instant;

use stagecast::Scorer;
use stagecast::calibration::{calibrate_table, Table};
use stagecast::forecast::{distribution, Item};
use stagecast::{calibrate, CalibrateOptions, Deal, Process, ProcessModel};

pub const HISTORY_SEED: u32 = 1;
pub const OPEN_SEED: u32 = 2;
pub const CALIBRATION_HISTORY: usize = 10_000;

/// Probability of a dist item: the same formula in bench/page.js.
fn item_probability(steps: usize) -> f64 {
    (0.05 + 0.09 * steps as f64).min(0.95)
}

struct Data {
    model: ProcessModel,
    process: Process,
    calibrated: ProcessModel,
    history_deals: HashMap<usize, Vec<Deal>>,
    history_tables: HashMap<usize, Table>,
    open_deals: HashMap<usize, Vec<Deal>>,
    open_tables: HashMap<usize, (Table, Vec<f64>)>,
    items: HashMap<usize, (Vec<Item>, f64)>,
    slider: u32,
}

impl Data {
    fn new() -> Data {
        let model = gen::model();
        let process = Process::new(model.clone()).unwrap();
        let t = gen::to_table(&gen::raw_deals(CALIBRATION_HISTORY, HISTORY_SEED, true));
        let mut calibrated = model.clone();
        calibrated.calibration = Some(calibrate_table(&process, &t).unwrap());
        Data {
            model,
            process,
            calibrated,
            history_deals: HashMap::new(),
            history_tables: HashMap::new(),
            open_deals: HashMap::new(),
            open_tables: HashMap::new(),
            items: HashMap::new(),
            slider: 0,
        }
    }

    fn run(&mut self, case: &str, n: usize) -> f64 {
        let model = self.model.clone();
        match case {
            "calibrate-obj" => {
                let h = self.history_deals.entry(n).or_insert_with(|| gen::to_deals(&gen::raw_deals(n, HISTORY_SEED, true), &model));
                let t0 = Instant::now();
                black_box(calibrate(&self.process, h, &CalibrateOptions::default()).unwrap());
                ms(t0)
            }
            "calibrate-col" => {
                let t = self.history_tables.entry(n).or_insert_with(|| gen::to_table(&gen::raw_deals(n, HISTORY_SEED, true)));
                let t0 = Instant::now();
                black_box(calibrate_table(&self.process, t).unwrap());
                ms(t0)
            }
            "score-obj" => {
                let d = self.open_deals.entry(n).or_insert_with(|| gen::to_deals(&gen::raw_deals(n, OPEN_SEED, false), &model));
                let t0 = Instant::now();
                // The model is compiled per call, as the wasm export does.
                let p = Scorer::new(self.calibrated.clone()).unwrap();
                black_box(stagecast::score_deals(&p, d).unwrap());
                ms(t0)
            }
            "score-col" => {
                let (t, _) = self.open_tables.entry(n).or_insert_with(|| open_table(n));
                let t0 = Instant::now();
                let p = Scorer::new(self.calibrated.clone()).unwrap();
                black_box(stagecast::evaluation::score_table(&p, t).unwrap());
                ms(t0)
            }
            "dist" => {
                let (items, target) = self.items.entry(n).or_insert_with(|| {
                    let raw = gen::raw_deals(n, OPEN_SEED, false);
                    let items: Vec<Item> = raw.iter().map(|d| Item { amount: d.value, probability: item_probability(d.steps.len()) }).collect();
                    let target = 0.3 * items.iter().map(|i| i.amount).sum::<f64>();
                    (items, target)
                });
                let t0 = Instant::now();
                black_box(distribution(items, Some(*target)).unwrap());
                ms(t0)
            }
            "whatif" => {
                // A slider moves one milestone's prior: rebuild the model,
                // rescore the pipeline, recompute its distribution.
                self.slider += 1;
                let prior = if self.slider % 2 == 0 { 0.55 } else { 0.6 };
                let (t, values) = self.open_tables.entry(n).or_insert_with(|| open_table(n));
                let mut m = self.calibrated.clone();
                let t0 = Instant::now();
                m.milestones[6].probability = Some(prior);
                let p = Scorer::new(m).unwrap();
                let scores = stagecast::evaluation::score_table(&p, t).unwrap();
                let probabilities: Vec<f64> = scores.iter().map(|s| s.0).collect();
                let target = 0.3 * values.iter().sum::<f64>();
                black_box(stagecast::forecast::dist::distribution_arrays(values, &probabilities, Some(target)).unwrap());
                ms(t0)
            }
            _ => panic!("unknown case {case}"),
        }
    }
}

fn open_table(n: usize) -> (Table, Vec<f64>) {
    let raw = gen::raw_deals(n, OPEN_SEED, false);
    let values = raw.iter().map(|d| d.value).collect();
    (gen::to_table(&raw), values)
}

fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let mut data = Data::new();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let mut parts = line.split_whitespace();
        let (Some(case), Some(n)) = (parts.next(), parts.next()) else { continue };
        let n: usize = n.parse().unwrap();
        if case == "dump-calibration" {
            // For bench/check.mjs: the calibration the JS baseline must match.
            let t = gen::to_table(&gen::raw_deals(n, HISTORY_SEED, true));
            let c = calibrate_table(&data.process, &t).unwrap();
            writeln!(out, "{}", serde_json::to_string(&c).unwrap()).unwrap();
            continue;
        }
        let t = data.run(case, n);
        writeln!(out, "{{\"case\":\"{case}\",\"n\":{n},\"ms\":{t}}}").unwrap();
        out.flush().unwrap();
    }
}
