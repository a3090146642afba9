// <stagecast-meetings>, <stagecast-forecast>, <stagecast-calibration>:
// views over the engine's meeting, forecast and evaluation functions. Each
// shows a clear notice when the loaded build lacks the function it needs.
import { StagecastElement, el, svg } from './base.js';
import { formatPercent, formatMoney, formatNumber, wordReason, milestoneNamer, formatChance, formatMoneyShort, formatDate } from './i18n.js';
import { cdfChart, reliabilityChart, honestyChart, marker, PEER_SHAPES } from './charts.js';
import { load, save, PREFIX } from './store.js';

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
/* issue 13 (fcui): the period forecast and the honesty chart */
.parts th small { display: block; font-weight: normal; color: var(--muted); font-size: .85em; white-space: normal; }
.parts tr.total th, .parts tr.total td { font-weight: 650; border-top: 2px solid var(--line); }
.honesty { max-width: 760px; }
ul.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: .85em; color: var(--muted); margin: 4px 0 8px; }
ul.legend li { display: flex; align-items: center; gap: 5px; }
ul.legend svg { width: 14px; height: 14px; }
.stated { font-weight: 600; }
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
      const model = this.engineModel();
      planned = this.fn('meetingPlan')(plan);
      out.append(el('div', { className: 'kpis' },
        kpi(this.t('requiredPerMeeting'), money(this, planned.requiredMarginPerMeeting), 'required'),
        kpi(this.t('meetingsPlanned'), formatNumber(this.loc.tag, planned.meetings), 'meetings'),
        planned.expectedMargin != null ? kpi(this.t('expectedMargin'), money(this, planned.expectedMargin), 'expected') : null,
        planned.gap != null ? kpi(this.t(planned.gap < 0 ? 'surplus' : 'gap'), money(this, Math.abs(planned.gap)), 'gap') : null));
      const meetings = this.prop('meetings') || [];
      ranked = this.engine().rankMeetings(meetings, { deals: this.prop('deals') || [], requiredMarginPerMeeting: planned.requiredMarginPerMeeting });
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
  // every="month": the period forecast (deals = all deals, open and closed)
  // with the back-test; value-by: the attribute whose won deals value an
  // open deal without an amount; months: back-tested months (8);
  // storage-key: where the manager's own target is kept (localStorage).
  static text = ['locale', 'currency', 'target', 'measure', 'every', 'value-by', 'months', 'storage-key'];
  static analysis = true; // distribution, periodForecast, backtest
  static styles() {
    return [CSS];
  }
  get valueBy() { return this.prop('value-by'); }
  set valueBy(v) { this.setProp('value-by', v); }
  get storageKey() { return this.prop('storage-key'); }
  set storageKey(v) { this.setProp('storage-key', v); }
  attributeChanged(name) {
    if (name === 'storage-key') this._targetLoaded = false;
  }
  /** Resolves once what was set has rendered, the period forecast and the back-test included. */
  get updateComplete() {
    return super.updateComplete.then(async (ok) => {
      for (let w = this._work; w; w = this._work === w ? null : this._work) await w;
      return ok && !(this._cache && this._cache.error);
    });
  }
  /** The user's own target, kept under `storage-key` (never a default). */
  _loadTarget() {
    if (this._targetLoaded) return;
    this._targetLoaded = true;
    const key = this.prop('storage-key');
    if (!key) return;
    const saved = load(key, (v) => {
      if (v && typeof v === 'object' && (v.target === null || (typeof v.target === 'number' && Number.isFinite(v.target) && v.target >= 0))) return v;
      throw new Error('not a saved target');
    });
    this._targetMsg = null;
    if (saved.value) this._props.target = saved.value.target == null ? '' : String(saved.value.target);
    else if (saved.broken) this._targetMsg = this.t('pf.targetBroken', { key: saved.setAside || key });
    else if (saved.blocked) this._targetMsg = this.t('pf.targetNotSaved');
  }
  _saveTarget(target) {
    const key = this.prop('storage-key');
    if (!key) return;
    const r = save(key, { version: 1, target: target ?? null });
    this._targetMsg = r.ok ? null : this.t('pf.targetNotSaved');
  }
  /** Scores and forecasts in the analysis worker (issue 14.5), then renders; `every` renders the period forecast. */
  async render() {
    this._loadTarget();
    if (this.prop('every')) return this.renderPeriod();
    const seq = (this._seq = (this._seq || 0) + 1);
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
      const n = Number(input.value);
      if (input.value === '' || (Number.isFinite(n) && n >= 0)) this._saveTarget(input.value === '' ? null : n);
      this._userChange = true;
      this.keepFocus(() => this.render());
    });
    const out = el('section', { 'aria-live': 'polite', 'aria-atomic': 'true' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('forecast') }),
      el('div', { className: 'row' }, el('label', { for: `${u}t`, text: this.t('target') }, input)), out));
    let d;
    let open = [];
    // The worker's answers are used only if no newer render started meanwhile.
    const stale = () => seq !== this._seq;
    try {
      const all = this.prop('deals') || [];
      const isOpen = (x) => !x.status || x.status === 'open';
      // The host's own array when every deal is open: the worker has it already.
      open = all.every(isOpen) ? all : all.filter(isOpen);
      if (!open.length) {
        out.append(el('p', { className: 'muted', 'data-role': 'empty', text: this.t('noOpen') }));
        return;
      }
      out.append(el('p', { className: 'muted', 'data-role': 'busy', text: this.t('working') }));
      // Its own task: the deals are copied to the worker apart from other work.
      await new Promise((r) => setTimeout(r));
      if (stale()) return;
      const scores = await this.analysis('score', [model, open]);
      if (stale()) return;
      const items = open.map((x, i) => ({ amount: amount(x), probability: scores[i].probability }));
      d = await this.analysis('distribution', [items, target == null ? {} : { target }]);
      if (stale()) return;
    } catch (e) {
      if (!stale()) this.showError(e, out);
      return;
    }
    // The model against the sellers' own estimates (as entered, and corrected
    // by what history learned of each seller), when the deals carry them.
    let vs = null;
    if (open.some((x) => Number.isFinite(x.sellerProbability))) {
      try {
        // Same amounts as above.
        const measured = open.map((x) => (x[measure] == null ? { ...x, [measure]: amount(x) } : x));
        vs = await this.analysis('forecast', [model, measured, target == null ? { measure } : { measure, target }]);
        if (stale()) return;
      } catch (e) {
        if (!stale()) this.showError(e, out);
        return;
      }
    }
    out.replaceChildren();
    this._result = d;
    const m = (v) => money(this, v);
    out.append(el('div', { className: 'kpis' },
      kpi(this.t('expected'), m(d.expected), 'expected'), kpi('P10', m(d.p10), 'p10'), kpi('P50', m(d.p50), 'p50'), kpi('P90', m(d.p90), 'p90'),
      d.pAtLeastTarget != null ? kpi(this.t('pAtLeast'), formatChance(this.loc.tag, d.pAtLeastTarget), 'p-target') : null),
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
        withTarget ? el('td', { className: 'num', text: s.pAtLeastTarget == null ? '' : formatChance(this.loc.tag, s.pAtLeastTarget) }) : null));
    }
    return el('div', { 'data-role': 'versus-sellers' }, el('h3', { text: this.t('versusSellers') }),
      el('div', { className: 'scroll', tabindex: 0, role: 'region', 'aria-label': this.t('versusSellers') }, el('table', null, el('thead', null, el('tr', null, ...head)), body)));
  }
  get result() {
    return this._result;
  }

  // ---- issue 13 (fcui): the period forecast and the back-test ----

  /** Options of periodForecast and backtest, from the attributes and the deals' dates. */
  periodOptions() {
    const measure = this.prop('measure') === 'margin' ? 'margin' : 'value';
    const every = 'month';
    const valueBy = this.valueBy || undefined;
    const base = { every, measure, ...(valueBy ? { valueBy } : {}) };
    // The back-test: the last `months` month ends whose next month the data covers.
    const months = Math.max(1, Math.min(60, Math.round(Number(this.prop('months')) || 8)));
    const last = lastDay(this.prop('deals') || []);
    let backtest = base;
    if (last) {
      const [y, m, d] = last.split('-').map(Number);
      const isEnd = d === new Date(Date.UTC(y, m, 0)).getUTCDate();
      const toMonth = y * 12 + (m - 1) - (isEnd ? 1 : 2);
      backtest = { ...base, from: monthEnd(toMonth - (months - 1)), to: monthEnd(toMonth) };
    }
    return { forecast: base, backtest };
  }

  /**
   * The period forecast and the back-test for the current inputs, computed
   * once per change of the model, the deals or the options (not per target:
   * the chance of a target is read off the forecast's CDF), after the page
   * has painted, so the board shows what it is doing meanwhile.
   */
  _period() {
    const key = [this._props.model ?? this.getAttribute('model'), this._props.deals ?? this.getAttribute('deals'), this.prop('measure'), this.valueBy, this.prop('months')];
    const c = this._cache;
    if (c && c.key.every((v, i) => v === key[i])) return c;
    const gen = (this._gen = (this._gen || 0) + 1);
    const cache = (this._cache = { key, forecast: null, backtest: null, error: null, backtestError: null, busy: 'forecast' });
    const model = this.currentModel();
    const deals = this.prop('deals') || [];
    const opts = this.periodOptions();
    const later = () => new Promise((r) => setTimeout(r, 0));
    // The period view renders synchronously (render() is async, and its
    // errors would escape the catch below as a rejected promise).
    const rerender = () => {
      if (gen !== this._gen || !this._connected) return;
      try {
        this.keepFocus(() => this.renderPeriod());
      } catch (e) {
        this.showError(e);
      }
    };
    // The forecast, then its back-test, each in the analysis worker (issue
    // 14.5: the page stays responsive), each shown as soon as it is done.
    const steps = [
      ['periodForecast', opts.forecast, 'forecast', 'error', 'backtest'],
      ['backtest', opts.backtest, 'backtest', 'backtestError', null],
    ];
    this._work = (async () => {
      for (const [fn, options, result, error, next] of steps) {
        await later();
        if (gen !== this._gen) return;
        try {
          cache[result] = await this.analysis(fn, [model, deals, options]);
        } catch (e) {
          cache[error] = e;
        }
        cache.busy = next;
        rerender();
      }
    })();
    return cache;
  }

  renderPeriod() {
    const u = this._uid;
    const tag = this.loc.tag;
    const m = (v) => money(this, v);
    const t = this.prop('target');
    const target = t == null || t === '' || !Number.isFinite(Number(t)) || Number(t) < 0 ? undefined : Number(t);
    if (!(this.prop('deals') || []).length) {
      // Nothing to learn from yet (the host sets the deals, e.g. after an import).
      this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('pf.title') }),
        el('p', { className: 'muted', 'data-role': 'empty', text: this.t('pf.empty') })));
      this._result = null;
      return;
    }
    const cache = this._period();
    const f = cache.forecast;
    const bt = cache.backtest;
    // The periods to pick: the one ahead, then the back-tested ones, latest first.
    const choices = [];
    if (f) choices.push({ key: f.start, forecast: f, label: this.t('pf.next', { month: formatDate(tag, f.start, true) }) });
    if (bt) {
      bt.periods.forEach((p, i) => {
        const fc = bt.forecasts[i];
        if (fc) choices.unshift({ key: p.start, forecast: fc, period: p, label: this.t('pf.past', { month: formatDate(tag, p.start, true) }) });
      });
      choices.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    }
    let chosen = choices.find((c) => c.key === this._chosen) || choices.find((c) => f && c.key === f.start) || choices[0];
    const picker = el('select', { id: `${u}p`, 'data-field': 'period', disabled: choices.length ? null : true });
    for (const c of choices) picker.append(el('option', { value: c.key, text: c.label, selected: chosen === c }));
    picker.addEventListener('change', () => {
      this._chosen = picker.value;
      this._userChange = true;
      this.keepFocus(() => this.renderPeriod());
    });
    const input = el('input', { type: 'number', id: `${u}t`, min: 0, step: 1000, value: this._typed ?? target ?? '', 'data-field': 'target', 'aria-describedby': `${u}tm` });
    const bad = this._targetBad;
    if (bad) input.setAttribute('aria-invalid', 'true');
    input.addEventListener('change', () => {
      const raw = input.value.trim();
      const n = Number(raw);
      this._typed = input.value;
      this._targetBad = raw !== '' && (!Number.isFinite(n) || n < 0);
      if (!this._targetBad) {
        this._typed = undefined;
        this._props.target = raw;
        this._saveTarget(raw === '' ? null : n);
        this._userChange = true;
      }
      this.keepFocus(() => this.renderPeriod());
    });
    const msg = el('span', { className: 'field-msg', id: `${u}tm`, 'data-role': 'target-msg', 'aria-live': 'polite',
      text: bad ? this.t('pf.targetBad', { v: target == null ? '–' : m(target) }) : this._targetMsg || '' });
    const out = el('section', { 'aria-live': 'polite' });
    const honesty = el('section', { 'data-role': 'honesty' });
    this._root.replaceChildren(el('div', { className: 'card', part: 'card' }, el('h2', { text: this.t('pf.title') }),
      el('div', { className: 'row' },
        el('label', { for: `${u}p`, text: this.t('pf.period') }, picker),
        el('label', { for: `${u}t`, text: this.t('pf.target') }, input, msg)),
      out, honesty));
    if (cache.error) {
      this.showError(cache.error, out);
    } else if (!chosen) {
      out.append(el('p', { className: 'muted', 'data-role': 'computing', text: this.t('pf.computing') }));
    } else {
      out.append(this.periodView(chosen, target));
    }
    this.honestyView(honesty, cache);
    const chance = chosen && !chosen.period && target != null ? chanceAtLeast(chosen.forecast, target) : undefined;
    this._result = { period: chosen ? chosen.forecast : null, actual: chosen && chosen.period ? chosen.period.actual : undefined, target, pAtLeastTarget: chance, backtest: bt };
    if (this._userChange) this.emit(this._result);
    this._userChange = false;
  }

  /** The three parts with their ranges and the total; the chance of the target for the period ahead; the actual for a past one. */
  periodView(c, target) {
    const tag = this.loc.tag;
    const m = (v) => money(this, v);
    const f = c.forecast;
    const cell = (v, role) => el('td', { className: 'num', 'data-role': role, text: m(v) });
    const row = (part, label, note, r) => el('tr', { 'data-part': part, className: part === 'total' ? 'total' : null },
      el('th', { scope: 'row' }, el('span', { text: label }), note ? el('small', { text: note }) : null),
      cell(r.expected, 'expected'), cell(r.p10, 'p10'), cell(r.p90, 'p90'));
    const head = el('tr', null, el('th', { scope: 'col', text: this.t('pf.part') }), el('th', { className: 'num', scope: 'col', text: this.t('pf.expected') }),
      el('th', { className: 'num', scope: 'col', text: 'P10' }), el('th', { className: 'num', scope: 'col', text: 'P90' }));
    const nb = f.newBusiness;
    const body = el('tbody', null,
      row('won', this.t('pf.won'), this.t('pf.wonNote'), f.wonSoFar),
      row('open', this.t('pf.open'), this.t('pf.openNote', { n: formatNumber(tag, f.open.deals) }), f.open),
      row('new', this.t('pf.new'), this.t('pf.newNote', { n: formatNumber(tag, nb.expectedDeals), share: formatPercent(tag, nb.winShare) }), nb),
      row('total', this.t('pf.total'), null, f.total));
    const wrap = el('div', { 'data-role': 'period', 'data-start': f.start, 'data-end': f.end });
    const kpis = el('div', { className: 'kpis' });
    if (c.period) {
      const p = c.period;
      const inside = p.actual >= f.total.p10 && p.actual <= f.total.p90;
      kpis.append(kpi(this.t('pf.actual'), m(p.actual), 'actual'),
        el('div', { className: 'kpi' }, el('span', { className: 'muted', text: ' ' }), el('b', { 'data-role': 'inside', 'data-inside': String(inside), text: this.t(inside ? 'pf.inside' : 'pf.outside') })));
    } else if (target != null) {
      kpis.append(kpi(this.t('pf.chance'), formatChance(tag, chanceAtLeast(f, target)), 'p-target'));
    } else {
      kpis.append(el('p', { className: 'muted', 'data-role': 'no-target', text: this.t('pf.targetNone') }));
    }
    wrap.append(
      el('p', { className: 'muted', 'data-role': 'as-of', text: this.t('pf.asOf', { date: formatDate(tag, f.asOf), start: formatDate(tag, f.start), end: formatDate(tag, f.end) }) }),
      kpis,
      el('div', { className: 'scroll', tabindex: 0, role: 'region', 'aria-label': this.t('pf.title') },
        el('table', { className: 'parts', part: 'period-parts' }, el('thead', null, head), body)));
    if (f.points && f.points.length) {
      wrap.append(el('div', { className: 'chart', part: 'chart period-chart' },
        // Drawn up to the 99.9% point: the last point (the most the total could be) is far out.
        cdfChart({ ...f.total, points: f.points.length > 2 ? f.points.slice(0, -1) : f.points }, { title: this.t('pf.distribution'), money: m, target, labels: { target: this.t('target') } })));
    }
    wrap.append(el('p', { className: 'muted', 'data-role': 'spread', text: f.spread.learned && f.spread.months > 0 ? this.t('pf.spread', { n: formatNumber(tag, f.spread.months) }) : this.t('pf.spreadNone') }),
      el('p', { className: 'muted', 'data-role': 'measure', text: this.t(this.prop('measure') === 'margin' ? 'pf.measure.margin' : 'pf.measure.value') }));
    return wrap;
  }

  /** "How honest were our forecasts?": the back-test's bands and actuals, the peers beside them, and the scores stated. */
  honestyView(into, cache) {
    const tag = this.loc.tag;
    const m = (v) => money(this, v);
    into.append(el('h3', { text: this.t('hon.title') }));
    const bt = cache.backtest;
    if (!bt) {
      if (cache.backtestError) this.showError(cache.backtestError, into.appendChild(el('div')));
      else if (!cache.error) into.append(el('p', { className: 'muted', 'data-role': 'backtesting', text: this.t('pf.backtesting') }));
      return;
    }
    const withRange = bt.periods.filter((p) => p.p10 != null && p.p90 != null);
    if (!withRange.length) {
      into.append(el('p', { className: 'muted', 'data-role': 'no-backtest', text: this.t('hon.none') }));
      return;
    }
    const names = Object.keys(PEER_SHAPES);
    const peerNames = Object.fromEntries(names.map((n) => [n, this.t(`hon.${n}`)]));
    const peerAt = Object.fromEntries(bt.peers.map((p) => [p.name, new Map(p.periods.map((x) => [x.asOf, x.expected]))]));
    let year = null;
    const rows = withRange.map((p) => {
      const y = p.start.slice(0, 4);
      const label = formatDate(tag, p.start, true);
      const short = safeMonth(tag, p.start);
      const shown = y !== year ? y : null;
      year = y;
      return { key: p.start.slice(0, 7), title: label, label: short, year: shown, p10: p.p10, p50: p.p50, p90: p.p90, actual: p.actual,
        peers: Object.fromEntries(names.map((n) => [n, peerAt[n] ? peerAt[n].get(p.asOf) : undefined])) };
    });
    const s = bt.summary;
    const pctText = (v) => formatPercent(tag, v);
    const legend = el('ul', { className: 'legend', 'aria-hidden': 'true' },
      el('li', null, svg('svg', { viewBox: '0 0 14 14', role: 'img', 'aria-label': this.t('hon.band') }, svg('rect', { x: 4, y: 1, width: 6, height: 12, rx: 1, fill: 'var(--accent)', 'fill-opacity': 0.28, stroke: 'var(--accent)' })), el('span', { text: this.t('hon.band') })),
      el('li', null, svg('svg', { viewBox: '0 0 14 14', role: 'img', 'aria-label': this.t('hon.actual') }, svg('circle', { cx: 7, cy: 7, r: 4.5, fill: 'var(--text)' })), el('span', { text: this.t('hon.actual') })),
      ...names.map((n) => el('li', null, svg('svg', { viewBox: '0 0 14 14', role: 'img', 'aria-label': peerNames[n] }, marker(PEER_SHAPES[n], 7, 7, { fill: 'var(--muted)' })), el('span', { text: peerNames[n] }))));
    const covered = s.covered ?? 0;
    into.append(
      el('p', { className: 'muted', text: this.t('hon.lead') }),
      el('p', { className: 'stated', 'data-role': 'coverage', 'data-covered': covered, 'data-periods': s.periods,
        text: this.t('hon.coverage', { covered: formatNumber(tag, covered), n: formatNumber(tag, s.periods), pct: pctText(s.coverage ?? 0) }) }),
      el('p', { 'data-role': 'scores', text: this.t('hon.scores', { mape: pctText(s.mape), crps: m(s.crps) }) }),
      el('div', { className: 'chart honesty', part: 'chart honesty-chart' },
        honestyChart(rows, { title: this.t('hon.title'), money: m, moneyShort: (v) => formatMoneyShort(tag, this.currency || 'EUR', v), peerNames, actualText: this.t('hon.actual') })),
      legend);
    // The scores, the engine's and the peers'.
    const head = el('tr', null, ...[['hon.forecaster', ''], ['hon.months', 'num'], ['hon.inside', 'num'], ['hon.mape', 'num'], ['hon.crps', 'num']]
      .map(([k, c]) => el('th', { scope: 'col', className: c || null, text: this.t(k) })));
    const body = el('tbody');
    const line = (key, label, sc) => body.append(el('tr', { 'data-forecaster': key }, el('th', { scope: 'row', text: label }),
      el('td', { className: 'num', text: formatNumber(tag, sc.periods) }),
      el('td', { className: 'num', 'data-role': 'inside', text: sc.covered == null ? '–' : this.t('hon.ofMonths', { covered: formatNumber(tag, sc.covered), n: formatNumber(tag, sc.periods) }) }),
      el('td', { className: 'num', 'data-role': 'mape', text: pctText(sc.mape) }),
      el('td', { className: 'num', 'data-role': 'crps', text: m(sc.crps) })));
    line('engine', this.t('hon.engine'), s);
    for (const p of bt.peers) if (p.summary.periods) line(p.name, peerNames[p.name] || p.name, p.summary);
    into.append(el('div', { className: 'scroll', tabindex: 0, role: 'region', 'aria-label': this.t('hon.tableLabel') },
      el('table', { part: 'honesty-scores' }, el('thead', null, head), body)));
  }
}

