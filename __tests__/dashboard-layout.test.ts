import { buildDashboards, dashboardStats, type DashboardInput } from '../core/dashboard/layout';
import { MAX_METRICS_PER_DASHBOARD, MAX_METRICS_PER_WIDGET, MAX_WIDGETS_PER_DASHBOARD } from '../core/dashboard/constants';
import type { AlarmWidget, DashboardBody, LogWidget, MetricWidget, TextWidget } from '../core/dashboard/types';
import { parseLogsInsightsQuery, sourcesOf } from '../sim/logs-insights';
import { bodyProblems, fleetOf, resource, shuffled } from './dashboard-fixtures';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:pm-monitor';
const ALARMS = ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:pm-alarm-Monitor-RunsFailed', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:pm-alarm-Monitor-NotRunning'];

function build(o: Partial<DashboardInput> = {}) {
  return buildDashboards({ fleet: [], stackName: 'pm', homeRegion: 'us-east-1', health: { stateMachineArn: SM, alarmArns: ALARMS }, ...o });
}
const parse = (body: string): DashboardBody => JSON.parse(body);
const metricWidgets = (body: string) => parse(body).widgets.filter((w): w is MetricWidget => w.type === 'metric');
const texts = (body: string) => parse(body).widgets.filter((w): w is TextWidget => w.type === 'text').map((w) => w.properties.markdown);

