/**
 * The demo's dashboard page in a real browser: a body built with the product's own builders
 * (plus a log, an alarm and a gappy metric widget) is rendered to a file, opened in headless
 * Chromium, screenshotted, and checked in the DOM: every widget drawn and visible in its box,
 * charts with axis labels, a gap drawn as a gap, table cells that never break words.
 *
 * Needs /usr/bin/chromium: `bash .ci/run` installs it (apt-get install chromium).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { chromium, type Browser } from 'playwright-core';
import { buildDashboards } from '../core/dashboard/layout';
import { alarmStatusWidget, logTableWidget, metricRow, place, timeSeriesWidget } from '../core/dashboard/widgets';
import type { DashboardBody } from '../core/dashboard/types';
import type { MonitoredResource } from '../core/types';
import { renderDashboardPage, type LogsResult } from '../demo/dashboard-page';
import { DAY_MS, MINUTE_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { resource } from './dashboard-fixtures';

const CHROMIUM = '/usr/bin/chromium';
const REGION = 'us-east-1';
const SCREENSHOT = path.join(os.tmpdir(), 'pm-dashboard-browser.png');
// The function given to `tab.evaluate` runs in the page: its globals, loosely typed here (the
// project compiles without the DOM lib, and adding it would change every file's globals).
declare const document: any;
declare function getComputedStyle(e: unknown): any;
type Element = any;

const LONG_ARN = 'arn:aws:personalize:us-east-1:123456789012:campaign/a-campaign-with-a-name-long-enough-to-overflow-any-cell';

describe('dashboard.html in headless Chromium', () => {
  let account: SimAccount;
  let server: SimServer;
  let browser: Browser | undefined;
  let dir: string;
  const clients: CloudWatchClient[] = [];

  beforeAll(async () => {
    // Fail (never skip): a missing browser must not pass CI silently.
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: this test needs Chromium; \`bash .ci/run\` installs it (apt-get install chromium)`);
    account = new SimAccount({ personalizeMetricDelayMs: 0 });
    server = await startSimServer(account);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-dashboard-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    clients.forEach((c) => c.destroy());
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const client = (region: string) => {
    const c = new CloudWatchClient(simClientConfig(server.url, region, { maxAttempts: 1, caller: 'viewer' }));
    clients.push(c);
    return c;
  };

  it('draws every widget of a built dashboard in its box, with axis labels, gaps and unbroken table cells', async () => {
    const now = account.clock.now();
    // Two campaigns with traffic, so the product's graphs have data.
    const fleet: MonitoredResource[] = ['shop', 'idle'].map((name, i) => {
      const arn = account.personalize.createCampaign({ region: REGION, name, minProvisionedTPS: 2 + i, createdAt: now - 3 * DAY_MS, traffic: i ? traffic.idle() : traffic.constant(3) });
      return { ...resource(i, { type: 'campaign', region: REGION, dsg: 'demo' }), arn, name, minCapacity: 2 + i };
    });
    const [doc] = buildDashboards({ fleet, stackName: 'pm', homeRegion: REGION });
    const built = JSON.parse(doc.body) as DashboardBody;

    // A metric with a day without data, and a log and an alarm widget, below the built ones.
    for (let t = now - 7 * DAY_MS; t < now; t += 5 * MINUTE_MS) {
      if (t >= now - 4 * DAY_MS && t < now - 3 * DAY_MS) continue;
      account.metrics.put({ region: REGION, namespace: 'Test/Browser', metricName: 'Gappy', dimensions: [] }, t, { sampleCount: 1, sum: 2, min: 2, max: 2 });
    }
    const bottom = Math.max(0, ...built.widgets.map((w) => w.y + w.height));
    const gappy = timeSeriesWidget({ width: 12, height: 6, title: 'Gappy series', region: REGION, stat: 'Sum', metrics: [metricRow('Test/Browser', 'Gappy', [])], yAxis: { left: { label: 'Count', min: 0 } } });
    const logs = logTableWidget('Open findings (test)', REGION, "SOURCE '/aws/lambda/pm-collect' | fields resourceArn, minimum | limit 10", { width: 12, height: 6 });
    const alarms = alarmStatusWidget('Alarms (test)', [`arn:aws:cloudwatch:${REGION}:123456789012:alarm:pm-missing`], { width: 12, height: 3 });
    const body: DashboardBody = { ...built, widgets: [...built.widgets, place(gappy, 0, bottom), place(logs, 12, bottom), place(alarms, 0, bottom + 6)] };
    const result: LogsResult = { fields: ['resourceArn', 'minimum', 'updated'], rows: [{ resourceArn: LONG_ARN, minimum: 3, updated: null }] };

    const page = await renderDashboardPage([{ name: doc.name, body: JSON.stringify(body) }], { client, endMs: now, title: 'browser test', logs: () => result });
    expect(page.widgets).toBe(body.widgets.length);
    const file = path.join(dir, 'dashboard.html');
    fs.writeFileSync(file, page.html);

    const tab = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const external: string[] = [];
    tab.on('request', (r) => {
      if (!r.url().startsWith('file:')) external.push(r.url());
    });
    await tab.goto(`file://${file}`);
    await tab.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.length).toBeGreaterThan(20_000);
    expect(external).toEqual([]); // self-contained

    const dom = await tab.evaluate(() => {
      const box = (e: Element) => e.getBoundingClientRect();
      const widgets = [...document.querySelectorAll('[data-widget-index]')].map((w) => {
        const r = box(w);
        const s = getComputedStyle(w);
        return { type: w.dataset.widgetType, index: Number(w.dataset.widgetIndex), width: r.width, height: r.height, visible: s.visibility !== 'hidden' && s.display !== 'none', title: w.querySelector('h3')?.textContent ?? '' };
      });
      const charts = [...document.querySelectorAll('.plot svg')].map((svg) => ({
        yTicks: svg.querySelectorAll('.y-tick').length,
        xTicks: svg.querySelectorAll('.x-tick').length,
        axisTitle: svg.querySelector('.axis-title')?.textContent ?? null,
        title: svg.closest('.card')?.querySelector('h3')?.textContent ?? '',
      }));
      const gappy = [...document.querySelectorAll('.widget')].find((w) => w.querySelector('h3')?.textContent === 'Gappy series');
      const gapRuns = gappy?.querySelectorAll('g.series[data-series="0"] polyline').length ?? 0;
      const cells = [...document.querySelectorAll('td, th')].map((td) => getComputedStyle(td).wordBreak);
      // The long ARN: on one line, and inside its widget or in a box that scrolls.
      const arnCell = [...document.querySelectorAll('td')].find((td) => td.textContent === 'arn:aws:personalize:us-east-1:123456789012:campaign/a-campaign-with-a-name-long-enough-to-overflow-any-cell');
      const widget = arnCell?.closest('.widget');
      const scroller = arnCell?.closest('.table-scroll');
      const lines = arnCell ? (() => {
        const range = document.createRange();
        range.selectNodeContents(arnCell);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      })() : 0;
      return {
        widgets,
        charts,
        gapRuns,
        cells,
        arn: arnCell && widget && scroller
          ? {
              lines,
              inside: box(arnCell).right <= box(widget).right + 0.5,
              scrolls: getComputedStyle(scroller).overflowX === 'auto' && scroller.scrollWidth > scroller.clientWidth && box(scroller).right <= box(widget).right + 0.5,
            }
          : undefined,
        productArnCells: [...document.querySelectorAll('td code')].filter((c) => c.textContent?.startsWith('arn:')).map((c) => c.getClientRects().length),
      };
    });

    // Every widget of the body, in order, drawn with a box.
    expect(dom.widgets.map((w) => `${w.type}#${w.index}`)).toEqual(body.widgets.map((w, i) => `${w.type}#${i}`));
    for (const w of dom.widgets) {
      expect(w.visible).toBe(true);
      expect(w.width).toBeGreaterThan(0);
      expect(w.height).toBeGreaterThan(0);
    }
    // Boxes follow the grid: a 12-wide, 6-high widget is 12 × 56 by 6 × 36 px.
    const g = dom.widgets.find((w) => w.title === 'Gappy series')!;
    expect([g.width, g.height]).toEqual([12 * 56, 6 * 36]);
    expect(dom.widgets.filter((w) => w.type === 'log' || w.type === 'alarm').length).toBeGreaterThanOrEqual(2);

    // Charts carry tick labels; those whose body names a y-axis label show it.
    expect(dom.charts.length).toBeGreaterThan(2);
    for (const c of dom.charts) {
      expect(c.yTicks).toBeGreaterThanOrEqual(2);
      expect(c.xTicks).toBeGreaterThanOrEqual(2);
    }
    const labelled = body.widgets.filter((w) => w.type === 'metric' && w.properties.view === 'timeSeries' && w.properties.yAxis?.left?.label).map((w) => (w.properties as { title?: string }).title);
    for (const c of dom.charts.filter((x) => labelled.includes(x.title))) expect(c.axisTitle).toBeTruthy();
    expect(dom.charts.find((c) => c.title === 'Gappy series')?.axisTitle).toBe('Count');

    expect(dom.gapRuns).toBeGreaterThanOrEqual(2);

    expect(dom.cells.length).toBeGreaterThan(0);
    expect(dom.cells.filter((w) => w === 'break-all')).toEqual([]);
    expect(dom.arn).toBeDefined();
    expect(dom.arn!.lines).toBe(1); // never split
    expect(dom.arn!.inside || dom.arn!.scrolls).toBe(true);
    expect(dom.productArnCells.every((n) => n === 1)).toBe(true); // ARNs of the built tables on one line too
    await tab.close();
  });
});
