//! Deterministic synthetic deals, the same as bench/js/gen.js draw for draw
//! (mulberry32, every draw made whatever its outcome). Shared by the
//! criterion benches and examples/bench_native.rs.
#![allow(dead_code, clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use stagecast::calibration::Table;
use stagecast::{Deal, Event, ProcessModel, Status};

pub const REGIONS: [&str; 5] = ["north", "south", "east", "west", "central"];
pub const SEGMENTS: [&str; 4] = ["smb", "mid", "enterprise", "public"];
pub const PRODUCTS: [&str; 8] = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"];
pub const MILESTONES: usize = 10;
const MANDATORY: [bool; 10] = [true, false, true, false, true, false, true, false, true, true];

pub fn model() -> ProcessModel {
    serde_json::from_str(include_str!("../../bench/model.json")).expect("bench/model.json")
}

pub fn sellers() -> Vec<String> {
    (0..20).map(|i| format!("seller-{i}")).collect()
}

// Its includer also includes rng.rs (as `mod rng`), once.
pub use crate::rng::Rng;

#[derive(Clone, Debug)]
pub struct Raw {
    pub steps: Vec<usize>,
    pub days: Option<Vec<i32>>,
    pub won: Option<bool>,
    pub region: usize,
    pub segment: usize,
    pub product: usize,
    pub seller: usize,
    pub seller_probability: f64,
    pub value: f64,
}

pub fn raw_deals(n: usize, seed: u32, closed: bool) -> Vec<Raw> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let q = rng.next();
        let region = (rng.next() * 5.0).floor() as usize;
        let segment = (rng.next() * 4.0).floor() as usize;
        let product = (rng.next() * 8.0).floor() as usize;
        let seller = (rng.next() * 20.0).floor() as usize;
        let mut steps = Vec::new();
        let mut going = true;
        for (i, &mandatory) in MANDATORY.iter().enumerate() {
            let u = rng.next();
            if !going {
                continue;
            }
            if mandatory {
                if u < 0.55 + 0.4 * q {
                    steps.push(i);
                } else {
                    going = false;
                }
            } else if u < 0.25 + 0.5 * q {
                steps.push(i);
            }
        }
        let swap = rng.next();
        if swap < 0.1 && steps.len() >= 2 {
            let k = (swap * 10.0 * (steps.len() - 1) as f64).floor() as usize;
            steps.swap(k, k + 1);
        }
        let dated = rng.next() < 0.7;
        let mut day = 19000 + (rng.next() * 700.0).floor() as i32;
        let mut days = Vec::new();
        for k in 0..MILESTONES {
            let gap = 1 + (rng.next() * 20.0).floor() as i32;
            if k < steps.len() {
                day += gap;
                days.push(day);
            }
        }
        let lift = [0.0, 0.05, -0.05, 0.02, -0.02][region] + [0.0, 0.03, 0.06, -0.04][segment] + (product as f64 - 3.5) * 0.01
            + ((seller % 5) as f64 - 2.0) * 0.02;
        let x = steps.len() as f64 / MILESTONES as f64;
        let p_win = (0.03 + 0.9 * (x * x.sqrt()) + lift).clamp(0.01, 0.97);
        let won = rng.next() < p_win;
        let sp = rng.next();
        let has_sp = rng.next() < 0.5;
        let seller_probability = if has_sp { ((p_win + (sp - 0.3) * 0.4).clamp(0.01, 0.99) * 100.0).round() / 100.0 } else { f64::NAN };
        let value = 10000.0 + (rng.next() * 490_000.0).floor();
        let has_days = dated && !steps.is_empty();
        out.push(Raw { steps, days: if has_days { Some(days) } else { None }, won: if closed { Some(won) } else { None }, region, segment, product, seller, seller_probability, value });
    }
    out
}

pub fn iso_day(z: i32) -> String {
    stagecast::deal::civil_from_days(z)
}

