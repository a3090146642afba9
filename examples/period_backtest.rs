//! The period back-test on the Maven CRM data: month-end snapshots from
//! April to November 2017, each forecasting the next calendar month's won
//! value (close_value of every deal won in the month, including deals
//! created in it), beside the naive peers. Prints the README's table.
//!
//! `cargo run --release --example period_backtest [path/to/maven_crm]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use stagecast::forecast::backtest::{backtest, BacktestOptions, PeerName, Score};
use stagecast::import::{ColumnMapping, ImportOptions, PRESETS_JSON};
use stagecast::{default_model, parse_csv, Process};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/maven_crm".to_string());
    let text = std::fs::read_to_string(format!("{dir}/sales_pipeline.csv")).expect("sales_pipeline.csv");
    let p = Process::new(default_model()).unwrap();
    let presets: Vec<serde_json::Value> = serde_json::from_str(PRESETS_JSON).unwrap();
    let m: ColumnMapping = serde_json::from_value(presets.into_iter().find(|x| x["name"] == "maven").unwrap()).unwrap();
    let deals = parse_csv(&text, &m, Some(&p), ImportOptions::default()).unwrap().deals;
    let o = BacktestOptions { from: Some("2017-04-30".into()), to: Some("2017-11-30".into()), value_by: Some("product".into()), ..BacktestOptions::default() };
    let start = std::time::Instant::now();
    let b = backtest(&p, &deals, &o).unwrap();
    let took = start.elapsed();
    let k = |x: f64| format!("{:.0}k", x / 1000.0);
    let o = |x: Option<f64>| x.map_or("-".to_string(), k);
    let peer = |n: PeerName, as_of: &str| b.peers.iter().find(|p| p.name == n).and_then(|p| p.periods.iter().find(|x| x.as_of == as_of)).map(|x| x.expected);
    println!("| snapshot | month | P10 | P50 | P90 | expected | actual | inside P10-P90 | run-rate | seasonal naive | weighted pipeline |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for p in &b.periods {
        let inside = p.p10.is_some_and(|l| p.actual >= l) && p.p90.is_some_and(|u| p.actual <= u);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            p.as_of,
            p.start.get(..7).unwrap_or(""),
            o(p.p10),
            o(p.p50),
            o(p.p90),
            k(p.expected),
            k(p.actual),
            if inside { "yes" } else { "no" },
            o(peer(PeerName::RunRate, &p.as_of)),
            o(peer(PeerName::SeasonalNaive, &p.as_of)),
            o(peer(PeerName::WeightedPipeline, &p.as_of)),
        );
    }
    println!("\n| forecaster | months | inside P10-P90 | mean width / expected | MAPE | CRPS | interval score | bias |\n|---|---|---|---|---|---|---|---|");
    let row = |name: &str, s: &Score| {
        println!(
            "| {} | {} | {} | {} | {:.1}% | {} | {} | {:+.1}% |",
            name,
            s.periods,
            s.covered.map_or("-".into(), |c| format!("{c} of {}", s.periods)),
            s.mean_width.map_or("-".into(), |w| format!("{:.0}%", 100.0 * w)),
            100.0 * s.mape,
            k(s.crps),
            o(s.interval_score),
            100.0 * s.bias
        );
    };
    row("stagecast", &b.summary);
    for p in &b.peers {
        let name = match p.name {
            PeerName::RunRate => "run-rate (mean of the last 3 months)",
            PeerName::SeasonalNaive => "seasonal naive (same month, previous quarter)",
            PeerName::WeightedPipeline => "weighted pipeline (sum of P(win) x P(close in month) x amount)",
        };
        row(name, &p.summary);
    }
    println!("\n({} snapshots in {:.1} s)", b.periods.len(), took.as_secs_f64());
}
