// The manager board: loads the Maven example pipeline through the CSV
// import (the engine's parseCsv with the "maven" preset), calibrates the
// model on the closed deals, forecasts the next month from all the deals
// (won so far, open pipeline, new business) with the back-test of past
// months, and re-does both when the user imports another file. Open Maven
// deals have no close value: the engine values them at what won deals of
// their product were won for (value-by="product"). The manager's own target
// is kept by the forecast element (localStorage), never set here.
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $('board-status');
  const importer = $('import');
  const say = (text) => { status.textContent = text; };
  // The page's language: ?lang=nb (en, nb, sv, da), else the page's own.
  const lang = new URLSearchParams(location.search).get('lang');
  if (['en', 'nb', 'sv', 'da'].includes(lang)) document.documentElement.lang = lang;
  const loc = document.documentElement.lang || 'en';
  const tr = (k, vars) => Stagecast.i18n.t(loc, k, vars);
  const n = (v) => Stagecast.i18n.formatNumber(loc, v);
  Stagecast.i18n.translatePage(document, loc);
  document.title = `stagecast · ${tr('page.nav.manager')}`;
  const intro = $('board-intro');
  intro.textContent = tr('page.manager.maven', { n: n(8800) });
  let example = true; // the Maven example is loaded, not the user's own file

  // The pipeline picker: shown when the imported deals carry more than one
  // `pipeline`; each pipeline has its own model, calibrated on its own deals
  // (calibratePipelines), and the board shows the one chosen.
  const picker = document.createElement('label');
  picker.hidden = true;
  picker.className = 'pipeline';
  const pick = document.createElement('select');
  pick.id = 'pipeline';
  pick.setAttribute('data-role', 'pipeline');
  picker.append(document.createTextNode(`${tr('pipeline')} `), pick);
  status.after(picker);
  let all = [];
  let perPipeline = [];

  async function use(deals) {
    all = deals;
    const names = [...new Set(deals.map((d) => d.pipeline).filter((p) => typeof p === 'string' && p))].sort();
    if (names.length < 2) {
      picker.hidden = true;
      perPipeline = [];
      return show(deals, null);
    }
    const closed = deals.filter((d) => d.status === 'won' || d.status === 'lost');
    try {
      // In the analysis worker (issue 14.5), like every calibration here.
      perPipeline = await Stagecast.analysisWorker().calibratePipelines(Stagecast.defaultModel(), closed);
    } catch (e) {
      perPipeline = [];
      say(`Calibration failed: ${e.message}`);
    }
    const keep = names.includes(pick.value) ? pick.value : names[0];
    pick.replaceChildren(...names.map((name) => {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = tr('pipelineDeals', { name, n: n(deals.filter((d) => d.pipeline === name).length) });
      return o;
    }));
    pick.value = keep;
    picker.hidden = false;
    return showPipeline(keep);
  }

  function showPipeline(name) {
    const m = perPipeline.find((x) => x.pipeline === name);
    return show(all.filter((d) => d.pipeline === name), m ? m.model : null);
  }
  pick.addEventListener('change', () => showPipeline(pick.value));

  /** The board on these deals; `calibrated` is their model when already calibrated. */
  async function show(deals, calibrated) {
    // Each step in its own task, so none blocks the page for long.
    const pause = () => new Promise((r) => setTimeout(r));
    await pause();
    const closed = deals.filter((d) => d.status === 'won' || d.status === 'lost');
    const open = deals.filter((d) => !d.status || d.status === 'open');
    // The what-if board's base: the win rate and the average won deal of this data.
    let baseline = null;
    const won = closed.filter((d) => d.status === 'won');
    const amounts = won.map((d) => d.margin ?? d.value).filter((v) => Number.isFinite(v));
    if (closed.length && amounts.length) {
      // The data's pace, over the closed deals and one span of their dates:
      // deals a week (their first dated step) and the value won a week (by
      // close date). At that pace the seeded base expects what was won.
      // Each distinct date parsed once (a few hundred dates for thousands of deals).
      const days = new Map();
      const day = (t) => {
        if (typeof t !== 'string') return NaN;
        const k = t.slice(0, 10);
        let v = days.get(k);
        if (v === undefined) days.set(k, (v = /^\d{4}-\d{2}-\d{2}$/.test(k) ? Date.parse(k) / 864e5 : NaN));
        return v;
      };
      const starts = closed.map((d) => day(((d.events || []).find((e) => e.date) || {}).date)).filter(Number.isFinite);
      const closes = won.map((d) => [day(d.closeDate), d.margin ?? d.value]).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
      const all = [...starts, ...closes.map((x) => x[0])];
      const span = all.length > 1 ? (all.reduce((a, b) => Math.max(a, b)) - all.reduce((a, b) => Math.min(a, b))) / 7 : 0;
      const ws = span;
      const wc = span;
      baseline = {
        winRate: won.length / closed.length,
        averageMargin: amounts.reduce((a, b) => a + b, 0) / amounts.length,
        closed: closed.length,
        opportunitiesPerWeek: ws >= 4 ? starts.length / ws : undefined,
        wonPerWeek: wc >= 4 ? closes.reduce((t, x) => t + x[1], 0) / wc : undefined,
      };
    }
    await pause();
    let model = calibrated || Stagecast.defaultModel();
    // The analysis part runs in a Web Worker: the page stays responsive
    // while thousands of deals are calibrated, scored and cross-validated.
    const worker = Stagecast.analysisWorker();
    if (closed.length && !calibrated) {
      try {
        await pause();
        model = await worker.call('calibrate', [model, closed], {
          onProgress: (p) => say(p.done ? tr('page.manager.calibrated', { n: n(p.deals), s: Stagecast.i18n.formatNumber(loc, (p.ms || 0) / 1000, 1) }) : tr('page.manager.calibrating', { n: n(p.deals) })),
        });
      } catch (e) {
        say(tr('calibrationFailed'));
        console.warn('stagecast: calibration failed:', e.message);
      }
    }
    $('calibration').model = model;
    $('calibration').history = closed;
    $('forecast').model = model;
    await pause();
    $('scenarios').model = model; // exported with the scenarios
    if (baseline) $('scenarios').baseline = baseline;
    $('forecast').deals = deals; // all of them: the period forecast learns from the closed ones
    // The intro follows the data on the board.
    intro.textContent = example ? tr('page.manager.maven', { n: n(deals.length) }) : tr('page.manager.imported', { n: n(deals.length), closed: n(closed.length), open: n(open.length) });
    say(tr('page.manager.status', { n: n(deals.length), closed: n(closed.length), open: n(open.length) }));
  }

  // The user's own file (stagecast-change fires for the user's imports only).
  importer.addEventListener('stagecast-change', (e) => {
    example = false;
    use(e.detail.deals);
  });
  // A model imported with the scenarios (JSON file) scores the board.
  $('scenarios').addEventListener('stagecast-import', (e) => {
    if (!e.detail.model) return;
    $('forecast').model = e.detail.model;
    $('calibration').model = e.detail.model;
    say('Imported model in use.');
  });
  // The Maven columns. Its deal_stage says Won or Lost but not which steps a
  // closed deal went through, so closed deals keep only what their dates
  // show (engage_date: need confirmed); mapping "Won" to every milestone
  // would hand the outcome to the model and make its scores meaningless.
  importer.mapping = {
    id: 'opportunity_id', seller: 'sales_agent', value: 'close_value', stage: 'deal_stage', closeDate: ['close_date'],
    milestoneColumns: { engage_date: 'need_confirmed' }, attributes: ['product', 'account'],
    stageMap: { Prospecting: [], Engaging: ['need_confirmed'], Won: [], Lost: [] },
  };

  Stagecast.ready.then(async () => {
    try {
      const pipeline = await fetch('/data/sales_pipeline.csv').then((r) => r.text());
      say(tr('page.manager.loading'));
      await customElements.whenDefined('stagecast-import');
      const r = await importer.loadFile(pipeline);
      if (r && r.type === 'done') await use(r.result.deals);
    } catch (e) {
      say(tr('exampleFailed'));
      console.warn('stagecast: could not load the example data:', e.message);
    }
  });
})();
