//! Pairwise interactions, chosen by cross-validation, and every deal's
//! number as a readable sum of terms.
//!
//! # The model
//! `logit p = logit(state rate) + sum of milestone terms + sum of attribute
//! effects + sum of pair terms`, an additive model with pairs as in
//! explainable boosting machines, fitted as one L2-regularised logistic
//! regression on the leave-one-out state offsets (see the module above):
//! * **milestone terms**: one per milestone, "reached", shrunk with the
//!   attribute effects. They let a small history share what a milestone is
//!   worth across states that few deals reached (the state back-off only
//!   shares along its chain); a large history's state rates already know it
//!   and they stay near zero. They depend on the state only, so a deal's
//!   explanation folds them into the state's base.
//! * **pair terms**: a cell per pair of levels of two factors, where a
//!   factor is an attribute or the deal's (final) milestone state: "how
//!   much a field matters depends on the stage reached, or on another
//!   field".
//!
//! # Choosing pairs and their strength
//! On deterministic folds (5, or one held-out fifth from
//! [`super::ONE_FOLD_FROM`] deals on):
//! 1. the attribute effects' strength is chosen as before (with the
//!    milestone terms in the fit; below [`STATE_WEIGHTS_BELOW`] deals
//!    together with the state rate's weight, see [`STATE_WEIGHTS`]);
//! 2. every candidate pair is screened on its own: its cells get one
//!    penalised Newton step from zero on the training part, on top of that
//!    fold's main fit, for every strength of [`PAIR_GRID`], and the held-out
//!    log loss it saves is summed over the folds;
//! 3. the strength saving most over all pairs is kept, with the pairs that
//!    save more than [`PAIR_MARGIN`] nats times the square root of a tenth
//!    of the number of candidates (the best of many noise candidates saves
//!    more by chance), at most [`MAX_PAIRS`], best first;
//! 4. the joint fit (effects, milestones and pairs, by block coordinate
//!    descent) is cross-validated against the effects alone on the same
//!    folds, and the pairs are kept only if it saves [`PAIR_MARGIN`] nats:
//!    a small history gets no pair.
//!
//! The folds are drawn per deal by a hash (see `split`): an even split of
//! every aggregated row, as the effects' cross-validation used before,
//! gives every fold the same win rate in every cell, and lets pairs that
//! fit noise through.
//!
//! Everything is ordered by content (rows, features, candidates), so the
//! result does not depend on the order of the history.

use serde::{Deserialize, Serialize};

use super::{Slots, ONE_FOLD_FROM};
use crate::bitset::members;
use crate::order::PairLookup;
use crate::stats::{self, Row};

/// L2 strengths tried for pair cells, in equivalent deals (lambda = deals / 4).
pub const PAIR_GRID: [f64; 3] = [64.0, 16.0, 4.0];
/// Weights tried for the state rate's logit in the offset, against the
/// team's overall rate (`w * logit(state rate) + (1 - w) * logit(team
/// rate)`), on histories below [`STATE_WEIGHTS_BELOW`] deals. A small history's
/// exact-state rates are noisy, and its milestone terms can carry what a
/// milestone is worth better than the states that few deals reached; a
/// large history's state rates are precise and keep their full weight.
pub const STATE_WEIGHTS: [f64; 5] = [1.0, 0.75, 0.5, 0.25, 0.0];
/// Histories this large keep the state rate at full weight (and the
/// effects' cross-validation does not grow fivefold).
pub const STATE_WEIGHTS_BELOW: f64 = 5_000.0;
/// Most pairs kept.
pub const MAX_PAIRS: usize = 12;
/// A pair is kept only if it saves more held-out log loss than this, in
/// nats over the whole history (about what 45 noise candidates reach by
/// chance, measured on simulated histories without interactions).
pub const PAIR_MARGIN: f64 = 3.0;
/// Most cells of one pair in a calibration read from JS.
pub const MAX_PAIR_CELLS: usize = 1 << 16;
/// z of a central 90% interval.
const Z90: f64 = 1.644_853_626_951_472_2;

/// What a contribution is the term of (output only), in the model's own
/// words: `kind` "state" (the milestone state's base: `reached`,
/// `outOfOrder`), "attribute" (`attribute` = `value`) or "pair"
/// (`attribute` = `value` together with `withAttribute` = `withValue`, or
/// without `withAttribute` with the state `reached`/`outOfOrder`). Empty
/// fields are left out (an empty `reached`: no milestone reached). One flat shape: cheaper in the
/// widget's wasm than tagged enums.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Term {
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"state\" | \"attribute\" | \"pair\""))]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reached: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub out_of_order: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attribute: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with_attribute: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub with_value: String,
}

/// One term and its value in log-odds; a deal's contributions add up to
/// the logit of its probability.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub term: Term,
    pub value: f64,
}

// ------------------------------------------------------------ learning

/// A side of a learned pair: the final state, or an attribute column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    State,
    Column(usize),
}

/// A learned pair: cells as (levels, effect, deals), where a column's level
/// is a main feature id and the state's an index into `Learned::states`.
#[derive(Clone, Debug)]
pub struct LearnedPair {
    pub sides: [Side; 2],
    pub cells: Vec<([u32; 2], f64, u32)>,
}

#[derive(Clone, Debug, Default)]
pub struct Learned {
    /// The attribute effects' strength, `None` when none beat the state rate.
    pub main_strength: Option<f64>,
    /// Effect of every main feature.
    pub main: Vec<f64>,
    /// (effect, deals) of every milestone index.
    pub milestones: Vec<(f64, u32)>,
    pub pair_strength: f64,
    pub pairs: Vec<LearnedPair>,
    pub states: Vec<(u64, bool)>,
    pub state_weight: f64,
    pub intercept: f64,
}

