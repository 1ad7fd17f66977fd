// Opens the status page in headless Chromium (the system browser, /usr/bin/chromium by default) and checks
// what a person would look for: the broker and a given topic in the tables, at least MIN_RANGE_SERVERS range
// servers, and a produce throughput chart with non-zero points while something produces. Saves a
// screenshot. Works on both pages: a process's (standalone, cluster broker) and PD's cluster page.
//
//   node status-page.js STATUS_URL TOPIC SCREENSHOT_PNG [BROKER_ID] [MIN_RANGE_SERVERS]
//
// Exit code 0 when every check passed; otherwise prints why and exits 1. Bounded: gives up after 60 s.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, topic, screenshot, brokerId = '1', minRangeServersArg = '1'] = process.argv.slice(2);
const minRangeServers = parseInt(minRangeServersArg, 10);
if (!url || !topic || !screenshot) {
  console.error('usage: node status-page.js STATUS_URL TOPIC SCREENSHOT_PNG [BROKER_ID] [MIN_RANGE_SERVERS]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = 60000;

async function main() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-status-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(url, { timeout: TIMEOUT_MS });

    await page.waitForFunction((id) => Array.from(document.querySelectorAll('#brokers tbody tr'))
      .some((tr) => tr.cells.length > 1 && tr.cells[0].textContent === id), brokerId, { timeout: TIMEOUT_MS });
    console.log('broker ' + brokerId + ' is listed');
    await page.waitForFunction((t) => Array.from(document.querySelectorAll('#topics tbody tr'))
      .some((tr) => tr.cells.length > 1 && tr.cells[0].textContent === t), topic, { timeout: TIMEOUT_MS });
    console.log('topic ' + topic + ' is listed');
    await page.waitForFunction(() => window.esCharts && window.esCharts.produce.points.filter((p) => p.v > 0).length >= 2,
      null, { timeout: TIMEOUT_MS, polling: 250 });
    const points = await page.evaluate(() => window.esCharts.produce.points.map((p) => p.v));
    console.log('produce throughput points (bytes/s): ' + points.map((v) => Math.round(v)).join(' '));
    await page.waitForFunction((n) => Array.from(document.querySelectorAll('#range-servers tbody tr'))
      .filter((tr) => tr.cells.length > 1).length >= n, minRangeServers, { timeout: TIMEOUT_MS });
    const rangeServers = await page.$$eval('#range-servers tbody tr', (rows) => rows.filter((r) => r.cells.length > 1).length);
    console.log(rangeServers + ' range servers listed');
    // One more refresh so the screenshot shows a few points of the chart.
    await page.waitForTimeout(2500);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log('screenshot saved to ' + screenshot);
    if (pageErrors.length > 0) {
      throw new Error('JavaScript errors on the page: ' + pageErrors.join('; '));
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error('status page check failed: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