/** The latest date in the deals (`YYYY-MM-DD`): their events' dates and the close dates of closed deals, as the engine reads them. */
function lastDay(deals) {
  let last = '';
  const see = (d) => {
    if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}/.test(d) && d.slice(0, 10) > last) last = d.slice(0, 10);
  };
  for (const x of deals) {
    for (const e of x.events || []) see(e.date);
    if (x.status === 'won' || x.status === 'lost') see(x.closeDate);
  }
  return last || null;
}

/** The last day of month `k` (year × 12 + month index) as `YYYY-MM-DD`. */
function monthEnd(k) {
  const d = new Date(Date.UTC(Math.floor(k / 12), (k % 12) + 1, 0));
  return d.toISOString().slice(0, 10);
}

/** A month's short name ("May"). */
function safeMonth(tag, iso) {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  try {
    return new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' }).format(d);
  } catch {
    return new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'UTC' }).format(d);
  }
}

/**
 * P(total >= target) read off the period forecast's CDF (`points`, linear
 * between them): 1 at or below what is already won, 0 above the most the
 * total can be, strictly between them inside.
 */
export function chanceAtLeast(f, target) {
  const pts = f.points || [];
  if (!(target > f.wonSoFar.expected)) return 1;
  if (!pts.length) return undefined;
  const last = pts[pts.length - 1];
  if (target >= last.amount) return 0;
  if (target <= pts[0].amount) return Math.min(1 - 1e-9, 1 - pts[0].cdf);
  let i = 1;
  while (i < pts.length - 1 && pts[i].amount < target) i++;
  const a = pts[i - 1], b = pts[i];
  const cdf = a.cdf + ((b.cdf - a.cdf) * (target - a.amount)) / (b.amount - a.amount || 1);
  return Math.min(1 - 1e-9, Math.max(1e-9, 1 - cdf));
}

