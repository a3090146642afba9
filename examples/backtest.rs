//! Back-test of `forecast` on the Maven CRM pipeline: at each month end from
//! April 2017, forecast the value won in the next 30 days from the deals open
//! at that date, using only what is dated up to it, and compare with what was
//! won.
//!
//! `cargo run --release --example backtest [path/to/maven_crm]`
//!
//! - Open at snapshot s: engaged on or before s and not closed by s.
//!   Prospecting deals carry no date at all, so whether they existed at s is
//!   unknown: they are left out (they never close in the data either).
//! - Value of an open deal: the list price of its product (`products.csv`,
//!   "GTXPro" read as "GTX Pro"); the close value is not known before the
//!   close, and Lost deals have 0.
//! - Probability: the engine calibrated at s on the deals closed by s (the
//!   one milestone "engaged", with the product and the sales agent as
//!   attributes), as a team would run it that day. The win rate of those
//!   deals is shown beside it for reference.
//! - Time to close: learned from deals closed by s, open ones censored at s.
//! - Actual: sum of close_value of those open deals won in (s, s + 30 days].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::HashMap;

use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::deal::{civil_from_days, parse_date};
use stagecast::forecast::{self, Options};
use stagecast::{Deal, Event, Milestone, Process, ProcessModel, Status};

pub struct Row {
    pub snapshot: String,
    pub open: u32,
    pub win_rate: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub expected: f64,
    /// Σ price × P(won) with no period: what a weighted pipeline would say.
    pub weighted_all: f64,
    pub actual: f64,
    pub max_error: f64,
    /// P10 and P90 under a common factor with sd `FACTOR_SD`.
    pub dep_p10: f64,
    pub dep_p90: f64,
}

/// Standard deviation of the common market factor shown beside the
/// independent range (an illustration, not learned).
pub const FACTOR_SD: f64 = 0.3;

struct Rec {
    id: String,
    agent: String,
    product: String,
    stage: String,
    engage: Option<i32>,
    close: Option<i32>,
    value: f64,
}

fn read(dir: &str) -> (Vec<Rec>, HashMap<String, f64>) {
    let key = |s: &str| s.replace(' ', "");
    let products = std::fs::read_to_string(format!("{dir}/products.csv")).expect("products.csv");
    let price: HashMap<String, f64> = products
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((key(f.first()?), f.get(2)?.trim().parse().ok()?))
        })
        .collect();
    let pipeline = std::fs::read_to_string(format!("{dir}/sales_pipeline.csv")).expect("sales_pipeline.csv");
    let date = |s: &str| if s.is_empty() { None } else { Some(parse_date("", s).unwrap()) };
    let recs = pipeline
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.trim_end().split(',').collect();
            Rec {
                id: f[0].to_string(),
                agent: f[1].to_string(),
                product: key(f[2]),
                stage: f[4].to_string(),
                engage: date(f[5]),
                close: date(f[6]),
                value: f[7].parse().unwrap_or(0.0),
            }
        })
        .collect();
    (recs, price)
}

/// Month ends from April 2017 whose next 30 days lie within the data.
fn snapshots(last_close: i32) -> Vec<i32> {
    (4..=12)
        .map(|m| parse_date("", &format!("2017-{:02}-01", m + 1).replace("2017-13", "2018-01")).unwrap() - 1)
        .filter(|s| s + 30 <= last_close)
        .collect()
}

