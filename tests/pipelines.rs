//! Several pipelines: each gets its own process model and calibration.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::pipelines::{calibrate_pipelines, model_for, score_by_pipeline, PipelineModel, PipelineOptions};
use stagecast::{default_model, score_deal, Deal, Event, Milestone, ProcessModel, Status};

const LADDER: [&str; 4] = ["need_confirmed", "mobilizer_met", "solution_presented", "proposal_requested"];

/// `n` closed deals of one pipeline, spread over the first 1..=4 steps;
/// a deal at depth d wins with probability `rate + 0.05 * d`.
fn deals(pipeline: Option<&str>, n: usize, rate: f64) -> Vec<Deal> {
    (0..n)
        .map(|i| {
            let depth = 1 + i % 4;
            let won = ((i * 7919) % 1000) as f64 / 1000.0 < rate + 0.05 * depth as f64;
            Deal {
                id: format!("{}-{i}", pipeline.unwrap_or("none")),
                pipeline: pipeline.map(str::to_string),
                status: if won { Status::Won } else { Status::Lost },
                events: LADDER[..depth].iter().map(|m| Event { milestone: m.to_string(), date: None }).collect(),
                ..Deal::default()
            }
        })
        .collect()
}

fn open(pipeline: Option<&str>, depth: usize) -> Deal {
    Deal {
        id: "o".into(),
        pipeline: pipeline.map(str::to_string),
        events: LADDER[..depth].iter().map(|m| Event { milestone: m.to_string(), date: None }).collect(),
        ..Deal::default()
    }
}

fn won_share(m: &PipelineModel) -> f64 {
    let c = m.model.calibration.as_ref().unwrap();
    f64::from(c.won) / f64::from(c.deals)
}

#[test]
fn two_pipelines_with_different_win_rates_get_their_own_calibration() {
    let p = Scorer::new(default_model()).unwrap();
    // Interleaved: renewals win far more often than new business.
    let mut history = Vec::new();
    for (a, b) in deals(Some("new business"), 800, 0.10).into_iter().zip(deals(Some("renewals"), 800, 0.60)) {
        history.push(b);
        history.push(a);
    }
    let models = calibrate_pipelines(&p, &history, &PipelineOptions::default()).unwrap();
    let names: Vec<Option<&str>> = models.iter().map(|m| m.pipeline.as_deref()).collect();
    assert_eq!(names, vec![Some("new business"), Some("renewals")]);
    let (nb, rn) = (won_share(&models[0]), won_share(&models[1]));
    println!("win rates: new business {nb:.3}, renewals {rn:.3}");
    assert!(nb < 0.3 && rn > 0.6, "{nb} {rn}");
    assert_eq!(models[0].model.calibration.as_ref().unwrap().deals, 800);
    // Each pipeline's model is the one calibrated on that pipeline alone.
    let alone = calibrate(&p, &history.iter().filter(|d| d.pipeline.as_deref() == Some("renewals")).cloned().collect::<Vec<_>>(), &CalibrateOptions::default()).unwrap();
    assert_eq!(models[1].model, alone);
    // The same state scores by its pipeline's history, near its true rate
    // (0.60 + 0.05 * 2 at depth 2 for renewals, 0.20 for new business);
    // pooled, both would get the average.
    let scores = score_by_pipeline(&p, &models, &[open(Some("new business"), 2), open(Some("renewals"), 2)]).unwrap();
    let pooled = Scorer::new(calibrate(&p, &history, &CalibrateOptions::default()).unwrap()).unwrap();
    let pooled_score = score_deal(&pooled, &open(None, 2)).unwrap().probability;
    println!("depth 2: new business {:.3}, renewals {:.3}, pooled {pooled_score:.3}", scores[0].probability, scores[1].probability);
    assert!((scores[0].probability - 0.20).abs() < 0.06, "{}", scores[0].probability);
    assert!((scores[1].probability - 0.70).abs() < 0.06, "{}", scores[1].probability);
    assert!(scores[0].probability < pooled_score && pooled_score < scores[1].probability);
    // A pipeline with no model falls back to the `None` model if there is one.
    assert!(model_for(&models, &open(Some("partners"), 1)).is_none());
    let mut with_default = models.clone();
    with_default.insert(0, PipelineModel { pipeline: None, model: pooled.model.clone() });
    assert_eq!(model_for(&with_default, &open(Some("partners"), 1)).unwrap().pipeline, None);
    assert_eq!(model_for(&with_default, &open(Some("renewals"), 1)).unwrap().pipeline.as_deref(), Some("renewals"));
    // Through JSON (the shape the UI gets): `pipeline` on deals and models.
    let j = serde_json::to_value(&models[1]).unwrap();
    assert_eq!(j["pipeline"], "renewals");
    let d: Deal = serde_json::from_str(r#"{"id":"x","pipeline":"renewals"}"#).unwrap();
    assert_eq!(d.pipeline.as_deref(), Some("renewals"));
    assert!(serde_json::to_value(open(None, 1)).unwrap().get("pipeline").is_none());
}

#[test]
fn a_pipeline_with_its_own_stages_uses_its_own_model() {
    let p = Scorer::new(default_model()).unwrap();
    let m = |id: &str| Milestone { id: id.into(), label: String::new(), mandatory: true, after: vec![], probability: None };
    let renewal = ProcessModel { milestones: vec![m("usage_reviewed"), m("renewal_quoted")], base_probability: None, calibration: None };
    let mut history = deals(None, 200, 0.2);
    for (k, mut d) in deals(Some("renewals"), 200, 0.5).into_iter().enumerate() {
        d.events = [["usage_reviewed"].as_slice(), &["usage_reviewed", "renewal_quoted"]][k % 2]
            .iter()
            .map(|s| Event { milestone: s.to_string(), date: None })
            .collect();
        history.push(d);
    }
    let options = PipelineOptions { models: vec![PipelineModel { pipeline: Some("renewals".into()), model: renewal.clone() }], ..PipelineOptions::default() };
    let models = calibrate_pipelines(&p, &history, &options).unwrap();
    assert_eq!(models.iter().map(|m| m.pipeline.as_deref()).collect::<Vec<_>>(), vec![None, Some("renewals")]);
    assert_eq!(models[1].model.milestones, renewal.milestones);
    assert_eq!(models[0].model.milestones, default_model().milestones);
    // Errors name the deal by its place in the whole history, checked
    // against its own pipeline's stages.
    let mut bad = history.clone();
    bad[250].events[0].milestone = "need_confirmed".into();
    let e = calibrate_pipelines(&p, &bad, &options).unwrap_err();
    assert_eq!(e.to_string(), "history[250].events[0].milestone: unknown milestone \"need_confirmed\"");
    bad[250].status = Status::Open;
    assert_eq!(calibrate_pipelines(&p, &bad, &options).unwrap_err().path, "history[250].status");
    let twice = PipelineOptions { models: vec![options.models[0].clone(), options.models[0].clone()], ..PipelineOptions::default() };
    assert_eq!(calibrate_pipelines(&p, &history, &twice).unwrap_err().path, "models[1].pipeline");
    // A pipeline with a model but no history yet is listed, uncalibrated.
    let mut more = options.clone();
    more.models.push(PipelineModel { pipeline: Some("partners".into()), model: default_model() });
    let models = calibrate_pipelines(&p, &history, &more).unwrap();
    assert_eq!(models.iter().map(|m| m.pipeline.as_deref()).collect::<Vec<_>>(), vec![None, Some("partners"), Some("renewals")]);
    assert!(models[1].model.calibration.is_none() && models[2].model.calibration.is_some());
}
