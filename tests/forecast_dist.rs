//! The pipeline distribution against brute force, Monte Carlo and a coverage
//! simulation; bad input; timing (ignored by default).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use stagecast::forecast::dist::{self, factor_scenarios, grid, Item};

/// splitmix64: a small seeded PRNG, so every run sees the same numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A skewed deal amount, like real pipelines: many small, a few large.
    fn amount(&mut self) -> f64 {
        let u = self.unit();
        (1000.0 * (1.0 + 50.0 * u * u * u)).round() + self.unit()
    }
}

fn items(rng: &mut Rng, n: usize) -> Vec<Item> {
    (0..n).map(|_| Item { amount: rng.amount(), probability: 0.05 + 0.9 * rng.unit() }).collect()
}

/// Every outcome of a small pipeline: (total, probability).
fn enumerate(items: &[Item]) -> Vec<(f64, f64)> {
    let n = items.len();
    let mut out: Vec<(f64, f64)> = (0..1u32 << n)
        .map(|mask| {
            let mut s = 0.0;
            let mut p = 1.0;
            for (i, it) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    s += it.amount;
                    p *= it.probability;
                } else {
                    p *= 1.0 - it.probability;
                }
            }
            (s, p)
        })
        .collect();
    out.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    out
}

fn exact_quantile(outcomes: &[(f64, f64)], q: f64) -> f64 {
    let mut c = 0.0;
    for (s, p) in outcomes {
        c += p;
        if c >= q - 1e-9 {
            return *s;
        }
    }
    outcomes.last().unwrap().0
}

#[test]
fn small_integer_pipelines_are_exact() {
    let mut rng = Rng(1);
    for n in 1..=10 {
        let its: Vec<Item> = (0..n)
            .map(|_| Item { amount: (1 + rng.next() % 300) as f64, probability: (rng.next() % 11) as f64 / 10.0 })
            .collect();
        let outcomes = enumerate(&its);
        let target = 0.4 * its.iter().map(|i| i.amount).sum::<f64>();
        let s = dist::distribution(&its, Some(target)).unwrap();
        assert!(s.exact && s.max_error == 0.0, "n={n}");
        for (q, got) in [(0.1, s.p10), (0.5, s.p50), (0.9, s.p90)] {
            assert_eq!(got, exact_quantile(&outcomes, q), "n={n} q={q}");
        }
        let want: f64 = outcomes.iter().filter(|o| o.0 >= target).map(|o| o.1).sum();
        assert!((s.p_at_least_target.unwrap() - want).abs() < 1e-9);
        let sf: f64 = outcomes.iter().map(|o| o.1 * (target - o.0).max(0.0)).sum();
        assert!((s.expected_shortfall.unwrap() - sf).abs() < 1e-6);
        let mean: f64 = its.iter().map(|i| i.amount * i.probability).sum();
        assert!((s.expected - mean).abs() < 1e-9);
    }
}

#[test]
fn grid_pipelines_stay_within_the_reported_bound() {
    let mut rng = Rng(2);
    for n in [3, 8, 12] {
        for _ in 0..5 {
            let its = items(&mut rng, n);
            let outcomes = enumerate(&its);
            let s = dist::distribution(&its, None).unwrap();
            assert!(!s.exact);
            let naive_bound = n as f64 * s.grid_step / 2.0;
            assert!(s.worst_error <= naive_bound + 1e-9, "{} > {}", s.worst_error, naive_bound);
            assert!(s.max_error <= s.worst_error);
            for (q, got) in [(0.1, s.p10), (0.5, s.p50), (0.9, s.p90)] {
                let want = exact_quantile(&outcomes, q);
                assert!((got - want).abs() <= s.worst_error + 1e-6, "n={n} q={q}: {got} vs {want} (bound {})", s.worst_error);
            }
        }
    }
}

#[test]
fn pmf_sums_to_one_and_mean_matches() {
    let mut rng = Rng(3);
    for n in [1, 10, 100, 1000, 5000] {
        let its = items(&mut rng, n);
        let a: Vec<f64> = its.iter().map(|i| i.amount).collect();
        let p: Vec<f64> = its.iter().map(|i| i.probability).collect();
        let g = grid(&a, &p, &[(1.0, 1.0)]);
        let total: f64 = g.pmf.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "n={n}: {total}");
        assert!(g.pmf.iter().all(|&m| m >= 0.0));
        let mean: f64 = a.iter().zip(&p).map(|(a, p)| a * p).sum();
        assert!((g.expected - mean).abs() < 1e-6 * mean.max(1.0));
        let grid_mean: f64 = g.pmf.iter().enumerate().map(|(t, m)| m * g.amount(t)).sum();
        assert!((grid_mean - mean).abs() <= g.max_error + 1e-6 * mean, "n={n}: {grid_mean} vs {mean} bound {}", g.max_error);
        assert!(g.pmf.len() <= dist::BINS);
    }
}

