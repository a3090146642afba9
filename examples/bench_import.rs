//! `make bench` (scripts/bench.sh): history imports of 20,000 and 200,000
//! rows must grow linearly (time ratio at most 12 for 10x the rows).
//! Times a Salesforce Opportunity History report, a long-format history
//! file, and the chunked row-per-deal import (2,000-row chunks, as the
//! worker does), with the old offsetRows chunking for the record.
//! Run: `cargo run --release --example bench_import` (BENCH_QUICK=1: one
//! round instead of five). Exits with an error when a ratio is above 12.
//! BENCH_CURVE=1 prints the time per row at 10k..400k rows; BENCH_ONE=n
//! runs the Salesforce import at n rows (2M rows in all) for a profiler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic_in_result_fn)]

use std::fmt::Write;
use std::time::{Duration, Instant};

use stagecast::deal::civil_from_days;
use stagecast::import::chunked::ChunkedImport;
use stagecast::import::history::{Format, HistoryOptions};
use stagecast::import::stages::{import_history, import_stage_history};
use stagecast::{parse_csv, ColumnMapping, ImportOptions};

const STAGES: [&str; 7] = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Proposal/Price Quote", "Negotiation/Review"];

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Salesforce history rows and long-format rows, `rows` of each.
fn history(rows: usize) -> (String, String) {
    let mut rng = Rng(7);
    let mut sf = String::from("Opportunity Owner,Opportunity ID,Opportunity Name,Stage,Amount,Probability (%),Close Date,Last Modified\n");
    let mut long = String::from("deal id,stage,date\n");
    let (mut n, mut k) = (0, 0);
    while n < rows {
        k += 1;
        let mut day = 19_000 + rng.below(700) as i32;
        let depth = 1 + rng.below(STAGES.len() as u64) as usize;
        for (j, stage) in STAGES.iter().enumerate().take(depth) {
            if n >= rows {
                break;
            }
            writeln!(sf, "Seller {},006{k:09},Opp {k},{stage},{},{},{},{}", k % 17, 1000 + k % 9000, 10 * (j + 1), civil_from_days(day + 90), civil_from_days(day)).unwrap();
            writeln!(long, "d{k},{stage},{}", civil_from_days(day)).unwrap();
            day += 1 + rng.below(20) as i32;
            n += 1;
        }
    }
    (sf, long)
}

/// A row-per-deal CSV of `rows` deals.
fn deals(rows: usize) -> String {
    let mut out = String::from("id,amount,status,owner\n");
    for k in 0..rows {
        writeln!(out, "{k},{},{},Seller {}", 100 + k % 1000, ["won", "lost", "open"][k % 3], k % 17).unwrap();
    }
    out
}

/// The median time of `rounds` runs. The machine is shared: a median over
/// runs (more of them for the small size, so that both sizes are sampled
/// over a similar stretch of time) is steadier than the best run.
fn best(rounds: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut t = Vec::with_capacity(rounds);
    let mut out = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        out = std::hint::black_box(f());
        t.push(start.elapsed());
    }
    t.sort();
    (t[t.len() / 2], out)
}

fn row_mapping() -> ColumnMapping {
    ColumnMapping { id: Some("id".into()), value: Some("amount".into()), status: Some("status".into()), seller: Some("owner".into()), ..ColumnMapping::default() }
}

