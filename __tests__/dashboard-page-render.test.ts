/**
 * The demo's dashboard page draws what CloudWatch would draw from the same body: the rows' period
 * and statistic (coarser periods requested when the range holds more than 1,440 of them), the
 * body's time range, the y axis, the 24-column grid, gaps, integers, tables that never break
 * words, more than 10 distinguishable series, log and alarm widgets, every widget of the body.
 */
import { CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  applyDuration,
  consolePeriod,
  dashboardTimeRange,
  formatNumber,
  gridPlacement,
  logCell,
  parseAlarmArn,
  renderDashboardPage,
  segments,
  svgChart,
  widgetRequests,
  type LogsQuery,
  type LogsResult,
} from '../demo/dashboard-page';
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount } from '../sim';
import { simViewer } from './support/sim-viewer';

const REGION = 'us-east-1';
const NS = 'Test/Page';

/** A metric row of NS without dimensions. */
const row = (metricName: string, options: Record<string, unknown> = {}) => [NS, metricName, options];

/** A metric widget of the test namespace. */
function metricWidget(title: string, metrics: unknown[], extra: Record<string, unknown> = {}, box: Record<string, number> = { x: 0, y: 0, width: 12, height: 6 }) {
  return { type: 'metric', ...box, properties: { view: 'timeSeries', title, region: REGION, stat: 'Sum', period: 300, metrics, ...extra } };
}

const body = (widgets: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ widgets, ...extra });

