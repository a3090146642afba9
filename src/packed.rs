//! Lean scores of deals packed into integer columns over a string table:
//! the fast path of `Engine.scoreDeals` (issue 14). The JS wrapper
//! (www/src/pack.js) walks the deal objects once, interns every milestone
//! id, date, attribute name and value and seller into one table, and
//! writes each deal as integers; each distinct string is then resolved
//! once per call here, instead of being copied into wasm deal by deal.
//!
//! Layout of `data`, deal after deal: the number of events, then
//! (milestone, date) per event; the number of attributes, then (name,
//! value) per attribute; then the seller and the close date. Each is an
//! index into `strings`, or [`NONE`] where absent.
//!
//! The numbers are those of `probability::score_lean` (the same code,
//! `probability::lean`, with the attribute effects summed in the same
//! order). Anything the serde path would refuse, or that this path does
//! not fully understand, gives `None`: the caller then scores through the
//! serde path, which names the bad field as it always has.

use crate::calibration::{Fitted, SELLER};
use crate::deal::{parse_date, state_into, MAX_ATTRIBUTES, MAX_EVENTS};
use crate::error;
use crate::model::MAX_TEXT_CHARS;
use crate::scorer::Scorer;
use crate::deal::DealState;
use crate::probability::{detail, lean, Detail, Part, Why};

/// An absent string (an undated event, no seller, no close date).
pub const NONE: u32 = u32::MAX;

/// Packs deals as www/src/pack.js does (its Rust twin, for the unit tests
/// and the `packed` fuzz target; the wasm only reads): every string
/// interned in the order it is first met; each deal's attributes in the
/// order its list of indices gives (indices into the attributes in key
/// order; pack.js meets them in the order the JS object lists them).
pub fn pack<'a>(deals: impl IntoIterator<Item = (&'a crate::Deal, &'a [usize])>) -> (Vec<String>, Vec<u32>) {
    let mut strings: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut sid = |s: &str| -> u32 {
        *index.entry(s.to_string()).or_insert_with(|| {
            strings.push(s.to_string());
            u32::try_from(strings.len() - 1).unwrap_or(NONE)
        })
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(NONE);
    let mut data = Vec::new();
    for (d, order) in deals {
        data.push(count(d.events.len()));
        for e in &d.events {
            data.push(sid(&e.milestone));
            data.push(e.date.as_deref().map_or(NONE, &mut sid));
        }
        data.push(count(d.attributes.len()));
        let attrs: Vec<(&String, &String)> = d.attributes.iter().collect();
        for (name, value) in order.iter().filter_map(|&i| attrs.get(i)) {
            data.push(sid(name));
            data.push(sid(value));
        }
        data.push(d.seller.as_deref().map_or(NONE, &mut sid));
        data.push(d.close_date.as_deref().map_or(NONE, &mut sid));
    }
    (strings, data)
}

/// `[probability, lo, hi]` per deal, then one last number: 1 when the
/// scores have intervals (a calibrated model), else 0 (lo and hi are then
/// 0). `None`: score these deals through the serde path instead.
pub fn score_packed(process: &Scorer, strings: &[&str], data: &[u32]) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(data.len() / 4);
    let mut keys: Vec<u64> = Vec::new();
    each_deal(process, strings, data, &mut |st, levels, pairs, seller| {
        let (p, interval) = lean(process, st, &mut keys, &mut |f, keys| levels.keys(f, pairs, seller, keys, None));
        let [lo, hi] = interval.unwrap_or_default();
        out.extend([p, lo, hi]);
    })?;
    out.push(if process.fitted().is_some_and(|f| !f.insufficient) { 1.0 } else { 0.0 });
    Some(out)
}

