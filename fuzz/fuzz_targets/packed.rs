//! The packed scoring paths (`engine.scoreDeals(deals)` and `{ detail: true }`,
//! and the free `scoreDeals`): www/src/pack.js packs the deals into a string
//! table (joined by NUL) and `u32` words, the wasm exports `scorePacked` and
//! `scorePackedDetail` split the table (`table` below, as src/wasm/mod.rs
//! does) and call `stagecast::packed::score_packed` and
//! `score_packed_detail`; an empty result sends pack.js to the serde path.
//!
//! Input, byte 0: the model (`models()`: the default model's priors,
//! calibrated, too little history; 40 milestones) and the mode.
//! * Raw (bit 2 clear): the table and the words exactly as the export
//!   takes them, anything at all: indices past the table, `NONE` anywhere,
//!   wrong and huge counts, truncated deals, duplicate strings, strings
//!   over 200 characters, `__proto__`, "NaN", "Infinity" (the export gets
//!   no float: NaN or infinity can only come as text). Bits 3-6 put a
//!   vocabulary (the model's milestone ids, dates, learned attribute
//!   values, `__proto__`, a long string, 80 more names) before the fuzzed
//!   strings, so that raw words reach the scoring.
//! * Deals (bit 2 set): deals built from the bytes, packed as pack.js packs
//!   them (strings interned in order of first use, attributes in any order
//!   a JS object can list them); bit 3 as well: only deals the checks
//!   accept (else one bad deal of many refuses the call); bit 6: from 80
//!   more attribute names.
//!   Bit 4: then one deal spoilt with one thing the checks refuse.
//! * Once per run: a call over a table of more than 65,536 strings.
//!
//! Asserted on every input: both exports agree on whether they score;
//! when they do, the words hold exactly as many deals as the layout
//! walks (and the output has one result per deal), every probability,
//! interval end and reason probability is finite and in [0, 1], lo <= p <=
//! hi, intervals are there exactly when calibrated, every index the detail
//! holds is in range (what pack.js indexes with), the detail layout is
//! consumed exactly, and the lean numbers are the detailed ones bit for
//! bit. Whenever the input is a packing of real deals (in deals mode
//! unless an id is one pack.js refuses; in raw mode when the words unpack
//! into deals), the serde path decides: if
//! `score_deals` refuses the deals, both exports refuse too; if it scores
//! them, both score (unless a string is `__proto__` or over 200
//! characters, which send the call to the serde path), the detail, named
//! as pack.js names it, equals `score_deals`, and the lean numbers equal
//! `score_lean`'s bit for bit.
#![no_main]

#[path = "common.rs"]
mod common;


use libfuzzer_sys::fuzz_target;
use stagecast::calibration::{calibrate, CalibrateOptions, Contribution, Term};
use stagecast::deal::{MAX_ATTRIBUTES, MAX_EVENTS};
use stagecast::packed::{score_packed, score_packed_detail, NONE};
use stagecast::probability::{score_lean, Reason};
use stagecast::{default_model, score_deals, Deal, DealScore, Event, NextStep, ProcessModel, Scorer, Status};

/// The models the inputs are scored against (built once; a `Scorer` is
/// not `Sync`, so per thread, and libFuzzer runs one).
fn models() -> &'static [Scorer] {
    thread_local! {
        static MODELS: &'static [Scorer] = Box::leak(build().into_boxed_slice());
    }
    MODELS.with(|m| *m)
}

fn build() -> Vec<Scorer> {
    {
        let priors = Scorer::new(default_model()).expect("the default model compiles");
        let history = history();
        let calibrated = calibrate(&priors, &history, &CalibrateOptions::default()).expect("the history calibrates");
        assert!(calibrated.calibration.as_ref().is_some_and(|c| !c.effects.is_empty()), "learned attribute effects");
        let calibrated = Scorer::new(calibrated).expect("a calibrated model compiles");
        assert!(calibrated.fitted().is_some_and(|f| !f.insufficient));
        let thin = calibrate(&priors, &history[..12], &CalibrateOptions::default()).expect("a short history calibrates");
        let thin = Scorer::new(thin).expect("a thin model compiles");
        assert!(thin.fitted().is_some_and(|f| f.insufficient), "12 deals are too few");
        // 40 milestones: sets use both numbers (bits 0-31, 32-63).
        let wide = ProcessModel {
            milestones: (0..40)
                .map(|i| stagecast::Milestone {
                    id: format!("m{i}"),
                    label: if i % 3 == 0 { String::new() } else { format!("Step {i}") },
                    mandatory: i % 4 == 0,
                    after: if i % 5 == 2 { vec![format!("m{}", i - 1)] } else { vec![] },
                    probability: (i % 7 == 0).then(|| 0.05 + 0.02 * f64::from(i)),
                })
                .collect(),
            ..ProcessModel::default()
        };
        let wide = Scorer::new(wide).expect("the wide model compiles");
        vec![priors, calibrated, thin, wide]
    }
}

