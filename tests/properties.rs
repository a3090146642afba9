//! Property tests (proptest): invariants that must hold for every valid
//! model and deal, and "never panics" for every input at all.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use stagecast::Scorer;
use stagecast::import::{self, ColumnMapping, ImportOptions};
use stagecast::{default_model, score_deal, Deal, Event, Milestone, ProcessModel, Status};

// ------------------------------------------------------------ strategies

/// A valid model: 1..=12 milestones `m0..`, each optional one depending
/// only on earlier ones (so no cycle and no impossible order).
fn valid_model() -> impl Strategy<Value = ProcessModel> {
    (1usize..=12)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec((any::<bool>(), proptest::option::of(0.0f64..=1.0), any::<u16>()), n),
                proptest::option::of(0.0f64..=1.0),
            )
        })
        .prop_map(|(spec, base)| ProcessModel {
            milestones: spec
                .iter()
                .enumerate()
                .map(|(i, &(mandatory, probability, mask))| Milestone {
                    id: format!("m{i}"),
                    label: String::new(),
                    mandatory,
                    after: (0..i).filter(|j| mask & (1 << (j % 16)) != 0 && j + 3 >= i).map(|j| format!("m{j}")).collect(),
                    probability,
                })
                .collect(),
            base_probability: base,
            calibration: None,
        })
}

/// A model and a valid deal for it: some milestones, in any order, dated or
/// not.
fn model_and_deal() -> impl Strategy<Value = (ProcessModel, Deal)> {
    prop_oneof![Just(default_model()), valid_model()].prop_flat_map(|m| {
        let n = m.milestones.len();
        let ids: Vec<String> = m.milestones.iter().map(|x| x.id.clone()).collect();
        let events = proptest::collection::vec((0..n, proptest::option::of(0i32..3000)), 0..=n + 2).prop_map(move |es| {
            es.into_iter()
                .map(|(i, day)| Event {
                    milestone: ids[i].clone(),
                    date: day.map(|d| stagecast::deal::civil_from_days(19_000 + d)),
                })
                .collect::<Vec<_>>()
        });
        let status = prop_oneof![Just(Status::Open), Just(Status::Won), Just(Status::Lost)];
        (Just(m), events, status, proptest::option::of(0.0f64..1e9), proptest::option::of(0.0f64..=1.0)).prop_map(
            |(m, events, status, value, sp)| {
                (m, Deal { id: "d".into(), events, status, value, seller_probability: sp, ..Deal::default() })
            },
        )
    })
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), 0.0f64..=1.0]
}

/// Any model at all: duplicate or empty ids, unknown or cyclic `after`,
/// bad numbers.
fn any_model() -> impl Strategy<Value = ProcessModel> {
    let id = prop_oneof![Just(String::new()), "[a-c]{1,2}", ".{0,70}"];
    let milestone = (id.clone(), any::<bool>(), proptest::collection::vec(id, 0..3), proptest::option::of(any_f64()))
        .prop_map(|(id, mandatory, after, probability)| Milestone { id, label: String::new(), mandatory, after, probability });
    (proptest::collection::vec(milestone, 0..70), proptest::option::of(any_f64()))
        .prop_map(|(milestones, base_probability)| ProcessModel { milestones, base_probability, calibration: None })
}

/// Any deal at all: unknown milestones, bad dates, bad numbers.
fn any_deal() -> impl Strategy<Value = Deal> {
    let event = ("[a-c]{1,2}|need_confirmed|mobilizer_met|m[0-9]", proptest::option::of("[0-9-]{8,12}|2024-0[1-9]-[0-3][0-9]"))
        .prop_map(|(milestone, date)| Event { milestone, date });
    (proptest::collection::vec(event, 0..12), proptest::option::of(any_f64()), proptest::option::of(any_f64()), ".{0,3}")
        .prop_map(|(events, value, sp, id)| Deal { id, events, value, seller_probability: sp, ..Deal::default() })
}

fn in_unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

