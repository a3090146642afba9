// <stagecast-meetings>, <stagecast-forecast>, <stagecast-calibration>:
// views over the engine's meeting, forecast and evaluation functions. Each
// shows a clear notice when the loaded build lacks the function it needs.
import { StagecastElement, el } from './base.js';
import { formatPercent, formatMoney, formatNumber, wordReason, milestoneNamer } from './i18n.js';
import { cdfChart, reliabilityChart } from './charts.js';

const CSS = `
.row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin: 0 0 10px; }
.row label { display: flex; flex-direction: column; gap: 3px; font-size: .88em; color: var(--muted); }
ol.ranked > li { border-top: 1px solid var(--line); padding: 8px 0; }
.mhead { display: flex; justify-content: space-between; gap: 10px; flex-wrap: wrap; }
.mhead b { overflow-wrap: anywhere; }
.money { font-variant-numeric: tabular-nums; font-weight: 650; color: var(--accent); white-space: nowrap; }
ul.checks { margin: 4px 0 0; font-size: .88em; }
ul.checks li { display: grid; grid-template-columns: 1.3em 1fr; }
ul.checks li.fail { color: var(--warn); }
ul.checks li.unknown { color: var(--muted); }
.field-msg { display: block; color: var(--warn); font-size: .9em; }
.field-msg:empty { display: none; }
.chart { max-width: 520px; }
svg[data-chart=reliability] { max-width: 340px; }
.scroll.sellers { max-height: 22em; overflow-y: auto; }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 280px), 1fr)); gap: 18px; }
`;

const money = (self, v) => formatMoney(self.loc.tag, self.currency || 'EUR', v);
const pct = (self, v) => formatPercent(self.loc.tag, v);

function kpi(label, value, role) {
  return el('div', { className: 'kpi' }, el('span', { className: 'muted', text: label }), el('b', { 'data-role': role, text: value }));
}

/** <stagecast-meetings>: budget → required margin per meeting, and the week's meetings ranked by value with their quality checks. */
export class StagecastMeetings extends StagecastElement {
  static json = ['model', 'deals', 'meetings', 'plan'];
  static text = ['locale', 'currency'];
  static styles() {
    return [CSS];
  }
  render() {
    const u = this._uid;
    const model = this.currentModel();
    const plan = { ...(this.prop('plan') || {}) };
    if (this._budget != null) plan.marginBudget = this._budget;
    const budget = el('input', { type: 'number', id: `${u}b`, min: 0, step: 10000, value: this._typed ?? plan.marginBudget ?? '', 'data-field': 'marginBudget', 'aria-describedby': `${u}bm` });
    // A budget of 0 or below measures nothing: say so at the field and keep the last good one.
    const msg = el('span', { className: 'field-msg', id: `${u}bm`, 'data-role': 'budget-msg', 'aria-live': 'polite', text: this._budgetBad ? this.t('budgetMsg') : '' });
    if (this._budgetBad) budget.setAttribute('aria-invalid', 'true');
    budget.addEventListener('change', () => {
      const n = Number(budget.value);
      this._typed = budget.value;
      this._budgetBad = budget.value === '' || !Number.isFinite(n) || n <= 0;
      if (!this._budgetBad) this._budget = n;
      this._userChange = true;
      this.keepFocus(() => this.render());
    });
    const out = el('section', { 'aria-live': 'polite' });
    const card = el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('plan') }),
      el('div', { className: 'row' }, el('label', { for: `${u}b`, text: this.t('budget') }, budget, msg)), out);
    this._root.replaceChildren(card);
    if (!this.prop('plan')) {
      // No plan handed over yet (the host sets it, e.g. after a fetch): say
      // what is needed rather than show an error.
      out.append(el('p', { className: 'muted', 'data-role': 'enter-budget', text: this.t('enterBudget') }));
      return;
    }
    let planned;
    let ranked;
    try {
      planned = this.fn('meetingPlan')(plan);
      out.append(el('div', { className: 'kpis' },
        kpi(this.t('requiredPerMeeting'), money(this, planned.requiredMarginPerMeeting), 'required'),
        kpi(this.t('meetingsPlanned'), formatNumber(this.loc.tag, planned.meetings), 'meetings'),
        planned.expectedMargin != null ? kpi(this.t('expectedMargin'), money(this, planned.expectedMargin), 'expected') : null,
        planned.gap != null ? kpi(this.t(planned.gap < 0 ? 'surplus' : 'gap'), money(this, Math.abs(planned.gap)), 'gap') : null));
      const meetings = this.prop('meetings') || [];
      ranked = this.fn('rankMeetings')(model, meetings, { deals: this.prop('deals') || [], requiredMarginPerMeeting: planned.requiredMarginPerMeeting });
      const deals = new Map((this.prop('deals') || []).map((d) => [d.id, d]));
      const nameOf = milestoneNamer(this.loc.key, model);
      const labels = new Map(model.milestones.map((m) => [m.id, nameOf(m.id)]));
      const list = el('ol', { className: 'ranked', part: 'meetings' });
      for (const r of ranked) {
        const m = meetings[r.index] || {};
        const deal = m.deal || deals.get(r.dealId) || {};
        const title = `${r.rank}. ${m.label || deal.label || r.dealId}`;
        const target = r.targetMilestone ? labels.get(r.targetMilestone) || r.targetMilestone : null;
        const checks = el('ul', { className: 'checks' });
        for (const k of ['rightCustomer', 'rightPeople', 'prepared']) {
          // status: pass, fail or unknown (not checked: not a pass); the
          // reason is a code worded here, milestones by their labels.
          const c = r.checks[k];
          const icon = { pass: '✓', fail: '✗' }[c.status] || '?';
          const label = (id) => labels.get(id) || id;
          const head = c.status === 'unknown' ? `${this.t(k)} (${this.t('checkUnknown')})` : this.t(k);
          checks.append(el('li', { className: c.status, 'data-check': k, 'data-status': c.status, 'data-code': c.reason.code },
            el('span', { 'aria-hidden': 'true', text: icon }),
            el('span', { text: `${head}: ${wordReason(this.loc, c.reason, label)}` })));
        }
        // Worth the time only when it brings something and the plan asks for something.
        const worth = r.worthIt == null || this._budgetBad || !(planned.requiredMarginPerMeeting > 0) ? null : r.worthIt && r.value > 0;
        list.append(el('li', { 'data-meeting': r.index, 'data-deal': r.dealId },
          el('div', { className: 'mhead' }, el('b', { text: title }), el('span', { className: 'money', 'data-role': 'value', text: money(this, r.value) })),
          el('div', { className: 'muted', text: [target, worth == null ? null : worth ? this.t('worthIt') : this.t('notWorthIt')].filter(Boolean).join(' · ') }),
          checks));
      }
      out.append(el('h3', { text: this.t('meetings') }), list);
    } catch (e) {
      this.showError(e, out);
      return;
    }
    this._result = { plan: planned, ranked };
    if (this._userChange) this.emit(this._result);
    this._userChange = false;
  }
  get result() {
    return this._result;
  }
}

