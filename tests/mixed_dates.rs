//! The rule for a mix of dated and undated events (`deal::ordered`): dated
//! events happen on their date, an undated one on the latest date listed
//! before it (first when none is), ties in listed order. Checked on the
//! prior model and on a calibrated one, where the order moves the number.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use stagecast::Scorer;
use stagecast::calibration::{calibrate, CalibrateOptions};
use stagecast::deal::{ordered, parse_date};
use stagecast::{default_model, score_deal, Deal, Event, Status};

fn ev(m: &str, date: Option<&str>) -> Event {
    Event { milestone: m.into(), date: date.map(str::to_string) }
}

fn deal(events: Vec<Event>) -> Deal {
    Deal { id: "d".into(), events, ..Deal::default() }
}

fn day(s: &str) -> Option<i32> {
    Some(parse_date("d", s).unwrap())
}

/// The milestone order `ordered` gives for (milestone, day) steps.
fn order_of(steps: &[(usize, Option<i32>)]) -> Vec<usize> {
    ordered(steps).into_iter().map(|s| s.0).collect()
}

#[test]
fn the_rule_on_small_cases() {
    let (d1, d2, d3) = (day("2024-03-01"), day("2024-03-05"), day("2024-03-10"));
    // All undated: as listed. All dated: by date.
    assert_eq!(order_of(&[(2, None), (0, None), (1, None)]), vec![2, 0, 1]);
    assert_eq!(order_of(&[(2, d3), (0, d1), (1, d2)]), vec![0, 1, 2]);
    // Same day: listed order.
    assert_eq!(order_of(&[(2, d1), (0, d1), (1, d1)]), vec![2, 0, 1]);
    // Dated events listed out of date order, then an undated tick: the tick
    // comes after every dated event listed before it (the latest, 03-10),
    // so last; the old rule ("not all dated: as listed") gave 2, 0, 1, 3.
    assert_eq!(order_of(&[(2, d3), (0, d1), (1, d2), (3, None)]), vec![0, 1, 2, 3]);
    // Undated events before the first dated one come first, as listed.
    assert_eq!(order_of(&[(1, None), (0, None), (2, d2)]), vec![1, 0, 2]);
    // An undated event in the middle sticks to the latest date listed
    // before it; a later-listed event dated earlier still moves before it.
    assert_eq!(order_of(&[(0, d2), (3, None), (1, d1), (2, d3)]), vec![1, 0, 3, 2]);
}

/// A history where the order matters: deals that got the mobilizer before
/// the solution win far more often than those that skipped ahead.
fn calibrated() -> Scorer {
    let p = Scorer::new(default_model()).unwrap();
    let ladder = ["need_confirmed", "mobilizer_met", "solution_presented", "proposal_requested"];
    let history: Vec<Deal> = (0..400)
        .map(|i| {
            let depth = 1 + i % 4;
            let skipped = depth >= 3 && i % 3 == 0;
            let mut steps: Vec<&str> = ladder[..depth].to_vec();
            if skipped {
                steps.swap(1, 2); // solution before mobilizer
            }
            let won = (i * 7919) % 100 < if skipped { 10 } else { 10 + 18 * depth };
            Deal {
                id: format!("h{i}"),
                status: if won { Status::Won } else { Status::Lost },
                events: steps.iter().enumerate().map(|(k, m)| ev(m, Some(&format!("2024-01-{:02}", k + 1)))).collect(),
                ..Deal::default()
            }
        })
        .collect();
    Scorer::new(calibrate(&p, &history, &CalibrateOptions::default()).unwrap()).unwrap()
}

#[test]
fn an_undated_tick_on_a_dated_deal_scores_like_the_dated_deal() {
    for p in [Scorer::new(default_model()).unwrap(), calibrated()] {
        // CRM events listed newest first, all dated, in process order by date.
        let dated = vec![
            ev("solution_presented", Some("2024-03-10")),
            ev("need_confirmed", Some("2024-03-01")),
            ev("mobilizer_met", Some("2024-03-05")),
        ];
        let mut ticked = dated.clone();
        ticked.push(ev("proposal_requested", None));
        let mut in_order = dated.clone();
        in_order.push(ev("proposal_requested", Some("2024-03-12")));
        let a = score_deal(&p, &deal(ticked)).unwrap();
        let b = score_deal(&p, &deal(in_order)).unwrap();
        assert!(a.out_of_order.is_empty(), "{:?}", a.out_of_order);
        assert_eq!(a.probability, b.probability, "{} vs {}", a.probability, b.probability);
        assert_eq!((a.reached, a.missing_mandatory), (b.reached, b.missing_mandatory));
    }
}

#[test]
fn a_backdated_forgotten_step_scores_like_steps_ticked_in_order() {
    for p in [Scorer::new(default_model()).unwrap(), calibrated()] {
        let in_order = deal(vec![
            ev("need_confirmed", Some("2024-03-01")),
            ev("mobilizer_met", Some("2024-03-05")),
            ev("solution_presented", Some("2024-03-10")),
        ]);
        // The mobilizer was forgotten, ticked after the solution, and given
        // its real date.
        let backdated = deal(vec![
            ev("need_confirmed", Some("2024-03-01")),
            ev("solution_presented", Some("2024-03-10")),
            ev("mobilizer_met", Some("2024-03-05")),
        ]);
        // Ticked late without a date: done now, so out of order.
        let late = deal(vec![
            ev("need_confirmed", Some("2024-03-01")),
            ev("solution_presented", Some("2024-03-10")),
            ev("mobilizer_met", None),
        ]);
        let (a, b, c) = (
            score_deal(&p, &in_order).unwrap(),
            score_deal(&p, &backdated).unwrap(),
            score_deal(&p, &late).unwrap(),
        );
        assert_eq!(a.probability, b.probability);
        assert!(b.out_of_order.is_empty());
        assert_eq!(c.out_of_order, vec!["solution_presented"]);
        assert!(c.probability < b.probability, "late {} vs backdated {}", c.probability, b.probability);
        // A mixed deal: undated ticks on top of the backdated one keep it in date order.
        let mut mixed = backdated.clone();
        mixed.events.push(ev("proposal_requested", None));
        let mut dated = in_order.clone();
        dated.events.push(ev("proposal_requested", Some("2024-03-20")));
        assert_eq!(score_deal(&p, &mixed).unwrap().probability, score_deal(&p, &dated).unwrap().probability);
    }
}

mod properties {
    use proptest::prelude::*;
    use stagecast::deal::ordered;

    proptest! {
        /// Dated events come out in date order (same day: listed order),
        /// and an undated event appended last (a box ticked today) comes
        /// out last, whatever the listed order of the dated ones.
        #[test]
        fn an_undated_tick_never_reorders_dated_events(days in proptest::collection::vec(0i32..20, 0..12), tick in 0usize..64) {
            let dated: Vec<(usize, Option<i32>)> = days.iter().enumerate().map(|(i, &d)| (i, Some(d))).collect();
            let by_date = ordered(&dated);
            for w in by_date.windows(2) {
                prop_assert!(w[0].1 < w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0), "{:?}", by_date);
            }
            let mut ticked = dated.clone();
            ticked.push((tick, None));
            let mut want = by_date.clone();
            want.push((tick, None));
            prop_assert_eq!(ordered(&ticked), want);
        }

        /// Undated events only: as listed.
        #[test]
        fn undated_events_keep_their_listed_order(ms in proptest::collection::vec(0usize..64, 0..12)) {
            let steps: Vec<(usize, Option<i32>)> = ms.iter().map(|&m| (m, None)).collect();
            prop_assert_eq!(ordered(&steps), steps);
        }
    }
}
