//! Closed deals aggregated for fitting: a row per (state path, attribute
//! values, outcome), and the states each deal is evidence for.

use super::*;

/// Deals in columns: the shape of the fast path, and what every calibrate or
/// score call works on. Row `r`'s completed milestones are
/// `steps[offsets[r]..offsets[r+1]]` (milestone indices, in completion order
/// when `ordered[r]` is 1, else a set of facts); its value of attribute `a`
/// is `values[a][codes[r * attributes.len() + a] - 1]`, code 0 meaning
/// none; `seller[r]` is 0 for none or 1 + an index into `sellers`;
/// `seller_probability[r]` is NaN for none; `outcome[r]` is 0 lost, 1 won,
/// 2 open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub attributes: Vec<String>,
    pub values: Vec<Vec<String>>,
    pub sellers: Vec<String>,
    pub steps: Vec<u8>,
    pub offsets: Vec<u32>,
    pub ordered: Vec<u8>,
    pub outcome: Vec<u8>,
    pub codes: Vec<u32>,
    pub seller: Vec<u32>,
    pub seller_probability: Vec<f64>,
}

pub const SELLER: &str = "seller";

/// The one ordered map type of the crate: a u128 key to a slot in a Vec
/// kept beside it. Every composite key is packed into a u128, so the wasm
/// carries one BTreeMap instantiation instead of one per key type (each
/// costs kilobytes). Iteration is in key order: deterministic.
#[derive(Clone, Debug, Default)]
pub struct Slots {
    map: BTreeMap<u128, usize>,
}

impl Slots {
    /// The slot of `key`, allocating the next one for a new key; `true` when new.
    pub fn slot(&mut self, key: u128) -> (usize, bool) {
        let next = self.map.len();
        let mut new = false;
        let v = *self.map.entry(key).or_insert_with(|| {
            new = true;
            next
        });
        (v, new)
    }

    pub fn get(&self, key: u128) -> Option<usize> {
        self.map.get(&key).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// (key, slot) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (u128, usize)> + '_ {
        self.map.iter().map(|(k, v)| (*k, *v))
    }
}

/// Adds `(n, won)` at `key`.
pub(super) fn tally(slots: &mut Slots, values: &mut Vec<[f64; 2]>, key: u128, n: f64, won: f64) {
    let (i, new) = slots.slot(key);
    if new {
        values.push([0.0, 0.0]);
    }
    if let Some(v) = values.get_mut(i) {
        v[0] += n;
        v[1] += won;
    }
}

/// Interns a string: its index in `names`, in first-seen order.
pub(super) fn intern(index: &mut HashMap<String, usize>, names: &mut Vec<String>, s: &str) -> usize {
    if let Some(&i) = index.get(s) {
        return i;
    }
    index.insert(s.to_string(), names.len());
    names.push(s.to_string());
    names.len() - 1
}

pub(super) fn state_key(reached: u64, ooo: bool) -> u128 {
    (u128::from(ooo) << 64) | u128::from(reached)
}

/// Most values of one attribute in a table's dictionaries.
pub const MAX_DICTIONARY_VALUES: usize = 1 << 20;

/// The dictionaries of deals in columns (`Table::check`, and
/// `columns::ColumnScorer`): at most `MAX_COLUMNS` attributes, one list of
/// values each.
pub fn check_dictionaries(attributes: &[String], values: &[Vec<String>]) -> Result<()> {
    error::at_most("attributes", attributes, MAX_COLUMNS, "attributes")?;
    if values.len() != attributes.len() {
        return Err(Error::new("values", "must have one list per attribute"));
    }
    for (a, vals) in values.iter().enumerate() {
        error::at_most(&error::index("values", a), vals, MAX_DICTIONARY_VALUES, "values")?;
    }
    Ok(())
}

/// Row `r`'s steps are `steps[offsets[r]..offsets[r + 1]]`: the offsets
/// start at 0, never decrease and end at the number of steps.
pub fn check_offsets(offsets: &[u32], steps: &[u8]) -> Result<()> {
    let mut prev = 0u32;
    for (r, &o) in offsets.iter().enumerate() {
        if o < prev || o as usize > steps.len() || (r == 0 && o != 0) {
            return Err(Error::new(error::index("offsets", r), "must start at 0, never decrease and stay within steps"));
        }
        prev = o;
    }
    if prev as usize != steps.len() {
        return Err(Error::new("offsets", "the last offset must equal the number of steps"));
    }
    Ok(())
}

