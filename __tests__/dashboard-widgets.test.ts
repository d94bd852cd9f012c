import {
  capacityGraph,
  errorsGraph,
  expressionRow,
  latencyGraph,
  metricRow,
  place,
  resourcesMonitoredWidget,
  singleValueWidget,
  textWidget,
  timeSeriesWidget,
  utilizationGraph,
} from '../core/dashboard/widgets';
import { alarmsUrl, consoleHostOrNone, dashboardUrl, datasetGroupUrl, partitionOfRegion, stateMachineUrl } from '../core/dashboard/links';
import { dashboardPageName } from '../core/dashboard/names';
import { mdEscape, mdLink } from '../core/dashboard/markdown';
import { bodyProblems, resource } from './dashboard-fixtures';

const SIZE = { width: 8, height: 8 };

describe('dashboard widget builders', () => {
  it('renders metric rows as [namespace, metric, dimName, dimValue, {options}] and leaves empty options off', () => {
    expect(metricRow('NS', 'm', [{ name: 'D', value: 'v' }], { label: 'l' })).toEqual(['NS', 'm', 'D', 'v', { label: 'l' }]);
    expect(metricRow('NS', 'm', [])).toEqual(['NS', 'm']);
    expect(metricRow('NS', 'm', [], {})).toEqual(['NS', 'm']);
  });

  it('capacity graph: actual TPS/RPS by metric math over AWS/Personalize, each minimum an annotation, the lowest allowed at 1', () => {
    const camp = resource(1, { type: 'campaign' });
    const rec = resource(3, { type: 'recommender', requestMetric: 'GetPersonalizedRanking' });
    const w = capacityGraph([camp, rec], 'us-east-1', SIZE);
    expect(w.type).toBe('metric');
    if (w.type !== 'metric') return;
    expect(w.properties.region).toBe('us-east-1');
    expect(w.properties.view).toBe('timeSeries');
    expect(w.properties.period).toBe(300);
    expect(w.properties.annotations?.horizontal).toEqual([
      { value: 2, label: `${camp.name} minimum` },
      { value: 4, label: `${rec.name} minimum` },
      { value: 1, label: 'Lowest minimum allowed' },
    ]);
    expect(w.properties.metrics).toEqual([
      ['AWS/Personalize', 'GetRecommendations', 'CampaignArn', camp.arn, { id: 'm1', stat: 'Sum', visible: false }],
      [{ expression: 'm1/PERIOD(m1)', label: `${camp.name} actual`, id: 'a1' }],
      ['AWS/Personalize', 'GetPersonalizedRanking', 'RecommenderArn', rec.arn, { id: 'm2', stat: 'Sum', visible: false }],
      [{ expression: 'm2/PERIOD(m2)', label: `${rec.name} actual`, id: 'a2' }],
    ]);
  });

  it('utilization: 100*FILL(m,0)/PERIOD(m)/<minimum> per resource, the minimum a constant (the alarm\'s expression)', () => {
    const camp = resource(1, { type: 'campaign' });
    const rec = resource(3, { type: 'recommender' });
    const w = utilizationGraph([camp, rec], 'eu-west-1', SIZE);
    if (w.type !== 'metric') throw new Error('expected a metric widget');
    expect(w.properties.metrics).toEqual([
      ['AWS/Personalize', 'GetRecommendations', 'CampaignArn', camp.arn, { id: 'm1', stat: 'Sum', visible: false }],
      [{ expression: '100*FILL(m1,0)/PERIOD(m1)/2', label: camp.name, id: 'u1' }],
      ['AWS/Personalize', 'GetRecommendations', 'RecommenderArn', rec.arn, { id: 'm2', stat: 'Sum', visible: false }],
      [{ expression: '100*FILL(m2,0)/PERIOD(m2)/4', label: rec.name, id: 'u2' }],
    ]);
    expect(w.properties.region).toBe('eu-west-1');
    expect(w.properties.period).toBe(300);
    // The expression changes with the minimum (the builder rewrites the body when the fleet changes).
    const raised = utilizationGraph([{ ...camp, minCapacity: 7 }], 'eu-west-1', SIZE);
    if (raised.type !== 'metric') throw new Error('expected a metric widget');
    expect(raised.properties.metrics[1]).toEqual([{ expression: '100*FILL(m1,0)/PERIOD(m1)/7', label: camp.name, id: 'u1' }]);
  });

  it('capacity and utilization graphs read no PersonalizeMonitor metric, ids unique, valid bodies, ≤ 500 rows for 250 resources', () => {
    const fleet = Array.from({ length: 250 }, (_, i) => resource(i, { region: 'us-east-1' }));
    for (const w of [capacityGraph(fleet, 'us-east-1', SIZE), utilizationGraph(fleet, 'us-east-1', SIZE)]) {
      if (w.type !== 'metric') throw new Error('expected a metric widget');
      const rows = w.properties.metrics as unknown as readonly unknown[][];
      expect(rows).toHaveLength(500);
      expect(rows.filter((r) => r[0] === 'PersonalizeMonitor')).toEqual([]);
      const ids = rows.map((r) => (r[r.length - 1] as { id: string }).id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(bodyProblems(JSON.stringify({ widgets: [place(w, 0, 0)] }))).toEqual([]);
    }
    expect(() => capacityGraph([...fleet, resource(999)], 'us-east-1', SIZE)).toThrow(/502 metrics.*500/);
  });

  it('refuses metric-math ids CloudWatch would reject (duplicate, not lowercase first)', () => {
    expect(() => expressionRow('m1', 'M1')).toThrow(/lowercase/);
    const dup = [metricRow('NS', 'm', [], { id: 'x1' }), expressionRow('x1*2', 'x1')];
    expect(() => timeSeriesWidget({ title: 'Dup', region: 'us-east-1', metrics: dup, stat: 'Sum', ...SIZE })).toThrow(/"Dup".*x1.*twice/);
  });

  it('latency and error metrics follow the request metric (ranking recipe → GetPersonalizedRanking*)', () => {
    const ranking = resource(1, { type: 'campaign', requestMetric: 'GetPersonalizedRanking' });
    const recs = resource(2, { type: 'campaign', requestMetric: 'GetRecommendations' });
    const lat = latencyGraph([ranking, recs], 'us-east-1', SIZE);
    const err = errorsGraph([ranking], 'us-east-1', SIZE);
    if (lat.type !== 'metric' || err.type !== 'metric') throw new Error('expected metric widgets');
    expect(lat.properties.metrics.map((m) => [m[0], m[1]])).toEqual([
      ['AWS/Personalize', 'GetPersonalizedRankingLatency'],
      ['AWS/Personalize', 'GetRecommendationsLatency'],
    ]);
    expect(err.properties.metrics.map((m) => m[1])).toEqual(['GetPersonalizedRanking4xxErrors', 'GetPersonalizedRanking5xxErrors']);
    expect(err.properties.stat).toBe('Sum');
  });

  it('"Resources Monitored" is a single value of monitoredResourceCount in the home region', () => {
    const w = resourcesMonitoredWidget('eu-central-1', { width: 6, height: 4 });
    if (w.type !== 'metric') throw new Error('expected a metric widget');
    expect(w.properties).toMatchObject({ view: 'singleValue', title: 'Resources Monitored', region: 'eu-central-1', metrics: [['PersonalizeMonitor', 'monitoredResourceCount']] });
  });

  it('refuses widgets CloudWatch would reject, naming the widget', () => {
    const many = Array.from({ length: 501 }, (_, i) => metricRow('NS', `m${i}`, []));
    expect(() => timeSeriesWidget({ title: 'Big', region: 'us-east-1', metrics: many, stat: 'Sum', ...SIZE })).toThrow(/"Big".*501 metrics.*500/);
    expect(() => timeSeriesWidget({ title: 'None', region: 'us-east-1', metrics: [], stat: 'Sum', ...SIZE })).toThrow(/"None".*at least one metric/);
    expect(() => singleValueWidget({ title: 'NoRegion', region: '', metrics: [metricRow('NS', 'm', [])], stat: 'Sum', ...SIZE })).toThrow(/region is required/);
    expect(() => textWidget('x', { width: 25, height: 1 })).toThrow(/width must be 1-24/);
    expect(() => place(textWidget('x', { width: 10, height: 1 }), 15, 0)).toThrow(/24-column grid/);
  });

  it('places widgets with type, position, size and properties', () => {
    const w = place(textWidget('# hi', { width: 24, height: 2 }), 0, 5);
    expect(w).toEqual({ type: 'text', x: 0, y: 5, width: 24, height: 2, properties: { markdown: '# hi' } });
  });
});

describe('console links by partition', () => {
  it.each([
    ['aws', 'us-east-1', 'https://us-east-1.console.aws.amazon.com'],
    ['aws-cn', 'cn-north-1', 'https://console.amazonaws.cn'],
    ['aws-us-gov', 'us-gov-west-1', 'https://console.amazonaws-us-gov.com'],
  ])('%s in %s → %s', (partition, region, host) => {
    expect(consoleHostOrNone(partition, region)).toBe(host);
    expect(partitionOfRegion(region)).toBe(partition);
    const dsg = `arn:${partition}:personalize:${region}:123456789012:dataset-group/shop`;
    expect(datasetGroupUrl(dsg)).toBe(`${host}/personalize/home?region=${region}#arn:${partition}:personalize:${region}:123456789012:dataset-group$shop/setup`);
    expect(alarmsUrl(partition, region)).toBe(`${host}/cloudwatch/home?region=${region}#alarmsV2:`);
    expect(dashboardUrl(partition, region, 'pm-2')).toBe(`${host}/cloudwatch/home?region=${region}#dashboards:name=pm-2`);
    const sm = `arn:${partition}:states:${region}:123456789012:stateMachine:pm-monitor`;
    expect(stateMachineUrl(sm)).toBe(`${host}/states/home?region=${region}#/statemachines/view/${encodeURIComponent(sm)}`);
  });

  it('a partition without a public console gives no link, and the text stays', () => {
    expect(consoleHostOrNone('aws-iso', 'us-iso-east-1')).toBeUndefined();
    expect(datasetGroupUrl('arn:aws-iso:personalize:us-iso-east-1:123456789012:dataset-group/x')).toBeUndefined();
    expect(mdLink('name', undefined)).toBe('name');
    expect(datasetGroupUrl('not an arn')).toBeUndefined();
  });

  it('escapes markdown in names and reasons', () => {
    expect(mdEscape('a|b_c\nd')).toBe('a\\|b\\_c d');
  });
});

describe('dashboard names', () => {
  it('the index is the stack\'s dashboard name (infra/names); splits are numbered from -2', () => {
    expect(dashboardPageName('pm')).toBe('pm-dashboard');
    expect(dashboardPageName('pm', 1)).toBe('pm-dashboard');
    expect(dashboardPageName('pm', 2)).toBe('pm-dashboard-2');
    expect(dashboardPageName('pm', 13)).toBe('pm-dashboard-13');
  });

  it('rejects names CloudWatch would reject', () => {
    expect(() => dashboardPageName('pm monitor')).toThrow(/"pm monitor-dashboard"/);
    expect(() => dashboardPageName('pm', 0)).toThrow(/≥ 1/);
  });
});