/// How many deals of every aggregated row fall in each of 5 folds. Each
/// deal draws its fold from a hash of (row number in content order, deal
/// number within the row): deterministic and independent of the history's
/// order. Not an even split of every row: rows share their features, state
/// and outcome, so an even split would put the same win rate of every cell
/// in every fold, and the cross-validation could not see a term that fits
/// noise (a pair's cells are exactly such groups).
fn split(rows: &[Row]) -> Vec<[f64; 5]> {
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            let mut s = [0.0; 5];
            for j in 0..r.count.max(0.0) as u64 {
                // splitmix64
                let mut z = ((k as u64) << 32 ^ j).wrapping_add(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^= z >> 31;
                if let Some(x) = s.get_mut((z % 5) as usize) {
                    *x += 1.0;
                }
            }
            s
        })
        .collect()
}


fn linear(beta: &[f64], r: &Row) -> f64 {
    r.offset + r.features.iter().map(|&f| beta.get(f as usize).copied().unwrap_or(0.0)).sum::<f64>()
}

/// Learns effects, milestone terms and pairs from aggregated rows in
/// content order. `states[k]` is row k's final state; `feature_key[f]` is
/// main feature f's `(column << 32) | code`; `milestones` the number of
/// milestones; `grid` the effects' strengths (strongest first).
pub fn learn(rows: &[Row], states: &[(u64, bool)], feature_key: &[u128], milestones: usize, grid: &[f64]) -> Learned {
    let nf = feature_key.len();
    let nmain = nf + milestones;
    let total: f64 = rows.iter().map(|r| r.count).sum();
    let folds = if total >= ONE_FOLD_FROM { 1 } else { 5 };
    let shares = split(rows);
    let share = |k: usize, _: &Row, fold: usize| -> f64 { shares.get(k).and_then(|s| s.get(fold)).copied().unwrap_or(0.0) };
    // The effects' own split, as before pairs: every aggregated row spread
    // evenly over the folds, starting at fold k % 5.
    // With one held-out fifth (large histories) the effects use the pairs'
    // split directly, and need no refit on it.
    let even = |k: usize, r: &Row, fold: usize| -> f64 {
        if folds == 1 {
            return share(k, r, fold);
        }
        let c = r.count as usize;
        let pos = (fold + 5 - k % 5) % 5;
        ((c + 4 - pos) / 5) as f64
    };
    // Rows with their milestone features.
    let ext: Vec<Row> = rows
        .iter()
        .zip(states)
        .map(|(r, &(reached, _))| {
            let mut features = r.features.clone();
            features.extend(members(reached).filter(|&m| m < milestones).map(|m| (nf + m) as u32));
            Row { features, ..r.clone() }
        })
        .collect();
    // 1. The effects' strength (with milestone terms), as before; on a
    //    small history also the weight of the state rate's logit against
    //    the team's overall rate (see STATE_WEIGHTS).
    let won: f64 = rows.iter().filter(|r| r.won).map(|r| r.count).sum();
    let intercept = stats::logit(won / total.max(1.0));
    let weights: &[f64] = if total < STATE_WEIGHTS_BELOW { &STATE_WEIGHTS } else { &[1.0] };
    let zero = vec![0.0; nmain];
    let mut base = 0.0;
    for fold in 0..folds {
        base += stats::log_loss(&ext, &zero, &|k, r| even(k, r, fold)).0;
    }
    let mut best: Option<(f64, f64, f64, Vec<Vec<f64>>)> = None;
    for &omega in weights {
        let rows_w: Vec<Row> = ext.iter().map(|r| Row { offset: omega * r.offset + (1.0 - omega) * intercept, ..r.clone() }).collect();
        let mut warm: Vec<Vec<f64>> = vec![Vec::new(); folds];
        for &e in grid {
            let mut loss = 0.0;
            for (fold, w) in warm.iter_mut().enumerate() {
                let beta = stats::fit_logistic(&rows_w, nmain, e / 4.0, &|k, r| r.count - even(k, r, fold), Some(w));
                loss += stats::log_loss(&rows_w, &beta, &|k, r| even(k, r, fold)).0;
                *w = beta;
            }
            if loss < base && best.as_ref().map_or(true, |(l, _, _, _)| loss < *l) {
                best = Some((loss, e, omega, warm.clone()));
            }
        }
    }
    let (even_loss, main_strength, omega, even_betas) = match best {
        Some((l, e, w, b)) => (l, Some(e), w, b),
        None => (base, None, 1.0, vec![zero.clone(); folds]),
    };
    let ext: Vec<Row> = ext.into_iter().map(|r| Row { offset: omega * r.offset + (1.0 - omega) * intercept, ..r }).collect();
    // The chosen effects again on the pairs' folds (drawn per deal, see
    // `split`), warm-started: what every pair is measured against.
    let mut main_loss = 0.0;
    let mut fold_betas = Vec::with_capacity(folds);
    if folds == 1 {
        main_loss = even_loss;
        fold_betas = even_betas.clone();
    }
    for (fold, b) in even_betas.iter().enumerate().filter(|_| folds > 1) {
        let beta = match main_strength {
            Some(e) => stats::fit_logistic(&ext, nmain, e / 4.0, &|k, r| r.count - share(k, r, fold), Some(b)),
            None => zero.clone(),
        };
        main_loss += stats::log_loss(&ext, &beta, &|k, r| share(k, r, fold)).0;
        fold_betas.push(beta);
    }
    let main_lambda = main_strength.map_or(1e12, |e| e / 4.0);
    let mut learned = Learned { main_strength, state_weight: omega, intercept, ..Learned::default() };

    // 2. Candidate pairs, screened one by one on the folds.
    let col_of = |f: usize| feature_key.get(f).map_or(0, |k| (k >> 32) as usize);
    let ncols = (0..nf).map(|f| col_of(f) + 1).max().unwrap_or(0);
    let mut first = vec![usize::MAX; ncols];
    let mut width = vec![0usize; ncols];
    for f in 0..nf {
        let c = col_of(f);
        if let (Some(a), Some(w)) = (first.get_mut(c), width.get_mut(c)) {
            *a = (*a).min(f);
            *w += 1;
        }
    }
    let mut state_slots = Slots::default();
    let mut state_of = Vec::with_capacity(rows.len());
    for &(reached, ooo) in states {
        state_of.push(state_slots.slot(super::state_key(reached, ooo)).0);
    }
    // States numbered in key order.
    let mut state_rank = vec![0usize; state_slots.len()];
    for (rank, (key, slot)) in state_slots.iter().enumerate() {
        if let Some(r) = state_rank.get_mut(slot) {
            *r = rank;
        }
        learned.states.push((key as u64, key >> 64 != 0));
    }
    for s in &mut state_of {
        *s = state_rank.get(*s).copied().unwrap_or(0);
    }
    let nstates = state_slots.len();
    // Level of every row in every column (usize::MAX for none), local to the column.
    let mut level = vec![usize::MAX; rows.len() * ncols];
    for (k, r) in rows.iter().enumerate() {
        for &f in &r.features {
            let c = col_of(f as usize);
            if let (Some(slot), Some(&a)) = (level.get_mut(k * ncols + c), first.get(c)) {
                *slot = f as usize - a;
            }
        }
    }
    let side_level = |k: usize, s: Side| -> Option<usize> {
        match s {
            Side::State => state_of.get(k).copied(),
            Side::Column(c) => level.get(k * ncols + c).copied().filter(|&l| l != usize::MAX),
        }
    };
    let side_width = |s: Side| -> usize {
        match s {
            Side::State => nstates,
            Side::Column(c) => width.get(c).copied().unwrap_or(0),
        }
    };
    let cell = |k: usize, p: &[Side; 2]| -> Option<usize> { Some(side_level(k, p[0])? * side_width(p[1]) + side_level(k, p[1])?) };
    let mut candidates: Vec<[Side; 2]> = Vec::new();
    for a in 0..ncols {
        if nstates >= 2 && width.get(a).is_some_and(|&w| w >= 2) {
            candidates.push([Side::State, Side::Column(a)]);
        }
    }
    for a in 0..ncols {
        for b in a + 1..ncols {
            if width.get(a).is_some_and(|&w| w >= 2) && width.get(b).is_some_and(|&w| w >= 2) {
                candidates.push([Side::Column(a), Side::Column(b)]);
            }
        }
    }
    if candidates.is_empty() || rows.is_empty() {
        return finish(learned, &ext, nf, milestones, main_lambda, &fold_betas);
    }
    // Each fold's fitted probability of every row, once.
    let qs: Vec<Vec<f64>> = fold_betas.iter().map(|b| ext.iter().map(|r| stats::sigmoid(linear(b, r))).collect()).collect();
    let mut gains = vec![[0.0f64; PAIR_GRID.len()]; candidates.len()];
    let mut g = Vec::new();
    let mut h = Vec::new();
    for (fold, qf) in qs.iter().enumerate() {
        for (p, gain) in candidates.iter().zip(gains.iter_mut()) {
            let cells = side_width(p[0]) * side_width(p[1]);
            g.clear();
            g.resize(cells, 0.0);
            h.clear();
            h.resize(cells, 0.0);
            for (k, (r, &q)) in ext.iter().zip(qf).enumerate() {
                let w = r.count - share(k, r, fold);
                let Some(c) = cell(k, p) else { continue };
                if w <= 0.0 {
                    continue;
                }
                if let (Some(gc), Some(hc)) = (g.get_mut(c), h.get_mut(c)) {
                    *gc += w * (q - if r.won { 1.0 } else { 0.0 });
                    *hc += w * q * (1.0 - q);
                }
            }
            // The held-out loss saved, to second order in the step (the
            // steps are small and shrunk; no logarithm per row and grid value).
            for (k, (r, &q)) in ext.iter().zip(qf).enumerate() {
                let w = share(k, r, fold);
                let Some(c) = cell(k, p) else { continue };
                if w <= 0.0 {
                    continue;
                }
                let (gc, hc) = (g.get(c).copied().unwrap_or(0.0), h.get(c).copied().unwrap_or(0.0));
                let (d1, d2) = (q - if r.won { 1.0 } else { 0.0 }, q * (1.0 - q));
                for (x, &s) in gain.iter_mut().zip(&PAIR_GRID) {
                    let step = -gc / (hc + s / 4.0);
                    *x -= w * step * (d1 + 0.5 * d2 * step);
                }
            }
        }
    }
    // 3. The strength that saves most over all pairs, and the pairs that
    //    save more than the margin at it.
    let mut pick = 0;
    let mut most = f64::NEG_INFINITY;
    for s in 0..PAIR_GRID.len() {
        let saved: f64 = gains.iter().map(|x| x.get(s).copied().unwrap_or(0.0).max(0.0)).sum();
        if saved > most {
            most = saved;
            pick = s;
        }
    }
    let at = |c: usize| gains.get(c).and_then(|x| x.get(pick)).copied().unwrap_or(0.0);
    let margin = PAIR_MARGIN * (candidates.len() as f64 / 10.0).sqrt().max(1.0);
    let mut chosen: Vec<usize> = (0..candidates.len()).filter(|&c| at(c) > margin).collect();
    chosen = crate::order::order(chosen.len(), &|a, b| at(chosen.get(a).copied().unwrap_or(0)) > at(chosen.get(b).copied().unwrap_or(0)))
        .into_iter()
        .filter_map(|i| chosen.get(i).copied())
        .take(MAX_PAIRS)
        .collect();
    if chosen.is_empty() {
        return finish(learned, &ext, nf, milestones, main_lambda, &fold_betas);
    }
    let pair_strength = PAIR_GRID.get(pick).copied().unwrap_or(16.0);
    // Pair cell features: pair by pair, cells in order, those with deals.
    let mut cell_feature: Vec<Vec<u32>> = Vec::new();
    let mut next = nmain as u32;
    for &c in &chosen {
        let Some(p) = candidates.get(c) else { continue };
        let mut seen = vec![false; side_width(p[0]) * side_width(p[1])];
        for k in 0..rows.len() {
            if let Some(s) = cell(k, p).and_then(|x| seen.get_mut(x)) {
                *s = true;
            }
        }
        cell_feature.push(
            seen.iter()
                .map(|&s| {
                    if s {
                        next += 1;
                        next - 1
                    } else {
                        u32::MAX
                    }
                })
                .collect(),
        );
    }
    let nall = next as usize;
    let joint: Vec<Row> = ext
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let mut features = r.features.clone();
            for (&c, ids) in chosen.iter().zip(&cell_feature) {
                if let Some(&id) = candidates.get(c).and_then(|p| cell(k, p)).and_then(|x| ids.get(x)) {
                    if id != u32::MAX {
                        features.push(id);
                    }
                }
            }
            Row { features, ..r.clone() }
        })
        .collect();
    let mut lambdas = vec![main_lambda; nall];
    for l in lambdas.iter_mut().skip(nmain) {
        *l = pair_strength / 4.0;
    }
    // 4. The joint fit against the effects alone, on the same folds:
    //    block coordinate descent from each fold's main fit.
    let mut block_of: Vec<u32> = (0..nf).map(|f| col_of(f) as u32).collect();
    block_of.extend((0..milestones).map(|m| (ncols + m) as u32));
    for (j, ids) in cell_feature.iter().enumerate() {
        let blocks = ids.iter().filter(|&&id| id != u32::MAX).count();
        block_of.extend(std::iter::repeat((ncols + milestones + j) as u32).take(blocks));
    }
    let nblocks = ncols + milestones + cell_feature.len();
    let mut joint_loss = 0.0;
    let mut start = Vec::new();
    for (fold, b) in fold_betas.iter().enumerate() {
        let mut beta = b.clone();
        beta.resize(nall, 0.0);
        backfit(&joint, &block_of, nblocks, &lambdas, &|k, r| r.count - share(k, r, fold), &mut beta);
        joint_loss += stats::log_loss(&joint, &beta, &|k, r| share(k, r, fold)).0;
        if fold == 0 {
            start = beta;
        }
    }
    if joint_loss >= main_loss - PAIR_MARGIN {
        return finish(learned, &ext, nf, milestones, main_lambda, &fold_betas);
    }
    // The final fit on every deal, from the first fold's joint fit.
    let mut beta = start;
    backfit(&joint, &block_of, nblocks, &lambdas, &|_, r| r.count, &mut beta);
    learned.pair_strength = pair_strength;
    for (&c, ids) in chosen.iter().zip(&cell_feature) {
        let Some(&p) = candidates.get(c) else { continue };
        let wb = side_width(p[1]).max(1);
        let mut n_of = vec![0u32; ids.len()];
        for (k, r) in rows.iter().enumerate() {
            if let Some(x) = cell(k, &p).and_then(|x| n_of.get_mut(x)) {
                *x += r.count as u32;
            }
        }
        let mut cells = Vec::new();
        for (x, &id) in ids.iter().enumerate() {
            let b = beta.get(id as usize).copied().unwrap_or(0.0);
            if id == u32::MAX || b.abs() < 1e-4 {
                continue;
            }
            // Back to main feature ids for columns.
            let lv = |s: Side, l: usize| -> u32 {
                match s {
                    Side::State => l as u32,
                    Side::Column(col) => (first.get(col).copied().unwrap_or(0) + l) as u32,
                }
            };
            cells.push(([lv(p[0], x / wb), lv(p[1], x % wb)], b, n_of.get(x).copied().unwrap_or(0)));
        }
        learned.pairs.push(LearnedPair { sides: p, cells });
    }
    set_main(&mut learned, &beta, &ext, nf, milestones);
    learned
}

