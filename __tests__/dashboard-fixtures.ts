/** Fixtures and a body checker shared by the dashboard tests (not a test file itself). */
import type { Finding, MonitoredResource, ResourceType } from '../core/types';
import type { DashboardBody } from '../core/dashboard/types';

export const ACCOUNT = '123456789012';

/** A resource of `type` in dataset group `dsg` of `region` (partition from the region). */
export function resource(
  i: number,
  o: { type?: ResourceType; region?: string; dsg?: string | null; partition?: string; requestMetric?: MonitoredResource['requestMetric'] } = {},
): MonitoredResource {
  const type = o.type ?? (i % 3 === 0 ? 'recommender' : 'campaign');
  const region = o.region ?? 'us-east-1';
  const partition = o.partition ?? (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
  const name = `${type === 'campaign' ? 'camp' : 'rec'}-${String(i).padStart(4, '0')}`;
  const dsg = o.dsg === null ? undefined : `arn:${partition}:personalize:${region}:${ACCOUNT}:dataset-group/${o.dsg ?? `dsg-${i % 10}`}`;
  return {
    arn: `arn:${partition}:personalize:${region}:${ACCOUNT}:${type}/${name}`,
    name,
    type,
    region,
    partition,
    accountId: ACCOUNT,
    status: 'ACTIVE',
    minCapacity: 1 + (i % 5),
    requestMetric: o.requestMetric ?? 'GetRecommendations',
    createdAt: 0,
    lastUpdatedAt: 0,
    ...(dsg ? { datasetGroupArn: dsg } : {}),
  };
}

/** `n` resources spread over 10 dataset groups in two regions. */
export function fleetOf(n: number): MonitoredResource[] {
  return Array.from({ length: n }, (_, i) => resource(i, { region: i % 2 ? 'eu-west-1' : 'us-east-1' }));
}

/** A finding on `r` with the given waste. */
export function findingFor(r: MonitoredResource, monthlyWasteUsd: number, kind: Finding['kind'] = 'idle'): Finding {
  return {
    kind,
    action: kind === 'idle' ? (r.type === 'campaign' ? 'delete' : 'stop') : 'setMinCapacity',
    actionEnabled: true,
    dryRun: false,
    resourceArn: r.arn,
    resourceType: r.type,
    region: r.region,
    name: r.name,
    reason: `no request in 24 hours | ${r.name}`,
    evidence: {
      utilizationPercent: 0,
      windowStart: '2026-01-01T00:00:00Z',
      windowEnd: '2026-01-02T00:00:00Z',
      datapoints: 24,
      totalRequests: 0,
      ageHours: 100,
      currentMin: r.minCapacity,
      ...(kind === 'overProvisioned' ? { newMin: 1 } : {}),
      monthlyWasteUsd,
    },
    event: { detailType: 'DeletePersonalizeCampaign', detail: { ARN: r.arn } },
    notification: { subject: 's', message: 'm' },
    actionName: `delete-${r.name}`,
  };
}

/** Deterministic shuffle (so a failing order can be reproduced). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isOptions = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Problems of a metric-math expression: only numbers, ids of the widget, + - * /, parentheses,
 * FILL(x, n) and PERIOD(id) (what CloudWatch and the local renderer both understand).
 */
export function expressionProblems(expression: string, ids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const tokens = expression.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/(),]|\S)/g) ?? [];
  for (const raw of tokens) {
    const t = raw.trim();
    if (/^[A-Za-z_]/.test(t)) {
      if (t === 'FILL' || t === 'PERIOD') continue;
      if (!ids.has(t)) problems.push(`unknown id or function ${t}`);
    } else if (!/^(\d+(\.\d+)?|[-+*/(),])$/.test(t)) problems.push(`unexpected ${t}`);
  }
  let depth = 0;
  for (const c of expression) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) problems.push('unbalanced parentheses');
  }
  if (depth !== 0) problems.push('unbalanced parentheses');
  return problems;
}

/**
 * Every structural problem of a dashboard body (empty = valid): widget types, 24-column grid,
 * region on every metric widget, metric rows `[ns, metric, dim, value, ..., {opts}]` or `[".", ...]`,
 * expression rows `[{ expression, id }]` over ids of the same widget; ids unique per widget and
 * starting lowercase.
 */