/// Everything `scoreDeal` returns, as numbers, per deal: what
/// `probability::detail` computes (the same as the serde path's
/// `DealScore`), for www/src/pack.js to name. Milestones are indices, sets
/// two numbers (bits 0-31, 32-63), attribute names and values indices into
/// `strings` (a name [`NONE`]: `seller`). Per deal:
/// `probability, lo, hi, count, reached (2), missing (2), out of order
/// (2)`; the number of terms, then each: `0, reached (2), out of order,
/// value` (the state), `1, name, value, value` (an attribute), `2, name,
/// value, reached (2), out of order, value` (a pair with the state), `3,
/// name, value, name, value, value` (two attributes); the number of
/// reasons, then each as its code (the order of `probability::Why`) and
/// its numbers (`Why::Term`: the term's number among the deal's terms and
/// the points); the number of next steps, then (milestone, probability)
/// each. One last number: 1 when scored on history. `None`: use the serde
/// path.
pub fn score_packed_detail(process: &Scorer, strings: &[&str], data: &[u32]) -> Option<Vec<f64>> {
    let mut out: Vec<f64> = Vec::with_capacity(data.len() * 3);
    let (mut keys, mut at) = (Vec::new(), Vec::new());
    let mut d = Detail::default();
    let mut scratch = DealState::default();
    each_deal(process, strings, data, &mut |st, levels, pairs, seller| {
        keys.clear();
        at.clear();
        if let Some(f) = process.fitted().filter(|f| !f.insufficient) {
            levels.keys(f, pairs, seller, &mut keys, Some(&mut at));
        }
        detail(process, st, &keys, &at, &mut d, &mut scratch);
        let name = |k: usize| -> [f64; 2] {
            let (a, v) = pairs.get(k).copied().unwrap_or((NONE, seller));
            [f64::from(a), f64::from(v)]
        };
        let set = |s: u64| [(s & 0xffff_ffff) as f64, (s >> 32) as f64];
        let [lo, hi] = d.interval.unwrap_or_default();
        out.extend([d.probability, lo, hi, f64::from(d.count)]);
        for s in [d.reached, d.missing, d.out_of_order] {
            out.extend(set(s));
        }
        out.push(d.terms.len() as f64);
        for &(part, value) in &d.terms {
            match part {
                Part::State(r, ooo) => out.extend([0.0, set(r)[0], set(r)[1], f64::from(u8::from(ooo))]),
                Part::Attribute(k) => out.extend([1.0, name(k)[0], name(k)[1]]),
                Part::StatePair(k, r, ooo) => out.extend([2.0, name(k)[0], name(k)[1], set(r)[0], set(r)[1], f64::from(u8::from(ooo))]),
                Part::Pair(a, b) => out.extend([3.0, name(a)[0], name(a)[1], name(b)[0], name(b)[1]]),
            }
            out.push(value);
        }
        out.push(d.reasons.len() as f64);
        for &w in &d.reasons {
            let n = |x: u32| f64::from(x);
            let row = match w {
                Why::Start(p) => [0.0, p, 0.0, 0.0, 0.0, 0.0, 0.0],
                Why::FurthestStep(i, p) => [1.0, i as f64, p, 0.0, 0.0, 0.0, 0.0],
                Why::MissingPrerequisites(i, missing, p, prior) => [2.0, i as f64, n(missing), p, prior, 0.0, 0.0],
                Why::OutOfOrder(m, p, before) => [3.0, set(m)[0], set(m)[1], p, before, 0.0, 0.0],
                Why::OutOfOrderAsMissing(m, late, p, before) => [4.0, set(m)[0], set(m)[1], set(late)[0], set(late)[1], p, before],
                Why::LearnedState(deals, won) => [5.0, n(deals), n(won), 0.0, 0.0, 0.0, 0.0],
                Why::ThinState(deals) => [6.0, n(deals), 0.0, 0.0, 0.0, 0.0, 0.0],
                Why::HistoryRate(p, low, high) => [7.0, p, low, high, 0.0, 0.0, 0.0],
                Why::Term(k, points) => [8.0, k as f64, f64::from(points), 0.0, 0.0, 0.0, 0.0],
                Why::InsufficientHistory(deals, needed) => [9.0, n(deals), n(needed), 0.0, 0.0, 0.0, 0.0],
                Why::DealWon(i) => [10.0, i as f64, 0.0, 0.0, 0.0, 0.0, 0.0],
            };
            let len = WHY_LEN.get(row[0] as usize).copied().unwrap_or(1);
            out.extend_from_slice(row.get(..len).unwrap_or_default());
        }
        out.push(d.next.len() as f64);
        for &(i, p) in &d.next {
            out.extend([i as f64, p]);
        }
    })?;
    out.push(if process.fitted().is_some_and(|f| !f.insufficient) { 1.0 } else { 0.0 });
    Some(out)
}

/// How many numbers each reason takes, code included, by code (the order
/// of `probability::Why`; www/src/pack.js reads them so).
const WHY_LEN: [usize; 11] = [2, 3, 5, 5, 7, 3, 2, 4, 3, 3, 2];

/// What `each_deal` calls per deal: (state, levels, attributes, seller).
type Each<'a> = dyn FnMut(&DealState, &mut Levels<'_>, &[(u32, u32)], u32) + 'a;

