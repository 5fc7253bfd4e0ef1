// conversion.test.mjs: データフォーマット変換 in a real browser — an editor builds a code table and a template from scratch
// (a renamed column, a fixed value, 単価×数量, 住所1&住所2, a JST date format, a code lookup), previews it on the real
// orders, saves it, creates a scheduled flow that only stores the file for download, runs it (今すぐ実行, then the
// fetcher as cron would), downloads the CSV from the run history and compares its bytes with the golden Shift_JIS file
// tests/golden/e2e/conversion.csv (checked by hand with `iconv -f CP932`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, watchedPage, suite, base, shots } from './lib.mjs';

const t = suite('e2e-conversion');
const VAR = process.env.ECC_VAR;
const BUILD = process.env.ECC_BUILD;
const CONF = `${VAR}/etc/ecc.conf`;
const ADMIN = [`${BUILD}/ecc-admin`, '--config', CONF];
const GOLDEN = fileURLToPath(new URL('../golden/e2e/conversion.csv', import.meta.url));
const code = `e2v${Date.now() % 100000000}`;
const email = `editor@${code}.example`;
// the orders: deterministic (seed, index, base): 4 orders of 2 lines placed in the 30 days before 2026-01-01 00:00 JST
const FIXTURE = ['4', '--seed', '77', '--lines', '2', '--days', '30', '--base', '1767193200', '--quiet'];
const STATUS = [['paid', '入金済み'], ['shipped', '発送済み'], ['pending', '保留'], ['cancelled', 'キャンセル']];

const go = (page, action) => Promise.all([page.waitForNavigation(), action]);

// addColumn: a new row at the end of the editor, its header, source and value (the page is posted back twice)
async function addColumn(page, header, source, value) {
  const before = Number(await page.inputValue('input[name="rows"]'));
  await go(page, page.locator('#tpl-form button[name="op"][value="add"]').first().click());
  const i = before;
  await page.fill(`#col_header_${i}`, header);
  await page.selectOption(`#col_source_${i}`, source);
  await go(page, page.locator('#tpl-form button[name="op"][value="refresh"]').first().click());
  if (source === 'field') await page.selectOption(`#col_value_${i}`, value);
  else await page.fill(`#col_value_${i}`, value);
}