// ------------------------------------------------------------ scoring

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every random valid model is accepted, and its priors are probabilities.
    #[test]
    fn valid_models_are_accepted(m in valid_model()) {
        let p = Scorer::new(m).unwrap();
        prop_assert!(in_unit(p.base()));
        for i in p.indices() {
            prop_assert!(in_unit(p.prior(i)));
        }
    }

    /// Probabilities (and the probabilities of every next step) are always
    /// within [0, 1].
    #[test]
    fn probabilities_are_in_unit_interval((m, d) in model_and_deal()) {
        let p = Scorer::new(m).unwrap();
        let s = score_deal(&p, &d).unwrap();
        prop_assert!(in_unit(s.probability), "{}", s.probability);
        for n in &s.next {
            prop_assert!(in_unit(n.probability), "{}", n.probability);
            prop_assert!(n.gain.is_finite());
        }
    }

    /// A deal that kept the order (every milestone completed after what it
    /// requires): completing the next mandatory milestone never lowers the
    /// probability.
    #[test]
    fn next_mandatory_in_order_never_lowers((m, d) in model_and_deal()) {
        let p = Scorer::new(m).unwrap();
        // Keep only the events whose requirements were completed before them
        // (for an optional milestone too, the mandatory ones listed before it).
        let mut reached = 0u64;
        let mut events = Vec::new();
        for e in &d.events {
            let i = p.find(&e.milestone).unwrap();
            if reached & (1u64 << i) == 0 && (p.required_before(i) | p.mandatory_before(i)) & !reached == 0 {
                reached |= 1u64 << i;
                events.push(Event { milestone: e.milestone.clone(), date: None });
            }
        }
        let before = Deal { events: events.clone(), ..d.clone() };
        let s0 = score_deal(&p, &before).unwrap();
        prop_assert!(s0.missing_mandatory.is_empty() && s0.out_of_order.is_empty());
        let Some(next) = p.indices().find(|&i| p.is_mandatory(i) && reached & (1u64 << i) == 0) else {
            return Ok(());
        };
        events.push(Event { milestone: p.id(next).to_string(), date: None });
        let s1 = score_deal(&p, &Deal { events, ..d }).unwrap();
        prop_assert!(s1.probability >= s0.probability, "{} < {}", s1.probability, s0.probability);
        // And the `next` list predicts it.
        let predicted = s0.next.iter().find(|n| n.milestone == p.id(next)).unwrap();
        prop_assert!((predicted.probability - s1.probability).abs() < 1e-12);
        prop_assert!(predicted.gain >= 0.0);
    }

    /// Under the model's priors, ticking any milestone not yet reached never
    /// lowers a deal's probability, in whatever order the deal went (a step
    /// done late counts as out of order, but never below not doing it), and
    /// every next step's predicted gain is >= 0.
    #[test]
    fn ticking_a_milestone_never_lowers_the_prior_probability((m, d) in model_and_deal(), pick in any::<proptest::sample::Index>()) {
        let p = Scorer::new(m).unwrap();
        let events: Vec<Event> = d.events.iter().map(|e| Event { milestone: e.milestone.clone(), date: None }).collect();
        let before = Deal { events: events.clone(), ..d.clone() };
        let s0 = score_deal(&p, &before).unwrap();
        prop_assert!(s0.next.iter().all(|n| n.gain >= -1e-12), "{:?}", s0.next);
        let open: Vec<usize> = p.indices().filter(|&i| !s0.reached.iter().any(|r| r == p.id(i))).collect();
        if open.is_empty() {
            return Ok(());
        }
        let m = open[pick.index(open.len())];
        let mut after = events;
        after.push(Event { milestone: p.id(m).to_string(), date: None });
        let s1 = score_deal(&p, &Deal { events: after, ..d }).unwrap();
        prop_assert!(s1.probability >= s0.probability - 1e-12, "ticking {} lowered {} to {}: {:?}", p.id(m), s0.probability, s1.probability, s1.reasons);
    }

    /// Scoring never panics, whatever the model and the deal; errors are fine.
    #[test]
    fn scoring_never_panics(m in any_model(), ds in proptest::collection::vec(any_deal(), 0..4)) {
        for model in [m, default_model()] {
            if let Ok(p) = Scorer::new(model) {
                for d in &ds {
                    if let Ok(s) = score_deal(&p, d).map_err(|e| e.within("deal")) {
                        prop_assert!(in_unit(s.probability));
                    }
                }
                let _ = stagecast::score_deals(&p, &ds).map_err(|e| e.within("deals"));
            }
        }
    }
}