/// Reads the packed deals (checking every string and index as the serde
/// path's checks would) and calls `each` with every deal's state, the
/// strings' levels, its attributes in name order (name, value) and its
/// seller. `None` when anything is off.
fn each_deal(
    process: &Scorer,
    strings: &[&str],
    data: &[u32],
    each: &mut Each<'_>,
) -> Option<()> {
    // A string the checks could refuse (too long; `__proto__` as an
    // attribute name) sends the whole call to the serde path, which
    // names it. Every other check is per role, below.
    if strings.iter().any(|s| error::text("", s, MAX_TEXT_CHARS).is_err() || *s == "__proto__") {
        return None;
    }
    // Each string as a milestone and as a date, resolved once.
    let known: Vec<(Option<usize>, Option<i32>)> = strings.iter().map(|s| (process.find(s), parse_date("", s).ok())).collect();
    let day = |k: u32| -> Option<Option<i32>> {
        if k == NONE {
            Some(None)
        } else {
            known.get(k as usize)?.1.map(Some)
        }
    };
    let mut levels = Levels { strings, rows: Vec::new(), seller: strings.iter().position(|s| *s == SELLER) };
    let mut steps: Vec<(usize, Option<i32>)> = Vec::new();
    let mut st = DealState::default();
    // Each attribute name's rank in name order (`UNSEEN` until met): the
    // names met so far, sorted, and their ranks.
    let mut names: Vec<u32> = Vec::new();
    let mut rank: Vec<u32> = vec![UNSEEN; strings.len()];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut words = data.iter().copied();
    let count = |words: &mut std::iter::Copied<std::slice::Iter<'_, u32>>, max: usize| words.next().filter(|&n| n as usize <= max);
    while words.len() > 0 {
        steps.clear();
        for _ in 0..count(&mut words, MAX_EVENTS)? {
            let m = known.get(words.next()? as usize)?.0?;
            steps.push((m, day(words.next()?)?));
        }
        pairs.clear();
        for _ in 0..count(&mut words, MAX_ATTRIBUTES)? {
            let (a, v) = (words.next()?, words.next()?);
            if *rank.get(a as usize)? == UNSEEN {
                let at = names.partition_point(|&n| text(strings, n) < text(strings, a));
                names.insert(at, a);
                for (r, &n) in names.iter().enumerate() {
                    *rank.get_mut(n as usize)? = r as u32;
                }
            }
            pairs.push((a, v));
        }
        let seller = words.next()?;
        day(words.next()?)?;
        // The attributes in name order, as a deal's BTreeMap holds them
        // (an insertion sort by rank: a few names, often listed in order
        // already).
        let ranked = |k: u32| rank.get(k as usize).copied().unwrap_or(UNSEEN);
        for i in 1..pairs.len() {
            let mut j = i;
            while let (Some(a), Some(b)) = (pairs.get(j.wrapping_sub(1)), pairs.get(j)) {
                if ranked(a.0) <= ranked(b.0) {
                    break;
                }
                pairs.swap(j - 1, j);
                j -= 1;
            }
        }
        state_into(process, &steps, &mut st);
        each(&st, &mut levels, &pairs, seller);
    }
    Some(())
}

fn text<'a>(strings: &[&'a str], k: u32) -> &'a str {
    strings.get(k as usize).copied().unwrap_or("")
}

/// The learned level of each (name, value) string pair, looked up once per
/// call: a row per name (`UNSEEN`: not looked up yet; `UNKNOWN`: the
/// history did not know it); the seller's row is named [`NONE`].
struct Levels<'a> {
    strings: &'a [&'a str],
    rows: Vec<(u32, Vec<u32>)>,
    /// The string `seller`, if the table has it.
    seller: Option<usize>,
}

const UNSEEN: u32 = u32::MAX;
const UNKNOWN: u32 = u32::MAX - 1;

