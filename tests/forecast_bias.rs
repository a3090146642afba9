//! The forecast's "sellers corrected" view uses the bias calibration learned:
//! a seller who says 90% and wins 40% is corrected down, not copied.
#![allow(clippy::expect_used)]

use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::forecast::{forecast_calibrated, Options};
use stagecast::{default_model, Deal, Event, Status};

fn deal(id: usize, seller: &str, said: f64, status: Status) -> Deal {
    Deal {
        id: format!("d{id}"),
        seller: Some(seller.to_string()),
        value: Some(100.0),
        status,
        seller_probability: Some(said),
        events: vec![Event { milestone: "need_confirmed".into(), date: Some("2024-01-10".into()) }],
        close_date: if status == Status::Open { None } else { Some("2024-03-01".into()) },
        ..Deal::default()
    }
}

#[test]
fn over_confident_seller_is_corrected_down() {
    let process = Scorer::new(default_model()).expect("model");
    // Ann says 90% and wins 4 in 10; Bo says 30% and wins 2 in 10.
    let mut history = Vec::new();
    for i in 0..300 {
        let won = if i % 10 < 3 { Status::Won } else { Status::Lost };
        history.push(deal(i, if i % 2 == 0 { "Ann" } else { "Bo" }, if i % 2 == 0 { 0.9 } else { 0.3 }, won));
    }
    let model = calibrate(&process, &history, &CalibrateOptions::default()).expect("calibrate");
    let calibrated = Scorer::new(model).expect("calibrated model");
    let open: Vec<Deal> = (0..20).map(|i| deal(1000 + i, "Ann", 0.9, Status::Open)).collect();
    let f = forecast_calibrated(&calibrated, &open, &Options::default()).expect("forecast");
    let raw = f.sellers_raw.expected;
    let corrected = f.sellers_corrected.expect("a corrected view from the learned bias").expected;
    assert!((raw - 20.0 * 100.0 * 0.9).abs() < 1e-6, "raw {raw}");
    assert!(corrected < 0.5 * raw, "corrected {corrected} should be far below raw {raw}");
    assert!((corrected - 0.4 * 20.0 * 100.0).abs() < 0.05 * 20.0 * 100.0, "corrected {corrected} near Ann's 40%");
    // Without calibration there is nothing to correct with.
    let plain = forecast_calibrated(&process, &open, &Options::default()).expect("forecast");
    assert!(plain.sellers_corrected.is_none());
}

