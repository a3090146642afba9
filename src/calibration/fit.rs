//! Fitting a calibration from a table of closed deals: state rates,
//! attribute effects (L2 strength by cross-validation), milestone terms and
//! pairs, and the sellers' bias.

use super::*;

/// Calibrates from closed deals (open ones are rejected: they carry no
/// outcome). Returns the model with its `calibration` set.
pub fn calibrate(process: &Process, history: &[Deal], options: &CalibrateOptions) -> Result<crate::ProcessModel> {
    for (k, d) in history.iter().enumerate() {
        if d.status == Status::Open {
            return Err(Error::coded(error::join(&error::index("history", k), "status"), error::ErrorCode::NotClosed, "must be won or lost: history holds closed deals only"));
        }
    }
    let table = Table::from_deals(process, history, options.paths).map_err(|e| e.within("history"))?;
    let mut c = calibrate_table(process, &table)?;
    c.paths = options.paths;
    let mut m = process.model.clone();
    m.calibration = Some(c);
    Ok(m)
}

/// Calibrates from a table of deals; open rows are ignored. Leaky
/// milestones and attributes are found and kept out first (`leakage`).
pub fn calibrate_table(process: &Process, t: &Table) -> Result<Calibration> {
    leakage::calibrate_guarded(process, t, fit_table)
}

