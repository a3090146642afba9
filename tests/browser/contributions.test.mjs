// Issue 16: <stagecast-deal> on a model calibrated with an interaction (a
// field that matters only once a late milestone is reached) shows the
// number as a sum: the state's base as a chance, the largest other terms as
// odds factors (a pair among them), worded in each language. The terms the
// engine returns add up to logit(probability).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, shot, SHOTS } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Calibrates a history where `industry` matters only after proposal_requested, and shows a deal there. */
export async function showInteraction(page) {
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  return page.evaluate(async () => {
    const calc = document.getElementById('calculator');
    // A fixed pseudo-random sequence: the same history every run.
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const history = [];
    for (let i = 0; i < 4000; i++) {
      const need = rnd() < 0.7, proposal = rnd() < 0.45;
      const industry = ['retail', 'public', 'energy'][Math.floor(rnd() * 3)];
      const region = ['north', 'south'][Math.floor(rnd() * 2)];
      let z = -1.4 + (need ? 0.6 : 0) + (proposal ? 1.0 : 0) + (region === 'north' ? 0.3 : -0.3);
      if (proposal) z += { retail: -1.2, public: 0, energy: 1.2 }[industry];
      const events = [];
      if (need) events.push({ milestone: 'need_confirmed' });
      if (proposal) events.push({ milestone: 'proposal_requested' });
      history.push({ id: `h${i}`, status: rnd() < 1 / (1 + Math.exp(-z)) ? 'won' : 'lost', events, attributes: { industry, region } });
    }
    await Stagecast.loadAnalysis();
    const model = Stagecast.calibrate(Stagecast.defaultModel(), history);
    calc.model = model;
    calc.deal = { id: 'OPP-16', label: 'Nordlys Energi', margin: 120000, attributes: { industry: 'energy', region: 'north' },
      events: [{ milestone: 'need_confirmed', date: '2026-10-01' }, { milestone: 'proposal_requested', date: '2026-11-02' }] };
    await calc.updateComplete;
    return { pairs: model.calibration.pairs || [], score: calc.score };
  });
}

test('the calculator words the largest contributions, which add up to the logit', async () => {
  const page = await env.open('/');
  const { pairs, score } = await showInteraction(page);
  assert.ok(pairs.some((p) => p.attribute === 'industry' && !p.withAttribute), `an industry x state pair is learned: ${JSON.stringify(pairs)}`);
  assert.equal(score.source, 'history');
  const sum = score.contributions.reduce((s, c) => s + c.value, 0);
  assert.ok(Math.abs(sum - Math.log(score.probability / (1 - score.probability))) < 1e-6, `${sum} vs ${score.probability}`);
  assert.equal(score.contributions[0].term.kind, 'state');
  const pair = score.contributions.find((c) => c.term.kind === 'pair');
  assert.ok(pair, JSON.stringify(score.contributions));

  const lines = page.locator('stagecast-deal [data-role="contributions"] li');
  const texts = await lines.allTextContents();
  const base = 1 / (1 + Math.exp(-score.contributions[0].value));
  const pct = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(base);
  assert.equal(texts[0], `The stage reached (Need confirmed by the customer, Proposal requested by the customer) alone: ${pct}`);
  const factor = new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(Math.exp(pair.value));
  assert.ok(texts.includes(`industry = energy at this stage multiplies the odds by ${factor}`), texts.join('\n'));
  // The largest first, after the base.
  const others = score.contributions.slice(1).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  assert.equal(texts.length, 1 + Math.min(4, others.length) + (others.length > 4 ? 1 : 0));

  // "Why this number" names the pair too, in points (the same terms).
  const reasons = score.reasons.filter((r) => r.code === 'pair_effect');
  assert.ok(reasons.some((r) => r.attribute === 'industry' && r.value === 'energy' && !r.withAttribute && r.points > 0), JSON.stringify(score.reasons));
  const whyTexts = await page.locator('stagecast-deal ul.why:not([data-role="contributions"]) li').allTextContents();
  assert.ok(whyTexts.some((t) => /^industry = energy at this stage raises it by \d+ points?\.$/.test(t)), whyTexts.join('\n'));
  // A next step that lowers the number says so (never "raises it to" a lower figure).
  const mandatory = score.next.find((n) => n.mandatory);
  const line = await page.locator('stagecast-deal [data-role="next-mandatory"]').textContent();
  if (mandatory.gain < 0) assert.match(line, /: lowers it to \d+%/);
  else assert.match(line, /: (raises it to|leaves it at) \d+%/);
  assert.ok(mandatory.gain < 0, `this deal's next mandatory step lowers its number (${mandatory.gain}), as seen in the screenshots`);

  // Norwegian: the same terms in its words and number format.
  await page.evaluate(() => { document.getElementById('calculator').locale = 'nb'; });
  await page.locator('stagecast-deal dt', { hasText: 'Hva tallet består av' }).waitFor();
  const nb = await lines.allTextContents();
  const nbFactor = new Intl.NumberFormat('nb', { maximumFractionDigits: 2 }).format(Math.exp(pair.value));
  assert.ok(nb.includes(`industry = energy på dette trinnet ganger oddsen med ${nbFactor}`), nb.join('\n'));
  page.assertClean();
});

test('a model without history shows no contributions', async () => {
  const page = await env.open('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('stagecast-deal input[data-milestone="need_confirmed"]').check();
  await page.locator('stagecast-deal [data-role="probability"]').waitFor();
  assert.equal(await page.locator('stagecast-deal [data-role="contributions"] li').count(), 0);
  page.assertClean();
});

test('screenshots: the worded contributions in en and nb, at 1280 and 390 px', async () => {
  for (const width of [1280, 390]) {
    const page = await env.open('/', { viewport: { width, height: 900 } });
    await showInteraction(page);
    for (const locale of ['en', 'nb']) {
      await page.evaluate((l) => { document.getElementById('calculator').locale = l; }, locale);
      await page.locator('stagecast-deal dt', { hasText: locale === 'en' ? 'What the number is made of' : 'Hva tallet består av' }).waitFor();
      // The list fits the card: no line wider than the viewport.
      const widest = await page.locator('stagecast-deal [data-role="contributions"]').evaluate((ul) => Math.max(...[...ul.children].map((li) => li.getBoundingClientRect().right)));
      assert.ok(widest <= width, `${locale} ${width}: ${widest}`);
      await shot(page, `issue16-contributions-${locale}-${width}`);
      // The result part alone, to read the words at phone width.
      await page.locator('stagecast-deal section.result').screenshot({ path: join(SHOTS, `issue16-contributions-${locale}-${width}-result.png`) });
    }
    page.assertClean();
  }
});