/// Seen while writing `next_mandatory_in_order_never_lowers`: completing the
/// first missing mandatory milestone *after* a later one made the later one
/// count as out of order (x0.8 on the lift), even when the best credit came
/// from an optional milestone that has nothing to do with it, so ticking the
/// missing step lowered the probability. The deal scored as if the late
/// steps were still missing is now a floor.
#[test]
fn completing_a_skipped_mandatory_step_late_never_lowers_the_probability() {
    let ms = |id: &str, mandatory: bool, p: f64| Milestone {
        id: id.into(),
        label: String::new(),
        mandatory,
        after: vec![],
        probability: Some(p),
    };
    let p = Scorer::new(ProcessModel {
        milestones: vec![ms("a", true, 0.2), ms("b", true, 0.3), ms("j", false, 0.9)],
        base_probability: Some(0.05),
        calibration: None,
    })
    .unwrap();
    let ev = |m: &str| Event { milestone: m.into(), date: None };
    let before = Deal { events: vec![ev("b"), ev("j")], ..Deal::default() };
    let after = Deal { events: vec![ev("b"), ev("j"), ev("a")], ..Deal::default() };
    let s0 = score_deal(&p, &before).unwrap().probability;
    let s1 = score_deal(&p, &after).unwrap().probability;
    assert!(s1 >= s0, "completing the missing step lowered {s0} to {s1}");
}

// ------------------------------------------------------------ CSV import