/// The empirical cdf of Monte Carlo totals lies within the grid cdf shifted
/// by the error bound, up to sampling noise.
#[test]
fn monte_carlo_agrees() {
    let mut rng = Rng(4);
    for (n, sd) in [(200, 0.0), (200, 0.3)] {
        let its = items(&mut rng, n);
        let a: Vec<f64> = its.iter().map(|i| i.amount).collect();
        let p: Vec<f64> = its.iter().map(|i| i.probability).collect();
        let scen = if sd > 0.0 { factor_scenarios(sd) } else { vec![(1.0, 1.0)] };
        let g = grid(&a, &p, &scen);
        let sims = 40_000;
        let mut totals: Vec<f64> = (0..sims)
            .map(|_| {
                // Draw a scenario, then the deals.
                let mut u = rng.unit();
                let mut mult = 1.0;
                for &(w, m) in &scen {
                    mult = m;
                    if u < w {
                        break;
                    }
                    u -= w;
                }
                a.iter().zip(&p).filter(|(_, &p)| rng.unit() < (p * mult).min(1.0)).map(|(a, _)| a).sum()
            })
            .collect();
        totals.sort_by(|x, y| x.partial_cmp(y).unwrap());
        let cdf = |x: f64| -> f64 { g.pmf.iter().enumerate().filter(|(t, _)| g.amount(*t) <= x).map(|(_, m)| m).sum() };
        for q in [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95] {
            let x = totals[(q * sims as f64) as usize];
            let emp = totals.iter().filter(|&&t| t <= x).count() as f64 / sims as f64;
            let lo = cdf(x - g.max_error - 1e-6);
            let hi = cdf(x + g.max_error + 1e-6);
            assert!(emp >= lo - 0.01 && emp <= hi + 0.01, "n={n} sd={sd} q={q}: mc {emp} grid [{lo}, {hi}]");
        }
        let mc_mean = totals.iter().sum::<f64>() / sims as f64;
        assert!((mc_mean - g.expected).abs() < 0.01 * g.expected, "{mc_mean} vs {}", g.expected);
    }
}

/// 2,000 pipelines of 40 deals with known probabilities: the outcome falls
/// inside P10-P90 about 80% of the time. Tolerance 0.77-0.83 (the binomial
/// standard error is 0.009; discrete totals can only push coverage up).
#[test]
fn p10_p90_band_covers_about_80_percent() {
    let mut rng = Rng(5);
    let runs = 2000;
    let mut inside = 0;
    for _ in 0..runs {
        let its = items(&mut rng, 40);
        let s = dist::distribution(&its, None).unwrap();
        let x: f64 = its.iter().filter(|i| rng.unit() < i.probability).map(|i| i.amount).sum();
        if x >= s.p10 && x <= s.p90 {
            inside += 1;
        }
    }
    let coverage = inside as f64 / runs as f64;
    println!("P10-P90 coverage over {runs} pipelines: {coverage:.4}");
    assert!((0.77..=0.83).contains(&coverage), "{coverage}");
}

#[test]
fn common_factor_widens_the_range() {
    let mut rng = Rng(6);
    let its = items(&mut rng, 500);
    let a: Vec<f64> = its.iter().map(|i| i.amount).collect();
    let p: Vec<f64> = its.iter().map(|i| i.probability * 0.5).collect();
    let ind = grid(&a, &p, &[(1.0, 1.0)]).summary(None);
    let zero = grid(&a, &p, &factor_scenarios(0.0)).summary(None);
    assert!((ind.p10 - zero.p10).abs() <= ind.max_error + zero.max_error + 1e-6);
    let dep = grid(&a, &p, &factor_scenarios(0.2)).summary(None);
    assert!(dep.p90 - dep.p10 > 1.5 * (ind.p90 - ind.p10), "{:?} vs {:?}", (dep.p10, dep.p90), (ind.p10, ind.p90));
    assert!((dep.expected - ind.expected).abs() < 1e-6 * ind.expected);
}