/// Block coordinate descent on the penalised log loss: the blocks are the
/// attribute columns, the milestones and the pairs (`block_of[f]`), and a
/// row has at most one feature per block, so a block's cells are separate
/// one-dimensional problems: one penalised Newton step each per round,
/// blocks in turn, until no effect moves by 1e-3 (at most 8 rounds). As
/// explainable boosting machines cycle over their terms; much cheaper
/// than a joint Newton fit once pairs bring hundreds of cells.
fn backfit(rows: &[Row], block_of: &[u32], nblocks: usize, lambdas: &[f64], weight: &dyn Fn(usize, &Row) -> f64, beta: &mut [f64]) {
    // A row's features come in block order (columns, milestones, pairs), so
    // a cursor per row finds its feature in each block in turn: no table of
    // rows x blocks.
    let block = |f: u32| block_of.get(f as usize).copied().unwrap_or(u32::MAX) as usize;
    let mut cursor = vec![0usize; rows.len()];
    let mut cell = vec![u32::MAX; rows.len()];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); nblocks];
    for (f, &b) in block_of.iter().enumerate() {
        if let Some(m) = members.get_mut(b as usize) {
            m.push(f);
        }
    }
    let weights: Vec<f64> = rows.iter().enumerate().map(|(k, r)| weight(k, r)).collect();
    let mut eta: Vec<f64> = rows.iter().map(|r| linear(beta, r)).collect();
    let n = beta.len();
    let (mut g, mut h, mut step) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for _ in 0..8 {
        let mut moved = 0.0f64;
        cursor.iter_mut().for_each(|c| *c = 0);
        for (b, fs) in members.iter().enumerate() {
            for ((r, c), x) in rows.iter().zip(cursor.iter_mut()).zip(cell.iter_mut()) {
                while r.features.get(*c).is_some_and(|&f| block(f) < b) {
                    *c += 1;
                }
                *x = r.features.get(*c).copied().filter(|&f| block(f) == b).unwrap_or(u32::MAX);
            }
            for &f in fs {
                if let (Some(x), Some(y)) = (g.get_mut(f), h.get_mut(f)) {
                    *x = 0.0;
                    *y = 0.0;
                }
            }
            for (k, (r, (&w, &z))) in rows.iter().zip(weights.iter().zip(&eta)).enumerate() {
                let f = cell.get(k).copied().unwrap_or(u32::MAX) as usize;
                if w <= 0.0 || f >= n {
                    continue;
                }
                let q = stats::sigmoid(z);
                if let (Some(x), Some(y)) = (g.get_mut(f), h.get_mut(f)) {
                    *x += w * (q - if r.won { 1.0 } else { 0.0 });
                    *y += w * q * (1.0 - q);
                }
            }
            for &f in fs {
                let (Some(x), Some(&gf), Some(&hf), Some(&l)) = (beta.get_mut(f), g.get(f), h.get(f), lambdas.get(f)) else { continue };
                let d = (-(gf + l * *x) / (hf + l).max(1e-12)).clamp(-2.0, 2.0);
                *x += d;
                moved = moved.max(d.abs());
                if let Some(s) = step.get_mut(f) {
                    *s = d;
                }
            }
            for (k, z) in eta.iter_mut().enumerate() {
                let f = cell.get(k).copied().unwrap_or(u32::MAX) as usize;
                if let Some(s) = step.get(f) {
                    *z += s;
                }
            }
        }
        if moved < 1e-3 {
            break;
        }
    }
}