fn write_csv(rows: &[Vec<String>], delim: char, crlf: bool) -> String {
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        out.push_str(&cells.join(&delim.to_string()));
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Quoted cells come back exactly, whatever they hold (separators,
    /// quotes, CR, LF, non-ASCII), with any delimiter and line end.
    #[test]
    fn csv_cells_round_trip(
        cols in 2usize..6,
        cells in proptest::collection::vec("[a-zA-Z0-9 ,;\t\"\r\nåé€-]{0,12}", 2..60),
        delim in prop_oneof![Just(','), Just(';'), Just('\t')],
        crlf in any::<bool>(),
    ) {
        let rows: Vec<Vec<String>> = cells.chunks(cols).filter(|c| c.len() == cols).map(|c| c.to_vec()).collect();
        prop_assume!(!rows.is_empty());
        let text = write_csv(&rows, delim, crlf);
        let p = stagecast::csv_preview(&text).unwrap();
        prop_assert_eq!(p.delimiter, delim.to_string());
        prop_assert_eq!(&p.header, &rows[0]);
        let shown = (rows.len() - 1).min(import::PREVIEW_ROWS);
        prop_assert_eq!(&p.rows[..], &rows[1..=shown]);
    }

    /// Any text, any mapping: the import returns (or names a mapping error)
    /// and its counts add up; with a model, every deal passes the check.
    #[test]
    fn csv_import_never_panics(
        text in "(([a-c]|won|lost|yes|[0-9 .,]{1,6}|2024-0[1-9]-1[0-9]|\"|,|;|\n|\r\n){0,40})",
        cols in proptest::collection::vec(proptest::option::of("[a-c]"), 8),
        offset in 0usize..3,
        max in proptest::option::of(1usize..4),
    ) {
        let c = |i: usize| cols[i].clone();
        let mapping = ColumnMapping {
            id: c(0), value: c(1), stage: c(2), status: c(3), seller_probability: c(4),
            close_date: c(5).into_iter().collect(),
            milestone_columns: c(6).map(|x| (x, "need_confirmed".to_string())).into_iter().collect(),
            attributes: c(7).into_iter().collect(),
            stage_map: [("a".to_string(), vec!["mobilizer_met".to_string()])].into(),
            ..ColumnMapping::default()
        };
        let p = stagecast::Process::new(default_model()).unwrap();
        let options = ImportOptions { offset_rows: offset, max_rows: max };
        for process in [None, Some(&p)] {
            if let Ok(out) = stagecast::parse_csv(&text, &mapping, process, options) {
                prop_assert_eq!(out.deals.len() + out.skipped, out.rows);
                if let Some(m) = max { prop_assert!(out.rows <= m); }
                if let Some(p) = process {
                    for d in &out.deals { prop_assert!(d.check(p).is_ok()); }
                }
            }
        }
        let _ = stagecast::csv_preview(&text);
    }
}

// ------------------------------------------------- forecast, scenarios, calibration

fn scenario(meetings_per_week: f64, weeks: f64, to_opp: f64, win: f64, margin: f64, budget: f64) -> stagecast::Scenario {
    stagecast::Scenario {
        name: Some("Base".into()),
        meetings_per_week,
        weeks,
        meeting_to_opportunity: to_opp,
        win_rate: win,
        average_margin: margin,
        margin_budget: budget,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// The pipeline distribution is a distribution (its mass sums to 1) and
    /// its mean is the weighted pipeline, exactly on small integer amounts
    /// and within the reported bound on the grid.
    #[test]
    fn distribution_sums_to_one_and_mean_is_weighted_pipeline(
        deals in proptest::collection::vec((0u32..200, 0.0f64..=1.0), 0..60),
        scale in prop_oneof![Just(1.0f64), Just(1234.567f64), Just(1e6f64)],
    ) {
        let amounts: Vec<f64> = deals.iter().map(|d| f64::from(d.0) * scale).collect();
        let probs: Vec<f64> = deals.iter().map(|d| d.1).collect();
        let grid = stagecast::forecast::dist::grid(&amounts, &probs, &[(1.0, 1.0)]);
        let mass: f64 = grid.pmf.iter().sum();
        prop_assert!((mass - 1.0).abs() < 1e-9, "mass {}", mass);
        let mean: f64 = grid.pmf.iter().enumerate().map(|(t, m)| m * grid.amount(t)).sum();
        let want: f64 = amounts.iter().zip(&probs).map(|(a, p)| a * p).sum();
        let tol = 1e-9 * want.abs().max(1.0) + grid.worst_error.min(grid.max_error.max(grid.worst_error));
        prop_assert!((mean - want).abs() <= tol, "mean {} want {} tol {}", mean, want, tol);
        let s = stagecast::forecast::dist::distribution_arrays(&amounts, &probs, None).unwrap();
        prop_assert!(s.p10 <= s.p50 && s.p50 <= s.p90);
    }

    /// An empty what-if variant gives exactly the base numbers.
    #[test]
    fn empty_variant_equals_base(
        mpw in 0.5f64..20.0, weeks in 1.0f64..13.0, to_opp in 0.01f64..=1.0,
        win in 0.01f64..=1.0, margin in 100.0f64..1e6, budget in 0.0f64..1e7,
    ) {
        let base = scenario(mpw, weeks, to_opp, win, margin, budget);
        let out = stagecast::compare_scenarios(&base, &[stagecast::Variant::default()]).unwrap();
        prop_assert_eq!(out.len(), 2);
        prop_assert_eq!(out[0].numbers(), out[1].numbers());
        prop_assert_eq!(&out[0].sensitivity, &out[1].sensitivity);
        prop_assert!((0.0..=1.0).contains(&out[0].p_hit_budget));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Calibration does not depend on the order of the history rows.
    #[test]
    fn calibration_is_invariant_to_history_order(
        rows in proptest::collection::vec((0usize..8, any::<bool>(), 0usize..3, 0usize..3, any::<bool>()), 30..120),
        rotate in 1usize..29,
    ) {
        use stagecast::calibration::{calibrate, CalibrateOptions};
        let process = Scorer::new(default_model()).unwrap();
        let ids: Vec<String> = process.indices().map(|i| process.id(i).to_string()).collect();
        let history: Vec<Deal> = rows.iter().enumerate().map(|(k, &(upto, won, seg, seller, dated))| Deal {
            id: format!("h{k}"),
            seller: Some(format!("s{seller}")),
            status: if won { Status::Won } else { Status::Lost },
            events: ids.iter().take(upto).enumerate().map(|(d, m)| Event {
                milestone: m.clone(),
                date: dated.then(|| format!("2024-01-{:02}", d + 1)),
            }).collect(),
            attributes: [("segment".to_string(), format!("g{seg}"))].into_iter().collect(),
            seller_probability: Some(0.1 + 0.1 * (k % 8) as f64),
            close_date: Some("2024-02-01".into()),
            ..Deal::default()
        }).collect();
        let mut shuffled = history.clone();
        shuffled.rotate_left(rotate % history.len());
        shuffled.reverse();
        let a = calibrate(&process, &history, &CalibrateOptions::default()).unwrap();
        let b = calibrate(&process, &shuffled, &CalibrateOptions::default()).unwrap();
        let (ja, jb) = (serde_json::to_value(&a.calibration).unwrap(), serde_json::to_value(&b.calibration).unwrap());
        prop_assert!(same_within(&ja, &jb, 1e-9), "calibrations differ:\n{}\n{}", ja, jb);
    }
}

/// The same JSON, numbers equal within a relative tolerance (sums taken in a
/// different order may differ in the last bits).
fn same_within(a: &serde_json::Value, b: &serde_json::Value, tol: f64) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= tol * x.abs().max(y.abs()).max(1.0)
        }
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_within(x, y, tol)),
        (J::Object(x), J::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_within(v, w, tol))),
        _ => a == b,
    }
}

