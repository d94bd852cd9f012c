/**
 * The dashboard's "Data feed" view: the query over the data-feed task's `dataFeed` records (run by
 * the local Logs Insights evaluator), the tables the layout draws with it on (none with it off),
 * and the build-dashboard task's PM_DATA_FEED_CHECKS.
 */
import { CloudWatchClient, GetDashboardCommand, DashboardNotFoundError, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDashboards, type DashboardInput } from '../core/dashboard/layout';
import { dataFeedQuery, QUERY_ROW_LIMIT } from '../core/dashboard/queries';
import type { DashboardBody, LogWidget } from '../core/dashboard/types';
import type { DataFeedRecord } from '../core/contracts/records';
import { createHandler } from '../tasks/build-dashboard/handler';
import { readEnv } from '../tasks/build-dashboard/input';
import { spec } from '../tasks/build-dashboard/spec';
import { ConfigurationError } from '../tasks/shared/errors';
import { Logger } from '../tasks/shared/logger';
import { TASK_ENV } from '../tasks/shared/task-env';
import { parseLogsInsightsQuery, runLogsInsightsQuery, sourcesOf, type LogEventInput } from '../sim/logs-insights';
import { ACCOUNT, bodyProblems, fleetOf, resource } from './dashboard-fixtures';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:pm-monitor';
const T0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
const DATA_FEED_LOG_GROUP = '/aws/lambda/pm-data-feed';
const INDEX_TITLE = 'Data feed per dataset group: last event, events per hour, last import, last training, newest model, open findings – most findings first';

function build(o: Partial<DashboardInput> = {}) {
  return buildDashboards({ fleet: [], stackName: 'pm', homeRegion: 'us-east-1', health: { stateMachineArn: SM }, ...o });
}
const parse = (body: string): DashboardBody => JSON.parse(body);
const logWidgets = (body: string) => parse(body).widgets.filter((w): w is LogWidget => w.type === 'log');
const dataFeedWidgets = (body: string) => logWidgets(body).filter((w) => w.properties.title.startsWith('Data feed'));
const dsgArn = (name: string, region = 'us-east-1') => `arn:aws:personalize:${region}:${ACCOUNT}:dataset-group/${name}`;

function record(datasetGroupArn: string, name: string, at: number, over: Partial<DataFeedRecord> = {}): DataFeedRecord {
  return {
    record: 'dataFeed',
    datasetGroupArn,
    name,
    region: 'us-east-1',
    lastEventAt: '2026-02-28T23:00:00Z',
    eventsPerHour: 120,
    lastImportAt: '2026-02-27T00:00:00Z',
    lastImportStatus: 'ACTIVE',
    lastTrainingAt: '2026-02-26T00:00:00Z',
    lastTrainingStatus: 'ACTIVE',
    latestActiveModelAt: '2026-02-26T00:00:00Z',
    solutions: 1,
    activeVersions: 2,
    campaignsOnOldModel: 0,
    openFindings: 0,
    checks: '',
    at: new Date(at).toISOString(),
    ...over,
  };
}

/** Log events as the data-feed task's function would ship them: one line per record, by our Logger. */
function events(records: readonly DataFeedRecord[]): LogEventInput[] {
  const out: LogEventInput[] = [];
  for (const r of records) new Logger('data-feed', {}, 'INFO', (line) => out.push({ logGroup: DATA_FEED_LOG_GROUP, timestamp: Date.parse(r.at), message: line })).record(r);
  return out;
}
const run = (query: string, records: readonly DataFeedRecord[]) => runLogsInsightsQuery(query, events(records), { startMs: T0 - 7 * 24 * HOUR, endMs: T0 + 24 * HOUR });