const browser = await launch();
try {
  execFileSync(ADMIN[0], [...ADMIN.slice(1), 'tenant', 'create', '--code', code, '--name', 'E2E変換商店',
    '--admin-email', `first@${code}.example`], { stdio: 'pipe' });
  execFileSync(ADMIN[0], [...ADMIN.slice(1), 'demo', 'admin', '--tenant', code, '--email', email, '--role', 'editor',
    '--name', '変換 担当'], { encoding: 'utf8' });
  const fx = execFileSync(`${BUILD}/tests/tools/orders_fixture`, [code, 'new:E2E 本店', ...FIXTURE],
    { encoding: 'utf8', env: { ...process.env, ECC_CONFIG: CONF } });
  t.check(/orders: n=4 new=4/.test(fx), `4 orders in a connection (${fx.trim()})`);
  // signed in through a session made by the test tool (the sign-in screens have their own browser test)
  const sid = execFileSync(ADMIN[0], [...ADMIN.slice(1), 'test', 'session', '--tenant', code, '--email', email],
    { encoding: 'utf8' }).trim();
  const { context, page, problems } = await watchedPage(browser);
  await context.addCookies([{ name: '__Host-ecc_sid', value: sid, url: base, secure: true, httpOnly: true, sameSite: 'Lax' }]);

  // the code table, made in the UI first
  await page.goto(`${base}/lookups`);
  await page.fill('#name', 'ステータス表');
  await page.fill('#description', '注文ステータスの表示名');
  await go(page, page.click('form[action="/lookups"] button[type="submit"]'));
  t.check(/^\/lookups\/\d+$/.test(new URL(page.url()).pathname), `the code table opens (${page.url()})`);
  for (const [k, v] of STATUS) {
    await page.fill('#entry-key', k);
    await page.fill('#entry-value', v);
    await go(page, page.click('#entry-form button[value="set"]'));
  }
  const table = await page.content();
  t.check(STATUS.every(([k, v]) => table.includes(k) && table.includes(v)), 'the code table holds its four entries');

  // the template, from scratch
  await page.goto(`${base}/templates/new`);
  await page.selectOption('#new-kind', 'order_line');
  await go(page, page.click('form[action="/templates/new"] button[type="submit"]'));
  await page.fill('#name', 'E2E 受注明細');
  await page.fill('#col_header_0', '受注番号'); // rename: the field is 注文番号 (order_number)
  await addColumn(page, '店舗コード', 'fixed', 'S01');
  await addColumn(page, '商品コード', 'field', 'line.sku');
  await addColumn(page, '小計', 'expr', '[単価] * [数量]');
  await addColumn(page, '届け先住所', 'expr', '[送付先住所1] & [送付先住所2]');
  await addColumn(page, '注文日', 'expr', 'date([注文日時], "yyyy/MM/dd")');
  await addColumn(page, '状態', 'expr', 'lookup("ステータス表", status, "その他")');
  await page.fill('#sort_value_0', 'order_number');
  await page.selectOption('#encoding', 'cp932');
  await page.selectOption('#eol', 'crlf');
  await page.fill('#file_name', 'e2e_{yyyyMMdd}.csv');
  t.check((await page.locator('#tpl-columns tbody tr').count()) === 7, 'seven columns in the editor');

  // preview on the real records, then back to the editor and save
  await go(page, page.locator('#tpl-form button[name="op"][value="preview"]').first().click());
  const preview = await page.content();
  t.check(/id="preview-records-out">4</.test(preview), 'the preview converts the 4 orders');
  t.check(preview.includes('S01') && preview.includes('入金済み') && /20\d\d\/\d\d\/\d\d/.test(preview),
    'the preview shows the fixed value, the looked-up status and the formatted date');
  await page.screenshot({ path: `${shots}/conversion-preview.png`, fullPage: true });
  await go(page, page.click('#preview-back'));
  t.check((await page.inputValue('#col_header_6')) === '状態', 'back in the editor with the columns kept');
  await go(page, page.locator('#tpl-form button[name="op"][value="save"]').first().click());
  const tplPath = new URL(page.url()).pathname;
  t.check(/^\/templates\/\d+$/.test(tplPath), `the template is saved (${tplPath} ${await page.textContent('main')})`.slice(0, 300));

  // a scheduled flow that stores the file for download
  await go(page, page.click('nav a[href="/flows"]'));
  await go(page, page.click('a[href="/flows/new"]'));
  await page.fill('#name', 'E2E ダウンロード');
  await page.selectOption('#template', { label: 'E2E 受注明細（受注明細）' });
  await page.check('input[name="connection"]');
  await page.check('input[name="destination"][value="download"]');
  await page.check('input[name="schedule"][value="interval"]');
  await page.fill('#interval', '60');
  await go(page, page.click('button[name="op"][value="save"]'));
  const flowPath = new URL(page.url()).pathname;
  t.check(/^\/flows\/\d+$/.test(flowPath), `the flow is created (${flowPath})`);
  const flowPage = await page.content();
  t.check(flowPage.includes('60分ごと') && flowPage.includes('ダウンロードのみ'), 'the flow shows its schedule and destination');

  // 今すぐ実行, then the fetcher runs
  await go(page, page.click(`form[action="${flowPath}/run"] button`));
  t.check((await page.content()).includes('実行を依頼しました'), 'run requested (flash)');
  const fetched = execFileSync(`${BUILD}/ecc-fetch`, ['--config', CONF, '--tenant', code, '--max-seconds', '120'],
    { encoding: 'utf8', timeout: 300000, stdio: ['ignore', 'pipe', 'pipe'] });
  t.check(/^flow \d+ run \d+ manual ok in=4 out=4 failed=0 unencodable=0 delivery=download$/m.test(fetched),
    `the fetcher ran the flow: ${fetched.split('\n').find((l) => l.startsWith('flow ')) || fetched}`);

  // the history, and the file downloaded from it
  await page.goto(`${base}${flowPath}/runs`);
  const hist = await page.content();
  t.check(hist.includes('今すぐ実行') && hist.includes('成功') && hist.includes('ダウンロード用に保存'),
    'the history shows the run, its result and its delivery');
  await page.screenshot({ path: `${shots}/conversion-runs.png`, fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/file"]')]);
  const got = readFileSync(await download.path());
  t.check(/^e2e_\d{8}\.csv$/.test(download.suggestedFilename()), `the file name from the pattern (${download.suggestedFilename()})`);
  writeFileSync(`${shots}/conversion.csv`, got);
  if (!existsSync(GOLDEN)) {
    t.check(false, `no golden file: check ${shots}/conversion.csv by hand (iconv -f CP932) and copy it to ${GOLDEN}`);
  } else {
    const want = readFileSync(GOLDEN);
    t.check(Buffer.compare(got, want) === 0,
      `the downloaded CSV equals the golden Shift_JIS file (${got.length} bytes, golden ${want.length}; got ${shots}/conversion.csv)`);
  }
  t.check(got.includes(Buffer.from([0x8e, 0xf3, 0x92, 0x8d])), 'the file is Shift_JIS (受注 is 8E F3 92 8D)');
  // a download is a navigation Chromium aborts (net::ERR_ABORTED) once it becomes a download: not a problem
  const real = problems.filter((p) => !/^requestfailed: \S+\/runs\/\d+\/file net::ERR_ABORTED$/.test(p));
  t.check(real.length === 0, `no console errors or failed requests (${real.join('; ')})`);
} catch (e) {
  t.check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
}
t.done();
