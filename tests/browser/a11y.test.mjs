// Accessibility and isolation across the pages: every input, select and
// button inside the widgets has an accessible name, results are announced
// (aria-live), charts are labelled images; a CSV dropped on the import zone
// is read like a chosen file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

/** Controls inside every stagecast-* shadow root that have no accessible name. */
const unnamed = (page) =>
  page.evaluate(() => {
    const out = [];
    let controls = 0;
    for (const host of document.querySelectorAll('*')) {
      if (!host.tagName.startsWith('STAGECAST-') || !host.shadowRoot) continue;
      for (const c of host.shadowRoot.querySelectorAll('input, select, button, textarea')) {
        controls++;
        const name = (c.labels && [...c.labels].map((l) => l.textContent).join(' ').trim()) || c.getAttribute('aria-label') || (c.tagName === 'BUTTON' && c.textContent.trim());
        if (!name) out.push(`${host.tagName.toLowerCase()} ${c.outerHTML.slice(0, 80)}`);
      }
      for (const s of host.shadowRoot.querySelectorAll('svg')) if (s.getAttribute('role') !== 'img' || !s.getAttribute('aria-label')) out.push(`${host.tagName.toLowerCase()} svg without role=img/aria-label`);
      if (!host.shadowRoot.querySelector('[aria-live]')) out.push(`${host.tagName.toLowerCase()} has no aria-live region`);
    }
    return { out, controls };
  });

for (const [path, wait] of [['/', 'stagecast-meetings [data-role="required"]'], ['/manager.html', 'stagecast-calibration [data-role="brier"]'], ['/embed.html', 'stagecast-calibration [data-role="brier"]']]) {
  test(`${path}: every control in the widgets is labelled, results are announced, charts are labelled`, async () => {
    const page = await env.open(path);
    await page.locator(wait).waitFor({ timeout: 30000 });
    const { out, controls } = await unnamed(page);
    assert.ok(controls > 5, `only ${controls} controls found`);
    assert.deepEqual(out, []);
    page.assertClean();
  });
}

test('a CSV dropped on the import zone is imported', async () => {
  const page = await env.open('/manager.html');
  await page.locator('stagecast-calibration [data-role="brier"]').waitFor({ timeout: 30000 });
  await page.evaluate(() => {
    const zone = document.getElementById('import').shadowRoot.querySelector('[data-role="drop"]');
    const dt = new DataTransfer();
    const csv = 'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\nB1,Ann,GTX Basic,Acme,Won,2017-01-02,2017-03-01,550\nB2,Ann,GTX Basic,Acme,Engaging,2017-02-01,,\n';
    dt.items.add(new File([csv], 'dropped.csv', { type: 'text/csv' }));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.locator('#board-status').filter({ hasText: '2 deals: 1 closed (calibration), 1 open (forecast).' }).waitFor();
  page.assertClean();
});
