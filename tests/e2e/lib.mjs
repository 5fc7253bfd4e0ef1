// lib.mjs: shared helpers for the browser tests — launch Debian's Chromium, collect console errors and CSP violations, count checks.
import { chromium } from 'playwright-core';

export const base = process.env.ECC_BASE_URL;
export const opsBase = process.env.ECC_OPS_BASE_URL;
export const shots = `${process.env.ECC_VAR}/results/e2e`;

export function suite(name) {
  let passed = 0, failed = 0;
  return {
    check(cond, what) {
      if (cond) passed++;
      else { failed++; console.error(`FAIL ${name}: ${what}`); }
    },
    done() {
      console.log(`${name}: ${passed} passed, ${failed} failed`);
      process.exitCode = failed ? 1 : 0;
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page that records console errors, page errors, failed requests and CSP violations.
export async function watchedPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page, problems };
}