/** The card (outer widget element) of the widget with `index` in the page. */
function widgetHtml(html: string, index: number, dashboard = 0): string {
  const sections = html.split('<section ').slice(1);
  const parts = sections[dashboard].split(/(?=<div class="widget )/);
  const hit = parts.find((p) => p.includes(`data-widget-index="${index}"`));
  if (!hit) throw new Error(`no widget ${index}`);
  return hit;
}

/** Polylines of the i-th series group of an SVG. */
const seriesRuns = (svg: string, i = 0) => {
  const g = new RegExp(`<g class="series" data-series="${i}">([\\s\\S]*?)</g>`).exec(svg);
  return g ? [...g[1].matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1]) : [];
};

describe('with a simulated CloudWatch', () => {
  let account: SimAccount;
  let now: number;
  /** GetMetricData inputs the page sent, in order. */
  let sent: { MetricDataQueries?: MetricDataQuery[]; StartTime?: Date; EndTime?: Date }[];
  const sim = simViewer({
    // Record what is actually requested (the sim's log has counts, not periods).
    onClient: (c) =>
      c.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'GetMetricDataCommand') sent.push(args.input as (typeof sent)[number]);
          return next(args);
        },
        { step: 'initialize' },
      ),
  });

  beforeEach(() => {
    account = sim.account;
    now = account.clock.now();
    sent = [];
  });
  const client = (region: string) => sim.client(region);
  /** `value` every 5 minutes for `days` before now, except in [holeFrom, holeTo). */
  const every5min = (metricName: string, value: number, days: number, hole?: [number, number]) => {
    for (let t = now - days * DAY_MS + 5 * MINUTE_MS; t < now; t += 5 * MINUTE_MS) {
      if (hole && t >= hole[0] && t < hole[1]) continue;
      account.metrics.put({ region: REGION, namespace: NS, metricName, dimensions: [] }, t, { sampleCount: 1, sum: value, min: value, max: value });
    }
  };
  const render = (bodies: string[], extra: Partial<Parameters<typeof renderDashboardPage>[1]> = {}) =>
    renderDashboardPage(
      bodies.map((b, i) => ({ name: `d${i}`, body: b })),
      { client, endMs: now, title: 'test', ...extra },
    );

  describe('1. period and statistic', () => {
    it('requests each row with the widget period and stat, a row overriding them', async () => {
      every5min('Requests', 3, 1);
      const page = await render([
        body(
          [metricWidget('w', [row('Requests', { id: 'm1' }), row('Requests', { id: 'm2', stat: 'Maximum', period: 3600 })], { stat: 'Sum', period: 300 })],
          { start: '-PT6H' },
        ),
      ]);
      expect(sent).toHaveLength(1);
      const stats = sent[0].MetricDataQueries!.map((q) => [q.Id, q.MetricStat?.Period, q.MetricStat?.Stat]);
      expect(stats).toEqual([
        ['m1', 300, 'Sum'],
        ['m2', 3600, 'Maximum'],
      ]);
      expect(page.html).not.toContain('shown as');
    });

    it('over 7 days requests 300 s rows at 900 s (≤ 1,440 points), says so, and keeps Sum a Sum and PERIOD() right', async () => {
      every5min('Requests', 3, 7);
      const page = await render([
        body(
          [
            metricWidget('sums', [row('Requests', { id: 'm1', visible: false }), [{ expression: 'm1/PERIOD(m1)', id: 'rate', label: 'per second' }], row('Requests', { label: 'sum' })]),
            { type: 'metric', x: 12, y: 0, width: 6, height: 4, properties: { view: 'singleValue', title: 'last sum', region: REGION, stat: 'Sum', period: 300, metrics: [row('Requests')] } },
          ],
          { start: '-P7D' },
        ),
      ]);
      expect(sent).toHaveLength(2); // one per widget: the period is chosen before asking, never re-read
      for (const input of sent) for (const q of input.MetricDataQueries!) if (q.MetricStat) expect(q.MetricStat.Period).toBe(900);
      expect(consolePeriod(300, 7 * DAY_MS)).toBe(900);
      const chart = widgetHtml(page.html, 0);
      expect(chart).toContain('<p class="note period-note">period 300 s shown as 900 s to fit 7 days</p>');
      // 3 per 5 minutes: a 900 s Sum is 9 (CloudWatch aggregated it), and 9 / 900 s = 0.01 per second.
      const single = widgetHtml(page.html, 1);
      expect(single).toContain('<b>9</b>');
      expect(single).toContain('period 300 s shown as 900 s to fit 7 days');
      expect(chart).toMatch(/<polyline[^>]*><title>per second<\/title>/);
      const ticks = [...chart.matchAll(/<text class="tick y-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(ticks.length).toBeGreaterThan(2);
      expect(ticks.every((t) => /^\d+$/.test(t))).toBe(true); // 0, 2, 4, ... up to the 900 s sum of 9: integers, no "2.0"
    });

    it('keeps the body period with periodOverride "inherit", and picks 3600 s for 60 days of 300 s', async () => {
      every5min('Requests', 3, 1);
      await render([body([metricWidget('w', [row('Requests')])], { start: '-P7D', periodOverride: 'inherit' })]);
      expect(sent[0].MetricDataQueries![0].MetricStat!.Period).toBe(300);
      expect(consolePeriod(300, 60 * DAY_MS)).toBe(3600);
      expect(consolePeriod(60, 24 * HOUR_MS)).toBe(60); // exactly 1,440 points: as is
      expect(consolePeriod(60, 25 * HOUR_MS)).toBe(300);
      expect(widgetRequests(metricWidget('w', [row('Requests')]), 7 * DAY_MS).adjusted).toEqual([{ fromSec: 300, toSec: 900 }]);
    });

    it('singleValue with setPeriodToTimeRange asks for one period over the whole range and shows an integer', async () => {
      every5min('Requests', 3, 1);
      const page = await render([
        body([{ type: 'metric', x: 0, y: 0, width: 6, height: 3, properties: { view: 'singleValue', title: 'total', region: REGION, stat: 'Sum', period: 300, setPeriodToTimeRange: true, metrics: [row('Requests')] } }], {
          start: '-PT6H',
        }),
      ]);
      expect(sent[0].MetricDataQueries![0].MetricStat).toMatchObject({ Period: 6 * 3600, Stat: 'Sum' });
      expect(widgetHtml(page.html, 0)).toContain('<b>216</b>'); // 72 five-minute values of 3
    });
  });

  describe('2. time range', () => {
    it('uses the body start relative to endMs, an absolute start/end, and startMs only without start', async () => {
      every5min('Requests', 1, 1);
      const absStart = new Date(now - 5 * HOUR_MS).toISOString();
      const absEnd = new Date(now - 1 * HOUR_MS).toISOString();
      const page = await render(
        [body([metricWidget('a', [row('Requests')])], { start: '-PT24H' }), body([metricWidget('b', [row('Requests')])]), body([metricWidget('c', [row('Requests')])], { start: absStart, end: absEnd })],
        { startMs: now - 2 * HOUR_MS },
      );
      expect(sent.map((s) => [s.StartTime!.getTime(), s.EndTime!.getTime()])).toEqual([
        [now - DAY_MS, now],
        [now - 2 * HOUR_MS, now],
        [now - 5 * HOUR_MS, now - HOUR_MS],
      ]);
      expect(page.html).toContain('(body: start -PT24H), 1 day.');
      expect(applyDuration('-P7D', now)).toBe(now - 7 * DAY_MS);
      expect(applyDuration('-PT15M', now)).toBe(now - 15 * MINUTE_MS);
      expect(applyDuration('-P1W', now)).toBe(now - 7 * DAY_MS);
      expect(applyDuration('-P1M', Date.UTC(2025, 5, 2))).toBe(Date.UTC(2025, 4, 2)); // a calendar month
      expect(dashboardTimeRange({}, now)).toEqual({ startMs: now - 3 * HOUR_MS, endMs: now }); // the console's default
      expect(() => dashboardTimeRange({ start: 'yesterday' }, now)).toThrow(/neither an ISO-8601 duration nor a timestamp/);
    });
  });

  describe('3. y axis', () => {
    it('draws yAxis.left.label as the axis title, honours min and max, and labels ticks', async () => {
      every5min('Requests', 3, 1);
      const page = await render([body([metricWidget('w', [row('Requests')], { yAxis: { left: { label: 'Requests / 5 min', min: 0, max: 20, showUnits: false } } })], { start: '-PT6H' })]);
      const svg = /<svg[\s\S]*?<\/svg>/.exec(widgetHtml(page.html, 0))![0];
      expect(svg).toMatch(/<text class="axis-title"[^>]*transform="rotate\(-90[^"]*"[^>]*>Requests \/ 5 min<\/text>/);
      const ticks = [...svg.matchAll(/<text class="tick y-tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(ticks[0]).toBe('0');
      expect(ticks[ticks.length - 1]).toBe('20'); // max 20, though the data peaks at 3
      expect(ticks.every((t) => /^\d+$/.test(t))).toBe(true);
      expect([...svg.matchAll(/<text class="tick x-tick"[^>]*>(\d\d:\d\d)<\/text>/g)].length).toBeGreaterThan(2);
    });
  });

  describe('4. grid', () => {
    it('places each widget with grid-column / grid-row from x, y, width, height on 24 columns', async () => {
      const page = await render([
        body([
          { type: 'text', x: 0, y: 0, width: 24, height: 2, properties: { markdown: '# head' } },
          { type: 'text', x: 12, y: 3, width: 6, height: 4, properties: { markdown: 'side' } },
          { type: 'text', width: 8, height: 3, properties: { markdown: 'no position' } },
        ]),
      ]);
      expect(widgetHtml(page.html, 0)).toContain('style="grid-column:1 / span 24;grid-row:1 / span 2;height:72px"');
      expect(widgetHtml(page.html, 1)).toContain('style="grid-column:13 / span 6;grid-row:4 / span 4;height:144px"');
      expect(widgetHtml(page.html, 2)).toContain('style="grid-column:span 8;grid-row:span 3;height:108px"');
      expect(page.html).toMatch(/\.grid\{display:grid;grid-template-columns:repeat\(24,56px\);grid-auto-rows:36px/);
      expect(page.html).not.toContain('flex-wrap:wrap;gap:14px');
      expect(gridPlacement({ x: 20, y: 0, width: 12, height: 6 }).style).toBe('grid-column:21 / span 4;grid-row:1 / span 6'); // clipped to the grid
    });

    it('sizes a chart to its box', async () => {
      every5min('Requests', 3, 1);
      const page = await render([body([metricWidget('wide', [row('Requests')], {}, { x: 0, y: 0, width: 24, height: 8 }), metricWidget('small', [row('Requests')], {}, { x: 0, y: 8, width: 6, height: 6 })], { start: '-PT6H' })]);
      const size = (i: number) => /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(widgetHtml(page.html, i))!.slice(1).map(Number);
      expect(size(0)[0]).toBe(24 * 56 - 26);
      expect(size(1)[0]).toBe(6 * 56 - 26);
      expect(size(0)[1]).toBeLessThanOrEqual(8 * 36 - 26);
    });
  });

  describe('5. gaps', () => {
    it('splits a series at missing periods, but not an expression that FILLs them', async () => {
      every5min('Gappy', 2, 1, [now - 4 * HOUR_MS, now - 3 * HOUR_MS]);
      const page = await render([
        body([metricWidget('gaps', [row('Gappy', { id: 'm1', label: 'raw' }), [{ expression: 'FILL(m1, 0)', id: 'f', label: 'filled' }]])], { start: '-PT6H' }),
      ]);
      const svg = /<svg[\s\S]*?<\/svg>/.exec(widgetHtml(page.html, 0))![0];
      expect(seriesRuns(svg, 0)).toHaveLength(2); // before and after the hour without data
      expect(seriesRuns(svg, 1)).toHaveLength(1); // FILL's zeros are real points
      const [before, after] = seriesRuns(svg, 0).map((p) => p.split(' ').map((xy) => Number(xy.split(',')[0])));
      expect(after[0] - before[before.length - 1]).toBeGreaterThan(5 * (before[1] - before[0]));
      // The pure splitter: a step over 1.5 periods starts a new run.
      const pts = [0, 1, 2, 5, 6].map((t) => ({ t: t * 60_000, v: 1 }));
      expect(segments(pts, 60_000).map((r) => r.length)).toEqual([3, 2]);
      expect(segments(pts).map((r) => r.length)).toEqual([3, 2]); // period inferred
    });
  });

  describe('6. numbers', () => {
    it('formats integers as integers, others with sensible precision, large numbers grouped', () => {
      expect(formatNumber(9)).toBe('9');
      expect(formatNumber(0.1 * 3 * 30)).toBe('9');
      expect(formatNumber(2.5)).toBe('2.5');
      expect(formatNumber(1 / 3)).toBe('0.333');
      expect(formatNumber(0.012345)).toBe('0.0123');
      expect(formatNumber(12345)).toBe('12,345');
      expect(formatNumber(1234567.89)).toBe('1,234,567.9');
      expect(formatNumber(-42)).toBe('-42');
      expect(logCell('9.0')).toBe('9');
      expect(logCell('123456789012')).toBe('123456789012'); // ids are not numbers to group
      expect(logCell(null)).toBe('');
    });
  });

  describe('7. text tables', () => {
    it('wraps table cells at spaces only; long ARNs scroll inside the widget', async () => {
      const arn = 'arn:aws:personalize:us-east-1:123456789012:campaign/a-very-long-campaign-name-that-does-not-fit';
      const page = await render([body([{ type: 'text', x: 0, y: 0, width: 6, height: 4, properties: { markdown: `| Resource | ARN |\n|---|---|\n| shop | \`${arn}\` |` } }])]);
      const css = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1];
      expect(css).not.toContain('break-all');
      expect(css).toMatch(/th,td\{[^}]*word-break:normal;overflow-wrap:normal;white-space:normal/);
      expect(css).toMatch(/\.table-scroll\{overflow-x:auto/);
      expect(css).toMatch(/code\{[^}]*white-space:nowrap/);
      expect(widgetHtml(page.html, 0)).toContain(`<div class="table-scroll"><table><tr><th>Resource</th><th>ARN</th></tr><tr><td>shop</td><td><code>${arn}</code></td></tr></table></div>`);
    });
  });

  describe('8. palette', () => {
    it('gives 20 series 20 distinct colours and later ones a dash pattern, each in the legend', async () => {
      for (let i = 0; i < 25; i++) every5min(`M${i}`, i + 1, 1);
      const page = await render([body([metricWidget('many', Array.from({ length: 25 }, (_, i) => row(`M${i}`, { label: `series ${i}` })), {}, { x: 0, y: 0, width: 24, height: 10 })], { start: '-PT6H' })]);
      const html = widgetHtml(page.html, 0);
      const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
      const styles = Array.from({ length: 25 }, (_, i) => {
        const m = new RegExp(`<g class="series" data-series="${i}"><polyline fill="none" stroke="(#[0-9a-f]+)" stroke-width="1.5"( stroke-dasharray="([^"]+)")?`).exec(svg)!;
        return { color: m[1], dash: m[3] ?? '' };
      });
      expect(new Set(styles.slice(0, 20).map((s) => s.color)).size).toBe(20);
      expect(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size).toBe(25);
      expect(styles.slice(20).every((s) => s.dash !== '')).toBe(true);
      const legend = /<ul class="legend"[^>]*>([\s\S]*?)<\/ul>/.exec(html)![1];
      expect(legend.match(/<li /g)).toHaveLength(25);
      expect(legend).toContain('series 24');
    });
  });

  describe('9. log and alarm widgets', () => {
    const logWidget = (title: string) => ({ type: 'log', x: 0, y: 0, width: 12, height: 6, properties: { title, region: 'eu-west-1', query: "SOURCE '/aws/lambda/x' | fields @timestamp, count", view: 'table' } });

    it('draws a log table from options.logs: columns, integers, ISO timestamps, empty nulls, row count, the query', async () => {
      const asked: LogsQuery[] = [];
      const logs = async (q: LogsQuery): Promise<LogsResult> => {
        asked.push(q);
        return {
          fields: ['@timestamp', 'count', 'resource', 'note', '@ptr'],
          rows: [
            { '@timestamp': '2025-06-01T10:00:00.000Z', count: 9, resource: 'shop', note: null, '@ptr': 'x' },
            { '@timestamp': '2025-06-01T11:00:00.000Z', count: 12345, resource: 'idle', note: 'ok', '@ptr': 'y' },
          ],
          recordsScanned: 200,
        };
      };
      const page = await render([body([logWidget('Findings')], { start: '-PT24H' })], { logs });
      expect(asked).toEqual([{ query: "SOURCE '/aws/lambda/x' | fields @timestamp, count", region: 'eu-west-1', startMs: now - DAY_MS, endMs: now }]);
      const w = widgetHtml(page.html, 0);
      expect(w).toContain('data-widget-type="log"');
      expect(w).toContain('<tr><th>@timestamp</th><th>count</th><th>resource</th><th>note</th></tr>'); // @ptr hidden
      expect(w).toContain('<tr><td>2025-06-01T10:00:00.000Z</td><td>9</td><td>shop</td><td></td></tr>');
      expect(w).toContain('<td>12,345</td>');
      expect(w).toContain('2 rows · 200 records scanned');
      expect(w).toMatch(/<details class="query"><summary>Query \(eu-west-1\)<\/summary><pre>SOURCE &#39;|<details class="query"><summary>Query \(eu-west-1\)<\/summary><pre>SOURCE '/);
      expect(page).toMatchObject({ logWidgets: 1, widgets: 1, widgetErrors: 0 });
    });

    it('says "No data found" for zero rows, shows the error of a failing query, and a note without options.logs', async () => {
      let n = 0;
      const logs = (): LogsResult => {
        n += 1;
        if (n === 2) throw new Error('MalformedQueryException: unexpected token');
        return { fields: ['a'], rows: [] };
      };
      const bodies = [body([logWidget('empty'), logWidget('broken'), { type: 'text', x: 0, y: 6, width: 6, height: 2, properties: { markdown: 'still here' } }])];
      const page = await render(bodies, { logs });
      expect(widgetHtml(page.html, 0)).toContain('<p class="no-data">No data found</p>');
      expect(widgetHtml(page.html, 1)).toContain('The Logs Insights query failed: MalformedQueryException: unexpected token');
      expect(widgetHtml(page.html, 2)).toContain('still here');
      expect(page).toMatchObject({ logWidgets: 2, widgets: 3, widgetErrors: 1 });
      const without = await render(bodies);
      expect(widgetHtml(without.html, 0)).toContain('the renderer was given no logs source');
    });

    it('reads alarm states with DescribeAlarms per region: one tile per alarm, "not found" for a missing one', async () => {
      account.cloudwatch.putMetricAlarm(REGION, now, {
        AlarmName: 'pm-idle',
        Namespace: NS,
        MetricName: 'Requests',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      });
      const arn = (region: string, name: string) => `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
      const page = await render([body([{ type: 'alarm', x: 0, y: 0, width: 12, height: 4, properties: { title: 'Alarms', alarms: [arn(REGION, 'pm-idle'), arn('eu-west-1', 'pm-gone')] } }])]);
      const w = widgetHtml(page.html, 0);
      expect(w).toContain('<div class="alarm-tile state-insufficient"><div class="alarm-name">pm-idle</div><div class="alarm-state">INSUFFICIENT_DATA</div><div class="alarm-reason">Unchecked: Initial alarm creation</div></div>');
      expect(w).toContain('<div class="alarm-tile state-missing"><div class="alarm-name">pm-gone</div><div class="alarm-state">not found</div></div>');
      const calls = account.calls({ service: 'cloudwatch', operation: 'DescribeAlarms' });
      expect(calls.map((c) => c.region).sort()).toEqual(['eu-west-1', REGION]);
      expect(page).toMatchObject({ alarmWidgets: 1, widgetErrors: 0 });
      expect(parseAlarmArn(arn(REGION, 'a:b'))).toEqual({ region: REGION, name: 'a:b' });
    });

    it('colours ALARM red and OK green (states from a fake client), and survives a region that refuses', async () => {
      const asked: unknown[] = [];
      const fake = (region: string) =>
        ({
          send: async (cmd: { input: { AlarmNames?: string[] } }) => {
            asked.push({ region, ...cmd.input });
            if (region === 'ap-south-1') throw Object.assign(new Error('AccessDenied: not allowed'), { name: 'AccessDenied' });
            return {
              MetricAlarms: [
                { AlarmName: 'hot', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [9.0] was greater than 5' },
                { AlarmName: 'fine', StateValue: 'OK', StateReason: 'all good' },
              ],
            };
          },
        }) as unknown as CloudWatchClient;
      const arn = (region: string, name: string) => `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
      const page = await renderDashboardPage(
        [{ name: 'd', body: body([{ type: 'alarm', x: 0, y: 0, width: 12, height: 4, properties: { title: 'A', alarms: [arn(REGION, 'hot'), arn(REGION, 'fine'), arn('ap-south-1', 'far')] } }]) }],
        { client: fake, endMs: now, title: 't' },
      );
      expect(asked).toEqual([expect.objectContaining({ region: REGION, AlarmNames: ['hot', 'fine'] }), expect.objectContaining({ region: 'ap-south-1', AlarmNames: ['far'] })]);
      const w = widgetHtml(page.html, 0);
      expect(w).toContain('<div class="alarm-tile state-alarm"><div class="alarm-name">hot</div><div class="alarm-state">ALARM</div>');
      expect(w).toContain('<div class="alarm-tile state-ok"><div class="alarm-name">fine</div><div class="alarm-state">OK</div><div class="alarm-reason">all good</div>');
      expect(w).toContain('DescribeAlarms failed: AccessDenied: not allowed');
      expect(page.html).toMatch(/\.state-alarm\{border-left-color:#d13212\}/);
      expect(page.html).toMatch(/\.state-ok\{border-left-color:#1d8102\}/);
      expect(page.widgetErrors).toBe(1);
    });
  });

  describe('10. every widget', () => {
    it('draws every widget of every body with its type and index, and counts them', async () => {
      every5min('Requests', 3, 1);
      const widgets = [
        { type: 'text', x: 0, y: 0, width: 24, height: 1, properties: { markdown: 'hi' } },
        metricWidget('m', [row('Requests')], {}, { x: 0, y: 1, width: 12, height: 6 }),
        { type: 'metric', x: 12, y: 1, width: 6, height: 3, properties: { view: 'singleValue', title: 's', region: REGION, stat: 'Sum', period: 300, metrics: [row('Requests')] } },
        { type: 'log', x: 0, y: 7, width: 12, height: 4, properties: { title: 'l', region: REGION, query: "SOURCE 'g' | limit 1", view: 'table' } },
        { type: 'alarm', x: 12, y: 7, width: 12, height: 4, properties: { title: 'a', alarms: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:x'] } },
        { type: 'explorer', x: 0, y: 11, width: 6, height: 3, properties: { title: 'not local' } },
      ];
      const page = await render([body(widgets, { start: '-PT6H' }), body([widgets[0]])]);
      const drawn = [...page.html.matchAll(/<div class="widget [^"]*" data-widget-type="([a-z]+)" data-widget-index="(\d+)"/g)].map((m) => `${m[1]}#${m[2]}`);
      expect(drawn).toEqual(['text#0', 'metric#1', 'metric#2', 'log#3', 'alarm#4', 'explorer#5', 'text#0']);
      expect(widgetHtml(page.html, 5)).toContain('A "explorer" widget is not rendered by this page.');
      expect(page).toMatchObject({ widgets: 7, logWidgets: 1, alarmWidgets: 1, charts: 1, series: 2, seriesWithData: 2 });
      expect(page.html).not.toMatch(/<script|<link |src="http|href="\/\//);
    });
  });
});

describe('svgChart', () => {
  it('keeps its default size and draws a lone datapoint as a dot', () => {
    const svg = svgChart([{ label: 'one', region: REGION, points: [{ t: 1000, v: 1 }] }], 0, 2000);
    expect(svg).toContain('width="560" height="220"');
    expect(svg).toMatch(/<g class="series" data-series="0"><circle [^>]*><title>one<\/title><\/circle><\/g>/);
  });
});