describe('dataFeedQuery', () => {
  it('reads the data-feed log group, keeps dataFeed records, the latest per dataset group, most open findings first, limited', () => {
    const q = dataFeedQuery('pm');
    expect(sourcesOf(q)).toEqual([DATA_FEED_LOG_GROUP]);
    expect(q).toContain('filter record = "dataFeed"');
    expect(q).not.toContain('filter datasetGroupArn');
    expect(q).toMatch(/\| stats latest\(name\) as name, .*latest\(at\) as lastCheck by datasetGroupArn\n/);
    for (const f of ['region', 'lastEventAt', 'eventsPerHour', 'lastImportAt', 'lastImportStatus', 'lastTrainingAt', 'lastTrainingStatus', 'latestActiveModelAt', 'activeVersions', 'campaignsOnOldModel', 'openFindings', 'checks']) {
      expect(q).toContain(`latest(${f}) as ${f}`);
    }
    expect(q).toMatch(/\| sort openFindings desc/);
    expect(q.endsWith(`| limit ${QUERY_ROW_LIMIT}`)).toBe(true);
    expect(() => parseLogsInsightsQuery(q)).not.toThrow();
  });

  it('one dataset group: filters on its ARN, quoted with backslash and double quote escaped', () => {
    expect(dataFeedQuery('pm', dsgArn('shop'))).toContain(`| filter datasetGroupArn = "${dsgArn('shop')}"\n| stats `);
    const odd = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/a"b\\c';
    const q = dataFeedQuery('pm', odd);
    expect(q).toContain('| filter datasetGroupArn = "arn:aws:personalize:us-east-1:123456789012:dataset-group/a\\"b\\\\c"');
    expect(() => parseLogsInsightsQuery(q)).not.toThrow();
    // The escaped literal matches exactly that ARN (not a neighbour's).
    const rows = run(q, [record(odd, 'odd', T0), record(dsgArn('shop'), 'shop', T0)]).rows;
    expect(rows).toEqual([expect.objectContaining({ datasetGroupArn: odd, name: 'odd' })]);
  });

  it('over records: the latest check per group, most open findings first; a group filter keeps that group only', () => {
    const shop = dsgArn('shop');
    const news = dsgArn('news');
    const records = [
      record(shop, 'shop', T0 - 2 * HOUR, { openFindings: 3, checks: 'ingestionStopped,importFailed,modelStale' }),
      record(shop, 'shop', T0 - HOUR, { openFindings: 1, checks: 'modelStale', eventsPerHour: 0 }),
      record(news, 'news', T0 - HOUR, { openFindings: 2, checks: 'importFailed,trainingFailed', lastImportStatus: 'CREATE FAILED' }),
    ];
    const all = run(dataFeedQuery('pm'), records).rows;
    expect(all).toEqual([
      expect.objectContaining({ datasetGroupArn: news, name: 'news', openFindings: 2, lastImportStatus: 'CREATE FAILED', checks: 'importFailed,trainingFailed' }),
      expect.objectContaining({ datasetGroupArn: shop, name: 'shop', openFindings: 1, eventsPerHour: 0, checks: 'modelStale', lastCheck: '2026-02-28T23:00:00.000Z' }),
    ]);
    expect(Object.keys(all[0]).sort()).toEqual(
      ['datasetGroupArn', 'name', 'region', 'lastEventAt', 'eventsPerHour', 'lastImportAt', 'lastImportStatus', 'lastTrainingAt', 'lastTrainingStatus', 'latestActiveModelAt', 'activeVersions', 'campaignsOnOldModel', 'openFindings', 'checks', 'lastCheck'].sort(),
    );
    expect(run(dataFeedQuery('pm', shop), records).rows).toEqual([expect.objectContaining({ datasetGroupArn: shop, openFindings: 1 })]);
  });
});

describe('dashboard layout with the data feed', () => {
  it('on: a full-width table on the index after the endpoint health, and one table per dataset group over that group', () => {
    const fleet = [resource(1, { dsg: 'shop' }), resource(2, { dsg: 'shop' }), resource(3, { dsg: 'news', region: 'eu-west-1' }), resource(4, { dsg: null })];
    const docs = build({ fleet, dataFeed: true, health: { stateMachineArn: SM, canary: true } });
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(bodyProblems(doc.body)).toEqual([]);
    const logs = logWidgets(doc.body);
    const titles = logs.map((w) => w.properties.title);
    const index = titles.indexOf(INDEX_TITLE);
    expect(index).toBeGreaterThan(0);
    expect(titles[index - 1]).toMatch(/^Endpoint health/);
    expect(logs[index]).toMatchObject({ width: 24, properties: { region: 'us-east-1', view: 'table', query: dataFeedQuery('pm') } });

    const perGroup = logs.filter((w) => w.properties.title.startsWith('Data feed of '));
    expect(perGroup.length).toBeGreaterThan(0);
    // One per dataset group with an ARN (the unknown group has no feed), each over its own group, in the home region.
    expect(perGroup.map((w) => w.properties.title)).toEqual([
      'Data feed of news: last event, import, training, versions',
      'Data feed of shop: last event, import, training, versions',
    ]);
    expect(perGroup.map((w) => w.properties.query)).toEqual([dataFeedQuery('pm', dsgArn('news', 'eu-west-1')), dataFeedQuery('pm', dsgArn('shop'))]);
    for (const w of perGroup) {
      expect(w.properties).toMatchObject({ region: 'us-east-1', view: 'table' });
      expect(() => parseLogsInsightsQuery(w.properties.query)).not.toThrow();
    }
    // Each sits right below its group's header.
    const widgets = parse(doc.body).widgets;
    for (const w of perGroup) {
      const name = w.properties.title.slice('Data feed of '.length).split(':')[0];
      const header = widgets.findIndex((x) => x.type === 'text' && x.properties.markdown.includes(`Dataset group: **${name}**`));
      expect(header).toBeGreaterThan(0);
      expect(widgets[header + 1]).toEqual(w);
    }
  });

  it('on, without the canary: the index table takes the endpoint health\'s place (after the actions)', () => {
    const [doc] = build({ fleet: fleetOf(3), dataFeed: true });
    const titles = logWidgets(doc.body).map((w) => w.properties.title);
    expect(titles.indexOf(INDEX_TITLE)).toBe(titles.findIndex((t) => t.startsWith('Actions')) + 1);
  });

  it('on: a group split in several sections has one table, a fleet split over dashboards keeps every group\'s table within the limits', () => {
    const huge = Array.from({ length: 60 }, (_, i) => resource(i, { dsg: 'huge', type: 'campaign' }));
    const hugeTables = build({ fleet: huge, dataFeed: true }).flatMap((d) => dataFeedWidgets(d.body)).filter((w) => w.properties.title.startsWith('Data feed of '));
    expect(hugeTables.map((w) => w.properties.title)).toEqual(['Data feed of huge: last event, import, training, versions']);

    const fleet = Array.from({ length: 400 }, (_, i) => resource(i, { dsg: `g${String(i).padStart(3, '0')}` }));
    const docs = build({ fleet, dataFeed: true });
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) {
      expect(bodyProblems(d.body)).toEqual([]);
      expect(parse(d.body).widgets.length).toBeLessThanOrEqual(500);
    }
    const tables = docs.flatMap((d) => dataFeedWidgets(d.body)).filter((w) => w.properties.title.startsWith('Data feed of '));
    expect(tables).toHaveLength(400);
    expect(docs.flatMap((d) => dataFeedWidgets(d.body)).filter((w) => w.properties.title === INDEX_TITLE)).toHaveLength(1);
    expect(dataFeedWidgets(docs[0].body).map((w) => w.properties.title)).toContain(INDEX_TITLE);
  });

  it('off or absent: no data-feed widget at all, and the very same bodies', () => {
    const fleet = fleetOf(50);
    const absent = build({ fleet, health: { stateMachineArn: SM, canary: true } });
    const off = build({ fleet, health: { stateMachineArn: SM, canary: true }, dataFeed: false });
    expect(absent.length).toBeGreaterThan(0);
    expect(off).toEqual(absent);
    for (const d of absent) {
      expect(dataFeedWidgets(d.body)).toEqual([]);
      expect(d.body).not.toContain('data-feed');
    }
  });
});

