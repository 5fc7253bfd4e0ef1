// connectors.test.mjs: a shop connected in a real browser — a signed-in administrator adds a Shopify connection (the local
// emulator), runs 接続テスト, asks for 今すぐ同期, the fetcher runs, the orders list shows the shop's orders and one
// order opens with its lines; the run history records the run.
import { execFileSync } from 'node:child_process';
import { launch, watchedPage, suite, base, shots } from './lib.mjs';

const t = suite('e2e-connectors');
const VAR = process.env.ECC_VAR;
const BUILD = process.env.ECC_BUILD;
const ADMIN = [`${BUILD}/ecc-admin`, '--config', `${VAR}/etc/ecc.conf`];
const code = `e2c${Date.now() % 100000000}`;
const email = `admin@${code}.example`;
const emuPort = process.env.ECC_EMU_SHOPIFY_PORT;

const go = (page, action) => Promise.all([page.waitForNavigation(), action]);

const browser = await launch();
try {
  execFileSync(ADMIN[0], [...ADMIN.slice(1), 'tenant', 'create', '--code', code, '--name', 'E2E接続商店',
    '--admin-email', `first@${code}.example`], { stdio: 'pipe' });
  execFileSync(ADMIN[0], [...ADMIN.slice(1), 'demo', 'admin', '--tenant', code, '--email', email,
    '--name', '接続 担当'], { encoding: 'utf8' });
  // signed in through a session made by the test tool: the sign-in screens have their own browser test
  // (accounts.test.mjs), and nginx's limit on authentication requests per address is meant to stop a
  // browser that signs in again and again
  const sid = execFileSync(ADMIN[0], [...ADMIN.slice(1), 'test', 'session', '--tenant', code, '--email', email],
    { encoding: 'utf8' }).trim();
  t.check(sid.length > 20, 'a signed-in session for an administrator');
  const { context, page, problems } = await watchedPage(browser);
  await context.addCookies([{ name: '__Host-ecc_sid', value: sid, url: base, secure: true, httpOnly: true, sameSite: 'Lax' }]);
  await page.goto(`${base}/dashboard`);
  t.check(new URL(page.url()).pathname === '/dashboard', `signed in (${page.url()})`);

  // add the connection from the menu
  await go(page, page.click('nav a[href="/connections"]'));
  await page.goto(`${base}/connections/new?platform=shopify`);
  await page.fill('#name', 'Shopify 本店');
  await page.fill('#f_shop_domain', 'e2e-shop.myshopify.com');
  await page.fill('#f_access_token', 'shpat_test_token');
  await page.click('details.field summary');
  await page.fill('#endpoint', `https://127.0.0.1:${emuPort}`);
  await go(page, page.click('form button[type="submit"].button-primary'));
  const connPath = new URL(page.url()).pathname;
  t.check(/^\/connections\/\d+$/.test(connPath), `the new connection's page opens (${connPath})`);
  t.check((await page.content()).indexOf('shpat_test_token') < 0, 'the access token is not shown back');

  // 接続テスト
  await go(page, page.click(`form[action="${connPath}/test"] button`));
  const result = await page.textContent('#test-result');
  t.check(page.url().endsWith(connPath + '/test') || page.url().endsWith(connPath), 'test answered on the page');
  t.check(result && /成功|接続できました|OK/.test(result) && !/失敗/.test(result), `接続テスト succeeded: ${result && result.trim()}`);

  // 今すぐ同期, then the fetcher (cron's job) runs
  await page.goto(`${base}${connPath}`);
  await go(page, page.click(`form[action="${connPath}/sync"] button`));
  t.check((await page.content()).includes('同期を依頼しました'), 'sync requested (flash)');
  const fetched = execFileSync(`${BUILD}/ecc-fetch`, ['--config', `${VAR}/etc/ecc.conf`, '--tenant', code,
    '--max-seconds', '300'], { encoding: 'utf8', timeout: 600000, stdio: ['ignore', 'pipe', 'pipe'] });
  t.check(/orders ok pages=\d+ new=\d+/.test(fetched), `the fetcher synced the orders: ${fetched.split('\n').find((l) => l.includes(' orders ')) || fetched}`);

  // the orders arrive
  await go(page, page.click('nav a[href="/orders"]'));
  const rows = await page.locator('a[href^="/orders/"]').count();
  t.check(rows >= 10, `the orders list shows the shop's orders (${rows} links)`);
  await page.screenshot({ path: `${shots}/connectors-orders.png`, fullPage: true });
  const first = page.locator('a[href^="/orders/"]').first();
  const number = (await first.textContent()).trim();
  await go(page, first.click());
  const detail = await page.content();
  t.check(/^\/orders\/\d+$/.test(new URL(page.url()).pathname), `an order opens (${page.url()})`);
  t.check(detail.includes(number), `the order page shows its number ${number}`);
  t.check(/SKU-\d+/.test(detail), 'the order page lists its lines (SKU)');
  await page.screenshot({ path: `${shots}/connectors-order.png`, fullPage: true });

  // the run history
  await page.goto(`${base}${connPath}/runs`);
  const hist = await page.content();
  t.check(hist.includes('今すぐ同期') && hist.includes('成功'), 'the run history shows the manual run as succeeded');
  t.check(problems.length === 0, `no console errors or failed requests (${problems.join('; ')})`);
} catch (e) {
  t.check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
}
t.done();
