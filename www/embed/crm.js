// The host CRM's own script: it hands the widget a deal from its records
// (with an untrusted label) and stores what the widget reports.
(function () {
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
})();