describe('dashboard layout', () => {
  it.each([0, 1, 50, 1000])('%i resources: valid bodies within every CloudWatch limit', (n) => {
    const fleet = fleetOf(n);
    const docs = build({ fleet });

    expect(docs.length).toBeGreaterThanOrEqual(1);
    for (const doc of docs) {
      expect(bodyProblems(doc.body)).toEqual([]);
      const s = dashboardStats(doc.body);
      expect(s.widgets).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
      expect(s.metrics).toBeLessThanOrEqual(MAX_METRICS_PER_DASHBOARD);
      expect(s.maxMetricsPerWidget).toBeLessThanOrEqual(MAX_METRICS_PER_WIDGET);
    }
    // Every resource is drawn exactly once (its request sum in a utilization graph), on one of the dashboards.
    const rows = (w: MetricWidget) => w.properties.metrics as unknown as readonly unknown[][];
    const drawn = docs.flatMap((d) =>
      metricWidgets(d.body)
        .filter((w) => w.properties.title.startsWith('Utilization'))
        .flatMap((w) => rows(w).filter((m) => m[0] === 'AWS/Personalize').map((m) => m[3])),
    );
    expect(drawn.sort()).toEqual(fleet.map((r) => r.arn).sort());
    // No graph reads a metric the monitor publishes: only the fleet's "Resources Monitored" count does.
    const monitorRows = docs.flatMap((d) => metricWidgets(d.body).flatMap((w) => rows(w).filter((m) => m[0] === 'PersonalizeMonitor').map((m) => `${w.properties.title}: ${String(m[1])}`)));
    expect(monitorRows).toEqual(['Resources Monitored: monitoredResourceCount']);
  });

  it('rows go down the page: y never decreases and widgets of a row do not overlap', () => {
    const [doc] = build({ fleet: fleetOf(30) });
    const widgets = parse(doc.body).widgets;
    for (let i = 1; i < widgets.length; i++) {
      const [a, b] = [widgets[i - 1], widgets[i]];
      expect(b.y).toBeGreaterThanOrEqual(a.y);
      if (b.y === a.y) expect(b.x).toBeGreaterThanOrEqual(a.x + a.width);
      else expect(b.y).toBeGreaterThanOrEqual(a.y + a.height);
    }
  });

  it('an empty fleet gives one valid dashboard saying so', () => {
    const docs = build({ fleet: [], regions: ['us-east-1', 'eu-west-1'] });
    expect(docs.map((d) => d.name)).toEqual(['pm-dashboard']);
    expect(bodyProblems(docs[0].body)).toEqual([]);
    expect(texts(docs[0].body).join('\n')).toMatch(/No campaigns or recommenders are monitored[\s\S]*eu-west-1, us-east-1/);
    expect(metricWidgets(docs[0].body).map((w) => w.properties.title)).toEqual(['Resources Monitored', 'Monitor runs in the time range', 'Monitor runs']);
  });

  it('sets region on every metric widget: each graph is in its resources\' region', () => {
    const fleet = [resource(1, { region: 'eu-west-1', dsg: 'a' }), resource(2, { region: 'ap-southeast-2', dsg: 'a' }), resource(3, { region: 'us-east-1', dsg: null })];
    const [doc] = build({ fleet });
    for (const w of metricWidgets(doc.body)) {
      expect(w.properties.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      for (const m of w.properties.metrics as unknown as readonly string[][]) if (m[2]?.endsWith('Arn') && m[3]?.includes(':personalize:')) expect(m[3].split(':')[3]).toBe(w.properties.region);
    }
    const runs = metricWidgets(doc.body).find((w) => w.properties.title === 'Monitor runs')!;
    expect(runs.properties.metrics.map((m) => m[1])).toEqual(['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(runs.properties.metrics[0]).toEqual(['AWS/States', 'ExecutionsSucceeded', 'StateMachineArn', SM, expect.any(Object)]);
  });

  it('per dataset group: a text row with a console link, then the three 8-wide graphs, then errors', () => {
    const fleet = [resource(1, { dsg: 'shop', type: 'campaign', requestMetric: 'GetPersonalizedRanking' }), resource(3, { dsg: 'shop', type: 'recommender' })];
    const [doc] = build({ fleet });
    const widgets = parse(doc.body).widgets;
    const header = widgets.findIndex((w) => w.type === 'text' && w.properties.markdown.includes('Dataset group: **shop**'));
    expect(header).toBeGreaterThan(0);
    expect((widgets[header] as TextWidget).properties.markdown).toContain(
      '(https://us-east-1.console.aws.amazon.com/personalize/home?region=us-east-1#arn:aws:personalize:us-east-1:123456789012:dataset-group$shop/setup)',
    );
    const graphs = widgets.slice(header + 1, header + 4) as MetricWidget[];
    expect(graphs.map((g) => [g.width, g.properties.title])).toEqual([
      [8, 'Actual vs Provisioned TPS/RPS – shop'],
      [8, 'Utilization – shop'],
      [8, 'Latency – shop'],
    ]);
    expect(graphs[2].properties.metrics.map((m) => m[1])).toEqual(['GetPersonalizedRankingLatency', 'GetRecommendationsLatency']);
    expect((widgets[header + 4] as MetricWidget).properties.title).toBe('Errors (4xx / 5xx) – shop');
  });

  it('orders dataset groups by name, then resources by type and name; unknown group last', () => {
    const fleet = [
      resource(5, { dsg: 'zeta', type: 'campaign' }),
      resource(2, { dsg: null, type: 'campaign' }),
      resource(9, { dsg: 'alpha', type: 'recommender' }),
      resource(4, { dsg: 'alpha', type: 'campaign' }),
      resource(1, { dsg: 'alpha', type: 'campaign' }),
    ];
    const [doc] = build({ fleet });
    const headers = texts(doc.body).filter((t) => t.startsWith('### Dataset group')).map((t) => t.match(/\*\*(.+?)\*\*/)![1]);
    expect(headers).toEqual(['alpha', 'zeta', 'Unknown dataset group']);
    const util = metricWidgets(doc.body).find((w) => w.properties.title === 'Utilization – alpha')!;
    const labels = (util.properties.metrics as unknown as readonly { label?: string; expression?: string }[][]).filter((m) => m.length === 1 && m[0].expression).map((m) => m[0].label);
    expect(labels).toEqual(['camp-0001', 'camp-0004', 'rec-0009']);
  });

  it('is deterministic: a shuffled fleet gives the same bodies', () => {
    const fleet = fleetOf(120);
    expect(build({ fleet: shuffled(fleet) })).toEqual(build({ fleet }));
  });

  it('splits a large fleet into numbered dashboards linked from the index', () => {
    const docs = build({ fleet: fleetOf(1000) });
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.map((d) => d.name)).toEqual(docs.map((_, i) => (i === 0 ? 'pm-dashboard' : `pm-dashboard-${i + 1}`)));
    const index = texts(docs[0].body).find((t) => t.startsWith('### Dashboards'))!;
    for (const d of docs.slice(1)) expect(index).toContain(`[${d.name}](https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=${d.name})`);
    for (const d of docs.slice(1)) expect(texts(d.body)[0]).toContain('#dashboards:name=pm-dashboard)');
  });

  it('draws a dataset group larger than one graph in several sets, never over 500 metrics per widget', () => {
    const fleet = Array.from({ length: 600 }, (_, i) => resource(i, { dsg: 'huge', type: 'campaign' }));
    const docs = build({ fleet });
    const capacity = docs.flatMap((d) => metricWidgets(d.body).filter((w) => w.properties.title.startsWith('Actual vs Provisioned')));
    expect(capacity.length).toBeGreaterThan(1);
    expect(capacity.reduce((n, w) => n + w.properties.metrics.length, 0)).toBe(1200);
    expect(Math.max(...capacity.map((w) => w.properties.metrics.length))).toBeLessThanOrEqual(MAX_METRICS_PER_WIDGET);
    expect(capacity[1].properties.title).toMatch(/huge \(2\/\d+\)/);
  });

  it('many tiny dataset groups stay under 500 widgets per dashboard', () => {
    const fleet = Array.from({ length: 400 }, (_, i) => resource(i, { dsg: `g${String(i).padStart(3, '0')}` }));
    const docs = build({ fleet });
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(dashboardStats(d.body).widgets).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
  });

  it('findings, actions and health are live Logs Insights tables over the tasks\' log groups, whatever the build was given', () => {
    const [doc] = build({ fleet: fleetOf(3) });
    const body = parse(doc.body);
    const logs = body.widgets.filter((w): w is LogWidget => w.type === 'log');
    expect(logs.map((w) => w.properties.title)).toEqual([
      'Open findings (latest decision per resource; newest first)',
      'Open findings: count and estimated waste (USD per month)',
      'Actions (every outcome; the dashboard opens on the last 7 days)',
      'Monitor runs by outcome (last successful: outcome ok)',
      'Failed regions and their cause',
    ]);
    expect(logs.map((w) => sourcesOf(w.properties.query))).toEqual([
      ['/aws/lambda/pm-collect'],
      ['/aws/lambda/pm-collect'],
      ['/aws/lambda/pm-action-notify', '/aws/lambda/pm-approval'],
      ['/aws/lambda/pm-summarize-run'],
      ['/aws/lambda/pm-summarize-run'],
    ]);
    for (const w of logs) {
      expect(w.properties).toMatchObject({ region: 'us-east-1', view: 'table' });
      // Every query parses in the local evaluator's strict subset of Logs Insights QL.
      expect(() => parseLogsInsightsQuery(w.properties.query)).not.toThrow();
    }
    expect(logs).toHaveLength(5);
    // No table is text a rebuild wrote: nothing says "not part of this rebuild".
    expect(texts(doc.body).join('\n')).not.toMatch(/Not part of this rebuild|None reported to this build|No monitor run reported/);
    // The window the tables cover: the dashboard opens on 7 days.
    expect(body.start).toBe('-P7D');
  });

  it('monitor health: run counts over the time range, the own alarms and the executions graph', () => {
    const [doc] = build({ fleet: fleetOf(1) });
    const body = parse(doc.body);
    const counts = metricWidgets(doc.body).find((w) => w.properties.title === 'Monitor runs in the time range')!;
    expect(counts.properties).toMatchObject({ view: 'singleValue', stat: 'Sum', setPeriodToTimeRange: true });
    expect(counts.properties.metrics.map((m) => m[1])).toEqual(['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    const alarms = body.widgets.filter((w): w is AlarmWidget => w.type === 'alarm');
    expect(alarms.map((w) => w.properties.alarms)).toEqual([ALARMS]);
    expect(metricWidgets(doc.body).some((w) => w.properties.title === 'Monitor runs')).toBe(true);
    // Without the state machine or alarms (the function ARN unknown), the log tables still show.
    const [bare] = build({ fleet: fleetOf(1), health: {} });
    const types = parse(bare.body).widgets.map((w) => w.type);
    expect(types.filter((t) => t === 'alarm')).toHaveLength(0);
    expect(types.filter((t) => t === 'log')).toHaveLength(5);
  });

  it('prints widget and metric counts for 10, 100 and 1,000 resources', () => {
    const lines: string[] = [];
    for (const n of [10, 100, 1000]) {
      const docs = build({ fleet: fleetOf(n) });
      const stats = docs.map((d) => ({ name: d.name, ...dashboardStats(d.body) }));
      lines.push(
        `${n} resources → ${docs.length} dashboard(s): ` +
          stats.map((s) => `${s.name} ${s.widgets} widgets / ${s.metrics} metrics (max ${s.maxMetricsPerWidget} per widget, ${Math.round(s.bytes / 1024)} KiB)`).join('; '),
      );
      expect(stats.every((s) => s.metrics <= MAX_METRICS_PER_DASHBOARD)).toBe(true);
    }
    // CloudWatch counts every row (hidden request sums and expressions too): 7 rows per resource
    // (capacity 2, utilization 2, latency 1, errors 2) + 8 health and fleet rows on the index (the
    // resource count, 4 run counts, 3 execution graph rows); sections of 25 resources (175 rows)
    // fill a dashboard 14 at a time. The 5 log tables and the alarm widget are widgets without metrics.
    expect(lines).toEqual([
      expect.stringMatching(/^10 resources → 1 dashboard\(s\): pm-dashboard 70 widgets \/ 78 metrics \(max 4 per widget/),
      expect.stringMatching(/^100 resources → 1 dashboard\(s\): pm-dashboard 70 widgets \/ 708 metrics \(max 20 per widget/),
      expect.stringMatching(
        /^1000 resources → 3 dashboard\(s\): pm-dashboard 95 widgets \/ 2458 metrics \(max 50 per widget.*; pm-dashboard-2 85 widgets \/ 2450 metrics \(max 50 .*; pm-dashboard-3 73 widgets \/ 2100 metrics \(max 50 /,
      ),
    ]);
    console.log(`Dashboard sizes (limits: ${MAX_WIDGETS_PER_DASHBOARD} widgets, ${MAX_METRICS_PER_WIDGET} metrics/widget, ${MAX_METRICS_PER_DASHBOARD} metrics/dashboard):\n${lines.join('\n')}`);
  });
});
