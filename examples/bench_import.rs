//! `make bench` (scripts/bench.sh): history imports of 20,000 and 200,000
//! rows must grow linearly (time ratio at most 12 for 10x the rows).
//! Times a Salesforce Opportunity History report, a long-format history
//! file, and the chunked row-per-deal import (2,000-row chunks, as the
//! worker does), with the old offsetRows chunking for the record.
//! Run: `cargo run --release --example bench_import` (BENCH_QUICK=1: one
//! round instead of five). Exits with an error when a ratio is above 12.
//! Every timed run starts cold (caches flushed, the allocator's free memory
//! returned to the system); the output shows the page faults per 1,000
//! rows at each size, which should be alike.
//! BENCH_CURVE=1 prints the time per row at 10k..400k rows; BENCH_ONE=n
//! runs the Salesforce import at n rows (2M rows in all) for a profiler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic_in_result_fn)]
// One call into the C library (`malloc_trim`, below): the benchmark's only
// unsafe code; the library itself stays free of it.
#![allow(unsafe_code)]

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

/// Gives the memory the allocator holds free back to the system, so that
/// the next run gets fresh pages, as a first import does. glibc keeps freed
/// memory, and after a 200,000-row run it keeps enough for the 20,000-row
/// runs that follow: they then ran on pages already mapped (0 page faults
/// per 1,000 rows, against about 40 for the 200,000-row run, at about 4 us
/// each on this VM), which favoured the small size. Elsewhere a no-op.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free memory to the system; it
        // is safe to call at any time from one thread.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Minor page faults of the process so far (Linux), to show that both
/// sizes start cold.
fn page_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    stat.rsplit(')').next()?.split_whitespace().nth(7)?.parse().ok()
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
    // Each case: its name, the median times and the page faults per 1,000
    // rows (where the system says) at each size.
    type Result<'a> = (&'a str, [Duration; 2], [Option<u64>; 2]);
    let mut results: Vec<Result> = Vec::new();
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
    // A real import reads a file once, cold: before every timed run, free
    // memory goes back to the system (`release_free_memory`) and 64 MiB
    // are written and read so that no run starts with its input or its
    // allocations warm in the caches from the run before (which would
    // favour the small size, run ten times in a row).
    let mut flush = vec![0u8; 64 << 20];
    let mut cold = |k: usize| {
        release_free_memory();
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
        // Page faults in the timed runs of each size, in all.
        let mut faults = [Some(0u64); 2];
        let mut count = |size: usize, before: Option<u64>| {
            faults[size] = faults[size].zip(before.zip(page_faults())).map(|(n, (a, b))| n + b.saturating_sub(a));
        };
        let rounds = if name.contains("record") { 1 } else { rounds };
        for _ in 0..rounds {
            for k in 0..10 {
                cold(k);
                let before = page_faults();
                let start = Instant::now();
                assert_eq!(std::hint::black_box(a()), small);
                ta.push(start.elapsed());
                count(0, before);
            }
            cold(10);
            let before = page_faults();
            let start = Instant::now();
            assert_eq!(std::hint::black_box(b()), large);
            tb.push(start.elapsed());
            count(1, before);
        }
        ta.sort();
        tb.sort();
        let per_1000_rows = [faults[0].map(|n| n * 1000 / (small * ta.len()) as u64), faults[1].map(|n| n * 1000 / (large * tb.len()) as u64)];
        results.push((name, [ta[ta.len() / 2], tb[tb.len() / 2]], per_1000_rows));
    }
    println!("import (native, median of {} runs at 20000 rows and {rounds} at 200000, alternating; page faults per 1000 rows)", rounds * 10);
    for (name, [a, b], f) in &results {
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        let f = f.map(|n| n.map_or("-".to_string(), |n| n.to_string()));
        println!("  {name:<42} {:>9.2} ms {:>10.2} ms   ratio {ratio:.1}   faults {} / {}", a.as_secs_f64() * 1e3, b.as_secs_f64() * 1e3, f[0], f[1]);
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