const NAMES: [&str; 12] = ["region", "segment", "product", "a1", "b2", "c3", "d4", "e5", "f6", "seller", "1", ""];
const VALUES: [&str; 16] = ["north", "south", "east", "smb", "mid", "p1", "v0", "v1", "v2", "v3", "v4", "s0", "s1", "", "NaN", "Infinity"];
const SELLERS: [&str; 4] = ["s0", "s1", "s2", "s3"];
const DATES: [&str; 9] = ["2026-01-15", "2026-02-03", "2025-12-31", "2026-02-30", "2026-01-15T09:00", "soon", "2026-1-1", "NaN", ""];

/// The deals the calibrated model learns from (as src/packed.rs's unit
/// test): the attributes move the outcome.
fn history() -> Vec<Deal> {
    (0..1200)
        .map(|k| {
            let mut d = sample(k);
            let lift: i64 = d.attributes.values().map(|v| v.bytes().last().map_or(0, |b| i64::from(b % 5))).sum();
            let rate = [60, 35, 10][k % 3] + 4 * lift - 20;
            let u = (k as i64 * 7919 + 13) * 104_729 % 100;
            d.status = if u < rate { Status::Won } else { Status::Lost };
            d
        })
        .collect()
}

fn sample(k: usize) -> Deal {
    let ms = ["need_confirmed", "mobilizer_met", "decision_process_mapped", "budget_confirmed", "solution_presented", "proposal_requested"];
    let n = k % ms.len();
    let events = (0..n)
        .map(|i| Event {
            milestone: ms[(i * 7 + k) % ms.len()].to_string(),
            date: (!k.is_multiple_of(3)).then(|| format!("2026-0{}-1{}", 1 + (i + k) % 9, (i * 3 + k) % 10)),
        })
        .collect();
    let mut d = Deal { id: format!("h{k}"), events, ..Deal::default() };
    d.attributes.insert("region".into(), ["north", "south", "east"][k % 3].into());
    d.attributes.insert("segment".into(), ["smb", "mid"][k % 2].into());
    if k.is_multiple_of(4) {
        d.attributes.insert("product".into(), "p1".into());
    }
    for (a, levels) in [("a1", 3), ("b2", 4), ("c3", 5), ("d4", 6), ("e5", 7), ("f6", 2)] {
        d.attributes.insert(a.into(), format!("v{}", (k / 3 + levels * 7 + a.len() * k) % levels));
    }
    if !k.is_multiple_of(5) {
        d.seller = Some(format!("s{}", k % 4));
    }
    d
}

/// The fuzz bytes, read front to back (zeros once they run out).
struct Src<'a> {
    b: &'a [u8],
    i: usize,
    /// Deals the checks accept (known milestones, real dates, no string
    /// the checks refuse): one bad deal refuses a whole call, so calls of
    /// many deals score only when the bytes are read so.
    clean: bool,
}