/// Without pairs: the effects (and milestone terms) fitted on every row.
fn finish(mut learned: Learned, ext: &[Row], nf: usize, milestones: usize, lambda: f64, fold_betas: &[Vec<f64>]) -> Learned {
    if learned.main_strength.is_some() {
        let beta = stats::fit_logistic(ext, nf + milestones, lambda, &|_, r| r.count, fold_betas.first().map(Vec::as_slice));
        set_main(&mut learned, &beta, ext, nf, milestones);
    }
    learned
}

fn set_main(learned: &mut Learned, beta: &[f64], ext: &[Row], nf: usize, milestones: usize) {
    learned.main = beta.get(..nf).map(<[f64]>::to_vec).unwrap_or_default();
    let mut n_of = vec![0u32; milestones];
    for r in ext {
        for &f in &r.features {
            if let Some(x) = (f as usize).checked_sub(nf).and_then(|m| n_of.get_mut(m)) {
                *x += r.count as u32;
            }
        }
    }
    learned.milestones = (0..milestones).map(|m| (beta.get(nf + m).copied().unwrap_or(0.0), n_of.get(m).copied().unwrap_or(0))).collect();
}

/// Names what was learned, into the calibration's flat fields (milestone
/// terms, pair cells, the state rate's weight).
pub fn describe(process: &crate::model::Process, t: &super::Table, learned: &Learned, feature_key: &[u128], cal: &mut super::Calibration) {
    use super::Effect;
    let attribute = |f: u32| -> Option<(String, String)> {
        let k = feature_key.get(f as usize)?;
        let (a, c) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
        Some((t.attributes.get(a)?.clone(), t.values.get(a)?.get(c.checked_sub(1)?)?.clone()))
    };
    for (m, &(effect, n)) in learned.milestones.iter().enumerate() {
        if effect.abs() >= 1e-4 && m < process.len() {
            cal.milestone_effects.push(Effect { milestone: process.id(m).to_string(), effect, n, ..Effect::default() });
        }
    }
    for p in &learned.pairs {
        for &(levels, effect, n) in &p.cells {
            // The attribute side first; a state side becomes `state`.
            let cell = match p.sides {
                [Side::State, Side::Column(_)] | [Side::Column(_), Side::State] => {
                    let (s, a) = if p.sides[0] == Side::State { (levels[0], levels[1]) } else { (levels[1], levels[0]) };
                    let (Some(&(reached, ooo)), Some((attribute, value))) = (learned.states.get(s as usize), attribute(a)) else { continue };
                    Effect { attribute, value, effect, n, state: process.ids(reached), out_of_order: ooo, ..Effect::default() }
                }
                _ => {
                    let (Some((attribute, value)), Some((with_attribute, with_value))) = (attribute(levels[0]), attribute(levels[1])) else { continue };
                    Effect { attribute, value, effect, n, with_attribute, with_value, ..Effect::default() }
                }
            };
            cal.pairs.push(cell);
        }
    }
    cal.pair_strength = if cal.pairs.is_empty() { 0.0 } else { learned.pair_strength };
    if learned.state_weight < 1.0 {
        cal.state_weight = Some(learned.state_weight);
        cal.intercept = learned.intercept;
    }
}

