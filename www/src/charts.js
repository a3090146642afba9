// SVG charts drawn from the engine's numbers (createElementNS only, text via
// textContent). Every chart uses a viewBox, so it scales to the card's width.
import { svg } from './base.js';

const W = 320;
const r1 = (v) => Math.round(v * 10) / 10;

/** A label on a chart's axis (shared with the what-if view's tornado, scenarios-view.js). */
export function axisText(x, y, text, anchor = 'middle') {
  return svg('text', { x: r1(x), y: r1(y), 'text-anchor': anchor, text });
}

/**
 * Reliability diagram: bins `{ lo, hi, n, meanPredicted, observed }`;
 * the diagonal is perfect calibration; dot size grows with the bin's count.
 */
export function reliabilityChart(bins, { title, xLabel, yLabel, pct }) {
  const L = 46, T = 10, S = 200;
  const x = (p) => L + p * S;
  const y = (p) => T + (1 - p) * S;
  const root = svg('svg', { viewBox: `0 0 ${L + S + 14} ${T + S + 34}`, role: 'img', 'aria-label': title, 'data-chart': 'reliability' });
  root.append(svg('title', { text: title }));
  root.append(svg('rect', { x: L, y: T, width: S, height: S, fill: 'none', stroke: 'var(--line)' }));
  for (const g of [0, 0.5, 1]) {
    root.append(axisText(x(g), T + S + 14, pct(g)), axisText(L - 4, y(g) + 4, pct(g), 'end'));
  }
  root.append(axisText(x(0.5), T + S + 30, xLabel), svg('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: 'var(--muted)', 'stroke-dasharray': '4 3' }));
  root.append(svg('text', { x: 9, y: y(0.5), transform: `rotate(-90 9 ${y(0.5)})`, 'text-anchor': 'middle', text: yLabel }));
  const maxN = Math.max(1, ...bins.map((b) => b.n || 0));
  const pts = bins.filter((b) => b.n > 0 && b.meanPredicted != null && b.observed != null);
  if (pts.length > 1) {
    root.append(svg('polyline', { points: pts.map((b) => `${r1(x(b.meanPredicted))},${r1(y(b.observed))}`).join(' '), fill: 'none', stroke: 'var(--accent)', 'stroke-width': 1.5 }));
  }
  for (const b of pts) {
    const c = svg('circle', { cx: r1(x(b.meanPredicted)), cy: r1(y(b.observed)), r: r1(3 + 5 * Math.sqrt(b.n / maxN)), fill: 'var(--accent)', 'fill-opacity': 0.75, 'data-n': b.n });
    c.append(svg('title', { text: `${pct(b.lo)}–${pct(b.hi)}: ${pct(b.meanPredicted)} → ${pct(b.observed)} (n=${b.n})` }));
    root.append(c);
  }
  return root;
}

/**
 * The pipeline's distribution as a CDF: `points [{ amount, cdf }]`, with
 * P10/P50/P90 and the target marked (P(total >= target) = 1 - cdf just below).
 */
export function cdfChart(d, { title, money, target, labels }) {
  const L = 8, R = 8, T = 22, H = 130;
  const pts = d.points || [];
  const lo = Math.min(pts.length ? pts[0].amount : 0, d.p10, target ?? Infinity);
  const hi = Math.max(pts.length ? pts[pts.length - 1].amount : 1, d.p90, target ?? -Infinity);
  const span = hi - lo || 1;
  const x = (a) => L + ((a - lo) / span) * (W - L - R);
  const y = (c) => T + (1 - c) * H;
  const root = svg('svg', { viewBox: `0 0 ${W} ${T + H + 44}`, role: 'img', 'aria-label': title, 'data-chart': 'forecast' });
  root.append(svg('title', { text: title }));
  root.append(svg('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: 'var(--line)' }));
  // The band between P10 and P90.
  root.append(svg('rect', { x: r1(x(d.p10)), y: T, width: r1(Math.max(1, x(d.p90) - x(d.p10))), height: H, fill: 'var(--accent)', 'fill-opacity': 0.1 }));
  if (pts.length) {
    let path = `M${r1(x(pts[0].amount))},${r1(y(0))}`;
    let prev = 0;
    for (const p of pts) {
      path += `L${r1(x(p.amount))},${r1(y(prev))}L${r1(x(p.amount))},${r1(y(p.cdf))}`;
      prev = p.cdf;
    }
    path += `L${r1(x(hi))},${r1(y(prev))}`;
    root.append(svg('path', { d: path, fill: 'none', stroke: 'var(--accent)', 'stroke-width': 2 }));
  }
  const marks = [['P10', d.p10, 0.1], ['P50', d.p50, 0.5], ['P90', d.p90, 0.9]];
  marks.forEach(([name, a], i) => {
    root.append(svg('line', { x1: r1(x(a)), y1: T, x2: r1(x(a)), y2: y(0), stroke: 'var(--accent)', 'stroke-dasharray': '2 2', 'data-mark': name }));
    const ax = x(a);
    root.append(axisText(ax, y(0) + 13 + i * 12, `${name} ${money(a)}`, ax < W * 0.25 ? 'start' : ax > W * 0.75 ? 'end' : 'middle'));
  });
  if (target != null) {
    const tx = r1(x(target));
    root.append(svg('line', { x1: tx, y1: T - 8, x2: tx, y2: y(0), stroke: 'var(--warn)', 'stroke-width': 2, 'data-mark': 'target' }));
    root.append(svg('text', { x: tx, y: T - 11, 'text-anchor': tx > W / 2 ? 'end' : 'start', fill: 'var(--warn)', text: `${labels.target} ${money(target)}` }));
  }
  return root;
}

/**
 * The funnel of one deal: rows `{ id, label, chance, done }`, top to bottom,
 * each bar as wide as the chance of reaching that step from where the deal
 * stands (centred, so it narrows downwards); `here` marks the next step.
 */
export function funnelChart(rows, here, { title, pct, doneText, hereText }) {
  // The label on its own line; the bar under it, with its figure to the right
  // of the bar area, so a long label never runs into the figure.
  const rowH = 36, fig = 92, bw = W - 8 - fig;
  const root = svg('svg', { viewBox: `0 0 ${W} ${rowH * rows.length + 4}`, role: 'img', 'aria-label': title, 'data-chart': 'funnel' });
  root.append(svg('title', { text: title }));
  rows.forEach((m, i) => {
    const w = Math.max(2, m.chance * bw);
    const yy = 2 + i * rowH;
    const isHere = m.id === here;
    root.append(svg('text', { x: 4, y: yy + 11, 'text-anchor': 'start', 'font-weight': isHere ? 700 : null, text: m.label }));
    root.append(svg('rect', { x: r1(4 + (bw - w) / 2), y: yy + 16, width: r1(w), height: 14, rx: 3, fill: m.done ? 'var(--accent)' : 'var(--line)',
      stroke: isHere ? 'var(--accent)' : null, 'data-milestone': m.id }));
    root.append(svg('text', { x: W - 4, y: yy + 27, 'text-anchor': 'end', 'font-weight': isHere ? 700 : null, 'data-role': isHere ? 'here' : null,
      text: m.done ? doneText : isHere ? `${pct(m.chance)} · ${hereText}` : pct(m.chance) }));
  });
  return root;
}

// Issue 13 (fcui): "How honest were our forecasts?"
/** Peer markers of the honesty chart: a shape per naive forecaster. */
export const PEER_SHAPES = { runRate: 'square', seasonalNaive: 'diamond', weightedPipeline: 'triangle' };

/** A small marker centred on (x, y): square, diamond or triangle. */
export function marker(shape, x, y, props = {}) {
  const s = 4;
  if (shape === 'square') return svg('rect', { x: r1(x - s), y: r1(y - s), width: 2 * s, height: 2 * s, ...props });
  const d = shape === 'diamond'
    ? `M${r1(x)},${r1(y - s - 1)}L${r1(x + s + 1)},${r1(y)}L${r1(x)},${r1(y + s + 1)}L${r1(x - s - 1)},${r1(y)}Z`
    : `M${r1(x)},${r1(y - s - 1)}L${r1(x + s + 1)},${r1(y + s)}L${r1(x - s - 1)},${r1(y + s)}Z`;
  return svg('path', { d, ...props });
}

/**
 * The past periods' forecasts against what happened: per period
 * `{ key, label, year?, p10, p50, p90, actual, peers: { [name]: expected } }`,
 * a bar from P10 to P90 with the P50 marked, the actual as a dot (hollow
 * and in the warning colour when it fell outside the bar), and the peers'
 * point forecasts as small markers beside it. The axis starts at 0.
 */
export function honestyChart(periods, { title, money, moneyShort, peerNames, actualText }) {
  const W2 = 560, L = 52, R = 8, T = 10, H = 170, B = 34;
  const values = periods.flatMap((p) => [p.p90, p.actual, ...Object.values(p.peers)]).filter(Number.isFinite);
  const top = Math.max(1, ...values);
  // A round top for the axis: 1, 2, 2.5 or 5 times a power of ten.
  const mag = 10 ** Math.floor(Math.log10(top));
  const hi = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((v) => v >= top) || top;
  const y = (v) => T + (1 - Math.max(0, v) / hi) * H;
  const slot = (W2 - L - R) / Math.max(1, periods.length);
  const root = svg('svg', { viewBox: `0 0 ${W2} ${T + H + B}`, role: 'img', 'aria-label': title, 'data-chart': 'honesty' });
  root.append(svg('title', { text: title }));
  const axis = svg('g', { 'data-role': 'axis' });
  for (let k = 0; k <= 4; k++) {
    const v = (hi * k) / 4;
    axis.append(svg('line', { x1: L, y1: r1(y(v)), x2: W2 - R, y2: r1(y(v)), stroke: 'var(--line)' }));
    axis.append(axisText(L - 5, y(v) + 4, moneyShort(v), 'end'));
  }
  root.append(axis);
  const names = Object.keys(PEER_SHAPES);
  periods.forEach((p, i) => {
    const x0 = L + i * slot;
    const bx = x0 + slot * 0.3;
    const g = svg('g', { 'data-period': p.key });
    const inside = p.actual >= p.p10 && p.actual <= p.p90;
    const band = svg('rect', { x: r1(bx - slot * 0.14), y: r1(y(p.p90)), width: r1(slot * 0.28), height: r1(Math.max(1.5, y(p.p10) - y(p.p90))), rx: 2,
      fill: 'var(--accent)', 'fill-opacity': 0.28, stroke: 'var(--accent)', 'data-role': 'band', 'data-p10': p.p10, 'data-p90': p.p90 });
    band.append(svg('title', { text: `${p.title}: P10 ${money(p.p10)} – P90 ${money(p.p90)}, P50 ${money(p.p50)}` }));
    g.append(band);
    g.append(svg('line', { x1: r1(bx - slot * 0.14), x2: r1(bx + slot * 0.14), y1: r1(y(p.p50)), y2: r1(y(p.p50)), stroke: 'var(--accent)', 'stroke-width': 2, 'data-role': 'p50' }));
    const dot = svg('circle', { cx: r1(bx), cy: r1(y(p.actual)), r: 4.5, fill: inside ? 'var(--text)' : 'var(--bg)', stroke: inside ? 'var(--text)' : 'var(--warn)', 'stroke-width': 2,
      'data-role': 'actual', 'data-inside': String(inside), 'data-value': p.actual });
    dot.append(svg('title', { text: `${p.title}: ${actualText} ${money(p.actual)}` }));
    g.append(dot);
    names.forEach((name, j) => {
      const v = p.peers[name];
      if (!Number.isFinite(v)) return;
      const m = marker(PEER_SHAPES[name], x0 + slot * (0.58 + 0.13 * j), y(v), { fill: 'var(--muted)', 'fill-opacity': 0.85, 'data-peer': name, 'data-value': v });
      m.append(svg('title', { text: `${p.title}: ${peerNames[name]} ${money(v)}` }));
      g.append(m);
    });
    g.append(axisText(x0 + slot / 2, T + H + 14, p.label));
    if (p.year) g.append(axisText(x0 + slot / 2, T + H + 27, p.year));
    root.append(g);
  });
  return root;
}
