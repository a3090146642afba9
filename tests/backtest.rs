//! Period forecasts proven by back-tests: on Maven (real shape, synthetic
//! data), on simulated teams with known truth, and against look-ahead.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic)]

use stagecast::forecast::backtest::{backtest, Backtest, BacktestOptions, PeerName};
use stagecast::import::{ColumnMapping, ImportOptions, PRESETS_JSON};
use stagecast::{default_model, parse_csv, Deal, Process};

fn maven() -> Vec<Deal> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/maven_crm/sales_pipeline.csv");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e} (the Maven data must sit in ../shared/data)"));
    let all: Vec<serde_json::Value> = serde_json::from_str(PRESETS_JSON).unwrap();
    let m: ColumnMapping = serde_json::from_value(all.into_iter().find(|p| p["name"] == "maven").unwrap()).unwrap();
    let out = parse_csv(&text, &m, Some(&process()), ImportOptions::default()).unwrap();
    assert_eq!(out.deals.len(), 8800);
    out.deals
}

fn process() -> Process {
    Process::new(default_model()).unwrap()
}

fn options(from: &str, to: &str) -> BacktestOptions {
    BacktestOptions { from: Some(from.into()), to: Some(to.into()), value_by: Some("product".into()), ..BacktestOptions::default() }
}

fn table(b: &Backtest) -> String {
    let k = |x: f64| format!("{:.0}k", x / 1000.0);
    let o = |x: Option<f64>| x.map_or("-".to_string(), k);
    let mut s = String::from("| snapshot | period | P10 | P50 | P90 | expected | actual | inside |\n|---|---|---|---|---|---|---|---|\n");
    for p in &b.periods {
        let inside = p.p10.is_some_and(|l| p.actual >= l) && p.p90.is_some_and(|u| p.actual <= u);
        s += &format!("| {} | {}..{} | {} | {} | {} | {} | {} | {} |\n", p.as_of, p.start, p.end, o(p.p10), o(p.p50), o(p.p90), k(p.expected), k(p.actual), if inside { "yes" } else { "no" });
    }
    s += "\n| forecaster | periods | covered | mean width / expected | MAPE | CRPS | interval score | bias |\n|---|---|---|---|---|---|---|---|\n";
    let row = |name: &str, sc: &stagecast::forecast::backtest::Score| {
        format!(
            "| {} | {} | {} | {} | {:.1}% | {} | {} | {:+.1}% |\n",
            name,
            sc.periods,
            sc.covered.map_or("-".into(), |c| c.to_string()),
            sc.mean_width.map_or("-".into(), |w| format!("{:.0}%", 100.0 * w)),
            100.0 * sc.mape,
            k(sc.crps),
            o(sc.interval_score),
            100.0 * sc.bias
        )
    };
    s += &row("engine", &b.summary);
    for p in &b.peers {
        s += &row(&format!("{:?}", p.name), &p.summary);
    }
    for f in &b.forecasts {
        s += &format!(
            "{}: won so far {} | open {} ({}-{}, {} deals, weighted {}) | new {} ({}-{}, {:.0} deals x {:.3}) | calendar pos {} months {} factor {:.2} weights {:.2}/{:.2} | spread sd {:.3} over {} months (naive rms {:?})\n",
            f.as_of, k(f.won_so_far.expected), k(f.open.range.expected), k(f.open.range.p10), k(f.open.range.p90), f.open.deals, k(f.open.weighted),
            k(f.new_business.range.expected), k(f.new_business.range.p10), k(f.new_business.range.p90), f.new_business.expected_deals, f.new_business.win_share,
            f.calendar.position, f.calendar.months, f.calendar.open_factor, f.calendar.open_weight, f.calendar.new_weight, f.spread.sd, f.spread.months, f.spread.naive_rms_error
        );
    }
    s
}

/// Month-end snapshots April-November 2017, each forecasting the next
/// calendar month's won value: close_value of every deal won in the month,
/// including deals created within it.
#[test]
fn maven_monthly_backtest_is_honest_and_beats_naive_peers() {
    let deals = maven();
    let b = backtest(&process(), &deals, &options("2017-04-30", "2017-11-30")).unwrap();
    println!("{}", table(&b));
    let ends: Vec<&str> = b.periods.iter().map(|p| p.as_of.as_str()).collect();
    assert_eq!(ends, ["2017-04-30", "2017-05-31", "2017-06-30", "2017-07-31", "2017-08-31", "2017-09-30", "2017-10-31", "2017-11-30"]);
    // The actuals are the months' won close_value.
    let actual: Vec<f64> = b.periods.iter().map(|p| p.actual).collect();
    assert_eq!(actual, [1_025_713.0, 1_338_466.0, 696_932.0, 1_050_059.0, 1_235_264.0, 731_980.0, 938_943.0, 1_131_573.0]);
    let s = &b.summary;
    assert!(s.covered.unwrap() >= 6, "covered {:?}", s.covered);
    assert!(s.mean_width.unwrap() <= 0.6, "width {:?}", s.mean_width);
    let peer = |n: PeerName| &b.peers.iter().find(|p| p.name == n).unwrap().summary;
    for n in [PeerName::RunRate, PeerName::WeightedPipeline] {
        assert!(s.mape < peer(n).mape && s.crps < peer(n).crps, "{n:?}");
    }
    assert!(peer(PeerName::SeasonalNaive).periods >= 7);
}