impl Src<'_> {
    fn u8(&mut self) -> u8 {
        let x = self.b.get(self.i).copied().unwrap_or(0);
        self.i += 1;
        x
    }
    fn more(&self) -> bool {
        self.i < self.b.len()
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// A packed word: mostly small (counts, indices), sometimes the edges.
    fn word(&mut self, strings: usize) -> u32 {
        match self.u8() {
            b @ 0..=0xf5 => u32::from(b),
            0xf6 => NONE,
            0xf7 => NONE - 1,
            0xf8 => strings as u32,
            0xf9 => MAX_EVENTS as u32,
            0xfa => MAX_EVENTS as u32 + 1,
            0xfb => MAX_ATTRIBUTES as u32 + 1,
            0xfc => 1 << 31,
            0xfd => 0x3fff_ffff,
            _ => self.u32(),
        }
    }
    /// A short string from the bytes (no NUL: pack.js sends no table with
    /// one), or an edge case.
    fn text(&mut self) -> String {
        match self.u8() {
            0xfc.. if self.clean => "😀".into(),
            0xff => "é".repeat(201),
            0xfe => "x".repeat(200),
            0xfd => "__proto__".into(),
            0xfc => "😀".repeat(150),
            l => {
                let n = usize::from(l % 16);
                let from = self.i.min(self.b.len());
                let to = (from + n).min(self.b.len());
                self.i += n;
                String::from_utf8_lossy(&self.b[from..to]).replace('\0', "")
            }
        }
    }
    fn pick<'s>(&mut self, list: &[&'s str]) -> &'s str {
        list[usize::from(self.u8()) % list.len()]
    }
    fn date(&mut self) -> String {
        if self.clean {
            return format!("20{}-{:02}-{:02}", 20 + self.u8() % 10, 1 + self.u8() % 12, 1 + self.u8() % 28);
        }
        match self.u8() % 8 {
            0..=4 => self.pick(&DATES).to_string(),
            5 | 6 => format!("20{:02}-{:02}-{:02}", self.u8() % 100, self.u8() % 14, self.u8() % 33),
            _ => self.text(),
        }
    }
}

/// A deal from the bytes, and the order pack.js meets its attributes in.
/// `many`: attribute names from `n0` to `n79` too (more names in one call
/// than the packed path caches levels for).
fn deal(s: &mut Src<'_>, p: &Scorer, k: usize, many: bool) -> (Deal, Vec<usize>) {
    let ids: Vec<&str> = p.indices().map(|i| p.id(i)).collect();
    let f = s.u8();
    let mut d = Deal { id: if f & 1 != 0 { s.text() } else { format!("d{k}") }, ..Deal::default() };
    d.status = [Status::Open, Status::Won, Status::Lost, Status::Open][usize::from(f >> 1) & 3];
    if f & 8 != 0 {
        d.seller_probability = Some(f64::from(s.u8()) / 255.0);
    }
    let ne = match s.u8() {
        0xff if !s.clean => MAX_EVENTS + 1,
        0xfe => 40,
        b => usize::from(b % 10),
    };
    for _ in 0..ne {
        let m = s.u8();
        let milestone = if m >= 0xf0 && !s.clean { s.text() } else { ids[usize::from(m) % ids.len()].to_string() };
        let date = match s.u8() % 4 {
            0 => None,
            _ => Some(s.date()),
        };
        d.events.push(Event { milestone, date });
    }
    let na = match s.u8() {
        0xff if !s.clean => MAX_ATTRIBUTES + 1,
        b => usize::from(b % 12),
    };
    for _ in 0..na {
        let name = match s.u8() {
            0xf0.. => s.text(),
            b if many && b % 4 != 0 => format!("n{}", b % 80),
            _ => s.pick(&NAMES).to_string(),
        };
        let value = if s.u8() >= 0xf0 { s.text() } else { s.pick(&VALUES).to_string() };
        d.attributes.insert(name, value);
    }
    d.seller = match (f >> 4) & 7 {
        0 | 1 => None,
        2 => Some(String::new()),
        3 => Some(s.text()),
        _ => Some(s.pick(&SELLERS).to_string()),
    };
    if f & 0x80 != 0 {
        d.close_date = Some(s.date());
    }
    // Any order: a JS object lists integer-like keys first, then the
    // others as inserted.
    let mut order: Vec<usize> = (0..d.attributes.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, usize::from(s.u8()) % (i + 1));
    }
    (d, order)
}

/// Whether pack.js would pack the deal as far as its unpacked fields go:
/// an id over 200 UTF-16 code units sends it to the serde path (which
/// refuses it), and the packed path never sees the id. (pack.js's other
/// refusals, a seller over 200 code units, over 1024 events or 32
/// attributes, are left in: the packed path must refuse those too when
/// the serde path does.)
fn js_packs(d: &Deal) -> bool {
    d.id.encode_utf16().count() <= 200
}