// ------------------------------------------------------------ scoring

/// The state side of a pair cell's key (`STATE | state slot`, then the
/// attribute value's index).
const STATE: u64 = 1 << 31;

/// Every term of a calibration, in sorted lookups built once when a model
/// loads (no hash map: in the widget's wasm a `HashMap` brings a hasher and
/// a table). Scoring a deal costs a lookup per attribute, one per attribute
/// for the state's pairs and one per pair of its attributes, whatever the
/// number of pair cells.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// Every (attribute, value) named by an effect or a pair cell, to its
    /// index.
    levels: PairLookup,
    /// (effect, variance) of every index's own effect (NaN: none).
    main: Vec<(f64, f64)>,
    /// (effect, variance) of every milestone index.
    milestones: Vec<(f64, f64)>,
    states: Slots,
    state_list: Vec<(u64, bool)>,
    /// Pair cells sorted by key (`a << 32 | b`, a < b: two attribute
    /// values' indices, or `STATE | slot` and a value's index), with
    /// (effect, variance).
    cells: Vec<(u64, f64, f64)>,
    /// The state rate's weight in the base, and the intercept's.
    weight: f64,
    intercept: f64,
}

/// A variance for a term fitted on `n` deals with L2 strength `strength`
/// (equivalent deals): the Laplace approximation `1 / (n w + lambda)`, with
/// w the history's p(1-p).
fn variance(n: u32, w: f64, strength: f64) -> f64 {
    1.0 / (f64::from(n) * w + strength / 4.0).max(1e-9)
}

