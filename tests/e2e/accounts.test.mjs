// accounts.test.mjs: the whole account path in a real browser — invitation mail at the SMTP sink → set password →
// enrol TOTP (codes computed from the key the page shows) → recovery codes → log out → log in with TOTP →
// the admin invites a second user, changes the role, deletes the user → the deleted user's open session fails.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { launch, watchedPage, suite, base, shots, totp } from './lib.mjs';

const t = suite('e2e-accounts');
const VAR = process.env.ECC_VAR;
const ADMIN = [`${process.env.ECC_BUILD}/ecc-admin`, '--config', `${VAR}/etc/ecc.conf`];
const code = `e2e${Date.now() % 100000000}`;
const email = `owner@${code}.example`;
const password = '夜明けの港で温かいお茶を飲む 7';

function mailTo(addr) {
  const idx = `${VAR}/mail/index.jsonl`;
  for (let i = 0; i < 100; i++) {
    if (existsSync(idx)) {
      const hit = readFileSync(idx, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).reverse()
        .find((m) => m.rcpt.includes(addr));
      if (hit) {
        const raw = readFileSync(`${VAR}/mail/${hit.file}`, 'utf8');
        const b64 = raw.split(/\r?\n\r?\n/).slice(1).join('').replace(/\s/g, '');
        return { subject: hit.subject, body: Buffer.from(b64, 'base64').toString('utf8') };
      }
    }
    execFileSync('sleep', ['0.2']);
  }
  return null;
}

const browser = await launch();
try {
  execFileSync(ADMIN[0], [...ADMIN.slice(1), 'tenant', 'create', '--code', code, '--name', 'E2E商店',
    '--admin-email', email, '--admin-name', '伊藤 真理'], { stdio: 'pipe' });
  const mail = mailTo(email);
  t.check(mail !== null, 'invitation mail arrived at the SMTP sink');
  const link = mail && (mail.body.match(/https:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/) || [])[0];
  t.check(!!link, 'the mail has the set-password link');

  const { page, problems } = await watchedPage(browser);
  await page.goto(link);
  await page.fill('#password', password);
  await page.fill('#password2', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].button-primary')]);
  t.check(page.url().endsWith('/enrol'), `after the password: enrolment (${page.url()})`);
  t.check(await page.locator('.qr svg').count() === 1, 'QR code shown');
  const key = (await page.textContent('#totp-key code')).trim();
  t.check(/^[A-Z2-7 ]{32,}$/.test(key), 'key shown in text');
  await page.screenshot({ path: `${shots}/enrol.png`, fullPage: true });
  await page.fill('#code', totp(key));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/enrol"] button[type="submit"]')]);
  const codes = await page.locator('.recovery-codes code').allTextContents();
  t.check(codes.length === 10, `10 recovery codes shown (${codes.length})`);
  t.check(await page.locator('a[download="ecc-recovery-codes.txt"]').count() === 1, 'recovery codes downloadable');
  await page.screenshot({ path: `${shots}/recovery-codes.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('a[href="/dashboard"].button-primary')]);
  t.check(page.url().endsWith('/dashboard'), 'dashboard');

  // log out, log in again with password + TOTP (the next time step: the enrolment step is used up)
  await Promise.all([page.waitForNavigation(), page.click('.logout-form button')]);
  await page.goto(`${base}/login`);
  await page.fill('#tenant_code', code);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  t.check(page.url().endsWith('/login/2fa'), `second step (${page.url()})`);
  await page.fill('#code', totp(key, 30));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login/2fa"] button[type="submit"]')]);
  t.check(page.url().endsWith('/dashboard'), `signed in with TOTP (${page.url()})`);
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });

  // user management (when the screens exist): invite, change role, delete; the deleted user's session fails
  const users = await page.goto(`${base}/users`);
  if (users.status() === 200) {
    const second = `staff@${code}.example`;
    await page.goto(`${base}/users/new`);
    if (await page.locator('#reauth-code, form[action="/reauth"]').count() > 0) {
      await page.fill('form[action="/reauth"] input[name="code"]', totp(key, -30));
      await Promise.all([page.waitForNavigation(), page.click('form[action="/reauth"] button[type="submit"]')]);
      await page.goto(`${base}/users/new`);
    }
    await page.fill('input[name="email"]', second);
    await page.fill('input[name="name"]', '鈴木 一郎');
    await page.selectOption('select[name="role"]', 'viewer');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/users"] button[type="submit"]')]);
    const inv = mailTo(second);
    t.check(inv !== null, 'the second user\'s invitation arrived');
    const link2 = inv && (inv.body.match(/https:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/) || [])[0];
    // the second user accepts in their own browser and enrols
    const other = await watchedPage(browser);
    await other.page.goto(link2);
    await other.page.fill('#password', password + ' second');
    await other.page.fill('#password2', password + ' second');
    await Promise.all([other.page.waitForNavigation(), other.page.click('button[type="submit"].button-primary')]);
    const key2 = (await other.page.textContent('#totp-key code')).trim();
    await other.page.fill('#code', totp(key2));
    await Promise.all([other.page.waitForNavigation(), other.page.click('form[action="/enrol"] button[type="submit"]')]);
    await other.page.goto(`${base}/dashboard`);
    t.check(other.page.url().endsWith('/dashboard'), 'second user signed in');

    // the admin finds the user, changes the role, deletes them
    await page.goto(`${base}/users?q=${encodeURIComponent('鈴木')}`);
    const href = await page.locator('a[href^="/users/"]').filter({ hasText: '鈴木' }).first().getAttribute('href');
    await page.goto(`${base}${href}`);
    await page.selectOption('form[action$="/role"] select[name="role"]', 'editor');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/role"] button[type="submit"]')]);
    t.check((await page.content()).includes('編集者'), 'role changed to editor');
    const del = page.locator('form[action$="/delete"]');
    if (await del.locator('input[name="confirm"]').count() > 0) await del.locator('input[name="confirm"]').check();
    await Promise.all([page.waitForNavigation(), del.locator('button[type="submit"]').click()]);
    const res = await other.page.goto(`${base}/dashboard`);
    t.check(other.page.url().endsWith('/login'), `the deleted user's session fails (${res.status()} ${other.page.url()})`);
  } else {
    t.check(false, `user management screen missing (/users → ${users.status()})`);
  }
  const csp = await page.evaluate(() => window.__csp);
  t.check(csp.length === 0, `no CSP violation ${JSON.stringify(csp)}`);
  t.check(problems.filter((p) => !/404|403/.test(p)).length === 0, `no console error ${JSON.stringify(problems)}`);
} catch (e) {
  t.check(false, `exception: ${e.stack}`);
} finally {
  await browser.close();
  t.done();
}