impl Levels<'_> {
    fn level(&mut self, f: &Fitted, k: u32, v: u32) -> Option<u64> {
        let n = self.strings.len();
        let name = if k == NONE { SELLER } else { text(self.strings, k) };
        let look = || f.terms.level(name, text(self.strings, v));
        let at = match self.rows.iter().position(|(r, _)| *r == k) {
            Some(at) => at,
            // The cache stays under 16 MB (64 rows of 65,536 strings at
            // most): past that, each level is looked up where it is met.
            None if n <= 1 << 16 && self.rows.len() < 64 => {
                self.rows.push((k, vec![UNSEEN; n]));
                self.rows.len() - 1
            }
            None => return look().map(|x| x as u64),
        };
        let cell = self.rows.get_mut(at).and_then(|(_, row)| row.get_mut(v as usize))?;
        if *cell == UNSEEN {
            // Level indices are far below u32::MAX - 1 (at most MAX_EFFECTS).
            *cell = look().and_then(|x| u32::try_from(x).ok()).filter(|&x| x < UNKNOWN).unwrap_or(UNKNOWN);
        }
        (*cell != UNKNOWN).then_some(u64::from(*cell))
    }

    /// `probability::features` of the deal as levels: its attributes in
    /// name order, then its seller (when not empty and no attribute is
    /// named `seller`); unknown ones left out, as `score_lean` leaves them.
    /// Their positions among the features into `at`, when given.
    fn keys(&mut self, f: &Fitted, pairs: &[(u32, u32)], seller: u32, out: &mut Vec<u64>, mut at: Option<&mut Vec<usize>>) {
        let mut has_seller = false;
        for (k, &(a, v)) in pairs.iter().enumerate() {
            has_seller |= Some(a as usize) == self.seller;
            if let Some(level) = self.level(f, a, v) {
                out.push(level);
                if let Some(at) = at.as_deref_mut() {
                    at.push(k);
                }
            }
        }
        if seller != NONE && !has_seller && !text(self.strings, seller).is_empty() {
            if let Some(level) = self.level(f, NONE, seller) {
                out.push(level);
                if let Some(at) = at {
                    at.push(pairs.len());
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::scorer::Scorer;
    use crate::probability::score_lean;
    use crate::{Deal, Event};

    /// Packs deals the way www/src/pack.js does, every deal's attributes
    /// in the same listed order.
    fn pack(deals: &[Deal], order: &[usize]) -> (Vec<String>, Vec<u32>) {
        super::pack(deals.iter().map(|d| (d, order)))
    }

    /// The wire format as tests/data/packed-layout.json states it (which
    /// tests/node/pack.test.mjs holds pack.js to as well).
    #[test]
    fn pack_writes_the_layout_pack_js_writes() {
        let golden: serde_json::Value = serde_json::from_str(include_str!("../tests/data/packed-layout.json")).unwrap();
        let deals: Vec<Deal> = serde_json::from_value(golden["deals"].clone()).unwrap();
        let (strings, data) = pack(&deals, &[0, 1]);
        assert_eq!(serde_json::to_value(&strings).unwrap(), golden["strings"]);
        assert_eq!(serde_json::to_value(&data).unwrap(), golden["data"]);
        // And the reader takes it: one score per deal, then the flag.
        let table: Vec<&str> = strings.iter().map(String::as_str).collect();
        assert_eq!(score_packed(&model(), &table, &data).map(|o| o.len()), Some(deals.len() * 3 + 1));
    }

    fn model() -> Scorer {
        Scorer::new(crate::default_model()).unwrap()
    }

    fn deal(k: usize) -> Deal {
        let ms = ["need_confirmed", "mobilizer_met", "decision_process_mapped", "budget_confirmed", "solution_presented", "proposal_requested"];
        let n = k % ms.len();
        let events = (0..n)
            .map(|i| Event {
                milestone: ms[(i * 7 + k) % ms.len()].to_string(),
                date: (k % 3 != 0).then(|| format!("2026-0{}-1{}", 1 + (i + k) % 9, (i * 3 + k) % 10)),
            })
            .collect();
        let mut d = Deal { id: format!("d{k}"), events, ..Deal::default() };
        d.attributes.insert("region".into(), ["north", "south", "east"][k % 3].into());
        d.attributes.insert("segment".into(), ["smb", "mid"][k % 2].into());
        if k % 4 == 0 {
            d.attributes.insert("product".into(), "p1".into());
        }
        // More attributes, so that the order of the effect sum shows in
        // the last bits.
        for (a, levels) in [("a1", 3), ("b2", 4), ("c3", 5), ("d4", 6), ("e5", 7), ("f6", 2)] {
            d.attributes.insert(a.into(), format!("v{}", (k / 3 + levels * 7 + a.len() * k) % levels));
        }
        if k % 5 != 0 {
            d.seller = Some(format!("s{}", k % 4));
        }
        d
    }

    fn history() -> Vec<Deal> {
        (0..1200)
            .map(|k| {
                let mut d = deal(k);
                // The attributes move the outcome strongly: learned effects.
                let lift: i64 = d.attributes.values().map(|v| v.bytes().last().map_or(0, |b| i64::from(b % 5))).sum();
                let rate = [60, 35, 10][k % 3] + 4 * lift - 20;
                let u = (k as i64 * 7919 + 13) * 104_729 % 100;
                d.status = if u < rate { crate::Status::Won } else { crate::Status::Lost };
                d
            })
            .collect()
    }

    fn check_same(p: &Scorer, deals: &[Deal]) {
        for order in [(0..9).collect::<Vec<_>>(), (0..9).rev().collect(), vec![4, 0, 8, 2, 6, 1, 7, 3, 5]] {
            let (strings, data) = pack(deals, &order);
            let strings: Vec<&str> = strings.iter().map(String::as_str).collect();
            let out = score_packed(p, &strings, &data).expect("packed deals score");
            assert_eq!(out.len(), deals.len() * 3 + 1);
            let calibrated = out[deals.len() * 3] == 1.0;
            for (k, d) in deals.iter().enumerate() {
                let s = score_lean(p, d).unwrap();
                assert_eq!(s.probability.to_bits(), out[k * 3].to_bits(), "deal {k}");
                assert_eq!(s.interval.is_some(), calibrated);
                if let Some([lo, hi]) = s.interval {
                    assert_eq!((lo.to_bits(), hi.to_bits()), (out[k * 3 + 1].to_bits(), out[k * 3 + 2].to_bits()), "deal {k}");
                }
            }
        }
    }

    #[test]
    fn same_numbers_as_score_lean_with_priors_and_calibrated() {
        let p = model();
        let deals: Vec<Deal> = (0..300).map(deal).collect();
        check_same(&p, &deals);
        let m = crate::calibrate(&p, &history(), &crate::CalibrateOptions::default()).unwrap();
        assert!(m.calibration.as_ref().is_some_and(|c| !c.effects.is_empty()), "the test needs learned effects");
        let fitted = Scorer::new(m).unwrap();
        assert!(fitted.fitted().is_some_and(|f| !f.insufficient));
        check_same(&fitted, &deals);
    }

    /// Garbage data (counts, indices past the table, NONE anywhere) never
    /// panics: both packed paths give numbers or `None`, and agree on which.
    #[test]
    fn garbage_falls_back_or_scores_without_panicking() {
        let p = model();
        let good: Vec<Deal> = (0..6).map(deal).collect();
        let (strings, data) = pack(&good, &(0..9).collect::<Vec<_>>());
        let strings: Vec<&str> = strings.iter().map(String::as_str).collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut scored, mut refused) = (0, 0);
        for _ in 0..3000 {
            let mut d = data.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() % d.len() as u64) as usize;
                d[at] = match next() % 4 {
                    0 => NONE,
                    1 => (next() % 40) as u32,
                    2 => d[at].wrapping_add(1),
                    _ => (next() % (strings.len() as u64 + 2)) as u32,
                };
            }
            if next() % 5 == 0 {
                d.truncate((next() % d.len() as u64) as usize);
            }
            let lean = score_packed(&p, &strings, &d);
            let detail = score_packed_detail(&p, &strings, &d);
            assert_eq!(lean.is_some(), detail.is_some());
            if detail.is_some() { scored += 1 } else { refused += 1 }
        }
        assert!(scored > 100 && refused > 100, "{scored} scored, {refused} refused");
    }

    #[test]
    fn anything_the_checks_refuse_falls_back() {
        let p = model();
        let good: Vec<Deal> = (0..5).map(deal).collect();
        let (strings, data) = pack(&good, &(0..9).collect::<Vec<_>>());
        let strings: Vec<&str> = strings.iter().map(String::as_str).collect();
        assert!(score_packed(&p, &strings, &data).is_some());
        let refused = |f: &dyn Fn(&mut Deal)| {
            let mut ds = good.clone();
            f(&mut ds[3]);
            assert!(ds[3].check(&p).is_err(), "the serde path refuses it too");
            let (strings, data) = pack(&ds, &(0..9).collect::<Vec<_>>());
            let strings: Vec<&str> = strings.iter().map(String::as_str).collect();
            assert_eq!(score_packed(&p, &strings, &data), None);
        };
        refused(&|d| d.events.push(Event { milestone: "nope".into(), date: None }));
        refused(&|d| d.events.push(Event { milestone: "need_confirmed".into(), date: Some("2026-02-30".into()) }));
        refused(&|d| d.close_date = Some("soon".into()));
        refused(&|d| d.seller = Some("x".repeat(201)));
        refused(&|d| {
            d.attributes.insert("__proto__".into(), "x".into());
        });
        refused(&|d| {
            d.attributes.insert("a".into(), "é".repeat(201));
        });
        // Truncated data, or an index past the table.
        assert_eq!(score_packed(&p, &strings, &data[..data.len() - 1]), None);
        let mut bad = data.clone();
        bad[1] = strings.len() as u32;
        assert_eq!(score_packed(&p, &strings, &bad), None);
    }
}