// ------------------------------------------------------------ meetings

/// Meetings over the default model, mostly valid: a deal inline (any
/// status, any margin, known milestones) or by id, a target or none,
/// attendees or none; now and then an unknown id, target or milestone.
fn any_meeting() -> impl Strategy<Value = stagecast::Meeting> {
    let milestone = "need_confirmed|mobilizer_met|solution_presented|proposal_requested|verbal_yes|contract_signed";
    let target = prop_oneof![30 => proptest::option::of(milestone), 1 => Just(Some("x".to_string()))];
    let attendees = proptest::option::of(proptest::collection::vec("mobilizer|decision maker|IT|", 0..3));
    let events = proptest::collection::vec(prop_oneof![30 => milestone, 1 => "[a-c]"], 0..5);
    let margin = prop_oneof![30 => (0.0f64..1e6).prop_map(Some), 1 => proptest::option::of(any_f64())];
    let inline = (events, margin, 0u8..3, proptest::option::of("retail|public")).prop_map(|(events, margin, s, industry)| Deal {
        id: "inline".into(),
        margin,
        status: [Status::Open, Status::Won, Status::Lost][usize::from(s)],
        events: events.into_iter().map(|milestone| Event { milestone, date: None }).collect(),
        attributes: industry.map(|v| ("industry".to_string(), v)).into_iter().collect(),
        ..Deal::default()
    });
    let source = prop_oneof![
        15 => inline.prop_map(|d| (None, Some(d))),
        15 => "[ab]".prop_map(|id| (Some(id), None)),
        1 => (proptest::option::of("[a-c]"), proptest::option::of(any_deal())),
    ];
    (source, target, attendees, proptest::option::of(any::<bool>())).prop_map(|((deal_id, deal), target_milestone, attendees, prepared)| {
        stagecast::Meeting {
            deal_id,
            deal,
            target_milestone,
            attendees: attendees.map(|roles| roles.into_iter().map(|role| stagecast::meetings::Attendee { role, name: None }).collect()),
            prepared,
            ..stagecast::Meeting::default()
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// rankMeetings never panics; when it ranks, ranks run 1..=n by falling
    /// value, `passed` counts the passes (an unknown check is not one), and
    /// every meeting keeps its index.
    #[test]
    fn rank_meetings_never_panics_and_ranks_by_value(
        mut meetings in proptest::collection::vec(any_meeting(), 0..6),
        min_probability in prop_oneof![30 => proptest::option::of(0.0f64..=1.0), 1 => proptest::option::of(any_f64())],
        ideal in proptest::option::of("retail|public"),
    ) {
        let p = Scorer::new(default_model()).unwrap();
        let deals = ["a", "b"].map(|id| Deal { id: id.into(), margin: Some(1000.0), ..Deal::default() }).to_vec();
        let mut o = stagecast::RankOptions { deals, min_probability, ..stagecast::RankOptions::default() };
        if let Some(v) = ideal {
            o.ideal_customer.insert("industry".into(), v);
        }
        let n = meetings.len();
        if let Ok(r) = stagecast::rank_meetings(&p, &mut meetings, &mut o) {
            prop_assert_eq!(r.len(), n);
            let mut seen: Vec<usize> = r.iter().map(|m| m.index).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..n).collect::<Vec<_>>());
            for (k, m) in r.iter().enumerate() {
                prop_assert_eq!(m.rank, k + 1);
                prop_assert!(in_unit(m.probability_before) && in_unit(m.probability_after));
                let c = &m.checks;
                let passes = [&c.right_customer, &c.right_people, &c.prepared].iter().filter(|c| c.status == stagecast::meetings::CheckStatus::Pass).count();
                prop_assert_eq!(m.passed as usize, passes);
                if let Some(w) = r.get(k + 1) {
                    prop_assert!(m.value >= w.value || m.value.is_nan() || w.value.is_nan());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// A calibrated score is a readable sum: its contributions (the state's
    /// base, each attribute, each pair) add up to the logit of its
    /// probability, on every deal of the history, and the interval holds it.
    #[test]
    fn contributions_sum_to_the_logit(
        rows in proptest::collection::vec((0u64..256, 0usize..3, 0usize..4, 0usize..3, any::<bool>()), 40..160),
    ) {
        use stagecast::calibration::{calibrate, CalibrateOptions};
        let process = Scorer::new(default_model()).unwrap();
        let ids: Vec<String> = process.indices().map(|i| process.id(i).to_string()).collect();
        let history: Vec<Deal> = rows.iter().enumerate().map(|(k, &(mask, seg, size, seller, won))| Deal {
            id: format!("h{k}"),
            seller: Some(format!("s{seller}")),
            status: if won || (mask.count_ones() > 4 && seg == 1) { Status::Won } else { Status::Lost },
            events: ids.iter().enumerate().filter(|(i, _)| mask & (1 << (i % 8)) != 0).map(|(_, m)| Event { milestone: m.clone(), date: None }).collect(),
            attributes: [("segment".to_string(), format!("g{seg}")), ("size".to_string(), format!("z{size}"))].into_iter().collect(),
            ..Deal::default()
        }).collect();
        let p = Scorer::new(calibrate(&process, &history, &CalibrateOptions::default()).unwrap()).unwrap();
        for d in &history {
            let s = score_deal(&p, &Deal { status: Status::Open, ..d.clone() }).unwrap();
            // On priors, or won outright (the outcome milestone: probability
            // 1, whose logit no finite sum reaches), there is no sum.
            let won = s.reasons.iter().any(|r| matches!(r, stagecast::probability::Reason::DealWon { .. }));
            if s.source != "history" || won {
                prop_assert!(s.contributions.is_empty());
                prop_assert!(!won || s.probability == 1.0);
                continue;
            }
            prop_assert_eq!(&s.contributions[0].term.kind, "state");
            let sum: f64 = s.contributions.iter().map(|c| c.value).sum();
            prop_assert!((sum - stagecast::stats::logit(s.probability)).abs() < 1e-6, "sum {} logit {}", sum, stagecast::stats::logit(s.probability));
            let [lo, hi] = s.interval.unwrap();
            prop_assert!(lo <= s.probability && s.probability <= hi);
        }
    }
}