/// The calibration itself, on a table the guard has cleaned.
pub(super) fn fit_table(process: &Process, t: &Table) -> Result<Calibration> {
    t.check(process)?;
    let n = t.len();
    let na = t.attributes.len();
    // 1. State counts.
    let mut counts = Slots::default();
    let mut count_values: Vec<[f64; 2]> = Vec::new();
    let mut finals: Vec<(u64, bool)> = Vec::with_capacity(n);
    let mut buf = Vec::new();
    let (mut deals, mut won_total) = (0u32, 0u32);
    for r in 0..n {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        if out > 1 {
            finals.push((0, false));
            continue;
        }
        let won = out == 1;
        deals += 1;
        won_total += u32::from(won);
        states_of(process, t.steps_of(r), t.ordered.get(r) == Some(&1), &mut buf);
        for &(reached, ooo) in &buf {
            tally(&mut counts, &mut count_values, state_key(reached, ooo), 1.0, f64::from(u8::from(won)));
        }
        // The final state, for effects and evaluation.
        let last = if t.ordered.get(r) == Some(&1) { buf.last().copied() } else { buf.first().copied() };
        finals.push(last.unwrap_or((0, false)));
    }
    let mut cal = Calibration {
        deals,
        won: won_total,
        paths: Paths::Auto,
        strength: STATE_STRENGTH,
        effect_strength: 0.0,
        states: counts
            .iter()
            .map(|(k, i)| {
                let [n, w] = count_values.get(i).copied().unwrap_or([0.0, 0.0]);
                StateCount {
                    reached: process.ids(k as u64),
                    out_of_order: k >> 64 != 0,
                    n: n as u32,
                    won: w as u32,
                }
            })
            .collect(),
        ..Calibration::default()
    };
    let fitted = compile(process, &cal)?;
    if fitted.insufficient {
        return Ok(cal);
    }
    // Offsets for the effects: the same back-off over *final* states only.
    // A closed deal's outcome belongs to the state it ended in; measuring it
    // against the path rate of that state (which counts the deals that went
    // on and won) would push every effect down. For snapshots the two are
    // the same counts.
    let final_fit = {
        let mut slots = Slots::default();
        let mut values: Vec<[f64; 2]> = Vec::new();
        for (r, &(reached, ooo)) in finals.iter().enumerate() {
            let out = t.outcome.get(r).copied().unwrap_or(2);
            if out <= 1 {
                tally(&mut slots, &mut values, state_key(reached, ooo), 1.0, f64::from(out));
            }
        }
        let mut c = cal.clone();
        c.states = slots
            .iter()
            .map(|(k, i)| {
                let [n, w] = values.get(i).copied().unwrap_or([0.0, 0.0]);
                StateCount { reached: process.ids(k as u64), out_of_order: k >> 64 != 0, n: n as u32, won: w as u32 }
            })
            .collect();
        compile(process, &c)?
    };
    // 2. Attribute effects, on leave-one-out state offsets. Feature ids in
    //    (column, code) order; at most MAX_VALUES codes per column (the
    //    first in name order: codes are numbered by name).
    let code_of = |r: usize, a: usize| t.codes.get(r * na + a).copied().unwrap_or(0);
    let mut features = Slots::default();
    for r in 0..n {
        if t.outcome.get(r).copied().unwrap_or(2) > 1 {
            continue;
        }
        for a in 0..na {
            let c = code_of(r, a);
            if c > 0 && (c as usize) <= MAX_VALUES {
                features.slot(((a as u128) << 32) | u128::from(c));
            }
        }
    }
    // Feature id = rank of (column, code) in key order.
    let mut feature_id = vec![0u32; features.len()];
    let mut feature_key = Vec::with_capacity(features.len());
    for (rank, (k, slot)) in features.iter().enumerate() {
        if let Some(x) = feature_id.get_mut(slot) {
            *x = u32::try_from(rank).unwrap_or(0);
        }
        feature_key.push(k);
    }
    let nf = features.len();
    if nf > 0 {
        // Rows aggregated by (feature combination, final state, outcome). A
        // combination is interned column by column through the same map.
        let mut combos = Slots::default();
        let mut combo_features: Vec<Vec<u32>> = vec![Vec::new()];
        let mut agg = Slots::default();
        let mut agg_rows: Vec<Row> = Vec::new();
        // Each row's state and outcome key, to order rows whose features,
        // outcome and offset are all equal.
        let mut agg_states: Vec<u128> = Vec::new();
        let mut cache = Slots::default();
        let mut offsets: Vec<f64> = Vec::new();
        for (r, &(reached, ooo)) in finals.iter().enumerate() {
            let out = t.outcome.get(r).copied().unwrap_or(2);
            if out > 1 {
                continue;
            }
            let won = out == 1;
            let mut combo = 0usize;
            for a in 0..na {
                let Some(slot) = features.get(((a as u128) << 32) | u128::from(code_of(r, a))) else {
                    continue;
                };
                let f = feature_id.get(slot).copied().unwrap_or(0);
                let (next, new) = combos.slot(((combo as u128) << 32) | u128::from(f));
                let next = next + 1;
                if new {
                    let mut v = combo_features.get(combo).cloned().unwrap_or_default();
                    v.push(f);
                    combo_features.push(v);
                }
                combo = next;
            }
            {
                let sk = state_key(reached, ooo) | (u128::from(won) << 65);
            let (oi, new) = cache.slot(sk);
            if new {
                offsets.push(stats::logit(final_fit.estimate(process, reached, ooo, Some(won), false).probability));
            }
            let offset = offsets.get(oi).copied().unwrap_or(0.0);
            let (i, new) = agg.slot(sk | ((combo as u128) << 66));
            if new {
                agg_rows.push(Row { offset, features: combo_features.get(combo).cloned().unwrap_or_default(), won, count: 0.0 });
                agg_states.push(sk);
            }
            if let Some(row) = agg_rows.get_mut(i) {
                row.count += 1.0;
            }
            }
        }
        // Rows in content order (features, outcome, offset, state), so that
        // the folds and the fits do not depend on the order of the history:
        // a combination's number is the order it was first seen in. The
        // state breaks ties: two states can share an offset, and rows tied
        // on the rest kept their first-seen order, which put different
        // counts in different folds.
        let key = |i: usize| agg_rows.get(i).map(|x| (&x.features, x.won, x.offset.to_bits(), agg_states.get(i).copied().unwrap_or(0)));
        let by_content = order(agg_rows.len(), &|a, b| key(a) < key(b));
        let rows: Vec<Row> = by_content.iter().filter_map(|&i| agg_rows.get(i).cloned()).collect();
        let states: Vec<(u64, bool)> =
            by_content.iter().map(|&i| agg_states.get(i).copied().unwrap_or(0)).map(|k| (k as u64, (k >> 64) & 1 == 1)).collect();
        let learned = additive::learn(&rows, &states, &feature_key, process.len(), &EFFECT_GRID);
        if let Some(e) = learned.main_strength {
            let beta = &learned.main;
            let mut n_of = vec![0u32; nf];
            for r in &rows {
                for &f in &r.features {
                    if let Some(x) = n_of.get_mut(f as usize) {
                        *x += r.count as u32;
                    }
                }
            }
            cal.effect_strength = e;
            for (id, &k) in feature_key.iter().enumerate() {
                let (a, c) = ((k >> 32) as usize, (k & 0xffff_ffff) as usize);
                let (Some(name), Some(value)) = (t.attributes.get(a), t.values.get(a).and_then(|v| v.get(c.wrapping_sub(1)))) else {
                    continue;
                };
                let b = beta.get(id).copied().unwrap_or(0.0);
                if b.abs() < 1e-4 {
                    continue;
                }
                cal.effects.push(Effect { attribute: name.clone(), value: value.clone(), effect: b, n: n_of.get(id).copied().unwrap_or(0), ..Effect::default() });
            }
        }
        additive::describe(process, t, &learned, &feature_key, &mut cal);
    }
    // 3. Seller bias and 4. skill.
    seller_bias(t, &mut cal);
    cal.skills = skills(process, t, &finals);
    Ok(cal)
}

