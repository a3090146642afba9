// The seller calculator: binds the deal form to <stagecast-deal>.
(function () {
  const calc = document.getElementById('calculator');
  const $ = (id) => document.getElementById(id);
  const num = (id) => {
    const v = $(id).value;
    return v === '' ? undefined : Math.max(0, Number(v));
  };
  const week = document.getElementById('week');
  function update() {
    week.currency = $('deal-currency').value;
    week.locale = $('deal-locale').value;
    calc.currency = $('deal-currency').value;
    calc.locale = $('deal-locale').value;
    calc.deal = {
      id: 'calculator',
      label: $('deal-label').value,
      value: num('deal-value'),
      margin: num('deal-margin'),
      events: calc.value ? calc.value.events : [],
    };
  }
  $('deal-form').addEventListener('input', update);
  $('deal-form').addEventListener('submit', (e) => e.preventDefault());
  update();
  fetch('/data/week.json')
    .then((r) => r.json())
    .then((w) => {
      week.plan = w.plan;
      week.meetings = w.meetings;
    });
})();