fn cell_key(a: u64, b: u64) -> u64 {
    if a < b { a << 32 | b } else { b << 32 | a }
}

impl Terms {
    /// Builds and checks the terms of a calibration (errors relative to it).
    #[inline(never)]
    pub fn build(process: &crate::model::Process, c: &super::Calibration) -> crate::error::Result<Terms> {
        use crate::error::{self, Error};
        let rate = if c.deals > 0 { f64::from(c.won) / f64::from(c.deals) } else { 0.5 };
        let w = (rate * (1.0 - rate)).max(0.01);
        let mut t = Terms {
            milestones: vec![(0.0, 0.0); process.len()],
            ..Terms::default()
        };
        error::non_negative("pairStrength", c.pair_strength)?;
        t.weight = error::finite("stateWeight", c.state_weight.unwrap_or(1.0))?;
        if !(0.0..=1.0).contains(&t.weight) {
            return Err(Error::coded("stateWeight", error::ErrorCode::Range { min: 0.0, max: 1.0 }, "must be between 0 and 1"));
        }
        t.intercept = error::finite("intercept", c.intercept)?;
        error::at_most("milestoneEffects", &c.milestone_effects, super::MAX_EFFECTS, "milestone effects")?;
        for (k, m) in c.milestone_effects.iter().enumerate() {
            let p = error::index("milestoneEffects", k);
            let Some(i) = process.find(&m.milestone) else {
                return Err(error::unknown_milestone(error::join(&p, "milestone"), &m.milestone));
            };
            let v = error::finite(&error::join(&p, "effect"), m.effect)?;
            if let Some(slot) = t.milestones.get_mut(i) {
                *slot = (v, variance(m.n, w, c.effect_strength));
            }
        }
        error::at_most("pairs", &c.pairs, super::MAX_EFFECTS, "pair cells")?;
        // Effects and pair cells: their names and values, by one check.
        for (list, name) in [(&c.effects, "effects"), (&c.pairs, "pairs")] {
            for (k, e) in list.iter().enumerate() {
                let p = error::index(name, k);
                for (field, s) in [("attribute", &e.attribute), ("value", &e.value), ("withAttribute", &e.with_attribute), ("withValue", &e.with_value)] {
                    error::text(&error::join(&p, field), s, crate::model::MAX_TEXT_CHARS)?;
                }
                let v = error::finite(&error::join(&p, "effect"), e.effect)?;
                if v.abs() > 20.0 {
                    return Err(Error::coded(error::join(&p, "effect"), error::ErrorCode::Range { min: -20.0, max: 20.0 }, "must be between -20 and 20"));
                }
            }
        }
        let mut sides = Vec::with_capacity(c.pairs.len());
        for (k, e) in c.pairs.iter().enumerate() {
            let p = error::index("pairs", k);
            if e.attribute.is_empty() || e.with_attribute == e.attribute || (!e.with_attribute.is_empty() && (!e.state.is_empty() || e.out_of_order)) {
                return Err(Error::new(p, "must pair an attribute with a state or with another attribute"));
            }
            let state = if e.with_attribute.is_empty() {
                let set = super::set_of(process, &e.state, &error::join(&p, "state"))?;
                let (slot, new) = t.states.slot(super::state_key(set, e.out_of_order));
                if new {
                    t.state_list.push((set, e.out_of_order));
                }
                Some(slot as u64)
            } else {
                None
            };
            sides.push(state);
        }
        // Every (attribute, value) named, one index each (plain loops: few
        // new instantiations in the widget's wasm).
        let mut keys = Vec::with_capacity(c.effects.len() + 2 * c.pairs.len());
        for e in &c.effects {
            keys.push((e.attribute.clone(), e.value.clone()));
        }
        for e in &c.pairs {
            keys.push((e.attribute.clone(), e.value.clone()));
            if !e.with_attribute.is_empty() {
                keys.push((e.with_attribute.clone(), e.with_value.clone()));
            }
        }
        let mut main = vec![(f64::NAN, 0.0); keys.len()];
        t.levels = PairLookup::new(keys);
        let index = |a: &str, v: &str| t.levels.get(a, v).unwrap_or(0) as u64;
        for e in &c.effects {
            if let Some(x) = main.get_mut(index(&e.attribute, &e.value) as usize) {
                *x = (e.effect, variance(e.n, w, c.effect_strength));
            }
        }
        let mut cells = Vec::with_capacity(c.pairs.len());
        for (e, state) in c.pairs.iter().zip(sides) {
            let a = index(&e.attribute, &e.value);
            let key = match state {
                Some(s) => (STATE | s) << 32 | a,
                None => cell_key(a, index(&e.with_attribute, &e.with_value)),
            };
            cells.push((key, e.effect, variance(e.n, w, c.pair_strength)));
        }
        let by_key = crate::order::order(cells.len(), &|i, j| cells.get(i).map(|x| x.0) < cells.get(j).map(|x| x.0));
        t.cells = Vec::with_capacity(cells.len());
        for i in by_key {
            if let Some(&x) = cells.get(i) {
                t.cells.push(x);
            }
        }
        t.main = main;
        Ok(t)
    }