/// Fits `won ~ a + b * logit(p)` with a ridge pulling (a, b) toward `to`.
/// Newton's method with backtracking: the whole step is halved until the
/// penalised log likelihood improves. (Clamping each coordinate of the step
/// separately, as an earlier version did, bends the Newton direction and can
/// cycle forever between two wrong answers.)
pub(super) fn recalibrate(rows: &[(f64, bool, f64)], to: (f64, f64), lambda: f64) -> (f64, f64) {
    let loss = |a: f64, b: f64| -> f64 {
        let mut l = 0.5 * lambda * ((a - to.0).powi(2) + (b - to.1).powi(2));
        for &(x, won, c) in rows {
            let z = a + b * x;
            l += c * stats::neg_log_sigmoid(if won { z } else { -z });
        }
        l
    };
    let (mut a, mut b) = to;
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb) = (lambda * (a - to.0), lambda * (b - to.1));
        let (mut haa, mut hab, mut hbb) = (lambda, 0.0, lambda);
        for &(x, won, c) in rows {
            let p = stats::sigmoid(a + b * x);
            let y = if won { 1.0 } else { 0.0 };
            ga += c * (p - y);
            gb += c * (p - y) * x;
            let w = c * p * (1.0 - p);
            haa += w;
            hab += w * x;
            hbb += w * x * x;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let (na, nb) = (a - t * da, b - t * db);
            let l = loss(na, nb);
            if l <= current {
                a = na;
                b = nb;
                current = l;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved || (t * da).abs().max((t * db).abs()) < 1e-9 {
            break;
        }
    }
    (a, b)
}

pub(super) fn seller_bias(t: &Table, cal: &mut Calibration) {
    // (seller code, probability bits, won) -> count
    let mut agg = Slots::default();
    let mut counts: Vec<[f64; 2]> = Vec::new();
    for r in 0..t.len() {
        let out = t.outcome.get(r).copied().unwrap_or(2);
        let p = t.seller_probability.get(r).copied().unwrap_or(f64::NAN);
        if out > 1 || p.is_nan() {
            continue;
        }
        let s = t.seller.get(r).copied().unwrap_or(0);
        tally(&mut agg, &mut counts, (u128::from(s) << 65) | (u128::from(out) << 64) | u128::from(p.to_bits()), 1.0, 0.0);
    }
    if agg.is_empty() {
        return;
    }
    let rows_of = |s: Option<u32>| -> Vec<(f64, f64, bool, f64)> {
        agg.iter()
            .filter(|(k, _)| s.map_or(true, |s| (k >> 65) as u32 == s))
            .map(|(k, i)| {
                let p = f64::from_bits(k as u64);
                let c = counts.get(i).map_or(0.0, |c| c[0]);
                (p, stats::logit(p.clamp(0.01, 0.99)), (k >> 64) & 1 == 1, c)
            })
            .collect()
    };
    let summary = |seller: String, rows: &[(f64, f64, bool, f64)], ab: (f64, f64)| -> SellerBias {
        let n: f64 = rows.iter().map(|r| r.3).sum();
        let stated = rows.iter().map(|r| r.0 * r.3).sum::<f64>() / n;
        let corrected = rows.iter().map(|r| stats::sigmoid(ab.0 + ab.1 * r.1) * r.3).sum::<f64>() / n;
        let observed = rows.iter().filter(|r| r.2).map(|r| r.3).sum::<f64>() / n;
        SellerBias { seller, a: ab.0, b: ab.1, n: n as u32, stated, corrected: corrected.clamp(0.0, 1.0), observed }
    };
    let fit = |rows: &[(f64, f64, bool, f64)], to: (f64, f64), lambda: f64| {
        let r: Vec<(f64, bool, f64)> = rows.iter().map(|r| (r.1, r.2, r.3)).collect();
        recalibrate(&r, to, lambda)
    };
    let all = rows_of(None);
    // The team is pulled weakly (4 equivalent deals) toward "stated is right".
    let team = fit(&all, (0.0, 1.0), 1.0);
    cal.team_bias = Some(summary(String::new(), &all, team));
    for (k, name) in t.sellers.iter().enumerate() {
        let rows = rows_of(Some(u32::try_from(k + 1).unwrap_or(u32::MAX)));
        if rows.is_empty() {
            continue;
        }
        let ab = fit(&rows, team, SELLER_STRENGTH / 4.0);
        cal.seller_bias.push(summary(name.clone(), &rows, ab));
    }
}
