//! `forecast` and `learn` (time to close) on small hand-made pipelines.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use serde_json::json;
use stagecast::Scorer;
use stagecast::forecast::{self, timing, CommonFactor, Measure, Options};
use stagecast::{default_model, Deal};

fn process() -> Scorer {
    Scorer::new(default_model()).unwrap()
}

fn deals(v: serde_json::Value) -> Vec<Deal> {
    serde_json::from_value(v).unwrap()
}

fn prob(p: &Scorer, ms: &[&str]) -> f64 {
    let d: Deal = serde_json::from_value(json!({"id": "x", "events": ms.iter().map(|m| json!({"milestone": m})).collect::<Vec<_>>()})).unwrap();
    stagecast::score_deal(p, &d).unwrap().probability
}

#[test]
fn empty_pipeline_is_all_zeros() {
    let f = forecast::forecast(&process(), &[], &Options { target: Some(100.0), ..Options::default() }, None).unwrap();
    assert_eq!(f.open_deals, 0);
    assert_eq!((f.model.expected, f.model.p10, f.model.p50, f.model.p90), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(f.model.p_at_least_target, Some(0.0));
    assert_eq!(f.model.expected_shortfall, Some(100.0));
    assert_eq!(f.coverage, Some(0.0));
    assert!(f.sellers_corrected.is_none());
}

#[test]
fn model_and_seller_views_side_by_side() {
    let p = process();
    let ds = deals(json!([
        {"id": "a", "seller": "ann", "value": 100.0, "margin": 30.0, "sellerProbability": 0.9, "events": [{"milestone": "need_confirmed"}]},
        {"id": "b", "seller": "bob", "value": 50.0, "margin": 10.0, "events": [{"milestone": "need_confirmed"}, {"milestone": "mobilizer_met"}]},
        {"id": "c", "seller": "ann", "value": 70.0, "status": "won", "closeDate": "2024-01-01"},
        {"id": "d", "seller": "bob", "sellerProbability": 0.5}
    ]));
    let pa = prob(&p, &["need_confirmed"]);
    let pb = prob(&p, &["need_confirmed", "mobilizer_met"]);
    let o = Options { target: Some(120.0), ..Options::default() };
    let f = forecast::forecast(&p, &ds, &o, None).unwrap();
    assert_eq!((f.open_deals, f.closed_ignored, f.without_seller_probability, f.without_amount), (3, 1, 1, 1));
    assert!((f.model.expected - (100.0 * pa + 50.0 * pb)).abs() < 1e-9);
    assert!((f.sellers_raw.expected - (100.0 * 0.9 + 50.0 * pb)).abs() < 1e-9, "b keeps the model probability");
    assert!((f.coverage.unwrap() - f.weighted_pipeline / 120.0).abs() < 1e-12);
    assert_eq!(f.pipeline, 150.0);
    assert!(f.sellers_corrected.is_none());
    // Identity correction: same as raw. A known correction: ann is over-optimistic by half.
    let id = |_: &str, x: f64| x;
    let f = forecast::forecast(&p, &ds, &o, Some(&id)).unwrap();
    assert_eq!(f.sellers_corrected.as_ref().unwrap().expected, f.sellers_raw.expected);
    let halve_ann = |s: &str, x: f64| if s == "ann" { x / 2.0 } else { x };
    let f = forecast::forecast(&p, &ds, &o, Some(&halve_ann)).unwrap();
    assert!((f.sellers_corrected.unwrap().expected - (100.0 * 0.45 + 50.0 * pb)).abs() < 1e-9);
    // Margin.
    let f = forecast::forecast(&p, &ds, &Options { measure: Measure::Margin, ..Options::default() }, None).unwrap();
    assert!((f.model.expected - (30.0 * pa + 10.0 * pb)).abs() < 1e-9);
}

/// History: deals reaching "mobilizer_met" close 10 days later (closes at
/// day 10 only); a deal 5 days into that state closes within 10 days for
/// sure and within 3 days never.
fn history() -> Vec<Deal> {
    let mut v = Vec::new();
    for i in 0..30 {
        let start = 1 + (i % 15);
        v.push(json!({
            "id": format!("h{i}"), "status": if i % 3 == 0 { "lost" } else { "won" },
            "events": [
                {"milestone": "need_confirmed", "date": format!("2024-01-{:02}", start)},
                {"milestone": "mobilizer_met", "date": format!("2024-01-{:02}", start + 2)}
            ],
            "closeDate": format!("2024-01-{:02}", start + 12)
        }));
    }
    deals(json!(v))
}

#[test]
fn period_uses_conditional_time_to_close() {
    let p = process();
    let ds = deals(json!([
        {"id": "a", "value": 100.0, "events": [
            {"milestone": "need_confirmed", "date": "2024-02-01"},
            {"milestone": "mobilizer_met", "date": "2024-02-05"}]}
    ]));
    let pa = prob(&p, &["need_confirmed", "mobilizer_met"]);
    let mut o = Options { as_of: Some("2024-02-10".into()), period_end: Some("2024-02-20".into()), history: history(), ..Options::default() };
    let f = forecast::forecast(&p, &ds, &o, None).unwrap();
    assert_eq!(f.deals[0].days_in_state, Some(5));
    assert!((f.deals[0].close_in_period - 1.0).abs() < 1e-12, "{:?}", f.deals[0]);
    assert!((f.model.expected - 100.0 * pa).abs() < 1e-9);
    o.period_end = Some("2024-02-13".into());
    let f = forecast::forecast(&p, &ds, &o, None).unwrap();
    assert_eq!(f.deals[0].close_in_period, 0.0);
    assert_eq!(f.model.expected, 0.0);
    // Same answer from a learned timing model passed as data.
    let t = timing::learn(&p, &history(), None).unwrap();
    let json = serde_json::to_value(&t).unwrap();
    let t2: forecast::Timing = serde_json::from_value(json).unwrap();
    let o2 = Options { timing: Some(t2), history: Vec::new(), ..o.clone() };
    assert_eq!(forecast::forecast(&p, &ds, &o2, None).unwrap().deals[0].close_in_period, 0.0);
    // 20 days in the state: older than any deal in history, which is said.
    o.as_of = Some("2024-02-25".into());
    o.period_end = Some("2024-03-25".into());
    let f = forecast::forecast(&p, &ds, &o, None).unwrap();
    assert_eq!(f.beyond_history, 1);
    assert_eq!(f.stale, vec!["a".to_string()], "10 days is the learned dwell");
}

#[test]
fn learned_curves_back_off_and_censor() {
    let p = process();
    let t = timing::learn(&p, &history(), None).unwrap();
    let levels: Vec<&str> = t.curves.iter().map(|c| c.level.as_str()).collect();
    assert_eq!(levels, vec!["state", "state", "milestone", "milestone", "all"]);
    let mob = t.curves.iter().find(|c| c.level == "state" && c.milestones.len() == 2).unwrap();
    assert_eq!((mob.deals, mob.closes, mob.days.clone(), mob.dwell_p90), (30, 30, vec![10], Some(10)));
    // Open deals are censored at asOf: they keep the curve above 0.
    let mut h = history();
    h.extend(deals(json!([{"id": "o", "events": [{"milestone": "need_confirmed", "date": "2024-01-01"}, {"milestone": "mobilizer_met", "date": "2024-01-02"}]}])));
    let t = timing::learn(&p, &h, Some(stagecast::deal::parse_date("", "2024-03-01").unwrap())).unwrap();
    let mob = t.curves.iter().find(|c| c.level == "state" && c.milestones.len() == 2).unwrap();
    assert_eq!((mob.deals, mob.closes, mob.max_days), (31, 30, 59));
    assert!(mob.open[0] > 0.0 && mob.open[0] < 0.05);
}

#[test]
fn common_factor_reports_both_widths() {
    let p = process();
    let v: Vec<serde_json::Value> = (0..200)
        .map(|i| json!({"id": format!("d{i}"), "value": 1000.0 + (i * 37 % 500) as f64, "events": [{"milestone": "need_confirmed"}, {"milestone": "mobilizer_met"}, {"milestone": "solution_presented"}]}))
        .collect();
    let ds = deals(json!(v));
    let o = Options { common_factor: Some(CommonFactor { sd: 0.25 }), ..Options::default() };
    let f = forecast::forecast(&p, &ds, &o, None).unwrap();
    let wd = f.width_dependent.unwrap();
    assert!(wd > 1.5 * f.width_independent, "{wd} vs {}", f.width_independent);
    assert!((f.dependent.unwrap().expected - f.model.expected).abs() < 1e-6 * f.model.expected);
}

#[test]
fn bad_options_are_named() {
    let p = process();
    let ds = deals(json!([{"id": "a", "value": 1.0}]));
    let check = |o: Options, want: &str| {
        let e = forecast::forecast(&p, &ds, &o, None).unwrap_err();
        assert!(e.to_string().starts_with(want), "{e} !~ {want}");
    };
    check(Options { target: Some(f64::NAN), ..Options::default() }, "options.target: must be a finite number");
    check(Options { common_factor: Some(CommonFactor { sd: -1.0 }), ..Options::default() }, "options.commonFactor.sd:");
    check(Options { common_factor: Some(CommonFactor { sd: f64::INFINITY }), ..Options::default() }, "options.commonFactor.sd:");
    check(Options { period_end: Some("2024-01-01".into()), as_of: Some("2024-01-02".into()), ..Options::default() }, "options.history: is required");
    check(
        Options { period_end: Some("2024-01-01".into()), as_of: Some("2024-01-02".into()), history: history(), ..Options::default() },
        "options.periodEnd: must not be before asOf",
    );
    check(Options { as_of: Some("2024-02-30".into()), ..Options::default() }, "options.asOf: must be a date");
    let bad = deals(json!([{"id": "a", "value": -1.0}]));
    let e = forecast::forecast(&p, &bad, &Options::default(), None).unwrap_err();
    assert_eq!(e.to_string(), "deals[0].value: must be a finite number >= 0");
    let mut h = history();
    h[2].close_date = Some("2024-13-01".into());
    let o = Options { period_end: Some("2024-03-01".into()), history: h, ..Options::default() };
    assert_eq!(forecast::forecast(&p, &ds, &o, None).unwrap_err().path, "options.history[2].closeDate");
}