/** <stagecast-forecast>: the range of the open pipeline's total, P10/P50/P90, and the chance of reaching a target. */
export class StagecastForecast extends StagecastElement {
  static json = ['model', 'deals'];
  static text = ['locale', 'currency', 'target', 'measure'];
  static analysis = true; // distribution
  static styles() {
    return [CSS];
  }
  render() {
    const u = this._uid;
    const model = this.currentModel();
    const measure = this.prop('measure') === 'value' ? 'value' : 'margin';
    /** A deal's amount: the measure (margin by default), else its value. */
    const amount = (x) => x[measure] ?? x.value ?? 0;
    const t = this.prop('target');
    const target = t == null || t === '' || !Number.isFinite(Number(t)) ? undefined : Number(t);
    const input = el('input', { type: 'number', id: `${u}t`, min: 0, step: 1000, value: target ?? '', 'data-field': 'target' });
    input.addEventListener('change', () => {
      this._props.target = input.value;
      this._userChange = true;
      this.keepFocus(() => this.render());
    });
    const out = el('section', { 'aria-live': 'polite', 'aria-atomic': 'true' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('forecast') }),
      el('div', { className: 'row' }, el('label', { for: `${u}t`, text: this.t('target') }, input)), out));
    let d;
    let open = [];
    try {
      open = (this.prop('deals') || []).filter((x) => !x.status || x.status === 'open');
      const scores = open.length ? this.api.scoreDeals(model, open) : [];
      const items = open.map((x, i) => ({ amount: amount(x), probability: scores[i].probability }));
      if (!items.length) {
        out.append(el('p', { className: 'muted', 'data-role': 'empty', text: this.t('noOpen') }));
        return;
      }
      d = this.fn('distribution')(items, target == null ? {} : { target });
    } catch (e) {
      this.showError(e, out);
      return;
    }
    // The model against the sellers' own estimates (as entered, and corrected
    // by what history learned of each seller), when the deals carry them.
    let vs = null;
    if (open.some((x) => Number.isFinite(x.sellerProbability))) {
      try {
        // Same amounts as above.
        const measured = open.map((x) => (x[measure] == null ? { ...x, [measure]: amount(x) } : x));
        vs = this.fn('forecast')(model, measured, target == null ? { measure } : { measure, target });
      } catch (e) {
        this.showError(e, out);
        return;
      }
    }
    this._result = d;
    const m = (v) => money(this, v);
    out.append(el('div', { className: 'kpis' },
      kpi(this.t('expected'), m(d.expected), 'expected'), kpi('P10', m(d.p10), 'p10'), kpi('P50', m(d.p50), 'p50'), kpi('P90', m(d.p90), 'p90'),
      d.pAtLeastTarget != null ? kpi(this.t('pAtLeast'), pct(this, d.pAtLeastTarget), 'p-target') : null),
    el('div', { className: 'chart', part: 'chart forecast-chart' }, cdfChart(d, { title: this.t('forecast'), money: m, target, labels: { target: this.t('target') } })));
    if (vs) out.append(this.versusSellers(vs, target != null));
    this._result = vs ? { ...d, versusSellers: vs } : d;
    // Only the user's own change of the target fires, once.
    if (this._userChange) this.emit(this._result);
    this._userChange = false;
  }
  /** A table: expected value and range of the model, the sellers as entered and corrected. */
  versusSellers(f, withTarget) {
    const m = (v) => money(this, v);
    const head = ['view', 'expected', 'P10', 'P50', 'P90', ...(withTarget ? ['pAtLeast'] : [])]
      .map((k, i) => el('th', { className: i ? 'num' : '', scope: 'col', text: k.startsWith('P') && k.length === 3 ? k : this.t(k) }));
    const body = el('tbody');
    for (const [key, label, s] of [['model', this.t('model'), f.model], ['sellersRaw', this.t('sellersOwn'), f.sellersRaw], ['sellersCorrected', this.t('sellersCorrected'), f.sellersCorrected]]) {
      if (!s) continue;
      body.append(el('tr', { 'data-view': key }, el('th', { scope: 'row', text: label }),
        ...[s.expected, s.p10, s.p50, s.p90].map((v) => el('td', { className: 'num', text: m(v) })),
        withTarget ? el('td', { className: 'num', text: s.pAtLeastTarget == null ? '' : pct(this, s.pAtLeastTarget) }) : null));
    }
    return el('div', { 'data-role': 'versus-sellers' }, el('h3', { text: this.t('versusSellers') }),
      el('div', { className: 'scroll', tabindex: 0, role: 'region', 'aria-label': this.t('versusSellers') }, el('table', null, el('thead', null, el('tr', null, ...head)), body)));
  }
  get result() {
    return this._result;
  }
}