impl Table {
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }

    /// Checks the sizes and codes of a table that came from outside.
    pub fn check(&self, process: &Process) -> Result<()> {
        let n = self.len();
        if n > crate::deal::MAX_DEALS {
            return Err(Error::coded("outcome", error::ErrorCode::TooMany { max: error::count(crate::deal::MAX_DEALS) }, format!("at most {} deals are supported", crate::deal::MAX_DEALS)));
        }
        check_dictionaries(&self.attributes, &self.values)?;
        let lens = [
            ("offsets", self.offsets.len(), n + 1),
            ("ordered", self.ordered.len(), n),
            ("codes", self.codes.len(), n.saturating_mul(self.attributes.len())),
            ("seller", self.seller.len(), n),
            ("sellerProbability", self.seller_probability.len(), n),
        ];
        for (name, got, want) in lens {
            if got != want {
                return Err(Error::new(name, format!("must have {want} entries (got {got})")));
            }
        }
        check_offsets(&self.offsets, &self.steps)?;
        for (k, &s) in self.steps.iter().enumerate() {
            if usize::from(s) >= process.len() {
                return Err(Error::new(error::index("steps", k), format!("no milestone has index {s}")));
            }
        }
        for (r, &o) in self.outcome.iter().enumerate() {
            if o > 2 {
                return Err(Error::new(error::index("outcome", r), "must be 0 (lost), 1 (won) or 2 (open)"));
            }
        }
        let na = self.attributes.len().max(1);
        for (k, &c) in self.codes.iter().enumerate() {
            let limit = self.values.get(k % na).map_or(0, Vec::len);
            if c as usize > limit {
                return Err(Error::new(error::index("codes", k), format!("must be 0 or a value number up to {limit}")));
            }
        }
        for (r, &c) in self.seller.iter().enumerate() {
            if c as usize > self.sellers.len() {
                return Err(Error::new(error::index("seller", r), "must be 0 or a seller number up to the number of sellers"));
            }
        }
        for (r, &p) in self.seller_probability.iter().enumerate() {
            if !p.is_nan() {
                error::probability(&error::index("sellerProbability", r), p)?;
            }
        }
        Ok(())
    }

    /// Builds a table from checked deals. `paths` decides `ordered`. Errors
    /// name a deal by its place in the list (`[3].status`).
    pub fn from_deals(process: &Process, deals: &[Deal], paths: Paths) -> Result<Table> {
        error::at_most("", deals, crate::deal::MAX_DEALS, "deals")?;
        let mut t = Table::default();
        let mut attr_index: HashMap<String, usize> = HashMap::new();
        let mut value_index: Vec<HashMap<String, usize>> = Vec::new();
        let mut seller_index: HashMap<String, usize> = HashMap::new();
        let mut rows: Vec<(usize, u32)> = Vec::new();
        let mut row_start: Vec<usize> = Vec::with_capacity(deals.len() + 1);
        t.offsets.push(0);
        for (k, d) in deals.iter().enumerate() {
            let p = error::index("", k);
            let st = d.check(process).map_err(|e| e.within(&p))?;
            for &i in &st.sequence {
                t.steps.push(u8::try_from(i).unwrap_or(0));
            }
            t.offsets.push(u32::try_from(t.steps.len()).unwrap_or(u32::MAX));
            let dated = !d.events.is_empty() && d.events.iter().all(|e| e.date.is_some());
            t.ordered.push(u8::from(match paths {
                Paths::Auto => dated,
                Paths::Prefix => true,
                Paths::Final => false,
            }));
            t.outcome.push(match d.status {
                Status::Lost => 0,
                Status::Won => 1,
                Status::Open => 2,
            });
            t.seller_probability.push(d.seller_probability.unwrap_or(f64::NAN));
            let s = match &d.seller {
                Some(s) if !s.is_empty() => intern(&mut seller_index, &mut t.sellers, s) + 1,
                _ => 0,
            };
            t.seller.push(u32::try_from(s).unwrap_or(0));
            row_start.push(rows.len());
            let seller_attr = match &d.seller {
                Some(s) if !s.is_empty() && !d.attributes.contains_key(SELLER) => Some((SELLER, s.as_str())),
                _ => None,
            };
            for (name, value) in d.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(seller_attr) {
                let a = intern(&mut attr_index, &mut t.attributes, name);
                if t.attributes.len() > MAX_COLUMNS {
                    return Err(Error::coded(error::join(&p, "attributes"), error::ErrorCode::TooMany { max: error::count(MAX_COLUMNS) }, format!("at most {MAX_COLUMNS} distinct attributes are supported")));
                }
                if a == value_index.len() {
                    value_index.push(HashMap::new());
                    t.values.push(Vec::new());
                }
                if let (Some(vi), Some(names)) = (value_index.get_mut(a), t.values.get_mut(a)) {
                    let c = intern(vi, names, value) + 1;
                    rows.push((a, u32::try_from(c).unwrap_or(0)));
                }
            }
        }
        row_start.push(rows.len());
        let na = t.attributes.len();
        t.codes = vec![0; deals.len() * na];
        for r in 0..deals.len() {
            let (a, b) = (row_start.get(r).copied().unwrap_or(0), row_start.get(r + 1).copied().unwrap_or(0));
            for &(col, c) in rows.get(a..b).unwrap_or(&[]) {
                if let Some(slot) = t.codes.get_mut(r * na + col) {
                    *slot = c;
                }
            }
        }
        t.canonical_dictionaries();
        Ok(t)
    }

    /// Renumbers sellers, attributes and attribute values in name order, so
    /// that the dictionaries (and everything learned over them: the order
    /// of `sellerBias`, `skills`, `effects`, and the order in which the fits
    /// add up their rows) do not depend on the order of the history rows.
    fn canonical_dictionaries(&mut self) {
        // Position of each old code in name order.
        fn ranks(names: &[String]) -> Vec<u32> {
            let by_name = order(names.len(), &|a, b| names.get(a) < names.get(b));
            let mut rank = vec![0u32; names.len()];
            for (new, &old) in by_name.iter().enumerate() {
                if let Some(r) = rank.get_mut(old) {
                    *r = u32::try_from(new).unwrap_or(0);
                }
            }
            rank
        }
        let seller_rank = ranks(&self.sellers);
        for s in &mut self.seller {
            if *s > 0 {
                *s = seller_rank.get(*s as usize - 1).map_or(0, |r| r + 1);
            }
        }
        self.sellers = permuted(&self.sellers, &seller_rank);
        let na = self.attributes.len();
        let attr_rank = ranks(&self.attributes);
        let value_ranks: Vec<Vec<u32>> = self.values.iter().map(|v| ranks(v)).collect();
        let mut codes = vec![0u32; self.codes.len()];
        for (k, &c) in self.codes.iter().enumerate() {
            let (r, col) = (k / na.max(1), k % na.max(1));
            let new_col = attr_rank.get(col).copied().unwrap_or(0) as usize;
            let new_code = if c == 0 { 0 } else { value_ranks.get(col).and_then(|v| v.get(c as usize - 1)).map_or(0, |x| x + 1) };
            if let Some(slot) = codes.get_mut(r * na + new_col) {
                *slot = new_code;
            }
        }
        self.codes = codes;
        let values: Vec<Vec<String>> = self.values.iter().zip(&value_ranks).map(|(v, r)| permuted(v, r)).collect();
        self.values = permuted(&values, &attr_rank);
        self.attributes = permuted(&self.attributes, &attr_rank);
    }

    pub(super) fn steps_of(&self, r: usize) -> &[u8] {
        let a = self.offsets.get(r).copied().unwrap_or(0) as usize;
        let b = self.offsets.get(r + 1).copied().unwrap_or(0) as usize;
        self.steps.get(a..b).unwrap_or(&[])
    }
}