/** <stagecast-calibration>: the reliability diagram and Brier scores (model, priors, sellers' own guesses, each seller). */
export class StagecastCalibration extends StagecastElement {
  static json = ['model', 'history'];
  static text = ['locale'];
  static styles() {
    return [CSS];
  }
  /** Evaluates in the analysis worker (issue 14.5), then renders. */
  async render() {
    const seq = (this._seq = (this._seq || 0) + 1);
    const stale = () => seq !== this._seq;
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
    // Long calibrations (cross-validation calibrates k times) say what they do.
    const busy = el('p', { className: 'muted', role: 'status', 'data-role': 'busy', text: this.t('evaluating', { n: formatNumber(this.loc.tag, history.length) }) });
    out.append(busy);
    try {
      // In the worker: the cross-validated (or in-sample) figures, each
      // seller's Brier from one evaluation (`bySeller`: the model read once,
      // not once per seller) and the sellers' skills.
      const k = 5;
      const cv = learned && !thin;
      // Its own task: the history is copied to the worker apart from other work.
      await new Promise((r) => setTimeout(r));
      if (stale()) return;
      const board = await this.analysis('scoreboard', [model, history, { k, crossValidate: cv, skills: !!model.calibration }]);
      if (stale()) return;
      const own = board.evaluation;
      const skillList = board.skills;
      ev = cv ? board.crossValidated : own;
      method = cv ? this.t('cvMethod', { k }) : learned ? null : this.t('priorMethod');
      const counts = new Map();
      for (const d of history) if (d.seller) counts.set(d.seller, (counts.get(d.seller) || 0) + 1);
      const brier = new Map((own.bySeller || []).map((x) => [x.seller, x.brier]));
      // Where each seller converts better or worse than the team (a learned
      // calibration only): the milestones whose 90% interval excludes the team's rate.
      const skills = new Map();
      for (const s of skillList) skills.set(s.seller, s.milestones.filter((x) => x.verdict !== 'similar'));
      for (const [seller, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
        bySeller.push({ seller, n, brier: brier.get(seller), skills: skills.get(seller) || [] });
      }
    } catch (e) {
      if (!stale()) this.showError(e, out);
      return;
    }
    busy.remove();
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
