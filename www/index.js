// The seller calculator: binds the deal form to <stagecast-deal>, keeps it in
// localStorage (tolerant of garbage, full or blocked storage, like the
// scenarios), and links it to the week's meetings: the deal above is the
// Nordic Logistics deal of meeting M1, so both always show the same state.
(function () {
  const KEY = 'stagecast:calculator';
  const DEAL_ID = 'D-101';
  const MAX = 1e12;
  const $ = (id) => document.getElementById(id);
  const calc = $('calculator');
  const week = $('week');
  const { t, translatePage, formatMoney } = Stagecast.i18n;
  const ids = ['deal-label', 'deal-value', 'deal-margin', 'deal-currency', 'deal-locale'];

  // The last good value of each number field: a bad entry never loses it.
  const good = { value: 400000, margin: 120000 };
  let events = [];
  let meetings = null;

  const check = (v) => {
    if (!v || typeof v !== 'object') throw new Error('not an object');
    if (v.events != null && !Array.isArray(v.events)) throw new Error('events: not a list');
    return v;
  };
  const saved = Stagecast.store.load(KEY, check);
  const lang = new URLSearchParams(location.search).get('lang');
  if (saved.value) {
    const v = saved.value;
    if (typeof v.label === 'string') $('deal-label').value = v.label.slice(0, 200);
    for (const k of ['value', 'margin']) {
      if (v[k] === null) $(`deal-${k}`).value = '';
      else if (Number.isFinite(v[k]) && v[k] >= 0 && v[k] <= MAX) $(`deal-${k}`).value = String(v[k]);
    }
    for (const k of ['currency', 'locale']) {
      if ([...$(`deal-${k}`).options].some((o) => o.value === v[k])) $(`deal-${k}`).value = v[k];
    }
    events = (v.events || []).filter((e) => e && typeof e.milestone === 'string').map((e) => ({ milestone: e.milestone }));
  }
  if (lang && [...$('deal-locale').options].some((o) => o.value === lang)) $('deal-locale').value = lang;

  const loc = () => $('deal-locale').value;
  const money = (v) => formatMoney(loc(), $('deal-currency').value, v);
  function say(id, text) {
    $(`${id}-msg`).textContent = text || '';
    if (text) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
  /** A number field: its value when good, else the last good one, with a message at the field. */
  function number(key, { emptyText }) {
    const id = `deal-${key}`;
    const input = $(id);
    if (input.validity.badInput) {
      say(id, t(loc(), 'notNumber', { v: money(good[key]) }));
      return good[key];
    }
    if (input.value === '') {
      good[key] = undefined;
      $(`${id}-msg`).textContent = emptyText || '';
      input.removeAttribute('aria-invalid');
      return undefined;
    }
    const n = Number(input.value);
    if (!Number.isFinite(n) || n > MAX) say(id, t(loc(), 'tooLarge', { max: money(MAX), v: good[key] == null ? '–' : money(good[key]) }));
    else if (n < 0) say(id, t(loc(), 'mustBePositive', { v: good[key] == null ? '–' : money(good[key]) }));
    else {
      say(id, '');
      good[key] = n;
    }
    return good[key];
  }

  function currentDeal() {
    const name = $('deal-label').value.trim();
    const untitled = t(loc(), 'untitled');
    say('deal-label', name ? '' : t(loc(), 'nameEmpty', { name: untitled }));
    return {
      id: DEAL_ID,
      label: name || untitled,
      value: number('value', {}),
      margin: number('margin', { emptyText: t(loc(), 'marginEmpty') }),
      events: calc.value && calc.deal ? calc.value.events : events,
    };
  }

  function persist(deal) {
    Stagecast.store.save(KEY, {
      version: 1, label: $('deal-label').value, value: $('deal-value').value === '' ? null : good.value,
      margin: $('deal-margin').value === '' ? null : good.margin, currency: $('deal-currency').value, locale: loc(), events: deal.events,
    });
  }

  /** The week's meetings with the calculator's deal in place of the same deal. */
  function link(deal) {
    if (!meetings) return;
    week.meetings = meetings.map((m) => (m.deal && m.deal.id === DEAL_ID ? { ...m, deal: { ...m.deal, ...deal, label: deal.label } } : m));
  }

  function update() {
    const l = loc();
    document.documentElement.lang = l;
    translatePage(document, l);
    document.title = `stagecast · ${t(l, 'page.nav.calc')}`;
    week.currency = $('deal-currency').value;
    week.locale = l;
    calc.currency = $('deal-currency').value;
    calc.locale = l;
    const deal = currentDeal();
    calc.deal = deal;
    persist(deal);
    link(deal);
  }
  $('deal-form').addEventListener('input', update);
  $('deal-form').addEventListener('submit', (e) => e.preventDefault());
  // A tick in the calculator: keep it, and show it in the meetings.
  calc.addEventListener('stagecast-change', () => {
    const deal = calc.value;
    persist(deal);
    link(deal);
  });
  void ids;
  update();
  fetch('/data/week.json')
    .then((r) => r.json())
    .then((w) => {
      meetings = w.meetings;
      week.plan = w.plan;
      link(calc.value);
    });
})();