/// `items` with item `i` moved to position `rank[i]`.
pub(super) fn permuted<T: Clone + Default>(items: &[T], rank: &[u32]) -> Vec<T> {
    let mut out = vec![T::default(); items.len()];
    for (item, &r) in items.iter().zip(rank) {
        if let Some(slot) = out.get_mut(r as usize) {
            *slot = item.clone();
        }
    }
    out
}

/// The evidence states of one deal: after each step when `path`, else only
/// the final one. Each is (reached, out of order). Order violations are
/// judged like `deal::finish`: a milestone done while something it requires
/// (and that the state has) was not yet done.
pub(super) fn states_of(process: &Process, steps: &[u8], path: bool, out: &mut Vec<(u64, bool)>) {
    out.clear();
    let mut reached = 0u64;
    // First completions, at most one per milestone (64): on the stack, as
    // this runs once per row of a table (no allocation per deal).
    let mut seq = [(0usize, 0u64); 64];
    let mut len = 0;
    let state = |reached: u64, seq: &[(usize, u64)]| -> (u64, bool) {
        let ooo = seq.iter().any(|&(i, before)| process.required_before(i) & !before & reached != 0);
        (reached, ooo)
    };
    if path {
        out.push((0, false));
    }
    for &s in steps {
        let i = usize::from(s);
        if reached & bit(i) != 0 {
            continue;
        }
        if let Some(slot) = seq.get_mut(len) {
            *slot = (i, reached);
            len += 1;
        }
        reached |= bit(i);
        if path {
            out.push(state(reached, seq.get(..len).unwrap_or(&[])));
        }
    }
    if !path {
        out.push(state(reached, seq.get(..len).unwrap_or(&[])));
    }
}

/// The final state of a deal's steps, as `(reached, out of order)` in `out[0]`.
pub fn final_state(process: &Process, steps: &[u8], out: &mut Vec<(u64, bool)>) {
    states_of(process, steps, false, out);
}