/// pack.js's `pack`, in Rust (`stagecast::packed::pack`): `(strings, words)`.
fn pack(deals: &[(Deal, Vec<usize>)]) -> (Vec<String>, Vec<u32>) {
    stagecast::packed::pack(deals.iter().map(|(d, order)| (d, order.as_slice())))
}

/// Packs the deals as pack.js does and checks them; `pad`: 65,536 unused
/// strings after the table, past what the packed path caches levels for
/// (it then looks each level up where it is met).
fn check_deals(p: &Scorer, deals: &[(Deal, Vec<usize>)], pad: bool) {
    let (mut strings, words) = pack(deals);
    if pad {
        strings.extend((0..1 << 16).map(|i| format!("\u{1}z{i}")));
    }
    let joined = strings.join("\0");
    let plain: Vec<Deal> = deals.iter().map(|(d, _)| d.clone()).collect();
    let real = plain.iter().all(js_packs);
    check(p, &joined, &words, real.then_some(&plain[..]));
}

/// Once per run (it costs about half a second here, too much per input):
/// 60 clean deals from fixed bytes on the calibrated model, over a table
/// of more than 65,536 strings.
fn huge_table_once(p: &Scorer) {
    thread_local! {
        static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..3000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 0xf0) as u8
        })
        .collect();
    let mut s = Src { b: &bytes, i: 0, clean: true };
    let mut deals = Vec::new();
    while s.more() && deals.len() < 60 {
        deals.push(deal(&mut s, p, deals.len(), true));
    }
    let names: std::collections::BTreeSet<&String> = deals.iter().flat_map(|(d, _)| d.attributes.keys()).collect();
    assert!(names.len() > 64, "{} attribute names: the level cache is not filled", names.len());
    check_deals(p, &deals, true);
}

/// One thing the checks refuse, of `kind`, into the deal (whatever the
/// deal already holds).
fn spoil(d: &mut Deal, p: &Scorer, kind: u8) {
    let first = p.id(0).to_string();
    match kind % 9 {
        0 => {
            d.attributes.insert("__proto__".into(), "x".into());
        }
        1 => {
            d.attributes.insert("a1".into(), "é".repeat(201));
        }
        2 => {
            d.attributes.insert("é".repeat(201), "v0".into());
        }
        3 => d.seller = Some("é".repeat(201)),
        4 => d.events.push(Event { milestone: "nope".into(), date: None }),
        5 => d.events.push(Event { milestone: first, date: Some("2026-02-30".into()) }),
        6 => d.close_date = Some("soon".into()),
        7 => d.attributes.extend((0..=MAX_ATTRIBUTES).map(|i| (format!("z{i}"), "v".into()))),
        _ => d.events.extend((0..=MAX_EVENTS).map(|_| Event { milestone: first.clone(), date: None })),
    }
}

/// src/wasm/mod.rs's `table`: the strings joined by NUL, split.
fn table(strings: &str) -> Vec<&str> {
    strings.split('\0').collect()
}

