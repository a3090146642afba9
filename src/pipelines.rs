//! Several pipelines: a CRM keeps new business, renewals or partner deals in
//! pipelines of their own, with their own stages and win rates. Pooling
//! them would score a renewal with the new-business rate and the other way
//! round, so each pipeline gets its own process model and calibration.
//!
//! * A deal's pipeline is `Deal::pipeline`; deals without one form the
//!   pipeline `None`.
//! * [`calibrate_pipelines`] groups the history by pipeline and calibrates
//!   each group on its own: with the pipeline's own process model when
//!   `PipelineOptions::models` has one, else with the process given. Each
//!   calibration has its own leakage guard and warnings.
//! * [`model_for`] picks the model that scores a deal: its pipeline's, else
//!   the model of `None` (the fallback for a pipeline that has no model of
//!   its own yet), else none (score on the process given, uncalibrated).

use serde::{Deserialize, Serialize};

use crate::calibration::{calibrate, CalibrateOptions, Paths};
use crate::deal::{Deal, Status};
use crate::error::{self, Error, Result};
use crate::model::{Process, ProcessModel};
use crate::scorer::Scorer;
use crate::probability::DealScore;

/// One pipeline's process model (calibrated by `calibrate_pipelines`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PipelineModel {
    /// `None`: the deals without a pipeline, and the fallback model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    pub model: ProcessModel,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct PipelineOptions {
    pub paths: Paths,
    /// Process models of their own, per pipeline (any calibration in them
    /// is replaced). Pipelines not listed use the process given.
    pub models: Vec<PipelineModel>,
}

/// Pipeline order: `None` first, then by name.
fn before(a: &Option<String>, b: &Option<String>) -> bool {
    a < b
}

/// Calibrates every pipeline of the history on its own deals. Returns one
/// model per pipeline that has history or a model of its own in `options`,
/// in pipeline order (`None` first, then by name); a pipeline without
/// history keeps its model uncalibrated. Bad deals are named by their place
/// in `history` (`history[7].events[0].milestone`), bad options by theirs
/// (`models[1].pipeline`).
pub fn calibrate_pipelines(process: &Process, history: &[Deal], options: &PipelineOptions) -> Result<Vec<PipelineModel>> {
    let mut own: Vec<(Option<String>, Process)> = Vec::with_capacity(options.models.len());
    for (k, m) in options.models.iter().enumerate() {
        let at = error::index("models", k);
        if own.iter().any(|(p, _)| *p == m.pipeline) {
            return Err(Error::coded(error::join(&at, "pipeline"), error::ErrorCode::Duplicate, "is given twice"));
        }
        let mut model = m.model.clone();
        model.calibration = None;
        own.push((m.pipeline.clone(), Process::new(model).map_err(|e| e.within(&error::join(&at, "model")))?));
    }
    let process_of = |pipeline: &Option<String>| own.iter().find(|(p, _)| p == pipeline).map_or(process, |(_, q)| q);
    // Every deal checked against its pipeline's process, named by its
    // place in the history.
    for (k, d) in history.iter().enumerate() {
        let at = error::index("history", k);
        if d.status == Status::Open {
            return Err(Error::coded(error::join(&at, "status"), error::ErrorCode::NotClosed, "must be won or lost: history holds closed deals only"));
        }
        d.check(process_of(&d.pipeline)).map_err(|e| e.within(&at))?;
    }
    // Pipelines: those of the history and those with a model of their own.
    let by_pipeline = crate::order::order(history.len(), &|a, b| match (history.get(a), history.get(b)) {
        (Some(x), Some(y)) => before(&x.pipeline, &y.pipeline),
        _ => false,
    });
    let mut names: Vec<Option<String>> = Vec::new();
    for &i in &by_pipeline {
        if let Some(d) = history.get(i) {
            if names.last() != Some(&d.pipeline) {
                names.push(d.pipeline.clone());
            }
        }
    }
    for (p, _) in &own {
        if !names.contains(p) {
            names.push(p.clone());
        }
    }
    let order = crate::order::order(names.len(), &|a, b| match (names.get(a), names.get(b)) {
        (Some(x), Some(y)) => before(x, y),
        _ => false,
    });
    let options = CalibrateOptions { paths: options.paths };
    let mut out = Vec::with_capacity(names.len());
    for name in crate::order::permute(&names, &order) {
        let deals: Vec<Deal> = by_pipeline.iter().filter_map(|&i| history.get(i)).filter(|d| d.pipeline == name).cloned().collect();
        let p = process_of(&name);
        let model = if deals.is_empty() { p.model.clone() } else { calibrate(p, &deals, &options)? };
        out.push(PipelineModel { pipeline: name, model });
    }
    Ok(out)
}

/// The model that scores `deal`: its pipeline's, else the model of `None`,
/// else none.
pub fn model_for<'a>(models: &'a [PipelineModel], deal: &Deal) -> Option<&'a PipelineModel> {
    models.iter().find(|m| m.pipeline == deal.pipeline).or_else(|| models.iter().find(|m| m.pipeline.is_none()))
}

/// Scores deals, each with its pipeline's model (`model_for`), or with
/// `process` when no model fits. Errors name the deal (`deals[3]...`) or
/// the model (`models[1]...`).
pub fn score_by_pipeline(process: &Scorer, models: &[PipelineModel], deals: &[Deal]) -> Result<Vec<DealScore>> {
    let compiled: Vec<Scorer> = models
        .iter()
        .enumerate()
        .map(|(k, m)| Scorer::new(m.model.clone()).map_err(|e| e.within(&error::join(&error::index("models", k), "model"))))
        .collect::<Result<_>>()?;
    deals
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let p = model_for(models, d)
                .and_then(|m| models.iter().position(|x| std::ptr::eq(x, m)))
                .and_then(|i| compiled.get(i))
                .unwrap_or(process);
            crate::probability::score_deal(p, d).map_err(|e| e.within(&error::index("deals", k)))
        })
        .collect()
}