pub fn to_deals(raw: &[Raw], model: &ProcessModel) -> Vec<Deal> {
    let sellers = sellers();
    raw.iter()
        .enumerate()
        .map(|(r, d)| Deal {
            id: format!("D{r}"),
            seller: Some(sellers[d.seller].clone()),
            value: Some(d.value),
            status: match d.won {
                None => Status::Open,
                Some(true) => Status::Won,
                Some(false) => Status::Lost,
            },
            events: d
                .steps
                .iter()
                .enumerate()
                .map(|(k, &s)| Event { milestone: model.milestones[s].id.clone(), date: d.days.as_ref().map(|days| iso_day(days[k])) })
                .collect(),
            attributes: [("region", REGIONS[d.region]), ("segment", SEGMENTS[d.segment]), ("product", PRODUCTS[d.product])]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            seller_probability: if d.seller_probability.is_nan() { None } else { Some(d.seller_probability) },
            ..Deal::default()
        })
        .collect()
}

/// The columns, as bench/js/gen.js builds them (seller also as attribute 4).
pub fn to_table(raw: &[Raw]) -> Table {
    let mut t = Table {
        attributes: ["region", "segment", "product", "seller"].iter().map(|s| s.to_string()).collect(),
        values: vec![
            REGIONS.iter().map(|s| s.to_string()).collect(),
            SEGMENTS.iter().map(|s| s.to_string()).collect(),
            PRODUCTS.iter().map(|s| s.to_string()).collect(),
            sellers(),
        ],
        sellers: sellers(),
        ..Table::default()
    };
    t.offsets.push(0);
    for d in raw {
        t.steps.extend(d.steps.iter().map(|&s| s as u8));
        t.offsets.push(t.steps.len() as u32);
        t.ordered.push(u8::from(d.days.is_some()));
        t.outcome.push(match d.won {
            None => 2,
            Some(true) => 1,
            Some(false) => 0,
        });
        t.codes.extend([d.region as u32 + 1, d.segment as u32 + 1, d.product as u32 + 1, d.seller as u32 + 1]);
        t.seller.push(d.seller as u32 + 1);
        t.seller_probability.push(d.seller_probability);
    }
    t
}

/// The `attrs` case (issue 14), as bench/js/gen.js: 9 categorical
/// attributes of 3 to 12 levels (58 values) that move the outcome.
pub const ATTRIBUTES: [(&str, usize); 9] =
    [("industry", 12), ("country", 10), ("size", 5), ("source", 6), ("product_line", 8), ("channel", 4), ("tier", 3), ("currency", 3), ("territory", 7)];

fn attr_lift(a: usize, code: usize) -> f64 {
    (((code * 7 + a * 3) % 5) as f64 - 2.0) * 0.03
}

/// raw_deals plus one value index per attribute (`rawAttrDeals` in gen.js).
pub fn raw_attr_deals(n: usize, seed: u32, closed: bool) -> Vec<(Raw, Vec<usize>)> {
    let raw = raw_deals(n, seed, closed);
    let mut rng = Rng::new(seed ^ 0x5bd1_e995);
    raw.into_iter()
        .map(|mut d| {
            let attrs: Vec<usize> = ATTRIBUTES.iter().map(|&(_, levels)| (rng.next() * levels as f64).floor() as usize).collect();
            let lift: f64 = attrs.iter().enumerate().map(|(a, &c)| attr_lift(a, c)).sum();
            let x = d.steps.len() as f64 / MILESTONES as f64;
            let p_win = (0.03 + 0.9 * x * x.sqrt() + lift).clamp(0.01, 0.97);
            let u = rng.next();
            if closed {
                d.won = Some(u < p_win);
            }
            (d, attrs)
        })
        .collect()
}

/// The deals with the 9 attributes, or none (`toAttrDeals` in gen.js).
pub fn to_attr_deals(raw: &[(Raw, Vec<usize>)], model: &ProcessModel, with_attributes: bool) -> Vec<Deal> {
    let plain: Vec<Raw> = raw.iter().map(|(d, _)| d.clone()).collect();
    let mut deals = to_deals(&plain, model);
    for (deal, (_, attrs)) in deals.iter_mut().zip(raw) {
        deal.attributes = if with_attributes {
            ATTRIBUTES.iter().zip(attrs).map(|(&(name, _), &c)| (name.to_string(), format!("{name}-{c}"))).collect()
        } else {
            Default::default()
        };
    }
    deals
}
