// Cold start, part 2: the first score from the one-file script (fetched,
// compiled, instantiated). Times are from navigation start (performance
// timeOrigin) and from the script start mark.
Stagecast.ready.then(() => {
  const score = Stagecast.scoreDeal(Stagecast.defaultModel(), {
    id: 'OPP-1', value: 850000, events: [{ milestone: 'need_confirmed' }, { milestone: 'mobilizer_met' }],
  });
  performance.mark('stagecast-first-result');
  const m = performance.measure('cold', 'stagecast-script-start', 'stagecast-first-result');
  window.coldStart = { fromNavigation: performance.now(), fromScriptStart: m.duration, probability: score.probability };
}, (e) => { window.coldStart = { error: String(e) }; });
