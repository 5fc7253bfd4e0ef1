// start_page.test.mjs: the start page renders in Japanese and in English (switch persists), with no console error and no CSP violation.
import { launch, watchedPage, suite, base, opsBase, shots } from './lib.mjs';

const t = suite('e2e-start-page');
const browser = await launch();
try {
  const { page, problems } = await watchedPage(browser);
  let res = await page.goto(`${base}/`, { waitUntil: 'load' });
  t.check(res.status() === 200, `GET / status ${res.status()}`);
  t.check(await page.getAttribute('html', 'lang') === 'ja', 'html lang is ja by default');
  const h1ja = (await page.textContent('h1')) || '';
  t.check(/[\u3040-\u30ff\u4e00-\u9fff]/.test(h1ja), `Japanese heading: ${h1ja}`);
  const css = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  t.check(css.length > 0 && !/^Times/.test(css), `stylesheet applied (font ${css})`);
  await page.screenshot({ path: `${shots}/start-ja.png`, fullPage: true });

  // Switch to English with the header form: the choice persists across pages.
  await Promise.all([page.waitForNavigation(), page.click('button[name="lang"][value="en"]')]);
  t.check(await page.getAttribute('html', 'lang') === 'en', 'html lang is en after the switch');
  const h1en = (await page.textContent('h1')) || '';
  t.check(!/[\u3040-\u30ff]/.test(h1en) && h1en.length > 0, `English heading: ${h1en}`);
  t.check((await page.locator('[role="status"], .flash').count()) > 0, 'a flash message confirms the switch');
  await page.screenshot({ path: `${shots}/start-en.png`, fullPage: true });
  res = await page.goto(`${base}/`, { waitUntil: 'load' });
  t.check(await page.getAttribute('html', 'lang') === 'en', 'English persists on the next visit');
  await Promise.all([page.waitForNavigation(), page.click('button[name="lang"][value="ja"]')]);
  t.check(await page.getAttribute('html', 'lang') === 'ja', 'back to Japanese');

  // A missing page shows the friendly error page with the request id.
  res = await page.goto(`${base}/no-such-page`, { waitUntil: 'load' });
  t.check(res.status() === 404, `404 status ${res.status()}`);
  const rid = res.headers()['x-request-id'] || '';
  t.check(rid.length === 32 && (await page.content()).includes(rid), 'error page shows the request id');
  // (a 404 document logs one console error in Chromium: that one is expected)
  const unexpected = problems.filter((p) => !/404/.test(p));

  const csp = await page.evaluate(() => window.__csp);
  t.check(csp.length === 0, `no CSP violation: ${JSON.stringify(csp)}`);
  t.check(unexpected.length === 0, `no console error: ${JSON.stringify(unexpected)}`);

  // The operator console is its own site.
  const ops = await watchedPage(browser);
  res = await ops.page.goto(`${opsBase}/`, { waitUntil: 'load' });
  t.check(res.status() === 200, `operator console status ${res.status()}`);
  t.check((await ops.page.content()).includes('運用コンソール'), 'operator console says 運用コンソール');
  await ops.page.screenshot({ path: `${shots}/ops-ja.png`, fullPage: true });
  const csp2 = await ops.page.evaluate(() => window.__csp);
  t.check(csp2.length === 0 && ops.problems.length === 0, `operator console clean: ${JSON.stringify([csp2, ops.problems])}`);
} catch (e) {
  t.check(false, `exception: ${e.stack}`);
} finally {
  await browser.close();
  t.done();
}
