//! The period back-test on the Maven CRM data: month-end snapshots from
//! April to November 2017, each forecasting the next calendar month's won
//! value (close_value of every deal won in the month, including deals
//! created in it), beside the naive peers. Prints the README's table
//! (`tests/backtest.rs` checks that the README shows exactly this).
//!
//! `cargo run --release --example period_backtest [path/to/maven_crm]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, dead_code)]

use stagecast::Scorer;
use stagecast::forecast::backtest::{backtest, Backtest, BacktestOptions, PeerName, Score};
use stagecast::import::{ColumnMapping, ImportOptions, PRESETS_JSON};
use stagecast::{default_model, parse_csv, Deal, Process};

/// The Maven deals (`sales_pipeline.csv` in `dir`) as the "maven" preset
/// imports them; 8,800 deals, or a panic saying where the data must be.
pub fn maven_deals(dir: &str, p: &Process) -> Vec<Deal> {
    let path = format!("{dir}/sales_pipeline.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} (the Maven data must sit in ../shared/data)"));
    let presets: Vec<serde_json::Value> = serde_json::from_str(PRESETS_JSON).unwrap();
    let m: ColumnMapping = serde_json::from_value(presets.into_iter().find(|x| x["name"] == "maven").unwrap()).unwrap();
    let deals = parse_csv(&text, &m, Some(p), ImportOptions::default()).unwrap().deals;
    assert_eq!(deals.len(), 8800, "{path}: the Maven file has 8,800 deals");
    deals
}

/// The Maven deals back-tested from April to November 2017, open deals
/// valued by their product.
pub fn run(dir: &str) -> Backtest {
    let p = Scorer::new(default_model()).unwrap();
    let deals = maven_deals(dir, &p);
    let o = BacktestOptions { from: Some("2017-04-30".into()), to: Some("2017-11-30".into()), value_by: Some("product".into()), ..BacktestOptions::default() };
    backtest(&p, &deals, &o).unwrap()
}

/// The README's two tables: the months, then the scores.
pub fn table(b: &Backtest) -> String {
    let k = |x: f64| format!("{:.0}k", x / 1000.0);
    let o = |x: Option<f64>| x.map_or("-".to_string(), k);
    let peer = |n: PeerName, as_of: &str| b.peers.iter().find(|p| p.name == n).and_then(|p| p.periods.iter().find(|x| x.as_of == as_of)).map(|x| x.expected);
    let mut s = String::from("| snapshot | month | P10 | P50 | P90 | expected | actual | inside P10–P90 | run-rate | seasonal naive | weighted pipeline |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for p in &b.periods {
        let inside = p.p10.is_some_and(|l| p.actual >= l) && p.p90.is_some_and(|u| p.actual <= u);
        s += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
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
    s += "\n| forecaster | months | inside P10–P90 | mean width / expected | MAPE | CRPS | interval score | bias |\n|---|---|---|---|---|---|---|---|\n";
    let mut row = |name: &str, sc: &Score| {
        s += &format!(
            "| {} | {} | {} | {} | {:.1}% | {} | {} | {:+.1}% |\n",
            name,
            sc.periods,
            sc.covered.map_or("-".into(), |c| format!("{c} of {}", sc.periods)),
            sc.mean_width.map_or("-".into(), |w| format!("{:.0}%", 100.0 * w)),
            100.0 * sc.mape,
            k(sc.crps),
            o(sc.interval_score),
            100.0 * sc.bias
        );
    };
    row("**stagecast**", &b.summary);
    for p in &b.peers {
        let name = match p.name {
            PeerName::RunRate => "run-rate (mean of the last 3 months)",
            PeerName::SeasonalNaive => "seasonal naive (same month, previous quarter)",
            PeerName::WeightedPipeline => "weighted pipeline (Σ P(win) × P(close in month) × amount)",
        };
        row(name, &p.summary);
    }
    s
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/maven_crm".to_string());
    let start = std::time::Instant::now();
    let b = run(&dir);
    let took = start.elapsed();
    print!("{}", table(&b));
    println!("\n({} snapshots in {:.1} s)", b.periods.len(), took.as_secs_f64());
}