/// How many deals the words hold, walking the layout alone (counts and
/// lengths, no index looked at); `None` when they do not end on a deal.
fn walk(data: &[u32]) -> Option<usize> {
    let (mut i, mut n) = (0usize, 0usize);
    while i < data.len() {
        i += 1 + 2 * *data.get(i)? as usize;
        i += 1 + 2 * *data.get(i)? as usize + 2;
        if i > data.len() {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The deals a raw packing stands for, when it is one pack.js could have
/// written (every index in the table, no duplicate string, no duplicate
/// attribute name in a deal, counts pack.js allows).
fn unpack(t: &[&str], data: &[u32]) -> Option<Vec<Deal>> {
    let mut seen = std::collections::BTreeSet::new();
    if !t.iter().all(|s| seen.insert(*s)) {
        return None;
    }
    let s = |k: u32| t.get(k as usize).map(|s| s.to_string());
    let opt = |k: u32| if k == NONE { Some(None) } else { s(k).map(Some) };
    let mut w = data.iter().copied();
    let mut deals = Vec::new();
    while w.len() > 0 {
        let mut d = Deal::default();
        let ne = w.next()? as usize;
        if ne > MAX_EVENTS {
            return None;
        }
        for _ in 0..ne {
            let milestone = s(w.next()?)?;
            let date = opt(w.next()?)?;
            d.events.push(Event { milestone, date });
        }
        let na = w.next()? as usize;
        if na > MAX_ATTRIBUTES {
            return None;
        }
        for _ in 0..na {
            let (a, v) = (s(w.next()?)?, s(w.next()?)?);
            if d.attributes.insert(a, v).is_some() {
                return None;
            }
        }
        d.seller = opt(w.next()?)?;
        d.close_date = opt(w.next()?)?;
        deals.push(d);
    }
    Some(deals)
}

fn unit(x: f64, what: &str) -> f64 {
    assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{what} {x}");
    x
}

/// Reads `score_packed_detail`'s numbers as pack.js's `detailed` does,
/// checking every number it uses; the deals give the id and the seller's
/// estimate (pack.js takes them from the deal objects).
struct Detail<'a> {
    out: &'a [f64],
    r: usize,
    p: &'a Scorer,
    strings: &'a [&'a str],
}

impl Detail<'_> {
    fn num(&mut self) -> f64 {
        let x = *self.out.get(self.r).unwrap_or_else(|| panic!("the detail ends at {} of {}", self.r, self.out.len()));
        self.r += 1;
        x
    }
    fn int(&mut self) -> u32 {
        let x = self.num();
        assert!(x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX), "not a count or index: {x} at {}", self.r - 1);
        x as u32
    }
    fn milestone(&mut self) -> String {
        let i = self.int() as usize;
        assert!(i < self.p.len(), "milestone {i} of {}", self.p.len());
        self.p.id(i).to_string()
    }
    fn set(&mut self) -> u64 {
        let (lo, hi) = (u64::from(self.int()), u64::from(self.int()));
        assert!(lo <= 0xffff_ffff && hi <= 0xffff_ffff);
        let s = lo | hi << 32;
        assert!(self.p.len() >= 64 || s >> self.p.len() == 0, "set {s:#x} past {} milestones", self.p.len());
        s
    }
    fn ids(&mut self) -> Vec<String> {
        let s = self.set();
        self.p.ids(s)
    }
    /// An attribute name (`NONE`: the seller) or value, by index.
    fn string(&mut self, name: bool) -> String {
        let k = self.int();
        if name && k == NONE {
            return "seller".into();
        }
        assert!((k as usize) < self.strings.len(), "string {k} of {}", self.strings.len());
        self.strings[k as usize].to_string()
    }
    fn flag(&mut self) -> bool {
        let x = self.int();
        assert!(x <= 1, "flag {x}");
        x == 1
    }

    fn deal(&mut self, history: bool, id: String, seller_probability: Option<f64>) -> DealScore {
        let probability = unit(self.num(), "probability");
        let (lo, hi) = (self.num(), self.num());
        if history {
            unit(lo, "lo");
            unit(hi, "hi");
            assert!(lo <= probability && probability <= hi, "{lo} <= {probability} <= {hi}");
        } else {
            assert!(lo == 0.0 && hi == 0.0, "an interval without history: {lo} {hi}");
        }
        let count = self.int();
        let (reached, missing_mandatory, out_of_order) = (self.ids(), self.ids(), self.ids());
        let n = self.int() as usize;
        assert!(n <= 1 + 4 * (MAX_ATTRIBUTES + 1) * (MAX_ATTRIBUTES + 1), "{n} terms");
        let mut terms: Vec<Contribution> = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = self.int();
            let mut t = Term { kind: ["state", "attribute", "pair", "pair"].get(kind as usize).unwrap_or_else(|| panic!("term kind {kind}")).to_string(), ..Term::default() };
            if kind != 0 {
                t.attribute = self.string(true);
                t.value = self.string(false);
            }
            if kind == 0 || kind == 2 {
                t.reached = self.ids();
                t.out_of_order = self.flag();
            }
            if kind == 3 {
                t.with_attribute = self.string(true);
                t.with_value = self.string(false);
            }
            let value = self.num();
            assert!(value.is_finite(), "term value {value}");
            terms.push(Contribution { term: t, value });
        }
        let n = self.int();
        assert!(n as usize <= 4 + terms.len(), "{n} reasons");
        let mut reasons = Vec::new();
        for _ in 0..n {
            let at = self.r;
            let code = self.int();
            let reason = match code {
                0 => Reason::Start { probability: unit(self.num(), "start") },
                1 => Reason::FurthestStep { milestone: self.milestone(), probability: unit(self.num(), "furthest") },
                2 => Reason::MissingPrerequisites { milestone: self.milestone(), missing: self.int(), probability: unit(self.num(), "missing p"), prior: unit(self.num(), "prior") },
                3 => Reason::OutOfOrder { milestones: self.ids(), probability: unit(self.num(), "ooo p"), before: unit(self.num(), "ooo before") },
                4 => Reason::OutOfOrderAsMissing { milestones: self.ids(), late: self.ids(), probability: unit(self.num(), "late p"), before: unit(self.num(), "late before") },
                5 => Reason::LearnedState { deals: self.int(), won: self.int() },
                6 => Reason::ThinState { deals: self.int() },
                7 => Reason::HistoryRate { probability: unit(self.num(), "rate"), low: unit(self.num(), "low"), high: unit(self.num(), "high") },
                8 => {
                    let k = self.int() as usize;
                    let points = self.num();
                    assert!(points.fract() == 0.0 && points.abs() <= 100.0 && points != 0.0, "points {points}");
                    let t = &terms.get(k).unwrap_or_else(|| panic!("reason on term {k} of {}", terms.len())).term;
                    assert!(t.kind != "state", "a reason on the state's term");
                    if t.kind == "attribute" {
                        Reason::AttributeEffect { attribute: t.attribute.clone(), value: t.value.clone(), points: points as i32 }
                    } else {
                        Reason::PairEffect { attribute: t.attribute.clone(), value: t.value.clone(), with_attribute: t.with_attribute.clone(), with_value: t.with_value.clone(), points: points as i32 }
                    }
                }
                9 => Reason::InsufficientHistory { deals: self.int(), needed: self.int() },
                10 => Reason::DealWon { milestone: self.milestone() },
                _ => panic!("reason code {code}"),
            };
            // pack.js steps over WHY_LEN[code] numbers.
            const WHY_LEN: [usize; 11] = [2, 3, 5, 5, 7, 3, 2, 4, 3, 3, 2];
            assert_eq!(self.r - at, WHY_LEN[code as usize], "reason {code}'s length");
            reasons.push(reason);
        }
        let n = self.int() as usize;
        assert!(n <= self.p.len(), "{n} next steps");
        let next = (0..n)
            .map(|_| {
                let i = self.int() as usize;
                assert!(i < self.p.len(), "next step {i}");
                let q = unit(self.num(), "next");
                NextStep { milestone: self.p.id(i).into(), label: self.p.label(i).into(), mandatory: self.p.is_mandatory(i), probability: q, gain: q - probability }
            })
            .collect();
        if let Some(probability) = seller_probability {
            reasons.push(Reason::SellerEstimate { probability });
        }
        DealScore {
            id,
            probability,
            interval: history.then_some([lo, hi]),
            count,
            source: if history { "history" } else { "prior" }.into(),
            reached,
            missing_mandatory,
            out_of_order,
            next,
            reasons,
            seller_probability,
            contributions: terms,
        }
    }
}

