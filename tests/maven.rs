//! No false signal: the Maven CRM pipeline (synthetic, almost no signal).
//! Temporal split: calibrate on deals closed before the date by which 70% of
//! the closed deals had closed, evaluate on the rest. The engine must not be
//! worse than the training base rate + 0.002 Brier.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;

use stagecast::Scorer;
use stagecast::{calibrate, evaluate, CalibrateOptions, Deal, Event, Milestone, ProcessModel, Status};

fn model() -> ProcessModel {
    let m = |id: &str, p: f64| Milestone { id: id.into(), label: String::new(), mandatory: true, after: vec![], probability: Some(p) };
    ProcessModel { milestones: vec![m("prospecting", 0.2), m("engaging", 0.5)], base_probability: Some(0.1), calibration: None }
}

fn lookup(file: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let (_, rows) = common::read_csv(&common::data(file)?);
    Some(rows.into_iter().map(|r| (r[0].clone(), r)).collect())
}

/// Closed deals with their close date, and open deals.
type Split = (Vec<(String, Deal)>, Vec<Deal>);

fn deals() -> Option<Split> {
    let (header, rows) = common::read_csv(&common::data("maven_crm/sales_pipeline.csv")?);
    let teams = lookup("maven_crm/sales_teams.csv")?;
    let accounts = lookup("maven_crm/accounts.csv")?;
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, agent, product, account, stage, engage, close) =
        (col("opportunity_id"), col("sales_agent"), col("product"), col("account"), col("deal_stage"), col("engage_date"), col("close_date"));
    let mut closed = Vec::new();
    let mut open = Vec::new();
    for r in rows {
        let mut d = Deal { id: r[id].clone(), seller: Some(r[agent].clone()), ..Deal::default() };
        let product = if r[product] == "GTXPro" { "GTX Pro".to_string() } else { r[product].clone() };
        d.attributes.insert("product".into(), product);
        if let Some(t) = teams.get(&r[agent]) {
            d.attributes.insert("manager".into(), t[1].clone());
            d.attributes.insert("office".into(), t[2].clone());
        }
        if let Some(a) = accounts.get(&r[account]) {
            d.attributes.insert("sector".into(), a[1].clone());
        }
        d.events.push(Event { milestone: "prospecting".into(), date: None });
        if !r[engage].is_empty() {
            d.events.push(Event { milestone: "engaging".into(), date: Some(r[engage].clone()) });
        }
        match r[stage].as_str() {
            "Won" | "Lost" => {
                d.status = if r[stage] == "Won" { Status::Won } else { Status::Lost };
                d.close_date = Some(r[close].clone());
                closed.push((r[close].clone(), d));
            }
            _ => open.push(d),
        }
    }
    Some((closed, open))
}

#[test]
fn maven_temporal_split_is_no_worse_than_the_base_rate() {
    let Some((mut closed, open)) = deals() else { return };
    assert_eq!(closed.len(), 6711);
    closed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    let cutoff = closed[closed.len() * 7 / 10].0.clone();
    let (train, test): (Vec<_>, Vec<_>) = closed.into_iter().partition(|(d, _)| *d < cutoff);
    let train: Vec<Deal> = train.into_iter().map(|x| x.1).collect();
    let test: Vec<Deal> = test.into_iter().map(|x| x.1).collect();
    let p = Scorer::new(model()).unwrap();
    let calibrated = Scorer::new(calibrate(&p, &train, &CalibrateOptions::default()).unwrap()).unwrap();
    let e = evaluate(&calibrated, &test).unwrap();
    let rate = train.iter().filter(|d| d.status == Status::Won).count() as f64 / train.len() as f64;
    let base: f64 = test
        .iter()
        .map(|d| {
            let y = if d.status == Status::Won { 1.0 } else { 0.0 };
            (rate - y) * (rate - y)
        })
        .sum::<f64>()
        / test.len() as f64;
    let c = calibrated.model.calibration.as_ref().unwrap();
    println!(
        "maven temporal split (cutoff {cutoff}): train {} test {} | engine brier={:.4} logLoss={:.4} ece={:.4} | base rate {:.4} brier={:.4} | effects kept {} (strength {})",
        train.len(), test.len(), e.brier, e.log_loss, e.ece, rate, base, c.effects.len(), c.effect_strength
    );
    assert!(e.brier <= base + 0.002, "engine {} vs base rate {}", e.brier, base);
    // Open deals score, and an open deal in Prospecting differs from Engaging.
    let scores = stagecast::score_deals(&calibrated, &open).unwrap();
    assert_eq!(scores.len(), open.len());
    assert!(scores.iter().all(|s| s.probability.is_finite() && s.interval.is_some()));
}

/// No leakage warning on the whole Maven history (closed deals).
#[test]
#[allow(clippy::expect_used)]
fn maven_gets_no_leakage_warning() {
    use stagecast::calibration::leakage::{state_fit, LEAK_SKILL};
    use stagecast::{Paths, Table};
    let (closed, _) = deals().expect("../shared/data/maven_crm is required");
    let closed: Vec<Deal> = closed.into_iter().map(|x| x.1).collect();
    let p = Scorer::new(model()).unwrap();
    let c = calibrate(&p, &closed, &CalibrateOptions::default()).unwrap().calibration.unwrap();
    let fit = state_fit(&p, &Table::from_deals(&p, &closed, Paths::Auto).unwrap(), &c).unwrap();
    println!("maven leakage guard: warnings {:?}, loo brier {:.4}, base {:.4}, skill {:.4} (floor {LEAK_SKILL})", c.warnings, fit.brier, fit.base_brier, fit.skill);
    assert!(c.warnings.is_empty() && c.ignored_milestones.is_empty(), "{:?}", c.warnings);
    assert!(fit.skill < LEAK_SKILL, "{fit:?}");
}
