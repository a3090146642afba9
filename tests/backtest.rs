//! Period forecasts proven by back-tests: on Maven (real shape, synthetic
//! data), on simulated teams with known truth, and against look-ahead.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic)]

use stagecast::Scorer;
use stagecast::forecast::backtest::{backtest, Backtest, BacktestOptions, PeerName};
use stagecast::{default_model, Deal, Event, Status};

const MAVEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/maven_crm");

fn maven() -> Vec<Deal> {
    period_backtest::maven_deals(MAVEN, &process())
}

fn process() -> Scorer {
    Scorer::new(default_model()).unwrap()
}

fn options(from: &str, to: &str) -> BacktestOptions {
    BacktestOptions { from: Some(from.into()), to: Some(to.into()), value_by: Some("product".into()), ..BacktestOptions::default() }
}

/// Month-end snapshots April-November 2017, each forecasting the next
/// calendar month's won value: close_value of every deal won in the month,
/// including deals created within it.
#[test]
fn maven_monthly_backtest_is_honest_and_beats_naive_peers() {
    let deals = maven();
    let b = backtest(&process(), &deals, &options("2017-04-30", "2017-11-30")).unwrap();
    println!("{}", period_backtest::table(&b));
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

/// Poisons what happened after `s`: deals created later, outcomes of deals
/// closed later (status flipped, absurd amounts, other dates), events dated
/// later, and the amounts of deals still open at `s`.
fn poison(deals: &[Deal], s: &str) -> Vec<Deal> {
    let after = |d: &Option<String>| d.as_deref().is_some_and(|x| x > s);
    deals
        .iter()
        .map(|d| {
            let mut d = d.clone();
            let created = d.events.iter().filter_map(|e| e.date.clone()).min().or(d.close_date.clone());
            let closed_by_s = d.close_date.as_deref().is_some_and(|c| c <= s);
            if created.as_deref().is_some_and(|c| c > s) {
                d.value = Some(9.9e11);
                d.seller = Some("Nobody".into());
                d.attributes.insert("product".into(), "Unobtainium".into());
                d.status = Status::Won;
                d.close_date = Some("2017-12-02".into());
            } else if !closed_by_s {
                // Open at s: whatever became of it is poisoned.
                d.value = Some(7.7e11);
                d.status = if d.status == Status::Won { Status::Lost } else { Status::Won };
                d.close_date = Some(if after(&d.close_date) { "2017-12-30".into() } else { "2017-12-01".into() });
            }
            d.events.push(Event { milestone: "verbal_yes".into(), date: Some("2017-12-15".into()) });
            d
        })
        .collect()
}

/// Nothing after a snapshot moves that snapshot's forecast; the same
/// poison does move a later one (so the poison reaches the engine).
#[test]
fn poisoning_everything_after_a_snapshot_leaves_its_forecast_unchanged() {
    let deals = maven();
    let s = "2017-07-31";
    let bad = poison(&deals, s);
    assert_ne!(bad, deals);
    let p = process();
    let a = backtest(&p, &deals, &options(s, s)).unwrap();
    let b = backtest(&p, &bad, &options(s, s)).unwrap();
    assert_eq!(a.periods.len(), 1);
    let strip = |x: &Backtest| {
        let mut v = serde_json::to_value(&x.forecasts).unwrap();
        let periods: Vec<_> = x.periods.iter().map(|p| (p.p10, p.p50, p.p90, p.expected)).collect();
        v = serde_json::json!({ "forecasts": v, "periods": serde_json::to_value(periods).unwrap() });
        v
    };
    assert_eq!(strip(&a), strip(&b), "the forecast at {s} saw something after it");
    assert_ne!(a.periods[0].actual, b.periods[0].actual, "the outcome is poisoned");
    // A month later, the poisoned August is history and the forecast moves.
    let later = "2017-08-31";
    let a = backtest(&p, &deals, &options(later, later)).unwrap();
    let b = backtest(&p, &bad, &options(later, later)).unwrap();
    assert_ne!(strip(&a), strip(&b));
}

/// splitmix64
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.uniform()
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn poisson(&mut self, mean: f64) -> u32 {
        let (l, mut k, mut p) = ((-mean).exp(), 0u32, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

/// A simulated team with known truth: an open pipeline (known win-in-period
/// probabilities), new business (a Poisson number of new deals, each won in
/// the period with a known share), and a common factor (lognormal, mean 1,
/// a team-specific sd) multiplying every probability in a month.
struct Team {
    factor_sd: f64,
    deals: usize,
    new_deals: f64,
    new_share: f64,
}

struct Month {
    amounts: Vec<f64>,
    probs: Vec<f64>,
    new_amounts: Vec<f64>,
    actual: f64,
}

impl Team {
    /// The month's outcome for a given pipeline.
    fn outcome(&self, rng: &mut Rng, amounts: &[f64], probs: &[f64]) -> f64 {
        let m = (self.factor_sd * rng.normal() - self.factor_sd * self.factor_sd / 2.0).exp();
        let mut actual = 0.0;
        for (a, p) in amounts.iter().zip(probs) {
            if rng.uniform() < (p * m).min(1.0) {
                actual += a;
            }
        }
        for _ in 0..rng.poisson(self.new_deals) {
            let a = (7.0 + 0.8 * rng.normal()).exp();
            if rng.uniform() < (self.new_share * m).min(1.0) {
                actual += a;
            }
        }
        actual
    }

    fn month(&self, rng: &mut Rng) -> Month {
        let amount = |rng: &mut Rng| (7.0 + 0.8 * rng.normal()).exp();
        let amounts: Vec<f64> = (0..self.deals).map(|_| amount(rng)).collect();
        let probs: Vec<f64> = (0..self.deals).map(|_| rng.range(0.05, 0.5)).collect();
        // What the engine knows: round(expected new deals) pseudo-deals with
        // amounts from the team's known amount distribution.
        let n_new = (self.new_deals * (self.new_share / 0.05).ceil()).round() as usize;
        let new_amounts: Vec<f64> = (0..n_new).map(|_| amount(rng)).collect();
        let actual = self.outcome(rng, &amounts, &probs);
        Month { amounts, probs, new_amounts, actual }
    }
}

/// The learned spread on simulated teams: each team's history of 24
/// back-tested months teaches the common factor; the next month's P10-P90
/// must cover 80% +/- 3% of 2,000 outcomes (500 teams, 4 independent
/// outcomes of the next month's pipeline each), and the P50 must be
/// median-unbiased (50% +/- 3% of outcomes at or below it).
#[test]
fn simulated_teams_get_bands_that_cover_what_they_claim() {
    use stagecast::forecast::period::{learn_spread, Band, Residual};
    let mut rng = Rng(20_171_130);
    let (mut inside, mut below, mut n) = (0u32, 0u32, 0u32);
    let mut sds = Vec::new();
    for _ in 0..500 {
        let team = Team {
            factor_sd: rng.range(0.05, 0.4),
            deals: rng.range(20.0, 80.0) as usize,
            new_deals: rng.range(5.0, 40.0),
            new_share: rng.range(0.05, 0.3),
        };
        let engine = |m: &Month| {
            let mut amounts = m.amounts.clone();
            let mut probs = m.probs.clone();
            amounts.extend(&m.new_amounts);
            probs.extend(std::iter::repeat(team.new_share * team.new_deals / m.new_amounts.len().max(1) as f64).take(m.new_amounts.len()));
            (amounts, probs)
        };
        let mut residuals = Vec::new();
        let mut totals = Vec::new();
        for _ in 0..24 {
            let m = team.month(&mut rng);
            let (a, p) = engine(&m);
            let expected: f64 = a.iter().zip(&p).map(|(a, p)| a * p).sum();
            let independent_var = a.iter().zip(&p).map(|(a, p)| a * a * p * (1.0 - p)).sum();
            residuals.push(Residual { expected, actual: m.actual, independent_var, seen: true });
            totals.push(m.actual);
        }
        let spread = learn_spread(&residuals, &totals);
        sds.push(spread.sd / team.factor_sd);
        let next = team.month(&mut rng);
        let (a, p) = engine(&next);
        let r = Band::new(0.0, &a, &p, spread.sd, spread.bias).range();
        for _ in 0..4 {
            let actual = team.outcome(&mut rng, &next.amounts, &next.probs);
            inside += u32::from(actual >= r.p10 && actual <= r.p90);
            below += u32::from(actual <= r.p50);
            n += 1;
        }
    }
    assert_eq!(n, 2000);
    let coverage = f64::from(inside) / f64::from(n);
    let share_below = f64::from(below) / f64::from(n);
    sds.sort_by(f64::total_cmp);
    println!("coverage {coverage:.4}, at or below P50 {share_below:.4}, learned sd / true sd: median {:.3}", sds[sds.len() / 2]);
    assert!((coverage - 0.8).abs() <= 0.03, "coverage {coverage}");
    assert!((share_below - 0.5).abs() <= 0.03, "P50 {share_below}");
}

/// The whole engine on a simulated team with known truth: deals created
/// every day, each closing with a daily hazard that is higher at the end of
/// a quarter (x0.6, x1.0, x1.7 by month of the quarter), won with a chance
/// scaled by the month's common factor (lognormal, sd 0.15). The back-test
/// over 28 month ends must find the calendar, cover roughly what it claims,
/// and beat the run-rate and the weighted pipeline.
#[test]
fn simulated_team_with_a_quarter_end_rush_is_forecast_honestly() {
    use stagecast::deal::{civil_from_days, parse_date};
    use stagecast::forecast::period::{civil, position};
    let mut rng = Rng(42);
    let start = parse_date("", "2020-01-01").unwrap();
    let end = parse_date("", "2022-12-31").unwrap();
    // The month's factor, by month index.
    let factors: Vec<f64> = (0..40).map(|_| (0.15 * rng.normal() - 0.15 * 0.15 / 2.0).exp()).collect();
    let month_index = |day: i32| {
        let (y, m, _) = civil(day);
        ((y - 2020) * 12 + m - 1) as usize
    };
    let mut deals = Vec::new();
    for day in start..=end {
        for j in 0..rng.poisson(6.0) {
            let value = (7.5 + 0.6 * rng.normal()).exp().round();
            let mut d = Deal {
                id: format!("s{day}-{j}"),
                value: Some(value),
                events: vec![Event { milestone: "need_confirmed".into(), date: Some(civil_from_days(day)) }],
                ..Deal::default()
            };
            let mut t = day;
            while t < end {
                t += 1;
                let boost = [0.6, 1.0, 1.7][usize::from(position(t)) - 1];
                if rng.uniform() < 0.03 * boost {
                    let won = rng.uniform() < (0.45 * factors[month_index(t)]).min(1.0);
                    d.status = if won { Status::Won } else { Status::Lost };
                    d.close_date = Some(civil_from_days(t));
                    break;
                }
            }
            deals.push(d);
        }
    }
    let o = BacktestOptions { from: Some("2020-08-31".into()), to: Some("2022-11-30".into()), ..BacktestOptions::default() };
    let b = backtest(&process(), &deals, &o).unwrap();
    println!("{}", period_backtest::table(&b));
    assert_eq!(b.periods.len(), 28);
    let s = &b.summary;
    let coverage = s.coverage.unwrap();
    assert!((0.6..=0.95).contains(&coverage), "coverage {coverage}");
    assert!(s.bias.abs() < 0.08, "bias {}", s.bias);
    let peer = |n: PeerName| &b.peers.iter().find(|p| p.name == n).unwrap().summary;
    for n in [PeerName::RunRate, PeerName::WeightedPipeline] {
        assert!(s.mape < peer(n).mape && s.crps < peer(n).crps, "{n:?}");
    }
    // The calendar is found: quarter ends get a larger open-pipeline factor
    // than quarter starts (last year of forecasts).
    let factor = |pos: u8| {
        let f: Vec<f64> = b.forecasts.iter().rev().take(12).filter(|f| f.calendar.position == pos).map(|f| f.calendar.open_factor).collect();
        f.iter().sum::<f64>() / f.len() as f64
    };
    assert!(factor(3) > 1.2 * factor(1), "{} {}", factor(3), factor(1));
}

#[path = "../examples/period_backtest.rs"]
mod period_backtest;

/// The README's back-test tables are exactly what `backtest()` returns now
/// (`cargo run --release --example period_backtest` prints them).
#[test]
fn readme_backtest_tables_are_backtest_output() {
    let b = period_backtest::run(MAVEN);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let t = period_backtest::table(&b);
    assert!(readme.contains(&t), "README.md's back-test tables differ from backtest():\n{t}");
}