#[test]
fn bad_items_and_target_are_named() {
    let ok = Item { amount: 1.0, probability: 0.5 };
    let cases = [
        (Item { amount: -1.0, probability: 0.5 }, "items[3].amount: must be a finite number >= 0"),
        (Item { amount: f64::NAN, probability: 0.5 }, "items[3].amount: must be a finite number >= 0"),
        (Item { amount: f64::INFINITY, probability: 0.5 }, "items[3].amount: must be a finite number >= 0"),
        (Item { amount: 1.0, probability: 1.5 }, "items[3].probability: must be a number between 0 and 1"),
        (Item { amount: 1.0, probability: -0.1 }, "items[3].probability: must be a number between 0 and 1"),
        (Item { amount: 1.0, probability: f64::NAN }, "items[3].probability: must be a number between 0 and 1"),
    ];
    for (bad, msg) in cases {
        let its = vec![ok, ok, ok, bad];
        assert_eq!(dist::distribution(&its, None).unwrap_err().to_string(), msg);
    }
    let e = dist::distribution(&[ok], Some(f64::NAN)).unwrap_err();
    assert_eq!(e.to_string(), "options.target: must be a finite number");
    let e = dist::distribution(&[ok], Some(f64::INFINITY)).unwrap_err();
    assert_eq!(e.path, "options.target");
}

#[test]
fn extreme_inputs_do_not_panic() {
    let huge = Item { amount: 1e300, probability: 0.5 };
    let tiny = Item { amount: 1e-300, probability: 0.5 };
    let s = dist::distribution(&[huge, tiny, huge], Some(0.0)).unwrap();
    assert!(s.p90 >= s.p10);
    let e = dist::distribution(&[Item { amount: f64::MAX, probability: 0.5 }; 3], None).unwrap_err();
    assert_eq!(e.to_string(), "items: the amounts add up to more than a number can hold");
    let s = dist::distribution(&[tiny; 50], None).unwrap();
    assert!(s.p90 >= s.p10);
    let one = Item { amount: 7.0, probability: 0.3 };
    let s = dist::distribution(&vec![one; 20_000], None).unwrap();
    assert!(!s.exact && s.p10 <= s.p50 && s.p50 <= s.p90);
}

/// `cargo test --release --test forecast_dist -- --ignored --nocapture`
#[test]
#[ignore]
fn timing() {
    let mut rng = Rng(7);
    for n in [100, 1_000, 10_000, 100_000] {
        let its = items(&mut rng, n);
        // Fastest of several runs: the machine may be shared.
        let reps = if n >= 100_000 { 5 } else { 20 };
        let mut ms = f64::INFINITY;
        let mut s = None;
        for _ in 0..reps {
            let start = std::time::Instant::now();
            s = Some(dist::distribution(&its, Some(1e6)).unwrap());
            ms = ms.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        let s = s.unwrap();
        let a: Vec<f64> = its.iter().map(|i| i.amount).collect();
        let p: Vec<f64> = its.iter().map(|i| i.probability).collect();
        let mut ms5 = f64::INFINITY;
        for _ in 0..reps {
            let start = std::time::Instant::now();
            grid(&a, &p, &factor_scenarios(0.1));
            ms5 = ms5.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "n={n:>6}: {ms:8.2} ms (with 5-scenario common factor {ms5:8.2} ms); step {:.1}, maxError {:.0} = {:.3}% of p50 = {:.3} of P90-P10, worstError {:.0}, naive n*h/2 {:.0}",
            s.grid_step,
            s.max_error,
            100.0 * s.max_error / s.p50,
            s.max_error / (s.p90 - s.p10),
            s.worst_error,
            n as f64 * s.grid_step / 2.0
        );
    }
}

#[test]
fn arrays_give_the_same_answer_and_name_fields() {
    let mut rng = Rng(8);
    let its = items(&mut rng, 300);
    let a: Vec<f64> = its.iter().map(|i| i.amount).collect();
    let p: Vec<f64> = its.iter().map(|i| i.probability).collect();
    assert_eq!(dist::distribution_arrays(&a, &p, Some(5e5)).unwrap(), dist::distribution(&its, Some(5e5)).unwrap());
    assert_eq!(dist::distribution_arrays(&a, &p[1..], None).unwrap_err().path, "probabilities");
    let mut bad = p.clone();
    bad[7] = 2.0;
    assert_eq!(dist::distribution_arrays(&a, &bad, None).unwrap_err().to_string(), "probabilities[7]: must be a number between 0 and 1");
    assert_eq!(dist::distribution_arrays(&a, &p, Some(f64::NAN)).unwrap_err().path, "target");
}
