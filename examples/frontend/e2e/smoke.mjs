#!/usr/bin/env node
// Browser smoke test of the example frontend, against any deployment of it:
//   BASE_URL=https://staging.example.com node e2e/smoke.mjs
// Passes when every page renders the item list and the backend version, and nothing on the way
// reports an error: no console error, no uncaught exception, no failed request, no HTTP error.
//
// Environment:
//   BASE_URL          where the frontend is served (required)
//   SMOKE_PATHS       comma list of paths to open (default "/"); deep links test the SPA fallback
//   EXPECT_VERSION    the backend version the page must show (optional)
//   CHROMIUM_PATH     a Chromium to drive (default: Playwright's own, `npx playwright-core install chromium`)
//   SMOKE_TIMEOUT_MS  per page (default 15000)
//   SMOKE_REPORT      file for the JSON report (schema "frontend-smoke/v1")
// GITHUB_STEP_SUMMARY, when set, gets a Markdown table. Exit status: 0 passed, 1 failed, 2 bad
// configuration or no browser.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Flags for a browser in a container or CI runner: no sandbox, no GPU, no calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

/** Reads and checks the configuration; throws an Error naming the bad variable. */
export function readConfig(env) {
  const problems = [];
  const baseUrl = (env.BASE_URL ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    problems.push(`BASE_URL must be an http(s) URL (got ${JSON.stringify(env.BASE_URL ?? '')})`);
  }
  const paths = (env.SMOKE_PATHS ?? '/')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of paths) {
    if (!item.startsWith('/'))
      problems.push(`SMOKE_PATHS entries must start with "/" (got ${JSON.stringify(item)})`);
  }
  const timeoutMs = Number(env.SMOKE_TIMEOUT_MS ?? 15000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 300000) {
    problems.push(
      `SMOKE_TIMEOUT_MS must be whole milliseconds from 1000 to 300000 (got ${JSON.stringify(env.SMOKE_TIMEOUT_MS)})`
    );
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return {
    baseUrl,
    paths: paths.length > 0 ? paths : ['/'],
    expectVersion: env.EXPECT_VERSION?.trim() || undefined,
    executablePath: env.CHROMIUM_PATH?.trim() || undefined,
    timeoutMs,
    reportFile: env.SMOKE_REPORT?.trim() || undefined
  };
}

/** Opens one page and collects what it shows and every error on the way. */
async function checkPage(context, config, pagePath) {
  const page = await context.newPage();
  const url = `${config.baseUrl}${pagePath}`;
  const errors = [];
  const origin = new URL(config.baseUrl).origin;
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push({ kind: 'console', text: message.text() });
  });
  page.on('pageerror', (error) => errors.push({ kind: 'exception', text: error.message }));
  page.on('requestfailed', (request) =>
    errors.push({
      kind: 'request',
      text: `${request.method()} ${request.url()}: ${request.failure()?.errorText}`
    })
  );
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().startsWith(origin)) {
      errors.push({
        kind: 'http',
        text: `${response.request().method()} ${response.url()} answered ${response.status()}`
      });
    }
  });

  const result = { path: pagePath, status: 0, title: '', items: [], backend: '', errors };
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: config.timeoutMs });
    result.status = response?.status() ?? 0;
    if (result.status !== 200) errors.push({ kind: 'render', text: `${url} answered ${result.status}` });
    result.title = await page.title();
    // Both parts load on their own: wait until neither shows its loading text any more.
    await page.waitForFunction(
      () => {
        const text = document.body?.textContent ?? '';
        return (
          text.includes('Items') && !text.includes('checking backend') && !text.includes('Loading items')
        );
      },
      undefined,
      { timeout: config.timeoutMs }
    );
    result.backend = ((await page.locator('header > span').first().textContent()) ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    result.items = (await page.locator('ul.items > li > strong').allTextContents()).map((name) =>
      name.trim()
    );
    for (const text of await page.locator('.error').allTextContents())
      errors.push({ kind: 'render', text: text.trim() });

    const version = /^backend (\S+) \S+ on the (\w+) track$/.exec(result.backend);
    if (!version) {
      errors.push({
        kind: 'render',
        text: `the backend version is not shown (header says ${JSON.stringify(result.backend)})`
      });
    } else if (config.expectVersion && version[1] !== config.expectVersion.replace(/^v/, '')) {
      errors.push({
        kind: 'render',
        text: `the page shows backend ${version[1]}, expected ${config.expectVersion}`
      });
    }
    const empty = (await page.getByText('No items yet.').count()) > 0;
    if (result.items.length === 0 && !empty)
      errors.push({ kind: 'render', text: 'the item list is not shown' });
  } catch (error) {
    errors.push({
      kind: 'render',
      text: `${url}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
    });
  } finally {
    await page.close();
  }
  return result;
}

/** Runs the smoke test; resolves with the report, whatever it found. */
export async function runSmoke(config, chromium) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'frontend-smoke-'));
  const startedAt = Date.now();
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      headless: true,
      executablePath: config.executablePath,
      args: CHROMIUM_ARGS,
      timeout: 30000
    });
    const pages = [];
    for (const pagePath of config.paths) pages.push(await checkPage(context, config, pagePath));
    return {
      schema: 'frontend-smoke/v1',
      baseUrl: config.baseUrl,
      passed: pages.every((page) => page.errors.length === 0),
      elapsedMs: Date.now() - startedAt,
      pages
    };
  } finally {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** A Markdown summary a person reads at a glance. */
export function renderSummary(report) {
  const escape = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `### Frontend smoke: ${report.passed ? 'passed' : 'FAILED'} (${report.baseUrl})`,
    '',
    '| page | status | backend | items | errors |',
    '| --- | --- | --- | --- | --- |',
    ...report.pages.map(
      (page) =>
        `| \`${page.path}\` | ${page.status} | ${escape(page.backend || '-')} | ${page.items.length} | ${page.errors.length} |`
    )
  ];
  const errors = report.pages.flatMap((page) => page.errors.map((error) => ({ ...error, path: page.path })));
  if (errors.length > 0) {
    lines.push('', '| page | kind | error |', '| --- | --- | --- |');
    for (const error of errors.slice(0, 30))
      lines.push(`| \`${error.path}\` | ${error.kind} | ${escape(error.text)} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    process.stderr.write(`smoke: ${error.message}\n`);
    return 2;
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    process.stderr.write('smoke: playwright-core is not installed (npm install --no-save playwright-core)\n');
    return 2;
  }
  let report;
  try {
    report = await runSmoke(config, chromium);
  } catch (error) {
    process.stderr.write(
      `smoke: could not start the browser: ${error instanceof Error ? error.message : error}\n`
    );
    return 2;
  }
  for (const page of report.pages) {
    process.stdout.write(
      `${page.errors.length === 0 ? 'ok  ' : 'FAIL'} ${page.path}: ${page.status}, ${page.backend || 'no backend version'}, ${page.items.length} item(s)\n`
    );
    for (const error of page.errors) process.stdout.write(`     ${error.kind}: ${error.text}\n`);
  }
  if (config.reportFile) writeFileSync(config.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderSummary(report));
  return report.passed ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/smoke.mjs')) {
  process.exitCode = await main();
}