fn main() -> Result<(), String> {
    let rounds = if std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1") { 1 } else { 5 };
    let options = HistoryOptions::default();
    let mapping = row_mapping();
    if let Some(n) = std::env::var("BENCH_ONE").ok().and_then(|v| v.parse::<usize>().ok()) {
        // For a profiler: the Salesforce import at one size, 2,000,000 rows in all.
        let (sf, _) = history(n);
        let rows: usize = (0..2_000_000 / n).map(|_| import_history(&sf, Format::Salesforce, &options, None).map_or(0, |o| o.rows)).sum();
        println!("{rows} rows");
        return Ok(());
    }
    if std::env::var("BENCH_CURVE").is_ok() {
        for n in [10_000usize, 20_000, 50_000, 100_000, 200_000, 400_000] {
            let text = deals(n);
            let (t, _) = best(5, || parse_csv(&text, &mapping, None, ImportOptions::default()).unwrap().rows);
            let (sf, _) = history(n);
            let (u, _) = best(5, || import_history(&sf, Format::Salesforce, &options, None).unwrap().rows);
            println!("{n:>7}: parse_csv {:.3} us/row, salesforce {:.3} us/row", t.as_secs_f64() * 1e6 / n as f64, u.as_secs_f64() * 1e6 / n as f64);
        }
        return Ok(());
    }
    let mut failed = Vec::new();
    let mut results: Vec<(&str, [Duration; 2])> = Vec::new();
    let (small, large) = (20_000usize, 200_000);
    // Each case: the inputs for a size, and one run over them (rows read).
    type Run = Box<dyn FnMut() -> usize>;
    type Make = Box<dyn Fn(usize) -> Run>;
    let cases: Vec<(&str, Make)> = vec![
        ("salesforce_history", Box::new(|n| {
            let (sf, _) = history(n);
            Box::new(move || import_history(&sf, Format::Salesforce, &HistoryOptions::default(), None).unwrap().rows)
        })),
        ("stage_history", Box::new(|n| {
            let (_, long) = history(n);
            Box::new(move || import_stage_history(&long, None, &HistoryOptions::default(), None).unwrap().rows)
        })),
        ("chunked_rows (2000 a chunk)", Box::new(move |n| {
            let text = deals(n);
            let mapping = row_mapping();
            Box::new(move || {
                let mut c = ChunkedImport::new(text.clone(), mapping.clone(), None).unwrap();
                let mut rows = 0;
                loop {
                    let part = c.next_chunk(2000).unwrap();
                    rows += part.rows;
                    if part.done {
                        break rows;
                    }
                }
            })
        })),
        ("offsetRows chunks (old, for the record)", Box::new(move |n| {
            let text = deals(n);
            let mapping = row_mapping();
            Box::new(move || {
                let mut rows = 0;
                loop {
                    let part = parse_csv(&text, &mapping, None, ImportOptions { offset_rows: rows, max_rows: Some(2000) }).unwrap();
                    rows += part.rows;
                    if part.done || part.rows == 0 {
                        break rows;
                    }
                }
            })
        })),
    ];
    // A real import reads a file once, cold: before every timed run, 64 MiB
    // are written and read so that no run starts with its input or its
    // allocations warm in the caches from the run before (which would
    // favour the small size, run ten times in a row).
    let mut flush = vec![0u8; 64 << 20];
    let mut cold = |k: usize| {
        for (i, b) in flush.iter_mut().enumerate().step_by(64) {
            *b = b.wrapping_add((i + k) as u8);
        }
        std::hint::black_box(flush.iter().step_by(64).map(|&b| usize::from(b)).sum::<usize>());
    };
    for (name, make) in &cases {
        let (mut a, mut b) = (make(small), make(large));
        // Alternate: ten small runs, then one large, so that both sizes see
        // the same load of the (shared) machine; medians of each.
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        let rounds = if name.contains("record") { 1 } else { rounds };
        for _ in 0..rounds {
            for k in 0..10 {
                cold(k);
                let start = Instant::now();
                assert_eq!(std::hint::black_box(a()), small);
                ta.push(start.elapsed());
            }
            cold(10);
            let start = Instant::now();
            assert_eq!(std::hint::black_box(b()), large);
            tb.push(start.elapsed());
        }
        ta.sort();
        tb.sort();
        results.push((name, [ta[ta.len() / 2], tb[tb.len() / 2]]));
    }
    println!("import (native, median of {} runs at 20000 rows and {rounds} at 200000, alternating)", rounds * 10);
    for (name, [a, b]) in &results {
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        println!("  {name:<42} {:>9.2} ms {:>10.2} ms   ratio {ratio:.1}", a.as_secs_f64() * 1e3, b.as_secs_f64() * 1e3);
        if ratio > 12.0 && !name.contains("record") {
            failed.push(format!("{name}: ratio {ratio:.1} > 12"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; "))
    }
}