/** <stagecast-calibration>: the reliability diagram and Brier scores (model, priors, sellers' own guesses, each seller). */
export class StagecastCalibration extends StagecastElement {
  static json = ['model', 'history'];
  static text = ['locale'];
  static analysis = true; // evaluate
  static styles() {
    return [CSS];
  }
  render() {
    const model = this.currentModel();
    const history = this.prop('history') || [];
    const out = el('section', { 'aria-live': 'polite' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('calibration') }), out));
    let ev;
    const bySeller = [];
    if (!history.length) {
      out.append(el('p', { className: 'muted', 'data-role': 'empty', text: this.t('noClosed') }));
      return;
    }
    // Which figures: a calibrated model with enough history is scored by
    // cross-validation (each deal by a model that did not see it); with too
    // little history, in sample with the notice; the priors are out of sample.
    const MIN = 30;
    const learned = !!model.calibration;
    const thin = learned && history.length < MIN;
    let method;
    try {
      const evaluate = this.fn('evaluate');
      if (learned && !thin) {
        const k = 5;
        ev = this.fn('crossValidate')(model, history, k, {});
        method = this.t('cvMethod', { k });
      } else {
        ev = evaluate(model, history);
        method = learned ? null : this.t('priorMethod');
      }
      const groups = new Map();
      for (const d of history) if (d.seller) groups.set(d.seller, [...(groups.get(d.seller) || []), d]);
      // Where each seller converts better or worse than the team (a learned
      // calibration only): the milestones whose 90% interval excludes the team's rate.
      const skills = new Map();
      if (model.calibration) {
        for (const s of this.fn('sellerSkills')(model)) skills.set(s.seller, s.milestones.filter((x) => x.verdict !== 'similar'));
      }
      for (const [seller, deals] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
        bySeller.push({ seller, n: deals.length, brier: evaluate(model, deals).brier, skills: skills.get(seller) || [] });
      }
    } catch (e) {
      this.showError(e, out);
      return;
    }
    const p = (v) => pct(this, v);
    const b3 = (v) => formatNumber(this.loc.tag, v, 3);
    const withSkills = bySeller.some((s) => s.skills.length);
    const label = milestoneNamer(this.loc.key, model);
    const skillText = (list) => list.map((x) => `${x.verdict === 'better' ? '▲' : '▼'} ${label(x.milestone)} ${p(x.rate)} (${this.t('team')} ${p(x.teamRate)})`).join('; ');
    const table = el('table', null, el('thead', null, el('tr', null, el('th', { text: this.t('seller') }), el('th', { className: 'num', text: this.t('deals') }), el('th', { className: 'num', text: 'Brier' }),
      withSkills ? el('th', { text: this.t('skills') }) : null)));
    const body = el('tbody');
    for (const s of bySeller) body.append(el('tr', { 'data-seller': s.seller }, el('td', { text: s.seller }), el('td', { className: 'num', text: formatNumber(this.loc.tag, s.n) }), el('td', { className: 'num', text: b3(s.brier) }),
      withSkills ? el('td', { 'data-role': 'skills', text: skillText(s.skills) }) : null));
    table.append(body);
    const v = ev.versus || {};
    // The calibration's leakage guard: milestones or attributes that give
    // the outcome away, or a Brier score no real team reaches.
    const warnings = (model.calibration && model.calibration.warnings) || [];
    if (warnings.length) {
      const list = el('ul', { className: 'why' });
      for (const w of warnings) list.append(el('li', { 'data-warning': w.code, text: this.warningText(w, label) }));
      out.append(el('div', { className: 'notice', role: 'status', 'data-role': 'warnings' }, el('b', { text: this.t('calWarnings') }), list));
    }
    if (thin) out.append(el('p', { className: 'notice', role: 'status', 'data-role': 'insufficient', text: this.t('insufficient', { n: formatNumber(this.loc.tag, history.length), min: MIN }) }));
    if (method) out.append(el('p', { className: 'muted', 'data-role': 'method', text: method }));
    out.append(el('div', { className: 'two' },
      el('div', { className: 'chart', part: 'chart reliability-chart' }, el('h3', { text: this.t('reliability') }), reliabilityChart(ev.reliability || [], { title: this.t('reliability'), xLabel: this.t('predicted'), yLabel: this.t('observed'), pct: p })),
      el('div', null, el('h3', { text: this.t('brier') }),
        el('div', { className: 'kpis' }, kpi(this.t('model'), b3(ev.brier), 'brier'),
          v.priors ? kpi(this.t('priors'), b3(v.priors.brier), 'brier-priors') : null,
          v.sellerProbability ? kpi(this.t('sellersOwn'), b3(v.sellerProbability.brier), 'brier-sellers') : null),
        bySeller.length ? el('h3', { text: this.t('bySeller') }) : null,
        bySeller.length && learned ? el('p', { className: 'muted', 'data-role': 'in-sample', text: this.t('inSample') }) : null,
        bySeller.length ? el('div', { className: 'scroll sellers', tabindex: 0, role: 'region', 'aria-label': this.t('bySeller') }, table) : null)));
    // No user input here: nothing to fire; hosts read `result` after `updateComplete`.
    this._result = { ...ev, bySeller, crossValidated: learned && !thin };
  }
  /** One calibration warning (`{ code, ... }` from the engine), worded. */
  warningText(w, label = (id) => id) {
    const p = (v) => pct(this, v);
    const num = (v, d) => formatNumber(this.loc.tag, v, d);
    const vars = { ...w };
    for (const k of ['wonShare', 'lostShare']) if (w[k] != null) vars[k] = p(w[k]);
    if (w.deals != null) vars.deals = num(w.deals);
    if (w.milestone != null) vars.milestone = label(w.milestone);
    vars.value = w.value != null ? ` = “${w.value}”` : '';
    for (const k of ['brier', 'baseBrier']) if (w[k] != null) vars[k] = num(w[k], 3);
    for (const k of ['skill', 'maxSkill']) if (w[k] != null) vars[k] = num(w[k], 2);
    const text = this.t(`warn_${w.code}`, vars);
    return w.excluded == null ? text : `${text} ${this.t(w.excluded ? 'warn_excluded' : 'warn_kept')}`;
  }
  get result() {
    return this._result;
  }
}