    /// The effect of one attribute value.
    pub fn effect(&self, attribute: &str, value: &str) -> Option<f64> {
        self.main.get(self.levels.get(attribute, value)?).map(|x| x.0).filter(|e| !e.is_nan())
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.milestones.iter().all(|m| m.0 == 0.0)
    }

    /// A state's base on the logit, from the logit of its learned rate:
    /// weighted against the intercept, plus its milestone terms; and the
    /// milestone terms' variance.
    pub fn state_base(&self, rate_logit: f64, reached: u64) -> (f64, f64) {
        let (m, v) = self.state_shift(reached);
        (self.weight * rate_logit + (1.0 - self.weight) * self.intercept + m, v)
    }

    /// The weight of the state rate's logit (its interval shrinks with it).
    pub fn state_weight(&self) -> f64 {
        self.weight
    }

    /// The state-only shift (milestone terms) and its variance.
    pub fn state_shift(&self, reached: u64) -> (f64, f64) {
        let (mut z, mut v) = (0.0, 0.0);
        for m in members(reached) {
            if let Some(&(e, var)) = self.milestones.get(m) {
                z += e;
                v += var;
            }
        }
        (z, v)
    }

    fn state_index(&self, reached: u64, ooo: bool) -> Option<usize> {
        self.states.get(super::state_key(reached, ooo))
    }

    fn cell(&self, key: u64) -> Option<(f64, f64)> {
        let i = self.cells.binary_search_by(|x| x.0.cmp(&key)).ok()?;
        self.cells.get(i).map(|x| (x.1, x.2))
    }

    /// The pair cells of a deal whose attribute values have indices `keys`,
    /// in state slot `state`: to `f` each, as (i, j, effect, variance):
    /// `keys[i]` with the state (`j` None) or with `keys[j]`.
    fn pairs_of(&self, keys: &[u64], state: Option<usize>, f: &mut dyn FnMut(usize, Option<usize>, f64, f64)) {
        if self.cells.is_empty() {
            return;
        }
        for (i, &a) in keys.iter().enumerate() {
            if let Some(s) = state {
                if let Some((e, v)) = self.cell((STATE | s as u64) << 32 | a) {
                    f(i, None, e, v);
                }
            }
            for (j, &b) in keys.iter().enumerate().skip(i + 1) {
                if let Some((e, v)) = self.cell(cell_key(a, b)) {
                    f(i, Some(j), e, v);
                }
            }
        }
    }

    /// The index of a learned (attribute, value), if the history knew it.
    pub fn level(&self, attribute: &str, value: &str) -> Option<usize> {
        self.levels.get(attribute, value)
    }

    /// The terms of a deal beyond its state's base, from the learned level
    /// of each of its attribute values (`keys`, in the deal's attribute
    /// order; `level`): (shift, variance). Every term to `each`, with its
    /// value: `Hit::Main(i)` the effect of `keys[i]`, `Hit::State(i)` its
    /// pair with the state, `Hit::Pair(i, j)` the pair of `keys[i]` and
    /// `keys[j]`. The lean and the detailed scores both add up here, so
    /// their numbers are the same.
    pub fn deal_terms(&self, reached: u64, ooo: bool, keys: &[u64], each: &mut dyn FnMut(Hit, f64)) -> (f64, f64) {
        let (mut z, mut v) = (0.0, 0.0);
        for (i, &k) in keys.iter().enumerate() {
            if let Some(&(e, var)) = self.main.get(k as usize).filter(|x| !x.0.is_nan()) {
                z += e;
                v += var;
                each(Hit::Main(i), e);
            }
        }
        self.pairs_of(keys, self.state_index(reached, ooo), &mut |i, j, e, var| {
            z += e;
            v += var;
            each(j.map_or(Hit::State(i), |j| Hit::Pair(i, j)), e);
        });
        (z, v)
    }

    /// `deal_terms` without naming the terms: the lean path.
    pub fn deal_keys(&self, reached: u64, ooo: bool, keys: &[u64]) -> (f64, f64) {
        self.deal_terms(reached, ooo, keys, &mut |_, _| {})
    }
}

/// A deal's term, by the positions of its attribute values in the `keys`
/// given to [`Terms::deal_terms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Main(usize),
    State(usize),
    Pair(usize, usize),
}

/// Accessors for the compiled column scorer (`crate::columns`, issue 14).
impl Terms {
    /// (effect, variance) of a learned level's own effect, if it has one.
    pub fn main_term(&self, level: usize) -> Option<(f64, f64)> {
        self.main.get(level).copied().filter(|x| !x.0.is_nan())
    }

    /// Whether any pair cell was learned.
    pub fn has_pairs(&self) -> bool {
        !self.cells.is_empty()
    }

    /// The pair index of a state (`None`: no pair cell names it).
    pub fn pair_state(&self, reached: u64, ooo: bool) -> Option<usize> {
        self.state_index(reached, ooo)
    }

    /// Each pair cell of the level indices `keys` in pair state `state`:
    /// (effect, variance) to `f`, in `deal_keys`' order.
    pub fn each_pair(&self, keys: &[u64], state: Option<usize>, f: &mut dyn FnMut(f64, f64)) {
        self.pairs_of(keys, state, &mut |_, _, e, v| f(e, v));
    }
}

/// [`Terms`] resolved against a table's columns and codes once, so a row
/// costs an addition per attribute and a lookup per pair of them.
#[derive(Clone, Debug)]
pub struct TableTerms<'a> {
    terms: &'a Terms,
    /// (effect, variance) by table column and code - 1.
    main: Vec<Vec<(f64, f64)>>,
    /// Attribute value index by table column and code - 1.
    key: Vec<Vec<Option<u64>>>,
}