/// Everything asserted on one packed input; `deals`: the real deals it
/// packs, when it packs some.
fn check(p: &Scorer, strings: &str, data: &[u32], deals: Option<&[Deal]>) {
    let t = table(strings);
    let lean = score_packed(p, &t, data);
    let detail = score_packed_detail(p, &t, data);
    assert_eq!(lean.is_some(), detail.is_some(), "one packed export scores, the other refuses");
    let named = if let (Some(lean), Some(out)) = (&lean, &detail) {
        let n = walk(data).expect("scored words that do not end on a deal");
        assert_eq!(lean.len(), 3 * n + 1, "lean output for {n} deals");
        let history = *out.last().expect("an empty detail: pack.js would take it for a refusal");
        assert!(history == 0.0 || history == 1.0, "history flag {history}");
        assert_eq!(lean[3 * n], history, "the exports disagree on intervals");
        let mut r = Detail { out, r: 0, p, strings: &t };
        let named: Vec<DealScore> = (0..n)
            .map(|k| {
                let d = deals.and_then(|ds| ds.get(k));
                r.deal(history == 1.0, d.map_or(String::new(), |d| d.id.clone()), d.and_then(|d| d.seller_probability))
            })
            .collect();
        assert_eq!(r.r, out.len() - 1, "detail numbers left over after {n} deals");
        for (k, s) in named.iter().enumerate() {
            let (q, lo, hi) = (lean[3 * k], lean[3 * k + 1], lean[3 * k + 2]);
            assert!(q.to_bits() == s.probability.to_bits(), "deal {k}: lean {q}, detailed {}", s.probability);
            match s.interval {
                Some([a, b]) => assert!(lo.to_bits() == a.to_bits() && hi.to_bits() == b.to_bits(), "deal {k}: lean [{lo}, {hi}], detailed [{a}, {b}]"),
                None => assert!(lo == 0.0 && hi == 0.0),
            }
        }
        Some(named)
    } else {
        None
    };
    let Some(deals) = deals else { return };
    match score_deals(p, deals) {
        Err(e) => assert!(named.is_none(), "the serde path refuses ({e:?}) what the packed path scores"),
        Ok(scores) => {
            let refused = t.iter().any(|s| *s == "__proto__" || s.chars().count() > 200);
            let Some(named) = named else {
                assert!(refused, "the packed path refuses deals the serde path scores");
                return;
            };
            assert_eq!(named.len(), scores.len());
            for (k, (a, b)) in named.iter().zip(&scores).enumerate() {
                assert_eq!(a, b, "deal {k}: packed detail != score_deals");
            }
            let lean = lean.expect("scored");
            for (k, d) in deals.iter().enumerate() {
                let s = score_lean(p, d).expect("score_deals scored it");
                let got = [lean[3 * k], lean[3 * k + 1], lean[3 * k + 2]];
                let want = match s.interval {
                    Some([lo, hi]) => [s.probability, lo, hi],
                    None => [s.probability, 0.0, 0.0],
                };
                assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "deal {k}: packed lean {got:?} != score_lean {want:?}");
                assert_eq!(lean[3 * deals.len()] == 1.0, s.interval.is_some());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut s = Src { b: data, i: 0, clean: false };
    let head = s.u8();
    s.clean = head & 12 == 12;
    let all = models();
    huge_table_once(&all[1]);
    let p = &all[usize::from(head) % all.len()];
    if head & 4 != 0 {
        // Deals, packed as pack.js packs them; with bit 4, one of them
        // with one thing the checks refuse.
        let defect = (head & 16 != 0).then(|| (s.u8(), s.u8()));
        let mut deals = Vec::new();
        while s.more() && deals.len() < 64 {
            deals.push(deal(&mut s, p, deals.len(), head & 64 != 0));
        }
        if let (Some((at, kind)), false) = (defect, deals.is_empty()) {
            let k = usize::from(at) % deals.len();
            spoil(&mut deals[k].0, p, kind);
            deals[k].1 = (0..deals[k].0.attributes.len()).rev().collect();
        }
        check_deals(p, &deals, false);
        return;
    }
    // Raw: the table (a vocabulary first, when asked), then the words.
    let mut vocab: Vec<String> = Vec::new();
    if head & 8 != 0 {
        vocab.extend(p.indices().map(|i| p.id(i).to_string()));
        // Each string once (a table pack.js writes has no duplicate).
        for w in DATES.iter().chain(&NAMES).chain(&VALUES).chain(&SELLERS) {
            if !vocab.iter().any(|v| v == w) {
                vocab.push(w.to_string());
            }
        }
    }
    if head & 16 != 0 {
        vocab.push("__proto__".into());
    }
    if head & 32 != 0 {
        vocab.push("é".repeat(201));
    }
    if head & 64 != 0 {
        vocab.extend((0..80).map(|i| format!("n{i}")));
    }
    let len = usize::from(s.u8());
    let from = s.i.min(data.len());
    let to = (from + len).min(data.len());
    s.i = to;
    // The fuzzed strings (NUL splits them), none when empty: the
    // vocabulary has "" already.
    if to > from || vocab.is_empty() {
        vocab.push(String::from_utf8_lossy(&data[from..to]).into_owned());
    }
    let strings = vocab.join("\0");
    let n = table(&strings).len();
    let mut words = Vec::new();
    while s.more() && words.len() < 4096 {
        words.push(s.word(n));
    }
    let deals = unpack(&table(&strings), &words);
    check(p, &strings, &words, deals.as_deref());
});
