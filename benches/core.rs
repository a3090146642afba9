//! Criterion benches of the native core (`cargo bench --bench core`), on the
//! same synthetic data as the browser benchmark (benches/common/gen.rs).
//! `make bench` runs them for the record; the wasm/native ratios come from
//! bench/run.mjs, which alternates the browser with examples/bench_native.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::single_element_loop)]

#[path = "common/rng.rs"]
mod rng;
#[path = "common/gen.rs"]
mod gen;
#[path = "common/sim.rs"]
mod sim;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

use stagecast::Scorer;
use stagecast::calibration::calibrate_table;
use stagecast::forecast::{distribution, Item};

fn benches(c: &mut Criterion) {
    let model = gen::model();
    let process = Scorer::new(model.clone()).unwrap();
    let mut calibrated = model.clone();
    calibrated.calibration = Some(calibrate_table(&process, &gen::to_table(&gen::raw_deals(10_000, 1, true))).unwrap());

    let mut g = c.benchmark_group("calibrate_columns");
    g.sample_size(10);
    for n in [10_000usize, 100_000] {
        let t = gen::to_table(&gen::raw_deals(n, 1, true));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &t, |b, t| b.iter(|| black_box(calibrate_table(&process, t).unwrap())));
    }
    g.finish();

    // Issue 16: 9 categorical fields with pairwise structure (sim.rs),
    // where calibration screens and fits interactions.
    let mut g = c.benchmark_group("calibrate_9_attributes");
    g.sample_size(10);
    let sim_process = Scorer::new(sim::model()).unwrap();
    for n in [100_000usize] {
        let t = sim::history(n, 7, true).table;
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &t, |b, t| b.iter(|| black_box(calibrate_table(&sim_process, t).unwrap())));
    }
    g.finish();

    let mut g = c.benchmark_group("score_columns");
    g.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let t = gen::to_table(&gen::raw_deals(n, 2, false));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &t, |b, t| {
            b.iter(|| {
                let p = Scorer::new(calibrated.clone()).unwrap();
                black_box(stagecast::evaluation::score_table(&p, t).unwrap())
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("score_deals");
    g.sample_size(10);
    let n = 10_000usize;
    let d = gen::to_deals(&gen::raw_deals(n, 2, false), &model);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::from_parameter(n), &d, |b, d| {
        b.iter(|| {
            let p = Scorer::new(calibrated.clone()).unwrap();
            black_box(stagecast::score_deals(&p, d).unwrap())
        })
    });
    g.finish();

    // Issue 14's real shape: 50,000 closed deals with 9 categorical
    // attributes calibrate, then a process compiled once (what `Engine`
    // holds) scores 20,000 open deals, lean and detailed, with those
    // attributes and with none.
    let mut g = c.benchmark_group("engine_20k");
    g.sample_size(10);
    for (shape, with) in [("attrs", true), ("none", false)] {
        let history = gen::to_attr_deals(&gen::raw_attr_deals(50_000, 1, true), &model, with);
        let cal = stagecast::calibrate(&process, &history, &Default::default()).unwrap();
        let engine = Scorer::new(cal).unwrap();
        let open = gen::to_attr_deals(&gen::raw_attr_deals(20_000, 2, false), &model, with);
        g.throughput(Throughput::Elements(open.len() as u64));
        g.bench_with_input(BenchmarkId::new("lean", shape), &open, |b, d| {
            b.iter(|| black_box(d.iter().map(|d| stagecast::probability::score_lean(&engine, d).unwrap()).collect::<Vec<_>>()))
        });
        g.bench_with_input(BenchmarkId::new("detail", shape), &open, |b, d| b.iter(|| black_box(stagecast::score_deals(&engine, d).unwrap())));
    }
    g.finish();

    let mut g = c.benchmark_group("distribution");
    g.sample_size(10);
    for n in [100usize, 1_000, 10_000, 100_000] {
        let items: Vec<Item> = gen::raw_deals(n, 2, false).iter().map(|d| Item { amount: d.value, probability: (0.05 + 0.09 * d.steps.len() as f64).min(0.95) }).collect();
        let target = 0.3 * items.iter().map(|i| i.amount).sum::<f64>();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &items, |b, items| b.iter(|| black_box(distribution(items, Some(target)).unwrap())));
    }
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
