// The host CRM's own script: it hands the widget a deal from its records
// (with an untrusted label) and stores what the widget reports.
(function () {
  // ?lang=en shows the widgets in English (the CRM page itself is Norwegian).
  const lang = new URLSearchParams(location.search).get('lang');
  if (['en', 'nb', 'sv', 'da'].includes(lang)) document.documentElement.lang = lang;
  const record = {
    id: 'OPP-4711',
    label: 'Fjord Energi <img src=x onerror="window.__xss=1"> — nytt anlegg',
    seller: 'Kari Nordmann',
    value: 850000,
    margin: 240000,
    events: [
      { milestone: 'need_confirmed', date: '2026-09-02' },
      { milestone: 'mobilizer_met', date: '2026-09-20' },
    ],
  };
  document.getElementById('opp-title').textContent = record.label;
  const widget = document.getElementById('widget');
  const log = document.getElementById('crm-log');
  widget.addEventListener('stagecast-change', (e) => {
    const p = e.detail.probability;
    log.textContent = `${new Date().toISOString().slice(11, 19)} ${record.id}: probability=${p.toFixed(3)} reached=${e.detail.reached.join(',')}\n` + log.textContent;
  });
  widget.deal = record;

  // The pipeline and last year's closed deals, from the CRM's records: seller
  // names are untrusted too.
  const xss = 'Ola <img src=x onerror="window.__xss=2">';
  const steps = ['need_confirmed', 'mobilizer_met', 'solution_presented', 'proposal_requested', 'verbal_yes'];
  const open = [record];
  const closed = [];
  for (let i = 0; i < 60; i++) {
    const n = 1 + (i % 5);
    const events = steps.slice(0, n).map((milestone) => ({ milestone }));
    // The sellers' own estimates, as the CRM records them: hopeful (the
    // closed deals' too, so their track record corrects them).
    if (i < 12) open.push({ id: `OPP-${5000 + i}`, label: `Kunde ${i}`, seller: i % 2 ? xss : 'Kari Nordmann', value: 100000 + 25000 * (i % 7), sellerProbability: Math.min(0.95, 0.35 + 0.12 * n), events });
    closed.push({ id: `WON-${i}`, seller: i % 3 ? 'Kari Nordmann' : xss, status: (i * 7) % 10 < n * 2 ? 'won' : 'lost', sellerProbability: Math.min(0.95, 0.35 + 0.12 * n), events });
  }
  const pipeline = document.getElementById('pipeline');
  const team = document.getElementById('team');
  pipeline.deals = open;
  team.history = closed;
  // The forecast's row "sellers, corrected by their track record" needs a
  // model calibrated on the closed deals (calibrate is in the analysis part).
  Stagecast.loadAnalysis()
    .then(() => {
      const model = Stagecast.calibrate(Stagecast.defaultModel(), closed);
      pipeline.model = model;
      team.model = model;
      return Promise.all([pipeline.updateComplete, team.updateComplete]);
    })
    .then(() => {
      // Read once loaded (stagecast-change fires only for what the user changes).
      const d = pipeline.result;
      const c = team.result;
      if (d) log.textContent = `${new Date().toISOString().slice(11, 19)} forecast: P50=${Math.round(d.p50)}\n` + log.textContent;
      if (c) log.textContent = `${new Date().toISOString().slice(11, 19)} calibration: brier=${c.brier.toFixed(3)} n=${c.n}\n` + log.textContent;
    })
    .catch((e) => { log.textContent = `calibration failed: ${e.message}\n` + log.textContent; });
  pipeline.addEventListener('stagecast-change', (e) => {
    const d = e.detail;
    const line = `forecast: P50=${Math.round(d.p50)}${d.pAtLeastTarget == null ? '' : ` P(target)=${d.pAtLeastTarget.toFixed(3)}`}`;
    log.textContent = `${new Date().toISOString().slice(11, 19)} ${line}\n` + log.textContent;
  });
})();