describe('build-dashboard: PM_DATA_FEED_CHECKS', () => {
  const ENV = { PM_REGIONS: '["us-east-1"]', PM_HOME_REGION: 'us-east-1', PM_STACK_NAME: 'pm', PM_ALARM_PREFIX: 'pm-alarm-' };

  it('is declared by the spec and in the catalogue', () => {
    expect(spec.environment).toContain('PM_DATA_FEED_CHECKS');
    expect(TASK_ENV).toHaveProperty('PM_DATA_FEED_CHECKS');
  });

  it.each([
    ['absent → false', undefined, false],
    ['blank → false', '  ', false],
    ['"false" → false', 'false', false],
    ['"true" → true', 'true', true],
    ['" true " → true', ' true ', true],
  ])('%s', (_, value, expected) => {
    expect(readEnv({ ...ENV, PM_DATA_FEED_CHECKS: value }).dataFeedChecks).toBe(expected);
  });

  it.each(['yes', 'on', 'TRUE', '1'])('%j is a configuration error naming the variable and what it expects', (value) => {
    expect(() => readEnv({ ...ENV, PM_DATA_FEED_CHECKS: value })).toThrow(ConfigurationError);
    expect(() => readEnv({ ...ENV, PM_DATA_FEED_CHECKS: value })).toThrow(`environment variable PM_DATA_FEED_CHECKS must be "true" or "false", got ${JSON.stringify(value)}`);
  });

  describe('the handler passes it to the layout', () => {
    const cw = mockClient(CloudWatchClient);
    let store: Map<string, string>;
    beforeEach(() => {
      cw.reset();
      store = new Map();
      cw.on(GetDashboardCommand).callsFake(({ DashboardName }) => {
        const body = store.get(DashboardName);
        if (body === undefined) throw new DashboardNotFoundError({ message: `Dashboard ${DashboardName} does not exist`, $metadata: {} });
        return { DashboardName, DashboardBody: body };
      });
      cw.on(PutDashboardCommand).callsFake(({ DashboardName, DashboardBody }) => {
        store.set(DashboardName, DashboardBody);
        return { DashboardValidationMessages: [] };
      });
    });
    afterAll(() => cw.restore());

    const handler = (env: Record<string, string | undefined>) =>
      createHandler({
        cloudwatch: (region) => new CloudWatchClient({ region }),
        dynamodb: () => new DynamoDBClient({ region: 'us-east-1' }),
        env: () => env,
        clock: () => T0,
        logger: new Logger('build-dashboard-test', {}, 'ERROR', () => undefined),
      });

    it.each([
      ['true', 2],
      [undefined, 0],
    ])('PM_DATA_FEED_CHECKS=%s: %i data-feed tables', async (value, tables) => {
      const fleet = [resource(1, { dsg: 'shop' })];
      await handler({ ...ENV, PM_DATA_FEED_CHECKS: value })({ fleet });
      const body = store.get('pm-dashboard');
      expect(body).toBeDefined();
      expect(dataFeedWidgets(body!).map((w) => w.properties.query)).toEqual(tables ? [dataFeedQuery('pm'), dataFeedQuery('pm', dsgArn('shop'))] : []);
    });
  });
});
