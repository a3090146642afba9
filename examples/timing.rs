//! Native timing of the fast (columnar) path: calibrate on 1,000,000 closed
//! deals (10 milestones, 3 attributes plus the seller) and score 1,000,000
//! open deals; also the object path (`Deal` values) on the same history.
//! Not an assertion: run `cargo run --release --example timing` and read.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

use stagecast::Scorer;
use stagecast::calibration::{calibrate_table, Table};
use stagecast::evaluation::score_table;
use stagecast::{Deal, Event, Milestone, ProcessModel, Status};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn model() -> ProcessModel {
    let ms = (0..10)
        .map(|i| Milestone {
            id: format!("m{i}"),
            label: String::new(),
            mandatory: i % 3 != 2,
            after: vec![],
            probability: None,
        })
        .collect();
    ProcessModel { milestones: ms, base_probability: None, calibration: None }
}

fn table(n: usize, closed: bool, rng: &mut Lcg) -> Table {
    let mut t = Table {
        attributes: vec!["segment".into(), "region".into(), "product".into(), "seller".into()],
        values: vec![
            (0..4).map(|i| format!("s{i}")).collect(),
            (0..6).map(|i| format!("r{i}")).collect(),
            (0..8).map(|i| format!("p{i}")).collect(),
            (0..40).map(|i| format!("seller{i}")).collect(),
        ],
        sellers: (0..40).map(|i| format!("seller{i}")).collect(),
        offsets: vec![0],
        ..Table::default()
    };
    for _ in 0..n {
        let codes = [1 + (rng.next() * 4.0) as u32, 1 + (rng.next() * 6.0) as u32, 1 + (rng.next() * 8.0) as u32, 1 + (rng.next() * 40.0) as u32];
        let lift = 0.3 * (f64::from(codes[0]) - 2.5) / 2.0;
        let depth = (rng.next() * 11.0) as usize;
        for i in 0..depth {
            if rng.next() < 0.9 {
                t.steps.push(i as u8);
            }
        }
        t.offsets.push(t.steps.len() as u32);
        t.ordered.push(1);
        let p = 1.0 / (1.0 + (-(-2.5 + 0.45 * depth as f64 + lift)).exp());
        t.outcome.push(if closed { u8::from(rng.next() < p) } else { 2 });
        t.codes.extend_from_slice(&codes);
        t.seller.push(codes[3]);
        t.seller_probability.push(if rng.next() < 0.5 { (p + 0.15).min(0.99) } else { f64::NAN });
    }
    t
}

fn main() {
    let n = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000usize);
    let p = Scorer::new(model()).unwrap();
    let mut rng = Lcg(7);
    let history = table(n, true, &mut rng);
    let open = table(n, false, &mut rng);

    let t0 = Instant::now();
    let c = calibrate_table(&p, &history).unwrap();
    let calibrate_s = t0.elapsed().as_secs_f64();
    let states = c.states.len();
    let effects = c.effects.len();
    let mut m = p.model.clone();
    m.calibration = Some(c);
    let t0 = Instant::now();
    let cp = Scorer::new(m).unwrap();
    let load_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let scores = score_table(&cp, &open).unwrap();
    let score_s = t0.elapsed().as_secs_f64();
    let mean = scores.iter().map(|s| s.0).sum::<f64>() / scores.len() as f64;
    println!("columnar: calibrate {n} closed deals {calibrate_s:.2} s ({states} states, {effects} effects); load calibrated model {load_s:.3} s; score {n} open deals {score_s:.2} s (mean p {mean:.3})");

    // Object path: the same history as `Deal` values (dated, so paths).
    let deals: Vec<Deal> = (0..n)
        .map(|r| {
            let a = history.offsets[r] as usize;
            let b = history.offsets[r + 1] as usize;
            let mut d = Deal {
                id: format!("d{r}"),
                status: if history.outcome[r] == 1 { Status::Won } else { Status::Lost },
                seller: Some(history.sellers[history.seller[r] as usize - 1].clone()),
                ..Deal::default()
            };
            for (k, &s) in history.steps[a..b].iter().enumerate() {
                d.events.push(Event { milestone: format!("m{s}"), date: Some(format!("2024-01-{:02}", k + 1)) });
            }
            for (col, name) in history.attributes.iter().enumerate().take(3) {
                let c = history.codes[r * 4 + col] as usize;
                d.attributes.insert(name.clone(), history.values[col][c - 1].clone());
            }
            d
        })
        .collect();
    let t0 = Instant::now();
    let cm = stagecast::calibrate(&p, &deals, &stagecast::CalibrateOptions::default()).unwrap();
    let object_s = t0.elapsed().as_secs_f64();
    let cp2 = Scorer::new(cm).unwrap();
    let t0 = Instant::now();
    let s = stagecast::score_deals(&cp2, &deals[..n.min(100_000)]).unwrap();
    let score_obj_s = t0.elapsed().as_secs_f64();
    println!("objects: calibrate {n} Deal values {object_s:.2} s; scoreDeals (with explanations and next steps) {} deals {score_obj_s:.2} s", s.len());
}