export function bodyProblems(bodyText: string): string[] {
  const problems: string[] = [];
  let body: DashboardBody;
  try {
    body = JSON.parse(bodyText);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  if (!Array.isArray(body.widgets)) return ['widgets is not an array'];
  body.widgets.forEach((w, i) => {
    const at = `widget ${i}`;
    if (!['metric', 'text', 'log', 'alarm'].includes(w.type)) problems.push(`${at}: type ${String((w as { type?: unknown }).type)}`);
    if (w.type === 'log') {
      const p = w.properties;
      if (!isStr(p?.region) || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(p.region)) problems.push(`${at}: region ${p?.region}`);
      if (!isStr(p?.query) || !/^SOURCE '[^']+'/.test(p.query)) problems.push(`${at}: query without SOURCE`);
      if (p?.view !== 'table') problems.push(`${at}: view ${String(p?.view)}`);
    }
    if (w.type === 'alarm') {
      const a = w.properties?.alarms;
      if (!Array.isArray(a) || a.length < 1 || a.length > 100) problems.push(`${at}: ${Array.isArray(a) ? a.length : 'no'} alarms (1-100)`);
      for (const arn of Array.isArray(a) ? a : []) if (!/^arn:[\w-]+:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/.test(arn)) problems.push(`${at}: ${arn} is not an alarm ARN`);
    }
    for (const k of ['x', 'y', 'width', 'height'] as const) if (!Number.isInteger(w[k]) || w[k] < 0) problems.push(`${at}: ${k}=${w[k]}`);
    if (w.width < 1 || w.x + w.width > 24) problems.push(`${at}: x=${w.x} width=${w.width} leaves the 24-column grid`);
    if (w.height < 1 || w.height > 1000) problems.push(`${at}: height=${w.height}`);
    if (w.type === 'text' && !isStr(w.properties?.markdown)) problems.push(`${at}: text without markdown`);
    if (w.type === 'metric') {
      const p = w.properties;
      if (!isStr(p?.region) || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(p.region)) problems.push(`${at}: region ${p?.region}`);
      if (p.view !== 'timeSeries' && p.view !== 'singleValue') problems.push(`${at}: view ${p.view}`);
      if (!Array.isArray(p.metrics) || p.metrics.length === 0) problems.push(`${at}: no metrics`);
      const rows = (p.metrics ?? []) as unknown as readonly unknown[][];
      const ids = rows.map((row) => (Array.isArray(row) && isOptions(row[row.length - 1]) ? (row[row.length - 1] as { id?: unknown }).id : undefined)).filter((id) => id !== undefined);
      ids.forEach((id, k) => {
        if (!isStr(id) || !/^[a-z][A-Za-z0-9_]*$/.test(id)) problems.push(`${at}: id ${String(id)} does not start lowercase`);
        if (ids.indexOf(id) !== k) problems.push(`${at}: id ${String(id)} used twice`);
      });
      const idSet = new Set(ids.map(String));
      rows.forEach((row: readonly unknown[], j: number) => {
        const where = `${at} metric ${j}`;
        if (Array.isArray(row) && row.length === 1 && isOptions(row[0]) && 'expression' in (row[0] as object)) {
          const e = row[0] as { expression?: unknown; id?: unknown };
          if (!isStr(e.expression)) return void problems.push(`${where}: empty expression`);
          if (!isStr(e.id)) problems.push(`${where}: expression without id`);
          for (const x of expressionProblems(e.expression, idSet)) problems.push(`${where}: ${x}`);
          return undefined;
        }
        if (!Array.isArray(row) || row.length < 2) return void problems.push(`${where}: not a row`);
        const last = row[row.length - 1];
        const parts = isOptions(last) ? row.slice(0, -1) : row;
        if (!parts.every(isStr)) problems.push(`${where}: non-string part`);
        if (parts.length < 2 || parts.length % 2 !== 0) problems.push(`${where}: ${parts.length} parts (namespace, metric, then name/value pairs)`);
        if (parts[0] !== '.' && !/^[A-Za-z0-9/_.#:-]+$/.test(String(parts[0]))) problems.push(`${where}: namespace ${String(parts[0])}`);
      });
    }
  });
  return problems;
}
