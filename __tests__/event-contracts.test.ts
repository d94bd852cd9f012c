/**
 * Producers and consumers of an event agree because they share one schema
 * (core/contracts/events.ts): what the MONITOR emits and the ACTION emits parses with it.
 */
import { resultEvents } from '../core/actions';
import { evaluateOverProvisioned } from '../core/capacity';
import {
  DASHBOARD_DETAIL_TYPE,
  REQUEST_DETAIL_TYPES,
  RESULT_DETAIL_TYPES,
  dashboardDetailSchema,
  requestDetailSchema,
  resultDetailSchema,
} from '../core/contracts/events';
import { buildFinding } from '../core/findings';
import { evaluateIdle } from '../core/idle';
import type { Finding, MonitoredResource } from '../core/types';
import { capacityRequest, request } from './support/action-fixtures';
import { behaviour, campaign, NOT_EXEMPT, NOW, recommender, traffic } from './support/core-fixtures';

function idleFinding(resource: MonitoredResource): Finding {
  const b = behaviour({ autoDeleteOrStopIdleResources: true });
  const decision = evaluateIdle({ resource, traffic: traffic(b, () => 0), behaviour: b, now: NOW, exemption: NOT_EXEMPT });
  if (!decision.idle) throw new Error(`fixture not idle: ${decision.reason}`);
  return buildFinding('idle', resource, decision.evidence, b);
}

function capacityFinding(resource: MonitoredResource): Finding {
  const b = behaviour({ autoAdjustMinTps: true });
  const decision = evaluateOverProvisioned({ resource, traffic: traffic(b, () => 2 * 3600), behaviour: b, now: NOW, exemption: NOT_EXEMPT });
  if (!decision.overProvisioned) throw new Error(`fixture not over-provisioned: ${decision.reason}`);
  return buildFinding('overProvisioned', resource, decision.evidence, b);
}

const requestDetailTypes: string[] = [REQUEST_DETAIL_TYPES.delete, REQUEST_DETAIL_TYPES.stop, ...Object.values(REQUEST_DETAIL_TYPES.setMinCapacity)];

describe('request events: the MONITOR builds what the ACTION parses', () => {
  it.each([
    ['idle campaign', () => idleFinding(campaign()), REQUEST_DETAIL_TYPES.delete],
    ['idle recommender', () => idleFinding(recommender()), REQUEST_DETAIL_TYPES.stop],
    ['over-provisioned campaign', () => capacityFinding(campaign({ minCapacity: 10 })), REQUEST_DETAIL_TYPES.setMinCapacity.campaign],
    ['over-provisioned recommender', () => capacityFinding(recommender({ minCapacity: 4 })), REQUEST_DETAIL_TYPES.setMinCapacity.recommender],
  ])('%s: its detail parses with the one request schema, unchanged', (_what, make, detailType) => {
    const finding = make();

    const parsed = requestDetailSchema.safeParse(finding.event.detail);

    expect(finding.event.detailType).toBe(detailType);
    expect(requestDetailTypes).toContain(finding.event.detailType);
    expect(parsed.success && parsed.data).toEqual(finding.event.detail);
  });

  it('a field the contract does not name is refused (the schema is strict)', () => {
    const finding = idleFinding(campaign());

    const parsed = requestDetailSchema.safeParse({ ...finding.event.detail, SkipRecheck: true });

    expect(parsed.success).toBe(false);
  });
});

describe('result events: what the ACTION emits parses with its family schema', () => {
  it.each([
    ['delete', request(), RESULT_DETAIL_TYPES.delete],
    ['setMinCapacity', capacityRequest(), RESULT_DETAIL_TYPES.setMinCapacity.recommender],
  ])('%s: the result detail and the dashboard rebuild request', (_what, req, detailType) => {
    const [result, dashboard] = resultEvents(req);

    expect(result.detailType).toBe(detailType);
    expect(resultDetailSchema.parse(result.detail)).toEqual(result.detail);
    expect(dashboard.detailType).toBe(DASHBOARD_DETAIL_TYPE);
    expect(dashboardDetailSchema.parse(dashboard.detail)).toEqual(dashboard.detail);
  });
});