impl Terms {
    pub fn for_table<'a>(&'a self, attributes: &[String], values: &[Vec<String>]) -> TableTerms<'a> {
        let mut main = Vec::with_capacity(attributes.len());
        let mut key = Vec::with_capacity(attributes.len());
        for (a, vals) in attributes.iter().zip(values) {
            let ks: Vec<Option<usize>> = vals.iter().map(|v| self.levels.get(a, v)).collect();
            main.push(ks.iter().map(|k| k.and_then(|k| self.main.get(k).copied()).filter(|x| !x.0.is_nan()).unwrap_or((0.0, 0.0))).collect());
            key.push(ks.into_iter().map(|k| k.map(|k| k as u64)).collect());
        }
        TableTerms { terms: self, main, key }
    }
}

impl TableTerms<'_> {
    /// The pair index of a state (for `row`), once per state.
    pub fn state(&self, reached: u64, ooo: bool) -> Option<usize> {
        self.terms.state_index(reached, ooo)
    }

    /// Shift and variance of a row with attribute `codes` (one per table
    /// column, 0 for none) in the state numbered `state`.
    pub fn row(&self, codes: &[u32], state: Option<usize>) -> (f64, f64) {
        let (mut z, mut v) = (0.0, 0.0);
        for (m, &c) in self.main.iter().zip(codes) {
            if c > 0 {
                if let Some(&(e, var)) = m.get(c as usize - 1) {
                    z += e;
                    v += var;
                }
            }
        }
        if self.terms.cells.is_empty() {
            return (z, v);
        }
        let keys: Vec<u64> =
            self.key.iter().zip(codes).filter_map(|(k, &c)| k.get((c as usize).checked_sub(1)?).copied().flatten()).collect();
        self.terms.pairs_of(&keys, state, &mut |_, _, e, var| {
            z += e;
            v += var;
        });
        (z, v)
    }
}

/// The 90% interval of a deal whose logit is `z`: the state rate's
/// interval `[lo, hi]` around `p` (distances on the logit, times the
/// state's `weight`), widened by the terms' variance `var`: the two
/// uncertainties add in quadrature on the logit scale.
pub fn moved_interval(p: f64, interval: [f64; 2], weight: f64, z: f64, var: f64) -> [f64; 2] {
    let lp = stats::logit(p);
    let extra = Z90 * Z90 * var;
    let below = ((weight * (lp - stats::logit(interval[0]))).powi(2) + extra).sqrt();
    let above = ((weight * (stats::logit(interval[1]) - lp)).powi(2) + extra).sqrt();
    [stats::sigmoid(z - below), stats::sigmoid(z + above)]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::unwrap_in_result, clippy::indexing_slicing)]
mod tests {
    use crate::calibration::{Calibration, Effect};
    use crate::model::default_model;
    use crate::scorer::Scorer;

    fn with(x: Calibration) -> Result<Scorer, String> {
        let mut m = default_model();
        let p = Scorer::new(m.clone()).unwrap();
        let id = p.id(0).to_string();
        m.calibration = Some(Calibration {
            deals: 100,
            won: 30,
            strength: 10.0,
            states: vec![super::super::StateCount { reached: vec![id], out_of_order: false, n: 100, won: 30 }],
            ..x
        });
        Scorer::new(m).map_err(|e| e.to_string())
    }

    fn cell(a: (&str, &str), b: (&str, &str), effect: f64) -> Effect {
        Effect { attribute: a.0.into(), value: a.1.into(), with_attribute: b.0.into(), with_value: b.1.into(), effect, n: 5, ..Effect::default() }
    }

    #[test]
    fn interactions_are_checked_when_a_model_loads() {
        let ok = Calibration { pair_strength: 16.0, pairs: vec![cell(("a", "x"), ("b", "y"), 0.5)], ..Calibration::default() };
        let p = with(ok.clone()).unwrap();
        assert!(!p.fitted().unwrap().terms.is_empty());
        let bad = |x: Calibration| with(x).unwrap_err();
        let mut x = ok.clone();
        x.pairs[0].effect = f64::NAN;
        assert_eq!(bad(x), "calibration.pairs[0].effect: must be a finite number");
        let mut x = ok.clone();
        x.pairs[0].with_attribute = "a".into();
        assert!(bad(x).starts_with("calibration.pairs[0]: "));
        let mut x = ok.clone();
        x.pairs[0].state = vec!["nope".into()];
        x.pairs[0].with_attribute = String::new();
        assert_eq!(bad(x), "calibration.pairs[0].state[0]: unknown milestone \"nope\"");
        let mut x = ok.clone();
        x.state_weight = Some(1.5);
        assert!(bad(x).starts_with("calibration.stateWeight: "));
        let mut x = ok;
        x.milestone_effects.push(Effect { milestone: "nope".into(), effect: 0.1, n: 3, ..Effect::default() });
        assert_eq!(bad(x), "calibration.milestoneEffects[0].milestone: unknown milestone \"nope\"");
    }

    /// Cells are looked up whichever way round the deal lists its
    /// attributes, and a deal without one of the pair's levels gets no pair
    /// term.
    #[test]
    fn a_pair_term_needs_both_levels() {
        let x = Calibration { pair_strength: 16.0, pairs: vec![cell(("a", "x"), ("b", "y"), 0.5)], ..Calibration::default() };
        let p = with(x).unwrap();
        let t = &p.fitted().unwrap().terms;
        let key = |a: &str, v: &str| t.level(a, v).map(|k| k as u64);
        let mut hits = Vec::new();
        let keys: Vec<u64> = [key("b", "y"), key("a", "x")].into_iter().flatten().collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(t.deal_terms(1, false, &keys, &mut |h, e| hits.push((h, e))).0, 0.5);
        assert_eq!(hits, vec![(super::Hit::Pair(0, 1), 0.5)]);
        assert_eq!(t.deal_keys(1, false, &[key("a", "x").unwrap()]).0, 0.0);
        assert_eq!(key("b", "z"), None);

    }
}