pub fn run(dir: &str) -> Vec<Row> {
    let (recs, price) = read(dir);
    let last_close = recs.iter().filter_map(|r| r.close).max().unwrap();
    let engaged = |day: i32| vec![Event { milestone: "engaged".into(), date: Some(civil_from_days(day)) }];
    let deal = |r: &Rec, e: i32| Deal {
        id: r.id.clone(),
        seller: Some(r.agent.clone()),
        attributes: [("product".to_string(), r.product.clone())].into_iter().collect(),
        events: engaged(e),
        ..Deal::default()
    };
    let mut rows = Vec::new();
    for s in snapshots(last_close) {
        let mut history = Vec::new();
        let mut open = Vec::new();
        let mut actual = 0.0;
        let (mut won, mut lost) = (0u32, 0u32);
        for r in &recs {
            let Some(e) = r.engage.filter(|&e| e <= s) else { continue };
            match r.close {
                Some(c) if c <= s => {
                    let status = if r.stage == "Won" { Status::Won } else { Status::Lost };
                    if status == Status::Won { won += 1 } else { lost += 1 }
                    history.push(Deal { status, close_date: Some(civil_from_days(c)), ..deal(r, e) });
                }
                close => {
                    if r.stage == "Won" && close.is_some_and(|c| c <= s + 30) {
                        actual += r.value;
                    }
                    open.push(Deal { value: price.get(&r.product).copied(), ..deal(r, e) });
                }
            }
        }
        let win_rate = f64::from(won) / f64::from((won + lost).max(1));
        // Priors say nothing (50%): what the engine reports is learned.
        let model = ProcessModel {
            milestones: vec![Milestone { id: "engaged".into(), label: String::new(), mandatory: true, after: vec![], probability: Some(0.5) }],
            base_probability: Some(0.5),
            calibration: None,
        };
        let priors = Process::new(model).unwrap();
        let process = Process::new(calibrate(&priors, &history, &CalibrateOptions::default()).unwrap()).unwrap();
        let o = Options {
            as_of: Some(civil_from_days(s)),
            period_end: Some(civil_from_days(s + 30)),
            history,
            common_factor: Some(forecast::CommonFactor { sd: FACTOR_SD }),
            ..Options::default()
        };
        let f = forecast::forecast(&process, &open, &o, None).unwrap();
        let all = forecast::forecast(&process, &open, &Options::default(), None).unwrap();
        rows.push(Row {
            snapshot: civil_from_days(s),
            open: f.open_deals,
            win_rate,
            p10: f.model.p10,
            p50: f.model.p50,
            p90: f.model.p90,
            expected: f.model.expected,
            weighted_all: all.model.expected,
            actual,
            max_error: f.model.max_error,
            dep_p10: f.dependent.as_ref().map_or(0.0, |d| d.p10),
            dep_p90: f.dependent.as_ref().map_or(0.0, |d| d.p90),
        });
    }
    rows
}

pub fn table(rows: &[Row]) -> String {
    let k = |x: f64| format!("{:.0}k", x / 1000.0);
    let mut out = String::from(
        "| snapshot | open deals | win rate | P10 | P50 | P90 | expected | actual | error (exp - act) | APE | in P10-P90 | P10-P90 with common factor sd 0.3 | inside | weighted pipeline (no period) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let inside = r.actual >= r.p10 && r.actual <= r.p90;
        out += &format!(
            "| {} | {} | {:.3} | {} | {} | {} | {} | {} | {} | {:.1}% | {} | {}-{} | {} | {} |\n",
            r.snapshot,
            r.open,
            r.win_rate,
            k(r.p10),
            k(r.p50),
            k(r.p90),
            k(r.expected),
            k(r.actual),
            k(r.expected - r.actual),
            100.0 * (r.expected - r.actual).abs() / r.actual,
            if inside { "yes" } else { "no" },
            k(r.dep_p10),
            k(r.dep_p90),
            if r.actual >= r.dep_p10 && r.actual <= r.dep_p90 { "yes" } else { "no" },
            k(r.weighted_all),
        );
    }
    let (mape, mape50, inside, bias) = summary(rows);
    let dep_inside = rows.iter().filter(|r| r.actual >= r.dep_p10 && r.actual <= r.dep_p90).count();
    out += &format!("\nactual inside the common-factor P10-P90: {} of {}\n", dep_inside, rows.len());
    out += &format!(
        "MAPE of expected: {:.1}%; MAPE of P50: {:.1}%; mean error (expected - actual): {}; actual inside P10-P90: {} of {}; largest grid error bound: {:.0}\n",
        100.0 * mape,
        100.0 * mape50,
        k(bias),
        inside,
        rows.len(),
        rows.iter().map(|r| r.max_error).fold(0.0, f64::max)
    );
    out
}

/// (MAPE of expected, MAPE of P50, count inside P10-P90, mean error).
pub fn summary(rows: &[Row]) -> (f64, f64, usize, f64) {
    let n = rows.len().max(1) as f64;
    let mape = rows.iter().map(|r| (r.expected - r.actual).abs() / r.actual).sum::<f64>() / n;
    let mape50 = rows.iter().map(|r| (r.p50 - r.actual).abs() / r.actual).sum::<f64>() / n;
    let inside = rows.iter().filter(|r| r.actual >= r.p10 && r.actual <= r.p90).count();
    let bias = rows.iter().map(|r| r.expected - r.actual).sum::<f64>() / n;
    (mape, mape50, inside, bias)
}

#[allow(dead_code)]
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/maven_crm".to_string());
    let start = std::time::Instant::now();
    let rows = run(&dir);
    print!("{}", table(&rows));
    println!("({} snapshots in {:.0} ms)", rows.len(), start.elapsed().as_secs_f64() * 1000.0);
}
