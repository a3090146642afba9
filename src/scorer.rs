//! A `Scorer`: a checked process with its compiled calibration, the one
//! thing every score is made from.
//!
//! Layers, bottom up: the model (`Process`, the milestones checked and
//! their lookups) knows nothing of calibration; calibration learns from a
//! `Process` and compiles its plain data into `calibration::Fitted`; a
//! `Scorer` holds both, and probability, meetings, evaluation and the
//! forecasts score through it. A model is read and compiled once, into a
//! `Scorer`, and then used for every deal.

use crate::calibration::{self, Fitted};
use crate::error::Result;
use crate::model::{Process, ProcessModel};

/// A process with its compiled calibration (`None` before one is learned).
/// It reads as its `Process` (`Deref`), so the milestone lookups are
/// `scorer.id(i)`, `scorer.prior(i)` and so on.
#[derive(Clone, Debug)]
pub struct Scorer {
    process: Process,
    fitted: Option<Fitted>,
}

impl Scorer {
    /// Checks the model and compiles its calibration, if it carries one
    /// (errors in it are named under `calibration`).
    pub fn new(model: ProcessModel) -> Result<Scorer> {
        Scorer::from_process(Process::new(model)?)
    }

    /// Compiles the calibration a checked process carries.
    pub fn from_process(process: Process) -> Result<Scorer> {
        let fitted = match &process.model.calibration {
            Some(c) => Some(calibration::compile(&process, c).map_err(|e| e.within("calibration"))?),
            None => None,
        };
        Ok(Scorer { process, fitted })
    }

    /// The checked process (without the calibration).
    pub fn process(&self) -> &Process {
        &self.process
    }

    /// The compiled calibration, when the model carries one.
    pub fn fitted(&self) -> Option<&Fitted> {
        self.fitted.as_ref()
    }

    /// The model, checked and normalised (with its calibration, if any).
    pub fn model(&self) -> &ProcessModel {
        &self.process.model
    }

    /// The same process without its calibration (scores on the priors).
    #[must_use]
    pub fn uncalibrated(&self) -> Scorer {
        let mut process = self.process.clone();
        process.model.calibration = None;
        Scorer { process, fitted: None }
    }

    /// Gives the process back (the calibration stays in `model`).
    pub fn into_process(self) -> Process {
        self.process
    }
}

impl std::ops::Deref for Scorer {
    type Target = Process;
    fn deref(&self) -> &Process {
        &self.process
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::default_model;

    #[test]
    fn a_model_without_calibration_has_no_fit() {
        let s = Scorer::new(default_model()).unwrap();
        assert!(s.fitted().is_none());
        assert_eq!(s.len(), default_model().milestones.len());
    }

    #[test]
    fn a_bad_calibration_is_named_under_calibration() {
        let mut m = default_model();
        let mut c = crate::calibration::Calibration::default();
        c.states.push(crate::calibration::StateCount { reached: vec!["nope".into()], out_of_order: false, n: 3, won: 1 });
        m.calibration = Some(c);
        // The process alone is fine: calibration is not its concern.
        assert!(Process::new(m.clone()).is_ok());
        let e = Scorer::new(m).unwrap_err();
        assert!(e.path.starts_with("calibration"), "{e:?}");
    }
}
