//! The Maven back-test runs, deterministically, and its figures are sane.
//! The table itself: `cargo run --release --example backtest`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

#[path = "../examples/backtest.rs"]
mod backtest;

#[test]
fn maven_backtest_runs_and_is_sane() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/maven_crm");
    let rows = backtest::run(dir);
    let snaps: Vec<&str> = rows.iter().map(|r| r.snapshot.as_str()).collect();
    assert_eq!(snaps, ["2017-04-30", "2017-05-31", "2017-06-30", "2017-07-31", "2017-08-31", "2017-09-30", "2017-10-31", "2017-11-30"]);
    for r in &rows {
        assert!(r.open > 1000 && r.open < 3000, "{}: {}", r.snapshot, r.open);
        assert!(r.win_rate > 0.55 && r.win_rate < 0.72, "{}", r.win_rate);
        assert!(r.p10 > 0.0 && r.p10 <= r.p50 && r.p50 <= r.p90, "{}", r.snapshot);
        assert!(r.expected >= r.p10 - r.max_error && r.expected <= r.p90 + r.max_error);
        // The period keeps only part of the weighted pipeline.
        assert!(r.expected < 0.5 * r.weighted_all && r.expected > 0.05 * r.weighted_all);
        // The common factor widens the range around the same centre.
        assert!(r.dep_p10 < r.p10 && r.dep_p90 > r.p90);
        assert!(r.actual > 0.0 && r.actual < 2e6);
        // The grid bound stays small next to the range.
        assert!(r.max_error < 0.5 * (r.p90 - r.p10));
    }
    let (mape, _, inside, _) = backtest::summary(&rows);
    assert!(mape.is_finite() && mape < 1.5, "{mape}");
    assert!(inside <= rows.len());
    // Same input, same figures.
    let again = backtest::run(dir);
    assert!(rows.iter().zip(&again).all(|(a, b)| a.expected == b.expected && a.p50 == b.p50));
    println!("{}", backtest::table(&rows));
}
